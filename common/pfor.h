/*
 * pfor.h - patched frame of reference (PFor): the codec of postings blocks and position chunks.
 *
 * n values (1 <= n <= 128) are stored as their low b bits, bit-packed (bitpack.h), plus a list
 * of "exceptions": the values that need more than b bits keep their high bits apart.  The
 * encoder picks the b that makes the whole smallest, so a few large gaps in a block no longer
 * widen every value (plain frame of reference pays the largest width 128 times).
 *
 * Layout (docs/index-format.md, "PFor(n)"; index format version 4):
 *     u8 b (0..32)   u8 e (exceptions, 0..n)   bitpack(low b bits of the n values)
 *     when e > 0:    u8 hw (1..32 - b), then e pairs (7-bit index, strictly increasing and < n;
 *                    hw-bit high part value >> b, >= 1) in one LSB-first bit stream, zero-padded
 *                    to a whole byte (ceil(e * (7 + hw) / 8) bytes)
 *
 * No allocation.  The encoder needs IBID_PFOR_MAX_BYTES(n) bytes of room.  The decoder reads
 * only [p, end) and returns 0 on anything malformed (truncation, b > 32, e > n, hw = 0 or
 * b + hw > 32, indexes not increasing or >= n, a high part of zero).
 */
#ifndef IBID_PFOR_H
#define IBID_PFOR_H

#include <stddef.h>
#include <stdint.h>

enum { IBID_PFOR_MAX_N = 128 };
#define IBID_PFOR_MAX_BYTES(n) (3 + 4 * (size_t)(n) + 4 * (size_t)(n) + (size_t)(n))

/* Encodes in[0..n) into out; returns the bytes written. */
size_t ibid_pfor_encode(const uint32_t *in, size_t n, uint8_t *out);
/* Decodes n values from [p, end) into out; returns bytes consumed, 0 when malformed. */
size_t ibid_pfor_decode(const uint8_t *p, const uint8_t *end, size_t n, uint32_t *out);

/* Size of chunk k when n values are cut into c = ceil(n / 128) chunks of near-equal size:
   the first n % c chunks hold one value more than the others. */
static inline size_t ibid_pfor_chunk(size_t n, size_t c, size_t k)
{
    return n / c + (k < n % c);
}

#endif
