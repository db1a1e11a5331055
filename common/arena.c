/* arena.c - bump allocator (see arena.h). Chunks grow to fit large requests. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ibid_arena_chunk {
    ibid_arena_chunk *next;
    size_t used, cap;
    _Alignas(8) unsigned char data[];
};

enum { CHUNK_SIZE = 64 * 1024 };

void *ibid_arena_alloc(ibid_arena *a, size_t n)
{
    if (n > ((size_t)1 << 30))
        return NULL;
    n = (n + 7) & ~(size_t)7;
    ibid_arena_chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > CHUNK_SIZE / 2 ? n : CHUNK_SIZE;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->used = 0;
        c->cap = cap;
        /* A large private chunk goes behind the current one so the current keeps filling. */
        if (cap > CHUNK_SIZE && a->head) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

char *ibid_arena_strndup(ibid_arena *a, const char *s, size_t n)
{
    char *p = ibid_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void ibid_arena_free(ibid_arena *a)
{
    ibid_arena_chunk *c = a->head;
    while (c) {
        ibid_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}
