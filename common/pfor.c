/*
 * pfor.c - patched frame of reference (see pfor.h).
 *
 * Choosing b: a histogram of the values' bit widths gives, for every candidate b, the packed
 * size ceil(n * b / 8) plus, per value wider than b, one index byte and the VByte length of its
 * high bits, ceil((width - b) / 7) bytes.  33 x 33 steps, independent of the values.
 */
#include "pfor.h"

#include "bitpack.h"
#include "vbyte.h"

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
    unsigned best_b = maxw;
    size_t best = ibid_bitpack_bytes(n, maxw);
    for (unsigned b = 0; b < maxw; b++) {
        size_t cost = ibid_bitpack_bytes(n, b);
        for (unsigned w = b + 1; w <= maxw; w++)
            cost += hist[w] * (1 + (w - b + 6) / 7);
        if (cost < best) {
            best = cost;
            best_b = b;
        }
    }
    unsigned b = best_b;
    uint32_t low[IBID_PFOR_MAX_N] = {0};
    uint8_t idx[IBID_PFOR_MAX_N];
    size_t e = 0;
    uint32_t mask = b == 32 ? UINT32_MAX : (uint32_t)((1ull << b) - 1);
    for (size_t i = 0; i < n; i++) {
        low[i] = in[i] & mask;
        if (b < 32 && (in[i] >> b))
            idx[e++] = (uint8_t)i;
    }
    out[0] = (uint8_t)b;
    out[1] = (uint8_t)e;
    size_t o = 2;
    o += ibid_bitpack_encode(low, n, b, out + o);
    for (size_t k = 0; k < e; k++)
        out[o++] = idx[k];
    for (size_t k = 0; k < e; k++)
        o += ibid_vbyte_put32(out + o, in[idx[k]] >> b);
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
    if (packed + e > (size_t)(end - q))
        return 0;
    q += ibid_bitpack_decode(q, n, b, out);
    const uint8_t *idx = q;
    q += e;
    int prev = -1;
    for (size_t k = 0; k < e; k++) {
        uint32_t hi;
        size_t len = ibid_vbyte_get32(q, end, &hi);
        if (!len || idx[k] >= n || (int)idx[k] <= prev || hi == 0 || hi > (UINT32_MAX >> b))
            return 0;
        q += len;
        prev = idx[k];
        out[idx[k]] |= hi << b;
    }
    return (size_t)(q - p);
}
