/*
 * strtab.h - string interning for the index builder: maps byte strings to dense ids
 * 0, 1, 2... in order of first insertion (terms, forms, work and chapter titles).
 *
 * Open addressing with linear probing over a power-of-two table that doubles at 50% load;
 * every string is copied (NUL-terminated) into the table's arena.  Lookups never allocate.
 * The table owns its strings: they stay valid until ibid_strtab_free.
 */
#ifndef IBID_STRTAB_H
#define IBID_STRTAB_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef struct ibid_strtab_ent {
    const char *s; /* NUL-terminated, owned by the table */
    uint32_t len;
    uint32_t hash;
} ibid_strtab_ent;

typedef struct ibid_strtab {
    uint32_t *slots;        /* 0 = empty, else id + 1 */
    size_t nslots;          /* power of two */
    ibid_strtab_ent *ents;  /* by id */
    size_t n, cap;
    ibid_arena arena;
} ibid_strtab;

/* A zero-initialised ibid_strtab is empty and valid. */
void ibid_strtab_free(ibid_strtab *t);
uint32_t ibid_strtab_hash(const char *s, size_t len);
/* Returns the id of s, or UINT32_MAX when absent. hash = ibid_strtab_hash(s, len). */
uint32_t ibid_strtab_find(const ibid_strtab *t, const char *s, size_t len, uint32_t hash);
/* Returns the id of s, inserting it when absent (*added = 1 then; added may be NULL).
   Returns IBID_ENOMEM (negative, as int64) when out of memory or beyond UINT32_MAX - 1 ids. */
int64_t ibid_strtab_intern(ibid_strtab *t, const char *s, size_t len, uint32_t hash, int *added);

#endif
