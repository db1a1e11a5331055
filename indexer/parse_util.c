/*
 * parse_util.c - helpers shared by the parsers: splitting a buffer into lines, sorting one
 * file's passages into source order, choosing the work title and telling whether a clean text
 * ends a sentence.  See parse_util.h.
 */
#include "parse_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

int ibid_split_lines(const char *buf, size_t len, ibid_line **lines, size_t *n)
{
    *lines = NULL;
    *n = 0;
    if (len == 0)
        return IBID_OK;
    size_t count = 1;
    for (const char *p = buf, *end = buf + len; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
        count++;
    if (count > SIZE_MAX / sizeof(ibid_line))
        return IBID_ENOMEM;
    ibid_line *v = malloc(count * sizeof *v);
    if (!v)
        return IBID_ENOMEM;
    size_t k = 0, off = 0;
    while (off < len) {
        const char *nl = memchr(buf + off, '\n', len - off);
        size_t end = nl ? (size_t)(nl - buf) : len;
        size_t l = end - off;
        if (l && buf[off + l - 1] == '\r')
            l--;
        v[k].off = off;
        v[k].len = l;
        k++;
        off = nl ? end + 1 : len;
    }
    *lines = v;
    *n = k;
    return IBID_OK;
}

void ibid_passages_sort_from(ibid_passage_list *list, size_t start)
{
    if (start >= list->n)
        return;
    /* A view of the tail (no arena of its own): ibid_passages_sort keeps the one order. */
    ibid_passage_list tail = {.v = list->v + start, .n = list->n - start, .cap = list->n - start};
    ibid_passages_sort(&tail);
}

const char *ibid_pick_work(const ibid_parse_ctx *ctx, ibid_arena *arena, const char *found)
{
    if (ctx->work && *ctx->work)
        return ibid_arena_strndup(arena, ctx->work, strlen(ctx->work));
    if (found && *found)
        return ibid_arena_strndup(arena, found, strlen(found));
    return ibid_work_from_filename(arena, ctx->file ? ctx->file : "");
}

int ibid_ends_sentence(const char *t, size_t n, int colon_ends)
{
    size_t floor = n > 256 ? n - 256 : 0; /* look at the tail only: linear on any input */
    while (n > floor) {
        unsigned char c = (unsigned char)t[n - 1];
        if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '*' || ibid_is_space(c)) {
            n--;
            continue;
        }
        /* closing quotes U+201D (E2 80 9D), U+2019 (E2 80 99), U+00BB (C2 BB) */
        if (n >= 3 && (unsigned char)t[n - 3] == 0xE2 && (unsigned char)t[n - 2] == 0x80 &&
            (c == 0x9D || c == 0x99)) {
            n -= 3;
            continue;
        }
        if (n >= 2 && (unsigned char)t[n - 2] == 0xC2 && c == 0xBB) {
            n -= 2;
            continue;
        }
        break;
    }
    if (n == floor)
        return 0;
    char c = t[n - 1];
    if (c == '.' || c == '!' || c == '?' || (colon_ends && c == ':'))
        return 1;
    /* U+2026 horizontal ellipsis */
    return n >= 3 && (unsigned char)t[n - 3] == 0xE2 && (unsigned char)t[n - 2] == 0x80 &&
           (unsigned char)t[n - 1] == 0xA6;
}
