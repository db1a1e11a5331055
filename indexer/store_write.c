/*
 * store_write.c - blocks of passage records compressed with libdeflate (see store_write.h).
 *
 * An uncompressed block is: VByte n, n VByte record lengths, the n records.  A block is closed
 * as soon as its records reach IBID_IDX_STORE_BLOCK bytes, so a block holds at least one record
 * and a long passage gets a block of its own.  Each block is one zlib stream (RFC 1950), which
 * zlib's uncompress() reads back.
 */
#include "store_write.h"

#include <libdeflate.h>
#include <string.h>

#include "index_format.h"
#include "status.h"

int ibid_store_writer_init(ibid_store_writer *w, int level)
{
    memset(w, 0, sizeof *w);
    w->comp = libdeflate_alloc_compressor(level);
    return w->comp ? IBID_OK : IBID_ENOMEM;
}

static int put_idx(ibid_store_writer *w, uint32_t first, uint32_t ulen, uint64_t off)
{
    uint8_t e[IBID_STOREIDX_ENTRY];
    ibid_st32(e, first);
    ibid_st32(e + 4, ulen);
    ibid_st64(e + 8, off);
    return ibid_buf_put(&w->idx, e, sizeof e);
}

static int flush(ibid_store_writer *w)
{
    if (!w->nrec)
        return IBID_OK;
    ibid_buf_clear(&w->block);
    if (ibid_buf_put_vbyte(&w->block, w->nrec) || ibid_buf_put(&w->block, w->lens.data, w->lens.len) ||
        ibid_buf_put(&w->block, w->recs.data, w->recs.len))
        return IBID_ENOMEM;
    if (w->block.len > UINT32_MAX)
        return IBID_ELIMIT;
    size_t bound = libdeflate_zlib_compress_bound(w->comp, w->block.len);
    if (ibid_buf_reserve(&w->out, bound))
        return IBID_ENOMEM;
    size_t n = libdeflate_zlib_compress(w->comp, w->block.data, w->block.len,
                                        w->out.data + w->out.len, bound);
    if (!n)
        return IBID_ENOMEM; /* cannot happen with the bound */
    if (put_idx(w, w->first_pid, (uint32_t)w->block.len, w->out.len))
        return IBID_ENOMEM;
    w->out.len += n;
    w->nblocks++;
    w->first_pid = w->next_pid;
    w->nrec = 0;
    ibid_buf_clear(&w->recs);
    ibid_buf_clear(&w->lens);
    return IBID_OK;
}

int ibid_store_add(ibid_store_writer *w, const void *rec, size_t len)
{
    if (ibid_buf_put_vbyte(&w->lens, len) || ibid_buf_put(&w->recs, rec, len))
        return IBID_ENOMEM;
    w->nrec++;
    w->next_pid++;
    if (w->recs.len >= IBID_IDX_STORE_BLOCK)
        return flush(w);
    return IBID_OK;
}

int ibid_store_finish(ibid_store_writer *w)
{
    int rc = flush(w);
    if (rc)
        return rc;
    return put_idx(w, w->next_pid, 0, w->out.len);
}

void ibid_store_writer_free(ibid_store_writer *w)
{
    if (w->comp)
        libdeflate_free_compressor(w->comp);
    ibid_buf_free(&w->recs);
    ibid_buf_free(&w->lens);
    ibid_buf_free(&w->block);
    ibid_buf_free(&w->out);
    ibid_buf_free(&w->idx);
    memset(w, 0, sizeof *w);
}
