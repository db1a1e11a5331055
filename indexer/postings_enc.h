/*
 * postings_enc.h - encoding one term's postings list into the on-disk format
 * (docs/index-format.md, "POSTINGS"): skip entries, blocks of 128 bit-packed doc gaps and
 * term frequencies with a VByte tail block, and the position values of each block in chunks of
 * 128 bit-packed values with a VByte tail chunk.
 *
 * The caller gives the whole list at once in arrays it owns; the encoder appends to out and
 * keeps scratch buffers in an ibid_postenc, reused across terms (zero-initialise it, free it
 * with ibid_postenc_free).
 */
#ifndef IBID_POSTINGS_ENC_H
#define IBID_POSTINGS_ENC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef struct ibid_postenc {
    ibid_buf docs, pos, skip;
} ibid_postenc;

/* docs[0..df): strictly increasing passage ids; tfs[i] >= 1; vals: sum(tfs) position values
   ((delta << vbits) | variant, see the format); lens: passage lengths indexed by passage id
   (for each block's minimum length).  Appends the encoded list to out.
   Returns IBID_OK or IBID_ENOMEM. */
int ibid_postings_encode(ibid_postenc *e, const uint32_t *docs, const uint32_t *tfs, size_t df,
                         const uint32_t *vals, const uint32_t *lens, ibid_buf *out);
void ibid_postenc_free(ibid_postenc *e);

#endif
