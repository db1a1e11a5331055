/*
 * json.h - writing JSON values into an ibid_buf.
 *
 * Output is compact JSON (RFC 8259) in UTF-8.  Strings are escaped: '"', '\\' and control
 * characters (\n, \t, \uXXXX ...); bytes >= 0x80 are copied as they are, so the input must be
 * valid UTF-8 (ibid cleans text when it reads it).  Reading JSON (JSON Lines corpora) uses
 * jansson, not this module.  Every function returns IBID_OK or IBID_ENOMEM.
 */
#ifndef IBID_JSON_H
#define IBID_JSON_H

#include <stddef.h>

#include "buf.h"

/* Appends s[0..n) as a quoted, escaped JSON string. */
int ibid_json_strn(ibid_buf *b, const char *s, size_t n);
/* Appends a NUL-terminated string, or null when s is NULL. */
int ibid_json_str(ibid_buf *b, const char *s);
/* Appends "key": (the key is escaped). */
int ibid_json_key(ibid_buf *b, const char *key);
/* Appends an integer, or null when is_null is nonzero. */
int ibid_json_int(ibid_buf *b, long long v, int is_null);
/* Appends a finite double with up to 6 significant decimals (never NaN/Inf: those become 0). */
int ibid_json_double(ibid_buf *b, double v);

#endif
