/*
 * parse.c - format detection and dispatch to the parsers (see parse.h).
 *
 * Detection reads the content, not the name (the extension only breaks ties):
 *   JSONL     the first non-blank byte is '{' and every one of the first lines that is not
 *             blank starts with '{' and ends with '}'.
 *   MARKDOWN  at least two ATX headings ("# T" .. "###### T") and Markdown inline markup:
 *             <sup>N</sup>, [text](url), <https://...> or **bold**.
 *   PDFTEXT   a form feed (real pdftotext output), a footnote separator (a line of 30 or more
 *             spaces and nothing else), or double spacing: nearly every text line followed
 *             by an empty line.
 *   PLAIN     everything else.
 */
#include "parse.h"

#include <string.h>

#include "status.h"

const char *ibid_format_name(ibid_format f)
{
    switch (f) {
    case IBID_FMT_PDFTEXT: return "pdftext";
    case IBID_FMT_MARKDOWN: return "markdown";
    case IBID_FMT_PLAIN: return "plain";
    case IBID_FMT_JSONL: return "jsonl";
    case IBID_FMT_AUTO:
    default: return NULL;
    }
}

int ibid_format_parse(const char *name, ibid_format *out)
{
    static const struct { const char *name; ibid_format f; } names[] = {
        {"auto", IBID_FMT_AUTO},         {"pdftext", IBID_FMT_PDFTEXT}, {"pdftotext", IBID_FMT_PDFTEXT},
        {"markdown", IBID_FMT_MARKDOWN}, {"md", IBID_FMT_MARKDOWN},     {"plain", IBID_FMT_PLAIN},
        {"text", IBID_FMT_PLAIN},        {"jsonl", IBID_FMT_JSONL},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].f;
            return 0;
        }
    return -1;
}

static int has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    return n >= s && strcmp(name + n - s, suffix) == 0;
}

/* Statistics over the first lines of a file, enough to tell the formats apart. */
typedef struct shape {
    size_t lines, text_lines, text_then_empty, headings, separators;
    size_t json_like; /* text lines that start with '{' and end with '}' */
    int formfeed, inline_markup;
} shape;

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

static void measure(const char *buf, size_t len, shape *sh)
{
    memset(sh, 0, sizeof *sh);
    const size_t max_lines = 4000;
    const char *p = buf, *end = buf + len;
    int prev_text = 0;
    while (p < end && sh->lines < max_lines) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n && p[n - 1] == '\r')
            n--;
        sh->lines++;
        if (memchr(p, '\f', n))
            sh->formfeed = 1;
        int blank = is_blank(p, n);
        if (blank && n >= 30)
            sh->separators++;
        if (!blank) {
            sh->text_lines++;
            size_t h = 0;
            while (h < n && h < 7 && p[h] == '#')
                h++;
            if (h >= 1 && h <= 6 && h < n && p[h] == ' ')
                sh->headings++;
            size_t a = 0, b = n;
            while (a < b && (p[a] == ' ' || p[a] == '\t'))
                a++;
            while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t'))
                b--;
            if (b - a >= 2 && p[a] == '{' && p[b - 1] == '}')
                sh->json_like++;
            if (!sh->inline_markup) {
                for (size_t i = 0; i + 1 < n; i++) {
                    if ((p[i] == '<' && (i + 5 <= n && (memcmp(p + i, "<sup>", 5) == 0 ||
                                                        (i + 8 <= n && memcmp(p + i, "<https:/", 8) == 0)))) ||
                        (p[i] == ']' && p[i + 1] == '(') || (p[i] == '*' && p[i + 1] == '*')) {
                        sh->inline_markup = 1;
                        break;
                    }
                }
            }
        } else if (n == 0 && prev_text) {
            sh->text_then_empty++;
        }
        prev_text = !blank;
        p = nl ? nl + 1 : end;
    }
}

ibid_format ibid_detect_format(const char *buf, size_t len, const char *name)
{
    shape sh;
    measure(buf, len, &sh);
    if (sh.text_lines > 0 && sh.json_like == sh.text_lines)
        return IBID_FMT_JSONL;
    if (sh.headings >= 2 && sh.inline_markup)
        return IBID_FMT_MARKDOWN;
    if (sh.formfeed || sh.separators >= 1)
        return IBID_FMT_PDFTEXT;
    if (sh.text_lines >= 20 && sh.text_then_empty * 10 >= sh.text_lines * 8)
        return IBID_FMT_PDFTEXT;
    if (name && (has_suffix(name, ".md") || has_suffix(name, ".markdown")))
        return IBID_FMT_MARKDOWN;
    if (name && has_suffix(name, ".jsonl") && sh.json_like > 0)
        return IBID_FMT_JSONL;
    return IBID_FMT_PLAIN;
}

int ibid_parse(ibid_format fmt, const ibid_parse_ctx *ctx, const char *buf, size_t len,
               ibid_passage_list *out)
{
    if (fmt == IBID_FMT_AUTO)
        fmt = ibid_detect_format(buf, len, ctx->file);
    switch (fmt) {
    case IBID_FMT_PDFTEXT: return ibid_parse_pdftext(ctx, buf, len, out);
    case IBID_FMT_MARKDOWN: return ibid_parse_markdown(ctx, buf, len, out);
    case IBID_FMT_JSONL: return ibid_parse_jsonl(ctx, buf, len, out);
    case IBID_FMT_PLAIN:
    case IBID_FMT_AUTO:
    default: return ibid_parse_plain(ctx, buf, len, out);
    }
}

const char *ibid_work_from_filename(ibid_arena *arena, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return ibid_arena_strndup(arena, base, n);
}
