#include "referat/present.h"

#include <string.h>

#include "referat/citation.h"
#include "referat/minutes.h"
#include "referat/outcome.h"

void ref_json_string(ref_buf *out, const char *s, size_t len)
{
    ref_buf_putc(out, '"');
    size_t run = 0; /* bytes copied verbatim in one go */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        ref_buf_append(out, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            ref_buf_puts(out, "\\\"");
            break;
        case '\\':
            ref_buf_puts(out, "\\\\");
            break;
        case '\n':
            ref_buf_puts(out, "\\n");
            break;
        case '\t':
            ref_buf_puts(out, "\\t");
            break;
        case '\r':
            ref_buf_puts(out, "\\r");
            break;
        default:
            ref_buf_printf(out, "\\u%04x", c);
            break;
        }
    }
    ref_buf_append(out, s + run, len - run);
    ref_buf_putc(out, '"');
}

static const char *snippet_text(const ref_hit *hit)
{
    return hit->section >= 0 ? hit->record->sections[hit->section].text : "";
}

/* Append TEXT[from, to) with newlines flattened to spaces: a snippet is one
 * line. Runs of whitespace become one space. */
static void put_flat(ref_buf *out, const char *text, size_t from, size_t to)
{
    int space = 0;
    for (size_t i = from; i < to; i++) {
        char c = text[i];
        if (c == '\n' || c == '\t' || c == ' ' || c == '\r') {
            space = 1;
            continue;
        }
        if (space && out->len && out->data[out->len - 1] != ' ')
            ref_buf_putc(out, ' ');
        space = 0;
        ref_buf_putc(out, c);
    }
    if (space)
        ref_buf_putc(out, ' ');
}

void ref_present_snippet(ref_buf *out, const ref_hit *hit, const char *open, const char *close)
{
    const char *text = snippet_text(hit);
    const ref_snippet *sn = &hit->snippet;
    if (hit->section < 0)
        return;
    if (sn->cut_start)
        ref_buf_puts(out, "…");
    size_t at = sn->start;
    for (size_t i = 0; i < sn->nspans; i++) {
        put_flat(out, text, at, sn->spans[i].start);
        ref_buf_puts(out, open);
        put_flat(out, text, sn->spans[i].start, sn->spans[i].end);
        ref_buf_puts(out, close);
        at = sn->spans[i].end;
    }
    put_flat(out, text, at, sn->end);
    /* Trim a trailing space left by flattening. */
    while (out->len && out->data[out->len - 1] == ' ')
        ref_buf_truncate(out, out->len - 1);
    if (sn->cut_end)
        ref_buf_puts(out, "…");
}

static void json_key_str(ref_buf *out, const char *key, const char *value)
{
    ref_buf_printf(out, ",\"%s\":", key);
    ref_json_string(out, value ? value : "", value ? strlen(value) : 0);
}

/* ,"outcome":["godkendt",…] — the decision's labels (outcome.h); [] for a
 * punkt without a decision. */
static void json_outcome(ref_buf *out, const ref_record *r)
{
    ref_outcome_set set = ref_outcome_of_record(r);
    ref_buf_puts(out, ",\"outcome\":[");
    int first = 1;
    for (int l = 0; l < REF_OUTCOME_COUNT; l++)
        if (set & (1u << l)) {
            ref_buf_printf(out, "%s\"%s\"", first ? "" : ",", ref_outcome_key((ref_outcome)l));
            first = 0;
        }
    ref_buf_putc(out, ']');
}

/* ", Godkendt, Oversendt" for the text output, nothing without a decision. */
static void text_outcome(ref_buf *out, const ref_record *r, const char *lead)
{
    ref_outcome_set set = ref_outcome_of_record(r);
    if (!set)
        return;
    ref_buf_puts(out, lead);
    ref_outcome_words(set, out);
}

void ref_present_json_hit(ref_buf *out, const ref_hit *hit)
{
    const ref_record *r = hit->record;
    ref_buf tmp = REF_BUF_INIT;
    ref_buf_printf(out, "{\"rank\":%u,\"score\":%.6g", hit->rank, hit->score);
    json_key_str(out, "id", r->id);
    json_key_str(out, "body", r->body);
    json_key_str(out, "date", r->date);
    ref_buf_printf(out, ",\"punkt\":%d", r->punkt);
    json_key_str(out, "title", r->title);
    json_key_str(out, "journal", r->journal);
    json_key_str(out, "section",
                 hit->section >= 0 ? ref_section_kind_key(r->sections[hit->section].kind) : "");
    ref_present_snippet(&tmp, hit, "<mark>", "</mark>");
    json_key_str(out, "snippet", ref_buf_cstr(&tmp));
    ref_buf_reset(&tmp);
    ref_present_snippet(&tmp, hit, "", "");
    json_key_str(out, "snippet_text", ref_buf_cstr(&tmp));
    /* A snippet cut short by a failed allocation fails the hit (an empty or
     * clipped snippet once went out with success: tests/fault/, export-jsonl). */
    ref_buf_inherit_failure(out, &tmp);
    ref_buf_puts(out, ",\"matches\":[");
    const char *text = snippet_text(hit);
    for (size_t i = 0; i < hit->snippet.nspans; i++) {
        const ref_span *sp = &hit->snippet.spans[i];
        if (i)
            ref_buf_putc(out, ',');
        ref_json_string(out, text + sp->start, sp->end - sp->start);
    }
    ref_buf_putc(out, ']');
    json_outcome(out, r);
    ref_buf_reset(&tmp);
    ref_citation(r, hit->section, &tmp);
    json_key_str(out, "citation", ref_buf_cstr(&tmp));
    json_key_str(out, "source", r->source);
    json_key_str(out, "municipality", r->municipality);
    ref_buf_printf(out, ",\"unstructured\":%s",
                   (r->flags & REF_RECORD_UNSTRUCTURED) ? "true" : "false");
    int page = r->page;
    if (hit->section >= 0 && r->section_pages && r->section_pages[hit->section])
        page = r->section_pages[hit->section];
    if (page > 0)
        ref_buf_printf(out, ",\"page\":%d", page);
    if (hit->missing) {
        /* A partial match (search.h): the query words it lacks. */
        ref_buf_puts(out, ",\"partial\":true,\"missing\":[");
        for (const char *w = hit->missing; *w;) {
            size_t n = strcspn(w, " ");
            if (w != hit->missing)
                ref_buf_putc(out, ',');
            ref_json_string(out, w, n);
            w += n + (w[n] == ' ');
        }
        ref_buf_putc(out, ']');
    }
    ref_buf_puts(out, "}\n");
    ref_buf_free(&tmp);
}

/* "[beslutning] … snippet …" on one line after INDENT, matches in red on
 * a terminal. */
static void text_snippet_line(ref_buf *out, const ref_hit *hit, const ref_present_opts *opts,
                              const char *indent)
{
    const ref_record *r = hit->record;
    ref_buf_printf(out, "%s[%s] ", indent, ref_section_kind_key(r->sections[hit->section].kind));
    if (opts->color)
        ref_present_snippet(out, hit, "\033[1;31m", "\033[0m");
    else
        ref_present_snippet(out, hit, "", "");
    ref_buf_putc(out, '\n');
}

void ref_present_text_hit(ref_buf *out, const ref_hit *hit, const ref_present_opts *opts)
{
    const ref_record *r = hit->record;
    const char *bold = opts->color ? "\033[1m" : "";
    const char *dim = opts->color ? "\033[2m" : "";
    const char *reset = opts->color ? "\033[0m" : "";
    ref_buf_printf(out, "%u. %s%s%s", hit->rank, bold, r->title[0] ? r->title : "(uden titel)",
                   reset);
    ref_buf_putc(out, '\n');
    ref_buf_printf(out, "   %s%s %s, ", dim, r->body[0] ? r->body : "(ukendt udvalg)",
                   r->date[0] ? r->date : "(ukendt dato)");
    /* An unstructured hit is a page (or a whole file), not a punkt. */
    if (r->flags & REF_RECORD_UNSTRUCTURED)
        ref_buf_printf(out, r->page ? "side %d, tekst uden punkter" : "tekst uden punkter",
                       r->page);
    else
        ref_buf_printf(out, "punkt %d", r->punkt);
    if (r->municipality[0])
        ref_buf_printf(out, ", %s", r->municipality);
    if (r->journal[0])
        ref_buf_printf(out, ", sagsnr. %s", r->journal);
    text_outcome(out, r, ", udfald: ");
    /* A search of filters alone (udvalg:chefforum) ranks nothing: no
     * score to show. */
    if (hit->score > 0)
        ref_buf_printf(out, " (score %.2f)", hit->score);
    ref_buf_printf(out, "%s\n", reset);
    if (hit->section >= 0)
        text_snippet_line(out, hit, opts, "   ");
    if (opts->show_source)
        ref_buf_printf(out, "   %s%s%s\n", dim, r->source, reset);
}

void ref_present_text_timeline_hit(ref_buf *out, const ref_hit *hit,
                                   const ref_present_opts *opts, int whole_decision)
{
    const ref_record *r = hit->record;
    const char *bold = opts->color ? "\033[1m" : "";
    const char *dim = opts->color ? "\033[2m" : "";
    const char *reset = opts->color ? "\033[0m" : "";
    ref_buf_printf(out, "%s  %s, punkt %d: %s%s%s\n", r->date[0] ? r->date : "(ukendt dato)",
                   r->body[0] ? r->body : "(ukendt udvalg)", r->punkt, bold,
                   r->title[0] ? r->title : "(uden titel)", reset);
    if (r->journal[0])
        ref_buf_printf(out, "    %ssagsnr. %s%s\n", dim, r->journal, reset);
    if (ref_outcome_of_record(r)) {
        text_outcome(out, r, "    Udfald: ");
        ref_buf_putc(out, '\n');
    }
    ref_buf decision = REF_BUF_INIT;
    if (whole_decision)
        ref_record_decision(r, &decision);
    if (decision.len) {
        /* The decision as written, each line indented under the punkt. */
        ref_buf_puts(out, "    Beslutning:\n");
        const char *t = ref_buf_cstr(&decision);
        while (*t) {
            size_t n = strcspn(t, "\n");
            if (n)
                ref_buf_puts(out, "      ");
            ref_buf_append(out, t, n);
            ref_buf_putc(out, '\n');
            t += n + (t[n] == '\n');
        }
    } else if (hit->section >= 0) {
        text_snippet_line(out, hit, opts, "    ");
    }
    ref_buf_free(&decision);
    if (opts->show_source)
        ref_buf_printf(out, "    %s%s%s\n", dim, r->source, reset);
}

/* Danish headings of the facet kinds, for people, padded to one width in
 * characters (printf pads bytes, and "År" has a two-byte letter). */
static const char *facet_heading(ref_facet_kind kind)
{
    switch (kind) {
    case REF_FACET_YEAR:
        return "År:       ";
    case REF_FACET_BODY:
        return "Udvalg:   ";
    case REF_FACET_SECTION:
        return "Fundet i: ";
    case REF_FACET_MUNICIPALITY:
        return "Kommune:  ";
    case REF_FACET_OUTCOME:
        return "Udfald:   ";
    case REF_FACET_KINDS:
        break;
    }
    return "?";
}

void ref_present_text_facets(ref_buf *out, const ref_search_result *r)
{
    if (!r->has_facets)
        return;
    ref_buf_printf(out, "Fordeling af alle %u punkter:\n", r->total);
    for (int k = 0; k < REF_FACET_KINDS; k++) {
        const ref_facet *f = &r->facets[k];
        ref_buf_printf(out, "  %s", facet_heading((ref_facet_kind)k));
        if (f->nvalues == 0)
            ref_buf_puts(out, "(ingen)");
        for (size_t i = 0; i < f->nvalues; i++)
            ref_buf_printf(out, "%s%s (%u)", i ? ", " : "", f->values[i].value, f->values[i].count);
        ref_buf_putc(out, '\n');
    }
}

void ref_present_json_facets(ref_buf *out, const ref_search_result *r)
{
    ref_buf_puts(out, "{\"facets\":{");
    for (int k = 0; k < REF_FACET_KINDS; k++) {
        const ref_facet *f = &r->facets[k];
        ref_buf_printf(out, "%s\"%s\":{", k ? "," : "", ref_facet_name((ref_facet_kind)k));
        for (size_t i = 0; i < f->nvalues; i++) {
            if (i)
                ref_buf_putc(out, ',');
            ref_json_string(out, f->values[i].value, strlen(f->values[i].value));
            ref_buf_printf(out, ":%u", f->values[i].count);
        }
        ref_buf_putc(out, '}');
    }
    ref_buf_puts(out, "}}\n");
}
