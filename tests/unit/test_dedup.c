/* test_dedup.c - near-duplicate passages (searcher/dedup.c) on the bundled corpus: the
 * parallel chapters of ../shared/docs/corpus-format.md section 8 are found, 002's bibliography
 * entries match their footnotes, and different footnotes of the same form stay apart; plus
 * grouping order and limits on hand-made signatures. */
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
#include "dedup.h"
#include "index.h"
#include "status.h"

static char tmpdir[256], ixpath[300];
static ibid_index *ix;
static ibid_analyzer *an;
static ibid_dedup_sig *sig;
static ibid_passage_meta *meta;
static uint32_t np;

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ibid_test_dedup_XXXXXX");
    if (!mkdtemp(tmpdir) || corpus_fixture_build(tmpdir, ixpath, sizeof ixpath) != IBID_OK)
        return -1;
    char err[200];
    if (ibid_index_open(ixpath, &ix, err, sizeof err) < 0 || !(an = ibid_analyzer_new()))
        return -1;
    np = ibid_index_passage_count(ix);
    sig = calloc(np, sizeof *sig);
    meta = calloc(np, sizeof *meta);
    if (!sig || !meta)
        return -1;
    for (uint32_t i = 0; i < np; i++) {
        ibid_stored_passage sp;
        if (ibid_index_get_passage(ix, i, &sp) != IBID_OK || ibid_index_passage_meta(ix, i, &meta[i]) != IBID_OK)
            return -1;
        const char *t = sp.p.text ? sp.p.text : "";
        int rc = ibid_dedup_signature(an, t, strlen(t), sp.p.kind, &sig[i]);
        ibid_stored_passage_free(&sp);
        if (rc != IBID_OK)
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (uint32_t i = 0; i < np; i++)
        ibid_dedup_sig_free(&sig[i]);
    free(sig);
    free(meta);
    ibid_analyzer_free(an);
    ibid_index_close(ix);
    unlink(ixpath);
    rmdir(tmpdir);
    return 0;
}

/* The passage of corpus file "NNN_" starting at line, or UINT32_MAX. */
static uint32_t pid_at(const char *prefix, uint32_t line)
{
    for (uint32_t i = 0; i < np; i++) {
        ibid_file_info fi;
        if (meta[i].line != line || ibid_index_file(ix, meta[i].file_id, &fi) != IBID_OK)
            continue;
        const char *base = strrchr(fi.path, '/');
        if (strncmp(base ? base + 1 : fi.path, prefix, strlen(prefix)) == 0)
            return i;
    }
    return UINT32_MAX;
}

static int same(const char *fa, uint32_t la, const char *fb, uint32_t lb)
{
    uint32_t a = pid_at(fa, la), b = pid_at(fb, lb);
    assert_int_not_equal(a, UINT32_MAX);
    assert_int_not_equal(b, UINT32_MAX);
    return ibid_dedup_same(&sig[a], &sig[b]);
}

static void test_corpus_pairs(void **state)
{
    (void)state;
    /* section 8: 000 "strategic partnership enters a new era" = 002 (British spelling in 000) */
    assert_true(same("000_", 1709, "002_", 635));
    assert_true(same("000_", 1821, "002_", 659));
    /* 002's bibliography repeats its footnotes: fn at 002:535 = bibliography 002:1233 */
    assert_true(same("002_", 535, "002_", 1233));
    /* footnotes of the same form about different residents stay apart (002:535 / 002:727) */
    assert_false(same("002_", 535, "002_", 727));
    assert_false(same("002_", 545, "002_", 727));
    /* unrelated paragraphs */
    assert_false(same("000_", 1709, "000_", 1821));
}

/* Over every pair of body paragraphs: the pairs found lie in the parallel chapters of
   section 8, but for at most 2. */
static int in_range(uint32_t pid, const char *f, uint32_t a, uint32_t b)
{
    ibid_file_info fi;
    if (ibid_index_file(ix, meta[pid].file_id, &fi) != IBID_OK)
        return 0;
    const char *base = strrchr(fi.path, '/');
    return strncmp(base ? base + 1 : fi.path, f, 3) == 0 && meta[pid].line >= a && meta[pid].line <= b;
}

static void test_corpus_paragraphs(void **state)
{
    (void)state;
    static const struct {
        const char *fa;
        uint32_t a0, a1;
        const char *fb;
        uint32_t b0, b1;
    } R[] = {{"000", 1074, 1847, "002", 497, 666}, {"000", 1851, 2339, "002", 669, 785},
             {"001", 1257, 1394, "002", 240, 274}, {"001", 1395, 1611, "002", 276, 326},
             {"001", 519, 795, "002", 1033, 1083}, {"001", 796, 977, "002", 921, 1031},
             {"001", 978, 1256, "002", 787, 919}};
    size_t found = 0, outside = 0;
    for (uint32_t i = 0; i < np; i++) {
        if (meta[i].kind != IBID_KIND_PARAGRAPH)
            continue;
        for (uint32_t j = i + 1; j < np; j++) {
            if (meta[j].kind != IBID_KIND_PARAGRAPH || !ibid_dedup_same(&sig[i], &sig[j]))
                continue;
            int known = 0;
            for (size_t r = 0; r < sizeof R / sizeof R[0]; r++)
                known |= (in_range(i, R[r].fa, R[r].a0, R[r].a1) && in_range(j, R[r].fb, R[r].b0, R[r].b1)) ||
                         (in_range(j, R[r].fa, R[r].a0, R[r].a1) && in_range(i, R[r].fb, R[r].b0, R[r].b1));
            if (known)
                found++;
            else
                outside++;
        }
    }
    print_message("paragraph pairs: %zu in the parallel chapters, %zu elsewhere\n", found, outside);
    assert_true(found >= 70);
    assert_true(outside <= 2);
}

static void test_grouping(void **state)
{
    (void)state;
    /* hand-made signatures: 0 ~ 2, 1 alone, 3 ~ 1 */
    uint64_t a[] = {1, 2, 3, 4}, b[] = {10, 11, 12, 13}, c[] = {1, 2, 3, 5}, d[] = {10, 11, 12, 13};
    ibid_dedup_sig s[4] = {{a, 4, IBID_KIND_PARAGRAPH}, {b, 4, IBID_KIND_PARAGRAPH},
                           {c, 4, IBID_KIND_PARAGRAPH}, {d, 4, IBID_KIND_FOOTNOTE}};
    size_t g[4];
    assert_int_equal(ibid_dedup_group(s, 4, 0, g), 2);
    assert_int_equal(g[0], 0);
    assert_int_equal(g[1], 1);
    assert_int_equal(g[2], 0); /* 3/5 = 0.6 >= 0.30 */
    assert_int_equal(g[3], 1); /* identical: >= 0.60 */
    /* one leader only: hit 1 is not shown, hit 2 still joins hit 0 */
    assert_int_equal(ibid_dedup_group(s, 4, 1, g), 1);
    assert_int_equal(g[1], SIZE_MAX);
    assert_int_equal(g[2], 0);
    assert_int_equal(g[3], SIZE_MAX);
    assert_true(ibid_dedup_similarity(&s[0], &s[2]) > 0.59 && ibid_dedup_similarity(&s[0], &s[2]) < 0.61);
}

/* The rule of dedup.h, spelled out: what ibid_dedup_same must answer. */
static int same_by_rule(const ibid_dedup_sig *a, const ibid_dedup_sig *b)
{
    double th = a->kind == IBID_KIND_PARAGRAPH && b->kind == IBID_KIND_PARAGRAPH ? IBID_DEDUP_PARAGRAPH
                                                                                : IBID_DEDUP_NOTE;
    if (a->n <= 1 || b->n <= 1)
        return a->n == b->n && (a->n == 0 || a->h[0] == b->h[0]);
    return ibid_dedup_similarity(a, b) >= th;
}

/* Every signature of the corpus is sorted and distinct, and over every pair of passages of the
   corpus (the early-stopping merge of ibid_dedup_same against the whole Jaccard) the answers
   agree; so do hand-made pairs that sit exactly on the thresholds. */
static void test_same_is_the_rule(void **state)
{
    (void)state;
    for (uint32_t i = 0; i < np; i++)
        for (size_t k = 1; k < sig[i].n; k++)
            assert_true(sig[i].h[k - 1] < sig[i].h[k]);
    size_t yes = 0;
    for (uint32_t i = 0; i < np; i++)
        for (uint32_t j = i + 1; j < np; j++) {
            int r = same_by_rule(&sig[i], &sig[j]);
            assert_int_equal(ibid_dedup_same(&sig[i], &sig[j]), r);
            assert_int_equal(ibid_dedup_same(&sig[j], &sig[i]), r);
            yes += (size_t)r;
        }
    print_message("near-duplicate pairs among %u passages: %zu\n", np, yes);
    assert_true(yes > 80);
    /* 3 of 10 shared: 3 / (10 + 10 - 3) < 0.30, 6 of 10: 6 / 14 >= 0.30; notes: 0.60 exactly */
    uint64_t a[10], b[10];
    for (uint64_t shared = 0; shared <= 10; shared++) {
        for (uint64_t k = 0; k < 10; k++) {
            a[k] = 2 * k;
            b[k] = k < shared ? 2 * k : 1000 + k;
        }
        for (int kind = 0; kind < 2; kind++) {
            ibid_kind kk = kind ? IBID_KIND_FOOTNOTE : IBID_KIND_PARAGRAPH;
            ibid_dedup_sig x = {a, 10, kk}, y = {b, 10, IBID_KIND_PARAGRAPH};
            assert_int_equal(ibid_dedup_same(&x, &y), same_by_rule(&x, &y));
        }
    }
    uint64_t c[] = {1, 2, 3}, d[] = {1, 2, 3, 4, 5}; /* 3/5 = 0.6: on the note threshold */
    ibid_dedup_sig x = {c, 3, IBID_KIND_FOOTNOTE}, y = {d, 5, IBID_KIND_FOOTNOTE};
    assert_true(ibid_dedup_same(&x, &y));
    y.n = 4;
    assert_true(ibid_dedup_same(&x, &y));
    x.n = 2; /* 2/5 */
    y.n = 5;
    assert_false(ibid_dedup_same(&x, &y));
}

/* URLs are left out: two footnotes that differ only in their URLs are the same; the words
   after a URL still count (corpus/002_8ab7396e8091a3d3.txt cites pages of www.belta.by). */
static void test_urls(void **state)
{
    (void)state;
    const char *t1 = "Minsk tractors at https://www.belta.by/economics/view/a-1 and more tractors sold",
               *t2 = "Minsk tractors at http://example.org/x?y=1 and more tractors sold",
               *t3 = "Minsk tractors at www.belta.by/x and other words entirely here now",
               *t4 = "whatever http://a.b/c";
    ibid_dedup_sig a, b, c, d;
    assert_int_equal(ibid_dedup_signature(an, t1, strlen(t1), IBID_KIND_FOOTNOTE, &a), IBID_OK);
    assert_int_equal(ibid_dedup_signature(an, t2, strlen(t2), IBID_KIND_FOOTNOTE, &b), IBID_OK);
    assert_int_equal(ibid_dedup_signature(an, t3, strlen(t3), IBID_KIND_FOOTNOTE, &c), IBID_OK);
    assert_int_equal(ibid_dedup_signature(an, t4, strlen(t4), IBID_KIND_FOOTNOTE, &d), IBID_OK);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.h, b.h, a.n * sizeof *a.h);
    assert_true(ibid_dedup_same(&a, &b));
    assert_false(ibid_dedup_same(&a, &c));
    assert_int_equal(d.n, 1); /* "whatever" alone: the URL is not a word */
    ibid_dedup_sig_free(&a);
    ibid_dedup_sig_free(&b);
    ibid_dedup_sig_free(&c);
    ibid_dedup_sig_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_pairs),
        cmocka_unit_test(test_corpus_paragraphs),
        cmocka_unit_test(test_grouping),
        cmocka_unit_test(test_same_is_the_rule),
        cmocka_unit_test(test_urls),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
