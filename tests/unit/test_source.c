/* test_source.c - walking PATHs, reading files, cleaning UTF-8, catalogs, format detection. */
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

#include "catalog.h"
#include "corpus_fixture.h"
#include "parse.h"
#include "source.h"

typedef struct captured {
    int count;
    char last[512];
} captured;

static void capture(void *ctx, const char *file, long line, const char *msg)
{
    captured *c = ctx;
    c->count++;
    snprintf(c->last, sizeof c->last, "%s:%ld: %s", file ? file : "-", line, msg);
}

static char tmpdir[256];

static void write_file(const char *rel, const void *data, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ibid-test-source-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void sanitize_replaces_invalid_utf8_and_reports_first_line(void **state)
{
    (void)state;
    const char in[] = "ok line\nsecond \xff bad\nthird \xc3\xbc good \xe2\x82 cut\n";
    size_t len = sizeof in - 1;
    char *buf = malloc(len + 1);
    memcpy(buf, in, len + 1);
    long first;
    long n = ibid_utf8_sanitize(&buf, &len, &first);
    assert_int_equal(n, 2);
    assert_int_equal(first, 2);
    assert_string_equal(buf, "ok line\nsecond \xef\xbf\xbd bad\nthird \xc3\xbc good \xef\xbf\xbd cut\n");
    assert_int_equal(len, strlen(buf));
    free(buf);
}

static void sanitize_keeps_valid_text_and_corpus_fffd(void **state)
{
    (void)state;
    /* 004:496 is a printed page number made of three U+FFFD: valid UTF-8, nothing to replace */
    const char in[] = "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\n";
    size_t len = sizeof in - 1;
    char *buf = malloc(len + 1);
    memcpy(buf, in, len + 1);
    long first;
    assert_int_equal(ibid_utf8_sanitize(&buf, &len, &first), 0);
    assert_int_equal(first, 0);
    assert_string_equal(buf, in);
    free(buf);
}

/* The sanitizer skips clean ASCII eight bytes at a time and counts lines only at the first
   bad byte: a bad byte or a NUL at every offset (every alignment of the 8-byte steps, the
   last bytes of the text included) is replaced, with the right line; valid multi-byte
   characters at every offset stay. */
static void sanitize_finds_bad_bytes_at_every_offset(void **state)
{
    (void)state;
    /* 000:5 of the bundled corpus, cut into lines of 11 bytes */
    const char base[] = "Latin Ameri\nca is one o\nf the polit\nical and ec\nonomic cent\nres of the \n";
    const size_t blen = sizeof base - 1;
    static const char *const bads[] = {"\xff", "\x00", "\xc3", "\xe2\x82"};
    for (size_t b = 0; b < sizeof bads / sizeof *bads; b++) {
        size_t bl = b == 1 ? 1 : strlen(bads[b]);
        for (size_t at = 0; at <= blen; at++) {
            size_t len = blen + bl;
            char *buf = malloc(len + 1);
            assert_non_null(buf);
            memcpy(buf, base, at);
            memcpy(buf + at, bads[b], bl);
            memcpy(buf + at + bl, base + at, blen - at + 1);
            long first;
            assert_int_equal(ibid_utf8_sanitize(&buf, &len, &first), 1);
            long line = 1;
            for (size_t q = 0; q < at; q++)
                line += base[q] == '\n';
            assert_int_equal(first, line);
            assert_int_equal(len, blen + 3);
            assert_memory_equal(buf, base, at);
            assert_memory_equal(buf + at, "\xef\xbf\xbd", 3);
            assert_string_equal(buf + at + 3, base + at);
            free(buf);
        }
    }
    /* a valid "ü" (001:1911 "University of Camagüey") at every offset: nothing replaced */
    for (size_t at = 0; at <= blen; at++) {
        size_t len = blen + 2;
        char *buf = malloc(len + 1);
        assert_non_null(buf);
        memcpy(buf, base, at);
        memcpy(buf + at, "\xc3\xbc", 2);
        memcpy(buf + at + 2, base + at, blen - at + 1);
        char *orig = buf;
        long first;
        assert_int_equal(ibid_utf8_sanitize(&buf, &len, &first), 0);
        assert_int_equal(first, 0);
        assert_ptr_equal(buf, orig);
        assert_int_equal(len, blen + 2);
        free(buf);
    }
}

static void read_skips_binary_and_empty_files(void **state)
{
    (void)state;
    captured c = {0};
    ibid_diag d = {capture, &c};
    write_file("empty.txt", "", 0);
    write_file("bin.dat", "PK\0\3\4", 5);
    char path[512], *data;
    size_t len;
    snprintf(path, sizeof path, "%s/empty.txt", tmpdir);
    assert_int_equal(ibid_source_read(path, &data, &len, &d), IBID_READ_SKIPPED);
    assert_non_null(strstr(c.last, "empty file"));
    snprintf(path, sizeof path, "%s/bin.dat", tmpdir);
    assert_int_equal(ibid_source_read(path, &data, &len, &d), IBID_READ_SKIPPED);
    assert_non_null(strstr(c.last, "binary file"));
    snprintf(path, sizeof path, "%s/missing.txt", tmpdir);
    assert_int_equal(ibid_source_read(path, &data, &len, &d), IBID_READ_SKIPPED);
    assert_int_equal(c.count, 3);
}

static void read_reports_invalid_utf8_once_with_line(void **state)
{
    (void)state;
    captured c = {0};
    ibid_diag d = {capture, &c};
    write_file("bad.txt", "\xef\xbb\xbfone\ntwo\nthree \xff\xfe\nfour \xff\n", 23);
    char path[512], *data;
    size_t len;
    snprintf(path, sizeof path, "%s/bad.txt", tmpdir);
    assert_int_equal(ibid_source_read(path, &data, &len, &d), IBID_READ_OK);
    assert_int_equal(c.count, 1);
    assert_non_null(strstr(c.last, "bad.txt:3: invalid UTF-8, replaced"));
    assert_memory_equal(data, "one\ntwo\n", 8); /* BOM dropped */
    assert_int_equal(data[len], '\0');
    free(data);
}

static void collect_walks_sorted_skips_sidecars_and_hidden(void **state)
{
    (void)state;
    char sub[512];
    snprintf(sub, sizeof sub, "%s/sub", tmpdir);
    mkdir(sub, 0755);
    write_file("b.txt", "b\n", 2);
    write_file("a.txt", "a\n", 2);
    write_file("sub/c.txt", "c\n", 2);
    write_file(".hidden.txt", "h\n", 2);
    write_file("ibid-synonyms.txt", "x = y\n", 6);
    const char cat_text[] = "a.txt\tThe A Book\tAuthor\t1999\n";
    write_file("ibid-catalog.tsv", cat_text, sizeof cat_text - 1);
    write_file("old.ibid", "IBID", 4);
    write_file("old.ibid.synonyms", "x = y\n", 6);
    char loop[512];
    snprintf(loop, sizeof loop, "%s/sub/loop", tmpdir);
    assert_int_equal(symlink("..", loop), 0); /* a link back up: must not be followed */
    captured c = {0};
    ibid_diag d = {capture, &c};
    ibid_source_list l = {0};
    char arg[512];
    snprintf(arg, sizeof arg, "%s/", tmpdir);
    char *paths[] = {arg, arg};
    assert_int_equal(ibid_sources_collect(&l, paths, 2, &d), 0);
    assert_int_equal(l.n, 3); /* a.txt b.txt sub/c.txt: not the hidden file, sidecars, index or link */
    char want[512];
    snprintf(want, sizeof want, "%s/a.txt", tmpdir);
    assert_string_equal(l.v[0].path, want);
    assert_int_equal(l.ncatalogs, 1);
    assert_int_equal(c.count, 0);
    ibid_catalog cat = {0};
    assert_int_equal(ibid_catalog_load(&cat, l.catalogs[0], &d), 0);
    const ibid_catalog_entry *e = ibid_catalog_find(&cat, want);
    assert_non_null(e);
    assert_string_equal(e->title, "The A Book");
    assert_string_equal(e->author, "Author");
    assert_string_equal(e->year, "1999");
    ibid_catalog_free(&cat);
    ibid_sources_free(&l);
}

static void collect_reports_missing_path(void **state)
{
    (void)state;
    captured c = {0};
    ibid_diag d = {capture, &c};
    ibid_source_list l = {0};
    char *paths[] = {"/nonexistent/ibid/path"};
    assert_int_equal(ibid_sources_collect(&l, paths, 1, &d), 0);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.problems, 1);
    assert_non_null(strstr(c.last, "No such file"));
    ibid_sources_free(&l);
}

static void catalog_later_entry_wins_and_bad_lines_reported(void **state)
{
    (void)state;
    const char cat_text[] = "# comment\nx.txt\tFirst\nno tab here\nx.txt\tSecond\n\n";
    write_file("ibid-catalog.tsv", cat_text, sizeof cat_text - 1);
    char path[512], want[512];
    snprintf(path, sizeof path, "%s/ibid-catalog.tsv", tmpdir);
    snprintf(want, sizeof want, "%s/x.txt", tmpdir);
    captured c = {0};
    ibid_diag d = {capture, &c};
    ibid_catalog cat = {0};
    assert_int_equal(ibid_catalog_load(&cat, path, &d), 0);
    assert_int_equal(c.count, 1);
    assert_non_null(strstr(c.last, ":3: catalog line has no tab"));
    assert_string_equal(ibid_catalog_find(&cat, want)->title, "Second");
    assert_null(ibid_catalog_find(&cat, "nope.txt"));
    ibid_catalog_free(&cat);
}

static void detects_the_formats_of_the_real_files(void **state)
{
    (void)state;
    static const struct { const char *path; ibid_format f; } cases[] = {
        {IBID_SOURCE_DIR "/corpus/000_b36bc166d576b6e2.txt", IBID_FMT_PDFTEXT},
        {IBID_SOURCE_DIR "/corpus/001_75613f31623f3fe6.txt", IBID_FMT_PDFTEXT},
        {IBID_SOURCE_DIR "/corpus/002_8ab7396e8091a3d3.txt", IBID_FMT_MARKDOWN},
        {IBID_SOURCE_DIR "/corpus/003_9f3c7597e57b37f0.txt", IBID_FMT_PDFTEXT},
        {IBID_SOURCE_DIR "/corpus/004_4af837fc92f3f660.txt", IBID_FMT_PDFTEXT},
        {IBID_SHARED_DIR "/eval/scifact/docs.jsonl", IBID_FMT_JSONL},
        {IBID_SHARED_DIR "/bench/gutenberg/Austen_Jane/Pride and Prejudice.txt", IBID_FMT_PLAIN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (access(cases[i].path, R_OK) != 0) {
            assert_true(strstr(cases[i].path, "/shared/") != NULL); /* only shared material may be absent */
            continue;
        }
        size_t len;
        char *b = fixture_slurp(cases[i].path, &len);
        ibid_format f = ibid_detect_format(b, len, cases[i].path);
        if (f != cases[i].f)
            fail_msg("%s detected as %s", cases[i].path, ibid_format_name(f));
        free(b);
    }
}

static void detection_of_small_inputs(void **state)
{
    (void)state;
    assert_int_equal(ibid_detect_format("", 0, "x"), IBID_FMT_PLAIN);
    assert_int_equal(ibid_detect_format("{\"id\":\"1\",\"text\":\"a\"}\n", 22, "x"), IBID_FMT_JSONL);
    assert_int_equal(ibid_detect_format("Just a line.\n\nAnother paragraph.\n", 33, "x"), IBID_FMT_PLAIN);
    ibid_format f;
    assert_int_equal(ibid_format_parse("markdown", &f), 0);
    assert_int_equal(f, IBID_FMT_MARKDOWN);
    assert_int_equal(ibid_format_parse("pdf", &f), -1);
    ibid_arena a = {0};
    assert_string_equal(ibid_work_from_filename(&a, "corpus/000_b36bc166d576b6e2.txt"), "000_b36bc166d576b6e2");
    assert_string_equal(ibid_work_from_filename(&a, "README"), "README");
    assert_string_equal(ibid_work_from_filename(&a, "dir/.hidden"), ".hidden");
    ibid_arena_free(&a);
}

/* One spelling per file (issue 7: a file indexed as corpus/x is the same file when a later
   run names ./corpus/x). */
static void path_normalize_gives_one_spelling(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"corpus", "corpus"},         {"./corpus/", "corpus"},         {".//corpus//", "corpus"},
        {"corpus/./x.txt", "corpus/x.txt"}, {"corpus//x.txt", "corpus/x.txt"}, {"/", "/"},
        {"//tmp//a/", "/tmp/a"},      {".", "."},                      {"./", "."},
        {"../books/./a", "../books/a"}, {".hidden/x", ".hidden/x"},    {"a/..b/./", "a/..b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        strcpy(buf, cases[i][0]);
        ibid_path_normalize(buf);
        assert_string_equal(buf, cases[i][1]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(path_normalize_gives_one_spelling),
        cmocka_unit_test(sanitize_replaces_invalid_utf8_and_reports_first_line),
        cmocka_unit_test(sanitize_keeps_valid_text_and_corpus_fffd),
        cmocka_unit_test(sanitize_finds_bad_bytes_at_every_offset),
        cmocka_unit_test_setup_teardown(read_skips_binary_and_empty_files, setup, teardown),
        cmocka_unit_test_setup_teardown(read_reports_invalid_utf8_once_with_line, setup, teardown),
        cmocka_unit_test_setup_teardown(collect_walks_sorted_skips_sidecars_and_hidden, setup, teardown),
        cmocka_unit_test(collect_reports_missing_path),
        cmocka_unit_test_setup_teardown(catalog_later_entry_wins_and_bad_lines_reported, setup, teardown),
        cmocka_unit_test(detects_the_formats_of_the_real_files),
        cmocka_unit_test(detection_of_small_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
