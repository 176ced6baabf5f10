/* minutes_header.c — the minutes' header: the first line, labels
 * (Mødedato, Udvalg, Sted), body names, the meeting's date, and the
 * municipality (see minutes_int.h). */
#include "minutes_int.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const doc_kinds[] = {
    "Referat til mødet i", "Referat fra mødet i", "Beslutningsprotokol", "REFERAT", "Dagsorden",
};

/* From "REFERAT Chefforum d. 07-09-2017": body "Chefforum", date. */
static void parse_heading_line(parser *p, const line *ln)
{
    ref_meeting *mt = &p->m->pub;
    mt->heading = mn_pstrndup(p, ln->s, ln->n);
    char date[11];
    size_t at = ln->n;
    if (ref_date_find(ln->s, ln->n, date, &at))
        p->referat_date = mn_pstrndup(p, date, 10);
    for (size_t k = 0; k < sizeof doc_kinds / sizeof doc_kinds[0]; k++) {
        size_t i = ci_prefix(ln->s, ln->n, doc_kinds[k]);
        if (!i || (i < ln->n && starts_letter(ln->s + i, ln->n - i)))
            continue;
        const char *b = ln->s + i;
        size_t bn = at > i ? at - i : 0;
        if (at == ln->n)
            bn = mn_date_lead(b, ln->n - i); /* "Chefforum d. 32-13-2017" */
        trim(&b, &bn);
        /* the words that lead up to the date: "d.", "den", "-", "," */
        static const char *const tails[] = {" d.", " den", " -", ",", " kl."};
        for (int again = 1; again;) {
            again = 0;
            for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
                size_t tl = strlen(tails[t]);
                if (bn >= tl && ci_equal(b + bn - tl, tl, tails[t])) {
                    bn -= tl;
                    trim(&b, &bn);
                    again = 1;
                }
            }
        }
        if (bn)
            mt->body = mn_pstrndup(p, b, bn);
        break;
    }
}

enum header_field { FIELD_DATE, FIELD_PLACE, FIELD_BODY };

static const struct header_label {
    const char *label;
    enum header_field field;
} header_labels[] = {
    {"Mødedato", FIELD_DATE},  {"Dato", FIELD_DATE},      {"Starttidspunkt", FIELD_DATE},
    {"Mødested", FIELD_PLACE}, {"Sted", FIELD_PLACE},     {"Lokale", FIELD_PLACE},
    {"Udvalg", FIELD_BODY},    {"Mødeforum", FIELD_BODY},
};

/* Word endings that name a political body: "Økonomiudvalget",
 * "Byrådet", "Kommunalbestyrelsen", "Chefforum", … */
static const char *const body_endings[] = {
    "udvalget",         "udvalg", "rådet",  "råd",  "bestyrelsen", "bestyrelse",  "magistraten",
    "repræsentationen", "forum",  "nævnet", "nævn", "chefgruppe",  "direktionen",
};

typedef struct span {
    const char *s;
    size_t n;
} span;

static int word_is_body(span w)
{
    while (w.n && (w.s[w.n - 1] == ',' || w.s[w.n - 1] == ':'))
        w.n--;
    for (size_t k = 0; k < sizeof body_endings / sizeof body_endings[0]; k++) {
        size_t m = strlen(body_endings[k]);
        if (w.n >= m && ci_equal(w.s + w.n - m, m, body_endings[k]))
            return 1;
    }
    return 0;
}

/* A word that may stand inside a body's name: capitalised ("Teknik,"),
 * "og", or cut before "og" ("Børne-"). */
static int word_in_body_name(span w)
{
    return starts_upper(w.s, w.n) || ci_equal(w.s, w.n, "og") || w.s[w.n - 1] == '-';
}

/* The body named in a header line without a label: "Social- og
 * Sundhedsudvalget torsdag den 20. april 2023", "Byrådet - Referat",
 * "mødet i Kommunalbestyrelsen 2018-21", "Udvalget for Erhverv og Kultur".
 * Finds the first word ending like a body and widens it to the name around
 * it. */
static void body_from_line(parser *p, const line *ln)
{
    enum { MAX_WORDS = 40 };
    if (ln->n > FURNITURE_MAX_BYTES)
        return;
    span w[MAX_WORDS];
    size_t nw = 0, i = 0;
    while (nw < MAX_WORDS) {
        i = skip_spaces(ln->s, ln->n, i);
        if (i >= ln->n)
            break;
        size_t j = i;
        while (j < ln->n && !space_width(ln->s + j, ln->n - j))
            j++;
        w[nw++] = (span){ln->s + i, j - i};
        i = j;
    }
    for (size_t k = 0; k < nw; k++) {
        if (!starts_upper(w[k].s, w[k].n) || !word_is_body(w[k]))
            continue;
        size_t first = k, last = k;
        while (first > 0 && word_in_body_name(w[first - 1]) &&
               !ci_equal(w[first - 1].s, w[first - 1].n, "Referat") &&
               !ci_equal(w[first - 1].s, w[first - 1].n, "Dagsorden"))
            first--;
        if (ci_equal(w[first].s, w[first].n, "og"))
            first++;
        /* "Udvalget for Erhverv og Kultur": the name goes on after "for". */
        if (last + 1 < nw && ci_equal(w[last + 1].s, w[last + 1].n, "for")) {
            size_t e = last + 2;
            while (e < nw && word_in_body_name(w[e]) && !is_digit(w[e].s[0]))
                e++;
            if (e > last + 2)
                last = e - 1;
            if (ci_equal(w[last].s, w[last].n, "og"))
                last--;
        }
        const char *b = w[first].s;
        size_t bn = (size_t)(w[last].s + w[last].n - b);
        while (bn && (b[bn - 1] == ',' || b[bn - 1] == ':'))
            bn--;
        p->m->pub.body = mn_pstrndup(p, b, bn);
        return;
    }
}

static void set_header_field(parser *p, enum header_field field, const line *ln, const char *v,
                             size_t vn)
{
    ref_meeting *mt = &p->m->pub;
    trim(&v, &vn);
    switch (field) {
    case FIELD_PLACE:
        if (!mt->place[0] && vn)
            mt->place = mn_pstrndup(p, v, vn);
        break;
    case FIELD_BODY:
        if (!mt->body[0] && vn && vn <= FURNITURE_MAX_BYTES)
            mt->body = mn_pstrndup(p, v, vn);
        break;
    case FIELD_DATE:
        if (!p->labelled_date) {
            char date[11];
            size_t at;
            if (ref_date_find(v, vn, date, &at)) {
                p->labelled_date = mn_pstrndup(p, date, 10);
                p->labelled_date_line = ln->no;
            }
        }
        break;
    }
}

/* A header line: the meeting's first line, labels, the table of contents.
 * Returns 1 if the line told something about the meeting (or is part of
 * the table of contents), 0 if it is some other text. */
int mn_header_line(parser *p, const line *ln)
{
    ref_meeting *mt = &p->m->pub;
    if (ci_equal(ln->s, ln->n, "Indholdsfortegnelse") || ci_equal(ln->s, ln->n, "Indhold")) {
        p->in_toc = 1;
        return 1;
    }
    int dated = 0;
    if (!p->in_toc) {
        char date[11];
        size_t at;
        /* a line about the date, not a paragraph that mentions one */
        dated = ln->n <= FURNITURE_MAX_BYTES && ref_date_find(ln->s, ln->n, date, &at);
        if (dated && !p->first_header_date)
            p->first_header_date = mn_pstrndup(p, date, 10);
    }
    if (p->in_toc && p->seen_header_line)
        return 1;
    if (p->pending_label) { /* "UDVALG" alone, the name on the next line */
        size_t k = (size_t)p->pending_label - 1;
        p->pending_label = 0;
        set_header_field(p, header_labels[k].field, ln, ln->s, ln->n);
        return 1;
    }
    for (size_t k = 0; k < sizeof header_labels / sizeof header_labels[0]; k++) {
        size_t i = ci_prefix(ln->s, ln->n, header_labels[k].label);
        if (!i)
            continue;
        if (i == ln->n || (ln->s[i] == ':' && i + 1 == ln->n)) {
            p->pending_label = (int)k + 1;
            p->seen_header_line = 1; /* a form of labels has no title line */
            return 1;
        }
        if (!p->seen_header_line)
            break; /* the first line is the meeting's title line */
        if (ln->s[i] != ':' && !space_width(ln->s + i, ln->n - i))
            continue;
        if (ln->s[i] == ':')
            i++;
        set_header_field(p, header_labels[k].field, ln, ln->s + i, ln->n - i);
        return 1;
    }
    if (!p->seen_header_line) {
        p->seen_header_line = 1;
        parse_heading_line(p, ln);
        if (!mt->body[0])
            body_from_line(p, ln);
        return 1;
    }
    /* The body is named at the top; a header of thousands of lines (a
     * file with no punkter) is not searched for it line by line. */
    if (!mt->body[0] && ++p->header_lines <= BODY_SEARCH_MAX_LINES) {
        body_from_line(p, ln);
        if (mt->body[0])
            return 1;
    }
    return dated;
}

void mn_finish_header(parser *p)
{
    ref_meeting *mt = &p->m->pub;
    if (p->referat_date) {
        mt->date = (char *)p->referat_date;
        if (p->labelled_date && strcmp(p->referat_date, p->labelled_date) != 0)
            mn_warn(p, p->labelled_date_line, "meeting date %s differs from %s in the first line",
                    p->labelled_date, p->referat_date);
    } else if (p->labelled_date) {
        mt->date = (char *)p->labelled_date;
    } else if (p->first_header_date) {
        mt->date = (char *)p->first_header_date;
    } else {
        mn_warn(p, 0, "no meeting date found");
    }
    if (!mt->body[0])
        mn_warn(p, 0, "no committee name found in the first line");
}

/* ---- the municipality ------------------------------------------------- */

/* Denmark's 98 municipalities as their names stand before "Kommune", and
 * the five regions. A name is found only in that phrase ("Albertslund
 * Kommune", "Aarhus Kommunes"), so a place or a word of the same spelling
 * elsewhere in the text never counts. Where the official name is a
 * genitive ("Københavns Kommune"), the second column is the name shown. */
static const struct municipality_name {
    const char *written;
    const char *name;
} municipality_names[] = {
    {"Albertslund", NULL},
    {"Allerød", NULL},
    {"Assens", NULL},
    {"Ballerup", NULL},
    {"Billund", NULL},
    {"Bornholms", "Bornholm"},
    {"Brøndby", NULL},
    {"Brønderslev", NULL},
    {"Dragør", NULL},
    {"Egedal", NULL},
    {"Esbjerg", NULL},
    {"Fanø", NULL},
    {"Favrskov", NULL},
    {"Faxe", NULL},
    {"Fredensborg", NULL},
    {"Fredericia", NULL},
    {"Frederiksberg", NULL},
    {"Frederikshavn", NULL},
    {"Frederikssund", NULL},
    {"Furesø", NULL},
    {"Faaborg-Midtfyn", NULL},
    {"Gentofte", NULL},
    {"Gladsaxe", NULL},
    {"Glostrup", NULL},
    {"Greve", NULL},
    {"Gribskov", NULL},
    {"Guldborgsund", NULL},
    {"Haderslev", NULL},
    {"Halsnæs", NULL},
    {"Hedensted", NULL},
    {"Helsingør", NULL},
    {"Herlev", NULL},
    {"Herning", NULL},
    {"Hillerød", NULL},
    {"Hjørring", NULL},
    {"Holbæk", NULL},
    {"Holstebro", NULL},
    {"Horsens", NULL},
    {"Hvidovre", NULL},
    {"Høje-Taastrup", NULL},
    {"Hørsholm", NULL},
    {"Ikast-Brande", NULL},
    {"Ishøj", NULL},
    {"Jammerbugt", NULL},
    {"Kalundborg", NULL},
    {"Kerteminde", NULL},
    {"Kolding", NULL},
    {"Københavns", "København"},
    {"Køge", NULL},
    {"Langeland", NULL},
    {"Lejre", NULL},
    {"Lemvig", NULL},
    {"Lolland", NULL},
    {"Lyngby-Taarbæk", NULL},
    {"Læsø", NULL},
    {"Mariagerfjord", NULL},
    {"Middelfart", NULL},
    {"Morsø", NULL},
    {"Norddjurs", NULL},
    {"Nordfyns", "Nordfyn"},
    {"Nyborg", NULL},
    {"Næstved", NULL},
    {"Odder", NULL},
    {"Odense", NULL},
    {"Odsherred", NULL},
    {"Randers", NULL},
    {"Rebild", NULL},
    {"Ringkøbing-Skjern", NULL},
    {"Ringsted", NULL},
    {"Roskilde", NULL},
    {"Rudersdal", NULL},
    {"Rødovre", NULL},
    {"Samsø", NULL},
    {"Silkeborg", NULL},
    {"Skanderborg", NULL},
    {"Skive", NULL},
    {"Slagelse", NULL},
    {"Solrød", NULL},
    {"Sorø", NULL},
    {"Stevns", NULL},
    {"Struer", NULL},
    {"Svendborg", NULL},
    {"Syddjurs", NULL},
    {"Sønderborg", NULL},
    {"Thisted", NULL},
    {"Tønder", NULL},
    {"Tårnby", NULL},
    {"Vallensbæk", NULL},
    {"Varde", NULL},
    {"Vejen", NULL},
    {"Vejle", NULL},
    {"Vesthimmerlands", "Vesthimmerland"},
    {"Viborg", NULL},
    {"Vordingborg", NULL},
    {"Ærø", NULL},
    {"Aabenraa", NULL},
    {"Aalborg", NULL},
    {"Aarhus", NULL},
};

static const char *const region_names[] = {
    "Region Hovedstaden", "Region Sjælland",    "Region Syddanmark",
    "Region Midtjylland", "Region Nordjylland",
};

enum { NMUNICIPALITIES = sizeof municipality_names / sizeof municipality_names[0] };
enum { NREGIONS = sizeof region_names / sizeof region_names[0] };

/* The index into municipality_names of the word that ends just before
 * TEXT[AT] (" Kommune" starts at AT), or -1. */
static int municipality_before(const char *text, size_t at)
{
    size_t start = at;
    while (start > 0 && at - start < 40 && text[start - 1] != ' ' && text[start - 1] != '\n' &&
           text[start - 1] != '\t' && text[start - 1] != '(' && text[start - 1] != '"')
        start--;
    for (int k = 0; k < (int)NMUNICIPALITIES; k++) {
        const char *w = municipality_names[k].written;
        if (strlen(w) == at - start && memcmp(text + start, w, at - start) == 0)
            return k;
    }
    return -1;
}

/* The municipality or region the text names most often (the first named
 * on a tie); "" if none. One pass over the text. */
void mn_detect_municipality(parser *p, const char *text, size_t len)
{
    size_t counts[NMUNICIPALITIES + NREGIONS];
    size_t first[NMUNICIPALITIES + NREGIONS];
    memset(counts, 0, sizeof counts);
    for (size_t i = 0; i + 1 < len; i++) {
        int k = -1;
        if (text[i] == ' ' && text[i + 1] == 'K' && len - i >= 8 &&
            memcmp(text + i + 1, "Kommune", 7) == 0 &&
            (i + 8 == len || text[i + 8] == 's' || !starts_letter(text + i + 8, len - i - 8)))
            k = municipality_before(text, i);
        else if (text[i] == 'R' && (i == 0 || !starts_letter(text + i - 1, 1)))
            for (int r = 0; r < (int)NREGIONS; r++)
                if (ci_prefix(text + i, len - i, region_names[r]) == strlen(region_names[r]) &&
                    memcmp(text + i, region_names[r], 7) == 0)
                    k = (int)NMUNICIPALITIES + r;
        if (k < 0)
            continue;
        if (!counts[k]++)
            first[k] = i;
    }
    int best = -1;
    for (int k = 0; k < (int)(NMUNICIPALITIES + NREGIONS); k++)
        if (counts[k] && (best < 0 || counts[k] > counts[best] ||
                          (counts[k] == counts[best] && first[k] < first[best])))
            best = k;
    if (best < 0)
        return;
    const char *name = best >= (int)NMUNICIPALITIES
                           ? region_names[best - NMUNICIPALITIES]
                           : (municipality_names[best].name ? municipality_names[best].name
                                                            : municipality_names[best].written);
    p->m->pub.municipality = mn_pstrndup(p, name, strlen(name));
}
