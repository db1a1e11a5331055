/*
 * deletions.c - computing, reading and writing a segment's deletions (see deletions.h).
 *
 * Computing walks the whole dictionary once: for each term, its cursor jumps (with the skip
 * data) to each run of consecutive deleted pids and counts the postings inside.  Deletions
 * come whole files at a time, so the runs are few and the walk costs about one skip lookup
 * per term and file.
 */
#include "deletions.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic_file.h"
#include "buf.h"
#include "crc32.h"
#include "index_format.h"
#include "status.h"

enum { DEL_HEADER = 32 };
static const char del_magic[8] = "IBIDDEL";

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int make_bitmap(ibid_deletions *d)
{
    d->bitmap = calloc((size_t)d->passages / 8 + 1, 1);
    if (!d->bitmap)
        return IBID_ENOMEM;
    for (uint32_t i = 0; i < d->npids; i++)
        d->bitmap[d->pids[i] >> 3] |= (uint8_t)(1u << (d->pids[i] & 7));
    return IBID_OK;
}

typedef struct walk {
    const ibid_index *ix;
    const uint32_t *run_lo, *run_hi; /* runs [lo, hi] of deleted pids */
    size_t nruns;
    ibid_buf terms;
    uint32_t nterms;
    int rc;
} walk;

static int count_term(void *ctx, const char *term, size_t len, const ibid_term_info *t)
{
    (void)term;
    (void)len;
    walk *w = ctx;
    ibid_postings *p;
    int rc = ibid_postings_open(w->ix, t, 0, &p);
    if (rc < 0) {
        w->rc = rc;
        return 1;
    }
    uint32_t df = 0;
    for (size_t r = 0; r < w->nruns && rc == IBID_OK; r++) {
        if ((rc = ibid_postings_advance(p, w->run_lo[r])) < 0)
            break;
        while (ibid_postings_doc(p) <= w->run_hi[r]) {
            df++;
            if ((rc = ibid_postings_next(p)) < 0)
                break;
        }
        if (ibid_postings_doc(p) == IBID_NO_DOC)
            break;
    }
    ibid_postings_close(p);
    if (rc < 0) {
        w->rc = rc;
        return 1;
    }
    if (df) {
        ibid_del_term e = {t->ordinal, df};
        if (ibid_buf_put(&w->terms, &e, sizeof e) < 0) {
            w->rc = IBID_ENOMEM;
            return 1;
        }
        w->nterms++;
    }
    return 0;
}

int ibid_deletions_compute(const ibid_index *ix, const uint32_t *pids, size_t n, ibid_deletions *out)
{
    memset(out, 0, sizeof *out);
    uint32_t np = ibid_index_passage_count(ix);
    out->passages = np;
    uint32_t *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return IBID_ENOMEM;
    memcpy(v, pids, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_u32);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] >= np) {
            free(v);
            return IBID_EINVAL;
        }
        if (m == 0 || v[m - 1] != v[i])
            v[m++] = v[i];
    }
    out->pids = v;
    out->npids = (uint32_t)m;
    for (size_t i = 0; i < m; i++)
        out->tokens += ibid_index_passage_len(ix, v[i]);
    /* runs of consecutive pids */
    size_t nruns = 0;
    for (size_t i = 0; i < m; i++)
        if (i == 0 || v[i] != v[i - 1] + 1)
            nruns++;
    uint32_t *lo = malloc((nruns ? nruns : 1) * sizeof *lo), *hi = malloc((nruns ? nruns : 1) * sizeof *hi);
    int rc = IBID_ENOMEM;
    if (lo && hi) {
        size_t r = 0;
        for (size_t i = 0; i < m; i++) {
            if (i == 0 || v[i] != v[i - 1] + 1)
                lo[r++] = v[i];
            hi[r - 1] = v[i];
        }
        walk w = {ix, lo, hi, nruns, {0}, 0, IBID_OK};
        rc = nruns ? ibid_index_each_term(ix, count_term, &w) : 0;
        if (rc > 0 || w.rc < 0)
            rc = w.rc;
        if (rc == IBID_OK) {
            out->terms = (ibid_del_term *)w.terms.data; /* taken over from the buffer */
            out->nterms = w.nterms;
            w.terms.data = NULL;
            rc = make_bitmap(out);
        }
        ibid_buf_free(&w.terms);
    }
    free(lo);
    free(hi);
    if (rc != IBID_OK)
        ibid_deletions_free(out);
    return rc;
}

static int del_corrupt(char *err, size_t errlen, const char *path, const char *why)
{
    if (errlen)
        snprintf(err, errlen, "%s: %s", path, why);
    return IBID_ECORRUPT;
}

int ibid_deletions_read(const char *path, uint32_t passages, uint32_t terms, ibid_deletions *out,
                        char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->passages = passages;
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? IBID_ENOENT : IBID_EIO;
    uint8_t h[DEL_HEADER];
    if (fread(h, 1, sizeof h, f) != sizeof h) {
        int e = ferror(f);
        fclose(f);
        return e ? IBID_EIO : del_corrupt(err, errlen, path, "truncated deletion file");
    }
    uint32_t npids = ibid_le32(h + 12), nterms = ibid_le32(h + 24);
    if (memcmp(h, del_magic, 8) != 0 || ibid_le32(h + 8) != 1 || ibid_le32(h + 28) != passages ||
        npids > passages || nterms > terms) {
        fclose(f);
        return del_corrupt(err, errlen, path, "not a deletion file of this segment");
    }
    size_t body = (size_t)npids * 4 + (size_t)nterms * 8 + 4;
    struct stat st; /* the counts are not checked by the crc yet: the size must agree first */
    if (fstat(fileno(f), &st) != 0 || (uint64_t)st.st_size != DEL_HEADER + (uint64_t)body) {
        fclose(f);
        return del_corrupt(err, errlen, path, "deletion file of the wrong length");
    }
    uint8_t *b = malloc(body);
    if (!b) {
        fclose(f);
        return IBID_ENOMEM;
    }
    size_t got = fread(b, 1, body, f);
    int extra = got == body && fgetc(f) != EOF, ferr = ferror(f);
    fclose(f);
    int rc = IBID_OK;
    if (ferr)
        rc = IBID_EIO;
    else if (got != body || extra)
        rc = del_corrupt(err, errlen, path, "deletion file of the wrong length");
    else {
        uint32_t c = ibid_crc32(ibid_crc32(0, h, sizeof h), b, body - 4);
        if (c != ibid_le32(b + body - 4))
            rc = del_corrupt(err, errlen, path, "deletion file checksum mismatch");
    }
    if (rc == IBID_OK) {
        out->pids = malloc(((size_t)npids ? npids : 1) * sizeof *out->pids);
        out->terms = malloc(((size_t)nterms ? nterms : 1) * sizeof *out->terms);
        if (!out->pids || !out->terms)
            rc = IBID_ENOMEM;
    }
    for (uint32_t i = 0; rc == IBID_OK && i < npids; i++) {
        out->pids[i] = ibid_le32(b + 4 * (size_t)i);
        if (out->pids[i] >= passages || (i && out->pids[i] <= out->pids[i - 1]))
            rc = del_corrupt(err, errlen, path, "deleted passages out of order");
    }
    const uint8_t *t = b + 4 * (size_t)npids;
    for (uint32_t i = 0; rc == IBID_OK && i < nterms; i++) {
        out->terms[i].ordinal = ibid_le32(t + 8 * (size_t)i);
        out->terms[i].df = ibid_le32(t + 8 * (size_t)i + 4);
        if (out->terms[i].ordinal >= terms || out->terms[i].df == 0 || out->terms[i].df > npids ||
            (i && out->terms[i].ordinal <= out->terms[i - 1].ordinal))
            rc = del_corrupt(err, errlen, path, "deleted term counts out of order");
    }
    free(b);
    out->npids = npids;
    out->nterms = nterms;
    out->tokens = ibid_le64(h + 16);
    if (rc == IBID_OK)
        rc = make_bitmap(out);
    if (rc != IBID_OK)
        ibid_deletions_free(out);
    return rc;
}

int ibid_deletions_write(const char *path, const ibid_deletions *d)
{
    ibid_buf b = {0};
    uint8_t h[DEL_HEADER] = {0};
    memcpy(h, del_magic, 8);
    ibid_st32(h + 8, 1);
    ibid_st32(h + 12, d->npids);
    ibid_st64(h + 16, d->tokens);
    ibid_st32(h + 24, d->nterms);
    ibid_st32(h + 28, d->passages);
    int oom = ibid_buf_put(&b, h, sizeof h);
    for (uint32_t i = 0; i < d->npids && !oom; i++)
        oom = ibid_buf_put_u32(&b, d->pids[i]);
    for (uint32_t i = 0; i < d->nterms && !oom; i++)
        oom = ibid_buf_put_u32(&b, d->terms[i].ordinal) || ibid_buf_put_u32(&b, d->terms[i].df);
    if (!oom)
        oom = ibid_buf_put_u32(&b, ibid_crc32(0, b.data, b.len));
    int rc = oom ? IBID_ENOMEM : ibid_atomic_write(path, b.data, b.len);
    ibid_buf_free(&b);
    return rc;
}

uint32_t ibid_deletions_df(const ibid_deletions *d, uint32_t ordinal)
{
    size_t lo = 0, hi = d->nterms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->terms[mid].ordinal < ordinal)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->nterms && d->terms[lo].ordinal == ordinal ? d->terms[lo].df : 0;
}

void ibid_deletions_free(ibid_deletions *d)
{
    free(d->pids);
    free(d->terms);
    free(d->bitmap);
    memset(d, 0, sizeof *d);
}
