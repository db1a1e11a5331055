/* fuzz_source.c - libFuzzer target for the reader's cleaning step and the format guess
 * (indexer/source.c ibid_utf8_sanitize, indexer/parse.c ibid_detect_format).
 *
 * Checks: the sanitized text is valid UTF-8 without NUL bytes and NUL-terminated; the count of
 * replacements is 0 exactly when the input was already clean (then the text is unchanged) and
 * the first bad line lies within the input; sanitizing the result again changes nothing
 * (idempotence); ibid_detect_format returns one of the four formats for the raw bytes, the
 * clean text and any name, and the same format with the same name whatever the name's path.
 * Build: cmake -DIBID_FUZZ=ON with CC=clang (tests/fuzz/CMakeLists.txt); see docs/robustness.md. */
#include "fuzz_parse.h"

static const char *const names[] = {"x.txt", "dir/x.md", "x.jsonl", "x", "x.json", ".md", ""};

static void check_format(const char *buf, size_t len)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        ibid_format f = ibid_detect_format(buf, len, names[i]);
        if (f != IBID_FMT_PDFTEXT && f != IBID_FMT_MARKDOWN && f != IBID_FMT_PLAIN && f != IBID_FMT_JSONL)
            abort();
        if (!ibid_format_name(f))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    check_format(buf, size); /* the raw bytes: detection must not trust them */
    size_t len = size;
    long bad_line = 0;
    long n = ibid_utf8_sanitize(&buf, &len, &bad_line);
    if (n < 0) {
        free(buf);
        return 0;
    }
    if (buf[len] != '\0' || memchr(buf, '\0', len) || !fuzz_valid_utf8((const unsigned char *)buf, len))
        abort();
    size_t nlines = 1;
    for (size_t i = 0; i < size; i++)
        nlines += data[i] == '\n';
    int clean = !memchr(data, '\0', size) && fuzz_valid_utf8(data, size);
    if ((n == 0) != clean || (n == 0) != (bad_line == 0) || bad_line < 0 || (size_t)bad_line > nlines)
        abort();
    if (n == 0 && (len != size || memcmp(buf, data, size) != 0))
        abort();
    size_t len2 = len;
    long bad2 = 0;
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, buf, len + 1);
        long n2 = ibid_utf8_sanitize(&copy, &len2, &bad2);
        if (n2 > 0 || (n2 == 0 && (len2 != len || memcmp(copy, buf, len) != 0)))
            abort();
        free(copy);
    }
    check_format(buf, len);
    free(buf);
    return 0;
}
