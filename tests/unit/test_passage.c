/* test_passage.c - the passage model: JSON output of every key, escaping, list handling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "passage.h"

static void json_escapes_controls_quotes_and_keeps_utf8(void **state)
{
    (void)state;
    ibid_buf b = {0};
    /* 001:1911 has "Camagüey"; tabs occur in 002:89-100 */
    const char s[] = "a\"b\\c\td\ne\x01 Camag\xc3\xbc" "ey";
    assert_int_equal(ibid_json_strn(&b, s, sizeof s - 1), 0);
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\td\\ne\\u0001 Camag\xc3\xbc" "ey\"");
    ibid_buf_clear(&b);
    assert_int_equal(ibid_json_str(&b, NULL), 0);
    assert_string_equal(b.data, "null");
    ibid_buf_free(&b);
}

static void json_members_have_every_key_with_nulls(void **state)
{
    (void)state;
    ibid_cite cites[2] = {{12, "Rachkov [Electronic resource]"}, {13, NULL}};
    ibid_passage p = {.kind = IBID_KIND_PARAGRAPH, .file = "corpus/000_b36bc166d576b6e2.txt", .line = 332,
                      .end_line = 340, .work = "000_b36bc166d576b6e2", .chapter = NULL, .page = 7,
                      .paragraph = 3, .footnote = 0, .cites = cites, .ncites = 2, .id = NULL,
                      .text = "In November 2022"};
    ibid_buf b = {0};
    assert_int_equal(ibid_passage_json_line(&b, &p), 0);
    assert_string_equal(b.data,
        "{\"kind\":\"paragraph\",\"file\":\"corpus/000_b36bc166d576b6e2.txt\",\"line\":332,\"end_line\":340,"
        "\"work\":\"000_b36bc166d576b6e2\",\"chapter\":null,\"page\":7,\"paragraph\":3,\"footnote\":null,"
        "\"cites\":[{\"footnote\":12,\"text\":\"Rachkov [Electronic resource]\"},{\"footnote\":13,\"text\":null}],"
        "\"id\":null,\"text\":\"In November 2022\"}\n");
    ibid_buf_free(&b);
}

static void kinds_have_their_names(void **state)
{
    (void)state;
    assert_string_equal(ibid_kind_name(IBID_KIND_PARAGRAPH), "paragraph");
    assert_string_equal(ibid_kind_name(IBID_KIND_FOOTNOTE), "footnote");
    assert_string_equal(ibid_kind_name(IBID_KIND_BIBLIOGRAPHY), "bibliography");
}

static void list_grows_and_sorts_by_line_then_kind(void **state)
{
    (void)state;
    ibid_passage_list l = {0};
    for (int i = 1000; i > 0; i--) {
        ibid_passage p = {.kind = (ibid_kind)(i % 2), .line = i / 2, .end_line = i / 2, .text = "x"};
        assert_non_null(ibid_passages_push(&l, &p));
    }
    ibid_passages_sort(&l);
    for (size_t i = 1; i < l.n; i++) {
        assert_true(l.v[i - 1].line <= l.v[i].line);
        if (l.v[i - 1].line == l.v[i].line)
            assert_true(l.v[i - 1].kind <= l.v[i].kind);
    }
    char *s = ibid_arena_strndup(&l.arena, "abc", 3);
    assert_string_equal(s, "abc");
    ibid_passages_free(&l);
    assert_int_equal(l.n, 0);
}

static void buf_vbyte_and_printf(void **state)
{
    (void)state;
    ibid_buf b = {0};
    assert_int_equal(ibid_buf_put_vbyte(&b, 300), 0);
    assert_int_equal(b.len, 2);
    assert_int_equal((unsigned char)b.data[0], 0xAC);
    assert_int_equal((unsigned char)b.data[1], 0x02);
    ibid_buf_clear(&b);
    assert_int_equal(ibid_buf_printf(&b, "%s:%d", "corpus/x.txt", 120), 0);
    assert_string_equal(b.data, "corpus/x.txt:120");
    size_t n;
    char *p = ibid_buf_steal(&b, &n);
    assert_int_equal(n, 16);
    assert_null(b.data);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_escapes_controls_quotes_and_keeps_utf8),
        cmocka_unit_test(json_members_have_every_key_with_nulls),
        cmocka_unit_test(kinds_have_their_names),
        cmocka_unit_test(list_grows_and_sorts_by_line_then_kind),
        cmocka_unit_test(buf_vbyte_and_printf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
