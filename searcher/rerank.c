/*
 * rerank.c - the "abstracts" ranking profile (see rerank.h for the formula and where its
 * weights come from).
 *
 * One call re-ranks the best IBID_RERANK_DEPTH hits of a query: the query text is cut by the
 * analyzer into its words (non-joined tokens; each distinct stem once, the sequence kept for
 * the pairs of adjacent words); their collection df (reader.h) gives the idf and their cf is
 * summed over the segments' term dictionaries.  Then, per segment holding hits, each word's
 * postings are opened with positions and advanced over that segment's hits in passage order:
 * tf and positions come from the postings (no stored text is read), the length from the
 * index's length table, the title match from the segment's work-title map (titles.h).  The
 * features are combined and the hits re-sorted.  Everything per query lives in one arena.
 */
#include "rerank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "bm25.h"
#include "status.h"

int ibid_rank_parse(const char *name, ibid_rank_profile *out)
{
    if (strcmp(name, "bm25") == 0)
        *out = IBID_RANK_BM25;
    else if (strcmp(name, "abstracts") == 0)
        *out = IBID_RANK_ABSTRACTS;
    else
        return IBID_EINVAL;
    return IBID_OK;
}

double ibid_rerank_dph(uint32_t tf, uint32_t len, double avglen, uint32_t n, uint64_t cf)
{
    if (tf == 0 || len == 0 || cf == 0 || tf >= len)
        return 0.0;
    double f = (double)tf / len, t = tf;
    double norm = (1 - f) * (1 - f) / (t + 1);
    return norm * (t * log2((t * avglen / len) * ((double)n / (double)cf)) +
                   0.5 * log2(2 * 3.14159265358979323846 * t * (1 - f)));
}

uint32_t ibid_rerank_mindist(const uint32_t *pa, size_t na, const uint32_t *pb, size_t nb)
{
    uint32_t best = UINT32_MAX;
    size_t i = 0, j = 0;
    while (i < na && j < nb) {
        uint32_t d = pa[i] > pb[j] ? pa[i] - pb[j] : pb[j] - pa[i];
        if (d < best)
            best = d;
        if (pa[i] < pb[j])
            i++;
        else
            j++;
    }
    return best;
}

double ibid_rerank_combine(const ibid_rerank_feat *f)
{
    return f->bm25 + IBID_RERANK_W_DPH * f->dph + IBID_RERANK_W_MIDF * f->midf + IBID_RERANK_W_LOGLEN * f->loglen +
           IBID_RERANK_W_PROX * f->prox + IBID_RERANK_W_TITLEB * f->titleb;
}

/* A distinct query word. */
typedef struct rword {
    const char *term; /* in the arena */
    size_t len;
    double idf;
    uint64_t cf;
} rword;

/* What one hit holds of one word. */
typedef struct rocc {
    uint32_t tf;
    uint32_t *pos; /* tf positions, ascending (arena); NULL when tf is 0 */
    int in_title;
} rocc;

/* A hit of one segment, for the walk in passage order. */
typedef struct rjob {
    uint32_t local;
    size_t hit;
} rjob;

static int cmp_rjob(const void *a, const void *b)
{
    const rjob *x = a, *y = b;
    return x->local < y->local ? -1 : x->local > y->local;
}

/* The order of the re-ranked hits: combined score descending, then the old rank. */
typedef struct rorder {
    double score;
    size_t old;
} rorder;

static int cmp_rorder(const void *a, const void *b)
{
    const rorder *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->old < y->old ? -1 : x->old > y->old;
}

/* Cuts text into the distinct words (*w, *nw) and the sequence of their indices (*seq, *nseq),
   all in a.  IBID_OK or IBID_ENOMEM. */
static int query_words(ibid_arena *a, ibid_analyzer *an, const char *text, size_t len, rword **w, size_t *nw,
                       size_t **seq, size_t *nseq)
{
    size_t cap = 16;
    *w = ibid_arena_alloc(a, cap * sizeof **w);
    *seq = ibid_arena_alloc(a, cap * sizeof **seq);
    *nw = *nseq = 0;
    if (!*w || !*seq)
        return IBID_ENOMEM;
    ibid_analyzer_reset(an, text, len);
    ibid_token t;
    int r;
    while ((r = ibid_analyzer_next(an, &t)) == 1) {
        if (t.flags & IBID_TOK_JOINED)
            continue;
        size_t i;
        for (i = 0; i < *nw; i++)
            if ((*w)[i].len == t.term_len && memcmp((*w)[i].term, t.term, t.term_len) == 0)
                break;
        if (*nseq == cap) { /* *nw <= *nseq: both arrays grow together */
            rword *nwv = ibid_arena_alloc(a, 2 * cap * sizeof *nwv);
            size_t *nsv = ibid_arena_alloc(a, 2 * cap * sizeof *nsv);
            if (!nwv || !nsv)
                return IBID_ENOMEM;
            memcpy(nwv, *w, *nw * sizeof *nwv);
            memcpy(nsv, *seq, *nseq * sizeof *nsv);
            *w = nwv;
            *seq = nsv;
            cap *= 2;
        }
        if (i == *nw) {
            char *copy = ibid_arena_strndup(a, t.term, t.term_len);
            if (!copy)
                return IBID_ENOMEM;
            (*w)[(*nw)++] = (rword){copy, t.term_len, 0.0, 0};
        }
        (*seq)[(*nseq)++] = i;
    }
    return r < 0 ? IBID_ENOMEM : IBID_OK;
}

static int in_runs(const ibid_pid_run *runs, long n, uint32_t pid)
{
    long lo = 0, hi = n - 1;
    while (lo <= hi) {
        long mid = lo + (hi - lo) / 2;
        if (pid < runs[mid].first)
            hi = mid - 1;
        else if (pid > runs[mid].last)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

/* Fills occ[hit * nw + word] for the hits of segment seg (jobs, sorted by local pid) and
   len[hit].  IBID_OK, IBID_ENOMEM or IBID_ECORRUPT. */
static int walk_segment(ibid_arena *a, const ibid_index *ix, const ibid_titles *tt, const rword *w, size_t nw,
                        const rjob *jobs, size_t nj, rocc *occ, uint32_t *lens)
{
    for (size_t j = 0; j < nj; j++)
        lens[jobs[j].hit] = ibid_index_passage_len(ix, jobs[j].local);
    for (size_t k = 0; k < nw; k++) {
        ibid_term_info ti;
        int found = ibid_index_lookup(ix, w[k].term, w[k].len, &ti);
        if (found < 0)
            return IBID_ECORRUPT;
        if (found == 0)
            continue;
        ibid_postings *p;
        int rc = ibid_postings_open(ix, &ti, 1, &p);
        if (rc < 0)
            return rc;
        for (size_t j = 0; j < nj && rc == IBID_OK; j++) {
            if ((rc = ibid_postings_advance(p, jobs[j].local)) < 0)
                break;
            if (ibid_postings_doc(p) != jobs[j].local)
                continue;
            const uint32_t *pos, *var;
            if ((rc = ibid_postings_positions(p, &pos, &var)) < 0)
                break;
            rocc *o = &occ[jobs[j].hit * nw + k];
            o->tf = ibid_postings_tf(p);
            o->pos = ibid_arena_alloc(a, o->tf * sizeof *o->pos);
            if (!o->pos) {
                rc = IBID_ENOMEM;
                break;
            }
            memcpy(o->pos, pos, o->tf * sizeof *o->pos);
        }
        ibid_postings_close(p);
        if (rc < 0)
            return rc;
        if (!tt)
            continue;
        ibid_pid_run *runs = NULL;
        long nr = ibid_titles_runs(tt, w[k].term, w[k].len, &runs);
        if (nr < 0)
            return (int)nr;
        for (size_t j = 0; j < nj; j++)
            occ[jobs[j].hit * nw + k].in_title = in_runs(runs, nr, jobs[j].local);
        free(runs);
    }
    return IBID_OK;
}

int ibid_rerank(const ibid_reader *r, ibid_analyzer *an, ibid_titles *const *titles, const char *text,
                size_t len, ibid_hit *hits, size_t n, ibid_rerank_feat *feat)
{
    size_t m = n < IBID_RERANK_DEPTH ? n : IBID_RERANK_DEPTH;
    if (m == 0)
        return IBID_OK;
    ibid_arena a = {0};
    rword *w;
    size_t nw, *seq, nseq;
    int rc = query_words(&a, an, text, len, &w, &nw, &seq, &nseq);
    uint32_t np = ibid_reader_passage_count(r);
    double avglen = ibid_reader_avg_len(r);
    ibid_bm25 bm;
    ibid_bm25_init(&bm, IBID_BM25_K1, IBID_BM25_B, np, avglen > 0 ? avglen : 1.0);
    size_t nseg = ibid_reader_segment_count(r);
    for (size_t k = 0; k < nw && rc == IBID_OK; k++) {
        uint32_t df;
        if ((rc = ibid_reader_df(r, w[k].term, w[k].len, &df)) < 0)
            break;
        w[k].idf = ibid_bm25_idf(&bm, df);
        for (size_t i = 0; i < nseg; i++) {
            ibid_term_info ti;
            int found = ibid_index_lookup(ibid_reader_segment(r, i)->ix, w[k].term, w[k].len, &ti);
            if (found < 0) {
                rc = IBID_ECORRUPT;
                break;
            }
            if (found)
                w[k].cf += ti.cf;
        }
    }
    rocc *occ = NULL;
    uint32_t *lens = NULL;
    rjob *jobs = NULL;
    ibid_rerank_feat *f = NULL;
    rorder *ord = NULL;
    ibid_hit *sorted = NULL;
    if (rc == IBID_OK) {
        occ = calloc(m * (nw ? nw : 1), sizeof *occ);
        lens = calloc(m, sizeof *lens);
        jobs = malloc(m * sizeof *jobs);
        f = calloc(m, sizeof *f);
        ord = malloc(m * sizeof *ord);
        sorted = malloc(m * sizeof *sorted);
        if (!occ || !lens || !jobs || !f || !ord || !sorted)
            rc = IBID_ENOMEM;
    }
    for (size_t seg = 0; seg < nseg && rc == IBID_OK; seg++) {
        size_t nj = 0;
        for (size_t i = 0; i < m; i++) {
            size_t hs;
            uint32_t local;
            if (ibid_reader_locate(r, hits[i].pid, &hs, &local) == IBID_OK && hs == seg)
                jobs[nj++] = (rjob){local, i};
        }
        if (nj == 0)
            continue;
        qsort(jobs, nj, sizeof *jobs, cmp_rjob);
        rc = walk_segment(&a, ibid_reader_segment(r, seg)->ix, titles ? titles[seg] : NULL, w, nw, jobs, nj, occ, lens);
    }
    for (size_t i = 0; i < m && rc == IBID_OK; i++) {
        ibid_rerank_feat *x = &f[i];
        const rocc *o = &occ[i * nw];
        x->bm25 = hits[i].score;
        x->len = lens[i];
        x->loglen = log((double)lens[i] + 1.0);
        for (size_t k = 0; k < nw; k++) {
            if (o[k].tf == 0)
                continue;
            x->matched++;
            x->midf += w[k].idf;
            x->dph += ibid_rerank_dph(o[k].tf, lens[i], avglen, np, w[k].cf);
            if (o[k].in_title)
                x->titleb += w[k].idf;
        }
        for (size_t s = 0; s + 1 < nseq; s++) {
            size_t ka = seq[s], kb = seq[s + 1];
            if (ka == kb || o[ka].tf == 0 || o[kb].tf == 0)
                continue;
            uint32_t d = ibid_rerank_mindist(o[ka].pos, o[ka].tf, o[kb].pos, o[kb].tf);
            double dd = d < 1 ? 1.0 : (double)d;
            x->prox += (w[ka].idf + w[kb].idf) / (dd * dd);
        }
        x->score = ibid_rerank_combine(x);
        ord[i] = (rorder){x->score, i};
    }
    if (rc == IBID_OK) {
        qsort(ord, m, sizeof *ord, cmp_rorder);
        for (size_t i = 0; i < m; i++) {
            sorted[i] = hits[ord[i].old];
            sorted[i].score = ord[i].score;
        }
        memcpy(hits, sorted, m * sizeof *hits);
        for (size_t i = 0; feat && i < m; i++)
            feat[i] = f[ord[i].old];
        /* the hits past the depth stay below the last re-ranked one */
        if (n > m && hits[m].score >= hits[m - 1].score) {
            double shift = hits[m].score - hits[m - 1].score + 1.0;
            for (size_t i = m; i < n; i++)
                hits[i].score -= shift;
        }
    }
    free(occ);
    free(lens);
    free(jobs);
    free(f);
    free(ord);
    free(sorted);
    ibid_arena_free(&a);
    return rc;
}
