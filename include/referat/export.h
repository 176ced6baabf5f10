/* export.h — write search hits to a file for people and other programs:
 * CSV (for Excel), JSON Lines, Markdown (for notes) and HTML (a report).
 *
 * The exporter streams: open, then hand it hits one at a time (optionally
 * under group headings such as years, for a timeline), then close. Only one
 * hit is formatted in memory at a time (plus a 64 KiB write buffer), so a
 * timeline of thousands of hits is never held twice.
 *
 * Output goes to stdout when PATH is NULL or "-", else to the file PATH,
 * gzip-compressed (zlib) when PATH ends in ".gz". A file is written
 * atomically: into a temporary ".NAME.XXXXXX" in the same folder, synced and
 * renamed over PATH only by a successful ref_export_close(). A failed or
 * aborted export removes the temporary file and leaves an existing PATH as
 * it was. (Killed by a signal, the process leaves the hidden temporary.)
 * The file gets mode 0666 less the umask, as fopen would give it.
 *
 * Errors are sticky (as in buf.h): after the first failure every call
 * returns the same status and does nothing; ref_export_close() returns it.
 * File errors are REF_ENOENT (the folder does not exist) or REF_EIO, with
 * the errno text and the file name in the message.
 *
 * Every format carries, per hit: rank, score, body, date, punkt, title,
 * journal, section key, snippet, matched words, the full decision when
 * opts.full, and the source file.
 *
 * CSV columns (header row, always all twelve, in this order; the names are
 * the JSON keys of present.h, so one vocabulary serves every format):
 *   rank      1-based rank
 *   score     BM25 score, 4 decimals; decimal comma when the separator is
 *             ';' (what Danish Excel reads as a number), point otherwise
 *   body      committee                  date     YYYY-MM-DD or empty
 *   punkt     punkt number, empty if none
 *   title     punkt title                journal  journal number or empty
 *   section   section key of the snippet ("beslutning", …) or empty
 *   snippet   the snippet as plain text ("…" where the passage was cut)
 *   matches   the matched words of the snippet as they stand in the text,
 *             first spelling of each (case-insensitively) distinct word,
 *             joined by ", "
 *   decision  with opts.full: the texts of all the punkt's Beslutning
 *             sections joined by a blank line; else empty (the column stays,
 *             so column positions never depend on options)
 *   source    path of the minutes file
 * The file is UTF-8 with a byte order mark, fields separated by opts.csv_sep
 * (';' by default), rows ended by CRLF, quoted per RFC 4180 when they hold
 * the separator, '"', CR or LF (quotes doubled, line breaks kept inside the
 * quotes). Groups are not written: the date column carries the year.
 *
 * Formula injection: a text field that starts with '=', '+', '-', '@', TAB
 * or CR gets a leading apostrophe ("'=SUM(A1)"), so Excel and LibreOffice
 * show it as text instead of running it (OWASP's advice). The apostrophe is
 * visible in the cell; programs that want the bytes verbatim read JSON Lines.
 * The numeric columns (rank, score, punkt) are never prefixed.
 *
 * JSON Lines: exactly the lines of ref_present_json_hit() (keys in
 * present.h); with opts.full one more key, "decision" (string, as above),
 * before the closing brace. Groups are not written.
 *
 * Markdown: "# Søgning: QUERY", the filters, the export time and the count, "## LABEL" per group,
 * then per hit "### RANK. TITLE", an italic metadata line, the snippet as a quote with matches in
 * **bold**, the decision as a quote, and the source in a code span. Text is escaped so that it
 * shows as written: a backslash before \ ` * _ [ ] < > # | ~ anywhere, before '&' that starts an
 * entity-like word, and at the start of a line before - + = and the '.' or ')' after digits (lists,
 * setext headings); leading blanks of decision lines are dropped so no line turns into a code
 * block.
 *
 * HTML: one self-contained UTF-8 document (inline CSS, no scripts, no
 * external resources); title and heading give the query and opts.count,
 * then the filters and the export time;
 * one <section> with an <h2> per group, one <article class="hit"> per hit;
 * all text escaped (& < > " '), matches in <mark>; the decision in
 * <div class="decision"> keeps its line breaks. */
#ifndef REFERAT_EXPORT_H
#define REFERAT_EXPORT_H

#include <stddef.h>

#include "referat/buf.h"
#include "referat/search.h"
#include "referat/status.h"

/* Formats and their names; the first name is the canonical one. */
#define REF_EXPORT_FORMAT_LIST(X)                                                                  \
    X(REF_EXPORT_CSV, "csv", "csv")                                                                \
    X(REF_EXPORT_JSONL, "jsonl", "json")                                                           \
    X(REF_EXPORT_MD, "md", "markdown")                                                             \
    X(REF_EXPORT_HTML, "html", "htm")

typedef enum ref_export_format {
#define REF_EXPORT_FORMAT_ENUM(name, key, alias) name,
    REF_EXPORT_FORMAT_LIST(REF_EXPORT_FORMAT_ENUM)
#undef REF_EXPORT_FORMAT_ENUM
} ref_export_format;

typedef struct ref_export_opts {
    ref_export_format format;
    const char *query; /* shown in Markdown/HTML titles; NULL = none */
    size_t count;      /* hits found, for Markdown/HTML titles; 0 = not
                          stated (the HTML footer always gives the number
                          written) */
    int full;          /* add the full decision text */
    char csv_sep;      /* CSV field separator; 0 = ';' */
    /* Reports (Markdown, HTML) open with what produced them: */
    const char *filters;   /* the filters in words ("udvalg: Chefforum; år:
                              2015–2017"), NULL or "" = none */
    long long exported_at; /* seconds since the epoch; 0 = not stated */
    int count_known;       /* COUNT is stated even when 0 */
    /* Sources: written relative to SOURCE_ROOT (a folder, no trailing
     * '/') when they lie under it; reports link each to SOURCE_LINK
     * followed by the punkt's id percent-encoded (a web server's
     * /kilde/ route) when SOURCE_LINK is set. NULL = as stored, no link. */
    const char *source_root;
    const char *source_link;
} ref_export_opts;

typedef struct ref_export ref_export;

/* The format called NAME ("csv", "jsonl" or "json", "md" or "markdown",
 * "html" or "htm"; any case). REF_EINVAL for any other name. */
ref_status ref_export_format_from_name(const char *name, ref_export_format *out);
/* The format a file name's extension implies ("x.csv", "x.jsonl.gz",
 * "notes.md", "r.html"); a ".gz" ending is looked through. REF_EINVAL when
 * the name has no known extension. */
ref_status ref_export_format_from_path(const char *path, ref_export_format *out);
/* The canonical name of FORMAT ("csv", "jsonl", "md", "html"); static. */
const char *ref_export_format_name(ref_export_format format);

/* Start an export to PATH (see above for NULL, "-" and ".gz") and write the
 * format's header (BOM and header row, document head). REF_EINVAL for a
 * CSV separator that cannot work ('"', CR, LF, a letter, digit or non-ASCII
 * byte). On failure *OUT is NULL and *ERRMSG (may be NULL) receives a
 * malloc'd detail the caller frees. */
ref_status ref_export_open(const ref_export_opts *opts, const char *path, ref_export **out,
                           char **errmsg);
/* Start a group, e.g. a year of a timeline: the hits after it belong to
 * LABEL until the next group. Markdown and HTML show it; CSV and JSON Lines
 * ignore it. */
ref_status ref_export_begin_group(ref_export *ex, const char *label);
/* Write one hit (HIT is only read, and may be freed once this returns). */
ref_status ref_export_hit(ref_export *ex, const ref_hit *hit);

/* Names the group a hit starts, or NULL when it continues the current one
 * (a timeline's years); LABEL is SIZE bytes. */
typedef const char *(*ref_export_group_fn)(void *ctx, const ref_hit *hit, char *label, size_t size);
/* Write the N HITS in order, starting groups where GROUP (may be NULL)
 * says. With UNDATED_LAST (a list in date order), hits without a date
 * come after all the dated ones, under the group "Uden dato", in every
 * format (CSV and JSON Lines have no headings, but keep the order). */
ref_status ref_export_hits(ref_export *ex, const ref_hit *hits, size_t n, int undated_last,
                           ref_export_group_fn group, void *ctx);
/* Finish the document, flush, sync and rename the file into place; then
 * free EX. Returns the first error of the export, if any (the file is then
 * removed and *ERRMSG, may be NULL, receives a malloc'd detail). */
ref_status ref_export_close(ref_export *ex, char **errmsg);
/* Give up: remove the temporary file, free EX (NULL is fine). Whatever was
 * already written to stdout stays written. */
void ref_export_abort(ref_export *ex);
/* The detail of the export's first error, "" while there is none. */
const char *ref_export_errmsg(const ref_export *ex);

/* The filters of OPTS in words, for opts.filters: "kun beslutninger;
 * udvalg: Chefforum, Byrådet; fra 2015; til 2017; kommune: Albertslund"
 * (appended to OUT; nothing when there are none). */
void ref_export_describe_filters(ref_buf *out, const ref_search_opts *opts);

/* The escapers the formats use, public for the HTTP front end and for
 * table-driven tests. Each appends LEN bytes of S to OUT. */
/* One CSV field: guarded against formulas, quoted when needed (see above). */
void ref_export_csv_field(ref_buf *out, const char *s, size_t len, char sep);
/* HTML text or attribute value: & < > " ' as entities; C0 controls other
 * than TAB, LF and CR dropped. */
void ref_export_html_escape(ref_buf *out, const char *s, size_t len);
/* Markdown inline text, escaped as above; LINE_START says whether S begins
 * a line (where list and heading markers need escaping). */
void ref_export_md_escape(ref_buf *out, const char *s, size_t len, int line_start);

/* The time a report states as its export time: $SOURCE_DATE_EPOCH when it
 * holds a number of seconds (the reproducible-builds convention, so that a
 * report can be compared byte for byte, as tests/fault/faultrun.py does),
 * else the clock. */
long long ref_export_now(void);

#endif
