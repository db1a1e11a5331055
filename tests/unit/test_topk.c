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
            all[i].key = all[i].pid; /* without a segment, the key is the pid */
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

/* Two segments as a reader hands them out (issue 7): local pids, deletions refused, global ids
   and keys in the hits, and a tie with a lower key from the later segment still enters. */
static void segments_map_ids_keys_and_deletions(void **state)
{
    (void)state;
    /* segment A: 4 passages (base 0) of file "b" (keys 2..5); segment B: 2 passages (base 4) of
       file "a" (keys 0..1); passage 1 of A is deleted */
    uint8_t bits[1] = {0x02};
    ibid_deletions del = {0};
    del.bitmap = bits;
    del.passages = 4;
    uint32_t first_a[1] = {0}, key_a[1] = {2}, first_b[1] = {0}, key_b[1] = {0};
    ibid_segment_view a = {.base = 0, .del = &del, .live = 3, .file_first = first_a, .file_key = key_a, .nfiles = 1};
    ibid_segment_view b = {.base = 4, .live = 2, .file_first = first_b, .file_key = key_b, .nfiles = 1};
    ibid_topk t;
    assert_int_equal(ibid_topk_init(&t, 2), 0);
    ibid_topk_segment(&t, &a, 1);
    assert_int_equal(ibid_topk_push(&t, 9.0, 1), 0); /* deleted */
    assert_int_equal(ibid_topk_push(&t, 5.0, 0), 1);
    assert_int_equal(ibid_topk_push(&t, 3.0, 2), 1);
    assert_true(ibid_topk_threshold(&t) < 3.0); /* unordered: a tie may still enter */
    ibid_topk_segment(&t, &b, 1);
    assert_int_equal(ibid_topk_push(&t, 3.0, 1), 1); /* key 1 < key 4: replaces A's pid 2 */
    ibid_topk_segment(&t, NULL, 0);
    ibid_topk_sort(&t);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.v[0].pid, 0);
    assert_int_equal(t.v[0].key, 2);
    assert_int_equal(t.v[1].pid, 5);
    assert_int_equal(t.v[1].key, 1);
    ibid_topk_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keeps_the_best_in_order),
        cmocka_unit_test(ties_go_to_the_lower_passage_id),
        cmocka_unit_test(zero_k_keeps_nothing),
        cmocka_unit_test(matches_a_full_sort),
        cmocka_unit_test(segments_map_ids_keys_and_deletions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
