/*
 * filter.c - metadata filters (see filter.h).
 *
 * Each clause is compiled into a small expression tree (fexpr): leaves are single filters,
 * inner nodes are filter-only groups with the MUST / NOT / SHOULD rule.  Work and chapter
 * leaves carry one byte per title, computed when the clause is added.
 */
#include "filter.h"

#include <string.h>

#include "status.h"

typedef struct fexpr fexpr;
struct fexpr {
    int leaf;
    ibid_occur occur;  /* within its parent group (or the set) */
    /* leaf */
    ibid_filter f;
    ibid_kind kind;
    uint8_t *ok;       /* per work or chapter id */
    uint32_t nok;
    /* group */
    fexpr **kids;
    size_t n;
};

struct ibid_filterset {
    ibid_arena *arena;
    const ibid_index *ix;
    fexpr root; /* a group */
    size_t cap;
};

int ibid_filter_only(const ibid_qnode *n)
{
    if (!n)
        return 0;
    if (n->type == IBID_Q_FILTER)
        return 1;
    if (n->type != IBID_Q_BOOL || n->nchildren == 0)
        return 0;
    for (size_t i = 0; i < n->nchildren; i++)
        if (!ibid_filter_only(n->children[i]))
            return 0;
    return 1;
}

ibid_filterset *ibid_filterset_new(ibid_arena *a, const ibid_index *ix)
{
    ibid_filterset *fs = ibid_arena_alloc(a, sizeof *fs);
    if (!fs)
        return NULL;
    memset(fs, 0, sizeof *fs);
    fs->arena = a;
    fs->ix = ix;
    return fs;
}

int ibid_filterset_count(const ibid_filterset *fs) { return (int)fs->root.n; }

static ibid_kind kind_of(const char *v)
{
    if (v && strcmp(v, "footnote") == 0)
        return IBID_KIND_FOOTNOTE;
    if (v && strcmp(v, "bibliography") == 0)
        return IBID_KIND_BIBLIOGRAPHY;
    return IBID_KIND_PARAGRAPH;
}

/* The words of a text, as folded forms and stems, copied into the arena. */
typedef struct wordlist {
    const char **form, **term;
    size_t n;
} wordlist;

static int analyze_words(ibid_arena *arena, ibid_analyzer *an, const char *text, wordlist *out)
{
    size_t len = strlen(text), cap = len + 2;
    out->n = 0;
    out->form = ibid_arena_alloc(arena, cap * sizeof *out->form);
    out->term = ibid_arena_alloc(arena, cap * sizeof *out->term);
    if (!out->form || !out->term)
        return IBID_ENOMEM;
    ibid_analyzer_reset(an, text, len);
    ibid_token t;
    int rc;
    while ((rc = ibid_analyzer_next(an, &t)) == 1) {
        if (out->n == cap)
            break;
        out->form[out->n] = ibid_arena_strndup(arena, t.form, t.form_len);
        out->term[out->n] = ibid_arena_strndup(arena, t.term, t.term_len);
        if (!out->form[out->n] || !out->term[out->n])
            return IBID_ENOMEM;
        out->n++;
    }
    return rc < 0 ? rc : IBID_OK;
}

/* *out = 1 when every word of want occurs in the title. */
static int title_has(ibid_analyzer *an, const char *title, const wordlist *want, int *out)
{
    ibid_arena tmp = {0};
    wordlist have;
    int rc = analyze_words(&tmp, an, title ? title : "", &have);
    if (rc < 0) {
        ibid_arena_free(&tmp);
        return rc;
    }
    int all = 1;
    for (size_t i = 0; i < want->n && all; i++) {
        int found = 0;
        for (size_t j = 0; j < have.n && !found; j++)
            found = strcmp(want->form[i], have.form[j]) == 0 || strcmp(want->term[i], have.term[j]) == 0;
        all = found;
    }
    ibid_arena_free(&tmp);
    *out = all;
    return IBID_OK;
}

static int compile_leaf(ibid_filterset *fs, ibid_analyzer *an, const ibid_qnode *n, fexpr *e)
{
    e->leaf = 1;
    e->f = n->filter;
    e->kind = kind_of(n->value);
    if (n->filter != IBID_FILTER_WORK && n->filter != IBID_FILTER_CHAPTER)
        return IBID_OK;
    wordlist want;
    int rc = analyze_words(fs->arena, an, n->value ? n->value : "", &want);
    if (rc < 0)
        return rc;
    int work = n->filter == IBID_FILTER_WORK;
    uint32_t cnt = work ? ibid_index_work_count(fs->ix) : ibid_index_chapter_count(fs->ix);
    e->nok = cnt;
    e->ok = ibid_arena_alloc(fs->arena, cnt ? cnt : 1);
    if (!e->ok)
        return IBID_ENOMEM;
    for (uint32_t i = 0; i < cnt; i++) {
        const char *title = work ? ibid_index_work_name(fs->ix, i) : ibid_index_chapter_name(fs->ix, i);
        int yes = 0;
        if ((rc = title_has(an, title, &want, &yes)) < 0)
            return rc;
        e->ok[i] = (uint8_t)yes;
    }
    return IBID_OK;
}

static int compile(ibid_filterset *fs, ibid_analyzer *an, const ibid_qnode *n, ibid_occur occur,
                   fexpr **out, int depth)
{
    if (depth > 4 * (IBID_MAX_QUERY_DEPTH + 2))
        return IBID_EINVAL;
    fexpr *e = ibid_arena_alloc(fs->arena, sizeof *e);
    if (!e)
        return IBID_ENOMEM;
    memset(e, 0, sizeof *e);
    e->occur = occur;
    *out = e;
    if (n->type == IBID_Q_FILTER)
        return compile_leaf(fs, an, n, e);
    e->kids = ibid_arena_alloc(fs->arena, n->nchildren * sizeof *e->kids);
    if (!e->kids)
        return IBID_ENOMEM;
    for (size_t i = 0; i < n->nchildren; i++) {
        int rc = compile(fs, an, n->children[i], n->children[i]->occur, &e->kids[i], depth + 1);
        if (rc < 0)
            return rc;
    }
    e->n = n->nchildren;
    return IBID_OK;
}

int ibid_filterset_add(ibid_filterset *fs, ibid_analyzer *an, const ibid_qnode *n, ibid_occur occur)
{
    if (!ibid_filter_only(n))
        return IBID_EINVAL;
    if (fs->root.n == fs->cap) {
        size_t nc = fs->cap ? fs->cap * 2 : 4;
        fexpr **nv = ibid_arena_alloc(fs->arena, nc * sizeof *nv);
        if (!nv)
            return IBID_ENOMEM;
        if (fs->root.n)
            memcpy(nv, fs->root.kids, fs->root.n * sizeof *nv);
        fs->root.kids = nv;
        fs->cap = nc;
    }
    fexpr *e;
    int rc = compile(fs, an, n, occur, &e, 0);
    if (rc < 0)
        return rc;
    fs->root.kids[fs->root.n++] = e;
    return IBID_OK;
}

static int leaf_pass(const fexpr *e, const ibid_passage_meta *m)
{
    switch (e->f) {
    case IBID_FILTER_KIND:
        return m->kind == e->kind;
    case IBID_FILTER_NOTKIND:
        if (e->kind == IBID_KIND_FOOTNOTE)
            return m->kind != IBID_KIND_FOOTNOTE && m->kind != IBID_KIND_BIBLIOGRAPHY;
        return m->kind != e->kind;
    case IBID_FILTER_WORK:
        return m->work_id < e->nok && e->ok[m->work_id];
    case IBID_FILTER_CHAPTER:
        return m->chapter_id < e->nok && e->ok[m->chapter_id];
    }
    return 0;
}

static int group_pass(const fexpr *g, const ibid_passage_meta *m)
{
    int any_should = 0, should_pass = 0;
    for (size_t i = 0; i < g->n; i++) {
        const fexpr *k = g->kids[i];
        int p = k->leaf ? leaf_pass(k, m) : group_pass(k, m);
        switch (k->occur) {
        case IBID_OCCUR_MUST:
            if (!p)
                return 0;
            break;
        case IBID_OCCUR_NOT:
            if (p)
                return 0;
            break;
        default:
            any_should = 1;
            should_pass |= p;
        }
    }
    return !any_should || should_pass;
}

int ibid_filterset_keep(void *ctx, uint32_t pid)
{
    ibid_filterset *fs = ctx;
    if (fs->root.n == 0)
        return 1;
    ibid_passage_meta m;
    int rc = ibid_index_passage_meta(fs->ix, pid, &m);
    if (rc < 0)
        return rc;
    return group_pass(&fs->root, &m);
}
