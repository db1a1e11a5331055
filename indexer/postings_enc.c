/*
 * postings_enc.c - writes one postings list (see postings_enc.h and docs/index-format.md).
 *
 * Layout of a list of df postings in nb = ceil(df / 128) blocks:
 *   [nb > 1: VByte skip_len, then nb skip entries]  VByte docs_len  doc blocks  position blocks
 * A doc block of n >= IBID_IDX_PFOR_MIN postings is PFor(n x (gap - 1)) then PFor(n x (tf - 1));
 * a shorter one (only the last block can be) is VByte ((gap - 1) << 1 | (tf == 1)) [VByte tf - 2]
 * per posting.  The position values of a block are VByte when fewer than IBID_IDX_PFOR_MIN,
 * else ceil(n / 128) Rice chunks (rice.h) of near-equal size.  Skip entry: VByte last-doc delta, doc bytes, position bytes, max tf, min length.
 */
#include "postings_enc.h"

#include "pfor.h"
#include "rice.h"
#include "index_format.h"
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

/* Position values of a block: VByte when fewer than IBID_IDX_PFOR_MIN, else
   c = ceil(n / 128) Rice chunks of near-equal size (ibid_pfor_chunk). */
static int put_vals(ibid_buf *out, const uint32_t *v, size_t n)
{
    if (n < IBID_IDX_PFOR_MIN) {
        if (ibid_buf_reserve(out, n * IBID_VBYTE_MAX32))
            return IBID_ENOMEM;
        out->len += ibid_vbyte_encode_array(v, n, (uint8_t *)out->data + out->len);
        out->data[out->len] = '\0';
        return IBID_OK;
    }
    size_t c = (n + B - 1) / B;
    for (size_t k = 0, at = 0; k < c; k++) {
        size_t m = ibid_pfor_chunk(n, c, k);
        if (ibid_buf_reserve(out, IBID_RICE_MAX_BYTES(m)))
            return IBID_ENOMEM;
        out->len += ibid_rice_encode(v + at, m, (uint8_t *)out->data + out->len);
        out->data[out->len] = '\0';
        at += m;
    }
    return IBID_OK;
}

int ibid_postings_encode(ibid_postenc *e, const uint32_t *docs, const uint32_t *tfs, size_t df,
                         const uint32_t *vals, const uint32_t *lens, ibid_buf *out)
{
    ibid_buf_clear(&e->docs);
    ibid_buf_clear(&e->pos);
    ibid_buf_clear(&e->skip);
    size_t nb = (df + B - 1) / B, vi = 0;
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
        if (put_vals(&e->pos, vals + vi, nvals))
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
    if (ibid_buf_put_vbyte(out, e->docs.len) || ibid_buf_put(out, e->docs.data, e->docs.len) ||
        ibid_buf_put(out, e->pos.data, e->pos.len))
        return IBID_ENOMEM;
    return IBID_OK;
}

void ibid_postenc_free(ibid_postenc *e)
{
    ibid_buf_free(&e->docs);
    ibid_buf_free(&e->pos);
    ibid_buf_free(&e->skip);
}
