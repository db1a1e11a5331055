/* fuzz_build.c - libFuzzer target for the whole write path: any file, parsed as ibid-index
 * would (sanitized, format detected), goes through the builder (indexer/index_build*.c,
 * postings_enc.c, store_write.c, index_file.c) into an index file, which must then open and
 * pass ibid_index_verify, and give back every passage as it went in (kind, line, end line,
 * footnote number, text) and the file's passage count.  The builder may refuse with
 * IBID_ELIMIT; anything else is a finding.
 *
 * The first input byte picks the format (0 auto, then pdftext, markdown, plain, jsonl); the
 * rest is the file.  The index goes to a folder in /dev/shm (or /tmp) made for this process
 * and removed at exit.
 * Build: cmake -DIBID_FUZZ=ON with CC=clang (tests/fuzz/CMakeLists.txt); see docs/robustness.md. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_parse.h"
#include "index.h"
#include "index_build.h"

static char dir[128], path[160];

static void cleanup(void)
{
    unlink(path);
    rmdir(dir);
}

static int same_str(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (!dir[0]) {
        const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(dir, sizeof dir, "%s/ibid-fuzz-build.%ld", base, (long)getpid());
        snprintf(path, sizeof path, "%s/x.ibid", dir);
        (void)mkdir(dir, 0700);
        atexit(cleanup);
    }
    ibid_format fmt = (ibid_format)(data[0] % 5);
    size_t len = size - 1;
    char *buf = malloc(len + 1);
    if (!buf)
        return 0;
    memcpy(buf, data + 1, len);
    buf[len] = '\0';
    long bad_line;
    if (ibid_utf8_sanitize(&buf, &len, &bad_line) < 0) {
        free(buf);
        return 0;
    }
    ibid_passage_list l = {0};
    ibid_parse_ctx ctx = {"dir/f.txt", NULL, NULL};
    if (ibid_parse(fmt, &ctx, buf, len, &l) != IBID_OK)
        abort();
    ibid_passages_sort(&l);
    free(buf);

    ibid_builder *b = ibid_builder_new(NULL);
    if (!b)
        abort();
    int rc = ibid_builder_add_file(b, "dir/f.txt", size, 0, &l);
    if (rc == IBID_OK)
        rc = ibid_builder_write(b, path, NULL);
    ibid_builder_free(b);
    if (rc == IBID_ELIMIT) {
        ibid_passages_free(&l);
        return 0;
    }
    if (rc != IBID_OK)
        abort();

    ibid_index *ix;
    char err[256];
    if (ibid_index_open(path, &ix, err, sizeof err) != IBID_OK)
        abort(); /* the builder wrote something the reader refuses */
    if (ibid_index_verify(ix, err, sizeof err) != IBID_OK)
        abort();
    if (ibid_index_passage_count(ix) != l.n || ibid_index_file_count(ix) != 1)
        abort();
    for (size_t i = 0; i < l.n && i < 64; i++) {
        ibid_stored_passage sp;
        if (ibid_index_get_passage(ix, (uint32_t)i, &sp) != IBID_OK)
            abort();
        const ibid_passage *p = &sp.p, *q = &l.v[i];
        if (p->kind != q->kind || p->line != q->line || p->end_line != q->end_line ||
            p->footnote != q->footnote || p->ncites != q->ncites || !same_str(p->text, q->text) ||
            !same_str(p->work, q->work) || !same_str(p->file, q->file))
            abort();
        ibid_stored_passage_free(&sp);
    }
    ibid_index_close(ix);
    ibid_passages_free(&l);
    return 0;
}
