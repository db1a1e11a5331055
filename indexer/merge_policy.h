/*
 * merge_policy.h - which segments of an index an update merges (issue 7; docs/index-format.md,
 * "Segments, deletions and the manifest").
 *
 * A tiered policy in the spirit of Lucene's: a segment's tier is the base-4 logarithm of its
 * live passages over IBID_MERGE_FLOOR (every segment smaller than the floor is in tier 0).
 * Whenever IBID_MERGE_FANIN or more segments share a tier, they are merged into one (which
 * lands about one tier higher, where it may complete another group: the caller asks again
 * until nothing is picked).  A segment with more than half of its passages deleted is
 * rewritten alone, so dead passages never dominate a file.  Segments therefore number about
 * (FANIN - 1) per tier, a few dozen at most, and a new small segment is merged only with other
 * small ones: adding one book to a big index costs about the book.
 *
 * Pure computation: no I/O, no allocation.
 */
#ifndef IBID_MERGE_POLICY_H
#define IBID_MERGE_POLICY_H

#include <stddef.h>
#include <stdint.h>

enum {
    IBID_MERGE_FLOOR = 2048, /* live passages: smaller segments share tier 0 */
    IBID_MERGE_FACTOR = 4,   /* each tier holds segments FACTOR times larger than the one below */
    IBID_MERGE_FANIN = 4     /* this many segments in one tier are merged */
};

typedef struct ibid_policy_seg {
    uint32_t passages; /* in the file */
    uint32_t deleted;  /* of which deleted */
} ibid_policy_seg;

/* The tier of a segment with `live` live passages (0 for anything below the floor). */
unsigned ibid_merge_tier(uint64_t live);

/* Picks one merge among segs[0..n): writes the indexes of the chosen segments, ascending,
   into pick (room for n) and returns their count; 0 when nothing needs merging.  A group of
   one is a rewrite (to drop its deleted passages).  Segments without live passages are not
   the policy's business (the caller drops them) and are never picked. */
size_t ibid_merge_policy_pick(const ibid_policy_seg *segs, size_t n, size_t *pick);

#endif
