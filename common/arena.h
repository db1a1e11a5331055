/*
 * arena.h - a bump allocator for objects that live and die together.
 *
 * A parser puts every string of a file's passages into one arena; freeing the arena frees
 * them all.  Allocations are 8-byte aligned.  The arena owns every pointer it returns; the
 * caller never frees them one by one.  An ibid_arena is valid when zero-initialised.
 */
#ifndef IBID_ARENA_H
#define IBID_ARENA_H

#include <stddef.h>

typedef struct ibid_arena_chunk ibid_arena_chunk;
typedef struct ibid_arena {
    ibid_arena_chunk *head; /* newest chunk; NULL when empty */
} ibid_arena;

/* Returns n bytes (uninitialised), or NULL when out of memory or n is absurd (> 1 GiB). */
void *ibid_arena_alloc(ibid_arena *a, size_t n);
/* Copies s[0..n) and appends a NUL. Returns NULL when out of memory. */
char *ibid_arena_strndup(ibid_arena *a, const char *s, size_t n);
/* Frees every allocation and leaves the arena empty and reusable. */
void ibid_arena_free(ibid_arena *a);

#endif
