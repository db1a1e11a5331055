/*
 * index_build.c - the index builder: takes files' passages, analyses and inverts them in
 * memory, streams each passage's record into the compressed store, and at the end sorts the
 * dictionary and writes every section (see index_build.h and docs/index-format.md).
 *
 * Inversion.  Every distinct folded form gets an id from a hash table (strtab); the first time
 * a form is seen, its stem is interned too and the form becomes the stem's next variant, so
 * variants are numbered in order of first appearance.  Within one passage the tokens of each
 * term are chained through scratch arrays (a term remembers the passage it last saw and the
 * head and tail of its chain); when the passage ends, each touched term appends one posting to
 * its growing buffer in an intermediate VByte format:
 *     VByte doc delta, VByte tf, tf x VByte ((position delta << 8) | variant)
 * Nothing is sorted per passage (only the rare out-of-order position of a joined compound).
 *
 * Writing.  Terms and forms are sorted once (byte order), ordinals assigned, and each term's
 * intermediate list is re-encoded into its final form (postings_enc.c) in ordinal order and
 * freed at once, so the peak holds the intermediate lists plus the final postings.
 *
 * After any error other than the IBID_EINVAL of a misordered file, the builder is left in a
 * failed state: ibid_builder_write returns that error, and only ibid_builder_free is useful.
 */
#include "index_build.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "bitpack.h"
#include "buf.h"
#include "index_file.h"
#include "index_format.h"
#include "postings_enc.h"
#include "section_enc.h"
#include "status.h"
#include "store_record.h"
#include "store_write.h"
#include "strtab.h"
#include "vbyte.h"

/* A term: 64 bytes, and the array is 64-byte aligned (grow_terms), so that everything a token
   touches of its term is one cache line (perf: loading the term was a fifth of the builder's
   samples; a term straddling two lines, or its scratch kept apart, costs two misses). */
typedef struct term_ent {
    ibid_buf post;    /* intermediate postings (see above) */
    uint32_t last_doc, df, max_tf, nforms;
    uint64_t cf;
    /* per passage scratch */
    uint32_t cur_doc, head, tail, tf;
} term_ent;
_Static_assert(sizeof(term_ent) == 64 || sizeof(void *) != 8, "a term is one cache line");

/* What a token needs of its form: the term id and the variant number within the term. */
typedef struct form_map {
    uint32_t term, var;
} form_map;

struct ibid_builder {
    int level;
    int threads;            /* opts.threads: >= 2 also encodes the postings on two threads */
    const ibid_diag *diag;
    int failed;
    ibid_analyzer *an;
    ibid_strtab terms, forms, works, chapters;
    term_ent *tents;
    size_t tcap;
    uint32_t *form_term, *form_var;
    size_t fcap;
    form_map *amap;         /* the analyzer's form number (ibid_token.form_id) -> term and
                               variant (term UINT32_MAX when not seen yet): one load a token
                               instead of a hash and two more loads */
    size_t amap_cap;
    /* per passage scratch: one entry per token */
    uint32_t *tok_term, *tok_pos, *tok_var, *tok_next, *touched;
    size_t tok_cap, touched_cap;
    uint32_t *sort_pos, *sort_var;
    /* per passage data */
    uint32_t *lens, *lines;
    uint8_t *kinds;
    size_t pcap;
    uint32_t npass;
    ibid_buf wruns, cruns;
    uint32_t nwruns, ncruns, last_work, last_chap;
    /* files */
    ibid_buf files, paths;
    uint32_t nfiles;
    char *last_path;
    /* store */
    ibid_store_writer store;
    uint64_t tokens, text_bytes, postings, occurrences;
    uint32_t max_line;
    uint64_t segment_id;   /* META's segment id (ibid_builder_set_segment_id) */
    size_t post_bytes;     /* capacity of every term's intermediate postings buffer */
};

ibid_builder *ibid_builder_new(const ibid_build_opts *opts)
{
    ibid_builder *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->level = opts && opts->level >= 1 && opts->level <= 12 ? opts->level : 6;
    b->threads = opts ? opts->threads : 0;
    b->diag = opts ? opts->diag : NULL;
    b->an = ibid_analyzer_new();
    if (!b->an || ibid_store_writer_init(&b->store, b->level, opts && opts->threads >= 2)) {
        ibid_builder_free(b);
        return NULL;
    }
    return b;
}

void ibid_builder_free(ibid_builder *b)
{
    if (!b)
        return;
    if (b->an)
        ibid_analyzer_free(b->an);
    for (size_t i = 0; i < b->terms.n; i++)
        ibid_buf_free(&b->tents[i].post);
    ibid_strtab_free(&b->terms);
    ibid_strtab_free(&b->forms);
    ibid_strtab_free(&b->works);
    ibid_strtab_free(&b->chapters);
    free(b->tents);
    free(b->form_term);
    free(b->form_var);
    free(b->amap);
    free(b->tok_term);
    free(b->tok_pos);
    free(b->tok_var);
    free(b->tok_next);
    free(b->touched);
    free(b->sort_pos);
    free(b->sort_var);
    free(b->lens);
    free(b->lines);
    free(b->kinds);
    ibid_buf_free(&b->wruns);
    ibid_buf_free(&b->cruns);
    ibid_buf_free(&b->files);
    ibid_buf_free(&b->paths);
    free(b->last_path);
    ibid_store_writer_free(&b->store);
    free(b);
}

#if defined(__GNUC__)
#define PREFETCH_W(p) __builtin_prefetch((p), 1)
#define NOINLINE __attribute__((noinline))
#else
#define PREFETCH_W(p) ((void)(p))
#define NOINLINE
#endif

/* How far ahead the passes below prefetch (tokens or terms). */
enum { AHEAD = 8 };

/* Grows the term array to at least need entries, keeping it 64-byte aligned (realloc would not). */
static int grow_terms(ibid_builder *b, size_t need)
{
    size_t c = b->tcap ? b->tcap : 1024;
    while (c < need)
        c *= 2;
    if (c > SIZE_MAX / sizeof(term_ent))
        return IBID_ENOMEM;
    term_ent *n = aligned_alloc(64, c * sizeof(term_ent));
    if (!n)
        return IBID_ENOMEM;
    if (b->tents)
        memcpy(n, b->tents, b->tcap * sizeof(term_ent));
    free(b->tents);
    b->tents = n;
    b->tcap = c;
    return IBID_OK;
}

/* Form id of tok's form by its text, creating the form (and its term) when new. */
static int64_t form_lookup(ibid_builder *b, const ibid_token *tok)
{
    uint32_t h = ibid_strtab_hash(tok->form, tok->form_len);
    uint32_t f = ibid_strtab_find(&b->forms, tok->form, tok->form_len, h);
    if (f != UINT32_MAX)
        return f;
    int added;
    int64_t t = ibid_strtab_intern(&b->terms, tok->term, tok->term_len,
                                   ibid_strtab_hash(tok->term, tok->term_len), &added);
    if (t < 0)
        return t;
    if (added) {
        if ((size_t)t >= b->tcap && grow_terms(b, (size_t)t + 1))
            return IBID_ENOMEM;
        memset(&b->tents[t], 0, sizeof b->tents[t]);
        b->tents[t].cur_doc = UINT32_MAX;
    }
    term_ent *te = &b->tents[t];
    if (te->nforms >= IBID_IDX_MAX_FORMS)
        return IBID_ELIMIT;
    int64_t nf = ibid_strtab_intern(&b->forms, tok->form, tok->form_len, h, NULL);
    if (nf < 0)
        return nf;
    size_t c1 = b->fcap, c2 = b->fcap;
    if (ibid_grow_array((void **)&b->form_term, &c1, (size_t)nf + 1, sizeof *b->form_term) ||
        ibid_grow_array((void **)&b->form_var, &c2, (size_t)nf + 1, sizeof *b->form_var))
        return IBID_ENOMEM;
    b->fcap = c1 < c2 ? c1 : c2;
    b->form_term[nf] = (uint32_t)t;
    b->form_var[nf] = te->nforms++;
    return nf;
}

/* The first sight of an analyzer form number: finds or creates the form through the string
   table and remembers its term and variant under that number.  Returns IBID_OK, IBID_ELIMIT
   (the stem has IBID_IDX_MAX_FORMS spellings; nothing changed) or IBID_ENOMEM. */
static NOINLINE int form_first(ibid_builder *b, const ibid_token *tok, form_map *m)
{
    int64_t f = form_lookup(b, tok);
    if (f < 0)
        return (int)f;
    m->term = b->form_term[f];
    m->var = b->form_var[f];
    uint32_t id = tok->form_id;
    if (id == UINT32_MAX)
        return IBID_OK;
    if (id >= b->amap_cap) {
        size_t old = b->amap_cap;
        if (ibid_grow_array((void **)&b->amap, &b->amap_cap, (size_t)id + 1, sizeof *b->amap))
            return IBID_ENOMEM;
        memset(b->amap + old, 0xff, (b->amap_cap - old) * sizeof *b->amap);
    }
    b->amap[id] = *m;
    return IBID_OK;
}

/* Term and variant of tok's form, creating the form (and its term) on first sight.  Known
   forms are found by the analyzer's number for them in one array (callgrind, 32 MB of
   Gutenberg: 9.76 G -> 8.92 G instructions, the string table's hash and probe were 7%). */
static inline int form_of(ibid_builder *b, const ibid_token *tok, form_map *m)
{
    uint32_t id = tok->form_id;
    if (id < b->amap_cap && b->amap[id].term != UINT32_MAX) {
        *m = b->amap[id];
        return IBID_OK;
    }
    return form_first(b, tok, m);
}

/* Appends the passage's postings to the touched terms' buffers. */
static int flush_passage(ibid_builder *b, uint32_t pid, size_t ntouched)
{
    for (size_t i = 0; i < ntouched; i++) {
        if (i + AHEAD < ntouched) { /* the term's line is in the cache since the chaining pass */
            const term_ent *tn = &b->tents[b->touched[i + AHEAD]];
            if (tn->post.data)
                PREFETCH_W(tn->post.data + tn->post.len);
        }
        uint32_t t = b->touched[i];
        term_ent *te = &b->tents[t];
        uint32_t tf = te->tf, k = te->head;
        /* gather the chain; positions are ascending except for a joined compound, which
           arrives after its parts: insertion sort (tf is small, disorder rare) */
        for (uint32_t j = 0; j < tf; j++) {
            uint32_t p = b->tok_pos[k], v = b->tok_var[k], m = j;
            while (m > 0 && b->sort_pos[m - 1] > p) {
                b->sort_pos[m] = b->sort_pos[m - 1];
                b->sort_var[m] = b->sort_var[m - 1];
                m--;
            }
            b->sort_pos[m] = p;
            b->sort_var[m] = v;
            k = b->tok_next[k];
        }
        uint32_t delta = te->df ? pid - te->last_doc : pid;
        size_t need = (2 + (size_t)tf) * IBID_VBYTE_MAX32;
        if (te->post.cap - te->post.len <= need) { /* ibid_buf_reserve's own test, inline */
            size_t cap0 = te->post.cap;
            if (ibid_buf_reserve(&te->post, need))
                return IBID_ENOMEM;
            b->post_bytes += te->post.cap - cap0;
        }
        uint8_t *o = (uint8_t *)te->post.data + te->post.len, *o0 = o;
        o += ibid_vbyte_put32(o, delta);
        o += ibid_vbyte_put32(o, tf);
        uint32_t prev = 0;
        for (uint32_t j = 0; j < tf; j++) {
            o += ibid_vbyte_put32(o, (b->sort_pos[j] - prev) << 8 | b->sort_var[j]);
            prev = b->sort_pos[j];
        }
        te->post.len += (size_t)(o - o0);
        te->last_doc = pid;
        te->df++;
        te->cf += tf;
        if (tf > te->max_tf)
            te->max_tf = tf;
        b->postings++;
    }
    return IBID_OK;
}

/* Grows the per token scratch arrays to hold at least need tokens. */
static int grow_tokens(ibid_builder *b, size_t need)
{
    uint32_t **arrs[] = {&b->tok_term, &b->tok_pos, &b->tok_var, &b->tok_next,
                         &b->sort_pos, &b->sort_var, &b->touched};
    size_t cap = b->tok_cap;
    for (size_t i = 0; i < sizeof arrs / sizeof arrs[0]; i++) {
        size_t c = b->tok_cap;
        if (ibid_grow_array((void **)arrs[i], &c, need, 4))
            return IBID_ENOMEM;
        cap = c;
    }
    b->tok_cap = cap; /* every array grew from the same capacity by the same doubling */
    return IBID_OK;
}

/* Analyses and inverts one passage's text; returns its length in tokens via *len.  Words at
   positions IBID_IDX_MAX_POS and beyond are not indexed (*cut gets CUT_POSITIONS; the text is
   stored whole), nor are new spellings of a stem that has IBID_IDX_MAX_FORMS already (*cut gets
   CUT_FORMS; their positions count): one hostile file must not make the whole build fail.
   Three passes: the tokens' terms, variants and positions into arrays; then each term's tokens
   chained through tok_next (prefetching the terms' scratch a few tokens ahead); then one
   posting a touched term (flush_passage).  Separate passes let the cache misses of the long
   tail of rare words overlap instead of following each other. */
enum { CUT_POSITIONS = 1, CUT_FORMS = 2 };
static int invert(ibid_builder *b, uint32_t pid, const char *text, size_t tlen, uint32_t *len, int *cut)
{
    ibid_token tok;
    size_t ntok = 0, ntouched = 0;
    uint32_t n = 0;
    int rc;
    ibid_analyzer_reset(b->an, text, tlen);
    while ((rc = ibid_analyzer_next(b->an, &tok)) == 1) {
        if (tok.form_len == 0 || tok.form_len > IBID_MAX_TERM || tok.term_len == 0 ||
            tok.term_len > IBID_MAX_TERM)
            continue;
        if (tok.pos >= IBID_IDX_MAX_POS) {
            *cut |= CUT_POSITIONS;
            break;
        }
        form_map m;
        int frc = form_of(b, &tok, &m);
        if (frc == IBID_ELIMIT) { /* the stem has IBID_IDX_MAX_FORMS spellings (nothing changed) */
            *cut |= CUT_FORMS;
            continue;
        }
        if (frc < 0)
            return frc;
        if (!(tok.flags & IBID_TOK_JOINED))
            n++;
        if (ntok == b->tok_cap && grow_tokens(b, ntok + 1))
            return IBID_ENOMEM;
        b->tok_term[ntok] = m.term;
        b->tok_pos[ntok] = tok.pos;
        b->tok_var[ntok] = m.var;
        ntok++;
    }
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < ntok; i++) {
        if (i + AHEAD < ntok)
            PREFETCH_W(&b->tents[b->tok_term[i + AHEAD]]);
        uint32_t t = b->tok_term[i];
        term_ent *ts = &b->tents[t];
        b->tok_next[i] = UINT32_MAX;
        if (ts->cur_doc != pid) {
            b->touched[ntouched++] = t;
            ts->cur_doc = pid;
            ts->head = ts->tail = (uint32_t)i;
            ts->tf = 1;
        } else {
            b->tok_next[ts->tail] = (uint32_t)i;
            ts->tail = (uint32_t)i;
            ts->tf++;
        }
    }
    *len = n;
    b->tokens += n;
    b->occurrences += ntok;
    return flush_passage(b, pid, ntouched);
}

static uint32_t nonneg(int v) { return v > 0 ? (uint32_t)v : 0; }

/* Id of s in t, interning it when new.  The previous passage's string (id last) is compared
   first: a file's passages share their work and run through chapters in order, so nearly every
   passage is answered without hashing its titles. */
static int64_t intern_memo(ibid_strtab *t, const char *s, uint32_t last)
{
    size_t n = strlen(s);
    if (last < t->n && t->ents[last].len == n && memcmp(t->ents[last].s, s, n) == 0)
        return last;
    return ibid_strtab_intern(t, s, n, ibid_strtab_hash(s, n), NULL);
}

static int add_passages(ibid_builder *b, const ibid_passage_list *list)
{
    ibid_store_fnref *fns = NULL;
    size_t nfns = 0;
    for (size_t i = 0; i < list->n; i++)
        nfns += list->v[i].kind == IBID_KIND_FOOTNOTE && list->v[i].footnote > 0;
    if (nfns && !(fns = malloc(nfns * sizeof *fns)))
        return IBID_ENOMEM;
    nfns = 0;
    for (size_t i = 0; i < list->n; i++)
        if (list->v[i].kind == IBID_KIND_FOOTNOTE && list->v[i].footnote > 0)
            fns[nfns++] = (ibid_store_fnref){list->v[i].footnote, (uint32_t)i};
    if (nfns > 1)
        qsort(fns, nfns, sizeof *fns, ibid_store_fnref_cmp);

    int rc = IBID_OK, warned_forms = 0;
    for (size_t i = 0; i < list->n && rc == IBID_OK; i++) {
        const ibid_passage *p = &list->v[i];
        uint32_t pid = b->npass;
        const char *work = p->work ? p->work : "";
        int64_t w = intern_memo(&b->works, work, b->last_work);
        int64_t c = -1;
        if (p->chapter)
            c = intern_memo(&b->chapters, p->chapter, b->last_chap);
        if (w < 0 || (p->chapter && c < 0)) {
            rc = IBID_ENOMEM;
            break;
        }
        uint32_t chap = c < 0 ? UINT32_MAX : (uint32_t)c;
        if (pid == 0 || (uint32_t)w != b->last_work)
            rc = ibid_sec_add_run(&b->wruns, &b->nwruns, pid, (uint32_t)w);
        if (rc == IBID_OK && (pid == 0 || chap != b->last_chap))
            rc = ibid_sec_add_run(&b->cruns, &b->ncruns, pid, chap);
        b->last_work = (uint32_t)w;
        b->last_chap = chap;
        if (rc == IBID_OK && nonneg(p->line) >= IBID_IDX_MAX_LINE)
            rc = IBID_ELIMIT;
        if (rc == IBID_OK)
            rc = ibid_store_record_add(&b->store, list, i, fns, nfns, (uint32_t)w, chap);
        const char *text = p->text ? p->text : "";
        size_t tlen = strlen(text);
        if (rc == IBID_OK && tlen > IBID_IDX_MAX_PASSAGE_BYTES)
            rc = IBID_ELIMIT;
        uint32_t len = 0;
        int cut = 0;
        if (rc == IBID_OK)
            rc = invert(b, pid, text, tlen, &len, &cut);
        if (rc == IBID_OK && (cut & CUT_POSITIONS))
            ibid_diagf(b->diag, p->file, p->line, "passage of more than %u words: the words after that are not indexed",
                       (unsigned)IBID_IDX_MAX_POS);
        if (rc == IBID_OK && (cut & CUT_FORMS) && !warned_forms) {
            ibid_diagf(b->diag, p->file, p->line, "a word stem with more than %u spellings: the further spellings are "
                       "not indexed (reported once per file)", (unsigned)IBID_IDX_MAX_FORMS);
            warned_forms = 1;
        }
        if (rc == IBID_OK) {
            b->lens[pid] = len;
            b->lines[pid] = nonneg(p->line);
            b->kinds[pid] = (uint8_t)(p->kind <= IBID_KIND_BIBLIOGRAPHY ? p->kind : 0);
            if (nonneg(p->line) > b->max_line)
                b->max_line = nonneg(p->line);
            b->text_bytes += tlen;
            b->npass++;
        }
    }
    free(fns);
    return rc;
}

int ibid_builder_add_file(ibid_builder *b, const char *path, uint64_t size, int64_t mtime,
                          const ibid_passage_list *passages)
{
    return ibid_builder_add_file_hashed(b, path, size, mtime, 0, passages);
}

void ibid_builder_set_segment_id(ibid_builder *b, uint64_t id) { b->segment_id = id; }

size_t ibid_builder_memory(const ibid_builder *b)
{
    size_t n = b->post_bytes + b->tcap * sizeof(term_ent) +
               b->fcap * 2 * sizeof(uint32_t) + b->amap_cap * sizeof(form_map) + b->pcap * 9 + b->wruns.cap + b->cruns.cap +
               b->files.cap + b->paths.cap;
    /* the dictionaries: slot array, entries and their strings (about 16 bytes each) */
    const ibid_strtab *t[] = {&b->terms, &b->forms, &b->works, &b->chapters};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        n += t[i]->nslots * sizeof(uint32_t) + t[i]->cap * sizeof(ibid_strtab_ent) + t[i]->n * 16;
    return n + b->store.out.cap + b->store.idx.cap + b->store.hdrs.cap + b->store.recs.cap + b->store.block.cap;
}

int ibid_builder_add_file_hashed(ibid_builder *b, const char *path, uint64_t size, int64_t mtime,
                                 uint64_t hash, const ibid_passage_list *passages)
{
    if (b->failed)
        return b->failed;
    if (!path || (b->last_path && strcmp(path, b->last_path) <= 0))
        return IBID_EINVAL;
    size_t n = passages ? passages->n : 0;
    if (n > (size_t)(UINT32_MAX - 1) - b->npass || b->nfiles == UINT32_MAX - 1)
        return IBID_ELIMIT;
    size_t plen = strlen(path);
    char *copy = malloc(plen + 1);
    if (!copy)
        return IBID_ENOMEM;
    memcpy(copy, path, plen + 1);
    free(b->last_path);
    b->last_path = copy;

    size_t c1 = b->pcap, c2 = b->pcap, c3 = b->pcap;
    int rc = IBID_OK;
    if (ibid_grow_array((void **)&b->lens, &c1, (size_t)b->npass + n, 4) ||
        ibid_grow_array((void **)&b->lines, &c2, (size_t)b->npass + n, 4) ||
        ibid_grow_array((void **)&b->kinds, &c3, (size_t)b->npass + n, 1))
        rc = IBID_ENOMEM;
    else
        b->pcap = c1 < c2 ? (c1 < c3 ? c1 : c3) : (c2 < c3 ? c2 : c3);
    uint32_t first = b->npass;
    if (rc == IBID_OK && n)
        rc = add_passages(b, passages);
    if (rc == IBID_OK && b->paths.len + plen + 1 > UINT32_MAX)
        rc = IBID_ELIMIT;
    if (rc == IBID_OK) {
        uint8_t r[IBID_FILE_RECORD];
        ibid_st64(r, size);
        ibid_st64(r + 8, (uint64_t)mtime);
        ibid_st64(r + 16, hash);
        ibid_st32(r + 24, first);
        ibid_st32(r + 28, b->npass - first);
        ibid_st32(r + 32, (uint32_t)b->paths.len);
        ibid_st32(r + 36, (uint32_t)plen);
        if (ibid_buf_put(&b->files, r, sizeof r) || ibid_buf_put(&b->paths, path, plen + 1))
            rc = IBID_ENOMEM;
        else
            b->nfiles++;
    }
    if (rc != IBID_OK)
        b->failed = rc;
    return rc;
}

/* ---- writing ------------------------------------------------------------------------------ */

static const ibid_strtab *sort_tab;

static int cmp_ids(const void *x, const void *y)
{
    const ibid_strtab_ent *a = &sort_tab->ents[*(const uint32_t *)x];
    const ibid_strtab_ent *c = &sort_tab->ents[*(const uint32_t *)y];
    size_t n = a->len < c->len ? a->len : c->len;
    int r = memcmp(a->s, c->s, n);
    if (r)
        return r;
    return a->len < c->len ? -1 : a->len > c->len;
}

/* Ids of t's strings in byte order (order[rank] = id) and rank[id]. */
static int sort_strings(const ibid_strtab *t, uint32_t **order, uint32_t **rank)
{
    size_t n = t->n ? t->n : 1;
    *order = malloc(n * sizeof **order);
    *rank = malloc(n * sizeof **rank);
    if (!*order || !*rank)
        return IBID_ENOMEM;
    for (size_t i = 0; i < t->n; i++)
        (*order)[i] = (uint32_t)i;
    sort_tab = t; /* qsort has no context argument; the builder is single-threaded */
    qsort(*order, t->n, sizeof **order, cmp_ids);
    for (size_t i = 0; i < t->n; i++)
        (*rank)[(*order)[i]] = (uint32_t)i;
    return IBID_OK;
}

typedef struct outbufs {
    ibid_buf meta, files, works, chapters, pmeta, lens, termidx, termdict, formlist, formidx,
        formdict, postings;
} outbufs;

static void outbufs_free(outbufs *o)
{
    ibid_buf *v[] = {&o->meta, &o->files, &o->works, &o->chapters, &o->pmeta, &o->lens,
                     &o->termidx, &o->termdict, &o->formlist, &o->formidx, &o->formdict, &o->postings};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        ibid_buf_free(v[i]);
}


/* What one thread needs to encode a run of terms: its scratch arrays and encoder. */
typedef struct enc_scratch {
    ibid_postenc enc;
    uint32_t *docs, *tfs, *vals;
    size_t dcap, vcap;
} enc_scratch;

static void enc_scratch_free(enc_scratch *x)
{
    ibid_postenc_free(&x->enc);
    free(x->docs);
    free(x->tfs);
    free(x->vals);
}

/* Decodes term te's intermediate list into the scratch arrays, encodes it onto out, and frees
   the intermediate list. */
static int encode_term(const ibid_builder *b, term_ent *te, enc_scratch *x, ibid_buf *out)
{
    size_t d1 = x->dcap, d2 = x->dcap;
    if (ibid_grow_array((void **)&x->docs, &d1, te->df, 4) || ibid_grow_array((void **)&x->tfs, &d2, te->df, 4) ||
        ibid_grow_array((void **)&x->vals, &x->vcap, te->cf, 4))
        return IBID_ENOMEM;
    x->dcap = d1 < d2 ? d1 : d2;
    unsigned vbits = ibid_bitpack_width(te->nforms - 1);
    const uint8_t *p = (const uint8_t *)te->post.data, *end = p + te->post.len;
    uint32_t doc = 0;
    size_t vi = 0;
    for (uint32_t i = 0; i < te->df; i++) {
        uint32_t delta, tf, v;
        p += ibid_vbyte_get32(p, end, &delta);
        p += ibid_vbyte_get32(p, end, &tf);
        doc = i ? doc + delta : delta;
        x->docs[i] = doc;
        x->tfs[i] = tf;
        for (uint32_t j = 0; j < tf; j++) {
            p += ibid_vbyte_get32(p, end, &v);
            x->vals[vi++] = (v >> 8) << vbits | (v & 0xff);
        }
    }
    int rc = ibid_postings_encode_forms(&x->enc, x->docs, x->tfs, te->df, x->vals, te->nforms, b->lens, out);
    ibid_buf_free(&te->post);
    return rc;
}

/* A run of terms [from, to) in ordinal order (order[r] is the term id of ordinal r), encoded
   onto out; plen[r] gets each list's length. */
typedef struct enc_run {
    ibid_builder *b;
    const uint32_t *order;
    size_t from, to;
    uint64_t *plen;
    ibid_buf out;
    enc_scratch x;
    int rc;
} enc_run;

static void *encode_run(void *arg)
{
    enc_run *j = arg;
    for (size_t r = j->from; r < j->to && j->rc == IBID_OK; r++) {
        size_t before = j->out.len;
        j->rc = encode_term(j->b, &j->b->tents[j->order[r]], &j->x, &j->out);
        j->plen[r] = j->out.len - before;
    }
    return NULL;
}

/* Encodes every term's list onto o->postings in ordinal order and fills plen[0..nt).  With two
   threads the terms from the one where half of the intermediate bytes are passed on are encoded
   on a second thread into a buffer of their own, appended afterwards: the same bytes. */
static int encode_all(ibid_builder *b, const uint32_t *order, size_t nt, uint64_t *plen, ibid_buf *postings)
{
    size_t split = nt;
    if (b->threads >= 2 && nt >= 2 * IBID_IDX_TERM_BLOCK) {
        uint64_t total = 0, half = 0;
        for (size_t r = 0; r < nt; r++)
            total += b->tents[order[r]].post.len;
        for (split = 0; split < nt && half < total / 2; split++)
            half += b->tents[order[split]].post.len;
    }
    enc_run a = {.b = b, .order = order, .from = 0, .to = split, .plen = plen, .out = *postings};
    enc_run z = {.b = b, .order = order, .from = split, .to = nt, .plen = plen};
    pthread_t th;
    int threaded = split < nt && pthread_create(&th, NULL, encode_run, &z) == 0;
    encode_run(&a);
    if (threaded)
        pthread_join(th, NULL);
    else
        encode_run(&z); /* no thread (or none needed): the rest here */
    *postings = a.out;
    int rc = a.rc ? a.rc : z.rc;
    if (rc == IBID_OK && z.out.len && ibid_buf_put(postings, z.out.data, z.out.len))
        rc = IBID_ENOMEM;
    ibid_buf_free(&z.out);
    enc_scratch_free(&a.x);
    enc_scratch_free(&z.x);
    return rc;
}

static int build_terms(ibid_builder *b, outbufs *o, const uint32_t *form_rank)
{
    uint32_t *order = NULL, *rank = NULL, *foff = NULL;
    uint64_t *plen = NULL;
    int rc = sort_strings(&b->terms, &order, &rank);
    size_t nt = b->terms.n;
    if (rc == IBID_OK && (!(foff = malloc((nt + 1) * sizeof *foff)) || !(plen = malloc((nt + 1) * sizeof *plen))))
        rc = IBID_ENOMEM;
    /* FORMLIST: each term's forms by variant, terms in ordinal order */
    if (rc == IBID_OK) {
        uint32_t off = 0;
        for (size_t r = 0; r < nt; r++) {
            foff[r] = off;
            off += b->tents[order[r]].nforms;
        }
        foff[nt] = off;
        uint32_t *fl = malloc(((size_t)off + 1) * sizeof *fl);
        if (!fl || off != b->forms.n)
            rc = fl ? IBID_ECORRUPT : IBID_ENOMEM;
        else {
            for (size_t f = 0; f < b->forms.n; f++)
                fl[(size_t)foff[rank[b->form_term[f]]] + b->form_var[f]] = form_rank[f];
            rc = ibid_sec_formlist(fl, off, &o->formlist);
        }
        free(fl);
    }
    if (rc == IBID_OK)
        rc = encode_all(b, order, nt, plen, &o->postings);
    /* TERMDICT and TERMIDX from the lists' lengths */
    const char *prev = "";
    size_t prevlen = 0;
    uint64_t post_off = 0;
    for (size_t r = 0; r < nt && rc == IBID_OK; r++) {
        term_ent *te = &b->tents[order[r]];
        const ibid_strtab_ent *s = &b->terms.ents[order[r]];
        if (r % IBID_IDX_TERM_BLOCK == 0) {
            uint8_t e[IBID_TERMIDX_ENTRY];
            if (o->termdict.len > UINT32_MAX) {
                rc = IBID_ELIMIT;
                break;
            }
            ibid_st32(e, (uint32_t)o->termdict.len);
            ibid_st32(e + 4, foff[r]);
            ibid_st64(e + 8, post_off);
            if (ibid_buf_put(&o->termidx, e, sizeof e)) {
                rc = IBID_ENOMEM;
                break;
            }
        }
        if (ibid_sec_dict_head(&o->termdict, prev, prevlen, s->s, s->len, r % IBID_IDX_TERM_BLOCK == 0) ||
            ibid_buf_put_vbyte(&o->termdict, te->df) || ibid_buf_put_vbyte(&o->termdict, te->cf - te->df) ||
            ibid_buf_put_vbyte(&o->termdict, te->max_tf) || ibid_buf_put_vbyte(&o->termdict, te->nforms) ||
            ibid_buf_put_vbyte(&o->termdict, plen[r]))
            rc = IBID_ENOMEM;
        post_off += plen[r];
        prev = s->s;
        prevlen = s->len;
    }
    if (rc == IBID_OK) { /* sentinel */
        uint8_t e[IBID_TERMIDX_ENTRY];
        ibid_st32(e, (uint32_t)o->termdict.len);
        ibid_st32(e + 4, foff[nt]);
        ibid_st64(e + 8, o->postings.len);
        if (o->termdict.len > UINT32_MAX)
            rc = IBID_ELIMIT;
        else if (ibid_buf_put(&o->termidx, e, sizeof e))
            rc = IBID_ENOMEM;
    }
    /* the terms' ordinals, for the forms dictionary */
    if (rc == IBID_OK) {
        for (size_t f = 0; f < b->forms.n; f++)
            b->form_term[f] = rank[b->form_term[f]];
    }
    free(order);
    free(rank);
    free(foff);
    free(plen);
    return rc;
}

static int build_forms(ibid_builder *b, outbufs *o, const uint32_t *order)
{
    const char *prev = "";
    size_t prevlen = 0;
    uint32_t prev_term = 0;
    for (size_t r = 0; r < b->forms.n; r++) {
        uint32_t f = order[r];
        const ibid_strtab_ent *s = &b->forms.ents[f];
        if (r % IBID_IDX_FORM_BLOCK == 0) {
            if (o->formdict.len > UINT32_MAX)
                return IBID_ELIMIT;
            if (ibid_buf_put_u32(&o->formidx, (uint32_t)o->formdict.len))
                return IBID_ENOMEM;
        }
        int first = r % IBID_IDX_FORM_BLOCK == 0;
        if (ibid_sec_dict_head(&o->formdict, prev, prevlen, s->s, s->len, first) ||
            ibid_sec_form_tail(&o->formdict, b->form_term[f], prev_term, first, b->form_var[f]))
            return IBID_ENOMEM;
        prev = s->s;
        prevlen = s->len;
        prev_term = b->form_term[f];
    }
    if (o->formdict.len > UINT32_MAX)
        return IBID_ELIMIT;
    return ibid_buf_put_u32(&o->formidx, (uint32_t)o->formdict.len);
}

static int build_passage_sections(ibid_builder *b, outbufs *o, unsigned *lens_width,
                                  unsigned *line_bits, uint32_t *min_len, uint32_t *max_len)
{
    if (ibid_sec_lens(b->lens, b->npass, &o->lens, lens_width, min_len, max_len))
        return IBID_ENOMEM;
    *line_bits = ibid_bitpack_width(b->max_line);
    unsigned w = 2 + *line_bits;
    size_t bytes = ibid_bitpack_bytes(b->npass, w);
    uint32_t *rec = malloc((b->npass ? b->npass : 1) * sizeof *rec);
    if (!rec || ibid_buf_reserve(&o->pmeta, bytes)) {
        free(rec);
        return IBID_ENOMEM;
    }
    for (uint32_t i = 0; i < b->npass; i++)
        rec[i] = b->lines[i] << 2 | b->kinds[i];
    ibid_bitpack_encode(rec, b->npass, w, (uint8_t *)o->pmeta.data);
    o->pmeta.len = bytes;
    free(rec);
    return IBID_OK;
}

int ibid_builder_write(ibid_builder *b, const char *path, ibid_build_stats *stats)
{
    if (b->failed)
        return b->failed;
    outbufs o;
    memset(&o, 0, sizeof o);
    uint32_t *forder = NULL, *frank = NULL;
    unsigned lens_width = 1, line_bits = 0;
    uint32_t min_len = 0, max_len = 0;
    int rc = ibid_store_finish(&b->store);
    if (rc == IBID_OK)
        rc = sort_strings(&b->forms, &forder, &frank);
    if (rc == IBID_OK)
        rc = build_terms(b, &o, frank);
    if (rc == IBID_OK)
        rc = build_forms(b, &o, forder);
    if (rc == IBID_OK)
        rc = build_passage_sections(b, &o, &lens_width, &line_bits, &min_len, &max_len);
    if (rc == IBID_OK)
        rc = ibid_sec_string_table(&b->works, &o.works);
    if (rc == IBID_OK)
        rc = ibid_sec_string_table(&b->chapters, &o.chapters);
    if (rc == IBID_OK) {
        if (ibid_buf_put_u32(&o.files, b->nfiles) || ibid_buf_put_u32(&o.files, 0) ||
            ibid_buf_put(&o.files, b->files.data, b->files.len) ||
            ibid_buf_put(&o.files, b->paths.data, b->paths.len))
            rc = IBID_ENOMEM;
    }
    if (rc == IBID_OK && ibid_buf_reserve(&o.meta, IBID_IDX_META_SIZE))
        rc = IBID_ENOMEM;
    if (rc == IBID_OK) {
        uint8_t *m = (uint8_t *)o.meta.data;
        memset(m, 0, IBID_IDX_META_SIZE);
        ibid_st32(m + IBID_META_PASSAGES, b->npass);
        ibid_st32(m + IBID_META_TERMS, (uint32_t)b->terms.n);
        ibid_st32(m + IBID_META_FORMS, (uint32_t)b->forms.n);
        ibid_st32(m + IBID_META_FILES, b->nfiles);
        ibid_st32(m + IBID_META_WORKS, (uint32_t)b->works.n);
        ibid_st32(m + IBID_META_CHAPTERS, (uint32_t)b->chapters.n);
        ibid_st64(m + IBID_META_TOKENS, b->tokens);
        ibid_st64(m + IBID_META_POSTINGS, b->postings);
        ibid_st64(m + IBID_META_OCCURRENCES, b->occurrences);
        ibid_st64(m + IBID_META_TEXT_BYTES, b->text_bytes);
        ibid_st32(m + IBID_META_STORE_BLOCKS, b->store.nblocks);
        ibid_st32(m + IBID_META_LENS_WIDTH, lens_width);
        ibid_st32(m + IBID_META_LINE_BITS, line_bits);
        ibid_st32(m + IBID_META_MIN_LEN, min_len);
        ibid_st32(m + IBID_META_MAX_LEN, max_len);
        ibid_st32(m + IBID_META_WRUNS, b->nwruns);
        ibid_st32(m + IBID_META_CRUNS, b->ncruns);
        ibid_st32(m + IBID_META_TERM_BLOCK, IBID_IDX_TERM_BLOCK);
        ibid_st32(m + IBID_META_FORM_BLOCK, IBID_IDX_FORM_BLOCK);
        ibid_st32(m + IBID_META_POST_BLOCK, IBID_IDX_POST_BLOCK);
        ibid_st64(m + IBID_META_SEGMENT, b->segment_id);
        o.meta.len = IBID_IDX_META_SIZE;
    }
    uint64_t fsize = 0;
    if (rc == IBID_OK) {
        /* small sections first: opening touches them, so they share the first pages */
        ibid_section_out secs[IBID_SEC_COUNT] = {
            {IBID_SEC_META, o.meta.data, o.meta.len},
            {IBID_SEC_FILES, o.files.data, o.files.len},
            {IBID_SEC_WORKS, o.works.data, o.works.len},
            {IBID_SEC_CHAPTERS, o.chapters.data, o.chapters.len},
            {IBID_SEC_WRUNS, b->wruns.data, b->wruns.len},
            {IBID_SEC_CRUNS, b->cruns.data, b->cruns.len},
            {IBID_SEC_TERMIDX, o.termidx.data, o.termidx.len},
            {IBID_SEC_FORMIDX, o.formidx.data, o.formidx.len},
            {IBID_SEC_STOREIDX, b->store.idx.data, b->store.idx.len},
            {IBID_SEC_TERMDICT, o.termdict.data, o.termdict.len},
            {IBID_SEC_FORMDICT, o.formdict.data, o.formdict.len},
            {IBID_SEC_FORMLIST, o.formlist.data, o.formlist.len},
            {IBID_SEC_LENS, o.lens.data, o.lens.len},
            {IBID_SEC_PMETA, o.pmeta.data, o.pmeta.len},
            {IBID_SEC_POSTINGS, o.postings.data, o.postings.len},
            {IBID_SEC_STORE, b->store.out.data, b->store.out.len},
        };
        rc = ibid_index_file_write(path, secs, IBID_SEC_COUNT, &fsize);
    }
    if (rc == IBID_OK && stats) {
        stats->files = b->nfiles;
        stats->passages = b->npass;
        stats->terms = (uint32_t)b->terms.n;
        stats->tokens = b->tokens;
        stats->postings = b->postings;
        stats->index_bytes = fsize;
        stats->store_bytes = b->store.out.len;
        stats->text_bytes = b->text_bytes;
    }
    free(forder);
    free(frank);
    outbufs_free(&o);
    b->failed = rc ? rc : IBID_EINVAL; /* the builder's data was consumed */
    return rc;
}
