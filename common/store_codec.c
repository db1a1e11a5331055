/*
 * store_codec.c - a store record's header, coded against predictions (see store_codec.h).
 *
 * The predictions, and why: a passage usually ends two lines before the next one starts (a blank
 * line between paragraphs: 96% of Gutenberg's passages); pages repeat or grow by one; paragraphs
 * are numbered from 1 within each chapter (docs/passages.md), so the next paragraph is the last
 * one plus 1, and 1 again where the chapter or the work changes; footnote passages follow each
 * other in number order.  A correct prediction codes as the byte 1 (0 for the end line), so the
 * headers of a block are mostly runs of the same few bytes, which deflate takes for almost
 * nothing.  Zigzag maps signed differences to unsigned: 0, -1, 1, -2 ... -> 0, 1, 2, 3 ...
 */
#include "store_codec.h"

#include <limits.h>

#include "status.h"
#include "vbyte.h"

void ibid_store_pred_reset(ibid_store_pred *pr)
{
    pr->page = pr->paragraph = pr->footnote = 0;
    pr->work = pr->chapter = 0;
    pr->any = 0;
}

static uint64_t zigzag(int64_t v) { return v < 0 ? ((uint64_t)(-(v + 1)) << 1) | 1 : (uint64_t)v << 1; }
static int64_t unzigzag(uint64_t u) { return u & 1 ? -(int64_t)(u >> 1) - 1 : (int64_t)(u >> 1); }

static uint32_t end_prediction(const ibid_store_ctx *cx)
{
    if (cx->has_next && cx->next_line >= cx->line + 2)
        return cx->next_line - 2;
    return cx->line;
}

/* The paragraph predicted for this record (and pr's last paragraph forgotten on a new chapter). */
static uint32_t paragraph_prediction(ibid_store_pred *pr, const ibid_store_ctx *cx)
{
    if (!pr->any || pr->work != cx->work || pr->chapter != cx->chapter)
        pr->paragraph = 0;
    return pr->paragraph + 1;
}

static uint64_t code_value(uint32_t v, uint32_t predicted)
{
    return v ? 1 + zigzag((int64_t)v - (int64_t)predicted) : 0;
}

/* The prediction after a header has been coded (written or read): its non-null values and
   its work and chapter. */
static void advance(ibid_store_pred *pr, const ibid_store_ctx *cx, const ibid_store_fields *f)
{
    if (f->page)
        pr->page = f->page;
    if (f->paragraph)
        pr->paragraph = f->paragraph;
    if (f->footnote)
        pr->footnote = f->footnote;
    pr->work = cx->work;
    pr->chapter = cx->chapter;
    pr->any = 1;
}

int ibid_store_header_put(ibid_buf *out, ibid_store_pred *pr, const ibid_store_ctx *cx,
                          const ibid_store_fields *f)
{
    uint32_t para_pred = paragraph_prediction(pr, cx);
    int rc = 0;
    rc |= ibid_buf_put_vbyte(out, zigzag((int64_t)f->end_line - (int64_t)end_prediction(cx)));
    rc |= ibid_buf_put_vbyte(out, code_value(f->page, pr->page));
    rc |= ibid_buf_put_vbyte(out, code_value(f->paragraph, para_pred));
    rc |= ibid_buf_put_vbyte(out, code_value(f->footnote, pr->footnote + 1));
    rc |= ibid_buf_put_vbyte(out, f->has_id ? 1 : 0);
    rc |= ibid_buf_put_vbyte(out, f->ncites);
    if (rc)
        return IBID_ENOMEM;
    advance(pr, cx, f);
    return IBID_OK;
}

int ibid_store_cite_put(ibid_buf *out, uint32_t footnote, uint32_t tag)
{
    return ibid_buf_put_vbyte(out, footnote) || ibid_buf_put_vbyte(out, tag) ? IBID_ENOMEM : IBID_OK;
}

static int get64(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    if (*p < end && **p < 0x80) { /* nearly every value: one byte */
        *v = *(*p)++;
        return IBID_OK;
    }
    size_t k = ibid_vbyte_get64(*p, end, v);
    *p += k;
    return k ? IBID_OK : IBID_ECORRUPT;
}

/* Decodes a null-or-predicted value into *v (0 null, else 1..INT_MAX). */
static int decode_value(uint64_t code, uint32_t predicted, uint32_t *v)
{
    if (code == 0) {
        *v = 0;
        return IBID_OK;
    }
    if (code - 1 > 2 * (uint64_t)INT_MAX + 1)
        return IBID_ECORRUPT;
    int64_t x = (int64_t)predicted + unzigzag(code - 1);
    if (x < 1 || x > INT_MAX)
        return IBID_ECORRUPT;
    *v = (uint32_t)x;
    return IBID_OK;
}

int ibid_store_header_get(const uint8_t **p, const uint8_t *end, ibid_store_pred *pr,
                          const ibid_store_ctx *cx, ibid_store_fields *f)
{
    uint64_t c[6];
    const uint8_t *q = *p;
    if (end - q >= 6 && (q[0] | q[1] | q[2] | q[3] | q[4] | q[5]) < 0x80) { /* the usual case */
        for (int i = 0; i < 6; i++)
            c[i] = q[i];
        *p = q + 6;
    } else {
        for (int i = 0; i < 6; i++)
            if (get64(p, end, &c[i]))
                return IBID_ECORRUPT;
    }
    uint32_t para_pred = paragraph_prediction(pr, cx);
    if (c[0] > 2 * (uint64_t)INT_MAX + 1)
        return IBID_ECORRUPT;
    int64_t e = (int64_t)end_prediction(cx) + unzigzag(c[0]);
    if (e < (int64_t)cx->line || e > INT_MAX)
        return IBID_ECORRUPT;
    f->end_line = (uint32_t)e;
    if (decode_value(c[1], pr->page, &f->page) || decode_value(c[2], para_pred, &f->paragraph) ||
        decode_value(c[3], pr->footnote + 1, &f->footnote) || c[4] > 1 ||
        c[5] > (uint64_t)(end - *p) / 2)
        return IBID_ECORRUPT;
    f->has_id = (int)c[4];
    f->ncites = (uint32_t)c[5];
    advance(pr, cx, f);
    return IBID_OK;
}

int ibid_store_cite_get(const uint8_t **p, const uint8_t *end, uint32_t *footnote, uint32_t *tag)
{
    uint64_t fn, t;
    if (get64(p, end, &fn) || get64(p, end, &t) || fn > INT_MAX || t > UINT32_MAX)
        return IBID_ECORRUPT;
    *footnote = (uint32_t)fn;
    *tag = (uint32_t)t;
    return IBID_OK;
}
