/* test_compact.c — ref_index_compact on a real database of the bundled
 * corpus: the compacted database (in place, a copy, a single file) answers
 * every search exactly as the original, is smaller, and indexing goes on
 * incrementally afterwards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "referat/indexer.h"
#include "referat/search.h"
#include "referat/xdb.h"
#include "testutil.h"

typedef struct fixture {
    char *dir;
    char db[1100];
} fixture;

static ref_index_stats index_corpus(const char *db)
{
    /* One writer, as incremental runs leave a database: a sharded build
     * is compacted already (its shards are merged by compaction). */
    ref_index_opts opts = {.shards = 1};
    ref_indexer *ix = NULL;
    assert_int_equal(ref_indexer_open(db, &opts, &ix, NULL), REF_OK);
    assert_int_equal(ref_indexer_add_path(ix, test_corpus_dir()), REF_OK);
    assert_int_equal(ref_indexer_finish(ix), REF_OK);
    ref_index_stats s = *ref_indexer_stats(ix);
    ref_indexer_free(ix);
    return s;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || !(f->dir = test_mkdtemp()))
        return -1;
    snprintf(f->db, sizeof f->db, "%s/db", f->dir);
    index_corpus(f->db);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    test_rmrf(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* Mixed queries: words, a compound part, a phrase, a field, decisions. */
static const struct {
    const char *q;
    int decisions;
} queries[] = {
    {"sygefravær", 0},           {"fravær", 0}, {"\"ny organisering\"", 0},
    {"budget OR økonomi", 0},    {"udbud", 1},  {"titel:chefforum", 0},
    {"år:2017 referat", 0},      {"chefforum -budget", 0},
};

/* Every query's hits on DB as "id score snippet-start" lines. */
static char *answers(const char *db)
{
    ref_searcher *s = NULL;
    assert_int_equal(ref_searcher_open(db, &s, NULL), REF_OK);
    ref_buf out = REF_BUF_INIT;
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        ref_search_opts opts = {.decisions_only = queries[i].decisions, .limit = 10};
        ref_search_result *r = NULL;
        assert_int_equal(ref_searcher_search(s, queries[i].q, &opts, &r, NULL), REF_OK);
        ref_buf_printf(&out, "%s: %zu\n", queries[i].q, r->nhits);
        for (size_t k = 0; k < r->nhits; k++)
            ref_buf_printf(&out, "  %s %.6f %zu\n", r->hits[k].record->id, r->hits[k].score,
                           r->hits[k].snippet.nspans);
        ref_search_result_free(r);
    }
    ref_searcher_close(s);
    return ref_buf_detach(&out);
}

static void test_compacted_copy_answers_the_same(void **state)
{
    fixture *f = *state;
    char *before = answers(f->db);
    assert_non_null(strstr(before, "sygefravær: "));
    char copy[1200];
    snprintf(copy, sizeof copy, "%s/copy", f->dir);
    ref_compact_result r;
    assert_int_equal(ref_index_compact(f->db, copy, 0, &r, NULL), REF_OK);
    assert_true(r.bytes_before > 0);
    assert_true(r.bytes_after > 0);
    assert_true(r.bytes_after < r.bytes_before);
    char *after = answers(copy);
    assert_string_equal(before, after);
    free(after);
    /* The original is left as it was. */
    after = answers(f->db);
    assert_string_equal(before, after);
    free(after);
    free(before);
}

static void test_single_file_answers_the_same(void **state)
{
    fixture *f = *state;
    char *before = answers(f->db);
    char one[1200];
    snprintf(one, sizeof one, "%s/referat.glass", f->dir);
    ref_compact_result r;
    assert_int_equal(ref_index_compact(f->db, one, 1, &r, NULL), REF_OK);
    struct stat sb;
    assert_int_equal(stat(one, &sb), 0);
    assert_true(S_ISREG(sb.st_mode));
    char *after = answers(one);
    assert_string_equal(before, after);
    free(after);
    free(before);
}

/* In place: same answers, smaller, and the next run finds every file
 * unchanged (the incremental records survive compaction). */
static void test_in_place_keeps_answers_and_incremental_state(void **state)
{
    fixture *f = *state;
    char *before = answers(f->db);
    ref_compact_result r;
    assert_int_equal(ref_index_compact(f->db, NULL, 0, &r, NULL), REF_OK);
    assert_true(r.bytes_after < r.bytes_before);
    char *after = answers(f->db);
    assert_string_equal(before, after);
    free(after);
    free(before);
    char leftover[1200];
    snprintf(leftover, sizeof leftover, "%s.compacting", f->db);
    struct stat sb;
    assert_int_not_equal(stat(leftover, &sb), 0);
    ref_index_stats s = index_corpus(f->db);
    assert_int_equal(s.files_unchanged, 5);
    assert_int_equal(s.files_indexed, 0);
}

static void test_refusals(void **state)
{
    fixture *f = *state;
    ref_compact_result r;
    char *msg = NULL;
    /* A running indexer holds the lock. */
    ref_xdb *writer = NULL;
    assert_int_equal(ref_xdb_open(f->db, REF_XDB_WRITE, &writer, NULL), REF_OK);
    assert_int_equal(ref_index_compact(f->db, NULL, 0, &r, &msg), REF_EDB_LOCKED);
    free(msg);
    ref_xdb_close(writer);
    /* No database: not created by trying. */
    char missing[1200];
    snprintf(missing, sizeof missing, "%s/missing", f->dir);
    assert_int_equal(ref_index_compact(missing, NULL, 0, &r, NULL), REF_EDB_NOTFOUND);
    struct stat sb;
    assert_int_not_equal(stat(missing, &sb), 0);
    /* A single file in place could never be updated by the indexer. */
    assert_int_equal(ref_index_compact(f->db, NULL, 1, &r, NULL), REF_EINVAL);
    /* An existing output is never overwritten. */
    msg = NULL;
    assert_int_equal(ref_index_compact(f->db, f->dir, 0, &r, &msg), REF_EINVAL);
    assert_non_null(msg);
    assert_non_null(strstr(msg, f->dir));
    free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_compacted_copy_answers_the_same, setup, teardown),
        cmocka_unit_test_setup_teardown(test_single_file_answers_the_same, setup, teardown),
        cmocka_unit_test_setup_teardown(test_in_place_keeps_answers_and_incremental_state,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
