/*
 * parse_util.h - small helpers shared by the parsers (Markdown, plain text, JSON Lines; the
 * PDF-text parser uses the sorting).
 *
 * Internal to indexer/ (not a contract between helpers).  Nothing here allocates except
 * ibid_split_lines (an array the caller frees) and ibid_pick_work (in the arena it is given);
 * the first returns IBID_OK or IBID_ENOMEM, the second NULL when out of memory.
 */
#ifndef IBID_PARSE_UTIL_H
#define IBID_PARSE_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "le64.h"
#include "parse.h"
#include "passage.h"

/* One source line: buf[off .. off+len), without its "\n" and without a final "\r". */
typedef struct ibid_line {
    size_t off, len;
} ibid_line;

/* Splits buf[0..len) into lines (a final line without "\n" counts; an empty file has none).
   *lines is malloc'd (caller frees) and *n receives the count.  Returns IBID_OK or IBID_ENOMEM. */
int ibid_split_lines(const char *buf, size_t len, ibid_line **lines, size_t *n);

/* Sorts list->v[start .. n) by (line, kind, footnote) as ibid_passages_sort does, leaving
   earlier passages alone. */
void ibid_passages_sort_from(ibid_passage_list *list, size_t start);

/* The work title: ctx->work when set, else found (a title the text gives) when non-NULL and
   non-empty (copied into the arena), else the file name without extension.  NULL when out of
   memory. */
const char *ibid_pick_work(const ibid_parse_ctx *ctx, ibid_arena *arena, const char *found);

/* ASCII helpers that never depend on the locale. */
/* NUL counts as white space: a stray NUL byte must not cut a passage's text short. */
static inline int ibid_is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' || c == '\0';
}
static inline int ibid_is_digit(int c) { return c >= '0' && c <= '9'; }
static inline int ibid_is_lower(int c) { return c >= 'a' && c <= 'z'; }
static inline int ibid_is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int ibid_is_alpha(int c) { return ibid_is_lower(c) || ibid_is_upper(c); }
static inline int ibid_is_alnum(int c) { return ibid_is_alpha(c) || ibid_is_digit(c); }

/* A view of part of a buffer (nothing owned). */
typedef struct ibid_span {
    const char *s;
    size_t n;
} ibid_span;

/* s[0..n) without leading and trailing white space (ibid_is_space). */
static inline ibid_span ibid_trim(const char *s, size_t n)
{
    while (n && ibid_is_space(s[0])) {
        s++;
        n--;
    }
    while (n && ibid_is_space(s[n - 1]))
        n--;
    ibid_span v = {s, n};
    return v;
}

/* Nonzero when text (already clean) ends a sentence: its last character other than closing
   quotes, brackets and spaces is '.', '!', '?', ':' or an ellipsis "…". */
int ibid_ends_sentence(const char *text, size_t n, int colon_ends);

#endif
