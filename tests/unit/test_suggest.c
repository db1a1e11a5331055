/* test_suggest.c - did-you-mean (searcher/suggest.c) on an index of the bundled corpus:
 * the edit distance, known words left alone, the example (Veliki Kamen -> Velikiy
 * Kamen, corpus-format.md section 7: Velikiy Kamen 000:1136, Veliky Kamen 000:1196), case kept,
 * operators and quotes kept, nothing to suggest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "buf.h"
#include "corpus_fixture.h"
#include "index.h"
#include "status.h"
#include "suggest.h"

static corpus_index fx;
static ibid_index *ix;
static ibid_analyzer *an;

static int setup(void **state)
{
    (void)state;
    if (corpus_index_open(&fx, "suggest") != 0)
        return -1;
    ix = fx.ix;
    an = fx.an;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    corpus_index_close(&fx);
    return 0;
}

static int dist(const char *a, const char *b, int max)
{
    return ibid_suggest_distance(a, strlen(a), b, strlen(b), max);
}

static void test_distance(void **state)
{
    (void)state;
    assert_int_equal(dist("veliki", "velikiy", 2), 1);  /* insertion */
    assert_int_equal(dist("veliki", "veliky", 2), 1);   /* substitution */
    assert_int_equal(dist("butb", "bubt", 2), 1);       /* a swap of neighbours */
    assert_int_equal(dist("zalesky", "zaleskii", 2), 2);
    assert_int_equal(dist("zalessky", "zaleskii", 2), 3); /* three edits: beyond max */
    assert_int_equal(dist("abc", "abc", 2), 0);
    assert_int_equal(dist("", "ab", 2), 2);
    assert_int_equal(dist("kamen", "stone", 2), 3);     /* beyond max: max + 1 */
    assert_int_equal(dist("a", "abcdef", 2), 3);
}

/* The suggestion for q ("" when none). */
static const char *suggest(const char *q)
{
    static char out[512];
    ibid_buf b = {0};
    size_t changed = 99;
    assert_int_equal(ibid_suggest(ix, an, q, strlen(q), &b, &changed), IBID_OK);
    snprintf(out, sizeof out, "%s", changed ? b.data : "");
    if (!changed)
        assert_int_equal(b.len, 0);
    ibid_buf_free(&b);
    return out;
}

static void test_suggestions(void **state)
{
    (void)state;
    /* the example: velikiy (which the typed word starts with) over veliky */
    assert_string_equal(suggest("Veliki Kamen"), "Velikiy Kamen");
    assert_string_equal(suggest("veliki kamen residents"), "velikiy kamen residents");
    assert_string_equal(suggest("VELIKI KAMEN"), "VELIKIY KAMEN");
    /* operators, signs and quotes stay as typed */
    assert_string_equal(suggest("+\"Veliki Kamen\" AND residents"), "+\"Velikiy Kamen\" AND residents");
    /* known words: nothing (residents is known through its stem; numbers and short words are never corrected) */
    assert_string_equal(suggest("Great Stone residents"), "");
    assert_string_equal(suggest("2023 xq"), "");
    /* BELAZ (000) for Belaz typed with a slip; Vitebsk for Vitebks */
    assert_string_equal(suggest("Vitebks region"), "Vitebsk region");
    assert_string_equal(suggest("Belzaz"), "Belaz");
    /* operators and field names are syntax, not words (NEAR is never "corrected") */
    assert_string_equal(suggest("Vitebks NEAR/5 trade OR Belzaz"), "Vitebsk NEAR/5 trade OR Belaz");
    assert_string_equal(suggest("chapter:Vitebsk NOT AND"), "");
    /* nothing close enough */
    assert_string_equal(suggest("qqqqqqqqqq"), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_suggestions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
