/*
 * update.h - one run of ibid-index over an index: a full build, or an incremental update that
 * costs what changed (issue 7; docs/index-format.md, "Segments, deletions and the manifest").
 *
 * Full build (nothing at INDEX yet, or opts.full): every source is parsed into one standalone
 * segment file written atomically at INDEX.  Under a memory budget the builder is written out
 * as a run segment in INDEX.d/ whenever it passes the budget, and the runs are merged into INDEX
 * at the end (segment_merge.h), which gives the same index as one builder would.
 *
 * Incremental update (INDEX holds a standalone segment or a manifest): the current generation
 * is opened and its live files indexed by path.  A source with the recorded size and mtime is
 * unchanged and not read; otherwise it is read and its content hash compared with the recorded
 * one.  New and changed files go into one new segment; the passages of changed files, of files
 * under this run's PATHs that are gone from disk, and of files named by opts.removes are deleted
 * through new deletion files; the merge policy (merge_policy.h) may merge segments; then the new
 * manifest replaces INDEX atomically and the files no generation names any more are deleted.
 * Nothing changed: nothing is written.  opts.optimize merges the generation into one
 * standalone file at INDEX.
 *
 * Every new file is written before the manifest that names it and nothing the previous
 * generation names is modified or deleted before the new manifest is in place, so a crash at
 * any moment leaves the previous generation intact and searchable.
 *
 * The caller holds the index's writer lock (index_lock.h) for the whole call.  Problems with
 * input and failures are reported through opts.diag (this module never prints).
 */
#ifndef IBID_UPDATE_H
#define IBID_UPDATE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "parse.h"

typedef struct ibid_update_opts {
    const char *index_path;
    char *const *paths;   /* the PATH arguments (files or folders) */
    size_t npaths;
    char *const *removes; /* --remove FILE arguments: display paths as recorded in the index */
    size_t nremoves;
    int full;             /* rebuild everything from the PATHs */
    int optimize;         /* merge the result into one standalone file */
    uint64_t memory;      /* the builder's budget in bytes (ibid_builder_memory); 0: none */
    ibid_format fmt;      /* IBID_FMT_AUTO: detect each file's format */
    int level, threads;   /* as ibid_build_opts */
    const ibid_diag *diag;
    /* called after each source file considered (may be NULL) */
    void (*progress)(void *ctx, size_t done, size_t total, uint64_t bytes_read);
    void *progress_ctx;
} ibid_update_opts;

typedef struct ibid_update_stats {
    int full;                /* 1: this was a full build */
    int wrote;               /* 0: nothing written (the index was up to date) */
    int standalone;          /* 1: INDEX is now one standalone segment file */
    size_t sources;          /* files found under the PATHs */
    size_t added, changed, removed, unchanged; /* files (incremental runs) */
    size_t skipped;          /* sources or PATHs that could not be read (reported) */
    size_t not_held;         /* --remove FILEs the index did not hold (reported) */
    size_t segments;         /* segments of the new generation */
    size_t runs, merges;     /* segments flushed under the budget; merges done */
    uint64_t live_passages, deleted_passages;
    uint32_t terms;          /* full builds and --optimize: terms of the written file */
    uint64_t index_bytes;    /* full builds and --optimize: size of the written file */
    uint64_t bytes_read;     /* source bytes read */
} ibid_update_stats;

/* Runs one build or update as described above and fills *st (zeroed first).
   Returns IBID_OK (st->skipped and st->not_held tell whether some input was left out),
   IBID_EINVAL when no input at all could be read (nothing written, reported) or when INDEX
   is not an index (reported), IBID_ENOMEM, IBID_EIO (reported with the file and errno's
   reason), IBID_ECORRUPT (a part of the current generation is damaged; reported) or
   IBID_ELIMIT (reported).  On any error the previous generation is intact. */
int ibid_update_run(const ibid_update_opts *opts, ibid_update_stats *st);

/* What ibid-index --check found in an index (standalone file or manifest). */
typedef struct ibid_check_stats {
    int manifest;            /* 1: INDEX is a manifest */
    uint64_t generation;     /* manifest only */
    size_t segments;
    uint64_t passages, deleted; /* in the segment files; of which deleted */
    uint64_t terms, files;   /* summed over segments (a term in two segments counts twice) */
} ibid_check_stats;

/* Verifies INDEX: every checksum of every segment (ibid_index_verify), every deletion file
   (read in full and matched against the manifest's counts).  Returns IBID_OK, or an error
   status with a one-line reason in err (errlen bytes). */
int ibid_update_check(const char *index_path, ibid_check_stats *cs, char *err, size_t errlen);

#endif
