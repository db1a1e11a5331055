/*
 * main.c - ibid-index: parse texts into passages and write the index (or print the passages).
 *
 *   ibid-index [-o INDEX] [options] PATH...      index files and folders
 *   ibid-index --print-passages PATH...          print the passages as JSON Lines, write nothing
 *   ibid-index --check [INDEX]                   verify every checksum of an index
 *
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
#include "parse.h"
#include "passage.h"
#include "source.h"
#include "status.h"
#include "synonyms_sidecar.h"

static const char usage[] =
    "usage: ibid-index [-o INDEX] [options] PATH...\n"
    "       ibid-index --print-passages PATH...\n"
    "       ibid-index --check [INDEX]\n"
    "\n"
    "Parse the texts under each PATH (files or folders, recursively) into passages -\n"
    "paragraphs, footnotes and bibliography entries, each with its citation - and write a\n"
    "compressed full-text index of them for ibid-search.\n"
    "\n"
    "  -o, --output INDEX   where to write the index (default: $IBID_INDEX, else\n"
    "                       " IBID_DEFAULT_INDEX ")\n"
    "      --print-passages print every passage as one JSON object a line; write no index\n"
    "      --format FMT     read every file as FMT: auto (default: detect from the content),\n"
    "                       pdftext (pdftotext -layout output), markdown, plain, jsonl\n"
    "      --check          verify INDEX (every checksum and structure) and exit\n"
    "      --level N        compression level of the passage store, 1-12 (default 6)\n"
    "      --threads N      1 (default) or 2: compress the passage store on a second thread\n"
    "                       while the first parses and inverts (the same index either way)\n"
    "  -q, --quiet          no progress and no summary line (warnings still go to stderr)\n"
    "  -h, --help           this help\n"
    "      --version        print the version\n"
    "\n"
    "Sidecar files are metadata, never texts: ibid-catalog.tsv (FILE<TAB>TITLE[<TAB>AUTHOR\n"
    "<TAB>YEAR] for the files of its folder) and any other name starting with \"ibid-\".\n"
    "Exit status: 0 all input read, 1 some input skipped, 2 error (nothing written).\n";

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
    ibid_index *ix = NULL;
    char err[512] = "";
    int rc = ibid_index_open(path, &ix, err, sizeof err);
    if (rc != IBID_OK) {
        fprintf(stderr, "ibid-index: %s: %s\n", path, err[0] ? err : ibid_strerror(rc));
        return 2;
    }
    rc = ibid_index_verify(ix, err, sizeof err);
    if (rc != IBID_OK) {
        fprintf(stderr, "ibid-index: %s: %s\n", path, err[0] ? err : ibid_strerror(rc));
        ibid_index_close(ix);
        return 2;
    }
    printf("%s: ok: %u passages, %u terms, %u files\n", path, ibid_index_passage_count(ix),
           ibid_index_term_count(ix), ibid_index_file_count(ix));
    ibid_index_close(ix);
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

int main(int argc, char **argv)
{
    ibid_diag_set_program("ibid-index");
    enum { OPT_PRINT = 256, OPT_FORMAT, OPT_CHECK, OPT_LEVEL, OPT_VERSION, OPT_THREADS };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},   {"print-passages", no_argument, NULL, OPT_PRINT},
        {"format", required_argument, NULL, OPT_FORMAT}, {"check", no_argument, NULL, OPT_CHECK},
        {"level", required_argument, NULL, OPT_LEVEL}, {"quiet", no_argument, NULL, 'q'},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"help", no_argument, NULL, 'h'},            {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0}};
    const char *output = NULL;
    int print = 0, check = 0, quiet = 0, level = 0, threads = 1, c;
    ibid_format fmt = IBID_FMT_AUTO;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        case OPT_PRINT: print = 1; break;
        case OPT_CHECK: check = 1; break;
        case OPT_VERSION: printf("ibid-index %s\n", IBID_VERSION); return 0;
        case OPT_FORMAT:
            if (ibid_format_parse(optarg, &fmt) != 0) {
                fprintf(stderr, "ibid-index: unknown format '%s' (auto, pdftext, markdown, plain, jsonl)\n", optarg);
                return 2;
            }
            break;
        case OPT_LEVEL: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 12) {
                fprintf(stderr, "ibid-index: --level wants a number from 1 to 12\n");
                return 2;
            }
            level = (int)v;
            break;
        }
        case OPT_THREADS: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 2) {
                fprintf(stderr, "ibid-index: --threads wants 1 or 2\n");
                return 2;
            }
            threads = (int)v;
            break;
        }
        default: fputs("Try 'ibid-index --help'.\n", stderr); return 2;
        }
    }
    if (check) {
        if (argc - optind > 1) {
            fprintf(stderr, "ibid-index: --check takes one INDEX\n");
            return 2;
        }
        return check_index(optind < argc ? argv[optind] : output ? output : default_index());
    }
    if (optind >= argc) {
        fputs("ibid-index: no PATH given: which texts should be indexed? (e.g. ibid-index corpus/)\n"
              "Try 'ibid-index --help'.\n", stderr);
        return 2;
    }
    if (!output)
        output = default_index();

    /* A PATH argument that does not exist is a mistake in the command, not input to skip:
       writing an index without it would silently drop a whole shelf. */
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "ibid-index: %s: %s\n", argv[i], strerror(errno));
            return 2;
        }
    }

    double t0 = now_seconds();
    const ibid_diag *diag = &ibid_diag_stderr;
    ibid_source_list sources = {0};
    ibid_catalog catalog = {0};
    ibid_builder *builder = NULL;
    ibid_buf out = {0};
    int status = 0, skipped = 0;
    uint64_t bytes_read = 0;
    size_t npassages = 0, nread = 0;

    if (ibid_sources_collect(&sources, argv + optind, (size_t)(argc - optind), diag) != IBID_OK)
        goto oom;
    skipped = sources.problems > 0;
    for (size_t i = 0; i < sources.ncatalogs; i++) {
        int rc = ibid_catalog_load(&catalog, sources.catalogs[i], diag);
        if (rc == IBID_ENOMEM)
            goto oom;
        if (rc != IBID_OK)
            skipped = 1;
    }
    if (!print) {
        ibid_build_opts opts = {.level = level, .diag = diag, .threads = threads};
        if (!(builder = ibid_builder_new(&opts)))
            goto oom;
    }
    progress pg = {.on = !quiet && !print && isatty(2), .start = t0, .last = 0};
    for (size_t i = 0; i < sources.n; i++) {
        const ibid_source *src = &sources.v[i];
        char *data = NULL;
        size_t len = 0;
        ibid_read_result rr = ibid_source_read(src->path, &data, &len, diag);
        if (rr == IBID_READ_NOMEM)
            goto oom;
        if (rr == IBID_READ_SKIPPED) {
            skipped = 1;
            continue;
        }
        bytes_read += len;
        nread++;
        const ibid_catalog_entry *ce = ibid_catalog_find(&catalog, src->path);
        ibid_parse_ctx ctx = {.file = src->path, .work = ce ? ce->title : NULL, .diag = diag};
        ibid_passage_list list = {0};
        int rc = ibid_parse(fmt, &ctx, data, len, &list);
        free(data);
        if (rc == IBID_OK) {
            ibid_passages_sort(&list);
            npassages += list.n;
            if (print) {
                for (size_t k = 0; k < list.n && rc == IBID_OK; k++)
                    rc = ibid_passage_json_line(&out, &list.v[k]);
                if (rc == IBID_OK && out.len >= (1u << 20) && flush_out(&out) != 0)
                    status = 2;
            } else {
                rc = ibid_builder_add_file(builder, src->path, src->size, src->mtime, &list);
            }
        }
        ibid_passages_free(&list);
        if (rc == IBID_ENOMEM)
            goto oom;
        if (rc != IBID_OK) {
            fprintf(stderr, "ibid-index: %s: %s\n", src->path, ibid_strerror(rc));
            status = 2;
        }
        if (status == 2)
            goto done;
        show_progress(&pg, i + 1, sources.n, bytes_read, 0);
    }
    show_progress(&pg, sources.n, sources.n, bytes_read, 1);
    if (print) {
        if (flush_out(&out) != 0 || fflush(stdout) != 0) {
            if (errno)
                fprintf(stderr, "ibid-index: write error on standard output: %s\n", strerror(errno));
            status = 2;
        }
        goto done;
    }
    if (nread == 0 && skipped) {
        /* every input was unreadable: replacing INDEX with an empty index would lose it */
        fprintf(stderr, "ibid-index: no input could be read; %s left as it was\n", output);
        status = 2;
        goto done;
    }
    {
        ibid_build_stats st = {0};
        int rc = ibid_builder_write(builder, output, &st);
        if (rc != IBID_OK) {
            fprintf(stderr, "ibid-index: %s: cannot write the index: %s%s%s\n", output, ibid_strerror(rc),
                    rc == IBID_EIO ? ": " : "", rc == IBID_EIO ? strerror(errno) : "");
            status = 2;
            goto done;
        }
        /* Variant names travel with the index (INDEX.synonyms), so a search from any folder
           finds them; see docs/search-quality.md. */
        rc = ibid_synonyms_sidecar_write(output, &sources, diag);
        if (rc != IBID_OK) {
            fprintf(stderr, "ibid-index: %s%s: cannot write the synonyms: %s%s%s\n", output,
                    IBID_SYNONYMS_SIDECAR_SUFFIX, ibid_strerror(rc), rc == IBID_EIO ? ": " : "",
                    rc == IBID_EIO ? strerror(errno) : "");
            status = 2;
            goto done;
        }
        if (!quiet) {
            double dt = now_seconds() - t0;
            fprintf(stderr,
                    "ibid-index: %zu files, %u passages, %u terms, %.2f MB index (%.0f%% of %.2f MB text), "
                    "%.2f s (%.1f MB/s) -> %s\n",
                    sources.n, st.passages, st.terms, (double)st.index_bytes / 1e6,
                    bytes_read ? 100.0 * (double)st.index_bytes / (double)bytes_read : 0.0,
                    (double)bytes_read / 1e6, dt, dt > 0 ? (double)bytes_read / 1e6 / dt : 0.0, output);
        }
    }
    (void)npassages;
    goto done;
oom:
    fprintf(stderr, "ibid-index: out of memory\n");
    status = 2;
done:
    ibid_builder_free(builder);
    ibid_buf_free(&out);
    ibid_catalog_free(&catalog);
    ibid_sources_free(&sources);
    if (status == 0 && skipped)
        status = 1;
    return status;
}
