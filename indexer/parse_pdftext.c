/*
 * parse_pdftext.c - the parser for `pdftotext -layout` text (parse.h: ibid_parse_pdftext).
 *
 * Runs the steps of parse_pdftext_int.h over one file (layout and pages, chapter titles,
 * footnote markers, footnote units, paragraph starts) and turns the result into passages:
 *   paragraph  body lines from one paragraph start to the next, joined across page breaks
 *              (footnote blocks, titles, page numbers and spacers are not body lines), with
 *              markers removed from the text and listed in cites (with the definition's text,
 *              or NULL when the file has none); chapter = the title before it (NULL before the
 *              first), page = the page of its first line (pt_page_label: the printed number in
 *              form-feed mode, else the counted page), paragraph = its number within the
 *              chapter (or within the file before the first title), from 1.
 *   footnote   a definition with its continuation lines, or a fragment of one whose start is
 *              missing; footnote = its number (0 = null for a fragment nothing numbers), page =
 *              the page of the block it starts in, chapter = that page's chapter.
 * line/end_line are the first and last source lines (a paragraph spanning a page break ends
 * on the next page).  The file's passages are appended in source order.
 */
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parse_pdftext_int.h"
#include "parse_util.h"
#include "status.h"

typedef struct builder {
    ibid_passage_list *out;
    pt_doc *doc;
    const char *file, *work;
    const char **chapters;  /* arena copies of doc->titles */
    const char *note_text[PT_MAX_NOTE + 1]; /* definition texts, by number */
    ibid_buf tmp;
} builder;

static const char *chapter_of(const builder *b, size_t line)
{
    int c = pt_chapter_of_line(b->doc, line);
    return c >= 0 ? b->chapters[c] : NULL;
}

/* Normalises b->tmp and copies it into the arena. */
static const char *finish_text(builder *b)
{
    if (!b->tmp.data && ibid_buf_reserve(&b->tmp, 1))
        return NULL;
    b->tmp.len = pt_normalize(b->tmp.data, b->tmp.len);
    return ibid_arena_strndup(&b->out->arena, b->tmp.data, b->tmp.len);
}

static int emit_notes(builder *b)
{
    pt_doc *doc = b->doc;
    for (size_t k = 0; k < doc->nnotes; k++) {
        const pt_note *n = &doc->notes[k];
        ibid_buf_clear(&b->tmp);
        for (size_t j = 0; j < n->nlines; j++) {
            const pt_line *l = &doc->lines[n->lines[j]];
            size_t skip = j == 0 ? n->skip : 0;
            if (skip > l->n)
                skip = l->n;
            if (pt_append_line(&b->tmp, l->s + skip, l->n - skip, NULL, 0, 1))
                return IBID_ENOMEM;
        }
        const char *text = finish_text(b);
        if (!text)
            return IBID_ENOMEM;
        if (!*text && !n->is_def)
            continue;
        int num = n->num > 0 ? n->num : 0;
        if (n->is_def && num > 0 && num <= PT_MAX_NOTE)
            b->note_text[num] = text;
        ibid_passage p = {
            .kind = IBID_KIND_FOOTNOTE,
            .file = b->file,
            .line = (int)n->first + 1,
            .end_line = (int)n->last + 1,
            .work = b->work,
            .chapter = chapter_of(b, n->first),
            .page = pt_page_label(doc, n->page),
            .footnote = num,
            .text = text,
        };
        if (!ibid_passages_push(b->out, &p))
            return IBID_ENOMEM;
    }
    return IBID_OK;
}

/* One paragraph: body lines doc->body[k0..k1).  *m is the first marker not yet used. */
static int emit_paragraph(builder *b, size_t k0, size_t k1, int number, size_t *m)
{
    pt_doc *doc = b->doc;
    pt_cut cuts[16];
    size_t first_marker = *m, ncites = 0;
    ibid_buf_clear(&b->tmp);
    for (size_t k = k0; k < k1; k++) {
        size_t li = doc->body[k];
        const pt_line *l = &doc->lines[li];
        /* markers are in reading order; skip any on lines before this one */
        while (*m < doc->nmarkers && doc->markers[*m].line < li)
            (*m)++;
        size_t ncuts = 0;
        size_t at = 0; /* bytes of the line already appended (cuts are flushed in groups) */
        while (*m < doc->nmarkers && doc->markers[*m].line == li) {
            if (ncuts == sizeof cuts / sizeof cuts[0]) {
                /* many markers on one line: append what we have and go on */
                size_t upto = cuts[ncuts - 1].end;
                for (size_t c = 0; c < ncuts; c++) {
                    cuts[c].off -= at;
                    cuts[c].end -= at;
                }
                if (pt_append_line(&b->tmp, l->s + at, upto - at, cuts, ncuts, 0))
                    return IBID_ENOMEM;
                at = upto;
                ncuts = 0;
            }
            cuts[ncuts++] = (pt_cut){doc->markers[*m].off, doc->markers[*m].end};
            (*m)++;
            ncites++;
        }
        for (size_t c = 0; c < ncuts; c++) {
            cuts[c].off -= at;
            cuts[c].end -= at;
        }
        if (pt_append_line(&b->tmp, l->s + at, l->n - at, cuts, ncuts, 0))
            return IBID_ENOMEM;
    }
    const char *text = finish_text(b);
    if (!text)
        return IBID_ENOMEM;
    if (!*text && ncites == 0)
        return IBID_OK;
    ibid_cite *cites = NULL;
    if (ncites) {
        cites = ibid_arena_alloc(&b->out->arena, ncites * sizeof *cites);
        if (!cites)
            return IBID_ENOMEM;
        size_t c = 0;
        for (size_t j = first_marker; j < doc->nmarkers && c < ncites; j++) {
            size_t li = doc->markers[j].line;
            if (li < doc->body[k0] || li > doc->body[k1 - 1])
                continue;
            int v = doc->markers[j].num;
            cites[c].footnote = v;
            cites[c].text = v <= PT_MAX_NOTE ? b->note_text[v] : NULL;
            c++;
        }
        ncites = c;
    }
    const pt_line *first = &doc->lines[doc->body[k0]];
    ibid_passage p = {
        .kind = IBID_KIND_PARAGRAPH,
        .file = b->file,
        .line = (int)doc->body[k0] + 1,
        .end_line = (int)doc->body[k1 - 1] + 1,
        .work = b->work,
        .chapter = chapter_of(b, doc->body[k0]),
        .page = pt_page_label(doc, first->page),
        .paragraph = number,
        .cites = ncites ? cites : NULL,
        .ncites = ncites,
        .text = text,
    };
    return ibid_passages_push(b->out, &p) ? IBID_OK : IBID_ENOMEM;
}

static int emit_paragraphs(builder *b)
{
    pt_doc *doc = b->doc;
    size_t m = 0, k0 = 0;
    int number = 0, chapter = -2;
    for (size_t k = 0; k <= doc->nbody; k++) {
        int ch = k < doc->nbody ? pt_chapter_of_line(doc, doc->body[k]) : -3;
        int brk = k == doc->nbody || ch != chapter || pt_starts_paragraph(doc, k);
        if (!brk)
            continue;
        if (k > k0) {
            int rc = emit_paragraph(b, k0, k, ++number, &m);
            if (rc)
                return rc;
        }
        if (ch != chapter) {
            chapter = ch;
            number = 0;
        }
        k0 = k;
    }
    return IBID_OK;
}

int ibid_parse_pdftext(const ibid_parse_ctx *ctx, const char *buf, size_t len, ibid_passage_list *out)
{
    pt_doc doc;
    memset(&doc, 0, sizeof doc);
    doc.buf = buf ? buf : "";
    doc.len = buf ? len : 0;
    builder *b = calloc(1, sizeof *b);
    if (!b)
        return IBID_ENOMEM;
    b->out = out;
    b->doc = &doc;
    size_t start = out->n;
    int rc = pt_layout(&doc);
    if (!rc)
        rc = pt_titles(&doc);
    if (!rc)
        rc = pt_find_markers(&doc);
    if (!rc)
        rc = pt_find_notes(&doc);
    if (!rc) {
        const char *file = ctx && ctx->file ? ctx->file : "";
        b->file = ibid_arena_strndup(&out->arena, file, strlen(file));
        if (ctx && ctx->work)
            b->work = ibid_arena_strndup(&out->arena, ctx->work, strlen(ctx->work));
        else
            b->work = ibid_work_from_filename(&out->arena, file);
        if (!b->file || !b->work)
            rc = IBID_ENOMEM;
    }
    if (!rc && doc.ntitles) {
        b->chapters = ibid_arena_alloc(&out->arena, doc.ntitles * sizeof *b->chapters);
        if (!b->chapters)
            rc = IBID_ENOMEM;
        for (size_t i = 0; !rc && i < doc.ntitles; i++)
            if (!(b->chapters[i] = ibid_arena_strndup(&out->arena, doc.titles[i], strlen(doc.titles[i]))))
                rc = IBID_ENOMEM;
    }
    if (!rc)
        rc = emit_notes(b);
    if (!rc)
        rc = emit_paragraphs(b);
    if (!rc)
        ibid_passages_sort_from(out, start);
    ibid_buf_free(&b->tmp);
    free(b);
    pt_doc_free(&doc);
    return rc;
}
