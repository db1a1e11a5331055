/*
 * search.c - one query end to end (see search.h): parse (query.h) -> plan (plan.h) ->
 * evaluate into a top-k heap (collect.h) -> fetch the hits from the passage store (index.h)
 * -> make its strings valid UTF-8 -> highlight and cut snippets (snippet.h) -> format
 * (output.h).
 *
 * --explain prints the parsed query (ibid_query_format), then re-plans the query and walks
 * the fresh tree over the hits in passage order, asking each scoring leaf that matches for its
 * BM25 terms.
 *
 * Issue 6 (docs/search-quality.md): the parser expands variant names (synonyms.h); the plan
 * adds the title bonus (titles.h, built on the first query that needs it); near-duplicates
 * are grouped over a window of 3 * (offset + limit) hits, whose passages are all read to
 * compare their texts (dedup.h), their highlights taken from the same analysis; an unknown word gets a did-you-mean (suggest.h).
 * With --rank abstracts the best IBID_RERANK_DEPTH hits are re-ranked (rerank.h) before the
 * grouping; the default path does none of it.
 */
#include "search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "analyze.h"
#include "collect.h"
#include "dedup.h"
#include "plan.h"
#include "query.h"
#include "rerank.h"
#include "snippet.h"
#include "status.h"
#include "suggest.h"
#include "titles.h"

/* A stem's collection df, cached for one query (issue 7: every segment asks for the same). */
typedef struct df_entry {
    const char *term; /* in the query arena */
    uint32_t hash, df;
} df_entry;

/* The expansions of a prefix chosen over every segment: stems in byte order. */
typedef struct prefix_choice {
    const char *prefix;
    const char **terms;
    size_t n;
} prefix_choice;

struct ibid_searcher {
    const ibid_reader *r;
    ibid_reader *owned_reader; /* the wrap of ibid_searcher_new */
    size_t nseg;
    int global;                /* several segments or deletions: statistics from the reader */
    size_t *order;             /* segments by live passages, largest first */
    const ibid_index **ixs;    /* the segments' indexes, in reader order */
    const ibid_deletions **dels; /* and their deletions (NULL entries: none) */
    ibid_analyzer *an;
    ibid_search_opts o;
    const ibid_diag *diag;
    ibid_titles **titles;      /* per segment, built on first use when o.title_weight > 0 */
    int titles_failed;
    /* per query (reset by query_stats_reset) */
    ibid_arena qa;
    df_entry *dfs;
    size_t ndfs, capdfs;       /* capdfs: power of two, or 0 */
    prefix_choice *prefixes;
    size_t nprefixes;
};

void ibid_search_opts_default(ibid_search_opts *o)
{
    memset(o, 0, sizeof *o);
    o->limit = 10;
    o->format = IBID_OUT_TEXT;
    o->k1 = IBID_BM25_K1;
    o->b = IBID_BM25_B;
    o->title_weight = IBID_TITLE_WEIGHT;
}

int ibid_searcher_new_reader(const ibid_reader *r, const ibid_search_opts *o, const ibid_diag *diag,
                             ibid_searcher **out)
{
    *out = NULL;
    ibid_searcher *s = calloc(1, sizeof *s);
    if (!s)
        return IBID_ENOMEM;
    s->r = r;
    s->nseg = ibid_reader_segment_count(r);
    s->order = calloc(s->nseg ? s->nseg : 1, sizeof *s->order);
    s->ixs = calloc(s->nseg ? s->nseg : 1, sizeof *s->ixs);
    s->dels = calloc(s->nseg ? s->nseg : 1, sizeof *s->dels);
    s->titles = calloc(s->nseg ? s->nseg : 1, sizeof *s->titles);
    s->an = ibid_analyzer_new();
    if (!s->order || !s->ixs || !s->dels || !s->titles || !s->an) {
        ibid_searcher_free(s);
        return IBID_ENOMEM;
    }
    for (size_t i = 0; i < s->nseg; i++) {
        const ibid_segment_view *v = ibid_reader_segment(r, i);
        s->ixs[i] = v->ix;
        s->dels[i] = v->del;
        s->global |= v->del != NULL;
        /* insertion by live passages, largest first: its hits fill the heap early, so the
           threshold prunes the other segments */
        size_t j = i;
        while (j > 0 && ibid_reader_segment(r, s->order[j - 1])->live < v->live) {
            s->order[j] = s->order[j - 1];
            j--;
        }
        s->order[j] = i;
    }
    s->global |= s->nseg > 1;
    s->o = *o;
    s->diag = diag;
    *out = s;
    return IBID_OK;
}

int ibid_searcher_new(const ibid_index *ix, const ibid_search_opts *o, const ibid_diag *diag,
                      ibid_searcher **out)
{
    ibid_reader *r;
    int rc = ibid_reader_wrap(ix, &r);
    if (rc < 0)
        return rc;
    if ((rc = ibid_searcher_new_reader(r, o, diag, out)) < 0) {
        ibid_reader_close(r);
        return rc;
    }
    (*out)->owned_reader = r;
    return IBID_OK;
}

void ibid_searcher_free(ibid_searcher *s)
{
    if (!s)
        return;
    ibid_analyzer_free(s->an);
    for (size_t i = 0; s->titles && i < s->nseg; i++)
        ibid_titles_free(s->titles[i]);
    free(s->titles);
    free(s->order);
    free(s->ixs);
    free(s->dels);
    free(s->dfs);
    free(s->prefixes);
    ibid_arena_free(&s->qa);
    ibid_reader_close(s->owned_reader);
    free(s);
}

ibid_analyzer *ibid_searcher_analyzer(ibid_searcher *s) { return s->an; }

void ibid_searcher_set_synonyms(ibid_searcher *s, const struct ibid_synonyms *syn) { s->o.synonyms = syn; }

static int parse(ibid_searcher *s, const char *qid, const char *text, size_t len, ibid_query *q)
{
    memset(q, 0, sizeof *q);
    int rc = ibid_query_parse_syn(s->an, s->o.synonyms, text, len, q);
    const char *what = s->o.batch && qid ? "query " : "", *sep = s->o.batch && qid ? ": " : "";
    if (!s->o.batch || !qid)
        qid = "";
    if (rc < 0) {
        if (q->warning[0])
            ibid_diagf(s->diag, NULL, 0, "%s%s%s%s", what, qid, sep, q->warning);
        else
            ibid_diagf(s->diag, NULL, 0, "%s%s%s%s", what, qid, sep, ibid_strerror(rc));
        ibid_query_free(q);
        return rc;
    }
    if (q->warning[0])
        ibid_diagf(s->diag, NULL, 0, "%s%s%s%s", what, qid, sep, q->warning);
    return IBID_OK;
}

/* ---- collection statistics over the segments (issue 7) ---- */

static void query_stats_reset(ibid_searcher *s)
{
    ibid_arena_free(&s->qa);
    if (s->dfs)
        memset(s->dfs, 0, s->capdfs * sizeof *s->dfs);
    s->ndfs = 0;
    s->nprefixes = 0;
}

static uint32_t str_hash(const char *t, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)t[i]) * 16777619u;
    return h;
}

/* Doubles the cache (rehashing).  IBID_OK or IBID_ENOMEM. */
static int dfs_grow(ibid_searcher *s)
{
    size_t nc = s->capdfs ? 2 * s->capdfs : 64;
    df_entry *nv = calloc(nc, sizeof *nv);
    if (!nv)
        return IBID_ENOMEM;
    for (size_t i = 0; i < s->capdfs; i++) {
        if (!s->dfs[i].term)
            continue;
        size_t j = s->dfs[i].hash & (nc - 1);
        while (nv[j].term)
            j = (j + 1) & (nc - 1);
        nv[j] = s->dfs[i];
    }
    free(s->dfs);
    s->dfs = nv;
    s->capdfs = nc;
    return IBID_OK;
}

/* ibid_eval.df for a multi-segment reader: the collection df, asked of the reader once per
   stem and query. */
static int stats_df(void *ctx, const char *term, size_t len, uint32_t *df)
{
    ibid_searcher *s = ctx;
    uint32_t h = str_hash(term, len);
    size_t j = 0;
    for (j = h & (s->capdfs - 1); s->capdfs && s->dfs[j].term; j = (j + 1) & (s->capdfs - 1))
        if (s->dfs[j].hash == h && strncmp(s->dfs[j].term, term, len) == 0 && s->dfs[j].term[len] == '\0') {
            *df = s->dfs[j].df;
            return IBID_OK;
        }
    int rc = ibid_reader_df(s->r, term, len, df);
    if (rc < 0)
        return rc;
    char *copy = ibid_arena_strndup(&s->qa, term, len);
    if (!copy || (2 * (s->ndfs + 1) > s->capdfs && dfs_grow(s) < 0))
        return IBID_ENOMEM;
    for (j = h & (s->capdfs - 1); s->dfs[j].term; j = (j + 1) & (s->capdfs - 1))
        ;
    s->dfs[j] = (df_entry){copy, h, *df};
    s->ndfs++;
    return IBID_OK;
}

typedef struct prefix_scan {
    ibid_searcher *s;
    const ibid_index *ix;
    ibid_buf terms; /* const char * (query arena), one per stem */
    int rc;
} prefix_scan;

static int prefix_visit(void *ctx, const char *form, size_t form_len, const ibid_term_info *t, uint32_t variant)
{
    (void)form;
    (void)form_len;
    (void)variant;
    prefix_scan *x = ctx;
    char text[IBID_MAX_TERM + 1];
    int n = ibid_index_term_text(x->ix, t->ordinal, text, sizeof text);
    char *copy = n < 0 ? NULL : ibid_arena_strndup(&x->s->qa, text, (size_t)n);
    if (n < 0 || !copy || ibid_buf_put(&x->terms, &copy, sizeof copy) < 0) {
        x->rc = n < 0 ? n : IBID_ENOMEM;
        return 1;
    }
    return 0;
}

/* A candidate stem of a prefix with its collection df (sorted without global state: searchers
   on several threads may choose at once). */
typedef struct choice {
    const char *term;
    uint32_t df;
} choice;

static int cmp_choice(const void *a, const void *b)
{
    const choice *x = a, *y = b;
    if (x->df != y->df)
        return x->df > y->df ? -1 : 1;
    return strcmp(x->term, y->term);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Chooses the expansions of prefix over every segment as a full build would: the
   IBID_PREFIX_MAX_TERMS most frequent stems (collection df), ties by byte order. */
static int choose_prefix(ibid_searcher *s, const char *prefix, prefix_choice *out)
{
    prefix_scan x = {s, NULL, {0}, IBID_OK};
    int rc = IBID_OK;
    for (size_t i = 0; i < s->nseg && rc == IBID_OK; i++) {
        x.ix = s->ixs[i];
        rc = ibid_index_forms_with_prefix(x.ix, prefix, strlen(prefix), IBID_PREFIX_MAX_FORMS, prefix_visit, &x);
        if (x.rc < 0)
            rc = x.rc;
    }
    const char **v = (const char **)x.terms.data;
    size_t n = x.terms.len / sizeof *v, m = 0;
    choice *c = NULL;
    if (rc >= 0 && n) {
        qsort(v, n, sizeof *v, cmp_str);
        c = malloc(n * sizeof *c);
        if (!c)
            rc = IBID_ENOMEM;
        for (size_t i = 0; i < n && rc >= 0; i++)
            if (m == 0 || strcmp(c[m - 1].term, v[i]) != 0) {
                c[m].term = v[i];
                rc = stats_df(s, v[i], strlen(v[i]), &c[m].df);
                m++;
            }
        if (rc >= 0) {
            qsort(c, m, sizeof *c, cmp_choice);
            if (m > IBID_PREFIX_MAX_TERMS)
                m = IBID_PREFIX_MAX_TERMS;
            for (size_t i = 0; i < m; i++)
                v[i] = c[i].term;
            qsort(v, m, sizeof *v, cmp_str);
        }
        free(c);
    }
    const char **keep = ibid_arena_alloc(&s->qa, (m ? m : 1) * sizeof *keep);
    char *pcopy = ibid_arena_strndup(&s->qa, prefix, strlen(prefix));
    if (rc >= 0 && (!keep || !pcopy))
        rc = IBID_ENOMEM;
    if (rc >= 0) {
        memcpy(keep, v, m * sizeof *keep);
        *out = (prefix_choice){pcopy, keep, m};
    }
    ibid_buf_free(&x.terms);
    return rc < 0 ? rc : IBID_OK;
}

static int stats_prefix_keep(void *ctx, const char *prefix, const char *term)
{
    ibid_searcher *s = ctx;
    size_t i;
    for (i = 0; i < s->nprefixes; i++)
        if (strcmp(s->prefixes[i].prefix, prefix) == 0)
            break;
    if (i == s->nprefixes) {
        prefix_choice c;
        int rc = choose_prefix(s, prefix, &c);
        if (rc < 0)
            return rc;
        prefix_choice *nv = realloc(s->prefixes, (s->nprefixes + 1) * sizeof *nv);
        if (!nv)
            return IBID_ENOMEM;
        s->prefixes = nv;
        s->prefixes[s->nprefixes++] = c;
    }
    const prefix_choice *c = &s->prefixes[i];
    return bsearch(&term, c->terms, c->n, sizeof *c->terms, cmp_str) != NULL;
}

/* Prepares an evaluation context for segment i: BM25 parameters and statistics (the
   segment's own, or the collection's). */
static void eval_base(ibid_searcher *s, ibid_eval *ev, size_t i)
{
    const ibid_index *ix = s->ixs[i];
    if (s->global) {
        ibid_eval_init_global(ev, ix, s->o.k1, s->o.b, ibid_reader_passage_count(s->r), ibid_reader_avg_len(s->r));
        ev->df = stats_df;
        ev->prefix_keep = stats_prefix_keep;
        ev->stats_ctx = s;
    } else {
        ibid_eval_init(ev, ix, s->o.k1, s->o.b);
    }
}

/* Builds segment i's work titles once.  IBID_OK (titles_failed set when unreadable) or
   IBID_ENOMEM. */
static int titles_ready(ibid_searcher *s, size_t i)
{
    if (!s->titles[i] && !s->titles_failed) {
        int rc = ibid_titles_build(s->ixs[i], s->an, 0, &s->titles[i]);
        if (rc == IBID_ENOMEM)
            return rc;
        if (rc < 0) {
            s->titles_failed = 1; /* a corrupt name table: search without the bonus */
            ibid_diagf(s->diag, NULL, 0, "titles unreadable (%s): no title bonus", ibid_strerror(rc));
        }
    }
    return IBID_OK;
}

/* eval_base and the title field. */
static int eval_init(ibid_searcher *s, ibid_eval *ev, size_t i)
{
    eval_base(s, ev, i);
    if (s->o.title_weight <= 0)
        return IBID_OK;
    int rc = titles_ready(s, i);
    if (rc < 0)
        return rc;
    ev->titles = s->titles_failed ? NULL : s->titles[i];
    ev->title_weight = s->o.title_weight;
    return IBID_OK;
}

static int topk_of(ibid_searcher *s, const ibid_query *q, int exhaustive, ibid_topk *top)
{
    int rc = IBID_OK;
    for (size_t k = 0; k < s->nseg && rc == IBID_OK; k++) {
        size_t i = s->order[k];
        const ibid_segment_view *v = ibid_reader_segment(s->r, i);
        if (v->live == 0)
            continue;
        ibid_eval ev;
        if ((rc = eval_init(s, &ev, i)) < 0)
            return rc;
        ibid_scorer *root;
        rc = ibid_plan_build(&ev, s->an, q, &root);
        ibid_topk_segment(top, s->global ? v : NULL, s->nseg > 1);
        if (rc == IBID_OK)
            rc = exhaustive ? ibid_collect_exhaustive(root, top) : ibid_collect_pruned(root, top);
        ibid_eval_free(&ev);
    }
    ibid_topk_segment(top, NULL, 0);
    if (rc == IBID_OK)
        ibid_topk_sort(top);
    return rc;
}

int ibid_search_topk(ibid_searcher *s, const char *text, size_t len, int exhaustive, ibid_topk *top)
{
    ibid_query q;
    int rc = parse(s, NULL, text, len, &q);
    if (rc < 0)
        return rc;
    query_stats_reset(s);
    rc = topk_of(s, &q, exhaustive, top);
    ibid_query_free(&q);
    return rc;
}

/* --rank abstracts: re-ranks top's best hits (rerank.h) with every segment's work titles;
   feat as ibid_rerank fills it. */
static int rerank_top(ibid_searcher *s, const char *text, size_t len, ibid_topk *top, ibid_rerank_feat *feat)
{
    for (size_t i = 0; i < s->nseg; i++) {
        int rc = titles_ready(s, i);
        if (rc < 0)
            return rc;
    }
    return ibid_rerank(s->r, s->an, s->titles_failed ? NULL : s->titles, text, len, top->v, top->n, feat);
}

/* --explain with --rank abstracts: the features and the combined score as one line of x (its
   label in a; idf: the matched words' idf, tf: how many words matched). */
static int explain_rerank(ibid_arena *a, const ibid_rerank_feat *f, ibid_explain_list *x)
{
    char line[320];
    snprintf(line, sizeof line,
             "rank abstracts: bm25 %.4f + %g dph %.4f + %g midf %.4f - %g ln(len+1) %.4f + %g prox %.4f + %g titleb %.4f",
             f->bm25, IBID_RERANK_W_DPH, f->dph, IBID_RERANK_W_MIDF, f->midf, -IBID_RERANK_W_LOGLEN, f->loglen,
             IBID_RERANK_W_PROX, f->prox, IBID_RERANK_W_TITLEB, f->titleb);
    char *label = ibid_arena_strndup(a, line, strlen(line));
    if (!label)
        return IBID_ENOMEM;
    return ibid_explain_push(x, label, f->midf, f->matched, f->len, f->score);
}

static int count_of(ibid_searcher *s, const ibid_query *q, uint64_t *n)
{
    *n = 0;
    int rc = IBID_OK;
    for (size_t i = 0; i < s->nseg && rc == IBID_OK; i++) {
        const ibid_segment_view *v = ibid_reader_segment(s->r, i);
        ibid_eval ev;
        eval_base(s, &ev, i);
        ibid_scorer *root;
        uint64_t c = 0;
        rc = ibid_plan_build(&ev, s->an, q, &root);
        if (rc == IBID_OK)
            rc = ibid_collect_count_live(root, v->del, &c);
        *n += c;
        ibid_eval_free(&ev);
    }
    return rc;
}

/* s as valid UTF-8: s itself when it is, else a copy in a with every invalid byte replaced
   by U+FFFD (JSON and terminals need valid UTF-8; a damaged index could hold anything).
   *oom is set when the copy fails. */
static const char *clean_utf8(ibid_arena *a, const char *s, int *oom)
{
    if (!s)
        return NULL;
    size_t n = strlen(s), i = 0;
    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
    utf8proc_int32_t cp;
    while (i < n) {
        uint64_t w; /* eight ASCII bytes at a time (no NUL before n) */
        while (n - i >= 8 && (memcpy(&w, u + i, 8), (w & 0x8080808080808080ULL) == 0))
            i += 8;
        if (i == n)
            break;
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        utf8proc_ssize_t l = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
        if (l <= 0)
            break;
        i += (size_t)l;
    }
    if (i == n)
        return s;
    char *out = ibid_arena_alloc(a, 3 * n + 1), *o = out;
    if (!out) {
        *oom = 1;
        return s;
    }
    for (i = 0; i < n;) {
        utf8proc_ssize_t l = u[i] < 0x80 ? 1 : utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
        if (l > 0) {
            memcpy(o, s + i, (size_t)l);
            o += l;
            i += (size_t)l;
        } else {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    *o = '\0';
    return out;
}

/* s copied into a as valid UTF-8 (the cleaned copy of clean_utf8, else a plain copy).  *oom is
   set when a copy fails. */
static const char *keep_utf8(ibid_arena *a, const char *s, int *oom)
{
    if (!s)
        return NULL;
    const char *c = clean_utf8(a, s, oom);
    if (c != s)
        return c;
    char *copy = ibid_arena_strndup(a, s, strlen(s));
    if (!copy)
        *oom = 1;
    return copy ? copy : s;
}

/* Reads passage gid into *p with every string copied into a (valid UTF-8), and frees the
   stored passage at once: each stored passage holds a 64 KiB arena chunk of its own, so the
   30 passages of a grouping window kept as read would grow the heap by 2 MB (a page fault
   and a brk call for every few of them); copied, the window takes a few KiB and every read
   reuses the chunk the last one freed.  IBID_OK or the read's error (*p zeroed then). */
static int read_kept(const ibid_reader *r, uint32_t gid, ibid_arena *a, ibid_passage *p)
{
    ibid_stored_passage sp;
    memset(p, 0, sizeof *p);
    int rc = ibid_reader_get_passage(r, gid, &sp);
    if (rc < 0)
        return rc;
    int oom = 0;
    *p = sp.p;
    p->file = keep_utf8(a, sp.p.file, &oom);
    p->work = keep_utf8(a, sp.p.work, &oom);
    p->chapter = keep_utf8(a, sp.p.chapter, &oom);
    p->id = keep_utf8(a, sp.p.id, &oom);
    p->text = keep_utf8(a, sp.p.text ? sp.p.text : "", &oom);
    p->cites = NULL;
    if (sp.p.ncites && sp.p.cites) {
        ibid_cite *c = ibid_arena_alloc(a, sp.p.ncites * sizeof *c);
        if (!c)
            oom = 1;
        for (size_t i = 0; c && i < sp.p.ncites; i++) {
            c[i] = sp.p.cites[i];
            c[i].text = keep_utf8(a, c[i].text, &oom);
        }
        p->cites = c;
    }
    ibid_stored_passage_free(&sp);
    if (oom) {
        memset(p, 0, sizeof *p);
        return IBID_ENOMEM;
    }
    return IBID_OK;
}

/* Makes every string of p valid UTF-8 (copies in a when needed).  IBID_OK or IBID_ENOMEM. */
static int clean_passage(ibid_arena *a, ibid_passage *p)
{
    int oom = 0;
    p->file = clean_utf8(a, p->file, &oom);
    p->work = clean_utf8(a, p->work, &oom);
    p->chapter = clean_utf8(a, p->chapter, &oom);
    p->id = clean_utf8(a, p->id, &oom);
    p->text = clean_utf8(a, p->text ? p->text : "", &oom);
    if (p->ncites && p->cites) {
        ibid_cite *c = ibid_arena_alloc(a, p->ncites * sizeof *c);
        if (!c)
            return IBID_ENOMEM;
        for (size_t i = 0; i < p->ncites; i++) {
            c[i] = p->cites[i];
            c[i].text = clean_utf8(a, c[i].text, &oom);
        }
        p->cites = c;
    }
    return oom ? IBID_ENOMEM : IBID_OK;
}

typedef struct explain_job {
    uint32_t pid; /* local to the segment */
    size_t hit;   /* index into the hit array */
} explain_job;

static int cmp_job(const void *a, const void *b)
{
    const explain_job *x = a, *y = b;
    return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Fills ex[i] for hits[i] (i < n): per segment holding hits, re-plans the query in evs[seg]
   (initialised here, *ninit of them, freed by the caller) and walks the fresh tree over that
   segment's hits in passage order.  Labels stay valid while the evs live. */
static int explain_hits(ibid_searcher *s, const ibid_query *q, ibid_eval *evs, char *inited,
                        const ibid_hit *hits, size_t n, ibid_explain_list *ex)
{
    explain_job *jobs = malloc((n ? n : 1) * sizeof *jobs);
    if (!jobs)
        return IBID_ENOMEM;
    int rc = IBID_OK;
    for (size_t seg = 0; seg < s->nseg && rc == IBID_OK; seg++) {
        size_t nj = 0;
        for (size_t i = 0; i < n; i++) {
            size_t hs;
            uint32_t local;
            if (ibid_reader_locate(s->r, hits[i].pid, &hs, &local) == IBID_OK && hs == seg)
                jobs[nj++] = (explain_job){local, i};
        }
        if (nj == 0)
            continue;
        if ((rc = eval_init(s, &evs[seg], seg)) < 0)
            break;
        inited[seg] = 1;
        ibid_scorer *root;
        if ((rc = ibid_plan_build(&evs[seg], s->an, q, &root)) < 0)
            break;
        qsort(jobs, nj, sizeof *jobs, cmp_job);
        for (size_t i = 0; i < nj && rc == IBID_OK; i++) {
            if ((rc = ibid_scorer_advance(root, jobs[i].pid)) < 0)
                break;
            if (root->doc == jobs[i].pid)
                rc = root->ops->explain(root, &ex[jobs[i].hit]);
        }
    }
    free(jobs);
    return rc;
}

/* Reports the did-you-mean of the query (if any) and keeps it in *sugg (NULL when none). */
static int suggest(ibid_searcher *s, const char *qid, const char *text, size_t len, ibid_buf *buf,
                   const char **sugg)
{
    *sugg = NULL;
    if (s->o.no_suggest)
        return IBID_OK;
    size_t changed = 0;
    int rc = ibid_suggest_multi(s->ixs, s->dels, s->nseg, s->an, text, len, buf, &changed);
    if (rc < 0 || !changed)
        return rc == IBID_ECORRUPT ? IBID_OK : rc; /* a damaged dictionary: no suggestion */
    *sugg = buf->data;
    if (s->o.batch && qid)
        ibid_diagf(s->diag, NULL, 0, "query %s: did you mean: %s?", qid, buf->data);
    else
        ibid_diagf(s->diag, NULL, 0, "did you mean: %s?", buf->data);
    return IBID_OK;
}

/* ibid_dedup_signature_tokens hands the window's tokens to the highlighter (one analysis of
   each passage instead of two). */
typedef struct hl_feed {
    ibid_highlighter *hl;
    size_t len;
    ibid_ranges *out;
} hl_feed;

static int feed_highlight(void *ctx, const ibid_token *t)
{
    hl_feed *f = ctx;
    return ibid_highlight_token(f->hl, t, f->len, f->out);
}

/* One shown hit: its index in the top-k, and the indices of the near-duplicates grouped
   under it (rank order). */
typedef struct shown_hit {
    size_t top;
    size_t first_dup, ndups; /* into the dup index array */
} shown_hit;

int ibid_search_run(ibid_searcher *s, const char *qid, const char *text, size_t len, ibid_buf *out,
                    uint64_t *matched)
{
    *matched = 0;
    ibid_query q;
    int rc = parse(s, qid, text, len, &q);
    if (rc < 0)
        return rc;
    query_stats_reset(s);
    ibid_buf sugg_buf = {0};
    const char *sugg = NULL;
    if ((rc = suggest(s, qid, text, len, &sugg_buf, &sugg)) < 0) {
        ibid_query_free(&q);
        ibid_buf_free(&sugg_buf);
        return rc;
    }
    if (s->o.count) {
        uint64_t n = 0;
        rc = count_of(s, &q, &n);
        if (rc == IBID_OK) {
            *matched = n;
            rc = s->o.batch ? ibid_buf_printf(out, "%s\t%llu\n", qid, (unsigned long long)n)
                            : ibid_buf_printf(out, "%llu\n", (unsigned long long)n);
        }
        ibid_query_free(&q);
        ibid_buf_free(&sugg_buf);
        return rc;
    }
    size_t k = s->o.offset + s->o.limit;
    if (k < s->o.offset)
        k = SIZE_MAX / sizeof(ibid_hit);
    uint32_t np = ibid_reader_passage_count(s->r);
    if (k > np)
        k = np;
    int want_one = k == 0 && np > 0; /* -n 0: still tell whether anything matched */
    int group = !s->o.all && !want_one;
    size_t kwin = k;
    if (group)
        kwin = k > np / 3 ? np : 3 * k; /* the window that grouping looks at */
    ibid_topk top = {0};
    ibid_eval *exev = NULL; /* --explain: one context per segment holding hits */
    char *exinit = NULL;
    ibid_explain_list *ex = NULL;
    size_t nex = 0;
    ibid_highlighter *hl = NULL;
    ibid_ranges ranges = {0};
    ibid_ranges *wrng = NULL; /* the window's highlights (when grouping and snippets are shown) */
    int need_snip = s->o.format == IBID_OUT_TEXT || s->o.format == IBID_OUT_JSON ||
                    (s->o.format == IBID_OUT_GREP && s->o.color);
    ibid_buf parsed = {0};
    ibid_passage *win = NULL; /* the window's passages, when grouping (strings in clean) */
    ibid_dedup_sig *sig = NULL;
    size_t *grp = NULL, *dupidx = NULL, nwin = 0;
    shown_hit *shown = NULL;
    ibid_hit *shown_hits = NULL;
    ibid_out_dup *dups = NULL;
    ibid_arena clean = {0}; /* cleaned copies of the hits' strings (all kept until the end) */
    int rerank = s->o.rank == IBID_RANK_ABSTRACTS && !want_one;
    ibid_rerank_feat *feat = NULL; /* --rank abstracts: the features of the re-ranked hits */
    size_t nfeat = 0, kheap = kwin;
    if (rerank && kheap < IBID_RERANK_DEPTH)
        kheap = IBID_RERANK_DEPTH < np ? IBID_RERANK_DEPTH : np;
    if ((rc = ibid_topk_init(&top, want_one ? 1 : kheap)) < 0)
        goto done;
    if ((rc = topk_of(s, &q, s->o.exhaustive, &top)) < 0)
        goto done;
    if (rerank) {
        nfeat = top.n < IBID_RERANK_DEPTH ? top.n : IBID_RERANK_DEPTH;
        if (!(feat = calloc(nfeat ? nfeat : 1, sizeof *feat))) {
            rc = IBID_ENOMEM;
            goto done;
        }
        if ((rc = rerank_top(s, text, len, &top, feat)) < 0)
            goto done;
        if (top.n > kwin)
            top.n = kwin;
    }
    if (want_one) {
        *matched = top.n;
        goto done;
    }
    /* which hits are shown, each with its near-duplicates */
    size_t nshown = 0, ndupidx = 0;
    shown = calloc(top.n ? top.n : 1, sizeof *shown);
    dupidx = calloc(top.n ? top.n : 1, sizeof *dupidx);
    if (!shown || !dupidx) {
        rc = IBID_ENOMEM;
        goto done;
    }
    if (group) {
        nwin = top.n;
        win = calloc(nwin ? nwin : 1, sizeof *win);
        sig = calloc(nwin ? nwin : 1, sizeof *sig);
        grp = calloc(nwin ? nwin : 1, sizeof *grp);
        if (!win || !sig || !grp) {
            rc = IBID_ENOMEM;
            goto done;
        }
        if (need_snip && ((rc = ibid_highlighter_new(&q, &hl)) < 0 ||
                          !(wrng = calloc(nwin ? nwin : 1, sizeof *wrng)))) {
            rc = rc < 0 ? rc : IBID_ENOMEM;
            goto done;
        }
        for (size_t i = 0; i < nwin; i++) {
            if ((rc = read_kept(s->r, top.v[i].pid, &clean, &win[i])) < 0)
                goto done;
            const char *t = win[i].text;
            size_t tl = strlen(t);
            hl_feed f = {hl, tl, wrng ? &wrng[i] : NULL};
            if (wrng)
                ibid_highlight_begin(hl, s->an, &wrng[i]);
            if ((rc = ibid_dedup_signature_tokens(s->an, t, tl, win[i].kind, wrng ? feed_highlight : NULL, &f,
                                                  &sig[i])) < 0)
                goto done;
            if (wrng)
                ibid_highlight_end(&wrng[i]);
        }
        long nl = ibid_dedup_group(sig, nwin, k, grp);
        if (nl < 0) {
            rc = (int)nl;
            goto done;
        }
        *matched = (uint64_t)nl;
        size_t leader_no = 0;
        for (size_t i = 0; i < nwin; i++) {
            if (grp[i] != i)
                continue;
            if (leader_no++ < s->o.offset)
                continue;
            shown_hit *sh = &shown[nshown++];
            sh->top = i;
            sh->first_dup = ndupidx;
            for (size_t j = i + 1; j < nwin; j++)
                if (grp[j] == i)
                    dupidx[ndupidx++] = j;
            sh->ndups = ndupidx - sh->first_dup;
        }
    } else {
        *matched = top.n;
        for (size_t i = s->o.offset; i < top.n; i++)
            shown[nshown++] = (shown_hit){i, 0, 0};
    }
    if (nshown == 0)
        goto done;
    shown_hits = malloc(nshown * sizeof *shown_hits);
    dups = malloc((ndupidx ? ndupidx : 1) * sizeof *dups);
    if (!shown_hits || !dups) {
        rc = IBID_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < nshown; i++)
        shown_hits[i] = top.v[shown[i].top];
    for (size_t i = 0; i < ndupidx; i++)
        dups[i] = (ibid_out_dup){&win[dupidx[i]], top.v[dupidx[i]].score};
    if (s->o.explain) {
        ex = calloc(nshown, sizeof *ex);
        if (!ex) {
            rc = IBID_ENOMEM;
            goto done;
        }
        nex = nshown;
        exev = calloc(s->nseg ? s->nseg : 1, sizeof *exev);
        exinit = calloc(s->nseg ? s->nseg : 1, 1);
        if (!exev || !exinit) {
            rc = IBID_ENOMEM;
            goto done;
        }
        if ((rc = explain_hits(s, &q, exev, exinit, shown_hits, nshown, ex)) < 0)
            goto done;
        for (size_t i = 0; feat && i < nshown; i++)
            if (shown[i].top < nfeat && (rc = explain_rerank(&clean, &feat[shown[i].top], &ex[i])) < 0)
                goto done;
    }
    if (!hl && (rc = ibid_highlighter_new(&q, &hl)) < 0)
        goto done;
    if (s->o.batch && s->o.format == IBID_OUT_TEXT &&
        (rc = ibid_output_query_header(out, qid, text, s->o.color)) < 0)
        goto done;
    if (s->o.explain) {
        if ((rc = ibid_query_format(&q, &parsed)) < 0)
            goto done;
        if (s->o.format == IBID_OUT_TEXT) {
            if ((rc = ibid_output_parsed_query(out, parsed.data ? parsed.data : "")) < 0)
                goto done;
        } else if (s->o.format != IBID_OUT_JSON) {
            ibid_diagf(s->diag, NULL, 0, "query %s: %s", qid, parsed.data ? parsed.data : "");
        }
    }
    for (size_t i = 0; i < nshown; i++) {
        ibid_stored_passage own;
        memset(&own, 0, sizeof own);
        const ibid_passage *sp = group ? &win[shown[i].top] : &own.p;
        if (!group && ((rc = ibid_reader_get_passage(s->r, shown_hits[i].pid, &own)) < 0 ||
                       (rc = clean_passage(&clean, &own.p)) < 0)) {
            ibid_stored_passage_free(&own);
            goto done;
        }
        const char *t = sp->text;
        size_t tl = strlen(t), ss = 0, se = tl;
        const ibid_ranges *rg = wrng ? &wrng[shown[i].top] : &ranges;
        if (need_snip && !wrng && (rc = ibid_highlight(hl, s->an, t, tl, &ranges)) < 0) {
            ibid_stored_passage_free(&own);
            goto done;
        }
        if (!need_snip)
            ranges.n = 0;
        else
            ibid_snippet_window(t, tl, rg, IBID_SNIPPET_BYTES, &ss, &se);
        ibid_out_hit h = {qid, s->o.offset + i + 1, shown_hits[i].score, sp, ss, se, rg,
                          ex ? &ex[i] : NULL, ex ? (parsed.data ? parsed.data : "") : NULL,
                          dups + shown[i].first_dup, shown[i].ndups, group, sugg};
        /* trec numbers lines: the copies listed with the earlier hits came first (output.h) */
        rc = ibid_output_hit_at(out, s->o.format, &h, s->o.color, h.rank + shown[i].first_dup);
        ibid_stored_passage_free(&own);
        if (rc < 0)
            goto done;
    }
done:
    if (ex) {
        for (size_t i = 0; i < nex; i++)
            ibid_explain_free(&ex[i]);
        free(ex);
    }
    for (size_t i = 0; sig && i < nwin; i++)
        ibid_dedup_sig_free(&sig[i]);
    free(win);
    free(sig);
    free(grp);
    free(dupidx);
    free(shown);
    free(shown_hits);
    free(dups);
    ibid_ranges_free(&ranges);
    for (size_t i = 0; wrng && i < nwin; i++)
        ibid_ranges_free(&wrng[i]);
    free(wrng);
    ibid_buf_free(&parsed);
    ibid_buf_free(&sugg_buf);
    ibid_arena_free(&clean);
    ibid_highlighter_free(hl);
    for (size_t i = 0; exinit && i < s->nseg; i++)
        if (exinit[i])
            ibid_eval_free(&exev[i]);
    free(exev);
    free(exinit);
    free(feat);
    ibid_topk_free(&top);
    ibid_query_free(&q);
    return rc;
}
