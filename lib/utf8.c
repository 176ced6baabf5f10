#include "referat/utf8.h"

/* The validity rules are RFC 3629's table (also Unicode's Table 3-7): the
 * second byte's range depends on the first, which is what rules out overlong
 * forms (E0 80..9F), surrogates (ED A0..BF) and code points past U+10FFFF
 * (F4 90..). Pinned by test_invalid_utf8_is_separator. */
size_t ref_utf8_decode(const char *text, size_t len, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)text;
    if (len == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    uint32_t v;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0; /* 80..C1 (continuation or overlong lead), F5..FF */
    }
    if (len < n || s[1] < lo || s[1] > hi)
        return 0;
    v = (v << 6) | (s[1] & 0x3F);
    for (size_t i = 2; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return n;
}

size_t ref_utf8_seq_len(const char *text, size_t len)
{
    uint32_t cp;
    return ref_utf8_decode(text, len, &cp);
}

void ref_casefold(const char *text, size_t len, ref_buf *out)
{
    static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
    size_t i = 0;
    /* Not for len 0: ref_buf_reserve() on an empty buffer allocates without
     * writing the NUL that ref_buf_cstr() would then need. */
    if (len)
        ref_buf_reserve(out, len);
    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x80) {
            ref_buf_putc(out, (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = ref_utf8_decode(text + i, len - i, &cp);
        if (n == 0) {
            ref_buf_append(out, replacement, 3);
            i++;
            continue;
        }
        const char *folded;
        size_t flen = ref_uchar_fold(cp, &folded);
        if (flen)
            ref_buf_append(out, folded, flen);
        else
            ref_buf_append(out, text + i, n);
        i += n;
    }
}
