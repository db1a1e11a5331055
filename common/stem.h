/*
 * stem.h - step 3 of text analysis (analyze.h): Snowball English stemming through libstemmer,
 * with a cache so that each distinct form is stemmed once.  Internal to common/.
 *
 * The cache maps a folded form to its term: the libstemmer "english" (Porter2) stem when the
 * form is made of letters only (ibid_form_is_letters), else the form itself.  It is an
 * open-addressing hash table (linear probing, at most half full, 32-byte slots holding forms
 * of up to 16 bytes inline) whose strings live in an arena; it only grows, by at most 128
 * bytes of table plus the two strings per distinct form (a 100 MB English text has about
 * 110,000 distinct forms: a table of 8 MB).
 *
 * Ownership: the cache owns the stemmer, the table and every string it returns; a returned
 * term stays valid until ibid_stem_cache_free.  Not thread-safe: one cache per analyzer.
 */
#ifndef IBID_STEM_H
#define IBID_STEM_H

#include <stddef.h>
#include <stdint.h>

typedef struct ibid_stem_cache ibid_stem_cache;

/* Creates a cache with an English stemmer. Returns NULL when out of memory. */
ibid_stem_cache *ibid_stem_cache_new(void);
void ibid_stem_cache_free(ibid_stem_cache *c);

/* The term of form[0..len) (a folded form, at most IBID_MAX_TERM bytes), NUL-terminated;
   *term_len gets its length.  Returns NULL when out of memory or when len > IBID_MAX_TERM. */
const char *ibid_stem_cache_get(ibid_stem_cache *c, const char *form, size_t len, size_t *term_len);

/* The same, and *id gets the form's number: distinct forms are numbered 0, 1, 2... in the order
   the cache first saw them, and keep their number until ibid_stem_cache_free (so a caller can
   key its own tables by it instead of hashing the form again). */
const char *ibid_stem_cache_get_id(ibid_stem_cache *c, const char *form, size_t len, size_t *term_len,
                                   uint32_t *id);

/* The same as ibid_stem_cache_get_id, for a form in a buffer that may be read 16 bytes from
   form whatever len is (bytes past len are ignored): the analyzer's own buffers.  Faster: the
   key is two masked loads. */
const char *ibid_stem_cache_get_padded(ibid_stem_cache *c, const char *form, size_t len, size_t *term_len,
                                       uint32_t *id);

/* Number of distinct forms in the cache (for tests and statistics). */
size_t ibid_stem_cache_size(const ibid_stem_cache *c);

#endif
