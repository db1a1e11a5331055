/*
 * suggest.h - did-you-mean: a spelling suggestion for the words of a query that the index
 * does not know.
 *
 * A word is unknown when its folded form is not in the index.  When its stem is (`Veliki` has
 * the stem of `Veliky`, so it already matches Veliky), only forms of OTHER terms are
 * candidates: a form of its own term would add nothing (`Veliki` -> `Velikiy`; `cooperations`
 * gets no suggestion, it matches every form of `cooper`).  Numbers, words shorter than
 * IBID_SUGGEST_MIN_CHARS characters, the joined word of a compound, the operators AND, OR,
 * NOT and NEAR (upper case) and field names (work:, chapter:) are never corrected.
 * For an unknown word, the best form of the index's vocabulary is the one of lowest
 *
 *   cost = d - 0.5 * p / n - 0.3 * log10(1 + f)
 *
 * d: the optimal-string-alignment edit distance (insert, delete, substitute, swap two
 *    neighbours; bytes of the folded forms), at most 1 for words of up to 4 characters and at
 *    most 2 for longer ones;
 * p / n: the share of the typed word that the candidate starts with (people get the first
 *    letters of a name right);
 * f: the candidate term's frequency in the prose: passages that are paragraphs count 1,
 *    footnotes and bibliography entries 1/4, since their URLs hold transliterations nobody
 *    types (`velikij-kamen`).  So `Veliki` -> `Velikiy` (paragraphs), not `Velikij` (URLs).
 * Ties go to the form that sorts first.  Forms sharing the typed word's first character are
 * searched first (the IBID_SUGGEST_MAX_OPTIONS closest are weighed); only when none qualifies
 * is the whole vocabulary searched (at most IBID_SUGGEST_MAX_SCAN forms).
 *
 * The suggestion is the query text with each corrected word replaced in place (its first
 * letter upper case when the typed word's was; all upper case when the typed word was, and
 * longer than one letter), so operators, quotes and the other words stay as typed:
 * `Veliki Kamen` -> `Velikiy Kamen`.
 *
 * Ownership: nothing is kept; the suggestion is appended to the caller's buffer.
 */
#ifndef IBID_SUGGEST_H
#define IBID_SUGGEST_H

#include <stddef.h>

#include "analyze.h"
#include "buf.h"
#include "deletions.h"
#include "index.h"

enum { IBID_SUGGEST_MIN_CHARS = 3, IBID_SUGGEST_MAX_SCAN = 2000000, IBID_SUGGEST_MAX_OPTIONS = 64 };

/* Appends to out the corrected query text[0..len) and sets *changed to the number of words
   corrected; nothing is appended when *changed is 0 (every word known, no candidate close
   enough, or a query that is not valid UTF-8 without control characters).  an is used for the call only.  Returns IBID_OK, IBID_ENOMEM or IBID_ECORRUPT. */
int ibid_suggest(const ibid_index *ix, ibid_analyzer *an, const char *text, size_t len,
                 ibid_buf *out, size_t *changed);
/* The same over the segments ix[0..n) of one index (reader.h) with their deletions del[0..n)
   (del NULL, or an entry NULL: none): a word is unknown when no segment's live passages hold
   its form's term; the candidates of every segment compete (terms that only deleted passages
   hold are none), each weighed with its frequency in the live passages of every segment. */
int ibid_suggest_multi(const ibid_index *const *ix, const ibid_deletions *const *del, size_t n,
                       ibid_analyzer *an, const char *text, size_t len, ibid_buf *out, size_t *changed);

/* The edit distance above between a[0..na) and b[0..nb), or max + 1 when it exceeds max
   (max <= 8).  Exposed for tests. */
int ibid_suggest_distance(const char *a, size_t na, const char *b, size_t nb, int max);

#endif
