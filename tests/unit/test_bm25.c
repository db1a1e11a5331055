/* test_bm25.c - BM25 with Lucene's non-negative IDF (searcher/bm25.h) against values computed by
 * hand (Python's math.log, 17 significant digits).  Index statistics: N = 1000 passages, average
 * length 20 tokens, a term in df = 10 passages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bm25.h"

static void idf_matches_lucene_formula(void **state)
{
    (void)state;
    ibid_bm25 m;
    ibid_bm25_init(&m, 0.9, 0.4, 1000, 20.0);
    /* ln(1 + (1000 - 10 + 0.5) / (10 + 0.5)) */
    assert_float_equal(ibid_bm25_idf(&m, 10), 4.557379522151743, 1e-12);
    /* a term in every passage still weighs a little: never negative */
    assert_float_equal(ibid_bm25_idf(&m, 1000), 0.0004996252914324798, 1e-15);
    /* df beyond N is clamped to N */
    assert_float_equal(ibid_bm25_idf(&m, 5000), 0.0004996252914324798, 1e-15);
    assert_float_equal(ibid_bm25_idf(&m, 0), 7.601901959875166, 1e-12);
}

static void score_matches_hand_values(void **state)
{
    (void)state;
    ibid_bm25 m;
    ibid_bm25_init(&m, 0.9, 0.4, 1000, 20.0);
    double idf = ibid_bm25_idf(&m, 10);
    /* tf 1 at the average length: idf * 1 * 1.9 / (1 + 0.9) = idf */
    assert_float_equal(ibid_bm25_score(&m, idf, 1, 20), 4.557379522151743, 1e-12);
    /* idf * 3 * 1.9 / (3 + 0.9 * (0.6 + 0.4 * 10 / 20)) */
    assert_float_equal(ibid_bm25_score(&m, idf, 3, 10), 6.983081525877671, 1e-12);
    assert_float_equal(ibid_bm25_score(&m, idf, 2, 55), 4.905960958690261, 1e-12);
    assert_float_equal(ibid_bm25_score(&m, idf, 0, 10), 0.0, 0);
    /* other parameters: k1 1.2, b 0.75 */
    ibid_bm25 l;
    ibid_bm25_init(&l, 1.2, 0.75, 1000, 20.0);
    assert_float_equal(ibid_bm25_score(&l, idf, 3, 10), 8.02098795898707, 1e-12);
}

static void score_grows_with_tf_and_falls_with_length(void **state)
{
    (void)state;
    ibid_bm25 m;
    ibid_bm25_init(&m, 0.9, 0.4, 1000, 20.0);
    double prev = 0;
    for (uint32_t tf = 1; tf < 50; tf++) {
        double s = ibid_bm25_score(&m, 2.0, tf, 20);
        assert_true(s > prev);
        assert_true(s < 2.0 * 1.9); /* saturates below idf * (k1 + 1) */
        prev = s;
    }
    prev = 1e9;
    for (uint32_t len = 0; len < 500; len += 7) {
        double s = ibid_bm25_score(&m, 2.0, 2, len);
        assert_true(s < prev);
        prev = s;
    }
}

static void parameters_are_clamped(void **state)
{
    (void)state;
    ibid_bm25 m;
    ibid_bm25_init(&m, -1, 2, 10, 0);
    assert_float_equal(m.k1, 0, 0);
    assert_float_equal(m.b, 1, 0);
    assert_float_equal(m.avglen, 1, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(idf_matches_lucene_formula),
        cmocka_unit_test(score_matches_hand_values),
        cmocka_unit_test(score_grows_with_tf_and_falls_with_length),
        cmocka_unit_test(parameters_are_clamped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
