/*
 * deletions.h - the passages deleted from one immutable segment, and what they took from the
 * BM25 statistics (docs/index-format.md, "Segments, deletions and the manifest").
 *
 * When a file changes or vanishes, its passages in older segments are deleted: never by
 * rewriting the segment, but by writing a new deletion file beside it (INDEX.d/ID.GEN.del.ibid,
 * manifest.h) that lists every deleted passage of the segment, the tokens they held, and for
 * every term the number of deleted passages that contain it.  With those, a reader computes
 * exactly the statistics a full build of the live passages would have (passage count, token
 * count, each term's df), so scores do not depend on how the index was updated.
 *
 * File format (little-endian):
 *     0   8  magic "IBIDDEL\0"
 *     8   4  u32 version (1)
 *     12  4  u32 npids: deleted passages
 *     16  8  u64 tokens: sum of their lengths
 *     24  4  u32 nterms: entries of the term table
 *     28  4  u32 the segment's passage count (a deletion file belongs to one segment)
 *     32     u32 pids[npids], strictly ascending, each < passage count
 *            then nterms x (u32 term ordinal, u32 deleted df), ordinals strictly ascending, df >= 1
 *     end 4  u32 crc32 of every byte before it
 *
 * Ownership: ibid_deletions owns its arrays (ibid_deletions_free).
 */
#ifndef IBID_DELETIONS_H
#define IBID_DELETIONS_H

#include <stddef.h>
#include <stdint.h>

#include "index.h"

typedef struct ibid_del_term {
    uint32_t ordinal, df;
} ibid_del_term;

typedef struct ibid_deletions {
    uint32_t *pids; /* ascending */
    uint32_t npids;
    uint64_t tokens;
    ibid_del_term *terms; /* ascending by ordinal */
    uint32_t nterms;
    uint8_t *bitmap; /* (passages + 7) / 8 bytes, bit p set when p is deleted; set by read/compute */
    uint32_t passages;
} ibid_deletions;

/* Computes the deletions of segment ix for the local pids[0..n) (any order, duplicates
   allowed): sorts them, sums their lengths and walks every term's postings to count the
   deleted passages that contain it.  Returns IBID_OK, IBID_ENOMEM, IBID_EINVAL (a pid out of
   range) or IBID_ECORRUPT. */
int ibid_deletions_compute(const ibid_index *ix, const uint32_t *pids, size_t n, ibid_deletions *out);
/* Reads the deletion file at path for a segment of `passages` passages and `terms` terms.
   Returns IBID_OK, IBID_ENOENT, IBID_EIO, IBID_ENOMEM or IBID_ECORRUPT (the reason in err,
   starting with path). */
int ibid_deletions_read(const char *path, uint32_t passages, uint32_t terms, ibid_deletions *out,
                        char *err, size_t errlen);
/* Writes d to path atomically (atomic_file.h).  IBID_OK, IBID_ENOMEM or IBID_EIO. */
int ibid_deletions_write(const char *path, const ibid_deletions *d);
/* The deleted df of term ordinal (0 when none). */
uint32_t ibid_deletions_df(const ibid_deletions *d, uint32_t ordinal);
static inline int ibid_deletions_has(const ibid_deletions *d, uint32_t pid)
{
    return d->bitmap && pid < d->passages && (d->bitmap[pid >> 3] >> (pid & 7) & 1);
}
void ibid_deletions_free(ibid_deletions *d);

#endif
