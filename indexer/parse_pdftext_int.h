/*
 * parse_pdftext_int.h - internals of the `pdftotext -layout` parser, shared by its modules.
 *
 * ibid_parse_pdftext (parse.h) runs these steps over one file, each in its own module:
 *   parse_pdftext_layout.c   split lines; classify them (empty, spacer, footnote separator,
 *                            printed page number, body, footnote); find page starts; find
 *                            chapter titles.
 *   parse_pdftext_markers.c  find inline footnote markers in body lines ("next expected
 *                            number" scan over the eight marker shapes).
 *   parse_pdftext_notes.c    group footnote lines into definitions and fragments, number them.
 *   parse_pdftext_paras.c    decide where paragraphs start (sentence-end tests and rule D+).
 *   parse_pdftext_text.c     join lines into clean text (hyphens, URLs, markers, placeholders,
 *                            ellipses, whitespace).
 *   parse_pdftext.c          the entry point: runs the steps and builds the passages.
 * docs/formats-pdftext.md describes the rules; ../shared/docs/corpus-format.md is the
 * measurement they come from (its line numbers are cited in the code).
 *
 * Ownership: a pt_doc borrows the input buffer and owns its arrays (malloc'd, released by
 * pt_doc_free).  No function here prints.  Functions returning int return IBID_OK or
 * IBID_ENOMEM unless their comment says otherwise.
 */
#ifndef IBID_PARSE_PDFTEXT_INT_H
#define IBID_PARSE_PDFTEXT_INT_H

#include <stddef.h>

#include "buf.h"

/* Footnote numbers are 1-3 digits (corpus-format.md section 5.1). */
#define PT_MAX_NOTE 999

typedef enum pt_role {
    PT_EMPTY = 0, /* zero-length line */
    PT_SPACER,    /* whitespace only, shorter than a separator (" " after titles, chapter ends) */
    PT_SEP,       /* footnote separator: 30 or more whitespace characters and nothing else */
    PT_PAGENUM,   /* part of a printed-page-number block (its number line or its blank lines) */
    PT_BODY,      /* body text */
    PT_TITLE,     /* a line of a chapter title (was PT_BODY before title detection) */
    PT_NOTE       /* footnote text (definition, continuation or fragment) */
} pt_role;

typedef struct pt_line {
    const char *s;       /* the line's bytes (after any leading form feeds), not NUL-terminated */
    unsigned n;          /* length without the line end (\n or \r\n); longer lines are cut */
    int page;            /* counted physical page, 1-based; 0 before the first text */
    unsigned char role;  /* pt_role */
    unsigned char frag;  /* 1: a "false page start" (a footnote line with one leading space) */
    unsigned char after_pagenum; /* 1: first text line after a printed-page-number block */
    unsigned char ff;    /* 1: the line began with a form feed */
} pt_line;

typedef struct pt_marker {
    size_t line;      /* index into doc->lines */
    size_t off, end;  /* bytes [off, end) of the line: the digits */
    int num;          /* footnote number */
} pt_marker;

/* A footnote unit: a definition (with its continuation lines) or a fragment. */
typedef struct pt_note {
    int num;          /* footnote number, 0 when unknown (a fragment nothing numbers) */
    int is_def;       /* 1: the unit starts with its number (a definition) */
    int page;         /* page of the block it starts in */
    size_t first, last; /* line indices of its first and last line */
    size_t *lines;    /* its line indices, in order (malloc'd) */
    size_t nlines, cap;
    size_t skip;      /* bytes to drop at the start of the first line (the number) */
} pt_note;

typedef struct pt_doc {
    const char *buf;
    size_t len;
    pt_line *lines;
    size_t nlines;
    int npages;
    int has_ff;             /* the file has form feeds: pages are form-feed separated */
    int *page_label;        /* [0..npages]: the page number a citation carries: the printed one
                               (form-feed mode, see pt_layout), else the counted page */
    size_t *page_indent;    /* [0..npages]: the margin of each page: the most common
                               indentation (bytes) of its body lines; form-feed mode only (else
                               NULL) */
    int blank_breaks;       /* form-feed mode: body lines mostly follow each other with no blank
                               line, so a blank line between two of them breaks a paragraph */

    size_t *body;           /* indices of PT_BODY lines (after title detection), in order */
    size_t nbody;
    size_t *page_width;     /* [0..npages]: characters of the widest body line of each page */

    /* chapters: title text (malloc'd, NUL-terminated) and the page each starts on */
    char **titles;
    int *title_page;
    size_t *title_line;     /* line index of each title's first line */
    size_t ntitles;

    pt_marker *markers;     /* in reading order, numbers strictly increasing */
    size_t nmarkers;
    int *page_max_marker;   /* [0..npages]: highest marker number on pages <= p (0 none) */

    pt_note *notes;         /* in source order */
    size_t nnotes, notes_cap;
    int def_index[PT_MAX_NOTE + 1]; /* note index + 1 of the definition of each number, 0 none */
} pt_doc;

/* --- layout (parse_pdftext_layout.c) --- */
/* Splits buf into lines and assigns roles and pages (doc->buf/len must be set). */
int pt_layout(pt_doc *doc);
/* Finds chapter titles (turning their lines into PT_TITLE) and fills doc->body. */
int pt_titles(pt_doc *doc);
/* Index of the chapter (into doc->titles) that page belongs to, or -1 before the first. */
int pt_chapter_of_page(const pt_doc *doc, int page);
/* Index of the chapter that line li (a body or footnote line) belongs to, or -1: by page when
   titles only start pages (no form feeds), by line in form-feed mode (titles mid-page). */
int pt_chapter_of_line(const pt_doc *doc, size_t li);
/* The page number citations carry for counted page p (doc->page_label, or p itself). */
int pt_page_label(const pt_doc *doc, int p);
/* Bytes of leading whitespace of line l. */
size_t pt_indent(const pt_line *l);
void pt_doc_free(pt_doc *doc);

/* --- markers (parse_pdftext_markers.c) --- */
/* Scans doc->body in order and fills doc->markers and doc->page_max_marker. */
int pt_find_markers(pt_doc *doc);

/* --- footnotes (parse_pdftext_notes.c) --- */
/* Groups the PT_NOTE lines into doc->notes and numbers them (needs markers). */
int pt_find_notes(pt_doc *doc);

/* --- paragraphs (parse_pdftext_paras.c) --- */
/* 1 when s[0..n) ends a sentence, optionally followed by a footnote marker (the guide's TERM). */
int pt_ends_sentence(const char *s, size_t n);
/* 1 when body line doc->body[k] starts a new paragraph; k >= 1 and doc->body[k-1] is the
   previous body line of the same chapter. */
int pt_starts_paragraph(const pt_doc *doc, size_t k);
/* Characters (UTF-8 code points) of s[0..n) without leading and trailing whitespace. */
size_t pt_text_chars(const char *s, size_t n);

/* --- text (parse_pdftext_text.c) --- */
/* A byte range of a line to leave out of the text (a marker). */
typedef struct pt_cut {
    size_t off, end;
} pt_cut;
/* Appends line s[0..n) (minus cuts, which are sorted and within the line) to out, joined to
   what out already holds: no space after a line ending in a letter + "-" (a compound hyphen
   is kept), none after a URL that is cut off when url_join, else one space. */
int pt_append_line(ibid_buf *out, const char *s, size_t n, const pt_cut *cuts, size_t ncuts,
                   int url_join);
/* Cleans text in place and returns its new length: drops "<...>" and "xml-ph-..." placeholders,
   collapses whitespace runs to one space, trims, removes the space before , . ; : and
   reduces a doubled full stop left by marker removal ("Karachi. ." -> "Karachi."). */
size_t pt_normalize(char *s, size_t n);

/* --- small helpers shared by the modules --- */
static inline int pt_isspace(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n';
}
static inline int pt_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int pt_isupper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int pt_islower(int c) { return c >= 'a' && c <= 'z'; }
static inline int pt_isalpha(int c) { return pt_isupper(c) || pt_islower(c); }
/* Length of s[0..n) without trailing whitespace. */
static inline size_t pt_rtrim(const char *s, size_t n)
{
    while (n > 0 && pt_isspace((unsigned char)s[n - 1]))
        n--;
    return n;
}
/* Number of leading whitespace bytes of s[0..n). */
static inline size_t pt_ltrim(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && pt_isspace((unsigned char)s[i]))
        i++;
    return i;
}

#endif
