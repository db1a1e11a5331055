/*
 * reader.h - an index as a search sees it: one generation of segments (issue 7).
 *
 * ibid_reader_open opens what is at INDEX: a standalone segment file (a full build), or a
 * manifest (manifest.h) naming the generation's segments in INDEX.d/ and their deletion
 * files (deletions.h).  The reader keeps that generation for its whole life: a writer that
 * publishes a newer one afterwards neither changes nor breaks it (the files stay mapped even
 * when the writer unlinks them).  A segment file that vanishes between reading the manifest
 * and opening it means a newer generation was published meanwhile: the reader starts over
 * with the new manifest (a few times at most).
 *
 * Passage ids.  Every segment keeps its local ids 0..N-1.  The reader concatenates them:
 * segment i's local pid p has the global id base(i) + p (like Lucene's docBase).  Deleted
 * passages keep their ids but are never returned by a search.
 *
 * Statistics are global and exact: passage count, token count and each term's df are summed
 * over the segments minus what their deletion files say the deleted passages held, so BM25
 * scores equal those of a full build of the live passages, however the index was updated.
 *
 * Tie order.  Hits of equal score are ordered by (file path, line) across segments: the
 * reader gives every live passage an order key that increases with (path, line); in a
 * single segment without deletions the key is the local pid.
 *
 * Ownership: the reader owns its segments and deletions (ibid_reader_close); the views it
 * hands out live as long as the reader.  ibid_reader_wrap borrows an open ibid_index.
 * Threads: like ibid_index, a reader may be shared by threads for reading.
 */
#ifndef IBID_READER_H
#define IBID_READER_H

#include <stddef.h>
#include <stdint.h>

#include "deletions.h"
#include "index.h"

typedef struct ibid_reader ibid_reader;

/* One segment of the generation. */
typedef struct ibid_segment_view {
    const ibid_index *ix;
    uint64_t id;                /* the manifest's segment id; 0 for a standalone index */
    uint32_t base;              /* global id of local pid 0 */
    const ibid_deletions *del;  /* NULL when nothing is deleted */
    uint32_t live;              /* passages not deleted */
    /* tie-order keys: for the segment's files in local order, the first local pid of each
       file and the key of that passage; NULL when the key is base + local pid */
    const uint32_t *file_first, *file_key;
    uint32_t nfiles;
} ibid_segment_view;

/* Opens the index at path (see above).  Returns IBID_OK, IBID_ENOENT, IBID_EIO, IBID_ENOMEM
   or IBID_ECORRUPT, with a one-line reason in err (errlen bytes, may be 0). */
int ibid_reader_open(const char *path, ibid_reader **out, char *err, size_t errlen);
/* A reader over one open index (borrowed; it must outlive the reader).  IBID_OK or IBID_ENOMEM. */
int ibid_reader_wrap(const ibid_index *ix, ibid_reader **out);
void ibid_reader_close(ibid_reader *r);

size_t ibid_reader_segment_count(const ibid_reader *r);
const ibid_segment_view *ibid_reader_segment(const ibid_reader *r, size_t i);
uint64_t ibid_reader_generation(const ibid_reader *r); /* 0 for a standalone index */

/* ---- global statistics of the live passages ---- */
uint32_t ibid_reader_passage_count(const ibid_reader *r);
uint64_t ibid_reader_token_count(const ibid_reader *r);
double ibid_reader_avg_len(const ibid_reader *r); /* 0 when empty */
/* Global ids run from 0 to this limit (deleted ones included). */
uint32_t ibid_reader_id_limit(const ibid_reader *r);
/* The live df of a term (stem) over every segment; *df = 0 when absent.  IBID_OK or
   IBID_ECORRUPT. */
int ibid_reader_df(const ibid_reader *r, const char *term, size_t len, uint32_t *df);
/* The live df of a term given its info in segment i (0 when deletions took every posting). */
uint32_t ibid_reader_segment_df(const ibid_reader *r, size_t i, const ibid_term_info *t);

/* ---- passages by global id ---- */
/* The segment and local pid of global id gid.  IBID_OK or IBID_EINVAL (out of range). */
int ibid_reader_locate(const ibid_reader *r, uint32_t gid, size_t *seg, uint32_t *local);
/* 1 when gid is a live passage, else 0. */
int ibid_reader_is_live(const ibid_reader *r, uint32_t gid);
/* The order key of local pid p of segment v (see "Tie order"). */
uint32_t ibid_reader_key(const ibid_segment_view *v, uint32_t p);
/* Reads passage gid (see ibid_index_get_passage; out->pid is set to gid).  Returns IBID_OK,
   IBID_EINVAL, IBID_ECORRUPT or IBID_ENOMEM. */
int ibid_reader_get_passage(const ibid_reader *r, uint32_t gid, ibid_stored_passage *out);

#endif
