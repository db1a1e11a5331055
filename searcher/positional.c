/*
 * positional.c - phrase and NEAR/n scorers (see scorer.h).
 *
 * A phrase is a conjunction of its words' postings (leapfrogging from the rarest word) followed
 * by a position check: a start s matches when every word i has a position s + offset[i] whose
 * variant is the wanted exact form (or any form of the stem when no variant is wanted).  The
 * phrase scores as one pseudo-term: idf = the sum of its words' idfs, tf = its occurrences.
 *
 * NEAR/n is a conjunction of positional children (terms, phrases, compound alternatives)
 * followed by a window check: one span of each child such that the latest start is at most n
 * positions after the earliest end.  Its score is the sum of its children's scores.
 */
#include <stdlib.h>
#include <string.h>

#include "scorer.h"
#include "status.h"

/* ---- phrases ---- */

typedef struct phrase_scorer {
    ibid_scorer base;
    ibid_eval *ev;
    size_t n;
    ibid_postings **pc;     /* per word, query order */
    uint32_t *variant;      /* per word; UINT32_MAX = any */
    uint32_t *offset;       /* per word */
    size_t *order;          /* word indices by df ascending: the leapfrog order */
    uint32_t maxoff;
    double idf;
    uint32_t tf;
    const char *label;
    ibid_span *spans;
    size_t nspans, capspans;
    /* scratch for the position check */
    const uint32_t **pos, **var;
    uint32_t *npos, *ptr;
} phrase_scorer;

/* Counts the phrase's occurrences in the doc all cursors stand on; fills spans. */
static int phrase_check(phrase_scorer *p, uint32_t *count)
{
    for (size_t i = 0; i < p->n; i++) {
        int rc = ibid_postings_positions(p->pc[i], &p->pos[i], &p->var[i]);
        if (rc < 0)
            return rc;
        p->npos[i] = ibid_postings_tf(p->pc[i]);
        p->ptr[i] = 0;
    }
    p->nspans = 0;
    uint32_t c = 0;
    int have_last = 0;
    uint32_t last = 0;
    for (uint32_t j = 0; j < p->npos[0]; j++) {
        uint32_t q = p->pos[0][j];
        if (q < p->offset[0])
            continue;
        if (p->variant[0] != UINT32_MAX && p->var[0][j] != p->variant[0])
            continue;
        uint32_t s = q - p->offset[0];
        if (have_last && s == last)
            continue;
        int ok = 1;
        for (size_t i = 1; i < p->n && ok; i++) {
            uint64_t want = (uint64_t)s + p->offset[i];
            uint32_t k = p->ptr[i];
            while (k < p->npos[i] && p->pos[i][k] < want)
                k++;
            p->ptr[i] = k;
            ok = 0;
            for (; k < p->npos[i] && p->pos[i][k] == want; k++)
                if (p->variant[i] == UINT32_MAX || p->var[i][k] == p->variant[i]) {
                    ok = 1;
                    break;
                }
        }
        if (!ok)
            continue;
        int rc = ibid_eval_grow(p->ev, (void **)&p->spans, &p->capspans, p->nspans + 1, sizeof *p->spans);
        if (rc < 0)
            return rc;
        p->spans[p->nspans++] = (ibid_span){s, s + p->maxoff};
        c++;
        have_last = 1;
        last = s;
    }
    *count = c;
    return IBID_OK;
}

static int phrase_advance(ibid_scorer *s, uint32_t target)
{
    phrase_scorer *p = (phrase_scorer *)s;
    uint32_t d = target;
    for (;;) {
    again:
        for (size_t k = 0; k < p->n; k++) {
            ibid_postings *c = p->pc[p->order[k]];
            int rc = ibid_postings_advance(c, d);
            if (rc < 0)
                return rc;
            uint32_t x = ibid_postings_doc(c);
            if (x == IBID_NO_DOC) {
                s->doc = IBID_NO_DOC;
                return IBID_OK;
            }
            if (x > d) {
                d = x;
                if (k > 0)
                    goto again;
            }
        }
        uint32_t count;
        int rc = phrase_check(p, &count);
        if (rc < 0)
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

static const ibid_scorer_ops phrase_ops = {phrase_next, phrase_advance, phrase_score, NULL,
                                           phrase_spans, phrase_explain};

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
    p->order = ibid_arena_alloc(&ev->arena, n * sizeof *p->order);
    p->pos = ibid_arena_alloc(&ev->arena, n * sizeof *p->pos);
    p->var = ibid_arena_alloc(&ev->arena, n * sizeof *p->var);
    p->npos = ibid_arena_alloc(&ev->arena, n * sizeof *p->npos);
    p->ptr = ibid_arena_alloc(&ev->arena, n * sizeof *p->ptr);
    if (!p->label || !p->pc || !p->variant || !p->offset || !p->order || !p->pos || !p->var ||
        !p->npos || !p->ptr)
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
        while (k > 0 && w[p->order[k - 1]].term.df > w[i].term.df) {
            p->order[k] = p->order[k - 1];
            k--;
        }
        p->order[k] = i;
    }
    /* offsets are relative to the first word; keep the minimum at 0 for the spans */
    p->base.ops = &phrase_ops;
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

static int near_advance(ibid_scorer *s, uint32_t target)
{
    near_scorer *m = (near_scorer *)s;
    uint32_t d = target;
    for (;;) {
    again:
        for (size_t k = 0; k < m->n; k++) {
            int rc = ibid_scorer_advance(m->order[k], d);
            if (rc < 0)
                return rc;
            uint32_t x = m->order[k]->doc;
            if (x == IBID_NO_DOC) {
                s->doc = IBID_NO_DOC;
                return IBID_OK;
            }
            if (x > d) {
                d = x;
                if (k > 0)
                    goto again;
            }
        }
        size_t count;
        int rc = near_check(m, &count);
        if (rc < 0)
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
