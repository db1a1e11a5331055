/*
 * pfor.c - patched frame of reference (see pfor.h).
 *
 * Choosing b: a histogram of the values' bit widths gives, for every candidate b, the packed
 * size ceil(n * b / 8) plus the exceptions' part: a width byte, one 7-bit index per value wider
 * than b and its high bits packed at the widest one's width, maxw - b.  One pass over the 33
 * widths, from the widest down, independent of the values.
 *
 * Version 3 stored each exception as an index byte and a VByte of its high bits: on Gutenberg
 * the packed exceptions take 0.5 MB less of doc gaps and 0.36 MB less of tfs (bench/ixbreak.c),
 * and decoding is two more bit unpackings instead of a VByte loop.
 */
#include "pfor.h"

#include "bitio.h"
#include "bitpack.h"

/* Bytes of the exceptions' part for e exceptions of high width hw: u8 hw, then e pairs of a
   7-bit index and an hw-bit high part in one LSB-first bit stream; nothing when e = 0. */
static size_t exc_bytes(size_t e, unsigned hw)
{
    return e ? 1 + (e * (7 + hw) + 7) / 8 : 0;
}

size_t ibid_pfor_encode(const uint32_t *in, size_t n, uint8_t *out)
{
    size_t hist[33] = {0};
    unsigned maxw = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned w = ibid_bitpack_width(in[i]);
        hist[w]++;
        if (w > maxw)
            maxw = w;
    }
    /* b from maxw down: e(b) is the count of values wider than b, their high parts maxw - b */
    unsigned best_b = maxw;
    size_t best = ibid_bitpack_bytes(n, maxw), e = 0;
    for (unsigned b = maxw; b-- > 0;) {
        e += hist[b + 1];
        size_t cost = ibid_bitpack_bytes(n, b) + exc_bytes(e, maxw - b);
        if (cost < best) {
            best = cost;
            best_b = b;
        }
    }
    unsigned b = best_b, hw = maxw - b;
    uint32_t low[IBID_PFOR_MAX_N] = {0};
    uint32_t mask = b == 32 ? UINT32_MAX : (uint32_t)((1ull << b) - 1);
    e = 0;
    for (size_t i = 0; i < n; i++) {
        low[i] = in[i] & mask;
        e += b < 32 && (in[i] >> b);
    }
    out[0] = (uint8_t)b;
    out[1] = (uint8_t)e;
    size_t o = 2;
    o += ibid_bitpack_encode(low, n, b, out + o);
    if (e) {
        out[o++] = (uint8_t)hw;
        ibid_bitw w = {out, o, 0, 0};
        for (size_t i = 0; i < n; i++)
            if (in[i] >> b) {
                ibid_bitw_put(&w, i, 7);
                ibid_bitw_put(&w, in[i] >> b, hw);
            }
        o = ibid_bitw_finish(&w);
    }
    return o;
}

size_t ibid_pfor_decode(const uint8_t *p, const uint8_t *end, size_t n, uint32_t *out)
{
    if (n == 0 || n > IBID_PFOR_MAX_N || end - p < 2)
        return 0;
    unsigned b = p[0];
    size_t e = p[1];
    if (b > 32 || e > n || (b == 32 && e))
        return 0;
    const uint8_t *q = p + 2;
    size_t packed = ibid_bitpack_bytes(n, b);
    if (packed > (size_t)(end - q))
        return 0;
    q += ibid_bitpack_decode(q, n, b, out);
    if (!e)
        return (size_t)(q - p);
    if (q >= end)
        return 0;
    unsigned hw = *q++;
    if (hw == 0 || hw > 32 - b || exc_bytes(e, hw) - 1 > (size_t)(end - q))
        return 0;
    ibid_bitr r = {q, end, 0, 0};
    uint64_t hmask = (1ull << hw) - 1;
    uint32_t next = 0; /* the smallest index allowed next: strictly increasing */
    for (size_t k = 0; k < e; k++) {
        if (r.bits < 7 + hw)
            ibid_bitr_refill(&r); /* the length check above: the bits are there */
        uint32_t i = (uint32_t)(r.acc & 127), hi = (uint32_t)((r.acc >> 7) & hmask);
        r.acc >>= 7 + hw;
        r.bits -= 7 + hw;
        if (i < next || i >= n || hi == 0)
            return 0;
        next = i + 1;
        out[i] |= hi << b;
    }
    return (size_t)(q - p) + exc_bytes(e, hw) - 1;
}
