/*
 * vbyte.h - VByte (unsigned LEB128) integers: 7 bits a byte, least significant group first,
 * high bit set on every byte but the last.  Used for small counts, dictionary fields, the tail
 * block of a postings list and the passage store's records (docs/index-format.md).
 *
 * Encoders write into a caller's buffer that has room for IBID_VBYTE_MAX32 / _MAX64 bytes and
 * return the number of bytes written.  Decoders never read past end: they return the number
 * of bytes consumed, or 0 when the input is truncated or the value does not fit (more than
 * 5 bytes for a u32, 10 for a u64, or bits beyond the type) - callers turn 0 into IBID_ECORRUPT.
 * No allocation, no state.
 */
#ifndef IBID_VBYTE_H
#define IBID_VBYTE_H

#include <stddef.h>
#include <stdint.h>

enum { IBID_VBYTE_MAX32 = 5, IBID_VBYTE_MAX64 = 10 };

/* Encodes v at out (room for IBID_VBYTE_MAX32 bytes); returns the bytes written. */
static inline size_t ibid_vbyte_put32(uint8_t *out, uint32_t v)
{
    if (v < 0x80) {
        out[0] = (uint8_t)v;
        return 1;
    }
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}
size_t ibid_vbyte_put64(uint8_t *out, uint64_t v);
/* Bytes the encoding of v takes (1..5 / 1..10). */
size_t ibid_vbyte_len64(uint64_t v);

size_t ibid_vbyte_get32_slow(const uint8_t *p, const uint8_t *end, uint32_t *v);
size_t ibid_vbyte_get64(const uint8_t *p, const uint8_t *end, uint64_t *v);

/* Decodes one u32 at p (p < end checked); the one-byte case inline. */
static inline size_t ibid_vbyte_get32(const uint8_t *p, const uint8_t *end, uint32_t *v)
{
    if (p < end && *p < 0x80) {
        *v = *p;
        return 1;
    }
    return ibid_vbyte_get32_slow(p, end, v);
}

/* Encodes n values; returns bytes written (out needs n * IBID_VBYTE_MAX32). */
size_t ibid_vbyte_encode_array(const uint32_t *in, size_t n, uint8_t *out);
/* Decodes exactly n values from [p, end); returns bytes consumed, or 0 on truncation or
   overflow (n == 0 returns 0 too: check n first). */
size_t ibid_vbyte_decode_array(const uint8_t *p, const uint8_t *end, uint32_t *out, size_t n);
/* Skips n values; returns bytes skipped, 0 on truncation (or n == 0). */
size_t ibid_vbyte_skip(const uint8_t *p, const uint8_t *end, size_t n);

#endif
