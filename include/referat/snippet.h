/* snippet.h — choose the passage of a text that best shows why it matched.
 *
 * The snippet builder re-runs the analysis chain over the stored text (one
 * code path for index and snippet, as SQLite FTS5 does), asks the query
 * which tokens it looks for, and picks the window of about TARGET bytes
 * with the most distinct matched terms. Spans are byte offsets into the
 * text; the window never cuts a UTF-8 character or, where it can help it,
 * a word. Presenters turn a snippet into bold text, <mark> or plain text. */
#ifndef REFERAT_SNIPPET_H
#define REFERAT_SNIPPET_H

#include <stddef.h>

#include "referat/analysis.h"
#include "referat/query.h"
#include "referat/status.h"

typedef struct ref_span {
    size_t start, end; /* [start, end) in the text */
} ref_span;

typedef struct ref_snippet {
    size_t start, end;  /* the window in the text */
    int cut_start;      /* the window starts after the text's start */
    int cut_end;        /* the window ends before the text's end */
    ref_span *spans;    /* matched token spans inside the window, in order,
                           non-overlapping; owned, see ref_snippet_clear */
    size_t nspans;
    size_t nmatches;    /* matched tokens in the whole text */
    size_t ndistinct;   /* distinct matched terms in the window */
} ref_snippet;

#define REF_SNIPPET_DEFAULT_BYTES 200

/* Build the snippet of LEN bytes of TEXT for Q into *OUT (which the caller
 * releases with ref_snippet_clear). With no match, the window is the text's
 * beginning and nmatches is 0. */
ref_status ref_snippet_make(ref_analyzer *analyzer, const ref_query *q, const char *text,
                            size_t len, size_t target, ref_snippet *out);
void ref_snippet_clear(ref_snippet *snippet);

#endif
