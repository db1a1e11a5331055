/*
 * catalog.h - ibid-catalog.tsv: work titles (and author, year) for the files of a folder.
 *
 * Format: UTF-8 text, one file a line, fields separated by tabs:
 *     FILE<TAB>TITLE[<TAB>AUTHOR[<TAB>YEAR]]
 * FILE is a path relative to the folder that holds the catalog ("000_b36bc166d576b6e2.txt",
 * "reports/2024.txt").  Empty lines and lines starting with '#' are ignored.  An empty TITLE
 * leaves the title to the text (or the file name).  A malformed line (no tab) is reported with
 * its line number and ignored.  A later entry for the same file replaces an earlier one.
 *
 * Ownership: the catalog owns every string; titles returned stay valid until ibid_catalog_free.
 */
#ifndef IBID_CATALOG_H
#define IBID_CATALOG_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"

typedef struct ibid_catalog_entry {
    const char *path;  /* display path: the catalog's folder joined with FILE */
    const char *title; /* NULL when empty */
    const char *author, *year; /* NULL when absent */
    size_t seq;        /* private: order of appearance, so a later entry wins */
} ibid_catalog_entry;

typedef struct ibid_catalog {
    ibid_catalog_entry *v;
    size_t n, cap;
    int sorted;
    ibid_arena arena;
} ibid_catalog;

/* Reads the catalog file at display path catalog_path and adds its entries.  Problems are
   reported through diag.  Returns IBID_OK, IBID_EIO (unreadable; reported) or IBID_ENOMEM. */
int ibid_catalog_load(ibid_catalog *c, const char *catalog_path, const ibid_diag *diag);
/* The entry for a display path, or NULL. */
const ibid_catalog_entry *ibid_catalog_find(ibid_catalog *c, const char *path);
void ibid_catalog_free(ibid_catalog *c);

#endif
