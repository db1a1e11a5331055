/*
 * test_codec.c - the postings codecs: bit packing (common/bitpack.h) and VByte (common/vbyte.h).
 *
 * Round trips on adversarial sequences (one element, all equal, maximal values, 2^20 elements,
 * every block-size boundary 127/128/129/255/256/257, random widths) and the decoders' refusal
 * of truncated or overlong input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "bitpack.h"
#include "pfor.h"
#include "rice.h"
#include "vbyte.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* Packs and unpacks in[0..n) at the width of its maximum and at width 32; checks every value,
   the byte count, random access, and that nothing is written past the end. */
static void bitpack_round_trip(const uint32_t *in, size_t n)
{
    unsigned w = ibid_bitpack_max_width(in, n);
    unsigned widths[2] = {w, 32};
    for (int k = 0; k < 2; k++) {
        unsigned ww = widths[k];
        size_t bytes = ibid_bitpack_bytes(n, ww);
        uint8_t *buf = malloc(bytes + 16);
        uint32_t *out = malloc((n ? n : 1) * sizeof *out);
        assert_non_null(buf);
        assert_non_null(out);
        memset(buf, 0xA5, bytes + 16);
        assert_int_equal(ibid_bitpack_encode(in, n, ww, buf), bytes);
        for (size_t i = 0; i < 16; i++)
            assert_int_equal(buf[bytes + i], 0xA5); /* no write past the end */
        assert_int_equal(ibid_bitpack_decode(buf, n, ww, out), bytes);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(out[i], in[i]);
        for (size_t i = 0; i < n; i += 1 + n / 97)
            assert_int_equal(ibid_bitpack_get(buf, i, ww), in[i]);
        free(buf);
        free(out);
    }
}

static void vbyte_round_trip(const uint32_t *in, size_t n)
{
    uint8_t *buf = malloc(n * IBID_VBYTE_MAX32 + 1);
    uint32_t *out = malloc((n ? n : 1) * sizeof *out);
    assert_non_null(buf);
    assert_non_null(out);
    size_t bytes = ibid_vbyte_encode_array(in, n, buf);
    if (n) {
        assert_int_equal(ibid_vbyte_decode_array(buf, buf + bytes, out, n), bytes);
        assert_int_equal(ibid_vbyte_skip(buf, buf + bytes, n), bytes);
        /* one byte short: truncated */
        assert_int_equal(ibid_vbyte_decode_array(buf, buf + bytes - 1, out, n), 0);
    }
    for (size_t i = 0; i < n; i++)
        assert_int_equal(out[i], in[i]);
    free(buf);
    free(out);
}

/* PFor works on chunks of 1..128 values: cut in into chunks of every size in turn. */
static void pfor_round_trip(const uint32_t *in, size_t n)
{
    uint8_t buf[IBID_PFOR_MAX_BYTES(IBID_PFOR_MAX_N) + 16];
    uint32_t out[IBID_PFOR_MAX_N];
    size_t chunk = 1;
    for (size_t i = 0; i < n; i += chunk, chunk = chunk % IBID_PFOR_MAX_N + 1) {
        size_t m = n - i < chunk ? n - i : chunk;
        memset(buf, 0xA5, sizeof buf);
        size_t bytes = ibid_pfor_encode(in + i, m, buf);
        assert_true(bytes >= 2 && bytes <= IBID_PFOR_MAX_BYTES(m));
        assert_int_equal(buf[bytes], 0xA5);
        /* never larger than plain frame of reference (2 header bytes) */
        assert_true(bytes <= 2 + ibid_bitpack_bytes(m, ibid_bitpack_max_width(in + i, m)));
        assert_int_equal(ibid_pfor_decode(buf, buf + bytes, m, out), bytes);
        for (size_t k = 0; k < m; k++)
            assert_int_equal(out[k], in[i + k]);
        /* truncated input is refused */
        assert_int_equal(ibid_pfor_decode(buf, buf + bytes - 1, m, out), 0);
    }
}

static void rice_round_trip(const uint32_t *in, size_t n)
{
    if (n == 0)
        return;
    uint8_t *buf = malloc(IBID_RICE_MAX_BYTES(n) + 16);
    uint32_t *out = malloc(n * sizeof *out);
    assert_true(buf && out);
    memset(buf, 0xA5, IBID_RICE_MAX_BYTES(n) + 16);
    size_t bytes = ibid_rice_encode(in, n, buf);
    assert_true(bytes >= 1 && bytes <= IBID_RICE_MAX_BYTES(n));
    assert_int_equal(buf[bytes], 0xA5);
    assert_int_equal(ibid_rice_decode(buf, buf + bytes, n, out), bytes);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(out[i], in[i]);
    /* with trailing bytes after the stream, the count is the same */
    assert_int_equal(ibid_rice_decode(buf, buf + bytes + 16, n, out), bytes);
    assert_int_equal(ibid_rice_decode(buf, buf + bytes - 1, n, out), 0); /* truncated */
    free(buf);
    free(out);
}

static void both(const uint32_t *in, size_t n)
{
    bitpack_round_trip(in, n);
    vbyte_round_trip(in, n);
    pfor_round_trip(in, n);
    rice_round_trip(in, n);
}

static void test_one_element(void **state)
{
    (void)state;
    uint32_t v[] = {0, 1, 127, 128, 16383, 16384, UINT32_MAX - 1, UINT32_MAX};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        both(&v[i], 1);
}

static void test_all_equal(void **state)
{
    (void)state;
    uint32_t *v = malloc(300 * sizeof *v);
    assert_non_null(v);
    uint32_t vals[] = {0, 1, 5, 1u << 31, UINT32_MAX};
    for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++) {
        for (size_t i = 0; i < 300; i++)
            v[i] = vals[k];
        both(v, 300);
        if (vals[k] == 0) /* width 0: nothing stored */
            assert_int_equal(ibid_bitpack_bytes(300, ibid_bitpack_max_width(v, 300)), 0);
    }
    free(v);
}

static void test_maximal_gaps(void **state)
{
    (void)state;
    uint32_t v[256];
    for (size_t i = 0; i < 256; i++)
        v[i] = i % 2 ? UINT32_MAX : 0;
    both(v, 256);
    for (unsigned w = 1; w <= 32; w++) { /* the largest value of every width */
        for (size_t i = 0; i < 128; i++)
            v[i] = w == 32 ? UINT32_MAX : (uint32_t)((1ull << w) - 1);
        assert_int_equal(ibid_bitpack_max_width(v, 128), w);
        both(v, 128);
    }
}

static void test_block_boundaries(void **state)
{
    (void)state;
    size_t sizes[] = {0, 1, 2, 7, 8, 9, 127, 128, 129, 255, 256, 257, 383, 384, 385};
    uint32_t *v = malloc(400 * sizeof *v);
    assert_non_null(v);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        for (unsigned w = 0; w <= 32; w += 3) {
            for (size_t i = 0; i < sizes[k]; i++)
                v[i] = w ? rnd() & (uint32_t)((1ull << w) - 1) : 0;
            both(v, sizes[k]);
        }
    }
    free(v);
}

static void test_million(void **state)
{
    (void)state;
    size_t n = (size_t)1 << 20;
    uint32_t *v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = rnd() >> (rnd() % 32);
    both(v, n);
    for (size_t i = 0; i < n; i++) /* small gaps, the common case */
        v[i] = rnd() % 200;
    both(v, n);
    free(v);
}

static void test_random(void **state)
{
    (void)state;
    uint32_t v[1000];
    for (int round = 0; round < 200; round++) {
        size_t n = rnd() % 1000;
        unsigned shift = rnd() % 33;
        for (size_t i = 0; i < n; i++)
            v[i] = shift == 32 ? 0 : rnd() >> shift;
        both(v, n);
    }
}

static void test_vbyte_rejects(void **state)
{
    (void)state;
    uint8_t buf[16];
    uint32_t v;
    uint64_t w;
    /* six continuation bytes: too long for a u32 */
    memset(buf, 0x80, sizeof buf);
    assert_int_equal(ibid_vbyte_get32(buf, buf + 16, &v), 0);
    assert_int_equal(ibid_vbyte_get64(buf, buf + 16, &w), 0);
    /* 2^32 does not fit a u32 but fits a u64 */
    size_t n = ibid_vbyte_put64(buf, (uint64_t)1 << 32);
    assert_int_equal(ibid_vbyte_get32(buf, buf + n, &v), 0);
    assert_int_equal(ibid_vbyte_get64(buf, buf + n, &w), n);
    assert_true(w == (uint64_t)1 << 32);
    n = ibid_vbyte_put64(buf, UINT64_MAX);
    assert_int_equal(n, 10);
    assert_int_equal(ibid_vbyte_len64(UINT64_MAX), 10);
    assert_int_equal(ibid_vbyte_get64(buf, buf + n, &w), 10);
    assert_true(w == UINT64_MAX);
    buf[9] = 0x02; /* bit 64 */
    assert_int_equal(ibid_vbyte_get64(buf, buf + n, &w), 0);
    /* empty input */
    assert_int_equal(ibid_vbyte_get32(buf, buf, &v), 0);
    n = ibid_vbyte_put32(buf, UINT32_MAX);
    assert_int_equal(n, 5);
    assert_int_equal(ibid_vbyte_get32(buf, buf + n, &v), 5);
    assert_true(v == UINT32_MAX);
    assert_int_equal(ibid_vbyte_get32(buf, buf + n - 1, &v), 0);
}

static void test_pfor_exceptions(void **state)
{
    (void)state;
    uint32_t v[128], out[128];
    uint8_t buf[IBID_PFOR_MAX_BYTES(128)];
    /* small gaps with a few huge outliers: the outliers become exceptions */
    for (size_t i = 0; i < 128; i++)
        v[i] = i % 40 == 5 ? 3000000000u : i % 7;
    size_t bytes = ibid_pfor_encode(v, 128, buf);
    assert_int_equal(buf[0], 3);  /* b = 3 bits */
    assert_int_equal(buf[1], 4);  /* exceptions at 5, 45, 85, 125 */
    assert_true(bytes < 2 + ibid_bitpack_bytes(128, 32));
    assert_int_equal(ibid_pfor_decode(buf, buf + bytes, 128, out), bytes);
    assert_memory_equal(out, v, sizeof v);
    /* malformed: b > 32, e > n, exception index out of order or out of range, zero high bits */
    uint8_t bad[sizeof buf];
    memcpy(bad, buf, bytes);
    bad[0] = 33;
    assert_int_equal(ibid_pfor_decode(bad, bad + bytes, 128, out), 0);
    memcpy(bad, buf, bytes);
    bad[1] = 200;
    assert_int_equal(ibid_pfor_decode(bad, bad + bytes, 128, out), 0);
    memcpy(bad, buf, bytes);
    size_t idx = 2 + ibid_bitpack_bytes(128, 3);
    bad[idx + 1] = bad[idx]; /* repeated index */
    assert_int_equal(ibid_pfor_decode(bad, bad + bytes, 128, out), 0);
    memcpy(bad, buf, bytes);
    bad[idx + 3] = 200; /* index >= n */
    assert_int_equal(ibid_pfor_decode(bad, bad + bytes, 128, out), 0);
    memcpy(bad, buf, bytes);
    bad[idx + 4] = 0; /* high bits zero */
    assert_int_equal(ibid_pfor_decode(bad, bad + bytes, 128, out), 0);
    assert_int_equal(ibid_pfor_decode(buf, buf + bytes, 0, out), 0);
    assert_int_equal(ibid_pfor_decode(buf, buf + bytes, 129, out), 0);
}

static void test_rice_cases(void **state)
{
    (void)state;
    uint8_t buf[IBID_RICE_MAX_BYTES(128) + 8];
    uint32_t v[128], out[128];
    /* uniform small positions with one huge outlier: the outlier is escaped */
    for (size_t i = 0; i < 128; i++)
        v[i] = i == 77 ? UINT32_MAX : (uint32_t)(rnd() % 64);
    size_t bytes = ibid_rice_encode(v, 128, buf);
    assert_true(buf[0] <= 6);
    assert_true(bytes < 128); /* under 8 bits a value */
    assert_int_equal(ibid_rice_decode(buf, buf + bytes, 128, out), bytes);
    assert_memory_equal(out, v, sizeof v);
    /* malformed: k > 31; all-zero stream (no terminating bit); a value over 32 bits */
    uint8_t bad[8] = {32, 1, 0, 0, 0, 0, 0, 0};
    assert_int_equal(ibid_rice_decode(bad, bad + 8, 1, out), 0);
    uint8_t zeros[3] = {0, 0, 0};
    assert_int_equal(ibid_rice_decode(zeros, zeros + 3, 1, out), 0);
    uint8_t big[6] = {31, 0x04, 0, 0, 0, 0}; /* k = 31, q = 2: 2 << 31 does not fit */
    assert_int_equal(ibid_rice_decode(big, big + 6, 1, out), 0);
    assert_int_equal(ibid_rice_decode(buf, buf, 1, out), 0);
    assert_int_equal(ibid_rice_decode(buf, buf + bytes, 0, out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_element),   cmocka_unit_test(test_all_equal),
        cmocka_unit_test(test_maximal_gaps),  cmocka_unit_test(test_block_boundaries),
        cmocka_unit_test(test_million),       cmocka_unit_test(test_random),
        cmocka_unit_test(test_vbyte_rejects), cmocka_unit_test(test_pfor_exceptions),
        cmocka_unit_test(test_rice_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
