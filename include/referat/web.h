/* web.h — the web front end: one HTTP request in, one response out.
 *
 * This module knows URLs, parameters, HTML and JSON, but nothing of
 * sockets: serve.h's server (libmicrohttpd) hands it the method and the raw
 * request URI and sends back what it answers. So every page can be built
 * and tested without a network, and the server stays a thin shell.
 *
 * Routes (all GET or HEAD; anything else is 405):
 *   /                  search page: form, hits, facets, "Mente du", pages,
 *                      export links (Danish, server-rendered, no scripts)
 *   /punkt/ID          one punkt in full, its meeting and neighbours
 *                      (ID percent-encoded: ids hold '#')
 *   /api/search        JSON: {"query", "total", "offset", "limit",
 *                      "decisions_only", "corrected", "suggestion",
 *                      "hits": [present.h's hit objects], "facets":
 *                      {"year"|"body"|"section"|"municipality": {VALUE: COUNT, …}}}
 *                      (present.h's ref_present_json_facets)
 *   /api/analyze       JSON: {"text", "tokens": [explain.h's objects]}
 *   /eksport.csv, /eksport-excel.csv, /eksport.jsonl, /eksport.md,
 *   /eksport.html      the current search, every hit, via export.h (CSV
 *                      with ',' or, for a Danish Excel, ';'); reports
 *                      open with the query, filters, time and count and
 *                      link sources to /kilde/; a decisions search
 *                      exports the decisions whole
 * Errors: HTML pages for people, {"error": MESSAGE} under /api/.
 *
 * Parameters (same names on every route, so a page's URL is its state):
 *   q             the query (query.h's language)
 *   beslutninger  "1": decisions only          (alias decisions)
 *   udvalg        a body; may repeat           (alias body)
 *   fra, til      first and last year or date  (aliases from, to)
 *   kommune       a municipality, as indexed   (alias municipality)
 *   felt          words only in this part of a punkt: titel, beslutning,
 *                 sagsfremstilling, … (the "Fundet i" facet's links)
 *   sort          relevans (default), dato (oldest first), -dato
 *                 (also relevance, date, -date)
 *   side          1-based page of REF_WEB_PAGE_SIZE hits  (alias page)
 *   antal         API page size, 1..REF_WEB_MAX_LIMIT     (alias limit)
 *   offset        API: hits to skip (instead of side)
 *   text          /api/analyze: the text to analyse
 * Unknown parameters are ignored. A parameter that is not well-formed
 * percent-encoded UTF-8 (or holds NUL), a repeated single parameter or a
 * number out of range is a 400; a request URI over REF_WEB_MAX_URI bytes
 * is a 414.
 *
 * Hits' "source" is relative to the indexed folder (search.h's
 * ref_searcher_source_root; the file name alone when the files share no
 * folder), on pages, in the API and in exports: the server does not tell
 * the web where on its disk the minutes live. */
#ifndef REFERAT_WEB_H
#define REFERAT_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "referat/buf.h"
#include "referat/lexicon.h"
#include "referat/search.h"
#include "referat/status.h"

#define REF_WEB_MAX_URI 4096  /* bytes of path and query string */
#define REF_WEB_MAX_BODIES 16 /* udvalg parameters */
#define REF_WEB_PAGE_SIZE 10  /* hits per search page */
#define REF_WEB_MAX_LIMIT 100 /* API hits per request */
#define REF_WEB_MAX_OFFSET 100000
#define REF_WEB_EXPORT_MAX 10000 /* hits in one export */

/* --- parameters ----------------------------------------------------------- */

typedef struct ref_web_params {
    char *q; /* NULL when absent; all strings are valid UTF-8 */
    int decisions;
    int no_correct; /* "ordret=1": the words as typed, never the spelling
                       suggestion (the link back from a correction) */
    char *from, *to;
    char *municipality; /* NULL or "" = every municipality */
    char *in_field;     /* NULL or "": words anywhere; else one section */
    char *bodies[REF_WEB_MAX_BODIES];
    size_t nbodies;
    ref_sort sort;
    uint32_t page;  /* 1-based; 1 when absent */
    uint32_t limit; /* 0 when absent */
    uint32_t offset;
    int has_offset;
    char *text;
    char *outcome; /* udfald=LABEL: decisions with that outcome, or NULL */
    char *journal; /* sag=JOURNAL: that case's punkter (/sag/JOURNAL), or NULL */
} ref_web_params;

/* Decode LEN bytes of percent-encoding at S into OUT (appended), '+' as a
 * space when PLUS_IS_SPACE. REF_EINVAL for a '%' not followed by two hex
 * digits, for a decoded NUL and for bytes that are not UTF-8. */
ref_status ref_web_unescape(const char *s, size_t len, int plus_is_space, ref_buf *out);
/* Append S percent-encoded for a URL path segment or query value: every
 * byte but A-Z a-z 0-9 - . _ ~ as %XX. */
void ref_web_escape(ref_buf *out, const char *s, size_t len);

/* Parse the query string QS (LEN bytes, without the '?') into *OUT, which
 * the caller releases with ref_web_params_clear (also after a failure).
 * REF_EINVAL with a malloc'd Danish message in *ERRMSG for bad input. */
ref_status ref_web_params_parse(const char *qs, size_t len, ref_web_params *out, char **errmsg);
void ref_web_params_clear(ref_web_params *p);

/* --- requests --------------------------------------------------------------- */

typedef struct ref_web_response {
    unsigned status;          /* HTTP status code */
    const char *content_type; /* static */
    ref_buf body;
    int fd; /* >= 0: send this file's FD_SIZE bytes instead of
               BODY (an unlinked export); the sender closes it */
    uint64_t fd_size;
    char csp[160];        /* Content-Security-Policy */
    char disposition[96]; /* Content-Disposition, or "" */
    const char *allow;    /* Allow header (405), or NULL */
} ref_web_response;

/* A worker's state: its own searcher (read-only database handle),
 * analyzer and caches. One per server thread; never shared. */
typedef struct ref_web ref_web;

typedef struct ref_web_config {
    const char *db_path;         /* the database, when DB_PATHS is NULL */
    const char *const *db_paths; /* or these as one (shards, stub files) */
    size_t ndb_paths;
    ref_shard_opts shards;       /* how to treat the shards (search.h) */
    const char *synonyms;       /* more synonyms (synonyms.h), or NULL */
    const ref_lexicon *lexicon; /* shared read-only; outlives the workers */
    const char *tmpdir;         /* private folder for exports */
    /* Answer only requests whose Host names this machine (localhost,
     * 127.0.0.1, [::1]): set when listening on loopback, so a web page
     * whose DNS name is rebound to 127.0.0.1 cannot read the minutes
     * through a visitor's browser (a 421 instead). */
    int local_hosts_only;
} ref_web_config;

/* Open a worker. CONFIG's strings are borrowed and must outlive it. On
 * failure *ERRMSG (may be NULL) receives a malloc'd detail. */
ref_status ref_web_new(const ref_web_config *config, ref_web **out, char **errmsg);
void ref_web_free(ref_web *w);

/* Answer METHOD on the raw request URI (path and query string, still
 * percent-encoded) with the request's HOST header (NULL when it had none)
 * into *OUT, which the caller initialises with ref_web_response_init and
 * releases with ref_web_response_clear. Every outcome, errors included, is
 * a response: this never fails. */
void ref_web_handle(ref_web *w, const char *method, const char *uri, const char *host,
                    ref_web_response *out);
void ref_web_response_init(ref_web_response *r);
void ref_web_response_clear(ref_web_response *r);

#endif
