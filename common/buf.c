/* buf.c - growable byte buffer (see buf.h). */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

int ibid_buf_reserve(ibid_buf *b, size_t n)
{
    if (n > SIZE_MAX / 2 - b->len - 1)
        return IBID_ENOMEM;
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return IBID_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return IBID_ENOMEM;
    p[b->len] = '\0'; /* a first allocation is a C string too (buf.h) */
    b->data = p;
    b->cap = cap;
    return IBID_OK;
}

int ibid_buf_put(ibid_buf *b, const void *p, size_t n)
{
    if (ibid_buf_reserve(b, n))
        return IBID_ENOMEM;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return IBID_OK;
}

int ibid_buf_puts(ibid_buf *b, const char *s) { return ibid_buf_put(b, s, strlen(s)); }

int ibid_buf_putc(ibid_buf *b, int c)
{
    char ch = (char)c;
    return ibid_buf_put(b, &ch, 1);
}

int ibid_buf_vprintf(ibid_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || ibid_buf_reserve(b, (size_t)n))
        return IBID_ENOMEM;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return IBID_OK;
}

int ibid_buf_printf(ibid_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = ibid_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int ibid_buf_put_vbyte(ibid_buf *b, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
        tmp[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (unsigned char)v;
    return ibid_buf_put(b, tmp, n);
}

int ibid_buf_put_u32(ibid_buf *b, uint32_t v)
{
    unsigned char t[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    return ibid_buf_put(b, t, 4);
}

int ibid_buf_put_u64(ibid_buf *b, uint64_t v)
{
    if (ibid_buf_put_u32(b, (uint32_t)v))
        return IBID_ENOMEM;
    if (ibid_buf_put_u32(b, (uint32_t)(v >> 32))) {
        b->len -= 4;
        b->data[b->len] = '\0';
        return IBID_ENOMEM;
    }
    return IBID_OK;
}

void ibid_buf_free(ibid_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *ibid_buf_steal(ibid_buf *b, size_t *len)
{
    char *p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
