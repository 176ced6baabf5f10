/* test_fields.c — the field table (fields.h): names users type, with case
 * and aliases; one text field per section kind; and term prefixes that can
 * never be confused with each other in the index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "referat/fields.h"
#include "referat/section.h"

static void test_names_are_case_insensitive_with_aliases(void **state)
{
    (void)state;
    static const struct {
        const char *typed;
        const char *field; /* NULL: not a field */
    } cases[] = {
        {"titel", "titel"},
        {"Titel", "titel"},
        {"TITEL", "titel"},
        {"title", "titel"},
        {"Title", "titel"},
        {"år", "år"},
        {"År", "år"},
        {"ÅR", "år"},
        {"aar", "år"},
        {"AAR", "år"},
        {"year", "år"},
        {"dato", "dato"},
        {"Date", "dato"},
        {"udvalg", "udvalg"},
        {"body", "udvalg"},
        {"sagsnr", "sagsnr"},
        {"journal", "sagsnr"},
        {"JNR", "sagsnr"},
        {"sag", "sagsnr"},
        {"beslutning", "beslutning"},
        {"Beslutninger", "beslutning"},
        {"decision", "beslutning"},
        {"bilag", "bilag"},
        {"attachment", "bilag"},
        {"Sagsfremstilling", "sagsfremstilling"},
        {"INDSTILLING", "indstilling"},
        {"andet", "andet"},
        {"tekst", "tekst"},
        /* Not fields: near misses, time and abbreviation look-alikes. */
        {"tit", NULL},
        {"titelx", NULL},
        {"xtitel", NULL},
        {"aa", NULL},
        {"år2", NULL},
        {"ær", NULL},
        {"ÆR", NULL},
        {"kl.", NULL},
        {"9", NULL},
        {"S", NULL}, /* a prefix is not a name */
        {"XB", NULL},
        {"\xc3", NULL}, /* a cut UTF-8 sequence */
        {"titel\xc3", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ref_field *f = ref_field_by_name(cases[i].typed, strlen(cases[i].typed));
        const char *got = f ? f->name : NULL;
        if ((got == NULL) != (cases[i].field == NULL) || (got && strcmp(got, cases[i].field) != 0))
            fail_msg("\"%s\": got %s, want %s", cases[i].typed, got ? got : "NULL",
                     cases[i].field ? cases[i].field : "NULL");
    }
}

static void test_name_lookup_reads_only_len_bytes(void **state)
{
    (void)state;
    /* The query parser passes the bytes before ':' of "titel:budget". */
    const ref_field *f = ref_field_by_name("titel:budget", 5);
    assert_non_null(f);
    assert_string_equal(f->name, "titel");
    f = ref_field_by_name("ÅR:2017", strlen("ÅR"));
    assert_non_null(f);
    assert_string_equal(f->name, "år");
    assert_null(ref_field_by_name("titel", 0));
    assert_null(ref_field_by_name("titel", 4));
    /* Longer than any name: refused, not overflowing. */
    char big[200];
    memset(big, 'a', sizeof big);
    assert_null(ref_field_by_name(big, sizeof big));
    memset(big, 0xc3, sizeof big);
    assert_null(ref_field_by_name(big, sizeof big));
}

/* Code names fields by id: the table is indexed by it, and has exactly
 * one row per id before its terminator. */
static void test_table_is_indexed_by_id(void **state)
{
    (void)state;
    int rows = 0;
    for (const ref_field *f = ref_fields; f->name; f++, rows++) {
        assert_int_equal(f->id, rows);
        assert_ptr_equal(ref_field_of(f->id), f);
    }
    assert_int_equal(rows, REF_FIELD_COUNT);
    assert_string_equal(ref_field_of(REF_FIELD_TITEL)->name, "titel");
    assert_string_equal(ref_field_of(REF_FIELD_AAR)->name, "år");
    assert_int_equal(ref_field_of(REF_FIELD_BESLUTNING)->section, REF_SECTION_BESLUTNING);
}

static void test_every_section_kind_has_its_own_text_field(void **state)
{
    (void)state;
    const ref_field *seen[REF_SECTION_COUNT] = {0};
    for (int k = 0; k < REF_SECTION_COUNT; k++) {
        const ref_field *f = ref_field_for_section((ref_section_kind)k);
        assert_non_null(f);
        assert_int_equal(f->type, REF_FIELD_TEXT);
        assert_int_equal(f->section, k);
        /* The field is named as the section's key, so a user can search a
         * section by the word its heading uses. */
        assert_string_equal(f->name, ref_section_kind_key((ref_section_kind)k));
        assert_ptr_equal(ref_field_by_name(f->name, strlen(f->name)), f);
        for (int j = 0; j < k; j++)
            if (strcmp(seen[j]->prefix, f->prefix) == 0)
                fail_msg("sections %d and %d share prefix %s", j, k, f->prefix);
        seen[k] = f;
    }
    /* And no section kind is indexed by two fields. */
    for (int k = 0; k < REF_SECTION_COUNT; k++) {
        int n = 0;
        for (const ref_field *f = ref_fields; f->name; f++)
            n += f->section == k;
        assert_int_equal(n, 1);
    }
}

/* Every prefix the index uses, with where it comes from. */
typedef struct prefix_entry {
    char prefix[16];
    char what[40];
} prefix_entry;

static size_t all_prefixes(prefix_entry *out, size_t cap)
{
    size_t n = 0;
#define ADD(p, ...)                                                                                \
    do {                                                                                           \
        assert_true(n < cap);                                                                      \
        snprintf(out[n].prefix, sizeof out[n].prefix, "%s", (p));                                  \
        snprintf(out[n].what, sizeof out[n].what, __VA_ARGS__);                                    \
        n++;                                                                                       \
    } while (0)
    for (const ref_field *f = ref_fields; f->name; f++) {
        ADD(f->prefix, "field %s", f->name);
        if (f->type == REF_FIELD_TEXT) {
            char part[16];
            snprintf(part, sizeof part, "%s%s", f->prefix, REF_PART_SUFFIX);
            ADD(part, "parts of field %s", f->name);
        }
    }
    ADD(REF_PREFIX_PART, "free-text parts");
    ADD(REF_PREFIX_UNIQUE, "unique id");
    ADD(REF_PREFIX_SOURCE, "source file");
    /* "XKbeslutning" is the term XK + "beslutning". */
    ADD("XK", "has-decision flag");
#undef ADD
    return n;
}

static int is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static void test_prefixes_are_unique_and_unambiguous(void **state)
{
    (void)state;
    prefix_entry p[64];
    size_t n = all_prefixes(p, 64);
    assert_memory_equal(REF_PREFIX_HASDECISION, "XK", 2);
    assert_false(is_upper(REF_PREFIX_HASDECISION[2]));
    for (size_t i = 0; i < n; i++) {
        /* Xapian's convention: prefixes are capitals, and a term's own
         * text (folded: lower case or digits) never starts with one. */
        assert_true(strlen(p[i].prefix) > 0);
        for (const char *c = p[i].prefix; *c; c++)
            if (!is_upper(*c))
                fail_msg("%s: prefix %s is not all capitals", p[i].what, p[i].prefix);
        for (size_t j = 0; j < n; j++) {
            if (i == j)
                continue;
            if (strcmp(p[i].prefix, p[j].prefix) == 0)
                fail_msg("%s and %s share prefix %s", p[i].what, p[j].what, p[i].prefix);
            /* When one prefix starts another, the longer one continues with
             * a capital, so "XB" + "udbud" is never read as "XBC" + …. */
            size_t li = strlen(p[i].prefix);
            if (strncmp(p[i].prefix, p[j].prefix, li) == 0 && !is_upper(p[j].prefix[li]))
                fail_msg("%s (%s) is ambiguous with %s (%s)", p[i].prefix, p[i].what, p[j].prefix,
                         p[j].what);
        }
    }
}

static void test_names_are_unique_and_aliases_resolve(void **state)
{
    (void)state;
    for (const ref_field *f = ref_fields; f->name; f++) {
        for (const ref_field *g = ref_fields; g != f; g++)
            assert_string_not_equal(f->name, g->name);
        /* A name can never be taken for an alias of another field. */
        assert_ptr_equal(ref_field_by_name(f->name, strlen(f->name)), f);
        assert_non_null(f->prefix);
    }
}

static void test_weights_favour_title_then_decision(void **state)
{
    (void)state;
    const ref_field *titel = ref_field_of(REF_FIELD_TITEL);
    const ref_field *beslutning = ref_field_of(REF_FIELD_BESLUTNING);
    assert_non_null(titel);
    assert_non_null(beslutning);
    assert_true(titel->weight > beslutning->weight);
    for (const ref_field *f = ref_fields; f->name; f++) {
        if (f->type == REF_FIELD_BOOLEAN) {
            /* Filters never add to the free-text term. */
            assert_int_equal(f->weight, 0);
            assert_int_equal(f->section, -1);
        } else {
            assert_true(f->weight >= 1);
            if (f != titel && f != beslutning)
                assert_true(f->weight < beslutning->weight);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_are_case_insensitive_with_aliases),
        cmocka_unit_test(test_name_lookup_reads_only_len_bytes),
        cmocka_unit_test(test_table_is_indexed_by_id),
        cmocka_unit_test(test_every_section_kind_has_its_own_text_field),
        cmocka_unit_test(test_prefixes_are_unique_and_unambiguous),
        cmocka_unit_test(test_names_are_unique_and_aliases_resolve),
        cmocka_unit_test(test_weights_favour_title_then_decision),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
