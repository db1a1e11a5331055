/*
 * rice.c - Golomb-Rice codes with an escape (see rice.h).
 *
 * The encoder costs the k around log2 of the values' median and mean (where the minimum lies;
 * usually five passes over at most 128 values, at index time only) and keeps the cheapest.  The decoder keeps a 64-bit window over
 * the stream, refilled with one 8-byte load where 8 bytes remain (a byte at a time near the end,
 * never past end); a unary prefix is counted with count-trailing-zeros, and the window always
 * holds a whole code (24 + 1 + 31 or 24 + 32 bits) after a refill, so each value is one shift
 * and one mask.
 */
#include "rice.h"

#include "bitio.h"

static uint64_t cost(const uint32_t *in, size_t n, unsigned k)
{
    uint64_t bits = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t q = in[i] >> k;
        bits += q < IBID_RICE_ESCAPE ? q + 1 + k : IBID_RICE_ESCAPE + 32;
    }
    return bits;
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
    ibid_bitw w = {out, 1, 0, 0};
    out[0] = (uint8_t)k;
    uint32_t mask = (uint32_t)((1ull << k) - 1);
    for (size_t i = 0; i < n; i++) {
        uint32_t q = in[i] >> k;
        if (q < IBID_RICE_ESCAPE) {
            ibid_bitw_put(&w, 0, q);
            ibid_bitw_put(&w, 1, 1);
            ibid_bitw_put(&w, in[i] & mask, k);
        } else {
            ibid_bitw_put(&w, 0, IBID_RICE_ESCAPE);
            ibid_bitw_put(&w, in[i], 32);
        }
    }
    return ibid_bitw_finish(&w);
}

size_t ibid_rice_decode(const uint8_t *p, const uint8_t *end, size_t n, uint32_t *out)
{
    if (n == 0 || p >= end || *p > 31)
        return 0;
    unsigned k = *p;
    uint64_t kmask = (1ull << k) - 1;
    ibid_bitr r = {p + 1, end, 0, 0};
    for (size_t i = 0; i < n; i++) {
        if (r.bits < IBID_RICE_ESCAPE + 1 + 32)
            ibid_bitr_refill(&r);
        /* the unary prefix: trailing zeros of the valid bits, at most IBID_RICE_ESCAPE */
        uint64_t window = r.bits >= 64 ? r.acc : r.acc & ((1ull << r.bits) - 1);
        unsigned q = window ? (unsigned)__builtin_ctzll(window) : r.bits;
        uint64_t v;
        if (q >= IBID_RICE_ESCAPE) {
            if (r.bits < IBID_RICE_ESCAPE + 32)
                return 0;
            v = (r.acc >> IBID_RICE_ESCAPE) & 0xffffffffu;
            r.acc >>= IBID_RICE_ESCAPE + 32;
            r.bits -= IBID_RICE_ESCAPE + 32;
        } else {
            /* no terminating one bit; the k low bits beyond the stream */
            if (q + 1 + k > r.bits)
                return 0;
            v = (uint64_t)q << k | ((r.acc >> (q + 1)) & kmask);
            r.acc >>= q + 1 + k;
            r.bits -= q + 1 + k;
            if (v > UINT32_MAX)
                return 0;
        }
        out[i] = (uint32_t)v;
    }
    /* bytes consumed: bytes loaded minus the whole bytes still in the window */
    return (size_t)(r.p - p) - r.bits / 8;
}
