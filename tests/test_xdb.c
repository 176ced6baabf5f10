/* test_xdb.c — the C API over Xapian (xdb.h), on real databases in
 * temporary folders: writing, replacing and deleting, commit visibility,
 * metadata and term walks, every query operator, sorting and paging, and
 * the mapping of Xapian's exceptions to statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "referat/buf.h"
#include "referat/xdb.h"
#include "testutil.h"

/* ---- temporary folders ------------------------------------------------- */

static char *make_tmpdir(void)
{
    char *dir = test_mkdtemp();
    assert_non_null(dir);
    return dir;
}

static void rm_tmpdir(char *dir)
{
    test_rmrf(dir);
    free(dir);
}

/* DIR/NAME, malloc'd. */
static char *path_in(const char *dir, const char *name)
{
    ref_buf b = REF_BUF_INIT;
    ref_buf_printf(&b, "%s/%s", dir, name);
    return ref_buf_detach(&b);
}

static ref_xdb *open_ok(const char *path, ref_xdb_mode mode)
{
    ref_xdb *db = NULL;
    char *msg = NULL;
    ref_status st = ref_xdb_open(path, mode, &db, &msg);
    if (st != REF_OK)
        fail_msg("open %s: %s: %s", path, ref_status_str(st), msg ? msg : "");
    assert_null(msg);
    assert_non_null(db);
    return db;
}

/* ---- documents --------------------------------------------------------- */

/* A test document: its name (unique term "Q"+name, and its data), its
 * words at positions 0, 1, 2, …, its boolean terms and its date value. */
typedef struct doc_spec {
    const char *name;
    const char *words;   /* space-separated */
    const char *boolean; /* space-separated, or NULL */
    const char *date;    /* slot 0, or NULL for none */
} doc_spec;

static void add_words(ref_xdoc *doc, const char *words, int with_positions)
{
    char *copy = strdup(words);
    assert_non_null(copy);
    uint32_t pos = 0;
    for (char *save = NULL, *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (with_positions)
            assert_int_equal(ref_xdoc_add_posting(doc, w, pos++, 1), REF_OK);
        else
            assert_int_equal(ref_xdoc_add_term(doc, w, 0), REF_OK);
    }
    free(copy);
}

static void put_doc(ref_xdb *db, const doc_spec *d)
{
    ref_xdoc *doc = NULL;
    assert_int_equal(ref_xdoc_new(&doc), REF_OK);
    ref_buf unique = REF_BUF_INIT;
    ref_buf_printf(&unique, "Q%s", d->name);
    assert_int_equal(ref_xdoc_add_term(doc, unique.data, 0), REF_OK);
    add_words(doc, d->words, 1);
    if (d->boolean)
        add_words(doc, d->boolean, 0);
    if (d->date)
        assert_int_equal(ref_xdoc_set_value(doc, 0, d->date, strlen(d->date)), REF_OK);
    assert_int_equal(ref_xdoc_set_data(doc, d->name, strlen(d->name)), REF_OK);
    assert_int_equal(ref_xdb_replace(db, unique.data, doc), REF_OK);
    ref_buf_free(&unique);
    ref_xdoc_free(doc);
}

/* The four documents every query test runs against. */
static const doc_spec corpus[] = {
    {"d1", "kommunen vedtog budget for skolen", "Bchefforum XFa", "20170101"},
    {"d2", "budget kommunen vedtog kage", "Bbyraadet XFa", "20180615"},
    {"d3", "skolen fik et nyt budget budget budget", "Bchefforum XFb", "20160301"},
    {"d4", "kommunen holdt møde", "Bbyraadet XFb", NULL},
};
#define NDOCS (sizeof corpus / sizeof corpus[0])

typedef struct fixture {
    char *dir;
    ref_xdb *db; /* a reader on the committed corpus */
} fixture;

static int setup_corpus(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = make_tmpdir();
    ref_xdb *w = open_ok(f->dir, REF_XDB_WRITE);
    for (size_t i = 0; i < NDOCS; i++)
        put_doc(w, &corpus[i]);
    assert_int_equal(ref_xdb_commit(w), REF_OK);
    ref_xdb_close(w);
    f->db = open_ok(f->dir, REF_XDB_READ);
    *state = f;
    return 0;
}

static int setup_empty(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = make_tmpdir();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ref_xdb_close(f->db);
    rm_tmpdir(f->dir);
    free(f);
    return 0;
}

/* Names of the hits ("d1,d3"), in result order, malloc'd. */
static char *hit_names(const ref_xresults *r)
{
    ref_buf b = REF_BUF_INIT;
    ref_buf_puts(&b, "");
    for (size_t i = 0; i < ref_xresults_size(r); i++) {
        const ref_xhit *h = ref_xresults_hit(r, i);
        ref_buf_printf(&b, "%s%.*s", i ? "," : "", (int)h->data_len, h->data);
    }
    return ref_buf_detach(&b);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The same names sorted, for result sets whose order is relevance. */
static char *sorted_names(const ref_xresults *r)
{
    size_t n = ref_xresults_size(r);
    char **names = calloc(n + 1, sizeof *names);
    for (size_t i = 0; i < n; i++) {
        const ref_xhit *h = ref_xresults_hit(r, i);
        names[i] = strndup(h->data, h->data_len);
    }
    qsort(names, n, sizeof *names, cmp_str);
    ref_buf b = REF_BUF_INIT;
    ref_buf_puts(&b, "");
    for (size_t i = 0; i < n; i++) {
        ref_buf_printf(&b, "%s%s", i ? "," : "", names[i]);
        free(names[i]);
    }
    free(names);
    return ref_buf_detach(&b);
}

static ref_xresults *search_ok(ref_xdb *db, ref_xquery *q, int root, const ref_xsearch_opts *o)
{
    ref_xresults *r = NULL;
    ref_status st = ref_xdb_search(db, q, root, o, &r);
    if (st != REF_OK)
        fail_msg("search: %s: %s", ref_status_str(st), ref_xdb_errmsg(db));
    assert_non_null(r);
    return r;
}

/* Run ROOT with every hit, and return the sorted names. */
static char *matching(ref_xdb *db, ref_xquery *q, int root)
{
    ref_xsearch_opts o = {0};
    ref_xresults *r = search_ok(db, q, root, &o);
    char *names = sorted_names(r);
    assert_int_equal(ref_xresults_total(r), ref_xresults_size(r));
    ref_xresults_free(r);
    return names;
}

static uint32_t termfreq(ref_xdb *db, const char *term)
{
    uint32_t n = 0;
    assert_int_equal(ref_xdb_termfreq(db, term, &n), REF_OK);
    return n;
}

static uint32_t doccount(ref_xdb *db)
{
    uint32_t n = 0;
    assert_int_equal(ref_xdb_doccount(db, &n), REF_OK);
    return n;
}

/* ---- writing ----------------------------------------------------------- */

static void test_documents_are_stored_with_terms_and_data(void **state)
{
    fixture *f = *state;
    assert_int_equal(doccount(f->db), NDOCS);
    assert_int_equal(termfreq(f->db, "kommunen"), 3);
    assert_int_equal(termfreq(f->db, "budget"), 3);
    assert_int_equal(termfreq(f->db, "Bchefforum"), 2);
    assert_int_equal(termfreq(f->db, "Qd3"), 1);
    assert_int_equal(termfreq(f->db, "absent"), 0);
}

static void test_data_keeps_nul_bytes(void **state)
{
    fixture *f = *state;
    static const char data[] = {'a', '\0', 'b', '\xff', '\0'};
    ref_xdb *w = open_ok(f->dir, REF_XDB_WRITE);
    ref_xdoc *doc = NULL;
    assert_int_equal(ref_xdoc_new(&doc), REF_OK);
    assert_int_equal(ref_xdoc_add_term(doc, "Qbin", 0), REF_OK);
    assert_int_equal(ref_xdoc_set_data(doc, data, sizeof data), REF_OK);
    assert_int_equal(ref_xdb_replace(w, "Qbin", doc), REF_OK);
    assert_int_equal(ref_xdb_commit(w), REF_OK);
    ref_xdoc_free(doc);

    ref_xquery *q = NULL;
    assert_int_equal(ref_xquery_new(&q), REF_OK);
    int t = ref_xquery_term(q, "Qbin", 1);
    ref_xsearch_opts o = {0};
    ref_xresults *r = search_ok(w, q, t, &o);
    assert_int_equal(ref_xresults_size(r), 1);
    const ref_xhit *h = ref_xresults_hit(r, 0);
    assert_int_equal(h->data_len, sizeof data);
    assert_memory_equal(h->data, data, sizeof data);
    assert_null(ref_xresults_hit(r, 1));
    ref_xresults_free(r);
    ref_xquery_free(q);
    ref_xdb_close(w);
}

static void test_replace_by_unique_term_never_duplicates(void **state)
{
    fixture *f = *state;
    ref_xdb *w = open_ok(f->dir, REF_XDB_WRITE);
    /* d1 again, twice, with new words: still one d1, and its old words gone. */
    const doc_spec again = {"d1", "helt andre ord", NULL, NULL};
    put_doc(w, &again);
    put_doc(w, &again);
    assert_int_equal(ref_xdb_commit(w), REF_OK);
    assert_int_equal(ref_xdb_reopen(f->db), REF_OK);
    assert_int_equal(doccount(f->db), NDOCS);
    assert_int_equal(termfreq(f->db, "Qd1"), 1);
    assert_int_equal(termfreq(f->db, "andre"), 1);
    assert_int_equal(termfreq(f->db, "vedtog"), 1); /* only d2 now */
    ref_xdb_close(w);
}

static void test_delete_by_term_removes_every_carrier(void **state)
{
    fixture *f = *state;
    ref_xdb *w = open_ok(f->dir, REF_XDB_WRITE);
    assert_int_equal(ref_xdb_delete_by_term(w, "XFa"), REF_OK);
    /* A term nobody carries is not an error. */
    assert_int_equal(ref_xdb_delete_by_term(w, "XFnobody"), REF_OK);
    assert_int_equal(ref_xdb_commit(w), REF_OK);
    assert_int_equal(ref_xdb_reopen(f->db), REF_OK);
    assert_int_equal(doccount(f->db), 2);
    assert_int_equal(termfreq(f->db, "Qd1"), 0);
    assert_int_equal(termfreq(f->db, "Qd2"), 0);
    assert_int_equal(termfreq(f->db, "Qd3"), 1);
    assert_int_equal(termfreq(f->db, "Qd4"), 1);
    ref_xdb_close(w);
}

static void test_readers_see_only_commits(void **state)
{
    fixture *f = *state;
    ref_xdb *w = open_ok(f->dir, REF_XDB_WRITE);
    assert_int_equal(ref_xdb_commit(w), REF_OK); /* create the database */
    ref_xdb *before = open_ok(f->dir, REF_XDB_READ);
    assert_int_equal(doccount(before), 0);

    put_doc(w, &corpus[0]);
    put_doc(w, &corpus[1]);
    /* The writer sees its own pending changes; no reader does. */
    assert_int_equal(doccount(w), 2);
    ref_xdb *during = open_ok(f->dir, REF_XDB_READ);
    assert_int_equal(doccount(during), 0);
    assert_int_equal(ref_xdb_reopen(before), REF_OK);
    assert_int_equal(doccount(before), 0);

    assert_int_equal(ref_xdb_commit(w), REF_OK);
    /* An open reader keeps its revision until it reopens. */
    assert_int_equal(doccount(before), 0);
    assert_int_equal(ref_xdb_reopen(before), REF_OK);
    assert_int_equal(doccount(before), 2);
    ref_xdb *after = open_ok(f->dir, REF_XDB_READ);
    assert_int_equal(doccount(after), 2);
    assert_int_equal(termfreq(after, "Qd2"), 1);

    ref_xdb_close(after);
    ref_xdb_close(during);
    ref_xdb_close(before);
    ref_xdb_close(w);
}

/* A run that ends in an error closes its writer without committing: what
 * it wrote since its last commit (punkter and their src: records) must not
 * land, or its rerun adds the punkter again (issue 18: duplicated punkter). */
static void test_close_discards_what_was_not_committed(void **state)
{
    fixture *f = *state;
    ref_xdb *w = open_ok(f->dir, REF_XDB_WRITE);
    put_doc(w, &corpus[0]);
    assert_int_equal(ref_xdb_commit(w), REF_OK);
    put_doc(w, &corpus[1]);
    assert_int_equal(ref_xdb_set_metadata(w, "src:x", "1"), REF_OK);
    ref_xdb_close(w);
    ref_xdb *r = open_ok(f->dir, REF_XDB_READ);
    assert_int_equal(doccount(r), 1);
    char *v = NULL;
    assert_int_equal(ref_xdb_get_metadata(r, "src:x", &v), REF_OK);
    assert_string_equal(v, "");
    free(v);
    ref_xdb_close(r);
}

/* A write that fails discards its batch, and the commit then fails too: a
 * batch never lands with a hole in it. (Xapian refuses terms over 245
 * bytes: a real failure, no mock.) */
static void test_a_failed_write_discards_its_batch_and_fails_the_commit(void **state)
{
    fixture *f = *state;
    ref_xdb *w = open_ok(f->dir, REF_XDB_WRITE);
    put_doc(w, &corpus[0]);
    assert_int_equal(ref_xdb_commit(w), REF_OK);
    put_doc(w, &corpus[1]);
    ref_xdoc *doc = NULL;
    assert_int_equal(ref_xdoc_new(&doc), REF_OK);
    char term[400];
    memset(term, 'x', sizeof term - 1);
    term[sizeof term - 1] = '\0';
    assert_int_equal(ref_xdoc_add_term(doc, term, 1), REF_OK);
    assert_int_not_equal(ref_xdb_add(w, doc), REF_OK);
    ref_xdoc_free(doc);
    assert_int_not_equal(ref_xdb_commit(w), REF_OK);
    assert_string_not_equal(ref_xdb_errmsg(w), "");
    ref_xdb_close(w);
    ref_xdb *r = open_ok(f->dir, REF_XDB_READ);
    assert_int_equal(doccount(r), 1);
    ref_xdb_close(r);
}

/* ---- metadata and terms ------------------------------------------------- */

typedef struct kv_list {
    ref_buf text; /* "k=v;k=v" */
    int stop_after;
    int calls;
} kv_list;

static int collect_kv(void *ctx, const char *key, const char *value)
{
    kv_list *l = ctx;
    ref_buf_printf(&l->text, "%s%s=%s", l->calls ? ";" : "", key, value);
    l->calls++;
    return l->stop_after && l->calls >= l->stop_after;
}

static char *walk_metadata(ref_xdb *db, const char *prefix, int stop_after)
{
    kv_list l = {REF_BUF_INIT, stop_after, 0};
    ref_buf_puts(&l.text, "");
    assert_int_equal(ref_xdb_metadata_walk(db, prefix, collect_kv, &l), REF_OK);
    return ref_buf_detach(&l.text);
}

static char *get_metadata(ref_xdb *db, const char *key)
{
    char *v = NULL;
    assert_int_equal(ref_xdb_get_metadata(db, key, &v), REF_OK);
    assert_non_null(v);
    return v;
}

static void test_metadata_set_get_walk_delete(void **state)
{
    fixture *f = *state;
    ref_xdb *w = open_ok(f->dir, REF_XDB_WRITE);
    assert_int_equal(ref_xdb_set_metadata(w, "file:b.txt", "2 200"), REF_OK);
    assert_int_equal(ref_xdb_set_metadata(w, "file:a.txt", "1 100"), REF_OK);
    assert_int_equal(ref_xdb_set_metadata(w, "file:c.txt", "3 300"), REF_OK);
    assert_int_equal(ref_xdb_set_metadata(w, "version", "1"), REF_OK);
    assert_int_equal(ref_xdb_set_metadata(w, "dansk:æøå", "Ærø"), REF_OK);
    assert_int_equal(ref_xdb_commit(w), REF_OK);

    ref_xdb *r = open_ok(f->dir, REF_XDB_READ);
    char *v = get_metadata(r, "file:a.txt");
    assert_string_equal(v, "1 100");
    free(v);
    v = get_metadata(r, "dansk:æøå");
    assert_string_equal(v, "Ærø");
    free(v);
    v = get_metadata(r, "absent");
    assert_string_equal(v, "");
    free(v);

    /* Keys come in byte order, only those under the prefix. */
    char *all = walk_metadata(r, "file:", 0);
    assert_string_equal(all, "file:a.txt=1 100;file:b.txt=2 200;file:c.txt=3 300");
    free(all);
    /* A nonzero return stops the walk. */
    char *first = walk_metadata(r, "file:", 1);
    assert_string_equal(first, "file:a.txt=1 100");
    free(first);

    /* Setting "" deletes the key: gone from get and from the walk. */
    assert_int_equal(ref_xdb_set_metadata(w, "file:b.txt", ""), REF_OK);
    assert_int_equal(ref_xdb_commit(w), REF_OK);
    assert_int_equal(ref_xdb_reopen(r), REF_OK);
    v = get_metadata(r, "file:b.txt");
    assert_string_equal(v, "");
    free(v);
    all = walk_metadata(r, "file:", 0);
    assert_string_equal(all, "file:a.txt=1 100;file:c.txt=3 300");
    free(all);
    ref_xdb_close(r);
    ref_xdb_close(w);
}

typedef struct term_list {
    ref_buf text; /* "term:freq;…" */
    int stop_after;
    int calls;
} term_list;

static int collect_term(void *ctx, const char *term, uint32_t freq)
{
    term_list *l = ctx;
    ref_buf_printf(&l->text, "%s%s:%u", l->calls ? ";" : "", term, (unsigned)freq);
    l->calls++;
    return l->stop_after && l->calls >= l->stop_after;
}

static void test_term_walk_lists_prefix_with_freqs(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *prefix;
        int stop_after;
        const char *want;
    } cases[] = {
        {"B", 0, "Bbyraadet:2;Bchefforum:2"},
        {"XF", 0, "XFa:2;XFb:2"},
        {"k", 0, "kage:1;kommunen:3"},
        {"k", 1, "kage:1"},
        {"Z", 0, ""},
        {"Q", 0, "Qd1:1;Qd2:1;Qd3:1;Qd4:1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        term_list l = {REF_BUF_INIT, cases[i].stop_after, 0};
        ref_buf_puts(&l.text, "");
        assert_int_equal(ref_xdb_term_walk(f->db, cases[i].prefix, collect_term, &l), REF_OK);
        assert_string_equal(l.text.data, cases[i].want);
        ref_buf_free(&l.text);
    }
}

/* ---- queries ------------------------------------------------------------ */

/* One operator over terms, and the documents it must match (see corpus). */
typedef struct op_case {
    const char *what;
    ref_xop op;
    const char *terms[4];
    uint32_t window;
    const char *want;
} op_case;

static const op_case op_cases[] = {
    {"AND needs every term", REF_XOP_AND, {"budget", "skolen"}, 0, "d1,d3"},
    {"AND with an absent term", REF_XOP_AND, {"budget", "absent"}, 0, ""},
    {"OR needs any term", REF_XOP_OR, {"kage", "møde"}, 0, "d2,d4"},
    {"AND_NOT removes the others", REF_XOP_AND_NOT, {"kommunen", "kage", "møde"}, 0, "d1"},
    {"FILTER by a boolean term", REF_XOP_FILTER, {"budget", "Bchefforum"}, 0, "d1,d3"},
    {"AND_MAYBE matches the first only", REF_XOP_AND_MAYBE, {"kage", "budget"}, 0, "d2"},
    {"PHRASE in order and adjacent", REF_XOP_PHRASE, {"vedtog", "budget"}, 0, "d1"},
    {"PHRASE of three", REF_XOP_PHRASE, {"kommunen", "vedtog", "budget"}, 0, "d1"},
    {"PHRASE reversed does not match", REF_XOP_PHRASE, {"budget", "vedtog"}, 0, ""},
    {"PHRASE with a gap does not match", REF_XOP_PHRASE, {"kommunen", "budget"}, 0, ""},
    {"NEAR in any order within the window", REF_XOP_NEAR, {"budget", "vedtog"}, 3, "d1,d2"},
    {"NEAR outside the window", REF_XOP_NEAR, {"kommunen", "skolen"}, 3, ""},
    {"NEAR with a wide window", REF_XOP_NEAR, {"kommunen", "skolen"}, 5, "d1"},
    {"SYNONYM matches any", REF_XOP_SYNONYM, {"kage", "skolen"}, 0, "d1,d2,d3"},
    {"a term under a boolean prefix", REF_XOP_OR, {"Bbyraadet"}, 0, "d2,d4"},
};

static void test_query_operators(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof op_cases / sizeof op_cases[0]; i++) {
        const op_case *c = &op_cases[i];
        ref_xquery *q = NULL;
        assert_int_equal(ref_xquery_new(&q), REF_OK);
        int kids[4];
        size_t n = 0;
        while (n < 4 && c->terms[n]) {
            kids[n] = ref_xquery_term(q, c->terms[n], 1);
            assert_true(kids[n] >= 0);
            n++;
        }
        int root = ref_xquery_op(q, c->op, kids, n, c->window);
        assert_true(root >= 0);
        char *got = matching(f->db, q, root);
        if (strcmp(got, c->want) != 0)
            fail_msg("%s: got \"%s\", want \"%s\"", c->what, got, c->want);
        free(got);
        ref_xquery_free(q);
    }
}

/* Score of each document (by name) for ROOT; 0 when it does not match. */
static double score_of(ref_xdb *db, ref_xquery *q, int root, const char *name)
{
    ref_xsearch_opts o = {0};
    ref_xresults *r = search_ok(db, q, root, &o);
    double s = 0;
    for (size_t i = 0; i < ref_xresults_size(r); i++) {
        const ref_xhit *h = ref_xresults_hit(r, i);
        if (h->data_len == strlen(name) && memcmp(h->data, name, h->data_len) == 0)
            s = h->score;
    }
    ref_xresults_free(r);
    return s;
}

static void test_weights_of_scale_filter_and_maybe(void **state)
{
    fixture *f = *state;
    ref_xquery *q = NULL;
    assert_int_equal(ref_xquery_new(&q), REF_OK);
    int budget = ref_xquery_term(q, "budget", 1);
    int twice = ref_xquery_scale(q, budget, 2.0);
    int zero = ref_xquery_scale(q, budget, 0.0);
    int chef = ref_xquery_term(q, "Bchefforum", 1);
    int fk[2] = {budget, chef};
    int filtered = ref_xquery_op(q, REF_XOP_FILTER, fk, 2, 0);
    int vedtog = ref_xquery_term(q, "vedtog", 1);
    int mk[2] = {budget, vedtog};
    int maybe = ref_xquery_op(q, REF_XOP_AND_MAYBE, mk, 2, 0);
    assert_true(twice >= 0 && zero >= 0 && filtered >= 0 && maybe >= 0);

    double plain = score_of(f->db, q, budget, "d1");
    assert_true(plain > 0);
    assert_float_equal(score_of(f->db, q, twice, "d1"), 2 * plain, 1e-9);
    assert_float_equal(score_of(f->db, q, zero, "d1"), 0.0, 1e-12);
    /* FILTER adds no weight of its own. */
    assert_float_equal(score_of(f->db, q, filtered, "d1"), plain, 1e-9);
    /* AND_MAYBE: d1 has vedtog too and gains weight; d3 does not. */
    assert_true(score_of(f->db, q, maybe, "d1") > plain);
    assert_float_equal(score_of(f->db, q, maybe, "d3"), score_of(f->db, q, budget, "d3"), 1e-9);
    /* Relevance ranks d3 (budget three times in a short text) above d2. */
    assert_true(score_of(f->db, q, budget, "d3") > score_of(f->db, q, budget, "d2"));
    ref_xquery_free(q);
}

static void test_value_ranges_with_open_ends(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *lo, *hi, *want;
    } cases[] = {
        {"20170101", "20171231", "d1"}, {"20170101", "20170101", "d1"}, /* both ends inclusive */
        {"20170102", "20180615", "d2"}, {"20170101", NULL, "d1,d2"},    {NULL, "20170101", "d1,d3"},
        {"20190101", NULL, ""},         {"2017", "2018", "d1"}, /* byte-wise: "20180615" > "2018" */
        {NULL, NULL, "d1,d2,d3,d4"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ref_xquery *q = NULL;
        assert_int_equal(ref_xquery_new(&q), REF_OK);
        int root = ref_xquery_value_range(q, 0, cases[i].lo, cases[i].hi);
        assert_true(root >= 0);
        char *got = matching(f->db, q, root);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("[%s, %s]: got \"%s\", want \"%s\"", cases[i].lo ? cases[i].lo : "NULL",
                     cases[i].hi ? cases[i].hi : "NULL", got, cases[i].want);
        free(got);
        ref_xquery_free(q);
    }
}

static void test_wildcard_expands_most_frequent(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *prefix;
        uint32_t max;
        const char *want;
    } cases[] = {
        {"sko", 0, "d1,d3"},
        {"k", 0, "d1,d2,d4"},
        /* One expansion: "kommunen" (3 documents) beats "kage" (1). */
        {"k", 1, "d1,d2,d4"},
        {"ka", 1, "d2"},
        {"Bchef", 0, "d1,d3"},
        {"zzz", 0, ""},
        {"", 0, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ref_xquery *q = NULL;
        assert_int_equal(ref_xquery_new(&q), REF_OK);
        int root = ref_xquery_wildcard(q, cases[i].prefix, cases[i].max);
        assert_true(root >= 0);
        char *got = matching(f->db, q, root);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("%s* (max %u): got \"%s\", want \"%s\"", cases[i].prefix,
                     (unsigned)cases[i].max, got, cases[i].want);
        free(got);
        ref_xquery_free(q);
    }
}

static void test_wildcard_limit_keeps_only_the_most_frequent(void **state)
{
    fixture *f = *state;
    /* "kage" alone is in d2, which also has "kommunen": to see that "kage"
     * was dropped, AND_NOT the documents with "kommunen" away. */
    ref_xquery *q = NULL;
    assert_int_equal(ref_xquery_new(&q), REF_OK);
    int kids[2] = {ref_xquery_wildcard(q, "k", 1), ref_xquery_term(q, "kage", 1)};
    int both = ref_xquery_op(q, REF_XOP_AND, kids, 2, 0);
    int wide[2] = {ref_xquery_wildcard(q, "k", 2), ref_xquery_term(q, "kage", 1)};
    int both2 = ref_xquery_op(q, REF_XOP_AND, wide, 2, 0);
    /* Scores: with one expansion, d2's score for the wildcard is that of
     * "kommunen" alone, with two it adds "kage". */
    double one = score_of(f->db, q, both, "d2");
    double two = score_of(f->db, q, both2, "d2");
    assert_true(one > 0);
    assert_true(two > one);
    ref_xquery_free(q);
}

static void test_match_all_and_nothing(void **state)
{
    fixture *f = *state;
    ref_xquery *q = NULL;
    assert_int_equal(ref_xquery_new(&q), REF_OK);
    int all = ref_xquery_match_all(q);
    int none = ref_xquery_match_nothing(q);
    int empty_term = ref_xquery_term(q, "", 1);
    char *got = matching(f->db, q, all);
    assert_string_equal(got, "d1,d2,d3,d4");
    free(got);
    got = matching(f->db, q, none);
    assert_string_equal(got, "");
    free(got);
    got = matching(f->db, q, empty_term);
    assert_string_equal(got, "");
    free(got);
    ref_xquery_free(q);
}

static void test_describe_names_the_structure(void **state)
{
    (void)state;
    ref_xquery *q = NULL;
    assert_int_equal(ref_xquery_new(&q), REF_OK);
    int kids[2] = {ref_xquery_term(q, "vedtog", 1), ref_xquery_term(q, "budget", 1)};
    int phrase = ref_xquery_op(q, REF_XOP_PHRASE, kids, 2, 0);
    char *d = ref_xquery_describe(q, phrase);
    assert_non_null(d);
    assert_string_equal(d, "Query((vedtog PHRASE 2 budget))");
    free(d);
    assert_null(ref_xquery_describe(q, 99));
    assert_null(ref_xquery_describe(q, -1));
    ref_xquery_free(q);
}

/* ---- sorting and paging ------------------------------------------------- */

static void test_sort_by_value(void **state)
{
    fixture *f = *state;
    static const struct {
        ref_xsort sort;
        const char *want;
    } cases[] = {
        /* d4 has no date: an absent value is "", the smallest. */
        {REF_XSORT_VALUE_ASC, "d4,d3,d1,d2"},
        {REF_XSORT_VALUE_DESC, "d2,d1,d3,d4"},
    };
    ref_xquery *q = NULL;
    assert_int_equal(ref_xquery_new(&q), REF_OK);
    int all = ref_xquery_match_all(q);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ref_xsearch_opts o = {.sort = cases[i].sort, .sort_slot = 0};
        ref_xresults *r = search_ok(f->db, q, all, &o);
        char *got = hit_names(r);
        assert_string_equal(got, cases[i].want);
        free(got);
        ref_xresults_free(r);
    }
    ref_xquery_free(q);
}

static void test_paging_offset_limit_total(void **state)
{
    fixture *f = *state;
    static const struct {
        uint32_t offset, limit;
        const char *want; /* by date, ascending */
        uint32_t first_rank;
    } cases[] = {
        {0, 0, "d4,d3,d1,d2", 0}, /* limit 0: every hit */
        {0, 2, "d4,d3", 0},       {2, 2, "d1,d2", 2}, {3, 0, "d2", 3},
        {1, 10, "d3,d1,d2", 1},   {4, 2, "", 0},      {10, 0, "", 0},
        {10, 3, "", 0},
    };
    ref_xquery *q = NULL;
    assert_int_equal(ref_xquery_new(&q), REF_OK);
    int all = ref_xquery_match_all(q);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ref_xsearch_opts o = {.offset = cases[i].offset,
                              .limit = cases[i].limit,
                              .sort = REF_XSORT_VALUE_ASC,
                              .sort_slot = 0};
        ref_xresults *r = search_ok(f->db, q, all, &o);
        char *got = hit_names(r);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("offset %u limit %u: got \"%s\", want \"%s\"", (unsigned)cases[i].offset,
                     (unsigned)cases[i].limit, got, cases[i].want);
        free(got);
        /* The total counts the whole result set, whatever the page. */
        if (ref_xresults_total(r) != NDOCS)
            fail_msg("offset %u limit %u: total %u, want %u", (unsigned)cases[i].offset,
                     (unsigned)cases[i].limit, (unsigned)ref_xresults_total(r), (unsigned)NDOCS);
        for (size_t k = 0; k < ref_xresults_size(r); k++)
            assert_int_equal(ref_xresults_hit(r, k)->rank, cases[i].first_rank + k);
        ref_xresults_free(r);
    }
    /* The same past the end of a ranked result set. */
    int term = ref_xquery_term(q, "kommunen", 1);
    ref_xsearch_opts past = {.offset = 5, .limit = 2};
    ref_xresults *r = search_ok(f->db, q, term, &past);
    assert_int_equal(ref_xresults_size(r), 0);
    assert_int_equal(ref_xresults_total(r), 3);
    ref_xresults_free(r);
    ref_xquery_free(q);
}

/* ---- errors ------------------------------------------------------------- */

/* ---- shards and stub files ---------------------------------------------- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* A loopback port nobody listens on (bound, then released). */
static unsigned closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

/* Two shards listed in a stub (one by a relative path, one absolute, a
 * comment and a blank line between) search as one: every document once,
 * doccount and term frequencies summed. */
static void test_stub_file_lists_local_shards(void **state)
{
    fixture *f = *state;
    char *a = path_in(f->dir, "a"), *b = path_in(f->dir, "b"), *stub = path_in(f->dir, "all.stub");
    ref_xdb *w = open_ok(a, REF_XDB_WRITE);
    put_doc(w, &corpus[0]);
    put_doc(w, &corpus[1]);
    assert_int_equal(ref_xdb_commit(w), REF_OK); /* close discards, never commits */
    ref_xdb_close(w);
    w = open_ok(b, REF_XDB_WRITE);
    put_doc(w, &corpus[2]);
    assert_int_equal(ref_xdb_commit(w), REF_OK);
    ref_xdb_close(w);
    ref_buf text = REF_BUF_INIT;
    ref_buf_printf(&text, "auto a\n# the second\n\nauto %s\n", b);
    write_file(stub, text.data);
    ref_xdb *db = open_ok(stub, REF_XDB_READ);
    uint32_t n = 0, freq = 0;
    assert_int_equal(ref_xdb_doccount(db, &n), REF_OK);
    assert_int_equal(n, 3);
    assert_int_equal(ref_xdb_termfreq(db, "budget", &freq), REF_OK);
    assert_int_equal(freq, 3);
    assert_string_equal(ref_xdb_missing_shards(db), "");
    ref_xdb_close(db);
    /* --db repeated: the same as the stub. */
    const char *paths[] = {a, b};
    assert_int_equal(ref_xdb_open_shards(paths, 2, NULL, &db, NULL), REF_OK);
    assert_int_equal(ref_xdb_doccount(db, &n), REF_OK);
    assert_int_equal(n, 3);
    ref_xdb_close(db);
    ref_buf_free(&text);
    free(a);
    free(b);
    free(stub);
}

/* A stub line we cannot read is an error naming the file and line. */
static void test_stub_file_errors_name_file_and_line(void **state)
{
    fixture *f = *state;
    char *stub = path_in(f->dir, "bad.stub");
    static const struct {
        const char *text, *expect;
    } cases[] = {
        {"auto x\nflat y\n", "bad.stub:2: unknown shard type \"flat\""},
        {"# c\nremote host-without-port\n", "bad.stub:2: expected \"remote HOST:PORT\""},
        {"remote :99999\n", "bad.stub:1: expected \"remote HOST:PORT\""},
        {"auto\n", "bad.stub:1: \"auto\" needs a path"},
        {"# nothing\n", "bad.stub: the stub file lists no database"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file(stub, cases[i].text);
        ref_xdb *db = NULL;
        char *msg = NULL;
        assert_int_equal(ref_xdb_open(stub, REF_XDB_READ, &db, &msg), REF_EINVAL);
        assert_null(db);
        assert_non_null(msg);
        if (!strstr(msg, cases[i].expect))
            fail_msg("case %zu: %s", i, msg);
        free(msg);
    }
    free(stub);
}

/* A remote shard that does not answer is REF_ESHARD, named; with
 * allow_partial the rest open and the missing one is listed. */
static void test_unanswered_remote_shard_is_named(void **state)
{
    fixture *f = *state;
    char *stub = path_in(f->dir, "all.stub");
    ref_buf text = REF_BUF_INIT, name = REF_BUF_INIT;
    unsigned port = closed_port();
    ref_buf_printf(&name, "remote 127.0.0.1:%u", port);
    ref_buf_printf(&text, "auto %s\n%s\n", f->dir, name.data);
    write_file(stub, text.data);
    ref_xdb *db = NULL;
    char *msg = NULL;
    ref_xdb_shard_opts opts = {.timeout_ms = 2000};
    const char *paths[] = {stub};
    assert_int_equal(ref_xdb_open_shards(paths, 1, &opts, &db, &msg), REF_ESHARD);
    assert_null(db);
    assert_non_null(strstr(msg, name.data));
    free(msg);
    opts.allow_partial = 1;
    assert_int_equal(ref_xdb_open_shards(paths, 1, &opts, &db, &msg), REF_OK);
    ref_buf_putc(&name, '\n');
    assert_string_equal(ref_xdb_missing_shards(db), name.data);
    uint32_t n = 0;
    assert_int_equal(ref_xdb_doccount(db, &n), REF_OK);
    assert_int_equal(n, NDOCS);
    ref_xdb_close(db);
    ref_buf_free(&text);
    ref_buf_free(&name);
    free(stub);
}

static void test_missing_database_is_not_found(void **state)
{
    fixture *f = *state;
    char *missing = path_in(f->dir, "nope");
    ref_xdb *db = (ref_xdb *)1;
    char *msg = NULL;
    assert_int_equal(ref_xdb_open(missing, REF_XDB_READ, &db, &msg), REF_EDB_NOTFOUND);
    assert_null(db);
    assert_non_null(msg);
    assert_true(strlen(msg) > 0);
    free(msg);
    /* An empty folder is not a database either. */
    assert_int_equal(ref_xdb_open(f->dir, REF_XDB_READ, &db, &msg), REF_EDB_NOTFOUND);
    assert_null(db);
    free(msg);
    /* ERRMSG may be NULL. */
    assert_int_equal(ref_xdb_open(missing, REF_XDB_READ, &db, NULL), REF_EDB_NOTFOUND);
    free(missing);
}

static void test_second_writer_is_locked(void **state)
{
    fixture *f = *state;
    ref_xdb *w = open_ok(f->dir, REF_XDB_WRITE);
    ref_xdb *w2 = NULL;
    char *msg = NULL;
    assert_int_equal(ref_xdb_open(f->dir, REF_XDB_WRITE, &w2, &msg), REF_EDB_LOCKED);
    assert_null(w2);
    assert_non_null(msg);
    assert_true(strlen(msg) > 0);
    free(msg);

    /* Another process is refused too. */
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        ref_xdb *child = NULL;
        ref_status st = ref_xdb_open(f->dir, REF_XDB_WRITE, &child, NULL);
        _exit(st == REF_EDB_LOCKED ? 0 : 1);
    }
    int wstatus = 0;
    assert_int_equal(waitpid(pid, &wstatus, 0), pid);
    assert_true(WIFEXITED(wstatus));
    assert_int_equal(WEXITSTATUS(wstatus), 0);

    /* Readers are never locked out, and the lock ends with the writer. */
    ref_xdb *r = open_ok(f->dir, REF_XDB_READ);
    ref_xdb_close(r);
    ref_xdb_close(w);
    w2 = open_ok(f->dir, REF_XDB_WRITE);
    ref_xdb_close(w2);
}

static void test_corrupt_database_is_an_error(void **state)
{
    fixture *f = *state;
    /* Overwrite the version file of a committed database with garbage. */
    char *stamp = path_in(f->dir, "iamglass");
    FILE *fp = fopen(stamp, "wb");
    assert_non_null(fp);
    fputs("this is not a glass database", fp);
    fclose(fp);
    free(stamp);
    ref_xdb *db = NULL;
    char *msg = NULL;
    ref_status st = ref_xdb_open(f->dir, REF_XDB_READ, &db, &msg);
    assert_null(db);
    assert_non_null(msg);
    if (st != REF_EDB_CORRUPT && st != REF_EDB_VERSION)
        fail_msg("corrupt database: %s (%s)", ref_status_str(st), msg);
    free(msg);
}

static void test_read_only_handle_refuses_writes(void **state)
{
    fixture *f = *state;
    ref_xdoc *doc = NULL;
    assert_int_equal(ref_xdoc_new(&doc), REF_OK);
    assert_int_equal(ref_xdoc_add_term(doc, "Qnew", 0), REF_OK);
    assert_int_equal(ref_xdb_replace(f->db, "Qnew", doc), REF_EINVAL);
    assert_non_null(strstr(ref_xdb_errmsg(f->db), "read-only"));
    assert_int_equal(ref_xdb_delete_by_term(f->db, "Qd1"), REF_EINVAL);
    assert_int_equal(ref_xdb_set_metadata(f->db, "k", "v"), REF_EINVAL);
    assert_int_equal(ref_xdb_commit(f->db), REF_EINVAL);
    ref_xdoc_free(doc);
    /* Nothing changed, on this handle or on disk. */
    assert_int_equal(doccount(f->db), NDOCS);
    ref_xdb *r = open_ok(f->dir, REF_XDB_READ);
    assert_int_equal(doccount(r), NDOCS);
    assert_int_equal(termfreq(r, "Qd1"), 1);
    ref_xdb_close(r);
}

static void test_invalid_node_makes_search_fail(void **state)
{
    fixture *f = *state;
    ref_xquery *q = NULL;
    assert_int_equal(ref_xquery_new(&q), REF_OK);
    int t = ref_xquery_term(q, "budget", 1);
    int bad[2] = {t, 42};
    assert_int_equal(ref_xquery_op(q, REF_XOP_AND, bad, 2, 0), -1);
    /* Sticky: every later constructor fails too, even a valid one. */
    assert_int_equal(ref_xquery_term(q, "skolen", 1), -1);
    assert_int_equal(ref_xquery_match_all(q), -1);
    ref_xresults *r = (ref_xresults *)1;
    ref_xsearch_opts o = {0};
    assert_int_equal(ref_xdb_search(f->db, q, t, &o, &r), REF_EINVAL);
    assert_null(r);
    assert_true(strlen(ref_xdb_errmsg(f->db)) > 0);
    ref_xquery_free(q);

    /* A negative id (a failed node) as a child. */
    assert_int_equal(ref_xquery_new(&q), REF_OK);
    int neg[1] = {-1};
    assert_int_equal(ref_xquery_op(q, REF_XOP_OR, neg, 1, 0), -1);
    assert_int_equal(ref_xquery_scale(q, 7, 2.0), -1);
    assert_int_equal(ref_xdb_search(f->db, q, 0, &o, &r), REF_EINVAL);
    ref_xquery_free(q);

    /* A root that is not a node. */
    assert_int_equal(ref_xquery_new(&q), REF_OK);
    ref_xquery_term(q, "budget", 1);
    assert_int_equal(ref_xdb_search(f->db, q, 5, &o, &r), REF_EINVAL);
    assert_int_equal(ref_xdb_search(f->db, q, -1, &o, &r), REF_EINVAL);
    assert_null(r);
    ref_xquery_free(q);
}

static void test_sticky_error_keeps_the_first_message(void **state)
{
    fixture *f = *state;
    ref_xquery *q = NULL;
    assert_int_equal(ref_xquery_new(&q), REF_OK);
    int t = ref_xquery_term(q, "budget", 1);
    /* Xapian refuses a negative scale factor: its message is the first error. */
    int scaled = ref_xquery_scale(q, t, -1.0);
    assert_int_equal(scaled, -1);
    int kids[2] = {t, scaled};
    assert_int_equal(ref_xquery_op(q, REF_XOP_AND, kids, 2, 0), -1);
    assert_int_equal(ref_xquery_scale(q, scaled, 2.0), -1);
    ref_xresults *r = NULL;
    ref_xsearch_opts o = {0};
    assert_int_equal(ref_xdb_search(f->db, q, t, &o, &r), REF_EINVAL);
    const char *msg = ref_xdb_errmsg(f->db);
    if (!strstr(msg, "OP_SCALE_WEIGHT"))
        fail_msg("first error lost: \"%s\"", msg);
    ref_xquery_free(q);
}

static void test_bad_arguments_are_statuses(void **state)
{
    fixture *f = *state;
    ref_xdb *db = NULL;
    assert_int_equal(ref_xdb_open(NULL, REF_XDB_READ, &db, NULL), REF_EINVAL);
    assert_int_equal(ref_xdb_open(f->dir, REF_XDB_READ, NULL, NULL), REF_EINVAL);
    uint32_t n;
    assert_int_equal(ref_xdb_doccount(NULL, &n), REF_EINVAL);
    assert_int_equal(ref_xdb_doccount(f->db, NULL), REF_EINVAL);
    assert_int_equal(ref_xdb_termfreq(f->db, NULL, &n), REF_EINVAL);
    assert_int_equal(ref_xdb_reopen(NULL), REF_EINVAL);
    char *v;
    assert_int_equal(ref_xdb_get_metadata(f->db, "", &v), REF_EINVAL);
    assert_int_equal(ref_xdb_metadata_walk(f->db, "", NULL, NULL), REF_EINVAL);
    assert_int_equal(ref_xdb_term_walk(f->db, "", NULL, NULL), REF_EINVAL);

    ref_xdoc *doc = NULL;
    assert_int_equal(ref_xdoc_new(&doc), REF_OK);
    assert_int_equal(ref_xdoc_add_posting(doc, "", 0, 1), REF_EINVAL);
    assert_int_equal(ref_xdoc_add_posting(doc, NULL, 0, 1), REF_EINVAL);
    assert_int_equal(ref_xdoc_add_term(doc, "", 1), REF_EINVAL);
    assert_int_equal(ref_xdoc_set_value(doc, 0, NULL, 3), REF_EINVAL);
    assert_int_equal(ref_xdoc_set_data(doc, NULL, 3), REF_EINVAL);
    assert_int_equal(ref_xdoc_set_data(doc, NULL, 0), REF_OK);
    assert_int_equal(ref_xdoc_add_posting(NULL, "a", 0, 1), REF_EINVAL);

    ref_xdb *w = open_ok(f->dir, REF_XDB_WRITE);
    assert_int_equal(ref_xdb_replace(w, "", doc), REF_EINVAL);
    assert_int_equal(ref_xdb_replace(w, "Qx", NULL), REF_EINVAL);
    assert_int_equal(ref_xdb_delete_by_term(w, ""), REF_EINVAL);
    assert_int_equal(ref_xdb_set_metadata(w, "", "v"), REF_EINVAL);
    assert_int_equal(ref_xdb_set_metadata(w, "k", NULL), REF_EINVAL);
    ref_xdb_close(w);
    ref_xdoc_free(doc);

    ref_xresults *r = NULL;
    ref_xquery *q = NULL;
    assert_int_equal(ref_xquery_new(&q), REF_OK);
    int t = ref_xquery_term(q, "budget", 1);
    assert_int_equal(ref_xdb_search(f->db, q, t, NULL, &r), REF_EINVAL);
    assert_int_equal(ref_xdb_search(NULL, q, t, &(ref_xsearch_opts){0}, &r), REF_EINVAL);
    assert_int_equal(ref_xdb_search(f->db, q, t, &(ref_xsearch_opts){0}, NULL), REF_EINVAL);
    ref_xquery_free(q);
    assert_int_equal(ref_xresults_size(NULL), 0);
    assert_int_equal(ref_xresults_total(NULL), 0);
    assert_null(ref_xresults_hit(NULL, 0));
    assert_string_equal(ref_xdb_errmsg(NULL), "");
    ref_xresults_free(NULL);
    ref_xquery_free(NULL);
    ref_xdoc_free(NULL);
    ref_xdb_close(NULL);
    assert_int_equal(ref_xquery_term(NULL, "a", 1), -1);
    assert_int_equal(ref_xquery_match_all(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_documents_are_stored_with_terms_and_data, setup_corpus,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_data_keeps_nul_bytes, setup_corpus, teardown),
        cmocka_unit_test_setup_teardown(test_replace_by_unique_term_never_duplicates, setup_corpus,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_delete_by_term_removes_every_carrier, setup_corpus,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_readers_see_only_commits, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_close_discards_what_was_not_committed, setup_empty,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_failed_write_discards_its_batch_and_fails_the_commit,
                                        setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_metadata_set_get_walk_delete, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_term_walk_lists_prefix_with_freqs, setup_corpus,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_query_operators, setup_corpus, teardown),
        cmocka_unit_test_setup_teardown(test_weights_of_scale_filter_and_maybe, setup_corpus,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_value_ranges_with_open_ends, setup_corpus, teardown),
        cmocka_unit_test_setup_teardown(test_wildcard_expands_most_frequent, setup_corpus,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wildcard_limit_keeps_only_the_most_frequent,
                                        setup_corpus, teardown),
        cmocka_unit_test_setup_teardown(test_match_all_and_nothing, setup_corpus, teardown),
        cmocka_unit_test(test_describe_names_the_structure),
        cmocka_unit_test_setup_teardown(test_sort_by_value, setup_corpus, teardown),
        cmocka_unit_test_setup_teardown(test_paging_offset_limit_total, setup_corpus, teardown),
        cmocka_unit_test_setup_teardown(test_missing_database_is_not_found, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_stub_file_lists_local_shards, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_stub_file_errors_name_file_and_line, setup_empty,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unanswered_remote_shard_is_named, setup_corpus,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_second_writer_is_locked, setup_corpus, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_database_is_an_error, setup_corpus, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_handle_refuses_writes, setup_corpus,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_invalid_node_makes_search_fail, setup_corpus,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sticky_error_keeps_the_first_message, setup_corpus,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments_are_statuses, setup_corpus, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
