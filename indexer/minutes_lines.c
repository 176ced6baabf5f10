/* minutes_lines.c — the minutes parser's line reader: the input as lines,
 * cleaned of markup, long lines split, words hyphenated at a line end
 * joined (see minutes_int.h). */
#include "minutes_int.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- lines ------------------------------------------------------------ */

/* A '#' run of 1-6 marks followed by a space (or nothing) is an ATX
 * heading; "#hashtag" and "#######" are not. */
static size_t atx_marks(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && s[k] == '#')
        k++;
    if (k == 0 || k > 6 || (k < n && space_width(s + k, n - k) == 0))
        return 0;
    return k;
}

enum { HTML_TAG_MAX_BYTES = 200 };

/* HTML elements whose tags text files carry as literal text: what a web
 * page saved as text leaves ("Økonomiudvalget<br />", "<strong>Referat
 * </strong>"). Short inline tags (<b>, <i>, <a>) are not here: in prose
 * they are as likely written about as left over, and e2e_feed.py's hostile
 * minutes write "<b>rengøring</b>" to be shown as written. */
static const char *const html_tags[] = {
    "br", "strong", "em", "p",  "span",  "div",    "font",       "li", "ul",
    "ol", "td",     "tr", "th", "table", "tbody",  "thead",      "hr", "h1",
    "h2", "h3",     "h4", "h5", "h6",    "center", "blockquote",
};

/* Bytes of a tag of a known HTML element at S ("<br />", "</strong>", "<span
 * class=\"x\">"), or 0: a '<' that starts no such tag ("< 5 %") is text. */
static size_t html_tag_at(const char *s, size_t n)
{
    size_t i = 1;
    if (n < 3 || s[0] != '<')
        return 0;
    if (s[i] == '/')
        i++;
    size_t name = i;
    while (i < n && is_ascii_alnum(s[i]))
        i++;
    size_t k;
    for (k = 0; k < sizeof html_tags / sizeof html_tags[0]; k++)
        if (i - name == strlen(html_tags[k]) && ci_equal(s + name, i - name, html_tags[k]))
            break;
    if (k == sizeof html_tags / sizeof html_tags[0])
        return 0;
    if (i < n && s[i] != '>' && s[i] != '/' && !space_width(s + i, n - i))
        return 0; /* "<brev>" */
    while (i < n && i < HTML_TAG_MAX_BYTES && s[i] != '>' && s[i] != '<')
        i++;
    return i < n && s[i] == '>' ? i + 1 : 0;
}

void mn_clean_line(line *ln, const char *raw, size_t n)
{
    ref_buf_reset(&ln->buf);
    trim(&raw, &n);
    ln->level = LEVEL_PLAIN;
    size_t marks = atx_marks(raw, n);
    if (marks) {
        ln->level = (int)marks;
        raw += marks;
        n -= marks;
        /* A closing run ("## Bilag ##") is decoration too. */
        size_t e = n;
        while (e > 0 && raw[e - 1] == '#')
            e--;
        if (e < n && (e == 0 || space_width(raw + e - 1, 1)))
            n = e;
        trim(&raw, &n);
    }
    if (n >= 4 && raw[0] == '*' && raw[1] == '*' && raw[n - 1] == '*' && raw[n - 2] == '*' &&
        ln->level == LEVEL_PLAIN)
        ln->level = LEVEL_BOLD;
    ref_buf_reserve(&ln->buf, n);
    for (size_t i = 0; i < n; i++) {
        if (raw[i] == '*' && i + 1 < n && raw[i + 1] == '*') {
            i++;
            continue;
        }
        size_t tag = raw[i] == '<' ? html_tag_at(raw + i, n - i) : 0;
        if (tag) { /* a tag separates words: one space for it */
            if (ln->buf.len && ln->buf.data[ln->buf.len - 1] != ' ' &&
                !(i + tag < n && space_width(raw + i + tag, n - i - tag)))
                ref_buf_putc(&ln->buf, ' ');
            i += tag - 1;
            continue;
        }
        /* A NUL would end the C strings the caller gets; the reader rejects
         * such files, but the parser also takes fuzzed bytes. */
        ref_buf_putc(&ln->buf, raw[i] ? raw[i] : ' ');
    }
    const char *s = ref_buf_cstr(&ln->buf);
    size_t len = ln->buf.len;
    trim(&s, &len);
    ln->s = s;
    ln->n = len;
}

/* The next line of C into LN; LF, CRLF and a stray CR all end a line, and a
 * form feed at the start of a line starts a page. A raw line longer than
 * LONG_LINE_BYTES comes out in pieces (see split_point), all with the raw
 * line's number. */
void mn_cursor_init(cursor *c, const char *text, size_t len, int light)
{
    *c = (cursor){.text = text, .len = len, .page = 1, .light = light};
}

void mn_next_line(cursor *c, line *ln)
{
    ln->consumed = 0;
    if (!c->in_raw) {
        if (c->pos >= c->len) {
            ln->present = 0;
            ln->s = "";
            ln->n = 0;
            return;
        }
        size_t start = c->pos, end = start;
        while (end < c->len && c->text[end] != '\n' && c->text[end] != '\r')
            end++;
        c->pos = end;
        if (c->pos < c->len && c->text[c->pos] == '\r')
            c->pos++;
        if (c->pos < c->len && c->text[c->pos] == '\n' && (c->pos == end || c->text[end] == '\r'))
            c->pos++;
        c->no++;
        while (start < end && c->text[start] == '\f') {
            c->page++;
            start++;
        }
        c->raw_start = start;
        c->raw_first = start;
        c->raw_end = end;
        c->in_raw = 1;
        c->long_raw = end - start > LONG_LINE_BYTES;
    }
    size_t s = c->raw_start, e = c->raw_end;
    if (c->long_raw)
        e = s + mn_split_point(c->text + s, e - s);
    c->raw_start = e;
    c->in_raw = e < c->raw_end;
    ln->present = 1;
    ln->no = c->no;
    ln->page = c->page;
    ln->raw = c->text + s;
    ln->nraw = e - s;
    ln->piece = c->long_raw && !(s == c->raw_first && e == c->raw_end);
    if (e == s) { /* an empty line needs no cleaning */
        ref_buf_reset(&ln->buf);
        ln->s = "";
        ln->n = 0;
        ln->level = LEVEL_PLAIN;
        return;
    }
    if (c->light) {
        const char *r = c->text + s;
        size_t rn = e - s;
        trim(&r, &rn);
        size_t marks = 0;
        while (marks < rn && (r[marks] == '*' || r[marks] == '#' || r[marks] == ' '))
            marks++;
        ln->s = r + marks;
        ln->n = rn - marks;
        ln->level = LEVEL_PLAIN;
        return;
    }
    mn_clean_line(ln, c->text + s, e - s);
}

/* Where the first piece of a long line S ends: before a punkt marker
 * ("Sag nr. 5 …", "Pkt. 12 …") or a heading in capitals, and right after
 * such a heading, so "… godkendt. INDSTILLING Direktionen indstiller …"
 * reads as three lines. N if there is no such place. Every position costs a
 * bounded look, so splitting a line is linear in its length. */
size_t mn_split_point(const char *s, size_t n)
{
    size_t w = mn_caps_heading_at(s, n);
    if (w && w < n)
        return w;
    for (size_t i = 1; i < n; i++) {
        if (s[i - 1] != ' ' || !(starts_upper(s + i, n - i)))
            continue;
        /* Cheap tests first: a heading in capitals starts with two capitals,
         * a punkt marker with the first letter of a keyword. */
        size_t w1 = (unsigned char)s[i] < 0x80 ? 1 : 2;
        if (i + w1 < n && starts_upper(s + i + w1, n - i - w1) && mn_caps_heading_at(s + i, n - i))
            return i;
        int marker = mn_punkt_keyword_letter(s[i]);
        if (!marker)
            continue;
        punkt_line pl;
        size_t look = n - i < MARKUP_HEADING_MAX_BYTES ? n - i : MARKUP_HEADING_MAX_BYTES;
        if (mn_match_keyword_punkt(s + i, look, &pl) && pl.number > 0)
            return i;
    }
    return n;
}

/* ---- words hyphenated at a line end ------------------------------------ */

/* "og", "eller", … after a hyphen: "Børne- og Ungeudvalget" keeps it. */
static const char *const suspended_hyphen_words[] = {"og", "eller", "samt", "el.", "&", "til"};

/* Join "sygefra-" at the end of CUR with "vær" starting NEXT: the word
 * moves up to CUR, whole. After a capital or a digit the hyphen is part of
 * the word ("IT-" + "systemet"), so it stays. */
void mn_join_hyphenated(parser *p, line *cur, line *next, ref_buf *scratch)
{
    if (!cur->present || !next->present || cur->n < 3 || next->n == 0 ||
        cur->s[cur->n - 1] != '-' || space_width(cur->s + cur->n - 2, 2) ||
        cur->s[cur->n - 2] == '-' || next->page != cur->page)
        return;
    unsigned char c0 = (unsigned char)next->s[0];
    if (!((c0 >= 'a' && c0 <= 'z') ||
          (c0 == 0xC3 && next->n >= 2 && (unsigned char)next->s[1] >= 0xA0)))
        return; /* the next line must go on with a lower-case letter */
    size_t w = 0;
    while (w < next->n && !space_width(next->s + w, next->n - w))
        w++;
    for (size_t k = 0; k < sizeof suspended_hyphen_words / sizeof suspended_hyphen_words[0]; k++)
        if (ci_equal(next->s, w, suspended_hyphen_words[k]))
            return;
    /* Is the character before the hyphen a capital or a digit? */
    size_t b = cur->n - 2;
    while (b > 0 && ((unsigned char)cur->s[b] & 0xC0) == 0x80)
        b--;
    int keep = is_digit(cur->s[b]) || starts_upper(cur->s + b, cur->n - 1 - b);
    ref_buf_reset(scratch);
    ref_buf_append(scratch, cur->s, keep ? cur->n : cur->n - 1);
    ref_buf_append(scratch, next->s, w);
    ref_buf_reset(&cur->buf);
    ref_buf_append(&cur->buf, scratch->data, scratch->len);
    cur->s = ref_buf_cstr(&cur->buf);
    cur->n = cur->buf.len;
    size_t rest = skip_spaces(next->s, next->n, w);
    ref_buf_reset(scratch);
    ref_buf_append(scratch, next->s + rest, next->n - rest);
    ref_buf_reset(&next->buf);
    ref_buf_append(&next->buf, scratch->data, scratch->len);
    next->s = ref_buf_cstr(&next->buf);
    next->n = next->buf.len;
    next->consumed = next->n == 0;
    if (ref_buf_status(&cur->buf) != REF_OK || ref_buf_status(&next->buf) != REF_OK ||
        ref_buf_status(scratch) != REF_OK)
        p->rc = REF_ENOMEM;
}
