/* web_internal.h — what the web front end's files share (searcher-internal):
 * web.c routes requests and answers the API and exports, web_page.c
 * renders the HTML pages. */
#ifndef REFERAT_SEARCHER_WEB_INTERNAL_H
#define REFERAT_SEARCHER_WEB_INTERNAL_H

#include <time.h>

#include "referat/analysis.h"
#include "referat/synonyms.h"
#include "referat/web.h"

struct ref_web {
    ref_web_config config;
    ref_searcher *searcher;
    ref_analyzer *analyzer; /* marks the query's words in a whole punkt */
    ref_synonyms *synonyms; /* the same synonyms the searcher expands */
    /* The udvalg list for the form: a walk over every document, so kept
     * until the index's size changes or it is a minute old. */
    ref_facet bodies;
    uint32_t bodies_doccount;
    time_t bodies_at;
    int has_bodies;
    unsigned long exports; /* exports written, for unique file names */
};

/* Run the search of P (facets when FACETS); hits' sources are cut to
 * their file names. On failure *ERRMSG holds a malloc'd message and the
 * return says whether the query (REF_EQUERY) or the database failed. */
ref_status ref_web_search(ref_web *w, const ref_web_params *p, uint32_t offset, uint32_t limit,
                          int facets, ref_search_result **out, char **errmsg);
/* The bodies in the index (cached as above); an empty list on error. */
const ref_facet *ref_web_bodies(ref_web *w);
/* The file name at the end of PATH. */
const char *ref_web_basename(const char *path);

/* HTML pages (web_page.c). */
void ref_web_page_search(ref_web *w, const ref_web_params *p, ref_web_response *out);
void ref_web_page_punkt(ref_web *w, const char *id, const ref_web_params *p, ref_web_response *out);
/* The case thread of JOURNAL: every punkt with that journal number in date
 * order with its outcome, as the search page of "*" (web_thread.c). */
void ref_web_page_thread(ref_web *w, const char *journal, const ref_web_params *p,
                         ref_web_response *out);
/* The Atom feed of the search P, newest first (feed.c). */
void ref_web_feed(ref_web *w, const ref_web_params *p, ref_web_response *out);
/* An error page with STATUS, a heading and a message (both plain text). */
void ref_web_page_error(ref_web_response *out, unsigned status, const char *heading,
                        const char *message);

#endif
