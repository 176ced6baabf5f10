/* test_indexer.c — the indexer on real files and a real Xapian database:
 * counts, re-indexing without duplicates, vanished files, bad input, the
 * content hash of incremental runs, and the worker threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "referat/buf.h"
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
    case REF_INDEX_FILE_EXCLUDED:
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

/* Only the mtime moved (a checkout, a copy): the content hash says the
 * file is unchanged, and the new mtime is recorded, so the run after that
 * decides by stat alone. */
static void test_touched_file_is_unchanged_by_its_hash(void **state)
{
    fixture *f = *state;
    assert_int_equal(test_copy_corpus(f->in), 0);
    events ev = {0};
    run_index(f, NULL, 0, &ev);
    char path[4400];
    snprintf(path, sizeof path, "%s/001_ba7199626ccb50a5.txt", f->in);
    struct timespec times[2] = {{1500000000, 0}, {1500000000, 0}};
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
    events ev2 = {0};
    ref_index_stats s = run_index(f, NULL, 0, &ev2);
    assert_int_equal(s.files_unchanged, 5);
    assert_int_equal(s.files_indexed, 0);
    assert_int_equal(ev2.done, 0);
    s = run_index(f, NULL, 0, &ev2);
    assert_int_equal(s.files_unchanged, 5);
    assert_int_equal(doccount(f), 37);
}

static uint32_t termfreq(fixture *f, const char *term)
{
    ref_xdb *db = NULL;
    assert_int_equal(ref_xdb_open(f->db, REF_XDB_READ, &db, NULL), REF_OK);
    uint32_t n = 0;
    assert_int_equal(ref_xdb_termfreq(db, term, &n), REF_OK);
    ref_xdb_close(db);
    return n;
}

/* Same size, new content and a new mtime: the hash differs, so the file is
 * indexed again (size and mtime alone would not say which changed). */
static void test_same_size_new_content_is_reindexed(void **state)
{
    fixture *f = *state;
    static const char one[] = "REFERAT Chefforum d. 01-02-2020\n\nPunkt 1: CF - Alpha\n\n"
                              "Beslutning\n\nGodkendt.\n";
    static const char two[] = "REFERAT Chefforum d. 01-02-2020\n\nPunkt 1: CF - Omega\n\n"
                              "Beslutning\n\nGodkendt.\n";
    assert_int_equal(test_write_file(f->in, "m.txt", one, sizeof one - 1), 0);
    events ev = {0};
    run_index(f, NULL, 0, &ev);
    assert_int_equal(termfreq(f, "alpha"), 1);
    assert_int_equal(test_write_file(f->in, "m.txt", two, sizeof two - 1), 0);
    char path[4400];
    snprintf(path, sizeof path, "%s/m.txt", f->in);
    struct timespec times[2] = {{1600000000, 0}, {1600000000, 0}};
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
    ref_index_stats s = run_index(f, NULL, 0, &ev);
    assert_int_equal(s.files_indexed, 1);
    assert_int_equal(termfreq(f, "alpha"), 0);
    assert_int_equal(termfreq(f, "omega"), 1);
    assert_int_equal(doccount(f), 1);
}

/* What a run did, in order: one line per event kind and path. */
typedef struct trace {
    char text[1 << 14];
    size_t len;
} trace;

static void on_event_trace(void *ctx, const ref_index_event *ev)
{
    trace *t = ctx;
    const char *name = strrchr(ev->path ? ev->path : "", '/');
    int n = snprintf(t->text + t->len, sizeof t->text - t->len, "%d %s %zu\n", (int)ev->kind,
                     name ? name : "-", ev->npunkter);
    if (n > 0 && (size_t)n < sizeof t->text - t->len)
        t->len += (size_t)n;
}

static int add_term_line(void *ctx, const char *term, uint32_t freq)
{
    ref_buf *b = ctx;
    ref_buf_printf(b, "%s %u\n", term, freq);
    return 0;
}

/* Every term of the database at DB with its frequency, as one string. */
static char *all_terms(const char *db_path)
{
    ref_xdb *db = NULL;
    assert_int_equal(ref_xdb_open(db_path, REF_XDB_READ, &db, NULL), REF_OK);
    ref_buf b = REF_BUF_INIT;
    assert_int_equal(ref_xdb_term_walk(db, "", add_term_line, &b), REF_OK);
    ref_xdb_close(db);
    return ref_buf_detach(&b);
}

/* The worker threads change nothing a user can see: the same events in the
 * same order, and the same terms with the same frequencies, with one
 * worker or eight, over good and bad files alike. */
static void test_threads_change_neither_events_nor_index(void **state)
{
    fixture *f = *state;
    assert_int_equal(test_copy_corpus(f->in), 0);
    assert_int_equal(test_write_file(f->in, "empty.txt", "", 0), 0);
    static const char prose[] = "Dette er bare en tekst uden dagsordenspunkter.\n";
    assert_int_equal(test_write_file(f->in, "prose.md", prose, sizeof prose - 1), 0);
    static trace traces[2];
    char dbs[2][1100];
    unsigned threads[2] = {1, 8};
    for (int i = 0; i < 2; i++) {
        snprintf(dbs[i], sizeof dbs[i], "%s/db%u", f->dir, threads[i]);
        traces[i].len = 0;
        ref_index_opts opts = {.threads = threads[i], .commit_every = 2,
                               .on_event = on_event_trace, .event_ctx = &traces[i]};
        ref_indexer *ix = NULL;
        assert_int_equal(ref_indexer_open(dbs[i], &opts, &ix, NULL), REF_OK);
        assert_int_equal(ref_indexer_add_path(ix, f->in), REF_OK);
        assert_int_equal(ref_indexer_finish(ix), REF_OK);
        /* The corpus and the prose file (indexed unstructured); the empty
         * file is skipped. */
        assert_int_equal(ref_indexer_stats(ix)->files_indexed, 6);
        assert_int_equal(ref_indexer_stats(ix)->files_unstructured, 1);
        assert_int_equal(ref_indexer_stats(ix)->files_skipped, 1);
        ref_indexer_free(ix);
    }
    assert_true(traces[0].len > 0);
    assert_string_equal(traces[0].text, traces[1].text);
    char *a = all_terms(dbs[0]), *b = all_terms(dbs[1]);
    assert_non_null(a);
    assert_true(strstr(a, "sygefravær") != NULL);
    assert_string_equal(a, b);
    free(a);
    free(b);
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
        cmocka_unit_test_setup_teardown(test_touched_file_is_unchanged_by_its_hash, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_same_size_new_content_is_reindexed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_threads_change_neither_events_nor_index, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
