/* minutes.c — minutes text → meeting, punkter, sections (see minutes.h); the
 * core of the parser, its other parts named in minutes_int.h.
 *
 * A pre-pass over the lines counts pages, finds page furniture (lines that
 * stand at the top or bottom of most pages) and tells which punkt style the
 * file uses; then one forward pass with one line of lookahead, no recursion
 * and no per-line storage: memory is the size of the output (plus four
 * candidate lines per page), and every test on a line looks at a bounded
 * prefix of it, so a 50 MB single-line file costs a few linear scans. What
 * the parser recognises lives in tables — punkt-line patterns, journal
 * labels, header labels, body-name endings, municipality names, closed
 * markers and the heading grammar — so other municipalities' layouts are new
 * rows, not new code paths.
 *
 * The line reader splits lines longer than LONG_LINE_BYTES before punkt
 * markers and around headings in capitals, and a word hyphenated at a line
 * end is joined onto its line. A line then goes through these questions:
 *   1. page furniture?              → left out
 *   2. blank?                       → paragraph break
 *   3. "Lukket dagsorden" / "Åben dagsorden"? → closed part on / off
 *   4. a punkt line ("Punkt 3: …", "Pkt. 3", "Sag nr. 3", "3. Title")?
 *      Right under a punkt line, the same punkt line again, a closed marker,
 *      a missing title or the title repeated are the punkt's own lines.
 *      Otherwise → closes the punkt, opens the next
 *   5. before the first punkt?      → header (first line, labels such as
 *                                     Mødedato/Udvalg/Sted, body names, table
 *                                     of contents); on a page of one item
 *                                     without punkt lines the first other
 *                                     line (or heading) starts its punkt;
 *                                     other header text is kept (keep_header_text)
 *   6. first line after a punkt line and shaped like a journal number?
 *   7. a heading (see classify_heading, dated_decision_line)?
 *   8. otherwise text of the current section (REF_SECTION_NONE if none).
 * Closed punkter take no text at all. At the end, table-of-contents entries
 * are dropped, and ref_minutes_parse_with_fallback() turns a text without
 * punkter into one punkt per page or file. */
#include "referat/minutes.h"

#include "minutes_int.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the meeting's arena ---------------------------------------------- */

static char *arena_strndup(meeting_impl *m, const char *s, size_t n)
{
    arena_block *b = m->blocks;
    if (!b || b->cap - b->used < n + 1) {
        size_t cap = n + 1 > 65536 ? n + 1 : 65536;
        arena_block *nb = malloc(sizeof *nb + cap);
        if (!nb)
            return NULL;
        nb->used = 0;
        nb->cap = cap;
        /* A big string gets its own block behind the current one, so the
         * current block's free space is not abandoned. */
        if (b && cap > 65536) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            m->blocks = nb;
        }
        b = nb;
    }
    char *p = b->data + b->used;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    b->used += n + 1;
    return p;
}

void ref_meeting_free(ref_meeting *meeting)
{
    if (!meeting)
        return;
    meeting_impl *m = (meeting_impl *)meeting;
    for (size_t i = 0; i < meeting->npunkter; i++)
        free(meeting->punkter[i].sections);
    free(meeting->punkter);
    free(meeting->warnings);
    free(meeting->furniture);
    arena_block *b = m->blocks;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(m);
}

/* ---- the parser's state ----------------------------------------------- */

/* After a failure (p->rc set, sticky) this returns "", never NULL: the
 * parse runs on to its end, where rc is returned and the meeting freed, and
 * no field read on the way (mt->body[0], ...) is NULL (a crash found by
 * tests/fault/fault_paths.c, parse-txt). */
char *mn_pstrndup(parser *p, const char *s, size_t n)
{
    static char failed[1];
    if (p->rc != REF_OK)
        return failed;
    char *r = arena_strndup(p->m, s, n);
    if (!r) {
        p->rc = REF_ENOMEM;
        return failed;
    }
    return r;
}

int mn_grow(parser *p, void **arr, size_t *cap, size_t n, size_t size)
{
    if (p->rc != REF_OK)
        return 0;
    if (n < *cap)
        return 1;
    size_t ncap = *cap ? *cap * 2 : 8;
    if (ncap > SIZE_MAX / size) {
        p->rc = REF_ENOMEM;
        return 0;
    }
    void *q = realloc(*arr, ncap * size);
    if (!q) {
        p->rc = REF_ENOMEM;
        return 0;
    }
    *arr = q;
    *cap = ncap;
    return 1;
}

void mn_warn(parser *p, size_t lineno, const char *fmt, ...)
{
    ref_meeting *mt = &p->m->pub;
    if (p->rc != REF_OK || mt->nwarnings > MAX_WARNINGS)
        return;
    char msg[512]; /* headings in messages are at most MARKUP_HEADING_MAX_BYTES */
    if (mt->nwarnings == MAX_WARNINGS) {
        snprintf(msg, sizeof msg, "further warnings suppressed");
        lineno = 0;
    } else {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
    }
    if (!mn_grow(p, (void **)&mt->warnings, &p->cap_warnings, mt->nwarnings, sizeof *mt->warnings))
        return;
    char *s = mn_pstrndup(p, msg, strlen(msg));
    if (!s)
        return;
    mt->warnings[mt->nwarnings].line = lineno;
    mt->warnings[mt->nwarnings].message = s;
    mt->nwarnings++;
}

ref_punkt *mn_cur_punkt(parser *p)
{
    return p->have_punkt ? &p->m->pub.punkter[p->m->pub.npunkter - 1] : NULL;
}

/* ---- sections --------------------------------------------------------- */

static void close_section(parser *p)
{
    ref_punkt *pk = mn_cur_punkt(p);
    if (!p->have_section || !pk || p->rc != REF_OK)
        return;
    p->have_section = 0;
    const char *t = ref_buf_cstr(&p->text);
    size_t n = p->text.len;
    trim(&t, &n);
    if (!mn_grow(p, (void **)&pk->sections, &p->cap_sections, pk->nsections, sizeof *pk->sections))
        return;
    char *text = mn_pstrndup(p, t, n);
    if (!text)
        return;
    ref_section *sec = &pk->sections[pk->nsections++];
    sec->kind = p->kind;
    sec->heading = (char *)p->heading;
    sec->text = text;
    sec->line = p->heading_line;
    sec->page = p->heading_page;
    ref_buf_reset(&p->text);
}

static int punkt_closed(parser *p);

static void open_section(parser *p, ref_section_kind kind, const char *heading, size_t hn,
                         size_t lineno, int level)
{
    close_section(p);
    if (punkt_closed(p))
        return; /* a closed item keeps its title only */
    const char *h = mn_pstrndup(p, heading, hn);
    if (!h)
        return;
    p->have_section = 1;
    p->kind = kind;
    p->heading = h;
    p->heading_line = lineno;
    p->heading_page = p->cur_page;
    p->heading_level = level;
    p->pending_blank = 0;
}

static void append_text(parser *p, const char *s, size_t n, size_t lineno)
{
    if (punkt_closed(p))
        return;
    if (!p->have_section)
        open_section(p, REF_SECTION_NONE, "", 0, lineno, LEVEL_PLAIN);
    if (p->text.len)
        ref_buf_puts(&p->text, p->pending_blank ? "\n\n" : "\n");
    ref_buf_append(&p->text, s, n);
    p->pending_blank = 0;
    if (ref_buf_status(&p->text) != REF_OK)
        p->rc = REF_ENOMEM;
}

static int punkt_closed(parser *p)
{
    ref_punkt *pk = mn_cur_punkt(p);
    return pk && pk->closed;
}

/* Close the current punkt after the fact ("Lukket punkt" under its line):
 * whatever text it collected is dropped, never stored. */
static void close_punkt_now(parser *p)
{
    ref_punkt *pk = mn_cur_punkt(p);
    if (!pk)
        return;
    pk->closed = 1;
    pk->nsections = 0;
    p->have_section = 0;
    ref_buf_reset(&p->text);
}

static int punkt_has_text(const ref_punkt *pk)
{
    for (size_t i = 0; i < pk->nsections; i++)
        if (pk->sections[i].text[0])
            return 1;
    return 0;
}

static void finish_punkt(parser *p)
{
    ref_punkt *pk = mn_cur_punkt(p);
    if (!pk)
        return;
    close_section(p);
    if (!pk->title[0])
        mn_warn(p, pk->line, "punkt %d has no title", pk->number);
    if (pk->closed)
        return; /* no text, by design */
    if (!punkt_has_text(pk)) {
        mn_warn(p, pk->line, "punkt %d has no text", pk->number);
        return;
    }
    for (size_t i = 0; i < pk->nsections; i++)
        if (!pk->sections[i].text[0])
            mn_warn(p, pk->sections[i].line, "heading \"%s\" has no text", pk->sections[i].heading);
}

static void check_number(parser *p, const punkt_line *pl, size_t lineno)
{
    if (pl->too_large) {
        mn_warn(p, lineno, "punkt number too large; stored as 0");
        return;
    }
    if (pl->number == 0) {
        mn_warn(p, lineno, "punkt line without a number");
        return;
    }
    size_t num = (size_t)pl->number;
    if (num >= p->first_line_cap) {
        size_t ncap = p->first_line_cap ? p->first_line_cap : 64;
        while (ncap <= num)
            ncap *= 2;
        size_t *q = realloc(p->first_line_of, ncap * sizeof *q);
        if (!q) {
            p->rc = REF_ENOMEM;
            return;
        }
        memset(q + p->first_line_cap, 0, (ncap - p->first_line_cap) * sizeof *q);
        p->first_line_of = q;
        p->first_line_cap = ncap;
    }
    if (p->first_line_of[num]) {
        mn_warn(p, lineno, "punkt %d appears again (first at line %zu)", pl->number,
                p->first_line_of[num]);
    } else {
        p->first_line_of[num] = lineno;
        if (p->prev_number && pl->number != p->prev_number + 1)
            mn_warn(p, lineno, "punkt %d follows punkt %d: out of sequence", pl->number,
                    p->prev_number);
    }
    p->prev_number = pl->number;
}

static void start_punkt(parser *p, const punkt_line *pl, size_t lineno)
{
    /* A case number right above this punkt line is this punkt's, even if
     * the punkt before took it (Faaborg-Midtfyn writes it above). */
    int pending = p->pending_journal && p->pending_journal_line == p->line_before;
    ref_punkt *prev = mn_cur_punkt(p);
    if (pending && prev && prev->journal == p->pending_journal)
        prev->journal = (char *)""; /* strings are arena-owned or static */
    finish_punkt(p);
    ref_meeting *mt = &p->m->pub;
    if (!mn_grow(p, (void **)&mt->punkter, &p->cap_punkter, mt->npunkter, sizeof *mt->punkter))
        return;
    ref_punkt *pk = &mt->punkter[mt->npunkter];
    memset(pk, 0, sizeof *pk);
    size_t plen, toff;
    mn_split_prefix(pl->rest, pl->nrest, &plen, &toff);
    const char *t = pl->rest + toff;
    size_t tn = pl->nrest - toff;
    trim(&t, &tn);
    tn = mn_strip_leaders(t, tn); /* "Titel ........ 5": the contents' leader */
    pk->prefix = mn_pstrndup(p, pl->rest, plen);
    pk->title = mn_pstrndup(p, t, tn);
    pk->journal = mn_pstrndup(p, "", 0);
    if (pending)
        pk->journal = (char *)p->pending_journal;
    p->pending_journal = NULL;
    if (p->rc != REF_OK)
        return;
    pk->number = pl->number;
    pk->line = lineno;
    pk->page = p->cur_page;
    pk->closed = p->closed_part || mn_closed_marker(pl->rest, pl->nrest);
    mt->npunkter++;
    p->have_punkt = 1;
    p->cap_sections = 0;
    p->have_section = 0;
    p->expect_journal = 1;
    p->journal_lines = JOURNAL_SEARCH_LINES + 1; /* the punkt line counts */
    if (!p->implicit_punkt)
        check_number(p, pl, lineno);
}

/* May an unknown heading-like line open a REF_SECTION_OTHER section here?
 *
 * Getting this wrong is not symmetric. A sub-heading left in its section's
 * text loses nothing: the words stay in the right field. A sub-heading taken
 * for a section heading moves the rest of the section into "andet": in
 * corpus/001 punkt 3 the decision has sub-headings "Afdelingsprofiler",
 * "Konto 6", "Lokaler", and cutting there would hide most of the decision
 * from a Beslutning search. So inside a known section (Anledning … Bilag) an
 * unknown heading is a sub-heading and stays text, unless markup ranks it
 * at least as high as the heading that opened the section ("## Økonomi"
 * after "## Beslutning"). Where no known heading rules — before the first
 * heading of a punkt, or in another unknown section — a heading-like line
 * standing alone between blank lines opens a section. Pinned by
 * test_subheadings_stay_in_decision and the heading table in
 * tests/test_minutes.c. */
static int may_open_other(const parser *p, const line *ln, const line *next)
{
    int standalone = p->at_paragraph && (!next->present || next->n == 0);
    if (ln->level == LEVEL_PLAIN && !standalone)
        return 0;
    if (!p->have_section || p->kind == REF_SECTION_NONE || p->kind == REF_SECTION_OTHER)
        return 1;
    return ln->level != LEVEL_PLAIN && p->heading_level != LEVEL_PLAIN &&
           ln->level <= p->heading_level;
}

/* ---- the main loop ---------------------------------------------------- */

/* On a page of items without punkt lines, a decision ends an item: a known
 * heading after the Beslutning section (other than another decision line
 * of the same item's Bilag), or a heading of a kind the item already has,
 * starts the next item. */
static int implicit_item_ends(parser *p, ref_section_kind kind)
{
    ref_punkt *pk = mn_cur_punkt(p);
    if (!pk)
        return 0;
    /* a decision counts once it has text: empty headings in a row are one
     * item's, not many items' */
    int decided = p->have_section && p->kind == REF_SECTION_BESLUTNING && p->text.len;
    int seen_kind = p->have_section && p->kind == kind && kind != REF_SECTION_OTHER && p->text.len;
    for (size_t i = 0; i < pk->nsections; i++) {
        int texty = pk->sections[i].text[0] != '\0';
        decided |= pk->sections[i].kind == REF_SECTION_BESLUTNING && texty;
        seen_kind |= pk->sections[i].kind == kind && kind != REF_SECTION_OTHER && texty;
    }
    return kind != REF_SECTION_BILAG && (decided || seen_kind);
}

/* "Kultur- og Idrætsudvalget, 03-04-2019, pkt. 44": Roskilde heads the
 * decision with the body, the date and the punkt. It is this meeting's
 * decision when the date is the meeting's (or the meeting's is unknown);
 * with another date it quotes an earlier meeting (Faaborg-Midtfyn's
 * "Økonomiudvalget 2018-21, 28. oktober 2019, pkt. 452:") and stays text,
 * like "Beslutning fra …". */
static int dated_decision_line(parser *p, const line *ln)
{
    if (ln->n > SUFFIXED_HEADING_MAX_BYTES || !starts_upper(ln->s, ln->n))
        return 0;
    size_t e = ln->n;
    if (e && ln->s[e - 1] == ':')
        e--;
    size_t d = e;
    while (d > 0 && is_digit(ln->s[d - 1]))
        d--;
    if (d == e || d < 6 || !ci_equal(ln->s + d - 6, 6, ", pkt."))
        if (d < 7 || !ci_equal(ln->s + d - 7, 7, ", pkt. "))
            return 0;
    char date[11];
    size_t at;
    if (!ref_date_find(ln->s, d, date, &at))
        return 0;
    const char *mdate = p->m->pub.date;
    return !mdate[0] || strcmp(mdate, date) == 0;
}

static void heading_or_text(parser *p, const line *ln, const line *next)
{
    heading_match hm = mn_classify_heading(ln);
    if (hm.role != ROLE_KNOWN && hm.role != ROLE_QUOTE && dated_decision_line(p, ln)) {
        hm.role = ROLE_KNOWN;
        hm.kind = REF_SECTION_BESLUTNING;
        hm.heading_len = hm.text_off = ln->n;
    }
    int opens = hm.role == ROLE_KNOWN || (hm.role == ROLE_UNKNOWN && may_open_other(p, ln, next));
    if (!opens) {
        append_text(p, ln->s, ln->n, ln->no);
        p->at_paragraph = 0;
        return;
    }
    if (hm.role == ROLE_KNOWN && p->implicit_punkt && implicit_item_ends(p, hm.kind)) {
        punkt_line pl = {0, 0, "", 0};
        start_punkt(p, &pl, ln->no);
    }
    const char *h = ln->s;
    size_t hn = hm.heading_len;
    trim(&h, &hn);
    open_section(p, hm.kind, h, hn, ln->no, ln->level);
    if (hm.text_off < ln->n) {
        append_text(p, ln->s + hm.text_off, ln->n - hm.text_off, ln->no);
        p->at_paragraph = 0;
    } else {
        p->at_paragraph = 1;
    }
}

/* Is LN a punkt line here? Keyword forms always; "N. Title" only in a file
 * without keyword forms, with numbers rising by at most NUMBERED_MAX_STEP,
 * or starting again at 1 after a punkt with no text (the table of contents
 * ran before the punkter). */
static int punkt_line_here(parser *p, const line *ln, punkt_line *pl)
{
    if (mn_match_punkt_line(ln, pl))
        return 1;
    if (!p->numbered_ok || !mn_match_numbered_punkt(ln, pl))
        return 0;
    ref_punkt *pk = mn_cur_punkt(p);
    if (!pk || p->prev_number == 0)
        return 1;
    if (pl->number > p->prev_number && pl->number <= p->prev_number + NUMBERED_MAX_STEP)
        return 1;
    if (pl->number > p->prev_number)
        return 0;
    if (!p->have_section && pk->nsections == 0)
        return 1;
    /* The same "N. Title" as an earlier line: that one was a table of
     * contents, with other header text after it. */
    const ref_meeting *mt = &p->m->pub;
    const char *t = pl->rest;
    size_t tn = pl->nrest;
    trim(&t, &tn);
    for (size_t i = 0; i < mt->npunkter; i++)
        if (mt->punkter[i].number == pl->number && ci_equal(t, tn, mt->punkter[i].title) &&
            tn == strlen(mt->punkter[i].title))
            return 1;
    return 0;
}

/* Lines right under a punkt line, before any text: the same punkt written
 * again ("Pkt. 42" under "• Pkt. 42 Titel"), a closed marker, the title
 * when the punkt line had none, or the title repeated. 1 if LN was one. */
/* Has the current punkt only text before any heading so far? */
static int only_untitled_text(parser *p, const ref_punkt *pk)
{
    if (p->have_section && p->kind != REF_SECTION_NONE)
        return 0;
    for (size_t i = 0; i < pk->nsections; i++)
        if (pk->sections[i].kind != REF_SECTION_NONE)
            return 0;
    return 1;
}

static int punkt_preamble(parser *p, const line *ln, const punkt_line *pl, int is_punkt)
{
    ref_punkt *pk = mn_cur_punkt(p);
    if (!pk)
        return 0;
    if (is_punkt) {
        /* "Pkt. 44" again after a line of attachment names: still 44 */
        if (pl->number != pk->number || pl->number == 0 || !only_untitled_text(p, pk))
            return 0;
        const char *t = pl->rest;
        size_t tn = pl->nrest;
        trim(&t, &tn);
        if (tn && pk->title[0] && !(ci_equal(t, tn, pk->title) && tn == strlen(pk->title)))
            return 0;
        if (!pk->title[0] && tn)
            pk->title = mn_pstrndup(p, t, tn);
        return 1;
    }
    if (p->have_section || pk->nsections || pk->closed)
        return 0;
    if (mn_closed_marker(ln->s, ln->n)) {
        close_punkt_now(p);
        return 1;
    }
    const char *tok;
    size_t ntok;
    if (!pk->title[0] && ln->n <= MARKUP_HEADING_MAX_BYTES &&
        !ends_sentence_char(ln->s[ln->n - 1]) && !mn_ci_contains(ln->s, ln->n, ": ") &&
        mn_classify_heading(ln).role != ROLE_KNOWN &&
        !mn_find_journal(ln->s, ln->n, p->expect_journal, &tok, &ntok)) {
        pk->title = mn_pstrndup(p, ln->s, ln->n);
        return 1;
    }
    return pk->title[0] && ci_equal(ln->s, ln->n, pk->title) && ln->n == strlen(pk->title);
}

/* The one punkt of a page that holds a single item: its title is LN when
 * that is shaped like a title, else LN is its first text. */
static void start_implicit_punkt(parser *p, const line *ln, const line *next)
{
    mn_finish_header(p);
    int titled = ln->n <= MARKUP_HEADING_MAX_BYTES && !ends_sentence_char(ln->s[ln->n - 1]) &&
                 mn_classify_heading(ln).role != ROLE_KNOWN;
    punkt_line pl = {0, 0, ln->s, titled ? ln->n : 0};
    p->implicit_punkt = 1;
    start_punkt(p, &pl, ln->no);
    p->at_paragraph = 1;
    if (!titled)
        heading_or_text(p, ln, next);
}

static void add_toc_entry(parser *p, int number, const char *prefix, const char *title,
                          size_t lineno, int page)
{
    if (!mn_grow(p, (void **)&p->toc, &p->cap_toc, p->ntoc, sizeof *p->toc))
        return;
    p->toc[p->ntoc++] = (toc_entry){number, prefix, title, lineno, page};
}

/* A line of the table of contents naming a punkt ("3. Varmeplan 2018 .... 7",
 * "Pkt. 42 Beslutninger om dagsordenen\t3"): remembered, so that a punkt
 * the body never reaches is still kept (add_listed_punkter). */
/* A header line that filled a field (the first line, "Mødested: Borgersalen
 * Tinglev"), kept as text too: ref_meeting.header_lines. */
static void keep_field_line(parser *p, const line *ln)
{
    if (p->field_text.len)
        ref_buf_putc(&p->field_text, '\n');
    ref_buf_append(&p->field_text, ln->s, mn_strip_leaders(ln->s, ln->n));
}

/* A header line kept as text, without a contents leader ("Bilag ..... 14"). */
static void keep_header_line(parser *p, const line *ln)
{
    if (p->header_text.len)
        ref_buf_putc(&p->header_text, '\n');
    ref_buf_append(&p->header_text, ln->s, mn_strip_leaders(ln->s, ln->n));
}

static int note_toc_entry(parser *p, const line *ln)
{
    line t = *ln; /* the same text, read up to its leader; LN keeps the buffer */
    t.n = mn_strip_leaders(ln->s, ln->n);
    punkt_line pl;
    if (!(mn_match_punkt_line(&t, &pl) || mn_match_numbered_punkt(&t, &pl)) || pl.number <= 0)
        return 0;
    size_t plen, toff;
    mn_split_prefix(pl.rest, pl.nrest, &plen, &toff);
    const char *title = pl.rest + toff;
    size_t tn = pl.nrest - toff;
    trim(&title, &tn);
    const char *prefix = mn_pstrndup(p, pl.rest, plen);
    const char *ti = mn_pstrndup(p, title, tn);
    if (prefix && ti)
        add_toc_entry(p, pl.number, prefix, ti, ln->no, p->cur_page);
    return 1;
}

/* A punkt's case number, wherever it stands in the punkt's first lines
 * ("Sagsid.: 17/69, Sagsinitialer: bhh" under a bullet, "Sagsnr.: 330-2020-164
 * Dok.nr.: …" on one line with other labels). A line that is nothing but
 * the number is consumed; a line that says more stays text too. A number
 * alone on its line after the punkt's first lines may be the next punkt's,
 * written above its punkt line (Hjørring): it is kept pending for that. 1 if
 * LN was consumed. */
static int take_journal(parser *p, const line *ln)
{
    ref_punkt *pk = mn_cur_punkt(p);
    int first = pk && p->expect_journal;
    p->expect_journal = 0;
    const char *tok;
    size_t ntok;
    int found = mn_find_journal(ln->s, ln->n, first, &tok, &ntok);
    if (!found)
        return 0;
    char *number = mn_pstrndup(p, tok, ntok);
    p->pending_journal = number;
    p->pending_journal_line = ln->no;
    /* On a page of items without punkt lines, a case number on its own line
     * after an item with its own number and text starts the next item
     * (Hedensted: "Sagsnr.: …", "Beslutningstema", …, "Sagsnr.: …"). */
    if (found == 2 && pk && number && p->implicit_punkt && pk->journal[0] &&
        (pk->nsections || p->have_section)) {
        punkt_line pl = {0, 0, "", 0};
        start_punkt(p, &pl, ln->no);
        pk = mn_cur_punkt(p);
        if (pk)
            pk->journal = number;
        p->at_paragraph = 1;
        return 1;
    }
    if (pk && !pk->journal[0] && p->journal_lines > 0 && number) {
        pk->journal = number;
        if (found == 2) {
            p->at_paragraph = 1;
            return 1;
        }
    }
    return 0;
}

/* Does LN end in a page number after a word ("… for implementeri 12")?
 * Under "Indholdsfortegnelse" that is an entry whose leader was lost (a PDF
 * or web page of the same contents). */
static int page_number_ends(const line *ln)
{
    size_t e = ln->n, d = 0;
    while (e > 0 && is_digit(ln->s[e - 1]) && d < 5)
        e--, d++;
    return d > 0 && d < 5 && e >= 2 && ln->s[e - 1] == ' ' && !is_digit(ln->s[e - 2]);
}

static void handle_line(parser *p, const line *ln, const line *next)
{
    if (ln->consumed)
        return;
    p->cur_page = p->npages ? ln->page : 0;
    if (p->nfurniture_lines && mn_is_furniture(p, ln))
        return;
    if (ln->n == 0) {
        if (p->text.len)
            p->pending_blank = 1;
        p->at_paragraph = 1;
        return;
    }
    p->line_before = p->last_line;
    p->last_line = ln->no;
    if (p->journal_lines > 0)
        p->journal_lines--;
    /* In a table of contents, "Lukkede punkter" names a part; it does not
     * open one. */
    int part = p->in_toc && !p->have_punkt ? 0 : mn_closed_part_line(ln->s, ln->n);
    if (part) {
        p->closed_part = part > 0;
        if (part > 0 && p->have_punkt)
            close_section(p);
        return;
    }
    punkt_line pl;
    int toc = !p->have_punkt && (mn_toc_entry(ln) || (p->in_toc && page_number_ends(ln)));
    int is_punkt = !toc && punkt_line_here(p, ln, &pl);
    if (p->have_punkt && punkt_preamble(p, ln, &pl, is_punkt)) {
        p->at_paragraph = 1;
        return;
    }
    if (is_punkt) {
        if (!p->have_punkt)
            mn_finish_header(p);
        /* In text that lost its line breaks the title runs into the text:
         * it ends with the words in capitals ("1. BUDGETSTATUS 2015 Sagsnr
         * …"), or else after a few words. */
        size_t title = ln->piece ? mn_flattened_title_len(pl.rest, pl.nrest)
                       : pl.nrest > PUNKT_TITLE_MAX_BYTES ? mn_long_title_len(pl.rest, pl.nrest)
                                                          : pl.nrest;
        const char *rest = pl.rest + title;
        size_t nrest = pl.nrest - title;
        pl.nrest = title;
        start_punkt(p, &pl, ln->no);
        trim(&rest, &nrest);
        if (nrest) {
            p->expect_journal = 0;
            append_text(p, rest, nrest, ln->no);
        }
        p->at_paragraph = nrest == 0;
        return;
    }
    if (!p->have_punkt) {
        take_journal(p, ln); /* only remembered: the first punkt's, if next */
        /* An entry of the contents lives on as its punkt's title; every
         * other header line, also one that fills a field (the place, the
         * meeting's first line), stays searchable as header text. */
        int entry = (toc || p->in_toc) && note_toc_entry(p, ln), taken;
        /* A page with one item: a section heading, or the first line that
         * is not about the meeting, ends the header. */
        /* A contents line's words live on in the titles of the punkter it
         * names; kept with the first document, they would make it match every
         * title (test_anlaeg_does_not_find_planlaegning). */
        if (toc)
            return;
        if (p->implicit_ok && p->seen_header_line && mn_classify_heading(ln).role == ROLE_KNOWN) {
            start_implicit_punkt(p, ln, next);
        } else if ((taken = mn_header_line(p, ln)) == 0) {
            if (p->implicit_ok)
                start_implicit_punkt(p, ln, next);
            else
                keep_header_line(p, ln);
        } else if (!entry && taken == 1) {
            keep_field_line(p, ln);
        }
        return;
    }
    if (take_journal(p, ln))
        return;
    heading_or_text(p, ln, next);
}

/* A punkt that got no text and whose number comes again later was an entry
 * of a table of contents set as punkt lines (Allerød's "PUNKTER" list):
 * remove it, remembering it as a contents entry (add_listed_punkter keeps
 * those the body never reaches). Closed punkter have no text by design and
 * stay. One pass plus a table by number: linear (minutes.h). */
static void drop_toc_punkter(parser *p)
{
    ref_meeting *mt = &p->m->pub;
    /* A run of punkter without text followed by numbers starting again
     * ("1.".."14.", then "1. Bemærkninger …") is a table of contents, even
     * where the file ends before every entry comes again. */
    size_t toc_start = 0, toc_end = 0;
    int max_number = 0;
    for (size_t i = 0; i < mt->npunkter; i++)
        if (mt->punkter[i].number > max_number)
            max_number = mt->punkter[i].number;
    size_t *last_of = calloc((size_t)max_number + 1, sizeof *last_of); /* index + 1 */
    if (!last_of) {
        p->rc = REF_ENOMEM;
        return;
    }
    int textless = 1;
    for (size_t i = 0; i < mt->npunkter; i++) {
        const ref_punkt *b = &mt->punkter[i];
        if (!toc_end && i > 0 && b->number > 0 && b->number <= mt->punkter[i - 1].number) {
            /* the first time the numbers go back: the entry of the table this
             * punkt repeats, if any, else the whole run before, if textless */
            size_t k = last_of[b->number];
            if (k && strcmp(mt->punkter[k - 1].title, b->title) == 0)
                toc_start = k - 1, toc_end = i;
            else if (textless)
                toc_end = i;
            else
                toc_end = SIZE_MAX; /* asked once only */
        }
        textless &= b->nsections == 0;
        if (b->number > 0 && !last_of[b->number])
            last_of[b->number] = i + 1;
    }
    if (toc_end == SIZE_MAX)
        toc_end = 0;
    for (size_t i = 0; i < mt->npunkter; i++)
        if (mt->punkter[i].number > 0)
            last_of[mt->punkter[i].number] = i + 1;
    size_t kept = 0;
    for (size_t i = 0; i < mt->npunkter; i++) {
        ref_punkt *pk = &mt->punkter[i];
        int toc = i >= toc_start && i < toc_end && pk->nsections == 0;
        if (!toc && !pk->closed && pk->number > 0 && pk->nsections == 0)
            toc = last_of[pk->number] > i + 1;
        if (toc) {
            add_toc_entry(p, pk->number, pk->prefix, pk->title, pk->line, pk->page);
            free(pk->sections);
            continue;
        }
        mt->punkter[kept++] = *pk;
    }
    mt->npunkter = kept;
    free(last_of);
}

enum { DERIVED_TITLE_MAX_WORDS = 12 };

/* Every structured punkt has a title: one whose punkt line, next line and
 * contents entry gave none (a web page of one item per block, "Sag nr. 24"
 * alone) takes the first words of its first text, else its first heading,
 * else its number ("Punkt 83").
 * The "has no title" warning still tells that no title line was written. */
static void title_untitled_punkter(parser *p)
{
    ref_meeting *mt = &p->m->pub;
    for (size_t i = 0; i < mt->npunkter && p->rc == REF_OK; i++) {
        ref_punkt *pk = &mt->punkter[i];
        if (pk->title[0] || pk->header)
            continue;
        const char *t = NULL;
        for (size_t k = 0; k < pk->nsections && !t; k++)
            if (pk->sections[k].text[0])
                t = pk->sections[k].text;
        for (size_t k = 0; k < pk->nsections && !t; k++)
            if (pk->sections[k].heading[0])
                t = pk->sections[k].heading;
        if (!t) { /* nothing but its number ("Sag nr. 83" in a flattened list) */
            char num[32];
            snprintf(num, sizeof num, "Punkt %d", pk->number);
            if (pk->number > 0)
                pk->title = mn_pstrndup(p, num, strlen(num));
            continue;
        }
        size_t e = 0, words = 0, n = strlen(t);
        while (e < n && t[e] != '\n' && words < DERIVED_TITLE_MAX_WORDS) {
            size_t w = e;
            while (w < n && t[w] != '\n' && !space_width(t + w, n - w))
                w++;
            e = w;
            words++;
            w = skip_spaces(t, n, e);
            if (w >= n || t[w] == '\n')
                break;
            e = words < DERIVED_TITLE_MAX_WORDS ? w : e;
        }
        const char *s = t;
        trim(&s, &e);
        pk->title = mn_pstrndup(p, s, e);
    }
}

/* Punkter the table of contents lists that the body never reaches (the
 * file is an excerpt, or the items have no text) are kept title-only with
 * their number, `listed` set, each before the first punkt with a higher
 * number, so nothing the contents name is lost. Linear: a table by number
 * and one merge. */
static void add_listed_punkter(parser *p)
{
    ref_meeting *mt = &p->m->pub;
    if (!p->ntoc || p->rc != REF_OK)
        return;
    int max_number = 0;
    for (size_t i = 0; i < p->ntoc; i++)
        if (p->toc[i].number > max_number)
            max_number = p->toc[i].number;
    unsigned char *seen = calloc((size_t)max_number + 1, 1);
    if (!seen) {
        p->rc = REF_ENOMEM;
        return;
    }
    for (size_t i = 0; i < mt->npunkter; i++)
        if (mt->punkter[i].number > 0 && mt->punkter[i].number <= max_number)
            seen[mt->punkter[i].number] = 1;
    size_t nmissing = 0;
    for (size_t i = 0; i < p->ntoc; i++)
        if (!seen[p->toc[i].number]) {
            seen[p->toc[i].number] = 1; /* once, also if listed twice */
            p->toc[nmissing++] = p->toc[i];
        }
    free(seen);
    if (!nmissing)
        return;
    ref_punkt *all = calloc(mt->npunkter + nmissing, sizeof *all);
    if (!all) {
        p->rc = REF_ENOMEM;
        return;
    }
    size_t n = 0, t = 0;
    for (size_t i = 0; i <= mt->npunkter; i++) {
        while (t < nmissing && (i == mt->npunkter || (mt->punkter[i].number > p->toc[t].number &&
                                                      !mt->punkter[i].header))) {
            ref_punkt *pk = &all[n++];
            pk->number = p->toc[t].number;
            pk->prefix = (char *)p->toc[t].prefix;
            pk->title = (char *)p->toc[t].title;
            pk->journal = (char *)"";
            pk->line = p->toc[t].line;
            pk->page = p->toc[t].page;
            pk->listed = 1;
            t++;
        }
        if (i < mt->npunkter)
            all[n++] = mt->punkter[i];
    }
    free(mt->punkter);
    mt->punkter = all;
    mt->npunkter = n;
    p->cap_punkter = n;
}

static void keep_header_text(parser *p);

/* "the label (line 4)" for a field with VALUE decided by RULE at LINENO. */
static const char *rule_text(parser *p, const char *value, const char *rule, size_t lineno)
{
    if (!value[0] || !rule)
        return "";
    char buf[160];
    if (lineno)
        snprintf(buf, sizeof buf, "%s (line %zu)", rule, lineno);
    else
        snprintf(buf, sizeof buf, "%s", rule);
    const char *r = mn_pstrndup(p, buf, strlen(buf));
    return r ? r : "";
}

static ref_status parse(parser *p, const char *text, size_t len)
{
    ref_meeting *mt = &p->m->pub;
    mt->body = mn_pstrndup(p, "", 0);
    mt->date = mt->body;
    mt->place = mt->body;
    mt->heading = mt->body;
    mt->municipality = mt->body;
    mt->date_rule = mt->body_rule = mt->municipality_rule = "";
    mt->header_lines = mt->body;
    p->at_paragraph = 1;
    mn_prescan_text(p, text, len);
    mn_detect_municipality(p, text, len);
    cursor c;
    mn_cursor_init(&c, text, len, 0);
    line a = {0}, b = {0};
    ref_buf scratch = REF_BUF_INIT;
    line *cur = &a, *next = &b;
    mn_next_line(&c, cur);
    mn_next_line(&c, next);
    mn_join_hyphenated(p, cur, next, &scratch);
    while (cur->present && p->rc == REF_OK) {
        handle_line(p, cur, next);
        line *t = cur;
        cur = next;
        next = t;
        mn_next_line(&c, next);
        if (!cur->consumed)
            mn_join_hyphenated(p, cur, next, &scratch);
    }
    if (ref_buf_status(&a.buf) != REF_OK || ref_buf_status(&b.buf) != REF_OK)
        p->rc = REF_ENOMEM;
    if (!p->have_punkt)
        mn_finish_header(p);
    mn_meeting_from_first_page(p, text, len);
    mn_warn_missing_fields(p);
    if (ref_buf_status(&p->field_text) != REF_OK || ref_buf_status(&p->header_text) != REF_OK)
        p->rc = REF_ENOMEM; /* a line was not kept: fail, never index less */
    {
        const char *t = ref_buf_cstr(&p->field_text);
        size_t n = p->field_text.len;
        trim(&t, &n);
        mt->header_lines = mn_pstrndup(p, t, n);
    }
    mt->date_rule = rule_text(p, mt->date, p->date_rule, p->date_line);
    mt->body_rule = rule_text(p, mt->body, p->body_rule, p->body_line);
    if (!p->have_punkt)
        mn_warn(p, 0, "no punkter recognised");
    finish_punkt(p);
    if (p->rc == REF_OK)
        drop_toc_punkter(p);
    if (p->rc == REF_OK && mt->npunkter)
        add_listed_punkter(p);
    if (p->rc == REF_OK)
        title_untitled_punkter(p);
    if (p->rc == REF_OK && mt->npunkter)
        keep_header_text(p);
    ref_buf_free(&a.buf);
    ref_buf_free(&b.buf);
    ref_buf_free(&scratch);
    return p->rc;
}

/* ---- never lose text: the unstructured fallback ------------------------ */

enum { UNSTRUCTURED_TITLE_MAX_BYTES = 120 };

static char *fallback_title(parser *p, const char *t, size_t n);

/* A punkt of unrecognised text T (N bytes, trimmed, not empty), titled by
 * its first line, with one unlabelled section, inserted at index AT of the
 * meeting's punkter: the one shape both fallbacks (header text, pages
 * without punkter) give text they could not structure. NULL when out of
 * memory (p->rc says so). FIRST_LINE is where the text starts. */
static ref_punkt *insert_text_punkt(parser *p, size_t at, const char *t, size_t n, int page,
                                    size_t first_line)
{
    ref_meeting *mt = &p->m->pub;
    if (!mn_grow(p, (void **)&mt->punkter, &p->cap_punkter, mt->npunkter, sizeof *mt->punkter))
        return NULL;
    ref_section *sec = calloc(1, sizeof *sec);
    if (!sec) {
        p->rc = REF_ENOMEM;
        return NULL;
    }
    memmove(mt->punkter + at + 1, mt->punkter + at, (mt->npunkter - at) * sizeof *mt->punkter);
    mt->npunkter++;
    ref_punkt *pk = &mt->punkter[at];
    memset(pk, 0, sizeof *pk);
    pk->line = first_line;
    pk->page = page;
    pk->prefix = mn_pstrndup(p, "", 0);
    pk->journal = pk->prefix;
    pk->title = fallback_title(p, t, n);
    pk->sections = sec;
    pk->nsections = 1;
    sec->kind = REF_SECTION_NONE;
    sec->heading = pk->prefix;
    sec->text = mn_pstrndup(p, t, n);
    sec->line = first_line;
    sec->page = page;
    if (!pk->title || !sec->text)
        p->rc = REF_ENOMEM;
    return pk;
}

/* Header text no field took becomes the first punkt, marked `header`. */
static void keep_header_text(parser *p)
{
    const char *t = ref_buf_cstr(&p->header_text);
    size_t n = p->header_text.len;
    trim(&t, &n);
    if (n == 0)
        return;
    ref_punkt *pk = insert_text_punkt(p, 0, t, n, p->npages ? 1 : 0, 1);
    if (pk)
        pk->header = 1;
}

/* The title of an unstructured punkt: its first line, cut at a word end. */
static char *fallback_title(parser *p, const char *t, size_t n)
{
    size_t e = 0;
    while (e < n && t[e] != '\n')
        e++;
    if (e > UNSTRUCTURED_TITLE_MAX_BYTES) {
        e = UNSTRUCTURED_TITLE_MAX_BYTES;
        while (e > 0 && t[e] != ' ')
            e--;
        if (e == 0) { /* one huge word: cut at a character boundary */
            e = UNSTRUCTURED_TITLE_MAX_BYTES;
            while (e > 0 && ((unsigned char)t[e] & 0xC0) == 0x80)
                e--;
        }
    }
    const char *s = t;
    trim(&s, &e);
    return mn_pstrndup(p, s, e);
}

static void add_unstructured(parser *p, int page, size_t first_line)
{
    const char *t = ref_buf_cstr(&p->text);
    size_t n = p->text.len;
    trim(&t, &n);
    if (n == 0)
        return;
    ref_punkt *pk = insert_text_punkt(p, p->m->pub.npunkter, t, n, page, first_line);
    if (pk)
        pk->number = page;
}

/* Every page (or the whole text) as one punkt: all its lines but page
 * furniture, with hyphenated words joined as in the main pass. */
static void fallback(parser *p, const char *text, size_t len)
{
    p->m->pub.unstructured = 1;
    p->m->pub.header_lines = (char *)""; /* every line is in the pages' text */
    p->next_furniture = 0;
    for (size_t i = 0; i < p->m->pub.nfurniture; i++)
        p->m->pub.furniture[i].count = 0;
    ref_buf_reset(&p->text);
    cursor c;
    mn_cursor_init(&c, text, len, 0);
    line a = {0}, b = {0};
    ref_buf scratch = REF_BUF_INIT;
    line *cur = &a, *next = &b;
    mn_next_line(&c, cur);
    mn_next_line(&c, next);
    mn_join_hyphenated(p, cur, next, &scratch);
    int page = p->npages ? 1 : 0;
    size_t first_line = 0;
    while (cur->present && p->rc == REF_OK) {
        int lp = p->npages ? cur->page : 0;
        if (lp != page) {
            add_unstructured(p, page, first_line);
            ref_buf_reset(&p->text);
            page = lp;
            first_line = 0;
        }
        if (!cur->consumed && !(p->nfurniture_lines && mn_is_furniture(p, cur))) {
            if (cur->n) {
                if (!first_line)
                    first_line = cur->no;
                if (p->text.len)
                    ref_buf_putc(&p->text, '\n');
                ref_buf_append(&p->text, cur->s, cur->n);
            }
        }
        line *t = cur;
        cur = next;
        next = t;
        mn_next_line(&c, next);
        if (!cur->consumed)
            mn_join_hyphenated(p, cur, next, &scratch);
    }
    add_unstructured(p, page, first_line);
    if (ref_buf_status(&p->text) != REF_OK || ref_buf_status(&scratch) != REF_OK)
        p->rc = REF_ENOMEM;
    ref_buf_free(&a.buf);
    ref_buf_free(&b.buf);
    ref_buf_free(&scratch);
}

static ref_status parse_meeting(const char *text, size_t len, int with_fallback, ref_meeting **out)
{
    if (!out)
        return REF_EINVAL;
    *out = NULL;
    if (!text && len)
        return REF_EINVAL;
    meeting_impl *m = calloc(1, sizeof *m);
    if (!m)
        return REF_ENOMEM;
    parser p;
    memset(&p, 0, sizeof p);
    p.m = m;
    text = text ? text : "";
    ref_status st = parse(&p, text, len);
    if (st == REF_OK && with_fallback && m->pub.npunkter == 0) {
        fallback(&p, text, len);
        st = p.rc;
    }
    ref_buf_free(&p.text);
    ref_buf_free(&p.header_text);
    ref_buf_free(&p.field_text);
    free(p.first_line_of);
    free(p.toc);
    free(p.furniture_lines);
    free(p.furniture_of);
    if (st != REF_OK) {
        ref_meeting_free(&m->pub);
        return st;
    }
    *out = &m->pub;
    return REF_OK;
}

ref_status ref_minutes_parse(const char *text, size_t len, ref_meeting **out)
{
    return parse_meeting(text, len, 0, out);
}

ref_status ref_minutes_parse_with_fallback(const char *text, size_t len, ref_meeting **out)
{
    return parse_meeting(text, len, 1, out);
}
