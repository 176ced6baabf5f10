/* web_page.c — the Danish HTML pages of the web front end: pure renderers
 * of the views web.c fills (web_internal.h), with no access to the index.
 *
 * Server-rendered HTML that works without JavaScript (there is none): a
 * form whose every choice is a URL parameter, so every page is a permalink.
 * Every piece of minutes text, query text and parameter is written through
 * export.h's HTML escaper; the only markup that reaches the page is ours.
 * The one inline <style> carries a fresh nonce that the
 * Content-Security-Policy names, so nothing else can style or script it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "referat/citation.h"
#include "referat/export.h"
#include "referat/outcome.h"
#include "referat/version.h"
#include "web_internal.h"

static const char css[] =
    "body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f7f7f5}"
    "header,main,footer{max-width:62rem;margin:0 auto;padding:0 1rem}"
    ".site{font-size:1.4rem;font-weight:bold;margin:.8rem 0}.site "
    "a{color:inherit;text-decoration:none}"
    "a{color:#0b4f8a}"
    "form.search{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;background:#fff;"
    "border:1px solid #ddd;padding:.8rem 1rem;border-radius:6px}"
    ".qrow{flex:1 1 100%;display:flex;gap:.5rem}"
    ".qrow input{flex:1;font-size:1.1rem;padding:.35rem .5rem}"
    "input.year{width:6.5rem}"
    ".layout{display:flex;gap:2rem;align-items:flex-start}"
    ".facets{flex:0 0 13rem;font-size:.92rem}.facets ul{list-style:none;padding:0;margin:0 0 1rem}"
    ".facets h2{font-size:1rem;margin:1rem 0 .3rem}.results{flex:1;min-width:0}"
    "ol.hits{list-style:none;padding:0}"
    ".hit{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:.6rem 1rem;"
    "margin:.6rem 0}.hit h2{font-size:1.08rem;margin:0}"
    ".meta{color:#555;font-size:.9rem;margin:.2rem 0}"
    "mark{background:#ffe066;color:inherit;padding:0 .1em}"
    ".sec{font-variant:small-caps;color:#666;margin-right:.4em}"
    ".error{background:#fdecec;border:1px solid #e0a0a0;padding:.6rem 1rem;border-radius:6px}"
    "nav.pages a,nav.pages strong{margin-right:.6rem}"
    ".punkt section h2{font-size:1.05rem;margin:1.2rem 0 .2rem}.text{white-space:pre-wrap}"
    ".meeting ol{list-style:none;padding:0}.meeting h2{font-size:1.1rem}"
    ".meeting li[aria-current]{font-weight:bold}footer{color:#666;font-size:.85rem;"
    "margin-top:2rem;padding-bottom:1rem}"
    "select,input{max-width:100%;box-sizing:border-box}.qrow{min-width:0}"
    "input.kommune{width:9rem}code{overflow-wrap:anywhere}"
    ".hit h2,.hit p,.punkt{overflow-wrap:anywhere}"
    ".facets.narrow{display:none}.facets summary{cursor:pointer;font-weight:bold}"
    ".nohits{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:.4rem 1rem}"
    /* A phone: results first, the facets after them and folded. */
    "@media (max-width:44rem){.layout{display:block}.facets.wide{display:none}"
    ".facets.narrow{display:block;margin:1rem 0}form.search label{flex:1 1 100%}"
    "form.search select{width:100%}input.year,input.kommune{width:100%}}";

static const char *const months[] = {"januar",    "februar", "marts",    "april",
                                     "maj",       "juni",    "juli",     "august",
                                     "september", "oktober", "november", "december"};

/* --- small writers --------------------------------------------------------- */

static void put_text(ref_buf *b, const char *s)
{
    if (s)
        ref_export_html_escape(b, s, strlen(s));
}

/* "2017-09-07" as "7. september 2017"; anything else as written. */
static void put_date(ref_buf *b, const char *date)
{
    int y, m, d;
    char tail;
    if (date && sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && m >= 1 && m <= 12) {
        ref_buf_printf(b, "<time datetime=\"%04d-%02d-%02d\">%d. %s %d</time>", y, m, d, d,
                       months[m - 1], y);
        return;
    }
    put_text(b, date && *date ? date : "ukendt dato");
}

/* The state of a search as a query string ("?q=…&…", or "" when empty);
 * PAGE 0 leaves the page out. Shared by links, so each carries the whole
 * state and the back button, bookmarks and mail all work. */
static void put_state(ref_buf *u, const ref_web_params *p, uint32_t page)
{
    size_t start = u->len;
#define SEP() ref_buf_putc(u, u->len == start ? '?' : '&')
    if (p->q && *p->q) {
        SEP();
        ref_buf_puts(u, "q=");
        ref_web_escape(u, p->q, strlen(p->q));
    }
    if (p->decisions) {
        SEP();
        ref_buf_puts(u, "beslutninger=1");
    }
    if (p->no_correct) {
        SEP();
        ref_buf_puts(u, "ordret=1");
    }
    for (size_t i = 0; i < p->nbodies; i++) {
        SEP();
        ref_buf_puts(u, "udvalg=");
        ref_web_escape(u, p->bodies[i], strlen(p->bodies[i]));
    }
    if (p->from && *p->from) {
        SEP();
        ref_buf_puts(u, "fra=");
        ref_web_escape(u, p->from, strlen(p->from));
    }
    if (p->to && *p->to) {
        SEP();
        ref_buf_puts(u, "til=");
        ref_web_escape(u, p->to, strlen(p->to));
    }
    if (p->municipality && *p->municipality) {
        SEP();
        ref_buf_puts(u, "kommune=");
        ref_web_escape(u, p->municipality, strlen(p->municipality));
    }
    if (p->outcome && *p->outcome) {
        SEP();
        ref_buf_puts(u, "udfald=");
        ref_web_escape(u, p->outcome, strlen(p->outcome));
    }
    if (p->journal && *p->journal) {
        SEP();
        ref_buf_puts(u, "sag=");
        ref_web_escape(u, p->journal, strlen(p->journal));
    }
    if (p->in_field && *p->in_field) {
        SEP();
        ref_buf_puts(u, "felt=");
        ref_web_escape(u, p->in_field, strlen(p->in_field));
    }
    if (p->sort != REF_SORT_RELEVANCE) {
        SEP();
        ref_buf_puts(u, p->sort == REF_SORT_DATE ? "sort=dato" : "sort=-dato");
    }
    if (page > 1) {
        SEP();
        ref_buf_printf(u, "side=%u", page);
    }
#undef SEP
}

void ref_web_state(ref_buf *u, const ref_web_params *p) { put_state(u, p, 0); }

/* href="PATH[ID]STATE", escaped for the attribute. */
static void put_href(ref_buf *b, const char *path, const char *id, const ref_web_params *p,
                     uint32_t page)
{
    ref_buf u = REF_BUF_INIT;
    ref_buf_puts(&u, path);
    if (id)
        ref_web_escape(&u, id, strlen(id));
    if (p)
        put_state(&u, p, page);
    ref_buf_puts(b, "href=\"");
    ref_export_html_escape(b, ref_buf_cstr(&u), u.len);
    ref_buf_putc(b, '"');
    ref_buf_inherit_failure(b, &u);
    ref_buf_free(&u);
}

/* TEXT[from, to) escaped, with whitespace runs as one space (a snippet is
 * one line) when FLAT. */
static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void put_span_text(ref_buf *b, const char *text, size_t from, size_t to, int flat)
{
    if (!flat) {
        ref_export_html_escape(b, text + from, to - from);
        return;
    }
    size_t run = from;
    for (size_t i = from; i < to;) {
        if (!is_space(text[i])) {
            i++;
            continue;
        }
        ref_export_html_escape(b, text + run, i - run);
        while (i < to && is_space(text[i]))
            i++;
        ref_buf_putc(b, ' ');
        run = i;
    }
    ref_export_html_escape(b, text + run, to - run);
}

/* TEXT[from, to) with SPANS (inside it, in order) in <mark>. */
static void put_marked(ref_buf *b, const char *text, size_t from, size_t to, const ref_span *spans,
                       size_t nspans, int flat)
{
    size_t at = from;
    for (size_t i = 0; i < nspans; i++) {
        put_span_text(b, text, at, spans[i].start, flat);
        ref_buf_puts(b, "<mark>");
        put_span_text(b, text, spans[i].start, spans[i].end, flat);
        ref_buf_puts(b, "</mark>");
        at = spans[i].end;
    }
    put_span_text(b, text, at, to, flat);
}

/* A section key as a label: "beslutning" → "Beslutning". Keys are ASCII. */
static void put_label(ref_buf *b, const char *key)
{
    char first[2] = {key[0] >= 'a' && key[0] <= 'z' ? (char)(key[0] - 32) : key[0], 0};
    ref_buf_puts(b, first);
    put_text(b, key + (key[0] != 0));
}

/* --- page frame ---------------------------------------------------------------- */

static void make_nonce(char *out, size_t size)
{
    unsigned char raw[16];
    if (getrandom(raw, sizeof raw, GRND_NONBLOCK) != (ssize_t)sizeof raw) {
        /* No entropy yet (very early boot): the nonce only has to be
         * unpredictable to page content, which never sees it. */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        unsigned long long x = (unsigned long long)ts.tv_nsec * 6364136223846793005ULL ^
                               (unsigned long long)ts.tv_sec ^ (unsigned long long)(size_t)out;
        for (size_t i = 0; i < sizeof raw;
             i++, x = x * 6364136223846793005ULL + 1442695040888963407ULL)
            raw[i] = (unsigned char)(x >> 56);
    }
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (size_t i = 0; i < sizeof raw && n + 2 < size; i++) {
        out[n++] = hex[raw[i] >> 4];
        out[n++] = hex[raw[i] & 15];
    }
    out[n] = '\0';
}

static void put_href(ref_buf *b, const char *path, const char *id, const ref_web_params *p,
                     uint32_t page);

/* The page's frame; FEED (or NULL) is the search whose Atom feed the page
 * announces, so a feed reader given the page finds it. */
static void page_begin_feed(ref_web_response *out, const char *title, const ref_web_params *feed)
{
    char nonce[40];
    make_nonce(nonce, sizeof nonce);
    snprintf(out->csp, sizeof out->csp,
             "default-src 'none'; style-src 'nonce-%s'; form-action 'self'; base-uri 'none'; "
             "frame-ancestors 'none'",
             nonce);
    out->content_type = "text/html; charset=utf-8";
    ref_buf *b = &out->body;
    ref_buf_reset(b);
    ref_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
    put_text(b, title);
    ref_buf_puts(b, "</title>\n");
    if (feed) {
        ref_buf_puts(b, "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Nye punkter "
                        "(Atom)\" ");
        put_href(b, "/feed.atom", NULL, feed, 0);
        ref_buf_puts(b, ">\n");
    }
    ref_buf_printf(b, "<style nonce=\"%s\">%s</style>\n</head>\n<body>\n", nonce, css);
    ref_buf_puts(b, "<header><p class=\"site\"><a href=\"/\">Referat</a> <small>søgning i "
                    "mødereferater</small></p></header>\n<main>\n");
}

static void page_begin(ref_web_response *out, const char *title)
{
    page_begin_feed(out, title, NULL);
}

static void page_end(ref_web_response *out)
{
    ref_buf_puts(&out->body, "</main>\n<footer>Referat — søgning i kommunale mødereferater. "
                             "Alt på siden er en adresse, der kan gemmes og sendes videre. "
                             "Referat " REF_VERSION "."
                             "</footer>\n</body>\n</html>\n");
    if (ref_buf_status(&out->body) != REF_OK) {
        ref_buf_free(&out->body);
        out->status = ref_web_status_of(REF_ENOMEM);
        out->content_type = "text/plain; charset=utf-8";
        ref_buf_puts(&out->body, "Ikke nok hukommelse.\n");
    }
}

void ref_web_page_error(ref_web_response *out, unsigned status, const char *heading,
                        const char *message)
{
    page_begin(out, heading);
    out->status = status;
    ref_buf *b = &out->body;
    ref_buf_puts(b, "<h1>");
    put_text(b, heading);
    ref_buf_puts(b, "</h1>\n<p class=\"error\">");
    put_text(b, message);
    ref_buf_puts(b, "</p>\n<p><a href=\"/\">Til forsiden</a></p>\n");
    page_end(out);
}

/* " · sagsnr. J" linking to the case thread /sag/J, and " · udfald: Godkendt". */
static void put_case(ref_buf *b, const ref_record *r)
{
    if (r->journal[0]) {
        ref_buf_puts(b, " · sagsnr. <a class=\"case\" ");
        put_href(b, "/sag/", r->journal, NULL, 0);
        ref_buf_puts(b, " title=\"Sagsforløb: alle punkter med dette sagsnummer\">");
        put_text(b, r->journal);
        ref_buf_puts(b, "</a>");
    }
    ref_outcome_set set = ref_outcome_of_record(r);
    if (set) {
        ref_buf words = REF_BUF_INIT;
        ref_outcome_words(set, &words);
        ref_buf_puts(b, " · <span class=\"outcome\">udfald: ");
        put_text(b, ref_buf_cstr(&words));
        ref_buf_puts(b, "</span>");
        ref_buf_inherit_failure(b, &words); /* never a silently empty outcome */
        ref_buf_free(&words);
    }
}

/* --- the search page ---------------------------------------------------------- */

static void put_option(ref_buf *b, const char *value, const char *label, int selected)
{
    ref_buf_puts(b, "<option value=\"");
    put_text(b, value);
    ref_buf_puts(b, selected ? "\" selected>" : "\">");
    put_text(b, label);
    ref_buf_puts(b, "</option>");
}

static void put_form(const ref_web_params *p, const ref_facet *bodies, ref_buf *b)
{
    ref_buf_puts(b, "<form class=\"search\" method=\"get\" action=\"/\" role=\"search\">\n"
                    "<div class=\"qrow\"><input type=\"search\" name=\"q\" "
                    "aria-label=\"Søg\" placeholder=\"fx sygefravær, &quot;ny organisering&quot;,"
                    " budget -anlæg\" value=\"");
    put_text(b, p->q);
    ref_buf_puts(b, "\" autofocus> <button type=\"submit\">Søg</button></div>\n");
    ref_buf_printf(b,
                   "<label><input type=\"checkbox\" name=\"beslutninger\" value=\"1\"%s> Kun "
                   "beslutninger</label>\n",
                   p->decisions ? " checked" : "");
    ref_buf_puts(b, "<label>Udvalg <select name=\"udvalg\">");
    const char *chosen = p->nbodies ? p->bodies[0] : "";
    put_option(b, "", "Alle udvalg", !*chosen);
    int listed = !*chosen;
    for (size_t i = 0; i < bodies->nvalues; i++) {
        int sel = *chosen && strcmp(bodies->values[i].value, chosen) == 0;
        listed |= sel;
        put_option(b, bodies->values[i].value, bodies->values[i].value, sel);
    }
    if (!listed) /* a body typed into the URL, e.g. a prefix "økonomi*" */
        put_option(b, chosen, chosen, 1);
    ref_buf_puts(b, "</select></label>\n<label>År fra <input class=\"year\" name=\"fra\" "
                    "inputmode=\"numeric\" placeholder=\"åååå\" value=\"");
    put_text(b, p->from);
    ref_buf_puts(b, "\"></label> <label>til <input class=\"year\" name=\"til\" "
                    "inputmode=\"numeric\" placeholder=\"åååå\" value=\"");
    put_text(b, p->to);
    ref_buf_puts(b, "\"></label>\n<label>Kommune <input class=\"kommune\" name=\"kommune\" "
                    "placeholder=\"alle\" value=\"");
    put_text(b, p->municipality);
    ref_buf_puts(b, "\"></label>\n");
    if (p->in_field && *p->in_field) { /* the "Fundet i" choice stays with the form */
        ref_buf_puts(b, "<input type=\"hidden\" name=\"felt\" value=\"");
        put_text(b, p->in_field);
        ref_buf_puts(b, "\">\n");
    }
    ref_buf_puts(b, "<label>Sortering <select name=\"sort\">");
    put_option(b, "relevans", "Bedste match", p->sort == REF_SORT_RELEVANCE);
    put_option(b, "-dato", "Nyeste først", p->sort == REF_SORT_DATE_DESC);
    put_option(b, "dato", "Ældste først", p->sort == REF_SORT_DATE);
    ref_buf_puts(b, "</select></label>\n</form>\n");
}

static void put_intro(ref_buf *b)
{
    ref_buf_puts(
        b, "<section class=\"intro\"><h2>Sådan søger du</h2><ul>"
           "<li><code>sygefravær udbud</code> — punkter med begge ord, i alle bøjninger og "
           "sammensætninger (<i>langtidssygefraværet</i>)</li>"
           "<li><code>\"ny organisering\"</code> — den præcise frase</li>"
           "<li><code>budget OR økonomi</code>, <code>budget -anlæg</code>, <code>budget*</code>"
           "</li><li><code>titel:budget</code>, <code>beslutning:udbud</code>, "
           "<code>sagsnr:00.01.00-A00-3-17</code>, <code>år:2017</code></li></ul></section>\n");
}

static void put_facet_list(ref_buf *b, const ref_facet *f, const char *heading,
                           const ref_web_params *p, int kind)
{
    if (!f->nvalues)
        return;
    ref_buf_puts(b, "<h2>");
    put_text(b, heading);
    ref_buf_puts(b, "</h2><ul>");
    for (size_t i = 0; i < f->nvalues; i++) {
        const char *v = f->values[i].value;
        ref_web_params next = *p;
        int active = 0;
        if (kind == REF_FACET_YEAR) {
            active = p->from && p->to && strcmp(p->from, v) == 0 && strcmp(p->to, v) == 0;
            next.from = next.to = active ? NULL : (char *)v;
        } else if (kind == REF_FACET_BODY) {
            active = p->nbodies == 1 && strcmp(p->bodies[0], v) == 0;
            next.bodies[0] = (char *)v;
            next.nbodies = active ? 0 : 1;
        } else if (kind == REF_FACET_MUNICIPALITY) {
            active = p->municipality && strcmp(p->municipality, v) == 0;
            next.municipality = active ? NULL : (char *)v;
        } else if (kind == REF_FACET_OUTCOME) {
            active = p->outcome && strcmp(p->outcome, v) == 0;
            next.outcome = active ? NULL : (char *)v;
        } else if (kind == REF_FACET_SECTION) {
            /* The words only in this part of the punkt. */
            active = p->in_field && strcmp(p->in_field, v) == 0;
            next.in_field = active ? NULL : (char *)v;
        }
        ref_buf_puts(b, "<li><a ");
        put_href(b, "/", NULL, &next, 0);
        ref_buf_puts(b, active ? " aria-current=\"true\" title=\"Fjern filteret\"><b>" : ">");
        ref_outcome label;
        if (kind == REF_FACET_SECTION)
            put_label(b, v);
        else if (kind == REF_FACET_OUTCOME && ref_outcome_by_key(v, strlen(v), &label))
            put_text(b, ref_outcome_word(label)); /* the Danish word, not the key */
        else
            put_text(b, v);
        ref_buf_puts(b, active ? "</b> ✕</a>" : "</a>");
        ref_buf_printf(b, " <span class=\"count\">(%u)</span></li>", f->values[i].count);
    }
    ref_buf_puts(b, "</ul>");
}

static void put_facet_lists(ref_buf *b, const ref_search_result *r, const ref_web_params *p)
{
    put_facet_list(b, &r->facets[REF_FACET_YEAR], "År", p, REF_FACET_YEAR);
    put_facet_list(b, &r->facets[REF_FACET_BODY], "Udvalg", p, REF_FACET_BODY);
    put_facet_list(b, &r->facets[REF_FACET_MUNICIPALITY], "Kommune", p, REF_FACET_MUNICIPALITY);
    put_facet_list(b, &r->facets[REF_FACET_OUTCOME], "Udfald", p, REF_FACET_OUTCOME);
    put_facet_list(b, &r->facets[REF_FACET_SECTION], "Fundet i", p, REF_FACET_SECTION);
}

/* Beside the results on a wide screen; on a phone (no room beside them)
 * the results come first and the facets follow, folded in a <details>
 * (CSS shows one or the other: no script is needed). */
static void put_facets(ref_buf *b, const ref_search_result *r, const ref_web_params *p, int phone)
{
    if (!phone) {
        ref_buf_puts(b, "<aside class=\"facets wide\" aria-label=\"Afgræns\">");
        put_facet_lists(b, r, p);
        ref_buf_puts(b, "</aside>\n");
        return;
    }
    ref_buf_puts(b, "<details class=\"facets narrow\"><summary>Afgræns søgningen (år, udvalg, "
                    "kommune, fundet i)</summary>");
    put_facet_lists(b, r, p);
    ref_buf_puts(b, "</details>\n");
}

static void put_no_hits(ref_buf *b, const ref_web_params *p)
{
    ref_buf_puts(b, "<section class=\"nohits\"><h2>Ingen punkter fundet</h2><p>Prøv at:</p><ul>"
                    "<li>bruge færre eller mere almindelige ord — alle ordene skal findes</li>"
                    "<li>søge på en del af ordet med <code>*</code>, fx <code>budget*</code></li>"
                    "<li>bruge <code>OR</code> mellem ord med samme betydning, fx "
                    "<code>sygefravær OR fravær</code></li>");
    int filtered = p->decisions || p->nbodies || (p->from && *p->from) || (p->to && *p->to) ||
                   (p->municipality && *p->municipality) || (p->in_field && *p->in_field);
    if (filtered) {
        ref_web_params all = {.q = p->q, .page = 1};
        ref_buf_puts(b, "<li>fjerne filtrene: <a ");
        put_href(b, "/", NULL, &all, 0);
        ref_buf_puts(b, ">søg i alle referater</a></li>");
    }
    ref_buf_puts(b, "</ul></section>\n");
}

static void put_hit(ref_buf *b, const ref_hit *h, const ref_web_params *p)
{
    const ref_record *r = h->record;
    ref_buf_puts(b, "<li class=\"hit\"><h2><a ");
    put_href(b, "/punkt/", r->id, p, p->page);
    ref_buf_puts(b, ">");
    put_text(b, r->title[0] ? r->title : "(uden titel)");
    ref_buf_puts(b, "</a></h2>\n<p class=\"meta\">");
    put_text(b, r->body[0] ? r->body : "(ukendt udvalg)");
    ref_buf_puts(b, " · ");
    put_date(b, r->date);
    if (r->punkt)
        ref_buf_printf(b, " · punkt %d", r->punkt);
    put_case(b, r);
    ref_buf_puts(b, "</p>\n");
    if (h->section >= 0) {
        const char *text = r->sections[h->section].text;
        const ref_snippet *sn = &h->snippet;
        ref_buf_puts(b, "<p class=\"snippet\"><span class=\"sec\">");
        put_label(b, ref_section_kind_key(r->sections[h->section].kind));
        ref_buf_puts(b, "</span>");
        if (sn->cut_start)
            ref_buf_puts(b, "…");
        put_marked(b, text, sn->start, sn->end, sn->spans, sn->nspans, 1);
        while (b->len && b->data[b->len - 1] == ' ')
            ref_buf_truncate(b, b->len - 1);
        if (sn->cut_end)
            ref_buf_puts(b, "…");
        ref_buf_puts(b, "</p>\n");
    }
    ref_buf_puts(b, "</li>\n");
}

static void put_pages(ref_buf *b, const ref_search_result *r, const ref_web_params *p)
{
    uint32_t last = (r->total + REF_WEB_PAGE_SIZE - 1) / REF_WEB_PAGE_SIZE;
    if (last > REF_WEB_MAX_OFFSET / REF_WEB_PAGE_SIZE)
        last = REF_WEB_MAX_OFFSET / REF_WEB_PAGE_SIZE;
    if (last <= 1)
        return;
    ref_buf_puts(b, "<nav class=\"pages\" aria-label=\"Sider\">");
    if (p->page > 1) {
        ref_buf_puts(b, "<a rel=\"prev\" ");
        put_href(b, "/", NULL, p, p->page - 1);
        ref_buf_puts(b, ">← Forrige</a>");
    }
    for (uint32_t n = 1; n <= last; n++) {
        int near = n + 3 >= p->page && n <= p->page + 3;
        if (!near && n != 1 && n != last) {
            if (n == 2 || n == p->page + 4)
                ref_buf_puts(b, "… ");
            continue;
        }
        if (n == p->page) {
            ref_buf_printf(b, "<strong aria-current=\"page\">%u</strong>", n);
        } else {
            ref_buf_puts(b, "<a ");
            put_href(b, "/", NULL, p, n);
            ref_buf_printf(b, ">%u</a>", n);
        }
    }
    if (p->page < last) {
        ref_buf_puts(b, "<a rel=\"next\" ");
        put_href(b, "/", NULL, p, p->page + 1);
        ref_buf_puts(b, ">Næste →</a>");
    }
    ref_buf_puts(b, "</nav>\n");
}

static void put_results(ref_buf *b, const ref_search_result *r, const ref_web_params *p)
{
    if (r->corrected) {
        ref_buf_puts(b, "<p class=\"corrected\">Ingen punkter fundet for »");
        put_text(b, p->q);
        ref_buf_puts(b, "«. Viser resultater for »");
        put_text(b, r->suggestion);
        ref_buf_puts(b, "«. <a class=\"original\" ");
        ref_web_params orig = *p;
        orig.no_correct = 1;
        put_href(b, "/", NULL, &orig, 0);
        ref_buf_puts(b, ">Søg kun efter »");
        put_text(b, p->q);
        ref_buf_puts(b, "«</a></p>\n");
    }
    if (r->partial) {
        ref_buf_puts(b, "<p class=\"partial\">Ingen punkter med alle ordene; viser de bedste "
                        "delvise træf — mangler: ");
        put_text(b, r->missing ? r->missing : "");
        ref_buf_puts(b, "</p>\n");
    }
    if (r->total == 0 && !r->corrected)
        put_no_hits(b, p);
    ref_buf_printf(b, "<p class=\"count\">%u %s fundet%s</p>\n", r->total,
                   r->total == 1 ? "punkt" : "punkter", p->decisions ? " (kun beslutninger)" : "");
    if (r->suggestion && !r->corrected) {
        ref_web_params alt = *p;
        alt.q = r->suggestion;
        ref_buf_puts(b, "<p class=\"suggestion\">Mente du: <a ");
        put_href(b, "/", NULL, &alt, 0);
        ref_buf_puts(b, ">");
        put_text(b, r->suggestion);
        ref_buf_puts(b, "</a>?</p>\n");
    }
    ref_buf_puts(b, "<div class=\"layout\">\n");
    put_facets(b, r, p, 0);
    ref_buf_puts(b, "<div class=\"results\">\n");
    ref_buf_printf(b, "<ol class=\"hits\" start=\"%u\">\n", r->nhits ? r->hits[0].rank : 1);
    for (size_t i = 0; i < r->nhits; i++)
        put_hit(b, &r->hits[i], p);
    ref_buf_puts(b, "</ol>\n");
    if (!r->nhits && r->total)
        ref_buf_puts(b, "<p>Der er ikke flere resultater på denne side.</p>\n");
    put_pages(b, r, p);
    if (r->total) {
        static const char *const formats[][2] = {{"/eksport.csv", "CSV"},
                                                 {"/eksport-excel.csv", "CSV til Excel"},
                                                 {"/eksport.jsonl", "JSON Lines"},
                                                 {"/eksport.md", "Markdown"},
                                                 {"/eksport.html", "HTML-rapport"}};
        ref_buf_printf(b, "<p class=\"export\">Hent alle %u som ", r->total);
        for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
            ref_buf_puts(b, "<a ");
            put_href(b, formats[i][0], NULL, p, 0);
            ref_buf_puts(b, ">");
            put_text(b, formats[i][1]);
            ref_buf_puts(b, "</a> · ");
        }
        ref_buf_puts(b, "<a ");
        put_href(b, "/api/search", NULL, p, p->page);
        ref_buf_puts(b, ">JSON (API)</a></p>\n");
    }
    ref_buf_puts(b, "</div>\n");
    put_facets(b, r, p, 1);
    ref_buf_puts(b, "</div>\n");
}

void ref_web_page_search(const ref_web_search_view *v, ref_web_response *out)
{
    const ref_web_params *p = v->params;
    int searching = v->result || v->error;
    ref_buf title = REF_BUF_INIT;
    if (searching && p->journal && *p->journal) {
        ref_buf_puts(&title, "Sagsforløb ");
        ref_buf_puts(&title, p->journal);
        ref_buf_puts(&title, " – ");
    } else if (searching) {
        ref_buf_puts(&title, p->q);
        ref_buf_puts(&title, " – ");
    }
    ref_buf_puts(&title, "Referat");
    page_begin_feed(out, ref_buf_cstr(&title), searching ? p : NULL);
    ref_buf_inherit_failure(&out->body, &title); /* tests/fault/, web-page */
    ref_buf_free(&title);
    ref_buf *b = &out->body;
    put_form(p, v->bodies, b);
    if (p->journal && *p->journal) {
        ref_buf_puts(b, "<h1 class=\"thread\">Sagsforløb for sag ");
        put_text(b, p->journal);
        ref_buf_puts(b, "</h1>\n");
    }
    if (!searching) {
        put_intro(b);
    } else if (v->error) {
        out->status = v->error_status;
        ref_buf_puts(b, v->error_status == 400
                            ? "<p class=\"error\">Søgningen kan ikke forstås: "
                            : "<p class=\"error\">Søgningen kunne ikke udføres: ");
        put_text(b, v->error);
        ref_buf_puts(b, "</p>\n");
    } else {
        put_results(b, v->result, p);
    }
    page_end(out);
}

/* --- one punkt ------------------------------------------------------------------- */

/* TEXT with the spans of MARKS (a whole-text snippet, or NULL) in <mark>. */
static void put_text_marked(ref_buf *b, const ref_snippet *marks, const char *text)
{
    if (marks)
        put_marked(b, text, 0, strlen(text), marks->spans, marks->nspans, 0);
    else
        put_text(b, text);
}

static void put_meeting(ref_buf *b, ref_record *const *recs, size_t n, size_t at,
                        const ref_web_params *p)
{
    const ref_record *r = recs[at];
    ref_buf_puts(b, "<nav class=\"neighbours\" aria-label=\"Nabopunkter\"><p>");
    if (at > 0) {
        ref_buf_puts(b, "<a rel=\"prev\" ");
        put_href(b, "/punkt/", recs[at - 1]->id, p, p->page);
        ref_buf_puts(b, ">← Forrige punkt</a> ");
    }
    if (at + 1 < n) {
        ref_buf_puts(b, "<a rel=\"next\" ");
        put_href(b, "/punkt/", recs[at + 1]->id, p, p->page);
        ref_buf_puts(b, ">Næste punkt →</a>");
    }
    ref_buf_puts(b, "</p></nav>\n<aside class=\"meeting\"><h2>Mødet: ");
    put_text(b, r->body[0] ? r->body : "(ukendt udvalg)");
    ref_buf_puts(b, ", ");
    put_date(b, r->date);
    if (r->place && r->place[0]) {
        ref_buf_puts(b, ", ");
        put_text(b, r->place);
    }
    ref_buf_puts(b, "</h2>\n<ol>\n");
    for (size_t i = 0; i < n; i++) {
        ref_buf_puts(b, i == at ? "<li aria-current=\"page\">" : "<li>");
        if (recs[i]->punkt)
            ref_buf_printf(b, "Punkt %d: ", recs[i]->punkt);
        if (i != at) {
            ref_buf_puts(b, "<a ");
            put_href(b, "/punkt/", recs[i]->id, p, p->page);
            ref_buf_puts(b, ">");
        }
        put_text(b, recs[i]->title[0] ? recs[i]->title : "(uden titel)");
        ref_buf_puts(b, i != at ? "</a></li>\n" : "</li>\n");
    }
    ref_buf_puts(b, "</ol></aside>\n");
}

/* id="beslutning" on the last section of each kind (the punkt's own
 * decision is its last, so /punkt/ID#beslutning lands on it), id="beslutning-1"
 * … on earlier ones: every section has an anchor, and ids are unique. */
static void put_anchor(ref_buf *b, const ref_record *rec, size_t i)
{
    ref_section_kind kind = rec->sections[i].kind;
    size_t before = 0, after = 0;
    for (size_t k = 0; k < rec->nsections; k++)
        if (rec->sections[k].kind == kind)
        {
            if (k < i)
                before++;
            else if (k > i)
                after++;
        }
    ref_buf_printf(b, "id=\"%s", ref_citation_anchor(kind));
    if (after)
        ref_buf_printf(b, "-%zu", before + 1);
    ref_buf_putc(b, '"');
}

/* The line to paste when quoting the punkt, naming its decision if any. */
static void put_citation(ref_buf *b, const ref_record *rec)
{
    int decision = -1;
    for (size_t i = 0; i < rec->nsections; i++)
        if (rec->sections[i].kind == REF_SECTION_BESLUTNING)
            decision = (int)i;
    ref_buf cite = REF_BUF_INIT;
    ref_citation(rec, decision, &cite);
    ref_buf_puts(b, "<p class=\"citation\">Citér: <q>");
    put_text(b, ref_buf_cstr(&cite));
    ref_buf_puts(b, "</q></p>\n");
    ref_buf_free(&cite);
}

void ref_web_page_punkt(const ref_web_punkt_view *v, ref_web_response *out)
{
    const ref_web_params *p = v->params;
    const ref_record *rec = v->record;
    page_begin(out, rec->title[0] ? rec->title : "Punkt");
    ref_buf *b = &out->body;
    if (p->q && *p->q) {
        ref_buf_puts(b, "<p><a ");
        put_href(b, "/", NULL, p, p->page);
        ref_buf_puts(b, ">← Tilbage til søgningen</a></p>\n");
    }
    ref_buf_puts(b, "<article class=\"punkt\">\n<h1>");
    if (rec->title[0])
        put_text_marked(b, v->marks ? &v->marks[0] : NULL, rec->title);
    else
        put_text(b, "(uden titel)");
    ref_buf_puts(b, "</h1>\n<p class=\"meta\">");
    put_text(b, rec->body[0] ? rec->body : "(ukendt udvalg)");
    ref_buf_puts(b, " · ");
    put_date(b, rec->date);
    if (rec->punkt)
        ref_buf_printf(b, " · punkt %d", rec->punkt);
    put_case(b, rec);
    ref_buf_puts(b, "</p>\n");
    put_citation(b, rec);
    for (size_t i = 0; i < rec->nsections; i++) {
        const ref_record_section *sec = &rec->sections[i];
        ref_buf_puts(b, "<section ");
        put_anchor(b, rec, i);
        ref_buf_printf(b, " class=\"%s\"><h2>", ref_section_kind_key(sec->kind));
        if (sec->heading && sec->heading[0])
            put_text(b, sec->heading);
        else
            put_label(b, ref_section_kind_key(sec->kind));
        ref_buf_puts(b, "</h2>\n<div class=\"text\">");
        put_text_marked(b, v->marks ? &v->marks[1 + i] : NULL, sec->text);
        ref_buf_puts(b, "</div></section>\n");
    }
    /* The original, served by id (web.c's /kilde/); a PDF opens at the
     * punkt's page. */
    ref_buf_puts(b, "<p class=\"source\">Kilde: <a ");
    ref_buf u = REF_BUF_INIT;
    ref_buf_puts(&u, "/kilde/");
    ref_web_escape(&u, rec->id, strlen(rec->id));
    if (rec->page > 0)
        ref_buf_printf(&u, "#page=%d", rec->page);
    ref_buf_puts(b, "href=\"");
    put_text(b, ref_buf_cstr(&u));
    ref_buf_free(&u);
    ref_buf_puts(b, "\"><code>");
    put_text(b, rec->source);
    ref_buf_puts(b, "</code></a></p>\n</article>\n");
    for (size_t i = 0; i < v->nmeeting; i++)
        if (strcmp(v->meeting[i]->id, rec->id) == 0)
            put_meeting(b, v->meeting, v->nmeeting, i, p);
    page_end(out);
}
