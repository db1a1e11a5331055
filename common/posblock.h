/*
 * posblock.h - the codec of a postings block's positions (format version 2): gaps coded
 * relative to each passage's length, variants coded by their rank in the term's list.
 *
 * A block of n postings (1 <= n <= 128) has, per posting i, tf[i] >= 1 positions
 * p_0 <= p_1 <= ... in a passage of len[i] tokens (LENS), and per position a variant rank
 * (0 = the term's commonest form in this list, see docs/index-format.md "POSTINGS").  The block
 * is one bit stream, least significant bit first, zero-padded to a whole byte:
 *
 *   [nforms > 1: 2 bits variant mode: 0 = every rank is 0 (no rank bits follow),
 *                1 = truncated unary ranks, 2 = ranks in vbits = width(nforms - 1) bits]
 *   per posting, per position j: with tf = 1, the position in a truncated binary code over
 *   [0, len] (len + 1 symbols; symbol len escapes to the position in 32 bits, for a position
 *   >= len); with tf > 1, the gap p_j - p_{j-1} (p_{-1} = 0) as a Rice code with
 *   k = ibid_posblock_k(len, tf), escape as rice.h; then, in modes 1 and 2, the rank
 *
 * The Rice parameter is derived, never stored: tf positions spread over len tokens are about
 * len / (tf + 1) apart, so k = floor(log2(len / (tf + 1))) fits each posting on its own
 * (a block mixing one-line and thousand-word passages no longer pays the long ones' width on
 * every value).  A lone position is close to uniform over the passage, which the truncated
 * binary code fits within a bit (Gutenberg: 0.5 MB less than Rice).  Truncated binary code of v over r
 * symbols, b = ceil(log2 r), u = 2^b - r: v < u is v in b - 1 bits; else w = v + u is w >> 1 in
 * b - 1 bits, then w & 1.  Truncated unary rank r: r zero bits and a one bit, rank nforms - 1 without the
 * one bit.  The encoder picks the cheapest of the three modes per block.
 *
 * No allocation.  The encoder needs IBID_POSBLOCK_MAX_BYTES(m) bytes of room for m values.  The
 * decoder reads only [p, end) and returns 0 on anything malformed (truncation, a gap beyond 32
 * bits, positions overflowing 32 bits, a rank >= nforms, mode 3).
 */
#ifndef IBID_POSBLOCK_H
#define IBID_POSBLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Bound for m values: 2 mode bits, at most 64 bits a position (a lone position's escape: 32 + 32)
   and 8 a rank (the encoder never picks a mode costing more than the flat one), the padding. */
#define IBID_POSBLOCK_MAX_BYTES(m) (1 + (2 + (size_t)(m) * (64 + 8) + 7) / 8)

/* Rice parameter of a posting with tf positions in a passage of len tokens. */
static inline unsigned ibid_posblock_k(uint32_t len, uint32_t tf)
{
    uint32_t per = len / (tf + 1);
    return per ? 31u - (unsigned)__builtin_clz(per) : 0u;
}

/* Encodes a block: tf[0..n), len[0..n), gaps[0..m) and ranks[0..m) (m = sum of tf; ranks
   < nforms, ignored when nforms == 1).  Returns the bytes written. */
size_t ibid_posblock_encode(const uint32_t *tf, const uint32_t *len, size_t n, const uint32_t *gaps,
                            const uint8_t *ranks, uint32_t nforms, uint8_t *out);

/* Decodes a block from [p, end): absolute positions into pos[0..m) (each posting's restarting
   from 0) and variants into var[0..m), mapped through rank_var (rank -> variant, nforms
   entries; may be NULL when nforms == 1).  Returns the bytes consumed, 0 when malformed. */
size_t ibid_posblock_decode(const uint8_t *p, const uint8_t *end, const uint32_t *tf, const uint32_t *len,
                            size_t n, const uint8_t *rank_var, uint32_t nforms, uint32_t *pos, uint32_t *var);

/* The same, posting by posting (a phrase wants the positions of a few postings of a block:
   decoding stops after the last one asked for).  The state is the caller's; no allocation. */
typedef struct ibid_posblock_dec {
    const uint8_t *start, *p, *end;
    uint64_t acc;
    unsigned bits, mode, vbits;
    uint32_t nforms, var0;
    const uint8_t *rank_var;
} ibid_posblock_dec;

/* Starts on the block at [p, end) (reads the variant mode).  0, or -1 when malformed. */
int ibid_posblock_start(ibid_posblock_dec *d, const uint8_t *p, const uint8_t *end, const uint8_t *rank_var,
                        uint32_t nforms);
/* Decodes the block's next n postings (tf[0..n), len[0..n)) into pos and var (sum of tf
   entries each).  0, or -1 when malformed (the state is then unusable). */
int ibid_posblock_next(ibid_posblock_dec *d, const uint32_t *tf, const uint32_t *len, size_t n, uint32_t *pos,
                       uint32_t *var);
/* Bytes consumed so far: once every posting is decoded, the block's size. */
size_t ibid_posblock_consumed(const ibid_posblock_dec *d);

#endif
