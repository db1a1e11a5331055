/*
 * output.c - hit formats (see output.h).
 *
 * Each format prints one hit per call; a hit's near-duplicates (issue 6) go with it, in the
 * form its format allows: lines of their own where a line is a record that stays valid
 * (trec: a document of the run; grep: a file:line a tool can open), a column where the
 * record is fixed (tsv), a member in json, "also:" lines in text.
 */
#include "output.h"

#include <string.h>

#include "json.h"
#include "status.h"

#define C_RESET "\033[0m"
#define C_RANK "\033[1m"
#define C_FILE "\033[35m"
#define C_MATCH "\033[1;31m"
#define C_NOTE "\033[32m"

int ibid_output_format_parse(const char *name, ibid_output_format *f)
{
    static const struct { const char *name; ibid_output_format f; } names[] = {
        {"text", IBID_OUT_TEXT}, {"json", IBID_OUT_JSON}, {"jsonl", IBID_OUT_JSON},
        {"tsv", IBID_OUT_TSV},   {"trec", IBID_OUT_TREC}, {"grep", IBID_OUT_GREP}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) {
            *f = names[i].f;
            return 0;
        }
    return -1;
}

/* Appends s[0..n) with tabs, newlines and other control characters as spaces. */
static int put_flat(ibid_buf *b, const char *s, size_t n)
{
    if (ibid_buf_reserve(b, n))
        return IBID_ENOMEM;
    unsigned char *d = (unsigned char *)b->data + b->len; /* a plain map the compiler vectorizes */
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++)
        d[i] = u[i] < 0x20 || u[i] == 0x7f ? ' ' : u[i];
    b->len += n;
    b->data[b->len] = '\0';
    return IBID_OK;
}

static int put_flat_str(ibid_buf *b, const char *s) { return s ? put_flat(b, s, strlen(s)) : IBID_OK; }

/* prefix, then v in decimal (what "%d" prints): the citations' numbers without printf. */
static int put_int(ibid_buf *b, const char *prefix, long v)
{
    char tmp[24], *e = tmp + sizeof tmp, *q = e;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do
        *--q = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        *--q = '-';
    return ibid_buf_puts(b, prefix) | ibid_buf_put(b, q, (size_t)(e - q));
}

static const char *display_file(const ibid_passage *p) { return p->file ? p->file : ""; }

static int put_citation(ibid_buf *b, const ibid_passage *p, int color)
{
    int rc = put_flat_str(b, p->work && *p->work ? p->work : "(untitled)");
    if (p->chapter && *p->chapter) {
        rc |= ibid_buf_puts(b, "; ");
        rc |= put_flat_str(b, p->chapter);
    }
    if (p->page > 0)
        rc |= put_int(b, "; p. ", p->page);
    if (p->paragraph > 0)
        rc |= put_int(b, "; para. ", p->paragraph);
    if (p->footnote > 0)
        rc |= put_int(b, p->kind == IBID_KIND_BIBLIOGRAPHY ? "; bibl. " : "; fn. ", p->footnote);
    rc |= ibid_buf_puts(b, "; ");
    rc |= ibid_buf_puts(b, color ? C_FILE : "");
    rc |= put_flat_str(b, display_file(p));
    rc |= put_int(b, ":", p->line);
    rc |= ibid_buf_puts(b, color ? C_RESET : "");
    return rc ? IBID_ENOMEM : IBID_OK;
}

/* The snippet, with the highlighted ranges marked when color is set. */
static int put_snippet(ibid_buf *b, const ibid_out_hit *h, int color)
{
    const char *t = h->p->text;
    size_t s = h->snip_start, e = h->snip_end, len = strlen(t);
    int rc = s > 0 ? ibid_buf_puts(b, "...") : 0;
    size_t at = s;
    for (size_t i = 0; color && h->highlights && i < h->highlights->n; i++) {
        const ibid_range *r = &h->highlights->v[i];
        if (r->end <= s || r->start >= e)
            continue;
        size_t rs = r->start < s ? s : r->start, re = r->end > e ? e : r->end;
        rc |= put_flat(b, t + at, rs - at);
        rc |= ibid_buf_puts(b, C_MATCH);
        rc |= put_flat(b, t + rs, re - rs);
        rc |= ibid_buf_puts(b, C_RESET);
        at = re;
    }
    rc |= put_flat(b, t + at, e - at);
    if (e < len)
        rc |= ibid_buf_puts(b, "...");
    return rc ? IBID_ENOMEM : IBID_OK;
}

static int put_snippet_json(ibid_buf *b, const ibid_out_hit *h)
{
    const char *t = h->p->text;
    size_t s = h->snip_start, e = h->snip_end, len = strlen(t);
    ibid_buf tmp = {0};
    int rc = 0;
    if (s > 0)
        rc |= ibid_buf_puts(&tmp, "...");
    rc |= ibid_buf_put(&tmp, t + s, e - s);
    if (e < len)
        rc |= ibid_buf_puts(&tmp, "...");
    rc |= ibid_json_strn(b, tmp.data ? tmp.data : "", tmp.len);
    ibid_buf_free(&tmp);
    return rc ? IBID_ENOMEM : IBID_OK;
}

static int hit_text(ibid_buf *b, const ibid_out_hit *h, int color)
{
    const ibid_passage *p = h->p;
    int rc = ibid_buf_printf(b, "%s%zu. [%.3f]%s ", color ? C_RANK : "", h->rank, h->score,
                             color ? C_RESET : "");
    rc |= put_citation(b, p, color);
    rc |= ibid_buf_puts(b, "\n   ");
    rc |= put_snippet(b, h, color);
    rc |= ibid_buf_putc(b, '\n');
    for (size_t i = 0; i < h->ndups; i++) {
        rc |= ibid_buf_printf(b, "   also: [%.3f] ", h->dups[i].score);
        rc |= put_citation(b, h->dups[i].p, color);
        rc |= ibid_buf_putc(b, '\n');
    }
    for (size_t i = 0; i < p->ncites; i++) {
        rc |= ibid_buf_puts(b, color ? "   " C_NOTE : "   ");
        rc |= put_int(b, "[", p->cites[i].footnote);
        rc |= ibid_buf_puts(b, color ? "]" C_RESET " " : "] ");
        rc |= put_flat_str(b, p->cites[i].text ? p->cites[i].text : "(no text in the source)");
        rc |= ibid_buf_putc(b, '\n');
    }
    for (size_t i = 0; h->explain && i < h->explain->n; i++) {
        const ibid_explain_item *x = &h->explain->v[i];
        rc |= ibid_buf_printf(b, "   explain: %.4f = %s (idf %.4f, tf %u, len %u)\n", x->score, x->label,
                              x->idf, x->tf, x->len);
    }
    rc |= ibid_buf_putc(b, '\n');
    return rc ? IBID_ENOMEM : IBID_OK;
}

/* One member of "duplicates": where the copy stands, and its score. */
static int put_dup_json(ibid_buf *b, const ibid_out_dup *d, int comma)
{
    const ibid_passage *p = d->p;
    int rc = ibid_buf_puts(b, comma ? ",{" : "{");
    rc |= ibid_json_key(b, "file");
    rc |= ibid_json_str(b, display_file(p));
    rc |= ibid_buf_putc(b, ',');
    rc |= ibid_json_key(b, "line");
    rc |= ibid_json_int(b, p->line, 0);
    rc |= ibid_buf_putc(b, ',');
    rc |= ibid_json_key(b, "work");
    rc |= p->work ? ibid_json_str(b, p->work) : ibid_buf_puts(b, "null");
    rc |= ibid_buf_putc(b, ',');
    rc |= ibid_json_key(b, "chapter");
    rc |= p->chapter ? ibid_json_str(b, p->chapter) : ibid_buf_puts(b, "null");
    rc |= ibid_buf_putc(b, ',');
    rc |= ibid_json_key(b, "page");
    rc |= ibid_json_int(b, p->page, p->page <= 0);
    rc |= ibid_buf_putc(b, ',');
    rc |= ibid_json_key(b, "paragraph");
    rc |= ibid_json_int(b, p->paragraph, p->paragraph <= 0);
    rc |= ibid_buf_putc(b, ',');
    rc |= ibid_json_key(b, "footnote");
    rc |= ibid_json_int(b, p->footnote, p->footnote <= 0);
    rc |= ibid_buf_putc(b, ',');
    rc |= ibid_json_key(b, "score");
    rc |= ibid_json_double(b, d->score);
    rc |= ibid_buf_putc(b, '}');
    return rc ? IBID_ENOMEM : IBID_OK;
}

static int hit_json(ibid_buf *b, const ibid_out_hit *h)
{
    int rc = ibid_buf_putc(b, '{');
    rc |= ibid_json_key(b, "qid");
    rc |= ibid_json_str(b, h->qid);
    rc |= ibid_buf_putc(b, ',');
    rc |= ibid_json_key(b, "rank");
    rc |= ibid_json_int(b, (long long)h->rank, 0);
    rc |= ibid_buf_putc(b, ',');
    rc |= ibid_json_key(b, "score");
    rc |= ibid_json_double(b, h->score);
    rc |= ibid_buf_putc(b, ',');
    rc |= ibid_passage_json_members(b, h->p);
    rc |= ibid_buf_putc(b, ',');
    rc |= ibid_json_key(b, "snippet");
    rc |= put_snippet_json(b, h);
    rc |= ibid_buf_putc(b, ',');
    rc |= ibid_json_key(b, "highlights");
    rc |= ibid_buf_putc(b, '[');
    for (size_t i = 0; h->highlights && i < h->highlights->n; i++)
        rc |= ibid_buf_printf(b, "%s[%zu,%zu]", i ? "," : "", h->highlights->v[i].start,
                              h->highlights->v[i].end);
    rc |= ibid_buf_putc(b, ']');
    if (h->grouped) {
        rc |= ibid_buf_putc(b, ',');
        rc |= ibid_json_key(b, "duplicates");
        rc |= ibid_buf_putc(b, '[');
        for (size_t i = 0; i < h->ndups; i++)
            rc |= put_dup_json(b, &h->dups[i], i > 0);
        rc |= ibid_buf_putc(b, ']');
    }
    if (h->suggestion) {
        rc |= ibid_buf_putc(b, ',');
        rc |= ibid_json_key(b, "suggestion");
        rc |= ibid_json_str(b, h->suggestion);
    }
    if (h->parsed) {
        rc |= ibid_buf_putc(b, ',');
        rc |= ibid_json_key(b, "query");
        rc |= ibid_json_str(b, h->parsed);
    }
    if (h->explain) {
        rc |= ibid_buf_putc(b, ',');
        rc |= ibid_json_key(b, "explain");
        rc |= ibid_buf_putc(b, '[');
        for (size_t i = 0; i < h->explain->n; i++) {
            const ibid_explain_item *x = &h->explain->v[i];
            rc |= ibid_buf_puts(b, i ? ",{" : "{");
            rc |= ibid_json_key(b, "term");
            rc |= ibid_json_str(b, x->label);
            rc |= ibid_buf_putc(b, ',');
            rc |= ibid_json_key(b, "score");
            rc |= ibid_json_double(b, x->score);
            rc |= ibid_buf_putc(b, ',');
            rc |= ibid_json_key(b, "idf");
            rc |= ibid_json_double(b, x->idf);
            rc |= ibid_buf_putc(b, ',');
            rc |= ibid_json_key(b, "tf");
            rc |= ibid_json_int(b, x->tf, 0);
            rc |= ibid_buf_putc(b, ',');
            rc |= ibid_json_key(b, "len");
            rc |= ibid_json_int(b, x->len, 0);
            rc |= ibid_buf_putc(b, '}');
        }
        rc |= ibid_buf_putc(b, ']');
    }
    rc |= ibid_buf_puts(b, "}\n");
    return rc ? IBID_ENOMEM : IBID_OK;
}

int ibid_output_tsv_header(ibid_buf *b)
{
    return ibid_buf_puts(b, "qid\trank\tscore\tfile\tline\tend_line\tkind\twork\tchapter\tpage\tparagraph\t"
                            "footnote\ttext\tduplicates\n");
}

static int put_int_or_empty(ibid_buf *b, int v) { return v > 0 ? ibid_buf_printf(b, "%d", v) : IBID_OK; }

static int hit_tsv(ibid_buf *b, const ibid_out_hit *h)
{
    const ibid_passage *p = h->p;
    int rc = put_flat_str(b, h->qid);
    rc |= ibid_buf_printf(b, "\t%zu\t%.6f\t", h->rank, h->score);
    rc |= put_flat_str(b, display_file(p));
    rc |= ibid_buf_printf(b, "\t%d\t%d\t%s\t", p->line, p->end_line, ibid_kind_name(p->kind));
    rc |= put_flat_str(b, p->work);
    rc |= ibid_buf_putc(b, '\t');
    rc |= put_flat_str(b, p->chapter);
    rc |= ibid_buf_putc(b, '\t');
    rc |= put_int_or_empty(b, p->page);
    rc |= ibid_buf_putc(b, '\t');
    rc |= put_int_or_empty(b, p->paragraph);
    rc |= ibid_buf_putc(b, '\t');
    rc |= put_int_or_empty(b, p->footnote);
    rc |= ibid_buf_putc(b, '\t');
    rc |= put_flat_str(b, p->text);
    rc |= ibid_buf_putc(b, '\t');
    for (size_t i = 0; i < h->ndups; i++) {
        rc |= ibid_buf_puts(b, i ? "; " : "");
        rc |= put_flat_str(b, display_file(h->dups[i].p));
        rc |= ibid_buf_printf(b, ":%d", h->dups[i].p->line);
    }
    rc |= ibid_buf_putc(b, '\n');
    return rc ? IBID_ENOMEM : IBID_OK;
}

/* TREC columns are split on white space: keep the qid and docid free of it. */
static int put_token(ibid_buf *b, const char *s)
{
    if (ibid_buf_reserve(b, strlen(s)))
        return IBID_ENOMEM;
    for (; *s; s++)
        b->data[b->len++] = (*s == ' ' || (unsigned char)*s < 0x20) ? '_' : *s;
    b->data[b->len] = '\0';
    return IBID_OK;
}

/* One TREC line: passage p at rank with score. */
static int trec_line(ibid_buf *b, const char *qid, const ibid_passage *p, size_t rank, double score)
{
    int rc = put_token(b, qid && *qid ? qid : "1");
    rc |= ibid_buf_puts(b, " Q0 ");
    if (p->id && *p->id) {
        rc |= put_token(b, p->id);
    } else {
        rc |= put_token(b, display_file(p));
        rc |= ibid_buf_printf(b, ":%d", p->line);
    }
    rc |= ibid_buf_printf(b, " %zu %.6f ibid\n", rank, score);
    return rc ? IBID_ENOMEM : IBID_OK;
}

/* The hit, then each copy with the group's score and the following ranks. */
static int hit_trec(ibid_buf *b, const ibid_out_hit *h, size_t rank)
{
    int rc = trec_line(b, h->qid, h->p, rank, h->score);
    for (size_t i = 0; i < h->ndups; i++)
        rc |= trec_line(b, h->qid, h->dups[i].p, rank + 1 + i, h->score);
    return rc ? IBID_ENOMEM : IBID_OK;
}

/* "file:line:" with the file name coloured when color is set. */
static int grep_prefix(ibid_buf *b, const ibid_passage *p, int color)
{
    int rc = ibid_buf_puts(b, color ? C_FILE : "");
    rc |= put_flat_str(b, display_file(p));
    rc |= ibid_buf_puts(b, color ? C_RESET : "");
    rc |= ibid_buf_printf(b, ":%d:", p->line);
    return rc ? IBID_ENOMEM : IBID_OK;
}

/* The hit's line, then "file:line:also: text" for each copy (its text unhighlighted: the
   highlights are the hit's). */
static int hit_grep(ibid_buf *b, const ibid_out_hit *h, int color)
{
    const ibid_passage *p = h->p;
    int rc = grep_prefix(b, p, color);
    if (color) {
        ibid_out_hit whole = *h;
        whole.snip_start = 0;
        whole.snip_end = strlen(p->text);
        rc |= put_snippet(b, &whole, 1);
    } else {
        rc |= put_flat_str(b, p->text);
    }
    rc |= ibid_buf_putc(b, '\n');
    for (size_t i = 0; i < h->ndups; i++) {
        rc |= grep_prefix(b, h->dups[i].p, color);
        rc |= ibid_buf_puts(b, "also: ");
        rc |= put_flat_str(b, h->dups[i].p->text);
        rc |= ibid_buf_putc(b, '\n');
    }
    return rc ? IBID_ENOMEM : IBID_OK;
}

int ibid_output_hit(ibid_buf *b, ibid_output_format f, const ibid_out_hit *h, int color)
{
    return ibid_output_hit_at(b, f, h, color, h->rank);
}

int ibid_output_hit_at(ibid_buf *b, ibid_output_format f, const ibid_out_hit *h, int color,
                       size_t line_rank)
{
    switch (f) {
    case IBID_OUT_JSON: return hit_json(b, h);
    case IBID_OUT_TSV: return hit_tsv(b, h);
    case IBID_OUT_TREC: return hit_trec(b, h, line_rank);
    case IBID_OUT_GREP: return hit_grep(b, h, color);
    case IBID_OUT_TEXT:
    default: return hit_text(b, h, color);
    }
}

int ibid_output_parsed_query(ibid_buf *b, const char *parsed)
{
    int rc = ibid_buf_puts(b, "query: ");
    rc |= put_flat_str(b, parsed);
    rc |= ibid_buf_puts(b, "\n\n");
    return rc ? IBID_ENOMEM : IBID_OK;
}

int ibid_output_query_header(ibid_buf *b, const char *qid, const char *query, int color)
{
    int rc = ibid_buf_printf(b, "%s## %s: ", color ? C_RANK : "", qid);
    rc |= put_flat_str(b, query);
    rc |= ibid_buf_printf(b, "%s\n\n", color ? C_RESET : "");
    return rc ? IBID_ENOMEM : IBID_OK;
}
