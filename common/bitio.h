/*
 * bitio.h - the LSB-first bit writer and bit reader that the Rice codes (rice.c) and position
 * blocks (posblock.c) share.
 *
 * Bit k of a stream lives in byte k / 8 at bit k % 8 (the order of bitpack.h).
 *
 * Writer: ibid_bitw over a caller-owned buffer `out` that the caller has sized for every bit it
 * will put; `o` counts the whole bytes written.  ibid_bitw_put appends the n low bits of v
 * (n <= 32; v has no bits above them), moving the 64-bit accumulator out a byte at a time;
 * ibid_bitw_finish writes the last partial byte (zero-padded) and returns the bytes written.
 *
 * Reader: ibid_bitr keeps a 64-bit window `acc` over [p, end): its low `bits` bits are valid,
 * above them zeros or the stream's next bits.  ibid_bitr_refill (call with bits < 57) tops the
 * window up to 56-63 valid bits with one little-endian 8-byte load where 8 bytes remain, near
 * the end a byte at a time; it never reads at or past end.  After the last read, the bytes
 * consumed are (p - start) - bits / 8.  Nothing allocates; all functions are static inline
 * (they sit in the decoders' inner loops).
 */
#ifndef IBID_BITIO_H
#define IBID_BITIO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct ibid_bitw {
    uint8_t *out;
    size_t o;
    uint64_t acc;
    unsigned bits;
} ibid_bitw;

static inline void ibid_bitw_put(ibid_bitw *w, uint64_t v, unsigned n) /* n <= 32 */
{
    w->acc |= v << w->bits;
    w->bits += n;
    while (w->bits >= 8) {
        w->out[w->o++] = (uint8_t)w->acc;
        w->acc >>= 8;
        w->bits -= 8;
    }
}

/* Writes the last partial byte, if any; returns the bytes written in all. */
static inline size_t ibid_bitw_finish(ibid_bitw *w)
{
    if (w->bits)
        w->out[w->o++] = (uint8_t)w->acc;
    return w->o;
}

typedef struct ibid_bitr {
    const uint8_t *p, *end;
    uint64_t acc; /* valid bits: the low `bits`; above them zeros or the stream's next bits */
    unsigned bits;
} ibid_bitr;

/* Where 8 bytes remain, one little-endian load tops the window up to 56-63 valid bits; near
   the end a byte at a time, never past end.  Call with bits < 57. */
static inline void ibid_bitr_refill(ibid_bitr *r)
{
    if (r->end - r->p >= 8) {
        uint64_t x;
        memcpy(&x, r->p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        x = __builtin_bswap64(x);
#endif
        r->acc |= x << r->bits;
        r->p += (63 - r->bits) >> 3;
        r->bits |= 56;
    } else {
        while (r->bits <= 56 && r->p < r->end) {
            r->acc |= (uint64_t)*r->p++ << r->bits;
            r->bits += 8;
        }
    }
}

#endif
