/*
 * parse_pdftext_notes.c - footnote definitions and fragments in pdftotext text.
 *
 * Footnote lines (under a separator, or fragments) are grouped into units
 * (../shared/docs/corpus-format.md sections 2.1, 5.2, 5.3 and the errata):
 *   - A definition starts with ^\d{1,3}\s+(?!\d) (after at most the one stray leading space of
 *     001:1255) when its number is the previous definition's + 1, or, for the first definition
 *     of a page's block, when it is above the previous one and no higher than the highest
 *     marker seen so far in the body.  Continuation lines may start with digits ("2023. -
 *     URL:", 000:492; "576098-2023/", 000:2024), which the number test tells apart.
 *   - Lines at the top of a block, before its first definition, continue the previous page's
 *     last footnote (001:234-235, 001:626-627).  When the previous page's markers went past
 *     the last definition, that footnote has no definition and the lines form a fragment
 *     numbered with its last marker.
 *   - A fragment line (a "false page start", see parse_pdftext_layout.c) starts a unit of its
 *     own.  It is numbered as above at the top of a block, else when exactly one footnote
 *     between the definitions around it has its marker on the same page (000:1905 -> 67,
 *     000:2025 -> 72); otherwise nothing in the file tells its number and it stays null
 *     (003:1327 could be 64 or 65; 001:1352 could be any of 52-55: the guide knows it is 53
 *     only from 002, another file).
 *   - Every other line continues the unit before it.
 * In form-feed mode (real pdftotext output) a definition may be indented up to 8, its number
 * may stand alone on its line with the text on the lines after it (groff -ms), and it may be
 * followed by a full stop ("1.   Text", groff -mm).
 */
#include "parse_pdftext_int.h"

#include <stdlib.h>
#include <string.h>

#include "status.h"

static int note_add_line(pt_note *n, size_t li)
{
    if (n->nlines == n->cap) {
        size_t cap = n->cap ? n->cap * 2 : 4;
        size_t *v = realloc(n->lines, cap * sizeof *v);
        if (!v)
            return IBID_ENOMEM;
        n->lines = v;
        n->cap = cap;
    }
    n->lines[n->nlines++] = li;
    n->last = li;
    return IBID_OK;
}

static pt_note *note_new(pt_doc *doc, int num, int is_def, int page, size_t li, size_t skip)
{
    if (doc->nnotes == doc->notes_cap) {
        size_t cap = doc->notes_cap ? doc->notes_cap * 2 : 32;
        pt_note *v = realloc(doc->notes, cap * sizeof *v);
        if (!v)
            return NULL;
        doc->notes = v;
        doc->notes_cap = cap;
    }
    pt_note *n = &doc->notes[doc->nnotes];
    memset(n, 0, sizeof *n);
    n->num = num;
    n->is_def = is_def;
    n->page = page;
    n->first = li;
    n->skip = skip;
    if (note_add_line(n, li)) {
        free(n->lines);
        return NULL;
    }
    doc->nnotes++;
    return n;
}

/* "2. Osmolovsky" right after a definition number: a stray list number. */
static size_t stray_number(const pt_line *l, size_t t)
{
    const char *s = l->s;
    size_t n = l->n;
    if (t + 3 < n && pt_isdigit((unsigned char)s[t]) && s[t + 1] == '.' && s[t + 2] == ' ' &&
        pt_isupper((unsigned char)s[t + 3]))
        return t + 3;
    return t;
}

/* ^\s?\d{1,3}\s+(?!\d): returns the number (0 if no match) and in *skip the bytes up to the
   text, past the odd starts of section 5.3 ("54 . Nikolai", 000:1474; "32 2. Osmolovsky",
   001:851). */
static int def_number(const pt_line *l, size_t *skip, int ff)
{
    const char *s = l->s;
    size_t n = l->n, i = 0;
    if (ff) { /* real pdftotext output: indented up to 8, or a number alone on its line */
        i = pt_ltrim(s, n);
        if (i > 8)
            return 0;
        size_t d = i, b = pt_rtrim(s, n);
        int v = 0;
        while (d < b && d - i < 4 && pt_isdigit((unsigned char)s[d]))
            v = v * 10 + (s[d++] - '0');
        if (d > i && d - i <= 3 && d == b && v > 0) {
            *skip = n;
            return v;
        }
        if (d > i && d - i <= 3 && d + 1 < b && s[d] == '.' && pt_isspace((unsigned char)s[d + 1])) {
            size_t t = d + 1; /* "1.   Text" (groff -mm) */
            while (t < b && pt_isspace((unsigned char)s[t]))
                t++;
            if (v > 0 && !pt_isdigit((unsigned char)s[t])) {
                *skip = t;
                return v;
            }
        }
    } else if (i < n && s[i] == ' ') {
        i++;
    }
    size_t d = i;
    int v = 0;
    while (d < n && d - i < 4 && pt_isdigit((unsigned char)s[d]))
        v = v * 10 + (s[d++] - '0');
    if (d == i || d - i > 3 || d >= n || !pt_isspace((unsigned char)s[d]))
        return 0;
    size_t t = d;
    while (t < n && pt_isspace((unsigned char)s[t]))
        t++;
    if (t >= n)
        return 0;
    if (pt_isdigit((unsigned char)s[t]) && stray_number(l, t) == t)
        return 0;
    if (v == 0)
        return 0;
    /* odd starts: " . Text" and a stray "2. Text" */
    if (t + 1 < n && s[t] == '.' && s[t + 1] == ' ')
        t += 2;
    *skip = t;
    return v;
}

/* Index of the first marker on page p (markers are in page order). */
static size_t first_marker_of_page(const pt_doc *doc, int p)
{
    size_t lo = 0, hi = doc->nmarkers;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (doc->lines[doc->markers[mid].line].page < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The one marker number in (lo, hi) on page p, or 0 when there is none or more than one. */
static int sole_marker_between(const pt_doc *doc, int p, int lo, int hi)
{
    int found = 0;
    for (size_t m = first_marker_of_page(doc, p);
         m < doc->nmarkers && doc->lines[doc->markers[m].line].page == p; m++) {
        int v = doc->markers[m].num;
        if (v <= lo)
            continue;
        if (v >= hi)
            break;
        if (found)
            return 0;
        found = v;
    }
    return found;
}

int pt_find_notes(pt_doc *doc)
{
    int prev_def = 0, page = -1, block_has_def = 0;
    size_t block_start_note = 0;
    for (size_t i = 0; i < doc->nlines; i++) {
        const pt_line *l = &doc->lines[i];
        if (l->role != PT_NOTE)
            continue;
        if (l->page != page) {
            page = l->page;
            block_has_def = 0;
            block_start_note = doc->nnotes;
        }
        size_t skip = 0;
        int v = def_number(l, &skip, doc->has_ff);
        int maxm = page >= 0 && page <= doc->npages ? doc->page_max_marker[page] : 0;
        if (v && (v == prev_def + 1 || (!block_has_def && v > prev_def && v <= maxm))) {
            skip = stray_number(l, skip);
            if (!note_new(doc, v, 1, page, i, skip))
                return IBID_ENOMEM;
            prev_def = v;
            block_has_def = 1;
            continue;
        }
        int top = doc->nnotes == block_start_note; /* nothing yet in this page's block */
        int m = page >= 1 ? doc->page_max_marker[page - 1] : 0;
        if (l->frag) {
            /* a fragment starts a unit of its own.  At the top of a block it may be the tail
               of the previous page's last footnote when that one has no definition; else its
               number is decided below (num < 0 remembers the definition before it). */
            int num = top && m > prev_def ? m : -prev_def - 1;
            if (!note_new(doc, num, 0, page, i, 0))
                return IBID_ENOMEM;
            continue;
        }
        if (top) {
            /* continues the previous page's last footnote */
            pt_note *last = doc->nnotes ? &doc->notes[doc->nnotes - 1] : NULL;
            if (last && (m <= prev_def || m == last->num)) {
                if (note_add_line(last, i))
                    return IBID_ENOMEM;
            } else if (!note_new(doc, m > prev_def ? m : 0, 0, page, i, 0)) {
                return IBID_ENOMEM;
            }
            continue;
        }
        if (note_add_line(&doc->notes[doc->nnotes - 1], i))
            return IBID_ENOMEM;
    }
    /* which numbers have definitions */
    memset(doc->def_index, 0, sizeof doc->def_index);
    for (size_t k = 0; k < doc->nnotes; k++)
        if (doc->notes[k].is_def && doc->notes[k].num > 0 && doc->notes[k].num <= PT_MAX_NOTE)
            doc->def_index[doc->notes[k].num] = (int)k + 1;
    /* number the mid-block fragments: walk backwards to know the next definition */
    int next_def = PT_MAX_NOTE + 1;
    for (size_t k = doc->nnotes; k-- > 0;) {
        pt_note *n = &doc->notes[k];
        if (n->is_def) {
            next_def = n->num;
            continue;
        }
        if (n->num < 0) {
            int before = -n->num - 1;
            n->num = sole_marker_between(doc, n->page, before, next_def);
        }
        if (n->num > 0 && (n->num > PT_MAX_NOTE || doc->def_index[n->num]))
            n->num = 0; /* never two passages for one number */
    }
    /* two fragments given one number: keep the first */
    unsigned char used[PT_MAX_NOTE + 1] = {0};
    for (size_t k = 0; k < doc->nnotes; k++) {
        pt_note *n = &doc->notes[k];
        if (n->is_def || n->num <= 0)
            continue;
        if (used[n->num])
            n->num = 0;
        else
            used[n->num] = 1;
    }
    return IBID_OK;
}
