/*
 * suggest.c - did-you-mean (see suggest.h for the rules and the cost).
 *
 * The query is cut by the analyzer, exactly as the parser cuts it, so a word is unknown here
 * precisely when it can match nothing.  Candidates come from the forms dictionary through
 * ibid_index_forms_with_prefix (sorted order; an empty prefix visits every form).  The edit
 * distance is the optimal string alignment distance, computed by dynamic programming over two
 * rows plus the row before them (for swaps), abandoned as soon as a whole row exceeds the
 * allowed maximum.
 */
#include "suggest.h"

#include <math.h>
#include <string.h>
#include <utf8proc.h>

#include "status.h"

int ibid_suggest_distance(const char *a, size_t na, const char *b, size_t nb, int max)
{
    enum { W = IBID_MAX_TERM + 2 };
    if (na >= W || nb >= W)
        return max + 1;
    if ((na > nb ? na - nb : nb - na) > (size_t)max)
        return max + 1;
    int r0[W], r1[W], r2[W]; /* rows i-2, i-1, i */
    int *pp = r0, *prev = r1, *cur = r2;
    for (size_t j = 0; j <= nb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= na; i++) {
        cur[0] = (int)i;
        int rowmin = cur[0];
        for (size_t j = 1; j <= nb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
            if (v < rowmin)
                rowmin = v;
        }
        if (rowmin > max)
            return max + 1;
        int *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[nb] > max ? max + 1 : prev[nb];
}

/* A candidate form within the allowed distance. */
typedef struct option {
    char form[IBID_MAX_TERM + 1];
    size_t flen;
    int d;
    size_t p;
    ibid_term_info term;
} option;

enum { MAX_OPTIONS = IBID_SUGGEST_MAX_OPTIONS, MAX_WEIGH_POSTINGS = 20000 };

typedef struct cand {
    const char *w; /* the typed folded form */
    size_t n;
    int maxd;
    int skip_term;     /* 1: the typed word's stem is known; skip forms of that term */
    uint32_t skip_ordinal;
    const ibid_deletions *del; /* the segment's deletions (NULL: none): dead terms are no option */
    option opt[MAX_OPTIONS]; /* the closest (smallest d, then longest p), in sorted form order */
    size_t nopt;
} cand;

/* 1 when a is a better option than b before frequencies are known. */
static int closer(const option *a, const option *b) { return a->d < b->d || (a->d == b->d && a->p > b->p); }

/* 1 when s[0..n) is valid UTF-8 without control characters (a damaged dictionary may hold
   anything; a suggestion is printed and put in JSON). */
static int printable_utf8(const char *s, size_t n)
{
    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t l = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
        if (l <= 0 || cp < 0x20 || cp == 0x7f)
            return 0;
        i += (size_t)l;
    }
    return 1;
}

/* 1 when some live passage holds term t (del: its segment's deletions, may be NULL). */
static int term_live(const ibid_deletions *del, const ibid_term_info *t)
{
    return !del || ibid_deletions_df(del, t->ordinal) < t->df;
}

static int visit(void *ctx, const char *form, size_t fl, const ibid_term_info *t, uint32_t variant)
{
    (void)variant;
    cand *c = ctx;
    if ((c->skip_term && t->ordinal == c->skip_ordinal) || !term_live(c->del, t))
        return 0;
    if (fl > IBID_MAX_TERM || fl + (size_t)c->maxd < c->n || fl > c->n + (size_t)c->maxd ||
        !printable_utf8(form, fl))
        return 0;
    int d = ibid_suggest_distance(c->w, c->n, form, fl, c->maxd);
    if (d == 0 || d > c->maxd)
        return 0;
    option o = {.flen = fl, .d = d, .term = *t};
    memcpy(o.form, form, fl);
    o.form[fl] = '\0';
    while (o.p < c->n && o.p < fl && c->w[o.p] == form[o.p])
        o.p++;
    if (c->nopt < MAX_OPTIONS) {
        c->opt[c->nopt++] = o;
        return 0;
    }
    /* full: replace the farthest option when this one is closer */
    size_t worst = 0;
    for (size_t i = 1; i < c->nopt; i++)
        if (closer(&c->opt[worst], &c->opt[i]))
            worst = i;
    if (closer(&o, &c->opt[worst])) {
        memmove(&c->opt[worst], &c->opt[worst + 1], (c->nopt - worst - 1) * sizeof o);
        c->opt[c->nopt - 1] = o;
    }
    return 0;
}

/* The frequency of a term in the prose: passages that are paragraphs count 1, footnotes and
   bibliography entries 1/4 (their URLs hold transliterations no one types).  At most
   MAX_WEIGH_POSTINGS postings are read; beyond that df stands in. */
static int prose_df(const ibid_index *ix, const ibid_deletions *del, const ibid_term_info *t, double *out)
{
    if (t->df > MAX_WEIGH_POSTINGS) {
        *out = t->df;
        return IBID_OK;
    }
    ibid_postings *pc;
    int rc = ibid_postings_open(ix, t, 0, &pc);
    if (rc < 0)
        return rc;
    double w = 0;
    while (ibid_postings_doc(pc) != IBID_NO_DOC) {
        ibid_passage_meta m;
        uint32_t d = ibid_postings_doc(pc);
        if ((rc = ibid_index_passage_meta(ix, d, &m)) < 0)
            break;
        if (!(del && ibid_deletions_has(del, d)))
            w += m.kind == IBID_KIND_PARAGRAPH ? 1.0 : 0.25;
        if ((rc = ibid_postings_next(pc)) < 0)
            break;
    }
    ibid_postings_close(pc);
    *out = w;
    return rc < 0 ? rc : IBID_OK;
}

static size_t utf8_chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* Scans one index's forms for options close to w[0..n): those sharing its first character,
   or with whole set every form.  skip (may be NULL) is the typed word's own term there. */
static int scan(const ibid_index *ix, const ibid_deletions *del, const char *w, size_t n,
                const ibid_term_info *skip, int whole, cand *c)
{
    c->del = del;
    c->skip_term = skip != NULL;
    c->skip_ordinal = skip ? skip->ordinal : 0;
    c->w = w;
    c->n = n;
    c->maxd = utf8_chars(w, n) <= 4 ? 1 : 2;
    size_t first = 1;
    while (first < n && ((unsigned char)w[first] & 0xC0) == 0x80)
        first++; /* the whole first character */
    int r = ibid_index_forms_with_prefix(ix, whole ? "" : w, whole ? 0 : first, IBID_SUGGEST_MAX_SCAN, visit, c);
    return r < 0 ? r : IBID_OK;
}

/* The deletions of segment i (dels may be NULL: none anywhere). */
static const ibid_deletions *del_of(const ibid_deletions *const *dels, size_t i)
{
    return dels ? dels[i] : NULL;
}

/* The prose frequency of form over every segment's live passages. */
static int form_freq(const ibid_index *const *ix, const ibid_deletions *const *dels, size_t nix, const char *form,
                     size_t fl, double *f)
{
    *f = 0;
    for (size_t i = 0; i < nix; i++) {
        ibid_term_info t;
        uint32_t v;
        double x;
        int r = ibid_index_lookup_form(ix[i], form, fl, &t, &v);
        if (r < 0)
            return r;
        if (r == 0)
            continue;
        if ((r = prose_df(ix[i], del_of(dels, i), &t, &x)) < 0)
            return r;
        *f += x;
    }
    return IBID_OK;
}

/* The best correction of the unknown form w[0..n) over the segments: sets *best (copied,
   NUL-terminated) and returns 1; 0 when none, <0 on error.  skip[i] is the typed word's own
   term in segment i, or NULL. */
static int best_candidate(const ibid_index *const *ix, const ibid_deletions *const *dels, size_t nix,
                          const char *w, size_t n, const ibid_term_info *const *skip, option *best)
{
    cand *c = malloc(sizeof *c * (nix ? nix : 1));
    if (!c)
        return IBID_ENOMEM;
    int r = IBID_OK, found = 0;
    size_t total = 0;
    for (int whole = 0; whole < 2 && total == 0 && r == IBID_OK; whole++)
        for (size_t i = 0; i < nix && r == IBID_OK; i++) {
            memset(&c[i], 0, sizeof c[i]);
            r = scan(ix[i], del_of(dels, i), w, n, skip[i], whole, &c[i]);
            total += c[i].nopt;
        }
    double bestcost = 0;
    for (size_t i = 0; i < nix && r == IBID_OK; i++)
        for (size_t j = 0; j < c[i].nopt && r == IBID_OK; j++) {
            const option *o = &c[i].opt[j];
            if (found && strcmp(o->form, best->form) == 0)
                continue; /* seen in an earlier segment */
            double f;
            if ((r = nix == 1 ? prose_df(ix[0], del_of(dels, 0), &o->term, &f)
                              : form_freq(ix, dels, nix, o->form, o->flen, &f)) < 0)
                break;
            double cost = o->d - 0.5 * (double)o->p / (double)n - 0.3 * log10(1.0 + f);
            if (!found || cost < bestcost - 1e-12 || (cost < bestcost + 1e-12 && strcmp(o->form, best->form) < 0)) {
                bestcost = cost;
                *best = *o;
                found = 1;
            }
        }
    free(c);
    return r < 0 ? r : found;
}

static int is_upper(char ch) { return ch >= 'A' && ch <= 'Z'; }
static int is_lower(char ch) { return ch >= 'a' && ch <= 'z'; }

/* Appends form with the case pattern of the typed bytes t[0..n). */
static int put_cased(ibid_buf *out, const char *form, size_t fl, const char *t, size_t n)
{
    size_t letters = 0, upper = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_upper(t[i]) || is_lower(t[i]))
            letters++;
        if (is_upper(t[i]))
            upper++;
    }
    int all = letters > 1 && upper == letters, cap = n > 0 && is_upper(t[0]);
    for (size_t i = 0; i < fl; i++) {
        char ch = form[i];
        if ((all || (cap && i == 0)) && is_lower(ch))
            ch = (char)(ch - 'a' + 'A');
        if (ibid_buf_putc(out, ch) < 0)
            return IBID_ENOMEM;
    }
    return IBID_OK;
}

/* 1 when text[start, end) is query syntax, not a word to correct: an operator (AND, OR, NOT,
   NEAR, NEAR/n: upper case, docs/query-syntax.md) or a field name (the word before a ':'). */
static int is_syntax(const char *text, size_t len, size_t start, size_t end)
{
    static const char *const ops[] = {"AND", "OR", "NOT", "NEAR"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t n = strlen(ops[i]);
        if (end - start == n && memcmp(text + start, ops[i], n) == 0 &&
            (end == len || text[end] != ':'))
            return 1;
    }
    return end < len && text[end] == ':';
}

int ibid_suggest(const ibid_index *ix, ibid_analyzer *an, const char *text, size_t len,
                 ibid_buf *out, size_t *changed)
{
    return ibid_suggest_multi(&ix, NULL, 1, an, text, len, out, changed);
}

int ibid_suggest_multi(const ibid_index *const *ix, const ibid_deletions *const *dels, size_t nix,
                       ibid_analyzer *an, const char *text, size_t len, ibid_buf *out, size_t *changed)
{
    *changed = 0;
    ibid_buf res = {0};
    size_t copied = 0;
    int rc = IBID_OK;
    ibid_term_info *stems = malloc(sizeof *stems * (nix ? nix : 1));
    const ibid_term_info **skip = malloc(sizeof *skip * (nix ? nix : 1));
    if (!stems || !skip) {
        free(stems);
        free(skip);
        return IBID_ENOMEM;
    }
    ibid_analyzer_reset(an, text, len);
    for (;;) {
        ibid_token t;
        int r = ibid_analyzer_next(an, &t);
        if (r < 0) {
            rc = r;
            break;
        }
        if (r == 0)
            break;
        if ((t.flags & (IBID_TOK_JOINED | IBID_TOK_NUMBER)) ||
            utf8_chars(t.form, t.form_len) < IBID_SUGGEST_MIN_CHARS || t.start < copied ||
            t.end > len || t.end <= t.start || is_syntax(text, len, t.start, t.end))
            continue;
        int known = 0;
        for (size_t i = 0; i < nix && !known && rc == IBID_OK; i++) {
            ibid_term_info ti;
            uint32_t v;
            /* a form or stem that only deleted passages hold is not known */
            if ((r = ibid_index_lookup_form(ix[i], t.form, t.form_len, &ti, &v)) == 1 && term_live(del_of(dels, i), &ti)) {
                known = 1;
                break;
            }
            if (r >= 0 && (r = ibid_index_lookup(ix[i], t.term, t.term_len, &stems[i])) == 1 &&
                !term_live(del_of(dels, i), &stems[i]))
                r = 0;
            if (r < 0)
                rc = r;
            skip[i] = r == 1 ? &stems[i] : NULL;
        }
        if (rc < 0)
            break;
        if (known)
            continue;
        /* copy the token: the analyzer's strings die at the next call */
        char w[IBID_MAX_TERM + 1];
        size_t wn = t.form_len < IBID_MAX_TERM ? t.form_len : IBID_MAX_TERM;
        memcpy(w, t.form, wn);
        uint32_t start = t.start, end = t.end;
        option best;
        if ((r = best_candidate(ix, dels, nix, w, wn, skip, &best)) < 0) {
            rc = r;
            break;
        }
        if (r == 0)
            continue;
        if (ibid_buf_put(&res, text + copied, start - copied) < 0 ||
            put_cased(&res, best.form, best.flen, text + start, end - start) < 0) {
            rc = IBID_ENOMEM;
            break;
        }
        copied = end;
        (*changed)++;
        /* the analyzer was not used by the lookups: its state is intact */
    }
    free(stems);
    free(skip);
    if (rc == IBID_OK && *changed) {
        if (ibid_buf_put(&res, text + copied, len - copied) < 0)
            rc = IBID_ENOMEM;
        else if (!printable_utf8(res.data, res.len))
            *changed = 0; /* the query itself is not clean text: no suggestion */
        else if (ibid_buf_put(out, res.data, res.len) < 0)
            rc = IBID_ENOMEM;
    }
    if (rc != IBID_OK)
        *changed = 0;
    ibid_buf_free(&res);
    return rc;
}
