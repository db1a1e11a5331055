/*
 * synonyms_sidecar.c - writes INDEX.synonyms from the ibid-synonyms.txt files beside the
 * sources (see synonyms_sidecar.h).
 *
 * The folders are the display paths of the sources up to their last '/', sorted and taken
 * once (an incremental ibid-index passes the live files of the whole new generation, not only
 * its run's sources).  The sidecar is replaced with ibid_atomic_write (".NAME.tmp.PID", which the
 * next ibid-index removes when a killed run left it).  The files are copied byte for byte.
 *
 * Then the keys file (synonyms.h): the sidecar's text parsed once here, with the analyzer the
 * searcher uses, so that ibid-search loads the finished groups instead of stemming every
 * variant on every run.  It is written in place, not through a temporary file: the searcher
 * checks it whole (its own hash, the sidecar text's length and hash) and parses the sidecar when
 * it does not check, so a torn or stale keys file costs time, never answers; and a killed run
 * leaves no temporary file behind.  No synonyms: no keys file.
 */
#include "synonyms_sidecar.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze.h"
#include "atomic_file.h"
#include "buf.h"
#include "status.h"
#include "synonyms.h"

/* ibid_synonyms_folder_files's path_at over a source list. */
static const char *source_path(const void *ctx, size_t i)
{
    return ((const ibid_source_list *)ctx)->v[i].path;
}

/* Writes (or removes, when text is empty) the keys file of the sidecar at side_path.  Problems
   are not errors (the searcher parses the sidecar instead) but are reported. */
static void write_keys(const char *side_path, const char *text, size_t len, const ibid_diag *diag)
{
    ibid_buf path = {0}, keys = {0};
    if (ibid_buf_puts(&path, side_path) < 0 || ibid_buf_puts(&path, IBID_SYNONYMS_KEYS) < 0) {
        ibid_buf_free(&path);
        return;
    }
    if (len == 0) {
        unlink(path.data);
        ibid_buf_free(&path);
        return;
    }
    ibid_analyzer *an = ibid_analyzer_new();
    ibid_synonyms *syn = NULL;
    int rc = an ? ibid_synonyms_parse(an, text, len, side_path, NULL, &syn) : IBID_ENOMEM;
    if (rc == IBID_OK)
        rc = ibid_synonyms_keys_encode(syn, an, text, len, &keys);
    ibid_synonyms_free(syn);
    ibid_analyzer_free(an);
    int fd = rc == IBID_OK ? open(path.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
    size_t done = 0;
    while (fd >= 0 && done < keys.len) {
        ssize_t w = write(fd, keys.data + done, keys.len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    if (fd >= 0 && close(fd) != 0)
        done = 0;
    if (rc != IBID_OK || fd < 0 || done != keys.len) {
        int saved = errno;
        unlink(path.data); /* a stale keys file would be ignored anyway; a torn one too */
        ibid_diagf(diag, path.data, 0, "cannot write the synonyms keys (searches parse %s instead): %s", side_path,
                   rc != IBID_OK ? ibid_strerror(rc) : strerror(saved));
    }
    ibid_buf_free(&keys);
    ibid_buf_free(&path);
}

int ibid_synonyms_sidecar_write(const char *index_path, const ibid_source_list *sources,
                                const ibid_diag *diag)
{
    ibid_buf out = {0}, path = {0};
    char **files;
    size_t nfiles;
    int rc = ibid_synonyms_folder_files(sources->n, source_path, sources, &files, &nfiles);
    for (size_t i = 0; i < nfiles && rc == IBID_OK; i++) {
        int r = ibid_synonyms_append_file(&out, files[i], 1, diag);
        if (r < 0)
            rc = r;
    }
    if (rc == IBID_OK) {
        ibid_buf_clear(&path);
        if (ibid_buf_puts(&path, index_path) < 0 || ibid_buf_puts(&path, IBID_SYNONYMS_SIDECAR_SUFFIX) < 0)
            rc = IBID_ENOMEM;
        else
            rc = ibid_atomic_write(path.data, out.data ? out.data : "", out.len);
        if (rc == IBID_OK)
            write_keys(path.data, out.data ? out.data : "", out.len, diag);
    }
    ibid_synonyms_files_free(files, nfiles);
    int saved = errno;
    ibid_buf_free(&out);
    ibid_buf_free(&path);
    errno = saved;
    return rc;
}
