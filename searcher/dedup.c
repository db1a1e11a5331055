/*
 * dedup.c - near-duplicate detection among hits (see dedup.h for the rules and the figures).
 *
 * A signature is built in one pass over the analyzer's tokens: URL spans are found in the raw
 * text as the tokens go (a token starting inside one is skipped; the candidates are found with
 * memchr); the parts of a compound are replaced by its joined token when that arrives (it comes
 * right after its last part, analyze.h); every pair of consecutive stems is hashed (FNV-1a over
 * "a\x1fb") into an array that is then sorted and made distinct.  Similarity is a merge of two
 * sorted arrays; ibid_dedup_same stops the merge once the count of shared hashes that passes
 * the threshold is reached, or out of reach.
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

/* Finds URL starts (url_at) from a position on, jumping between the letters that can begin
   one with memchr instead of testing every byte.  next_h, next_w: the next 'h' and 'w' at or
   after the last position asked for (len when none), found again only once passed. */
typedef struct url_finder {
    const char *t;
    size_t len, next_h, next_w;
} url_finder;

static size_t next_byte(const char *t, size_t len, size_t from, char c)
{
    const char *p = from < len ? memchr(t + from, c, len - from) : NULL;
    return p ? (size_t)(p - t) : len;
}

/* The first i >= from where url_at(t, len, i), else len. */
static size_t next_url(url_finder *u, size_t from)
{
    for (;;) {
        if (u->next_h < from)
            u->next_h = next_byte(u->t, u->len, from, 'h');
        if (u->next_w < from)
            u->next_w = next_byte(u->t, u->len, from, 'w');
        size_t i = u->next_h < u->next_w ? u->next_h : u->next_w;
        if (i >= u->len || url_at(u->t, u->len, i))
            return i;
        from = i + 1;
    }
}

/* Sorts v[0..n) ascending: quicksort (median of three, the smaller side first by recursion,
   the larger by looping) down to runs of 16, then one insertion sort.  qsort's comparison
   calls and merge buffer cost more than the sort itself at these sizes (tens of hashes). */
static void sort_u64(uint64_t *v, size_t n)
{
    while (n > 16) {
        size_t mid = n / 2;
        uint64_t a = v[0], b = v[mid], c = v[n - 1];
        uint64_t pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        size_t i = 0, j = n - 1;
        for (;;) { /* Hoare partition: v[0..j] <= pivot <= v[j+1..n) */
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i >= j)
                break;
            uint64_t t = v[i];
            v[i++] = v[j];
            v[j--] = t;
        }
        size_t left = j + 1;
        if (left < n - left) {
            sort_u64(v, left);
            v += left;
            n -= left;
        } else {
            sort_u64(v + left, n - left);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++) {
        uint64_t x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

typedef struct stem {
    uint64_t hash;  /* FNV-1a of the stem */
    uint32_t start; /* byte offset of the token */
} stem;

int ibid_dedup_signature(ibid_analyzer *an, const char *text, size_t len, ibid_kind kind,
                         ibid_dedup_sig *out)
{
    return ibid_dedup_signature_tokens(an, text, len, kind, NULL, NULL, out);
}

int ibid_dedup_signature_tokens(ibid_analyzer *an, const char *text, size_t len, ibid_kind kind,
                                int (*on_token)(void *ctx, const ibid_token *t), void *ctx,
                                ibid_dedup_sig *out)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    size_t cap = len / 2 + 2 < MAX_STEMS ? len / 2 + 2 : MAX_STEMS; /* a token takes 2 bytes at least */
    stem *st = malloc(cap * sizeof *st);
    if (!st)
        return IBID_ENOMEM;
    size_t n = 0, url_end = 0;
    int rc = IBID_OK;
    url_finder uf = {text, len, 0, 0};
    uf.next_h = next_byte(text, len, 0, 'h');
    uf.next_w = next_byte(text, len, 0, 'w');
    size_t url_start = next_url(&uf, 0); /* the next URL that begins at or after url_end */
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
        if (on_token && (r = on_token(ctx, &t)) < 0) {
            rc = r;
            break;
        }
        /* the URL spans that begin up to this token: each runs to white space, and the next
           is looked for after it */
        while (url_start <= t.start) {
            url_end = url_start;
            while (url_end < len && text[url_end] != ' ' && text[url_end] != '\n' && text[url_end] != '\t')
                url_end++;
            url_start = next_url(&uf, url_end);
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
                sort_u64(out->h, m);
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

/* 1 when `both` shared hashes out of na + nb pass the threshold, computed exactly as
   ibid_dedup_similarity(...) >= th is. */
static int passes(size_t both, size_t na, size_t nb, double th)
{
    return (double)both / (double)(na + nb - both) >= th;
}

/* Decides similarity >= th without the whole merge.  The ratio both / (na + nb - both) grows
   with both (and so does its rounded value), so the test is both >= need for the least passing
   count need, found from the real-number estimate by stepping with passes() itself (the same
   rounding as ibid_dedup_similarity).  The merge stops as soon as need is reached, or cannot be
   with what is left. */
int ibid_dedup_same(const ibid_dedup_sig *a, const ibid_dedup_sig *b)
{
    double th = a->kind == IBID_KIND_PARAGRAPH && b->kind == IBID_KIND_PARAGRAPH ? IBID_DEDUP_PARAGRAPH
                                                                                : IBID_DEDUP_NOTE;
    if (a->n <= 1 || b->n <= 1)
        return a->n == b->n && (a->n == 0 || a->h[0] == b->h[0]);
    size_t na = a->n, nb = b->n, most = na < nb ? na : nb;
    double est = th * (double)(na + nb) / (1.0 + th);
    size_t need = est <= 0 ? 0 : est >= (double)most ? most : (size_t)est;
    while (need > 0 && passes(need - 1, na, nb, th))
        need--;
    while (need <= most && !passes(need, na, nb, th))
        need++;
    if (need > most)
        return 0; /* not even a subset passes */
    size_t i = 0, j = 0, both = 0;
    while (both < need) {
        size_t left_a = na - i, left_b = nb - j;
        if (both + (left_a < left_b ? left_a : left_b) < need)
            return 0;
        uint64_t x = a->h[i], y = b->h[j];
        both += x == y;
        i += x <= y;
        j += y <= x;
    }
    return 1;
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
