/*
 * parse_pdftext_paras.c - where paragraphs start in pdftotext body text.
 *
 * pdftotext -layout loses the first-line indent, so paragraph starts must be inferred from
 * the line before and the lines around (../shared/docs/corpus-format.md section 3.1).  Body
 * lines are taken in reading order across pages (footnote blocks, titles, printed page
 * numbers and spacers are not body lines).  A body line starts a paragraph when:
 *   1. TERM: the previous line ends a sentence, optionally followed by a footnote marker:
 *      (?:[.!?]|\.\.\.)["”»)\]]*(?:\s*\.?\s*\d{1,3})?\s*\.?\s*$, or a closing quote + \d{1,3} .
 *   2. the line starts like a sentence: ^(\d{1,3})?["“«(]?[A-Z0-9]
 *   3. and one of:
 *      - the previous line is short: shorter than 60 characters;
 *      - the previous line ends with two or more spaces (pdftotext's trace of a line end
 *        before a paragraph break);
 *      - indentation (pdftotext dropped the indent, but the line is still short for it):
 *        this line is 8+ characters shorter than the next, or the next line's first word
 *        would have fitted on it with 4 characters to spare in the page's widest body line,
 *        and this line does not itself end a sentence (a short last line is no indent).
 * Conditions 1-3 with the guide's weaker proxy ("4 characters shorter than the next") are
 * its rule D (precision .92, recall .90); the stricter proxy drops five of D's six false
 * starts (000:1220, 1340, 1433, 1609, 2100) and finds 001:1480.  Lengths count characters.
 * tests/unit/test_parse_pdftext.c measures it against ../shared/docs/paragraph-starts.tsv.
 * In form-feed mode (real pdftotext output, which keeps the indent) the rules are those of
 * ff_starts_paragraph: the indent itself, or a short line before that ends a sentence.
 */
#include "parse_pdftext_int.h"

#include <stdint.h>
#include <string.h>

/* Length of a closing bracket or quote ending at p: " ) ] U+201D U+00BB; 0 if none. */
static size_t closer_before(const char *s, size_t p)
{
    if (p >= 1 && (s[p - 1] == '"' || s[p - 1] == ')' || s[p - 1] == ']'))
        return 1;
    if (p >= 3 && memcmp(s + p - 3, "\xE2\x80\x9D", 3) == 0)
        return 3;
    if (p >= 2 && memcmp(s + p - 2, "\xC2\xBB", 2) == 0)
        return 2;
    return 0;
}

static size_t ws_back(const char *s, size_t p)
{
    while (p > 0 && pt_isspace((unsigned char)s[p - 1]))
        p--;
    return p;
}

/* s[0..p) ends with [.!?] followed by closing quotes or brackets. */
static int core_end(const char *s, size_t p)
{
    size_t c;
    while ((c = closer_before(s, p)) != 0)
        p -= c;
    return p > 0 && (s[p - 1] == '.' || s[p - 1] == '!' || s[p - 1] == '?');
}

/* s[0..p) is core, optionally followed by \s*\.?\s*\d{1,3} */
static int core_marker_end(const char *s, size_t p)
{
    if (core_end(s, p))
        return 1;
    for (size_t k = 1; k <= 3 && k <= p && pt_isdigit((unsigned char)s[p - k]); k++) {
        size_t r = ws_back(s, p - k);
        if (core_end(s, r))
            return 1;
        if (r > 0 && s[r - 1] == '.' && core_end(s, ws_back(s, r - 1)))
            return 1;
    }
    return 0;
}

int pt_ends_sentence(const char *s, size_t n)
{
    size_t p = pt_rtrim(s, n);
    if (p == 0)
        return 0;
    if (core_marker_end(s, p))
        return 1;
    if (s[p - 1] == '.') {
        size_t r = ws_back(s, p - 1);
        if (core_marker_end(s, r))
            return 1;
        /* a closing quote followed by \d{1,3} . */
        size_t k = 0;
        while (k < 3 && k < r && pt_isdigit((unsigned char)s[r - 1 - k]))
            k++;
        if (k >= 1 && (k == r || !pt_isdigit((unsigned char)s[r - 1 - k])) && r - k > 0) {
            size_t q = r - k;
            if (s[q - 1] == '"' || (q >= 3 && memcmp(s + q - 3, "\xE2\x80\x9D", 3) == 0) ||
                (q >= 2 && memcmp(s + q - 2, "\xC2\xBB", 2) == 0))
                return 1;
        }
    }
    return 0;
}

/* ^(\d{1,3})?["“«(]?[A-Z0-9] on the line without its leading spaces. */
static int starts_like_sentence(const char *s, size_t n)
{
    size_t i = pt_ltrim(s, n);
    size_t d = i;
    while (d < n && d - i < 3 && pt_isdigit((unsigned char)s[d]))
        d++;
    if (d > i) /* digits: [A-Z0-9] already matched by the first one */
        return 1;
    if (i < n && (s[i] == '"' || s[i] == '('))
        i++;
    else if (i + 3 <= n && memcmp(s + i, "\xE2\x80\x9C", 3) == 0) /* U+201C */
        i += 3;
    else if (i + 2 <= n && memcmp(s + i, "\xC2\xAB", 2) == 0) /* U+00AB */
        i += 2;
    return i < n && (pt_isupper((unsigned char)s[i]) || pt_isdigit((unsigned char)s[i]));
}

/* Characters (not bytes: U+FFFD is three) of s[a..b). */
static size_t chars(const char *s, size_t a, size_t b)
{
    size_t c = 0;
    for (size_t i = a; i < b; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

size_t pt_text_chars(const char *s, size_t n)
{
    size_t a = pt_ltrim(s, n), b = pt_rtrim(s, n);
    return b > a ? chars(s, a, b) : 0;
}

/* Characters of the first word of a line. */
static size_t first_word_chars(const char *s, size_t n)
{
    size_t a = pt_ltrim(s, n), b = a;
    while (b < n && !pt_isspace((unsigned char)s[b]))
        b++;
    return chars(s, a, b);
}

/* Form-feed mode (real pdftotext output, which keeps indentation, so rule D's indentation proxy
   does not apply): a line that starts like a sentence starts a paragraph when
   - it is indented 2+ more than its page's margin (the most common indentation of its body
     lines), unless the line before is indented too and ends no sentence (an indented
     quotation goes on); or
   - a blank line separates it from the line before on the same page, in text whose lines
     mostly follow each other with none (doc->blank_breaks); or
   - the line before ends a sentence and is short: under 60 characters, or ending in two spaces,
     or under 85% of its page's widest body line (a paragraph's last line; this also finds a
     paragraph that starts a page alone, where nothing shows its indent). */
static int ff_starts_paragraph(const pt_doc *doc, const pt_line *prev, const pt_line *cur)
{
    if (!starts_like_sentence(cur->s, cur->n))
        return 0;
    size_t ic = pt_indent(cur), ip = pt_indent(prev);
    size_t mc = doc->page_indent[cur->page], mp = doc->page_indent[prev->page];
    int cur_in = mc != SIZE_MAX && ic >= mc + 2, prev_in = mp != SIZE_MAX && ip >= mp + 2;
    int prev_ends = pt_ends_sentence(prev->s, prev->n);
    if (cur_in && (!prev_in || prev_ends))
        return 1;
    if (doc->blank_breaks && prev->page == cur->page && cur > prev + 1)
        return 1; /* a blank line (or a title) between them in single-spaced text */
    if (!prev_ends)
        return 0;
    size_t lp = pt_text_chars(prev->s, prev->n);
    if (lp < 60 || (prev->n >= 2 && prev->s[prev->n - 1] == ' ' && prev->s[prev->n - 2] == ' '))
        return 1;
    size_t width = prev->page >= 0 && prev->page <= doc->npages && doc->page_width ? doc->page_width[prev->page] : 0;
    return lp * 100 < width * 85;
}

int pt_starts_paragraph(const pt_doc *doc, size_t k)
{
    const pt_line *prev = &doc->lines[doc->body[k - 1]];
    const pt_line *cur = &doc->lines[doc->body[k]];
    if (doc->has_ff && doc->page_indent)
        return ff_starts_paragraph(doc, prev, cur);
    if (!pt_ends_sentence(prev->s, prev->n) || !starts_like_sentence(cur->s, cur->n))
        return 0;
    /* the previous line is short: it ends a paragraph */
    if (pt_text_chars(prev->s, prev->n) < 60)
        return 1;
    /* two trailing spaces: pdftotext's trace of a paragraph end */
    if (prev->n >= 2 && prev->s[prev->n - 1] == ' ' && prev->s[prev->n - 2] == ' ')
        return 1;
    if (k + 1 >= doc->nbody)
        return 0;
    /* indentation: this line is clearly shorter than the next (8+ characters), or it
       stopped although the next line's first word would have fitted, with room to spare (4+
       characters of the page's widest line), and it is not itself a short last line */
    const pt_line *next = &doc->lines[doc->body[k + 1]];
    size_t lc = pt_text_chars(cur->s, cur->n), ln = pt_text_chars(next->s, next->n);
    if (ln >= lc + 8)
        return 1;
    size_t width = cur->page >= 0 && cur->page <= doc->npages && doc->page_width ? doc->page_width[cur->page] : 0;
    if (width >= lc + 1 + first_word_chars(next->s, next->n) + 4 && !pt_ends_sentence(cur->s, cur->n))
        return 1;
    return 0;
}
