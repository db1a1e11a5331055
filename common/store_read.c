/*
 * store_read.c - reading passages back from the compressed store (index.h, "the passage
 * store"; bytes in docs/index-format.md, STORE and STOREIDX).
 *
 * A passage is found by binary search over the store block index (first passage id of each
 * block), its block is inflated with libdeflate (the zlib format) into a buffer of the recorded size,
 * and its record is located by the record lengths at the head of the block.  A cite that refers
 * to a footnote passage of the same file is resolved by reading that passage's text, from the
 * same block or by inflating one more.
 *
 * The block cache: each index keeps the last IBID_STORE_CACHE_SLOTS inflated blocks (least
 * recently used out), so that the hits of one answer, their near-duplicate comparisons and their
 * cited footnotes inflate each 16 KiB block once per process instead of once per read (one
 * ibid-search process on corpus/: 31 inflations of 16 KiB for 30 reads before).  The cache is
 * created on the first read (an atomic pointer swap: concurrent first readers race harmlessly)
 * and guarded by a mutex held only to look up, insert and release, never while inflating: two
 * threads missing on the same block may both inflate it, and the second one's copy is dropped.
 * Blocks are reference-counted, so a block evicted while a reader still parses it is freed by
 * that reader's release.  The libdeflate decompressor (its decode tables cost about as much as
 * inflating 2 KiB) is kept with the cache and lent to one inflating thread at a time.
 *
 * Every count and length in a block is checked against the inflated size; the inflated size
 * must match the index exactly; a decompression error is corruption (a corrupt block is never
 * cached); every string must be valid UTF-8 without NUL bytes.
 */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>

#include "index_impl.h"
#include "status.h"
#include "vbyte.h"

typedef struct sblock {
    uint32_t b, first, nrec;
    uint8_t *data;
    uint32_t len;
    const uint8_t *lens, *recs; /* the VByte lengths, the first record */
    /* in the cache: holders (the cache's slot counts as one) and the last use */
    uint32_t refs;
    uint64_t used;
} sblock;

typedef struct raw_cite {
    uint32_t footnote, tag; /* tag: 0 NULL, 1 inline, 2 + k passage first_passage + k */
    const uint8_t *text;
    uint32_t len;
} raw_cite;

typedef struct raw_rec {
    uint32_t kind, line, end_line, work, chapter, page, paragraph, footnote, ncites;
    const uint8_t *cites; /* encoded cites, parsed again by next_cite */
    const uint8_t *id, *text;
    uint32_t id_len, text_len;
    int has_id;
} raw_rec;

static void sblock_free(sblock *s)
{
    free(s->data);
    s->data = NULL;
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

/* Inflates block b into s (s->data malloc'd; freed on error) with the decompressor d. */
static int inflate_block(const ibid_index *ix, uint32_t b, sblock *s, struct libdeflate_decompressor *d)
{
    const uint8_t *e = ix->sec[IBID_SEC_STOREIDX].p + (size_t)IBID_STOREIDX_ENTRY * b;
    uint32_t first = ibid_le32(e), ulen = ibid_le32(e + 4), next = ibid_le32(e + IBID_STOREIDX_ENTRY);
    uint64_t off = ibid_le64(e + 8), end = ibid_le64(e + IBID_STOREIDX_ENTRY + 8);
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
    s->b = b;
    s->first = first;
    s->len = ulen;
    const uint8_t *p = s->data, *pend = p + ulen;
    size_t k = ibid_vbyte_get32(p, pend, &s->nrec);
    if (!k || s->nrec != next - first) {
        sblock_free(s);
        return IBID_ECORRUPT;
    }
    p += k;
    s->lens = p;
    uint64_t total = 0;
    for (uint32_t i = 0; i < s->nrec; i++) {
        uint32_t l;
        if (!(k = ibid_vbyte_get32(p, pend, &l))) {
            sblock_free(s);
            return IBID_ECORRUPT;
        }
        p += k;
        total += l;
    }
    if (total != (uint64_t)(pend - p)) {
        sblock_free(s);
        return IBID_ECORRUPT;
    }
    s->recs = p;
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

/* The bytes of passage pid's record in block s. */
static void record_in(const sblock *s, uint32_t pid, const uint8_t **rec, uint32_t *len)
{
    const uint8_t *lp = s->lens, *r = s->recs, *end = s->data + s->len;
    uint32_t l = 0;
    for (uint32_t i = 0; i <= pid - s->first; i++) {
        r += l;
        lp += ibid_vbyte_get32(lp, end, &l); /* checked by inflate_block */
    }
    *rec = r;
    *len = l;
}

typedef struct rd {
    const uint8_t *p, *end;
    int bad;
} rd;

static uint32_t rd32(rd *r)
{
    uint32_t v = 0;
    size_t k = ibid_vbyte_get32(r->p, r->end, &v);
    if (!k)
        r->bad = 1;
    r->p += k;
    return v;
}

static const uint8_t *rd_bytes(rd *r, uint32_t n)
{
    if (n > (size_t)(r->end - r->p)) {
        r->bad = 1;
        return r->p;
    }
    const uint8_t *q = r->p;
    r->p += n;
    return q;
}

static int next_cite(rd *r, raw_cite *c)
{
    c->footnote = rd32(r);
    c->tag = rd32(r);
    c->text = NULL;
    c->len = 0;
    if (c->tag == 1) {
        c->len = rd32(r);
        c->text = rd_bytes(r, c->len);
        if (!r->bad && !ibid_ix_valid_text(c->text, c->len))
            return IBID_ECORRUPT;
    }
    return r->bad || c->footnote > INT_MAX ? IBID_ECORRUPT : IBID_OK;
}

static int parse_record(const ibid_index *ix, const uint8_t *p, uint32_t len, raw_rec *out)
{
    rd r = {p, p + len, 0};
    out->kind = rd32(&r);
    out->line = rd32(&r);
    uint32_t span = rd32(&r);
    out->work = rd32(&r);
    out->chapter = rd32(&r);
    out->page = rd32(&r);
    out->paragraph = rd32(&r);
    out->footnote = rd32(&r);
    out->ncites = rd32(&r);
    if (r.bad || out->kind > IBID_KIND_BIBLIOGRAPHY || out->line > INT_MAX || span > INT_MAX - out->line ||
        out->work >= ix->nworks || out->chapter > ix->nchaps || out->page > INT_MAX ||
        out->paragraph > INT_MAX || out->footnote > INT_MAX || out->ncites > len)
        return IBID_ECORRUPT;
    out->end_line = out->line + span;
    out->cites = r.p;
    for (uint32_t i = 0; i < out->ncites; i++) {
        raw_cite c;
        if (next_cite(&r, &c))
            return IBID_ECORRUPT;
    }
    uint32_t idl = rd32(&r);
    out->has_id = idl != 0;
    out->id_len = idl ? idl - 1 : 0;
    out->id = rd_bytes(&r, out->id_len);
    out->text_len = rd32(&r);
    out->text = rd_bytes(&r, out->text_len);
    if (r.bad || r.p != r.end || !ibid_ix_valid_text(out->id, out->id_len) ||
        !ibid_ix_valid_text(out->text, out->text_len))
        return IBID_ECORRUPT;
    return IBID_OK;
}

/* Reads passage pid's record from *s, swapping *s for pid's block (from the cache) unless
   *s already is it. */
static int read_record(const ibid_index *ix, uint32_t pid, sblock **s, raw_rec *rec)
{
    uint32_t b = block_of(ix, pid);
    if (!*s || (*s)->b != b) {
        cache_put(ix, *s);
        int rc = cache_get(ix, b, s);
        if (rc)
            return rc;
    }
    const uint8_t *p;
    uint32_t len;
    record_in(*s, pid, &p, &len);
    return parse_record(ix, p, len, rec);
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
    raw_rec rec;
    int rc = read_record(ix, pid, &s, &rec);
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
    uint32_t fid = ibid_ix_file_of(ix, pid);
    ibid_file_info fi;
    if (fid == UINT32_MAX || ibid_index_file(ix, fid, &fi)) {
        rc = IBID_ECORRUPT;
        goto done;
    }
    const char *work = ibid_index_work_name(ix, rec.work);
    const char *chap = rec.chapter ? ibid_index_chapter_name(ix, rec.chapter - 1) : NULL;
    p->kind = (ibid_kind)rec.kind;
    p->line = (int)rec.line;
    p->end_line = (int)rec.end_line;
    p->page = (int)rec.page;
    p->paragraph = (int)rec.paragraph;
    p->footnote = (int)rec.footnote;
    p->file = sdup(m, fi.path, strlen(fi.path));
    p->work = sdup(m, work, strlen(work));
    p->chapter = chap ? sdup(m, chap, strlen(chap)) : NULL;
    p->id = rec.has_id ? sdup(m, rec.id, rec.id_len) : NULL;
    p->text = sdup(m, rec.text, rec.text_len);
    if (!p->file || !p->work || (chap && !p->chapter) || (rec.has_id && !p->id) || !p->text) {
        rc = IBID_ENOMEM;
        goto done;
    }
    if (rec.ncites) {
        ibid_cite *cites = ibid_arena_alloc(&m->arena, (size_t)rec.ncites * sizeof *cites);
        if (!cites) {
            rc = IBID_ENOMEM;
            goto done;
        }
        rd r = {rec.cites, s->data + s->len, 0};
        for (uint32_t i = 0; i < rec.ncites && rc == IBID_OK; i++) {
            raw_cite c;
            next_cite(&r, &c); /* checked by parse_record */
            cites[i].footnote = (int)c.footnote;
            cites[i].text = NULL;
            if (c.tag == 1) {
                if (!(cites[i].text = sdup(m, c.text, c.len)))
                    rc = IBID_ENOMEM;
            } else if (c.tag >= 2) {
                uint64_t target = (uint64_t)fi.first_passage + (c.tag - 2);
                raw_rec fn;
                if (target >= (uint64_t)fi.first_passage + fi.passage_count) {
                    rc = IBID_ECORRUPT;
                    break;
                }
                sblock **src = s->b == block_of(ix, (uint32_t)target) ? &s : &other;
                if ((rc = read_record(ix, (uint32_t)target, src, &fn)) != IBID_OK)
                    break;
                if (!(cites[i].text = sdup(m, fn.text, fn.text_len)))
                    rc = IBID_ENOMEM;
            }
        }
        p->cites = cites;
        p->ncites = rec.ncites;
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

/* Inflates every block and checks every record against the metadata sections. */
int ibid_ix_verify_store(const ibid_index *ix, char *err, size_t errlen)
{
    /* every block once: not through the cache */
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    if (!d)
        return IBID_ENOMEM;
    for (uint32_t b = 0; b < ix->nstore; b++) {
        sblock s = {0};
        int rc = inflate_block(ix, b, &s, d);
        if (rc == IBID_ENOMEM) {
            libdeflate_free_decompressor(d);
            return rc;
        }
        if (rc) {
            libdeflate_free_decompressor(d);
            return ibid_ix_corrupt(err, errlen, "store block %u is corrupt", b);
        }
        for (uint32_t i = 0; i < s.nrec && rc == IBID_OK; i++) {
            uint32_t pid = s.first + i, len;
            const uint8_t *p;
            raw_rec rec;
            ibid_passage_meta meta;
            record_in(&s, pid, &p, &len);
            if (parse_record(ix, p, len, &rec) || ibid_index_passage_meta(ix, pid, &meta) ||
                meta.kind != (ibid_kind)rec.kind || meta.line != rec.line || meta.work_id != rec.work ||
                meta.chapter_id != (rec.chapter ? rec.chapter - 1 : UINT32_MAX)) {
                rc = ibid_ix_corrupt(err, errlen, "store: passage %u is corrupt or disagrees with its metadata", pid);
                break;
            }
            ibid_file_info fi;
            ibid_index_file(ix, meta.file_id, &fi);
            rd r = {rec.cites, s.data + s.len, 0};
            for (uint32_t c = 0; c < rec.ncites; c++) {
                raw_cite ct;
                next_cite(&r, &ct);
                if (ct.tag >= 2 && ct.tag - 2 >= fi.passage_count)
                    rc = ibid_ix_corrupt(err, errlen, "store: passage %u cites outside its file", pid);
            }
        }
        sblock_free(&s);
        if (rc) {
            libdeflate_free_decompressor(d);
            return rc;
        }
    }
    libdeflate_free_decompressor(d);
    return IBID_OK;
}
