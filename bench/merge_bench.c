/*
 * merge_bench.c - time and peak memory of the segment merger (indexer/segment_merge.h) against
 * a full build, on any corpus (issue 4 "Memory", issue 7 "--optimize").
 *
 *   merge_bench build OUT K/M PATH...   build the files of PATH (files or folders, walked as
 *                                       ibid-index does) whose rank in path order is K modulo M
 *                                       (0/1 = all of them) into the segment OUT
 *   merge_bench merge [-tN] OUT IN...   merge the segments IN into OUT (-t2: opts.threads = 2)
 *   merge_bench compare A B             1 when A and B hold the same bytes in every section
 *                                       (META's segment id aside), else 0
 *
 * Each command prints one line: wall seconds, CPU seconds, peak RSS (getrusage), and its
 * figures.  Builds use the library's builder on one thread like `ibid-index --threads 1`
 * (no catalog: the work titles are the file names either way).  Build it against a build
 * folder's static libraries, e.g.
 *   cc -O2 -std=c11 -D_DEFAULT_SOURCE -Iindexer -Icommon bench/merge_bench.c \
 *      build/libibid_indexer.a build/libibid_common.a -lz -lstemmer -lutf8proc -ldeflate \
 *      -ljansson -lxxhash -lm -lpthread -o merge_bench
 * Gutenberg in 4 interleaved segments, merged, compared with a full build:
 *   for k in 0 1 2 3; do ./merge_bench build /tmp/g$k.ibid $k/4 ../shared/bench/gutenberg; done
 *   ./merge_bench build /tmp/gfull.ibid 0/1 ../shared/bench/gutenberg
 *   ./merge_bench merge -t2 /tmp/gm.ibid /tmp/g0.ibid /tmp/g1.ibid /tmp/g2.ibid /tmp/g3.ibid
 *   ./merge_bench compare /tmp/gfull.ibid /tmp/gm.ibid
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "content_hash.h"
#include "index.h"
#include "index_build.h"
#include "index_impl.h"
#include "parse.h"
#include "segment_merge.h"
#include "source.h"
#include "status.h"

static double now(int cpu)
{
    struct timespec ts;
    clock_gettime(cpu ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Peak RSS counts the pages of the mapped input segments that were read; the heap's own peak
   is sampled from /proc/self/status (RssAnon) every 10 ms by a second thread. */
static atomic_long anon_peak_kb;
static atomic_int sampling;

static void *sampler(void *arg)
{
    (void)arg;
    while (atomic_load(&sampling)) {
        FILE *f = fopen("/proc/self/status", "r");
        char line[256];
        while (f && fgets(line, sizeof line, f)) {
            long kb;
            if (sscanf(line, "RssAnon: %ld kB", &kb) == 1 && kb > atomic_load(&anon_peak_kb))
                atomic_store(&anon_peak_kb, kb);
        }
        if (f)
            fclose(f);
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void report(const char *what, double w0, double c0, const ibid_build_stats *st)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%s: %.2f s wall, %.2f s CPU, peak RSS %.1f MB (anonymous memory peak %.1f MB); %u files, %u passages, "
           "%u terms, %llu postings, %.1f MB written\n",
           what, now(0) - w0, now(1) - c0, ru.ru_maxrss / 1024.0, atomic_load(&anon_peak_kb) / 1024.0, st->files,
           st->passages, st->terms, (unsigned long long)st->postings, st->index_bytes / 1e6);
}

static int build(const char *out, const char *sel, char **paths, int npaths)
{
    unsigned k = 0, m = 1;
    if (sscanf(sel, "%u/%u", &k, &m) != 2 || m == 0 || k >= m) {
        fprintf(stderr, "merge_bench: K/M wanted, got %s\n", sel);
        return 2;
    }
    double w0 = now(0), c0 = now(1);
    ibid_source_list sources = {0};
    int rc = ibid_sources_collect(&sources, paths, (size_t)npaths, NULL);
    ibid_builder *b = rc == IBID_OK ? ibid_builder_new(NULL) : NULL;
    if (!b)
        rc = rc ? rc : IBID_ENOMEM;
    for (size_t i = 0; rc == IBID_OK && i < sources.n; i++) {
        if (i % m != k)
            continue;
        char *data = NULL;
        size_t len = 0;
        if (ibid_source_read(sources.v[i].path, &data, &len, NULL) != IBID_READ_OK)
            continue;
        ibid_parse_ctx ctx = {.file = sources.v[i].path, .work = NULL, .diag = NULL};
        ibid_passage_list list = {0};
        rc = ibid_parse(IBID_FMT_AUTO, &ctx, data, len, &list);
        uint64_t hash = ibid_content_hash(data, len);
        free(data);
        if (rc == IBID_OK) {
            ibid_passages_sort(&list);
            rc = ibid_builder_add_file_hashed(b, sources.v[i].path, sources.v[i].size, sources.v[i].mtime, hash,
                                              &list);
        }
        ibid_passages_free(&list);
    }
    ibid_build_stats st;
    memset(&st, 0, sizeof st);
    if (rc == IBID_OK)
        rc = ibid_builder_write(b, out, &st);
    ibid_builder_free(b);
    ibid_sources_free(&sources);
    if (rc) {
        fprintf(stderr, "merge_bench: build: %s\n", ibid_strerror(rc));
        return 1;
    }
    report("build", w0, c0, &st);
    return 0;
}

static int merge(const char *out, char **ins, int n, int threads)
{
    double w0 = now(0), c0 = now(1);
    ibid_index **ix = calloc((size_t)n, sizeof *ix);
    ibid_merge_input *in = calloc((size_t)n, sizeof *in);
    if (!ix || !in)
        return 1;
    int rc = IBID_OK;
    char err[256];
    for (int i = 0; i < n && rc == IBID_OK; i++) {
        rc = ibid_index_open(ins[i], &ix[i], err, sizeof err);
        if (rc)
            fprintf(stderr, "merge_bench: %s: %s\n", ins[i], err);
        in[i].ix = ix[i];
    }
    ibid_build_stats st;
    memset(&st, 0, sizeof st);
    if (rc == IBID_OK) {
        ibid_merge_opts o = {.level = 0, .diag = NULL, .segment_id = 0, .threads = threads};
        rc = ibid_segment_merge(in, (size_t)n, out, &o, &st);
        if (rc)
            fprintf(stderr, "merge_bench: merge: %s\n", ibid_strerror(rc));
    }
    if (rc == IBID_OK)
        report("merge", w0, c0, &st);
    atomic_store(&sampling, 0);
    for (int i = 0; i < n; i++)
        ibid_index_close(ix[i]);
    free(ix);
    free(in);
    return rc ? 1 : 0;
}

static int compare(const char *pa, const char *pb)
{
    ibid_index *a = NULL, *b = NULL;
    char err[256];
    if (ibid_index_open(pa, &a, err, sizeof err) || ibid_index_open(pb, &b, err, sizeof err)) {
        fprintf(stderr, "merge_bench: %s\n", err);
        return 2;
    }
    int same = 1;
    for (uint32_t id = 1; id <= IBID_SEC_COUNT; id++) {
        uint64_t len = a->sec[id].len;
        int eq = len == b->sec[id].len &&
                 (id == IBID_SEC_META ? memcmp(a->sec[id].p, b->sec[id].p, IBID_META_SEGMENT) == 0
                                      : len == 0 || memcmp(a->sec[id].p, b->sec[id].p, len) == 0);
        if (!eq) {
            printf("section %u differs (%llu and %llu bytes)\n", id, (unsigned long long)len,
                   (unsigned long long)b->sec[id].len);
            same = 0;
        }
    }
    int vrc = ibid_index_verify(b, err, sizeof err);
    printf("compare: %s; verify of %s: %s\n", same ? "every section identical" : "different", pb,
           vrc ? err : "ok");
    ibid_index_close(a);
    ibid_index_close(b);
    return same && !vrc ? 0 : 1;
}

int main(int argc, char **argv)
{
    pthread_t th;
    atomic_store(&sampling, 1);
    if (pthread_create(&th, NULL, sampler, NULL) == 0)
        pthread_detach(th);
    if (argc >= 5 && strcmp(argv[1], "build") == 0)
        return build(argv[2], argv[3], argv + 4, argc - 4);
    if (argc >= 5 && strcmp(argv[1], "merge") == 0 && strncmp(argv[2], "-t", 2) == 0)
        return merge(argv[3], argv + 4, argc - 4, atoi(argv[2] + 2));
    if (argc >= 4 && strcmp(argv[1], "merge") == 0)
        return merge(argv[2], argv + 3, argc - 3, 1);
    if (argc == 4 && strcmp(argv[1], "compare") == 0)
        return compare(argv[2], argv[3]);
    fprintf(stderr, "usage: merge_bench build OUT K/M PATH... | merge [-tN] OUT IN... | compare A B\n");
    return 2;
}
