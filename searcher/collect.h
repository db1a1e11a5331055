/*
 * collect.h - running a scorer tree into a top-k heap.
 *
 * ibid_collect_exhaustive scores every matching passage.  ibid_collect_pruned returns the
 * same hits with the same scores, skipping passages that provably cannot enter the heap:
 * MaxScore over the clauses of a top-level disjunction (clauses whose summed score bounds
 * cannot beat the heap's threshold stop producing candidates and are only probed), plus
 * block-max checks (a window of passages whose summed block bounds cannot beat the threshold
 * is skipped, and a candidate is dropped as soon as its partial score plus the remaining
 * bounds cannot beat it).  Bounds are inflated by a relative 1e-9 before every comparison, so
 * rounding never prunes a passage that belongs in the top k.
 *
 * Both return IBID_OK or the first error of a scorer; the scorer tree is consumed.
 */
#ifndef IBID_COLLECT_H
#define IBID_COLLECT_H

#include <stdint.h>

#include "scorer.h"
#include "topk.h"

int ibid_collect_exhaustive(ibid_scorer *root, ibid_topk *top);
int ibid_collect_pruned(ibid_scorer *root, ibid_topk *top);
/* Counts the matching passages (no scoring). */
int ibid_collect_count(ibid_scorer *root, uint64_t *count);
/* The same, skipping the passages del marks deleted (del may be NULL). */
int ibid_collect_count_live(ibid_scorer *root, const ibid_deletions *del, uint64_t *count);

#endif
