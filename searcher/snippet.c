/*
 * snippet.c - highlighting and snippet windows (see snippet.h).
 */
#include "snippet.h"

#include <stdlib.h>
#include <string.h>

#include "status.h"

enum { W_STEM, W_FORM, W_PREFIX };

typedef struct hword {
    int kind;
    char *s;
    size_t len;
} hword;

struct ibid_highlighter {
    hword *v;
    size_t n, cap;
    /* which_word by the analyzer's form numbers (analyze.h: a form keeps its number, and its
       stem is a function of the form): memo[id] = 0 not known yet, 1 no word, w + 2 word w */
    const ibid_analyzer *memo_an;
    int32_t *memo;
    size_t memo_cap;
    /* the words by their first byte (a match shares it): by_byte[first[c]..first[c + 1]) are
       the indexes of the words starting with byte c, ascending */
    size_t first[257];
    size_t *by_byte;
};

void ibid_ranges_free(ibid_ranges *r)
{
    free(r->v);
    r->v = NULL;
    r->n = r->cap = 0;
}

static int add_word(ibid_highlighter *h, int kind, const char *s)
{
    if (!s || !*s)
        return IBID_OK;
    size_t len = strlen(s);
    for (size_t i = 0; i < h->n; i++)
        if (h->v[i].kind == kind && h->v[i].len == len && memcmp(h->v[i].s, s, len) == 0)
            return IBID_OK;
    if (h->n == h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 16;
        hword *nv = realloc(h->v, nc * sizeof *nv);
        if (!nv)
            return IBID_ENOMEM;
        h->v = nv;
        h->cap = nc;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return IBID_ENOMEM;
    memcpy(copy, s, len + 1);
    h->v[h->n++] = (hword){kind, copy, len};
    return IBID_OK;
}

static int collect(ibid_highlighter *h, const ibid_qnode *n, int depth)
{
    if (!n || n->occur == IBID_OCCUR_NOT || depth > IBID_MAX_QUERY_DEPTH + 2)
        return IBID_OK;
    int rc = IBID_OK;
    switch (n->type) {
    case IBID_Q_TERM:
    case IBID_Q_PHRASE:
        for (size_t i = 0; i < n->nwords && rc == IBID_OK; i++)
            rc = n->exact ? add_word(h, W_FORM, n->words[i].form) : add_word(h, W_STEM, n->words[i].term);
        break;
    case IBID_Q_PREFIX:
        if (n->nwords)
            rc = add_word(h, W_PREFIX, n->words[0].form);
        break;
    case IBID_Q_BOOL:
    case IBID_Q_NEAR:
        for (size_t i = 0; i < n->nchildren && rc == IBID_OK; i++)
            rc = collect(h, n->children[i], depth + 1);
        break;
    case IBID_Q_FILTER:
        break;
    }
    return rc;
}

int ibid_highlighter_new(const ibid_query *q, ibid_highlighter **out)
{
    *out = NULL;
    ibid_highlighter *h = calloc(1, sizeof *h);
    if (!h)
        return IBID_ENOMEM;
    int rc = collect(h, q ? q->root : NULL, 0);
    if (rc == IBID_OK && !(h->by_byte = malloc((h->n ? h->n : 1) * sizeof *h->by_byte)))
        rc = IBID_ENOMEM;
    if (rc < 0) {
        ibid_highlighter_free(h);
        return rc;
    }
    for (size_t i = 0; i < h->n; i++) /* counting sort by first byte (words are never empty) */
        h->first[(unsigned char)h->v[i].s[0] + 1]++;
    for (size_t c = 0; c < 256; c++)
        h->first[c + 1] += h->first[c];
    size_t fill[256] = {0};
    for (size_t i = 0; i < h->n; i++) {
        unsigned char c = (unsigned char)h->v[i].s[0];
        h->by_byte[h->first[c] + fill[c]++] = i;
    }
    *out = h;
    return IBID_OK;
}

void ibid_highlighter_free(ibid_highlighter *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++)
        free(h->v[i].s);
    free(h->v);
    free(h->memo);
    free(h->by_byte);
    free(h);
}

/* 1 when word w matches token t. */
static int word_matches(const hword *w, const ibid_token *t)
{
    switch (w->kind) {
    case W_STEM: return t->term_len == w->len && memcmp(t->term, w->s, w->len) == 0;
    case W_FORM: return t->form_len == w->len && memcmp(t->form, w->s, w->len) == 0;
    default: return t->form_len >= w->len && memcmp(t->form, w->s, w->len) == 0;
    }
}

/* The first word (in collection order) that t matches, or -1: only the words starting with
   the first byte of t's stem (for stems) or of its form (forms, prefixes) can. */
static int which_word(const ibid_highlighter *h, const ibid_token *t)
{
    size_t best = SIZE_MAX;
    unsigned char ct = (unsigned char)t->term[0], cf = (unsigned char)t->form[0];
    for (size_t k = h->first[ct]; k < h->first[ct + 1]; k++) {
        const hword *w = &h->v[h->by_byte[k]];
        if (w->kind == W_STEM && h->by_byte[k] < best && word_matches(w, t)) {
            best = h->by_byte[k];
            break; /* ascending: the first is the least */
        }
    }
    for (size_t k = h->first[cf]; k < h->first[cf + 1] && h->by_byte[k] < best; k++) {
        const hword *w = &h->v[h->by_byte[k]];
        if (w->kind != W_STEM && word_matches(w, t)) {
            best = h->by_byte[k];
            break;
        }
    }
    return best == SIZE_MAX ? -1 : (int)best;
}

static int cmp_range(const void *a, const void *b)
{
    const ibid_range *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end;
}

/* which_word through the memo (grown as form numbers grow; without memory, the plain loop). */
static int which_word_memo(ibid_highlighter *h, const ibid_token *t)
{
    if (t->form_id >= h->memo_cap) {
        size_t nc = h->memo_cap ? h->memo_cap : 1024;
        while (nc <= t->form_id && nc < ((size_t)1 << 31))
            nc *= 2;
        int32_t *nv = nc > t->form_id ? realloc(h->memo, nc * sizeof *nv) : NULL;
        if (!nv)
            return which_word(h, t);
        memset(nv + h->memo_cap, 0, (nc - h->memo_cap) * sizeof *nv);
        h->memo = nv;
        h->memo_cap = nc;
    }
    int32_t *m = &h->memo[t->form_id];
    if (*m == 0)
        *m = which_word(h, t) + 2;
    return *m - 2;
}

void ibid_highlight_begin(ibid_highlighter *h, const ibid_analyzer *an, ibid_ranges *out)
{
    out->n = 0;
    if (h && h->memo_an != an) { /* form numbers belong to one analyzer */
        h->memo_an = an;
        if (h->memo)
            memset(h->memo, 0, h->memo_cap * sizeof *h->memo);
    }
}

int ibid_highlight_token(ibid_highlighter *h, const ibid_token *t, size_t len, ibid_ranges *out)
{
    if (!h || h->n == 0)
        return IBID_OK;
    int w = which_word_memo(h, t);
    if (w < 0 || t->end > len || t->start >= t->end)
        return IBID_OK;
    if (out->n == out->cap) {
        size_t nc = out->cap ? out->cap * 2 : 32;
        ibid_range *nv = realloc(out->v, nc * sizeof *nv);
        if (!nv)
            return IBID_ENOMEM;
        out->v = nv;
        out->cap = nc;
    }
    out->v[out->n++] = (ibid_range){t->start, t->end, w};
    return IBID_OK;
}

int ibid_highlight(ibid_highlighter *h, ibid_analyzer *an, const char *text, size_t len, ibid_ranges *out)
{
    ibid_highlight_begin(h, an, out);
    if (!h || h->n == 0)
        return IBID_OK;
    ibid_analyzer_reset(an, text, len);
    ibid_token t;
    int rc;
    while ((rc = ibid_analyzer_next(an, &t)) == 1)
        if ((rc = ibid_highlight_token(h, &t, len, out)) < 0)
            return rc;
    if (rc < 0)
        return rc;
    ibid_highlight_end(out);
    return IBID_OK;
}

void ibid_highlight_end(ibid_ranges *out)
{
    if (out->n < 2)
        return;
    /* JOINED tokens come after their parts and span them: sort, then merge overlaps */
    qsort(out->v, out->n, sizeof *out->v, cmp_range);
    size_t k = 0;
    for (size_t i = 1; i < out->n; i++) {
        if (out->v[i].start < out->v[k].end) {
            if (out->v[i].end > out->v[k].end)
                out->v[k].end = out->v[i].end;
        } else {
            out->v[++k] = out->v[i];
        }
    }
    out->n = k + 1;
}

static int is_space(char c) { return c == ' ' || c == '\n' || c == '\t'; }

void ibid_snippet_window(const char *text, size_t len, const ibid_ranges *r, size_t width,
                         size_t *start, size_t *end)
{
    if (len <= width + width / 6) {
        *start = 0;
        *end = len;
        return;
    }
    size_t cs = 0, ce = 0;
    if (r->n) {
        /* the run of ranges fitting in width with the most distinct words, then most ranges */
        size_t best_i = 0, best_j = 0;
        int best_distinct = -1;
        size_t best_count = 0;
        size_t limit = r->n < 2000 ? r->n : 2000;
        for (size_t i = 0; i < limit; i++) {
            int distinct = 0;
            size_t j = i;
            for (; j < limit && r->v[j].end - r->v[i].start <= width; j++) {
                int seen = 0;
                for (size_t k = i; k < j && !seen; k++)
                    seen = r->v[k].word == r->v[j].word;
                distinct += !seen;
            }
            size_t count = j - i;
            if (distinct > best_distinct || (distinct == best_distinct && count > best_count)) {
                best_distinct = distinct;
                best_count = count;
                best_i = i;
                best_j = j ? j - 1 : 0;
            }
        }
        cs = r->v[best_i].start;
        ce = r->v[best_j < best_i ? best_i : best_j].end;
    }
    size_t span = ce - cs, lead = span < width ? (width - span) / 3 : 0;
    size_t s = cs > lead ? cs - lead : 0;
    size_t e = s + width < len ? s + width : len;
    if (e - s < width && e == len)
        s = len > width ? len - width : 0;
    /* widen to word boundaries (at most 30 bytes), never splitting a UTF-8 sequence */
    if (s > 0) {
        size_t k = s, stop = s > 30 ? s - 30 : 0;
        while (k > stop && !is_space(text[k - 1]))
            k--;
        if (k > 0 && !is_space(text[k - 1]))
            k = s;
        s = k;
        while (s < len && ((unsigned char)text[s] & 0xC0) == 0x80)
            s++;
    }
    if (e < len) {
        size_t k = e, stop = e + 30 < len ? e + 30 : len;
        while (k < stop && !is_space(text[k]))
            k++;
        e = k;
        while (e < len && ((unsigned char)text[e] & 0xC0) == 0x80)
            e++;
    }
    while (s < e && is_space(text[s]))
        s++;
    while (e > s && is_space(text[e - 1]))
        e--;
    *start = s;
    *end = e;
}
