/*
 * dheap.h - a binary min-heap of scorers keyed by their current doc, for disjunctions.
 *
 * A disjunction of m clauses needs, per candidate, the smallest current doc and the clauses
 * standing on it.  With a heap both cost O(k log m) for the k clauses involved instead of
 * O(m), which matters for long queries (1,024 words) and prefix expansions (256 terms).
 * Entries carry the clause's index (its position in query order) so that scores can be
 * summed in query order.  Ties on doc are broken by index, so the heap order is deterministic.
 *
 * Ownership: the heap owns its array (ibid_dheap_free); the scorers are borrowed.
 */
#ifndef IBID_DHEAP_H
#define IBID_DHEAP_H

#include <stddef.h>
#include <stdint.h>

#include "scorer.h"

typedef struct ibid_dheap_entry {
    ibid_scorer *s;
    size_t idx;
} ibid_dheap_entry;

typedef struct ibid_dheap {
    ibid_dheap_entry *v;
    size_t n, cap;
} ibid_dheap;

/* Makes room for cap entries.  IBID_OK or IBID_ENOMEM. */
int ibid_dheap_init(ibid_dheap *h, size_t cap);
void ibid_dheap_free(ibid_dheap *h);
/* Adds a scorer (room must have been made by ibid_dheap_init). */
void ibid_dheap_push(ibid_dheap *h, ibid_scorer *s, size_t idx);
/* The smallest doc in the heap (IBID_NO_DOC when empty). */
static inline uint32_t ibid_dheap_top_doc(const ibid_dheap *h) { return h->n ? h->v[0].s->doc : IBID_NO_DOC; }
/* Restores the heap after the top entry's scorer moved. */
void ibid_dheap_top_moved(ibid_dheap *h);
/* Advances every scorer standing before target to target (or further).  Returns IBID_OK or
   a scorer's error. */
int ibid_dheap_advance(ibid_dheap *h, uint32_t target);
/* Moves every scorer standing on d to its next doc. */
int ibid_dheap_next_at(ibid_dheap *h, uint32_t d);
/* Writes the query-order indices of the scorers standing on d into out, ascending; returns
   their number.  out must have room for 2 * h->n entries (the tail serves as a stack). */
size_t ibid_dheap_collect(const ibid_dheap *h, uint32_t d, size_t *out);

#endif
