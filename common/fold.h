/*
 * fold.h - step 2 of text analysis (analyze.h): folding a word to its "form", internal to
 * common/.  The public entry point, ibid_fold_word, is declared in analyze.h and defined in
 * fold.c on top of these.
 *
 * Folding is Unicode NFKC, full case folding, removal of default-ignorable code points (soft
 * hyphen, zero-width joiners) and removal of every mark (M*), all done by utf8proc in one
 * decomposition: Camagüey -> camaguey, ß -> ss, ﬁ -> fi, ² -> 2.  Letters that carry no
 * combining mark are kept as they are (ø, ł, Cyrillic).  ASCII text takes a fast path (lower
 * case only), which gives exactly what utf8proc would.
 *
 * Limits: input longer than IBID_FOLD_MAX_IN bytes, or whose decomposition needs more than
 * IBID_FOLD_MAX_IN code points, or whose folded form is longer than IBID_MAX_TERM bytes, is
 * "too long" (IBID_ELIMIT): such a word is never a term.
 */
#ifndef IBID_FOLD_H
#define IBID_FOLD_H

#include <stddef.h>

#include "analyze.h"

enum { IBID_FOLD_MAX_IN = 4 * IBID_MAX_TERM };

/* Folds in[0..len) (UTF-8; invalid bytes are skipped) into out, which gets a NUL-terminated
   form of at most IBID_MAX_TERM bytes.  cap is out's size in bytes.  Returns the form's
   length, 0 when nothing is left, IBID_ELIMIT when the input or the form is too long or the
   form does not fit in cap. */
int ibid_fold_utf8(const char *in, size_t len, char *out, size_t cap);

/* 1 when every code point of the folded form form[0..len) is a letter (L*), so that it is
   stemmed; 0 otherwise (digits, '.', anything else) and for the empty form. */
int ibid_form_is_letters(const char *form, size_t len);

#endif
