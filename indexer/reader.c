/* reader.c — bytes on disk → clean UTF-8 text (see reader.h).
 *
 * One pass decodes the source encoding into code points and pushes each into
 * a sink that normalises line endings, drops a leading BOM, counts control
 * characters and re-encodes UTF-8. Deciding the encoding is a separate, cheap
 * pre-pass over the bytes, so every encoding shares one normalisation path. */
#include "referat/reader.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zlib.h>

#include "formats.h"
#include "referat/buf.h"

#define REPLACEMENT_CHAR 0xFFFDu

const char *ref_text_format_name(ref_text_format format)
{
    switch (format) {
    case REF_FORMAT_TEXT:
        return "text";
    case REF_FORMAT_PDF:
        return "PDF";
    case REF_FORMAT_HTML:
        return "HTML";
    }
    return "unknown";
}

const char *ref_encoding_name(ref_encoding enc)
{
    switch (enc) {
    case REF_ENC_UTF8:
        return "UTF-8";
    case REF_ENC_UTF16LE:
        return "UTF-16LE";
    case REF_ENC_UTF16BE:
        return "UTF-16BE";
    case REF_ENC_LATIN1:
        return "ISO-8859-1";
    }
    return "unknown";
}

void ref_text_free(ref_text *text)
{
    if (!text)
        return;
    free(text->data);
    memset(text, 0, sizeof *text);
}

/* ---- UTF-8 ------------------------------------------------------------ */

/* Length of the well-formed UTF-8 sequence at S (N bytes available), storing
 * its code point in *CP; 0 if the bytes there are not well-formed (overlong
 * forms, surrogates and values above U+10FFFF are not). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

static void utf8_put(ref_buf *b, uint32_t cp)
{
    char out[4];
    size_t n;
    if (cp < 0x80) {
        out[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    ref_buf_append(b, out, n);
}

/* ---- the sink: line endings, BOM, control characters ------------------ */

typedef struct sink {
    ref_buf out;
    size_t line;         /* 1-based line of the next code point */
    size_t ncodepoints;  /* everything pushed, for the control ratio */
    size_t ncontrols;    /* C0 controls other than whitespace, and DEL */
    size_t invalid_line; /* first line with a decoding error, or 0 */
    int after_cr;        /* the previous code point was CR */
    int started;         /* any code point pushed (a BOM only counts first) */
    int saw_nul;
} sink;

static void sink_push(sink *s, uint32_t cp)
{
    if (!s->started) {
        s->started = 1;
        if (cp == 0xFEFF) /* byte order mark, in any encoding */
            return;
    }
    s->ncodepoints++;
    if (cp == '\n' && s->after_cr) { /* CRLF: the CR already made the LF */
        s->after_cr = 0;
        return;
    }
    s->after_cr = cp == '\r';
    if (cp == '\r')
        cp = '\n';
    if (cp == 0)
        s->saw_nul = 1;
    else if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\f' && cp != '\v') || cp == 0x7F)
        s->ncontrols++;
    if (cp == '\n')
        s->line++;
    utf8_put(&s->out, cp);
}

static void sink_push_invalid(sink *s)
{
    if (!s->invalid_line)
        s->invalid_line = s->line;
    sink_push(s, REPLACEMENT_CHAR);
}

/* ---- decoders --------------------------------------------------------- */

/* Windows-1252's printable characters in 0x80-0x9F; 0 marks the five bytes
 * it leaves undefined. Latin-1 proper has C1 controls there, which no minutes
 * file means, while "–", "”" and "€" from Word are common. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static void decode_latin1(sink *s, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = p[i];
        if (cp >= 0x80 && cp < 0xA0) {
            cp = cp1252_high[cp - 0x80];
            if (!cp) {
                sink_push_invalid(s);
                continue;
            }
        }
        sink_push(s, cp);
    }
}

/* Invalid bytes become one U+FFFD each: simple, and never swallows the valid
 * text that follows a stray byte. */
static void decode_utf8(sink *s, const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_decode(p + i, n - i, &cp);
        if (len == 0) {
            sink_push_invalid(s);
            i++;
        } else {
            sink_push(s, cp);
            i += len;
        }
    }
}

static void decode_utf16(sink *s, const unsigned char *p, size_t n, int big_endian)
{
    size_t i = 0;
    while (i + 1 < n) {
        uint32_t u =
            big_endian ? (uint32_t)(p[i] << 8 | p[i + 1]) : (uint32_t)(p[i + 1] << 8 | p[i]);
        i += 2;
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n) {
            uint32_t lo =
                big_endian ? (uint32_t)(p[i] << 8 | p[i + 1]) : (uint32_t)(p[i + 1] << 8 | p[i]);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                i += 2;
                sink_push(s, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                continue;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF)
            sink_push_invalid(s);
        else
            sink_push(s, u);
    }
    if (i < n) /* an odd trailing byte */
        sink_push_invalid(s);
}

/* Without a BOM, bytes that are not valid UTF-8 are either UTF-8 with a few
 * damaged bytes or an 8-bit file. Danish Latin-1 text has æ/ø/å followed by
 * ASCII, which is never valid UTF-8, so valid multi-byte sequences are rare in
 * it; a file with at least as many valid multi-byte sequences as invalid bytes
 * is judged UTF-8. Pinned by test_detect_* in tests/test_reader.c. */
static ref_encoding sniff_8bit(const unsigned char *p, size_t n)
{
    size_t valid_multi = 0, invalid = 0;
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = utf8_decode(p + i, n - i, &cp);
        if (len == 0) {
            invalid++;
            i++;
        } else {
            valid_multi++;
            i += len;
        }
    }
    if (invalid == 0 || valid_multi >= invalid)
        return REF_ENC_UTF8;
    return REF_ENC_LATIN1;
}

/* ---- gzip ------------------------------------------------------------- */

static int is_gzip(const unsigned char *p, size_t n)
{
    return n >= 2 && p[0] == 0x1F && p[1] == 0x8B;
}

/* Inflate every gzip member in P (concatenated members are valid gzip, as
 * `cat a.gz b.gz` makes) into OUT, stopping with REF_ETOOBIG past MAX_BYTES. */
static ref_status gunzip(const unsigned char *p, size_t n, size_t max_bytes, ref_buf *out,
                         const char **detail)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 15 + 16) != Z_OK) {
        *detail = "zlib could not start";
        return REF_ENOMEM;
    }
    ref_status st = REF_OK;
    size_t pos = 0;
    int ended = 0;
    unsigned char chunk[65536];
    while (st == REF_OK) {
        if (zs.avail_in == 0 && pos < n) {
            size_t take = n - pos > (size_t)UINT32_MAX ? (size_t)UINT32_MAX : n - pos;
            zs.next_in = (unsigned char *)(p + pos);
            zs.avail_in = (uInt)take;
            pos += take;
        }
        zs.next_out = chunk;
        zs.avail_out = sizeof chunk;
        int rc = inflate(&zs, Z_NO_FLUSH);
        size_t got = sizeof chunk - zs.avail_out;
        if (max_bytes && out->len + got > max_bytes) {
            *detail = "decompressed text exceeds the size limit";
            st = REF_ETOOBIG;
            break;
        }
        ref_buf_append(out, chunk, got);
        if (rc == Z_STREAM_END) {
            ended = 1;
            /* Another member follows only if gzip magic does; trailing zero
             * padding (tape archives, some uploaders) is ignored. */
            const unsigned char *rest = zs.next_in;
            size_t nrest = zs.avail_in + (n - pos);
            if (zs.avail_in == 0 && pos < n)
                rest = p + pos;
            if (nrest >= 2 && is_gzip(rest, nrest)) {
                inflateReset(&zs);
                ended = 0;
                continue;
            }
            break;
        }
        if (rc == Z_MEM_ERROR) {
            *detail = "zlib out of memory";
            st = REF_ENOMEM;
        } else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_STREAM_ERROR) {
            *detail = "gzip data corrupt";
            st = REF_EIO;
        } else if (rc == Z_BUF_ERROR && zs.avail_in == 0 && pos >= n) {
            break; /* input used up before the end of the stream */
        }
    }
    inflateEnd(&zs);
    if (st == REF_OK && !ended) {
        *detail = "gzip stream truncated";
        st = REF_EIO;
    }
    if (st == REF_OK && ref_buf_status(out) != REF_OK)
        st = REF_ENOMEM;
    return st;
}

/* ---- putting it together ---------------------------------------------- */

/* More than one in ten code points a C0 control (beyond tab, LF, CR, FF, VT)
 * is not minutes text; a few stray controls from PDF extraction are. */
static int mostly_controls(const sink *s)
{
    return s->ncontrols > 0 && s->ncontrols * 10 > s->ncodepoints;
}

static int only_whitespace(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\f' && p[i] != '\v')
            return 0;
    return 1;
}

static ref_status decode(const unsigned char *p, size_t n, ref_text *out, const char **detail)
{
    sink s;
    memset(&s, 0, sizeof s);
    s.line = 1;
    ref_encoding enc;
    if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        enc = REF_ENC_UTF16LE;
        decode_utf16(&s, p, n, 0);
    } else if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        enc = REF_ENC_UTF16BE;
        decode_utf16(&s, p, n, 1);
    } else {
        enc = sniff_8bit(p, n);
        if (enc == REF_ENC_UTF8)
            decode_utf8(&s, p, n);
        else
            decode_latin1(&s, p, n);
    }
    ref_status st = ref_buf_status(&s.out);
    if (st != REF_OK) {
        *detail = "out of memory while decoding";
    } else if (s.saw_nul) {
        *detail = "NUL character in text";
        st = REF_EBINARY;
    } else if (mostly_controls(&s)) {
        *detail = "mostly control characters";
        st = REF_EBINARY;
    } else if (only_whitespace(ref_buf_cstr(&s.out), s.out.len)) {
        *detail = s.out.len ? "file holds only whitespace" : "file holds only a byte order mark";
        st = REF_EEMPTY;
    }
    if (st != REF_OK) {
        ref_buf_free(&s.out);
        return st;
    }
    out->len = s.out.len;
    out->data = ref_buf_detach(&s.out);
    if (!out->data)
        return REF_ENOMEM;
    out->source_encoding = enc;
    out->invalid_line = enc == REF_ENC_UTF8 ? s.invalid_line : 0;
    return REF_OK;
}

static int is_pdf(const unsigned char *p, size_t n)
{
    return n >= 5 && memcmp(p, "%PDF-", 5) == 0;
}

/* PDF: poppler's UTF-8 goes through decode() like any text, so the empty,
 * binary and invalid-UTF-8 checks are the same for every format. */
static ref_status decode_pdf(const unsigned char *p, size_t n, ref_text *out, const char **detail)
{
    ref_buf text = REF_BUF_INIT;
    size_t npages = 0;
    ref_status st = ref_pdf_to_text(p, n, &text, &npages, detail);
    if (st == REF_OK) {
        st = decode((const unsigned char *)ref_buf_cstr(&text), text.len, out, detail);
        if (st == REF_EEMPTY)
            *detail = "PDF holds no text (scanned pages need OCR first)";
    }
    ref_buf_free(&text);
    if (st == REF_OK) {
        out->format = REF_FORMAT_PDF;
        out->npages = npages;
    }
    return st;
}

/* HTML: the bytes are decoded first with the detection every format shares
 * (a Latin-1 page becomes UTF-8 here), then the markup is parsed. */
static ref_status decode_html(ref_text *out, const char **detail)
{
    ref_buf text = REF_BUF_INIT;
    ref_status st = ref_html_to_text(out->data, out->len, &text, detail);
    ref_text html = *out;
    memset(out, 0, sizeof *out);
    if (st == REF_OK) {
        st = decode((const unsigned char *)ref_buf_cstr(&text), text.len, out, detail);
        if (st == REF_EEMPTY)
            *detail = "HTML page holds no visible text";
    }
    ref_buf_free(&text);
    if (st == REF_OK) {
        out->format = REF_FORMAT_HTML;
        out->source_encoding = html.source_encoding;
        out->invalid_line = 0; /* lines of the markup, not of the text */
    }
    ref_text_free(&html);
    return st;
}

/* Decode P (decompressed) by its format; HTML_NAME: the file is named .html
 * or .htm, so it is HTML even without a leading tag. */
static ref_status decode_any(const unsigned char *p, size_t n, int html_name, ref_text *out,
                             const char **detail)
{
    if (is_pdf(p, n))
        return decode_pdf(p, n, out, detail);
    ref_status st = decode(p, n, out, detail);
    if (st == REF_OK && (html_name || ref_html_sniff(out->data, out->len)))
        st = decode_html(out, detail);
    return st;
}

static ref_status from_bytes(const void *bytes, size_t len, size_t max_bytes, int html_name,
                             ref_text *out, const char **detail)
{
    const char *ignored;
    if (!detail)
        detail = &ignored;
    *detail = NULL;
    if (!out || (!bytes && len)) {
        if (out)
            memset(out, 0, sizeof *out);
        return REF_EINVAL;
    }
    memset(out, 0, sizeof *out);
    if (len == 0) {
        *detail = "file is empty";
        return REF_EEMPTY;
    }
    const unsigned char *p = bytes;
    ref_status st;
    if (is_gzip(p, len)) {
        ref_buf raw = REF_BUF_INIT;
        st = gunzip(p, len, max_bytes, &raw, detail);
        if (st == REF_OK && raw.len == 0) {
            *detail = "gzip file holds no data";
            st = REF_EEMPTY;
        }
        if (st == REF_OK)
            st = decode_any((const unsigned char *)raw.data, raw.len, html_name, out, detail);
        ref_buf_free(&raw);
        if (st == REF_OK)
            out->was_gzip = 1;
    } else if (max_bytes && len > max_bytes) {
        *detail = "file exceeds the size limit";
        st = REF_ETOOBIG;
    } else {
        st = decode_any(p, len, html_name, out, detail);
    }
    if (st != REF_OK)
        ref_text_free(out);
    return st;
}

ref_status ref_text_from_bytes(const void *bytes, size_t len, size_t max_bytes, ref_text *out,
                               const char **detail)
{
    return from_bytes(bytes, len, max_bytes, 0, out, detail);
}

static int has_suffix_ci(const char *s, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && strncasecmp(s + n - m, suffix, m) == 0;
}

static int ends_gz(const char *path)
{
    return has_suffix_ci(path, strlen(path), ".gz");
}

/* PATH ends .html or .htm, before any .gz. */
static int named_html(const char *path)
{
    size_t n = strlen(path);
    if (has_suffix_ci(path, n, ".gz"))
        n -= 3;
    return has_suffix_ci(path, n, ".html") || has_suffix_ci(path, n, ".htm");
}

int ref_reader_wants_path(const char *path)
{
    if (!path)
        return 0;
    size_t n = strlen(path);
    if (has_suffix_ci(path, n, ".gz"))
        n -= 3;
    static const char *const exts[] = {".txt", ".md", ".markdown", ".pdf", ".html", ".htm"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t m = strlen(exts[i]);
        /* A bare ".txt" is a hidden file's name, not a text extension. */
        if (n > m && has_suffix_ci(path, n, exts[i]) && path[n - m - 1] != '/')
            return 1;
    }
    return 0;
}

/* Read the whole of F into RAW. */
static ref_status slurp(FILE *f, ref_buf *raw, const char **detail)
{
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0) {
        if (S_ISDIR(sb.st_mode)) {
            *detail = "is a directory";
            return REF_EIO;
        }
        if (sb.st_size > 0)
            ref_buf_reserve(raw, (size_t)sb.st_size);
    }
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        ref_buf_append(raw, chunk, got);
    if (ferror(f)) {
        *detail = "read error";
        return REF_EIO;
    }
    return ref_buf_status(raw);
}

ref_status ref_text_read_file(const char *path, size_t max_bytes, ref_text *out,
                              const char **detail)
{
    const char *ignored;
    if (!detail)
        detail = &ignored;
    *detail = NULL;
    if (!out)
        return REF_EINVAL;
    memset(out, 0, sizeof *out);
    if (!path)
        return REF_EINVAL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT || errno == ENOTDIR)
            return REF_ENOENT;
        if (errno == ENOMEM)
            return REF_ENOMEM;
        *detail = "cannot open file";
        return REF_EIO;
    }
    /* The plain-file bound is checked before reading, so a huge file is not
     * read at all; a gzip file is bounded by its decompressed size. */
    struct stat sb;
    if (max_bytes && !ends_gz(path) && fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) &&
        (unsigned long long)sb.st_size > (unsigned long long)max_bytes) {
        fclose(f);
        *detail = "file exceeds the size limit";
        return REF_ETOOBIG;
    }
    ref_buf raw = REF_BUF_INIT;
    ref_status st = slurp(f, &raw, detail);
    fclose(f);
    if (st == REF_OK && ends_gz(path) &&
        !is_gzip((const unsigned char *)ref_buf_cstr(&raw), raw.len) && raw.len > 0) {
        *detail = "file named .gz is not gzip data";
        st = REF_EIO;
    }
    if (st == REF_OK)
        st = from_bytes(raw.data, raw.len, max_bytes, named_html(path), out, detail);
    ref_buf_free(&raw);
    return st;
}
