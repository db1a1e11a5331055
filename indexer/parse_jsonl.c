/*
 * parse_jsonl.c - JSON Lines corpora (BEIR / Pyserini style): one {"id","title","text"} object a
 * line, each of which becomes one paragraph passage.
 *
 *   id        the "id" member, else "_id" (BEIR), else "docid": kept as a string; a number
 *             becomes its decimal form ("1234"); missing -> null.
 *   work      the object's title; the file's work (ctx->work, else the file name) when the title
 *             is missing or empty.
 *   text      title + " " + text (both searchable, as in the published SciFact runs), whitespace
 *             collapsed.  Also accepted for the text: "contents" (Pyserini) and "abstract".
 *   line      = end_line = the line number; chapter, page, paragraph and footnote are null.
 * A line that is not JSON, not an object, or has no text string is reported through ctx->diag as
 * file:line and skipped (the first 10, then a count); blank lines are skipped silently.  Each
 * line is parsed with jansson's json_loadb, so a long line costs time linear in its length.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "parse_util.h"
#include "status.h"

/* Appends s[0..n) with whitespace runs collapsed to one space (no leading space).  A NUL
   ("\u0000" in a string) counts as white space, so the text stays a C string. */
static int put_collapsed(ibid_buf *b, const char *s, size_t n)
{
    if (ibid_buf_reserve(b, n + 1))
        return IBID_ENOMEM;
    int space = b->len > 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (ibid_is_space(c)) {
            space = 1;
            continue;
        }
        if (space && b->len > 0)
            b->data[b->len++] = ' ';
        space = 0;
        b->data[b->len++] = c;
    }
    b->data[b->len] = '\0';
    return IBID_OK;
}

static const char *str_member(json_t *obj, const char *key, size_t *n)
{
    json_t *v = json_object_get(obj, key);
    if (!v || !json_is_string(v))
        return NULL;
    *n = json_string_length(v);
    return json_string_value(v);
}

int ibid_parse_jsonl(const ibid_parse_ctx *ctx, const char *buf, size_t len, ibid_passage_list *out)
{
    int rc = IBID_OK;
    ibid_buf text = {0};
    size_t start = out->n;
    const char *file = ibid_arena_strndup(&out->arena, ctx->file ? ctx->file : "", ctx->file ? strlen(ctx->file) : 0);
    const char *file_work = ibid_pick_work(ctx, &out->arena, NULL);
    if (!file || !file_work) {
        rc = IBID_ENOMEM;
        goto done;
    }
    size_t off = 0;
    long ln = 0, bad = 0;
    enum { MAX_REPORTS = 10 }; /* then one summary line, so a wrong file does not flood stderr */
    /* a UTF-8 byte order mark */
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        off = 3;
    while (off < len) {
        const char *nl = memchr(buf + off, '\n', len - off);
        size_t end = nl ? (size_t)(nl - buf) : len;
        const char *s = buf + off;
        size_t n = end - off;
        off = nl ? end + 1 : len;
        ln++;
        while (n && ibid_is_space(s[n - 1]))
            n--;
        while (n && ibid_is_space(s[0])) {
            s++;
            n--;
        }
        if (n == 0)
            continue;
        json_error_t jerr;
        json_t *obj = json_loadb(s, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
        if (!obj) {
            if (++bad <= MAX_REPORTS)
                ibid_diagf(ctx->diag, ctx->file, ln, "not JSON (%s), line skipped", jerr.text);
            continue;
        }
        if (!json_is_object(obj)) {
            if (++bad <= MAX_REPORTS)
                ibid_diagf(ctx->diag, ctx->file, ln, "not a JSON object, line skipped");
            json_decref(obj);
            continue;
        }
        size_t tn = 0, bn = 0;
        const char *title = str_member(obj, "title", &tn);
        const char *body = str_member(obj, "text", &bn);
        if (!body)
            body = str_member(obj, "contents", &bn);
        if (!body)
            body = str_member(obj, "abstract", &bn);
        if (!body) {
            if (++bad <= MAX_REPORTS)
                ibid_diagf(ctx->diag, ctx->file, ln, "object has no \"text\" string, line skipped");
            json_decref(obj);
            continue;
        }
        /* the id: a string, or a number written in decimal */
        const char *id = NULL;
        char num[64];
        json_t *jid = json_object_get(obj, "id");
        if (!jid)
            jid = json_object_get(obj, "_id");
        if (!jid)
            jid = json_object_get(obj, "docid");
        if (jid && json_is_string(jid)) {
            id = ibid_arena_strndup(&out->arena, json_string_value(jid), json_string_length(jid));
            if (!id)
                rc = IBID_ENOMEM;
        } else if (jid && json_is_integer(jid)) {
            snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(jid));
            if (!(id = ibid_arena_strndup(&out->arena, num, strlen(num))))
                rc = IBID_ENOMEM;
        } else if (jid && json_is_real(jid)) {
            snprintf(num, sizeof num, "%.17g", json_real_value(jid));
            if (!(id = ibid_arena_strndup(&out->arena, num, strlen(num))))
                rc = IBID_ENOMEM;
        }
        ibid_buf_clear(&text);
        const char *work = file_work;
        if (rc == IBID_OK && title) {
            if (put_collapsed(&text, title, tn))
                rc = IBID_ENOMEM;
            if (rc == IBID_OK && text.len > 0) {
                work = ibid_arena_strndup(&out->arena, text.data, text.len);
                if (!work)
                    rc = IBID_ENOMEM;
            }
        }
        if (rc == IBID_OK && put_collapsed(&text, body, bn))
            rc = IBID_ENOMEM;
        json_decref(obj);
        if (rc)
            goto done;
        ibid_passage p = {0};
        p.kind = IBID_KIND_PARAGRAPH;
        p.file = file;
        p.line = p.end_line = (int)(ln > 2147483647L ? 2147483647L : ln);
        p.work = work;
        p.id = id;
        p.text = ibid_arena_strndup(&out->arena, text.data ? text.data : "", text.len);
        if (!p.text || !ibid_passages_push(out, &p)) {
            rc = IBID_ENOMEM;
            goto done;
        }
    }
    if (bad > MAX_REPORTS)
        ibid_diagf(ctx->diag, ctx->file, 0, "%ld bad lines skipped in all (the first %d reported)", bad,
                   (int)MAX_REPORTS);
    ibid_passages_sort_from(out, start);
done:
    ibid_buf_free(&text);
    return rc;
}
