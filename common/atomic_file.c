/*
 * atomic_file.c - see atomic_file.h.  The temporary is ".BASE.tmp.PID" beside the target, the
 * name ibid's index writer uses too, so the writer's clean-up of stale temporaries covers it.
 */
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "status.h"

char *ibid_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) : 1;
    if (slash && dlen == 0)
        dlen = 1; /* "/x" -> "/" */
    char *d = malloc(dlen + 1);
    if (!d)
        return NULL;
    memcpy(d, slash ? path : ".", dlen);
    d[dlen] = '\0';
    return d;
}

int ibid_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return IBID_EIO;
    int rc = fsync(fd) == 0 || errno == EINVAL ? IBID_OK : IBID_EIO;
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int ibid_atomic_write(const char *path, const void *data, size_t len)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dlen = slash ? (size_t)(slash - path) : 0;
    char *dir = ibid_dir_of(path), *tmp = malloc(strlen(path) + 32);
    if (!dir || !tmp) {
        free(dir);
        free(tmp);
        return IBID_ENOMEM;
    }
    if (slash)
        sprintf(tmp, "%.*s/.%s.tmp.%ld", (int)dlen, path, base, (long)getpid());
    else
        sprintf(tmp, ".%s.tmp.%ld", base, (long)getpid());
    int rc = IBID_EIO, e = 0;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        const char *p = data;
        size_t left = len;
        while (left) {
            ssize_t w = write(fd, p, left);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break;
            p += w;
            left -= (size_t)w;
        }
        int ok = left == 0 && fsync(fd) == 0;
        e = errno;
        if (close(fd) != 0 && ok) {
            ok = 0;
            e = errno;
        }
        if (ok && rename(tmp, path) == 0)
            rc = ibid_fsync_dir(dir);
        else {
            if (ok)
                e = errno;
            unlink(tmp);
        }
        if (rc != IBID_OK && e)
            errno = e;
    }
    free(dir);
    free(tmp);
    return rc;
}
