/*
 * query.h - the parsed form of a query (the AST) and the parser's contract.
 *
 * docs/query-syntax.md is the user's manual for the language.  In short:
 *   words            ranked OR: a passage needs at least one; more matched words score higher
 *   "a b c"          phrase: consecutive positions, EXACT forms (no stemming, no expansion)
 *   +word -word      required / excluded (also on phrases and groups: +"a b", -(x y))
 *   a AND b, a OR b, NOT a, ( ... )   boolean operators (upper case only; lower-case "and" is a word)
 *   pre*             prefix: every indexed form starting with "pre"
 *   a NEAR/n b       both within n positions of each other, in any order (NEAR = NEAR/10)
 *   in:footnotes in:text in:bibliography in:paragraphs   kind filters
 *   work:WORDS chapter:WORDS   keep passages whose work / chapter title contains the words
 *                              (folded; quote a value with spaces: work:"on the course")
 * Ordinary text never fails to parse: unmatched quotes or parentheses, stray operators, lone
 * hyphens, apostrophes, dates like 2023-2025 and dots are read as text (a warning may be given).
 *
 * Semantics of a node: it MATCHES a set of passages and, for matched passages, contributes a
 * BM25 score (the sum over its scoring leaves; filters and excluded clauses score 0).
 *
 * Ownership: ibid_query_parse allocates the whole tree in the returned ibid_query's arena;
 * ibid_query_free releases it.  Strings in nodes are NUL-terminated and owned by the query.
 */
#ifndef IBID_QUERY_H
#define IBID_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "arena.h"

typedef enum ibid_qtype {
    IBID_Q_TERM,    /* one word: words[0]; matches passages holding its term (stem), or with exact
                       set its exact form */
    IBID_Q_PHRASE,  /* words[0..nwords) at consecutive positions (word i at pos p + offset[i]).
                       exact = 1 (a quoted phrase): match the exact forms.  exact = 0: match the
                       stems; the parser makes such phrases of an UNQUOTED word that the
                       analyzer splits into several tokens (1.3bn, 2023-2025, e-mail addresses,
                       URLs, and the parts of a hyphenated compound) */
    IBID_Q_PREFIX,  /* prefix: words[0].form is the folded prefix; matches any form that starts
                       with it */
    IBID_Q_BOOL,    /* children with occur flags: see below */
    IBID_Q_NEAR,    /* children (TERM or PHRASE) all within distance of each other */
    IBID_Q_FILTER   /* a field filter: filter + value; matches by metadata, scores 0 */
} ibid_qtype;

typedef enum ibid_occur {
    IBID_OCCUR_SHOULD = 0, /* optional: scores when present (ranked OR) */
    IBID_OCCUR_MUST = 1,   /* required: +x, AND operands */
    IBID_OCCUR_NOT = 2     /* excluded: -x, NOT x */
} ibid_occur;

typedef enum ibid_filter {
    IBID_FILTER_KIND,    /* value: "paragraph", "footnote" or "bibliography" */
    IBID_FILTER_NOTKIND, /* everything but footnotes and bibliography: value "footnote" (the
                            parser does not produce it: in:text gives KIND "paragraph") */
    IBID_FILTER_WORK,    /* value: folded words that must all occur in the work title */
    IBID_FILTER_CHAPTER  /* value: folded words that must all occur in the chapter title */
} ibid_filter;

typedef struct ibid_qword {
    const char *text;  /* the word as the user typed it (for messages and highlighting) */
    const char *form;  /* folded form (analyze.h step 2) */
    const char *term;  /* stem (step 3) */
    uint32_t offset;   /* position offset within a phrase (0 for the first word) */
} ibid_qword;

typedef struct ibid_qnode ibid_qnode;
struct ibid_qnode {
    ibid_qtype type;
    ibid_occur occur;      /* how this node takes part in its parent BOOL (root: SHOULD or MUST) */
    /* TERM, PHRASE, PREFIX */
    ibid_qword *words;
    size_t nwords;
    int exact;             /* TERM, PHRASE: 1 inside quotes (match the exact forms, not the
                              stems); 0 for unquoted words.  Later query expansions (synonyms)
                              apply only to exact = 0 nodes */
    /* BOOL, NEAR */
    ibid_qnode **children;
    size_t nchildren;
    uint32_t distance;     /* NEAR: max distance between positions */
    /* FILTER.  A filter restricts the group it stands in: the parser gives it occur MUST
       (NOT when negated: -in:footnotes; Byal OR in:footnotes is Byal +in:footnotes).  The only
       SHOULD filters are children of a BOOL whose children are all filters, made by OR
       (in:footnotes OR in:bibliography, or several in: filters side by side, which the parser
       gathers into such a group): a passage passes that BOOL when it passes ANY of them. */
    ibid_filter filter;
    const char *value;
    /* An unquoted compound (co-operation) is a BOOL of SHOULD children: the joined TERM
       and the PHRASE of its parts; alternatives sets the BOOL to score as the best child only
       (max, not sum), so a compound counts once. */
    int alternatives;
    /* BOOL with alternatives: 1 when the children are the variants of a synonyms group
       (synonyms.h): children[0] is what the user typed (a TERM, a PHRASE of stems for a run
       of several words, or the joined TERM of a compound followed by its parts), the other
       children are the group's other variants.  Added by issue 6; 0 everywhere else. */
    int synonyms;
};

/* The shape of a parsed tree (what an evaluator may rely on):
     - root is NULL when nothing searchable is left; else its occur is SHOULD.  A single clause
       is the root itself (Great -> TERM); several clauses make a root BOOL.
     - A BOOL with MUST children requires all of them and its SHOULD children only add score;
       without one it requires at least one SHOULD child.  NOT children exclude.  A BOOL with
       no filter and no child but NOT ones (-x) matches nothing.  A BOOL (or root) whose only
       non-NOT children are filters (in:footnotes; -in:footnotes; in:footnotes -China) keeps
       every passage that passes the filters and is not excluded, with score 0.
     - Every BOOL has at least one child; a BOOL with one child has a NOT child (others are
       replaced by the child); NEAR has at least 2 TERM or PHRASE children and 1 <= distance
       <= 1000; PHRASE has at least 2 words with increasing offsets; TERM and PREFIX have one
       word with a non-empty form (PREFIX: at least 2 characters, term == form).
     - A tree has at most 4 * (IBID_MAX_QUERY_DEPTH + 1) levels (each parenthesis level adds
       at most a group, an OR, an AND and a NEAR level), so recursing over it is safe. */
typedef struct ibid_query {
    ibid_qnode *root;      /* NULL when the query has no searchable word (then nothing matches) */
    ibid_arena arena;      /* owns every node and string */
    char warning[256];     /* a note for stderr ("unmatched quote read as text"), or "".  When
                              ibid_query_parse fails, it says why ("query has too many words
                              (the limit is 1024)") and root is NULL */
} ibid_query;

/* Parses text (UTF-8, at most IBID_MAX_QUERY bytes) with analyzer a.  Never fails on
   syntax.  Returns IBID_OK, IBID_ENOMEM, or IBID_ELIMIT (query too long, more than
   IBID_MAX_QUERY_TERMS words, or nesting deeper than IBID_MAX_QUERY_DEPTH). */
enum { IBID_MAX_QUERY = 65536, IBID_MAX_QUERY_TERMS = 1024, IBID_MAX_QUERY_DEPTH = 64 };
int ibid_query_parse(ibid_analyzer *a, const char *text, size_t len, ibid_query *out);
/* The same, expanding unquoted words with the variant names of syn (synonyms.h; NULL: no
   expansion, exactly ibid_query_parse).  A word, or a run of adjacent bare words (no sign, no
   operator between them: Great Stone residents), whose stems form a key of a group becomes a
   BOOL with alternatives and synonyms set (see ibid_qnode.synonyms); multi-word variants are
   PHRASEs of stems (exact 0).  Quoted text and prefixes are never expanded.  Inside NEAR only
   what the user typed counts. */
struct ibid_synonyms;
int ibid_query_parse_syn(ibid_analyzer *a, const struct ibid_synonyms *syn, const char *text,
                         size_t len, ibid_query *out);
void ibid_query_free(ibid_query *q);
/* Appends a readable rendering of the tree (for --explain and tests) to buf, "" when empty:
   e.g. (OR great stone +"exact phrase" -x +in:footnote); the grammar of the rendering is in
   query_format.c. Returns IBID_OK or IBID_ENOMEM. */
struct ibid_buf;
int ibid_query_format(const ibid_query *q, struct ibid_buf *buf);

#endif
