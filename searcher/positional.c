/*
 * positional.c - phrase and NEAR/n scorers (see scorer.h).
 *
 * A phrase is a conjunction of its words' postings (leapfrogging from the rarest word) followed
 * by a position check: a start s matches when every word i has a position s + offset[i] whose
 * variant is the wanted exact form (or any form of the stem when no variant is wanted).  The
 * phrase scores as one pseudo-term: idf = the sum of its words' idfs, tf = its occurrences.
 *
 * Bounds (for MaxScore, maxscore.c): a phrase occurs in a passage at most as often as its
 * rarest word, so its tf is at most the smallest of its words' tfs there, and within a stretch
 * of passages at most the smallest of the words' block max tfs (skip data); its passage is no
 * shorter than the largest of the words' block min lengths.  BM25 grows with tf and falls with
 * length, so bm25(idf, that tf, that length) bounds the phrase's score: over a block
 * (block_bound, valid up to the first block end among the words) and, once the cursors stand
 * on a passage, for that passage before any position is decoded.  With a floor from the
 * collector (positional.h) the phrase passes over blocks and passages whose bound cannot beat
 * it; that is where quoted phrases of common words spent their time (docs/performance.md).
 *
 * NEAR/n is a conjunction of positional children (terms, phrases, compound alternatives)
 * followed by a window check: one span of each child such that the latest start is at most n
 * positions after the earliest end.  Its score is the sum of its children's scores.
 *
 * Both conjunctions leapfrog the same way (leapfrog(): cheapest first, back to the first
 * whenever one overshoots), over postings cursors for phrases and over scorers for NEAR.
 */
#include "positional.h"

#include <stdlib.h>
#include <string.h>

#include "status.h"

/* ---- the shared leapfrog ---- */

/* Moves the n items of ctx (item k by advance(ctx, k, t) and doc(ctx, k), never backwards;
   item 0 the cheapest) to the first doc >= *d that all of them hold; *d gets it, or
   IBID_NO_DOC when one runs out.  Static with constant callbacks: the compiler makes it a
   direct loop in each caller. */
static inline int leapfrog(void *ctx, size_t n, int (*advance)(void *ctx, size_t k, uint32_t t),
                           uint32_t (*doc)(const void *ctx, size_t k), uint32_t *d)
{
    uint32_t t = *d;
again:
    for (size_t k = 0; k < n; k++) {
        int rc = advance(ctx, k, t);
        if (rc < 0)
            return rc;
        uint32_t x = doc(ctx, k);
        if (x == IBID_NO_DOC) {
            *d = IBID_NO_DOC;
            return IBID_OK;
        }
        if (x > t) {
            t = x;
            if (k > 0)
                goto again;
        }
    }
    *d = t;
    return IBID_OK;
}

/* The collector's test (maxscore.c): can a score bounded by bound, plus rest, beat theta? */
static int beats(double bound, double rest, double theta)
{
    return (bound + rest) * (1.0 + 1e-9) + 1e-12 > theta;
}

/* ---- phrases ---- */

typedef struct phrase_scorer {
    ibid_scorer base;
    ibid_eval *ev;
    size_t n;
    ibid_postings **pc;     /* per word, query order */
    size_t *order;          /* word indices by df ascending: the leapfrog and check order */
    ibid_postings **lead;   /* their cursors: lead[k] = pc[order[k]] */
    uint32_t *variant;      /* per word; UINT32_MAX = any */
    uint32_t *offset;       /* per word */
    uint32_t maxoff;
    double idf;
    uint32_t tf;
    const char *label;
    ibid_span *spans;
    size_t nspans, capspans;
    uint32_t *starts;       /* the position check's candidate starts (malloc'd, owned by ev) */
    size_t capstarts;
    /* the collector's floor (positional.h): 0 until set */
    int floored;
    double theta, rest;
    /* the last block bound: valid for targets in [bb_from, bb_upto] */
    uint32_t bb_from, bb_upto;
    double bb;
} phrase_scorer;

/* Counts the phrase's occurrences in the doc all cursors stand on; fills spans.  The words are
   checked from the rarest up (the leapfrog order), each one narrowing the candidate starts, so
   the positions of the commonest words (the costliest blocks to decode: "in", "the") are read
   only in passages where the rarer words already line up. */
static int phrase_check(phrase_scorer *p, uint32_t *count)
{
    *count = 0;
    p->nspans = 0;
    const uint32_t *pos, *var;
    size_t r = p->order[0];
    int rc = ibid_postings_positions(p->pc[r], &pos, &var);
    if (rc < 0)
        return rc;
    uint32_t tf = ibid_postings_tf(p->pc[r]);
    if ((rc = ibid_eval_grow(p->ev, (void **)&p->starts, &p->capstarts, tf, sizeof *p->starts)) < 0)
        return rc;
    size_t ns = 0;
    for (uint32_t j = 0; j < tf; j++) {
        if (pos[j] < p->offset[r] || (p->variant[r] != UINT32_MAX && var[j] != p->variant[r]))
            continue;
        uint32_t st = pos[j] - p->offset[r];
        if (ns == 0 || p->starts[ns - 1] != st)
            p->starts[ns++] = st; /* ascending, as the positions */
    }
    for (size_t k = 1; k < p->n && ns; k++) {
        size_t i = p->order[k];
        if ((rc = ibid_postings_positions(p->pc[i], &pos, &var)) < 0)
            return rc;
        uint32_t n = ibid_postings_tf(p->pc[i]), j = 0;
        size_t keep = 0;
        for (size_t a = 0; a < ns; a++) {
            uint64_t want = (uint64_t)p->starts[a] + p->offset[i];
            while (j < n && pos[j] < want)
                j++;
            for (uint32_t q = j; q < n && pos[q] == want; q++)
                if (p->variant[i] == UINT32_MAX || var[q] == p->variant[i]) {
                    p->starts[keep++] = p->starts[a];
                    break;
                }
        }
        ns = keep;
    }
    if (ns == 0)
        return IBID_OK;
    if ((rc = ibid_eval_grow(p->ev, (void **)&p->spans, &p->capspans, ns, sizeof *p->spans)) < 0)
        return rc;
    for (size_t a = 0; a < ns; a++)
        p->spans[a] = (ibid_span){p->starts[a], p->starts[a] + p->maxoff};
    p->nspans = ns;
    *count = (uint32_t)ns;
    return IBID_OK;
}

static int lead_advance(void *ctx, size_t k, uint32_t t)
{
    return ibid_postings_advance(((phrase_scorer *)ctx)->lead[k], t);
}
static uint32_t lead_doc(const void *ctx, size_t k)
{
    return ibid_postings_doc(((const phrase_scorer *)ctx)->lead[k]);
}

/* The bound of every phrase score in [target, *upto] from the words' skip data (see the top). */
static int phrase_bound(phrase_scorer *p, uint32_t target, uint32_t *upto, double *bound)
{
    uint32_t u = IBID_NO_DOC, tf = UINT32_MAX, len = 0;
    for (size_t i = 0; i < p->n; i++) {
        uint32_t last, max_tf, min_len;
        int rc = ibid_postings_block_bound(p->pc[i], target, &last, &max_tf, &min_len);
        if (rc < 0)
            return rc;
        if (last == IBID_NO_DOC && max_tf == 0) { /* the word has nothing left at or after target */
            *upto = IBID_NO_DOC;
            *bound = 0;
            return IBID_OK;
        }
        if (last < u)
            u = last;
        if (max_tf < tf)
            tf = max_tf;
        if (min_len > len)
            len = min_len;
    }
    double b = ibid_bm25_score(&p->ev->bm, p->idf, tf, len);
    *upto = u;
    *bound = b < p->base.max_score ? b : p->base.max_score;
    return IBID_OK;
}

static int phrase_block_bound(ibid_scorer *s, uint32_t target, uint32_t *upto, double *bound)
{
    return phrase_bound((phrase_scorer *)s, target, upto, bound);
}

static int phrase_advance(ibid_scorer *s, uint32_t target)
{
    phrase_scorer *p = (phrase_scorer *)s;
    uint32_t d = target;
    for (;;) {
        if (p->floored) {
            /* whole blocks that cannot beat the floor (their bound is kept while d is inside) */
            if (!(d >= p->bb_from && d <= p->bb_upto)) {
                int rc = phrase_bound(p, d, &p->bb_upto, &p->bb);
                if (rc < 0)
                    return rc;
                p->bb_from = d;
            }
            if (!beats(p->bb, p->rest, p->theta)) {
                if (p->bb_upto >= IBID_NO_DOC - 1) {
                    s->doc = IBID_NO_DOC;
                    return IBID_OK;
                }
                d = p->bb_upto + 1;
                continue;
            }
        }
        int rc = leapfrog(p, p->n, lead_advance, lead_doc, &d);
        if (rc < 0)
            return rc;
        if (d == IBID_NO_DOC) {
            s->doc = IBID_NO_DOC;
            return IBID_OK;
        }
        if (p->floored) {
            /* this passage, before decoding any position */
            uint32_t tf = UINT32_MAX;
            for (size_t i = 0; i < p->n; i++) {
                uint32_t x = ibid_postings_tf(p->pc[i]);
                if (x < tf)
                    tf = x;
            }
            double b = ibid_bm25_score(&p->ev->bm, p->idf, tf, ibid_index_passage_len(p->ev->ix, d));
            if (!beats(b, p->rest, p->theta)) {
                d++;
                continue;
            }
        }
        uint32_t count;
        if ((rc = phrase_check(p, &count)) < 0)
            return rc;
        if (count) {
            s->doc = d;
            p->tf = count;
            return IBID_OK;
        }
        d++;
    }
}

static int phrase_next(ibid_scorer *s)
{
    return s->doc == IBID_NO_DOC ? IBID_OK : phrase_advance(s, s->doc + 1);
}

static int phrase_score(ibid_scorer *s, double *out)
{
    phrase_scorer *p = (phrase_scorer *)s;
    *out = ibid_bm25_score(&p->ev->bm, p->idf, p->tf, ibid_index_passage_len(p->ev->ix, s->doc));
    return IBID_OK;
}

static int phrase_spans(ibid_scorer *s, const ibid_span **out, size_t *n)
{
    phrase_scorer *p = (phrase_scorer *)s;
    *out = p->spans;
    *n = p->nspans;
    return IBID_OK;
}

static int phrase_explain(ibid_scorer *s, ibid_explain_list *l)
{
    phrase_scorer *p = (phrase_scorer *)s;
    double sc;
    phrase_score(s, &sc);
    return ibid_explain_push(l, p->label, p->idf, p->tf, ibid_index_passage_len(p->ev->ix, s->doc), sc);
}

static const ibid_scorer_ops phrase_ops = {phrase_next, phrase_advance, phrase_score,
                                           phrase_block_bound, phrase_spans, phrase_explain};

int ibid_scorer_phrase_floor(ibid_scorer *s, double theta, double rest)
{
    if (s->ops != &phrase_ops)
        return 0;
    phrase_scorer *p = (phrase_scorer *)s;
    if (!p->floored || theta > p->theta || rest < p->rest) {
        p->floored = 1;
        p->theta = theta;
        p->rest = rest;
    }
    return 1;
}

ibid_scorer *ibid_scorer_phrase(ibid_eval *ev, const ibid_phrase_word *w, size_t n, double idf,
                                const char *label, int *rc)
{
    *rc = IBID_ENOMEM;
    phrase_scorer *p = ibid_arena_alloc(&ev->arena, sizeof *p);
    if (!p || n == 0)
        return NULL;
    memset(p, 0, sizeof *p);
    p->ev = ev;
    p->n = n;
    p->idf = idf;
    p->label = ibid_arena_strndup(&ev->arena, label, strlen(label));
    p->pc = ibid_arena_alloc(&ev->arena, n * sizeof *p->pc);
    p->variant = ibid_arena_alloc(&ev->arena, n * sizeof *p->variant);
    p->offset = ibid_arena_alloc(&ev->arena, n * sizeof *p->offset);
    p->lead = ibid_arena_alloc(&ev->arena, n * sizeof *p->lead);
    size_t *order = p->order = ibid_arena_alloc(&ev->arena, n * sizeof *order);
    if (!p->label || !p->pc || !p->variant || !p->offset || !p->lead || !order)
        return NULL;
    uint32_t min_tf = UINT32_MAX;
    uint64_t min_df = UINT64_MAX;
    for (size_t i = 0; i < n; i++) {
        if ((*rc = ibid_eval_open(ev, &w[i].term, 1, &p->pc[i])) < 0)
            return NULL;
        p->variant[i] = w[i].variant;
        p->offset[i] = w[i].offset;
        if (w[i].offset > p->maxoff)
            p->maxoff = w[i].offset;
        if (w[i].term.max_tf < min_tf)
            min_tf = w[i].term.max_tf;
        if (w[i].term.df < min_df)
            min_df = w[i].term.df;
        /* insertion sort by df: phrases are short */
        size_t k = i;
        while (k > 0 && w[order[k - 1]].term.df > w[i].term.df) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    for (size_t i = 0; i < n; i++)
        p->lead[i] = p->pc[order[i]];
    /* offsets are relative to the first word; keep the minimum at 0 for the spans */
    p->base.ops = &phrase_ops;
    p->bb_from = 1; /* no block bound cached ([1, 0] is empty) */
    p->bb_upto = 0;
    p->base.cost = min_df;
    p->base.max_score = ibid_bm25_score(&ev->bm, idf, min_tf ? min_tf : 1, 0);
    if ((*rc = phrase_advance(&p->base, 0)) < 0)
        return NULL;
    return &p->base;
}

/* ---- NEAR/n ---- */

typedef struct near_scorer {
    ibid_scorer base;
    ibid_eval *ev;
    ibid_scorer **kids;
    size_t n;
    ibid_scorer **order; /* by cost */
    uint32_t distance;
    const ibid_span **ks;
    size_t *kn, *ptr;
    ibid_span *spans;
    size_t nspans, capspans;
} near_scorer;

/* Finds the windows in the doc all children stand on; returns their number in *count. */
static int near_check(near_scorer *m, size_t *count)
{
    for (size_t i = 0; i < m->n; i++) {
        int rc = m->kids[i]->ops->spans(m->kids[i], &m->ks[i], &m->kn[i]);
        if (rc < 0)
            return rc;
        if (m->kn[i] == 0) {
            *count = 0;
            return IBID_OK;
        }
        m->ptr[i] = 0;
    }
    m->nspans = 0;
    for (;;) {
        uint32_t max_start = 0, min_end = UINT32_MAX, min_start = UINT32_MAX, max_end = 0;
        size_t lowest = 0;
        for (size_t i = 0; i < m->n; i++) {
            const ibid_span *sp = &m->ks[i][m->ptr[i]];
            if (sp->start > max_start)
                max_start = sp->start;
            if (sp->start < min_start)
                min_start = sp->start;
            if (sp->end > max_end)
                max_end = sp->end;
            if (sp->end < min_end) {
                min_end = sp->end;
                lowest = i;
            }
        }
        if (max_start <= min_end || max_start - min_end <= m->distance) {
            int rc = ibid_eval_grow(m->ev, (void **)&m->spans, &m->capspans, m->nspans + 1,
                                    sizeof *m->spans);
            if (rc < 0)
                return rc;
            m->spans[m->nspans++] = (ibid_span){min_start, max_end};
        }
        if (++m->ptr[lowest] >= m->kn[lowest])
            break;
    }
    *count = m->nspans;
    return IBID_OK;
}

static int kid_advance(void *ctx, size_t k, uint32_t t)
{
    return ibid_scorer_advance(((near_scorer *)ctx)->order[k], t);
}
static uint32_t kid_doc(const void *ctx, size_t k) { return ((const near_scorer *)ctx)->order[k]->doc; }

static int near_advance(ibid_scorer *s, uint32_t target)
{
    near_scorer *m = (near_scorer *)s;
    uint32_t d = target;
    for (;;) {
        int rc = leapfrog(m, m->n, kid_advance, kid_doc, &d);
        if (rc < 0)
            return rc;
        if (d == IBID_NO_DOC) {
            s->doc = IBID_NO_DOC;
            return IBID_OK;
        }
        size_t count;
        if ((rc = near_check(m, &count)) < 0)
            return rc;
        if (count) {
            s->doc = d;
            return IBID_OK;
        }
        d++;
    }
}

static int near_next(ibid_scorer *s)
{
    return s->doc == IBID_NO_DOC ? IBID_OK : near_advance(s, s->doc + 1);
}

static int near_score(ibid_scorer *s, double *out)
{
    near_scorer *m = (near_scorer *)s;
    double sum = 0;
    for (size_t i = 0; i < m->n; i++) {
        double x;
        int rc = ibid_scorer_score(m->kids[i], &x);
        if (rc < 0)
            return rc;
        sum += x;
    }
    *out = sum;
    return IBID_OK;
}

static int near_spans(ibid_scorer *s, const ibid_span **out, size_t *n)
{
    near_scorer *m = (near_scorer *)s;
    *out = m->spans;
    *n = m->nspans;
    return IBID_OK;
}

static int near_explain(ibid_scorer *s, ibid_explain_list *l)
{
    near_scorer *m = (near_scorer *)s;
    for (size_t i = 0; i < m->n; i++) {
        int rc = m->kids[i]->ops->explain(m->kids[i], l);
        if (rc < 0)
            return rc;
    }
    return IBID_OK;
}

static const ibid_scorer_ops near_ops = {near_next, near_advance, near_score, NULL, near_spans,
                                         near_explain};

ibid_scorer *ibid_scorer_near(ibid_eval *ev, ibid_scorer **kids, size_t n, uint32_t distance, int *rc)
{
    *rc = IBID_ENOMEM;
    if (n == 0) {
        *rc = IBID_EINVAL;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (!kids[i]->ops->spans) {
            *rc = IBID_EINVAL;
            return NULL;
        }
    near_scorer *m = ibid_arena_alloc(&ev->arena, sizeof *m);
    if (!m)
        return NULL;
    memset(m, 0, sizeof *m);
    m->ev = ev;
    m->n = n;
    m->distance = distance;
    m->kids = ibid_arena_alloc(&ev->arena, n * sizeof *m->kids);
    m->order = ibid_arena_alloc(&ev->arena, n * sizeof *m->order);
    m->ks = ibid_arena_alloc(&ev->arena, n * sizeof *m->ks);
    m->kn = ibid_arena_alloc(&ev->arena, n * sizeof *m->kn);
    m->ptr = ibid_arena_alloc(&ev->arena, n * sizeof *m->ptr);
    if (!m->kids || !m->order || !m->ks || !m->kn || !m->ptr)
        return NULL;
    double sum = 0;
    uint64_t cost = UINT64_MAX;
    for (size_t i = 0; i < n; i++) {
        m->kids[i] = kids[i];
        sum += kids[i]->max_score;
        if (kids[i]->cost < cost)
            cost = kids[i]->cost;
        size_t k = i;
        while (k > 0 && m->order[k - 1]->cost > kids[i]->cost) {
            m->order[k] = m->order[k - 1];
            k--;
        }
        m->order[k] = kids[i];
    }
    m->base.ops = &near_ops;
    m->base.max_score = sum;
    m->base.cost = cost;
    if ((*rc = near_advance(&m->base, 0)) < 0)
        return NULL;
    return &m->base;
}
