/* test_reader.c — the file reader: encodings, line endings, gzip, rejects.
 * Byte inputs live in tables; gzip inputs are made here with zlib so the
 * bytes under test are visible in this file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "referat/buf.h"
#include "referat/reader.h"

#define FFFD "\xef\xbf\xbd"

/* ---- decoding table --------------------------------------------------- */

typedef struct decode_case {
    const char *name;
    const char *in;
    size_t len; /* 0: strlen(in) */
    ref_status status;
    ref_encoding enc;
    const char *out; /* expected text on success */
    size_t invalid_line;
    const char *detail; /* substring of the detail on failure */
} decode_case;

static const decode_case decode_cases[] = {
    {"plain UTF-8", "Møde\n", 0, REF_OK, REF_ENC_UTF8, "Møde\n", 0, NULL},
    {"ASCII", "Punkt 1: CF - Evt.", 0, REF_OK, REF_ENC_UTF8, "Punkt 1: CF - Evt.", 0, NULL},
    {"UTF-8 BOM stripped", "\xef\xbb\xbfReferat\n", 0, REF_OK, REF_ENC_UTF8, "Referat\n", 0, NULL},
    {"CRLF to LF", "a\r\nb\r\n", 0, REF_OK, REF_ENC_UTF8, "a\nb\n", 0, NULL},
    {"lone CR to LF", "a\rb\r", 0, REF_OK, REF_ENC_UTF8, "a\nb\n", 0, NULL},
    {"CR CR LF is two lines", "a\r\r\nb", 0, REF_OK, REF_ENC_UTF8, "a\n\nb", 0, NULL},
    {"BOM and CRLF",
     "\xef\xbb\xbf"
     "a\r\n",
     0, REF_OK, REF_ENC_UTF8, "a\n", 0, NULL},
    {"a second BOM is kept",
     "\xef\xbb\xbf\xef\xbb\xbf"
     "a",
     0, REF_OK, REF_ENC_UTF8,
     "\xef\xbb\xbf"
     "a",
     0, NULL},
    {"Latin-1",
     "M\xf8"
     "de i R\xe5"
     "dhuset \xc6"
     "bler\n",
     0, REF_OK, REF_ENC_LATIN1, "Møde i Rådhuset Æbler\n", 0, NULL},
    {"Windows-1252 punctuation",
     "\x93"
     "x\x94 \x96 5 \x80",
     0, REF_OK, REF_ENC_LATIN1, "“x” – 5 €", 0, NULL},
    {"Windows-1252 undefined byte", "a\x81\xe6", 0, REF_OK, REF_ENC_LATIN1, "a" FFFD "æ", 0, NULL},
    {"Latin-1 with CRLF", "\xe6\r\n\xf8", 0, REF_OK, REF_ENC_LATIN1, "æ\nø", 0, NULL},
    {"UTF-8 with one bad byte", "æøå\nø\nbad \xff here\nøæ", 0, REF_OK, REF_ENC_UTF8,
     "æøå\nø\nbad " FFFD " here\nøæ", 3, NULL},
    {"UTF-8 truncated sequence at end", "æø\xc3", 0, REF_OK, REF_ENC_UTF8, "æø" FFFD, 1, NULL},
    {"UTF-8 overlong form is invalid", "æø\xc0\xaf", 0, REF_OK, REF_ENC_UTF8, "æø" FFFD FFFD, 1,
     NULL},
    {"UTF-8 surrogate is invalid", "æøå\n\xed\xa0\x80", 0, REF_OK, REF_ENC_UTF8,
     "æøå\n" FFFD FFFD FFFD, 2, NULL},
    {"invalid line counts CRLF once", "æ\r\nø\r\n\xff", 0, REF_OK, REF_ENC_UTF8, "æ\nø\n" FFFD, 3,
     NULL},
    {"UTF-16LE with BOM",
     "\xff\xfeM\0\xf8\0"
     "d\0e\0\r\0\n\0",
     12, REF_OK, REF_ENC_UTF16LE, "Møde\n", 0, NULL},
    {"UTF-16BE with BOM",
     "\xfe\xff\0M\0\xf8\0"
     "d\0e",
     10, REF_OK, REF_ENC_UTF16BE, "Møde", 0, NULL},
    {"UTF-16LE surrogate pair", "\xff\xfe\x3d\xd8\x00\xde", 6, REF_OK, REF_ENC_UTF16LE,
     "\xf0\x9f\x98\x80", 0, NULL},
    {"UTF-16LE lone surrogate",
     "\xff\xfe\x00\xdc"
     "a\0",
     6, REF_OK, REF_ENC_UTF16LE, FFFD "a", 0, NULL},
    {"UTF-16LE odd trailing byte",
     "\xff\xfe"
     "a\0b",
     5, REF_OK, REF_ENC_UTF16LE, "a" FFFD, 0, NULL},
    {"form feed and tab are text", "a\fb\tc", 0, REF_OK, REF_ENC_UTF8, "a\fb\tc", 0, NULL},
    {"a few stray controls are text", "Referat med et \x01 tegn fra PDF\n", 0, REF_OK, REF_ENC_UTF8,
     "Referat med et \x01 tegn fra PDF\n", 0, NULL},
    {"empty", "", 0, REF_EEMPTY, REF_ENC_UTF8, NULL, 0, "empty"},
    {"only a BOM", "\xef\xbb\xbf", 0, REF_EEMPTY, REF_ENC_UTF8, NULL, 0, "byte order mark"},
    {"only whitespace", " \r\n\t\n", 0, REF_EEMPTY, REF_ENC_UTF8, NULL, 0, "whitespace"},
    {"only a UTF-16 BOM", "\xff\xfe", 0, REF_EEMPTY, REF_ENC_UTF8, NULL, 0, "byte order mark"},
    {"NUL byte is binary", "abc\0def", 7, REF_EBINARY, REF_ENC_UTF8, NULL, 0, "NUL"},
    {"UTF-16 without BOM is binary", "M\0\xf8\0d\0e\0", 8, REF_EBINARY, REF_ENC_UTF8, NULL, 0,
     "NUL"},
    {"mostly controls is binary",
     "\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f"
     "ab",
     0, REF_EBINARY, REF_ENC_UTF8, NULL, 0, "control"},
};

static void test_decode_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof decode_cases / sizeof decode_cases[0]; i++) {
        const decode_case *c = &decode_cases[i];
        print_message("case: %s\n", c->name);
        size_t len = c->len ? c->len : strlen(c->in);
        ref_text t;
        const char *detail = "unset";
        ref_status st = ref_text_from_bytes(c->in, len, 0, &t, &detail);
        assert_int_equal(st, c->status);
        if (st == REF_OK) {
            assert_null(detail);
            assert_string_equal(t.data, c->out);
            assert_int_equal(t.len, strlen(c->out));
            assert_int_equal(t.source_encoding, c->enc);
            assert_int_equal(t.invalid_line, c->invalid_line);
            assert_int_equal(t.was_gzip, 0);
        } else {
            assert_null(t.data);
            assert_int_equal(t.len, 0);
            assert_non_null(detail);
            assert_non_null(strstr(detail, c->detail));
        }
        ref_text_free(&t);
    }
}

/* ---- gzip ------------------------------------------------------------- */

static unsigned char *gzip_bytes(const void *in, size_t n, size_t *outlen)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&zs, (uLong)n) + 64;
    unsigned char *out = malloc(cap);
    assert_non_null(out);
    zs.next_in = (unsigned char *)in;
    zs.avail_in = (uInt)n;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *outlen = zs.total_out;
    deflateEnd(&zs);
    return out;
}

static void test_gzip_round_trip(void **state)
{
    (void)state;
    static const char latin1[] = "M\xf8"
                                 "de\r\nR\xe5"
                                 "dhus\r\n";
    size_t n;
    unsigned char *gz = gzip_bytes(latin1, sizeof latin1 - 1, &n);
    ref_text t;
    const char *detail;
    assert_int_equal(ref_text_from_bytes(gz, n, 0, &t, &detail), REF_OK);
    assert_string_equal(t.data, "Møde\nRådhus\n");
    assert_int_equal(t.was_gzip, 1);
    assert_int_equal(t.source_encoding, REF_ENC_LATIN1);
    ref_text_free(&t);
    free(gz);
}

static void test_gzip_concatenated_members(void **state)
{
    (void)state;
    size_t n1, n2;
    unsigned char *a = gzip_bytes("første ", 8, &n1);
    unsigned char *b = gzip_bytes("anden", 5, &n2);
    ref_buf both = REF_BUF_INIT;
    ref_buf_append(&both, a, n1);
    ref_buf_append(&both, b, n2);
    ref_text t;
    assert_int_equal(ref_text_from_bytes(both.data, both.len, 0, &t, NULL), REF_OK);
    assert_string_equal(t.data, "første anden");
    ref_text_free(&t);
    ref_buf_free(&both);
    free(a);
    free(b);
}

typedef struct gzip_damage {
    const char *name;
    size_t keep; /* bytes of the stream kept; 0: all but CUT */
    size_t cut;
    long flip; /* a byte to invert: 1-based from the start, or from the end
                  when negative (-8: the CRC-32 in the trailer); 0: none */
    ref_status status;
    const char *detail;
} gzip_damage;

static void test_gzip_damage_table(void **state)
{
    (void)state;
    static const gzip_damage rows[] = {
        {"trailer missing", 0, 8, 0, REF_EIO, "truncated"},
        {"last byte missing", 0, 1, 0, REF_EIO, "truncated"},
        {"stream cut early", 100, 0, 0, REF_EIO, "truncated"},
        {"only the magic", 2, 0, 0, REF_EIO, "truncated"},
        {"corrupt deflate data", 0, 0, 12, REF_EIO, "corrupt"},
        {"corrupt checksum", 0, 0, -8, REF_EIO, "corrupt"},
    };
    ref_buf text = REF_BUF_INIT;
    for (int i = 0; i < 2000; i++)
        ref_buf_printf(&text, "Punkt %d: Beslutning om sag %d\n", i, i * 7);
    size_t n;
    unsigned char *gz = gzip_bytes(text.data, text.len, &n);
    assert_true(n > 200);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        print_message("case: %s\n", rows[i].name);
        unsigned char *copy = malloc(n);
        memcpy(copy, gz, n);
        size_t len = rows[i].keep ? rows[i].keep : n - rows[i].cut;
        if (rows[i].flip > 0)
            copy[rows[i].flip - 1] ^= 0xFF;
        else if (rows[i].flip < 0)
            copy[n - (size_t)-rows[i].flip] ^= 0xFF;
        ref_text t;
        const char *detail = NULL;
        assert_int_equal(ref_text_from_bytes(copy, len, 0, &t, &detail), rows[i].status);
        assert_non_null(detail);
        assert_non_null(strstr(detail, rows[i].detail));
        assert_null(t.data);
        free(copy);
    }
    free(gz);
    ref_buf_free(&text);
}

static void test_gzip_of_nothing_is_empty(void **state)
{
    (void)state;
    size_t n;
    unsigned char *gz = gzip_bytes("", 0, &n);
    ref_text t;
    const char *detail;
    assert_int_equal(ref_text_from_bytes(gz, n, 0, &t, &detail), REF_EEMPTY);
    free(gz);
}

/* MAX_BYTES bounds the decompressed size, so a small gzip bomb is refused
 * before it fills memory. */
static void test_size_limits(void **state)
{
    (void)state;
    size_t big = 1u << 20, n;
    char *zeros = malloc(big);
    memset(zeros, 'a', big);
    unsigned char *gz = gzip_bytes(zeros, big, &n);
    assert_true(n < 8192);
    ref_text t;
    const char *detail;
    assert_int_equal(ref_text_from_bytes(gz, n, 4096, &t, &detail), REF_ETOOBIG);
    assert_int_equal(ref_text_from_bytes(gz, n, big, &t, &detail), REF_OK);
    ref_text_free(&t);
    assert_int_equal(ref_text_from_bytes(zeros, big, big - 1, &t, &detail), REF_ETOOBIG);
    assert_int_equal(ref_text_from_bytes(zeros, big, 0, &t, &detail), REF_OK);
    ref_text_free(&t);
    free(gz);
    free(zeros);
}

static void test_null_arguments(void **state)
{
    (void)state;
    ref_text t;
    assert_int_equal(ref_text_from_bytes(NULL, 3, 0, &t, NULL), REF_EINVAL);
    assert_int_equal(ref_text_from_bytes("x", 1, 0, NULL, NULL), REF_EINVAL);
    assert_int_equal(ref_text_read_file(NULL, 0, &t, NULL), REF_EINVAL);
    ref_text_free(NULL);
}

/* ---- files ------------------------------------------------------------ */

static char *temp_file(const char *suffix, const void *bytes, size_t n)
{
    char *path = malloc(256);
    snprintf(path, 256, "/tmp/referat-test-reader-XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, n), (ssize_t)n);
    close(fd);
    return path;
}

static void test_read_files(void **state)
{
    (void)state;
    ref_text t;
    const char *detail;

    char *plain = temp_file(".txt",
                            "\xef\xbb\xbfM\xc3\xb8"
                            "de\r\n",
                            9);
    assert_int_equal(ref_text_read_file(plain, 0, &t, &detail), REF_OK);
    assert_string_equal(t.data, "Møde\n");
    ref_text_free(&t);
    assert_int_equal(ref_text_read_file(plain, 3, &t, &detail), REF_ETOOBIG);
    unlink(plain);
    assert_int_equal(ref_text_read_file(plain, 0, &t, &detail), REF_ENOENT);
    free(plain);

    size_t n;
    unsigned char *gz = gzip_bytes("Referat\n", 8, &n);
    char *gzpath = temp_file(".txt.gz", gz, n);
    assert_int_equal(ref_text_read_file(gzpath, 0, &t, &detail), REF_OK);
    assert_string_equal(t.data, "Referat\n");
    assert_int_equal(t.was_gzip, 1);
    ref_text_free(&t);
    unlink(gzpath);
    free(gzpath);
    free(gz);

    char *fake = temp_file(".gz", "not gzip", 8);
    assert_int_equal(ref_text_read_file(fake, 0, &t, &detail), REF_EIO);
    assert_non_null(strstr(detail, "not gzip"));
    unlink(fake);
    free(fake);

    char *empty = temp_file(".md", "", 0);
    assert_int_equal(ref_text_read_file(empty, 0, &t, &detail), REF_EEMPTY);
    unlink(empty);
    free(empty);

    assert_int_equal(ref_text_read_file("/tmp", 0, &t, &detail), REF_EIO);
    assert_non_null(strstr(detail, "directory"));
    assert_int_equal(ref_text_read_file("/nonexistent/dir/file.txt", 0, &t, &detail), REF_ENOENT);
}

static void test_corpus_reads_as_clean_utf8(void **state)
{
    (void)state;
    const char *dir = getenv("REFERAT_CORPUS");
    if (!dir)
        dir = "corpus";
    static const char *const names[] = {"000_9de972e740e53f99.txt", "001_ba7199626ccb50a5.txt",
                                        "002_2425b02368c96c7b.txt", "003_071358dfb169713c.txt",
                                        "004_693509ccfd0fbea2.txt"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        ref_text t;
        const char *detail;
        assert_int_equal(ref_text_read_file(path, 0, &t, &detail), REF_OK);
        assert_int_equal(t.source_encoding, REF_ENC_UTF8);
        assert_int_equal(t.invalid_line, 0);
        assert_null(memchr(t.data, '\r', t.len));
        assert_non_null(strstr(t.data, "REFERAT Chefforum"));
        ref_text_free(&t);
    }
}

static void test_wants_path_table(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        int want;
    } rows[] = {
        {"a.txt", 1},   {"dir/a.TXT", 1}, {"a.md", 1},  {"a.markdown", 1}, {"a.txt.gz", 1},
        {"a.MD.GZ", 1}, {"a.gz", 0},      {"a.pdf", 1}, {"a.txt.bak", 0},  {".txt", 0},
        {"a.PDF.gz", 1}, {"a.html", 1},   {"a.htm.gz", 1}, {"a.xhtml", 0}, {".pdf", 0},
        {"a.pdfx", 0},
        {"dir/.md", 0}, {"txt", 0},       {"", 0},      {"a.tar.gz", 0},   {"a.txtgz", 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        print_message("path: %s\n", rows[i].path);
        assert_int_equal(ref_reader_wants_path(rows[i].path), rows[i].want);
    }
    assert_int_equal(ref_reader_wants_path(NULL), 0);
}

static void test_encoding_names(void **state)
{
    (void)state;
    assert_string_equal(ref_encoding_name(REF_ENC_UTF8), "UTF-8");
    assert_string_equal(ref_encoding_name(REF_ENC_UTF16LE), "UTF-16LE");
    assert_string_equal(ref_encoding_name(REF_ENC_UTF16BE), "UTF-16BE");
    assert_string_equal(ref_encoding_name(REF_ENC_LATIN1), "ISO-8859-1");
}

/* Arbitrary bytes, plain and as a damaged gzip stream: every outcome is a
 * status, and ASan sees no read outside the input. */
static void test_arbitrary_bytes(void **state)
{
    (void)state;
    unsigned char buf[3000];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)((i * 2654435761u) >> 13);
    for (size_t len = 0; len < sizeof buf; len += 97) {
        ref_text t;
        const char *detail;
        ref_status st = ref_text_from_bytes(buf, len, 0, &t, &detail);
        assert_true(st == REF_OK || st == REF_EEMPTY || st == REF_EBINARY);
        ref_text_free(&t);
        unsigned char *copy = malloc(len + 2);
        copy[0] = 0x1F;
        copy[1] = 0x8B;
        memcpy(copy + 2, buf, len);
        st = ref_text_from_bytes(copy, len + 2, 0, &t, &detail);
        assert_true(st == REF_EIO || st == REF_OK || st == REF_EEMPTY || st == REF_EBINARY);
        ref_text_free(&t);
        free(copy);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_table),
        cmocka_unit_test(test_gzip_round_trip),
        cmocka_unit_test(test_gzip_concatenated_members),
        cmocka_unit_test(test_gzip_damage_table),
        cmocka_unit_test(test_gzip_of_nothing_is_empty),
        cmocka_unit_test(test_size_limits),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_read_files),
        cmocka_unit_test(test_corpus_reads_as_clean_utf8),
        cmocka_unit_test(test_wants_path_table),
        cmocka_unit_test(test_encoding_names),
        cmocka_unit_test(test_arbitrary_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
