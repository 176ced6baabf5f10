/* test_minutes.c — the minutes parser: the five bundled seeds as ground
 * truth, then one table of small inputs per behaviour, then robustness. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "referat/buf.h"
#include "referat/minutes.h"

/* ---- helpers ---------------------------------------------------------- */

static ref_meeting *parse_ok(const char *text, size_t len)
{
    ref_meeting *m = NULL;
    assert_int_equal(ref_minutes_parse(text, len, &m), REF_OK);
    assert_non_null(m);
    return m;
}

/* "kind:heading;kind:heading" for a punkt's sections, e.g.
 * "anledning:Anledning;tekst:;beslutning:Beslutning". */
static char *section_list(const ref_punkt *p)
{
    ref_buf b = REF_BUF_INIT;
    for (size_t i = 0; i < p->nsections; i++)
        ref_buf_printf(&b, "%s%s:%s", i ? ";" : "", ref_section_kind_key(p->sections[i].kind),
                       p->sections[i].heading);
    return ref_buf_detach(&b);
}

/* "L12 message;L0 message" for the warnings. */
static char *warning_list(const ref_meeting *m)
{
    ref_buf b = REF_BUF_INIT;
    for (size_t i = 0; i < m->nwarnings; i++)
        ref_buf_printf(&b, "%sL%zu %s", i ? ";" : "", m->warnings[i].line, m->warnings[i].message);
    return ref_buf_detach(&b);
}

static char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ref_buf b = REF_BUF_INIT;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        ref_buf_append(&b, chunk, got);
    fclose(f);
    *len = b.len;
    return ref_buf_detach(&b);
}

/* The corpus file whose name starts with PREFIX ("000_"). */
static char *read_seed(const char *prefix, size_t *len)
{
    const char *dir = getenv("REFERAT_CORPUS");
    if (!dir)
        dir = "corpus";
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *text = NULL;
    struct dirent *e;
    while (!text && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        text = read_whole(path, len);
    }
    closedir(d);
    assert_non_null(text);
    return text;
}

/* ---- the seeds -------------------------------------------------------- */

typedef struct seed_punkt {
    int number;
    const char *prefix, *title, *journal, *sections;
} seed_punkt;

typedef struct seed {
    const char *file;
    size_t npunkter;
    const char *date, *place, *heading, *warnings;
    seed_punkt punkter[6];
} seed;

/* Read off the files by eye. Points worth knowing:
 * - 000 punkt 4: "Mundtlig drøftelse om Albertslundpraktik" is a short line
 *   inside Sagsfremstilling: a sub-heading, kept as text.
 * - 000 punkt 7 has Indstilling before Sagsfremstilling; order is kept.
 * - 000 punkt 9 starts with text and no heading: an unlabelled section.
 * - 001 has journal numbers only on punkt 5; decisions are "Beslutning i
 *   Tværgående chefgruppe den 24-05-2013".
 * - 002 punkt 5: "Beslutning fra Chefforum, 19. januar 2023, pkt. 7:" quotes
 *   an earlier decision inside Historik; it is not a Beslutning section.
 * - 003 punkt 3: "Beslutning:" inside the decision opens a second one.
 * - 004 is Markdown: '#' levels and bold differ per punkt. */
static const seed seeds[] = {
    {"000_",
     11,
     "2017-09-07",
     "Mødelokale 1",
     "REFERAT Chefforum d. 07-09-2017",
     "",
     {
         {1, "CF", "Godkendelse af dagsorden og referat", "00.01.00-A00-3-17",
          "anledning:Anledning;indstilling:Indstilling;beslutning:Beslutning"},
         {4, "CF", "Drøftelse om Albertslundpraktik", "87.15.00-A00-1-16",
          "anledning:Anledning;sagsfremstilling:Sagsfremstilling;beslutning:Beslutning"},
         {7, "CF", "Ny forretningsorden for ad hoc rådhusMED", "00.00.00-A00-17-16",
          "indstilling:Indstilling;sagsfremstilling:Sagsfremstilling;beslutning:Beslutning;"
          "bilag:Bilag"},
         {9, "CF", "Orientering om Sygefraværstatistik for 1. halvår 2017", "81.28.00-P05-1-17",
          "tekst:;sagsfremstilling:Sagsfremstilling;beslutning:Beslutning;bilag:Bilag"},
         {10, "CF",
          "Orientering om Økonomi og Stabs interne revision sommer 2017 samt status for "
          "implementeringen af nyt ledelsestilsyn",
          "00.32.00-K01-2-17",
          "indstilling:Indstilling;sagsfremstilling:Sagsfremstilling;beslutning:Beslutning"},
         {11, "CF", "Evt.", "00.01.00-A00-3-17", "beslutning:Beslutning"},
     }},
    {"001_",
     7,
     "2013-05-24",
     "Mødelokale 620",
     "REFERAT Chefforum d. 24-05-2013",
     "L303 punkt 7 has no text",
     {
         {1, "TCG", "Godkendelse af referat og dagsorden v. Jette Runchel", "",
          "indstilling:Indstilling;beslutning:Beslutning i Tværgående chefgruppe den "
          "24-05-2013;bilag:Bilag"},
         {3, "TCG", "Status på ny administrativ organisering", "",
          "baggrund:Baggrund;indstilling:Indstilling;beslutning:Beslutning i Tværgående "
          "chefgruppe den 24-05-2013;bilag:Bilag"},
         {4, "TCG", "Budget 2014 - langsigtede strategier, hvordan?", "",
          "baggrund:Baggrund;indstilling:Indstilling;beslutning:Beslutning i Tværgående "
          "chefgruppe den 24-05-2013"},
         {5, "TCG", "Drøftelse af netværksstruktur i ny organisering", "13/3462",
          "baggrund:Baggrund;indstilling:Indstilling;beslutning:Beslutning i Tværgående "
          "chefgruppe den 24-05-2013;bilag:Bilag"},
         {6, "TCG", "Kommunaldirektøren orienterer", "", "baggrund:Baggrund"},
         {7, "TCG", "Evt.", "", ""},
     }},
    {"002_",
     7,
     "2023-01-31",
     "Scandic Glostrup",
     "REFERAT Chefforum d. 31-01-2023",
     "",
     {
         {1, "CF", "Godkendelse af dagsorden og referat", "00.01.00-P35-9-22",
          "anledning:Anledning;indstilling:Indstilling;beslutning:Beslutning"},
         {2, "CF", "Det videre arbejde med målplaner og evaluering af udviklingsugen",
          "00.01.00-P22-5-22",
          "anledning:Anledning;sagsfremstilling:Sagsfremstilling;indstilling:Indstilling;"
          "beslutning:Beslutning;bilag:Bilag"},
         {5, "CF", "Orientering befolkningsprognose og boligbyggeprogram", "00.01.00-P10-1-22",
          "anledning:Anledning;sagsfremstilling:Sagsfremstilling;indstilling:Indstilling;"
          "historik:Historik;beslutning:Beslutning;bilag:Bilag"},
         {6, "CF", "Orientering om udbudsplan for 2023", "88.00.04-G01-1-22",
          "anledning:Anledning;sagsfremstilling:Sagsfremstilling;indstilling:Indstilling;"
          "beslutning:Beslutning;bilag:Bilag"},
         {7, "CF", "Eventuelt", "00.01.00-P35-9-22",
          "anledning:Anledning;sagsfremstilling:Sagsfremstilling;indstilling:Indstilling;"
          "beslutning:Beslutning;bilag:Bilag"},
     }},
    {"003_",
     7,
     "2021-11-25",
     "Mødelokale 1",
     "REFERAT Chefforum d. 25-11-2021",
     "",
     {
         {2, "CF", "Byudviklingsforum", "00.01.00-A21-2-20",
          "anledning:Anledning;sagsfremstilling:Sagsfremstilling;indstilling:Indstilling;"
          "beslutning:Beslutning"},
         {3, "CF", "Albertslund Kommunes kommende uddannelsesstrategi", "81.07.02-A00-1-21",
          "anledning:Anledning;sagsfremstilling:Sagsfremstilling;indstilling:Indstilling;"
          "beslutning:Beslutning;beslutning:Beslutning:;bilag:Bilag"},
         {4, "CF", "Binding af aftale om Trivsels- og APV-måling i 2023", "87.00.00-A26-1-21",
          "anledning:Anledning;sagsfremstilling:Sagsfremstilling;indstilling:Indstilling;"
          "beslutning:Beslutning"},
         {7, "CF", "Eventuelt", "00.01.00-A21-2-20",
          "sagsfremstilling:Sagsfremstilling;indstilling:Indstilling;beslutning:Beslutning"},
     }},
    {"004_",
     5,
     "2016-10-11",
     "Mødelokale 2",
     "REFERAT Chefforum d. 11-10-2016",
     "",
     {
         {1, "CF", "Godkendelse af dagsorden og referat", "00.01.10-A00-3-16",
          "anledning:Anledning;indstilling:Indstilling;beslutning:Beslutning"},
         {2, "CF", "Temadrøftelse om arbejds- og mødekultur", "00.01.00-A00-62-16",
          "anledning:Anledning;indstilling:Indstilling;sagsfremstilling:Sagsfremstilling;"
          "beslutning:Beslutning"},
         {4, "CF", "Orientering om Boligsocial helhedsplan", "03.30.05-A00-1-15",
          "indstilling:Indstilling;sagsfremstilling:Sagsfremstilling;beslutning:Beslutning;"
          "bilag:Bilag"},
         {5, "CF", "Evt.", "00.01.10-A00-3-16", "beslutning:Beslutning"},
     }},
};

static const ref_punkt *find_punkt(const ref_meeting *m, int number)
{
    for (size_t i = 0; i < m->npunkter; i++)
        if (m->punkter[i].number == number)
            return &m->punkter[i];
    return NULL;
}

static const ref_section *find_section(const ref_punkt *p, ref_section_kind kind)
{
    for (size_t i = 0; i < p->nsections; i++)
        if (p->sections[i].kind == kind)
            return &p->sections[i];
    return NULL;
}

static void test_seeds_parse_as_read_by_eye(void **state)
{
    (void)state;
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        const seed *sd = &seeds[s];
        size_t len;
        char *text = read_seed(sd->file, &len);
        ref_meeting *m = parse_ok(text, len);
        print_message("seed %s\n", sd->file);
        assert_int_equal(m->npunkter, sd->npunkter);
        /* the header lines that filled fields stay as text */
        assert_non_null(strstr(m->header_lines, sd->place));
        assert_string_equal(m->body, "Chefforum");
        assert_string_equal(m->date, sd->date);
        assert_string_equal(m->place, sd->place);
        assert_string_equal(m->heading, sd->heading);
        char *w = warning_list(m);
        assert_string_equal(w, sd->warnings);
        free(w);
        /* punkter are numbered 1..N in order */
        for (size_t i = 0; i < m->npunkter; i++)
            assert_int_equal(m->punkter[i].number, (int)i + 1);
        for (size_t k = 0; k < 6 && sd->punkter[k].number; k++) {
            const seed_punkt *want = &sd->punkter[k];
            const ref_punkt *p = find_punkt(m, want->number);
            assert_non_null(p);
            assert_string_equal(p->prefix, want->prefix);
            assert_string_equal(p->title, want->title);
            assert_string_equal(p->journal, want->journal);
            char *secs = section_list(p);
            assert_string_equal(secs, want->sections);
            free(secs);
        }
        /* The table of contents is not content: its dotted lines appear in
         * no section. */
        for (size_t i = 0; i < m->npunkter; i++)
            for (size_t j = 0; j < m->punkter[i].nsections; j++) {
                assert_null(strstr(m->punkter[i].sections[j].text, "....."));
                assert_null(strstr(m->punkter[i].sections[j].text, "Indholdsfortegnelse"));
                assert_null(strstr(m->punkter[i].sections[j].text, "**"));
            }
        ref_meeting_free(m);
        free(text);
    }
}

static void test_quoted_decision_stays_in_historik(void **state)
{
    (void)state;
    size_t len;
    char *text = read_seed("002_", &len);
    ref_meeting *m = parse_ok(text, len);
    const ref_punkt *p = find_punkt(m, 5);
    const ref_section *h = find_section(p, REF_SECTION_HISTORIK);
    assert_non_null(h);
    assert_string_equal(h->text, "Beslutning fra Chefforum, 19. januar 2023, pkt. 7:\n\n"
                                 "Udsættes til næste møde.");
    const ref_section *b = find_section(p, REF_SECTION_BESLUTNING);
    assert_non_null(b);
    assert_null(strstr(b->text, "Udsættes"));
    ref_meeting_free(m);
    free(text);
}

static void test_subheadings_stay_in_decision(void **state)
{
    (void)state;
    size_t len;
    char *text = read_seed("001_", &len);
    ref_meeting *m = parse_ok(text, len);
    const ref_section *b = find_section(find_punkt(m, 3), REF_SECTION_BESLUTNING);
    assert_non_null(b);
    assert_non_null(strstr(b->text, "\n\nAfdelingsprofiler\n\n- Fristen for rettelser"));
    assert_non_null(strstr(b->text, "\n\nKonto 6\n\n"));
    assert_non_null(strstr(b->text, "Mødelokaler lægges først på gangen"));
    ref_meeting_free(m);
    free(text);
}

static void test_section_text_is_clean(void **state)
{
    (void)state;
    size_t len;
    char *text = read_seed("004_", &len);
    ref_meeting *m = parse_ok(text, len);
    const ref_punkt *p = find_punkt(m, 1);
    assert_int_equal(p->line, 17);
    const ref_section *ind = find_section(p, REF_SECTION_INDSTILLING);
    assert_int_equal(ind->line, 25);
    assert_string_equal(ind->text, "Kommunaldirektøren indstiller,\n\n"
                                   "1. at chefforum godkender dagsordenen for mødet\n"
                                   "2. at chefforum godkender referat for møde af 29.september");
    ref_meeting_free(m);
    free(text);
}

/* ---- small inputs, one behaviour per row ------------------------------ */

typedef struct parse_case {
    const char *name;
    const char *input;
    size_t npunkter;
    const char *punkt0;   /* "number|prefix|title|journal" of the first punkt */
    const char *sections; /* section_list() of the first punkt */
    const char *warnings; /* warning_list() of the meeting */
} parse_case;

#define HDR "REFERAT Udvalget d. 01-02-2020\n\n"

static const parse_case parse_cases[] = {
    {"empty string", "", 0, NULL, NULL,
     "L0 no meeting date found;L0 no committee name found in the first line;"
     "L0 no punkter recognised"},
    {"no punkter", HDR "Mødet blev aflyst.\n", 0, NULL, NULL, "L0 no punkter recognised"},
    {"minimal punkt", HDR "Punkt 1: CF - Titel\n\nBeslutning\n\nGodkendt.\n", 1, "1|CF|Titel|",
     "beslutning:Beslutning", ""},
    {"missing number", HDR "Punkt: CF - Titel\n\nBeslutning\n\nGodkendt.\n", 1, "0|CF|Titel|",
     "beslutning:Beslutning", "L3 punkt line without a number"},
    /* a punkt without a title line is titled by its first words */
    {"missing number and title", HDR "Punkt:\n\nBeslutning\n\nGodkendt.\n", 1, "0||Godkendt.|",
     "beslutning:Beslutning", "L3 punkt line without a number;L3 punkt 0 has no title"},
    {"prose about punkter is text", HDR "Punkt 1: A\n\nPunkt 3 behandles som punkt 2.\n", 1,
     "1||A|", "tekst:", ""},
    {"Punktet is not a keyword", HDR "Punkt 1: A\n\nPunktet: blev udsat\n", 1, "1||A|",
     "tekst:", ""},
    {"duplicate number",
     HDR "Punkt 1: A\n\nTekst.\n\nPunkt 2: B\n\nTekst.\n\nPunkt 2: C\n\nTekst.\n", 3, "1||A|",
     "tekst:", "L11 punkt 2 appears again (first at line 7)"},
    {"out of sequence", HDR "Punkt 1: A\n\nTekst.\n\nPunkt 3: B\n\nTekst.\n", 2, "1||A|",
     "tekst:", "L7 punkt 3 follows punkt 1: out of sequence"},
    {"number too large", HDR "Punkt 12345678901234567890: A\n\nTekst.\n", 1, "0||A|",
     "tekst:", "L3 punkt number too large; stored as 0"},
    {"punkt without text", HDR "Punkt 1: A\n\nBeslutning\n\nPunkt 2: B\n\nTekst.\n", 2, "1||A|",
     "beslutning:Beslutning", "L3 punkt 1 has no text"},
    {"heading without text", HDR "Punkt 1: A\n\nAnledning\n\nBeslutning\n\nGodkendt.\n", 1, "1||A|",
     "anledning:Anledning;beslutning:Beslutning", "L5 heading \"Anledning\" has no text"},
    {"heading at end of file without newline", HDR "Punkt 1: A\n\nTekst.\n\nBeslutning", 1, "1||A|",
     "tekst:;beslutning:Beslutning", "L7 heading \"Beslutning\" has no text"},
    {"title with its own dash keeps it",
     HDR "Punkt 1: Budget 2014 - langsigtede strategier, hvordan?\n\nTekst.\n", 1,
     "1||Budget 2014 - langsigtede strategier, hvordan?|", "tekst:", ""},
    {"prefix then dashed title", HDR "Punkt 1: TCG - Budget 2014 - langsigtede\n\nTekst.\n", 1,
     "1|TCG|Budget 2014 - langsigtede|", "tekst:", ""},
    {"Danish prefix and en dash", HDR "Punkt 1: ØU – Regnskab 2019\n\nTekst.\n", 1,
     "1|ØU|Regnskab 2019|", "tekst:", ""},
    {"long caps word is no prefix", HDR "Punkt 1: KOMMUNALBESTYRELSEN - Møde\n\nTekst.\n", 1,
     "1||KOMMUNALBESTYRELSEN - Møde|", "tekst:", ""},
    {"journal with slash", HDR "Punkt 1: A\n\n13/3462\n\nTekst.\n", 1, "1||A|13/3462",
     "tekst:", ""},
    {"journal with label", HDR "Punkt 1: A\nSagsnr.: 19/12345\nTekst.\n", 1, "1||A|19/12345",
     "tekst:", ""},
    {"journal with J.nr.", HDR "Punkt 1: A\n\nJ.nr. 2019-001234\n\nTekst.\n", 1, "1||A|2019-001234",
     "tekst:", ""},
    {"a year is not a journal", HDR "Punkt 1: A\n\n2017\n\nTekst.\n", 1, "1||A|", "tekst:", ""},
    /* a case number stands in a punkt's first lines (under a bullet, after
     * a line of labels); further down it is text that cites a case */
    {"journal in the punkt's first lines", HDR "Punkt 1: A\n\nTekst.\n\n00.01.00-A00-3-17\n", 1,
     "1||A|00.01.00-A00-3-17", "tekst:", ""},
    {"journal among other labels",
     HDR "Punkt 1: A\nSagsnr.: 330-2020-164   Dok.nr.: 330-2020-488200\n\nTekst.\n", 1,
     "1||A|330-2020-164", "tekst:", ""},
    {"a document number is no journal", HDR "Punkt 1: A\nDok.nr.: 330-2020-488200\n\nTekst.\n", 1,
     "1||A|", "tekst:", ""},
    {"journal above the punkt line is that punkt's",
     HDR "Punkt 1: A\n\nTekst.\n\n25.05.00-P19-1-19\n\nPunkt 2: B\n\nTekst.\n", 2, "1||A|",
     "tekst:", ""},
    {"journal far down is text", HDR "Punkt 1: A\n\n1\n2\n3\n4\n5\n6\n7\n8\n9\n00.01.00-A00-3-17\n",
     1, "1||A|", "tekst:", ""},
    {"text before the first heading is unlabelled",
     HDR "Punkt 1: A\n\n00.01.00-A00-3-17\n\nIndledende tekst.\n\nBeslutning\n\nOK.\n", 1,
     "1||A|00.01.00-A00-3-17", "tekst:;beslutning:Beslutning", ""},
    {"decision in another body's words",
     HDR "Punkt 1: A\n\nBeslutning i Tværgående chefgruppe den 24-05-2013\n\nOK.\n", 1, "1||A|",
     "beslutning:Beslutning i Tværgående chefgruppe den 24-05-2013", ""},
    {"decision with colon", HDR "Punkt 1: A\n\nBeslutning:\n\nOK.\n", 1, "1||A|",
     "beslutning:Beslutning:", ""},
    {"inline decision", HDR "Punkt 1: A\n\nBeslutning: Godkendt.\n", 1, "1||A|",
     "beslutning:Beslutning:", ""},
    {"quoted earlier decision is text",
     HDR "Punkt 1: A\n\nSagsfremstilling\n\nTekst.\n\nBeslutning fra Chefforum, 19. januar "
         "2023, pkt. 7:\n\nUdsat.\n",
     1, "1||A|", "sagsfremstilling:Sagsfremstilling", ""},
    {"a sentence starting with a keyword is text",
     HDR "Punkt 1: A\n\nTekst.\n\nBeslutning om budget blev udsat.\n\nØkonomi & Stab svarer.\n", 1,
     "1||A|", "tekst:", ""},
    {"capitals and indentation", HDR "Punkt 1: A\n\n  BESLUTNING\n\n  Godkendt.\n", 1, "1||A|",
     "beslutning:BESLUTNING", ""},
    {"other municipalities' headings",
     HDR "Punkt 1: A\n\nSagens kerne\n\nx.\n\nResumé\n\ny.\n\nØkonomiske konsekvenser\n\nz.\n", 1,
     "1||A|", "andet:Sagens kerne;andet:Resumé;andet:Økonomiske konsekvenser", ""},
    {"inline label of an other heading is text",
     HDR "Punkt 1: A\n\nSagsfremstilling\n\nx.\n\nTidsplan: uge 12.\n", 1, "1||A|",
     "sagsfremstilling:Sagsfremstilling", ""},
    {"unknown heading before any heading",
     HDR "Punkt 1: A\n\nForeløbig status\n\nTekst her.\n\nBeslutning\n\nOK.\n", 1, "1||A|",
     "andet:Foreløbig status;beslutning:Beslutning", ""},
    {"unknown heading inside a known section is a sub-heading",
     HDR "Punkt 1: A\n\nBeslutning\n\nOK.\n\nLokaler\n\n- Fordeles senere\n", 1, "1||A|",
     "beslutning:Beslutning", ""},
    {"heading-like line not alone is text", HDR "Punkt 1: A\n\nForeløbig status\nTekst her.\n", 1,
     "1||A|", "tekst:", ""},
    {"sentences never become headings",
     HDR "Punkt 1: A\n\nDet blev godkendt.\n\nEr det godt?\n\n- Punkt i liste\n\n1. at noget\n\n"
         "Oktober 2017: Orientering\n\nProcessen for arbejdet er:\n\nDer skal mange ord til "
         "for at lave en sætning\n",
     1, "1||A|", "tekst:", ""},
    {"markdown headings and bold",
     HDR "## **Punkt 1: CF - Titel**\n\n00.01.00-A00-3-17\n\n### **Sagens kerne**\n\nx\n\n"
         "### **Beslutning**\n\ny\n",
     1, "1|CF|Titel|00.01.00-A00-3-17", "andet:Sagens kerne;beslutning:Beslutning", ""},
    {"markdown heading ranking with the section's opens one",
     HDR "# Punkt 1: A\n\n## Beslutning\n\nOK.\n\n## Opfølgning i 2024\n\nSenere.\n", 1, "1||A|",
     "beslutning:Beslutning;andet:Opfølgning i 2024", ""},
    {"deeper markdown heading is a sub-heading",
     HDR "# Punkt 1: A\n\n## Beslutning\n\nOK.\n\n### Lokaler\n\nSenere.\n", 1, "1||A|",
     "beslutning:Beslutning", ""},
    {"bold line before any heading",
     HDR "Punkt 1: A\n\n**Orientering fra formanden om sagen**\n\nTekst.\n", 1, "1||A|",
     "andet:Orientering fra formanden om sagen", ""},
    {"empty markdown marks are blank lines", HDR "Punkt 1: A\n\n#\n\n**\n\n****\n\n## \n\nTekst.\n",
     1, "1||A|", "tekst:", ""},
    {"windows line endings and stray CR",
     HDR "Punkt 1: A\r\n\r\nBeslutning\r\n\r\nGodkendt.\rOgså dette.\r\n", 1, "1||A|",
     "beslutning:Beslutning", ""},
    {"table of contents is skipped",
     HDR "Indholdsfortegnelse\n\nPunkt 1: CF - A.....\t3\nCF - B.....\t4\n\nPunkt 1: CF - A\n\n"
         "Tekst.\n",
     1, "1|CF|A|", "tekst:", ""},
    {"Pkt. numbering", HDR "Pkt. 198 Valg af nyt medlem\n\nResume\n\nx.\n\nBeslutning\n\ny.\n", 1,
     "198||Valg af nyt medlem|", "andet:Resume;beslutning:Beslutning", ""},
    {"Pkt. in prose is text", HDR "Punkt 1: A\n\nPkt. 5 blev udsat.\n", 1, "1||A|", "tekst:", ""},
    {"Sag nr. alone on its line", HDR "Sag nr. 24\n\nTekst.\n", 1, "24||Tekst.|",
     "tekst:", "L3 punkt 24 has no title"},
};

static void test_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        const parse_case *c = &parse_cases[i];
        print_message("case: %s\n", c->name);
        ref_meeting *m = parse_ok(c->input, strlen(c->input));
        /* the header's lines, kept as header text, come first: not counted */
        size_t h = m->npunkter && m->punkter[0].header;
        assert_int_equal(m->npunkter - h, c->npunkter);
        if (c->punkt0) {
            const ref_punkt *p = &m->punkter[h];
            char got[512];
            snprintf(got, sizeof got, "%d|%s|%s|%s", p->number, p->prefix, p->title, p->journal);
            assert_string_equal(got, c->punkt0);
        }
        if (c->sections) {
            char *secs = section_list(&m->punkter[h]);
            assert_string_equal(secs, c->sections);
            free(secs);
        }
        char *w = warning_list(m);
        assert_string_equal(w, c->warnings);
        free(w);
        ref_meeting_free(m);
    }
}

/* Exact section texts: paragraphs joined by "\n\n", lines by "\n",
 * markup stripped, trimmed. */
static void test_section_text_table(void **state)
{
    (void)state;
    static const struct {
        const char *input;
        size_t len; /* 0: strlen(input) */
        const char *text0;
    } rows[] = {
        {"Punkt 1: A\n\nBeslutning\n\n\n\nEn.\nTo.\n\n\nTre.  \n\n", 0, "En.\nTo.\n\nTre."},
        {"Punkt 1: A\n\nBeslutning: Godkendt.\nMed bemærkninger.\n", 0,
         "Godkendt.\nMed bemærkninger."},
        {"Punkt 1: A\n\nBeslutning\n\nDer sker en **kompetent facilitering** af netværk.\n", 0,
         "Der sker en kompetent facilitering af netværk."},
        {"Punkt 1: A\n\nBeslutning\n\n\xc2\xa0Godkendt.\xc2\xa0\n", 0, "Godkendt."},
        /* a NUL byte would cut the C string the indexer gets */
        {"Punkt 1: A\n\nBeslutning\n\nx\0y\n", 28, "x y"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t len = rows[i].len ? rows[i].len : strlen(rows[i].input);
        ref_meeting *m = parse_ok(rows[i].input, len);
        assert_int_equal(m->npunkter, 1);
        assert_int_equal(m->punkter[0].nsections, 1);
        assert_string_equal(m->punkter[0].sections[0].text, rows[i].text0);
        ref_meeting_free(m);
    }
}

/* The meeting header: body, date and place from the first line and the
 * labelled lines, in the layouts seen so far. */
static void test_header_table(void **state)
{
    (void)state;
    static const struct {
        const char *input, *body, *date, *place;
    } rows[] = {
        {"REFERAT Chefforum d. 07-09-2017\n\nMødedato Torsdag d. 07. september 2017 kl. 09:00\n\n"
         "Mødested Mødelokale 1\n",
         "Chefforum", "2017-09-07", "Mødelokale 1"},
        {"\n\n# REFERAT Chefforum d. 11-10-2016\n\n**Mødedato** Tirsdag d. 11. oktober 2016\n\n"
         "**Mødested** Mødelokale 2\n",
         "Chefforum", "2016-10-11", "Mødelokale 2"},
        {"Referat\n\nMødedato: 3. marts 2020\nSted: Rådhuset\n", "", "2020-03-03", "Rådhuset"},
        {"Referat til mødet i Kommunalbestyrelsen den 12. maj 2020 kl. 17:00\n",
         "Kommunalbestyrelsen", "2020-05-12", ""},
        {"Dagsorden Byrådet 2020-01-29\n", "Byrådet", "2020-01-29", ""},
        {"REFERAT Økonomiudvalget, 5. sept. 2019\n", "Økonomiudvalget", "2019-09-05", ""},
        {"REFERAT Teknisk Udvalg\n\nMødedato 1. dec. 2015\n", "Teknisk Udvalg", "2015-12-01", ""},
        {"REFERAT Chefforum d. 32-13-2017\n", "Chefforum", "", ""},
        /* not a day of the calendar: was indexed as 2017-02-31, which no
         * date filter could reach (lib/date.c is now the one reader) */
        {"REFERAT Chefforum d. 31-02-2017\n", "Chefforum", "", ""},
        {"Referat\n\nMødedato: den 3/4-2019\n", "", "2019-04-03", ""},
        {"Stedfortræder Jacob mødte\n", "", "", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        print_message("header row %zu\n", i);
        ref_meeting *m = parse_ok(rows[i].input, strlen(rows[i].input));
        assert_string_equal(m->body, rows[i].body);
        assert_string_equal(m->date, rows[i].date);
        assert_string_equal(m->place, rows[i].place);
        ref_meeting_free(m);
    }
}

/* A table of contents may list punkter the body never reaches (an excerpt,
 * items without text): each stays as a title-only punkt with its number, in
 * number order; titles lose the contents' leaders and page numbers. The
 * excerpt that showed it listed 27 punkter and was indexed as one. */
static void test_contents_entries_never_reached_stay_title_only(void **state)
{
    (void)state;
    const char *in = "REFERAT Byrådet d. 01-02-2020\n\nIndholdsfortegnelse\n"
                     "1. Godkendelse af dagsorden ........ 3\n"
                     "2. Udbud på monopolområdet …………… 5<br />\n"
                     "3. Lukket: Køb af ejendom\t7\n\n"
                     "1. Godkendelse af dagsorden\n\nBeslutning\n\nGodkendt.\n";
    ref_meeting *m = parse_ok(in, strlen(in));
    assert_int_equal(m->npunkter, 3);
    assert_int_equal(m->punkter[0].number, 1);
    assert_false(m->punkter[0].listed);
    assert_string_equal(m->punkter[0].title, "Godkendelse af dagsorden");
    assert_int_equal(m->punkter[1].number, 2);
    assert_true(m->punkter[1].listed);
    assert_string_equal(m->punkter[1].title, "Udbud på monopolområdet");
    assert_int_equal(m->punkter[1].nsections, 0);
    assert_int_equal(m->punkter[2].number, 3);
    assert_true(m->punkter[2].listed);
    assert_string_equal(m->punkter[2].title, "Lukket: Køb af ejendom");
    ref_meeting_free(m);
}

/* Text files that carry a web page's tags as text read without them. */
static void test_literal_html_tags_are_word_breaks(void **state)
{
    (void)state;
    const char *in =
        "Referat - Viborg Kommune\nØkonomiudvalget<br />\n<strong>Referat</strong><br />\n"
        "Mødedato: Onsdag den 12. december 2012<br />\n\nPunkt 1: Budget<br />\n\n"
        "Beslutning\n\nGodkendt<br />med 5 stemmer. Fejl < 5 %.\n";
    ref_meeting *m = parse_ok(in, strlen(in));
    assert_string_equal(m->body, "Økonomiudvalget");
    assert_string_equal(m->date, "2012-12-12");
    assert_string_equal(m->municipality, "Viborg");
    const ref_punkt *pk = &m->punkter[m->npunkter - 1]; /* after the kept header text */
    assert_int_equal(pk->number, 1);
    assert_string_equal(pk->title, "Budget");
    assert_string_equal(pk->sections[0].text, "Godkendt med 5 stemmer. Fejl < 5 %.");
    ref_meeting_free(m);
}

static double seconds_since(struct timespec t0);

/* Dropping the contents' entries is one pass: 99,999 punkt lines without
 * text (each number once, so none is an entry) cost about ten times 9,999.
 * The nested scan this replaces took 4.3 s for them, a hundred times. */
static double parse_numbered_lines(size_t count)
{
    ref_buf b = REF_BUF_INIT;
    for (size_t i = 1; i <= count; i++)
        ref_buf_printf(&b, "Punkt %zu: T\n", i);
    double best = 1e9;
    for (int run = 0; run < 3; run++) {
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        ref_meeting *m = parse_ok(b.data, b.len);
        double took = seconds_since(t0);
        assert_int_equal(m->npunkter, count);
        ref_meeting_free(m);
        best = took < best ? took : best;
    }
    ref_buf_free(&b);
    return best;
}

static void test_dropping_contents_entries_is_linear(void **state)
{
    (void)state;
    double small = parse_numbered_lines(9999), big = parse_numbered_lines(99999);
    print_message("9,999 punkter: %.3f s; 99,999: %.3f s\n", small, big);
    assert_true(big < 30 * small + 0.05);
}

/* ---- nothing dropped ---------------------------------------------------- */

/* The words of TEXT: runs of letters (any byte of a multi-byte character
 * counts as a letter), at least two bytes long, outside HTML tags. A word
 * hyphenated at a line end is left out (the parser joins its halves). */
typedef void (*word_fn)(const char *w, size_t n, void *ctx);

static int word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static void each_word(const char *text, size_t len, word_fn fn, void *ctx)
{
    size_t i = 0;
    while (i < len) {
        if (text[i] == '<') { /* a tag: "<br />" */
            size_t e = i + 1;
            while (e < len && e < i + 200 && text[e] != '>' && text[e] != '\n')
                e++;
            if (e < len && text[e] == '>') {
                i = e + 1;
                continue;
            }
        }
        unsigned char c = (unsigned char)text[i];
        if (c == 0xE2 || c == 0xC2) { /* punctuation and spaces: "•", "–", "·", no-break */
            i += c == 0xE2 ? 3 : 2;
            continue;
        }
        if (!word_byte(c)) {
            i++;
            continue;
        }
        size_t s = i;
        while (i < len && word_byte((unsigned char)text[i]) && (unsigned char)text[i] != 0xE2 &&
               (unsigned char)text[i] != 0xC2)
            i++;
        int hyphenated =
            (i < len && text[i] == '-' && (i + 1 == len || text[i + 1] == '\n')) ||
            (s > 0 && (text[s - 1] == '\n' || text[s - 1] == ' ') && s >= 2 && text[s - 2] == '-');
        if (i - s >= 2 && !hyphenated && !(s > 0 && text[s - 1] == '-'))
            fn(text + s, i - s, ctx);
    }
}

/* A set of words: one '\n'-joined string searched for "\nword\n". Small
 * files only, so a linear search per word is fine. */
static void add_word(const char *w, size_t n, void *ctx)
{
    ref_buf *b = ctx;
    ref_buf_append(b, w, n);
    ref_buf_putc(b, '\n');
}

typedef struct missing_ctx {
    const ref_buf *kept;
    ref_buf *missing;
    const char *file;
    size_t lineno;
} missing_ctx;

/* Words the parser reads as structure, not content: punkt keywords and
 * case-number labels ("Pkt. 42", "Sagsnr.: 14/30210"), and the lines that
 * open or end a meeting's closed part. */
static int structure_word(const char *w, size_t n)
{
    static const char *const words[] = {"Punkt",
                                        "Pkt",
                                        "Sag",
                                        "Nr",
                                        "nr",
                                        "Sagsnr",
                                        "Sagsid",
                                        "Sagnr",
                                        "Sagsnummer",
                                        "Jnr",
                                        "Journalnr",
                                        "Dagsordenspunkt",
                                        "Indholdsfortegnelse",
                                        "Indhold"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (strlen(words[k]) == n && memcmp(words[k], w, n) == 0)
            return 1;
    return 0;
}

static void check_word(const char *w, size_t n, void *ctx)
{
    missing_ctx *m = ctx;
    char needle[256];
    if (structure_word(w, n))
        return;
    if (n + 3 > sizeof needle)
        return;
    /* a prefix of a kept word counts: a contents line may cut a long title
     * ("… status for implementeri") that the punkt line writes whole */
    needle[0] = '\n';
    memcpy(needle + 1, w, n);
    needle[n + 1] = '\0';
    if (!strstr(m->kept->data, needle))
        ref_buf_printf(m->missing, "%s:%zu: %.*s\n", m->file, m->lineno, (int)n, w);
}

/* Line numbers of TEXT that hold page furniture or a closed item's text. */
static int line_left_out(const ref_meeting *m, const char *line, size_t n, size_t lineno)
{
    static const char *const parts[] = {
        "Åben dagsorden", "Lukket dagsorden", "Åbent møde",    "Lukket møde",  "Åbne sager",
        "ÅBNE SAGER",     "Lukkede sager",    "LUKKEDE SAGER", "Åbne punkter", "Lukkede punkter"};
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++)
        if (n >= strlen(parts[k]) && memcmp(line, parts[k], strlen(parts[k])) == 0 &&
            n <= strlen(parts[k]) + 1)
            return 1;
    for (size_t i = 0; i < m->npunkter; i++) {
        const ref_punkt *pk = &m->punkter[i];
        size_t end = i + 1 < m->npunkter ? m->punkter[i + 1].line : (size_t)-1;
        if (pk->closed && lineno > pk->line && lineno < end)
            return 1;
    }
    /* the furniture key: digits as '#', blanks as one space */
    char key[512];
    size_t k = 0;
    int space = 0;
    for (size_t i = 0; i < n && k + 2 < sizeof key; i++) {
        char c = line[i];
        if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
            space = k > 0;
            continue;
        }
        if (space)
            key[k++] = ' ';
        space = 0;
        if (c >= '0' && c <= '9' && k > 0 && key[k - 1] == '#')
            continue;
        key[k++] = c >= '0' && c <= '9' ? '#' : c;
    }
    key[k] = '\0';
    for (size_t f = 0; f < m->nfurniture; f++)
        if (strcmp(m->furniture[f].text, key) == 0)
            return 1;
    return 0;
}

/* Every word of FILE's lines, but page furniture and closed items' text,
 * is in what the parser kept: a punkt's title, prefix, case number, section
 * headings and text. Appends what is missing to MISSING. */
static void check_file_keeps_every_word(const char *path, const char *name, ref_buf *missing)
{
    size_t len;
    char *text = read_whole(path, &len);
    assert_non_null(text);
    ref_meeting *m = NULL;
    assert_int_equal(ref_minutes_parse_with_fallback(text, len, &m), REF_OK);
    ref_buf kept = REF_BUF_INIT;
    ref_buf_putc(&kept, '\n');
    each_word(m->header_lines, strlen(m->header_lines), add_word, &kept);
    for (size_t i = 0; i < m->npunkter; i++) {
        const ref_punkt *pk = &m->punkter[i];
        const char *parts[] = {pk->title, pk->prefix, pk->journal};
        for (size_t k = 0; k < 3; k++)
            each_word(parts[k], strlen(parts[k]), add_word, &kept);
        for (size_t k = 0; k < pk->nsections; k++) {
            each_word(pk->sections[k].heading, strlen(pk->sections[k].heading), add_word, &kept);
            each_word(pk->sections[k].text, strlen(pk->sections[k].text), add_word, &kept);
        }
    }
    missing_ctx mc = {&kept, missing, name, 0};
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != '\n')
            continue;
        mc.lineno++;
        if (!line_left_out(m, text + start, i - start, mc.lineno))
            each_word(text + start, i - start + (i < len), check_word, &mc);
        start = i + 1;
    }
    ref_buf_free(&kept);
    ref_meeting_free(m);
    free(text);
}

static void check_dir_keeps_every_word(const char *dir, ref_buf *missing, size_t *files)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t nl = strlen(e->d_name);
        if (nl > 4 &&
            (strcmp(e->d_name + nl - 4, ".txt") == 0 || strcmp(e->d_name + nl - 3, ".md") == 0)) {
            check_file_keeps_every_word(path, path, missing);
            (*files)++;
        } else if (!strchr(e->d_name, '.')) {
            check_dir_keeps_every_word(path, missing, files);
        }
    }
    closedir(d);
}

/* The invariant behind "the text is all found": every word of every line
 * of a file, except page furniture and closed items' text, is kept by the
 * parser, over the real excerpts, the bundled corpus and any folder named
 * in REFERAT_EVERY_WORD_DIR (tests/e2e_every_word.py passes a generated
 * corpus). The place, the first line and table-of-contents entries were
 * once lost. */
static void test_every_word_of_every_file_is_kept(void **state)
{
    (void)state;
    const char *data = getenv("REFERAT_TESTDATA");
    char real[4096];
    snprintf(real, sizeof real, "%s/real-minutes", data ? data : "tests/data");
    const char *extra = getenv("REFERAT_EVERY_WORD_DIR");
    const char *dirs[] = {real, getenv("REFERAT_CORPUS") ? getenv("REFERAT_CORPUS") : "corpus",
                          extra};
    ref_buf missing = REF_BUF_INIT;
    size_t files = 0;
    for (size_t i = 0; i < 3; i++)
        if (dirs[i])
            check_dir_keeps_every_word(dirs[i], &missing, &files);
    size_t lost = 0;
    for (size_t i = 0; i < missing.len; i++)
        lost += missing.data[i] == '\n';
    print_message("%zu files, %zu words not kept\n", files, lost);
    if (lost)
        print_message("%s", missing.data);
    assert_true(files >= 62);
    assert_int_equal(lost, 0);
    ref_buf_free(&missing);
}

static void test_header_dates_disagree(void **state)
{
    (void)state;
    const char *in = "REFERAT Chefforum d. 07-09-2017\n\nMødedato Torsdag d. 8. september 2017\n";
    ref_meeting *m = parse_ok(in, strlen(in));
    assert_string_equal(m->date, "2017-09-07");
    char *w = warning_list(m);
    assert_non_null(strstr(w, "L3 meeting date 2017-09-08 differs from 2017-09-07"));
    free(w);
    ref_meeting_free(m);
}

static void test_section_kind_keys(void **state)
{
    (void)state;
    assert_string_equal(ref_section_kind_key(REF_SECTION_NONE), "tekst");
    assert_string_equal(ref_section_kind_key(REF_SECTION_BESLUTNING), "beslutning");
    assert_string_equal(ref_section_kind_key(REF_SECTION_OTHER), "andet");
}

static void test_null_arguments(void **state)
{
    (void)state;
    ref_meeting *m = (ref_meeting *)1;
    assert_int_equal(ref_minutes_parse(NULL, 5, &m), REF_EINVAL);
    assert_null(m);
    assert_int_equal(ref_minutes_parse("x", 1, NULL), REF_EINVAL);
    m = parse_ok(NULL, 0);
    ref_meeting_free(m);
    ref_meeting_free(NULL);
}

/* ---- robustness ------------------------------------------------------- */

static char *repeat(const char *unit, size_t times, size_t *len)
{
    size_t n = strlen(unit);
    char *s = malloc(n * times + 1);
    assert_non_null(s);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * n, unit, n);
    s[n * times] = '\0';
    *len = n * times;
    return s;
}

static double seconds_since(struct timespec t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

static void test_one_megabyte_line(void **state)
{
    (void)state;
    size_t len;
    char *line = repeat("Beslutning i ", 80000, &len);
    ref_meeting *m = parse_ok(line, len);
    assert_int_equal(m->npunkter, 0);
    assert_int_equal(strlen(m->heading), len - 1); /* trimmed */
    ref_meeting_free(m);
    free(line);

    /* the same as a punkt line and as section text: a punkt line that
     * long is text run into the title, so the title is its first words
     * (PUNKT_TITLE_MAX_BYTES in minutes_int.h) and the rest is the punkt's
     * text, none of it lost */
    ref_buf b = REF_BUF_INIT;
    ref_buf_puts(&b, "Punkt 1: CF - ");
    for (int i = 0; i < 100000; i++)
        ref_buf_puts(&b, "Økonomi ");
    ref_buf_puts(&b, "\n\nBeslutning\n\n");
    for (int i = 0; i < 100000; i++)
        ref_buf_puts(&b, "1.2.2017 ");
    m = parse_ok(b.data, b.len);
    assert_int_equal(m->npunkter, 1);
    assert_string_equal(m->punkter[0].prefix, "CF");
    assert_string_equal(m->punkter[0].title, "Økonomi Økonomi Økonomi Økonomi Økonomi "
                                             "Økonomi Økonomi Økonomi Økonomi Økonomi");
    assert_int_equal(m->punkter[0].nsections, 2);
    assert_int_equal(m->punkter[0].sections[0].kind, REF_SECTION_NONE);
    assert_int_equal(strlen(m->punkter[0].sections[0].text), (100000 - 10) * 9 - 1);
    assert_int_equal(m->punkter[0].sections[1].kind, REF_SECTION_BESLUTNING);
    ref_meeting_free(m);
    ref_buf_free(&b);
}

/* No quadratic step: a 50 MB file of one line, and one of many short
 * lines, each parse in well under the time a quadratic scan would take. */
static void test_fifty_megabytes_in_linear_time(void **state)
{
    (void)state;
    static const struct {
        const char *unit;
        size_t bytes;
    } rows[] = {
        {"Mødedato 7. ", 50u << 20}, /* one line, a date candidate every 12 bytes */
        {"x", 50u << 20},            /* one line */
        {"\n", 50u << 20},           /* 50 million empty lines */
        {"Beslutning\n", 50u << 20}, /* header lines */
        {"Punkt:\n", 5u << 20},      /* 750,000 punkter: memory, not time, limits this */
    };
    for (size_t u = 0; u < sizeof rows / sizeof rows[0]; u++) {
        size_t len;
        char *s = repeat(rows[u].unit, rows[u].bytes / strlen(rows[u].unit), &len);
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        ref_meeting *m = parse_ok(s, len);
        double took = seconds_since(t0);
        print_message("row %zu, %zu bytes: %.2f s, %zu punkter, %zu warnings\n", u, len, took,
                      m->npunkter, m->nwarnings);
        assert_true(took < 60.0);
        assert_true(m->nwarnings <= 1001);
        ref_meeting_free(m);
        free(s);
    }
}

static void test_warnings_are_capped(void **state)
{
    (void)state;
    size_t len;
    char *s = repeat("Punkt 7: A\n\nBeslutning\n\n", 5000, &len);
    ref_meeting *m = parse_ok(s, len);
    assert_int_equal(m->npunkter, 5000);
    assert_int_equal(m->nwarnings, 1001);
    assert_string_equal(m->warnings[1000].message, "further warnings suppressed");
    ref_meeting_free(m);
    free(s);
}

/* Every byte value, invalid UTF-8 and truncated sequences at line ends:
 * the parser reads only inside the buffer (ASan checks) and keeps going. */
static void test_arbitrary_bytes(void **state)
{
    (void)state;
    unsigned char all[4096];
    for (size_t i = 0; i < sizeof all; i++)
        all[i] = (unsigned char)((i * 7919u) ^ (i >> 3));
    static const char *const prefixes[] = {"", "Punkt 1: \xc3", "Punkt 1: A\n\n\xc3", "# \xc3",
                                           "REFERAT \xc3 d. 1"};
    for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
        for (size_t cut = 0; cut < sizeof all; cut += 61) {
            ref_buf b = REF_BUF_INIT;
            ref_buf_puts(&b, prefixes[p]);
            ref_buf_append(&b, all, cut);
            ref_meeting *m = parse_ok(b.data, b.len);
            ref_meeting_free(m);
            /* the same bytes without the NUL terminator right after them */
            char *exact = malloc(b.len ? b.len : 1);
            memcpy(exact, b.data, b.len);
            m = parse_ok(exact, b.len);
            ref_meeting_free(m);
            free(exact);
            ref_buf_free(&b);
        }
    }
}

int main(void)
{
    /* tests/e2e_every_word.py runs the invariant alone over a generated
     * corpus */
    if (getenv("REFERAT_EVERY_WORD_DIR")) {
        const struct CMUnitTest only[] = {cmocka_unit_test(test_every_word_of_every_file_is_kept)};
        return cmocka_run_group_tests(only, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seeds_parse_as_read_by_eye),
        cmocka_unit_test(test_quoted_decision_stays_in_historik),
        cmocka_unit_test(test_subheadings_stay_in_decision),
        cmocka_unit_test(test_section_text_is_clean),
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_section_text_table),
        cmocka_unit_test(test_header_table),
        cmocka_unit_test(test_header_dates_disagree),
        cmocka_unit_test(test_contents_entries_never_reached_stay_title_only),
        cmocka_unit_test(test_literal_html_tags_are_word_breaks),
        cmocka_unit_test(test_dropping_contents_entries_is_linear),
        cmocka_unit_test(test_every_word_of_every_file_is_kept),
        cmocka_unit_test(test_section_kind_keys),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_one_megabyte_line),
        cmocka_unit_test(test_fifty_megabytes_in_linear_time),
        cmocka_unit_test(test_warnings_are_capped),
        cmocka_unit_test(test_arbitrary_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
