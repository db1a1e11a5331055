/*
 * manifest.c - reading and writing the manifest of an updated index (see manifest.h for the
 * format).  The parser is strict: every line must be exactly as written, the counts must add
 * up and the checksum must match, else IBID_ECORRUPT.
 */
#include "manifest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "crc32.h"
#include "index_format.h"
#include "status.h"

enum { MANIFEST_MAX_BYTES = 64 + 64 * IBID_MANIFEST_MAX_SEGMENTS + 64 };

int ibid_index_kind_of(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? IBID_AT_NOTHING : IBID_EIO;
    char head[16] = {0};
    size_t n = fread(head, 1, sizeof head, f);
    int err = ferror(f);
    fclose(f);
    if (err)
        return IBID_EIO;
    if (n >= 8 && memcmp(head, IBID_IDX_MAGIC, 8) == 0)
        return IBID_AT_SEGMENT;
    if (n >= 16 && memcmp(head, IBID_MANIFEST_MAGIC, 16) == 0)
        return IBID_AT_MANIFEST;
    return IBID_AT_OTHER;
}

static int corrupt(char *err, size_t errlen, const char *why)
{
    if (errlen)
        snprintf(err, errlen, "manifest: %s", why);
    return IBID_ECORRUPT;
}

/* Parses an unsigned decimal at *p up to the delimiter, advancing past it. */
static int num(const char **p, const char *end, char delim, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    if (s >= end || *s < '0' || *s > '9' || (*s == '0' && s + 1 < end && s[1] >= '0' && s[1] <= '9'))
        return -1;
    while (s < end && *s >= '0' && *s <= '9') {
        if (x > (UINT64_MAX - 9) / 10)
            return -1;
        x = x * 10 + (uint64_t)(*s++ - '0');
    }
    if (s >= end || *s != delim)
        return -1;
    *p = s + 1;
    *v = x;
    return 0;
}

static int word(const char **p, const char *end, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(end - *p) < n || memcmp(*p, w, n) != 0)
        return -1;
    *p += n;
    return 0;
}

int ibid_manifest_read(const char *path, ibid_manifest *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    if (errlen)
        err[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? IBID_ENOENT : IBID_EIO;
    char *buf = malloc(MANIFEST_MAX_BYTES + 1);
    if (!buf) {
        fclose(f);
        return IBID_ENOMEM;
    }
    size_t n = fread(buf, 1, MANIFEST_MAX_BYTES + 1, f);
    int ferr = ferror(f);
    fclose(f);
    int rc = IBID_OK;
    if (ferr) {
        rc = IBID_EIO;
        goto done;
    }
    if (n > MANIFEST_MAX_BYTES) {
        rc = corrupt(err, errlen, "too large");
        goto done;
    }
    const char *p = buf, *end = buf + n;
    uint64_t gen, next, crc;
    if (word(&p, end, IBID_MANIFEST_MAGIC) || word(&p, end, "generation ") || num(&p, end, '\n', &gen) ||
        word(&p, end, "next-segment ") || num(&p, end, '\n', &next) || gen == 0 || next == 0) {
        rc = corrupt(err, errlen, "bad header");
        goto done;
    }
    m->generation = gen;
    m->next_id = next;
    uint64_t last_id = 0;
    while (p < end && *p == 's') {
        uint64_t id, np, nd, dg;
        if (word(&p, end, "segment ") || num(&p, end, ' ', &id) || num(&p, end, ' ', &np) ||
            num(&p, end, ' ', &nd) || num(&p, end, '\n', &dg)) {
            rc = corrupt(err, errlen, "bad segment line");
            goto done;
        }
        if (id <= last_id || id >= next || np > UINT32_MAX || nd > np || dg > gen ||
            (dg == 0) != (nd == 0)) {
            rc = corrupt(err, errlen, "inconsistent segment line");
            goto done;
        }
        last_id = id;
        ibid_manifest_seg s = {id, (uint32_t)np, (uint32_t)nd, dg};
        if ((rc = ibid_manifest_add(m, &s)) < 0) {
            if (rc == IBID_ELIMIT)
                rc = corrupt(err, errlen, "too many segments");
            goto done;
        }
    }
    size_t body = (size_t)(p - buf);
    if (word(&p, end, "end ") || end - p != 9 || end[-1] != '\n') {
        rc = corrupt(err, errlen, "no end line");
        goto done;
    }
    crc = 0;
    for (int i = 0; i < 8; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) {
            rc = corrupt(err, errlen, "bad checksum");
            goto done;
        }
        crc = crc << 4 | (uint64_t)d;
    }
    if (crc != ibid_crc32(0, buf, body))
        rc = corrupt(err, errlen, "checksum mismatch");
done:
    free(buf);
    if (rc != IBID_OK)
        ibid_manifest_free(m);
    return rc;
}

int ibid_manifest_write(const char *path, const ibid_manifest *m)
{
    ibid_buf b = {0};
    int rc = ibid_buf_printf(&b, "%sgeneration %" PRIu64 "\nnext-segment %" PRIu64 "\n", IBID_MANIFEST_MAGIC,
                             m->generation, m->next_id);
    for (size_t i = 0; i < m->nsegs && rc == IBID_OK; i++) {
        const ibid_manifest_seg *s = &m->segs[i];
        rc = ibid_buf_printf(&b, "segment %" PRIu64 " %u %u %" PRIu64 "\n", s->id, s->passages, s->deleted,
                             s->delgen);
    }
    if (rc == IBID_OK) {
        uint32_t c = ibid_crc32(0, b.data, b.len);
        rc = ibid_buf_printf(&b, "end %08lx\n", (unsigned long)c);
    }
    if (rc == IBID_OK)
        rc = ibid_atomic_write(path, b.data, b.len);
    else
        rc = IBID_ENOMEM;
    ibid_buf_free(&b);
    return rc;
}

int ibid_manifest_add(ibid_manifest *m, const ibid_manifest_seg *seg)
{
    if (m->nsegs >= IBID_MANIFEST_MAX_SEGMENTS)
        return IBID_ELIMIT;
    if (m->nsegs == m->cap) {
        size_t nc = m->cap ? 2 * m->cap : 8;
        ibid_manifest_seg *v = realloc(m->segs, nc * sizeof *v);
        if (!v)
            return IBID_ENOMEM;
        m->segs = v;
        m->cap = nc;
    }
    m->segs[m->nsegs++] = *seg;
    return IBID_OK;
}

void ibid_manifest_free(ibid_manifest *m)
{
    free(m->segs);
    memset(m, 0, sizeof *m);
}

int ibid_index_dir_name(const char *index_path, ibid_buf *out)
{
    return ibid_buf_printf(out, "%s.d", index_path) < 0 ? IBID_ENOMEM : IBID_OK;
}

int ibid_segment_file_name(const char *index_path, uint64_t id, ibid_buf *out)
{
    return ibid_buf_printf(out, "%s.d/%" PRIu64 ".seg.ibid", index_path, id) < 0 ? IBID_ENOMEM : IBID_OK;
}

int ibid_deletion_file_name(const char *index_path, uint64_t id, uint64_t gen, ibid_buf *out)
{
    return ibid_buf_printf(out, "%s.d/%" PRIu64 ".%" PRIu64 ".del.ibid", index_path, id, gen) < 0 ? IBID_ENOMEM
                                                                                                  : IBID_OK;
}

int ibid_lock_file_name(const char *index_path, ibid_buf *out)
{
    return ibid_buf_printf(out, "%s.d/lock.ibid", index_path) < 0 ? IBID_ENOMEM : IBID_OK;
}
