/*
 * test_snippet.c - highlighting and snippet windows (searcher/snippet.h) on corpus sentences:
 * stems, exact forms, prefixes, compounds (merged ranges), excluded words left out, the window
 * around the densest cluster of distinct query words, never splitting a UTF-8 character.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "analyze.h"
#include "dedup.h"
#include "query.h"
#include "snippet.h"
#include "status.h"

static ibid_analyzer *an;

static int setup(void **state)
{
    (void)state;
    an = ibid_analyzer_new();
    return an ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ibid_analyzer_free(an);
    return 0;
}

/* The highlighted substrings of text for query q, as "a|b|c". */
static const char *marked(const char *q, const char *text)
{
    static char out[512];
    ibid_query pq;
    assert_int_equal(ibid_query_parse(an, q, strlen(q), &pq), IBID_OK);
    ibid_highlighter *h;
    assert_int_equal(ibid_highlighter_new(&pq, &h), IBID_OK);
    ibid_ranges r = {0};
    assert_int_equal(ibid_highlight(h, an, text, strlen(text), &r), IBID_OK);
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < r.n; i++) {
        assert_true(r.v[i].start < r.v[i].end && r.v[i].end <= strlen(text));
        if (i)
            assert_true(r.v[i - 1].end <= r.v[i].start);
        at += (size_t)snprintf(out + at, sizeof out - at, "%s%.*s", i ? "|" : "",
                               (int)(r.v[i].end - r.v[i].start), text + r.v[i].start);
    }
    ibid_ranges_free(&r);
    ibid_highlighter_free(h);
    ibid_query_free(&pq);
    return out;
}

static void words_match_by_stem_form_and_prefix(void **state)
{
    (void)state;
    /* 003:1983 */
    const char *t = "In particular, for three quarters of this year, residents of the industrial park "
                    "have increased investment; a resident of the Great Stone.";
    assert_string_equal(marked("resident park", t), "residents|park|resident");
    assert_string_equal(marked("\"residents\"", t), "residents");
    assert_string_equal(marked("invest*", t), "investment");
    assert_string_equal(marked("\"Great Stone\" -park", t), "Great|Stone");
    assert_string_equal(marked("qwxzvyq", t), "");
}

static void compounds_are_one_range(void **state)
{
    (void)state;
    /* 000:17: co-operation; the joined token spans its parts */
    assert_string_equal(marked("co-operation", "joint initiatives build co-operation in innovative areas"),
                        "co-operation");
    assert_string_equal(marked("cooperation", "build co-operation and cooperation"), "co-operation|cooperation");
}

static void window_holds_the_densest_cluster(void **state)
{
    (void)state;
    char text[4096] = "";
    /* filler, one lone match early, then all three query words together near the end */
    strcat(text, "Belarus ");
    for (int i = 0; i < 30; i++)
        strcat(text, "lorem ipsum dolor sit amet ");
    strcat(text, "great ");
    for (int i = 0; i < 30; i++)
        strcat(text, "lorem ipsum dolor sit amet ");
    size_t cluster = strlen(text);
    strcat(text, "the Great Stone residents increased investment ");
    for (int i = 0; i < 30; i++)
        strcat(text, "lorem ipsum dolor sit amet ");
    ibid_query pq;
    const char *q = "Great Stone residents";
    assert_int_equal(ibid_query_parse(an, q, strlen(q), &pq), IBID_OK);
    ibid_highlighter *h;
    assert_int_equal(ibid_highlighter_new(&pq, &h), IBID_OK);
    ibid_ranges r = {0};
    size_t len = strlen(text), s, e;
    assert_int_equal(ibid_highlight(h, an, text, len, &r), IBID_OK);
    ibid_snippet_window(text, len, &r, IBID_SNIPPET_BYTES, &s, &e);
    assert_true(s <= cluster && e >= cluster + strlen("the Great Stone residents"));
    assert_true(e - s <= IBID_SNIPPET_BYTES + 60);
    assert_true(s == 0 || text[s - 1] == ' '); /* starts at a word */
    /* a short text is shown whole */
    ibid_snippet_window("short text", 10, &r, IBID_SNIPPET_BYTES, &s, &e);
    assert_int_equal(s, 0);
    assert_int_equal(e, 10);
    ibid_ranges_free(&r);
    ibid_highlighter_free(h);
    ibid_query_free(&pq);
}

static void window_never_splits_utf8(void **state)
{
    (void)state;
    /* 001:1911 Camagüey, repeated with no spaces to force a cut inside a word */
    char text[2048] = "";
    for (int i = 0; i < 120; i++)
        strcat(text, "Camag\xc3\xbc" "ey");
    ibid_ranges r = {0};
    for (size_t w = 100; w < 300; w += 7) {
        size_t s, e;
        ibid_snippet_window(text, strlen(text), &r, w, &s, &e);
        assert_true(s <= e && e <= strlen(text));
        assert_true(((unsigned char)text[s] & 0xC0) != 0x80);
        assert_true(e == strlen(text) || ((unsigned char)text[e] & 0xC0) != 0x80);
    }
}

static int feed(void *ctx, const ibid_token *t)
{
    void **c = ctx;
    return ibid_highlight_token(c[0], t, *(size_t *)c[1], c[2]);
}

/* Highlights taken from the near-duplicate pass (begin, every token of
   ibid_dedup_signature_tokens, end) are those of ibid_highlight, with one highlighter over
   several texts (its memory of forms) and across queries.  Texts: corpus/002_8ab7396e8091a3d3.txt
   footnote 4 (a URL, compounds), and sentences of corpus/000_b36bc166d576b6e2.txt. */
static void steps_equal_highlight(void **state)
{
    (void)state;
    static const char *texts[] = {
        "Belarus and Turkey are interested in the development of contacts between universities and "
        "scientific organizations [Electronic resource]. - 2019. - URL: <https://www.belta.by/society/view/"
        "belarus-i-turtsija-zajinteresovany-v-razvitii-kontaktov-mezhdu-vuzami-i-nauchnymi-organizatsijami-344261-2019/>",
        "The China-Belarus Industrial Park \"Great Stone\" is the largest project of co-operation; its "
        "residents export to China, and Belarusian universities train their staff.",
        "Latin America and the Caribbean: economic co-operation with Belarus."};
    static const char *queries[] = {"belarus universit* \"great stone\" -turkey", "co-operation residents China",
                                    "latin NEAR/3 america econom*"};
    size_t total = 0;
    for (size_t qi = 0; qi < sizeof queries / sizeof *queries; qi++) {
        ibid_query pq;
        assert_int_equal(ibid_query_parse(an, queries[qi], strlen(queries[qi]), &pq), IBID_OK);
        ibid_highlighter *h;
        assert_int_equal(ibid_highlighter_new(&pq, &h), IBID_OK);
        for (int round = 0; round < 2; round++)
            for (size_t ti = 0; ti < sizeof texts / sizeof *texts; ti++) {
                const char *t = texts[ti];
                size_t len = strlen(t);
                ibid_ranges a = {0}, b = {0};
                assert_int_equal(ibid_highlight(h, an, t, len, &a), IBID_OK);
                ibid_dedup_sig sig;
                void *ctx[3] = {h, &len, &b};
                ibid_highlight_begin(h, an, &b);
                assert_int_equal(ibid_dedup_signature_tokens(an, t, len, IBID_KIND_FOOTNOTE, feed, ctx, &sig), IBID_OK);
                ibid_highlight_end(&b);
                assert_int_equal(a.n, b.n);
                total += a.n;
                for (size_t i = 0; i < a.n; i++) {
                    assert_int_equal(a.v[i].start, b.v[i].start);
                    assert_int_equal(a.v[i].end, b.v[i].end);
                    assert_int_equal(a.v[i].word, b.v[i].word);
                }
                ibid_dedup_sig_free(&sig);
                ibid_ranges_free(&a);
                ibid_ranges_free(&b);
            }
        ibid_highlighter_free(h);
        ibid_query_free(&pq);
    }
    assert_true(total >= 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(steps_equal_highlight),
        cmocka_unit_test(words_match_by_stem_form_and_prefix),
        cmocka_unit_test(compounds_are_one_range),
        cmocka_unit_test(window_holds_the_densest_cluster),
        cmocka_unit_test(window_never_splits_utf8),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
