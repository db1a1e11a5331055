/*
 * rice.h - Golomb-Rice codes with an escape: the codec of position values.
 *
 * n values (n >= 1) with one parameter k (0..31): each value v is written as q = v >> k in
 * unary (q zero bits, then a one bit) followed by the k low bits of v; a value whose q is
 * IBID_RICE_ESCAPE or more is written as IBID_RICE_ESCAPE zero bits followed by v in 32 bits,
 * so one outlier never costs more than 56 bits.  Bits are packed least significant first (as
 * in bitpack.h), the stream is padded with zero bits to a whole byte.
 *
 * Layout: u8 k, then the bit stream.  The encoder picks the k that makes the stream shortest.
 * Positions within a passage are close to uniform over the passage's length, which a
 * per-value variable length fits better than one width for a whole block: on Gutenberg 8.2
 * bits a position against 9.2 for PFor.
 *
 * No allocation.  The encoder needs IBID_RICE_MAX_BYTES(n) bytes of room.  The decoder reads
 * only [p, end) and returns 0 on anything malformed (k > 31, truncation, a value beyond 32 bits).
 */
#ifndef IBID_RICE_H
#define IBID_RICE_H

#include <stddef.h>
#include <stdint.h>

enum { IBID_RICE_ESCAPE = 24 };
#define IBID_RICE_MAX_BYTES(n) (1 + ((size_t)(n) * (IBID_RICE_ESCAPE + 32) + 7) / 8)

/* Encodes in[0..n) into out; returns the bytes written. */
size_t ibid_rice_encode(const uint32_t *in, size_t n, uint8_t *out);
/* Decodes n values from [p, end) into out; returns bytes consumed, 0 when malformed. */
size_t ibid_rice_decode(const uint8_t *p, const uint8_t *end, size_t n, uint32_t *out);

#endif
