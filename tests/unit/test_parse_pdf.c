/*
 * test_parse_pdf.c - PDFs: the pdftotext-layout parser in form-feed mode (pages from form feeds,
 * printed page numbers, footnote blocks and paragraphs as groff -ms PDFs come out of pdftotext)
 * and the reader's side (indexer/pdftotext.c: PDF detection, a missing pdftotext, a failing one).
 *
 * Fixtures: tests/fixtures/pdf/book.txt, book-n7.txt and book-heads.txt are real
 * `pdftotext -layout -enc UTF-8` output of tests/fixtures/pdf/book.ms made into PDFs by groff -ms
 * and ps2pdf (book-n7 with groff -n7, so that its pages are printed 7, 8, 9; book-heads with a
 * three-part running head and the number in the footer), and notes-mm.txt of notes.mm (groff
 * -mm); tests/fixtures/pdf/README.md has the commands.  Line numbers in the comments are lines of book.txt.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "corpus_fixture.h"
#include "parse.h"
#include "pdftotext.h"
#include "source.h"
#include "status.h"

static char *slurp_fixture(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/fixtures/pdf/%s", IBID_SOURCE_DIR, name);
    return fixture_slurp(path, len);
}

static void parse_text(const char *text, size_t len, ibid_passage_list *out)
{
    memset(out, 0, sizeof *out);
    ibid_parse_ctx ctx = {"book.pdf", NULL, NULL};
    assert_int_equal(ibid_detect_format(text, len, "book.pdf"), IBID_FMT_PDFTEXT);
    assert_int_equal(ibid_parse(IBID_FMT_AUTO, &ctx, text, len, out), IBID_OK);
}

static void parse_fixture(const char *name, ibid_passage_list *out)
{
    size_t len;
    char *buf = slurp_fixture(name, &len);
    parse_text(buf, len, out);
    free(buf);
}

/* The passage whose text starts with prefix (exactly one). */
static const ibid_passage *find(const ibid_passage_list *l, const char *prefix)
{
    const ibid_passage *hit = NULL;
    for (size_t i = 0; i < l->n; i++)
        if (strncmp(l->v[i].text, prefix, strlen(prefix)) == 0) {
            assert_null(hit);
            hit = &l->v[i];
        }
    assert_non_null(hit);
    return hit;
}

static size_t count_kind(const ibid_passage_list *l, ibid_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += l->v[i].kind == k;
    return n;
}

/* book.txt: 7 paragraphs and 5 footnotes, on the pages groff put them on. */
static void test_book_passages_and_pages(void **state)
{
    (void)state;
    ibid_passage_list l;
    parse_fixture("book.txt", &l);
    assert_int_equal(count_kind(&l, IBID_KIND_PARAGRAPH), 7);
    assert_int_equal(count_kind(&l, IBID_KIND_FOOTNOTE), 5);

    /* line 8: the first paragraph; its marker "it.1" is glued (line 9) and cut from the text */
    const ibid_passage *p = find(&l, "The supply boat reached Orvenna");
    assert_int_equal(p->kind, IBID_KIND_PARAGRAPH);
    assert_int_equal(p->line, 8);
    assert_int_equal(p->end_line, 10);
    assert_int_equal(p->page, 1);
    assert_int_equal(p->paragraph, 1);
    assert_string_equal(p->chapter, "1. Arrival on the Island");
    assert_non_null(strstr(p->text, "to meet it. They carried lanterns"));
    assert_int_equal(p->ncites, 1);
    assert_int_equal(p->cites[0].footnote, 1);
    assert_non_null(p->cites[0].text);
    assert_non_null(strstr(p->cites[0].text, "ninth of March"));

    /* line 11: an indented paragraph start after a long line that ends a sentence + marker */
    p = find(&l, "\"Nobody on the mainland remembers");
    assert_int_equal(p->page, 1);
    assert_int_equal(p->paragraph, 2);
    assert_int_equal(p->ncites, 1);
    assert_int_equal(p->cites[0].footnote, 2);
    assert_string_equal(p->cites[0].text, "Interview with the keeper, recorded in 1968.");

    p = find(&l, "A third paragraph on the first page");
    assert_int_equal(p->page, 1);
    assert_int_equal(p->paragraph, 3);
    assert_int_equal(p->ncites, 0);

    /* page 2 (after the form feed of line 24, whose "-2-" header is dropped): a new chapter */
    p = find(&l, "On the second page the keepers speak of the saltwater orchard");
    assert_int_equal(p->page, 2);
    assert_int_equal(p->line, 28);
    assert_string_equal(p->chapter, "2. The Long Watch");
    assert_int_equal(p->paragraph, 1);
    assert_int_equal(p->ncites, 1);
    assert_int_equal(p->cites[0].footnote, 3);
    assert_string_equal(p->cites[0].text, "Orchard accounts, ledger four.");
    p = find(&l, "A plain paragraph without notes closes the second page");
    assert_int_equal(p->page, 2);
    assert_int_equal(p->paragraph, 2);

    /* page 3: no title, so the chapter goes on; two markers in one paragraph */
    p = find(&l, "The third page opens with the copper weathervane");
    assert_int_equal(p->page, 3);
    assert_int_equal(p->line, 40);
    assert_string_equal(p->chapter, "2. The Long Watch");
    assert_int_equal(p->paragraph, 3);
    assert_string_equal(p->text, "The third page opens with the copper weathervane of the northern tower, cast in Bergen "
                                 "and shipped in pieces. It was raised in a single afternoon.");
    assert_int_equal(p->ncites, 2);
    assert_int_equal(p->cites[0].footnote, 4);
    assert_int_equal(p->cites[1].footnote, 5);
    assert_string_equal(p->cites[1].text, "Diary of the second keeper, page twelve.");
    p = find(&l, "The last paragraph of the book thanks the reader");
    assert_int_equal(p->page, 3);

    /* footnotes: the number alone on its line (line 19 "   1"), the text on the next lines */
    p = find(&l, "Harbour log of Orvenna");
    assert_int_equal(p->kind, IBID_KIND_FOOTNOTE);
    assert_int_equal(p->footnote, 1);
    assert_int_equal(p->page, 1);
    assert_int_equal(p->line, 19);
    assert_int_equal(p->end_line, 21);
    assert_string_equal(p->text, "Harbour log of Orvenna, volume two, entry for the ninth of March. This note is long on "
                                 "purpose, so that it wraps onto a second and a third line at the foot of the first "
                                 "page, as the long notes of real books do.");
    static const struct { const char *prefix; int num, page; } notes[] = {
        {"Interview with the keeper", 2, 1},
        {"Orchard accounts", 3, 2},
        {"Shipping manifest of the brig Solveig.", 4, 3},
        {"Diary of the second keeper", 5, 3},
    };
    for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++) {
        p = find(&l, notes[i].prefix);
        assert_int_equal(p->kind, IBID_KIND_FOOTNOTE);
        assert_int_equal(p->footnote, notes[i].num);
        assert_int_equal(p->page, notes[i].page);
    }
    /* the title page's lines are titles (metadata), the page headers are gone */
    for (size_t i = 0; i < l.n; i++) {
        assert_null(strstr(l.v[i].text, "-2-"));
        assert_null(strstr(l.v[i].text, "-3-"));
        assert_null(strstr(l.v[i].text, "Lighthouse Keepers"));
    }
    ibid_passages_free(&l);
}

/* book-n7.txt: groff -n7 prints 7, 8, 9 on the pages: citations carry the printed numbers. */
static void test_printed_page_numbers(void **state)
{
    (void)state;
    ibid_passage_list l;
    parse_fixture("book-n7.txt", &l);
    assert_int_equal(l.n, 12);
    assert_int_equal(find(&l, "The supply boat")->page, 7);
    assert_int_equal(find(&l, "Harbour log")->page, 7);
    assert_int_equal(find(&l, "On the second page")->page, 8);
    assert_int_equal(find(&l, "Orchard accounts")->page, 8);
    assert_int_equal(find(&l, "The third page opens")->page, 9);
    assert_int_equal(find(&l, "Diary of the second keeper")->page, 9);
    for (size_t i = 0; i < l.n; i++)
        assert_null(strstr(l.v[i].text, "-8-"));
    ibid_passages_free(&l);
}

/* book-heads.txt: groff with a three-part running head ("The Keepers   -2-   Orvenna") and the
   page number in the footer too ("2"): both lines go, the pages are 1-3, the titles survive. */
static void test_running_head_and_footer(void **state)
{
    (void)state;
    ibid_passage_list l;
    parse_fixture("book-heads.txt", &l);
    assert_int_equal(l.n, 12);
    assert_int_equal(find(&l, "The supply boat")->page, 1);
    assert_int_equal(find(&l, "Interview with the keeper")->page, 1);
    const ibid_passage *p = find(&l, "On the second page");
    assert_int_equal(p->page, 2);
    assert_string_equal(p->chapter, "2. The Long Watch");
    assert_int_equal(find(&l, "The third page opens")->page, 3);
    assert_int_equal(find(&l, "Diary of the second keeper")->page, 3);
    for (size_t i = 0; i < l.n; i++) {
        assert_null(strstr(l.v[i].text, "Keepers"));
        assert_null(strstr(l.v[i].text, "Orvenna -"));
    }
    /* the same passages as book.txt otherwise */
    ibid_passage_list b;
    parse_fixture("book.txt", &b);
    assert_int_equal(b.n, l.n);
    for (size_t i = 0; i < l.n; i++) {
        assert_string_equal(l.v[i].text, b.v[i].text);
        assert_int_equal(l.v[i].page, b.v[i].page);
        assert_int_equal(l.v[i].footnote, b.v[i].footnote);
        assert_int_equal(l.v[i].ncites, b.v[i].ncites);
    }
    ibid_passages_free(&b);
    ibid_passages_free(&l);
}

/* notes-mm.txt (groff -mm): numbered headings followed by an unindented paragraph, and
   definitions as "1.   Text" after a blank line. */
static void test_groff_mm(void **state)
{
    (void)state;
    ibid_passage_list l;
    parse_fixture("notes-mm.txt", &l);
    assert_int_equal(count_kind(&l, IBID_KIND_PARAGRAPH), 3);
    assert_int_equal(count_kind(&l, IBID_KIND_FOOTNOTE), 3);
    const ibid_passage *p = find(&l, "The supply boat reached Orvenna");
    assert_string_equal(p->chapter, "1. Arrival on the Island");
    assert_int_equal(p->page, 1);
    assert_int_equal(p->ncites, 1);
    assert_string_equal(p->cites[0].text, "Harbour log of Orvenna, volume two, entry for the ninth of March.");
    p = find(&l, "Nobody on the mainland");
    assert_int_equal(p->ncites, 1);
    assert_int_equal(p->cites[0].footnote, 2);
    p = find(&l, "On the second page");
    assert_string_equal(p->chapter, "2. The Long Watch");
    assert_int_equal(p->page, 2);
    assert_string_equal(p->cites[0].text, "Orchard accounts, ledger four.");
    p = find(&l, "Orchard accounts");
    assert_int_equal(p->kind, IBID_KIND_FOOTNOTE);
    assert_int_equal(p->footnote, 3);
    assert_int_equal(p->page, 2);
    ibid_passages_free(&l);
}

/* Empties the line that holds what (its bytes go; the line end and a form feed before it stay),
   as if the page had no such line: buf holds *len bytes and a NUL. */
static void empty_line(char *buf, size_t *len, const char *what)
{
    char *p = strstr(buf, what);
    assert_non_null(p);
    char *a = p;
    while (a > buf && a[-1] != '\n' && a[-1] != '\f')
        a--;
    char *b = p + strlen(what);
    memmove(a, b, (size_t)(buf + *len - b) + 1);
    *len -= (size_t)(b - a);
}

/* A page without a printed number counts on from the page before, or back from the next. */
static void test_unnumbered_pages_counted(void **state)
{
    (void)state;
    size_t len;
    char *buf = slurp_fixture("book-n7.txt", &len);
    empty_line(buf, &len, "-8-"); /* page 2 loses its header: 7 + 1 */
    ibid_passage_list l;
    parse_text(buf, len, &l);
    assert_int_equal(find(&l, "On the second page")->page, 8);
    assert_int_equal(find(&l, "The third page opens")->page, 9);
    ibid_passages_free(&l);
    free(buf);

    buf = slurp_fixture("book-n7.txt", &len);
    empty_line(buf, &len, "-7-"); /* the first page loses its header: 8 - 1 */
    parse_text(buf, len, &l);
    assert_int_equal(find(&l, "The supply boat")->page, 7);
    assert_int_equal(find(&l, "On the second page")->page, 8);
    ibid_passages_free(&l);
    free(buf);

    /* one printed number that disagrees with the counted page and has no other page to agree
       with is not believed (it could be anything): counted pages, and the line is dropped */
    buf = slurp_fixture("book-n7.txt", &len);
    empty_line(buf, &len, "-7-");
    empty_line(buf, &len, "-9-");
    parse_text(buf, len, &l);
    assert_int_equal(find(&l, "The supply boat")->page, 1);
    assert_int_equal(find(&l, "On the second page")->page, 2);
    assert_int_equal(find(&l, "The third page opens")->page, 3);
    for (size_t i = 0; i < l.n; i++)
        assert_null(strstr(l.v[i].text, "-8-"));
    ibid_passages_free(&l);
    free(buf);
}

/* Running heads with the number 3+ spaces from the text, and "Page N" footers. */
static void test_running_heads(void **state)
{
    (void)state;
    static const char text[] =
        "The Keepers                                        12\n"
        "       The first paragraph is on page twelve of the printed book.\n"
        "\f13                                        The Keepers\n"
        "       The second paragraph is on page thirteen.\n"
        "\f       The third paragraph is on page fourteen.\n"
        "                                 Page 14\n"
        "\f";
    ibid_passage_list l;
    parse_text(text, sizeof text - 1, &l);
    assert_int_equal(l.n, 3);
    assert_int_equal(find(&l, "The first paragraph")->page, 12);
    assert_int_equal(find(&l, "The second paragraph")->page, 13);
    assert_string_equal(find(&l, "The third paragraph")->text, "The third paragraph is on page fourteen.");
    assert_int_equal(find(&l, "The third paragraph")->page, 14);
    ibid_passages_free(&l);
}

/* A number alone on a line is a footnote only when it is the next definition and its marker
   stands glued in the page's text above; else the text goes on. */
static void test_bare_numbers_that_are_text(void **state)
{
    (void)state;
    static const char text[] =
        "       The keepers counted the lamps up to\n"
        "  2\n"
        "and then stopped, because the oil ran out.\n"
        "       They wrote it down.1\n"
        "\n"
        "  1\n"
        "    Log book, page one.\n"
        "\f";
    ibid_passage_list l;
    parse_text(text, sizeof text - 1, &l);
    assert_int_equal(count_kind(&l, IBID_KIND_FOOTNOTE), 1);
    const ibid_passage *p = find(&l, "The keepers counted");
    assert_int_equal(p->ncites, 0);
    p = find(&l, "They wrote it down.");
    assert_int_equal(p->ncites, 1);
    assert_string_equal(p->cites[0].text, "Log book, page one.");
    assert_int_equal(find(&l, "Log book")->footnote, 1);
    ibid_passages_free(&l);
}

/* An indented quotation goes on until a line ends a sentence. */
static void test_indented_quotation(void **state)
{
    (void)state;
    static const char text[] =
        "       The keeper wrote in his log the words that every keeper knew by heart:\n"
        "          Keep the light, and the light will keep you; for the sea forgives\n"
        "          No keeper who sleeps.\n"
        "       The log ends there.\n"
        "\f";
    ibid_passage_list l;
    parse_text(text, sizeof text - 1, &l);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[1].text, "Keep the light, and the light will keep you; for the sea forgives No keeper who sleeps.");
    ibid_passages_free(&l);
}

/* Form-feed mode has no indentation proxy (pdftotext kept the indent): a full-width line that
   ends a sentence does not end the paragraph; a short last line does, which also finds a
   paragraph that opens a page alone, with nothing to show its indent (as groff's pages do when
   a page holds one line; the widths are those of book.txt). */
static void test_short_last_line(void **state)
{
    (void)state;
    static const char text[] =
        "       The first paragraph of the page tells of the tides and of the lamps that the keepers lit at\n"
        "dusk, and of the long ladder to the lantern room, which every keeper climbed twice a night in winter.\n"
        "Its last sentence is short and ends the paragraph here.\n"
        "       A second paragraph closes the page, and its last line stops well short of the right\n"
        "margin, as the last line of a paragraph does when it ends here.\n"
        "\f                                     -2-\n"
        "\n"
        "\n"
        "A closing paragraph alone on the next page.\n"
        "\f";
    ibid_passage_list l;
    parse_text(text, sizeof text - 1, &l);
    assert_int_equal(l.n, 3);
    assert_non_null(strstr(l.v[0].text, "in winter. Its last sentence is short"));
    assert_int_equal(l.v[1].page, 1);
    assert_string_equal(l.v[2].text, "A closing paragraph alone on the next page.");
    assert_int_equal(l.v[2].page, 2);
    ibid_passages_free(&l);
}

/* Text indented throughout, with blank lines between paragraphs and "[Page N]" footers (the
   layout of an RFC, or of a PDF with spaced paragraphs): the margin is the common indent, a
   blank line breaks a paragraph, a sentence end inside one does not. */
static void test_blank_line_paragraphs(void **state)
{
    (void)state;
    static const char text[] =
        "RFC 9999                    Lighthouse Protocol                 May 2026\n"
        "\n"
        "1.  Introduction\n"
        "\n"
        "   The keepers exchange signals at dusk. The signals are short and they\n"
        "   are repeated. Every keeper answers in turn.\n"
        "\n"
        "   A second paragraph describes the lamps and the oil. It runs over two\n"
        "   lines.\n"
        "\n"
        "Keeper                                                         [Page 5]\n"
        "\fRFC 9999                    Lighthouse Protocol                 May 2026\n"
        "\n"
        "   A third paragraph opens the next page and ends here.\n"
        "\n"
        "Keeper                                                         [Page 6]\n"
        "\f";
    ibid_passage_list l;
    parse_text(text, sizeof text - 1, &l);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0].text, "The keepers exchange signals at dusk. The signals are short and they are repeated. "
                                     "Every keeper answers in turn.");
    assert_string_equal(l.v[0].chapter, "1. Introduction");
    assert_int_equal(l.v[0].page, 5);
    assert_string_equal(l.v[1].text, "A second paragraph describes the lamps and the oil. It runs over two lines.");
    assert_string_equal(l.v[2].text, "A third paragraph opens the next page and ends here.");
    assert_int_equal(l.v[2].page, 6);
    ibid_passages_free(&l);
}

/* CRLF line ends give the same passages. */
static void test_crlf_same(void **state)
{
    (void)state;
    size_t len;
    char *buf = slurp_fixture("book.txt", &len);
    char *crlf = malloc(2 * len + 1);
    assert_non_null(crlf);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n')
            crlf[n++] = '\r';
        crlf[n++] = buf[i];
    }
    crlf[n] = '\0';
    ibid_passage_list a, b;
    parse_text(buf, len, &a);
    parse_text(crlf, n, &b);
    assert_int_equal(a.n, b.n);
    for (size_t i = 0; i < a.n; i++) {
        assert_string_equal(a.v[i].text, b.v[i].text);
        assert_int_equal(a.v[i].page, b.v[i].page);
        assert_int_equal(a.v[i].footnote, b.v[i].footnote);
    }
    ibid_passages_free(&a);
    ibid_passages_free(&b);
    free(crlf);
    free(buf);
}

/* PDFs are told by their "%PDF-" start, or by a .pdf name. */
static void test_is_pdf(void **state)
{
    (void)state;
    assert_true(ibid_source_is_pdf("book", "%PDF-1.7", 8));
    assert_true(ibid_source_is_pdf("shelf/Book.PDF", "junk", 4));
    assert_true(ibid_source_is_pdf("b.pdf", "", 0));
    assert_false(ibid_source_is_pdf("book.txt", "%PDF", 4));
    assert_false(ibid_source_is_pdf("pdf", "Hello", 5));
    assert_false(ibid_source_is_pdf("notes.mdpdf", "Hello", 5));
}

/* pdftotext missing from PATH: IBID_ENOENT and a reason that names poppler-utils; the reader
   skips the file with that reason. */
static void test_pdftotext_missing(void **state)
{
    (void)state;
    const char *old = getenv("PATH");
    char *saved = old ? strdup(old) : NULL;
    char empty[] = "/tmp/ibid-test-pdf-XXXXXX";
    assert_non_null(mkdtemp(empty));
    assert_int_equal(setenv("PATH", empty, 1), 0);
    char *text = (char *)1, why[256];
    size_t len = 1;
    int rc = ibid_pdftotext("book.pdf", IBID_MAX_FILE, 0, &text, &len, why, sizeof why);
    if (saved)
        assert_int_equal(setenv("PATH", saved, 1), 0);
    else
        unsetenv("PATH");
    free(saved);
    assert_int_equal(rmdir(empty), 0);
    assert_int_equal(rc, IBID_ENOENT);
    assert_null(text);
    assert_int_equal(len, 0);
    assert_non_null(strstr(why, "install poppler-utils"));
}

/* A file that is not a PDF: pdftotext fails, the reason is its last error line. */
static void test_pdftotext_fails(void **state)
{
    (void)state;
    char dir[] = "/tmp/ibid-test-pdf-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/-broken.pdf", dir); /* a name like an option, too */
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("%PDF-1.4\nthis is not really a PDF\n", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chdir(dir), 0);
    char *text = NULL, why[256];
    size_t len = 0;
    int rc = ibid_pdftotext("-broken.pdf", IBID_MAX_FILE, 0, &text, &len, why, sizeof why);
    assert_int_equal(chdir(IBID_SOURCE_DIR), 0);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
    if (rc == IBID_ENOENT) {
        skip(); /* poppler-utils is not installed here */
        return;
    }
    assert_int_equal(rc, IBID_EIO);
    assert_null(text);
    assert_non_null(strstr(why, "pdftotext failed (exit status"));
    assert_null(strchr(why, '\n'));
}

/* Hostile form-feed text: random pages of numbers, dashes, "Page", indents and markers.  The
   parser must not crash (ASan checks the rest) and must give sane fields. */
static void test_random_form_feed_text(void **state)
{
    (void)state;
    static const char *const pick[] = {
        "\f", "\n", "\n", "\n", "  ", "       ", "1", "2", "3", "12", "999", "-", "- 4 -", "Page ", " of ",
        "It.", "word", "The ", "x.1 ", "\"", "          ", "\r", "1. Title", "\xE2\x80\x94", "\xEF\xBF\xBD", "a\n  2\n",
    };
    unsigned seed = 12345;
    char buf[4096];
    for (int iter = 0; iter < 3000; iter++) {
        size_t n = 0;
        size_t len = (size_t)(iter % 97) * 8 + 1;
        while (n < len) {
            seed = seed * 1103515245u + 12345u;
            const char *w = pick[(seed >> 16) % (sizeof pick / sizeof pick[0])];
            size_t k = strlen(w);
            if (n + k >= sizeof buf)
                break;
            memcpy(buf + n, w, k);
            n += k;
        }
        buf[n] = '\0';
        ibid_passage_list l;
        memset(&l, 0, sizeof l);
        ibid_parse_ctx ctx = {"r.pdf", NULL, NULL};
        assert_int_equal(ibid_parse_pdftext(&ctx, buf, n, &l), IBID_OK);
        for (size_t i = 0; i < l.n; i++) {
            assert_true(l.v[i].line >= 1 && l.v[i].line <= l.v[i].end_line);
            assert_true(l.v[i].page >= 0);
            assert_true(l.v[i].footnote >= 0 && l.v[i].footnote <= 999);
            assert_non_null(l.v[i].text);
        }
        ibid_passages_free(&l);
    }
}

/* 200 000 lines of footnote-like numbers and glued markers on one page, and 5 000 pages with
   page numbers and running heads: every step stays linear (a quadratic one would not finish). */
static void test_many_numbers(void **state)
{
    (void)state;
    size_t cap = 4u << 20, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    for (int i = 0; i < 100000; i++)
        n += (size_t)snprintf(buf + n, cap - n, "  1\nit.9 x\n");
    n += (size_t)snprintf(buf + n, cap - n, "\f");
    ibid_passage_list l;
    memset(&l, 0, sizeof l);
    ibid_parse_ctx ctx = {"big.pdf", NULL, NULL};
    assert_int_equal(ibid_parse_pdftext(&ctx, buf, n, &l), IBID_OK); /* one 200 000-line page */
    assert_true(l.n >= 1);
    ibid_passages_free(&l);
    n = 0;
    for (int i = 0; i < 5000; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%sRunning head\n\n   Text of the page.\n\n   -%d-\n", i ? "\f" : "",
                              i + 3);
    parse_text(buf, n, &l);
    assert_int_equal(l.n, 5000); /* heads and numbers dropped; each page's short line is one */
    for (size_t i = 0; i < l.n; i++) {
        assert_int_equal(l.v[i].page, (int)i + 3);
        assert_string_equal(l.v[i].text, "Text of the page.");
    }
    ibid_passages_free(&l);
    free(buf);
}

/* A stand-in pdftotext (a shell script first on PATH) that writes big outputs, fails or is
   killed: the pipes are drained without deadlock, the reasons are right, no child is left. */
static char fake_dir[64];

static void install_fake(const char *script)
{
    char path[128];
    snprintf(path, sizeof path, "%s/pdftotext", fake_dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s\n", script);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, 0755), 0);
}

static int run_fake_idle(const char *script, uint64_t max_len, int idle_ms, char **text, size_t *len, char *why,
                         size_t whysize)
{
    snprintf(fake_dir, sizeof fake_dir, "/tmp/ibid-test-pdf-XXXXXX");
    assert_non_null(mkdtemp(fake_dir));
    install_fake(script);
    const char *old = getenv("PATH");
    char *saved = old ? strdup(old) : NULL;
    char path[512];
    snprintf(path, sizeof path, "%s:%s", fake_dir, saved ? saved : "/usr/bin:/bin");
    assert_int_equal(setenv("PATH", path, 1), 0);
    int rc = ibid_pdftotext("x.pdf", max_len, idle_ms, text, len, why, whysize);
    if (saved)
        assert_int_equal(setenv("PATH", saved, 1), 0);
    free(saved);
    char file[128];
    snprintf(file, sizeof file, "%s/pdftotext", fake_dir);
    assert_int_equal(unlink(file), 0);
    assert_int_equal(rmdir(fake_dir), 0);
    /* every child was waited for */
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
    return rc;
}

static int run_fake(const char *script, uint64_t max_len, char **text, size_t *len, char *why, size_t whysize)
{
    return run_fake_idle(script, max_len, 0, text, len, why, whysize);
}

static void test_pdftotext_pipes(void **state)
{
    (void)state;
    char *text = NULL, why[256];
    size_t len = 0;
    /* 300 KB of warnings first (more than a pipe holds: a parent reading only stdout would
       wait forever on a child blocked on stderr), then 2 MB of text, then a last warning */
    int rc = run_fake("head -c 300000 /dev/zero | tr '\\0' w >&2; head -c 2000000 /dev/zero | tr '\\0' a; "
                      "echo last warning >&2; exit 0",
                      IBID_MAX_FILE, &text, &len, why, sizeof why);
    assert_int_equal(rc, IBID_OK);
    assert_int_equal(len, 2000000);
    assert_int_equal(text[0], 'a');
    assert_int_equal(text[len - 1], 'a');
    assert_int_equal(text[len], '\0');
    free(text);
    /* its arguments: -layout -enc UTF-8 FILE - */
    rc = run_fake("printf '%s|' \"$@\"", IBID_MAX_FILE, &text, &len, why, sizeof why);
    assert_int_equal(rc, IBID_OK);
    assert_string_equal(text, "-layout|-enc|UTF-8|x.pdf|-|");
    free(text);
    /* stdin is /dev/null: reading it ends at once */
    rc = run_fake("cat; echo done", IBID_MAX_FILE, &text, &len, why, sizeof why);
    assert_int_equal(rc, IBID_OK);
    assert_string_equal(text, "done\n");
    free(text);
    /* our stdin closed: pipe() hands out fd 0, which must not end up as the child's stdin or
       be clobbered by its dup2s */
    int saved = dup(0);
    assert_true(saved >= 0);
    assert_int_equal(close(0), 0);
    rc = run_fake("echo out; echo err >&2", IBID_MAX_FILE, &text, &len, why, sizeof why);
    assert_int_equal(dup2(saved, 0), 0);
    assert_int_equal(close(saved), 0);
    assert_int_equal(rc, IBID_OK);
    assert_string_equal(text, "out\n");
    free(text);
    /* a nonzero exit: the reason is its last stderr line */
    rc = run_fake("echo some text; echo 'Syntax Error: first' >&2; echo 'Syntax Error: Couldn'\\''t read xref table' >&2; exit 3",
                  IBID_MAX_FILE, &text, &len, why, sizeof why);
    assert_int_equal(rc, IBID_EIO);
    assert_null(text);
    assert_string_equal(why, "pdftotext failed (exit status 3): Syntax Error: Couldn't read xref table");
    /* killed by a signal */
    rc = run_fake("kill -9 $$", IBID_MAX_FILE, &text, &len, why, sizeof why);
    assert_int_equal(rc, IBID_EIO);
    assert_string_equal(why, "pdftotext failed (killed by signal 9)");
    /* silent for longer than allowed: stopped and reaped ("exec" so that the sleep is the child) */
    rc = run_fake_idle("echo begun; exec sleep 30", IBID_MAX_FILE, 300, &text, &len, why, sizeof why);
    assert_int_equal(rc, IBID_EIO);
    assert_null(text);
    assert_string_equal(why, "pdftotext wrote nothing for 1 s and was stopped");
    /* more text than allowed: ELIMIT, and the child (which would write forever) is stopped */
    rc = run_fake("exec cat /dev/zero", 1 << 20, &text, &len, why, sizeof why);
    assert_int_equal(rc, IBID_ELIMIT);
    assert_null(text);
    assert_non_null(strstr(why, "larger than 1048576 bytes"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_book_passages_and_pages),
        cmocka_unit_test(test_printed_page_numbers),
        cmocka_unit_test(test_unnumbered_pages_counted),
        cmocka_unit_test(test_running_heads),
        cmocka_unit_test(test_running_head_and_footer),
        cmocka_unit_test(test_groff_mm),
        cmocka_unit_test(test_bare_numbers_that_are_text),
        cmocka_unit_test(test_indented_quotation),
        cmocka_unit_test(test_short_last_line),
        cmocka_unit_test(test_blank_line_paragraphs),
        cmocka_unit_test(test_crlf_same),
        cmocka_unit_test(test_random_form_feed_text),
        cmocka_unit_test(test_many_numbers),
        cmocka_unit_test(test_is_pdf),
        cmocka_unit_test(test_pdftotext_missing),
        cmocka_unit_test(test_pdftotext_fails),
        cmocka_unit_test(test_pdftotext_pipes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
