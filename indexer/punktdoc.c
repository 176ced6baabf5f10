#include "punktdoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referat/fields.h"
#include "referat/outcome.h"
#include "referat/record.h"

#define MAX_TERM_BYTES 200

/* State for the token callback: every token becomes an unprefixed posting
 * with its position (free text, weighted by the field) and a prefixed term
 * without one (the field). */
typedef struct posting_ctx {
    ref_xdoc *doc;
    const ref_field *field; /* NULL: free text only */
    unsigned weight;
    uint32_t base;          /* position of this text's first token */
    ref_punktdoc_word_fn word_fn;
    void *word_ctx;
    ref_buf term;
    ref_status status;
} posting_ctx;

/* Add PREFIX + SUFFIX + STEM at POS with WDF; with no position when POS is
 * NO_POSITION. */
#define NO_POSITION UINT32_MAX
static ref_status add_prefixed(posting_ctx *c, const char *prefix, const char *suffix,
                               const ref_token *tok, uint32_t pos, unsigned wdf)
{
    ref_buf_reset(&c->term);
    ref_buf_puts(&c->term, prefix);
    ref_buf_puts(&c->term, suffix);
    ref_buf_append(&c->term, tok->stem, tok->stem_len);
    ref_status st = ref_buf_status(&c->term);
    if (st != REF_OK)
        return st;
    return pos == NO_POSITION ? ref_xdoc_add_term(c->doc, c->term.data, wdf)
                              : ref_xdoc_add_posting(c->doc, c->term.data, pos, wdf);
}

static int add_token(void *vctx, const ref_token *tok)
{
    posting_ctx *c = vctx;
    uint32_t pos = c->base + tok->pos;
    /* Xapian refuses terms over ~245 bytes; such "words" (base64, runs of
     * digits) are never searched for anyway. */
    if (tok->stem_len > MAX_TERM_BYTES)
        return 0;
    ref_status st;
    if (tok->kind == REF_TOKEN_PART) {
        /* A part counts once, whatever the field: the query side scales
         * part matches below whole-word matches. Parts get no position:
         * phrases use whole words only (query.c), so a part's position
         * would never be read, and positions are what makes the index big
         * and its writing slow (about a third of all positions were
         * parts'). Wdf and document length are as with a position. */
        st = add_prefixed(c, REF_PREFIX_PART, "", tok, NO_POSITION, 1);
        if (st == REF_OK && c->field)
            st = add_prefixed(c, c->field->prefix, REF_PART_SUFFIX, tok, NO_POSITION, 1);
    } else {
        st = ref_xdoc_add_posting(c->doc, tok->stem, pos, c->weight);
        if (st == REF_OK && c->word_fn && tok->kind == REF_TOKEN_WORD && tok->text_len >= 3 &&
            tok->text_len <= 40 && !(tok->text[0] >= '0' && tok->text[0] <= '9'))
            st = c->word_fn(c->word_ctx, tok->text);
        /* The field's term has no position: one positional posting per
         * occurrence is the plain term's. A field phrase is the phrase of
         * plain terms filtered by the field's terms (query.c), so a second
         * positional copy of every word (2.5-3x the write time and most of
         * the position table) bought nothing a query uses. */
        if (st == REF_OK && c->field)
            st = add_prefixed(c, c->field->prefix, "", tok, NO_POSITION, 1);
    }
    if (st != REF_OK) {
        c->status = st;
        return 1;
    }
    return 0;
}

/* Index TEXT at the next free position; leave a gap after it. */
static ref_status index_text(ref_analyzer *an, posting_ctx *c, const ref_field *field,
                             const char *text, uint32_t *next_pos)
{
    if (!text || !*text)
        return REF_OK;
    c->field = field;
    c->weight = field ? field->weight : 1;
    c->base = *next_pos;
    uint32_t used = 0;
    ref_status st = ref_analyze(an, text, strlen(text), add_token, c, &used);
    if (st == REF_OK)
        st = c->status;
    *next_pos += used + REF_POSITION_GAP;
    return st;
}

static ref_status add_bool(ref_xdoc *doc, ref_buf *tmp, const char *prefix, const char *value)
{
    if (!value || !*value)
        return REF_OK;
    ref_buf_reset(tmp);
    ref_buf_puts(tmp, prefix);
    /* Boolean terms are matched exactly: fold case so "Chefforum" and
     * "chefforum" are one body. Xapian limits terms to ~245 bytes. */
    size_t at = tmp->len;
    ref_casefold(value, strlen(value), tmp);
    if (tmp->len > 240)
        ref_buf_truncate(tmp, 240);
    if (tmp->len == at)
        return REF_OK;
    ref_status st = ref_buf_status(tmp);
    return st != REF_OK ? st : ref_xdoc_add_term(doc, tmp->data, 0);
}

static ref_status add_values(ref_xdoc *doc, const ref_meeting *m, const ref_punkt *p)
{
    char date[9] = "";
    if (strlen(m->date) == 10) /* YYYY-MM-DD → YYYYMMDD */
        snprintf(date, sizeof date, "%.4s%.2s%.2s", m->date, m->date + 5, m->date + 8);
    /* The punkt number is stored zero-padded so that byte order is numeric
     * order (sorting by punkt needs no Xapian serialisation in C). */
    char num[16];
    snprintf(num, sizeof num, "%06d", p->number);
    char present[REF_SECTION_COUNT + 1];
    size_t n = 0;
    for (size_t i = 0; i < p->nsections && n < REF_SECTION_COUNT; i++)
        if (!memchr(present, 'a' + (int)p->sections[i].kind, n))
            present[n++] = (char)('a' + (int)p->sections[i].kind);
    ref_status st = ref_xdoc_set_value(doc, REF_SLOT_DATE, date, strlen(date));
    if (st == REF_OK)
        st = ref_xdoc_set_value(doc, REF_SLOT_PUNKT, num, strlen(num));
    if (st == REF_OK && date[0])
        st = ref_xdoc_set_value(doc, REF_SLOT_YEAR, date, 4);
    if (st == REF_OK)
        st = ref_xdoc_set_value(doc, REF_SLOT_BODY, m->body, strlen(m->body));
    if (st == REF_OK)
        st = ref_xdoc_set_value(doc, REF_SLOT_SECTIONS, present, n);
    if (st == REF_OK && m->municipality[0])
        st = ref_xdoc_set_value(doc, REF_SLOT_MUNICIPALITY, m->municipality,
                                strlen(m->municipality));
    return st;
}

/* The sort values REF_SLOT_ORDER and REF_SLOT_ORDER_DESC (fields.h) of
 * the punkt with unique id ID. */
static ref_status add_order_values(ref_xdoc *doc, ref_buf *tmp, const ref_meeting *m,
                                   const ref_punkt *p, const char *id)
{
    char date[8] = {0};
    if (strlen(m->date) == 10) { /* YYYY-MM-DD → YYYYMMDD */
        memcpy(date, m->date, 4);
        memcpy(date + 4, m->date + 5, 2);
        memcpy(date + 6, m->date + 8, 2);
    }
    ref_buf_reset(tmp);
    ref_buf_append(tmp, date, sizeof date);
    ref_buf_printf(tmp, "%06d%s", p->number, id);
    ref_status st = ref_buf_status(tmp);
    if (st == REF_OK)
        st = ref_xdoc_set_value(doc, REF_SLOT_ORDER, tmp->data, tmp->len);
    for (size_t i = 0; st == REF_OK && i < sizeof date; i++)
        tmp->data[i] = (char)~(unsigned char)tmp->data[i];
    if (st == REF_OK)
        st = ref_xdoc_set_value(doc, REF_SLOT_ORDER_DESC, tmp->data, tmp->len);
    return st;
}

/* P's sections as record sections (borrowing their strings), in a new
 * array the caller frees; NULL when out of memory. */
static ref_record_section *record_sections(const ref_punkt *p)
{
    ref_record_section *secs = calloc(p->nsections ? p->nsections : 1, sizeof *secs);
    for (size_t i = 0; secs && i < p->nsections; i++) {
        secs[i].kind = p->sections[i].kind;
        secs[i].heading = p->sections[i].heading;
        secs[i].text = p->sections[i].text;
    }
    return secs;
}

static ref_status store_record(ref_xdoc *doc, const ref_meeting *m, const ref_punkt *p,
                               const char *id, const char *source_path)
{
    ref_record_section *secs = record_sections(p);
    if (!secs)
        return REF_ENOMEM;
    int *pages = calloc(p->nsections ? p->nsections : 1, sizeof *pages);
    if (!pages) {
        free(secs);
        return REF_ENOMEM;
    }
    for (size_t i = 0; i < p->nsections; i++)
        pages[i] = p->sections[i].page;
    ref_record rec = {
        .id = id,
        .source = source_path,
        .body = m->body,
        .date = m->date,
        .place = m->place,
        .punkt = p->number,
        .prefix = p->prefix,
        .title = p->title,
        .journal = p->journal,
        .nsections = p->nsections,
        .sections = secs,
        .municipality = m->municipality,
        .flags = (m->unstructured || p->header ? REF_RECORD_UNSTRUCTURED : 0u) |
                 (p->closed ? REF_RECORD_CLOSED : 0u),
        .page = p->page,
        .section_pages = pages,
    };
    ref_buf data = REF_BUF_INIT;
    ref_status st = ref_record_encode(&rec, REF_RECORD_RAW, &data);
    if (st == REF_OK)
        st = ref_xdoc_set_data(doc, data.data, data.len);
    ref_buf_free(&data);
    free(secs);
    free(pages);
    return st;
}

/* The decision's outcome (outcome.h): a boolean term per label (udfald:,
 * --outcome) and the labels in a value slot (the outcome facet). */
static ref_status add_outcome(ref_xdoc *doc, ref_buf *tmp, const ref_meeting *m,
                              const ref_punkt *p)
{
    ref_record_section *secs = record_sections(p);
    if (!secs)
        return REF_ENOMEM;
    ref_outcome_set set = ref_outcome_of_punkt(secs, p->nsections, m->date);
    free(secs);
    ref_status st = REF_OK;
    for (int l = 0; st == REF_OK && l < REF_OUTCOME_COUNT; l++)
        if (set & (1u << l))
            st = add_bool(doc, tmp, ref_field_of(REF_FIELD_UDFALD)->prefix, ref_outcome_key((ref_outcome)l));
    if (st != REF_OK || !set)
        return st;
    ref_buf_reset(tmp);
    ref_outcome_keys(set, " ", tmp);
    st = ref_buf_status(tmp);
    return st != REF_OK ? st : ref_xdoc_set_value(doc, REF_SLOT_OUTCOME, tmp->data, tmp->len);
}

static int has_decision(const ref_punkt *p)
{
    for (size_t i = 0; i < p->nsections; i++)
        if (p->sections[i].kind == REF_SECTION_BESLUTNING && p->sections[i].text[0])
            return 1;
    return 0;
}

/* The text of a section that is indexed: an unknown heading is content
 * ("Økonomi", "Mundtlig drøftelse om …"), a known one ("Beslutning i
 * Tværgående chefgruppe den …") is structure. */
static ref_status index_section(ref_analyzer *an, posting_ctx *c, const ref_section *s,
                                uint32_t *pos)
{
    const ref_field *field = ref_field_for_section(s->kind);
    ref_status st = REF_OK;
    if (s->kind == REF_SECTION_OTHER)
        st = index_text(an, c, field, s->heading, pos);
    if (st == REF_OK)
        st = index_text(an, c, field, s->text, pos);
    return st;
}

ref_status ref_punktdoc_build(ref_analyzer *an, const ref_meeting *m, size_t ordinal,
                              const char *source_path, const char *source_key, ref_xdoc *doc,
                              ref_buf *unique, ref_punktdoc_word_fn word_fn, void *word_ctx)
{
    const ref_punkt *p = &m->punkter[ordinal];
    posting_ctx c = {.doc = doc,
                     .term = REF_BUF_INIT,
                     .status = REF_OK,
                     .word_fn = word_fn,
                     .word_ctx = word_ctx};
    ref_buf tmp = REF_BUF_INIT;
    uint32_t pos = 0;

    ref_buf_reset(unique);
    ref_buf_printf(unique, "%s%s#%zu", REF_PREFIX_UNIQUE, source_key, ordinal);
    ref_status st = ref_buf_status(unique);
    if (st == REF_OK)
        st = ref_xdoc_add_term(doc, unique->data, 0);
    if (st == REF_OK) {
        ref_buf_printf(&tmp, "%s%s", REF_PREFIX_SOURCE, source_key);
        st = ref_buf_status(&tmp);
        if (st == REF_OK)
            st = ref_xdoc_add_term(doc, tmp.data, 0);
    }
    if (st == REF_OK)
        st = index_text(an, &c, ref_field_of(REF_FIELD_TITEL), p->title, &pos);
    for (size_t i = 0; st == REF_OK && i < p->nsections; i++)
        st = index_section(an, &c, &p->sections[i], &pos);
    /* The header lines that filled the meeting's fields (its first line, the
     * place) are text of the meeting: its first document carries them, so
     * their words stay searchable (test_every_word_of_every_file_is_kept). */
    if (st == REF_OK && ordinal == 0)
        st = index_text(an, &c, NULL, m->header_lines, &pos);
    /* The journal number is free text too, so typing it bare finds it. */
    if (st == REF_OK)
        st = index_text(an, &c, NULL, p->journal, &pos);
    if (st == REF_OK)
        st = add_bool(doc, &tmp, ref_field_of(REF_FIELD_SAGSNR)->prefix, p->journal);
    if (st == REF_OK)
        st = add_bool(doc, &tmp, ref_field_of(REF_FIELD_UDVALG)->prefix, m->body);
    if (st == REF_OK && strlen(m->date) == 10) {
        char year[5], day[9];
        snprintf(year, sizeof year, "%.4s", m->date);
        snprintf(day, sizeof day, "%.4s%.2s%.2s", m->date, m->date + 5, m->date + 8);
        st = add_bool(doc, &tmp, ref_field_of(REF_FIELD_AAR)->prefix, year);
        if (st == REF_OK)
            st = add_bool(doc, &tmp, ref_field_of(REF_FIELD_DATO)->prefix, day);
    }
    if (st == REF_OK && has_decision(p))
        st = ref_xdoc_add_term(doc, REF_PREFIX_HASDECISION, 0);
    if (st == REF_OK)
        st = add_bool(doc, &tmp, ref_field_of(REF_FIELD_KOMMUNE)->prefix, m->municipality);
    if (st == REF_OK && (m->unstructured || p->header))
        st = ref_xdoc_add_term(doc, REF_PREFIX_UNSTRUCTURED, 0);
    /* A closed item has no sections (the parser never copies its text), so
     * only its title is indexed above; the term lets a test prove it. */
    if (st == REF_OK && p->closed)
        st = ref_xdoc_add_term(doc, REF_PREFIX_CLOSED, 0);
    if (st == REF_OK)
        st = add_outcome(doc, &tmp, m, p);
    if (st == REF_OK)
        st = add_values(doc, m, p);
    if (st == REF_OK)
        st = add_order_values(doc, &tmp, m, p, unique->data + strlen(REF_PREFIX_UNIQUE));
    if (st == REF_OK)
        st = store_record(doc, m, p, unique->data + strlen(REF_PREFIX_UNIQUE), source_path);
    ref_buf_free(&c.term);
    ref_buf_free(&tmp);
    return st;
}
