/* punktdoc.h — build the Xapian document for one punkt (indexer-internal). */
#ifndef REFERAT_INDEXER_PUNKTDOC_H
#define REFERAT_INDEXER_PUNKTDOC_H

#include "referat/analysis.h"
#include "referat/minutes.h"
#include "referat/xdb.h"

/* Called with each word (case-folded, letters only) the punkt contains,
 * for the spelling dictionary behind "Mente du". */
typedef ref_status (*ref_punktdoc_word_fn)(void *ctx, const char *word);

/* Fill DOC (fresh from ref_xdoc_new) with the terms, values and stored
 * record of punkt number ORDINAL (0-based) of MEETING, read from the file
 * SOURCE_PATH whose source key is SOURCE_KEY. UNIQUE receives the punkt's
 * unique term (Q…). WORD_FN may be NULL. */
ref_status ref_punktdoc_build(ref_analyzer *analyzer, const ref_meeting *meeting, size_t ordinal,
                              const char *source_path, const char *source_key, ref_xdoc *doc,
                              ref_buf *unique, ref_punktdoc_word_fn word_fn, void *word_ctx);

#endif
