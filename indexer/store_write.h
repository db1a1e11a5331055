/*
 * store_write.h - the passage store's writer: gathers passage records into blocks of about
 * IBID_IDX_STORE_BLOCK bytes and compresses each block in the zlib format with libdeflate as
 * soon as it is full (docs/index-format.md, "STORE" and "STOREIDX").
 *
 * Records come in passage id order, one per passage, from 0 up.  A record coder
 * (store_codec.h; indexer/store_record.c, segment_merge.c) appends the next record's header to
 * hdrs and its strings to recs, coding the header against pred, then calls ibid_store_commit;
 * the writer resets pred whenever it starts a block.  The writer owns its buffers; after
 * ibid_store_finish, out holds the STORE section and idx the STOREIDX section.
 *
 * Threads: with threaded set, full blocks go through a small queue to one worker thread that
 * compresses them (in order, so the bytes are identical to the single-threaded ones) while the
 * caller goes on analysing; compression errors then surface at ibid_store_finish.  out, idx and
 * nblocks belong to the worker until ibid_store_finish returns.
 */
#ifndef IBID_STORE_WRITE_H
#define IBID_STORE_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include <pthread.h>

#include "buf.h"
#include "store_codec.h"

enum { IBID_STORE_QUEUE = 8 }; /* blocks waiting for the compression thread */

typedef struct ibid_store_writer {
    struct libdeflate_compressor *comp;
    ibid_buf hdrs;     /* the open block's record headers */
    ibid_buf recs;     /* the open block's record strings (texts, ids, cite texts) */
    ibid_store_pred pred; /* the record coder's predictions in the open block */
    ibid_buf block;    /* scratch: the uncompressed block */
    ibid_buf out;      /* STORE: compressed blocks */
    ibid_buf idx;      /* STOREIDX entries */
    uint32_t nrec, first_pid, next_pid, nblocks;
    /* the compression thread (threaded mode) */
    int threaded, started, done, err;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_space;
    ibid_buf queue[IBID_STORE_QUEUE];
    uint32_t queue_first[IBID_STORE_QUEUE];
    size_t qhead, qlen;
} ibid_store_writer;

/* level: libdeflate level 1..12; threaded: compress on a second thread.
   Returns IBID_OK or IBID_ENOMEM (also when the thread cannot be started). */
int ibid_store_writer_init(ibid_store_writer *w, int level, int threaded);
/* Counts the record just appended to hdrs and recs as the next passage's, and closes the block
   (compressing it, or queueing it for the thread) once it holds IBID_IDX_STORE_BLOCK bytes.
   Returns IBID_OK, IBID_ENOMEM or IBID_ELIMIT (a block over 4 GiB). */
int ibid_store_commit(ibid_store_writer *w);
/* Compresses the last block, waits for the thread, and appends the sentinel index entry.
   Returns IBID_OK, IBID_ENOMEM or IBID_ELIMIT (a block over 4 GiB). */
int ibid_store_finish(ibid_store_writer *w);
void ibid_store_writer_free(ibid_store_writer *w);

#endif
