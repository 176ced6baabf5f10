// xqbench — the Xapian peer's query latency for `make bench`: what omega
// would do on an omindex database, in one process (like qbench for Referat).
//
// Usage: xqbench DB BASEDIR QUERIES   (QUERIES as for qbench)
// Xapian's QueryParser with the Danish stemmer (STEM_SOME, AND by default,
// phrases), year filters through omindex's Y terms (from file dates), the
// top 10 and, for each, MSet::snippet over the file's text, read from
// BASEDIR + the document's url (omindex stores only a 512-byte sample). It
// indexes whole files, not punkter, and has no sections, so a
// decisions-only query runs as a plain one. This is a benchmark driver for
// a peer, not part of Referat (whose only C++ is lib/xdb.cc).
#include <xapian.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Query {
    std::string kind, year, text;
};

std::string file_text(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string url_of(const std::string &data)
{
    auto at = data.find("url=");
    if (at == std::string::npos)
        return std::string();
    auto end = data.find('\n', at);
    return data.substr(at + 4, end == std::string::npos ? std::string::npos : end - at - 4);
}

size_t run(Xapian::Database &db, Xapian::QueryParser &qp, Xapian::Stem &stem,
           const std::string &base, const Query &q)
{
    Xapian::Query query = qp.parse_query(
        q.text, Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_PHRASE);
    if (q.kind == "year")
        query = Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query("Y" + q.year));
    Xapian::Enquire enq(db);
    enq.set_query(query);
    Xapian::MSet mset = enq.get_mset(0, 10);
    size_t bytes = 0;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        std::string text = file_text(base + url_of(it.get_document().get_data()));
        bytes += mset.snippet(text, 200, stem).size();
    }
    return mset.size();
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 4) {
        std::cerr << "usage: xqbench DB BASEDIR QUERIES\n";
        return 2;
    }
    try {
        std::vector<Query> qs;
        std::ifstream in(argv[3]);
        std::string line;
        while (std::getline(in, line)) {
            auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
            if (t1 == std::string::npos || t2 == std::string::npos)
                continue;
            qs.push_back({line.substr(0, t1), line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1)});
        }
        Xapian::Database db(argv[1]);
        Xapian::Stem stem("danish");
        Xapian::QueryParser qp;
        qp.set_database(db);
        qp.set_stemmer(stem);
        qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        qp.set_default_op(Xapian::Query::OP_AND);
        std::string base = argv[2];
        for (const auto &q : qs) // warm the cache
            run(db, qp, stem, base, q);
        for (const auto &q : qs) {
            auto t0 = std::chrono::steady_clock::now();
            size_t hits = run(db, qp, stem, base, q);
            std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - t0;
            std::printf("%s\t%.4f\t%zu\n", q.kind.c_str(), ms.count(), hits);
        }
    } catch (const Xapian::Error &e) {
        std::cerr << "xqbench: " << e.get_description() << "\n";
        return 1;
    }
    return 0;
}
