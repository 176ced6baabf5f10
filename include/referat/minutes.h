/* minutes.h — parse the text of one minutes file into a meeting, its agenda
 * items (punkter) and their sections.
 *
 * The parser works on UTF-8 text with LF line endings (see reader.h) and
 * knows nothing of files, analysis or Xapian. It never fails on odd text: a
 * line it does not understand stays in the current section, text before the
 * first heading of a punkt becomes an unlabelled section (REF_SECTION_NONE),
 * and problems are reported as warnings with line numbers.
 *
 * What the indexer can rely on (pinned by tests/test_minutes.c):
 *   - Text before the first punkt line is the header: the first line gives
 *     `heading`, `body` and `date`; "Mødedato"/"Mødested" lines give date and
 *     place; the table of contents (and any other header text) is kept in
 *     no punkt.
 *   - A section's kind comes from its heading (a table in minutes.c). Known
 *     headings of other municipalities (Resumé, Sagens kerne, Økonomi, …)
 *     are REF_SECTION_OTHER. A punkt may hold two sections of one kind
 *     ("Beslutning" then "Beslutning:"); index them all.
 *   - A short unknown heading-like line inside a known section is a
 *     sub-heading and stays in that section's text, so a decision's
 *     sub-headings stay in the Beslutning.
 *   - "Beslutning fra <body>, <date>, pkt. N:" quotes an earlier meeting's
 *     decision: it opens no section, and it and the quoted text stay in the
 *     section around them (usually Historik). REF_SECTION_BESLUTNING holds
 *     only this meeting's decisions.
 *   - Warnings (English, for a log): duplicate or out-of-sequence punkt
 *     numbers, a punkt line without a number or title, a number too large,
 *     a punkt with no text, a heading with no text, no punkter, no date or
 *     committee found, two header dates that disagree. At most 1000 are
 *     kept, then one "further warnings suppressed".
 *   - Cost is linear in LEN; nothing recurses.
 *
 * Ownership: ref_minutes_parse() allocates one ref_meeting; everything it
 * points to is owned by it and released by ref_meeting_free(). */
#ifndef REFERAT_MINUTES_H
#define REFERAT_MINUTES_H

#include <stddef.h>

#include "referat/section.h"
#include "referat/status.h"

typedef struct ref_section {
    ref_section_kind kind;
    char *heading;   /* the heading as written, markup stripped ("Beslutning i
                        Tværgående chefgruppe den 24-05-2013"); "" for NONE */
    char *text;      /* body text, markup (#, **) stripped, paragraphs
                        separated by "\n\n", trimmed; may be "" */
    size_t line;     /* 1-based line of the heading (or of the first text
                        line for NONE) */
} ref_section;

typedef struct ref_punkt {
    int number;      /* N of "Punkt N:"; 0 if none was written */
    char *prefix;    /* "CF", "TCG", … or "" */
    char *title;     /* title without number and prefix */
    char *journal;   /* journal number ("00.01.00-A00-3-17", "13/3462") or "" */
    size_t line;     /* 1-based line of the "Punkt N:" line */
    ref_section *sections;
    size_t nsections;
} ref_punkt;

typedef struct ref_warning {
    size_t line;     /* 1-based; 0 when it concerns the whole file */
    char *message;
} ref_warning;

typedef struct ref_meeting {
    char *body;      /* the committee: "Chefforum"; "" if not found */
    char *date;      /* "YYYY-MM-DD"; "" if not found */
    char *place;     /* "Mødelokale 1"; "" if not found */
    char *heading;   /* the first header line as written ("REFERAT Chefforum
                        d. 07-09-2017"); "" if none */
    ref_punkt *punkter;
    size_t npunkter;
    ref_warning *warnings;
    size_t nwarnings;
} ref_meeting;

/* Parse TEXT (LEN bytes of UTF-8). On success *OUT owns a meeting, which may
 * have zero punkter (the caller decides whether that is an error). Returns
 * REF_ENOMEM or REF_EINVAL (NULL arguments) on failure. */
ref_status ref_minutes_parse(const char *text, size_t len, ref_meeting **out);

void ref_meeting_free(ref_meeting *meeting);

#endif
