/*
 * merge_terms.c - the segment merger's dictionaries and postings (merge_int.h): a k-way merge
 * of the inputs' term dictionaries, and for each term a k-way merge of its postings by output
 * passage id, with the spellings (variants) renumbered as a full build numbers them.
 *
 * Terms.  Each input's terms are read in ordinal (byte) order with ibid_index_term_text and
 * ibid_index_lookup (index.h), so every value is checked by the reader.  The smallest current
 * text among the inputs is the next term; the inputs holding it are its members.
 *
 * Postings.  The term's cursors (common/index.h, with positions) are merged by output pid: an
 * input's local pid maps to the output through its files (merge_span); a cursor inside a deleted
 * file jumps past it with ibid_postings_advance.  The merged docs, tfs, positions and the form
 * of each position are held for one term at a time (the largest list bounds the memory).
 *
 * Variants.  A full build numbers a term's spellings in order of first appearance in the corpus.
 * The merged spellings are the union, by text, of the inputs' (a spelling whose every
 * occurrence is deleted vanishes); each gets the (pid, position) of its first live occurrence,
 * met in that order by the merge, and they are numbered by it.  Two spellings can first appear
 * at the same pid only within one input, and at the same position only as a compound and its
 * joined form, which the analyzer gives after the part: there the input's own variant order
 * decides.  The list is then encoded with postings_enc.h and appended to the output at once.
 *
 * Forms.  Each kept spelling is recorded with its term's new ordinal and variant; at the end
 * they are sorted by text (an input whose form belongs to two different stems is corrupt) and
 * FORMDICT, FORMIDX and FORMLIST are written.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "bitpack.h"
#include "index_impl.h"
#include "merge_int.h"
#include "section_enc.h"
#include "postings_enc.h"
#include "status.h"

/* ---- walking one input's term strings ---- */

typedef struct twalk {
    const ibid_index *ix;
    uint32_t ord;
    size_t len;
    int done;
    char s[IBID_MAX_TERM + 1];
    ibid_term_info info;
} twalk;

/* Moves to the next term: its text into w->s, its entry into w->info (w->done at the end). */
static int twalk_next(twalk *w)
{
    w->ord++; /* from UINT32_MAX to 0 at the start */
    if (w->ord >= ibid_index_term_count(w->ix)) {
        w->done = 1;
        return IBID_OK;
    }
    int len = ibid_index_term_text(w->ix, w->ord, w->s, sizeof w->s);
    if (len <= 0)
        return len < 0 && len != IBID_EINVAL ? len : IBID_ECORRUPT;
    w->len = (size_t)len;
    int r = ibid_index_lookup(w->ix, w->s, w->len, &w->info);
    if (r < 0)
        return r;
    if (r == 0 || w->info.ordinal != w->ord)
        return IBID_ECORRUPT;
    return IBID_OK;
}

static int cmp_str(const char *a, size_t al, const char *b, size_t bl)
{
    int r = memcmp(a, b, al < bl ? al : bl);
    if (r)
        return r;
    return al < bl ? -1 : al > bl;
}

/* ---- one term ---- */

/* A spelling of the term in one input (a candidate), and the merged spellings (groups). */
typedef struct cand {
    char s[IBID_MAX_TERM + 1];
    uint32_t len, group, var;
} cand;

typedef struct group {
    uint32_t pid, pos, var; /* first live occurrence; var breaks a tie (same input) */
    uint32_t cand;          /* one of its candidates, for the text */
    uint32_t newvar;
} group;

typedef struct form_rec {
    uint64_t off;    /* in fstr */
    uint32_t len, term, var;
} form_rec;

typedef struct tstate {
    merge_ctx *m;
    twalk *w;
    ibid_postings **cur;
    uint32_t *spanat;        /* per input: the span holding its cursor's doc */
    uint64_t *released;      /* per input: POSTINGS bytes given back (ibid_merge_release) */
    uint32_t *gdoc;          /* per input: the cursor's output pid, or IBID_NO_DOC */
    uint32_t *members;       /* inputs holding the current term */
    uint32_t *base;          /* per member: first candidate */
    cand *cands;
    size_t ncands, ccap;
    group *groups;
    uint32_t *gorder;
    size_t gcap, gocap;
    uint32_t *docs, *tfs, *pos, *grp; /* the term's list; pos then holds the position values */
    size_t dcap, tcap, pcap, gpcap;
    ibid_postenc enc;
    ibid_buf list;
    ibid_buf spillbuf;       /* POSTINGS bytes on their way to m->post_fd */
    ibid_buf fstr;           /* the kept forms' strings */
    form_rec *forms;
    size_t nforms, fcap;
    uint64_t post_bytes;
    char prev[IBID_MAX_TERM + 1];
    size_t prevlen;
} tstate;

/* Places input i's cursor on its next live posting and sets gdoc[i]. */
static int settle(tstate *t, size_t i)
{
    const merge_span *sp = t->m->spans[i];
    uint32_t ns = t->m->nspans[i];
    for (;;) {
        uint32_t d = ibid_postings_doc(t->cur[i]);
        if (d == IBID_NO_DOC) {
            /* this input's list is read: its pages go now, not after the term (the inputs of a
               budgeted build hold consecutive files, so they finish one after the other and a
               common term's lists are not all resident at once) */
            const twalk *w = &t->w[i];
            ibid_merge_release(w->ix->sec[IBID_SEC_POSTINGS].p, w->info.post_off + w->info.post_len,
                               &t->released[i]);
            t->gdoc[i] = IBID_NO_DOC;
            return IBID_OK;
        }
        while (t->spanat[i] < ns && sp[t->spanat[i]].lend <= d)
            t->spanat[i]++;
        if (t->spanat[i] >= ns)
            return IBID_ECORRUPT;
        const merge_span *s = &sp[t->spanat[i]];
        if (s->live) {
            t->gdoc[i] = d - s->lfirst + s->gfirst;
            return t->gdoc[i] < t->m->npass ? IBID_OK : IBID_ECORRUPT;
        }
        int rc = ibid_postings_advance(t->cur[i], s->lend);
        if (rc)
            return rc;
    }
}

static int cmp_cand_text(const void *x, const void *y, void *ctx)
{
    const cand *c = ctx;
    const cand *a = &c[*(const uint32_t *)x], *b = &c[*(const uint32_t *)y];
    return cmp_str(a->s, a->len, b->s, b->len);
}

/* Sorts indexes with a comparator that takes a context (qsort has none, and a global would be
   shared by concurrent merges): an insertion sort, for a term's spellings (at most 256 per
   input holding the term). */
static void sort_idx(uint32_t *v, size_t n, int (*cmp)(const void *, const void *, void *), void *ctx)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        while (j > 0 && cmp(&v[j - 1], &x, ctx) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static int cmp_group_first(const void *x, const void *y, void *ctx)
{
    const group *g = ctx;
    const group *a = &g[*(const uint32_t *)x], *b = &g[*(const uint32_t *)y];
    if (a->pid != b->pid)
        return a->pid < b->pid ? -1 : 1;
    if (a->pos != b->pos)
        return a->pos < b->pos ? -1 : 1;
    return a->var < b->var ? -1 : a->var > b->var;
}

/* Reads the spellings of the members' term and groups equal texts. */
static int load_candidates(tstate *t, size_t nmem, size_t *ngroups)
{
    size_t total = 0;
    for (size_t k = 0; k < nmem; k++) {
        t->base[k] = (uint32_t)total;
        total += t->w[t->members[k]].info.nforms;
    }
    if (ibid_grow_array((void **)&t->cands, &t->ccap, total, sizeof *t->cands) ||
        ibid_grow_array((void **)&t->groups, &t->gcap, total, sizeof *t->groups) ||
        ibid_grow_array((void **)&t->gorder, &t->gocap, total, sizeof *t->gorder))
        return IBID_ENOMEM;
    uint32_t *idx = malloc((total ? total : 1) * sizeof *idx);
    if (!idx)
        return IBID_ENOMEM;
    for (size_t k = 0; k < nmem; k++) {
        const twalk *w = &t->w[t->members[k]];
        for (uint32_t v = 0; v < w->info.nforms; v++) {
            cand *c = &t->cands[t->base[k] + v];
            int len = ibid_index_term_form(w->ix, &w->info, v, c->s, sizeof c->s);
            if (len <= 0) {
                free(idx);
                return len < 0 && len != IBID_ELIMIT ? len : IBID_ECORRUPT;
            }
            c->len = (uint32_t)len;
            c->var = v;
            idx[t->base[k] + v] = t->base[k] + v;
        }
    }
    t->ncands = total;
    sort_idx(idx, total, cmp_cand_text, t->cands);
    size_t ng = 0;
    for (size_t i = 0; i < total; i++) {
        cand *c = &t->cands[idx[i]];
        if (i == 0 || cmp_str(t->cands[idx[i - 1]].s, t->cands[idx[i - 1]].len, c->s, c->len) != 0) {
            group *g = &t->groups[ng++];
            g->pid = IBID_NO_DOC;
            g->pos = UINT32_MAX;
            g->var = UINT32_MAX;
            g->cand = idx[i];
        }
        c->group = (uint32_t)(ng - 1);
    }
    free(idx);
    *ngroups = ng;
    return IBID_OK;
}

/* Appends the current posting of member k (input i) to the term's arrays. */
static int take_posting(tstate *t, size_t k, size_t i, size_t *df, size_t *cf)
{
    uint32_t tf = ibid_postings_tf(t->cur[i]);
    const uint32_t *pos, *var;
    int rc = ibid_postings_positions(t->cur[i], &pos, &var);
    if (rc)
        return rc;
    if (ibid_grow_array((void **)&t->docs, &t->dcap, *df + 1, sizeof *t->docs) ||
        ibid_grow_array((void **)&t->tfs, &t->tcap, *df + 1, sizeof *t->tfs) ||
        ibid_grow_array((void **)&t->pos, &t->pcap, *cf + tf, sizeof *t->pos) ||
        ibid_grow_array((void **)&t->grp, &t->gpcap, *cf + tf, sizeof *t->grp))
        return IBID_ENOMEM;
    uint32_t g = t->gdoc[i];
    t->docs[*df] = g;
    t->tfs[*df] = tf;
    const twalk *w = &t->w[i];
    for (uint32_t j = 0; j < tf; j++) {
        if (var[j] >= w->info.nforms)
            return IBID_ECORRUPT;
        uint32_t gi = t->cands[t->base[k] + var[j]].group;
        group *gr = &t->groups[gi];
        if (gr->pid == IBID_NO_DOC) {
            gr->pid = g;
            gr->pos = pos[j];
            gr->var = var[j];
        }
        t->pos[*cf + j] = pos[j];
        t->grp[*cf + j] = gi;
    }
    (*df)++;
    *cf += tf;
    return IBID_OK;
}

/* Buffered writes to the scratch file m->post_fd (all that is buffered when final). */
static int spill(tstate *t, const void *data, size_t len, int final)
{
    if (len && ibid_buf_put(&t->spillbuf, data, len))
        return IBID_ENOMEM;
    if (t->spillbuf.len >= (1u << 20) || (final && t->spillbuf.len)) {
        if (ibid_index_write_all(t->m->post_fd, t->spillbuf.data, t->spillbuf.len))
            return IBID_EIO;
        ibid_buf_clear(&t->spillbuf);
    }
    return IBID_OK;
}

/* Merges the term held by the members (inputs) and writes it unless no posting is live. */
static int merge_term(tstate *t, size_t nmem)
{
    merge_ctx *m = t->m;
    size_t ngroups = 0, df = 0, cf = 0;
    int rc = load_candidates(t, nmem, &ngroups);
    if (rc)
        return rc;
    for (size_t k = 0; k < nmem && rc == IBID_OK; k++) {
        size_t i = t->members[k];
        t->spanat[i] = 0;
        rc = ibid_postings_open(t->w[i].ix, &t->w[i].info, 1, &t->cur[i]);
        if (rc == IBID_OK)
            rc = settle(t, i);
    }
    while (rc == IBID_OK) {
        /* the input with the smallest output pid, and the next smallest among the others: the
           best one's postings are taken while they stay below it (a file's run at a time) */
        size_t best = SIZE_MAX;
        uint32_t bound = IBID_NO_DOC;
        for (size_t k = 0; k < nmem; k++) {
            uint32_t g = t->gdoc[t->members[k]];
            if (g == IBID_NO_DOC)
                continue;
            if (best == SIZE_MAX || g < t->gdoc[t->members[best]]) {
                if (best != SIZE_MAX)
                    bound = t->gdoc[t->members[best]];
                best = k;
            } else if (g < bound) {
                bound = g;
            }
        }
        if (best == SIZE_MAX)
            break;
        size_t i = t->members[best];
        while (rc == IBID_OK && t->gdoc[i] < bound) {
            if (df && t->gdoc[i] <= t->docs[df - 1]) {
                rc = IBID_ECORRUPT; /* two inputs claim one output passage: cannot happen */
                break;
            }
            rc = take_posting(t, best, i, &df, &cf);
            if (rc == IBID_OK)
                rc = ibid_postings_next(t->cur[i]);
            if (rc == IBID_OK)
                rc = settle(t, i);
        }
        if (rc == IBID_OK && t->gdoc[i] == bound && bound != IBID_NO_DOC)
            rc = IBID_ECORRUPT; /* the same output pid from two inputs: cannot happen */
    }
    for (size_t k = 0; k < nmem; k++) {
        size_t i = t->members[k];
        ibid_postings_close(t->cur[i]);
        t->cur[i] = NULL;
    }
    if (rc || df == 0)
        return rc;

    /* number the live spellings by first appearance */
    size_t nv = 0;
    for (size_t g = 0; g < ngroups; g++)
        if (t->groups[g].pid != IBID_NO_DOC)
            t->gorder[nv++] = (uint32_t)g;
    if (nv > IBID_IDX_MAX_FORMS)
        return IBID_ELIMIT;
    sort_idx(t->gorder, nv, cmp_group_first, t->groups);
    for (size_t v = 0; v < nv; v++)
        t->groups[t->gorder[v]].newvar = (uint32_t)v;
    unsigned vbits = ibid_bitpack_width((uint32_t)nv - 1);
    uint32_t max_tf = 0;
    for (size_t d = 0, at = 0; d < df; d++) {
        uint32_t prev = 0;
        if (t->tfs[d] > max_tf)
            max_tf = t->tfs[d];
        for (uint32_t j = 0; j < t->tfs[d]; j++, at++) { /* the values replace the positions */
            uint32_t p = t->pos[at];
            t->pos[at] = (p - prev) << vbits | t->groups[t->grp[at]].newvar;
            prev = p;
        }
    }

    /* the dictionary entry and the list */
    const twalk *w0 = &t->w[t->members[0]];
    uint32_t ord = m->nterms;
    int first = ord % IBID_IDX_TERM_BLOCK == 0;
    if (first) {
        uint8_t e[IBID_TERMIDX_ENTRY];
        if (m->termdict.len > UINT32_MAX || t->nforms > UINT32_MAX)
            return IBID_ELIMIT;
        ibid_st32(e, (uint32_t)m->termdict.len);
        ibid_st32(e + 4, (uint32_t)t->nforms);
        ibid_st64(e + 8, t->post_bytes);
        if (ibid_buf_put(&m->termidx, e, sizeof e))
            return IBID_ENOMEM;
    }
    ibid_buf_clear(&t->list);
    rc = ibid_postings_encode_forms(&t->enc, t->docs, t->tfs, df, t->pos, (uint32_t)nv, m->lens, &t->list);
    if (rc)
        return rc;
    if (m->post_fd < 0 ? ibid_index_stream_append(m->out, t->list.data, t->list.len) != IBID_OK
                       : spill(t, t->list.data, t->list.len, 0) != IBID_OK)
        return IBID_EIO;
    t->post_bytes += t->list.len;
    if (ibid_sec_dict_head(&m->termdict, t->prev, t->prevlen, w0->s, w0->len, first) ||
        ibid_buf_put_vbyte(&m->termdict, df) || ibid_buf_put_vbyte(&m->termdict, cf - df) ||
        ibid_buf_put_vbyte(&m->termdict, max_tf) || ibid_buf_put_vbyte(&m->termdict, nv) ||
        ibid_buf_put_vbyte(&m->termdict, t->list.len))
        return IBID_ENOMEM;
    memcpy(t->prev, w0->s, w0->len + 1);
    t->prevlen = w0->len;

    /* its spellings, in variant order */
    if (ibid_grow_array((void **)&t->forms, &t->fcap, t->nforms + nv, sizeof *t->forms))
        return IBID_ENOMEM;
    for (size_t v = 0; v < nv; v++) {
        const cand *c = &t->cands[t->groups[t->gorder[v]].cand];
        form_rec *f = &t->forms[t->nforms++];
        f->off = t->fstr.len;
        f->len = c->len;
        f->term = ord;
        f->var = (uint32_t)v;
        if (ibid_buf_put(&t->fstr, c->s, c->len))
            return IBID_ENOMEM;
    }
    m->nterms++;
    m->postings += df;
    m->occurrences += cf;
    return IBID_OK;
}

/* ---- forms ---- */

typedef struct fsort {
    const form_rec *f;
    const char *str;
} fsort;

static int cmp_forms(const void *x, const void *y)
{
    const form_rec *a = ((const fsort *)x)->f, *b = ((const fsort *)y)->f;
    const char *s = ((const fsort *)x)->str;
    return cmp_str(s + a->off, a->len, s + b->off, b->len);
}

static int write_forms(tstate *t)
{
    merge_ctx *m = t->m;
    size_t nf = t->nforms;
    if (nf > UINT32_MAX)
        return IBID_ELIMIT;
    fsort *v = malloc((nf ? nf : 1) * sizeof *v);
    uint32_t *fl = malloc((nf ? nf : 1) * sizeof *fl);
    if (!v || !fl) {
        free(v);
        free(fl);
        return IBID_ENOMEM;
    }
    for (size_t i = 0; i < nf; i++)
        v[i] = (fsort){&t->forms[i], t->fstr.data};
    qsort(v, nf, sizeof *v, cmp_forms);
    int rc = IBID_OK;
    const char *prev = "";
    size_t prevlen = 0;
    uint32_t prev_term = 0;
    for (size_t r = 0; r < nf && rc == IBID_OK; r++) {
        const form_rec *f = v[r].f;
        const char *s = t->fstr.data + f->off;
        if (r && cmp_str(prev, prevlen, s, f->len) == 0) {
            rc = IBID_ECORRUPT; /* one spelling under two stems: inputs that disagree */
            break;
        }
        fl[f - t->forms] = (uint32_t)r;
        int first = r % IBID_IDX_FORM_BLOCK == 0;
        if (first) {
            if (m->formdict.len > UINT32_MAX)
                rc = IBID_ELIMIT;
            else if (ibid_buf_put_u32(&m->formidx, (uint32_t)m->formdict.len))
                rc = IBID_ENOMEM;
        }
        if (rc == IBID_OK && (ibid_sec_dict_head(&m->formdict, prev, prevlen, s, f->len, first) ||
                              ibid_sec_form_tail(&m->formdict, f->term, prev_term, first, f->var)))
            rc = IBID_ENOMEM;
        prev = s;
        prevlen = f->len;
        prev_term = f->term;
    }
    if (rc == IBID_OK)
        rc = ibid_sec_formlist(fl, (uint32_t)nf, &m->formlist);
    free(fl);
    if (rc == IBID_OK && m->formdict.len > UINT32_MAX)
        rc = IBID_ELIMIT;
    if (rc == IBID_OK && ibid_buf_put_u32(&m->formidx, (uint32_t)m->formdict.len))
        rc = IBID_ENOMEM;
    m->nforms = (uint32_t)nf;
    free(v);
    return rc;
}

/* ---- the whole dictionary ---- */

enum { RELEASE_TERMS = 4096 }; /* merged terms between two releases of the inputs' dictionaries */

static void tstate_free(tstate *t)
{
    if (t->cur)
        for (size_t i = 0; i < t->m->n; i++)
            ibid_postings_close(t->cur[i]);
    free(t->w);
    free(t->cur);
    free(t->spanat);
    free(t->released);
    free(t->gdoc);
    free(t->members);
    free(t->base);
    free(t->cands);
    free(t->groups);
    free(t->gorder);
    free(t->docs);
    free(t->tfs);
    free(t->pos);
    free(t->grp);
    ibid_postenc_free(&t->enc);
    ibid_buf_free(&t->list);
    ibid_buf_free(&t->spillbuf);
    ibid_buf_free(&t->fstr);
    free(t->forms);
}

int ibid_merge_terms(merge_ctx *m)
{
    tstate t;
    memset(&t, 0, sizeof t);
    t.m = m;
    size_t n = m->n ? m->n : 1;
    t.w = calloc(n, sizeof *t.w);
    t.cur = calloc(n, sizeof *t.cur);
    t.spanat = calloc(n, sizeof *t.spanat);
    t.released = calloc(n, sizeof *t.released);
    t.gdoc = calloc(n, sizeof *t.gdoc);
    t.members = calloc(n, sizeof *t.members);
    t.base = calloc(n, sizeof *t.base);
    int rc = t.w && t.cur && t.spanat && t.released && t.gdoc && t.members && t.base ? IBID_OK : IBID_ENOMEM;
    for (size_t i = 0; i < m->n && rc == IBID_OK; i++) {
        t.w[i].ix = m->ix[i];
        t.w[i].ord = UINT32_MAX;
        rc = twalk_next(&t.w[i]);
    }
    if (rc == IBID_OK && m->post_fd < 0 && ibid_index_stream_begin(m->out, IBID_SEC_POSTINGS))
        rc = IBID_EIO;
    uint64_t nterms = 0;
    while (rc == IBID_OK) {
        if (atomic_load(&m->stop)) {
            rc = IBID_EINVAL;
            break;
        }
        size_t nmem = 0;
        for (size_t i = 0; i < m->n; i++) {
            if (t.w[i].done)
                continue;
            int c = nmem ? cmp_str(t.w[i].s, t.w[i].len, t.w[t.members[0]].s, t.w[t.members[0]].len) : -1;
            if (c < 0)
                nmem = 0;
            if (c <= 0)
                t.members[nmem++] = (uint32_t)i;
        }
        if (!nmem)
            break;
        rc = merge_term(&t, nmem);
        for (size_t k = 0; k < nmem && rc == IBID_OK; k++) { /* lists are read in term order */
            const twalk *w = &t.w[t.members[k]];
            ibid_merge_release(w->ix->sec[IBID_SEC_POSTINGS].p, w->info.post_off, &t.released[t.members[k]]);
        }
        for (size_t k = 0; k < nmem && rc == IBID_OK; k++)
            rc = twalk_next(&t.w[t.members[k]]);
        if (++nterms % RELEASE_TERMS == 0) /* the inputs' dictionary pages read so far */
            for (size_t i = 0; i < m->n; i++)
                ibid_merge_release_dicts(m->ix[i]);
    }
    if (rc == IBID_OK && (m->post_fd < 0 ? ibid_index_stream_end(m->out, NULL) != IBID_OK : spill(&t, NULL, 0, 1) != IBID_OK))
        rc = IBID_EIO;
    m->post_len = t.post_bytes;
    if (rc == IBID_OK) { /* the TERMIDX sentinel */
        uint8_t e[IBID_TERMIDX_ENTRY];
        if (m->termdict.len > UINT32_MAX || t.nforms > UINT32_MAX)
            rc = IBID_ELIMIT;
        else {
            ibid_st32(e, (uint32_t)m->termdict.len);
            ibid_st32(e + 4, (uint32_t)t.nforms);
            ibid_st64(e + 8, t.post_bytes);
            if (ibid_buf_put(&m->termidx, e, sizeof e))
                rc = IBID_ENOMEM;
        }
    }
    if (rc == IBID_OK)
        rc = write_forms(&t);
    tstate_free(&t);
    return rc;
}
