/* test_indexer.c — the indexer on real files and a real Xapian database:
 * counts, re-indexing without duplicates, vanished files, bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "referat/indexer.h"
#include "referat/xdb.h"
#include "testutil.h"

typedef struct fixture {
    char *dir;     /* temp folder: minutes in dir/in, database in dir/db */
    char in[1024];
    char db[1024];
} fixture;

typedef struct events {
    int skipped, warnings, removed, done, unchanged;
    char last_skipped[4300];
    ref_status last_status;
} events;

static void on_event(void *ctx, const ref_index_event *ev)
{
    events *e = ctx;
    switch (ev->kind) {
    case REF_INDEX_FILE_SKIPPED:
        e->skipped++;
        e->last_status = ev->status;
        snprintf(e->last_skipped, sizeof e->last_skipped, "%s", ev->path ? ev->path : "");
        break;
    case REF_INDEX_WARNING:
        e->warnings++;
        break;
    case REF_INDEX_FILE_REMOVED:
        e->removed++;
        break;
    case REF_INDEX_FILE_DONE:
        e->done++;
        break;
    case REF_INDEX_FILE_UNCHANGED:
        e->unchanged++;
        break;
    case REF_INDEX_COMMIT:
        break;
    }
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = test_mkdtemp();
    if (!f->dir)
        return -1;
    snprintf(f->in, sizeof f->in, "%s/in", f->dir);
    snprintf(f->db, sizeof f->db, "%s/db", f->dir);
    mkdir(f->in, 0700);
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

/* Run the indexer over PATH (or f->in) and return its stats. */
static ref_index_stats run_index(fixture *f, const char *path, int full, events *ev)
{
    ref_index_opts opts = {.full = full, .on_event = on_event, .event_ctx = ev};
    ref_indexer *ix = NULL;
    assert_int_equal(ref_indexer_open(f->db, &opts, &ix, NULL), REF_OK);
    assert_int_equal(ref_indexer_add_path(ix, path ? path : f->in), REF_OK);
    assert_int_equal(ref_indexer_finish(ix), REF_OK);
    ref_index_stats s = *ref_indexer_stats(ix);
    ref_indexer_free(ix);
    return s;
}

static uint32_t doccount(fixture *f)
{
    ref_xdb *db = NULL;
    assert_int_equal(ref_xdb_open(f->db, REF_XDB_READ, &db, NULL), REF_OK);
    uint32_t n = 0;
    assert_int_equal(ref_xdb_doccount(db, &n), REF_OK);
    ref_xdb_close(db);
    return n;
}

static void test_corpus_indexes_every_punkt(void **state)
{
    fixture *f = *state;
    events ev = {0};
    ref_index_stats s = run_index(f, test_corpus_dir(), 0, &ev);
    assert_int_equal(s.files_indexed, 5);
    assert_int_equal(s.punkter, 11 + 7 + 7 + 7 + 5);
    assert_int_equal(s.files_skipped, 0);
    assert_int_equal(doccount(f), 37);
}

static void test_reindex_never_duplicates(void **state)
{
    fixture *f = *state;
    assert_int_equal(test_copy_corpus(f->in), 0);
    events ev = {0};
    run_index(f, NULL, 0, &ev);
    ref_index_stats again = run_index(f, NULL, 0, &ev);
    assert_int_equal(again.files_unchanged, 5);
    assert_int_equal(again.files_indexed, 0);
    assert_int_equal(doccount(f), 37);
    ref_index_stats full = run_index(f, NULL, 1, &ev);
    assert_int_equal(full.files_indexed, 5);
    assert_int_equal(doccount(f), 37);
}

static void test_vanished_file_loses_its_punkter(void **state)
{
    fixture *f = *state;
    assert_int_equal(test_copy_corpus(f->in), 0);
    events ev = {0};
    run_index(f, NULL, 0, &ev);
    char path[4400];
    snprintf(path, sizeof path, "%s/000_9de972e740e53f99.txt", f->in);
    assert_int_equal(unlink(path), 0);
    events ev2 = {0};
    ref_index_stats s = run_index(f, NULL, 0, &ev2);
    assert_int_equal(s.files_removed, 1);
    assert_int_equal(ev2.removed, 1);
    assert_int_equal(doccount(f), 37 - 11);
}

static void test_changed_file_is_replaced(void **state)
{
    fixture *f = *state;
    static const char one[] = "REFERAT Chefforum d. 01-02-2020\n\nPunkt 1: CF - Alpha\n\n"
                              "Beslutning\n\nGodkendt.\n\nPunkt 2: CF - Beta\n\nTekst.\n";
    static const char two[] = "REFERAT Chefforum d. 01-02-2020\n\nPunkt 1: CF - Alpha\n\n"
                              "Beslutning\n\nGodkendt igen, nu med en længere tekst.\n";
    assert_int_equal(test_write_file(f->in, "m.txt", one, sizeof one - 1), 0);
    events ev = {0};
    run_index(f, NULL, 0, &ev);
    assert_int_equal(doccount(f), 2);
    assert_int_equal(test_write_file(f->in, "m.txt", two, sizeof two - 1), 0);
    ref_index_stats s = run_index(f, NULL, 0, &ev);
    assert_int_equal(s.files_indexed, 1);
    assert_int_equal(doccount(f), 1);
}

/* One bad file never stops the run: every good file is still indexed, the
 * bad ones are reported by name, and the stats count them. Prose without
 * punkter is not bad: it is indexed as one unstructured document. */
static void test_bad_files_are_skipped_and_the_rest_indexed(void **state)
{
    fixture *f = *state;
    assert_int_equal(test_copy_corpus(f->in), 0);
    assert_int_equal(test_write_file(f->in, "empty.txt", "", 0), 0);
    static const unsigned char binary[] = {0x7f, 'E', 'L', 'F', 0, 0, 1, 2, 0, 0, 0xff, 0xfe};
    assert_int_equal(test_write_file(f->in, "binary.txt", binary, sizeof binary), 0);
    static const char prose[] = "Dette er bare en tekst uden dagsordenspunkter.\n";
    assert_int_equal(test_write_file(f->in, "prose.md", prose, sizeof prose - 1), 0);
    events ev = {0};
    ref_index_stats s = run_index(f, NULL, 0, &ev);
    assert_int_equal(s.files_indexed, 6);
    assert_int_equal(s.files_structured, 5);
    assert_int_equal(s.files_unstructured, 1);
    assert_int_equal(s.files_skipped, 2);
    assert_int_equal(ev.skipped, 2);
    assert_int_equal(doccount(f), 38);
}

static void test_missing_path_is_reported(void **state)
{
    fixture *f = *state;
    char missing[4400];
    snprintf(missing, sizeof missing, "%s/does-not-exist", f->in);
    events ev = {0};
    ref_index_stats s = run_index(f, missing, 0, &ev);
    assert_int_equal(s.files_skipped, 1);
    assert_int_equal(ev.last_status, REF_ENOENT);
    assert_string_equal(ev.last_skipped, missing);
}

/* Windows line endings, a BOM and gzip give the same punkter as the text. */
static void test_crlf_bom_and_gzip_read_like_plain_text(void **state)
{
    fixture *f = *state;
    char src[4400];
    snprintf(src, sizeof src, "%s/004_693509ccfd0fbea2.txt", test_corpus_dir());
    FILE *in = fopen(src, "rb");
    assert_non_null(in);
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof text, in);
    fclose(in);
    static char crlf[2 << 20];
    size_t m = 0;
    memcpy(crlf, "\xEF\xBB\xBF", 3);
    m = 3;
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\n')
            crlf[m++] = '\r';
        crlf[m++] = text[i];
    }
    assert_int_equal(test_write_file(f->in, "crlf.txt", crlf, m), 0);
    char gz[4400];
    snprintf(gz, sizeof gz, "%s/zipped.md.gz", f->in);
    gzFile g = gzopen(gz, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, text, (unsigned)n), (int)n);
    assert_int_equal(gzclose(g), Z_OK);
    events ev = {0};
    ref_index_stats s = run_index(f, NULL, 0, &ev);
    assert_int_equal(s.files_indexed, 2);
    assert_int_equal(s.punkter, 5 + 5);
}

/* Files in folders must look like minutes; a file named on the command
 * line is read whatever its name. */
static void test_folder_walk_reads_only_minutes_files(void **state)
{
    fixture *f = *state;
    static const char minutes[] = "Punkt 1: Alpha\n\nBeslutning\n\nGodkendt.\n";
    assert_int_equal(test_write_file(f->in, "notes.docx", minutes, sizeof minutes - 1), 0);
    assert_int_equal(test_write_file(f->in, ".hidden.txt", minutes, sizeof minutes - 1), 0);
    events ev = {0};
    ref_index_stats s = run_index(f, NULL, 0, &ev);
    assert_int_equal(s.files_indexed, 0);
    char named[4400];
    snprintf(named, sizeof named, "%s/notes.docx", f->in);
    s = run_index(f, named, 0, &ev);
    assert_int_equal(s.files_indexed, 1);
}

static void test_symlink_loop_terminates(void **state)
{
    fixture *f = *state;
    assert_int_equal(test_copy_corpus(f->in), 0);
    char link[4400];
    snprintf(link, sizeof link, "%s/loop", f->in);
    assert_int_equal(symlink(f->in, link), 0);
    events ev = {0};
    ref_index_stats s = run_index(f, NULL, 0, &ev);
    assert_int_equal(s.files_indexed, 5);
    assert_int_equal(doccount(f), 37);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_corpus_indexes_every_punkt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reindex_never_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vanished_file_loses_its_punkter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_file_is_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files_are_skipped_and_the_rest_indexed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_missing_path_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crlf_bom_and_gzip_read_like_plain_text, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_folder_walk_reads_only_minutes_files, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_symlink_loop_terminates, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
