/*
 * store_read.h - the store reader's record locator, shared with the segment merger
 * (indexer/segment_merge.c), which inflates its inputs' blocks itself and re-codes their records.
 * Not part of the searcher's contract: ibid-search reads passages with index.h.
 *
 * Ownership: the records point into the caller's inflated block.
 */
#ifndef IBID_STORE_READ_H
#define IBID_STORE_READ_H

#include <stdint.h>

#include "index.h"
#include "store_codec.h"

/* One record of an inflated store block, located and its header decoded. */
typedef struct ibid_ix_srec {
    ibid_store_fields f;
    const uint8_t *cites, *cites_end; /* the header's encoded cites */
    const uint8_t *strs;              /* the record's strings: [id NUL] [inline cite texts NUL] text NUL */
    const uint8_t *text;              /* the last of them */
    uint32_t text_len, ninline;       /* text_len without its NUL; ninline: cites with tag 1 */
} ibid_ix_srec;

/* Locates the nrec records of the inflated block data[0..len) whose first passage is first,
   decoding their headers with the predictions from PMETA, the runs and FILES (store_codec.h),
   into recs (nrec entries).  The strings are found, not validated (ibid_ix_srec_valid).
   Returns IBID_OK or IBID_ECORRUPT (a block that does not hold exactly nrec records, a passage
   out of range). */
int ibid_ix_store_parse(const ibid_index *ix, uint32_t first, uint32_t nrec, const uint8_t *data, uint32_t len,
                        ibid_ix_srec *recs);
/* The most records a block of len bytes can hold (a bound for allocating recs: a record takes
   at least 6 header bytes and a NUL). */
static inline uint64_t ibid_ix_store_max_records(uint32_t len) { return len / 7; }
/* 1 when the record's strings are valid UTF-8 (they hold no NUL by construction). */
int ibid_ix_srec_valid(const ibid_ix_srec *r);

#endif
