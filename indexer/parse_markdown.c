/*
 * parse_markdown.c - the Markdown book parser (bundled 002; see docs/formats-markdown-plain-jsonl.md
 * and ../shared/docs/corpus-format.md sections 1.2, 2.3, 3.2 and 5).
 *
 * The file is read line by line in one pass after two cheap pre-scans:
 *   1. the work title is the first "# " heading; the table of contents is the first run of 3 or
 *      more short lines ending in a dot leader (or a tab) and a page number, with pages never
 *      going down, in the first half of the file.  Everything before the first "#"/"##"
 *      heading after the TOC is front matter and is not indexed.  Without a TOC the whole file
 *      is body and pages are null.
 *   2. the "##" headings after the front matter are matched to the TOC entries by order (the
 *      wording differs; by identical words when the counts differ), which gives each chapter
 *      its first page.  TOC lines with the same page are one entry split over two lines.
 * Then, in the body:
 *   - "##" (and "#") headings are chapters; "###" and deeper are dropped.  A chapter called
 *     Literature / References / Bibliography switches to the bibliography: "N. text" entries
 *     (N the next number, give or take 3, so "2023. - URL:" is a continuation) with their
 *     continuation lines; the first line that cannot continue an entry ends the list, and what
 *     follows up to the next heading (publisher ads) is dropped.
 *   - a "---" line ends a page that has footnotes: the block of "<sup>N</sup> text" definitions
 *     after it belongs to that page.  A definition outside a block (a "<sup>N</sup>" line whose
 *     N was cited and not yet defined) is a block of its own.  A bare URL line in a block, or a
 *     line right after a definition, continues the last footnote.
 *   - a paragraph is a run of non-blank lines.  After a footnote block the first body line
 *     continues the paragraph before the block iff that paragraph did not end a sentence.
 *     Across a blank line alone it continues only when the paragraph stops mid-sentence on a
 *     letter or comma and the line plainly continues it (lower-case start, or a closing quote
 *     before any opening one); that is a page break without footnotes, so the page advances.
 *   - "FOR AUTHOR USE ONLY" lines are dropped everywhere.
 *   - page of a line = TOC page of its chapter + page ends seen since the heading.
 * Text cleaning: <sup>N</sup> markers are removed and recorded as cites; xml-ph-* placeholders
 * and HTML tags are removed; ** and * emphasis dropped; [text](url) gives "text (url)", or the
 * text alone when the URL ends with it (the link is its own text) or is "#"; <https://...> gives
 * the URL; backslash escapes are undone ("\$" -> "$", "\\_" -> "_"); whitespace (and NUL)
 * collapses to single spaces.  Every scan inside a line is bounded and failed scans share a
 * budget linear in the line, so the parser is linear in the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parse_util.h"
#include "status.h"

enum { MAX_MARK = 99999, LINK_SCAN = 4096, TAG_SCAN = 256 };

/* ---- growable int vector (footnote numbers cited by the passage being built) ---------------- */

typedef struct ivec {
    int *v;
    size_t n, cap;
} ivec;

static int ivec_push(ivec *a, int x)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        if (cap > SIZE_MAX / sizeof(int))
            return IBID_ENOMEM;
        int *v = realloc(a->v, cap * sizeof *v);
        if (!v)
            return IBID_ENOMEM;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    return IBID_OK;
}

/* ---- text writer: collapses whitespace, drops the space a removed marker leaves before . , ;  */

typedef struct tw {
    ibid_buf *b;
    int space;   /* a space is pending before the next visible character */
    int removed; /* something (a marker, a placeholder) was just removed */
    int err;
} tw;

static void tw_put(tw *w, const char *s, size_t n)
{
    if (n == 0 || w->err)
        return;
    if (w->removed && (s[0] == '.' || s[0] == ',' || s[0] == ';' || s[0] == ':' || s[0] == ')'))
        w->space = 0;
    if (w->space && w->b->len > 0 && w->b->data[w->b->len - 1] != ' ' && w->b->data[w->b->len - 1] != '(')
        if (ibid_buf_putc(w->b, ' '))
            w->err = IBID_ENOMEM;
    if (!w->err && ibid_buf_put(w->b, s, n))
        w->err = IBID_ENOMEM;
    w->space = 0;
    w->removed = 0;
}

static void tw_space(tw *w) { w->space = 1; }

/* ---- inline Markdown -> clean text ----------------------------------------------------------- */

static int starts(const char *s, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    return n >= l && memcmp(s, lit, l) == 0;
}

/* "<sup>N</sup>" at s: returns its length and sets *num, or 0. */
static size_t sup_marker(const char *s, size_t n, int *num)
{
    if (!starts(s, n, "<sup>"))
        return 0;
    size_t i = 5, v = 0, d = 0;
    while (i < n && s[i] == ' ')
        i++;
    while (i < n && ibid_is_digit(s[i]) && d < 6) {
        v = v * 10 + (size_t)(s[i] - '0');
        i++;
        d++;
    }
    if (d == 0 || (i < n && ibid_is_digit(s[i])))
        return 0;
    while (i < n && s[i] == ' ')
        i++;
    if (!starts(s + i, n - i, "</sup>") || v < 1 || v > MAX_MARK)
        return 0;
    *num = (int)v;
    return i + 6;
}

/* An autolink "<scheme:...>" at s: returns its length, the URL is s[1 .. len-1). */
static size_t autolink(const char *s, size_t n)
{
    if (!(starts(s, n, "<http://") || starts(s, n, "<https://") || starts(s, n, "<ftp://") ||
          starts(s, n, "<mailto:") || starts(s, n, "<www.")))
        return 0;
    size_t lim = n < LINK_SCAN ? n : LINK_SCAN;
    for (size_t i = 1; i < lim; i++) {
        if (s[i] == '>')
            return i + 1;
        if (s[i] == '<' || ibid_is_space(s[i]))
            return 0;
    }
    return 0;
}

/* An HTML tag "<name ...>" or "</name>" at s: returns its length, or 0. */
static size_t html_tag(const char *s, size_t n)
{
    size_t i = 1;
    if (i < n && s[i] == '/')
        i++;
    if (i >= n || !ibid_is_alpha(s[i]))
        return 0;
    while (i < n && ibid_is_alnum(s[i]))
        i++;
    size_t lim = n < TAG_SCAN ? n : TAG_SCAN;
    if (i < lim && (s[i] == '>' || s[i] == ' ' || s[i] == '/')) {
        for (; i < lim; i++) {
            if (s[i] == '>')
                return i + 1;
            if (s[i] == '<')
                return 0;
        }
    }
    return 0;
}

/* A link "[text](url)" (s[0] == '['): sets the parts and returns the length, or 0. */
static size_t md_link(const char *s, size_t n, size_t *text_end, size_t *url_beg, size_t *url_end)
{
    size_t lim = n < LINK_SCAN ? n : LINK_SCAN;
    size_t i = 1;
    int depth = 1;
    for (; i < lim; i++) {
        if (s[i] == '\\') {
            i++;
            continue;
        }
        if (s[i] == '[')
            depth++;
        else if (s[i] == ']' && --depth == 0)
            break;
    }
    if (i >= lim || i + 1 >= n || s[i + 1] != '(')
        return 0;
    *text_end = i;
    size_t u = i + 2, j = u;
    lim = n - u < LINK_SCAN ? n : u + LINK_SCAN;
    depth = 1;
    for (; j < lim; j++) {
        if (s[j] == '(')
            depth++;
        else if (s[j] == ')' && --depth == 0)
            break;
    }
    if (j >= lim)
        return 0;
    while (u < j && ibid_is_space(s[u]))
        u++;
    size_t e = u;
    while (e < j && !ibid_is_space(s[e]))
        e++; /* drop an optional "title" */
    if (e > u && s[u] == '<' && s[e - 1] == '>') {
        u++;
        e--;
    }
    *url_beg = u;
    *url_end = e;
    return j + 1;
}

/* Does s[0..n) contain the literal lit? (n is one word: short) */
static int contains(const char *s, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    for (size_t i = 0; i + l <= n; i++)
        if (memcmp(s + i, lit, l) == 0)
            return 1;
    return 0;
}

static int same(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && memcmp(a, b, an) == 0;
}

/* Appends the clean form of s[0..n) to w.  Footnote markers go to marks (may be NULL: dropped).
   in_link: inside link text (links are not nested). */
static void md_clean(tw *w, const char *s, size_t n, ivec *marks, int in_link)
{
    size_t i = 0;
    /* failed link and tag scans look ahead a bounded window; their total is capped too, so a
       10 MB line of "[" or "<" stays linear */
    size_t spent = 0;
    const size_t allowance = 4 * n + 65536;
    while (i < n && !w->err) {
        unsigned char c = (unsigned char)s[i];
        size_t k;
        int num;
        if (ibid_is_space(c)) {
            tw_space(w);
            i++;
        } else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) { /* NBSP */
            tw_space(w);
            i += 2;
        } else if (c == '\\' && i + 1 < n && s[i + 1] > ' ' && s[i + 1] < 0x7F && !ibid_is_alnum(s[i + 1])) {
            if (s[i + 1] == '\\' && i + 2 < n && s[i + 2] == '_') {
                tw_put(w, "_", 1);
                i += 3;
            } else {
                tw_put(w, s + i + 1, 1);
                i += 2;
            }
        } else if (c == '<' && (k = sup_marker(s + i, n - i, &num)) > 0) {
            if (marks && ivec_push(marks, num))
                w->err = IBID_ENOMEM;
            w->removed = 1;
            i += k;
        } else if (c == '<' && spent <= allowance && (k = autolink(s + i, n - i)) > 0) {
            size_t off = starts(s + i + 1, k - 2, "mailto:") ? 7 : 0;
            tw_put(w, s + i + 1 + off, k - 2 - off);
            i += k;
        } else if (c == '<' && spent <= allowance && (k = html_tag(s + i, n - i)) > 0) {
            i += k;
        } else if ((c == '[' || (c == '!' && i + 1 < n && s[i + 1] == '[')) && !in_link && spent <= allowance) {
            size_t at = c == '!' ? i + 1 : i, te, ub, ue;
            k = md_link(s + at, n - at, &te, &ub, &ue);
            if (k == 0) {
                spent += n - at < 2 * LINK_SCAN ? n - at : 2 * LINK_SCAN;
                tw_put(w, s + i, 1);
                i++;
                continue;
            }
            const char *url = s + at + ub;
            size_t ulen = ue - ub;
            /* flush a pending space so the link text starts at mark */
            int flushed = 0;
            if (w->space && w->b->len > 0) {
                if (w->b->data[w->b->len - 1] != ' ') {
                    if (ibid_buf_putc(w->b, ' '))
                        w->err = IBID_ENOMEM;
                    flushed = 1;
                }
                w->space = 0;
            }
            size_t mark = w->b->len;
            md_clean(w, s + at + 1, te - 1, marks, 1);
            if (w->err)
                return;
            const char *txt = w->b->data ? w->b->data + mark : "";
            size_t tlen = w->b->len - mark;
            int image = c == '!';
            int suffix = tlen > 0 && tlen <= ulen && memcmp(url + ulen - tlen, txt, tlen) == 0 &&
                         !memchr(txt, ' ', tlen);
            if (image || ulen == 0 || url[0] == '#' || suffix) {
                /* the text alone: an image's alt text, an anchor, or the link is its own text
                   ("www.x.com" for "http://www.x.com", "a\\_b" for "a_b") */
            } else if (tlen == 0) {
                tw_put(w, url, ulen);
            } else if (starts(url, ulen, "mailto:") && same(txt, tlen, url + 7, ulen - 7)) {
                /* "[a@b.c](mailto:a@b.c)" */
            } else {
                tw_space(w);
                tw_put(w, "(", 1);
                tw_put(w, url, ulen);
                tw_put(w, ")", 1);
            }
            if (flushed && w->b->len == mark && !w->err) { /* the link gave nothing: no space */
                w->b->data[--w->b->len] = '\0';
                w->space = 1;
            }
            i = at + k;
        } else if (c == '*') {
            size_t r = i;
            while (r < n && s[r] == '*')
                r++;
            int before = i == 0 || ibid_is_space(s[i - 1]);
            int after = r == n || ibid_is_space(s[r]);
            if (r - i == 1 && before && after)
                tw_put(w, "*", 1);
            i = r;
        } else if (c == 'x' && starts(s + i, n - i, "xml-ph-") && (i == 0 || !ibid_is_alnum(s[i - 1]))) {
            i += 7; /* xml-ph-0, xml-ph-0000@dee: the id, not a following '.' */
            while (i < n && (ibid_is_alnum(s[i]) || s[i] == '@' || s[i] == '-' || s[i] == '_'))
                i++;
            w->removed = 1;
        } else {
            if (c == '<') /* autolink and tag scans failed */
                spent += n - i < LINK_SCAN ? n - i : LINK_SCAN;
            /* copy a run of ordinary bytes at once */
            size_t r = i + 1;
            while (r < n) {
                unsigned char d = (unsigned char)s[r];
                if (ibid_is_space(d) || d == '\\' || d == '<' || d == '[' || d == '!' || d == '*' ||
                    d == 'x' || d == 0xC2)
                    break;
                r++;
            }
            tw_put(w, s + i, r - i);
            i = r;
        }
    }
}

/* ---- line classification --------------------------------------------------------------------- */

typedef ibid_span lview;

static int is_author_use_only(lview t) { return same(t.s, t.n, "FOR AUTHOR USE ONLY", 19); }

/* "#".."######" then a space (or nothing): returns the level and the content, else 0. */
static int heading(lview t, lview *content)
{
    int lv = 0;
    while ((size_t)lv < t.n && lv < 7 && t.s[lv] == '#')
        lv++;
    if (lv < 1 || lv > 6 || ((size_t)lv < t.n && t.s[lv] != ' '))
        return 0;
    lview c = ibid_trim(t.s + lv, t.n - (size_t)lv);
    while (c.n && c.s[c.n - 1] == '#')
        c.n--; /* closing #s */
    *content = ibid_trim(c.s, c.n);
    return lv;
}

/* A thematic break: 3 or more of the same '-', '*' or '_' and nothing else (spaces allowed). */
static int thematic_break(lview t)
{
    if (t.n < 3 || (t.s[0] != '-' && t.s[0] != '*' && t.s[0] != '_'))
        return 0;
    size_t count = 0;
    for (size_t i = 0; i < t.n; i++) {
        if (t.s[i] == t.s[0])
            count++;
        else if (t.s[i] != ' ')
            return 0;
    }
    return count >= 3;
}

/* A table-of-contents line: "title ....<TAB>page" (4 or more dots) or "title<TAB>page", the title
   at most 100 bytes.  Sets the title and page. */
static int toc_line(lview t, lview *title, int *page)
{
    size_t e = t.n, d = 0;
    while (e > 0 && ibid_is_digit(t.s[e - 1]) && d < 5) {
        e--;
        d++;
    }
    if (d == 0 || d > 4 || e == 0)
        return 0;
    size_t p = e;
    int tab = 0;
    while (p > 0 && (t.s[p - 1] == ' ' || t.s[p - 1] == '\t')) {
        tab |= t.s[p - 1] == '\t';
        p--;
    }
    size_t dots = 0;
    while (p > 0 && (t.s[p - 1] == '.' || t.s[p - 1] == ' ')) {
        dots += t.s[p - 1] == '.';
        p--;
    }
    if (dots < 4 && !tab)
        return 0;
    if (p == 0)
        return 0;
    *title = ibid_trim(t.s, p);
    if (title->n > 100)
        return 0; /* a paragraph that ends in "..... 2023", not a contents line */
    int v = 0;
    for (size_t i = e; i < t.n; i++)
        v = v * 10 + (t.s[i] - '0');
    *page = v;
    return title->n > 0;
}

/* A bare link line: "<https://...>", "https://..." or "[...](...)" and nothing else. */
static int bare_url(lview t)
{
    if (t.n == 0)
        return 0;
    if (t.s[0] == '<')
        return autolink(t.s, t.n) == t.n;
    if (starts(t.s, t.n, "http://") || starts(t.s, t.n, "https://"))
        return memchr(t.s, ' ', t.n) == NULL;
    if (t.s[0] == '[') {
        size_t te, ub, ue;
        return md_link(t.s, t.n, &te, &ub, &ue) == t.n;
    }
    return 0;
}

/* "N. text" / "N) text" with N of 1-4 digits: sets N and the text. */
static int numbered(lview t, int *num, lview *rest)
{
    size_t i = 0;
    int v = 0;
    while (i < t.n && i < 4 && ibid_is_digit(t.s[i])) {
        v = v * 10 + (t.s[i] - '0');
        i++;
    }
    if (i == 0 || i >= t.n || (t.s[i] != '.' && t.s[i] != ')'))
        return 0;
    i++;
    if (i >= t.n || t.s[i] != ' ')
        return 0;
    *num = v;
    *rest = ibid_trim(t.s + i, t.n - i);
    return 1;
}

static int is_bibliography_title(const char *t)
{
    static const char *names[] = {"literature", "references", "bibliography", "sources", "works cited",
                                  "list of references", "list of literature"};
    size_t n = strlen(t);
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        size_t l = strlen(names[k]);
        if (n != l)
            continue;
        size_t i = 0;
        while (i < l && (t[i] | 0x20) == names[k][i])
            i++;
        if (i == l)
            return 1;
    }
    return 0;
}

/* Letters and digits, lower-cased: for comparing headings with TOC wording. */
static int same_words(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < an && !ibid_is_alnum(a[i]))
            i++;
        while (j < bn && !ibid_is_alnum(b[j]))
            j++;
        if (i == an || j == bn)
            return i == an && j == bn;
        if ((a[i] | 0x20) != (b[j] | 0x20))
            return 0;
        i++;
        j++;
    }
}

/* ---- the parser ------------------------------------------------------------------------------ */

typedef struct toc_entry {
    const char *title; /* points into the source */
    size_t tlen;
    int page;
} toc_entry;

typedef struct fn_def {
    int num;
    size_t order;
    const char *text;
} fn_def;

typedef struct md {
    const ibid_parse_ctx *ctx;
    const char *buf;
    ibid_passage_list *out;
    size_t start; /* first passage of this file in out */
    const char *file, *work;
    int err;

    /* chapter state */
    const char *chapter;
    int page_base; /* TOC page of the chapter, 0 = unknown */
    int breaks;    /* page ends seen since the heading */
    int para_no;

    /* paragraph being built */
    ibid_buf ptext;
    ivec pmarks;
    int popen, pgap_block, ppage;
    size_t pfirst, plast;
    int max_cited;

    /* footnotes */
    int in_block, block_page, last_def;
    ibid_buf ftext;
    int fopen, fnum, fpage;
    size_t ffirst, flast;
    const char *fchapter;
    fn_def *defs;
    size_t ndefs, capdefs;

    /* bibliography */
    ibid_buf btext;
    int bopen, bnum;
    size_t bfirst, blast;
} md;

static int page_now(const md *m) { return m->page_base > 0 ? m->page_base + m->breaks : 0; }

static const char *arena_copy(md *m, const ibid_buf *b)
{
    const char *s = ibid_arena_strndup(&m->out->arena, b->data ? b->data : "", b->len);
    if (!s)
        m->err = IBID_ENOMEM;
    return s;
}

static void push(md *m, const ibid_passage *p)
{
    if (!m->err && !ibid_passages_push(m->out, p))
        m->err = IBID_ENOMEM;
}

static void emit_paragraph(md *m)
{
    if (!m->popen)
        return;
    m->popen = 0;
    if (m->ptext.len == 0 && m->pmarks.n == 0)
        return;
    ibid_passage p = {0};
    p.kind = IBID_KIND_PARAGRAPH;
    p.file = m->file;
    p.line = (int)m->pfirst + 1;
    p.end_line = (int)m->plast + 1;
    p.work = m->work;
    p.chapter = m->chapter;
    p.page = m->ppage;
    p.paragraph = ++m->para_no;
    p.text = arena_copy(m, &m->ptext);
    if (m->pmarks.n) {
        ibid_cite *c = ibid_arena_alloc(&m->out->arena, m->pmarks.n * sizeof *c);
        if (!c) {
            m->err = IBID_ENOMEM;
            return;
        }
        for (size_t i = 0; i < m->pmarks.n; i++) {
            c[i].footnote = m->pmarks.v[i];
            c[i].text = NULL; /* filled in at the end, when every definition is known */
        }
        p.cites = c;
        p.ncites = m->pmarks.n;
    }
    if (p.text)
        push(m, &p);
}

static void emit_footnote(md *m)
{
    if (!m->fopen)
        return;
    m->fopen = 0;
    ibid_passage p = {0};
    p.kind = IBID_KIND_FOOTNOTE;
    p.file = m->file;
    p.line = (int)m->ffirst + 1;
    p.end_line = (int)m->flast + 1;
    p.work = m->work;
    p.chapter = m->fchapter;
    p.page = m->fpage;
    p.footnote = m->fnum;
    p.text = arena_copy(m, &m->ftext);
    if (!p.text)
        return;
    push(m, &p);
    if (m->err)
        return;
    if (m->ndefs == m->capdefs) {
        size_t cap = m->capdefs ? m->capdefs * 2 : 64;
        fn_def *d = realloc(m->defs, cap * sizeof *d);
        if (!d) {
            m->err = IBID_ENOMEM;
            return;
        }
        m->defs = d;
        m->capdefs = cap;
    }
    m->defs[m->ndefs].num = m->fnum;
    m->defs[m->ndefs].order = m->ndefs;
    m->defs[m->ndefs].text = p.text;
    m->ndefs++;
}

static void emit_entry(md *m)
{
    if (!m->bopen)
        return;
    m->bopen = 0;
    ibid_passage p = {0};
    p.kind = IBID_KIND_BIBLIOGRAPHY;
    p.file = m->file;
    p.line = (int)m->bfirst + 1;
    p.end_line = (int)m->blast + 1;
    p.work = m->work;
    p.chapter = m->chapter;
    p.footnote = m->bnum; /* the entry number; no page: the Literature has no page signals */
    p.text = arena_copy(m, &m->btext);
    if (p.text)
        push(m, &p);
}

/* Appends a continuation line to an entry or footnote: no space inside a URL broken at '-'/'/'. */
static void join_line(md *m, ibid_buf *b, lview t)
{
    tw w = {b, 0, 0, 0};
    if (b->len > 0) {
        char last = b->data[b->len - 1];
        size_t ws = b->len;
        while (ws > 0 && b->data[ws - 1] != ' ' && b->len - ws < 4096)
            ws--;
        int url = contains(b->data + ws, b->len - ws, "://") || contains(b->data + ws, b->len - ws, "www.");
        if (!(url && (last == '-' || last == '/' || last == '_')))
            w.space = 1;
    }
    md_clean(&w, t.s, t.n, NULL, 0);
    if (w.err)
        m->err = w.err;
}

static void start_footnote(md *m, int num, lview rest, size_t i, int page)
{
    emit_footnote(m);
    ibid_buf_clear(&m->ftext);
    /* "<sup>87</sup> . Nikolai..." (002:587): drop the stray " . " */
    while (rest.n && (rest.s[0] == ' ' || rest.s[0] == '.'))
        rest = ibid_trim(rest.s + 1, rest.n - 1);
    tw w = {&m->ftext, 0, 0, 0};
    md_clean(&w, rest.s, rest.n, NULL, 0);
    if (w.err)
        m->err = w.err;
    m->fopen = 1;
    m->fnum = num;
    m->fpage = page;
    m->ffirst = m->flast = i;
    m->fchapter = m->chapter;
    m->last_def = num;
}

/* Appends a body line to the open paragraph (or starts one). */
static void add_body_line(md *m, lview t, size_t i, int new_para)
{
    if (new_para) {
        emit_paragraph(m);
        ibid_buf_clear(&m->ptext);
        m->pmarks.n = 0;
        m->popen = 1;
        m->pfirst = i;
        m->ppage = page_now(m);
    }
    /* a list bullet or block quote at the start of the line */
    if (t.n >= 2 && (t.s[0] == '-' || t.s[0] == '+' || t.s[0] == '>' || (t.s[0] == '*' && t.s[1] == ' ')) &&
        t.s[1] == ' ')
        t = ibid_trim(t.s + 2, t.n - 2);
    else if (t.n == 1 && t.s[0] == '>')
        t.n = 0;
    size_t first_mark = m->pmarks.n;
    tw w = {&m->ptext, m->ptext.len > 0, 0, 0};
    md_clean(&w, t.s, t.n, &m->pmarks, 0);
    if (w.err)
        m->err = w.err;
    for (size_t k = first_mark; k < m->pmarks.n; k++)
        if (m->pmarks.v[k] > m->max_cited)
            m->max_cited = m->pmarks.v[k];
    m->plast = i;
    m->pgap_block = 0;
}

/* Does line t plainly continue a sentence (the paragraph before it stopped mid-sentence)? */
static int continues_sentence(lview t)
{
    if (t.n == 0)
        return 0;
    if (ibid_is_lower(t.s[0]))
        return 1;
    /* the first quote is a closing one (002:1011 `Belarusian exchange platform"<sup>157</sup>`) */
    for (size_t i = 0; i < t.n && i < 400; i++) {
        if (t.s[i] == '"')
            return i > 0 && !ibid_is_space(t.s[i - 1]);
        if ((t.s[i] == '.' || t.s[i] == '!' || t.s[i] == '?') && i + 1 < t.n && t.s[i + 1] == ' ')
            return 0;
    }
    return 0;
}

static void body_line(md *m, lview t, size_t i)
{
    if (!m->popen) {
        add_body_line(m, t, i, 1);
        return;
    }
    if (i == m->plast + 1) { /* no blank line between: same paragraph */
        add_body_line(m, t, i, 0);
        return;
    }
    int term = ibid_ends_sentence(m->ptext.data ? m->ptext.data : "", m->ptext.len, 1);
    if (m->pgap_block) {
        add_body_line(m, t, i, term);
        return;
    }
    if (!term && m->ptext.len > 0) {
        char last = m->ptext.data[m->ptext.len - 1];
        if ((ibid_is_alpha(last) || last == ',') && continues_sentence(t)) {
            m->breaks++; /* a page break without footnotes (002:1009 -> 1011) */
            add_body_line(m, t, i, 0);
            return;
        }
    }
    add_body_line(m, t, i, 1);
}

/* Is lines[first..last] a plausible table of contents: 3 or more entries, pages never going
   down, in the first half of the file?  (A paragraph that happens to end in "..... 2023" is not.) */
static int toc_run_ok(const char *buf, const ibid_line *L, size_t nl, size_t first, size_t last, size_t count)
{
    if (count < 3 || first > nl / 2)
        return 0;
    int prev = 0;
    for (size_t i = first; i <= last; i++) {
        lview t = ibid_trim(buf + L[i].off, L[i].len), title;
        int page;
        if (!toc_line(t, &title, &page))
            continue;
        if (page < prev)
            return 0;
        prev = page;
    }
    return 1;
}

/* Pre-scan: the TOC (entries and last line) and where the body starts. */
static int scan_toc(const char *buf, const ibid_line *L, size_t nl, toc_entry **toc, size_t *ntoc,
                    size_t *body_start)
{
    *toc = NULL;
    *ntoc = 0;
    *body_start = 0;
    size_t first = nl, last = 0, count = 0, blanks = 0;
    for (size_t i = 0; i < nl; i++) {
        lview t = ibid_trim(buf + L[i].off, L[i].len), title;
        int page;
        if (toc_line(t, &title, &page)) {
            if (first == nl)
                first = i;
            last = i;
            count++;
            blanks = 0;
            continue;
        }
        if (first == nl || (t.n == 0 && ++blanks <= 2))
            continue;
        if (toc_run_ok(buf, L, nl, first, last, count))
            break;
        first = nl; /* not a TOC: keep looking */
        count = blanks = 0;
    }
    if (first == nl || !toc_run_ok(buf, L, nl, first, last, count))
        return IBID_OK;
    toc_entry *v = malloc(count * sizeof *v);
    if (!v)
        return IBID_ENOMEM;
    size_t n = 0;
    for (size_t i = first; i <= last; i++) {
        lview t = ibid_trim(buf + L[i].off, L[i].len), title;
        int page;
        if (!toc_line(t, &title, &page))
            continue;
        if (n > 0 && v[n - 1].page == page)
            continue; /* a title split over two TOC lines (002:98-99) */
        v[n].title = title.s;
        v[n].tlen = title.n;
        v[n].page = page;
        n++;
    }
    *toc = v;
    *ntoc = n;
    *body_start = last + 1;
    for (size_t i = last + 1; i < nl; i++) {
        lview t = ibid_trim(buf + L[i].off, L[i].len), c;
        int lv = heading(t, &c);
        if (lv == 1 || lv == 2) {
            *body_start = i;
            break;
        }
    }
    return IBID_OK;
}

static int clean_heading(ibid_buf *b, lview c)
{
    ibid_buf_clear(b);
    tw w = {b, 0, 0, 0};
    md_clean(&w, c.s, c.n, NULL, 0);
    return w.err;
}

static int cmp_def(const void *a, const void *b)
{
    const fn_def *x = a, *y = b;
    if (x->num != y->num)
        return (x->num > y->num) - (x->num < y->num);
    return (x->order > y->order) - (x->order < y->order);
}

int ibid_parse_markdown(const ibid_parse_ctx *ctx, const char *buf, size_t len, ibid_passage_list *out)
{
    ibid_line *L = NULL;
    size_t nl = 0;
    toc_entry *toc = NULL;
    size_t ntoc = 0, body_start = 0;
    int *chapter_pages = NULL;
    ibid_buf hb = {0};
    md m;
    memset(&m, 0, sizeof m);
    m.ctx = ctx;
    m.buf = buf;
    m.out = out;
    m.start = out->n;

    int rc = ibid_split_lines(buf, len, &L, &nl);
    if (rc)
        goto done;
    m.file = ibid_arena_strndup(&out->arena, ctx->file ? ctx->file : "", ctx->file ? strlen(ctx->file) : 0);
    if (!m.file) {
        rc = IBID_ENOMEM;
        goto done;
    }

    /* the work title: the first "# " heading */
    const char *title = NULL;
    for (size_t i = 0; i < nl && !title; i++) {
        lview c, t = ibid_trim(buf + L[i].off, L[i].len);
        if (heading(t, &c) == 1) {
            if ((rc = clean_heading(&hb, c)))
                goto done;
            if (hb.len)
                title = hb.data;
        }
    }
    m.work = ibid_pick_work(ctx, &out->arena, title);
    if (!m.work) {
        rc = IBID_ENOMEM;
        goto done;
    }
    const char *title_text = title ? m.work : NULL; /* for skipping repeated title headings */
    if (title && ctx->work && *ctx->work) {
        title_text = ibid_arena_strndup(&out->arena, title, strlen(title));
        if (!title_text) {
            rc = IBID_ENOMEM;
            goto done;
        }
    }

    if ((rc = scan_toc(buf, L, nl, &toc, &ntoc, &body_start)))
        goto done;

    /* chapter headings in the body, matched to the TOC */
    size_t nchap = 0;
    for (size_t i = body_start; i < nl; i++) {
        lview c, t = ibid_trim(buf + L[i].off, L[i].len);
        int lv = heading(t, &c);
        if (lv == 1 || lv == 2)
            nchap++;
    }
    if (ntoc && nchap) {
        chapter_pages = calloc(nchap, sizeof *chapter_pages);
        if (!chapter_pages) {
            rc = IBID_ENOMEM;
            goto done;
        }
        size_t k = 0;
        for (size_t i = body_start; i < nl; i++) {
            lview c, t = ibid_trim(buf + L[i].off, L[i].len);
            int lv = heading(t, &c);
            if (lv != 1 && lv != 2)
                continue;
            if (nchap == ntoc) {
                chapter_pages[k] = toc[k].page;
            } else {
                if ((rc = clean_heading(&hb, c)))
                    goto done;
                for (size_t e = 0; e < ntoc; e++)
                    if (same_words(hb.data ? hb.data : "", hb.len, toc[e].title, toc[e].tlen))
                        chapter_pages[k] = toc[e].page;
            }
            k++;
        }
    }

    enum { BODY, BIB, BACK } mode = BODY;
    size_t chap_k = 0;
    for (size_t i = body_start; i < nl && !m.err; i++) {
        lview t = ibid_trim(buf + L[i].off, L[i].len), c, rest;
        int num;
        if (t.n == 0 || is_author_use_only(t))
            continue;
        int lv = heading(t, &c);
        if (lv) {
            emit_paragraph(&m);
            emit_entry(&m);
            m.in_block = 0;
            if (lv >= 3)
                continue; /* a section heading: metadata we do not keep */
            int pg = chapter_pages ? chapter_pages[chap_k] : 0;
            chap_k++;
            if ((rc = clean_heading(&hb, c)))
                goto done;
            if (lv == 1 && title_text && hb.data && strcmp(hb.data, title_text) == 0 && !m.chapter)
                continue; /* the title repeated */
            emit_footnote(&m);
            m.chapter = hb.len ? ibid_arena_strndup(&out->arena, hb.data, hb.len) : NULL;
            if (hb.len && !m.chapter) {
                rc = IBID_ENOMEM;
                goto done;
            }
            m.page_base = pg;
            m.breaks = 0;
            m.para_no = 0;
            m.bnum = 0;
            mode = m.chapter && is_bibliography_title(m.chapter) ? BIB : BODY;
            continue;
        }
        if (mode == BACK)
            continue;
        if (mode == BIB) {
            if (numbered(t, &num, &rest) && (m.bnum == 0 || (num > m.bnum && num <= m.bnum + 3))) {
                emit_paragraph(&m);
                emit_entry(&m);
                ibid_buf_clear(&m.btext);
                tw w = {&m.btext, 0, 0, 0};
                md_clean(&w, rest.s, rest.n, NULL, 0);
                if (w.err)
                    m.err = w.err;
                m.bopen = 1;
                m.bnum = num;
                m.bfirst = m.blast = i;
                continue;
            }
            if (m.bopen) {
                unsigned char f = (unsigned char)t.s[0];
                if (ibid_is_lower(f) || ibid_is_digit(f) || f == '<' || f == '[' || f == '(' || f == '-' ||
                    starts(t.s, t.n, "http") || starts(t.s, t.n, "www.")) {
                    join_line(&m, &m.btext, t);
                    m.blast = i;
                    continue;
                }
                emit_entry(&m);
                mode = BACK; /* the list is over: what follows is back matter */
                continue;
            }
            if (m.bnum > 0)
                continue;
            /* text before the first entry: an ordinary paragraph */
        }
        if (thematic_break(t)) {
            m.in_block = 1;
            m.block_page = page_now(&m);
            m.breaks++;
            if (m.popen)
                m.pgap_block = 1;
            continue;
        }
        size_t k = sup_marker(t.s, t.n, &num);
        if (k > 0 && (m.in_block || (num <= m.max_cited && num > m.last_def))) {
            if (!m.in_block) { /* a definition without "---" (002:370): a page end of its own */
                m.in_block = 1;
                m.block_page = page_now(&m);
                m.breaks++;
                if (m.popen)
                    m.pgap_block = 1;
            }
            start_footnote(&m, num, ibid_trim(t.s + k, t.n - k), i, m.block_page);
            continue;
        }
        if (m.in_block && m.fopen && (bare_url(t) || i == m.flast + 1)) {
            join_line(&m, &m.ftext, t); /* 002:837 continues fn 126 */
            m.flast = i;
            continue;
        }
        m.in_block = 0;
        body_line(&m, t, i);
    }
    emit_paragraph(&m);
    emit_footnote(&m);
    emit_entry(&m);
    rc = m.err;
    if (rc)
        goto done;

    /* resolve cites: the first definition of each number */
    if (m.ndefs > 1)
        qsort(m.defs, m.ndefs, sizeof *m.defs, cmp_def);
    for (size_t p = m.start; p < out->n; p++) {
        ibid_cite *cv = (ibid_cite *)out->v[p].cites;
        for (size_t j = 0; j < out->v[p].ncites; j++) {
            size_t lo = 0, hi = m.ndefs;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (m.defs[mid].num < cv[j].footnote)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < m.ndefs && m.defs[lo].num == cv[j].footnote)
                cv[j].text = m.defs[lo].text;
        }
    }
    ibid_passages_sort_from(out, m.start);

done:
    free(L);
    free(toc);
    free(chapter_pages);
    free(m.defs);
    free(m.pmarks.v);
    ibid_buf_free(&m.ptext);
    ibid_buf_free(&m.ftext);
    ibid_buf_free(&m.btext);
    ibid_buf_free(&hb);
    return rc;
}
