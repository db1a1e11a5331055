/*
 * tokenize.c - the token scanner (see tokenize.h and docs/text-analysis.md).
 *
 * The scanner walks the UTF-8 text once.  ASCII bytes are classified through a 256-entry table
 * and runs of ASCII letters or digits are copied (letters lower-cased) in tight loops; only a
 * byte >= 0x80 costs a UTF-8 decode and a Unicode category lookup (utf8proc).  Nothing is
 * allocated: the cleaned copy of a piece goes into the scanner's fixed buffer.
 *
 * Every decision needs at most three code points of lookahead: the character after an
 * apostrophe, a hyphen, a dot, a comma (three digits and one more) or an ignorable character.
 */
#include "tokenize.h"

#include <string.h>

#include <utf8proc.h>

/* Character classes.  The ASCII table only ever holds the first eight; CC_HIGH means "decode". */
enum {
    CC_SEP = 0,    /* separator: never part of a token */
    CC_APOS = 1,   /* ' U+2019 U+02BC */
    CC_HYPHEN = 2, /* - U+2010 U+2011 */
    CC_DOT = 3,    /* . */
    CC_COMMA = 4,  /* , */
    CC_ALPHA = 5,  /* L* */
    CC_DIGIT = 6,  /* N* */
    CC_HIGH = 7,   /* a byte >= 0x80: decode it (table only) */
    CC_MARK = 8,   /* M*: continues a word, never starts one */
    CC_IGNORE = 9  /* U+00AD U+200C U+200D U+2060 U+FEFF: kept inside a word, else separates */
};

#define S CC_SEP
#define Q CC_APOS
#define Y CC_HYPHEN
#define P CC_DOT
#define C CC_COMMA
#define A CC_ALPHA
#define D CC_DIGIT
#define H CC_HIGH
static const unsigned char ascii_class[256] = {
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
        return CC_APOS;
    case 0x2010: /* HYPHEN */
    case 0x2011: /* NON-BREAKING HYPHEN */
        return CC_HYPHEN;
    case 0x00AD: /* SOFT HYPHEN */
    case 0x200C: /* ZERO WIDTH NON-JOINER */
    case 0x200D: /* ZERO WIDTH JOINER */
    case 0x2060: /* WORD JOINER */
    case 0xFEFF: /* ZERO WIDTH NO-BREAK SPACE (BOM) */
        return CC_IGNORE;
    default:
        break;
    }
    if (cp >= 0x2000 && cp <= 0x206F) /* General Punctuation: dashes, quotes, spaces */
        return CC_SEP;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return CC_ALPHA;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return CC_MARK;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return CC_DIGIT;
    default:
        return CC_SEP; /* punctuation, symbols (U+FFFD, $, (c)), spaces, controls, unassigned */
    }
}

/* Class of the code point at byte i; *n gets its length in bytes (0 at the end of the text,
   1 for an invalid byte, which is a separator). */
static inline int class_at(const ibid_scanner *s, size_t i, size_t *n)
{
    if (i >= s->len) {
        *n = 0;
        return CC_SEP;
    }
    int c = ascii_class[s->text[i]];
    if (c != CC_HIGH) {
        *n = 1;
        return c;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t r = utf8proc_iterate(s->text + i, (utf8proc_ssize_t)(s->len - i), &cp);
    if (r <= 0) {
        *n = 1;
        return CC_SEP;
    }
    *n = (size_t)r;
    return classify_high(cp);
}

static inline int is_word_class(int c)
{
    return c == CC_ALPHA || c == CC_DIGIT || c == CC_MARK;
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

int ibid_scan_next(ibid_scanner *s, ibid_piece *p)
{
    const unsigned char *t = s->text;
    const size_t len = s->len;
    size_t i = s->i, cl = 0;
    int c;

    /* 1. find the start of a piece: a letter or a digit */
    for (;;) {
        while (i < len && ascii_class[t[i]] < CC_ALPHA)
            i++;
        if (i >= len) {
            s->i = len;
            return 0;
        }
        c = class_at(s, i, &cl);
        if (c == CC_ALPHA || c == CC_DIGIT)
            break;
        i += cl; /* a non-ASCII separator, a mark or ignorable outside a word, an invalid byte */
    }

    const int kind = c;
    const size_t start = i;
    size_t k = 0;
    int over = 0, ascii = 1;

    /* 2. the run: c/cl describe the code point at i, which belongs to the run */
    for (;;) {
        if (c == kind && cl == 1) {
            /* ASCII fast path: copy the whole ASCII run of this kind */
            size_t lim = i + (IBID_PIECE_CAP - k);
            if (lim > len)
                lim = len;
            if (kind == CC_ALPHA) {
                while (i < lim && ascii_class[t[i]] == CC_ALPHA)
                    s->buf[k++] = (char)(t[i++] | 0x20);
                if (i == lim)
                    while (i < len && ascii_class[t[i]] == CC_ALPHA)
                        i++, over = 1;
            } else {
                while (i < lim && ascii_class[t[i]] == CC_DIGIT)
                    s->buf[k++] = (char)t[i++];
                if (i == lim)
                    while (i < len && ascii_class[t[i]] == CC_DIGIT)
                        i++, over = 1;
            }
        } else {
            /* a non-ASCII letter, digit or mark of the run */
            put_bytes(s, &k, &over, t + i, cl);
            ascii = 0;
            i += cl;
        }
        if (i >= len) {
            c = CC_SEP;
            cl = 0;
            break;
        }
        c = class_at(s, i, &cl);
        if (c == kind || c == CC_MARK)
            continue;
        if (c == CC_IGNORE) {
            size_t n2;
            if (is_word_class(class_at(s, i + cl, &n2))) {
                put_bytes(s, &k, &over, t + i, cl); /* the fold step removes it */
                ascii = 0;
                i += cl;
                c = class_at(s, i, &cl);
                if (c == kind || c == CC_MARK)
                    continue;
            }
            break;
        }
        if (c == CC_APOS) {
            size_t pn = possessive_at(s, i, cl);
            if (pn) { /* Brazil's: the 's belongs to the span, not to the form */
                i += pn;
                c = class_at(s, i, &cl);
                break;
            }
            size_t n2;
            if (kind == CC_ALPHA && class_at(s, i + cl, &n2) == CC_ALPHA) {
                i += cl; /* o'clock: drop the apostrophe */
                c = class_at(s, i, &cl);
                continue;
            }
            break;
        }
        if (kind == CC_DIGIT && c == CC_DOT) {
            size_t n2;
            if (class_at(s, i + 1, &n2) == CC_DIGIT) {
                put_bytes(s, &k, &over, t + i, 1); /* 1.3: keep the decimal point */
                i += 1;
                c = class_at(s, i, &cl);
                continue;
            }
            break;
        }
        if (kind == CC_DIGIT && c == CC_COMMA) {
            /* 20,000: a comma followed by exactly three ASCII digits is a thousands separator */
            size_t n2;
            if (i + 3 < len && ascii_class[t[i + 1]] == CC_DIGIT && ascii_class[t[i + 2]] == CC_DIGIT &&
                ascii_class[t[i + 3]] == CC_DIGIT && class_at(s, i + 4, &n2) != CC_DIGIT) {
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
    if (c == CC_ALPHA || c == CC_DIGIT) {
        link = IBID_LINK_SPLIT; /* c differs from kind here */
    } else if (c == CC_HYPHEN) {
        size_t n2;
        int after = class_at(s, i + cl, &n2);
        if ((after == CC_ALPHA || after == CC_DIGIT) && !(kind == CC_DIGIT && after == CC_DIGIT)) {
            link = IBID_LINK_HYPHEN;
            next = i + cl;
        }
    }

    p->bytes = s->buf;
    p->len = k;
    p->start = (uint32_t)start;
    p->end = (uint32_t)i;
    p->kind = kind == CC_ALPHA ? IBID_PIECE_ALPHA : IBID_PIECE_DIGIT;
    p->link = (unsigned char)link;
    p->ascii = (unsigned char)ascii;
    p->too_long = (unsigned char)over;
    s->i = next;
    return 1;
}
