/*
 * dheap.c - min-heap of scorers by current doc (see dheap.h).
 */
#include "dheap.h"

#include <stdlib.h>

#include "status.h"

int ibid_dheap_init(ibid_dheap *h, size_t cap)
{
    h->n = 0;
    h->cap = cap;
    h->v = malloc((cap ? cap : 1) * sizeof *h->v);
    return h->v ? IBID_OK : IBID_ENOMEM;
}

void ibid_dheap_free(ibid_dheap *h)
{
    free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}

static int less(const ibid_dheap_entry *a, const ibid_dheap_entry *b)
{
    return a->s->doc < b->s->doc || (a->s->doc == b->s->doc && a->idx < b->idx);
}

static void sift_up(ibid_dheap *h, size_t i)
{
    ibid_dheap_entry e = h->v[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!less(&e, &h->v[p]))
            break;
        h->v[i] = h->v[p];
        i = p;
    }
    h->v[i] = e;
}

static void sift_down(ibid_dheap *h, size_t i)
{
    ibid_dheap_entry e = h->v[i];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = l;
        if (l >= h->n)
            break;
        if (r < h->n && less(&h->v[r], &h->v[l]))
            m = r;
        if (!less(&h->v[m], &e))
            break;
        h->v[i] = h->v[m];
        i = m;
    }
    h->v[i] = e;
}

void ibid_dheap_push(ibid_dheap *h, ibid_scorer *s, size_t idx)
{
    if (h->n >= h->cap)
        return; /* cannot happen: callers size the heap for all their clauses */
    h->v[h->n] = (ibid_dheap_entry){s, idx};
    sift_up(h, h->n++);
}

void ibid_dheap_top_moved(ibid_dheap *h)
{
    if (h->n)
        sift_down(h, 0);
}

int ibid_dheap_advance(ibid_dheap *h, uint32_t target)
{
    while (h->n && h->v[0].s->doc < target) {
        int rc = ibid_scorer_advance(h->v[0].s, target);
        if (rc < 0)
            return rc;
        sift_down(h, 0);
    }
    return IBID_OK;
}

int ibid_dheap_next_at(ibid_dheap *h, uint32_t d)
{
    while (h->n && h->v[0].s->doc == d) {
        int rc = ibid_scorer_next(h->v[0].s);
        if (rc < 0)
            return rc;
        sift_down(h, 0);
    }
    return IBID_OK;
}

size_t ibid_dheap_collect(const ibid_dheap *h, uint32_t d, size_t *out)
{
    /* the entries on d form a subtree at the root: walk it with an explicit stack (out's tail) */
    size_t n = 0;
    if (!h->n || h->v[0].s->doc != d)
        return 0;
    size_t *stack = out + h->n, sp = 0;
    stack[sp++] = 0;
    while (sp) {
        size_t i = stack[--sp];
        out[n++] = h->v[i].idx;
        for (size_t c = 2 * i + 1; c <= 2 * i + 2 && c < h->n; c++)
            if (h->v[c].s->doc == d)
                stack[sp++] = c;
    }
    /* ascending query order: insertion sort (few entries per doc) */
    for (size_t i = 1; i < n; i++) {
        size_t x = out[i], k = i;
        while (k > 0 && out[k - 1] > x) {
            out[k] = out[k - 1];
            k--;
        }
        out[k] = x;
    }
    return n;
}
