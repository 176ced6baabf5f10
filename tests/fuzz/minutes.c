/* fuzz_minutes — the minutes parser as the indexer drives it: raw file bytes
 * (gzip, UTF-16, Latin-1, CRLF, HTML, …) → reader.h → clean UTF-8 →
 * minutes.h's parse with its never-lose-text fallback.
 * Checks what minutes.h promises: line numbers inside the text, punkt numbers
 * in range, section and warning strings present, at most 1001 warnings. */
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "referat/minutes.h"
#include "referat/reader.h"

/* Enough for any real minutes file, small enough that a gzip bomb in the
 * input costs milliseconds. */
#define FUZZ_MAX_TEXT (1u << 22)

static size_t count_lines(const char *s, size_t n)
{
    size_t lines = 1;
    for (size_t i = 0; i < n; i++)
        lines += s[i] == '\n';
    return lines;
}

static void check_meeting(const ref_meeting *m, size_t nlines)
{
    FUZZ_CHECK(m->body && m->date && m->place && m->heading);
    FUZZ_CHECK(m->date[0] == '\0' || strlen(m->date) == 10);
    FUZZ_CHECK(m->nwarnings <= 1001);
    for (size_t i = 0; i < m->nwarnings; i++) {
        FUZZ_CHECK(m->warnings[i].message && m->warnings[i].message[0]);
        FUZZ_CHECK(m->warnings[i].line <= nlines);
    }
    size_t prev_line = 0;
    for (size_t i = 0; i < m->npunkter; i++) {
        const ref_punkt *p = &m->punkter[i];
        FUZZ_CHECK(p->number >= 0 && p->number <= 99999);
        FUZZ_CHECK(p->prefix && p->title && p->journal);
        FUZZ_CHECK(p->line >= 1 && p->line <= nlines);
        /* Non-decreasing, not increasing: text that lost its line breaks is
         * split into pieces, and two punkter can start on one line
         * (seeds/minutes/crash-flattened-two-punkter-one-line). A punkt the
         * table of contents lists but the body never reaches stands in
         * number order at its contents line (minutes.h: `listed`), so the
         * order holds among the punkter the body reaches
         * (seeds/minutes/crash-listed-punkt-before-reached-one). */
        if (!p->listed) {
            FUZZ_CHECK(p->line >= prev_line);
            prev_line = p->line;
        } else {
            FUZZ_CHECK(p->nsections == 0);
        }
        for (size_t j = 0; j < p->nsections; j++) {
            const ref_section *s = &p->sections[j];
            FUZZ_CHECK(s->heading && s->text);
            FUZZ_CHECK(s->line >= p->line && s->line <= nlines);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* PDF goes to poppler, third-party code fuzzed upstream (OSS-Fuzz) and
     * not instrumented here; our glue (indexer/pdf.c) is tested by
     * e2e_formats. HTML does run through libxml2 and our html.c. */
    if (size >= 4 && memcmp(data, "%PDF", 4) == 0)
        return 0;
    ref_text text;
    if (ref_text_from_bytes(data, size, FUZZ_MAX_TEXT, &text, NULL) != REF_OK)
        return 0;
    FUZZ_CHECK(text.data && text.data[text.len] == '\0');
    FUZZ_CHECK(memchr(text.data, '\r', text.len) == NULL);
    ref_meeting *m = NULL;
    /* What the indexer calls: unrecognised text becomes unstructured
     * punkter, and header text a punkt of its own. */
    ref_status st = ref_minutes_parse_with_fallback(text.data, text.len, &m);
    FUZZ_CHECK(st == REF_OK || st == REF_ENOMEM);
    if (st == REF_OK) {
        check_meeting(m, count_lines(text.data, text.len));
        ref_meeting_free(m);
    }
    ref_text_free(&text);
    return 0;
}
