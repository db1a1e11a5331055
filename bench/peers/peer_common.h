/*
** peer_common.h: what the peer drivers (fts5_run.c, xapian_run.cc) share.
**
** The peers index exactly ibid's passages, read from the JSON Lines that
** `ibid-index --print-passages PATH...` prints (docs/passages.md), answer
** `qid<TAB>query` lines, and print TREC runs.  This module reads both inputs,
** measures time and memory, computes latency percentiles and writes the
** figures as one JSON object.  It is plain C so that the C++ driver links it.
**
** Ownership: a peer_passages owns every string it holds; free it with
** peer_passages_free().  Likewise peer_queries.  Functions return 0 on
** success and -1 on error, after printing one line on stderr that names the
** file (these are benchmark programs, not library modules).
*/
#ifndef PEER_COMMON_H
#define PEER_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One passage: the fields a peer needs. */
typedef struct peer_passage {
    char *docid;     /* `id` when not null, else "file:line" (owned) */
    char *text;      /* the passage text, NUL-terminated (owned) */
    size_t text_len; /* strlen(text) */
} peer_passage;

typedef struct peer_passages {
    peer_passage *items; /* items[0..count) */
    size_t count;
    size_t cap;
    uint64_t text_bytes; /* sum of text_len */
} peer_passages;

/* Reads passages JSON Lines from PATH ("-" = stdin) into *out (zeroed first).
** Blank lines are skipped; a line that is not an object with a string `text`,
** a string `file` and an integer `line` is an error. */
int peer_passages_read(const char *path, peer_passages *out);
void peer_passages_free(peer_passages *p);

typedef struct peer_query {
    char *qid;   /* owned */
    char *query; /* owned; may be empty */
} peer_query;

typedef struct peer_queries {
    peer_query *items;
    size_t count;
    size_t cap;
} peer_queries;

/* Reads `qid<TAB>query` lines (a line without a tab, or with an empty qid,
** gets its line number as qid, like ibid-search --batch).  A trailing CR is
** dropped; blank lines are skipped. */
int peer_queries_read(const char *path, peer_queries *out);
void peer_queries_free(peer_queries *q);

/* Clocks, in seconds. */
double peer_wall_now(void);
double peer_cpu_now(void); /* user + system CPU of this process */
long peer_peak_rss_kb(void); /* getrusage ru_maxrss (KiB on Linux), -1 on error */

/* Total bytes of a regular file, or of every regular file below a folder;
** -1 on error. */
long long peer_path_bytes(const char *path);

/* Latency summary over n samples in milliseconds (sorts `ms` in place). */
typedef struct peer_latency {
    double p50, p95, p99, mean, max;
    size_t n;
} peer_latency;
void peer_latency_summarize(double *ms, size_t n, peer_latency *out);

/* Figures of one run, written as a JSON object by peer_stats_write. Fields
** that do not apply are negative and are written as null. */
typedef struct peer_stats {
    const char *engine;
    size_t passages;
    uint64_t text_bytes;
    double load_wall_s;    /* reading and parsing the passages JSONL */
    double index_wall_s;   /* adding every passage and committing */
    double index_cpu_s;
    long long index_bytes;          /* everything on disk */
    long long index_bytes_no_text;  /* without the stored passage text */
    long long postings;             /* term occurrences indexed, if known */
    long peak_rss_kb;
    size_t queries;
    int k;
    int repeat;
    double query_wall_s; /* all repetitions of all queries */
    peer_latency latency;
} peer_stats;

/* Writes *s as one JSON object plus newline to PATH, or to stderr when PATH
** is NULL. */
int peer_stats_write(const peer_stats *s, const char *path);

/* Prints one TREC run line to stdout: `qid Q0 docid rank score engine`. */
void peer_print_trec(const char *qid, const char *docid, int rank, double score,
                     const char *engine);

/* Parses a positive integer option value; returns -1 if invalid. */
long peer_parse_long(const char *s);

#ifdef __cplusplus
}
#endif

#endif /* PEER_COMMON_H */
