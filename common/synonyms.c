/*
 * synonyms.c - loading a synonyms file and finding group keys in a query (see synonyms.h).
 *
 * Loading runs in two steps.  Parsing reads the lines, cuts each variant with the analyzer and
 * records (key, variant, provisional group) triples; lines that share a key are merged with a
 * union-find over the provisional groups.  Finishing renumbers the groups densely, keeps each
 * variant once per group (by key) and sorts the keys, so lookup is a binary search.
 *
 * A key is the stems of a variant's parts joined by single spaces (stems are runs of letters
 * and digits, never spaces).  ibid_synonyms_match tries the longest candidate first: queries
 * are short and keys have at most IBID_SYN_MAX_WORDS stems, so this is cheap.
 *
 * The keys file (INDEX.synonyms + IBID_SYNONYMS_KEYS, written by ibid-index) holds the finished
 * object, so that a search does not cut the variants again (stemming them was most of the
 * loading: 0.6 M of 0.8 M instructions for the bundled corpus).  Layout, integers little-endian:
 *   "IBIDSYNK", u32 version (1), u32 0, u64 length and u64 ibid_content_hash of the text it was
 *   parsed from, u64 analyzer fingerprint (probe_fingerprint), u32 groups, variants, keys,
 *   diagnostics, maxstems;
 *   variants: u32 group (UINT32_MAX: a repeat, dropped), u32 length, the bytes and a NUL;
 *   keys (sorted): u32 stems, u32 group, u32 variant (UINT32_MAX: a compound's joined key),
 *   u32 length, the bytes and a NUL;
 *   diagnostics (as parsing reported them, in order): u32 line, u32 length, the bytes and a NUL;
 *   u64 ibid_content_hash of every byte before.
 * It is used only when all of it checks (sizes, the last hash, the text's length and hash, the
 * fingerprint, keys sorted, numbers in range); anything else (an older ibid-index wrote no keys
 * file, a torn or stale one, another analyzer) falls back to parsing the text.  Loaded, the
 * object's strings point into the file's bytes, which it keeps.
 */
#include "synonyms.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "content_hash.h"
#include "index.h"
#include "status.h"

typedef struct syn_key {
    const char *key;  /* stems joined by ' ' (arena) */
    size_t nstems;
    size_t group;     /* provisional while parsing, final after finish() */
    size_t variant;   /* index into variants, or SIZE_MAX for the extra key of a compound */
} syn_key;

typedef struct syn_variant {
    const char *text; /* trimmed, as written (arena) */
    size_t group;
} syn_variant;

typedef struct syn_diag {
    long line;
    const char *msg; /* arena */
} syn_diag;

struct ibid_synonyms {
    ibid_arena arena;
    unsigned char *file; /* loaded from a keys file: its bytes, which the strings point into */
    syn_diag *diags;     /* what parsing reported, in order (written to the keys file) */
    size_t ndiags, capdiags;
    syn_key *keys;
    size_t nkeys, capkeys;
    syn_variant *variants;
    size_t nvariants, capvariants;
    size_t *parent;     /* union-find over provisional groups (parsing only) */
    size_t ngroups, capgroups;
    size_t *group_first; /* final: variants of group g are order[group_first[g]..group_first[g+1]) */
    size_t *order;
    size_t maxstems;
};

static size_t find_root(ibid_synonyms *s, size_t g)
{
    while (s->parent[g] != g) {
        s->parent[g] = s->parent[s->parent[g]];
        g = s->parent[g];
    }
    return g;
}

static int grow(void **p, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return IBID_OK;
    size_t nc = *cap ? *cap * 2 : 16;
    void *np = realloc(*p, nc * sz);
    if (!np)
        return IBID_ENOMEM;
    *p = np;
    *cap = nc;
    return IBID_OK;
}

static int new_group(ibid_synonyms *s, size_t *g)
{
    if (grow((void **)&s->parent, &s->capgroups, s->ngroups, sizeof *s->parent) < 0)
        return IBID_ENOMEM;
    s->parent[s->ngroups] = s->ngroups;
    *g = s->ngroups++;
    return IBID_OK;
}

static int add_key(ibid_synonyms *s, const char *key, size_t len, size_t nstems, size_t group,
                   size_t variant)
{
    if (grow((void **)&s->keys, &s->capkeys, s->nkeys, sizeof *s->keys) < 0)
        return IBID_ENOMEM;
    const char *k = ibid_arena_strndup(&s->arena, key, len);
    if (!k)
        return IBID_ENOMEM;
    s->keys[s->nkeys++] = (syn_key){k, nstems, group, variant};
    if (nstems > s->maxstems)
        s->maxstems = nstems;
    return IBID_OK;
}

/* Reports one problem of a line through diag and keeps it for the keys file.  IBID_OK or
   IBID_ENOMEM. */
static int report(ibid_synonyms *s, const ibid_diag *diag, const char *name, long lineno, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int report(ibid_synonyms *s, const ibid_diag *diag, const char *name, long lineno, const char *fmt, ...)
{
    char msg[1024]; /* as ibid_diagf cuts it */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ibid_diagf(diag, name, lineno, "%s", msg);
    if (grow((void **)&s->diags, &s->capdiags, s->ndiags, sizeof *s->diags) < 0)
        return IBID_ENOMEM;
    const char *m = ibid_arena_strndup(&s->arena, msg, strlen(msg));
    if (!m)
        return IBID_ENOMEM;
    s->diags[s->ndiags++] = (syn_diag){lineno, m};
    return IBID_OK;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

/* Cuts one variant: fills key (stems of the parts) and joined (the stem of a compound's joined
   word when the variant is one compound, else empty).  Returns the number of parts, or <0. */
static long analyze_variant(ibid_analyzer *a, const char *v, size_t n, ibid_buf *key, ibid_buf *joined)
{
    ibid_buf_clear(key);
    ibid_buf_clear(joined);
    ibid_analyzer_reset(a, v, n);
    long parts = 0, njoined = 0;
    int oom = 0;
    for (;;) {
        ibid_token t;
        int rc = ibid_analyzer_next(a, &t);
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
        if (t.flags & IBID_TOK_JOINED) {
            njoined++;
            ibid_buf_clear(joined);
            oom |= ibid_buf_put(joined, t.term, t.term_len);
            continue;
        }
        if (parts++)
            oom |= ibid_buf_putc(key, ' ');
        oom |= ibid_buf_put(key, t.term, t.term_len);
    }
    if (oom)
        return IBID_ENOMEM;
    if (njoined != 1)
        ibid_buf_clear(joined); /* only a variant that is one compound gets its joined key */
    return parts;
}

/* Parses one line (without its newline). */
static int parse_line(ibid_synonyms *s, ibid_analyzer *a, const char *line, size_t len,
                      const char *name, long lineno, const ibid_diag *diag, ibid_buf *key,
                      ibid_buf *joined)
{
    const char *hash = memchr(line, '#', len);
    if (hash)
        len = (size_t)(hash - line);
    size_t i = 0, good = 0, nvar_before = s->nvariants, nkeys_before = s->nkeys;
    size_t g;
    int rc;
    while (i < len && is_space(line[i]))
        i++;
    if (i == len)
        return IBID_OK; /* blank or comment */
    if ((rc = new_group(s, &g)) < 0)
        return rc;
    int more = 1;
    while (more) {
        size_t start = i;
        while (i < len && line[i] != '=')
            i++;
        more = i < len;
        size_t end = i;
        if (more)
            i++; /* past '=' */
        while (start < end && is_space(line[start]))
            start++;
        while (end > start && is_space(line[end - 1]))
            end--;
        if (start == end) {
            if ((rc = report(s, diag, name, lineno, "empty variant ignored")) < 0)
                return rc;
            continue;
        }
        long parts = analyze_variant(a, line + start, end - start, key, joined);
        if (parts < 0)
            return (int)parts;
        if (parts == 0) {
            if ((rc = report(s, diag, name, lineno, "variant '%.*s' has no word: ignored", (int)(end - start),
                             line + start)) < 0)
                return rc;
            continue;
        }
        if (parts > IBID_SYN_MAX_WORDS) {
            if ((rc = report(s, diag, name, lineno, "variant of more than %d words ignored", IBID_SYN_MAX_WORDS)) < 0)
                return rc;
            continue;
        }
        if (grow((void **)&s->variants, &s->capvariants, s->nvariants, sizeof *s->variants) < 0)
            return IBID_ENOMEM;
        const char *text = ibid_arena_strndup(&s->arena, line + start, end - start);
        if (!text)
            return IBID_ENOMEM;
        size_t vi = s->nvariants++;
        s->variants[vi] = (syn_variant){text, g};
        if ((rc = add_key(s, key->data, key->len, (size_t)parts, g, vi)) < 0)
            return rc;
        if (joined->len && (rc = add_key(s, joined->data, joined->len, 1, g, SIZE_MAX)) < 0)
            return rc;
        good++;
    }
    if (good < 2) {
        s->nvariants = nvar_before;
        s->nkeys = nkeys_before;
        return report(s, diag, name, lineno, "a group needs two variants or more: line ignored");
    }
    return IBID_OK;
}

static int cmp_key(const void *a, const void *b)
{
    const syn_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    /* a variant's own key before a compound's extra key, then file order */
    return x->variant < y->variant ? -1 : x->variant > y->variant;
}

/* The group lists: a counting sort of the surviving variants (text not NULL) by group, in file
   order.  s->group_first must hold ngroups + 1 zeros and s->order room for s->nvariants.
   Returns IBID_OK or IBID_ENOMEM. */
static int group_lists(ibid_synonyms *s, size_t ngroups)
{
    for (size_t v = 0; v < s->nvariants; v++)
        if (s->variants[v].text)
            s->group_first[s->variants[v].group + 1]++;
    for (size_t g = 0; g < ngroups; g++)
        s->group_first[g + 1] += s->group_first[g];
    size_t *fill = calloc(ngroups + 1, sizeof *fill);
    if (!fill)
        return IBID_ENOMEM;
    for (size_t v = 0; v < s->nvariants; v++)
        if (s->variants[v].text) {
            size_t g = s->variants[v].group;
            s->order[s->group_first[g] + fill[g]++] = v;
        }
    free(fill);
    return IBID_OK;
}

/* Merges groups that share a key, numbers them densely and builds the group lists. */
static int finish(ibid_synonyms *s)
{
    if (s->nkeys > 1)
        qsort(s->keys, s->nkeys, sizeof *s->keys, cmp_key);
    for (size_t i = 1; i < s->nkeys; i++)
        if (strcmp(s->keys[i].key, s->keys[i - 1].key) == 0) {
            size_t a = find_root(s, s->keys[i].group), b = find_root(s, s->keys[i - 1].group);
            if (a != b)
                s->parent[a < b ? b : a] = a < b ? a : b;
        }
    /* dense numbers, in order of first appearance */
    size_t *dense = malloc((s->ngroups ? s->ngroups : 1) * sizeof *dense);
    if (!dense)
        return IBID_ENOMEM;
    for (size_t g = 0; g < s->ngroups; g++)
        dense[g] = SIZE_MAX;
    size_t nfinal = 0;
    for (size_t v = 0; v < s->nvariants; v++) {
        size_t r = find_root(s, s->variants[v].group);
        if (dense[r] == SIZE_MAX)
            dense[r] = nfinal++;
        s->variants[v].group = dense[r];
    }
    /* drop duplicate keys (the first wins: variants repeated in a group are kept once) */
    size_t k = 0;
    for (size_t i = 0; i < s->nkeys; i++) {
        size_t r = find_root(s, s->keys[i].group);
        s->keys[i].group = dense[r];
        if (k > 0 && strcmp(s->keys[k - 1].key, s->keys[i].key) == 0) {
            /* the same key twice: the variant it names is a repeat of the first one */
            if (s->keys[i].variant != SIZE_MAX && s->keys[k - 1].variant != s->keys[i].variant)
                s->variants[s->keys[i].variant].text = NULL;
            continue;
        }
        s->keys[k++] = s->keys[i];
    }
    s->nkeys = k;
    free(dense);
    /* group lists: counting sort of the surviving variants by group, in file order */
    s->group_first = calloc(nfinal + 1, sizeof *s->group_first);
    s->order = malloc((s->nvariants ? s->nvariants : 1) * sizeof *s->order);
    if (!s->group_first || !s->order)
        return IBID_ENOMEM;
    if (group_lists(s, nfinal))
        return IBID_ENOMEM;
    s->ngroups = nfinal;
    free(s->parent);
    s->parent = NULL;
    s->capgroups = 0;
    return IBID_OK;
}

int ibid_synonyms_parse(ibid_analyzer *a, const char *text, size_t len, const char *name,
                        const ibid_diag *diag, ibid_synonyms **out)
{
    *out = NULL;
    ibid_synonyms *s = calloc(1, sizeof *s);
    if (!s)
        return IBID_ENOMEM;
    ibid_buf key = {0}, joined = {0};
    int rc = IBID_OK;
    long lineno = 0;
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3; /* a byte order mark */
    while (i < len && rc == IBID_OK) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len;
        lineno++;
        rc = parse_line(s, a, text + i, e - i, name, lineno, diag, &key, &joined);
        i = e + 1;
    }
    ibid_buf_free(&key);
    ibid_buf_free(&joined);
    if (rc == IBID_OK)
        rc = finish(s);
    if (rc != IBID_OK) {
        ibid_synonyms_free(s);
        return rc;
    }
    *out = s;
    return IBID_OK;
}

int ibid_synonyms_load(ibid_analyzer *a, const char *path, const ibid_diag *diag,
                       ibid_synonyms **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? IBID_ENOENT : IBID_EIO;
    ibid_buf b = {0};
    char chunk[65536];
    size_t n;
    int rc = IBID_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > IBID_SYN_MAX_BYTES) {
            rc = IBID_ELIMIT;
            break;
        }
        if (ibid_buf_put(&b, chunk, n) < 0) {
            rc = IBID_ENOMEM;
            break;
        }
    }
    if (rc == IBID_OK && ferror(f))
        rc = IBID_EIO;
    if (fclose(f) != 0 && rc == IBID_OK)
        rc = IBID_EIO;
    if (rc == IBID_OK)
        rc = ibid_synonyms_parse(a, b.data ? b.data : "", b.len, path, diag, out);
    ibid_buf_free(&b);
    return rc;
}

int ibid_synonyms_append_file(ibid_buf *b, const char *path, int strict, const ibid_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        ibid_diagf(diag, path, 0, strict ? "cannot read: %s" : "cannot read the synonyms: %s", strerror(errno));
        return strict ? IBID_EIO : 0;
    }
    size_t before = b->len, n;
    char chunk[65536];
    int rc = 1;
    while (rc == 1 && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (!strict && b->len + n > IBID_SYN_MAX_BYTES) {
            ibid_diagf(diag, path, 0, "synonyms larger than %d bytes: ignored", IBID_SYN_MAX_BYTES);
            rc = 0;
        } else if (ibid_buf_put(b, chunk, n) < 0) {
            rc = IBID_ENOMEM;
        }
    }
    if (rc == 1 && ferror(f)) {
        ibid_diagf(diag, path, 0, strict ? "cannot read: %s" : "cannot read the synonyms: %s", strerror(errno));
        rc = strict ? IBID_EIO : 0;
    }
    fclose(f);
    if (rc != 1) {
        b->len = before;
        if (b->data)
            b->data[before] = '\0';
    }
    else if (b->len > before && b->data[b->len - 1] != '\n' && ibid_buf_putc(b, '\n') < 0)
        rc = IBID_ENOMEM;
    return rc;
}


/* ---- the keys file ---------------------------------------------------------------------------- */

enum { KEYS_VERSION = 1 };
static const char keys_magic[8] = {'I', 'B', 'I', 'D', 'S', 'Y', 'N', 'K'};

/* Words that exercise every step of the analysis a key goes through (case, diacritics, an
   apostrophe, compounds, English stems, digits): a keys file made by an analyzer that cuts
   them differently is not used. */
static const char probe_text[] = "KAMEN's China-Belarus Zürich organisations running MTZ-82";

/* FNV-1a over the probe's tokens (term and flags).  IBID_OK or IBID_ENOMEM. */
static int probe_fingerprint(ibid_analyzer *a, uint64_t *fp)
{
    uint64_t h = 14695981039346656037ULL;
    ibid_analyzer_reset(a, probe_text, sizeof probe_text - 1);
    for (;;) {
        ibid_token t;
        int rc = ibid_analyzer_next(a, &t);
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
        for (size_t i = 0; i < t.term_len; i++)
            h = (h ^ (unsigned char)t.term[i]) * 1099511628211ULL;
        h = (h ^ (0x100u | (t.flags & 0xffu))) * 1099511628211ULL;
    }
    *fp = h;
    return IBID_OK;
}

static int put_u32(ibid_buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    return ibid_buf_put(b, x, 4);
}

static int put_u64(ibid_buf *b, uint64_t v)
{
    return put_u32(b, (uint32_t)v) | put_u32(b, (uint32_t)(v >> 32));
}

/* u32 length, the bytes, a NUL. */
static int put_str(ibid_buf *b, const char *str)
{
    size_t n = strlen(str);
    return put_u32(b, (uint32_t)n) | ibid_buf_put(b, str, n) | ibid_buf_putc(b, '\0');
}

int ibid_synonyms_keys_encode(const ibid_synonyms *s, ibid_analyzer *a, const char *text, size_t len,
                              ibid_buf *out)
{
    uint64_t fp;
    int rc = probe_fingerprint(a, &fp);
    if (rc < 0)
        return rc;
    if (s->ngroups >= UINT32_MAX || s->nvariants >= UINT32_MAX || s->nkeys >= UINT32_MAX ||
        s->ndiags >= UINT32_MAX || len > IBID_SYN_MAX_BYTES)
        return IBID_ELIMIT;
    size_t start = out->len;
    int bad = ibid_buf_put(out, keys_magic, sizeof keys_magic) | put_u32(out, KEYS_VERSION) | put_u32(out, 0) |
              put_u64(out, len) | put_u64(out, ibid_content_hash(text, len)) | put_u64(out, fp) |
              put_u32(out, (uint32_t)s->ngroups) | put_u32(out, (uint32_t)s->nvariants) |
              put_u32(out, (uint32_t)s->nkeys) | put_u32(out, (uint32_t)s->ndiags) |
              put_u32(out, (uint32_t)s->maxstems);
    for (size_t v = 0; v < s->nvariants && !bad; v++) {
        const syn_variant *x = &s->variants[v];
        bad |= put_u32(out, x->text ? (uint32_t)x->group : UINT32_MAX) | put_str(out, x->text ? x->text : "");
    }
    for (size_t k = 0; k < s->nkeys && !bad; k++) {
        const syn_key *x = &s->keys[k];
        bad |= put_u32(out, (uint32_t)x->nstems) | put_u32(out, (uint32_t)x->group) |
               put_u32(out, x->variant == SIZE_MAX ? UINT32_MAX : (uint32_t)x->variant) | put_str(out, x->key);
    }
    for (size_t d = 0; d < s->ndiags && !bad; d++)
        bad |= put_u32(out, s->diags[d].line < 0 || s->diags[d].line > (long)UINT32_MAX ? 0 : (uint32_t)s->diags[d].line) |
               put_str(out, s->diags[d].msg);
    if (!bad)
        bad |= put_u64(out, ibid_content_hash(out->data + start, out->len - start));
    return bad ? IBID_ENOMEM : IBID_OK;
}

/* A cursor over a keys file; ok drops to 0 at the first read past the end. */
typedef struct kin {
    const unsigned char *p, *end;
    int ok;
} kin;

static uint32_t get_u32(kin *k)
{
    if (!k->ok || k->end - k->p < 4) {
        k->ok = 0;
        return 0;
    }
    uint32_t v = (uint32_t)k->p[0] | (uint32_t)k->p[1] << 8 | (uint32_t)k->p[2] << 16 | (uint32_t)k->p[3] << 24;
    k->p += 4;
    return v;
}

static uint64_t get_u64(kin *k)
{
    uint64_t lo = get_u32(k);
    return lo | (uint64_t)get_u32(k) << 32;
}

/* A string written by put_str: points into the file (NUL-terminated there). */
static const char *get_str(kin *k)
{
    uint32_t n = get_u32(k);
    if (!k->ok || (size_t)(k->end - k->p) < (size_t)n + 1 || k->p[n] != '\0') {
        k->ok = 0;
        return NULL;
    }
    const char *str = (const char *)k->p;
    k->p += (size_t)n + 1;
    return str;
}

/* Fills s (empty) from the keys file bytes keys[0..klen), which s then owns, when they are
   whole and were made from text[0..len) by an analyzer that cuts as a does.  Returns IBID_OK,
   IBID_ECORRUPT (not usable; s still owns keys) or IBID_ENOMEM. */
static int keys_load(ibid_synonyms *s, ibid_analyzer *a, unsigned char *keys, size_t klen, const char *text,
                     size_t len)
{
    s->file = keys;
    if (klen < sizeof keys_magic + 8 || memcmp(keys, keys_magic, sizeof keys_magic) != 0)
        return IBID_ECORRUPT;
    kin k = {keys + klen - 8, keys + klen, 1};
    if (get_u64(&k) != ibid_content_hash(keys, klen - 8))
        return IBID_ECORRUPT; /* torn, or not written by ibid-index */
    k = (kin){keys + sizeof keys_magic, keys + klen - 8, 1};
    uint32_t version = get_u32(&k), zero = get_u32(&k);
    uint64_t tlen = get_u64(&k), thash = get_u64(&k), fp = get_u64(&k), myfp;
    if (!k.ok || version != KEYS_VERSION || zero != 0 || tlen != len || thash != ibid_content_hash(text, len))
        return IBID_ECORRUPT; /* another version, or another text: stale */
    int rc = probe_fingerprint(a, &myfp);
    if (rc < 0)
        return rc;
    if (fp != myfp)
        return IBID_ECORRUPT; /* written by an analyzer that cuts otherwise */
    uint32_t ngroups = get_u32(&k), nvariants = get_u32(&k), nkeys = get_u32(&k), ndiags = get_u32(&k),
             maxstems = get_u32(&k);
    /* every entry takes 9 bytes at least: the counts cannot exceed the file */
    if (!k.ok || (uint64_t)nvariants + nkeys + ndiags > klen / 9 || ngroups > nvariants)
        return IBID_ECORRUPT;
    s->variants = malloc((nvariants ? nvariants : 1) * sizeof *s->variants);
    s->keys = malloc((nkeys ? nkeys : 1) * sizeof *s->keys);
    s->diags = malloc((ndiags ? ndiags : 1) * sizeof *s->diags);
    s->group_first = calloc((size_t)ngroups + 1, sizeof *s->group_first);
    s->order = malloc((nvariants ? nvariants : 1) * sizeof *s->order);
    if (!s->variants || !s->keys || !s->diags || !s->group_first || !s->order)
        return IBID_ENOMEM;
    s->capvariants = nvariants;
    s->capkeys = nkeys;
    s->capdiags = ndiags;
    for (uint32_t v = 0; v < nvariants && k.ok; v++) {
        uint32_t g = get_u32(&k);
        const char *t = get_str(&k);
        if (g != UINT32_MAX && g >= ngroups)
            k.ok = 0;
        s->variants[v] = (syn_variant){g == UINT32_MAX ? NULL : t, g == UINT32_MAX ? 0 : g};
    }
    for (uint32_t i = 0; i < nkeys && k.ok; i++) {
        uint32_t nst = get_u32(&k), g = get_u32(&k), v = get_u32(&k);
        const char *key = get_str(&k);
        if (nst == 0 || nst > maxstems || g >= ngroups || (v != UINT32_MAX && v >= nvariants) ||
            (k.ok && i > 0 && strcmp(s->keys[i - 1].key, key) >= 0))
            k.ok = 0; /* lookup is a binary search: sorted, each key once */
        s->keys[i] = (syn_key){key, nst, g, v == UINT32_MAX ? SIZE_MAX : v};
    }
    for (uint32_t d = 0; d < ndiags && k.ok; d++) {
        uint32_t line = get_u32(&k);
        s->diags[d] = (syn_diag){(long)line, get_str(&k)};
    }
    if (!k.ok || k.p != k.end)
        return IBID_ECORRUPT;
    s->ngroups = ngroups;
    s->nvariants = nvariants;
    s->nkeys = nkeys;
    s->ndiags = ndiags;
    s->maxstems = maxstems;
    return group_lists(s, s->ngroups);
}

int ibid_synonyms_keys_decode(ibid_analyzer *a, unsigned char *keys, size_t klen, const char *text, size_t len,
                              const char *name, const ibid_diag *diag, ibid_synonyms **out)
{
    *out = NULL;
    ibid_synonyms *s = calloc(1, sizeof *s);
    if (!s) {
        free(keys);
        return IBID_ENOMEM;
    }
    int rc = keys_load(s, a, keys, klen, text, len);
    if (rc < 0) {
        ibid_synonyms_free(s);
        return rc;
    }
    for (size_t d = 0; d < s->ndiags; d++)
        ibid_diagf(diag, name, s->diags[d].line, "%s", s->diags[d].msg);
    *out = s;
    return IBID_OK;
}

/* Reads the whole file at path into a malloc'd buffer.  IBID_OK, IBID_ENOENT (absent or
   unreadable: a keys file is optional), IBID_ELIMIT or IBID_ENOMEM. */
static int read_all(const char *path, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return IBID_ENOENT;
    struct stat st;
    int rc = IBID_OK;
    unsigned char *b = NULL;
    size_t n = 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        rc = IBID_ENOENT;
    else if (st.st_size > 4 * (off_t)IBID_SYN_MAX_BYTES + 4096)
        rc = IBID_ELIMIT;
    else if (!(b = malloc((size_t)st.st_size + 1)))
        rc = IBID_ENOMEM;
    while (rc == IBID_OK && n < (size_t)st.st_size) {
        ssize_t r = read(fd, b + n, (size_t)st.st_size - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = IBID_ENOENT; /* shrunk or unreadable: not used */
            break;
        }
        n += (size_t)r;
    }
    close(fd);
    if (rc != IBID_OK) {
        free(b);
        return rc;
    }
    *out = b;
    *len = n;
    return IBID_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int ibid_synonyms_folder_files(size_t n, const char *(*path_at)(const void *ctx, size_t i), const void *ctx,
                               char ***files, size_t *nfiles)
{
    const size_t nl = strlen(IBID_SYNONYMS_FILE);
    size_t k = 0;
    char **v = calloc(n ? n : 1, sizeof *v);
    *files = v;
    *nfiles = 0;
    if (!v)
        return IBID_ENOMEM;
    for (size_t i = 0; i < n; i++) { /* the folders, with room for the name */
        const char *p = path_at(ctx, i);
        if (!p)
            continue;
        const char *slash = strrchr(p, '/');
        size_t dl = slash ? (size_t)(slash - p) + 1 : 0;
        if (!(v[k] = malloc(dl + nl + 1)))
            return IBID_ENOMEM;
        memcpy(v[k], p, dl);
        v[k++][dl] = '\0';
        *nfiles = k;
    }
    if (k > 1)
        qsort(v, k, sizeof *v, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < k; i++) {
        if (u > 0 && strcmp(v[i], v[u - 1]) == 0) {
            free(v[i]);
            continue;
        }
        v[u++] = v[i];
    }
    *nfiles = u;
    for (size_t i = 0; i < u; i++)
        strcat(v[i], IBID_SYNONYMS_FILE);
    return IBID_OK;
}

void ibid_synonyms_files_free(char **files, size_t nfiles)
{
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
}

/* ibid_synonyms_folder_files's path_at over an index's files. */
static const char *index_file_path(const void *ctx, size_t i)
{
    ibid_file_info fi;
    if (ibid_index_file(ctx, (uint32_t)i, &fi) != IBID_OK)
        return NULL;
    return fi.path;
}

int ibid_synonyms_for_index(ibid_analyzer *a, const char *index_path, const ibid_index *ix,
                            const ibid_diag *diag, ibid_synonyms **out, char **found_path)
{
    *out = NULL;
    if (found_path)
        *found_path = NULL;
    ibid_buf b = {0}, path = {0}, names = {0};
    char **dirs = NULL;
    size_t ndirs = 0;
    int rc = IBID_OK, nfound = 0;
    if (ibid_buf_puts(&path, index_path) < 0 || ibid_buf_puts(&path, IBID_SYNONYMS_SIDECAR) < 0) {
        rc = IBID_ENOMEM;
        goto done;
    }
    FILE *side = fopen(path.data, "rb");
    if (side) {
        fclose(side);
        int r = ibid_synonyms_append_file(&b, path.data, 0, diag);
        if (r < 0) {
            rc = r;
            goto done;
        }
        nfound = 1;
        if (ibid_buf_puts(&names, path.data) < 0) {
            rc = IBID_ENOMEM;
            goto done;
        }
        /* its keys file, when it holds this text (else the text is parsed) */
        unsigned char *keys;
        size_t klen;
        if (r == 1 && ibid_buf_puts(&path, IBID_SYNONYMS_KEYS) == 0 &&
            read_all(path.data, &keys, &klen) == IBID_OK) {
            rc = ibid_synonyms_keys_decode(a, keys, klen, b.data ? b.data : "", b.len, names.data, diag, out);
            if (rc == IBID_OK) {
                if (found_path) {
                    size_t len;
                    *found_path = ibid_buf_steal(&names, &len);
                }
                goto done;
            }
            if (rc == IBID_ENOMEM)
                goto done;
            rc = IBID_OK;
        }
        goto parse;
    }
    /* the ibid-synonyms.txt of the folders of the indexed files, each once */
    rc = ibid_synonyms_folder_files(ibid_index_file_count(ix), index_file_path, ix, &dirs, &ndirs);
    if (rc != IBID_OK)
        goto done;
    for (size_t i = 0; i < ndirs; i++) {
        int r = ibid_synonyms_append_file(&b, dirs[i], 0, diag);
        if (r < 0) {
            rc = r;
            goto done;
        }
        if (r == 1) {
            if ((nfound++ && ibid_buf_puts(&names, ", ") < 0) || ibid_buf_puts(&names, dirs[i]) < 0) {
                rc = IBID_ENOMEM;
                goto done;
            }
        }
    }
parse:
    if (rc == IBID_OK && nfound) {
        rc = ibid_synonyms_parse(a, b.data ? b.data : "", b.len, names.data, diag, out);
        if (rc == IBID_OK && found_path) {
            size_t len;
            *found_path = ibid_buf_steal(&names, &len);
        }
    }
done:
    ibid_synonyms_files_free(dirs, ndirs);
    ibid_buf_free(&b);
    ibid_buf_free(&path);
    ibid_buf_free(&names);
    return rc;
}

void ibid_synonyms_free(ibid_synonyms *s)
{
    if (!s)
        return;
    ibid_arena_free(&s->arena);
    free(s->file);
    free(s->diags);
    free(s->keys);
    free(s->variants);
    free(s->parent);
    free(s->group_first);
    free(s->order);
    free(s);
}

size_t ibid_synonyms_group_count(const ibid_synonyms *s) { return s ? s->ngroups : 0; }

static const syn_key *find_key(const ibid_synonyms *s, const char *key)
{
    size_t lo = 0, hi = s->nkeys;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->keys[mid].key, key);
        if (c == 0)
            return &s->keys[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int ibid_synonyms_match(const ibid_synonyms *s, const char *const *stems, size_t n, size_t *k,
                        size_t *group)
{
    if (!s || n == 0 || s->nkeys == 0)
        return 0;
    size_t max = n < s->maxstems ? n : s->maxstems;
    /* the candidate keys share their beginning: build the longest once, cut it shorter */
    size_t *ends = malloc(max * sizeof *ends);
    ibid_buf key = {0};
    int found = 0, oom = !ends;
    for (size_t i = 0; i < max && !oom; i++) {
        if (i)
            oom |= ibid_buf_putc(&key, ' ');
        oom |= ibid_buf_puts(&key, stems[i] ? stems[i] : "");
        if (!oom)
            ends[i] = key.len;
    }
    for (size_t m = max; m > 0 && !oom && !found; m--) {
        key.data[ends[m - 1]] = '\0';
        const syn_key *hit = find_key(s, key.data);
        if (hit) {
            *k = m;
            *group = hit->group;
            found = 1;
        }
    }
    free(ends);
    ibid_buf_free(&key);
    return oom ? IBID_ENOMEM : found;
}

size_t ibid_synonyms_variant_count(const ibid_synonyms *s, size_t group)
{
    if (!s || group >= s->ngroups)
        return 0;
    return s->group_first[group + 1] - s->group_first[group];
}

const char *ibid_synonyms_variant(const ibid_synonyms *s, size_t group, size_t i)
{
    if (i >= ibid_synonyms_variant_count(s, group))
        return NULL;
    return s->variants[s->order[s->group_first[group] + i]].text;
}
