/*
 * rice.c - Golomb-Rice codes with an escape (see rice.h).
 *
 * The encoder costs the k around log2 of the values' median and mean (where the minimum lies;
 * usually five passes over at most 128 values, at index time only) and keeps the cheapest.  The decoder keeps a 64-bit window over
 * the stream, refilled a byte at a time and never past end; a unary prefix is counted with
 * count-trailing-zeros.
 */
#include "rice.h"

static uint64_t cost(const uint32_t *in, size_t n, unsigned k)
{
    uint64_t bits = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t q = in[i] >> k;
        bits += q < IBID_RICE_ESCAPE ? q + 1 + k : IBID_RICE_ESCAPE + 32;
    }
    return bits;
}

typedef struct bitw {
    uint8_t *out;
    size_t o;
    uint64_t acc;
    unsigned bits;
} bitw;

static void put(bitw *w, uint64_t v, unsigned n) /* n <= 32 */
{
    w->acc |= v << w->bits;
    w->bits += n;
    while (w->bits >= 8) {
        w->out[w->o++] = (uint8_t)w->acc;
        w->acc >>= 8;
        w->bits -= 8;
    }
}

size_t ibid_rice_encode(const uint32_t *in, size_t n, uint8_t *out)
{
    /* the cost is close to convex in k with its minimum near log2 of the typical value: try
       the parameters from two below the smaller to two above the larger of log2(median) and
       log2(mean) (the mean alone is dragged up by a single outlier) */
    unsigned hist[33] = {0};
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += in[i];
        hist[in[i] ? 32 - __builtin_clz(in[i]) : 0]++;
    }
    unsigned wmed = 0;
    for (size_t c = 0; wmed < 32 && (c += hist[wmed]) < (n + 1) / 2;)
        wmed++;
    uint64_t mean = n ? sum / n : 0;
    unsigned kmean = 0;
    while (kmean < 31 && (mean >> (kmean + 1)))
        kmean++;
    unsigned kmed = wmed ? wmed - 1 : 0;
    unsigned a = kmed < kmean ? kmed : kmean, b = kmed < kmean ? kmean : kmed;
    unsigned lo = a > 2 ? a - 2 : 0, hi = b + 2 < 31 ? b + 2 : 31;
    unsigned best_k = lo;
    uint64_t best = UINT64_MAX;
    for (unsigned k = lo; k <= hi; k++) {
        uint64_t c = cost(in, n, k);
        if (c < best) {
            best = c;
            best_k = k;
        }
    }
    unsigned k = best_k;
    bitw w = {out, 1, 0, 0};
    out[0] = (uint8_t)k;
    uint32_t mask = (uint32_t)((1ull << k) - 1);
    for (size_t i = 0; i < n; i++) {
        uint32_t q = in[i] >> k;
        if (q < IBID_RICE_ESCAPE) {
            put(&w, 0, q);
            put(&w, 1, 1);
            put(&w, in[i] & mask, k);
        } else {
            put(&w, 0, IBID_RICE_ESCAPE);
            put(&w, in[i], 32);
        }
    }
    if (w.bits)
        out[w.o++] = (uint8_t)w.acc;
    return w.o;
}

typedef struct bitr {
    const uint8_t *p, *end;
    uint64_t acc;
    unsigned bits;
} bitr;

static void refill(bitr *r)
{
    while (r->bits <= 56 && r->p < r->end) {
        r->acc |= (uint64_t)*r->p++ << r->bits;
        r->bits += 8;
    }
}

/* Takes n <= 32 bits; -1 when the stream ends first. */
static int64_t take(bitr *r, unsigned n)
{
    if (r->bits < n) {
        refill(r);
        if (r->bits < n)
            return -1;
    }
    uint64_t v = n == 0 ? 0 : r->acc & ((n == 64 ? 0 : (1ull << n)) - 1);
    r->acc = n == 64 ? 0 : r->acc >> n;
    r->bits -= n;
    return (int64_t)v;
}

size_t ibid_rice_decode(const uint8_t *p, const uint8_t *end, size_t n, uint32_t *out)
{
    if (n == 0 || p >= end || *p > 31)
        return 0;
    unsigned k = *p;
    bitr r = {p + 1, end, 0, 0};
    for (size_t i = 0; i < n; i++) {
        if (r.bits < IBID_RICE_ESCAPE + 1)
            refill(&r);
        /* the unary prefix: trailing zeros of the window, at most IBID_RICE_ESCAPE */
        uint64_t window = r.bits >= 64 ? r.acc : r.acc & ((1ull << r.bits) - 1);
        unsigned q = window ? (unsigned)__builtin_ctzll(window) : r.bits;
        if (q >= IBID_RICE_ESCAPE) {
            if (take(&r, IBID_RICE_ESCAPE) < 0)
                return 0;
            int64_t v = take(&r, 32);
            if (v < 0)
                return 0;
            out[i] = (uint32_t)v;
            continue;
        }
        if (q >= r.bits || (k && q >> (32 - k))) /* no terminating one bit; over 32 bits */
            return 0;
        take(&r, q + 1);
        int64_t low = take(&r, k);
        if (low < 0)
            return 0;
        out[i] = (uint32_t)q << k | (uint32_t)low;
    }
    /* bytes consumed: whole bytes read minus the whole bytes still in the window */
    return (size_t)(r.p - p) - r.bits / 8;
}
