// xdb.cc — the one C++ file: Referat's C API over Xapian (see xdb.h).
//
// Every extern "C" function runs its body through guard(), which catches
// every exception and turns it into a ref_status plus a message kept on the
// handle. Nothing here knows what the terms mean; that is fields.h's job.
#include "referat/xdb.h"
#include "referat/version.h"

#include <xapian.h>

#include <cstdlib>
#include <algorithm>
#include <chrono>
#include <fstream>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <vector>

// One part of a reader: a local database or a remote one served by
// xapian-tcpsrv. A stub file lists several; Xapian combines them into one
// Database with global statistics, but says neither which part failed nor
// lets a search go on without one, so we open the parts ourselves.
struct Shard {
    std::string name;   // for messages: "remote HOST:PORT" or the path
    bool remote = false;
    std::string host;
    unsigned port = 0;
    std::string path;
    std::unique_ptr<Xapian::Database> db; // NULL while the shard is missing
    std::string error;                    // why it is missing
};

struct ref_xdb {
    Xapian::Database *db = nullptr;         // the reader (all present shards), or the writer's base
    Xapian::WritableDatabase *wdb = nullptr; // non-NULL when open for writing
    std::string errmsg;
    // A writer's changes since its last commit form one Xapian transaction,
    // so they land together (ref_xdb_commit) or not at all (a failed write,
    // ref_xdb_close). A failed write discards the batch at once and is
    // remembered here: the next commit reports it instead of committing
    // the rest of a batch with a hole in it.
    ref_status write_failed = REF_OK;
    std::vector<Shard> shards; // readers: the parts db combines
    ref_xdb_shard_opts opts = {0, 0, 0, 0};
    std::chrono::steady_clock::time_point last_reconnect;
    std::string missing; // "NAME\n" per missing shard (ref_xdb_missing_shards)
};

struct ref_xdoc {
    Xapian::Document doc;
};

// How a node was made, kept so that a query with wildcards can be built
// again against the database: a remote shard would expand a wildcard over
// its own terms only (each its own "most frequent"), so we expand it over
// the whole database ourselves, the same for one database or many shards.
struct NodeRecipe {
    enum Kind { AS_BUILT, OP, SCALE, WILDCARD } kind = AS_BUILT;
    Xapian::Query::op op = Xapian::Query::OP_AND;
    std::vector<int> children; // OP; SCALE has one
    Xapian::termcount window = 0;
    double factor = 1;
    std::string prefix; // WILDCARD
    uint32_t max_expansion = 0;
};

struct ref_xquery {
    std::vector<Xapian::Query> nodes;
    std::vector<NodeRecipe> recipes; // recipes[i] made nodes[i]
    bool has_wildcard = false;
    ref_status status = REF_OK;
    std::string errmsg;
};

struct ref_xresults {
    std::vector<ref_xhit> hits;
    std::vector<std::string> data; // owns the strings hits[i].data points into
    uint32_t total = 0;
    // Facets: per count slot, value -> documents (std::map keeps byte order).
    std::vector<std::map<std::string, uint32_t>> slot_counts;
    std::vector<uint32_t> group_counts;
};

namespace {

// The status of the Xapian exception being handled (call only inside a
// catch block): rethrown and caught by type, derived classes before their
// bases (DatabaseNotFoundError and DatabaseVersionError are
// DatabaseOpeningErrors, NetworkTimeoutError a NetworkError), so that a
// class we do not list still falls to its nearest base.
ref_status status_of_current_xapian_error()
{
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &) {
        return REF_EDB_LOCKED;
    } catch (const Xapian::DatabaseVersionError &) {
        return REF_EDB_VERSION;
    } catch (const Xapian::DatabaseNotFoundError &) {
        return REF_EDB_NOTFOUND;
    } catch (const Xapian::DatabaseOpeningError &) {
        return REF_EDB_NOTFOUND;
    } catch (const Xapian::DatabaseModifiedError &) {
        return REF_EDB_MODIFIED;
    } catch (const Xapian::DatabaseCorruptError &) {
        return REF_EDB_CORRUPT;
    } catch (const Xapian::NetworkError &) {
        return REF_ESHARD;
    } catch (const Xapian::WildcardError &) {
        return REF_EQUERY;
    } catch (const Xapian::InvalidArgumentError &) {
        return REF_EINVAL;
    } catch (const Xapian::Error &) {
        return REF_EDB;
    }
}

// Run FN; map any exception to a status and store its message in *MSG.
template <typename Fn> ref_status guard(std::string *msg, Fn fn) noexcept
{
    try {
        fn();
        return REF_OK;
    } catch (const Xapian::Error &e) {
        if (msg) {
            try {
                *msg = e.get_description();
            } catch (...) {
            }
        }
        return status_of_current_xapian_error();
    } catch (const std::bad_alloc &) {
        if (msg)
            msg->clear();
        return REF_ENOMEM;
    } catch (const std::exception &e) {
        if (msg) {
            try {
                *msg = e.what();
            } catch (...) {
            }
        }
        return REF_EINTERNAL;
    } catch (...) {
        return REF_EINTERNAL;
    }
}

// Set a handle's message without throwing (the message is lost when even
// that cannot be allocated; the status still says what happened).
void set_errmsg(std::string *msg, const char *text) noexcept
{
    try {
        *msg = text;
    } catch (...) {
        msg->clear();
    }
}

char *dup_cstr(const std::string &s)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (p)
        std::memcpy(p, s.c_str(), s.size() + 1);
    return p;
}

Xapian::Query::op xop(ref_xop op)
{
    switch (op) {
    case REF_XOP_AND:
        return Xapian::Query::OP_AND;
    case REF_XOP_OR:
        return Xapian::Query::OP_OR;
    case REF_XOP_AND_NOT:
        return Xapian::Query::OP_AND_NOT;
    case REF_XOP_FILTER:
        return Xapian::Query::OP_FILTER;
    case REF_XOP_AND_MAYBE:
        return Xapian::Query::OP_AND_MAYBE;
    case REF_XOP_PHRASE:
        return Xapian::Query::OP_PHRASE;
    case REF_XOP_NEAR:
        return Xapian::Query::OP_NEAR;
    case REF_XOP_SYNONYM:
        return Xapian::Query::OP_SYNONYM;
    }
    return Xapian::Query::OP_AND;
}

// Add a node built by FN to Q's arena; -1 (and a sticky error) on failure.
template <typename Fn> int add_node(ref_xquery *q, Fn fn, NodeRecipe recipe = NodeRecipe()) noexcept
{
    if (!q || q->status != REF_OK)
        return -1;
    int id = -1;
    ref_status st = guard(&q->errmsg, [&] {
        q->nodes.push_back(fn());
        q->recipes.push_back(recipe);
        id = static_cast<int>(q->nodes.size() - 1);
    });
    if (st != REF_OK) {
        q->status = st;
        return -1;
    }
    return id;
}

// add_node with a recipe that MAKE builds: building it allocates, so it is
// built under the guard too (a std::bad_alloc from an argument built at the
// call site once escaped into C: tests/fault/, query).
template <typename Fn, typename Make> int add_node_made(ref_xquery *q, Fn fn, Make make) noexcept
{
    if (!q || q->status != REF_OK)
        return -1;
    NodeRecipe recipe;
    ref_status st = guard(&q->errmsg, [&] { recipe = make(); });
    if (st != REF_OK) {
        q->status = st;
        return -1;
    }
    return add_node(q, fn, std::move(recipe));
}

NodeRecipe op_recipe(ref_xop op, const int *children, size_t n, uint32_t window)
{
    NodeRecipe r;
    r.kind = NodeRecipe::OP;
    r.op = xop(op);
    r.children.assign(children, children + n);
    if (op == REF_XOP_PHRASE || op == REF_XOP_NEAR)
        r.window = window ? window : static_cast<Xapian::termcount>(n);
    return r;
}

NodeRecipe scale_recipe(int child, double factor)
{
    NodeRecipe r;
    r.kind = NodeRecipe::SCALE;
    r.children.push_back(child);
    r.factor = factor;
    return r;
}

// The terms starting with PREFIX over all of DB, as one synonym: every one,
// or the MAX most frequent (ties in term order), like Xapian's
// WILDCARD_LIMIT_MOST_FREQUENT but with frequencies summed over shards.
Xapian::Query expand_wildcard(Xapian::Database &db, const std::string &prefix, uint32_t max)
{
    std::vector<std::pair<Xapian::doccount, std::string>> terms;
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it)
        terms.emplace_back(it.get_termfreq(), *it);
    if (max && terms.size() > max) {
        std::stable_sort(terms.begin(), terms.end(),
                         [](const std::pair<Xapian::doccount, std::string> &a,
                            const std::pair<Xapian::doccount, std::string> &b) {
                             return a.first > b.first;
                         });
        terms.resize(max);
        std::sort(terms.begin(), terms.end(),
                  [](const std::pair<Xapian::doccount, std::string> &a,
                     const std::pair<Xapian::doccount, std::string> &b) {
                      return a.second < b.second;
                  });
    }
    if (terms.empty())
        return Xapian::Query(Xapian::Query::MatchNothing);
    std::vector<Xapian::Query> subs;
    subs.reserve(terms.size());
    for (const auto &t : terms)
        subs.emplace_back(t.second);
    return Xapian::Query(Xapian::Query::OP_SYNONYM, subs.begin(), subs.end());
}

// Node ID of Q built again with its wildcards expanded over DB (BUILT
// memoises nodes already rebuilt).
Xapian::Query rebuild(Xapian::Database &db, const ref_xquery *q, int id,
                      std::map<int, Xapian::Query> *built)
{
    auto done = built->find(id);
    if (done != built->end())
        return done->second;
    const NodeRecipe &r = q->recipes[static_cast<size_t>(id)];
    Xapian::Query out;
    switch (r.kind) {
    case NodeRecipe::AS_BUILT:
        out = q->nodes[static_cast<size_t>(id)];
        break;
    case NodeRecipe::OP: {
        std::vector<Xapian::Query> subs;
        for (int c : r.children)
            subs.push_back(rebuild(db, q, c, built));
        out = Xapian::Query(r.op, subs.begin(), subs.end(), r.window);
        break;
    }
    case NodeRecipe::SCALE:
        out = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, rebuild(db, q, r.children[0], built),
                            r.factor);
        break;
    case NodeRecipe::WILDCARD:
        out = expand_wildcard(db, r.prefix, r.max_expansion);
        break;
    }
    built->emplace(id, out);
    return out;
}

bool valid_node(const ref_xquery *q, int id)
{
    return id >= 0 && static_cast<size_t>(id) < q->nodes.size();
}

// Run the write FN inside the pending transaction. A failure, whatever it
// is (a Xapian::Error, std::bad_alloc half-way through a replace), leaves
// the batch incomplete: discard it now, and refuse further writes and the
// commit, so nothing of it ever becomes visible.
template <typename Fn> ref_status write_op(ref_xdb *db, Fn fn) noexcept
{
    if (db->write_failed != REF_OK) {
        set_errmsg(&db->errmsg, "an earlier write failed; its batch was discarded");
        return db->write_failed;
    }
    ref_status st = guard(&db->errmsg, fn);
    if (st != REF_OK) {
        db->write_failed = st;
        std::string ignored;
        guard(&ignored, [&] { db->wdb->cancel_transaction(); });
    }
    return st;
}

// --- one policy for reading ------------------------------------------------

// A reader that finds the revision it reads recycled by a writer's commits
// (DatabaseModifiedError, or, seen rarely while opening, a
// DatabaseCorruptError from half-read tables) reopens at the newest
// revision and tries again. One retry is not enough while an indexer
// commits every few files and a search reads thousands of hits
// (tests/e2e_concurrency.py); each retry starts from a fresh revision, so a
// few almost always suffice. A truly corrupt database fails every time.
const int READ_RETRIES = 20;

// Missing shards are tried again at most this often, so that a shard that
// is down does not cost every request a connection attempt.
const std::chrono::milliseconds RECONNECT_EVERY(1000);

// Xapian's own default for remote reads (10 s) when --shard-timeout is not set.
const unsigned DEFAULT_SHARD_TIMEOUT_MS = 10000;

unsigned shard_timeout(const ref_xdb *x)
{
    return x->opts.timeout_ms ? x->opts.timeout_ms : DEFAULT_SHARD_TIMEOUT_MS;
}

// Open SHARD's database. A remote read may take 3/4 of the timeout: the
// last quarter is left for finding out which shard failed (probe_shards).
void open_shard(const ref_xdb *x, Shard &shard)
{
    if (shard.remote) {
        unsigned t = shard_timeout(x);
        shard.db.reset(new Xapian::Database(
            Xapian::Remote::open(shard.host, shard.port, t - t / 4, t - t / 4)));
    } else {
        shard.db.reset(new Xapian::Database(shard.path));
    }
}

// Combine the present shards into X->db.
void combine(ref_xdb *x)
{
    std::unique_ptr<Xapian::Database> all(new Xapian::Database());
    for (const Shard &s : x->shards)
        if (s.db)
            all->add_database(*s.db);
    delete x->db;
    x->db = all.release();
    x->missing.clear();
    for (const Shard &s : x->shards)
        if (!s.db)
            x->missing += s.name + "\n";
}

size_t present_shards(const ref_xdb *x)
{
    size_t n = 0;
    for (const Shard &s : x->shards)
        n += s.db != nullptr;
    return n;
}

// Open SHARD under the retry policy; on failure leave it missing with the
// reason in shard.error and return the status.
ref_status open_with_retries(ref_xdb *x, Shard &shard)
{
    std::string msg;
    ref_status st = REF_OK;
    for (int attempt = 0; attempt <= READ_RETRIES; attempt++) {
        st = guard(&msg, [&] { open_shard(x, shard); });
        if (st != REF_EDB_MODIFIED && st != REF_EDB_CORRUPT)
            break;
    }
    if (st != REF_OK) {
        shard.db.reset();
        shard.error = msg;
    }
    return st;
}

// Try the missing shards again (not more often than RECONNECT_EVERY); the
// server keeps serving when a shard comes back.
void reconnect_missing(ref_xdb *x)
{
    if (x->wdb || present_shards(x) == x->shards.size())
        return;
    auto now = std::chrono::steady_clock::now();
    if (now - x->last_reconnect < RECONNECT_EVERY)
        return;
    x->last_reconnect = now;
    bool back = false;
    for (Shard &s : x->shards)
        if (!s.db && open_with_retries(x, s) == REF_OK)
            back = true;
    if (back) {
        std::string ignored;
        guard(&ignored, [&] { combine(x); });
    }
}

// After a network error: which remote shards fail to answer a fresh
// connection (a quarter of the timeout)? They become missing and their
// names go into *WHO. Returns how many.
size_t probe_shards(ref_xdb *x, std::string *who)
{
    size_t lost = 0;
    unsigned t = shard_timeout(x) / 4;
    for (Shard &s : x->shards) {
        if (!s.remote || !s.db)
            continue;
        std::string msg;
        ref_status st = guard(&msg, [&] {
            Xapian::Database probe = Xapian::Remote::open(s.host, s.port, t ? t : 1, t ? t : 1);
            probe.keep_alive();
        });
        if (st == REF_OK)
            continue;
        // The old connection is broken whatever happens next: drop it.
        s.db.reset();
        s.error = msg;
        if (!who->empty())
            *who += "; ";
        *who += "shard " + s.name + ": " + msg;
        lost++;
    }
    if (lost) {
        std::string ignored;
        guard(&ignored, [&] { combine(x); });
        x->last_reconnect = std::chrono::steady_clock::now();
    }
    return lost;
}

// The error for missing shards: each named with why it is missing.
ref_status missing_error(ref_xdb *x)
{
    x->errmsg.clear();
    for (const Shard &s : x->shards) {
        if (s.db)
            continue;
        if (!x->errmsg.empty())
            x->errmsg += "; ";
        x->errmsg += "shard " + s.name + ": " + s.error;
    }
    return REF_ESHARD;
}

// Run FN (which reads X->db) under the one read policy: reconnect missing
// shards, retry on a recycled revision, and when a shard fails, name it and,
// with allow_partial, go on without it. Without allow_partial a shard that
// is still missing fails every call until it is back.
template <typename Fn> ref_status read_policy(ref_xdb *x, Fn fn) noexcept
{
    try {
        if (!x->wdb)
            reconnect_missing(x);
        ref_status st = REF_OK;
        for (int attempt = 0;; attempt++) {
            size_t present = present_shards(x);
            if (!x->wdb && present < x->shards.size() && (!x->opts.allow_partial || !present))
                return missing_error(x);
            st = guard(&x->errmsg, fn);
            if (st == REF_EDB_MODIFIED && attempt < READ_RETRIES) {
                guard(&x->errmsg, [&] { x->db->reopen(); });
                continue;
            }
            if (st == REF_ESHARD && !x->wdb) {
                std::string who;
                if (probe_shards(x, &who) == 0)
                    return st;
                if (x->opts.allow_partial && present_shards(x) > 0 && attempt < READ_RETRIES)
                    continue;
                x->errmsg = who;
            }
            return st;
        }
    } catch (...) {
        // Only our own messages can throw here (bad_alloc): FN is guarded.
        return REF_ENOMEM;
    }
}

// --- stub files ------------------------------------------------------------

// A stub database file (Xapian's format) is text: one shard per line,
// "auto PATH", "glass PATH" or "remote HOST:PORT"; blank lines and "#"
// comments are skipped; a relative PATH is relative to the stub's folder.
// A Xapian database (a folder, or a single file, which is binary) is not.
bool is_stub_file(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    char head[64];
    in.read(head, sizeof head);
    std::streamsize n = in.gcount();
    if (n <= 0)
        return false;
    for (std::streamsize i = 0; i < n; i++) {
        unsigned char c = static_cast<unsigned char>(head[i]);
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
            return false;
    }
    return true;
}

// Parse the stub at PATH into SHARDS; a line we cannot read is an error
// naming the file and line (in *MSG). DEPTH bounds stubs listing stubs.
ref_status parse_stub(const std::string &path, int depth, std::vector<Shard> *shards,
                      std::string *msg)
{
    std::ifstream in(path);
    if (!in) {
        *msg = path + ": cannot read the stub file";
        return REF_EDB_NOTFOUND;
    }
    std::string dir;
    size_t slash = path.rfind('/');
    if (slash != std::string::npos)
        dir = path.substr(0, slash + 1);
    std::string line;
    for (unsigned lineno = 1; std::getline(in, line); lineno++) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        size_t start = line.find_first_not_of(" \t");
        if (start == std::string::npos || line[start] == '#')
            continue;
        size_t sp = line.find_first_of(" \t", start);
        std::string kind = line.substr(start, sp == std::string::npos ? sp : sp - start);
        size_t arg_at = sp == std::string::npos ? sp : line.find_first_not_of(" \t", sp);
        std::string arg = arg_at == std::string::npos ? "" : line.substr(arg_at);
        while (!arg.empty() && (arg.back() == ' ' || arg.back() == '\t'))
            arg.pop_back();
        std::string where = path + ":" + std::to_string(lineno) + ": ";
        if (arg.empty()) {
            *msg = where + "\"" + kind + "\" needs a path or HOST:PORT";
            return REF_EINVAL;
        }
        Shard s;
        if (kind == "remote") {
            size_t colon = arg.rfind(':');
            char *end = nullptr;
            unsigned long port =
                colon == std::string::npos ? 0 : std::strtoul(arg.c_str() + colon + 1, &end, 10);
            if (colon == std::string::npos || colon == 0 || !end || *end || port == 0 ||
                port > 65535) {
                *msg = where + "expected \"remote HOST:PORT\" (a program after \"::\" is not supported), got \"" + arg + "\"";
                return REF_EINVAL;
            }
            s.remote = true;
            s.host = arg.substr(0, colon);
            s.port = static_cast<unsigned>(port);
            s.name = "remote " + arg;
            shards->push_back(std::move(s));
        } else if (kind == "auto" || kind == "glass") {
            std::string p = arg[0] == '/' ? arg : dir + arg;
            if (kind == "auto" && is_stub_file(p)) {
                if (depth >= 8) {
                    *msg = where + "stub files nest too deeply";
                    return REF_EINVAL;
                }
                ref_status st = parse_stub(p, depth + 1, shards, msg);
                if (st != REF_OK)
                    return st;
                continue;
            }
            s.path = p;
            s.name = p;
            shards->push_back(std::move(s));
        } else {
            *msg = where + "unknown shard type \"" + kind + "\" (expected auto, glass or remote)";
            return REF_EINVAL;
        }
    }
    if (shards->empty()) {
        *msg = path + ": the stub file lists no database";
        return REF_EINVAL;
    }
    return REF_OK;
}

} // namespace

extern "C" {

ref_status ref_xdb_open_shards(const char *const *paths, size_t npaths,
                               const ref_xdb_shard_opts *opts, ref_xdb **out, char **errmsg)
{
    if (errmsg)
        *errmsg = nullptr;
    if (!out)
        return REF_EINVAL;
    *out = nullptr;
    if (!paths || npaths == 0)
        return REF_EINVAL;
    std::unique_ptr<ref_xdb> db(new (std::nothrow) ref_xdb());
    if (!db)
        return REF_ENOMEM;
    if (opts)
        db->opts = *opts;
    std::string msg;
    ref_status parsed = REF_OK;
    ref_status st = guard(&msg, [&] {
        for (size_t i = 0; i < npaths && parsed == REF_OK; i++) {
            if (!paths[i])
                throw Xapian::InvalidArgumentError("no database path");
            if (is_stub_file(paths[i])) {
                parsed = parse_stub(paths[i], 0, &db->shards, &msg);
            } else {
                Shard s;
                s.path = s.name = paths[i];
                db->shards.push_back(std::move(s));
            }
        }
    });
    if (st == REF_OK)
        st = parsed;
    for (size_t i = 0; st == REF_OK && i < db->shards.size(); i++) {
        Shard &s = db->shards[i];
        ref_status one = open_with_retries(db.get(), s);
        if (one == REF_OK)
            continue;
        // Only a shard that did not answer may be left out: a local
        // database that is absent or corrupt is a mistake to report.
        if (db->opts.allow_partial && one == REF_ESHARD)
            continue;
        st = one;
        msg = db->shards.size() > 1 || s.remote ? "shard " + s.name + ": " + s.error : s.error;
    }
    if (st == REF_OK && present_shards(db.get()) == 0) {
        st = REF_ESHARD;
        msg = "no shard answers";
        for (const Shard &s : db->shards)
            msg += "; shard " + s.name + ": " + s.error;
    }
    if (st == REF_OK)
        st = guard(&msg, [&] { combine(db.get()); });
    if (st != REF_OK) {
        if (errmsg)
            *errmsg = dup_cstr(msg);
        return st;
    }
    db->last_reconnect = std::chrono::steady_clock::now();
    *out = db.release();
    return REF_OK;
}

ref_status ref_xdb_open(const char *path, ref_xdb_mode mode, ref_xdb **out, char **errmsg)
{
    if (mode == REF_XDB_READ)
        return ref_xdb_open_shards(&path, 1, nullptr, out, errmsg);
    if (errmsg)
        *errmsg = nullptr;
    if (!out)
        return REF_EINVAL;
    *out = nullptr;
    if (!path)
        return REF_EINVAL;
    ref_xdb *db = new (std::nothrow) ref_xdb();
    if (!db)
        return REF_ENOMEM;
    std::string msg;
    ref_status st = guard(&msg, [&] {
        db->wdb = new Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
        db->db = db->wdb;
        db->wdb->begin_transaction(true);
    });
    if (st != REF_OK) {
        if (errmsg)
            *errmsg = dup_cstr(msg);
        delete db;
        return st;
    }
    *out = db;
    return REF_OK;
}

const char *ref_xdb_version(void) { return Xapian::version_string(); }

const char *ref_xdb_missing_shards(const ref_xdb *db) { return db ? db->missing.c_str() : ""; }

void ref_xdb_close(ref_xdb *db)
{
    if (!db)
        return;
    // What was not committed is discarded, never committed here: a run
    // that ends in an error (or is killed) leaves the last commit as it was,
    // and its rerun starts from there (tests/fault/, index).
    std::string ignored;
    if (db->wdb)
        guard(&ignored, [&] {
            if (db->write_failed == REF_OK)
                db->wdb->cancel_transaction();
        });
    guard(&ignored, [&] {
        delete db->db;
        db->shards.clear();
    });
    delete db;
}

const char *ref_xdb_errmsg(const ref_xdb *db) { return db ? db->errmsg.c_str() : ""; }

ref_status ref_xdb_reopen(ref_xdb *db)
{
    if (!db)
        return REF_EINVAL;
    return read_policy(db, [&] { db->db->reopen(); });
}
ref_status ref_xdb_doccount(ref_xdb *db, uint32_t *count)
{
    if (!db || !count)
        return REF_EINVAL;
    return read_policy(db, [&] { *count = db->db->get_doccount(); });
}

ref_status ref_xdb_termfreq(ref_xdb *db, const char *term, uint32_t *freq)
{
    if (!db || !term || !freq)
        return REF_EINVAL;
    return read_policy(db, [&] { *freq = db->db->get_termfreq(term); });
}

ref_status ref_xdoc_new(ref_xdoc **out)
{
    if (!out)
        return REF_EINVAL;
    *out = new (std::nothrow) ref_xdoc;
    return *out ? REF_OK : REF_ENOMEM;
}

void ref_xdoc_free(ref_xdoc *doc) { delete doc; }

ref_status ref_xdoc_add_posting(ref_xdoc *doc, const char *term, uint32_t pos, uint32_t wdf_inc)
{
    if (!doc || !term || !*term)
        return REF_EINVAL;
    return guard(nullptr, [&] { doc->doc.add_posting(term, pos, wdf_inc); });
}

ref_status ref_xdoc_add_term(ref_xdoc *doc, const char *term, uint32_t wdf_inc)
{
    if (!doc || !term || !*term)
        return REF_EINVAL;
    return guard(nullptr, [&] {
        if (wdf_inc == 0)
            doc->doc.add_boolean_term(term);
        else
            doc->doc.add_term(term, wdf_inc);
    });
}

ref_status ref_xdoc_set_value(ref_xdoc *doc, unsigned slot, const void *bytes, size_t len)
{
    if (!doc || (!bytes && len))
        return REF_EINVAL;
    return guard(nullptr, [&] {
        doc->doc.add_value(slot, std::string(static_cast<const char *>(bytes), len));
    });
}

ref_status ref_xdoc_set_data(ref_xdoc *doc, const void *bytes, size_t len)
{
    if (!doc || (!bytes && len))
        return REF_EINVAL;
    return guard(nullptr, [&] {
        doc->doc.set_data(std::string(static_cast<const char *>(bytes), len));
    });
}

static ref_status need_writer(ref_xdb *db)
{
    if (!db)
        return REF_EINVAL;
    if (!db->wdb) {
        set_errmsg(&db->errmsg, "database is open read-only");
        return REF_EINVAL;
    }
    return REF_OK;
}

ref_status ref_xdb_replace(ref_xdb *db, const char *unique_term, const ref_xdoc *doc)
{
    ref_status st = need_writer(db);
    if (st != REF_OK)
        return st;
    if (!unique_term || !*unique_term || !doc)
        return REF_EINVAL;
    return write_op(db, [&] { db->wdb->replace_document(unique_term, doc->doc); });
}

ref_status ref_xdb_add(ref_xdb *db, const ref_xdoc *doc)
{
    ref_status st = need_writer(db);
    if (st != REF_OK)
        return st;
    if (!doc)
        return REF_EINVAL;
    return write_op(db, [&] { db->wdb->add_document(doc->doc); });
}

ref_status ref_xdb_delete_by_term(ref_xdb *db, const char *term)
{
    ref_status st = need_writer(db);
    if (st != REF_OK)
        return st;
    if (!term || !*term)
        return REF_EINVAL;
    return write_op(db, [&] { db->wdb->delete_document(term); });
}

ref_status ref_xdb_commit(ref_xdb *db)
{
    ref_status st = need_writer(db);
    if (st != REF_OK)
        return st;
    // The batch commits as one, then the next one begins. When the commit
    // fails (a full disk), Xapian has ended the transaction and the batch is
    // not committed; the handle takes no more writes.
    return write_op(db, [&] {
        db->wdb->commit_transaction();
        db->wdb->begin_transaction(true);
    });
}

ref_status ref_xdb_set_metadata(ref_xdb *db, const char *key, const char *value)
{
    ref_status st = need_writer(db);
    if (st != REF_OK)
        return st;
    if (!key || !*key || !value)
        return REF_EINVAL;
    return write_op(db, [&] { db->wdb->set_metadata(key, value); });
}

ref_status ref_xdb_get_metadata(ref_xdb *db, const char *key, char **value)
{
    if (!db || !key || !*key || !value)
        return REF_EINVAL;
    *value = nullptr;
    std::string v;
    ref_status st = read_policy(db, [&] { v = db->db->get_metadata(key); });
    if (st != REF_OK)
        return st;
    *value = dup_cstr(v);
    return *value ? REF_OK : REF_ENOMEM;
}

ref_status ref_xdb_metadata_walk(ref_xdb *db, const char *prefix, ref_xdb_kv_fn fn, void *ctx)
{
    if (!db || !prefix || !fn)
        return REF_EINVAL;
    // Collect first: FN may write metadata, which must not disturb the walk.
    std::vector<std::pair<std::string, std::string>> kv;
    ref_status st = read_policy(db, [&] {
        kv.clear();
        for (auto it = db->db->metadata_keys_begin(prefix); it != db->db->metadata_keys_end(prefix);
             ++it)
            kv.emplace_back(*it, db->db->get_metadata(*it));
    });
    if (st != REF_OK)
        return st;
    for (const auto &p : kv)
        if (fn(ctx, p.first.c_str(), p.second.c_str()))
            break;
    return REF_OK;
}

ref_status ref_xdb_term_walk(ref_xdb *db, const char *prefix, ref_xdb_term_fn fn, void *ctx)
{
    if (!db || !prefix || !fn)
        return REF_EINVAL;
    return guard(&db->errmsg, [&] {
        for (auto it = db->db->allterms_begin(prefix); it != db->db->allterms_end(prefix); ++it) {
            std::string t = *it;
            if (fn(ctx, t.c_str(), it.get_termfreq()))
                break;
        }
    });
}

ref_status ref_xdb_add_spelling(ref_xdb *db, const char *word, uint32_t freq)
{
    ref_status st = need_writer(db);
    if (st != REF_OK)
        return st;
    if (!word || !*word)
        return REF_EINVAL;
    return write_op(db, [&] { db->wdb->add_spelling(word, freq ? freq : 1); });
}

ref_status ref_xdb_spelling_suggestion(ref_xdb *db, const char *word, unsigned max_edit,
                                       char **out)
{
    if (!db || !word || !out)
        return REF_EINVAL;
    *out = nullptr;
    std::string s;
    ref_status st = read_policy(db, [&] {
        s = db->db->get_spelling_suggestion(word, max_edit ? max_edit : 2);
    });
    if (st != REF_OK || s.empty())
        return st;
    *out = dup_cstr(s);
    return *out ? REF_OK : REF_ENOMEM;
}

ref_status ref_xquery_new(ref_xquery **out)
{
    if (!out)
        return REF_EINVAL;
    *out = new (std::nothrow) ref_xquery;
    return *out ? REF_OK : REF_ENOMEM;
}

void ref_xquery_free(ref_xquery *q) { delete q; }

int ref_xquery_term(ref_xquery *q, const char *term, uint32_t wqf)
{
    if (!term || !*term)
        return add_node(q, [] { return Xapian::Query(Xapian::Query::MatchNothing); });
    return add_node(q, [&] { return Xapian::Query(term, wqf ? wqf : 1); });
}

int ref_xquery_op(ref_xquery *q, ref_xop op, const int *children, size_t n, uint32_t window)
{
    // A failed builder keeps its first error: check before the children,
    // which are often the -1 of that failure (test_sticky_error_keeps_the_first_message).
    if (!q || q->status != REF_OK)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!valid_node(q, children[i])) {
            q->status = REF_EINVAL;
            set_errmsg(&q->errmsg, "invalid query node");
            return -1;
        }
    }
    return add_node_made(q, [&] {
        std::vector<Xapian::Query> subs;
        subs.reserve(n);
        for (size_t i = 0; i < n; i++)
            subs.push_back(q->nodes[static_cast<size_t>(children[i])]);
        // Xapian rejects a window on operators other than PHRASE and NEAR.
        Xapian::termcount w = 0;
        if (op == REF_XOP_PHRASE || op == REF_XOP_NEAR)
            w = window ? window : static_cast<Xapian::termcount>(n);
        return Xapian::Query(xop(op), subs.begin(), subs.end(), w);
    }, [&] { return op_recipe(op, children, n, window); });
}

int ref_xquery_scale(ref_xquery *q, int child, double factor)
{
    if (!q || q->status != REF_OK)
        return -1;
    if (!valid_node(q, child)) {
        q->status = REF_EINVAL;
        set_errmsg(&q->errmsg, "invalid query node");
        return -1;
    }
    return add_node_made(q, [&] {
        return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->nodes[static_cast<size_t>(child)],
                             factor);
    }, [&] { return scale_recipe(child, factor); });
}

int ref_xquery_value_range(ref_xquery *q, unsigned slot, const char *lo, const char *hi)
{
    return add_node(q, [&] {
        if (lo && hi)
            return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi);
        if (lo)
            return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo);
        if (hi)
            return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi);
        return Xapian::Query(Xapian::Query::MatchAll);
    });
}

int ref_xquery_wildcard(ref_xquery *q, const char *prefix, uint32_t max_expansion)
{
    if (!prefix || !*prefix)
        return add_node(q, [] { return Xapian::Query(Xapian::Query::MatchNothing); });
    // Xapian documents max_expansion 0 as "no limit", but with
    // WILDCARD_LIMIT_MOST_FREQUENT (1.4.22) it expands to nothing; an
    // unlimited expansion needs another limit type
    // (test_wildcard_expands_most_frequent).
    int limit_type = max_expansion ? Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT
                                   : Xapian::Query::WILDCARD_LIMIT_FIRST;
    NodeRecipe recipe;
    recipe.kind = NodeRecipe::WILDCARD;
    recipe.prefix = prefix;
    recipe.max_expansion = max_expansion;
    int id = add_node(q, [&] {
        return Xapian::Query(Xapian::Query::OP_WILDCARD, prefix, max_expansion, limit_type,
                             Xapian::Query::OP_SYNONYM);
    }, recipe);
    if (id >= 0)
        q->has_wildcard = true;
    return id;
}

int ref_xquery_match_all(ref_xquery *q)
{
    return add_node(q, [] { return Xapian::Query(Xapian::Query::MatchAll); });
}

int ref_xquery_match_nothing(ref_xquery *q)
{
    return add_node(q, [] { return Xapian::Query(Xapian::Query::MatchNothing); });
}

char *ref_xquery_describe(ref_xquery *q, int node)
{
    if (!q || !valid_node(q, node))
        return nullptr;
    std::string s;
    if (guard(nullptr, [&] { s = q->nodes[static_cast<size_t>(node)].get_description(); }) !=
        REF_OK)
        return nullptr;
    return dup_cstr(s);
}

namespace {

// The documents of QUERY that hold every term of at least one clause of
// GROUP, counted by a second query: a match spy of our own cannot run on a
// remote shard (xapian-tcpsrv knows only its built-in ones), a query can.
// The time left of a search's budget, for Enquire::set_time_limit (which
// stops Xapian's counting of matches beyond the page when it runs out).
struct Budget {
    std::chrono::steady_clock::time_point deadline;
    bool limited = false;
    // Xapian 1.4's Enquire::set_time_limit crashes (SIGSEGV inside
    // get_mset) when the limit expires in a match that spans remote shards
    // (seen with a 1 ms budget over two xapian-tcpsrv shards,
    // tests/e2e_shards.py). Over remote shards the budget is therefore
    // checked between the matches (spent()), and a remote match itself is
    // bounded by --shard-timeout.
    bool xapian_limit = false;

    Budget(unsigned ms, bool any_remote)
        : deadline(std::chrono::steady_clock::now() + std::chrono::milliseconds(ms)),
          limited(ms != 0), xapian_limit(ms != 0 && !any_remote)
    {
    }
    void apply(Xapian::Enquire &enquire) const
    {
        if (!xapian_limit)
            return;
        std::chrono::duration<double> left = deadline - std::chrono::steady_clock::now();
        enquire.set_time_limit(std::max(left.count(), 0.001));
    }
    // Counts taken after the deadline may be cut short: they must not be
    // shown as if whole.
    bool spent() const { return limited && std::chrono::steady_clock::now() >= deadline; }
};

// Thrown (and caught in ref_xdb_search) when a search is over its budget
// or its bounds; carries the status and message.
struct Refused {
    ref_status status;
    std::string message;
};

Xapian::doccount count_group(Xapian::Database &db, const Xapian::Query &query,
                             const ref_xterm_group &group, const Budget &budget)
{
    std::vector<Xapian::Query> clauses;
    for (size_t c = 0; c < group.nclauses; c++) {
        std::vector<Xapian::Query> terms;
        for (size_t t = c ? group.clause_ends[c - 1] : 0; t < group.clause_ends[c]; t++)
            terms.emplace_back(group.terms[t]);
        if (!terms.empty())
            clauses.emplace_back(Xapian::Query::OP_AND, terms.begin(), terms.end());
    }
    if (clauses.empty())
        return 0;
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query,
                                    Xapian::Query(Xapian::Query::OP_OR, clauses.begin(),
                                                  clauses.end())));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    budget.apply(enquire);
    // Checking every document makes the estimate the exact count.
    return enquire.get_mset(0, 0, db.get_doccount()).get_matches_estimated();
}

// A query of more than MAX terms (0: no bound), wildcards expanded, is
// refused before it runs: each term is a posting list to read.
void check_terms(const Xapian::Query &query, unsigned max)
{
    if (!max)
        return;
    unsigned n = 0;
    for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end() && n <= max;
         ++t)
        n++;
    if (n > max)
        throw Refused{REF_EQUERY, "the query has more than " + std::to_string(max) +
                                      " words (wildcards counted as the words they match): "
                                      "search for fewer"};
}

// Count the facets of QUERY (value slots, term groups) and its exact
// number of matches into R and *TOTAL, in a match of their own that asks
// for no hits (maxitems 0) but checks every document. Xapian 1.4 miscounts
// a ValueCountMatchSpy spread over two or more remote shards when the match
// also returns a page smaller than the result (seen: a value counted twice;
// tests/e2e_shards.py), so the spies never ride on the page's match. Over
// remote shards Xapian sends each count query to all of them at once.
void count_facets(ref_xdb *x, const Xapian::Query &query, const ref_xsearch_opts *opts,
                  ref_xresults *r, Xapian::doccount *total, const Budget &budget)
{
    Xapian::Database *part = x->db; // all present shards as one
    r->slot_counts.assign(opts->ncount_slots, std::map<std::string, uint32_t>());
    r->group_counts.assign(opts->ngroups, 0);
    *total = 0;
    {
        Xapian::Enquire enquire(*part);
        enquire.set_query(query);
        enquire.set_weighting_scheme(Xapian::BoolWeight());
        std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
        for (size_t i = 0; i < opts->ncount_slots; i++) {
            spies.emplace_back(new Xapian::ValueCountMatchSpy(opts->count_slots[i]));
            enquire.add_matchspy(spies.back().get());
        }
        // Checking every document makes the estimate the exact count.
        budget.apply(enquire);
        *total += enquire.get_mset(0, 0, part->get_doccount()).get_matches_estimated();
        for (size_t i = 0; i < spies.size(); i++)
            for (auto v = spies[i]->values_begin(); v != spies[i]->values_end(); ++v)
                r->slot_counts[i][*v] += static_cast<uint32_t>(v.get_termfreq());
        for (size_t g = 0; g < opts->ngroups && !budget.spent(); g++)
            r->group_counts[g] += count_group(*part, query, opts->groups[g], budget);
        if (budget.spent())
            throw Refused{REF_EBUDGET, "the search took longer than its time budget"};
    }
}

} // namespace

ref_status ref_xdb_search(ref_xdb *db, ref_xquery *q, int root, const ref_xsearch_opts *opts,
                          ref_xresults **out)
{
    if (!out)
        return REF_EINVAL;
    *out = nullptr;
    if (!db || !q || !opts)
        return REF_EINVAL;
    if (q->status != REF_OK) {
        set_errmsg(&db->errmsg, q->errmsg.c_str());
        return q->status;
    }
    if (!valid_node(q, root))
        return REF_EINVAL;
    ref_xresults *r = new (std::nothrow) ref_xresults;
    if (!r)
        return REF_ENOMEM;
    // Over budget or bounds: a status of its own, not a database error.
    Refused refused{REF_OK, std::string()};
    bool any_remote = false;
    for (const Shard &s : db->shards)
        any_remote = any_remote || s.remote;
    const Budget budget(db->opts.budget_ms, any_remote);
    ref_status st = read_policy(db, [&] {
        try {
            r->slot_counts.clear();
            r->hits.clear();
            r->data.clear();
            Xapian::Query query = q->nodes[static_cast<size_t>(root)];
            if (q->has_wildcard) {
                std::map<int, Xapian::Query> built;
                query = rebuild(*db->db, q, root, &built);
            }
            check_terms(query, db->opts.max_terms);
            Xapian::Enquire enquire(*db->db);
            enquire.set_query(query);
            enquire.set_weighting_scheme(Xapian::BM25Weight());
            // Sort by one value, never by a KeyMaker (which a remote shard cannot
            // run): the caller's slot holds everything the order needs. Ties
            // are broken by a value too, not by document id, which differs
            // between one database and shards of it.
            switch (opts->sort) {
            case REF_XSORT_RELEVANCE:
                if (opts->tie_slot1)
                    enquire.set_sort_by_relevance_then_value(opts->tie_slot1 - 1, false);
                break;
            case REF_XSORT_VALUE_ASC:
            case REF_XSORT_VALUE_DESC:
                enquire.set_sort_by_value_then_relevance(opts->sort_slot,
                                                         opts->sort == REF_XSORT_VALUE_DESC);
                break;
            }
            const bool facets = opts->ncount_slots || opts->ngroups;
            Xapian::doccount limit = opts->limit ? opts->limit : db->db->get_doccount();
            // check_at_least makes the total exact for result sets up to
            // COUNT_EXACT_UPTO (Xapian otherwise estimates, wildly for boolean
            // queries) at a small cost. Facets count every match apart.
            const Xapian::doccount COUNT_EXACT_UPTO = 1000;
            budget.apply(enquire);
            Xapian::MSet mset = enquire.get_mset(opts->offset, limit, COUNT_EXACT_UPTO);
            Xapian::doccount exact_total = 0;
            if (facets)
                count_facets(db, query, opts, r, &exact_total, budget);
            if (budget.spent())
                throw Refused{REF_EBUDGET, "the search took longer than its time budget"};
            // A page that is not full ends the result set, so offset + size is
            // exact; an empty page past the end says nothing about the size
            // (test_paging_offset_limit_total), there Xapian's count is used.
            r->total = mset.get_matches_estimated();
            if (mset.size() > 0 && (opts->limit == 0 || mset.size() < limit))
                r->total = opts->offset + mset.size();
            if (facets)
                r->total = exact_total;
            r->data.reserve(mset.size());
            r->hits.reserve(mset.size());
            for (auto it = mset.begin(); it != mset.end(); ++it) {
                r->data.push_back(it.get_document().get_data());
                ref_xhit h;
                h.docid = *it;
                h.score = it.get_weight();
                h.rank = it.get_rank();
                h.data = nullptr;
                h.data_len = 0;
                r->hits.push_back(h);
            }
            for (size_t i = 0; i < r->hits.size(); i++) {
                r->hits[i].data = r->data[i].data();
                r->hits[i].data_len = r->data[i].size();
            }
        } catch (const Refused &e) {
            refused = e;
        }
    });
    if (st == REF_OK && refused.status != REF_OK) {
        st = refused.status;
        set_errmsg(&db->errmsg, refused.message.c_str()); /* no throw into C */
    }
    if (st != REF_OK) {
        delete r;
        return st;
    }
    *out = r;
    return REF_OK;
}

size_t ref_xresults_size(const ref_xresults *r) { return r ? r->hits.size() : 0; }

ref_status ref_xresults_slot_counts(const ref_xresults *r, size_t i, ref_xcount_fn fn, void *ctx)
{
    if (!r || !fn || i >= r->slot_counts.size())
        return REF_EINVAL;
    for (const auto &kv : r->slot_counts[i])
        if (fn(ctx, kv.first.data(), kv.first.size(), kv.second))
            break;
    return REF_OK;
}

uint32_t ref_xresults_group_count(const ref_xresults *r, size_t i)
{
    return r && i < r->group_counts.size() ? r->group_counts[i] : 0;
}

uint32_t ref_xresults_total(const ref_xresults *r) { return r ? r->total : 0; }

const ref_xhit *ref_xresults_hit(const ref_xresults *r, size_t i)
{
    return r && i < r->hits.size() ? &r->hits[i] : nullptr;
}

void ref_xresults_free(ref_xresults *r) { delete r; }

} // extern "C"

ref_status ref_xdb_compact(ref_xdb *db, const char *dst, int single_file)
{
    if (!db || !dst || !*dst)
        return REF_EINVAL;
    // FULLER packs blocks as tightly as Xapian can (the result is meant to
    // be read, or rewritten by the next indexer run). Document ids are kept
    // as they are: with one source there are no gaps worth closing, and a
    // reader's ids stay valid.
    unsigned flags = Xapian::Compactor::FULLER | Xapian::DBCOMPACT_NO_RENUMBER;
    if (single_file)
        flags |= Xapian::DBCOMPACT_SINGLE_FILE;
    return guard(&db->errmsg, [&] { db->db->compact(dst, flags); });
}
