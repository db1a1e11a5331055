/*
 * snippet.h - highlighting the query's words in a passage and cutting a snippet around them.
 *
 * The highlighter takes the words of a query (query.h) that can match: stems of plain words,
 * exact folded forms of quoted words, prefixes (words under NOT and filter values are left
 * out).  It re-analyses a passage's text with the same analyzer as the index and marks every
 * token whose stem or exact form is wanted, or whose form starts with a wanted prefix.
 * Ranges are byte offsets into the text, ascending and non-overlapping (overlaps merged).
 *
 * The snippet is the window of about IBID_SNIPPET_BYTES bytes that holds the most distinct
 * query words (then the most matches), widened to word boundaries; the whole text when it is
 * short enough.
 *
 * Ownership: an ibid_highlighter owns copies of the words (ibid_highlighter_free).  Range
 * lists own their arrays (ibid_ranges_free).
 */
#ifndef IBID_SNIPPET_H
#define IBID_SNIPPET_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "query.h"

enum { IBID_SNIPPET_BYTES = 240 };

typedef struct ibid_range {
    size_t start, end; /* [start, end) */
    int word;          /* which query word matched (for density), -1 after merging mixed */
} ibid_range;

typedef struct ibid_ranges {
    ibid_range *v;
    size_t n, cap;
} ibid_ranges;

void ibid_ranges_free(ibid_ranges *r);

typedef struct ibid_highlighter ibid_highlighter;

/* Collects the words of q.  Returns IBID_OK or IBID_ENOMEM; *out is NULL on error. */
int ibid_highlighter_new(const ibid_query *q, ibid_highlighter **out);
void ibid_highlighter_free(ibid_highlighter *h);

/* Fills out (cleared first) with the matched ranges of text.  IBID_OK or IBID_ENOMEM.  h
   remembers which word each of an's forms matched (by the form numbers of analyze.h), so the
   passages of one query cost a lookup a token; h is therefore not const, and not to be shared
   between threads (another analyzer, while both are alive, is fine: the memory starts again). */
int ibid_highlight(ibid_highlighter *h, ibid_analyzer *an, const char *text, size_t len, ibid_ranges *out);
/* ibid_highlight in three steps, for a caller that runs the analyzer over the text itself (the
   near-duplicate signatures, dedup.h): begin (out cleared), every token of an over text[0..len)
   in the order the analyzer gives them (IBID_OK or IBID_ENOMEM), end (sorts and merges).  The
   ranges are those ibid_highlight gives. */
void ibid_highlight_begin(ibid_highlighter *h, const ibid_analyzer *an, ibid_ranges *out);
int ibid_highlight_token(ibid_highlighter *h, const ibid_token *t, size_t len, ibid_ranges *out);
void ibid_highlight_end(ibid_ranges *out);

/* Chooses the snippet window [*start, *end) of text for the ranges (of ibid_highlight). */
void ibid_snippet_window(const char *text, size_t len, const ibid_ranges *r, size_t width,
                         size_t *start, size_t *end);

#endif
