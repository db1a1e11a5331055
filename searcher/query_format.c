/*
 * query_format.c - a one-line rendering of a parsed query (query.h), for --explain and tests.
 *
 * The grammar of the rendering (every node type has one shape):
 *   TERM      form               (exact = 0: matches the stem)
 *             "form"             (exact = 1: the exact form)
 *   PHRASE    "a b c"            (exact = 1)
 *             <a b c>            (exact = 0: stems; an unquoted word that the analyzer split)
 *             a gap in the offsets (a skipped over-long word) shows as _
 *   PREFIX    form*
 *   BOOL      (OR c1 c2 ...)     each child prefixed by + (MUST), - (NOT) or nothing (SHOULD)
 *             (ALT c1 c2)        alternatives: scores as its best child
 *             (SYN c1 c2 ...)    the variants of a synonyms group (alternatives too)
 *   NEAR      (NEAR/n c1 c2 ...)
 *   FILTER    in:paragraph in:footnote in:bibliography   (IBID_FILTER_KIND, by value)
 *             notin:footnote                             (IBID_FILTER_NOTKIND)
 *             work:value  chapter:value  (quoted when the value has several words)
 * The root's occur is not shown.  Recursion follows the tree, whose depth the parser bounds.
 */
#include <string.h>

#include "buf.h"
#include "query.h"
#include "status.h"

static int put_word_list(ibid_buf *b, const ibid_qnode *n)
{
    int rc = IBID_OK;
    for (size_t i = 0; i < n->nwords && rc == IBID_OK; i++) {
        if (i > 0) {
            uint32_t gap = n->words[i].offset - n->words[i - 1].offset;
            for (uint32_t g = 1; g < gap && g < 64 && rc == IBID_OK; g++)
                rc = ibid_buf_puts(b, " _");
            if (rc == IBID_OK)
                rc = ibid_buf_putc(b, ' ');
        }
        if (rc == IBID_OK)
            rc = ibid_buf_puts(b, n->words[i].form);
    }
    return rc;
}

static int put_filter(ibid_buf *b, const ibid_qnode *n)
{
    const char *v = n->value ? n->value : "";
    switch (n->filter) {
    case IBID_FILTER_KIND:
        return ibid_buf_printf(b, "in:%s", v);
    case IBID_FILTER_NOTKIND:
        return ibid_buf_printf(b, "notin:%s", v);
    case IBID_FILTER_WORK:
    case IBID_FILTER_CHAPTER: {
        const char *name = n->filter == IBID_FILTER_WORK ? "work" : "chapter";
        return ibid_buf_printf(b, strchr(v, ' ') ? "%s:\"%s\"" : "%s:%s", name, v);
    }
    }
    return ibid_buf_puts(b, "?filter");
}

static int put_node(ibid_buf *b, const ibid_qnode *n, int show_occur)
{
    int rc = IBID_OK;
    if (show_occur && n->occur == IBID_OCCUR_MUST)
        rc = ibid_buf_putc(b, '+');
    else if (show_occur && n->occur == IBID_OCCUR_NOT)
        rc = ibid_buf_putc(b, '-');
    if (rc != IBID_OK)
        return rc;
    switch (n->type) {
    case IBID_Q_TERM:
        if (n->nwords == 0)
            return ibid_buf_puts(b, "?term");
        return ibid_buf_printf(b, n->exact ? "\"%s\"" : "%s", n->words[0].form);
    case IBID_Q_PHRASE:
        rc = ibid_buf_putc(b, n->exact ? '"' : '<');
        if (rc == IBID_OK)
            rc = put_word_list(b, n);
        if (rc == IBID_OK)
            rc = ibid_buf_putc(b, n->exact ? '"' : '>');
        return rc;
    case IBID_Q_PREFIX:
        if (n->nwords == 0)
            return ibid_buf_puts(b, "?prefix");
        return ibid_buf_printf(b, "%s*", n->words[0].form);
    case IBID_Q_FILTER:
        return put_filter(b, n);
    case IBID_Q_BOOL:
    case IBID_Q_NEAR:
        if (n->type == IBID_Q_NEAR)
            rc = ibid_buf_printf(b, "(NEAR/%u", (unsigned)n->distance);
        else
            rc = ibid_buf_puts(b, n->synonyms ? "(SYN" : n->alternatives ? "(ALT" : "(OR");
        for (size_t i = 0; i < n->nchildren && rc == IBID_OK; i++) {
            rc = ibid_buf_putc(b, ' ');
            if (rc == IBID_OK)
                rc = put_node(b, n->children[i], n->type == IBID_Q_BOOL);
        }
        if (rc == IBID_OK)
            rc = ibid_buf_putc(b, ')');
        return rc;
    }
    return ibid_buf_puts(b, "?node");
}

int ibid_query_format(const ibid_query *q, struct ibid_buf *buf)
{
    if (!q->root)
        return ibid_buf_puts(buf, "");
    return put_node(buf, q->root, 0);
}
