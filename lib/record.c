#include "referat/record.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAGIC "RFR2"
#define MAGIC_V1 "RFR1" /* no municipality, flags or pages */
#define MAGIC_LEN 4
/* Below this many payload bytes deflate saves too little to pay for itself. */
#define DEFLATE_MIN 256
/* A record never decodes to more than this (a sane bound against corrupt
 * length fields). */
#define MAX_PAYLOAD (256u << 20)
/* Deflate never compresses better than 1032:1 (zlib's FAQ), so a plain
 * length beyond that of the stream is a corrupt field, found before it is
 * allocated (test_claimed_length_beyond_deflate_ratio_is_corrupt). */
#define MAX_DEFLATE_RATIO 1032

static void put_varint(ref_buf *b, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = 0;
    do {
        unsigned char c = v & 0x7f;
        v >>= 7;
        tmp[n++] = (unsigned char)(c | (v ? 0x80 : 0));
    } while (v);
    ref_buf_append(b, tmp, n);
}

static void put_str(ref_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    put_varint(b, n);
    ref_buf_append(b, s ? s : "", n);
}

ref_status ref_record_encode(const ref_record *rec, ref_record_packing packing, ref_buf *out)
{
    if (!rec || !out)
        return REF_EINVAL;
    ref_buf payload = REF_BUF_INIT;
    put_str(&payload, rec->id);
    put_str(&payload, rec->source);
    put_str(&payload, rec->body);
    put_str(&payload, rec->date);
    put_str(&payload, rec->place);
    put_varint(&payload, (uint64_t)(rec->punkt < 0 ? 0 : rec->punkt));
    put_str(&payload, rec->prefix);
    put_str(&payload, rec->title);
    put_str(&payload, rec->journal);
    put_varint(&payload, rec->nsections);
    for (size_t i = 0; i < rec->nsections; i++) {
        put_varint(&payload, (uint64_t)rec->sections[i].kind);
        put_str(&payload, rec->sections[i].heading);
        put_str(&payload, rec->sections[i].text);
    }
    put_str(&payload, rec->municipality);
    put_varint(&payload, rec->flags);
    put_varint(&payload, (uint64_t)(rec->page < 0 ? 0 : rec->page));
    for (size_t i = 0; i < rec->nsections; i++) {
        int page = rec->section_pages ? rec->section_pages[i] : 0;
        put_varint(&payload, (uint64_t)(page < 0 ? 0 : page));
    }
    ref_status st = ref_buf_status(&payload);
    if (st != REF_OK) {
        ref_buf_free(&payload);
        return st;
    }
    ref_buf_append(out, MAGIC, MAGIC_LEN);
    if (packing == REF_RECORD_RAW || payload.len < DEFLATE_MIN) {
        ref_buf_putc(out, 0);
        ref_buf_append(out, payload.data, payload.len);
    } else {
        uLongf zlen = compressBound(payload.len);
        ref_buf_putc(out, 1);
        put_varint(out, payload.len);
        size_t at = out->len;
        ref_buf_reserve(out, zlen);
        if (ref_buf_status(out) == REF_OK) {
            if (compress2((Bytef *)out->data + at, &zlen, (const Bytef *)payload.data,
                          payload.len, Z_DEFAULT_COMPRESSION) != Z_OK)
                st = REF_EINTERNAL;
            else
                out->len = at + zlen;
        }
    }
    ref_buf_free(&payload);
    if (st != REF_OK)
        return st;
    return ref_buf_status(out);
}

typedef struct reader {
    const unsigned char *p, *end;
    int bad;
} reader;

static uint64_t get_varint(reader *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end) {
            r->bad = 1;
            return 0;
        }
        unsigned char c = *r->p++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return v;
    }
    r->bad = 1;
    return 0;
}

/* Strings point into the payload copy, which is NUL-terminated per string:
 * we rewrite in place by copying each string into the arena. */
typedef struct arena {
    char *data;
    size_t len, cap;
} arena;

static const char *get_str(reader *r, arena *a)
{
    uint64_t n = get_varint(r);
    if (r->bad || n > (uint64_t)(r->end - r->p) || a->len + n + 1 > a->cap) {
        r->bad = 1;
        return "";
    }
    char *s = a->data + a->len;
    memcpy(s, r->p, n);
    s[n] = '\0';
    a->len += n + 1;
    r->p += n;
    return s;
}

static ref_status decode_payload(const unsigned char *p, size_t len, int version,
                                 ref_record **out)
{
    /* One allocation holds the record, its sections and all strings: the
     * strings need at most len + one NUL per string (< len + 2*len). */
    reader r = {p, p + len, 0};
    size_t str_cap = 2 * len + 16;
    ref_record *rec = calloc(1, sizeof *rec);
    char *strings = malloc(str_cap);
    if (!rec || !strings) {
        free(rec);
        free(strings);
        return REF_ENOMEM;
    }
    arena a = {strings, 0, str_cap};
    rec->owned_ = strings;
    rec->id = get_str(&r, &a);
    rec->source = get_str(&r, &a);
    rec->body = get_str(&r, &a);
    rec->date = get_str(&r, &a);
    rec->place = get_str(&r, &a);
    rec->punkt = (int)(get_varint(&r) & 0x7fffffff);
    rec->prefix = get_str(&r, &a);
    rec->title = get_str(&r, &a);
    rec->journal = get_str(&r, &a);
    uint64_t n = get_varint(&r);
    if (!r.bad && n <= len) {
        rec->sections = calloc(n ? n : 1, sizeof *rec->sections);
        if (!rec->sections) {
            ref_record_free(rec);
            return REF_ENOMEM;
        }
        rec->nsections = n;
        for (size_t i = 0; i < n && !r.bad; i++) {
            uint64_t kind = get_varint(&r);
            rec->sections[i].kind =
                kind < REF_SECTION_COUNT ? (ref_section_kind)kind : REF_SECTION_OTHER;
            rec->sections[i].heading = get_str(&r, &a);
            rec->sections[i].text = get_str(&r, &a);
        }
    } else {
        r.bad = 1;
    }
    rec->municipality = "";
    if (version >= 2 && !r.bad) {
        rec->municipality = get_str(&r, &a);
        rec->flags = (unsigned)(get_varint(&r) & 0xffff);
        rec->page = (int)(get_varint(&r) & 0x7fffffff);
        int *pages = calloc(rec->nsections ? rec->nsections : 1, sizeof *pages);
        if (!pages) {
            ref_record_free(rec);
            return REF_ENOMEM;
        }
        rec->section_pages = pages;
        for (size_t i = 0; i < rec->nsections && !r.bad; i++)
            pages[i] = (int)(get_varint(&r) & 0x7fffffff);
    }
    /* The payload is exactly the record: bytes after it mean the length
     * fields are not what the writer wrote (test_trailing_bytes_are_corrupt). */
    if (r.p != r.end)
        r.bad = 1;
    if (r.bad) {
        ref_record_free(rec);
        return REF_EDB_CORRUPT;
    }
    *out = rec;
    return REF_OK;
}

ref_status ref_record_decode(const void *bytes, size_t len, ref_record **out)
{
    if (!out)
        return REF_EINVAL;
    *out = NULL;
    const unsigned char *p = bytes;
    if (!p || len < MAGIC_LEN + 1)
        return REF_EDB_CORRUPT;
    int version;
    if (memcmp(p, MAGIC, MAGIC_LEN) == 0)
        version = 2;
    else if (memcmp(p, MAGIC_V1, MAGIC_LEN) == 0)
        version = 1;
    else
        return REF_EDB_CORRUPT;
    unsigned char flag = p[MAGIC_LEN];
    p += MAGIC_LEN + 1;
    len -= MAGIC_LEN + 1;
    if (flag == 0)
        return decode_payload(p, len, version, out);
    if (flag != 1)
        return REF_EDB_CORRUPT;
    reader r = {p, p + len, 0};
    uint64_t plain_len = get_varint(&r);
    if (r.bad || plain_len > MAX_PAYLOAD ||
        plain_len > (uint64_t)(r.end - r.p) * MAX_DEFLATE_RATIO)
        return REF_EDB_CORRUPT;
    unsigned char *plain = malloc(plain_len ? plain_len : 1);
    if (!plain)
        return REF_ENOMEM;
    uLongf got = plain_len;
    uLong zlen = (uLong)(r.end - r.p);
    ref_status st = REF_EDB_CORRUPT;
    /* uncompress2 reports how much input the stream used: all of it, or the
     * encoding has trailing bytes. */
    if (uncompress2(plain, &got, r.p, &zlen) == Z_OK && got == plain_len &&
        zlen == (uLong)(r.end - r.p))
        st = decode_payload(plain, got, version, out);
    free(plain);
    return st;
}

void ref_record_free(ref_record *rec)
{
    if (!rec)
        return;
    free(rec->owned_);
    free(rec->sections);
    free((void *)rec->section_pages);
    free(rec);
}

void ref_record_decision(const ref_record *r, ref_buf *out)
{
    int first = 1;
    for (size_t i = 0; i < r->nsections; i++) {
        if (r->sections[i].kind != REF_SECTION_BESLUTNING)
            continue;
        const char *t = (r->sections[i].text ? r->sections[i].text : "");
        size_t a = 0, b = strlen(t);
        while (a < b && (t[a] == '\n' || t[a] == '\r'))
            a++;
        while (b > a &&
               (t[b - 1] == ' ' || t[b - 1] == '\n' || t[b - 1] == '\r' || t[b - 1] == '\t'))
            b--;
        if (a == b)
            continue;
        if (!first)
            ref_buf_puts(out, "\n\n");
        ref_buf_append(out, t + a, b - a);
        first = 0;
    }
}
