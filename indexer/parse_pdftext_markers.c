/*
 * parse_pdftext_markers.c - inline footnote markers in pdftotext body text.
 *
 * pdftotext flattens superscript footnote numbers into the text ("development"1 .").  A
 * number is a marker when (../shared/docs/corpus-format.md sections 5.1 and 5.4):
 *   1. it has one of the eight shapes of section 5.1 (closing quote + N, sentence "." + N,
 *      year "." + N, '" .N' at line end, word + N before " .", N glued to the line start
 *      before a capitalised word, ". " + N glued to the next word, '. "N .');
 *   2. it is 1-3 digits, not followed by a digit or by "." + digit, and not preceded by an
 *      opening quote (a quote at the line start or after a space: 000:1024 '"7 major');
 *   3. its value lies in [next, next + 3], where next is one more than the last marker.
 * Body lines are scanned in reading order (titles, footnotes and page numbers left out).
 * On the bundled files this finds 1..110, 1..93, 1..142 and 1..115 with no gap.
 * In form-feed mode (real pdftotext output) a ninth shape is added: N glued to a word or to
 * closing punctuation, then a space or the line end (glued_shape).
 */
#include "parse_pdftext_int.h"

#include <stdlib.h>
#include <string.h>

#include "status.h"

/* The byte before position j that is a closing quote: '"', U+201D or U+00BB.  Returns the
   length of the quote ending at j (1, 2 or 3), 0 if none. */
static size_t quote_before(const char *s, size_t j)
{
    if (j >= 1 && s[j - 1] == '"')
        return 1;
    if (j >= 3 && memcmp(s + j - 3, "\xE2\x80\x9D", 3) == 0) /* U+201D */
        return 3;
    if (j >= 2 && memcmp(s + j - 2, "\xC2\xBB", 2) == 0) /* U+00BB */
        return 2;
    return 0;
}

/* Length of a quote '"' or U+201D starting at s[i], 0 if none. */
static size_t quote_at(const char *s, size_t n, size_t i)
{
    if (i < n && s[i] == '"')
        return 1;
    if (i + 3 <= n && memcmp(s + i, "\xE2\x80\x9D", 3) == 0)
        return 3;
    return 0;
}

static int ws(const char *s, size_t n, size_t i) { return i < n && pt_isspace((unsigned char)s[i]); }

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (ws(s, n, i))
        i++;
    return i;
}

/* After the digits at e: \s*$ */
static int at_eol(const char *s, size_t n, size_t e) { return skip_ws(s, n, e) >= n; }

/* After the digits at e: \s*[.,;:](?!\d) */
static int punct_follows(const char *s, size_t n, size_t e, const char *set)
{
    size_t i = skip_ws(s, n, e);
    return i < n && strchr(set, s[i]) && !(i + 1 < n && pt_isdigit((unsigned char)s[i + 1]));
}

/* After the digits at e: one whitespace then "." */
static int space_dot(const char *s, size_t n, size_t e)
{
    return ws(s, n, e) && e + 1 < n && s[e + 1] == '.';
}

/* After the digits at e: [A-Z][a-z] */
static int cap_word(const char *s, size_t n, size_t e)
{
    return e + 1 < n && pt_isupper((unsigned char)s[e]) && pt_islower((unsigned char)s[e + 1]);
}

/* Form-feed mode's ninth shape: N glued to a lower-case letter, closing punctuation or a
   closing quote, then whitespace, the line end or [.,;:)] ("meet it.1 They", "tower.4",
   "keeper's4 "): how a raised number comes out of a real PDF (tests/fixtures/pdf/book.txt). */
static int glued_shape(const char *s, size_t n, size_t j, size_t e)
{
    if (j == 0)
        return 0;
    unsigned char b1 = (unsigned char)s[j - 1];
    int before = pt_islower(b1) || (b1 && strchr(".,;:!?)]\"'", b1)) || quote_before(s, j) ||
                 (j >= 3 && memcmp(s + j - 3, "\xE2\x80\x99", 3) == 0); /* U+2019 */
    if (!before)
        return 0;
    return e >= n || pt_isspace((unsigned char)s[e]) || punct_follows(s, n, e, ".,;:)");
}

/* Does the 1-3 digit run s[j..e) have a marker shape?  Shape numbers follow section 5.1;
   shape 9 (glued_shape) only in form-feed mode (ff). */
static int marker_shape(const char *s, size_t n, size_t j, size_t e, int ff)
{
    /* rule 2: not followed by a decimal point and a digit */
    if (e + 1 < n && s[e] == '.' && pt_isdigit((unsigned char)s[e + 1]))
        return 0;
    size_t q = quote_before(s, j);
    /* 8: '. "N .' (003:2716) - the quote here is preceded by a space, so test it first */
    if (q && j >= q + 2 && s[j - q - 1] == ' ' && s[j - q - 2] == '.' && space_dot(s, n, e))
        return 8;
    /* rule 2: an opening quote (at the line start or after a space) makes it text */
    if (q && (j == q || pt_isspace((unsigned char)s[j - q - 1])))
        return 0;
    /* 1: closing quote + N, then [.,;:] | EOL | " " + [a-z(] | optional space + quote */
    if (q) {
        if (punct_follows(s, n, e, ".,;:") || at_eol(s, n, e))
            return 1;
        if (ws(s, n, e) && e + 1 < n && (pt_islower((unsigned char)s[e + 1]) || s[e + 1] == '('))
            return 1;
        if (quote_at(s, n, e) || (ws(s, n, e) && quote_at(s, n, e + 1)))
            return 1;
    }
    char b1 = j >= 1 ? s[j - 1] : 0, b2 = j >= 2 ? s[j - 2] : 0;
    /* 2: sentence "." + N (after a letter, ")" or "]"), then \s*\.(?!\d) or EOL */
    if (b1 == '.' && (pt_isalpha((unsigned char)b2) || b2 == ')' || b2 == ']') &&
        (punct_follows(s, n, e, ".") || at_eol(s, n, e)))
        return 2;
    /* 3: year + "." + N, then " ." (004:2329 "in 2021.111 .") */
    if (b1 == '.' && j >= 5 && pt_isdigit((unsigned char)s[j - 2]) && pt_isdigit((unsigned char)s[j - 3]) &&
        ((s[j - 5] == '1' && s[j - 4] == '9') || (s[j - 5] == '2' && s[j - 4] == '0')) &&
        (j == 5 || !pt_isdigit((unsigned char)s[j - 6])) && space_dot(s, n, e))
        return 3;
    /* 4: '" .N' / '" . N' / ' .N' at the end of the line (004:512, 003:283, 003:1981) */
    if (at_eol(s, n, e)) {
        size_t k = j;
        if (k >= 1 && s[k - 1] == ' ')
            k--;
        if (k >= 1 && s[k - 1] == '.') {
            k--;
            if (k >= 1 && pt_isspace((unsigned char)s[k - 1]))
                return 4;
            if (quote_before(s, k))
                return 4;
            if (k >= 2 && s[k - 1] == ' ' && quote_before(s, k - 1))
                return 4;
        }
    }
    /* 5: word + N, then " ." or an optional space + quote + optional space + "." */
    if (pt_isalpha((unsigned char)b1) || b1 == ')') {
        if (space_dot(s, n, e))
            return 5;
        size_t i = e;
        if (ws(s, n, i))
            i++;
        size_t ql = quote_at(s, n, i);
        if (ql) {
            i += ql;
            if (ws(s, n, i))
                i++;
            if (i < n && s[i] == '.')
                return 5;
        }
    }
    /* 6: N glued to the line start before a capitalised word (000:332 "12In") */
    if ((j == 0 || (j == 1 && pt_isspace((unsigned char)s[0]))) && cap_word(s, n, e))
        return 6;
    /* 7: ". " + N glued to the next word (000:1481 "Belarus. 56It") */
    if (pt_isspace((unsigned char)b1) && (b2 == '.' || b2 == '!' || b2 == '?' || b2 == '"') &&
        cap_word(s, n, e))
        return 7;
    if (ff && glued_shape(s, n, j, e))
        return 9;
    return 0;
}

int pt_find_markers(pt_doc *doc)
{
    size_t cap = 0;
    int next = 1;
    doc->page_max_marker = calloc((size_t)doc->npages + 1, sizeof *doc->page_max_marker);
    if (!doc->page_max_marker)
        return IBID_ENOMEM;
    for (size_t k = 0; k < doc->nbody; k++) {
        size_t li = doc->body[k];
        const pt_line *l = &doc->lines[li];
        const char *s = l->s;
        size_t n = l->n;
        for (size_t j = 0; j < n; j++) {
            if (!pt_isdigit((unsigned char)s[j]) || (j > 0 && pt_isdigit((unsigned char)s[j - 1])))
                continue;
            size_t e = j;
            while (e < n && pt_isdigit((unsigned char)s[e]))
                e++;
            size_t len = e - j;
            if (len > 3) {
                j = e - 1;
                continue;
            }
            int v = 0;
            for (size_t i = j; i < e; i++)
                v = v * 10 + (s[i] - '0');
            if (v >= next && v <= next + 3 && v <= PT_MAX_NOTE && marker_shape(s, n, j, e, doc->has_ff)) {
                if (doc->nmarkers == cap) {
                    size_t nc = cap ? cap * 2 : 64;
                    pt_marker *m = realloc(doc->markers, nc * sizeof *m);
                    if (!m)
                        return IBID_ENOMEM;
                    doc->markers = m;
                    cap = nc;
                }
                doc->markers[doc->nmarkers++] = (pt_marker){li, j, e, v};
                next = v + 1;
                if (l->page >= 0 && l->page <= doc->npages && doc->page_max_marker[l->page] < v)
                    doc->page_max_marker[l->page] = v;
            }
            j = e - 1;
        }
    }
    /* make it cumulative: highest marker on this page or any before */
    for (int p = 1; p <= doc->npages; p++)
        if (doc->page_max_marker[p] < doc->page_max_marker[p - 1])
            doc->page_max_marker[p] = doc->page_max_marker[p - 1];
    return IBID_OK;
}
