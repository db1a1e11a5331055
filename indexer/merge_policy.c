/*
 * merge_policy.c - the tiered merge policy (see merge_policy.h).
 *
 * The lowest crowded tier goes first, because its merge is the cheapest and its result may
 * crowd the tier above; the next call of the caller then sees the new state.  Only when no
 * tier is crowded is a segment rewritten for its deletions, the one with the largest share of
 * deleted passages first.
 */
#include "merge_policy.h"

unsigned ibid_merge_tier(uint64_t live)
{
    unsigned t = 0;
    for (uint64_t cap = IBID_MERGE_FLOOR; live >= cap; cap *= IBID_MERGE_FACTOR) {
        t++;
        if (cap > UINT64_MAX / IBID_MERGE_FACTOR)
            break;
    }
    return t;
}

/* Live passages of a segment. */
static uint64_t live_of(const ibid_policy_seg *s)
{
    return s->deleted < s->passages ? s->passages - s->deleted : 0;
}

size_t ibid_merge_policy_pick(const ibid_policy_seg *segs, size_t n, size_t *pick)
{
    enum { MAXTIER = 40 };
    size_t count[MAXTIER] = {0};
    for (size_t i = 0; i < n; i++) {
        uint64_t live = live_of(&segs[i]);
        if (live == 0)
            continue;
        unsigned t = ibid_merge_tier(live);
        count[t < MAXTIER ? t : MAXTIER - 1]++;
    }
    for (unsigned t = 0; t < MAXTIER; t++) {
        if (count[t] < IBID_MERGE_FANIN)
            continue;
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t live = live_of(&segs[i]);
            unsigned ti = ibid_merge_tier(live);
            if (live && (ti < MAXTIER ? ti : MAXTIER - 1) == t)
                pick[k++] = i;
        }
        return k;
    }
    size_t best = n;
    double best_share = 0.5;
    for (size_t i = 0; i < n; i++) {
        if (segs[i].passages == 0 || segs[i].deleted >= segs[i].passages)
            continue;
        double share = (double)segs[i].deleted / (double)segs[i].passages;
        if (share > best_share) {
            best_share = share;
            best = i;
        }
    }
    if (best == n)
        return 0;
    pick[0] = best;
    return 1;
}
