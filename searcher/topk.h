/*
 * topk.h - the k best (score, passage id) pairs, with a binary min-heap.
 *
 * Order: higher score first; equal scores by lower passage id (= file, then line).  The heap
 * keeps the worst retained hit at its root, so a candidate enters when the heap is not full or
 * it beats that hit.  ibid_topk_threshold() is the score a candidate must beat once the heap is
 * full (pruning uses it: since documents arrive in increasing id order, a later candidate with
 * an equal score never enters).
 *
 * Ownership: the heap owns its array (ibid_topk_free).
 */
#ifndef IBID_TOPK_H
#define IBID_TOPK_H

#include <stddef.h>
#include <stdint.h>

typedef struct ibid_hit {
    double score;
    uint32_t pid;
} ibid_hit;

typedef struct ibid_topk {
    ibid_hit *v;
    size_t n, k;
} ibid_topk;

/* k may be 0 (keeps nothing).  Returns IBID_OK or IBID_ENOMEM. */
int ibid_topk_init(ibid_topk *t, size_t k);
void ibid_topk_free(ibid_topk *t);
/* 1 when a beats b (a ranks before b). */
static inline int ibid_hit_better(ibid_hit a, ibid_hit b)
{
    return a.score > b.score || (a.score == b.score && a.pid < b.pid);
}
/* Offers a hit; returns 1 when it was kept. */
int ibid_topk_push(ibid_topk *t, double score, uint32_t pid);
/* 1 when full: then ibid_topk_threshold is meaningful. */
static inline int ibid_topk_full(const ibid_topk *t) { return t->k > 0 && t->n == t->k; }
/* The worst retained score (the root), or -infinity-like -1 when not full. */
double ibid_topk_threshold(const ibid_topk *t);
/* Sorts the retained hits best first (the heap is no longer a heap: call last). */
void ibid_topk_sort(ibid_topk *t);

#endif
