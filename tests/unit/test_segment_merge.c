/* test_segment_merge.c - the segment merger (indexer/segment_merge.c) on the bundled corpus/
 * (5 files, corpus/000_...txt to corpus/004_...txt): the corpus built in one go is compared with
 * the same files built as 2 or 3 segments over interleaved subsets and merged (every section's
 * bytes, then through the reader: every form, term, posting, position, variant spelling and
 * stored passage), with deletions against a build without the deleted file, a plain copy, and
 * the failures (a path live twice, a partial deletion, a corrupt input) leaving no output; and
 * synthetic files whose store records defeat the store's predictions, merged == built. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus_fixture.h"
#include "index.h"
#include "index_build.h"
#include "index_impl.h"
#include "parse.h"
#include "segment_merge.h"
#include "source.h"
#include "status.h"

static char dir[256];
static char full_path[300];
static ibid_index *full; /* corpus/ in one build */

/* Builds the files of corpus/ whose rank (in path order) is in mask into dir/name. */
static void build_subset(const char *name, unsigned mask, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    size_t nfiles = 0, nindexed = 0;
    assert_int_equal(corpus_fixture_build_files(mask, path, &nfiles, &nindexed), IBID_OK);
    assert_int_equal(nfiles, 5);
    assert_int_equal(nindexed, __builtin_popcount(mask));
}

static ibid_index *open_ix(const char *path)
{
    ibid_index *ix = NULL;
    char err[200];
    assert_int_equal(ibid_index_open(path, &ix, err, sizeof err), IBID_OK);
    return ix;
}

/* Every section of b holds the same bytes as a's (META but for the segment id). */
static void same_sections(const ibid_index *a, const ibid_index *b)
{
    for (uint32_t id = 1; id <= IBID_SEC_COUNT; id++) {
        assert_int_equal(a->sec[id].len, b->sec[id].len);
        if (id == IBID_SEC_META) {
            assert_memory_equal(a->sec[id].p, b->sec[id].p, IBID_META_SEGMENT);
            continue;
        }
        if (a->sec[id].len && memcmp(a->sec[id].p, b->sec[id].p, a->sec[id].len) != 0)
        {
            uint64_t k = 0;
            while (a->sec[id].p[k] == b->sec[id].p[k])
                k++;
            fail_msg("section %u differs at byte %llu of %llu", id, (unsigned long long)k,
                     (unsigned long long)a->sec[id].len);
        }
    }
}

/* Through the reader: each form of a is in b, with the same term figures; each term's postings,
   positions and spellings are equal. */
typedef struct walk {
    const ibid_index *b;
    size_t forms, terms;
} walk;

static void same_postings(const ibid_index *a, const ibid_term_info *ta, const ibid_index *b,
                          const ibid_term_info *tb)
{
    ibid_postings *pa = NULL, *pb = NULL;
    assert_int_equal(ibid_postings_open(a, ta, 1, &pa), IBID_OK);
    assert_int_equal(ibid_postings_open(b, tb, 1, &pb), IBID_OK);
    char fa[IBID_MAX_TERM + 1], fb[IBID_MAX_TERM + 1];
    uint32_t n = 0;
    while (ibid_postings_doc(pa) != IBID_NO_DOC) {
        assert_int_equal(ibid_postings_doc(pa), ibid_postings_doc(pb));
        assert_int_equal(ibid_postings_tf(pa), ibid_postings_tf(pb));
        const uint32_t *posa, *vara, *posb, *varb;
        assert_int_equal(ibid_postings_positions(pa, &posa, &vara), IBID_OK);
        assert_int_equal(ibid_postings_positions(pb, &posb, &varb), IBID_OK);
        for (uint32_t j = 0; j < ibid_postings_tf(pa); j++) {
            assert_int_equal(posa[j], posb[j]);
            assert_true(ibid_index_term_form(a, ta, vara[j], fa, sizeof fa) > 0);
            assert_true(ibid_index_term_form(b, tb, varb[j], fb, sizeof fb) > 0);
            assert_string_equal(fa, fb);
        }
        uint32_t la, lb, ma, mb, na, nb;
        assert_int_equal(ibid_postings_block_bound(pa, ibid_postings_doc(pa), &la, &ma, &na), IBID_OK);
        assert_int_equal(ibid_postings_block_bound(pb, ibid_postings_doc(pb), &lb, &mb, &nb), IBID_OK);
        assert_int_equal(la, lb);
        assert_int_equal(ma, mb);
        assert_int_equal(na, nb);
        assert_int_equal(ibid_postings_next(pa), IBID_OK);
        assert_int_equal(ibid_postings_next(pb), IBID_OK);
        n++;
    }
    assert_int_equal(ibid_postings_doc(pb), IBID_NO_DOC);
    assert_int_equal(n, ta->df);
    ibid_postings_close(pa);
    ibid_postings_close(pb);
}

static const ibid_index *walk_a;

static int visit_form_a(void *ctx, const char *form, size_t len, const ibid_term_info *ta, uint32_t va)
{
    walk *w = ctx;
    ibid_term_info tb;
    uint32_t vb;
    assert_int_equal(ibid_index_lookup_form(w->b, form, len, &tb, &vb), 1);
    assert_int_equal(ta->ordinal, tb.ordinal);
    assert_int_equal(ta->df, tb.df);
    assert_int_equal(ta->cf, tb.cf);
    assert_int_equal(ta->max_tf, tb.max_tf);
    assert_int_equal(ta->nforms, tb.nforms);
    assert_int_equal(va, vb);
    w->forms++;
    if (va == 0) {
        w->terms++;
        same_postings(walk_a, ta, w->b, &tb);
    }
    return 0;
}

static void same_strings(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void same_passages(const ibid_index *a, const ibid_index *b)
{
    assert_int_equal(ibid_index_passage_count(a), ibid_index_passage_count(b));
    assert_int_equal(ibid_index_file_count(a), ibid_index_file_count(b));
    for (uint32_t f = 0; f < ibid_index_file_count(a); f++) {
        ibid_file_info x, y;
        assert_int_equal(ibid_index_file(a, f, &x), IBID_OK);
        assert_int_equal(ibid_index_file(b, f, &y), IBID_OK);
        assert_string_equal(x.path, y.path);
        assert_int_equal(x.size, y.size);
        assert_int_equal(x.mtime, y.mtime);
        assert_int_equal(x.hash, y.hash);
        assert_int_equal(x.first_passage, y.first_passage);
        assert_int_equal(x.passage_count, y.passage_count);
    }
    for (uint32_t pid = 0; pid < ibid_index_passage_count(a); pid++) {
        ibid_stored_passage x = {0}, y = {0};
        assert_int_equal(ibid_index_get_passage(a, pid, &x), IBID_OK);
        assert_int_equal(ibid_index_get_passage(b, pid, &y), IBID_OK);
        assert_int_equal(x.p.kind, y.p.kind);
        same_strings(x.p.file, y.p.file);
        assert_int_equal(x.p.line, y.p.line);
        assert_int_equal(x.p.end_line, y.p.end_line);
        same_strings(x.p.work, y.p.work);
        same_strings(x.p.chapter, y.p.chapter);
        assert_int_equal(x.p.page, y.p.page);
        assert_int_equal(x.p.paragraph, y.p.paragraph);
        assert_int_equal(x.p.footnote, y.p.footnote);
        assert_int_equal(x.p.ncites, y.p.ncites);
        for (size_t c = 0; c < x.p.ncites; c++) {
            assert_int_equal(x.p.cites[c].footnote, y.p.cites[c].footnote);
            same_strings(x.p.cites[c].text, y.p.cites[c].text);
        }
        same_strings(x.p.id, y.p.id);
        assert_string_equal(x.p.text, y.p.text);
        ibid_passage_meta ma, mb;
        assert_int_equal(ibid_index_passage_meta(a, pid, &ma), IBID_OK);
        assert_int_equal(ibid_index_passage_meta(b, pid, &mb), IBID_OK);
        assert_memory_equal(&ma, &mb, sizeof ma);
        assert_int_equal(ibid_index_passage_len(a, pid), ibid_index_passage_len(b, pid));
        ibid_stored_passage_free(&x);
        ibid_stored_passage_free(&y);
    }
}

/* a and b answer alike: figures, dictionaries, postings, passages; b passes the full check. */
static void same_index(const ibid_index *a, const ibid_index *b)
{
    same_sections(a, b);
    char err[200] = "";
    if (ibid_index_verify(b, err, sizeof err) != IBID_OK)
        fail_msg("verify: %s", err);
    assert_int_equal(ibid_index_passage_count(a), ibid_index_passage_count(b));
    assert_int_equal(ibid_index_token_count(a), ibid_index_token_count(b));
    assert_int_equal(ibid_index_term_count(a), ibid_index_term_count(b));
    assert_int_equal(ibid_index_work_count(a), ibid_index_work_count(b));
    assert_int_equal(ibid_index_chapter_count(a), ibid_index_chapter_count(b));
    for (uint32_t w = 0; w < ibid_index_work_count(a); w++)
        assert_string_equal(ibid_index_work_name(a, w), ibid_index_work_name(b, w));
    for (uint32_t c = 0; c < ibid_index_chapter_count(a); c++)
        assert_string_equal(ibid_index_chapter_name(a, c), ibid_index_chapter_name(b, c));
    walk w = {b, 0, 0};
    walk_a = a;
    assert_int_equal(ibid_index_forms_with_prefix(a, "", 0, 0, visit_form_a, &w), 0);
    assert_int_equal(w.terms, ibid_index_term_count(a));
    assert_true(w.forms > w.terms);
    same_passages(a, b);
}

static void merge_ok(const ibid_merge_input *in, size_t n, const char *out, uint64_t segment_id, int threads)
{
    ibid_merge_opts o = {.level = 0, .diag = NULL, .segment_id = segment_id, .threads = threads};
    ibid_build_stats st;
    memset(&st, 0, sizeof st);
    assert_int_equal(ibid_segment_merge(in, n, out, &o, &st), IBID_OK);
    assert_true(st.index_bytes > 0);
}

/* Merges in[0..n) into out (as merge_ok) and checks that the result equals want in every
   section, term and passage. */
static void merge_same(const ibid_merge_input *in, size_t n, const char *out, uint64_t segment_id, int threads,
                       const ibid_index *want)
{
    merge_ok(in, n, out, segment_id, threads);
    ibid_index *m = open_ix(out);
    same_index(want, m);
    ibid_index_close(m);
}

/* A deletion list of every passage of ix (0 .. passage count - 1, malloc'd: the caller frees
   it); *n gets the count. */
static uint32_t *every_pid(const ibid_index *ix, uint32_t *n)
{
    *n = ibid_index_passage_count(ix);
    uint32_t *all = malloc((*n ? *n : 1) * sizeof *all);
    assert_non_null(all);
    for (uint32_t k = 0; k < *n; k++)
        all[k] = k;
    return all;
}

/* No ".NAME.tmp.PID" file is left in the test folder. */
static void no_temp_files(void)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".tmp."))
            fail_msg("temporary file left: %s", e->d_name);
    closedir(d);
}

static void test_two_interleaved_segments(void **state)
{
    (void)state;
    char p1[300], p2[300], out[300];
    build_subset("s024.ibid", 0x15, p1, sizeof p1); /* files 0, 2, 4 */
    build_subset("s13.ibid", 0x0a, p2, sizeof p2);  /* files 1, 3 */
    ibid_index *a = open_ix(p1), *b = open_ix(p2);
    ibid_merge_input in[2] = {{a, NULL, 0}, {b, NULL, 0}};
    snprintf(out, sizeof out, "%s/merged2.ibid", dir);
    merge_ok(in, 2, out, 7, 1);
    ibid_index *m = open_ix(out);
    assert_int_equal(ibid_index_segment_id(m), 7);
    same_index(full, m);
    ibid_index_close(m);
    /* the same with the postings on a second thread */
    merge_same(in, 2, out, 7, 2, full);
    ibid_index_close(a);
    ibid_index_close(b);
    unlink(p1);
    unlink(p2);
    unlink(out);
    no_temp_files();
}

static void test_three_segments_any_input_order(void **state)
{
    (void)state;
    char p[3][300], out[300];
    build_subset("s03.ibid", 0x09, p[0], sizeof p[0]); /* files 0, 3 */
    build_subset("s14.ibid", 0x12, p[1], sizeof p[1]); /* files 1, 4 */
    build_subset("s2.ibid", 0x04, p[2], sizeof p[2]);  /* file 2 */
    ibid_index *ix[3];
    for (int i = 0; i < 3; i++)
        ix[i] = open_ix(p[i]);
    ibid_merge_input in[3] = {{ix[2], NULL, 0}, {ix[0], NULL, 0}, {ix[1], NULL, 0}};
    snprintf(out, sizeof out, "%s/merged3.ibid", dir);
    merge_same(in, 3, out, 0, 2, full);
    for (int i = 0; i < 3; i++) {
        ibid_index_close(ix[i]);
        unlink(p[i]);
    }
    unlink(out);
}

/* One segment per file, given in reverse order, merged in one go. */
static void test_one_segment_per_file(void **state)
{
    (void)state;
    char p[5][300], out[300], name[32];
    ibid_index *ix[5];
    ibid_merge_input in[5];
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "f%d.ibid", i);
        build_subset(name, 1u << i, p[i], sizeof p[i]);
        ix[i] = open_ix(p[i]);
        in[4 - i] = (ibid_merge_input){ix[i], NULL, 0};
    }
    snprintf(out, sizeof out, "%s/merged5.ibid", dir);
    merge_same(in, 5, out, 0, 2, full);
    for (int i = 0; i < 5; i++) {
        ibid_index_close(ix[i]);
        unlink(p[i]);
    }
    unlink(out);
}

/* Deleting file 2 (corpus/002_...) from the first segment equals building without it. */
static void test_deletions(void **state)
{
    (void)state;
    char p1[300], p2[300], pw[300], out[300];
    build_subset("d024.ibid", 0x15, p1, sizeof p1);
    build_subset("d13.ibid", 0x0a, p2, sizeof p2);
    build_subset("without2.ibid", 0x1b, pw, sizeof pw); /* files 0, 1, 3, 4 */
    ibid_index *a = open_ix(p1), *b = open_ix(p2), *w = open_ix(pw);
    ibid_file_info fi;
    assert_int_equal(ibid_index_file(a, 1, &fi), IBID_OK);
    assert_non_null(strstr(fi.path, "002_"));
    assert_true(fi.passage_count > 0);
    uint32_t *del = malloc(fi.passage_count * sizeof *del);
    assert_non_null(del);
    for (uint32_t k = 0; k < fi.passage_count; k++)
        del[k] = fi.first_passage + k;
    ibid_merge_input in[2] = {{a, del, fi.passage_count}, {b, NULL, 0}};
    snprintf(out, sizeof out, "%s/merged_del.ibid", dir);
    merge_same(in, 2, out, 0, 2, w);

    /* a deletion of part of a file is refused, and leaves nothing behind */
    in[0].ndeleted = fi.passage_count - 1;
    assert_int_equal(ibid_segment_merge(in, 2, out, NULL, NULL), IBID_EINVAL);
    /* as is a list out of order */
    uint32_t bad[2] = {5, 3};
    ibid_merge_input in2[1] = {{a, bad, 2}};
    assert_int_equal(ibid_segment_merge(in2, 1, out, NULL, NULL), IBID_EINVAL);
    ibid_index *m = open_ix(out); /* the earlier merge's file is untouched */
    same_index(w, m);
    ibid_index_close(m);
    free(del);
    ibid_index_close(a);
    ibid_index_close(b);
    ibid_index_close(w);
    unlink(p1);
    unlink(p2);
    unlink(pw);
    unlink(out);
    no_temp_files();
}

/* Store records are coded against predictions that depend on the block and on the work and
   chapter ids (common/store_codec.h), so the merger codes every header again.  Synthetic files
   whose works and chapters are shared across files (their ids differ between the segments and
   the output), whose pages, paragraphs, footnotes and lines defeat the predictions, and one long
   passage (a block of its own), built in one go and as two interleaved segments merged: the
   same bytes. */
static void synth_file(ibid_passage_list *l, const char *path, unsigned f)
{
    static const int vals[] = {1, 2, 0, 2147483647, 1, 3, 0, 0, 9, 10};
    static char big[40000];
    for (size_t k = 0; k + 1 < sizeof big; k++)
        big[k] = "stones running "[k % 15];
    for (unsigned i = 0; i < 250; i++) {
        ibid_passage p = {0};
        char text[80];
        snprintf(text, sizeof text, "%s stone runs %u of %u", i % 2 ? "running" : "stones", i, f);
        p.text = ibid_arena_strndup(&l->arena, f == 1 && i == 100 ? big : text, strlen(f == 1 && i == 100 ? big : text));
        p.file = path;
        p.line = i % 7 == 3 ? 5 : (int)(4 + 2 * i + (i % 5 == 0));
        p.end_line = p.line + (int)(i % 3);
        p.work = f % 2 ? "Shared work" : i < 120 ? "Work of the evens" : "Shared work";
        p.chapter = i % 40 < 8 ? NULL : (i / 40 + f) % 3 == 0 ? "One" : (i / 40 + f) % 3 == 1 ? "Two" : "Three";
        p.page = vals[(i + f) % 10];
        if (i % 6 == 5) {
            p.kind = IBID_KIND_FOOTNOTE;
            p.footnote = vals[(i / 6) % 10] ? vals[(i / 6) % 10] : (int)i;
        } else {
            p.kind = IBID_KIND_PARAGRAPH;
            p.paragraph = vals[(i * 3) % 10];
        }
        assert_non_null(ibid_passages_push(l, &p));
    }
}

static void build_synth(const char *name, unsigned mask, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    ibid_builder *b = ibid_builder_new(NULL);
    assert_non_null(b);
    for (unsigned f = 0; f < 4; f++) {
        if (!(mask & 1u << f))
            continue;
        char fp[32];
        snprintf(fp, sizeof fp, "synth/%u.txt", f);
        ibid_passage_list l = {0};
        synth_file(&l, fp, f);
        assert_int_equal(ibid_builder_add_file(b, fp, 1, 1, &l), IBID_OK);
        ibid_passages_free(&l);
    }
    assert_int_equal(ibid_builder_write(b, path, NULL), IBID_OK);
    ibid_builder_free(b);
}

static void test_store_records_recoded(void **state)
{
    (void)state;
    char pf[300], p1[300], p2[300], out[300];
    build_synth("synth_full.ibid", 0xf, pf, sizeof pf);
    build_synth("synth_02.ibid", 0x5, p1, sizeof p1);
    build_synth("synth_13.ibid", 0xa, p2, sizeof p2);
    ibid_index *f = open_ix(pf), *a = open_ix(p1), *b = open_ix(p2);
    ibid_merge_input in[2] = {{b, NULL, 0}, {a, NULL, 0}};
    snprintf(out, sizeof out, "%s/synth_merged.ibid", dir);
    merge_same(in, 2, out, 0, 1, f);
    ibid_index_close(f);
    ibid_index_close(a);
    ibid_index_close(b);
    unlink(pf);
    unlink(p1);
    unlink(p2);
    unlink(out);
}

/* One input, no deletions: a valid copy; deleting everything: a valid empty segment. */
static void test_copy_and_empty(void **state)
{
    (void)state;
    char out[300];
    snprintf(out, sizeof out, "%s/copy.ibid", dir);
    ibid_merge_input in[1] = {{full, NULL, 0}};
    merge_same(in, 1, out, 3, 1, full);

    uint32_t n;
    uint32_t *all = every_pid(full, &n);
    in[0].deleted = all;
    in[0].ndeleted = n;
    merge_ok(in, 1, out, 0, 2);
    ibid_index *m = open_ix(out);
    char err[200] = "";
    if (ibid_index_verify(m, err, sizeof err) != IBID_OK)
        fail_msg("verify: %s", err);
    assert_int_equal(ibid_index_passage_count(m), 0);
    assert_int_equal(ibid_index_term_count(m), 0);
    assert_int_equal(ibid_index_file_count(m), 0);
    ibid_index_close(m);
    free(all);
    merge_ok(NULL, 0, out, 0, 1); /* no inputs at all */
    m = open_ix(out);
    assert_int_equal(ibid_index_verify(m, err, sizeof err), IBID_OK);
    ibid_index_close(m);
    unlink(out);
}

/* A path live in two inputs is refused; the target's old file survives. */
static void test_duplicate_path(void **state)
{
    (void)state;
    char p1[300], out[300];
    build_subset("dup13.ibid", 0x0a, p1, sizeof p1);
    ibid_index *a = open_ix(p1);
    snprintf(out, sizeof out, "%s/dup_out.ibid", dir);
    FILE *f = fopen(out, "w");
    assert_non_null(f);
    fputs("old", f);
    fclose(f);
    ibid_merge_input in[2] = {{full, NULL, 0}, {a, NULL, 0}};
    assert_int_equal(ibid_segment_merge(in, 2, out, NULL, NULL), IBID_EINVAL);
    size_t len = 0;
    char *old = fixture_slurp(out, &len);
    assert_string_equal(old, "old");
    free(old);
    /* with the duplicate deleted from one side it merges */
    ibid_file_info f1, f3;
    assert_int_equal(ibid_index_file(a, 0, &f1), IBID_OK);
    assert_int_equal(ibid_index_file(a, 1, &f3), IBID_OK);
    uint32_t n;
    uint32_t *all = every_pid(a, &n);
    in[1].deleted = all;
    in[1].ndeleted = n;
    merge_same(in, 2, out, 0, 1, full);
    free(all);
    ibid_index_close(a);
    unlink(p1);
    unlink(out);
    no_temp_files();
}

/* A corrupt store block in an input: IBID_ECORRUPT, no temporary file, the old output kept. */
static void test_corrupt_input(void **state)
{
    (void)state;
    char bad[300], out[300];
    snprintf(bad, sizeof bad, "%s/bad.ibid", dir);
    snprintf(out, sizeof out, "%s/bad_out.ibid", dir);
    size_t len = 0;
    char *bytes = fixture_slurp(full_path, &len);
    /* flip a byte in the middle of STORE (not checksummed at open; the zlib Adler-32 catches it) */
    uint64_t off = (uint64_t)(full->sec[IBID_SEC_STORE].p - full->map) + full->sec[IBID_SEC_STORE].len / 2;
    bytes[off] ^= 0x5a;
    FILE *f = fopen(bad, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(bytes);
    f = fopen(out, "w");
    assert_non_null(f);
    fputs("previous", f);
    fclose(f);
    ibid_index *b = open_ix(bad);
    ibid_merge_input in[1] = {{b, NULL, 0}};
    assert_int_equal(ibid_segment_merge(in, 1, out, NULL, NULL), IBID_ECORRUPT);
    ibid_merge_opts two = {.threads = 2};
    assert_int_equal(ibid_segment_merge(in, 1, out, &two, NULL), IBID_ECORRUPT);
    char *old = fixture_slurp(out, &len);
    assert_string_equal(old, "previous");
    free(old);
    no_temp_files();
    ibid_index_close(b);

    /* a corrupt postings list: flip bytes across POSTINGS until the merge notices */
    bytes = fixture_slurp(full_path, &len);
    off = (uint64_t)(full->sec[IBID_SEC_POSTINGS].p - full->map);
    for (uint64_t k = 0; k < full->sec[IBID_SEC_POSTINGS].len; k += 7)
        bytes[off + k] = (char)0xff;
    f = fopen(bad, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(bytes);
    b = open_ix(bad);
    in[0].ix = b;
    int rc = ibid_segment_merge(in, 1, out, NULL, NULL);
    assert_int_equal(rc, IBID_ECORRUPT);
    assert_int_equal(ibid_segment_merge(in, 1, out, &two, NULL), IBID_ECORRUPT);
    old = fixture_slurp(out, &len);
    assert_string_equal(old, "previous");
    free(old);
    no_temp_files();
    ibid_index_close(b);
    unlink(bad);
    unlink(out);
}

/* Bytes flipped across the sections that open does not checksum (dictionaries, LENS, PMETA,
   POSTINGS, STORE): the merge fails with IBID_ECORRUPT or writes a segment that passes the full
   check; never a crash (run under AddressSanitizer). */
static void test_corrupt_anywhere(void **state)
{
    (void)state;
    static const uint32_t ids[] = {IBID_SEC_TERMDICT, IBID_SEC_FORMDICT, IBID_SEC_FORMLIST, IBID_SEC_LENS,
                                   IBID_SEC_PMETA, IBID_SEC_POSTINGS, IBID_SEC_STORE};
    char bad[300], out[300];
    snprintf(bad, sizeof bad, "%s/flip.ibid", dir);
    snprintf(out, sizeof out, "%s/flip_out.ibid", dir);
    size_t len = 0;
    char *orig = fixture_slurp(full_path, &len);
    char *bytes = malloc(len);
    assert_non_null(bytes);
    int failed = 0, merged = 0;
    for (unsigned k = 0; k < 140; k++) {
        uint32_t id = ids[k % (sizeof ids / sizeof ids[0])];
        uint64_t slen = full->sec[id].len;
        if (!slen)
            continue;
        uint64_t off = (uint64_t)(full->sec[id].p - full->map) + ((uint64_t)k * 7919u + k / 7) % slen;
        memcpy(bytes, orig, len);
        bytes[off] ^= (char)(1u << (k % 8)) | 0x40;
        FILE *f = fopen(bad, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(bytes, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
        ibid_index *b = NULL;
        char err[200];
        if (ibid_index_open(bad, &b, err, sizeof err) != IBID_OK)
            continue;
        ibid_merge_input in[1] = {{b, NULL, 0}};
        ibid_merge_opts o = {.threads = 1 + (int)(k % 2)};
        int rc = ibid_segment_merge(in, 1, out, &o, NULL);
        if (rc == IBID_OK) {
            ibid_index *m = open_ix(out);
            if (ibid_index_verify(m, err, sizeof err) != IBID_OK)
                fail_msg("byte %llu of section %u: merged, but the output fails: %s", (unsigned long long)off, id, err);
            ibid_index_close(m);
            merged++;
        } else {
            if (rc != IBID_ECORRUPT)
                fail_msg("byte %llu of section %u: %s", (unsigned long long)off, id, ibid_strerror(rc));
            failed++;
        }
        ibid_index_close(b);
    }
    print_message("%d corrupt inputs refused, %d merged into a segment that passes the check\n", failed, merged);
    assert_true(failed > 0);
    free(bytes);
    free(orig);
    unlink(bad);
    unlink(out);
    no_temp_files();
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ibid_test_merge_XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char err[200];
    if (corpus_fixture_build(dir, full_path, sizeof full_path) != IBID_OK ||
        ibid_index_open(full_path, &full, err, sizeof err) != IBID_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ibid_index_close(full);
    unlink(full_path);
    rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_interleaved_segments),
        cmocka_unit_test(test_three_segments_any_input_order),
        cmocka_unit_test(test_one_segment_per_file),
        cmocka_unit_test(test_deletions),
        cmocka_unit_test(test_store_records_recoded),
        cmocka_unit_test(test_copy_and_empty),
        cmocka_unit_test(test_duplicate_path),
        cmocka_unit_test(test_corrupt_input),
        cmocka_unit_test(test_corrupt_anywhere),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
