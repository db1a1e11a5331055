/* test_output.c - the hit formats of searcher/output.c, above all how each format lists the
 * near-duplicates grouped under a hit (issue 6).  The passages are those that ibid-search
 * returns on corpus/ for "BSU new level of cooperation with Peking University": the same
 * paragraph printed in two works (corpus/002_8ab7396e8091a3d3.txt:635 and
 * corpus/000_b36bc166d576b6e2.txt:1709, section 8 of ../shared/docs/corpus-format.md), and
 * footnote 95 of 002 (line 643), repeated by 002's bibliography (line 1267) and by 000
 * (line 1760).  Texts shortened; citations as the index gives them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "output.h"
#include "passage.h"
#include "status.h"

static const ibid_passage para_002 = {
    IBID_KIND_PARAGRAPH, "corpus/002_8ab7396e8091a3d3.txt", 635, 635, "On the course of cooperation",
    "Strategic partnership enters a new era", 49, 21, 0, NULL, 0, NULL,
    "In particular, BSU is entering a new level of cooperation with Peking University"};
static const ibid_passage para_000 = {
    IBID_KIND_PARAGRAPH, "corpus/000_b36bc166d576b6e2.txt", 1709, 1709, "000_b36bc166d576b6e2",
    "Belarus-China: strategic partnership enters a new era", 32, 20, 0, NULL, 0, NULL, "In particular, BSU is entering a new level of co-operation with Peking University"};
static const ibid_passage fn_002 = {
    IBID_KIND_FOOTNOTE, "corpus/002_8ab7396e8091a3d3.txt", 643, 643, "On the course of cooperation",
    "Strategic partnership enters a new era", 49, 0, 95, NULL, 0, NULL,
    "BSU enters a new level of cooperation with Beijing University [Electronic resource]. - 2023."};
static const ibid_passage bib_002 = {
    IBID_KIND_BIBLIOGRAPHY, "corpus/002_8ab7396e8091a3d3.txt", 1267, 1267, "On the course of cooperation",
    "Literature", 0, 0, 94, NULL, 0, NULL,
    "BSU enters a new level of cooperation with Beijing University [Electronic resource]. - 2023."};
static const ibid_passage fn_000 = {
    IBID_KIND_FOOTNOTE, "corpus/000_b36bc166d576b6e2.txt", 1760, 1760, "000_b36bc166d576b6e2",
    "Belarus-China: strategic partnership enters a new era", 32, 0, 62, NULL, 0, NULL, "BSU enters a new level of co-operation with Beijing University [Electronic resource]."};

static const ibid_out_dup dups1[] = {{&para_000, 16.9116}};
static const ibid_out_dup dups2[] = {{&bib_002, 13.4909}, {&fn_000, 13.1187}};

/* Hit number rank of the grouped run: rank 1 = para_002 (one copy), rank 2 = fn_002 (two). */
static ibid_out_hit hit(size_t rank)
{
    const ibid_passage *p = rank == 1 ? &para_002 : &fn_002;
    ibid_out_hit h = {"q7", rank, rank == 1 ? 17.250546 : 13.49092, p, 0, strlen(p->text), NULL, NULL,
                      NULL, rank == 1 ? dups1 : dups2, rank == 1 ? 1 : 2, 1, NULL};
    return h;
}

/* The n-th line (0-based) of s, copied into out. */
static const char *line_of(const char *s, int n, char *out, size_t cap)
{
    for (; n > 0 && s; n--)
        if ((s = strchr(s, '\n')))
            s++;
    assert_non_null(s);
    size_t len = strcspn(s, "\n");
    assert_true(len < cap);
    memcpy(out, s, len);
    out[len] = '\0';
    return out;
}

static int count_char(const char *s, char c)
{
    int n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

static void test_tsv_duplicates_column(void **state)
{
    (void)state;
    ibid_buf b = {0};
    char l[512];
    assert_int_equal(ibid_output_tsv_header(&b), IBID_OK);
    ibid_out_hit h1 = hit(1), h2 = hit(2), none = hit(1);
    none.ndups = 0;
    none.dups = NULL;
    assert_int_equal(ibid_output_hit(&b, IBID_OUT_TSV, &h1, 0), IBID_OK);
    assert_int_equal(ibid_output_hit(&b, IBID_OUT_TSV, &h2, 0), IBID_OK);
    assert_int_equal(ibid_output_hit(&b, IBID_OUT_TSV, &none, 0), IBID_OK);
    line_of(b.data, 0, l, sizeof l);
    assert_string_equal(strrchr(l, '\t'), "\tduplicates");
    assert_int_equal(count_char(l, '\t'), 13);
    /* every line has the 14 columns; the last one lists the copies */
    for (int i = 1; i <= 3; i++)
        assert_int_equal(count_char(line_of(b.data, i, l, sizeof l), '\t'), 13);
    assert_string_equal(strrchr(line_of(b.data, 1, l, sizeof l), '\t'), "\tcorpus/000_b36bc166d576b6e2.txt:1709");
    assert_string_equal(strrchr(line_of(b.data, 2, l, sizeof l), '\t'),
                        "\tcorpus/002_8ab7396e8091a3d3.txt:1267; corpus/000_b36bc166d576b6e2.txt:1760");
    assert_string_equal(strrchr(line_of(b.data, 3, l, sizeof l), '\t'), "\t");
    /* the text column is still the 13th */
    assert_non_null(strstr(line_of(b.data, 1, l, sizeof l), "\tIn particular, BSU is entering"));
    ibid_buf_free(&b);
}

static void test_trec_copies_are_lines(void **state)
{
    (void)state;
    ibid_buf b = {0};
    char l[512];
    ibid_out_hit h1 = hit(1), h2 = hit(2);
    /* numbered line by line: the second hit follows the first one's copy */
    assert_int_equal(ibid_output_hit_at(&b, IBID_OUT_TREC, &h1, 0, 1), IBID_OK);
    assert_int_equal(ibid_output_hit_at(&b, IBID_OUT_TREC, &h2, 0, 3), IBID_OK);
    assert_string_equal(line_of(b.data, 0, l, sizeof l), "q7 Q0 corpus/002_8ab7396e8091a3d3.txt:635 1 17.250546 ibid");
    /* a copy carries its group's score (its own, 16.91, would place it elsewhere in trec_eval) */
    assert_string_equal(line_of(b.data, 1, l, sizeof l), "q7 Q0 corpus/000_b36bc166d576b6e2.txt:1709 2 17.250546 ibid");
    assert_string_equal(line_of(b.data, 2, l, sizeof l), "q7 Q0 corpus/002_8ab7396e8091a3d3.txt:643 3 13.490920 ibid");
    assert_string_equal(line_of(b.data, 3, l, sizeof l), "q7 Q0 corpus/002_8ab7396e8091a3d3.txt:1267 4 13.490920 ibid");
    assert_string_equal(line_of(b.data, 4, l, sizeof l), "q7 Q0 corpus/000_b36bc166d576b6e2.txt:1760 5 13.490920 ibid");
    assert_int_equal(count_char(b.data, '\n'), 5);
    /* ibid_output_hit numbers by the hit's rank */
    ibid_buf c = {0};
    assert_int_equal(ibid_output_hit(&c, IBID_OUT_TREC, &h2, 0), IBID_OK);
    assert_string_equal(line_of(c.data, 0, l, sizeof l), "q7 Q0 corpus/002_8ab7396e8091a3d3.txt:643 2 13.490920 ibid");
    ibid_buf_free(&b);
    ibid_buf_free(&c);
}

static void test_grep_also_lines(void **state)
{
    (void)state;
    ibid_buf b = {0};
    char l[512];
    ibid_out_hit h2 = hit(2);
    assert_int_equal(ibid_output_hit(&b, IBID_OUT_GREP, &h2, 0), IBID_OK);
    assert_string_equal(line_of(b.data, 0, l, sizeof l),
                        "corpus/002_8ab7396e8091a3d3.txt:643:BSU enters a new level of cooperation with Beijing "
                        "University [Electronic resource]. - 2023.");
    assert_string_equal(line_of(b.data, 1, l, sizeof l),
                        "corpus/002_8ab7396e8091a3d3.txt:1267:also: BSU enters a new level of cooperation with "
                        "Beijing University [Electronic resource]. - 2023.");
    assert_string_equal(line_of(b.data, 2, l, sizeof l),
                        "corpus/000_b36bc166d576b6e2.txt:1760:also: BSU enters a new level of co-operation "
                        "with Beijing University [Electronic resource].");
    assert_int_equal(count_char(b.data, '\n'), 3);
    ibid_buf_free(&b);
}

static void test_text_and_json_list_copies(void **state)
{
    (void)state;
    ibid_buf b = {0};
    ibid_out_hit h1 = hit(1);
    assert_int_equal(ibid_output_hit(&b, IBID_OUT_TEXT, &h1, 0), IBID_OK);
    assert_non_null(strstr(b.data, "\n   also: [16.912] 000_b36bc166d576b6e2; Belarus-China: strategic partnership enters a new "
                                "era; p. 32; para. 20; corpus/000_b36bc166d576b6e2.txt:1709\n"));
    ibid_buf_free(&b);
    ibid_buf j = {0};
    assert_int_equal(ibid_output_hit(&j, IBID_OUT_JSON, &h1, 0), IBID_OK);
    assert_non_null(strstr(j.data, "\"duplicates\":[{\"file\":\"corpus/000_b36bc166d576b6e2.txt\",\"line\":1709,"));
    assert_int_equal(count_char(j.data, '\n'), 1);
    ibid_buf_free(&j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tsv_duplicates_column),
        cmocka_unit_test(test_trec_copies_are_lines),
        cmocka_unit_test(test_grep_also_lines),
        cmocka_unit_test(test_text_and_json_list_copies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
