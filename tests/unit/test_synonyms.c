/* test_synonyms.c - variant names (searcher/synonyms.c) and their expansion by the query parser
 * (ibid_query_parse_syn in searcher/query_parse.c): the file format, merging, longest match,
 * multi-word runs, quoted text staying exact, prefixes and NEAR, the bundled
 * corpus/ibid-synonyms.txt, and locating the file for an index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "buf.h"
#include "diag.h"
#include "query.h"
#include "status.h"
#include "synonyms.h"
#include "synonyms_sidecar.h"
#include "corpus_fixture.h"
#include "index.h"

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

/* A diag that counts messages and keeps the last one. */
typedef struct sink {
    int n;
    long line;
    char last[256];
} sink;

static void sink_fn(void *ctx, const char *file, long line, const char *msg)
{
    (void)file;
    sink *s = ctx;
    s->n++;
    s->line = line;
    snprintf(s->last, sizeof s->last, "%s", msg);
}

static ibid_synonyms *parse_text(const char *text, sink *sk)
{
    ibid_diag d = {sink_fn, sk};
    ibid_synonyms *s = NULL;
    assert_int_equal(ibid_synonyms_parse(an, text, strlen(text), "test", &d, &s), IBID_OK);
    assert_non_null(s);
    return s;
}

/* The group of the stems in words (space separated), or -1. */
static long group_of(const ibid_synonyms *s, const char *words, size_t *k)
{
    char buf[256];
    const char *st[16];
    size_t n = 0;
    snprintf(buf, sizeof buf, "%s", words);
    for (char *t = strtok(buf, " "); t && n < 16; t = strtok(NULL, " "))
        st[n++] = t;
    size_t g, kk;
    int r = ibid_synonyms_match(s, st, n, &kk, &g);
    assert_true(r >= 0);
    if (k)
        *k = r ? kk : 0;
    return r ? (long)g : -1;
}

static void test_format(void **state)
{
    (void)state;
    sink sk = {0};
    ibid_synonyms *s = parse_text("\xEF\xBB\xBF# a comment line\n"
                                  "\n"
                                  "BUTB = BUCE = Belarusian Universal Commodity Exchange # trailing\r\n"
                                  "   centre=center   \n"
                                  "lonely\n"
                                  "a = = \n"
                                  "Vitebsk = Vitsebsk",
                                  &sk);
    assert_int_equal(ibid_synonyms_group_count(s), 3);
    /* line 5 has one variant, line 6 an empty variant and then one variant: both reported */
    assert_int_equal(sk.n, 4);
    assert_int_equal(sk.line, 6);
    assert_non_null(strstr(sk.last, "two variants"));
    long g = group_of(s, "butb", NULL);
    assert_true(g >= 0);
    assert_int_equal(ibid_synonyms_variant_count(s, (size_t)g), 3);
    assert_string_equal(ibid_synonyms_variant(s, (size_t)g, 0), "BUTB");
    assert_string_equal(ibid_synonyms_variant(s, (size_t)g, 2), "Belarusian Universal Commodity Exchange");
    assert_null(ibid_synonyms_variant(s, (size_t)g, 3));
    /* keys are stems: "Belarusian Universal Commodity Exchange" is belarusian univers commod exchang */
    size_t k;
    assert_int_equal(group_of(s, "belarusian univers commod exchang price", &k), g);
    assert_int_equal(k, 4);
    assert_int_equal(group_of(s, "centr", NULL), group_of(s, "center", NULL));
    assert_int_equal(group_of(s, "vitsebsk", NULL), group_of(s, "vitebsk", NULL));
    assert_int_equal(group_of(s, "lone", NULL), -1);
    assert_int_equal(group_of(s, "belarusian univers", NULL), -1); /* a key is matched whole */
    ibid_synonyms_free(s);
}

static void test_merge_and_longest(void **state)
{
    (void)state;
    sink sk = {0};
    /* a = b and b = c make one group; the longest key wins (Minsk Tractor Plant over Minsk) */
    ibid_synonyms *s = parse_text("Zalessky = Zalesky\n"
                                  "Zaleskii = Zalesky\n"
                                  "Minsk = Miensk\n"
                                  "MTZ = Minsk Tractor Plant = Minsk Tractor Works\n"
                                  "China-Belarus Industrial Park = Great Stone\n",
                                  &sk);
    assert_int_equal(sk.n, 0);
    assert_int_equal(ibid_synonyms_group_count(s), 4);
    long g = group_of(s, "zaleskii", NULL);
    assert_int_equal(ibid_synonyms_variant_count(s, (size_t)g), 3); /* Zalesky once */
    assert_int_equal(group_of(s, "zalesski", NULL), g); /* Zalessky: Snowball turns y into i */
    assert_int_equal(group_of(s, "zalessk", NULL), -1);
    size_t k;
    long mtz = group_of(s, "minsk tractor plant export", &k);
    assert_int_equal(k, 3);
    assert_int_equal(mtz, group_of(s, "mtz", NULL));
    assert_int_equal(group_of(s, "minsk tractor", &k), group_of(s, "miensk", NULL));
    assert_int_equal(k, 1);
    /* a compound gives its parts and its joined word */
    assert_int_equal(group_of(s, "china belarus industri park", NULL), group_of(s, "great stone", NULL));
    ibid_synonyms_free(s);
}

/* Parses query with synonyms syn and returns the rendering (static buffer). */
static const char *render(const ibid_synonyms *syn, const char *query)
{
    static char out[4096];
    ibid_query q;
    int rc = ibid_query_parse_syn(an, syn, query, strlen(query), &q);
    if (rc != IBID_OK) {
        snprintf(out, sizeof out, "ERR%d", rc);
        return out;
    }
    ibid_buf b = {0};
    assert_int_equal(ibid_query_format(&q, &b), IBID_OK);
    snprintf(out, sizeof out, "%s", b.data ? b.data : "");
    ibid_buf_free(&b);
    ibid_query_free(&q);
    return out;
}

static void test_expansion(void **state)
{
    (void)state;
    sink sk = {0};
    ibid_synonyms *s = parse_text("Great Stone = Velikiy Kamen = Veliky Kamen\n"
                                  "BUTB = BUCE = Belarusian Universal Commodity Exchange\n"
                                  "MTZ = Minsk Tractor Plant\n"
                                  "centre = center\n"
                                  "co-operation = cooperation\n"
                                  "China-Belarus Industrial Park = CBIP\n",
                                  &sk);
    static const struct {
        const char *query, *expect;
    } cases[] = {
        /* a multi-word entry in unquoted text: one group of phrases (issue 6) */
        {"Great Stone residents", "(OR (SYN <great stone> <velikiy kamen> <veliky kamen>) residents)"},
        {"residents of great stones", "(OR residents of (SYN <great stones> <velikiy kamen> <veliky kamen>))"},
        {"Veliky Kamen", "(SYN <veliky kamen> <great stone> <velikiy kamen>)"},
        /* quoted text stays exact (query.h: expansions never apply inside quotes) */
        {"\"Great Stone\" residents", "(OR \"great stone\" residents)"},
        {"\"BUTB\"", "\"butb\""},
        /* a one-word entry, wherever the word stands */
        {"BUTB", "(SYN butb buce <belarusian universal commodity exchange>)"},
        {"+BUTB Mongolia", "(OR +(SYN butb buce <belarusian universal commodity exchange>) mongolia)"},
        {"-centre potash", "(OR -(SYN centre center) potash)"},
        {"MTZ OR tractor", "(OR (SYN mtz <minsk tractor plant>) tractor)"},
        /* a run of words is only bare words side by side: an operator or a sign breaks it */
        {"Great AND Stone", "(OR +great +stone)"},
        {"Great +Stone", "(OR great +stone)"},
        {"Great \"Stone\"", "(OR great \"stone\")"},
        {"Great", "great"},
        /* prefixes are not expanded; inside NEAR only the typed word counts */
        {"BUT*", "but*"},
        {"BUTB NEAR/5 Mongolia", "(NEAR/5 butb mongolia)"},
        /* a compound as a whole key, and as part of a run */
        {"China-Belarus industrial park", "(SYN <china belarus industrial park> cbip)"},
        /* co-operation and cooperation are the same word already: nothing to add */
        {"cooperation", "cooperation"},
        {"co-operation", "(ALT cooperation <co operation>)"},
        /* longest first, left to right */
        {"Minsk Tractor Plant MTZ", "(OR (SYN <minsk tractor plant> mtz) (SYN mtz <minsk tractor plant>))"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = render(s, cases[i].query);
        if (strcmp(got, cases[i].expect) != 0)
            print_error("query %s\n  got    %s\n  expect %s\n", cases[i].query, got, cases[i].expect);
        assert_string_equal(got, cases[i].expect);
    }
    /* without synonyms (NULL, or an empty file): exactly ibid_query_parse */
    assert_string_equal(render(NULL, "Great Stone residents"), "(OR great stone residents)");
    ibid_synonyms *empty = parse_text("# nothing\n", &sk);
    assert_string_equal(render(empty, "BUTB"), "butb");
    ibid_synonyms_free(empty);
    ibid_synonyms_free(s);
}

/* Many variants and many words: the word limit still holds, nothing overflows. */
static void test_limits(void **state)
{
    (void)state;
    sink sk = {0};
    ibid_buf t = {0};
    assert_int_equal(ibid_buf_puts(&t, "x"), IBID_OK);
    for (int i = 0; i < 300; i++)
        assert_int_equal(ibid_buf_printf(&t, " = v%d w%d", i, i), IBID_OK);
    assert_int_equal(ibid_buf_puts(&t, "\nlong = a b c d e f g h i j k l m n o p q\n"), IBID_OK);
    ibid_synonyms *s = parse_text(t.data, &sk);
    assert_int_equal(sk.n, 2); /* the 17-word variant, then its line with one variant left */
    ibid_buf_free(&t);
    ibid_buf q = {0};
    for (int i = 0; i < 5; i++)
        assert_int_equal(ibid_buf_puts(&q, "x "), IBID_OK);
    ibid_query pq;
    assert_int_equal(ibid_query_parse_syn(an, s, q.data, q.len, &pq), IBID_ELIMIT);
    ibid_query_free(&pq);
    ibid_buf_clear(&q);
    for (int i = 0; i < 200; i++) /* a long run of bare words that holds no key */
        assert_int_equal(ibid_buf_puts(&q, "w1 w2 "), IBID_OK);
    assert_int_equal(ibid_query_parse_syn(an, s, q.data, q.len, &pq), IBID_OK);
    ibid_query_free(&pq);
    ibid_buf_free(&q);
    ibid_synonyms_free(s);
}

/* The bundled corpus/ibid-synonyms.txt: loads without a complaint and holds the groups of
   ../shared/docs/corpus-format.md section 7 (but never MAZ with MMZ). */
static void test_corpus_file(void **state)
{
    (void)state;
    sink sk = {0};
    ibid_diag d = {sink_fn, &sk};
    ibid_synonyms *s = NULL;
    assert_int_equal(ibid_synonyms_load(an, IBID_SOURCE_DIR "/corpus/ibid-synonyms.txt", &d, &s), IBID_OK);
    assert_int_equal(sk.n, 0);
    assert_true(ibid_synonyms_group_count(s) >= 40);
    assert_int_equal(group_of(s, "great stone", NULL), group_of(s, "velikiy kamen", NULL));
    assert_int_equal(group_of(s, "butb", NULL), group_of(s, "buce", NULL));
    assert_int_equal(group_of(s, "mtz", NULL), group_of(s, "minsk tractor work", NULL));
    assert_int_equal(group_of(s, "ulaanbaatar", NULL), group_of(s, "ulan bator", NULL));
    assert_int_equal(group_of(s, "vitebsk", NULL), group_of(s, "vitsebsk", NULL));
    assert_true(group_of(s, "maz", NULL) >= 0);
    assert_int_equal(group_of(s, "mmz", NULL), -1);
    assert_true(group_of(s, "tyre", NULL) >= 0);
    assert_int_equal(group_of(s, "tyre", NULL), group_of(s, "tire", NULL));
    ibid_synonyms_free(s);
    assert_int_equal(ibid_synonyms_load(an, IBID_SOURCE_DIR "/corpus/no-such-file.txt", &d, &s), IBID_ENOENT);
    assert_null(s);
}

/* A diag that records every message as "file:line: msg\n". */
static void log_fn(void *ctx, const char *file, long line, const char *msg)
{
    ibid_buf *b = ctx;
    assert_int_equal(ibid_buf_printf(b, "%s:%ld: %s\n", file ? file : "", line, msg), IBID_OK);
}

/* Everything the API shows of s: groups, their variants, and the group of each variant's
   words (as the query parser would look them up). */
static void describe(const ibid_synonyms *s, ibid_buf *out)
{
    size_t ng = ibid_synonyms_group_count(s);
    assert_int_equal(ibid_buf_printf(out, "%zu groups\n", ng), IBID_OK);
    for (size_t g = 0; g < ng; g++)
        for (size_t i = 0; i < ibid_synonyms_variant_count(s, g); i++) {
            const char *v = ibid_synonyms_variant(s, g, i);
            ibid_analyzer_reset(an, v, strlen(v));
            const char *st[16];
            char keep[16][64];
            size_t n = 0;
            ibid_token t;
            while (ibid_analyzer_next(an, &t) == 1)
                if (!(t.flags & IBID_TOK_JOINED) && n < 16) {
                    snprintf(keep[n], sizeof keep[n], "%s", t.term);
                    st[n] = keep[n];
                    n++;
                }
            size_t k = 0, gg = 0;
            int r = ibid_synonyms_match(s, st, n, &k, &gg);
            assert_int_equal(ibid_buf_printf(out, "%zu %s -> %d %zu %zu\n", g, v, r, k, gg), IBID_OK);
        }
}

/* Finding the synonyms of an index: the folders of its files (the fixture indexes
   IBID_SOURCE_DIR/corpus, which holds ibid-synonyms.txt), then the INDEX.synonyms sidecar that
   ibid-index writes, which wins even when empty. */
static void test_for_index(void **state)
{
    (void)state;
    char dir[] = "/tmp/ibid_test_synonyms_XXXXXX", ixpath[300], side[320];
    assert_non_null(mkdtemp(dir));
    assert_int_equal(corpus_fixture_build(dir, ixpath, sizeof ixpath), IBID_OK);
    ibid_index *ix = NULL;
    char err[200];
    assert_int_equal(ibid_index_open(ixpath, &ix, err, sizeof err), IBID_OK);
    sink sk = {0};
    ibid_diag d = {sink_fn, &sk};
    ibid_synonyms *s = NULL;
    char *found = NULL;
    /* no sidecar: the corpus folder's file */
    assert_int_equal(ibid_synonyms_for_index(an, ixpath, ix, &d, &s, &found), IBID_OK);
    assert_non_null(s);
    assert_non_null(strstr(found, "corpus/ibid-synonyms.txt"));
    assert_int_equal(group_of(s, "butb", NULL), group_of(s, "buce", NULL));
    ibid_synonyms_free(s);
    free(found);
    /* the sidecar written from a source list in a folder without synonyms: empty, and it wins */
    char *p = (char *)"/nonexistent-folder/a.txt";
    ibid_source src = {p, 1, 0};
    ibid_source_list list = {&src, 1, 1, NULL, 0, 0};
    assert_int_equal(ibid_synonyms_sidecar_write(ixpath, &list, &d), IBID_OK);
    snprintf(side, sizeof side, "%s.synonyms", ixpath);
    assert_int_equal(access(side, R_OK), 0);
    assert_int_equal(ibid_synonyms_for_index(an, ixpath, ix, &d, &s, &found), IBID_OK);
    assert_non_null(s);
    assert_int_equal(ibid_synonyms_group_count(s), 0);
    ibid_synonyms_free(s);
    free(found);
    /* from the corpus folder: the sidecar holds its groups */
    char cpath[300];
    snprintf(cpath, sizeof cpath, "%s/corpus/000.txt", IBID_SOURCE_DIR);
    src.path = cpath;
    assert_int_equal(ibid_synonyms_sidecar_write(ixpath, &list, &d), IBID_OK);
    assert_int_equal(ibid_synonyms_for_index(an, ixpath, ix, &d, &s, &found), IBID_OK);
    assert_true(ibid_synonyms_group_count(s) >= 40);
    assert_non_null(strstr(found, ".synonyms"));
    /* ... and its keys file, which gives the same groups; without it (an index written before
       keys files) or when it is stale (the sidecar edited), the sidecar is parsed */
    char keysp[340];
    snprintf(keysp, sizeof keysp, "%s%s", side, IBID_SYNONYMS_KEYS);
    assert_int_equal(access(keysp, R_OK), 0);
    ibid_buf want = {0}, got = {0};
    describe(s, &want);
    ibid_synonyms_free(s);
    free(found);
    FILE *f = fopen(side, "ab");
    assert_non_null(f);
    fputs("Kamenka = Velikiy Kamen\n", f); /* the sidecar changed after the keys were written */
    fclose(f);
    assert_int_equal(ibid_synonyms_for_index(an, ixpath, ix, &d, &s, &found), IBID_OK);
    assert_int_equal(group_of(s, "kamenka", NULL), group_of(s, "great stone", NULL));
    ibid_synonyms_free(s);
    free(found);
    assert_int_equal(unlink(keysp), 0);
    assert_int_equal(ibid_synonyms_sidecar_write(ixpath, &list, &d), IBID_OK);
    assert_int_equal(unlink(keysp), 0);
    assert_int_equal(ibid_synonyms_for_index(an, ixpath, ix, &d, &s, &found), IBID_OK);
    describe(s, &got);
    assert_string_equal(want.data, got.data);
    ibid_synonyms_free(s);
    free(found);
    ibid_buf_free(&want);
    ibid_buf_free(&got);
    /* no synonyms: the keys file goes */
    assert_int_equal(ibid_synonyms_sidecar_write(ixpath, &list, &d), IBID_OK);
    assert_int_equal(access(keysp, R_OK), 0);
    src.path = p;
    assert_int_equal(ibid_synonyms_sidecar_write(ixpath, &list, &d), IBID_OK);
    assert_int_equal(access(keysp, R_OK), -1);
    assert_int_equal(sk.n, 0);
    ibid_index_close(ix);
    unlink(side);
    unlink(ixpath);
    rmdir(dir);
}

/* The keys file (synonyms.h): loading it gives the object that parsing gives, with the same
   diagnostics; a keys file made from another text, or damaged, is refused.  Fixture: the
   bundled corpus/ibid-synonyms.txt with two bad lines added. */
static void test_keys(void **state)
{
    (void)state;
    ibid_buf text = {0}, keys = {0}, log1 = {0}, log2 = {0}, d1 = {0}, d2 = {0};
    FILE *f = fopen(IBID_SOURCE_DIR "/corpus/ibid-synonyms.txt", "rb");
    assert_non_null(f);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        assert_int_equal(ibid_buf_put(&text, chunk, n), IBID_OK);
    fclose(f);
    assert_int_equal(ibid_buf_puts(&text, "lonely variant\nA = = B = !!!\nco-operation = cooperation\n"), IBID_OK);
    ibid_diag l1 = {log_fn, &log1}, l2 = {log_fn, &log2};
    ibid_synonyms *parsed = NULL, *loaded = NULL;
    assert_int_equal(ibid_synonyms_parse(an, text.data, text.len, "side", &l1, &parsed), IBID_OK);
    assert_int_equal(ibid_synonyms_keys_encode(parsed, an, text.data, text.len, &keys), IBID_OK);
    /* loaded from the keys: the same object, the same messages */
    unsigned char *copy = malloc(keys.len);
    assert_non_null(copy);
    memcpy(copy, keys.data, keys.len);
    assert_int_equal(ibid_synonyms_keys_decode(an, copy, keys.len, text.data, text.len, "side", &l2, &loaded), IBID_OK);
    assert_non_null(strstr(log1.data, "side:"));
    assert_non_null(strstr(log1.data, "has no word"));
    assert_string_equal(log1.data, log2.data);
    describe(parsed, &d1);
    describe(loaded, &d2);
    assert_true(ibid_synonyms_group_count(parsed) >= 40);
    assert_string_equal(d1.data, d2.data);
    ibid_synonyms_free(loaded);
    /* another text (one byte changed), a cut file, a flipped byte: refused, nothing reported */
    ibid_buf_clear(&log2);
    text.data[text.len - 2] = 'X';
    copy = malloc(keys.len);
    assert_non_null(copy);
    memcpy(copy, keys.data, keys.len);
    assert_int_equal(ibid_synonyms_keys_decode(an, copy, keys.len, text.data, text.len, "side", &l2, &loaded),
                     IBID_ECORRUPT);
    assert_null(loaded);
    text.data[text.len - 2] = 'n';
    for (size_t cut = 0; cut < keys.len; cut += keys.len / 7 + 1) {
        copy = malloc(keys.len);
        assert_non_null(copy);
        memcpy(copy, keys.data, keys.len);
        assert_int_equal(ibid_synonyms_keys_decode(an, copy, cut, text.data, text.len, "side", &l2, &loaded),
                         IBID_ECORRUPT);
        copy = malloc(keys.len);
        assert_non_null(copy);
        memcpy(copy, keys.data, keys.len);
        copy[cut] ^= 0x20;
        assert_int_equal(ibid_synonyms_keys_decode(an, copy, keys.len, text.data, text.len, "side", &l2, &loaded),
                         IBID_ECORRUPT);
    }
    assert_int_equal(log2.len, 0);
    ibid_synonyms_free(parsed);
    ibid_buf_free(&text);
    ibid_buf_free(&keys);
    ibid_buf_free(&log1);
    ibid_buf_free(&log2);
    ibid_buf_free(&d1);
    ibid_buf_free(&d2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_merge_and_longest),
        cmocka_unit_test(test_expansion),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_corpus_file),
        cmocka_unit_test(test_for_index),
        cmocka_unit_test(test_keys),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
