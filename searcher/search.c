#include "referat/search.h"

#include <stdlib.h>
#include <string.h>

#include "referat/analysis.h"
#include "referat/buf.h"
#include "referat/fields.h"
#include "referat/query.h"
#include "referat/xdb.h"

/* Searches retried after REF_EDB_MODIFIED (see run_search). */
#define SEARCH_RETRIES 20

struct ref_searcher {
    ref_xdb *db;
    ref_analyzer *analyzer;
    ref_synonyms *synonyms;
};

ref_status ref_searcher_open(const char *db_path, ref_searcher **out, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    if (!out || !db_path)
        return REF_EINVAL;
    *out = NULL;
    ref_searcher *s = calloc(1, sizeof *s);
    if (!s)
        return REF_ENOMEM;
    ref_status st = ref_analyzer_new(&s->analyzer);
    if (st == REF_OK)
        st = ref_synonyms_new(&s->synonyms);
    if (st == REF_OK)
        st = ref_xdb_open(db_path, REF_XDB_READ, &s->db, errmsg);
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

static ref_xsort xsort_of(ref_sort sort)
{
    switch (sort) {
    case REF_SORT_RELEVANCE:
        return REF_XSORT_RELEVANCE;
    case REF_SORT_DATE:
        return REF_XSORT_VALUE_ASC;
    case REF_SORT_DATE_DESC:
        return REF_XSORT_VALUE_DESC;
    }
    return REF_XSORT_RELEVANCE;
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

/* "Mente du": each plain word of QUERY that the index does not know,
 * replaced by the nearest word it does know (Xapian's spelling table, filled
 * by the indexer). NULL when nothing changes. */
static char *suggest(ref_searcher *s, const char *query)
{
    ref_buf out = REF_BUF_INIT, folded = REF_BUF_INIT;
    int changed = 0;
    for (const char *p = query; *p;) {
        size_t n = strcspn(p, " \t\n");
        char *fix = NULL;
        if (correctable(p, n)) {
            ref_buf_reset(&folded);
            ref_casefold(p, n, &folded);
            if (ref_buf_status(&folded) == REF_OK)
                ref_xdb_spelling_suggestion(s->db, folded.data, 2, &fix);
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
    ref_buf_free(&folded);
    if (!changed) {
        ref_buf_free(&out);
        return NULL;
    }
    return ref_buf_detach(&out);
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
    ref_query_opts qopts = {.decisions_only = opts->decisions_only, .synonyms = s->synonyms};
    ref_query *q = NULL;
    ref_status st = ref_query_parse(s->analyzer, query, &qopts, &q, errmsg);
    if (st != REF_OK)
        return st;
    ref_xsearch_opts xo = {
        .offset = opts->offset,
        .limit = opts->limit,
        .sort = xsort_of(opts->sort),
        .sort_slot = REF_SLOT_DATE,
    };
    ref_xresults *xr = NULL;
    st = ref_xdb_search(s->db, ref_query_xquery(q), ref_query_root(q), &xo, &xr);
    /* The indexer committed twice while we read, and Xapian reused the pages
     * of our revision: read the newest one. One retry is not enough while an
     * indexer commits every few files and a search reads thousands of hits
     * (tests/e2e_concurrency.py); each retry starts from a fresh revision,
     * so a few almost always suffice. */
    for (int retry = 0; st == REF_EDB_MODIFIED && retry < SEARCH_RETRIES; retry++) {
        if (ref_xdb_reopen(s->db) == REF_OK)
            st = ref_xdb_search(s->db, ref_query_xquery(q), ref_query_root(q), &xo, &xr);
    }
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
    if (!r || !r->hits) {
        free(r);
        ref_xresults_free(xr);
        ref_query_free(q);
        return REF_ENOMEM;
    }
    r->total = ref_xresults_total(xr);
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
    ref_query_free(q);
    if (st != REF_OK) {
        if (errmsg)
            *errmsg = dup_msg(ref_status_str(st), "while reading the stored punkter");
        ref_search_result_free(r);
        return st;
    }
    *out = r;
    return REF_OK;
}

ref_status ref_searcher_search(ref_searcher *s, const char *query, const ref_search_opts *opts,
                               ref_search_result **out, char **errmsg)
{
    ref_status st = run_search(s, query, opts, out, errmsg);
    if (st != REF_OK || (*out)->total >= REF_SUGGEST_BELOW)
        return st;
    char *suggestion = suggest(s, query);
    if (!suggestion)
        return st;
    /* Nothing found: show what the corrected query finds, and say so. */
    ref_search_result *fixed = NULL;
    if ((*out)->total == 0 && run_search(s, suggestion, opts, &fixed, NULL) == REF_OK &&
        fixed->total > 0) {
        ref_search_result_free(*out);
        *out = fixed;
        fixed->corrected = 1;
    } else {
        ref_search_result_free(fixed);
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
    }
    free(r->hits);
    free(r->suggestion);
    free(r);
}
