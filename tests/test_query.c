/* test_query.c — the query language (query.h): the Xapian query each
 * construct makes (checked through ref_xquery_describe), the errors users
 * get, which tokens a query highlights, and queries run end to end against
 * the bundled corpus indexed into a temporary database ($REFERAT_CORPUS,
 * default corpus). Stems are never written out here: the test asks the
 * analysis chain for them, so the tables say what the parser must do with
 * a word, not what Snowball happens to make of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referat/analysis.h"
#include "referat/buf.h"
#include "referat/fields.h"
#include "referat/indexer.h"
#include "referat/query.h"
#include "referat/record.h"
#include "referat/xdb.h"
#include "testutil.h"

typedef struct fixture {
    ref_analyzer *an;
    char *dir;   /* temporary folder of the corpus database, or NULL */
    ref_xdb *db; /* reader on it */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || ref_analyzer_new(&f->an) != REF_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ref_xdb_close(f->db);
    test_rmrf(f->dir);
    free(f->dir);
    ref_analyzer_free(f->an);
    free(f);
    return 0;
}

/* The corpus, indexed once for the end-to-end tests. */
static int setup_corpus(void **state)
{
    if (setup(state) != 0)
        return -1;
    fixture *f = *state;
    f->dir = test_mkdtemp();
    if (!f->dir)
        return -1;
    ref_indexer *ix = NULL;
    ref_index_opts opts = {0};
    if (ref_indexer_open(f->dir, &opts, &ix, NULL) != REF_OK)
        return -1;
    ref_status st = ref_indexer_add_path(ix, test_corpus_dir());
    if (st == REF_OK)
        st = ref_indexer_finish(ix);
    uint64_t punkter = ref_indexer_stats(ix)->punkter;
    ref_indexer_free(ix);
    if (st != REF_OK || punkter == 0)
        return -1;
    return ref_xdb_open(f->dir, REF_XDB_READ, &f->db, NULL) == REF_OK ? 0 : -1;
}

/* ---- helpers ------------------------------------------------------------ */

static ref_query *parse_ok(fixture *f, const char *text, int decisions_only)
{
    ref_query_opts o = {.decisions_only = decisions_only};
    ref_query *q = NULL;
    char *err = NULL;
    ref_status st = ref_query_parse(f->an, text, &o, &q, &err);
    if (st != REF_OK)
        fail_msg("\"%.60s\": %s: %s", text, ref_status_str(st), err ? err : "(no message)");
    assert_null(err);
    assert_non_null(q);
    assert_true(ref_query_root(q) >= 0);
    return q;
}

static char *describe(fixture *f, const char *text, int decisions_only)
{
    ref_query *q = parse_ok(f, text, decisions_only);
    char *d = ref_xquery_describe(ref_query_xquery(q), ref_query_root(q));
    assert_non_null(d);
    ref_query_free(q);
    return d;
}

typedef struct stem_ctx {
    ref_buf out;
    ref_token_kind kind;
    int found;
} stem_ctx;

static int take_stem(void *vctx, const ref_token *t)
{
    stem_ctx *c = vctx;
    if (t->kind != c->kind || c->found)
        return 0;
    ref_buf_append(&c->out, t->stem, t->stem_len);
    c->found = 1;
    return 1;
}

/* The first term of kind KIND the chain makes of WORD, malloc'd. */
static char *term_of(fixture *f, const char *word, ref_token_kind kind)
{
    stem_ctx c = {REF_BUF_INIT, kind, 0};
    assert_int_equal(ref_analyze(f->an, word, strlen(word), take_stem, &c, NULL), REF_OK);
    if (!c.found)
        fail_msg("no token of kind %d in \"%s\"", (int)kind, word);
    return ref_buf_detach(&c.out);
}

static int is_term_char(char c)
{
    return c != ' ' && c != '(' && c != ')' && c != '\0';
}

/* 1 if TERM stands as a whole term in Xapian's description D. */
static int has_term(const char *d, const char *term)
{
    size_t n = strlen(term);
    for (const char *s = strstr(d, term); s; s = strstr(s + 1, term))
        if ((s == d || !is_term_char(s[-1])) && !is_term_char(s[n]))
            return 1;
    return 0;
}

/* The operators at the top of the description: the words between the
 * outermost parentheses of "Query((…))" that are not inside another pair. */
static char *top_ops(const char *d)
{
    ref_buf b = REF_BUF_INIT;
    ref_buf_puts(&b, "");
    const char *s = strstr(d, "Query(");
    assert_non_null(s);
    s += strlen("Query(");
    int depth = 0;
    for (; *s; s++) {
        if (*s == '(') {
            depth++;
        } else if (*s == ')') {
            depth--;
        } else if (depth == 1 && *s >= 'A' && *s <= 'Z' && s[-1] == ' ') {
            size_t n = 0;
            while (s[n] == '_' || (s[n] >= 'A' && s[n] <= 'Z'))
                n++;
            if (s[n] == ' ' && n > 1) {
                char word[32];
                snprintf(word, sizeof word, "%.*s", (int)n, s);
                if (!has_term(b.data, word))
                    ref_buf_printf(&b, "%s%s", b.len ? " " : "", word);
            }
            s += n - 1;
        }
    }
    return ref_buf_detach(&b);
}

/* ---- the query each construct makes -------------------------------------- */

static void test_operators_make_the_right_structure(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *query;
        const char *top; /* operator(s) at the top of the tree */
    } cases[] = {
        {"budget skole", "AND"},           {"budget AND skole", "AND"},
        {"budget OG skole", "AND"},        {"budget OR skole", "OR"},
        {"budget ELLER skole", "OR"},      {"-budget skole", "AND_NOT"},
        {"skole -budget", "AND_NOT"},      {"skole NOT budget", "AND_NOT"},
        {"skole IKKE budget", "AND_NOT"},  {"NOT budget", "AND_NOT"},
        {"\"vedtog budget\"", "PHRASE"},   {"(budget OR skole) kommune", "AND"},
        {"budget OR skole kommune", "OR"}, /* AND binds tighter than OR */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *d = describe(f, cases[i].query, 0);
        char *top = top_ops(d);
        if (strcmp(top, cases[i].top) != 0)
            fail_msg("\"%s\": top \"%s\", want \"%s\" in %s", cases[i].query, top, cases[i].top, d);
        free(top);
        free(d);
    }
}

static void test_words_become_their_stems(void **state)
{
    fixture *f = *state;
    char *budget = term_of(f, "budget", REF_TOKEN_WORD);
    char *skole = term_of(f, "skole", REF_TOKEN_WORD);
    char *d = describe(f, "Budget SKOLE", 0);
    assert_true(has_term(d, budget));
    assert_true(has_term(d, skole));
    free(d);
    /* Negation keeps the word, on the other side of AND_NOT. */
    d = describe(f, "-budget skole", 0);
    const char *andnot = strstr(d, "AND_NOT");
    assert_non_null(andnot);
    assert_true(has_term(andnot, budget));
    assert_false(has_term(andnot, skole));
    free(d);
    /* A wildcard expands the prefix as typed. */
    d = describe(f, "Budget*", 0);
    assert_non_null(strstr(d, "WILDCARD"));
    assert_true(has_term(d, "budget"));
    free(d);
    free(budget);
    free(skole);
}

static void test_quoted_phrase_is_adjacent_words_in_order(void **state)
{
    fixture *f = *state;
    char *a = term_of(f, "vedtog", REF_TOKEN_WORD);
    char *b = term_of(f, "budget", REF_TOKEN_WORD);
    char *c = term_of(f, "skolen", REF_TOKEN_WORD);
    ref_buf want = REF_BUF_INIT;
    ref_buf_printf(&want, "(%s PHRASE 3 %s PHRASE 3 %s)", a, b, c);
    char *d = describe(f, "\"Vedtog budget, skolen\"", 0);
    if (!strstr(d, want.data))
        fail_msg("%s lacks %s", d, want.data);
    free(d);
    ref_buf_free(&want);
    free(a);
    free(b);
    free(c);
}

static void test_hyphenated_word_is_whole_or_phrase(void **state)
{
    fixture *f = *state;
    char *whole = term_of(f, "IT-systemer", REF_TOKEN_JOINED);
    char *it = term_of(f, "IT", REF_TOKEN_WORD);
    char *sys = term_of(f, "systemer", REF_TOKEN_WORD);
    ref_buf phrase = REF_BUF_INIT;
    ref_buf_printf(&phrase, "(%s PHRASE 2 %s)", it, sys);
    char *d = describe(f, "IT-systemer", 0);
    char *top = top_ops(d);
    assert_string_equal(top, "OR");
    assert_true(has_term(d, whole));
    if (!strstr(d, phrase.data))
        fail_msg("%s lacks %s", d, phrase.data);
    free(top);
    free(d);
    ref_buf_free(&phrase);
    free(whole);
    free(it);
    free(sys);
}

/* A field's words carry its prefix, and no word is left without one. */
static void test_field_prefixes_apply_to_their_words(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *query;
        const char *word;
        ref_field_id field;
        int decisions_only;
    } cases[] = {
        {"titel:budget", "budget", REF_FIELD_TITEL, 0},
        {"Titel:budget", "budget", REF_FIELD_TITEL, 0},
        {"title:budget", "budget", REF_FIELD_TITEL, 0},
        {"beslutning:udbud", "udbud", REF_FIELD_BESLUTNING, 0},
        {"indstilling:godkender", "godkender", REF_FIELD_INDSTILLING, 0},
        {"bilag:tegning", "tegning", REF_FIELD_BILAG, 0},
        {"titel:\"nyt budget\"", "budget", REF_FIELD_TITEL, 0},
        /* Decisions-only: free text is searched in the decision. */
        {"udbud", "udbud", REF_FIELD_BESLUTNING, 1},
        /* An explicit field wins over decisions-only. */
        {"titel:udbud", "udbud", REF_FIELD_TITEL, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ref_field *field = ref_field_of(cases[i].field);
        assert_non_null(field);
        char *stem = term_of(f, cases[i].word, REF_TOKEN_WORD);
        ref_buf term = REF_BUF_INIT;
        ref_buf_printf(&term, "%s%s", field->prefix, stem);
        char *d = describe(f, cases[i].query, cases[i].decisions_only);
        if (!has_term(d, term.data))
            fail_msg("\"%s\": no %s in %s", cases[i].query, term.data, d);
        if (has_term(d, stem))
            fail_msg("\"%s\": unprefixed %s in %s", cases[i].query, stem, d);
        free(d);
        ref_buf_free(&term);
        free(stem);
    }
}

static void test_decisions_only_filters_on_having_a_decision(void **state)
{
    fixture *f = *state;
    static const char *queries[] = {"udbud", "NOT udbud", "titel:budget", "år:2017"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char *d = describe(f, queries[i], 1);
        char *top = top_ops(d);
        assert_string_equal(top, "FILTER");
        assert_true(has_term(d, REF_PREFIX_HASDECISION));
        free(top);
        free(d);
        d = describe(f, queries[i], 0);
        assert_false(has_term(d, REF_PREFIX_HASDECISION));
        free(d);
    }
}

static void test_boolean_and_date_fields(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *query;
        const char *want; /* exactly */
    } cases[] = {
        {"udvalg:Chefforum", "Query(Bchefforum)"},
        {"UDVALG:CHEFFORUM", "Query(Bchefforum)"},
        {"udvalg:\"Børne- og Ungeudvalget\"", "Query(Bbørne- og ungeudvalget)"},
        {"sagsnr:00.01.00-A00-3-17", "Query(J00.01.00-a00-3-17)"},
        {"jnr:13/3462", "Query(J13/3462)"},
        /* Dates are YYYYMMDD in value slot 0 (REF_SLOT_DATE), ends inclusive. */
        {"år:2017", "Query(VALUE_RANGE 0 20170101 20171231)"},
        {"ÅR:2017", "Query(VALUE_RANGE 0 20170101 20171231)"},
        {"aar:2015..2017", "Query(VALUE_RANGE 0 20150101 20171231)"},
        {"år:2016..", "Query(VALUE_GE 0 20160101)"},
        {"år:..2016", "Query(VALUE_LE 0 20161231)"},
        {"dato:2017-09-07", "Query(VALUE_RANGE 0 20170907 20170907)"},
        {"dato:2016-01-01..2018-12-31", "Query(VALUE_RANGE 0 20160101 20181231)"},
        {"dato:..2017-01-01", "Query(VALUE_LE 0 20170101)"},
        {"dato:2017-01-01..", "Query(VALUE_GE 0 20170101)"},
        {"dato:2016-02-29", "Query(VALUE_RANGE 0 20160229 20160229)"},
        {"dato:2017-9-7", "Query(VALUE_RANGE 0 20170907 20170907)"},
    };
    assert_int_equal(REF_SLOT_DATE, 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *d = describe(f, cases[i].query, 0);
        if (strcmp(d, cases[i].want) != 0)
            fail_msg("\"%s\": %s, want %s", cases[i].query, d, cases[i].want);
        free(d);
    }
}

static void test_colon_without_a_field_is_text(void **state)
{
    fixture *f = *state;
    /* "kl.:", "9:00" and "http:" are not fields (a known field with
     * nothing after the colon is an error: test_errors_explain_themselves). */
    static const char *queries[] = {"mødet kl.: 9:00", "http://x.dk budget"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char *d = describe(f, queries[i], 0);
        free(d);
    }
    char *d = describe(f, "http://x.dk budget", 0);
    char *stem = term_of(f, "budget", REF_TOKEN_WORD);
    assert_true(has_term(d, stem));
    free(stem);
    free(d);
}

static void test_negated_group_is_negated(void **state)
{
    fixture *f = *state;
    /* "-(a b)" must mean NOT (a AND b), never a AND b. */
    char *kommune = term_of(f, "kommune", REF_TOKEN_WORD);
    char *budget = term_of(f, "budget", REF_TOKEN_WORD);
    static const char *queries[] = {"kommune -(budget skole)", "kommune NOT (budget skole)",
                                    "-(budget skole) kommune"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char *d = describe(f, queries[i], 0);
        char *top = top_ops(d);
        if (strcmp(top, "AND_NOT") != 0)
            fail_msg("\"%s\": top \"%s\" in %s", queries[i], top, d);
        const char *andnot = strstr(d, "AND_NOT");
        assert_true(has_term(andnot, budget));
        assert_false(has_term(andnot, kommune));
        free(top);
        free(d);
    }
    free(kommune);
    free(budget);
}

static void test_many_words_are_all_kept(void **state)
{
    fixture *f = *state;
    /* More operands than the parser's arrays hold: none may be dropped. */
    enum { N = 150 };
    ref_buf and_q = REF_BUF_INIT, or_q = REF_BUF_INIT, not_q = REF_BUF_INIT;
    ref_buf_puts(&not_q, "kommune");
    for (int i = 0; i < N; i++) {
        /* Three-letter words: Snowball leaves them as they are. */
        char w[4] = {'z', (char)('b' + i / 26), (char)('a' + i % 26), 0};
        ref_buf_printf(&and_q, "%s ", w);
        ref_buf_printf(&or_q, "%s%s", i ? " OR " : "", w);
        ref_buf_printf(&not_q, " -%s", w);
    }
    const char *queries[] = {and_q.data, or_q.data, not_q.data};
    for (size_t k = 0; k < 3; k++) {
        char *d = describe(f, queries[k], 0);
        for (int i = 0; i < N; i++) {
            char w[4] = {'z', (char)('b' + i / 26), (char)('a' + i % 26), 0};
            if (!has_term(d, w))
                fail_msg("query %zu: word %d (%s) dropped", k, i, w);
        }
        free(d);
    }
    ref_buf_free(&and_q);
    ref_buf_free(&or_q);
    ref_buf_free(&not_q);
}

/* ---- errors ------------------------------------------------------------- */

static void test_errors_explain_themselves(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *query;
        const char *msg; /* a part of the message */
    } cases[] = {
        {"", "tom"},
        {"    \t \n", "tom"},
        {"\"sygefravær i", "anførselstegn"},
        {"budget \"", "anførselstegn"},
        {"(budget skole", "parentes"},
        {"((budget) skole", "parentes"},
        {"budget skole)", "')'"},
        {"()", "')'"},
        {"OR", "ord"},
        {"budget OR", "ord"},
        {"NOT", "ord"},
        {"\"\"", "ingen ord"},
        {"...", "ingen ord"},
        {"dato:2017-13-45", "ikke en dato"},
        {"dato:2017-12-32", "ikke en dato"},
        {"dato:2017-00-10", "ikke en dato"},
        {"dato:2017-02-29", "ikke en dato"}, /* 2017 is no leap year */
        {"dato:2017-04-31", "ikke en dato"},
        {"dato:1900-02-29", "ikke en dato"},
        {"dato:17-09-07", "ikke en dato"},
        {"dato:2017-09-07..2017-13-01", "ikke en dato"},
        {"dato:..", "ikke en dato"},
        {"år:abc", "ikke en dato"},
        {"år:17", "ikke en dato"},
        {"udvalg:", "mangler en værdi"}, /* a field with no value (issue 19) */
        {"titel: budget", "mangler en værdi"},
        {"foo:bar budget", "ukendt felt 'foo:'"},
        {"år:2017..2015", "efter den sidste"},
        {"dato:2017-02-01..2017-01-31", "efter den sidste"},
        {"år:20177", "ikke en dato"},
        {"år:-201", "ikke en dato"},
        {"år:+201", "ikke en dato"},
        {"år:2017..abc", "ikke en dato"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ref_query *q = (ref_query *)1;
        char *err = NULL;
        ref_status st = ref_query_parse(f->an, cases[i].query, NULL, &q, &err);
        if (st != REF_EQUERY)
            fail_msg("\"%s\": %s, want %s", cases[i].query, ref_status_str(st),
                     ref_status_str(REF_EQUERY));
        assert_null(q);
        assert_non_null(err);
        if (!strstr(err, cases[i].msg))
            fail_msg("\"%s\": message \"%s\" lacks \"%s\"", cases[i].query, err, cases[i].msg);
        free(err);
        /* ERRMSG may be NULL. */
        assert_int_equal(ref_query_parse(f->an, cases[i].query, NULL, &q, NULL), REF_EQUERY);
    }
}

static void test_deep_nesting_is_an_error_not_a_crash(void **state)
{
    fixture *f = *state;
    enum { DEEP = 1000 };
    ref_buf b = REF_BUF_INIT;
    for (int i = 0; i < DEEP; i++)
        ref_buf_putc(&b, '(');
    ref_buf_puts(&b, "budget");
    for (int i = 0; i < DEEP; i++)
        ref_buf_putc(&b, ')');
    ref_query *q = NULL;
    char *err = NULL;
    assert_int_equal(ref_query_parse(f->an, b.data, NULL, &q, &err), REF_EQUERY);
    assert_non_null(strstr(err, "nested"));
    free(err);
    ref_buf_free(&b);
    /* Nesting a user might write is fine. */
    ref_query *ok = parse_ok(f, "((((budget OR skole) kommune) -kage) OR møde)", 0);
    ref_query_free(ok);
}

static void test_long_not_chain_does_not_exhaust_the_stack(void **state)
{
    fixture *f = *state;
    /* Each NOT used to be one level of recursion: a 4 MB query of them
     * overflowed the stack. An even number of NOTs is the word itself. */
    enum { NOTS = 1000000 };
    ref_buf b = REF_BUF_INIT;
    for (int i = 0; i < NOTS; i++)
        ref_buf_puts(&b, "NOT ");
    ref_buf_puts(&b, "budget");
    char *d = describe(f, b.data, 0);
    char *top = top_ops(d);
    assert_string_not_equal(top, "AND_NOT");
    free(top);
    free(d);
    ref_buf_puts(&b, " skole");
    ref_buf b2 = REF_BUF_INIT;
    ref_buf_puts(&b2, "NOT ");
    ref_buf_append(&b2, b.data, b.len);
    d = describe(f, b2.data, 0);
    top = top_ops(d);
    assert_string_equal(top, "AND_NOT");
    free(top);
    free(d);
    ref_buf_free(&b);
    ref_buf_free(&b2);
}

static void test_bad_arguments(void **state)
{
    fixture *f = *state;
    ref_query *q = NULL;
    assert_int_equal(ref_query_parse(NULL, "budget", NULL, &q, NULL), REF_EINVAL);
    assert_int_equal(ref_query_parse(f->an, NULL, NULL, &q, NULL), REF_EINVAL);
    assert_int_equal(ref_query_parse(f->an, "budget", NULL, NULL, NULL), REF_EINVAL);
    ref_query_free(NULL);
}

/* ---- highlighting ------------------------------------------------------- */

typedef struct match_ctx {
    const ref_query *q;
    ref_buf out; /* matched token texts, "a,b" */
} match_ctx;

/* Words only: compound parts of a marked word overlap it, and the snippet
 * keeps the outermost span. */
static int collect_matches(void *vctx, const ref_token *t)
{
    match_ctx *c = vctx;
    if (t->kind != REF_TOKEN_PART && ref_query_matches(c->q, t))
        ref_buf_printf(&c->out, "%s%.*s", c->out.len ? "," : "", (int)t->text_len, t->text);
    return 0;
}

static void test_highlighted_tokens(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *query;
        const char *text;
        const char *want; /* texts of the matched tokens, in order */
    } cases[] = {
        /* Same stem: the inflected form is marked. */
        {"sygefravær", "Sygefraværet steg i år.", "sygefraværet"},
        {"budgettet", "Budget og budgettet", "budget,budgettet"},
        /* A negated word is never marked, however it is negated. */
        {"-budget skole", "Skole og budget", "skole"},
        {"skole NOT budget", "Skole og budget", "skole"},
        {"skole IKKE budget", "Skole og budget", "skole"},
        {"NOT budget skole", "Skole og budget", "skole"},
        {"skole -(budget kage)", "Skole, budget og kage", "skole"},
        /* Twice negated is positive. */
        {"NOT NOT budget", "Skole og budget", "budget"},
        /* Wildcards mark every word starting with the prefix. */
        {"budget*", "Budgettet og budgetopfølgningen, ikke bud", "budgettet,budgetopfølgningen"},
        {"titel:budget", "Budget", "budget"},
        {"\"vedtog budget\"", "Byrådet vedtog et budget", "vedtog,budget"},
        {"budget", "Ingen træf her", ""},
        /* Spelt without æ/ø/å. */
        {"aeroe", "Ærø Kommune", "ærø"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ref_query *q = parse_ok(f, cases[i].query, 0);
        match_ctx c = {q, REF_BUF_INIT};
        ref_buf_puts(&c.out, "");
        assert_int_equal(
            ref_analyze(f->an, cases[i].text, strlen(cases[i].text), collect_matches, &c, NULL),
            REF_OK);
        if (strcmp(c.out.data, cases[i].want) != 0)
            fail_msg("\"%s\" in \"%s\": marked \"%s\", want \"%s\"", cases[i].query, cases[i].text,
                     c.out.data, cases[i].want);
        ref_buf_free(&c.out);
        ref_query_free(q);
    }
}

/* ---- end to end, on the corpus ------------------------------------------ */

typedef struct run {
    uint32_t total;
    size_t n;
    ref_record **recs;
} run;

static run search(fixture *f, const char *text, int decisions_only)
{
    ref_query *q = parse_ok(f, text, decisions_only);
    ref_xsearch_opts o = {0};
    ref_xresults *r = NULL;
    ref_status st = ref_xdb_search(f->db, ref_query_xquery(q), ref_query_root(q), &o, &r);
    if (st != REF_OK)
        fail_msg("\"%s\": %s: %s", text, ref_status_str(st), ref_xdb_errmsg(f->db));
    run out = {ref_xresults_total(r), ref_xresults_size(r), NULL};
    assert_int_equal(out.total, out.n);
    out.recs = calloc(out.n + 1, sizeof *out.recs);
    for (size_t i = 0; i < out.n; i++) {
        const ref_xhit *h = ref_xresults_hit(r, i);
        assert_int_equal(ref_record_decode(h->data, h->data_len, &out.recs[i]), REF_OK);
    }
    ref_xresults_free(r);
    ref_query_free(q);
    return out;
}

static void run_free(run *r)
{
    for (size_t i = 0; i < r->n; i++)
        ref_record_free(r->recs[i]);
    free(r->recs);
}

typedef enum where { IN_ALL, IN_TITLE, IN_DECISION } where;

/* The record's text WHERE: title and section texts, or one of them; malloc'd. */
static char *text_of(const ref_record *rec, where w)
{
    ref_buf b = REF_BUF_INIT;
    ref_buf_puts(&b, "");
    if (w != IN_DECISION)
        ref_buf_printf(&b, "%s\n", rec->title);
    for (size_t i = 0; w != IN_TITLE && i < rec->nsections; i++)
        if (w == IN_ALL || rec->sections[i].kind == REF_SECTION_BESLUTNING)
            ref_buf_printf(&b, "%s\n", rec->sections[i].text);
    return ref_buf_detach(&b);
}

typedef struct seek_ctx {
    const char *first, *second; /* stems; SECOND NULL: FIRST anywhere */
    uint32_t first_pos;
    int have_first;
    int found;
} seek_ctx;

static int seek(void *vctx, const ref_token *t)
{
    seek_ctx *c = vctx;
    if (!c->second) {
        c->found = strcmp(t->stem, c->first) == 0;
        return c->found;
    }
    if (t->kind != REF_TOKEN_WORD && t->kind != REF_TOKEN_NUMBER)
        return 0;
    if (c->have_first && t->pos == c->first_pos + 1 && strcmp(t->stem, c->second) == 0) {
        c->found = 1;
        return 1;
    }
    c->have_first = strcmp(t->stem, c->first) == 0;
    c->first_pos = t->pos;
    return 0;
}

/* 1 if TEXT has a token with stem A (B NULL), or words with stems A and B
 * adjacent and in that order. */
static int text_has(fixture *f, const char *text, const char *a, const char *b)
{
    seek_ctx c = {a, b, 0, 0, 0};
    assert_int_equal(ref_analyze(f->an, text, strlen(text), seek, &c, NULL), REF_OK);
    return c.found;
}

static uint32_t doccount(fixture *f)
{
    uint32_t n = 0;
    assert_int_equal(ref_xdb_doccount(f->db, &n), REF_OK);
    return n;
}

static void test_e2e_filters_and_dates(void **state)
{
    fixture *f = *state;
    uint32_t all = doccount(f);
    /* Every punkt of the corpus is Chefforum's. */
    run r = search(f, "udvalg:Chefforum", 0);
    assert_int_equal(r.total, all);
    run_free(&r);

    static const struct {
        const char *query, *negated;
        const char *lo, *hi; /* record dates inside, inclusive */
    } cases[] = {
        {"år:2017", "NOT år:2017", "2017-01-01", "2017-12-31"},
        {"dato:2016-01-01..2018-12-31", "-dato:2016-01-01..2018-12-31", "2016-01-01", "2018-12-31"},
        {"dato:..2014-01-01", "NOT dato:..2014-01-01", "0000", "2014-01-01"},
        {"dato:2017-09-07", "NOT dato:2017-09-07", "2017-09-07", "2017-09-07"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        r = search(f, cases[i].query, 0);
        run neg = search(f, cases[i].negated, 0);
        if (r.total == 0 || r.total == all)
            fail_msg("%s: %u of %u punkter", cases[i].query, (unsigned)r.total, (unsigned)all);
        /* The query and its negation split the corpus. */
        assert_int_equal(r.total + neg.total, all);
        for (size_t k = 0; k < r.n; k++) {
            const char *d = r.recs[k]->date;
            if (strcmp(d, cases[i].lo) < 0 || strcmp(d, cases[i].hi) > 0)
                fail_msg("%s: hit dated %s", cases[i].query, d);
        }
        for (size_t k = 0; k < neg.n; k++) {
            const char *d = neg.recs[k]->date;
            if (strcmp(d, cases[i].lo) >= 0 && strcmp(d, cases[i].hi) <= 0)
                fail_msg("%s: hit dated %s", cases[i].negated, d);
        }
        run_free(&neg);
        run_free(&r);
    }
}

static void test_e2e_words_phrases_and_negation(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *query;
        int decisions_only;
        where w;
        const char *a, *b; /* words every hit has there (B: right after A) */
    } cases[] = {
        {"sygefravær", 0, IN_ALL, "sygefravær", NULL},
        {"\"godkendte dagsorden\"", 0, IN_ALL, "godkendte", "dagsorden"},
        {"godkendte", 1, IN_DECISION, "godkendte", NULL},
        {"beslutning:godkendte", 0, IN_DECISION, "godkendte", NULL},
        {"titel:godkendelse", 0, IN_TITLE, "godkendelse", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *a = term_of(f, cases[i].a, REF_TOKEN_WORD);
        char *b = cases[i].b ? term_of(f, cases[i].b, REF_TOKEN_WORD) : NULL;
        run r = search(f, cases[i].query, cases[i].decisions_only);
        if (r.total == 0)
            fail_msg("\"%s\" found nothing", cases[i].query);
        for (size_t k = 0; k < r.n; k++) {
            char *t = text_of(r.recs[k], cases[i].w);
            if (!text_has(f, t, a, b))
                fail_msg("\"%s\": hit %s lacks %s%s%s", cases[i].query, r.recs[k]->id, a,
                         b ? " " : "", b ? b : "");
            free(t);
        }
        run_free(&r);
        free(a);
        free(b);
    }

    /* The reversed phrase is not the phrase. */
    char *godkend = term_of(f, "godkendte", REF_TOKEN_WORD);
    char *dagsorden = term_of(f, "dagsorden", REF_TOKEN_WORD);
    run fwd = search(f, "\"godkendte dagsorden\"", 0);
    run rev = search(f, "\"dagsorden godkendte\"", 0);
    for (size_t k = 0; k < rev.n; k++) {
        char *t = text_of(rev.recs[k], IN_ALL);
        assert_true(text_has(f, t, dagsorden, godkend));
        free(t);
    }
    assert_true(rev.total < fwd.total);
    run_free(&fwd);
    run_free(&rev);

    /* A word and its negation split the punkter of another word. */
    static const char *neg_forms[] = {"chefforum -godkendte", "chefforum NOT godkendte",
                                      "-(godkendte) chefforum"};
    run with = search(f, "chefforum godkendte", 0);
    run base = search(f, "chefforum", 0);
    assert_true(with.total > 0);
    for (size_t i = 0; i < sizeof neg_forms / sizeof neg_forms[0]; i++) {
        run without = search(f, neg_forms[i], 0);
        if (with.total + without.total != base.total)
            fail_msg("\"%s\": %u + %u != %u", neg_forms[i], (unsigned)with.total,
                     (unsigned)without.total, (unsigned)base.total);
        for (size_t k = 0; k < without.n; k++) {
            char *t = text_of(without.recs[k], IN_ALL);
            if (text_has(f, t, godkend, NULL))
                fail_msg("\"%s\": hit %s has %s", neg_forms[i], without.recs[k]->id, godkend);
            free(t);
        }
        run_free(&without);
    }
    run_free(&with);
    run_free(&base);
    free(godkend);
    free(dagsorden);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_operators_make_the_right_structure),
        cmocka_unit_test(test_words_become_their_stems),
        cmocka_unit_test(test_quoted_phrase_is_adjacent_words_in_order),
        cmocka_unit_test(test_hyphenated_word_is_whole_or_phrase),
        cmocka_unit_test(test_field_prefixes_apply_to_their_words),
        cmocka_unit_test(test_decisions_only_filters_on_having_a_decision),
        cmocka_unit_test(test_boolean_and_date_fields),
        cmocka_unit_test(test_colon_without_a_field_is_text),
        cmocka_unit_test(test_negated_group_is_negated),
        cmocka_unit_test(test_many_words_are_all_kept),
        cmocka_unit_test(test_errors_explain_themselves),
        cmocka_unit_test(test_deep_nesting_is_an_error_not_a_crash),
        cmocka_unit_test(test_long_not_chain_does_not_exhaust_the_stack),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_highlighted_tokens),
    };
    const struct CMUnitTest e2e[] = {
        cmocka_unit_test(test_e2e_filters_and_dates),
        cmocka_unit_test(test_e2e_words_phrases_and_negation),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    failed += cmocka_run_group_tests_name("end to end", e2e, setup_corpus, teardown);
    return failed;
}
