/* record.h — what is stored with each indexed punkt, to show it in results.
 *
 * The index writer encodes a ref_record into a document's data; the
 * searcher decodes it to build titles, snippets and exports. The encoding is
 * "RFR2", a flag byte (0 = raw, 1 = zlib deflate), then the payload: strings
 * as (varint length, bytes) in a fixed order, sections as a count followed
 * by (kind, heading, text), then what RFR2 added: the municipality, a flags
 * varint (REF_RECORD_UNSTRUCTURED, REF_RECORD_CLOSED), the punkt's page and
 * each section's page. With REF_RECORD_DEFLATE texts above a small size
 * are deflated (zlib): minutes text compresses about 3:1; the index writes
 * REF_RECORD_RAW, since Xapian compresses what it stores. "RFR1" records (written before the
 * RFR2 fields existed) still decode, with those fields empty or 0.
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

/* ref_record.flags */
enum {
    REF_RECORD_UNSTRUCTURED = 1, /* a page or file with no punkter recognised */
    REF_RECORD_CLOSED = 2,       /* a closed item: title only, no sections */
};

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
    const char *municipality; /* "Albertslund", "Region Hovedstaden" or "" */
    unsigned flags;      /* REF_RECORD_UNSTRUCTURED | REF_RECORD_CLOSED */
    int page;            /* page where the punkt starts; 0 if unknown */
    const int *section_pages; /* page of each section's heading (0 if
                                 unknown), or NULL for none known */
    void *owned_;        /* decode's allocation; NULL for a borrowed record */
} ref_record;

/* How encode packs the payload. */
typedef enum ref_record_packing {
    REF_RECORD_DEFLATE, /* deflated when big enough to gain (a store that
                           keeps bytes as given) */
    REF_RECORD_RAW,     /* never deflated: for a store that compresses by
                           itself. Xapian's docdata table deflates every
                           stored record, so deflating it here first made
                           each record go through zlib twice at write time
                           for nothing (the second pass could not shrink
                           it). */
} ref_record_packing;

/* Append the encoding of REC to OUT, packed as PACKING says. */
ref_status ref_record_encode(const ref_record *rec, ref_record_packing packing, ref_buf *out);
/* Decode LEN bytes into a new record the caller frees with
 * ref_record_free(); REF_EDB_CORRUPT for bytes that are not a record. */
ref_status ref_record_decode(const void *bytes, size_t len, ref_record **out);
void ref_record_free(ref_record *rec);

/* Append to OUT the punkt's decision: the texts of all its Beslutning
 * sections, trimmed, joined by a blank line (nothing when it has none). */
void ref_record_decision(const ref_record *rec, ref_buf *out);

#endif
