/*
 * tokdump.c - prints how ibid's analyzer (common/analyze.h) cuts text, for the re-ranking
 * prototype in bench/rerank/.  Reads lines of UTF-8 text on stdin; writes one line per input
 * line: its tokens separated by tabs, each token as "TERM POS FLAGS FORM" (TERM = the index
 * term, POS = the position, FLAGS = IBID_TOK_* bits, FORM = the folded form).  So the Python
 * side computes features on exactly the terms and positions that ibid indexes.
 * Exit status 0, or 1 on an allocation or I/O error.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include "analyze.h"

int main(void)
{
    ibid_analyzer *a = ibid_analyzer_new();
    if (!a) {
        fputs("tokdump: out of memory\n", stderr);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, stdin)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        ibid_analyzer_reset(a, line, (size_t)n);
        ibid_token t;
        int first = 1, r;
        while ((r = ibid_analyzer_next(a, &t)) == 1) {
            if (printf("%s%s %u %u %s", first ? "" : "\t", t.term, t.pos, t.flags, t.form) < 0)
                rc = 1;
            first = 0;
        }
        if (r < 0 || putchar('\n') == EOF)
            rc = 1;
    }
    if (ferror(stdin) || fflush(stdout) != 0)
        rc = 1;
    if (rc)
        fputs("tokdump: failed\n", stderr);
    free(line);
    ibid_analyzer_free(a);
    return rc;
}
