/*
 * store_record.c - encoding a passage into its store record (see store_record.h; the bytes
 * are in docs/index-format.md, "The passage store").
 */
#include "store_record.h"

#include <string.h>

#include "status.h"

int ibid_store_fnref_cmp(const void *x, const void *y)
{
    const ibid_store_fnref *a = x, *c = y;
    if (a->footnote != c->footnote)
        return a->footnote < c->footnote ? -1 : 1;
    return a->index < c->index ? -1 : a->index > c->index;
}

static uint32_t nonneg(int v) { return v > 0 ? (uint32_t)v : 0; }

/* Index of the file's footnote passage with number fn and exactly this text, or -1. */
static int64_t footnote_ref(const ibid_passage_list *list, const ibid_store_fnref *fns, size_t nfns,
                            int fn, const char *text)
{
    size_t lo = 0, hi = nfns;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (fns[mid].footnote < fn)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < nfns && fns[lo].footnote == fn; lo++) {
        const char *t = list->v[fns[lo].index].text;
        if (strcmp(t ? t : "", text) == 0)
            return fns[lo].index;
    }
    return -1;
}

int ibid_store_record_add(ibid_store_writer *w, const ibid_passage_list *list, size_t i,
                          const ibid_store_fnref *fns, size_t nfns, uint32_t work, uint32_t chap)
{
    const ibid_passage *p = &list->v[i];
    ibid_buf *r = &w->rec;
    ibid_buf_clear(r);
    uint32_t line = nonneg(p->line), end = nonneg(p->end_line);
    int rc = 0;
    rc |= ibid_buf_put_vbyte(r, (uint32_t)p->kind);
    rc |= ibid_buf_put_vbyte(r, line);
    rc |= ibid_buf_put_vbyte(r, end >= line ? end - line : 0);
    rc |= ibid_buf_put_vbyte(r, work);
    rc |= ibid_buf_put_vbyte(r, chap == UINT32_MAX ? 0 : (uint64_t)chap + 1);
    rc |= ibid_buf_put_vbyte(r, nonneg(p->page));
    rc |= ibid_buf_put_vbyte(r, nonneg(p->paragraph));
    rc |= ibid_buf_put_vbyte(r, nonneg(p->footnote));
    size_t ncites = p->cites ? p->ncites : 0;
    rc |= ibid_buf_put_vbyte(r, ncites);
    for (size_t c = 0; c < ncites; c++) {
        const ibid_cite *ct = &p->cites[c];
        rc |= ibid_buf_put_vbyte(r, nonneg(ct->footnote));
        if (!ct->text) {
            rc |= ibid_buf_put_vbyte(r, 0);
            continue;
        }
        int64_t ref = footnote_ref(list, fns, nfns, ct->footnote, ct->text);
        if (ref >= 0) {
            rc |= ibid_buf_put_vbyte(r, (uint64_t)ref + 2);
        } else {
            size_t n = strlen(ct->text);
            rc |= ibid_buf_put_vbyte(r, 1);
            rc |= ibid_buf_put_vbyte(r, n);
            rc |= ibid_buf_put(r, ct->text, n);
        }
    }
    if (p->id) {
        size_t n = strlen(p->id);
        rc |= ibid_buf_put_vbyte(r, (uint64_t)n + 1);
        rc |= ibid_buf_put(r, p->id, n);
    } else {
        rc |= ibid_buf_put_vbyte(r, 0);
    }
    const char *text = p->text ? p->text : "";
    size_t n = strlen(text);
    rc |= ibid_buf_put_vbyte(r, n);
    rc |= ibid_buf_put(r, text, n);
    if (rc)
        return IBID_ENOMEM;
    return ibid_store_add(w, r->data, r->len);
}
