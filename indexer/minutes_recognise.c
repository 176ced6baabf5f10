/* minutes_recognise.c — what a line of minutes is: punkt lines, headings,
 * journal numbers, dates, table-of-contents entries, closed markers. Pure
 * functions of the text, no parser state (see minutes_int.h). */
#include "minutes_int.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- punkt lines ------------------------------------------------------ */

/* How a punkt line is written. "Punkt 3:" needs its colon because Aalborg
 * writes prose like "Punkt 19 behandles som punkt 2."; the other rows need a
 * number and a capitalised title (or none: Roskilde puts "Pkt. 42" alone on
 * its line). New layouts ("12. Godkendelse af …") are new rows. */
typedef struct punkt_pattern {
    const char *keyword;
    int colon_required; /* "Punkt 3: …"; a missing number is then tolerated */
} punkt_pattern;

static const punkt_pattern punkt_patterns[] = {
    {"Punkt", 1}, {"Pkt.", 0}, {"Sag nr.", 0}, {"Nr.", 0}, {"Dagsordenspunkt", 0},
};

static int match_punkt_pattern(const punkt_pattern *pat, const char *s, size_t n, punkt_line *out)
{
    size_t i = ci_prefix(s, n, pat->keyword);
    if (!i)
        return 0;
    /* "Punktet", "Punkter på dagsordenen": the keyword must end a word. */
    if (i < n && starts_letter(s + i, n - i))
        return 0;
    i = skip_spaces(s, n, i);
    size_t digits = 0;
    long number = 0;
    while (i < n && is_digit(s[i])) {
        if (number <= MAX_PUNKT_NUMBER)
            number = number * 10 + (s[i] - '0');
        digits++;
        i++;
    }
    if (digits && i < n && starts_letter(s + i, n - i))
        return 0; /* "Nr.1a" is not a number we know */
    i = skip_spaces(s, n, i);
    int sep = 0;
    if (i < n && (s[i] == ':' || s[i] == '.')) {
        sep = s[i] == ':';
        i++;
    } else if (i + 1 < n && s[i] == '-' && space_width(s + i + 1, n - i - 1)) {
        i++;
    }
    if (pat->colon_required && !sep)
        return 0;
    if (!pat->colon_required && !digits)
        return 0;
    i = skip_spaces(s, n, i);
    if (!pat->colon_required && i < n && !starts_upper(s + i, n - i) && !is_digit(s[i]))
        return 0; /* "Pkt. 5 blev udsat" is prose */
    out->number = digits && number <= MAX_PUNKT_NUMBER ? (int)number : 0;
    out->too_large = digits && number > MAX_PUNKT_NUMBER;
    out->rest = s + i;
    out->nrest = n - i;
    return 1;
}

/* Bytes of a list bullet ("• ", "- ", "* ", "· ", "– ") and the space
 * after it at S, or 0. Web pages list their punkter as bullets. */
static size_t bullet_width(const char *s, size_t n)
{
    static const char *const bullets[] = {"\u2022", "\u00b7", "\u2013", "-", "*"};
    for (size_t k = 0; k < sizeof bullets / sizeof bullets[0]; k++) {
        size_t m = strlen(bullets[k]);
        if (n > m && memcmp(s, bullets[k], m) == 0 && space_width(s + m, n - m))
            return skip_spaces(s, n, m);
    }
    return 0;
}

/* Is C the first letter of a punkt keyword (as written)? A cheap test
 * before trying the patterns at every place of a long line. */
int mn_punkt_keyword_letter(char c)
{
    for (size_t k = 0; k < sizeof punkt_patterns / sizeof punkt_patterns[0]; k++)
        if (c == punkt_patterns[k].keyword[0])
            return 1;
    return 0;
}

int mn_match_keyword_punkt(const char *s, size_t n, punkt_line *out)
{
    if (n == 0)
        return 0;
    unsigned char c0 = (unsigned char)s[0];
    size_t b = c0 >= 0x80 || c0 == '-' || c0 == '*' ? bullet_width(s, n) : 0;
    if (b >= n)
        return 0;
    /* Most lines start with no keyword's first letter: one compare each. */
    char first = (char)(s[b] >= 'A' && s[b] <= 'Z' ? s[b] + 32 : s[b]);
    for (size_t k = 0; k < sizeof punkt_patterns / sizeof punkt_patterns[0]; k++) {
        char kf = punkt_patterns[k].keyword[0];
        if (first == (char)(kf >= 'A' && kf <= 'Z' ? kf + 32 : kf) &&
            match_punkt_pattern(&punkt_patterns[k], s + b, n - b, out))
            return 1;
    }
    return 0;
}

int mn_match_punkt_line(const line *ln, punkt_line *out)
{
    return mn_match_keyword_punkt(ln->s, ln->n, out);
}

/* "12. Godkendelse af dagsorden": the layout of files with no keyword punkt
 * lines at all (Brønderslev, Allerød, SBSYS exports). A number of one to
 * three digits, a dot, a capitalised title of heading length. The caller
 * checks that the numbers rise. */
int mn_match_numbered_punkt(const line *ln, punkt_line *out)
{
    const char *s = ln->s;
    size_t n = ln->n, i = 0;
    int number = 0;
    while (i < n && i < 4 && is_digit(s[i]))
        number = number * 10 + (s[i++] - '0');
    if (i == 0 || i > 3 || i >= n || s[i] != '.' || number == 0)
        return 0;
    size_t t = skip_spaces(s, n, i + 1);
    if (t == i + 1 || t >= n || !(starts_upper(s + t, n - t) || is_digit(s[t])))
        return 0; /* "89. 17 nye lejligheder" starts with a number */
    if (n - t > MARKUP_HEADING_MAX_BYTES || ends_sentence_char(s[n - 1]) || s[n - 1] == ':')
        return 0;
    out->number = number;
    out->too_large = 0;
    out->rest = s + t;
    out->nrest = n - t;
    return 1;
}

/* "CF - Godkendelse": a short all-capitals word before the first " - " (or
 * " – ") is the prefix. Only the first is looked at, so "Budget 2014 -
 * langsigtede strategier" keeps its dash, and a long title is not scanned. */
void mn_split_prefix(const char *s, size_t n, size_t *prefix_len, size_t *title_off)
{
    *prefix_len = 0;
    *title_off = 0;
    size_t i = 0;
    int letters = 0;
    while (i < n && i <= MAX_PREFIX_BYTES) {
        size_t w;
        unsigned c = (unsigned char)s[i];
        if (starts_upper(s + i, n - i)) {
            letters = 1;
            w = c < 0x80 ? 1 : 2;
        } else if (is_digit(s[i])) {
            w = 1;
        } else {
            break;
        }
        i += w;
    }
    if (!letters || i == 0 || i > MAX_PREFIX_BYTES)
        return;
    size_t j = skip_spaces(s, n, i);
    if (j == i)
        return;
    size_t dash = 0;
    if (j < n && s[j] == '-')
        dash = 1;
    else if (j + 2 < n && (unsigned char)s[j] == 0xE2 && (unsigned char)s[j + 1] == 0x80 &&
             ((unsigned char)s[j + 2] == 0x93 || (unsigned char)s[j + 2] == 0x94))
        dash = 3; /* en dash, em dash */
    if (!dash)
        return;
    size_t k = j + dash;
    if (k < n && space_width(s + k, n - k) == 0)
        return; /* "CF -x" or a hyphenated word */
    *prefix_len = i;
    *title_off = skip_spaces(s, n, k);
}

/* Does S contain NEEDLE, ignoring case? S is short (a punkt line or a
 * line under it), so the scan is bounded by the caller. */
int mn_ci_contains(const char *s, size_t n, const char *needle)
{
    for (size_t i = 0; i < n; i++)
        if (ci_prefix(s + i, n - i, needle))
            return 1;
    return 0;
}

/* Words that mark an item as closed to the public, in the punkt line or on
 * a line right under it ("Sagsnr. 299835 Kultur- og Idrætsudvalget Lukket
 * punkt"). */
static const char *const closed_markers[] = {"lukket punkt", "lukket sag", "(lukket"};

int mn_closed_marker(const char *s, size_t n)
{
    if (n > FURNITURE_MAX_BYTES)
        return 0;
    if (ci_equal(s, n, "Lukket") || ci_equal(s, n, "Lukket:"))
        return 1;
    for (size_t k = 0; k < sizeof closed_markers / sizeof closed_markers[0]; k++)
        if (mn_ci_contains(s, n, closed_markers[k]))
            return 1;
    return 0;
}

/* Lines that open (1) or end (-1) the closed part of a meeting. */
int mn_closed_part_line(const char *s, size_t n)
{
    static const char *const opens[] = {"Lukket dagsorden", "Lukket møde", "Lukkede punkter",
                                        "Lukkede sager", "Lukket del"};
    static const char *const ends[] = {"Åben dagsorden", "Åbent møde", "Åbne punkter", "Åbne sager",
                                       "Åben del"};
    for (size_t k = 0; k < sizeof opens / sizeof opens[0]; k++) {
        if (ci_equal(s, n, opens[k]))
            return 1;
        if (ci_equal(s, n, ends[k]))
            return -1;
    }
    return 0;
}

/* ---- journal numbers -------------------------------------------------- */

/* Labels case systems write before the case number. "Dok.nr." and
 * "Dokumentnr." number a document, not a case, and "Sag nr. 24" is a punkt
 * line (Rødovre), so neither is here. */
static const char *const journal_labels[] = {
    "Sagsnr.", "Sagsnr",     "Sags nr.",    "Sagnr.",  "Sagsnummer", "J.nr.",   "J. nr.",
    "Jnr.",    "Journalnr.", "Journal nr.", "Sagsid.", "Sagsid",     "Sags-id", "Sags id",
};

/* Bytes of a letter at S: ASCII or a two-byte Latin-1 letter (the Ø of
 * "00.30.10-Ø00-4-16"); 0 otherwise. */
static size_t letter_width(const char *s, size_t n)
{
    if (n >= 1 && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 1;
    return n >= 2 && starts_letter(s, n) && (unsigned char)s[0] >= 0x80 ? 2 : 0;
}

/* A single token of letters and digits joined by '.', '-' or '/', with at
 * least two digits: "00.01.00-A00-3-17", "13/3462". Without a label it must
 * also contain a joiner, so a lone "2017" stays text. */
static int journal_token(const char *s, size_t n, int labelled)
{
    if (n == 0 || n > MAX_JOURNAL_BYTES || !is_ascii_alnum(s[0]) || !is_ascii_alnum(s[n - 1]))
        return 0;
    size_t digits = 0, joiners = 0;
    for (size_t i = 0; i < n;) {
        size_t w = letter_width(s + i, n - i);
        if (is_digit(s[i]))
            digits++;
        else if (s[i] == '.' || s[i] == '-' || s[i] == '/')
            joiners++;
        else if (!w)
            return 0;
        i += w ? w : 1;
    }
    return digits >= 2 && (labelled || joiners > 0);
}

/* Bytes of the KLE-shaped case number at S ("27.69.48-P20-1-16",
 * "00.30.10-Ø00-4-16": the KLE subject, a letter and two digits, a serial
 * and a year), 0 if there is none. The shape alone says "case number",
 * without a label. */
static size_t kle_number(const char *s, size_t n)
{
    size_t i = 0;
    for (int group = 0; group < 3; group++) {
        if (i + 2 > n || !is_digit(s[i]) || !is_digit(s[i + 1]))
            return 0;
        i += 2;
        if (i >= n || s[i] != (group < 2 ? '.' : '-'))
            return 0;
        i++;
    }
    size_t w = letter_width(s + i, n - i);
    if (!w || i + w + 2 > n || !is_digit(s[i + w]) || !is_digit(s[i + w + 1]))
        return 0;
    i += w + 2;
    for (int group = 0; group < 2; group++) {
        if (i >= n || s[i] != '-')
            return 0;
        size_t d = ++i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == d)
            return 0;
    }
    return i;
}

/* Where a token starting at S ends: at white space, or at ',' or ';'. */
static size_t token_len(const char *s, size_t n)
{
    size_t e = 0;
    while (e < n && !space_width(s + e, n - e) && s[e] != ',' && s[e] != ';')
        e++;
    while (e > 0 && (s[e - 1] == '.' || s[e - 1] == ':'))
        e--;
    return e;
}

int mn_find_journal(const char *s, size_t n, int unlabelled_ok, const char **tok, size_t *ntok)
{
    if (n > LONG_LINE_BYTES)
        n = LONG_LINE_BYTES; /* the case number stands at the start */
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && !space_width(s + i - 1, n - i + 1) && s[i - 1] != '(' && s[i - 1] != '-')
            continue; /* at word starts only */
        size_t k = kle_number(s + i, n - i);
        if (k && (i + k == n || !is_ascii_alnum(s[i + k]))) {
            *tok = s + i;
            *ntok = k;
            return i == 0 && k == n ? 2 : 1;
        }
        for (size_t l = 0; l < sizeof journal_labels / sizeof journal_labels[0]; l++) {
            size_t j = ci_prefix(s + i, n - i, journal_labels[l]);
            if (!j || (i + j < n && starts_letter(s + i + j, n - i - j)))
                continue;
            j += i;
            if (j < n && s[j] == ':')
                j++;
            j = skip_spaces(s, n, j);
            size_t t = token_len(s + j, n - j);
            if (!journal_token(s + j, t, 1))
                break;
            *tok = s + j;
            *ntok = t;
            return i == 0 && j + t == n ? 2 : 1;
        }
    }
    if (unlabelled_ok && journal_token(s, n, 0)) {
        *tok = s;
        *ntok = n;
        return 2;
    }
    return 0;
}

/* ---- headings --------------------------------------------------------- */

/* The grammar of headings: a keyword, and what may follow it on the line.
 * Every row also matches with a trailing ':' and as an inline heading
 * ("Beslutning: Godkendt."). Matching ignores case. */
enum {
    SFX_BARE = 0,
    SFX_AT = 1,    /* " i <body> den <date>", " den <date>", " på …", " (…)":
                      "Beslutning i Tværgående chefgruppe den 24-05-2013" */
    SFX_QUOTE = 2, /* " fra …": a quoted earlier decision, see below */
};

typedef struct heading_rule {
    const char *keyword;
    ref_section_kind kind;
    unsigned suffixes;
} heading_rule;

/* "Beslutning fra Chefforum, 19. januar 2023, pkt. 7:" (corpus/002, punkt 5)
 * quotes a decision of an earlier meeting inside this punkt's Historik. It is
 * not this meeting's decision, so it opens no section: the line and the
 * quoted text stay in the section around it (Historik there, Sagsfremstilling
 * elsewhere), and the Beslutning field — what `--decisions` searches — holds
 * only what this meeting decided. Pinned by test_quoted_decision_stays_in_historik
 * and by the seed table in tests/test_minutes.c.
 *
 * Rows mapped to REF_SECTION_OTHER are other municipalities' headings: they
 * are recognised, so they end the section before them, but get no field of
 * their own yet. */
static const heading_rule heading_rules[] = {
    {"Anledning", REF_SECTION_ANLEDNING, SFX_BARE},
    {"Baggrund", REF_SECTION_BAGGRUND, SFX_BARE},
    {"Sagsfremstilling", REF_SECTION_SAGSFREMSTILLING, SFX_BARE},
    {"Indstilling", REF_SECTION_INDSTILLING, SFX_AT},
    {"Beslutning", REF_SECTION_BESLUTNING, SFX_AT | SFX_QUOTE},
    {"Historik", REF_SECTION_HISTORIK, SFX_BARE},
    {"Bilag", REF_SECTION_BILAG, SFX_BARE},
    {"Resumé", REF_SECTION_OTHER, SFX_BARE},
    {"Resume", REF_SECTION_OTHER, SFX_BARE},
    {"Sagens kerne", REF_SECTION_OTHER, SFX_BARE},
    {"Beslutningstema", REF_SECTION_OTHER, SFX_BARE},
    {"Sagsbeskrivelse", REF_SECTION_OTHER, SFX_BARE},
    {"Sagens tidligere behandling", REF_SECTION_OTHER, SFX_BARE},
    {"Tidligere beslutninger", REF_SECTION_OTHER, SFX_BARE},
    {"Økonomi", REF_SECTION_OTHER, SFX_BARE},
    {"Økonomiske konsekvenser", REF_SECTION_OTHER, SFX_BARE},
    {"Bevillingsmæssige konsekvenser", REF_SECTION_OTHER, SFX_BARE},
    {"Personalemæssige konsekvenser", REF_SECTION_OTHER, SFX_BARE},
    {"Lovgrundlag", REF_SECTION_OTHER, SFX_BARE},
    {"Retsgrundlag", REF_SECTION_OTHER, SFX_BARE},
    {"Høring", REF_SECTION_OTHER, SFX_BARE},
    {"Tidsplan", REF_SECTION_OTHER, SFX_BARE},
    {"Kommunikation", REF_SECTION_OTHER, SFX_BARE},
    {"Kompetence", REF_SECTION_OTHER, SFX_BARE},
    /* other municipalities' names for the same sections */
    {"Administrationens indstilling", REF_SECTION_INDSTILLING, SFX_BARE},
    {"Forvaltningens indstilling", REF_SECTION_INDSTILLING, SFX_BARE},
    {"Direktionens indstilling", REF_SECTION_INDSTILLING, SFX_BARE},
    {"Borgmesterens indstilling", REF_SECTION_INDSTILLING, SFX_BARE},
    {"Sagsbeskrivelse og vurdering", REF_SECTION_SAGSFREMSTILLING, SFX_BARE},
    {"Udvalgets beslutning", REF_SECTION_BESLUTNING, SFX_AT},
    {"Byrådets beslutning", REF_SECTION_BESLUTNING, SFX_AT},
    {"Politisk behandling", REF_SECTION_BESLUTNING, SFX_BARE}, /* Region Hovedstaden */
    {"Bilagsoversigt", REF_SECTION_BILAG, SFX_BARE},
    {"Beslutningskompetence", REF_SECTION_OTHER, SFX_BARE},
    {"Sammenfatning", REF_SECTION_OTHER, SFX_BARE},
    {"Forventet sagsgang", REF_SECTION_OTHER, SFX_BARE},
    {"Personalemæssige forhold", REF_SECTION_OTHER, SFX_BARE},
    {"Miljømæssige konsekvenser", REF_SECTION_OTHER, SFX_BARE},
    {"Udtalelse", REF_SECTION_OTHER, SFX_BARE},
    {"Høringssvar", REF_SECTION_OTHER, SFX_BARE},
    {"Vurdering", REF_SECTION_OTHER, SFX_BARE},
    {"Sagsforløb", REF_SECTION_OTHER, SFX_BARE},
    {"Punkttype", REF_SECTION_OTHER, SFX_BARE},
};

/* "Børne- og Uddannelsesudvalg den 06-06-2017" after "Beslutning": a
 * capitalised name, then " den " or " d. " and a date (Aabenraa, Allerød). */
static int body_then_date(const char *s, size_t n)
{
    return starts_upper(s, n) && mn_date_lead(s, n) < n;
}

static int match_rule(const heading_rule *r, const char *s, size_t n, heading_match *hm)
{
    size_t i = ci_prefix(s, n, r->keyword);
    if (!i || (i < n && starts_letter(s + i, n - i)))
        return 0;
    size_t j = skip_spaces(s, n, i);
    heading_match m = {ROLE_KNOWN, r->kind, n, n};
    if (j < n && s[j] == ':') { /* "Beslutning:" or "Beslutning: Godkendt." */
        m.heading_len = j + 1;
        m.text_off = skip_spaces(s, n, j + 1);
        /* "Tidsplan: uge 12" inside a Sagsfremstilling is a label, and
         * cutting there costs the section its text (see may_open_other);
         * only this meeting's own sections are written inline. */
        if (m.text_off < n && r->kind == REF_SECTION_OTHER)
            return 0;
    } else if (j < n) {
        const char *rest = s + j;
        size_t nrest = n - j;
        if (j == i)
            return 0; /* "Bilag-1" */
        if ((r->suffixes & SFX_QUOTE) && ci_prefix(rest, nrest, "fra ")) {
            m.role = ROLE_QUOTE;
        } else if (!(r->suffixes & SFX_AT) || n > SUFFIXED_HEADING_MAX_BYTES ||
                   ends_sentence_char(s[n - 1]) ||
                   !(ci_prefix(rest, nrest, "i ") || ci_prefix(rest, nrest, "den ") ||
                     ci_prefix(rest, nrest, "på ") || rest[0] == '(' ||
                     body_then_date(rest, nrest))) {
            return 0; /* "Økonomi & Stab udsender …" is a sentence */
        }
    }
    *hm = m;
    return 1;
}

/* Is S shaped like a heading? Short, capitalised, not a list item, no
 * sentence punctuation at the end and no ": " label inside ("Oktober 2017:
 * Orientering …"). Markup (#, whole-line bold) is the author saying "heading",
 * so it earns a longer allowance. */
static int heading_shape(const char *s, size_t n, int level)
{
    if (n == 0)
        return 0;
    if (level <= 6)
        return n <= MARKUP_HEADING_MAX_BYTES;
    int plain = level == LEVEL_PLAIN;
    if (n > (plain ? PLAIN_HEADING_MAX_BYTES : MARKUP_HEADING_MAX_BYTES))
        return 0;
    if (!starts_upper(s, n))
        return 0; /* also rules out "- item", "• item", "1. at …" */
    if (n >= 2 && (s[1] == ')' || s[1] == '.'))
        return 0; /* "A) …", "B. …" */
    char last = s[n - 1];
    if (ends_sentence_char(last) || (plain && last == ':'))
        return 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] == '\t' || (s[i] == ':' && plain))
            return 0;
        if (s[i] == '.' && space_width(s + i + 1, n - i - 1) && i + 2 < n &&
            starts_upper(s + i + 2, n - i - 2))
            return 0; /* two sentences */
    }
    return count_words(s, n, MARKUP_HEADING_MAX_WORDS) <=
           (size_t)(plain ? PLAIN_HEADING_MAX_WORDS : MARKUP_HEADING_MAX_WORDS);
}

heading_match mn_classify_heading(const line *ln)
{
    heading_match hm = {ROLE_TEXT, REF_SECTION_OTHER, 0, 0};
    for (size_t k = 0; k < sizeof heading_rules / sizeof heading_rules[0]; k++)
        if (match_rule(&heading_rules[k], ln->s, ln->n, &hm))
            return hm;
    if (heading_shape(ln->s, ln->n, ln->level)) {
        hm.role = ROLE_UNKNOWN;
        hm.kind = REF_SECTION_OTHER;
        hm.heading_len = hm.text_off = ln->n;
    }
    return hm;
}

/* ---- text that lost its line breaks ---------------------------------- */

/* Bytes of S taken by KEYWORD written in capitals ("INDSTILLING",
 * "ØKONOMI") and ending a word; 0 otherwise. Capitals are how flattened
 * PDF text still shows its headings. */
static size_t caps_keyword_at(const char *s, size_t n, const char *kw)
{
    size_t w = ci_prefix(s, n, kw);
    if (!w || (w < n && (starts_letter(s + w, n - w) || is_digit(s[w]))))
        return 0;
    for (size_t i = 0; i < w;) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ') {
            i++;
            continue;
        }
        if (!starts_upper(s + i, w - i))
            return 0;
        i += c < 0x80 ? 1 : 2;
    }
    return w;
}

size_t mn_caps_heading_at(const char *s, size_t n)
{
    for (size_t k = 0; k < sizeof heading_rules / sizeof heading_rules[0]; k++) {
        size_t w = caps_keyword_at(s, n, heading_rules[k].keyword);
        if (w)
            return w;
    }
    return 0;
}

/* ---- dates (the dates themselves: lib/date.c) -------------------------- */

/* Where " d. 7…" or " den 7…" starts in S, or N: what introduces a date
 * even when the date itself is not valid. */
size_t mn_date_lead(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != ' ')
            continue;
        size_t w = ci_prefix(s + i, n - i, " d. ");
        if (!w)
            w = ci_prefix(s + i, n - i, " den ");
        if (w && i + w < n && is_digit(s[i + w]))
            return i;
    }
    return n;
}

/* Words that start the first line of a minutes document, before the body's
 * name. Longest first. */
/* A table-of-contents entry: dotted leaders or a tab before a page number
 * ("CF - Evt.....\t14"). Such lines are never content, even when they look
 * like punkt lines. */
size_t mn_strip_leaders(const char *s, size_t n)
{
    size_t e = n;
    while (e > 0 && is_digit(s[e - 1]))
        e--;
    if (e == n || e == 0)
        return n;
    size_t digits_at = e;
    while (e > 0 && is_space((unsigned char)s[e - 1]))
        e--;
    int tab = e < digits_at && s[e] == '\t';
    size_t dots = 0;
    for (;;) {
        if (e > 0 && s[e - 1] == '.')
            e--, dots++;
        else if (e >= 3 && memcmp(s + e - 3, "\xe2\x80\xa6", 3) == 0) /* "…" */
            e -= 3, dots += 3;
        else
            break;
    }
    if (dots < 4 && !tab)
        return n;
    while (e > 0 && is_space((unsigned char)s[e - 1]))
        e--;
    return e;
}

int mn_toc_entry(const line *ln)
{
    size_t e = ln->n;
    while (e > 0 && is_digit(ln->s[e - 1]))
        e--;
    if (e == ln->n || e == 0)
        return 0;
    size_t digits_at = e;
    while (e > 0 && is_space((unsigned char)ln->s[e - 1]))
        e--;
    if (e < digits_at && ln->s[e] == '\t')
        return 1;
    size_t dots = 0;
    while (e > 0 && ln->s[e - 1] == '.') {
        e--;
        dots++;
    }
    return dots >= 4;
}

/* Bytes of an overlong punkt line's rest that make its title: the prefix
 * ("CF -") and FLATTENED_TITLE_MAX_WORDS words after it. */
size_t mn_long_title_len(const char *s, size_t n)
{
    size_t plen, toff;
    mn_split_prefix(s, n, &plen, &toff);
    size_t i = toff, end = toff, words = 0;
    while (i < n && words < FLATTENED_TITLE_MAX_WORDS) {
        i = skip_spaces(s, n, i);
        if (i >= n)
            break;
        while (i < n && !space_width(s + i, n - i))
            i++;
        end = i;
        words++;
    }
    return end;
}

/* Bytes of the title at the start of S, a punkt line's rest in flattened
 * text: the run of words in capitals (digits and punctuation allowed) if S
 * starts with one, else at most FLATTENED_TITLE_MAX_WORDS words. */
size_t mn_flattened_title_len(const char *s, size_t n)
{
    size_t i = 0, end = 0, words = 0;
    int caps_run = 1;
    while (i < n && words < FLATTENED_TITLE_MAX_WORDS) {
        i = skip_spaces(s, n, i);
        if (i >= n)
            break;
        int lower = 0;
        while (i < n && !space_width(s + i, n - i)) {
            unsigned char c = (unsigned char)s[i];
            if (starts_letter(s + i, n - i))
                lower |= !starts_upper(s + i, n - i);
            i += c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        }
        if (i > n)
            i = n;
        if (caps_run && lower) {
            if (words > 0)
                return end; /* the capitals ended */
            caps_run = 0;
        }
        end = i;
        words++;
    }
    return caps_run ? (i >= n ? n : end) : end;
}
