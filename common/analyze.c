/*
 * analyze.c - the analyzer: scanner pieces -> folded forms -> stemmed terms (analyze.h).
 *
 * Glue between tokenize.c (pieces), fold.c (forms) and stem.c (terms), plus the one thing
 * none of them knows: hyphenated compounds.  Every piece takes the next position.  While the
 * scanner links pieces (a letter/digit split or a compound hyphen), the analyzer appends each
 * piece's form to the compound's joined form; when the compound ends and had at least two
 * hyphen-separated parts, the joined form is emitted on the following call, flagged
 * IBID_TOK_JOINED, at the position and start offset of the compound's first piece.
 *
 * A piece whose form is too long (or empty) is skipped but keeps its position; a compound
 * with such a piece, or whose joined form would be too long, gets no joined form.
 */
#include "analyze.h"

#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "status.h"
#include "stem.h"
#include "tokenize.h"

struct ibid_analyzer {
    ibid_scanner scan;
    ibid_stem_cache *cache;
    uint32_t pos;           /* position of the next piece */
    /* the compound being read */
    int in_compound;        /* the previous piece was linked to the next one */
    int joined_pending;     /* emit the joined form on the next call */
    int cmp_broken;         /* a piece was skipped or the joined form overflowed */
    int cmp_letters;        /* every piece so far was made of letters */
    unsigned cmp_parts;     /* hyphen-separated parts so far */
    uint32_t cmp_pos, cmp_start, cmp_end;
    size_t joined_len;
    char joined[IBID_MAX_TERM + 1]; /* the compound's joined form so far */
    char form[IBID_MAX_TERM + 1];   /* folded form of a non-ASCII piece (an ASCII piece is its
                                       own form, in the scanner's buffer) */
};

/* Every form the analyzer looks up starts a buffer that can be read 16 bytes from its start
   (ibid_stem_cache_get_padded); the analyzer is calloc'd, so those bytes are initialised. */
_Static_assert(sizeof(((ibid_analyzer *)0)->joined) >= 16 && sizeof(((ibid_analyzer *)0)->form) >= 16 &&
                   sizeof(((ibid_scanner *)0)->buf) >= 16,
               "forms are read 16 bytes at a time");

ibid_analyzer *ibid_analyzer_new(void)
{
    ibid_analyzer *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->cache = ibid_stem_cache_new();
    if (!a->cache) {
        free(a);
        return NULL;
    }
    ibid_analyzer_reset(a, "", 0);
    return a;
}

void ibid_analyzer_free(ibid_analyzer *a)
{
    if (!a)
        return;
    ibid_stem_cache_free(a->cache);
    free(a);
}

void ibid_analyzer_reset(ibid_analyzer *a, const char *text, size_t len)
{
    ibid_scan_reset(&a->scan, text ? text : "", text ? len : 0);
    a->pos = 0;
    a->in_compound = 0;
    a->joined_pending = 0;
}

const char *ibid_analyzer_stem(ibid_analyzer *a, const char *form, size_t len, size_t *term_len)
{
    return ibid_stem_cache_get(a->cache, form, len, term_len);
}

/* Emits the pending joined form of a compound. */
static int emit_joined(ibid_analyzer *a, ibid_token *tok)
{
    a->joined_pending = 0;
    tok->form = a->joined;
    tok->form_len = a->joined_len;
    /* a form that is not all letters is its own term: the cache stores it unstemmed */
    size_t tl;
    const char *t = ibid_stem_cache_get_padded(a->cache, a->joined, a->joined_len, &tl, &tok->form_id);
    if (!t)
        return IBID_ENOMEM;
    tok->term = t;
    tok->term_len = tl;
    tok->flags = a->cmp_letters ? IBID_TOK_JOINED : IBID_TOK_JOINED | IBID_TOK_NUMBER;
    tok->pos = a->cmp_pos;
    tok->start = a->cmp_start;
    tok->end = a->cmp_end;
    return 1;
}

/* Adds piece p (form[0..flen), flen < 0 when the piece is not indexed) to the compound being
   read, and decides whether the compound's joined form is due. */
static void add_to_compound(ibid_analyzer *a, const ibid_piece *p, uint32_t pos, const char *form, int flen,
                            int letters)
{
    if (!a->in_compound) {
        a->cmp_parts = 1;
        a->cmp_pos = pos;
        a->cmp_start = p->start;
        a->cmp_broken = 0;
        a->cmp_letters = 1;
        a->joined_len = 0;
    }
    if (flen <= 0) {
        a->cmp_broken = 1;
    } else if (!a->cmp_broken) {
        if (a->joined_len + (size_t)flen > IBID_MAX_TERM) {
            a->cmp_broken = 1;
        } else {
            memcpy(a->joined + a->joined_len, form, (size_t)flen);
            a->joined_len += (size_t)flen;
            a->joined[a->joined_len] = '\0';
        }
    }
    a->cmp_letters &= letters;
    a->cmp_end = p->end;
    if (p->link == IBID_LINK_NONE) {
        a->in_compound = 0;
        a->joined_pending = a->cmp_parts >= 2 && !a->cmp_broken;
    } else {
        a->in_compound = 1;
        if (p->link == IBID_LINK_HYPHEN)
            a->cmp_parts++;
    }
}

int ibid_analyzer_next(ibid_analyzer *a, ibid_token *tok)
{
    if (a->joined_pending)
        return emit_joined(a, tok);

    ibid_piece p;
    while (ibid_scan_next(&a->scan, &p)) {
        uint32_t pos = a->pos++;

        /* fold: an ASCII piece is its own form, in the scanner's buffer */
        const char *form;
        int flen, letters;
        if (p.ascii) {
            form = p.bytes;
            flen = p.len <= IBID_MAX_TERM && !p.too_long ? (int)p.len : IBID_ELIMIT;
            letters = p.kind == IBID_PIECE_ALPHA;
        } else {
            form = a->form;
            flen = p.too_long ? IBID_ELIMIT : ibid_fold_utf8(p.bytes, p.len, a->form, sizeof a->form);
            letters = flen > 0 && ibid_form_is_letters(a->form, (size_t)flen);
        }

        if (a->in_compound || p.link != IBID_LINK_NONE)
            add_to_compound(a, &p, pos, form, flen, letters);

        if (flen <= 0)
            continue; /* too long or empty: not indexed, but the position is used */

        tok->form = form;
        tok->form_len = (size_t)flen;
        /* a form that is not all letters is its own term: the cache stores it unstemmed */
        size_t tl;
        const char *t = ibid_stem_cache_get_padded(a->cache, form, (size_t)flen, &tl, &tok->form_id);
        if (!t)
            return IBID_ENOMEM;
        tok->term = t;
        tok->term_len = tl;
        tok->flags = letters ? 0 : IBID_TOK_NUMBER;
        tok->pos = pos;
        tok->start = p.start;
        tok->end = p.end;
        return 1;
    }
    return 0;
}
