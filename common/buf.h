/*
 * buf.h - a growable byte buffer.
 *
 * An ibid_buf owns its bytes (data is malloc'd; ibid_buf_free releases it).  data is always
 * NUL-terminated when non-NULL, so a buffer holding text can be used as a C string; the NUL
 * is not counted in len.  A zero-initialised ibid_buf is an empty buffer.
 * Every appending function returns IBID_OK or IBID_ENOMEM; on failure the buffer is unchanged.
 */
#ifndef IBID_BUF_H
#define IBID_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ibid_buf {
    char *data;
    size_t len, cap;
} ibid_buf;

/* Makes room for at least n more bytes (plus the NUL). */
int ibid_buf_reserve(ibid_buf *b, size_t n);
int ibid_buf_put(ibid_buf *b, const void *p, size_t n);
int ibid_buf_puts(ibid_buf *b, const char *s);
int ibid_buf_putc(ibid_buf *b, int c);
int ibid_buf_printf(ibid_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ibid_buf_vprintf(ibid_buf *b, const char *fmt, va_list ap);
/* Appends the unsigned LEB128 ("VByte") encoding of v: 7 bits a byte, high bit = more. */
int ibid_buf_put_vbyte(ibid_buf *b, uint64_t v);
/* Appends v little-endian in 4 / 8 bytes. */
int ibid_buf_put_u32(ibid_buf *b, uint32_t v);
int ibid_buf_put_u64(ibid_buf *b, uint64_t v);
/* Forgets the contents, keeps the memory. */
static inline void ibid_buf_clear(ibid_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}
/* Releases the memory; the buffer is empty and reusable afterwards. */
void ibid_buf_free(ibid_buf *b);
/* Hands the bytes to the caller (who must free() them) and leaves the buffer empty.
   Returns NULL for an empty buffer that never allocated. */
char *ibid_buf_steal(ibid_buf *b, size_t *len);

#endif
