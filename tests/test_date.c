/* test_date.c — the one date reader of the parser and the query language
 * (lib/date.c): Danish written dates, real calendar days only, and the
 * query's date bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "referat/date.h"

/* Danish ways of writing a meeting's date; "" where no date may be read. */
static void test_danish_dates_table(void **state)
{
    (void)state;
    static const struct {
        const char *text, *date;
    } rows[] = {
        {"d. 07-09-2017", "2017-09-07"},
        {"24.05.2013", "2013-05-24"},
        {"7.9.2017", "2017-09-07"},
        {"3/4 2019", "2019-04-03"},
        {"den 3/4-2019", "2019-04-03"},
        {"2017-09-07", "2017-09-07"},
        {"14. november 2007", "2007-11-14"},
        {"Mødedato: Tirsdag den 30. juni 2015 kl. 16.00", "2015-06-30"},
        {"7 sep. 2017", "2017-09-07"},
        {"5. sept. 2019", "2019-09-05"},
        {"1. DECEMBER 2015", "2015-12-01"},
        {"29-02-2016", "2016-02-29"},
        /* not days of the calendar, so never a meeting's date */
        {"d. 31-02-2017", ""},
        {"29-02-2017", ""},
        {"31. april 2020", ""},
        {"32-13-2017", ""},
        {"2017-02-30", ""},
        /* not dates at all */
        {"kl. 16.00", ""},
        {"3. martsmøde 2020", ""},
        {"12-05-1850", ""},
        {"sag 2017", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        print_message("row %zu: %s\n", i, rows[i].text);
        char out[11] = "";
        size_t at = 0;
        int found = ref_date_find(rows[i].text, strlen(rows[i].text), out, &at);
        assert_int_equal(found, rows[i].date[0] != '\0');
        if (found)
            assert_string_equal(out, rows[i].date);
    }
}

/* The query language's bounds: a year, a month or a day, first or last day
 * of the span; the same calendar as the parser's. */
static void test_query_bounds_table(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int is_end;
        const char *bound; /* "" for no date */
    } rows[] = {
        {"2017", 0, "20170101"},
        {"2017", 1, "20171231"},
        {"2017-02", 1, "20170228"},
        {"2016-02", 1, "20160229"},
        {"2017-9-7", 0, "20170907"},
        {"2017-09-07", 1, "20170907"},
        {"2017-02-31", 0, ""},
        {"2017-02-30", 1, ""},
        {"2017-13", 0, ""},
        {"-201", 0, ""},
        {"201", 0, ""},
        {"2017-09-07x", 0, ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        print_message("row %zu: %s\n", i, rows[i].text);
        char out[9] = "";
        int ok = ref_date_parse_bound(rows[i].text, strlen(rows[i].text), rows[i].is_end, out);
        assert_int_equal(ok, rows[i].bound[0] != '\0');
        if (ok)
            assert_string_equal(out, rows[i].bound);
    }
}

/* Whatever the parser reads as a date, the query language accepts as a day:
 * the bug was "d. 31-02-2017" indexed as 2017-02-31, which dato:2017-02-31
 * refused and --to 2017-02 (20170228) left out. */
static void test_every_read_date_is_a_query_day(void **state)
{
    (void)state;
    char text[48], out[11], bound[9];
    for (int y = 2015; y <= 2016; y++)
        for (int mo = 1; mo <= 12; mo++)
            for (int d = 1; d <= 31; d++) {
                snprintf(text, sizeof text, "%02d-%02d-%04d", d, mo, y);
                size_t at;
                if (!ref_date_find(text, strlen(text), out, &at))
                    continue;
                assert_true(ref_date_parse_bound(out, strlen(out), 0, bound));
                char month[8];
                snprintf(month, sizeof month, "%.7s", out);
                char hi[9];
                assert_true(ref_date_parse_bound(month, strlen(month), 1, hi));
                assert_true(strcmp(bound, hi) <= 0);
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_danish_dates_table),
        cmocka_unit_test(test_query_bounds_table),
        cmocka_unit_test(test_every_read_date_is_a_query_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
