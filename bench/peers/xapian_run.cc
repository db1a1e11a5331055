/*
** xapian_run.cc: Xapian as a peer of ibid, driven through its C++ API.
**
**   xapian_run [-k N] [--repeat R] [--db DIR] [--stats FILE.json] [--reuse]
**              PASSAGES.jsonl [QUERIES.tsv]  > run.trec
**
** Indexes the `text` of every passage in PASSAGES.jsonl (the output of
** `ibid-index --print-passages`) with a TermGenerator using the English
** stemmer and its default strategy (STEM_SOME: unstemmed terms with
** positions, Z-prefixed stems without), positions on, the text stored as
** document data (as ibid and FTS5 store it); Xapian's default flushing
** (XAPIAN_FLUSH_THRESHOLD, 10,000 documents) and a commit at the end.
** Each `qid<TAB>query` line of QUERIES.tsv is parsed by a QueryParser with the
** same stemmer, default operator OR and FLAG_PHRASE|FLAG_DEFAULT (so "quoted
** phrases" are phrases), ranked with BM25Weight's defaults (k1=1, k2=0, k3=1,
** b=0.5, min_normlen=0.5); the top k (default 10) are printed as TREC run
** lines `qid Q0 DOCID rank score xapian`, DOCID = the passage's `id`, else
** file:line.
**
** Figures (load and index wall/CPU seconds, peak RSS, index bytes with and
** without the stored text, postings = total term occurrences, per-query
** latency p50/p95/p99/mean measured in-process around parsing and running
** each query) go to --stats FILE as one JSON object, else to stderr.
** Without --db the database is a temporary folder, removed at exit.  With
** --reuse and --db, an existing database is queried as it is (no index figures).
*/
#include "peer_common.h"

#include <xapian.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <dirent.h>
#include <unistd.h>

static const char ENGINE[] = "xapian";

static void usage()
{
    std::fprintf(stderr, "usage: xapian_run [-k N] [--repeat R] [--db DIR] [--stats FILE.json] "
                         "[--reuse] PASSAGES.jsonl [QUERIES.tsv]\n");
}

/* Removes a Xapian database folder (flat: Xapian's glass backend writes only
** files there). */
static void remove_db_dir(const std::string &dir)
{
    DIR *d = opendir(dir.c_str());
    if (d == nullptr)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != nullptr) {
        if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0)
            continue;
        std::string sub = dir + "/" + e->d_name;
        if (unlink(sub.c_str()) != 0)
            std::fprintf(stderr, "xapian_run: cannot remove %s: %s\n", sub.c_str(),
                         std::strerror(errno));
    }
    closedir(d);
    rmdir(dir.c_str());
}

struct hit {
    Xapian::docid did;
    double score;
};

static int run(int argc, char **argv)
{
    long k = 10, repeat = 1;
    bool reuse = false; /* --reuse: query the database at --db as it is, no index figures */
    const char *db_arg = nullptr, *stats_path = nullptr, *passages_path = nullptr,
               *queries_path = nullptr;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((std::strcmp(a, "-k") == 0 || std::strcmp(a, "-n") == 0) && i + 1 < argc) {
            k = peer_parse_long(argv[++i]);
        } else if (std::strcmp(a, "--repeat") == 0 && i + 1 < argc) {
            repeat = peer_parse_long(argv[++i]);
        } else if (std::strcmp(a, "--db") == 0 && i + 1 < argc) {
            db_arg = argv[++i];
        } else if (std::strcmp(a, "--stats") == 0 && i + 1 < argc) {
            stats_path = argv[++i];
        } else if (std::strcmp(a, "--reuse") == 0) {
            reuse = true;
        } else if (std::strcmp(a, "-h") == 0 || std::strcmp(a, "--help") == 0) {
            usage();
            return 0;
        } else if (a[0] == '-' && a[1] != '\0') {
            usage();
            return 2;
        } else if (passages_path == nullptr) {
            passages_path = a;
        } else if (queries_path == nullptr) {
            queries_path = a;
        } else {
            usage();
            return 2;
        }
    }
    if (reuse && db_arg == nullptr) {
        std::fprintf(stderr, "xapian_run: --reuse needs --db DIR\n");
        return 2;
    }
    if (passages_path == nullptr || k <= 0 || repeat <= 0 || k > 1000000 || repeat > 1000) {
        usage();
        return 2;
    }

    peer_stats st;
    std::memset(&st, 0, sizeof st);
    st.engine = ENGINE;
    st.k = (int)k;
    st.repeat = (int)repeat;

    double t0 = peer_wall_now();
    peer_passages ps;
    if (peer_passages_read(passages_path, &ps) != 0)
        return 2;
    st.load_wall_s = peer_wall_now() - t0;
    st.passages = ps.count;
    st.text_bytes = ps.text_bytes;

    peer_queries qs;
    std::memset(&qs, 0, sizeof qs);
    if (queries_path != nullptr && peer_queries_read(queries_path, &qs) != 0) {
        peer_passages_free(&ps);
        return 2;
    }

    std::string db_path;
    bool remove_db = false;
    if (db_arg == nullptr) {
        char tmpl[] = "/tmp/xapian_run.XXXXXX";
        if (mkdtemp(tmpl) == nullptr) {
            std::perror("xapian_run: mkdtemp");
            peer_queries_free(&qs);
            peer_passages_free(&ps);
            return 2;
        }
        db_path = std::string(tmpl) + "/db";
        remove_db = true;
    } else {
        db_path = db_arg;
        if (!reuse)
            remove_db_dir(db_path); /* a fresh database unless --reuse */
    }

    int rc = 2;
    try {
        double w0 = peer_wall_now(), c0 = peer_cpu_now();
        if (!reuse) {
            Xapian::WritableDatabase wdb(db_path, Xapian::DB_CREATE_OR_OVERWRITE);
            Xapian::TermGenerator tg;
            tg.set_stemmer(Xapian::Stem("english"));
            for (size_t i = 0; i < ps.count; i++) {
                Xapian::Document doc;
                tg.set_document(doc);
                std::string text(ps.items[i].text, ps.items[i].text_len);
                tg.index_text(text);
                doc.set_data(text);
                if (wdb.add_document(doc) != (Xapian::docid)(i + 1))
                    throw std::runtime_error("unexpected docid from add_document");
            }
            wdb.commit();
            wdb.close();
        }
        if (reuse) {
            st.index_wall_s = st.index_cpu_s = -1;
            st.index_bytes = st.index_bytes_no_text = -1;
        } else {
            st.index_wall_s = peer_wall_now() - w0;
            st.index_cpu_s = peer_cpu_now() - c0;
            st.index_bytes = peer_path_bytes(db_path.c_str());
            long long docdata = peer_path_bytes((db_path + "/docdata.glass").c_str());
            st.index_bytes_no_text =
                (docdata >= 0 && st.index_bytes >= 0) ? st.index_bytes - docdata : -1;
        }

        Xapian::Database db(db_path);
        st.postings = (long long)db.get_total_length();
        Xapian::Enquire enquire(db);
        enquire.set_weighting_scheme(Xapian::BM25Weight());
        Xapian::QueryParser qp;
        qp.set_database(db);
        qp.set_stemmer(Xapian::Stem("english"));
        qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        qp.set_default_op(Xapian::Query::OP_OR);
        const unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_DEFAULT;

        std::vector<double> lat;
        lat.reserve(qs.count * (size_t)repeat + 1);
        std::vector<hit> hits;
        hits.reserve((size_t)k);
        double qw0 = peer_wall_now();
        for (long r = 0; r < repeat; r++) {
            for (size_t i = 0; i < qs.count; i++) {
                double s0 = peer_wall_now();
                Xapian::Query query;
                try {
                    query = qp.parse_query(qs.items[i].query, flags);
                } catch (const Xapian::QueryParserError &) {
                    query = qp.parse_query(qs.items[i].query, 0);
                }
                hits.clear();
                if (!query.empty()) {
                    enquire.set_query(query);
                    Xapian::MSet ms = enquire.get_mset(0, (Xapian::doccount)k);
                    for (Xapian::MSetIterator it = ms.begin(); it != ms.end(); ++it)
                        hits.push_back(hit{*it, it.get_weight()});
                }
                lat.push_back((peer_wall_now() - s0) * 1000.0);
                if (r == 0) {
                    for (size_t h = 0; h < hits.size(); h++) {
                        Xapian::docid id = hits[h].did;
                        if (id < 1 || id > ps.count) {
                            std::fprintf(stderr, "xapian_run: bad docid %u\n", id);
                            throw std::runtime_error("bad docid");
                        }
                        peer_print_trec(qs.items[i].qid, ps.items[id - 1].docid, (int)h + 1,
                                        hits[h].score, ENGINE);
                    }
                }
            }
        }
        st.query_wall_s = peer_wall_now() - qw0;
        st.queries = qs.count;
        peer_latency_summarize(lat.data(), lat.size(), &st.latency);
        st.peak_rss_kb = peer_peak_rss_kb();
        if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
            std::fprintf(stderr, "xapian_run: write error on stdout\n");
        } else if (peer_stats_write(&st, stats_path) == 0) {
            rc = 0;
        }
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "xapian_run: %s\n", e.get_description().c_str());
    } catch (const std::exception &e) {
        std::fprintf(stderr, "xapian_run: %s\n", e.what());
    }
    if (remove_db) {
        remove_db_dir(db_path);
        std::string parent = db_path.substr(0, db_path.size() - 3);
        rmdir(parent.c_str());
    }
    peer_queries_free(&qs);
    peer_passages_free(&ps);
    return rc;
}

int main(int argc, char **argv)
{
    return run(argc, argv);
}
