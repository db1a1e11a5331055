/*
 * content_hash.c - see content_hash.h.  A thin wrapper so the rest of ibid names one function
 * and one meaning: XXH3-64 with seed 0, with the value 0 moved to 1 (0 is "no hash recorded").
 */
#include "content_hash.h"

#include <xxhash.h>

uint64_t ibid_content_hash(const void *data, size_t len)
{
    uint64_t h = XXH3_64bits(data, len);
    return h ? h : 1;
}
