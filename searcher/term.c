/*
 * term.c - the leaves of the scorer tree (see scorer.h) and the evaluation context.
 *
 * A term scorer walks one term's postings.  Given a set of variants (the exact folded forms
 * wanted, from a quoted word or a prefix expansion), it reads the positions of each posting,
 * counts those whose variant is wanted, uses that count as tf and skips passages with none.
 * Its score bound comes from the term's max_tf (any length), and its block bound from the
 * postings' skip data (max tf and min length of the block).
 *
 * Also here: the empty scorer, the all-passages scorer (for queries made only of filters)
 * and the ibid_eval context that owns cursors and buffers.
 */
#include <stdlib.h>
#include <string.h>

#include "scorer.h"
#include "status.h"

/* ---- the evaluation context ---- */

void ibid_eval_init(ibid_eval *ev, const ibid_index *ix, double k1, double b)
{
    memset(ev, 0, sizeof *ev);
    ev->ix = ix;
    ibid_bm25_init(&ev->bm, k1, b, ibid_index_passage_count(ix), ibid_index_avg_len(ix));
}

void ibid_eval_init_global(ibid_eval *ev, const ibid_index *ix, double k1, double b, uint32_t passages,
                           double avg_len)
{
    memset(ev, 0, sizeof *ev);
    ev->ix = ix;
    ibid_bm25_init(&ev->bm, k1, b, passages, avg_len);
}

void ibid_eval_free(ibid_eval *ev)
{
    for (size_t i = 0; i < ev->ncursors; i++)
        ibid_postings_close(ev->cursors[i]);
    free(ev->cursors);
    for (size_t i = 0; i < ev->nblocks; i++)
        free(ev->heap_blocks[i]);
    free(ev->heap_blocks);
    ibid_arena_free(&ev->arena);
    ev->cursors = NULL;
    ev->heap_blocks = NULL;
    ev->ncursors = ev->capcursors = ev->nblocks = ev->capblocks = 0;
}

static int push_ptr(void ***v, size_t *n, size_t *cap, void *p)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        void **nv = realloc(*v, nc * sizeof *nv);
        if (!nv)
            return IBID_ENOMEM;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = p;
    return IBID_OK;
}

int ibid_eval_open(ibid_eval *ev, const ibid_term_info *t, int want_positions, ibid_postings **out)
{
    *out = NULL;
    if (ev->ncursors == ev->capcursors) {
        size_t nc = ev->capcursors ? ev->capcursors * 2 : 16;
        ibid_postings **nv = realloc(ev->cursors, nc * sizeof *nv);
        if (!nv)
            return IBID_ENOMEM;
        ev->cursors = nv;
        ev->capcursors = nc;
    }
    int rc = ibid_postings_open(ev->ix, t, want_positions, out);
    if (rc < 0)
        return rc;
    ev->cursors[ev->ncursors++] = *out;
    return IBID_OK;
}

int ibid_eval_keep(ibid_eval *ev, void *p)
{
    return push_ptr(&ev->heap_blocks, &ev->nblocks, &ev->capblocks, p);
}

int ibid_eval_grow(ibid_eval *ev, void **p, size_t *cap, size_t n, size_t sz)
{
    if (n <= *cap)
        return IBID_OK;
    size_t nc = *cap ? *cap : 16;
    while (nc < n)
        nc *= 2;
    if (nc > SIZE_MAX / sz)
        return IBID_ENOMEM;
    void *old = *p;
    void *np = realloc(old, nc * sz);
    if (!np)
        return IBID_ENOMEM;
    if (old) {
        for (size_t i = 0; i < ev->nblocks; i++)
            if (ev->heap_blocks[i] == old)
                ev->heap_blocks[i] = np;
    } else if (push_ptr(&ev->heap_blocks, &ev->nblocks, &ev->capblocks, np)) {
        free(np);
        return IBID_ENOMEM;
    }
    *p = np;
    *cap = nc;
    return IBID_OK;
}

/* ---- shared helpers ---- */

int ibid_scorer_block_bound(ibid_scorer *s, uint32_t target, uint32_t *upto, double *bound)
{
    if (s->doc == IBID_NO_DOC) {
        *upto = IBID_NO_DOC;
        *bound = 0;
        return IBID_OK;
    }
    if (s->ops->block_bound)
        return s->ops->block_bound(s, target, upto, bound);
    *upto = IBID_NO_DOC;
    *bound = s->max_score;
    return IBID_OK;
}

int ibid_explain_push(ibid_explain_list *l, const char *label, double idf, uint32_t tf,
                      uint32_t len, double score)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 8;
        ibid_explain_item *nv = realloc(l->v, nc * sizeof *nv);
        if (!nv)
            return IBID_ENOMEM;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = (ibid_explain_item){label, idf, score, tf, len};
    return IBID_OK;
}

void ibid_explain_free(ibid_explain_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* ---- the empty scorer ---- */

static int empty_move(ibid_scorer *s) { s->doc = IBID_NO_DOC; return IBID_OK; }
static int empty_advance(ibid_scorer *s, uint32_t t) { (void)t; s->doc = IBID_NO_DOC; return IBID_OK; }
static int zero_score(ibid_scorer *s, double *out) { (void)s; *out = 0; return IBID_OK; }
static int no_explain(ibid_scorer *s, ibid_explain_list *l) { (void)s; (void)l; return IBID_OK; }

static const ibid_scorer_ops empty_ops = {empty_move, empty_advance, zero_score, NULL, NULL, no_explain};

ibid_scorer *ibid_scorer_empty(ibid_eval *ev)
{
    ibid_scorer *s = ibid_arena_alloc(&ev->arena, sizeof *s);
    if (!s)
        return NULL;
    s->ops = &empty_ops;
    s->doc = IBID_NO_DOC;
    s->max_score = 0;
    s->cost = 0;
    return s;
}

/* ---- the term scorer ---- */

typedef struct term_scorer {
    ibid_scorer base;
    ibid_eval *ev;
    ibid_postings *pc;
    double idf;
    const uint32_t *variants; /* sorted; NULL = every form */
    size_t nvariants;
    uint32_t tf;               /* of the current doc (filtered) */
    int positions;             /* cursor opened with positions */
    int spans_ready;           /* spans of the current doc computed */
    ibid_span *spans;
    size_t nspans, capspans;
    const char *label;
} term_scorer;

static int variant_wanted(const term_scorer *t, uint32_t v)
{
    size_t lo = 0, hi = t->nvariants;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->variants[mid] == v)
            return 1;
        if (t->variants[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Settles on the current posting or later: the first whose filtered tf > 0. */
static int term_settle(term_scorer *t)
{
    t->spans_ready = 0;
    for (;;) {
        uint32_t d = ibid_postings_doc(t->pc);
        t->base.doc = d;
        if (d == IBID_NO_DOC)
            return IBID_OK;
        if (!t->variants) {
            t->tf = ibid_postings_tf(t->pc);
            return IBID_OK;
        }
        const uint32_t *pos, *var;
        int rc = ibid_postings_positions(t->pc, &pos, &var);
        if (rc < 0)
            return rc;
        uint32_t n = ibid_postings_tf(t->pc), tf = 0;
        for (uint32_t i = 0; i < n; i++)
            tf += (uint32_t)variant_wanted(t, var[i]);
        if (tf) {
            t->tf = tf;
            return IBID_OK;
        }
        if ((rc = ibid_postings_next(t->pc)) < 0)
            return rc;
        if (ibid_postings_doc(t->pc) <= d)
            return IBID_ECORRUPT; /* a cursor that does not move forward */
    }
}

/* The evaluation loops rely on cursors moving strictly forward: a cursor that does not (a
   corrupt index the reader did not catch) is reported as corruption, never looped on. */
static int term_next(ibid_scorer *s)
{
    term_scorer *t = (term_scorer *)s;
    uint32_t was = s->doc;
    if (was == IBID_NO_DOC)
        return IBID_OK;
    int rc = ibid_postings_next(t->pc);
    if (rc == IBID_OK)
        rc = term_settle(t);
    if (rc == IBID_OK && s->doc <= was)
        rc = IBID_ECORRUPT;
    return rc;
}

static int term_advance(ibid_scorer *s, uint32_t target)
{
    term_scorer *t = (term_scorer *)s;
    int rc = ibid_postings_advance(t->pc, target);
    if (rc == IBID_OK)
        rc = term_settle(t);
    if (rc == IBID_OK && s->doc < target)
        rc = IBID_ECORRUPT;
    return rc;
}

static int term_score(ibid_scorer *s, double *out)
{
    term_scorer *t = (term_scorer *)s;
    *out = ibid_bm25_score(&t->ev->bm, t->idf, t->tf, ibid_index_passage_len(t->ev->ix, s->doc));
    return IBID_OK;
}

static int term_block_bound(ibid_scorer *s, uint32_t target, uint32_t *upto, double *bound)
{
    term_scorer *t = (term_scorer *)s;
    uint32_t max_tf = 0, min_len = 0;
    int rc = ibid_postings_block_bound(t->pc, target, upto, &max_tf, &min_len);
    if (rc < 0)
        return rc;
    *bound = *upto == IBID_NO_DOC && max_tf == 0 ? 0 : ibid_bm25_score(&t->ev->bm, t->idf, max_tf, min_len);
    if (*bound > s->max_score)
        *bound = s->max_score;
    return IBID_OK;
}

static int term_spans(ibid_scorer *s, const ibid_span **out, size_t *n)
{
    term_scorer *t = (term_scorer *)s;
    if (!t->spans_ready) {
        const uint32_t *pos, *var;
        int rc = ibid_postings_positions(t->pc, &pos, &var);
        if (rc < 0)
            return rc;
        uint32_t tf = ibid_postings_tf(t->pc);
        rc = ibid_eval_grow(t->ev, (void **)&t->spans, &t->capspans, tf, sizeof *t->spans);
        if (rc < 0)
            return rc;
        size_t k = 0;
        for (uint32_t i = 0; i < tf; i++)
            if (!t->variants || variant_wanted(t, var[i]))
                t->spans[k++] = (ibid_span){pos[i], pos[i]};
        t->nspans = k;
        t->spans_ready = 1;
    }
    *out = t->spans;
    *n = t->nspans;
    return IBID_OK;
}

static int term_explain(ibid_scorer *s, ibid_explain_list *l)
{
    term_scorer *t = (term_scorer *)s;
    double sc;
    term_score(s, &sc);
    return ibid_explain_push(l, t->label, t->idf, t->tf, ibid_index_passage_len(t->ev->ix, s->doc), sc);
}

static const ibid_scorer_ops term_ops = {term_next, term_advance, term_score, term_block_bound, NULL,
                                         term_explain};
static const ibid_scorer_ops term_pos_ops = {term_next, term_advance, term_score, term_block_bound,
                                             term_spans, term_explain};

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

ibid_scorer *ibid_scorer_term(ibid_eval *ev, const ibid_term_info *ti, const uint32_t *variants,
                              size_t nvariants, double idf, const char *label, int want_positions,
                              int *rc)
{
    *rc = IBID_ENOMEM;
    term_scorer *t = ibid_arena_alloc(&ev->arena, sizeof *t);
    if (!t)
        return NULL;
    memset(t, 0, sizeof *t);
    t->ev = ev;
    t->idf = idf;
    t->label = ibid_arena_strndup(&ev->arena, label, strlen(label));
    if (!t->label)
        return NULL;
    if (variants) {
        uint32_t *v = ibid_arena_alloc(&ev->arena, (nvariants ? nvariants : 1) * sizeof *v);
        if (!v)
            return NULL;
        memcpy(v, variants, nvariants * sizeof *v);
        qsort(v, nvariants, sizeof *v, cmp_u32);
        t->variants = v;
        t->nvariants = nvariants;
    }
    t->positions = want_positions || variants;
    t->base.ops = want_positions ? &term_pos_ops : &term_ops;
    t->base.cost = ti->df;
    /* tf <= max_tf and len >= 0: the score at len 0 with max_tf bounds them all */
    t->base.max_score = ibid_bm25_score(&ev->bm, idf, ti->max_tf ? ti->max_tf : 1, 0);
    if ((*rc = ibid_eval_open(ev, ti, t->positions, &t->pc)) < 0)
        return NULL;
    if ((*rc = term_settle(t)) < 0)
        return NULL;
    return &t->base;
}

/* ---- every passage that passes a metadata predicate ---- */

typedef struct all_scorer {
    ibid_scorer base;
    uint32_t n;
    int (*keep)(void *ctx, uint32_t pid);
    void *ctx;
} all_scorer;

static int all_settle(all_scorer *a, uint32_t d)
{
    for (; d < a->n; d++) {
        int k = a->keep ? a->keep(a->ctx, d) : 1;
        if (k < 0)
            return k;
        if (k) {
            a->base.doc = d;
            return IBID_OK;
        }
    }
    a->base.doc = IBID_NO_DOC;
    return IBID_OK;
}

static int all_next(ibid_scorer *s)
{
    return s->doc == IBID_NO_DOC ? IBID_OK : all_settle((all_scorer *)s, s->doc + 1);
}

static int all_advance(ibid_scorer *s, uint32_t t) { return all_settle((all_scorer *)s, t); }

static const ibid_scorer_ops all_ops = {all_next, all_advance, zero_score, NULL, NULL, no_explain};

ibid_scorer *ibid_scorer_all(ibid_eval *ev, int (*keep)(void *ctx, uint32_t pid), void *ctx, int *rc)
{
    *rc = IBID_ENOMEM;
    all_scorer *a = ibid_arena_alloc(&ev->arena, sizeof *a);
    if (!a)
        return NULL;
    memset(a, 0, sizeof *a);
    a->base.ops = &all_ops;
    a->n = ibid_index_passage_count(ev->ix);
    a->base.cost = a->n;
    a->keep = keep;
    a->ctx = ctx;
    if ((*rc = all_settle(a, 0)) < 0)
        return NULL;
    return &a->base;
}
