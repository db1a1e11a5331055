/*
 * query_rank.h - ranking adjustments of a parsed query's top level (issue 6).
 *
 * The parser (query.h) keeps what the user typed; ranking reads a query of several words as a
 * bag of words.  Two adjustments of the root, each decided on SciFact train and the judged
 * corpus dev queries (docs/search-quality.md, section 3):
 *
 *   1. A repeated clause counts once.  A SHOULD clause of the root BOOL that is the same as an
 *      earlier SHOULD clause (same kind, same stems, or same forms when exact; compounds and
 *      groups compared child by child) is dropped: "viral replication ... viral RNAs" scores
 *      viral once.  (BM25's query-term saturation with k3 = 0.)  When one clause is left,
 *      it becomes the root.
 *   2. The parts of a compound count on their own.  An unquoted compound (co-operation,
 *      Rad53-dependent: an alternatives BOOL of the joined TERM and the PHRASE of its parts)
 *      that is a SHOULD clause of a root of several clauses gets a third alternative: its
 *      parts as a ranked OR.  It still scores as its best alternative, so a passage with the
 *      compound scores as before, and one with "Rad53 kinase-dependent" now scores through
 *      rad53 and dependent.  A query of one compound alone, required (+a-b) or excluded
 *      (-a-b) compounds, compounds inside groups, NEAR and quoted text are left as they are;
 *      so are synonyms groups.
 *
 * The tree keeps the shape query.h promises (an alternatives BOOL may now have three
 * children, the third a BOOL of two or more SHOULD TERMs).  New nodes live in q->arena.
 */
#ifndef IBID_QUERY_RANK_H
#define IBID_QUERY_RANK_H

#include "query.h"

/* Applies both adjustments to q (in place).  Returns IBID_OK, or IBID_ENOMEM (q is then
   still a valid tree: adjustments already made stay, the rest are not made). */
int ibid_query_rank_adjust(ibid_query *q);

#endif
