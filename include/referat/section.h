/* section.h — the kinds of section an agenda item (punkt) has.
 *
 * Shared by the parser (which finds them), the field table (which indexes
 * each as a field) and the presenters (which name them). One X-macro list
 * makes the enum and the keys. */
#ifndef REFERAT_SECTION_H
#define REFERAT_SECTION_H

/* Section kinds. Keys are lower-case Danish. */
#define REF_SECTION_LIST(X)                                                    \
    X(REF_SECTION_NONE, "tekst")         /* text before any heading */          \
    X(REF_SECTION_ANLEDNING, "anledning")                                      \
    X(REF_SECTION_BAGGRUND, "baggrund")                                        \
    X(REF_SECTION_SAGSFREMSTILLING, "sagsfremstilling")                        \
    X(REF_SECTION_INDSTILLING, "indstilling")                                  \
    X(REF_SECTION_BESLUTNING, "beslutning")                                    \
    X(REF_SECTION_HISTORIK, "historik")                                        \
    X(REF_SECTION_BILAG, "bilag")                                              \
    X(REF_SECTION_OTHER, "andet")        /* any other heading-like line */

typedef enum ref_section_kind {
#define REF_SECTION_ENUM(name, key) name,
    REF_SECTION_LIST(REF_SECTION_ENUM)
#undef REF_SECTION_ENUM
    REF_SECTION_COUNT
} ref_section_kind;

/* Lower-case Danish key of a kind ("beslutning", "andet", …); static. */
const char *ref_section_kind_key(ref_section_kind kind);

#endif
