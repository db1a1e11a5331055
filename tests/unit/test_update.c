/* test_update.c - incremental ibid-index (issue 7): the merge policy's decisions, change
   detection on a temporary copy of corpus/ files, deletions and the manifest, the writer lock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "index.h"
#include "index_lock.h"
#include "manifest.h"
#include "merge_policy.h"
#include "status.h"
#include "update.h"

/* ---- merge policy ---- */

static void tiers_by_factor_four(void **state)
{
    (void)state;
    assert_int_equal(ibid_merge_tier(0), 0);
    assert_int_equal(ibid_merge_tier(IBID_MERGE_FLOOR - 1), 0);
    assert_int_equal(ibid_merge_tier(IBID_MERGE_FLOOR), 1);
    assert_int_equal(ibid_merge_tier(IBID_MERGE_FLOOR * 4 - 1), 1);
    assert_int_equal(ibid_merge_tier(IBID_MERGE_FLOOR * 4), 2);
}

static void policy_leaves_a_small_book_beside_a_big_index(void **state)
{
    (void)state;
    /* a Gutenberg-sized segment (381,975 passages) and one book of 1,500 passages */
    ibid_policy_seg segs[] = {{381975, 0}, {1500, 0}};
    size_t pick[2];
    assert_int_equal(ibid_merge_policy_pick(segs, 2, pick), 0);
    /* three small books: still nothing; a fourth in the same tier: the four small ones */
    ibid_policy_seg more[] = {{381975, 0}, {1500, 0}, {900, 0}, {1200, 0}, {700, 10}};
    size_t p5[5];
    assert_int_equal(ibid_merge_policy_pick(more, 4, p5), 0);
    assert_int_equal(ibid_merge_policy_pick(more, 5, p5), 4);
    assert_int_equal(p5[0], 1);
    assert_int_equal(p5[1], 2);
    assert_int_equal(p5[2], 3);
    assert_int_equal(p5[3], 4);
}

static void policy_lowest_crowded_tier_first(void **state)
{
    (void)state;
    ibid_policy_seg segs[] = {{9000, 0}, {9000, 0}, {100, 0}, {9000, 0}, {200, 0}, {9000, 0},
                              {300, 0}, {400, 0}};
    size_t pick[8];
    size_t k = ibid_merge_policy_pick(segs, 8, pick);
    assert_int_equal(k, 4);
    assert_int_equal(pick[0], 2);
    assert_int_equal(pick[3], 7);
    /* the lower tier merged: the four of tier 2 next */
    ibid_policy_seg after[] = {{9000, 0}, {9000, 0}, {9000, 0}, {9000, 0}, {1000, 0}};
    k = ibid_merge_policy_pick(after, 5, pick);
    assert_int_equal(k, 4);
    assert_int_equal(pick[3], 3);
}

static void policy_rewrites_mostly_deleted_segments(void **state)
{
    (void)state;
    ibid_policy_seg half[] = {{100000, 50000}, {5000, 0}};
    size_t pick[2];
    assert_int_equal(ibid_merge_policy_pick(half, 2, pick), 0); /* exactly half: kept */
    ibid_policy_seg most[] = {{100000, 10}, {5000, 2600}, {100000, 60000}};
    assert_int_equal(ibid_merge_policy_pick(most, 3, pick), 1);
    assert_int_equal(pick[0], 2); /* 60% before 52% */
    ibid_policy_seg dead[] = {{100, 100}, {100, 100}, {100, 100}, {100, 100}};
    assert_int_equal(ibid_merge_policy_pick(dead, 4, pick), 0); /* no live passages: the caller drops them */
}

/* ---- change detection on a copy of corpus/ files ---- */

static char tmp[256], src[300], ix[300];

static void copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    assert_non_null(a);
    assert_non_null(b);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, a)) > 0)
        assert_int_equal(fwrite(buf, 1, n, b), n);
    fclose(a);
    assert_int_equal(fclose(b), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmp, sizeof tmp, "%s", "/tmp/ibid-test-update.XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    snprintf(src, sizeof src, "%s/src", tmp);
    snprintf(ix, sizeof ix, "%s/x.ibid", tmp);
    if (mkdir(src, 0755) != 0)
        return -1;
    /* three of the bundled texts: 000 and 001 are pdftotext output, 004 too (corpus/) */
    const char *names[] = {"000_b36bc166d576b6e2.txt", "001_75613f31623f3fe6.txt", "004_4af837fc92f3f660.txt"};
    for (size_t i = 0; i < 3; i++) {
        char from[512], to[512];
        snprintf(from, sizeof from, "%s/corpus/%s", IBID_SOURCE_DIR, names[i]);
        snprintf(to, sizeof to, "%s/%s", src, names[i]);
        copy_file(from, to);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static int run(ibid_update_stats *st, char *const *removes, size_t nremoves)
{
    char *paths[] = {src};
    ibid_update_opts o = {.index_path = ix, .paths = paths, .npaths = 1, .removes = removes,
                          .nremoves = nremoves, .diag = &ibid_diag_stderr};
    return ibid_update_run(&o, st);
}

static void file_path(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", src, name);
}

static uint64_t live_passages(void)
{
    ibid_check_stats cs;
    char err[600];
    assert_int_equal(ibid_update_check(ix, &cs, err, sizeof err), IBID_OK);
    return cs.passages - cs.deleted;
}

static void detects_touched_changed_removed_and_added(void **state)
{
    (void)state;
    ibid_update_stats st;
    assert_int_equal(run(&st, NULL, 0), IBID_OK);
    assert_true(st.full);
    assert_int_equal(ibid_index_kind_of(ix), IBID_AT_SEGMENT);
    uint64_t all = live_passages();

    /* nothing changed: nothing written */
    struct stat before, after;
    assert_int_equal(stat(ix, &before), 0);
    assert_int_equal(run(&st, NULL, 0), IBID_OK);
    assert_false(st.wrote);
    assert_int_equal(st.unchanged, 3);
    assert_int_equal(stat(ix, &after), 0);
    assert_int_equal(before.st_ino, after.st_ino);

    /* touched (new mtime, same bytes): read and hashed, still unchanged */
    char p[600];
    file_path(p, sizeof p, "001_75613f31623f3fe6.txt");
    struct timeval tv[2] = {{before.st_mtime + 100, 0}, {before.st_mtime + 100, 0}};
    assert_int_equal(utimes(p, tv), 0);
    assert_int_equal(run(&st, NULL, 0), IBID_OK);
    assert_false(st.wrote);
    assert_int_equal(st.unchanged, 3);
    assert_true(st.bytes_read > 0);

    /* one byte edited (001 line 1): changed, the new segment holds it, the old copy deleted */
    FILE *f = fopen(p, "r+b");
    assert_non_null(f);
    int ch = fgetc(f);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    fputc(ch == 'x' ? 'y' : 'x', f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(run(&st, NULL, 0), IBID_OK);
    assert_true(st.wrote);
    assert_int_equal(st.changed, 1);
    assert_int_equal(st.unchanged, 2);
    assert_int_equal(ibid_index_kind_of(ix), IBID_AT_MANIFEST);
    assert_int_equal(live_passages(), all);
    ibid_manifest m;
    char err[300];
    assert_int_equal(ibid_manifest_read(ix, &m, err, sizeof err), IBID_OK);
    assert_int_equal(m.nsegs, 2);
    assert_int_equal(m.segs[0].id, 1);
    assert_true(m.segs[0].deleted > 0);
    assert_int_equal(m.segs[0].delgen, m.generation);
    ibid_manifest_free(&m);

    /* a file removed from the folder: its passages deleted */
    file_path(p, sizeof p, "004_4af837fc92f3f660.txt");
    assert_int_equal(unlink(p), 0);
    assert_int_equal(run(&st, NULL, 0), IBID_OK);
    assert_int_equal(st.removed, 1);
    assert_int_equal(st.unchanged, 2);
    uint64_t without4 = live_passages();
    assert_true(without4 < all);

    /* --remove of a file the index holds, and of one it does not */
    file_path(p, sizeof p, "000_b36bc166d576b6e2.txt");
    char *rm[] = {p, "no/such/file.txt"};
    char *paths_none[] = {NULL};
    ibid_update_opts o = {.index_path = ix, .paths = paths_none, .npaths = 0, .removes = rm, .nremoves = 2};
    assert_int_equal(ibid_update_run(&o, &st), IBID_OK);
    assert_int_equal(st.removed, 1);
    assert_int_equal(st.not_held, 1);
    assert_true(live_passages() < without4);

    /* --optimize: one standalone file with the live passages */
    uint64_t live = live_passages();
    ibid_update_opts opt = {.index_path = ix, .optimize = 1};
    assert_int_equal(ibid_update_run(&opt, &st), IBID_OK);
    assert_true(st.standalone);
    assert_int_equal(ibid_index_kind_of(ix), IBID_AT_SEGMENT);
    assert_int_equal(live_passages(), live);
    /* the folder holds nothing but the lock */
    char seg1[600];
    snprintf(seg1, sizeof seg1, "%s.d/1.seg.ibid", ix);
    assert_int_not_equal(access(seg1, F_OK), 0);
}

static void second_writer_is_refused(void **state)
{
    (void)state;
    ibid_index_lock a, b;
    long holder = -1;
    assert_int_equal(ibid_index_lock_try(ix, &a, &holder), IBID_OK);
    assert_int_equal(ibid_index_lock_try(ix, &b, &holder), 1);
    assert_int_equal(holder, (long)getpid());
    ibid_index_lock_release(&b);
    ibid_index_lock_release(&a);
    assert_int_equal(ibid_index_lock_try(ix, &b, &holder), IBID_OK);
    ibid_index_lock_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tiers_by_factor_four),
        cmocka_unit_test(policy_leaves_a_small_book_beside_a_big_index),
        cmocka_unit_test(policy_lowest_crowded_tier_first),
        cmocka_unit_test(policy_rewrites_mostly_deleted_segments),
        cmocka_unit_test_setup_teardown(detects_touched_changed_removed_and_added, setup, teardown),
        cmocka_unit_test_setup_teardown(second_writer_is_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
