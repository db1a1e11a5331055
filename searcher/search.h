/*
 * search.h - one query end to end: parse, plan, evaluate, top-k, fetch, format.
 *
 * An ibid_searcher holds what every query of a run shares (the open index, one analyzer,
 * the options).  ibid_search_run answers one query and appends its output to a buffer; the
 * program writes the buffer to stdout.  Warnings (the parser's notes) are reported through
 * the diag; nothing here prints.
 *
 * Ownership: the searcher borrows the index (or reader) and the diag (they must outlive it) and
 * owns its analyzer (ibid_searcher_free).
 */
#ifndef IBID_SEARCH_H
#define IBID_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "index.h"
#include "output.h"
#include "reader.h"
#include "topk.h"

typedef struct ibid_search_opts {
    size_t limit;     /* hits to print (default 10) */
    size_t offset;    /* hits to skip first */
    int count;        /* print the number of matching passages instead of hits */
    ibid_output_format format;
    int explain;      /* per hit, the BM25 contribution of each term */
    int color;        /* ANSI colour in text and grep output */
    int exhaustive;   /* no pruning (for testing: the same results, slower) */
    int batch;        /* several queries: --count prints "qid<TAB>count", text gets headers */
    double k1, b;
    /* issue 6 (docs/search-quality.md) */
    const struct ibid_synonyms *synonyms; /* variant names (synonyms.h), borrowed; NULL: none */
    int all;             /* 1: list every copy of near-duplicate passages (no grouping) */
    int no_suggest;      /* 1: no did-you-mean */
    double title_weight; /* bonus of a query word in the work title (titles.h); 0: none */
    const char *synonyms_file; /* for the program (main.c): --synonyms FILE, else NULL */
    int no_synonyms;           /* for the program: --no-synonyms */
    int rank; /* --rank: IBID_RANK_BM25 (0, the default) or IBID_RANK_ABSTRACTS (rerank.h) */
} ibid_search_opts;

/* The defaults: limit 10, text, BM25 defaults of bm25.h, title weight IBID_TITLE_WEIGHT,
   grouping of near-duplicates and did-you-mean on, no synonyms. */
#define IBID_TITLE_WEIGHT 0.35
void ibid_search_opts_default(ibid_search_opts *o);

typedef struct ibid_searcher ibid_searcher;

/* Returns IBID_OK or IBID_ENOMEM. */
int ibid_searcher_new(const ibid_index *ix, const ibid_search_opts *o, const ibid_diag *diag,
                      ibid_searcher **out);
/* The same over every segment of a reader (reader.h, borrowed: it must outlive the searcher):
   collection statistics, deletions skipped, ties by file path and line across segments. */
int ibid_searcher_new_reader(const ibid_reader *r, const ibid_search_opts *o, const ibid_diag *diag,
                             ibid_searcher **out);
void ibid_searcher_free(ibid_searcher *s);
/* The searcher's analyzer (owned by s): a program may load the synonyms with it (synonyms.h)
   instead of making a second analyzer, then hand them over with ibid_searcher_set_synonyms
   (borrowed, as o.synonyms; it replaces o.synonyms; NULL: none).  Not while a search runs. */
ibid_analyzer *ibid_searcher_analyzer(ibid_searcher *s);
void ibid_searcher_set_synonyms(ibid_searcher *s, const struct ibid_synonyms *syn);

/* Answers query text[0..len) with the given qid, appending the output to out.  *matched is set
   to the number of hits found (at most offset + limit; with --count the full count).  Unless
   o.all, near-duplicate passages (dedup.h) among the best 3 * (offset + limit) are grouped:
   each group is one hit (its best passage), the others are listed with it, and *matched
   counts groups.  A query word the index does not know gets a did-you-mean (suggest.h) on
   the diag ("did you mean: ...?") and, in --json, a "suggestion" member on every hit.
   Returns IBID_OK, IBID_ENOMEM, IBID_ELIMIT (query too long or too deep) or IBID_ECORRUPT. */
int ibid_search_run(ibid_searcher *s, const char *qid, const char *text, size_t len, ibid_buf *out,
                    uint64_t *matched);

/* Lower level, for tests: the top k (score, pid) hits of a query, pruned or exhaustive.
   top must be initialised with its k; on return it holds the hits, best first. */
int ibid_search_topk(ibid_searcher *s, const char *text, size_t len, int exhaustive, ibid_topk *top);

#endif
