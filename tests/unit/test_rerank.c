/* test_rerank.c - the abstracts profile (searcher/rerank.c): the formulas on hand-computed
 * cases, and the re-ranking of a real query on the bundled corpus checked against the same
 * features computed another way (the stored passages analysed again instead of the postings).
 * The query "Minsk Tractor Plant co-operation" is about corpus/000_b36bc166d576b6e2.txt:1334
 * ("In particular, Minsk Tractor Plant is ready to intensify co-operation"). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "bm25.h"
#include "corpus_fixture.h"
#include "index.h"
#include "reader.h"
#include "rerank.h"
#include "search.h"
#include "status.h"
#include "titles.h"

/* cmocka's assert_float_equal compares floats: doubles are compared here. */
#define assert_near(a, b, eps) near_((a), (b), (eps), __LINE__)
static void near_(double a, double b, double eps, int line)
{
    if (!(fabs(a - b) <= eps))
        fail_msg("line %d: %.17g != %.17g (within %g)", line, a, b, eps);
}

static void test_dph_by_hand(void **state)
{
    (void)state;
    /* tf 2 in a passage of 10 tokens, 100 passages of mean length 20, cf 50:
       f = 0.2, (1 - f)^2 / (tf + 1) = 0.64 / 3 = 0.213333...,
       tf log2(2 * 20 / 10 * 100 / 50) = 2 log2 8 = 6, 0.5 log2(2 pi 2 0.8) = 1.664784017...,
       0.213333... * 7.664784017... = 1.635153923689... */
    assert_near(ibid_rerank_dph(2, 10, 20.0, 100, 50), 1.6351539236890622, 1e-12);
    /* tf 1 in 4 tokens, avglen 4, 8 passages, cf 8: f = 0.25, norm 0.5625 / 2 = 0.28125,
       log2(1 * 1 * 1) = 0, 0.5 log2(2 pi 0.75) = 0.5 log2(4.71238898) = 1.118467...,
       0.28125 * 1.1184677... */
    assert_near(ibid_rerank_dph(1, 4, 4.0, 8, 8), 0.28125 * 0.5 * log2(2 * 3.14159265358979323846 * 0.75),
                       1e-12);
    /* nothing to score: tf 0, the whole passage is the term, cf 0 */
    assert_near(ibid_rerank_dph(0, 10, 20.0, 100, 50), 0.0, 0.0);
    assert_near(ibid_rerank_dph(3, 3, 20.0, 100, 50), 0.0, 0.0);
    assert_near(ibid_rerank_dph(1, 3, 20.0, 100, 0), 0.0, 0.0);
}

static void test_mindist_and_combine(void **state)
{
    (void)state;
    const uint32_t a[] = {1, 5, 9}, b[] = {7, 20}, c[] = {30};
    assert_int_equal(ibid_rerank_mindist(a, 3, b, 2), 2);  /* 9 and 7 */
    assert_int_equal(ibid_rerank_mindist(b, 2, a, 3), 2);
    assert_int_equal(ibid_rerank_mindist(a, 3, c, 1), 21); /* 9 and 30 */
    assert_int_equal(ibid_rerank_mindist(a, 3, c, 0), UINT32_MAX);
    /* bm25 10, dph 2, midf 5 (0.2 -> 1), len 9 (-2 ln 10), prox 3 (0.6), titleb 1 (0.2) */
    ibid_rerank_feat f = {10.0, 2.0, 5.0, log(10.0), 3.0, 1.0, 0.0, 9, 2};
    assert_near(ibid_rerank_combine(&f), 10 + 2 + 1 - 2 * log(10.0) + 0.6 + 0.2, 1e-12);
    ibid_rank_profile p = IBID_RANK_ABSTRACTS;
    assert_int_equal(ibid_rank_parse("bm25", &p), IBID_OK);
    assert_int_equal(p, IBID_RANK_BM25);
    assert_int_equal(ibid_rank_parse("abstracts", &p), IBID_OK);
    assert_int_equal(p, IBID_RANK_ABSTRACTS);
    assert_int_equal(ibid_rank_parse("BM25", &p), IBID_EINVAL);
    assert_int_equal(ibid_rank_parse("", &p), IBID_EINVAL);
}

/* ---- a real query: the postings' features == the stored text's ---- */

typedef struct qw {
    char term[IBID_MAX_TERM + 1];
    double idf;
    uint64_t cf;
} qw;

static void test_corpus_query(void **state)
{
    (void)state;
    corpus_index fx;
    assert_int_equal(corpus_index_open(&fx, "rerank"), 0);
    const char *q = "Minsk Tractor Plant co-operation";
    ibid_search_opts o;
    ibid_search_opts_default(&o);
    ibid_searcher *s = NULL;
    assert_int_equal(ibid_searcher_new(fx.ix, &o, NULL, &s), IBID_OK);
    ibid_topk top;
    assert_int_equal(ibid_topk_init(&top, IBID_RERANK_DEPTH + 20), IBID_OK);
    assert_int_equal(ibid_search_topk(s, q, strlen(q), 0, &top), IBID_OK);
    assert_true(top.n > IBID_RERANK_DEPTH); /* the tail past the depth is exercised */
    ibid_hit *before = malloc(top.n * sizeof *before);
    assert_non_null(before);
    memcpy(before, top.v, top.n * sizeof *before);

    ibid_reader *r = NULL;
    assert_int_equal(ibid_reader_wrap(fx.ix, &r), IBID_OK);
    ibid_titles *t = NULL;
    assert_int_equal(ibid_titles_build(fx.ix, fx.an, 0, &t), IBID_OK);
    ibid_rerank_feat feat[IBID_RERANK_DEPTH];
    assert_int_equal(ibid_rerank(r, fx.an, &t, q, strlen(q), top.v, top.n, feat), IBID_OK);

    /* the query's words: minsk tractor plant co oper (the joined cooper(ation) is left out) */
    qw w[8];
    size_t nw = 0;
    ibid_bm25 bm;
    uint32_t np = ibid_index_passage_count(fx.ix);
    double avglen = ibid_index_avg_len(fx.ix);
    ibid_bm25_init(&bm, IBID_BM25_K1, IBID_BM25_B, np, avglen);
    ibid_analyzer_reset(fx.an, q, strlen(q));
    ibid_token tok;
    while (ibid_analyzer_next(fx.an, &tok) == 1) {
        if (tok.flags & IBID_TOK_JOINED)
            continue;
        assert_true(nw < 8);
        snprintf(w[nw].term, sizeof w[nw].term, "%s", tok.term);
        ibid_term_info ti;
        assert_int_equal(ibid_index_lookup(fx.ix, tok.term, tok.term_len, &ti), 1);
        w[nw].idf = ibid_bm25_idf(&bm, ti.df);
        w[nw].cf = ti.cf;
        nw++;
    }
    assert_int_equal(nw, 5);

    size_t m = IBID_RERANK_DEPTH;
    int moved = 0;
    for (size_t i = 0; i < m; i++) {
        const ibid_rerank_feat *f = &feat[i];
        /* a permutation of the best 100, each score the combination of its features */
        size_t j;
        for (j = 0; j < m && before[j].pid != top.v[i].pid; j++)
            ;
        assert_true(j < m);
        moved |= j != i;
        assert_near(f->bm25, before[j].score, 0.0);
        assert_near(top.v[i].score, f->score, 0.0);
        assert_near(f->score, ibid_rerank_combine(f), 1e-12);
        if (i > 0)
            assert_true(top.v[i - 1].score >= top.v[i].score);
        /* the same features from the stored text: tf, positions and length by the analyzer */
        ibid_stored_passage sp;
        assert_int_equal(ibid_index_get_passage(fx.ix, top.v[i].pid, &sp), IBID_OK);
        uint32_t pos[5][256], tf[5] = {0}, len = 0;
        ibid_analyzer_reset(fx.an, sp.p.text, strlen(sp.p.text));
        while (ibid_analyzer_next(fx.an, &tok) == 1) {
            len += !(tok.flags & IBID_TOK_JOINED);
            for (size_t k = 0; k < nw; k++)
                if (strcmp(tok.term, w[k].term) == 0 && tf[k] < 256)
                    pos[k][tf[k]++] = tok.pos;
        }
        ibid_stored_passage_free(&sp);
        assert_int_equal(f->len, len);
        assert_int_equal(len, ibid_index_passage_len(fx.ix, top.v[i].pid));
        double midf = 0, dph = 0, prox = 0;
        uint32_t matched = 0;
        for (size_t k = 0; k < nw; k++)
            if (tf[k]) {
                matched++;
                midf += w[k].idf;
                dph += ibid_rerank_dph(tf[k], len, avglen, np, w[k].cf);
            }
        for (size_t k = 0; k + 1 < nw; k++)
            if (tf[k] && tf[k + 1]) {
                uint32_t d = ibid_rerank_mindist(pos[k], tf[k], pos[k + 1], tf[k + 1]);
                double dd = d < 1 ? 1.0 : d;
                prox += (w[k].idf + w[k + 1].idf) / (dd * dd);
            }
        assert_int_equal(f->matched, matched);
        assert_near(f->midf, midf, 1e-9);
        assert_near(f->dph, dph, 1e-9);
        assert_near(f->prox, prox, 1e-9);
        assert_near(f->loglen, log(len + 1.0), 1e-12);
        /* corpus/ has no catalog: its works are named after the files, no query word in them */
        assert_near(f->titleb, 0.0, 0.0);
    }
    assert_true(moved);
    /* the 000:1334 passage, all five words adjacent, stays first */
    ibid_passage_meta meta;
    assert_int_equal(ibid_index_passage_meta(fx.ix, top.v[0].pid, &meta), IBID_OK);
    assert_int_equal(meta.line, 1334);
    /* the tail keeps its order, below the re-ranked hits */
    for (size_t i = m; i < top.n; i++) {
        assert_int_equal(top.v[i].pid, before[i].pid);
        assert_true(top.v[i].score < top.v[i - 1].score);
        if (i > m)
            assert_near(top.v[i - 1].score - top.v[i].score, before[i - 1].score - before[i].score, 1e-9);
    }

    ibid_titles_free(t);
    ibid_reader_close(r);
    free(before);
    ibid_topk_free(&top);
    ibid_searcher_free(s);
    corpus_index_close(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dph_by_hand),
        cmocka_unit_test(test_mindist_and_combine),
        cmocka_unit_test(test_corpus_query),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
