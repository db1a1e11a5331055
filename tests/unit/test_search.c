/*
 * test_search.c - query evaluation (searcher/plan.h, scorer.h, collect.h, search.h).
 *
 * A small index is built with ibid_builder from hand-made passages whose sentences are taken
 * or adapted from the bundled corpus (lines cited beside them); each operator's matches are
 * checked there, pruned and exhaustive alike.  Then BM25 scores against the formula applied by
 * hand to the index statistics, ties in passage order, --explain's terms summing to the score,
 * the output formats, and pruned (MaxScore + block-max) against exhaustive evaluation on
 * hundreds of random queries over a synthetic index large enough for many postings blocks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bm25.h"
#include "corpus_fixture.h"
#include "index.h"
#include "index_build.h"
#include "passage.h"
#include "positional.h"
#include "search.h"
#include "status.h"
#include "topk.h"

static char tmpdir[256];

/* ---- building indexes ---- */

typedef struct tpass {
    ibid_kind kind;
    int line, footnote;
    const char *text;
} tpass;

typedef struct tfile {
    const char *path, *work, *chapter;
    const tpass *p;
    size_t n;
} tfile;

static void add_file(ibid_builder *b, const tfile *f)
{
    ibid_passage_list l = {0};
    for (size_t i = 0; i < f->n; i++) {
        ibid_passage p = {0};
        p.kind = f->p[i].kind;
        p.file = ibid_arena_strndup(&l.arena, f->path, strlen(f->path));
        p.line = p.end_line = f->p[i].line;
        p.work = ibid_arena_strndup(&l.arena, f->work, strlen(f->work));
        p.chapter = f->chapter ? ibid_arena_strndup(&l.arena, f->chapter, strlen(f->chapter)) : NULL;
        p.paragraph = p.kind == IBID_KIND_PARAGRAPH ? (int)i + 1 : 0;
        p.footnote = f->p[i].footnote;
        p.text = ibid_arena_strndup(&l.arena, f->p[i].text, strlen(f->p[i].text));
        assert_non_null(ibid_passages_push(&l, &p));
    }
    assert_int_equal(ibid_builder_add_file(b, f->path, 1000, 0, &l), IBID_OK);
    ibid_passages_free(&l);
}

/* Passage ids follow the files (in strcmp order) and the lines. */
static const tpass file_a[] = {
    /* 0 */ {IBID_KIND_PARAGRAPH, 1, 0, "The Great Stone industrial park welcomed new residents in 2021."}, /* 003:1983 */
    /* 1 */ {IBID_KIND_PARAGRAPH, 3, 0, "Residents of the park increased investment; the stone was great."},
    /* 2 */ {IBID_KIND_PARAGRAPH, 5, 0, "Potash fertilizer exports to Brazil grew; co-operation with Brazil's partners continued."}, /* 000:134-154 */
    /* 3 */ {IBID_KIND_PARAGRAPH, 7, 0, "Cooperation and co operation are spelled differently."},
    /* 4 */ {IBID_KIND_FOOTNOTE, 20, 1, "Novinata za nadredali nauk - 2021: Sofia. \"Byal GRAD-BG\"."}, /* 003:935 */
    /* 5 */ {IBID_KIND_FOOTNOTE, 21, 2, "Great Stone resident list [Electronic resource]."},
};
static const tpass file_b[] = {
    /* 6 */ {IBID_KIND_PARAGRAPH, 1, 0, "A resident is a company registered in the park."},
    /* 7 */ {IBID_KIND_PARAGRAPH, 2, 0, "The residence of the ambassador is in Minsk."},
    /* 8 */ {IBID_KIND_PARAGRAPH, 3, 0, "potash mining near the river, far from Brazil"},
    /* 9 */ {IBID_KIND_BIBLIOGRAPHY, 10, 1, "Zalessky B. Great Stone. Minsk, 2021."},
};
static const tpass file_c[] = {
    /* 10 */ {IBID_KIND_PARAGRAPH, 1, 0, "Vitebsk region partners."}, /* 001:978 */
    /* 11 */ {IBID_KIND_PARAGRAPH, 2, 0, "Vitebsk region partners."},
};
static const tfile fixture[] = {
    {"a.txt", "Belarus - Latin America", "Trade with Brazil", file_a, 6},
    {"b.txt", "Asian vector expands cooperation", "Industrial park development", file_b, 4},
    {"c.txt", "Ten short articles", NULL, file_c, 2},
};

static ibid_index *small_ix, *big_ix;
static char small_path[300], big_path[300];

static const char *big_vocab[] = {"the", "of", "and", "park", "stone", "great", "residents", "resident",
    "cooperation", "co-operation", "brazil", "potash", "minsk", "china", "trade", "export", "exports",
    "industrial", "investment", "river", "sofia", "grad", "vitebsk", "region", "partners", "new", "era",
    "strategic", "partnership", "belarus", "iran", "energy", "cuba", "forum", "rectors", "road", "map"};
enum { NBIG = sizeof big_vocab / sizeof big_vocab[0] };

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* Zipf-like: word 0 in nearly every passage, the last ones rare. */
static const char *skewed_word(void)
{
    double u = (rnd() % 10000) / 10000.0;
    size_t i = (size_t)(NBIG * u * u * u);
    return big_vocab[i < NBIG ? i : NBIG - 1];
}

static void build_big(const char *path)
{
    ibid_builder *b = ibid_builder_new(NULL);
    assert_non_null(b);
    for (int f = 0; f < 3; f++) {
        ibid_passage_list l = {0};
        char name[32];
        snprintf(name, sizeof name, "big%d.txt", f);
        for (int i = 0; i < 2500; i++) {
            char text[2048] = "";
            size_t len = 1 + rnd() % (i % 10 == 0 ? 150 : 40), at = 0;
            for (size_t w = 0; w < len; w++)
                at += (size_t)snprintf(text + at, sizeof text - at, "%s%s", w ? " " : "", skewed_word());
            ibid_passage p = {0};
            p.kind = i % 7 == 0 ? IBID_KIND_FOOTNOTE : IBID_KIND_PARAGRAPH;
            p.file = ibid_arena_strndup(&l.arena, name, strlen(name));
            p.line = p.end_line = i + 1;
            p.work = f == 1 ? "Odd Work" : "Even Work";
            p.chapter = i < 1000 ? "First chapter" : "Second chapter";
            p.footnote = p.kind == IBID_KIND_FOOTNOTE ? i + 1 : 0;
            p.paragraph = p.kind == IBID_KIND_PARAGRAPH ? i + 1 : 0;
            p.text = ibid_arena_strndup(&l.arena, text, strlen(text));
            assert_non_null(ibid_passages_push(&l, &p));
        }
        assert_int_equal(ibid_builder_add_file(b, name, 1000, 0, &l), IBID_OK);
        ibid_passages_free(&l);
    }
    assert_int_equal(ibid_builder_write(b, path, NULL), IBID_OK);
    ibid_builder_free(b);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ibid_test_search_XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(small_path, sizeof small_path, "%s/small.ibid", tmpdir);
    snprintf(big_path, sizeof big_path, "%s/big.ibid", tmpdir);
    ibid_builder *b = ibid_builder_new(NULL);
    if (!b)
        return -1;
    for (size_t i = 0; i < sizeof fixture / sizeof fixture[0]; i++)
        add_file(b, &fixture[i]);
    if (ibid_builder_write(b, small_path, NULL) != IBID_OK)
        return -1;
    ibid_builder_free(b);
    build_big(big_path);
    char err[200];
    if (ibid_index_open(small_path, &small_ix, err, sizeof err) < 0)
        return -1;
    if (ibid_index_open(big_path, &big_ix, err, sizeof err) < 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ibid_index_close(small_ix);
    ibid_index_close(big_ix);
    unlink(small_path);
    unlink(big_path);
    rmdir(tmpdir);
    return 0;
}

/* ---- running queries ---- */

static ibid_searcher *searcher(ibid_index *ix, double k1, double b)
{
    ibid_search_opts o;
    ibid_search_opts_default(&o);
    o.k1 = k1;
    o.b = b;
    ibid_searcher *s = NULL;
    assert_int_equal(ibid_searcher_new(ix, &o, NULL, &s), IBID_OK);
    return s;
}

/* Runs q pruned and exhaustive with k hits, asserts they agree; returns the hits in *top. */
static void run_both(ibid_searcher *s, const char *q, size_t k, ibid_topk *top)
{
    ibid_topk ex;
    assert_int_equal(ibid_topk_init(top, k), IBID_OK);
    assert_int_equal(ibid_topk_init(&ex, k), IBID_OK);
    assert_int_equal(ibid_search_topk(s, q, strlen(q), 0, top), IBID_OK);
    assert_int_equal(ibid_search_topk(s, q, strlen(q), 1, &ex), IBID_OK);
    if (top->n != ex.n)
        fail_msg("query [%s] k %zu: pruned %zu hits, exhaustive %zu", q, k, top->n, ex.n);
    for (size_t i = 0; i < ex.n; i++)
        if (top->v[i].pid != ex.v[i].pid || top->v[i].score != ex.v[i].score)
            fail_msg("query [%s] k %zu rank %zu: pruned %u %.17g, exhaustive %u %.17g", q, k, i + 1,
                     top->v[i].pid, top->v[i].score, ex.v[i].pid, ex.v[i].score);
    ibid_topk_free(&ex);
}

/* The matching passage ids of q on the small index, ascending, as "0 3 5" ("" for none). */
static const char *matches(const char *q)
{
    static char out[256];
    ibid_searcher *s = searcher(small_ix, IBID_BM25_K1, IBID_BM25_B);
    ibid_topk top;
    run_both(s, q, 100, &top);
    int seen[64] = {0};
    for (size_t i = 0; i < top.n; i++) {
        assert_true(top.v[i].pid < 64);
        seen[top.v[i].pid] = 1;
    }
    size_t at = 0;
    out[0] = '\0';
    for (int i = 0; i < 64; i++)
        if (seen[i])
            at += (size_t)snprintf(out + at, sizeof out - at, "%s%d", at ? " " : "", i);
    ibid_topk_free(&top);
    ibid_searcher_free(s);
    return out;
}

static void words_are_a_ranked_or(void **state)
{
    (void)state;
    assert_string_equal(matches("great stone"), "0 1 5 9");
    assert_string_equal(matches("Vitebsk"), "10 11");
    assert_string_equal(matches("qwxzvyq"), "");
    /* stems: residents, resident and residence are all resid */
    assert_string_equal(matches("residents"), "0 1 5 6 7");
}

static void quoted_phrases_are_exact_and_positional(void **state)
{
    (void)state;
    /* 1 has "the stone was great": both words, not the phrase */
    assert_string_equal(matches("\"Great Stone\""), "0 5 9");
    assert_string_equal(matches("\"stone great\""), "");
    /* an exact form: "resident" is not "residents" nor "residence" */
    assert_string_equal(matches("\"resident\""), "5 6");
    assert_string_equal(matches("\"residents\""), "0 1");
}

static void required_and_excluded(void **state)
{
    (void)state;
    assert_string_equal(matches("+potash brazil"), "2 8");
    assert_string_equal(matches("brazil -fertilizer"), "8");
    assert_string_equal(matches("potash AND minsk"), "");
    assert_string_equal(matches("great AND stone NOT bibliography NOT minsk"), "0 1 5");
    /* only excluded words: nothing */
    assert_string_equal(matches("-potash"), "");
    /* a required unknown word empties the group */
    assert_string_equal(matches("+qwxzvyq potash"), "");
}

static void compounds_match_joined_and_split(void **state)
{
    (void)state;
    /* co-operation (2), cooperation and "co operation" (3) */
    assert_string_equal(matches("co-operation"), "2 3");
    assert_string_equal(matches("cooperation"), "2 3");
}

static void prefixes_expand_forms(void **state)
{
    (void)state;
    assert_string_equal(matches("resid*"), "0 1 5 6 7");
    assert_string_equal(matches("residen*"), "0 1 5 6 7");
    assert_string_equal(matches("potas*"), "2 8");
    assert_string_equal(matches("zzz*"), "");
}

static void near_counts_positions(void **state)
{
    (void)state;
    /* 2: "Potash(0) fertilizer exports to Brazil(4)"; 8: "potash(0) ... Brazil(7)" */
    assert_string_equal(matches("potash NEAR/3 brazil"), "");
    assert_string_equal(matches("potash NEAR/4 brazil"), "2");
    assert_string_equal(matches("brazil NEAR/7 potash"), "2 8");
    assert_string_equal(matches("\"great stone\" NEAR/2 list"), "5");
}

static void filters_restrict_by_metadata(void **state)
{
    (void)state;
    assert_string_equal(matches("in:footnotes great"), "5");
    assert_string_equal(matches("in:footnotes"), "4 5");
    assert_string_equal(matches("in:bibliography"), "9");
    assert_string_equal(matches("in:footnotes in:bibliography stone"), "5 9");
    assert_string_equal(matches("-in:footnotes stone"), "0 1 9");
    assert_string_equal(matches("in:text stone"), "0 1");
    assert_string_equal(matches("work:asian park"), "6");
    assert_string_equal(matches("work:\"latin america\" park"), "0 1");
    assert_string_equal(matches("chapter:brazil potash"), "2");
    assert_string_equal(matches("in:footnotes -sofia"), "5");
    /* Byal GRAD Sofia finds the footnote (003:935) */
    assert_string_equal(matches("in:footnotes Byal GRAD Sofia"), "4");
}

static void scores_follow_bm25(void **state)
{
    (void)state;
    ibid_searcher *s = searcher(small_ix, 1.2, 0.75);
    ibid_topk top;
    run_both(s, "potash", 10, &top);
    assert_int_equal(top.n, 2);
    ibid_bm25 m;
    ibid_bm25_init(&m, 1.2, 0.75, ibid_index_passage_count(small_ix), ibid_index_avg_len(small_ix));
    double idf = log(1 + (12 - 2 + 0.5) / (2 + 0.5));
    for (size_t i = 0; i < top.n; i++) {
        double len = ibid_index_passage_len(small_ix, top.v[i].pid);
        double want = idf * 1 * 2.2 / (1 + 1.2 * (1 - 0.75 + 0.75 * len / ibid_index_avg_len(small_ix)));
        assert_float_equal(top.v[i].score, want, 1e-12);
    }
    /* the shorter passage (8, 8 tokens) beats the longer one (2) */
    assert_int_equal(top.v[0].pid, 8);
    ibid_topk_free(&top);
    /* a phrase is one pseudo-term: idf = the sum of its words' idfs, tf = occurrences */
    run_both(s, "\"potash fertilizer\"", 10, &top);
    assert_int_equal(top.n, 1);
    double idf2 = idf + log(1 + (12 - 1 + 0.5) / (1 + 0.5));
    double len = ibid_index_passage_len(small_ix, 2);
    assert_float_equal(top.v[0].score,
                       idf2 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * len / ibid_index_avg_len(small_ix))), 1e-12);
    ibid_topk_free(&top);
    ibid_searcher_free(s);
}

static void more_words_rank_higher_and_ties_follow_passage_order(void **state)
{
    (void)state;
    ibid_searcher *s = searcher(small_ix, IBID_BM25_K1, IBID_BM25_B);
    ibid_topk top;
    run_both(s, "great stone residents", 10, &top);
    /* 0 has all three words in order; 5 and 1 have all three too */
    assert_true(top.v[0].pid == 0 || top.v[0].pid == 5 || top.v[0].pid == 1);
    /* 6 and 7 hold only a form of resid: they come last (7 is shorter, so before 6) */
    assert_int_equal(top.n, 6);
    assert_int_equal(top.v[4].pid, 7);
    assert_int_equal(top.v[5].pid, 6);
    ibid_topk_free(&top);
    /* 10 and 11 are identical: equal scores, file and line order */
    run_both(s, "vitebsk partners", 1, &top);
    assert_int_equal(top.n, 1);
    assert_int_equal(top.v[0].pid, 10);
    ibid_topk_free(&top);
    run_both(s, "in:footnotes in:bibliography", 10, &top);
    assert_int_equal(top.n, 3);
    assert_int_equal(top.v[0].pid, 4);
    assert_int_equal(top.v[1].pid, 5);
    assert_int_equal(top.v[2].pid, 9);
    assert_float_equal(top.v[0].score, 0, 0);
    ibid_topk_free(&top);
    ibid_searcher_free(s);
}

/* Runs the full pipeline of one query into a string. */
static char *run_output(ibid_index *ix, ibid_output_format f, int explain, size_t limit, const char *q,
                        uint64_t *matched)
{
    ibid_search_opts o;
    ibid_search_opts_default(&o);
    o.format = f;
    o.explain = explain;
    o.limit = limit;
    ibid_searcher *s = NULL;
    assert_int_equal(ibid_searcher_new(ix, &o, NULL, &s), IBID_OK);
    ibid_buf out = {0};
    assert_int_equal(ibid_search_run(s, "q7", q, strlen(q), &out, matched), IBID_OK);
    ibid_searcher_free(s);
    char *r = ibid_buf_steal(&out, NULL);
    return r ? r : calloc(1, 1);
}

static void output_formats_have_their_shapes(void **state)
{
    (void)state;
    uint64_t m;
    char *t = run_output(small_ix, IBID_OUT_TREC, 0, 3, "great stone", &m);
    assert_int_equal(m, 3);
    /* 0 and 5 tie or not, but every line is qid Q0 file:line rank score ibid */
    char id[64], q0[8], tag[16], qid[16];
    int rank;
    double score;
    const char *line = t;
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(sscanf(line, "%15s %7s %63s %d %lf %15s", qid, q0, id, &rank, &score, tag), 6);
        assert_string_equal(qid, "q7");
        assert_string_equal(q0, "Q0");
        assert_int_equal(rank, i);
        assert_string_equal(tag, "ibid");
        assert_non_null(strstr(id, ".txt:"));
        line = strchr(line, '\n') + 1;
    }
    assert_string_equal(line, "");
    free(t);
    t = run_output(small_ix, IBID_OUT_GREP, 0, 1, "Vitebsk", &m);
    /* c.txt:2 is the same text: grouped under line 1 as a copy (issue 6, output.h) */
    assert_string_equal(t, "c.txt:1:Vitebsk region partners.\nc.txt:2:also: Vitebsk region partners.\n");
    free(t);
    t = run_output(small_ix, IBID_OUT_JSON, 1, 1, "\"Great Stone\" park", &m);
    /* 0: "The Great Stone industrial park ...": highlights at the words' byte offsets */
    assert_non_null(strstr(t, "\"qid\":\"q7\",\"rank\":1,"));
    assert_non_null(strstr(t, "\"file\":\"a.txt\",\"line\":1,"));
    assert_non_null(strstr(t, "\"highlights\":[[4,9],[10,15],[27,31]]"));
    assert_non_null(strstr(t, "\"explain\":[{\"term\":\"\\\"great stone\\\"\""));
    free(t);
    t = run_output(small_ix, IBID_OUT_TEXT, 1, 10, "in:footnotes Sofia", &m);
    assert_int_equal(m, 1);
    assert_non_null(strstr(t, "1. ["));
    assert_non_null(strstr(t, "fn. 1; a.txt:20"));
    assert_non_null(strstr(t, "explain: "));
    /* --explain starts with the parsed query */
    assert_non_null(strstr(t, "query: (OR +in:footnote sofia)\n"));
    assert_null(strstr(t, "\033[")); /* no colour unless asked */
    free(t);
    t = run_output(small_ix, IBID_OUT_JSON, 0, 10, "qwxzvyq", &m);
    assert_int_equal(m, 0);
    assert_string_equal(t, "");
    free(t);
}

static void explain_terms_sum_to_the_score(void **state)
{
    (void)state;
    uint64_t m;
    char *t = run_output(small_ix, IBID_OUT_TEXT, 1, 10, "great stone residents", &m);
    /* every hit: "N. [score]" then explain lines whose scores add up */
    const char *p = t;
    int hits = 0;
    while ((p = strstr(p, ". [")) != NULL) {
        double score = atof(p + 3), sum = 0;
        const char *next = strstr(p + 3, ". [");
        const char *e = p;
        while ((e = strstr(e + 1, "explain: ")) != NULL && (!next || e < next))
            sum += atof(e + 9);
        assert_float_equal(sum, score, 0.002);
        hits++;
        p += 3;
    }
    assert_int_equal(hits, 6);
    free(t);
}

static void pruned_equals_exhaustive_on_random_queries(void **state)
{
    (void)state;
    static const char *ops[] = {"", "", "", "", "", "", "+", "-"};
    ibid_searcher *s = searcher(big_ix, IBID_BM25_K1, IBID_BM25_B);
    for (int round = 0; round < 400; round++) {
        char q[1024] = "";
        size_t at = 0, nw = 1 + rnd() % 12;
        for (size_t i = 0; i < nw; i++) {
            uint32_t r = rnd() % 40;
            const char *w = big_vocab[rnd() % NBIG];
            if (r == 0)
                at += (size_t)snprintf(q + at, sizeof q - at, "\"%s %s\" ", skewed_word(), skewed_word());
            else if (r == 1)
                at += (size_t)snprintf(q + at, sizeof q - at, "%.3s* ", w);
            else if (r == 2)
                at += (size_t)snprintf(q + at, sizeof q - at, "in:footnotes ");
            else if (r == 3)
                at += (size_t)snprintf(q + at, sizeof q - at, "%s NEAR/4 %s ", w, skewed_word());
            else if (r == 4)
                at += (size_t)snprintf(q + at, sizeof q - at, "(%s OR %s) ", w, skewed_word());
            else if (r == 5)
                at += (size_t)snprintf(q + at, sizeof q - at, "work:odd ");
            else
                at += (size_t)snprintf(q + at, sizeof q - at, "%s%s ", ops[rnd() % 8],
                                       rnd() % 2 ? w : skewed_word());
        }
        size_t k = 1 + rnd() % (round % 5 == 0 ? 200 : 20);
        ibid_topk top;
        run_both(s, q, k, &top);
        ibid_topk_free(&top);
    }
    ibid_searcher_free(s);
}

/* ---- phrases under MaxScore (positional.h: block bounds and the collector's floor) ---- */

/* The bundled corpus (corpus_fixture.h), opened once for the phrase tests below. */
static ibid_index *phrase_corpus(char *path, size_t cap)
{
    if (corpus_fixture_build(tmpdir, path, cap) != IBID_OK)
        fail_msg("cannot index corpus/");
    ibid_index *ix = NULL;
    char err[256];
    assert_int_equal(ibid_index_open(path, &ix, err, sizeof err), IBID_OK);
    return ix;
}

/* Quoted phrases of common words ("of the" is in most passages of corpus/), alone, together and
   with words, filters and exclusions: the pruned top k (phrase block bounds, floors) equals the
   exhaustive one at every k. */
static void phrase_queries_pruned_equal_exhaustive_on_the_corpus(void **state)
{
    (void)state;
    static const char *queries[] = {
        "\"of the\"", "\"in the\"", "\"and the\"", "\"to the\"", "\"of the republic\"",
        "\"the development of the\"", "\"industrial park\"", "\"great stone\"",
        "\"the republic of belarus\"", "\"in the field of\"", "\"one of the\"",
        "\"of the\" belarus china", "\"in the\" \"of the\"", "trade \"the development of\" -china",
        "\"of the\" in:footnotes", "\"of the\" cooperation \"industrial park\" minsk",
        "+\"of the\" tractor", "\"as well as\" \"at the same time\"", "\"of a\" OR \"to a\"",
        "Great Stone residents", "\"the\" \"of\"", "\"the the\"",
    };
    static const size_t ks[] = {1, 2, 3, 5, 10, 30, 100};
    char path[512];
    ibid_index *ix = phrase_corpus(path, sizeof path);
    ibid_searcher *s = searcher(ix, IBID_BM25_K1, IBID_BM25_B);
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++)
        for (size_t k = 0; k < sizeof ks / sizeof *ks; k++) {
            ibid_topk top;
            run_both(s, queries[q], ks[k], &top);
            ibid_topk_free(&top);
        }
    ibid_searcher_free(s);
    ibid_index_close(ix);
}

typedef struct phrase_hit {
    uint32_t doc;
    double score;
} phrase_hit;

/* A phrase scorer over the words of text (stems, one a word) at consecutive offsets. */
static ibid_scorer *phrase_of(ibid_eval *ev, const char *const *words, size_t n)
{
    ibid_phrase_word w[8];
    double idf = 0;
    assert_true(n <= 8);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(ibid_index_lookup(ev->ix, words[i], strlen(words[i]), &w[i].term), 1);
        w[i].variant = UINT32_MAX;
        w[i].offset = (uint32_t)i;
        idf += ibid_bm25_idf(&ev->bm, w[i].term.df);
    }
    int rc;
    ibid_scorer *s = ibid_scorer_phrase(ev, w, n, idf, "phrase", &rc);
    assert_non_null(s);
    return s;
}

/* On corpus/: a phrase's block_bound bounds the score of every match in [target, upto] (and
   upto >= target), wherever the scorer stands; with a floor the scorer still stops on every
   match whose score could beat it, with the same score. */
static void phrase_bounds_hold_on_the_corpus(void **state)
{
    (void)state;
    static const char *const phrases[][4] = {
        {"of", "the", NULL}, {"in", "the", NULL}, {"the", "develop", "of", NULL},
        {"industri", "park", NULL}, {"the", "republ", "of", "belarus"},
    };
    char path[512];
    ibid_index *ix = phrase_corpus(path, sizeof path);
    for (size_t ph = 0; ph < sizeof phrases / sizeof *phrases; ph++) {
        size_t n = 0;
        while (n < 4 && phrases[ph][n])
            n++;
        ibid_eval ev;
        ibid_eval_init(&ev, ix, IBID_BM25_K1, IBID_BM25_B);
        /* every match, exhaustively */
        ibid_scorer *all = phrase_of(&ev, phrases[ph], n);
        phrase_hit *hits = NULL;
        size_t nh = 0;
        while (all->doc != IBID_NO_DOC) {
            hits = realloc(hits, (nh + 1) * sizeof *hits);
            assert_non_null(hits);
            hits[nh].doc = all->doc;
            assert_int_equal(ibid_scorer_score(all, &hits[nh].score), IBID_OK);
            assert_true(hits[nh].score <= all->max_score);
            nh++;
            assert_int_equal(ibid_scorer_next(all), IBID_OK);
        }
        assert_true(nh > 0);
        /* block bounds from a scorer that moves along: targets behind, on and ahead of it */
        ibid_scorer *b = phrase_of(&ev, phrases[ph], n);
        uint32_t npass = ibid_index_passage_count(ix);
        for (uint32_t t = 0; t < npass; t += 1 + t % 13) {
            if (t % 5 == 0)
                assert_int_equal(ibid_scorer_advance(b, t / 2), IBID_OK);
            uint32_t from = t > b->doc ? t : b->doc, upto;
            double bound;
            assert_int_equal(ibid_scorer_block_bound(b, from, &upto, &bound), IBID_OK);
            assert_true(upto >= from);
            for (size_t h = 0; h < nh; h++)
                if (hits[h].doc >= from && hits[h].doc <= upto && hits[h].score > bound)
                    fail_msg("phrase %zu: doc %u scores %.17g above its block bound %.17g [%u, %u]", ph,
                             hits[h].doc, hits[h].score, bound, from, upto);
        }
        /* floors: the median score, then the best (nothing may be lost that could beat them) */
        for (int f = 0; f < 2; f++) {
            double theta = f == 0 ? hits[nh / 2].score : hits[0].score;
            for (size_t h = 0; h < nh; h++)
                if (f == 1 && hits[h].score > theta)
                    theta = hits[h].score;
            ibid_scorer *fl = phrase_of(&ev, phrases[ph], n);
            assert_int_equal(ibid_scorer_phrase_floor(fl, theta, 0), 1);
            assert_int_equal(ibid_scorer_next(fl), IBID_OK); /* the floor applies from the next move */
            size_t h = 0, stops = 0;
            for (; fl->doc != IBID_NO_DOC; assert_int_equal(ibid_scorer_next(fl), IBID_OK)) {
                while (h < nh && hits[h].doc < fl->doc) {
                    if (hits[h].score > theta && hits[h].doc != hits[0].doc)
                        fail_msg("phrase %zu floor %.17g: doc %u (%.17g) skipped", ph, theta, hits[h].doc,
                                 hits[h].score);
                    h++;
                }
                assert_true(h < nh && hits[h].doc == fl->doc); /* a true match */
                double sc;
                assert_int_equal(ibid_scorer_score(fl, &sc), IBID_OK);
                assert_true(sc == hits[h].score);
                stops++;
                h++;
            }
            for (; h < nh; h++)
                if (hits[h].score > theta)
                    fail_msg("phrase %zu floor %.17g: doc %u skipped at the end", ph, theta, hits[h].doc);
            if (f == 1)
                assert_true(stops < nh || nh == 1); /* the best floor passes over something */
        }
        assert_int_equal(ibid_scorer_phrase_floor(ibid_scorer_empty(&ev), 1.0, 0), 0);
        free(hits);
        ibid_eval_free(&ev);
    }
    ibid_index_close(ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words_are_a_ranked_or),
        cmocka_unit_test(quoted_phrases_are_exact_and_positional),
        cmocka_unit_test(required_and_excluded),
        cmocka_unit_test(compounds_match_joined_and_split),
        cmocka_unit_test(prefixes_expand_forms),
        cmocka_unit_test(near_counts_positions),
        cmocka_unit_test(filters_restrict_by_metadata),
        cmocka_unit_test(scores_follow_bm25),
        cmocka_unit_test(more_words_rank_higher_and_ties_follow_passage_order),
        cmocka_unit_test(output_formats_have_their_shapes),
        cmocka_unit_test(explain_terms_sum_to_the_score),
        cmocka_unit_test(pruned_equals_exhaustive_on_random_queries),
        cmocka_unit_test(phrase_queries_pruned_equal_exhaustive_on_the_corpus),
        cmocka_unit_test(phrase_bounds_hold_on_the_corpus),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
