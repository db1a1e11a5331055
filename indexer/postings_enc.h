/*
 * postings_enc.h - encoding one term's postings list into the on-disk format
 * (docs/index-format.md, "POSTINGS", format version 2): skip entries, the variant rank table,
 * blocks of 128 PFor doc gaps and term frequencies with a VByte tail block, and each block's
 * positions as one posblock (common/posblock.h: gaps coded relative to the passage lengths,
 * variants by rank).
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
    /* private scratch */
    ibid_buf ranktab;
    uint32_t *gaps;
    uint8_t *ranks;
    size_t cap;
    uint8_t rank[256];
} ibid_postenc;

/* docs[0..df): strictly increasing passage ids; tfs[i] >= 1; vals: sum(tfs) position values
   ((delta << vbits) | variant, vbits = bit width of nforms - 1, delta the gap to the posting's
   previous position, the first one's from 0); nforms: the term's form count (1..256, every
   variant < nforms); lens: passage lengths indexed by passage id (each block's minimum length,
   and the positions are coded relative to them: they must be the lengths LENS will hold).
   Appends the encoded list to out.  Returns IBID_OK, IBID_ENOMEM, or IBID_EINVAL for nforms
   out of range. */
int ibid_postings_encode_forms(ibid_postenc *e, const uint32_t *docs, const uint32_t *tfs, size_t df,
                               const uint32_t *vals, uint32_t nforms, const uint32_t *lens, ibid_buf *out);
void ibid_postenc_free(ibid_postenc *e);

#endif
