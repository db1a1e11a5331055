/*
 * index_dict.c - the term dictionary and the forms dictionary of an open index (index.h).
 *
 * Both are front-coded blocks of 32 sorted entries (docs/index-format.md, TERMDICT and
 * FORMDICT); a block's first entry is stored whole, so a binary search over the block index
 * compares first entries without decoding the blocks between, and one block is then scanned.
 * A term entry carries df, cf, max tf, the number of forms and the postings length; the
 * postings offset and the FORMLIST offset are sums within the block starting from the block
 * index's values.  A form entry carries its term's ordinal and its variant number.
 *
 * Every decoded value is checked: lengths within IBID_MAX_TERM and the block, counts within
 * the section sizes, so a corrupt block gives IBID_ECORRUPT, never an out-of-bounds read.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "index_impl.h"
#include "status.h"
#include "bitpack.h"
#include "vbyte.h"

typedef struct dict_cur {
    const uint8_t *p, *end;
    uint32_t left; /* entries left in the block */
    int first;
    uint32_t term; /* forms: the previous entry's term ordinal (entries code it as a delta) */
    size_t len;
    char s[IBID_MAX_TERM + 1];
} dict_cur;

static int get32(dict_cur *c, uint32_t *v)
{
    size_t k = ibid_vbyte_get32(c->p, c->end, v);
    c->p += k;
    return k ? IBID_OK : IBID_ECORRUPT;
}

static int get64(dict_cur *c, uint64_t *v)
{
    size_t k = ibid_vbyte_get64(c->p, c->end, v);
    c->p += k;
    return k ? IBID_OK : IBID_ECORRUPT;
}

/* Reads the front-coded string of the next entry. */
static int next_str(dict_cur *c)
{
    uint32_t pre, suf;
    if (!c->left || c->p >= c->end)
        return IBID_ECORRUPT;
    uint8_t h = *c->p++; /* pre << 4 | suf, or 0 and both in VByte */
    if (h) {
        pre = h >> 4;
        suf = h & 15;
    } else if (get32(c, &pre) || get32(c, &suf)) {
        return IBID_ECORRUPT;
    }
    if ((c->first ? pre != 0 : pre > c->len) || suf > IBID_MAX_TERM - pre || pre + suf == 0 ||
        suf > (size_t)(c->end - c->p))
        return IBID_ECORRUPT;
    /* entries strictly increase and pre is the longest common prefix with the previous one:
       the new string continues past the old one, or differs at byte pre with a larger byte */
    if (!c->first && (suf == 0 || (pre < c->len && c->p[0] <= (uint8_t)c->s[pre])))
        return IBID_ECORRUPT;
    memcpy(c->s + pre, c->p, suf);
    c->p += suf;
    c->len = pre + suf;
    c->s[c->len] = '\0';
    c->first = 0;
    c->left--;
    return IBID_OK;
}

static int cmp_key(const char *a, size_t al, const char *b, size_t bl)
{
    int r = memcmp(a, b, al < bl ? al : bl);
    if (r)
        return r;
    return al < bl ? -1 : al > bl;
}

/* ---- terms ---- */

typedef struct term_cur {
    dict_cur d;
    uint32_t ord;
    uint64_t post_off, post_end;
    uint32_t forms_off, forms_end;
} term_cur;

static void term_block(const ibid_index *ix, uint32_t b, term_cur *c)
{
    const uint8_t *e = ix->sec[IBID_SEC_TERMIDX].p + (size_t)IBID_TERMIDX_ENTRY * b;
    const uint8_t *dict = ix->sec[IBID_SEC_TERMDICT].p;
    c->d.p = dict + ibid_le32(e);
    c->d.end = dict + ibid_le32(e + IBID_TERMIDX_ENTRY);
    c->d.first = 1;
    c->d.len = 0;
    c->ord = b * IBID_IDX_TERM_BLOCK;
    c->d.left = ix->nterms - c->ord < IBID_IDX_TERM_BLOCK ? ix->nterms - c->ord : IBID_IDX_TERM_BLOCK;
    c->forms_off = ibid_le32(e + 4);
    c->forms_end = ibid_le32(e + IBID_TERMIDX_ENTRY + 4);
    c->post_off = ibid_le64(e + 8);
    c->post_end = ibid_le64(e + IBID_TERMIDX_ENTRY + 8);
}

/* Decodes the next entry of the block into *t (string in c->d.s). */
static int term_next(const ibid_index *ix, term_cur *c, ibid_term_info *t)
{
    uint32_t df, max_tf, nforms;
    uint64_t cfx, post_len;
    if (next_str(&c->d) || get32(&c->d, &df) || get64(&c->d, &cfx) || get32(&c->d, &max_tf) ||
        get32(&c->d, &nforms) || get64(&c->d, &post_len))
        return IBID_ECORRUPT;
    if (df == 0 || df > ix->npass || cfx > UINT64_MAX - df || max_tf == 0 || max_tf - 1 > cfx ||
        nforms == 0 || nforms > IBID_IDX_MAX_FORMS || nforms > c->forms_end - c->forms_off ||
        post_len == 0 || post_len > c->post_end - c->post_off)
        return IBID_ECORRUPT;
    t->ordinal = c->ord++;
    t->df = df;
    t->cf = df + cfx;
    t->max_tf = max_tf;
    t->nforms = nforms;
    t->post_off = c->post_off;
    t->post_len = post_len;
    t->forms_off = c->forms_off;
    c->post_off += post_len;
    c->forms_off += nforms;
    return IBID_OK;
}

int ibid_ix_term_at(const ibid_index *ix, uint32_t ord, ibid_term_info *out)
{
    if (ord >= ix->nterms)
        return IBID_ECORRUPT;
    term_cur c;
    term_block(ix, ord / IBID_IDX_TERM_BLOCK, &c);
    for (uint32_t i = 0; i <= ord % IBID_IDX_TERM_BLOCK; i++)
        if (term_next(ix, &c, out))
            return IBID_ECORRUPT;
    return 1;
}

int ibid_index_each_term(const ibid_index *ix,
                         int (*fn)(void *ctx, const char *term, size_t len, const ibid_term_info *t),
                         void *ctx)
{
    term_cur c;
    ibid_term_info t;
    for (uint32_t ord = 0; ord < ix->nterms; ord++) {
        if (ord % IBID_IDX_TERM_BLOCK == 0)
            term_block(ix, ord / IBID_IDX_TERM_BLOCK, &c);
        if (term_next(ix, &c, &t))
            return IBID_ECORRUPT;
        int r = fn(ctx, c.d.s, c.d.len, &t);
        if (r)
            return r;
    }
    return 0;
}

int ibid_index_term_text(const ibid_index *ix, uint32_t ordinal, char *buf, size_t cap)
{
    if (ordinal >= ix->nterms)
        return IBID_EINVAL;
    term_cur c;
    ibid_term_info t;
    term_block(ix, ordinal / IBID_IDX_TERM_BLOCK, &c);
    for (uint32_t i = 0; i <= ordinal % IBID_IDX_TERM_BLOCK; i++)
        if (term_next(ix, &c, &t))
            return IBID_ECORRUPT;
    if (c.d.len >= cap)
        return IBID_EINVAL;
    memcpy(buf, c.d.s, c.d.len + 1);
    return (int)c.d.len;
}

/* Reads block b's first string into c (for binary search). */
static int first_string(dict_cur *c)
{
    return next_str(c);
}

int ibid_index_lookup(const ibid_index *ix, const char *term, size_t len, ibid_term_info *out)
{
    if (len == 0 || len > IBID_MAX_TERM || ix->nterms == 0)
        return 0;
    uint32_t lo = 0, hi = ix->ntblocks; /* last block whose first term <= key, in [lo, hi) */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        term_cur c;
        term_block(ix, mid, &c);
        if (first_string(&c.d))
            return IBID_ECORRUPT;
        if (cmp_key(c.d.s, c.d.len, term, len) <= 0)
            lo = mid;
        else
            hi = mid;
    }
    term_cur c;
    term_block(ix, lo, &c);
    while (c.d.left) {
        ibid_term_info t;
        if (term_next(ix, &c, &t))
            return IBID_ECORRUPT;
        int r = cmp_key(c.d.s, c.d.len, term, len);
        if (r == 0) {
            *out = t;
            return 1;
        }
        if (r > 0)
            break;
    }
    return 0;
}

/* ---- forms ---- */

static void form_block(const ibid_index *ix, uint32_t b, dict_cur *c, uint32_t *ord)
{
    const uint8_t *fi = ix->sec[IBID_SEC_FORMIDX].p, *dict = ix->sec[IBID_SEC_FORMDICT].p;
    c->p = dict + ibid_le32(fi + 4 * (size_t)b);
    c->end = dict + ibid_le32(fi + 4 * (size_t)b + 4);
    c->first = 1;
    c->len = 0;
    *ord = b * IBID_IDX_FORM_BLOCK;
    c->left = ix->nforms - *ord < IBID_IDX_FORM_BLOCK ? ix->nforms - *ord : IBID_IDX_FORM_BLOCK;
}

static int form_next(const ibid_index *ix, dict_cur *c, uint32_t *term, uint32_t *variant)
{
    int first = c->first;
    uint64_t t;
    if (next_str(c) || get64(c, &t) || get32(c, variant))
        return IBID_ECORRUPT;
    if (!first) /* zigzag delta from the previous entry's term */
        t = t & 1 ? (uint64_t)c->term - ((t >> 1) + 1) : (uint64_t)c->term + (t >> 1);
    if (t >= ix->nterms || *variant >= IBID_IDX_MAX_FORMS) /* a negative result wrapped: >= */
        return IBID_ECORRUPT;
    *term = c->term = (uint32_t)t;
    return IBID_OK;
}

/* Fills the term of a form entry and checks the variant against it. */
static int form_term(const ibid_index *ix, uint32_t term, uint32_t variant, ibid_term_info *t)
{
    if (ibid_ix_term_at(ix, term, t) < 0 || variant >= t->nforms)
        return IBID_ECORRUPT;
    return IBID_OK;
}

/* Last form block whose first form compares below key (or <= when or_equal); 0 when none. */
static int form_search(const ibid_index *ix, const char *key, size_t len, int or_equal, uint32_t *block)
{
    uint32_t lo = 0, hi = ix->nfblocks;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2, ord;
        dict_cur c;
        form_block(ix, mid, &c, &ord);
        if (first_string(&c))
            return IBID_ECORRUPT;
        int r = cmp_key(c.s, c.len, key, len);
        if (r < 0 || (or_equal && r == 0))
            lo = mid;
        else
            hi = mid;
    }
    *block = lo;
    return IBID_OK;
}

int ibid_index_lookup_form(const ibid_index *ix, const char *form, size_t len,
                           ibid_term_info *term, uint32_t *variant)
{
    if (len == 0 || len > IBID_MAX_TERM || ix->nforms == 0)
        return 0;
    uint32_t b, ord;
    if (form_search(ix, form, len, 1, &b))
        return IBID_ECORRUPT;
    dict_cur c;
    form_block(ix, b, &c, &ord);
    while (c.left) {
        uint32_t t, v;
        if (form_next(ix, &c, &t, &v))
            return IBID_ECORRUPT;
        int r = cmp_key(c.s, c.len, form, len);
        if (r == 0) {
            if (form_term(ix, t, v, term))
                return IBID_ECORRUPT;
            *variant = v;
            return 1;
        }
        if (r > 0)
            break;
    }
    return 0;
}

int ibid_index_forms_with_prefix(const ibid_index *ix, const char *prefix, size_t len, size_t max,
                                 int (*fn)(void *ctx, const char *form, size_t form_len,
                                           const ibid_term_info *term, uint32_t variant),
                                 void *ctx)
{
    if (ix->nforms == 0 || len > IBID_MAX_TERM)
        return 0;
    uint32_t b = 0, ord;
    if (len && form_search(ix, prefix, len, 0, &b))
        return IBID_ECORRUPT;
    size_t visited = 0;
    for (; b < ix->nfblocks; b++) {
        dict_cur c;
        form_block(ix, b, &c, &ord);
        while (c.left) {
            uint32_t t, v;
            if (form_next(ix, &c, &t, &v))
                return IBID_ECORRUPT;
            if (c.len >= len && memcmp(c.s, prefix, len) == 0) {
                ibid_term_info ti;
                if (form_term(ix, t, v, &ti))
                    return IBID_ECORRUPT;
                int r = fn(ctx, c.s, c.len, &ti, v);
                if (r)
                    return r;
                if (max && ++visited >= max)
                    return 0;
            } else if (cmp_key(c.s, c.len, prefix, len) > 0) {
                return 0;
            }
        }
    }
    return 0;
}

/* Form number ord: its string into c. */
static int form_at(const ibid_index *ix, uint32_t ord, dict_cur *c, uint32_t *term, uint32_t *variant)
{
    if (ord >= ix->nforms)
        return IBID_ECORRUPT;
    uint32_t first;
    form_block(ix, ord / IBID_IDX_FORM_BLOCK, c, &first);
    for (uint32_t i = 0; i <= ord % IBID_IDX_FORM_BLOCK; i++)
        if (form_next(ix, c, term, variant))
            return IBID_ECORRUPT;
    return IBID_OK;
}

int ibid_index_term_form(const ibid_index *ix, const ibid_term_info *term, uint32_t variant,
                         char *buf, size_t cap)
{
    if (variant >= term->nforms)
        return IBID_EINVAL;
    if ((uint64_t)term->forms_off + variant >= ix->nformlist)
        return IBID_ECORRUPT;
    uint32_t ord = ibid_bitpack_get(ix->sec[IBID_SEC_FORMLIST].p, (size_t)term->forms_off + variant, ix->formlist_bits);
    dict_cur c;
    uint32_t t, v;
    if (form_at(ix, ord, &c, &t, &v) || t != term->ordinal || v != variant)
        return IBID_ECORRUPT;
    if (c.len + 1 > cap)
        return IBID_ELIMIT;
    memcpy(buf, c.s, c.len + 1);
    return (int)c.len;
}

/* ---- full check (ibid_index_verify) ---- */

int ibid_ix_verify_dict(const ibid_index *ix, char *err, size_t errlen)
{
    uint32_t *forms_off = malloc(((size_t)ix->nterms + 1) * sizeof *forms_off);
    uint32_t *nforms = malloc(((size_t)ix->nterms + 1) * sizeof *nforms);
    int rc = forms_off && nforms ? IBID_OK : IBID_ENOMEM;
    char prev[IBID_MAX_TERM + 1];
    size_t prevlen = 0;
    uint64_t postings = 0, occurrences = 0;
    for (uint32_t b = 0; b < ix->ntblocks && rc == IBID_OK; b++) {
        term_cur c;
        term_block(ix, b, &c);
        while (c.d.left && rc == IBID_OK) {
            ibid_term_info t;
            if (term_next(ix, &c, &t)) {
                rc = ibid_ix_corrupt(err, errlen, "term dictionary: bad entry in block %u", b);
                break;
            }
            if (t.ordinal > 0 && cmp_key(prev, prevlen, c.d.s, c.d.len) >= 0)
                rc = ibid_ix_corrupt(err, errlen, "term dictionary: terms out of order at %u", t.ordinal);
            memcpy(prev, c.d.s, c.d.len + 1);
            prevlen = c.d.len;
            forms_off[t.ordinal] = t.forms_off;
            nforms[t.ordinal] = t.nforms;
            postings += t.df;
            occurrences += t.cf;
            if (rc == IBID_OK)
                rc = ibid_ix_verify_postings(ix, &t, err, errlen);
        }
        if (rc == IBID_OK && (c.d.p != c.d.end || c.post_off != c.post_end || c.forms_off != c.forms_end))
            rc = ibid_ix_corrupt(err, errlen, "term dictionary: block %u does not add up", b);
    }
    if (rc == IBID_OK && (postings != ix->postings || occurrences != ix->occurrences))
        rc = ibid_ix_corrupt(err, errlen, "term dictionary: totals differ from META");
    prevlen = 0;
    for (uint32_t b = 0; b < ix->nfblocks && rc == IBID_OK; b++) {
        dict_cur c;
        uint32_t ord;
        form_block(ix, b, &c, &ord);
        while (c.left && rc == IBID_OK) {
            uint32_t t, v;
            if (form_next(ix, &c, &t, &v) || v >= nforms[t] ||
                ibid_bitpack_get(ix->sec[IBID_SEC_FORMLIST].p, (size_t)forms_off[t] + v, ix->formlist_bits) != ord ||
                (ord > 0 && cmp_key(prev, prevlen, c.s, c.len) >= 0)) {
                rc = ibid_ix_corrupt(err, errlen, "forms dictionary: bad form %u", ord);
                break;
            }
            memcpy(prev, c.s, c.len + 1);
            prevlen = c.len;
            ord++;
        }
        if (rc == IBID_OK && c.p != c.end)
            rc = ibid_ix_corrupt(err, errlen, "forms dictionary: block %u has trailing bytes", b);
    }
    free(forms_off);
    free(nforms);
    return rc;
}
