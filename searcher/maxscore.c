/*
 * maxscore.c - pruned top-k evaluation: MaxScore with block-max checks (see collect.h).
 *
 * The clauses (the SHOULD children of a top-level disjunction, or the whole tree as one
 * clause) are ordered by their score bound, ascending.  Once the heap is full with threshold
 * T, the longest prefix of that order whose bounds sum to at most T is "non-essential": a
 * passage matching only those clauses cannot beat T, so candidates come from the essential
 * clauses only.  For a candidate d:
 *   1. window check: the essential clauses' block bounds at d (valid up to W, the smallest
 *      block end) plus the non-essential bounds; when that cannot beat T, every essential
 *      clause jumps to W + 1 without decoding the blocks in between;
 *   2. the essential clauses standing on d are scored, then the non-essential ones are probed
 *      (advanced to d) from the largest bound down, stopping as soon as the partial score plus
 *      the remaining clauses' block bounds at d cannot beat T;
 *   3. the survivor's score is summed in query order (the same sum the exhaustive path makes)
 *      and offered to the heap after the top-level filters and exclusions.
 * Passages arrive in increasing id, so a candidate that only ties T never enters: pruning on
 * "bound <= T" is exact; the 1e-9 inflation absorbs rounding.  Block bounds are cached per
 * clause until the candidates leave the block.
 *
 * Phrase clauses get a floor (positional.h) whenever T rises: T and the sum of the other
 * clauses' bounds, so that the phrase itself passes over blocks and passages that could not
 * beat T even with every other clause matching, without decoding their positions.  A single
 * phrase (run_single) gets T with nothing added.
 */
#include <stdlib.h>

#include "collect.h"
#include "dheap.h"
#include "positional.h"
#include "status.h"

static double inflate(double x) { return x * (1.0 + 1e-9) + 1e-12; }

typedef struct ms {
    ibid_scorer **cl;
    size_t m;
    size_t *order;  /* clause indices by bound ascending */
    double *prefix; /* prefix[i] = sum of the bounds of order[0..i) */
    double *sc;
    size_t *hits;   /* the clauses matching the candidate (2 * m: dheap_collect's stack) */
    ibid_dheap ess; /* the essential clauses by doc */
    /* per clause: its block bound for targets in [bb_from, bb_upto] */
    uint32_t *bb_from, *bb_upto;
    double *bb;
    double *rest;   /* rest[j] = sum of the block bounds at d of order[0..j] */
    double floor_theta; /* the threshold last handed to the phrase clauses (0: none yet) */
    unsigned char *no_floor; /* per clause: 1 when it is not a phrase (takes no floor) */
} ms;

/* Hands a risen threshold to the phrase clauses (see the top). */
static void raise_floors(ms *s, double theta)
{
    if (theta <= s->floor_theta)
        return;
    s->floor_theta = theta;
    double all = s->prefix[s->m];
    for (size_t c = 0; c < s->m; c++)
        if (!s->no_floor[c]) {
            double rest = s->m == 1 ? 0 : all - s->cl[c]->max_score;
            if (!ibid_scorer_phrase_floor(s->cl[c], theta, rest > 0 ? rest : 0))
                s->no_floor[c] = 1;
        }
}

/* The clause's block bound at target d, from the cache when d is still in the cached block
   (targets only grow, and the block holding the first doc >= d is the same for every d up to
   the block's last doc). */
static int block_bound(ms *s, size_t c, uint32_t d, double *bound, uint32_t *upto)
{
    if (!(d >= s->bb_from[c] && d <= s->bb_upto[c])) {
        int rc = ibid_scorer_block_bound(s->cl[c], d, &s->bb_upto[c], &s->bb[c]);
        if (rc < 0)
            return rc;
        if (s->bb_upto[c] < d || !(s->bb[c] >= 0))
            return IBID_ECORRUPT; /* a block ending before its target: skipping would not advance */
        s->bb_from[c] = d;
    }
    *bound = s->bb[c];
    *upto = s->bb_upto[c];
    return IBID_OK;
}

static void sort_by_bound(ms *s)
{
    for (size_t i = 0; i < s->m; i++) {
        size_t k = i;
        while (k > 0 && s->cl[s->order[k - 1]]->max_score > s->cl[i]->max_score) {
            s->order[k] = s->order[k - 1];
            k--;
        }
        s->order[k] = i;
    }
    s->prefix[0] = 0;
    for (size_t i = 0; i < s->m; i++)
        s->prefix[i + 1] = s->prefix[i] + s->cl[s->order[i]]->max_score;
}

/* Block bounds cost one skip-data read per clause and candidate: above this many clauses the
   window check and the tightened probing fall back to the global bounds. */
enum { BLOCK_CHECK_MAX = 32 };

static void rebuild_heap(ms *s, size_t ness)
{
    s->ess.n = 0;
    for (size_t i = ness; i < s->m; i++)
        ibid_dheap_push(&s->ess, s->cl[s->order[i]], s->order[i]);
}

static void sort_idx(size_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        size_t x = v[i], k = i;
        while (k > 0 && v[k - 1] > x) {
            v[k] = v[k - 1];
            k--;
        }
        v[k] = x;
    }
}

/* One clause (a single term, a phrase, a conjunction...): block-max skipping only. */
static int run_single(ms *s, ibid_scorer *owner, ibid_topk *top)
{
    ibid_scorer *c = s->cl[0];
    int rc;
    while (c->doc != IBID_NO_DOC) {
        uint32_t d = c->doc;
        int full = ibid_topk_full(top);
        double theta = ibid_topk_threshold(top);
        if (full && theta > 0) {
            raise_floors(s, theta);
            uint32_t u;
            double b;
            if ((rc = block_bound(s, 0, d, &b, &u)) < 0)
                return rc;
            if (inflate(b) <= theta) {
                if (u >= IBID_NO_DOC - 1)
                    return IBID_OK;
                if ((rc = ibid_scorer_advance(c, u + 1)) < 0)
                    return rc;
                continue;
            }
        }
        double sc;
        if ((rc = ibid_scorer_score(c, &sc)) < 0)
            return rc;
        if (!full || sc > theta) {
            int ok = owner ? ibid_scorer_bool_accept(owner, d) : 1;
            if (ok < 0)
                return ok;
            if (ok)
                ibid_topk_push(top, sc, d);
        }
        if ((rc = ibid_scorer_next(c)) < 0)
            return rc;
    }
    return IBID_OK;
}

static int run(ms *s, ibid_scorer *owner, ibid_topk *top)
{
    if (s->m == 1)
        return run_single(s, owner, top);
    size_t ness = 0; /* clauses order[0..ness) are non-essential */
    int rc;
    rebuild_heap(s, 0);
    for (;;) {
        int full = ibid_topk_full(top);
        double theta = ibid_topk_threshold(top);
        int prunable = full && theta > 0;
        if (prunable) {
            raise_floors(s, theta);
            size_t was = ness;
            while (ness < s->m && inflate(s->prefix[ness + 1]) <= theta)
                ness++;
            if (ness == s->m)
                return IBID_OK; /* nothing left can beat the threshold */
            if (ness != was)
                rebuild_heap(s, ness);
        }
        uint32_t d = ibid_dheap_top_doc(&s->ess);
        if (d == IBID_NO_DOC)
            return IBID_OK;
        size_t ness_count = s->m - ness;
        if (prunable && ness_count <= BLOCK_CHECK_MAX) {
            double bound = s->prefix[ness];
            uint32_t w = IBID_NO_DOC;
            for (size_t i = ness; i < s->m; i++) {
                uint32_t u;
                double b;
                if ((rc = block_bound(s, s->order[i], d, &b, &u)) < 0)
                    return rc;
                bound += b;
                if (u < w)
                    w = u;
            }
            if (inflate(bound) <= theta) {
                if (w >= IBID_NO_DOC - 1)
                    return IBID_OK;
                if ((rc = ibid_dheap_advance(&s->ess, w + 1)) < 0)
                    return rc;
                continue;
            }
        }
        double partial = 0;
        size_t nhit = ibid_dheap_collect(&s->ess, d, s->hits);
        for (size_t i = 0; i < nhit; i++) {
            size_t c = s->hits[i];
            if ((rc = ibid_scorer_score(s->cl[c], &s->sc[c])) < 0)
                return rc;
            partial += s->sc[c];
        }
        int pruned = 0, tight = prunable && ness <= BLOCK_CHECK_MAX;
        if (tight)
            for (size_t j = 0; j < ness; j++) {
                uint32_t u;
                double b;
                if ((rc = block_bound(s, s->order[j], d, &b, &u)) < 0)
                    return rc;
                s->rest[j] = (j ? s->rest[j - 1] : 0) + b;
            }
        for (size_t j = ness; j-- > 0;) {
            if (prunable && inflate(partial + (tight ? s->rest[j] : s->prefix[j + 1])) <= theta) {
                pruned = 1;
                break;
            }
            size_t c = s->order[j];
            if ((rc = ibid_scorer_advance(s->cl[c], d)) < 0)
                return rc;
            if (s->cl[c]->doc != d)
                continue;
            if ((rc = ibid_scorer_score(s->cl[c], &s->sc[c])) < 0)
                return rc;
            s->hits[nhit++] = c;
            partial += s->sc[c];
        }
        if (!pruned) {
            /* the sum in query order: the one the exhaustive path makes */
            sort_idx(s->hits, nhit);
            double total = 0;
            for (size_t i = 0; i < nhit; i++)
                total += s->sc[s->hits[i]];
            if (!full || total > theta) {
                int ok = owner ? ibid_scorer_bool_accept(owner, d) : 1;
                if (ok < 0)
                    return ok;
                if (ok)
                    ibid_topk_push(top, total, d);
            }
        }
        if ((rc = ibid_dheap_next_at(&s->ess, d)) < 0)
            return rc;
    }
}

int ibid_collect_pruned(ibid_scorer *root, ibid_topk *top)
{
    if (top->k == 0 || root->doc == IBID_NO_DOC)
        return IBID_OK;
    if (root->max_score <= 0)
        return ibid_collect_exhaustive(root, top); /* filters only: every score is 0 */
    ms s = {0};
    ibid_scorer *owner = NULL;
    if (ibid_scorer_bool_disjunction(root, &s.cl, &s.m))
        owner = root;
    else {
        s.cl = &root;
        s.m = 1;
    }
    s.order = malloc(s.m * sizeof *s.order);
    s.prefix = malloc((s.m + 1) * sizeof *s.prefix);
    s.sc = malloc(s.m * sizeof *s.sc);
    s.hits = malloc(2 * s.m * sizeof *s.hits);
    s.bb_from = malloc(s.m * sizeof *s.bb_from);
    s.bb_upto = malloc(s.m * sizeof *s.bb_upto);
    s.bb = malloc(s.m * sizeof *s.bb);
    s.rest = malloc(s.m * sizeof *s.rest);
    s.no_floor = calloc(s.m, sizeof *s.no_floor);
    int rc = IBID_ENOMEM;
    if (s.order && s.prefix && s.sc && s.hits && s.bb_from && s.bb_upto && s.bb && s.rest && s.no_floor &&
        ibid_dheap_init(&s.ess, s.m) == IBID_OK) {
        for (size_t i = 0; i < s.m; i++) {
            s.bb_from[i] = 1;
            s.bb_upto[i] = 0; /* empty: nothing cached */
        }
        sort_by_bound(&s);
        rc = run(&s, owner, top);
    }
    free(s.order);
    free(s.prefix);
    free(s.sc);
    free(s.hits);
    ibid_dheap_free(&s.ess);
    free(s.bb_from);
    free(s.bb_upto);
    free(s.bb);
    free(s.rest);
    free(s.no_floor);
    return rc;
}
