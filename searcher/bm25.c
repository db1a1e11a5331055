/* bm25.c - BM25 scoring (see bm25.h). */
#include "bm25.h"

#include <math.h>

void ibid_bm25_init(ibid_bm25 *m, double k1, double b, uint32_t n, double avglen)
{
    m->k1 = k1 < 0 ? 0 : k1;
    m->b = b < 0 ? 0 : (b > 1 ? 1 : b);
    m->n = n;
    m->avglen = avglen > 0 ? avglen : 1.0;
}

double ibid_bm25_idf(const ibid_bm25 *m, uint64_t df)
{
    double d = (double)(df > m->n ? m->n : df);
    return log(1.0 + ((double)m->n - d + 0.5) / (d + 0.5));
}

double ibid_bm25_score(const ibid_bm25 *m, double idf, uint32_t tf, uint32_t len)
{
    if (tf == 0)
        return 0.0;
    double f = (double)tf;
    double norm = m->k1 * (1.0 - m->b + m->b * (double)len / m->avglen);
    return idf * f * (m->k1 + 1.0) / (f + norm);
}
