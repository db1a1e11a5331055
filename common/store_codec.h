/*
 * store_codec.h - the bytes of one passage record in the store, format 4 (docs/index-format.md,
 * "The passage store").  Shared by the store's writers (indexer/store_record.c for a build,
 * indexer/segment_merge.c for a merge) and its reader (common/store_read.c), so that the three
 * agree on one definition.
 *
 * A block holds n records as two parts: the n record *headers* one after another, then the n
 * records' *strings*.  A header carries the fields that are not already elsewhere in the index
 * (kind and line are in PMETA, work and chapter in WRUNS and CRUNS), each coded against a
 * prediction so that deflate sees nearly the same bytes record after record:
 *
 *   VByte zigzag(end_line - predicted end line)
 *   VByte page:       0 = null, else 1 + zigzag(page - the block's last page)
 *   VByte paragraph:  0 = null, else 1 + zigzag(paragraph - (the last paragraph + 1))
 *   VByte footnote:   0 = null, else 1 + zigzag(footnote - (the block's last footnote + 1))
 *   VByte id:         0 = null, 1 = the record has an id string
 *   VByte ncites, then per cite VByte footnote number, VByte tag (0 no text, 1 inline text,
 *                     2 + k the text of the file's passage k)
 *
 * The predictions use what the reader knows without the record (ibid_store_ctx) and what the
 * block's earlier records said (ibid_store_pred, reset at each block's first record).
 * A record's strings, each NUL-terminated: the id (if any), each inline cite text in cite order,
 * then the text.  No string holds a NUL byte, so no lengths are stored.
 *
 * Ownership: these functions keep nothing; decoded pointers point into the caller's block.
 */
#ifndef IBID_STORE_CODEC_H
#define IBID_STORE_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* What the index holds about a record outside the store: its line (PMETA), its work and chapter
   ids (the runs; chapter UINT32_MAX when null) and, when the next passage is in the same file,
   that passage's line. */
typedef struct ibid_store_ctx {
    uint32_t line, work, chapter;
    uint32_t next_line;
    int has_next; /* the next passage id is in the same file */
} ibid_store_ctx;

/* The block's running predictions; ibid_store_pred_reset at each block's first record. */
typedef struct ibid_store_pred {
    uint32_t page, paragraph, footnote; /* the last non-null values (0: none yet) */
    uint32_t work, chapter;             /* of the previous record */
    int any;                            /* a record was coded */
} ibid_store_pred;

/* The header's fields, as values (page, paragraph, footnote: 0 = null, else 1..INT_MAX). */
typedef struct ibid_store_fields {
    uint32_t end_line; /* >= ctx.line */
    uint32_t page, paragraph, footnote;
    uint32_t ncites;
    int has_id;
} ibid_store_fields;

void ibid_store_pred_reset(ibid_store_pred *pr);

/* Appends the header fields up to and including ncites (the caller then appends each cite with
   ibid_store_cite_put) and advances pr.  IBID_OK or IBID_ENOMEM. */
int ibid_store_header_put(ibid_buf *out, ibid_store_pred *pr, const ibid_store_ctx *cx,
                          const ibid_store_fields *f);
int ibid_store_cite_put(ibid_buf *out, uint32_t footnote, uint32_t tag);

/* Reads the header fields at *p (before end) up to ncites, advancing *p and pr.  Returns
   IBID_OK, or IBID_ECORRUPT for a truncated or malformed value or one out of range (end line
   below the line or above INT_MAX, values above INT_MAX, ncites beyond the bytes left). */
int ibid_store_header_get(const uint8_t **p, const uint8_t *end, ibid_store_pred *pr,
                          const ibid_store_ctx *cx, ibid_store_fields *f);
/* Reads one cite; IBID_OK or IBID_ECORRUPT (a footnote above INT_MAX, a truncated value). */
int ibid_store_cite_get(const uint8_t **p, const uint8_t *end, uint32_t *footnote, uint32_t *tag);

#endif
