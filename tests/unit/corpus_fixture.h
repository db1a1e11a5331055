/* corpus_fixture.h - fixtures for the unit tests: fixture_slurp() reads a whole file (a corpus
 * text, a SciFact or Gutenberg file) and corpus_fixture_build() builds an index of the bundled
 * corpus/ (IBID_SOURCE_DIR/corpus, every file, as ibid-index would) in a temporary folder
 * (corpus_fixture_build_files() of a chosen subset of its files, to any path);
 * corpus_index_open() also opens it with an analyzer, for tests of searcher modules.
 * Header-only (static inline functions, so a test may use either or both); include it after
 * <cmocka.h> or on its own (it includes cmocka's prerequisites). */
#ifndef IBID_TEST_CORPUS_FIXTURE_H
#define IBID_TEST_CORPUS_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "index.h"
#include "index_build.h"
#include "parse.h"
#include "source.h"
#include "status.h"

/* Reads the whole file at path into a malloc'd, NUL-terminated buffer (caller frees);
   *len gets its length without the NUL.  Fails the running test on any error. */
static inline char *fixture_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    assert_int_equal(fclose(f), 0);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

/* corpus_fixture_build_files' mask for every file of corpus/, however many there are. */
#define CORPUS_FIXTURE_EVERY UINT64_MAX

/* Writes to path the index of the files of corpus/ whose rank in path order is set in mask
   (bit i: the i-th file; CORPUS_FIXTURE_EVERY: all), each parsed and added as ibid-index does
   (a file that cannot be read is skipped).  *nfiles gets how many files corpus/ holds and
   *nindexed how many went into the index (either may be NULL).  Returns IBID_OK or an error
   status. */
static inline int corpus_fixture_build_files(uint64_t mask, const char *path, size_t *nfiles, size_t *nindexed)
{
    char *paths[] = {(char *)IBID_SOURCE_DIR "/corpus"};
    ibid_source_list sources = {0};
    size_t added = 0;
    int rc = ibid_sources_collect(&sources, paths, 1, NULL);
    ibid_builder *b = rc == IBID_OK ? ibid_builder_new(NULL) : NULL;
    if (!b)
        rc = IBID_ENOMEM;
    for (size_t i = 0; rc == IBID_OK && i < sources.n; i++) {
        if (mask != CORPUS_FIXTURE_EVERY && (i >= 64 || !(mask >> i & 1)))
            continue;
        char *data = NULL;
        size_t len = 0;
        if (ibid_source_read(sources.v[i].path, &data, &len, NULL) != IBID_READ_OK)
            continue;
        ibid_parse_ctx ctx = {.file = sources.v[i].path, .work = NULL, .diag = NULL};
        ibid_passage_list list = {0};
        rc = ibid_parse(IBID_FMT_AUTO, &ctx, data, len, &list);
        free(data);
        if (rc == IBID_OK) {
            ibid_passages_sort(&list);
            rc = ibid_builder_add_file(b, sources.v[i].path, sources.v[i].size, sources.v[i].mtime, &list);
            added += rc == IBID_OK;
        }
        ibid_passages_free(&list);
    }
    if (rc == IBID_OK)
        rc = ibid_builder_write(b, path, NULL);
    if (nfiles)
        *nfiles = sources.n;
    if (nindexed)
        *nindexed = added;
    ibid_builder_free(b);
    ibid_sources_free(&sources);
    return rc;
}

/* Writes the index of corpus/ to dir/corpus.ibid (path gets the file name, cap bytes).
   Returns IBID_OK or an error status. */
static inline int corpus_fixture_build(const char *dir, char *path, size_t cap)
{
    snprintf(path, cap, "%s/corpus.ibid", dir);
    return corpus_fixture_build_files(CORPUS_FIXTURE_EVERY, path, NULL, NULL);
}

/* An index of corpus/ in a fresh temporary folder, opened, with an analyzer: the set-up that
   tests of searcher modules share.  corpus_index_open returns 0, or -1 when anything failed
   (what was made is undone); corpus_index_close removes the index and its folder. */
typedef struct corpus_index {
    char dir[256], path[300];
    ibid_index *ix;
    ibid_analyzer *an;
} corpus_index;

static inline void corpus_index_close(corpus_index *fx)
{
    ibid_analyzer_free(fx->an);
    ibid_index_close(fx->ix);
    fx->an = NULL;
    fx->ix = NULL;
    if (fx->path[0])
        unlink(fx->path);
    if (fx->dir[0])
        rmdir(fx->dir);
}

static inline int corpus_index_open(corpus_index *fx, const char *name)
{
    memset(fx, 0, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/ibid_test_%s_XXXXXX", name);
    if (!mkdtemp(fx->dir)) {
        fx->dir[0] = '\0';
        return -1;
    }
    char err[200];
    if (corpus_fixture_build(fx->dir, fx->path, sizeof fx->path) != IBID_OK ||
        ibid_index_open(fx->path, &fx->ix, err, sizeof err) < 0 || !(fx->an = ibid_analyzer_new())) {
        corpus_index_close(fx);
        return -1;
    }
    return 0;
}

#endif
