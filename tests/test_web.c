/* test_web.c — the web front end without a socket: strict percent-decoding,
 * URL escaping, parameter parsing (table-driven), and whole requests
 * through ref_web_handle on a real index of the bundled corpus. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "referat/indexer.h"
#include "referat/lexicon.h"
#include "referat/search.h"
#include "referat/web.h"
#include "testutil.h"
#include "../searcher/web_internal.h"

/* --- decoding ------------------------------------------------------------ */

static const struct {
    const char *in;
    int plus;
    const char *out; /* NULL: must be refused */
} unescape_cases[] = {
    {"abc", 1, "abc"},
    {"a+b", 1, "a b"},
    {"a+b", 0, "a+b"},
    {"sygefrav%C3%A6r", 1, "sygefravær"},
    {"sygefrav%c3%a6r", 1, "sygefravær"},
    {"%23%2F%25", 1, "#/%"},
    {"", 1, ""},
    {"%", 1, NULL}, /* truncated escapes */
    {"%2", 1, NULL},
    {"abc%", 1, NULL},
    {"%zz", 1, NULL}, /* not hex */
    {"%2g", 1, NULL},
    {"%00", 1, NULL},          /* NUL never reaches C strings */
    {"%C3%28", 1, NULL},       /* broken sequence */
    {"%C3", 1, NULL},          /* truncated sequence */
    {"%C0%AF", 1, NULL},       /* overlong '/' */
    {"%ED%A0%80", 1, NULL},    /* surrogate */
    {"%F4%90%80%80", 1, NULL}, /* above U+10FFFF */
    {"%FF", 1, NULL},
    {"\xff", 1, NULL}, /* raw invalid byte */
};

static void test_unescape_is_strict(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof unescape_cases / sizeof *unescape_cases; i++) {
        ref_buf out = REF_BUF_INIT;
        const char *in = unescape_cases[i].in;
        ref_status st = ref_web_unescape(in, strlen(in), unescape_cases[i].plus, &out);
        if (unescape_cases[i].out) {
            if (st != REF_OK)
                fail_msg("'%s' refused", in);
            assert_string_equal(ref_buf_cstr(&out), unescape_cases[i].out);
        } else if (st != REF_EINVAL) {
            fail_msg("'%s' accepted", in);
        }
        ref_buf_free(&out);
    }
}

static void test_escape_round_trips_ids_and_queries(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "c67b1e0512be619c#8", "a/b?c=d&e", "\"ny organisering\"", "æøå ÆØÅ", "100%", "+-~._"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        ref_buf enc = REF_BUF_INIT, dec = REF_BUF_INIT;
        ref_web_escape(&enc, texts[i], strlen(texts[i]));
        assert_null(strpbrk(ref_buf_cstr(&enc), "#/?&=\" +"));
        assert_int_equal(ref_web_unescape(enc.data, enc.len, 1, &dec), REF_OK);
        assert_string_equal(ref_buf_cstr(&dec), texts[i]);
        ref_buf_free(&enc);
        ref_buf_free(&dec);
    }
}

/* --- parameters --------------------------------------------------------- */

static void test_params_read_every_field_and_alias(void **state)
{
    (void)state;
    const char *qs = "q=sygefrav%C3%A6r+udbud&beslutninger=1&udvalg=Chefforum&body=%C3%98U"
                     "&fra=2017&til=2018-02&sort=-dato&side=3&antal=50&offset=7&text=x&ukendt=1"
                     "&udfald=udsat&sag=07%2F257";
    ref_web_params p;
    char *err = NULL;
    assert_int_equal(ref_web_params_parse(qs, strlen(qs), &p, &err), REF_OK);
    assert_null(err);
    assert_string_equal(p.q, "sygefravær udbud");
    assert_true(p.decisions);
    assert_int_equal(p.nbodies, 2);
    assert_string_equal(p.bodies[0], "Chefforum");
    assert_string_equal(p.bodies[1], "ØU");
    assert_string_equal(p.from, "2017");
    assert_string_equal(p.to, "2018-02");
    assert_int_equal(p.sort, REF_SORT_DATE_DESC);
    assert_int_equal(p.page, 3);
    assert_int_equal(p.limit, 50);
    assert_true(p.has_offset);
    assert_int_equal(p.offset, 7);
    assert_string_equal(p.text, "x");
    assert_string_equal(p.outcome, "udsat");
    assert_string_equal(p.journal, "07/257");
    ref_web_params_clear(&p);

    /* Defaults; an unticked box and "Alle udvalg" send empty values. */
    const char *empty = "q=&beslutninger=0&udvalg=&side=";
    assert_int_equal(ref_web_params_parse(empty, strlen(empty), &p, &err), REF_OK);
    assert_string_equal(p.q, "");
    assert_false(p.decisions);
    assert_int_equal(p.nbodies, 0);
    assert_int_equal(p.page, 1);
    assert_int_equal(p.sort, REF_SORT_RELEVANCE);
    ref_web_params_clear(&p);
}

static void test_params_refuse_bad_input_with_a_message(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "q=a&q=b",
        "fra=1&from=2",
        "side=0",
        "side=10001",
        "side=x",
        "page=-1",
        "antal=0",
        "antal=101",
        "offset=100001",
        "sort=op",
        "q=%zz",
        "q=%C3%28",
        "%ff=1",
        "q=%00",
        "udvalg=1&udvalg=2&udvalg=3&udvalg=4&udvalg=5&udvalg=6&udvalg=7&udvalg=8&udvalg=9&"
        "udvalg=10&udvalg=11&udvalg=12&udvalg=13&udvalg=14&udvalg=15&udvalg=16&udvalg=17",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ref_web_params p;
        char *err = NULL;
        if (ref_web_params_parse(bad[i], strlen(bad[i]), &p, &err) != REF_EINVAL)
            fail_msg("'%s' accepted", bad[i]);
        assert_non_null(err);
        assert_true(strlen(err) > 10);
        free(err);
        ref_web_params_clear(&p);
    }
}

/* --- whole requests on a real index ----------------------------------------- */

static char *tmpdir;
static char dbpath[1024], exportdir[1100];
static ref_lexicon *lexicon;
static ref_web *web;

/* --- pure renderers (no database) ----------------------------------------- */

/* The pages are pure renderers (web_internal.h): a hand-made record with
 * markup in every field comes out escaped, with only our <mark>s, and the
 * marks land on the bytes the spans give. */
static void test_punkt_page_escapes_a_hand_made_record(void **state)
{
    (void)state;
    ref_record_section secs[] = {
        {REF_SECTION_BESLUTNING, "<b>Beslutning</b>", "Godkendt <script>alert(1)</script> & mere"},
    };
    ref_record rec = {.id = "x\"#1",
                      .source = "2017/<x>.pdf",
                      .body = "Udvalg <i>",
                      .date = "2017-09-07",
                      .place = "",
                      .punkt = 3,
                      .prefix = "",
                      .title = "Titel \"med\" <em>",
                      .journal = "01.02'03",
                      .nsections = 1,
                      .sections = secs,
                      .municipality = ""};
    ref_span title_span = {0, 5}; /* "Titel" */
    ref_span sec_span = {9, 17};  /* "<script>" */
    ref_snippet marks[2] = {{.spans = &title_span, .nspans = 1}, {.spans = &sec_span, .nspans = 1}};
    ref_record *meeting[] = {&rec};
    ref_web_params p = {.q = "titel \"<x>\"", .page = 1};
    ref_web_punkt_view v = {
        .params = &p, .record = &rec, .marks = marks, .meeting = meeting, .nmeeting = 1};
    ref_web_response r;
    ref_web_response_init(&r);
    ref_web_page_punkt(&v, &r);
    const char *html = ref_buf_cstr(&r.body);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(html, "<h1><mark>Titel</mark> &quot;med&quot; &lt;em&gt;</h1>"));
    assert_non_null(strstr(html, "Godkendt <mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt; "
                                 "&amp; mere"));
    assert_non_null(strstr(html, "&lt;b&gt;Beslutning&lt;/b&gt;"));
    assert_non_null(strstr(html, "Udvalg &lt;i&gt;"));
    assert_null(strstr(html, "<script>"));
    assert_null(strstr(html, "<em>"));
    assert_non_null(strstr(html, "<code>2017/&lt;x&gt;.pdf</code>"));
    assert_non_null(strstr(html, "href=\"/kilde/x%22%231\"")); /* the original, by id */
    ref_web_response_clear(&r);
    /* A PDF's punkt opens the original at its page. */
    rec.page = 3;
    ref_web_response_init(&r);
    ref_web_page_punkt(&v, &r);
    assert_non_null(strstr(ref_buf_cstr(&r.body), "href=\"/kilde/x%22%231#page=3\""));
    ref_web_response_clear(&r);
}

/* Every section has an anchor, unique, and the last decision (the punkt's
 * own) is #beslutning; the citation names it; the journal number links to
 * its case thread, escaped as a path segment and as HTML. */
static void test_punkt_page_anchors_citation_and_case_link(void **state)
{
    (void)state;
    ref_record_section secs[] = {
        {REF_SECTION_SAGSFREMSTILLING, "Sagsfremstilling", "Sagen."},
        {REF_SECTION_BESLUTNING, "Beslutning i Økonomiudvalget den 01-09-2017", "Udsat."},
        {REF_SECTION_BESLUTNING, "Beslutning", "Anbefales godkendt over for Byrådet."},
    };
    ref_record rec = {.id = "a#9", .source = "a.txt", .body = "Chefforum", .date = "2017-09-07",
                      .place = "", .punkt = 9, .prefix = "", .title = "Orientering <om>",
                      .journal = "01.02'03 <x>", .nsections = 3, .sections = secs,
                      .municipality = "Albertslund"};
    ref_record *meeting[] = {&rec};
    ref_web_params p = {.page = 1};
    ref_web_punkt_view v = {.params = &p, .record = &rec, .meeting = meeting, .nmeeting = 1};
    ref_web_response r;
    ref_web_response_init(&r);
    ref_web_page_punkt(&v, &r);
    const char *html = ref_buf_cstr(&r.body);
    assert_non_null(strstr(html, "<section id=\"sagsfremstilling\" class=\"sagsfremstilling\">"));
    assert_non_null(strstr(html, "<section id=\"beslutning-1\" class=\"beslutning\">"));
    const char *own = strstr(html, "<section id=\"beslutning\" class=\"beslutning\">");
    assert_non_null(own);
    assert_non_null(strstr(own, "Anbefales godkendt"));
    assert_non_null(strstr(html, "Citér: <q>Albertslund Kommune, Chefforum, 7. september 2017, "
                                 "punkt 9: Orientering &lt;om&gt;, Beslutning</q>"));
    assert_non_null(strstr(html, "href=\"/sag/01.02%2703%20%3Cx%3E\""));
    assert_non_null(strstr(html, ">01.02&#39;03 &lt;x&gt;</a>"));
    assert_null(strstr(html, "<x>"));
    assert_non_null(strstr(html, "udfald: Godkendt, Oversendt"));
    ref_web_response_clear(&r);
}

/* The feed is well-formed whatever the minutes hold: markup is text and a
 * control character XML forbids becomes a space. */
static void test_feed_escapes_markup_and_control_characters(void **state)
{
    (void)state;
    ref_record_section secs[] = {{REF_SECTION_BESLUTNING, "Beslutning", "Godkendt <b>\f& \"x\""}};
    ref_record rec = {.id = "f#0", .source = "f.txt", .body = "Udvalg <i>", .date = "2020-01-02",
                      .place = "", .punkt = 1, .prefix = "", .title = "T\x01itel", .journal = "",
                      .nsections = 1, .sections = secs, .municipality = ""};
    ref_hit hit = {.rank = 1, .record = &rec, .section = -1};
    ref_search_result res = {.hits = &hit, .nhits = 1, .total = 1};
    ref_web_params p = {.q = "a<b", .page = 1};
    ref_web_response r;
    ref_web_response_init(&r);
    ref_web_feed_render(&p, &res, &r);
    const char *xml = ref_buf_cstr(&r.body);
    assert_non_null(strstr(xml, "<id>urn:referat:punkt:f%230</id>"));
    assert_non_null(strstr(xml, "<updated>2020-01-02T00:00:00Z</updated>"));
    assert_non_null(strstr(xml, "<title>Udvalg &lt;i&gt;, 2. januar 2020: T itel</title>"));
    assert_non_null(strstr(xml, "Godkendt &lt;b&gt; &amp; &quot;x&quot;"));
    assert_non_null(strstr(xml, "<category term=\"godkendt\" label=\"Godkendt\"/>"));
    for (const char *c = xml; *c; c++)
        assert_true((unsigned char)*c >= 0x20 || *c == '\n');
    assert_null(strstr(xml, "<b>"));
    assert_null(strstr(xml, "<i>"));
    ref_web_response_clear(&r);
}

/* One status for running out of memory, whichever route meets it. */
static void test_one_status_for_out_of_memory(void **state)
{
    (void)state;
    assert_int_equal(ref_web_status_of(REF_ENOMEM), ref_web_status_of(REF_EIO));
    assert_int_equal(ref_web_status_of(REF_ENOMEM), 503);
    assert_int_equal(ref_web_status_of(REF_EQUERY), 400);
}

static int setup_group(void **state)
{
    (void)state;
    tmpdir = test_mkdtemp();
    if (!tmpdir)
        return -1;
    snprintf(dbpath, sizeof dbpath, "%s/db", tmpdir);
    snprintf(exportdir, sizeof exportdir, "%s/exports", tmpdir);
    if (mkdir(exportdir, 0700) != 0)
        return -1;
    ref_indexer *ix = NULL;
    ref_index_opts opts = {0};
    if (ref_indexer_open(dbpath, &opts, &ix, NULL) != REF_OK)
        return -1;
    ref_status st = ref_indexer_add_path(ix, test_corpus_dir());
    if (st == REF_OK)
        st = ref_indexer_finish(ix);
    ref_indexer_free(ix);
    if (st != REF_OK || ref_lexicon_open_builtin(&lexicon) != REF_OK)
        return -1;
    ref_web_config config = {.db_path = dbpath, .lexicon = lexicon, .tmpdir = exportdir};
    return ref_web_new(&config, &web, NULL) == REF_OK ? 0 : -1;
}

static int teardown_group(void **state)
{
    (void)state;
    ref_web_free(web);
    ref_lexicon_free(lexicon);
    test_rmrf(tmpdir);
    free(tmpdir);
    return 0;
}

static void handle(const char *method, const char *uri, ref_web_response *r)
{
    ref_web_response_init(r);
    ref_web_handle(web, method, uri, NULL, r);
}

static void test_pages_and_api_answer_with_status_and_type(void **state)
{
    (void)state;
    static const struct {
        const char *method, *uri;
        unsigned status;
        const char *type, *contains;
    } cases[] = {
        {"GET", "/", 200, "text/html", "Kun beslutninger"},
        {"HEAD", "/", 200, "text/html", "<form"},
        {"GET", "/?q=budget", 200, "text/html", "<mark>"},
        {"GET", "/?q=%22budget", 400, "text/html", "kan ikke forstås"},
        {"GET", "/api/search?q=budget", 200, "application/json", "\"total\":"},
        {"GET", "/api/search?q=budget", 200, "application/json", "\"facets\":{\"year\":{\"20"},
        {"GET", "/api/search", 400, "application/json", "{\"error\":"},
        {"GET", "/api/analyze?text=udbudsplanen", 200, "application/json", "\"udbud\""},
        {"GET", "/api/x", 404, "application/json", "{\"error\":"},
        {"GET", "/nothing", 404, "text/html", "findes ikke"},
        {"GET", "/punkt/none%2300", 404, "text/html", "Punktet findes ikke"},
        {"GET", "/?q=%zz", 400, "text/html", "Forkert adresse"},
        {"GET", "relative", 400, "text/html", "Forkert adresse"},
        {"POST", "/", 405, "text/html", "GET og HEAD"},
        {"DELETE", "/api/search?q=budget", 405, "text/html", "GET og HEAD"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ref_web_response r;
        handle(cases[i].method, cases[i].uri, &r);
        if (r.status != cases[i].status)
            fail_msg("%s %s: %u, expected %u", cases[i].method, cases[i].uri, r.status,
                     cases[i].status);
        assert_true(strncmp(r.content_type, cases[i].type, strlen(cases[i].type)) == 0);
        if (!strstr(ref_buf_cstr(&r.body), cases[i].contains))
            fail_msg("%s %s: no '%s'", cases[i].method, cases[i].uri, cases[i].contains);
        assert_non_null(strstr(r.csp, "default-src 'none'"));
        assert_true((r.status == 405) == (r.allow != NULL));
        ref_web_response_clear(&r);
    }
}

static void test_local_hosts_only_refuses_other_host_names(void **state)
{
    (void)state;
    static const struct {
        const char *host;
        unsigned status;
    } cases[] = {
        {"127.0.0.1:8080", 200},
        {"localhost", 200},
        {"LOCALHOST:80", 200},
        {"[::1]:8080", 200},
        {NULL, 200},
        {"evil.example", 421},
        {"evil.example:8080", 421},
        {"127.0.0.1.evil.example", 421},
        {"localhost:80x", 421},
        {"localhost:", 421},
        {"", 421},
    };
    ref_web_config config = {
        .db_path = dbpath, .lexicon = lexicon, .tmpdir = exportdir, .local_hosts_only = 1};
    ref_web *w = NULL;
    assert_int_equal(ref_web_new(&config, &w, NULL), REF_OK);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ref_web_response r;
        ref_web_response_init(&r);
        ref_web_handle(w, "GET", "/api/search?q=budget", cases[i].host, &r);
        if (r.status != cases[i].status)
            fail_msg("Host %s: %u", cases[i].host ? cases[i].host : "(none)", r.status);
        ref_web_response_clear(&r);
    }
    ref_web_free(w);
}

static void test_uri_over_the_limit_is_414(void **state)
{
    (void)state;
    char *uri = malloc(REF_WEB_MAX_URI + 2);
    assert_non_null(uri);
    memcpy(uri, "/?q=", 4);
    memset(uri + 4, 'a', REF_WEB_MAX_URI - 4);
    uri[REF_WEB_MAX_URI] = '\0';
    ref_web_response r;
    handle("GET", uri, &r); /* exactly the limit: answered */
    assert_int_equal(r.status, 200);
    ref_web_response_clear(&r);
    strcpy(uri + REF_WEB_MAX_URI, "a");
    handle("GET", uri, &r);
    assert_int_equal(r.status, 414);
    ref_web_response_clear(&r);
    free(uri);
}

static void test_punkt_page_and_export_of_a_search(void **state)
{
    (void)state;
    ref_web_response r;
    handle("GET", "/punkt/c67b1e0512be619c%238?q=sygefrav%C3%A6r", &r);
    /* The corpus's ids depend on file contents only; fetch one if changed. */
    if (r.status == 404) {
        ref_web_response_clear(&r);
        handle("GET", "/api/search?q=sygefrav%C3%A6r&antal=1", &r);
        const char *id = strstr(ref_buf_cstr(&r.body), "\"id\":\"");
        assert_non_null(id);
        char uri[256];
        int n = (int)strcspn(id + 6, "\"#");
        snprintf(uri, sizeof uri, "/punkt/%.*s%%23%d?q=sygefrav%%C3%%A6r", n, id + 6,
                 atoi(id + 6 + n + 1));
        ref_web_response_clear(&r);
        handle("GET", uri, &r);
    }
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(ref_buf_cstr(&r.body), "<mark>"));
    assert_non_null(strstr(ref_buf_cstr(&r.body), "class=\"meeting\""));
    assert_null(strstr(ref_buf_cstr(&r.body), tmpdir)); /* no server paths */
    ref_web_response_clear(&r);

    handle("GET", "/eksport.csv?q=budget", &r);
    assert_int_equal(r.status, 200);
    assert_true(r.fd >= 0);
    assert_true(r.fd_size > 100);
    char head[4] = {0};
    assert_int_equal(read(r.fd, head, 3), 3);
    assert_memory_equal(head, "\xef\xbb\xbf", 3); /* the CSV's byte order mark */
    assert_non_null(strstr(r.disposition, "attachment"));
    ref_web_response_clear(&r);
    /* The file was unlinked once open: nothing is left in the folder. */
    assert_int_equal(rmdir(exportdir), 0);
    assert_int_equal(mkdir(exportdir, 0700), 0);
}

static void test_bodies_list_every_body_with_its_punkter(void **state)
{
    (void)state;
    ref_searcher *s = NULL;
    assert_int_equal(ref_searcher_open(dbpath, &s, NULL), REF_OK);
    ref_facet bodies;
    uint32_t count = 0;
    assert_int_equal(ref_searcher_bodies(s, &bodies), REF_OK);
    assert_int_equal(ref_searcher_doccount(s, &count), REF_OK);
    assert_int_equal(bodies.nvalues, 1);
    assert_string_equal(bodies.values[0].value, "Chefforum");
    assert_int_equal(bodies.values[0].count, count);
    assert_true(count > 30);
    ref_facet_clear(&bodies);
    assert_int_equal(bodies.nvalues, 0);
    ref_searcher_close(s);
}

/* A facet search that finds nothing once passed NULL to qsort, which
 * UBSan (make test SANITIZE=1) stops at: the web page asks for facets on
 * every search. */
static void test_facets_of_a_search_without_hits(void **state)
{
    (void)state;
    ref_searcher *s = NULL;
    assert_int_equal(ref_searcher_open(dbpath, &s, NULL), REF_OK);
    ref_search_opts opts = {.limit = 10, .facets = 1};
    ref_search_result *r = NULL;
    assert_int_equal(ref_searcher_search(s, "xylofonundervisning", &opts, &r, NULL), REF_OK);
    assert_int_equal(r->total, 0);
    assert_true(r->has_facets);
    for (int k = 0; k < REF_FACET_KINDS; k++)
        assert_int_equal(r->facets[k].nvalues, 0);
    ref_search_result_free(r);
    ref_searcher_close(s);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_unescape_is_strict),
        cmocka_unit_test(test_escape_round_trips_ids_and_queries),
        cmocka_unit_test(test_params_read_every_field_and_alias),
        cmocka_unit_test(test_params_refuse_bad_input_with_a_message),
        cmocka_unit_test(test_punkt_page_escapes_a_hand_made_record),
        cmocka_unit_test(test_punkt_page_anchors_citation_and_case_link),
        cmocka_unit_test(test_feed_escapes_markup_and_control_characters),
        cmocka_unit_test(test_one_status_for_out_of_memory),
    };
    const struct CMUnitTest indexed[] = {
        cmocka_unit_test(test_pages_and_api_answer_with_status_and_type),
        cmocka_unit_test(test_local_hosts_only_refuses_other_host_names),
        cmocka_unit_test(test_uri_over_the_limit_is_414),
        cmocka_unit_test(test_punkt_page_and_export_of_a_search),
        cmocka_unit_test(test_bodies_list_every_body_with_its_punkter),
        cmocka_unit_test(test_facets_of_a_search_without_hits),
    };
    int failed = cmocka_run_group_tests_name("web: parameters", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("web: requests", indexed, setup_group, teardown_group);
    return failed ? 1 : 0;
}
