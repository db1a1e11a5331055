/*
 * bm25.h - Okapi BM25 with Lucene's non-negative IDF.
 *
 *   idf(t)      = ln(1 + (N - df + 0.5) / (df + 0.5))            (never negative)
 *   score(t, d) = idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d) / avglen))
 *
 * A passage's score is the sum over the query's matched scoring terms.  A phrase scores as one
 * pseudo-term whose idf is the sum of its words' idfs and whose tf is the number of times the
 * phrase occurs (as Lucene does).  The defaults were chosen on SciFact's train split
 * (docs/ranking.md).  Pure functions: no allocation, no failure.
 */
#ifndef IBID_BM25_H
#define IBID_BM25_H

#include <stdint.h>

#define IBID_BM25_K1 0.9
#define IBID_BM25_B 0.4

typedef struct ibid_bm25 {
    double k1, b;
    double avglen;   /* average passage length in tokens (> 0; 1 when the index is empty) */
    uint32_t n;      /* passages in the index */
} ibid_bm25;

/* Fills *m for an index of n passages with average length avglen. */
void ibid_bm25_init(ibid_bm25 *m, double k1, double b, uint32_t n, double avglen);
/* Lucene's IDF for a term in df passages (df is clamped to [0, n]). */
double ibid_bm25_idf(const ibid_bm25 *m, uint64_t df);
/* The score of a term with weight idf occurring tf times in a passage of len tokens. */
double ibid_bm25_score(const ibid_bm25 *m, double idf, uint32_t tf, uint32_t len);

#endif
