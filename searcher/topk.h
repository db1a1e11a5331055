/*
 * topk.h - the k best (score, passage id) pairs, with a binary min-heap.
 *
 * Order: higher score first; equal scores by lower order key (= file path, then line; in one
 * segment the key is the passage id, across segments reader.h gives it).  The heap
 * keeps the worst retained hit at its root, so a candidate enters when the heap is not full or
 * it beats that hit.  ibid_topk_threshold() is the score a candidate must beat once the heap is
 * full (pruning uses it: since documents arrive in increasing id order, a later candidate with
 * an equal score never enters).
 *
 * Segments (issue 7): before collecting from a segment of a multi-segment reader, the searcher
 * calls ibid_topk_segment: then pushes give the segment's LOCAL pids, deleted passages are
 * refused, the kept hit's pid is the global id (base + local) and its key the reader's order
 * key.  Keys of a later segment may be lower than those already kept, so with `unordered` set
 * the threshold is the largest double below the root's score: a candidate that ties the root
 * is still offered (and wins when its key is lower), and pruning on "bound <= threshold"
 * stays exact.
 *
 * Ownership: the heap owns its array (ibid_topk_free); the segment view is borrowed.
 */
#ifndef IBID_TOPK_H
#define IBID_TOPK_H

#include <stddef.h>
#include <stdint.h>

#include "reader.h"

typedef struct ibid_hit {
    double score;
    uint32_t pid; /* global passage id */
    uint32_t key; /* tie order */
} ibid_hit;

typedef struct ibid_topk {
    ibid_hit *v;
    size_t n, k;
    const ibid_segment_view *seg; /* NULL: pids are global ids and keys */
    int unordered;
} ibid_topk;

/* k may be 0 (keeps nothing).  Returns IBID_OK or IBID_ENOMEM. */
int ibid_topk_init(ibid_topk *t, size_t k);
void ibid_topk_free(ibid_topk *t);
/* 1 when a beats b (a ranks before b). */
static inline int ibid_hit_better(ibid_hit a, ibid_hit b)
{
    return a.score > b.score || (a.score == b.score && a.key < b.key);
}
/* Collect from segment seg next (NULL: back to plain global ids); unordered: other segments
   were or will be collected into the same heap. */
void ibid_topk_segment(ibid_topk *t, const ibid_segment_view *seg, int unordered);
/* Offers a hit (a local pid after ibid_topk_segment); returns 1 when it was kept. */
int ibid_topk_push(ibid_topk *t, double score, uint32_t pid);
/* 1 when full: then ibid_topk_threshold is meaningful. */
static inline int ibid_topk_full(const ibid_topk *t) { return t->k > 0 && t->n == t->k; }
/* The worst retained score (the root; just below it when unordered), or -1 when not full. */
double ibid_topk_threshold(const ibid_topk *t);
/* Sorts the retained hits best first (the heap is no longer a heap: call last). */
void ibid_topk_sort(ibid_topk *t);

#endif
