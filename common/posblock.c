/*
 * posblock.c - position blocks: length-relative Rice gaps and variant ranks (see posblock.h).
 *
 * The writer moves a 64-bit accumulator over the output a byte at a time.  The reader keeps a
 * 64-bit window: where 8 bytes remain it refills with one little-endian load (the window then
 * holds 56-63 valid bits), near the end a byte at a time, never reading past end.  Unary prefixes
 * are counted with count-trailing-zeros; every count is checked against the valid bits, so a
 * stream that ends early is malformed, never read beyond.
 */
#include "posblock.h"

#include <string.h>

#include "bitio.h"
#include "bitpack.h"
#include "rice.h"

static void put_zeros(ibid_bitw *w, unsigned n)
{
    while (n > 32) {
        ibid_bitw_put(w, 0, 32);
        n -= 32;
    }
    ibid_bitw_put(w, 0, n);
}

/* Bits of a truncated binary code over [0, r), r >= 1: ceil(log2 r) (0 for r = 1). */
static inline unsigned tb_width(uint64_t r)
{
    return r <= 1 ? 0u : 64u - (unsigned)__builtin_clzll(r - 1);
}

static uint64_t rank_cost_unary(const uint8_t *ranks, size_t m, uint32_t nforms)
{
    uint64_t c = 0;
    for (size_t i = 0; i < m; i++)
        c += ranks[i] + (ranks[i] + 1u < nforms);
    return c;
}

size_t ibid_posblock_encode(const uint32_t *tf, const uint32_t *len, size_t n, const uint32_t *gaps,
                            const uint8_t *ranks, uint32_t nforms, uint8_t *out)
{
    ibid_bitw w = {out, 0, 0, 0};
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += tf[i];
    unsigned mode = 0, vbits = nforms > 1 ? ibid_bitpack_width(nforms - 1) : 0;
    if (nforms > 1) {
        int all0 = 1;
        for (size_t i = 0; i < m && all0; i++)
            all0 = ranks[i] == 0;
        if (!all0)
            mode = rank_cost_unary(ranks, m, nforms) <= (uint64_t)vbits * m ? 1 : 2;
        ibid_bitw_put(&w, mode, 2);
    }
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned k = ibid_posblock_k(len[i], tf[i]);
        uint32_t mask = (uint32_t)((1ull << k) - 1);
        for (uint32_t j = 0; j < tf[i]; j++, at++) {
            uint32_t g = gaps[at], q = g >> k;
            if (tf[i] == 1) {
                /* truncated binary over [0, len]: symbol len is the escape */
                uint64_t r = (uint64_t)len[i] + 1, sym = g < len[i] ? g : len[i];
                unsigned b = tb_width(r);
                uint64_t u = (1ull << b) - r;
                if (sym < u) {
                    ibid_bitw_put(&w, sym, b - 1);
                } else {
                    ibid_bitw_put(&w, (sym + u) >> 1, b - 1);
                    ibid_bitw_put(&w, (sym + u) & 1, 1);
                }
                if (sym == len[i])
                    ibid_bitw_put(&w, g, 32);
            } else if (q < IBID_RICE_ESCAPE) {
                ibid_bitw_put(&w, 1ull << q, q + 1);
                ibid_bitw_put(&w, g & mask, k);
            } else {
                ibid_bitw_put(&w, 0, IBID_RICE_ESCAPE);
                ibid_bitw_put(&w, g, 32);
            }
            if (mode == 1) {
                uint32_t r = ranks[at];
                put_zeros(&w, r);
                if (r + 1 < nforms)
                    ibid_bitw_put(&w, 1, 1);
            } else if (mode == 2) {
                ibid_bitw_put(&w, ranks[at], vbits);
            }
        }
    }
    return ibid_bitw_finish(&w);
}

static inline uint64_t window(const ibid_bitr *r)
{
    return r->bits >= 64 ? r->acc : r->acc & ((1ull << r->bits) - 1);
}

static inline void drop(ibid_bitr *r, unsigned n) /* n <= bits, n < 64 */
{
    r->acc >>= n;
    r->bits -= n;
}

/* n <= 32 bits; -1 when the stream ends first. */
static inline int64_t take(ibid_bitr *r, unsigned n)
{
    if (r->bits < n) {
        ibid_bitr_refill(r);
        if (r->bits < n)
            return -1;
    }
    uint64_t v = r->acc & ((1ull << n) - 1);
    drop(r, n);
    return (int64_t)v;
}

/* Truncated unary rank below nforms; -1 when malformed. */
static int64_t take_rank(ibid_bitr *r, uint32_t nforms)
{
    uint32_t lim = nforms - 1, rank = 0;
    while (rank < lim) {
        if (r->bits < 32)
            ibid_bitr_refill(r);
        uint64_t x = window(r);
        unsigned avail = r->bits;
        if (!avail)
            return -1;
        unsigned z = x ? (unsigned)__builtin_ctzll(x) : avail;
        if (rank + z >= lim) {
            drop(r, lim - rank);
            return lim;
        }
        if (z < avail) {
            drop(r, z + 1);
            return rank + z;
        }
        drop(r, avail);
        rank += avail;
    }
    return rank;
}

/* The position of a posting with tf 1: truncated binary over [0, len], len escaping to 32 bits;
   -1 when malformed.  One window check on the usual path (the caller has refilled). */
static inline int64_t take_alone(ibid_bitr *r, uint32_t len)
{
    uint64_t rr = (uint64_t)len + 1, g = 0;
    unsigned b = tb_width(rr);
    if (b) {
        if (r->bits < b) {
            ibid_bitr_refill(r);
            if (r->bits < b - 1)
                return -1;
        }
        /* both readings at once, then a select (the long or short code is a coin toss: a
           branch on it mispredicts) */
        uint64_t u = (1ull << b) - rr;
        uint64_t lo = r->acc & ((1ull << (b - 1)) - 1);
        uint64_t hi = ((lo << 1) | ((r->acc >> (b - 1)) & 1)) - u;
        int longer = lo >= u;
        if (longer && r->bits < b)
            return -1;
        g = longer ? hi : lo;
        drop(r, b - 1 + (unsigned)longer);
    }
    if (g < len)
        return (int64_t)g;
    if (g > len)
        return -1;
    int64_t v = take(r, 32); /* the escape: the position in 32 bits, never below len */
    return v < 0 || (uint64_t)v < len ? -1 : v;
}

/* The variant of the next value in mode 1 or 2; -1 when malformed. */
static int64_t take_var(ibid_bitr *r, unsigned mode, unsigned vbits, uint32_t nforms, const uint8_t *rank_var)
{
    int64_t v = mode == 1 ? take_rank(r, nforms) : take(r, vbits);
    if (v < 0 || (uint64_t)v >= nforms)
        return -1;
    uint32_t x = rank_var ? rank_var[v] : (uint32_t)v;
    return x < nforms ? (int64_t)x : -1;
}

/* A gap in Rice with parameter k (escape as rice.h); -1 when malformed. */
static inline int64_t take_gap(ibid_bitr *r, unsigned k)
{
    uint64_t x = window(r);
    unsigned q = x ? (unsigned)__builtin_ctzll(x) : r->bits;
    if (q >= IBID_RICE_ESCAPE) {
        if (r->bits < IBID_RICE_ESCAPE)
            return -1;
        drop(r, IBID_RICE_ESCAPE);
        return take(r, 32);
    }
    if (q >= r->bits)
        return -1; /* no terminating one bit */
    drop(r, q + 1);
    int64_t low = take(r, k);
    if (low < 0)
        return -1;
    uint64_t g = (uint64_t)q << k | (uint64_t)low;
    return g > UINT32_MAX ? -1 : (int64_t)g;
}

int ibid_posblock_start(ibid_posblock_dec *d, const uint8_t *p, const uint8_t *end, const uint8_t *rank_var,
                        uint32_t nforms)
{
    memset(d, 0, sizeof *d);
    if (p >= end || nforms == 0 || nforms > 256)
        return -1;
    ibid_bitr r = {p, end, 0, 0};
    ibid_bitr_refill(&r);
    d->vbits = nforms > 1 ? ibid_bitpack_width(nforms - 1) : 0;
    if (nforms > 1) {
        int64_t m = take(&r, 2);
        if (m < 0 || m == 3)
            return -1;
        d->mode = (unsigned)m;
    }
    d->var0 = rank_var ? rank_var[0] : 0; /* mode 0: every variant is rank 0's */
    if (d->var0 >= nforms)
        return -1;
    d->start = p;
    d->p = r.p;
    d->end = end;
    d->acc = r.acc;
    d->bits = r.bits;
    d->nforms = nforms;
    d->rank_var = rank_var;
    return 0;
}

int ibid_posblock_next(ibid_posblock_dec *d, const uint32_t *tf, const uint32_t *len, size_t n, uint32_t *pos,
                       uint32_t *var)
{
    ibid_bitr r = {d->p, d->end, d->acc, d->bits};
    unsigned mode = d->mode, vbits = d->vbits;
    uint32_t nforms = d->nforms, var0 = d->var0;
    const uint8_t *rank_var = d->rank_var;
    size_t at = 0;
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        if (r.bits < IBID_RICE_ESCAPE + 1 + 32)
            ibid_bitr_refill(&r);
        if (tf[i] == 1) { /* most postings */
            int64_t g = take_alone(&r, len[i]);
            if (g < 0)
                goto out;
            pos[at] = (uint32_t)g;
            int64_t v = mode ? take_var(&r, mode, vbits, nforms, rank_var) : var0;
            if (v < 0)
                goto out;
            var[at++] = (uint32_t)v;
            continue;
        }
        unsigned k = ibid_posblock_k(len[i], tf[i]);
        uint64_t prev = 0;
        for (uint32_t j = 0; j < tf[i]; j++, at++) {
            if (r.bits < IBID_RICE_ESCAPE + 1 + 32)
                ibid_bitr_refill(&r);
            int64_t g = take_gap(&r, k);
            if (g < 0)
                goto out;
            prev += (uint64_t)g;
            if (prev > UINT32_MAX)
                goto out;
            pos[at] = (uint32_t)prev;
            int64_t v = mode ? take_var(&r, mode, vbits, nforms, rank_var) : var0;
            if (v < 0)
                goto out;
            var[at] = (uint32_t)v;
        }
    }
    rc = 0;
out:
    d->p = r.p;
    d->acc = r.acc;
    d->bits = r.bits;
    return rc;
}

size_t ibid_posblock_consumed(const ibid_posblock_dec *d)
{
    /* bytes loaded minus the whole bytes still in the window */
    return (size_t)(d->p - d->start) - d->bits / 8;
}

size_t ibid_posblock_decode(const uint8_t *p, const uint8_t *end, const uint32_t *tf, const uint32_t *len,
                            size_t n, const uint8_t *rank_var, uint32_t nforms, uint32_t *pos, uint32_t *var)
{
    ibid_posblock_dec d;
    if (ibid_posblock_start(&d, p, end, rank_var, nforms) || ibid_posblock_next(&d, tf, len, n, pos, var))
        return 0;
    return ibid_posblock_consumed(&d);
}
