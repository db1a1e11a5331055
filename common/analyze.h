/*
 * analyze.h - text analysis: from UTF-8 text to index terms.  ONE analyzer serves the indexer,
 * the query parser and the snippet highlighter, so a word is always cut and normalised alike.
 *
 * Pipeline (docs/text-analysis.md has the full rules and the reasons):
 *   1. Tokenize: a token is a run of letters and digits (Unicode categories L*, N*, and M* inside
 *      a word), with these joins and splits:
 *        - apostrophes inside a word are dropped and the word kept whole (o'clock -> oclock);
 *          a possessive 's or a trailing ' is dropped (Brazil's -> brazil, Belarus' -> belarus);
 *        - hyphenated compounds give their parts AND the joined word: co-operation ->
 *          co (pos p), operation (pos p+1), cooperation (pos p, flag IBID_TOK_JOINED);
 *        - letter/digit boundaries split (1.3bn -> 1.3, bn; VietnamExpo-2022 -> vietnamexpo, 2022
 *          and the joined vietnamexpo2022);
 *        - numbers: digits with inner '.' or ',' followed by a digit stay one token; thousands
 *          commas are dropped (20,000 -> 20000), decimal points kept (1.3);
 *        - U+FFFD, punctuation, symbols ($ % (c) en dash) separate tokens and are never tokens.
 *   2. Fold (the "form"): Unicode NFKC, case folding and removal of diacritics with utf8proc
 *      (Camagüey -> camaguey).  Forms longer than IBID_MAX_TERM bytes are skipped (the position
 *      is still counted, so phrases never match across them).
 *   3. Stem (the "term"): Snowball English (libstemmer) on forms made of letters only, cached so
 *      each distinct form is stemmed once; forms with digits are their own term.
 *
 * The index keys postings by term (stem) and records, at every position, which form occurred,
 * so that quoted phrases can demand the exact forms (see docs/index-format.md).
 *
 * Ownership: an ibid_analyzer owns its tokenizer state, its stemmer and its stem cache.  Token
 * strings point into the analyzer and are valid until the next call to ibid_analyzer_next or
 * ibid_analyzer_reset; copy them to keep them.  An analyzer is not thread-safe: use one per
 * thread.
 */
#ifndef IBID_ANALYZE_H
#define IBID_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

enum { IBID_MAX_TERM = 64 }; /* bytes of a folded form; longer words are not indexed */

enum {
    IBID_TOK_JOINED = 1u, /* the joined form of a compound, at the position of its first part */
    IBID_TOK_NUMBER = 2u  /* the form contains digits (it was not stemmed) */
};

typedef struct ibid_token {
    const char *form;  /* folded surface form, NUL-terminated */
    size_t form_len;
    const char *term;  /* stem of form (== form when not stemmed), NUL-terminated */
    size_t term_len;
    uint32_t pos;      /* 0-based position in the text; JOINED tokens share their first part's */
    uint32_t start;    /* byte offset in the input of the token's first byte */
    uint32_t end;      /* byte offset just past its last byte (a JOINED token spans its parts) */
    unsigned flags;    /* IBID_TOK_* */
    uint32_t form_id;  /* the analyzer's number for form: distinct forms are numbered 0, 1, 2...
                          in order of first appearance and keep their number for the analyzer's
                          lifetime (a caller may key tables by it instead of hashing form) */
} ibid_token;

typedef struct ibid_analyzer ibid_analyzer;

/* Creates an analyzer (English stemming). Returns NULL when out of memory. */
ibid_analyzer *ibid_analyzer_new(void);
void ibid_analyzer_free(ibid_analyzer *a);

/* Starts analysing text[0..len) (UTF-8; invalid bytes are treated as separators).  The text is
   not copied: it must stay unchanged until the last ibid_analyzer_next call.  Positions restart
   at 0. */
void ibid_analyzer_reset(ibid_analyzer *a, const char *text, size_t len);
/* Fills *tok with the next token. Returns 1 for a token, 0 at the end, IBID_ENOMEM on failure.
   Tokens come in order of start offset; a JOINED token comes right after its last part. */
int ibid_analyzer_next(ibid_analyzer *a, ibid_token *tok);

/* Folds one word exactly as step 2 does (no tokenizing) into out (cap bytes, NUL-terminated).
   Returns the folded length, 0 when nothing is left, or IBID_ELIMIT when it does not fit. */
int ibid_fold_word(const char *word, size_t len, char *out, size_t cap);
/* Stems a folded form as step 3 does, through the analyzer's cache.  *term_len gets the length.
   The result is valid until the analyzer is freed.  Returns NULL when out of memory. */
const char *ibid_analyzer_stem(ibid_analyzer *a, const char *form, size_t len, size_t *term_len);

#endif
