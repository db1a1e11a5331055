/*
 * bitpack.c - fixed-width bit packing (see bitpack.h).
 *
 * The encoder and decoder move a 64-bit accumulator over the byte stream, so each value costs
 * a shift, a mask and at most one byte load per 8 bits.  Widths 0 and 32 take short cuts.
 */
#include "bitpack.h"

#include <string.h>

unsigned ibid_bitpack_max_width(const uint32_t *in, size_t n)
{
    uint32_t m = 0;
    for (size_t i = 0; i < n; i++)
        m |= in[i];
    return ibid_bitpack_width(m);
}

size_t ibid_bitpack_encode(const uint32_t *in, size_t n, unsigned w, uint8_t *out)
{
    size_t bytes = ibid_bitpack_bytes(n, w);
    if (w == 0)
        return 0;
    uint64_t acc = 0;
    unsigned bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        acc |= (uint64_t)in[i] << bits;
        bits += w;
        while (bits >= 8) {
            out[o++] = (uint8_t)acc;
            acc >>= 8;
            bits -= 8;
        }
    }
    if (bits)
        out[o++] = (uint8_t)acc;
    return bytes;
}

size_t ibid_bitpack_decode(const uint8_t *in, size_t n, unsigned w, uint32_t *out)
{
    size_t bytes = ibid_bitpack_bytes(n, w);
    if (w == 0) {
        memset(out, 0, n * sizeof *out);
        return 0;
    }
    if (w == 32) {
        for (size_t i = 0; i < n; i++)
            out[i] = (uint32_t)in[4 * i] | (uint32_t)in[4 * i + 1] << 8 |
                     (uint32_t)in[4 * i + 2] << 16 | (uint32_t)in[4 * i + 3] << 24;
        return bytes;
    }
    const uint64_t mask = ((uint64_t)1 << w) - 1;
    uint64_t acc = 0;
    unsigned bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        while (bits < w) {
            acc |= (uint64_t)in[o++] << bits;
            bits += 8;
        }
        out[i] = (uint32_t)(acc & mask);
        acc >>= w;
        bits -= w;
    }
    return bytes;
}

uint32_t ibid_bitpack_get(const uint8_t *in, size_t i, unsigned w)
{
    if (w == 0)
        return 0;
    size_t bit = i * w;
    size_t byte = bit / 8, end = (bit + w + 7) / 8;
    uint64_t acc = 0;
    for (size_t k = byte; k < end; k++)
        acc |= (uint64_t)in[k] << (8 * (k - byte));
    acc >>= bit % 8;
    return (uint32_t)(acc & (((uint64_t)1 << w) - 1));
}
