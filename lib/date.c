/* date.c — calendar dates for the minutes parser and the query language
 * (see date.h). */
#include "referat/date.h"

#include <string.h>

enum { YEAR_MIN = 1900, YEAR_MAX = 2199 };

static const char *const month_names[12] = {
    "januar", "februar", "marts",     "april",   "maj",      "juni",
    "juli",   "august",  "september", "oktober", "november", "december",
};

int ref_date_days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return days[month - 1] + (month == 2 && leap);
}

int ref_date_valid(int year, int month, int day)
{
    return day >= 1 && day <= ref_date_days_in_month(year, month);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A letter goes on after the month name ("martsmøde"): ASCII letters and
 * the lead byte of the Latin-1 letters (æ, ø, å, é, …). */
static int word_goes_on(char c)
{
    unsigned char u = (unsigned char)c;
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == 0xC3;
}

static size_t skip_blanks(const char *s, size_t n, size_t i)
{
    for (;;) {
        if (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        else if (i + 1 < n && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0)
            i += 2; /* no-break space */
        else
            return i;
    }
}

/* Digits at S[I], at most MAXDIGITS of them, as a number in *OUT; the count
 * read, or 0 when there are none or more than MAXDIGITS. */
static size_t read_int(const char *s, size_t n, size_t i, size_t maxdigits, int *out)
{
    size_t k = 0;
    int v = 0;
    while (i + k < n && k < maxdigits && is_digit(s[i + k]))
        v = v * 10 + (s[i + k++] - '0');
    if (i + k < n && is_digit(s[i + k]))
        return 0; /* too many digits */
    *out = v;
    return k;
}

/* Bytes of S equal to the ASCII word W ignoring case; 0 if S differs. */
static size_t ascii_ci_prefix(const char *s, size_t n, const char *w)
{
    size_t k = 0;
    for (; w[k]; k++) {
        if (k >= n)
            return 0;
        char c = s[k];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != w[k])
            return 0;
    }
    return k;
}

/* Bytes of S naming month MO (0-11): the full name or a three-letter
 * abbreviation with its dot ("sep.", and "sept."); 0 if none. */
static size_t month_at(const char *s, size_t n, int mo)
{
    size_t w = ascii_ci_prefix(s, n, month_names[mo]);
    if (!w) {
        char abbr[5];
        memcpy(abbr, month_names[mo], 3);
        abbr[3] = '.';
        abbr[4] = '\0';
        w = ascii_ci_prefix(s, n, abbr);
        if (!w && mo == 8)
            w = ascii_ci_prefix(s, n, "sept.");
    }
    if (w && w < n && word_goes_on(s[w]))
        return 0; /* "marts" must not match "martsmøde" */
    return w;
}

static int meeting_date(int y, int mo, int d)
{
    return y >= YEAR_MIN && y <= YEAR_MAX && ref_date_valid(y, mo, d);
}

/* "YYYY-MM-DD" of a date meeting_date() accepted, digit by digit: the
 * bounds are known here, and snprintf's "%04d" made GCC warn that they are
 * not. */
static void put_iso(char out[11], int y, int mo, int d)
{
    const int v[3] = {y, mo, d};
    const int w[3] = {4, 2, 2};
    size_t k = 0;
    for (int f = 0; f < 3; f++) {
        if (f)
            out[k++] = '-';
        for (int i = w[f] - 1, div = 1; i >= 0; i--, div *= 10)
            out[k + (size_t)i] = (char)('0' + (v[f] / div) % 10);
        k += (size_t)w[f];
    }
    out[10] = '\0';
}

static size_t accept(char out[11], int y, int mo, int d, size_t used)
{
    if (!meeting_date(y, mo, d))
        return 0;
    put_iso(out, y, mo, d);
    return used;
}

size_t ref_date_read(const char *s, size_t n, size_t i, char out[11])
{
    int a, b, c;
    size_t k = read_int(s, n, i, 4, &a), j;
    if (!k)
        return 0;
    j = i + k;
    if (k == 4 && j + 6 <= n && s[j] == '-') { /* ISO */
        size_t k2 = read_int(s, n, j + 1, 2, &b);
        if (k2 == 2 && j + 3 < n && s[j + 3] == '-' && read_int(s, n, j + 4, 2, &c) == 2)
            return accept(out, a, b, c, j + 6 - i);
        return 0;
    }
    if (k > 2)
        return 0;
    if (j < n && (s[j] == '-' || s[j] == '.' || s[j] == '/')) { /* numeric */
        char sep = s[j];
        size_t k2 = read_int(s, n, j + 1, 2, &b);
        size_t m = j + 1 + k2;
        if (k2 && m < n && s[m] == sep && read_int(s, n, m + 1, 4, &c) == 4)
            return accept(out, c, b, a, m + 5 - i);
        /* "3/4 2019" and "3/4-2019": day/month, then the year */
        if (k2 && sep == '/' && m + 1 < n && (s[m] == ' ' || s[m] == '-') &&
            read_int(s, n, m + 1, 4, &c) == 4)
            return accept(out, c, b, a, m + 5 - i);
    }
    if (j < n && s[j] == '.') /* "7. september 2017" */
        j++;
    j = skip_blanks(s, n, j);
    for (int mo = 0; mo < 12; mo++) {
        size_t w = month_at(s + j, n - j, mo);
        if (!w)
            continue;
        size_t e = skip_blanks(s, n, j + w);
        if (read_int(s, n, e, 4, &c) == 4)
            return accept(out, c, mo + 1, a, e + 4 - i);
        return 0;
    }
    return 0;
}

int ref_date_find(const char *s, size_t n, char out[11], size_t *at)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]) || (i > 0 && is_digit(s[i - 1])))
            continue;
        if (ref_date_read(s, n, i, out)) {
            *at = i;
            return 1;
        }
    }
    return 0;
}

/* Read 1 to MAX digits at *S (before END) as a number; -1 if none. */
static int read_digits(const char **s, const char *end, int max)
{
    int v = 0, n = 0;
    while (*s < end && n < max && **s >= '0' && **s <= '9') {
        v = v * 10 + (**s - '0');
        (*s)++;
        n++;
    }
    return n ? v : -1;
}

int ref_date_parse_bound(const char *s, size_t n, int is_end, char out[9])
{
    const char *p = s, *end = s + n;
    int y = p + 4 <= end && is_digit(p[0]) ? read_digits(&p, end, 4) : -1;
    int m = is_end ? 12 : 1, d = is_end ? 31 : 1;
    if (y < 0 || p - s != 4)
        return 0;
    if (p < end) {
        /* "2017-09" is the whole month; "2017-09-07" the day. */
        if (*p++ != '-' || (m = read_digits(&p, end, 2)) < 0)
            return 0;
        if (m >= 1 && m <= 12)
            d = is_end ? ref_date_days_in_month(y, m) : 1;
        if (p < end && (*p++ != '-' || (d = read_digits(&p, end, 2)) < 0))
            return 0;
    }
    if (p != end || !ref_date_valid(y, m, d))
        return 0;
    const int v[3] = {y, m, d}, w[3] = {4, 2, 2};
    size_t k = 0;
    for (int f = 0; f < 3; f++) {
        for (int i = w[f] - 1, div = 1; i >= 0; i--, div *= 10)
            out[k + (size_t)i] = (char)('0' + (v[f] / div) % 10);
        k += (size_t)w[f];
    }
    out[8] = '\0';
    return 1;
}
