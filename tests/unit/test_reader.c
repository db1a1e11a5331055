/* test_reader.c - one generation of an index as a search sees it (common/reader.c), with the
 * manifest (common/manifest.c) and deletion files (common/deletions.c) it is made of.
 *
 * Fixtures: the bundled corpus/ (5 files, corpus/000_...txt to corpus/004_...txt, in path order),
 * built with the builder as
 *   - full.ibid: files 0, 1, 3 and 4 in one standalone segment (the live files below);
 *   - two.ibid: a manifest of two segments with interleaved paths, segment 1 = files 0, 2, 4
 *     and segment 2 = files 1, 2, 3 (file 2 in both: its old copy and its new one), with the
 *     deletions of file 2 in both segments (ibid_deletions_compute): the live files are 0, 1,
 *     3, 4 like full.ibid's.
 * Checked: manifests and deletion files round-trip; corrupt ones (bad checksum, truncated at
 * every length, every byte flipped, segments out of order, more deleted than passages, an
 * unknown magic) give IBID_ECORRUPT with a reason, never a crash; a reader over a standalone
 * file equals ibid_reader_wrap; the two-segment reader's statistics (passages, tokens, average
 * length, every term's df) and tie-order keys equal the full build's; a segment or deletion file
 * missing while the manifest still names it gives a clean error, not an endless retry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "corpus_fixture.h"
#include "deletions.h"
#include "index.h"
#include "index_build.h"
#include "index_impl.h"
#include "manifest.h"
#include "parse.h"
#include "reader.h"
#include "source.h"
#include "status.h"

static char dir[256];
static char full_path[300], two_path[300], seg1_path[400], seg2_path[400], del1_path[400], del2_path[400];
static uint32_t seg1_passages, seg2_passages, seg1_deleted, seg2_deleted;

/* Builds the files of corpus/ whose rank (in path order) is in mask into path; IBID_EINVAL
   unless corpus/ holds the 5 files this test describes and every one chosen was indexed. */
static int build_subset(unsigned mask, const char *path)
{
    size_t nfiles = 0, nindexed = 0;
    int rc = corpus_fixture_build_files(mask, path, &nfiles, &nindexed);
    if (rc == IBID_OK && (nfiles != 5 || nindexed != (size_t)__builtin_popcount(mask)))
        rc = IBID_EINVAL;
    return rc;
}

/* The local pids of every file of ix whose path contains needle. */
static size_t file_pids(const ibid_index *ix, const char *needle, uint32_t *pids, size_t cap)
{
    size_t n = 0;
    for (uint32_t k = 0; k < ibid_index_file_count(ix); k++) {
        ibid_file_info fi;
        assert_int_equal(ibid_index_file(ix, k, &fi), IBID_OK);
        if (!strstr(fi.path, needle))
            continue;
        for (uint32_t p = 0; p < fi.passage_count; p++) {
            assert_true(n < cap);
            pids[n++] = fi.first_passage + p;
        }
    }
    return n;
}

/* Writes the deletions of file 2 of corpus/ in the segment at seg_path to del_path. */
static int write_file2_deletions(const char *seg_path, const char *del_path, uint32_t *passages, uint32_t *deleted)
{
    ibid_index *ix = NULL;
    char err[200];
    int rc = ibid_index_open(seg_path, &ix, err, sizeof err);
    if (rc != IBID_OK)
        return rc;
    size_t cap = ibid_index_passage_count(ix);
    uint32_t *pids = malloc((cap ? cap : 1) * sizeof *pids);
    ibid_deletions d;
    rc = pids ? IBID_OK : IBID_ENOMEM;
    if (rc == IBID_OK) {
        size_t n = file_pids(ix, "/002_", pids, cap);
        rc = n ? ibid_deletions_compute(ix, pids, n, &d) : IBID_EINVAL;
    }
    if (rc == IBID_OK) {
        *passages = ibid_index_passage_count(ix);
        *deleted = d.npids;
        rc = ibid_deletions_write(del_path, &d);
        ibid_deletions_free(&d);
    }
    free(pids);
    ibid_index_close(ix);
    return rc;
}

static int write_two_manifest(void)
{
    ibid_manifest m = {.generation = 2, .next_id = 3};
    ibid_manifest_seg a = {1, seg1_passages, seg1_deleted, 2}, b = {2, seg2_passages, seg2_deleted, 2};
    int rc = ibid_manifest_add(&m, &a);
    if (rc == IBID_OK)
        rc = ibid_manifest_add(&m, &b);
    if (rc == IBID_OK)
        rc = ibid_manifest_write(two_path, &m);
    ibid_manifest_free(&m);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ibid_test_reader_XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(full_path, sizeof full_path, "%s/full.ibid", dir);
    snprintf(two_path, sizeof two_path, "%s/two.ibid", dir);
    char d[300];
    snprintf(d, sizeof d, "%s/two.ibid.d", dir);
    if (mkdir(d, 0777) != 0)
        return -1;
    snprintf(seg1_path, sizeof seg1_path, "%s/1.seg.ibid", d);
    snprintf(seg2_path, sizeof seg2_path, "%s/2.seg.ibid", d);
    snprintf(del1_path, sizeof del1_path, "%s/1.2.del.ibid", d);
    snprintf(del2_path, sizeof del2_path, "%s/2.2.del.ibid", d);
    if (build_subset(0x1b, full_path) != IBID_OK || build_subset(0x15, seg1_path) != IBID_OK ||
        build_subset(0x0e, seg2_path) != IBID_OK ||
        write_file2_deletions(seg1_path, del1_path, &seg1_passages, &seg1_deleted) != IBID_OK ||
        write_file2_deletions(seg2_path, del2_path, &seg2_passages, &seg2_deleted) != IBID_OK ||
        write_two_manifest() != IBID_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* ---- manifests ---- */

static void test_manifest_round_trip(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/m.ibid", dir);
    ibid_manifest m = {.generation = 7, .next_id = 5};
    ibid_manifest_seg a = {1, 1103, 77, 7}, b = {4, 96, 0, 0};
    assert_int_equal(ibid_manifest_add(&m, &a), IBID_OK);
    assert_int_equal(ibid_manifest_add(&m, &b), IBID_OK);
    assert_int_equal(ibid_manifest_write(path, &m), IBID_OK);
    assert_int_equal(ibid_index_kind_of(path), IBID_AT_MANIFEST);
    ibid_manifest r;
    char err[200];
    assert_int_equal(ibid_manifest_read(path, &r, err, sizeof err), IBID_OK);
    assert_int_equal(r.generation, 7);
    assert_int_equal(r.next_id, 5);
    assert_int_equal(r.nsegs, 2);
    assert_memory_equal(&r.segs[0], &a, sizeof a);
    assert_memory_equal(&r.segs[1], &b, sizeof b);
    ibid_manifest_free(&r);
    /* an empty generation (every file removed) reads back too */
    m.nsegs = 0;
    assert_int_equal(ibid_manifest_write(path, &m), IBID_OK);
    assert_int_equal(ibid_manifest_read(path, &r, err, sizeof err), IBID_OK);
    assert_int_equal(r.nsegs, 0);
    ibid_manifest_free(&r);
    ibid_manifest_free(&m);
    assert_int_equal(ibid_manifest_read("/nonexistent/m.ibid", &r, err, sizeof err), IBID_ENOENT);
    unlink(path);
}

/* Expects the manifest bytes p[0..n) to be refused with IBID_ECORRUPT and a reason, both by
   ibid_manifest_read and by ibid_reader_open. */
static void expect_corrupt_manifest(const char *p, size_t n)
{
    char path[300], err[200];
    snprintf(path, sizeof path, "%s/bad.ibid", dir);
    write_bytes(path, p, n);
    ibid_manifest m;
    err[0] = '\0';
    assert_int_equal(ibid_manifest_read(path, &m, err, sizeof err), IBID_ECORRUPT);
    assert_true(err[0] != '\0');
    assert_null(m.segs);
    ibid_reader *r = NULL;
    err[0] = '\0';
    int rc = ibid_reader_open(path, &r, err, sizeof err);
    assert_null(r);
    /* a file too short to carry the manifest magic is "not an index": also IBID_ECORRUPT */
    assert_int_equal(rc, IBID_ECORRUPT);
    assert_true(err[0] != '\0');
    unlink(path);
}

/* A manifest text with a correct end line. */
static size_t with_crc(const char *body, char *out, size_t cap)
{
    uLong c = crc32(0L, (const Bytef *)body, (uInt)strlen(body));
    int n = snprintf(out, cap, "%send %08lx\n", body, (unsigned long)c);
    assert_true(n > 0 && (size_t)n < cap);
    return (size_t)n;
}

static void test_manifest_corrupt(void **state)
{
    (void)state;
    char good[512], buf[512];
    size_t n = with_crc("ibid-manifest 1\ngeneration 7\nnext-segment 5\nsegment 1 1103 77 7\nsegment 4 96 0 0\n",
                        good, sizeof good);
    char path[300], err[200];
    snprintf(path, sizeof path, "%s/good.ibid", dir);
    write_bytes(path, good, n);
    ibid_manifest m;
    assert_int_equal(ibid_manifest_read(path, &m, err, sizeof err), IBID_OK);
    ibid_manifest_free(&m);
    unlink(path);

    /* bad checksum */
    memcpy(buf, good, n);
    buf[n - 2] = buf[n - 2] == '0' ? '1' : '0';
    expect_corrupt_manifest(buf, n);
    /* truncated at every length */
    for (size_t k = 0; k < n; k++)
        expect_corrupt_manifest(good, k);
    /* every byte flipped */
    for (size_t k = 0; k < n; k++) {
        memcpy(buf, good, n);
        buf[k] ^= 0x01;
        expect_corrupt_manifest(buf, n);
    }
    /* trailing garbage */
    memcpy(buf, good, n);
    memcpy(buf + n, "x\n", 2);
    expect_corrupt_manifest(buf, n + 2);
    /* well-formed lines, checksum right, content wrong */
    static const char *bodies[] = {
        /* segments out of order */
        "ibid-manifest 1\ngeneration 7\nnext-segment 5\nsegment 4 96 0 0\nsegment 1 1103 77 7\n",
        /* the same id twice */
        "ibid-manifest 1\ngeneration 7\nnext-segment 5\nsegment 1 96 0 0\nsegment 1 96 0 0\n",
        /* more deleted than passages */
        "ibid-manifest 1\ngeneration 7\nnext-segment 5\nsegment 1 96 97 7\n",
        /* deletions without a deletion generation, and a generation without deletions */
        "ibid-manifest 1\ngeneration 7\nnext-segment 5\nsegment 1 96 3 0\n",
        "ibid-manifest 1\ngeneration 7\nnext-segment 5\nsegment 1 96 0 7\n",
        /* a deletion file from the future */
        "ibid-manifest 1\ngeneration 7\nnext-segment 5\nsegment 1 96 3 8\n",
        /* an id not below next-segment */
        "ibid-manifest 1\ngeneration 7\nnext-segment 5\nsegment 5 96 0 0\n",
        /* generation 0, leading zeros, a passage count past 32 bits, a number past 64 bits */
        "ibid-manifest 1\ngeneration 0\nnext-segment 5\n",
        "ibid-manifest 1\ngeneration 07\nnext-segment 5\n",
        "ibid-manifest 1\ngeneration 7\nnext-segment 5\nsegment 1 4294967296 0 0\n",
        "ibid-manifest 1\ngeneration 99999999999999999999999\nnext-segment 5\n",
        /* unknown magic (a later version) */
        "ibid-manifest 2\ngeneration 7\nnext-segment 5\nsegment 1 96 0 0\n",
        /* not a manifest line */
        "ibid-manifest 1\ngeneration 7\nnext-segment 5\nsegments 1 96 0 0\n",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
        expect_corrupt_manifest(buf, with_crc(bodies[i], buf, sizeof buf));
}

/* ---- deletion files ---- */

static void test_deletions_round_trip(void **state)
{
    (void)state;
    ibid_index *ix = NULL;
    char err[200], path[300];
    assert_int_equal(ibid_index_open(seg1_path, &ix, err, sizeof err), IBID_OK);
    uint32_t np = ibid_index_passage_count(ix), nt = ibid_index_term_count(ix);
    uint32_t *pids = malloc(np * sizeof *pids);
    assert_non_null(pids);
    size_t n = file_pids(ix, "/002_", pids, np);
    assert_true(n > 0 && n < np);
    /* in reverse and with a duplicate: compute sorts and drops it */
    uint32_t *rev = malloc((n + 1) * sizeof *rev);
    assert_non_null(rev);
    for (size_t i = 0; i < n; i++)
        rev[i] = pids[n - 1 - i];
    rev[n] = pids[0];
    ibid_deletions d, r;
    assert_int_equal(ibid_deletions_compute(ix, rev, n + 1, &d), IBID_OK);
    assert_int_equal(d.npids, n);
    assert_memory_equal(d.pids, pids, n * sizeof *pids);
    uint64_t tokens = 0;
    for (size_t i = 0; i < n; i++)
        tokens += ibid_index_passage_len(ix, pids[i]);
    assert_int_equal(d.tokens, tokens);
    assert_true(d.nterms > 0);
    for (uint32_t p = 0; p < np; p++)
        assert_int_equal(ibid_deletions_has(&d, p), p >= pids[0] && p <= pids[n - 1]);
    snprintf(path, sizeof path, "%s/x.del.ibid", dir);
    assert_int_equal(ibid_deletions_write(path, &d), IBID_OK);
    assert_int_equal(ibid_deletions_read(path, np, nt, &r, err, sizeof err), IBID_OK);
    assert_int_equal(r.npids, d.npids);
    assert_int_equal(r.tokens, d.tokens);
    assert_int_equal(r.nterms, d.nterms);
    assert_int_equal(r.passages, np);
    assert_memory_equal(r.pids, d.pids, d.npids * sizeof *d.pids);
    assert_memory_equal(r.terms, d.terms, d.nterms * sizeof *d.terms);
    assert_memory_equal(r.bitmap, d.bitmap, np / 8 + 1);
    for (uint32_t i = 0; i < d.nterms; i++)
        assert_int_equal(ibid_deletions_df(&r, d.terms[i].ordinal), d.terms[i].df);
    ibid_deletions_free(&r);
    /* an out-of-range pid */
    uint32_t bad = np;
    assert_int_equal(ibid_deletions_compute(ix, &bad, 1, &r), IBID_EINVAL);
    assert_null(r.pids);

    /* corrupt: truncated, a byte too many, bytes flipped (every byte of the header, the first
       and last pids and term entries, the checksum, and every 61st byte between) */
    size_t len = 0;
    char *bytes = fixture_slurp(path, &len);
    assert_int_equal(len, 32 + 4 * (size_t)d.npids + 8 * (size_t)d.nterms + 4);
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    for (size_t k = 0; k <= len; k += k < 48 || k + 48 > len ? 1 : 61) {
        if (k < len) {
            write_bytes(path, bytes, k); /* truncated */
        } else {
            memcpy(buf, bytes, len);
            buf[len] = 0;
            write_bytes(path, buf, len + 1); /* a byte too many */
        }
        err[0] = '\0';
        assert_int_equal(ibid_deletions_read(path, np, nt, &r, err, sizeof err), IBID_ECORRUPT);
        assert_true(err[0] != '\0');
        assert_null(r.pids);
        if (k == len)
            break;
        memcpy(buf, bytes, len);
        buf[k] ^= (char)(1 << (k % 8));
        write_bytes(path, buf, len);
        err[0] = '\0';
        assert_int_equal(ibid_deletions_read(path, np, nt, &r, err, sizeof err), IBID_ECORRUPT);
        assert_true(err[0] != '\0');
    }
    write_bytes(path, bytes, len);
    assert_int_equal(ibid_deletions_read(path, np + 1, nt, &r, err, sizeof err), IBID_ECORRUPT);
    assert_int_equal(ibid_deletions_read(path, np, d.terms[d.nterms - 1].ordinal, &r, err, sizeof err),
                     IBID_ECORRUPT);
    snprintf(path, sizeof path, "%s/none.del.ibid", dir);
    assert_int_equal(ibid_deletions_read(path, np, nt, &r, err, sizeof err), IBID_ENOENT);
    snprintf(path, sizeof path, "%s/x.del.ibid", dir);
    unlink(path);
    free(buf);
    free(bytes);
    free(rev);
    free(pids);
    ibid_deletions_free(&d);
    ibid_index_close(ix);
}

/* ---- readers ---- */

typedef struct df_check {
    const ibid_reader *a, *b;
    size_t terms;
} df_check;

/* The df of every term of the visited index is the same through both readers. */
static int same_df(void *ctx, const char *term, size_t len, const ibid_term_info *t)
{
    (void)t;
    df_check *c = ctx;
    uint32_t x = 0, y = 0;
    assert_int_equal(ibid_reader_df(c->a, term, len, &x), IBID_OK);
    assert_int_equal(ibid_reader_df(c->b, term, len, &y), IBID_OK);
    assert_int_equal(x, y);
    c->terms++;
    return 0;
}

static void test_reader_standalone_equals_wrap(void **state)
{
    (void)state;
    char err[200];
    ibid_reader *r = NULL, *w = NULL;
    ibid_index *ix = NULL;
    assert_int_equal(ibid_reader_open(full_path, &r, err, sizeof err), IBID_OK);
    assert_int_equal(ibid_index_open(full_path, &ix, err, sizeof err), IBID_OK);
    assert_int_equal(ibid_reader_wrap(ix, &w), IBID_OK);
    assert_int_equal(ibid_reader_segment_count(r), 1);
    assert_int_equal(ibid_reader_segment_count(w), 1);
    assert_int_equal(ibid_reader_generation(r), 0);
    assert_int_equal(ibid_reader_generation(w), 0);
    assert_int_equal(ibid_reader_passage_count(r), ibid_index_passage_count(ix));
    assert_int_equal(ibid_reader_passage_count(w), ibid_index_passage_count(ix));
    assert_int_equal(ibid_reader_token_count(r), ibid_index_token_count(ix));
    assert_int_equal(ibid_reader_token_count(w), ibid_index_token_count(ix));
    assert_true(ibid_reader_avg_len(r) == ibid_index_avg_len(ix));
    assert_true(ibid_reader_avg_len(w) == ibid_index_avg_len(ix));
    assert_int_equal(ibid_reader_id_limit(r), ibid_index_passage_count(ix));
    assert_int_equal(ibid_reader_id_limit(w), ibid_index_passage_count(ix));
    const ibid_segment_view *vr = ibid_reader_segment(r, 0), *vw = ibid_reader_segment(w, 0);
    assert_non_null(vr);
    assert_non_null(vw);
    assert_null(ibid_reader_segment(r, 1));
    assert_int_equal(vr->base, 0);
    assert_null(vr->del);
    assert_null(vw->del);
    assert_int_equal(vr->live, vw->live);
    df_check c = {r, w, 0};
    assert_int_equal(ibid_index_each_term(ix, same_df, &c), 0);
    assert_int_equal(c.terms, ibid_index_term_count(ix));
    for (uint32_t p = 0; p < ibid_index_passage_count(ix); p++) {
        assert_int_equal(ibid_reader_key(vr, p), p);
        assert_int_equal(ibid_reader_key(vw, p), p);
        assert_int_equal(ibid_reader_is_live(r, p), 1);
        size_t si;
        uint32_t local;
        assert_int_equal(ibid_reader_locate(w, p, &si, &local), IBID_OK);
        assert_int_equal(si, 0);
        assert_int_equal(local, p);
    }
    size_t si;
    uint32_t local;
    assert_int_equal(ibid_reader_locate(r, ibid_index_passage_count(ix), &si, &local), IBID_EINVAL);
    ibid_reader_close(w);
    ibid_reader_close(r);
    ibid_index_close(ix);
}

/* (path, line) of passage pid of ix. */
static void path_line(const ibid_index *ix, uint32_t pid, const char **path, uint32_t *line)
{
    ibid_passage_meta pm;
    ibid_file_info fi;
    assert_int_equal(ibid_index_passage_meta(ix, pid, &pm), IBID_OK);
    assert_int_equal(ibid_index_file(ix, pm.file_id, &fi), IBID_OK);
    *path = fi.path;
    *line = pm.line;
}

static void test_reader_two_segments_equal_full_build(void **state)
{
    (void)state;
    char err[200];
    ibid_reader *r = NULL, *f = NULL;
    assert_int_equal(ibid_reader_open(two_path, &r, err, sizeof err), IBID_OK);
    assert_int_equal(ibid_reader_open(full_path, &f, err, sizeof err), IBID_OK);
    const ibid_index *full = ibid_reader_segment(f, 0)->ix;
    assert_int_equal(ibid_reader_generation(r), 2);
    assert_int_equal(ibid_reader_segment_count(r), 2);
    assert_int_equal(ibid_reader_id_limit(r), seg1_passages + seg2_passages);
    assert_int_equal(ibid_reader_passage_count(r), seg1_passages + seg2_passages - seg1_deleted - seg2_deleted);
    assert_int_equal(ibid_reader_passage_count(r), ibid_index_passage_count(full));
    assert_int_equal(ibid_reader_token_count(r), ibid_index_token_count(full));
    assert_true(ibid_reader_avg_len(r) == ibid_index_avg_len(full));
    /* every term of the full build and of both segments (those only in the deleted file: 0) */
    df_check c = {r, f, 0};
    assert_int_equal(ibid_index_each_term(full, same_df, &c), 0);
    for (size_t i = 0; i < 2; i++) {
        const ibid_segment_view *v = ibid_reader_segment(r, i);
        assert_int_equal(v->id, i + 1);
        assert_non_null(v->del);
        assert_int_equal(v->live, ibid_index_passage_count(v->ix) - v->del->npids);
        c.terms = 0;
        assert_int_equal(ibid_index_each_term(v->ix, same_df, &c), 0);
        assert_int_equal(c.terms, ibid_index_term_count(v->ix));
    }
    /* tie order: every live passage's key is the full build's id of the same (path, line),
       every full-build id is reached once, and deleted passages are not live */
    uint32_t nfull = ibid_index_passage_count(full);
    unsigned char *seen = calloc(nfull ? nfull : 1, 1);
    assert_non_null(seen);
    uint32_t live = 0;
    for (uint32_t g = 0; g < ibid_reader_id_limit(r); g++) {
        size_t si;
        uint32_t p;
        assert_int_equal(ibid_reader_locate(r, g, &si, &p), IBID_OK);
        const ibid_segment_view *v = ibid_reader_segment(r, si);
        assert_int_equal(g, v->base + p);
        const char *path;
        uint32_t line;
        path_line(v->ix, p, &path, &line);
        int deleted = strstr(path, "/002_") != NULL;
        assert_int_equal(ibid_reader_is_live(r, g), !deleted);
        if (deleted)
            continue;
        live++;
        uint32_t key = ibid_reader_key(v, p);
        assert_true(key < nfull);
        assert_int_equal(seen[key], 0);
        seen[key] = 1;
        const char *fpath;
        uint32_t fline;
        path_line(full, key, &fpath, &fline);
        assert_string_equal(fpath, path);
        assert_int_equal(fline, line);
        ibid_stored_passage sp;
        assert_int_equal(ibid_reader_get_passage(r, g, &sp), IBID_OK);
        assert_int_equal(sp.pid, g);
        ibid_stored_passage_free(&sp);
    }
    assert_int_equal(live, nfull);
    free(seen);
    ibid_reader_close(f);
    ibid_reader_close(r);
}

/* Renames path away, expects ibid_reader_open(two) to fail cleanly (an error status after a
   bounded number of retries, no reader), puts it back. */
static void expect_missing_fails(const char *path)
{
    char moved[420], err[200];
    snprintf(moved, sizeof moved, "%s.moved", path);
    assert_int_equal(rename(path, moved), 0);
    ibid_reader *r = NULL;
    err[0] = '\0';
    int rc = ibid_reader_open(two_path, &r, err, sizeof err);
    assert_int_equal(rename(moved, path), 0);
    assert_null(r);
    /* The manifest still names the file: the index is damaged, and the reason names the file
       (not "no index", which would send the user to rebuild an index that exists). */
    assert_int_equal(rc, IBID_ECORRUPT);
    assert_non_null(strstr(err, "missing"));
    assert_non_null(strstr(err, strrchr(path, '/') + 1));
    assert_int_equal(ibid_reader_open(two_path, &r, err, sizeof err), IBID_OK);
    ibid_reader_close(r);
}

static void test_reader_missing_files(void **state)
{
    (void)state;
    expect_missing_fails(seg2_path);
    expect_missing_fails(del1_path);
}

/* A manifest whose counts disagree with the files: IBID_ECORRUPT, not a wrong answer. */
static void test_reader_manifest_mismatch(void **state)
{
    (void)state;
    char err[200];
    ibid_reader *r = NULL;
    uint32_t keep = seg1_deleted;
    seg1_deleted = keep - 1;
    assert_int_equal(write_two_manifest(), IBID_OK);
    assert_int_equal(ibid_reader_open(two_path, &r, err, sizeof err), IBID_ECORRUPT);
    assert_true(err[0] != '\0');
    seg1_deleted = keep;
    keep = seg2_passages;
    seg2_passages = keep + 1;
    assert_int_equal(write_two_manifest(), IBID_OK);
    assert_int_equal(ibid_reader_open(two_path, &r, err, sizeof err), IBID_ECORRUPT);
    assert_true(err[0] != '\0');
    assert_null(r);
    seg2_passages = keep;
    assert_int_equal(write_two_manifest(), IBID_OK);
    assert_int_equal(ibid_reader_open(two_path, &r, err, sizeof err), IBID_OK);
    ibid_reader_close(r);
}

/* ibid_ix_valid_text (index_impl.h), which the store and open run over every string: valid
   UTF-8 without NUL, whatever the alignment of the bad byte (eight ASCII bytes are checked at
   a time).  Text from corpus/000_b36bc166d576b6e2.txt line 1 plus a few non-ASCII words. */
static void test_valid_text(void **state)
{
    (void)state;
    const char *good = "Belarus and China: 30 years of cooperation, Zürich, naïve, \xE2\x80\x94 dash";
    size_t n = strlen(good);
    assert_true(ibid_ix_valid_text((const uint8_t *)good, n));
    for (size_t len = 0; len <= n; len++)
        if (len == n || (good[len] & 0xC0) != 0x80) /* cut between characters */
            assert_true(ibid_ix_valid_text((const uint8_t *)good, len));
    char buf[128];
    for (size_t at = 0; at < n; at++) {
        memcpy(buf, good, n);
        buf[at] = '\0';
        assert_false(ibid_ix_valid_text((const uint8_t *)buf, n));
        memcpy(buf, good, n);
        buf[at] = (char)0xFF; /* never in UTF-8 */
        assert_false(ibid_ix_valid_text((const uint8_t *)buf, n));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_text),
        cmocka_unit_test(test_manifest_round_trip),
        cmocka_unit_test(test_manifest_corrupt),
        cmocka_unit_test(test_deletions_round_trip),
        cmocka_unit_test(test_reader_standalone_equals_wrap),
        cmocka_unit_test(test_reader_two_segments_equal_full_build),
        cmocka_unit_test(test_reader_missing_files),
        cmocka_unit_test(test_reader_manifest_mismatch),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
