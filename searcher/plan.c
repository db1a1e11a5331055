/*
 * plan.c - builds the scorer tree of a query (see plan.h).
 *
 * One recursive function per node type.  Each returns a scorer (an empty one when the node
 * cannot match) or NULL with a status.  want_pos asks for scorers that can report positions
 * (inside NEAR).
 */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "filter.h"
#include "status.h"
#include "titles.h"

typedef struct planner {
    ibid_eval *ev;
    ibid_analyzer *an;
    int rc;
    double idf_override; /* >= 0: the weight of every leaf being built (a synonyms group) */
    int root_clause;     /* the node being built is a clause of the root (title bonus) */
    const ibid_qnode *root;
} planner;

static ibid_scorer *build(planner *pl, const ibid_qnode *n, int want_pos);

/* A scorer that stands on no passage right after creation matches nothing. */
static int is_empty(const ibid_scorer *s) { return s->doc == IBID_NO_DOC; }

static ibid_scorer *empty(planner *pl)
{
    ibid_scorer *s = ibid_scorer_empty(pl->ev);
    if (!s)
        pl->rc = IBID_ENOMEM;
    return s;
}

/* The document frequency of stem term (whose entry in this index is t, or NULL when absent):
   this index's own, or the collection's when the context supplies it (issue 7). */
static int df_of(planner *pl, const char *term, const ibid_term_info *t, uint32_t *df)
{
    if (pl->ev->df)
        return pl->ev->df(pl->ev->stats_ctx, term, strlen(term), df);
    *df = t ? t->df : 0;
    return IBID_OK;
}

/* The BM25 weight of stem term (entry t).  Sets pl->rc and returns -1 on error. */
static double idf_of(planner *pl, const char *term, const ibid_term_info *t)
{
    if (pl->idf_override >= 0)
        return pl->idf_override;
    uint32_t df;
    int r = df_of(pl, term, t, &df);
    if (r < 0) {
        pl->rc = r;
        return -1;
    }
    return ibid_bm25_idf(&pl->ev->bm, df);
}

/* One word: its stem, or with exact its folded form. */
static ibid_scorer *build_word(planner *pl, const ibid_qword *w, int exact, int want_pos)
{
    ibid_term_info ti;
    int r;
    if (exact) {
        uint32_t variant;
        const char *f = w->form ? w->form : "";
        if (!*f)
            return empty(pl);
        r = ibid_index_lookup_form(pl->ev->ix, f, strlen(f), &ti, &variant);
        if (r < 0) {
            pl->rc = r;
            return NULL;
        }
        if (r == 0)
            return empty(pl);
        char label[IBID_MAX_TERM + 8];
        snprintf(label, sizeof label, "\"%s\"", f);
        double idf = idf_of(pl, w->term ? w->term : "", &ti);
        if (idf < 0)
            return NULL;
        ibid_scorer *s = ibid_scorer_term(pl->ev, &ti, ti.nforms == 1 && variant == 0 ? NULL : &variant,
                                          1, idf, label, want_pos, &pl->rc);
        return s;
    }
    const char *t = w->term ? w->term : "";
    if (!*t)
        return empty(pl);
    r = ibid_index_lookup(pl->ev->ix, t, strlen(t), &ti);
    if (r < 0) {
        pl->rc = r;
        return NULL;
    }
    if (r == 0)
        return empty(pl);
    double idf = idf_of(pl, t, &ti);
    if (idf < 0)
        return NULL;
    return ibid_scorer_term(pl->ev, &ti, NULL, 0, idf, t, want_pos, &pl->rc);
}

static ibid_scorer *build_phrase(planner *pl, const ibid_qnode *n, int want_pos)
{
    if (n->nwords == 0)
        return empty(pl);
    if (n->nwords == 1)
        return build_word(pl, &n->words[0], n->exact, want_pos);
    ibid_phrase_word *w = calloc(n->nwords, sizeof *w);
    ibid_buf label = {0};
    if (!w) {
        pl->rc = IBID_ENOMEM;
        return NULL;
    }
    ibid_scorer *s = NULL;
    double idf = 0;
    int oom = ibid_buf_putc(&label, n->exact ? '"' : '<'); /* the notation of ibid_query_format */
    for (size_t i = 0; i < n->nwords; i++) {
        const ibid_qword *q = &n->words[i];
        const char *key = n->exact ? q->form : q->term;
        if (!key || !*key) {
            s = empty(pl);
            goto done;
        }
        int r;
        if (n->exact) {
            r = ibid_index_lookup_form(pl->ev->ix, key, strlen(key), &w[i].term, &w[i].variant);
        } else {
            r = ibid_index_lookup(pl->ev->ix, key, strlen(key), &w[i].term);
            w[i].variant = UINT32_MAX;
        }
        if (r < 0) {
            pl->rc = r;
            goto done;
        }
        if (r == 0) {
            s = empty(pl);
            goto done;
        }
        w[i].offset = q->offset;
        double wi = idf_of(pl, q->term ? q->term : "", &w[i].term);
        if (wi < 0)
            goto done;
        idf += wi;
        oom |= (i ? ibid_buf_putc(&label, ' ') : 0) | ibid_buf_puts(&label, key);
    }
    oom |= ibid_buf_putc(&label, n->exact ? '"' : '>');
    if (oom) {
        pl->rc = IBID_ENOMEM;
        goto done;
    }
    if (pl->idf_override >= 0)
        idf = pl->idf_override; /* a variant of a synonyms group weighs as what was typed */
    s = ibid_scorer_phrase(pl->ev, w, n->nwords, idf, label.data, &pl->rc);
    (void)want_pos; /* phrases always report spans */
done:
    free(w);
    ibid_buf_free(&label);
    return s;
}

/* ---- prefixes ---- */

typedef struct expansion {
    ibid_term_info term;
    uint32_t df; /* this index's, or the collection's (ibid_eval.df) */
    char text[IBID_MAX_TERM + 1]; /* the stem (filled only with collection statistics) */
    uint32_t *variants;
    size_t nvariants, cap;
    char first_form[IBID_MAX_TERM + 1];
} expansion;

typedef struct expand_ctx {
    expansion *v;
    size_t n, cap;
    int rc;
} expand_ctx;

static int expand_cb(void *ctx, const char *form, size_t form_len, const ibid_term_info *term,
                     uint32_t variant)
{
    expand_ctx *x = ctx;
    size_t i;
    for (i = 0; i < x->n; i++)
        if (x->v[i].term.ordinal == term->ordinal)
            break;
    if (i == x->n) {
        if (x->n == x->cap) {
            size_t nc = x->cap ? x->cap * 2 : 32;
            expansion *nv = realloc(x->v, nc * sizeof *nv);
            if (!nv) {
                x->rc = IBID_ENOMEM;
                return 1;
            }
            x->v = nv;
            x->cap = nc;
        }
        memset(&x->v[i], 0, sizeof x->v[i]);
        x->v[i].term = *term;
        size_t l = form_len < IBID_MAX_TERM ? form_len : IBID_MAX_TERM;
        memcpy(x->v[i].first_form, form, l);
        x->v[i].first_form[l] = '\0';
        x->n++;
    }
    expansion *e = &x->v[i];
    if (e->nvariants == e->cap) {
        size_t nc = e->cap ? e->cap * 2 : 4;
        uint32_t *nv = realloc(e->variants, nc * sizeof *nv);
        if (!nv) {
            x->rc = IBID_ENOMEM;
            return 1;
        }
        e->variants = nv;
        e->cap = nc;
    }
    e->variants[e->nvariants++] = variant;
    return 0;
}

/* Most frequent first, ties by term order (= the stems' byte order, in any segment). */
static int cmp_expansion(const void *a, const void *b)
{
    const expansion *x = a, *y = b;
    if (x->df != y->df)
        return x->df > y->df ? -1 : 1;
    return x->term.ordinal < y->term.ordinal ? -1 : x->term.ordinal > y->term.ordinal;
}

/* With collection statistics: each expansion's global df, and only the expansions chosen over
   every segment (so each segment scores the same set a full build would). */
static int expansions_global(planner *pl, const char *prefix, expand_ctx *x)
{
    size_t k = 0;
    int rc = IBID_OK;
    for (size_t i = 0; i < x->n; i++) {
        expansion *e = &x->v[i];
        int keep = 0;
        if (rc == IBID_OK) {
            int r = ibid_index_term_text(pl->ev->ix, e->term.ordinal, e->text, sizeof e->text);
            if (r >= 0)
                r = keep = pl->ev->prefix_keep(pl->ev->stats_ctx, prefix, e->text);
            if (r > 0)
                r = df_of(pl, e->text, &e->term, &e->df);
            if (r < 0)
                rc = r, keep = 0;
        }
        if (keep)
            x->v[k++] = *e;
        else
            free(e->variants);
    }
    x->n = k;
    return rc;
}

static ibid_scorer *build_prefix(planner *pl, const ibid_qnode *n, int want_pos)
{
    if (n->nwords == 0 || !n->words[0].form || !*n->words[0].form)
        return empty(pl);
    const char *pre = n->words[0].form;
    expand_ctx x = {0};
    int r = ibid_index_forms_with_prefix(pl->ev->ix, pre, strlen(pre), IBID_PREFIX_MAX_FORMS, expand_cb, &x);
    ibid_scorer *s = NULL, **kids = NULL;
    ibid_role *roles = NULL;
    if (x.rc < 0 || r < 0) {
        pl->rc = x.rc < 0 ? x.rc : r;
        goto done;
    }
    for (size_t i = 0; i < x.n; i++)
        x.v[i].df = x.v[i].term.df;
    if (pl->ev->prefix_keep && (pl->rc = expansions_global(pl, pre, &x)) < 0)
        goto done;
    if (x.n == 0) {
        s = empty(pl);
        goto done;
    }
    qsort(x.v, x.n, sizeof *x.v, cmp_expansion);
    size_t m = x.n < IBID_PREFIX_MAX_TERMS ? x.n : IBID_PREFIX_MAX_TERMS;
    /* the most frequent expansions, ties by term order: the same set on every run */
    kids = calloc(m, sizeof *kids);
    roles = calloc(m, sizeof *roles);
    if (!kids || !roles) {
        pl->rc = IBID_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < m; i++) {
        expansion *e = &x.v[i];
        char label[IBID_MAX_TERM + 4];
        snprintf(label, sizeof label, "%s*", e->first_form);
        int all = e->nvariants >= e->term.nforms;
        double idf = pl->idf_override >= 0 ? pl->idf_override : ibid_bm25_idf(&pl->ev->bm, e->df);
        kids[i] = ibid_scorer_term(pl->ev, &e->term, all ? NULL : e->variants, e->nvariants, idf,
                                   label, want_pos, &pl->rc);
        if (!kids[i])
            goto done;
        roles[i] = IBID_ROLE_OPT;
    }
    s = m == 1 ? kids[0] : ibid_scorer_bool(pl->ev, kids, roles, m, 1, NULL, NULL, &pl->rc);
done:
    for (size_t i = 0; i < x.n; i++)
        free(x.v[i].variants);
    free(x.v);
    free(kids);
    free(roles);
    return s;
}

/* ---- synonyms and titles (issue 6, docs/search-quality.md) ---- */

/* The weight of what the user typed in a synonyms group (query.h: children[0]): a TERM's idf,
   a PHRASE's sum of idfs; a word not in the index weighs as a word in no passage.  Every
   variant of the group scores with this weight, so a rare spelling does not outweigh the
   common one the user meant (BUTB vs BUCE). */
static int typed_weight(planner *pl, const ibid_qnode *n, double *w)
{
    *w = 0;
    for (size_t i = 0; i < n->nwords; i++) {
        ibid_term_info ti;
        const char *t = n->words[i].term ? n->words[i].term : "";
        int r = ibid_index_lookup(pl->ev->ix, t, strlen(t), &ti);
        uint32_t df = 0;
        if (r < 0 || (r = df_of(pl, t, r ? &ti : NULL, &df)) < 0)
            return r;
        *w += ibid_bm25_idf(&pl->ev->bm, df);
    }
    return IBID_OK;
}

/* A plain word that is a clause of the root: when its stem is in the work title of some
   passages, those of its matches get a bonus (titles.h).  s matches the word. */
static ibid_scorer *with_title_bonus(planner *pl, const ibid_qnode *n, ibid_scorer *s)
{
    ibid_eval *ev = pl->ev;
    if (!s || s->doc == IBID_NO_DOC || !ev->titles || ev->title_weight <= 0 || n->exact ||
        !n->nwords || !n->words[0].term)
        return s;
    const char *t = n->words[0].term;
    ibid_term_info ti;
    int r = ibid_index_lookup(ev->ix, t, strlen(t), &ti);
    if (r <= 0) {
        if (r < 0)
            pl->rc = r;
        return r < 0 ? NULL : s;
    }
    ibid_pid_run *runs;
    long nr = ibid_titles_runs(ev->titles, t, strlen(t), &runs);
    if (nr <= 0) {
        if (nr < 0)
            pl->rc = (int)nr;
        return nr < 0 ? NULL : s;
    }
    char label[IBID_MAX_TERM + 8];
    snprintf(label, sizeof label, "title:%s", t);
    uint32_t df;
    if ((r = df_of(pl, t, &ti, &df)) < 0) {
        free(runs);
        pl->rc = r;
        return NULL;
    }
    ibid_scorer *bonus = ibid_scorer_runs(ev, runs, (size_t)nr, ev->title_weight * ibid_bm25_idf(&ev->bm, df),
                                          label, &pl->rc);
    free(runs);
    if (!bonus)
        return NULL;
    ibid_scorer *kids[2] = {s, bonus};
    ibid_role roles[2] = {IBID_ROLE_REQ, IBID_ROLE_OPT};
    return ibid_scorer_bool(ev, kids, roles, 2, 0, NULL, NULL, &pl->rc);
}

/* ---- groups ---- */

static ibid_scorer *build_bool(planner *pl, const ibid_qnode *n, int want_pos)
{
    size_t cap = n->nchildren + 1;
    ibid_scorer **kids = calloc(cap, sizeof *kids);
    ibid_role *roles = calloc(cap, sizeof *roles);
    ibid_scorer *s = NULL;
    ibid_filterset *fs = NULL;
    if (!kids || !roles) {
        pl->rc = IBID_ENOMEM;
        goto done;
    }
    size_t k = 0, npos = 0, nexcl = 0, positive_nodes = 0;
    for (size_t i = 0; i < n->nchildren; i++) {
        const ibid_qnode *c = n->children[i];
        if (ibid_filter_only(c)) {
            if (!fs && !(fs = ibid_filterset_new(&pl->ev->arena, pl->ev->ix))) {
                pl->rc = IBID_ENOMEM;
                goto done;
            }
            if ((pl->rc = ibid_filterset_add(fs, pl->an, c, c->occur)) < 0)
                goto done;
            continue;
        }
        if (c->occur != IBID_OCCUR_NOT)
            positive_nodes++;
        double saved_idf = pl->idf_override;
        int saved_root = pl->root_clause;
        if (n->synonyms && saved_idf < 0) {
            double w;
            if ((pl->rc = typed_weight(pl, n->children[0], &w)) < 0)
                goto done;
            pl->idf_override = w;
        }
        pl->root_clause = n == pl->root && !n->alternatives && c->occur != IBID_OCCUR_NOT;
        ibid_scorer *cs = build(pl, c, want_pos && c->occur != IBID_OCCUR_NOT);
        pl->idf_override = saved_idf;
        pl->root_clause = saved_root;
        if (!cs)
            goto done;
        if (is_empty(cs)) {
            if (c->occur == IBID_OCCUR_MUST) {
                s = empty(pl);
                goto done;
            }
            continue;
        }
        kids[k] = cs;
        roles[k] = c->occur == IBID_OCCUR_MUST ? IBID_ROLE_REQ
                   : c->occur == IBID_OCCUR_NOT ? IBID_ROLE_EXCL
                                                : IBID_ROLE_OPT;
        if (roles[k] == IBID_ROLE_EXCL)
            nexcl++;
        else
            npos++;
        k++;
    }
    int nfilters = fs ? ibid_filterset_count(fs) : 0;
    if (npos == 0) {
        if (positive_nodes > 0 || nfilters == 0) {
            s = empty(pl);
            goto done;
        }
        /* filters alone: every passage that passes them, minus the excluded */
        ibid_scorer *all = ibid_scorer_all(pl->ev, ibid_filterset_keep, fs, &pl->rc);
        if (!all)
            goto done;
        if (nexcl == 0) {
            s = all;
            goto done;
        }
        memmove(kids + 1, kids, k * sizeof *kids);
        memmove(roles + 1, roles, k * sizeof *roles);
        kids[0] = all;
        roles[0] = IBID_ROLE_REQ;
        k++;
        s = ibid_scorer_bool(pl->ev, kids, roles, k, 0, NULL, NULL, &pl->rc);
        goto done;
    }
    if (k == 1 && nfilters == 0) {
        s = kids[0];
        goto done;
    }
    s = ibid_scorer_bool(pl->ev, kids, roles, k, n->alternatives, nfilters ? ibid_filterset_keep : NULL,
                         fs, &pl->rc);
done:
    free(kids);
    free(roles);
    return s;
}

static ibid_scorer *build_near(planner *pl, const ibid_qnode *n)
{
    ibid_scorer **kids = calloc(n->nchildren + 1, sizeof *kids);
    ibid_role *roles = calloc(n->nchildren + 1, sizeof *roles);
    ibid_scorer *s = NULL;
    if (!kids || !roles) {
        pl->rc = IBID_ENOMEM;
        goto done;
    }
    int positional = 1;
    for (size_t i = 0; i < n->nchildren; i++) {
        kids[i] = build(pl, n->children[i], 1);
        if (!kids[i])
            goto done;
        if (is_empty(kids[i])) {
            s = empty(pl);
            goto done;
        }
        roles[i] = IBID_ROLE_REQ;
        if (!kids[i]->ops->spans)
            positional = 0;
    }
    if (n->nchildren == 0) {
        s = empty(pl);
    } else if (n->nchildren == 1) {
        s = kids[0];
    } else if (positional) {
        s = ibid_scorer_near(pl->ev, kids, n->nchildren, n->distance, &pl->rc);
    } else {
        /* a child without positions (a filter group...): all must match, anywhere */
        s = ibid_scorer_bool(pl->ev, kids, roles, n->nchildren, 0, NULL, NULL, &pl->rc);
    }
done:
    free(kids);
    free(roles);
    return s;
}

static ibid_scorer *build_filter(planner *pl, const ibid_qnode *n)
{
    ibid_filterset *fs = ibid_filterset_new(&pl->ev->arena, pl->ev->ix);
    if (!fs) {
        pl->rc = IBID_ENOMEM;
        return NULL;
    }
    if ((pl->rc = ibid_filterset_add(fs, pl->an, n, IBID_OCCUR_MUST)) < 0)
        return NULL;
    return ibid_scorer_all(pl->ev, ibid_filterset_keep, fs, &pl->rc);
}

static ibid_scorer *build(planner *pl, const ibid_qnode *n, int want_pos)
{
    int root_clause = pl->root_clause;
    pl->root_clause = 0;
    switch (n->type) {
    case IBID_Q_TERM:
        if (!n->nwords)
            return empty(pl);
        return root_clause ? with_title_bonus(pl, n, build_word(pl, &n->words[0], n->exact, want_pos))
                           : build_word(pl, &n->words[0], n->exact, want_pos);
    case IBID_Q_PHRASE:
        return build_phrase(pl, n, want_pos);
    case IBID_Q_PREFIX:
        return build_prefix(pl, n, want_pos);
    case IBID_Q_BOOL:
        return build_bool(pl, n, want_pos);
    case IBID_Q_NEAR:
        return build_near(pl, n);
    case IBID_Q_FILTER:
        return build_filter(pl, n);
    }
    return empty(pl);
}

int ibid_plan_build(ibid_eval *ev, ibid_analyzer *an, const ibid_query *q, ibid_scorer **root)
{
    planner pl = {ev, an, IBID_OK, -1, 0, q->root};
    *root = NULL;
    ibid_scorer *s;
    if (!q->root || q->root->occur == IBID_OCCUR_NOT)
        s = empty(&pl);
    else {
        pl.root_clause = 1; /* a root that is one word */
        s = build(&pl, q->root, 0);
    }
    if (!s)
        return pl.rc < 0 ? pl.rc : IBID_ENOMEM;
    *root = s;
    return IBID_OK;
}
