/* catalog.c - reading ibid-catalog.tsv sidecars (see catalog.h). */
#include "catalog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

static int add_entry(ibid_catalog *c, const ibid_catalog_entry *e)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        ibid_catalog_entry *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return IBID_ENOMEM;
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n] = *e;
    c->v[c->n].seq = c->n;
    c->n++;
    c->sorted = 0;
    return IBID_OK;
}

/* Next tab-separated field of [*p, end), trimmed of spaces; NULL when empty. */
static const char *field(ibid_catalog *c, const char **p, const char *end, int *oom)
{
    const char *s = *p;
    const char *tab = memchr(s, '\t', (size_t)(end - s));
    const char *e = tab ? tab : end;
    *p = tab ? tab + 1 : end;
    while (s < e && (*s == ' ' || *s == '\r'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\r'))
        e--;
    if (s == e)
        return NULL;
    const char *r = ibid_arena_strndup(&c->arena, s, (size_t)(e - s));
    if (!r)
        *oom = 1;
    return r;
}

int ibid_catalog_load(ibid_catalog *c, const char *catalog_path, const ibid_diag *diag)
{
    FILE *f = fopen(catalog_path, "r");
    if (!f) {
        ibid_diagf(diag, catalog_path, 0, "cannot read catalog: %s", strerror(errno));
        return IBID_EIO;
    }
    const char *slash = strrchr(catalog_path, '/');
    size_t dirlen = slash ? (size_t)(slash - catalog_path) + 1 : 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int rc = IBID_OK;
    while (rc == IBID_OK && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        const char *p = line, *end = line + n;
        while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
            end--;
        if (p == end || *p == '#')
            continue;
        if (!memchr(p, '\t', (size_t)(end - p))) {
            ibid_diagf(diag, catalog_path, lineno, "catalog line has no tab (FILE<TAB>TITLE), ignored");
            continue;
        }
        int oom = 0;
        const char *file = field(c, &p, end, &oom);
        ibid_catalog_entry e = {0};
        e.title = field(c, &p, end, &oom);
        e.author = p < end ? field(c, &p, end, &oom) : NULL;
        e.year = p < end ? field(c, &p, end, &oom) : NULL;
        if (oom) {
            rc = IBID_ENOMEM;
            break;
        }
        if (!file) {
            ibid_diagf(diag, catalog_path, lineno, "catalog line has an empty FILE, ignored");
            continue;
        }
        size_t flen = strlen(file);
        char *path = ibid_arena_alloc(&c->arena, dirlen + flen + 1);
        if (!path) {
            rc = IBID_ENOMEM;
            break;
        }
        memcpy(path, catalog_path, dirlen);
        memcpy(path + dirlen, file, flen + 1);
        e.path = path;
        rc = add_entry(c, &e);
    }
    if (rc == IBID_OK && ferror(f)) {
        ibid_diagf(diag, catalog_path, 0, "read error in catalog");
        rc = IBID_EIO;
    }
    free(line);
    fclose(f);
    return rc;
}

static int cmp_entry(const void *a, const void *b)
{
    const ibid_catalog_entry *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (c)
        return c;
    return x->seq < y->seq ? -1 : (x->seq > y->seq); /* later entries after earlier ones */
}

const ibid_catalog_entry *ibid_catalog_find(ibid_catalog *c, const char *path)
{
    if (!c->n)
        return NULL;
    if (!c->sorted) {
        qsort(c->v, c->n, sizeof *c->v, cmp_entry);
        c->sorted = 1;
    }
    size_t lo = 0, hi = c->n;
    const ibid_catalog_entry *found = NULL;
    while (lo < hi) { /* last entry with this path */
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(c->v[mid].path, path);
        if (r <= 0) {
            if (r == 0)
                found = &c->v[mid];
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return found;
}

void ibid_catalog_free(ibid_catalog *c)
{
    free(c->v);
    ibid_arena_free(&c->arena);
    memset(c, 0, sizeof *c);
}
