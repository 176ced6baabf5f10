/* xdb.h — Referat's small C API over Xapian.
 *
 * The only C++ in the project is lib/xdb.cc, which implements this header.
 * Every entry point catches every exception (Xapian::Error, std::bad_alloc,
 * std::exception, ...) and turns it into a ref_status plus a message kept on
 * the handle (ref_xdb_errmsg), so nothing C++ ever reaches C. The wrapper has
 * no knowledge of minutes or fields: terms, values and data are bytes chosen
 * by the caller (see fields.h for what they mean).
 *
 * Handles: ref_xdb (a database, opened for reading or writing), ref_xdoc (a
 * document being built), ref_xquery (a query under construction: an arena of
 * nodes referred to by int ids), ref_xresults (one page of hits). Each has a
 * _new/_open and a _free/_close; the caller owns what it opened. */
#ifndef REFERAT_XDB_H
#define REFERAT_XDB_H

#include <stddef.h>
#include <stdint.h>

#include "referat/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ref_xdb ref_xdb;
typedef struct ref_xdoc ref_xdoc;
typedef struct ref_xquery ref_xquery;
typedef struct ref_xresults ref_xresults;

typedef enum ref_xdb_mode {
    REF_XDB_READ,  /* read-only; fails with REF_EDB_NOTFOUND if absent */
    REF_XDB_WRITE, /* create or open for writing; REF_EDB_LOCKED if another
                      writer holds it */
} ref_xdb_mode;

/* Open the database at PATH. On failure *OUT is NULL and, when ERRMSG is
 * non-NULL, *ERRMSG receives a malloc'd message the caller frees. For
 * reading, PATH may be a stub file (see ref_xdb_open_shards). */
ref_status ref_xdb_open(const char *path, ref_xdb_mode mode, ref_xdb **out, char **errmsg);

/* How a reader treats its shards. */
typedef struct ref_xdb_shard_opts {
    unsigned timeout_ms; /* a remote shard that takes longer to answer (or
                            to connect) fails, named; 0 = 10 s */
    int allow_partial;   /* a shard that does not answer is left out (see
                            ref_xdb_missing_shards) instead of failing */
    /* Bounds for a public server (0 = none): a search that takes longer
     * than BUDGET_MS fails with REF_EBUDGET (Xapian stops counting at that
     * point, so it does not run on); a query of more than MAX_TERMS terms,
     * wildcards expanded, fails with REF_EQUERY. */
    unsigned budget_ms;
    unsigned max_terms;
} ref_xdb_shard_opts;

/* Open, read-only, the databases at PATHS[0..NPATHS) as one: each a
 * database (folder or single file) or a Xapian stub file, whose lines
 * are "auto PATH", "glass PATH" or "remote HOST:PORT" (a shard served by
 * xapian-tcpsrv); "#" starts a comment; relative paths are relative to
 * the stub. Statistics are global, so results equal those of one database
 * built from the same files. A shard that fails is named in the message
 * (REF_ESHARD when it did not answer). Missing shards are tried again on
 * later calls, at most once a second. OPTS may be NULL (defaults). */
ref_status ref_xdb_open_shards(const char *const *paths, size_t npaths,
                               const ref_xdb_shard_opts *opts, ref_xdb **out, char **errmsg);
/* The shards left out (allow_partial) at the last call, one name a line
 * ("remote HOST:PORT" or the path, each ending in "\n"); "" when none. Owned
 * by DB, valid until the next call on it. */
const char *ref_xdb_missing_shards(const ref_xdb *db);
/* Close and free. NULL is ok. A writer's changes since its last
 * ref_xdb_commit are discarded, never committed here: after an error the
 * database keeps its last commit. */
void ref_xdb_close(ref_xdb *db);
/* The message of the last failed call on DB ("" if none); owned by DB. */
const char *ref_xdb_errmsg(const ref_xdb *db);
/* Read handles: move to the latest committed revision. */
ref_status ref_xdb_reopen(ref_xdb *db);
ref_status ref_xdb_doccount(ref_xdb *db, uint32_t *count);
/* Number of documents indexed by TERM (0 if none). */
ref_status ref_xdb_termfreq(ref_xdb *db, const char *term, uint32_t *freq);

/* --- writing ------------------------------------------------------------ */
ref_status ref_xdoc_new(ref_xdoc **out);
void ref_xdoc_free(ref_xdoc *doc);
/* A term at a position (for phrase search), adding WDF_INC to its wdf. */
ref_status ref_xdoc_add_posting(ref_xdoc *doc, const char *term, uint32_t pos, uint32_t wdf_inc);
/* A term without position; WDF_INC 0 makes a boolean (filter-only) term. */
ref_status ref_xdoc_add_term(ref_xdoc *doc, const char *term, uint32_t wdf_inc);
ref_status ref_xdoc_set_value(ref_xdoc *doc, unsigned slot, const void *bytes, size_t len);
ref_status ref_xdoc_set_data(ref_xdoc *doc, const void *bytes, size_t len);

/* Add DOC, replacing any document that carries UNIQUE_TERM (which DOC must
 * carry too). DOC is not consumed. */
ref_status ref_xdb_replace(ref_xdb *db, const char *unique_term, const ref_xdoc *doc);
/* Add DOC as a new document, with no look-up of a unique term: for
 * documents the caller knows are not in the database yet (cheaper than
 * ref_xdb_replace). DOC is not consumed. */
ref_status ref_xdb_add(ref_xdb *db, const ref_xdoc *doc);
/* Delete every document that carries TERM. */
ref_status ref_xdb_delete_by_term(ref_xdb *db, const char *term);
/* Make everything written since the last commit durable and visible to
 * readers, atomically: all of it or (on failure) none. After any failed
 * write the batch is already discarded, and this and every later write
 * return that failure: a batch never commits with a hole in it. */
ref_status ref_xdb_commit(ref_xdb *db);
ref_status ref_xdb_set_metadata(ref_xdb *db, const char *key, const char *value);
/* The value of KEY as a malloc'd NUL-terminated string the caller frees
 * ("" when the key is absent). */
ref_status ref_xdb_get_metadata(ref_xdb *db, const char *key, char **value);
/* Call FN for every metadata key starting with PREFIX (key and value). A
 * nonzero return from FN stops the walk. */
typedef int (*ref_xdb_kv_fn)(void *ctx, const char *key, const char *value);
ref_status ref_xdb_metadata_walk(ref_xdb *db, const char *prefix, ref_xdb_kv_fn fn, void *ctx);
/* Call FN for every term starting with PREFIX with its document frequency. */
typedef int (*ref_xdb_term_fn)(void *ctx, const char *term, uint32_t termfreq);
ref_status ref_xdb_term_walk(ref_xdb *db, const char *prefix, ref_xdb_term_fn fn, void *ctx);

/* Record WORD (a surface word, case-folded) in the spelling dictionary
 * that ref_xdb_spelling_suggestion draws on, adding FREQ to its count. */
ref_status ref_xdb_add_spelling(ref_xdb *db, const char *word, uint32_t freq);
/* The indexed word nearest to WORD within MAX_EDIT edits, as a malloc'd
 * string, or *OUT = NULL when WORD is itself indexed or nothing is near. */
ref_status ref_xdb_spelling_suggestion(ref_xdb *db, const char *word, unsigned max_edit,
                                       char **out);

/* Write a compacted copy of DB's last commit to DST, which must not exist:
 * a database folder, or with SINGLE_FILE one read-only file (easy to ship;
 * Xapian opens either by path). DB may be a writer, which keeps other
 * writers out meanwhile. DB itself is unchanged. */
ref_status ref_xdb_compact(ref_xdb *db, const char *dst, int single_file);

/* --- queries ------------------------------------------------------------ */
/* Node ids are >= 0. A failed constructor returns -1 and makes the builder
 * fail (sticky): ref_xdb_search then returns the first error. */
typedef enum ref_xop {
    REF_XOP_AND,
    REF_XOP_OR,
    REF_XOP_AND_NOT,   /* first child minus the others */
    REF_XOP_FILTER,    /* first child, filtered by the others (no weight) */
    REF_XOP_AND_MAYBE, /* first child; the others only add weight */
    REF_XOP_PHRASE,    /* children are terms in order, adjacent */
    REF_XOP_NEAR,      /* children within a window of positions */
    REF_XOP_SYNONYM,   /* children weighted as one term */
} ref_xop;

ref_status ref_xquery_new(ref_xquery **out);
void ref_xquery_free(ref_xquery *q);
int ref_xquery_term(ref_xquery *q, const char *term, uint32_t wqf);
/* WINDOW: for PHRASE/NEAR, the position window (0 = number of children). */
int ref_xquery_op(ref_xquery *q, ref_xop op, const int *children, size_t n, uint32_t window);
int ref_xquery_scale(ref_xquery *q, int child, double factor);
/* Documents whose value in SLOT lies in [LO, HI] (byte-wise); NULL for an
 * open end. */
int ref_xquery_value_range(ref_xquery *q, unsigned slot, const char *lo, const char *hi);
/* Every term starting with PREFIX (at most MAX_EXPANSION of the most
 * frequent), weighted as one term. */
int ref_xquery_wildcard(ref_xquery *q, const char *prefix, uint32_t max_expansion);
int ref_xquery_match_all(ref_xquery *q);
int ref_xquery_match_nothing(ref_xquery *q);
/* Human-readable description of a node (Xapian's), malloc'd; for --explain. */
char *ref_xquery_describe(ref_xquery *q, int node);

/* --- searching ---------------------------------------------------------- */
typedef enum ref_xsort {
    REF_XSORT_RELEVANCE,
    REF_XSORT_VALUE_ASC,  /* by value slot, then relevance */
    REF_XSORT_VALUE_DESC,
} ref_xsort;

/* A group of terms counted (facets such as "matched in the
 * decision"): a matching document counts when it holds every term of at
 * least one clause. TERMS lists the clauses' terms one clause after the
 * other; clause I ends before TERMS[CLAUSE_ENDS[I]]. */
typedef struct ref_xterm_group {
    const char *const *terms;
    const size_t *clause_ends;
    size_t nclauses;
} ref_xterm_group;

typedef struct ref_xsearch_opts {
    uint32_t offset;
    uint32_t limit;     /* 0 = every hit */
    ref_xsort sort;
    unsigned sort_slot;   /* with a value sort: the slot, whose value must
                             hold the whole order (date, punkt, a unique
                             key: no KeyMaker runs on a remote shard) */
    /* With relevance: 1 + a slot whose value orders equal scores,
     * ascending; 0 = by document id, which differs between one database
     * and the same documents in shards. */
    unsigned tie_slot1;
    /* Facets, counted over every matching document (not just the page):
     * value slots through Xapian's ValueCountMatchSpy, term groups by one
     * more query each (both work on remote shards); setting any makes the
     * total exact. */
    const unsigned *count_slots;  /* value slots to count values of */
    size_t ncount_slots;
    const ref_xterm_group *groups; /* term groups to count documents of */
    size_t ngroups;
} ref_xsearch_opts;

typedef struct ref_xhit {
    uint32_t docid;
    double score;
    uint32_t rank;      /* 0-based, over the whole result set */
    const char *data;   /* the document's stored data; owned by the results */
    size_t data_len;
} ref_xhit;

ref_status ref_xdb_search(ref_xdb *db, ref_xquery *q, int root, const ref_xsearch_opts *opts,
                          ref_xresults **out);
size_t ref_xresults_size(const ref_xresults *r);
/* Total number of matching documents (exact when the page holds them all,
 * otherwise Xapian's estimate). */
uint32_t ref_xresults_total(const ref_xresults *r);
const ref_xhit *ref_xresults_hit(const ref_xresults *r, size_t i);
void ref_xresults_free(ref_xresults *r);
/* Facet counts of the search (see ref_xsearch_opts). For the I-th count
 * slot, FN is called once per distinct value (bytes and length) with its
 * number of matching documents, in byte order of the values; a nonzero
 * return stops the walk. REF_EINVAL when I is out of range. */
typedef int (*ref_xcount_fn)(void *ctx, const char *value, size_t len, uint32_t count);
ref_status ref_xresults_slot_counts(const ref_xresults *r, size_t i, ref_xcount_fn fn, void *ctx);
/* Matching documents holding a term of the I-th term group (0 if out of range). */
uint32_t ref_xresults_group_count(const ref_xresults *r, size_t i);

#ifdef __cplusplus
}
#endif

#endif
