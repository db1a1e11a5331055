/*
 * parse_pdftext_text.c - joining pdftotext lines into clean passage text.
 *
 * Line ends (../shared/docs/corpus-format.md section 4): every body line ending in a letter
 * + "-" is a compound hyphen (all 55 in the corpus are), so the next line is joined with no
 * space and the hyphen is kept ("co-" + "operation" -> "co-operation"); a line ending in
 * " -" is a dash and is joined with a space.  In footnotes a URL cut at the line end
 * continues on the next line with no space ("...sotrudnichestva_vit" + "ebskoy...",
 * 001:1034-1035).
 * Cleaning (section 6): "<...>" ellipses and machine-translation placeholders "xml-ph-\S*"
 * are dropped (the id only: in 'Belarus" xml-ph-0.' the full stop is the text's), whitespace
 * runs become one space, the space left before , . ; : by a removed marker goes ('development"1 . And' -> 'development". And'), a doubled full stop left by
 * one goes ("Karachi.21 ." -> "Karachi."), and spaces inside URLs ("https://www. belta. by/",
 * 003:163) are closed.
 */
#include "parse_pdftext_int.h"

#include <string.h>

#include "status.h"

/* Does the last whitespace-separated token of s[0..n) look like an unfinished URL? */
static int ends_in_url(const char *s, size_t n)
{
    size_t lim = n > 4096 ? n - 4096 : 0, a = n;
    while (a > lim && !pt_isspace((unsigned char)s[a - 1]))
        a--;
    const char *t = s + a;
    size_t k = n - a;
    if (k < 8)
        return 0;
    int url = 0;
    for (size_t i = 0; i + 3 <= k && !url; i++)
        if (t[i] == ':' && t[i + 1] == '/' && t[i + 2] == '/')
            url = 1;
    if (!url && k >= 4 && memcmp(t, "www.", 4) == 0)
        url = 1;
    return url;
}

int pt_append_line(ibid_buf *out, const char *s, size_t n, const pt_cut *cuts, size_t ncuts, int url_join)
{
    size_t a = pt_ltrim(s, n), b = pt_rtrim(s, n);
    if (b <= a)
        return IBID_OK;
    if (ibid_buf_reserve(out, b - a + 1))
        return IBID_ENOMEM;
    /* join to what is already there */
    while (out->len > 0 && pt_isspace((unsigned char)out->data[out->len - 1]))
        out->len--;
    if (out->len > 0) {
        const char *d = out->data;
        size_t m = out->len;
        int glue = (m >= 2 && d[m - 1] == '-' && pt_isalpha((unsigned char)d[m - 2])) ||
                   (url_join && ends_in_url(d, m));
        if (!glue)
            out->data[out->len++] = ' ';
    }
    size_t c = 0;
    for (size_t i = a; i < b;) {
        while (c < ncuts && cuts[c].end <= i)
            c++;
        if (c < ncuts && cuts[c].off <= i) {
            size_t e = cuts[c].end;
            /* 'Polotsk63 ".' (004:1301): the quote after a removed marker is a closing one */
            size_t f = e;
            while (f < b && s[f] == ' ')
                f++;
            if (f > e && f < b && s[f] == '"' && (f + 1 >= b || s[f + 1] == '.' || s[f + 1] == ',' ||
                                                  s[f + 1] == ' ' || s[f + 1] == ';'))
                e = f;
            i = e > i ? e : i + 1;
            continue;
        }
        out->data[out->len++] = s[i++];
    }
    out->data[out->len] = '\0';
    return IBID_OK;
}

static int is_url_start(const char *s, size_t n)
{
    return (n >= 7 && memcmp(s, "http://", 7) == 0) || (n >= 8 && memcmp(s, "https://", 8) == 0) ||
           (n >= 4 && memcmp(s, "www.", 4) == 0);
}

/* Pass 1: drop placeholders, collapse whitespace, trim. */
static size_t squeeze(char *s, size_t n)
{
    size_t w = 0;
    int space = 0;
    for (size_t r = 0; r < n;) {
        unsigned char c = (unsigned char)s[r];
        if (c == '<' && r + 5 <= n && memcmp(s + r, "<...>", 5) == 0) {
            r += 5;
            space = 1;
            continue;
        }
        if (c == 'x' && r + 7 <= n && memcmp(s + r, "xml-ph-", 7) == 0 &&
            (r == 0 || !pt_isalpha((unsigned char)s[r - 1]))) {
            r += 7; /* its id: "0", "0000@dee"; a final full stop is the text's */
            while (r < n && (pt_isalpha((unsigned char)s[r]) || pt_isdigit((unsigned char)s[r]) ||
                             s[r] == '@' || s[r] == '_' || s[r] == '-'))
                r++;
            space = 1;
            continue;
        }
        if (pt_isspace(c)) {
            r++;
            space = 1;
            continue;
        }
        if (space && w > 0)
            s[w++] = ' ';
        space = 0;
        s[w++] = (char)c;
        r++;
    }
    return w;
}

/* Pass 2: the space before , . ; : (when the mark ends a word) and doubled full stops. */
static size_t tidy_punct(char *s, size_t n)
{
    size_t w = 0;
    for (size_t r = 0; r < n; r++) {
        char c = s[r];
        if (c == ' ' && r + 1 < n && strchr(",.;:", s[r + 1]) && w > 0 && s[w - 1] != ' ') {
            char after = r + 2 < n ? s[r + 2] : ' ';
            if (after == ' ' || after == '"' || after == '.' || after == ')')
                continue; /* drop the space */
        }
        /* '. "129 . Moreover' (003:2716) leaves '. ". ': a quote before punctuation closes */
        if (c == ' ' && w > 0 && s[w - 1] == '.' && r + 2 < n && s[r + 1] == '"') {
            size_t k = r + 2 < n && s[r + 2] == ' ' ? r + 3 : r + 2;
            if (k < n && strchr(",.;:", s[k]))
                continue;
        }
        if (c == '.' && w > 0 && s[w - 1] == '.' && (w < 2 || s[w - 2] != '.') && (r + 1 >= n || s[r + 1] != '.'))
            continue; /* ".." (not "...") -> "." */
        s[w++] = c;
    }
    return w;
}

/* Pass 3: "https://www. belta. by/..." -> "https://www.belta.by/..." */
static size_t close_urls(char *s, size_t n)
{
    size_t w = 0, tok = 0; /* tok: start (in output) of the current token */
    int in_url = 0;
    for (size_t r = 0; r < n; r++) {
        char c = s[r];
        if (c == ' ') {
            if (!in_url)
                in_url = is_url_start(s + tok, w - tok);
            if (in_url && w > tok && s[w - 1] == '.') {
                size_t k = r + 1;
                while (k < n && pt_islower((unsigned char)s[k]))
                    k++;
                if (k - (r + 1) >= 2 && k < n && (s[k] == '.' || s[k] == '/'))
                    continue; /* drop the space: the URL goes on */
            }
            in_url = 0;
            s[w++] = c;
            tok = w;
            continue;
        }
        s[w++] = c;
    }
    return w;
}

size_t pt_normalize(char *s, size_t n)
{
    n = squeeze(s, n);
    n = tidy_punct(s, n);
    n = close_urls(s, n);
    s[n] = '\0';
    return n;
}
