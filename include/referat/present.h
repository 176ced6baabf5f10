/* present.h — write search hits for people (text) and programs (JSON Lines).
 *
 * JSON Lines contract (one object per hit, in rank order; README.md lists
 * the same keys and tests/e2e_search.py checks them):
 *   rank     1-based rank                 score    BM25 score (number)
 *   id       punkt id (stable per file and punkt ordinal)
 *   body     committee ("Chefforum")      date     meeting date, YYYY-MM-DD or ""
 *   punkt    punkt number (0 if none)     title    punkt title
 *   journal  journal number or ""         section  section key of the snippet
 *                                                  ("beslutning", …) or ""
 *   snippet  about 200 bytes of text, matches wrapped in <mark>…</mark>
 *            (text otherwise verbatim, not HTML-escaped)
 *   snippet_text  the same without markers
 *   matches  the matched words as they stand in the text (array of strings)
 *   source   path of the minutes file */
#ifndef REFERAT_PRESENT_H
#define REFERAT_PRESENT_H

#include <stdio.h>

#include "referat/buf.h"
#include "referat/search.h"

typedef struct ref_present_opts {
    int color;  /* text: highlight with ANSI bold/colour */
    int show_source;
} ref_present_opts;

/* Append S as a JSON string literal (quotes included) to OUT. Invalid UTF-8
 * never reaches here (stored text is valid), control characters are
 * escaped. */
void ref_json_string(ref_buf *out, const char *s, size_t len);

/* Append the snippet text of HIT with each match wrapped in OPEN/CLOSE and
 * "…" where the passage was cut. */
void ref_present_snippet(ref_buf *out, const ref_hit *hit, const char *open, const char *close);

void ref_present_json_hit(ref_buf *out, const ref_hit *hit);
void ref_present_text_hit(ref_buf *out, const ref_hit *hit, const ref_present_opts *opts);

/* A hit in a timeline (the text of --timeline): date, body, punkt and
 * title on one line, the journal number, then the punkt's whole decision
 * (indented, line breaks kept) when WHOLE_DECISION and it has one, else
 * the snippet. */
void ref_present_text_timeline_hit(ref_buf *out, const ref_hit *hit,
                                   const ref_present_opts *opts, int whole_decision);

/* Facets of a result (search.h), for people: one line per facet kind,
 * "År: 2015 (2), 2017 (5)". Nothing when R has no facets. */
void ref_present_text_facets(ref_buf *out, const ref_search_result *r);
/* The same as one JSON object on one line:
 * {"facets":{"year":{"2015":2,…},"body":{…},"section":{…}}}\n */
void ref_present_json_facets(ref_buf *out, const ref_search_result *r);

#endif
