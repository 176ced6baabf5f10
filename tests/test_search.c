/* test_search.c — ranking and snippets on the bundled corpus, through the
 * real indexer, a real Xapian database and the real analysis chain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "referat/indexer.h"
#include "referat/present.h"
#include "referat/search.h"
#include "referat/xdb.h"
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

/* All text of a punkt, case-folded: title and every section. */
static char *folded_text(const ref_record *r)
{
    ref_buf raw = REF_BUF_INIT, out = REF_BUF_INIT;
    ref_buf_puts(&raw, r->title);
    for (size_t i = 0; i < r->nsections; i++) {
        ref_buf_putc(&raw, '\n');
        ref_buf_puts(&raw, r->sections[i].heading);
        ref_buf_putc(&raw, '\n');
        ref_buf_puts(&raw, r->sections[i].text);
    }
    ref_casefold(raw.data, raw.len, &out);
    ref_buf_free(&raw);
    return ref_buf_detach(&out);
}

static int has_hit(const ref_search_result *r, const char *id)
{
    for (size_t i = 0; i < r->nhits; i++)
        if (strcmp(r->hits[i].record->id, id) == 0)
            return 1;
    return 0;
}

/* "sygefravær" finds every punkt that mentions it in any form, compounds
 * included (langtidssygefravær, sygefraværsstatistik, …): the expected set
 * is read from the stored text itself. */
static void test_sygefravaer_finds_every_compound_form(void **state)
{
    (void)state;
    ref_search_result *all = search("-xyzzyxyzzy", 0, 0);
    ref_search_result *hits = search("sygefravær", 0, 0);
    assert_int_equal(all->nhits, 37);
    size_t expected = 0;
    for (size_t i = 0; i < all->nhits; i++) {
        char *t = folded_text(all->hits[i].record);
        if (strstr(t, "sygefravær")) {
            expected++;
            if (!has_hit(hits, all->hits[i].record->id))
                fprintf(stderr, "missed: %s punkt %d %s\n", all->hits[i].record->date,
                        all->hits[i].record->punkt, all->hits[i].record->title);
            assert_true(has_hit(hits, all->hits[i].record->id));
        }
        free(t);
    }
    assert_true(expected >= 2);
    ref_search_result_free(all);
    ref_search_result_free(hits);
}

/* "anlæg" must not return punkter that only contain planlægge/planlægning. */
static void test_anlaeg_does_not_find_planlaegning(void **state)
{
    (void)state;
    ref_search_result *hits = search("anlæg", 0, 0);
    assert_true(hits->nhits >= 1);
    for (size_t i = 0; i < hits->nhits; i++) {
        char *t = folded_text(hits->hits[i].record);
        /* Blank out every "planlæg…" and see that "anlæg" is still there. */
        for (char *p = strstr(t, "planlæg"); p; p = strstr(p, "planlæg"))
            memset(p, '_', strlen("planlæg"));
        if (!strstr(t, "anlæg"))
            fprintf(stderr, "false hit: %s punkt %d %s\n", hits->hits[i].record->date,
                    hits->hits[i].record->punkt, hits->hits[i].record->title);
        assert_non_null(strstr(t, "anlæg"));
        free(t);
    }
    ref_search_result_free(hits);
}

/* A snippet marks the matching part inside a compound, not the whole word:
 * "sygefravær" inside "langtidssygefraværet". */
static void test_snippet_marks_the_part_inside_a_compound(void **state)
{
    (void)state;
    ref_search_result *r = search("fravær", 0, 0);
    int seen_inside = 0;
    for (size_t i = 0; i < r->nhits; i++) {
        const ref_hit *h = &r->hits[i];
        if (h->section < 0)
            continue;
        const char *text = h->record->sections[h->section].text;
        for (size_t k = 0; k < h->snippet.nspans; k++) {
            const ref_span *sp = &h->snippet.spans[k];
            int word_before = sp->start > 0 && (unsigned char)text[sp->start - 1] > ' ' &&
                              text[sp->start - 1] != '(' && text[sp->start - 1] != '\'';
            if (word_before) {
                /* The part, with the head's inflection ("fraværet") at
                 * most: never the modifier before it. */
                seen_inside = 1;
                assert_int_equal(strncmp(text + sp->start, "fravær", strlen("fravær")), 0);
                assert_true(sp->end - sp->start <= strlen("fraværets"));
            }
        }
    }
    assert_true(seen_inside);
    ref_search_result_free(r);
}

/* Index the minutes in DIR into DIR/db and open a searcher on it. */
static ref_searcher *index_folder(const char *dir)
{
    char db[1100];
    snprintf(db, sizeof db, "%s/db", dir);
    ref_indexer *ix = NULL;
    ref_index_opts opts = {0};
    assert_int_equal(ref_indexer_open(db, &opts, &ix, NULL), REF_OK);
    assert_int_equal(ref_indexer_add_path(ix, dir), REF_OK);
    assert_int_equal(ref_indexer_finish(ix), REF_OK);
    ref_indexer_free(ix);
    ref_searcher *s = NULL;
    assert_int_equal(ref_searcher_open(db, &s, NULL), REF_OK);
    return s;
}

/* Other things equal, the word standing alone ranks above the word inside a
 * compound. Two one-punkt minutes that differ only in that. */
static void test_whole_word_ranks_above_compound_part(void **state)
{
    (void)state;
    char *dir = test_mkdtemp();
    assert_non_null(dir);
    static const char a[] = "REFERAT Udvalg d. 01-02-2020\n\nPunkt 1: Orientering\n\n"
                            "Sagsfremstilling\n\nVi drøftede planen for udbud i år.\n";
    static const char b[] = "REFERAT Udvalg d. 01-02-2020\n\nPunkt 1: Orientering\n\n"
                            "Sagsfremstilling\n\nVi drøftede udbudsplanen for i år.\n";
    assert_int_equal(test_write_file(dir, "a.txt", a, sizeof a - 1), 0);
    assert_int_equal(test_write_file(dir, "b.txt", b, sizeof b - 1), 0);
    ref_searcher *s = index_folder(dir);
    ref_search_opts so = {.limit = 0};
    ref_search_result *r = NULL;
    assert_int_equal(ref_searcher_search(s, "udbud", &so, &r, NULL), REF_OK);
    assert_int_equal(r->nhits, 2);
    assert_non_null(strstr(r->hits[0].record->source, "/a.txt"));
    assert_true(r->hits[0].score > r->hits[1].score);
    ref_search_result_free(r);
    ref_searcher_close(s);
    test_rmrf(dir);
    free(dir);
}


/* A compound typed in the query means the thing it names: it finds the
 * compound in any inflection, longer compounds that contain it, and its
 * parts written next to each other (apart by a space, a hyphen or a line
 * end after a hyphen), never its parts standing apart in the text. The
 * compound itself ranks above its parts side by side, and the snippet marks
 * the adjacent parts, not the scattered ones. One-punkt minutes, one per
 * case. */
static void test_compound_query_needs_its_parts_adjacent(void **state)
{
    (void)state;
    static const struct {
        const char *name, *text;
        int relevant;
    } docs[] = {
        {"whole.txt", "Udvalget drøftede naturplejen i ådalen.", 1},
        {"longer.txt", "Naturplejeplanen for ådalen blev godkendt.", 1},
        {"spaced.txt", "Der afsættes midler til natur pleje i ådalen.", 1},
        {"hyphen.txt", "Der afsættes midler til natur-pleje i ådalen.", 1},
        {"lineend.txt", "Der afsættes midler til natur-\npleje i ådalen.", 1},
        {"apart.txt", "Området har en rig natur. Ældre borgere har krav på pleje.", 0},
        {"reversed.txt", "Pleje af ældre og natur i kommunen.", 0},
    };
    char *dir = test_mkdtemp();
    assert_non_null(dir);
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        char text[512];
        int n = snprintf(text, sizeof text,
                         "REFERAT Udvalg d. 01-02-2020\n\nPunkt 1: Orientering\n\n"
                         "Sagsfremstilling\n\n%s\n", docs[i].text);
        assert_int_equal(test_write_file(dir, docs[i].name, text, (size_t)n), 0);
    }
    ref_searcher *s = index_folder(dir);
    ref_search_opts so = {.limit = 0};
    ref_search_result *r = NULL;
    assert_int_equal(ref_searcher_search(s, "naturpleje", &so, &r, NULL), REF_OK);
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        const ref_hit *found = NULL;
        for (size_t k = 0; k < r->nhits; k++) {
            const char *src = r->hits[k].record->source;
            size_t sl = strlen(src), nl = strlen(docs[i].name);
            if (sl > nl && src[sl - nl - 1] == '/' && strcmp(src + sl - nl, docs[i].name) == 0)
                found = &r->hits[k];
        }
        if ((found != NULL) != docs[i].relevant)
            fail_msg("naturpleje: %s %s", docs[i].name, found ? "found" : "not found");
        if (!found || found->section < 0)
            continue;
        /* Every marked span is the compound or its parts together. */
        const char *text = found->record->sections[found->section].text;
        for (size_t k = 0; k < found->snippet.nspans; k++) {
            const ref_span *sp = &found->snippet.spans[k];
            if (strncasecmp(text + sp->start, "natur", 5) != 0 || sp->end - sp->start < 10)
                fail_msg("%s: marked '%.*s'", docs[i].name, (int)(sp->end - sp->start),
                         text + sp->start);
        }
        assert_true(found->snippet.nspans >= 1);
    }
    /* The compound itself above its parts side by side. */
    double whole = -1, spaced = -1;
    for (size_t k = 0; k < r->nhits; k++) {
        if (strstr(r->hits[k].record->source, "/whole.txt"))
            whole = r->hits[k].score;
        if (strstr(r->hits[k].record->source, "/spaced.txt"))
            spaced = r->hits[k].score;
    }
    assert_true(whole > spaced);
    ref_search_result_free(r);
    ref_searcher_close(s);
    test_rmrf(dir);
    free(dir);
}

/* An index made by another analyser version is refused by the searcher,
 * with a message that says to rebuild it, and referat-index rebuilds it in
 * full (files unchanged on disk are re-indexed too). The old version is
 * made by writing its metadata back, as an index built before the version
 * existed has none. */
static void test_index_of_another_analyser_version_is_rebuilt(void **state)
{
    (void)state;
    char *dir = test_mkdtemp();
    assert_non_null(dir);
    static const char a[] = "REFERAT Udvalg d. 01-02-2020\n\nPunkt 1: Orientering\n\n"
                            "Sagsfremstilling\n\nNaturplejeplanen blev drøftet.\n";
    assert_int_equal(test_write_file(dir, "a.txt", a, sizeof a - 1), 0);
    char db[1100];
    snprintf(db, sizeof db, "%s/db", dir);
    for (int round = 0; round < 3; round++) {
        ref_indexer *ix = NULL;
        ref_index_opts opts = {0};
        assert_int_equal(ref_indexer_open(db, &opts, &ix, NULL), REF_OK);
        assert_int_equal(ref_indexer_add_path(ix, dir), REF_OK);
        assert_int_equal(ref_indexer_finish(ix), REF_OK);
        const ref_index_stats *st = ref_indexer_stats(ix);
        /* round 0 builds, round 1 finds the file unchanged, round 2 finds
         * the index of an older version and re-indexes it. */
        assert_int_equal(st->analyser_rebuild, round == 2);
        assert_int_equal(st->files_indexed, round != 1);
        ref_indexer_free(ix);
        ref_searcher *s = NULL;
        assert_int_equal(ref_searcher_open(db, &s, NULL), REF_OK);
        ref_search_opts so = {.limit = 0};
        ref_search_result *r = NULL;
        assert_int_equal(ref_searcher_search(s, "naturpleje", &so, &r, NULL), REF_OK);
        assert_int_equal(r->nhits, 1);
        ref_search_result_free(r);
        ref_searcher_close(s);
        if (round == 1) {
            ref_xdb *x = NULL;
            assert_int_equal(ref_xdb_open(db, REF_XDB_WRITE, &x, NULL), REF_OK);
            assert_int_equal(ref_xdb_set_metadata(x, REF_ANALYZER_VERSION_KEY, ""), REF_OK);
            assert_int_equal(ref_xdb_commit(x), REF_OK);
            ref_xdb_close(x);
            char *err = NULL;
            assert_int_equal(ref_searcher_open(db, &s, &err), REF_EDB_VERSION);
            assert_non_null(err);
            assert_non_null(strstr(err, "rebuild it with referat-index"));
            free(err);
        }
    }
    test_rmrf(dir);
    free(dir);
}

/* A word the index or the lexicon knows is no typo: it is never suggested
 * for nor replaced, however few hits the query or its filters leave. When
 * the filters leave nothing, the result says how many punkter the query
 * finds without them. A real typo is still corrected, unless no_correct. */
static void test_known_words_are_never_corrected(void **state)
{
    (void)state;
    ref_search_result *r = search("udvalg:chefforum udbud", 0, 0);
    assert_true(r->total > 0);
    assert_null(r->suggestion);
    ref_search_result_free(r);

    const char *bodies[] = {"chefforum"};
    ref_search_opts filtered = {.decisions_only = 1, .date_from = "2016", .date_to = "2021",
                                .bodies = bodies, .nbodies = 1};
    r = NULL;
    assert_int_equal(ref_searcher_search(searcher, "udbud", &filtered, &r, NULL), REF_OK);
    assert_int_equal(r->nhits, 0);
    assert_null(r->suggestion);
    assert_false(r->corrected);
    assert_true(r->unfiltered_total > 0);
    ref_search_result_free(r);

    r = search("sygefravr", 0, 0);
    assert_true(r->corrected);
    assert_string_equal(r->suggestion, "sygefravær");
    assert_true(r->nhits > 0);
    ref_search_result_free(r);
    ref_search_opts literal = {.no_correct = 1};
    r = NULL;
    assert_int_equal(ref_searcher_search(searcher, "sygefravr", &literal, &r, NULL), REF_OK);
    assert_false(r->corrected);
    assert_int_equal(r->nhits, 0);
    assert_string_equal(r->suggestion, "sygefravær");
    ref_search_result_free(r);
}

/* When no punkt has all the words, the best partial matches are shown,
 * each with the words it lacks; a query that matches in full is never
 * relaxed. */
static void test_partial_matches_name_the_missing_words(void **state)
{
    (void)state;
    ref_search_result *full = search("budget", 0, 0);
    assert_true(full->nhits > 0);
    assert_false(full->partial);
    for (size_t i = 0; i < full->nhits; i++)
        assert_null(full->hits[i].missing);
    ref_search_result *r = search("budget naturpleje", 0, 5);
    assert_true(r->partial);
    assert_true(r->nhits > 0 && r->nhits <= 5);
    for (size_t i = 0; i < r->nhits; i++) {
        assert_string_equal(r->hits[i].missing, "naturpleje");
        assert_int_equal(r->hits[i].rank, i + 1);
        if (i)
            assert_true(r->hits[i - 1].score >= r->hits[i].score);
    }
    /* The punkter shown are those "budget" finds, best first. */
    assert_string_equal(r->hits[0].record->id, full->hits[0].record->id);
    ref_search_result_free(r);
    ref_search_result_free(full);
    /* Two of three words missing is still a partial match, one of three
     * words is kept. */
    r = search("budget naturpleje vandløbsregulativ", 0, 0);
    assert_true(r->partial);
    assert_true(r->nhits > 0);
    assert_string_equal(r->hits[0].missing, "naturpleje vandløbsregulativ");
    ref_search_result_free(r);
}

static ref_search_result *search_opts(const char *q, ref_search_opts *opts)
{
    ref_search_result *r = NULL;
    char *err = NULL;
    ref_status st = ref_searcher_search(searcher, q, opts, &r, &err);
    if (st != REF_OK)
        fprintf(stderr, "search '%s': %s\n", q, err ? err : ref_status_str(st));
    free(err);
    assert_int_equal(st, REF_OK);
    return r;
}

static uint32_t facet_count(const ref_search_result *r, ref_facet_kind k, const char *value)
{
    for (size_t i = 0; i < r->facets[k].nvalues; i++)
        if (strcmp(r->facets[k].values[i].value, value) == 0)
            return r->facets[k].values[i].count;
    return 0;
}

static void test_facets_count_every_hit_not_just_the_page(void **state)
{
    (void)state;
    ref_search_opts all = {.limit = 0};
    ref_search_result *every = search_opts("budget", &all);
    ref_search_opts page = {.limit = 2, .facets = 1};
    ref_search_result *r = search_opts("budget", &page);
    assert_int_equal(r->nhits, 2);
    assert_true(r->has_facets);
    assert_int_equal(r->total, every->nhits);
    /* Year and body facets partition the hits; each agrees with the hits'
     * own dates and bodies. */
    for (int k = REF_FACET_YEAR; k <= REF_FACET_BODY; k++) {
        uint32_t sum = 0;
        for (size_t i = 0; i < r->facets[k].nvalues; i++) {
            const char *v = r->facets[k].values[i].value;
            uint32_t expect = 0;
            for (size_t h = 0; h < every->nhits; h++) {
                const ref_record *rec = every->hits[h].record;
                expect += k == REF_FACET_YEAR ? strncmp(rec->date, v, 4) == 0
                                              : strcmp(rec->body, v) == 0;
            }
            assert_int_equal(r->facets[k].values[i].count, expect);
            sum += r->facets[k].values[i].count;
        }
        assert_int_equal(sum, every->nhits);
    }
    /* Years come in order. */
    for (size_t i = 1; i < r->facets[REF_FACET_YEAR].nvalues; i++)
        assert_true(strcmp(r->facets[REF_FACET_YEAR].values[i - 1].value,
                           r->facets[REF_FACET_YEAR].values[i].value) < 0);
    ref_search_result_free(r);
    ref_search_result_free(every);
}

static void test_section_facet_agrees_with_field_queries(void **state)
{
    (void)state;
    /* "Matched in the decision" counts exactly the punkter that
     * beslutning:budget finds, and so for every section kind. */
    ref_search_opts fo = {.limit = 1, .facets = 1};
    ref_search_result *r = search_opts("budget", &fo);
    assert_true(r->facets[REF_FACET_SECTION].nvalues >= 2);
    for (size_t i = 0; i < r->facets[REF_FACET_SECTION].nvalues; i++) {
        const ref_facet_value *v = &r->facets[REF_FACET_SECTION].values[i];
        char q[64];
        snprintf(q, sizeof q, "%s:budget", v->value);
        ref_search_opts all = {.limit = 0};
        ref_search_result *field = search_opts(q, &all);
        if (field->nhits != v->count)
            fprintf(stderr, "section %s: facet %u, %s finds %zu\n", v->value, v->count, q,
                    field->nhits);
        assert_int_equal(field->nhits, v->count);
        ref_search_result_free(field);
    }
    assert_true(facet_count(r, REF_FACET_SECTION, "beslutning") > 0);
    ref_search_result_free(r);
}

static void test_date_and_body_filters(void **state)
{
    (void)state;
    const char *chef[] = {"CHEFFORUM"};
    ref_search_opts o = {.limit = 0, .date_from = "2017", .date_to = "2021-11",
                         .bodies = chef, .nbodies = 1, .facets = 1};
    ref_search_result *r = search_opts("budget", &o);
    assert_true(r->nhits > 0);
    for (size_t i = 0; i < r->nhits; i++) {
        const char *d = r->hits[i].record->date;
        assert_true(strcmp(d, "2017-01-01") >= 0 && strcmp(d, "2021-11-30") <= 0);
    }
    ref_search_opts q = {.limit = 0};
    ref_search_result *same = search_opts("budget år:2017..2021 dato:..2021-11-30", &q);
    assert_int_equal(same->nhits, r->nhits);
    ref_search_result_free(same);
    ref_search_result_free(r);

    /* A body the index does not know is a query error naming the nearest
     * (issue 19), not an empty result. */
    const char *other[] = {"chefforumm"};
    ref_search_opts none = {.limit = 0, .bodies = other, .nbodies = 1};
    char *unknown = NULL;
    r = NULL;
    assert_int_equal(ref_searcher_search(searcher, "budget", &none, &r, &unknown), REF_EQUERY);
    assert_null(r);
    assert_non_null(strstr(unknown, "»chefforum«"));
    free(unknown);
    const char *prefix[] = {"Chef*"};
    ref_search_opts pre = {.limit = 0, .bodies = prefix, .nbodies = 1};
    r = search_opts("budget", &pre);
    assert_true(r->nhits > 0);
    ref_search_result_free(r);

    /* Bad dates and reversed ranges are query errors with a message. */
    const char *bad[][2] = {{"2017-13", NULL}, {NULL, "17"}, {"2019", "2018"}};
    for (size_t i = 0; i < 3; i++) {
        ref_search_opts b = {.limit = 0, .date_from = bad[i][0], .date_to = bad[i][1]};
        char *err = NULL;
        ref_search_result *out = NULL;
        assert_int_equal(ref_searcher_search(searcher, "budget", &b, &out, &err), REF_EQUERY);
        assert_non_null(err);
        assert_null(out);
        free(err);
    }
}

static void test_get_and_meeting_return_stored_punkter(void **state)
{
    (void)state;
    ref_search_opts o = {.limit = 1};
    ref_search_result *r = search_opts("sygefravær", &o);
    const ref_record *hit = r->hits[0].record;
    ref_record *rec = NULL;
    assert_int_equal(ref_searcher_get(searcher, hit->id, &rec), REF_OK);
    assert_string_equal(rec->id, hit->id);
    assert_string_equal(rec->title, hit->title);
    ref_record **meeting = NULL;
    size_t n = 0;
    assert_int_equal(ref_searcher_meeting(searcher, hit->id, &meeting, &n), REF_OK);
    /* 2017-09-07 has 11 punkter (test_minutes pins the parse), in order. */
    assert_int_equal(n, 11);
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(meeting[i]->source, hit->source);
        if (i)
            assert_true(meeting[i]->punkt > meeting[i - 1]->punkt);
        found += strcmp(meeting[i]->id, hit->id) == 0;
    }
    assert_int_equal(found, 1);
    ref_records_free(meeting, n);
    ref_record_free(rec);
    assert_int_equal(ref_searcher_get(searcher, "nosuchfile#1", &rec), REF_ENOENT);
    assert_null(rec);
    assert_int_equal(ref_searcher_meeting(searcher, "nosuchfile#1", &meeting, &n), REF_ENOENT);
    ref_search_result_free(r);
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
        cmocka_unit_test(test_sygefravaer_finds_every_compound_form),
        cmocka_unit_test(test_anlaeg_does_not_find_planlaegning),
        cmocka_unit_test(test_snippet_marks_the_part_inside_a_compound),
        cmocka_unit_test(test_whole_word_ranks_above_compound_part),
        cmocka_unit_test(test_compound_query_needs_its_parts_adjacent),
        cmocka_unit_test(test_index_of_another_analyser_version_is_rebuilt),
        cmocka_unit_test(test_known_words_are_never_corrected),
        cmocka_unit_test(test_partial_matches_name_the_missing_words),
        cmocka_unit_test(test_facets_count_every_hit_not_just_the_page),
        cmocka_unit_test(test_section_facet_agrees_with_field_queries),
        cmocka_unit_test(test_date_and_body_filters),
        cmocka_unit_test(test_get_and_meeting_return_stored_punkter),
    };
    return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
