/* fuzz_query_parse.c - libFuzzer target for the query parser (searcher/query_parse.c) and its
 * rendering (searcher/query_format.c).  Any input must parse with IBID_OK or IBID_ELIMIT and give
 * a tree with the shape query.h promises (checked here; a violation aborts).
 *
 * Build and run (Debian: clang, libclang-rt-14-dev), from the repository root:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -std=c11 \
 *     -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icommon -Isearcher tests/fuzz/fuzz_query_parse.c \
 *     searcher/query_parse.c searcher/query_format.c common/analyze.c common/tokenize.c common/fold.c \
 *     common/stem.c common/arena.c common/buf.c common/status.c -lutf8proc -lstemmer -o fuzz_query_parse
 *   ./fuzz_query_parse -max_len=512 -dict=tests/fuzz/query_parse.dict -max_total_time=300 \
 *     NEWDIR tests/fuzz/corpus/query_parse
 * Runs so far (2026-11-23): 2,461,026 inputs in 541 s (max_len 512 and 1024), no finding. */
#include <stdint.h>
#include <stdlib.h>

#include "analyze.h"
#include "buf.h"
#include "query.h"
#include "status.h"

static ibid_analyzer *an;

static void check(const ibid_qnode *n, unsigned depth)
{
    if (depth > 4 * (IBID_MAX_QUERY_DEPTH + 1))
        abort();
    switch (n->type) {
    case IBID_Q_TERM:
    case IBID_Q_PREFIX:
        if (n->nwords != 1 || !n->words[0].form[0] || !n->words[0].term || !n->words[0].text)
            abort();
        break;
    case IBID_Q_PHRASE:
        if (n->nwords < 2 || n->words[0].offset != 0)
            abort();
        for (size_t i = 1; i < n->nwords; i++)
            if (n->words[i].offset <= n->words[i - 1].offset)
                abort();
        break;
    case IBID_Q_BOOL:
        if (n->nchildren == 0 || (n->nchildren == 1 && n->children[0]->occur != IBID_OCCUR_NOT))
            abort();
        for (size_t i = 0; i < n->nchildren; i++)
            check(n->children[i], depth + 1);
        break;
    case IBID_Q_NEAR:
        if (n->nchildren < 2 || n->distance < 1 || n->distance > 1000)
            abort();
        for (size_t i = 0; i < n->nchildren; i++)
            if (n->children[i]->type != IBID_Q_TERM && n->children[i]->type != IBID_Q_PHRASE)
                abort();
        break;
    case IBID_Q_FILTER:
        if (!n->value)
            abort();
        break;
    default:
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!an && !(an = ibid_analyzer_new()))
        abort();
    ibid_query q;
    int rc = ibid_query_parse(an, (const char *)data, size, &q);
    if (rc != IBID_OK && rc != IBID_ELIMIT && rc != IBID_ENOMEM)
        abort();
    if (q.root) {
        if (rc != IBID_OK || q.root->occur != IBID_OCCUR_SHOULD)
            abort();
        check(q.root, 0);
    }
    ibid_buf b = {0};
    if (ibid_query_format(&q, &b) != IBID_OK)
        abort();
    ibid_buf_free(&b);
    ibid_query_free(&q);
    return 0;
}
