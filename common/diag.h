/*
 * diag.h - warnings and errors about input, reported as "file:line: message".
 *
 * Modules never print; they report through an ibid_diag that the program (or a test) supplies.
 * The programs install ibid_diag_stderr(), which prints "PROG: file:line: message" on stderr
 * (line 0 omits the line number).  A NULL ibid_diag pointer or a NULL fn discards reports.
 */
#ifndef IBID_DIAG_H
#define IBID_DIAG_H

typedef struct ibid_diag {
    /* file: display path (may be NULL); line: 1-based, 0 when not tied to a line;
       msg: the text without a trailing newline. Pointers are valid only during the call. */
    void (*fn)(void *ctx, const char *file, long line, const char *msg);
    void *ctx;
} ibid_diag;

/* Formats and reports one message through d (no-op when d or d->fn is NULL). */
void ibid_diagf(const ibid_diag *d, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The program name printed before every message ("ibid-index"); set once at start-up. */
void ibid_diag_set_program(const char *name);
const char *ibid_diag_program(void);
/* A diag that prints to stderr as described above; ctx is unused. */
extern const ibid_diag ibid_diag_stderr;

#endif
