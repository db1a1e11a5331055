/*
 * index_file.h - writing the index file: header, section table, checksums, alignment, and the
 * atomic replacement of the target (temporary file, fsync, rename, fsync of the directory).
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

#endif
