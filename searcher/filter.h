/*
 * filter.h - metadata filters: in:footnotes, in:text, work:..., chapter:...
 *
 * A filter set restricts one group (BOOL) of a query.  It holds that group's filter clauses:
 * FILTER nodes and "filter-only" groups (a BOOL whose children are all filters or filter-only
 * groups, e.g. in:footnotes OR in:bibliography), each with its occur:
 *   a passage passes when it passes every MUST clause, no NOT clause, and, when there are
 *   SHOULD clauses, at least one of them.
 * A filter-only group is evaluated with the same rule, recursively.  Everything is checked
 * against the passage's metadata (index.h: kind, work id, chapter id) without touching the
 * passage store.  work: and chapter: values are resolved once per query into one yes/no byte
 * per work or chapter title: a title passes when every word of the value occurs in it
 * (compared as folded forms or as stems, through the analyzer that indexes text).
 * IBID_FILTER_NOTKIND "footnote" keeps everything but footnotes and bibliography entries.
 *
 * Ownership: everything lives in the arena given to ibid_filterset_new; the analyzer is only
 * used during ibid_filterset_add; the query nodes are not kept.
 */
#ifndef IBID_FILTER_H
#define IBID_FILTER_H

#include <stdint.h>

#include "analyze.h"
#include "arena.h"
#include "index.h"
#include "query.h"

typedef struct ibid_filterset ibid_filterset;

/* 1 when n is a FILTER or a BOOL made only of filters and filter-only BOOLs. */
int ibid_filter_only(const ibid_qnode *n);
/* An empty set (passes everything) in arena a.  NULL when out of memory. */
ibid_filterset *ibid_filterset_new(ibid_arena *a, const ibid_index *ix);
/* Adds clause n (ibid_filter_only(n) must hold) with the given occur.  Returns IBID_OK,
   IBID_ENOMEM, IBID_EINVAL (not filter-only) or IBID_ECORRUPT. */
int ibid_filterset_add(ibid_filterset *fs, ibid_analyzer *an, const ibid_qnode *n, ibid_occur occur);
/* Number of clauses added. */
int ibid_filterset_count(const ibid_filterset *fs);
/* The predicate for scorers (ctx = the filter set): 1 keep, 0 drop, <0 corrupt metadata. */
int ibid_filterset_keep(void *ctx, uint32_t pid);

#endif
