/*
** fts5_run.c: SQLite FTS5 as a peer of ibid, driven through the C API.
**
**   fts5_run [-k N] [--repeat R] [--db FILE] [--stats FILE.json] [--optimize]
**            PASSAGES.jsonl [QUERIES.tsv]  > run.trec
**
** Indexes the `text` of every passage in PASSAGES.jsonl (the output of
** `ibid-index --print-passages`) into an FTS5 table with
** tokenize='porter unicode61' and positions (FTS5's default detail=full), in
** one transaction.  Then answers each `qid<TAB>query` line of QUERIES.tsv as a
** ranked OR of the query's terms: words outside double quotes become one FTS5
** string each, a double-quoted part becomes one FTS5 phrase, all joined with
** OR; hits are ordered by bm25() ascending (FTS5's bm25 is negative: better
** is smaller) and the top k (default 10) are printed as TREC run lines
** `qid Q0 DOCID rank score fts5` with score = -bm25(), so that higher is
** better as trec_eval expects.  DOCID is the passage's `id`, else file:line.
**
** Figures (load and index wall/CPU seconds, peak RSS, index bytes with and
** without the stored text, per-query latency p50/p95/p99/mean measured
** in-process around compiling and running each query) go to --stats FILE as
** one JSON object, else to stderr.  With --repeat R every query is run R
** times (results printed once) and the latency figures cover all runs.
** Without --db the database is a temporary file, removed at exit.  With
** --reuse and --db, an existing database is queried as it is (no index
** figures): bench/speed.sh indexes once per repetition and queries once per k.
*/
#include "peer_common.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ENGINE "fts5"

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static int sbuf_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > ncap)
            ncap *= 2;
        char *np = realloc(b->p, ncap);
        if (np == NULL)
            return -1;
        b->p = np;
        b->cap = ncap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

/* A token character for splitting queries: ASCII letters and digits, and
** every byte of a non-ASCII UTF-8 sequence (unicode61 then splits further
** inside the quoted string if needed). */
static int is_tok(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Appends the tokens of s[0..n) to b: each one as its own "string" joined
** with OR when phrase == 0, all inside one "string" (an FTS5 phrase) when
** phrase != 0.  *terms counts the items appended to the OR list. */
static int add_tokens(sbuf *b, const char *s, size_t n, int phrase, int *terms)
{
    size_t i = 0;
    int in_phrase = 0;
    while (i < n) {
        while (i < n && !is_tok((unsigned char)s[i]))
            i++;
        size_t start = i;
        while (i < n && is_tok((unsigned char)s[i]))
            i++;
        if (i == start)
            break;
        if (phrase && in_phrase) {
            if (sbuf_add(b, " ", 1) != 0)
                return -1;
        } else {
            if (*terms > 0 && sbuf_add(b, " OR ", 4) != 0)
                return -1;
            if (sbuf_add(b, "\"", 1) != 0)
                return -1;
            (*terms)++;
            in_phrase = 1;
        }
        if (sbuf_add(b, s + start, i - start) != 0)
            return -1;
        if (!phrase && sbuf_add(b, "\"", 1) != 0)
            return -1;
    }
    if (phrase && in_phrase && sbuf_add(b, "\"", 1) != 0)
        return -1;
    return 0;
}

/* Builds the FTS5 MATCH expression for query q into b; sets *terms to the
** number of OR'ed items (0: nothing to search). An unmatched quote is read
** as text. */
static int build_match(const char *q, sbuf *b, int *terms)
{
    b->len = 0;
    if (sbuf_add(b, "", 0) != 0)
        return -1;
    *terms = 0;
    const char *p = q;
    while (*p) {
        const char *quote = strchr(p, '"');
        const char *close = quote ? strchr(quote + 1, '"') : NULL;
        if (quote == NULL || close == NULL) {
            return add_tokens(b, p, strlen(p), 0, terms);
        }
        if (add_tokens(b, p, (size_t)(quote - p), 0, terms) != 0)
            return -1;
        if (add_tokens(b, quote + 1, (size_t)(close - quote - 1), 1, terms) != 0)
            return -1;
        p = close + 1;
    }
    return 0;
}

static int exec_sql(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "fts5_run: %s: %s\n", sql, err ? err : sqlite3_errmsg(db));
        sqlite3_free(err);
        return -1;
    }
    return 0;
}

static int build_index(sqlite3 *db, const peer_passages *ps, int optimize)
{
    if (exec_sql(db, "CREATE VIRTUAL TABLE p USING fts5(text, tokenize='porter unicode61')") != 0)
        return -1;
    if (exec_sql(db, "BEGIN") != 0)
        return -1;
    sqlite3_stmt *ins = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO p(rowid, text) VALUES(?1, ?2)", -1, &ins, NULL) !=
        SQLITE_OK) {
        fprintf(stderr, "fts5_run: prepare insert: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    for (size_t i = 0; i < ps->count; i++) {
        sqlite3_bind_int64(ins, 1, (sqlite3_int64)i + 1);
        sqlite3_bind_text(ins, 2, ps->items[i].text, (int)ps->items[i].text_len, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            fprintf(stderr, "fts5_run: insert passage %zu: %s\n", i + 1, sqlite3_errmsg(db));
            sqlite3_finalize(ins);
            return -1;
        }
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    if (optimize && exec_sql(db, "INSERT INTO p(p) VALUES('optimize')") != 0)
        return -1;
    return exec_sql(db, "COMMIT");
}

/* Bytes of the stored text (the p_content table), or -1 when SQLite lacks
** the dbstat virtual table. */
static long long content_bytes(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    long long v = -1;
    if (sqlite3_prepare_v2(db, "SELECT sum(pgsize) FROM dbstat WHERE name = 'p_content'", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

typedef struct hit {
    sqlite3_int64 rowid;
    double score;
} hit;

static void usage(void)
{
    fprintf(stderr, "usage: fts5_run [-k N] [--repeat R] [--db FILE] [--stats FILE.json] "
                    "[--optimize] [--reuse] PASSAGES.jsonl [QUERIES.tsv]\n");
}

int main(int argc, char **argv)
{
    long k = 10, repeat = 1;
    const char *db_path = NULL, *stats_path = NULL, *passages_path = NULL, *queries_path = NULL;
    int optimize = 0, reuse = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "-k") == 0 || strcmp(a, "-n") == 0) && i + 1 < argc) {
            k = peer_parse_long(argv[++i]);
        } else if (strcmp(a, "--repeat") == 0 && i + 1 < argc) {
            repeat = peer_parse_long(argv[++i]);
        } else if (strcmp(a, "--db") == 0 && i + 1 < argc) {
            db_path = argv[++i];
        } else if (strcmp(a, "--stats") == 0 && i + 1 < argc) {
            stats_path = argv[++i];
        } else if (strcmp(a, "--reuse") == 0) {
            reuse = 1;
        } else if (strcmp(a, "--optimize") == 0) {
            optimize = 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage();
            return 0;
        } else if (a[0] == '-' && a[1] != '\0') {
            usage();
            return 2;
        } else if (passages_path == NULL) {
            passages_path = a;
        } else if (queries_path == NULL) {
            queries_path = a;
        } else {
            usage();
            return 2;
        }
    }
    if (reuse && db_path == NULL) {
        fprintf(stderr, "fts5_run: --reuse needs --db FILE\n");
        return 2;
    }
    if (passages_path == NULL || k <= 0 || repeat <= 0 || k > 1000000 || repeat > 1000) {
        usage();
        return 2;
    }

    peer_stats st;
    memset(&st, 0, sizeof st);
    st.engine = ENGINE;
    st.k = (int)k;
    st.repeat = (int)repeat;
    st.postings = -1;

    double t0 = peer_wall_now();
    peer_passages ps;
    if (peer_passages_read(passages_path, &ps) != 0)
        return 2;
    st.load_wall_s = peer_wall_now() - t0;
    st.passages = ps.count;
    st.text_bytes = ps.text_bytes;

    peer_queries qs;
    memset(&qs, 0, sizeof qs);
    if (queries_path != NULL && peer_queries_read(queries_path, &qs) != 0) {
        peer_passages_free(&ps);
        return 2;
    }

    char tmp_path[] = "/tmp/fts5_run.XXXXXX";
    int remove_db = 0;
    if (db_path == NULL) {
        int fd = mkstemp(tmp_path);
        if (fd < 0) {
            perror("fts5_run: mkstemp");
            return 2;
        }
        close(fd);
        db_path = tmp_path;
        remove_db = 1;
    }
    if (!reuse)
        unlink(db_path); /* a fresh database unless --reuse */

    int rc = 2;
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    hit *hits = NULL;
    double *lat = NULL;
    sbuf expr = {0};
    if (sqlite3_open(db_path, &db) != SQLITE_OK) {
        fprintf(stderr, "fts5_run: %s: %s\n", db_path, db ? sqlite3_errmsg(db) : "cannot open");
        goto done;
    }

    if (reuse) {
        st.index_bytes = st.index_bytes_no_text = -1;
        st.index_wall_s = st.index_cpu_s = -1;
    } else {
        double w0 = peer_wall_now(), c0 = peer_cpu_now();
        if (build_index(db, &ps, optimize) != 0)
            goto done;
        st.index_wall_s = peer_wall_now() - w0;
        st.index_cpu_s = peer_cpu_now() - c0;
        st.index_bytes = peer_path_bytes(db_path);
        long long cb = content_bytes(db);
        st.index_bytes_no_text = (cb >= 0 && st.index_bytes >= 0) ? st.index_bytes - cb : -1;
    }

    if (sqlite3_prepare_v2(db, "SELECT rowid, bm25(p) FROM p WHERE p MATCH ?1 ORDER BY bm25(p) LIMIT ?2",
                           -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "fts5_run: prepare query: %s\n", sqlite3_errmsg(db));
        goto done;
    }
    hits = malloc((size_t)k * sizeof *hits);
    lat = malloc((qs.count * (size_t)repeat + 1) * sizeof *lat);
    if (hits == NULL || lat == NULL) {
        fprintf(stderr, "fts5_run: out of memory\n");
        goto done;
    }
    size_t nlat = 0;
    double qw0 = peer_wall_now();
    for (long r = 0; r < repeat; r++) {
        for (size_t i = 0; i < qs.count; i++) {
            double s0 = peer_wall_now();
            int terms = 0;
            if (build_match(qs.items[i].query, &expr, &terms) != 0) {
                fprintf(stderr, "fts5_run: out of memory\n");
                goto done;
            }
            size_t nh = 0;
            if (terms > 0) {
                sqlite3_bind_text(q, 1, expr.p, (int)expr.len, SQLITE_STATIC);
                sqlite3_bind_int64(q, 2, k);
                int s;
                while ((s = sqlite3_step(q)) == SQLITE_ROW && nh < (size_t)k) {
                    hits[nh].rowid = sqlite3_column_int64(q, 0);
                    hits[nh].score = -sqlite3_column_double(q, 1);
                    nh++;
                }
                if (s != SQLITE_ROW && s != SQLITE_DONE) {
                    fprintf(stderr, "fts5_run: query %s (%s): %s\n", qs.items[i].qid, expr.p,
                            sqlite3_errmsg(db));
                    sqlite3_reset(q);
                    goto done;
                }
                sqlite3_reset(q);
            }
            lat[nlat++] = (peer_wall_now() - s0) * 1000.0;
            if (r == 0) {
                for (size_t h = 0; h < nh; h++) {
                    sqlite3_int64 id = hits[h].rowid;
                    if (id < 1 || (size_t)id > ps.count) {
                        fprintf(stderr, "fts5_run: bad rowid %lld\n", (long long)id);
                        goto done;
                    }
                    peer_print_trec(qs.items[i].qid, ps.items[id - 1].docid, (int)h + 1,
                                    hits[h].score, ENGINE);
                }
            }
        }
    }
    st.query_wall_s = peer_wall_now() - qw0;
    st.queries = qs.count;
    peer_latency_summarize(lat, nlat, &st.latency);
    st.peak_rss_kb = peer_peak_rss_kb();
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "fts5_run: write error on stdout\n");
        goto done;
    }
    if (peer_stats_write(&st, stats_path) != 0)
        goto done;
    rc = 0;
done:
    sqlite3_finalize(q);
    if (db != NULL)
        sqlite3_close(db);
    if (remove_db)
        unlink(db_path);
    free(expr.p);
    free(hits);
    free(lat);
    peer_queries_free(&qs);
    peer_passages_free(&ps);
    return rc;
}
