/*
 * main.c - ibid-search: the command line (options, index location, batch input, exit codes).
 *
 * Everything else lives in search.c and below; this file reads options, opens the index
 * (-i, else $IBID_INDEX, else the build's default), answers the query (or every line of
 * stdin with --batch) and writes the results to stdout.  Exit status: 0 when something
 * matched, 1 when nothing did, 2 on error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bm25.h"
#include "buf.h"
#include "diag.h"
#include "index.h"
#include "reader.h"
#include "rerank.h"
#include "search.h"
#include "status.h"
#include "synonyms.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static const char usage_text[] =
    "usage: ibid-search [-i INDEX] [options] QUERY...\n"
    "       ibid-search [-i INDEX] [options] --batch < queries\n"
    "Ranks the passages of an ibid index against QUERY (the words are joined by spaces) with BM25\n"
    "and prints each hit with its citation.  Query language: docs/query-syntax.md (words,\n"
    "\"phrases\", +required, -excluded, AND OR NOT ( ), prefix*, a NEAR/n b, in:footnotes,\n"
    "in:text, work:WORDS, chapter:WORDS).  Arguments that are not options are query text, so\n"
    "-China excludes China; after -- everything is query text.\n"
    "\n"
    "options:\n"
    "  -i, --index INDEX   the index to search (default: $IBID_INDEX, else " IBID_DEFAULT_INDEX ")\n"
    "  -n, --limit N       print at most N hits per query (default 10)\n"
    "      --offset N      skip the first N hits (for paging)\n"
    "      --count         print the number of matching passages instead of the hits\n"
    "                      (with --batch: qid<TAB>count per query)\n"
    "      --json          JSON Lines: one object per hit (same as --format json)\n"
    "      --format FMT    text (default): rank, score, citation, snippet, cited footnotes;\n"
    "                      json: qid, rank, score, every passage field, snippet, highlights;\n"
    "                      tsv: a header, then qid rank score file line end_line kind work\n"
    "                           chapter page paragraph footnote text duplicates;\n"
    "                      trec: qid Q0 DOCID rank score ibid (DOCID: the passage id, else\n"
    "                           file:line);  grep: file:line:text\n"
    "      --batch         read queries from stdin, one a line: 'qid<TAB>query', or just the\n"
    "                      query (its qid is then the line number); every hit carries its qid\n"
    "      --explain       first the parsed query, then with each hit the BM25 contribution of\n"
    "                      each term (idf, tf, passage length)\n"
    "      --k1 X          BM25 k1 (default " STR(IBID_BM25_K1) ")\n"
    "      --b Y           BM25 b, 0..1 (default " STR(IBID_BM25_B) ")\n"
    "      --title-weight W  bonus for a query word in the title of the passage's work,\n"
    "                      W times its idf (default 0.35; 0 turns it off)\n"
    "      --all           list every copy of near-duplicate passages (by default a chapter\n"
    "                      printed in two works is one hit, the other copies listed with it:\n"
    "                      text 'also:' lines, json \"duplicates\", tsv the duplicates column\n"
    "                      (file:line; ...), trec a line each after the hit with its score,\n"
    "                      grep file:line:also: text)\n"
    "      --rank PROFILE  bm25 (default): BM25 and the title bonus; abstracts: re-rank the\n"
    "                      best 100 with DPH, proximity, title match and a length prior, for\n"
    "                      short documents with titles (docs/search-quality.md; worse on books)\n"
    "      --no-synonyms   do not expand variant names (ibid-synonyms.txt beside the texts)\n"
    "      --synonyms FILE read the variant names from FILE instead\n"
    "      --no-suggest    no did-you-mean for words the index does not know\n"
    "      --color[=WHEN]  colour the text output: auto (default: only on a terminal, and not\n"
    "                      when NO_COLOR is set), always or never\n"
    "  -h, --help          print this help and exit\n"
    "      --version       print the version and exit\n"
    "\n"
    "Exit status: 0 when something matched, 1 when nothing did, 2 on error.\n";

enum {
    OPT_OFFSET = 256,
    OPT_COUNT,
    OPT_JSON,
    OPT_FORMAT,
    OPT_BATCH,
    OPT_EXPLAIN,
    OPT_K1,
    OPT_B,
    OPT_COLOR,
    OPT_VERSION,
    OPT_EXHAUSTIVE,
    OPT_ALL,
    OPT_NO_SYNONYMS,
    OPT_SYNONYMS,
    OPT_NO_SUGGEST,
    OPT_TITLE_WEIGHT,
    OPT_RANK
};

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > 100000000ULL)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    if (!s || !*s)
        return -1;
    double v = strtod(s, &end);
    if (errno || *end || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

static int flush_out(ibid_buf *out)
{
    if (out->len && fwrite(out->data, 1, out->len, stdout) != out->len) {
        ibid_buf_clear(out);
        return -1;
    }
    ibid_buf_clear(out);
    return fflush(stdout) == 0 ? 0 : -1;
}

static int color_auto(void)
{
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    if (nc && *nc)
        return 0;
    if (term && strcmp(term, "dumb") == 0)
        return 0;
    return isatty(STDOUT_FILENO);
}

/* Answers every line of stdin.  Returns 0 matched, 1 nothing matched, 2 error. */
static int run_batch(ibid_searcher *s, const ibid_search_opts *o, ibid_buf *out)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long lineno = 0;
    int any = 0, status = 0;
    if (o->format == IBID_OUT_TSV && !o->count && ibid_output_tsv_header(out) < 0)
        return 2;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        char qidbuf[32], *qid = qidbuf, *query = line;
        char *tab = memchr(line, '\t', (size_t)n);
        if (tab) {
            *tab = '\0';
            qid = line;
            query = tab + 1;
        } else {
            snprintf(qidbuf, sizeof qidbuf, "%lu", lineno);
        }
        uint64_t matched = 0;
        int rc = ibid_search_run(s, qid, query, strlen(query), out, &matched);
        if (rc == IBID_ELIMIT) {
            ibid_diagf(&ibid_diag_stderr, "<stdin>", (long)lineno, "query skipped");
            status = 2;
        } else if (rc < 0) {
            ibid_diagf(&ibid_diag_stderr, "<stdin>", (long)lineno, "%s", ibid_strerror(rc));
            free(line);
            return 2;
        }
        any |= matched > 0;
        if (flush_out(out) < 0) {
            ibid_diagf(&ibid_diag_stderr, NULL, 0, "cannot write the results: %s", strerror(errno));
            free(line);
            return 2;
        }
    }
    int read_error = ferror(stdin);
    free(line);
    if (read_error) {
        ibid_diagf(&ibid_diag_stderr, NULL, 0, "cannot read the queries: %s", strerror(errno));
        return 2;
    }
    return status ? status : any ? 0 : 1;
}

/* The variant names: --synonyms FILE, else those of the index (synonyms.h says where they are
   looked for), cut by an (the searcher's analyzer).  Returns 0, or -1 after a message. */
static int load_synonyms(ibid_analyzer *an, const char *path, const char *index_path, const ibid_index *ix,
                         ibid_synonyms **out)
{
    int rc;
    if (path) {
        rc = ibid_synonyms_load(an, path, &ibid_diag_stderr, out);
        if (rc < 0)
            ibid_diagf(&ibid_diag_stderr, path, 0, "cannot read the synonyms: %s%s%s", ibid_strerror(rc),
                       rc == IBID_EIO ? ": " : "", rc == IBID_EIO ? strerror(errno) : "");
    } else {
        rc = ibid_synonyms_for_index(an, index_path, ix, &ibid_diag_stderr, out, NULL);
        if (rc < 0)
            ibid_diagf(&ibid_diag_stderr, NULL, 0, "out of memory");
    }
    return rc < 0 ? -1 : 0;
}

/* Long options that take their value from the next argument when written without '='. */
static int long_takes_value(const char *arg)
{
    static const char *const names[] = {"--index", "--limit", "--offset", "--format", "--k1", "--b",
                                        "--synonyms", "--title-weight", "--rank"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(arg, names[i]) == 0)
            return 1;
    return 0;
}

/* Splits the arguments into options (optv, for getopt_long, argv[0] first) and query words, so
   that a query may hold -excluded words: an argument is an option when it starts with "--", or
   is exactly -i, -n or -h, or is -n followed by digits; "--" ends the options; anything else
   (-China, "-in:footnotes potash", words) is query text.  optv and words have argc slots. */
static void split_args(int argc, char **argv, char **optv, int *optc, char **words, int *nwords)
{
    int oc = 0, nw = 0;
    optv[oc++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            while (++i < argc)
                words[nw++] = argv[i];
            break;
        }
        int digits = a[0] == '-' && a[1] == 'n' && a[2] != '\0';
        for (const char *c = a + 2; digits && *c; c++)
            digits = *c >= '0' && *c <= '9';
        if (strncmp(a, "--", 2) == 0 || strcmp(a, "-i") == 0 || strcmp(a, "-n") == 0 ||
            strcmp(a, "-h") == 0 || digits) {
            optv[oc++] = argv[i];
            if ((strcmp(a, "-i") == 0 || strcmp(a, "-n") == 0 || long_takes_value(a)) && i + 1 < argc)
                optv[oc++] = argv[++i];
        } else {
            words[nw++] = argv[i];
        }
    }
    optv[oc] = NULL;
    *optc = oc;
    *nwords = nw;
}

/* Reads the options (optv from split_args).  Returns -1 to go on, else the exit status
   (--help, --version: 0; a bad option: 2, after a message on stderr). */
static int parse_options(int optc, char **optv, ibid_search_opts *o, const char **index_path, int *color)
{
    static const struct option longopts[] = {
        {"index", required_argument, NULL, 'i'},   {"limit", required_argument, NULL, 'n'},
        {"offset", required_argument, NULL, OPT_OFFSET}, {"count", no_argument, NULL, OPT_COUNT},
        {"json", no_argument, NULL, OPT_JSON},     {"format", required_argument, NULL, OPT_FORMAT},
        {"batch", no_argument, NULL, OPT_BATCH},   {"explain", no_argument, NULL, OPT_EXPLAIN},
        {"k1", required_argument, NULL, OPT_K1},   {"b", required_argument, NULL, OPT_B},
        {"color", optional_argument, NULL, OPT_COLOR}, {"colour", optional_argument, NULL, OPT_COLOR},
        {"help", no_argument, NULL, 'h'},          {"version", no_argument, NULL, OPT_VERSION},
        {"exhaustive", no_argument, NULL, OPT_EXHAUSTIVE}, {"all", no_argument, NULL, OPT_ALL},
        {"no-synonyms", no_argument, NULL, OPT_NO_SYNONYMS},
        {"synonyms", required_argument, NULL, OPT_SYNONYMS},
        {"no-suggest", no_argument, NULL, OPT_NO_SUGGEST},
        {"title-weight", required_argument, NULL, OPT_TITLE_WEIGHT},
        {"rank", required_argument, NULL, OPT_RANK}, {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(optc, optv, "+i:n:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'i': *index_path = optarg; break;
        case 'n':
            if (parse_size(optarg, &o->limit) < 0) {
                ibid_diagf(&ibid_diag_stderr, NULL, 0, "-n/--limit wants a count, not '%s'", optarg);
                return 2;
            }
            break;
        case OPT_OFFSET:
            if (parse_size(optarg, &o->offset) < 0) {
                ibid_diagf(&ibid_diag_stderr, NULL, 0, "--offset wants a count, not '%s'", optarg);
                return 2;
            }
            break;
        case OPT_COUNT: o->count = 1; break;
        case OPT_JSON: o->format = IBID_OUT_JSON; break;
        case OPT_FORMAT:
            if (ibid_output_format_parse(optarg, &o->format) < 0) {
                ibid_diagf(&ibid_diag_stderr, NULL, 0, "unknown --format '%s' (text, json, tsv, trec, grep)",
                           optarg);
                return 2;
            }
            break;
        case OPT_BATCH: o->batch = 1; break;
        case OPT_EXPLAIN: o->explain = 1; break;
        case OPT_K1:
            if (parse_double(optarg, 0, 1000, &o->k1) < 0) {
                ibid_diagf(&ibid_diag_stderr, NULL, 0, "--k1 wants a number >= 0, not '%s'", optarg);
                return 2;
            }
            break;
        case OPT_B:
            if (parse_double(optarg, 0, 1, &o->b) < 0) {
                ibid_diagf(&ibid_diag_stderr, NULL, 0, "--b wants a number in [0, 1], not '%s'", optarg);
                return 2;
            }
            break;
        case OPT_COLOR:
            if (!optarg || strcmp(optarg, "always") == 0)
                *color = 1;
            else if (strcmp(optarg, "never") == 0)
                *color = 0;
            else if (strcmp(optarg, "auto") == 0)
                *color = -1;
            else {
                ibid_diagf(&ibid_diag_stderr, NULL, 0, "--color wants auto, always or never, not '%s'", optarg);
                return 2;
            }
            break;
        case 'h': fputs(usage_text, stdout); return 0;
        case OPT_VERSION: printf("ibid-search %s\n", IBID_VERSION); return 0;
        case OPT_EXHAUSTIVE: o->exhaustive = 1; break;
        case OPT_ALL: o->all = 1; break;
        case OPT_NO_SYNONYMS: o->no_synonyms = 1; break;
        case OPT_SYNONYMS: o->synonyms_file = optarg; break;
        case OPT_NO_SUGGEST: o->no_suggest = 1; break;
        case OPT_TITLE_WEIGHT:
            if (parse_double(optarg, 0, 1000, &o->title_weight) < 0) {
                ibid_diagf(&ibid_diag_stderr, NULL, 0, "--title-weight wants a number >= 0, not '%s'", optarg);
                return 2;
            }
            break;
        case OPT_RANK: {
            ibid_rank_profile rp;
            if (ibid_rank_parse(optarg, &rp) < 0) {
                ibid_diagf(&ibid_diag_stderr, NULL, 0, "unknown --rank '%s' (bm25, abstracts)", optarg);
                return 2;
            }
            o->rank = (int)rp;
            break;
        }
        default: fputs("Try 'ibid-search --help'.\n", stderr); return 2;
        }
    }
    return -1;
}

int main(int argc, char **argv)
{
    ibid_diag_set_program("ibid-search");
    ibid_search_opts o;
    ibid_search_opts_default(&o);
    const char *index_path = NULL;
    int color = -1;
    char **optv = calloc((size_t)argc + 1, sizeof *optv), **words = calloc((size_t)argc + 1, sizeof *words);
    int optc = 0, nwords = 0;
    if (!optv || !words) {
        fputs("ibid-search: out of memory\n", stderr);
        return 2;
    }
    split_args(argc, argv, optv, &optc, words, &nwords);
    int early = parse_options(optc, optv, &o, &index_path, &color);
    if (early >= 0) {
        free(optv);
        free(words);
        return early;
    }
    o.color = color < 0 ? color_auto() : color;
    if (o.format != IBID_OUT_TEXT && o.format != IBID_OUT_GREP)
        o.color = 0;

    ibid_buf query = {0};
    for (int i = optind; i < optc; i++) /* cannot happen: split_args keeps words apart */
        words[nwords++] = optv[i];
    for (int i = 0; i < nwords; i++)
        if ((i > 0 && ibid_buf_putc(&query, ' ') < 0) || ibid_buf_puts(&query, words[i]) < 0) {
            ibid_diagf(&ibid_diag_stderr, NULL, 0, "out of memory");
            ibid_buf_free(&query);
            free(optv);
            free(words);
            return 2;
        }
    free(optv);
    free(words);
    if (!o.batch && query.len == 0) {
        fputs("ibid-search: no query given (try 'ibid-search --help')\n", stderr);
        ibid_buf_free(&query);
        return 2;
    }
    if (o.batch && query.len) {
        fputs("ibid-search: --batch reads the queries from stdin; give none on the command line\n", stderr);
        ibid_buf_free(&query);
        return 2;
    }

    if (!index_path) {
        const char *env = getenv("IBID_INDEX");
        index_path = env && *env ? env : IBID_DEFAULT_INDEX;
    }
    ibid_reader *r = NULL;
    char err[256] = "";
    int rc = ibid_reader_open(index_path, &r, err, sizeof err);
    if (rc < 0) {
        if (rc == IBID_ENOENT)
            fprintf(stderr, "ibid-search: no index at %s; build one with: ibid-index -o %s corpus/\n",
                    index_path, index_path);
        else
            fprintf(stderr, "ibid-search: cannot open the index %s: %s\n", index_path,
                    err[0] ? err : ibid_strerror(rc));
        ibid_buf_free(&query);
        return 2;
    }

    ibid_searcher *s = NULL;
    ibid_buf out = {0};
    int status = 2;
    ibid_synonyms *syn = NULL;
    o.synonyms = NULL;
    if (ibid_searcher_new_reader(r, &o, &ibid_diag_stderr, &s) < 0) {
        ibid_diagf(&ibid_diag_stderr, NULL, 0, "out of memory");
        goto done;
    }
    /* the folders of the first segment's files stand in when the index has no synonyms file;
       the searcher's analyzer cuts them (one analyzer, one stem cache, for the whole run) */
    if (!o.no_synonyms && ibid_reader_segment_count(r) > 0 &&
        load_synonyms(ibid_searcher_analyzer(s), o.synonyms_file, index_path, ibid_reader_segment(r, 0)->ix,
                      &syn) < 0)
        goto done;
    ibid_searcher_set_synonyms(s, syn);
    if (o.batch) {
        status = run_batch(s, &o, &out);
        goto done;
    }
    if (o.format == IBID_OUT_TSV && !o.count && ibid_output_tsv_header(&out) < 0)
        goto done;
    uint64_t matched = 0;
    rc = ibid_search_run(s, "1", query.data, query.len, &out, &matched);
    if (rc < 0) {
        if (rc != IBID_ELIMIT)
            ibid_diagf(&ibid_diag_stderr, index_path, 0, "%s", ibid_strerror(rc));
        goto done;
    }
    if (!matched && o.format == IBID_OUT_TSV && !o.count)
        ibid_buf_clear(&out); /* nothing matched: nothing on stdout */
    if (flush_out(&out) < 0) {
        ibid_diagf(&ibid_diag_stderr, NULL, 0, "cannot write the results: %s", strerror(errno));
        goto done;
    }
    status = matched ? 0 : 1;
done:
    ibid_buf_free(&out);
    ibid_buf_free(&query);
    ibid_searcher_free(s);
    ibid_synonyms_free(syn);
    ibid_reader_close(r);
    return status;
}
