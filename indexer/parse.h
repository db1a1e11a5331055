/*
 * parse.h - turning one source file into passages.
 *
 * ibid reads four formats (docs/passages.md describes each):
 *   IBID_FMT_PDFTEXT   text from `pdftotext -layout` (bundled 000, 001, 003, 004): pages, footnote
 *                      blocks under a separator line, inline numeric markers, chapter titles.
 *   IBID_FMT_MARKDOWN  a Markdown book (bundled 002): ## chapters, <sup>N</sup> markers,
 *                      footnotes after ---, a Literature list.
 *   IBID_FMT_PLAIN     plain text (Project Gutenberg books): paragraphs at blank lines, no pages.
 *   IBID_FMT_JSONL     JSON Lines, one {"id","title","text"} object a line (BEIR corpora).
 *
 * Every parser has the same contract:
 *   - buf[0..len) is the whole file, valid UTF-8 (invalid sequences were already replaced with
 *     U+FFFD by the reader), and buf[len] == '\0'.  LF or CRLF line ends.  The parser must not
 *     crash or loop on any input, however hostile: a 10 MB line, NUL-free binary junk,
 *     a file of footnotes only, markers without definitions and definitions without markers.
 *   - It appends the file's passages to *out (strings in out->arena) in source order (sorted by
 *     ibid_passages_sort) with every field of passage.h filled: file = ctx->file, work = ctx->work
 *     when non-NULL, else the title the text gives (002's "# Title"; a Gutenberg "Title:" line),
 *     else ibid_work_from_filename(ctx->file).
 *   - It reports oddities worth a user's attention through ctx->diag as file:line: message
 *     (for example a JSON Lines line that is not an object); it never prints.
 *   - Returns IBID_OK, or IBID_ENOMEM (out then holds whatever was appended; the caller frees it).
 */
#ifndef IBID_PARSE_H
#define IBID_PARSE_H

#include <stddef.h>

#include "diag.h"
#include "passage.h"

typedef enum ibid_format {
    IBID_FMT_AUTO = 0,
    IBID_FMT_PDFTEXT,
    IBID_FMT_MARKDOWN,
    IBID_FMT_PLAIN,
    IBID_FMT_JSONL
} ibid_format;

typedef struct ibid_parse_ctx {
    const char *file;       /* display path, as reached from the PATH argument; copied by parsers */
    const char *work;       /* work title from the catalog, or NULL */
    const ibid_diag *diag;  /* where to report; may be NULL */
} ibid_parse_ctx;

/* Guesses the format from the content (and the name's extension as a hint).  Never fails:
   anything unrecognised is IBID_FMT_PLAIN. */
ibid_format ibid_detect_format(const char *buf, size_t len, const char *name);
/* "pdftext", "markdown", "plain", "jsonl" (for --format and messages); NULL for AUTO. */
const char *ibid_format_name(ibid_format f);
/* Parses a format name as above; IBID_FMT_AUTO for "auto"; returns -1 for an unknown name. */
int ibid_format_parse(const char *name, ibid_format *out);

int ibid_parse_pdftext(const ibid_parse_ctx *ctx, const char *buf, size_t len, ibid_passage_list *out);
int ibid_parse_markdown(const ibid_parse_ctx *ctx, const char *buf, size_t len, ibid_passage_list *out);
int ibid_parse_plain(const ibid_parse_ctx *ctx, const char *buf, size_t len, ibid_passage_list *out);
int ibid_parse_jsonl(const ibid_parse_ctx *ctx, const char *buf, size_t len, ibid_passage_list *out);
/* Detects (when fmt is AUTO) and dispatches. */
int ibid_parse(ibid_format fmt, const ibid_parse_ctx *ctx, const char *buf, size_t len,
               ibid_passage_list *out);

/* The file name without directories and extension ("corpus/000_b3.txt" -> "000_b3"), in arena.
   Returns NULL when out of memory. */
const char *ibid_work_from_filename(ibid_arena *arena, const char *path);

#endif
