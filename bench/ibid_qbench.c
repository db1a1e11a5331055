/*
 * ibid_qbench.c - ibid's query latency measured inside the process, as the peers measure theirs.
 *
 *   ibid_qbench [-k N] [--repeat R] [--mode topk|run] [--stats FILE.json] [--print]
 *               INDEX QUERIES.tsv
 *
 * Opens INDEX once (the open is timed separately: open_ms), makes one searcher, then answers each
 * `qid<TAB>query` line of QUERIES.tsv R times (default 3) and reports the latency of every answer
 * (p50, p95, p99, mean, max over all queries of all repetitions) in the peers' JSON (peer_common.h).
 *
 *   --mode topk  (default) parse, plan, evaluate and collect the top k (score, passage id): what
 *                FTS5 (`SELECT rowid, bm25(p) ... LIMIT k`) and Xapian (get_mset) are timed on;
 *   --mode run   the whole of one ibid-search answer: the above plus fetching each hit from the
 *                store and formatting it (TREC lines, the format of the relevance runs), printing
 *                excluded.
 *
 * --times FILE writes `qid<TAB>ms` for every answer of the first repetition (to find the slow
 * queries).  --print writes the answers of the first repetition to stdout (--mode run: the TREC lines;
 * --mode topk: `qid pid score` lines).  Not a test: nothing is asserted.
 *
 * Built by bench/speed.sh against a release build of ibid's static libraries and
 * bench/peers/peer_common.c (queries, clocks, percentiles, the JSON).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "index.h"
#include "output.h"
#include "peer_common.h"
#include "reader.h"
#include "search.h"
#include "status.h"
#include "topk.h"

static void usage(void)
{
    fprintf(stderr, "usage: ibid_qbench [-k N] [--repeat R] [--mode topk|run] [--stats FILE.json] "
                    "[--print] [--times FILE] INDEX QUERIES.tsv\n");
}

int main(int argc, char **argv)
{
    long k = 10, repeat = 3;
    int run_mode = 0, print = 0;
    const char *stats_path = NULL, *times_path = NULL, *index_path = NULL, *queries_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "-k") == 0 || strcmp(a, "-n") == 0) && i + 1 < argc) {
            k = peer_parse_long(argv[++i]);
        } else if (strcmp(a, "--repeat") == 0 && i + 1 < argc) {
            repeat = peer_parse_long(argv[++i]);
        } else if (strcmp(a, "--mode") == 0 && i + 1 < argc) {
            const char *m = argv[++i];
            if (strcmp(m, "run") == 0)
                run_mode = 1;
            else if (strcmp(m, "topk") != 0) {
                usage();
                return 2;
            }
        } else if (strcmp(a, "--stats") == 0 && i + 1 < argc) {
            stats_path = argv[++i];
        } else if (strcmp(a, "--times") == 0 && i + 1 < argc) {
            times_path = argv[++i];
        } else if (strcmp(a, "--print") == 0) {
            print = 1;
        } else if (a[0] == '-') {
            usage();
            return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 ? 0 : 2;
        } else if (!index_path) {
            index_path = a;
        } else if (!queries_path) {
            queries_path = a;
        } else {
            usage();
            return 2;
        }
    }
    if (!index_path || !queries_path || k <= 0 || k > 1000000 || repeat <= 0 || repeat > 1000) {
        usage();
        return 2;
    }

    peer_queries qs;
    memset(&qs, 0, sizeof qs);
    if (peer_queries_read(queries_path, &qs) != 0)
        return 2;

    int rc = 2;
    FILE *times = NULL;
    ibid_reader *ix = NULL; /* a standalone index or a manifest of segments (reader.h) */
    ibid_searcher *s = NULL;
    ibid_buf out = {0};
    ibid_topk top = {0};
    double *lat = NULL;
    char err[512] = "";
    peer_stats st;
    memset(&st, 0, sizeof st);
    st.engine = run_mode ? "ibid-run" : "ibid";
    st.k = (int)k;
    st.repeat = (int)repeat;
    st.index_bytes = st.index_bytes_no_text = st.postings = -1;

    double o0 = peer_wall_now();
    int r = ibid_reader_open(index_path, &ix, err, sizeof err);
    if (r != IBID_OK) {
        fprintf(stderr, "ibid_qbench: %s: %s\n", index_path, err[0] ? err : ibid_strerror(r));
        goto done;
    }
    ibid_search_opts o;
    ibid_search_opts_default(&o);
    o.limit = (size_t)k;
    o.format = IBID_OUT_TREC;
    o.batch = 1;
    if (ibid_searcher_new_reader(ix, &o, &ibid_diag_stderr, &s) != IBID_OK)
        goto oom;
    st.load_wall_s = peer_wall_now() - o0; /* the open, reported as open_ms */
    st.passages = ibid_reader_passage_count(ix);
    if (ibid_topk_init(&top, (size_t)k) != IBID_OK)
        goto oom;
    lat = malloc((qs.count * (size_t)repeat + 1) * sizeof *lat);
    if (!lat)
        goto oom;

    if (times_path && !(times = fopen(times_path, "w"))) {
        perror(times_path);
        goto done;
    }
    size_t nlat = 0;
    double qw0 = peer_wall_now();
    for (long rep = 0; rep < repeat; rep++) {
        for (size_t i = 0; i < qs.count; i++) {
            const char *text = qs.items[i].query;
            size_t len = strlen(text);
            out.len = 0;
            double t0 = peer_wall_now();
            if (run_mode) {
                uint64_t matched = 0;
                r = ibid_search_run(s, qs.items[i].qid, text, len, &out, &matched);
            } else {
                top.n = 0;
                r = ibid_search_topk(s, text, len, 0, &top);
            }
            lat[nlat++] = (peer_wall_now() - t0) * 1000.0;
            if (r == IBID_ENOMEM)
                goto oom;
            if (r == IBID_ECORRUPT) {
                fprintf(stderr, "ibid_qbench: query %s: %s\n", qs.items[i].qid, ibid_strerror(r));
                goto done;
            }
            if (times && rep == 0)
                fprintf(times, "%s\t%.4f\n", qs.items[i].qid, lat[nlat - 1]);
            if (print && rep == 0) {
                if (run_mode) {
                    if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
                        goto done;
                } else {
                    for (size_t h = 0; h < top.n; h++)
                        printf("%s %u %.9g\n", qs.items[i].qid, top.v[h].pid, top.v[h].score);
                }
            }
        }
    }
    st.query_wall_s = peer_wall_now() - qw0;
    st.queries = qs.count;
    peer_latency_summarize(lat, nlat, &st.latency);
    st.peak_rss_kb = peer_peak_rss_kb();
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "ibid_qbench: write error on stdout\n");
        goto done;
    }
    if (peer_stats_write(&st, stats_path) == 0)
        rc = 0;
    goto done;
oom:
    fprintf(stderr, "ibid_qbench: out of memory\n");
done:
    if (times && fclose(times) != 0) {
        fprintf(stderr, "ibid_qbench: %s: write error\n", times_path);
        rc = 2;
    }
    free(lat);
    ibid_topk_free(&top);
    ibid_buf_free(&out);
    ibid_searcher_free(s);
    ibid_reader_close(ix);
    peer_queries_free(&qs);
    return rc;
}
