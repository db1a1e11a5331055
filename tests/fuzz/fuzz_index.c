/* fuzz_index.c - libFuzzer target for the index reader (common/index.c, index_dict.c,
 * postings.c, store_read.c) through its public contract, index.h.
 *
 * The input is an index file.  Before it is opened, the harness repairs what a random mutation
 * almost always breaks first: the header's file size and every crc32 of the section table and
 * of the header (when the header is long enough to hold them), so that mutations reach the
 * dictionaries, postings and store behind the checksums.  (Checksum rejection itself is tested
 * by tests/e2e/robust_corrupt.sh.)  The bytes go to a memfd, opened by path /proc/self/fd/N.
 *
 * On an index that opens, it reads the statistics, passage lengths and metadata, the files,
 * works and chapters; visits up to 48 forms of the forms dictionary and looks each one up again;
 * looks up a few fixed stems; walks
 * each term's postings with positions and checks index.h's promises (doc ids strictly
 * increasing and below the passage count, 1 <= tf <= max_tf, positions available, variants
 * below the term's form count), probes advance() and block_bound(); reads back some passages
 * from the store; and runs ibid_index_verify.  Any call may return an error; none may crash,
 * hang or break a promise (a broken promise aborts).
 * Build: cmake -DIBID_FUZZ=ON with CC=clang (tests/fuzz/CMakeLists.txt); see docs/robustness.md. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "analyze.h"
#include "index.h"
#include "index_format.h"
#include "status.h"

static int memfd = -1;
static char path[64];

enum { MAX_FORMS = 48, MAX_POSTINGS = 4096, MAX_PASSAGES = 8 };

typedef struct form_rec {
    char form[IBID_MAX_TERM + 1];
    size_t len;
    ibid_term_info term;
    uint32_t variant;
} form_rec;

typedef struct visit {
    form_rec v[MAX_FORMS];
    size_t n;
} visit;

static int collect(void *ctx, const char *form, size_t len, const ibid_term_info *term, uint32_t variant)
{
    visit *vs = ctx;
    if (len > IBID_MAX_TERM || vs->n >= MAX_FORMS)
        abort(); /* the dictionary promises at most IBID_MAX_TERM bytes; max was MAX_FORMS */
    form_rec *r = &vs->v[vs->n++];
    memcpy(r->form, form, len);
    r->form[len] = '\0';
    r->len = len;
    r->term = *term;
    r->variant = variant;
    return 0;
}

static void fix_checksums(uint8_t *m, size_t size)
{
    if (size < IBID_IDX_FIXED_HEADER + 8 || memcmp(m, IBID_IDX_MAGIC, 8) != 0)
        return;
    ibid_st64(m + 16, size);
    uint32_t n = ibid_le32(m + 24);
    if (n > IBID_IDX_MAX_SECTIONS)
        return;
    size_t hlen = IBID_IDX_FIXED_HEADER + (size_t)IBID_IDX_SECTION_ENTRY * n + 8;
    if (hlen > size)
        return;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = m + IBID_IDX_FIXED_HEADER + (size_t)IBID_IDX_SECTION_ENTRY * i;
        uint64_t off = ibid_le64(e + 8), len = ibid_le64(e + 16);
        if (off <= size && len <= size - off)
            ibid_st32(e + 4, (uint32_t)crc32(crc32(0L, Z_NULL, 0), m + off, (uInt)len));
    }
    ibid_st32(m + hlen - 8, (uint32_t)crc32(crc32(0L, Z_NULL, 0), m, (uInt)(hlen - 8)));
}

static void check_passage(const ibid_index *ix, uint32_t pid)
{
    ibid_stored_passage sp;
    int rc = ibid_index_get_passage(ix, pid, &sp);
    if (rc == IBID_OK) {
        const ibid_passage *p = &sp.p;
        if (sp.pid != pid || !p->text || !p->work || !p->file || p->line < 1 || p->end_line < p->line)
            abort();
        if ((p->ncites == 0) != (p->cites == NULL))
            abort();
        volatile size_t sink = strlen(p->text) + strlen(p->work) + strlen(p->file);
        for (size_t i = 0; i < p->ncites; i++)
            if (p->cites[i].text)
                sink += strlen(p->cites[i].text);
        if (p->chapter)
            sink += strlen(p->chapter);
        if (p->id)
            sink += strlen(p->id);
        (void)sink;
    } else if (rc != IBID_ECORRUPT && rc != IBID_ENOMEM && rc != IBID_EINVAL) {
        abort();
    }
    ibid_stored_passage_free(&sp);
}

static void walk_postings(const ibid_index *ix, const ibid_term_info *t, uint32_t npass, uint32_t *pids,
                          size_t *npids)
{
    ibid_postings *p;
    if (ibid_postings_open(ix, t, 1, &p) != IBID_OK)
        return;
    uint32_t prev = 0, count = 0;
    int first = 1;
    while (ibid_postings_doc(p) != IBID_NO_DOC && count < MAX_POSTINGS) {
        uint32_t d = ibid_postings_doc(p), tf = ibid_postings_tf(p);
        if (d >= npass || (!first && d <= prev) || tf < 1 || tf > t->max_tf)
            abort();
        const uint32_t *pos, *var;
        int rc = ibid_postings_positions(p, &pos, &var);
        if (rc == IBID_OK) {
            for (uint32_t i = 0; i < tf; i++)
                if (var[i] >= t->nforms)
                    abort();
            volatile uint32_t sink = pos[tf - 1];
            (void)sink;
        } else if (rc != IBID_ECORRUPT && rc != IBID_ENOMEM) {
            abort();
        }
        if (*npids < MAX_PASSAGES && (count == 0 || count % 97 == 0))
            pids[(*npids)++] = d;
        uint32_t last, mtf, mlen;
        if (count % 61 == 0 && ibid_postings_block_bound(p, d, &last, &mtf, &mlen) == IBID_OK &&
            (last < d || mtf < tf))
            abort();
        prev = d;
        first = 0;
        count++;
        if (ibid_postings_next(p) != IBID_OK)
            break;
    }
    ibid_postings_close(p);

    /* the same list by advance(): targets jump ahead irregularly */
    if (ibid_postings_open(ix, t, 0, &p) != IBID_OK)
        return;
    uint32_t target = 0;
    for (int k = 0; k < 64; k++) {
        uint32_t last, mtf, mlen;
        if (ibid_postings_block_bound(p, target, &last, &mtf, &mlen) != IBID_OK)
            break;
        if (ibid_postings_advance(p, target) != IBID_OK)
            break;
        uint32_t d = ibid_postings_doc(p);
        if (d == IBID_NO_DOC)
            break;
        if (d < target || d >= npass)
            abort();
        target = d + 1 + (d % 7) * 13;
    }
    ibid_postings_close(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memfd < 0) {
        memfd = memfd_create("ibid-fuzz-index", MFD_CLOEXEC);
        if (memfd < 0)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
    }
    if (size > (1u << 22))
        return 0;
    uint8_t *m = malloc(size ? size : 1);
    if (!m)
        return 0;
    memcpy(m, data, size);
    fix_checksums(m, size);
    if (ftruncate(memfd, 0) != 0 || (size && pwrite(memfd, m, size, 0) != (ssize_t)size))
        abort();
    free(m);

    ibid_index *ix;
    char err[256];
    int rc = ibid_index_open(path, &ix, err, sizeof err);
    if (rc != IBID_OK) {
        if (rc != IBID_ECORRUPT || !err[0] || strchr(err, '\n'))
            abort(); /* a one-line reason for every rejection */
        return 0;
    }
    uint32_t npass = ibid_index_passage_count(ix);
    volatile double avg = ibid_index_avg_len(ix);
    (void)avg;
    (void)ibid_index_token_count(ix);
    (void)ibid_index_term_count(ix);
    for (uint32_t pid = 0; pid < npass && pid < 64; pid++) {
        (void)ibid_index_passage_len(ix, pid);
        ibid_passage_meta meta;
        if (ibid_index_passage_meta(ix, pid, &meta) == IBID_OK) {
            if (meta.file_id >= ibid_index_file_count(ix) || !ibid_index_work_name(ix, meta.work_id))
                abort();
            if (meta.chapter_id != UINT32_MAX && !ibid_index_chapter_name(ix, meta.chapter_id))
                abort();
        }
    }
    if (ibid_index_passage_len(ix, npass) != 0)
        abort();
    for (uint32_t f = 0; f < ibid_index_file_count(ix) && f < 64; f++) {
        ibid_file_info fi;
        if (ibid_index_file(ix, f, &fi) != IBID_OK || !fi.path)
            abort();
        volatile size_t sink = strlen(fi.path);
        (void)sink;
    }
    for (uint32_t w = 0; w < ibid_index_work_count(ix) && w < 64; w++)
        if (!ibid_index_work_name(ix, w))
            abort();

    static visit vs;
    vs.n = 0;
    (void)ibid_index_forms_with_prefix(ix, "", 0, MAX_FORMS, collect, &vs);
    uint32_t pids[MAX_PASSAGES];
    size_t npids = 0;
    for (size_t i = 0; i < vs.n; i++) {
        form_rec *r = &vs.v[i];
        ibid_term_info t;
        uint32_t variant; /* a damaged (unsorted) dictionary may find another entry: no check */
        (void)ibid_index_lookup_form(ix, r->form, r->len, &t, &variant);
        char buf[IBID_MAX_TERM + 1];
        (void)ibid_index_term_form(ix, &r->term, r->variant, buf, sizeof buf);
        if (i < 4 && r->len >= 2) { /* a prefix search starting inside the dictionary */
            static visit sub;
            sub.n = 0;
            (void)ibid_index_forms_with_prefix(ix, r->form, 2, 8, collect, &sub);
        }
        walk_postings(ix, &r->term, npass, pids, &npids);
    }
    static const char *const stems[] = {"the", "stone", "great", "resid", "park", "zzzzz", "a", ""};
    for (size_t i = 0; i < sizeof stems / sizeof stems[0]; i++) {
        ibid_term_info t;
        if (ibid_index_lookup(ix, stems[i], strlen(stems[i]), &t) == 1)
            walk_postings(ix, &t, npass, pids, &npids);
    }
    for (size_t i = 0; i < npids && i < MAX_PASSAGES; i++)
        check_passage(ix, pids[i]);
    for (uint32_t pid = 0; pid < npass && pid < 4; pid++)
        check_passage(ix, pid);
    if (npass)
        check_passage(ix, npass - 1);
    check_passage(ix, npass); /* out of range: IBID_EINVAL */
    (void)ibid_index_verify(ix, err, sizeof err);
    ibid_index_close(ix);
    return 0;
}
