/*
 * test_parse_jsonl.c - the JSON Lines parser (indexer/parse_jsonl.c): the SciFact corpus of
 * ../shared/eval/scifact/docs.jsonl (5,183 documents) and bad lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus_fixture.h"
#include "parse.h"
#include "passage.h"
#include "status.h"

#define SCIFACT IBID_SHARED_DIR "/eval/scifact/docs.jsonl"

/* Collects diagnostics: how many, and the line of each (up to 32). */
typedef struct seen {
    int n;
    long lines[32];
    char last[256];
} seen;

static void collect(void *ctx, const char *file, long line, const char *msg)
{
    seen *s = ctx;
    (void)file;
    if (s->n < 32)
        s->lines[s->n] = line;
    s->n++;
    snprintf(s->last, sizeof s->last, "%s", msg);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void scifact_5183_documents_with_ids(void **state)
{
    (void)state;
    size_t len;
    char *buf = fixture_slurp(SCIFACT, &len);
    seen s = {0};
    ibid_diag d = {collect, &s};
    ibid_parse_ctx ctx = {"docs.jsonl", NULL, &d};
    ibid_passage_list l = {0};
    assert_int_equal(ibid_parse_jsonl(&ctx, buf, len, &l), IBID_OK);
    free(buf);
    assert_int_equal(s.n, 0);
    assert_int_equal(l.n, 5183);
    const char **ids = malloc(l.n * sizeof *ids);
    assert_non_null(ids);
    for (size_t i = 0; i < l.n; i++) {
        const ibid_passage *p = &l.v[i];
        assert_int_equal(p->kind, IBID_KIND_PARAGRAPH);
        assert_int_equal(p->line, (int)i + 1);
        assert_int_equal(p->end_line, p->line);
        assert_null(p->chapter);
        assert_int_equal(p->page, 0);
        assert_int_equal(p->paragraph, 0);
        assert_int_equal(p->footnote, 0);
        assert_int_equal(p->ncites, 0);
        assert_non_null(p->id);
        assert_true(p->id[0] != '\0');
        /* text = title + " " + text */
        assert_true(strncmp(p->text, p->work, strlen(p->work)) == 0);
        assert_null(strstr(p->text, "  "));
        ids[i] = p->id;
    }
    /* the first object (docs.jsonl:1): id "4983", title "Microstructural development of ..." */
    assert_string_equal(l.v[0].id, "4983");
    assert_true(strncmp(l.v[0].work, "Microstructural development of human newborn cerebral white matter", 66) == 0);
    assert_true(strncmp(l.v[0].text + strlen(l.v[0].work), " Alterations of the architecture", 32) == 0);
    qsort(ids, l.n, sizeof *ids, cmp_str);
    for (size_t i = 1; i < l.n; i++)
        assert_true(strcmp(ids[i - 1], ids[i]) != 0);
    free(ids);
    ibid_passages_free(&l);
}

static void bad_lines_are_reported_and_skipped(void **state)
{
    (void)state;
    const char *text = "{\"id\": 12, \"title\": \"T one\", \"text\": \"x\\ny\"}\n" /* 1: numeric id */
                       "not json\n"                                          /* 2 */
                       "[1, 2]\n"                                            /* 3 */
                       "{\"id\": \"a\"}\n"                                   /* 4: no text */
                       "\n"                                                  /* 5: blank, silent */
                       "{\"id\": \"b\", \"text\": \"no title\"}\r\n"         /* 6: CRLF */
                       "{\"id\": \"c\", \"title\": \"\", \"text\": \"empty title\"}\n" /* 7 */
                       "{\"text\": 5}\n"                                     /* 8: text not a string */
                       "{\"id\": \"d\", \"title\": \"T\", \"text\": \"tail\"}";  /* 9: no final newline */
    seen s = {0};
    ibid_diag d = {collect, &s};
    ibid_parse_ctx ctx = {"dir/corpus.jsonl", NULL, &d};
    ibid_passage_list l = {0};
    assert_int_equal(ibid_parse_jsonl(&ctx, text, strlen(text), &l), IBID_OK);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.lines[0], 2);
    assert_int_equal(s.lines[1], 3);
    assert_int_equal(s.lines[2], 4);
    assert_int_equal(s.lines[3], 8);
    assert_int_equal(l.n, 4);
    assert_string_equal(l.v[0].id, "12");
    assert_string_equal(l.v[0].work, "T one");
    assert_string_equal(l.v[0].text, "T one x y");
    assert_int_equal(l.v[1].line, 6);
    assert_string_equal(l.v[1].work, "corpus"); /* no title: the file's name */
    assert_string_equal(l.v[1].text, "no title");
    assert_string_equal(l.v[2].work, "corpus");
    assert_string_equal(l.v[2].text, "empty title");
    assert_int_equal(l.v[3].line, 9);
    assert_string_equal(l.v[3].file, "dir/corpus.jsonl");
    ibid_passages_free(&l);
}

static void many_bad_lines_are_summarised(void **state)
{
    (void)state;
    ibid_buf b = {0};
    for (int i = 0; i < 1000; i++)
        assert_int_equal(ibid_buf_puts(&b, "oops\n"), IBID_OK);
    seen s = {0};
    ibid_diag d = {collect, &s};
    ibid_parse_ctx ctx = {"bad.jsonl", NULL, &d};
    ibid_passage_list l = {0};
    assert_int_equal(ibid_parse_jsonl(&ctx, b.data, b.len, &l), IBID_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(s.n, 11); /* the first 10, then a count */
    assert_non_null(strstr(s.last, "1000 bad lines"));
    ibid_passages_free(&l);
    ibid_buf_free(&b);
}

static void empty_and_huge_input(void **state)
{
    (void)state;
    ibid_passage_list l = {0};
    ibid_parse_ctx ctx = {"e.jsonl", "Catalog", NULL};
    assert_int_equal(ibid_parse_jsonl(&ctx, "", 0, &l), IBID_OK);
    assert_int_equal(l.n, 0);
    /* a 10 MB text on one line */
    size_t n = 10u << 20;
    char *big = malloc(n + 64);
    assert_non_null(big);
    strcpy(big, "{\"text\": \"");
    size_t k = strlen(big);
    for (size_t i = 0; i < n; i++)
        big[k++] = i % 5 == 4 ? ' ' : 'w';
    strcpy(big + k, "\"}\n");
    assert_int_equal(ibid_parse_jsonl(&ctx, big, strlen(big), &l), IBID_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].work, "Catalog"); /* no title: ctx->work */
    assert_null(l.v[0].id);
    ibid_passages_free(&l);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scifact_5183_documents_with_ids),
        cmocka_unit_test(bad_lines_are_reported_and_skipped),
        cmocka_unit_test(many_bad_lines_are_summarised),
        cmocka_unit_test(empty_and_huge_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
