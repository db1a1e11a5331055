/*
 * ibid_qcost.c - the instructions each query costs, counted by callgrind: a figure of ibid's
 * query work that the machine's load does not change (bench/qcost.sh runs it).
 *
 *   valgrind --tool=callgrind --collect-atstart=yes ibid_qcost [-k N] [--exhaustive] INDEX QUERIES.tsv
 *
 * Opens INDEX once, answers the first five queries of QUERIES.tsv (`qid<TAB>query` lines) once
 * unmeasured (what a searcher builds on first use, such as the title field, is then paid), and
 * then every query with callgrind's counters zeroed before ibid_search_topk and dumped after it
 * under the query's id (CALLGRIND_ZERO_STATS / CALLGRIND_DUMP_STATS_AT): one dump a query, its
 * `summary:` line the instructions of that query.  Outside valgrind the requests do nothing and
 * the program just runs the queries.  Not a test: nothing is asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/callgrind.h>

#include "diag.h"
#include "index.h"
#include "peer_common.h"
#include "search.h"
#include "status.h"
#include "topk.h"

int main(int argc, char **argv)
{
    long k = 10;
    int exhaustive = 0, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-k") == 0 && i + 1 < argc)
            k = peer_parse_long(argv[++i]);
        else if (strcmp(argv[i], "--exhaustive") == 0)
            exhaustive = 1;
        else
            break;
    }
    if (argc - i != 2 || k <= 0 || k > 1000000) {
        fprintf(stderr, "usage: ibid_qcost [-k N] [--exhaustive] INDEX QUERIES.tsv\n");
        return 2;
    }
    peer_queries qs;
    memset(&qs, 0, sizeof qs);
    if (peer_queries_read(argv[i + 1], &qs) != 0)
        return 2;
    int rc = 2;
    char err[512] = "";
    ibid_index *ix = NULL;
    ibid_searcher *s = NULL;
    ibid_topk top = {0};
    ibid_search_opts o;
    ibid_search_opts_default(&o);
    o.limit = (size_t)k;
    o.batch = 1;
    int r = ibid_index_open(argv[i], &ix, err, sizeof err);
    if (r != IBID_OK) {
        fprintf(stderr, "ibid_qcost: %s: %s\n", argv[i], err[0] ? err : ibid_strerror(r));
        goto done;
    }
    if (ibid_searcher_new(ix, &o, &ibid_diag_stderr, &s) != IBID_OK ||
        ibid_topk_init(&top, (size_t)k) != IBID_OK) {
        fprintf(stderr, "ibid_qcost: out of memory\n");
        goto done;
    }
    for (int pass = 0; pass < 2; pass++) {
        size_t n = pass == 0 ? (qs.count < 5 ? qs.count : 5) : qs.count;
        for (size_t q = 0; q < n; q++) {
            const char *text = qs.items[q].query;
            top.n = 0;
            if (pass == 1)
                CALLGRIND_ZERO_STATS;
            r = ibid_search_topk(s, text, strlen(text), exhaustive, &top);
            if (pass == 1)
                CALLGRIND_DUMP_STATS_AT(qs.items[q].qid);
            if (r < 0) {
                fprintf(stderr, "ibid_qcost: query %s: %s\n", qs.items[q].qid, ibid_strerror(r));
                goto done;
            }
        }
    }
    rc = 0;
done:
    ibid_topk_free(&top);
    ibid_searcher_free(s);
    ibid_index_close(ix);
    peer_queries_free(&qs);
    return rc;
}
