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

static int find_body(const char *s, size_t n, int any_case, const char **b, size_t *bn);

enum { BODY_NAME_MAX_WORDS = 6 };

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
        const char *name;
        size_t nn;
        if (bn && find_body(b, bn, 1, &name, &nn)) {
            /* A short capitalised name ending in the body's word is the name
             * as written, whatever its other words ('Teknik & <Miljø>
             * "Udvalg"'); a longer rest is cut to the name in it. */
            size_t after = (size_t)(name + nn - b);
            while (after < bn && (b[after] == '"' || b[after] == '\''))
                after++;
            if (after == bn && starts_upper(b, bn) &&
                count_words(b, bn, BODY_NAME_MAX_WORDS) <= BODY_NAME_MAX_WORDS) {
                name = b;
                nn = bn;
            }
            mt->body = mn_pstrndup(p, name, nn);
            p->body_rule = "the first line";
            p->body_line = ln->no;
        }
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

/* W without the punctuation that may follow it in a line ("Byrådet,",
 * "ØKONOMIUDVALG.", "Udvalg:"). */
static span bare(span w)
{
    while (w.n && (w.s[w.n - 1] == ',' || w.s[w.n - 1] == ':' || w.s[w.n - 1] == '.' ||
                   w.s[w.n - 1] == ';' || w.s[w.n - 1] == '"'))
        w.n--;
    return w;
}

static int ends_like_body(span w)
{
    for (size_t k = 0; k < sizeof body_endings / sizeof body_endings[0]; k++) {
        size_t m = strlen(body_endings[k]);
        if (w.n >= m && ci_equal(w.s + w.n - m, m, body_endings[k]))
            return 1;
    }
    return 0;
}

/* Does W name a body ("Byrådet"), also in the genitive ("Byrådets møde")?
 * Where a label may stand (LABEL_PLACE), "Udvalg" and "Mødeforum" are
 * labels, no names. */
static int word_is_body(span w, int label_place)
{
    if (label_place || w.s[w.n - 1] == ':')
        for (size_t k = 0; k < sizeof header_labels / sizeof header_labels[0]; k++)
            if (ci_equal(bare(w).s, bare(w).n, header_labels[k].label))
                return 0;
    w = bare(w);
    if (ends_like_body(w))
        return 1;
    return w.n > 1 && w.s[w.n - 1] == 's' && ends_like_body((span){w.s, w.n - 1});
}

/* A word that may stand inside a body's name: capitalised ("Teknik,"),
 * "og", or cut before "og" ("Børne-"); not a word ending a sentence
 * ("Referat.") or a document's kind. */
static int word_in_body_name(span w)
{
    if (w.s[w.n - 1] == '.' || ci_equal(w.s, w.n, "Referat") || ci_equal(w.s, w.n, "Dagsorden"))
        return 0;
    for (size_t k = 0; k < sizeof header_labels / sizeof header_labels[0]; k++)
        if (ci_equal(w.s, w.n, header_labels[k].label))
            return 0;
    return starts_upper(w.s, w.n) || ci_equal(w.s, w.n, "og") || w.s[w.n - 1] == '-';
}

/* Words that end the name after "for" ("Udvalg for regional udvikling den
 * 1. februar"). */
static int ends_for_name(span w)
{
    static const char *const stops[] = {"den", "d.", "kl.", "-", "–", "|", "·", "•", "og"};
    if (is_digit(w.s[0]))
        return 1;
    for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++)
        if (ci_equal(w.s, w.n, stops[k]))
            return k < sizeof stops / sizeof stops[0] - 1; /* "og" only at the end */
    return 0;
}

/* A period after a body's name is no part of it: "Kommunalbestyrelsen
 * 2022-25", "Teknik, Erhverv, Plan og Miljøudvalget 2018-2021",
 * "(2018-2021)". */
static int is_period(span w)
{
    size_t digits = 0;
    for (size_t i = 0; i < w.n; i++) {
        char c = w.s[i];
        if (is_digit(c))
            digits++;
        else if (c != '-' && c != '(' && c != ')' && c != '/')
            return 0;
    }
    return digits >= 2;
}

enum { BODY_MAX_WORDS = 40, FOR_NAME_MAX_WORDS = 8 };

/* Small words before a body's name that are no part of it ("referat fra
 * byrådet", "møde i udvalget"). */
static int function_word(span w)
{
    static const char *const words[] = {"i", "af", "fra", "til", "for", "med", "møde", "mødet"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (ci_equal(w.s, w.n, words[k]))
            return 1;
    return !starts_letter(w.s, w.n);
}

/* The body named in S without a label: "Social- og Sundhedsudvalget torsdag
 * den 20. april 2023", "Byrådet - Referat", "mødet i Kommunalbestyrelsen
 * 2018-21", "Udvalget for Erhverv og Kultur", "Udvalg for regional
 * udvikling", "Byrådets møde den …" (→ "Byrådet"). Finds the first word
 * ending like a body and widens it to the name around it. 1 and the name's
 * bytes in *B, *BN if found. ANY_CASE also takes a body word written in
 * lower case ("Det fælles landdistriktsråd"). */
static int find_body(const char *s, size_t n, int any_case, const char **b, size_t *bn)
{
    if (n > FURNITURE_MAX_BYTES)
        n = FURNITURE_MAX_BYTES;
    span w[BODY_MAX_WORDS];
    size_t nw = 0, i = 0;
    while (nw < BODY_MAX_WORDS) {
        i = skip_spaces(s, n, i);
        if (i >= n)
            break;
        size_t j = i;
        while (j < n && !space_width(s + j, n - j))
            j++;
        w[nw++] = (span){s + i, j - i};
        i = j;
    }
    for (size_t k = 0; k < nw; k++) {
        /* a name in lower case ("Det fælles landdistriktsråd - Dagsordener")
         * only where the name ends: at the line's end or before a dash */
        int lower = !starts_upper(w[k].s, w[k].n);
        if (lower && !(any_case && (k + 1 == nw || ci_equal(w[k + 1].s, w[k + 1].n, "-") ||
                                    ci_equal(w[k + 1].s, w[k + 1].n, "–"))))
            continue;
        /* "Udvalg" starting a line or after "." is a label ("Udvalg Ikon",
         * ". Mødeforum MED-Hovedudvalget"); "Teknisk Udvalg" is a name */
        if (!word_is_body(w[k], k == 0 || w[k - 1].s[w[k - 1].n - 1] == '.'))
            continue;
        size_t first = k, last = k;
        while (first > 0 &&
               (word_in_body_name(w[first - 1]) || (lower && !function_word(w[first - 1]) &&
                                                    w[first - 1].s[w[first - 1].n - 1] != '.')))
            first--;
        if (ci_equal(w[first].s, w[first].n, "og"))
            first++;
        /* "Udvalget for Erhverv og Kultur": the name goes on after "for". */
        if (last + 1 < nw && ci_equal(w[last + 1].s, w[last + 1].n, "for")) {
            size_t e = last + 2;
            while (e < nw && e < last + 2 + FOR_NAME_MAX_WORDS && !ends_for_name(w[e])) {
                int stop = bare(w[e]).n < w[e].n;
                e++;
                if (stop)
                    break;
            }
            if (e > last + 2)
                last = e - 1;
            while (last > k &&
                   (ci_equal(w[last].s, w[last].n, "og") || ci_equal(w[last].s, w[last].n, "i")))
                last--;
        }
        while (last > k && is_period(w[last]))
            last--;
        span name = bare((span){w[first].s, (size_t)(w[last].s + w[last].n - w[first].s)});
        /* genitive: "Byrådets møde" names "Byrådet" */
        if (first == last && !ends_like_body(name))
            name.n--;
        *b = name.s;
        *bn = name.n;
        return name.n > 0;
    }
    return 0;
}

static void body_from_line(parser *p, const line *ln)
{
    const char *b;
    size_t bn;
    if (ln->n <= FURNITURE_MAX_BYTES && find_body(ln->s, ln->n, 0, &b, &bn)) {
        p->m->pub.body = mn_pstrndup(p, b, bn);
        p->body_rule = "a header line naming a body";
        p->body_line = ln->no;
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
    case FIELD_BODY: {
        /* the name in the value ("Teknik, Erhverv, Plan og Miljøudvalget
         * 2018-2021"); a value naming no body ("Ikon", a web page's icon
         * text) is no committee */
        const char *b;
        size_t bn;
        if (!mt->body[0] && vn && find_body(v, vn, 1, &b, &bn)) {
            mt->body = mn_pstrndup(p, b, bn);
            p->body_rule = "the label";
            p->body_line = ln->no;
        }
        break;
    }
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
 * the table of contents), 2 if it is the contents' heading (structure, not
 * content), 0 if it is some other text. */
int mn_header_line(parser *p, const line *ln)
{
    ref_meeting *mt = &p->m->pub;
    if (ci_equal(ln->s, ln->n, "Indholdsfortegnelse") || ci_equal(ln->s, ln->n, "Indhold")) {
        p->in_toc = 1;
        return 2; /* structure, not content */
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
    }
    if (p->referat_date)
        p->date_rule = "the first line";
    else if (p->labelled_date)
        p->date_rule = "the label", p->date_line = p->labelled_date_line;
    else if (p->first_header_date)
        p->date_rule = "the first date in the header";
}

void mn_warn_missing_fields(parser *p)
{
    ref_meeting *mt = &p->m->pub;
    if (!mt->date[0])
        mn_warn(p, 0, "no meeting date found");
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

/* The words after a municipality's name that make it the municipality:
 * "Albertslund Kommune(s)", "Aarhus Byråd", "Ballerup Kommunalbestyrelse".
 * Longest first. */
static const char *const issuer_words[] = {" Kommunalbestyrelse", " Kommune", " Byråd"};

/* Bytes of the issuer word at TEXT[I] (" Kommune"), ending a word (a
 * genitive 's' allowed); 0 if none. */
static size_t issuer_word_at(const char *text, size_t len, size_t i)
{
    for (size_t k = 0; k < sizeof issuer_words / sizeof issuer_words[0]; k++) {
        size_t w = strlen(issuer_words[k]);
        if (len - i < w || memcmp(text + i, issuer_words[k], w) != 0)
            continue;
        size_t e = i + w;
        if (e < len && text[e] == 's')
            e++;
        if (e == len || !starts_letter(text + e, len - e))
            return w;
    }
    return 0;
}

enum { ADDRESS_LOOK_BYTES = 40 };

/* Is the mention ending at TEXT[END] an address ("i Herning Kommune, Torvet
 * 5, 7400 Herning": a postcode follows on the line), the place of the
 * meeting rather than the body that holds it? */
static int names_a_place(const char *text, size_t len, size_t end)
{
    size_t stop = len - end < ADDRESS_LOOK_BYTES ? len : end + ADDRESS_LOOK_BYTES;
    for (size_t i = end; i + 5 < stop && text[i] != '\n'; i++)
        if (text[i] == ' ' && is_digit(text[i + 1]) && is_digit(text[i + 2]) &&
            is_digit(text[i + 3]) && is_digit(text[i + 4]) && text[i + 5] == ' ' && i + 6 < len &&
            starts_upper(text + i + 6, len - i - 6))
            return 1;
    return 0;
}

enum { NNAMES = NMUNICIPALITIES + NREGIONS, ISSUER_LINES = 6 };

/* The municipality or region that holds the meeting, in this order:
 *   1. named in the title lines (the first ISSUER_LINES non-blank lines:
 *      "Referat - Viborg Kommune", "Hjørring Byråd - Hjørring Kommune");
 *   2. named most often (the first named on a tie), an address ("i
 *      Herning Kommune, Torvet 5, 7400 Herning") counting only when nothing
 *      else is named.
 * "" if none. One pass over the text. `--municipality` and the other files
 * of the folder come after these, in the indexer. */
void mn_detect_municipality(parser *p, const char *text, size_t len)
{
    size_t counts[2][NNAMES], first[2][NNAMES];
    memset(counts, 0, sizeof counts);
    int issuer = -1;
    size_t lines = 0;
    int blank = 1;
    for (size_t i = 0; i + 1 < len; i++) {
        if (text[i] == '\n') {
            lines += !blank;
            blank = 1;
        } else if (!is_space((unsigned char)text[i])) {
            blank = 0;
        }
        int k = -1;
        size_t end = i, w;
        if (text[i] == ' ' && (text[i + 1] == 'K' || text[i + 1] == 'B') &&
            (w = issuer_word_at(text, len, i)) > 0) {
            k = municipality_before(text, i);
            end = i + w;
        } else if (text[i] == 'R' && (i == 0 || !starts_letter(text + i - 1, 1))) {
            for (int r = 0; r < (int)NREGIONS; r++)
                if (ci_prefix(text + i, len - i, region_names[r]) == strlen(region_names[r]) &&
                    memcmp(text + i, region_names[r], 7) == 0)
                    k = (int)NMUNICIPALITIES + r;
        }
        if (k < 0)
            continue;
        int place = names_a_place(text, len, end);
        if (!place && issuer < 0 && lines < ISSUER_LINES)
            issuer = k;
        if (!counts[place][k]++)
            first[place][k] = i;
    }
    int best = -1;
    const char *rule = "the title lines";
    if (issuer >= 0) {
        best = issuer;
    } else {
        for (int place = 0; place < 2 && best < 0; place++)
            for (int k = 0; k < NNAMES; k++)
                if (counts[place][k] && (best < 0 || counts[place][k] > counts[place][best] ||
                                         (counts[place][k] == counts[place][best] &&
                                          first[place][k] < first[place][best]))) {
                    best = k;
                    rule = place ? "the address named" : "the most mentions";
                }
    }
    if (best < 0)
        return;
    const char *name = best >= (int)NMUNICIPALITIES
                           ? region_names[best - NMUNICIPALITIES]
                           : (municipality_names[best].name ? municipality_names[best].name
                                                            : municipality_names[best].written);
    p->m->pub.municipality = mn_pstrndup(p, name, strlen(name));
    p->m->pub.municipality_rule = rule;
}

/* ---- the meeting's date and body from the first page ------------------- */

/* When the header did not name the date or the body (a page of one item
 * whose header ended early, text flattened from PDF, a web page's menus
 * first), the first page is read for them, best kind of line first:
 *   1. a label anywhere in the line's start ("… Mødedato: Tirsdag den 30.
 *      juni 2015 …", "Udvalg: Byrådet");
 *   2. a decision heading with the meeting's date ("Beslutning i
 *      Kommunalbestyrelsen den 17-01-2018", "Kultur- og Idrætsudvalget,
 *      03-04-2019, pkt. 44");
 *   3. a line about the meeting ("Møde i Kommunalbestyrelsen mandag den 25.
 *      september 2006", "Byrådet 12. februar 2024", "Ældrerådet").
 * Punkt lines are never read for a body: an agenda item's title names
 * other bodies. */
enum { FIRST_PAGE_MAX_LINES = 150, FIELD_LOOK_BYTES = 240, LABEL_VALUE_BYTES = 80 };

enum { RANK_LABEL, RANK_DECISION, RANK_MEETING_LINE, NRANKS };

static const char *const rank_names[NRANKS] = {
    "a label on the first page",
    "a decision heading on the first page",
    "a line about the meeting on the first page",
};

typedef struct found {
    char date[NRANKS][11];
    size_t date_line[NRANKS];
    const char *body[NRANKS]; /* in the meeting's arena: the line's buffer is
                                 reused for the next line */
    size_t body_line[NRANKS];
    parser *p;
} found;

/* Where LABEL stands at a word start in S followed by ':' or a space; the
 * value's start in *V, or 0. */
static int label_in(const char *s, size_t n, const char *label, size_t *v)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && !space_width(s + i - 1, n - i + 1) && s[i - 1] != '.')
            continue;
        size_t w = ci_prefix(s + i, n - i, label);
        if (!w || (i + w < n && starts_letter(s + i + w, n - i - w)))
            continue;
        size_t j = i + w;
        if (j < n && s[j] == ':')
            j++;
        *v = skip_spaces(s, n, j);
        return 1;
    }
    return 0;
}

static void note_date(found *f, int rank, const char *s, size_t n, size_t lineno)
{
    size_t at;
    if (!f->date[rank][0] && ref_date_find(s, n, f->date[rank], &at))
        f->date_line[rank] = lineno;
}

static void note_body(found *f, int rank, const char *s, size_t n, int any_case, size_t lineno)
{
    const char *b;
    size_t bn;
    if (!f->body[rank] && find_body(s, n, any_case, &b, &bn)) {
        f->body[rank] = mn_pstrndup(f->p, b, bn);
        f->body_line[rank] = lineno;
    }
}

static int mentions_meeting(const char *s, size_t n)
{
    static const char *const words[] = {"møde", "referat", "dagsorden", "beslutningsprotokol"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (mn_ci_contains(s, n, words[k]))
            return 1;
    return 0;
}

static void first_page_line(found *f, const line *ln)
{
    const char *s = ln->s;
    size_t n = ln->n < FIELD_LOOK_BYTES ? ln->n : FIELD_LOOK_BYTES;
    size_t v;
    static const char *const date_labels[] = {"Mødedato", "Dato", "Mødetid", "Starttidspunkt"};
    for (size_t k = 0; k < sizeof date_labels / sizeof date_labels[0]; k++)
        if (label_in(s, n, date_labels[k], &v))
            note_date(f, RANK_LABEL, s + v, n - v < LABEL_VALUE_BYTES ? n - v : LABEL_VALUE_BYTES,
                      ln->no);
    static const char *const body_labels[] = {"Udvalg", "Mødeforum"};
    for (size_t k = 0; k < sizeof body_labels / sizeof body_labels[0]; k++)
        if (ci_prefix(s, n, body_labels[k]) && label_in(s, n, body_labels[k], &v))
            note_body(f, RANK_LABEL, s + v, n - v, 1, ln->no);
    punkt_line pl;
    if (mn_match_punkt_line(ln, &pl) || mn_match_numbered_punkt(ln, &pl))
        return;
    size_t d = mn_date_lead(s, n);
    char date[11];
    size_t at;
    int dated = ref_date_find(s, n, date, &at);
    /* "Beslutning i Byrådet den 26-01-2015", "Beslutning Børne- og
     * Uddannelsesudvalg den 06-06-2017" */
    size_t b = ci_prefix(s, n, "Beslutning");
    if (b && d < n && dated && n <= SUFFIXED_HEADING_MAX_BYTES) {
        note_date(f, RANK_DECISION, s, n, ln->no);
        note_body(f, RANK_DECISION, s + b, d - b, 0, ln->no);
    }
    /* "Kultur- og Idrætsudvalget, 03-04-2019, pkt. 44" */
    if (dated && at > 0 && mn_ci_contains(s + at, n - at, ", pkt.") &&
        n <= SUFFIXED_HEADING_MAX_BYTES) {
        note_date(f, RANK_DECISION, s, n, ln->no);
        note_body(f, RANK_DECISION, s, at, 0, ln->no);
    }
    if ((dated && mentions_meeting(s, n)) || ln->n <= PLAIN_HEADING_MAX_BYTES) {
        if (dated)
            note_date(f, RANK_MEETING_LINE, s, n, ln->no);
        note_body(f, RANK_MEETING_LINE, s, dated ? at : n, 1, ln->no);
    }
}

void mn_meeting_from_first_page(parser *p, const char *text, size_t len)
{
    ref_meeting *mt = &p->m->pub;
    if ((mt->date[0] && mt->body[0]) || p->rc != REF_OK)
        return;
    found f;
    memset(&f, 0, sizeof f);
    f.p = p;
    cursor c;
    mn_cursor_init(&c, text, len, 0);
    line ln = {0};
    for (mn_next_line(&c, &ln); ln.present && ln.page == 1 && ln.no <= FIRST_PAGE_MAX_LINES;
         mn_next_line(&c, &ln))
        if (ln.n)
            first_page_line(&f, &ln);
    for (int r = 0; r < NRANKS && !mt->date[0]; r++)
        if (f.date[r][0]) {
            mt->date = mn_pstrndup(p, f.date[r], 10);
            p->date_rule = rank_names[r];
            p->date_line = f.date_line[r];
        }
    for (int r = 0; r < NRANKS && !mt->body[0]; r++)
        if (f.body[r]) {
            mt->body = (char *)f.body[r];
            p->body_rule = rank_names[r];
            p->body_line = f.body_line[r];
        }
    if (ref_buf_status(&ln.buf) != REF_OK)
        p->rc = REF_ENOMEM;
    ref_buf_free(&ln.buf);
}
