// xdb.cc — the one C++ file: Referat's C API over Xapian (see xdb.h).
//
// Every extern "C" function runs its body through guard(), which catches
// every exception and turns it into a ref_status plus a message kept on the
// handle. Nothing here knows what the terms mean; that is fields.h's job.
#include "referat/xdb.h"

#include <xapian.h>

#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <vector>

struct ref_xdb {
    Xapian::Database *db;         // the reader, or the writer's base
    Xapian::WritableDatabase *wdb; // non-NULL when open for writing
    std::string errmsg;
    // A writer's changes since its last commit form one Xapian transaction,
    // so they land together (ref_xdb_commit) or not at all (a failed write,
    // ref_xdb_close). A failed write discards the batch at once and is
    // remembered here: the next commit reports it instead of committing
    // the rest of a batch with a hole in it.
    ref_status write_failed;
};

struct ref_xdoc {
    Xapian::Document doc;
};

struct ref_xquery {
    std::vector<Xapian::Query> nodes;
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

ref_status status_of(const Xapian::Error &e)
{
    // Xapian::Error is not polymorphic (no dynamic_cast); its get_type()
    // names the most derived class.
    static const struct {
        const char *type;
        ref_status status;
    } map[] = {
        {"DatabaseLockError", REF_EDB_LOCKED},
        {"DatabaseCorruptError", REF_EDB_CORRUPT},
        {"DatabaseVersionError", REF_EDB_VERSION},
        {"DatabaseNotFoundError", REF_EDB_NOTFOUND},
        {"DatabaseOpeningError", REF_EDB_NOTFOUND},
        {"DatabaseModifiedError", REF_EDB_MODIFIED},
        {"WildcardError", REF_EQUERY},
        {"InvalidArgumentError", REF_EINVAL},
    };
    const char *type = e.get_type();
    for (const auto &m : map)
        if (std::strcmp(type, m.type) == 0)
            return m.status;
    return REF_EDB;
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
        return status_of(e);
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
template <typename Fn> int add_node(ref_xquery *q, Fn fn) noexcept
{
    if (!q || q->status != REF_OK)
        return -1;
    int id = -1;
    ref_status st = guard(&q->errmsg, [&] {
        q->nodes.push_back(fn());
        id = static_cast<int>(q->nodes.size() - 1);
    });
    if (st != REF_OK) {
        q->status = st;
        return -1;
    }
    return id;
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

} // namespace

extern "C" {

// Read-only opens retried when a writer recycled the revision being opened.
static const int OPEN_RETRIES = 10;

ref_status ref_xdb_open(const char *path, ref_xdb_mode mode, ref_xdb **out, char **errmsg)
{
    if (errmsg)
        *errmsg = nullptr;
    if (!out)
        return REF_EINVAL;
    *out = nullptr;
    if (!path)
        return REF_EINVAL;
    ref_xdb *db = new (std::nothrow) ref_xdb{nullptr, nullptr, std::string(), REF_OK};
    if (!db)
        return REF_ENOMEM;
    std::string msg;
    ref_status st = guard(&msg, [&] {
        if (mode == REF_XDB_WRITE) {
            db->wdb = new Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
            db->db = db->wdb;
            db->wdb->begin_transaction(true);
        } else {
            db->db = new Xapian::Database(path);
        }
    });
    // A reader opening while an indexer commits can find the revision it
    // started to read already recycled (DatabaseModifiedError, or, seen
    // rarely, a DatabaseCorruptError from the half-read tables): open again,
    // from the newest revision. A truly corrupt database fails every time.
    // Pinned by tests/e2e_concurrency.py.
    for (int retry = 0; mode == REF_XDB_READ && retry < OPEN_RETRIES &&
                        (st == REF_EDB_MODIFIED || st == REF_EDB_CORRUPT);
         retry++)
        st = guard(&msg, [&] { db->db = new Xapian::Database(path); });
    if (st != REF_OK) {
        if (errmsg)
            *errmsg = dup_cstr(msg);
        delete db;
        return st;
    }
    *out = db;
    return REF_OK;
}

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
    guard(&ignored, [&] { delete db->db; });
    delete db;
}

const char *ref_xdb_errmsg(const ref_xdb *db) { return db ? db->errmsg.c_str() : ""; }

ref_status ref_xdb_reopen(ref_xdb *db)
{
    if (!db)
        return REF_EINVAL;
    return guard(&db->errmsg, [&] { db->db->reopen(); });
}

ref_status ref_xdb_doccount(ref_xdb *db, uint32_t *count)
{
    if (!db || !count)
        return REF_EINVAL;
    return guard(&db->errmsg, [&] { *count = db->db->get_doccount(); });
}

ref_status ref_xdb_termfreq(ref_xdb *db, const char *term, uint32_t *freq)
{
    if (!db || !term || !freq)
        return REF_EINVAL;
    return guard(&db->errmsg, [&] { *freq = db->db->get_termfreq(term); });
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
    ref_status st = guard(&db->errmsg, [&] { v = db->db->get_metadata(key); });
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
    ref_status st = guard(&db->errmsg, [&] {
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
    ref_status st = guard(&db->errmsg, [&] {
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
    return add_node(q, [&] {
        std::vector<Xapian::Query> subs;
        subs.reserve(n);
        for (size_t i = 0; i < n; i++)
            subs.push_back(q->nodes[static_cast<size_t>(children[i])]);
        // Xapian rejects a window on operators other than PHRASE and NEAR.
        Xapian::termcount w = 0;
        if (op == REF_XOP_PHRASE || op == REF_XOP_NEAR)
            w = window ? window : static_cast<Xapian::termcount>(n);
        return Xapian::Query(xop(op), subs.begin(), subs.end(), w);
    });
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
    return add_node(q, [&] {
        return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->nodes[static_cast<size_t>(child)],
                             factor);
    });
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
    return add_node(q, [&] {
        return Xapian::Query(Xapian::Query::OP_WILDCARD, prefix, max_expansion, limit_type,
                             Xapian::Query::OP_SYNONYM);
    });
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

// Counts the matching documents that satisfy each term group (see
// ref_xterm_group). The distinct terms are sorted so that one pass of
// skip_to over a document's termlist says which are present; then every
// group's clauses are checked against that.
class TermGroupSpy : public Xapian::MatchSpy {
  public:
    TermGroupSpy(const ref_xterm_group *groups, size_t ngroups) : counts_(ngroups, 0)
    {
        std::map<std::string, size_t> ids;
        for (size_t g = 0; g < ngroups; g++)
            for (size_t c = 0; c < groups[g].nclauses; c++)
                for (size_t t = c ? groups[g].clause_ends[c - 1] : 0;
                     t < groups[g].clause_ends[c]; t++)
                    ids.emplace(groups[g].terms[t], 0);
        for (auto &kv : ids) {
            kv.second = terms_.size();
            terms_.push_back(kv.first);
        }
        clauses_.resize(ngroups);
        for (size_t g = 0; g < ngroups; g++)
            for (size_t c = 0; c < groups[g].nclauses; c++) {
                std::vector<size_t> clause;
                for (size_t t = c ? groups[g].clause_ends[c - 1] : 0;
                     t < groups[g].clause_ends[c]; t++)
                    clause.push_back(ids[groups[g].terms[t]]);
                if (!clause.empty())
                    clauses_[g].push_back(std::move(clause));
            }
    }

    void operator()(const Xapian::Document &doc, double) override
    {
        if (terms_.empty())
            return;
        std::vector<bool> present(terms_.size(), false);
        Xapian::TermIterator it = doc.termlist_begin(), end = doc.termlist_end();
        for (size_t i = 0; i < terms_.size(); i++) {
            it.skip_to(terms_[i]);
            if (it == end)
                break;
            present[i] = *it == terms_[i];
        }
        for (size_t g = 0; g < clauses_.size(); g++)
            for (const auto &clause : clauses_[g]) {
                bool all = true;
                for (size_t id : clause)
                    all = all && present[id];
                if (all) {
                    counts_[g]++;
                    break;
                }
            }
    }

    const std::vector<uint32_t> &counts() const { return counts_; }

  private:
    std::vector<std::string> terms_;                      // sorted, distinct
    std::vector<std::vector<std::vector<size_t>>> clauses_; // group → clause → term ids
    std::vector<uint32_t> counts_;
};

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
    ref_status st = guard(&db->errmsg, [&] {
        Xapian::Enquire enquire(*db->db);
        enquire.set_query(q->nodes[static_cast<size_t>(root)]);
        enquire.set_weighting_scheme(Xapian::BM25Weight());
        Xapian::MultiValueKeyMaker keys;
        switch (opts->sort) {
        case REF_XSORT_RELEVANCE:
            break;
        case REF_XSORT_VALUE_ASC:
        case REF_XSORT_VALUE_DESC:
            keys.add_value(opts->sort_slot, opts->sort == REF_XSORT_VALUE_DESC);
            if (opts->sort_tie_slot1)
                keys.add_value(opts->sort_tie_slot1 - 1, false);
            enquire.set_sort_by_key_then_relevance(&keys, false);
            break;
        }
        std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> slot_spies;
        for (size_t i = 0; i < opts->ncount_slots; i++) {
            slot_spies.emplace_back(new Xapian::ValueCountMatchSpy(opts->count_slots[i]));
            enquire.add_matchspy(slot_spies.back().get());
        }
        std::unique_ptr<TermGroupSpy> group_spy;
        if (opts->ngroups) {
            group_spy.reset(new TermGroupSpy(opts->groups, opts->ngroups));
            enquire.add_matchspy(group_spy.get());
        }
        const bool facets = !slot_spies.empty() || group_spy;
        Xapian::doccount limit = opts->limit ? opts->limit : db->db->get_doccount();
        // check_at_least makes the total exact for result sets up to
        // COUNT_EXACT_UPTO (Xapian otherwise estimates, wildly for boolean
        // queries) at a small cost. Facets must see every match, so they
        // check them all.
        const Xapian::doccount COUNT_EXACT_UPTO = 1000;
        Xapian::MSet mset = enquire.get_mset(opts->offset, limit,
                                             facets ? db->db->get_doccount() : COUNT_EXACT_UPTO);
        for (const auto &spy : slot_spies) {
            std::map<std::string, uint32_t> counts;
            for (auto v = spy->values_begin(); v != spy->values_end(); ++v)
                counts[*v] = static_cast<uint32_t>(v.get_termfreq());
            r->slot_counts.push_back(std::move(counts));
        }
        if (group_spy)
            r->group_counts = group_spy->counts();
        // A page that is not full ends the result set, so offset + size is
        // exact; an empty page past the end says nothing about the size
        // (test_paging_offset_limit_total), there Xapian's count is used.
        r->total = mset.get_matches_estimated();
        if (mset.size() > 0 && (opts->limit == 0 || mset.size() < limit))
            r->total = opts->offset + mset.size();
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
    });
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
