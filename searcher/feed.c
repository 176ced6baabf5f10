/* feed.c — /feed.atom?q=…: an Atom 1.0 feed (RFC 4287) of a search.
 * A pure renderer, like web_page.c: web.c searches and hands it the hits.
 *
 * The same parameters as the search page; the newest matching punkter
 * first (decisions only with beslutninger=1, as on the page). Each entry's
 * id is the punkt id, which stays the same for a file and punkt across
 * re-indexing, so a feed reader shows a punkt once; updated is the meeting
 * date; the title holds committee, date and punkt title; the summary the
 * decision text, else the snippet; the link goes to the punkt page. A
 * reader polls the feed to follow a topic ("udbud") with no mail system. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referat/citation.h"
#include "referat/export.h"
#include "referat/outcome.h"
#include "web_internal.h"

/* S escaped for XML text and attributes. XML 1.0 allows no C0 control
 * character but tab and line breaks (a PDF's form feed would make the
 * feed unreadable): those become spaces. */
static void xml_text(ref_buf *b, const char *s, size_t len)
{
    size_t from = 0;
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = i < len ? (unsigned char)s[i] : 0;
        if (i < len && (c >= 0x20 || c == '\t' || c == '\n' || c == '\r'))
            continue;
        ref_export_html_escape(b, s + from, i - from);
        if (i < len)
            ref_buf_putc(b, ' ');
        from = i + 1;
    }
}

static void xml_str(ref_buf *b, const char *s) { xml_text(b, s ? s : "", s ? strlen(s) : 0); }

/* RFC 3339 for a meeting date "YYYY-MM-DD"; the epoch when unknown. */
static void put_updated(ref_buf *b, const char *date)
{
    if (date && strlen(date) == 10)
        ref_buf_printf(b, "%sT00:00:00Z", date);
    else
        ref_buf_puts(b, "1970-01-01T00:00:00Z");
}

/* "/punkt/ID" or "/sag/J" with the id escaped as a path segment. */
static void put_path(ref_buf *b, const char *path, const char *id)
{
    ref_buf u = REF_BUF_INIT;
    ref_buf_puts(&u, path);
    ref_web_escape(&u, id, strlen(id));
    xml_text(b, ref_buf_cstr(&u), u.len);
    ref_buf_free(&u);
}

static void put_entry(ref_buf *b, const ref_hit *h)
{
    const ref_record *r = h->record;
    ref_buf tmp = REF_BUF_INIT;
    ref_buf_puts(b, "<entry>\n<id>urn:referat:punkt:");
    ref_web_escape(&tmp, r->id, strlen(r->id));
    xml_text(b, ref_buf_cstr(&tmp), tmp.len);
    ref_buf_puts(b, "</id>\n<title>");
    ref_buf_reset(&tmp);
    ref_buf_puts(&tmp, r->body[0] ? r->body : "(ukendt udvalg)");
    ref_buf_puts(&tmp, ", ");
    ref_citation_date(r->date[0] ? r->date : "ukendt dato", &tmp);
    ref_buf_puts(&tmp, ": ");
    ref_buf_puts(&tmp, r->title[0] ? r->title : "(uden titel)");
    xml_text(b, ref_buf_cstr(&tmp), tmp.len);
    ref_buf_puts(b, "</title>\n<updated>");
    put_updated(b, r->date);
    ref_buf_puts(b, "</updated>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    put_path(b, "/punkt/", r->id);
    ref_buf_puts(b, "\"/>\n");
    ref_outcome_set set = ref_outcome_of_record(r);
    for (int l = 0; l < REF_OUTCOME_COUNT; l++)
        if (set & (1u << l))
            ref_buf_printf(b, "<category term=\"%s\" label=\"%s\"/>\n",
                           ref_outcome_key((ref_outcome)l), ref_outcome_word((ref_outcome)l));
    ref_buf_reset(&tmp);
    ref_record_decision(r, &tmp);
    if (!tmp.len && h->section >= 0) {
        const ref_snippet *sn = &h->snippet;
        ref_buf_append(&tmp, r->sections[h->section].text + sn->start, sn->end - sn->start);
    }
    ref_buf_puts(b, "<summary type=\"text\">");
    xml_text(b, ref_buf_cstr(&tmp), tmp.len);
    ref_buf_puts(b, "</summary>\n<content type=\"text\">");
    ref_buf_reset(&tmp);
    ref_citation(r, h->section, &tmp);
    xml_text(b, ref_buf_cstr(&tmp), tmp.len);
    ref_buf_puts(b, "</content>\n</entry>\n");
    ref_buf_free(&tmp);
}

void ref_web_feed_render(const ref_web_params *p, const ref_search_result *r,
                         ref_web_response *out)
{
    ref_buf *b = &out->body;
    ref_buf_reset(b);
    out->content_type = "application/atom+xml; charset=utf-8";
    /* The feed's id is its search (every parameter): the same search, the
     * same feed; its page is the search page. */
    ref_buf state = REF_BUF_INIT;
    ref_web_state(&state, p);
    ref_buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<id>urn:referat:feed:");
    xml_text(b, ref_buf_cstr(&state), state.len);
    ref_buf_puts(b, "</id>\n<title>Referat: ");
    xml_str(b, p->q);
    if (p->decisions)
        ref_buf_puts(b, " (beslutninger)");
    ref_buf_puts(b, "</title>\n<updated>");
    put_updated(b, r->nhits ? r->hits[0].record->date : NULL);
    ref_buf_puts(b, "</updated>\n<author><name>Referat</name></author>\n"
                    "<link rel=\"alternate\" type=\"text/html\" href=\"/");
    xml_text(b, ref_buf_cstr(&state), state.len);
    /* RFC 4287 asks a feed to name its own address. */
    ref_buf_puts(b, "\"/>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"/feed.atom");
    xml_text(b, ref_buf_cstr(&state), state.len);
    ref_buf_free(&state);
    ref_buf_puts(b, "\"/>\n");
    for (size_t i = 0; i < r->nhits; i++)
        put_entry(b, &r->hits[i]);
    ref_buf_puts(b, "</feed>\n");
    if (ref_buf_status(b) != REF_OK)
        ref_web_page_error(out, 500, "Ikke nok hukommelse", "Feedet kunne ikke laves.");
}
