/* test_snippet.c — the snippet builder (snippet.h): spans exactly on the
 * matched words, the window with most distinct terms, cut flags, and the
 * promises that hold for every text and target size — never cutting a
 * UTF-8 character, spans inside the window and in order — checked over a
 * Danish text full of æ, ø and å at every target from 1 to 400 bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referat/analysis.h"
#include "referat/buf.h"
#include "referat/query.h"
#include "referat/snippet.h"

typedef struct fixture {
    ref_analyzer *an;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || ref_analyzer_new(&f->an) != REF_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ref_analyzer_free(f->an);
    free(f);
    return 0;
}

static ref_query *parse_ok(fixture *f, const char *text)
{
    ref_query *q = NULL;
    char *err = NULL;
    ref_status st = ref_query_parse(f->an, text, NULL, &q, &err);
    if (st != REF_OK)
        fail_msg("\"%s\": %s", text, err ? err : ref_status_str(st));
    return q;
}

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

typedef struct span_check {
    const ref_query *q;
    size_t start, end;
    int found; /* a matched token with exactly this span */
} span_check;

static int find_token(void *vctx, const ref_token *t)
{
    span_check *c = vctx;
    if (t->start == c->start && t->end == c->end && ref_query_matches(c->q, t))
        c->found = 1;
    return c->found;
}

/* Everything snippet.h promises for any text and target. */
static void check_invariants(fixture *f, const ref_query *q, const char *text, size_t len,
                             size_t target, const ref_snippet *s)
{
    assert_true(s->start <= s->end);
    assert_true(s->end <= len);
    /* Never inside a UTF-8 character. */
    if (s->start < len && is_cont((unsigned char)text[s->start]))
        fail_msg("target %zu: window starts inside a character at %zu", target, s->start);
    if (s->end < len && is_cont((unsigned char)text[s->end]))
        fail_msg("target %zu: window ends inside a character at %zu", target, s->end);
    assert_int_equal(s->cut_start, s->start > 0);
    assert_int_equal(s->cut_end, s->end < len);
    /* About the target: never longer. */
    if (s->end - s->start > target)
        fail_msg("target %zu: window of %zu bytes", target, s->end - s->start);
    assert_true(s->nspans <= s->nmatches);
    assert_true(s->ndistinct <= s->nspans || s->nspans == 0);
    for (size_t i = 0; i < s->nspans; i++) {
        const ref_span *sp = &s->spans[i];
        assert_true(sp->start < sp->end);
        assert_true(sp->start >= s->start && sp->end <= s->end);
        if (i)
            assert_true(sp->start >= s->spans[i - 1].end);
        /* Exactly on a matched token of the text. */
        span_check c = {q, sp->start, sp->end, 0};
        assert_int_equal(ref_analyze(f->an, text, len, find_token, &c, NULL), REF_OK);
        if (!c.found)
            fail_msg("target %zu: span [%zu, %zu) \"%.*s\" is no matched token", target, sp->start,
                     sp->end, (int)(sp->end - sp->start), text + sp->start);
    }
}

static ref_snippet make(fixture *f, const ref_query *q, const char *text, size_t target)
{
    ref_snippet s;
    size_t len = strlen(text);
    assert_int_equal(ref_snippet_make(f->an, q, text, len, target, &s), REF_OK);
    check_invariants(f, q, text, len, target ? target : REF_SNIPPET_DEFAULT_BYTES, &s);
    return s;
}

/* The spanned texts, "a,b", malloc'd. */
static char *span_texts(const char *text, const ref_snippet *s)
{
    ref_buf b = REF_BUF_INIT;
    ref_buf_puts(&b, "");
    for (size_t i = 0; i < s->nspans; i++)
        ref_buf_printf(&b, "%s%.*s", i ? "," : "", (int)(s->spans[i].end - s->spans[i].start),
                       text + s->spans[i].start);
    return ref_buf_detach(&b);
}

/* ---- the table ------------------------------------------------------------ */

static void test_spans_are_the_matched_words(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *query, *text, *want;
    } cases[] = {
        {"budget", "Byrådet vedtog budgettet for 2017 og et nyt budget.", "budgettet,budget"},
        {"Budget skole", "Skolens budget, skolen og Budget", "Skolens,budget,skolen,Budget"},
        {"skole", "Skole og skole", "Skole,skole"},
        {"\"nyt budget\"", "et nyt budget", "nyt,budget"},
        {"budget*", "Budgetopfølgning og budgetter, ikke bud", "Budgetopfølgning,budgetter"},
        {"13/3462", "Sagsnr. 13/3462 blev lukket", "13/3462"},
        {"IT-systemer", "Nye IT-systemer i år", "IT-systemer"},
        {"-budget skole", "Skole og budget", "Skole"},
        {"kage", "Ingen træf her", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ref_query *q = parse_ok(f, cases[i].query);
        ref_snippet s = make(f, q, cases[i].text, 0);
        char *got = span_texts(cases[i].text, &s);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("\"%s\" in \"%s\": spans \"%s\", want \"%s\"", cases[i].query, cases[i].text,
                     got, cases[i].want);
        /* A short text is shown whole. */
        assert_int_equal(s.start, 0);
        assert_int_equal(s.end, strlen(cases[i].text));
        assert_false(s.cut_start);
        assert_false(s.cut_end);
        free(got);
        ref_snippet_clear(&s);
        ref_query_free(q);
    }
}

/* N words of filler without any query word, space-separated. */
static void filler(ref_buf *b, size_t words)
{
    static const char *w[] = {"mødet",     "blev",      "holdt",     "på",    "rådhuset",
                              "hvor",      "økonomien", "drøftedes", "længe", "af",
                              "udvalgets", "ældste",    "få"};
    for (size_t i = 0; i < words; i++)
        ref_buf_printf(b, "%s ", w[i % (sizeof w / sizeof w[0])]);
}

static void test_best_window_has_most_distinct_terms(void **state)
{
    fixture *f = *state;
    /* "skole" three times early, then far away "skole" and "budget" close
     * together: the later window has two distinct terms and wins. */
    ref_buf b = REF_BUF_INIT;
    ref_buf_puts(&b, "skole skole skole ");
    filler(&b, 200);
    size_t second = b.len;
    ref_buf_puts(&b, "skole og budget ");
    filler(&b, 200);
    ref_query *q = parse_ok(f, "budget skole");
    ref_snippet s = make(f, q, b.data, 120);
    assert_int_equal(s.ndistinct, 2);
    assert_int_equal(s.nmatches, 5);
    assert_true(s.start <= second && s.end >= second + strlen("skole og budget"));
    char *got = span_texts(b.data, &s);
    assert_string_equal(got, "skole,budget");
    assert_true(s.cut_start);
    assert_true(s.cut_end);
    free(got);
    ref_snippet_clear(&s);

    /* With one distinct term everywhere, more matches win, then the earliest. */
    ref_buf_reset(&b);
    ref_buf_puts(&b, "skole ");
    filler(&b, 100);
    size_t dense = b.len;
    ref_buf_puts(&b, "skole skole skole ");
    filler(&b, 100);
    s = make(f, q, b.data, 60);
    assert_int_equal(s.nspans, 3);
    assert_true(s.start <= dense && s.spans[0].start == dense);
    ref_snippet_clear(&s);
    ref_query_free(q);
    ref_buf_free(&b);
}

static void test_window_leads_in_before_the_match(void **state)
{
    fixture *f = *state;
    ref_buf b = REF_BUF_INIT;
    filler(&b, 100);
    size_t at = b.len;
    ref_buf_puts(&b, "budget ");
    filler(&b, 100);
    ref_query *q = parse_ok(f, "budget");
    ref_snippet s = make(f, q, b.data, 200);
    /* Some context before the match, the window about the target size, and
     * it starts at a word. */
    assert_true(s.start < at);
    assert_true(s.end > at);
    assert_true(s.end - s.start >= 150);
    assert_true(b.data[s.start - 1] == ' ');
    assert_true(s.end == b.len || b.data[s.end] == ' ');
    assert_true(s.cut_start && s.cut_end);
    assert_int_equal(s.nspans, 1);
    assert_int_equal(s.spans[0].start, at);
    assert_int_equal(s.spans[0].end, at + strlen("budget"));
    ref_snippet_clear(&s);
    ref_query_free(q);
    ref_buf_free(&b);
}

static void test_no_match_shows_the_beginning(void **state)
{
    fixture *f = *state;
    ref_buf b = REF_BUF_INIT;
    filler(&b, 300);
    ref_query *q = parse_ok(f, "budget");
    ref_snippet s = make(f, q, b.data, 100);
    assert_int_equal(s.start, 0);
    assert_false(s.cut_start);
    assert_true(s.cut_end);
    assert_int_equal(s.nmatches, 0);
    assert_int_equal(s.nspans, 0);
    assert_null(s.spans);
    assert_true(s.end > 50 && s.end <= 100);
    ref_snippet_clear(&s);

    /* Empty text, with or without a pointer. */
    s = make(f, q, "", 100);
    assert_int_equal(s.start, 0);
    assert_int_equal(s.end, 0);
    assert_false(s.cut_start || s.cut_end);
    ref_snippet_clear(&s);
    assert_int_equal(ref_snippet_make(f->an, q, NULL, 0, 100, &s), REF_OK);
    assert_int_equal(s.end, 0);
    ref_snippet_clear(&s);
    ref_query_free(q);
    ref_buf_free(&b);
}

/* A Danish text thick with multi-byte letters, including a long word with
 * no space and words longer than small targets. */
static const char *danish =
    "Økonomiudvalget drøftede sygefraværet på ældreområdet, og Ærø Kommunes "
    "særlige søgning om tilskud til gårdbutikker blev behandlet før frokost. "
    "Æøåæøåæøåæøåæøåæøåæøåæøåæøåæøåæøåæøå "
    "Sygefraværsstatistikken for første halvår viste at sygefraværet faldt, "
    "mens budgettet for skoleområdet blev øget. Beslutning: godkendt på mødet "
    "i Rådhusets lokale, hvor også løn, ferie og fravær drøftedes. "
    "Åbningstiderne på biblioteket i Ølstykke og Ågerup ændres først næste år.";

static void test_no_window_cuts_a_character(void **state)
{
    fixture *f = *state;
    static const char *queries[] = {"sygefravær", "ærø", "budget",          "kage",
                                    "fravær",     "år",  "ølstykke ågerup", "æøå*"};
    size_t len = strlen(danish);
    for (size_t qi = 0; qi < sizeof queries / sizeof queries[0]; qi++) {
        ref_query *q = parse_ok(f, queries[qi]);
        for (size_t target = 1; target <= 400; target++) {
            ref_snippet s;
            assert_int_equal(ref_snippet_make(f->an, q, danish, len, target, &s), REF_OK);
            check_invariants(f, q, danish, len, target, &s);
            /* A window wider than the text shows all of it. */
            if (target >= len) {
                assert_int_equal(s.start, 0);
                assert_int_equal(s.end, len);
            }
            ref_snippet_clear(&s);
        }
        ref_query_free(q);
    }
}

static void test_window_keeps_the_matches_it_was_chosen_for(void **state)
{
    fixture *f = *state;
    /* The lead-in before "skole" lands in a long word and the window starts
     * at that word: it must not lose "budget", the match that made it the
     * best window. */
    ref_buf b = REF_BUF_INIT;
    filler(&b, 20);
    ref_buf_puts(&b, "sagsbehandlingsprocesserne skole og budget ");
    filler(&b, 20);
    ref_query *q = parse_ok(f, "skole budget");
    for (size_t target = 20; target <= 60; target++) {
        ref_snippet s = make(f, q, b.data, target);
        char *got = span_texts(b.data, &s);
        if (strcmp(got, "skole,budget") != 0)
            fail_msg("target %zu: spans \"%s\" in \"%.*s\"", target, got, (int)(s.end - s.start),
                     b.data + s.start);
        assert_int_equal(s.ndistinct, 2);
        free(got);
        ref_snippet_clear(&s);
    }
    ref_query_free(q);
    ref_buf_free(&b);
}

static void test_window_keeps_a_match_longer_than_the_target(void **state)
{
    fixture *f = *state;
    /* "sygefraværsstatistikken" is longer than the target: the snippet must
     * still be built (it once read before its array of matches). */
    ref_query *q = parse_ok(f, "sygefraværsstatistikken");
    const char *text = "Om sygefraværsstatistikken i år";
    for (size_t target = 1; target < 30; target++) {
        ref_snippet s;
        assert_int_equal(ref_snippet_make(f->an, q, text, strlen(text), target, &s), REF_OK);
        check_invariants(f, q, text, strlen(text), target, &s);
        assert_int_equal(s.nmatches, 1);
        ref_snippet_clear(&s);
    }
    ref_query_free(q);
}

static void test_megabyte_with_the_word_everywhere(void **state)
{
    fixture *f = *state;
    /* A megabyte of "budget " (and one without spaces): the builder must
     * finish (it looks at a bounded number of windows) and keep its
     * promises. */
    size_t n = (1u << 20) / 7;
    ref_buf b = REF_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        ref_buf_puts(&b, i % 50 == 49 ? "skole " : "budget ");
    ref_query *q = parse_ok(f, "budget skole");
    ref_snippet s = make(f, q, b.data, 0);
    assert_int_equal(s.nmatches, n);
    assert_int_equal(s.ndistinct, 2);
    ref_snippet_clear(&s);
    ref_buf_free(&b);

    ref_buf_reserve(&b, 1u << 20);
    for (size_t i = 0; i < (1u << 20) / 2; i++)
        ref_buf_puts(&b, "æ");
    ref_query_free(q);
    q = parse_ok(f, "ææ*");
    s = make(f, q, b.data, 0);
    ref_snippet_clear(&s);
    ref_query_free(q);
    ref_buf_free(&b);
}

static void test_bad_arguments(void **state)
{
    fixture *f = *state;
    ref_query *q = parse_ok(f, "budget");
    ref_snippet s;
    assert_int_equal(ref_snippet_make(f->an, q, "x", 1, 10, NULL), REF_EINVAL);
    assert_int_equal(ref_snippet_make(NULL, q, "x", 1, 10, &s), REF_EINVAL);
    assert_int_equal(ref_snippet_make(f->an, NULL, "x", 1, 10, &s), REF_EINVAL);
    assert_int_equal(ref_snippet_make(f->an, q, NULL, 3, 10, &s), REF_EINVAL);
    ref_snippet_clear(NULL);
    ref_query_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spans_are_the_matched_words),
        cmocka_unit_test(test_best_window_has_most_distinct_terms),
        cmocka_unit_test(test_window_leads_in_before_the_match),
        cmocka_unit_test(test_no_match_shows_the_beginning),
        cmocka_unit_test(test_no_window_cuts_a_character),
        cmocka_unit_test(test_window_keeps_the_matches_it_was_chosen_for),
        cmocka_unit_test(test_window_keeps_a_match_longer_than_the_target),
        cmocka_unit_test(test_megabyte_with_the_word_everywhere),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
