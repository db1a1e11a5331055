/*
 * section_enc.c - the small sections shared by the builder and the merger (see section_enc.h).
 */
#include "section_enc.h"

#include <stdlib.h>

#include "bitpack.h"
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
    *width = 1;
    size_t nlong = 0;
    for (uint32_t i = 0; i < n; i++)
        nlong += lens[i] >= IBID_LENS_LONG;
    if (ibid_buf_reserve(out, (size_t)n + 8 * nlong))
        return IBID_ENOMEM;
    uint8_t *o = (uint8_t *)out->data, *x = o + n;
    for (uint32_t i = 0; i < n; i++) {
        if (lens[i] < IBID_LENS_LONG) {
            o[i] = (uint8_t)lens[i];
        } else {
            o[i] = IBID_LENS_LONG;
            ibid_st32(x, i);
            ibid_st32(x + 4, lens[i]);
            x += 8;
        }
    }
    out->len = (size_t)n + 8 * nlong;
    return IBID_OK;
}

int ibid_sec_add_run(ibid_buf *runs, uint32_t *nruns, uint32_t pid, uint32_t id)
{
    if (ibid_buf_put_u32(runs, pid) || ibid_buf_put_u32(runs, id))
        return IBID_ENOMEM;
    (*nruns)++;
    return IBID_OK;
}

int ibid_sec_dict_head(ibid_buf *d, const char *prev, size_t prevlen, const char *s, size_t len, int first)
{
    size_t pre = 0;
    if (!first)
        while (pre < len && pre < prevlen && prev[pre] == s[pre])
            pre++;
    size_t suf = len - pre;
    int rc = pre < 16 && suf >= 1 && suf < 16 ? ibid_buf_putc(d, (int)(pre << 4 | suf))
                                               : ibid_buf_putc(d, 0) || ibid_buf_put_vbyte(d, pre) ||
                                                     ibid_buf_put_vbyte(d, suf);
    return rc || ibid_buf_put(d, s + pre, suf) ? IBID_ENOMEM : IBID_OK;
}

int ibid_sec_form_tail(ibid_buf *d, uint32_t term, uint32_t prev_term, int first, uint32_t variant)
{
    uint64_t t = first ? term : term >= prev_term ? (uint64_t)(term - prev_term) << 1
                                                  : ((uint64_t)(prev_term - term) << 1) - 1;
    return ibid_buf_put_vbyte(d, t) || ibid_buf_put_vbyte(d, variant) ? IBID_ENOMEM : IBID_OK;
}

int ibid_sec_formlist(const uint32_t *v, uint32_t n, ibid_buf *out)
{
    unsigned w = n > 1 ? ibid_bitpack_width(n - 1) : 0;
    size_t bytes = ibid_bitpack_bytes(n, w);
    if (ibid_buf_reserve(out, bytes + 1))
        return IBID_ENOMEM;
    out->len += ibid_bitpack_encode(v, n, w, (uint8_t *)out->data + out->len);
    return IBID_OK;
}
