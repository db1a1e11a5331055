/*
 * scorer.h - the iterator tree that evaluates a query (Lucene-style scorers).
 *
 * A scorer walks, in increasing passage id, the passages that its part of the query matches,
 * and scores the passage it stands on.  Leaves read postings (term.c: a term, or an exact form
 * through the per-position variants); inner nodes combine children (bool.c: MUST / SHOULD / NOT
 * with metadata filters; positional.c: phrases and NEAR/n).  plan.c builds the tree from the
 * query AST (query.h); topk.c and maxscore.c drive it.
 *
 * Protocol: after creation a scorer stands on its first match (doc), or on IBID_NO_DOC when
 * it matches nothing.  next() moves to the next match; advance(t) moves to the first match
 * with doc >= t and never moves backwards (advance(t) with t <= doc does nothing).  score()
 * gives the BM25 score of the current doc; it may move lazily evaluated children forward, so
 * it can fail.  Every call returns IBID_OK or a negative status (IBID_ECORRUPT from a postings
 * cursor, IBID_ENOMEM); after an error the scorer's state is undefined and the caller stops.
 *
 * Scores are sums over the matched children in the children's fixed order, so a passage gets
 * the bit-identical score whatever path (pruned or exhaustive) reached it.
 *
 * max_score bounds every score the scorer can ever return; block_bound() bounds the scores of
 * docs in [target, *upto] (for terms from the postings' block-max skip data), never moving the
 * scorer.  Both are used by maxscore.c for safe pruning.
 *
 * Ownership: scorers live in the ibid_eval arena (plan.h) and die with it; nothing here frees.
 */
#ifndef IBID_SCORER_H
#define IBID_SCORER_H

#include <stddef.h>
#include <stdint.h>

#include "bm25.h"
#include "buf.h"
#include "index.h"

typedef struct ibid_scorer ibid_scorer;

/* A matched stretch of positions [start, end] (inclusive) of a positional scorer. */
typedef struct ibid_span {
    uint32_t start, end;
} ibid_span;

/* One line of --explain: a scoring leaf's BM25 contribution to the current doc. */
typedef struct ibid_explain_item {
    const char *label; /* the term or phrase, owned by the scorer */
    double idf, score;
    uint32_t tf, len;
} ibid_explain_item;

typedef struct ibid_explain_list {
    ibid_explain_item *v;
    size_t n, cap;
} ibid_explain_list;

typedef struct ibid_scorer_ops {
    int (*next)(ibid_scorer *s);
    int (*advance)(ibid_scorer *s, uint32_t target);
    int (*score)(ibid_scorer *s, double *out);
    /* may be NULL: then [target, IBID_NO_DOC) is bounded by max_score */
    int (*block_bound)(ibid_scorer *s, uint32_t target, uint32_t *upto, double *bound);
    /* Positional scorers only (else NULL): the spans of the current doc, ascending by start.
       The array is owned by the scorer and valid until it moves. */
    int (*spans)(ibid_scorer *s, const ibid_span **out, size_t *n);
    /* Appends the leaves contributing to the current doc (which the scorer stands on). */
    int (*explain)(ibid_scorer *s, ibid_explain_list *out);
} ibid_scorer_ops;

struct ibid_scorer {
    const ibid_scorer_ops *ops;
    uint32_t doc;     /* current passage id, IBID_NO_DOC when exhausted */
    double max_score; /* bound on every score */
    uint64_t cost;    /* estimate of the number of matches (df); leads conjunctions */
};

static inline int ibid_scorer_next(ibid_scorer *s) { return s->ops->next(s); }
static inline int ibid_scorer_advance(ibid_scorer *s, uint32_t t)
{
    return s->doc >= t ? 0 : s->ops->advance(s, t);
}
static inline int ibid_scorer_score(ibid_scorer *s, double *out) { return s->ops->score(s, out); }
int ibid_scorer_block_bound(ibid_scorer *s, uint32_t target, uint32_t *upto, double *bound);
int ibid_explain_push(ibid_explain_list *l, const char *label, double idf, uint32_t tf,
                      uint32_t len, double score);
void ibid_explain_free(ibid_explain_list *l);

/* ---- the evaluation context: shared by every scorer of one query ---- */
struct ibid_filterset;
typedef struct ibid_eval {
    const ibid_index *ix;
    ibid_bm25 bm;
    ibid_arena arena;             /* every scorer, label and span buffer */
    ibid_postings **cursors;      /* closed by ibid_eval_free */
    size_t ncursors, capcursors;
    void **heap_blocks;           /* malloc'd growable buffers, freed by ibid_eval_free */
    size_t nblocks, capblocks;
    /* issue 6: the title field (titles.h; borrowed, may be NULL) and the weight of its bonus
       (0: none).  ibid_eval_init leaves them NULL and 0; the searcher sets them. */
    const struct ibid_titles *titles;
    double title_weight;
    /* issue 7: collection statistics from outside this index (a segment of a multi-segment
       reader, reader.h).  df(ctx, term) gives a stem's global live df (*df = 0 when absent);
       prefix_keep(ctx, prefix, term) says whether the stem term is among the expansions of
       prefix chosen over every segment (1 keep, 0 drop, <0 error).  NULL: this index's own
       statistics (ibid_eval_init). */
    int (*df)(void *ctx, const char *term, size_t len, uint32_t *df);
    int (*prefix_keep)(void *ctx, const char *prefix, const char *term);
    void *stats_ctx;
} ibid_eval;

void ibid_eval_init(ibid_eval *ev, const ibid_index *ix, double k1, double b);
/* For one segment of a reader: BM25 over the reader's global passage count and average length;
   the caller then sets df, prefix_keep and stats_ctx. */
void ibid_eval_init_global(ibid_eval *ev, const ibid_index *ix, double k1, double b, uint32_t passages,
                           double avg_len);
void ibid_eval_free(ibid_eval *ev);
/* Opens a cursor that ibid_eval_free will close. */
int ibid_eval_open(ibid_eval *ev, const ibid_term_info *t, int want_positions, ibid_postings **out);
/* Hands a malloc'd block p to ev, which frees it in ibid_eval_free.  IBID_OK or IBID_ENOMEM
   (then p is not taken). */
int ibid_eval_keep(ibid_eval *ev, void *p);
/* Grows a malloc'd array *p (owned by ev, freed by ibid_eval_free) to hold n elements of size sz. */
int ibid_eval_grow(ibid_eval *ev, void **p, size_t *cap, size_t n, size_t sz);

/* ---- leaves (term.c) ---- */
/* The scorer that matches nothing. */
ibid_scorer *ibid_scorer_empty(ibid_eval *ev);
/* A term: every posting, or only positions whose variant is in variants[0..nvariants) when
   variants is non-NULL (tf = the count of those positions; passages with none are skipped).
   idf is the BM25 weight; label is copied.  want_positions makes spans() available.
   Returns NULL on error (*rc set). */
ibid_scorer *ibid_scorer_term(ibid_eval *ev, const ibid_term_info *t, const uint32_t *variants,
                              size_t nvariants, double idf, const char *label, int want_positions,
                              int *rc);
/* Every passage (score 0) that passes keep(ctx, pid); keep NULL keeps all. */
ibid_scorer *ibid_scorer_all(ibid_eval *ev, int (*keep)(void *ctx, uint32_t pid), void *ctx, int *rc);

/* ---- positional (positional.c) ---- */
typedef struct ibid_phrase_word {
    ibid_term_info term;
    uint32_t variant; /* UINT32_MAX: any form of the term */
    uint32_t offset;  /* position relative to the phrase start */
} ibid_phrase_word;
/* A phrase of n >= 2 words; idf = sum of the words' idfs, tf = occurrences. */
ibid_scorer *ibid_scorer_phrase(ibid_eval *ev, const ibid_phrase_word *w, size_t n, double idf,
                                const char *label, int *rc);
/* Children (positional scorers) all within distance of each other; score = sum. */
ibid_scorer *ibid_scorer_near(ibid_eval *ev, ibid_scorer **kids, size_t n, uint32_t distance,
                              int *rc);

/* ---- boolean (bool.c) ---- */
typedef enum { IBID_ROLE_REQ, IBID_ROLE_OPT, IBID_ROLE_EXCL } ibid_role;
/* kids[i] take part with roles[i] (kids in their query order: scores are summed in that order).
   With any REQ child, all REQ must match and OPT only add; without, at least one OPT must.
   EXCL children veto.  keep(ctx, pid) (may be NULL) vetoes by metadata.  alternatives: the
   score is the best matching child's, not the sum.  There must be a REQ or an OPT child. */
ibid_scorer *ibid_scorer_bool(ibid_eval *ev, ibid_scorer **kids, const ibid_role *roles, size_t n,
                              int alternatives, int (*keep)(void *ctx, uint32_t pid), void *keepctx,
                              int *rc);
/* Introspection for maxscore.c: when s is a bool scorer without REQ children and without
   alternatives, sets its OPT children (in order), and returns 1; else 0. */
int ibid_scorer_bool_disjunction(ibid_scorer *s, ibid_scorer ***opt, size_t *nopt);
/* For such a bool: does pid pass its filters and exclusions? (moves EXCL children) 1/0/<0. */
int ibid_scorer_bool_accept(ibid_scorer *s, uint32_t pid);

#endif
