/*
 * store_record.c - encoding a passage into its store record (see store_record.h; the bytes
 * are in docs/index-format.md, "The passage store", and store_codec.h).
 *
 * What the record's header is predicted from (store_codec.h) is what the reader will know
 * without the record: the passage's line, its work and chapter ids, and the next passage's line
 * when that passage is in the same file (here: the next passage of the list).
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
    uint32_t line = nonneg(p->line), end = nonneg(p->end_line);
    ibid_store_ctx cx = {line, work, chap, 0, 0};
    if (i + 1 < list->n) {
        cx.has_next = 1;
        cx.next_line = nonneg(list->v[i + 1].line);
    }
    size_t ncites = p->cites ? p->ncites : 0;
    if (ncites > UINT32_MAX)
        return IBID_ELIMIT;
    ibid_store_fields f = {end >= line ? end : line, nonneg(p->page), nonneg(p->paragraph),
                           nonneg(p->footnote), (uint32_t)ncites, p->id != NULL};
    int rc = ibid_store_header_put(&w->hdrs, &w->pred, &cx, &f);
    if (rc)
        return rc;
    if (p->id && ibid_buf_put(&w->recs, p->id, strlen(p->id) + 1))
        return IBID_ENOMEM;
    for (size_t c = 0; c < ncites; c++) {
        const ibid_cite *ct = &p->cites[c];
        uint32_t tag = 0;
        if (ct->text) {
            int64_t ref = footnote_ref(list, fns, nfns, ct->footnote, ct->text);
            if (ref >= 0) {
                tag = (uint32_t)ref + 2;
            } else {
                tag = 1;
                if (ibid_buf_put(&w->recs, ct->text, strlen(ct->text) + 1))
                    return IBID_ENOMEM;
            }
        }
        if (ibid_store_cite_put(&w->hdrs, nonneg(ct->footnote), tag))
            return IBID_ENOMEM;
    }
    const char *text = p->text ? p->text : "";
    if (ibid_buf_put(&w->recs, text, strlen(text) + 1))
        return IBID_ENOMEM;
    return ibid_store_commit(w);
}
