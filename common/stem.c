/*
 * stem.c - the stem cache: libstemmer English behind an open-addressing hash table (stem.h).
 *
 * libstemmer costs some 2,000 instructions a word; a text repeats its words, so the cache
 * answers nearly every lookup (99.4 % on 100 MB of novels).  What a lookup costs is then the
 * memory it touches: the table of 110,000 forms is megabytes, and a token of a rare word
 * misses the caches.  So a slot (32 bytes, two to a 64-byte line, the table 64-byte aligned)
 * holds the form's first 16 bytes inline, zero-padded, with the form's number, both lengths
 * and a pointer to "form\0term\0" in the arena: a form of at most 16 bytes (nearly every
 * word) is found by comparing two words of its slot, and the term pointer is returned
 * without reading the string behind it.  One line per token, where the previous layout
 * (a tag and a pointer) read the slot and then the string: two misses for a rare word.
 * Longer forms compare their first 16 bytes in the slot and the rest in the arena.
 * Linear probing; the table doubles when it becomes half full.
 */
#include "stem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>

#include <libstemmer.h>

#include "analyze.h"
#include "arena.h"
#include "fold.h"
#include "le64.h"

typedef struct slot {
    uint64_t k0, k1;  /* the form's bytes 0-7 and 8-15 (little-endian words), zero past its end */
    const char *str;  /* "form\0term\0" in the arena; NULL for an empty slot */
    uint32_t id;      /* the form's number (order of first appearance) */
    uint8_t form_len, term_len;
} slot;

_Static_assert(sizeof(slot) == 32, "two slots to a 64-byte cache line");

struct ibid_stem_cache {
    struct sb_stemmer *stemmer;
    slot *slots;      /* 64-byte aligned */
    size_t mask;      /* capacity - 1, capacity a power of two */
    size_t count;
    ibid_arena arena;
};

/* Small at first: a searcher's analyzers meet a few hundred forms, and a sparse 16K-slot table
   (256 KiB) cost them about 60 page faults each (one ibid-search process on corpus/: 294 page
   faults, of which the two analyzers' tables took 120); the indexer grows it by doubling. */
enum { INITIAL_SLOTS = 1u << 9, INLINE_KEY = 16 };

/* Key words are loaded as little-endian numbers (le64.h), so that they hold their bytes in
   order from the lowest on every machine. */
static inline uint64_t load32(const char *p) { return ibid_le32_load(p); }

static inline uint64_t mix(uint64_t a, uint64_t b)
{
    uint64_t h = (a ^ (b * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
    return h ^ (h >> 32);
}

/* The inline key of s[0..n): bytes 0-7 in *k0 and 8-15 in *k1, zero past n, read with
   overlapping loads that never touch a byte past s[n-1] (no byte loop, no library call). */
static inline void key_of(const char *s, size_t n, uint64_t *k0, uint64_t *k1)
{
    if (n >= 16) {
        *k0 = ibid_le64_load(s);
        *k1 = ibid_le64_load(s + 8);
    } else if (n > 8) {
        *k0 = ibid_le64_load(s);
        *k1 = ibid_le64_load(s + n - 8) >> (8 * (16 - n));
    } else if (n == 8) {
        *k0 = ibid_le64_load(s);
        *k1 = 0;
    } else if (n >= 4) {
        *k0 = load32(s) | (load32(s + n - 4) >> (8 * (8 - n))) << 32;
        *k1 = 0;
    } else if (n > 0) {
        /* bytes 0, n/2 and n-1 are every byte of a key of 1 to 3 bytes */
        *k0 = (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[n >> 1] << (8 * (n >> 1)) |
              (uint64_t)(unsigned char)s[n - 1] << (8 * (n - 1));
        *k1 = 0;
    } else {
        *k0 = *k1 = 0;
    }
}

/* The same from a buffer that may be read 16 bytes from s whatever n is: two loads, masked. */
static inline void key_of_padded(const char *s, size_t n, uint64_t *k0, uint64_t *k1)
{
    uint64_t m0 = n >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * n)) - 1;
    uint64_t m1 = n >= 16 ? ~(uint64_t)0 : n <= 8 ? 0 : ((uint64_t)1 << (8 * (n - 8))) - 1;
    *k0 = ibid_le64_load(s) & m0;
    *k1 = ibid_le64_load(s + 8) & m1;
}

/* The hash of a form: its key words and length, then (past 16 bytes) the rest of it. */
static inline uint64_t hash_of(const char *s, size_t n, uint64_t k0, uint64_t k1)
{
    uint64_t h = mix(k0 ^ (uint64_t)n * 0xa0761d6478bd642fULL, k1 ^ 0xe7037ed1a0b428dbULL);
    if (n > INLINE_KEY) {
        for (size_t i = INLINE_KEY; i + 8 < n; i += 8)
            h = mix(h ^ ibid_le64_load(s + i), 0xe7037ed1a0b428dbULL);
        h = mix(h ^ ibid_le64_load(s + n - 8), 0xa0761d6478bd642fULL);
    }
    return h;
}

/* Equality of the bytes past the inline key: a[16..n) and b[16..n), n > 16. */
static inline int same_tail(const char *a, const char *b, size_t n)
{
    for (size_t i = INLINE_KEY; i + 8 < n; i += 8)
        if (ibid_le64_load(a + i) != ibid_le64_load(b + i))
            return 0;
    return ibid_le64_load(a + n - 8) == ibid_le64_load(b + n - 8);
}

/* A table this large (the indexer's, past 65,536 slots) is aligned to 2 MiB and asks for
   transparent huge pages: a token of a rare word then costs its slot's cache miss without a
   TLB miss as well (8 MB of table is 2,048 pages of 4 KiB). */
enum { HUGE_TABLE = 2u << 20 };

/* A zeroed, 64-byte aligned table of cap slots (cap a power of two, at least 2); NULL when out
   of memory. */
static slot *new_table(size_t cap)
{
    if (cap > SIZE_MAX / sizeof(slot))
        return NULL;
    size_t bytes = cap * sizeof(slot);
    slot *t = aligned_alloc(bytes >= HUGE_TABLE ? HUGE_TABLE : 64, bytes);
    if (!t)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (bytes >= HUGE_TABLE)
        (void)madvise(t, bytes, MADV_HUGEPAGE); /* advice only: without it, 4 KiB pages */
#endif
    memset(t, 0, bytes);
    return t;
}

ibid_stem_cache *ibid_stem_cache_new(void)
{
    ibid_stem_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->stemmer = sb_stemmer_new("english", "UTF_8");
    c->slots = new_table(INITIAL_SLOTS);
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
    slot *ns = new_table(cap);
    if (!ns)
        return -1;
    for (size_t i = 0; i <= c->mask; i++) {
        const slot *o = &c->slots[i];
        if (!o->str)
            continue;
        size_t j = (size_t)hash_of(o->str, o->form_len, o->k0, o->k1) & (cap - 1);
        while (ns[j].str)
            j = (j + 1) & (cap - 1);
        ns[j] = *o;
    }
    free(c->slots);
    c->slots = ns;
    c->mask = cap - 1;
    return 0;
}

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline, cold))
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define NOINLINE
#define ALWAYS_INLINE inline
#endif

/* A form not in the table: stems it (letters only), copies it and its term into the arena and
   inserts it at slot j (the empty slot its probe ended on).  Returns the term, or NULL when out
   of memory. */
static NOINLINE const char *insert(ibid_stem_cache *c, const char *form, size_t len, uint64_t k0, uint64_t k1,
                          uint64_t h, size_t j, size_t *term_len, uint32_t *id)
{
    if (c->count >= UINT32_MAX) /* form numbers are 32-bit */
        return NULL;
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
    char *str = ibid_arena_alloc(&c->arena, len + tlen + 2);
    if (!str)
        return NULL;
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
    s->k0 = k0;
    s->k1 = k1;
    s->str = str;
    s->id = (uint32_t)c->count;
    s->form_len = (uint8_t)len;
    s->term_len = (uint8_t)tlen;
    c->count++;
    *term_len = tlen;
    *id = s->id;
    return str + len + 1;
}

/* The lookup, for a key already made: probes from the hash; inserts the form when absent
   (out of line: the hit path keeps few registers to save). */
static ALWAYS_INLINE const char *lookup(ibid_stem_cache *c, const char *form, size_t len, uint64_t k0, uint64_t k1,
                                 size_t *term_len, uint32_t *id)
{
    uint64_t h = hash_of(form, len, k0, k1);
    size_t j = (size_t)h & c->mask;
    for (;;) {
        const slot *s = &c->slots[j];
        if (!s->str)
            break;
        if (s->k0 == k0 && s->k1 == k1 && s->form_len == len &&
            (len <= INLINE_KEY || same_tail(s->str, form, len))) {
            *term_len = s->term_len;
            *id = s->id;
            return s->str + len + 1;
        }
        j = (j + 1) & c->mask;
    }
    return insert(c, form, len, k0, k1, h, j, term_len, id);
}

const char *ibid_stem_cache_get(ibid_stem_cache *c, const char *form, size_t len, size_t *term_len)
{
    uint32_t id;
    return ibid_stem_cache_get_id(c, form, len, term_len, &id);
}

const char *ibid_stem_cache_get_id(ibid_stem_cache *c, const char *form, size_t len, size_t *term_len,
                                   uint32_t *id)
{
    if (len > IBID_MAX_TERM)
        return NULL;
    uint64_t k0, k1;
    key_of(form, len, &k0, &k1);
    return lookup(c, form, len, k0, k1, term_len, id);
}

const char *ibid_stem_cache_get_padded(ibid_stem_cache *c, const char *form, size_t len, size_t *term_len,
                                       uint32_t *id)
{
    if (len > IBID_MAX_TERM)
        return NULL;
    uint64_t k0, k1;
    key_of_padded(form, len, &k0, &k1);
    return lookup(c, form, len, k0, k1, term_len, id);
}
