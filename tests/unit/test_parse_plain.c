/*
 * test_parse_plain.c - the plain-text parser (indexer/parse_plain.c) on Project Gutenberg books
 * from ../shared/bench/gutenberg/ (cited as book:line) and on small fixtures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "corpus_fixture.h"
#include "parse.h"
#include "passage.h"
#include "status.h"

#define GUT IBID_SHARED_DIR "/bench/gutenberg/"
#define LADY_SUSAN GUT "Austen_Jane/Lady_Susan.txt"
#define DARWIN GUT "Darwin_Charles/Geological_Observations_on_South_America.txt"
#define ILLUSIONS GUT "Balzac_Honore_de/Lost_Illusions.txt"

static ibid_passage_list parse_file(const char *path, const char *work)
{
    size_t len;
    char *buf = fixture_slurp(path, &len);
    ibid_passage_list l = {0};
    ibid_parse_ctx ctx = {path, work, NULL};
    assert_int_equal(ibid_parse_plain(&ctx, buf, len, &l), IBID_OK);
    free(buf);
    return l;
}

static ibid_passage_list parse_str(const char *text, const char *name)
{
    ibid_passage_list l = {0};
    ibid_parse_ctx ctx = {name, NULL, NULL};
    assert_int_equal(ibid_parse_plain(&ctx, text, strlen(text), &l), IBID_OK);
    return l;
}

static const ibid_passage *at(const ibid_passage_list *l, int line)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].line == line)
            return &l->v[i];
    return NULL;
}

static void gutenberg_header_and_footer_are_not_passages(void **state)
{
    (void)state;
    ibid_passage_list l = parse_file(LADY_SUSAN, NULL);
    assert_true(l.n > 200);
    for (size_t i = 0; i < l.n; i++) {
        assert_true(l.v[i].line > 21);      /* Lady_Susan:21 `*** START OF THIS PROJECT GUTENBERG...` */
        assert_true(l.v[i].end_line < 2564); /* Lady_Susan:2564 `*** END OF THIS PROJECT GUTENBERG...` */
        assert_string_equal(l.v[i].work, "Lady Susan"); /* Lady_Susan:9 `Title: Lady Susan` */
        assert_null(strstr(l.v[i].text, "Gutenberg"));
        assert_int_equal(l.v[i].kind, IBID_KIND_PARAGRAPH);
        assert_int_equal(l.v[i].page, 0);
        assert_int_equal(l.v[i].footnote, 0);
        assert_int_equal(l.v[i].ncites, 0);
        assert_null(l.v[i].id);
        assert_true(l.v[i].paragraph >= 1);
    }
    /* Lady_Susan:26 `Produced by An Anonymous Volunteer` is boilerplate too */
    assert_null(at(&l, 26));
    assert_string_equal(at(&l, 32)->text, "LADY SUSAN");
    ibid_passages_free(&l);
}

static void paragraphs_join_lines_and_roman_headings_name_chapters(void **state)
{
    (void)state;
    ibid_passage_list l = parse_file(LADY_SUSAN, NULL);
    /* Lady_Susan:39 `I` is the heading of letter I; 42 its first paragraph */
    const ibid_passage *p = at(&l, 42);
    assert_non_null(p);
    assert_string_equal(p->chapter, "I");
    assert_int_equal(p->paragraph, 1);
    assert_string_equal(p->text, "LADY SUSAN VERNON TO MR. VERNON");
    /* Lady_Susan:47-56, ten lines joined with single spaces */
    p = at(&l, 47);
    assert_non_null(p);
    assert_int_equal(p->end_line, 56);
    assert_int_equal(p->paragraph, 3);
    assert_true(strncmp(p->text, "MY DEAR BROTHER,--I can no longer refuse myself the pleasure of profiting by", 76) == 0);
    assert_null(strstr(p->text, "  "));
    assert_null(strchr(p->text, '\n'));
    assert_null(at(&l, 39)); /* the heading is not a passage */
    /* numbering restarts in letter II */
    int seen_ii = 0;
    for (size_t i = 0; i < l.n; i++)
        if (l.v[i].chapter && strcmp(l.v[i].chapter, "II") == 0 && !seen_ii) {
            assert_int_equal(l.v[i].paragraph, 1);
            seen_ii = 1;
        }
    assert_true(seen_ii);
    ibid_passages_free(&l);
}

static void chapter_keyword_headings(void **state)
{
    (void)state;
    const char *text = "Title page text.\n\nCHAPTER I.\nTHE TWO MARIES\n\nFirst paragraph\nof chapter one.\n\n"
                       "Second one.\n\nChapter 2: Florine\n\nThird.\n\nChapter and verse were quoted at length by\n"
                       "him, and so on for three lines of ordinary text that is not a heading at all\nbecause it is long.\n";
    ibid_passage_list l = parse_str(text, "dir/book.txt");
    assert_int_equal(l.n, 5);
    assert_null(l.v[0].chapter);
    assert_int_equal(l.v[0].paragraph, 1);
    assert_string_equal(l.v[0].work, "book");
    assert_string_equal(l.v[1].chapter, "CHAPTER I. THE TWO MARIES");
    assert_string_equal(l.v[1].text, "First paragraph of chapter one.");
    assert_int_equal(l.v[1].line, 6);
    assert_int_equal(l.v[1].end_line, 7);
    assert_int_equal(l.v[2].paragraph, 2);
    assert_string_equal(l.v[3].chapter, "Chapter 2: Florine");
    assert_int_equal(l.v[3].paragraph, 1);
    assert_string_equal(l.v[4].chapter, "Chapter 2: Florine");
    ibid_passages_free(&l);
}

static void line_end_hyphen_is_kept_and_joined(void **state)
{
    (void)state;
    /* Lost_Illusions:25632-25633 `And so in the mid-` / `eighteenth century` */
    ibid_passage_list l = parse_file(ILLUSIONS, NULL);
    int found = 0;
    for (size_t i = 0; i < l.n; i++)
        if (l.v[i].line <= 25632 && l.v[i].end_line >= 25633)
            found = strstr(l.v[i].text, "And so in the mid-eighteenth century, in a land") != NULL;
    assert_true(found);
    assert_string_equal(l.v[0].work, "Lost Illusions");
    ibid_passages_free(&l);
    /* a dash with a space before it is joined with a space */
    l = parse_str("products -\nmilk and co-\noperation\n", "x.txt");
    assert_string_equal(l.v[0].text, "products - milk and co-operation");
    ibid_passages_free(&l);
}

static void old_etext_header_and_banner_title(void **state)
{
    (void)state;
    ibid_passage_list l = parse_file(DARWIN, NULL);
    assert_true(l.n > 1000);
    for (size_t i = 0; i < l.n; i++) {
        /* Darwin:358 `*END THE SMALL PRINT! ...`; 14178 `End of Project Gutenberg Etext ...` */
        assert_true(l.v[i].line > 358 && l.v[i].end_line < 14178);
        /* Darwin:1 `Project Gutenberg Etext South American Geology, by Charles Darwin` */
        assert_string_equal(l.v[i].work, "South American Geology");
    }
    ibid_passages_free(&l);
    l = parse_file(DARWIN, "Geological Observations on South America");
    assert_string_equal(l.v[0].work, "Geological Observations on South America"); /* the catalog wins */
    ibid_passages_free(&l);
}

static void whitespace_crlf_and_empty_input(void **state)
{
    (void)state;
    ibid_passage_list l = parse_str("", "e.txt");
    assert_int_equal(l.n, 0);
    ibid_passages_free(&l);
    l = parse_str(" \n\t\n\r\n", "e.txt");
    assert_int_equal(l.n, 0);
    ibid_passages_free(&l);
    l = parse_str("  One\t two  \r\n three\r\n \r\n\r\nFour\r\n", "c.txt");
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[0].text, "One two three");
    assert_int_equal(l.v[0].line, 1);
    assert_int_equal(l.v[0].end_line, 2);
    assert_string_equal(l.v[1].text, "Four");
    assert_int_equal(l.v[1].line, 5);
    assert_string_equal(l.v[1].file, "c.txt");
    ibid_passages_free(&l);
    /* "Title:" outside a Gutenberg header is just text */
    l = parse_str("Title: Not a title\n", "t.txt");
    assert_string_equal(l.v[0].work, "t");
    assert_string_equal(l.v[0].text, "Title: Not a title");
    ibid_passages_free(&l);
}

static void ten_megabyte_line(void **state)
{
    (void)state;
    size_t n = 10u << 20;
    char *big = malloc(n + 1);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = i % 7 == 6 ? ' ' : (i % 13 == 12 ? '-' : 'a');
    big[n] = '\0';
    ibid_passage_list l = {0};
    ibid_parse_ctx ctx = {"big.txt", NULL, NULL};
    assert_int_equal(ibid_parse_plain(&ctx, big, n, &l), IBID_OK);
    assert_int_equal(l.n, 1);
    ibid_passages_free(&l);
    free(big);
}

/* Every book of the benchmark shelf parses, with a title and passages. */
static void every_gutenberg_book_parses(void **state)
{
    (void)state;
    DIR *top = opendir(GUT);
    assert_non_null(top);
    struct dirent *a;
    size_t books = 0, titled = 0;
    while ((a = readdir(top)) != NULL) {
        if (a->d_name[0] == '.')
            continue;
        char dir[4096];
        snprintf(dir, sizeof dir, "%s%s", GUT, a->d_name);
        DIR *d = opendir(dir);
        if (!d)
            continue;
        struct dirent *b;
        while ((b = readdir(d)) != NULL) {
            size_t nl = strlen(b->d_name);
            if (nl < 5 || strcmp(b->d_name + nl - 4, ".txt") != 0)
                continue;
            char path[8192];
            snprintf(path, sizeof path, "%s/%s", dir, b->d_name);
            ibid_passage_list l = parse_file(path, NULL);
            assert_true(l.n > 0);
            books++;
            titled += strchr(l.v[0].work, '_') == NULL; /* a real title, not the file name */
            for (size_t i = 0; i < l.n; i++) {
                assert_null(strstr(l.v[i].text, "*** START OF"));
                assert_true(l.v[i].line <= l.v[i].end_line);
            }
            ibid_passages_free(&l);
        }
        closedir(d);
    }
    closedir(top);
    assert_int_equal(books, 270);
    assert_true(titled >= 250);
}

/* What add_line must give: white space runs (space, tab, CR, FF, VT, NUL) collapsed to one
   space, every other byte kept; the reference, byte by byte, for the 8-bytes-at-a-time copy. */
static size_t collapse_ref(const char *in, size_t n, char *out)
{
    size_t k = 0;
    int sp = 0;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\0') {
            sp = 1;
            continue;
        }
        if (sp && k)
            out[k++] = ' ';
        sp = 0;
        out[k++] = c;
    }
    out[k] = '\0';
    return k;
}

/* One paragraph line of Lady Susan (Lady_Susan:47 "MY DEAR BROTHER,--I can no longer refuse
   myself the pleasure of") with white space of each kind, single and doubled, and a control byte,
   moved through every offset, so that each case falls at each place of an 8-byte step. */
static void whitespace_collapses_at_every_offset(void **state)
{
    (void)state;
    const char *line = "MY DEAR BROTHER,--I can no longer refuse myself the pleasure of";
    static const char *const ws[] = {"  ", "\t", " \t ", "\r", "\f\v", "\x01", " \xc2\xa0 ", "\xe2\x80\x94"};
    char text[256], want[256];
    for (size_t w = 0; w < sizeof ws / sizeof *ws; w++) {
        for (size_t at = 1; at < strlen(line); at++) {
            size_t k = 0;
            memcpy(text, line, at);
            k = at;
            memcpy(text + k, ws[w], strlen(ws[w]));
            k += strlen(ws[w]);
            strcpy(text + k, line + at);
            size_t n = strlen(text);
            collapse_ref(text, n, want);
            ibid_passage_list l = parse_str(text, "ws.txt");
            assert_int_equal(l.n, 1);
            assert_string_equal(l.v[0].text, want);
            ibid_passages_free(&l);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gutenberg_header_and_footer_are_not_passages),
        cmocka_unit_test(paragraphs_join_lines_and_roman_headings_name_chapters),
        cmocka_unit_test(chapter_keyword_headings),
        cmocka_unit_test(line_end_hyphen_is_kept_and_joined),
        cmocka_unit_test(old_etext_header_and_banner_title),
        cmocka_unit_test(whitespace_crlf_and_empty_input),
        cmocka_unit_test(whitespace_collapses_at_every_offset),
        cmocka_unit_test(ten_megabyte_line),
        cmocka_unit_test(every_gutenberg_book_parses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
