/* corpus_fixture.h - for the search-quality tests: builds an index of the bundled corpus/
 * (IBID_SOURCE_DIR/corpus, every file, as ibid-index would) in a temporary folder.
 * Header-only (static functions): include it in one test file. */
#ifndef IBID_TEST_CORPUS_FIXTURE_H
#define IBID_TEST_CORPUS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index_build.h"
#include "parse.h"
#include "source.h"
#include "status.h"

/* Writes the index of corpus/ to dir/corpus.ibid (path gets the file name, cap bytes).
   Returns IBID_OK or an error status. */
static int corpus_fixture_build(const char *dir, char *path, size_t cap)
{
    snprintf(path, cap, "%s/corpus.ibid", dir);
    char *paths[] = {(char *)IBID_SOURCE_DIR "/corpus"};
    ibid_source_list sources = {0};
    int rc = ibid_sources_collect(&sources, paths, 1, NULL);
    ibid_builder *b = rc == IBID_OK ? ibid_builder_new(NULL) : NULL;
    if (!b)
        rc = IBID_ENOMEM;
    for (size_t i = 0; rc == IBID_OK && i < sources.n; i++) {
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
        }
        ibid_passages_free(&list);
    }
    if (rc == IBID_OK)
        rc = ibid_builder_write(b, path, NULL);
    ibid_builder_free(b);
    ibid_sources_free(&sources);
    return rc;
}

#endif
