/*
 * section_enc.c - the small sections shared by the builder and the merger (see section_enc.h).
 */
#include "section_enc.h"

#include <stdlib.h>

#include "index_format.h"
#include "status.h"

int ibid_grow_array(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return IBID_OK;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    if (c > SIZE_MAX / elem)
        return IBID_ENOMEM;
    void *p = realloc(*arr, c * elem);
    if (!p)
        return IBID_ENOMEM;
    *arr = p;
    *cap = c;
    return IBID_OK;
}

int ibid_sec_string_table(const ibid_strtab *t, ibid_buf *out)
{
    int rc = ibid_buf_put_u32(out, (uint32_t)t->n);
    uint64_t off = 0;
    for (size_t i = 0; i <= t->n && !rc; i++) {
        if (off > UINT32_MAX)
            return IBID_ELIMIT;
        rc = ibid_buf_put_u32(out, (uint32_t)off);
        if (i < t->n)
            off += t->ents[i].len + 1;
    }
    for (size_t i = 0; i < t->n && !rc; i++)
        rc = ibid_buf_put(out, t->ents[i].s, t->ents[i].len + 1);
    return rc ? IBID_ENOMEM : IBID_OK;
}

int ibid_sec_lens(const uint32_t *lens, uint32_t n, ibid_buf *out, unsigned *width, uint32_t *min_len,
                  uint32_t *max_len)
{
    uint32_t mn = n ? UINT32_MAX : 0, mx = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (lens[i] < mn)
            mn = lens[i];
        if (lens[i] > mx)
            mx = lens[i];
    }
    *min_len = mn;
    *max_len = mx;
    *width = mx <= UINT16_MAX ? 2 : 4;
    if (ibid_buf_reserve(out, (size_t)n * *width))
        return IBID_ENOMEM;
    uint8_t *o = (uint8_t *)out->data;
    for (uint32_t i = 0; i < n; i++) {
        if (*width == 2) {
            o[2 * (size_t)i] = (uint8_t)lens[i];
            o[2 * (size_t)i + 1] = (uint8_t)(lens[i] >> 8);
        } else {
            ibid_st32(o + 4 * (size_t)i, lens[i]);
        }
    }
    out->len = (size_t)n * *width;
    return IBID_OK;
}

int ibid_sec_add_run(ibid_buf *runs, uint32_t *nruns, uint32_t pid, uint32_t id)
{
    if (ibid_buf_put_u32(runs, pid) || ibid_buf_put_u32(runs, id))
        return IBID_ENOMEM;
    (*nruns)++;
    return IBID_OK;
}
