/*
 * topk.c - bounded min-heap of hits (see topk.h).  The root is the worst retained hit.
 */
#include "topk.h"

#include <math.h>
#include <stdlib.h>

#include "status.h"

int ibid_topk_init(ibid_topk *t, size_t k)
{
    t->n = 0;
    t->k = k;
    t->v = NULL;
    t->seg = NULL;
    t->unordered = 0;
    if (k == 0)
        return IBID_OK;
    if (k > SIZE_MAX / sizeof *t->v)
        return IBID_ENOMEM;
    t->v = malloc(k * sizeof *t->v);
    return t->v ? IBID_OK : IBID_ENOMEM;
}

void ibid_topk_free(ibid_topk *t)
{
    free(t->v);
    t->v = NULL;
    t->n = t->k = 0;
}

/* worse(a, b): a ranks after b, so a belongs nearer the root */
static int worse(ibid_hit a, ibid_hit b) { return ibid_hit_better(b, a); }

static void sift_down(ibid_hit *v, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && worse(v[l], v[m]))
            m = l;
        if (r < n && worse(v[r], v[m]))
            m = r;
        if (m == i)
            return;
        ibid_hit tmp = v[i];
        v[i] = v[m];
        v[m] = tmp;
        i = m;
    }
}

void ibid_topk_segment(ibid_topk *t, const ibid_segment_view *seg, int unordered)
{
    t->seg = seg;
    t->unordered = unordered;
}

int ibid_topk_push(ibid_topk *t, double score, uint32_t pid)
{
    if (t->k == 0)
        return 0;
    ibid_hit h = {score, pid, pid};
    if (t->seg) {
        if (t->seg->del && ibid_deletions_has(t->seg->del, pid))
            return 0;
        if (t->n == t->k && score < t->v[0].score)
            return 0; /* the common refusal, before the key's lookup */
        h.pid = t->seg->base + pid;
        h.key = ibid_reader_key(t->seg, pid);
    }
    if (t->n < t->k) {
        size_t i = t->n++;
        t->v[i] = h;
        while (i > 0) {
            size_t p = (i - 1) / 2;
            if (!worse(t->v[i], t->v[p]))
                break;
            ibid_hit tmp = t->v[i];
            t->v[i] = t->v[p];
            t->v[p] = tmp;
            i = p;
        }
        return 1;
    }
    if (!ibid_hit_better(h, t->v[0]))
        return 0;
    t->v[0] = h;
    sift_down(t->v, t->n, 0);
    return 1;
}

double ibid_topk_threshold(const ibid_topk *t)
{
    if (!ibid_topk_full(t))
        return -1.0;
    return t->unordered ? nextafter(t->v[0].score, -INFINITY) : t->v[0].score;
}

static int cmp_best_first(const void *a, const void *b)
{
    ibid_hit x = *(const ibid_hit *)a, y = *(const ibid_hit *)b;
    return ibid_hit_better(x, y) ? -1 : ibid_hit_better(y, x) ? 1 : 0;
}

void ibid_topk_sort(ibid_topk *t)
{
    if (t->n > 1)
        qsort(t->v, t->n, sizeof *t->v, cmp_best_first);
}
