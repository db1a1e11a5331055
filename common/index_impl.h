/*
 * index_impl.h - the reader's private state, shared by index.c (open, statistics, metadata),
 * index_dict.c (term and form dictionaries), postings.c (cursors) and store_read.c (the
 * passage store).  Not a contract: ibid-search uses index.h only.
 */
#ifndef IBID_INDEX_IMPL_H
#define IBID_INDEX_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "index.h"
#include "index_format.h"

/* Inflated store blocks kept per index (store_read.c): 16 blocks of up to 32 KiB of records
   (IBID_IDX_STORE_BLOCK; a single long passage makes a larger one). */
#define IBID_STORE_CACHE_SLOTS 16
struct ibid_store_cache;

typedef struct ibid_sec {
    const uint8_t *p; /* into the mapping */
    uint64_t len;
    uint32_t crc;
} ibid_sec;

struct ibid_index {
    uint8_t *map;
    size_t size;
    ibid_sec sec[IBID_SEC_COUNT + 1]; /* by section id */
    uint32_t npass, nterms, nforms, nfiles, nworks, nchaps, nstore, nwruns, ncruns;
    uint32_t ntblocks, nfblocks, nformlist;
    uint64_t tokens, postings, occurrences, text_bytes;
    unsigned lens_width, line_bits;
    const uint8_t *lens_long; /* LENS after its npass bytes: nlens_long (u32 pid, u32 length) */
    uint32_t nlens_long;
    uint32_t *lens_blk;       /* malloc'd at open when nlens_long > 0: entry k is the index of
                                 the first long length with pid >= 64 k (npass / 64 + 2 entries) */
    unsigned formlist_bits; /* FORMLIST's width: ibid_bitpack_width(nforms - 1), 0 for <= 1 form */
    uint32_t min_len, max_len;
    const uint8_t *works_str, *chaps_str, *files_str; /* string areas */
    uint64_t works_strlen, chaps_strlen, files_strlen;
    /* store_read.c's block cache: NULL until the first passage read (created with an atomic
       swap), freed by ibid_index_close through ibid_ix_store_cache_free */
    _Atomic(struct ibid_store_cache *) store_cache;
};

/* Passage pid's length (pid < npass): its LENS byte, or for 255 its entry among the long
   lengths of its group of 64 passages (255 when a corrupt file has none: ibid_index_verify
   reports it). */
static inline uint32_t ibid_ix_len(const ibid_index *ix, uint32_t pid)
{
    uint32_t v = ix->sec[IBID_SEC_LENS].p[pid];
    if (v < IBID_LENS_LONG || !ix->lens_blk)
        return v;
    for (uint32_t i = ix->lens_blk[pid >> 6], e = ix->lens_blk[(pid >> 6) + 1]; i < e; i++)
        if (ibid_le32(ix->lens_long + 8 * (size_t)i) == pid)
            return ibid_le32(ix->lens_long + 8 * (size_t)i + 4);
    return IBID_LENS_LONG;
}

/* In the WRUNS or CRUNS section s of nruns 8-byte runs (u32 first passage, u32 id):
   the index of the last run whose first passage is <= pid (the runs are checked at open). */
static inline uint32_t ibid_ix_run_index(const ibid_sec *s, uint32_t nruns, uint32_t pid)
{
    uint32_t lo = 0, hi = nruns; /* answer in [lo, hi) */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ibid_le32(s->p + 8 * (size_t)mid) <= pid)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* 1 when s[0..len) is valid UTF-8 with no NUL byte (strings handed out must be printable as
   JSON and C strings, even from a forged file). */
int ibid_ix_valid_text(const uint8_t *s, size_t len);

/* Writes "reason" into err and returns IBID_ECORRUPT. */
int ibid_ix_corrupt(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Term number ord's dictionary entry (index_dict.c). 1 found, <0 corrupt. */
int ibid_ix_term_at(const ibid_index *ix, uint32_t ord, ibid_term_info *out);
/* File id of passage pid by binary search over the file table; UINT32_MAX when none. */
uint32_t ibid_ix_file_of(const ibid_index *ix, uint32_t pid);
/* Checks every dictionary entry and postings list in full (index_dict.c / postings.c). */
int ibid_ix_verify_dict(const ibid_index *ix, char *err, size_t errlen);
int ibid_ix_verify_postings(const ibid_index *ix, const ibid_term_info *t, char *err, size_t errlen);
int ibid_ix_verify_store(const ibid_index *ix, char *err, size_t errlen);
/* Frees the store's block cache (store_read.c); no passage read may be running. */
void ibid_ix_store_cache_free(ibid_index *ix);

#endif
