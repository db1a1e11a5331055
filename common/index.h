/*
 * index.h - reading an ibid index: the manual for everything ibid-search needs.
 *
 * An index holds, for a set of passages (docs/passages.md), a term dictionary, compressed
 * postings with positions, passage lengths, corpus statistics, the source files, per-passage
 * metadata for filters, and a compressed store of every passage's fields and text.
 * docs/index-format.md specifies every byte.  This header is the reader's contract.
 *
 * Passage ids are dense 0..passage_count-1 and follow (file path, line) order, so ordering
 * equal scores by passage id orders them by file, then line.
 *
 * Terms are stems (analyze.h); each posting also records, per position, the "variant": the
 * index of the exact folded form that occurred at that position in the term's list of forms.
 * Quoted phrases use the variants to demand exact forms.
 *
 * Safety: the file is mapped read-only.  ibid_index_open verifies the header, the section
 * table and the checksums of the small sections; every offset and length read later is
 * bounds-checked, and a value out of range makes the call return IBID_ECORRUPT.  Nothing in
 * this module crashes, loops forever or reads out of bounds on a corrupt file.
 * ibid_index_verify checks every checksum (ibid-index --check).
 *
 * Threads: an ibid_index may be shared by threads for reading; cursors and passage buffers
 * are per caller.
 */
#ifndef IBID_INDEX_H
#define IBID_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "passage.h"

#define IBID_NO_DOC UINT32_MAX /* a cursor's doc() after its last posting */

typedef struct ibid_index ibid_index;

/* Opens the index at path. On failure returns a negative status (IBID_ENOENT, IBID_EIO,
   IBID_ECORRUPT, IBID_ENOMEM) and writes a one-line reason into err (errlen bytes, may be 0). */
int ibid_index_open(const char *path, ibid_index **out, char *err, size_t errlen);
void ibid_index_close(ibid_index *ix);
/* Verifies every checksum and structural invariant; IBID_OK or IBID_ECORRUPT with a reason. */
int ibid_index_verify(const ibid_index *ix, char *err, size_t errlen);

/* ---- corpus statistics ---- */
uint32_t ibid_index_passage_count(const ibid_index *ix);
uint64_t ibid_index_token_count(const ibid_index *ix); /* sum of passage lengths */
double ibid_index_avg_len(const ibid_index *ix);       /* token_count / passage_count, 0 if empty */
uint32_t ibid_index_term_count(const ibid_index *ix);
/* Length in tokens (the BM25 document length) of passage pid; 0 for an id out of range. */
uint32_t ibid_index_passage_len(const ibid_index *ix, uint32_t pid);

/* ---- per-passage metadata for filters (no decompression) ---- */
typedef struct ibid_passage_meta {
    ibid_kind kind;
    uint32_t file_id;    /* index into the file table */
    uint32_t work_id;    /* index into the work table */
    uint32_t chapter_id; /* index into the chapter table, or UINT32_MAX when null */
    uint32_t line;
} ibid_passage_meta;
int ibid_index_passage_meta(const ibid_index *ix, uint32_t pid, ibid_passage_meta *out);
/* The work and chapter of passage pid (as ibid_index_passage_meta gives them) and in *next the
   first passage after pid where either may change (the passage count after the last): a walk
   over the passages in runs, without decoding each one's metadata.  IBID_OK, or IBID_EINVAL
   when pid is out of range. */
int ibid_index_title_run(const ibid_index *ix, uint32_t pid, uint32_t *work_id, uint32_t *chapter_id,
                         uint32_t *next);
uint32_t ibid_index_work_count(const ibid_index *ix);
const char *ibid_index_work_name(const ibid_index *ix, uint32_t work_id); /* NUL-terminated, or NULL */
uint32_t ibid_index_chapter_count(const ibid_index *ix);
const char *ibid_index_chapter_name(const ibid_index *ix, uint32_t chapter_id);

/* ---- source files ---- */
typedef struct ibid_file_info {
    const char *path; /* as given to ibid-index; NUL-terminated, owned by the index */
    uint64_t size;
    int64_t mtime;    /* seconds since the epoch */
    uint32_t first_passage, passage_count;
    uint64_t hash;    /* content hash of the source's bytes (64-bit FNV-1a), 0 when not recorded */
} ibid_file_info;
uint32_t ibid_index_file_count(const ibid_index *ix);
/* The segment id recorded in META (0 for a stand-alone full build; see docs/index-format.md). */
uint64_t ibid_index_segment_id(const ibid_index *ix);
int ibid_index_file(const ibid_index *ix, uint32_t file_id, ibid_file_info *out);

/* ---- the term dictionary ---- */
typedef struct ibid_term_info {
    uint32_t ordinal;   /* the term's rank in sorted order, 0..term_count-1 */
    uint32_t df;        /* passages containing the term */
    uint64_t cf;        /* occurrences in all passages */
    uint32_t max_tf;    /* the largest tf of any posting */
    uint32_t nforms;    /* number of distinct exact forms (variants) recorded for the term */
    /* private: where the postings live */
    uint64_t post_off, post_len;
    uint32_t forms_off;
} ibid_term_info;

/* Looks up a term (a stem). Returns 1 and fills *out when found, 0 when absent, <0 on corruption. */
int ibid_index_lookup(const ibid_index *ix, const char *term, size_t len, ibid_term_info *out);
/* Looks up an exact folded form: fills the term it belongs to and its variant number.
   Returns 1 found, 0 absent, <0 corrupt. */
int ibid_index_lookup_form(const ibid_index *ix, const char *form, size_t len,
                           ibid_term_info *term, uint32_t *variant);
/* Calls fn for every form that starts with prefix, in sorted order, until fn returns nonzero
   (that value is then returned) or max forms were visited.  form is valid during the call only.
   Returns 0 after the last form, <0 on corruption. */
int ibid_index_forms_with_prefix(const ibid_index *ix, const char *prefix, size_t len, size_t max,
                                 int (*fn)(void *ctx, const char *form, size_t form_len,
                                           const ibid_term_info *term, uint32_t variant),
                                 void *ctx);
/* The text of form number variant of a term (for --explain); copies into buf (NUL-terminated).
   Returns the length, or <0. */
int ibid_index_term_form(const ibid_index *ix, const ibid_term_info *term, uint32_t variant,
                         char *buf, size_t cap);

/* Calls fn for every term (stem) in sorted order until fn returns nonzero (that value is then
   returned); term is valid during the call only.  Returns 0 after the last term, <0 on
   corruption. */
int ibid_index_each_term(const ibid_index *ix,
                         int (*fn)(void *ctx, const char *term, size_t len, const ibid_term_info *t),
                         void *ctx);
/* The text of the term of the given ordinal, NUL-terminated into buf (cap > IBID_MAX_TERM
   always suffices).  Returns its length, IBID_EINVAL (ordinal out of range, cap too small) or
   IBID_ECORRUPT. */
int ibid_index_term_text(const ibid_index *ix, uint32_t ordinal, char *buf, size_t cap);

/* ---- postings cursors ---- */
typedef struct ibid_postings ibid_postings;

/* Opens a cursor on a term's postings, positioned on its first posting.  want_positions
   makes positions available (costs decoding).  Returns IBID_OK, IBID_ENOMEM or IBID_ECORRUPT. */
int ibid_postings_open(const ibid_index *ix, const ibid_term_info *term, int want_positions,
                       ibid_postings **out);
void ibid_postings_close(ibid_postings *p);
/* The current passage id, or IBID_NO_DOC when exhausted. */
uint32_t ibid_postings_doc(const ibid_postings *p);
/* Term frequency in the current passage (>= 1). */
uint32_t ibid_postings_tf(const ibid_postings *p);
/* Moves to the next posting. Returns IBID_OK (check doc() for IBID_NO_DOC) or IBID_ECORRUPT. */
int ibid_postings_next(ibid_postings *p);
/* Moves to the first posting with doc >= target (never backwards), using the skip data. */
int ibid_postings_advance(ibid_postings *p, uint32_t target);
/* Positions of the current posting, ascending, and per position the variant (form number).
   The arrays hold tf entries and stay valid until the cursor moves.  IBID_EINVAL when the cursor
   was opened without positions. */
int ibid_postings_positions(ibid_postings *p, const uint32_t **pos, const uint32_t **variant);

/* Block-max data (the skip list): for the block of up to 128 postings that contains the first
   doc >= target, without decoding it.  Sets *last_doc to the block's last passage id (or
   IBID_NO_DOC when target is past the end), *max_tf to the largest tf in the block and
   *min_len to the smallest passage length in the block.  BM25 is increasing in tf and
   decreasing in length, so bm25(max_tf, min_len) bounds every score in the block for any
   k1 and b.  Does not move the cursor.  Returns IBID_OK or IBID_ECORRUPT. */
int ibid_postings_block_bound(ibid_postings *p, uint32_t target, uint32_t *last_doc,
                              uint32_t *max_tf, uint32_t *min_len);

/* ---- the passage store ---- */
/* A passage read back from the store.  Owns its memory: free with ibid_stored_passage_free.
   The passage's strings (text, cites, work...) stay valid until then. */
typedef struct ibid_stored_passage {
    ibid_passage p;
    uint32_t pid;
    void *mem; /* private */
} ibid_stored_passage;
/* Reads passage pid (inflating one store block; the cited footnotes' texts are resolved, which
   may inflate another).  Returns IBID_OK, IBID_EINVAL (pid out of range), IBID_ECORRUPT or
   IBID_ENOMEM.  On error *out is left empty (safe to free). */
int ibid_index_get_passage(const ibid_index *ix, uint32_t pid, ibid_stored_passage *out);
void ibid_stored_passage_free(ibid_stored_passage *sp);

#endif
