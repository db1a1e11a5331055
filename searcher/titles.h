/*
 * titles.h - the title field: which passages stand in a work or a chapter whose title holds a
 * given stem, and a scorer that adds a bonus to them.
 *
 * A word of the query that also occurs in the title of the passage's work is evidence that
 * the passage is about it (a SciFact abstract's title is its work).  ibid-search adds, to the
 * score of a passage matching an unquoted word w (docs/search-quality.md, "Title bonus"):
 *
 *   title_weight * idf(w)   when w's stem is in the passage's work title
 *
 * The bonus never makes a passage match: it only adds to passages that match w.  Chapter
 * titles can be included (IBID_TITLES_CHAPTERS); ibid-search does not, because on the judged
 * corpus queries they lowered nDCG@10 (dev 0.7176 -> 0.7102 without synonyms).
 *
 * The map is built once per searcher, lazily: the work and chapter names are cut by the
 * analyzer (each name once), and one pass over the passages' metadata records, per work and
 * per chapter, the runs of consecutive passage ids that belong to it.  Memory is proportional
 * to the number of works, chapters and runs, not to the passages.
 *
 * Ownership: an ibid_titles borrows the index (which must outlive it) and owns everything
 * else.  Read-only after building.
 */
#ifndef IBID_TITLES_H
#define IBID_TITLES_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "index.h"
#include "scorer.h"

typedef struct ibid_titles ibid_titles;

/* A run of passage ids [first, last]. */
typedef struct ibid_pid_run {
    uint32_t first, last;
} ibid_pid_run;

enum { IBID_TITLES_CHAPTERS = 1u }; /* flags: also chapter titles */

/* Builds the map of ix with analyzer an (used during the call): work titles, and chapter
   titles with IBID_TITLES_CHAPTERS.  Returns IBID_OK, IBID_ENOMEM or IBID_ECORRUPT. */
int ibid_titles_build(const ibid_index *ix, ibid_analyzer *an, unsigned flags, ibid_titles **out);
void ibid_titles_free(ibid_titles *t);

/* The passages whose work or chapter title holds stem[0..len), as sorted, disjoint runs in a
   malloc'd array (*out; NULL when none; the caller frees it).  Returns the number of runs or
   IBID_ENOMEM. */
long ibid_titles_runs(const ibid_titles *t, const char *stem, size_t len, ibid_pid_run **out);

/* A scorer matching exactly the passages of runs[0..n) (copied into ev's arena), each scoring
   bonus; label is copied.  Returns NULL with *rc set on error. */
ibid_scorer *ibid_scorer_runs(ibid_eval *ev, const ibid_pid_run *runs, size_t n, double bonus,
                              const char *label, int *rc);

#endif
