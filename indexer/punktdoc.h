/* punktdoc.h — build the Xapian document for one punkt (indexer-internal). */
#ifndef REFERAT_INDEXER_PUNKTDOC_H
#define REFERAT_INDEXER_PUNKTDOC_H

#include "referat/analysis.h"
#include "referat/minutes.h"
#include "referat/xdb.h"

/* Fill DOC (fresh from ref_xdoc_new) with the terms, values and stored
 * record of punkt number ORDINAL (0-based) of MEETING, read from the file
 * SOURCE_PATH whose source key is SOURCE_KEY. UNIQUE receives the punkt's
 * unique term (Q…). */
ref_status ref_punktdoc_build(ref_analyzer *analyzer, const ref_meeting *meeting, size_t ordinal,
                              const char *source_path, const char *source_key, ref_xdoc *doc,
                              ref_buf *unique);

#endif
