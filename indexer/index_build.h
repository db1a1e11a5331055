/*
 * index_build.h - building an ibid index: analysis, inversion, compression and the atomic write.
 *
 * The builder takes whole files' passages in final order (files sorted by path with strcmp,
 * passages in source order as the parsers give them), so passage ids follow (file, line).
 * It analyses each passage's text with analyze.h, inverts in memory, appends each passage to
 * the compressed store as it arrives, and writes the file described in docs/index-format.md.
 *
 * Writing is atomic: the index goes to a temporary file in the target's directory
 * (".NAME.tmp.PID"), is fsynced, renamed over the target, and the directory is fsynced.  A
 * failed or killed build leaves any previous index intact; a failed build removes its
 * temporary file.
 *
 * Ownership: the builder copies whatever it keeps; the caller may free a passage list as soon
 * as ibid_builder_add_file returns.
 */
#ifndef IBID_INDEX_BUILD_H
#define IBID_INDEX_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "passage.h"

typedef struct ibid_build_opts {
    int level;             /* store compression level 1..12 (libdeflate); 0 = default (6) */
    const ibid_diag *diag; /* where to report; may be NULL */
    int threads;           /* 2 or more: compress the passage store on a second thread while the
                              caller's thread analyses and inverts (same bytes either way);
                              0 or 1: everything on the caller's thread */
} ibid_build_opts;

typedef struct ibid_build_stats {
    uint32_t files, passages, terms;
    uint64_t tokens, postings;
    uint64_t index_bytes;  /* size of the written file */
    uint64_t store_bytes;  /* of which the compressed passage store */
    uint64_t text_bytes;   /* bytes of passage text stored */
} ibid_build_stats;

typedef struct ibid_builder ibid_builder;

/* opts may be NULL for defaults. Returns NULL when out of memory. */
ibid_builder *ibid_builder_new(const ibid_build_opts *opts);
void ibid_builder_free(ibid_builder *b);

/* Adds one source file and all its passages.  path is the display path (as in the passages'
   file field); size and mtime describe the source.  Files must come in strcmp order of path,
   and each only once (else IBID_EINVAL).  Cites are stored as references to the same file's
   footnote passages where one has that number, else as the cite's own text.
   Returns IBID_OK, IBID_ENOMEM, IBID_EINVAL or IBID_ELIMIT (too many passages or tokens). */
int ibid_builder_add_file(ibid_builder *b, const char *path, uint64_t size, int64_t mtime,
                          const ibid_passage_list *passages);

/* As ibid_builder_add_file, and records hash (the content hash of the source's bytes,
   ibid_content_hash in content_hash.h) in the file table, so an incremental run can tell a changed
   file from a touched one. */
int ibid_builder_add_file_hashed(ibid_builder *b, const char *path, uint64_t size, int64_t mtime,
                                 uint64_t hash, const ibid_passage_list *passages);

/* Bytes the builder holds now (inversion buffers, tables, the compressed store so far):
   what a memory budget (ibid-index --memory) compares against to decide when to flush. */
size_t ibid_builder_memory(const ibid_builder *b);

/* Sets the segment id written into META (docs/index-format.md); 0, the default, marks a
   stand-alone index. */
void ibid_builder_set_segment_id(ibid_builder *b, uint64_t id);

/* Writes the index to path atomically (see above) and fills *stats (may be NULL).
   Returns IBID_OK, IBID_EIO (errno tells why; the old index is untouched) or IBID_ENOMEM. */
int ibid_builder_write(ibid_builder *b, const char *path, ibid_build_stats *stats);

#endif
