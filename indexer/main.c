/*
 * main.c - ibid-index: parse texts into passages and write the index (or print the passages).
 *
 *   ibid-index [-o INDEX] [options] PATH...      index files and folders (incrementally when
 *                                                INDEX exists: update.h does the work)
 *   ibid-index --print-passages PATH...          print the passages as JSON Lines, write nothing
 *   ibid-index --check [INDEX]                   verify every checksum of an index
 *
 * This file parses the options, takes the writer lock (index_lock.h) and reports.
 * Exit status, like grep: 0 when every input was read (warnings allowed), 1 when it finished
 * but skipped some input, 2 on an error (then no index is written and an old one is intact).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "diag.h"
#include "index.h"
#include "index_build.h"
#include "index_lock.h"
#include "parse.h"
#include "passage.h"
#include "source.h"
#include "status.h"
#include "synonyms_sidecar.h"
#include "update.h"

static const char usage[] =
    "usage: ibid-index [-o INDEX] [options] PATH...\n"
    "       ibid-index --print-passages PATH...\n"
    "       ibid-index --check [INDEX]\n"
    "       ibid-index [-o INDEX] --remove FILE... | --optimize\n"
    "\n"
    "Parse the texts under each PATH (files or folders, recursively) into passages -\n"
    "paragraphs, footnotes and bibliography entries, each with its citation - and write a\n"
    "compressed full-text index of them for ibid-search.  When INDEX exists it is updated:\n"
    "only new and changed files are parsed (size and mtime, then a content hash, tell), and\n"
    "the passages of changed files and of files gone from under the PATHs are dropped;\n"
    "files of the index outside this run's PATHs stay.\n"
    "\n"
    "  -o, --output INDEX   where to write the index (default: $IBID_INDEX, else\n"
    "                       " IBID_DEFAULT_INDEX ")\n"
    "      --print-passages print every passage as one JSON object a line; write no index\n"
    "      --format FMT     read every file as FMT: auto (default: detect from the content),\n"
    "                       pdftext (pdftotext -layout output), markdown, plain, jsonl\n"
    "      --check          verify INDEX (every checksum and structure) and exit\n"
    "      --full           rebuild INDEX from the PATHs alone (one file, no update)\n"
    "      --remove FILE    drop FILE's passages (its path as indexed; repeatable)\n"
    "      --optimize       merge the index into one file without deletions\n"
    "      --memory MB      memory budget of the inverter: past it, write a segment and\n"
    "                       go on, merged at the end (default 1024; 0: no budget)\n"
    "      --no-wait        when another ibid-index is updating INDEX, exit 2 at once\n"
    "                       instead of waiting for it\n"
    "      --level N        compression level of the passage store, 1-12 (default 6)\n"
    "      --threads N      1 or 2 (default: 2 on a machine with two or more processors):\n"
    "                       compress the passage store on a second thread while the first\n"
    "                       parses and inverts, and encode the postings on both at the end\n"
    "                       (the same index either way)\n"
    "  -q, --quiet          no progress and no summary line (warnings still go to stderr)\n"
    "  -h, --help           this help\n"
    "      --version        print the version\n"
    "\n"
    "Sidecar files are metadata, never texts: ibid-catalog.tsv (FILE<TAB>TITLE[<TAB>AUTHOR\n"
    "<TAB>YEAR] for the files of its folder) and any other name starting with \"ibid-\".\n"
    "Exit status: 0 all input read, 1 some input skipped (or a --remove FILE not in the\n"
    "index), 2 error (nothing written; the old index intact).\n";

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *default_index(void)
{
    const char *env = getenv("IBID_INDEX");
    return env && *env ? env : IBID_DEFAULT_INDEX;
}

static int check_index(const char *path)
{
    ibid_check_stats cs;
    char err[600] = "";
    int rc = ibid_update_check(path, &cs, err, sizeof err);
    if (rc != IBID_OK) {
        fprintf(stderr, "ibid-index: %s: %s\n", path, err[0] ? err : ibid_strerror(rc));
        return 2;
    }
    if (!cs.manifest)
        printf("%s: ok: %llu passages, %llu terms, %llu files\n", path, (unsigned long long)cs.passages,
               (unsigned long long)cs.terms, (unsigned long long)cs.files);
    else
        printf("%s: ok: generation %llu, %zu segments, %llu live passages, %llu deleted\n", path,
               (unsigned long long)cs.generation, cs.segments, (unsigned long long)(cs.passages - cs.deleted),
               (unsigned long long)cs.deleted);
    return 0;
}

/* Flushes buf to stdout; returns 0 or -1 after reporting a write error. */
static int flush_out(ibid_buf *buf)
{
    if (buf->len && fwrite(buf->data, 1, buf->len, stdout) != buf->len) {
        fprintf(stderr, "ibid-index: write error on standard output: %s\n", strerror(errno));
        return -1;
    }
    ibid_buf_clear(buf);
    return 0;
}

typedef struct progress {
    int on;
    double start, last;
} progress;

static void show_progress(progress *pg, size_t done, size_t total, uint64_t bytes, int final)
{
    if (!pg->on)
        return;
    double t = now_seconds();
    if (!final && t - pg->last < 0.2)
        return;
    pg->last = t;
    double mb = (double)bytes / 1e6, dt = t - pg->start;
    fprintf(stderr, "\ribid-index: %zu/%zu files, %.1f MB, %.1f MB/s   ", done, total, mb,
            dt > 0 ? mb / dt : 0.0);
    if (final)
        fputc('\n', stderr);
}

static void update_progress(void *ctx, size_t done, size_t total, uint64_t bytes)
{
    show_progress(ctx, done, total, bytes, 0);
}

/* --print-passages: parse every source and print its passages as JSON Lines. */
static int print_passages(char *const *paths, size_t npaths, ibid_format fmt)
{
    const ibid_diag *diag = &ibid_diag_stderr;
    ibid_source_list sources = {0};
    ibid_catalog catalog = {0};
    ibid_buf out = {0};
    int status = 0, skipped = 0;
    if (ibid_sources_collect(&sources, paths, npaths, diag) != IBID_OK)
        goto oom;
    skipped = sources.problems > 0;
    for (size_t i = 0; i < sources.ncatalogs; i++) {
        int rc = ibid_catalog_load(&catalog, sources.catalogs[i], diag);
        if (rc == IBID_ENOMEM)
            goto oom;
        if (rc != IBID_OK)
            skipped = 1;
    }
    for (size_t i = 0; i < sources.n && status == 0; i++) {
        const ibid_source *src = &sources.v[i];
        char *data = NULL;
        size_t len = 0;
        int from_pdf = 0;
        ibid_read_result rr = ibid_source_read_ex(src->path, &data, &len, &from_pdf, diag);
        if (rr == IBID_READ_NOMEM)
            goto oom;
        if (rr == IBID_READ_SKIPPED) {
            skipped = 1;
            continue;
        }
        const ibid_catalog_entry *ce = ibid_catalog_find(&catalog, src->path);
        ibid_parse_ctx ctx = {.file = src->path, .work = ce ? ce->title : NULL, .diag = diag};
        ibid_passage_list list = {0};
        int rc = ibid_parse(fmt == IBID_FMT_AUTO && from_pdf ? IBID_FMT_PDFTEXT : fmt, &ctx, data, len, &list);
        free(data);
        if (rc == IBID_OK) {
            ibid_passages_sort(&list);
            for (size_t k = 0; k < list.n && rc == IBID_OK; k++)
                rc = ibid_passage_json_line(&out, &list.v[k]);
            if (rc == IBID_OK && out.len >= (1u << 20) && flush_out(&out) != 0)
                status = 2;
        }
        ibid_passages_free(&list);
        if (rc == IBID_ENOMEM)
            goto oom;
        if (rc != IBID_OK) {
            fprintf(stderr, "ibid-index: %s: %s\n", src->path, ibid_strerror(rc));
            status = 2;
        }
    }
    if (status == 0 && (flush_out(&out) != 0 || fflush(stdout) != 0)) {
        if (errno)
            fprintf(stderr, "ibid-index: write error on standard output: %s\n", strerror(errno));
        status = 2;
    }
    goto done;
oom:
    fprintf(stderr, "ibid-index: out of memory\n");
    status = 2;
done:
    ibid_buf_free(&out);
    ibid_catalog_free(&catalog);
    ibid_sources_free(&sources);
    return status == 0 && skipped ? 1 : status;
}

/* Takes the writer lock of index: waits (saying so once) unless no_wait.  Returns 0 or the exit
   status. */
static int take_lock(const char *index, ibid_index_lock *lk, int no_wait, int quiet)
{
    long holder = 0;
    int rc = ibid_index_lock_try(index, lk, &holder);
    if (rc == IBID_OK)
        return 0;
    if (rc < 0) {
        fprintf(stderr, "ibid-index: %s: cannot write the index: cannot take its lock: %s\n", index,
                rc == IBID_EIO ? strerror(errno) : ibid_strerror(rc));
        return 2;
    }
    char who[48] = "";
    if (holder > 0)
        snprintf(who, sizeof who, " (pid %ld)", holder);
    if (no_wait) {
        fprintf(stderr, "ibid-index: %s is being updated by another ibid-index%s\n", index, who);
        ibid_index_lock_release(lk);
        return 2;
    }
    if (!quiet)
        fprintf(stderr, "ibid-index: waiting for another ibid-index%s updating %s...\n", who, index);
    if (ibid_index_lock_wait(lk) != IBID_OK) {
        fprintf(stderr, "ibid-index: %s: cannot take its lock: %s\n", index, strerror(errno));
        return 2;
    }
    return 0;
}

static void report(const char *output, const ibid_update_stats *st, double dt)
{
    if (st->full && !st->wrote)
        return; /* --remove on an index that does not exist: reported already */
    if (st->full) {
        fprintf(stderr,
                "ibid-index: %zu files, %llu passages, %u terms, %.2f MB index (%.0f%% of %.2f MB text), "
                "%.2f s (%.1f MB/s)%s -> %s\n",
                st->sources, (unsigned long long)st->live_passages, st->terms, (double)st->index_bytes / 1e6,
                st->bytes_read ? 100.0 * (double)st->index_bytes / (double)st->bytes_read : 0.0,
                (double)st->bytes_read / 1e6, dt, dt > 0 ? (double)st->bytes_read / 1e6 / dt : 0.0,
                st->runs ? ", runs merged under --memory" : "", output);
        return;
    }
    if (!st->wrote) {
        fprintf(stderr, "ibid-index: %s is up to date (%zu files unchanged)\n", output, st->unchanged);
        return;
    }
    fprintf(stderr,
            "ibid-index: %zu added, %zu changed, %zu removed, %zu unchanged files; %zu segment%s%s, "
            "%llu live passages, %.2f s -> %s\n",
            st->added, st->changed, st->removed, st->unchanged, st->segments, st->segments == 1 ? "" : "s",
            st->standalone ? " (one file)" : "", (unsigned long long)st->live_passages, dt, output);
}

/* glibc's malloc backs its heap with transparent huge pages only when the GLIBC_TUNABLES
   environment variable asks for it (glibc.malloc.hugetlb=1, glibc >= 2.35), and reads it at
   process start.  The inverter grows ~200 MB of small buffers on the heap: with huge pages
   indexing Gutenberg takes ~7,600 page faults instead of ~55,000 and 10-15% less CPU, the same
   bytes (docs/performance.md, "Session 3: final figures").  So ibid-index re-executes itself
   once with the setting added to the caller's tunables, unless they already name it or
   IBID_NO_HUGETLB is set (profilers that follow exec badly: valgrind).  When the exec fails the
   run goes on as it is, with the environment restored. */
static void reexec_with_huge_pages(char **argv)
{
    const char *old = getenv("GLIBC_TUNABLES");
    if (getenv("IBID_NO_HUGETLB") || (old && strstr(old, "glibc.malloc.hugetlb")))
        return;
    char *keep = old ? strdup(old) : NULL;
    if (old && !keep)
        return;
    char buf[4096];
    int n = snprintf(buf, sizeof buf, "%s%sglibc.malloc.hugetlb=1", keep ? keep : "", keep && *keep ? ":" : "");
    if (n > 0 && (size_t)n < sizeof buf && setenv("GLIBC_TUNABLES", buf, 1) == 0) {
        execv("/proc/self/exe", argv);
        if (keep)
            setenv("GLIBC_TUNABLES", keep, 1);
        else
            unsetenv("GLIBC_TUNABLES");
    }
    free(keep);
}

int main(int argc, char **argv)
{
    reexec_with_huge_pages(argv);
    ibid_diag_set_program("ibid-index");
    enum { OPT_PRINT = 256, OPT_FORMAT, OPT_CHECK, OPT_LEVEL, OPT_VERSION, OPT_THREADS, OPT_FULL,
           OPT_REMOVE, OPT_OPTIMIZE, OPT_MEMORY, OPT_NO_WAIT };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},   {"print-passages", no_argument, NULL, OPT_PRINT},
        {"format", required_argument, NULL, OPT_FORMAT}, {"check", no_argument, NULL, OPT_CHECK},
        {"level", required_argument, NULL, OPT_LEVEL}, {"quiet", no_argument, NULL, 'q'},
        {"threads", required_argument, NULL, OPT_THREADS}, {"full", no_argument, NULL, OPT_FULL},
        {"remove", required_argument, NULL, OPT_REMOVE}, {"optimize", no_argument, NULL, OPT_OPTIMIZE},
        {"memory", required_argument, NULL, OPT_MEMORY}, {"no-wait", no_argument, NULL, OPT_NO_WAIT},
        {"help", no_argument, NULL, 'h'},            {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0}};
    const char *output = NULL;
    int print = 0, check = 0, quiet = 0, level = 0, full = 0, optimize = 0, no_wait = 0, c;
    int threads = sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 2 : 1;
    long memory_mb = 1024;
    char **removes = calloc((size_t)argc + 1, sizeof *removes);
    size_t nremoves = 0;
    ibid_format fmt = IBID_FMT_AUTO;
    if (!removes) {
        fprintf(stderr, "ibid-index: out of memory\n");
        return 2;
    }
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage, stdout); free(removes); return 0;
        case OPT_PRINT: print = 1; break;
        case OPT_CHECK: check = 1; break;
        case OPT_FULL: full = 1; break;
        case OPT_OPTIMIZE: optimize = 1; break;
        case OPT_NO_WAIT: no_wait = 1; break;
        case OPT_REMOVE: ibid_path_normalize(optarg); removes[nremoves++] = optarg; break;
        case OPT_VERSION: printf("ibid-index %s\n", IBID_VERSION); free(removes); return 0;
        case OPT_FORMAT:
            if (ibid_format_parse(optarg, &fmt) != 0) {
                fprintf(stderr, "ibid-index: unknown format '%s' (auto, pdftext, markdown, plain, jsonl)\n", optarg);
                free(removes);
                return 2;
            }
            break;
        case OPT_LEVEL:
        case OPT_THREADS:
        case OPT_MEMORY: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (c == OPT_LEVEL && (*end || v < 1 || v > 12)) {
                fprintf(stderr, "ibid-index: --level wants a number from 1 to 12\n");
                free(removes);
                return 2;
            }
            if (c == OPT_THREADS && (*end || v < 1 || v > 2)) {
                fprintf(stderr, "ibid-index: --threads wants 1 or 2\n");
                free(removes);
                return 2;
            }
            if (c == OPT_MEMORY && (*end || end == optarg || v < 0 || v > 1048576)) {
                fprintf(stderr, "ibid-index: --memory wants megabytes, 0 (no budget) to 1048576\n");
                free(removes);
                return 2;
            }
            if (c == OPT_LEVEL)
                level = (int)v;
            else if (c == OPT_THREADS)
                threads = (int)v;
            else
                memory_mb = v;
            break;
        }
        default: fputs("Try 'ibid-index --help'.\n", stderr); free(removes); return 2;
        }
    }
    int status = 2;
    if (check) {
        if (argc - optind > 1)
            fprintf(stderr, "ibid-index: --check takes one INDEX\n");
        else
            status = check_index(optind < argc ? argv[optind] : output ? output : default_index());
        free(removes);
        return status;
    }
    if (optind >= argc && !(!print && !full && (nremoves || optimize))) {
        fputs("ibid-index: no PATH given: which texts should be indexed? (e.g. ibid-index corpus/)\n"
              "Try 'ibid-index --help'.\n", stderr);
        free(removes);
        return 2;
    }
    /* A PATH argument that does not exist is a mistake in the command, not input to skip:
       writing an index without it would silently drop a whole shelf (or, in an update, every
       file of the index under it). */
    for (int i = optind; i < argc; i++)
        ibid_path_normalize(argv[i]); /* one spelling per file: ./corpus/ is corpus */
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "ibid-index: %s: %s\n", argv[i], strerror(errno));
            free(removes);
            return 2;
        }
    }
    if (print) {
        status = print_passages(argv + optind, (size_t)(argc - optind), fmt);
        free(removes);
        return status;
    }
    if (!output)
        output = default_index();

    double t0 = now_seconds();
    ibid_index_lock lock = {-1};
    if ((status = take_lock(output, &lock, no_wait, quiet)) != 0) {
        free(removes);
        return status;
    }
    progress pg = {.on = !quiet && isatty(2), .start = now_seconds(), .last = 0};
    ibid_update_opts uo = {
        .index_path = output, .paths = argv + optind, .npaths = (size_t)(argc - optind),
        .removes = removes, .nremoves = nremoves, .full = full, .optimize = optimize,
        .memory = (uint64_t)memory_mb << 20, .fmt = fmt, .level = level, .threads = threads,
        .diag = &ibid_diag_stderr, .progress = update_progress, .progress_ctx = &pg};
    ibid_update_stats st;
    int rc = ibid_update_run(&uo, &st);
    if (pg.on && st.sources)
        show_progress(&pg, st.sources, st.sources, st.bytes_read, 1);
    if (rc == IBID_ENOMEM)
        fprintf(stderr, "ibid-index: out of memory\n");
    if (rc != IBID_OK)
        status = 2;
    else {
        if (!quiet)
            report(output, &st, now_seconds() - t0);
        status = st.skipped || st.not_held ? 1 : 0;
    }
    ibid_index_lock_release(&lock);
    free(removes);
    return status;
}
