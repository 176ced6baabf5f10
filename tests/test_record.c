/* test_record.c — the stored record (record.h): round trips of small (raw)
 * and large (deflated) records, and every kind of broken input, which must
 * be REF_EDB_CORRUPT and never a crash (run it under SANITIZE=1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "referat/buf.h"
#include "referat/record.h"

#define MAGIC_LEN 4
#define FLAG_AT MAGIC_LEN

/* ---- helpers ------------------------------------------------------------ */

static ref_buf encode_ok(const ref_record *rec)
{
    ref_buf b = REF_BUF_INIT;
    assert_int_equal(ref_record_encode(rec, REF_RECORD_DEFLATE, &b), REF_OK);
    assert_true(b.len > MAGIC_LEN + 1);
    return b;
}

static ref_record *decode_ok(const void *bytes, size_t len)
{
    ref_record *rec = NULL;
    ref_status st = ref_record_decode(bytes, len, &rec);
    if (st != REF_OK)
        fail_msg("decode: %s", ref_status_str(st));
    assert_non_null(rec);
    return rec;
}

static void assert_corrupt(const void *bytes, size_t len, const char *what)
{
    ref_record *rec = (ref_record *)1;
    ref_status st = ref_record_decode(bytes, len, &rec);
    if (st != REF_EDB_CORRUPT)
        fail_msg("%s (%zu bytes): %s, want %s", what, len, ref_status_str(st),
                 ref_status_str(REF_EDB_CORRUPT));
    assert_null(rec);
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* Every field of GOT equals WANT's (NULL strings encode as ""). */
static void assert_same_record(const ref_record *got, const ref_record *want)
{
    assert_string_equal(got->id, or_empty(want->id));
    assert_string_equal(got->source, or_empty(want->source));
    assert_string_equal(got->body, or_empty(want->body));
    assert_string_equal(got->date, or_empty(want->date));
    assert_string_equal(got->place, or_empty(want->place));
    assert_int_equal(got->punkt, want->punkt < 0 ? 0 : want->punkt);
    assert_string_equal(got->prefix, or_empty(want->prefix));
    assert_string_equal(got->title, or_empty(want->title));
    assert_string_equal(got->journal, or_empty(want->journal));
    assert_int_equal(got->nsections, want->nsections);
    for (size_t i = 0; i < want->nsections; i++) {
        assert_int_equal(got->sections[i].kind, want->sections[i].kind);
        assert_string_equal(got->sections[i].heading, or_empty(want->sections[i].heading));
        assert_string_equal(got->sections[i].text, or_empty(want->sections[i].text));
        int want_page = want->section_pages ? want->section_pages[i] : 0;
        assert_int_equal(got->section_pages ? got->section_pages[i] : 0, want_page);
    }
    assert_string_equal(got->municipality, or_empty(want->municipality));
    assert_int_equal(got->flags, want->flags);
    assert_int_equal(got->page, want->page);
}

/* N copies of UNIT, malloc'd. */
static char *repeat(const char *unit, size_t n)
{
    size_t ul = strlen(unit);
    char *s = malloc(ul * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * ul, unit, ul);
    s[ul * n] = '\0';
    return s;
}

/* ---- records ------------------------------------------------------------ */

static ref_record_section danish_sections[] = {
    {REF_SECTION_ANLEDNING, "Anledning", "Færre midler."},
    {REF_SECTION_BESLUTNING, "Beslutning", "Godkendt."},
    {REF_SECTION_NONE, "", "Før første."},
};

static const ref_record small_danish = {
    .id = "000_9de9#3",
    .source = "corpus/000_9de9.txt",
    .body = "Børne- og Ungdomsudvalget",
    .date = "2017-09-07",
    .place = "Rådhuset, mødelokale 2",
    .punkt = 3,
    .prefix = "Åbent punkt",
    .title = "Sygefravær på skoleområdet",
    .journal = "00.01.00-A00-3-17",
    .nsections = 3,
    .sections = danish_sections,
};

static const ref_record all_empty = {.id = "",
                                     .source = "",
                                     .body = "",
                                     .date = "",
                                     .place = "",
                                     .prefix = "",
                                     .title = "",
                                     .journal = ""};

static const ref_record all_null = {.punkt = -5}; /* NULL strings, a negative number */

static ref_record_section empty_sections[] = {
    {REF_SECTION_BILAG, "", ""},
    {REF_SECTION_OTHER, NULL, NULL},
};

static const ref_record empty_sections_rec = {
    .id = "x", .punkt = INT_MAX, .nsections = 2, .sections = empty_sections};

static void test_small_records_round_trip_raw(void **state)
{
    (void)state;
    const ref_record *cases[] = {&small_danish, &all_empty, &all_null, &empty_sections_rec};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ref_buf b = encode_ok(cases[i]);
        assert_memory_equal(b.data, "RFR2", MAGIC_LEN);
        assert_int_equal((unsigned char)b.data[FLAG_AT], 0); /* raw */
        ref_record *got = decode_ok(b.data, b.len);
        assert_same_record(got, cases[i]);
        ref_record_free(got);
        ref_buf_free(&b);
    }
}

static void test_raw_record_keeps_text_readable(void **state)
{
    (void)state;
    ref_buf b = encode_ok(&small_danish);
    /* Raw means the UTF-8 bytes are there as given. */
    const char *title = "Sygefravær på skoleområdet";
    size_t tl = strlen(title), found = 0;
    for (size_t at = 0; at + tl <= b.len; at++)
        found += memcmp(b.data + at, title, tl) == 0;
    assert_int_equal(found, 1);
    ref_buf_free(&b);
}

static void test_large_record_round_trips_deflated(void **state)
{
    (void)state;
    char *text = repeat("Økonomiudvalget besluttede at æblerne skal på gården. ", 2000);
    char *heading = repeat("Å", 300);
    ref_record_section secs[2] = {
        {REF_SECTION_SAGSFREMSTILLING, "Sagsfremstilling", text},
        {REF_SECTION_HISTORIK, heading, "kort"},
    };
    ref_record rec = small_danish;
    rec.sections = secs;
    rec.nsections = 2;
    ref_buf b = encode_ok(&rec);
    assert_int_equal((unsigned char)b.data[FLAG_AT], 1); /* deflated */
    /* Repetitive minutes text must shrink a lot. */
    assert_true(b.len < strlen(text) / 4);
    ref_record *got = decode_ok(b.data, b.len);
    assert_same_record(got, &rec);
    ref_record_free(got);
    ref_buf_free(&b);
    free(text);
    free(heading);
}

/* The index stores records raw and lets Xapian deflate them, once. */
static void test_raw_packing_never_deflates(void **state)
{
    (void)state;
    char *text = repeat("Økonomiudvalget besluttede at æblerne skal på gården. ", 2000);
    ref_record_section secs[1] = {{REF_SECTION_SAGSFREMSTILLING, "Sagsfremstilling", text}};
    ref_record rec = small_danish;
    rec.sections = secs;
    rec.nsections = 1;
    ref_buf b = REF_BUF_INIT;
    assert_int_equal(ref_record_encode(&rec, REF_RECORD_RAW, &b), REF_OK);
    assert_int_equal((unsigned char)b.data[FLAG_AT], 0); /* raw */
    assert_true(b.len > strlen(text));
    ref_record *got = decode_ok(b.data, b.len);
    assert_same_record(got, &rec);
    ref_record_free(got);
    ref_buf_free(&b);
    free(text);
}

static void test_many_sections_round_trip(void **state)
{
    (void)state;
    enum { N = 2000 };
    ref_record_section *secs = calloc(N, sizeof *secs);
    char(*texts)[32] = calloc(N, sizeof *texts);
    assert_non_null(secs);
    assert_non_null(texts);
    for (size_t i = 0; i < N; i++) {
        snprintf(texts[i], sizeof texts[i], "afsnit %zu æøå", i);
        secs[i] = (ref_record_section){(ref_section_kind)(i % REF_SECTION_COUNT),
                                       i % 2 ? "Overskrift" : "", texts[i]};
    }
    ref_record rec = {.id = "many", .nsections = N, .sections = secs};
    ref_buf b = encode_ok(&rec);
    ref_record *got = decode_ok(b.data, b.len);
    assert_same_record(got, &rec);
    ref_record_free(got);
    ref_buf_free(&b);
    free(texts);
    free(secs);
}

static void test_encode_appends_to_the_buffer(void **state)
{
    (void)state;
    ref_buf b = REF_BUF_INIT;
    ref_buf_puts(&b, "head");
    assert_int_equal(ref_record_encode(&small_danish, REF_RECORD_DEFLATE, &b), REF_OK);
    assert_memory_equal(b.data, "headRFR2", 8);
    ref_record *got = decode_ok(b.data + 4, b.len - 4);
    assert_same_record(got, &small_danish);
    ref_record_free(got);
    ref_buf_free(&b);
}

static void test_unknown_section_kind_decodes_as_other(void **state)
{
    (void)state;
    ref_record_section sec = {(ref_section_kind)200, "Mærkelig", "tekst"};
    ref_record rec = {.id = "k", .nsections = 1, .sections = &sec};
    ref_buf b = encode_ok(&rec);
    ref_record *got = decode_ok(b.data, b.len);
    assert_int_equal(got->sections[0].kind, REF_SECTION_OTHER);
    assert_string_equal(got->sections[0].text, "tekst");
    ref_record_free(got);
    ref_buf_free(&b);
}

/* ---- broken input ------------------------------------------------------- */

static void test_truncated_at_every_offset_is_corrupt(void **state)
{
    (void)state;
    char *text = repeat("Beslutningen blev udsat til næste møde i udvalget. ", 200);
    ref_record_section sec = {REF_SECTION_BESLUTNING, "Beslutning", text};
    ref_record big = small_danish;
    big.sections = &sec;
    big.nsections = 1;
    const ref_record *cases[] = {&small_danish, &big, &empty_sections_rec, &all_empty};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ref_buf b = encode_ok(cases[i]);
        for (size_t cut = 0; cut < b.len; cut++) {
            /* A copy of exactly CUT bytes, so ASan sees any read past it. */
            char *copy = malloc(cut ? cut : 1);
            memcpy(copy, b.data, cut);
            char what[64];
            snprintf(what, sizeof what, "record %zu cut at %zu", i, cut);
            assert_corrupt(copy, cut, what);
            free(copy);
        }
        ref_buf_free(&b);
    }
    free(text);
}

static void test_trailing_bytes_are_corrupt(void **state)
{
    (void)state;
    char *text = repeat("Indstillingen blev godkendt. ", 100);
    ref_record_section sec = {REF_SECTION_INDSTILLING, "Indstilling", text};
    ref_record big = {.id = "big", .nsections = 1, .sections = &sec};
    const ref_record *cases[] = {&small_danish, &big};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ref_buf b = encode_ok(cases[i]);
        ref_buf_append(&b, "X", 1);
        assert_corrupt(b.data, b.len, i ? "deflated record + 1 byte" : "raw record + 1 byte");
        ref_buf_free(&b);
    }
    free(text);
}

static void test_bad_magic_and_flag_are_corrupt(void **state)
{
    (void)state;
    ref_buf good = encode_ok(&small_danish);
    for (size_t at = 0; at < MAGIC_LEN; at++) {
        char *copy = malloc(good.len);
        memcpy(copy, good.data, good.len);
        copy[at] ^= 0x20; /* "rFR1", "RfR1", … */
        assert_corrupt(copy, good.len, "wrong magic");
        free(copy);
    }
    static const unsigned char flags[] = {2, 3, 0x7f, 0x80, 0xff};
    for (size_t i = 0; i < sizeof flags; i++) {
        char *copy = malloc(good.len);
        memcpy(copy, good.data, good.len);
        copy[FLAG_AT] = (char)flags[i];
        assert_corrupt(copy, good.len, "bad flag");
        free(copy);
    }
    /* A raw payload read as deflated is not zlib data. */
    char *copy = malloc(good.len);
    memcpy(copy, good.data, good.len);
    copy[FLAG_AT] = 1;
    assert_corrupt(copy, good.len, "raw payload flagged deflated");
    free(copy);
    ref_buf_free(&good);
}

static void test_lying_length_fields_are_corrupt(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        const char *bytes;
        size_t len;
    } cases[] = {
        {"empty", "", 0},
        {"magic only", "RFR1", 4},
        {"raw, id longer than the input",
         "RFR1\0\x7f"
         "abc",
         9},
        {"raw, length varint never ends", "RFR1\0\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 16},
        {"raw, all strings empty, no section count", "RFR1\0\0\0\0\0\0\0\0\0\0", 14},
        {"raw, a billion sections", "RFR1\0\0\0\0\0\0\0\0\0\0\x80\x94\xeb\xdc\x03", 19},
        {"deflated, no length", "RFR1\1", 5},
        {"deflated, 1 TiB claimed", "RFR1\1\x80\x80\x80\x80\x80\x20xyz", 14},
        {"deflated, length but no stream", "RFR1\1\x10", 6},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *copy = malloc(cases[i].len ? cases[i].len : 1);
        memcpy(copy, cases[i].bytes, cases[i].len);
        assert_corrupt(copy, cases[i].len, cases[i].what);
        free(copy);
    }
    /* NULL bytes are corrupt too, and a NULL OUT is refused. */
    assert_corrupt(NULL, 0, "NULL");
    assert_int_equal(ref_record_decode("RFR1\0", 5, NULL), REF_EINVAL);
    assert_int_equal(ref_record_encode(NULL, REF_RECORD_DEFLATE, &(ref_buf)REF_BUF_INIT), REF_EINVAL);
    assert_int_equal(ref_record_encode(&small_danish, REF_RECORD_DEFLATE, NULL), REF_EINVAL);
    ref_record_free(NULL);
}

static void test_deflated_length_off_by_one_is_corrupt(void **state)
{
    (void)state;
    char *text = repeat("Historik: sagen var behandlet før. ", 100);
    ref_record_section sec = {REF_SECTION_HISTORIK, "Historik", text};
    ref_record rec = {.id = "h", .nsections = 1, .sections = &sec};
    ref_buf b = encode_ok(&rec);
    assert_int_equal((unsigned char)b.data[FLAG_AT], 1);
    /* The plain length is a varint after the flag; its first byte's low 7
     * bits are the low bits of the length. Nudge them up and down. */
    unsigned char *lenbyte = (unsigned char *)b.data + FLAG_AT + 1;
    unsigned char orig = *lenbyte;
    static const int deltas[] = {-1, 1};
    for (size_t i = 0; i < 2; i++) {
        unsigned low = orig & 0x7f;
        if ((deltas[i] < 0 && low == 0) || (deltas[i] > 0 && low == 0x7f))
            continue;
        *lenbyte = (unsigned char)((orig & 0x80) | (low + (unsigned)deltas[i]));
        assert_corrupt(b.data, b.len, deltas[i] < 0 ? "length - 1" : "length + 1");
    }
    *lenbyte = orig;
    ref_record *got = decode_ok(b.data, b.len);
    ref_record_free(got);
    ref_buf_free(&b);
    free(text);
}

#if !defined(__SANITIZE_ADDRESS__)
/* Virtual memory in use by this process, in bytes (0 if unknown). */
static size_t vm_size(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (f) {
        if (fscanf(f, "%lu", &pages) != 1)
            pages = 0;
        fclose(f);
    }
    return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}
#endif

static void test_claimed_length_beyond_deflate_ratio_is_corrupt(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    skip(); /* ASan's shadow memory does not live under RLIMIT_AS. */
#else
    /* A 200 MB plain length claimed by a 20-byte stream: deflate never
     * compresses better than 1032:1, so this is corrupt, and must be found
     * so before allocating 200 MB. In a child with little address space
     * left, allocating first would make it REF_ENOMEM. */
    char *text = repeat("a", 1000);
    ref_record_section sec = {REF_SECTION_BILAG, "", text};
    ref_record rec = {.id = "z", .nsections = 1, .sections = &sec};
    ref_buf b = encode_ok(&rec);
    assert_int_equal((unsigned char)b.data[FLAG_AT], 1);
    /* Replace the plain length varint with 200 MB (4 bytes: 0x80 0x80 0x80 0x64). */
    size_t at = FLAG_AT + 1, old = 0;
    while ((unsigned char)b.data[at + old] & 0x80)
        old++;
    old++;
    ref_buf forged = REF_BUF_INIT;
    ref_buf_append(&forged, b.data, at);
    ref_buf_append(&forged, "\x80\x80\x80\x64", 4);
    ref_buf_append(&forged, b.data + at + old, b.len - at - old);
    assert_true(forged.len - at - 4 < 100);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit lim;
        rlim_t room = (rlim_t)vm_size() + (64u << 20);
        lim.rlim_cur = lim.rlim_max = room;
        if (setrlimit(RLIMIT_AS, &lim) != 0)
            _exit(3);
        ref_record *out = NULL;
        ref_status st = ref_record_decode(forged.data, forged.len, &out);
        _exit(st == REF_EDB_CORRUPT ? 0 : st == REF_ENOMEM ? 1 : 2);
    }
    int ws = 0;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_true(WIFEXITED(ws));
    if (WEXITSTATUS(ws) != 0)
        fail_msg("200 MB claim: child exit %d (1 = out of memory: allocated before checking)",
                 WEXITSTATUS(ws));
    ref_buf_free(&forged);
    ref_buf_free(&b);
    free(text);
#endif
}

/* A small deterministic generator, so a failure can be replayed. */
static uint32_t next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* RFR2 added municipality, flags and pages after the sections; a record
 * written as RFR1 before that still decodes, with them empty. The bytes are
 * written out by hand, as an old indexer wrote them. */
static void test_rfr1_records_still_decode(void **state)
{
    (void)state;
    static const char v1[] = "RFR1\0"
                             "\x03id1" "\x03src" "\x04" "Body" "\x0a" "2017-09-07" "\x00"
                             "\x05" "\x00" "\x05Titel" "\x00"
                             "\x01" "\x05" "\x0a" "Beslutning" "\x09" "Godkendt.";
    ref_record *got = decode_ok(v1, sizeof v1 - 1);
    assert_string_equal(got->id, "id1");
    assert_string_equal(got->body, "Body");
    assert_int_equal(got->punkt, 5);
    assert_string_equal(got->title, "Titel");
    assert_int_equal(got->nsections, 1);
    assert_int_equal(got->sections[0].kind, REF_SECTION_BESLUTNING);
    assert_string_equal(got->sections[0].text, "Godkendt.");
    assert_null(got->section_pages); /* RFR1 knew no pages */
    assert_string_equal(got->municipality, "");
    assert_int_equal(got->flags, 0);
    assert_int_equal(got->page, 0);
    ref_record_free(got);
}

/* The RFR2 fields round trip, and a record cut inside them is corrupt. */
static void test_rfr2_fields_round_trip(void **state)
{
    (void)state;
    static ref_record_section secs[] = {{REF_SECTION_NONE, "", "Side 3 tekst"},
                                        {REF_SECTION_BILAG, "Bilag", "b"}};
    static const int pages[] = {3, 4};
    ref_record rec = {.id = "x", .title = "Side 3", .nsections = 2, .sections = secs,
                      .municipality = "Region Hovedstaden",
                      .flags = REF_RECORD_UNSTRUCTURED | REF_RECORD_CLOSED, .page = 3,
                      .section_pages = pages};
    ref_buf b = encode_ok(&rec);
    ref_record *got = decode_ok(b.data, b.len);
    assert_same_record(got, &rec);
    ref_record_free(got);
    assert_int_equal(b.data[FLAG_AT], 0);
    for (size_t cut = 1; cut <= 4; cut++) {
        char *copy = malloc(b.len);
        memcpy(copy, b.data, b.len - cut);
        assert_corrupt(copy, b.len - cut, "cut inside the RFR2 fields");
        free(copy);
    }
    ref_buf_free(&b);
}

static void test_garbage_never_crashes(void **state)
{
    (void)state;
    uint32_t seed = 0x5eed1234u;
    ref_buf good = encode_ok(&small_danish);
    for (int round = 0; round < 20000; round++) {
        size_t len = next_rand(&seed) % 300;
        unsigned char *g = malloc(len ? len : 1);
        for (size_t i = 0; i < len; i++)
            g[i] = (unsigned char)next_rand(&seed);
        int mode = round % 3;
        if (mode == 0 && len >= 4) {
            /* Plain garbage, magic made wrong on purpose: always corrupt. */
            g[0] = 'X';
            assert_corrupt(g, len, "garbage");
        } else if (len >= 5) {
            /* Valid magic and flag, garbage after: may even decode, must
             * never crash or read outside the input. */
            memcpy(g, "RFR1", 4);
            g[4] = (unsigned char)(mode == 1 ? 0 : 1);
            ref_record *rec = NULL;
            ref_status st = ref_record_decode(g, len, &rec);
            assert_true(st == REF_OK || st == REF_EDB_CORRUPT);
            assert_true((st == REF_OK) == (rec != NULL));
            ref_record_free(rec);
        }
        free(g);
        /* And a valid record with one random byte changed. */
        char *m = malloc(good.len);
        memcpy(m, good.data, good.len);
        m[MAGIC_LEN + 1 + next_rand(&seed) % (good.len - MAGIC_LEN - 1)] ^=
            (char)(1 + next_rand(&seed) % 255);
        ref_record *rec = NULL;
        ref_status st = ref_record_decode(m, good.len, &rec);
        assert_true(st == REF_OK || st == REF_EDB_CORRUPT);
        ref_record_free(rec);
        free(m);
    }
    ref_buf_free(&good);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_records_round_trip_raw),
        cmocka_unit_test(test_raw_record_keeps_text_readable),
        cmocka_unit_test(test_large_record_round_trips_deflated),
        cmocka_unit_test(test_raw_packing_never_deflates),
        cmocka_unit_test(test_many_sections_round_trip),
        cmocka_unit_test(test_encode_appends_to_the_buffer),
        cmocka_unit_test(test_unknown_section_kind_decodes_as_other),
        cmocka_unit_test(test_truncated_at_every_offset_is_corrupt),
        cmocka_unit_test(test_trailing_bytes_are_corrupt),
        cmocka_unit_test(test_bad_magic_and_flag_are_corrupt),
        cmocka_unit_test(test_lying_length_fields_are_corrupt),
        cmocka_unit_test(test_deflated_length_off_by_one_is_corrupt),
        cmocka_unit_test(test_claimed_length_beyond_deflate_ratio_is_corrupt),
        cmocka_unit_test(test_rfr1_records_still_decode),
        cmocka_unit_test(test_rfr2_fields_round_trip),
        cmocka_unit_test(test_garbage_never_crashes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
