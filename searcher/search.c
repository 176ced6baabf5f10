#include "referat/search.h"

#include <stdlib.h>
#include <string.h>

#include "referat/analysis.h"
#include "referat/buf.h"
#include "referat/fields.h"
#include "referat/outcome.h"
#include "referat/query.h"
#include "referat/utf8.h"
#include "referat/xdb.h"

struct ref_searcher {
    ref_xdb *db;
    ref_analyzer *analyzer;
    ref_synonyms *synonyms;
};

ref_status ref_shard_timeout_parse(const char *text, unsigned *ms)
{
    char *end = NULL;
    double seconds = text ? strtod(text, &end) : 0;
    if (!text || end == text || *end || !(seconds > 0) || seconds > 3600)
        return REF_EINVAL;
    *ms = (unsigned)(seconds * 1000 + 0.5);
    if (*ms == 0)
        *ms = 1;
    return REF_OK;
}

/* An index made by another analyser version holds other terms than our
 * queries look for: searching it would silently miss. Say so, and how to
 * fix it (referat-index rebuilds such an index in full). An empty index
 * has nothing to miss. */
static ref_status check_analyser_version(ref_xdb *db, const char *db_path, char **errmsg)
{
    char *version = NULL;
    uint32_t docs = 0;
    /* An indexer committing while we read is retried inside (xdb.cc's one
     * read policy). Over shards Xapian reads the metadata of the first. */
    ref_status st = ref_xdb_get_metadata(db, REF_ANALYZER_VERSION_KEY, &version);
    if (st == REF_OK)
        st = ref_xdb_doccount(db, &docs);
    if (st == REF_OK && docs > 0 && strcmp(version, REF_ANALYZER_VERSION) != 0) {
        st = REF_EDB_VERSION;
        if (errmsg) {
            ref_buf m = REF_BUF_INIT;
            ref_buf_printf(&m,
                           "the index %s was built by analyser version %s, this program uses "
                           "version %s: rebuild it with referat-index (it re-indexes every file)",
                           db_path, *version ? version : "1", REF_ANALYZER_VERSION);
            *errmsg = ref_buf_detach(&m);
        }
    }
    free(version);
    return st;
}

ref_status ref_searcher_open(const char *db_path, ref_searcher **out, char **errmsg)
{
    return ref_searcher_open_shards(&db_path, 1, NULL, out, errmsg);
}

ref_status ref_searcher_open_shards(const char *const *db_paths, size_t n,
                                    const ref_shard_opts *opts, ref_searcher **out,
                                    char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    if (!out || !db_paths || !n)
        return REF_EINVAL;
    *out = NULL;
    ref_searcher *s = calloc(1, sizeof *s);
    if (!s)
        return REF_ENOMEM;
    ref_status st = ref_analyzer_new(&s->analyzer);
    if (st == REF_OK)
        st = ref_synonyms_new(&s->synonyms);
    if (st == REF_OK) {
        ref_xdb_shard_opts xo = {0, 0, 0, 0};
        if (opts) {
            xo.timeout_ms = opts->timeout_ms;
            xo.allow_partial = opts->allow_partial;
            xo.budget_ms = opts->budget_ms;
            xo.max_terms = opts->max_terms;
        }
        st = ref_xdb_open_shards(db_paths, n, &xo, &s->db, errmsg);
    }
    if (st == REF_OK)
        st = check_analyser_version(s->db, db_paths[0], errmsg);
    if (st != REF_OK) {
        ref_searcher_close(s);
        return st;
    }
    *out = s;
    return REF_OK;
}

void ref_searcher_close(ref_searcher *s)
{
    if (!s)
        return;
    ref_xdb_close(s->db);
    ref_analyzer_free(s->analyzer);
    ref_synonyms_free(s->synonyms);
    free(s);
}

ref_status ref_searcher_reopen(ref_searcher *s) { return ref_xdb_reopen(s->db); }

ref_status ref_searcher_load_synonyms(ref_searcher *s, const char *path, size_t *line)
{
    return ref_synonyms_load(s->synonyms, path, line);
}

/* Preference among sections that show the match equally well: the
 * decision first, then the recommendation, then the order of the punkt. */
static int section_rank(ref_section_kind kind)
{
    switch (kind) {
    case REF_SECTION_BESLUTNING:
        return 3;
    case REF_SECTION_INDSTILLING:
        return 2;
    case REF_SECTION_NONE:
    case REF_SECTION_ANLEDNING:
    case REF_SECTION_BAGGRUND:
    case REF_SECTION_SAGSFREMSTILLING:
    case REF_SECTION_HISTORIK:
    case REF_SECTION_BILAG:
    case REF_SECTION_OTHER:
    case REF_SECTION_COUNT:
        break;
    }
    return 1;
}

static int better(const ref_snippet *a, ref_section_kind ka, const ref_snippet *b,
                  ref_section_kind kb)
{
    if (a->ndistinct != b->ndistinct)
        return a->ndistinct > b->ndistinct;
    if (a->nspans != b->nspans)
        return a->nspans > b->nspans;
    return section_rank(ka) > section_rank(kb);
}

/* Choose the section and snippet of HIT. */
static ref_status pick_snippet(ref_searcher *s, const ref_query *q, const ref_search_opts *opts,
                               ref_hit *hit)
{
    const ref_record *rec = hit->record;
    size_t target = opts->snippet_bytes ? opts->snippet_bytes : REF_SNIPPET_DEFAULT_BYTES;
    hit->section = -1;
    for (size_t i = 0; i < rec->nsections; i++) {
        const ref_record_section *sec = &rec->sections[i];
        if (opts->decisions_only && sec->kind != REF_SECTION_BESLUTNING)
            continue;
        /* Words searched in one part only: the snippet is from that part. */
        if (opts->in_field && strcmp(opts->in_field, "titel") != 0 &&
            strcmp(ref_field_for_section(sec->kind)->name, opts->in_field) != 0)
            continue;
        if (!sec->text[0])
            continue;
        ref_snippet cand;
        ref_status st = ref_snippet_make(s->analyzer, q, sec->text, strlen(sec->text), target,
                                         &cand);
        if (st != REF_OK)
            return st;
        if (hit->section < 0 ||
            better(&cand, sec->kind, &hit->snippet, rec->sections[hit->section].kind)) {
            ref_snippet_clear(&hit->snippet);
            hit->snippet = cand;
            hit->section = (int)i;
        } else {
            ref_snippet_clear(&cand);
        }
    }
    return REF_OK;
}

/* The value slot that holds the whole order of SORT (fields.h); relevance
 * uses it for ties. Both are sorted ascending. */
static unsigned order_slot(ref_sort sort)
{
    switch (sort) {
    case REF_SORT_RELEVANCE:
    case REF_SORT_DATE:
        return REF_SLOT_ORDER;
    case REF_SORT_DATE_DESC:
        return REF_SLOT_ORDER_DESC;
    }
    return REF_SLOT_ORDER;
}

static char *dup_msg(const char *a, const char *b)
{
    ref_buf m = REF_BUF_INIT;
    ref_buf_puts(&m, a);
    if (b && *b) {
        ref_buf_puts(&m, ": ");
        ref_buf_puts(&m, b);
    }
    return ref_buf_detach(&m);
}

/* A plain word worth correcting: letters only (ASCII or any UTF-8 letter
 * byte), at least 3 bytes; not an operator, field, phrase, negation or
 * wildcard. */
static int correctable(const char *w, size_t n)
{
    if (n < 3 || ref_query_is_operator(w, n))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return 0;
    }
    return 1;
}

typedef struct word_stem {
    char *stem; /* NULL: no word, or out of memory (then failed is set) */
    int failed;
} word_stem;

static int first_word_stem(void *ctx, const ref_token *tok)
{
    word_stem *out = ctx;
    if (tok->kind != REF_TOKEN_WORD)
        return 0;
    out->stem = strdup(tok->stem);
    out->failed = !out->stem;
    return 1;
}

/* 1 if A and B are forms of one word for the index (same analysed stem:
 * "sygefravær" and "sygefraværet"): the query already finds B, so
 * suggesting it would be noise. */
static int same_word(ref_searcher *s, const char *a, const char *b, ref_status *st)
{
    word_stem wa = {NULL, 0}, wb = {NULL, 0};
    ref_status sta = ref_analyze(s->analyzer, a, strlen(a), first_word_stem, &wa, NULL);
    ref_status stb = ref_analyze(s->analyzer, b, strlen(b), first_word_stem, &wb, NULL);
    /* A stem lost to a failed allocation is no answer (it once made
     * "sygefravær" suggest "sygefraværet": tests/fault/, web-page). */
    if (sta != REF_OK || stb != REF_OK || wa.failed || wb.failed)
        *st = sta != REF_OK ? sta : stb != REF_OK ? stb : REF_ENOMEM;
    int same = wa.stem && wb.stem && strcmp(wa.stem, wb.stem) == 0;
    free(wa.stem);
    free(wb.stem);
    return same;
}

/* Whether the folded WORD is known: to the index (its stem as a word or a
 * compound part) or to the lexicon (any inflection, or a compound of known
 * parts). A known word is not a typo: "udbud" is never "afbud". */
static int word_known(ref_searcher *s, const char *word, size_t len, ref_status *st)
{
    if (ref_analyzer_knows(s->analyzer, word, len))
        return 1;
    word_stem w = {NULL, 0};
    ref_status ast = ref_analyze(s->analyzer, word, len, first_word_stem, &w, NULL);
    if (ast != REF_OK || w.failed)
        *st = ast != REF_OK ? ast : REF_ENOMEM; /* not "unknown": a failure */
    char *stem = w.stem;
    if (!stem)
        return 0;
    uint32_t freq = 0;
    ref_buf term = REF_BUF_INIT;
    ref_buf_puts(&term, REF_PREFIX_PART);
    ref_buf_puts(&term, stem);
    if (ref_xdb_termfreq(s->db, stem, &freq) == REF_OK && freq == 0 &&
        ref_buf_status(&term) == REF_OK)
        ref_xdb_termfreq(s->db, term.data, &freq);
    ref_buf_free(&term);
    free(stem);
    return freq > 0;
}

/* "Mente du": each plain word of QUERY that neither the index nor the
 * lexicon knows, replaced by the nearest word the index knows (Xapian's
 * spelling table, filled by the indexer). NULL when nothing changes. */
static char *suggest(ref_searcher *s, const char *query, ref_status *st)
{
    ref_buf out = REF_BUF_INIT, folded = REF_BUF_INIT;
    int changed = 0;
    for (const char *p = query; *p;) {
        size_t n = strcspn(p, " \t\n");
        char *fix = NULL;
        if (correctable(p, n)) {
            ref_buf_reset(&folded);
            ref_casefold(p, n, &folded);
            if (ref_buf_status(&folded) == REF_OK &&
                !word_known(s, folded.data, folded.len, st)) {
                ref_status sst = ref_xdb_spelling_suggestion(s->db, folded.data, 2, &fix);
                if (sst != REF_OK)
                    *st = sst;
            }
            if (fix && same_word(s, folded.data, fix, st)) {
                free(fix);
                fix = NULL;
            }
        }
        if (fix) {
            ref_buf_puts(&out, fix);
            changed = 1;
            free(fix);
        } else {
            ref_buf_append(&out, p, n);
        }
        p += n;
        size_t sp = strspn(p, " \t\n");
        ref_buf_append(&out, p, sp);
        p += sp;
    }
    if (ref_buf_status(&folded) != REF_OK || ref_buf_status(&out) != REF_OK)
        *st = REF_ENOMEM;
    ref_buf_free(&folded);
    if (!changed || *st != REF_OK) {
        ref_buf_free(&out);
        return NULL;
    }
    return ref_buf_detach(&out);
}

/* --- facets ------------------------------------------------------------ */

const char *ref_facet_name(ref_facet_kind kind)
{
    switch (kind) {
    case REF_FACET_YEAR:
        return "year";
    case REF_FACET_BODY:
        return "body";
    case REF_FACET_SECTION:
        return "section";
    case REF_FACET_MUNICIPALITY:
        return "municipality";
    case REF_FACET_OUTCOME:
        return "outcome";
    case REF_FACET_KINDS:
        break;
    }
    return "?";
}

/* One term group per section kind, plus the title (group 0), built from
 * the query's words (ref_query_each_word) so that a punkt counts for a
 * section exactly when the section's field query would match one of the
 * words: the word whole or as a compound part ("XB" + stem, "XBC" + stem),
 * or, for a compound, all its parts, each whole or as a part. */
#define SECTION_GROUPS (1 + REF_SECTION_COUNT)
/* 2^parts clauses per compound: enough for any real Danish compound. */
#define FACET_MAX_PARTS 6

typedef struct term_vec {
    char **terms;
    size_t n, cap;
    size_t *ends;       /* clause ends */
    size_t nclauses, ends_cap;
} term_vec;

typedef struct section_groups {
    ref_xterm_group groups[SECTION_GROUPS];
    term_vec vecs[SECTION_GROUPS];
    int decisions_only;
    ref_status status;
    ref_buf term;
} section_groups;

static const char *group_prefix(size_t g)
{
    return g == 0 ? ref_field_of(REF_FIELD_TITEL)->prefix
                  : ref_field_for_section((ref_section_kind)(g - 1))->prefix;
}

static const char *group_label(size_t g)
{
    return g == 0 ? "titel" : ref_section_kind_key((ref_section_kind)(g - 1));
}

static void vec_push(section_groups *sg, term_vec *v, const char *prefix, int part,
                     const char *stem)
{
    if (sg->status != REF_OK)
        return;
    ref_buf_reset(&sg->term);
    ref_buf_puts(&sg->term, prefix);
    if (part)
        ref_buf_puts(&sg->term, REF_PART_SUFFIX);
    ref_buf_puts(&sg->term, stem);
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 16;
        char **more = realloc(v->terms, cap * sizeof *more);
        if (!more) {
            sg->status = REF_ENOMEM;
            return;
        }
        v->terms = more;
        v->cap = cap;
    }
    char *t = ref_buf_status(&sg->term) == REF_OK ? strdup(sg->term.data) : NULL;
    if (!t) {
        sg->status = REF_ENOMEM;
        return;
    }
    v->terms[v->n++] = t;
}

static void vec_end_clause(section_groups *sg, term_vec *v)
{
    if (sg->status != REF_OK)
        return;
    if (v->nclauses == v->ends_cap) {
        size_t cap = v->ends_cap ? 2 * v->ends_cap : 16;
        size_t *more = realloc(v->ends, cap * sizeof *more);
        if (!more) {
            sg->status = REF_ENOMEM;
            return;
        }
        v->ends = more;
        v->ends_cap = cap;
    }
    v->ends[v->nclauses++] = v->n;
}

static int add_word_clauses(void *ctx, const char *stem, const char *const *parts,
                            size_t nparts)
{
    section_groups *sg = ctx;
    if (nparts > FACET_MAX_PARTS)
        nparts = 0;
    for (size_t g = 0; g < SECTION_GROUPS; g++) {
        /* Decisions-only queries match in the decision and nowhere else. */
        if (sg->decisions_only && g != 1 + REF_SECTION_BESLUTNING)
            continue;
        term_vec *v = &sg->vecs[g];
        const char *prefix = group_prefix(g);
        for (int part = 0; part < 2; part++) {
            vec_push(sg, v, prefix, part, stem);
            vec_end_clause(sg, v);
        }
        /* All parts, each whole or as a part: one clause per choice. */
        for (size_t choice = 0; nparts >= 2 && choice < ((size_t)1 << nparts); choice++) {
            for (size_t i = 0; i < nparts; i++)
                vec_push(sg, v, prefix, (int)((choice >> i) & 1), parts[i]);
            vec_end_clause(sg, v);
        }
    }
    return sg->status != REF_OK;
}

static void section_groups_free(section_groups *sg)
{
    for (size_t g = 0; g < SECTION_GROUPS; g++) {
        for (size_t i = 0; i < sg->vecs[g].n; i++)
            free(sg->vecs[g].terms[i]);
        free(sg->vecs[g].terms);
        free(sg->vecs[g].ends);
    }
    ref_buf_free(&sg->term);
    memset(sg, 0, sizeof *sg);
}

static ref_status section_groups_build(section_groups *sg, const ref_query *q,
                                       int decisions_only)
{
    sg->decisions_only = decisions_only;
    sg->status = REF_OK;
    ref_query_each_word(q, add_word_clauses, sg);
    ref_status st = sg->status;
    if (st != REF_OK) {
        section_groups_free(sg);
        return st;
    }
    for (size_t g = 0; g < SECTION_GROUPS; g++) {
        sg->groups[g].terms = (const char *const *)sg->vecs[g].terms;
        sg->groups[g].clause_ends = sg->vecs[g].ends;
        sg->groups[g].nclauses = sg->vecs[g].nclauses;
    }
    return REF_OK;
}

static int add_facet_value(ref_facet *f, const char *value, size_t len, uint32_t count)
{
    ref_facet_value *more = realloc(f->values, (f->nvalues + 1) * sizeof *more);
    if (!more)
        return -1;
    f->values = more;
    char *v = malloc(len + 1);
    if (!v)
        return -1;
    memcpy(v, value, len);
    v[len] = '\0';
    f->values[f->nvalues].value = v;
    f->values[f->nvalues].count = count;
    f->nvalues++;
    return 0;
}

typedef struct facet_fill {
    ref_facet *facet;
    int failed;
} facet_fill;

static int fill_value(void *ctx, const char *value, size_t len, uint32_t count)
{
    facet_fill *f = ctx;
    if (len == 0)
        return 0; /* no year or body known: not a facet value */
    if (add_facet_value(f->facet, value, len, count) != 0) {
        f->failed = 1;
        return 1;
    }
    return 0;
}

static int by_count_desc(const void *a, const void *b)
{
    const ref_facet_value *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->value, y->value);
}

static int count_labels(void *ctx, const char *value, size_t len, uint32_t count)
{
    uint32_t *per_label = ctx;
    for (size_t at = 0; at < len;) {
        size_t n = 0;
        while (at + n < len && value[at + n] != ' ')
            n++;
        ref_outcome l;
        if (n && ref_outcome_by_key(value + at, n, &l))
            per_label[l] += count;
        at += n + 1;
    }
    return 0;
}

static ref_status collect_facets(ref_search_result *r, const ref_xresults *xr)
{
    r->has_facets = 1;
    /* The value-slot facets, in the order of facet_slots in run_search. */
    static const struct {
        ref_facet_kind kind;
        int by_count; /* most hits first; else in value order (years) */
    } slots[] = {{REF_FACET_YEAR, 0}, {REF_FACET_BODY, 1}, {REF_FACET_MUNICIPALITY, 1}};
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        facet_fill fill = {&r->facets[slots[i].kind], 0};
        if (ref_xresults_slot_counts(xr, i, fill_value, &fill) != REF_OK || fill.failed)
            return REF_ENOMEM;
        /* No hits, no values: qsort's pointer must not be NULL even for 0
         * elements (UBSan; test_facets_of_a_search_without_hits). */
        if (slots[i].by_count && fill.facet->nvalues)
            qsort(fill.facet->values, fill.facet->nvalues, sizeof *fill.facet->values,
                  by_count_desc);
    }
    /* The outcome slot holds a punkt's labels together ("godkendt
     * oversendt"): each label counts the punkter of every value holding it. */
    uint32_t per_label[REF_OUTCOME_COUNT] = {0};
    if (ref_xresults_slot_counts(xr, sizeof slots / sizeof slots[0], count_labels, per_label) !=
        REF_OK)
        return REF_ENOMEM;
    for (int l = 0; l < REF_OUTCOME_COUNT; l++) {
        const char *key = ref_outcome_key((ref_outcome)l);
        if (per_label[l] &&
            add_facet_value(&r->facets[REF_FACET_OUTCOME], key, strlen(key), per_label[l]) != 0)
            return REF_ENOMEM;
    }
    for (size_t g = 0; g < SECTION_GROUPS; g++) {
        uint32_t count = ref_xresults_group_count(xr, g);
        const char *label = group_label(g);
        if (count && add_facet_value(&r->facets[REF_FACET_SECTION], label, strlen(label),
                                     count) != 0)
            return REF_ENOMEM;
    }
    return REF_OK;
}

static char *unknown_filter_name(ref_searcher *s, const ref_query *q);

/* The query parser's options for a search with OPTS: one mapping, so a
 * new filter cannot reach one caller and miss another. */
static ref_query_opts query_opts_of(const ref_searcher *s, const ref_search_opts *opts)
{
    return (ref_query_opts){.decisions_only = opts->decisions_only,
                            .synonyms = s->synonyms,
                            .date_from = opts->date_from,
                            .date_to = opts->date_to,
                            .bodies = opts->bodies,
                            .nbodies = opts->nbodies,
                            .municipalities = opts->municipalities,
                            .nmunicipalities = opts->nmunicipalities,
                            .outcomes = opts->outcomes,
                            .noutcomes = opts->noutcomes,
                            .journal = opts->journal,
                            .in_field = opts->in_field};
}

static ref_status run_search(ref_searcher *s, const char *query, const ref_search_opts *opts,
                               ref_search_result **out, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    if (!out)
        return REF_EINVAL;
    *out = NULL;
    if (!s || !query || !opts)
        return REF_EINVAL;
    ref_query_opts qopts = query_opts_of(s, opts);
    ref_query *q = NULL;
    ref_status st = ref_query_parse(s->analyzer, query, &qopts, &q, errmsg);
    if (st != REF_OK)
        return st;
    ref_xsearch_opts xo = {
        .offset = opts->offset,
        .limit = opts->limit,
        .sort = opts->sort == REF_SORT_RELEVANCE ? REF_XSORT_RELEVANCE : REF_XSORT_VALUE_ASC,
        .sort_slot = order_slot(opts->sort),
        .tie_slot1 = 1 + REF_SLOT_ORDER, /* equal scores in date order, same in shards */
    };
    /* The order collect_facets reads them in; the outcome slot last. */
    static const unsigned facet_slots[] = {REF_SLOT_YEAR, REF_SLOT_BODY, REF_SLOT_MUNICIPALITY,
                                           REF_SLOT_OUTCOME};
    section_groups groups = {0};
    if (opts->facets) {
        xo.count_slots = facet_slots;
        xo.ncount_slots = sizeof facet_slots / sizeof facet_slots[0];
        st = section_groups_build(&groups, q, opts->decisions_only);
        if (st != REF_OK) {
            ref_query_free(q);
            return st;
        }
        xo.groups = groups.groups;
        xo.ngroups = SECTION_GROUPS;
    }
    ref_xresults *xr = NULL;
    /* A revision recycled by the indexer meanwhile is retried inside
     * (xdb.cc's one read policy). */
    st = ref_xdb_search(s->db, ref_query_xquery(q), ref_query_root(q), &xo, &xr);
    section_groups_free(&groups);
    if (st != REF_OK) {
        if (errmsg)
            *errmsg = dup_msg(ref_status_str(st), ref_xdb_errmsg(s->db));
        ref_query_free(q);
        return st;
    }
    ref_search_result *r = calloc(1, sizeof *r);
    size_t n = ref_xresults_size(xr);
    if (r)
        r->hits = calloc(n ? n : 1, sizeof *r->hits);
    if (!r || !r->hits || (opts->facets && collect_facets(r, xr) != REF_OK)) {
        ref_search_result_free(r);
        ref_xresults_free(xr);
        ref_query_free(q);
        return REF_ENOMEM;
    }
    r->total = ref_xresults_total(xr);
    const char *missing = ref_xdb_missing_shards(s->db);
    if (*missing && !(r->missing_shards = strdup(missing)))
        st = REF_ENOMEM;
    for (size_t i = 0; st == REF_OK && i < n; i++) {
        const ref_xhit *xh = ref_xresults_hit(xr, i);
        ref_hit *h = &r->hits[r->nhits];
        h->rank = xh->rank + 1;
        h->score = xh->score;
        st = ref_record_decode(xh->data, xh->data_len, &h->record);
        if (st == REF_OK) {
            r->nhits++;
            st = pick_snippet(s, q, opts, h);
        }
    }
    ref_xresults_free(xr);
    /* No hits, and a filter (udvalg:, kommune:, --body, --municipality)
     * names nothing in the index: say that, and the nearest name, rather
     * than "nothing found" for the words. */
    char *unknown = st == REF_OK && r->total == 0 ? unknown_filter_name(s, q) : NULL;
    ref_query_free(q);
    if (unknown) {
        ref_search_result_free(r);
        if (errmsg)
            *errmsg = unknown;
        else
            free(unknown);
        return REF_EQUERY;
    }
    if (st != REF_OK) {
        if (errmsg)
            *errmsg = dup_msg(ref_status_str(st), "while reading the stored punkter");
        ref_search_result_free(r);
        return st;
    }
    *out = r;
    return REF_OK;
}

/* The exact number of punkter QUERY matches under QOPTS (a counted slot
 * makes Xapian count them all); 0 on any failure. */
static uint32_t count_matches(ref_searcher *s, const char *query, const ref_query_opts *qopts)
{
    ref_query *q = NULL;
    if (ref_query_parse(s->analyzer, query, qopts, &q, NULL) != REF_OK)
        return 0;
    static const unsigned slot[] = {REF_SLOT_YEAR};
    ref_xsearch_opts xo = {.limit = 1, .count_slots = slot, .ncount_slots = 1};
    ref_xresults *xr = NULL;
    uint32_t n = 0;
    if (ref_xdb_search(s->db, ref_query_xquery(q), ref_query_root(q), &xo, &xr) == REF_OK)
        n = ref_xresults_total(xr);
    ref_xresults_free(xr);
    ref_query_free(q);
    return n;
}

/* Punkter without a date can be in no date range, so a date filter leaves
 * them out silently; say how many: those the query matches without the
 * filter less those that carry any date. */
static void count_undated_left_out(ref_searcher *s, const char *query,
                                   const ref_search_opts *opts, ref_search_result *r)
{
    if (!opts->date_from && !opts->date_to)
        return;
    ref_query_opts all = query_opts_of(s, opts);
    all.date_from = all.date_to = NULL;
    ref_query_opts dated = all;
    dated.date_from = "0000";
    dated.date_to = "9999";
    uint32_t a = count_matches(s, query, &all), d = count_matches(s, query, &dated);
    r->undated_left_out = a > d ? a - d : 0;
}

/* --- filter names that match nothing --------------------------------------- */

/* NAME folded, with æ ø å written ae oe aa: the form in which "byraadet"
 * and "Byrådet" are the same name. */
static void ascii_name(const char *name, size_t len, ref_buf *out)
{
    ref_buf folded = REF_BUF_INIT;
    ref_casefold(name, len, &folded);
    ref_buf_reset(out);
    for (const char *c = ref_buf_cstr(&folded); *c; c++) {
        if ((unsigned char)c[0] == 0xC3 &&
            ((unsigned char)c[1] == 0xA5 || (unsigned char)c[1] == 0xA6 ||
             (unsigned char)c[1] == 0xB8)) {
            ref_buf_puts(out, (unsigned char)c[1] == 0xA5   ? "aa"
                              : (unsigned char)c[1] == 0xA6 ? "ae"
                                                            : "oe");
            c++;
        } else {
            ref_buf_putc(out, *c);
        }
    }
    ref_buf_free(&folded);
}

/* Edit distance of A and B (bytes), at most LIMIT + 1. */
static size_t edit_distance(const char *a, const char *b, size_t limit)
{
    size_t na = strlen(a), nb = strlen(b);
    if ((na > nb ? na - nb : nb - na) > limit || nb > 255)
        return limit + 1;
    size_t row[256];
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

typedef struct name_check {
    const char *prefix; /* the field's term prefix */
    const char *want;   /* ascii_name of the name asked for, '*' dropped */
    int wildcard;
    int found;
    ref_buf term_ascii;
    char *nearest; /* the indexed name closest to WANT */
    size_t nearest_distance;
} name_check;

static int check_name_term(void *ctx, const char *term, uint32_t freq)
{
    (void)freq;
    name_check *c = ctx;
    const char *value = term + strlen(c->prefix);
    ascii_name(value, strlen(value), &c->term_ascii);
    const char *t = ref_buf_cstr(&c->term_ascii);
    if (c->wildcard ? strncmp(t, c->want, strlen(c->want)) == 0 : strcmp(t, c->want) == 0) {
        c->found = 1;
        return 1;
    }
    size_t d = edit_distance(c->want, t, c->nearest_distance);
    if (!c->nearest || d < c->nearest_distance) {
        char *copy = strdup(value);
        if (copy) {
            free(c->nearest);
            c->nearest = copy;
            c->nearest_distance = d;
        }
    }
    return 0;
}

/* When NAME of FIELD (what --body or --municipality gave) matches no
 * indexed name, a message for the user that says so and names the
 * nearest; else NULL. */
static char *unknown_name(ref_searcher *s, ref_field_id field, const char *name)
{
    size_t n = strlen(name);
    name_check c = {.prefix = ref_field_of(field)->prefix,
                    .wildcard = n && name[n - 1] == '*',
                    .nearest_distance = (size_t)-1};
    ref_buf want = REF_BUF_INIT;
    ascii_name(name, n - (size_t)c.wildcard, &want);
    c.want = ref_buf_cstr(&want);
    char *msg = NULL;
    if (ref_xdb_term_walk(s->db, c.prefix, check_name_term, &c) == REF_OK && !c.found) {
        ref_buf m = REF_BUF_INIT;
        ref_buf_printf(&m, "%s »%s« findes ikke i indekset",
                       field == REF_FIELD_UDVALG ? "udvalget" : "kommunen", name);
        if (c.nearest)
            ref_buf_printf(&m, "; mente du »%s«?", c.nearest);
        msg = ref_buf_detach(&m);
    }
    free(c.nearest);
    ref_buf_free(&c.term_ascii);
    ref_buf_free(&want);
    return msg;
}

typedef struct filter_names {
    ref_searcher *s;
    char *msg; /* the first name that matches nothing, as a message */
} filter_names;

static void check_filter_name(void *ctx, const char *field, const char *name)
{
    filter_names *f = ctx;
    if (!f->msg)
        f->msg = unknown_name(
            f->s, strcmp(field, "udvalg") == 0 ? REF_FIELD_UDVALG : REF_FIELD_KOMMUNE, name);
}

/* The first udvalg or kommune name of Q that matches nothing, as a
 * message; NULL when every name is in the index. */
static char *unknown_filter_name(ref_searcher *s, const ref_query *q)
{
    filter_names f = {s, NULL};
    ref_query_each_filter_name(q, check_filter_name, &f);
    return f.msg;
}

/* --- when the query finds nothing ------------------------------------------ */

/* The words of a plain query ("budget udbud udvalg:chefforum -anlæg"): the
 * items split at spaces. A query with a phrase, a group or an operator has
 * a structure that dropping words would break: no partial matches. */
#define PARTIAL_MAX_WORDS 8

typedef struct query_items {
    char *copy;                          /* the query, items NUL-ended in it */
    const char *item[PARTIAL_MAX_WORDS * 2];
    int droppable[PARTIAL_MAX_WORDS * 2]; /* a plain word, not field:value or -word */
    size_t n, nwords;
} query_items;

static int split_query(const char *query, query_items *qi)
{
    memset(qi, 0, sizeof *qi);
    if (strpbrk(query, "\"()"))
        return 0;
    qi->copy = strdup(query);
    if (!qi->copy)
        return 0;
    for (char *p = qi->copy; *p;) {
        p += strspn(p, " \t\n");
        if (!*p)
            break;
        size_t n = strcspn(p, " \t\n");
        if (ref_query_is_operator(p, n) || qi->n == sizeof qi->item / sizeof *qi->item)
            return 0;
        int word = p[0] != '-' && !memchr(p, ':', n) && p[n - 1] != '*';
        qi->item[qi->n] = p;
        qi->droppable[qi->n++] = word;
        qi->nwords += word;
        if (p[n])
            p[n++] = '\0';
        p += n;
    }
    return qi->nwords >= 2 && qi->nwords <= PARTIAL_MAX_WORDS;
}

/* The query of QI without the words whose bit is set in DROP (bits count
 * droppable words only), and those words into MISSING. */
static void query_without(const query_items *qi, unsigned drop, ref_buf *q, ref_buf *missing)
{
    ref_buf_reset(q);
    ref_buf_reset(missing);
    for (size_t i = 0, w = 0; i < qi->n; i++) {
        int dropped = qi->droppable[i] && (drop >> w++ & 1);
        ref_buf *to = dropped ? missing : q;
        if (to->len)
            ref_buf_putc(to, ' ');
        ref_buf_puts(to, qi->item[i]);
    }
}

static int popcount(unsigned x)
{
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

static int by_score_desc(const void *a, const void *b)
{
    const ref_hit *x = a, *y = b;
    return x->score < y->score ? 1 : x->score > y->score ? -1 : 0;
}

/* The words R's hits lack, each once, in order of first appearance. */
static char *missing_words(const ref_search_result *r)
{
    ref_buf words = REF_BUF_INIT;
    for (size_t i = 0; i < r->nhits; i++)
        for (const char *w = r->hits[i].missing; w && *w;) {
            size_t n = strcspn(w, " ");
            int seen = 0;
            for (const char *v = words.data; v && v < words.data + words.len && !seen;) {
                size_t k = strcspn(v, " ");
                seen = k == n && memcmp(v, w, n) == 0;
                v += k + (v[k] == ' ');
            }
            if (!seen) {
                if (words.len)
                    ref_buf_putc(&words, ' ');
                ref_buf_append(&words, w, n);
            }
            w += n + (w[n] == ' ');
        }
    if (words.len == 0) {
        ref_buf_free(&words);
        return NULL;
    }
    return ref_buf_detach(&words);
}

/* Best partial matches: the punkter with all words but one, else all but
 * two, …, each query with fewer words run as a query of its own, the hits
 * merged (a punkt once, with its best score) and ranked by score. NULL when
 * no punkt has even one word, or the query is not plain. */
static ref_search_result *partial_matches(ref_searcher *s, const char *query,
                                          const ref_search_opts *opts)
{
    query_items qi;
    if (!split_query(query, &qi)) {
        free(qi.copy);
        return NULL;
    }
    ref_search_opts o = *opts;
    o.facets = 0;
    o.offset = 0;
    o.limit = opts->limit ? opts->offset + opts->limit : 0;
    ref_search_result *merged = calloc(1, sizeof *merged);
    ref_buf q = REF_BUF_INIT, missing = REF_BUF_INIT;
    for (int dropped = 1; merged && dropped < (int)qi.nwords && merged->nhits == 0; dropped++)
        for (unsigned drop = 1; drop < 1u << qi.nwords && merged; drop++) {
            if (popcount(drop) != dropped)
                continue;
            query_without(&qi, drop, &q, &missing);
            ref_search_result *r = NULL;
            if (ref_buf_status(&q) != REF_OK || ref_buf_status(&missing) != REF_OK ||
                run_search(s, q.data, &o, &r, NULL) != REF_OK)
                continue;
            ref_hit *more = realloc(merged->hits, (merged->nhits + r->nhits + 1) * sizeof *more);
            if (!more) {
                ref_search_result_free(r);
                continue;
            }
            merged->hits = more;
            for (size_t i = 0; i < r->nhits; i++) {
                ref_hit *h = &r->hits[i];
                size_t k = 0;
                while (k < merged->nhits && strcmp(merged->hits[k].record->id, h->record->id))
                    k++;
                if (k < merged->nhits) {
                    if (merged->hits[k].score >= h->score)
                        continue;
                    ref_record_free(merged->hits[k].record);
                    ref_snippet_clear(&merged->hits[k].snippet);
                    free(merged->hits[k].missing);
                } else {
                    merged->nhits++;
                }
                merged->hits[k] = *h;
                merged->hits[k].missing = strdup(missing.data);
                *h = (ref_hit){0};
            }
            ref_search_result_free(r);
        }
    ref_buf_free(&q);
    ref_buf_free(&missing);
    free(qi.copy);
    if (merged && merged->nhits == 0) {
        ref_search_result_free(merged);
        return NULL;
    }
    if (!merged)
        return NULL;
    if (opts->sort == REF_SORT_RELEVANCE)
        qsort(merged->hits, merged->nhits, sizeof *merged->hits, by_score_desc);
    merged->total = (uint32_t)merged->nhits;
    /* The page asked for. */
    size_t from = opts->offset < merged->nhits ? opts->offset : merged->nhits;
    for (size_t i = 0; i < from; i++) {
        ref_record_free(merged->hits[i].record);
        ref_snippet_clear(&merged->hits[i].snippet);
        free(merged->hits[i].missing);
    }
    memmove(merged->hits, merged->hits + from, (merged->nhits - from) * sizeof *merged->hits);
    merged->nhits -= from;
    for (size_t i = opts->limit; opts->limit && i < merged->nhits; i++) {
        ref_record_free(merged->hits[i].record);
        ref_snippet_clear(&merged->hits[i].snippet);
        free(merged->hits[i].missing);
    }
    if (opts->limit && merged->nhits > opts->limit)
        merged->nhits = opts->limit;
    for (size_t i = 0; i < merged->nhits; i++)
        merged->hits[i].rank = (uint32_t)(from + i + 1);
    merged->partial = 1;
    merged->missing = missing_words(merged);
    return merged;
}

static int has_filters(const ref_search_opts *o)
{
    return o->date_from || o->date_to || o->nbodies || o->nmunicipalities || o->decisions_only ||
           o->in_field;
}

ref_status ref_searcher_search(ref_searcher *s, const char *query, const ref_search_opts *opts,
                               ref_search_result **out, char **errmsg)
{
    ref_status st = run_search(s, query, opts, out, errmsg);
    if (st == REF_OK)
        count_undated_left_out(s, query, opts, *out);
    if (st != REF_OK || (*out)->total >= REF_SUGGEST_BELOW)
        return st;
    /* Only words nobody knows are suggested for (suggest). */
    char *suggestion = suggest(s, query, &st);
    /* A suggestion lost to a failure fails the search: the page must not
     * differ, with success, from the one it would have been. */
    if (st != REF_OK) {
        ref_search_result_free(*out);
        *out = NULL;
        return st;
    }
    if ((*out)->total > 0) {
        (*out)->suggestion = suggestion;
        return REF_OK;
    }
    /* Nothing found. A misspelt word: show what the corrected query finds,
     * and say so. */
    ref_search_result *other = NULL;
    if (suggestion && !opts->no_correct && run_search(s, suggestion, opts, &other, NULL) == REF_OK &&
        other->total > 0) {
        ref_search_result_free(*out);
        *out = other;
        other->corrected = 1;
        other->suggestion = suggestion;
        return REF_OK;
    }
    ref_search_result_free(other);
    other = NULL;
    /* The filters excluded the hits: say so, never "correct" a word. */
    if (has_filters(opts)) {
        ref_search_opts plain = {.limit = 1, .snippet_bytes = opts->snippet_bytes};
        if (run_search(s, query, &plain, &other, NULL) == REF_OK)
            (*out)->unfiltered_total = other->total;
        ref_search_result_free(other);
        other = NULL;
    }
    /* No punkt has all the words: the best partial matches. */
    if ((*out)->unfiltered_total == 0 && (other = partial_matches(s, query, opts))) {
        ref_search_result_free(*out);
        *out = other;
    }
    (*out)->suggestion = suggestion;
    return REF_OK;
}

void ref_search_result_free(ref_search_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nhits; i++) {
        ref_record_free(r->hits[i].record);
        ref_snippet_clear(&r->hits[i].snippet);
        free(r->hits[i].missing);
    }
    free(r->hits);
    free(r->suggestion);
    free(r->missing_shards);
    free(r->missing);
    for (size_t k = 0; k < REF_FACET_KINDS; k++) {
        for (size_t i = 0; i < r->facets[k].nvalues; i++)
            free(r->facets[k].values[i].value);
        free(r->facets[k].values);
    }
    free(r);
}

ref_status ref_searcher_mark(ref_searcher *s, const char *query, const char *const *texts, size_t n,
                             ref_snippet *out)
{
    memset(out, 0, n * sizeof *out);
    ref_query *q = NULL;
    if (query && *query) {
        ref_query_opts qo = {.synonyms = s->synonyms};
        if (ref_query_parse(s->analyzer, query, &qo, &q, NULL) != REF_OK)
            q = NULL;
    }
    ref_status st = REF_OK;
    for (size_t i = 0; q && st == REF_OK && i < n; i++) {
        size_t len = strlen(texts[i]);
        /* A window larger than the text holds every match. */
        st = ref_snippet_make(s->analyzer, q, texts[i], len, len + 1, &out[i]);
    }
    ref_query_free(q);
    return st;
}

typedef struct root_walk {
    char *root; /* the common folder so far, NULL before the first file */
    int failed;
} root_walk;

/* Shorten W->root to the folder it shares with the path in an index file
 * entry's VALUE ("SIZE MTIME NPUNKTER [#HASH] PATH"; the path is absolute,
 * so it starts at the first " /"). */
static int narrow_root(void *ctx, const char *key, const char *value)
{
    (void)key;
    root_walk *w = ctx;
    const char *path = strstr(value, " /");
    if (!path)
        return 0; /* a forgotten file's empty entry */
    path++;
    if (!w->root) {
        const char *slash = strrchr(path, '/');
        w->root = strndup(path, (size_t)(slash - path));
        w->failed = !w->root;
        return w->failed;
    }
    size_t n = 0;
    while (w->root[n] && w->root[n] == path[n])
        n++;
    /* Keep whole folder names: "/a/bc" and "/a/bd" share "/a". */
    if (w->root[n] || path[n] != '/')
        while (n > 0 && w->root[n] != '/')
            n--;
    w->root[n] = '\0';
    return 0;
}

ref_status ref_searcher_source_root(ref_searcher *s, char **out)
{
    root_walk w = {0};
    ref_status st = ref_xdb_metadata_walk(s->db, "src:", narrow_root, &w);
    if (st == REF_OK && w.failed)
        st = REF_ENOMEM;
    if (st == REF_OK && !w.root && !(w.root = strdup("")))
        st = REF_ENOMEM;
    if (st != REF_OK) {
        free(w.root);
        w.root = NULL;
    }
    *out = w.root;
    return st;
}

ref_analyzer *ref_searcher_analyzer(ref_searcher *s)
{
    return s->analyzer;
}

/* --- single punkter -------------------------------------------------------- */

/* Search for the documents carrying TERM, sorted by SLOT, all of them. */
static ref_status fetch_by_term(ref_searcher *s, const char *prefix, const char *value,
                                size_t value_len, ref_xresults **out)
{
    ref_buf term = REF_BUF_INIT;
    ref_buf_puts(&term, prefix);
    ref_buf_append(&term, value, value_len);
    ref_status st = ref_buf_status(&term);
    ref_xquery *xq = NULL;
    if (st == REF_OK)
        st = ref_xquery_new(&xq);
    if (st == REF_OK) {
        int node = ref_xquery_term(xq, term.data, 1);
        ref_xsearch_opts xo = {.limit = 0};
        st = ref_xdb_search(s->db, xq, node, &xo, out);
    }
    ref_xquery_free(xq);
    ref_buf_free(&term);
    return st;
}

ref_status ref_searcher_get(ref_searcher *s, const char *id, ref_record **out)
{
    if (!out)
        return REF_EINVAL;
    *out = NULL;
    if (!s || !id || !*id)
        return REF_EINVAL;
    ref_xresults *xr = NULL;
    ref_status st = fetch_by_term(s, REF_PREFIX_UNIQUE, id, strlen(id), &xr);
    if (st == REF_OK && ref_xresults_size(xr) == 0)
        st = REF_ENOENT;
    if (st == REF_OK) {
        const ref_xhit *h = ref_xresults_hit(xr, 0);
        st = ref_record_decode(h->data, h->data_len, out);
    }
    ref_xresults_free(xr);
    return st;
}

/* The ordinal after the last '#' of a punkt id: its place in the file. */
static unsigned long id_ordinal(const char *id)
{
    const char *hash = strrchr(id, '#');
    return hash ? strtoul(hash + 1, NULL, 10) : 0;
}

static int by_ordinal(const void *a, const void *b)
{
    unsigned long x = id_ordinal((*(ref_record *const *)a)->id);
    unsigned long y = id_ordinal((*(ref_record *const *)b)->id);
    return (x > y) - (x < y);
}

ref_status ref_searcher_meeting(ref_searcher *s, const char *id, ref_record ***out, size_t *n)
{
    if (!out || !n)
        return REF_EINVAL;
    *out = NULL;
    *n = 0;
    if (!s || !id)
        return REF_EINVAL;
    const char *hash = strrchr(id, '#');
    if (!hash || hash == id)
        return REF_ENOENT;
    ref_xresults *xr = NULL;
    ref_status st = fetch_by_term(s, REF_PREFIX_SOURCE, id, (size_t)(hash - id), &xr);
    size_t count = st == REF_OK ? ref_xresults_size(xr) : 0;
    if (st == REF_OK && count == 0)
        st = REF_ENOENT;
    ref_record **recs = st == REF_OK ? calloc(count, sizeof *recs) : NULL;
    if (st == REF_OK && !recs)
        st = REF_ENOMEM;
    size_t got = 0;
    for (; st == REF_OK && got < count; got++) {
        const ref_xhit *h = ref_xresults_hit(xr, got);
        st = ref_record_decode(h->data, h->data_len, &recs[got]);
    }
    ref_xresults_free(xr);
    if (st != REF_OK) {
        ref_records_free(recs, got);
        return st;
    }
    qsort(recs, count, sizeof *recs, by_ordinal);
    *out = recs;
    *n = count;
    return REF_OK;
}

void ref_records_free(ref_record **records, size_t n)
{
    if (!records)
        return;
    for (size_t i = 0; i < n; i++)
        ref_record_free(records[i]);
    free(records);
}

/* --- the index as a whole ---------------------------------------------- */

ref_status ref_searcher_bodies(ref_searcher *s, ref_facet *out)
{
    if (!out)
        return REF_EINVAL;
    memset(out, 0, sizeof *out);
    if (!s)
        return REF_EINVAL;
    static const unsigned slots[] = {REF_SLOT_BODY};
    ref_xsearch_opts xo = {.limit = 1, .count_slots = slots, .ncount_slots = 1};
    ref_xquery *xq = NULL;
    ref_xresults *xr = NULL;
    ref_status st = ref_xquery_new(&xq);
    if (st == REF_OK) {
        int node = ref_xquery_match_all(xq);
        st = ref_xdb_search(s->db, xq, node, &xo, &xr);
    }
    facet_fill fill = {out, 0};
    if (st == REF_OK &&
        (ref_xresults_slot_counts(xr, 0, fill_value, &fill) != REF_OK || fill.failed))
        st = REF_ENOMEM;
    ref_xresults_free(xr);
    ref_xquery_free(xq);
    if (st != REF_OK)
        ref_facet_clear(out);
    return st;
}

ref_status ref_searcher_doccount(ref_searcher *s, uint32_t *count)
{
    return s && count ? ref_xdb_doccount(s->db, count) : REF_EINVAL;
}

void ref_facet_clear(ref_facet *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nvalues; i++)
        free(f->values[i].value);
    free(f->values);
    f->values = NULL;
    f->nvalues = 0;
}
