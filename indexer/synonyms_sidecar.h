/*
 * synonyms_sidecar.h - ibid-index's half of variant names: copying the ibid-synonyms.txt files
 * found beside the texts into INDEX.synonyms, where ibid-search reads them
 * (ibid_synonyms_for_index in searcher/synonyms.h; docs/search-quality.md).
 *
 * The synonyms are metadata, never text: source.c already keeps ibid-synonyms.txt out of the
 * sources.  The sidecar is written like the index (a temporary file in the same folder,
 * fsynced, renamed over the old one), so a search never reads half of it.
 */
#ifndef IBID_SYNONYMS_SIDECAR_H
#define IBID_SYNONYMS_SIDECAR_H

#include "diag.h"
#include "source.h"

#define IBID_SYNONYMS_SIDECAR_SUFFIX ".synonyms" /* = IBID_SYNONYMS_SIDECAR of synonyms.h */

/* Writes index_path + ".synonyms": the ibid-synonyms.txt of every folder that holds a source
   (sources: only the paths are read; an update passes every live file of the index)
   (each folder once, in path order), concatenated, each ending with a newline; an empty file
   when there is none (which tells ibid-search that this index has no synonyms).  Then the keys
   file beside it (INDEX.synonyms + IBID_SYNONYMS_KEYS, synonyms.h), which spares ibid-search
   the analysis of the variants; removed when there are no synonyms; a failure to write it is
   reported through diag and is not an error.  Called after the index was written.  Returns IBID_OK, IBID_ENOMEM or IBID_EIO (errno says why; the old
   sidecar, if any, is left as it was). */
int ibid_synonyms_sidecar_write(const char *index_path, const ibid_source_list *sources,
                                const ibid_diag *diag);

#endif
