/*
 * index_file.h - writing the index file: header, section table, checksums, alignment, and the
 * atomic replacement of the target (temporary file, fsync, rename, fsync of the directory),
 * either from sections in memory (ibid_index_file_write) or streamed (ibid_index_stream_*).
 *
 * The caller gives the sections' bytes (in memory); this module lays them out 8-byte aligned
 * after the header in the order given, computes each section's crc32 and the header's, and
 * writes.  Every write, fsync, close and rename is checked; on failure the temporary file is
 * removed, errno tells why, and any previous file at path is untouched.
 */
#ifndef IBID_INDEX_FILE_H
#define IBID_INDEX_FILE_H

#include <stddef.h>
#include <stdint.h>

typedef struct ibid_section_out {
    uint32_t id;
    const void *data; /* may be NULL when len == 0 */
    uint64_t len;
} ibid_section_out;

/* Returns IBID_OK (and the file's size in *file_size, may be NULL), IBID_EIO or IBID_ENOMEM. */
int ibid_index_file_write(const char *path, const ibid_section_out *secs, size_t n,
                          uint64_t *file_size);

/* ---- streaming: sections appended as they are produced ----
   For a writer whose sections do not fit in memory (the segment merger): the temporary file is
   created at open, each section is appended piece by piece (8-byte aligned, crc32 computed on
   the way, writes buffered in 1 MiB), and commit writes the header and section table at the
   start of the file, then fsyncs, renames over path and fsyncs the directory, exactly as
   ibid_index_file_write does.  Sections land in the file in the order they were begun.
   Ownership: the stream is the caller's until commit or abort, which free it.  Every function
   returns IBID_OK, IBID_ENOMEM or IBID_EIO (errno tells why; EINVAL for a misuse such as two
   sections open at once or a commit with fewer than nsections sections).  After any failure
   the caller calls ibid_index_stream_abort; a failed commit has already removed the temporary
   file and freed the stream.  Any previous file at path is untouched until the rename. */
typedef struct ibid_index_stream ibid_index_stream;

/* Creates the temporary file for path, with room for nsections table entries. */
int ibid_index_stream_open(const char *path, size_t nsections, ibid_index_stream **out);
/* Starts section id; then append its bytes; end records its offset, length (*len, may be
   NULL) and crc32. */
int ibid_index_stream_begin(ibid_index_stream *s, uint32_t id);
int ibid_index_stream_append(ibid_index_stream *s, const void *data, size_t len);
int ibid_index_stream_end(ibid_index_stream *s, uint64_t *len);
/* begin + append + end of a section held in memory. */
int ibid_index_stream_section(ibid_index_stream *s, uint32_t id, const void *data, size_t len);
/* Writes the header, fsyncs, renames and frees s; *file_size (may be NULL) gets the size. */
int ibid_index_stream_commit(ibid_index_stream *s, uint64_t *file_size);
/* Removes the temporary file and frees s (NULL is fine). */
void ibid_index_stream_abort(ibid_index_stream *s);
/* A scratch file for a section that another thread produces while the stream is busy with
   another: an unlinked temporary file beside the stream's, open for reading and writing, in
   *fd, which the caller writes (ibid_index_write_all), appends to its section with
   ibid_index_stream_append_file and closes.  IBID_OK, IBID_ENOMEM or IBID_EIO. */
int ibid_index_stream_scratch(const ibid_index_stream *s, int *fd);
/* Appends the first len bytes of the file fd to the open section.  IBID_OK, IBID_ENOMEM or
   IBID_EIO (a file shorter than len: errno EIO). */
int ibid_index_stream_append_file(ibid_index_stream *s, int fd, uint64_t len);
/* write(2) until all of data is written, retrying on EINTR.  IBID_OK or IBID_EIO (errno; a
   write that writes nothing gives ENOSPC). */
int ibid_index_write_all(int fd, const void *data, uint64_t len);

#endif
