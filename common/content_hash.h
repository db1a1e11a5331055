/*
 * content_hash.h - the 64-bit content hash of a source file's bytes, recorded per file in the
 * index (docs/index-format.md, FILES) so that an incremental ibid-index can tell a file whose
 * bytes changed from one that was only touched.  XXH3-64 from libxxhash (Debian libxxhash-dev).
 */
#ifndef IBID_CONTENT_HASH_H
#define IBID_CONTENT_HASH_H

#include <stddef.h>
#include <stdint.h>

/* The hash of data[0..len); never 0 (0 means "not recorded" in an index). */
uint64_t ibid_content_hash(const void *data, size_t len);

#endif
