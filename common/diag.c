/* diag.c - reporting input problems (see diag.h). */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

static const char *program = "ibid";

void ibid_diag_set_program(const char *name) { program = name ? name : "ibid"; }
const char *ibid_diag_program(void) { return program; }

void ibid_diagf(const ibid_diag *d, const char *file, long line, const char *fmt, ...)
{
    if (!d || !d->fn)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    d->fn(d->ctx, file, line, msg);
}

static void to_stderr(void *ctx, const char *file, long line, const char *msg)
{
    (void)ctx;
    if (file && line > 0)
        fprintf(stderr, "%s: %s:%ld: %s\n", program, file, line, msg);
    else if (file)
        fprintf(stderr, "%s: %s: %s\n", program, file, msg);
    else
        fprintf(stderr, "%s: %s\n", program, msg);
}

const ibid_diag ibid_diag_stderr = {to_stderr, NULL};
