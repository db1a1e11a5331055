/*
 * analyze_bench.c - throughput of the text analyzer (common/analyze.h) on a folder of texts.
 *
 * Reads every regular file under DIR into memory, then times, over the same bytes:
 *   baseline  the reference step of ../shared/docs/limits.md: ASCII letter runs, lower-cased,
 *             each distinct word stemmed once through a hash-table cache (our stem cache);
 *   scan      the token scanner alone (tokenize.h: pieces, no folding, no stemming);
 *   analyze   ibid_analyzer over each file, as the indexer uses it;
 * and prints MB/s of CPU time (1 MB = 10^6 bytes; the best of REPEAT runs), tokens and
 * distinct forms.  limits.md measured the
 * baseline at 158 MB/s on a machine of this kind; running both here removes the drift between
 * machines.  Not a test: nothing is asserted.
 *
 * Build by hand (Release flags, as the programs are built):
 *   cc -std=c11 -O2 -DNDEBUG -D_DEFAULT_SOURCE -Icommon bench/analyze_bench.c \
 *      common/analyze.c common/tokenize.c common/fold.c common/stem.c common/arena.c \
 *      common/status.c -lstemmer -lutf8proc -o /tmp/analyze_bench
 *   /tmp/analyze_bench ../shared/bench/gutenberg [REPEAT [baseline|scan|analyze]]
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "analyze.h"
#include "stem.h"
#include "tokenize.h"

typedef struct file_text {
    char *data;
    size_t len;
} file_text;

typedef struct corpus {
    file_text *files;
    size_t n, cap;
    size_t bytes;
} corpus;

static int read_file(const char *path, corpus *c)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return -1;
    }
    for (;;) {
        if (len == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                fclose(f);
                return -1;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        len += r;
        if (r == 0)
            break;
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        free(buf);
        return -1;
    }
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 64;
        file_text *nf = realloc(c->files, ncap * sizeof *nf);
        if (!nf) {
            free(buf);
            return -1;
        }
        c->files = nf;
        c->cap = ncap;
    }
    c->files[c->n++] = (file_text){buf, len};
    c->bytes += len;
    return 0;
}

static int read_tree(const char *dir, corpus *c)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path) {
            rc = -1;
            break;
        }
        struct stat st;
        if (stat(path, &st) != 0)
            rc = -1;
        else if (S_ISDIR(st.st_mode))
            rc = read_tree(path, c);
        else if (S_ISREG(st.st_mode))
            rc = read_file(path, c);
    }
    closedir(d);
    return rc;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: other processes do not count */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The limits.md reference step: ASCII letter runs, lower case, cached stem. */
static int baseline(const corpus *c, size_t *tokens, size_t *distinct)
{
    ibid_stem_cache *cache = ibid_stem_cache_new();
    if (!cache)
        return -1;
    size_t ntok = 0;
    char word[IBID_MAX_TERM + 1];
    for (size_t f = 0; f < c->n; f++) {
        const unsigned char *t = (const unsigned char *)c->files[f].data;
        size_t len = c->files[f].len, i = 0;
        while (i < len) {
            while (i < len && (unsigned)((t[i] | 0x20) - 'a') >= 26)
                i++;
            size_t k = 0;
            while (i < len && (unsigned)((t[i] | 0x20) - 'a') < 26) {
                if (k < IBID_MAX_TERM)
                    word[k] = (char)(t[i] | 0x20);
                k++;
                i++;
            }
            if (k == 0 || k > IBID_MAX_TERM)
                continue;
            size_t tl;
            if (!ibid_stem_cache_get(cache, word, k, &tl)) {
                ibid_stem_cache_free(cache);
                return -1;
            }
            ntok++;
        }
    }
    *tokens = ntok;
    *distinct = ibid_stem_cache_size(cache);
    ibid_stem_cache_free(cache);
    return 0;
}

/* The scanner alone. */
static size_t scan(const corpus *c)
{
    static ibid_scanner sc;
    size_t n = 0;
    ibid_piece p;
    for (size_t f = 0; f < c->n; f++) {
        ibid_scan_reset(&sc, c->files[f].data, c->files[f].len);
        while (ibid_scan_next(&sc, &p))
            n += p.len != 0;
    }
    return n;
}

static int analyze(const corpus *c, size_t *tokens, size_t *joined, unsigned long *checksum)
{
    ibid_analyzer *a = ibid_analyzer_new();
    if (!a)
        return -1;
    size_t ntok = 0, nj = 0;
    unsigned long sum = 0;
    for (size_t f = 0; f < c->n; f++) {
        ibid_analyzer_reset(a, c->files[f].data, c->files[f].len);
        ibid_token tok;
        int r;
        while ((r = ibid_analyzer_next(a, &tok)) == 1) {
            ntok++;
            nj += (tok.flags & IBID_TOK_JOINED) != 0;
            sum += tok.term_len + tok.pos;
        }
        if (r < 0) {
            ibid_analyzer_free(a);
            return -1;
        }
    }
    *tokens = ntok;
    *joined = nj;
    *checksum = sum;
    ibid_analyzer_free(a);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s DIR [REPEAT [baseline|scan|analyze]]\n", argv[0]);
        return 2;
    }
    int repeat = argc >= 3 ? atoi(argv[2]) : 3;
    const char *only = argc == 4 ? argv[3] : ""; /* one step only (for perf stat) */
    if (repeat < 1)
        repeat = 1;
    corpus c = {0};
    if (read_tree(argv[1], &c) != 0) {
        fprintf(stderr, "%s: cannot read %s: %s\n", argv[0], argv[1], strerror(errno));
        return 2;
    }
    printf("%zu files, %.1f MB\n", c.n, (double)c.bytes / 1e6);
    double best_base = 1e30, best_an = 1e30, best_scan = 1e30;
    size_t btok = 0, bdist = 0, atok = 0, ajoin = 0, pieces = 0;
    unsigned long sum = 0;
    for (int r = 0; r < repeat; r++) {
        double t0 = now();
        if ((!*only || !strcmp(only, "baseline")) && baseline(&c, &btok, &bdist) != 0) {
            fprintf(stderr, "%s: out of memory\n", argv[0]);
            return 2;
        }
        double t1 = now();
        if ((!*only || !strcmp(only, "analyze")) && analyze(&c, &atok, &ajoin, &sum) != 0) {
            fprintf(stderr, "%s: out of memory\n", argv[0]);
            return 2;
        }
        double t2 = now();
        if (!*only || !strcmp(only, "scan"))
            pieces = scan(&c);
        double t3 = now();
        if (t3 - t2 < best_scan)
            best_scan = t3 - t2;
        if (t1 - t0 < best_base)
            best_base = t1 - t0;
        if (t2 - t1 < best_an)
            best_an = t2 - t1;
    }
    printf("baseline: %6.1f MB/s  %.3f s  %zu tokens, %zu distinct words\n",
           (double)c.bytes / 1e6 / best_base, best_base, btok, bdist);
    printf("scan:     %6.1f MB/s  %.3f s  %zu pieces\n", (double)c.bytes / 1e6 / best_scan, best_scan, pieces);
    printf("analyze:  %6.1f MB/s  %.3f s  %zu tokens (%zu joined), checksum %lu\n",
           (double)c.bytes / 1e6 / best_an, best_an, atok, ajoin, sum);
    for (size_t f = 0; f < c.n; f++)
        free(c.files[f].data);
    free(c.files);
    return 0;
}
