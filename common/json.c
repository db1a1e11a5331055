/* json.c - JSON string escaping and scalar output (see json.h). */
#include "json.h"

#include <math.h>
#include <string.h>

#include "status.h"

int ibid_json_strn(ibid_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (ibid_buf_reserve(b, n + 2))
        return IBID_ENOMEM;
    size_t start_len = b->len;
    if (ibid_buf_putc(b, '"'))
        goto oom;
    size_t run = 0; /* bytes [i-run, i) need no escaping */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            run++;
            continue;
        }
        if (run && ibid_buf_put(b, s + i - run, run))
            goto oom;
        run = 0;
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t len = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            len = 6;
        }
        if (ibid_buf_put(b, esc, len))
            goto oom;
    }
    if (run && ibid_buf_put(b, s + n - run, run))
        goto oom;
    if (ibid_buf_putc(b, '"'))
        goto oom;
    return IBID_OK;
oom:
    b->len = start_len;
    if (b->data)
        b->data[b->len] = '\0';
    return IBID_ENOMEM;
}

int ibid_json_str(ibid_buf *b, const char *s)
{
    if (!s)
        return ibid_buf_puts(b, "null");
    return ibid_json_strn(b, s, strlen(s));
}

int ibid_json_key(ibid_buf *b, const char *key)
{
    if (ibid_json_str(b, key))
        return IBID_ENOMEM;
    return ibid_buf_putc(b, ':');
}

int ibid_json_int(ibid_buf *b, long long v, int is_null)
{
    if (is_null)
        return ibid_buf_puts(b, "null");
    return ibid_buf_printf(b, "%lld", v);
}

int ibid_json_double(ibid_buf *b, double v)
{
    if (!isfinite(v))
        v = 0;
    return ibid_buf_printf(b, "%.6g", v);
}
