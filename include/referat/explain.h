/* explain.h — show what the analysis chain makes of a text
 * (referat-search --analyze): for each word its token, stem and, for a
 * compound, its parts (lower case, linking letters dropped, modifiers in
 * dictionary form — as in tests/data/decompound-gold.tsv) and their stems.
 *
 * JSON Lines: one object per token with the keys token, stem, parts,
 * part_stems (arrays, empty for a simple word) and terms (every compound
 * term the index holds for the word under the XC prefix, sub-compounds
 * included). */
#ifndef REFERAT_EXPLAIN_H
#define REFERAT_EXPLAIN_H

#include <stddef.h>

#include "referat/analysis.h"
#include "referat/buf.h"
#include "referat/lexicon.h"

ref_status ref_explain_analysis(ref_buf *out, ref_analyzer *analyzer, const ref_lexicon *lexicon,
                                const char *text, size_t len, int json);

#endif
