/*
 * dedup.h - near-duplicate passages among the hits of a query (issue 6: several chapters are
 * printed in two works, and 002's bibliography repeats its footnotes).
 *
 * Two passages are near-duplicates when their word-bigram sets are similar enough:
 *   - the words are the analyzer's stems (analyze.h), a hyphenated compound taken joined
 *     (co-operation = cooperation), and URLs (a run starting with http://, https:// or www.
 *     up to white space) are left out, since footnotes share their boilerplate;
 *   - similarity = Jaccard |A & B| / |A | B| of the sets of consecutive-stem pairs (hashed);
 *   - the threshold is IBID_DEDUP_PARAGRAPH (0.30) when both are body paragraphs, else
 *     IBID_DEDUP_NOTE (0.60): footnotes and bibliography entries are short and alike in
 *     form ("The new resident of Great Stone will ... [Electronic resource]").
 *   Passages of fewer than 2 words are duplicates only when their stems are equal.
 * Measured on corpus/ (docs/search-quality.md): over every pair of body paragraphs, 0.30
 * finds 80 of the 82 paragraph pairs of the parallel chapters listed in section 8 of
 * ../shared/docs/corpus-format.md with 1 pair that is not one of them.
 *
 * Grouping goes down the hits in rank order: a hit similar to the leader of an earlier group
 * joins it (the first such group), otherwise it leads a new group.  So every group is shown
 * by its best hit, and grouping never changes the order of the leaders.
 */
#ifndef IBID_DEDUP_H
#define IBID_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "passage.h"

#define IBID_DEDUP_PARAGRAPH 0.30
#define IBID_DEDUP_NOTE 0.60

/* The signature of one passage: its sorted, distinct bigram hashes.  Owns h (malloc'd). */
typedef struct ibid_dedup_sig {
    uint64_t *h;
    size_t n;
    ibid_kind kind;
} ibid_dedup_sig;

/* Computes the signature of text[0..len) with analyzer an.  Returns IBID_OK or IBID_ENOMEM. */
int ibid_dedup_signature(ibid_analyzer *an, const char *text, size_t len, ibid_kind kind,
                         ibid_dedup_sig *out);
/* The same, and every token the analyzer gives (URLs included) is passed to on_token(ctx, t)
   as it comes, so that the caller need not analyse the text again (search.c highlights the
   window's passages this way).  A negative return of on_token stops and is returned. */
int ibid_dedup_signature_tokens(ibid_analyzer *an, const char *text, size_t len, ibid_kind kind,
                                int (*on_token)(void *ctx, const ibid_token *t), void *ctx,
                                ibid_dedup_sig *out);
void ibid_dedup_sig_free(ibid_dedup_sig *s);
/* Jaccard similarity of two signatures (0 when either is empty, unless both are). */
double ibid_dedup_similarity(const ibid_dedup_sig *a, const ibid_dedup_sig *b);
/* 1 when a and b are near-duplicates by the rules above. */
int ibid_dedup_same(const ibid_dedup_sig *a, const ibid_dedup_sig *b);

/* Groups sig[0..n) (hits best first): group[i] = i for a leader, else the index of its
   leader.  At most max_leaders groups are made (0: no limit); a later hit that is not a
   near-duplicate of one of them gets group[i] = SIZE_MAX (not shown).  No allocation beyond
   a scratch list of leaders.  Returns the number of leaders, or IBID_ENOMEM (as a negative
   long). */
long ibid_dedup_group(const ibid_dedup_sig *sig, size_t n, size_t max_leaders, size_t *group);

#endif
