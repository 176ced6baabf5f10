/* search.h — run a query against a Referat database and get presentable hits.
 *
 * A ref_searcher holds a read-only database handle and an analyzer; it is
 * per-thread state (a server makes one per worker). ref_searcher_search()
 * parses the query (query.h), ranks punkter with Xapian's BM25 (title and
 * decision words weigh more, see fields.h), decodes each hit's stored
 * record (record.h) and picks the snippet from the section that shows the
 * match best (snippet.h) — from the decision in decisions-only mode. */
#ifndef REFERAT_SEARCH_H
#define REFERAT_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "referat/record.h"
#include "referat/snippet.h"
#include "referat/status.h"

typedef enum ref_sort {
    REF_SORT_RELEVANCE,
    REF_SORT_DATE,      /* oldest first */
    REF_SORT_DATE_DESC, /* newest first */
} ref_sort;

typedef struct ref_search_opts {
    int decisions_only;
    uint32_t offset;
    uint32_t limit;       /* 0 = every hit */
    ref_sort sort;
    size_t snippet_bytes; /* 0 = REF_SNIPPET_DEFAULT_BYTES */
    /* Filters, combined with the query's own field filters (query.h's
     * ref_query_opts says what they accept). */
    const char *date_from;
    const char *date_to;
    const char *const *bodies;
    size_t nbodies;
    const char *const *municipalities;
    size_t nmunicipalities;
    const char *const *outcomes; /* decision outcomes, any of (outcome.h keys) */
    size_t noutcomes;
    const char *journal;  /* only that journal number (query.h), or NULL */
    int facets;           /* count hits per year, body and section (below) */
    const char *in_field; /* query.h's ref_query_opts.in_field */
    int no_correct;       /* never replace the query by its spelling
                             suggestion (--no-correct); it is still offered */
} ref_search_opts;

/* Facets: how the hits spread, counted over every hit, not just the page.
 * Year and body counts come from the documents' value slots; the section
 * count is of punkter whose words matched inside that kind of section
 * ("titel" for the title), through a match spy over the query's stems. */
typedef enum ref_facet_kind {
    REF_FACET_YEAR,    /* "2017" → hits; in year order */
    REF_FACET_BODY,    /* body as written → hits; most hits first */
    REF_FACET_SECTION, /* "beslutning", "titel", … → hits; in section order,
                          kinds with no hit left out */
    REF_FACET_MUNICIPALITY, /* municipality as written → hits; most first */
    REF_FACET_OUTCOME, /* outcome label key → hits; in label order (a punkt
                          with two labels counts for both) */
    REF_FACET_KINDS
} ref_facet_kind;

/* "year", "body", "section", "municipality", "outcome": the names used in JSON. */
const char *ref_facet_name(ref_facet_kind kind);

typedef struct ref_facet_value {
    char *value;
    uint32_t count;
} ref_facet_value;

typedef struct ref_facet {
    ref_facet_value *values;
    size_t nvalues;
} ref_facet;

typedef struct ref_hit {
    uint32_t rank;        /* 1-based */
    double score;
    ref_record *record;   /* owned by the result */
    int section;          /* index into record->sections of the snippet's
                             section, or -1 (no text to show) */
    ref_snippet snippet;  /* over record->sections[section].text */
    char *missing;        /* a partial match (ref_search_result.partial):
                             the query words this punkt lacks, as typed,
                             space-separated; NULL for a full match */
} ref_hit;

typedef struct ref_search_result {
    ref_hit *hits;
    size_t nhits;
    uint32_t total;       /* matching punkter in all (estimate beyond the page) */
    char *suggestion;     /* "Mente du": the query with misspelt words replaced
                             by the nearest indexed words, when it found
                             little (fewer than REF_SUGGEST_BELOW hits); or NULL */
    int corrected;        /* the query found nothing, so the hits are those of
                             the suggestion (shown as "Viser resultater for") */
    uint32_t undated_left_out; /* with a date filter: punkter the query
                             matches that have no date, so no filter can
                             reach them (said, not dropped silently) */
    int partial;          /* no punkt has all the query's words: the hits are
                             the best partial matches, those with most words
                             first (each hit's missing says which it lacks) */
    char *missing;        /* partial: the words the hits shown lack, each
                             once, space-separated; else NULL */
    uint32_t unfiltered_total; /* the query found nothing with the filters
                             (dates, bodies, municipalities, decisions only):
                             how many punkter it finds without them */
    int has_facets;       /* opts.facets was set: total is exact and */
    ref_facet facets[REF_FACET_KINDS];
    char *missing_shards; /* shards left out of this answer (allow_partial):
                             one name a line, each ending in '\n'; or NULL */
} ref_search_result;

/* Spelling suggestions are made only for words that neither the index nor
 * the lexicon knows (in any inflection or as a compound part), and only
 * when the query found fewer hits than this; a query that found nothing is
 * replaced by its suggestion (corrected) unless opts.no_correct. A word
 * that is known is never replaced, however few hits filters left. */
#define REF_SUGGEST_BELOW 3

typedef struct ref_searcher ref_searcher;

/* Open the database at DB_PATH read-only. *ERRMSG (may be NULL) receives a
 * malloc'd detail on failure. */
ref_status ref_searcher_open(const char *db_path, ref_searcher **out, char **errmsg);

/* How a searcher over shards treats them (xdb.h's ref_xdb_shard_opts). */
typedef struct ref_shard_opts {
    unsigned timeout_ms; /* a remote shard slower than this fails, named; 0 = 10 s */
    int allow_partial;   /* answer from the shards that answer, naming the
                            others in ref_search_result.missing_shards */
    unsigned budget_ms;  /* a search over this time fails, REF_EBUDGET; 0 = none */
    unsigned max_terms;  /* a query of more terms (wildcards expanded)
                            fails, REF_EQUERY; 0 = no bound */
} ref_shard_opts;

/* Read a --shard-timeout: seconds > 0, with decimals ("2", "0.5"), into
 * *MS milliseconds. REF_EINVAL when TEXT is not such a number. */
ref_status ref_shard_timeout_parse(const char *text, unsigned *ms);

/* Open DB_PATHS[0..N) as one database: each a database or a Xapian stub
 * file of "auto PATH" and "remote HOST:PORT" lines (xdb.h). OPTS may be
 * NULL. */
ref_status ref_searcher_open_shards(const char *const *db_paths, size_t n,
                                    const ref_shard_opts *opts, ref_searcher **out,
                                    char **errmsg);
void ref_searcher_close(ref_searcher *s);
/* Pick up what an indexer committed since the database was opened. */
ref_status ref_searcher_reopen(ref_searcher *s);

/* Add the synonyms in PATH (synonyms.h's format) to the built-in ones.
 * REF_EINVAL with *LINE set on a syntax error. */
ref_status ref_searcher_load_synonyms(ref_searcher *s, const char *path, size_t *line);

/* Search for QUERY. On REF_EQUERY (and database errors) *ERRMSG receives a
 * malloc'd message for the user. Free the result with ref_search_result_free. */
ref_status ref_searcher_search(ref_searcher *s, const char *query, const ref_search_opts *opts,
                               ref_search_result **out, char **errmsg);
void ref_search_result_free(ref_search_result *r);

/* The stored punkt with id ID (ref_record.id, as in results and
 * permalinks) into *OUT (free with ref_record_free); REF_ENOENT when the
 * index has no such punkt. */
ref_status ref_searcher_get(ref_searcher *s, const char *id, ref_record **out);

/* The punkter of the meeting (minutes file) that punkt ID belongs to, in
 * agenda order, as stored records in *OUT[0..*N) (free with
 * ref_records_free). REF_ENOENT when ID is unknown. */
ref_status ref_searcher_meeting(ref_searcher *s, const char *id, ref_record ***out, size_t *n);
void ref_records_free(ref_record **records, size_t n);

/* The words QUERY looks for in each of the N texts TEXTS[i], as snippets
 * whose window is the whole text: OUT[i].spans marks every match (none
 * when QUERY is NULL, empty or not understood, since marking is a help and
 * never an error). Through the searcher's own analyser and synonyms, so a
 * page marks exactly what the search found. The caller releases each
 * OUT[i] with ref_snippet_clear (also after a failure: all are
 * initialised). REF_ENOMEM. */
ref_status ref_searcher_mark(ref_searcher *s, const char *query, const char *const *texts, size_t n,
                             ref_snippet *out);
/* The folder every indexed minutes file lies in (the longest common
 * folder of their paths, without a trailing '/'; "" when they share none
 * or nothing is indexed) into *OUT, malloc'd: what exports and pages give
 * sources relative to, so a report does not show where on its disk the
 * indexing machine kept the minutes. A walk over the index's list of
 * files (one entry per file, not per punkt). */
ref_status ref_searcher_source_root(ref_searcher *s, char **out);
/* The searcher's analyser, borrowed (for showing what it does to a text,
 * explain.h); valid while S is. */
ref_analyzer *ref_searcher_analyzer(ref_searcher *s);

/* Every body (udvalg) in the index, as written, with its number of
 * punkter, in byte order of the names: for a choice of udvalg in a form.
 * Free with ref_facet_clear. (A walk over every document's BODY slot.) */
ref_status ref_searcher_bodies(ref_searcher *s, ref_facet *out);
/* Number of punkter in the index (changes when the indexer commits). */
ref_status ref_searcher_doccount(ref_searcher *s, uint32_t *count);
void ref_facet_clear(ref_facet *f);

#endif
