/*
 * parse_pdftext_layout.c - lines, pages and chapter titles of `pdftotext -layout` text.
 *
 * Page grammar (../shared/docs/corpus-format.md section 2.1):
 *   page           := body-line+ [ footnote-block ]
 *   first body line:= " " TEXT (exactly one leading space) | TEXT after a printed page number
 *   footnote-block := [""] SEP FN-LINE+          SEP = a line of 30+ spaces (48 or 49 seen)
 *   page-number    := "" "" "" /^\s*(\d{1,3}|U+FFFD+)\s*$/ [" "] ""   (000:921, 003:824)
 * Real pdftotext output separates pages with form feeds; when the file has any, pages start
 * after form feeds only (form-feed mode, below).  The bundled files lost theirs, so pages are
 * found by the grammar:
 * a line with exactly one leading space starts a page unless it is a footnote fragment (a
 * "false page start", 000:1905, 000:2025, 001:1255, 001:1352, 003:1327): one that contains
 * "[Electronic resource]" or "URL:", or matches ^ \d{1,3} +[A-Z"] with a next line that is
 * non-empty and unindented, or matches ^ \d{4}, \d, or is followed by another such line.
 * Whitespace-only lines shorter than a separator are spacers and carry nothing.
 *
 * Chapter titles (section 1.1): the first body line of a page, after a body line that ends a
 * sentence (or at the file start), starting upper-case, shorter than 60 characters, with no
 * final . ; " or glued marker; the next body line joins it when it follows with no blank line
 * (000:1-2) or is shorter than 45 characters and ends no sentence (003:1955/1957); a block
 * whose last line ends in . or , is no title, unless a printed page number precedes it
 * (003:826).  This gives exactly the 25 titles of the guide.
 *
 * Form-feed mode (real `pdftotext -layout` output of a PDF, for example one made by groff -ms;
 * tests/fixtures/pdf/book.txt), where the layout keeps indentation but may have no separator:
 *   - Printed page numbers: the first or last text line of a page that is a number ("7",
 *     "-7-", "- 7 -", "Page 7", "page 7 of 9", "[Page 7]"), or a running head of 2-4 parts 3+ spaces apart
 *     of which one is such a number ("12      The Keepers", "Keepers    -2-    Orvenna"), is a
 *     candidate.  A candidate is
 *     believed when its offset (number - counted page) is 0 or another page's candidate has the
 *     same offset; a believed line is dropped, as is any bare number line (as before).  Each
 *     page is cited by its believed number; a page without one counts on from the believed page
 *     before it (or back from the one after, when that stays >= 1), else by its counted page.
 *   - Running heads and feet with no number: a page's first (last) text line with a blank line
 *     after (before) it, ending no sentence, whose text (spacing aside) is also such a line of
 *     another page, is dropped.
 *   - Footnote blocks without a separator: the first body line of a page, from the top, that
 *     starts a definition - a number alone on its line (groff -ms puts the raised number on a
 *     line of its own) or a number, an optional ".", and text after a blank line (groff -mm) -
 *     whose number comes next after the last definition (+1..+3) and stands glued to a word or
 *     closing punctuation in the page's text above it (the marker), starts the block: it and
 *     every body line after it on the page are footnotes.
 *   - Titles may start anywhere on a page: a body line after a blank line (or first on its
 *     page), after a sentence end or at the file start, shaped like a title (above, or a
 *     section number "2." / "2.1" then a capital), and, unless numbered, followed by a blank
 *     line or by a line indented 2+ more (a paragraph's first line).  Such titles are not joined
 *     to the next line.
 */
#include "parse_pdftext_int.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

/* --- lines ------------------------------------------------------------------------------- */

/* The line starting at p: its end (before \n) in *eol, returns the start of the next one.
   A line longer than UINT_MAX bytes (beyond any file the reader accepts) is cut there. */
static const char *next_line(const char *p, const char *end, const char **eol)
{
    size_t room = (size_t)(end - p);
    if (room > UINT_MAX)
        room = UINT_MAX;
    const char *nl = memchr(p, '\n', room);
    *eol = nl ? nl : p + room;
    return nl ? nl + 1 : p + room;
}

static int split_lines(pt_doc *doc)
{
    const char *p = doc->buf, *end = doc->buf + doc->len, *eol;
    size_t count = 0;
    for (const char *q = p; q < end; q = next_line(q, end, &eol))
        count++;
    doc->nlines = 0;
    if (count == 0)
        return IBID_OK;
    doc->lines = calloc(count, sizeof *doc->lines);
    if (!doc->lines)
        return IBID_ENOMEM;
    while (p < end) {
        const char *next = next_line(p, end, &eol);
        size_t n = (size_t)(eol - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        pt_line *l = &doc->lines[doc->nlines++];
        while (n > 0 && *p == '\f') {
            l->ff = 1;
            doc->has_ff = 1;
            p++;
            n--;
        }
        l->s = p;
        l->n = (unsigned)n;
        p = next;
    }
    return IBID_OK;
}

static int is_blank(const pt_line *l)
{
    return pt_ltrim(l->s, l->n) == l->n;
}

/* A blank line too short to be a separator: empty or a spacer. */
static int is_empty_or_spacer(const pt_line *l) { return is_blank(l) && l->n < 30; }

static int is_separator(const pt_line *l) { return l->n >= 30 && is_blank(l); }

/* ^\s*(\d{1,3}|U+FFFD+)\s*$ */
static int is_pagenum_text(const pt_line *l)
{
    size_t a = pt_ltrim(l->s, l->n), b = pt_rtrim(l->s, l->n);
    if (a >= b)
        return 0;
    size_t k = b - a;
    const char *t = l->s + a;
    if (k <= 3) {
        size_t i = 0;
        while (i < k && pt_isdigit((unsigned char)t[i]))
            i++;
        if (i == k)
            return 1;
    }
    if (k % 3 != 0)
        return 0;
    for (size_t i = 0; i < k; i += 3)
        if (memcmp(t + i, "\xEF\xBF\xBD", 3) != 0)
            return 0;
    return 1;
}

/* Exactly one leading space, then text: the shape of a page's first line. */
static int is_start_shape(const pt_line *l)
{
    return l->n >= 2 && l->s[0] == ' ' && !pt_isspace((unsigned char)l->s[1]);
}

static int contains(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k == 0 || n < k)
        return 0;
    const char *p = s, *end = s + n;
    while ((size_t)(end - p) >= k) {
        const char *q = memchr(p, needle[0], (size_t)(end - p) - k + 1);
        if (!q)
            return 0;
        if (memcmp(q, needle, k) == 0)
            return 1;
        p = q + 1;
    }
    return 0;
}

/* A start-shaped line at i that is really a footnote fragment (section 2.1). */
static int is_fragment(const pt_doc *doc, size_t i)
{
    const pt_line *l = &doc->lines[i];
    const pt_line *next = i + 1 < doc->nlines ? &doc->lines[i + 1] : NULL;
    const char *s = l->s;
    size_t n = l->n;
    if (contains(s, n, "[Electronic resource]") || contains(s, n, "URL:"))
        return 1;
    size_t d = 1;
    while (d < n && pt_isdigit((unsigned char)s[d]))
        d++;
    size_t nd = d - 1;
    if (nd >= 1 && nd <= 3 && d < n && s[d] == ' ') {
        size_t e = d;
        while (e < n && s[e] == ' ')
            e++;
        if (e < n && (pt_isupper((unsigned char)s[e]) || s[e] == '"') && next && next->n > 0 &&
            !pt_isspace((unsigned char)next->s[0]))
            return 1;
    }
    if (nd == 4 && d + 2 < n && s[d] == ',' && s[d + 1] == ' ' && pt_isdigit((unsigned char)s[d + 2]))
        return 1;
    if (next && is_start_shape(next))
        return 1;
    return 0;
}

/* Printed-page-number block starting at the empty line i: returns the index just past it,
   or 0 when there is none.  Needs two or more blank lines, the number, then blank lines. */
static size_t pagenum_block(const pt_doc *doc, size_t i)
{
    size_t j = i, blanks = 0;
    while (j < doc->nlines && blanks < 3 && is_empty_or_spacer(&doc->lines[j])) {
        j++;
        blanks++;
    }
    if (blanks < 2 || j >= doc->nlines || !is_pagenum_text(&doc->lines[j]))
        return 0;
    j++;
    size_t after = 0;
    while (j < doc->nlines && after < 3 && is_empty_or_spacer(&doc->lines[j])) {
        j++;
        after++;
    }
    if (after == 0 || j >= doc->nlines)
        return 0;
    return j;
}

/* --- form-feed mode ------------------------------------------------------------------------ */

size_t pt_indent(const pt_line *l) { return pt_ltrim(l->s, l->n); }

/* Length of a dash at t[i]: "-", U+2013 or U+2014; 0 if none. */
static size_t dash_at(const char *t, size_t k, size_t i)
{
    if (i < k && t[i] == '-')
        return 1;
    if (i + 3 <= k && (memcmp(t + i, "\xE2\x80\x93", 3) == 0 || memcmp(t + i, "\xE2\x80\x94", 3) == 0))
        return 3;
    return 0;
}

static size_t spaces_at(const char *t, size_t k, size_t i)
{
    size_t j = i;
    while (j < k && (t[j] == ' ' || t[j] == '\t'))
        j++;
    return j - i;
}

/* 1-4 digits at t[*i] (not followed by a digit): the value, *i moved past them; 0 if none. */
static int digits_at(const char *t, size_t k, size_t *i)
{
    size_t j = *i;
    int v = 0;
    while (j < k && j - *i < 5 && pt_isdigit((unsigned char)t[j]))
        v = v * 10 + (t[j++] - '0');
    if (j == *i || j - *i > 4)
        return 0;
    *i = j;
    return v;
}

/* A line holding only a page number: "7", "-7-", "- 7 -", "Page 7", "page 7 of 9", "[Page 7]".
   Returns the number, -1 for a garbled one (U+FFFD only), 0 when the line is something else. */
static int bare_page_number(const pt_line *l)
{
    size_t a = pt_ltrim(l->s, l->n), b = pt_rtrim(l->s, l->n);
    if (a >= b)
        return 0;
    const char *t = l->s + a;
    size_t k = b - a, i = 0;
    if (is_pagenum_text(l) && !pt_isdigit((unsigned char)t[0]))
        return -1;
    if (k > 2 && t[0] == '[' && t[k - 1] == ']') { /* "[Page 7]" */
        t++;
        k -= 2;
    }
    int page_word = 0;
    if (k > 5 && (t[0] == 'P' || t[0] == 'p') && memcmp(t + 1, "age", 3) == 0 && t[4] == ' ') {
        page_word = 1;
        i = 5;
        i += spaces_at(t, k, i);
    }
    size_t d = dash_at(t, k, i);
    i += d;
    i += spaces_at(t, k, i);
    int v = digits_at(t, k, &i);
    if (v == 0)
        return 0;
    i += spaces_at(t, k, i);
    if (d) {
        size_t e = dash_at(t, k, i);
        if (!e)
            return 0;
        i += e;
    } else if (page_word && i + 3 < k && memcmp(t + i, "of ", 3) == 0) {
        i += 3;
        i += spaces_at(t, k, i);
        if (!digits_at(t, k, &i))
            return 0;
    }
    return i == k ? v : 0;
}

/* A running head or foot: two to four parts 3+ spaces apart, one of which (only one) is a page
   number as bare_page_number reads it ("12      The Keepers", "The Keepers   -2-   Orvenna").
   Returns the number or 0. */
static int running_page_number(const pt_line *l)
{
    size_t a = pt_ltrim(l->s, l->n), b = pt_rtrim(l->s, l->n);
    int found = 0, parts = 0;
    while (a < b) {
        size_t e = a;
        while (e < b && !(spaces_at(l->s, b, e) >= 3))
            e++;
        pt_line part = {.s = l->s + a, .n = (unsigned)(e - a)};
        int v = bare_page_number(&part);
        if (v > 0) {
            if (found)
                return 0;
            found = v;
        }
        parts++;
        a = e + spaces_at(l->s, b, e);
    }
    return parts >= 2 && parts <= 4 ? found : 0;
}

typedef struct pn_cand {
    int page, value, offset;
    size_t line, line2; /* the line with the number; the other end's line with it too, or SIZE_MAX */
} pn_cand;

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The page whose lines start at line i: *first and *last get its first and last text line
   (body or note; both SIZE_MAX when it has none); returns the line after the page. */
static size_t page_text_ends(const pt_doc *doc, size_t i, size_t *first, size_t *last)
{
    int p = doc->lines[i].page;
    size_t j = i;
    *first = *last = SIZE_MAX;
    for (; j < doc->nlines && doc->lines[j].page == p; j++)
        if (doc->lines[j].role == PT_BODY || doc->lines[j].role == PT_NOTE) {
            if (*first == SIZE_MAX)
                *first = j;
            *last = j;
        }
    return j;
}

/* Finds the printed page numbers, drops their lines and fills doc->page_label. */
static int ff_page_numbers(pt_doc *doc)
{
    int np = doc->npages;
    doc->page_label = calloc((size_t)np + 1, sizeof *doc->page_label);
    pn_cand *c = calloc((size_t)np + 1, sizeof *c);
    int *offs = calloc((size_t)np + 1, sizeof *offs);
    int *next_page = calloc((size_t)np + 1, sizeof *next_page);
    if (!doc->page_label || !c || !offs || !next_page) {
        free(c);
        free(offs);
        free(next_page);
        return IBID_ENOMEM;
    }
    size_t nc = 0;
    /* one candidate per page: its first or its last text line, a bare number first */
    size_t i = 0;
    while (i < doc->nlines) {
        int p = doc->lines[i].page;
        size_t first, last;
        i = page_text_ends(doc, i, &first, &last);
        if (p <= 0 || first == SIZE_MAX)
            continue;
        size_t ends[2] = {first, last};
        int got = 0;
        for (int e = 0; e < 2; e++) {
            if (e == 1 && last == first)
                break;
            pt_line *l = &doc->lines[ends[e]];
            int v = bare_page_number(l);
            if (v != 0)
                l->role = PT_PAGENUM; /* a bare number line is never text */
            if (v > 0 && !got) {
                c[nc] = (pn_cand){p, v, v - p, ends[e], SIZE_MAX};
                got = 1;
            }
        }
        for (int e = 0; e < 2; e++) {
            if (e == 1 && last == first)
                break;
            if (doc->lines[ends[e]].role == PT_PAGENUM)
                continue;
            int v = running_page_number(&doc->lines[ends[e]]);
            if (v > 0 && !got) {
                c[nc] = (pn_cand){p, v, v - p, ends[e], SIZE_MAX};
                got = 1;
            } else if (v > 0 && v == c[nc].value) { /* "Keepers  -2-  Orvenna" ... "2" */
                c[nc].line2 = ends[e];
            }
        }
        if (got) {
            offs[nc] = c[nc].offset;
            nc++;
        }
    }
    qsort(offs, nc, sizeof *offs, cmp_int);
    for (size_t k = 0; k < nc; k++) {
        /* believed: offset 0, or shared with another page */
        size_t lo = 0, hi = nc;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (offs[mid] < c[k].offset)
                lo = mid + 1;
            else
                hi = mid;
        }
        int shared = lo + 1 < nc && offs[lo + 1] == c[k].offset;
        if (c[k].offset == 0 || shared) {
            doc->page_label[c[k].page] = c[k].value;
            doc->lines[c[k].line].role = PT_PAGENUM;
            if (c[k].line2 != SIZE_MAX)
                doc->lines[c[k].line2].role = PT_PAGENUM;
        }
    }
    /* pages without a believed number count on from the one before, or back from the next */
    int *next_label = offs; /* reused: the label of the next believed page (0 none) */
    int nl = 0, npg = 0;
    for (int p = np; p >= 1; p--) {
        if (doc->page_label[p] > 0) {
            nl = doc->page_label[p];
            npg = p;
        }
        next_label[p] = nl;
        next_page[p] = npg;
    }
    int pl = 0, pp = 0;
    for (int p = 1; p <= np; p++) {
        if (doc->page_label[p] > 0) {
            pl = doc->page_label[p];
            pp = p;
        } else if (pp > 0) {
            doc->page_label[p] = pl + (p - pp);
        } else if (next_page[p] > 0 && next_label[p] - (next_page[p] - p) >= 1) {
            doc->page_label[p] = next_label[p] - (next_page[p] - p);
        } else {
            doc->page_label[p] = p;
        }
    }
    free(c);
    free(offs);
    free(next_page);
    return IBID_OK;
}

/* FNV-1a of the trimmed line with whitespace runs made one space. */
static uint64_t head_key(const pt_line *l)
{
    size_t a = pt_ltrim(l->s, l->n), b = pt_rtrim(l->s, l->n);
    uint64_t h = 1469598103934665603u;
    int space = 0;
    for (size_t i = a; i < b; i++) {
        unsigned char c = (unsigned char)l->s[i];
        if (pt_isspace(c)) {
            space = 1;
            continue;
        }
        if (space) {
            h = (h ^ ' ') * 1099511628211u;
            space = 0;
        }
        h = (h ^ c) * 1099511628211u;
    }
    return h;
}

typedef struct head_cand {
    uint64_t key;
    size_t line;
    int page;
} head_cand;

static int cmp_head(const void *a, const void *b)
{
    const head_cand *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

/* Running heads and feet without a page number ("RFC 9999   Lighthouse Protocol   May 2026"):
   a page's first (last) text line that a blank line follows (precedes), that ends no sentence,
   and whose text (spacing aside) is also such a line of another page is dropped.  Numbers are not masked: "Paragraph 7 of ..." starting one page and
   "Paragraph 9 of ..." the next are text. */
static int ff_running_heads(pt_doc *doc)
{
    head_cand *c = malloc(2 * ((size_t)doc->npages + 1) * sizeof *c);
    if (!c)
        return IBID_ENOMEM;
    size_t nc = 0, i = 0;
    while (i < doc->nlines) {
        int p = doc->lines[i].page;
        size_t first, last;
        i = page_text_ends(doc, i, &first, &last);
        if (p <= 0 || first == SIZE_MAX || nc + 2 > 2 * ((size_t)doc->npages + 1))
            continue;
        /* a head stands apart: a blank line after it (before a foot), and ends no sentence */
        const pt_line *f = &doc->lines[first], *t = &doc->lines[last];
        if (first + 1 < doc->nlines && is_blank(&doc->lines[first + 1]) && !pt_ends_sentence(f->s, f->n))
            c[nc++] = (head_cand){head_key(f), first, p};
        if (last != first && last > 0 && is_blank(&doc->lines[last - 1]) && !pt_ends_sentence(t->s, t->n))
            c[nc++] = (head_cand){head_key(t), last, p};
    }
    qsort(c, nc, sizeof *c, cmp_head);
    for (size_t a = 0; a < nc;) {
        size_t b = a + 1;
        int pages = 1;
        for (; b < nc && c[b].key == c[a].key; b++)
            if (c[b].page != c[b - 1].page)
                pages++;
        if (pages >= 2)
            for (size_t k = a; k < b; k++)
                doc->lines[c[k].line].role = PT_PAGENUM;
        a = b;
    }
    free(c);
    return IBID_OK;
}

/* A footnote definition's number at the start of l: a number alone on the line (*alone = 1),
   or a number, an optional ".", spaces and text (*alone = 0), indented at most 8; 0 if
   neither. */
static int ff_def_number(const pt_line *l, int *alone)
{
    size_t a = pt_ltrim(l->s, l->n), b = pt_rtrim(l->s, l->n);
    if (a >= b || a > 8)
        return 0;
    size_t i = a;
    int v = 0;
    while (i < b && i - a < 4 && pt_isdigit((unsigned char)l->s[i]))
        v = v * 10 + (l->s[i++] - '0');
    if (i == a || i - a > 3 || v == 0)
        return 0;
    if (i == b) {
        *alone = 1;
        return v;
    }
    if (l->s[i] == '.' && i + 1 < b) /* "1.   Text" (groff -mm) */
        i++;
    if (!pt_isspace((unsigned char)l->s[i]))
        return 0;
    while (i < b && pt_isspace((unsigned char)l->s[i]))
        i++;
    if (pt_isdigit((unsigned char)l->s[i]))
        return 0;
    *alone = 0;
    return v;
}

/* Does s[0..n) hold the number v glued to a letter, closing punctuation or a non-ASCII
   character (a closing quote), and not followed by a digit: a footnote marker such as "it.4"
   or "tower4 " - not "(4)" or "p-4"? */
static int has_glued_number(const char *s, size_t n, int v)
{
    for (size_t j = 1; j < n; j++) {
        unsigned char c = (unsigned char)s[j - 1];
        if (!pt_isdigit((unsigned char)s[j]) || pt_isdigit(c) ||
            !(pt_isalpha(c) || c >= 0x80 || strchr(".,;:!?\"')]", c)))
            continue;
        size_t e = j;
        int x = 0;
        while (e < n && e - j < 4 && pt_isdigit((unsigned char)s[e]))
            x = x * 10 + (s[e++] - '0');
        if (x == v && (e >= n || !pt_isdigit((unsigned char)s[e])))
            return 1;
        j = e - 1;
    }
    return 0;
}

/* Footnote blocks of pages that have no separator (see the comment at the top). */
static void ff_note_blocks(pt_doc *doc)
{
    int last_def = 0;
    size_t i = 0;
    while (i < doc->nlines) {
        int p = doc->lines[i].page;
        size_t a = i, b = i;
        int has_sep = 0;
        while (b < doc->nlines && doc->lines[b].page == p) {
            if (doc->lines[b].role == PT_SEP)
                has_sep = 1;
            b++;
        }
        i = b;
        if (p <= 0)
            continue;
        size_t start = SIZE_MAX;
        if (!has_sep) {
            /* where each of the three possible next numbers first stands glued on the page
               (one pass, so that the scan stays linear) */
            size_t first_mark[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
            for (size_t j = a; j < b; j++)
                for (int d = 0; d < 3; d++)
                    if (first_mark[d] == SIZE_MAX && doc->lines[j].role == PT_BODY &&
                        has_glued_number(doc->lines[j].s, doc->lines[j].n, last_def + 1 + d))
                        first_mark[d] = j;
            for (size_t k = a; k < b && start == SIZE_MAX; k++) {
                const pt_line *l = &doc->lines[k];
                int alone = 0, v = l->role == PT_BODY ? ff_def_number(l, &alone) : 0;
                if (v <= last_def || v > last_def + 3)
                    continue;
                if (alone) { /* the text must follow on the page */
                    size_t t = k + 1;
                    while (t < b && is_blank(&doc->lines[t]))
                        t++;
                    if (t >= b || doc->lines[t].role != PT_BODY)
                        continue;
                } else if (k == a || !is_blank(&doc->lines[k - 1])) {
                    continue;
                }
                if (first_mark[v - last_def - 1] < k)
                    start = k;
            }
            for (size_t k = start; k < b; k++)
                if (doc->lines[k].role == PT_BODY)
                    doc->lines[k].role = PT_NOTE;
        }
        /* follow the definitions' numbers so that the next page's block is told apart */
        for (size_t k = a; k < b; k++) {
            int alone = 0, v = doc->lines[k].role == PT_NOTE ? ff_def_number(&doc->lines[k], &alone) : 0;
            if (v > last_def && v <= last_def + 3)
                last_def = v;
        }
    }
}

int pt_layout(pt_doc *doc)
{
    int rc = split_lines(doc);
    if (rc)
        return rc;
    int page = 0, foot = 0, pending = 0, after_num = 0;
    for (size_t i = 0; i < doc->nlines; i++) {
        pt_line *l = &doc->lines[i];
        if (l->ff)
            pending = 1;
        if (is_blank(l)) {
            if (is_separator(l)) {
                l->role = PT_SEP;
                if (page == 0)
                    page = doc->npages = 1;
                foot = 1;
            } else if (!doc->has_ff && page > 0 && l->n == 0 && pagenum_block(doc, i)) {
                size_t j = pagenum_block(doc, i);
                for (size_t k = i; k < j; k++) {
                    doc->lines[k].role = PT_PAGENUM;
                    doc->lines[k].page = page;
                }
                i = j - 1;
                pending = after_num = 1;
                continue;
            } else {
                l->role = l->n == 0 ? PT_EMPTY : PT_SPACER;
            }
            l->page = page;
            continue;
        }
        int newpage;
        if (page == 0 || pending)
            newpage = 1;
        else if (!doc->has_ff && is_start_shape(l))
            newpage = !is_fragment(doc, i);
        else
            newpage = 0;
        if (newpage) {
            page++;
            foot = 0;
            l->after_pagenum = (unsigned char)after_num;
            pending = after_num = 0;
            l->role = PT_BODY;
        } else if (!doc->has_ff && is_start_shape(l)) {
            l->role = PT_NOTE; /* a fragment: footnote text even on a page with no separator */
            l->frag = 1;
            foot = 1;
        } else {
            l->role = foot ? PT_NOTE : PT_BODY;
        }
        l->page = page;
    }
    doc->npages = page;
    if (doc->has_ff) {
        rc = ff_page_numbers(doc);
        if (!rc)
            rc = ff_running_heads(doc);
        if (rc)
            return rc;
        ff_note_blocks(doc);
    }
    return IBID_OK;
}

/* --- titles -------------------------------------------------------------------------------- */

/* Last byte of the trimmed line and its trimmed bounds. */
static void trimmed(const pt_line *l, size_t *a, size_t *b)
{
    *a = pt_ltrim(l->s, l->n);
    *b = pt_rtrim(l->s, l->n);
    if (*b < *a)
        *b = *a;
}

static int title_first_line_ok(const pt_line *l)
{
    size_t a, b;
    trimmed(l, &a, &b);
    if (b - a == 0 || pt_text_chars(l->s, l->n) >= 60 || !pt_isupper((unsigned char)l->s[a]))
        return 0;
    char c = l->s[b - 1];
    if (c == '.' || c == ';' || c == '"')
        return 0;
    if (pt_isdigit((unsigned char)c)) { /* a glued marker ("...economy"12), not a year */
        size_t k = b;
        while (k > a && pt_isdigit((unsigned char)l->s[k - 1]))
            k--;
        if (k > a && !pt_isspace((unsigned char)l->s[k - 1]))
            return 0;
    }
    return 1;
}

static int ends_in(const pt_line *l, const char *chars)
{
    size_t a, b;
    trimmed(l, &a, &b);
    return b > a && strchr(chars, l->s[b - 1]) != NULL;
}

static int add_title(pt_doc *doc, size_t first, size_t last)
{
    size_t n = doc->ntitles;
    if ((n & (n - 1)) == 0) { /* n is 0 or a power of two: the arrays are full */
        size_t cap = n ? n * 2 : 1;
        char **t = realloc(doc->titles, cap * sizeof *t);
        if (!t)
            return IBID_ENOMEM;
        doc->titles = t;
        int *tp = realloc(doc->title_page, cap * sizeof *tp);
        if (!tp)
            return IBID_ENOMEM;
        doc->title_page = tp;
        size_t *tl = realloc(doc->title_line, cap * sizeof *tl);
        if (!tl)
            return IBID_ENOMEM;
        doc->title_line = tl;
    }
    ibid_buf b = {0};
    int rc = IBID_OK;
    for (size_t i = first; i <= last && rc == IBID_OK; i++) {
        const pt_line *l = &doc->lines[i];
        if (l->role == PT_TITLE)
            rc = pt_append_line(&b, l->s, l->n, NULL, 0, 0);
    }
    if (rc == IBID_OK && !b.data)
        rc = ibid_buf_reserve(&b, 1);
    if (rc) {
        ibid_buf_free(&b);
        return rc;
    }
    b.len = pt_normalize(b.data, b.len);
    doc->titles[n] = b.data;
    doc->title_page[n] = doc->lines[first].page;
    doc->title_line[n] = first;
    doc->ntitles = n + 1;
    return IBID_OK;
}

/* Form-feed mode: the shape of a title line: 1 for title_first_line_ok, 2 for a section number
   ("2.", "2.1") then a capital; not ending in ",".  0 for neither. */
static int ff_title_shape(const pt_line *l)
{
    size_t a, b;
    trimmed(l, &a, &b);
    if (b - a == 0 || l->s[b - 1] == ',')
        return 0;
    if (title_first_line_ok(l))
        return 1;
    /* numbered: 2 */
    size_t i = a;
    if (!pt_isdigit((unsigned char)l->s[i]))
        return 0;
    while (i < b && (pt_isdigit((unsigned char)l->s[i]) || l->s[i] == '.'))
        i++;
    if (i >= b || l->s[i] != ' ')
        return 0;
    while (i < b && l->s[i] == ' ')
        i++;
    if (i >= b || !pt_isupper((unsigned char)l->s[i]) || pt_text_chars(l->s, l->n) >= 60)
        return 0;
    char c = l->s[b - 1];
    return c != '.' && c != ';' && c != '"' && !pt_isdigit((unsigned char)c) ? 2 : 0;
}

/* Form-feed mode: is body line i (the first body line of its page when first) a title? */
static int ff_title(const pt_doc *doc, size_t i, int first, size_t prev_body)
{
    const pt_line *l = &doc->lines[i];
    if (!first && !(i > 0 && is_blank(&doc->lines[i - 1])))
        return 0;
    int shape = ff_title_shape(l);
    if (!shape)
        return 0;
    if (prev_body != SIZE_MAX && !pt_ends_sentence(doc->lines[prev_body].s, doc->lines[prev_body].n))
        return 0;
    if (i + 1 >= doc->nlines || shape == 2) /* a numbered heading needs no more (groff -mm) */
        return 1;
    const pt_line *m = &doc->lines[i + 1];
    return m->page != l->page || is_blank(m) || m->role == PT_PAGENUM ||
           (m->role == PT_BODY && pt_indent(m) >= pt_indent(l) + 2);
}

int pt_titles(pt_doc *doc)
{
    size_t nb = 0;
    for (size_t i = 0; i < doc->nlines; i++)
        if (doc->lines[i].role == PT_BODY)
            nb++;
    free(doc->body);
    doc->body = NULL;
    doc->nbody = 0;
    if (nb == 0)
        return IBID_OK;
    size_t *all = malloc(nb * sizeof *all);
    if (!all)
        return IBID_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < doc->nlines; i++)
        if (doc->lines[i].role == PT_BODY)
            all[k++] = i;
    /* Titles: examine the first body line of every page. */
    size_t prev_body = SIZE_MAX; /* last body line that is not a title */
    for (k = 0; k < nb; k++) {
        size_t i = all[k];
        pt_line *l = &doc->lines[i];
        int first_of_page = k == 0 || doc->lines[all[k - 1]].page != l->page;
        if (doc->has_ff) {
            if (!ff_title(doc, i, first_of_page, prev_body)) {
                prev_body = i;
                continue;
            }
            l->role = PT_TITLE;
            int rc = add_title(doc, i, i);
            if (rc) {
                free(all);
                return rc;
            }
            continue;
        }
        if (!first_of_page) {
            prev_body = i;
            continue;
        }
        int ok = title_first_line_ok(l);
        if (ok && prev_body != SIZE_MAX)
            ok = pt_ends_sentence(doc->lines[prev_body].s, doc->lines[prev_body].n);
        size_t last = i;
        if (ok && k + 1 < nb && doc->lines[all[k + 1]].page == l->page) {
            size_t j = all[k + 1];
            const pt_line *m = &doc->lines[j];
            size_t a, b;
            trimmed(m, &a, &b);
            if (j == i + 1 || (pt_text_chars(m->s, m->n) < 45 && !pt_ends_sentence(m->s, m->n)))
                last = j;
        }
        if (ok && !l->after_pagenum && ends_in(&doc->lines[last], ".,"))
            ok = 0;
        if (!ok) {
            prev_body = i;
            continue;
        }
        l->role = PT_TITLE;
        doc->lines[last].role = PT_TITLE;
        int rc = add_title(doc, i, last);
        if (rc) {
            free(all);
            return rc;
        }
        if (last != i)
            k++;
    }
    /* The body proper: body lines that are not titles. */
    size_t m = 0;
    for (k = 0; k < nb; k++)
        if (doc->lines[all[k]].role == PT_BODY)
            all[m++] = all[k];
    doc->body = all;
    doc->nbody = m;
    doc->page_width = calloc((size_t)doc->npages + 1, sizeof *doc->page_width);
    if (!doc->page_width)
        return IBID_ENOMEM;
    for (k = 0; k < m; k++) {
        const pt_line *l = &doc->lines[all[k]];
        size_t w = pt_text_chars(l->s, l->n);
        if (l->page >= 0 && l->page <= doc->npages && doc->page_width[l->page] < w)
            doc->page_width[l->page] = w;
    }
    if (doc->has_ff) {
        doc->page_indent = malloc(((size_t)doc->npages + 1) * sizeof *doc->page_indent);
        if (!doc->page_indent)
            return IBID_ENOMEM;
        for (int p = 0; p <= doc->npages; p++)
            doc->page_indent[p] = SIZE_MAX;
        /* the page's margin: the most common indentation of its body lines (the smaller on a
           tie), so that text indented throughout (a plain-text report) is not all "indented" */
        size_t adjacent = 0, spaced = 0;
        for (size_t k0 = 0; k0 < m;) {
            int p = doc->lines[all[k0]].page;
            unsigned hist[65] = {0};
            size_t k1 = k0;
            for (; k1 < m && doc->lines[all[k1]].page == p; k1++) {
                size_t in = pt_indent(&doc->lines[all[k1]]);
                hist[in > 64 ? 64 : in]++;
                if (k1 > k0 && all[k1] == all[k1 - 1] + 1)
                    adjacent++;
                else if (k1 > k0 && all[k1] == all[k1 - 1] + 2)
                    spaced++;
            }
            size_t best = 0;
            for (size_t x = 1; x <= 64; x++)
                if (hist[x] > hist[best])
                    best = x;
            if (p >= 0 && p <= doc->npages)
                doc->page_indent[p] = best;
            k0 = k1;
        }
        doc->blank_breaks = adjacent > spaced;
    }
    return IBID_OK;
}

/* The last title at or before a place, -1 when none: by its line li when by_line, else by its
   page.  Titles are in document order (pages and first lines both ascending), so this is a
   binary search over either array. */
static int last_title_before(const pt_doc *doc, int by_line, int page, size_t li)
{
    size_t lo = 0, hi = doc->ntitles;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (by_line ? doc->title_line[mid] <= li : doc->title_page[mid] <= page)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (int)lo - 1;
}

int pt_chapter_of_page(const pt_doc *doc, int page)
{
    return last_title_before(doc, 0, page, 0);
}

int pt_chapter_of_line(const pt_doc *doc, size_t li)
{
    if (!doc->has_ff)
        return pt_chapter_of_page(doc, doc->lines[li].page);
    return last_title_before(doc, 1, 0, li);
}

int pt_page_label(const pt_doc *doc, int p)
{
    return doc->page_label && p >= 0 && p <= doc->npages ? doc->page_label[p] : p;
}

void pt_doc_free(pt_doc *doc)
{
    free(doc->page_label);
    free(doc->page_indent);
    free(doc->title_line);
    free(doc->lines);
    free(doc->body);
    free(doc->page_width);
    for (size_t i = 0; i < doc->ntitles; i++)
        free(doc->titles[i]);
    free(doc->titles);
    free(doc->title_page);
    free(doc->markers);
    free(doc->page_max_marker);
    for (size_t i = 0; i < doc->nnotes; i++)
        free(doc->notes[i].lines);
    free(doc->notes);
    memset(doc, 0, sizeof *doc);
}
