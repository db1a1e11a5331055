/* passage.c - the passage model: list handling and JSON output (see passage.h). */
#include "passage.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "status.h"

const char *ibid_kind_name(ibid_kind k)
{
    switch (k) {
    case IBID_KIND_FOOTNOTE: return "footnote";
    case IBID_KIND_BIBLIOGRAPHY: return "bibliography";
    case IBID_KIND_PARAGRAPH:
    default: return "paragraph";
    }
}

ibid_passage *ibid_passages_push(ibid_passage_list *list, const ibid_passage *p)
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 64;
        if (cap > SIZE_MAX / sizeof *list->v)
            return NULL;
        ibid_passage *v = realloc(list->v, cap * sizeof *v);
        if (!v)
            return NULL;
        list->v = v;
        list->cap = cap;
    }
    list->v[list->n] = *p;
    return &list->v[list->n++];
}

static int cmp_passage(const void *a, const void *b)
{
    const ibid_passage *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->footnote != y->footnote)
        return x->footnote < y->footnote ? -1 : 1;
    return 0;
}

void ibid_passages_sort(ibid_passage_list *list)
{
    if (list->n > 1)
        qsort(list->v, list->n, sizeof *list->v, cmp_passage);
}

void ibid_passages_free(ibid_passage_list *list)
{
    free(list->v);
    list->v = NULL;
    list->n = list->cap = 0;
    ibid_arena_free(&list->arena);
}

int ibid_passage_json_members(ibid_buf *o, const ibid_passage *p)
{
    int rc = 0;
    rc |= ibid_json_key(o, "kind");
    rc |= ibid_json_str(o, ibid_kind_name(p->kind));
    rc |= ibid_buf_putc(o, ',');
    rc |= ibid_json_key(o, "file");
    rc |= ibid_json_str(o, p->file ? p->file : "");
    rc |= ibid_buf_putc(o, ',');
    rc |= ibid_json_key(o, "line");
    rc |= ibid_json_int(o, p->line, 0);
    rc |= ibid_buf_putc(o, ',');
    rc |= ibid_json_key(o, "end_line");
    rc |= ibid_json_int(o, p->end_line, 0);
    rc |= ibid_buf_putc(o, ',');
    rc |= ibid_json_key(o, "work");
    rc |= ibid_json_str(o, p->work ? p->work : "");
    rc |= ibid_buf_putc(o, ',');
    rc |= ibid_json_key(o, "chapter");
    rc |= ibid_json_str(o, p->chapter);
    rc |= ibid_buf_putc(o, ',');
    rc |= ibid_json_key(o, "page");
    rc |= ibid_json_int(o, p->page, p->page <= 0);
    rc |= ibid_buf_putc(o, ',');
    rc |= ibid_json_key(o, "paragraph");
    rc |= ibid_json_int(o, p->paragraph, p->paragraph <= 0);
    rc |= ibid_buf_putc(o, ',');
    rc |= ibid_json_key(o, "footnote");
    rc |= ibid_json_int(o, p->footnote, p->footnote <= 0);
    rc |= ibid_buf_putc(o, ',');
    rc |= ibid_json_key(o, "cites");
    rc |= ibid_buf_putc(o, '[');
    for (size_t i = 0; i < p->ncites; i++) {
        if (i)
            rc |= ibid_buf_putc(o, ',');
        rc |= ibid_buf_putc(o, '{');
        rc |= ibid_json_key(o, "footnote");
        rc |= ibid_json_int(o, p->cites[i].footnote, 0);
        rc |= ibid_buf_putc(o, ',');
        rc |= ibid_json_key(o, "text");
        rc |= ibid_json_str(o, p->cites[i].text);
        rc |= ibid_buf_putc(o, '}');
    }
    rc |= ibid_buf_putc(o, ']');
    rc |= ibid_buf_putc(o, ',');
    rc |= ibid_json_key(o, "id");
    rc |= ibid_json_str(o, p->id);
    rc |= ibid_buf_putc(o, ',');
    rc |= ibid_json_key(o, "text");
    rc |= ibid_json_str(o, p->text ? p->text : "");
    return rc ? IBID_ENOMEM : IBID_OK;
}

int ibid_passage_json_line(ibid_buf *o, const ibid_passage *p)
{
    if (ibid_buf_putc(o, '{') || ibid_passage_json_members(o, p) || ibid_buf_puts(o, "}\n"))
        return IBID_ENOMEM;
    return IBID_OK;
}
