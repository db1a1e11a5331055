/* test_query_parse.c - the query parser (searcher/query_parse.c) and its rendering
 * (searcher/query_format.c): every operator, precedence, nesting, the odd inputs of issue 3
 * section 4, compounds and exact flags, filters, NEAR, the limits of issue 5, random bytes.
 *
 * Most cases are a table: query -> expected ibid_query_format rendering (grammar in
 * query_format.c: (OR ...) for BOOL with +/- occur prefixes, (ALT ...) for a compound's
 * alternatives, "..." exact, <...> unquoted multi-token word, x* prefix). Words come from the
 * bundled corpus where the case is about real text (file:line cited). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "buf.h"
#include "query.h"
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

/* Parses s and returns the rendering (static buffer) or "ERR<code>". */
static const char *render(const char *s, size_t len, ibid_query *q)
{
    static char out[4096];
    int rc = ibid_query_parse(an, s, len, q);
    if (rc != IBID_OK) {
        snprintf(out, sizeof out, "ERR%d", rc);
        return out;
    }
    ibid_buf b = {0};
    assert_int_equal(ibid_query_format(q, &b), IBID_OK);
    snprintf(out, sizeof out, "%s", b.data ? b.data : "");
    ibid_buf_free(&b);
    return out;
}

typedef struct qcase {
    const char *query;
    const char *expect;  /* rendering */
    const char *warning; /* a substring of q.warning, "" = no warning, NULL = not checked */
} qcase;

static void run_cases(const qcase *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ibid_query q;
        const char *got = render(cases[i].query, strlen(cases[i].query), &q);
        if (strcmp(got, cases[i].expect) != 0)
            fail_msg("query [%s]: got [%s], expected [%s]", cases[i].query, got, cases[i].expect);
        if (cases[i].warning) {
            if (cases[i].warning[0] == '\0' && q.warning[0] != '\0')
                fail_msg("query [%s]: unexpected warning [%s]", cases[i].query, q.warning);
            if (!strstr(q.warning, cases[i].warning))
                fail_msg("query [%s]: warning [%s] lacks [%s]", cases[i].query, q.warning,
                         cases[i].warning);
        }
        ibid_query_free(&q);
    }
}

#define RUN(t) run_cases(t, sizeof t / sizeof t[0])

/* The examples of docs/query-syntax.md, on the bundled corpus. */
static void manual_examples(void **state)
{
    (void)state;
    static const qcase t[] = {
        /* 000:1117 "the Great Stone industrial park" */
        {"Great Stone residents", "(OR great stone residents)", ""},
        {"\"Great Stone\"", "\"great stone\"", ""},
        /* BUTB: 001, 002, 004 */
        {"+BUTB -China", "(OR +butb -china)", ""},
        /* 003:1327 "Byal GRAD-BG" in a footnote */
        {"in:footnotes Byal GRAD", "(OR +in:footnote byal grad)", ""},
        {"work:cooperation Vietnam", "(OR +work:cooperation vietnam)", ""},
        /* 000:1074 "Belarus-China: strategic partnership enters a new era" */
        {"chapter:\"new era\" park", "(OR +chapter:\"new era\" park)", ""},
        {"potash NEAR/5 Brazil", "(NEAR/5 potash brazil)", ""},
        /* 000:17 "co-operation" */
        {"co-operation", "(ALT cooperation <co operation>)", ""},
        {"cooperat*", "cooperat*", ""},
        {"Great", "great", ""},
        {"\"Great\"", "\"great\"", ""},
    };
    RUN(t);
}

static void boolean_operators_and_precedence(void **state)
{
    (void)state;
    static const qcase t[] = {
        {"a AND b", "(OR +a +b)", ""},
        {"a OR b", "(OR a b)", ""},
        {"a b", "(OR a b)", ""},
        {"a AND b AND c", "(OR +a +b +c)", ""},
        {"a OR b OR c", "(OR a b c)", ""},
        /* AND binds tighter than OR */
        {"a AND b OR c", "(OR (OR +a +b) c)", ""},
        {"a OR b AND c", "(OR a (OR +b +c))", ""},
        /* juxtaposition binds loosest: each clause SHOULD */
        {"x a AND b", "(OR x (OR +a +b))", ""},
        {"x a OR b", "(OR x a b)", ""},
        /* NOT binds tighter than AND; NOT x in any group excludes x */
        {"NOT a b", "(OR -a b)", ""},
        {"a AND NOT b", "(OR +a -b)", ""},
        {"a OR NOT b", "(OR a -b)", ""},
        {"NOT a AND b", "(OR -a +b)", ""},
        {"NOT NOT a b", "(OR -a b)", ""},
        {"NOT +a b", "(OR -a b)", ""},
        /* explicit signs override the operator's occur */
        {"a AND -b", "(OR +a -b)", ""},
        {"+a OR b", "(OR +a b)", ""},
        {"+a +b c", "(OR +a +b c)", ""},
        /* parentheses */
        {"(a OR b) AND c", "(OR +(OR a b) +c)", ""},
        {"a AND (b OR c)", "(OR +a +(OR b c))", ""},
        {"(a b) (c d)", "(OR a b c d)", ""},
        {"a AND (b AND c)", "(OR +a +b +c)", ""},
        {"a OR (b AND c)", "(OR a (OR +b +c))", ""},
        {"+(a b) c", "(OR +(OR a b) c)", ""},
        {"-(a b) c", "(OR -a -b c)", ""},
        {"-(a AND b) c", "(OR -(OR +a +b) c)", ""},
        {"(((a)))", "a", ""},
        {"-(x) y", "(OR -x y)", ""},
        {"((a AND b) OR (c AND d)) AND e", "(OR +(OR (OR +a +b) (OR +c +d)) +e)", ""},
        /* lower-case operators are words */
        {"a and b", "(OR a and b)", ""},
        {"a or not b", "(OR a or not b)", ""},
        {"Near", "near", ""},
    };
    RUN(t);
}

static void phrases_and_exact_forms(void **state)
{
    (void)state;
    static const qcase t[] = {
        {"\"Great Stone\" park", "(OR \"great stone\" park)", ""},
        {"+\"Great Stone\" -\"new era\"", "(OR +\"great stone\" -\"new era\")", ""},
        /* inside quotes a compound gives its parts, operators and stars are text */
        {"\"co-operation\"", "\"co operation\"", ""},
        {"\"trade and economic co-operation\"", "\"trade and economic co operation\"", ""},
        {"\"a AND b OR NOT c\"", "\"a and b or not c\"", ""},
        {"\"cooperat*\"", "\"cooperat\"", ""},
        {"\"in:footnotes\"", "\"in footnotes\"", ""},
        /* typographic quotes */
        {"\xe2\x80\x9cGreat Stone\xe2\x80\x9d", "\"great stone\"", ""},
        {"\"...\"", "", ""},
        {"\"\"", "", ""},
        {"a\"b c\"d", "(OR a \"b c\" d)", ""},
        /* a word over IBID_MAX_TERM bytes is not searchable but keeps its position */
        {"\"a xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx b\"", "\"a _ b\"", ""},
        {"a-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-b", "<a _ b>", ""},
        /* 001:1911 "Camagüey": diacritics folded */
        {"\"Camag\xc3\xbc" "ey\"", "\"camaguey\"", ""},
    };
    RUN(t);
}

static void unquoted_compounds_numbers_and_symbols(void **state)
{
    (void)state;
    static const qcase t[] = {
        /* 000:1451 "for 2023-2025": a '-' inside a word is not an exclusion */
        {"2023-2025", "<2023 2025>", ""},
        {"plan 2023-2025", "(OR plan <2023 2025>)", ""},
        /* 000:1266 "$1.3bn" */
        {"$1.3bn", "<1.3 bn>", ""},
        /* 003:1499 "VietnamExpo-2022" */
        {"VietnamExpo-2022", "(ALT vietnamexpo2022 <vietnamexpo 2022>)", ""},
        {"Brazil's", "brazil", ""},
        {"Belarus'", "belarus", ""},
        {"o'clock", "oclock", ""},
        {"C++", "c", ""},
        {"20,000", "20000", ""},
        {"info@belta.by", "<info belta by>", ""},
        {"https://www.belta.by/society", "<https www belta by society>", ""},
        {"U.S.", "<u s>", ""},
        {"-co-operation China", "(OR -(ALT cooperation <co operation>) china)", ""},
        {"+co-operation", "(ALT cooperation <co operation>)", ""},
        {"Camag\xc3\xbc" "ey", "camaguey", ""},
    };
    RUN(t);
}

static void prefixes(void **state)
{
    (void)state;
    static const qcase t[] = {
        {"cooperat*", "cooperat*", ""},
        {"Cooperat**", "cooperat*", ""},
        {"co-op*", "coop*", ""},
        {"ab*", "ab*", ""},
        {"a*", "a", "prefix"},
        {"*", "", ""},
        {"**", "", ""},
        {"1.3b*", "<1.3 b>", "prefix"},
        {"-cooperat* China", "(OR -cooperat* china)", ""},
        {"\xc3\xbc" "b*", "ub*", ""},
    };
    RUN(t);
}

static void filters(void **state)
{
    (void)state;
    static const qcase t[] = {
        {"in:footnotes", "in:footnote", ""},
        {"in:footnote Byal", "(OR +in:footnote byal)", ""},
        {"in:notes Byal", "(OR +in:footnote byal)", ""},
        {"IN:Footnotes Byal", "(OR +in:footnote byal)", ""},
        {"in:text Byal", "(OR +in:paragraph byal)", ""},
        {"in:paragraphs Byal", "(OR +in:paragraph byal)", ""},
        {"in:bibliography Byal", "(OR +in:bibliography byal)", ""},
        {"-in:footnotes China", "(OR -in:footnote china)", ""},
        {"NOT in:footnotes China", "(OR -in:footnote china)", ""},
        /* several in: filters mean any of those kinds */
        {"in:footnotes in:bibliography Byal", "(OR byal +(OR in:footnote in:bibliography))", ""},
        {"in:footnotes OR in:bibliography", "(OR in:footnote in:bibliography)", ""},
        {"(in:footnotes OR in:bibliography) Byal", "(OR +(OR in:footnote in:bibliography) byal)", ""},
        /* in an OR with other operands a filter still restricts */
        {"Byal OR in:footnotes", "(OR byal +in:footnote)", ""},
        {"Byal OR (in:footnotes OR in:bibliography)", "(OR byal +(OR in:footnote in:bibliography))", ""},
        {"-(in:footnotes OR in:bibliography) Byal", "(OR -in:footnote -in:bibliography byal)", ""},
        /* filters alone, even negated ones, keep the passages that pass them: no warning */
        {"-in:footnotes", "(OR -in:footnote)", ""},
        {"-in:footnotes -China", "(OR -in:footnote -china)", ""},
        {"in:footnotes -China", "(OR +in:footnote -china)", ""},
        {"work:cooperation", "work:cooperation", ""},
        {"work:\"On the Course\" China", "(OR +work:\"on the course\" china)", ""},
        {"chapter:Belarus-China", "chapter:\"belarus china\"", ""},
        {"chapter:\"new era", "chapter:\"new era\"", "unmatched quote"},
        {"work:cooperation work:china", "(OR +work:cooperation +work:china)", ""},
        /* not filters: read as text */
        {"work:", "work", ""},
        {"work: China", "(OR work china)", ""},
        {"in:foo", "<in foo>", ""},
        {"work:...", "", "ignored"},
        {"work:\"\" China", "china", "ignored"},
        /* a filter inside a group restricts that group */
        {"(in:footnotes Byal) OR China", "(OR (OR +in:footnote byal) china)", ""},
    };
    RUN(t);
}

static void near(void **state)
{
    (void)state;
    static const qcase t[] = {
        {"potash NEAR Brazil", "(NEAR/10 potash brazil)", ""},
        {"potash NEAR/5 Brazil", "(NEAR/5 potash brazil)", ""},
        {"a NEAR/2000 b", "(NEAR/1000 a b)", ""},
        {"a NEAR/0 b", "(NEAR/1 a b)", ""},
        {"a NEAR/3 \"b c\"", "(NEAR/3 a \"b c\")", ""},
        {"a NEAR/2 b NEAR/4 c", "(NEAR/4 a b c)", ""},
        {"co-operation NEAR/5 Vietnam", "(NEAR/5 cooperation vietnam)", ""},
        {"2023-2025 NEAR plan", "(NEAR/10 <2023 2025> plan)", ""},
        {"x potash NEAR/5 Brazil", "(OR x (NEAR/5 potash brazil))", ""},
        {"-potash NEAR/5 Brazil x", "(OR -(NEAR/5 potash brazil) x)", ""},
        {"a NEAR b AND c", "(OR +(NEAR/10 a b) +c)", ""},
        /* operands that are not words or phrases: AND */
        {"a NEAR (b c)", "(OR +a +(OR b c))", "NEAR"},
        {"cooperat* NEAR b", "(OR +cooperat* +b)", "NEAR"},
        /* NEAR without two operands is a word */
        {"NEAR a", "(OR near a)", ""},
        {"a NEAR", "(OR a near)", ""},
        {"a NEAR/3", "(OR a <near 3>)", ""},
        {"a NEAR -b", "(OR a near -b)", ""},
        {"a NEAR/x b", "(OR a <near x> b)", ""},
        {"a NEAR ... b", "(OR a b)", ""},
    };
    RUN(t);
}

static void odd_inputs_are_text(void **state)
{
    (void)state;
    static const qcase t[] = {
        {"", "", ""},
        {"   \t\n", "", ""},
        {"...", "", ""},
        {"- + ( ) \" '", "", NULL},
        {"\"unclosed phrase", "\"unclosed phrase\"", "unmatched quote"},
        {"a \"b c", "(OR a \"b c\")", "unmatched quote"},
        {"(a b", "(OR a b)", "missing ')'"},
        {"((a", "a", "missing ')'"},
        {"a b)", "(OR a b)", "unmatched ')'"},
        {")))a", "a", "unmatched ')'"},
        {"()", "", ""},
        {"( )", "", ""},
        /* operators without operands are words */
        {"AND", "and", ""},
        {"AND a", "(OR and a)", ""},
        {"a AND", "(OR a and)", ""},
        {"a OR OR b", "(OR a or b)", ""},
        {"a AND OR b", "(OR a and b)", ""},
        {"OR", "or", ""},
        {"NOT", "not", ""},
        {"a NOT", "(OR a not)", ""},
        {"(AND a)", "(OR and a)", ""},
        {"a AND )", "(OR a and)", "unmatched ')'"},
        {"a AND ... b", "(OR a b)", ""},
        /* lone signs and signs inside words */
        {"- a", "a", ""},
        {"a -", "a", ""},
        {"a + b", "(OR a b)", ""},
        {"+", "", ""},
        {"-", "", ""},
        {"--a b", "(OR -a b)", ""},
        {"+-a b", "(OR +a b)", ""},
        {"-AND b", "(OR -and b)", ""},
        {"a-b", "(ALT ab <a b>)", ""},
        {"(-a) b", "(OR (OR -a) b)", ""},
        {"x (-a)", "(OR x (OR -a))", ""},
        /* only excluded words: nothing matches */
        {"-x", "(OR -x)", "only excluded"},
        {"-x -y", "(OR -x -y)", "only excluded"},
        {"NOT x", "(OR -x)", "only excluded"},
        /* apostrophes, dots, dashes */
        {"'Great Stone'", "(OR great stone)", ""},
        {"Mr. Lukashenko's", "(OR mr lukashenko)", ""},
        {"a \xe2\x80\x93 b", "(OR a b)", ""},
        /* NUL bytes and invalid UTF-8 separate words */
        {"a\xff" "b", "<a b>", NULL},
    };
    RUN(t);

    ibid_query q;
    const char withnul[] = "a\0b";
    assert_string_equal(render(withnul, 3, &q), "(OR a b)");
    ibid_query_free(&q);
    assert_string_equal(render(NULL, 0, &q), "");
    assert_null(q.root);
    ibid_query_free(&q);
}

/* The node fields behind the renderings: exact flags, offsets, stems, texts, occurs. */
static void node_fields(void **state)
{
    (void)state;
    ibid_query q;
    /* 000:17 "co-operation": BOOL alternatives [TERM joined, PHRASE parts exact 0] */
    assert_int_equal(ibid_query_parse(an, "co-operation", 12, &q), IBID_OK);
    const ibid_qnode *r = q.root;
    assert_int_equal(r->type, IBID_Q_BOOL);
    assert_int_equal(r->alternatives, 1);
    assert_int_equal(r->nchildren, 2);
    assert_int_equal(r->children[0]->type, IBID_Q_TERM);
    assert_int_equal(r->children[0]->exact, 0);
    assert_string_equal(r->children[0]->words[0].form, "cooperation");
    assert_string_equal(r->children[0]->words[0].text, "co-operation");
    assert_int_equal(r->children[0]->occur, IBID_OCCUR_SHOULD);
    assert_int_equal(r->children[1]->type, IBID_Q_PHRASE);
    assert_int_equal(r->children[1]->exact, 0);
    assert_int_equal(r->children[1]->nwords, 2);
    assert_int_equal(r->children[1]->words[0].offset, 0);
    assert_int_equal(r->children[1]->words[1].offset, 1);
    assert_string_equal(r->children[1]->words[1].text, "operation");
    ibid_query_free(&q);

    /* a quoted phrase: exact 1, offsets from the analyzer's positions, stems kept too */
    const char *s = "\"Great Stone residents\"";
    assert_int_equal(ibid_query_parse(an, s, strlen(s), &q), IBID_OK);
    r = q.root;
    assert_int_equal(r->type, IBID_Q_PHRASE);
    assert_int_equal(r->exact, 1);
    assert_int_equal(r->nwords, 3);
    assert_string_equal(r->words[0].text, "Great");
    assert_string_equal(r->words[2].form, "residents");
    assert_string_equal(r->words[2].term, "resid");
    assert_int_equal(r->words[2].offset, 2);
    ibid_query_free(&q);

    /* bare words: TERM exact 0 with their stems */
    s = "Great Stone residents";
    assert_int_equal(ibid_query_parse(an, s, strlen(s), &q), IBID_OK);
    r = q.root;
    assert_int_equal(r->type, IBID_Q_BOOL);
    assert_int_equal(r->alternatives, 0);
    assert_int_equal(r->occur, IBID_OCCUR_SHOULD);
    assert_int_equal(r->nchildren, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(r->children[i]->type, IBID_Q_TERM);
        assert_int_equal(r->children[i]->exact, 0);
        assert_int_equal(r->children[i]->occur, IBID_OCCUR_SHOULD);
    }
    assert_string_equal(r->children[2]->words[0].term, "resid");
    assert_string_equal(r->children[2]->words[0].text, "residents");
    ibid_query_free(&q);

    /* one quoted word: TERM exact 1 */
    assert_int_equal(ibid_query_parse(an, "\"Stone\"", 7, &q), IBID_OK);
    assert_int_equal(q.root->type, IBID_Q_TERM);
    assert_int_equal(q.root->exact, 1);
    ibid_query_free(&q);

    /* prefix: folded form, term == form */
    assert_int_equal(ibid_query_parse(an, "Cooperat*", 9, &q), IBID_OK);
    assert_int_equal(q.root->type, IBID_Q_PREFIX);
    assert_string_equal(q.root->words[0].form, "cooperat");
    assert_string_equal(q.root->words[0].term, "cooperat");
    ibid_query_free(&q);

    /* filters: kind values and folded work/chapter values; filters in the root are MUST */
    s = "in:footnotes chapter:\"New  Era\" park";
    assert_int_equal(ibid_query_parse(an, s, strlen(s), &q), IBID_OK);
    r = q.root;
    assert_int_equal(r->nchildren, 3);
    assert_int_equal(r->children[0]->type, IBID_Q_FILTER);
    assert_int_equal(r->children[0]->filter, IBID_FILTER_KIND);
    assert_string_equal(r->children[0]->value, "footnote");
    assert_int_equal(r->children[0]->occur, IBID_OCCUR_MUST);
    assert_int_equal(r->children[1]->filter, IBID_FILTER_CHAPTER);
    assert_string_equal(r->children[1]->value, "new era");
    assert_int_equal(r->children[1]->occur, IBID_OCCUR_MUST);
    assert_int_equal(r->children[2]->occur, IBID_OCCUR_SHOULD);
    ibid_query_free(&q);

    /* NEAR: children TERM/PHRASE, distance */
    s = "potash NEAR/5 \"Latin America\"";
    assert_int_equal(ibid_query_parse(an, s, strlen(s), &q), IBID_OK);
    r = q.root;
    assert_int_equal(r->type, IBID_Q_NEAR);
    assert_int_equal(r->distance, 5);
    assert_int_equal(r->nchildren, 2);
    assert_int_equal(r->children[0]->type, IBID_Q_TERM);
    assert_int_equal(r->children[1]->type, IBID_Q_PHRASE);
    assert_int_equal(r->children[1]->exact, 1);
    ibid_query_free(&q);

    /* nothing searchable: root NULL, status OK */
    assert_int_equal(ibid_query_parse(an, "... !!", 6, &q), IBID_OK);
    assert_null(q.root);
    ibid_query_free(&q);
    ibid_query_free(&q); /* freeing twice is harmless */
}

static void check_node(const ibid_qnode *n, unsigned depth);

static char *repeat(const char *unit, size_t times, const char *tail, size_t *len)
{
    size_t u = strlen(unit), t = strlen(tail);
    char *s = malloc(u * times + t + 1);
    assert_non_null(s);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * u, unit, u);
    memcpy(s + u * times, tail, t + 1);
    *len = u * times + t;
    return s;
}

static void limits(void **state)
{
    (void)state;
    ibid_query q;
    size_t len;
    /* a 1 MB query */
    char *s = repeat("residents ", 100000, "", &len);
    assert_int_equal(ibid_query_parse(an, s, len, &q), IBID_ELIMIT);
    assert_null(q.root);
    assert_non_null(strstr(q.warning, "65536"));
    ibid_query_free(&q);
    free(s);
    /* 10,000 words in under 64 KiB */
    s = repeat("ab ", 10000, "", &len);
    assert_int_equal(ibid_query_parse(an, s, len, &q), IBID_ELIMIT);
    assert_null(q.root);
    assert_non_null(strstr(q.warning, "too many words"));
    ibid_query_free(&q);
    free(s);
    /* exactly the limit passes; one more fails; phrase words and compound parts count */
    s = repeat("ab ", IBID_MAX_QUERY_TERMS, "", &len);
    assert_int_equal(ibid_query_parse(an, s, len, &q), IBID_OK);
    assert_int_equal(q.root->nchildren, IBID_MAX_QUERY_TERMS);
    ibid_query_free(&q);
    free(s);
    s = repeat("ab ", IBID_MAX_QUERY_TERMS, "cd", &len);
    assert_int_equal(ibid_query_parse(an, s, len, &q), IBID_ELIMIT);
    free(s);
    s = repeat("a-b-c-d-e-f-g-h-", 600, "", &len);
    assert_int_equal(ibid_query_parse(an, s, len, &q), IBID_ELIMIT);
    free(s);
    /* 10,000 nested parentheses: a clear error, no deep recursion */
    s = repeat("(", 10000, "a", &len);
    assert_int_equal(ibid_query_parse(an, s, len, &q), IBID_ELIMIT);
    assert_non_null(strstr(q.warning, "nested"));
    free(s);
    s = repeat("-(", 10000, "a", &len);
    assert_int_equal(ibid_query_parse(an, s, len, &q), IBID_ELIMIT);
    free(s);
    /* the maximum depth passes */
    s = repeat("(", IBID_MAX_QUERY_DEPTH, "a", &len);
    assert_int_equal(ibid_query_parse(an, s, len, &q), IBID_OK);
    assert_int_equal(q.root->type, IBID_Q_TERM);
    ibid_query_free(&q);
    free(s);
    /* the deepest tree: every parenthesis level adds a group, an OR, an AND and a NEAR */
    {
        ibid_buf deep = {0};
        for (int i = 0; i < IBID_MAX_QUERY_DEPTH; i++)
            assert_int_equal(ibid_buf_putc(&deep, '('), IBID_OK);
        assert_int_equal(ibid_buf_putc(&deep, 'a'), IBID_OK);
        for (int i = 0; i < IBID_MAX_QUERY_DEPTH; i++)
            assert_int_equal(ibid_buf_puts(&deep, " NEAR b AND f OR c e)"), IBID_OK);
        assert_int_equal(ibid_query_parse(an, deep.data, deep.len, &q), IBID_OK);
        ibid_buf_free(&deep);
        check_node(q.root, 0);
        ibid_query_free(&q);
    }
    s = repeat("(", IBID_MAX_QUERY_DEPTH + 1, "a", &len);
    assert_int_equal(ibid_query_parse(an, s, len, &q), IBID_ELIMIT);
    free(s);
    /* 10,000 closing parentheses, NOTs, quotes, signs and NEARs are only text or operators */
    s = repeat(")", 10000, "a", &len);
    assert_int_equal(ibid_query_parse(an, s, len, &q), IBID_OK);
    assert_string_equal(q.root->words[0].form, "a");
    ibid_query_free(&q);
    free(s);
    s = repeat("NOT ", 10000, "a b", &len);
    assert_int_equal(ibid_query_parse(an, s, len, &q), IBID_OK);
    assert_int_equal(q.root->nchildren, 2);
    assert_int_equal(q.root->children[0]->occur, IBID_OCCUR_NOT);
    ibid_query_free(&q);
    free(s);
    s = repeat("\"", 10001, "", &len);
    assert_int_equal(ibid_query_parse(an, s, len, &q), IBID_OK);
    assert_null(q.root);
    ibid_query_free(&q);
    free(s);
    s = repeat("a NEAR ", 1000, "b", &len);
    assert_int_equal(ibid_query_parse(an, s, len, &q), IBID_OK);
    assert_int_equal(q.root->type, IBID_Q_NEAR);
    assert_int_equal(q.root->nchildren, 1001);
    ibid_query_free(&q);
    free(s);
    /* the longest accepted query: one over-long word and nothing else */
    s = repeat("a", IBID_MAX_QUERY, "", &len);
    assert_int_equal(ibid_query_parse(an, s, len, &q), IBID_OK);
    assert_null(q.root);
    ibid_query_free(&q);
    free(s);
}

/* Checks the invariants the evaluator relies on. */
static void check_node(const ibid_qnode *n, unsigned depth)
{
    assert_true(depth <= 4 * (IBID_MAX_QUERY_DEPTH + 1));
    assert_true(n->occur == IBID_OCCUR_SHOULD || n->occur == IBID_OCCUR_MUST || n->occur == IBID_OCCUR_NOT);
    switch (n->type) {
    case IBID_Q_TERM:
    case IBID_Q_PREFIX:
        assert_int_equal(n->nwords, 1);
        assert_non_null(n->words[0].form);
        assert_true(n->words[0].form[0] != '\0');
        assert_non_null(n->words[0].term);
        assert_non_null(n->words[0].text);
        break;
    case IBID_Q_PHRASE:
        assert_true(n->nwords >= 2);
        assert_int_equal(n->words[0].offset, 0);
        for (size_t i = 1; i < n->nwords; i++)
            assert_true(n->words[i].offset > n->words[i - 1].offset);
        break;
    case IBID_Q_BOOL:
        assert_true(n->nchildren >= 1);
        for (size_t i = 0; i < n->nchildren; i++)
            check_node(n->children[i], depth + 1);
        break;
    case IBID_Q_NEAR:
        assert_true(n->nchildren >= 2);
        assert_true(n->distance >= 1 && n->distance <= 1000);
        for (size_t i = 0; i < n->nchildren; i++)
            assert_true(n->children[i]->type == IBID_Q_TERM || n->children[i]->type == IBID_Q_PHRASE);
        break;
    case IBID_Q_FILTER:
        assert_non_null(n->value);
        break;
    default:
        fail_msg("bad node type %d", (int)n->type);
    }
}

/* Random byte strings, biased towards the language's special characters, never crash and
   always give a well-formed tree (run this under the ASan+UBSan build too). */
static void random_inputs(void **state)
{
    (void)state;
    static const char *pieces[] = {"(", ")", "\"", "+", "-", "*", " ", "AND", "OR", "NOT", "NEAR",
                                   "NEAR/3", "in:footnotes", "work:", "chapter:", "a", "co-op",
                                   "'", ".", "2023-2025", "\xe2\x80\x9c", "\xc3", "\xbc", "\xff",
                                   "\0", ":", "1.3bn", "Great", "\xe2\x80\x93", "/"};
    const size_t npieces = sizeof pieces / sizeof pieces[0];
    unsigned long seed = 12345;
    char buf[512];
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = 0, want;
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        want = (seed >> 33) % 80;
        while (len < want) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            unsigned r = (unsigned)(seed >> 33);
            if (r % 4 == 0) {
                buf[len++] = (char)(r >> 8);
            } else {
                const char *p = pieces[(r >> 8) % npieces];
                size_t n = p[0] ? strlen(p) : 1;
                if (len + n > sizeof buf)
                    break;
                memcpy(buf + len, p, n);
                len += n;
            }
        }
        ibid_query q;
        int rc = ibid_query_parse(an, buf, len, &q);
        assert_true(rc == IBID_OK || rc == IBID_ELIMIT);
        if (q.root)
            check_node(q.root, 0);
        ibid_buf b = {0};
        assert_int_equal(ibid_query_format(&q, &b), IBID_OK);
        ibid_buf_free(&b);
        ibid_query_free(&q);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(manual_examples),
        cmocka_unit_test(boolean_operators_and_precedence),
        cmocka_unit_test(phrases_and_exact_forms),
        cmocka_unit_test(unquoted_compounds_numbers_and_symbols),
        cmocka_unit_test(prefixes),
        cmocka_unit_test(filters),
        cmocka_unit_test(near),
        cmocka_unit_test(odd_inputs_are_text),
        cmocka_unit_test(node_fields),
        cmocka_unit_test(limits),
        cmocka_unit_test(random_inputs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
