/*
 * pdftotext.c - running Debian's pdftotext on a PDF and collecting its text (see pdftotext.h).
 *
 * The child is started with posix_spawnp (no shell: the path is one argv element, so no name
 * can be misread; a name starting with "-" is passed as "./-name").  Its stdin is /dev/null,
 * stdout and stderr are two pipes, all four ends close-on-exec and numbered 3 or more (so the
 * child's dup2 onto 1 and 2 cannot clobber one when a standard stream of ours was closed).  The parent poll()s both
 * pipes until both reach end of file (reading only stdout could deadlock on a child blocked
 * writing a full stderr pipe), keeps all of stdout and the last 1 KiB of stderr, and only then
 * reaps the child with waitpid.  A child that writes nothing for idle_ms is killed (SIGKILL).  Every path out of the function after a successful spawn goes
 * through the reap, so no zombie is left behind.
 */
#include "pdftotext.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "status.h"

extern char **environ;

enum { ERR_KEEP = 1024 };

static void set_why(char *why, size_t whysize, const char *fmt, const char *a, const char *b)
{
    if (why && whysize)
        snprintf(why, whysize, fmt, a, b);
}

/* The last non-blank line of s[0..n), trimmed, copied into out[0..outsize). */
static void last_line(const char *s, size_t n, char *out, size_t outsize)
{
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    size_t a = n;
    while (a > 0 && s[a - 1] != '\n')
        a--;
    while (a < n && (s[a] == ' ' || s[a] == '\t'))
        a++;
    size_t k = n - a;
    if (k >= outsize)
        k = outsize - 1;
    memcpy(out, s + a, k);
    out[k] = '\0';
    for (size_t i = 0; i < k; i++) /* one line, printable */
        if ((unsigned char)out[i] < 0x20)
            out[i] = ' ';
}

/* Makes fd close-on-exec and at least 3, so that the child's dup2 onto 0, 1 and 2 cannot
   overwrite it (when ibid-index was started with a standard stream closed, pipe() may return
   0, 1 or 2).  Returns the fd (fd itself or a copy, the original then closed), or -1. */
static int high_cloexec(int fd)
{
    if (fd >= 3)
        return fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 ? fd : -1;
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    int e = errno;
    close(fd);
    errno = e;
    return copy;
}

static int make_pipe(int fds[2])
{
    int raw[2];
    if (pipe(raw) != 0)
        return -1;
    fds[0] = high_cloexec(raw[0]);
    int e = errno;
    fds[1] = high_cloexec(raw[1]);
    if (fds[0] < 0 || fds[1] < 0) {
        if (fds[1] < 0)
            e = errno;
        if (fds[0] >= 0)
            close(fds[0]);
        if (fds[1] >= 0)
            close(fds[1]);
        errno = e;
        return -1;
    }
    return 0;
}

/* Waits for pid, retrying on EINTR; returns its wait status, or -1 (errno set). */
static int reap(pid_t pid)
{
    int st;
    for (;;) {
        pid_t r = waitpid(pid, &st, 0);
        if (r == pid)
            return st;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

int ibid_pdftotext(const char *path, uint64_t max_len, int idle_ms, char **text, size_t *len, char *why,
                   size_t whysize)
{
    *text = NULL;
    *len = 0;
    if (why && whysize)
        why[0] = '\0';

    char *arg = NULL; /* "./-name" for a name that pdftotext would take for an option */
    if (path[0] == '-') {
        size_t n = strlen(path);
        if (!(arg = malloc(n + 3)))
            return IBID_ENOMEM;
        memcpy(arg, "./", 2);
        memcpy(arg + 2, path, n + 1);
    }
    char *argv[] = {"pdftotext", "-layout", "-enc", "UTF-8", arg ? arg : (char *)path, "-", NULL};

    int out[2], err[2];
    if (make_pipe(out) != 0) {
        set_why(why, whysize, "cannot make a pipe: %s%s", strerror(errno), "");
        free(arg);
        return IBID_EIO;
    }
    if (make_pipe(err) != 0) {
        set_why(why, whysize, "cannot make a pipe: %s%s", strerror(errno), "");
        close(out[0]);
        close(out[1]);
        free(arg);
        return IBID_EIO;
    }
    posix_spawn_file_actions_t fa;
    int rc = posix_spawn_file_actions_init(&fa);
    int fa_ok = rc == 0;
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    pid_t pid = -1;
    if (rc == 0)
        rc = posix_spawnp(&pid, "pdftotext", &fa, NULL, argv, environ);
    if (fa_ok)
        posix_spawn_file_actions_destroy(&fa);
    free(arg);
    close(out[1]);
    close(err[1]);
    if (rc != 0) {
        close(out[0]);
        close(err[0]);
        if (rc == ENOENT) {
            set_why(why, whysize, "pdftotext not found%s%s: install poppler-utils", "", "");
            return IBID_ENOENT;
        }
        set_why(why, whysize, "cannot run pdftotext: %s%s", strerror(rc), "");
        return rc == ENOMEM ? IBID_ENOMEM : IBID_EIO;
    }

    /* Read both pipes to their ends. */
    char *buf = NULL;
    size_t n = 0, cap = 0;
    char errbuf[ERR_KEEP];
    size_t errn = 0;
    int status = IBID_OK, io_errno = 0, idle = 0;
    struct pollfd pf[2] = {{.fd = out[0], .events = POLLIN}, {.fd = err[0], .events = POLLIN}};
    int open_fds = 2;
    while (open_fds > 0) {
        int r = poll(pf, 2, idle_ms > 0 ? idle_ms : -1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            io_errno = errno;
            status = IBID_EIO;
            break;
        }
        if (r == 0) { /* nothing written for idle_ms: a PDF that makes pdftotext loop */
            idle = 1;
            status = IBID_EIO;
            break;
        }
        for (int k = 0; k < 2; k++) {
            if (pf[k].fd < 0 || !(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char chunk[65536];
            char *dst = chunk;
            size_t room = sizeof chunk;
            if (k == 0) { /* stdout: straight into the text buffer */
                if (cap - n < 65536 + 1) {
                    size_t nc = cap ? cap * 2 : 262144;
                    char *p = realloc(buf, nc);
                    if (!p) {
                        status = IBID_ENOMEM;
                        break;
                    }
                    buf = p;
                    cap = nc;
                }
                dst = buf + n;
                room = cap - n - 1;
            }
            ssize_t got = read(pf[k].fd, dst, room);
            if (got < 0) {
                if (errno == EINTR || errno == EAGAIN)
                    continue;
                io_errno = errno;
                status = IBID_EIO;
                break;
            }
            if (got == 0) {
                close(pf[k].fd);
                pf[k].fd = -1;
                open_fds--;
                continue;
            }
            if (k == 0) {
                n += (size_t)got;
                if ((uint64_t)n > max_len) {
                    status = IBID_ELIMIT;
                    break;
                }
            } else { /* stderr: keep the last ERR_KEEP bytes */
                size_t g = (size_t)got;
                if (g >= ERR_KEEP) {
                    memcpy(errbuf, chunk + g - ERR_KEEP, ERR_KEEP);
                    errn = ERR_KEEP;
                } else {
                    if (errn + g > ERR_KEEP) {
                        size_t drop = errn + g - ERR_KEEP;
                        memmove(errbuf, errbuf + drop, errn - drop);
                        errn -= drop;
                    }
                    memcpy(errbuf + errn, chunk, g);
                    errn += g;
                }
            }
        }
        if (status != IBID_OK)
            break;
    }
    if (status != IBID_OK) /* stop a child we no longer listen to; the reap below collects it */
        kill(pid, SIGKILL);
    for (int k = 0; k < 2; k++)
        if (pf[k].fd >= 0)
            close(pf[k].fd);
    int ws = reap(pid);
    if (ws < 0 && status == IBID_OK) {
        io_errno = errno;
        status = IBID_EIO;
    }

    char reason[256];
    last_line(errbuf, errn, reason, sizeof reason);
    if (status == IBID_OK && !(WIFEXITED(ws) && WEXITSTATUS(ws) == 0)) {
        char code[64];
        if (WIFEXITED(ws))
            snprintf(code, sizeof code, "exit status %d", WEXITSTATUS(ws));
        else if (WIFSIGNALED(ws))
            snprintf(code, sizeof code, "killed by signal %d", WTERMSIG(ws));
        else
            snprintf(code, sizeof code, "wait status %d", ws);
        set_why(why, whysize, reason[0] ? "pdftotext failed (%s): %s" : "pdftotext failed (%s)%s", code,
                reason);
        status = IBID_EIO;
    } else if (status == IBID_EIO && idle) {
        char secs[32];
        snprintf(secs, sizeof secs, "%d", (idle_ms + 999) / 1000);
        set_why(why, whysize, "pdftotext wrote nothing for %s s and was stopped%s", secs, "");
    } else if (status == IBID_EIO) {
        set_why(why, whysize, "reading pdftotext's output: %s%s", strerror(io_errno), "");
    } else if (status == IBID_ELIMIT) {
        char lim[32];
        snprintf(lim, sizeof lim, "%llu", (unsigned long long)max_len);
        set_why(why, whysize, "pdftotext's text is larger than %s bytes%s", lim, "");
    }
    if (status != IBID_OK) {
        free(buf);
        return status;
    }
    if (!buf && !(buf = malloc(1)))
        return IBID_ENOMEM;
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return IBID_OK;
}
