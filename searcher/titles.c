/*
 * titles.c - the title field (see titles.h).
 *
 * Building: every work name (and, with IBID_TITLES_CHAPTERS, every chapter name) is cut once;
 * its distinct stems go into one list of (stem hash, owner) entries, owner = work id or
 * nworks + chapter id, sorted by hash.  A walk over the index's runs of works and of chapters
 * (ibid_index_title_run: no passage decoded) cuts the id space into runs of consecutive
 * passages with the same work and chapter; each run is recorded for its work and for its
 * chapter (run lists indexed by owner, in CSR form).  A lookup finds the owners of a stem (comparing the stem
 * itself, not only its hash), gathers their runs, sorts and merges them.
 *
 * The scorer walks the runs; its score is a constant, so max_score is exact.
 */
#include "titles.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "status.h"

typedef struct owner_stem {
    uint64_t hash;
    const char *stem; /* in the arena */
    uint32_t owner;   /* work id, or chapter id + nworks */
} owner_stem;

struct ibid_titles {
    ibid_arena arena;
    owner_stem *os;
    size_t nos;
    uint32_t nowners;       /* works + chapters */
    size_t *run_first;      /* runs of owner o: runs[run_first[o] .. run_first[o + 1]) */
    ibid_pid_run *runs;
};

static uint64_t hash_stem(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int cmp_os(const void *a, const void *b)
{
    const owner_stem *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    int c = strcmp(x->stem, y->stem);
    if (c)
        return c;
    return x->owner < y->owner ? -1 : x->owner > y->owner;
}

/* Adds the distinct stems of name for owner. */
static int add_name(ibid_titles *t, ibid_analyzer *an, const char *name, uint32_t owner, size_t *cap)
{
    if (!name)
        return IBID_OK;
    ibid_analyzer_reset(an, name, strlen(name));
    size_t first = t->nos;
    for (;;) {
        ibid_token tok;
        int r = ibid_analyzer_next(an, &tok);
        if (r < 0)
            return r;
        if (r == 0)
            return IBID_OK;
        int dup = 0;
        for (size_t i = first; i < t->nos && !dup; i++)
            dup = strlen(t->os[i].stem) == tok.term_len && memcmp(t->os[i].stem, tok.term, tok.term_len) == 0;
        if (dup)
            continue;
        if (t->nos == *cap) {
            size_t nc = *cap ? *cap * 2 : 256;
            owner_stem *v = realloc(t->os, nc * sizeof *v);
            if (!v)
                return IBID_ENOMEM;
            t->os = v;
            *cap = nc;
        }
        const char *s = ibid_arena_strndup(&t->arena, tok.term, tok.term_len);
        if (!s)
            return IBID_ENOMEM;
        t->os[t->nos++] = (owner_stem){hash_stem(tok.term, tok.term_len), s, owner};
    }
}

int ibid_titles_build(const ibid_index *ix, ibid_analyzer *an, unsigned flags, ibid_titles **out)
{
    *out = NULL;
    ibid_titles *t = calloc(1, sizeof *t);
    if (!t)
        return IBID_ENOMEM;
    uint32_t nw = ibid_index_work_count(ix), nc = ibid_index_chapter_count(ix);
    uint32_t np = ibid_index_passage_count(ix);
    size_t cap = 0, *count = NULL;
    ibid_pid_run *seg = NULL; /* runs with their owners: first pass */
    uint32_t *seg_w = NULL, *seg_c = NULL;
    size_t nseg = 0, capseg = 0;
    int rc = IBID_OK;
    t->nowners = nw + nc;
    for (uint32_t w = 0; w < nw && rc == IBID_OK; w++)
        rc = add_name(t, an, ibid_index_work_name(ix, w), w, &cap);
    for (uint32_t c = 0; c < nc && rc == IBID_OK && (flags & IBID_TITLES_CHAPTERS); c++)
        rc = add_name(t, an, ibid_index_chapter_name(ix, c), nw + c, &cap);
    if (rc == IBID_OK && t->nos > 1)
        qsort(t->os, t->nos, sizeof *t->os, cmp_os);
    /* runs of consecutive passages with the same work and chapter (the index's runs of works
       and of chapters, cut where either changes) */
    for (uint32_t p = 0, next = 0; p < np && rc == IBID_OK; p = next) {
        ibid_passage_meta m;
        if ((rc = ibid_index_title_run(ix, p, &m.work_id, &m.chapter_id, &next)) < 0)
            break;
        if (nseg && seg[nseg - 1].last + 1 == p && seg_w[nseg - 1] == m.work_id && seg_c[nseg - 1] == m.chapter_id) {
            seg[nseg - 1].last = next - 1;
            continue;
        }
        if (nseg == capseg) {
            size_t ncap = capseg ? capseg * 2 : 256;
            ibid_pid_run *a = realloc(seg, ncap * sizeof *a);
            if (a)
                seg = a;
            uint32_t *b = a ? realloc(seg_w, ncap * sizeof *b) : NULL;
            if (b)
                seg_w = b;
            uint32_t *c = b ? realloc(seg_c, ncap * sizeof *c) : NULL;
            if (!c) {
                rc = IBID_ENOMEM;
                break;
            }
            seg_c = c;
            capseg = ncap;
        }
        seg[nseg] = (ibid_pid_run){p, next - 1};
        seg_w[nseg] = m.work_id;
        seg_c[nseg++] = m.chapter_id;
    }
    /* CSR: each segment belongs to its work and (when it has one) its chapter */
    if (rc == IBID_OK) {
        count = calloc((size_t)t->nowners + 1, sizeof *count);
        t->run_first = calloc((size_t)t->nowners + 1, sizeof *t->run_first);
        t->runs = malloc((2 * nseg + 1) * sizeof *t->runs);
        if (!count || !t->run_first || !t->runs)
            rc = IBID_ENOMEM;
    }
    if (rc == IBID_OK) {
        for (size_t i = 0; i < nseg; i++) {
            if (seg_w[i] < nw)
                t->run_first[seg_w[i] + 1]++;
            if (seg_c[i] < nc)
                t->run_first[nw + seg_c[i] + 1]++;
        }
        for (uint32_t o = 0; o < t->nowners; o++)
            t->run_first[o + 1] += t->run_first[o];
        for (size_t i = 0; i < nseg; i++) {
            if (seg_w[i] < nw)
                t->runs[t->run_first[seg_w[i]] + count[seg_w[i]]++] = seg[i];
            if (seg_c[i] < nc) {
                uint32_t o = nw + seg_c[i];
                t->runs[t->run_first[o] + count[o]++] = seg[i];
            }
        }
    }
    free(count);
    free(seg);
    free(seg_w);
    free(seg_c);
    if (rc != IBID_OK) {
        ibid_titles_free(t);
        return rc;
    }
    *out = t;
    return IBID_OK;
}

void ibid_titles_free(ibid_titles *t)
{
    if (!t)
        return;
    ibid_arena_free(&t->arena);
    free(t->os);
    free(t->run_first);
    free(t->runs);
    free(t);
}

static int cmp_run(const void *a, const void *b)
{
    const ibid_pid_run *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

long ibid_titles_runs(const ibid_titles *t, const char *stem, size_t len, ibid_pid_run **out)
{
    *out = NULL;
    if (!t || t->nos == 0)
        return 0;
    uint64_t h = hash_stem(stem, len);
    size_t lo = 0, hi = t->nos;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->os[mid].hash < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t total = 0;
    for (size_t i = lo; i < t->nos && t->os[i].hash == h; i++)
        if (strlen(t->os[i].stem) == len && memcmp(t->os[i].stem, stem, len) == 0)
            total += t->run_first[t->os[i].owner + 1] - t->run_first[t->os[i].owner];
    if (total == 0)
        return 0;
    ibid_pid_run *r = malloc(total * sizeof *r);
    if (!r)
        return IBID_ENOMEM;
    size_t n = 0;
    for (size_t i = lo; i < t->nos && t->os[i].hash == h; i++) {
        if (strlen(t->os[i].stem) != len || memcmp(t->os[i].stem, stem, len) != 0)
            continue;
        uint32_t o = t->os[i].owner;
        for (size_t k = t->run_first[o]; k < t->run_first[o + 1]; k++)
            r[n++] = t->runs[k];
    }
    qsort(r, n, sizeof *r, cmp_run);
    size_t k = 0; /* merge overlapping and adjacent runs */
    for (size_t i = 0; i < n; i++) {
        if (k && r[i].first <= r[k - 1].last + 1) {
            if (r[i].last > r[k - 1].last)
                r[k - 1].last = r[i].last;
        } else {
            r[k++] = r[i];
        }
    }
    *out = r;
    return (long)k;
}

/* ---- the scorer ---- */

typedef struct runs_scorer {
    ibid_scorer base;
    const ibid_pid_run *runs;
    size_t n, i;
    double bonus;
    const char *label;
} runs_scorer;

static int runs_advance(ibid_scorer *s, uint32_t target)
{
    runs_scorer *r = (runs_scorer *)s;
    while (r->i < r->n && r->runs[r->i].last < target)
        r->i++;
    if (r->i == r->n)
        s->doc = IBID_NO_DOC;
    else
        s->doc = target > r->runs[r->i].first ? target : r->runs[r->i].first;
    return IBID_OK;
}

static int runs_next(ibid_scorer *s)
{
    return s->doc == IBID_NO_DOC ? IBID_OK : runs_advance(s, s->doc + 1);
}

static int runs_score(ibid_scorer *s, double *out)
{
    *out = ((runs_scorer *)s)->bonus;
    return IBID_OK;
}

static int runs_explain(ibid_scorer *s, ibid_explain_list *out)
{
    runs_scorer *r = (runs_scorer *)s;
    return ibid_explain_push(out, r->label, r->bonus, 1, 0, r->bonus);
}

static const ibid_scorer_ops runs_ops = {runs_next, runs_advance, runs_score, NULL, NULL, runs_explain};

ibid_scorer *ibid_scorer_runs(ibid_eval *ev, const ibid_pid_run *runs, size_t n, double bonus,
                              const char *label, int *rc)
{
    runs_scorer *r = ibid_arena_alloc(&ev->arena, sizeof *r);
    ibid_pid_run *copy = n ? ibid_arena_alloc(&ev->arena, n * sizeof *copy) : NULL;
    const char *l = ibid_arena_strndup(&ev->arena, label, strlen(label));
    if (!r || (n && !copy) || !l) {
        *rc = IBID_ENOMEM;
        return NULL;
    }
    memset(r, 0, sizeof *r);
    if (n)
        memcpy(copy, runs, n * sizeof *copy);
    r->base.ops = &runs_ops;
    r->runs = copy;
    r->n = n;
    r->bonus = bonus;
    r->label = l;
    r->base.max_score = bonus;
    uint64_t cost = 0;
    for (size_t i = 0; i < n; i++)
        cost += (uint64_t)copy[i].last - copy[i].first + 1;
    r->base.cost = cost;
    r->base.doc = n ? copy[0].first : IBID_NO_DOC;
    return &r->base;
}
