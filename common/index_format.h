/*
 * index_format.h - constants of the index file format shared by the writer (indexer/) and the
 * reader (common/index*.c).  docs/index-format.md is the specification; this header only names
 * its numbers.  Not part of the searcher's contract: use index.h.
 */
#ifndef IBID_INDEX_FORMAT_H
#define IBID_INDEX_FORMAT_H

#include <stdint.h>
#include <string.h>

#include "le64.h"

#define IBID_IDX_MAGIC "IBIDIDX" /* 8 bytes with its NUL */
enum {
    IBID_IDX_VERSION = 4, /* 4: slim store records (docs/index-format.md); 3: lone positions in truncated binary */
    IBID_IDX_FIXED_HEADER = 32, /* magic, version, flags, file size, section count, reserved */
    IBID_IDX_SECTION_ENTRY = 24, /* id, crc32, offset, length */
    IBID_IDX_MAX_SECTIONS = 64,
    IBID_IDX_META_SIZE = 128,

    IBID_IDX_TERM_BLOCK = 32, /* terms per dictionary block */
    IBID_IDX_FORM_BLOCK = 32, /* forms per forms-dictionary block */
    IBID_IDX_POST_BLOCK = 128, /* postings per block; also position values per chunk */
    IBID_IDX_PFOR_MIN = 16,   /* a doc block this long is PFor; shorter (a last block): VByte */
    IBID_IDX_STORE_BLOCK = 32768, /* target uncompressed bytes of a store block (docs/index-format.md: why 32 KiB) */
    IBID_IDX_MAX_FORMS = 256, /* variants per term (8 variant bits at most) */
    IBID_IDX_MAX_POS = 1 << 24, /* positions per passage */
    IBID_IDX_MAX_LINE = 1 << 30,
    IBID_IDX_MAX_PASSAGE_BYTES = 1 << 30,
    IBID_LENS_LONG = 255 /* a LENS byte: the length is in the long lengths after the bytes */
};

/* Section ids (the section table may list them in any order; each exactly once). */
enum {
    IBID_SEC_META = 1,      /* corpus statistics and counts (IBID_IDX_META_SIZE bytes) */
    IBID_SEC_FILES = 2,     /* the source files */
    IBID_SEC_WORKS = 3,     /* work titles (string table) */
    IBID_SEC_CHAPTERS = 4,  /* chapter titles (string table) */
    IBID_SEC_PMETA = 5,     /* per passage: kind and line, bit-packed */
    IBID_SEC_WRUNS = 6,     /* runs of passages sharing a work id */
    IBID_SEC_CRUNS = 7,     /* runs of passages sharing a chapter id */
    IBID_SEC_LENS = 8,      /* passage lengths in tokens */
    IBID_SEC_TERMIDX = 9,   /* term dictionary block index */
    IBID_SEC_TERMDICT = 10, /* front-coded term blocks */
    IBID_SEC_FORMLIST = 11, /* per term, its forms' ordinals in variant order */
    IBID_SEC_FORMIDX = 12,  /* forms dictionary block index */
    IBID_SEC_FORMDICT = 13, /* front-coded form blocks */
    IBID_SEC_POSTINGS = 14, /* postings lists with skip data and positions */
    IBID_SEC_STOREIDX = 15, /* store block index */
    IBID_SEC_STORE = 16,    /* zlib-compressed blocks of passage records */
    IBID_SEC_COUNT = 16
};

/* Byte offsets of the META fields. */
enum {
    IBID_META_PASSAGES = 0,   /* u32 */
    IBID_META_TERMS = 4,      /* u32 */
    IBID_META_FORMS = 8,      /* u32 */
    IBID_META_FILES = 12,     /* u32 */
    IBID_META_WORKS = 16,     /* u32 */
    IBID_META_CHAPTERS = 20,  /* u32 */
    IBID_META_TOKENS = 24,    /* u64: sum of passage lengths */
    IBID_META_POSTINGS = 32,  /* u64: sum of df */
    IBID_META_OCCURRENCES = 40, /* u64: sum of cf (positions stored) */
    IBID_META_TEXT_BYTES = 48, /* u64 */
    IBID_META_STORE_BLOCKS = 56, /* u32 */
    IBID_META_LENS_WIDTH = 60,   /* u32: 1 (format 4: a byte, 255 = see the long lengths) */
    IBID_META_LINE_BITS = 64,    /* u32: PMETA record = 2 + line_bits bits */
    IBID_META_MIN_LEN = 68,      /* u32 */
    IBID_META_MAX_LEN = 72,      /* u32 */
    IBID_META_WRUNS = 76,        /* u32 */
    IBID_META_CRUNS = 80,        /* u32 */
    IBID_META_TERM_BLOCK = 84,   /* u32 */
    IBID_META_FORM_BLOCK = 88,   /* u32 */
    IBID_META_POST_BLOCK = 92,   /* u32 */
    IBID_META_SEGMENT = 96       /* u64: segment id (0 for a stand-alone index); rest reserved */
};

enum { IBID_FILE_RECORD = 40 }; /* u64 size, i64 mtime, u64 hash, u32 first, u32 count, u32 path_off, u32 path_len */
enum { IBID_STOREIDX_ENTRY = 16 }; /* u32 first_pid, u32 ulen, u64 offset */
enum { IBID_TERMIDX_ENTRY = 16 };  /* u32 dict_off, u32 forms_off, u64 post_off */

static inline uint32_t ibid_le32(const uint8_t *p) { return ibid_le32_load(p); }
static inline uint64_t ibid_le64(const uint8_t *p) { return ibid_le64_load(p); }
static inline uint16_t ibid_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline void ibid_st32(uint8_t *p, uint32_t v) { ibid_le32_store(p, v); }
static inline void ibid_st64(uint8_t *p, uint64_t v) { ibid_le64_store(p, v); }

#endif
