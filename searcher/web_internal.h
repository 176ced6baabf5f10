/* web_internal.h — what the web front end's files share (searcher-internal):
 * web.c routes requests, does all data access (searching, fetching punkter,
 * marking the query's words) and answers the API and exports; web_page.c
 * renders the HTML pages from what web.c hands it and nothing else.
 *
 * The pages are pure renderers, as SQLite FTS5's highlight() and snippet()
 * see only a narrow read-only API: a page function gets a view (plain data,
 * all borrowed) and writes a response. It never sees the searcher, the
 * database or the worker, so its HTML escaping is tested on hand-made
 * records without an index (test_web.c). */
#ifndef REFERAT_SEARCHER_WEB_INTERNAL_H
#define REFERAT_SEARCHER_WEB_INTERNAL_H

#include "referat/search.h"
#include "referat/web.h"

/* The HTTP status for a failed search or fetch: the user's query is a 400,
 * anything else (out of memory included) a 503, since it is the server's
 * state and a retry may succeed. The one mapping every route uses. */
unsigned ref_web_status_of(ref_status st);

/* The file name at the end of PATH. */
const char *ref_web_basename(const char *path);

/* What the search page shows (all borrowed). With neither RESULT nor
 * ERROR it shows the form and the tips. */
typedef struct ref_web_search_view {
    const ref_web_params *params;
    const ref_facet *bodies;         /* the udvalg list of the form */
    const ref_search_result *result; /* the page of hits and the facets */
    unsigned error_status;           /* a failed search: its HTTP status */
    const char *error;               /* … and message (plain text) */
} ref_web_search_view;

/* What the page of one punkt shows (all borrowed). */
typedef struct ref_web_punkt_view {
    const ref_web_params *params;
    const ref_record *record;
    /* The query's words: MARKS[0] in the title, MARKS[1 + i] in section i
     * (ref_searcher_mark's whole-text snippets); NULL for none. */
    const ref_snippet *marks;
    ref_record *const *meeting; /* the meeting's punkter in agenda order */
    size_t nmeeting;
} ref_web_punkt_view;

/* HTML pages (web_page.c). */
void ref_web_page_search(const ref_web_search_view *v, ref_web_response *out);
void ref_web_page_punkt(const ref_web_punkt_view *v, ref_web_response *out);
/* Append the search state of P as a query string ("?q=…&udvalg=…", or ""
 * for none), as every link of the pages carries it (web_page.c). */
void ref_web_state(ref_buf *u, const ref_web_params *p);
/* /sag/JOURNAL, the case thread: the search P with "*" for every punkt of
 * the journal number, oldest first (web_thread.c). Fills *OUT, which
 * borrows P's strings and JOURNAL. */
void ref_web_thread_params(const ref_web_params *p, const char *journal, ref_web_params *out);
/* The newest hits of the search P as an Atom feed (feed.c); R holds them
 * newest first. */
#define REF_WEB_FEED_ENTRIES 30
void ref_web_feed_render(const ref_web_params *p, const ref_search_result *r,
                         ref_web_response *out);
/* An error page with STATUS, a heading and a message (both plain text). */
void ref_web_page_error(ref_web_response *out, unsigned status, const char *heading,
                        const char *message);

#endif
