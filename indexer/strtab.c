/*
 * strtab.c - string interning with open addressing (see strtab.h).
 *
 * The hash is 64-bit FNV-1a folded to 32 bits; each entry keeps its hash so that probing and
 * rehashing compare and move integers, touching the strings only on a hash match.
 */
#include "strtab.h"

#include <stdlib.h>
#include <string.h>

#include "status.h"

void ibid_strtab_free(ibid_strtab *t)
{
    free(t->slots);
    free(t->ents);
    ibid_arena_free(&t->arena);
    memset(t, 0, sizeof *t);
}

uint32_t ibid_strtab_hash(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    return (uint32_t)(h ^ (h >> 32));
}

/* Equality of short strings without a library call (most words are under 16 bytes). */
static inline int same(const char *a, const char *b, size_t n)
{
    if (n > 16)
        return memcmp(a, b, n) == 0;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

uint32_t ibid_strtab_find(const ibid_strtab *t, const char *s, size_t len, uint32_t hash)
{
    if (!t->nslots)
        return UINT32_MAX;
    size_t mask = t->nslots - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        uint32_t v = t->slots[i];
        if (!v)
            return UINT32_MAX;
        const ibid_strtab_ent *e = &t->ents[v - 1];
        if (e->hash == hash && e->len == len && same(e->s, s, len))
            return v - 1;
    }
}

static int grow(ibid_strtab *t)
{
    size_t n = t->nslots ? t->nslots * 2 : 1024;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return IBID_ENOMEM;
    for (size_t id = 0; id < t->n; id++) {
        size_t i = t->ents[id].hash & (n - 1);
        while (slots[i])
            i = (i + 1) & (n - 1);
        slots[i] = (uint32_t)id + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = n;
    return IBID_OK;
}

int64_t ibid_strtab_intern(ibid_strtab *t, const char *s, size_t len, uint32_t hash, int *added)
{
    uint32_t id = ibid_strtab_find(t, s, len, hash);
    if (added)
        *added = 0;
    if (id != UINT32_MAX)
        return id;
    if (t->n >= UINT32_MAX - 2 || len > UINT32_MAX)
        return IBID_ENOMEM;
    if ((t->n + 1) * 2 > t->nslots && grow(t))
        return IBID_ENOMEM;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        ibid_strtab_ent *e = realloc(t->ents, cap * sizeof *e);
        if (!e)
            return IBID_ENOMEM;
        t->ents = e;
        t->cap = cap;
    }
    char *copy = ibid_arena_strndup(&t->arena, s, len);
    if (!copy)
        return IBID_ENOMEM;
    id = (uint32_t)t->n++;
    t->ents[id] = (ibid_strtab_ent){copy, (uint32_t)len, hash};
    size_t mask = t->nslots - 1, i = hash & mask;
    while (t->slots[i])
        i = (i + 1) & mask;
    t->slots[i] = id + 1;
    if (added)
        *added = 1;
    return id;
}
