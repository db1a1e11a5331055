/*
 * test_index.c - the index: builder (indexer/index_build.h) and reader (common/index.h).
 *
 * Every index built here is checked against a naive inversion computed in the test with the
 * same analyzer: statistics, every term's df/cf/max tf/forms, every posting's doc, tf,
 * positions and variants, form lookups, prefix iteration, advance() against a linear scan,
 * block bounds as true upper bounds, metadata, files, and every stored field of every passage
 * (cites and NULLs included).  Corpora: synthetic passages built to cross every block
 * boundary, and the bundled corpus/ parsed by the real parsers.  Then robustness: truncations
 * and byte flips (with and without repaired checksums) never crash the reader, and a failed
 * write leaves the previous index intact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "analyze.h"
#include "index.h"
#include "index_build.h"
#include "index_format.h"
#include "parse.h"
#include "passage.h"
#include "status.h"

static char tmpdir[256];
static uint8_t *slurp(const char *path, size_t *len);
static void spit(const char *path, const uint8_t *d, size_t len);

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* ---- corpora ------------------------------------------------------------------------------ */

typedef struct tfile {
    char path[128];
    uint64_t size;
    int64_t mtime;
    ibid_passage_list list;
} tfile;

typedef struct corpus {
    tfile *files;
    size_t nfiles;
} corpus;

static void corpus_free(corpus *c)
{
    for (size_t i = 0; i < c->nfiles; i++)
        ibid_passages_free(&c->files[i].list);
    free(c->files);
    c->files = NULL;
    c->nfiles = 0;
}

static const char *vocab[] = {
    "the",     "of",       "and",        "running", "runs",      "run",       "ran",
    "runner",  "stone",    "stones",     "great",   "residents", "resident",  "park",
    "Camagüey", "camaguey", "co-operation", "cooperation", "Brazil's", "Belarus'", "1.3bn",
    "20,000",  "2023-2025", "café",      "CAFÉ",    "cafe",      "o'clock",   "naïve",
    "river",   "rivers",   "history",    "historical", "histories", "town",   "towns",
    "a",       "to",       "in",         "north",   "south",     "sofia",     "grad",
};
enum { NVOCAB = sizeof vocab / sizeof vocab[0] };

/* Skewed word choice: "the" in nearly every passage (several blocks), rarer words in few. */
static const char *pick_word(void)
{
    uint32_t r = rnd() % 1000;
    if (r < 150)
        return vocab[0];
    if (r < 250)
        return vocab[1 + rnd() % 3];
    return vocab[rnd() % NVOCAB];
}

static const char *astr(ibid_passage_list *l, const char *s)
{
    return s ? ibid_arena_strndup(&l->arena, s, strlen(s)) : NULL;
}

/* Synthetic files: paragraphs with footnotes, cites that resolve, do not resolve or are NULL,
   ids, NULL chapters, a passage with no indexable word, one with a word in exactly 128 / 129 /
   256 / 257 passages. */
static void synth_corpus(corpus *c, size_t npass_per_file, size_t nfiles)
{
    c->nfiles = nfiles;
    c->files = calloc(nfiles, sizeof *c->files);
    assert_non_null(c->files);
    size_t global = 0;
    for (size_t f = 0; f < nfiles; f++) {
        tfile *tf = &c->files[f];
        snprintf(tf->path, sizeof tf->path, "synth/%03zu_file.txt", f);
        tf->size = 1000 + f;
        tf->mtime = 1700000000 + (int64_t)f;
        ibid_passage_list *l = &tf->list;
        int line = 1;
        for (size_t i = 0; i < npass_per_file; i++, global++) {
            ibid_passage p = {0};
            char text[4096];
            size_t tl = 0;
            size_t nwords = 1 + rnd() % 60;
            if (i % 50 == 7)
                nwords = 300 + rnd() % 200; /* long passages: positions > 255 */
            for (size_t w = 0; w < nwords && tl < sizeof text - 80; w++)
                tl += (size_t)snprintf(text + tl, sizeof text - tl, "%s%s", w ? " " : "", pick_word());
            /* words with exact document frequencies across the corpus */
            if (global < 128)
                tl += (size_t)snprintf(text + tl, sizeof text - tl, " exactlyonetwentyeight");
            if (global < 129)
                tl += (size_t)snprintf(text + tl, sizeof text - tl, " exactlyonetwentynine");
            if (global % 2 == 0 && global < 512)
                tl += (size_t)snprintf(text + tl, sizeof text - tl, " twofiftysix");
            if (global % 2 == 1 && global < 515)
                tl += (size_t)snprintf(text + tl, sizeof text - tl, " twofiftyseven");
            if (i == 3)
                tl = (size_t)snprintf(text, sizeof text, "— … %%"); /* no word at all */
            text[tl] = '\0';
            p.text = astr(l, text);
            p.file = astr(l, tf->path);
            p.line = line;
            p.end_line = line + (int)(rnd() % 4);
            line = p.end_line + 2;
            p.work = astr(l, f == 1 ? "Second Work" : "A Work");
            p.chapter = i % 30 < 5 ? NULL : astr(l, i % 60 < 30 ? "Chapter One" : "Chapter Two");
            p.page = i % 4 ? (int)(i / 4 + 1) : 0;
            if (i % 10 == 9) { /* a footnote, numbered */
                p.kind = IBID_KIND_FOOTNOTE;
                p.footnote = (int)(i / 10 + 1);
            } else if (i % 97 == 96) {
                p.kind = IBID_KIND_BIBLIOGRAPHY;
                p.footnote = (int)(i / 97 + 1);
            } else {
                p.kind = IBID_KIND_PARAGRAPH;
                p.paragraph = (int)(i + 1);
            }
            p.id = i % 3 == 0 ? astr(l, "doc-id") : NULL;
            if (i % 10 == 2 && i + 7 < npass_per_file) {
                /* cites: the footnote 7 passages ahead (resolves), a missing one (NULL), an
                   inline text that differs from the footnote passage's */
                ibid_cite *ct = ibid_arena_alloc(&l->arena, 3 * sizeof *ct);
                assert_non_null(ct);
                ct[0].footnote = (int)((i + 7) / 10 + 1);
                ct[0].text = NULL; /* filled below when that footnote exists */
                ct[1].footnote = 9999;
                ct[1].text = NULL;
                ct[2].footnote = (int)((i + 7) / 10 + 1);
                ct[2].text = astr(l, "an inline footnote text");
                p.cites = ct;
                p.ncites = 3;
            }
            assert_non_null(ibid_passages_push(l, &p));
        }
        /* resolve the first cite of each citing passage to its footnote passage's text */
        for (size_t i = 0; i < l->n; i++) {
            if (!l->v[i].ncites)
                continue;
            ibid_cite *ct = (ibid_cite *)l->v[i].cites;
            for (size_t j = 0; j < l->n; j++)
                if (l->v[j].kind == IBID_KIND_FOOTNOTE && l->v[j].footnote == ct[0].footnote)
                    ct[0].text = l->v[j].text;
        }
    }
}

static int real_corpus(corpus *c)
{
    static const char *names[] = {"000_b36bc166d576b6e2.txt", "001_75613f31623f3fe6.txt",
                                  "002_8ab7396e8091a3d3.txt", "003_9f3c7597e57b37f0.txt",
                                  "004_4af837fc92f3f660.txt"};
    c->nfiles = 5;
    c->files = calloc(5, sizeof *c->files);
    assert_non_null(c->files);
    for (size_t f = 0; f < 5; f++) {
        tfile *tf = &c->files[f];
        snprintf(tf->path, sizeof tf->path, "corpus/%s", names[f]);
        char full[512];
        snprintf(full, sizeof full, "%s/%s", IBID_SOURCE_DIR, tf->path);
        FILE *fp = fopen(full, "rb");
        if (!fp)
            return -1;
        fseek(fp, 0, SEEK_END);
        long n = ftell(fp);
        fseek(fp, 0, SEEK_SET);
        char *buf = malloc((size_t)n + 1);
        assert_non_null(buf);
        assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
        buf[n] = '\0';
        fclose(fp);
        tf->size = (uint64_t)n;
        tf->mtime = 1600000000;
        ibid_parse_ctx ctx = {tf->path, NULL, NULL};
        int rc = ibid_parse(IBID_FMT_AUTO, &ctx, buf, (size_t)n, &tf->list);
        free(buf);
        if (rc)
            return -1;
    }
    return 0;
}

static int build_threads(const corpus *c, const char *path, ibid_build_stats *st, int threads)
{
    ibid_build_opts o = {.level = 0, .diag = NULL, .threads = threads};
    ibid_builder *b = ibid_builder_new(&o);
    assert_non_null(b);
    int rc = IBID_OK;
    for (size_t f = 0; f < c->nfiles && rc == IBID_OK; f++)
        rc = ibid_builder_add_file(b, c->files[f].path, c->files[f].size, c->files[f].mtime,
                                   &c->files[f].list);
    if (rc == IBID_OK)
        rc = ibid_builder_write(b, path, st);
    ibid_builder_free(b);
    return rc;
}

static int build(const corpus *c, const char *path, ibid_build_stats *st)
{
    return build_threads(c, path, st, 1);
}

/* ---- the naive inversion ------------------------------------------------------------------ */

typedef struct occ {
    char term[IBID_MAX_TERM + 1], form[IBID_MAX_TERM + 1];
    uint32_t pid, pos;
} occ;

typedef struct naive {
    occ *o;
    size_t n, cap;
    uint32_t *lens;
    const ibid_passage **pass; /* by pid */
    uint32_t *file_of;
    uint32_t npass;
    uint64_t tokens;
} naive;

static int cmp_occ(const void *x, const void *y)
{
    const occ *a = x, *b = y;
    int r = strcmp(a->term, b->term);
    if (r)
        return r;
    if (a->pid != b->pid)
        return a->pid < b->pid ? -1 : 1;
    if (a->pos != b->pos)
        return a->pos < b->pos ? -1 : 1;
    return strcmp(a->form, b->form);
}

static void naive_build(naive *nv, const corpus *c)
{
    memset(nv, 0, sizeof *nv);
    size_t total = 0;
    for (size_t f = 0; f < c->nfiles; f++)
        total += c->files[f].list.n;
    nv->lens = calloc(total + 1, sizeof *nv->lens);
    nv->pass = calloc(total + 1, sizeof *nv->pass);
    nv->file_of = calloc(total + 1, sizeof *nv->file_of);
    assert_true(nv->lens && nv->pass && nv->file_of);
    ibid_analyzer *an = ibid_analyzer_new();
    assert_non_null(an);
    uint32_t pid = 0;
    for (size_t f = 0; f < c->nfiles; f++) {
        for (size_t i = 0; i < c->files[f].list.n; i++, pid++) {
            const ibid_passage *p = &c->files[f].list.v[i];
            nv->pass[pid] = p;
            nv->file_of[pid] = (uint32_t)f;
            ibid_analyzer_reset(an, p->text, strlen(p->text));
            ibid_token t;
            while (ibid_analyzer_next(an, &t) == 1) {
                if (t.form_len == 0 || t.form_len > IBID_MAX_TERM)
                    continue;
                if (!(t.flags & IBID_TOK_JOINED))
                    nv->lens[pid]++;
                if (nv->n == nv->cap) {
                    nv->cap = nv->cap ? nv->cap * 2 : 4096;
                    nv->o = realloc(nv->o, nv->cap * sizeof *nv->o);
                    assert_non_null(nv->o);
                }
                occ *o = &nv->o[nv->n++];
                memcpy(o->term, t.term, t.term_len + 1);
                memcpy(o->form, t.form, t.form_len + 1);
                o->pid = pid;
                o->pos = t.pos;
            }
            nv->tokens += nv->lens[pid];
        }
    }
    nv->npass = pid;
    ibid_analyzer_free(an);
    if (nv->n)
        qsort(nv->o, nv->n, sizeof *nv->o, cmp_occ);
}

static void naive_free(naive *nv)
{
    free(nv->o);
    free(nv->lens);
    free(nv->pass);
    free(nv->file_of);
}

/* ---- checks ------------------------------------------------------------------------------- */

typedef struct posform {
    uint32_t pos;
    char form[IBID_MAX_TERM + 1];
} posform;

static int cmp_posform(const void *x, const void *y)
{
    const posform *a = x, *b = y;
    if (a->pos != b->pos)
        return a->pos < b->pos ? -1 : 1;
    return strcmp(a->form, b->form);
}

/* Checks the postings of the term of occurrences o[a..b) (one term). */
static void check_term(const ibid_index *ix, const naive *nv, size_t a, size_t b, size_t *nterms)
{
    const occ *o = nv->o;
    ibid_term_info ti;
    assert_int_equal(ibid_index_lookup(ix, o[a].term, strlen(o[a].term), &ti), 1);
    uint32_t df = 0, max_tf = 0;
    char forms[IBID_IDX_MAX_FORMS][IBID_MAX_TERM + 1];
    size_t nforms = 0;
    for (size_t i = a; i < b; i++) {
        if (i == a || o[i].pid != o[i - 1].pid)
            df++;
        size_t j = i, tf = 0;
        while (j < b && o[j].pid == o[i].pid)
            j++, tf++;
        if (tf > max_tf)
            max_tf = (uint32_t)tf;
        size_t k = 0;
        while (k < nforms && strcmp(forms[k], o[i].form))
            k++;
        if (k == nforms)
            strcpy(forms[nforms++], o[i].form);
    }
    assert_int_equal(ti.df, df);
    assert_int_equal(ti.cf, b - a);
    assert_int_equal(ti.max_tf, max_tf);
    assert_int_equal(ti.nforms, nforms);
    (*nterms)++;
    /* the term's forms by variant: each a form of the naive set, each form looked up back */
    char byvar[IBID_IDX_MAX_FORMS][IBID_MAX_TERM + 1];
    for (uint32_t v = 0; v < ti.nforms; v++) {
        int len = ibid_index_term_form(ix, &ti, v, byvar[v], sizeof byvar[v]);
        assert_true(len > 0);
        ibid_term_info t2;
        uint32_t var;
        assert_int_equal(ibid_index_lookup_form(ix, byvar[v], (size_t)len, &t2, &var), 1);
        assert_int_equal(t2.ordinal, ti.ordinal);
        assert_int_equal(var, v);
    }
    assert_int_equal(ibid_index_term_form(ix, &ti, ti.nforms, byvar[0], sizeof byvar[0]), IBID_EINVAL);

    ibid_postings *p;
    assert_int_equal(ibid_postings_open(ix, &ti, 1, &p), IBID_OK);
    posform *want = malloc((b - a) * sizeof *want), *got = malloc((b - a) * sizeof *got);
    assert_true(want && got);
    for (size_t i = a; i < b;) {
        size_t j = i;
        while (j < b && o[j].pid == o[i].pid)
            j++;
        assert_int_equal(ibid_postings_doc(p), o[i].pid);
        assert_int_equal(ibid_postings_tf(p), j - i);
        const uint32_t *pos, *var;
        assert_int_equal(ibid_postings_positions(p, &pos, &var), IBID_OK);
        for (size_t k = 0; k < j - i; k++) {
            want[k].pos = o[i + k].pos;
            strcpy(want[k].form, o[i + k].form);
            got[k].pos = pos[k];
            assert_true(var[k] < ti.nforms);
            strcpy(got[k].form, byvar[var[k]]);
            if (k)
                assert_true(pos[k] >= pos[k - 1]);
        }
        qsort(want, j - i, sizeof *want, cmp_posform);
        qsort(got, j - i, sizeof *got, cmp_posform);
        for (size_t k = 0; k < j - i; k++) {
            assert_int_equal(got[k].pos, want[k].pos);
            assert_string_equal(got[k].form, want[k].form);
        }
        assert_int_equal(ibid_postings_next(p), IBID_OK);
        i = j;
    }
    assert_int_equal(ibid_postings_doc(p), IBID_NO_DOC);
    assert_int_equal(ibid_postings_next(p), IBID_OK); /* stays exhausted */
    assert_int_equal(ibid_postings_doc(p), IBID_NO_DOC);
    ibid_postings_close(p);

    /* advance and block bounds against the naive list, on random ascending targets */
    uint32_t *docs = malloc(df * sizeof *docs), *tfs = malloc(df * sizeof *tfs);
    assert_true(docs && tfs);
    uint32_t nd = 0;
    for (size_t i = a; i < b; i++) {
        if (i == a || o[i].pid != o[i - 1].pid) {
            docs[nd] = o[i].pid;
            tfs[nd++] = 0;
        }
        tfs[nd - 1]++;
    }
    for (int round = 0; round < 3; round++) {
        assert_int_equal(ibid_postings_open(ix, &ti, round == 2, &p), IBID_OK);
        uint32_t target = 0, k = 0; /* the cursor is on docs[k] (k == nd: exhausted) */
        for (int step = 0; step < 60 && k < nd; step++) {
            target += round == 0 ? rnd() % 8 : rnd() % (nv->npass / 8 + 2);
            if (target < docs[k])
                target = docs[k];
            /* the bound covers every posting from target to last_doc */
            uint32_t last, mtf, mlen, kk = k;
            assert_int_equal(ibid_postings_block_bound(p, target, &last, &mtf, &mlen), IBID_OK);
            while (kk < nd && docs[kk] < target)
                kk++;
            if (kk == nd) {
                assert_int_equal(last, IBID_NO_DOC);
            } else {
                assert_true(last >= docs[kk] && last != IBID_NO_DOC);
                for (uint32_t m = kk; m < nd && docs[m] <= last; m++) {
                    assert_true(tfs[m] <= mtf);
                    assert_true(nv->lens[docs[m]] >= mlen);
                }
            }
            if (step % 5 == 4) {
                assert_int_equal(ibid_postings_next(p), IBID_OK);
                k++;
            } else {
                assert_int_equal(ibid_postings_advance(p, target), IBID_OK);
                k = kk;
            }
            if (k == nd) {
                assert_int_equal(ibid_postings_doc(p), IBID_NO_DOC);
            } else {
                assert_int_equal(ibid_postings_doc(p), docs[k]);
                assert_int_equal(ibid_postings_tf(p), tfs[k]);
                if (round == 2) {
                    const uint32_t *pos;
                    assert_int_equal(ibid_postings_positions(p, &pos, NULL), IBID_OK);
                }
            }
        }
        /* advancing past the end exhausts */
        assert_int_equal(ibid_postings_advance(p, IBID_NO_DOC), IBID_OK);
        assert_int_equal(ibid_postings_doc(p), IBID_NO_DOC);
        ibid_postings_close(p);
    }
    /* a cursor without positions refuses positions */
    assert_int_equal(ibid_postings_open(ix, &ti, 0, &p), IBID_OK);
    const uint32_t *dummy;
    assert_int_equal(ibid_postings_positions(p, &dummy, NULL), IBID_EINVAL);
    ibid_postings_close(p);
    free(docs);
    free(tfs);
    free(want);
    free(got);
}

typedef struct prefix_ctx {
    char last[IBID_MAX_TERM + 1];
    size_t n, stop_at;
    const char *prefix;
} prefix_ctx;

static int prefix_cb(void *vctx, const char *form, size_t len, const ibid_term_info *t, uint32_t variant)
{
    prefix_ctx *c = vctx;
    assert_true(len == strlen(form));
    assert_memory_equal(form, c->prefix, strlen(c->prefix));
    if (c->n)
        assert_true(strcmp(c->last, form) < 0);
    strcpy(c->last, form);
    assert_true(variant < t->nforms);
    c->n++;
    return c->stop_at && c->n == c->stop_at ? 7 : 0;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static void check_prefixes(const ibid_index *ix, const naive *nv)
{
    /* the distinct forms */
    char **forms = malloc(nv->n * sizeof *forms);
    assert_non_null(forms);
    for (size_t i = 0; i < nv->n; i++)
        forms[i] = nv->o[i].form;
    qsort(forms, nv->n, sizeof *forms, cmp_str);
    size_t nf = 0;
    for (size_t i = 0; i < nv->n; i++)
        if (!nf || strcmp(forms[nf - 1], forms[i]))
            forms[nf++] = forms[i];
    const char *prefixes[] = {"", "c", "co", "ca", "run", "the", "zzzz", "1", "2", "a", "thei", "\xff"};
    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
        const char *pre = prefixes[k];
        size_t want = 0;
        for (size_t i = 0; i < nf; i++)
            want += strncmp(forms[i], pre, strlen(pre)) == 0;
        prefix_ctx c = {.prefix = pre};
        assert_int_equal(ibid_index_forms_with_prefix(ix, pre, strlen(pre), 0, prefix_cb, &c), 0);
        assert_int_equal(c.n, want);
        if (want > 2) { /* max and early stop */
            prefix_ctx c2 = {.prefix = pre};
            assert_int_equal(ibid_index_forms_with_prefix(ix, pre, strlen(pre), 2, prefix_cb, &c2), 0);
            assert_int_equal(c2.n, 2);
            prefix_ctx c3 = {.prefix = pre, .stop_at = 3};
            assert_int_equal(ibid_index_forms_with_prefix(ix, pre, strlen(pre), 0, prefix_cb, &c3), 7);
            assert_int_equal(c3.n, 3);
        }
    }
    free(forms);
}

static void check_passages(const ibid_index *ix, const naive *nv, const corpus *c)
{
    for (uint32_t pid = 0; pid < nv->npass; pid++) {
        const ibid_passage *w = nv->pass[pid];
        assert_int_equal(ibid_index_passage_len(ix, pid), nv->lens[pid]);
        ibid_passage_meta m;
        assert_int_equal(ibid_index_passage_meta(ix, pid, &m), IBID_OK);
        assert_int_equal(m.kind, w->kind);
        assert_int_equal(m.line, w->line);
        assert_int_equal(m.file_id, nv->file_of[pid]);
        assert_string_equal(ibid_index_work_name(ix, m.work_id), w->work);
        if (w->chapter)
            assert_string_equal(ibid_index_chapter_name(ix, m.chapter_id), w->chapter);
        else
            assert_int_equal(m.chapter_id, UINT32_MAX);

        ibid_stored_passage sp;
        assert_int_equal(ibid_index_get_passage(ix, pid, &sp), IBID_OK);
        const ibid_passage *g = &sp.p;
        assert_int_equal(sp.pid, pid);
        assert_int_equal(g->kind, w->kind);
        assert_string_equal(g->file, c->files[nv->file_of[pid]].path);
        assert_int_equal(g->line, w->line);
        assert_int_equal(g->end_line, w->end_line);
        assert_string_equal(g->work, w->work);
        if (w->chapter)
            assert_string_equal(g->chapter, w->chapter);
        else
            assert_null(g->chapter);
        assert_int_equal(g->page, w->page);
        assert_int_equal(g->paragraph, w->paragraph);
        assert_int_equal(g->footnote, w->footnote);
        if (w->id)
            assert_string_equal(g->id, w->id);
        else
            assert_null(g->id);
        assert_string_equal(g->text, w->text);
        assert_int_equal(g->ncites, w->ncites);
        for (size_t k = 0; k < w->ncites; k++) {
            assert_int_equal(g->cites[k].footnote, w->cites[k].footnote);
            if (w->cites[k].text)
                assert_string_equal(g->cites[k].text, w->cites[k].text);
            else
                assert_null(g->cites[k].text);
        }
        ibid_stored_passage_free(&sp);
    }
    ibid_stored_passage sp;
    assert_int_equal(ibid_index_get_passage(ix, nv->npass, &sp), IBID_EINVAL);
    ibid_stored_passage_free(&sp);
    assert_int_equal(ibid_index_passage_len(ix, nv->npass), 0);
}

/* Builds c into a file and checks everything against the naive inversion. */
static void check_corpus(const corpus *c, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    ibid_build_stats st;
    assert_int_equal(build(c, path, &st), IBID_OK);
    naive nv;
    naive_build(&nv, c);
    ibid_index *ix;
    char err[256];
    assert_int_equal(ibid_index_open(path, &ix, err, sizeof err), IBID_OK);
    assert_int_equal(ibid_index_verify(ix, err, sizeof err), IBID_OK);
    assert_int_equal(ibid_index_passage_count(ix), nv.npass);
    assert_int_equal(st.passages, nv.npass);
    assert_true(ibid_index_token_count(ix) == nv.tokens);
    assert_true(st.tokens == nv.tokens);
    if (nv.npass)
        assert_true(ibid_index_avg_len(ix) == (double)nv.tokens / nv.npass);
    assert_int_equal(ibid_index_file_count(ix), c->nfiles);
    for (uint32_t f = 0; f < c->nfiles; f++) {
        ibid_file_info fi;
        assert_int_equal(ibid_index_file(ix, f, &fi), IBID_OK);
        assert_string_equal(fi.path, c->files[f].path);
        assert_true(fi.size == c->files[f].size);
        assert_true(fi.mtime == c->files[f].mtime);
        assert_int_equal(fi.passage_count, c->files[f].list.n);
    }
    assert_int_equal(ibid_index_file(ix, (uint32_t)c->nfiles, &(ibid_file_info){0}), IBID_EINVAL);

    size_t nterms = 0;
    for (size_t a = 0; a < nv.n;) {
        size_t b = a;
        while (b < nv.n && strcmp(nv.o[b].term, nv.o[a].term) == 0)
            b++;
        check_term(ix, &nv, a, b, &nterms);
        a = b;
    }
    assert_int_equal(ibid_index_term_count(ix), nterms);
    assert_int_equal(st.terms, nterms);
    ibid_term_info ti;
    uint32_t var;
    assert_int_equal(ibid_index_lookup(ix, "zzzqqqxx", 8, &ti), 0);
    assert_int_equal(ibid_index_lookup(ix, "", 0, &ti), 0);
    assert_int_equal(ibid_index_lookup(ix, "\xff\xff", 2, &ti), 0);
    assert_int_equal(ibid_index_lookup(ix, "\x01", 1, &ti), 0);
    assert_int_equal(ibid_index_lookup_form(ix, "zzzqqqxx", 8, &ti, &var), 0);
    assert_int_equal(ibid_index_lookup_form(ix, "", 0, &ti, &var), 0);
    check_prefixes(ix, &nv);
    check_passages(ix, &nv, c);
    ibid_index_close(ix);
    naive_free(&nv);
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_synthetic(void **state)
{
    (void)state;
    corpus c = {0};
    synth_corpus(&c, 400, 3);
    check_corpus(&c, "synth.ibid");
    corpus_free(&c);
}

static void test_real_corpus(void **state)
{
    (void)state;
    corpus c = {0};
    if (real_corpus(&c) != 0) {
        corpus_free(&c);
        skip();
    }
    check_corpus(&c, "corpus.ibid");
    corpus_free(&c);
}

static void test_empty_and_tiny(void **state)
{
    (void)state;
    corpus c = {0};
    check_corpus(&c, "empty.ibid"); /* no files at all */
    synth_corpus(&c, 1, 1);
    check_corpus(&c, "one.ibid");
    corpus_free(&c);
}

/* Compressing the store on a second thread writes the very same bytes. */
static void test_threads_same_bytes(void **state)
{
    (void)state;
    corpus c = {0};
    synth_corpus(&c, 700, 3);
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s/t1.ibid", tmpdir);
    snprintf(p2, sizeof p2, "%s/t2.ibid", tmpdir);
    ibid_build_stats s1, s2;
    assert_int_equal(build_threads(&c, p1, &s1, 1), IBID_OK);
    assert_int_equal(build_threads(&c, p2, &s2, 2), IBID_OK);
    size_t l1, l2;
    uint8_t *d1 = slurp(p1, &l1), *d2 = slurp(p2, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(d1, d2, l1);
    assert_true(s1.store_bytes == s2.store_bytes && s1.store_bytes > 0);
    free(d1);
    free(d2);
    /* a threaded builder freed without writing stops its thread cleanly */
    ibid_build_opts o = {.threads = 2};
    ibid_builder *b = ibid_builder_new(&o);
    assert_non_null(b);
    assert_int_equal(ibid_builder_add_file(b, c.files[0].path, 1, 1, &c.files[0].list), IBID_OK);
    ibid_builder_free(b);
    corpus_free(&c);
}

static void test_file_order(void **state)
{
    (void)state;
    ibid_builder *b = ibid_builder_new(NULL);
    assert_non_null(b);
    ibid_passage_list l = {0};
    assert_int_equal(ibid_builder_add_file(b, "b.txt", 1, 1, &l), IBID_OK);
    assert_int_equal(ibid_builder_add_file(b, "a.txt", 1, 1, &l), IBID_EINVAL);
    assert_int_equal(ibid_builder_add_file(b, "b.txt", 1, 1, &l), IBID_EINVAL);
    assert_int_equal(ibid_builder_add_file(b, "c.txt", 1, 1, &l), IBID_OK);
    ibid_builder_free(b);
}

static void test_open_errors(void **state)
{
    (void)state;
    ibid_index *ix;
    char err[256], path[512];
    snprintf(path, sizeof path, "%s/does-not-exist.ibid", tmpdir);
    assert_int_equal(ibid_index_open(path, &ix, err, sizeof err), IBID_ENOENT);
    assert_null(ix);
    assert_true(strlen(err) > 0);
    snprintf(path, sizeof path, "%s/junk.ibid", tmpdir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("this is not an index, just some text that is long enough to have a header", f);
    fclose(f);
    assert_int_equal(ibid_index_open(path, &ix, err, sizeof err), IBID_ECORRUPT);
    assert_int_equal(ibid_index_open(tmpdir, &ix, err, sizeof err), IBID_EIO); /* a directory */
}

/* Store records (format 4) code end line, page, paragraph and footnote against predictions
   (common/store_codec.h): values that defeat every prediction must still read back exactly.
   Pages and paragraphs jump to INT_MAX and back, footnotes run backwards, lines go down and
   far apart (the end line predicted from the next passage's line), chapters and works change,
   empty and NULL ids, empty texts, a text over a whole block, cites inline, resolved and NULL. */
static void edge_corpus(corpus *c)
{
    static const int vals[] = {1, 2, 3, 0, 2147483647, 1, 0, 2147483646, 7, 8, 9, 0, 0, 1000000, 2};
    enum { NV = sizeof vals / sizeof vals[0] };
    c->nfiles = 3;
    c->files = calloc(3, sizeof *c->files);
    assert_non_null(c->files);
    static char big[70000];
    for (size_t k = 0; k + 1 < sizeof big; k++)
        big[k] = "stone river "[k % 12];
    big[sizeof big - 1] = '\0';
    for (size_t f = 0; f < 3; f++) {
        tfile *tf = &c->files[f];
        snprintf(tf->path, sizeof tf->path, "edge/%zu.txt", f);
        tf->size = 10;
        tf->mtime = 1;
        ibid_passage_list *l = &tf->list;
        size_t n = f == 2 ? 1 : 900;
        for (size_t i = 0; i < n; i++) {
            ibid_passage p = {0};
            char text[64];
            snprintf(text, sizeof text, "passage %zu of stone %zu", i, f);
            p.text = astr(l, i % 37 == 5 ? "" : i == 400 ? big : text);
            p.file = astr(l, tf->path);
            /* lines: mostly 2 apart, sometimes backwards, far ahead, or the largest allowed */
            p.line = i % 11 == 3 ? (int)(IBID_IDX_MAX_LINE - 1) : i % 13 == 4 ? 1 : (int)(10 + 3 * i);
            p.end_line = i % 17 == 6 ? 2147483647 : p.line + (int)(i % 3);
            p.work = astr(l, i < 300 ? "Work A" : "Work B");
            p.chapter = i % 50 < 10 ? NULL : astr(l, i % 100 < 50 ? "One" : "Two");
            p.page = vals[i % NV];
            p.kind = i % 5 == 4 ? IBID_KIND_FOOTNOTE : i % 23 == 22 ? IBID_KIND_BIBLIOGRAPHY : IBID_KIND_PARAGRAPH;
            if (p.kind == IBID_KIND_FOOTNOTE)
                p.footnote = vals[(i * 7) % NV] ? vals[(i * 7) % NV] : (int)(n - i);
            else
                p.paragraph = vals[(i / 2) % NV];
            p.id = i % 4 == 0 ? astr(l, "") : i % 4 == 1 ? astr(l, "id-\xc3\xa9") : NULL;
            if (i % 9 == 0) {
                ibid_cite *ct = ibid_arena_alloc(&l->arena, 3 * sizeof *ct);
                assert_non_null(ct);
                ct[0] = (ibid_cite){2147483647, NULL};
                ct[1] = (ibid_cite){3, astr(l, "inline \xe2\x80\x94 text")};
                ct[2] = (ibid_cite){0, astr(l, "")};
                p.cites = ct;
                p.ncites = 3;
            }
            assert_non_null(ibid_passages_push(l, &p));
        }
    }
}

static void test_store_edge_fields(void **state)
{
    (void)state;
    corpus c = {0};
    edge_corpus(&c);
    check_corpus(&c, "edge.ibid");
    corpus_free(&c);
}

/* An index of an older format version is refused with a clear reason, not misread: format 3
   stored records that format 4 would decode as garbage. */
static void test_old_version(void **state)
{
    (void)state;
    corpus c = {0};
    synth_corpus(&c, 20, 1);
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/v3.ibid", tmpdir);
    assert_int_equal(build(&c, path, NULL), IBID_OK);
    size_t len;
    uint8_t *d = slurp(path, &len);
    assert_int_equal(ibid_le32(d + 8), IBID_IDX_VERSION);
    ibid_st32(d + 8, 3);
    spit(path, d, len);
    ibid_index *ix;
    assert_int_equal(ibid_index_open(path, &ix, err, sizeof err), IBID_ECORRUPT);
    assert_non_null(strstr(err, "version 3"));
    free(d);
    corpus_free(&c);
}

/* ---- robustness --------------------------------------------------------------------------- */

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *d = malloc(*len ? *len : 1);
    assert_non_null(d);
    assert_int_equal(fread(d, 1, *len, f), *len);
    fclose(f);
    return d;
}

static void spit(const char *path, const uint8_t *d, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(d, 1, len, f), len);
    fclose(f);
}

/* Recomputes every section checksum and the header's, so the corruption reaches the decoders. */
static void fix_crcs(uint8_t *d, size_t len)
{
    uint32_t n = ibid_le32(d + 24);
    size_t hlen = IBID_IDX_FIXED_HEADER + (size_t)IBID_IDX_SECTION_ENTRY * n + 8;
    if (n > IBID_IDX_MAX_SECTIONS || hlen > len)
        return;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = d + IBID_IDX_FIXED_HEADER + (size_t)IBID_IDX_SECTION_ENTRY * i;
        uint64_t off = ibid_le64(e + 8), l = ibid_le64(e + 16);
        if (off <= len && l <= len - off)
            ibid_st32(e + 4, (uint32_t)crc32(0, d + off, (uInt)l));
    }
    ibid_st32(d + hlen - 8, (uint32_t)crc32(0, d, (uInt)(hlen - 8)));
}

static int walk_cb(void *ctx, const char *form, size_t len, const ibid_term_info *t, uint32_t variant)
{
    (void)form;
    (void)len;
    (void)variant;
    const ibid_index *ix = ctx;
    ibid_postings *p;
    if (ibid_postings_open(ix, t, 1, &p) != IBID_OK)
        return 0;
    uint32_t last, mtf, mlen;
    for (int guard = 0; guard < 100000 && ibid_postings_doc(p) != IBID_NO_DOC; guard++) {
        const uint32_t *pos, *var;
        ibid_postings_positions(p, &pos, &var);
        ibid_postings_block_bound(p, ibid_postings_doc(p) + 200, &last, &mtf, &mlen);
        int rc = guard % 3 ? ibid_postings_next(p) : ibid_postings_advance(p, ibid_postings_doc(p) + 3);
        if (rc)
            break;
    }
    ibid_postings_close(p);
    char buf[IBID_MAX_TERM + 1];
    ibid_index_term_form(ix, t, variant, buf, sizeof buf);
    return 0;
}

/* Opens a possibly corrupt file and, when it opens, reads everything in it. */
static void exercise(const char *path, int must_fail)
{
    ibid_index *ix;
    char err[256];
    int rc = ibid_index_open(path, &ix, err, sizeof err);
    if (must_fail)
        assert_int_not_equal(rc, IBID_OK);
    if (rc != IBID_OK) {
        assert_null(ix);
        return;
    }
    ibid_index_forms_with_prefix(ix, "", 0, 0, walk_cb, ix);
    ibid_index_forms_with_prefix(ix, "r", 1, 0, walk_cb, ix);
    ibid_term_info ti;
    uint32_t v;
    ibid_index_lookup(ix, "the", 3, &ti);
    ibid_index_lookup(ix, "run", 3, &ti);
    ibid_index_lookup_form(ix, "running", 7, &ti, &v);
    for (uint32_t pid = 0; pid < ibid_index_passage_count(ix); pid++) {
        ibid_passage_meta m;
        if (ibid_index_passage_meta(ix, pid, &m) == IBID_OK) {
            ibid_index_work_name(ix, m.work_id);
            ibid_index_chapter_name(ix, m.chapter_id);
        }
        ibid_index_passage_len(ix, pid);
        ibid_stored_passage sp;
        ibid_index_get_passage(ix, pid, &sp);
        ibid_stored_passage_free(&sp);
    }
    ibid_index_verify(ix, err, sizeof err);
    ibid_index_close(ix);
}

static void test_corruption(void **state)
{
    (void)state;
    corpus c = {0};
    synth_corpus(&c, 150, 2);
    char path[512], bad[512];
    snprintf(path, sizeof path, "%s/good.ibid", tmpdir);
    snprintf(bad, sizeof bad, "%s/bad.ibid", tmpdir);
    assert_int_equal(build(&c, path, NULL), IBID_OK);
    corpus_free(&c);
    size_t len;
    uint8_t *good = slurp(path, &len);
    uint8_t *d = malloc(len);
    assert_non_null(d);

    /* truncation at every section boundary (and one byte either side) */
    uint32_t n = ibid_le32(good + 24);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = good + IBID_IDX_FIXED_HEADER + (size_t)IBID_IDX_SECTION_ENTRY * i;
        uint64_t off = ibid_le64(e + 8), l = ibid_le64(e + 16);
        uint64_t cuts[] = {off, off + 1, off + l / 2, off + l, off + l - 1};
        for (size_t k = 0; k < 5; k++) {
            if (cuts[k] >= len)
                continue;
            spit(bad, good, (size_t)cuts[k]);
            exercise(bad, 1);
            /* and with the header's size and checksums fixed to match */
            memcpy(d, good, (size_t)cuts[k]);
            if (cuts[k] >= 32) {
                ibid_st64(d + 16, cuts[k]);
                fix_crcs(d, (size_t)cuts[k]);
            }
            spit(bad, d, (size_t)cuts[k]);
            exercise(bad, 0);
        }
    }
    /* byte flips: every header byte, then a sample of offsets; as written (checksums catch
       them) and with repaired checksums (the decoders must cope) */
    for (size_t off = 0; off < len; off += off < 512 ? 1 + off / 64 : 1 + rnd() % 197) {
        for (int fix = 0; fix < 2; fix++) {
            memcpy(d, good, len);
            d[off] ^= (uint8_t)(1u << (rnd() % 8));
            if (fix)
                fix_crcs(d, len);
            spit(bad, d, len);
            exercise(bad, 0);
            if (!fix) { /* a flip inside a section is detected by open or by verify */
                ibid_index *ix;
                char err[256];
                int in_section = 0;
                for (uint32_t i = 0; i < n; i++) {
                    const uint8_t *e = good + IBID_IDX_FIXED_HEADER + (size_t)IBID_IDX_SECTION_ENTRY * i;
                    if (off >= ibid_le64(e + 8) && off < ibid_le64(e + 8) + ibid_le64(e + 16))
                        in_section = 1;
                }
                if (off < IBID_IDX_FIXED_HEADER + (size_t)IBID_IDX_SECTION_ENTRY * n + 4)
                    in_section = 1;
                if (in_section && ibid_index_open(bad, &ix, err, sizeof err) == IBID_OK) {
                    assert_int_equal(ibid_index_verify(ix, err, sizeof err), IBID_ECORRUPT);
                    ibid_index_close(ix);
                }
            }
        }
    }
    /* random multi-byte garbage in the postings and store with repaired checksums */
    for (int round = 0; round < 200; round++) {
        memcpy(d, good, len);
        size_t at = IBID_IDX_FIXED_HEADER + rnd() % (len - IBID_IDX_FIXED_HEADER);
        for (int k = 0; k < 8 && at + (size_t)k < len; k++)
            d[at + (size_t)k] = (uint8_t)rnd();
        fix_crcs(d, len);
        spit(bad, d, len);
        exercise(bad, 0);
    }
    free(d);
    free(good);
}

static int count_temp_files(const char *dir)
{
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp)))
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(dp);
    return n;
}

static void test_atomic_write(void **state)
{
    (void)state;
    corpus c = {0};
    synth_corpus(&c, 200, 2);
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/atomic", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof path, "%s/ix.ibid", dir);
    assert_int_equal(build(&c, path, NULL), IBID_OK);
    size_t len0;
    uint8_t *old = slurp(path, &len0);

    /* a write that fails for lack of space (a file size limit: works even as root) */
    struct rlimit saved, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    lim = saved;
    lim.rlim_cur = 4096;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    int rc = build(&c, path, NULL);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, old_handler);
    assert_int_equal(rc, IBID_EIO);
    size_t len1;
    uint8_t *now = slurp(path, &len1);
    assert_int_equal(len1, len0);
    assert_memory_equal(now, old, len0);
    free(now);
    assert_int_equal(count_temp_files(dir), 0);

    /* an unwritable directory (meaningful when not root) */
    if (geteuid() != 0) {
        assert_int_equal(chmod(dir, 0555), 0);
        assert_int_equal(build(&c, path, NULL), IBID_EIO);
        assert_int_equal(chmod(dir, 0755), 0);
        now = slurp(path, &len1);
        assert_int_equal(len1, len0);
        assert_memory_equal(now, old, len0);
        free(now);
    }
    /* a missing directory */
    char missing[700];
    snprintf(missing, sizeof missing, "%s/no/such/dir/ix.ibid", dir);
    assert_int_equal(build(&c, missing, NULL), IBID_EIO);
    /* the target is a directory: rename fails, the temporary file is removed */
    char sub[700];
    snprintf(sub, sizeof sub, "%s/adir", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    char inner[800];
    snprintf(inner, sizeof inner, "%s/keep", sub);
    spit(inner, (const uint8_t *)"x", 1);
    assert_int_equal(build(&c, sub, NULL), IBID_EIO);
    assert_int_equal(count_temp_files(dir), 0);
    /* and a rebuild over the old index replaces it completely */
    assert_int_equal(build(&c, path, NULL), IBID_OK);
    ibid_index *ix;
    char err[256];
    assert_int_equal(ibid_index_open(path, &ix, err, sizeof err), IBID_OK);
    assert_int_equal(ibid_index_verify(ix, err, sizeof err), IBID_OK);
    ibid_index_close(ix);
    free(old);
    corpus_free(&c);
}

/* ---- the store's block cache (store_read.c) ----------------------------------------------- */

/* A passage's stored text and cite texts as one string, to compare reads. */
static char *passage_digest(const ibid_index *ix, uint32_t pid)
{
    ibid_stored_passage sp;
    assert_int_equal(ibid_index_get_passage(ix, pid, &sp), IBID_OK);
    size_t n = strlen(sp.p.text) + 64;
    for (size_t k = 0; k < sp.p.ncites; k++)
        n += (sp.p.cites[k].text ? strlen(sp.p.cites[k].text) : 0) + 16;
    char *d = malloc(n);
    assert_non_null(d);
    size_t at = (size_t)snprintf(d, n, "%u %d|%s", pid, sp.p.line, sp.p.text);
    for (size_t k = 0; k < sp.p.ncites; k++)
        at += (size_t)snprintf(d + at, n - at, "|%d:%s", sp.p.cites[k].footnote,
                               sp.p.cites[k].text ? sp.p.cites[k].text : "(null)");
    ibid_stored_passage_free(&sp);
    return d;
}

typedef struct cache_job {
    const ibid_index *ix;
    char **want;
    uint32_t npass;
    uint64_t seed;
    int bad;
} cache_job;

/* Reads 3,000 random passages (cmocka's asserts are not for threads: counts mismatches). */
static void *cache_reader(void *arg)
{
    cache_job *j = arg;
    uint64_t x = j->seed;
    for (int i = 0; i < 3000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint32_t pid = (uint32_t)((x >> 16) % j->npass);
        ibid_stored_passage sp;
        if (ibid_index_get_passage(j->ix, pid, &sp) != IBID_OK) {
            j->bad++;
            continue;
        }
        if (strncmp(j->want[pid] + strcspn(j->want[pid], "|") + 1, sp.p.text, strlen(sp.p.text)) != 0)
            j->bad++;
        ibid_stored_passage_free(&sp);
    }
    return NULL;
}

/* Reads through the cache give what the first reads gave, in any order (the bundled corpus has
   more store blocks than the cache has slots, so blocks are evicted and inflated again), and
   from four threads at once on one ibid_index (index.h: shared for reading). */
static void test_store_cache(void **state)
{
    (void)state;
    corpus c = {0};
    if (real_corpus(&c) != 0) {
        corpus_free(&c);
        skip();
    }
    char path[512];
    snprintf(path, sizeof path, "%s/cache.ibid", tmpdir);
    ibid_build_stats st;
    assert_int_equal(build(&c, path, &st), IBID_OK);
    corpus_free(&c);
    ibid_index *ix;
    char err[256];
    assert_int_equal(ibid_index_open(path, &ix, err, sizeof err), IBID_OK);
    uint32_t n = ibid_index_passage_count(ix);
    assert_true(n > 1000);
    /* the first reads, each from a freshly opened index (an empty cache) every 97 passages */
    char **want = calloc(n, sizeof *want);
    assert_non_null(want);
    for (uint32_t pid = 0; pid < n; pid++) {
        if (pid % 97 == 0) {
            ibid_index_close(ix);
            assert_int_equal(ibid_index_open(path, &ix, err, sizeof err), IBID_OK);
        }
        want[pid] = passage_digest(ix, pid);
    }
    /* backwards, by strides that cross blocks, and at random */
    for (uint32_t pid = n; pid-- > 0;) {
        char *d = passage_digest(ix, pid);
        assert_string_equal(d, want[pid]);
        free(d);
    }
    for (uint32_t step = 1; step < 600; step += 199)
        for (uint32_t pid = 0; pid < n; pid += step) {
            char *d = passage_digest(ix, pid);
            assert_string_equal(d, want[pid]);
            free(d);
        }
    for (int i = 0; i < 2000; i++) {
        uint32_t pid = rnd() % n;
        char *d = passage_digest(ix, pid);
        assert_string_equal(d, want[pid]);
        free(d);
    }
    /* four threads on one index: on a fresh one (racing to create the cache) and on a warm one */
    for (int round = 0; round < 2; round++) {
        if (round == 0) {
            ibid_index_close(ix);
            assert_int_equal(ibid_index_open(path, &ix, err, sizeof err), IBID_OK);
        }
        pthread_t th[4];
        cache_job jobs[4];
        for (int t = 0; t < 4; t++) {
            jobs[t] = (cache_job){ix, want, n, 0x9e3779b97f4a7c15ull * (uint64_t)(t + 1 + 4 * round), 0};
            assert_int_equal(pthread_create(&th[t], NULL, cache_reader, &jobs[t]), 0);
        }
        for (int t = 0; t < 4; t++) {
            assert_int_equal(pthread_join(th[t], NULL), 0);
            assert_int_equal(jobs[t].bad, 0);
        }
    }
    assert_int_equal(ibid_index_verify(ix, err, sizeof err), IBID_OK);
    ibid_index_close(ix);
    for (uint32_t pid = 0; pid < n; pid++)
        free(want[pid]);
    free(want);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ibid-test-index.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_synthetic),    cmocka_unit_test(test_real_corpus),
        cmocka_unit_test(test_empty_and_tiny), cmocka_unit_test(test_file_order),
        cmocka_unit_test(test_threads_same_bytes),
        cmocka_unit_test(test_open_errors),  cmocka_unit_test(test_corruption),
        cmocka_unit_test(test_atomic_write), cmocka_unit_test(test_store_cache),
        cmocka_unit_test(test_store_edge_fields), cmocka_unit_test(test_old_version),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
