/*
 * store_record.h - the passage store's records: what a passage's record holds and how it is
 * written into the store (docs/index-format.md, "The passage store").
 *
 * The index builder hands over each passage as the parser made it; the encoder resolves its
 * cites to the file's footnote passages (a cite whose text is that of the file's footnote
 * passage with its number is stored as a reference to that passage), codes the record
 * (store_codec.h) and appends it to the store writer, which closes and compresses blocks.
 * Kind, line, work and chapter are not stored in the record (PMETA and the runs hold them);
 * the line, work and chapter still shape the coding of the other fields.
 *
 * Ownership: nothing is kept; the writer copies the record.
 */
#ifndef IBID_STORE_RECORD_H
#define IBID_STORE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "passage.h"
#include "store_write.h"

/* The footnote passages of one file: (footnote number, index in the file's passage list),
   sorted by number then index with ibid_store_fnref_cmp (a qsort comparator). */
typedef struct ibid_store_fnref {
    int footnote;
    uint32_t index;
} ibid_store_fnref;
int ibid_store_fnref_cmp(const void *a, const void *b);

/* Appends the record of list->v[i] (the next passage id) to w.  fns (nfns entries, sorted) are
   the file's footnote passages; work and chapter are the passage's ids in the index's tables
   (chapter UINT32_MAX when null), as WRUNS and CRUNS record them.  The passage's line must be
   below IBID_IDX_MAX_LINE (the builder checks).  Returns IBID_OK, IBID_ENOMEM, IBID_ELIMIT, or
   an error of the writer's block compression (store_write.h). */
int ibid_store_record_add(ibid_store_writer *w, const ibid_passage_list *list, size_t i,
                          const ibid_store_fnref *fns, size_t nfns, uint32_t work, uint32_t chapter);

#endif
