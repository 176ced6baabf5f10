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
 *   - A section's kind comes from its heading (a table in minutes_recognise.c). Known
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
 * Layouts of other municipalities (tests/test_layouts.c pins them):
 *   - Punkt lines also as "Pkt. N", "Sag nr. N", "Dagsordenspunkt N", after
 *     a bullet ("• Pkt. 42 …"), and, in a file that has none of the
 *     keyword forms, "N. Title" with rising numbers. A punkt line repeating
 *     the current punkt's number before any text ("Pkt. 42" under
 *     "• Pkt. 42 Titel") is the same punkt; a line repeating the title
 *     there is dropped; a punkt without a title takes the next short line.
 *     A punkt that got no text and whose number comes again later was a
 *     table-of-contents entry and is removed. A punkt the table of contents
 *     lists (with leaders, or as punkt lines) that the body never reaches
 *     is kept title-only with its number and `listed` set, in number order
 *     among the others; nothing the contents name is lost.
 *   - Closed items ("Lukket punkt", "Lukket sag", "(Lukket)" in or right
 *     under the punkt line, or every punkt after a "Lukket dagsorden" /
 *     "Lukket møde" line until "Åben dagsorden") keep number and title only:
 *     `closed` is set and their text is never copied, not even into
 *     warnings.
 *   - Pages: a line starting with a form feed starts the next page (the
 *     reader writes PDF text so). Lines repeated at the top or bottom of
 *     most pages (digits ignored: "Side 3 af 9") are page furniture: left
 *     out and listed in `furniture`.
 *   - A word hyphenated at a line end is joined ("sygefra-" + "vær" →
 *     "sygefravær"); a hyphen after a capital or digit stays ("IT-" +
 *     "systemet" → "IT-systemet"), and so does one before "og", "eller",
 *     "samt" ("Børne- og Ungeudvalget").
 *   - A line longer than LONG_LINE_BYTES (text that lost its line breaks)
 *     is read as several: it is broken before punkt markers ("Sag nr. 5")
 *     and around headings written in capitals ("INDSTILLING").
 *   - Header text that no header field or table of contents took is kept
 *     as a first punkt with `header` set (title from its first line), when
 *     the file has punkter; the bundled corpus has none.
 *   - Header: besides the first line, "Udvalg:", "Dato:", "Sted:" labels
 *     (also with the value on the next line), the first header line naming
 *     a body ("…udvalget", "Byrådet", "Kommunalbestyrelsen", …) and the
 *     first date in the header fill body and date when still empty; dates
 *     are also written "3/4 2019" (lib/date.c reads every form, real
 *     calendar days only). When the header gives no date or body (a page of
 *     one item, a web page's menus first, flattened PDF text), the first
 *     page is read for them: labels anywhere in a line, decision headings
 *     with the date, lines about the meeting; never a punkt line. A body is
 *     a name, not a header line ("Teknik, Erhverv, Plan og Miljøudvalget",
 *     not "… 2018-2021"; "Byrådets møde" → "Byrådet"). The municipality is
 *     the one named in the title lines, else the one named most often
 *     ("Albertslund Kommune", "Aarhus Byråd", "Region Hovedstaden"), an
 *     address ("i Herning Kommune, Torvet 5, 7400 Herning") only when
 *     nothing else is named. `*_rule` say which rule decided.
 *   - Case numbers: after a label (Sagsnr., Sagsid., J.nr., …; never
 *     Dok.nr.) or KLE-shaped, in a punkt's first lines or right above its
 *     punkt line. Every structured punkt has a title (else its first words,
 *     its first heading, or "Punkt N"). Literal HTML tags in text ("<br />")
 *     are word breaks. Header lines that fill a field are kept in
 *     `header_lines`.
 *
 * ref_minutes_parse_with_fallback() never loses text: when no punkt is
 * recognised, every page (or the whole file) becomes one punkt, numbered by
 * its page (0 without pages), titled by its first line, holding the page's
 * text as one REF_SECTION_NONE section, and the meeting is `unstructured`.
 *
 * Ownership: ref_minutes_parse() allocates one ref_meeting; everything it
 * points to is owned by it and released by ref_meeting_free(). */
#ifndef REFERAT_MINUTES_H
#define REFERAT_MINUTES_H

#include <stddef.h>

#include "referat/buf.h"
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
    int page;        /* 1-based page of that line; 0 without pages */
} ref_section;

typedef struct ref_punkt {
    int number;      /* N of "Punkt N:"; 0 if none was written */
    char *prefix;    /* "CF", "TCG", … or "" */
    char *title;     /* title without number and prefix */
    char *journal;   /* journal number ("00.01.00-A00-3-17", "13/3462") or "" */
    size_t line;     /* 1-based line of the "Punkt N:" line */
    int page;        /* 1-based page of that line; 0 without pages */
    int closed;      /* a closed item: title only, no sections */
    int listed;      /* listed in the table of contents, never reached by
                        the body (an excerpt, an item without text): title
                        only, no sections; `line` is the contents' line */
    int header;      /* not an agenda item: the header text before the first
                        punkt that no header field took (member lists,
                        introductions, text flattened into the header), kept
                        so that no text is lost; number 0, first */
    ref_section *sections;
    size_t nsections;
} ref_punkt;

/* A line left out as page furniture, digits shown as '#'
 * ("Side # af #"), and how many times it was left out. */
typedef struct ref_furniture {
    char *text;
    size_t count;
} ref_furniture;

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
    char *header_lines; /* the header lines that filled a field (the first
                        line, "Mødested: Borgersalen Tinglev", "Mødedato: …"),
                        kept as text so that their words stay searchable (the
                        indexer adds them to the first punkt); "" if none */
    char *municipality; /* "Albertslund", "Region Hovedstaden"; "" if none */
    /* Which rule decided date, body and municipality, for --explain ("the
     * label (line 4)", "the most mentions"); "" where the field is empty. */
    const char *date_rule;
    const char *body_rule;
    const char *municipality_rule;
    int unstructured; /* punkter are pages or the whole file (see above) */
    size_t npages;   /* form-feed pages; 0 for text without them */
    ref_furniture *furniture;
    size_t nfurniture;
    ref_punkt *punkter;
    size_t npunkter;
    ref_warning *warnings;
    size_t nwarnings;
} ref_meeting;

/* Parse TEXT (LEN bytes of UTF-8). On success *OUT owns a meeting, which may
 * have zero punkter (the caller decides whether that is an error). Returns
 * REF_ENOMEM or REF_EINVAL (NULL arguments) on failure. */
ref_status ref_minutes_parse(const char *text, size_t len, ref_meeting **out);

/* The same, but a text without punkter is returned as unstructured punkter
 * (see above) instead of none; only a text with no non-blank line still
 * gives zero punkter. What the indexer and `--explain` use. */
ref_status ref_minutes_parse_with_fallback(const char *text, size_t len, ref_meeting **out);

/* Append a person-readable account of what the parser understood of
 * MEETING to OUT: the meeting, each punkt (number, title, journal, closed,
 * page) and its sections (kind, heading, first words), the page furniture
 * left out, and whether the file is structured. For `referat-index
 * --explain`. */
void ref_meeting_explain(const ref_meeting *meeting, ref_buf *out);

void ref_meeting_free(ref_meeting *meeting);

#endif
