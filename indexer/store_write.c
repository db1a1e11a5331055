/*
 * store_write.c - blocks of passage records compressed with libdeflate (see store_write.h).
 *
 * An uncompressed block is its n record headers, then the n records' strings (store_codec.h;
 * n is known from STOREIDX).  A block is closed as soon as it reaches IBID_IDX_STORE_BLOCK
 * bytes, so a block holds at least one record and a long passage gets a block of its own.  Each block is one zlib stream (RFC 1950), which
 * zlib's uncompress() reads back.
 *
 * Threaded mode: closing a block swaps its buffer into a ring of IBID_STORE_QUEUE slots (the
 * caller waits only when the ring is full) and one worker thread compresses the slots in order.
 * Buffers are swapped, never copied, and keep their memory for reuse.  Compression is the
 * largest single cost of indexing (about a quarter of the CPU time at level 6), so this lets
 * a second core take it.
 */
#include "store_write.h"

#include <libdeflate.h>
#include <string.h>

#include "index_format.h"
#include "status.h"

static int put_idx(ibid_store_writer *w, uint32_t first, uint32_t ulen, uint64_t off)
{
    uint8_t e[IBID_STOREIDX_ENTRY];
    ibid_st32(e, first);
    ibid_st32(e + 4, ulen);
    ibid_st64(e + 8, off);
    return ibid_buf_put(&w->idx, e, sizeof e);
}

/* Compresses one uncompressed block onto out and records it in idx. */
static int compress_block(ibid_store_writer *w, const ibid_buf *block, uint32_t first)
{
    if (block->len > UINT32_MAX)
        return IBID_ELIMIT;
    size_t bound = libdeflate_zlib_compress_bound(w->comp, block->len);
    if (ibid_buf_reserve(&w->out, bound))
        return IBID_ENOMEM;
    size_t n = libdeflate_zlib_compress(w->comp, block->data, block->len, w->out.data + w->out.len, bound);
    if (!n)
        return IBID_ENOMEM; /* cannot happen with the bound */
    if (put_idx(w, first, (uint32_t)block->len, w->out.len))
        return IBID_ENOMEM;
    w->out.len += n;
    w->nblocks++;
    return IBID_OK;
}

static void *worker(void *arg)
{
    ibid_store_writer *w = arg;
    ibid_buf mine = {0};
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->qlen && !w->done)
            pthread_cond_wait(&w->cv_work, &w->mu);
        if (!w->qlen)
            break; /* done and drained */
        ibid_buf tmp = mine;
        mine = w->queue[w->qhead];
        w->queue[w->qhead] = tmp;
        uint32_t first = w->queue_first[w->qhead];
        w->qhead = (w->qhead + 1) % IBID_STORE_QUEUE;
        w->qlen--;
        pthread_cond_signal(&w->cv_space);
        int failed = w->err;
        pthread_mutex_unlock(&w->mu);
        int rc = failed ? IBID_OK : compress_block(w, &mine, first);
        pthread_mutex_lock(&w->mu);
        if (rc && !w->err)
            w->err = rc;
    }
    pthread_mutex_unlock(&w->mu);
    ibid_buf_free(&mine);
    return NULL;
}

int ibid_store_writer_init(ibid_store_writer *w, int level, int threaded)
{
    memset(w, 0, sizeof *w);
    w->comp = libdeflate_alloc_compressor(level);
    if (!w->comp)
        return IBID_ENOMEM;
    if (threaded) {
        if (pthread_mutex_init(&w->mu, NULL))
            return IBID_ENOMEM;
        if (pthread_cond_init(&w->cv_work, NULL)) {
            pthread_mutex_destroy(&w->mu);
            return IBID_ENOMEM;
        }
        if (pthread_cond_init(&w->cv_space, NULL)) {
            pthread_cond_destroy(&w->cv_work);
            pthread_mutex_destroy(&w->mu);
            return IBID_ENOMEM;
        }
        w->threaded = 1;
        if (pthread_create(&w->thread, NULL, worker, w))
            return IBID_ENOMEM; /* ibid_store_writer_free cleans up */
        w->started = 1;
    }
    return IBID_OK;
}

static int flush(ibid_store_writer *w)
{
    if (!w->nrec)
        return IBID_OK;
    ibid_buf_clear(&w->block);
    if (ibid_buf_put(&w->block, w->hdrs.data, w->hdrs.len) || ibid_buf_put(&w->block, w->recs.data, w->recs.len))
        return IBID_ENOMEM;
    int rc = IBID_OK;
    if (w->started) {
        pthread_mutex_lock(&w->mu);
        while (w->qlen == IBID_STORE_QUEUE && !w->err)
            pthread_cond_wait(&w->cv_space, &w->mu);
        rc = w->err;
        if (!rc) {
            size_t slot = (w->qhead + w->qlen) % IBID_STORE_QUEUE;
            ibid_buf tmp = w->queue[slot];
            w->queue[slot] = w->block;
            w->block = tmp;
            w->queue_first[slot] = w->first_pid;
            w->qlen++;
            pthread_cond_signal(&w->cv_work);
        }
        pthread_mutex_unlock(&w->mu);
    } else {
        rc = compress_block(w, &w->block, w->first_pid);
    }
    if (rc)
        return rc;
    w->first_pid = w->next_pid;
    w->nrec = 0;
    ibid_buf_clear(&w->hdrs);
    ibid_buf_clear(&w->recs);
    ibid_store_pred_reset(&w->pred);
    return IBID_OK;
}

int ibid_store_commit(ibid_store_writer *w)
{
    w->nrec++;
    w->next_pid++;
    if (w->hdrs.len + w->recs.len >= IBID_IDX_STORE_BLOCK)
        return flush(w);
    return IBID_OK;
}

/* Stops the worker after it has drained the queue; returns its error. */
static int join(ibid_store_writer *w)
{
    if (!w->started)
        return IBID_OK;
    pthread_mutex_lock(&w->mu);
    w->done = 1;
    pthread_cond_signal(&w->cv_work);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    w->started = 0;
    return w->err;
}

int ibid_store_finish(ibid_store_writer *w)
{
    int rc = flush(w);
    int jrc = join(w);
    if (rc)
        return rc;
    if (jrc)
        return jrc;
    return put_idx(w, w->next_pid, 0, w->out.len);
}

void ibid_store_writer_free(ibid_store_writer *w)
{
    join(w);
    if (w->threaded) {
        pthread_cond_destroy(&w->cv_work);
        pthread_cond_destroy(&w->cv_space);
        pthread_mutex_destroy(&w->mu);
        for (size_t i = 0; i < IBID_STORE_QUEUE; i++)
            ibid_buf_free(&w->queue[i]);
    }
    if (w->comp)
        libdeflate_free_compressor(w->comp);
    ibid_buf_free(&w->hdrs);
    ibid_buf_free(&w->recs);
    ibid_buf_free(&w->block);
    ibid_buf_free(&w->out);
    ibid_buf_free(&w->idx);
    memset(w, 0, sizeof *w);
}
