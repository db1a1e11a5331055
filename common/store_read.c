/*
 * store_read.c - reading passages back from the compressed store (index.h, "the passage
 * store"; bytes in docs/index-format.md, STORE and STOREIDX).
 *
 * A passage is found by binary search over the store block index (first passage id of each
 * block), its block is inflated with libdeflate (the zlib format) into a buffer of the recorded
 * size, and the block's records are located once: their headers decoded in order (each is coded
 * against predictions from the block's earlier records and from PMETA, the runs and FILES:
 * store_codec.h), then their NUL-terminated strings.  Kind, line, work and chapter come from
 * PMETA and the runs.  A cite that refers to a footnote passage of the same file is resolved by
 * reading that passage's text, from the same block or by inflating one more.
 *
 * The block cache: each index keeps the last IBID_STORE_CACHE_SLOTS inflated blocks (least
 * recently used out), so that the hits of one answer, their near-duplicate comparisons and their
 * cited footnotes inflate each block once per process instead of once per read (one
 * ibid-search process on corpus/: 31 inflations of 16 KiB for 30 reads before).  The cache is
 * created on the first read (an atomic pointer swap: concurrent first readers race harmlessly)
 * and guarded by a mutex held only to look up, insert and release, never while inflating: two
 * threads missing on the same block may both inflate it, and the second one's copy is dropped.
 * Blocks are reference-counted, so a block evicted while a reader still parses it is freed by
 * that reader's release.  The libdeflate decompressor (its decode tables cost about as much as
 * inflating 2 KiB) is kept with the cache and lent to one inflating thread at a time.
 *
 * Every count and value in a block is checked against the inflated size; the inflated size
 * must match the index exactly; a decompression error is corruption (a corrupt block is never
 * cached); every string handed out is checked to be valid UTF-8 (it holds no NUL: NULs end it).
 */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>

#include "bitpack.h"
#include "index_impl.h"
#include "status.h"
#include "store_read.h"

typedef struct sblock {
    uint32_t b, first, nrec;
    uint8_t *data;
    uint32_t len;
    ibid_ix_srec *recs; /* nrec located records */
    /* in the cache: holders (the cache's slot counts as one) and the last use */
    uint32_t refs;
    uint64_t used;
} sblock;

static void sblock_free(sblock *s)
{
    free(s->data);
    free(s->recs);
    s->data = NULL;
    s->recs = NULL;
}

static uint32_t block_of(const ibid_index *ix, uint32_t pid)
{
    const uint8_t *idx = ix->sec[IBID_SEC_STOREIDX].p;
    uint32_t lo = 0, hi = ix->nstore;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ibid_le32(idx + (size_t)IBID_STOREIDX_ENTRY * mid) <= pid)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* A cursor over WRUNS or CRUNS: the id of the run holding pid, for pids visited in order. */
typedef struct run_cur {
    const uint8_t *p;
    uint32_t n, at;
} run_cur;

static void run_seek(run_cur *c, const ibid_sec *s, uint32_t nruns, uint32_t pid)
{
    c->p = s->p;
    c->n = nruns;
    c->at = ibid_ix_run_index(s, nruns, pid);
}

static uint32_t run_id(run_cur *c, uint32_t pid)
{
    while (c->at + 1 < c->n && ibid_le32(c->p + 8 * ((size_t)c->at + 1)) <= pid)
        c->at++;
    return ibid_le32(c->p + 8 * (size_t)c->at + 4);
}

static uint32_t line_of(const ibid_index *ix, uint32_t pid)
{
    return ibid_bitpack_get(ix->sec[IBID_SEC_PMETA].p, pid, 2 + ix->line_bits) >> 2;
}

/* The end of string area p..end's next string (its NUL), or NULL. */
static const uint8_t *string_end(const uint8_t *p, const uint8_t *end)
{
    return p < end ? memchr(p, 0, (size_t)(end - p)) : NULL;
}

int ibid_ix_store_parse(const ibid_index *ix, uint32_t first, uint32_t nrec, const uint8_t *data, uint32_t len,
                        ibid_ix_srec *recs)
{
    if (nrec == 0 || (uint64_t)first + nrec > ix->npass || nrec > ibid_ix_store_max_records(len))
        return IBID_ECORRUPT;
    uint32_t fid = ibid_ix_file_of(ix, first);
    if (fid == UINT32_MAX)
        return IBID_ECORRUPT;
    ibid_file_info fi;
    ibid_index_file(ix, fid, &fi);
    uint64_t fend = (uint64_t)fi.first_passage + fi.passage_count;
    run_cur wc, cc;
    run_seek(&wc, &ix->sec[IBID_SEC_WRUNS], ix->nwruns, first);
    run_seek(&cc, &ix->sec[IBID_SEC_CRUNS], ix->ncruns, first);
    ibid_store_pred pr;
    ibid_store_pred_reset(&pr);
    const uint8_t *p = data, *end = data + len;
    uint32_t line = line_of(ix, first); /* of passage pid, then of pid + 1 */
    for (uint32_t i = 0; i < nrec; i++) {
        uint32_t pid = first + i;
        while (pid >= fend) { /* files are contiguous and cover every passage (checked at open) */
            if (++fid >= ix->nfiles)
                return IBID_ECORRUPT;
            ibid_index_file(ix, fid, &fi);
            fend = (uint64_t)fi.first_passage + fi.passage_count;
        }
        ibid_store_ctx cx = {line, run_id(&wc, pid), run_id(&cc, pid), 0, 0};
        if (pid + 1 < ix->npass)
            line = line_of(ix, pid + 1);
        if (pid + 1 < fend) {
            cx.has_next = 1;
            cx.next_line = line;
        }
        ibid_ix_srec *r = &recs[i];
        if (ibid_store_header_get(&p, end, &pr, &cx, &r->f))
            return IBID_ECORRUPT;
        r->cites = p;
        r->ninline = 0;
        for (uint32_t c = 0; c < r->f.ncites; c++) {
            uint32_t fn, tag;
            if (ibid_store_cite_get(&p, end, &fn, &tag))
                return IBID_ECORRUPT;
            r->ninline += tag == 1;
        }
        r->cites_end = p;
    }
    for (uint32_t i = 0; i < nrec; i++) {
        ibid_ix_srec *r = &recs[i];
        r->strs = p;
        uint64_t nstr = (uint64_t)r->f.has_id + r->ninline;
        for (uint64_t k = 0; k < nstr; k++) {
            const uint8_t *z = string_end(p, end);
            if (!z)
                return IBID_ECORRUPT;
            p = z + 1;
        }
        const uint8_t *z = string_end(p, end);
        if (!z)
            return IBID_ECORRUPT;
        r->text = p;
        r->text_len = (uint32_t)(z - p);
        p = z + 1;
    }
    return p == end ? IBID_OK : IBID_ECORRUPT;
}

int ibid_ix_srec_valid(const ibid_ix_srec *r)
{
    for (const uint8_t *p = r->strs; p < r->text;) { /* the id and inline cite texts */
        size_t n = strlen((const char *)p);
        if (!ibid_ix_valid_text(p, n))
            return 0;
        p += n + 1;
    }
    return ibid_ix_valid_text(r->text, r->text_len);
}

/* Inflates block b into s (s->data, s->recs malloc'd; freed on error) with the decompressor d,
   and locates its records. */
static int inflate_block(const ibid_index *ix, uint32_t b, sblock *s, struct libdeflate_decompressor *d)
{
    const uint8_t *e = ix->sec[IBID_SEC_STOREIDX].p + (size_t)IBID_STOREIDX_ENTRY * b;
    uint32_t first = ibid_le32(e), ulen = ibid_le32(e + 4), next = ibid_le32(e + IBID_STOREIDX_ENTRY);
    uint64_t off = ibid_le64(e + 8), end = ibid_le64(e + IBID_STOREIDX_ENTRY + 8);
    uint32_t nrec = next - first; /* first pids increase strictly (checked at open) */
    if (nrec > ibid_ix_store_max_records(ulen))
        return IBID_ECORRUPT;
    s->data = malloc(ulen ? ulen : 1);
    if (!s->data)
        return IBID_ENOMEM;
    /* libdeflate reads the zlib format 2-3 times faster than zlib's uncompress (Gutenberg, 1,000
       queries, top 1000 with TREC output: 388 -> 154 ms a query; docs/performance.md) and
       checks the Adler-32 just the same */
    size_t dl = 0;
    enum libdeflate_result r = LIBDEFLATE_BAD_DATA;
    if (end - off <= SIZE_MAX)
        r = libdeflate_zlib_decompress(d, ix->sec[IBID_SEC_STORE].p + off, (size_t)(end - off),
                                       s->data, ulen, &dl);
    if (r != LIBDEFLATE_SUCCESS || dl != ulen) {
        sblock_free(s);
        return IBID_ECORRUPT;
    }
    /* the record array only once the block inflated to its stated length: a forged STOREIDX
       cannot make a read allocate nrec x 64 bytes for nothing */
    if (!(s->recs = malloc((size_t)nrec * sizeof *s->recs))) {
        sblock_free(s);
        return IBID_ENOMEM;
    }
    if (ibid_ix_store_parse(ix, first, nrec, s->data, ulen, s->recs)) {
        sblock_free(s);
        return IBID_ECORRUPT;
    }
    s->b = b;
    s->first = first;
    s->nrec = nrec;
    s->len = ulen;
    return IBID_OK;
}

/* ---- the block cache ---- */

struct ibid_store_cache {
    pthread_mutex_t mu;
    sblock *slot[IBID_STORE_CACHE_SLOTS];
    uint64_t clock;
    struct libdeflate_decompressor *dec; /* NULL while lent to an inflating thread */
};

static void sblock_destroy(sblock *s)
{
    if (s) {
        sblock_free(s);
        free(s);
    }
}

/* The index's cache, created on first use; NULL when out of memory. */
static struct ibid_store_cache *cache_of(const ibid_index *ix)
{
    /* the cache is the index's private mutable state: ix was allocated non-const by open */
    _Atomic(struct ibid_store_cache *) *slot = &((ibid_index *)ix)->store_cache;
    struct ibid_store_cache *c = atomic_load_explicit(slot, memory_order_acquire);
    if (c)
        return c;
    c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c);
        return NULL;
    }
    struct ibid_store_cache *expected = NULL;
    if (!atomic_compare_exchange_strong_explicit(slot, &expected, c, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        pthread_mutex_destroy(&c->mu); /* another thread made one first */
        free(c);
        return expected;
    }
    return c;
}

void ibid_ix_store_cache_free(ibid_index *ix)
{
    struct ibid_store_cache *c = atomic_exchange(&ix->store_cache, NULL);
    if (!c)
        return;
    for (size_t i = 0; i < IBID_STORE_CACHE_SLOTS; i++)
        sblock_destroy(c->slot[i]); /* no reader may be left when the index closes */
    libdeflate_free_decompressor(c->dec);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

/* Gives back a block taken by cache_get (NULL is fine). */
static void cache_put(const ibid_index *ix, sblock *s)
{
    if (!s)
        return;
    struct ibid_store_cache *c = atomic_load_explicit(&((ibid_index *)ix)->store_cache, memory_order_acquire);
    pthread_mutex_lock(&c->mu);
    int last = --s->refs == 0;
    pthread_mutex_unlock(&c->mu);
    if (last)
        sblock_destroy(s);
}

/* Block b, inflated, held for the caller until cache_put. */
static int cache_get(const ibid_index *ix, uint32_t b, sblock **out)
{
    *out = NULL;
    struct ibid_store_cache *c = cache_of(ix);
    if (!c)
        return IBID_ENOMEM;
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < IBID_STORE_CACHE_SLOTS; i++)
        if (c->slot[i] && c->slot[i]->b == b) {
            c->slot[i]->refs++;
            c->slot[i]->used = ++c->clock;
            *out = c->slot[i];
            pthread_mutex_unlock(&c->mu);
            return IBID_OK;
        }
    struct libdeflate_decompressor *d = c->dec;
    c->dec = NULL;
    pthread_mutex_unlock(&c->mu);

    /* a miss: inflate outside the lock */
    if (!d && !(d = libdeflate_alloc_decompressor()))
        return IBID_ENOMEM;
    sblock *s = calloc(1, sizeof *s);
    int rc = s ? inflate_block(ix, b, s, d) : IBID_ENOMEM;
    sblock *victim = NULL;
    pthread_mutex_lock(&c->mu);
    if (!c->dec) {
        c->dec = d;
        d = NULL;
    }
    if (rc == IBID_OK) {
        size_t at = 0;
        int found = 0;
        for (size_t i = 0; i < IBID_STORE_CACHE_SLOTS && !found; i++) {
            if (c->slot[i] && c->slot[i]->b == b) { /* another thread inflated it meanwhile */
                victim = s;
                s = c->slot[i];
                s->refs++;
                s->used = ++c->clock;
                found = 1;
            } else if (!c->slot[i] || (c->slot[at] && c->slot[i]->used < c->slot[at]->used)) {
                at = i; /* an empty slot, else the least recently used */
            }
        }
        if (!found) {
            if (c->slot[at] && --c->slot[at]->refs == 0)
                victim = c->slot[at];
            c->slot[at] = s;
            s->refs = 2; /* the slot and the caller */
            s->used = ++c->clock;
        }
        *out = s;
    }
    pthread_mutex_unlock(&c->mu);
    libdeflate_free_decompressor(d);
    sblock_destroy(victim);
    if (rc != IBID_OK)
        free(s); /* inflate_block freed its data */
    return rc;
}

/* Reads passage pid's record (its strings checked), swapping *s for pid's block (from the cache)
   unless *s already is it. */
static int read_record(const ibid_index *ix, uint32_t pid, sblock **s, const ibid_ix_srec **rec)
{
    uint32_t b = block_of(ix, pid);
    if (!*s || (*s)->b != b) {
        cache_put(ix, *s);
        int rc = cache_get(ix, b, s);
        if (rc)
            return rc;
    }
    *rec = &(*s)->recs[pid - (*s)->first];
    return ibid_ix_srec_valid(*rec) ? IBID_OK : IBID_ECORRUPT;
}

typedef struct stored_mem {
    ibid_arena arena;
} stored_mem;

static char *sdup(stored_mem *m, const void *s, size_t n)
{
    return ibid_arena_strndup(&m->arena, s, n);
}

int ibid_index_get_passage(const ibid_index *ix, uint32_t pid, ibid_stored_passage *out)
{
    memset(out, 0, sizeof *out);
    if (pid >= ix->npass)
        return IBID_EINVAL;
    sblock *s = NULL, *other = NULL;
    const ibid_ix_srec *rec;
    ibid_passage_meta meta;
    ibid_file_info fi;
    int rc = ibid_index_passage_meta(ix, pid, &meta);
    if (rc == IBID_OK && ibid_index_file(ix, meta.file_id, &fi))
        rc = IBID_ECORRUPT;
    if (rc == IBID_OK)
        rc = read_record(ix, pid, &s, &rec);
    if (rc)
        goto done;
    stored_mem *m = calloc(1, sizeof *m);
    if (!m) {
        rc = IBID_ENOMEM;
        goto done;
    }
    out->mem = m;
    out->pid = pid;
    ibid_passage *p = &out->p;
    const char *work = ibid_index_work_name(ix, meta.work_id);
    const char *chap = meta.chapter_id != UINT32_MAX ? ibid_index_chapter_name(ix, meta.chapter_id) : NULL;
    if (!work || (meta.chapter_id != UINT32_MAX && !chap)) {
        rc = IBID_ECORRUPT;
        goto done;
    }
    p->kind = meta.kind;
    p->line = (int)meta.line;
    p->end_line = (int)rec->f.end_line;
    p->page = (int)rec->f.page;
    p->paragraph = (int)rec->f.paragraph;
    p->footnote = (int)rec->f.footnote;
    p->file = sdup(m, fi.path, strlen(fi.path));
    p->work = sdup(m, work, strlen(work));
    p->chapter = chap ? sdup(m, chap, strlen(chap)) : NULL;
    const uint8_t *str = rec->strs; /* id, inline cite texts, text */
    if (rec->f.has_id) {
        size_t n = strlen((const char *)str);
        p->id = sdup(m, str, n);
        str += n + 1;
    }
    p->text = sdup(m, rec->text, rec->text_len);
    if (!p->file || !p->work || (chap && !p->chapter) || (rec->f.has_id && !p->id) || !p->text) {
        rc = IBID_ENOMEM;
        goto done;
    }
    if (rec->f.ncites) {
        ibid_cite *cites = ibid_arena_alloc(&m->arena, (size_t)rec->f.ncites * sizeof *cites);
        if (!cites) {
            rc = IBID_ENOMEM;
            goto done;
        }
        const uint8_t *cp = rec->cites;
        uint32_t ncites = rec->f.ncites;
        for (uint32_t i = 0; i < ncites && rc == IBID_OK; i++) {
            uint32_t fn, tag;
            ibid_store_cite_get(&cp, rec->cites_end, &fn, &tag); /* checked by the block's parse */
            cites[i].footnote = (int)fn;
            cites[i].text = NULL;
            if (tag == 1) {
                size_t n = strlen((const char *)str);
                if (!(cites[i].text = sdup(m, str, n)))
                    rc = IBID_ENOMEM;
                str += n + 1;
            } else if (tag >= 2) {
                uint64_t target = (uint64_t)fi.first_passage + (tag - 2);
                const ibid_ix_srec *fn_rec;
                if (target >= (uint64_t)fi.first_passage + fi.passage_count) {
                    rc = IBID_ECORRUPT;
                    break;
                }
                /* s's records stay valid: s is swapped only when the target is in another block */
                sblock **src = s->b == block_of(ix, (uint32_t)target) ? &s : &other;
                if ((rc = read_record(ix, (uint32_t)target, src, &fn_rec)) != IBID_OK)
                    break;
                if (!(cites[i].text = sdup(m, fn_rec->text, fn_rec->text_len)))
                    rc = IBID_ENOMEM;
            }
        }
        p->cites = cites;
        p->ncites = ncites;
    }
done:
    cache_put(ix, s);
    cache_put(ix, other);
    if (rc) {
        ibid_stored_passage_free(out);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

void ibid_stored_passage_free(ibid_stored_passage *sp)
{
    if (!sp || !sp->mem)
        return;
    stored_mem *m = sp->mem;
    ibid_arena_free(&m->arena);
    free(m);
    sp->mem = NULL;
}

/* Inflates every block and checks every record: its header and strings, its cites' references
   inside its file. */
int ibid_ix_verify_store(const ibid_index *ix, char *err, size_t errlen)
{
    /* every block once: not through the cache */
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    if (!d)
        return IBID_ENOMEM;
    int rc = IBID_OK;
    for (uint32_t b = 0; b < ix->nstore && rc == IBID_OK; b++) {
        sblock s = {0};
        rc = inflate_block(ix, b, &s, d);
        if (rc == IBID_ENOMEM)
            break;
        if (rc) {
            rc = ibid_ix_corrupt(err, errlen, "store block %u is corrupt", b);
            break;
        }
        for (uint32_t i = 0; i < s.nrec && rc == IBID_OK; i++) {
            uint32_t pid = s.first + i;
            const ibid_ix_srec *rec = &s.recs[i];
            ibid_passage_meta meta;
            ibid_file_info fi;
            if (!ibid_ix_srec_valid(rec) || ibid_index_passage_meta(ix, pid, &meta) ||
                ibid_index_file(ix, meta.file_id, &fi)) {
                rc = ibid_ix_corrupt(err, errlen, "store: passage %u is corrupt", pid);
                break;
            }
            const uint8_t *cp = rec->cites;
            for (uint32_t c = 0; c < rec->f.ncites; c++) {
                uint32_t fn, tag;
                ibid_store_cite_get(&cp, rec->cites_end, &fn, &tag);
                if (tag >= 2 && tag - 2 >= fi.passage_count)
                    rc = ibid_ix_corrupt(err, errlen, "store: passage %u cites outside its file", pid);
            }
        }
        sblock_free(&s);
    }
    libdeflate_free_decompressor(d);
    return rc;
}
