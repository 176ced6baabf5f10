/* reader.h — turn a minutes file on disk into clean UTF-8 text.
 *
 * Reads .txt/.md files, PDF (poppler: the text of each page, pages separated
 * by "\n\f"), HTML (libxml2's HTML parser: visible text, block elements as
 * line breaks, scripts, styles and navigation left out) and the gzip-compressed
 * forms of each (.gz, via zlib). The format is told by the content (gzip and
 * PDF magic, an HTML start tag) and, for HTML, by a .html/.htm name. Strips a UTF-8 BOM, converts CRLF/CR line endings to LF, detects the
 * encoding (UTF-8; UTF-16 LE/BE with BOM; otherwise Latin-1/Windows-1252 when
 * the bytes are not valid UTF-8) and converts to UTF-8. Rejects empty files
 * and binary files (NUL bytes or mostly control characters in plain 8-bit
 * text). Knows nothing of minutes structure, Xapian or the terminal. */
#ifndef REFERAT_READER_H
#define REFERAT_READER_H

#include <stddef.h>

#include "referat/status.h"

typedef enum ref_encoding {
    REF_ENC_UTF8,
    REF_ENC_UTF16LE,
    REF_ENC_UTF16BE,
    REF_ENC_LATIN1, /* ISO-8859-1, with Windows-1252's 0x80-0x9F printables */
} ref_encoding;

/* "UTF-8", "UTF-16LE", … : a static string. */
const char *ref_encoding_name(ref_encoding enc);

typedef enum ref_text_format {
    REF_FORMAT_TEXT, /* plain text or Markdown */
    REF_FORMAT_PDF,
    REF_FORMAT_HTML,
} ref_text_format;

/* "text", "PDF", "HTML": a static string. */
const char *ref_text_format_name(ref_text_format format);

typedef struct ref_text {
    char *data;           /* UTF-8, LF line endings, no BOM, NUL-terminated */
    size_t len;           /* bytes, excluding the final NUL */
    ref_encoding source_encoding; /* what the file was, before conversion */
    int was_gzip;         /* 1 if the file was gzip-compressed */
    ref_text_format format; /* what the (decompressed) file was */
    size_t npages;        /* PDF: pages ("\n\f" between them); else 0 */
    size_t invalid_line;  /* 0, or the first line (1-based) where invalid
                             UTF-8 was met in a file judged UTF-8; such bytes
                             are replaced with U+FFFD */
} ref_text;

/* Read PATH into *OUT (caller releases with ref_text_free). MAX_BYTES bounds
 * the decompressed size (0 = no bound; REF_ETOOBIG beyond it).
 * On failure returns REF_ENOENT, REF_EIO (unreadable, truncated gzip),
 * REF_EEMPTY, REF_EBINARY or REF_ENOMEM, and *OUT is left zeroed; when
 * DETAIL is non-NULL it receives a short static explanation (for example
 * "gzip stream truncated" or "NUL byte at offset 1234") or NULL. */
ref_status ref_text_read_file(const char *path, size_t max_bytes, ref_text *out,
                              const char **detail);

/* The same from bytes already in memory (used by tests and fuzzers):
 * decodes gzip if BYTES starts with the gzip magic, then reads PDF if the
 * bytes start "%PDF-" and HTML if the text starts with an HTML tag. */
ref_status ref_text_from_bytes(const void *bytes, size_t len, size_t max_bytes,
                               ref_text *out, const char **detail);

void ref_text_free(ref_text *text);

/* 1 if PATH names a file the indexer reads: .txt, .md, .markdown, .pdf,
 * .html, .htm, and the same with .gz appended (case-insensitive). */
int ref_reader_wants_path(const char *path);

#endif
