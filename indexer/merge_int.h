/*
 * merge_int.h - the segment merger's private state, shared by segment_merge.c (the plan, the
 * passages and the store, the small sections, the write) and merge_terms.c (the term and form
 * dictionaries and the postings).  Not a contract: callers use segment_merge.h.
 */
#ifndef IBID_MERGE_INT_H
#define IBID_MERGE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "index.h"
#include "index_file.h"

/* One file of an input, in the input's (local) order. */
typedef struct merge_span {
    uint32_t lfirst, lend; /* local pids [lfirst, lend) */
    uint32_t gfirst;       /* global pid of lfirst when live */
    int live;
} merge_span;

typedef struct merge_ctx {
    const ibid_index **ix;   /* the inputs */
    merge_span **spans;      /* per input, one per file */
    uint32_t *nspans;
    size_t n;
    uint32_t npass;          /* passages of the output */
    uint32_t *lens;          /* by output pid */
    ibid_index_stream *out;
    int post_fd;             /* >= 0: ibid_merge_terms writes POSTINGS to this scratch file (it
                                runs on a second thread while the store streams to out) */
    _Atomic int stop;        /* set by the other thread after a failure: give up */
    int terms_rc;            /* ibid_merge_terms' status when it ran on the second thread */
    /* filled by ibid_merge_terms */
    uint64_t post_len;       /* bytes of POSTINGS */
    ibid_buf termidx, termdict, formlist, formidx, formdict;
    uint32_t nterms, nforms;
    uint64_t postings, occurrences;
} merge_ctx;

/* The inputs are read once, front to back: the pages of section bytes [0, upto) of an input's
   mapping (sec: the section's first byte) are dropped from memory once 256 KiB more than *done has
   been read (madvise MADV_DONTNEED; the file backs them, so a later read, by a searcher sharing
   the index for instance, faults them in again).  Keeps the merge's resident memory from growing
   with its inputs.  Advice only: errors are ignored. */
void ibid_merge_release(const uint8_t *sec, uint64_t upto, uint64_t *done);

/* Merges the inputs' term dictionaries and postings: streams the POSTINGS section to m->out (or
   to m->post_fd) and fills the dictionary sections in m.  Needs m->spans, m->npass and m->lens,
   which it only reads; touches nothing else of m but its own outputs.  Returns IBID_OK,
   IBID_ENOMEM, IBID_EIO, IBID_ECORRUPT or IBID_ELIMIT (IBID_EINVAL when stopped). */
int ibid_merge_terms(merge_ctx *m);

/* Drops from memory the whole pages of an input's dictionary sections (TERMIDX, TERMDICT,
   FORMIDX, FORMDICT, FORMLIST), which the term walk reads front to back and the lookups
   binary-search: called every few thousand terms, it keeps the mapped pages of many inputs
   from adding up in the resident set (a later read faults them in again).  Advice only. */
void ibid_merge_release_dicts(const ibid_index *ix);

#endif
