/*
 * parse_pdftext_layout.c - lines, pages and chapter titles of `pdftotext -layout` text.
 *
 * Page grammar (../shared/docs/corpus-format.md section 2.1):
 *   page           := body-line+ [ footnote-block ]
 *   first body line:= " " TEXT (exactly one leading space) | TEXT after a printed page number
 *   footnote-block := [""] SEP FN-LINE+          SEP = a line of 30+ spaces (48 or 49 seen)
 *   page-number    := "" "" "" /^\s*(\d{1,3}|U+FFFD+)\s*$/ [" "] ""   (000:921, 003:824)
 * Real pdftotext output separates pages with form feeds; when the file has any, pages start
 * after form feeds only.  The bundled files lost theirs, so pages are found by the grammar:
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
 */
#include "parse_pdftext_int.h"

#include <limits.h>
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

/* Form-feed mode: a page-number-shaped line that is the first or last text line of its page. */
static void mark_ff_pagenums(pt_doc *doc)
{
    size_t first = SIZE_MAX, last = SIZE_MAX;
    int page = -1;
    for (size_t i = 0; i <= doc->nlines; i++) {
        int p = i < doc->nlines ? doc->lines[i].page : -2;
        if (i < doc->nlines && (doc->lines[i].role != PT_BODY && doc->lines[i].role != PT_NOTE))
            continue;
        if (p != page) {
            if (first != SIZE_MAX && is_pagenum_text(&doc->lines[first]))
                doc->lines[first].role = PT_PAGENUM;
            if (last != SIZE_MAX && last != first && is_pagenum_text(&doc->lines[last]))
                doc->lines[last].role = PT_PAGENUM;
            page = p;
            first = i;
        }
        last = i;
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
    if (doc->has_ff)
        mark_ff_pagenums(doc);
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
    doc->ntitles = n + 1;
    return IBID_OK;
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
    return IBID_OK;
}

int pt_chapter_of_page(const pt_doc *doc, int page)
{
    /* titles are in page order; binary search for the last title on or before page */
    size_t lo = 0, hi = doc->ntitles;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (doc->title_page[mid] <= page)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (int)lo - 1;
}

void pt_doc_free(pt_doc *doc)
{
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
