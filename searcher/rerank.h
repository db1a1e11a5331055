/*
 * rerank.h - the "abstracts" ranking profile: a re-ranking of the best BM25 hits for
 * collections of short documents with titles (abstracts), chosen with --rank abstracts.
 * The default profile (--rank bm25) never calls this module: its ranking is BM25 plus the
 * title bonus, unchanged.
 *
 * What it does.  The searcher takes the best IBID_RERANK_DEPTH (100) hits of its normal
 * ranking and re-sorts them by
 *
 *   score = bm25 + 1.0 dph + 0.2 midf - 2 ln(len + 1) + 0.2 prox + 0.2 titleb
 *
 * over the query's words t: the analyzer's tokens of the query text that are not the joined
 * form of a compound (IBID_TOK_JOINED), each word once (the text as typed: operators and
 * filter names count as words; the profile is meant for plain natural-language queries).
 *
 *   bm25    the passage's score in the normal ranking (title bonus included)
 *   dph     DFR DPH summed over the matched t, with tf = t's occurrences in the passage,
 *           len = the passage's length in tokens (the BM25 length), f = tf / len, N passages,
 *           avglen their mean length, cf = t's occurrences in the collection (term dictionary):
 *             (1 - f)^2 / (tf + 1) * (tf log2(tf avglen / len * N / cf) + 0.5 log2(2 pi tf (1 - f)))
 *           (a term with f >= 1 adds 0)
 *   midf    the sum of idf(t) over the matched t (idf of bm25.h, collection df)
 *   prox    over adjacent query words (a, b), a != b, in the query's order, both matched:
 *           (idf(a) + idf(b)) / d^2, d = the smallest distance between a position of a and
 *           one of b (at least 1)
 *   titleb  the sum of idf(t) over the t whose stem is in the title of the passage's work
 *   len     the passage's length in tokens
 *
 * Where the weights come from: docs/search-quality.md section 3 ("Third round", "The
 * abstracts profile").  Helper H3 fitted them on SciFact's TRAIN split only (a grid of 960
 * points, 5-fold cross-validation, 3 shuffles: +0.013..+0.016 nDCG@10, all 15 folds up) with
 * the Python prototype bench/rerank/ (feat.py defines the features; this module computes the
 * same ones on the index).  The same weights lower the judged book corpus (dev nDCG@10
 * 0.8351 -> 0.7782): that is why the profile is opt-in.
 *
 * Hits past the depth keep their order after the re-ranked ones; when a re-ranked score falls
 * to or below theirs, they are shifted down by one constant (their gaps kept) so that scores
 * still decrease down the list (a TREC evaluator sorts by score).  Ties of the combined score
 * keep the normal ranking's order.
 *
 * Ownership: every function borrows its arguments; ibid_rerank allocates only for the call.
 * Errors: IBID_OK, IBID_ENOMEM or IBID_ECORRUPT (a damaged index); nothing prints.
 */
#ifndef IBID_RERANK_H
#define IBID_RERANK_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "reader.h"
#include "titles.h"
#include "topk.h"

/* --rank NAME */
typedef enum ibid_rank_profile {
    IBID_RANK_BM25 = 0,     /* the default: BM25 and the title bonus, no re-ranking */
    IBID_RANK_ABSTRACTS = 1 /* this module */
} ibid_rank_profile;

/* The profile called name ("bm25", "abstracts").  IBID_OK, or IBID_EINVAL for another name. */
int ibid_rank_parse(const char *name, ibid_rank_profile *out);

#define IBID_RERANK_DEPTH 100
#define IBID_RERANK_W_DPH 1.0
#define IBID_RERANK_W_MIDF 0.2
#define IBID_RERANK_W_LOGLEN (-2.0)
#define IBID_RERANK_W_PROX 0.2
#define IBID_RERANK_W_TITLEB 0.2

/* A hit's features and its combined score. */
typedef struct ibid_rerank_feat {
    double bm25, dph, midf, loglen, prox, titleb;
    double score;      /* the combination above */
    uint32_t len;      /* passage length (loglen = ln(len + 1)) */
    uint32_t matched;  /* query words present in the passage */
} ibid_rerank_feat;

/* ---- the formulas (pure; for the module and its tests) ---- */
/* One matched term's DPH: tf occurrences in a passage of len tokens, collection of n passages
   of mean length avglen in which the term occurs cf times.  0 when tf, len or cf is 0 or
   tf >= len. */
double ibid_rerank_dph(uint32_t tf, uint32_t len, double avglen, uint32_t n, uint64_t cf);
/* The smallest |pa[i] - pb[j]| of two ascending position lists (UINT32_MAX when one is empty). */
uint32_t ibid_rerank_mindist(const uint32_t *pa, size_t na, const uint32_t *pb, size_t nb);
/* f->score from the other fields (the weights above). */
double ibid_rerank_combine(const ibid_rerank_feat *f);

/* ---- the stage ---- */
/* Re-ranks hits[0..n) (best first, as ibid_topk_sort leaves them; n is cut to
   IBID_RERANK_DEPTH, the rest stays behind) of query text[0..len) over reader r: computes the
   features (positions from the postings), replaces each hit's score by the combination,
   re-sorts, and shifts the hits past the depth as said above.  an: the searcher's analyzer
   (reset here).  titles: per segment (reader order) the work-title map, NULL entries: no
   title (titleb 0).  feat: when not NULL, receives hits[i]'s features after the sort, for
   i < min(n, IBID_RERANK_DEPTH).  Returns IBID_OK, IBID_ENOMEM or IBID_ECORRUPT (hits
   unchanged on error). */
int ibid_rerank(const ibid_reader *r, ibid_analyzer *an, ibid_titles *const *titles, const char *text,
                size_t len, ibid_hit *hits, size_t n, ibid_rerank_feat *feat);

#endif
