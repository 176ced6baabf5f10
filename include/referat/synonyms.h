/* synonyms.h — abbreviations and synonyms the query side understands.
 *
 * Danish municipal text is full of abbreviations (APV, KB, ØU, KKR, TCG,
 * CF, MED, KL). A query for one finds the other. The built-in table can be
 * extended with a file of the same format (referat-search --synonyms FILE,
 * or $REFERAT_SYNONYMS):
 *
 *   # comment
 *   apv, arbejdspladsvurdering          two-way: each finds the others
 *   med => medudvalg, medbestemmelse    one-way: "med" also finds the rest,
 *                                       but not the reverse ("med" is also
 *                                       the everyday word "with")
 *
 * Entries are case-folded; an alternative of several words is searched as
 * a phrase. Expansion happens on the query side only (never both sides: see
 * SQLite FTS5's warning about synonyms). */
#ifndef REFERAT_SYNONYMS_H
#define REFERAT_SYNONYMS_H

#include <stddef.h>

#include "referat/status.h"

typedef struct ref_synonyms ref_synonyms;

/* The built-in table. */
ref_status ref_synonyms_new(ref_synonyms **out);
/* Add the entries of FILE. On a syntax error returns REF_EINVAL and *LINE
 * is the 1-based line; REF_ENOENT/REF_EIO when it cannot be read. */
ref_status ref_synonyms_load(ref_synonyms *syn, const char *path, size_t *line);
/* Add the entries in TEXT (the file format). */
ref_status ref_synonyms_add_text(ref_synonyms *syn, const char *text, size_t *line);
void ref_synonyms_free(ref_synonyms *syn);

/* Call FN for each alternative of the case-folded WORD (never WORD itself). */
typedef void (*ref_synonym_fn)(void *ctx, const char *alternative);
void ref_synonyms_expand(const ref_synonyms *syn, const char *word, ref_synonym_fn fn, void *ctx);

#endif
