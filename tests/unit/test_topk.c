/* test_topk.c - the top-k heap (searcher/topk.h): best scores kept, ties by passage id (= file,
 * then line), the threshold, k = 0, and a random comparison with a full sort. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "topk.h"

static void keeps_the_best_in_order(void **state)
{
    (void)state;
    ibid_topk t;
    assert_int_equal(ibid_topk_init(&t, 3), 0);
    double s[] = {1.0, 5.0, 3.0, 4.0, 2.0};
    for (uint32_t i = 0; i < 5; i++)
        ibid_topk_push(&t, s[i], i);
    assert_true(ibid_topk_full(&t));
    assert_float_equal(ibid_topk_threshold(&t), 3.0, 0);
    ibid_topk_sort(&t);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.v[0].pid, 1);
    assert_int_equal(t.v[1].pid, 3);
    assert_int_equal(t.v[2].pid, 2);
    ibid_topk_free(&t);
}

static void ties_go_to_the_lower_passage_id(void **state)
{
    (void)state;
    ibid_topk t;
    assert_int_equal(ibid_topk_init(&t, 2), 0);
    /* offered in reverse id order: the result must not depend on it */
    assert_int_equal(ibid_topk_push(&t, 2.0, 9), 1);
    assert_int_equal(ibid_topk_push(&t, 2.0, 7), 1);
    assert_int_equal(ibid_topk_push(&t, 2.0, 8), 1); /* beats 9 */
    assert_int_equal(ibid_topk_push(&t, 2.0, 10), 0);
    ibid_topk_sort(&t);
    assert_int_equal(t.v[0].pid, 7);
    assert_int_equal(t.v[1].pid, 8);
    ibid_topk_free(&t);
}

static void zero_k_keeps_nothing(void **state)
{
    (void)state;
    ibid_topk t;
    assert_int_equal(ibid_topk_init(&t, 0), 0);
    assert_int_equal(ibid_topk_push(&t, 1.0, 1), 0);
    assert_false(ibid_topk_full(&t));
    assert_int_equal(t.n, 0);
    ibid_topk_free(&t);
}

static int cmp(const void *a, const void *b)
{
    const ibid_hit *x = a, *y = b;
    return ibid_hit_better(*x, *y) ? -1 : ibid_hit_better(*y, *x);
}

static void matches_a_full_sort(void **state)
{
    (void)state;
    srand(7);
    for (int round = 0; round < 200; round++) {
        size_t n = 1 + (size_t)(rand() % 300), k = 1 + (size_t)(rand() % 40);
        ibid_hit *all = malloc(n * sizeof *all);
        assert_non_null(all);
        ibid_topk t;
        assert_int_equal(ibid_topk_init(&t, k), 0);
        for (size_t i = 0; i < n; i++) {
            all[i].score = (double)(rand() % 20); /* many ties */
            all[i].pid = (uint32_t)(rand() % 1000000);
            ibid_topk_push(&t, all[i].score, all[i].pid);
        }
        qsort(all, n, sizeof *all, cmp);
        ibid_topk_sort(&t);
        assert_int_equal(t.n, n < k ? n : k);
        for (size_t i = 0; i < t.n; i++) {
            assert_float_equal(t.v[i].score, all[i].score, 0);
            assert_int_equal(t.v[i].pid, all[i].pid);
        }
        ibid_topk_free(&t);
        free(all);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keeps_the_best_in_order),
        cmocka_unit_test(ties_go_to_the_lower_passage_id),
        cmocka_unit_test(zero_k_keeps_nothing),
        cmocka_unit_test(matches_a_full_sort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
