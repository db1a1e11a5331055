/*
 * parse_plain.c - plain text (Project Gutenberg books and any other unrecognised text).
 *
 * A paragraph is a run of non-blank lines; blank (whitespace-only) lines separate paragraphs.
 * Lines are joined with one space, except that a line ending in "<letter>-" joins the next with
 * no space and keeps the hyphen (as for pdftotext text: "co-" + "operation" = "co-operation").
 * Runs of whitespace collapse to one space.  There are no pages.
 *
 * Project Gutenberg: the header before "*** START OF ..." (or, in old e-texts, before
 * "*END*THE SMALL PRINT...") and the footer from "*** END OF ..." / "End of (the) Project
 * Gutenberg ..." on are not passages, nor is the producers' credit ("Produced by ...") that
 * opens the body.  The work title is the header's "Title:" line (with its
 * indented continuation lines), else the "The Project Gutenberg EBook of TITLE, by AUTHOR"
 * banner, else ctx->work or the file name (ctx->work, from the catalog, always wins).
 *
 * Chapter headings: a block of one or two short lines whose first line is "CHAPTER I",
 * "Chapter 12.", "BOOK II", "PART ONE" ... (a keyword, then a roman or arabic number or a
 * number word), or a line that is only an upper-case roman numeral ("IV", "XII."), is a
 * heading, not a passage; it names the chapter of the paragraphs after it and restarts their
 * numbering.  Before the first heading chapter is null and paragraphs count
 * from the start of the file.
 *
 * One pass over the buffer, no allocation per line: each paragraph is assembled in one reused
 * buffer and copied once into the arena.
 */
#include <stdint.h>
#include <string.h>

#include "parse.h"
#include "parse_util.h"
#include "status.h"

typedef ibid_span span;

static int ieq_prefix(const char *s, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    if (n < l)
        return 0;
    for (size_t i = 0; i < l; i++) {
        char a = s[i], b = lit[i];
        if (ibid_is_upper(a))
            a = (char)(a + 32);
        if (ibid_is_upper(b))
            b = (char)(b + 32);
        if (a != b)
            return 0;
    }
    return 1;
}

/* "*** START OF ..." with any number of leading '*' and spaces. */
static int pg_marker(span t, const char *what)
{
    size_t i = 0;
    while (i < t.n && t.s[i] == '*')
        i++;
    if (i < 3)
        return 0;
    while (i < t.n && t.s[i] == ' ')
        i++;
    return ieq_prefix(t.s + i, t.n - i, what);
}

static int pg_small_print_end(span t)
{
    return ieq_prefix(t.s, t.n, "*END*THE SMALL PRINT") || ieq_prefix(t.s, t.n, "*END THE SMALL PRINT");
}

static int pg_footer(span t)
{
    if (t.n == 0 || (t.s[0] != '*' && (t.s[0] | 0x20) != 'e'))
        return 0; /* most lines: neither "***" nor "End" */
    return pg_marker(t, "END OF") || ieq_prefix(t.s, t.n, "End of the Project Gutenberg") ||
           ieq_prefix(t.s, t.n, "End of Project Gutenberg") || ieq_prefix(t.s, t.n, "End of this Project Gutenberg");
}

static int is_roman(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("IVXLCDMivxlcdm", s[i]) || s[i] == '\0')
            return 0;
    return 1;
}

static int is_number_word(const char *s, size_t n)
{
    static const char *words[] = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                                  "eleven", "twelve", "first", "second", "third", "fourth", "fifth", "last"};
    for (size_t k = 0; k < sizeof words / sizeof *words; k++)
        if (strlen(words[k]) == n && ieq_prefix(s, n, words[k]))
            return 1;
    return 0;
}

/* Is this (trimmed) line a chapter heading line such as "CHAPTER IV." or "Chapter 3: Title"? */
static int heading_line(span t)
{
    static const char *keys[] = {"CHAPTER", "Chapter", "BOOK", "Book", "PART", "Part", "VOLUME", "Volume",
                                 "STAVE", "Stave", "LETTER", "Letter"};
    if (t.n == 0 || t.n > 80)
        return 0;
    /* a bare roman numeral: "IV", "XII." (Lady Susan's letters, many novels' chapters) */
    size_t r = t.n && t.s[t.n - 1] == '.' ? t.n - 1 : t.n;
    if (r > 0 && r <= 8 && is_roman(t.s, r) && ibid_is_upper(t.s[0]))
        return 2; /* only as a block of its own */
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        size_t l = strlen(keys[k]);
        if (t.n <= l + 1 || memcmp(t.s, keys[k], l) != 0 || t.s[l] != ' ')
            continue;
        size_t i = l + 1, j;
        while (i < t.n && t.s[i] == ' ')
            i++;
        j = i;
        while (j < t.n && ibid_is_alnum(t.s[j]))
            j++;
        if (j == i)
            return 0;
        int digits = 1;
        for (size_t q = i; q < j; q++)
            digits &= ibid_is_digit(t.s[q]);
        if (!(digits || is_roman(t.s + i, j - i) || is_number_word(t.s + i, j - i)))
            return 0;
        /* after the number: nothing, or punctuation then a short title */
        if (j == t.n)
            return 1;
        char c = t.s[j];
        return c == '.' || c == ':' || c == ' ' || c == '-' || c == ',';
    }
    return 0;
}

/* The producers' credit that follows a Gutenberg header. */
static int pg_credit(const char *s, size_t n)
{
    static const char *pre[] = {"Produced by ", "Etext prepared by ", "E-text prepared by ", "This etext was prepared by ",
                                "This eBook was produced by ", "Transcribed from ", "[Portions of this header are copyright"};
    for (size_t k = 0; k < sizeof pre / sizeof *pre; k++)
        if (ieq_prefix(s, n, pre[k]))
            return 1;
    return 0;
}

typedef struct plain {
    ibid_passage_list *out;
    int gutenberg; /* a Project Gutenberg header was found */
    const char *file, *work, *chapter;
    int para_no;
    ibid_buf text;
    int err;
    /* the block being read */
    size_t first, last, nlines;
    int heading;
} plain;

/* Appends one line to the paragraph text: whitespace collapsed, line-end hyphens joined.
   Eight bytes at a time while they hold nothing to change: no white space but single ' '
   characters, none of them next to another (nearly all of a book's text); else byte by byte.
   t is trimmed, so a run of white space is always followed by a word: its ' ' is written at
   its first byte. */
static void add_line(plain *p, span t)
{
    if (p->err)
        return;
    ibid_buf *b = &p->text;
    if (b->len > 0) {
        char last = b->data[b->len - 1];
        int hyph = last == '-' && b->len >= 2 && ibid_is_alpha(b->data[b->len - 2]);
        if (!hyph && ibid_buf_putc(b, ' '))
            goto oom;
    }
    if (ibid_buf_reserve(b, t.n))
        goto oom;
    /* the copy is at most t.n bytes, and an 8-byte store only copies 8 bytes read; a local
       cursor, not b->len: a char store may alias b->len, which the compiler would then
       reload and store every byte */
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x80 * ones;
    char *o = b->data + b->len;
    int space = 0; /* the last byte written is a ' ' of a white space run */
    const char *s = t.s, *e = t.s + t.n;
    while (s < e) {
        if (e - s >= 8) {
            uint64_t w = ibid_le64_load(s);
            uint64_t x = w & 0x7f * ones;
            uint64_t ctl = ~(x + (0x80 - 0x21) * ones) & ~w & highs; /* bytes <= 0x20 */
            uint64_t y = x ^ 0x20 * ones;
            uint64_t sp = ~(y + 0x7f * ones) & ~y & ~w & highs; /* bytes == ' ' (exact) */
            if (!(ctl & ~sp) && !(sp & (sp << 8)) && !(space && (sp & 0x80))) {
                ibid_le64_store(o, w);
                o += 8;
                s += 8;
                space = (int)(sp >> 63);
                continue;
            }
        }
        char c = *s++;
        if (ibid_is_space(c)) {
            if (!space)
                *o++ = ' ';
            space = 1;
        } else {
            *o++ = c;
            space = 0;
        }
    }
    *o = '\0';
    b->len = (size_t)(o - b->data);
    return;
oom:
    p->err = IBID_ENOMEM;
}

static void end_block(plain *p)
{
    if (p->nlines == 0 || p->err)
        return;
    size_t nlines = p->nlines;
    p->nlines = 0;
    if (p->text.len == 0)
        return;
    if ((p->heading == 1 && nlines <= 2 && p->text.len <= 120) || (p->heading == 2 && nlines == 1)) {
        p->chapter = ibid_arena_strndup(&p->out->arena, p->text.data, p->text.len);
        if (!p->chapter)
            p->err = IBID_ENOMEM;
        p->para_no = 0;
        return;
    }
    if (p->gutenberg && !p->chapter && p->para_no < 5 && pg_credit(p->text.data, p->text.len))
        return; /* "Produced by ..." right after the header: Gutenberg boilerplate */
    ibid_passage q = {0};
    q.kind = IBID_KIND_PARAGRAPH;
    q.file = p->file;
    q.line = (int)p->first + 1;
    q.end_line = (int)p->last + 1;
    q.work = p->work;
    q.chapter = p->chapter;
    q.paragraph = ++p->para_no;
    q.text = ibid_arena_strndup(&p->out->arena, p->text.data, p->text.len);
    if (!q.text || !ibid_passages_push(p->out, &q))
        p->err = IBID_ENOMEM;
}

/* Finds the Gutenberg title in the header lines [0, hdr_end). Writes it into b (empty: none). */
static int find_title(const char *buf, size_t len, size_t hdr_end_off, ibid_buf *b)
{
    size_t off = 0;
    int in_title = 0, first_text = 1;
    span banner = {NULL, 0};
    while (off < hdr_end_off && off < len) {
        const char *nl = memchr(buf + off, '\n', len - off);
        size_t end = nl ? (size_t)(nl - buf) : len;
        span raw = {buf + off, end - off};
        span t = ibid_trim(raw.s, raw.n);
        off = nl ? end + 1 : len;
        if (in_title) {
            if (t.n > 0 && raw.n > 0 && ibid_is_space(raw.s[0]) && b->len < 500) {
                if (ibid_buf_putc(b, ' ') || ibid_buf_put(b, t.s, t.n))
                    return IBID_ENOMEM;
                continue;
            }
            return IBID_OK;
        }
        if (ieq_prefix(t.s, t.n, "Title:")) {
            span v = ibid_trim(t.s + 6, t.n - 6);
            ibid_buf_clear(b);
            if (ibid_buf_put(b, v.s, v.n))
                return IBID_ENOMEM;
            in_title = 1;
            continue;
        }
        if (first_text && t.n > 0) {
            first_text = 0;
            static const char *pre[] = {"The Project Gutenberg EBook of ", "The Project Gutenberg eBook of ",
                                        "The Project Gutenberg Etext of ", "Project Gutenberg's ",
                                        "Project Gutenberg Etext of ", "Project Gutenberg Etext ",
                                        "The Project Gutenberg eBook, "};
            for (size_t k = 0; k < sizeof pre / sizeof *pre; k++) {
                size_t l = strlen(pre[k]);
                if (ieq_prefix(t.s, t.n, pre[k])) {
                    banner.s = t.s + l;
                    banner.n = t.n - l;
                    for (size_t i = 0; i + 5 <= banner.n; i++)
                        if (memcmp(banner.s + i, ", by ", 5) == 0) {
                            banner.n = i;
                            break;
                        }
                    break;
                }
            }
        }
    }
    if (b->len == 0 && banner.n > 0 && banner.n < 300) {
        banner = ibid_trim(banner.s, banner.n);
        return ibid_buf_put(b, banner.s, banner.n);
    }
    return IBID_OK;
}

int ibid_parse_plain(const ibid_parse_ctx *ctx, const char *buf, size_t len, ibid_passage_list *out)
{
    plain p;
    memset(&p, 0, sizeof p);
    p.out = out;
    ibid_buf title = {0};
    int rc = IBID_OK;
    size_t start = out->n;

    p.file = ibid_arena_strndup(&out->arena, ctx->file ? ctx->file : "", ctx->file ? strlen(ctx->file) : 0);
    if (!p.file) {
        rc = IBID_ENOMEM;
        goto done;
    }

    /* the Project Gutenberg header: the body starts after "*** START OF" or the old small print */
    size_t body_off = 0, body_line = 0, small_off = 0, small_line = 0;
    {
        size_t off = 0, ln = 0;
        int found = 0;
        while (off < len) {
            const char *nl = memchr(buf + off, '\n', len - off);
            size_t end = nl ? (size_t)(nl - buf) : len;
            span t = ibid_trim(buf + off, end - off);
            off = nl ? end + 1 : len;
            ln++;
            if (pg_marker(t, "START OF")) {
                body_off = off;
                body_line = ln;
                found = 1;
                break;
            }
            if (!small_off && pg_small_print_end(t)) {
                small_off = off;
                small_line = ln;
            }
        }
        if (!found && small_off && small_off < len / 2 + 1) {
            body_off = small_off;
            body_line = small_line;
        }
    }
    p.gutenberg = body_off > 0;
    if (body_off > 0 && (rc = find_title(buf, len, body_off, &title)))
        goto done;
    p.work = ibid_pick_work(ctx, &out->arena, title.len ? title.data : NULL);
    if (!p.work) {
        rc = IBID_ENOMEM;
        goto done;
    }

    size_t off = body_off, ln = body_line;
    while (off < len && !p.err) {
        const char *nl = memchr(buf + off, '\n', len - off);
        size_t end = nl ? (size_t)(nl - buf) : len;
        span t = ibid_trim(buf + off, end - off);
        off = nl ? end + 1 : len;
        size_t i = ln++;
        if (t.n == 0) {
            end_block(&p);
            continue;
        }
        if (body_off > 0 && pg_footer(t))
            break;
        if (p.nlines == 0) {
            ibid_buf_clear(&p.text);
            p.first = i;
            p.heading = heading_line(t);
        }
        p.last = i;
        p.nlines++;
        add_line(&p, t);
    }
    end_block(&p);
    rc = p.err;
    if (rc == IBID_OK)
        ibid_passages_sort_from(out, start);
done:
    ibid_buf_free(&p.text);
    ibid_buf_free(&title);
    return rc;
}
