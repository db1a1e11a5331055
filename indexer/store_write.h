/*
 * store_write.h - the passage store's writer: packs serialized passage records into blocks of
 * about 16 KiB and compresses each block in the zlib format with libdeflate as soon as it is
 * full (docs/index-format.md, "STORE" and "STOREIDX").
 *
 * Records come in passage id order, one per passage, from 0 up.  The writer owns its buffers;
 * after ibid_store_finish, out holds the STORE section and idx the STOREIDX section.
 */
#ifndef IBID_STORE_WRITE_H
#define IBID_STORE_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef struct ibid_store_writer {
    struct libdeflate_compressor *comp;
    ibid_buf recs;     /* records of the open block */
    ibid_buf lens;     /* VByte lengths of those records */
    ibid_buf block;    /* scratch: the uncompressed block */
    ibid_buf out;      /* STORE: compressed blocks */
    ibid_buf idx;      /* STOREIDX entries */
    uint32_t nrec, first_pid, next_pid, nblocks;
} ibid_store_writer;

/* level: libdeflate level 1..12. Returns IBID_OK or IBID_ENOMEM. */
int ibid_store_writer_init(ibid_store_writer *w, int level);
/* Appends the record of the next passage. Returns IBID_OK or IBID_ENOMEM. */
int ibid_store_add(ibid_store_writer *w, const void *rec, size_t len);
/* Compresses the last block and appends the sentinel index entry. */
int ibid_store_finish(ibid_store_writer *w);
void ibid_store_writer_free(ibid_store_writer *w);

#endif
