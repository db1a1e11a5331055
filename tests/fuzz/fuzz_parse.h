/*
 * fuzz_parse.h - the shared body of the per-format parser fuzz targets (fuzz_parse_*.c).
 *
 * The input is the file.  It is first made what parse.h promises every parser (valid UTF-8 with
 * no NUL bytes, NUL-terminated) by the same sanitizer the indexer uses (source.h), then parsed.
 * The parser must return IBID_OK and give passages that keep the promises of parse.h and
 * passage.h; a violation aborts (libFuzzer reports it as a crash):
 *   - lines within the file (1 <= line <= end_line <= lines) and passages in source order;
 *   - text, work and file never NULL, file = ctx->file, work = ctx->work when one is given;
 *   - text without leading, trailing or doubled spaces, and valid UTF-8 (it ends up in JSON);
 *   - cites present exactly when ncites > 0, footnote numbers >= 1; paragraphs are not
 *     footnotes.
 * Then the list goes through the builder's order check (ibid_passages_sort keeps it sorted).
 */
#ifndef IBID_FUZZ_PARSE_H
#define IBID_FUZZ_PARSE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "passage.h"
#include "source.h"
#include "status.h"

/* Nonzero when s[0..n) is valid UTF-8 (shortest forms, no surrogates, <= U+10FFFF). */
static inline int fuzz_valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned min, cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 1, min = 0x80, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2, min = 0x800, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i <= k)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

static inline void fuzz_check_passages(const ibid_passage_list *l, size_t nlines, const char *file,
                                const char *work)
{
    for (size_t i = 0; i < l->n; i++) {
        const ibid_passage *p = &l->v[i];
        if (p->line < 1 || p->end_line < p->line || (size_t)p->end_line > nlines)
            abort();
        if (i > 0 && l->v[i - 1].line > p->line)
            abort();
        if (!p->text || !p->work || !p->file || strcmp(p->file, file) != 0)
            abort();
        if (work && strcmp(p->work, work) != 0)
            abort();
        size_t n = strlen(p->text);
        if (n && (p->text[0] == ' ' || p->text[n - 1] == ' ' || strstr(p->text, "  ")))
            abort();
        if (!fuzz_valid_utf8((const unsigned char *)p->text, n))
            abort();
        if ((p->ncites == 0) != (p->cites == NULL))
            abort();
        for (size_t j = 0; j < p->ncites; j++)
            if (p->cites[j].footnote < 1)
                abort();
        if (p->kind == IBID_KIND_PARAGRAPH && p->footnote != 0)
            abort();
    }
}

typedef int (*fuzz_parse_fn)(const ibid_parse_ctx *, const char *, size_t, ibid_passage_list *);

/* Runs parse over data as a file named name (work title work, may be NULL). */
static inline int fuzz_parse_one(fuzz_parse_fn parse, const uint8_t *data, size_t size, const char *name,
                          const char *work)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    size_t len = size;
    long bad_line = 0;
    if (ibid_utf8_sanitize(&buf, &len, &bad_line) < 0) {
        free(buf);
        return 0;
    }
    size_t nlines = 1;
    for (size_t i = 0; i < len; i++)
        nlines += buf[i] == '\n';
    ibid_passage_list l = {0};
    ibid_parse_ctx ctx = {name, work, NULL};
    int rc = parse(&ctx, buf, len, &l);
    if (rc != IBID_OK)
        abort();
    fuzz_check_passages(&l, nlines, name, work);
    ibid_passages_free(&l);
    free(buf);
    return 0;
}

#endif
