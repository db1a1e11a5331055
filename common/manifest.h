/*
 * manifest.h - the generations of an index that is updated in place (issue 7; docs/index-format.md,
 * "Segments, deletions and the manifest").
 *
 * An index at path INDEX is either
 *   - one segment file (magic "IBIDIDX"): what a full build writes; or
 *   - a manifest (this module), which names the live segments of the current generation.  The
 *     segments live in the folder INDEX.d/ as INDEX.d/ID.seg.ibid (immutable files in the
 *     segment format), each with at most one current deletion file INDEX.d/ID.GEN.del.ibid
 *     (deletions.h), GEN being the generation that wrote it.
 * Names are derived from INDEX and the ids, never stored, so nothing in the manifest needs
 * quoting.  The manifest is text, replaced atomically (atomic_file.h) by each update:
 *
 *     ibid-manifest 1
 *     generation 7
 *     next-segment 5
 *     segment 1 1103 77 7        <- id, passages in the file, of which deleted, deletion generation (0: none)
 *     segment 4 96 0 0
 *     end 5f0e2a91               <- crc32 (hex) of every byte before "end"
 *
 * Segments are listed in the order they were written (ids ascending).  A reader opens a
 * generation by reading the manifest once and then its files; a writer deletes files that the
 * new generation no longer names, so a reader that finds a named file missing has raced with
 * a newer generation and simply reads the manifest again (reader.h does).
 *
 * Ownership: ibid_manifest owns its segs array (ibid_manifest_free).
 */
#ifndef IBID_MANIFEST_H
#define IBID_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define IBID_MANIFEST_MAGIC "ibid-manifest 1\n"
enum { IBID_MANIFEST_MAX_SEGMENTS = 4096 };

typedef struct ibid_manifest_seg {
    uint64_t id;       /* >= 1, unique within the index */
    uint32_t passages; /* passages in the segment file */
    uint32_t deleted;  /* of which deleted (0 when delgen is 0) */
    uint64_t delgen;   /* generation of the current deletion file; 0: no deletions */
} ibid_manifest_seg;

typedef struct ibid_manifest {
    uint64_t generation; /* >= 1 */
    uint64_t next_id;    /* the id the next new segment gets */
    ibid_manifest_seg *segs;
    size_t nsegs, cap;
} ibid_manifest;

/* What is at an index path. */
typedef enum { IBID_AT_NOTHING, IBID_AT_SEGMENT, IBID_AT_MANIFEST, IBID_AT_OTHER } ibid_index_kind;

/* Looks at the first bytes of path.  IBID_AT_NOTHING when it does not exist; IBID_AT_OTHER when
   it is something else (not an index: refuse to overwrite it).  Returns the kind, or IBID_EIO
   (negative) when it exists but cannot be read. */
int ibid_index_kind_of(const char *path);

/* Reads the manifest at path into *m (zeroed first).  Returns IBID_OK, IBID_ENOENT, IBID_EIO,
   IBID_ENOMEM or IBID_ECORRUPT (with a one-line reason in err, errlen bytes, may be 0). */
int ibid_manifest_read(const char *path, ibid_manifest *m, char *err, size_t errlen);
/* Writes m to path atomically.  IBID_OK, IBID_ENOMEM or IBID_EIO (errno says why). */
int ibid_manifest_write(const char *path, const ibid_manifest *m);
/* Appends a segment.  IBID_OK, IBID_ENOMEM or IBID_ELIMIT (too many segments). */
int ibid_manifest_add(ibid_manifest *m, const ibid_manifest_seg *seg);
void ibid_manifest_free(ibid_manifest *m);

/* The file names of an index's parts (appended to out, NUL-terminated; IBID_OK or IBID_ENOMEM):
   INDEX.d, INDEX.d/ID.seg.ibid, INDEX.d/ID.GEN.del.ibid, INDEX.d/lock.ibid. */
int ibid_index_dir_name(const char *index_path, ibid_buf *out);
int ibid_segment_file_name(const char *index_path, uint64_t id, ibid_buf *out);
int ibid_deletion_file_name(const char *index_path, uint64_t id, uint64_t gen, ibid_buf *out);
int ibid_lock_file_name(const char *index_path, ibid_buf *out);

#endif
