/*
 * index_lock.c - the one-writer lock of an index: flock(2) on INDEX.d/lock.ibid (see
 * index_lock.h).
 *
 * flock rather than fcntl record locks: an fcntl lock is dropped when the process closes ANY
 * descriptor of the file, which a library routine could do behind our back; a flock lock lives
 * exactly as long as our open file description.  Both are released by the kernel at death.
 */
#include "index_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "manifest.h"
#include "status.h"

/* Reads the pid written in the lock file; 0 when unknown. */
static long read_holder(int fd)
{
    char b[32];
    ssize_t n = pread(fd, b, sizeof b - 1, 0);
    if (n <= 0)
        return 0;
    b[n] = '\0';
    char *end;
    long pid = strtol(b, &end, 10);
    if (pid <= 0 || (*end != '\n' && *end != '\0'))
        return 0;
    /* a pid left by an earlier holder (the lock is held by something else, flock(1) say) */
    return kill((pid_t)pid, 0) == 0 || errno == EPERM ? pid : 0;
}

/* Writes our pid into the held lock file (a courtesy for waiters: failures are ignored). */
static void write_pid(int fd)
{
    char b[32];
    int n = snprintf(b, sizeof b, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) == 0 && n > 0 && pwrite(fd, b, (size_t)n, 0) < 0) {
        /* nothing: the pid is only for messages */
    }
}

int ibid_index_lock_try(const char *index_path, ibid_index_lock *lk, long *holder)
{
    lk->fd = -1;
    *holder = 0;
    ibid_buf dir = {0}, name = {0};
    if (ibid_index_dir_name(index_path, &dir) != IBID_OK || ibid_lock_file_name(index_path, &name) != IBID_OK) {
        ibid_buf_free(&dir);
        ibid_buf_free(&name);
        return IBID_ENOMEM;
    }
    int rc = IBID_OK;
    if (mkdir(dir.data, 0777) != 0 && errno != EEXIST)
        rc = IBID_EIO;
    int fd = rc == IBID_OK ? open(name.data, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
    if (rc == IBID_OK && fd < 0)
        rc = IBID_EIO;
    int saved = errno;
    ibid_buf_free(&dir);
    ibid_buf_free(&name);
    if (rc != IBID_OK) {
        errno = saved;
        return rc;
    }
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR)
            continue;
        if (errno == EWOULDBLOCK) {
            lk->fd = fd;
            *holder = read_holder(fd);
            return 1;
        }
        saved = errno;
        close(fd);
        errno = saved;
        return IBID_EIO;
    }
    lk->fd = fd;
    write_pid(fd);
    return IBID_OK;
}

int ibid_index_lock_wait(ibid_index_lock *lk)
{
    if (lk->fd < 0) {
        errno = EBADF;
        return IBID_EIO;
    }
    while (flock(lk->fd, LOCK_EX) != 0) {
        if (errno == EINTR)
            continue;
        int saved = errno;
        close(lk->fd);
        lk->fd = -1;
        errno = saved;
        return IBID_EIO;
    }
    write_pid(lk->fd);
    return IBID_OK;
}

void ibid_index_lock_release(ibid_index_lock *lk)
{
    if (lk->fd >= 0) {
        close(lk->fd); /* closing the only descriptor of the open file drops the flock */
        lk->fd = -1;
    }
}
