/*
 * synonyms.h - variant names: the groups of a synonyms file (ibid-synonyms.txt) and lookup of
 * the longest group key at a point of a query.
 *
 * File format (docs/search-quality.md has the user's manual):
 *   # a comment runs from '#' to the end of the line; blank lines are ignored
 *   Great Stone = Velikiy Kamen = Veliky Kamen = China-Belarus Industrial Park
 *   BUTB = BUCE = Belarusian Universal Commodity Exchange
 * One group a line, variants separated by '='; a variant is one or more words.  UTF-8 text.
 * Each variant is cut by the query analyzer (analyze.h), so case, diacritics and stemming work
 * as in queries: its KEY is the sequence of the stems of its parts (the non-JOINED tokens);
 * a hyphenated compound (China-Belarus) also gives the key of its joined word.  Two lines that
 * share a key form one group (groups are merged, so a = b and b = c make a = b = c).
 * Lines that are not usable (fewer than two variants with a word, a variant of more than
 * IBID_SYN_MAX_WORDS words) are reported through the diag and skipped; a file never fails to
 * load for its content, only for I/O, size (IBID_SYN_MAX_BYTES) or memory.
 *
 * Ownership: an ibid_synonyms owns all its strings; pointers it returns are valid until
 * ibid_synonyms_free.  It is read-only after loading (safe to share between threads).
 */
#ifndef IBID_SYNONYMS_H
#define IBID_SYNONYMS_H

#include <stddef.h>

#include "analyze.h"
#include "buf.h"
#include "diag.h"

enum {
    IBID_SYN_MAX_WORDS = 16,             /* words of one variant */
    IBID_SYN_MAX_BYTES = 16 * 1024 * 1024 /* size of a synonyms file */
};

#define IBID_SYNONYMS_FILE "ibid-synonyms.txt" /* the name the searcher looks for */

/* The synonyms files that n indexed files may have beside them (ibid-index's sidecar and
   ibid_synonyms_for_index read the same ones, in the same order): path_at(ctx, i) gives file
   i's path (NULL: skip it; it is used only during that call); each folder (the path up to its
   last '/', "" for none) is taken once, in byte order of the folders, with IBID_SYNONYMS_FILE
   appended.  *files gets a malloc'd array of *nfiles malloc'd paths, which the caller frees with
   ibid_synonyms_files_free (also after an error).  Returns IBID_OK or IBID_ENOMEM. */
int ibid_synonyms_folder_files(size_t n, const char *(*path_at)(const void *ctx, size_t i), const void *ctx,
                               char ***files, size_t *nfiles);
void ibid_synonyms_files_free(char **files, size_t nfiles);

/* Appends the file at path to b, with a newline after it when it does not end with one.
   Returns 1 appended, 0 when it does not exist, IBID_ENOMEM.  A file that exists but cannot
   be read is reported through diag; strict (ibid-index's sidecar): IBID_EIO, no size limit;
   else (the searcher): skipped (0), as is one that would make b larger than
   IBID_SYN_MAX_BYTES.  On a result other than 1, b is as it was before the call. */
int ibid_synonyms_append_file(ibid_buf *b, const char *path, int strict, const ibid_diag *diag);

typedef struct ibid_synonyms ibid_synonyms;

/* Parses text[0..len) with analyzer a (used during the call only).  name labels the
   diagnostics (file:line: message).  Returns IBID_OK or IBID_ENOMEM (*out NULL then). */
int ibid_synonyms_parse(ibid_analyzer *a, const char *text, size_t len, const char *name,
                        const ibid_diag *diag, ibid_synonyms **out);
/* Reads and parses the file at path.  Returns IBID_OK, IBID_ENOENT (no such file), IBID_EIO
   (unreadable; errno says why), IBID_ELIMIT (larger than IBID_SYN_MAX_BYTES) or IBID_ENOMEM. */
int ibid_synonyms_load(ibid_analyzer *a, const char *path, const ibid_diag *diag,
                       ibid_synonyms **out);
void ibid_synonyms_free(ibid_synonyms *s);

/* The synonyms of an index (how ibid-search finds them, docs/search-quality.md):
     1. INDEX.synonyms (IBID_SYNONYMS_SIDECAR appended to index_path), which ibid-index writes
        from the ibid-synonyms.txt files beside the texts; when it exists it is the answer,
        even when empty (then there are no synonyms); its keys file (below) spares the parse
        when it is valid for it;
     2. else (an index written without the sidecar) the ibid-synonyms.txt of every folder that
        holds an indexed file, its path as stored in the index (relative paths are taken from
        the current directory), all merged.
   *out is NULL when none was found (not an error).  *found_path (may be NULL) gets a
   malloc'd description of what was read (the caller frees it).  Problems with a file that
   exists (unreadable, too large) are reported through diag and the file is skipped.
   Returns IBID_OK or IBID_ENOMEM. */
struct ibid_index;
#define IBID_SYNONYMS_SIDECAR ".synonyms"
int ibid_synonyms_for_index(ibid_analyzer *a, const char *index_path, const struct ibid_index *ix,
                            const ibid_diag *diag, ibid_synonyms **out, char **found_path);

/* The keys file: the analysed, merged groups of INDEX.synonyms, which ibid-index writes beside it
   at INDEX.synonyms + IBID_SYNONYMS_KEYS so that ibid_synonyms_for_index need not cut the
   variants with the analyzer again (docs/search-quality.md; the layout is in synonyms.c).  A
   keys file is used only when it is whole and was made from the same text by an analyzer that
   cuts as the caller's does; otherwise the text is parsed, as before keys files existed.  The
   ".ibid" ending keeps ibid-index from taking it for a text. */
#define IBID_SYNONYMS_KEYS ".ibid"
/* Appends to out the keys file of s, which was parsed from text[0..len) with analyzer a (a is
   also used here).  Returns IBID_OK, IBID_ELIMIT (too large to describe) or IBID_ENOMEM. */
int ibid_synonyms_keys_encode(const ibid_synonyms *s, ibid_analyzer *a, const char *text, size_t len,
                              ibid_buf *out);
/* Loads *out from keys[0..klen), the bytes of a keys file (malloc'd; always taken: kept by *out
   or freed), for text[0..len) (which *out does not keep) and analyzer a (used during the call
   only).  The problems that parsing reported are reported again through diag, under name.
   Returns IBID_OK, IBID_ECORRUPT (the file does not hold this text for this analyzer, or is
   damaged: nothing reported, *out NULL) or IBID_ENOMEM. */
int ibid_synonyms_keys_decode(ibid_analyzer *a, unsigned char *keys, size_t klen, const char *text, size_t len,
                              const char *name, const ibid_diag *diag, ibid_synonyms **out);

/* Number of groups (after merging). */
size_t ibid_synonyms_group_count(const ibid_synonyms *s);
/* The longest key that equals stems[0..k) for some k <= n: returns 1 and sets *k and *group,
   0 when no key matches, IBID_ENOMEM.  stems are the stems of consecutive query words' parts
   (analyze.h's terms).  s may be NULL (no match). */
int ibid_synonyms_match(const ibid_synonyms *s, const char *const *stems, size_t n, size_t *k,
                        size_t *group);
/* The variants of a group, as written in the file (trimmed), in file order; every variant
   of the group, including the one that matched. */
size_t ibid_synonyms_variant_count(const ibid_synonyms *s, size_t group);
const char *ibid_synonyms_variant(const ibid_synonyms *s, size_t group, size_t i);

#endif
