/*
 * le64.h - eight bytes at a time: little-endian 8-byte (and 4-byte) loads and stores, and the
 * test "eight ASCII bytes, none of them NUL".  Header-only, no state; used by the tokenizer,
 * the stemmer's hash table, the parsers, the UTF-8 checks and the index file format.
 *
 * Byte 0 is the lowest byte of the number on every machine.  The pointers need no alignment
 * (memcpy, which compilers turn into one load or store) and must have 8 readable (or writable)
 * bytes; nothing is owned.
 */
#ifndef IBID_LE64_H
#define IBID_LE64_H

#include <stdint.h>
#include <string.h>

/* The 8 bytes at p as a little-endian number. */
static inline uint64_t ibid_le64_load(const void *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

/* Writes w to the 8 bytes at p, lowest byte first. */
static inline void ibid_le64_store(void *p, uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    memcpy(p, &w, 8);
}

/* The 4 bytes at p as a little-endian number. */
static inline uint32_t ibid_le32_load(const void *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap32(w);
#endif
    return w;
}

/* Writes w to the 4 bytes at p, lowest byte first. */
static inline void ibid_le32_store(void *p, uint32_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap32(w);
#endif
    memcpy(p, &w, 4);
}

/* 1 when the 8 bytes at p are all ASCII (below 0x80) and none is NUL, else 0.  A byte >= 0x80
   sets its high bit; a zero byte sets the high bit of (w - ones) & ~w at the lowest zero byte
   (borrows only reach the bytes above it), so the test holds in any byte order. */
static inline int ibid_ascii8_no_nul(const void *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return ((w | ((w - 0x0101010101010101ULL) & ~w)) & 0x8080808080808080ULL) == 0;
}

#endif
