/* web.c — route a request, do all its data access, answer the JSON API
 * and the exports. The HTML pages are web_page.c's pure renderers, handed
 * what this file fetched (web_internal.h); the sockets are serve.c's. */
#include "referat/web.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "referat/explain.h"
#include "referat/export.h"
#include "referat/present.h"
#include "referat/version.h"
#include "web_internal.h"

struct ref_web {
    ref_web_config config;
    /* The one searcher: its analyser and synonyms serve the search, the
     * marking of the query's words on a punkt's page and /api/analyze. */
    ref_searcher *searcher;
    /* The udvalg list for the form: a walk over every document, so kept
     * until the index's size changes or it is a minute old. */
    ref_facet bodies;
    uint32_t bodies_doccount;
    time_t bodies_at;
    int has_bodies;
    /* The folder of the indexed files (ref_searcher_source_root), kept
     * while the index's size stays the same. */
    char *root;
    uint32_t root_doccount;
    unsigned long exports; /* exports written, for unique file names */
};

/* JSON and downloads need nothing from the page they are shown in; an
 * attacker's page that embeds them gets no script, style or frame. */
static const char csp_data[] = "default-src 'none'; frame-ancestors 'none'; sandbox";

ref_status ref_web_new(const ref_web_config *config, ref_web **out, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    if (!out || !config || (!config->db_path && !config->db_paths) || !config->lexicon ||
        !config->tmpdir)
        return REF_EINVAL;
    *out = NULL;
    ref_web *w = calloc(1, sizeof *w);
    if (!w)
        return REF_ENOMEM;
    w->config = *config;
    ref_status st =
        config->db_paths
            ? ref_searcher_open_shards(config->db_paths, config->ndb_paths, &config->shards,
                                       &w->searcher, errmsg)
            : ref_searcher_open(config->db_path, &w->searcher, errmsg);
    size_t line = 0;
    if (st == REF_OK && config->synonyms)
        st = ref_searcher_load_synonyms(w->searcher, config->synonyms, &line);
    if (st != REF_OK) {
        ref_web_free(w);
        return st;
    }
    *out = w;
    return REF_OK;
}

void ref_web_free(ref_web *w)
{
    if (!w)
        return;
    ref_searcher_close(w->searcher);
    free(w->root);
    ref_facet_clear(&w->bodies);
    free(w);
}

void ref_web_response_init(ref_web_response *r)
{
    memset(r, 0, sizeof *r);
    r->status = 200;
    r->fd = -1;
    r->content_type = "text/plain; charset=utf-8";
    snprintf(r->csp, sizeof r->csp, "%s", csp_data);
}

void ref_web_response_clear(ref_web_response *r)
{
    ref_buf_free(&r->body);
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
}

const char *ref_web_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

unsigned ref_web_status_of(ref_status st)
{
    return st == REF_EQUERY ? 400 : 503;
}

/* --- searching ----------------------------------------------------------- */

/* The search options of the parameters, for OFFSET and LIMIT hits. */
static void search_opts(const ref_web_params *p, uint32_t offset, uint32_t limit,
                        ref_search_opts *so)
{
    memset(so, 0, sizeof *so);
    so->decisions_only = p->decisions;
    so->no_correct = p->no_correct;
    so->offset = offset;
    so->limit = limit;
    so->sort = p->sort;
    so->in_field = p->in_field && *p->in_field ? p->in_field : NULL;
    so->date_from = p->from && *p->from ? p->from : NULL;
    so->date_to = p->to && *p->to ? p->to : NULL;
    so->bodies = (const char *const *)p->bodies;
    so->nbodies = p->nbodies;
    if (p->municipality && *p->municipality) {
        so->municipalities = (const char *const *)&p->municipality;
        so->nmunicipalities = 1;
    }
    if (p->outcome && *p->outcome) {
        so->outcomes = (const char *const *)&p->outcome;
        so->noutcomes = 1;
    }
    so->journal = p->journal && *p->journal ? p->journal : NULL;
}

/* PATH as the web shows it: relative to the indexed folder, never where
 * the server keeps it (the file name alone when there is no common
 * folder). The record owns the path, so pointing into it is safe. */
static const char *web_source(ref_web *w, const char *path)
{
    uint32_t count = 0;
    if (ref_searcher_doccount(w->searcher, &count) != REF_OK)
        count = 0;
    if (!w->root || count != w->root_doccount) {
        char *fresh = NULL;
        if (ref_searcher_source_root(w->searcher, &fresh) == REF_OK) {
            free(w->root);
            w->root = fresh;
            w->root_doccount = count;
        }
    }
    size_t n = w->root ? strlen(w->root) : 0;
    if (n && strncmp(path, w->root, n) == 0 && path[n] == '/')
        return path + n + 1;
    return ref_web_basename(path);
}

/* Run the search of P (facets when FACETS); hits' sources are made
 * relative (web_source). On failure *ERRMSG holds a malloc'd message and the
 * return says whether the query (REF_EQUERY) or the database failed. */
static ref_status web_search(ref_web *w, const ref_web_params *p, uint32_t offset, uint32_t limit,
                             int facets, ref_search_result **out, char **errmsg)
{
    ref_search_opts so;
    search_opts(p, offset, limit, &so);
    so.facets = facets;
    ref_status st = ref_searcher_search(w->searcher, p->q ? p->q : "", &so, out, errmsg);
    if (st != REF_OK)
        return st;
    for (size_t i = 0; i < (*out)->nhits; i++) {
        ref_record *rec = (*out)->hits[i].record;
        rec->source = web_source(w, rec->source);
    }
    return REF_OK;
}

/* The bodies in the index (cached as above); an empty list on error. */
static const ref_facet *web_bodies(ref_web *w)
{
    uint32_t count = 0;
    time_t now = time(NULL);
    if (ref_searcher_doccount(w->searcher, &count) != REF_OK)
        count = 0;
    if (w->has_bodies && count == w->bodies_doccount && now - w->bodies_at < 60)
        return &w->bodies;
    ref_facet fresh;
    if (ref_searcher_bodies(w->searcher, &fresh) == REF_OK) {
        ref_facet_clear(&w->bodies);
        w->bodies = fresh;
        w->bodies_doccount = count;
        w->bodies_at = now;
        w->has_bodies = 1;
    }
    return &w->bodies;
}

/* --- JSON ------------------------------------------------------------------ */

static void json_error(ref_web_response *out, unsigned status, const char *message)
{
    out->status = status;
    out->content_type = "application/json; charset=utf-8";
    ref_buf_reset(&out->body);
    ref_buf_puts(&out->body, "{\"error\":");
    ref_json_string(&out->body, message, strlen(message));
    ref_buf_puts(&out->body, "}\n");
}

static void json_key(ref_buf *b, const char *key, const char *value)
{
    ref_buf_printf(b, ",\"%s\":", key);
    if (value)
        ref_json_string(b, value, strlen(value));
    else
        ref_buf_puts(b, "null");
}

/* ,"facets":{…}: present.h's facet object (the CLI's --facets --format
 * json line), so the API and the command line agree on its shape. */
static void json_facets(ref_buf *b, const ref_search_result *r)
{
    ref_buf line = REF_BUF_INIT;
    ref_present_json_facets(&line, r);
    /* {"facets":{…}}\n → ,"facets":{…} */
    if (ref_buf_status(&line) == REF_OK && line.len > 3) {
        ref_buf_putc(b, ',');
        ref_buf_append(b, line.data + 1, line.len - 3);
    }
    ref_buf_inherit_failure(b, &line); /* no answer without its facets (tests/fault/) */
    ref_buf_free(&line);
}

/* ,"missing_shards":[…]: the shards left out of this answer (searcher
 * opened with allow_partial); [] when it is whole. */
static void json_missing_shards(ref_buf *b, const ref_search_result *r)
{
    ref_buf_puts(b, ",\"missing_shards\":[");
    const char *name = r->missing_shards ? r->missing_shards : "";
    for (int first = 1; *name; first = 0) {
        const char *end = strchr(name, '\n');
        size_t len = end ? (size_t)(end - name) : strlen(name);
        if (!first)
            ref_buf_putc(b, ',');
        ref_json_string(b, name, len);
        name += len + (end != NULL);
    }
    ref_buf_putc(b, ']');
}

static void api_search(ref_web *w, const ref_web_params *p, ref_web_response *out)
{
    if (!p->q || !*p->q) {
        json_error(out, 400, "Parameteren q mangler: angiv hvad der skal søges efter.");
        return;
    }
    uint32_t limit = p->limit ? p->limit : REF_WEB_PAGE_SIZE;
    uint64_t offset = p->has_offset ? p->offset : (uint64_t)(p->page - 1) * limit;
    if (offset > REF_WEB_MAX_OFFSET) {
        json_error(out, 400, "Siden ligger for langt ude (højst 100000 hits kan springes over).");
        return;
    }
    ref_search_result *r = NULL;
    char *err = NULL;
    ref_status st = web_search(w, p, (uint32_t)offset, limit, 1, &r, &err);
    if (st != REF_OK) {
        json_error(out, ref_web_status_of(st), err ? err : ref_status_str(st));
        free(err);
        return;
    }
    ref_buf *b = &out->body;
    out->content_type = "application/json; charset=utf-8";
    ref_buf_puts(b, "{\"query\":");
    ref_json_string(b, p->q, strlen(p->q));
    ref_buf_printf(b, ",\"total\":%u,\"offset\":%u,\"limit\":%u", r->total, (unsigned)offset,
                   limit);
    ref_buf_printf(b, ",\"decisions_only\":%s,\"corrected\":%s", p->decisions ? "true" : "false",
                   r->corrected ? "true" : "false");
    json_key(b, "suggestion", r->suggestion);
    json_key(b, "version", REF_VERSION);
    json_missing_shards(b, r);
    ref_buf_puts(b, ",\"hits\":[");
    for (size_t i = 0; i < r->nhits; i++) {
        if (i)
            ref_buf_putc(b, ',');
        ref_present_json_hit(b, &r->hits[i]);
        /* present.h writes JSON Lines: drop the line's end inside the array. */
        if (b->len && b->data[b->len - 1] == '\n')
            ref_buf_truncate(b, b->len - 1);
    }
    ref_buf_putc(b, ']');
    json_facets(b, r);
    ref_buf_puts(b, "}\n");
    ref_search_result_free(r);
    if (ref_buf_status(b) != REF_OK)
        json_error(out, ref_web_status_of(REF_ENOMEM), "Ikke nok hukommelse.");
}

static void api_analyze(ref_web *w, const ref_web_params *p, ref_web_response *out)
{
    const char *text = p->text ? p->text : p->q;
    if (!text) {
        json_error(out, 400, "Parameteren text mangler: angiv teksten der skal analyseres.");
        return;
    }
    ref_buf lines = REF_BUF_INIT;
    ref_status st = ref_explain_analysis(&lines, ref_searcher_analyzer(w->searcher),
                                         w->config.lexicon, text, strlen(text), 1);
    if (st != REF_OK) {
        ref_buf_free(&lines);
        json_error(out, ref_web_status_of(st), ref_status_str(st));
        return;
    }
    ref_buf *b = &out->body;
    out->content_type = "application/json; charset=utf-8";
    ref_buf_puts(b, "{\"text\":");
    ref_json_string(b, text, strlen(text));
    ref_buf_puts(b, ",\"tokens\":[");
    /* explain.h writes one object per line: join them with commas. */
    const char *s = ref_buf_cstr(&lines);
    for (int first = 1; *s; first = 0) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        if (!first)
            ref_buf_putc(b, ',');
        ref_buf_append(b, s, n);
        s += n + (nl != NULL);
    }
    ref_buf_puts(b, "]}\n");
    ref_buf_free(&lines);
    if (ref_buf_status(b) != REF_OK)
        json_error(out, ref_web_status_of(REF_ENOMEM), "Ikke nok hukommelse.");
}

/* --- exports ----------------------------------------------------------------- */

/* Write the search's hits with export.h into a private temporary file and
 * answer with the file itself: export.h owns the formats, the server only
 * sends bytes. The file is unlinked once open, so nothing is left behind
 * whatever happens to the connection. */
/* The web's export formats: the path, the format, its CSV separator. */
typedef struct web_export {
    const char *path;
    ref_export_format format;
    char csv_sep; /* 0: the format's own */
    const char *content_type;
    const char *file_ext;
} web_export;

/* CSV with ',' for other programs; with ';' and decimal commas for a
 * Danish Excel (the BOM makes both read as UTF-8). */
static const web_export web_exports[] = {
    {"/eksport.csv", REF_EXPORT_CSV, ',', "text/csv; charset=utf-8", "csv"},
    {"/eksport-excel.csv", REF_EXPORT_CSV, ';', "text/csv; charset=utf-8", "excel.csv"},
    {"/eksport.jsonl", REF_EXPORT_JSONL, 0, "application/x-ndjson; charset=utf-8", "jsonl"},
    {"/eksport.md", REF_EXPORT_MD, 0, "text/markdown; charset=utf-8", "md"},
    {"/eksport.html", REF_EXPORT_HTML, 0, "text/html; charset=utf-8", "html"},
};

static void export_search(ref_web *w, const ref_web_params *p, const web_export *we,
                          const char *host, ref_web_response *out)
{
    if (!p->q || !*p->q) {
        ref_web_page_error(out, 400, "Intet at eksportere",
                           "Eksport gælder en søgning: søg først, og brug så linkene under "
                           "resultaterne.");
        return;
    }
    ref_search_result *r = NULL;
    char *err = NULL;
    ref_status st = web_search(w, p, 0, REF_WEB_EXPORT_MAX, 0, &r, &err);
    if (st != REF_OK) {
        ref_web_page_error(out, ref_web_status_of(st), "Søgningen kunne ikke udføres",
                           err ? err : ref_status_str(st));
        free(err);
        return;
    }
    ref_buf path = REF_BUF_INIT, filters = REF_BUF_INIT, link = REF_BUF_INIT;
    ref_buf_printf(&path, "%s/export-%p-%lu.%s", w->config.tmpdir, (void *)w, w->exports++,
                   we->file_ext);
    ref_search_opts so;
    search_opts(p, 0, 0, &so);
    ref_export_describe_filters(&filters, &so);
    /* Sources link to this server's /kilde/ route, which serves the
     * original by the punkt's id; the Host the browser used names it. */
    if (host && *host &&
        strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") ==
            strlen(host)) /* a host name, port or IPv6 literal: nothing to escape */
        ref_buf_printf(&link, "http://%s/kilde/", host);
    ref_export_opts eo = {.format = we->format,
                          .query = p->q,
                          .count = r->total,
                          .count_known = 1,
                          .full = p->decisions, /* a decisions search exports them */
                          .csv_sep = we->csv_sep,
                          .filters = ref_buf_cstr(&filters),
                          .exported_at = ref_export_now(),
                          .source_link = link.len ? ref_buf_cstr(&link) : NULL};
    ref_export *ex = NULL;
    st = ref_buf_status(&path);
    if (st == REF_OK)
        st = ref_export_open(&eo, path.data, &ex, &err);
    if (st == REF_OK)
        st = ref_export_hits(ex, r->hits, r->nhits, p->sort != REF_SORT_RELEVANCE, NULL, NULL);
    ref_buf_free(&filters);
    ref_buf_free(&link);
    if (st == REF_OK)
        st = ref_export_close(ex, &err);
    else
        ref_export_abort(ex);
    ref_search_result_free(r);
    int fd = st == REF_OK ? open(path.data, O_RDONLY | O_CLOEXEC) : -1;
    struct stat sb;
    if (fd >= 0 && fstat(fd, &sb) != 0) {
        close(fd);
        fd = -1;
    }
    if (st == REF_OK)
        unlink(path.data);
    ref_buf_free(&path);
    if (fd < 0) {
        ref_web_page_error(out, ref_web_status_of(REF_EIO), "Eksporten mislykkedes",
                           err ? err : "Filen kunne ikke skrives på serveren.");
        free(err);
        return;
    }
    out->fd = fd;
    out->fd_size = (uint64_t)sb.st_size;
    out->content_type = we->content_type;
    snprintf(out->disposition, sizeof out->disposition,
             "attachment; filename=\"referat-soegning.%s\"", we->file_ext);
}

/* --- pages ------------------------------------------------------------------- */

static void page_search(ref_web *w, const ref_web_params *p, ref_web_response *out)
{
    ref_web_search_view v = {.params = p, .bodies = web_bodies(w)};
    /* A box of blanks is no search: show the form, not an error. */
    int searching = p->q && p->q[strspn(p->q, " \t\r\n")];
    ref_search_result *r = NULL;
    char *err = NULL;
    if (searching) {
        ref_status st =
            web_search(w, p, (p->page - 1) * REF_WEB_PAGE_SIZE, REF_WEB_PAGE_SIZE, 1, &r, &err);
        if (st != REF_OK) {
            v.error_status = ref_web_status_of(st);
            v.error = err ? err : ref_status_str(st);
        }
        v.result = r;
    }
    ref_web_page_search(&v, out);
    ref_search_result_free(r);
    free(err);
}

static void page_punkt(ref_web *w, const char *id, const ref_web_params *p, ref_web_response *out)
{
    ref_record *rec = NULL;
    ref_status st = ref_searcher_get(w->searcher, id, &rec);
    if (st == REF_ENOENT || st == REF_EINVAL) {
        ref_web_page_error(out, 404, "Punktet findes ikke",
                           "Indekset har intet punkt med denne adresse. Måske er referatet "
                           "blevet fjernet eller indekseret på ny.");
        return;
    }
    if (st != REF_OK) {
        ref_web_page_error(out, ref_web_status_of(st), "Punktet kunne ikke læses",
                           ref_status_str(st));
        return;
    }
    rec->source = web_source(w, rec->source);
    /* The title and every section, marked through the searcher's analyser. */
    size_t ntexts = 1 + rec->nsections;
    const char **texts = malloc(ntexts * sizeof *texts);
    ref_snippet *marks = calloc(ntexts, sizeof *marks);
    ref_record **recs = NULL;
    size_t n = 0;
    st = texts && marks ? REF_OK : REF_ENOMEM;
    if (st == REF_OK) {
        texts[0] = rec->title;
        for (size_t i = 0; i < rec->nsections; i++)
            texts[1 + i] = rec->sections[i].text;
        st = ref_searcher_mark(w->searcher, p->q, texts, ntexts, marks);
    }
    if (st == REF_OK && ref_searcher_meeting(w->searcher, id, &recs, &n) != REF_OK) {
        recs = NULL; /* the page stands without its meeting */
        n = 0;
    }
    if (st == REF_OK) {
        ref_web_punkt_view v = {
            .params = p, .record = rec, .marks = marks, .meeting = recs, .nmeeting = n};
        ref_web_page_punkt(&v, out);
    } else {
        ref_web_page_error(out, ref_web_status_of(st), "Punktet kunne ikke vises",
                           ref_status_str(st));
    }
    ref_records_free(recs, n);
    for (size_t i = 0; marks && i < ntexts; i++)
        ref_snippet_clear(&marks[i]);
    free(marks);
    free(texts);
    ref_record_free(rec);
}

/* The original file of punkt ID, found by the id alone: the path comes
 * from the index, never from the request, so nothing outside the indexed
 * files can be asked for. Served under the data CSP (sandboxed, no
 * scripts), so an HTML original cannot act on this origin. */
static void page_source(ref_web *w, const char *id, ref_web_response *out)
{
    ref_record *rec = NULL;
    ref_status st = ref_searcher_get(w->searcher, id, &rec);
    if (st == REF_ENOENT || st == REF_EINVAL) {
        ref_web_page_error(out, 404, "Punktet findes ikke",
                           "Indekset har intet punkt med denne adresse.");
        return;
    }
    if (st != REF_OK) {
        ref_web_page_error(out, ref_web_status_of(st), "Kilden kunne ikke findes",
                           ref_status_str(st));
        return;
    }
    static const struct {
        const char *ext, *type;
    } types[] = {{".pdf", "application/pdf"},
                 {".txt", "text/plain; charset=utf-8"},
                 {".md", "text/plain; charset=utf-8"},
                 {".markdown", "text/plain; charset=utf-8"},
                 {".html", "text/html"},
                 {".htm", "text/html"},
                 {".gz", "application/gzip"}};
    const char *type = "application/octet-stream";
    size_t plen = strlen(rec->source);
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        size_t n = strlen(types[i].ext);
        if (plen > n && strcasecmp(rec->source + plen - n, types[i].ext) == 0)
            type = types[i].type;
    }
    int fd = open(rec->source, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat sb;
    if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        ref_web_page_error(out, 404, "Kilden findes ikke længere",
                           "Filen, punktet blev indekseret fra, er flyttet eller slettet på "
                           "serveren.");
    } else {
        out->fd = fd;
        out->fd_size = (uint64_t)sb.st_size;
        out->content_type = type;
        /* Browsers refuse to show a PDF in a sandboxed document; a PDF
         * runs no script of this origin, so it only may not be framed. */
        if (strcmp(type, "application/pdf") == 0)
            snprintf(out->csp, sizeof out->csp, "frame-ancestors 'none'");
        /* The name may hold anything; keep only what a header can carry. */
        char name[64];
        size_t n = 0;
        for (const char *c = ref_web_basename(rec->source); *c && n + 1 < sizeof name; c++)
            name[n++] = (*c >= 0x20 && *c < 0x7f && *c != '"' && *c != '\\') ? *c : '_';
        name[n] = '\0';
        snprintf(out->disposition, sizeof out->disposition, "inline; filename=\"%s\"", name);
    }
    ref_record_free(rec);
}

/* --- routing ------------------------------------------------------------------ */

static int is_api(const char *path)
{
    return strncmp(path, "/api/", 5) == 0;
}

static void bad_request(ref_web_response *out, const char *path, unsigned status,
                        const char *message)
{
    if (is_api(path))
        json_error(out, status, message);
    else
        ref_web_page_error(out, status, status == 414 ? "Adressen er for lang" : "Forkert adresse",
                           message);
}

/* /sag/JOURNAL: the search page of the case thread (web_thread.c). */
static void page_thread(ref_web *w, const char *journal, const ref_web_params *p,
                        ref_web_response *out)
{
    ref_web_params thread;
    ref_web_thread_params(p, journal, &thread);
    page_search(w, &thread, out);
}

/* /feed.atom?q=…: the newest hits of the search, rendered by feed.c. */
static void feed(ref_web *w, const ref_web_params *p, ref_web_response *out)
{
    if (!p->q || !p->q[strspn(p->q, " \t\r\n")]) {
        ref_web_page_error(out, 400, "Intet at følge",
                           "Et feed gælder en søgning: angiv q, f.eks. /feed.atom?q=udbud.");
        return;
    }
    ref_web_params newest = *p; /* borrows P's strings */
    newest.sort = REF_SORT_DATE_DESC;
    ref_search_result *r = NULL;
    char *err = NULL;
    ref_status st = web_search(w, &newest, 0, REF_WEB_FEED_ENTRIES, 0, &r, &err);
    if (st != REF_OK) {
        ref_web_page_error(out, ref_web_status_of(st), "Søgningen kunne ikke udføres",
                           err ? err : ref_status_str(st));
        free(err);
        return;
    }
    ref_web_feed_render(p, r, out);
    ref_search_result_free(r);
}

static void route(ref_web *w, const char *path, const ref_web_params *p, const char *host,
                  ref_web_response *out)
{
    for (size_t i = 0; i < sizeof web_exports / sizeof *web_exports; i++)
        if (strcmp(path, web_exports[i].path) == 0) {
            export_search(w, p, &web_exports[i], host, out);
            return;
        }
    if (strcmp(path, "/") == 0)
        page_search(w, p, out);
    else if (strncmp(path, "/punkt/", 7) == 0 && path[7])
        page_punkt(w, path + 7, p, out);
    else if (strncmp(path, "/kilde/", 7) == 0 && path[7])
        page_source(w, path + 7, out);
    else if (strcmp(path, "/api/search") == 0)
        api_search(w, p, out);
    else if (strcmp(path, "/api/analyze") == 0)
        api_analyze(w, p, out);
    else if (strncmp(path, "/sag/", 5) == 0 && path[5])
        page_thread(w, path + 5, p, out);
    else if (strcmp(path, "/feed.atom") == 0)
        feed(w, p, out);
    else if (is_api(path))
        json_error(out, 404, "Ukendt API-adresse: brug /api/search eller /api/analyze.");
    else
        ref_web_page_error(out, 404, "Siden findes ikke",
                           "Der er ingen side på denne adresse. Gå til forsiden og søg.");
}

/* 1 if HOST (a Host header: name, optional ":port") names this machine. */
static int local_host(const char *host)
{
    static const char *const names[] = {"localhost", "127.0.0.1", "[::1]"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t n = strlen(names[i]);
        if (strncasecmp(host, names[i], n) != 0)
            continue;
        if (host[n] == '\0')
            return 1;
        if (host[n] == ':' && host[n + 1] &&
            strspn(host + n + 1, "0123456789") == strlen(host + n + 1))
            return 1;
    }
    return 0;
}

void ref_web_handle(ref_web *w, const char *method, const char *uri, const char *host,
                    ref_web_response *out)
{
    if (w->config.local_hosts_only && host && !local_host(host)) {
        ref_web_page_error(out, 421, "Forkert værtsnavn",
                           "Serveren lytter kun på denne maskine og svarer kun på adresser som "
                           "http://127.0.0.1 og http://localhost.");
        return;
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        out->allow = "GET, HEAD";
        ref_web_page_error(out, 405, "Metoden er ikke tilladt",
                           "Referat svarer kun på GET og HEAD: siderne og API'et ændrer intet.");
        return;
    }
    size_t len = strlen(uri);
    const char *qmark = memchr(uri, '?', len);
    size_t path_len = qmark ? (size_t)(qmark - uri) : len;
    ref_buf path = REF_BUF_INIT;
    ref_status st = ref_web_unescape(uri, path_len, 0, &path);
    const char *p = st == REF_OK ? ref_buf_cstr(&path) : "/";
    if (len > REF_WEB_MAX_URI) {
        bad_request(out, p, 414,
                    "Adressen er længere end serveren tager imod (4096 tegn). Gør søgningen "
                    "kortere.");
    } else if (st != REF_OK || p[0] != '/') {
        bad_request(out, p, 400,
                    "Adressen er ikke gyldig: forkert %-kodning eller tekst, der "
                    "ikke er UTF-8.");
    } else {
        ref_web_params params;
        char *err = NULL;
        st = ref_web_params_parse(qmark ? qmark + 1 : "", qmark ? len - path_len - 1 : 0, &params,
                                  &err);
        if (st != REF_OK) {
            bad_request(out, p, st == REF_ENOMEM ? ref_web_status_of(st) : 400,
                        err ? err : ref_status_str(st));
        } else {
            /* Pick up what the indexer committed since the last request:
             * cheap when nothing changed. On failure the old revision is
             * still readable. */
            (void)ref_searcher_reopen(w->searcher);
            route(w, p, &params, host, out);
        }
        free(err);
        ref_web_params_clear(&params);
    }
    ref_buf_free(&path);
}
