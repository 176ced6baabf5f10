/* test_analysis.c — the analysis chain: token streams, case folding, codes,
 * hyphens, apostrophes, invalid UTF-8, limits, lemma-first stems, compound
 * PART tokens, the term cache, and Snowball's own Danish vocabulary (with
 * the plain_snowball option). Data comes from $REFERAT_TESTDATA (default
 * tests/data) and $REFERAT_CORPUS (default corpus). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referat/analysis.h"

/* ---- collecting tokens --------------------------------------------------- */

typedef struct got_tok {
    ref_token_kind kind;
    char *text;
    char *stem;
    size_t start, end;
    uint32_t pos;
} got_tok;

typedef struct collector {
    got_tok *toks;
    size_t n, cap;
    size_t stop_after; /* 0: never stop */
} collector;

static int collect(void *ctx, const ref_token *t)
{
    collector *c = ctx;
    assert_int_equal(strlen(t->text), t->text_len);
    assert_int_equal(strlen(t->stem), t->stem_len);
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->toks = realloc(c->toks, c->cap * sizeof *c->toks);
        assert_non_null(c->toks);
    }
    c->toks[c->n++] =
        (got_tok){t->kind, strdup(t->text), strdup(t->stem), t->start, t->end, t->pos};
    return c->stop_after && c->n >= c->stop_after;
}

static void collector_free(collector *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->toks[i].text);
        free(c->toks[i].stem);
    }
    free(c->toks);
    *c = (collector){0};
}

static const char *kind_name(ref_token_kind k)
{
    switch (k) {
    case REF_TOKEN_WORD:
        return "WORD";
    case REF_TOKEN_NUMBER:
        return "NUMBER";
    case REF_TOKEN_CODE:
        return "CODE";
    case REF_TOKEN_JOINED:
        return "JOINED";
    case REF_TOKEN_PART:
        return "PART";
    }
    return "?";
}

/* The default analyzer: lemma-first stems and compound parts. */
static int setup(void **state)
{
    ref_analyzer *an;
    if (ref_analyzer_new(&an) != REF_OK)
        return -1;
    *state = an;
    return 0;
}

/* Plain Snowball: the tokeniser and Snowball alone. */
static int setup_plain(void **state)
{
    ref_analyzer *an;
    ref_analyzer_opts opts = {.plain_snowball = 1};
    if (ref_analyzer_new_opts(&opts, &an) != REF_OK)
        return -1;
    *state = an;
    return 0;
}

static int teardown(void **state)
{
    ref_analyzer_free(*state);
    return 0;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

/* ---- table-driven token streams ------------------------------------------ */

#define W REF_TOKEN_WORD
#define N REF_TOKEN_NUMBER
#define C REF_TOKEN_CODE
#define J REF_TOKEN_JOINED
#define P REF_TOKEN_PART

typedef struct want_tok {
    ref_token_kind kind;
    const char *text;
    const char *stem;
    size_t start, end;
    uint32_t pos;
} want_tok;

typedef struct stream_case {
    const char *name;
    const char *input;
    uint32_t positions;
    want_tok toks[20]; /* ends at the first with text == NULL */
} stream_case;

static const stream_case stream_cases[] = {
    {"plain sentence, stemmed",
     "Chefforum godkendte referatet.",
     3,
     {{W, "chefforum", "chefforum", 0, 9, 0},
      {W, "godkendte", "godkend", 10, 19, 1},
      {W, "referatet", "referat", 20, 29, 2}}},
    {"Danish capitals fold",
     "Mødet i ØKONOMIUDVALGET blev Åbnet; Æbler",
     6,
     {{W, "mødet", "mød", 0, 6, 0},
      {W, "i", "i", 7, 8, 1},
      {W, "økonomiudvalget", "økonomiudvalg", 9, 25, 2},
      {W, "blev", "blev", 26, 30, 3},
      {W, "åbnet", "åbn", 31, 37, 4},
      {W, "æbler", "æbl", 39, 45, 5}}},
    {"full case folding: ß is ss, É is é",
     "Straße CAFÉ",
     2,
     {{W, "strasse", "stras", 0, 7, 0}, {W, "café", "café", 8, 13, 1}}},
    {"hyphenated words: JOINED then parts",
     "IT-systemer og EU-udbud",
     5,
     {{J, "itsystemer", "itsystem", 0, 11, 0},
      {W, "it", "it", 0, 2, 0},
      {W, "systemer", "system", 3, 11, 1},
      {W, "og", "og", 12, 14, 2},
      {J, "euudbud", "euudbud", 15, 23, 3},
      {W, "eu", "eu", 15, 17, 3},
      {W, "udbud", "udbud", 18, 23, 4}}},
    {"hyphen before a space ends a word",
     "Trivsels- og APV-måling",
     4,
     {{W, "trivsels", "trivsel", 0, 8, 0},
      {W, "og", "og", 10, 12, 1},
      {J, "apvmåling", "apvmåling", 13, 24, 2},
      {W, "apv", "apv", 13, 16, 2},
      {W, "måling", "måling", 17, 24, 3}}},
    {"three-part hyphenated word",
     "afsked-og-fratræden",
     3,
     {{J, "afskedogfratræden", "afskedogfratræd", 0, 20, 0},
      {W, "afsked", "afsked", 0, 6, 0},
      {W, "og", "og", 7, 9, 1},
      {W, "fratræden", "fratræd", 10, 20, 2}}},
    {"journal numbers: CODE then parts",
     "Sag 00.01.00-A00-3-17 og 13/3462",
     10,
     {{W, "sag", "sag", 0, 3, 0},
      {C, "00.01.00-a00-3-17", "00.01.00-a00-3-17", 4, 21, 1},
      {N, "00", "00", 4, 6, 1},
      {N, "01", "01", 7, 9, 2},
      {N, "00", "00", 10, 12, 3},
      {W, "a00", "a00", 13, 16, 4},
      {N, "3", "3", 17, 18, 5},
      {N, "17", "17", 19, 21, 6},
      {W, "og", "og", 22, 24, 7},
      {C, "13/3462", "13/3462", 25, 32, 8},
      {N, "13", "13", 25, 27, 8},
      {N, "3462", "3462", 28, 32, 9}}},
    {"dates, year ranges, decimals, thousands",
     "24-05-2013 2017-2018, 1.5 2.000.000",
     10,
     {{C, "24-05-2013", "24-05-2013", 0, 10, 0},
      {N, "24", "24", 0, 2, 0},
      {N, "05", "05", 3, 5, 1},
      {N, "2013", "2013", 6, 10, 2},
      {C, "2017-2018", "2017-2018", 11, 20, 3},
      {N, "2017", "2017", 11, 15, 3},
      {N, "2018", "2018", 16, 20, 4},
      {C, "1.5", "1.5", 22, 25, 5},
      {N, "1", "1", 22, 23, 5},
      {N, "5", "5", 24, 25, 6},
      {C, "2.000.000", "2.000.000", 26, 35, 7},
      {N, "2", "2", 26, 27, 7},
      {N, "000", "000", 28, 31, 8},
      {N, "000", "000", 32, 35, 9}}},
    {"a trailing joiner is never part of a code",
     "i 2017. og 13/ og 5- x",
     7,
     {{W, "i", "i", 0, 1, 0},
      {N, "2017", "2017", 2, 6, 1},
      {W, "og", "og", 8, 10, 2},
      {N, "13", "13", 11, 13, 3},
      {W, "og", "og", 15, 17, 4},
      {N, "5", "5", 18, 19, 5},
      {W, "x", "x", 21, 22, 6}}},
    {"letters and digits joined: a code with word parts",
     "COVID-19 EU-udbud/2017",
     5,
     {{C, "covid-19", "covid-19", 0, 8, 0},
      {W, "covid", "covid", 0, 5, 0},
      {N, "19", "19", 6, 8, 1},
      {C, "eu-udbud/2017", "eu-udbud/2017", 9, 22, 2},
      {W, "eu", "eu", 9, 11, 2},
      {W, "udbud", "udbud", 12, 17, 3},
      {N, "2017", "2017", 18, 22, 4}}},
    {"'.' and '/' between letters separate",
     "f.eks. og/eller",
     4,
     {{W, "f", "f", 0, 1, 0},
      {W, "eks", "eks", 2, 5, 1},
      {W, "og", "og", 7, 9, 2},
      {W, "eller", "ell", 10, 15, 3}}},
    {"apostrophe endings stay in text and span, not in stem",
     "KL's og Region H's udspil, Trio'erne, KL’S",
     7,
     {{W, "kl's", "kl", 0, 4, 0},
      {W, "og", "og", 5, 7, 1},
      {W, "region", "region", 8, 14, 2},
      {W, "h's", "h", 15, 18, 3},
      {W, "udspil", "udspil", 19, 25, 4},
      {W, "trio'erne", "trio", 27, 36, 5},
      {W, "kl's", "kl", 38, 44, 6}}},
    {"other apostrophes separate",
     "O'Brien Jens' bil",
     4,
     {{W, "o", "o", 0, 1, 0},
      {W, "brien", "brien", 2, 7, 1},
      {W, "jens", "jen", 8, 12, 2},
      {W, "bil", "bil", 14, 17, 3}}},
    {"apostrophe ending on a hyphenated word and a code",
     "IT-chef's 13/3462's",
     4,
     {{J, "itchef's", "itchef", 0, 9, 0},
      {W, "it", "it", 0, 2, 0},
      {W, "chef's", "chef", 3, 9, 1},
      {C, "13/3462's", "13/3462", 10, 19, 2},
      {N, "13", "13", 10, 12, 2},
      {N, "3462's", "3462", 13, 19, 3}}},
    {"typographic hyphens join like '-'",
     "IT\u2011systemer IT\u2010chef",
     4,
     {{J, "itsystemer", "itsystem", 0, 13, 0},
      {W, "it", "it", 0, 2, 0},
      {W, "systemer", "system", 5, 13, 1},
      {J, "itchef", "itchef", 14, 23, 2},
      {W, "it", "it", 14, 16, 2},
      {W, "chef", "chef", 19, 23, 3}}},
    {"a soft hyphen inside a word is dropped from its text",
     "sygefra\u00ADværet",
     1,
     {{W, "sygefraværet", "sygefravær", 0, 15, 0}}},
    {"a combining mark continues a word, never starts one",
     "Cafe\u0301 \u0301x",
     2,
     {{W, "cafe\u0301", "cafe\u0301", 0, 6, 0}, {W, "x", "x", 9, 10, 1}}},
    {"mixed letters and digits are not stemmed",
     "punkt 3a kl2erne",
     3,
     {{W, "punkt", "punk", 0, 5, 0},
      {W, "3a", "3a", 6, 8, 1},
      {W, "kl2erne", "kl2erne", 9, 16, 2}}},
    {"other scripts are letters",
     "Ελλάδα Москва",
     2,
     {{W, "ελλάδα", "ελλάδα", 0, 12, 0}, {W, "москва", "москва", 13, 25, 1}}},
};

static void check_stream(ref_analyzer *an, const stream_case *tc)
{
    collector c = {0};
    uint32_t positions = 12345;
    assert_int_equal(ref_analyze(an, tc->input, strlen(tc->input), collect, &c, &positions),
                     REF_OK);
    size_t want_n = 0;
    while (want_n < sizeof tc->toks / sizeof *tc->toks && tc->toks[want_n].text)
        want_n++;
    int bad = c.n != want_n || positions != tc->positions;
    for (size_t i = 0; !bad && i < want_n; i++) {
        const want_tok *w = &tc->toks[i];
        const got_tok *g = &c.toks[i];
        bad = w->kind != g->kind || strcmp(w->text, g->text) || strcmp(w->stem, g->stem) ||
              w->start != g->start || w->end != g->end || w->pos != g->pos;
    }
    if (bad) {
        print_error("case \"%s\": input \"%s\", positions %u (want %u); got:\n", tc->name,
                    tc->input, positions, tc->positions);
        for (size_t i = 0; i < c.n; i++)
            print_error("  {%s, \"%s\", \"%s\", %zu, %zu, %u}\n", kind_name(c.toks[i].kind),
                        c.toks[i].text, c.toks[i].stem, c.toks[i].start, c.toks[i].end,
                        c.toks[i].pos);
    }
    collector_free(&c);
    assert_false(bad);
}

/* The tokeniser, with plain Snowball stems (setup_plain): these streams pin
 * words, codes, hyphens and spans without the lexicon in the way. */
static void test_token_streams(void **state)
{
    for (size_t i = 0; i < sizeof stream_cases / sizeof *stream_cases; i++)
        check_stream(*state, &stream_cases[i]);
}

/* The default analyzer: lemma-first stems and PART tokens (analysis.h).
 * Spans of parts leave out linking letters; a sub-compound's span runs from
 * its first part to its last; parts never take a position. */
static const stream_case default_cases[] = {
    {"three parts and their runs, in the lexicon (sygefravær) or not (langtidssyge)",
     "Langtidssygefraværet",
     1,
     {{W, "langtidssygefraværet", "langtidssygefravær", 0, 21, 0},
      {P, "langtidssygefraværet", "langtidsygfravær", 0, 21, 0},
      {P, "langtidssyge", "langtidssyg", 0, 12, 0},
      {P, "langtids", "langtid", 0, 8, 0},
      {P, "sygefraværet", "sygefravær", 8, 21, 0},
      {P, "syge", "syg", 8, 12, 0},
      {P, "fraværet", "fravær", 12, 21, 0}}},
    {"linking s outside the part's span; sub-compound ending in a modifier",
     "sygefraværskonsulenten",
     1,
     {{W, "sygefraværskonsulenten", "sygefraværskonsulent", 0, 23, 0},
      {P, "sygefraværskonsulenten", "sygfraværkonsulent", 0, 23, 0},
      {P, "sygefravær", "sygefravær", 0, 11, 0},
      {P, "syge", "syg", 0, 4, 0},
      {P, "fraværskonsulenten", "fraværskonsulent", 4, 23, 0},
      {P, "fravær", "fravær", 4, 11, 0},
      {P, "konsulenten", "konsulent", 12, 23, 0}}},
    {"udbud as a modifier",
     "udbudsplanen",
     1,
     {{W, "udbudsplanen", "udbudsplan", 0, 12, 0},
      {P, "udbudsplanen", "udbudplan", 0, 12, 0},
      {P, "udbud", "udbud", 0, 5, 0},
      {P, "planen", "plan", 6, 12, 0}}},
    {"udbud after gen-",
     "genudbud",
     1,
     {{W, "genudbud", "genudbud", 0, 8, 0},
      {P, "gen", "gen", 0, 3, 0},
      {P, "udbud", "udbud", 3, 8, 0}}},
    {"hyphen: udbud is a WORD already, the JOINED whole is not split",
     "EU-udbud",
     2,
     {{J, "euudbud", "euudbud", 0, 8, 0},
      {W, "eu", "eu", 0, 2, 0},
      {W, "udbud", "udbud", 3, 8, 1}}},
    {"a hyphen piece is split on its own",
     "IT-systemudvikling",
     2,
     {{J, "itsystemudvikling", "itsystemudvikling", 0, 18, 0},
      {W, "it", "it", 0, 2, 0},
      {W, "systemudvikling", "systemudvikling", 3, 18, 1},
      {P, "system", "system", 3, 9, 1},
      {P, "udvikling", "udvikling", 9, 18, 1}}},
    {"suspended hyphen: trivsels is its lemma's stem, no trivselsmåling",
     "Trivsels- og APV-måling",
     4,
     {{W, "trivsels", "trivsel", 0, 8, 0},
      {W, "og", "og", 10, 12, 1},
      {J, "apvmåling", "apvmåling", 13, 24, 2},
      {W, "apv", "apv", 13, 16, 2},
      {W, "måling", "måling", 17, 24, 3}}},
    {"lemma-first: budgettet has budget's stem, no parts",
     "budgettet",
     1,
     {{W, "budgettet", "budg", 0, 9, 0}}},
    {"a sentence: parts at their word's position, godkendte through godkende",
     "Chefforum godkendte referatet.",
     3,
     {{W, "chefforum", "chefforum", 0, 9, 0},
      {P, "chef", "chef", 0, 4, 0},
      {P, "forum", "forum", 4, 9, 0},
      {W, "godkendte", "godk", 10, 19, 1},
      {W, "referatet", "referat", 20, 29, 2}}},
    {"spans in the input: capitals, a soft hyphen before the part",
     "SYGE\u00ADFRAVÆRSSTATISTIKKEN",
     1,
     {{W, "sygefraværsstatistikken", "sygefraværsstatistik", 0, 26, 0},
      {P, "sygefraværsstatistikken", "sygfraværstatistik", 0, 26, 0},
      {P, "sygefravær", "sygefravær", 0, 13, 0},
      {P, "syge", "syg", 0, 4, 0},
      {P, "fraværsstatistikken", "fraværsstatistik", 6, 26, 0},
      {P, "fravær", "fravær", 6, 13, 0},
      {P, "statistikken", "statistik", 14, 26, 0}}},
    {"after an apostrophe word; a modifier's lemma (arbejds → arbejde)",
     "KL's arbejdsgangsbeskrivelsen",
     2,
     {{W, "kl's", "kl", 0, 4, 0},
      {W, "arbejdsgangsbeskrivelsen", "arbejdsgangsbeskriv", 5, 29, 1},
      {P, "arbejdsgangsbeskrivelsen", "arbejdgangbeskriv", 5, 29, 1},
      {P, "arbejdsgang", "arbejdsgang", 5, 16, 1},
      {P, "arbejd", "arbejd", 5, 11, 1},
      {P, "gangsbeskrivelsen", "gangsbeskriv", 12, 29, 1},
      {P, "gang", "gang", 12, 16, 1},
      {P, "beskrivelsen", "beskriv", 17, 29, 1}}},
    {"odd folding: a ligature is one character of the part's span",
     "\uFB01nansudvalget",
     1,
     {{W, "finansudvalget", "finansudvalg", 0, 15, 0},
      {P, "finansudvalget", "finanudvalg", 0, 15, 0},
      {P, "finans", "finan", 0, 7, 0},
      {P, "udvalget", "udvalg", 7, 15, 0}}},
    {"odd folding: a soft hyphen after the linking s is outside the head",
     "Sygefravær\u00ADskonsulenten",
     1,
     {{W, "sygefraværskonsulenten", "sygefraværskonsulent", 0, 25, 0},
      {P, "sygefraværskonsulenten", "sygfraværkonsulent", 0, 25, 0},
      {P, "sygefravær", "sygefravær", 0, 11, 0},
      {P, "syge", "syg", 0, 4, 0},
      {P, "fraværskonsulenten", "fraværskonsulent", 4, 25, 0},
      {P, "fravær", "fravær", 4, 11, 0},
      {P, "konsulenten", "konsulent", 14, 25, 0}}},
    {"odd folding: a part starting inside ß's ss widens to the whole ß",
     "FRAVÆRßoeområde",
     1,
     {{W, "fraværssoeområde", "fraværssoeområd", 0, 18, 0},
      {P, "fraværssoeområde", "fraværsoeområd", 0, 18, 0},
      {P, "fravær", "fravær", 0, 7, 0},
      {P, "soeområde", "soeområd", 7, 18, 0}}},
};

static void test_default_streams(void **state)
{
    for (size_t i = 0; i < sizeof default_cases / sizeof *default_cases; i++)
        check_stream(*state, &default_cases[i]);
}

/* ---- case folding -------------------------------------------------------- */

static void test_casefold(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"ÆØÅ æøå", "æøå æøå"},
        {"Straße ẞ", "strasse ss"},
        {"ÉÜÖÄ", "éüöä"},
        {"ΣΑΣ ς", "σασ σ"},
        {"\uFB01nans", "finans"}, /* ligature fi */
        {"\u212A", "k"},          /* Kelvin sign */
        {"\u0130", "i\u0307"},    /* İ: full folding, two code points */
        {"a\xFF"
         "b",
         "a\uFFFDb"},                 /* invalid byte */
        {"\xC3", "\uFFFD"},           /* truncated */
        {"\xC0\xAF", "\uFFFD\uFFFD"}, /* overlong '/' */
        {"ABC-123 /.", "abc-123 /."},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ref_buf b = REF_BUF_INIT;
        ref_casefold(cases[i].in, strlen(cases[i].in), &b);
        assert_int_equal(ref_buf_status(&b), REF_OK);
        assert_string_equal(ref_buf_cstr(&b), cases[i].want);
        ref_buf_free(&b);
    }
}

/* "STRASSE" and "Straße" are one term, and so are "ÅBNET" and "åbnet". */
static void test_case_variants_give_one_stem(void **state)
{
    static const char *const pairs[][2] = {
        {"STRASSE", "Straße"},
        {"ÅBNET", "åbnet"},
        {"Økonomiudvalget", "ØKONOMIUDVALGET"},
        {"KL'S", "kl’s"},
        {"IT\u2011SYSTEMER", "it-systemer"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        collector a = {0}, b = {0};
        assert_int_equal(ref_analyze(*state, pairs[i][0], strlen(pairs[i][0]), collect, &a, NULL),
                         REF_OK);
        assert_int_equal(ref_analyze(*state, pairs[i][1], strlen(pairs[i][1]), collect, &b, NULL),
                         REF_OK);
        assert_int_equal(a.n, b.n);
        for (size_t k = 0; k < a.n; k++) {
            assert_string_equal(a.toks[k].stem, b.toks[k].stem);
            assert_string_equal(a.toks[k].text, b.toks[k].text);
        }
        collector_free(&a);
        collector_free(&b);
    }
}

/* ---- invalid UTF-8 ------------------------------------------------------- */

static void test_utf8_seq_len(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len, want;
    } cases[] = {
        {"a", 1, 1},
        {"\xC3\xA6", 2, 2},         /* æ */
        {"\xE2\x80\x91", 3, 3},     /* U+2011 */
        {"\xF0\x9F\x98\x80", 4, 4}, /* U+1F600 */
        {"\xF4\x8F\xBF\xBF", 4, 4}, /* U+10FFFF */
        {"\xFF", 1, 0},
        {"\xFE", 1, 0},
        {"\x80", 1, 0},             /* stray continuation */
        {"\xC3", 1, 0},             /* truncated */
        {"\xE2\x80", 2, 0},         /* truncated */
        {"\xC3\x41", 2, 0},         /* no continuation */
        {"\xC0\xAF", 2, 0},         /* overlong '/' */
        {"\xC1\xBF", 2, 0},         /* overlong */
        {"\xE0\x80\xAF", 3, 0},     /* overlong */
        {"\xF0\x80\x80\xAF", 4, 0}, /* overlong */
        {"\xED\xA0\x80", 3, 0},     /* surrogate U+D800 */
        {"\xED\xBF\xBF", 3, 0},     /* surrogate U+DFFF */
        {"\xF4\x90\x80\x80", 4, 0}, /* U+110000 */
        {"\xF5\x80\x80\x80", 4, 0},
        {"", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(ref_utf8_seq_len(cases[i].s, cases[i].len), cases[i].want);
}

/* Invalid bytes separate words and are never part of a token; no token's
 * span cuts a character. */
static void test_invalid_utf8_is_separator(void **state)
{
    static const struct {
        const char *in;
        const char *words; /* stems, space-separated */
    } cases[] = {
        {"ab\xFF"
         "cd",
         "ab cd"},
        {"ab\xC3", "ab"},
        {"\xC3", ""},
        {"\xC3\xC3\xB8l", "øl"},
        {"a\xC0\xAF"
         "b",
         "a b"},
        {"a\xE0\x80\xAF"
         "b",
         "a b"},
        {"a\xED\xA0\x80"
         "b",
         "a b"},
        {"a\xF4\x90\x80\x80"
         "b",
         "a b"},
        {"\x80\x80\x80mødet", "mød"},
        {"IT-\xFFsystemer", "it system"},
        {"2017-\xFF"
         "2018",
         "2017 2018"},
        {"KL'\xFFs", "kl s"},
        {"æ\xE2\x80", "æ"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        collector c = {0};
        size_t len = strlen(cases[i].in);
        assert_int_equal(ref_analyze(*state, cases[i].in, len, collect, &c, NULL), REF_OK);
        ref_buf got = REF_BUF_INIT;
        for (size_t k = 0; k < c.n; k++) {
            const got_tok *t = &c.toks[k];
            assert_true(t->start < t->end && t->end <= len);
            for (size_t at = t->start; at < t->end;) {
                size_t n = ref_utf8_seq_len(cases[i].in + at, t->end - at);
                assert_true(n > 0);
                at += n;
            }
            ref_buf_printf(&got, "%s%s", k ? " " : "", t->stem);
        }
        if (strcmp(ref_buf_cstr(&got), cases[i].words))
            print_error("case %zu: got \"%s\", want \"%s\"\n", i, ref_buf_cstr(&got),
                        cases[i].words);
        assert_string_equal(ref_buf_cstr(&got), cases[i].words);
        ref_buf_free(&got);
        collector_free(&c);
    }
}

/* ---- limits -------------------------------------------------------------- */

static void test_empty_input(void **state)
{
    static const char *const inputs[] = {"", " ", " \t\n,.;-/'’", "\xFF\xFE", "- - -"};
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        collector c = {0};
        uint32_t positions = 99;
        assert_int_equal(ref_analyze(*state, inputs[i], strlen(inputs[i]), collect, &c, &positions),
                         REF_OK);
        assert_int_equal(c.n, 0);
        assert_int_equal(positions, 0);
    }
    collector c = {0};
    assert_int_equal(ref_analyze(*state, NULL, 0, collect, &c, NULL), REF_OK);
    assert_int_equal(c.n, 0);
}

/* A megabyte without a separator is one token, unstemmed, never cut. */
static void test_long_input_without_separators(void **state)
{
    const size_t len = 1u << 20;
    char *text = malloc(len);
    assert_non_null(text);
    static const char *const units[] = {"a", "Æ", "1"};
    for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
        size_t ulen = strlen(units[u]);
        for (size_t i = 0; i < len; i++)
            text[i] = units[u][i % ulen];
        collector c = {0};
        uint32_t positions;
        assert_int_equal(ref_analyze(*state, text, len, collect, &c, &positions), REF_OK);
        assert_int_equal(c.n, 1);
        assert_int_equal(positions, 1);
        assert_int_equal(c.toks[0].start, 0);
        assert_int_equal(c.toks[0].end, len);
        assert_int_equal(c.toks[0].kind, u == 2 ? REF_TOKEN_NUMBER : REF_TOKEN_WORD);
        assert_string_equal(c.toks[0].stem, c.toks[0].text);
        assert_int_equal(strlen(c.toks[0].text), len); /* "æ" is as long as "Æ" */
        collector_free(&c);
    }
    free(text);
}

/* "1-1-1-…" for a megabyte: cut into codes of at most 64 parts, each part at
 * its own position, spans in order and disjoint. */
static void test_long_code_is_cut_at_joiners(void **state)
{
    const size_t len = 1u << 20;
    char *text = malloc(len);
    assert_non_null(text);
    for (size_t i = 0; i < len; i++)
        text[i] = i % 2 ? '-' : '1';
    collector c = {0};
    uint32_t positions;
    assert_int_equal(ref_analyze(*state, text, len, collect, &c, &positions), REF_OK);
    assert_int_equal(positions, len / 2);
    size_t numbers = 0, codes = 0, last_end = 0;
    for (size_t i = 0; i < c.n; i++) {
        if (c.toks[i].kind == REF_TOKEN_NUMBER) {
            assert_int_equal(c.toks[i].pos, numbers);
            assert_true(c.toks[i].start >= last_end);
            last_end = c.toks[i].end;
            numbers++;
        } else {
            assert_int_equal(c.toks[i].kind, REF_TOKEN_CODE);
            assert_true(c.toks[i].end - c.toks[i].start <= 64 * 2 - 1);
            codes++;
        }
    }
    assert_int_equal(numbers, len / 2);
    assert_int_equal(codes, (len / 2 + 63) / 64);
    collector_free(&c);
    free(text);
}

static void test_callback_stops_early(void **state)
{
    static const char text[] = "en to tre 24-05-2013 fire fem";
    for (size_t stop = 1; stop <= 8; stop++) {
        collector c = {.stop_after = stop};
        uint32_t positions;
        assert_int_equal(ref_analyze(*state, text, strlen(text), collect, &c, &positions), REF_OK);
        assert_int_equal(c.n, stop);
        assert_int_equal(positions, c.toks[c.n - 1].pos + 1);
        collector_free(&c);
    }
}

/* The positions count lets a caller number several fields as one stream. */
static void test_positions_count(void **state)
{
    static const struct {
        const char *in;
        uint32_t want;
    } cases[] = {
        {"a b c", 3}, {"IT-systemer x", 3},      {"00.01.00-A00-3-17", 6},
        {"KL's", 1},  {"  trailing space  ", 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        uint32_t positions = 0;
        collector c = {0};
        assert_int_equal(
            ref_analyze(*state, cases[i].in, strlen(cases[i].in), collect, &c, &positions), REF_OK);
        assert_int_equal(positions, cases[i].want);
        assert_int_equal(c.toks[c.n - 1].pos + 1, positions);
        collector_free(&c);
    }
}

/* ---- stemming ------------------------------------------------------------ */

/* Every word of Snowball's Danish vocabulary, through ref_analyzer_stem and
 * through ref_analyze of a plain_snowball analyzer (setup_plain), gives
 * Snowball's own stem. The vocabulary is letters only (no apostrophes,
 * hyphens or capitals), so every word must be one WORD token whose text is
 * the word itself: no exceptions are needed. ref_analyzer_stem is plain
 * Snowball on the default analyzer too. */
static void test_snowball_vocabulary(void **state)
{
    ref_analyzer *def;
    assert_int_equal(ref_analyzer_new(&def), REF_OK);
    const char *dir = env_or("REFERAT_TESTDATA", "tests/data");
    char voc_path[4096], out_path[4096];
    snprintf(voc_path, sizeof voc_path, "%s/snowball-danish/voc.txt", dir);
    snprintf(out_path, sizeof out_path, "%s/snowball-danish/output.txt", dir);
    FILE *voc = fopen(voc_path, "r"), *out = fopen(out_path, "r");
    assert_non_null(voc);
    assert_non_null(out);
    char w[512], s[512];
    size_t words = 0, stem_bad = 0, analyze_bad = 0;
    while (fgets(w, sizeof w, voc)) {
        assert_non_null(fgets(s, sizeof s, out));
        w[strcspn(w, "\r\n")] = '\0';
        s[strcspn(s, "\r\n")] = '\0';
        words++;
        const char *stem;
        size_t stem_len;
        for (int k = 0; k < 2; k++) {
            assert_int_equal(ref_analyzer_stem(k ? def : *state, w, strlen(w), &stem, &stem_len),
                             REF_OK);
            if (strcmp(stem, s) || stem_len != strlen(s)) {
                if (stem_bad++ < 20)
                    print_message("ref_analyzer_stem(\"%s\") = \"%s\", Snowball says \"%s\"\n", w,
                                  stem, s);
            }
        }
        collector c = {0};
        assert_int_equal(ref_analyze(*state, w, strlen(w), collect, &c, NULL), REF_OK);
        if (c.n != 1 || c.toks[0].kind != REF_TOKEN_WORD || strcmp(c.toks[0].text, w) ||
            strcmp(c.toks[0].stem, s)) {
            if (analyze_bad++ < 20)
                print_message("ref_analyze(\"%s\"): %zu tokens, first stem \"%s\", Snowball "
                              "says \"%s\"\n",
                              w, c.n, c.n ? c.toks[0].stem : "", s);
        }
        collector_free(&c);
    }
    assert_null(fgets(s, sizeof s, out));
    fclose(voc);
    fclose(out);
    print_message("snowball-danish: %zu words; mismatches: ref_analyzer_stem %zu, "
                  "ref_analyze %zu\n",
                  words, stem_bad, analyze_bad);
    ref_analyzer_free(def);
    assert_true(words > 20000);
    assert_int_equal(stem_bad, 0);
    assert_int_equal(analyze_bad, 0);
}

/* Every token of W as one string: kind, stem and span of each. */
static void render_tokens(ref_analyzer *an, const char *w, ref_buf *out)
{
    collector c = {0};
    assert_int_equal(ref_analyze(an, w, strlen(w), collect, &c, NULL), REF_OK);
    ref_buf_reset(out);
    for (size_t i = 0; i < c.n; i++)
        ref_buf_printf(out, "%s %s %zu-%zu|", kind_name(c.toks[i].kind), c.toks[i].stem,
                       c.toks[i].start, c.toks[i].end);
    assert_int_equal(ref_buf_status(out), REF_OK);
    collector_free(&c);
}

/* The term cache is emptied when full (32768 words, or its arena); stems
 * and parts stay right across the resets. Made-up words fill it, real
 * compounds (with parts, the larger entries) go in between; every so often
 * the result is checked against a fresh analyzer's. */
static void check_cache_resets(ref_analyzer *an, const ref_analyzer_opts *opts)
{
    ref_analyzer *fresh;
    assert_int_equal(ref_analyzer_new_opts(opts, &fresh), REF_OK);
    static const char *const endings[] = {"erne", "ende", "else", "heden", "ets"};
    static const char *const compounds[] = {"langtidssygefraværet", "sygefraværskonsulenten",
                                            "udbudsplanen", "arbejdsgangsbeskrivelsen"};
    ref_buf got = REF_BUF_INIT, want = REF_BUF_INIT;
    char w[32];
    for (int round = 0; round < 2; round++) {
        for (unsigned i = 0; i < 80000; i++) {
            unsigned v = i;
            size_t n = 0;
            do {
                w[n++] = (char)('a' + v % 26);
                v /= 26;
            } while (v);
            strcpy(w + n, endings[i % 5]);
            const char *word = i % 101 == 0 ? compounds[i / 101 % 4] : w;
            render_tokens(an, word, &got);
            if (i % 101 == 0 || i % 997 == 0) {
                render_tokens(fresh, word, &want);
                assert_string_equal(ref_buf_cstr(&got), ref_buf_cstr(&want));
            }
        }
    }
    ref_buf_free(&got);
    ref_buf_free(&want);
    ref_analyzer_free(fresh);
}

static void test_stem_cache_survives_resets(void **state)
{
    (void)state;
    ref_analyzer_opts plain = {.plain_snowball = 1}, def = {0};
    ref_analyzer *an;
    assert_int_equal(ref_analyzer_new_opts(&plain, &an), REF_OK);
    check_cache_resets(an, &plain);
    ref_analyzer_free(an);
    assert_int_equal(ref_analyzer_new_opts(&def, &an), REF_OK);
    check_cache_resets(an, &def);
    ref_analyzer_free(an);
}

static void test_stem_of_numbers_and_mixes_is_the_word(void **state)
{
    static const char *const words[] = {"2017", "a00", "3a", ""};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        const char *stem;
        size_t stem_len;
        assert_int_equal(ref_analyzer_stem(*state, words[i], strlen(words[i]), &stem, &stem_len),
                         REF_OK);
        assert_string_equal(stem, words[i]);
        assert_int_equal(stem_len, strlen(words[i]));
    }
}

/* ---- lemma-first stems and compound parts --------------------------------- */

/* The stem the chain gives the one word W (its first token). */
static void stem_of(ref_analyzer *an, const char *w, char *out, size_t size)
{
    collector c = {0};
    assert_int_equal(ref_analyze(an, w, strlen(w), collect, &c, NULL), REF_OK);
    assert_true(c.n >= 1);
    assert_int_equal(c.toks[0].kind, REF_TOKEN_WORD);
    snprintf(out, size, "%s", c.toks[0].stem);
    collector_free(&c);
}

/* Forms of one word share one stem, through their lemma: the words of
 * docs/research/danish-inflection.md that Snowball alone splits. STEM is
 * the stem all of WORDS must get. */
static void test_lemma_first_stems(void **state)
{
    static const struct {
        const char *stem;
        const char *words[6];
        const char *why;
    } groups[] = {
        {"budg",
         {"budget", "budgettet", "budgetter", "budgetterne", "budgettets"},
         "Snowball: budg | budget"},
        {"dagsord", {"dagsorden", "dagsordenen", "dagsordener"}, "Snowball: dagsord | dagsorden"},
        {"proc", {"proces", "processen"}, "Snowball: proc | proces"},
        {"trivsel", {"trivsel", "trivslen", "trivslens", "trivsels"}, "Snowball: trivsel | trivsl"},
        {"udbud", {"udbud", "udbuddet"}, "already one stem; stays so"},
        {"godk", {"godkende", "godkendes", "godkendte"}, "Snowball: godk | godkend"},
        {"bliv", {"blive", "bliver", "blev", "blevet"}, "strong verb: Snowball bliv | blev"},
        {"stor", {"stor", "store", "større"}, "comparative: Snowball stor | stør"},
        {"læg",
         {"lægge", "lægges"},
         "lægges is listed under kortlægge first; that lemma does not fit"},
        {"rund",
         {"runde", "runden"},
         "runden is listed under randt first; that lemma does not fit"},
        /* Documented, not desired: Snowball gives leder, ledelse, lede and
         * ledere one stem, and their lemmas (leder, ledelse, lede/led)
         * have that stem too, so lemma-first keeps them merged. */
        {"led", {"leder", "ledere", "ledelse", "lede"}, "Snowball's led, kept"},
    };
    char want[64], got[64];
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++)
        for (size_t i = 0; i < 6 && groups[g].words[i]; i++) {
            stem_of(*state, groups[g].words[i], got, sizeof got);
            if (strcmp(got, groups[g].stem))
                fail_msg("%s: stem %s, want %s (%s)", groups[g].words[i], got, groups[g].stem,
                         groups[g].why);
        }
    /* Unrelated words stay apart: no substring match, and no suppletive
     * lemma ("ældre" is a form of "gammel", "fik" of "få"). */
    static const struct {
        const char *a, *b;
    } apart[] = {
        {"anlæg", "planlægning"}, {"ældre", "forældre"}, {"ældre", "gammel"}, {"fik", "få"},
        {"bedre", "god"},         {"runden", "randt"},
    };
    for (size_t i = 0; i < sizeof apart / sizeof *apart; i++) {
        stem_of(*state, apart[i].a, want, sizeof want);
        stem_of(*state, apart[i].b, got, sizeof got);
        if (strcmp(want, got) == 0)
            fail_msg("%s and %s share the stem %s", apart[i].a, apart[i].b, got);
    }
}

/* Whether analysing WORD gives a PART whose stem is the stem of PART_WORD. */
static int has_part(ref_analyzer *an, const char *word, const char *part_word)
{
    char want[64];
    stem_of(an, part_word, want, sizeof want);
    collector c = {0};
    assert_int_equal(ref_analyze(an, word, strlen(word), collect, &c, NULL), REF_OK);
    int found = 0;
    for (size_t i = 0; i < c.n; i++)
        found |= c.toks[i].kind == REF_TOKEN_PART && strcmp(c.toks[i].stem, want) == 0;
    collector_free(&c);
    return found;
}

/* What a part query can reach: a PART's stem is the stem the word itself
 * gets standing alone, so "sygefravær" reaches langtidssygefraværet through
 * one term; and the precision traps of decompounding.md §3.5 stay shut. */
static void test_part_stems_match_words(void **state)
{
    static const struct {
        const char *word, *part;
        int want;
    } cases[] = {
        {"langtidssygefraværet", "sygefravær", 1},
        {"langtidssygefraværet", "fravær", 1},
        {"sygefraværskonsulenten", "sygefravær", 1},
        {"sygefraværskonsulenten", "konsulent", 1},
        {"udbudsplanen", "udbud", 1},
        {"genudbud", "udbud", 1},
        {"arbejdsgangsbeskrivelsen", "arbejde", 1},
        {"arbejdsgangsbeskrivelsen", "arbejdsgangen", 1},
        {"ældreområdet", "ældre", 1},
        {"planlægning", "anlæg", 0},
        {"planlægningen", "anlæg", 0},
        {"forældreansvar", "ældre", 0},
        {"forældrebestyrelsen", "ældre", 0},
        {"forældrene", "ældre", 0},
        {"sygefraværskonsulenten", "fraværkonsulent", 0},
        {"konsulenter", "konsul", 0},
        {"budgettet", "budget", 0}, /* not a compound: the WORD has budget's stem */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (has_part(*state, cases[i].word, cases[i].part) != cases[i].want)
            fail_msg("%s %s a part %s", cases[i].word, cases[i].want ? "lacks" : "has",
                     cases[i].part);
}

/* Parts never take a position: with and without them (plain_snowball), a
 * text has the same positions and the same non-PART tokens, stems aside. */
static void check_same_positions(ref_analyzer *def, ref_analyzer *plain, const char *text,
                                 size_t len, size_t *parts)
{
    collector a = {0}, b = {0};
    uint32_t pa, pb;
    assert_int_equal(ref_analyze(def, text, len, collect, &a, &pa), REF_OK);
    assert_int_equal(ref_analyze(plain, text, len, collect, &b, &pb), REF_OK);
    assert_int_equal(pa, pb);
    size_t k = 0;
    for (size_t i = 0; i < a.n; i++) {
        if (a.toks[i].kind == REF_TOKEN_PART) {
            (*parts)++;
            continue;
        }
        assert_true(k < b.n);
        assert_int_equal(a.toks[i].kind, b.toks[k].kind);
        assert_string_equal(a.toks[i].text, b.toks[k].text);
        assert_int_equal(a.toks[i].start, b.toks[k].start);
        assert_int_equal(a.toks[i].end, b.toks[k].end);
        assert_int_equal(a.toks[i].pos, b.toks[k].pos);
        k++;
    }
    assert_int_equal(k, b.n);
    collector_free(&a);
    collector_free(&b);
}

static void test_parts_keep_positions(void **state)
{
    ref_analyzer *plain;
    ref_analyzer_opts opts = {.plain_snowball = 1};
    assert_int_equal(ref_analyzer_new_opts(&opts, &plain), REF_OK);
    static const char sentence[] =
        "Udvalget drøftede langtidssygefraværet og sygefraværskonsulentens rolle i "
        "EU-udbud og genudbud; budgettet for IT-systemudvikling blev godkendt.";
    size_t parts = 0;
    check_same_positions(*state, plain, sentence, strlen(sentence), &parts);
    assert_true(parts >= 8);
    uint32_t positions;
    collector c = {0};
    assert_int_equal(ref_analyze(*state, sentence, strlen(sentence), collect, &c, &positions),
                     REF_OK);
    assert_int_equal(positions, 17);
    collector_free(&c);

    const char *dir = env_or("REFERAT_CORPUS", "corpus");
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    parts = 0;
    while ((e = readdir(d))) {
        size_t nl = strlen(e->d_name);
        if (nl < 4 || strcmp(e->d_name + nl - 4, ".txt"))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        ref_buf text = REF_BUF_INIT;
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            ref_buf_append(&text, chunk, n);
        fclose(f);
        check_same_positions(*state, plain, ref_buf_cstr(&text), text.len, &parts);
        ref_buf_free(&text);
    }
    closedir(d);
    assert_true(parts > 100);
    ref_analyzer_free(plain);
}

/* The veto seam: ref_analyzer_opts.veto reaches ref_compound_split. With
 * the dictionary alone "udbudsplanen" is udbud + planen; an index that has
 * never seen "udbud" standalone vetoes the split. */
static int attested_stub(void *ctx, const char *word, size_t len)
{
    (void)ctx;
    return !(len == 5 && memcmp(word, "udbud", 5) == 0);
}

static size_t count_parts(ref_analyzer *an, const char *w)
{
    collector c = {0};
    assert_int_equal(ref_analyze(an, w, strlen(w), collect, &c, NULL), REF_OK);
    size_t n = 0;
    for (size_t i = 0; i < c.n; i++)
        n += c.toks[i].kind == REF_TOKEN_PART;
    collector_free(&c);
    return n;
}

static void test_veto_seam(void **state)
{
    ref_compound_veto veto = {attested_stub, NULL};
    ref_analyzer_opts opts = {.veto = &veto};
    ref_analyzer *vetoed;
    assert_int_equal(ref_analyzer_new_opts(&opts, &vetoed), REF_OK);
    assert_int_equal(count_parts(*state, "udbudsplanen"), 3); /* + canonical */
    assert_int_equal(count_parts(vetoed, "udbudsplanen"), 0);
    assert_int_equal(count_parts(vetoed, "sygefraværet"), 3);
    ref_analyzer_free(vetoed);
}

/* A lexicon handle given in the options is used, not copied or freed. */
static void test_borrowed_lexicon(void **state)
{
    (void)state;
    ref_lexicon *lex;
    assert_int_equal(ref_lexicon_open_builtin(&lex), REF_OK);
    ref_analyzer_opts opts = {.lexicon = lex};
    ref_analyzer *a, *b;
    assert_int_equal(ref_analyzer_new_opts(&opts, &a), REF_OK);
    assert_int_equal(ref_analyzer_new_opts(&opts, &b), REF_OK);
    char s[64];
    stem_of(a, "budgetterne", s, sizeof s);
    assert_string_equal(s, "budg");
    ref_analyzer_free(a);
    assert_int_equal(count_parts(b, "langtidssygefraværet"), 6);
    ref_analyzer_free(b);
    ref_lexicon_free(lex);
}

/* ---- the corpus ---------------------------------------------------------- */

/* Over the bundled corpus: tokens come in position order, spans lie in the
 * text on character boundaries, and a plain WORD's or a PART's text is
 * exactly the case folding of its span, so a snippet can highlight by span.
 * A PART lies inside the WORD before it, at its position, with a stem of
 * its own: not the word's, not another part's. */
static void test_corpus_spans_match_text(void **state)
{
    const char *dir = env_or("REFERAT_CORPUS", "corpus");
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    size_t files = 0, tokens = 0, parts = 0;
    while ((e = readdir(d))) {
        size_t nl = strlen(e->d_name);
        if (nl < 4 || strcmp(e->d_name + nl - 4, ".txt"))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        ref_buf text = REF_BUF_INIT;
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            ref_buf_append(&text, chunk, n);
        fclose(f);
        collector c = {0};
        assert_int_equal(ref_analyze(*state, ref_buf_cstr(&text), text.len, collect, &c, NULL),
                         REF_OK);
        size_t word = SIZE_MAX; /* the last token that is not a PART */
        for (size_t i = 0; i < c.n; i++) {
            const got_tok *t = &c.toks[i];
            assert_true(t->end <= text.len && t->start < t->end);
            assert_true(i == 0 || t->pos >= c.toks[i - 1].pos);
            assert_true(ref_utf8_seq_len(text.data + t->start, text.len - t->start) > 0);
            if (t->kind == REF_TOKEN_PART) {
                assert_true(word < i);
                const got_tok *wt = &c.toks[word];
                assert_true(wt->start <= t->start && t->end <= wt->end);
                assert_int_equal(wt->pos, t->pos);
                for (size_t k = word; k < i; k++)
                    assert_string_not_equal(c.toks[k].stem, t->stem);
                parts++;
            } else {
                word = i;
            }
            if ((t->kind == REF_TOKEN_WORD && !strchr(t->text, '\'')) ||
                t->kind == REF_TOKEN_PART) {
                ref_buf folded = REF_BUF_INIT;
                ref_casefold(text.data + t->start, t->end - t->start, &folded);
                assert_string_equal(ref_buf_cstr(&folded), t->text);
                ref_buf_free(&folded);
            }
        }
        tokens += c.n;
        files++;
        collector_free(&c);
        ref_buf_free(&text);
    }
    closedir(d);
    assert_true(files > 0);
    assert_true(tokens > 1000);
    assert_true(parts > 100);
}

/* ---- the wrapper rule ---------------------------------------------------- */

/* Only lib/analysis.c includes libstemmer.h: one way to stem (STYLE.md). */
static void test_only_analysis_includes_libstemmer(void **state)
{
    (void)state;
    const char *cmd = "grep -rl --include='*.c' --include='*.cc' --include='*.h' "
                      "'libstemmer\\.h' lib include indexer searcher 2>/dev/null";
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[4096];
    size_t found = 0, others = 0;
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = '\0';
        found++;
        if (strcmp(line, "lib/analysis.c")) {
            print_error("%s includes libstemmer.h; only lib/analysis.c may\n", line);
            others++;
        }
    }
    pclose(p);
    assert_int_equal(found, 1);
    assert_int_equal(others, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_token_streams, setup_plain, teardown),
        cmocka_unit_test_setup_teardown(test_default_streams, setup, teardown),
        cmocka_unit_test(test_casefold),
        cmocka_unit_test_setup_teardown(test_case_variants_give_one_stem, setup, teardown),
        cmocka_unit_test(test_utf8_seq_len),
        cmocka_unit_test_setup_teardown(test_invalid_utf8_is_separator, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_input_without_separators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_code_is_cut_at_joiners, setup, teardown),
        cmocka_unit_test_setup_teardown(test_callback_stops_early, setup, teardown),
        cmocka_unit_test_setup_teardown(test_positions_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snowball_vocabulary, setup_plain, teardown),
        cmocka_unit_test(test_stem_cache_survives_resets),
        cmocka_unit_test_setup_teardown(test_lemma_first_stems, setup, teardown),
        cmocka_unit_test_setup_teardown(test_part_stems_match_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parts_keep_positions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_veto_seam, setup, teardown),
        cmocka_unit_test(test_borrowed_lexicon),
        cmocka_unit_test_setup_teardown(test_stem_of_numbers_and_mixes_is_the_word, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_corpus_spans_match_text, setup, teardown),
        cmocka_unit_test(test_only_analysis_includes_libstemmer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
