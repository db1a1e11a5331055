/*
 * stem.c - the stem cache: libstemmer English behind an open-addressing hash table (stem.h).
 *
 * libstemmer costs some 2,000 instructions a word; a text repeats its words, so the cache
 * answers nearly every lookup (99.4 % on 100 MB of novels) with one hash, usually one probe and
 * one compare, all inline (overlapping word loads, no library call).
 * Each slot holds a 32-bit tag (high half of the 64-bit hash), the two lengths and a pointer
 * to "form\0term\0" in the arena, which is preceded by the form's number (4 bytes: the order
 * of first appearance, for ibid_stem_cache_get_id).  The table doubles when it becomes half
 * full.
 */
#include "stem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "analyze.h"
#include "arena.h"
#include "fold.h"

typedef struct slot {
    const char *str; /* "form\0term\0" in the arena; NULL for an empty slot */
    uint32_t tag;    /* hash >> 32 */
    uint8_t form_len, term_len;
} slot;

struct ibid_stem_cache {
    struct sb_stemmer *stemmer;
    slot *slots;
    size_t mask; /* capacity - 1, capacity a power of two */
    size_t count;
    ibid_arena arena;
};

/* Small at first: a searcher's analyzers meet a few hundred forms, and a sparse 16K-slot table
   (256 KiB) cost them about 60 page faults each (one ibid-search process on corpus/: 294 page
   faults, of which the two analyzers' tables took 120); the indexer grows it by doubling. */
enum { INITIAL_SLOTS = 1u << 10 };

static inline uint64_t load64(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static inline uint64_t load32(const char *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

static inline uint64_t mix(uint64_t a, uint64_t b)
{
    uint64_t h = (a ^ (b * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
    return h ^ (h >> 32);
}

/* A hash for short keys: whole 8-byte words, then the last 8 (or 4, or 1-3) bytes read with
   overlapping loads, so that no byte loop and no library call is needed. */
static inline uint64_t hash_form(const char *s, size_t n)
{
    const uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL;
    uint64_t h = k0 ^ (uint64_t)n, a, b;
    if (n > 8) {
        size_t i = 0;
        for (; i + 8 < n; i += 8)
            h = mix(h ^ load64(s + i), k1);
        a = load64(s + n - 8);
        b = 0;
    } else if (n >= 4) {
        a = load32(s);
        b = load32(s + n - 4);
    } else if (n > 0) {
        a = ((uint64_t)(unsigned char)s[0] << 16) | ((uint64_t)(unsigned char)s[n >> 1] << 8) |
            (uint64_t)(unsigned char)s[n - 1];
        b = 0;
    } else {
        a = b = 0;
    }
    return mix(h ^ a ^ k1, b ^ k0 ^ (uint64_t)n);
}

/* Equality of two keys of the same length n <= IBID_MAX_TERM, without a library call. */
static inline int same_form(const char *a, const char *b, size_t n)
{
    if (n >= 8) {
        size_t i = 0;
        for (; i + 8 < n; i += 8)
            if (load64(a + i) != load64(b + i))
                return 0;
        return load64(a + n - 8) == load64(b + n - 8);
    }
    if (n >= 4)
        return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
    if (n == 0)
        return 1;
    /* bytes 0, n/2 and n-1 cover every byte of a key of 1 to 3 bytes */
    return a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1];
}

ibid_stem_cache *ibid_stem_cache_new(void)
{
    ibid_stem_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->stemmer = sb_stemmer_new("english", "UTF_8");
    c->slots = calloc(INITIAL_SLOTS, sizeof *c->slots);
    if (!c->stemmer || !c->slots) {
        ibid_stem_cache_free(c);
        return NULL;
    }
    c->mask = INITIAL_SLOTS - 1;
    return c;
}

void ibid_stem_cache_free(ibid_stem_cache *c)
{
    if (!c)
        return;
    if (c->stemmer)
        sb_stemmer_delete(c->stemmer);
    free(c->slots);
    ibid_arena_free(&c->arena);
    free(c);
}

size_t ibid_stem_cache_size(const ibid_stem_cache *c)
{
    return c->count;
}

/* Doubles the table. Returns 0, or -1 when out of memory (the table is then unchanged). */
static int grow(ibid_stem_cache *c)
{
    size_t cap = (c->mask + 1) * 2;
    if (cap > SIZE_MAX / sizeof(slot))
        return -1;
    slot *ns = calloc(cap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t i = 0; i <= c->mask; i++) {
        const slot *o = &c->slots[i];
        if (!o->str)
            continue;
        size_t j = (size_t)hash_form(o->str, o->form_len) & (cap - 1);
        while (ns[j].str)
            j = (j + 1) & (cap - 1);
        ns[j] = *o;
    }
    free(c->slots);
    c->slots = ns;
    c->mask = cap - 1;
    return 0;
}

const char *ibid_stem_cache_get(ibid_stem_cache *c, const char *form, size_t len, size_t *term_len)
{
    uint32_t id;
    return ibid_stem_cache_get_id(c, form, len, term_len, &id);
}

const char *ibid_stem_cache_get_id(ibid_stem_cache *c, const char *form, size_t len, size_t *term_len,
                                   uint32_t *id)
{
    if (len > IBID_MAX_TERM || c->count >= UINT32_MAX)
        return NULL;
    uint64_t h = hash_form(form, len);
    uint32_t tag = (uint32_t)(h >> 32);
    size_t j = (size_t)h & c->mask;
    for (;;) {
        const slot *s = &c->slots[j];
        if (!s->str)
            break;
        if (s->tag == tag && s->form_len == len && same_form(s->str, form, len)) {
            *term_len = s->term_len;
            memcpy(id, s->str - 4, 4);
            return s->str + len + 1;
        }
        j = (j + 1) & c->mask;
    }

    /* a new form: stem it (letters only) and insert it at slot j */
    const char *term = form;
    size_t tlen = len;
    if (ibid_form_is_letters(form, len)) {
        const sb_symbol *st = sb_stemmer_stem(c->stemmer, (const sb_symbol *)form, (int)len);
        if (!st)
            return NULL;
        int sl = sb_stemmer_length(c->stemmer);
        if (sl >= 0 && sl <= UINT8_MAX) { /* always: a stem is never longer than its word */
            term = (const char *)st;
            tlen = (size_t)sl;
        }
    }
    char *str = ibid_arena_alloc(&c->arena, 4 + len + tlen + 2);
    if (!str)
        return NULL;
    uint32_t nid = (uint32_t)c->count;
    memcpy(str, &nid, 4);
    str += 4;
    memcpy(str, form, len);
    str[len] = '\0';
    memcpy(str + len + 1, term, tlen);
    str[len + 1 + tlen] = '\0';

    if ((c->count + 1) * 2 > c->mask + 1) {
        if (grow(c) != 0)
            return NULL;
        j = (size_t)h & c->mask;
        while (c->slots[j].str)
            j = (j + 1) & c->mask;
    }
    slot *s = &c->slots[j];
    s->str = str;
    s->tag = tag;
    s->form_len = (uint8_t)len;
    s->term_len = (uint8_t)tlen;
    c->count++;
    *term_len = tlen;
    *id = nid;
    return str + len + 1;
}
