/*
 * query_parse.c - the query language: from the text a user typed to the AST of query.h.
 *
 * docs/query-syntax.md is the user's manual; this comment is the implementer's.
 *
 * Two passes.  The LEXER cuts the query into lexemes: whitespace separates; a double quote
 * (", or the typographic quotes U+201C U+201D U+201E) opens a quoted span that the next quote
 * closes (or the end of the query, with a warning); '(' and ')' are always lexemes of their
 * own; a '+' or '-' is a sign only at the start of a word (after the start, whitespace or '(')
 * and directly followed by something; every other run of bytes is a word, classified as an
 * operator (AND, OR, NOT, NEAR, NEAR/n: upper case, whole word), a field filter (in:, work:,
 * chapter:) or plain text.  Inside a word, '-', '.', '\'' and the like are text: the analyzer
 * decides what they mean (2023-2025, co-operation, Brazil's, C++, e-mail addresses).
 *
 * The PARSER is a recursive descent over the lexemes, one function per precedence level:
 *
 *   seq     := clause*                   juxtaposition: each clause SHOULD (filters MUST)
 *   clause  := or
 *   or      := and ( OR and )*           operands SHOULD
 *   and     := unary ( AND unary )*      operands MUST
 *   unary   := ( NOT | + | - )* near     NOT and - exclude, + requires; NOT wins
 *   near    := primary ( NEAR[/n] primary )*
 *   primary := word | "phrase" | filter | ( seq )
 *
 * An explicit +, - or NOT on an operand overrides the occur its operator would give.  A binary
 * operator (AND, OR, NEAR) is an operator only between two operands; elsewhere it is a word,
 * like NOT with nothing after it ("a AND" searches for "a" and "and").  Recursion happens
 * only at '(' and is bounded by IBID_MAX_QUERY_DEPTH; everything else is iterative, so no
 * input can exhaust the C stack.
 *
 * Trees are kept small: a BOOL with a single non-excluded child is replaced by that child,
 * and a child BOOL whose clauses all have the occur it has itself (a OR (b OR c), a AND (b AND
 * c), -(a OR b)) is spliced into its parent; both rewrites keep the set of matched passages and
 * the BM25 sum unchanged.  The root's occur is always SHOULD.
 *
 * Words become nodes through the analyzer (analyze.h), one lexeme at a time, so that the query
 * is cut exactly as the indexed text was (see word_node and phrase_node for the rules).
 *
 * Synonyms (issue 6) have two places to hook in.  A one-word entry (BUTB = BUCE) applies in
 * word_node(), which sees every unquoted word wherever it stands (it would return an
 * alternatives BOOL of the word and its variants).  A multi-word entry (Great Stone = Velikiy
 * Kamen) applies in finish_seq(): there the clauses of a group are in query order and each clause
 * that is a bare unquoted word (no sign, no operator) carries the index of its lexeme in
 * item.bare, so a run of adjacent bare words can be found and replaced by one alternatives
 * BOOL before the group is built.  Quoted text (exact = 1) never reaches either place.
 */
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "synonyms.h"

/* ---- lexemes ------------------------------------------------------------------------------- */

typedef enum lkind {
    L_END,
    L_WORD,   /* plain text (also operators demoted to words) */
    L_PHRASE, /* quoted span: s..s+n is the content between the quotes */
    L_LPAREN,
    L_RPAREN,
    L_PLUS,   /* sign at the start of a word */
    L_MINUS,
    L_AND,
    L_OR,
    L_NOT,
    L_NEAR,   /* distance in near */
    L_FILTER  /* filter; for work:/chapter: the value is s..s+n */
} lkind;

typedef struct lexeme {
    lkind kind;
    uint32_t s, n;        /* span in the query (see lkind) */
    uint32_t near;        /* L_NEAR: distance */
    ibid_filter filter;   /* L_FILTER */
    const char *kind_val; /* L_FILTER with IBID_FILTER_KIND: "footnote", ... */
} lexeme;

enum { NEAR_DEFAULT = 10, NEAR_MAX = 1000 };

/* The messages of IBID_ELIMIT (query.h's limits, spelled out) */
#define TOO_MANY_WORDS "query has too many words (the limit is 1024)"
#define TOO_DEEP "parentheses nested too deeply (the limit is 64)"
_Static_assert(IBID_MAX_QUERY_TERMS == 1024 && IBID_MAX_QUERY_DEPTH == 64,
               "update TOO_MANY_WORDS and TOO_DEEP");

/* ---- the parser's state -------------------------------------------------------------------- */

typedef struct item {
    ibid_qnode *node;
    int occur;       /* -1: none given explicitly; else an ibid_occur */
    long bare;       /* index of the lexeme when the clause is a bare unquoted word, else -1 */
} item;

typedef struct parser {
    ibid_analyzer *a;
    const char *text;
    size_t len;
    ibid_query *q;
    lexeme *lx;
    size_t nlx, caplx;
    size_t cur;
    item *items;         /* scratch stack of clauses, shared by all levels */
    size_t nitems, capitems;
    ibid_token *toks;    /* scratch tokens of one word (strings copied into the arena) */
    size_t ntoks, captoks;
    size_t nterms;       /* words created so far (limit IBID_MAX_QUERY_TERMS) */
    int status;
    const ibid_synonyms *syn; /* NULL: no expansion */
    ibid_qnode **orig;   /* with syn: per lexeme, the node of an unquoted word as typed */
} parser;

static void warn(parser *p, const char *msg)
{
    char *w = p->q->warning;
    size_t used = strlen(w), n = strlen(msg);
    if (strstr(w, msg))
        return;
    size_t sep = used ? 2 : 0;
    if (used + sep + n + 1 > sizeof p->q->warning)
        return;
    if (sep)
        memcpy(w + used, "; ", 2);
    memcpy(w + used + sep, msg, n + 1);
}

static void set_error(parser *p, int status, const char *why)
{
    if (p->status == IBID_OK) {
        p->status = status;
        if (why) {
            size_t n = strlen(why);
            if (n >= sizeof p->q->warning)
                n = sizeof p->q->warning - 1;
            memcpy(p->q->warning, why, n);
            p->q->warning[n] = '\0';
        }
    }
}

/* ---- lexer --------------------------------------------------------------------------------- */

/* Length of a whitespace character at t[i], else 0 (ASCII controls and space, NBSP, U+3000). */
static size_t space_at(const char *t, size_t len, size_t i)
{
    unsigned char c = (unsigned char)t[i];
    if (c <= 0x20)
        return 1;
    if (c == 0xC2 && i + 1 < len && (unsigned char)t[i + 1] == 0xA0)
        return 2;
    if (c == 0xE3 && i + 2 < len && (unsigned char)t[i + 1] == 0x80 && (unsigned char)t[i + 2] == 0x80)
        return 3;
    return 0;
}

/* Length of a quote character at t[i] (" or U+201C U+201D U+201E), else 0. */
static size_t quote_at(const char *t, size_t len, size_t i)
{
    unsigned char c = (unsigned char)t[i];
    if (c == '"')
        return 1;
    if (c == 0xE2 && i + 2 < len && (unsigned char)t[i + 1] == 0x80) {
        unsigned char d = (unsigned char)t[i + 2];
        if (d == 0x9C || d == 0x9D || d == 0x9E)
            return 3;
    }
    return 0;
}

static int push_lexeme(parser *p, lkind kind, size_t s, size_t n)
{
    if (p->nlx == p->caplx) {
        size_t cap = p->caplx ? p->caplx * 2 : 64;
        lexeme *lx = realloc(p->lx, cap * sizeof *lx);
        if (!lx)
            return IBID_ENOMEM;
        p->lx = lx;
        p->caplx = cap;
    }
    lexeme *l = &p->lx[p->nlx++];
    memset(l, 0, sizeof *l);
    l->kind = kind;
    l->s = (uint32_t)s;
    l->n = (uint32_t)n;
    return IBID_OK;
}

static int ieq(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lit[i])
            return 0;
    }
    return 1;
}

static int iprefix(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n >= m && ieq(s, m, lit);
}

/* The kind named by an in: value, or NULL. */
static const char *kind_value(const char *s, size_t n)
{
    static const struct { const char *name, *kind; } names[] = {
        {"footnotes", "footnote"}, {"footnote", "footnote"}, {"notes", "footnote"},
        {"note", "footnote"},      {"text", "paragraph"},    {"paragraphs", "paragraph"},
        {"paragraph", "paragraph"}, {"body", "paragraph"},   {"bibliography", "bibliography"},
        {"bib", "bibliography"},   {"references", "bibliography"},
        {"literature", "bibliography"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (ieq(s, n, names[i].name))
            return names[i].kind;
    return NULL;
}

/* NEAR or NEAR/n (n: 1 to 9 digits); fills *dist.  Returns 1 when the word is one. */
static int near_word(const char *s, size_t n, uint32_t *dist)
{
    if (n < 4 || memcmp(s, "NEAR", 4) != 0)
        return 0;
    if (n == 4) {
        *dist = NEAR_DEFAULT;
        return 1;
    }
    if (s[4] != '/' || n == 5 || n > 14)
        return 0;
    uint32_t d = 0;
    for (size_t i = 5; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        d = d * 10 + (uint32_t)(s[i] - '0'); /* at most 9 digits: no overflow */
    }
    *dist = d < 1 ? 1 : d > NEAR_MAX ? NEAR_MAX : d;
    return 1;
}

/* Finds the closing quote of a span that starts at i; returns its index or len. */
static size_t find_quote(const char *t, size_t len, size_t i)
{
    while (i < len && !quote_at(t, len, i))
        i++;
    return i;
}

static int lex(parser *p)
{
    const char *t = p->text;
    size_t len = p->len, i = 0;
    int sign_ok = 1, after_sign = 0;
    while (i < len) {
        size_t k;
        int rc = IBID_OK;
        if ((k = space_at(t, len, i))) {
            i += k;
            sign_ok = 1;
            after_sign = 0;
            continue;
        }
        if ((k = quote_at(t, len, i))) {
            size_t s = i + k, e = find_quote(t, len, s);
            rc = push_lexeme(p, L_PHRASE, s, e - s);
            if (e == len)
                warn(p, "unmatched quote closed at the end of the query");
            else
                e += quote_at(t, len, e);
            i = e;
            sign_ok = after_sign = 0;
        } else if (t[i] == '(' || t[i] == ')') {
            rc = push_lexeme(p, t[i] == '(' ? L_LPAREN : L_RPAREN, i, 1);
            sign_ok = t[i] == '(';
            after_sign = 0;
            i++;
        } else if ((t[i] == '+' || t[i] == '-') && sign_ok && i + 1 < len &&
                   !space_at(t, len, i + 1) && t[i + 1] != ')') {
            rc = push_lexeme(p, t[i] == '+' ? L_PLUS : L_MINUS, i, 1);
            sign_ok = 0;
            after_sign = 1;
            i++;
        } else {
            size_t s = i;
            while (i < len && !space_at(t, len, i) && !quote_at(t, len, i) && t[i] != '(' &&
                   t[i] != ')')
                i++;
            const char *w = t + s;
            size_t n = i - s;
            uint32_t dist;
            if (!after_sign && n == 3 && memcmp(w, "AND", 3) == 0)
                rc = push_lexeme(p, L_AND, s, n);
            else if (!after_sign && n == 2 && memcmp(w, "OR", 2) == 0)
                rc = push_lexeme(p, L_OR, s, n);
            else if (!after_sign && n == 3 && memcmp(w, "NOT", 3) == 0)
                rc = push_lexeme(p, L_NOT, s, n);
            else if (!after_sign && near_word(w, n, &dist)) {
                rc = push_lexeme(p, L_NEAR, s, n);
                if (rc == IBID_OK)
                    p->lx[p->nlx - 1].near = dist;
            } else if (iprefix(w, n, "in:") && kind_value(w + 3, n - 3)) {
                rc = push_lexeme(p, L_FILTER, s, n);
                if (rc == IBID_OK) {
                    p->lx[p->nlx - 1].filter = IBID_FILTER_KIND;
                    p->lx[p->nlx - 1].kind_val = kind_value(w + 3, n - 3);
                }
            } else if (iprefix(w, n, "work:") || iprefix(w, n, "chapter:")) {
                ibid_filter f = iprefix(w, n, "work:") ? IBID_FILTER_WORK : IBID_FILTER_CHAPTER;
                size_t name = f == IBID_FILTER_WORK ? 5 : 8;
                size_t vs = s + name, vn = n - name;
                int quoted = 0;
                if (vn == 0 && i < len && (k = quote_at(t, len, i))) {
                    quoted = 1;
                    /* work:"quoted value" */
                    vs = i + k;
                    size_t e = find_quote(t, len, vs);
                    vn = e - vs;
                    if (e == len)
                        warn(p, "unmatched quote closed at the end of the query");
                    else
                        e += quote_at(t, len, e);
                    i = e;
                }
                if (vn == 0 && !quoted) {
                    rc = push_lexeme(p, L_WORD, s, n); /* "work:" alone is a word */
                } else {
                    rc = push_lexeme(p, L_FILTER, vs, vn);
                    if (rc == IBID_OK)
                        p->lx[p->nlx - 1].filter = f;
                }
            } else {
                rc = push_lexeme(p, L_WORD, s, n);
            }
            sign_ok = after_sign = 0;
        }
        if (rc != IBID_OK)
            return rc;
    }
    return push_lexeme(p, L_END, len, 0);
}

/* ---- node construction --------------------------------------------------------------------- */

static ibid_qnode *new_node(parser *p, ibid_qtype type)
{
    ibid_qnode *n = ibid_arena_alloc(&p->q->arena, sizeof *n);
    if (!n) {
        set_error(p, IBID_ENOMEM, NULL);
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->type = type;
    n->occur = IBID_OCCUR_SHOULD;
    return n;
}

static int count_terms(parser *p, size_t n)
{
    p->nterms += n;
    if (p->nterms > IBID_MAX_QUERY_TERMS) {
        set_error(p, IBID_ELIMIT, TOO_MANY_WORDS);
        return 0;
    }
    return 1;
}

/* Runs the analyzer over text[s, s+n) and keeps every token in p->toks, with its strings
   copied into the arena and start/end made absolute.  Returns the status. */
static int analyze_span(parser *p, size_t s, size_t n)
{
    p->ntoks = 0;
    ibid_analyzer_reset(p->a, p->text + s, n);
    for (;;) {
        ibid_token tok;
        int rc = ibid_analyzer_next(p->a, &tok);
        if (rc == 0)
            return IBID_OK;
        if (rc < 0)
            return rc;
        if (p->ntoks == p->captoks) {
            size_t cap = p->captoks ? p->captoks * 2 : 16;
            ibid_token *tk = realloc(p->toks, cap * sizeof *tk);
            if (!tk)
                return IBID_ENOMEM;
            p->toks = tk;
            p->captoks = cap;
        }
        const char *form = ibid_arena_strndup(&p->q->arena, tok.form, tok.form_len);
        const char *term = tok.term == tok.form
                               ? form
                               : ibid_arena_strndup(&p->q->arena, tok.term, tok.term_len);
        if (!form || !term)
            return IBID_ENOMEM;
        tok.form = form;
        tok.term = term;
        if (tok.start > n)
            tok.start = (uint32_t)n;
        if (tok.end > n || tok.end < tok.start)
            tok.end = (uint32_t)n;
        tok.start += (uint32_t)s;
        tok.end += (uint32_t)s;
        p->toks[p->ntoks++] = tok;
        /* a pathological word cannot pile up tokens beyond the query's word limit */
        if (p->ntoks > IBID_MAX_QUERY_TERMS + 1)
            return IBID_ELIMIT;
    }
}

static int fill_word(parser *p, ibid_qword *w, const ibid_token *t, uint32_t offset)
{
    w->text = ibid_arena_strndup(&p->q->arena, p->text + t->start, t->end - t->start);
    if (!w->text)
        return IBID_ENOMEM;
    w->form = t->form;
    w->term = t->term;
    w->offset = offset;
    return IBID_OK;
}

static ibid_qnode *term_node(parser *p, const ibid_token *t, int exact)
{
    ibid_qnode *n = new_node(p, IBID_Q_TERM);
    if (!n || !count_terms(p, 1))
        return NULL;
    n->words = ibid_arena_alloc(&p->q->arena, sizeof *n->words);
    if (!n->words || fill_word(p, n->words, t, 0) != IBID_OK) {
        set_error(p, IBID_ENOMEM, NULL);
        return NULL;
    }
    n->nwords = 1;
    n->exact = exact;
    return n;
}

/* A TERM or PHRASE of the non-JOINED tokens in p->toks (NULL when there are none). */
static ibid_qnode *parts_node(parser *p, int exact)
{
    size_t nparts = 0, first = 0;
    for (size_t i = 0; i < p->ntoks; i++)
        if (!(p->toks[i].flags & IBID_TOK_JOINED)) {
            if (nparts++ == 0)
                first = i;
        }
    if (nparts == 0)
        return NULL;
    if (nparts == 1)
        return term_node(p, &p->toks[first], exact);
    ibid_qnode *n = new_node(p, IBID_Q_PHRASE);
    if (!n || !count_terms(p, nparts))
        return NULL;
    n->words = ibid_arena_alloc(&p->q->arena, nparts * sizeof *n->words);
    if (!n->words) {
        set_error(p, IBID_ENOMEM, NULL);
        return NULL;
    }
    uint32_t pos0 = p->toks[first].pos;
    for (size_t i = first; i < p->ntoks; i++) {
        const ibid_token *t = &p->toks[i];
        if (t->flags & IBID_TOK_JOINED)
            continue;
        uint32_t off = t->pos >= pos0 ? t->pos - pos0 : 0;
        if (fill_word(p, &n->words[n->nwords++], t, off) != IBID_OK) {
            set_error(p, IBID_ENOMEM, NULL);
            return NULL;
        }
    }
    n->exact = exact;
    return n;
}

static int analyze_or_fail(parser *p, size_t s, size_t n)
{
    int rc = analyze_span(p, s, n);
    if (rc == IBID_ELIMIT)
        set_error(p, rc, TOO_MANY_WORDS);
    else if (rc != IBID_OK)
        set_error(p, rc, NULL);
    return rc == IBID_OK;
}

/* The JOINED token that covers all the parts in p->toks, or NULL. */
static const ibid_token *whole_joined(const parser *p)
{
    const ibid_token *joined = NULL, *first = NULL, *last = NULL;
    size_t njoined = 0;
    for (size_t i = 0; i < p->ntoks; i++) {
        const ibid_token *t = &p->toks[i];
        if (t->flags & IBID_TOK_JOINED) {
            joined = t;
            njoined++;
        } else {
            if (!first)
                first = t;
            last = t;
        }
    }
    if (njoined != 1 || !first || joined->start > first->start || joined->end < last->end)
        return NULL;
    return joined;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static ibid_qnode *plain_word_node(parser *p);
static ibid_qnode *expand_word(parser *p, size_t lexeme_index, ibid_qnode *n);

/* An unquoted word:
     - "pre*" whose text before the stars is one word (or one hyphenated compound, taken
       joined) of at least 2 characters: PREFIX of its folded form; otherwise the stars are
       dropped (with a warning) and the word read as below;
     - one token: TERM (exact 0);
     - several tokens with one JOINED covering them all (co-operation): BOOL alternatives of
       the joined TERM and the PHRASE (exact 0) of the parts;
     - several tokens otherwise (1.3bn, e-mail addresses, URLs): PHRASE (exact 0) of the parts;
     - no token (punctuation): NULL. */
static ibid_qnode *word_node(parser *p, const lexeme *l)
{
    size_t n = l->n;
    int star = 0;
    while (n > 0 && p->text[l->s + n - 1] == '*') {
        n--;
        star = 1;
    }
    if (!analyze_or_fail(p, l->s, n))
        return NULL;
    if (star) {
        const ibid_token *t = whole_joined(p);
        if (!t && p->ntoks == 1)
            t = &p->toks[0];
        if (t && utf8_chars(t->form) >= 2) {
            ibid_qnode *q = new_node(p, IBID_Q_PREFIX);
            if (!q || !count_terms(p, 1))
                return NULL;
            q->words = ibid_arena_alloc(&p->q->arena, sizeof *q->words);
            if (!q->words || fill_word(p, q->words, t, 0) != IBID_OK) {
                set_error(p, IBID_ENOMEM, NULL);
                return NULL;
            }
            q->words[0].term = q->words[0].form;
            q->nwords = 1;
            return q;
        }
        if (p->ntoks)
            warn(p, "a prefix* needs one word of 2 characters or more: read as a word");
    }
    ibid_qnode *r = plain_word_node(p);
    if (r && p->syn)
        r = expand_word(p, (size_t)(l - p->lx), r);
    return r;
}

/* The node of the tokens in p->toks (see word_node); NULL when there are none. */
static ibid_qnode *plain_word_node(parser *p)
{
    const ibid_token *joined = whole_joined(p);
    if (!joined)
        return parts_node(p, 0);
    ibid_token jt = *joined; /* p->toks stays valid: nothing below analyzes */
    ibid_qnode *alt = new_node(p, IBID_Q_BOOL);
    ibid_qnode *whole = alt ? term_node(p, &jt, 0) : NULL;
    ibid_qnode *parts = whole ? parts_node(p, 0) : NULL;
    if (!parts)
        return NULL;
    alt->children = ibid_arena_alloc(&p->q->arena, 2 * sizeof *alt->children);
    if (!alt->children) {
        set_error(p, IBID_ENOMEM, NULL);
        return NULL;
    }
    alt->children[0] = whole;
    alt->children[1] = parts;
    alt->nchildren = 2;
    alt->alternatives = 1;
    return alt;
}

/* ---- synonyms (issue 6) ------------------------------------------------------------------ */

enum { SYN_MAX_STEMS = 64 }; /* stems looked at from one word of a run (keys are shorter) */

/* The stems of an unquoted word's parts into st[0..cap): TERM: its stem; PHRASE of stems: its
   words; compound: its parts.  Returns the count, 0 when n has no parts to match (a prefix). */
static size_t node_stems(const ibid_qnode *n, const char **st, size_t cap)
{
    if (n->type == IBID_Q_BOOL && n->alternatives && !n->synonyms && n->nchildren == 2)
        n = n->children[1]; /* a compound: its parts */
    if ((n->type != IBID_Q_TERM && n->type != IBID_Q_PHRASE) || n->exact)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < n->nwords && k < cap; i++)
        st[k++] = n->words[i].term;
    return k;
}

static int same_stems(const ibid_qnode *a, const ibid_qnode *b)
{
    const char *x[SYN_MAX_STEMS], *y[SYN_MAX_STEMS];
    size_t nx = node_stems(a, x, SYN_MAX_STEMS), ny = node_stems(b, y, SYN_MAX_STEMS);
    if (nx != ny)
        return 0;
    for (size_t i = 0; i < nx; i++)
        if (strcmp(x[i], y[i]) != 0)
            return 0;
    return 1;
}

/* The joined TERM of a compound, else n itself. */
static const ibid_qnode *joined_or_self(const ibid_qnode *n)
{
    if (n->type == IBID_Q_BOOL && n->alternatives && !n->synonyms && n->nchildren == 2)
        return n->children[0];
    return n;
}

/* 1 when variant v is the word typed (the same parts, or the same joined word: cooperation
   and co-operation). */
static int same_word(const ibid_qnode *v, const ibid_qnode *typed)
{
    if (same_stems(v, typed))
        return 1;
    const ibid_qnode *a = joined_or_self(v), *b = joined_or_self(typed);
    return a->type == IBID_Q_TERM && b->type == IBID_Q_TERM && !a->exact && !b->exact &&
           strcmp(a->words[0].term, b->words[0].term) == 0;
}

/* A variant of a synonyms group as a node, cut like an unquoted word; NULL when it has no word
   (or on error: check p->status). */
static ibid_qnode *variant_node(parser *p, const char *text)
{
    const char *save = p->text;
    size_t savelen = p->len;
    p->text = text;
    p->len = strlen(text);
    ibid_qnode *n = analyze_or_fail(p, 0, p->len) ? plain_word_node(p) : NULL;
    p->text = save;
    p->len = savelen;
    return n;
}

/* Adds c to kids (a compound's alternatives are added one by one). */
static void add_alternative(ibid_qnode **kids, size_t *n, ibid_qnode *c)
{
    if (c->type == IBID_Q_BOOL && c->alternatives)
        for (size_t i = 0; i < c->nchildren; i++)
            kids[(*n)++] = c->children[i];
    else
        kids[(*n)++] = c;
}

/* The alternatives of group: typed first, then every variant with other stems.  Returns typed
   itself when the group adds nothing. */
static ibid_qnode *syn_node(parser *p, size_t group, ibid_qnode *typed)
{
    size_t nv = ibid_synonyms_variant_count(p->syn, group);
    ibid_qnode **kids = ibid_arena_alloc(&p->q->arena, (2 + 2 * nv) * sizeof *kids);
    if (!kids) {
        set_error(p, IBID_ENOMEM, NULL);
        return NULL;
    }
    size_t n = 0;
    add_alternative(kids, &n, typed);
    size_t ntyped = n;
    for (size_t i = 0; i < nv; i++) {
        ibid_qnode *v = variant_node(p, ibid_synonyms_variant(p->syn, group, i));
        if (p->status != IBID_OK)
            return NULL;
        if (!v || same_word(v, typed))
            continue;
        add_alternative(kids, &n, v);
    }
    if (n == ntyped)
        return typed;
    ibid_qnode *b = new_node(p, IBID_Q_BOOL);
    if (!b)
        return NULL;
    for (size_t i = 0; i < n; i++)
        kids[i]->occur = IBID_OCCUR_SHOULD;
    b->children = kids;
    b->nchildren = n;
    b->alternatives = 1;
    b->synonyms = 1;
    return b;
}

/* Looks up a group whose key is all the stems in st[0..n); 1 found, 0 not, <0 error. */
static int match_all(parser *p, const char **st, size_t n, size_t *group)
{
    size_t k;
    if (n == 0)
        return 0;
    int r = ibid_synonyms_match(p->syn, st, n, &k, group);
    if (r < 0) {
        set_error(p, r, NULL);
        return r;
    }
    return r == 1 && k == n;
}

/* One unquoted word (lexeme lexeme_index, node n): remembers n as typed and expands it when
   its stems (or a compound's joined stem) are a key. */
static ibid_qnode *expand_word(parser *p, size_t lexeme_index, ibid_qnode *n)
{
    p->orig[lexeme_index] = n;
    const char *st[SYN_MAX_STEMS];
    size_t ns = node_stems(n, st, SYN_MAX_STEMS), group;
    int r = match_all(p, st, ns, &group);
    if (r == 0 && n->type == IBID_Q_BOOL && n->alternatives && n->children[0]->type == IBID_Q_TERM) {
        st[0] = n->children[0]->words[0].term; /* a compound's joined word */
        r = match_all(p, st, 1, &group);
    }
    if (r < 0)
        return NULL;
    return r ? syn_node(p, group, n) : n;
}

/* The number of stems node_stems would give for n without a cap. */
static size_t stem_count(const ibid_qnode *n)
{
    if (n->type == IBID_Q_BOOL && n->alternatives && !n->synonyms && n->nchildren == 2)
        n = n->children[1];
    if ((n->type != IBID_Q_TERM && n->type != IBID_Q_PHRASE) || n->exact)
        return 0;
    return n->nwords;
}

/* The PHRASE (stems) of the words typed in items[j..j+m): what a multi-word key matched. */
static ibid_qnode *typed_run(parser *p, size_t j, size_t m)
{
    size_t nw = 0;
    for (size_t i = j; i < j + m; i++)
        nw += stem_count(p->orig[p->items[i].bare]);
    ibid_qnode *n = new_node(p, IBID_Q_PHRASE);
    ibid_qword *w = n ? ibid_arena_alloc(&p->q->arena, nw * sizeof *w) : NULL;
    if (!w) {
        set_error(p, IBID_ENOMEM, NULL);
        return NULL;
    }
    uint32_t base = 0;
    for (size_t i = j; i < j + m; i++) {
        const ibid_qnode *o = p->orig[p->items[i].bare];
        if (o->type == IBID_Q_BOOL)
            o = o->children[1];
        for (size_t k = 0; k < o->nwords; k++) {
            w[n->nwords] = o->words[k];
            w[n->nwords++].offset = base + o->words[k].offset;
        }
        base += o->words[o->nwords - 1].offset + 1;
    }
    n->words = w;
    return n;
}

/* In the clauses items[base..), finds runs of adjacent bare words whose stems are a multi-word
   key (longest first, left to right) and replaces each run by its group. */
static void expand_runs(parser *p, size_t base)
{
    size_t end = p->nitems;
    for (size_t j = base; j < end && p->status == IBID_OK;) {
        /* the run of bare words starting at j, with the stem count after each word */
        const char *st[SYN_MAX_STEMS];
        size_t cum[IBID_SYN_MAX_WORDS + 1], m = 0, ns = 0;
        cum[0] = 0;
        for (size_t i = j; i < end && m < IBID_SYN_MAX_WORDS; i++) {
            const item *it = &p->items[i];
            if (it->occur != -1 || it->bare < 0 || !it->node || !p->orig[it->bare])
                break;
            if (i > j && it->bare != p->items[i - 1].bare + 1)
                break;
            size_t need = stem_count(p->orig[it->bare]);
            if (need == 0 || ns + need > SYN_MAX_STEMS)
                break;
            size_t k = node_stems(p->orig[it->bare], st + ns, need);
            ns += k;
            cum[++m] = ns;
        }
        size_t took = 0, group = 0;
        for (size_t w = m; w >= 2 && !took; w--) {
            int r = match_all(p, st, cum[w], &group);
            if (r < 0)
                return;
            if (r)
                took = w;
        }
        if (!took) {
            j++;
            continue;
        }
        ibid_qnode *typed = typed_run(p, j, took);
        ibid_qnode *g = typed ? syn_node(p, group, typed) : NULL;
        if (!g)
            return;
        p->items[j].node = g;
        for (size_t i = j + 1; i < j + took; i++)
            p->items[i].node = NULL;
        j += took;
    }
}

/* A quoted span: TERM (exact 1) for one word, else PHRASE (exact 1) of the words; the JOINED
   tokens of compounds are skipped, so "co-operation" is the phrase co operation. */
static ibid_qnode *phrase_node(parser *p, const lexeme *l)
{
    if (!analyze_or_fail(p, l->s, l->n))
        return NULL;
    return parts_node(p, 1);
}

/* A field filter.  work:/chapter: values become their folded words joined by single spaces
   (JOINED tokens skipped); a value with no word gives NULL. */
static ibid_qnode *filter_node(parser *p, const lexeme *l)
{
    if (l->filter == IBID_FILTER_KIND) {
        ibid_qnode *n = new_node(p, IBID_Q_FILTER);
        if (n) {
            n->filter = IBID_FILTER_KIND;
            n->value = l->kind_val;
        }
        return n;
    }
    if (!analyze_or_fail(p, l->s, l->n))
        return NULL;
    size_t total = 0, nw = 0;
    for (size_t i = 0; i < p->ntoks; i++)
        if (!(p->toks[i].flags & IBID_TOK_JOINED)) {
            total += p->toks[i].form_len + 1;
            nw++;
        }
    if (nw == 0) {
        warn(p, "a work: or chapter: filter without a word was ignored");
        return NULL;
    }
    if (!count_terms(p, nw))
        return NULL;
    char *v = ibid_arena_alloc(&p->q->arena, total);
    ibid_qnode *n = v ? new_node(p, IBID_Q_FILTER) : NULL;
    if (!n) {
        set_error(p, IBID_ENOMEM, NULL);
        return NULL;
    }
    size_t used = 0;
    for (size_t i = 0; i < p->ntoks; i++) {
        const ibid_token *t = &p->toks[i];
        if (t->flags & IBID_TOK_JOINED)
            continue;
        if (used)
            v[used++] = ' ';
        memcpy(v + used, t->form, t->form_len);
        used += t->form_len;
    }
    v[used] = '\0';
    n->filter = l->filter;
    n->value = v;
    return n;
}

/* ---- BOOL building ------------------------------------------------------------------------- */

static int push_item(parser *p, ibid_qnode *node, int occur, long bare)
{
    if (p->nitems == p->capitems) {
        size_t cap = p->capitems ? p->capitems * 2 : 32;
        item *it = realloc(p->items, cap * sizeof *it);
        if (!it) {
            set_error(p, IBID_ENOMEM, NULL);
            return 0;
        }
        p->items = it;
        p->capitems = cap;
    }
    p->items[p->nitems++] = (item){node, occur, bare};
    return 1;
}

/* 1 when every child of BOOL n has occur o. */
static int all_occur(const ibid_qnode *n, ibid_occur o)
{
    for (size_t i = 0; i < n->nchildren; i++)
        if (n->children[i]->occur != o)
            return 0;
    return 1;
}

/* Builds a BOOL of items[base..nitems) (each item's occur already final), pops them, and
   returns it simplified (see the module comment); NULL when no item has a node. */
static ibid_qnode *build_bool(parser *p, size_t base)
{
    size_t count = 0;
    for (size_t i = base; i < p->nitems; i++) {
        ibid_qnode *c = p->items[i].node;
        if (!c)
            continue;
        if (c->type == IBID_Q_BOOL && !c->alternatives && all_occur(c, (ibid_occur)p->items[i].occur) &&
            p->items[i].occur != IBID_OCCUR_NOT)
            count += c->nchildren;
        else if (c->type == IBID_Q_BOOL && !c->alternatives &&
                 p->items[i].occur == IBID_OCCUR_NOT && all_occur(c, IBID_OCCUR_SHOULD))
            count += c->nchildren;
        else
            count++;
    }
    ibid_qnode *b = NULL;
    if (count > 0) {
        ibid_qnode **kids = ibid_arena_alloc(&p->q->arena, count * sizeof *kids);
        b = kids ? new_node(p, IBID_Q_BOOL) : NULL;
        if (!b) {
            set_error(p, IBID_ENOMEM, NULL);
            p->nitems = base;
            return NULL;
        }
        b->children = kids;
        for (size_t i = base; i < p->nitems; i++) {
            ibid_qnode *c = p->items[i].node;
            ibid_occur o = (ibid_occur)p->items[i].occur;
            if (!c)
                continue;
            int splice = c->type == IBID_Q_BOOL && !c->alternatives &&
                         (o == IBID_OCCUR_NOT ? all_occur(c, IBID_OCCUR_SHOULD) : all_occur(c, o));
            if (splice) {
                for (size_t j = 0; j < c->nchildren; j++) {
                    c->children[j]->occur = o;
                    kids[b->nchildren++] = c->children[j];
                }
            } else {
                c->occur = o;
                kids[b->nchildren++] = c;
            }
        }
        if (b->nchildren == 1 && kids[0]->occur != IBID_OCCUR_NOT)
            b = kids[0];
    }
    p->nitems = base;
    return b;
}

/* 1 when n only filters passages (a FILTER, or a BOOL of filters): such a clause restricts. */
static int filter_only(const ibid_qnode *n)
{
    if (n->type == IBID_Q_FILTER)
        return 1;
    if (n->type != IBID_Q_BOOL || n->alternatives)
        return 0;
    for (size_t i = 0; i < n->nchildren; i++)
        if (!filter_only(n->children[i]))
            return 0;
    return 1;
}

/* ---- the parser ---------------------------------------------------------------------------- */

static const lexeme *peek(const parser *p, size_t k)
{
    size_t i = p->cur + k;
    return &p->lx[i < p->nlx ? i : p->nlx - 1];
}

static int operand_start(lkind k)
{
    return k == L_WORD || k == L_PHRASE || k == L_LPAREN || k == L_PLUS || k == L_MINUS ||
           k == L_NOT || k == L_FILTER;
}

static ibid_qnode *parse_seq(parser *p, unsigned depth);

/* primary: word | "phrase" | filter | ( seq ).  *bare gets the lexeme index of a bare word. */
static ibid_qnode *parse_primary(parser *p, unsigned depth, long *bare)
{
    const lexeme *l = peek(p, 0);
    *bare = -1;
    switch (l->kind) {
    case L_END:
    case L_RPAREN:
        return NULL; /* nothing consumed: callers make progress */
    case L_PHRASE:
        p->cur++;
        return phrase_node(p, l);
    case L_FILTER:
        p->cur++;
        return filter_node(p, l);
    case L_LPAREN: {
        p->cur++;
        if (depth + 1 > IBID_MAX_QUERY_DEPTH) {
            set_error(p, IBID_ELIMIT, TOO_DEEP);
            return NULL;
        }
        ibid_qnode *n = parse_seq(p, depth + 1);
        if (p->status != IBID_OK)
            return NULL;
        if (peek(p, 0)->kind == L_RPAREN)
            p->cur++;
        else
            warn(p, "missing ')' added at the end of the query");
        return n;
    }
    default: /* a word, or an operator standing where an operand belongs: a word */
        *bare = (long)p->cur;
        p->cur++;
        return word_node(p, l);
    }
}

/* The operand of a NEAR as a TERM or PHRASE; NULL when it cannot be one. */
static ibid_qnode *near_operand(ibid_qnode *n)
{
    if (n->type == IBID_Q_TERM || n->type == IBID_Q_PHRASE)
        return n;
    if (n->type == IBID_Q_BOOL && n->alternatives)
        return n->children[0]; /* the joined word of a compound */
    return NULL;
}

/* near: primary ( NEAR[/n] primary )* */
static ibid_qnode *parse_near(parser *p, unsigned depth, long *bare)
{
    size_t base = p->nitems;
    ibid_qnode *first = parse_primary(p, depth, bare);
    if (p->status != IBID_OK)
        return NULL;
    if (!push_item(p, first, IBID_OCCUR_MUST, -1))
        return NULL;
    uint32_t dist = 0;
    int nears = 0;
    while (peek(p, 0)->kind == L_NEAR) {
        lkind next = peek(p, 1)->kind;
        if (next != L_WORD && next != L_PHRASE && next != L_LPAREN && next != L_FILTER)
            break; /* NEAR without a right operand: a word, read by the caller */
        if (peek(p, 0)->near > dist)
            dist = peek(p, 0)->near;
        p->cur++;
        long b;
        ibid_qnode *n = parse_primary(p, depth, &b);
        if (p->status != IBID_OK || !push_item(p, n, IBID_OCCUR_MUST, -1))
            return NULL;
        nears++;
    }
    if (!nears) {
        p->nitems = base;
        return first;
    }
    *bare = -1;
    size_t count = 0;
    int ok = 1;
    for (size_t i = base; i < p->nitems; i++) {
        if (!p->items[i].node)
            continue;
        count++;
        if (!near_operand(p->items[i].node))
            ok = 0;
    }
    if (count < 2 || !ok) {
        if (count >= 2)
            warn(p, "NEAR needs words or phrases on both sides: read as AND");
        return build_bool(p, base);
    }
    ibid_qnode *n = new_node(p, IBID_Q_NEAR);
    ibid_qnode **kids = n ? ibid_arena_alloc(&p->q->arena, count * sizeof *kids) : NULL;
    if (!kids) {
        set_error(p, IBID_ENOMEM, NULL);
        return NULL;
    }
    for (size_t i = base; i < p->nitems; i++) {
        if (!p->items[i].node)
            continue;
        ibid_qnode *c = near_operand(p->items[i].node);
        c->occur = IBID_OCCUR_MUST;
        kids[n->nchildren++] = c;
    }
    n->children = kids;
    n->distance = dist;
    p->nitems = base;
    return n;
}

/* unary: ( NOT | + | - )* near.  *occur gets the explicit occur or -1. */
static ibid_qnode *parse_unary(parser *p, unsigned depth, int *occur, long *bare)
{
    *occur = -1;
    for (;;) {
        lkind k = peek(p, 0)->kind;
        if (k == L_NOT && operand_start(peek(p, 1)->kind)) {
            *occur = IBID_OCCUR_NOT;
        } else if (k == L_PLUS || k == L_MINUS) {
            if (*occur != IBID_OCCUR_NOT)
                *occur = k == L_PLUS ? IBID_OCCUR_MUST : IBID_OCCUR_NOT;
        } else {
            break;
        }
        p->cur++;
    }
    ibid_qnode *n = parse_near(p, depth, bare);
    if (*occur != -1)
        *bare = -1;
    return n;
}

/* and: unary ( AND unary )*   /   or: and ( OR and )* -- one function for both levels. */
static ibid_qnode *parse_binary(parser *p, unsigned depth, lkind op, int *occur, long *bare)
{
    size_t base = p->nitems;
    int o;
    long b;
    ibid_qnode *n = op == L_AND ? parse_unary(p, depth, &o, &b) : parse_binary(p, depth, L_AND, &o, &b);
    if (p->status != IBID_OK)
        return NULL;
    if (peek(p, 0)->kind != op || !operand_start(peek(p, 1)->kind)) {
        *occur = o;
        *bare = b;
        return n;
    }
    if (!push_item(p, n, o, -1))
        return NULL;
    while (peek(p, 0)->kind == op && operand_start(peek(p, 1)->kind)) {
        p->cur++;
        n = op == L_AND ? parse_unary(p, depth, &o, &b) : parse_binary(p, depth, L_AND, &o, &b);
        if (p->status != IBID_OK || !push_item(p, n, o, -1))
            return NULL;
    }
    /* Operands without a sign: MUST for AND, SHOULD for OR.  But a filter restricts: in an OR
       that also has other operands (Byal OR in:footnotes) a filter is MUST, so that SHOULD
       filters only ever stand in groups of filters alone (in:footnotes OR in:bibliography). */
    int mixed = 0;
    for (size_t i = base; i < p->nitems; i++)
        if (p->items[i].node && !filter_only(p->items[i].node))
            mixed = 1;
    for (size_t i = base; i < p->nitems; i++) {
        item *it = &p->items[i];
        if (it->occur == -1)
            it->occur = op == L_AND || (mixed && it->node && filter_only(it->node))
                            ? IBID_OCCUR_MUST
                            : IBID_OCCUR_SHOULD;
    }
    *occur = -1;
    *bare = -1;
    return build_bool(p, base);
}

/* Gives the clauses items[base..) their final occur and builds the group.  Bare kind filters
   (in:) are gathered into one required OR, so in:footnotes in:bibliography means either. */
static ibid_qnode *finish_seq(parser *p, size_t base)
{
    if (p->syn) {
        expand_runs(p, base);
        if (p->status != IBID_OK)
            return NULL;
    }
    size_t nkind = 0;
    for (size_t i = base; i < p->nitems; i++) {
        item *it = &p->items[i];
        if (!it->node || it->occur != -1)
            continue;
        if (it->node->type == IBID_Q_FILTER && it->node->filter == IBID_FILTER_KIND)
            nkind++;
    }
    ibid_qnode *kinds = NULL;
    if (nkind > 1) {
        size_t kbase = p->nitems;
        for (size_t i = base; i < kbase; i++) {
            item *it = &p->items[i];
            if (it->node && it->occur == -1 && it->node->type == IBID_Q_FILTER &&
                it->node->filter == IBID_FILTER_KIND) {
                if (!push_item(p, it->node, IBID_OCCUR_SHOULD, -1))
                    return NULL;
                p->items[i].node = NULL; /* items may have moved: index again */
            }
        }
        kinds = build_bool(p, kbase);
        if (p->status != IBID_OK || !push_item(p, kinds, IBID_OCCUR_MUST, -1))
            return NULL;
    }
    for (size_t i = base; i < p->nitems; i++) {
        item *it = &p->items[i];
        if (it->node && it->occur == -1)
            it->occur = filter_only(it->node) ? IBID_OCCUR_MUST : IBID_OCCUR_SHOULD;
    }
    return build_bool(p, base);
}

/* seq: clause* up to the end or to the ')' that closes the group (depth > 0).  A ')' without
   its '(' is skipped at depth 0. */
static ibid_qnode *parse_seq(parser *p, unsigned depth)
{
    size_t base = p->nitems;
    for (;;) {
        lkind k = peek(p, 0)->kind;
        if (k == L_END)
            break;
        if (k == L_RPAREN) {
            if (depth > 0)
                break;
            warn(p, "unmatched ')' ignored");
            p->cur++;
            continue;
        }
        size_t before = p->cur;
        int occur;
        long bare;
        ibid_qnode *n = parse_binary(p, depth, L_OR, &occur, &bare);
        if (p->status != IBID_OK || !push_item(p, n, occur, bare))
            return NULL;
        if (p->cur == before)
            p->cur++; /* cannot happen; guarantees progress */
    }
    return finish_seq(p, base);
}

int ibid_query_parse(ibid_analyzer *a, const char *text, size_t len, ibid_query *out)
{
    return ibid_query_parse_syn(a, NULL, text, len, out);
}

int ibid_query_parse_syn(ibid_analyzer *a, const ibid_synonyms *syn, const char *text, size_t len,
                         ibid_query *out)
{
    memset(out, 0, sizeof *out);
    if (len > IBID_MAX_QUERY) {
        snprintf(out->warning, sizeof out->warning, "query longer than %d bytes", IBID_MAX_QUERY);
        return IBID_ELIMIT;
    }
    if (len > 0 && !text)
        return IBID_EINVAL;
    parser p = {.a = a, .text = text, .len = len, .q = out, .status = IBID_OK,
                .syn = ibid_synonyms_group_count(syn) ? syn : NULL};
    int rc = lex(&p);
    if (rc == IBID_OK && p.syn && !(p.orig = calloc(p.nlx, sizeof *p.orig)))
        rc = IBID_ENOMEM;
    if (rc != IBID_OK)
        set_error(&p, rc, NULL);
    ibid_qnode *root = NULL;
    if (p.status == IBID_OK) {
        root = parse_seq(&p, 0);
        if (p.status == IBID_OK && root)
            root->occur = IBID_OCCUR_SHOULD;
    }
    free(p.lx);
    free(p.items);
    free(p.toks);
    free(p.orig);
    if (p.status != IBID_OK) {
        char why[sizeof out->warning];
        memcpy(why, out->warning, sizeof why);
        ibid_query_free(out);
        memset(out, 0, sizeof *out);
        memcpy(out->warning, why, sizeof why);
        return p.status;
    }
    out->root = root;
    if (root && root->type == IBID_Q_BOOL && !root->alternatives) {
        /* nothing positive and no filter to say which passages to keep: nothing matches */
        int positive = 0;
        for (size_t i = 0; i < root->nchildren; i++)
            positive |= root->children[i]->occur != IBID_OCCUR_NOT || filter_only(root->children[i]);
        if (!positive)
            warn(&p, "a query with only excluded words matches nothing");
    }
    return IBID_OK;
}

void ibid_query_free(ibid_query *q)
{
    if (!q)
        return;
    ibid_arena_free(&q->arena);
    q->root = NULL;
}
