/*
 * index_file.c - the header and the atomic write of an index file (see index_file.h and the
 * "File layout" part of docs/index-format.md).
 *
 * The temporary file is ".NAME.tmp.PID" in the target's directory, so the rename stays within
 * one file system and is atomic: a reader opens either the old index or the new one, never a
 * half-written file.  A killed build leaves the temporary file behind and the old index intact;
 * the next build into the same folder removes the temporary files of the same target whose
 * process no longer exists (remove_stale_temps), and never those of a build still running.
 */
#include "index_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crc32.h"
#include "index_format.h"
#include "status.h"

int ibid_index_write_all(int fd, const void *data, uint64_t len)
{
    const uint8_t *p = data;
    while (len) {
        size_t chunk = len > (1u << 30) ? (1u << 30) : (size_t)len;
        ssize_t n = write(fd, p, chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return IBID_EIO;
        }
        if (n == 0) {
            errno = ENOSPC;
            return IBID_EIO;
        }
        p += n;
        len -= (uint64_t)n;
    }
    return IBID_OK;
}

static uint32_t crc_of(const void *data, uint64_t len)
{
    return ibid_crc32(0, data, (size_t)len); /* in memory: len fits size_t */
}

/* Splits path into its directory ("." when none) and builds the temporary name. */
static int temp_names(const char *path, char **dir, char **tmp)
{
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) : 0;
    const char *base = slash ? slash + 1 : path;
    *dir = malloc(dlen + 2);
    *tmp = malloc(strlen(path) + 48);
    if (!*dir || !*tmp) {
        free(*dir);
        free(*tmp);
        return IBID_ENOMEM;
    }
    if (slash) {
        memcpy(*dir, path, dlen ? dlen : 1); /* "/x" -> "/" */
        (*dir)[dlen ? dlen : 1] = '\0';
        sprintf(*tmp, "%.*s/.%s.tmp.%ld", (int)dlen, path, base, (long)getpid());
    } else {
        strcpy(*dir, ".");
        sprintf(*tmp, ".%s.tmp.%ld", base, (long)getpid());
    }
    return IBID_OK;
}

/* Removes dir/.BASE.tmp.PID files left by killed builds: PID all digits, not ours, and no
   such process (kill(pid, 0) fails with ESRCH).  Best effort: errors are ignored, since a
   leftover only wastes space.  (A pid reused by an unrelated process keeps its file until
   that process ends: safe, never a live build's file removed.) */
static void remove_stale_temps(const char *dir, const char *base)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    size_t blen = strlen(base);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (name[0] != '.' || strncmp(name + 1, base, blen) != 0 || strncmp(name + 1 + blen, ".tmp.", 5) != 0)
            continue;
        const char *digits = name + 1 + blen + 5;
        long pid = 0;
        size_t k = 0;
        for (; digits[k] >= '0' && digits[k] <= '9' && k < 10; k++)
            pid = pid * 10 + (digits[k] - '0');
        if (k == 0 || digits[k] != '\0' || pid <= 0 || pid > INT32_MAX || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* alive (or not ours to signal): maybe a build running now */
        size_t len = strlen(dir) + strlen(name) + 2;
        char *full = malloc(len);
        if (!full)
            break;
        snprintf(full, len, "%s/%s", dir, name);
        unlink(full);
        free(full);
    }
    closedir(d);
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return IBID_EIO;
    int rc = fsync(fd) == 0 || errno == EINVAL ? IBID_OK : IBID_EIO;
    close(fd);
    return rc;
}

/* The fixed header's fields and the header crc32 (h holds hlen bytes: header and table). */
static void finish_header(uint8_t *h, size_t hlen, size_t n, uint64_t total)
{
    memcpy(h, IBID_IDX_MAGIC, 8);
    ibid_st32(h + 8, IBID_IDX_VERSION);
    ibid_st32(h + 12, 0);
    ibid_st64(h + 16, total);
    ibid_st32(h + 24, (uint32_t)n);
    ibid_st32(h + 28, 0);
    ibid_st32(h + hlen - 8, crc_of(h, hlen - 8));
}

/* Ends the write of tmp (fd open, rc the status so far): fsync, close, rename over path, fsync
   of dir.  On failure removes tmp and keeps errno.  Returns the final status. */
static int close_and_rename(int fd, int rc, const char *tmp, const char *path, const char *dir)
{
    if (rc == IBID_OK && fsync(fd) != 0)
        rc = IBID_EIO;
    int saved = errno;
    if (close(fd) != 0 && rc == IBID_OK)
        rc = IBID_EIO;
    else
        errno = saved;
    if (rc == IBID_OK && rename(tmp, path) != 0)
        rc = IBID_EIO;
    if (rc != IBID_OK) {
        saved = errno;
        unlink(tmp);
        errno = saved;
    } else {
        fsync_dir(dir); /* the rename is done; a failed directory fsync only weakens durability */
    }
    return rc;
}

int ibid_index_file_write(const char *path, const ibid_section_out *secs, size_t n,
                          uint64_t *file_size)
{
    if (n > IBID_IDX_MAX_SECTIONS) {
        errno = EINVAL;
        return IBID_EIO;
    }
    size_t hlen = IBID_IDX_FIXED_HEADER + IBID_IDX_SECTION_ENTRY * n + 8;
    uint8_t *h = calloc(1, hlen);
    char *dir = NULL, *tmp = NULL;
    if (!h || temp_names(path, &dir, &tmp)) {
        free(h);
        return IBID_ENOMEM;
    }
    uint64_t off = hlen;
    for (size_t i = 0; i < n; i++) {
        uint8_t *e = h + IBID_IDX_FIXED_HEADER + IBID_IDX_SECTION_ENTRY * i;
        off = (off + 7) & ~(uint64_t)7;
        ibid_st32(e, secs[i].id);
        ibid_st32(e + 4, crc_of(secs[i].data, secs[i].len));
        ibid_st64(e + 8, off);
        ibid_st64(e + 16, secs[i].len);
        off += secs[i].len;
    }
    uint64_t total = (off + 7) & ~(uint64_t)7;
    finish_header(h, hlen, n, total);

    int rc = IBID_EIO, fd;
    const char *slash = strrchr(path, '/');
    remove_stale_temps(dir, slash ? slash + 1 : path);
    unlink(tmp); /* a leftover of a killed build with our pid */
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
        static const uint8_t zeros[8];
        uint64_t pos = hlen;
        rc = ibid_index_write_all(fd, h, hlen);
        for (size_t i = 0; i < n && rc == IBID_OK; i++) {
            uint64_t pad = ((pos + 7) & ~(uint64_t)7) - pos;
            rc = ibid_index_write_all(fd, zeros, pad);
            if (rc == IBID_OK)
                rc = ibid_index_write_all(fd, secs[i].data, secs[i].len);
            pos += pad + secs[i].len;
        }
        if (rc == IBID_OK)
            rc = ibid_index_write_all(fd, zeros, total - pos);
        rc = close_and_rename(fd, rc, tmp, path, dir);
    }
    if (rc == IBID_OK && file_size)
        *file_size = total;
    free(h);
    free(dir);
    free(tmp);
    return rc;
}

/* ---- streaming ---------------------------------------------------------------------------- */

enum { STREAM_BUF = 1 << 20 };

struct ibid_index_stream {
    int fd;
    char *dir, *tmp, *path;
    uint8_t *h;          /* header and section table, written last */
    size_t hlen, nsec, done;
    uint64_t pos;        /* bytes written or buffered so far */
    int open_sec;        /* a section is being appended to */
    uint32_t crc;        /* of the open section */
    uint64_t sec_off;
    uint32_t sec_id;
    uint8_t *buf;
    size_t blen;
};

static int stream_flush(ibid_index_stream *s)
{
    int rc = ibid_index_write_all(s->fd, s->buf, s->blen);
    s->blen = 0;
    return rc;
}

static int stream_put(ibid_index_stream *s, const void *data, uint64_t len)
{
    const uint8_t *p = data;
    while (len) {
        if (s->blen == STREAM_BUF && stream_flush(s))
            return IBID_EIO;
        size_t k = STREAM_BUF - s->blen;
        if (k > len)
            k = (size_t)len;
        memcpy(s->buf + s->blen, p, k);
        s->blen += k;
        s->pos += k;
        p += k;
        len -= k;
    }
    return IBID_OK;
}

static int stream_pad(ibid_index_stream *s)
{
    static const uint8_t zeros[8];
    return stream_put(s, zeros, ((s->pos + 7) & ~(uint64_t)7) - s->pos);
}

int ibid_index_stream_open(const char *path, size_t nsections, ibid_index_stream **out)
{
    *out = NULL;
    if (nsections > IBID_IDX_MAX_SECTIONS) {
        errno = EINVAL;
        return IBID_EIO;
    }
    ibid_index_stream *s = calloc(1, sizeof *s);
    if (!s)
        return IBID_ENOMEM;
    s->fd = -1;
    s->nsec = nsections;
    s->hlen = IBID_IDX_FIXED_HEADER + IBID_IDX_SECTION_ENTRY * nsections + 8;
    s->h = calloc(1, s->hlen);
    s->buf = malloc(STREAM_BUF);
    s->path = strdup(path);
    if (!s->h || !s->buf || !s->path || temp_names(path, &s->dir, &s->tmp)) {
        ibid_index_stream_abort(s);
        return IBID_ENOMEM;
    }
    const char *slash = strrchr(path, '/');
    remove_stale_temps(s->dir, slash ? slash + 1 : path);
    unlink(s->tmp); /* a leftover of a killed run with our pid */
    s->fd = open(s->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (s->fd < 0 || stream_put(s, s->h, s->hlen)) { /* room for the header, rewritten at commit */
        int saved = errno;
        ibid_index_stream_abort(s);
        errno = saved;
        return IBID_EIO;
    }
    *out = s;
    return IBID_OK;
}

int ibid_index_stream_begin(ibid_index_stream *s, uint32_t id)
{
    if (s->open_sec || s->done == s->nsec) {
        errno = EINVAL;
        return IBID_EIO;
    }
    if (stream_pad(s))
        return IBID_EIO;
    s->open_sec = 1;
    s->sec_id = id;
    s->sec_off = s->pos;
    s->crc = 0;
    return IBID_OK;
}

int ibid_index_stream_append(ibid_index_stream *s, const void *data, size_t len)
{
    if (!s->open_sec) {
        errno = EINVAL;
        return IBID_EIO;
    }
    if (!len)
        return IBID_OK;
    s->crc = ibid_crc32(s->crc, data, len);
    return stream_put(s, data, len);
}

int ibid_index_stream_end(ibid_index_stream *s, uint64_t *len)
{
    if (!s->open_sec) {
        errno = EINVAL;
        return IBID_EIO;
    }
    uint8_t *e = s->h + IBID_IDX_FIXED_HEADER + IBID_IDX_SECTION_ENTRY * s->done;
    ibid_st32(e, s->sec_id);
    ibid_st32(e + 4, (uint32_t)s->crc);
    ibid_st64(e + 8, s->sec_off);
    ibid_st64(e + 16, s->pos - s->sec_off);
    if (len)
        *len = s->pos - s->sec_off;
    s->done++;
    s->open_sec = 0;
    return IBID_OK;
}

int ibid_index_stream_section(ibid_index_stream *s, uint32_t id, const void *data, size_t len)
{
    if (ibid_index_stream_begin(s, id) || ibid_index_stream_append(s, data, len) ||
        ibid_index_stream_end(s, NULL))
        return IBID_EIO;
    return IBID_OK;
}

int ibid_index_stream_commit(ibid_index_stream *s, uint64_t *file_size)
{
    int rc = IBID_OK;
    if (s->open_sec || s->done != s->nsec) {
        errno = EINVAL;
        rc = IBID_EIO;
    }
    if (rc == IBID_OK)
        rc = stream_pad(s);
    if (rc == IBID_OK)
        rc = stream_flush(s);
    uint64_t total = s->pos;
    if (rc == IBID_OK) {
        finish_header(s->h, s->hlen, s->nsec, total);
        if (lseek(s->fd, 0, SEEK_SET) != 0)
            rc = IBID_EIO;
        else
            rc = ibid_index_write_all(s->fd, s->h, s->hlen);
    }
    rc = close_and_rename(s->fd, rc, s->tmp, s->path, s->dir);
    s->fd = -1;
    if (rc == IBID_OK && file_size)
        *file_size = total;
    int saved = errno;
    free(s->tmp); /* renamed or removed: nothing left for abort to unlink */
    s->tmp = NULL;
    ibid_index_stream_abort(s);
    errno = saved;
    return rc;
}

void ibid_index_stream_abort(ibid_index_stream *s)
{
    if (!s)
        return;
    if (s->fd >= 0)
        close(s->fd);
    if (s->tmp && s->fd >= 0)
        unlink(s->tmp);
    free(s->h);
    free(s->buf);
    free(s->path);
    free(s->dir);
    free(s->tmp);
    free(s);
}

int ibid_index_stream_scratch(const ibid_index_stream *s, int *fd)
{
    size_t n = strlen(s->tmp) + 16;
    char *name = malloc(n);
    if (!name)
        return IBID_ENOMEM;
    snprintf(name, n, "%s.sXXXXXX", s->tmp);
    *fd = mkstemp(name);
    int rc = *fd >= 0 ? IBID_OK : IBID_EIO;
    if (rc == IBID_OK) {
        int saved = errno;
        unlink(name); /* open until closed, gone after */
        errno = saved;
    }
    free(name);
    return rc;
}

int ibid_index_stream_append_file(ibid_index_stream *s, int fd, uint64_t len)
{
    uint8_t *buf = malloc(STREAM_BUF);
    if (!buf)
        return IBID_ENOMEM;
    int rc = IBID_OK;
    uint64_t at = 0;
    while (at < len && rc == IBID_OK) {
        size_t want = len - at < STREAM_BUF ? (size_t)(len - at) : STREAM_BUF;
        ssize_t got = pread(fd, buf, want, (off_t)at);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            if (got == 0)
                errno = EIO; /* shorter than written */
            rc = IBID_EIO;
            break;
        }
        rc = ibid_index_stream_append(s, buf, (size_t)got);
        at += (uint64_t)got;
    }
    free(buf);
    return rc;
}
