/* test_layouts.c — the minutes parser on other municipalities' layouts
 * (minutes.h, "Layouts of other municipalities"): punkt-line forms, tables
 * of contents, closed items, pages and their furniture, hyphenation, text
 * that lost its line breaks, header forms, the municipality, the
 * unstructured fallback and --explain's account. Each row is a small input
 * written after a layout in tests/data/real-minutes/; tests/e2e_formats.py
 * runs the real files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referat/buf.h"
#include "referat/minutes.h"
#include "referat/reader.h"

static ref_meeting *parse(const char *text, int fallback)
{
    ref_meeting *m = NULL;
    ref_status st = fallback ? ref_minutes_parse_with_fallback(text, strlen(text), &m)
                             : ref_minutes_parse(text, strlen(text), &m);
    assert_int_equal(st, REF_OK);
    assert_non_null(m);
    return m;
}

/* "N:title[closed]{kind:heading;…}|…" for every punkt: one string says the
 * whole structure, so a row states what it expects at a glance. */
static char *structure(const ref_meeting *m)
{
    ref_buf b = REF_BUF_INIT;
    for (size_t i = 0; i < m->npunkter; i++) {
        const ref_punkt *p = &m->punkter[i];
        ref_buf_printf(&b, "%s%d:%s%s{", i ? "|" : "", p->number, p->title,
                       p->closed ? "[closed]" : "");
        for (size_t k = 0; k < p->nsections; k++)
            ref_buf_printf(&b, "%s%s:%s", k ? ";" : "", ref_section_kind_key(p->sections[k].kind),
                           p->sections[k].heading);
        ref_buf_putc(&b, '}');
    }
    return ref_buf_detach(&b);
}

/* All section texts of all punkter, joined by " / ". */
static char *all_text(const ref_meeting *m)
{
    ref_buf b = REF_BUF_INIT;
    for (size_t i = 0; i < m->npunkter; i++)
        for (size_t k = 0; k < m->punkter[i].nsections; k++)
            ref_buf_printf(&b, "%s%s", b.len ? " / " : "", m->punkter[i].sections[k].text);
    if (!b.len)
        ref_buf_puts(&b, "");
    return ref_buf_detach(&b);
}

/* ---- punkt lines and structure, one layout per row --------------------- */

typedef struct layout_case {
    const char *name;
    const char *input;
    const char *structure; /* structure() of the result */
} layout_case;

static const layout_case layout_cases[] = {
    {"Dagsordenspunkt N", "Referat\n\nDagsordenspunkt 4 Budget 2020\n\nBeslutning\n\nGodkendt.\n",
     "4:Budget 2020{beslutning:Beslutning}"},
    {"bullet before Pkt. and the punkt line repeated (Roskilde)",
     "Referat\n • Pkt. 42 Beslutninger om dagsordenen\n  Pkt. 42\n  Beslutninger om dagsordenen\n"
     "  Tekst her.\n",
     "42:Beslutninger om dagsordenen{tekst:}"},
    {"title on the line under the punkt line",
     "Referat\n\nPkt. 42\nBeslutninger om dagsordenen\n\nGodkendt.\n",
     "42:Beslutninger om dagsordenen{tekst:}"},
    {"numbered punkter where no keyword form is used (Brønderslev)",
     "Byrådet - Referat\n\n2. Bemærkninger til dagsordenen\n\nResume\n\nx\n\nBeslutning\n\nIngen."
     "\n\n3. Godkendelse af stedfortrædere\n\nBeslutning\n\nGodkendt.\n",
     "2:Bemærkninger til dagsordenen{andet:Resume;beslutning:Beslutning}|"
     "3:Godkendelse af stedfortrædere{beslutning:Beslutning}"},
    {"numbered lines are text where keyword punkter are used",
     "Referat\n\nPunkt 1: A\n\n1. Aktivt medborgerskab\n\n2. Sundhed og forebyggelse\n",
     "1:A{tekst:}"},
    {"a numbered list inside a punkt does not restart the numbering",
     "Referat\n\n5. Budget\n\nSagsfremstilling\n\n1. Første del\n\nBeslutning\n\nOK.\n",
     "5:Budget{sagsfremstilling:Sagsfremstilling;beslutning:Beslutning}"},
    {"a numbered title may start with a number",
     "Referat\n\n88. Skolen ved Søerne\n\nx.\n\n89. 17 nye lejligheder\n\ny.\n",
     "88:Skolen ved Søerne{tekst:}|89:17 nye lejligheder{tekst:}"},
    {"a table of contents of numbered punkter before the punkter (Allerød)",
     "PUNKTER\n\n1. Bemærkninger\n2. Meddelelser\n3. Varmeplan\n\n1. Bemærkninger\n\nBeslutning\n\n"
     "Ingen.\n\n2. Meddelelser\n\nTekst.\n",
     /* 3 is listed but never reached (an excerpt): kept, title only */
     "1:Bemærkninger{beslutning:Beslutning}|2:Meddelelser{tekst:}|3:Varmeplan{}"},
    {"a table of contents followed by other header text (Region Hovedstaden)",
     "Referat\n\n 1. Valg af formand\n 2. Eventuelt\nMedlemmer\n • Anne: Deltog\n\n"
     "1. Valg af formand\n\nPOLITISK BEHANDLING\n\nGodkendt.\n",
     "2:Eventuelt{tekst:}|1:Valg af formand{beslutning:POLITISK BEHANDLING}"},
    {"decision headed by body and date (Aabenraa)",
     "Referat\n\nSag nr. 1 A\n\nBeslutning Børne- og Uddannelsesudvalg den 06-06-2017\n\nOK.\n",
     "1:A{beslutning:Beslutning Børne- og Uddannelsesudvalg den 06-06-2017}"},
    {"decision headed by body, date and punkt (Roskilde)",
     "Referat\n\nPkt. 44 Strategi\n\nResume\n\nx.\n\nKultur- og Idrætsudvalget, 03-04-2019, pkt. "
     "44\n\nDrøftet.\n",
     "44:Strategi{andet:Resume;beslutning:Kultur- og Idrætsudvalget, 03-04-2019, pkt. 44}"},
    {"another meeting's dated punkt is a quote, not a decision",
     "Referat Kommunalbestyrelsen den 5. november 2019\n\nPkt. 343 Budget\n\nSagsfremstilling\n\n"
     "Økonomiudvalget 2018-21, 28. oktober 2019, pkt. 452:\n\nAnbefalet.\n",
     "343:Budget{sagsfremstilling:Sagsfremstilling}"},
    {"one item per page, no punkt line (København)",
     "Mødedato: 23.08.2017, kl. 11:00\nMødested: Rådhuset\n\nFørste behandling af budget 2018\n\n"
     "Den 5. oktober vedtages budgettet.\n\nIndstilling\n\nat budgettet godkendes.\n",
     "0:Første behandling af budget 2018{tekst:;indstilling:Indstilling}"},
    {"items without punkt lines end at their decisions (Aalborg)",
     "Byrådet 25. september 2023\n\nÅben\n\nBeslutning\n\nGodkendt.\n\nÅben\n\nIndstilling\n\n"
     "x.\n\nBeslutning\n\nGodkendt.\n\nBilag\n\nb.\n\nÅben\n\nIndstilling\n\ny.\n",
     "0:Åben{beslutning:Beslutning}|0:x.{indstilling:Indstilling;beslutning:Beslutning;"
     "bilag:Bilag}|0:y.{indstilling:Indstilling}"},
};

static void test_layout_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof layout_cases / sizeof layout_cases[0]; i++) {
        const layout_case *c = &layout_cases[i];
        print_message("layout: %s\n", c->name);
        ref_meeting *m = parse(c->input, 0);
        char *got = structure(m);
        assert_string_equal(got, c->structure);
        free(got);
        ref_meeting_free(m);
    }
}

/* ---- closed items -------------------------------------------------------- */

/* Whatever marks an item as closed, its text is never copied: the word
 * "HEMMELIG" stands only in closed content and must be nowhere. */
static void test_closed_items_keep_only_their_title(void **state)
{
    (void)state;
    static const struct {
        const char *name, *input, *structure;
    } rows[] = {
        {"(Lukket) in the title",
         "REFERAT Udvalget d. 01-02-2020\n\nPunkt 1: Køb af grund (Lukket)\n\nSagsfremstilling\n\n"
         "HEMMELIG pris.\n\nBeslutning\n\nHEMMELIG.\n\nPunkt 2: Åbent\n\nBeslutning\n\nOK.\n",
         "1:Køb af grund (Lukket)[closed]{}|2:Åbent{beslutning:Beslutning}"},
        {"Lukket punkt under the punkt line",
         "REFERAT Udvalget d. 01-02-2020\n\nPkt. 7 Personalesag\nLukket punkt\n\nHEMMELIG.\n",
         "7:Personalesag[closed]{}"},
        {"the closed part of a meeting",
         "REFERAT Udvalget d. 01-02-2020\n\nPunkt 1: A\n\nOK.\n\nLukket dagsorden\n\n"
         "Punkt 2: B\n\nHEMMELIG.\n\nPunkt 3: C\n\nBeslutning\n\nHEMMELIG.\n\nÅben dagsorden\n\n"
         "Punkt 4: D\n\nOK.\n",
         "1:A{tekst:}|2:B[closed]{}|3:C[closed]{}|4:D{tekst:}"},
        {"Lukket sag in a line under the punkt",
         "Referat\n\nSag nr. 9 Ejendom\nSagsnr. 123 Økonomiudvalget Lukket sag\n\nHEMMELIG.\n",
         "9:Ejendom[closed]{}"},
        {"Lukkede punkter in a table of contents opens nothing",
         "Referat\nIndholdsfortegnelse\nLukkede Punkter\n\n183. Godkendelse af dagsorden\n\n"
         "Beslutning\n\nGodkendt.\n",
         "183:Godkendelse af dagsorden{beslutning:Beslutning}"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        print_message("closed: %s\n", rows[i].name);
        ref_meeting *m = parse(rows[i].input, 1);
        char *got = structure(m);
        assert_string_equal(got, rows[i].structure);
        char *text = all_text(m);
        assert_null(strstr(text, "HEMMELIG"));
        for (size_t w = 0; w < m->nwarnings; w++)
            assert_null(strstr(m->warnings[w].message, "HEMMELIG"));
        free(text);
        free(got);
        ref_meeting_free(m);
    }
}

/* ---- pages and page furniture ------------------------------------------- */

/* Three pages as the reader writes a PDF: a header and a footer with the
 * page number on every page; they are left out and listed, and punkter and
 * sections know their pages. */
static void test_page_furniture_is_left_out_and_pages_kept(void **state)
{
    (void)state;
    const char *text = "Albertslund Kommune - Chefforum\n"
                       "REFERAT Chefforum d. 07-09-2017\n\n"
                       "Punkt 1: CF - Budget\n\nAnledning\n\nBudgettet drøftes.\n"
                       "Side 1 af 3\n"
                       "\fAlbertslund Kommune - Chefforum\n"
                       "Beslutning\n\nGodkendt.\n\n"
                       "Punkt 2: CF - Sygefravær\n\nSagsfremstilling\n\nTallet falder.\n"
                       "Side 2 af 3\n"
                       "\fAlbertslund Kommune - Chefforum\n"
                       "Beslutning\n\nTaget til efterretning.\n"
                       "Side 3 af 3\n";
    ref_meeting *m = parse(text, 1);
    assert_int_equal(m->npages, 3);
    assert_string_equal(m->body, "Chefforum");
    assert_string_equal(m->date, "2017-09-07");
    assert_string_equal(m->municipality, "Albertslund");
    char *got = structure(m);
    assert_string_equal(got,
                        "1:Budget{anledning:Anledning;beslutning:Beslutning}|"
                        "2:Sygefravær{sagsfremstilling:Sagsfremstilling;beslutning:Beslutning}");
    free(got);
    assert_int_equal(m->punkter[0].page, 1);
    assert_int_equal(m->punkter[0].sections[1].page, 2);
    assert_int_equal(m->punkter[1].page, 2);
    assert_int_equal(m->punkter[1].sections[1].page, 3);
    assert_string_equal(m->punkter[0].sections[1].text, "Godkendt.");
    assert_string_equal(m->punkter[1].sections[1].text, "Taget til efterretning.");
    assert_int_equal(m->nfurniture, 2);
    size_t total = 0;
    for (size_t i = 0; i < m->nfurniture; i++) {
        total += m->furniture[i].count;
        assert_true(strcmp(m->furniture[i].text, "Side # af #") == 0 ||
                    strcmp(m->furniture[i].text, "Albertslund Kommune - Chefforum") == 0);
    }
    assert_int_equal(total, 6);
    char *all = all_text(m);
    assert_null(strstr(all, "Side "));
    assert_null(strstr(all, "Albertslund Kommune"));
    free(all);
    ref_meeting_free(m);
}

/* ---- words hyphenated at line ends -------------------------------------- */

static void test_hyphenation_at_line_ends(void **state)
{
    (void)state;
    static const struct {
        const char *body, *want;
    } rows[] = {
        {"Det samlede sygefra-\nvær er faldet.", "Det samlede sygefravær\ner faldet."},
        {"Sagen går til Børne-\nog Ungeudvalget.", "Sagen går til Børne-\nog Ungeudvalget."},
        {"Det nye IT-\nsystemet virker.", "Det nye IT-systemet\nvirker."},
        {"Budget 2020-\n2023 vedtaget.", "Budget 2020-\n2023 vedtaget."},
        {"Et langt ord på én linje: lang-\ntidssygefravær",
         "Et langt ord på én linje: langtidssygefravær"},
        {"En tankestreg -\nog mere.", "En tankestreg -\nog mere."},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ref_buf in = REF_BUF_INIT;
        ref_buf_printf(&in, "REFERAT Udvalget d. 01-02-2020\n\nPunkt 1: A\n\nBeslutning\n\n%s\n",
                       rows[i].body);
        ref_meeting *m = parse(in.data, 0);
        assert_int_equal(m->npunkter, 1);
        assert_int_equal(m->punkter[0].nsections, 1);
        print_message("hyphen row %zu\n", i);
        assert_string_equal(m->punkter[0].sections[0].text, rows[i].want);
        ref_meeting_free(m);
        ref_buf_free(&in);
    }
}

/* ---- text that lost its line breaks -------------------------------------- */

static void test_long_lines_are_read_as_several(void **state)
{
    (void)state;
    ref_buf b = REF_BUF_INIT;
    ref_buf_puts(&b, "ØKONOMIUDVALGET Mødedato: 12. august 2014 ");
    const char *filler = "Der er redegjort for sagen i et længere afsnit uden linjeskift. ";
    ref_buf_puts(&b, "Sag nr. 1 BUDGETSTATUS 2015 ");
    for (int i = 0; i < 6; i++)
        ref_buf_puts(&b, filler);
    ref_buf_puts(&b, "INDSTILLING Direktionen indstiller, at budgettet godkendes. ");
    ref_buf_puts(&b, "BESLUTNING Godkendt. ");
    ref_buf_puts(&b, "Sag nr. 2 UDBUD AF RENGØRING ");
    for (int i = 0; i < 6; i++)
        ref_buf_puts(&b, filler);
    ref_buf_puts(&b, "BESLUTNING Udsat.\n");
    ref_meeting *m = parse(b.data, 0);
    char *got = structure(m);
    assert_string_equal(got,
                        "1:BUDGETSTATUS 2015{tekst:;indstilling:INDSTILLING;beslutning:BESLUTNING}|"
                        "2:UDBUD AF RENGØRING{tekst:;beslutning:BESLUTNING}");
    assert_non_null(strstr(m->punkter[0].sections[0].text, "Der er redegjort"));
    assert_string_equal(m->punkter[0].sections[2].text, "Godkendt.");
    assert_string_equal(m->punkter[1].sections[1].text, "Udsat.");
    free(got);
    ref_meeting_free(m);
    ref_buf_free(&b);
}

/* ---- the header --------------------------------------------------------- */

static void test_header_forms(void **state)
{
    (void)state;
    static const struct {
        const char *input, *body, *date, *place;
    } rows[] = {
        {"Referat\nSocial- og Sundhedsudvalget torsdag den 20. april 2023 kl. 19.00\n\nPkt. 1 "
         "A\n\nx\n",
         "Social- og Sundhedsudvalget", "2023-04-20", ""},
        {"UDVALG\n\nTeknik, Erhverv, Plan og Miljøudvalget 2018-2021\n\nSTED\n\nMødelokale C\n\n"
         "STARTTIDSPUNKT\n\n06-11-2018 07:30:00\n\nPkt. 1 A\n\nx\n",
         /* the name without the period it serves */
         "Teknik, Erhverv, Plan og Miljøudvalget", "2018-11-06", "Mødelokale C"},
        {"Beslutningsprotokol\n\ntirsdag den 6. juni 2017 kl. 09:00\n\nMødested: Loungen\n"
         "Udvalg: Børne- og Uddannelsesudvalg\n\nPkt. 1 A\n\nx\n",
         "Børne- og Uddannelsesudvalg", "2017-06-06", "Loungen"},
        {"Byrådet - Referat\nDato: 3/4 2019\nLokale: Byrådssalen\n\nPkt. 1 A\n\nx\n", "Byrådet",
         "2019-04-03", "Byrådssalen"},
        {"Referat\ntil\nmødet i Kommunalbestyrelsen 2018-21\nden 12. maj 2020 kl. 17:00\n\n"
         "Pkt. 1 A\n\nx\n",
         "Kommunalbestyrelsen", "2020-05-12", ""},
        {"Udvalget for Erhverv og Kultur\n24-05-2013\n\nPkt. 1 A\n\nx\n",
         "Udvalget for Erhverv og Kultur", "2013-05-24", ""},
        {"Referat Økonomiudvalget 2013-05-24\n\nPkt. 1 A\n\nx\n", "Økonomiudvalget", "2013-05-24",
         ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        print_message("header row %zu\n", i);
        ref_meeting *m = parse(rows[i].input, 0);
        assert_string_equal(m->body, rows[i].body);
        assert_string_equal(m->date, rows[i].date);
        assert_string_equal(m->place, rows[i].place);
        ref_meeting_free(m);
    }
}

static void test_municipality_is_the_one_named_most(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } rows[] = {
        {"Albertslund Kommune\n\nPunkt 1: A\n\nx\n", "Albertslund"},
        {"Referat\n\nKøbenhavns Kommunes budget for 2018.\n", "København"},
        {"Møde i Region Hovedstaden.\n\nRegion Hovedstaden vedtager.\n", "Region Hovedstaden"},
        {"Rødovre Kommune.\nBorgere fra Rødovre Kommune flytter til Hvidovre Kommune.\n",
         "Rødovre"},
        {"Referat uden kommune. Kommunen vedtog. Den Kommune.\n", ""},
        {"Sagen om KommuneMED og Albertslundpraktik.\n", ""},
        {"Faaborg-Midtfyn Kommune og Aarhus Kommunes plan; Faaborg-Midtfyn Kommune igen.\n",
         "Faaborg-Midtfyn"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        print_message("municipality row %zu\n", i);
        ref_meeting *m = parse(rows[i].text, 0);
        assert_string_equal(m->municipality, rows[i].want);
        ref_meeting_free(m);
    }
}

/* ---- never lose text ----------------------------------------------------- */

static void test_unstructured_fallback_keeps_every_line(void **state)
{
    (void)state;
    const char *prose = "Dette er bare en tekst\nuden dagsordenspunkter om sygefravær.\n";
    ref_meeting *m = parse(prose, 0);
    assert_int_equal(m->npunkter, 0); /* the plain parse finds none … */
    ref_meeting_free(m);
    m = parse(prose, 1); /* … the indexer's parse keeps the text */
    assert_int_equal(m->unstructured, 1);
    assert_int_equal(m->npunkter, 1);
    assert_int_equal(m->punkter[0].number, 0);
    assert_string_equal(m->punkter[0].title, "Dette er bare en tekst");
    assert_int_equal(m->punkter[0].nsections, 1);
    assert_int_equal(m->punkter[0].sections[0].kind, REF_SECTION_NONE);
    assert_string_equal(m->punkter[0].sections[0].text,
                        "Dette er bare en tekst\nuden dagsordenspunkter om sygefravær.");
    ref_meeting_free(m);

    /* with pages: one punkt per page, furniture left out, numbered by page */
    const char *pages = "Side 1\nFørste side om budget.\n\fSide 2\nAnden side om udbud.\n"
                        "\fSide 3\n\n\fSide 4\nFjerde side.\n";
    m = parse(pages, 1);
    assert_int_equal(m->unstructured, 1);
    assert_int_equal(m->npages, 4);
    char *got = structure(m);
    assert_string_equal(got, "1:Første side om budget.{tekst:}|2:Anden side om udbud.{tekst:}|"
                             "4:Fjerde side.{tekst:}");
    free(got);
    assert_int_equal(m->punkter[2].page, 4);
    ref_meeting_free(m);

    /* blank text stays without punkter, so the indexer can call it empty */
    m = parse(" \n\n\t\n", 1);
    assert_int_equal(m->npunkter, 0);
    ref_meeting_free(m);
}

/* ---- what --explain prints -------------------------------------------- */

static void test_explain_names_what_was_understood(void **state)
{
    (void)state;
    const char *text = "Albertslund Kommune - Chefforum\nREFERAT Chefforum d. 07-09-2017\n\n"
                       "Punkt 1: CF - Budget\n\n00.01.00-A00-3-17\n\nBeslutning\n\nGodkendt som "
                       "foreslået.\nSide 1 af 2\n\fAlbertslund Kommune - Chefforum\n"
                       "Punkt 2: Personalesag (Lukket)\n\nHEMMELIG.\nSide 2 af 2\n";
    ref_meeting *m = parse(text, 1);
    ref_buf out = REF_BUF_INIT;
    ref_meeting_explain(m, &out);
    const char *want[] = {
        "municipality: Albertslund",
        "body: Chefforum",
        "date: 2017-09-07",
        "structure: structured, 2 punkter (1 closed)",
        "punkt 1 [CF]: Budget",
        "journal 00.01.00-A00-3-17",
        "- beslutning \"Beslutning\" (line 8, page 1): Godkendt som foreslået.",
        "punkt 2: Personalesag (Lukket)",
        "CLOSED",
        "2x \"Side # af #\"",
        "2x \"Albertslund Kommune - Chefforum\"",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        print_message("explain: %s\n", want[i]);
        assert_non_null(strstr(out.data, want[i]));
    }
    assert_null(strstr(out.data, "HEMMELIG"));
    ref_buf_free(&out);
    ref_meeting_free(m);
}

/* ---- HTML through the reader ------------------------------------------- */

/* Markup never reaches the parser: navigation, scripts and styles are left
 * out, and headings and paragraphs keep lines of their own. */
static void test_html_gives_the_lines_the_parser_reads(void **state)
{
    (void)state;
    const char *html =
        "<!DOCTYPE html><html><head><title>t</title><style>p{color:red}</style>"
        "<script>var s = 'Punkt 9: skjult';</script></head><body>"
        "<nav><a href='/'>Forside</a> <a>Politik</a></nav><header>Sidehoved</header>"
        "<h1>REFERAT Chefforum d. 07-09-2017</h1>"
        "<h2>Punkt 1: CF - Godkendelse af <b>dagsorden</b></h2><p>00.01.00-A00-3-17</p>"
        "<h3>Beslutning</h3><p>Godkendt med   bemærkning&nbsp;om æøå.</p>"
        "<ul><li>første</li><li>anden</li></ul>"
        "<table><tr><td>a</td><td>b</td></tr></table><footer>Kontakt</footer></body></html>";
    ref_text t;
    const char *detail = NULL;
    assert_int_equal(ref_text_from_bytes(html, strlen(html), 0, &t, &detail), REF_OK);
    assert_int_equal(t.format, REF_FORMAT_HTML);
    assert_null(strstr(t.data, "skjult"));
    assert_null(strstr(t.data, "Forside"));
    assert_null(strstr(t.data, "Sidehoved"));
    assert_null(strstr(t.data, "Kontakt"));
    assert_null(strstr(t.data, "color"));
    assert_non_null(strstr(t.data, "\nPunkt 1: CF - Godkendelse af dagsorden\n"));
    assert_non_null(strstr(t.data, "\nBeslutning\n"));
    assert_non_null(strstr(t.data, "første\nanden"));
    assert_non_null(strstr(t.data, "a b"));
    ref_meeting *m = parse(t.data, 0);
    char *got = structure(m);
    assert_string_equal(got, "1:Godkendelse af dagsorden{beslutning:Beslutning}");
    assert_string_equal(m->punkter[0].journal, "00.01.00-A00-3-17");
    free(got);
    ref_meeting_free(m);
    ref_text_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_table),
        cmocka_unit_test(test_closed_items_keep_only_their_title),
        cmocka_unit_test(test_page_furniture_is_left_out_and_pages_kept),
        cmocka_unit_test(test_hyphenation_at_line_ends),
        cmocka_unit_test(test_long_lines_are_read_as_several),
        cmocka_unit_test(test_header_forms),
        cmocka_unit_test(test_municipality_is_the_one_named_most),
        cmocka_unit_test(test_unstructured_fallback_keeps_every_line),
        cmocka_unit_test(test_explain_names_what_was_understood),
        cmocka_unit_test(test_html_gives_the_lines_the_parser_reads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
