/*
** peer_common.c: input, clocks, memory and statistics for the peer drivers.
**
** Reads ibid's passages (JSON Lines from `ibid-index --print-passages`,
** parsed with jansson) and `qid<TAB>query` files, and writes the measured
** figures as one JSON object.  See peer_common.h for the contract.
*/
#include "peer_common.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

static char *dup_str(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d == NULL)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static FILE *open_input(const char *path)
{
    if (strcmp(path, "-") == 0)
        return stdin;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
    return f;
}

static int close_input(FILE *f, const char *path)
{
    int bad = ferror(f);
    if (f != stdin && fclose(f) != 0)
        bad = 1;
    if (bad) {
        fprintf(stderr, "%s: read error\n", path);
        return -1;
    }
    return 0;
}

/* Makes the docid of passage object `o`: its `id`, else "file:line". */
static char *make_docid(json_t *o, const char *path, size_t lineno)
{
    json_t *id = json_object_get(o, "id");
    if (json_is_string(id))
        return dup_str(json_string_value(id), json_string_length(id));
    if (json_is_integer(id)) {
        char buf[32];
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
        return dup_str(buf, strlen(buf));
    }
    json_t *file = json_object_get(o, "file");
    json_t *line = json_object_get(o, "line");
    if (!json_is_string(file) || !json_is_integer(line)) {
        fprintf(stderr, "%s:%zu: passage without string `file` and integer `line`\n", path,
                lineno);
        return NULL;
    }
    char num[32];
    snprintf(num, sizeof num, ":%" JSON_INTEGER_FORMAT, json_integer_value(line));
    size_t fl = json_string_length(file), nl = strlen(num);
    char *d = malloc(fl + nl + 1);
    if (d == NULL)
        return NULL;
    memcpy(d, json_string_value(file), fl);
    memcpy(d + fl, num, nl + 1);
    return d;
}

int peer_passages_read(const char *path, peer_passages *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = open_input(path);
    if (f == NULL)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    size_t lineno = 0;
    int rc = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t n = (size_t)len;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n == 0)
            continue;
        json_error_t err;
        json_t *o = json_loadb(line, n, 0, &err);
        if (o == NULL || !json_is_object(o)) {
            fprintf(stderr, "%s:%zu: not a JSON object (%s)\n", path, lineno,
                    o ? "wrong type" : err.text);
            json_decref(o);
            rc = -1;
            break;
        }
        json_t *text = json_object_get(o, "text");
        if (!json_is_string(text)) {
            fprintf(stderr, "%s:%zu: passage without string `text`\n", path, lineno);
            json_decref(o);
            rc = -1;
            break;
        }
        if (out->count == out->cap) {
            size_t ncap = out->cap ? out->cap * 2 : 1024;
            peer_passage *ni = realloc(out->items, ncap * sizeof *ni);
            if (ni == NULL) {
                json_decref(o);
                fprintf(stderr, "out of memory\n");
                rc = -1;
                break;
            }
            out->items = ni;
            out->cap = ncap;
        }
        peer_passage *p = &out->items[out->count];
        p->text_len = json_string_length(text);
        p->text = dup_str(json_string_value(text), p->text_len);
        p->docid = p->text ? make_docid(o, path, lineno) : NULL;
        json_decref(o);
        if (p->text == NULL || p->docid == NULL) {
            free(p->text);
            free(p->docid);
            if (p->text != NULL)
                fprintf(stderr, "out of memory or bad passage\n");
            else
                fprintf(stderr, "out of memory\n");
            rc = -1;
            break;
        }
        out->count++;
        out->text_bytes += p->text_len;
    }
    free(line);
    if (close_input(f, path) != 0)
        rc = -1;
    if (rc != 0)
        peer_passages_free(out);
    return rc;
}

void peer_passages_free(peer_passages *p)
{
    for (size_t i = 0; i < p->count; i++) {
        free(p->items[i].docid);
        free(p->items[i].text);
    }
    free(p->items);
    memset(p, 0, sizeof *p);
}

int peer_queries_read(const char *path, peer_queries *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = open_input(path);
    if (f == NULL)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    size_t lineno = 0;
    int rc = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t n = (size_t)len;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        line[n] = '\0';
        if (n == 0)
            continue;
        if (out->count == out->cap) {
            size_t ncap = out->cap ? out->cap * 2 : 256;
            peer_query *ni = realloc(out->items, ncap * sizeof *ni);
            if (ni == NULL) {
                rc = -1;
                break;
            }
            out->items = ni;
            out->cap = ncap;
        }
        peer_query *q = &out->items[out->count];
        char *tab = strchr(line, '\t');
        if (tab != NULL && tab != line) {
            q->qid = dup_str(line, (size_t)(tab - line));
            q->query = dup_str(tab + 1, strlen(tab + 1));
        } else {
            char num[32];
            snprintf(num, sizeof num, "%zu", lineno);
            q->qid = dup_str(num, strlen(num));
            q->query = tab != NULL ? dup_str(tab + 1, strlen(tab + 1)) : dup_str(line, n);
        }
        if (q->qid == NULL || q->query == NULL) {
            free(q->qid);
            free(q->query);
            rc = -1;
            break;
        }
        out->count++;
    }
    free(line);
    if (rc != 0)
        fprintf(stderr, "%s: out of memory\n", path);
    if (close_input(f, path) != 0)
        rc = -1;
    if (rc != 0)
        peer_queries_free(out);
    return rc;
}

void peer_queries_free(peer_queries *q)
{
    for (size_t i = 0; i < q->count; i++) {
        free(q->items[i].qid);
        free(q->items[i].query);
    }
    free(q->items);
    memset(q, 0, sizeof *q);
}

double peer_wall_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double peer_cpu_now(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0.0;
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

long peer_peak_rss_kb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return ru.ru_maxrss;
}

long long peer_path_bytes(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return -1;
    if (S_ISREG(st.st_mode))
        return (long long)st.st_size;
    if (!S_ISDIR(st.st_mode))
        return 0;
    DIR *d = opendir(path);
    if (d == NULL)
        return -1;
    long long total = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char sub[PATH_MAX];
        int w = snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        if (w < 0 || (size_t)w >= sizeof sub) {
            total = -1;
            break;
        }
        long long b = peer_path_bytes(sub);
        if (b < 0) {
            total = -1;
            break;
        }
        total += b;
    }
    closedir(d);
    return total;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n). */
static double percentile(const double *v, size_t n, double p)
{
    if (n == 0)
        return 0.0;
    size_t r = (size_t)(p / 100.0 * (double)n + 0.999999999);
    if (r < 1)
        r = 1;
    if (r > n)
        r = n;
    return v[r - 1];
}

void peer_latency_summarize(double *ms, size_t n, peer_latency *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    if (n == 0)
        return;
    qsort(ms, n, sizeof *ms, cmp_double);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += ms[i];
    out->mean = sum / (double)n;
    out->p50 = percentile(ms, n, 50.0);
    out->p95 = percentile(ms, n, 95.0);
    out->p99 = percentile(ms, n, 99.0);
    out->max = ms[n - 1];
}

static void put_ll(FILE *f, const char *key, long long v, int comma)
{
    if (v < 0)
        fprintf(f, "\"%s\": null%s", key, comma ? ", " : "");
    else
        fprintf(f, "\"%s\": %lld%s", key, v, comma ? ", " : "");
}

int peer_stats_write(const peer_stats *s, const char *path)
{
    FILE *f = stderr;
    if (path != NULL) {
        f = fopen(path, "w");
        if (f == NULL) {
            fprintf(stderr, "%s: %s\n", path, strerror(errno));
            return -1;
        }
    }
    fprintf(f, "{\"engine\": \"%s\", \"passages\": %zu, \"text_bytes\": %" PRIu64 ", ", s->engine,
            s->passages, s->text_bytes);
    fprintf(f, "\"load_wall_s\": %.6f, \"index_wall_s\": %.6f, \"index_cpu_s\": %.6f, ",
            s->load_wall_s, s->index_wall_s, s->index_cpu_s);
    put_ll(f, "index_bytes", s->index_bytes, 1);
    put_ll(f, "index_bytes_no_text", s->index_bytes_no_text, 1);
    put_ll(f, "postings", s->postings, 1);
    put_ll(f, "peak_rss_kb", s->peak_rss_kb, 1);
    fprintf(f, "\"queries\": %zu, \"k\": %d, \"repeat\": %d, \"query_wall_s\": %.6f, ", s->queries,
            s->k, s->repeat, s->query_wall_s);
    fprintf(f,
            "\"latency_ms\": {\"n\": %zu, \"p50\": %.6f, \"p95\": %.6f, \"p99\": %.6f, "
            "\"mean\": %.6f, \"max\": %.6f}}\n",
            s->latency.n, s->latency.p50, s->latency.p95, s->latency.p99, s->latency.mean,
            s->latency.max);
    if (path != NULL) {
        if (fclose(f) != 0) {
            fprintf(stderr, "%s: write error\n", path);
            return -1;
        }
    } else {
        fflush(f);
    }
    return 0;
}

void peer_print_trec(const char *qid, const char *docid, int rank, double score,
                     const char *engine)
{
    printf("%s Q0 %s %d %.9g %s\n", qid, docid, rank, score, engine);
}

long peer_parse_long(const char *s)
{
    if (s == NULL || *s == '\0')
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v <= 0)
        return -1;
    return v;
}
