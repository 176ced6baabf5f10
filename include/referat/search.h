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
} ref_search_opts;

typedef struct ref_hit {
    uint32_t rank;        /* 1-based */
    double score;
    ref_record *record;   /* owned by the result */
    int section;          /* index into record->sections of the snippet's
                             section, or -1 (no text to show) */
    ref_snippet snippet;  /* over record->sections[section].text */
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
} ref_search_result;

#define REF_SUGGEST_BELOW 3

typedef struct ref_searcher ref_searcher;

/* Open the database at DB_PATH read-only. *ERRMSG (may be NULL) receives a
 * malloc'd detail on failure. */
ref_status ref_searcher_open(const char *db_path, ref_searcher **out, char **errmsg);
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

#endif
