/*
 * vbyte.c - VByte (unsigned LEB128) encoding and bounded decoding (see vbyte.h).
 *
 * Decoding is defensive: every byte read is checked against end, and a value that would need
 * more bits than its type has is rejected, so corrupt input cannot make a decoder overflow,
 * read out of bounds or loop.
 */
#include "vbyte.h"

size_t ibid_vbyte_put64(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

size_t ibid_vbyte_len64(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

size_t ibid_vbyte_get32_slow(const uint8_t *p, const uint8_t *end, uint32_t *v)
{
    uint32_t x = 0;
    for (size_t i = 0; i < IBID_VBYTE_MAX32; i++) {
        if (p + i >= end)
            return 0;
        uint32_t b = p[i];
        if (i == 4 && b > 0x0f) /* bits 28..31 only; no continuation */
            return 0;
        x |= (b & 0x7f) << (7 * i);
        if (b < 0x80) {
            *v = x;
            return i + 1;
        }
    }
    return 0;
}

size_t ibid_vbyte_get64(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;
    for (size_t i = 0; i < IBID_VBYTE_MAX64; i++) {
        if (p + i >= end)
            return 0;
        uint64_t b = p[i];
        if (i == 9 && b > 0x01)
            return 0;
        x |= (b & 0x7f) << (7 * i);
        if (b < 0x80) {
            *v = x;
            return i + 1;
        }
    }
    return 0;
}

size_t ibid_vbyte_encode_array(const uint32_t *in, size_t n, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        o += ibid_vbyte_put32(out + o, in[i]);
    return o;
}

size_t ibid_vbyte_decode_array(const uint8_t *p, const uint8_t *end, uint32_t *out, size_t n)
{
    const uint8_t *q = p;
    for (size_t i = 0; i < n; i++) {
        size_t k = ibid_vbyte_get32(q, end, &out[i]);
        if (!k)
            return 0;
        q += k;
    }
    return (size_t)(q - p);
}

size_t ibid_vbyte_skip(const uint8_t *p, const uint8_t *end, size_t n)
{
    const uint8_t *q = p;
    while (n && q < end) {
        if (*q++ < 0x80)
            n--;
    }
    return n ? 0 : (size_t)(q - p);
}
