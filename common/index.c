/*
 * index.c - opening an index file: mapping, header and section table, checksums of the small
 * sections, structural checks of every table that later lookups index into; and the simple
 * accessors (statistics, passage lengths and metadata, files, works, chapters).
 * See index.h for the contract and docs/index-format.md for the bytes.
 *
 * What open checks (everything later code relies on without re-checking):
 *   - magic, version, flags, file size, header crc32, every section inside the file and
 *     8-byte aligned, every section id present once;
 *   - crc32 of the sections open parses in full (META, FILES, WORKS, CHAPTERS, the runs and
 *     the three block indexes: a few hundred KB on 100 MB of text).  The large sections
 *     (dictionary blocks, FORMLIST, LENS, PMETA, POSTINGS, STORE) are checksummed only by
 *     ibid_index_verify: checking 5 MB at every open cost 13-30 ms on Gutenberg, and every
 *     read from them is bounds-checked anyway.  The block indexes are checked for monotonic
 *     offsets that end exactly at their sections' ends, so every slice is in bounds;
 *   - META sizes against every fixed-size table; string tables, file table and runs entry
 *     by entry (offsets in range, strings NUL-terminated valid UTF-8, passages contiguous);
 *   - not the order of the dictionary blocks: that would touch a page of every block (1-10 ms
 *     on Gutenberg); ibid_index_verify checks it, and every scan of a block checks that its
 *     entries increase.
 * Dictionary blocks and postings are decoded lazily with every read bounds-checked.
 */
#include "index_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#include "bitpack.h"
#include "crc32.h"
#include "le64.h"
#include "status.h"

int ibid_ix_corrupt(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return IBID_ECORRUPT;
}

int ibid_ix_valid_text(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        while (len - i >= 8 && ibid_ascii8_no_nul(s + i)) /* eight ASCII bytes, none NUL */
            i += 8;
        if (i == len)
            break;
        if (s[i] < 0x80) { /* ASCII fast path */
            if (s[i] == 0)
                return 0;
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t r = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (r <= 0)
            return 0;
        i += (size_t)r;
    }
    return 1;
}

static void set_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, a, b);
}

static uint32_t crc_of(const uint8_t *p, uint64_t len)
{
    return ibid_crc32(0, p, (size_t)len); /* sections lie in the mapping: len fits size_t */
}

static int check_header(ibid_index *ix, char *err, size_t errlen)
{
    const uint8_t *m = ix->map;
    if (ix->size < IBID_IDX_FIXED_HEADER + 8 || memcmp(m, IBID_IDX_MAGIC, 8) != 0)
        return ibid_ix_corrupt(err, errlen, "not an ibid index (bad magic)");
    uint32_t version = ibid_le32(m + 8);
    if (version != IBID_IDX_VERSION)
        return ibid_ix_corrupt(err, errlen, "index format version %u, this program reads version %u; rebuild the index",
                               version, (unsigned)IBID_IDX_VERSION);
    if (ibid_le32(m + 12) != 0)
        return ibid_ix_corrupt(err, errlen, "unknown header flags %#x", ibid_le32(m + 12));
    if (ibid_le64(m + 16) != ix->size)
        return ibid_ix_corrupt(err, errlen, "file is %zu bytes, header says %llu (truncated?)", ix->size,
                               (unsigned long long)ibid_le64(m + 16));
    uint32_t n = ibid_le32(m + 24);
    if (n > IBID_IDX_MAX_SECTIONS)
        return ibid_ix_corrupt(err, errlen, "bad section count %u", n);
    size_t hlen = IBID_IDX_FIXED_HEADER + (size_t)IBID_IDX_SECTION_ENTRY * n + 8;
    if (hlen > ix->size)
        return ibid_ix_corrupt(err, errlen, "header runs past the end of the file");
    if (ibid_le32(m + hlen - 8) != crc_of(m, hlen - 8))
        return ibid_ix_corrupt(err, errlen, "header checksum mismatch");
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = m + IBID_IDX_FIXED_HEADER + (size_t)IBID_IDX_SECTION_ENTRY * i;
        uint32_t id = ibid_le32(e);
        uint64_t off = ibid_le64(e + 8), len = ibid_le64(e + 16);
        if (id < 1 || id > IBID_SEC_COUNT || ix->sec[id].p)
            return ibid_ix_corrupt(err, errlen, "bad or repeated section id %u", id);
        if (off < hlen || off % 8 || off > ix->size || len > ix->size - off)
            return ibid_ix_corrupt(err, errlen, "section %u out of bounds", id);
        ix->sec[id].p = m + off;
        ix->sec[id].len = len;
        ix->sec[id].crc = ibid_le32(e + 4);
    }
    for (uint32_t id = 1; id <= IBID_SEC_COUNT; id++)
        if (!ix->sec[id].p)
            return ibid_ix_corrupt(err, errlen, "section %u missing", id);
    return IBID_OK;
}

/* A string table: u32 count, u32 offsets[count + 1], strings. */
static int check_strings(const ibid_sec *s, uint32_t count, const uint8_t **str, uint64_t *strlen_,
                         const char *what, char *err, size_t errlen)
{
    if (s->len < 4 || ibid_le32(s->p) != count || (s->len - 4) / 4 < (uint64_t)count + 1)
        return ibid_ix_corrupt(err, errlen, "%s table: bad count", what);
    uint64_t base = 4 + 4 * ((uint64_t)count + 1), slen = s->len - base;
    const uint8_t *offs = s->p + 4, *data = s->p + base;
    uint32_t prev = 0;
    if (ibid_le32(offs) != 0)
        return ibid_ix_corrupt(err, errlen, "%s table: bad first offset", what);
    for (uint32_t i = 1; i <= count; i++) {
        uint32_t o = ibid_le32(offs + 4 * (size_t)i);
        if (o <= prev || o > slen || data[o - 1] != 0 || !ibid_ix_valid_text(data + prev, o - 1 - prev))
            return ibid_ix_corrupt(err, errlen, "%s table: bad string %u", what, i - 1);
        prev = o;
    }
    if (prev != slen)
        return ibid_ix_corrupt(err, errlen, "%s table: trailing bytes", what);
    *str = data;
    *strlen_ = slen;
    return IBID_OK;
}

static int check_runs(const ibid_sec *s, uint32_t nruns, uint32_t npass, uint32_t nids, int nullable,
                      const char *what, char *err, size_t errlen)
{
    if (s->len != (uint64_t)nruns * 8 || (npass == 0) != (nruns == 0) || nruns > npass)
        return ibid_ix_corrupt(err, errlen, "%s runs: bad size", what);
    for (uint32_t i = 0; i < nruns; i++) {
        uint32_t first = ibid_le32(s->p + 8 * (size_t)i), id = ibid_le32(s->p + 8 * (size_t)i + 4);
        if ((i == 0 && first != 0) || (i > 0 && first <= ibid_le32(s->p + 8 * (size_t)(i - 1))) ||
            first >= npass || (id >= nids && !(nullable && id == UINT32_MAX)))
            return ibid_ix_corrupt(err, errlen, "%s runs: bad run %u", what, i);
    }
    return IBID_OK;
}

static int check_tables(ibid_index *ix, char *err, size_t errlen)
{
    const ibid_sec *meta = &ix->sec[IBID_SEC_META];
    if (meta->len != IBID_IDX_META_SIZE)
        return ibid_ix_corrupt(err, errlen, "bad META size");
    const uint8_t *m = meta->p;
    ix->npass = ibid_le32(m + IBID_META_PASSAGES);
    ix->nterms = ibid_le32(m + IBID_META_TERMS);
    ix->nforms = ibid_le32(m + IBID_META_FORMS);
    ix->nfiles = ibid_le32(m + IBID_META_FILES);
    ix->nworks = ibid_le32(m + IBID_META_WORKS);
    ix->nchaps = ibid_le32(m + IBID_META_CHAPTERS);
    ix->tokens = ibid_le64(m + IBID_META_TOKENS);
    ix->postings = ibid_le64(m + IBID_META_POSTINGS);
    ix->occurrences = ibid_le64(m + IBID_META_OCCURRENCES);
    ix->text_bytes = ibid_le64(m + IBID_META_TEXT_BYTES);
    ix->nstore = ibid_le32(m + IBID_META_STORE_BLOCKS);
    ix->lens_width = ibid_le32(m + IBID_META_LENS_WIDTH);
    ix->line_bits = ibid_le32(m + IBID_META_LINE_BITS);
    ix->min_len = ibid_le32(m + IBID_META_MIN_LEN);
    ix->max_len = ibid_le32(m + IBID_META_MAX_LEN);
    ix->nwruns = ibid_le32(m + IBID_META_WRUNS);
    ix->ncruns = ibid_le32(m + IBID_META_CRUNS);
    if (ix->npass == UINT32_MAX || ibid_le32(m + IBID_META_TERM_BLOCK) != IBID_IDX_TERM_BLOCK ||
        ibid_le32(m + IBID_META_FORM_BLOCK) != IBID_IDX_FORM_BLOCK ||
        ibid_le32(m + IBID_META_POST_BLOCK) != IBID_IDX_POST_BLOCK)
        return ibid_ix_corrupt(err, errlen, "unsupported block sizes in META");
    if (ix->lens_width != 1)
        return ibid_ix_corrupt(err, errlen, "bad passage length width");
    const ibid_sec *ls = &ix->sec[IBID_SEC_LENS];
    if (ls->len < ix->npass || (ls->len - ix->npass) % 8 || (ls->len - ix->npass) / 8 > ix->npass)
        return ibid_ix_corrupt(err, errlen, "LENS size does not match the passage count");
    ix->lens_long = ls->p + ix->npass;
    ix->nlens_long = (uint32_t)((ls->len - ix->npass) / 8);
    for (uint32_t i = 0; i < ix->nlens_long; i++) { /* a few thousand on Gutenberg */
        uint32_t pid = ibid_le32(ix->lens_long + 8 * (size_t)i), len = ibid_le32(ix->lens_long + 8 * (size_t)i + 4);
        if (pid >= ix->npass || len < IBID_LENS_LONG ||
            (i > 0 && pid <= ibid_le32(ix->lens_long + 8 * (size_t)(i - 1))))
            return ibid_ix_corrupt(err, errlen, "LENS: bad long length %u", i);
    }
    if (ix->nlens_long) {
        size_t ng = ((size_t)ix->npass >> 6) + 2;
        if (!(ix->lens_blk = malloc(ng * sizeof *ix->lens_blk)))
            return IBID_ENOMEM;
        uint32_t i = 0;
        for (size_t k = 0; k < ng; k++) {
            while (i < ix->nlens_long && ibid_le32(ix->lens_long + 8 * (size_t)i) < ((uint64_t)k << 6))
                i++;
            ix->lens_blk[k] = i;
        }
    }
    if (ix->line_bits > 30 ||
        ix->sec[IBID_SEC_PMETA].len != ibid_bitpack_bytes(ix->npass, 2 + ix->line_bits))
        return ibid_ix_corrupt(err, errlen, "PMETA size does not match the passage count");
    if (ix->min_len > ix->max_len)
        return ibid_ix_corrupt(err, errlen, "bad length range");
    int rc = check_strings(&ix->sec[IBID_SEC_WORKS], ix->nworks, &ix->works_str, &ix->works_strlen,
                           "work", err, errlen);
    if (rc == IBID_OK)
        rc = check_strings(&ix->sec[IBID_SEC_CHAPTERS], ix->nchaps, &ix->chaps_str, &ix->chaps_strlen,
                           "chapter", err, errlen);
    if (rc == IBID_OK)
        rc = check_runs(&ix->sec[IBID_SEC_WRUNS], ix->nwruns, ix->npass, ix->nworks, 0, "work", err, errlen);
    if (rc == IBID_OK)
        rc = check_runs(&ix->sec[IBID_SEC_CRUNS], ix->ncruns, ix->npass, ix->nchaps, 1, "chapter", err, errlen);
    if (rc)
        return rc;

    /* files: u32 count, u32 reserved, records, path strings; passages contiguous */
    const ibid_sec *f = &ix->sec[IBID_SEC_FILES];
    if (f->len < 8 || ibid_le32(f->p) != ix->nfiles ||
        (f->len - 8) / IBID_FILE_RECORD < ix->nfiles)
        return ibid_ix_corrupt(err, errlen, "FILES: bad count");
    ix->files_str = f->p + 8 + (uint64_t)IBID_FILE_RECORD * ix->nfiles;
    ix->files_strlen = f->len - 8 - (uint64_t)IBID_FILE_RECORD * ix->nfiles;
    uint64_t next = 0;
    for (uint32_t i = 0; i < ix->nfiles; i++) {
        const uint8_t *r = f->p + 8 + (size_t)IBID_FILE_RECORD * i;
        uint32_t first = ibid_le32(r + 24), count = ibid_le32(r + 28);
        uint64_t poff = ibid_le32(r + 32), plen = ibid_le32(r + 36);
        if (first != next || poff + plen >= ix->files_strlen ||
            ix->files_str[poff + plen] != 0 || !ibid_ix_valid_text(ix->files_str + poff, plen))
            return ibid_ix_corrupt(err, errlen, "FILES: bad record %u", i);
        next += count;
    }
    if (next != ix->npass)
        return ibid_ix_corrupt(err, errlen, "FILES: passage counts do not add up");

    /* term block index: (blocks + 1) entries, monotonic, sentinel = section ends */
    ix->ntblocks = (uint32_t)(((uint64_t)ix->nterms + IBID_IDX_TERM_BLOCK - 1) / IBID_IDX_TERM_BLOCK);
    const ibid_sec *ti = &ix->sec[IBID_SEC_TERMIDX];
    if (ti->len != ((uint64_t)ix->ntblocks + 1) * IBID_TERMIDX_ENTRY)
        return ibid_ix_corrupt(err, errlen, "TERMIDX size does not match the term count");
    const ibid_sec *fl = &ix->sec[IBID_SEC_FORMLIST];
    ix->formlist_bits = ix->nforms > 1 ? ibid_bitpack_width(ix->nforms - 1) : 0;
    if (fl->len != ibid_bitpack_bytes(ix->nforms, ix->formlist_bits))
        return ibid_ix_corrupt(err, errlen, "FORMLIST size does not match the form count");
    ix->nformlist = ix->nforms;
    for (uint32_t b = 0; b <= ix->ntblocks; b++) {
        const uint8_t *e = ti->p + (size_t)IBID_TERMIDX_ENTRY * b;
        uint32_t d = ibid_le32(e), fo = ibid_le32(e + 4);
        uint64_t po = ibid_le64(e + 8);
        int last = b == ix->ntblocks;
        if (b > 0) {
            const uint8_t *pe = e - IBID_TERMIDX_ENTRY;
            if (d <= ibid_le32(pe) || fo < ibid_le32(pe + 4) || po < ibid_le64(pe + 8))
                return ibid_ix_corrupt(err, errlen, "TERMIDX: entries out of order at %u", b);
        } else if (d != 0 || fo != 0 || po != 0) {
            return ibid_ix_corrupt(err, errlen, "TERMIDX: bad first entry");
        }
        if (last ? (d != ix->sec[IBID_SEC_TERMDICT].len || fo != ix->nformlist ||
                    po != ix->sec[IBID_SEC_POSTINGS].len)
                 : (d >= ix->sec[IBID_SEC_TERMDICT].len || fo > ix->nformlist ||
                    po > ix->sec[IBID_SEC_POSTINGS].len))
            return ibid_ix_corrupt(err, errlen, "TERMIDX: entry %u out of bounds", b);
    }
    ix->nfblocks = (uint32_t)(((uint64_t)ix->nforms + IBID_IDX_FORM_BLOCK - 1) / IBID_IDX_FORM_BLOCK);
    const ibid_sec *fi = &ix->sec[IBID_SEC_FORMIDX];
    if (fi->len != ((uint64_t)ix->nfblocks + 1) * 4 || ix->nformlist != ix->nforms)
        return ibid_ix_corrupt(err, errlen, "FORMIDX size does not match the form count");
    for (uint32_t b = 0; b <= ix->nfblocks; b++) {
        uint32_t d = ibid_le32(fi->p + 4 * (size_t)b);
        if ((b == 0 && d != 0) || (b > 0 && d <= ibid_le32(fi->p + 4 * (size_t)(b - 1))) ||
            (b == ix->nfblocks ? d != ix->sec[IBID_SEC_FORMDICT].len : d >= ix->sec[IBID_SEC_FORMDICT].len))
            return ibid_ix_corrupt(err, errlen, "FORMIDX: entry %u out of bounds", b);
    }
    /* store block index */
    const ibid_sec *si = &ix->sec[IBID_SEC_STOREIDX];
    if (si->len != ((uint64_t)ix->nstore + 1) * IBID_STOREIDX_ENTRY || (ix->npass == 0) != (ix->nstore == 0))
        return ibid_ix_corrupt(err, errlen, "STOREIDX size does not match the block count");
    for (uint32_t b = 0; b <= ix->nstore; b++) {
        const uint8_t *e = si->p + (size_t)IBID_STOREIDX_ENTRY * b;
        uint32_t first = ibid_le32(e), ulen = ibid_le32(e + 4);
        uint64_t off = ibid_le64(e + 8);
        int last = b == ix->nstore;
        if (b == 0 ? (first != 0 || off != 0)
                   : (first <= ibid_le32(e - IBID_STOREIDX_ENTRY) || off <= ibid_le64(e - IBID_STOREIDX_ENTRY + 8)))
            return ibid_ix_corrupt(err, errlen, "STOREIDX: entries out of order at %u", b);
        if (last ? (first != ix->npass || off != ix->sec[IBID_SEC_STORE].len || ulen != 0)
                 : (first >= ix->npass || off >= ix->sec[IBID_SEC_STORE].len || ulen == 0 ||
                    ulen > IBID_IDX_MAX_PASSAGE_BYTES + (1u << 20)))
            return ibid_ix_corrupt(err, errlen, "STOREIDX: entry %u out of bounds", b);
        /* deflate expands at most 1032:1, so a block's size cannot exceed 1032 times its
           compressed bytes: a forged size would make every read allocate up to 1 GiB */
        if (b > 0 && ibid_le32(e - IBID_STOREIDX_ENTRY + 4) >
                         (off - ibid_le64(e - IBID_STOREIDX_ENTRY + 8)) * 1032 + 64)
            return ibid_ix_corrupt(err, errlen, "STOREIDX: block %u larger than its data allows", b - 1);
    }
    return IBID_OK;
}

int ibid_index_open(const char *path, ibid_index **out, char *err, size_t errlen)
{
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        set_err(err, errlen, "%s: %s", path, strerror(e));
        errno = e;
        return e == ENOENT || e == ENOTDIR ? IBID_ENOENT : IBID_EIO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
        set_err(err, errlen, "%s: %s", path, strerror(e));
        close(fd);
        errno = e;
        return IBID_EIO;
    }
    if ((uint64_t)st.st_size < IBID_IDX_FIXED_HEADER + 8 || (uint64_t)st.st_size > SIZE_MAX) {
        close(fd);
        return ibid_ix_corrupt(err, errlen, "%s: too small to be an ibid index", path);
    }
    ibid_index *ix = calloc(1, sizeof *ix);
    if (!ix) {
        close(fd);
        return IBID_ENOMEM;
    }
    ix->size = (size_t)st.st_size;
    void *map = mmap(NULL, ix->size, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (map == MAP_FAILED) {
        free(ix);
        set_err(err, errlen, "%s: mmap: %s", path, strerror(e));
        errno = e;
        return IBID_EIO;
    }
    ix->map = map;
    int rc = check_header(ix, err, errlen);
    /* checksums of the tables that open parses in full; the rest is decoded lazily with
       every read bounds-checked, and checksummed by ibid_index_verify */
    static const uint32_t at_open[] = {IBID_SEC_META,  IBID_SEC_FILES,   IBID_SEC_WORKS,
                                       IBID_SEC_CHAPTERS, IBID_SEC_WRUNS, IBID_SEC_CRUNS,
                                       IBID_SEC_TERMIDX, IBID_SEC_FORMIDX, IBID_SEC_STOREIDX};
    for (size_t i = 0; rc == IBID_OK && i < sizeof at_open / sizeof at_open[0]; i++) {
        uint32_t id = at_open[i];
        if (crc_of(ix->sec[id].p, ix->sec[id].len) != ix->sec[id].crc)
            rc = ibid_ix_corrupt(err, errlen, "checksum mismatch in section %u", id);
    }
    if (rc == IBID_OK)
        rc = check_tables(ix, err, errlen);
    if (rc != IBID_OK) {
        ibid_index_close(ix);
        return rc;
    }
    *out = ix;
    return IBID_OK;
}

void ibid_index_close(ibid_index *ix)
{
    if (!ix)
        return;
    ibid_ix_store_cache_free(ix);
    free(ix->lens_blk);
    if (ix->map)
        munmap(ix->map, ix->size);
    free(ix);
}

int ibid_index_verify(const ibid_index *ix, char *err, size_t errlen)
{
    for (uint32_t id = 1; id <= IBID_SEC_COUNT; id++)
        if (crc_of(ix->sec[id].p, ix->sec[id].len) != ix->sec[id].crc)
            return ibid_ix_corrupt(err, errlen, "checksum mismatch in section %u", id);
    /* every 255 byte of LENS has its long length, and none is left over; the lengths add up */
    uint32_t nlong = 0;
    uint64_t tokens = 0;
    for (uint32_t pid = 0; pid < ix->npass; pid++) {
        if (ix->sec[IBID_SEC_LENS].p[pid] == IBID_LENS_LONG &&
            (nlong >= ix->nlens_long || ibid_le32(ix->lens_long + 8 * (size_t)nlong++) != pid))
            return ibid_ix_corrupt(err, errlen, "LENS: passage %u has no long length", pid);
        tokens += ibid_ix_len(ix, pid);
    }
    if (nlong != ix->nlens_long || tokens != ix->tokens)
        return ibid_ix_corrupt(err, errlen, "LENS: the lengths do not add up to META");
    int rc = ibid_ix_verify_dict(ix, err, errlen);
    if (rc == IBID_OK)
        rc = ibid_ix_verify_store(ix, err, errlen);
    return rc;
}

/* ---- statistics and per-passage data ---- */

uint32_t ibid_index_passage_count(const ibid_index *ix) { return ix->npass; }
uint64_t ibid_index_token_count(const ibid_index *ix) { return ix->tokens; }
double ibid_index_avg_len(const ibid_index *ix)
{
    return ix->npass ? (double)ix->tokens / ix->npass : 0.0;
}
uint32_t ibid_index_term_count(const ibid_index *ix) { return ix->nterms; }

uint32_t ibid_index_passage_len(const ibid_index *ix, uint32_t pid)
{
    if (pid >= ix->npass)
        return 0;
    return ibid_ix_len(ix, pid);
}

/* The id of the last run whose first passage is <= pid (runs are checked at open); *next (may
   be NULL) gets the first passage of the run after it, or UINT32_MAX after the last. */
static uint32_t run_at(const ibid_sec *s, uint32_t nruns, uint32_t pid, uint32_t *next)
{
    uint32_t lo = ibid_ix_run_index(s, nruns, pid);
    if (next)
        *next = lo + 1 < nruns ? ibid_le32(s->p + 8 * (size_t)(lo + 1)) : UINT32_MAX;
    return ibid_le32(s->p + 8 * (size_t)lo + 4);
}

static uint32_t run_lookup(const ibid_sec *s, uint32_t nruns, uint32_t pid)
{
    return run_at(s, nruns, pid, NULL);
}

uint32_t ibid_ix_file_of(const ibid_index *ix, uint32_t pid)
{
    const uint8_t *rec = ix->sec[IBID_SEC_FILES].p + 8;
    uint32_t lo = 0, hi = ix->nfiles;
    while (lo < hi) { /* first file whose range ends after pid */
        uint32_t mid = lo + (hi - lo) / 2;
        const uint8_t *r = rec + (size_t)IBID_FILE_RECORD * mid;
        if ((uint64_t)ibid_le32(r + 24) + ibid_le32(r + 28) <= pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ix->nfiles ? lo : UINT32_MAX;
}

int ibid_index_passage_meta(const ibid_index *ix, uint32_t pid, ibid_passage_meta *out)
{
    if (pid >= ix->npass)
        return IBID_EINVAL;
    uint32_t v = ibid_bitpack_get(ix->sec[IBID_SEC_PMETA].p, pid, 2 + ix->line_bits);
    unsigned kind = v & 3;
    if (kind > IBID_KIND_BIBLIOGRAPHY)
        return IBID_ECORRUPT;
    out->kind = (ibid_kind)kind;
    out->line = v >> 2;
    out->file_id = ibid_ix_file_of(ix, pid);
    out->work_id = run_lookup(&ix->sec[IBID_SEC_WRUNS], ix->nwruns, pid);
    out->chapter_id = run_lookup(&ix->sec[IBID_SEC_CRUNS], ix->ncruns, pid);
    return out->file_id == UINT32_MAX ? IBID_ECORRUPT : IBID_OK;
}

int ibid_index_title_run(const ibid_index *ix, uint32_t pid, uint32_t *work_id, uint32_t *chapter_id,
                         uint32_t *next)
{
    if (pid >= ix->npass)
        return IBID_EINVAL;
    uint32_t nw, nc; /* run starts are increasing (checked at open): both lie after pid */
    *work_id = run_at(&ix->sec[IBID_SEC_WRUNS], ix->nwruns, pid, &nw);
    *chapter_id = run_at(&ix->sec[IBID_SEC_CRUNS], ix->ncruns, pid, &nc);
    uint32_t n = nw < nc ? nw : nc;
    *next = n > pid && n < ix->npass ? n : ix->npass;
    return IBID_OK;
}

uint32_t ibid_index_work_count(const ibid_index *ix) { return ix->nworks; }
uint32_t ibid_index_chapter_count(const ibid_index *ix) { return ix->nchaps; }

const char *ibid_index_work_name(const ibid_index *ix, uint32_t work_id)
{
    if (work_id >= ix->nworks)
        return NULL;
    return (const char *)ix->works_str + ibid_le32(ix->sec[IBID_SEC_WORKS].p + 4 + 4 * (size_t)work_id);
}

const char *ibid_index_chapter_name(const ibid_index *ix, uint32_t chapter_id)
{
    if (chapter_id >= ix->nchaps)
        return NULL;
    return (const char *)ix->chaps_str + ibid_le32(ix->sec[IBID_SEC_CHAPTERS].p + 4 + 4 * (size_t)chapter_id);
}

uint32_t ibid_index_file_count(const ibid_index *ix) { return ix->nfiles; }

uint64_t ibid_index_segment_id(const ibid_index *ix)
{
    return ibid_le64(ix->sec[IBID_SEC_META].p + IBID_META_SEGMENT);
}

int ibid_index_file(const ibid_index *ix, uint32_t file_id, ibid_file_info *out)
{
    if (file_id >= ix->nfiles)
        return IBID_EINVAL;
    const uint8_t *r = ix->sec[IBID_SEC_FILES].p + 8 + (size_t)IBID_FILE_RECORD * file_id;
    out->size = ibid_le64(r);
    out->mtime = (int64_t)ibid_le64(r + 8);
    out->first_passage = ibid_le32(r + 24);
    out->passage_count = ibid_le32(r + 28);
    out->hash = ibid_le64(r + 16);
    out->path = (const char *)ix->files_str + ibid_le32(r + 32);
    return IBID_OK;
}
