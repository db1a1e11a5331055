/*
 * dedup.c - near-duplicate detection among hits (see dedup.h for the rules and the figures).
 *
 * A signature is built in one pass over the analyzer's tokens: URL spans are found in the raw
 * text first (a token starting inside one is skipped); the parts of a compound are replaced by
 * its joined token when that arrives (it comes right after its last part, analyze.h); every
 * pair of consecutive stems is hashed (FNV-1a over "a\x1fb") into an array that is then sorted
 * and made distinct.  Similarity is a merge of two sorted arrays.
 */
#include "dedup.h"

#include <stdlib.h>
#include <string.h>

#include "status.h"

enum { MAX_STEMS = 4096 }; /* bigrams of at most this many words per passage */

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* 1 when text at i starts a URL (http://, https://, www.).  Called at every byte: the first
   letter decides before any comparison. */
static int url_at(const char *t, size_t len, size_t i)
{
    if (t[i] != 'h' && t[i] != 'w')
        return 0;
    if (i > 0 && t[i - 1] != ' ' && t[i - 1] != '(' && t[i - 1] != '<' && t[i - 1] != '\n' && t[i - 1] != '\t')
        return 0;
    static const struct {
        const char *s;
        size_t n;
    } pre[] = {{"http://", 7}, {"https://", 8}, {"www.", 4}};
    for (size_t k = 0; k < sizeof pre / sizeof pre[0]; k++)
        if (i + pre[k].n <= len && memcmp(t + i, pre[k].s, pre[k].n) == 0)
            return 1;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct stem {
    uint64_t hash;  /* FNV-1a of the stem */
    uint32_t start; /* byte offset of the token */
} stem;

int ibid_dedup_signature(ibid_analyzer *an, const char *text, size_t len, ibid_kind kind,
                         ibid_dedup_sig *out)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    size_t cap = len / 2 + 2 < MAX_STEMS ? len / 2 + 2 : MAX_STEMS; /* a token takes 2 bytes at least */
    stem *st = malloc(cap * sizeof *st);
    if (!st)
        return IBID_ENOMEM;
    size_t n = 0, url_end = 0, scan = 0;
    int rc = IBID_OK;
    ibid_analyzer_reset(an, text, len);
    for (;;) {
        ibid_token t;
        int r = ibid_analyzer_next(an, &t);
        if (r < 0) {
            rc = r;
            break;
        }
        if (r == 0)
            break;
        /* find the URL spans up to this token */
        while (scan <= t.start && scan < len) {
            if (scan >= url_end && url_at(text, len, scan)) {
                url_end = scan;
                while (url_end < len && text[url_end] != ' ' && text[url_end] != '\n' &&
                       text[url_end] != '\t')
                    url_end++;
            }
            scan++;
        }
        if (t.start < url_end)
            continue; /* inside a URL */
        uint64_t h = fnv(14695981039346656037ULL, t.term, t.term_len);
        if (t.flags & IBID_TOK_JOINED)
            while (n > 0 && st[n - 1].start >= t.start)
                n--; /* its parts */
        if (n < cap)
            st[n++] = (stem){h, t.start};
    }
    if (rc == IBID_OK) {
        size_t m = n >= 2 ? n - 1 : n;
        out->h = malloc((m ? m : 1) * sizeof *out->h);
        if (!out->h) {
            rc = IBID_ENOMEM;
        } else {
            if (n >= 2)
                for (size_t i = 0; i + 1 < n; i++)
                    out->h[i] = fnv(fnv(st[i].hash, "\x1f", 1), (const char *)&st[i + 1].hash,
                                    sizeof st[i + 1].hash);
            else if (n == 1)
                out->h[0] = st[0].hash;
            if (m > 1)
                qsort(out->h, m, sizeof *out->h, cmp_u64);
            size_t k = 0;
            for (size_t i = 0; i < m; i++)
                if (k == 0 || out->h[k - 1] != out->h[i])
                    out->h[k++] = out->h[i];
            out->n = k;
        }
    }
    free(st);
    if (rc != IBID_OK)
        ibid_dedup_sig_free(out);
    return rc;
}

void ibid_dedup_sig_free(ibid_dedup_sig *s)
{
    if (!s)
        return;
    free(s->h);
    s->h = NULL;
    s->n = 0;
}

double ibid_dedup_similarity(const ibid_dedup_sig *a, const ibid_dedup_sig *b)
{
    if (a->n == 0 || b->n == 0)
        return a->n == b->n ? 1.0 : 0.0;
    size_t i = 0, j = 0, both = 0;
    while (i < a->n && j < b->n) {
        if (a->h[i] == b->h[j]) {
            both++;
            i++;
            j++;
        } else if (a->h[i] < b->h[j]) {
            i++;
        } else {
            j++;
        }
    }
    return (double)both / (double)(a->n + b->n - both);
}

int ibid_dedup_same(const ibid_dedup_sig *a, const ibid_dedup_sig *b)
{
    double th = a->kind == IBID_KIND_PARAGRAPH && b->kind == IBID_KIND_PARAGRAPH ? IBID_DEDUP_PARAGRAPH
                                                                                : IBID_DEDUP_NOTE;
    if (a->n <= 1 || b->n <= 1)
        return a->n == b->n && (a->n == 0 || a->h[0] == b->h[0]);
    return ibid_dedup_similarity(a, b) >= th;
}

long ibid_dedup_group(const ibid_dedup_sig *sig, size_t n, size_t max_leaders, size_t *group)
{
    size_t *leaders = malloc((n ? n : 1) * sizeof *leaders), nl = 0;
    if (!leaders)
        return IBID_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        group[i] = SIZE_MAX;
        for (size_t k = 0; k < nl; k++)
            if (ibid_dedup_same(&sig[leaders[k]], &sig[i])) {
                group[i] = leaders[k];
                break;
            }
        if (group[i] == SIZE_MAX && (max_leaders == 0 || nl < max_leaders)) {
            group[i] = i;
            leaders[nl++] = i;
        }
    }
    free(leaders);
    return (long)nl;
}
