/* test_search.c — ranking and snippets on the bundled corpus, through the
 * real indexer, a real Xapian database and the real analysis chain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "referat/indexer.h"
#include "referat/present.h"
#include "referat/search.h"
#include "testutil.h"

static char *tmpdir;
static char dbpath[1024];
static ref_searcher *searcher;

static int setup_group(void **state)
{
    (void)state;
    tmpdir = test_mkdtemp();
    if (!tmpdir)
        return -1;
    snprintf(dbpath, sizeof dbpath, "%s/db", tmpdir);
    ref_indexer *ix = NULL;
    ref_index_opts opts = {0};
    if (ref_indexer_open(dbpath, &opts, &ix, NULL) != REF_OK)
        return -1;
    ref_status st = ref_indexer_add_path(ix, test_corpus_dir());
    if (st == REF_OK)
        st = ref_indexer_finish(ix);
    ref_indexer_free(ix);
    if (st != REF_OK)
        return -1;
    return ref_searcher_open(dbpath, &searcher, NULL) == REF_OK ? 0 : -1;
}

static int teardown_group(void **state)
{
    (void)state;
    ref_searcher_close(searcher);
    test_rmrf(tmpdir);
    free(tmpdir);
    return 0;
}

static ref_search_result *search(const char *q, int decisions, uint32_t limit)
{
    ref_search_opts opts = {.decisions_only = decisions, .limit = limit};
    ref_search_result *r = NULL;
    char *err = NULL;
    ref_status st = ref_searcher_search(searcher, q, &opts, &r, &err);
    if (st != REF_OK)
        fprintf(stderr, "search '%s': %s\n", q, err ? err : ref_status_str(st));
    free(err);
    assert_int_equal(st, REF_OK);
    return r;
}

static void test_sygefravaer_ranks_the_sickness_report_first(void **state)
{
    (void)state;
    ref_search_result *r = search("sygefravær", 0, 10);
    assert_true(r->nhits >= 1);
    assert_string_equal(r->hits[0].record->date, "2017-09-07");
    assert_int_equal(r->hits[0].record->punkt, 9);
    assert_string_equal(r->hits[0].record->body, "Chefforum");
    ref_search_result_free(r);
}

static void test_decisions_udbud_ranks_the_procurement_plan_first(void **state)
{
    (void)state;
    ref_search_result *r = search("udbud", 1, 10);
    assert_true(r->nhits >= 1);
    assert_string_equal(r->hits[0].record->date, "2023-01-31");
    assert_int_equal(r->hits[0].record->punkt, 6);
    /* The snippet comes from the decision, and shows the word. */
    const ref_hit *h = &r->hits[0];
    assert_true(h->section >= 0);
    assert_int_equal(h->record->sections[h->section].kind, REF_SECTION_BESLUTNING);
    assert_true(h->snippet.nspans >= 1);
    ref_search_result_free(r);
}

/* Decisions-only: every hit's decision matches, and the snippet is from it. */
static void test_decisions_only_returns_matching_decisions(void **state)
{
    (void)state;
    ref_search_result *r = search("chefforum", 1, 0);
    assert_true(r->nhits >= 5);
    for (size_t i = 0; i < r->nhits; i++) {
        const ref_hit *h = &r->hits[i];
        assert_true(h->section >= 0);
        assert_int_equal(h->record->sections[h->section].kind, REF_SECTION_BESLUTNING);
        assert_true(h->snippet.nmatches >= 1);
    }
    ref_search_result_free(r);
}

/* A title match weighs more than the same word in background text. */
static void test_title_match_ranks_above_background_mention(void **state)
{
    (void)state;
    ref_search_result *r = search("befolkningsprognose", 0, 10);
    assert_true(r->nhits >= 1);
    assert_non_null(strstr(r->hits[0].record->title, "befolkningsprognose"));
    ref_search_result_free(r);
}

static void test_limit_zero_returns_every_hit(void **state)
{
    (void)state;
    ref_search_result *all = search("chefforum", 0, 0);
    ref_search_result *some = search("chefforum", 0, 3);
    assert_int_equal(some->nhits, 3);
    assert_true(all->nhits > 3);
    assert_int_equal(all->nhits, all->total);
    assert_int_equal(some->total, all->total);
    ref_search_result_free(all);
    ref_search_result_free(some);
}

/* Snippets are about 200 bytes, valid UTF-8, with the matches marked. */
static void test_snippet_marks_matches_and_keeps_utf8_whole(void **state)
{
    (void)state;
    ref_search_result *r = search("økonomi", 0, 0);
    assert_true(r->nhits >= 3);
    for (size_t i = 0; i < r->nhits; i++) {
        ref_buf b = REF_BUF_INIT;
        ref_present_snippet(&b, &r->hits[i], "[", "]");
        const char *s = ref_buf_cstr(&b);
        /* Flattened whitespace and "…" markers add a few bytes. */
        assert_true(b.len <= REF_SNIPPET_DEFAULT_BYTES + 16);
        for (size_t k = 0; k < b.len;) {
            size_t n = ref_utf8_seq_len(s + k, b.len - k);
            assert_true(n > 0);
            k += n;
        }
        if (r->hits[i].snippet.nmatches)
            assert_non_null(strstr(s, "[økonomi]") ? strstr(s, "[økonomi]") : strstr(s, "[Økonomi]"));
        ref_buf_free(&b);
    }
    ref_search_result_free(r);
}

static void test_bad_queries_give_messages_not_crashes(void **state)
{
    (void)state;
    static const char *bad[] = {"", "   ", "\"unclosed", "(budget", "budget)", "dato:2017-13-45",
                                "år:abc", "OR", "-"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ref_search_opts opts = {.limit = 10};
        ref_search_result *r = NULL;
        char *err = NULL;
        ref_status st = ref_searcher_search(searcher, bad[i], &opts, &r, &err);
        if (st == REF_OK) {
            fprintf(stderr, "query '%s' was accepted\n", bad[i]);
            ref_search_result_free(r);
        }
        assert_int_equal(st, REF_EQUERY);
        assert_non_null(err);
        assert_true(strlen(err) > 10);
        free(err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sygefravaer_ranks_the_sickness_report_first),
        cmocka_unit_test(test_decisions_udbud_ranks_the_procurement_plan_first),
        cmocka_unit_test(test_decisions_only_returns_matching_decisions),
        cmocka_unit_test(test_title_match_ranks_above_background_mention),
        cmocka_unit_test(test_limit_zero_returns_every_hit),
        cmocka_unit_test(test_snippet_marks_matches_and_keeps_utf8_whole),
        cmocka_unit_test(test_bad_queries_give_messages_not_crashes),
    };
    return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
