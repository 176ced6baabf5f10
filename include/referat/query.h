/* query.h — Referat's query language, parsed into a Xapian query.
 *
 * Syntax (documented for users in README.md and referat-search --help):
 *   words            every word must match (ranked by BM25 with field weights)
 *   "exact phrase"   the words in this order, adjacent
 *   a OR b           either (also ELLER)
 *   NOT a, -a        must not match (also IKKE)
 *   ( … )            grouping
 *   budget*          words starting with "budget"
 *   field:value      titel: beslutning: indstilling: sagsfremstilling:
 *                    anledning: baggrund: historik: bilag: (text fields, value
 *                    a word, phrase or wildcard); udvalg: (body), sagsnr:
 *                    (journal number), år:2017 or år:2015..2017,
 *                    dato:2017-09-07 or dato:2016-01-01..2018-12-31,
 *                    udfald:godkendt (decision outcome, outcome.h's labels)
 *   *                alone: every punkt (to browse by filters and facets)
 * A word also finds its spellings with ae/oe/aa for æ/ø/å (and old "aa"
 * for å), and the abbreviations and synonyms of synonyms.h.
 * A word is analysed by the same chain as the index (analysis.h), so
 * "IT-systemer" matches as a whole or as the phrase of its parts, and a
 * journal number typed bare matches the journal number.
 *
 * The parsed query also knows which analysed terms it looks for, so the
 * snippet builder can mark them (ref_query_matches). */
#ifndef REFERAT_QUERY_H
#define REFERAT_QUERY_H

#include <stddef.h>

#include "referat/analysis.h"
#include "referat/status.h"
#include "referat/synonyms.h"
#include "referat/xdb.h"

typedef struct ref_query_opts {
    int decisions_only; /* free text matches only in the Beslutning section */
    /* Free text matches only in this field's section or title ("titel",
     * "sagsfremstilling", …: fields.h's names), or NULL for anywhere: the
     * web page's "Fundet i" filter. REF_EQUERY for a name that is no text
     * field. */
    const char *in_field;
    const ref_synonyms *synonyms; /* abbreviations to expand, or NULL */
    /* Filters ANDed with the query (the command line's --from/--to/--body):
     * meeting dates from DATE_FROM to DATE_TO inclusive, each "2017",
     * "2017-09" or "2017-09-07" or NULL (open end); meetings of any of the
     * NBODIES bodies (case-insensitive, exact name, or a prefix when it
     * ends in '*': "økonomi*"); of any of the NMUNICIPALITIES
     * municipalities (likewise: "albertslund kommune", "albertslund*"). */
    const char *date_from;
    const char *date_to;
    const char *const *bodies;
    size_t nbodies;
    const char *const *municipalities; /* the same for the municipality */
    size_t nmunicipalities;
    /* Punkter whose decision outcome is any of the NOUTCOMES labels
     * (outcome.h keys: "godkendt", "udsat", …); an unknown one is
     * REF_EQUERY with a message listing the labels. */
    const char *const *outcomes;
    size_t noutcomes;
    /* Only punkter with this journal number (a case thread), matched
     * exactly after folding case and spaces: "07/257" is not "07/2571";
     * NULL for any. */
    const char *journal;
} ref_query_opts;

typedef struct ref_query ref_query;

/* Parse TEXT. On REF_EQUERY, *ERRMSG (when ERRMSG is non-NULL) receives a
 * malloc'd message for the user ("missing closing quote", "the query is
 * empty", …). The query owns its Xapian query; free with ref_query_free. */
ref_status ref_query_parse(ref_analyzer *analyzer, const char *text, const ref_query_opts *opts,
                           ref_query **out, char **errmsg);
void ref_query_free(ref_query *q);

ref_xquery *ref_query_xquery(ref_query *q);
int ref_query_root(const ref_query *q);

/* 1 if the LEN bytes at WORD are an operator of the language (OR, ELLER,
 * AND, OG, NOT, IKKE). */
int ref_query_is_operator(const char *word, size_t len);

/* 1 if TOKEN (from analysing stored text) is one the query looks for. */
int ref_query_matches(const ref_query *q, const ref_token *token);

/* Compound parts are highlighted only where they stand together as the
 * query's compound does (natur + pleje for "naturpleje"). RECENT holds the
 * stems of the last NRECENT WORD/NUMBER tokens at consecutive positions of
 * the stored text, RECENT[0] the newest. Returns the length of the longest
 * phrase of a query compound's parts that ends at RECENT[0] (then the
 * snippet marks RECENT[len-1] .. RECENT[0] as one match), or 0. */
size_t ref_query_part_phrase_len(const ref_query *q, const char *const *recent, size_t nrecent);

/* Call FN with each word the query looks up (positive words, their
 * spellings and synonyms, a compound's canonical form): its STEM and the
 * NPARTS stems of PARTS that must all match (today always none: a query
 * compound's parts match only side by side, which a section count cannot
 * see). A word matches in a field when
 * the field holds STEM, whole or inside a longer compound, or all PARTS.
 * The facet "matched in section" is counted from this (search.c). Words
 * may repeat; a nonzero return from FN stops the walk. */
typedef int (*ref_query_word_fn)(void *ctx, const char *stem, const char *const *parts,
                                 size_t nparts);
void ref_query_each_word(const ref_query *q, ref_query_word_fn fn, void *ctx);

/* Call FN with each name an udvalg or kommune filter asks for, as typed
 * (query fields and options alike): FIELD is "udvalg" or "kommune". */
typedef void (*ref_query_name_fn)(void *ctx, const char *field, const char *name);
void ref_query_each_filter_name(const ref_query *q, ref_query_name_fn fn, void *ctx);

#endif
