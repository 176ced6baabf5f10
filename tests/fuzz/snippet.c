/* fuzz_snippet — the snippet builder (snippet.h). The input is a query line,
 * then the stored text: "query\ntext". The first byte also picks the target
 * size. Checks snippet.h's promises: the window lies in the text and cuts
 * no character, cut_start/cut_end say whether it was cut, the spans lie in
 * the window, in order, without overlap, and are no more than the matches. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "referat/analysis.h"
#include "referat/query.h"
#include "referat/snippet.h"

static const size_t targets[] = {0, 1, 7, 40, 200, 1000};

static void check_snippet(const ref_snippet *s, const char *text, size_t len)
{
    FUZZ_CHECK(s->start <= s->end && s->end <= len);
    FUZZ_CHECK(fuzz_at_char_boundary(text, len, s->start));
    FUZZ_CHECK(fuzz_at_char_boundary(text, len, s->end));
    FUZZ_CHECK(s->cut_start == (s->start > 0));
    FUZZ_CHECK(s->cut_end == (s->end < len));
    FUZZ_CHECK(s->nspans <= s->nmatches);
    FUZZ_CHECK(s->ndistinct <= s->nmatches);
    size_t prev_end = s->start;
    for (size_t i = 0; i < s->nspans; i++) {
        FUZZ_CHECK(s->spans[i].start >= prev_end);
        FUZZ_CHECK(s->spans[i].start < s->spans[i].end && s->spans[i].end <= s->end);
        prev_end = s->spans[i].end;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ref_analyzer *analyzer;
    if (!analyzer && ref_analyzer_new(&analyzer) != REF_OK)
        abort();
    if (size == 0)
        return 0;
    size_t target = targets[data[0] % (sizeof targets / sizeof targets[0])];
    data++, size--;
    const uint8_t *nl = memchr(data, '\n', size);
    size_t qlen = nl ? (size_t)(nl - data) : size;
    char *query = malloc(qlen + 1);
    if (!query)
        return 0;
    memcpy(query, data, qlen);
    query[qlen] = '\0';
    /* The stored text is exactly the rest: no NUL terminator to lean on. */
    size_t len = nl ? size - qlen - 1 : 0;
    char *text = malloc(len ? len : 1);
    if (!text) {
        free(query);
        return 0;
    }
    if (len)
        memcpy(text, nl + 1, len);
    ref_query *q = NULL;
    if (ref_query_parse(analyzer, query, NULL, &q, NULL) != REF_OK &&
        ref_query_parse(analyzer, "budget OR sygefravær", NULL, &q, NULL) != REF_OK)
        abort();
    ref_snippet s;
    ref_status st = ref_snippet_make(analyzer, q, text, len, target, &s);
    FUZZ_CHECK(st == REF_OK || st == REF_ENOMEM);
    if (st == REF_OK)
        check_snippet(&s, text, len);
    ref_snippet_clear(&s);
    ref_query_free(q);
    free(query);
    free(text);
    return 0;
}
