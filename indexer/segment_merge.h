/*
 * segment_merge.h - merging segments: several index files (each one file of the format in
 * docs/index-format.md, with local passage ids 0..N-1) and their deletions become one new
 * segment file, without re-analysing any text.  Used by the merge policy and --optimize
 * (incremental updates) and by the memory budget of ibid-index (--memory: segments flushed
 * whenever the builder passes the budget are merged at the end).
 *
 * The result answers exactly like a full build of the live files: same statistics, terms,
 * postings, positions and exact forms (variants are renumbered in order of first appearance,
 * as the builder numbers them), stored passages, files, works, chapters and passage metadata.
 * docs/index-format.md, "Merging segments", gives the algorithm.
 *
 * Memory: the merge streams.  It holds the merged dictionaries (terms and forms with their
 * strings), 8 bytes per output passage (lengths and line/kind), the decoded postings of one
 * term at a time, one inflated store block per input and two 1 MiB write buffers; the postings
 * and the compressed store go to the output file as they are produced, and the pages of the
 * inputs' mappings are given back once read (Gutenberg, 104 MB in 4 segments: 31-33 MB of heap,
 * 42-44 MB peak RSS, against 221 MB for a full build).
 *
 * Ownership: the inputs' indexes and deletion lists are borrowed and not kept.
 */
#ifndef IBID_SEGMENT_MERGE_H
#define IBID_SEGMENT_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "index.h"
#include "index_build.h"

typedef struct ibid_merge_input {
    const ibid_index *ix;      /* an open segment (borrowed; common/index.h) */
    const uint32_t *deleted;   /* local pids removed from it, ascending, whole files only; may be NULL */
    size_t ndeleted;
} ibid_merge_input;

typedef struct ibid_merge_opts {
    int level;                 /* store compression level as ibid_build_opts; 0 = default 6 */
    const ibid_diag *diag;     /* may be NULL (nothing is reported today: every problem is an error) */
    uint64_t segment_id;       /* written into META (ibid_index_segment_id) */
    int threads;               /* 2 or more: the postings are merged on a second thread while the
                                  caller's thread copies and compresses the store (same bytes
                                  either way; the postings then pass through an unlinked scratch
                                  file beside the output); 0 or 1: one thread */
} ibid_merge_opts;

/* Merges the live passages of in[0..n) into one new segment file at out_path, written
   atomically like ibid_builder_write (temp file in the same dir, fsync, rename, fsync dir;
   on failure the temp is removed and any old file at out_path untouched).  Files are ordered
   by strcmp of their paths across all inputs (each input's files are already in that order);
   a path live in two inputs is IBID_EINVAL.  Passage ids are renumbered densely in that order
   (so ties still order by file, then line); files whose passages are all deleted vanish.
   Returns IBID_OK, IBID_ENOMEM, IBID_EIO (errno tells why), IBID_ECORRUPT (a bad input),
   IBID_EINVAL or IBID_ELIMIT; fills *stats (may be NULL) like ibid_builder_write.

   Details: o may be NULL (defaults, segment id 0).  n may be 0 (an empty segment).  A deletion
   list that is not ascending, names a pid out of range, or covers part of a file only is
   IBID_EINVAL; a file with no passages cannot be deleted and stays.  A term whose merged
   spellings exceed 256 (the builder's limit, which drops the extra spellings' words and so
   changes passage lengths) is IBID_ELIMIT.  The output's small sections come after POSTINGS
   and STORE in the file (the reader accepts any order). */
int ibid_segment_merge(const ibid_merge_input *in, size_t n, const char *out_path,
                       const ibid_merge_opts *o, ibid_build_stats *stats);

#endif
