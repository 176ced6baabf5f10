/* minutes_explain.c — ref_meeting_explain(): a person-readable account of
 * what the parser understood, for `referat-index --explain`. Reads only
 * the public ref_meeting. */
#include "minutes_int.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- what the parser understood ---------------------------------------- */

enum { EXPLAIN_FIRST_WORDS = 12 };

/* The first EXPLAIN_FIRST_WORDS words of TEXT on one line, whole words
 * only (so never a cut UTF-8 character), "…" if more follow. */
static void put_first_words(ref_buf *out, const char *text)
{
    size_t n = strlen(text), i = 0;
    for (size_t words = 0; words < EXPLAIN_FIRST_WORDS; words++) {
        while (i < n && (text[i] == '\n' || space_width(text + i, n - i)))
            i += text[i] == '\n' ? 1 : space_width(text + i, n - i);
        if (i >= n)
            return;
        if (words)
            ref_buf_putc(out, ' ');
        size_t start = i;
        while (i < n && text[i] != '\n' && !space_width(text + i, n - i))
            i++;
        ref_buf_append(out, text + start, i - start);
    }
    while (i < n && (text[i] == '\n' || space_width(text + i, n - i)))
        i += text[i] == '\n' ? 1 : space_width(text + i, n - i);
    if (i < n)
        ref_buf_puts(out, " …");
}

static const char *or_none(const char *s)
{
    return s && s[0] ? s : "(none)";
}

void ref_meeting_explain(const ref_meeting *m, ref_buf *out)
{
    ref_buf_printf(out, "meeting\n  municipality: %s\n  body: %s\n  date: %s\n  place: %s\n",
                   or_none(m->municipality), or_none(m->body), or_none(m->date), or_none(m->place));
    if (m->date_rule[0] || m->body_rule[0] || m->municipality_rule[0])
        ref_buf_printf(out, "  decided: date by %s; body by %s; municipality by %s\n",
                       or_none(m->date_rule), or_none(m->body_rule), or_none(m->municipality_rule));
    if (m->header_lines[0]) {
        ref_buf_puts(out, "  header lines kept as text: ");
        put_first_words(out, m->header_lines);
        ref_buf_putc(out, '\n');
    }
    if (m->heading[0])
        ref_buf_printf(out, "  first line: %s\n", m->heading);
    if (m->npages)
        ref_buf_printf(out, "  pages: %zu\n", m->npages);
    size_t closed = 0, header = 0;
    for (size_t i = 0; i < m->npunkter; i++) {
        closed += m->punkter[i].closed != 0;
        header += m->punkter[i].header != 0;
    }
    ref_buf_printf(out, "structure: %s, %zu punkter (%zu closed)%s\n",
                   m->unstructured ? "unstructured (no punkter recognised; indexed per page or "
                                     "as one document)"
                                   : "structured",
                   m->npunkter - header, closed,
                   header ? "; header text kept as one more document" : "");
    for (size_t i = 0; i < m->npunkter; i++) {
        const ref_punkt *pk = &m->punkter[i];
        if (pk->header)
            ref_buf_puts(out, "header text (kept, not a punkt)");
        else
            ref_buf_printf(out, "punkt %d", pk->number);
        if (pk->prefix[0])
            ref_buf_printf(out, " [%s]", pk->prefix);
        ref_buf_printf(out, ": %s\n  line %zu", pk->title[0] ? pk->title : "(no title)", pk->line);
        if (pk->page)
            ref_buf_printf(out, ", page %d", pk->page);
        ref_buf_printf(out, ", journal %s%s%s\n", or_none(pk->journal),
                       pk->closed ? ", CLOSED: title only, no text indexed" : "",
                       pk->listed ? ", LISTED in the table of contents only: title only" : "");
        for (size_t k = 0; k < pk->nsections; k++) {
            const ref_section *sec = &pk->sections[k];
            ref_buf_printf(out, "  - %s", ref_section_kind_key(sec->kind));
            if (sec->heading[0])
                ref_buf_printf(out, " \"%s\"", sec->heading);
            ref_buf_printf(out, " (line %zu", sec->line);
            if (sec->page)
                ref_buf_printf(out, ", page %d", sec->page);
            ref_buf_puts(out, "): ");
            put_first_words(out, sec->text);
            ref_buf_putc(out, '\n');
        }
    }
    if (m->nfurniture) {
        ref_buf_puts(out, "page furniture left out (digits shown as #):\n");
        for (size_t i = 0; i < m->nfurniture; i++)
            ref_buf_printf(out, "  %zux \"%s\"\n", m->furniture[i].count, m->furniture[i].text);
    } else {
        ref_buf_puts(out, "page furniture left out: none\n");
    }
    if (m->nwarnings) {
        ref_buf_puts(out, "warnings:\n");
        for (size_t i = 0; i < m->nwarnings; i++) {
            if (m->warnings[i].line)
                ref_buf_printf(out, "  line %zu: %s\n", m->warnings[i].line,
                               m->warnings[i].message);
            else
                ref_buf_printf(out, "  %s\n", m->warnings[i].message);
        }
    }
}
