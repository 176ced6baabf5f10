/* test_outcome.c — decision outcomes ("udfald", outcome.h).
 *
 * The rules against the hand-labelled decisions of the real excerpts and
 * the bundled corpus (tests/data/outcome-gold.tsv, labelled by reading the
 * minutes): precision, recall and F1 per label, each F1 at least 0.95; and
 * against the wordings the issue names, one by one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referat/minutes.h"
#include "referat/outcome.h"
#include "referat/reader.h"
#include "testutil.h"

#define F1_TARGET 0.95

static ref_outcome_set parse_labels(const char *s)
{
    ref_outcome_set set = 0;
    if (strcmp(s, "-") == 0)
        return 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        ref_outcome l;
        if (!ref_outcome_by_key(s, n, &l))
            fail_msg("unknown label '%.*s' in the gold file", (int)n, s);
        set |= 1u << l;
        s += n;
        if (*s == ',')
            s++;
    }
    return set;
}

/* Labels the rules give punkt ORDINAL of the minutes file PATH. */
static int labels_of(const char *path, size_t ordinal, ref_outcome_set *out)
{
    ref_text text;
    const char *detail;
    if (ref_text_read_file(path, 0, &text, &detail) != REF_OK)
        return -1;
    ref_meeting *m = NULL;
    int rc = -1;
    if (ref_minutes_parse_with_fallback(text.data, text.len, &m) == REF_OK && ordinal < m->npunkter) {
        const ref_punkt *p = &m->punkter[ordinal];
        ref_record_section *secs = calloc(p->nsections + 1, sizeof *secs);
        assert_non_null(secs);
        for (size_t i = 0; i < p->nsections; i++) {
            secs[i].kind = p->sections[i].kind;
            secs[i].heading = p->sections[i].heading;
            secs[i].text = p->sections[i].text;
        }
        *out = ref_outcome_of_punkt(secs, p->nsections, m->date);
        free(secs);
        rc = 0;
    }
    ref_meeting_free(m);
    ref_text_free(&text);
    return rc;
}

static void test_hand_labelled_real_decisions(void **state)
{
    (void)state;
    const char *data = getenv("REFERAT_TESTDATA");
    if (!data || !*data)
        data = "tests/data";
    char path[4096];
    snprintf(path, sizeof path, "%s/outcome-gold.tsv", data);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    unsigned tp[REF_OUTCOME_COUNT] = {0}, fp[REF_OUTCOME_COUNT] = {0}, fn[REF_OUTCOME_COUNT] = {0};
    size_t rows = 0, decisions = 0, lineno = 0;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        char *file = strtok(line, "\t"), *num = strtok(NULL, "\t"), *labels = strtok(NULL, "\t");
        if (!file || !num || !labels)
            fail_msg("%s:%zu: expected file, punkt, labels", path, lineno);
        char full[8192];
        if (strncmp(file, "corpus/", 7) == 0)
            snprintf(full, sizeof full, "%s/%s", test_corpus_dir(), file + 7);
        else
            snprintf(full, sizeof full, "%s/%s", data, file);
        ref_outcome_set want = parse_labels(labels), got = 0;
        if (labels_of(full, (size_t)atoi(num), &got) != 0)
            fail_msg("%s:%zu: no punkt %s in %s", path, lineno, num, full);
        rows++;
        decisions += want != 0;
        for (int l = 0; l < REF_OUTCOME_COUNT; l++) {
            unsigned w = (want >> l) & 1, g = (got >> l) & 1;
            tp[l] += w && g;
            fp[l] += !w && g;
            fn[l] += w && !g;
        }
        if (want != got)
            printf("  differs: %s #%s: hand %s, rules 0x%x\n", file, num, labels, got);
    }
    fclose(f);
    printf("outcome on %zu hand-labelled punkter (%zu with a decision):\n", rows, decisions);
    int below = 0;
    for (int l = 0; l < REF_OUTCOME_COUNT; l++) {
        unsigned support = tp[l] + fn[l];
        if (support == 0 && fp[l] == 0) {
            printf("  %-24s no examples\n", ref_outcome_key((ref_outcome)l));
            continue;
        }
        double p = tp[l] + fp[l] ? (double)tp[l] / (tp[l] + fp[l]) : 0;
        double r = support ? (double)tp[l] / support : 0;
        double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
        printf("  %-24s n=%3u  P=%.3f R=%.3f F1=%.3f\n", ref_outcome_key((ref_outcome)l), support, p,
               r, f1);
        below |= f1 < F1_TARGET;
    }
    assert_true(rows >= 90);
    assert_false(below);
}

typedef struct example {
    const char *text;
    const char *labels;
} example;

static void check_examples(const example *ex, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        ref_outcome_set got = ref_outcome_of_text(ex[i].text, strlen(ex[i].text));
        if (got != parse_labels(ex[i].labels)) {
            ref_buf b = REF_BUF_INIT;
            ref_outcome_keys(got, ",", &b);
            printf("  \"%s\": want %s, got %s\n", ex[i].text, ex[i].labels, b.len ? b.data : "-");
            ref_buf_free(&b);
            bad = 1;
        }
    }
    assert_false(bad);
}

static void test_the_wordings_of_each_label(void **state)
{
    (void)state;
    static const example ex[] = {
        {"Godkendt.", "godkendt"},
        {"Tiltrådt.", "godkendt"},
        {"Anbefales godkendt.", "godkendt"},
        {"Økonomiudvalget besluttede at igangsætte projektet.", "godkendt"},
        {"Forslaget blev vedtaget.", "godkendt"},
        {"Indstillingen blev godkendt med 16 stemmer for og 2 imod.", "godkendt"},
        {"Ikke godkendt.", "afvist"},
        {"Forslaget blev forkastet.", "afvist"},
        {"Ikke tiltrådt.", "afvist"},
        {"Udvalget besluttede ikke at imødekomme ansøgningen.", "afvist"},
        {"Udsat.", "udsat"},
        {"Udvalget besluttede at udsætte sagen til næste møde.", "udsat"},
        {"Udvalget vedtog at indstille til Byrådet, at planen vedtages.", "godkendt,oversendt"},
        {"Udvalget vedtog at indstille til Byrådet.", "oversendt"},
        {"Sagen oversendes til Økonomiudvalget.", "oversendt"},
        {"Anbefales over for Kommunalbestyrelsen.", "oversendt"},
        {"Anbefales godkendt over for Kommunalbestyrelsen.", "godkendt,oversendt"},
        {"Taget til efterretning.", "taget_til_efterretning"},
        {"Orienteringen blev taget til efterretning.", "taget_til_efterretning"},
        {"Drøftet.", "droeftet"},
        {"Udvalget drøftede sagen.", "droeftet"},
        {"Intet.", "andet"},
        {"Punktet blev trukket af dagsordenen.", "andet"},
        {"Deadline fastsættes til november.", "andet"},
    };
    check_examples(ex, sizeof ex / sizeof ex[0]);
}

static void test_what_is_not_the_decision_does_not_count(void **state)
{
    (void)state;
    static const example ex[] = {
        /* oversendt needs a receiving body */
        {"Ansøgningen oversendes til budgetforhandlingerne.", "andet"},
        /* droeftet and andet give way */
        {"Udvalget drøftede sagen. Godkendt.", "godkendt"},
        {"Intet. Taget til efterretning.", "taget_til_efterretning"},
        /* remarks in bullets, another agenda item, intentions */
        {"Taget til efterretning.\n- Miljøudvalget afviste forslaget", "taget_til_efterretning"},
        {"Punkt 15 udgår og sagen sendes tilbage til Teknikudvalget.\n\nGodkendt.", "godkendt"},
        {"Godkendt med den ændring, at Sag nr. 7 udsættes til mødet i februar.", "godkendt"},
        /* … but the points of its own recommendation are its own */
        {"Indstillingens punkt 1 og 2 blev godkendt.", "godkendt"},
        {"Punkt 3 i indstillingen blev ikke godkendt.", "afvist"},
        {"Sagen vil blive drøftet igen i oktober.", "andet"},
        /* a history line quoting another meeting */
        {"Drøftet.\n\nSagens forløb 25-03-2019 Magistraten\nGodkendt.", "droeftet"},
        /* no letters: no decision */
        {"-", "-"},
        {"", "-"},
    };
    check_examples(ex, sizeof ex / sizeof ex[0]);
}

static void test_own_decision_is_the_last_of_this_meeting(void **state)
{
    (void)state;
    ref_record_section secs[] = {
        {REF_SECTION_SAGSFREMSTILLING, "Sagsfremstilling", "Sagen blev godkendt i 2017."},
        {REF_SECTION_BESLUTNING, "Beslutning i Børne- og Ungdomsudvalget den 26-03-2019",
         "Udvalget vedtog at indstille til Byrådet, at planen godkendes."},
        {REF_SECTION_BESLUTNING, "Beslutning i Økonomiudvalget den 10. april 2019", "Udsat."},
        {REF_SECTION_HISTORIK, "Historik", "Forkastet."},
    };
    /* The earlier committee's decision (another date) is quoted: only the
     * own one counts. */
    assert_int_equal(ref_outcome_of_punkt(secs, 4, "2019-04-10"), 1u << REF_OUTCOME_UDSAT);
    /* Quoted alone, with no decision of this meeting: none. */
    assert_int_equal(ref_outcome_of_punkt(secs, 2, "2019-04-10"), 0);
    /* Dated the meeting's day: it is the own decision. */
    assert_int_equal(ref_outcome_of_punkt(secs, 2, "2019-03-26"),
                     (1u << REF_OUTCOME_GODKENDT) | (1u << REF_OUTCOME_OVERSENDT));
    /* Meeting date unknown: the last decision section. */
    assert_int_equal(ref_outcome_of_punkt(secs, 4, ""), 1u << REF_OUTCOME_UDSAT);
    /* No decision section at all. */
    assert_int_equal(ref_outcome_of_punkt(secs, 1, "2019-04-10"), 0);
}

static void test_keys_and_words(void **state)
{
    (void)state;
    for (int l = 0; l < REF_OUTCOME_COUNT; l++) {
        const char *k = ref_outcome_key((ref_outcome)l);
        ref_outcome back;
        assert_true(ref_outcome_by_key(k, strlen(k), &back));
        assert_int_equal(back, l);
    }
    ref_outcome o;
    assert_true(ref_outcome_by_key("drøftet", strlen("drøftet"), &o));
    assert_int_equal(o, REF_OUTCOME_DROEFTET);
    assert_true(ref_outcome_by_key("GODKENDT", 8, &o));
    assert_false(ref_outcome_by_key("godkend", 7, &o));
    ref_buf b = REF_BUF_INIT;
    ref_outcome_words((1u << REF_OUTCOME_GODKENDT) | (1u << REF_OUTCOME_OVERSENDT), &b);
    assert_string_equal(b.data, "Godkendt, Oversendt");
    ref_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_wordings_of_each_label),
        cmocka_unit_test(test_what_is_not_the_decision_does_not_count),
        cmocka_unit_test(test_own_decision_is_the_last_of_this_meeting),
        cmocka_unit_test(test_keys_and_words),
        cmocka_unit_test(test_hand_labelled_real_decisions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
