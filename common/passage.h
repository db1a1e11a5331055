/*
 * passage.h - the passage: the unit that ibid indexes, ranks and cites.
 *
 * A passage is a paragraph, a footnote or a bibliography entry of a text (docs/passages.md
 * specifies every field and its JSON form).  Parsers produce an ibid_passage_list per file;
 * the index stores every field; ibid-search prints them.
 *
 * Ownership: every string of a passage (file, work, chapter, cite texts, id, text) lives in
 * the arena of the ibid_passage_list that holds it, or, for passages read back from an index,
 * in memory the reader owns.  Nobody frees a passage's strings one by one.
 *
 * Null values: a field that does not apply is NULL (strings) or 0 (page, paragraph, footnote:
 * real values start at 1), and is written as JSON null, never omitted.
 */
#ifndef IBID_PASSAGE_H
#define IBID_PASSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"

typedef enum ibid_kind {
    IBID_KIND_PARAGRAPH = 0,
    IBID_KIND_FOOTNOTE = 1,
    IBID_KIND_BIBLIOGRAPHY = 2
} ibid_kind;

/* "paragraph", "footnote" or "bibliography"; "paragraph" for an unknown value. */
const char *ibid_kind_name(ibid_kind k);

typedef struct ibid_cite {
    int footnote;     /* the footnote number the passage cites (>= 1) */
    const char *text; /* the footnote's clean text, or NULL when the file holds no definition */
} ibid_cite;

typedef struct ibid_passage {
    ibid_kind kind;
    const char *file;    /* path as reached from the PATH argument ("corpus/000_x.txt") */
    int line, end_line;  /* first and last source line, 1-based, line <= end_line */
    const char *work;    /* title of the work; never NULL */
    const char *chapter; /* chapter title, or NULL */
    int page;            /* page number, 0 = null */
    int paragraph;       /* paragraph number within its chapter (or file), 0 = null; paragraphs only */
    int footnote;        /* footnote or bibliography number, 0 = null; never set on paragraphs */
    const ibid_cite *cites; /* the footnotes cited, in order of their markers; NULL when ncites = 0 */
    size_t ncites;
    const char *id;      /* the id a JSON Lines object gave, or NULL */
    const char *text;    /* clean text: lines joined, markup stripped, markers removed; never NULL */
} ibid_passage;

/* A growable list of passages that owns their strings (in arena). Zero-initialise to start. */
typedef struct ibid_passage_list {
    ibid_passage *v;
    size_t n, cap;
    ibid_arena arena; /* owns every string of every passage in v */
} ibid_passage_list;

/* Appends a copy of *p (the struct only: its strings must already live in list->arena or
   outlive the list). Returns a pointer to the stored copy, or NULL when out of memory.
   The pointer is valid until the next push. */
ibid_passage *ibid_passages_push(ibid_passage_list *list, const ibid_passage *p);
/* Sorts the passages by (line, kind, footnote) so that passage ids follow the source order. */
void ibid_passages_sort(ibid_passage_list *list);
/* Frees the array and the arena; the list is empty and reusable afterwards. */
void ibid_passages_free(ibid_passage_list *list);

/* Appends the passage's keys as JSON object members, without the braces, in the order of
   docs/passages.md: "kind":...,"file":...,...,"text":...  Callers add their own members
   before or after and wrap the braces.  Returns IBID_OK or IBID_ENOMEM. */
int ibid_passage_json_members(ibid_buf *out, const ibid_passage *p);
/* Appends {members}\n: one JSON Lines record. */
int ibid_passage_json_line(ibid_buf *out, const ibid_passage *p);

#endif
