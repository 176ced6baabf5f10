/* test_export.c — the export writer (export.h): every format written to
 * real files in a temporary folder and read back — CSV with Python's csv
 * module, JSON Lines with its json module, HTML with its html.parser (all
 * through tests/e2e_export_reader.py), gzip with gzip -t and zlib — plus the
 * escapers, table-driven, and the atomic write. The hits are built by hand
 * (a record is plain data), full of what breaks formats: Danish letters,
 * quotes, separators, newlines, "<script>", "&" and leading "=". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "referat/export.h"
#include "referat/present.h"
#include "testutil.h"

/* ---- the hits --------------------------------------------------------------- */

#define A_S1                                                                                       \
    "Godkendt med <script>alert(1)</script> & tak.\n"                                              \
    "Sygefravær og  sygefravær drøftet."
#define A_S2 "=SUM(A1:A2) anbefales; æøå.\n\n  - punkt \"to\""
#define B_S0 "-5 grader; @alle <b>fed</b> grader og mere tekst"

static ref_record_section a_sections[] = {
    {REF_SECTION_SAGSFREMSTILLING, "Sagsfremstilling",
     "Sygefraværet er steget; se bilag.\nNy linje med \"citat\"."},
    {REF_SECTION_BESLUTNING, "Beslutning", A_S1},
    {REF_SECTION_BESLUTNING, "Beslutning", A_S2},
};
static ref_record rec_a = {"a1",
                           "/data/referater/økonomi 2017-03-14.txt",
                           "Økonomiudvalget",
                           "2017-03-14",
                           "Rådhuset",
                           4,
                           "",
                           "Budget \"2018\"; ændringer",
                           "00.30.00-S00-1-17",
                           3,
                           a_sections,
                           "",
                           0,
                           0,
                           NULL,
                           NULL};

static ref_record_section b_sections[] = {{REF_SECTION_NONE, "", B_S0}};
static ref_record rec_b = {"b1",       "b_`x`.txt", "Børne- og Ungeudvalget",      "2018-01-09", "",
                           0,          "",          "=HYPERLINK(\"http://evil\")", "",           1,
                           b_sections, "",          0,                             0,            NULL,
                           NULL};

static ref_record rec_c = {"c1",
                           "c.txt",
                           "Teknik & Miljø",
                           "",
                           "",
                           7,
                           "",
                           "1. Punkt *vigtigt* [x](y) _a_ #2 &amp;",
                           "-1",
                           0,
                           NULL,
                           "",
                           0,
                           0,
                           NULL,
                           NULL};

static ref_span a_spans[3], b_spans[1];
static ref_hit hits[3];
#define NHITS 3
static char *tmpdir;

/* The span of the Nth (0-based) occurrence of WORD in TEXT. */
static ref_span span_of(const char *text, const char *word, int nth)
{
    const char *p = text;
    for (;; nth--) {
        p = strstr(p, word);
        assert_non_null(p);
        if (nth == 0)
            break;
        p++;
    }
    return (ref_span){(size_t)(p - text), (size_t)(p - text) + strlen(word)};
}

static void build_hits(void)
{
    a_spans[0] = span_of(A_S1, "Godkendt", 0);
    a_spans[1] = span_of(A_S1, "Sygefravær", 0);
    a_spans[2] = span_of(A_S1, "sygefravær", 0);
    hits[0] = (ref_hit){1, 12.345678, &rec_a, 1, {0, strlen(A_S1), 0, 0, a_spans, 3, 3, 2}, NULL};
    /* A window cut on both sides. */
    b_spans[0] = span_of(B_S0, "grader", 0);
    hits[1] = (ref_hit){2, 3.5, &rec_b, 0, {0, 27, 0, 1, b_spans, 1, 2, 1}, NULL};
    hits[2] = (ref_hit){3, 0.25, &rec_c, -1, {0, 0, 0, 0, NULL, 0, 0, 0}, NULL};
}

static int setup(void **state)
{
    (void)state;
    build_hits();
    tmpdir = test_mkdtemp();
    return tmpdir ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (tmpdir)
        chmod(tmpdir, 0755);
    test_rmrf(tmpdir);
    free(tmpdir);
    tmpdir = NULL;
    return 0;
}

static char *path_in(const char *name)
{
    static char path[2][4096];
    static int which;
    which ^= 1;
    snprintf(path[which], sizeof path[which], "%s/%s", tmpdir, name);
    return path[which];
}

/* Export the three hits under groups 2017 and 2018 to PATH. */
static void export_all(const ref_export_opts *opts, const char *path)
{
    ref_export *ex = NULL;
    char *err = NULL;
    ref_status st = ref_export_open(opts, path, &ex, &err);
    if (st != REF_OK)
        fail_msg("open %s: %s: %s", path ? path : "stdout", ref_status_str(st), err);
    assert_int_equal(ref_export_begin_group(ex, "2017"), REF_OK);
    assert_int_equal(ref_export_hit(ex, &hits[0]), REF_OK);
    assert_int_equal(ref_export_begin_group(ex, "2018"), REF_OK);
    for (int i = 1; i < NHITS; i++)
        assert_int_equal(ref_export_hit(ex, &hits[i]), REF_OK);
    st = ref_export_close(ex, &err);
    if (st != REF_OK)
        fail_msg("close %s: %s: %s", path ? path : "stdout", ref_status_str(st), err);
    assert_null(err);
}

/* The whole file (gunzipped when its name ends in .gz), NUL-terminated. */
static char *slurp(const char *path, size_t *len)
{
    gzFile gz = gzopen(path, "rb"); /* reads plain files as they are */
    assert_non_null(gz);
    ref_buf b = REF_BUF_INIT;
    char chunk[8192];
    int n;
    while ((n = gzread(gz, chunk, sizeof chunk)) > 0)
        ref_buf_append(&b, chunk, (size_t)n);
    assert_true(n == 0);
    assert_int_equal(gzclose(gz), Z_OK);
    if (len)
        *len = b.len;
    ref_buf_putc(&b, '\0');
    return ref_buf_detach(&b);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* ---- reading back through Python ------------------------------------------ */

typedef struct table {
    size_t nrows;
    size_t nfields[64];
    char *fields[64][64];
} table;

static const char *reader_script(void)
{
    static char path[4096];
    const char *here = __FILE__; /* "tests/test_export.c", relative to make's folder */
    const char *slash = strrchr(here, '/');
    snprintf(path, sizeof path, "%.*s/e2e_export_reader.py", slash ? (int)(slash - here) : 1,
             slash ? here : ".");
    if (access(path, R_OK) != 0 && getenv("REFERAT_TESTDATA"))
        snprintf(path, sizeof path, "%s/../e2e_export_reader.py", getenv("REFERAT_TESTDATA"));
    if (access(path, R_OK) != 0)
        fail_msg("cannot find e2e_export_reader.py (run from the repository's root)");
    return path;
}

/* Run the reader on FILE and parse its "R<n>" / "<len>:<bytes>" records. */
static void python_read(const char *kind, const char *file, const char *sep, table *t)
{
    char cmd[16384];
    const char *dump = path_in("reader.out");
    snprintf(cmd, sizeof cmd, "python3 '%s' %s '%s' '%s' > '%s'", reader_script(), kind, file,
             sep ? sep : "", dump);
    if (system(cmd) != 0)
        fail_msg("the Python reader rejected %s (%s)", file, kind);
    size_t len = 0;
    char *data = slurp(dump, &len);
    unlink(dump);
    memset(t, 0, sizeof *t);
    char *p = data, *end = data + len;
    while (p < end) {
        assert_true(*p == 'R');
        size_t n = strtoul(p + 1, &p, 10);
        assert_true(*p++ == '\n' && n <= 64 && t->nrows < 64);
        size_t r = t->nrows++;
        t->nfields[r] = n;
        for (size_t i = 0; i < n; i++) {
            size_t flen = strtoul(p, &p, 10);
            assert_true(*p++ == ':' && p + flen < end + 1);
            t->fields[r][i] = strndup(p, flen);
            p += flen;
            assert_true(*p++ == '\n');
        }
    }
    free(data);
}

static void table_free(table *t)
{
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t i = 0; i < t->nfields[r]; i++)
            free(t->fields[r][i]);
}

/* The value of KEY in a JSON Lines row (key, value, key, value, …). */
static const char *row_value(const table *t, size_t r, const char *key)
{
    for (size_t i = 0; i + 1 < t->nfields[r]; i += 2)
        if (strcmp(t->fields[r][i], key) == 0)
            return t->fields[r][i + 1];
    return NULL;
}

static char *plain_snippet(const ref_hit *hit)
{
    ref_buf b = REF_BUF_INIT;
    ref_present_snippet(&b, hit, "", "");
    ref_buf_putc(&b, '\0');
    return ref_buf_detach(&b);
}

/* ---- formats and escapers ------------------------------------------------- */

static void test_format_names_and_extensions(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        ref_status st;
        ref_export_format f;
    } names[] = {
        {"csv", REF_OK, REF_EXPORT_CSV},      {"CSV", REF_OK, REF_EXPORT_CSV},
        {"jsonl", REF_OK, REF_EXPORT_JSONL},  {"json", REF_OK, REF_EXPORT_JSONL},
        {"md", REF_OK, REF_EXPORT_MD},        {"markdown", REF_OK, REF_EXPORT_MD},
        {"html", REF_OK, REF_EXPORT_HTML},    {"htm", REF_OK, REF_EXPORT_HTML},
        {"text", REF_EINVAL, REF_EXPORT_CSV}, {"", REF_EINVAL, REF_EXPORT_CSV},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        ref_export_format f = REF_EXPORT_CSV;
        assert_int_equal(ref_export_format_from_name(names[i].name, &f), names[i].st);
        assert_int_equal(f, names[i].f);
    }
    static const struct {
        const char *path;
        ref_status st;
        ref_export_format f;
    } paths[] = {
        {"x.csv", REF_OK, REF_EXPORT_CSV},
        {"/tmp/år.2017/x.jsonl.gz", REF_OK, REF_EXPORT_JSONL},
        {"notes.MD", REF_OK, REF_EXPORT_MD},
        {"r.html.gz", REF_OK, REF_EXPORT_HTML},
        {"x.json", REF_OK, REF_EXPORT_JSONL},
        {"x", REF_EINVAL, REF_EXPORT_CSV},
        {"x.gz", REF_EINVAL, REF_EXPORT_CSV},
        {".csv", REF_EINVAL, REF_EXPORT_CSV},
        {"dir.csv/x", REF_EINVAL, REF_EXPORT_CSV},
        {"x.pdf", REF_EINVAL, REF_EXPORT_CSV},
    };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        ref_export_format f = REF_EXPORT_CSV;
        if (ref_export_format_from_path(paths[i].path, &f) != paths[i].st)
            fail_msg("%s", paths[i].path);
        assert_int_equal(f, paths[i].f);
    }
    assert_string_equal(ref_export_format_name(REF_EXPORT_JSONL), "jsonl");
    assert_string_equal(ref_export_format_name(REF_EXPORT_MD), "md");
}

static void test_csv_guards_formulas(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        char sep;
        const char *out;
    } cases[] = {
        {"", ';', ""},
        {"plain æøå", ';', "plain æøå"},
        {"a;b", ';', "\"a;b\""},
        {"a;b", ',', "a;b"},
        {"a,b", ',', "\"a,b\""},
        {"say \"hi\"", ';', "\"say \"\"hi\"\"\""},
        {"two\nlines", ';', "\"two\nlines\""},
        {"cr\rhere", ';', "\"cr\rhere\""},
        {"=SUM(A1)", ';', "'=SUM(A1)"},
        {"+45 1234", ';', "'+45 1234"},
        {"-5", ';', "'-5"},
        {"@cmd", ';', "'@cmd"},
        {"\tx", ';', "'\tx"},
        {"=HYPERLINK(\"u\";\"x\")", ';', "\"'=HYPERLINK(\"\"u\"\";\"\"x\"\")\""},
        {"a=b", ';', "a=b"},
        {"tab\tinside", '\t', "\"tab\tinside\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ref_buf b = REF_BUF_INIT;
        ref_export_csv_field(&b, cases[i].in, strlen(cases[i].in), cases[i].sep);
        if (strcmp(ref_buf_cstr(&b), cases[i].out) != 0)
            fail_msg("csv(%s): got [%s], want [%s]", cases[i].in, ref_buf_cstr(&b), cases[i].out);
        ref_buf_free(&b);
    }
}

static void test_html_and_markdown_escapes(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *out;
    } html[] = {
        {"æøå", "æøå"},
        {"<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"},
        {"a & b \"c\"", "a &amp; b &quot;c&quot;"},
        {"&amp;", "&amp;amp;"},
        {"bell\a\x01 tab\tnl\n", "bell tab\tnl\n"},
    };
    for (size_t i = 0; i < sizeof html / sizeof *html; i++) {
        ref_buf b = REF_BUF_INIT;
        ref_export_html_escape(&b, html[i].in, strlen(html[i].in));
        assert_string_equal(ref_buf_cstr(&b), html[i].out);
        ref_buf_free(&b);
    }
    static const struct {
        const char *in;
        int line_start;
        const char *out;
    } md[] = {
        {"Økonomi og æbler", 1, "Økonomi og æbler"},
        {"*fed* _kursiv_ `kode`", 0, "\\*fed\\* \\_kursiv\\_ \\`kode\\`"},
        {"[link](x) <b> #2 a|b ~s~ c:\\d", 0, "\\[link\\](x) \\<b\\> \\#2 a\\|b \\~s\\~ c:\\\\d"},
        {"&amp; & &#38; a&b", 0, "\\&amp; & \\&\\#38; a\\&b"},
        {"- punkt", 1, "\\- punkt"},
        {"- punkt", 0, "- punkt"},
        {"  + x", 1, "  \\+ x"},
        {"=====", 1, "\\====="},
        {"12. marts", 1, "12\\. marts"},
        {"3) tre", 1, "3\\) tre"},
        {"2017 var godt", 1, "2017 var godt"},
        {"a\n- b\n1. c", 0, "a\n\\- b\n1\\. c"},
    };
    for (size_t i = 0; i < sizeof md / sizeof *md; i++) {
        ref_buf b = REF_BUF_INIT;
        ref_export_md_escape(&b, md[i].in, strlen(md[i].in), md[i].line_start);
        if (strcmp(ref_buf_cstr(&b), md[i].out) != 0)
            fail_msg("md(%s): got [%s], want [%s]", md[i].in, ref_buf_cstr(&b), md[i].out);
        ref_buf_free(&b);
    }
}

/* ---- CSV ------------------------------------------------------------------ */

#define NCOLS 14
static const char *const header[NCOLS] = {"rank",    "score",   "body",     "date",
                                          "punkt",   "title",   "journal",  "section",
                                          "snippet", "matches", "decision", "source",
                                          "outcome", "citation"};

static void check_csv(const char *path, const char *sep, const char *const want[NHITS][NCOLS])
{
    size_t len = 0;
    char *raw = slurp(path, &len);
    assert_memory_equal(raw, "\xEF\xBB\xBF", 3);
    char head[256];
    snprintf(head, sizeof head,
             "rank%sscore%sbody%sdate%spunkt%stitle%sjournal%ssection%ssnippet%smatches%s"
             "decision%ssource%soutcome%scitation\r\n",
             sep, sep, sep, sep, sep, sep, sep, sep, sep, sep, sep, sep, sep);
    assert_memory_equal(raw + 3, head, strlen(head));
    assert_memory_equal(raw + len - 2, "\r\n", 2);
    free(raw);

    table t;
    python_read("csv", path, sep, &t);
    assert_int_equal(t.nrows, 1 + NHITS);
    for (size_t i = 0; i < NCOLS; i++)
        assert_string_equal(t.fields[0][i], header[i]);
    for (size_t r = 0; r < NHITS; r++) {
        assert_int_equal(t.nfields[r + 1], NCOLS);
        for (size_t i = 0; i < NCOLS; i++)
            if (strcmp(t.fields[r + 1][i], want[r][i]) != 0)
                fail_msg("row %zu %s: got [%s], want [%s]", r + 1, header[i], t.fields[r + 1][i],
                         want[r][i]);
    }
    table_free(&t);
}

#define A_PLAIN "Godkendt med <script>alert(1)</script> & tak. Sygefravær og sygefravær drøftet."
#define A_DECISION A_S1 "\n\n" A_S2

static void test_csv_round_trip_semicolon_full(void **state)
{
    (void)state;
    ref_export_opts opts = {.format = REF_EXPORT_CSV, .query = "sygefravær", .full = 1};
    const char *path = path_in("udtræk.csv");
    export_all(&opts, path);
    static const char *const want[NHITS][NCOLS] = {
        {"1", "12,3457", "Økonomiudvalget", "2017-03-14", "4", "Budget \"2018\"; ændringer",
         "00.30.00-S00-1-17", "beslutning", A_PLAIN, "Godkendt, Sygefravær", A_DECISION,
         "/data/referater/økonomi 2017-03-14.txt", "andet", "Økonomiudvalget, 14. marts 2017, punkt 4: Budget \"2018\"; ændringer, Beslutning"},
        {"2", "3,5000", "Børne- og Ungeudvalget", "2018-01-09", "", "'=HYPERLINK(\"http://evil\")",
         "", "tekst", "'-5 grader; @alle <b>fed</b>…", "grader", "", "b_`x`.txt", "", "Børne- og Ungeudvalget, 9. januar 2018, =HYPERLINK(\"http://evil\"), Tekst"},
        {"3", "0,2500", "Teknik & Miljø", "", "7", "1. Punkt *vigtigt* [x](y) _a_ #2 &amp;", "'-1",
         "", "", "", "", "c.txt", "", "Teknik & Miljø, punkt 7: 1. Punkt *vigtigt* [x](y) _a_ #2 &amp;"},
    };
    check_csv(path, ";", want);
    assert_int_equal(count_entries(tmpdir), 1); /* no temporary left */
}

static void test_csv_comma_separator_without_full(void **state)
{
    (void)state;
    ref_export_opts opts = {.format = REF_EXPORT_CSV, .csv_sep = ','};
    const char *path = path_in("x.csv");
    export_all(&opts, path);
    static const char *const want[NHITS][NCOLS] = {
        {"1", "12.3457", "Økonomiudvalget", "2017-03-14", "4", "Budget \"2018\"; ændringer",
         "00.30.00-S00-1-17", "beslutning", A_PLAIN, "Godkendt, Sygefravær", "",
         "/data/referater/økonomi 2017-03-14.txt", "andet", "Økonomiudvalget, 14. marts 2017, punkt 4: Budget \"2018\"; ændringer, Beslutning"},
        {"2", "3.5000", "Børne- og Ungeudvalget", "2018-01-09", "", "'=HYPERLINK(\"http://evil\")",
         "", "tekst", "'-5 grader; @alle <b>fed</b>…", "grader", "", "b_`x`.txt", "", "Børne- og Ungeudvalget, 9. januar 2018, =HYPERLINK(\"http://evil\"), Tekst"},
        {"3", "0.2500", "Teknik & Miljø", "", "7", "1. Punkt *vigtigt* [x](y) _a_ #2 &amp;", "'-1",
         "", "", "", "", "c.txt", "", "Teknik & Miljø, punkt 7: 1. Punkt *vigtigt* [x](y) _a_ #2 &amp;"},
    };
    check_csv(path, ",", want);
}

static void test_bad_separator_is_einval(void **state)
{
    (void)state;
    const char bad[] = {'"', '\'', '\n', '\r', 'a', '7', (char)0xC3};
    for (size_t i = 0; i < sizeof bad; i++) {
        ref_export_opts opts = {.format = REF_EXPORT_CSV, .csv_sep = bad[i]};
        ref_export *ex = (ref_export *)1;
        char *err = NULL;
        assert_int_equal(ref_export_open(&opts, path_in("bad.csv"), &ex, &err), REF_EINVAL);
        assert_null(ex);
        assert_non_null(err);
        free(err);
    }
    ref_export_opts opts = {.format = (ref_export_format)42};
    ref_export *ex = NULL;
    assert_int_equal(ref_export_open(&opts, path_in("bad.csv"), &ex, NULL), REF_EINVAL);
    assert_int_equal(count_entries(tmpdir), 0);
}

/* ---- JSON Lines and gzip --------------------------------------------------- */

static void test_jsonl_lines_are_present_json_lines(void **state)
{
    (void)state;
    ref_export_opts opts = {.format = REF_EXPORT_JSONL};
    const char *path = path_in("x.jsonl");
    export_all(&opts, path);
    ref_buf want = REF_BUF_INIT;
    for (int i = 0; i < NHITS; i++)
        ref_present_json_hit(&want, &hits[i]);
    char *got = slurp(path, NULL);
    assert_string_equal(got, ref_buf_cstr(&want));
    free(got);
    ref_buf_free(&want);
}

static void test_jsonl_gz_full_adds_decision_key(void **state)
{
    (void)state;
    ref_export_opts opts = {.format = REF_EXPORT_JSONL, .full = 1};
    const char *path = path_in("x.jsonl.gz");
    export_all(&opts, path);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "gzip -t '%s'", path);
    assert_int_equal(system(cmd), 0);

    /* Each line is present.c's line with one more key before the brace. */
    char *got = slurp(path, NULL);
    char *line = got;
    for (int i = 0; i < NHITS; i++) {
        ref_buf one = REF_BUF_INIT;
        ref_present_json_hit(&one, &hits[i]);
        assert_memory_equal(line, one.data, one.len - 2);
        assert_memory_equal(line + one.len - 2, ",\"decision\":", 12);
        line = strchr(line, '\n');
        assert_non_null(line);
        line++;
        ref_buf_free(&one);
    }
    assert_string_equal(line, "");
    free(got);

    table t;
    python_read("jsonl", path, NULL, &t);
    assert_int_equal(t.nrows, NHITS);
    static const char *const keys[] = {"rank",         "score",        "id",      "body",
                                       "date",         "punkt",        "title",   "journal",
                                       "section",      "snippet",      "snippet_text",
                                       "matches",      "outcome",      "citation",
                                       "source",       "municipality",
                                       "unstructured", "decision"};
    enum { NKEYS = sizeof keys / sizeof keys[0] };
    for (size_t r = 0; r < t.nrows; r++) {
        assert_int_equal(t.nfields[r], 2 * NKEYS);
        for (size_t k = 0; k < NKEYS; k++)
            assert_string_equal(t.fields[r][2 * k], keys[k]);
    }
    assert_string_equal(row_value(&t, 0, "decision"), A_DECISION);
    assert_string_equal(row_value(&t, 0, "title"), "Budget \"2018\"; ændringer");
    assert_string_equal(row_value(&t, 0, "snippet_text"), A_PLAIN);
    assert_string_equal(row_value(&t, 1, "decision"), "");
    assert_string_equal(row_value(&t, 1, "title"), "=HYPERLINK(\"http://evil\")");
    table_free(&t);
}

static void test_gzip_csv_reads_back_like_plain(void **state)
{
    (void)state;
    ref_export_opts opts = {.format = REF_EXPORT_CSV, .full = 1};
    export_all(&opts, path_in("x.csv"));
    export_all(&opts, path_in("x.csv.gz"));
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "gzip -t '%s'", path_in("x.csv.gz"));
    assert_int_equal(system(cmd), 0);
    size_t plain_len, gz_len;
    char *plain = slurp(path_in("x.csv"), &plain_len);
    char *gz = slurp(path_in("x.csv.gz"), &gz_len);
    assert_int_equal(plain_len, gz_len);
    assert_memory_equal(plain, gz, plain_len);
    free(plain);
    free(gz);
    /* And the file really is compressed: it starts with gzip's magic. */
    FILE *f = fopen(path_in("x.csv.gz"), "rb");
    unsigned char magic[2] = {0};
    assert_int_equal(fread(magic, 1, 2, f), 2);
    fclose(f);
    assert_true(magic[0] == 0x1f && magic[1] == 0x8b);
}

/* Thousands of hits pass the write buffer many times over. */
static void test_many_hits_stream_through(void **state)
{
    (void)state;
    ref_export_opts opts = {.format = REF_EXPORT_JSONL, .full = 1};
    ref_export *ex = NULL;
    assert_int_equal(ref_export_open(&opts, path_in("many.jsonl.gz"), &ex, NULL), REF_OK);
    for (unsigned i = 0; i < 5000; i++) {
        ref_hit h = hits[i % NHITS];
        h.rank = i + 1;
        assert_int_equal(ref_export_hit(ex, &h), REF_OK);
    }
    assert_int_equal(ref_export_close(ex, NULL), REF_OK);
    char *got = slurp(path_in("many.jsonl.gz"), NULL);
    size_t lines = 0;
    for (char *p = got; (p = strchr(p, '\n')); p++)
        lines++;
    assert_int_equal(lines, 5000);
    assert_non_null(strstr(got, "{\"rank\":5000,"));
    free(got);
}

/* ---- HTML ----------------------------------------------------------------- */

static void test_html_is_escaped_and_well_formed(void **state)
{
    (void)state;
    ref_export_opts opts = {
        .format = REF_EXPORT_HTML, .query = "<sygefravær> & \"tak\"", .count = 3, .full = 1};
    const char *path = path_in("rapport.html");
    export_all(&opts, path);
    char *html = slurp(path, NULL);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<b>"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; tak."));
    assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
    assert_non_null(strstr(html, "<mark>Godkendt</mark>"));
    assert_non_null(strstr(html, "&amp;amp;")); /* rec_c's literal "&amp;" */
    free(html);

    table t;
    python_read("html", path, NULL, &t);
    size_t h2 = 0, marks = 0, snippets = 0;
    static const char *const want_marks[] = {"Godkendt", "Sygefravær", "sygefravær", "grader"};
    for (size_t r = 0; r < t.nrows; r++) {
        const char *k = t.fields[r][0], *v = t.fields[r][1];
        if (strcmp(k, "title") == 0)
            assert_string_equal(v, "Referat: «<sygefravær> & \"tak\"» – 3 fund");
        else if (strcmp(k, "h2") == 0)
            assert_string_equal(v, h2++ ? "2018" : "2017");
        else if (strcmp(k, "mark") == 0 && marks < 4)
            assert_string_equal(v, want_marks[marks++]);
        else if (strcmp(k, "snippet") == 0)
            snippets++;
        else if (strcmp(k, "decision") == 0)
            assert_string_equal(v, "Beslutning" A_DECISION);
    }
    assert_int_equal(h2, 2);
    assert_int_equal(marks, 4);
    assert_int_equal(snippets, 2);
    table_free(&t);
}

/* put_marked_snippet walks the spans itself (ref_present_snippet's output
 * mixes markers and raw text and cannot be escaped afterwards); the text a
 * reader sees must still be present.c's plain snippet. */
static void test_html_snippet_text_equals_plain_snippet(void **state)
{
    (void)state;
    ref_export_opts opts = {.format = REF_EXPORT_HTML};
    const char *path = path_in("x.html");
    export_all(&opts, path);
    table t;
    python_read("html", path, NULL, &t);
    size_t n = 0;
    for (size_t r = 0; r < t.nrows; r++) {
        if (strcmp(t.fields[r][0], "snippet") != 0)
            continue;
        char *want = plain_snippet(&hits[n++]);
        assert_string_equal(t.fields[r][1], want);
        free(want);
    }
    assert_int_equal(n, 2);
    table_free(&t);
}

static void test_html_without_groups_or_query(void **state)
{
    (void)state;
    ref_export_opts opts = {.format = REF_EXPORT_HTML};
    const char *path = path_in("plain.html");
    ref_export *ex = NULL;
    assert_int_equal(ref_export_open(&opts, path, &ex, NULL), REF_OK);
    assert_int_equal(ref_export_hit(ex, &hits[2]), REF_OK);
    assert_int_equal(ref_export_close(ex, NULL), REF_OK);
    table t;
    python_read("html", path, NULL, &t);
    assert_string_equal(t.fields[0][0], "title");
    assert_string_equal(t.fields[0][1], "Referat");
    table_free(&t);
    char *html = slurp(path, NULL);
    assert_null(strstr(html, "<section>"));
    assert_non_null(strstr(html, "1 fund eksporteret"));
    free(html);
}

/* ---- Markdown ------------------------------------------------------------- */

static void test_markdown_headings_bold_matches_and_escapes(void **state)
{
    (void)state;
    ref_export_opts opts = {.format = REF_EXPORT_MD, .query = "sygefravær", .count = 3, .full = 1};
    const char *path = path_in("noter.md");
    export_all(&opts, path);
    char *md = slurp(path, NULL);
    static const char *const want[] = {
        "# Søgning: sygefravær\n\n3 punkter fundet.\n\n## 2017\n\n### 1. Budget \"2018\"; "
        "ændringer\n\n",
        "*Økonomiudvalget · 2017-03-14 · punkt 4 · sagsnr. 00.30.00-S00-1-17 · udfald: Andet · "
        "beslutning · score 12.35*\n",
        "Citér: Økonomiudvalget, 14. marts 2017, punkt 4: Budget \"2018\"; ændringer, Beslutning\n",
        "> **Godkendt** med \\<script\\>alert(1)\\</script\\> & tak. **Sygefravær** og "
        "**sygefravær** drøftet.\n",
        "Fundne ord: Godkendt, Sygefravær\n",
        "**Beslutning:**\n\n> Godkendt med",
        "> \\=SUM(A1:A2) anbefales; æøå.\n>\n> \\- punkt \"to\"\n",
        "Kilde: `/data/referater/økonomi 2017-03-14.txt`",
        "## 2018\n\n### 2. =HYPERLINK(\"http://evil\")",
        "> \\-5 **grader**; @alle \\<b\\>fed\\</b\\>…\n",
        "Kilde: ``b_`x`.txt``",
        "### 3. 1. Punkt \\*vigtigt\\* \\[x\\](y) \\_a\\_ \\#2 \\&amp;\n\n"
        "*Teknik & Miljø · punkt 7 · sagsnr. -1 · score 0.25*",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!strstr(md, want[i]))
            fail_msg("missing [%s] in\n%s", want[i], md);
    free(md);
}

/* ---- stdout and the atomic write ------------------------------------------ */

static void test_dash_writes_to_stdout(void **state)
{
    (void)state;
    const char *path = path_in("stdout.jsonl");
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    ref_export_opts opts = {.format = REF_EXPORT_JSONL};
    ref_export *ex = NULL;
    ref_status st = ref_export_open(&opts, "-", &ex, NULL);
    if (st == REF_OK)
        st = ref_export_hit(ex, &hits[0]);
    ref_status cst = st == REF_OK ? ref_export_close(ex, NULL) : st;
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    assert_int_equal(cst, REF_OK);
    ref_buf want = REF_BUF_INIT;
    ref_present_json_hit(&want, &hits[0]);
    char *got = slurp(path, NULL);
    assert_string_equal(got, ref_buf_cstr(&want));
    free(got);
    ref_buf_free(&want);
}

static void test_unwritable_folder_fails_and_leaves_nothing(void **state)
{
    (void)state;
    if (geteuid() == 0)
        skip(); /* root writes anyway; the next two tests fail without permissions */
    const char *dir = path_in("ro");
    assert_int_equal(mkdir(dir, 0555), 0);
    char path[4200];
    snprintf(path, sizeof path, "%s/x.csv", dir);
    ref_export_opts opts = {.format = REF_EXPORT_CSV};
    ref_export *ex = NULL;
    char *err = NULL;
    assert_int_equal(ref_export_open(&opts, path, &ex, &err), REF_EIO);
    assert_null(ex);
    assert_non_null(strstr(err, "Permission denied"));
    free(err);
    assert_int_equal(count_entries(dir), 0);
    chmod(dir, 0755);
}

static void test_missing_folder_is_enoent(void **state)
{
    (void)state;
    ref_export_opts opts = {.format = REF_EXPORT_CSV};
    ref_export *ex = NULL;
    char *err = NULL;
    assert_int_equal(ref_export_open(&opts, path_in("nowhere/x.csv"), &ex, &err), REF_ENOENT);
    assert_null(ex);
    assert_non_null(strstr(err, "nowhere"));
    free(err);
    /* A file where the folder should be. */
    assert_int_equal(test_write_file(tmpdir, "file", "x", 1), 0);
    assert_int_equal(ref_export_open(&opts, path_in("file/x.csv"), &ex, &err), REF_ENOENT);
    free(err);
    assert_int_equal(count_entries(tmpdir), 1);
}

/* The rename is the last step: when it fails (the name is a folder), the
 * written temporary is removed and nothing new is left. */
static void test_failed_rename_leaves_no_file(void **state)
{
    (void)state;
    const char *dir = path_in("taken.html");
    assert_int_equal(mkdir(dir, 0755), 0);
    assert_int_equal(test_write_file(dir, "keep", "x", 1), 0);
    ref_export_opts opts = {.format = REF_EXPORT_HTML};
    ref_export *ex = NULL;
    char *err = NULL;
    assert_int_equal(ref_export_open(&opts, dir, &ex, NULL), REF_OK);
    assert_int_equal(ref_export_hit(ex, &hits[0]), REF_OK);
    ref_status st = ref_export_close(ex, &err);
    assert_true(st == REF_EIO);
    assert_non_null(strstr(err, "taken.html"));
    free(err);
    assert_int_equal(count_entries(tmpdir), 1);
    assert_int_equal(count_entries(dir), 1);
}

static void test_abort_keeps_the_old_file(void **state)
{
    (void)state;
    assert_int_equal(test_write_file(tmpdir, "x.md", "old", 3), 0);
    ref_export_opts opts = {.format = REF_EXPORT_MD};
    ref_export *ex = NULL;
    assert_int_equal(ref_export_open(&opts, path_in("x.md"), &ex, NULL), REF_OK);
    assert_int_equal(ref_export_hit(ex, &hits[0]), REF_OK);
    assert_int_equal(count_entries(tmpdir), 2); /* x.md and the temporary */
    ref_export_abort(ex);
    ref_export_abort(NULL);
    assert_int_equal(count_entries(tmpdir), 1);
    char *got = slurp(path_in("x.md"), NULL);
    assert_string_equal(got, "old");
    free(got);
    /* A completed export replaces it, with the umask's usual mode. */
    export_all(&opts, path_in("x.md"));
    got = slurp(path_in("x.md"), NULL);
    assert_non_null(strstr(got, "### 1. Budget"));
    free(got);
    struct stat sb;
    assert_int_equal(stat(path_in("x.md"), &sb), 0);
    mode_t mask = umask(022);
    umask(mask);
    assert_int_equal(sb.st_mode & 0777, 0666 & ~mask);
}

static void test_bad_hit_is_sticky_and_close_removes_the_file(void **state)
{
    (void)state;
    ref_export_opts opts = {.format = REF_EXPORT_CSV};
    ref_export *ex = NULL;
    assert_int_equal(ref_export_open(&opts, path_in("x.csv"), &ex, NULL), REF_OK);
    ref_hit bad = hits[0];
    bad.section = 9;
    assert_int_equal(ref_export_hit(ex, &bad), REF_EINVAL);
    assert_string_not_equal(ref_export_errmsg(ex), "");
    assert_int_equal(ref_export_hit(ex, &hits[0]), REF_EINVAL);
    char *err = NULL;
    assert_int_equal(ref_export_close(ex, &err), REF_EINVAL);
    assert_non_null(err);
    free(err);
    assert_int_equal(count_entries(tmpdir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_names_and_extensions),
        cmocka_unit_test(test_csv_guards_formulas),
        cmocka_unit_test(test_html_and_markdown_escapes),
        cmocka_unit_test_setup_teardown(test_csv_round_trip_semicolon_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_comma_separator_without_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_separator_is_einval, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jsonl_lines_are_present_json_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jsonl_gz_full_adds_decision_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gzip_csv_reads_back_like_plain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_hits_stream_through, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_is_escaped_and_well_formed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_snippet_text_equals_plain_snippet, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_html_without_groups_or_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_markdown_headings_bold_matches_and_escapes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dash_writes_to_stdout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_folder_fails_and_leaves_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_missing_folder_is_enoent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_rename_leaves_no_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_keeps_the_old_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_hit_is_sticky_and_close_removes_the_file, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
