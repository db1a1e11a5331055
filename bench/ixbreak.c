/*
 * ixbreak.c - where the bytes of an ibid index go, and what other postings codecs would cost.
 *
 *   ixbreak INDEX
 *
 * Prints (markdown) the size of every section, then splits POSTINGS into list headers, skip
 * entries, doc gaps, tfs and positions (by reading each list's layout, docs/index-format.md),
 * by df class; then decodes every list through the index.h cursors and prices alternatives
 * on the same postings: position codes relative to the passage length (from LENS), variant
 * codes, and Rice for doc gaps.  A measuring tool for docs/performance.md ("Session 2: index
 * size"), not a test: nothing is asserted.  Built against a build folder's static libraries:
 *
 *   cc -std=c11 -O2 -Icommon bench/ixbreak.c BUILD/libibid_common.a $(pkg-config --libs zlib
 *      libutf8proc libdeflate) -lstemmer -lm -o BUILD/ixbreak
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_impl.h"
#include "pfor.h"
#include "posblock.h"
#include "rice.h"
#include "vbyte.h"

static const char *sec_name[] = {"", "META", "FILES", "WORKS", "CHAPTERS", "PMETA", "WRUNS", "CRUNS",
                                 "LENS", "TERMIDX", "TERMDICT", "FORMLIST", "FORMIDX", "FORMDICT",
                                 "POSTINGS", "STOREIDX", "STORE"};

enum { NCLASS = 5 };
static const char *class_name[NCLASS] = {"df 1", "df 2", "df 3-15", "df 16-128", "df > 128"};
static int df_class(uint32_t df)
{
    return df == 1 ? 0 : df == 2 ? 1 : df < 16 ? 2 : df <= 128 ? 3 : 4;
}

typedef struct acc {
    uint64_t terms, postings, positions;
    uint64_t head, skip, docs, tfs, pos; /* bytes as stored */
    double pos_novar, var_bits, var_ent, var_run;  /* bits */
    double pos_lrice[3], pos_bic, pos_tb1;        /* bits */
    double var_ua, var_ub, var_blk;               /* bits */
    double docs_rice, tfs_rice;                   /* bits */
    double docs_bic;                              /* bits */
    double docs_min, tfs_min;                     /* bits */
    uint64_t over_len;                            /* postings with a position >= length */
} acc;

static acc cls[NCLASS], all;
static double g_pfor2cur[2];
static double g_thr_bytes[2][5], g_thr_blocks[2][5], g_nblocks, g_pfor2[2];
/* PFor with exceptions as 7-bit indexes and their high bits packed at one width (bits). */
static double pfor2_bits(const uint32_t *v, size_t n)
{
    unsigned hist[33] = {0}, maxw = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned w = v[i] ? 32 - (unsigned)__builtin_clz(v[i]) : 0;
        hist[w]++;
        if (w > maxw)
            maxw = w;
    }
    double best = 1e300;
    for (unsigned b = 0; b <= maxw; b++) {
        size_t e = 0;
        for (unsigned w = b + 1; w <= maxw; w++)
            e += hist[w];
        double c = 16 + (double)n * b + (e ? 8 + e * (7.0 + (maxw - b)) : 0);
        c = 8 * ceil(c / 8);
        if (c < best)
            best = c;
    }
    return best;
}

/* Bits of the best Rice code (k 0..31, escape as rice.h) of v[0..n), with its k byte. */
static double rice_bits(const uint32_t *v, size_t n)
{
    double best = 1e300;
    for (unsigned k = 0; k < 32; k++) {
        double b = 8;
        for (size_t i = 0; i < n; i++) {
            uint32_t q = v[i] >> k;
            b += q < IBID_RICE_ESCAPE ? q + 1 + k : IBID_RICE_ESCAPE + 32;
        }
        if (b < best)
            best = b;
    }
    return best;
}

/* Bits of v in a truncated binary code over [0, r). */
static double tb_bits(uint64_t r)
{
    if (r <= 1)
        return 0;
    unsigned b = 0;
    while ((1ull << b) < r)
        b++;
    return b; /* upper bound; truncated binary saves < 1 bit on some values */
}

/* Exact bits of v in a truncated binary code over [0, r). */
static double tb_exact(uint64_t v, uint64_t r)
{
    if (r <= 1)
        return 0;
    unsigned b = 0;
    while ((1ull << b) < r)
        b++;
    uint64_t u = (1ull << b) - r;
    return v < u ? b - 1 : b;
}

/* Binary interpolative code of strictly increasing q[l..r] within [lo, hi]. */
static double bic(const uint64_t *q, size_t l, size_t r, uint64_t lo, uint64_t hi)
{
    if (l > r)
        return 0;
    size_t m = l + (r - l) / 2;
    uint64_t a = lo + (m - l), z = hi - (r - m);
    double bits = tb_bits(z - a + 1);
    if (m > l)
        bits += bic(q, l, m - 1, lo, q[m] - 1);
    if (m < r)
        bits += bic(q, m + 1, r, q[m] + 1, hi);
    return bits;
}

static uint32_t *g_docs, *g_tfs, *g_pos, *g_var, *g_lens;
static size_t g_cap, g_pcap;

static int grow(uint32_t **a, size_t n)
{
    uint32_t *p = realloc(*a, n * sizeof *p);
    if (!p)
        return -1;
    *a = p;
    return 0;
}

/* Stored bytes of a list by part (reads the layout only). */
static void split_stored(const ibid_index *ix, const ibid_term_info *t, acc *a)
{
    const uint8_t *q = ix->sec[IBID_SEC_POSTINGS].p + t->post_off, *end = q + t->post_len, *q0 = q;
    uint32_t nb = (t->df + 127) / 128;
    uint64_t len;
    size_t k;
    if (nb > 1) {
        k = ibid_vbyte_get64(q, end, &len);
        a->head += k;
        a->skip += len;
        q += k + len;
    }
    if (t->nforms > 1) { /* the variant rank table */
        uint32_t tl;
        k = ibid_vbyte_get32(q, end, &tl);
        a->head += k + tl;
        q += k + tl;
    }
    k = ibid_vbyte_get64(q, end, &len);
    a->head += k;
    q += k;
    const uint8_t *dend = q + len;
    uint32_t tmp[128];
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t n = b + 1 < nb ? 128 : t->df - 128 * (nb - 1);
        if (n >= IBID_IDX_PFOR_MIN) {
            k = ibid_pfor_decode(q, dend, n, tmp);
            a->docs += k;
            q += k;
            k = ibid_pfor_decode(q, dend, n, tmp);
            a->tfs += k;
            q += k;
        } else {
            for (uint32_t i = 0; i < n; i++) {
                uint64_t x;
                uint32_t tf;
                k = ibid_vbyte_get64(q, dend, &x);
                a->docs += k;
                q += k;
                if (!(x & 1)) {
                    k = ibid_vbyte_get32(q, dend, &tf);
                    a->tfs += k;
                    q += k;
                }
            }
        }
    }
    a->pos += (uint64_t)(end - dend);
    (void)q0;
}

/* Prices the alternatives on one decoded list. */
static void price(const ibid_term_info *t, size_t df, uint64_t cf, acc *a)
{
    unsigned vbits = 0;
    while ((1u << vbits) < t->nforms)
        vbits++;
    /* positions without variant bits, chunked as today (per block of 128 postings) */
    static uint32_t *gv;
    static size_t gvcap;
    if (cf > gvcap) {
        gvcap = cf;
        gv = realloc(gv, gvcap * sizeof *gv);
    }
    size_t vi = 0;
    for (size_t s = 0; s < df; s += 128) {
        size_t n = df - s < 128 ? df - s : 128, m = 0;
        for (size_t i = s; i < s + n; i++) {
            uint32_t prev = 0;
            for (uint32_t j = 0; j < g_tfs[i]; j++) {
                gv[m++] = g_pos[vi + j] - prev;
                prev = g_pos[vi + j];
            }
            vi += g_tfs[i];
        }
        if (m < 16) {
            for (size_t i = 0; i < m; i++)
                a->pos_novar += 8.0 * ibid_vbyte_len64(gv[i]);
        } else {
            size_t c = (m + 127) / 128;
            for (size_t i = 0, at = 0; i < c; i++) {
                size_t mm = ibid_pfor_chunk(m, c, i);
                a->pos_novar += rice_bits(gv + at, mm);
                at += mm;
            }
        }
    }
    /* length-relative codes, per posting, no stored parameter */
    vi = 0;
    uint64_t qbuf[4096];
    for (size_t i = 0; i < df; i++) {
        uint32_t tf = g_tfs[i], L = g_lens[g_docs[i]], prev = 0;
        uint32_t maxp = g_pos[vi + tf - 1];
        uint64_t Lb = L;
        if (maxp >= L) {
            a->over_len++;
            Lb = (uint64_t)maxp + 1;
        }
        {
            unsigned k = ibid_posblock_k((uint32_t)Lb, tf);
            prev = 0;
            double rb = 0;
            for (uint32_t j = 0; j < tf; j++) {
                uint32_t g = g_pos[vi + j] - prev;
                prev = g_pos[vi + j];
                uint32_t q = g >> k;
                rb += q < IBID_RICE_ESCAPE ? q + 1 + k : IBID_RICE_ESCAPE + 32;
            }
            a->pos_lrice[0] += rb;
            /* [1]: tf 1 in truncated binary over [0, len + 1) (len: escape) */
            a->pos_lrice[1] += tf == 1 ? tb_exact(g_pos[vi], Lb + 1) : rb;
        }
        if (tf == 1) {
            a->pos_tb1 += tb_bits(Lb);
            a->pos_bic += tb_bits(Lb);
        } else if (tf <= 4096) {
            for (uint32_t j = 0; j < tf; j++)
                qbuf[j] = (uint64_t)g_pos[vi + j] + j; /* strictly increasing */
            a->pos_bic += bic(qbuf, 0, tf - 1, 0, Lb + tf - 2);
        } else {
            a->pos_bic += 8.0 * tf;
        }
        vi += tf;
    }
    /* variants: as stored (vbits each), entropy per term, and "same as the previous one" */
    if (vbits) {
        a->var_bits += (double)vbits * cf;
        uint64_t hist[256] = {0};
        for (size_t j = 0; j < cf; j++)
            hist[g_var[j]]++;
        double h = 0;
        for (unsigned v = 0; v < t->nforms; v++)
            if (hist[v])
                h -= hist[v] * log2((double)hist[v] / cf);
        a->var_ent += h;
        /* unary of the variant (truncated at nforms - 1); of its rank by frequency in the list;
           per block of 128 postings the cheapest of zero bits (all rank 0), flat vbits and
           unary rank, with 2 bits saying which */
        uint32_t rank[256], ord[256];
        for (unsigned v = 0; v < t->nforms; v++)
            ord[v] = v;
        for (unsigned x = 1; x < t->nforms; x++)
            for (unsigned y = x; y > 0 && hist[ord[y]] > hist[ord[y - 1]]; y--) {
                uint32_t tmp = ord[y];
                ord[y] = ord[y - 1];
                ord[y - 1] = tmp;
            }
        for (unsigned r = 0; r < t->nforms; r++)
            rank[ord[r]] = r;
        a->var_blk += 8.0 * (t->nforms); /* the rank table */
        size_t vj = 0;
        for (size_t s = 0; s < df; s += 128) {
            size_t n = df - s < 128 ? df - s : 128, m = 0;
            for (size_t i = s; i < s + n; i++)
                m += g_tfs[i];
            double u = 0, zero = 1;
            for (size_t j = vj; j < vj + m; j++) {
                uint32_t v = g_var[j], r = rank[v];
                a->var_ua += v + (v + 1 < t->nforms);
                a->var_ub += r + (r + 1 < t->nforms);
                u += r + (r + 1 < t->nforms);
                if (r)
                    zero = 0;
            }
            double best = zero ? 0 : u < (double)vbits * m ? u : (double)vbits * m;
            a->var_blk += 2 + best;
            vj += m;
        }
        uint32_t pv = 0;
        for (size_t j = 0; j < cf; j++) {
            a->var_run += g_var[j] == pv ? 1 : 1 + vbits;
            pv = g_var[j];
        }
    }
    /* doc gaps and tfs with Rice per full block */
    int64_t prevd = -1;
    uint32_t gaps[128], tfm[128];
    for (size_t s = 0; s < df; s += 128) {
        size_t n = df - s < 128 ? df - s : 128;
        for (size_t i = 0; i < n; i++) {
            gaps[i] = (uint32_t)((int64_t)g_docs[s + i] - prevd - 1);
            prevd = g_docs[s + i];
            tfm[i] = g_tfs[s + i] - 1;
        }
        {
            uint64_t qd[128];
            uint64_t lo = (uint64_t)(s ? g_docs[s - 1] + 1 : 0);
            for (size_t i = 0; i < n; i++)
                qd[i] = g_docs[s + i];
            /* the block's last pid is in the skip data: code the others within [lo, last) */
            a->docs_bic += 8 + (n > 1 ? bic(qd, 0, n - 2, lo, qd[n - 1] - 1) : 0);
        }
        if (n >= 16) {
            uint8_t ob[IBID_PFOR_MAX_BYTES(128)];
            double rd = rice_bits(gaps, n), rt = rice_bits(tfm, n);
            double pd = 8.0 * ibid_pfor_encode(gaps, n, ob), pt = 8.0 * ibid_pfor_encode(tfm, n, ob);
            a->docs_rice += rd;
            a->tfs_rice += rt;
            a->docs_min += (rd < pd ? rd : pd) + 1;
            a->tfs_min += (rt < pt ? rt : pt) + 1;
            for (int ti = 0; ti < 5; ti++) {
                double f = 1.0 - 0.05 * ti;
                g_thr_bytes[0][ti] += (rd + 8 < pd * f) ? rd / 8 + 1 : pd / 8;
                g_thr_blocks[0][ti] += (rd + 8 < pd * f);
                g_thr_bytes[1][ti] += (rt + 8 < pt * f) ? rt / 8 + 1 : pt / 8;
                g_thr_blocks[1][ti] += (rt + 8 < pt * f);
            }
            g_nblocks++;
            g_pfor2[0] += pfor2_bits(gaps, n) / 8;
            g_pfor2[1] += pfor2_bits(tfm, n) / 8;
            g_pfor2cur[0] += pd / 8;
            g_pfor2cur[1] += pt / 8;
        } else {
            for (size_t i = 0; i < n; i++) {
                a->docs_rice += 8.0 * ibid_vbyte_len64((uint64_t)gaps[i] << 1 | (tfm[i] == 0));
                a->tfs_rice += tfm[i] ? 8.0 * ibid_vbyte_len64(tfm[i] - 1) : 0;
                a->docs_min += 8.0 * ibid_vbyte_len64((uint64_t)gaps[i] << 1 | (tfm[i] == 0));
                a->tfs_min += tfm[i] ? 8.0 * ibid_vbyte_len64(tfm[i] - 1) : 0;
            }
        }
    }
}

typedef struct { uint64_t cf, bytes; } termpos;
static termpos *g_tp;
static int cmp_tp(const void *a, const void *b)
{
    const termpos *x = a, *y = b;
    return x->cf < y->cf ? 1 : x->cf > y->cf ? -1 : 0;
}

static void add(acc *d, const acc *s)
{
    const uint64_t *si = &s->terms;
    uint64_t *di = &d->terms;
    for (int i = 0; i < 8; i++)
        di[i] += si[i];
    const double *sd = &s->pos_novar;
    double *dd = &d->pos_novar;
    for (int i = 0; i < 17; i++)
        dd[i] += sd[i];
    d->over_len += s->over_len;
}

static int cmp_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

static double mb(double bytes) { return bytes / 1e6; }

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: ixbreak INDEX\n");
        return 2;
    }
    ibid_index *ix;
    char err[256];
    if (ibid_index_open(argv[1], &ix, err, sizeof err)) {
        fprintf(stderr, "ixbreak: %s\n", err);
        return 1;
    }
    uint64_t total = ix->size;
    printf("| section | bytes | MB | of the file |\n|---|---|---|---|\n");
    for (int s = 1; s <= IBID_SEC_COUNT; s++)
        printf("| %s | %llu | %.2f | %.1f%% |\n", sec_name[s], (unsigned long long)ix->sec[s].len,
               mb((double)ix->sec[s].len), 100.0 * (double)ix->sec[s].len / (double)total);
    printf("| total | %llu | %.2f | |\n\n", (unsigned long long)total, mb((double)total));

    /* how many positions the commonest terms hold */
    uint64_t *cfs = malloc((ix->nterms ? ix->nterms : 1) * sizeof *cfs), allcf = 0;
    for (uint32_t o = 0; o < ix->nterms; o++) {
        ibid_term_info t;
        if (ibid_ix_term_at(ix, o, &t) != 1)
            return 1;
        cfs[o] = t.cf;
        allcf += t.cf;
    }
    qsort(cfs, ix->nterms, sizeof *cfs, cmp_desc);
    uint64_t top = 0;
    for (uint32_t o = 0; o < ix->nterms && o < 100; o++) {
        top += cfs[o];
        if (o + 1 == 20 || o + 1 == 100)
            printf("positions of the %u commonest terms: %.2f M of %.2f M (%.0f%%)\n", o + 1, top / 1e6,
                   allcf / 1e6, 100.0 * (double)top / (double)allcf);
    }
    free(cfs);
    printf("\n");

    uint32_t np = ibid_index_passage_count(ix);
    g_lens = malloc(np * sizeof *g_lens);
    for (uint32_t i = 0; i < np; i++)
        g_lens[i] = ibid_index_passage_len(ix, i);
    g_tp = calloc(ix->nterms ? ix->nterms : 1, sizeof *g_tp);
    if (!g_tp)
        return 1;
    for (uint32_t o = 0; o < ix->nterms; o++) {
        ibid_term_info t;
        if (ibid_ix_term_at(ix, o, &t) != 1) {
            fprintf(stderr, "ixbreak: term %u unreadable\n", o);
            return 1;
        }
        acc *a = &cls[df_class(t.df)];
        a->terms++;
        a->postings += t.df;
        a->positions += t.cf;
        uint64_t pos_before = a->pos;
        split_stored(ix, &t, a);
        g_tp[o].cf = t.cf;
        g_tp[o].bytes = a->pos - pos_before;
        if (t.df > g_cap && (grow(&g_docs, t.df) || grow(&g_tfs, t.df) || !(g_cap = t.df)))
            return 1;
        if (t.cf > g_pcap && (grow(&g_pos, t.cf) || grow(&g_var, t.cf) || !(g_pcap = t.cf)))
            return 1;
        ibid_postings *p;
        if (ibid_postings_open(ix, &t, 1, &p))
            return 1;
        size_t i = 0, vi = 0;
        while (ibid_postings_doc(p) != IBID_NO_DOC) {
            const uint32_t *pos, *var;
            g_docs[i] = ibid_postings_doc(p);
            g_tfs[i] = ibid_postings_tf(p);
            if (ibid_postings_positions(p, &pos, &var))
                return 1;
            memcpy(g_pos + vi, pos, g_tfs[i] * sizeof *pos);
            memcpy(g_var + vi, var, g_tfs[i] * sizeof *var);
            vi += g_tfs[i++];
            if (ibid_postings_next(p))
                return 1;
        }
        ibid_postings_close(p);
        price(&t, i, vi, a);
    }
    for (int c = 0; c < NCLASS; c++)
        add(&all, &cls[c]);
    printf("| POSTINGS part (MB) |");
    for (int c = 0; c < NCLASS; c++)
        printf(" %s |", class_name[c]);
    printf(" all |\n|---|---|---|---|---|---|---|\n");
#define ROWU(label, field)                                                                          \
    do {                                                                                            \
        printf("| %s |", label);                                                                    \
        for (int c = 0; c < NCLASS; c++)                                                            \
            printf(" %.2f |", mb((double)cls[c].field));                                            \
        printf(" %.2f |\n", mb((double)all.field));                                                 \
    } while (0)
#define ROWB(label, field)                                                                          \
    do {                                                                                            \
        printf("| %s |", label);                                                                    \
        for (int c = 0; c < NCLASS; c++)                                                            \
            printf(" %.2f |", mb(cls[c].field / 8));                                                \
        printf(" %.2f |\n", mb(all.field / 8));                                                     \
    } while (0)
    printf("| terms (count) |");
    for (int c = 0; c < NCLASS; c++)
        printf(" %llu |", (unsigned long long)cls[c].terms);
    printf(" %llu |\n", (unsigned long long)all.terms);
    printf("| postings (M) |");
    for (int c = 0; c < NCLASS; c++)
        printf(" %.3f |", cls[c].postings / 1e6);
    printf(" %.3f |\n", all.postings / 1e6);
    printf("| positions (M) |");
    for (int c = 0; c < NCLASS; c++)
        printf(" %.3f |", cls[c].positions / 1e6);
    printf(" %.3f |\n", all.positions / 1e6);
    ROWU("list headers (docs_len, skip_len)", head);
    ROWU("skip entries", skip);
    ROWU("doc gaps", docs);
    ROWU("tfs", tfs);
    ROWU("positions incl. variants (as stored)", pos);
    ROWB("  alt: version 1 Rice chunks without variant bits", pos_novar);
    ROWB("  variants: vbits each (version 1)", var_bits);
    ROWB("  variants: entropy per term", var_ent);
    ROWB("  variants: 1 bit same-as-previous, else 1+vbits", var_run);
    ROWB("  variants: unary of the variant", var_ua);
    ROWB("  variants: unary of its rank by frequency", var_ub);
    ROWB("  variants: per block zero / flat / unary rank, + rank table", var_blk);
    ROWB("  gaps: Rice per posting, k = log2(length/(tf+1)) (version 2)", pos_lrice[0]);
    ROWB("  gaps: the same, tf 1 in truncated binary over [0, length]", pos_lrice[1]);
    ROWB("  alt: interpolative within [0, length)", pos_bic);
    ROWB("  alt: doc gaps Rice per block", docs_rice);
    ROWB("  alt: tfs Rice per block", tfs_rice);
    ROWB("  alt: doc gaps interpolative per block (+1 byte)", docs_bic);
    ROWB("  alt: doc gaps min(PFor, Rice) per block (+1 bit)", docs_min);
    ROWB("  alt: tfs min(PFor, Rice) per block (+1 bit)", tfs_min);
    qsort(g_tp, ix->nterms, sizeof *g_tp, cmp_tp);
    {
        uint64_t sb = 0;
        for (uint32_t o = 0; o < ix->nterms; o++) {
            sb += g_tp[o].bytes;
            if (o + 1 == 10 || o + 1 == 20 || o + 1 == 50 || o + 1 == 100 || o + 1 == 200 || o + 1 == 500)
                printf("\nposition bytes of the %u commonest terms: %.2f MB", o + 1, mb((double)sb));
        }
        printf("\n");
    }
    for (int ti = 0; ti < 5; ti++)
        printf("Rice when it saves > %d%%: docs %.2f MB (%.0f%% of blocks Rice), tfs %.2f MB (%.0f%%)\n", 5 * ti,
               mb(g_thr_bytes[0][ti]), 100 * g_thr_blocks[0][ti] / g_nblocks, mb(g_thr_bytes[1][ti]),
               100 * g_thr_blocks[1][ti] / g_nblocks);
    printf("full blocks: PFor now docs %.2f tfs %.2f MB; packed exceptions docs %.2f tfs %.2f MB\n",
           mb(g_pfor2cur[0]), mb(g_pfor2cur[1]), mb(g_pfor2[0]), mb(g_pfor2[1]));
    printf("\npostings with a position >= the passage length: %llu\n", (unsigned long long)all.over_len);
    ibid_index_close(ix);
    return 0;
}
