/* test_lexicon.c — the embedded hunspell-da lexicon: readings of forms and
 * rejection of broken lexicon files. The lemma lookups the analysis chain
 * depends on (budgettet → budget, …) are pinned in test_compound.c next to
 * the splitter that uses them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "referat/lexicon.h"

static ref_lexicon *lex;

static int setup(void **state)
{
    (void)state;
    return ref_lexicon_open_builtin(&lex) == REF_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ref_lexicon_free(lex);
    return 0;
}

/* Whether FORM has a reading of LEMMA with all KIND bits and TAIL_LEN. */
static int has_reading(const char *form, const char *lemma, unsigned kind, unsigned tail_len)
{
    ref_lex_entry e[16];
    size_t n = ref_lexicon_lookup(lex, form, strlen(form), e, 16);
    for (size_t i = 0; i < n && i < 16; i++)
        if (strcmp(ref_lexicon_lemma(lex, e[i].lemma, NULL), lemma) == 0 &&
            (e[i].kind & kind) == kind && e[i].tail_len == tail_len)
            return 1;
    return 0;
}

static void test_readings(void **state)
{
    (void)state;
    static const struct {
        const char *form, *lemma;
        unsigned kind, tail_len;
        const char *why;
    } cases[] = {
        {"sygefraværs", "sygefravær", REF_LEXK_MOD, 1, "linking -s- (flag 29)"},
        {"arbejds", "arbejde", REF_LEXK_MOD, 1, "drop e, add s (flag 56)"},
        {"børne", "børn", REF_LEXK_MOD, 1, "linking -e- (flag 30)"},
        {"budget", "budget", REF_LEXK_MOD | REF_LEXK_HEAD | REF_LEXK_WORD, 0,
         "no linking element (flag 31)"},
        {"langtids", "langtids", REF_LEXK_MOD | REF_LEXK_BOUND, 0, "bound modifier (flag 81)"},
        {"budgetterne", "budget", REF_LEXK_HEAD | REF_LEXK_WORD, 5,
         "twofold suffix through the NEEDAFFIX doubling"},
        {"trivslen", "trivsel", REF_LEXK_HEAD | REF_LEXK_WORD, 3, "-el → -len"},
        {"apv", "apv", REF_LEXK_WORD | REF_LEXK_HEAD | REF_LEXK_MOD, 0, "curated admin word"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (!has_reading(cases[i].form, cases[i].lemma, cases[i].kind, cases[i].tail_len))
            fail_msg("%s: no reading %s/%u/%u (%s)", cases[i].form, cases[i].lemma, cases[i].kind,
                     cases[i].tail_len, cases[i].why);
}

static void test_flags_and_unknowns(void **state)
{
    (void)state;
    uint32_t id;
    assert_int_equal(ref_lexicon_lemmas(lex, "for", 3, &id, 1), 1);
    assert_true(ref_lexicon_lemma_flags(lex, id) & REF_LEXF_PARTICLE);
    assert_int_equal(ref_lexicon_lemmas(lex, "dagsorden", 9, &id, 1), 1);
    assert_true(ref_lexicon_lemma_flags(lex, id) & REF_LEXF_NOSPLIT);
    ref_lex_entry e[4];
    assert_int_equal(ref_lexicon_lookup(lex, "xqzzy", 5, e, 4), 0);
    assert_int_equal(ref_lexicon_lookup(lex, "", 0, e, 4), 0);
    char long_word[200];
    memset(long_word, 'a', sizeof long_word);
    assert_int_equal(ref_lexicon_lookup(lex, long_word, sizeof long_word, e, 4), 0);
    assert_null(ref_lexicon_lemma(lex, UINT32_MAX, NULL));
    assert_true(ref_lexicon_lemma_count(lex) > 100000);
    assert_true(ref_lexicon_record_count(lex) > 500000);
    assert_true(ref_lexicon_is_word(lex, "forældrene", strlen("forældrene")));
    assert_false(ref_lexicon_is_word(lex, "sygefraværsk", strlen("sygefraværsk")));
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void test_open_file_rejects_broken(void **state)
{
    (void)state;
    ref_lexicon *l = NULL;
    assert_int_equal(ref_lexicon_open_file("/nonexistent/da.lex", &l), REF_ENOENT);
    assert_null(l);
    char path[] = "/tmp/referat-lex-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, "not a lexicon at all, just text\n", 32);
    assert_int_equal(ref_lexicon_open_file(path, &l), REF_EDB_CORRUPT);
    write_file(path, "", 0);
    assert_int_equal(ref_lexicon_open_file(path, &l), REF_EDB_CORRUPT);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readings),
        cmocka_unit_test(test_flags_and_unknowns),
        cmocka_unit_test(test_open_file_rejects_broken),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
