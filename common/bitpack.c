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

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Unpacks 128 values of constant width W (1..31): with W a constant and the loop unrolled, every
   offset and shift folds into the code; the last values, whose 8-byte load would pass the end of
   the 16 * W bytes, are read byte by byte. */
#define UNPACK128(W)                                                                      \
    static void unpack128_##W(const uint8_t *in, uint32_t *out)                           \
    {                                                                                     \
        _Pragma("GCC unroll 128") for (size_t i = 0; i < 128; i++)                        \
        {                                                                                 \
            size_t byte = (i * W) / 8, shift = (i * W) % 8;                               \
            uint64_t x = 0;                                                               \
            if (byte + 8 <= 16 * W) {                                                     \
                memcpy(&x, in + byte, 8);                                                 \
            } else {                                                                      \
                for (size_t k = byte; k < 16 * W; k++)                                    \
                    x |= (uint64_t)in[k] << (8 * (k - byte));                             \
            }                                                                             \
            out[i] = (uint32_t)((x >> shift) & (((uint64_t)1 << W) - 1));                 \
        }                                                                                 \
    }
UNPACK128(1) UNPACK128(2) UNPACK128(3) UNPACK128(4) UNPACK128(5) UNPACK128(6) UNPACK128(7)
UNPACK128(8) UNPACK128(9) UNPACK128(10) UNPACK128(11) UNPACK128(12) UNPACK128(13)
UNPACK128(14) UNPACK128(15) UNPACK128(16) UNPACK128(17) UNPACK128(18) UNPACK128(19)
UNPACK128(20) UNPACK128(21) UNPACK128(22) UNPACK128(23) UNPACK128(24) UNPACK128(25)
UNPACK128(26) UNPACK128(27) UNPACK128(28) UNPACK128(29) UNPACK128(30) UNPACK128(31)

static void (*const unpack128[32])(const uint8_t *, uint32_t *) = {
    NULL,          unpack128_1,  unpack128_2,  unpack128_3,  unpack128_4,  unpack128_5,
    unpack128_6,   unpack128_7,  unpack128_8,  unpack128_9,  unpack128_10, unpack128_11,
    unpack128_12,  unpack128_13, unpack128_14, unpack128_15, unpack128_16, unpack128_17,
    unpack128_18,  unpack128_19, unpack128_20, unpack128_21, unpack128_22, unpack128_23,
    unpack128_24,  unpack128_25, unpack128_26, unpack128_27, unpack128_28, unpack128_29,
    unpack128_30,  unpack128_31};
#endif

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
    size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n == 128) { /* a full postings block */
        unpack128[w](in, out);
        return bytes;
    }
    /* fast path: one unaligned 8-byte load per value while 8 bytes remain in the array
       (w <= 31, so a value spans at most 5 bytes from its first) */
    for (; i < n && (i * w) / 8 + 8 <= bytes; i++) {
        uint64_t x;
        memcpy(&x, in + (i * w) / 8, 8);
        out[i] = (uint32_t)((x >> ((i * w) % 8)) & mask);
    }
#endif
    uint64_t acc = 0;
    unsigned bits = 0;
    size_t o = (i * w) / 8;
    if ((i * w) % 8) { /* resume inside a byte */
        acc = (uint64_t)in[o++] >> ((i * w) % 8);
        bits = 8 - (unsigned)((i * w) % 8);
    }
    for (; i < n; i++) {
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
