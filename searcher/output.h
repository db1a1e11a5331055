/*
 * output.h - printing hits: terminal text, JSON Lines, TSV, TREC run, grep lines, counts.
 *
 * Every function appends to an ibid_buf (the program writes it to stdout), so this module does
 * no I/O.  Formats (issue 3, README; docs/query-syntax.md "Output formats"):
 *   text  per hit: "[rank] score", the citation (work, chapter, p. N, para. K or fn. N, and
 *         file:line), the snippet with the matched words highlighted (ANSI bold colour when
 *         color is set, else plain), then "also: [score] citation" for each near-duplicate,
 *         then each cited footnote as "[N] text"; a blank line between hits.  --explain adds
 *         one line per scoring term.
 *   json  one object per line: qid, rank, score, every passage key (passage.h), snippet,
 *         highlights ([[start,end],...] byte offsets into text), "duplicates" when grouping is
 *         on, and with --explain the parsed query ("query") and the BM25 terms ("explain":
 *         [{term, score, idf, tf, len}]).
 *   tsv   header line, then qid rank score file line end_line kind work chapter page
 *         paragraph footnote text duplicates (tabs and newlines become spaces; null is empty;
 *         duplicates: the copies' "file:line" joined by "; ", empty when there are none).
 *   trec  "qid Q0 DOCID rank score ibid"; DOCID = the passage id, else file:line.  Each copy
 *         is a line of its own right after its group's best passage, with the group's score
 *         (a group ranks as its best passage, so the scores never rise down the run and
 *         trec_eval reads the lines in the order printed) and the next rank.
 *   grep  "file:line:text"; each copy follows as "file:line:also: text".
 * Returns IBID_OK or IBID_ENOMEM.
 */
#ifndef IBID_OUTPUT_H
#define IBID_OUTPUT_H

#include <stddef.h>

#include "buf.h"
#include "passage.h"
#include "scorer.h"
#include "snippet.h"

typedef enum ibid_output_format {
    IBID_OUT_TEXT,
    IBID_OUT_JSON,
    IBID_OUT_TSV,
    IBID_OUT_TREC,
    IBID_OUT_GREP
} ibid_output_format;

/* Parses a --format name; returns 0 and sets *f, or -1 when unknown. */
int ibid_output_format_parse(const char *name, ibid_output_format *f);

/* A near-duplicate listed with a hit (issue 6). */
typedef struct ibid_out_dup {
    const ibid_passage *p;
    double score;
} ibid_out_dup;

typedef struct ibid_out_hit {
    const char *qid;
    size_t rank;                    /* 1-based, counting the offset */
    double score;
    const ibid_passage *p;
    size_t snip_start, snip_end;    /* the snippet window in p->text */
    const ibid_ranges *highlights;  /* in p->text */
    const ibid_explain_list *explain; /* NULL unless --explain */
    const char *parsed;             /* --explain: the parsed query (query.h notation), else NULL */
    /* issue 6: the near-duplicates grouped under this hit, best first (text: "also:" lines
       after the snippet; json: "duplicates": [{file, line, work, chapter, page, paragraph,
       footnote, score}], present when grouping is on (grouped = 1); tsv: the last column;
       trec: a line each after the hit's; grep: "file:line:also: text" lines), and the
       did-you-mean (json: "suggestion"; NULL: none) */
    const ibid_out_dup *dups;
    size_t ndups;
    int grouped;
    const char *suggestion;
} ibid_out_hit;

/* The TSV header line (print once, before the first hit). */
int ibid_output_tsv_header(ibid_buf *b);
/* Appends one hit in format f; color: ANSI escapes in text format.  In trec the hit's line
   has rank h->rank: ibid_output_hit_at numbers the lines of a query's run instead. */
int ibid_output_hit(ibid_buf *b, ibid_output_format f, const ibid_out_hit *h, int color);
/* The same, with line_rank the rank of the hit's own TREC line (its copies take the ranks
   after it): h->rank plus the number of copies listed with the query's earlier hits, so
   the ranks of a run go 1, 2, 3... line by line.  The other formats ignore line_rank (they
   number groups: h->rank). */
int ibid_output_hit_at(ibid_buf *b, ibid_output_format f, const ibid_out_hit *h, int color,
                       size_t line_rank);
/* Text format, --explain: "query: PARSED" and a blank line before the hits. */
int ibid_output_parsed_query(ibid_buf *b, const char *parsed);
/* Text format, batch mode: a line naming the query before its hits. */
int ibid_output_query_header(ibid_buf *b, const char *qid, const char *query, int color);

#endif
