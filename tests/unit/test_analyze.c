/*
 * test_analyze.c - text analysis (common/analyze.h): tokenizing, folding, stemming, positions.
 *
 * Most fixtures are lines of the bundled corpus, read from corpus/ at the cited file:line
 * (docs/text-analysis.md lists the rules; ../shared/docs/corpus-format.md §4, §6 the issues).
 * A token stream is written as "form@pos" with "+" for IBID_TOK_JOINED and "#" for
 * IBID_TOK_NUMBER, e.g. "co@0 operation@1 cooperation@0+".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "analyze.h"
#include "corpus_fixture.h"
#include "status.h"
#include "stem.h"
#include "tokenize.h"

#define CORPUS IBID_SOURCE_DIR "/corpus/"
#define F000 CORPUS "000_b36bc166d576b6e2.txt"
#define F001 CORPUS "001_75613f31623f3fe6.txt"
#define F002 CORPUS "002_8ab7396e8091a3d3.txt"
#define F003 CORPUS "003_9f3c7597e57b37f0.txt"
#define F004 CORPUS "004_4af837fc92f3f660.txt"

/* ---- helpers ---------------------------------------------------------------------------- */

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
    an = NULL;
    return 0;
}

/* Line n (1-based) of a corpus file, without its newline, into out (cap bytes). */
static const char *corpus_line(const char *path, long n, char *out, size_t cap)
{
    size_t len;
    char *text = fixture_slurp(path, &len);
    const char *p = text;
    for (long i = 1; i < n; i++) {
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    const char *e = strchr(p, '\n');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    assert_true(l < cap);
    memcpy(out, p, l);
    out[l] = '\0';
    free(text);
    return out;
}

/* Analyzes text and writes the token stream as "form@pos[+][#] ..." into out. */
static const char *stream(const char *text, size_t len, char *out, size_t cap)
{
    ibid_analyzer_reset(an, text, len);
    ibid_token t;
    int r;
    size_t k = 0;
    out[0] = '\0';
    while ((r = ibid_analyzer_next(an, &t)) == 1) {
        int w = snprintf(out + k, cap - k, "%s%s@%u%s%s", k ? " " : "", t.form, (unsigned)t.pos,
                         (t.flags & IBID_TOK_JOINED) ? "+" : "", (t.flags & IBID_TOK_NUMBER) ? "#" : "");
        assert_true(w > 0 && (size_t)w < cap - k);
        k += (size_t)w;
    }
    assert_int_equal(r, 0);
    return out;
}

static const char *streamz(const char *text)
{
    static char out[8192];
    return stream(text, strlen(text), out, sizeof out);
}

/* Same, but "form>term" for every token (no positions). */
static const char *terms(const char *text)
{
    static char out[4096];
    ibid_analyzer_reset(an, text, strlen(text));
    ibid_token t;
    int r;
    size_t k = 0;
    out[0] = '\0';
    while ((r = ibid_analyzer_next(an, &t)) == 1) {
        assert_int_equal(strlen(t.term), t.term_len);
        int w = snprintf(out + k, sizeof out - k, "%s%s>%s", k ? " " : "", t.form, t.term);
        assert_true(w > 0 && (size_t)w < sizeof out - k);
        k += (size_t)w;
    }
    assert_int_equal(r, 0);
    return out;
}

/* Does the token stream of corpus line file:n contain want (a substring of the stream)? */
static void line_has(const char *path, long n, const char *want)
{
    char line[4096], out[8192];
    corpus_line(path, n, line, sizeof line);
    stream(line, strlen(line), out, sizeof out);
    if (!strstr(out, want))
        fail_msg("%s:%ld: stream \"%s\" lacks \"%s\"", path, n, out, want);
}

/* ---- step 2: folding -------------------------------------------------------------------- */

static void fold_strips_diacritics_and_case(void **state)
{
    (void)state;
    char out[IBID_MAX_TERM + 1];
    /* 001:1911 Camagüey; 001:1921 Raúl Roa García; 002:1442 Bücher */
    assert_int_equal(ibid_fold_word("Camag\xc3\xbc" "ey", 9, out, sizeof out), 8);
    assert_string_equal(out, "camaguey");
    assert_int_equal(ibid_fold_word("Ra\xc3\xba" "l", 5, out, sizeof out), 4);
    assert_string_equal(out, "raul");
    assert_int_equal(ibid_fold_word("B\xc3\xbc" "cher", 7, out, sizeof out), 6);
    assert_string_equal(out, "bucher");
    /* decomposed input (u + COMBINING DIAERESIS) folds alike */
    assert_int_equal(ibid_fold_word("Camagu\xcc\x88" "ey", 10, out, sizeof out), 8);
    assert_string_equal(out, "camaguey");
    /* NFKC and full case folding: ligature fi, sharp s, superscript two, Cyrillic */
    assert_int_equal(ibid_fold_word("\xef\xac\x81ne", 5, out, sizeof out), 4);
    assert_string_equal(out, "fine");
    assert_int_equal(ibid_fold_word("Stra\xc3\x9f" "e", 7, out, sizeof out), 7);
    assert_string_equal(out, "strasse");
    assert_int_equal(ibid_fold_word("\xc2\xb2", 2, out, sizeof out), 1);
    assert_string_equal(out, "2");
    assert_int_equal(ibid_fold_word("\xd0\xa1", 2, out, sizeof out), 2); /* С (001:629) -> с */
    assert_string_equal(out, "\xd1\x81");
    /* soft hyphen is default-ignorable */
    assert_int_equal(ibid_fold_word("co\xc2\xad" "operation", 13, out, sizeof out), 11);
    assert_string_equal(out, "cooperation");
}

static void fold_matches_utf8proc_map(void **state)
{
    (void)state;
    const char *words[] = {"Camag\xc3\xbc" "ey", "Vitebskto\xc5\x99", "predpri\xd1\x8f\xd1\x82\xd0\xb8\xd0\xb5",
                           "\xef\xac\x81" "ANCE", "\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8", "\xc3\x85ngstr\xc3\xb6m"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        utf8proc_uint8_t *ref = NULL;
        utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)words[i], (utf8proc_ssize_t)strlen(words[i]), &ref,
                                          UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                                              UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
        assert_true(n > 0);
        char out[IBID_MAX_TERM + 1];
        assert_int_equal(ibid_fold_word(words[i], strlen(words[i]), out, sizeof out), n);
        assert_string_equal(out, (const char *)ref);
        free(ref);
    }
}

static void fold_limits_and_invalid_bytes(void **state)
{
    (void)state;
    char out[IBID_MAX_TERM + 1], big[300];
    memset(big, 'A', sizeof big);
    assert_int_equal(ibid_fold_word(big, IBID_MAX_TERM, out, sizeof out), IBID_MAX_TERM);
    assert_int_equal(ibid_fold_word(big, IBID_MAX_TERM + 1, out, sizeof out), IBID_ELIMIT);
    assert_int_equal(ibid_fold_word(big, sizeof big, out, sizeof out), IBID_ELIMIT);
    assert_int_equal(ibid_fold_word("abc", 3, out, 3), IBID_ELIMIT); /* no room for the NUL */
    assert_int_equal(ibid_fold_word("abc", 3, out, 0), IBID_ELIMIT);
    assert_int_equal(ibid_fold_word("", 0, out, sizeof out), 0);
    assert_string_equal(out, "");
    /* invalid bytes are skipped: a lone continuation, an overlong '/', a surrogate, a cut é */
    assert_int_equal(ibid_fold_word("a\x80" "b\xc0\xaf" "c\xed\xa0\x80" "D\xc3", 11, out, sizeof out), 4);
    assert_string_equal(out, "abcd");
    assert_int_equal(ibid_fold_word("\xc2\xad", 2, out, sizeof out), 0); /* only a soft hyphen */
}

/* ---- step 1: the token rules ------------------------------------------------------------ */

static void diacritics_fold_in_text(void **state)
{
    (void)state;
    line_has(F001, 1911, "the@2 university@3 of@4 camaguey@5 it@6");
    line_has(F001, 1909, "the@1 jose@2 antonio@3 echeverria@4");
    line_has(F001, 1921, "the@3 raul@4 roa@5 garcia@6 higher@7");
}

static void possessives_and_apostrophes(void **state)
{
    (void)state;
    line_has(F000, 56, "belarus@0 trade@1 turnover@2");      /* Belarus' */
    line_has(F000, 142, "to@7 brazil@8 ever@9 growing@10 evergrowing@9+ demand@11"); /* Brazil's */
    line_has(F000, 39, "the@5 region@6 countries@7");        /* region's */
    assert_string_equal(streamz("o'clock don\xe2\x80\x99t it\xca\xbcs 1990's"), "oclock@0 dont@1 it@2 1990@3#");
    /* quotes and doubled quotes separate: 000:292 "Minskintercaps""10 */
    line_has(F000, 292, "minskintercaps@0 10@1# in@2 addition@3");
    assert_string_equal(streamz("'quoted' ''x'' 's s'"), "quoted@0 x@1 s@2 s@3");
    /* the 's is in the span but not in the form */
    ibid_token t;
    ibid_analyzer_reset(an, "Brazil's", 8);
    assert_int_equal(ibid_analyzer_next(an, &t), 1);
    assert_string_equal(t.form, "brazil");
    assert_int_equal(t.start, 0);
    assert_int_equal(t.end, 8);
}

static void hyphen_compounds(void **state)
{
    (void)state;
    /* 000:17 "concrete trade and economic co-operation." */
    line_has(F000, 17, "economic@3 co@4 operation@5 cooperation@4+");
    assert_string_equal(terms("co-operation"), "co>co operation>oper cooperation>cooper");
    /* 000:853-855 pulp-and-paper (joined across the line end by the parser) */
    assert_string_equal(streamz("pulp-and-paper mill"), "pulp@0 and@1 paper@2 pulpandpaper@0+ mill@3");
    /* 003:1499 VietnamExpo-2022: letter/digit part, no camel-case split */
    line_has(F003, 1499, "vietnamexpo@0 2022@1# vietnamexpo2022@0+# electronic@2");
    /* 000:1276 e-commerce */
    line_has(F000, 1276, "logistics@0 e@1 commerce@2 ecommerce@1+ fine@3");
    /* 000:1049 Gomel-Raton */
    line_has(F000, 1049, "fez@2 gomel@3 raton@4 gomelraton@3+ and@5");
    /* U+2010 HYPHEN and U+2011 NON-BREAKING HYPHEN are hyphens */
    assert_string_equal(streamz("co\xe2\x80\x90operation co\xe2\x80\x91op"),
                        "co@0 operation@1 cooperation@0+ co@2 op@3 coop@2+");
    /* a soft hyphen joins without making parts */
    assert_string_equal(streamz("co\xc2\xad" "operation"), "cooperation@0");
    /* a single-part word never gets a joined form; neither does a letter/digit split */
    assert_string_equal(streamz("operation 1.3bn Br200"), "operation@0 1.3@1# bn@2 br@3 200@4#");
}

static void dashes_are_not_compounds(void **state)
{
    (void)state;
    /* 000:917 "whole-milk products - " : a spaced hyphen is a dash */
    line_has(F000, 917, "of@6 whole@7 milk@8 wholemilk@7+ products@9");
    assert_string_equal(streamz("products - milk -milk milk- --x x--y"),
                        "products@0 milk@1 milk@2 milk@3 x@4 x@5 y@6");
    /* 000:1892 open compound "bio- and digital technologies" */
    line_has(F000, 1892, "of@2 bio@3 and@4 digital@5 technologies@6 67@7# fourth@8");
    /* 002:683 en dash "facilities – a stadium" */
    line_has(F002, 683, "sports@111 facilities@112 a@113 stadium@114 and@115 a@116 swimming@117");
    assert_string_equal(streamz("facilities \xe2\x80\x93 a stadium em\xe2\x80\x94" "dash"),
                        "facilities@0 a@1 stadium@2 em@3 dash@4");
}

static void numbers(void **state)
{
    (void)state;
    line_has(F000, 1266, "volume@0 of@1 1.3@2# bn@3 47@4# it@5");  /* $1.3bn"47 */
    line_has(F000, 251, "machine@3 building@4 machinebuilding@3+ sector@5 for@6 reference@7 more@8 than@9 20000@10#"); /* 20,000 */
    line_has(F000, 39, "totalled@10 715.5@11#");                    /* $715.5 */
    /* 000:1451 2023-2025: a hyphen between digits is a range, no joined form */
    line_has(F000, 1451, "for@7 2023@8# 2025@9# which@10");
    assert_string_equal(streamz("1,2,3 1,234,567.5 12,5 12.05.2023. in 2023. .5 3.x"),
                        "1@0# 2@1# 3@2# 1234567.5@3# 12@4# 5@5# 12.05.2023@6# in@7 2023@8# 5@9# 3@10# x@11");
    assert_string_equal(streamz("$ 1 billion 50% (c)2023"), "1@0# billion@1 50@2# c@3 2023@4#");
    /* a range inside a compound ends the compound */
    assert_string_equal(streamz("covid-19-related VietnamExpo-2022-2023"),
                        "covid@0 19@1# related@2 covid19related@0+# vietnamexpo@3 2022@4# vietnamexpo2022@3+# 2023@5#");
}

static void separators_and_other_scripts(void **state)
{
    (void)state;
    /* 000:742 "26 �. Rachkov" and 004:496 "���": U+FFFD separates and is no token */
    line_has(F000, 742, "26@0# rachkov@1 belarus@2");
    char line[256], out[256];
    corpus_line(F004, 496, line, sizeof line);
    assert_string_equal(stream(line, strlen(line), out, sizeof out), "");
    assert_string_equal(streamz("a\xef\xbf\xbd" "b"), "a@0 b@1");
    /* 000:1024 "<...>" is nothing */
    line_has(F000, 1024, "flagships@0 7@1# major@2 enterprises@3 expressed@4 their@5 interest@6 in@7 participating@8");
    assert_string_equal(streamz("<...> x <...>"), "x@0");
    /* 002:73 "Copyright © Boris Zalessky" */
    line_has(F002, 73, "copyright@0 boris@1 zalessky@2");
    /* 002:1285 predpriятие and 002:691 kрупnyh are one token each */
    line_has(F002, 1285, "kitajskoe@28 predpri\xd1\x8f\xd1\x82\xd0\xb8\xd0\xb5@29 po@30");
    line_has(F002, 691, "realizatsii@33 k\xd1\x80\xd1\x83\xd0\xbfnyh@34 proektov@35");
    /* 001:629 "С. 103": Cyrillic Es is a letter, lower-cased */
    line_has(F001, 629, "realism@1 b@2 zaleskii@3 lap@4 lambert@5 academic@6 publishing@7 2023@8# \xd1\x81@9 103@10#");
    /* a combining mark continues a word but never starts one */
    assert_string_equal(streamz("Camagu\xcc\x88" "ey \xcc\x88x"), "camaguey@0 x@1");
}

static void long_words_keep_their_position(void **state)
{
    (void)state;
    char text[512], out[1024], want[256];
    char w64[IBID_MAX_TERM + 1], w65[IBID_MAX_TERM + 2];
    memset(w64, 'w', IBID_MAX_TERM);
    w64[IBID_MAX_TERM] = '\0';
    memset(w65, 'v', IBID_MAX_TERM + 1);
    w65[IBID_MAX_TERM + 1] = '\0';
    snprintf(text, sizeof text, "a %s b %s c", w65, w64);
    snprintf(want, sizeof want, "a@0 b@2 %s@3 c@4", w64);
    assert_string_equal(stream(text, strlen(text), out, sizeof out), want);
    /* a too-long part: the other parts stay, the joined form goes */
    snprintf(text, sizeof text, "x-%s-y z", w65);
    assert_string_equal(stream(text, strlen(text), out, sizeof out), "x@0 y@2 z@3");
    /* parts that fit but a joined form that does not */
    snprintf(text, sizeof text, "%.40s-%.40s z", w64, w64);
    snprintf(want, sizeof want, "%.40s@0 %.40s@1 z@2", w64, w64);
    assert_string_equal(stream(text, strlen(text), out, sizeof out), want);
    /* 40 x "é": 80 bytes in, 40 bytes folded: indexed */
    size_t k = 0;
    for (int i = 0; i < 40; i++) {
        text[k++] = '\xc3';
        text[k++] = '\xa9';
    }
    memcpy(text + k, " q", 3);
    snprintf(want, sizeof want, "%.40s@0 q@1", "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
    assert_string_equal(stream(text, strlen(text), out, sizeof out), want);
    /* a megabyte-long run of letters and of digits */
    size_t n = 1 << 20;
    char *huge = malloc(2 * n + 8);
    assert_non_null(huge);
    memset(huge, 'x', n);
    memcpy(huge + n, " ok ", 4);
    memset(huge + n + 4, '7', n);
    memcpy(huge + 2 * n + 4, " end", 4);
    assert_string_equal(stream(huge, 2 * n + 8, out, sizeof out), "ok@1 end@3");
    free(huge);
}

static void invalid_utf8_and_empty_input(void **state)
{
    (void)state;
    assert_string_equal(streamz("x\xffy \xc0\xaf z\xed\xa0\x80w abc\xc3"), "x@0 y@1 z@2 w@3 abc@4");
    /* a truncated sequence right after a letter, at the very end */
    assert_string_equal(streamz("\xe2\x80"), "");
    ibid_token t;
    ibid_analyzer_reset(an, "", 0);
    assert_int_equal(ibid_analyzer_next(an, &t), 0);
    assert_int_equal(ibid_analyzer_next(an, &t), 0);
    ibid_analyzer_reset(an, NULL, 0);
    assert_int_equal(ibid_analyzer_next(an, &t), 0);
    assert_string_equal(streamz(" ,.;:-'\"()[]<>\t\n"), "");
    /* a length shorter than the string: nothing past it is read */
    char out[64];
    assert_string_equal(stream("co-operation", 3, out, sizeof out), "co@0");
    assert_string_equal(stream("Brazil's", 7, out, sizeof out), "brazil@0");
}

/* Offsets map back to the input: the bytes of every token fold to its form once apostrophes
   and thousands commas are removed; positions are consecutive; JOINED spans its parts. */
static void offsets_map_back_to_input(void **state)
{
    (void)state;
    const char *files[] = {F000, F001, F002, F003, F004};
    for (size_t fi = 0; fi < 5; fi++) {
        size_t len;
        char *text = fixture_slurp(files[fi], &len);
        ibid_analyzer_reset(an, text, len);
        ibid_token t;
        int r;
        uint32_t next_pos = 0, last_start = 0;
        uint32_t last_end = 0;
        int have_part = 0;
        size_t ntok = 0, joined_coop = 0;
        while ((r = ibid_analyzer_next(an, &t)) == 1) {
            ntok++;
            assert_true(t.form_len > 0 && t.form_len <= IBID_MAX_TERM);
            assert_int_equal(strlen(t.form), t.form_len);
            assert_int_equal(strlen(t.term), t.term_len);
            assert_true(t.start < t.end && t.end <= len);
            if (t.flags & IBID_TOK_JOINED) {
                assert_true(have_part);
                assert_true(t.pos < next_pos);
                assert_int_equal(t.end, last_end); /* right after its last part */
                if (strcmp(t.form, "cooperation") == 0)
                    joined_coop++;
                continue;
            }
            assert_true(t.pos >= next_pos); /* skipped long words may leave gaps */
            assert_true(t.start >= last_start);
            next_pos = t.pos + 1;
            last_start = t.start;
            last_end = t.end;
            have_part = 1;
            /* the span, cleaned, folds to the form: drop a possessive 's, apostrophes, commas */
            char raw[512], folded[IBID_MAX_TERM + 1];
            uint32_t end = t.end;
            if (end - t.start >= 3 && (text[end - 1] | 0x20) == 's' && text[end - 2] == '\'')
                end -= 2;
            size_t k = 0;
            for (uint32_t i = t.start; i < end && k < sizeof raw; i++) {
                unsigned char c = (unsigned char)text[i];
                if (c == '\'' || c == ',')
                    continue;
                raw[k++] = (char)c;
            }
            int fl = ibid_fold_word(raw, k, folded, sizeof folded);
            assert_int_equal(fl, (int)t.form_len);
            assert_string_equal(folded, t.form);
        }
        assert_int_equal(r, 0);
        assert_true(ntok > 10000);
        if (fi == 0) {
            /* every mid-line "co-operation" of 000 gives the joined form */
            size_t want = 0;
            for (const char *p = text; (p = strstr(p, "o-operation")) != NULL; p++)
                if (p > text && (p[-1] == 'c' || p[-1] == 'C'))
                    want++;
            assert_true(want >= 40);
            assert_int_equal(joined_coop, want);
        }
        free(text);
    }
}

/* JOINED tokens: position and span of the first part, span to the end of the last. */
static void joined_token_fields(void **state)
{
    (void)state;
    const char *s = "joint co-operation.";
    ibid_analyzer_reset(an, s, strlen(s));
    ibid_token t;
    assert_int_equal(ibid_analyzer_next(an, &t), 1);
    assert_string_equal(t.form, "joint");
    assert_int_equal(ibid_analyzer_next(an, &t), 1);
    assert_string_equal(t.form, "co");
    assert_int_equal(t.pos, 1);
    assert_int_equal(t.start, 6);
    assert_int_equal(t.end, 8);
    assert_int_equal(t.flags, 0);
    assert_int_equal(ibid_analyzer_next(an, &t), 1);
    assert_string_equal(t.form, "operation");
    assert_int_equal(t.pos, 2);
    assert_int_equal(t.start, 9);
    assert_int_equal(t.end, 18);
    assert_int_equal(ibid_analyzer_next(an, &t), 1);
    assert_string_equal(t.form, "cooperation");
    assert_string_equal(t.term, "cooper");
    assert_int_equal(t.pos, 1);
    assert_int_equal(t.start, 6);
    assert_int_equal(t.end, 18);
    assert_int_equal(t.flags, IBID_TOK_JOINED);
    assert_int_equal(ibid_analyzer_next(an, &t), 0);
    /* offsets of a non-ASCII word: 001:1911 "University of Camagüey." */
    s = "of Camag\xc3\xbc" "ey.";
    ibid_analyzer_reset(an, s, strlen(s));
    assert_int_equal(ibid_analyzer_next(an, &t), 1);
    assert_int_equal(ibid_analyzer_next(an, &t), 1);
    assert_int_equal(t.start, 3);
    assert_int_equal(t.end, 12);
    assert_int_equal(t.form_len, 8);
}

/* Cuts text with the inline fast path (ibid_scan_next) and with the general rules alone
   (ibid_scan_next_general) and demands the same pieces: the fast path lower-cases and copies
   eight bytes at a time, and must agree at every run length and every distance from the end
   of the text (where it falls back to bytes). */
static void expect_same_pieces(const char *text, size_t len)
{
    ibid_scanner fast, gen;
    ibid_piece pf, pg;
    ibid_scan_reset(&fast, text, len);
    ibid_scan_reset(&gen, text, len);
    for (;;) {
        int rf = ibid_scan_next(&fast, &pf);
        int rg = ibid_scan_next_general(&gen, &pg);
        assert_int_equal(rf, rg);
        if (!rf)
            break;
        assert_int_equal(pf.len, pg.len);
        assert_memory_equal(pf.bytes, pg.bytes, pf.len + 1); /* with the NUL */
        assert_int_equal(pf.start, pg.start);
        assert_int_equal(pf.end, pg.end);
        assert_int_equal(pf.kind, pg.kind);
        assert_int_equal(pf.link, pg.link);
        assert_int_equal(pf.ascii, pg.ascii);
        assert_int_equal(pf.too_long, pg.too_long);
        assert_int_equal(fast.i, gen.i);
    }
}

static void scanner_fast_path_matches_general(void **state)
{
    (void)state;
    /* a Gutenberg-like line of the bundled corpus, then every length of a mixed-case run
       (up to past IBID_PIECE_CAP, which makes the piece too long) followed by each kind of
       byte, at every distance from the end of the text */
    char line[512];
    const char *l = corpus_line(F000, 1016, line, sizeof line); /* "telecommunications" */
    expect_same_pieces(l, strlen(l));
    static const char follow[] = " .,'-1\xc3\xa9\x00Zz";
    char text[IBID_PIECE_CAP + 64];
    for (size_t n = 1; n <= IBID_PIECE_CAP + 20; n += n < 40 ? 1 : 13) {
        for (size_t f = 0; f < sizeof follow - 1; f++) {
            for (size_t tail = 0; tail < 12; tail++) {
                size_t k = 0;
                text[k++] = ' ';
                for (size_t q = 0; q < n; q++)
                    text[k++] = (char)((q % 3 == 1 ? 'A' : 'a') + (int)(q * 7 % 26));
                text[k++] = follow[f];
                for (size_t q = 0; q < tail; q++)
                    text[k++] = q % 2 ? 'x' : ' ';
                expect_same_pieces(text, k);
                expect_same_pieces(text, k - tail); /* the run's follower is the last byte */
                expect_same_pieces(text, 1 + n);    /* the run ends the text */
            }
        }
    }
}

/* ---- step 3: stemming ------------------------------------------------------------------- */

static void stems_of_common_words(void **state)
{
    (void)state;
    /* what libstemmer's english (Porter2) gives; the query "Great Stone residents" (issue 3) */
    assert_string_equal(terms("Great Stone residents"), "great>great stone>stone residents>resid");
    assert_string_equal(terms("cooperation operation industrial exchange parks running generously"),
                        "cooperation>cooper operation>oper industrial>industri exchange>exchang parks>park "
                        "running>run generously>generous");
    /* forms with digits are their own term */
    assert_string_equal(terms("2023 1.3 bn"), "2023>2023 1.3>1.3 bn>bn");
    /* the English stemmer leaves a Cyrillic word alone (002:1285) */
    assert_string_equal(terms("predpri\xd1\x8f\xd1\x82\xd0\xb8\xd0\xb5"),
                        "predpri\xd1\x8f\xd1\x82\xd0\xb8\xd0\xb5>predpri\xd1\x8f\xd1\x82\xd0\xb8\xd0\xb5");
}

static void stem_cache_is_consistent(void **state)
{
    (void)state;
    size_t l1, l2;
    const char *a = ibid_analyzer_stem(an, "residents", 9, &l1);
    assert_non_null(a);
    assert_string_equal(a, "resid");
    assert_int_equal(l1, 5);
    const char *b = ibid_analyzer_stem(an, "residents", 9, &l2);
    assert_ptr_equal(a, b); /* served from the cache */
    assert_int_equal(l2, 5);
    /* the analyzer's tokens use the same cache entry */
    ibid_token t;
    ibid_analyzer_reset(an, "Residents", 9);
    assert_int_equal(ibid_analyzer_next(an, &t), 1);
    assert_ptr_equal(t.term, a);
    /* a form with digits is its own term, copied into the cache */
    const char *n = ibid_analyzer_stem(an, "1.3", 3, &l1);
    assert_non_null(n);
    assert_string_equal(n, "1.3");
    assert_int_equal(l1, 3);
    /* a key that is a prefix of another does not collide */
    assert_string_equal(ibid_analyzer_stem(an, "resident", 8, &l1), "resid");
    assert_string_equal(ibid_analyzer_stem(an, "resi", 4, &l1), "resi");
    /* many distinct forms (the table grows several times): each keeps its stem */
    char w[32];
    const char *first[3000];
    for (int i = 0; i < 3000; i++) {
        snprintf(w, sizeof w, "w%cparks%c%c", 'a' + i % 26, 'a' + (i / 26) % 26, 'a' + i / 676);
        first[i] = ibid_analyzer_stem(an, w, strlen(w), &l1);
        assert_non_null(first[i]);
    }
    for (int i = 0; i < 3000; i++) {
        snprintf(w, sizeof w, "w%cparks%c%c", 'a' + i % 26, 'a' + (i / 26) % 26, 'a' + i / 676);
        char stem[64];
        size_t sl;
        snprintf(stem, sizeof stem, "%s", ibid_analyzer_stem(an, w, strlen(w), &sl));
        assert_ptr_equal(ibid_analyzer_stem(an, w, strlen(w), &sl), first[i]);
        assert_string_equal(stem, first[i]);
    }
    /* the stem stays valid after the analyzer moved on */
    assert_string_equal(a, "resid");
    char longform[IBID_MAX_TERM + 1];
    memset(longform, 'x', sizeof longform);
    assert_null(ibid_analyzer_stem(an, longform, IBID_MAX_TERM + 1, &l1)); /* never a term */
}

/* The stem cache's slots hold a form's first 16 bytes inline (common/stem.c): forms of every
   length from 1 to IBID_MAX_TERM, forms that share their first 16 bytes, and the analyzer's
   padded lookup (two masked loads, whatever follows the form in its buffer) must all find the
   same entry as the plain lookup. */
static void stem_cache_inline_keys(void **state)
{
    (void)state;
    ibid_stem_cache *c = ibid_stem_cache_new();
    assert_non_null(c);
    uint32_t id, id2;
    size_t tl, tl2;
    /* 000:1016 "telecommunications"; the singular shares its first 16 bytes (and 17) */
    const char *pl = ibid_stem_cache_get_id(c, "telecommunications", 18, &tl, &id);
    assert_string_equal(pl, "telecommun");
    assert_int_equal(id, 0);
    const char *sg = ibid_stem_cache_get_id(c, "telecommunication", 17, &tl, &id);
    assert_string_equal(sg, "telecommun");
    assert_int_equal(id, 1);
    assert_ptr_not_equal(pl, sg); /* two forms, two entries */
    /* the same 18 letters but the last: a third form */
    assert_non_null(ibid_stem_cache_get_id(c, "telecommunicationz", 18, &tl, &id));
    assert_int_equal(id, 2);
    assert_ptr_equal(ibid_stem_cache_get_id(c, "telecommunications", 18, &tl, &id), pl);
    assert_int_equal(id, 0);

    /* every length: the prefixes of a long word, each found again plain and padded */
    const char *word = "counterrevolutionariesxintergovernmentalxinterdepartmentalxabcdefgh";
    assert_true(strlen(word) >= IBID_MAX_TERM);
    const char *first[IBID_MAX_TERM + 1];
    uint32_t ids[IBID_MAX_TERM + 1];
    for (size_t n = 1; n <= IBID_MAX_TERM; n++) {
        first[n] = ibid_stem_cache_get_id(c, word, n, &tl, &ids[n]);
        assert_non_null(first[n]);
        assert_int_equal(ids[n], 3 + n - 1); /* numbered in order of first sight */
    }
    assert_int_equal(ibid_stem_cache_size(c), 3 + IBID_MAX_TERM);
    char padded[IBID_MAX_TERM + 16];
    for (size_t n = 1; n <= IBID_MAX_TERM; n++) {
        memset(padded, 'q', sizeof padded); /* what follows the form must not matter */
        memcpy(padded, word, n);
        assert_ptr_equal(ibid_stem_cache_get_padded(c, padded, n, &tl, &id), first[n]);
        assert_int_equal(id, ids[n]);
        assert_ptr_equal(ibid_stem_cache_get_id(c, word, n, &tl2, &id2), first[n]);
        assert_int_equal(id2, ids[n]);
        assert_int_equal(tl, tl2);
        assert_int_equal(tl, strlen(first[n]));
    }
    assert_int_equal(ibid_stem_cache_size(c), 3 + IBID_MAX_TERM);
    /* a new form through the padded lookup is the same entry for the plain one */
    memset(padded, 'q', sizeof padded);
    memcpy(padded, "residents", 9);
    const char *r = ibid_stem_cache_get_padded(c, padded, 9, &tl, &id);
    assert_string_equal(r, "resid");
    assert_ptr_equal(ibid_stem_cache_get_id(c, "residents", 9, &tl2, &id2), r);
    assert_int_equal(id, id2);
    ibid_stem_cache_free(c);
}

/* An analyzer reused across texts restarts positions and compounds at every reset. */
static void reset_restarts_everything(void **state)
{
    (void)state;
    ibid_token t;
    ibid_analyzer_reset(an, "co-operation", 12);
    assert_int_equal(ibid_analyzer_next(an, &t), 1);
    assert_int_equal(ibid_analyzer_next(an, &t), 1);
    /* reset before the pending joined form: it must not leak into the next text */
    ibid_analyzer_reset(an, "plain", 5);
    assert_int_equal(ibid_analyzer_next(an, &t), 1);
    assert_string_equal(t.form, "plain");
    assert_int_equal(t.pos, 0);
    assert_int_equal(t.flags, 0);
    assert_int_equal(ibid_analyzer_next(an, &t), 0);
}

/* Random soup of the characters the rules care about (deterministic seed): no crash, and every
   token keeps the invariants of analyze.h; a second pass gives the same stream. */
static void random_text_keeps_invariants(void **state)
{
    (void)state;
    static const char *frag[] = {"a", "Z", "s", "qu", "\xc3\xa9", "\xc3\xbc", "u\xcc\x88", "\xd1\x8f",
                                 "7", "0", "\xc2\xb2", "-", "'", "'s", "\xe2\x80\x99", ".", ",", " ", "\n",
                                 "\xc2\xad", "\xe2\x80\x90", "\xe2\x80\x94", "\xef\xbf\xbd", "\xff", "\xc3",
                                 "\xcc\x88", "$", "<...>", "\"", "\xe2\x80\x8d", "\xef\xac\x81"};
    const size_t nfrag = sizeof frag / sizeof *frag;
    uint64_t rng = 0x9e3779b97f4a7c15ULL;
    char text[4096];
    static char first[65536], second[65536];
    for (int round = 0; round < 300; round++) {
        size_t len = 0;
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t want = (size_t)(rng >> 33) % 2000;
        while (len < want) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            const char *f = frag[(rng >> 33) % nfrag];
            size_t fl = strlen(f);
            if (len + fl >= sizeof text)
                break;
            memcpy(text + len, f, fl);
            len += fl;
        }
        for (int pass = 0; pass < 2; pass++) {
            char *out = pass ? second : first;
            size_t k = 0;
            out[0] = '\0';
            ibid_analyzer_reset(an, text, len);
            ibid_token t;
            int r;
            uint32_t next_pos = 0, last_end = 0;
            int any = 0;
            while ((r = ibid_analyzer_next(an, &t)) == 1) {
                assert_true(t.form_len >= 1 && t.form_len <= IBID_MAX_TERM);
                assert_int_equal(strlen(t.form), t.form_len);
                assert_int_equal(strlen(t.term), t.term_len);
                assert_true(t.start < t.end && t.end <= len);
                for (size_t i = 0; i < t.form_len;) { /* the form is valid UTF-8 */
                    utf8proc_int32_t cp;
                    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)t.form + i,
                                                          (utf8proc_ssize_t)(t.form_len - i), &cp);
                    assert_true(n > 0);
                    i += (size_t)n;
                }
                char again[IBID_MAX_TERM + 1]; /* folding a form changes nothing */
                assert_int_equal(ibid_fold_word(t.form, t.form_len, again, sizeof again), (int)t.form_len);
                assert_string_equal(again, t.form);
                if (t.flags & IBID_TOK_JOINED) {
                    assert_true(any);
                    assert_true(t.pos < next_pos);
                    assert_int_equal(t.end, last_end);
                } else {
                    assert_true(t.pos >= next_pos);
                    assert_true(!any || t.start >= last_end); /* pieces never overlap */
                    next_pos = t.pos + 1;
                    last_end = t.end;
                    any = 1;
                }
                int w = snprintf(out + k, sizeof first - k, "%s/%s@%u:%u-%u,%u ", t.form, t.term, (unsigned)t.pos,
                                 (unsigned)t.start, (unsigned)t.end, t.flags);
                assert_true(w > 0 && (size_t)w < sizeof first - k);
                k += (size_t)w;
            }
            assert_int_equal(r, 0);
        }
        assert_string_equal(first, second);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fold_strips_diacritics_and_case),
        cmocka_unit_test(fold_matches_utf8proc_map),
        cmocka_unit_test(fold_limits_and_invalid_bytes),
        cmocka_unit_test(diacritics_fold_in_text),
        cmocka_unit_test(possessives_and_apostrophes),
        cmocka_unit_test(hyphen_compounds),
        cmocka_unit_test(dashes_are_not_compounds),
        cmocka_unit_test(numbers),
        cmocka_unit_test(separators_and_other_scripts),
        cmocka_unit_test(long_words_keep_their_position),
        cmocka_unit_test(invalid_utf8_and_empty_input),
        cmocka_unit_test(offsets_map_back_to_input),
        cmocka_unit_test(joined_token_fields),
        cmocka_unit_test(scanner_fast_path_matches_general),
        cmocka_unit_test(stems_of_common_words),
        cmocka_unit_test(stem_cache_is_consistent),
        cmocka_unit_test(stem_cache_inline_keys),
        cmocka_unit_test(reset_restarts_everything),
        cmocka_unit_test(random_text_keeps_invariants),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
