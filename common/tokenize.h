/*
 * tokenize.h - the token scanner: step 1 of text analysis (analyze.h), internal to common/.
 *
 * The scanner cuts UTF-8 text into "pieces": runs of letters or runs of digits, each with its
 * byte span in the input and a cleaned copy of its bytes.  It does not fold case (except ASCII,
 * which it lower-cases while copying) and does not stem; analyze.c does that and builds the
 * joined form of hyphenated compounds from the pieces.  docs/text-analysis.md gives the rules
 * and their reasons; in short:
 *
 *   - a piece is a run of letters (Unicode L*, with M* marks inside) or a run of digits (N*);
 *     a change from letters to digits or back ends a piece and starts the next one, linked
 *     by IBID_LINK_SPLIT (1.3bn -> "1.3" SPLIT "bn");
 *   - '-', U+2010 and U+2011 between two word characters link the pieces around them by
 *     IBID_LINK_HYPHEN (co-operation), except between two digits (2023-2025: no link);
 *   - an apostrophe (', U+2019, U+02BC) between two letters is dropped from the copy
 *     (o'clock -> oclock); 's at the end of a word is dropped (Brazil's -> brazil);
 *   - in a digit run, '.' followed by a digit is kept (1.3) and ',' followed by exactly three
 *     digits is dropped (20,000 -> 20000);
 *   - soft hyphen U+00AD, ZWNJ, ZWJ, WORD JOINER and U+FEFF inside a word are kept in the copy
 *     (the fold step removes them as default-ignorable): the word stays one piece;
 *   - everything else (punctuation, symbols, spaces, U+FFFD, invalid UTF-8 bytes) separates.
 *
 * Ownership: the scanner points into the caller's text (not copied) and owns the piece buffer;
 * a piece's bytes are valid until the next ibid_scan_next or ibid_scan_reset.
 */
#ifndef IBID_TOKENIZE_H
#define IBID_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"

/* Cleaned bytes kept per piece.  A piece whose cleaned bytes exceed this is "too long" and is
   never indexed: no NFKC folding brings more than 4 * IBID_MAX_TERM bytes under IBID_MAX_TERM
   except absurd runs of combining marks. */
enum { IBID_PIECE_CAP = 4 * IBID_MAX_TERM };

enum ibid_piece_kind { IBID_PIECE_ALPHA = 0, IBID_PIECE_DIGIT = 1 };

enum ibid_piece_link {
    IBID_LINK_NONE = 0,   /* the word ends after this piece */
    IBID_LINK_SPLIT = 1,  /* the next piece follows directly (letter/digit boundary) */
    IBID_LINK_HYPHEN = 2  /* the next piece follows after a compound hyphen */
};

typedef struct ibid_piece {
    const char *bytes; /* cleaned copy: ASCII lower-cased, dropped characters removed; NOT
                          NUL-terminated; owned by the scanner */
    size_t len;        /* length of bytes (<= IBID_PIECE_CAP) */
    uint32_t start;    /* input offset of the piece's first byte */
    uint32_t end;      /* input offset just past its last byte */
    unsigned char kind;     /* enum ibid_piece_kind */
    unsigned char link;     /* enum ibid_piece_link: how the NEXT piece attaches to this one */
    unsigned char ascii;    /* 1 when bytes are all ASCII: then bytes is already the folded form */
    unsigned char too_long; /* 1 when the cleaned piece exceeded IBID_PIECE_CAP (bytes cut) */
} ibid_piece;

typedef struct ibid_scanner {
    const unsigned char *text;
    size_t len, i;
    char buf[IBID_PIECE_CAP];
} ibid_scanner;

/* Starts scanning text[0..len); texts longer than UINT32_MAX - 1 bytes are scanned only up to
   that length (offsets are 32-bit). */
void ibid_scan_reset(ibid_scanner *s, const char *text, size_t len);
/* Fills *p with the next piece; returns 1, or 0 at the end of the text.  Never fails. */
int ibid_scan_next(ibid_scanner *s, ibid_piece *p);

#endif
