/* test_query_rank.c - the ranking adjustments of a parsed query (searcher/query_rank.c):
 * repeated clauses count once, a compound's parts become a third alternative when the compound
 * is an optional clause of a query of several clauses, and nothing else changes.  Queries use
 * words of the bundled corpus: "co-operation" (corpus/000_b36bc166d576b6e2.txt:17),
 * "state-owned developers" (corpus/004_4af837fc92f3f660.txt:652); the renderings are
 * ibid_query_format's (query_format.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "buf.h"
#include "query.h"
#include "query_rank.h"
#include "status.h"

static ibid_analyzer *an;

static int setup(void **state)
{
    (void)state;
    an = ibid_analyzer_new();
    return an ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ibid_analyzer_free(an);
    return 0;
}

/* Parses s, adjusts it and returns the rendering (static buffer). */
static const char *adjusted(const char *s)
{
    static char out[4096];
    ibid_query q;
    memset(&q, 0, sizeof q);
    assert_int_equal(ibid_query_parse(an, s, strlen(s), &q), IBID_OK);
    assert_int_equal(ibid_query_rank_adjust(&q), IBID_OK);
    ibid_buf b = {0};
    assert_int_equal(ibid_query_format(&q, &b), IBID_OK);
    snprintf(out, sizeof out, "%s", b.data ? b.data : "");
    ibid_buf_free(&b);
    ibid_query_free(&q);
    return out;
}

static void test_repeats_count_once(void **state)
{
    (void)state;
    /* the same stem twice (cooperation, cooperate: cooper) counts once; the rendering shows
       the first one's form */
    assert_string_equal(adjusted("potash cooperation Brazil cooperate"), "(OR potash cooperation brazil)");
    assert_string_equal(adjusted("viral replication of viral RNAs"), "(OR viral replication of rnas)");
    /* compounds and phrases compare as wholes */
    assert_string_equal(adjusted("\"Great Stone\" park \"great stone\""), "(OR \"great stone\" park)");
    /* a required or excluded clause is not a repeat of an optional one */
    assert_string_equal(adjusted("potash +potash"), "(OR potash +potash)");
    assert_string_equal(adjusted("potash Brazil -potash"), "(OR potash brazil -potash)");
    /* a quoted form is not its stem */
    assert_string_equal(adjusted("\"Belarusian\" belarusian"), "(OR \"belarusian\" belarusian)");
    /* one clause left: it is the query */
    assert_string_equal(adjusted("potash potash"), "potash");
}

static void test_compound_parts(void **state)
{
    (void)state;
    /* several clauses: the parts are an alternative of their own */
    assert_string_equal(adjusted("co-operation Belarus"),
                        "(OR (ALT cooperation <co operation> (OR co operation)) belarus)");
    assert_string_equal(adjusted("state-owned developers"),
                        "(OR (ALT stateowned <state owned> (OR state owned)) developers)");
    /* a compound alone, a required or excluded one: unchanged */
    assert_string_equal(adjusted("co-operation"), "(ALT cooperation <co operation>)");
    assert_string_equal(adjusted("+co-operation Belarus"), "(OR +(ALT cooperation <co operation>) belarus)");
    assert_string_equal(adjusted("Belarus -co-operation"), "(OR belarus -(ALT cooperation <co operation>))");
    /* quoted: unchanged; a group of the same occur is spliced into the root by the parser,
       so its compound is a clause of the root */
    assert_string_equal(adjusted("\"co-operation\" Belarus"), "(OR \"co operation\" belarus)");
    assert_string_equal(adjusted("(co-operation China) Belarus"),
                        "(OR (ALT cooperation <co operation> (OR co operation)) china belarus)");
    assert_string_equal(adjusted("+(co-operation China) Belarus"),
                        "(OR +(OR (ALT cooperation <co operation>) china) belarus)");
    /* filters do not make a query of several clauses */
    assert_string_equal(adjusted("in:footnotes co-operation"), "(OR +in:footnote (ALT cooperation <co operation>))");
}

static void test_no_root(void **state)
{
    (void)state;
    assert_string_equal(adjusted(""), "");
    assert_string_equal(adjusted("potash"), "potash");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repeats_count_once),
        cmocka_unit_test(test_compound_parts),
        cmocka_unit_test(test_no_root),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
