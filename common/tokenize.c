/*
 * tokenize.c - the token scanner (see tokenize.h and docs/text-analysis.md).
 *
 * The scanner walks the UTF-8 text once.  ASCII bytes are classified through a 256-entry table
 * and runs of ASCII letters or digits are copied (letters lower-cased) in tight loops; only a
 * byte >= 0x80 costs a UTF-8 decode and a Unicode category lookup (utf8proc).  Nothing is
 * allocated: the cleaned copy of a piece goes into the scanner's fixed buffer.
 *
 * Plain ASCII words (a run of letters or digits between ASCII separators), nearly every word
 * of English prose, are cut by the inline ibid_scan_next in tokenize.h; it hands everything
 * else to ibid_scan_next_general here, which applies every rule.
 *
 * Every decision needs at most three code points of lookahead: the character after an
 * apostrophe, a hyphen, a dot, a comma (three digits and one more) or an ignorable character.
 */
#include "tokenize.h"

#include <string.h>

#include <utf8proc.h>

#define S IBID_CC_SEP
#define Q IBID_CC_APOS
#define Y IBID_CC_HYPHEN
#define P IBID_CC_DOT
#define C IBID_CC_COMMA
#define A IBID_CC_ALPHA
#define D IBID_CC_DIGIT
#define H IBID_CC_HIGH
const unsigned char ibid_scan_class[256] = {
    S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S,
    S, S, S, S, S, S, S, Q, S, S, S, S, C, Y, P, S, D, D, D, D, D, D, D, D, D, D, S, S, S, S, S, S,
    S, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, S, S, S, S, S,
    S, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, S, S, S, S, S,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
};
#undef S
#undef Q
#undef Y
#undef P
#undef C
#undef A
#undef D
#undef H

/* Class of a non-ASCII code point. */
static int classify_high(utf8proc_int32_t cp)
{
    switch (cp) {
    case 0x2019: /* RIGHT SINGLE QUOTATION MARK, the typographic apostrophe */
    case 0x02BC: /* MODIFIER LETTER APOSTROPHE (category Lm: must not count as a letter) */
        return IBID_CC_APOS;
    case 0x2010: /* HYPHEN */
    case 0x2011: /* NON-BREAKING HYPHEN */
        return IBID_CC_HYPHEN;
    case 0x00AD: /* SOFT HYPHEN */
    case 0x200C: /* ZERO WIDTH NON-JOINER */
    case 0x200D: /* ZERO WIDTH JOINER */
    case 0x2060: /* WORD JOINER */
    case 0xFEFF: /* ZERO WIDTH NO-BREAK SPACE (BOM) */
        return IBID_CC_IGNORE;
    default:
        break;
    }
    if (cp >= 0x2000 && cp <= 0x206F) /* General Punctuation: dashes, quotes, spaces */
        return IBID_CC_SEP;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return IBID_CC_ALPHA;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return IBID_CC_MARK;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return IBID_CC_DIGIT;
    default:
        return IBID_CC_SEP; /* punctuation, symbols (U+FFFD, $, (c)), spaces, controls, unassigned */
    }
}

/* Class of the code point at byte i; *n gets its length in bytes (0 at the end of the text,
   1 for an invalid byte, which is a separator). */
static inline int class_at(const ibid_scanner *s, size_t i, size_t *n)
{
    if (i >= s->len) {
        *n = 0;
        return IBID_CC_SEP;
    }
    int c = ibid_scan_class[s->text[i]];
    if (c != IBID_CC_HIGH) {
        *n = 1;
        return c;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t r = utf8proc_iterate(s->text + i, (utf8proc_ssize_t)(s->len - i), &cp);
    if (r <= 0) {
        *n = 1;
        return IBID_CC_SEP;
    }
    *n = (size_t)r;
    return classify_high(cp);
}

static inline int is_word_class(int c)
{
    return c == IBID_CC_ALPHA || c == IBID_CC_DIGIT || c == IBID_CC_MARK;
}

void ibid_scan_reset(ibid_scanner *s, const char *text, size_t len)
{
    s->text = (const unsigned char *)text;
    s->len = len < (size_t)UINT32_MAX - 1 ? len : (size_t)UINT32_MAX - 1;
    s->i = 0;
}

/* Appends n raw bytes to the piece copy, or marks the piece too long. */
static inline void put_bytes(ibid_scanner *s, size_t *k, int *over, const unsigned char *b, size_t n)
{
    if (n <= IBID_PIECE_CAP - *k) {
        memcpy(s->buf + *k, b, n);
        *k += n;
    } else {
        *over = 1;
    }
}

/* Is there a possessive 's at byte i (an apostrophe of n bytes, then s or S, then no word
   character)?  Returns the bytes it covers, or 0. */
static size_t possessive_at(const ibid_scanner *s, size_t i, size_t n)
{
    size_t j = i + n;
    if (j >= s->len || (s->text[j] | 0x20) != 's')
        return 0;
    size_t m;
    int after = class_at(s, j + 1, &m);
    return is_word_class(after) ? 0 : n + 1;
}

int ibid_scan_next_general(ibid_scanner *s, ibid_piece *p)
{
    const unsigned char *t = s->text;
    const size_t len = s->len;
    size_t i = s->i, cl = 0;
    int c;

    /* 1. find the start of a piece: a letter or a digit */
    for (;;) {
        while (i < len && ibid_scan_class[t[i]] < IBID_CC_ALPHA)
            i++;
        if (i >= len) {
            s->i = len;
            return 0;
        }
        c = class_at(s, i, &cl);
        if (c == IBID_CC_ALPHA || c == IBID_CC_DIGIT)
            break;
        i += cl; /* a non-ASCII separator, a mark or ignorable outside a word, an invalid byte */
    }

    /* 2. the general path (tokenize.h's inline fast path took the plain ASCII words) */
    const int kind = c;
    const size_t start = i;
    size_t k = 0;
    int over = 0, ascii = 1;

    /* the run: c/cl describe the code point at i, which belongs to the run */
    for (;;) {
        if (c == kind && cl == 1) {
            /* an ASCII stretch: copy all of it (letters lower-cased) in a tight loop */
            size_t lim = i + (IBID_PIECE_CAP - k);
            if (lim > len)
                lim = len;
            if (kind == IBID_CC_ALPHA) {
                while (i < lim && ibid_scan_class[t[i]] == IBID_CC_ALPHA)
                    s->buf[k++] = (char)(t[i++] | 0x20);
                if (i == lim)
                    while (i < len && ibid_scan_class[t[i]] == IBID_CC_ALPHA)
                        i++, over = 1;
            } else {
                while (i < lim && ibid_scan_class[t[i]] == IBID_CC_DIGIT)
                    s->buf[k++] = (char)t[i++];
                if (i == lim)
                    while (i < len && ibid_scan_class[t[i]] == IBID_CC_DIGIT)
                        i++, over = 1;
            }
        } else {
            /* a non-ASCII letter, digit or mark of the run */
            put_bytes(s, &k, &over, t + i, cl);
            ascii = 0;
            i += cl;
        }
        if (i >= len) {
            c = IBID_CC_SEP;
            cl = 0;
            break;
        }
        c = class_at(s, i, &cl);
        if (c == kind || c == IBID_CC_MARK)
            continue;
        if (c == IBID_CC_IGNORE) {
            size_t n2;
            if (is_word_class(class_at(s, i + cl, &n2))) {
                put_bytes(s, &k, &over, t + i, cl); /* the fold step removes it */
                ascii = 0;
                i += cl;
                c = class_at(s, i, &cl);
                if (c == kind || c == IBID_CC_MARK)
                    continue;
            }
            break;
        }
        if (c == IBID_CC_APOS) {
            size_t pn = possessive_at(s, i, cl);
            if (pn) { /* Brazil's: the 's belongs to the span, not to the form */
                i += pn;
                c = class_at(s, i, &cl);
                break;
            }
            size_t n2;
            if (kind == IBID_CC_ALPHA && class_at(s, i + cl, &n2) == IBID_CC_ALPHA) {
                i += cl; /* o'clock: drop the apostrophe */
                c = class_at(s, i, &cl);
                continue;
            }
            break;
        }
        if (kind == IBID_CC_DIGIT && c == IBID_CC_DOT) {
            size_t n2;
            if (class_at(s, i + 1, &n2) == IBID_CC_DIGIT) {
                put_bytes(s, &k, &over, t + i, 1); /* 1.3: keep the decimal point */
                i += 1;
                c = class_at(s, i, &cl);
                continue;
            }
            break;
        }
        if (kind == IBID_CC_DIGIT && c == IBID_CC_COMMA) {
            /* 20,000: a comma followed by exactly three ASCII digits is a thousands separator */
            size_t n2;
            if (i + 3 < len && ibid_scan_class[t[i + 1]] == IBID_CC_DIGIT &&
                ibid_scan_class[t[i + 2]] == IBID_CC_DIGIT && ibid_scan_class[t[i + 3]] == IBID_CC_DIGIT &&
                class_at(s, i + 4, &n2) != IBID_CC_DIGIT) {
                i += 1;
                c = class_at(s, i, &cl);
                continue;
            }
            break;
        }
        break;
    }

    /* 3. how the next piece attaches: c/cl describe the code point at i, outside the run */
    unsigned link = IBID_LINK_NONE;
    size_t next = i;
    if (c == IBID_CC_ALPHA || c == IBID_CC_DIGIT) {
        link = IBID_LINK_SPLIT; /* c differs from kind here */
    } else if (c == IBID_CC_HYPHEN) {
        size_t n2;
        int after = class_at(s, i + cl, &n2);
        /* 2023-2025: a hyphen between digits is a range, not a compound */
        if ((after == IBID_CC_ALPHA || after == IBID_CC_DIGIT) &&
            !(kind == IBID_CC_DIGIT && after == IBID_CC_DIGIT)) {
            link = IBID_LINK_HYPHEN;
            next = i + cl;
        }
    }

    s->buf[k] = '\0';
    p->bytes = s->buf;
    p->len = k;
    p->start = (uint32_t)start;
    p->end = (uint32_t)i;
    p->kind = kind == IBID_CC_ALPHA ? IBID_PIECE_ALPHA : IBID_PIECE_DIGIT;
    p->link = (unsigned char)link;
    p->ascii = (unsigned char)ascii;
    p->too_long = (unsigned char)over;
    s->i = next;
    return 1;
}
