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
#include <string.h>

#include "analyze.h"
#include "le64.h"

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
    const char *bytes; /* cleaned copy: ASCII lower-cased, dropped characters removed;
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
    char buf[IBID_PIECE_CAP + 1];
} ibid_scanner;

/* Starts scanning text[0..len); texts longer than UINT32_MAX - 1 bytes are scanned only up to
   that length (offsets are 32-bit). */
void ibid_scan_reset(ibid_scanner *s, const char *text, size_t len);

/* ---- internals shared with the inline fast path ---- */

/* Character classes.  ibid_scan_class holds the class of every byte: the first eight values
   only, CC_HIGH meaning "a byte >= 0x80: decode the code point". */
enum {
    IBID_CC_SEP = 0,    /* separator: never part of a token */
    IBID_CC_APOS = 1,   /* ' U+2019 U+02BC */
    IBID_CC_HYPHEN = 2, /* - U+2010 U+2011 */
    IBID_CC_DOT = 3,    /* . */
    IBID_CC_COMMA = 4,  /* , */
    IBID_CC_ALPHA = 5,  /* L* */
    IBID_CC_DIGIT = 6,  /* N* */
    IBID_CC_HIGH = 7,   /* a byte >= 0x80 (table only) */
    IBID_CC_MARK = 8,   /* M*: continues a word, never starts one */
    IBID_CC_IGNORE = 9  /* U+00AD U+200C U+200D U+2060 U+FEFF: kept inside a word, else separates */
};
extern const unsigned char ibid_scan_class[256];

/* 0x80 in every byte of w that is an ASCII letter (A-Z, a-z), 0 in the others: a byte below
   0x80 is a letter when (b | 0x20) lies in 'a'..'z'; the additions cannot carry across bytes
   because the high bits are cleared first. */
static inline uint64_t ibid_ascii_letter_mask(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL;
    uint64_t x = (w | 0x20 * ones) & 0x7f * ones;
    uint64_t ge_a = x + (0x80 - 'a') * ones; /* high bit set when x >= 'a' */
    uint64_t gt_z = x + (0x80 - 'z' - 1) * ones; /* high bit set when x > 'z' */
    return ge_a & ~gt_z & ~w & 0x80 * ones;
}

/* The number of trailing zero bits of m (m != 0). */
static inline unsigned ibid_ctz64(uint64_t m)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(m);
#else
    unsigned n = 0;
    while (!(m & 1)) {
        m >>= 1;
        n++;
    }
    return n;
#endif
}

/* The full rules; ibid_scan_next's contract.  Call ibid_scan_next instead. */
int ibid_scan_next_general(ibid_scanner *s, ibid_piece *p);

/* Fills *p with the next piece; returns 1, or 0 at the end of the text.  Never fails.
   Inline fast path: a run of ASCII letters (or digits) that an ASCII separator or the end of
   the text ends; for letters, '.' and ',' also end it.  Anything else (apostrophe, hyphen,
   letter/digit boundary, non-ASCII, a dot or comma after digits, a run longer than
   IBID_PIECE_CAP) goes to ibid_scan_next_general, which scans it again from its start. */
static inline int ibid_scan_next(ibid_scanner *s, ibid_piece *p)
{
    const unsigned char *t = s->text;
    const size_t len = s->len;
    size_t i = s->i;
    while (i < len && ibid_scan_class[t[i]] < IBID_CC_ALPHA)
        i++;
    s->i = i;
    if (i >= len)
        return 0;
    const int c = ibid_scan_class[t[i]];
    if (c == IBID_CC_HIGH)
        return ibid_scan_next_general(s, p);
    size_t j = i, k = 0, lim = i + IBID_PIECE_CAP;
    if (lim > len)
        lim = len;
    int next = IBID_CC_SEP;
    if (c == IBID_CC_ALPHA) {
        /* eight bytes at a time: lower-case them all and store them as one word; the word
           that holds the end of the run is stored with zeros from there, which is the NUL
           (and a following 8-byte load of the form is served whole from that store) */
        const uint64_t hi = 0x8080808080808080ULL;
        int done = 0;
        while (len - j >= 8 && k <= IBID_PIECE_CAP - 8) {
            uint64_t w = ibid_le64_load(t + j) | 0x2020202020202020ULL;
            uint64_t m = ibid_ascii_letter_mask(w);
            if (m == hi) {
                ibid_le64_store(s->buf + k, w);
                j += 8;
                k += 8;
                continue;
            }
            unsigned nl = ibid_ctz64(~m & hi) >> 3; /* letters before the first other byte */
            ibid_le64_store(s->buf + k, w & (((uint64_t)1 << (8 * nl)) - 1));
            j += nl;
            k += nl;
            done = 1;
            break;
        }
        if (!done) {
            while (j < lim && ibid_scan_class[t[j]] == IBID_CC_ALPHA)
                s->buf[k++] = (char)(t[j++] | 0x20);
            s->buf[k] = '\0';
        }
        if (j < len) {
            next = ibid_scan_class[t[j]];
            if (next == IBID_CC_DOT || next == IBID_CC_COMMA)
                next = IBID_CC_SEP;
        }
    } else {
        while (j < lim && ibid_scan_class[t[j]] == IBID_CC_DIGIT)
            s->buf[k++] = (char)t[j++];
        if (j < len)
            next = ibid_scan_class[t[j]];
    }
    if (next != IBID_CC_SEP)
        return ibid_scan_next_general(s, p);
    if (c != IBID_CC_ALPHA)
        s->buf[k] = '\0';
    p->bytes = s->buf;
    p->len = k;
    p->start = (uint32_t)i;
    p->end = (uint32_t)j;
    p->kind = c == IBID_CC_ALPHA ? IBID_PIECE_ALPHA : IBID_PIECE_DIGIT;
    p->link = IBID_LINK_NONE;
    p->ascii = 1;
    p->too_long = 0;
    s->i = j;
    return 1;
}

#endif
