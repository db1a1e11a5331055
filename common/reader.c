/*
 * reader.c - opening one generation of an index and answering for all its segments (see
 * reader.h).
 */
#include "reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "manifest.h"
#include "status.h"

enum { OPEN_ATTEMPTS = 8 };

typedef struct seg {
    ibid_segment_view v;
    ibid_index *owned; /* NULL when borrowed (ibid_reader_wrap) */
    ibid_deletions del;
    int has_del;
    uint32_t *first, *key;
} seg;

struct ibid_reader {
    seg *segs;
    size_t nsegs;
    uint64_t generation;
    uint32_t live, limit;
    uint64_t tokens;
};

static void free_segs(ibid_reader *r)
{
    for (size_t i = 0; i < r->nsegs; i++) {
        ibid_index_close(r->segs[i].owned);
        ibid_deletions_free(&r->segs[i].del);
        free(r->segs[i].first);
        free(r->segs[i].key);
    }
    free(r->segs);
    r->segs = NULL;
    r->nsegs = 0;
}

void ibid_reader_close(ibid_reader *r)
{
    if (!r)
        return;
    free_segs(r);
    free(r);
}

static int fail(char *err, size_t errlen, int rc, const char *fmt, const char *a, const char *b)
{
    if (errlen) {
        snprintf(err, errlen, fmt, a, b);
    }
    return rc;
}

/* ---- tie-order keys ---- */

typedef struct file_ref {
    const char *path;
    uint32_t seg, file, first, count;
} file_ref;

static int cmp_file_ref(const void *a, const void *b)
{
    const file_ref *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (c)
        return c;
    return x->seg < y->seg ? -1 : x->seg > y->seg;
}

/* With several segments, every file's first passage gets the key that a full build of the live
   files would give it: its rank in (path, line) order among the live passages. */
static int make_keys(ibid_reader *r)
{
    if (r->nsegs < 2)
        return IBID_OK;
    size_t nf = 0;
    for (size_t i = 0; i < r->nsegs; i++)
        nf += ibid_index_file_count(r->segs[i].v.ix);
    file_ref *f = malloc((nf ? nf : 1) * sizeof *f);
    if (!f)
        return IBID_ENOMEM;
    size_t n = 0;
    int rc = IBID_OK;
    for (size_t i = 0; i < r->nsegs && rc == IBID_OK; i++) {
        seg *s = &r->segs[i];
        uint32_t cnt = ibid_index_file_count(s->v.ix);
        s->first = malloc((cnt ? cnt : 1) * sizeof *s->first);
        s->key = malloc((cnt ? cnt : 1) * sizeof *s->key);
        if (!s->first || !s->key) {
            rc = IBID_ENOMEM;
            break;
        }
        s->v.file_first = s->first;
        s->v.file_key = s->key;
        s->v.nfiles = cnt;
        for (uint32_t k = 0; k < cnt; k++) {
            ibid_file_info fi;
            if ((rc = ibid_index_file(s->v.ix, k, &fi)) < 0)
                break;
            s->first[k] = fi.first_passage;
            s->key[k] = UINT32_MAX; /* a deleted file: never asked */
            if (fi.passage_count && !(s->has_del && ibid_deletions_has(&s->del, fi.first_passage)))
                f[n++] = (file_ref){fi.path, (uint32_t)i, k, fi.first_passage, fi.passage_count};
        }
    }
    if (rc == IBID_OK) {
        qsort(f, n, sizeof *f, cmp_file_ref);
        uint32_t next = 0;
        for (size_t j = 0; j < n; j++) {
            r->segs[f[j].seg].key[f[j].file] = next;
            next += f[j].count;
        }
    }
    free(f);
    return rc == IBID_OK ? IBID_OK : rc;
}

uint32_t ibid_reader_key(const ibid_segment_view *v, uint32_t p)
{
    if (!v->file_first)
        return v->base + p;
    uint32_t lo = 0, hi = v->nfiles; /* the last file whose first passage is <= p */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v->file_first[mid] <= p)
            lo = mid;
        else
            hi = mid;
    }
    return v->nfiles ? v->file_key[lo] + (p - v->file_first[lo]) : p;
}

/* ---- opening ---- */

/* Fills bases and statistics once the segments are open. */
static int finish(ibid_reader *r, char *err, size_t errlen)
{
    uint64_t base = 0, live = 0;
    r->tokens = 0;
    for (size_t i = 0; i < r->nsegs; i++) {
        seg *s = &r->segs[i];
        uint32_t np = ibid_index_passage_count(s->v.ix);
        uint64_t tok = ibid_index_token_count(s->v.ix);
        s->v.base = (uint32_t)base;
        s->v.del = s->has_del ? &s->del : NULL;
        s->v.live = np - (s->has_del ? s->del.npids : 0);
        if (s->has_del && s->del.tokens > tok)
            return fail(err, errlen, IBID_ECORRUPT, "%s%s: deletions hold more tokens than the segment", "segment", "");
        base += np;
        live += s->v.live;
        r->tokens += tok - (s->has_del ? s->del.tokens : 0);
        if (base >= UINT32_MAX)
            return fail(err, errlen, IBID_ECORRUPT, "%s%s: more than 2^32 passages", "index", "");
    }
    r->limit = (uint32_t)base;
    r->live = (uint32_t)live;
    return make_keys(r);
}

static int open_manifest(ibid_reader *r, const char *path, char *err, size_t errlen, int *retry)
{
    ibid_manifest m;
    int rc = ibid_manifest_read(path, &m, err, errlen);
    if (rc != IBID_OK) {
        if (rc == IBID_ENOENT)
            *retry = 1; /* replaced by a standalone file meanwhile? look again */
        return rc;
    }
    ibid_buf name = {0};
    r->generation = m.generation;
    r->segs = calloc(m.nsegs ? m.nsegs : 1, sizeof *r->segs);
    if (!r->segs) {
        ibid_manifest_free(&m);
        return IBID_ENOMEM;
    }
    for (size_t i = 0; i < m.nsegs && rc == IBID_OK; i++) {
        const ibid_manifest_seg *ms = &m.segs[i];
        seg *s = &r->segs[i];
        r->nsegs = i + 1;
        s->v.id = ms->id;
        ibid_buf_clear(&name);
        if ((rc = ibid_segment_file_name(path, ms->id, &name)) < 0)
            break;
        rc = ibid_index_open(name.data, &s->owned, err, errlen);
        if (rc == IBID_ENOENT) {
            *retry = 1;
            if (errlen)
                snprintf(err, errlen, "%s: segment file missing", name.data);
            break;
        }
        if (rc < 0)
            break;
        s->v.ix = s->owned;
        if (ibid_index_passage_count(s->owned) != ms->passages) {
            rc = fail(err, errlen, IBID_ECORRUPT, "%s: %s", name.data, "passage count differs from the manifest");
            break;
        }
        if (ms->delgen == 0)
            continue;
        ibid_buf_clear(&name);
        if ((rc = ibid_deletion_file_name(path, ms->id, ms->delgen, &name)) < 0)
            break;
        rc = ibid_deletions_read(name.data, ms->passages, ibid_index_term_count(s->owned), &s->del, err, errlen);
        if (rc == IBID_ENOENT) {
            *retry = 1;
            if (errlen)
                snprintf(err, errlen, "%s: deletion file missing", name.data);
            break;
        }
        if (rc < 0)
            break;
        s->has_del = 1;
        if (s->del.npids != ms->deleted)
            rc = fail(err, errlen, IBID_ECORRUPT, "%s: %s", name.data, "deleted count differs from the manifest");
    }
    ibid_buf_free(&name);
    ibid_manifest_free(&m);
    return rc;
}

int ibid_reader_open(const char *path, ibid_reader **out, char *err, size_t errlen)
{
    *out = NULL;
    if (errlen)
        err[0] = '\0';
    ibid_reader *r = calloc(1, sizeof *r);
    if (!r)
        return IBID_ENOMEM;
    int rc = IBID_ENOENT;
    uint64_t missing_gen = 0; /* the generation whose file was missing on the last attempt */
    for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
        free_segs(r);
        r->generation = 0;
        if (errlen)
            err[0] = '\0';
        int kind = ibid_index_kind_of(path), retry = 0;
        if (kind < 0) {
            rc = kind;
            break;
        }
        if (kind == IBID_AT_NOTHING) {
            rc = IBID_ENOENT;
            break;
        }
        if (kind == IBID_AT_OTHER) {
            rc = fail(err, errlen, IBID_ECORRUPT, "%s%s: not an ibid index", path, "");
            break;
        }
        if (kind == IBID_AT_SEGMENT) {
            if (!(r->segs = calloc(1, sizeof *r->segs))) {
                rc = IBID_ENOMEM;
                break;
            }
            r->nsegs = 1;
            rc = ibid_index_open(path, &r->segs[0].owned, err, errlen);
            r->segs[0].v.ix = r->segs[0].owned;
            if (rc != IBID_OK) {
                r->nsegs = r->segs[0].owned ? 1 : 0;
                /* replaced by a manifest between the look and the open? */
                if (rc != IBID_ENOMEM && ibid_index_kind_of(path) == IBID_AT_MANIFEST)
                    continue;
            }
        } else {
            rc = open_manifest(r, path, err, errlen, &retry);
            if (retry && rc == IBID_ENOENT && r->generation && r->generation == missing_gen) {
                /* the same generation twice with a file missing: not a race but a damaged
                   index (err names the file) */
                rc = IBID_ECORRUPT;
                break;
            }
            if (retry) {
                missing_gen = r->generation;
                if (attempt + 1 == OPEN_ATTEMPTS)
                    rc = IBID_ECORRUPT; /* still racing after every attempt: give up, named */
                continue;
            }
        }
        if (rc == IBID_OK)
            rc = finish(r, err, errlen);
        break;
    }
    if (rc != IBID_OK) {
        ibid_reader_close(r);
        return rc;
    }
    *out = r;
    return IBID_OK;
}

int ibid_reader_wrap(const ibid_index *ix, ibid_reader **out)
{
    *out = NULL;
    ibid_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->segs = calloc(1, sizeof *r->segs))) {
        free(r);
        return IBID_ENOMEM;
    }
    r->nsegs = 1;
    r->segs[0].v.ix = ix;
    int rc = finish(r, NULL, 0);
    if (rc != IBID_OK) {
        ibid_reader_close(r);
        return rc;
    }
    *out = r;
    return IBID_OK;
}

/* ---- questions ---- */

size_t ibid_reader_segment_count(const ibid_reader *r) { return r->nsegs; }
const ibid_segment_view *ibid_reader_segment(const ibid_reader *r, size_t i)
{
    return i < r->nsegs ? &r->segs[i].v : NULL;
}
uint64_t ibid_reader_generation(const ibid_reader *r) { return r->generation; }
uint32_t ibid_reader_passage_count(const ibid_reader *r) { return r->live; }
uint64_t ibid_reader_token_count(const ibid_reader *r) { return r->tokens; }
uint32_t ibid_reader_id_limit(const ibid_reader *r) { return r->limit; }

double ibid_reader_avg_len(const ibid_reader *r)
{
    return r->live ? (double)r->tokens / (double)r->live : 0.0;
}

uint32_t ibid_reader_segment_df(const ibid_reader *r, size_t i, const ibid_term_info *t)
{
    const ibid_deletions *d = r->segs[i].v.del;
    uint32_t gone = d ? ibid_deletions_df(d, t->ordinal) : 0;
    return gone < t->df ? t->df - gone : 0;
}

int ibid_reader_df(const ibid_reader *r, const char *term, size_t len, uint32_t *df)
{
    uint64_t sum = 0;
    *df = 0;
    for (size_t i = 0; i < r->nsegs; i++) {
        ibid_term_info t;
        int found = ibid_index_lookup(r->segs[i].v.ix, term, len, &t);
        if (found < 0)
            return found;
        if (found)
            sum += ibid_reader_segment_df(r, i, &t);
    }
    *df = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
    return IBID_OK;
}

int ibid_reader_locate(const ibid_reader *r, uint32_t gid, size_t *segi, uint32_t *local)
{
    if (gid >= r->limit || r->nsegs == 0)
        return IBID_EINVAL;
    size_t lo = 0, hi = r->nsegs; /* the last segment whose base is <= gid */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->segs[mid].v.base <= gid)
            lo = mid;
        else
            hi = mid;
    }
    *segi = lo;
    *local = gid - r->segs[lo].v.base;
    return IBID_OK;
}

int ibid_reader_is_live(const ibid_reader *r, uint32_t gid)
{
    size_t i;
    uint32_t p;
    if (ibid_reader_locate(r, gid, &i, &p) != IBID_OK)
        return 0;
    return !(r->segs[i].v.del && ibid_deletions_has(r->segs[i].v.del, p));
}

int ibid_reader_get_passage(const ibid_reader *r, uint32_t gid, ibid_stored_passage *out)
{
    size_t i;
    uint32_t p;
    memset(out, 0, sizeof *out);
    if (ibid_reader_locate(r, gid, &i, &p) != IBID_OK)
        return IBID_EINVAL;
    int rc = ibid_index_get_passage(r->segs[i].v.ix, p, out);
    if (rc == IBID_OK)
        out->pid = gid;
    return rc;
}
