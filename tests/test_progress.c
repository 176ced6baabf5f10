/* test_progress.c — the indexer's progress line: the pre-walk's totals and
 * the bar's text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "referat/progress.h"
#include "testutil.h"

/* The pre-walk counts what the indexer would read: minutes files in
 * folders (not hidden ones, not other files), and a file named directly. */
static void test_prewalk_counts_minutes_files_and_their_bytes(void **state)
{
    (void)state;
    char *dir = test_mkdtemp();
    assert_non_null(dir);
    assert_int_equal(test_write_file(dir, "a.txt", "12345", 5), 0);
    assert_int_equal(test_write_file(dir, "b.md", "123", 3), 0);
    assert_int_equal(test_write_file(dir, "c.docx", "1234567", 7), 0);
    assert_int_equal(test_write_file(dir, ".d.txt", "12", 2), 0);
    char sub[1100];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(test_write_file(sub, "e.txt.gz", "1234", 4), 0);
    ref_progress_totals t = {0};
    ref_progress_prewalk(dir, &t);
    assert_int_equal(t.files, 3);
    assert_int_equal(t.bytes, 5 + 3 + 4);
    char named[1200];
    snprintf(named, sizeof named, "%s/c.docx", dir);
    ref_progress_prewalk(named, &t);
    assert_int_equal(t.files, 4);
    assert_int_equal(t.bytes, 5 + 3 + 4 + 7);
    test_rmrf(dir);
    free(dir);
}

static const char *line(ref_buf *b, uint64_t files, uint64_t bytes, uint64_t tfiles,
                        uint64_t tbytes, double secs, unsigned width)
{
    ref_progress_totals done = {files, bytes}, total = {tfiles, tbytes};
    ref_progress_format(b, &done, &total, secs, width);
    return ref_buf_cstr(b);
}

/* Half the bytes in 10 s: 50 %, 1.0 MB/s, 10 s left; the bar half full. */
static void test_format_shows_fraction_rate_and_eta(void **state)
{
    (void)state;
    ref_buf b = REF_BUF_INIT;
    const char *s = line(&b, 3, 10000000, 10, 20000000, 10.0, 100);
    assert_non_null(strstr(s, " 50%"));
    assert_non_null(strstr(s, "3/10 files"));
    assert_non_null(strstr(s, "10.0/20.0 MB"));
    assert_non_null(strstr(s, "1.0 MB/s"));
    assert_non_null(strstr(s, "ETA 0:10"));
    const char *open = strchr(s, '['), *close = strchr(s, ']');
    assert_non_null(open);
    assert_non_null(close);
    size_t bar = (size_t)(close - open - 1), hashes = 0;
    for (const char *p = open + 1; p < close; p++)
        hashes += *p == '#';
    assert_true(bar >= 10);
    assert_int_equal(hashes, bar / 2);
    /* Hours appear when it takes that long. */
    s = line(&b, 1, 1000000, 100, 100000000, 60.0, 100);
    assert_non_null(strstr(s, "ETA 1:39:00"));
    ref_buf_free(&b);
}

/* Nothing done yet: no ETA to give; more than the pre-walk saw: capped. */
static void test_format_edges(void **state)
{
    (void)state;
    ref_buf b = REF_BUF_INIT;
    const char *s = line(&b, 0, 0, 5, 1000, 0.0, 100);
    assert_non_null(strstr(s, "  0%"));
    assert_non_null(strstr(s, "ETA --:--"));
    s = line(&b, 7, 2000, 5, 1000, 2.0, 100);
    assert_non_null(strstr(s, "100%"));
    /* Files only (empty files): the fraction is by files. */
    s = line(&b, 1, 0, 4, 0, 1.0, 100);
    assert_non_null(strstr(s, " 25%"));
    /* Never wider than the terminal. */
    s = line(&b, 3, 10000000, 10, 20000000, 10.0, 40);
    assert_true(strlen(s) <= 40);
    ref_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prewalk_counts_minutes_files_and_their_bytes),
        cmocka_unit_test(test_format_shows_fraction_rate_and_eta),
        cmocka_unit_test(test_format_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
