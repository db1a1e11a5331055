/*
 * collect.c - exhaustive evaluation and counting (see collect.h).  The pruned evaluation
 * lives in maxscore.c.
 */
#include "collect.h"

#include "status.h"

int ibid_collect_exhaustive(ibid_scorer *root, ibid_topk *top)
{
    while (root->doc != IBID_NO_DOC) {
        double s;
        int rc = ibid_scorer_score(root, &s);
        if (rc < 0)
            return rc;
        ibid_topk_push(top, s, root->doc);
        if ((rc = ibid_scorer_next(root)) < 0)
            return rc;
    }
    return IBID_OK;
}

int ibid_collect_count(ibid_scorer *root, uint64_t *count)
{
    return ibid_collect_count_live(root, NULL, count);
}

int ibid_collect_count_live(ibid_scorer *root, const ibid_deletions *del, uint64_t *count)
{
    uint64_t n = 0;
    while (root->doc != IBID_NO_DOC) {
        n += !(del && ibid_deletions_has(del, root->doc));
        int rc = ibid_scorer_next(root);
        if (rc < 0)
            return rc;
    }
    *count = n;
    return IBID_OK;
}
