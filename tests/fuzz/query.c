/* fuzz_query — the query language (query.h) on arbitrary text: parse into a
 * Xapian query (built for real through xdb.h), describe it, and ask which
 * tokens of the query's own text it would highlight (ref_query_matches, as
 * the snippet builder does). A parse either succeeds with a query or fails
 * with REF_EQUERY and a message; nothing else. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "referat/analysis.h"
#include "referat/query.h"
#include "referat/synonyms.h"
#include "referat/xdb.h"

typedef struct highlight_ctx {
    const ref_query *q;
    size_t matched;
} highlight_ctx;

static int highlight(void *vctx, const ref_token *t)
{
    highlight_ctx *c = vctx;
    c->matched += ref_query_matches(c->q, t) != 0;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ref_analyzer *analyzer;
    static ref_synonyms *synonyms;
    if (!analyzer &&
        (ref_analyzer_new(&analyzer) != REF_OK || ref_synonyms_new(&synonyms) != REF_OK))
        abort();
    /* Queries come from a command line or a URL: a C string. */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    ref_query_opts opts = {.decisions_only = size & 1, .synonyms = synonyms};
    ref_query *q = NULL;
    char *errmsg = NULL;
    ref_status st = ref_query_parse(analyzer, text, &opts, &q, &errmsg);
    FUZZ_CHECK(st == REF_OK || st == REF_EQUERY || st == REF_ENOMEM);
    if (st == REF_OK) {
        FUZZ_CHECK(q != NULL && ref_query_root(q) >= 0);
        char *desc = ref_xquery_describe(ref_query_xquery(q), ref_query_root(q));
        FUZZ_CHECK(desc != NULL);
        free(desc);
        highlight_ctx c = {q, 0};
        FUZZ_CHECK(ref_analyze(analyzer, text, strlen(text), highlight, &c, NULL) == REF_OK);
        ref_query_free(q);
    } else if (st == REF_EQUERY) {
        FUZZ_CHECK(q == NULL && errmsg != NULL && errmsg[0] != '\0');
    }
    free(errmsg);
    free(text);
    return 0;
}
