/*
 * crc32.h - the CRC-32 of the index file's sections, manifests and deletion files.
 *
 * The same function and values as zlib's crc32() (the polynomial of RFC 1952; start from 0),
 * computed with libdeflate's implementation, which is several times faster than zlib's: the
 * indexer checksums every byte it writes (about 1% of its time with zlib's).  No state, no
 * allocation, any length.
 */
#ifndef IBID_CRC32_H
#define IBID_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* The CRC-32 of data[0..len) continuing from crc (0 to start). */
uint32_t ibid_crc32(uint32_t crc, const void *data, size_t len);

#endif
