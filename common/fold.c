/*
 * fold.c - folding a word to its form: NFKC, case folding, no diacritics (see fold.h).
 *
 * ASCII input is only lower-cased (utf8proc would give the same).  Anything else goes through
 * utf8proc_decompose with COMPAT|CASEFOLD|STRIPMARK|IGNORE (a compatibility decomposition that
 * also folds case and drops marks and ignorables, in canonical order), then
 * utf8proc_normalize_utf32 with COMPOSE to recompose what is left (Hangul, letters whose marks
 * are not separable), then UTF-8 encoding.  Everything runs in fixed buffers on the stack.
 */
#include "fold.h"

#include <string.h>

#include <utf8proc.h>

#include "status.h"

#define FOLD_OPTIONS                                                                           \
    ((utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |                \
                         UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE))

/* Copies the valid UTF-8 sequences of in[0..len) into out (at least len bytes); returns the
   length copied. */
static size_t drop_invalid(const unsigned char *in, size_t len, unsigned char *out)
{
    size_t i = 0, k = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t r = utf8proc_iterate(in + i, (utf8proc_ssize_t)(len - i), &cp);
        if (r <= 0) {
            i++;
            continue;
        }
        memcpy(out + k, in + i, (size_t)r);
        k += (size_t)r;
        i += (size_t)r;
    }
    return k;
}

int ibid_fold_utf8(const char *in, size_t len, char *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)in;
    if (len > IBID_FOLD_MAX_IN)
        return IBID_ELIMIT;

    size_t i = 0;
    while (i < len && s[i] < 0x80)
        i++;
    if (i == len) { /* ASCII: lower case only */
        if (len > IBID_MAX_TERM || len >= cap)
            return IBID_ELIMIT;
        for (i = 0; i < len; i++)
            out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] | 0x20 : s[i]);
        out[len] = '\0';
        return (int)len;
    }

    utf8proc_int32_t cps[IBID_FOLD_MAX_IN];
    utf8proc_ssize_t n = utf8proc_decompose(s, (utf8proc_ssize_t)len, cps, IBID_FOLD_MAX_IN, FOLD_OPTIONS);
    if (n == UTF8PROC_ERROR_INVALIDUTF8) {
        unsigned char clean[IBID_FOLD_MAX_IN];
        size_t clen = drop_invalid(s, len, clean);
        n = utf8proc_decompose(clean, (utf8proc_ssize_t)clen, cps, IBID_FOLD_MAX_IN, FOLD_OPTIONS);
    }
    if (n < 0 || n > IBID_FOLD_MAX_IN)
        return IBID_ELIMIT; /* too long (or a utf8proc error, which valid input cannot cause) */
    n = utf8proc_normalize_utf32(cps, n, FOLD_OPTIONS);
    if (n < 0)
        return IBID_ELIMIT;

    size_t k = 0;
    for (utf8proc_ssize_t j = 0; j < n; j++) {
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t m = utf8proc_encode_char(cps[j], enc);
        if (m <= 0)
            continue;
        if (k + (size_t)m > IBID_MAX_TERM || k + (size_t)m >= cap)
            return IBID_ELIMIT;
        memcpy(out + k, enc, (size_t)m);
        k += (size_t)m;
    }
    if (k >= cap)
        return IBID_ELIMIT;
    out[k] = '\0';
    return (int)k;
}

int ibid_fold_word(const char *word, size_t len, char *out, size_t cap)
{
    if (cap == 0)
        return IBID_ELIMIT;
    return ibid_fold_utf8(word, len, out, cap);
}

int ibid_form_is_letters(const char *form, size_t len)
{
    const unsigned char *s = (const unsigned char *)form;
    if (len == 0)
        return 0;
    size_t i = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            if ((unsigned)((s[i] | 0x20) - 'a') >= 26)
                return 0;
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t r = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (r <= 0)
            return 0;
        switch (utf8proc_category(cp)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
            break;
        default:
            return 0;
        }
        i += (size_t)r;
    }
    return 1;
}
