/* fields.h — the one table of what Referat puts in the index.
 *
 * Field names of the query language, Xapian term prefixes, value slots and
 * field weights are defined here once; the index writer and the query
 * parser both read this table, so the two sides cannot drift (notmuch's
 * lib/prefix.cc does the same). */
#ifndef REFERAT_FIELDS_H
#define REFERAT_FIELDS_H

#include <stddef.h>

#include "referat/section.h"

typedef enum ref_field_type {
    REF_FIELD_TEXT,    /* analysed words with positions, under PREFIX */
    REF_FIELD_BOOLEAN, /* exact filter terms: PREFIX + folded value */
} ref_field_type;

/* The fields: one X-macro list makes the id enum and the table
 * (lib/fields.c), so code names a field by its id, checked by the
 * compiler, never by a string that a rename would turn into NULL.
 * X(id, query name, Xapian prefix, type, section kind or -1, weight). */
#define REF_FIELD_LIST(X)                                                                          \
    X(REF_FIELD_TITEL, "titel", "S", REF_FIELD_TEXT, -1, 3)                                        \
    X(REF_FIELD_TEKST, "tekst", "XT", REF_FIELD_TEXT, REF_SECTION_NONE, 1)                         \
    X(REF_FIELD_ANLEDNING, "anledning", "XA", REF_FIELD_TEXT, REF_SECTION_ANLEDNING, 1)            \
    X(REF_FIELD_BAGGRUND, "baggrund", "XG", REF_FIELD_TEXT, REF_SECTION_BAGGRUND, 1)               \
    X(REF_FIELD_SAGSFREMSTILLING, "sagsfremstilling", "XS", REF_FIELD_TEXT,                        \
      REF_SECTION_SAGSFREMSTILLING, 1)                                                             \
    X(REF_FIELD_INDSTILLING, "indstilling", "XI", REF_FIELD_TEXT, REF_SECTION_INDSTILLING, 1)      \
    X(REF_FIELD_BESLUTNING, "beslutning", "XB", REF_FIELD_TEXT, REF_SECTION_BESLUTNING, 2)         \
    X(REF_FIELD_HISTORIK, "historik", "XH", REF_FIELD_TEXT, REF_SECTION_HISTORIK, 1)               \
    X(REF_FIELD_BILAG, "bilag", "XL", REF_FIELD_TEXT, REF_SECTION_BILAG, 1)                        \
    X(REF_FIELD_ANDET, "andet", "XO", REF_FIELD_TEXT, REF_SECTION_OTHER, 1)                        \
    X(REF_FIELD_UDVALG, "udvalg", "B", REF_FIELD_BOOLEAN, -1, 0)                                   \
    X(REF_FIELD_SAGSNR, "sagsnr", "J", REF_FIELD_BOOLEAN, -1, 0)                                   \
    X(REF_FIELD_AAR, "år", "Y", REF_FIELD_BOOLEAN, -1, 0)                                          \
    X(REF_FIELD_DATO, "dato", "D", REF_FIELD_BOOLEAN, -1, 0)                                       \
    X(REF_FIELD_KOMMUNE, "kommune", "K", REF_FIELD_BOOLEAN, -1, 0)                                 \
    X(REF_FIELD_UDFALD, "udfald", "XU", REF_FIELD_BOOLEAN, -1, 0) /* outcome.h's label keys */

typedef enum ref_field_id {
#define REF_FIELD_ENUM(id, name, prefix, type, section, weight) id,
    REF_FIELD_LIST(REF_FIELD_ENUM)
#undef REF_FIELD_ENUM
    REF_FIELD_COUNT
} ref_field_id;

typedef struct ref_field {
    ref_field_id id;
    const char *name;     /* query-language name: "titel", "beslutning", … */
    const char *prefix;   /* Xapian term prefix */
    ref_field_type type;
    int section;          /* ref_section_kind the field indexes, or -1 */
    unsigned weight;      /* wdf added per occurrence to the free-text
                             (unprefixed) term: BM25 with field weights */
} ref_field;

/* Value slots. */
enum {
    REF_SLOT_DATE = 0,   /* "YYYYMMDD": sort and date ranges */
    REF_SLOT_PUNKT = 1,  /* number, zero-padded to 6 digits: byte order is numeric order */
    REF_SLOT_YEAR = 2,   /* "YYYY" (facets) */
    REF_SLOT_BODY = 3,   /* body as written (facets) */
    REF_SLOT_SECTIONS = 4, /* one byte per section kind present (facets) */
    REF_SLOT_MUNICIPALITY = 5, /* municipality as written (facets) */
    /* The whole date order in one value, because a remote shard sorts by a
     * value but runs no KeyMaker: "YYYYMMDD" (8 zero bytes when undated),
     * the punkt number as in REF_SLOT_PUNKT, then the punkt's unique id,
     * which breaks every tie the same way in one database or in shards. */
    REF_SLOT_ORDER = 6,
    /* The same with the 8 date bytes complemented: sorted ascending it is
     * newest first, each meeting's punkter still in agenda order. */
    REF_SLOT_ORDER_DESC = 7,
    REF_SLOT_OUTCOME = 8, /* outcome.h label keys, space-separated, in label
                             order ("godkendt oversendt"); absent without a
                             decision (the outcome facet) */
};

/* Prefixes that are not query fields. */
#define REF_PREFIX_UNIQUE "Q"     /* one per punkt: Q + source key + '#' + ordinal */
#define REF_PREFIX_SOURCE "XF"    /* every punkt of a file: XF + source key */
#define REF_PREFIX_HASDECISION "XKbeslutning" /* punkt has a Beslutning section */
#define REF_PREFIX_UNSTRUCTURED "XKtekst"     /* a page or file without punkter */
#define REF_PREFIX_CLOSED "XKlukket"          /* a closed item (title only) */

/* Compound parts (REF_TOKEN_PART from the analysis chain) go under their
 * own prefixes, without positions (no phrase ever uses them, and they were
 * a third of the index's positions): free text under "XC", a field's
 * under the field prefix + "C" ("XBC" for the decision). The query "fravær"
 * then reaches "sygefraværet" through one term lookup, weighted below a
 * standalone match, and a quoted phrase, which uses whole words only, never
 * matches a part by accident. */
#define REF_PREFIX_PART "XC"
#define REF_PART_SUFFIX "C"

/* Positions: a gap between the title and sections so a phrase never spans
 * two of them (notmuch's message.cc leaves 100 for the same reason). */
#define REF_POSITION_GAP 100

/* The table, indexed by ref_field_id (ref_fields[id].id == id), and
 * terminated after REF_FIELD_COUNT rows by an entry with name NULL. */
extern const ref_field ref_fields[];

/* The field with id ID; never NULL for a valid id. */
const ref_field *ref_field_of(ref_field_id id);

/* The field with query name NAME (case-insensitive ASCII/UTF-8 lower-case
 * compare of LEN bytes), or NULL. Accepts aliases ("title", "aar", "year"). */
const ref_field *ref_field_by_name(const char *name, size_t len);
/* The text field for section kind KIND (never NULL for a valid kind). */
const ref_field *ref_field_for_section(ref_section_kind kind);

#endif
