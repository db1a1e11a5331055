/*
 * update.c - a run of ibid-index over an index: full build or incremental update (update.h).
 *
 * The run is in three steps.
 *   1. Load: the current generation (a standalone file at INDEX, or the manifest's segments and
 *      deletion files), and a table of its live files sorted by path.
 *   2. Scan: the sources of this run in path order.  Unchanged files (size and mtime, then
 *      content hash) are only marked seen; new and changed ones are parsed into a builder whose
 *      segment goes to INDEX.d/ID.seg.ibid (several under a memory budget); the old passages of
 *      changed, vanished and --remove'd files are collected per segment as deleted pids.
 *   3. Commit: old segments left without live passages are dropped, the merge policy merges
 *      (new ids), the surviving segments with new deletions get new deletion files
 *      (ID.GEN.del.ibid with GEN the new generation: the old ones stay for readers of the old
 *      generation), a standalone INDEX that survives is link(2)ed to INDEX.d/1.seg.ibid, then
 *      the manifest is written over INDEX, then the synonyms sidecar, and last the files of
 *      INDEX.d that the new generation does not name are deleted.
 * Names in INDEX.d never get reused for other content while a generation names them: new
 * segments take ids from next-segment, deletion files carry the new generation number; a file
 * left by a killed run (named by no generation) may be overwritten, always by rename.
 */
#include "update.h"

#include <dirent.h>
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "buf.h"
#include "catalog.h"
#include "content_hash.h"
#include "deletions.h"
#include "index.h"
#include "index_build.h"
#include "manifest.h"
#include "merge_policy.h"
#include "passage.h"
#include "segment_merge.h"
#include "source.h"
#include "status.h"
#include "synonyms_sidecar.h"

/* ---- the generation in memory ------------------------------------------------------------ */

typedef struct seg {
    uint64_t id;          /* 0 for the standalone INDEX (it becomes 1 if it survives) */
    ibid_index *ix;
    ibid_deletions del;   /* the current deletions (empty when none) */
    uint32_t *gone;       /* pids deleted by this run (whole files), unsorted */
    size_t ngone, capgone;
    uint32_t *all;        /* del.pids + gone, sorted and unique (set by combine_deletions) */
    size_t nall;
    uint64_t delgen;      /* generation of the current deletion file (0: none) */
    int64_t written;      /* mtime of the segment file (seconds) */
    int is_new;           /* written by this run */
    int dropped;          /* merged away or without live passages */
} seg;

typedef struct live_file {
    const char *path;     /* owned by the segment's index */
    size_t seg;
    ibid_file_info fi;
    int seen;             /* a source of this run, or removed */
} live_file;

typedef struct gen {
    int kind;             /* IBID_AT_SEGMENT or IBID_AT_MANIFEST */
    ibid_manifest m;      /* the manifest read (kind MANIFEST) */
    seg *segs;
    size_t nsegs, capsegs;
    live_file *live;
    size_t nlive;
} gen;

typedef struct run {
    const ibid_update_opts *o;
    ibid_update_stats *st;
    const ibid_diag *diag;
    gen g;
    uint64_t next_id;
    ibid_builder *b;
    size_t bfiles;         /* files in the builder */
    ibid_catalog catalog;
    ibid_buf name;         /* scratch for file names */
    char **added_paths;    /* paths of files put into new segments (for the synonyms) */
    size_t nadded, capadded;
} run;

static int report_io(run *r, const char *file, const char *what)
{
    ibid_diagf(r->diag, file, 0, "%s: %s", what, strerror(errno));
    return IBID_EIO;
}

static int report_rc(run *r, const char *file, const char *what, int rc)
{
    if (rc == IBID_EIO)
        return report_io(r, file, what);
    ibid_diagf(r->diag, file, 0, "%s: %s", what, ibid_strerror(rc));
    return rc;
}

static const char *seg_name(run *r, uint64_t id)
{
    ibid_buf_clear(&r->name);
    return ibid_segment_file_name(r->o->index_path, id, &r->name) == IBID_OK ? r->name.data : NULL;
}

/* Creates INDEX.d when missing (the writer lock normally has). */
static int ensure_dir(run *r)
{
    ibid_buf dir = {0};
    if (ibid_index_dir_name(r->o->index_path, &dir) != IBID_OK)
        return IBID_ENOMEM;
    int rc = IBID_OK;
    if (mkdir(dir.data, 0777) != 0 && errno != EEXIST)
        rc = report_io(r, dir.data, "cannot create the segment folder");
    ibid_buf_free(&dir);
    return rc;
}

static int push_seg(gen *g, const seg *s)
{
    if (g->nsegs == g->capsegs) {
        size_t cap = g->capsegs ? g->capsegs * 2 : 8;
        seg *v = realloc(g->segs, cap * sizeof *v);
        if (!v)
            return IBID_ENOMEM;
        g->segs = v;
        g->capsegs = cap;
    }
    g->segs[g->nsegs++] = *s;
    return IBID_OK;
}

static void gen_free(gen *g)
{
    for (size_t i = 0; i < g->nsegs; i++) {
        ibid_index_close(g->segs[i].ix);
        ibid_deletions_free(&g->segs[i].del);
        free(g->segs[i].gone);
        free(g->segs[i].all);
    }
    free(g->segs);
    free(g->live);
    ibid_manifest_free(&g->m);
    memset(g, 0, sizeof *g);
}

static int cmp_live(const void *a, const void *b)
{
    const live_file *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->seg > y->seg) - (x->seg < y->seg);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Marks a file's passages deleted in its segment (this run). */
static int delete_file(gen *g, live_file *lf)
{
    seg *s = &g->segs[lf->seg];
    uint32_t n = lf->fi.passage_count;
    if (s->ngone + n > s->capgone) {
        size_t cap = s->capgone ? s->capgone : 64;
        while (cap < s->ngone + n)
            cap *= 2;
        uint32_t *v = realloc(s->gone, cap * sizeof *v);
        if (!v)
            return IBID_ENOMEM;
        s->gone = v;
        s->capgone = cap;
    }
    for (uint32_t k = 0; k < n; k++)
        s->gone[s->ngone++] = lf->fi.first_passage + k;
    lf->seen = 1;
    return IBID_OK;
}

/* Builds g->live from the open segments: every file with passages that are not deleted.  A
   path live in two segments (which no update makes) keeps the newest and deletes the others. */
static int index_live_files(run *r)
{
    gen *g = &r->g;
    size_t total = 0;
    for (size_t i = 0; i < g->nsegs; i++)
        total += ibid_index_file_count(g->segs[i].ix);
    g->live = malloc((total ? total : 1) * sizeof *g->live);
    if (!g->live)
        return IBID_ENOMEM;
    for (size_t i = 0; i < g->nsegs; i++) {
        uint32_t nf = ibid_index_file_count(g->segs[i].ix);
        for (uint32_t f = 0; f < nf; f++) {
            live_file lf = {.seg = i};
            int rc = ibid_index_file(g->segs[i].ix, f, &lf.fi);
            if (rc != IBID_OK)
                return rc;
            if (lf.fi.passage_count == 0 || ibid_deletions_has(&g->segs[i].del, lf.fi.first_passage))
                continue;
            lf.path = lf.fi.path;
            g->live[g->nlive++] = lf;
        }
    }
    qsort(g->live, g->nlive, sizeof *g->live, cmp_live);
    size_t w = 0;
    for (size_t i = 0; i < g->nlive; i++) {
        if (w > 0 && strcmp(g->live[w - 1].path, g->live[i].path) == 0) {
            int rc = delete_file(g, &g->live[w - 1]); /* segs are in id order: the later wins */
            if (rc != IBID_OK)
                return rc;
            g->live[w - 1] = g->live[i];
            continue;
        }
        g->live[w++] = g->live[i];
    }
    g->nlive = w;
    return IBID_OK;
}

static live_file *find_live(gen *g, const char *path)
{
    size_t lo = 0, hi = g->nlive;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(g->live[mid].path, path);
        if (c == 0)
            return &g->live[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Opens one segment file into a new entry of g. */
static int open_seg(run *r, const char *path, uint64_t id, int is_new)
{
    seg s = {.id = id, .is_new = is_new};
    char err[512] = "";
    struct stat sst;
    s.written = stat(path, &sst) == 0 ? (int64_t)sst.st_mtime : INT64_MIN; /* unknown: hash every file */
    int rc = ibid_index_open(path, &s.ix, err, sizeof err);
    if (rc != IBID_OK) {
        ibid_diagf(r->diag, path, 0, "%s", err[0] ? err : ibid_strerror(rc));
        return rc;
    }
    if ((rc = push_seg(&r->g, &s)) != IBID_OK)
        ibid_index_close(s.ix);
    return rc;
}

/* Loads the current generation (kind: what ibid_index_kind_of said). */
static int load_generation(run *r, int kind)
{
    gen *g = &r->g;
    const char *ipath = r->o->index_path;
    char err[512] = "";
    int rc;
    g->kind = kind;
    if (kind == IBID_AT_SEGMENT) {
        r->next_id = 2;
        if ((rc = open_seg(r, ipath, 0, 0)) != IBID_OK)
            return rc;
        return index_live_files(r);
    }
    rc = ibid_manifest_read(ipath, &g->m, err, sizeof err);
    if (rc != IBID_OK) {
        ibid_diagf(r->diag, ipath, 0, "%s", err[0] ? err : ibid_strerror(rc));
        return rc;
    }
    r->next_id = g->m.next_id;
    for (size_t i = 0; i < g->m.nsegs; i++) {
        const ibid_manifest_seg *ms = &g->m.segs[i];
        const char *name = seg_name(r, ms->id);
        if (!name)
            return IBID_ENOMEM;
        if ((rc = open_seg(r, name, ms->id, 0)) != IBID_OK)
            return rc;
        seg *s = &g->segs[g->nsegs - 1];
        s->delgen = ms->delgen;
        if (ibid_index_passage_count(s->ix) != ms->passages) {
            ibid_diagf(r->diag, name, 0, "%u passages, the manifest says %u", ibid_index_passage_count(s->ix),
                       ms->passages);
            return IBID_ECORRUPT;
        }
        if (ms->delgen) {
            ibid_buf_clear(&r->name);
            if (ibid_deletion_file_name(ipath, ms->id, ms->delgen, &r->name) != IBID_OK)
                return IBID_ENOMEM;
            rc = ibid_deletions_read(r->name.data, ms->passages, ibid_index_term_count(s->ix), &s->del, err,
                                     sizeof err);
            if (rc != IBID_OK) { /* err names the file */
                if (err[0])
                    ibid_diagf(r->diag, NULL, 0, "%s", err);
                else
                    ibid_diagf(r->diag, r->name.data, 0, "%s", ibid_strerror(rc));
                return rc;
            }
        }
    }
    return index_live_files(r);
}

/* ---- new segments ------------------------------------------------------------------------ */

static int new_builder(run *r)
{
    ibid_build_opts bo = {.level = r->o->level, .diag = r->diag, .threads = r->o->threads};
    r->b = ibid_builder_new(&bo);
    r->bfiles = 0;
    return r->b ? IBID_OK : IBID_ENOMEM;
}

/* Returns the heap's free memory to the system after a run is written (glibc keeps a freed
   builder's pages otherwise, and the next builder and the final merge, which allocate in other
   sizes, do not reuse all of them: the resident set would creep past the --memory budget). */
static void give_back_heap(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* Writes the builder as the standalone file INDEX itself (an index of one segment, no
   manifest), frees it, and records that shape in the run's statistics; bs gets the builder's
   figures.  The error of ibid_builder_write, reported, on failure (the builder is freed
   either way). */
static int write_standalone_builder(run *r, ibid_build_stats *bs)
{
    int rc = ibid_builder_write(r->b, r->o->index_path, bs);
    ibid_builder_free(r->b);
    r->b = NULL;
    if (rc != IBID_OK)
        return report_rc(r, r->o->index_path, "cannot write the index", rc);
    r->st->standalone = 1;
    r->st->segments = 1;
    return IBID_OK;
}

/* Writes the builder as segment INDEX.d/ID.seg.ibid (a new id) and opens it into g. */
static int flush_builder(run *r)
{
    if (!r->b || r->bfiles == 0)
        return IBID_OK;
    int rc = ensure_dir(r);
    if (rc != IBID_OK)
        return rc;
    uint64_t id = r->next_id++;
    ibid_builder_set_segment_id(r->b, id);
    const char *name = seg_name(r, id);
    if (!name)
        return IBID_ENOMEM;
    rc = ibid_builder_write(r->b, name, NULL);
    ibid_builder_free(r->b);
    r->b = NULL;
    r->bfiles = 0;
    give_back_heap();
    if (rc != IBID_OK)
        return report_rc(r, name, "cannot write a segment", rc);
    r->st->runs++;
    return open_seg(r, name, id, 1);
}

static int remember_added(run *r, const char *path)
{
    if (r->nadded == r->capadded) {
        size_t cap = r->capadded ? r->capadded * 2 : 64;
        char **v = realloc(r->added_paths, cap * sizeof *v);
        if (!v)
            return IBID_ENOMEM;
        r->added_paths = v;
        r->capadded = cap;
    }
    if (!(r->added_paths[r->nadded] = strdup(path)))
        return IBID_ENOMEM;
    r->nadded++;
    return IBID_OK;
}

/* Parses the text of src and adds it to the builder (files with no passage are not recorded:
   they add nothing to a search, and a record that cannot be deleted would only get in the way
   of later updates).  flush: may write the builder out under the memory budget. */
static int add_source(run *r, const ibid_source *src, const char *data, size_t len, int from_pdf,
                      uint64_t hash, int *npass)
{
    const ibid_catalog_entry *ce = ibid_catalog_find(&r->catalog, src->path);
    ibid_parse_ctx ctx = {.file = src->path, .work = ce ? ce->title : NULL, .diag = r->diag};
    ibid_passage_list list = {0};
    ibid_format fmt = r->o->fmt;
    if (fmt == IBID_FMT_AUTO && from_pdf)
        fmt = IBID_FMT_PDFTEXT;
    int rc = ibid_parse(fmt, &ctx, data, len, &list);
    *npass = 0;
    if (rc == IBID_OK && list.n > 0) {
        ibid_passages_sort(&list);
        *npass = (int)(list.n > 0);
        if (!r->b)
            rc = new_builder(r);
        if (rc == IBID_OK)
            rc = ibid_builder_add_file_hashed(r->b, src->path, src->size, src->mtime, hash, &list);
        if (rc == IBID_OK) {
            r->bfiles++;
            rc = remember_added(r, src->path);
        }
    }
    ibid_passages_free(&list);
    if (rc != IBID_OK && rc != IBID_ENOMEM)
        return report_rc(r, src->path, "cannot index", rc);
    if (rc == IBID_OK && r->o->memory && r->b && ibid_builder_memory(r->b) > r->o->memory)
        rc = flush_builder(r);
    return rc;
}

/* ---- garbage collection ------------------------------------------------------------------ */

/* 1 when name is ".ANY.tmp.PID" with PID a live process other than us. */
static int is_temp(const char *name, long *pid)
{
    const char *t = strstr(name, ".tmp.");
    if (name[0] != '.' || !t)
        return 0;
    const char *p = t + 5;
    while (strstr(p, ".tmp."))
        p = strstr(p, ".tmp.") + 5;
    if (!*p)
        return 0;
    char *end;
    long v = strtol(p, &end, 10);
    if (*end || v <= 0)
        return 0;
    *pid = v;
    return 1;
}

static int pid_alive(long pid)
{
    return pid != (long)getpid() && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* Parses "ID.seg.ibid" (returns 1) or "ID.GEN.del.ibid" (returns 2); 0 otherwise. */
static int part_name(const char *name, uint64_t *id, uint64_t *gen)
{
    char *end;
    if (name[0] < '1' || name[0] > '9')
        return 0;
    *id = strtoull(name, &end, 10);
    if (strcmp(end, ".seg.ibid") == 0)
        return 1;
    if (*end != '.' || end[1] < '1' || end[1] > '9')
        return 0;
    *gen = strtoull(end + 1, &end, 10);
    return strcmp(end, ".del.ibid") == 0 ? 2 : 0;
}

/* The largest segment id among at least (a manifest's next id, minus one) and the segment
   and deletion files in INDEX.d, so that new files never take a name in use. */
static uint64_t highest_part_id(run *r, uint64_t next)
{
    uint64_t top = next ? next - 1 : 0;
    ibid_buf dir = {0};
    DIR *d = ibid_index_dir_name(r->o->index_path, &dir) == IBID_OK ? opendir(dir.data) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        uint64_t id = 0, gen = 0;
        if (part_name(e->d_name, &id, &gen) && id > top)
            top = id;
    }
    if (d)
        closedir(d);
    ibid_buf_free(&dir);
    return top;
}

/* Deletes from INDEX.d every segment and deletion file that m does not name (m NULL: all of
   them) and the temporaries of dead processes; other names are not ours and stay. */
static void collect_garbage(run *r, const ibid_manifest *m)
{
    ibid_buf dir = {0}, path = {0};
    if (ibid_index_dir_name(r->o->index_path, &dir) != IBID_OK)
        goto out;
    DIR *d = opendir(dir.data);
    if (!d)
        goto out;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        uint64_t id = 0, gen = 0;
        long pid;
        int kind = part_name(e->d_name, &id, &gen), drop = 0;
        if (kind) {
            drop = 1;
            for (size_t i = 0; m && i < m->nsegs && drop; i++)
                if (m->segs[i].id == id && (kind == 1 || m->segs[i].delgen == gen))
                    drop = 0;
        } else if (is_temp(e->d_name, &pid)) {
            drop = !pid_alive(pid);
        }
        if (!drop)
            continue;
        ibid_buf_clear(&path);
        if (ibid_buf_printf(&path, "%s/%s", dir.data, e->d_name) < 0)
            break;
        if (unlink(path.data) != 0 && errno != ENOENT)
            ibid_diagf(r->diag, path.data, 0, "cannot remove: %s", strerror(errno));
    }
    closedir(d);
    ibid_fsync_dir(dir.data);
out:
    ibid_buf_free(&dir);
    ibid_buf_free(&path);
}

/* Removes temporaries ".BASE.tmp.PID" and ".BASE.synonyms.tmp.PID" of INDEX left in its folder by
   dead processes. */
static void remove_dead_temps(run *r)
{
    char *dir = ibid_dir_of(r->o->index_path);
    const char *base = strrchr(r->o->index_path, '/');
    base = base ? base + 1 : r->o->index_path;
    size_t blen = strlen(base);
    ibid_buf path = {0};
    DIR *d = dir ? opendir(dir) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        long pid;
        if (e->d_name[0] != '.' || strncmp(e->d_name + 1, base, blen) != 0)
            continue;
        const char *rest = e->d_name + 1 + blen; /* within the name: its first blen + 1 bytes matched */
        if ((strncmp(rest, ".tmp.", 5) != 0 && strncmp(rest, IBID_SYNONYMS_SIDECAR_SUFFIX ".tmp.", 14) != 0) ||
            !is_temp(e->d_name, &pid) || pid_alive(pid))
            continue;
        ibid_buf_clear(&path);
        if (ibid_buf_printf(&path, "%s/%s", dir, e->d_name) >= 0)
            unlink(path.data);
    }
    if (d)
        closedir(d);
    free(dir);
    ibid_buf_free(&path);
}

/* ---- the scan ----------------------------------------------------------------------------- */

static int load_catalogs(run *r, const ibid_source_list *sources)
{
    for (size_t i = 0; i < sources->ncatalogs; i++) {
        int rc = ibid_catalog_load(&r->catalog, sources->catalogs[i], r->diag);
        if (rc == IBID_ENOMEM)
            return rc;
        if (rc != IBID_OK)
            r->st->skipped++;
    }
    return IBID_OK;
}

/* 1 when path is arg itself or lies inside the folder arg (by whole path components). */
static int under_path(const char *path, const char *arg)
{
    size_t n = strlen(arg);
    while (n > 1 && arg[n - 1] == '/')
        n--;
    if (strncmp(path, arg, n) != 0)
        return 0;
    return path[n] == '\0' || path[n] == '/' || (n > 0 && arg[n - 1] == '/');
}

static int is_removed(const ibid_update_opts *o, const char *path)
{
    for (size_t i = 0; i < o->nremoves; i++)
        if (strcmp(o->removes[i], path) == 0)
            return 1;
    return 0;
}

/* Reads, hashes and (when new or changed) indexes every source.  full: no generation to
   compare with. */
static int scan_sources(run *r, const ibid_source_list *sources, int full, size_t *nread)
{
    const ibid_update_opts *o = r->o;
    ibid_update_stats *st = r->st;
    for (size_t i = 0; i < sources->n; i++) {
        const ibid_source *src = &sources->v[i];
        live_file *lf = NULL;
        if (is_removed(o, src->path))
            continue;
        if (!full) {
            lf = find_live(&r->g, src->path);
            /* a file modified in the second its segment was written may have changed again
               after it was read with the same mtime ("racily clean", as git calls it): such a
               file is read and hashed */
            if (lf && lf->fi.size == src->size && lf->fi.mtime == src->mtime &&
                lf->fi.mtime + 1 < r->g.segs[lf->seg].written) {
                lf->seen = 1;
                st->unchanged++;
                if (o->progress)
                    o->progress(o->progress_ctx, i + 1, sources->n, st->bytes_read);
                continue;
            }
        }
        char *data = NULL;
        size_t len = 0;
        int from_pdf = 0;
        ibid_read_result rr = ibid_source_read_ex(src->path, &data, &len, &from_pdf, r->diag);
        if (rr == IBID_READ_NOMEM)
            return IBID_ENOMEM;
        int rc = IBID_OK;
        if (rr == IBID_READ_SKIPPED) {
            st->skipped++;
            /* An indexed file that cannot be read now (pdftotext missing or killed, permissions,
               I/O) keeps its passages: losing a shelf's PDFs to a missing tool is worse than a
               stale entry, and the warning above is printed on every run until it reads again
               (--full or --remove drop it). */
            if (lf)
                lf->seen = 1;
        } else {
            st->bytes_read += len;
            (*nread)++;
            uint64_t h = ibid_content_hash(data, len);
            if (lf && lf->fi.hash == h) {
                lf->seen = 1;
                st->unchanged++;
            } else {
                int npass = 0;
                rc = add_source(r, src, data, len, from_pdf, h, &npass);
                if (rc == IBID_OK && lf) {
                    rc = delete_file(&r->g, lf);
                    st->changed++;
                } else if (rc == IBID_OK && full) {
                    st->added++;
                } else if (rc == IBID_OK) {
                    if (npass)
                        st->added++;
                    else
                        st->unchanged++; /* nothing to search in it, nothing recorded */
                }
            }
        }
        free(data);
        if (rc != IBID_OK)
            return rc;
        if (o->progress)
            o->progress(o->progress_ctx, i + 1, sources->n, st->bytes_read);
    }
    return IBID_OK;
}

/* Deletes the live files that vanished from under this run's PATHs, and the --remove'd ones. */
static int delete_vanished(run *r)
{
    const ibid_update_opts *o = r->o;
    for (size_t i = 0; i < o->nremoves; i++) {
        live_file *lf = find_live(&r->g, o->removes[i]);
        if (!lf || lf->seen) {
            if (!lf) {
                ibid_diagf(r->diag, o->removes[i], 0, "not in %s, nothing removed", o->index_path);
                r->st->not_held++;
            }
            continue;
        }
        int rc = delete_file(&r->g, lf);
        if (rc != IBID_OK)
            return rc;
        r->st->removed++;
    }
    for (size_t i = 0; i < r->g.nlive; i++) {
        live_file *lf = &r->g.live[i];
        if (lf->seen)
            continue;
        for (size_t k = 0; k < o->npaths; k++) {
            if (under_path(lf->path, o->paths[k])) {
                int rc = delete_file(&r->g, lf);
                if (rc != IBID_OK)
                    return rc;
                r->st->removed++;
                break;
            }
        }
    }
    return IBID_OK;
}

/* ---- commit ------------------------------------------------------------------------------- */

/* s->all = old deletions + this run's, sorted and unique. */
static int combine_deletions(seg *s)
{
    size_t n = s->del.npids + s->ngone;
    free(s->all);
    s->all = malloc((n ? n : 1) * sizeof *s->all);
    if (!s->all)
        return IBID_ENOMEM;
    if (s->del.npids)
        memcpy(s->all, s->del.pids, s->del.npids * sizeof *s->all);
    if (s->ngone)
        memcpy(s->all + s->del.npids, s->gone, s->ngone * sizeof *s->all);
    qsort(s->all, n, sizeof *s->all, cmp_u32);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (w == 0 || s->all[w - 1] != s->all[i])
            s->all[w++] = s->all[i];
    s->nall = w;
    return IBID_OK;
}

static uint32_t seg_passages(const seg *s)
{
    return ibid_index_passage_count(s->ix);
}

/* Merges the segments whose indexes are in pick[0..k) into out_path (segment id id, 0 for a
   standalone file).  Returns the status; fills *bs. */
static int merge_into(run *r, const size_t *pick, size_t k, const char *out_path, uint64_t id,
                      ibid_build_stats *bs)
{
    ibid_merge_input *in = calloc(k ? k : 1, sizeof *in);
    if (!in)
        return IBID_ENOMEM;
    for (size_t i = 0; i < k; i++) {
        const seg *s = &r->g.segs[pick[i]];
        in[i].ix = s->ix;
        in[i].deleted = s->nall ? s->all : NULL;
        in[i].ndeleted = s->nall;
    }
    ibid_merge_opts mo = {.level = r->o->level, .diag = r->diag, .segment_id = id, .threads = r->o->threads};
    int rc = ibid_segment_merge(in, k, out_path, &mo, bs);
    free(in);
    if (rc != IBID_OK)
        return report_rc(r, out_path, "cannot merge segments", rc);
    r->st->merges++;
    return IBID_OK;
}

/* Applies the merge policy until it picks nothing. */
static int run_policy(run *r)
{
    gen *g = &r->g;
    for (int round = 0; round < 64; round++) {
        size_t n = 0;
        ibid_policy_seg *ps = malloc((g->nsegs ? g->nsegs : 1) * sizeof *ps);
        size_t *map = malloc((g->nsegs ? g->nsegs : 1) * sizeof *map);
        size_t *pick = malloc((g->nsegs ? g->nsegs : 1) * sizeof *pick);
        if (!ps || !map || !pick) {
            free(ps);
            free(map);
            free(pick);
            return IBID_ENOMEM;
        }
        for (size_t i = 0; i < g->nsegs; i++) {
            if (g->segs[i].dropped)
                continue;
            ps[n] = (ibid_policy_seg){seg_passages(&g->segs[i]), (uint32_t)g->segs[i].nall};
            map[n++] = i;
        }
        size_t k = ibid_merge_policy_pick(ps, n, pick);
        int rc = k ? ensure_dir(r) : IBID_OK;
        if (k) {
            for (size_t i = 0; i < k; i++)
                pick[i] = map[pick[i]];
            uint64_t id = r->next_id++;
            char *name = NULL;
            const char *nm = seg_name(r, id);
            if (rc == IBID_OK && (!nm || !(name = strdup(nm))))
                rc = IBID_ENOMEM;
            if (rc == IBID_OK)
                rc = merge_into(r, pick, k, name, id, NULL);
            if (rc == IBID_OK) {
                for (size_t i = 0; i < k; i++)
                    g->segs[pick[i]].dropped = 1;
                rc = open_seg(r, name, id, 1);
            }
            free(name);
        }
        free(ps);
        free(map);
        free(pick);
        if (rc != IBID_OK || k == 0)
            return rc;
    }
    return IBID_OK;
}

/* Synonyms sidecar from the folders of every live file of the new generation. */
/* Removes from sources the index's own files when a PATH holds them (an index written into
   the folder it indexes, under a name the walker does not know as an index's): INDEX (a
   manifest is text) and INDEX.synonyms.  Compared by device and inode, after the names. */
static void drop_own_files(const char *index_path, ibid_source_list *sources)
{
    ibid_buf side = {0};
    if (ibid_buf_printf(&side, "%s%s", index_path, IBID_SYNONYMS_SIDECAR_SUFFIX) < 0)
        return;
    const char *own[2] = {index_path, side.data};
    struct stat ost[2];
    int have[2];
    for (int k = 0; k < 2; k++)
        have[k] = stat(own[k], &ost[k]) == 0;
    size_t w = 0;
    for (size_t i = 0; i < sources->n; i++) {
        const char *p = sources->v[i].path, *base = strrchr(p, '/');
        base = base ? base + 1 : p;
        int drop = 0;
        for (int k = 0; k < 2 && !drop; k++) {
            const char *ob = strrchr(own[k], '/');
            struct stat st;
            drop = have[k] && strcmp(base, ob ? ob + 1 : own[k]) == 0 && stat(p, &st) == 0 &&
                   st.st_dev == ost[k].st_dev && st.st_ino == ost[k].st_ino;
        }
        if (drop)
            free(sources->v[i].path);
        else
            sources->v[w++] = sources->v[i];
    }
    sources->n = w;
    ibid_buf_free(&side);
}

/* 1 when INDEX.synonyms is missing or older than INDEX. */
static int sidecar_older(const char *index_path)
{
    struct stat ix, sy;
    ibid_buf name = {0};
    int older = 1;
    if (ibid_buf_printf(&name, "%s%s", index_path, IBID_SYNONYMS_SIDECAR_SUFFIX) >= 0 && stat(index_path, &ix) == 0 &&
        stat(name.data, &sy) == 0)
        older = sy.st_mtim.tv_sec < ix.st_mtim.tv_sec ||
                (sy.st_mtim.tv_sec == ix.st_mtim.tv_sec && sy.st_mtim.tv_nsec < ix.st_mtim.tv_nsec);
    ibid_buf_free(&name);
    return older;
}

static int write_synonyms(run *r, const ibid_source_list *sources, int full)
{
    if (full)
        return ibid_synonyms_sidecar_write(r->o->index_path, sources, r->diag);
    ibid_source_list all = {0};
    size_t n = r->nadded + r->g.nlive;
    all.v = calloc(n ? n : 1, sizeof *all.v);
    if (!all.v)
        return IBID_ENOMEM;
    for (size_t i = 0; i < r->g.nlive; i++) {
        const live_file *lf = &r->g.live[i];
        const seg *s = &r->g.segs[lf->seg];
        /* files deleted by this run are in s->all; a file is deleted whole */
        if (s->nall && bsearch(&lf->fi.first_passage, s->all, s->nall, sizeof *s->all, cmp_u32))
            continue;
        all.v[all.n++].path = (char *)lf->path;
    }
    for (size_t i = 0; i < r->nadded; i++)
        all.v[all.n++].path = r->added_paths[i];
    int rc = ibid_synonyms_sidecar_write(r->o->index_path, &all, r->diag);
    free(all.v); /* the paths belong to the indexes and to r->added_paths */
    return rc;
}

/* The most runs one merge of a budgeted build reads at once.  Each input of a merge keeps a few
   MiB of its mapping resident whatever the merger gives back (measured: about 3 MiB an input on
   Gutenberg runs; the page cache maps whole folios on a fault), so 30 runs merged in one go
   passed a 64 MB budget by 100 MB.  An eighth of the budget's megabytes, 4 to 64. */
static size_t merge_fanin(uint64_t memory)
{
    uint64_t f = memory / (8u << 20);
    return f < 4 ? 4 : f > 64 ? 64 : (size_t)f;
}

/* The indexes in r->g.segs of the segments not dropped, in order, into a malloc'd array (the
   caller frees it) of *k entries; NULL when out of memory. */
static size_t *live_segments(run *r, size_t *k)
{
    size_t *pick = malloc((r->g.nsegs ? r->g.nsegs : 1) * sizeof *pick);
    *k = 0;
    if (pick)
        for (size_t i = 0; i < r->g.nsegs; i++)
            if (!r->g.segs[i].dropped)
                pick[(*k)++] = i;
    return pick;
}

/* Merges the live segments in consecutive groups of at most merge_fanin() until no more than
   that many are left, like the passes of an external sort (each pass reads and writes every
   live passage once more; the final merge then reads at most fan-in inputs). */
static int merge_runs_bounded(run *r)
{
    size_t fanin = merge_fanin(r->o->memory);
    for (;;) {
        size_t k;
        size_t *pick = live_segments(r, &k);
        if (!pick)
            return IBID_ENOMEM;
        int rc = k > fanin ? ensure_dir(r) : IBID_OK;
        for (size_t at = 0; k > fanin && at < k && rc == IBID_OK; at += fanin) {
            size_t n = k - at < fanin ? k - at : fanin;
            if (n < 2)
                continue;
            uint64_t id = r->next_id++;
            const char *nm = seg_name(r, id);
            char *name = nm ? strdup(nm) : NULL;
            rc = name ? merge_into(r, pick + at, n, name, id, NULL) : IBID_ENOMEM;
            if (rc == IBID_OK) {
                for (size_t j = 0; j < n; j++)
                    r->g.segs[pick[at + j]].dropped = 1;
                rc = open_seg(r, name, id, 1); /* may move r->g.segs: pick holds indexes */
            }
            free(name);
            give_back_heap();
        }
        free(pick);
        if (rc != IBID_OK || k <= fanin)
            return rc;
    }
}

/* Writes the standalone file at INDEX from the builder or the merge of every live segment
   (opts.optimize, or a full build under a budget). */
static int write_standalone(run *r)
{
    ibid_build_stats bs = {0};
    size_t k;
    size_t *pick = live_segments(r, &k);
    if (!pick)
        return IBID_ENOMEM;
    int rc = merge_into(r, pick, k, r->o->index_path, 0, &bs);
    free(pick);
    if (rc != IBID_OK)
        return rc;
    r->st->standalone = 1;
    r->st->segments = 1;
    r->st->live_passages = bs.passages;
    r->st->terms = bs.terms;
    r->st->index_bytes = bs.index_bytes;
    return IBID_OK;
}

/* Links the standalone INDEX to INDEX.d/1.seg.ibid (replacing a leftover of a killed run). */
static int link_standalone(run *r, seg *s)
{
    s->id = 1;
    int rc = ensure_dir(r);
    if (rc != IBID_OK)
        return rc;
    const char *name = seg_name(r, 1);
    if (!name)
        return IBID_ENOMEM;
    if (link(r->o->index_path, name) != 0) {
        if (errno != EEXIST || unlink(name) != 0 || link(r->o->index_path, name) != 0)
            return report_io(r, name, "cannot link the index into its segment folder");
    }
    ibid_buf dir = {0};
    if (ibid_index_dir_name(r->o->index_path, &dir) == IBID_OK)
        ibid_fsync_dir(dir.data);
    ibid_buf_free(&dir);
    return IBID_OK;
}

static int commit_incremental(run *r, uint64_t old_generation)
{
    gen *g = &r->g;
    int rc;
    for (size_t i = 0; i < g->nsegs; i++) {
        seg *s = &g->segs[i];
        if (s->is_new)
            continue;
        if ((rc = combine_deletions(s)) != IBID_OK)
            return rc;
        if (s->nall >= seg_passages(s)) /* nothing live (or an empty segment): no longer named */
            s->dropped = 1;
    }
    if (r->o->optimize)
        return write_standalone(r);
    if ((rc = run_policy(r)) != IBID_OK)
        return rc;
    if (old_generation >= UINT64_MAX / 2 || r->next_id >= UINT64_MAX / 2)
        return IBID_ELIMIT; /* a forged manifest: never write generation 0 */
    ibid_manifest m = {.generation = old_generation + 1};
    size_t nlive = 0;
    for (size_t i = 0; i < g->nsegs; i++)
        nlive += !g->segs[i].dropped;
    if (nlive == 0) {
        /* everything was removed: an empty standalone index */
        if ((rc = new_builder(r)) != IBID_OK)
            return rc;
        ibid_build_stats bs = {0};
        if ((rc = write_standalone_builder(r, &bs)) != IBID_OK)
            return rc;
        return IBID_OK;
    }
    /* the standalone INDEX, if it survives, becomes segment 1 (its manifest entry first: ids
       ascending) */
    for (size_t i = 0; i < g->nsegs; i++) {
        seg *s = &g->segs[i];
        if (s->dropped || s->is_new || s->id != 0)
            continue;
        if ((rc = link_standalone(r, s)) != IBID_OK)
            return rc;
    }
    for (size_t i = 0; i < g->nsegs; i++) {
        seg *s = &g->segs[i];
        if (s->dropped)
            continue;
        ibid_manifest_seg ms = {.id = s->id, .passages = seg_passages(s)};
        if (!s->is_new && s->ngone) {
            ibid_deletions d = {0};
            if ((rc = ibid_deletions_compute(s->ix, s->all, s->nall, &d)) != IBID_OK)
                return report_rc(r, seg_name(r, s->id), "cannot compute the deletions", rc);
            ibid_buf_clear(&r->name);
            if (ibid_deletion_file_name(r->o->index_path, s->id, m.generation, &r->name) != IBID_OK) {
                ibid_deletions_free(&d);
                return IBID_ENOMEM;
            }
            rc = ibid_deletions_write(r->name.data, &d);
            ibid_deletions_free(&d);
            if (rc != IBID_OK)
                return report_rc(r, r->name.data, "cannot write the deletions", rc);
            ms.deleted = (uint32_t)s->nall;
            ms.delgen = m.generation;
        } else if (!s->is_new && s->del.npids) {
            ms.deleted = s->del.npids;
            ms.delgen = s->delgen;
        }
        if ((rc = ibid_manifest_add(&m, &ms)) != IBID_OK) {
            ibid_manifest_free(&m);
            return rc == IBID_ELIMIT ? report_rc(r, r->o->index_path, "cannot write the manifest", rc) : rc;
        }
        r->st->live_passages += ms.passages - ms.deleted;
        r->st->deleted_passages += ms.deleted;
    }
    /* ids ascending: the order segments were written (merged ones got new ids) */
    for (size_t i = 1; i < m.nsegs; i++)
        for (size_t k = i; k > 0 && m.segs[k - 1].id > m.segs[k].id; k--) {
            ibid_manifest_seg t = m.segs[k];
            m.segs[k] = m.segs[k - 1];
            m.segs[k - 1] = t;
        }
    m.next_id = r->next_id;
    rc = ibid_manifest_write(r->o->index_path, &m);
    if (rc != IBID_OK) {
        ibid_manifest_free(&m);
        return report_rc(r, r->o->index_path, "cannot write the manifest", rc);
    }
    r->st->segments = m.nsegs;
    r->g.m.generation = m.generation; /* for the caller's GC */
    ibid_manifest_free(&r->g.m);
    r->g.m = m;
    return IBID_OK;
}

/* ---- the run ------------------------------------------------------------------------------ */

static int full_build(run *r, const ibid_source_list *sources)
{
    size_t nread = 0;
    int rc = scan_sources(r, sources, 1, &nread);
    if (rc != IBID_OK)
        return rc;
    if (nread == 0 && r->st->skipped) {
        ibid_diagf(r->diag, NULL, 0, "no input could be read; %s left as it was", r->o->index_path);
        return IBID_EINVAL;
    }
    if (r->st->runs == 0) {
        /* one builder: write it straight to INDEX */
        if (!r->b && (rc = new_builder(r)) != IBID_OK)
            return rc;
        ibid_build_stats bs = {0};
        if ((rc = write_standalone_builder(r, &bs)) != IBID_OK)
            return rc;
        r->st->live_passages = bs.passages;
        r->st->terms = bs.terms;
        r->st->index_bytes = bs.index_bytes;
    } else {
        if ((rc = flush_builder(r)) != IBID_OK)
            return rc;
        if ((rc = merge_runs_bounded(r)) != IBID_OK)
            return rc;
        give_back_heap();
        if ((rc = write_standalone(r)) != IBID_OK)
            return rc;
    }
    r->st->wrote = 1;
    if ((rc = write_synonyms(r, sources, 1)) != IBID_OK)
        return report_rc(r, r->o->index_path, "cannot write the synonyms", rc);
    collect_garbage(r, NULL);
    return IBID_OK;
}

int ibid_update_run(const ibid_update_opts *o, ibid_update_stats *st)
{
    memset(st, 0, sizeof *st);
    run r = {.o = o, .st = st, .diag = o->diag};
    ibid_source_list sources = {0};
    int rc = IBID_OK;
    remove_dead_temps(&r);
    int kind = ibid_index_kind_of(o->index_path);
    if (kind < 0) {
        rc = report_io(&r, o->index_path, "cannot read");
        goto out;
    }
    if (kind == IBID_AT_OTHER) {
        ibid_diagf(r.diag, o->index_path, 0, "not an ibid index, left as it is (remove it first)");
        rc = IBID_EINVAL;
        goto out;
    }
    if ((rc = ibid_sources_collect(&sources, o->paths, o->npaths, r.diag)) != IBID_OK)
        goto out;
    drop_own_files(o->index_path, &sources);
    st->sources = sources.n;
    st->skipped = sources.problems;
    if ((rc = load_catalogs(&r, &sources)) != IBID_OK)
        goto out;

    if (kind == IBID_AT_NOTHING && o->npaths == 0) {
        /* --remove or --optimize alone, and no index */
        for (size_t i = 0; i < o->nremoves; i++) {
            ibid_diagf(r.diag, o->removes[i], 0, "not in %s, nothing removed", o->index_path);
            st->not_held++;
        }
        if (!o->nremoves) {
            ibid_diagf(r.diag, o->index_path, 0, "no index there to update");
            rc = IBID_ENOENT;
        }
        goto out;
    }
    if (o->full || kind == IBID_AT_NOTHING) {
        st->full = 1;
        if (kind == IBID_AT_MANIFEST) {
            /* run segments must not take the ids of the live generation's */
            char err[256];
            if (ibid_manifest_read(o->index_path, &r.g.m, err, sizeof err) == IBID_OK)
                r.next_id = r.g.m.next_id;
            ibid_manifest_free(&r.g.m);
        }
        if (r.next_id == 0)
            r.next_id = 1;
        for (size_t i = 0; i < o->nremoves && kind == IBID_AT_NOTHING; i++) {
            ibid_diagf(r.diag, o->removes[i], 0, "not in %s, nothing removed", o->index_path);
            st->not_held++;
        }
        rc = full_build(&r, &sources);
        goto out;
    }

    if ((rc = load_generation(&r, kind)) != IBID_OK) {
        /* an index of an older format, or damaged: it cannot be updated, but the texts are at
           hand - rebuild from them (what the user meant by rerunning ibid-index) */
        if (rc != IBID_ECORRUPT || o->npaths == 0 || o->optimize || o->nremoves)
            goto out;
        ibid_diagf(r.diag, o->index_path, 0,
                   "cannot be updated: rebuilding it from the PATHs given (texts indexed only from "
                   "other PATHs are dropped)");
        uint64_t next = r.g.m.next_id;
        gen_free(&r.g);
        r.next_id = highest_part_id(&r, next) + 1;
        st->full = 1;
        rc = full_build(&r, &sources);
        goto out;
    }
    size_t nread = 0;
    if ((rc = scan_sources(&r, &sources, 0, &nread)) != IBID_OK)
        goto out;
    if (o->npaths && sources.n == 0 && sources.problems) {
        ibid_diagf(r.diag, NULL, 0, "no input could be read; %s left as it was", o->index_path);
        rc = IBID_EINVAL;
        goto out;
    }
    if (nread == 0 && st->unchanged == 0 && st->skipped && sources.n) {
        ibid_diagf(r.diag, NULL, 0, "no input could be read; %s left as it was", o->index_path);
        rc = IBID_EINVAL;
        goto out;
    }
    if ((rc = flush_builder(&r)) != IBID_OK)
        goto out;
    if ((rc = delete_vanished(&r)) != IBID_OK)
        goto out;
    int work = 0;
    for (size_t i = 0; i < r.g.nsegs; i++)
        work |= r.g.segs[i].is_new || r.g.segs[i].ngone;
    if (o->optimize && (kind == IBID_AT_MANIFEST || r.g.segs[0].del.npids))
        work = 1;
    if (!work) {
        st->standalone = kind == IBID_AT_SEGMENT;
        st->segments = r.g.nsegs;
        for (size_t i = 0; i < r.g.nsegs; i++) {
            st->live_passages += seg_passages(&r.g.segs[i]) - r.g.segs[i].del.npids;
            st->deleted_passages += r.g.segs[i].del.npids;
        }
        /* nothing to write, but a run killed after publishing its manifest may have left the
           synonyms sidecar of the generation before (it is written after the manifest, so it
           is then older than INDEX) and files that no generation names: repair both (we hold
           the lock) */
        if (kind == IBID_AT_MANIFEST && sidecar_older(o->index_path) &&
            (rc = write_synonyms(&r, &sources, 0)) != IBID_OK) {
            rc = report_rc(&r, o->index_path, "cannot write the synonyms", rc);
            goto out;
        }
        collect_garbage(&r, kind == IBID_AT_MANIFEST ? &r.g.m : NULL);
        goto out;
    }
    st->wrote = 1;
    if ((rc = commit_incremental(&r, kind == IBID_AT_MANIFEST ? r.g.m.generation : 0)) != IBID_OK)
        goto out;
    if ((rc = write_synonyms(&r, &sources, 0)) != IBID_OK) {
        rc = report_rc(&r, o->index_path, "cannot write the synonyms", rc);
        goto out;
    }
    collect_garbage(&r, st->standalone ? NULL : &r.g.m);
out:
    ibid_builder_free(r.b);
    gen_free(&r.g);
    for (size_t i = 0; i < r.nadded; i++)
        free(r.added_paths[i]);
    free(r.added_paths);
    ibid_catalog_free(&r.catalog);
    ibid_buf_free(&r.name);
    ibid_sources_free(&sources);
    return rc;
}

/* ---- --check ------------------------------------------------------------------------------ */

/* What the reader and the merger rely on: deletions take whole files, and the recorded tokens
   and per-term deleted dfs are exactly those of the deleted passages (recomputed from the
   postings).  Leaves e empty when so, else a reason. */
static void check_deletions(const ibid_index *ix, const ibid_deletions *d, char *e, size_t elen)
{
    e[0] = '\0';
    for (uint32_t f = 0; f < ibid_index_file_count(ix); f++) {
        ibid_file_info fi;
        if (ibid_index_file(ix, f, &fi) != IBID_OK)
            continue;
        uint32_t gone = 0;
        for (uint32_t p = fi.first_passage; p < fi.first_passage + fi.passage_count; p++)
            gone += (uint32_t)ibid_deletions_has(d, p);
        if (gone && gone != fi.passage_count) {
            snprintf(e, elen, "%s: %u of its %u passages deleted (deletions take whole files)", fi.path, gone,
                     fi.passage_count);
            return;
        }
    }
    ibid_deletions x;
    int rc = ibid_deletions_compute(ix, d->pids, d->npids, &x);
    if (rc != IBID_OK) {
        snprintf(e, elen, "cannot recompute the deletions: %s", ibid_strerror(rc));
        return;
    }
    if (x.tokens != d->tokens || x.nterms != d->nterms ||
        (x.nterms && memcmp(x.terms, d->terms, x.nterms * sizeof *x.terms) != 0))
        snprintf(e, elen, "deleted tokens or term counts differ from the postings (the statistics would be wrong)");
    ibid_deletions_free(&x);
}

int ibid_update_check(const char *index_path, ibid_check_stats *cs, char *err, size_t errlen)
{
    memset(cs, 0, sizeof *cs);
    int kind = ibid_index_kind_of(index_path);
    if (kind < 0 || kind == IBID_AT_NOTHING) {
        snprintf(err, errlen, "%s", kind < 0 ? strerror(errno) : "no such file");
        return kind < 0 ? IBID_EIO : IBID_ENOENT;
    }
    if (kind == IBID_AT_OTHER) {
        snprintf(err, errlen, "not an ibid index");
        return IBID_ECORRUPT;
    }
    ibid_manifest m = {0};
    int rc = IBID_OK;
    ibid_buf name = {0};
    if (kind == IBID_AT_SEGMENT) {
        if (ibid_manifest_add(&m, &(ibid_manifest_seg){.id = 0}) != IBID_OK)
            return IBID_ENOMEM;
    } else {
        cs->manifest = 1;
        if ((rc = ibid_manifest_read(index_path, &m, err, errlen)) != IBID_OK)
            return rc;
        cs->generation = m.generation;
    }
    for (size_t i = 0; i < m.nsegs && rc == IBID_OK; i++) {
        const ibid_manifest_seg *ms = &m.segs[i];
        ibid_buf_clear(&name);
        if (cs->manifest ? ibid_segment_file_name(index_path, ms->id, &name) != IBID_OK
                         : ibid_buf_puts(&name, index_path) < 0) {
            rc = IBID_ENOMEM;
            break;
        }
        ibid_index *ix = NULL;
        char e[400] = "";
        rc = ibid_index_open(name.data, &ix, e, sizeof e);
        if (rc == IBID_OK)
            rc = ibid_index_verify(ix, e, sizeof e);
        if (rc == IBID_OK && cs->manifest && ibid_index_passage_count(ix) != ms->passages) {
            snprintf(e, sizeof e, "%u passages, the manifest says %u", ibid_index_passage_count(ix), ms->passages);
            rc = IBID_ECORRUPT;
        }
        if (rc != IBID_OK) {
            snprintf(err, errlen, "%s: %s", name.data, e[0] ? e : ibid_strerror(rc));
            ibid_index_close(ix);
            break;
        }
        cs->segments++;
        cs->passages += ibid_index_passage_count(ix);
        cs->terms += ibid_index_term_count(ix);
        cs->files += ibid_index_file_count(ix);
        if (ms->delgen) {
            ibid_deletions d = {0};
            ibid_buf_clear(&name);
            if (ibid_deletion_file_name(index_path, ms->id, ms->delgen, &name) != IBID_OK) {
                ibid_index_close(ix);
                rc = IBID_ENOMEM;
                break;
            }
            rc = ibid_deletions_read(name.data, ms->passages, ibid_index_term_count(ix), &d, e, sizeof e);
            if (rc != IBID_OK) { /* e starts with the file's name */
                snprintf(err, errlen, "%s", e[0] ? e : ibid_strerror(rc));
            } else {
                if (d.npids != ms->deleted)
                    snprintf(e, sizeof e, "%u deleted passages, the manifest says %u", d.npids, ms->deleted);
                else
                    check_deletions(ix, &d, e, sizeof e);
                if (e[0]) {
                    snprintf(err, errlen, "%s: %s", name.data, e);
                    rc = IBID_ECORRUPT;
                }
            }
            if (rc == IBID_OK)
                cs->deleted += d.npids;
            ibid_deletions_free(&d);
        }
        ibid_index_close(ix);
    }
    ibid_buf_free(&name);
    ibid_manifest_free(&m);
    return rc;
}
