/*
 * segment_merge.c - merging segments into one (segment_merge.h; docs/index-format.md,
 * "Merging segments").
 *
 * 1. The plan.  Each input's files are checked against its deletions (whole files only), the
 *    live files of all inputs are sorted by path, and each gets its first output pid; an
 *    input's files become spans mapping its local pids to the output (merge_int.h).  The
 *    passage lengths are gathered at once: the postings encoder needs them from the start.
 * 2. The passages, in output order: each record is read from the input's store (one inflated
 *    block per input is kept, so a file's passages inflate each block once), its header
 *    decoded and coded again for the output's block (its predictions depend on the block and
 *    on the work and chapter ids: store_codec.h), its cites and strings copied as they are, into
 *    a store writer whose compressed blocks are streamed to the output as STORE.  Works and
 *    chapters are renumbered in order of first appearance, as the builder interns them; cites to
 *    footnote passages are relative to the file's first passage and so stay valid.  Line and
 *    kind of each passage (the input's PMETA) are kept for PMETA; the work and chapter runs are
 *    rebuilt.
 * 3. The terms (merge_terms.c) stream POSTINGS and build the dictionaries; with opts.threads
 *    >= 2 they run on a second thread during step 2, into a scratch file appended afterwards.
 * 4. The small sections are appended, then the header; the write is atomic (index_file.h).
 */
#include "segment_merge.h"

#include <errno.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bitpack.h"
#include "index_impl.h"
#include "index_file.h"
#include "merge_int.h"
#include "section_enc.h"
#include "status.h"
#include "store_read.h"
#include "store_write.h"
#include "strtab.h"
#include "vbyte.h"

enum { STORE_DRAIN = 1 << 20 }; /* compressed store bytes buffered before they are written */
enum { MAX_BLOCK = (1 << 30) + (1 << 20) }; /* largest uncompressed store block (the format) */

void ibid_merge_release(const uint8_t *sec, uint64_t upto, uint64_t *done)
{
    if (upto < *done + (1u << 18))
        return;
    long pg = sysconf(_SC_PAGESIZE);
    if (pg <= 0)
        return;
    uintptr_t from = ((uintptr_t)(sec + *done) + (uintptr_t)pg - 1) & ~(uintptr_t)(pg - 1);
    uintptr_t to = (uintptr_t)(sec + upto) & ~(uintptr_t)(pg - 1);
    if (to > from)
        madvise((void *)from, to - from, MADV_DONTNEED);
    *done = upto;
}

void ibid_merge_release_dicts(const ibid_index *ix)
{
    static const int ids[] = {IBID_SEC_TERMIDX, IBID_SEC_TERMDICT, IBID_SEC_FORMIDX, IBID_SEC_FORMDICT,
                              IBID_SEC_FORMLIST};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        uint64_t done = 0;
        ibid_merge_release(ix->sec[ids[i]].p, ix->sec[ids[i]].len, &done);
    }
}

/* ---- 1. the plan ---- */

typedef struct live_file {
    uint32_t in, fid;
    const char *path;
} live_file;

static int cmp_live(const void *x, const void *y)
{
    const live_file *a = x, *b = y;
    int r = strcmp(a->path, b->path);
    if (r)
        return r;
    return a->in < b->in ? -1 : a->in > b->in;
}

/* Builds m->spans and the sorted live files (*files, *nfiles). */
static int plan(merge_ctx *m, const ibid_merge_input *in, live_file **files, size_t *nfiles)
{
    size_t total = 0;
    for (size_t i = 0; i < m->n; i++) {
        const ibid_index *ix = in[i].ix;
        uint32_t nf = ibid_index_file_count(ix), np = ibid_index_passage_count(ix);
        const uint32_t *del = in[i].deleted;
        size_t nd = del ? in[i].ndeleted : 0;
        for (size_t d = 0; d < nd; d++)
            if (del[d] >= np || (d && del[d] <= del[d - 1]))
                return IBID_EINVAL;
        m->spans[i] = malloc((nf ? nf : 1) * sizeof *m->spans[i]);
        if (!m->spans[i])
            return IBID_ENOMEM;
        m->nspans[i] = nf;
        size_t d = 0;
        const char *prev = NULL;
        for (uint32_t f = 0; f < nf; f++) {
            ibid_file_info fi;
            int rc = ibid_index_file(ix, f, &fi);
            if (rc)
                return rc == IBID_EINVAL ? IBID_ECORRUPT : rc;
            if (prev && strcmp(prev, fi.path) >= 0)
                return IBID_ECORRUPT; /* an input's files must be in path order */
            prev = fi.path;
            uint32_t end = fi.first_passage + fi.passage_count, ndel = 0;
            while (d < nd && del[d] < end) {
                d++;
                ndel++;
            }
            if (ndel && ndel != fi.passage_count)
                return IBID_EINVAL; /* deletions cover whole files only */
            merge_span *s = &m->spans[i][f];
            s->lfirst = fi.first_passage;
            s->lend = end;
            s->gfirst = 0;
            s->live = ndel == 0;
            total += s->live;
        }
    }
    *files = malloc((total ? total : 1) * sizeof **files);
    if (!*files)
        return IBID_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < m->n; i++)
        for (uint32_t f = 0; f < m->nspans[i]; f++)
            if (m->spans[i][f].live) {
                ibid_file_info fi;
                ibid_index_file(in[i].ix, f, &fi);
                (*files)[k++] = (live_file){(uint32_t)i, f, fi.path};
            }
    qsort(*files, total, sizeof **files, cmp_live);
    uint64_t next = 0;
    for (size_t j = 0; j < total; j++) {
        if (j && strcmp((*files)[j - 1].path, (*files)[j].path) == 0)
            return IBID_EINVAL; /* one path live in two inputs */
        merge_span *s = &m->spans[(*files)[j].in][(*files)[j].fid];
        s->gfirst = (uint32_t)next;
        next += s->lend - s->lfirst;
        if (next > UINT32_MAX - 1 || j >= UINT32_MAX - 1)
            return IBID_ELIMIT;
    }
    m->npass = (uint32_t)next;
    *nfiles = total;
    /* the passage lengths, which the postings encoder needs from the start */
    m->lens = malloc((m->npass ? m->npass : 1) * sizeof *m->lens);
    if (!m->lens)
        return IBID_ENOMEM;
    for (size_t j = 0; j < total; j++) {
        const merge_span *sp = &m->spans[(*files)[j].in][(*files)[j].fid];
        for (uint32_t l = sp->lfirst; l < sp->lend; l++)
            m->lens[sp->gfirst + (l - sp->lfirst)] = ibid_index_passage_len(m->ix[(*files)[j].in], l);
    }
    return IBID_OK;
}

/* ---- 2. the passages ---- */

/* One input's inflated store block, its records located. */
typedef struct sblock {
    uint8_t *data;                        /* the inflated block; len is its capacity, reused */
    ibid_ix_srec *recs;                   /* its located records; cap_recs is their capacity */
    uint32_t b, first, nrec, len, cap_recs;
    int held;
    uint64_t released;                    /* STORE bytes given back (ibid_merge_release) */
} sblock;

typedef struct pstate {
    merge_ctx *m;
    struct libdeflate_decompressor *dec;
    sblock *blocks;                       /* per input */
    uint32_t **wmap, **cmap;              /* per input: work / chapter id -> output id */
    ibid_strtab works, chapters;
    ibid_store_writer store;
    int store_open;
    size_t idx_seen;
    uint64_t store_base;
    ibid_buf wruns, cruns;
    uint32_t nwruns, ncruns, last_work, last_chap, max_line;
    uint32_t *pmeta;                      /* line << 2 | kind, by output pid */
    uint64_t tokens, text_bytes;
} pstate;

static int inflate_block(pstate *s, const ibid_index *ix, uint32_t b, sblock *sb)
{
    const uint8_t *e = ix->sec[IBID_SEC_STOREIDX].p + (size_t)IBID_STOREIDX_ENTRY * b;
    uint32_t first = ibid_le32(e), ulen = ibid_le32(e + 4), next = ibid_le32(e + IBID_STOREIDX_ENTRY);
    uint64_t off = ibid_le64(e + 8), end = ibid_le64(e + IBID_STOREIDX_ENTRY + 8);
    uint32_t nrec = next - first;
    if (ulen == 0 || ulen > MAX_BLOCK || end - off > SIZE_MAX || nrec > ibid_ix_store_max_records(ulen))
        return IBID_ECORRUPT;
    sb->held = 0;
    if (ulen > sb->len || !sb->data) {
        uint8_t *p = realloc(sb->data, ulen);
        if (!p)
            return IBID_ENOMEM;
        sb->data = p;
        sb->len = ulen;
    }
    size_t got = 0;
    if (libdeflate_zlib_decompress(s->dec, ix->sec[IBID_SEC_STORE].p + off, (size_t)(end - off), sb->data,
                                   ulen, &got) != LIBDEFLATE_SUCCESS || got != ulen)
        return IBID_ECORRUPT;
    /* the record array only once the block inflated to its stated length (a forged STOREIDX
       cannot make the merge allocate nrec x 64 bytes for nothing) */
    if (nrec > sb->cap_recs || !sb->recs) {
        ibid_ix_srec *r = realloc(sb->recs, (size_t)(nrec ? nrec : 1) * sizeof *r);
        if (!r)
            return IBID_ENOMEM;
        sb->recs = r;
        sb->cap_recs = nrec;
    }
    if (ibid_ix_store_parse(ix, first, nrec, sb->data, ulen, sb->recs))
        return IBID_ECORRUPT;
    sb->b = b;
    sb->first = first;
    sb->nrec = nrec;
    sb->held = 1;
    ibid_merge_release(ix->sec[IBID_SEC_STORE].p, off, &sb->released); /* blocks are read in order */
    return IBID_OK;
}

/* Input i's record of pid (valid until the input's next read), its strings checked. */
static int get_record(pstate *s, size_t i, uint32_t pid, const ibid_ix_srec **rec)
{
    const ibid_index *ix = s->m->ix[i];
    sblock *sb = &s->blocks[i];
    if (!sb->held || pid < sb->first || pid - sb->first >= sb->nrec) {
        const uint8_t *idx = ix->sec[IBID_SEC_STOREIDX].p;
        uint32_t lo = 0, hi = ix->nstore;
        if (!hi)
            return IBID_ECORRUPT;
        while (hi - lo > 1) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (ibid_le32(idx + (size_t)IBID_STOREIDX_ENTRY * mid) <= pid)
                lo = mid;
            else
                hi = mid;
        }
        int rc = inflate_block(s, ix, lo, sb);
        if (rc)
            return rc;
        if (pid < sb->first || pid - sb->first >= sb->nrec)
            return IBID_ECORRUPT;
    }
    *rec = &sb->recs[pid - sb->first];
    return ibid_ix_srec_valid(*rec) ? IBID_OK : IBID_ECORRUPT;
}

/* Output id of input i's work (or chapter) id, interned by its title on first sight. */
static int64_t map_title(ibid_strtab *t, uint32_t *map, const char *name)
{
    if (*map != UINT32_MAX)
        return *map;
    if (!name)
        return IBID_ECORRUPT;
    size_t len = strlen(name);
    int64_t id = ibid_strtab_intern(t, name, len, ibid_strtab_hash(name, len), NULL);
    if (id >= 0)
        *map = (uint32_t)id;
    return id;
}

/* Writes the store's compressed bytes so far to the output once STORE_DRAIN have gathered (all
   of them when final), after moving the new block index entries' offsets by what was written
   before.  The writer runs on the caller's thread, so out and idx are ours between calls. */
static int drain_store(pstate *s, int final)
{
    ibid_store_writer *w = &s->store;
    for (; s->idx_seen + IBID_STOREIDX_ENTRY <= w->idx.len; s->idx_seen += IBID_STOREIDX_ENTRY) {
        uint8_t *e = (uint8_t *)w->idx.data + s->idx_seen + 8;
        ibid_st64(e, ibid_le64(e) + s->store_base);
    }
    if (w->out.len >= STORE_DRAIN || (final && w->out.len)) {
        if (ibid_index_stream_append(s->m->out, w->out.data, w->out.len))
            return IBID_EIO;
        s->store_base += w->out.len;
        ibid_buf_clear(&w->out);
    }
    return IBID_OK;
}

/* Copies passage lpid of input i as output passage g; lend: the end of lpid's file in the input. */
static int copy_passage(pstate *s, size_t i, uint32_t lpid, uint32_t lend, uint32_t g)
{
    const ibid_index *ix = s->m->ix[i];
    const ibid_ix_srec *rec;
    ibid_passage_meta meta;
    int rc = ibid_index_passage_meta(ix, lpid, &meta);
    if (rc == IBID_OK)
        rc = get_record(s, i, lpid, &rec);
    if (rc)
        return rc;
    if (meta.line >= IBID_IDX_MAX_LINE || meta.work_id >= ix->nworks ||
        (meta.chapter_id != UINT32_MAX && meta.chapter_id >= ix->nchaps))
        return IBID_ECORRUPT;
    int64_t w = map_title(&s->works, &s->wmap[i][meta.work_id], ibid_index_work_name(ix, meta.work_id));
    int64_t c = meta.chapter_id != UINT32_MAX
                    ? map_title(&s->chapters, &s->cmap[i][meta.chapter_id], ibid_index_chapter_name(ix, meta.chapter_id))
                    : (int64_t)UINT32_MAX;
    if (w < 0 || c < 0)
        return w < 0 ? (int)w : (int)c;
    if (g == 0 || (uint32_t)w != s->last_work)
        rc = ibid_sec_add_run(&s->wruns, &s->nwruns, g, (uint32_t)w);
    if (rc == IBID_OK && (g == 0 || (uint32_t)c != s->last_chap))
        rc = ibid_sec_add_run(&s->cruns, &s->ncruns, g, (uint32_t)c);
    s->last_work = (uint32_t)w;
    s->last_chap = (uint32_t)c;
    if (rc)
        return rc;
    /* the header again for the output's block; cites and strings as they are */
    ibid_store_writer *sw = &s->store;
    ibid_store_ctx cx = {meta.line, (uint32_t)w, (uint32_t)c, 0, 0};
    if (lpid + 1 < lend) {
        ibid_passage_meta next;
        if ((rc = ibid_index_passage_meta(ix, lpid + 1, &next)) != IBID_OK)
            return rc;
        cx.has_next = 1;
        cx.next_line = next.line;
    }
    if ((rc = ibid_store_header_put(&sw->hdrs, &sw->pred, &cx, &rec->f)) != IBID_OK)
        return rc;
    if (ibid_buf_put(&sw->hdrs, rec->cites, (size_t)(rec->cites_end - rec->cites)) ||
        ibid_buf_put(&sw->recs, rec->strs, (size_t)(rec->text - rec->strs) + rec->text_len + 1))
        return IBID_ENOMEM;
    rc = ibid_store_commit(sw);
    if (rc == IBID_OK)
        rc = drain_store(s, 0);
    uint32_t plen = s->m->lens[g];
    s->pmeta[g] = meta.line << 2 | (uint32_t)meta.kind;
    if (meta.line > s->max_line)
        s->max_line = meta.line;
    s->tokens += plen;
    s->text_bytes += rec->text_len;
    return rc;
}

static int copy_passages(pstate *s, const live_file *files, size_t nfiles)
{
    merge_ctx *m = s->m;
    int rc = ibid_index_stream_begin(m->out, IBID_SEC_STORE) ? IBID_EIO : IBID_OK;
    for (size_t j = 0; j < nfiles && rc == IBID_OK; j++) {
        const merge_span *sp = &m->spans[files[j].in][files[j].fid];
        for (uint32_t l = sp->lfirst; l < sp->lend && rc == IBID_OK; l++)
            rc = copy_passage(s, files[j].in, l, sp->lend, sp->gfirst + (l - sp->lfirst));
    }
    if (rc == IBID_OK)
        rc = ibid_store_finish(&s->store);
    if (rc == IBID_OK)
        rc = drain_store(s, 1);
    if (rc == IBID_OK && ibid_index_stream_end(m->out, NULL))
        rc = IBID_EIO;
    return rc;
}

/* ---- 4. the small sections ---- */

static int files_section(const merge_ctx *m, const live_file *files, size_t nfiles, ibid_buf *out)
{
    ibid_buf paths = {0};
    int rc = ibid_buf_put_u32(out, (uint32_t)nfiles) || ibid_buf_put_u32(out, 0) ? IBID_ENOMEM : IBID_OK;
    for (size_t j = 0; j < nfiles && rc == IBID_OK; j++) {
        ibid_file_info fi;
        ibid_index_file(m->ix[files[j].in], files[j].fid, &fi);
        const merge_span *sp = &m->spans[files[j].in][files[j].fid];
        size_t plen = strlen(fi.path);
        if (paths.len + plen + 1 > UINT32_MAX) {
            rc = IBID_ELIMIT;
            break;
        }
        uint8_t r[IBID_FILE_RECORD];
        ibid_st64(r, fi.size);
        ibid_st64(r + 8, (uint64_t)fi.mtime);
        ibid_st64(r + 16, fi.hash);
        ibid_st32(r + 24, sp->gfirst);
        ibid_st32(r + 28, sp->lend - sp->lfirst);
        ibid_st32(r + 32, (uint32_t)paths.len);
        ibid_st32(r + 36, (uint32_t)plen);
        if (ibid_buf_put(out, r, sizeof r) || ibid_buf_put(&paths, fi.path, plen + 1))
            rc = IBID_ENOMEM;
    }
    if (rc == IBID_OK && ibid_buf_put(out, paths.data, paths.len))
        rc = IBID_ENOMEM;
    ibid_buf_free(&paths);
    return rc;
}

/* LENS and PMETA; the lengths' extremes into *mn, *mx. */
static int passage_sections(const pstate *s, ibid_buf *lens, ibid_buf *pmeta, unsigned *width,
                            unsigned *line_bits, uint32_t *mn, uint32_t *mx)
{
    uint32_t np = s->m->npass;
    if (ibid_sec_lens(s->m->lens, np, lens, width, mn, mx))
        return IBID_ENOMEM;
    *line_bits = ibid_bitpack_width(s->max_line);
    size_t bytes = ibid_bitpack_bytes(np, 2 + *line_bits);
    if (ibid_buf_reserve(pmeta, bytes))
        return IBID_ENOMEM;
    ibid_bitpack_encode(s->pmeta, np, 2 + *line_bits, (uint8_t *)pmeta->data);
    pmeta->len = bytes;
    return IBID_OK;
}

static int small_sections(pstate *s, const live_file *files, size_t nfiles, uint64_t segment_id)
{
    merge_ctx *m = s->m;
    ibid_buf meta = {0}, fsec = {0}, works = {0}, chaps = {0}, lens = {0}, pmeta = {0};
    unsigned width = 1, line_bits = 0;
    uint32_t mn = 0, mx = 0;
    int rc = passage_sections(s, &lens, &pmeta, &width, &line_bits, &mn, &mx);
    if (rc == IBID_OK)
        rc = ibid_sec_string_table(&s->works, &works);
    if (rc == IBID_OK)
        rc = ibid_sec_string_table(&s->chapters, &chaps);
    if (rc == IBID_OK)
        rc = files_section(m, files, nfiles, &fsec);
    if (rc == IBID_OK && ibid_buf_reserve(&meta, IBID_IDX_META_SIZE))
        rc = IBID_ENOMEM;
    if (rc == IBID_OK) {
        uint8_t *p = (uint8_t *)meta.data;
        memset(p, 0, IBID_IDX_META_SIZE);
        ibid_st32(p + IBID_META_PASSAGES, m->npass);
        ibid_st32(p + IBID_META_TERMS, m->nterms);
        ibid_st32(p + IBID_META_FORMS, m->nforms);
        ibid_st32(p + IBID_META_FILES, (uint32_t)nfiles);
        ibid_st32(p + IBID_META_WORKS, (uint32_t)s->works.n);
        ibid_st32(p + IBID_META_CHAPTERS, (uint32_t)s->chapters.n);
        ibid_st64(p + IBID_META_TOKENS, s->tokens);
        ibid_st64(p + IBID_META_POSTINGS, m->postings);
        ibid_st64(p + IBID_META_OCCURRENCES, m->occurrences);
        ibid_st64(p + IBID_META_TEXT_BYTES, s->text_bytes);
        ibid_st32(p + IBID_META_STORE_BLOCKS, s->store.nblocks);
        ibid_st32(p + IBID_META_LENS_WIDTH, width);
        ibid_st32(p + IBID_META_LINE_BITS, line_bits);
        ibid_st32(p + IBID_META_MIN_LEN, mn);
        ibid_st32(p + IBID_META_MAX_LEN, mx);
        ibid_st32(p + IBID_META_WRUNS, s->nwruns);
        ibid_st32(p + IBID_META_CRUNS, s->ncruns);
        ibid_st32(p + IBID_META_TERM_BLOCK, IBID_IDX_TERM_BLOCK);
        ibid_st32(p + IBID_META_FORM_BLOCK, IBID_IDX_FORM_BLOCK);
        ibid_st32(p + IBID_META_POST_BLOCK, IBID_IDX_POST_BLOCK);
        ibid_st64(p + IBID_META_SEGMENT, segment_id);
        meta.len = IBID_IDX_META_SIZE;
        const ibid_section_out secs[] = {
            {IBID_SEC_META, meta.data, meta.len},
            {IBID_SEC_FILES, fsec.data, fsec.len},
            {IBID_SEC_WORKS, works.data, works.len},
            {IBID_SEC_CHAPTERS, chaps.data, chaps.len},
            {IBID_SEC_WRUNS, s->wruns.data, s->wruns.len},
            {IBID_SEC_CRUNS, s->cruns.data, s->cruns.len},
            {IBID_SEC_TERMIDX, m->termidx.data, m->termidx.len},
            {IBID_SEC_FORMIDX, m->formidx.data, m->formidx.len},
            {IBID_SEC_STOREIDX, s->store.idx.data, s->store.idx.len},
            {IBID_SEC_TERMDICT, m->termdict.data, m->termdict.len},
            {IBID_SEC_FORMDICT, m->formdict.data, m->formdict.len},
            {IBID_SEC_FORMLIST, m->formlist.data, m->formlist.len},
            {IBID_SEC_LENS, lens.data, lens.len},
            {IBID_SEC_PMETA, pmeta.data, pmeta.len},
        };
        for (size_t k = 0; k < sizeof secs / sizeof secs[0] && rc == IBID_OK; k++)
            if (ibid_index_stream_section(m->out, secs[k].id, secs[k].data, (size_t)secs[k].len))
                rc = IBID_EIO;
    }
    ibid_buf_free(&meta);
    ibid_buf_free(&fsec);
    ibid_buf_free(&works);
    ibid_buf_free(&chaps);
    ibid_buf_free(&lens);
    ibid_buf_free(&pmeta);
    return rc;
}

/* ---- the whole merge ---- */

static void pstate_free(pstate *s, size_t n)
{
    if (s->dec)
        libdeflate_free_decompressor(s->dec);
    for (size_t i = 0; i < n; i++) {
        if (s->blocks) {
            free(s->blocks[i].data);
            free(s->blocks[i].recs);
        }
        if (s->wmap)
            free(s->wmap[i]);
        if (s->cmap)
            free(s->cmap[i]);
    }
    free(s->blocks);
    free(s->wmap);
    free(s->cmap);
    ibid_strtab_free(&s->works);
    ibid_strtab_free(&s->chapters);
    if (s->store_open)
        ibid_store_writer_free(&s->store);
    ibid_buf_free(&s->wruns);
    ibid_buf_free(&s->cruns);
    free(s->pmeta);
}

static void ctx_free(merge_ctx *m)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->spans)
            free(m->spans[i]);
    free(m->spans);
    free(m->nspans);
    free(m->ix);
    free(m->lens);
    ibid_buf_free(&m->termidx);
    ibid_buf_free(&m->termdict);
    ibid_buf_free(&m->formlist);
    ibid_buf_free(&m->formidx);
    ibid_buf_free(&m->formdict);
}

/* Allocates the per-input and per-passage arrays of s. */
static int pstate_init(pstate *s, merge_ctx *m, int level)
{
    size_t n = m->n ? m->n : 1;
    s->m = m;
    s->dec = libdeflate_alloc_decompressor();
    s->blocks = calloc(n, sizeof *s->blocks);
    s->wmap = calloc(n, sizeof *s->wmap);
    s->cmap = calloc(n, sizeof *s->cmap);
    s->pmeta = malloc((m->npass ? m->npass : 1) * sizeof *s->pmeta);
    if (!s->dec || !s->blocks || !s->wmap || !s->cmap || !s->pmeta)
        return IBID_ENOMEM;
    for (size_t i = 0; i < m->n; i++) {
        uint32_t nw = ibid_index_work_count(m->ix[i]), nc = ibid_index_chapter_count(m->ix[i]);
        s->wmap[i] = malloc((nw ? nw : 1) * sizeof **s->wmap);
        s->cmap[i] = malloc((nc ? nc : 1) * sizeof **s->cmap);
        if (!s->wmap[i] || !s->cmap[i])
            return IBID_ENOMEM;
        memset(s->wmap[i], 0xff, (nw ? nw : 1) * sizeof **s->wmap);
        memset(s->cmap[i], 0xff, (nc ? nc : 1) * sizeof **s->cmap);
    }
    if (ibid_store_writer_init(&s->store, level, 0)) {
        ibid_store_writer_free(&s->store);
        return IBID_ENOMEM;
    }
    s->store_open = 1;
    return IBID_OK;
}

static void *terms_thread(void *arg)
{
    merge_ctx *m = arg;
    m->terms_rc = ibid_merge_terms(m);
    return NULL;
}

/* Steps 2 and 3: one after the other into the output, or with threaded the terms on a second
   thread into a scratch file (the store's compression and the postings' decoding and encoding
   take about half the time each), appended as POSTINGS once both are done. */
static int passages_and_terms(pstate *s, const live_file *files, size_t nfiles, int threaded)
{
    merge_ctx *m = s->m;
    pthread_t th;
    m->post_fd = -1;
    if (threaded && ibid_index_stream_scratch(m->out, &m->post_fd) == IBID_OK &&
        pthread_create(&th, NULL, terms_thread, m) != 0) {
        close(m->post_fd);
        m->post_fd = -1;
    }
    if (m->post_fd < 0) {
        int rc = copy_passages(s, files, nfiles);
        return rc == IBID_OK ? ibid_merge_terms(m) : rc;
    }
    int rc = copy_passages(s, files, nfiles);
    if (rc != IBID_OK)
        atomic_store(&m->stop, 1);
    pthread_join(th, NULL);
    if (rc == IBID_OK)
        rc = m->terms_rc;
    if (rc == IBID_OK && (ibid_index_stream_begin(m->out, IBID_SEC_POSTINGS) ||
                          ibid_index_stream_append_file(m->out, m->post_fd, m->post_len) ||
                          ibid_index_stream_end(m->out, NULL)))
        rc = IBID_EIO;
    int saved = errno;
    close(m->post_fd);
    errno = saved;
    m->post_fd = -1;
    return rc;
}

int ibid_segment_merge(const ibid_merge_input *in, size_t n, const char *out_path,
                       const ibid_merge_opts *o, ibid_build_stats *stats)
{
    if ((n && !in) || !out_path)
        return IBID_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!in[i].ix)
            return IBID_EINVAL;
    int level = o && o->level >= 1 && o->level <= 12 ? o->level : 6;
    merge_ctx m;
    pstate s;
    memset(&m, 0, sizeof m);
    memset(&s, 0, sizeof s);
    m.n = n;
    size_t nn = n ? n : 1;
    m.ix = calloc(nn, sizeof *m.ix);
    m.spans = calloc(nn, sizeof *m.spans);
    m.nspans = calloc(nn, sizeof *m.nspans);
    live_file *files = NULL;
    size_t nfiles = 0;
    int rc = m.ix && m.spans && m.nspans ? IBID_OK : IBID_ENOMEM;
    for (size_t i = 0; i < n && rc == IBID_OK; i++)
        m.ix[i] = in[i].ix;
    if (rc == IBID_OK)
        rc = plan(&m, in, &files, &nfiles);
    if (rc == IBID_OK)
        rc = pstate_init(&s, &m, level);
    if (rc == IBID_OK)
        rc = ibid_index_stream_open(out_path, IBID_SEC_COUNT, &m.out);
    if (rc == IBID_OK)
        rc = passages_and_terms(&s, files, nfiles, o && o->threads >= 2);
    if (rc == IBID_OK)
        rc = small_sections(&s, files, nfiles, o ? o->segment_id : 0);
    uint64_t fsize = 0;
    if (rc == IBID_OK) {
        rc = ibid_index_stream_commit(m.out, &fsize);
        m.out = NULL;
    }
    if (rc == IBID_OK && stats) {
        stats->files = (uint32_t)nfiles;
        stats->passages = m.npass;
        stats->terms = m.nterms;
        stats->tokens = s.tokens;
        stats->postings = m.postings;
        stats->index_bytes = fsize;
        stats->store_bytes = s.store_base;
        stats->text_bytes = s.text_bytes;
    }
    int saved = errno;
    ibid_index_stream_abort(m.out); /* after a failure: removes the temporary file */
    errno = saved;
    free(files);
    pstate_free(&s, n);
    ctx_free(&m);
    return rc;
}
