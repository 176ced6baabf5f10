/* date.h — calendar dates, one reader for the minutes parser and the query
 * language, so that what is indexed and what can be asked for agree: a day
 * is a real calendar day ("31-02-2017" is no date on either side).
 *
 * Dates come out as "YYYY-MM-DD" (what ref_meeting carries) or "YYYYMMDD"
 * (the sortable form in the index's date slot). Nothing here allocates. */
#ifndef REFERAT_DATE_H
#define REFERAT_DATE_H

#include <stddef.h>

/* Days in MONTH (1-12) of YEAR, leap years counted; 0 for another month. */
int ref_date_days_in_month(int year, int month);

/* Is YEAR-MONTH-DAY a day of the calendar? */
int ref_date_valid(int year, int month, int day);

/* A date as Danish minutes write it, starting at S[I]: "07-09-2017",
 * "24.05.2013", "7.9.2017", "3/4 2019" and "3/4-2019" (day/month, then the
 * year), "2017-09-07", "7. september 2017", "14. november 2007", "7 sep.
 * 2017". Years 1900-2199 only (other four-digit numbers are not a meeting's
 * year). On success writes "YYYY-MM-DD" to OUT and returns the bytes read;
 * 0 if no date starts there. Looks at a bounded stretch of S. */
size_t ref_date_read(const char *s, size_t n, size_t i, char out[11]);

/* The first date in S (see ref_date_read) that starts at a number's first
 * digit; its start in *AT. 1 if found. Linear in N. */
int ref_date_find(const char *s, size_t n, char out[11], size_t *at);

/* A date bound as the query language writes it: "2017" (the year),
 * "2017-09" (the month), "2017-09-07" or "2017-9-7" (the day). The first day
 * of the span, or with IS_END its last, as "YYYYMMDD" in OUT. 0 if S is no
 * such date (also "2017-02-30"). */
int ref_date_parse_bound(const char *s, size_t n, int is_end, char out[9]);

#endif
