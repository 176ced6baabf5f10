/* formats.h — text out of PDF and HTML (indexer-internal; reader.c calls it).
 *
 * Each converter is the only file that includes its library (pdf.c:
 * poppler-glib, html.c: libxml2), so a third-party API is wrapped once. Both
 * append UTF-8 to OUT and leave encoding checks, line endings and the
 * binary/empty tests to reader.c, which treats their output like any text. */
#ifndef REFERAT_INDEXER_FORMATS_H
#define REFERAT_INDEXER_FORMATS_H

#include <stddef.h>

#include "referat/buf.h"
#include "referat/status.h"

/* The text of each page of the PDF in BYTES, pages separated by "\n\f" (a
 * line break, then a form feed starting the next page's first line), so the
 * parser can count pages. *NPAGES receives the page count. REF_EBINARY with
 * *DETAIL set when poppler cannot open the document (damaged, encrypted). */
ref_status ref_pdf_to_text(const void *bytes, size_t len, ref_buf *out, size_t *npages,
                           const char **detail);

/* The visible text of the HTML document in UTF8 (already decoded to UTF-8):
 * script, style, nav, header, footer, form, noscript, template and comments
 * left out; block elements (p, div, li, h1-h6, tr, br, …) become line
 * breaks, and headings stand on lines of their own; cells of a table row are
 * separated by a space. */
ref_status ref_html_to_text(const char *utf8, size_t len, ref_buf *out, const char **detail);

/* 1 if TEXT (decoded UTF-8) starts, after white space, with "<!DOCTYPE
 * html", "<html", "<head" or "<body" (ASCII case ignored). */
int ref_html_sniff(const char *text, size_t len);

#endif
