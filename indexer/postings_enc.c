/*
 * postings_enc.c - writes one postings list (see postings_enc.h and docs/index-format.md).
 *
 * Layout of a list of df postings in nb = ceil(df / 128) blocks:
 *   [nb > 1: VByte skip_len, then nb skip entries]  [nforms > 1: rank table]  VByte docs_len
 *   doc blocks  position blocks
 * A doc block of n >= IBID_IDX_PFOR_MIN postings is PFor(n x (gap - 1)) then PFor(n x (tf - 1));
 * a shorter one (only the last block can be) is VByte ((gap - 1) << 1 | (tf == 1)) [VByte tf - 2]
 * per posting.  A block's positions are one posblock (posblock.h): Rice gaps with a parameter
 * derived from each passage's length and tf, and the variants' ranks (rank 0 = the form most
 * frequent in this list), whose order the rank table gives.  Skip entry: VByte last-doc delta,
 * doc bytes, position bytes, max tf, min length.
 */
#include "postings_enc.h"

#include <stdlib.h>

#include "bitpack.h"
#include "index_format.h"
#include "pfor.h"
#include "posblock.h"
#include "status.h"
#include "vbyte.h"

enum { B = IBID_IDX_POST_BLOCK };

static int put_pfor(ibid_buf *out, const uint32_t *v, size_t n)
{
    if (ibid_buf_reserve(out, IBID_PFOR_MAX_BYTES(n)))
        return IBID_ENOMEM;
    out->len += ibid_pfor_encode(v, n, (uint8_t *)out->data + out->len);
    out->data[out->len] = '\0';
    return IBID_OK;
}

/* The rank of each variant by its count in the list (ties: the smaller variant first) and the
   table written ahead of the doc blocks: VByte t, then the variants of ranks 0..t-1; the ranks
   from t on take the remaining variants in increasing order (t is as small as that allows). */
static int rank_variants(ibid_postenc *e, const uint32_t *vals, size_t m, unsigned vbits, uint32_t nforms,
                         ibid_buf *out)
{
    uint64_t count[IBID_IDX_MAX_FORMS] = {0};
    uint32_t mask = (1u << vbits) - 1;
    for (size_t i = 0; i < m; i++)
        count[vals[i] & mask]++;
    uint32_t order[IBID_IDX_MAX_FORMS];
    for (uint32_t v = 0; v < nforms; v++) {
        uint32_t at = v; /* insertion sort: nforms <= 256, at index time only */
        while (at > 0 && count[order[at - 1]] < count[v]) {
            order[at] = order[at - 1];
            at--;
        }
        order[at] = v;
    }
    for (uint32_t r = 0; r < nforms; r++)
        e->rank[order[r]] = (uint8_t)r;
    uint32_t t = nforms;
    while (t > 0 && (t == nforms || order[t - 1] < order[t]))
        t--;
    /* ranks t.. must be the variants not in order[0..t) in increasing order: they are, as
       order[t..] increases and holds exactly the others */
    if (ibid_buf_put_vbyte(out, t))
        return IBID_ENOMEM;
    for (uint32_t r = 0; r < t; r++) {
        uint8_t b = (uint8_t)order[r];
        if (ibid_buf_put(out, &b, 1))
            return IBID_ENOMEM;
    }
    return IBID_OK;
}

/* The position block of postings [s, s + n): gaps, ranks and lengths, then posblock. */
static int put_positions(ibid_postenc *e, const uint32_t *docs, const uint32_t *tfs, size_t s, size_t n,
                         const uint32_t *vals, size_t m, unsigned vbits, uint32_t nforms,
                         const uint32_t *lens)
{
    uint32_t plen[B];
    for (size_t i = 0; i < n; i++)
        plen[i] = lens[docs[s + i]];
    if (m > e->cap) {
        uint32_t *g = realloc(e->gaps, m * sizeof *g);
        if (!g)
            return IBID_ENOMEM;
        e->gaps = g;
        uint8_t *r = realloc(e->ranks, m);
        if (!r)
            return IBID_ENOMEM;
        e->ranks = r;
        e->cap = m;
    }
    uint32_t mask = (1u << vbits) - 1;
    for (size_t j = 0; j < m; j++) {
        e->gaps[j] = vals[j] >> vbits;
        e->ranks[j] = e->rank[vals[j] & mask];
    }
    if (ibid_buf_reserve(&e->pos, IBID_POSBLOCK_MAX_BYTES(m)))
        return IBID_ENOMEM;
    e->pos.len += ibid_posblock_encode(tfs + s, plen, n, e->gaps, e->ranks, nforms,
                                       (uint8_t *)e->pos.data + e->pos.len);
    e->pos.data[e->pos.len] = '\0';
    return IBID_OK;
}

int ibid_postings_encode_forms(ibid_postenc *e, const uint32_t *docs, const uint32_t *tfs, size_t df,
                               const uint32_t *vals, uint32_t nforms, const uint32_t *lens, ibid_buf *out)
{
    if (nforms == 0 || nforms > IBID_IDX_MAX_FORMS)
        return IBID_EINVAL;
    ibid_buf_clear(&e->docs);
    ibid_buf_clear(&e->pos);
    ibid_buf_clear(&e->skip);
    ibid_buf_clear(&e->ranktab);
    unsigned vbits = ibid_bitpack_width(nforms - 1);
    size_t nb = (df + B - 1) / B, vi = 0, cf = 0;
    for (size_t i = 0; i < df; i++)
        cf += tfs[i];
    if (nforms > 1 && rank_variants(e, vals, cf, vbits, nforms, &e->ranktab))
        return IBID_ENOMEM;
    uint32_t prev_last = 0;
    int64_t prev = -1;
    uint32_t gaps[B], tfm[B];
    uint8_t tmp[2 * IBID_VBYTE_MAX64];
    for (size_t b = 0; b < nb; b++) {
        size_t s = b * B, n = df - s < B ? df - s : B;
        size_t d0 = e->docs.len, p0 = e->pos.len;
        uint32_t max_tf = 0, min_len = UINT32_MAX;
        size_t nvals = 0;
        for (size_t i = 0; i < n; i++) {
            gaps[i] = (uint32_t)((int64_t)docs[s + i] - prev - 1);
            prev = docs[s + i];
            tfm[i] = tfs[s + i] - 1;
            if (tfs[s + i] > max_tf)
                max_tf = tfs[s + i];
            if (lens[docs[s + i]] < min_len)
                min_len = lens[docs[s + i]];
            nvals += tfs[s + i];
        }
        if (n >= IBID_IDX_PFOR_MIN) {
            if (put_pfor(&e->docs, gaps, n) || put_pfor(&e->docs, tfm, n))
                return IBID_ENOMEM;
        } else {
            for (size_t i = 0; i < n; i++) {
                size_t k = ibid_vbyte_put64(tmp, (uint64_t)gaps[i] << 1 | (tfm[i] == 0));
                if (tfm[i])
                    k += ibid_vbyte_put32(tmp + k, tfm[i] - 1);
                if (ibid_buf_put(&e->docs, tmp, k))
                    return IBID_ENOMEM;
            }
        }
        if (put_positions(e, docs, tfs, s, n, vals + vi, nvals, vbits, nforms, lens))
            return IBID_ENOMEM;
        vi += nvals;
        if (nb > 1) {
            uint32_t last = docs[s + n - 1];
            if (ibid_buf_put_vbyte(&e->skip, last - prev_last) ||
                ibid_buf_put_vbyte(&e->skip, e->docs.len - d0) ||
                ibid_buf_put_vbyte(&e->skip, e->pos.len - p0) ||
                ibid_buf_put_vbyte(&e->skip, max_tf) || ibid_buf_put_vbyte(&e->skip, min_len))
                return IBID_ENOMEM;
            prev_last = last;
        }
    }
    if (nb > 1 && (ibid_buf_put_vbyte(out, e->skip.len) || ibid_buf_put(out, e->skip.data, e->skip.len)))
        return IBID_ENOMEM;
    if (ibid_buf_put(out, e->ranktab.data, e->ranktab.len) || ibid_buf_put_vbyte(out, e->docs.len) ||
        ibid_buf_put(out, e->docs.data, e->docs.len) || ibid_buf_put(out, e->pos.data, e->pos.len))
        return IBID_ENOMEM;
    return IBID_OK;
}

void ibid_postenc_free(ibid_postenc *e)
{
    ibid_buf_free(&e->docs);
    ibid_buf_free(&e->pos);
    ibid_buf_free(&e->skip);
    ibid_buf_free(&e->ranktab);
    free(e->gaps);
    free(e->ranks);
    e->gaps = NULL;
    e->ranks = NULL;
    e->cap = 0;
}
