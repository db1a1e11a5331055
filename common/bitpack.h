/*
 * bitpack.h - fixed-width bit packing (the "frame of reference" codec of postings blocks).
 *
 * n values of w bits each (0 <= w <= 32) are packed least significant bit first into
 * ibid_bitpack_bytes(n, w) = ceil(n * w / 8) bytes: value i occupies bits [i*w, i*w + w) of
 * the little-endian bit stream (bit k lives in byte k / 8, at bit k % 8).  Width 0 packs to no
 * bytes and unpacks to zeros.  A full postings block is 128 values (16 * w bytes).
 *
 * The caller guarantees that every value fits in w bits (ibid_bitpack_width of the maximum)
 * and that the output buffers are large enough; the decoder reads exactly
 * ibid_bitpack_bytes(n, w) bytes, which the caller bounds-checks first.  No allocation.
 */
#ifndef IBID_BITPACK_H
#define IBID_BITPACK_H

#include <stddef.h>
#include <stdint.h>

/* Bits needed for v: 0 for 0, else floor(log2 v) + 1. */
static inline unsigned ibid_bitpack_width(uint32_t v)
{
    return v ? 32u - (unsigned)__builtin_clz(v) : 0u;
}
/* Width needed for the largest of n values. */
unsigned ibid_bitpack_max_width(const uint32_t *in, size_t n);

static inline size_t ibid_bitpack_bytes(size_t n, unsigned w) { return (n * w + 7) / 8; }

/* Packs n values into out; returns the bytes written. */
size_t ibid_bitpack_encode(const uint32_t *in, size_t n, unsigned w, uint8_t *out);
/* Unpacks n values from in; returns the bytes read. */
size_t ibid_bitpack_decode(const uint8_t *in, size_t n, unsigned w, uint32_t *out);
/* Reads value i of a packed array without unpacking the others. */
uint32_t ibid_bitpack_get(const uint8_t *in, size_t i, unsigned w);

#endif
