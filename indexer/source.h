/*
 * source.h - finding the input files under the PATH arguments and reading them safely.
 *
 * ibid_sources_collect walks files and folders like `grep -r`: a PATH that is a file is taken
 * as it is (whatever its name); inside folders, entries are visited in name order, hidden
 * entries (".name") are skipped, symbolic links to files are followed, symbolic links to
 * folders are not (so link loops cannot trap the walk), and sidecar metadata is set aside:
 * "ibid-catalog.tsv" is recorded in catalogs[], and every other name starting with "ibid-"
 * (ibid-synonyms.txt, ...) or ending in ".ibid" or ".ibid.synonyms" (an index and its synonyms)
 * is neither indexed nor reported.
 * Display paths are built from the PATH argument as given: "corpus/" + "000.txt" gives
 * "corpus/000.txt".  The list is sorted by display path (strcmp) and de-duplicated.
 *
 * ibid_source_read reads a whole file and makes it safe for the parsers: a file with a NUL
 * byte in its first 8 KiB is binary (skipped); an empty file is skipped; other NUL bytes and
 * invalid UTF-8 sequences are replaced with U+FFFD and reported once per file with the line
 * of the first one; a UTF-8 BOM is dropped.  Files larger than IBID_MAX_FILE are refused.
 *
 * A PDF (a file that starts with "%PDF-", or whose name ends in ".pdf" in any case) is not read
 * as text: ibid_source_read runs Debian's `pdftotext -layout -enc UTF-8 FILE -` (poppler-utils)
 * through posix_spawnp, with no shell, stdin from /dev/null, and reads its standard output
 * (the text, with a form feed after every page) and the last line of its standard error.  A
 * pdftotext that cannot be found ("install poppler-utils"), that exits with a nonzero status or
 * is killed, that writes nothing for 10 minutes (IBID_PDFTOTEXT_IDLE_MS; it is then stopped),
 * or whose output holds no text (a scanned PDF), is reported once through diag as
 * "path: pdftotext ...: ..., skipped" and the file is skipped.  The text is then cleaned as
 * above (no binary test).  The caller keeps the PDF's own size and mtime (ibid_source).
 */
#ifndef IBID_SOURCE_H
#define IBID_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define IBID_MAX_FILE ((uint64_t)1 << 31) /* 2 GiB: larger files are skipped with a message */

typedef struct ibid_source {
    char *path;     /* display path (malloc'd, owned by the list) */
    uint64_t size;
    int64_t mtime;
} ibid_source;

typedef struct ibid_source_list {
    ibid_source *v;
    size_t n, cap;
    char **catalogs;   /* display paths of ibid-catalog.tsv files found (malloc'd) */
    size_t ncatalogs;
    size_t problems;   /* paths that could not be read (reported through diag) */
} ibid_source_list;

/* Rewrites path in place to one spelling per file, so that a file indexed as corpus/x.txt is
   the same file when a later run names ./corpus/x.txt or corpus//x.txt: repeated slashes become
   one, "." components go, and so does a trailing slash ("/" and "." stay).  ".." is kept (it
   may cross a symbolic link).  Indexed paths are the citations' paths: ibid-index normalises
   every PATH and --remove argument before use. */
void ibid_path_normalize(char *path);

/* Adds the files under each of paths[0..npaths). Unreadable or missing paths are reported
   through diag and counted in list->problems; the walk goes on.  Returns IBID_OK or
   IBID_ENOMEM. */
int ibid_sources_collect(ibid_source_list *list, char *const *paths, size_t npaths,
                         const ibid_diag *diag);
void ibid_sources_free(ibid_source_list *list);

/* Outcome of reading one file. */
typedef enum ibid_read_result {
    IBID_READ_OK = 0,      /* *data holds the cleaned text (maybe with replacements reported) */
    IBID_READ_SKIPPED = 1, /* binary, empty, too large or unreadable: reported, nothing to index */
    IBID_READ_NOMEM = 2
} ibid_read_result;

/* Reads path into *data (malloc'd, NUL-terminated, *len bytes without the NUL; the caller
   frees it).  Reports problems through diag as "path[:line]: message". */
ibid_read_result ibid_source_read(const char *path, char **data, size_t *len, const ibid_diag *diag);

/* As ibid_source_read, and sets *from_pdf (when not NULL) to 1 when *data is pdftotext's text
   of a PDF, else 0: such text is to be parsed as IBID_FMT_PDFTEXT (parse.h), which
   ibid_detect_format picks anyway from its form feeds. */
ibid_read_result ibid_source_read_ex(const char *path, char **data, size_t *len, int *from_pdf,
                                     const ibid_diag *diag);

/* 1 when a file whose first bytes are head[0..n) and whose name is path is a PDF to be read
   through pdftotext ("%PDF-" at the start, or a ".pdf" name in any case); else 0. */
int ibid_source_is_pdf(const char *path, const char *head, size_t n);

/* Replaces invalid UTF-8 and NUL bytes in buf[0..len) with U+FFFD (may grow the text: when
   anything is replaced, *buf is freed and replaced by a new malloc'd, NUL-terminated buffer;
   it must be malloc'd).  Sets *first_bad_line to the 1-based
   line of the first replacement (0 when none) and returns the number of replacements, or
   -1 when out of memory (buf unchanged). */
long ibid_utf8_sanitize(char **buf, size_t *len, long *first_bad_line);

#endif
