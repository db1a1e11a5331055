/*
 * postings.c - postings cursors: decoding a term's list block by block, skipping with the skip
 * entries, block-max bounds, and lazy positions (index.h; bytes in docs/index-format.md).
 *
 * A list of df postings has nb = ceil(df / 128) blocks.  When nb > 1 it starts with VByte
 * skip_len and nb skip entries (last doc delta, doc bytes, position bytes, max tf, min length);
 * then, for a term of several forms, the variant rank table; then VByte docs_len, the doc
 * blocks, and the position blocks (posblock.h: decoding one needs the passage lengths, LENS).  The cursor reads skip entries
 * strictly forward (a "skip reader": the entry of block k and the offsets where block k starts),
 * decodes one doc block of up to 128 doc ids and tfs at a time, and decodes a block's position
 * values only when positions of one of its postings are asked for.  block_bound reads ahead with
 * a second skip reader (the "probe") so that it never moves the cursor.
 *
 * Every value from the file is checked before use: doc ids strictly increasing and below the
 * passage count, tfs within the term's max tf, byte counts within the list, widths <= 32,
 * variants below the term's form count, the rank table a permutation.  A violation returns IBID_ECORRUPT.  Every loop is
 * bounded by df, the block size or a byte count.
 */
#include <stdlib.h>
#include <string.h>

#include "bitpack.h"
#include "index_impl.h"
#include "pfor.h"
#include "posblock.h"
#include "status.h"
#include "vbyte.h"

enum { B = IBID_IDX_POST_BLOCK };

typedef struct skipr {
    const uint8_t *p;   /* next entry */
    uint32_t blk;       /* its block number */
    uint32_t prev_last; /* last doc of block blk - 1 (0 before block 0) */
    uint64_t doff, poff; /* where block blk's doc and position bytes start */
} skipr;

typedef struct skip_ent {
    uint32_t last, max_tf, min_len;
    uint64_t doff, dbytes, poff, pbytes;
} skip_ent;

struct ibid_postings {
    const ibid_index *ix;
    uint32_t df, nblocks, nforms, max_tf;
    unsigned vbits;
    int want_pos;
    const uint8_t *sk_end, *dbase, *dend, *pbase, *pend;
    skipr next;          /* skip reader: positioned after the current block's entry */
    /* the current block */
    uint32_t blk, n, i, doc;
    uint32_t last, bmax_tf, bmin_len;
    int bound_ready;
    const uint8_t *bp, *bp_end;
    uint32_t docs[B], tfs[B];
    /* positions of the current block, decoded up to the last posting asked for */
    int vals_ready, vals_bad;
    ibid_posblock_dec dec;
    uint32_t dec_i;      /* postings decoded */
    size_t dec_at;       /* values decoded */
    uint32_t pv_i;       /* posting index whose values start at pv_off */
    size_t pv_off;
    uint32_t *posv, *varv;
    size_t pcap;
    /* the variant of each rank (nforms > 1): rt_len entries of the list's table at rt */
    const uint8_t *rt;
    uint32_t rt_len;
    int rank_ready;
    uint8_t rank_var[IBID_IDX_MAX_FORMS];
    /* block_bound's look-ahead */
    int probe_valid;
    uint32_t probe_cur_blk, probe_prev;
    skipr probe;
    skip_ent probe_ent;
};

static int read_skip(const ibid_postings *p, skipr *r, skip_ent *e)
{
    uint32_t delta, max_tf, min_len;
    uint64_t db, pb;
    size_t k;
    const uint8_t *q = r->p, *end = p->sk_end;
    if (r->blk >= p->nblocks)
        return IBID_ECORRUPT;
    if (!(k = ibid_vbyte_get32(q, end, &delta)))
        return IBID_ECORRUPT;
    q += k;
    if (!(k = ibid_vbyte_get64(q, end, &db)))
        return IBID_ECORRUPT;
    q += k;
    if (!(k = ibid_vbyte_get64(q, end, &pb)))
        return IBID_ECORRUPT;
    q += k;
    if (!(k = ibid_vbyte_get32(q, end, &max_tf)))
        return IBID_ECORRUPT;
    q += k;
    if (!(k = ibid_vbyte_get32(q, end, &min_len)))
        return IBID_ECORRUPT;
    q += k;
    uint64_t last = (uint64_t)r->prev_last + delta;
    if ((r->blk > 0 && delta == 0) || last >= p->ix->npass || max_tf == 0 || max_tf > p->max_tf ||
        db > (uint64_t)(p->dend - p->dbase) - r->doff || pb > (uint64_t)(p->pend - p->pbase) - r->poff)
        return IBID_ECORRUPT;
    e->last = (uint32_t)last;
    e->max_tf = max_tf;
    e->min_len = min_len;
    e->doff = r->doff;
    e->dbytes = db;
    e->poff = r->poff;
    e->pbytes = pb;
    r->p = q;
    r->blk++;
    r->prev_last = (uint32_t)last;
    r->doff += db;
    r->poff += pb;
    return IBID_OK;
}

/* Decodes doc block b from [q, q + bytes) whose previous doc is prev (-1 for the first). */
static int decode_block(ibid_postings *p, uint32_t b, const uint8_t *q, uint64_t bytes, int64_t prev)
{
    uint32_t n = b + 1 < p->nblocks ? B : p->df - B * (p->nblocks - 1);
    const uint8_t *end = q + bytes;
    uint64_t npass = p->ix->npass;
    if (n >= IBID_IDX_PFOR_MIN) {
        size_t k = ibid_pfor_decode(q, end, n, p->docs);
        if (!k)
            return IBID_ECORRUPT;
        q += k;
        if (!(k = ibid_pfor_decode(q, end, n, p->tfs)))
            return IBID_ECORRUPT;
        q += k;
        /* prefix sums in 64 bits (no wrap: at most 128 gaps below 2^32); the docs are
           increasing, so checking the last one against N checks them all */
        uint64_t d = (uint64_t)(prev + 1);
        uint32_t tmax = 0;
        for (uint32_t i = 0; i < n; i++) {
            d += p->docs[i];
            p->docs[i] = (uint32_t)d;
            d++;
            tmax = p->tfs[i] > tmax ? p->tfs[i] : tmax;
            p->tfs[i]++;
        }
        if (d - 1 >= npass || tmax >= p->max_tf)
            return IBID_ECORRUPT;
    } else {
        for (uint32_t i = 0; i < n; i++) {
            uint64_t x;
            uint32_t t = 0;
            size_t k = ibid_vbyte_get64(q, end, &x);
            if (!k)
                return IBID_ECORRUPT;
            q += k;
            if (!(x & 1)) {
                if (!(k = ibid_vbyte_get32(q, end, &t)))
                    return IBID_ECORRUPT;
                q += k;
                if (t > UINT32_MAX - 2)
                    return IBID_ECORRUPT;
                t += 2;
            } else {
                t = 1;
            }
            if ((x >> 1) >= npass || t > p->max_tf)
                return IBID_ECORRUPT;
            int64_t d = prev + 1 + (int64_t)(x >> 1);
            if ((uint64_t)d >= npass)
                return IBID_ECORRUPT;
            p->docs[i] = (uint32_t)d;
            p->tfs[i] = t;
            prev = d;
        }
    }
    if (q != end)
        return IBID_ECORRUPT;
    p->blk = b;
    p->n = n;
    p->i = 0;
    p->doc = p->docs[0];
    p->last = p->docs[n - 1];
    p->vals_ready = 0;
    p->pv_i = 0;
    p->pv_off = 0;
    return IBID_OK;
}

/* Moves to block next.blk, decoding it (multi-block lists). */
static int load_next_block(ibid_postings *p)
{
    skip_ent e;
    int64_t prev = p->next.blk == 0 ? -1 : (int64_t)p->next.prev_last;
    if (read_skip(p, &p->next, &e))
        return IBID_ECORRUPT;
    if (decode_block(p, p->next.blk - 1, p->dbase + e.doff, e.dbytes, prev) || p->last != e.last)
        return IBID_ECORRUPT;
    p->bmax_tf = e.max_tf;
    p->bmin_len = e.min_len;
    p->bound_ready = 1;
    p->bp = p->pbase + e.poff;
    p->bp_end = p->bp + e.pbytes;
    return IBID_OK;
}

int ibid_postings_open(const ibid_index *ix, const ibid_term_info *t, int want_positions,
                       ibid_postings **out)
{
    *out = NULL;
    const ibid_sec *s = &ix->sec[IBID_SEC_POSTINGS];
    if (t->df == 0 || t->df > ix->npass || t->nforms == 0 || t->nforms > IBID_IDX_MAX_FORMS ||
        t->max_tf == 0 || t->post_off > s->len || t->post_len > s->len - t->post_off)
        return IBID_ECORRUPT;
    ibid_postings *p = calloc(1, sizeof *p);
    if (!p)
        return IBID_ENOMEM;
    p->ix = ix;
    p->df = t->df;
    p->nblocks = (uint32_t)(((uint64_t)t->df + B - 1) / B);
    p->nforms = t->nforms;
    p->max_tf = t->max_tf;
    p->vbits = ibid_bitpack_width(t->nforms - 1);
    p->want_pos = want_positions;
    const uint8_t *q = s->p + t->post_off, *end = q + t->post_len;
    uint64_t len;
    size_t k;
    int rc = IBID_ECORRUPT;
    if (p->nblocks > 1) {
        if (!(k = ibid_vbyte_get64(q, end, &len)) || len > (uint64_t)(end - q - k))
            goto fail;
        q += k;
        p->next.p = q;
        p->sk_end = q + len;
        q = p->sk_end;
    }
    if (p->nforms > 1) {
        uint32_t t;
        if (!(k = ibid_vbyte_get32(q, end, &t)) || t > p->nforms || t > (uint64_t)(end - q - k))
            goto fail;
        p->rt = q + k;
        p->rt_len = t;
        q += k + t;
    }
    if (!(k = ibid_vbyte_get64(q, end, &len)) || len > (uint64_t)(end - q - k))
        goto fail;
    q += k;
    p->dbase = q;
    p->dend = q + len;
    p->pbase = p->dend;
    p->pend = end;
    if (p->nblocks > 1) {
        rc = load_next_block(p);
    } else {
        rc = decode_block(p, 0, p->dbase, len, -1);
        p->bp = p->pbase;
        p->bp_end = p->pend;
    }
    if (rc)
        goto fail;
    *out = p;
    return IBID_OK;
fail:
    ibid_postings_close(p);
    return rc;
}

void ibid_postings_close(ibid_postings *p)
{
    if (!p)
        return;
    free(p->posv);
    free(p->varv);
    free(p);
}

uint32_t ibid_postings_doc(const ibid_postings *p) { return p->doc; }

uint32_t ibid_postings_tf(const ibid_postings *p)
{
    return p->doc == IBID_NO_DOC ? 0 : p->tfs[p->i];
}

static int exhaust(ibid_postings *p)
{
    p->doc = IBID_NO_DOC;
    p->i = p->n ? p->n - 1 : 0;
    return IBID_OK;
}

int ibid_postings_next(ibid_postings *p)
{
    if (p->doc == IBID_NO_DOC)
        return IBID_OK;
    if (p->i + 1 < p->n) {
        p->doc = p->docs[++p->i];
        return IBID_OK;
    }
    if (p->blk + 1 >= p->nblocks)
        return exhaust(p);
    if (load_next_block(p)) {
        exhaust(p);
        return IBID_ECORRUPT;
    }
    return IBID_OK;
}

int ibid_postings_advance(ibid_postings *p, uint32_t target)
{
    if (p->doc == IBID_NO_DOC || p->doc >= target)
        return IBID_OK;
    if (target > p->last) {
        if (p->blk + 1 >= p->nblocks)
            return exhaust(p);
        /* skip whole blocks whose last doc is below target, without decoding them */
        for (;;) {
            skipr save = p->next;
            skip_ent e;
            if (read_skip(p, &p->next, &e)) {
                exhaust(p);
                return IBID_ECORRUPT;
            }
            if (e.last >= target) {
                p->next = save;
                break;
            }
            if (p->next.blk >= p->nblocks)
                return exhaust(p);
        }
        if (load_next_block(p)) {
            exhaust(p);
            return IBID_ECORRUPT;
        }
    }
    uint32_t i = p->i;
    while (p->docs[i] < target) /* the block's last doc is >= target */
        i++;
    p->i = i;
    p->doc = p->docs[i];
    return IBID_OK;
}

/* max tf and min length of the current block of a one-block list, computed once. */
static void single_block_bound(ibid_postings *p)
{
    uint32_t mt = 0, ml = UINT32_MAX;
    for (uint32_t i = 0; i < p->n; i++) {
        if (p->tfs[i] > mt)
            mt = p->tfs[i];
        uint32_t l = ibid_index_passage_len(p->ix, p->docs[i]);
        if (l < ml)
            ml = l;
    }
    p->bmax_tf = mt;
    p->bmin_len = ml;
    p->bound_ready = 1;
}

int ibid_postings_block_bound(ibid_postings *p, uint32_t target, uint32_t *last_doc,
                              uint32_t *max_tf, uint32_t *min_len)
{
    if (target <= p->last) {
        if (!p->bound_ready)
            single_block_bound(p);
        *last_doc = p->last;
        *max_tf = p->bmax_tf;
        *min_len = p->bmin_len;
        return IBID_OK;
    }
    if (p->blk + 1 >= p->nblocks) {
        *last_doc = IBID_NO_DOC;
        *max_tf = 0;
        *min_len = 0;
        return IBID_OK;
    }
    /* the probe reads ahead of the cursor; it is reused while the cursor stays in its block
       and targets do not go back before the probe's entry */
    if (!p->probe_valid || p->probe_cur_blk != p->blk || target <= p->probe_prev) {
        p->probe = p->next;
        p->probe_cur_blk = p->blk;
        p->probe_valid = 0;
    }
    while (!p->probe_valid || p->probe_ent.last < target) {
        if (p->probe.blk >= p->nblocks) {
            *last_doc = IBID_NO_DOC;
            *max_tf = 0;
            *min_len = 0;
            return IBID_OK;
        }
        p->probe_prev = p->probe.prev_last;
        if (read_skip(p, &p->probe, &p->probe_ent)) {
            p->probe_valid = 0;
            return IBID_ECORRUPT;
        }
        p->probe_valid = 1;
    }
    *last_doc = p->probe_ent.last;
    *max_tf = p->probe_ent.max_tf;
    *min_len = p->probe_ent.min_len;
    return IBID_OK;
}

/* The variant of each rank: the table's t entries, then the other variants in increasing order. */
static int build_rank_var(ibid_postings *p)
{
    uint8_t seen[IBID_IDX_MAX_FORMS] = {0};
    for (uint32_t r = 0; r < p->rt_len; r++) {
        uint8_t v = p->rt[r];
        if (v >= p->nforms || seen[v])
            return IBID_ECORRUPT;
        seen[v] = 1;
        p->rank_var[r] = v;
    }
    uint32_t r = p->rt_len;
    for (uint32_t v = 0; v < p->nforms; v++)
        if (!seen[v])
            p->rank_var[r++] = (uint8_t)v;
    p->rank_ready = 1;
    return IBID_OK;
}

/* Starts decoding the current block's positions: sizes the arrays, starts the bit reader. */
static int start_vals(ibid_postings *p)
{
    uint64_t nvals = 0;
    for (uint32_t i = 0; i < p->n; i++)
        nvals += p->tfs[i];
    uint64_t bytes = (uint64_t)(p->bp_end - p->bp);
    if (nvals > bytes * 8) /* every value takes at least one bit */
        return IBID_ECORRUPT;
    if (p->nforms > 1 && !p->rank_ready && build_rank_var(p))
        return IBID_ECORRUPT;
    if (nvals > p->pcap) {
        uint32_t *a = realloc(p->posv, (size_t)nvals * sizeof *a);
        if (!a)
            return IBID_ENOMEM;
        p->posv = a;
        uint32_t *b = realloc(p->varv, (size_t)nvals * sizeof *b);
        if (!b)
            return IBID_ENOMEM;
        p->varv = b;
        p->pcap = (size_t)nvals;
    }
    if (ibid_posblock_start(&p->dec, p->bp, p->bp_end, p->nforms > 1 ? p->rank_var : NULL, p->nforms))
        return IBID_ECORRUPT;
    p->vals_ready = 1;
    p->dec_i = 0;
    p->dec_at = 0;
    p->pv_i = 0;
    p->pv_off = 0;
    return IBID_OK;
}

/* Decodes the current block's positions up to posting `upto` (inclusive); once the last
   posting is decoded, the block's bytes must be consumed exactly. */
static int decode_upto(ibid_postings *p, uint32_t upto)
{
    uint32_t from = p->dec_i, cnt = upto + 1 - from;
    uint32_t plen[B]; /* the passages' lengths (docs were checked < N, LENS is N entries) */
    for (uint32_t i = 0; i < cnt; i++)
        plen[i] = ibid_ix_len(p->ix, p->docs[from + i]);
    if (ibid_posblock_next(&p->dec, p->tfs + from, plen, cnt, p->posv + p->dec_at, p->varv + p->dec_at)) {
        p->vals_bad = 1;
        return IBID_ECORRUPT;
    }
    for (uint32_t i = from; i <= upto; i++)
        p->dec_at += p->tfs[i];
    p->dec_i = upto + 1;
    if (p->dec_i == p->n && ibid_posblock_consumed(&p->dec) != (size_t)(p->bp_end - p->bp)) {
        p->vals_bad = 1;
        return IBID_ECORRUPT;
    }
    return IBID_OK;
}

int ibid_postings_positions(ibid_postings *p, const uint32_t **pos, const uint32_t **variant)
{
    if (!p->want_pos || p->doc == IBID_NO_DOC)
        return IBID_EINVAL;
    int rc;
    if (!p->vals_ready) {
        p->vals_bad = 0;
        if ((rc = start_vals(p)) != IBID_OK)
            return rc;
    }
    if (p->vals_bad)
        return IBID_ECORRUPT;
    if (p->i >= p->dec_i && (rc = decode_upto(p, p->i)) != IBID_OK)
        return rc;
    if (p->pv_i > p->i) {
        p->pv_i = 0;
        p->pv_off = 0;
    }
    while (p->pv_i < p->i)
        p->pv_off += p->tfs[p->pv_i++];
    *pos = p->posv + p->pv_off;
    if (variant)
        *variant = p->varv + p->pv_off;
    return IBID_OK;
}

int ibid_ix_verify_postings(const ibid_index *ix, const ibid_term_info *t, char *err, size_t errlen)
{
    ibid_postings *p;
    int rc = ibid_postings_open(ix, t, 1, &p);
    if (rc == IBID_ENOMEM)
        return rc;
    if (rc)
        return ibid_ix_corrupt(err, errlen, "postings of term %u: cannot open", t->ordinal);
    uint64_t count = 0, cf = 0;
    uint32_t max_tf = 0, blk = UINT32_MAX, bmax = 0, bmin = UINT32_MAX;
    while (rc == IBID_OK && p->doc != IBID_NO_DOC) {
        if (p->blk != blk) {
            blk = p->blk;
            bmax = 0;
            bmin = UINT32_MAX;
        }
        const uint32_t *pos;
        uint32_t tf = p->tfs[p->i];
        if ((rc = ibid_postings_positions(p, &pos, NULL)) != IBID_OK)
            break;
        for (uint32_t j = 1; j < tf; j++)
            if (pos[j] < pos[j - 1])
                rc = IBID_ECORRUPT;
        count++;
        cf += tf;
        if (tf > max_tf)
            max_tf = tf;
        if (tf > bmax)
            bmax = tf;
        uint32_t len = ibid_index_passage_len(ix, p->doc);
        if (len < bmin)
            bmin = len;
        if (p->i + 1 == p->n && p->nblocks > 1 && (bmax != p->bmax_tf || bmin != p->bmin_len))
            rc = IBID_ECORRUPT;
        if (rc == IBID_OK)
            rc = ibid_postings_next(p);
    }
    if (rc == IBID_OK && (count != t->df || cf != t->cf || max_tf != t->max_tf))
        rc = IBID_ECORRUPT;
    if (rc == IBID_OK && p->nblocks > 1 &&
        (p->next.p != p->sk_end || p->next.doff != (uint64_t)(p->dend - p->dbase) ||
         p->next.poff != (uint64_t)(p->pend - p->pbase)))
        rc = IBID_ECORRUPT;
    ibid_postings_close(p);
    if (rc == IBID_ENOMEM)
        return rc;
    return rc ? ibid_ix_corrupt(err, errlen, "postings of term %u are corrupt", t->ordinal) : IBID_OK;
}
