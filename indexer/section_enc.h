/*
 * section_enc.h - encoders of the small index sections that both writers of a segment produce
 * the same way: the index builder (index_build.c) and the segment merger (segment_merge.c).
 * docs/index-format.md specifies the bytes; this module only writes them.
 *
 * Also the growth of the writers' malloc'd arrays, the one allocation pattern they share.
 * Ownership: every function appends to or reallocates what the caller passes and keeps nothing.
 */
#ifndef IBID_SECTION_ENC_H
#define IBID_SECTION_ENC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "strtab.h"

/* Grows *arr (of elem-size entries, capacity *cap) to hold at least need entries (doubling from
   64).  On IBID_ENOMEM *arr and *cap are unchanged. */
int ibid_grow_array(void **arr, size_t *cap, size_t need, size_t elem);

/* WORKS / CHAPTERS: u32 count, u32 offsets[count + 1], the NUL-terminated strings of t in id
   order.  IBID_OK, IBID_ENOMEM or IBID_ELIMIT (strings past 4 GiB). */
int ibid_sec_string_table(const ibid_strtab *t, ibid_buf *out);

/* LENS (format 4): one byte per passage, its length, or IBID_LENS_LONG (255) for a length of
   255 or more, whose (u32 pid, u32 length) then follows the n bytes, in pid order.  *width is
   1 (META's LENS width field); *min_len and *max_len get the extremes (0 when n is 0).  Appends
   to the empty out.  IBID_OK or IBID_ENOMEM. */
int ibid_sec_lens(const uint32_t *lens, uint32_t n, ibid_buf *out, unsigned *width, uint32_t *min_len,
                  uint32_t *max_len);

/* The head of a front-coded dictionary entry (TERMDICT, FORMDICT), then its suffix bytes:
   pre = the bytes s shares with prev (0 when first in its block), suf = len - pre; one byte
   pre << 4 | suf when pre < 16 and 1 <= suf < 16, else a 0 byte, VByte pre, VByte suf.
   IBID_OK or IBID_ENOMEM. */
int ibid_sec_dict_head(ibid_buf *d, const char *prev, size_t prevlen, const char *s, size_t len, int first);
/* The rest of a FORMDICT entry: the term ordinal (first in its block: VByte term; else VByte
   zigzag(term - prev_term), the previous entry's), then VByte variant.  IBID_OK or
   IBID_ENOMEM. */
int ibid_sec_form_tail(ibid_buf *d, uint32_t term, uint32_t prev_term, int first, uint32_t variant);
/* FORMLIST: the n form ordinals v[0..n) (each < n) bit-packed at ibid_bitpack_width(n - 1)
   bits (0 when n <= 1), appended to out.  IBID_OK or IBID_ENOMEM. */
int ibid_sec_formlist(const uint32_t *v, uint32_t n, ibid_buf *out);
/* WRUNS / CRUNS: appends the run (first pid, id) and counts it.  IBID_OK or IBID_ENOMEM. */
int ibid_sec_add_run(ibid_buf *runs, uint32_t *nruns, uint32_t pid, uint32_t id);

#endif
