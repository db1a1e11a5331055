/* test_titles.c - the title field (searcher/titles.c) on the bundled corpus: chapter titles
 * (001:1395 "Belarus-Vietnam: dynamics determines new reserves"), work titles (the file names
 * when there is no catalog), merged runs, and the runs scorer's protocol. */
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
#include "corpus_fixture.h"
#include "index.h"
#include "status.h"
#include "titles.h"

static corpus_index fx;
static ibid_index *ix;
static ibid_analyzer *an;

static int setup(void **state)
{
    (void)state;
    if (corpus_index_open(&fx, "titles") != 0)
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

static void test_chapters_and_works(void **state)
{
    (void)state;
    ibid_titles *t = NULL;
    assert_int_equal(ibid_titles_build(ix, an, IBID_TITLES_CHAPTERS, &t), IBID_OK);
    ibid_pid_run *r = NULL;
    long n = ibid_titles_runs(t, "vietnam", 7, &r);
    assert_true(n >= 1);
    /* every passage of every run stands in a chapter whose title names Vietnam; runs are
       sorted and disjoint */
    size_t total = 0;
    for (long i = 0; i < n; i++) {
        assert_true(r[i].first <= r[i].last);
        if (i > 0)
            assert_true(r[i].first > r[i - 1].last + 1);
        for (uint32_t p = r[i].first; p <= r[i].last; p++) {
            ibid_passage_meta m;
            assert_int_equal(ibid_index_passage_meta(ix, p, &m), IBID_OK);
            assert_int_not_equal(m.chapter_id, UINT32_MAX);
            assert_non_null(strstr(ibid_index_chapter_name(ix, m.chapter_id), "Vietnam"));
            total++;
        }
    }
    /* and no passage outside the runs does */
    size_t all = 0;
    for (uint32_t p = 0; p < ibid_index_passage_count(ix); p++) {
        ibid_passage_meta m;
        assert_int_equal(ibid_index_passage_meta(ix, p, &m), IBID_OK);
        if (m.chapter_id != UINT32_MAX && strstr(ibid_index_chapter_name(ix, m.chapter_id), "Vietnam"))
            all++;
    }
    assert_int_equal(total, all);
    free(r);
    assert_int_equal(ibid_titles_runs(t, "nosuchstem", 10, &r), 0);
    assert_null(r);
    ibid_titles_free(t);

    /* works only: the works are named after the files (000_b36bc166d576b6e2...) */
    assert_int_equal(ibid_titles_build(ix, an, 0, &t), IBID_OK);
    assert_int_equal(ibid_titles_runs(t, "vietnam", 7, &r), 0);
    n = ibid_titles_runs(t, "000", 3, &r);
    assert_int_equal(n, 1); /* the whole of 000, one run */
    assert_int_equal(r[0].first, 0);
    free(r);
    ibid_titles_free(t);
}

/* ibid_index_title_run (the walk the builder makes) agrees with every passage's metadata on the
   corpus, and every step moves on to a passage where the work or the chapter changes. */
static void test_title_runs(void **state)
{
    (void)state;
    uint32_t np = ibid_index_passage_count(ix), steps = 0, w = 0, c = 0, next = 0;
    for (uint32_t p = 0; p < np; p = next) {
        assert_int_equal(ibid_index_title_run(ix, p, &w, &c, &next), IBID_OK);
        assert_true(next > p && next <= np);
        for (uint32_t q = p; q < next; q++) {
            ibid_passage_meta m;
            assert_int_equal(ibid_index_passage_meta(ix, q, &m), IBID_OK);
            assert_int_equal(m.work_id, w);
            assert_int_equal(m.chapter_id, c);
        }
        if (next < np) {
            ibid_passage_meta m;
            assert_int_equal(ibid_index_passage_meta(ix, next, &m), IBID_OK);
            assert_true(m.work_id != w || m.chapter_id != c);
        }
        steps++;
    }
    assert_true(steps > 10 && steps < np / 4);
    assert_int_equal(ibid_index_title_run(ix, np, &w, &c, &next), IBID_EINVAL);
}

static void test_runs_scorer(void **state)
{
    (void)state;
    ibid_eval ev;
    ibid_eval_init(&ev, ix, 0.9, 0.4);
    ibid_pid_run runs[] = {{2, 4}, {10, 10}};
    int rc = IBID_OK;
    ibid_scorer *s = ibid_scorer_runs(&ev, runs, 2, 1.5, "title:x", &rc);
    assert_non_null(s);
    assert_int_equal(s->doc, 2);
    assert_true(s->max_score == 1.5);
    double sc;
    assert_int_equal(ibid_scorer_score(s, &sc), IBID_OK);
    assert_true(sc == 1.5);
    assert_int_equal(ibid_scorer_next(s), IBID_OK);
    assert_int_equal(s->doc, 3);
    assert_int_equal(ibid_scorer_advance(s, 5), IBID_OK);
    assert_int_equal(s->doc, 10);
    assert_int_equal(ibid_scorer_advance(s, 7), IBID_OK); /* never backwards */
    assert_int_equal(s->doc, 10);
    assert_int_equal(ibid_scorer_next(s), IBID_OK);
    assert_int_equal(s->doc, IBID_NO_DOC);
    ibid_scorer *e = ibid_scorer_runs(&ev, NULL, 0, 1.0, "none", &rc);
    assert_int_equal(e->doc, IBID_NO_DOC);
    ibid_eval_free(&ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chapters_and_works),
        cmocka_unit_test(test_runs_scorer),
        cmocka_unit_test(test_title_runs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
