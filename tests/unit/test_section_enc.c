/*
 * test_section_enc.c - the small sections both segment writers share (indexer/section_enc.h):
 * the dictionary entry head (front coding with a one-byte head), the forms dictionary's term
 * ordinals as deltas, the bit-packed FORMLIST, and LENS's bytes with the long lengths apart.  The bytes are checked against
 * docs/index-format.md; the reader's side of the same bytes is covered by test_index.c and
 * `ibid-index --check`.
 *
 * Words from the bundled corpus: "industrial" (corpus/000_b36bc166d576b6e2.txt:422),
 * "industrialization" (corpus/004_4af837fc92f3f660.txt:725), "telecommunications"
 * (corpus/000_b36bc166d576b6e2.txt:1016), "intergovernmental" (30 times in corpus/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "bitpack.h"
#include "index_format.h"
#include "section_enc.h"
#include "status.h"
#include "vbyte.h"

static void test_dict_head(void **state)
{
    (void)state;
    ibid_buf d = {0};
    /* first in its block: no prefix; 10 bytes of suffix fit the one-byte head */
    assert_int_equal(ibid_sec_dict_head(&d, "", 0, "industrial", 10, 1), IBID_OK);
    assert_int_equal(d.len, 11);
    assert_int_equal((uint8_t)d.data[0], 0 << 4 | 10);
    assert_memory_equal(d.data + 1, "industrial", 10);
    /* 10 bytes shared, 7 new: one head byte */
    assert_int_equal(ibid_sec_dict_head(&d, "industrial", 10, "industrialization", 17, 0), IBID_OK);
    assert_int_equal(d.len, 11 + 1 + 7);
    assert_int_equal((uint8_t)d.data[11], 10 << 4 | 7);
    assert_memory_equal(d.data + 12, "ization", 7);
    /* a suffix of 18 bytes does not fit four bits: 0, VByte 0, VByte 18 */
    size_t at = d.len;
    assert_int_equal(ibid_sec_dict_head(&d, "industrialization", 17, "telecommunications", 18, 0), IBID_OK);
    assert_int_equal(d.len, at + 3 + 18);
    assert_int_equal((uint8_t)d.data[at], 0);
    assert_int_equal((uint8_t)d.data[at + 1], 0);
    assert_int_equal((uint8_t)d.data[at + 2], 18);
    /* the same string marked first ignores prev */
    at = d.len;
    assert_int_equal(ibid_sec_dict_head(&d, "telecommunications", 18, "intergovernmental", 17, 1), IBID_OK);
    assert_int_equal((uint8_t)d.data[at], 0);
    assert_int_equal((uint8_t)d.data[at + 2], 17);
    /* a prefix of 16 bytes: the escape too */
    at = d.len;
    assert_int_equal(ibid_sec_dict_head(&d, "intergovernmental", 17, "intergovernmentally", 19, 0), IBID_OK);
    assert_int_equal(d.len, at + 3 + 2);
    assert_int_equal((uint8_t)d.data[at + 1], 17);
    assert_int_equal((uint8_t)d.data[at + 2], 2);
    ibid_buf_free(&d);
}

static void test_form_tail(void **state)
{
    (void)state;
    ibid_buf d = {0};
    uint64_t v;
    /* first in block: the ordinal itself */
    assert_int_equal(ibid_sec_form_tail(&d, 70000, 0, 1, 3), IBID_OK);
    size_t k = ibid_vbyte_get64((const uint8_t *)d.data, (const uint8_t *)d.data + d.len, &v);
    assert_int_equal(v, 70000);
    assert_int_equal((uint8_t)d.data[k], 3);
    /* later: zigzag of the difference, +5 -> 10, -5 -> 9, 0 -> 0 */
    static const struct {
        uint32_t term, prev;
        uint64_t code;
    } cases[] = {{70005, 70000, 10}, {69995, 70000, 9}, {70000, 70000, 0}, {0, UINT32_MAX - 1, 2 * (uint64_t)(UINT32_MAX - 1) - 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ibid_buf_clear(&d);
        assert_int_equal(ibid_sec_form_tail(&d, cases[i].term, cases[i].prev, 0, 0), IBID_OK);
        ibid_vbyte_get64((const uint8_t *)d.data, (const uint8_t *)d.data + d.len, &v);
        assert_int_equal(v, cases[i].code);
    }
    ibid_buf_free(&d);
}

static void test_formlist(void **state)
{
    (void)state;
    ibid_buf d = {0};
    /* 5 forms: ordinals below 5 need 3 bits, 15 bits -> 2 bytes */
    const uint32_t v[5] = {4, 0, 3, 1, 2};
    assert_int_equal(ibid_sec_formlist(v, 5, &d), IBID_OK);
    assert_int_equal(d.len, ibid_bitpack_bytes(5, 3));
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(ibid_bitpack_get((const uint8_t *)d.data, i, 3), v[i]);
    /* one form: width 0, no bytes */
    ibid_buf_clear(&d);
    const uint32_t one[1] = {0};
    assert_int_equal(ibid_sec_formlist(one, 1, &d), IBID_OK);
    assert_int_equal(d.len, 0);
    /* 2^17 + 1 forms need 18 bits */
    uint32_t n = (1u << 17) + 1;
    uint32_t *big = malloc(n * sizeof *big);
    assert_non_null(big);
    for (uint32_t i = 0; i < n; i++)
        big[i] = n - 1 - i;
    ibid_buf_clear(&d);
    assert_int_equal(ibid_sec_formlist(big, n, &d), IBID_OK);
    assert_int_equal(d.len, ibid_bitpack_bytes(n, 18));
    assert_int_equal(ibid_bitpack_get((const uint8_t *)d.data, 0, 18), n - 1);
    assert_int_equal(ibid_bitpack_get((const uint8_t *)d.data, n - 1, 18), 0);
    free(big);
    ibid_buf_free(&d);
}

static void test_lens(void **state)
{
    (void)state;
    ibid_buf d = {0};
    /* lengths around the one-byte limit: 254 fits, 255 and more go to the long lengths */
    const uint32_t lens[6] = {46, 254, 255, 0, 70000, 1};
    unsigned width;
    uint32_t mn, mx;
    assert_int_equal(ibid_sec_lens(lens, 6, &d, &width, &mn, &mx), IBID_OK);
    assert_int_equal(width, 1);
    assert_int_equal(mn, 0);
    assert_int_equal(mx, 70000);
    assert_int_equal(d.len, 6 + 2 * 8);
    const uint8_t *b = (const uint8_t *)d.data;
    static const uint8_t bytes[6] = {46, 254, 255, 0, 255, 1};
    assert_memory_equal(b, bytes, 6);
    assert_int_equal(ibid_le32(b + 6), 2);
    assert_int_equal(ibid_le32(b + 10), 255);
    assert_int_equal(ibid_le32(b + 14), 4);
    assert_int_equal(ibid_le32(b + 18), 70000);
    ibid_buf_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lens),
        cmocka_unit_test(test_dict_head),
        cmocka_unit_test(test_form_tail),
        cmocka_unit_test(test_formlist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
