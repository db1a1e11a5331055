/*
 * pdftotext.h - the text of a PDF, from Debian's pdftotext (poppler-utils).
 *
 * ibid_pdftotext runs `pdftotext -layout -enc UTF-8 PATH -` as a child process (posix_spawnp,
 * found on PATH, never through a shell), with its standard input on /dev/null, and collects
 * its standard output (the text: pdftotext ends every page with a form feed) and the last
 * line of its standard error (its reason when it fails).  Both pipes are read together until
 * end of file before the child is reaped, so no output size can deadlock it, and the child is
 * always waited for (no zombie is left, even on errors).
 */
#ifndef IBID_PDFTOTEXT_H
#define IBID_PDFTOTEXT_H

#include <stddef.h>
#include <stdint.h>

/* How long ibid-index lets pdftotext go without writing anything before it stops it. */
#define IBID_PDFTOTEXT_IDLE_MS (10 * 60 * 1000)

/* Runs pdftotext on path and returns:
 *   IBID_OK      *text holds its output (malloc'd, NUL-terminated, *len bytes without the NUL;
 *                the caller frees it).  The output may be blank (a PDF with no text layer).
 *   IBID_ENOENT  pdftotext is not installed (not found on PATH); why says so.
 *   IBID_EIO     pdftotext could not be run, exited with a nonzero status or was killed, wrote
 *                nothing for idle_ms milliseconds (it is then killed; idle_ms <= 0: no limit),
 *                or a pipe failed; why holds a one-line reason (pdftotext's own last error line
 *                when it gave one).
 *   IBID_ELIMIT  the text is longer than max_len bytes (the child is killed); why says so.
 *   IBID_ENOMEM  out of memory.
 * On every failure *text is NULL and *len 0.  why (of whysize bytes, NUL-terminated) is
 * written on every failure except IBID_ENOMEM; it may be NULL when whysize is 0. */
int ibid_pdftotext(const char *path, uint64_t max_len, int idle_ms, char **text, size_t *len, char *why,
                   size_t whysize);

#endif
