/*
 * bool.c - the boolean scorer: MUST (REQ), SHOULD (OPT) and NOT (EXCL) children plus a
 * metadata predicate (see scorer.h).
 *
 * With REQ children the candidates come from their conjunction (leapfrogging, cheapest child
 * first) and OPT children are moved to the candidate only when it is scored.  Without REQ
 * children the candidates are the union of the OPT children (the smallest current doc).
 * A candidate is then vetoed when the predicate rejects it or an EXCL child stands on it.
 * The score sums the matching children in their query order (or takes the best one, for the
 * alternatives of a compound word), so it never depends on the path that reached the doc.
 */
#include <stdlib.h>
#include <string.h>

#include "dheap.h"
#include "scorer.h"
#include "status.h"

typedef struct bool_scorer {
    ibid_scorer base;
    ibid_eval *ev;
    ibid_scorer **kids; /* query order */
    ibid_role *roles;
    size_t n;
    ibid_scorer **req, **opt, **excl;
    size_t nreq, nopt, nexcl;
    int alternatives;
    int (*keep)(void *ctx, uint32_t pid);
    void *keepctx;
    ibid_span *spans;
    size_t nspans, capspans;
    /* without REQ children: the OPT children in a heap by doc, and the kids (indices into
       kids[]) standing on match_doc */
    ibid_dheap heap;
    size_t *match;
    size_t nmatch;
    uint32_t match_doc;
} bool_scorer;

/* 1 when pid passes the predicate and no EXCL child stands on it. */
static int bool_accept(bool_scorer *b, uint32_t pid)
{
    if (b->keep) {
        int k = b->keep(b->keepctx, pid);
        if (k <= 0)
            return k;
    }
    for (size_t i = 0; i < b->nexcl; i++) {
        int rc = ibid_scorer_advance(b->excl[i], pid);
        if (rc < 0)
            return rc;
        if (b->excl[i]->doc == pid)
            return 0;
    }
    return 1;
}

/* The first candidate >= target (before the veto). */
static int bool_candidate(bool_scorer *b, uint32_t target, uint32_t *out)
{
    int rc;
    if (b->nreq) {
        uint32_t d = target;
    again:
        for (size_t i = 0; i < b->nreq; i++) {
            if ((rc = ibid_scorer_advance(b->req[i], d)) < 0)
                return rc;
            uint32_t x = b->req[i]->doc;
            if (x == IBID_NO_DOC) {
                *out = IBID_NO_DOC;
                return IBID_OK;
            }
            if (x > d) {
                d = x;
                if (i > 0)
                    goto again;
            }
        }
        *out = d;
        return IBID_OK;
    }
    if ((rc = ibid_dheap_advance(&b->heap, target)) < 0)
        return rc;
    *out = ibid_dheap_top_doc(&b->heap);
    return IBID_OK;
}

static int bool_advance(ibid_scorer *s, uint32_t target)
{
    bool_scorer *b = (bool_scorer *)s;
    for (;;) {
        uint32_t d;
        int rc = bool_candidate(b, target, &d);
        if (rc < 0)
            return rc;
        if (d == IBID_NO_DOC) {
            s->doc = IBID_NO_DOC;
            return IBID_OK;
        }
        int ok = bool_accept(b, d);
        if (ok < 0)
            return ok;
        if (ok) {
            s->doc = d;
            return IBID_OK;
        }
        target = d + 1;
    }
}

static int bool_next(ibid_scorer *s)
{
    return s->doc == IBID_NO_DOC ? IBID_OK : bool_advance(s, s->doc + 1);
}

/* The kids that match the current doc, in query order: without REQ children the heap's
   matches (collected once per doc), else every kid, checked one by one (kid_matches).  Used by
   score, spans and explain alike:
       kid_iter it;
       kids_begin(b, &it);
       while ((m = kids_next(b, &it, &i)) > 0) ...kid i matches...
       if (m < 0) ...error... */
typedef struct kid_iter {
    const size_t *idx; /* NULL: every kid */
    size_t n, j;
} kid_iter;

static void kids_begin(bool_scorer *b, kid_iter *it)
{
    it->j = 0;
    if (b->nreq) {
        it->idx = NULL;
        it->n = b->n;
        return;
    }
    if (b->match_doc != b->base.doc) {
        b->nmatch = ibid_dheap_collect(&b->heap, b->base.doc, b->match);
        b->match_doc = b->base.doc;
    }
    it->idx = b->match;
    it->n = b->nmatch;
}

/* Does kid i (REQ or OPT) match the current doc?  Moves a lagging OPT child. */
static int kid_matches(bool_scorer *b, size_t i)
{
    ibid_scorer *k = b->kids[i];
    if (b->roles[i] == IBID_ROLE_EXCL)
        return 0;
    if (b->roles[i] == IBID_ROLE_OPT) {
        int rc = ibid_scorer_advance(k, b->base.doc);
        if (rc < 0)
            return rc;
    }
    return k->doc == b->base.doc;
}

/* The next matching kid: 1 and *i, 0 after the last, <0 on error. */
static int kids_next(bool_scorer *b, kid_iter *it, size_t *i)
{
    while (it->j < it->n) {
        size_t k = it->idx ? it->idx[it->j] : it->j;
        it->j++;
        int m = kid_matches(b, k);
        if (m < 0)
            return m;
        if (m) {
            *i = k;
            return 1;
        }
    }
    return 0;
}

static int bool_score(ibid_scorer *s, double *out)
{
    bool_scorer *b = (bool_scorer *)s;
    double sum = 0;
    kid_iter it;
    size_t i;
    int m;
    kids_begin(b, &it);
    while ((m = kids_next(b, &it, &i)) > 0) {
        double x;
        int rc = ibid_scorer_score(b->kids[i], &x);
        if (rc < 0)
            return rc;
        if (b->alternatives)
            sum = x > sum ? x : sum;
        else
            sum += x;
    }
    if (m < 0)
        return m;
    *out = sum;
    return IBID_OK;
}

static int bool_block_bound(ibid_scorer *s, uint32_t target, uint32_t *upto, double *bound)
{
    bool_scorer *b = (bool_scorer *)s;
    double sum = 0;
    uint32_t u = IBID_NO_DOC;
    for (size_t i = 0; i < b->n; i++) {
        if (b->roles[i] == IBID_ROLE_EXCL)
            continue;
        uint32_t ku;
        double kb;
        int rc = ibid_scorer_block_bound(b->kids[i], target, &ku, &kb);
        if (rc < 0)
            return rc;
        if (b->alternatives)
            sum = kb > sum ? kb : sum;
        else
            sum += kb;
        if (ku < u)
            u = ku;
    }
    *upto = u;
    *bound = sum < s->max_score ? sum : s->max_score;
    return IBID_OK;
}

static int cmp_span(const void *a, const void *b)
{
    const ibid_span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

static int bool_spans(ibid_scorer *s, const ibid_span **out, size_t *n)
{
    bool_scorer *b = (bool_scorer *)s;
    b->nspans = 0;
    kid_iter it;
    size_t i;
    int m;
    kids_begin(b, &it);
    while ((m = kids_next(b, &it, &i)) > 0) {
        const ibid_span *ks;
        size_t kn;
        int rc = b->kids[i]->ops->spans(b->kids[i], &ks, &kn);
        if (rc < 0)
            return rc;
        rc = ibid_eval_grow(b->ev, (void **)&b->spans, &b->capspans, b->nspans + kn, sizeof *b->spans);
        if (rc < 0)
            return rc;
        memcpy(b->spans + b->nspans, ks, kn * sizeof *ks);
        b->nspans += kn;
    }
    if (m < 0)
        return m;
    if (b->nspans > 1)
        qsort(b->spans, b->nspans, sizeof *b->spans, cmp_span);
    *out = b->spans;
    *n = b->nspans;
    return IBID_OK;
}

static int bool_explain(ibid_scorer *s, ibid_explain_list *l)
{
    bool_scorer *b = (bool_scorer *)s;
    double best = -1;
    size_t besti = b->n;
    kid_iter it;
    size_t i;
    int m;
    kids_begin(b, &it);
    while ((m = kids_next(b, &it, &i)) > 0) {
        if (b->alternatives) {
            double x;
            int rc = ibid_scorer_score(b->kids[i], &x);
            if (rc < 0)
                return rc;
            if (x > best) {
                best = x;
                besti = i;
            }
            continue;
        }
        int rc = b->kids[i]->ops->explain(b->kids[i], l);
        if (rc < 0)
            return rc;
    }
    if (m < 0)
        return m;
    if (b->alternatives && besti < b->n)
        return b->kids[besti]->ops->explain(b->kids[besti], l);
    return IBID_OK;
}

static const ibid_scorer_ops bool_ops = {bool_next, bool_advance, bool_score, bool_block_bound, NULL,
                                         bool_explain};
static const ibid_scorer_ops bool_pos_ops = {bool_next, bool_advance, bool_score, bool_block_bound,
                                             bool_spans, bool_explain};

static int cmp_cost(const void *a, const void *b)
{
    const ibid_scorer *x = *(ibid_scorer *const *)a, *y = *(ibid_scorer *const *)b;
    return x->cost < y->cost ? -1 : x->cost > y->cost;
}

ibid_scorer *ibid_scorer_bool(ibid_eval *ev, ibid_scorer **kids, const ibid_role *roles, size_t n,
                              int alternatives, int (*keep)(void *ctx, uint32_t pid), void *keepctx,
                              int *rc)
{
    *rc = IBID_ENOMEM;
    bool_scorer *b = ibid_arena_alloc(&ev->arena, sizeof *b);
    if (!b)
        return NULL;
    memset(b, 0, sizeof *b);
    b->ev = ev;
    b->n = n;
    b->alternatives = alternatives;
    b->keep = keep;
    b->keepctx = keepctx;
    size_t sz = (n ? n : 1) * sizeof(ibid_scorer *);
    b->kids = ibid_arena_alloc(&ev->arena, sz);
    b->roles = ibid_arena_alloc(&ev->arena, (n ? n : 1) * sizeof *b->roles);
    b->req = ibid_arena_alloc(&ev->arena, sz);
    b->opt = ibid_arena_alloc(&ev->arena, sz);
    b->excl = ibid_arena_alloc(&ev->arena, sz);
    if (!b->kids || !b->roles || !b->req || !b->opt || !b->excl)
        return NULL;
    int positional = 1;
    double sum = 0, best = 0;
    uint64_t cost = 0, reqcost = UINT64_MAX;
    for (size_t i = 0; i < n; i++) {
        b->kids[i] = kids[i];
        b->roles[i] = roles[i];
        if (roles[i] == IBID_ROLE_EXCL) {
            b->excl[b->nexcl++] = kids[i];
            continue;
        }
        if (roles[i] == IBID_ROLE_REQ) {
            b->req[b->nreq++] = kids[i];
            if (kids[i]->cost < reqcost)
                reqcost = kids[i]->cost;
        } else {
            b->opt[b->nopt++] = kids[i];
            cost += kids[i]->cost;
        }
        if (!kids[i]->ops->spans)
            positional = 0;
        sum += kids[i]->max_score;
        if (kids[i]->max_score > best)
            best = kids[i]->max_score;
    }
    if (!b->nreq && !b->nopt) {
        *rc = IBID_EINVAL;
        return NULL;
    }
    qsort(b->req, b->nreq, sizeof *b->req, cmp_cost);
    if (!b->nreq) {
        if ((*rc = ibid_dheap_init(&b->heap, b->nopt)) < 0)
            return NULL;
        if ((*rc = ibid_eval_keep(ev, b->heap.v)) < 0) {
            ibid_dheap_free(&b->heap);
            return NULL;
        }
        b->match = ibid_arena_alloc(&ev->arena, 2 * b->nopt * sizeof *b->match);
        if (!b->match) {
            *rc = IBID_ENOMEM;
            return NULL;
        }
        b->match_doc = IBID_NO_DOC;
        for (size_t i = 0; i < n; i++)
            if (roles[i] == IBID_ROLE_OPT)
                ibid_dheap_push(&b->heap, kids[i], i);
    }
    b->base.ops = positional ? &bool_pos_ops : &bool_ops;
    b->base.max_score = alternatives ? best : sum;
    b->base.cost = b->nreq ? reqcost : cost;
    b->base.doc = 0;
    if ((*rc = bool_advance(&b->base, 0)) < 0)
        return NULL;
    return &b->base;
}

int ibid_scorer_bool_disjunction(ibid_scorer *s, ibid_scorer ***opt, size_t *nopt)
{
    if (s->ops != &bool_ops && s->ops != &bool_pos_ops)
        return 0;
    bool_scorer *b = (bool_scorer *)s;
    if (b->nreq || b->alternatives)
        return 0;
    *opt = b->opt;
    *nopt = b->nopt;
    return 1;
}

int ibid_scorer_bool_accept(ibid_scorer *s, uint32_t pid) { return bool_accept((bool_scorer *)s, pid); }
