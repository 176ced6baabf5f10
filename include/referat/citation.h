/* citation.h — a line to paste when quoting a punkt, and its permalink parts.
 *
 * "Albertslund Kommune, Chefforum, 7. september 2017, punkt 9: Orientering
 * om Sygefraværstatistik for 1. halvår 2017, Beslutning": municipality
 * (with "Kommune" added to a bare town name), committee, the meeting date in
 * Danish words, the punkt's number and title (long titles cut at a word,
 * with "…"), and the section quoted. Parts not known are left out. Used by
 * the punkt page, the exports and the JSON output alike. */
#ifndef REFERAT_CITATION_H
#define REFERAT_CITATION_H

#include "referat/buf.h"
#include "referat/record.h"

/* Append the citation of REC to OUT; SECTION is the index of the quoted
 * section in REC->sections, or -1 for the punkt as a whole. */
void ref_citation(const ref_record *rec, int section, ref_buf *out);

/* Append "7. september 2017" for DATE "2017-09-07"; DATE itself when it is
 * not of that form. */
void ref_citation_date(const char *date, ref_buf *out);

/* The anchor of a section kind on the punkt page: "beslutning",
 * "sagsfremstilling", … (section.h's keys), so /punkt/ID#beslutning. */
const char *ref_citation_anchor(ref_section_kind kind);

#endif
