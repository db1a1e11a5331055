/* fuzz_codec.c - libFuzzer target for the postings codecs: bit packing (common/bitpack.c),
 * VByte (common/vbyte.c) and PFor (common/pfor.c).
 *
 * The first byte picks the test, the next ones its parameters; the rest is the payload, copied
 * into a heap buffer of exactly the size the decoder may read, so ASan catches any over-read.
 *   0  bitpack_decode of n values of w bits: every value fits in w bits, get(i) agrees with
 *      decode, and re-encoding gives the same bytes (up to the unused bits of the last byte).
 *   1  vbyte get32/get64 and decode_array/skip: a decoded value re-encodes to ibid_vbyte_len64
 *      bytes and decodes back; skip consumes what a successful decode_array consumes.
 *   2  pfor_decode of n values: when it succeeds, re-encoding gives no more bytes (the encoder
 *      picks the smallest b) and decodes to the same values.
 *   3  the payload as up to 128 u32 values: pfor, bitpack and vbyte round trips.
 * Build: cmake -DIBID_FUZZ=ON with CC=clang (tests/fuzz/CMakeLists.txt); see docs/robustness.md. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bitpack.h"
#include "pfor.h"
#include "vbyte.h"

enum { MAXN = 1024 };

static uint8_t *exact_copy(const uint8_t *p, size_t n)
{
    uint8_t *c = calloc(n ? n : 1, 1);
    if (c && n)
        memcpy(c, p, n);
    return c;
}

static void test_bitpack(const uint8_t *p, size_t size)
{
    if (size < 3)
        return;
    unsigned w = p[0] % 33;
    size_t n = ((size_t)p[1] | (size_t)(p[2] & 3) << 8) + 1; /* 1..1024 */
    p += 3, size -= 3;
    size_t bytes = ibid_bitpack_bytes(n, w);
    if (bytes > size)
        return;
    uint8_t *in = exact_copy(p, bytes);
    uint32_t out[MAXN];
    uint8_t re[MAXN * 4 + 8];
    if (!in)
        return;
    if (ibid_bitpack_decode(in, n, w, out) != bytes)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (w < 32 && (out[i] >> w) != 0)
            abort();
        if (ibid_bitpack_get(in, i, w) != out[i])
            abort();
    }
    if (ibid_bitpack_max_width(out, n) > w)
        abort();
    if (ibid_bitpack_encode(out, n, w, re) != bytes)
        abort();
    if (bytes) {
        if (memcmp(re, in, bytes - 1) != 0)
            abort();
        unsigned used = (unsigned)(n * w - (bytes - 1) * 8); /* bits used in the last byte */
        uint8_t mask = (uint8_t)((1u << used) - 1);
        if ((re[bytes - 1] & mask) != (in[bytes - 1] & mask))
            abort();
    }
    free(in);
}

static void test_vbyte(const uint8_t *p, size_t size)
{
    if (size < 1)
        return;
    size_t n = p[0] % 64 + 1;
    p++, size--;
    uint8_t *in = exact_copy(p, size);
    if (!in)
        return;
    const uint8_t *end = in + size;
    uint8_t enc[IBID_VBYTE_MAX64];
    uint32_t v32;
    size_t k = ibid_vbyte_get32(in, end, &v32);
    if (k > size || k > IBID_VBYTE_MAX32)
        abort();
    if (k) {
        size_t e = ibid_vbyte_put32(enc, v32);
        uint32_t back;
        if (e != ibid_vbyte_len64(v32) || e > k || ibid_vbyte_get32(enc, enc + e, &back) != e || back != v32)
            abort();
    }
    uint64_t v64;
    k = ibid_vbyte_get64(in, end, &v64);
    if (k > size || k > IBID_VBYTE_MAX64)
        abort();
    if (k) {
        size_t e = ibid_vbyte_put64(enc, v64);
        uint64_t back;
        if (e != ibid_vbyte_len64(v64) || e > k || ibid_vbyte_get64(enc, enc + e, &back) != e || back != v64)
            abort();
    }
    uint32_t out[64];
    size_t used = ibid_vbyte_decode_array(in, end, out, n);
    size_t skipped = ibid_vbyte_skip(in, end, n); /* skip does not check for overflow */
    if (used > size || skipped > size || (used && skipped != used))
        abort();
    if (used) {
        uint8_t re[64 * IBID_VBYTE_MAX32];
        size_t e = ibid_vbyte_encode_array(out, n, re);
        uint32_t back[64];
        if (e > used || ibid_vbyte_decode_array(re, re + e, back, n) != e || memcmp(back, out, n * 4) != 0)
            abort();
    }
    free(in);
}

static void test_pfor(const uint8_t *p, size_t size)
{
    if (size < 1)
        return;
    size_t n = p[0] % IBID_PFOR_MAX_N + 1;
    p++, size--;
    uint8_t *in = exact_copy(p, size);
    if (!in)
        return;
    uint32_t out[IBID_PFOR_MAX_N], back[IBID_PFOR_MAX_N];
    size_t used = ibid_pfor_decode(in, in + size, n, out);
    if (used > size)
        abort();
    if (used) {
        uint8_t re[IBID_PFOR_MAX_BYTES(IBID_PFOR_MAX_N)];
        size_t e = ibid_pfor_encode(out, n, re);
        if (e > used || e > IBID_PFOR_MAX_BYTES(n))
            abort();
        if (ibid_pfor_decode(re, re + e, n, back) != e || memcmp(back, out, n * 4) != 0)
            abort();
    }
    free(in);
}

static void test_roundtrip(const uint8_t *p, size_t size)
{
    uint32_t v[IBID_PFOR_MAX_N], back[IBID_PFOR_MAX_N];
    size_t n = size / 4;
    if (n == 0)
        return;
    if (n > IBID_PFOR_MAX_N)
        n = IBID_PFOR_MAX_N;
    for (size_t i = 0; i < n; i++)
        v[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
               (uint32_t)p[4 * i + 3] << 24;
    uint8_t buf[IBID_PFOR_MAX_BYTES(IBID_PFOR_MAX_N) + IBID_PFOR_MAX_N * IBID_VBYTE_MAX32];
    size_t e = ibid_pfor_encode(v, n, buf);
    if (e > IBID_PFOR_MAX_BYTES(n))
        abort();
    uint8_t *exact = exact_copy(buf, e);
    if (!exact)
        return;
    if (ibid_pfor_decode(exact, exact + e, n, back) != e || memcmp(back, v, n * 4) != 0)
        abort();
    free(exact);
    unsigned w = ibid_bitpack_max_width(v, n);
    e = ibid_bitpack_encode(v, n, w, buf);
    if (e != ibid_bitpack_bytes(n, w) || ibid_bitpack_decode(buf, n, w, back) != e ||
        memcmp(back, v, n * 4) != 0)
        abort();
    e = ibid_vbyte_encode_array(v, n, buf);
    if (ibid_vbyte_decode_array(buf, buf + e, back, n) != e || memcmp(back, v, n * 4) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 4) {
    case 0: test_bitpack(data + 1, size - 1); break;
    case 1: test_vbyte(data + 1, size - 1); break;
    case 2: test_pfor(data + 1, size - 1); break;
    default: test_roundtrip(data + 1, size - 1); break;
    }
    return 0;
}
