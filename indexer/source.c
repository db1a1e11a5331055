/*
 * source.c - walking the PATH arguments and reading input files safely (see source.h).
 *
 * The walk is iterative over a sorted directory listing per folder (recursion depth is bounded
 * by IBID_MAX_DEPTH), so deep or looping trees cannot exhaust the stack.  Reading is one
 * read() loop into a buffer sized from fstat, checked for binary content and cleaned to valid
 * UTF-8 with utf8proc's decoder.  A PDF is not read but handed to pdftotext (pdftotext.h); its
 * text is cleaned the same way.
 */
#include "source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#include "le64.h"
#include "pdftotext.h"
#include "status.h"

enum { IBID_MAX_DEPTH = 64 };

static int push_source(ibid_source_list *l, const char *path, const struct stat *st)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        ibid_source *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return IBID_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    char *p = strdup(path);
    if (!p)
        return IBID_ENOMEM;
    l->v[l->n].path = p;
    l->v[l->n].size = (uint64_t)st->st_size;
    l->v[l->n].mtime = (int64_t)st->st_mtime;
    l->n++;
    return IBID_OK;
}

static int push_catalog(ibid_source_list *l, const char *path)
{
    char **v = realloc(l->catalogs, (l->ncatalogs + 1) * sizeof *v);
    if (!v)
        return IBID_ENOMEM;
    l->catalogs = v;
    if (!(v[l->ncatalogs] = strdup(path)))
        return IBID_ENOMEM;
    l->ncatalogs++;
    return IBID_OK;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Names inside folders that are not texts: hidden files, sidecars, indexes, temporaries. */
static int is_sidecar(const char *name)
{
    return strncmp(name, "ibid-", 5) == 0 || has_suffix(name, ".ibid") || has_suffix(name, ".ibid.synonyms");
}

void ibid_path_normalize(char *path)
{
    char *r = path, *w = path;
    int abs = *r == '/';
    if (abs)
        *w++ = *r++;
    while (*r) {
        while (*r == '/')
            r++;
        if (r[0] == '.' && (r[1] == '/' || r[1] == '\0')) { /* a "." component */
            r++;
            continue;
        }
        if (!*r)
            break;
        if (w > path + abs)
            *w++ = '/';
        while (*r && *r != '/')
            *w++ = *r++;
    }
    if (w == path)
        *w++ = '.'; /* "./" or "" */
    *w = '\0';
}

static char *join_path(const char *dir, const char *name)
{
    size_t d = strlen(dir), n = strlen(name);
    int slash = d > 0 && dir[d - 1] != '/';
    char *p = malloc(d + (size_t)slash + n + 1);
    if (!p)
        return NULL;
    memcpy(p, dir, d);
    if (slash)
        p[d] = '/';
    memcpy(p + d + (size_t)slash, name, n + 1);
    return p;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int walk_dir(ibid_source_list *l, const char *dir, int depth, const ibid_diag *diag)
{
    if (depth > IBID_MAX_DEPTH) {
        ibid_diagf(diag, dir, 0, "folders nested deeper than %d levels, not descended", IBID_MAX_DEPTH);
        l->problems++;
        return IBID_OK;
    }
    DIR *d = opendir(dir);
    if (!d) {
        ibid_diagf(diag, dir, 0, "cannot open folder: %s", strerror(errno));
        l->problems++;
        return IBID_OK;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = IBID_OK;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **v = realloc(names, cap * sizeof *v);
            if (!v) {
                rc = IBID_ENOMEM;
                break;
            }
            names = v;
        }
        if (!(names[n] = strdup(e->d_name))) {
            rc = IBID_ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc == IBID_OK && n > 1)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && rc == IBID_OK; i++) {
        char *path = join_path(dir, names[i]);
        if (!path) {
            rc = IBID_ENOMEM;
            break;
        }
        struct stat lst, st;
        if (lstat(path, &lst) != 0) {
            ibid_diagf(diag, path, 0, "cannot read: %s", strerror(errno));
            l->problems++;
        } else if (strcmp(names[i], "ibid-catalog.tsv") == 0) {
            rc = push_catalog(l, path);
        } else if (is_sidecar(names[i])) {
            /* metadata or an index: neither a text nor a problem */
        } else if (S_ISDIR(lst.st_mode)) {
            rc = walk_dir(l, path, depth + 1, diag);
        } else if (S_ISLNK(lst.st_mode)) {
            if (stat(path, &st) != 0) {
                ibid_diagf(diag, path, 0, "broken symbolic link: %s", strerror(errno));
                l->problems++;
            } else if (S_ISREG(st.st_mode)) {
                rc = push_source(l, path, &st);
            } /* links to folders are not followed (grep -r does the same) */
        } else if (S_ISREG(lst.st_mode)) {
            rc = push_source(l, path, &lst);
        } /* devices, sockets and fifos are not texts */
        free(path);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

static int cmp_source(const void *a, const void *b)
{
    return strcmp(((const ibid_source *)a)->path, ((const ibid_source *)b)->path);
}

int ibid_sources_collect(ibid_source_list *l, char *const *paths, size_t npaths, const ibid_diag *diag)
{
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            ibid_diagf(diag, paths[i], 0, "%s", strerror(errno));
            l->problems++;
            continue;
        }
        int rc = IBID_OK;
        if (S_ISDIR(st.st_mode))
            rc = walk_dir(l, paths[i], 0, diag);
        else if (S_ISREG(st.st_mode))
            rc = push_source(l, paths[i], &st);
        else {
            ibid_diagf(diag, paths[i], 0, "not a regular file or folder, skipped");
            l->problems++;
        }
        if (rc)
            return rc;
    }
    if (l->n > 1) {
        qsort(l->v, l->n, sizeof *l->v, cmp_source);
        size_t k = 1;
        for (size_t i = 1; i < l->n; i++) {
            if (strcmp(l->v[i].path, l->v[k - 1].path) == 0)
                free(l->v[i].path);
            else
                l->v[k++] = l->v[i];
        }
        l->n = k;
    }
    if (l->ncatalogs > 1) { /* the same folder given twice yields its catalog twice */
        qsort(l->catalogs, l->ncatalogs, sizeof *l->catalogs, cmp_str);
        size_t k = 1;
        for (size_t i = 1; i < l->ncatalogs; i++) {
            if (strcmp(l->catalogs[i], l->catalogs[k - 1]) == 0)
                free(l->catalogs[i]);
            else
                l->catalogs[k++] = l->catalogs[i];
        }
        l->ncatalogs = k;
    }
    return IBID_OK;
}

void ibid_sources_free(ibid_source_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
    for (size_t i = 0; i < l->ncatalogs; i++)
        free(l->catalogs[i]);
    free(l->catalogs);
    memset(l, 0, sizeof *l);
}

/* 1-based line of byte i of s (the newlines before it, plus one): counted only when the
   first bad byte is found, so that the scan itself needs no line bookkeeping. */
static long line_of(const unsigned char *s, size_t i)
{
    long line = 1;
    const unsigned char *p = s, *end = s + i;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        line++;
        p++;
    }
    return line;
}

long ibid_utf8_sanitize(char **bufp, size_t *lenp, long *first_bad_line)
{
    static const unsigned char fffd[3] = {0xEF, 0xBF, 0xBD};
    const unsigned char *s = (const unsigned char *)*bufp;
    size_t len = *lenp, i = 0;
    long bad = 0;
    *first_bad_line = 0;
    /* One pass: nothing is copied until the first bad byte (the common case is clean text);
       from there out receives the text with each bad sequence replaced.  Eight bytes at a
       time while they are ASCII without NUL (ibid_ascii8_no_nul, le64.h). */
    unsigned char *out = NULL;
    size_t olen = 0, ocap = 0, copied = 0; /* s[copied..i) not yet copied to out */
    while (i < len) {
        if (len - i >= 8 && ibid_ascii8_no_nul(s + i)) {
            i += 8;
            continue;
        }
        unsigned char c = s[i];
        size_t n = 0;
        if (c != 0) {
            if (c < 0x80) {
                i++;
                continue; /* control characters pass; parsers treat them as space */
            }
            utf8proc_int32_t cp;
            utf8proc_ssize_t r = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
            if (r > 0) {
                i += (size_t)r;
                continue;
            }
            /* invalid: replace the maximal prefix of continuation bytes as one U+FFFD */
            n = 1;
            while (i + n < len && n < 4 && (s[i + n] & 0xC0) == 0x80)
                n++;
        } else {
            n = 1;
        }
        if (!bad)
            *first_bad_line = line_of(s, i);
        bad++;
        size_t need = olen + (i - copied) + 3 + (len - i);
        if (need + 1 > ocap) {
            size_t cap = ocap ? ocap : len + 64;
            while (cap < need + 1)
                cap *= 2;
            unsigned char *p = realloc(out, cap);
            if (!p) {
                free(out);
                return -1;
            }
            out = p;
            ocap = cap;
        }
        memcpy(out + olen, s + copied, i - copied);
        olen += i - copied;
        memcpy(out + olen, fffd, 3);
        olen += 3;
        i += n;
        copied = i;
    }
    if (!bad)
        return 0;
    memcpy(out + olen, s + copied, len - copied);
    olen += len - copied;
    out[olen] = '\0';
    free(*bufp);
    *bufp = (char *)out;
    *lenp = olen;
    return bad;
}

int ibid_source_is_pdf(const char *path, const char *head, size_t n)
{
    if (n >= 5 && memcmp(head, "%PDF-", 5) == 0)
        return 1;
    size_t k = strlen(path);
    return k >= 4 && path[k - 4] == '.' && (path[k - 3] | 0x20) == 'p' && (path[k - 2] | 0x20) == 'd' &&
           (path[k - 1] | 0x20) == 'f';
}

/* 1 when buf[0..n) holds nothing but whitespace and form feeds (a PDF with no text layer). */
static int no_text(const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\f' && buf[i] != '\r' && buf[i] != '\t')
            return 0;
    return 1;
}

/* The last step of every read: replaces invalid UTF-8 and NUL bytes in buf[0..n) (a
   malloc'd, NUL-terminated buffer that this call takes over), reports how many places were
   replaced as "<what>, replaced (N places)" at the first one, and hands the text to
   *data / *len.  IBID_READ_NOMEM (buf freed) when the sanitizer runs out of memory. */
static ibid_read_result hand_over(const char *path, char *buf, size_t n, const char *what, char **data,
                                  size_t *len, const ibid_diag *diag)
{
    long first_bad;
    long bad = ibid_utf8_sanitize(&buf, &n, &first_bad);
    if (bad < 0) {
        free(buf);
        return IBID_READ_NOMEM;
    }
    if (bad > 0)
        ibid_diagf(diag, path, first_bad, "%s, replaced (%ld place%s)", what, bad, bad == 1 ? "" : "s");
    *data = buf;
    *len = n;
    return IBID_READ_OK;
}

/* The text of the PDF at path, through pdftotext, into *data (see source.h). */
static ibid_read_result read_pdf(const char *path, char **data, size_t *len, const ibid_diag *diag)
{
    char why[512];
    char *buf = NULL;
    size_t n = 0;
    int rc = ibid_pdftotext(path, IBID_MAX_FILE, IBID_PDFTOTEXT_IDLE_MS, &buf, &n, why, sizeof why);
    if (rc == IBID_ENOMEM)
        return IBID_READ_NOMEM;
    if (rc != IBID_OK) {
        ibid_diagf(diag, path, 0, "%s, skipped", why);
        return IBID_READ_SKIPPED;
    }
    if (no_text(buf, n)) {
        ibid_diagf(diag, path, 0, "pdftotext found no text in this PDF (scanned pages need OCR first), skipped");
        free(buf);
        return IBID_READ_SKIPPED;
    }
    return hand_over(path, buf, n, "invalid UTF-8 or NUL in pdftotext's text", data, len, diag);
}

ibid_read_result ibid_source_read(const char *path, char **data, size_t *len, const ibid_diag *diag)
{
    return ibid_source_read_ex(path, data, len, NULL, diag);
}

ibid_read_result ibid_source_read_ex(const char *path, char **data, size_t *len, int *from_pdf,
                                     const ibid_diag *diag)
{
    *data = NULL;
    *len = 0;
    if (from_pdf)
        *from_pdf = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ibid_diagf(diag, path, 0, "cannot open: %s, skipped", strerror(errno));
        return IBID_READ_SKIPPED;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ibid_diagf(diag, path, 0, "not a regular file, skipped");
        close(fd);
        return IBID_READ_SKIPPED;
    }
    if ((uint64_t)st.st_size > IBID_MAX_FILE) {
        ibid_diagf(diag, path, 0, "larger than %llu bytes, skipped", (unsigned long long)IBID_MAX_FILE);
        close(fd);
        return IBID_READ_SKIPPED;
    }
    char head[5];
    ssize_t h;
    do
        h = pread(fd, head, sizeof head, 0);
    while (h < 0 && errno == EINTR);
    if (h < 0) {
        ibid_diagf(diag, path, 0, "read error: %s, skipped", strerror(errno));
        close(fd);
        return IBID_READ_SKIPPED;
    }
    if (ibid_source_is_pdf(path, head, (size_t)h)) {
        close(fd);
        if (from_pdf)
            *from_pdf = 1;
        return read_pdf(path, data, len, diag);
    }
    /* room for the NUL and one byte more, so that the read that sees the end of a file that
       did not grow needs no bigger buffer */
    size_t cap = (size_t)st.st_size + 2, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return IBID_READ_NOMEM;
    }
    for (;;) {
        if (n + 1 >= cap) { /* the file grew while we read it */
            if (cap > IBID_MAX_FILE) {
                ibid_diagf(diag, path, 0, "larger than %llu bytes, skipped", (unsigned long long)IBID_MAX_FILE);
                free(buf);
                close(fd);
                return IBID_READ_SKIPPED;
            }
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                close(fd);
                return IBID_READ_NOMEM;
            }
            buf = p;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            ibid_diagf(diag, path, 0, "read error: %s, skipped", strerror(errno));
            free(buf);
            close(fd);
            return IBID_READ_SKIPPED;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    if (n == 0) {
        ibid_diagf(diag, path, 0, "empty file, skipped");
        free(buf);
        return IBID_READ_SKIPPED;
    }
    if (memchr(buf, '\0', n < 8192 ? n : 8192)) {
        ibid_diagf(diag, path, 0, "binary file, skipped");
        free(buf);
        return IBID_READ_SKIPPED;
    }
    if (n >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB && (unsigned char)buf[2] == 0xBF) {
        memmove(buf, buf + 3, n - 3 + 1);
        n -= 3;
    }
    return hand_over(path, buf, n, "invalid UTF-8", data, len, diag);
}
