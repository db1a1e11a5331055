/*
 * test_codec.c - the postings codecs: bit packing (common/bitpack.h), VByte (common/vbyte.h),
 * PFor, Rice and position blocks (common/posblock.h).
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
#include <zlib.h>

#include "bitpack.h"
#include "bitio.h"
#include "crc32.h"
#include "pfor.h"
#include "posblock.h"
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
    uint8_t bad[sizeof buf + 16];
    memcpy(bad, buf, bytes);
    bad[0] = 33;
    assert_int_equal(ibid_pfor_decode(bad, bad + bytes, 128, out), 0);
    memcpy(bad, buf, bytes);
    bad[1] = 200;
    assert_int_equal(ibid_pfor_decode(bad, bad + bytes, 128, out), 0);
    /* the exceptions' part (format version 4): u8 hw, then (7-bit index, hw-bit high part)
       pairs in one bit stream; hw = 32 - 3 here (3e9 needs 32 bits) */
    size_t at = 2 + ibid_bitpack_bytes(128, 3);
    assert_int_equal(buf[at], 29);
    assert_int_equal(bytes, at + 1 + (4 * (7 + 29) + 7) / 8);
    static const uint32_t good_idx[4] = {5, 45, 85, 125};
    static const struct {
        uint32_t idx[4], high[4];
        unsigned hw;
    } forged[] = {
        {{5, 45, 45, 125}, {1, 1, 1, 1}, 29},  /* repeated index */
        {{5, 45, 85, 20}, {1, 1, 1, 1}, 29},   /* index going back */
        {{5, 45, 85, 127}, {1, 0, 1, 1}, 29},  /* a high part of zero */
        {{5, 45, 85, 125}, {1, 1, 1, 1}, 30},  /* b + hw > 32 */
        {{5, 45, 85, 125}, {1, 1, 1, 1}, 0},   /* hw = 0 */
    };
    for (size_t f = 0; f < sizeof forged / sizeof forged[0]; f++) {
        memcpy(bad, buf, at);
        bad[at] = (uint8_t)forged[f].hw;
        ibid_bitw w = {bad, at + 1, 0, 0};
        for (int k = 0; k < 4; k++) {
            ibid_bitw_put(&w, forged[f].idx[k], 7);
            ibid_bitw_put(&w, forged[f].high[k], forged[f].hw);
        }
        size_t len = ibid_bitw_finish(&w);
        assert_int_equal(ibid_pfor_decode(bad, bad + len, 128, out), 0);
    }
    /* the same writer with the true pairs gives the encoder's bytes back */
    memcpy(bad, buf, at + 1);
    ibid_bitw w = {bad, at + 1, 0, 0};
    for (int k = 0; k < 4; k++) {
        ibid_bitw_put(&w, good_idx[k], 7);
        ibid_bitw_put(&w, 3000000000u >> 3, 29);
    }
    assert_int_equal(ibid_bitw_finish(&w), bytes);
    assert_memory_equal(bad, buf, bytes);
    /* truncated anywhere in the exceptions' part */
    for (size_t cut = at; cut < bytes; cut++)
        assert_int_equal(ibid_pfor_decode(buf, buf + cut, 128, out), 0);
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

/* A position block of n postings: random tfs (a third of them 1) and passage lengths, positions
   inside the passage (some beyond it with escape set, as a skipped long word can put them),
   ranks drawn as skew says (0: all rank 0, 1: mostly 0, 2: uniform).  Encodes, decodes, checks
   every position and variant, the byte count with and without trailing bytes, and that every
   truncation is refused. */
static void posblock_round_trip(size_t n, uint32_t nforms, int skew, int escape)
{
    uint32_t tf[128], len[128];
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        tf[i] = rnd() % 3 == 0 ? 1 : 1 + rnd() % 40;
        len[i] = rnd() % 4 == 0 ? 1 + rnd() % 8 : 1 + rnd() % 3000;
        m += tf[i];
    }
    uint32_t *gaps = malloc(m * sizeof *gaps), *abs = malloc(m * sizeof *abs), *pos = malloc(m * sizeof *pos),
             *var = malloc(m * sizeof *var);
    uint8_t *ranks = malloc(m), rank_var[256];
    size_t cap = IBID_POSBLOCK_MAX_BYTES(m) + 16;
    uint8_t *buf = malloc(cap);
    assert_true(gaps && abs && pos && var && ranks && buf);
    for (uint32_t r = 0; r < nforms; r++)
        rank_var[r] = (uint8_t)(nforms - 1 - r); /* any permutation */
    for (size_t i = 0, at = 0; i < n; i++) {
        uint32_t p = 0;
        for (uint32_t j = 0; j < tf[i]; j++, at++) {
            uint32_t g = j == 0 ? rnd() % len[i] : (rnd() % 5 == 0 ? 0 : rnd() % (1 + len[i] / tf[i]));
            if (escape && rnd() % 7 == 0)
                g = j == 0 ? len[i] + rnd() % 100 : (1u << 26) + rnd(); /* beyond the passage */
            if ((uint64_t)p + g > UINT32_MAX)
                g = 0;
            p += g;
            gaps[at] = g;
            abs[at] = p;
            ranks[at] = nforms == 1 || skew == 0 ? 0
                        : skew == 1         ? (rnd() % 10 ? 0 : (uint8_t)(rnd() % nforms))
                                            : (uint8_t)(rnd() % nforms);
        }
    }
    memset(buf, 0xA5, cap);
    size_t bytes = ibid_posblock_encode(tf, len, n, gaps, ranks, nforms, buf);
    assert_true(bytes >= 1 && bytes <= IBID_POSBLOCK_MAX_BYTES(m));
    assert_int_equal(buf[bytes], 0xA5);
    assert_int_equal(ibid_posblock_decode(buf, buf + bytes, tf, len, n, rank_var, nforms, pos, var), bytes);
    for (size_t i = 0; i < m; i++) {
        assert_int_equal(pos[i], abs[i]);
        assert_int_equal(var[i], nforms == 1 ? 0 : rank_var[ranks[i]]);
    }
    assert_int_equal(ibid_posblock_decode(buf, buf + bytes + 16, tf, len, n, rank_var, nforms, pos, var), bytes);
    for (size_t cut = 0; cut < bytes; cut += 1 + bytes / 50)
        assert_int_equal(ibid_posblock_decode(buf, buf + cut, tf, len, n, rank_var, nforms, pos, var), 0);
    free(gaps);
    free(abs);
    free(pos);
    free(var);
    free(ranks);
    free(buf);
}

static void test_posblock_round_trips(void **state)
{
    (void)state;
    size_t ns[] = {1, 2, 15, 16, 127, 128};
    uint32_t nf[] = {1, 2, 3, 7, 200, 256};
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++)
        for (size_t b = 0; b < sizeof nf / sizeof nf[0]; b++)
            for (int skew = 0; skew < 3; skew++)
                for (int esc = 0; esc < 2; esc++)
                    posblock_round_trip(ns[a], nf[b], skew, esc);
}

static void test_posblock_cases(void **state)
{
    (void)state;
    uint8_t buf[64];
    uint32_t pos[8], var[8];
    /* one word at position 5 of a 10-word passage: truncated binary over 11 symbols, 3 or 4 bits */
    uint32_t tf1[1] = {1}, len10[1] = {10}, g5[1] = {5};
    uint8_t r0[4] = {0, 0, 0, 0};
    assert_int_equal(ibid_posblock_encode(tf1, len10, 1, g5, r0, 1, buf), 1);
    assert_int_equal(ibid_posblock_decode(buf, buf + 1, tf1, len10, 1, NULL, 1, pos, var), 1);
    assert_int_equal(pos[0], 5);
    /* a one-word passage: position 0 or the escape, one bit */
    uint32_t len1[1] = {1}, g0[1] = {0};
    assert_int_equal(ibid_posblock_encode(tf1, len1, 1, g0, r0, 1, buf), 1);
    assert_int_equal(buf[0], 0);
    assert_int_equal(ibid_posblock_decode(buf, buf + 1, tf1, len1, 1, NULL, 1, pos, var), 1);
    assert_int_equal(pos[0], 0);
    /* nforms 2 with every rank 0: mode 0, 2 bits more than with one form */
    uint32_t tf4[1] = {4}, len100[1] = {100}, g4[4] = {3, 20, 0, 41};
    size_t one = ibid_posblock_encode(tf4, len100, 1, g4, r0, 1, buf);
    size_t two = ibid_posblock_encode(tf4, len100, 1, g4, r0, 2, buf);
    assert_true(two == one || two == one + 1);
    assert_int_equal(buf[0] & 3, 0);
    assert_int_equal(ibid_posblock_decode(buf, buf + two, tf4, len100, 1, NULL, 2, pos, var), two);
    assert_int_equal(pos[3], 64);
    /* mode 3 is malformed */
    uint8_t m3[4] = {3, 0xff, 0xff, 0xff};
    assert_int_equal(ibid_posblock_decode(m3, m3 + 4, tf4, len100, 1, NULL, 2, pos, var), 0);
    /* flat ranks (mode 2) of 2 bits with nforms 3: rank 3 is malformed.  Stream: mode 2, then
       per position a Rice gap (k = log2(100/5) = 4: '1' + 4 low bits) and 2 rank bits */
    uint8_t fl[8] = {0};
    uint64_t bitsv = 2;
    unsigned at = 2;
    for (int j = 0; j < 4; j++) {
        bitsv |= 1ull << at; /* q = 0 */
        at += 1 + 4;         /* low bits 0 */
        bitsv |= 3ull << at; /* rank 3 */
        at += 2;
    }
    memcpy(fl, &bitsv, 8);
    assert_int_equal(ibid_posblock_decode(fl, fl + (at + 7) / 8, tf4, len100, 1, NULL, 3, pos, var), 0);
    /* a lone position's escape must hold a position >= len: 5 is malformed (symbol 10 of 11
       over [0, 10]: b = 4, u = 5, w = 15: 7 in 3 bits, then 1; then 5 in 32 bits) */
    uint64_t e = 7 | 1u << 3 | 5ull << 4;
    uint8_t esc[8];
    memcpy(esc, &e, 8);
    assert_int_equal(ibid_posblock_decode(esc, esc + 5, tf1, len10, 1, NULL, 1, pos, var), 0);
    e = 7 | 1u << 3 | 12ull << 4; /* 12 >= 10: the escaped position 12 */
    memcpy(esc, &e, 8);
    assert_int_equal(ibid_posblock_decode(esc, esc + 5, tf1, len10, 1, NULL, 1, pos, var), 5);
    assert_int_equal(pos[0], 12);
    /* positions that overflow 32 bits: two escaped Rice gaps of 2^31 + 2^31 */
    uint32_t tf2[1] = {2}, big[2] = {1u << 31, 1u << 31}, len2[1] = {2};
    size_t nb = ibid_posblock_encode(tf2, len2, 1, big, r0, 1, buf);
    assert_int_equal(ibid_posblock_decode(buf, buf + nb, tf2, len2, 1, NULL, 1, pos, var), 0);
    assert_int_equal(ibid_posblock_decode(buf, buf, tf1, len10, 1, NULL, 1, pos, var), 0);
}

/* ibid_crc32 (crc32.h) gives zlib's values: the CRC-32 check value, and piecewise == whole. */
static void test_crc32(void **state)
{
    (void)state;
    assert_int_equal(ibid_crc32(0, "123456789", 9), 0xCBF43926u);
    assert_int_equal(ibid_crc32(0, "", 0), 0);
    static const char text[] = "Great Stone Industrial Park"; /* corpus/000_b36bc166d576b6e2.txt:2122 */
    uint32_t whole = ibid_crc32(0, text, sizeof text - 1);
    assert_int_equal(ibid_crc32(ibid_crc32(0, text, 5), text + 5, sizeof text - 6), whole);
    assert_int_equal(whole, (uint32_t)crc32(0L, (const Bytef *)text, (uInt)(sizeof text - 1)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_element),   cmocka_unit_test(test_all_equal),
        cmocka_unit_test(test_maximal_gaps),  cmocka_unit_test(test_block_boundaries),
        cmocka_unit_test(test_million),       cmocka_unit_test(test_random),
        cmocka_unit_test(test_vbyte_rejects), cmocka_unit_test(test_pfor_exceptions),
        cmocka_unit_test(test_rice_cases),   cmocka_unit_test(test_posblock_round_trips),
        cmocka_unit_test(test_posblock_cases),      cmocka_unit_test(test_crc32),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
