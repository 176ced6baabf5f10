/* record.h — what is stored with each indexed punkt, to show it in results.
 *
 * The index writer encodes a ref_record into a document's data; the
 * searcher decodes it to build titles, snippets and exports. The encoding is
 * "RFR1", a flag byte (0 = raw, 1 = zlib deflate), then the payload: strings
 * as (varint length, bytes) in a fixed order, sections as a count followed
 * by (kind, heading, text). Texts above a small size are deflated (zlib):
 * minutes text compresses about 3:1.
 *
 * Ownership: a decoded record owns all its strings; ref_record_free()
 * releases them. A record built by the caller for encoding borrows its
 * strings (encode copies nothing it is given into the record). */
#ifndef REFERAT_RECORD_H
#define REFERAT_RECORD_H

#include <stddef.h>

#include "referat/buf.h"
#include "referat/section.h"
#include "referat/status.h"

typedef struct ref_record_section {
    ref_section_kind kind;
    const char *heading;
    const char *text;
} ref_record_section;

typedef struct ref_record {
    const char *id;      /* the punkt's id (its unique term without prefix) */
    const char *source;  /* path of the minutes file */
    const char *body;
    const char *date;    /* YYYY-MM-DD or "" */
    const char *place;
    int punkt;           /* number, 0 if none */
    const char *prefix;
    const char *title;
    const char *journal;
    size_t nsections;
    ref_record_section *sections;
    void *owned_;        /* decode's allocation; NULL for a borrowed record */
} ref_record;

/* Append the encoding of REC to OUT. */
ref_status ref_record_encode(const ref_record *rec, ref_buf *out);
/* Decode LEN bytes into a new record the caller frees with
 * ref_record_free(); REF_EDB_CORRUPT for bytes that are not a record. */
ref_status ref_record_decode(const void *bytes, size_t len, ref_record **out);
void ref_record_free(ref_record *rec);

/* Append to OUT the punkt's decision: the texts of all its Beslutning
 * sections, trimmed, joined by a blank line (nothing when it has none). */
void ref_record_decision(const ref_record *rec, ref_buf *out);

#endif
