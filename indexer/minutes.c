/* minutes.c — minutes text → meeting, punkter, sections (see minutes.h).
 *
 * A pre-pass over the lines counts pages, finds page furniture (lines that
 * stand at the top or bottom of most pages) and tells which punkt style the
 * file uses; then one forward pass with one line of lookahead, no recursion
 * and no per-line storage: memory is the size of the output (plus four
 * candidate lines per page), and every test on a line looks at a bounded
 * prefix of it, so a 50 MB single-line file costs a few linear scans. What
 * the parser recognises lives in tables — punkt-line patterns, journal
 * labels, header labels, body-name endings, municipality names, closed
 * markers and the heading grammar — so other municipalities' layouts are new
 * rows, not new code paths.
 *
 * The line reader splits lines longer than LONG_LINE_BYTES before punkt
 * markers and around headings in capitals, and a word hyphenated at a line
 * end is joined onto its line. A line then goes through these questions:
 *   1. page furniture?              → left out
 *   2. blank?                       → paragraph break
 *   3. "Lukket dagsorden" / "Åben dagsorden"? → closed part on / off
 *   4. a punkt line ("Punkt 3: …", "Pkt. 3", "Sag nr. 3", "3. Title")?
 *      Right under a punkt line, the same punkt line again, a closed marker,
 *      a missing title or the title repeated are the punkt's own lines.
 *      Otherwise → closes the punkt, opens the next
 *   5. before the first punkt?      → header (first line, labels such as
 *                                     Mødedato/Udvalg/Sted, body names, table
 *                                     of contents); on a page of one item
 *                                     without punkt lines the first other
 *                                     line (or heading) starts its punkt;
 *                                     other header text is kept (keep_header_text)
 *   6. first line after a punkt line and shaped like a journal number?
 *   7. a heading (see classify_heading, dated_decision_line)?
 *   8. otherwise text of the current section (REF_SECTION_NONE if none).
 * Closed punkter take no text at all. At the end, table-of-contents entries
 * are dropped, and ref_minutes_parse_with_fallback() turns a text without
 * punkter into one punkt per page or file. */
#include "referat/minutes.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referat/buf.h"

/* ---- limits ----------------------------------------------------------- */

enum {
    MAX_WARNINGS = 1000,      /* then one "further warnings suppressed" */
    MAX_PUNKT_NUMBER = 99999, /* larger numbers are reported, stored as 0 */
    MAX_PREFIX_BYTES = 10,    /* "CF", "TCG", "ØU", … */
    MAX_JOURNAL_BYTES = 40,
    PLAIN_HEADING_MAX_BYTES = 60,
    PLAIN_HEADING_MAX_WORDS = 5,
    MARKUP_HEADING_MAX_BYTES = 160,
    MARKUP_HEADING_MAX_WORDS = 12,
    SUFFIXED_HEADING_MAX_BYTES = 120,
    LONG_LINE_BYTES = 400,      /* longer lines lost their breaks: split them */
    FURNITURE_EDGE_LINES = 2,   /* lines at each page edge that may be furniture */
    FURNITURE_MAX_BYTES = 200,  /* longer lines are never page furniture */
    NUMBERED_MAX_STEP = 5,      /* "N. Title" may skip a few numbers */
    BODY_SEARCH_MAX_LINES = 40, /* header lines searched for a body's name */
    LEVEL_BOLD = 7,             /* a whole-line **bold** line ranks below "######" */
    LEVEL_PLAIN = 8,            /* no markup at all */
};

/* ---- arena: every string of a meeting, freed at once ------------------ */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
} arena_block;

/* ref_meeting is the public face; the arena hides behind it. */
typedef struct meeting_impl {
    ref_meeting pub;
    arena_block *blocks;
} meeting_impl;

static char *arena_strndup(meeting_impl *m, const char *s, size_t n)
{
    arena_block *b = m->blocks;
    if (!b || b->cap - b->used < n + 1) {
        size_t cap = n + 1 > 65536 ? n + 1 : 65536;
        arena_block *nb = malloc(sizeof *nb + cap);
        if (!nb)
            return NULL;
        nb->used = 0;
        nb->cap = cap;
        /* A big string gets its own block behind the current one, so the
         * current block's free space is not abandoned. */
        if (b && cap > 65536) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            m->blocks = nb;
        }
        b = nb;
    }
    char *p = b->data + b->used;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    b->used += n + 1;
    return p;
}

void ref_meeting_free(ref_meeting *meeting)
{
    if (!meeting)
        return;
    meeting_impl *m = (meeting_impl *)meeting;
    for (size_t i = 0; i < meeting->npunkter; i++)
        free(meeting->punkter[i].sections);
    free(meeting->punkter);
    free(meeting->warnings);
    free(meeting->furniture);
    arena_block *b = m->blocks;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(m);
}

/* ---- small UTF-8-aware string helpers --------------------------------- */

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}
static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static int is_ascii_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Width of the white space at S: ASCII blanks or U+00A0 (no-break space,
 * common in text copied from Word and web pages). */
static size_t space_width(const char *s, size_t n)
{
    if (n >= 1 && is_space((unsigned char)s[0]))
        return 1;
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    return 0;
}

static size_t skip_spaces(const char *s, size_t n, size_t i)
{
    size_t w;
    while (i < n && (w = space_width(s + i, n - i)) > 0)
        i += w;
    return i;
}

static void trim(const char **s, size_t *n)
{
    size_t i = skip_spaces(*s, *n, 0);
    *s += i;
    *n -= i;
    while (*n > 0) {
        if (is_space((unsigned char)(*s)[*n - 1]))
            (*n)--;
        else if (*n >= 2 && (unsigned char)(*s)[*n - 2] == 0xC2 &&
                 (unsigned char)(*s)[*n - 1] == 0xA0)
            *n -= 2;
        else
            break;
    }
}

/* One character of S folded for caseless comparison, its width in *W. ASCII
 * and the Latin-1 letters (À-Þ → à-þ, so "Æ" = "æ") are what Danish headings
 * need; any other byte stands for itself, so invalid UTF-8 is harmless. */
static unsigned fold_at(const char *s, size_t n, size_t *w)
{
    unsigned char c = (unsigned char)s[0];
    *w = 1;
    if (c >= 'A' && c <= 'Z')
        return c + 32u;
    if (c < 0x80)
        return c;
    if (c == 0xC3 && n >= 2 && ((unsigned char)s[1] & 0xC0) == 0x80) {
        unsigned v = 0xC0u + ((unsigned char)s[1] - 0x80u);
        *w = 2;
        if (v <= 0xDE && v != 0xD7)
            v += 0x20;
        return v;
    }
    return 0x100u + c;
}

/* Bytes of S matched by KEYWORD, ignoring case; 0 if S does not start so. */
static size_t ci_prefix(const char *s, size_t n, const char *kw)
{
    /* KW is NUL-terminated, so fold_at may look one byte past any of its
     * characters; no strlen: this runs for every table row on every line. */
    size_t i = 0, k = 0;
    while (kw[k]) {
        if (i >= n)
            return 0;
        size_t wi, wk;
        if (fold_at(s + i, n - i, &wi) != fold_at(kw + k, 2, &wk))
            return 0;
        i += wi;
        k += wk;
    }
    return i;
}

static int ci_equal(const char *s, size_t n, const char *kw)
{
    return n && ci_prefix(s, n, kw) == n;
}

/* Upper-case letter at S: A-Z or Latin-1 À-Þ (Æ, Ø, Å, É, …). */
static int starts_upper(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if (c >= 'A' && c <= 'Z')
        return 1;
    return n >= 2 && c == 0xC3 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9E &&
           (unsigned char)s[1] != 0x97;
}

static int starts_letter(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return 1;
    return n >= 2 && c == 0xC3 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] != 0x97 &&
           (unsigned char)s[1] != 0xB7;
}

/* Punctuation that ends a sentence or a clause, so not a heading or title. */
static int ends_sentence_char(char c)
{
    return c == '.' || c == '!' || c == '?' || c == ';' || c == ',';
}

static size_t count_words(const char *s, size_t n, size_t stop_after)
{
    size_t words = 0, i = 0;
    while (i < n && words <= stop_after) {
        i = skip_spaces(s, n, i);
        if (i >= n)
            break;
        words++;
        while (i < n && space_width(s + i, n - i) == 0)
            i++;
    }
    return words;
}

/* ---- lines ------------------------------------------------------------ */

/* One input line, with Markdown heading marks and "**" removed and white
 * space trimmed: the form every recogniser looks at. */
typedef struct line {
    size_t no;     /* 1-based */
    ref_buf buf;   /* the cleaned text */
    const char *s; /* = buf's data */
    size_t n;
    int level;       /* 1-6 for '#' headings, LEVEL_BOLD, or LEVEL_PLAIN */
    int present;     /* 0 past the end of the input */
    int page;        /* 1-based page (form feeds seen + 1) */
    int consumed;    /* emptied by joining its first word to the line before:
                        not a blank line, just nothing */
    const char *raw; /* the line's bytes in the input, before cleaning */
    size_t nraw;
    int piece; /* a piece of a long line split by split_point */
} line;

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

static void clean_line(line *ln, const char *raw, size_t n)
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

typedef struct cursor {
    const char *text;
    size_t len, pos, no;
    int page;     /* page of the raw line being read */
    int in_raw;   /* pieces of a raw line remain */
    int long_raw; /* that raw line is long: split it */
    size_t raw_start, raw_end;
    size_t raw_first; /* where that raw line starts */
    int light;        /* the pre-pass: lines are only trimmed of blanks and
                         leading markup, not copied and cleaned */
} cursor;

static size_t split_point(const char *s, size_t n);

/* The next line of C into LN; LF, CRLF and a stray CR all end a line, and a
 * form feed at the start of a line starts a page. A raw line longer than
 * LONG_LINE_BYTES comes out in pieces (see split_point), all with the raw
 * line's number. */
static void next_line(cursor *c, line *ln)
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
        e = s + split_point(c->text + s, e - s);
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
    clean_line(ln, c->text + s, e - s);
}

/* ---- the parser's state ----------------------------------------------- */

typedef struct parser {
    meeting_impl *m;
    ref_status rc; /* sticky: once set, helpers do nothing */

    size_t cap_punkter, cap_warnings, cap_sections; /* sections: current punkt's */
    int have_punkt;

    /* the open section of the current punkt */
    int have_section;
    ref_section_kind kind;
    const char *heading;
    size_t heading_line;
    int heading_page;
    int heading_level;
    int cur_page; /* page of the line being handled; 0 without pages */
    ref_buf text;
    int pending_blank;  /* a blank line since the last text line */
    int at_paragraph;   /* the previous line was blank or structural */
    int expect_journal; /* the previous non-blank line was the punkt line */

    /* header */
    int in_toc;
    int seen_header_line;
    const char *referat_date; /* the REFERAT line's date, for a cross-check */
    const char *labelled_date;
    size_t labelled_date_line;

    /* other layouts */
    int numbered_ok;    /* no keyword punkt line in the file: "N. Title" counts */
    int implicit_ok;    /* no punkt lines but section headings: the text after
                           the header is one punkt (a page per item) */
    int implicit_punkt; /* the current punkt is that one */
    int closed_part;    /* after "Lukket dagsorden": every punkt is closed */
    int pending_label;  /* a header label alone on its line: the next line is
                           its value (index into header_labels + 1) */
    const char *first_header_date;
    ref_buf header_text;     /* header lines no header field took */
    size_t header_lines;     /* header lines searched for the body so far */
    size_t npages;           /* 0: no form feeds */
    size_t *furniture_lines; /* sorted line numbers to leave out */
    size_t *furniture_of;    /* for each, its index in m->pub.furniture */
    size_t nfurniture_lines, next_furniture;

    /* numbering */
    int prev_number;
    size_t *first_line_of; /* by punkt number: where it was first seen */
    size_t first_line_cap;
} parser;

/* After a failure (p->rc set, sticky) this returns "", never NULL: the
 * parse runs on to its end, where rc is returned and the meeting freed, and
 * no field read on the way (mt->body[0], ...) is NULL
 * (tests/fault/fault_paths.c, parse-*). */
static char *pstrndup(parser *p, const char *s, size_t n)
{
    static char failed[1];
    if (p->rc != REF_OK)
        return failed;
    char *r = arena_strndup(p->m, s, n);
    if (!r) {
        p->rc = REF_ENOMEM;
        return failed;
    }
    return r;
}

/* Grow *ARR (of SIZE-byte elements, *CAP of them) to hold N+1. */
static int grow(parser *p, void **arr, size_t *cap, size_t n, size_t size)
{
    if (p->rc != REF_OK)
        return 0;
    if (n < *cap)
        return 1;
    size_t ncap = *cap ? *cap * 2 : 8;
    if (ncap > SIZE_MAX / size) {
        p->rc = REF_ENOMEM;
        return 0;
    }
    void *q = realloc(*arr, ncap * size);
    if (!q) {
        p->rc = REF_ENOMEM;
        return 0;
    }
    *arr = q;
    *cap = ncap;
    return 1;
}

static void warn(parser *p, size_t lineno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void warn(parser *p, size_t lineno, const char *fmt, ...)
{
    ref_meeting *mt = &p->m->pub;
    if (p->rc != REF_OK || mt->nwarnings > MAX_WARNINGS)
        return;
    char msg[512]; /* headings in messages are at most MARKUP_HEADING_MAX_BYTES */
    if (mt->nwarnings == MAX_WARNINGS) {
        snprintf(msg, sizeof msg, "further warnings suppressed");
        lineno = 0;
    } else {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
    }
    if (!grow(p, (void **)&mt->warnings, &p->cap_warnings, mt->nwarnings, sizeof *mt->warnings))
        return;
    char *s = pstrndup(p, msg, strlen(msg));
    if (!s)
        return;
    mt->warnings[mt->nwarnings].line = lineno;
    mt->warnings[mt->nwarnings].message = s;
    mt->nwarnings++;
}

static ref_punkt *cur_punkt(parser *p)
{
    return p->have_punkt ? &p->m->pub.punkter[p->m->pub.npunkter - 1] : NULL;
}

/* ---- sections --------------------------------------------------------- */

static void close_section(parser *p)
{
    ref_punkt *pk = cur_punkt(p);
    if (!p->have_section || !pk || p->rc != REF_OK)
        return;
    p->have_section = 0;
    const char *t = ref_buf_cstr(&p->text);
    size_t n = p->text.len;
    trim(&t, &n);
    if (!grow(p, (void **)&pk->sections, &p->cap_sections, pk->nsections, sizeof *pk->sections))
        return;
    char *text = pstrndup(p, t, n);
    if (!text)
        return;
    ref_section *sec = &pk->sections[pk->nsections++];
    sec->kind = p->kind;
    sec->heading = (char *)p->heading;
    sec->text = text;
    sec->line = p->heading_line;
    sec->page = p->heading_page;
    ref_buf_reset(&p->text);
}

static int punkt_closed(parser *p);

static void open_section(parser *p, ref_section_kind kind, const char *heading, size_t hn,
                         size_t lineno, int level)
{
    close_section(p);
    if (punkt_closed(p))
        return; /* a closed item keeps its title only */
    const char *h = pstrndup(p, heading, hn);
    if (!h)
        return;
    p->have_section = 1;
    p->kind = kind;
    p->heading = h;
    p->heading_line = lineno;
    p->heading_page = p->cur_page;
    p->heading_level = level;
    p->pending_blank = 0;
}

static void append_text(parser *p, const char *s, size_t n, size_t lineno)
{
    if (punkt_closed(p))
        return;
    if (!p->have_section)
        open_section(p, REF_SECTION_NONE, "", 0, lineno, LEVEL_PLAIN);
    if (p->text.len)
        ref_buf_puts(&p->text, p->pending_blank ? "\n\n" : "\n");
    ref_buf_append(&p->text, s, n);
    p->pending_blank = 0;
    if (ref_buf_status(&p->text) != REF_OK)
        p->rc = REF_ENOMEM;
}

/* ---- punkt lines ------------------------------------------------------ */

/* How a punkt line is written. "Punkt 3:" needs its colon because Aalborg
 * writes prose like "Punkt 19 behandles som punkt 2."; the other rows need a
 * number and a capitalised title (or none: Roskilde puts "Pkt. 42" alone on
 * its line). New layouts ("12. Godkendelse af …") are new rows. */
typedef struct punkt_pattern {
    const char *keyword;
    int colon_required; /* "Punkt 3: …"; a missing number is then tolerated */
} punkt_pattern;

static const punkt_pattern punkt_patterns[] = {
    {"Punkt", 1}, {"Pkt.", 0}, {"Sag nr.", 0}, {"Nr.", 0}, {"Dagsordenspunkt", 0},
};

typedef struct punkt_line {
    int number;       /* 0 if none */
    int too_large;    /* a number was written but exceeds MAX_PUNKT_NUMBER */
    const char *rest; /* prefix and title */
    size_t nrest;
} punkt_line;

static int match_punkt_pattern(const punkt_pattern *pat, const char *s, size_t n, punkt_line *out)
{
    size_t i = ci_prefix(s, n, pat->keyword);
    if (!i)
        return 0;
    /* "Punktet", "Punkter på dagsordenen": the keyword must end a word. */
    if (i < n && starts_letter(s + i, n - i))
        return 0;
    i = skip_spaces(s, n, i);
    size_t digits = 0;
    long number = 0;
    while (i < n && is_digit(s[i])) {
        if (number <= MAX_PUNKT_NUMBER)
            number = number * 10 + (s[i] - '0');
        digits++;
        i++;
    }
    if (digits && i < n && starts_letter(s + i, n - i))
        return 0; /* "Nr.1a" is not a number we know */
    i = skip_spaces(s, n, i);
    int sep = 0;
    if (i < n && (s[i] == ':' || s[i] == '.')) {
        sep = s[i] == ':';
        i++;
    } else if (i + 1 < n && s[i] == '-' && space_width(s + i + 1, n - i - 1)) {
        i++;
    }
    if (pat->colon_required && !sep)
        return 0;
    if (!pat->colon_required && !digits)
        return 0;
    i = skip_spaces(s, n, i);
    if (!pat->colon_required && i < n && !starts_upper(s + i, n - i) && !is_digit(s[i]))
        return 0; /* "Pkt. 5 blev udsat" is prose */
    out->number = digits && number <= MAX_PUNKT_NUMBER ? (int)number : 0;
    out->too_large = digits && number > MAX_PUNKT_NUMBER;
    out->rest = s + i;
    out->nrest = n - i;
    return 1;
}

/* Bytes of a list bullet ("• ", "- ", "* ", "· ", "– ") and the space
 * after it at S, or 0. Web pages list their punkter as bullets. */
static size_t bullet_width(const char *s, size_t n)
{
    static const char *const bullets[] = {"\u2022", "\u00b7", "\u2013", "-", "*"};
    for (size_t k = 0; k < sizeof bullets / sizeof bullets[0]; k++) {
        size_t m = strlen(bullets[k]);
        if (n > m && memcmp(s, bullets[k], m) == 0 && space_width(s + m, n - m))
            return skip_spaces(s, n, m);
    }
    return 0;
}

static int match_keyword_punkt(const char *s, size_t n, punkt_line *out)
{
    if (n == 0)
        return 0;
    unsigned char c0 = (unsigned char)s[0];
    size_t b = c0 >= 0x80 || c0 == '-' || c0 == '*' ? bullet_width(s, n) : 0;
    if (b >= n)
        return 0;
    /* Most lines start with no keyword's first letter: one compare each. */
    char first = (char)(s[b] >= 'A' && s[b] <= 'Z' ? s[b] + 32 : s[b]);
    for (size_t k = 0; k < sizeof punkt_patterns / sizeof punkt_patterns[0]; k++) {
        char kf = punkt_patterns[k].keyword[0];
        if (first == (char)(kf >= 'A' && kf <= 'Z' ? kf + 32 : kf) &&
            match_punkt_pattern(&punkt_patterns[k], s + b, n - b, out))
            return 1;
    }
    return 0;
}

static int match_punkt_line(const line *ln, punkt_line *out)
{
    return match_keyword_punkt(ln->s, ln->n, out);
}

/* "12. Godkendelse af dagsorden": the layout of files with no keyword punkt
 * lines at all (Brønderslev, Allerød, SBSYS exports). A number of one to
 * three digits, a dot, a capitalised title of heading length. The caller
 * checks that the numbers rise. */
static int match_numbered_punkt(const line *ln, punkt_line *out)
{
    const char *s = ln->s;
    size_t n = ln->n, i = 0;
    int number = 0;
    while (i < n && i < 4 && is_digit(s[i]))
        number = number * 10 + (s[i++] - '0');
    if (i == 0 || i > 3 || i >= n || s[i] != '.' || number == 0)
        return 0;
    size_t t = skip_spaces(s, n, i + 1);
    if (t == i + 1 || t >= n || !(starts_upper(s + t, n - t) || is_digit(s[t])))
        return 0; /* "89. 17 nye lejligheder" starts with a number */
    if (n - t > MARKUP_HEADING_MAX_BYTES || ends_sentence_char(s[n - 1]) || s[n - 1] == ':')
        return 0;
    out->number = number;
    out->too_large = 0;
    out->rest = s + t;
    out->nrest = n - t;
    return 1;
}

/* "CF - Godkendelse": a short all-capitals word before the first " - " (or
 * " – ") is the prefix. Only the first is looked at, so "Budget 2014 -
 * langsigtede strategier" keeps its dash, and a long title is not scanned. */
static void split_prefix(const char *s, size_t n, size_t *prefix_len, size_t *title_off)
{
    *prefix_len = 0;
    *title_off = 0;
    size_t i = 0;
    int letters = 0;
    while (i < n && i <= MAX_PREFIX_BYTES) {
        size_t w;
        unsigned c = (unsigned char)s[i];
        if (starts_upper(s + i, n - i)) {
            letters = 1;
            w = c < 0x80 ? 1 : 2;
        } else if (is_digit(s[i])) {
            w = 1;
        } else {
            break;
        }
        i += w;
    }
    if (!letters || i == 0 || i > MAX_PREFIX_BYTES)
        return;
    size_t j = skip_spaces(s, n, i);
    if (j == i)
        return;
    size_t dash = 0;
    if (j < n && s[j] == '-')
        dash = 1;
    else if (j + 2 < n && (unsigned char)s[j] == 0xE2 && (unsigned char)s[j + 1] == 0x80 &&
             ((unsigned char)s[j + 2] == 0x93 || (unsigned char)s[j + 2] == 0x94))
        dash = 3; /* en dash, em dash */
    if (!dash)
        return;
    size_t k = j + dash;
    if (k < n && space_width(s + k, n - k) == 0)
        return; /* "CF -x" or a hyphenated word */
    *prefix_len = i;
    *title_off = skip_spaces(s, n, k);
}

/* Does S contain NEEDLE, ignoring case? S is short (a punkt line or a
 * line under it), so the scan is bounded by the caller. */
static int ci_contains(const char *s, size_t n, const char *needle)
{
    for (size_t i = 0; i < n; i++)
        if (ci_prefix(s + i, n - i, needle))
            return 1;
    return 0;
}

/* Words that mark an item as closed to the public, in the punkt line or on
 * a line right under it ("Sagsnr. 299835 Kultur- og Idrætsudvalget Lukket
 * punkt"). */
static const char *const closed_markers[] = {"lukket punkt", "lukket sag", "(lukket"};

static int closed_marker(const char *s, size_t n)
{
    if (n > FURNITURE_MAX_BYTES)
        return 0;
    if (ci_equal(s, n, "Lukket") || ci_equal(s, n, "Lukket:"))
        return 1;
    for (size_t k = 0; k < sizeof closed_markers / sizeof closed_markers[0]; k++)
        if (ci_contains(s, n, closed_markers[k]))
            return 1;
    return 0;
}

/* Lines that open (1) or end (-1) the closed part of a meeting. */
static int closed_part_line(const char *s, size_t n)
{
    static const char *const opens[] = {"Lukket dagsorden", "Lukket møde", "Lukkede punkter",
                                        "Lukkede sager", "Lukket del"};
    static const char *const ends[] = {"Åben dagsorden", "Åbent møde", "Åbne punkter", "Åbne sager",
                                       "Åben del"};
    for (size_t k = 0; k < sizeof opens / sizeof opens[0]; k++) {
        if (ci_equal(s, n, opens[k]))
            return 1;
        if (ci_equal(s, n, ends[k]))
            return -1;
    }
    return 0;
}

static int punkt_closed(parser *p)
{
    ref_punkt *pk = cur_punkt(p);
    return pk && pk->closed;
}

/* Close the current punkt after the fact ("Lukket punkt" under its line):
 * whatever text it collected is dropped, never stored. */
static void close_punkt_now(parser *p)
{
    ref_punkt *pk = cur_punkt(p);
    if (!pk)
        return;
    pk->closed = 1;
    pk->nsections = 0;
    p->have_section = 0;
    ref_buf_reset(&p->text);
}

static int punkt_has_text(const ref_punkt *pk)
{
    for (size_t i = 0; i < pk->nsections; i++)
        if (pk->sections[i].text[0])
            return 1;
    return 0;
}

static void finish_punkt(parser *p)
{
    ref_punkt *pk = cur_punkt(p);
    if (!pk)
        return;
    close_section(p);
    if (!pk->title[0])
        warn(p, pk->line, "punkt %d has no title", pk->number);
    if (pk->closed)
        return; /* no text, by design */
    if (!punkt_has_text(pk)) {
        warn(p, pk->line, "punkt %d has no text", pk->number);
        return;
    }
    for (size_t i = 0; i < pk->nsections; i++)
        if (!pk->sections[i].text[0])
            warn(p, pk->sections[i].line, "heading \"%s\" has no text", pk->sections[i].heading);
}

static void check_number(parser *p, const punkt_line *pl, size_t lineno)
{
    if (pl->too_large) {
        warn(p, lineno, "punkt number too large; stored as 0");
        return;
    }
    if (pl->number == 0) {
        warn(p, lineno, "punkt line without a number");
        return;
    }
    size_t num = (size_t)pl->number;
    if (num >= p->first_line_cap) {
        size_t ncap = p->first_line_cap ? p->first_line_cap : 64;
        while (ncap <= num)
            ncap *= 2;
        size_t *q = realloc(p->first_line_of, ncap * sizeof *q);
        if (!q) {
            p->rc = REF_ENOMEM;
            return;
        }
        memset(q + p->first_line_cap, 0, (ncap - p->first_line_cap) * sizeof *q);
        p->first_line_of = q;
        p->first_line_cap = ncap;
    }
    if (p->first_line_of[num]) {
        warn(p, lineno, "punkt %d appears again (first at line %zu)", pl->number,
             p->first_line_of[num]);
    } else {
        p->first_line_of[num] = lineno;
        if (p->prev_number && pl->number != p->prev_number + 1)
            warn(p, lineno, "punkt %d follows punkt %d: out of sequence", pl->number,
                 p->prev_number);
    }
    p->prev_number = pl->number;
}

static void start_punkt(parser *p, const punkt_line *pl, size_t lineno)
{
    finish_punkt(p);
    ref_meeting *mt = &p->m->pub;
    if (!grow(p, (void **)&mt->punkter, &p->cap_punkter, mt->npunkter, sizeof *mt->punkter))
        return;
    ref_punkt *pk = &mt->punkter[mt->npunkter];
    memset(pk, 0, sizeof *pk);
    size_t plen, toff;
    split_prefix(pl->rest, pl->nrest, &plen, &toff);
    const char *t = pl->rest + toff;
    size_t tn = pl->nrest - toff;
    trim(&t, &tn);
    pk->prefix = pstrndup(p, pl->rest, plen);
    pk->title = pstrndup(p, t, tn);
    pk->journal = pstrndup(p, "", 0);
    if (p->rc != REF_OK)
        return;
    pk->number = pl->number;
    pk->line = lineno;
    pk->page = p->cur_page;
    pk->closed = p->closed_part || closed_marker(pl->rest, pl->nrest);
    mt->npunkter++;
    p->have_punkt = 1;
    p->cap_sections = 0;
    p->have_section = 0;
    p->expect_journal = 1;
    if (!p->implicit_punkt)
        check_number(p, pl, lineno);
}

/* ---- journal numbers -------------------------------------------------- */

/* Labels some case systems write before the number; the number alone is
 * Albertslund's way. */
static const char *const journal_labels[] = {
    "Sagsnr.",    "Sagsnr",      "Sags nr.", "J.nr.",  "J. nr.",  "Jnr.",
    "Journalnr.", "Journal nr.", "Sagsid.",  "Sagsid", "Sags-id",
};

/* A single token of letters and digits joined by '.', '-' or '/', with at
 * least two digits: "00.01.00-A00-3-17", "13/3462". Without a label it must
 * also contain a joiner, so a lone "2017" stays text. */
static int journal_token(const char *s, size_t n, int labelled)
{
    if (n == 0 || n > MAX_JOURNAL_BYTES || !is_ascii_alnum(s[0]) || !is_ascii_alnum(s[n - 1]))
        return 0;
    size_t digits = 0, joiners = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_digit(s[i]))
            digits++;
        else if (s[i] == '.' || s[i] == '-' || s[i] == '/')
            joiners++;
        else if (!is_ascii_alnum(s[i]))
            return 0;
    }
    return digits >= 2 && (labelled || joiners > 0);
}

static int match_journal(const line *ln, const char **tok, size_t *ntok)
{
    const char *s = ln->s;
    size_t n = ln->n;
    int labelled = 0;
    for (size_t k = 0; k < sizeof journal_labels / sizeof journal_labels[0]; k++) {
        size_t i = ci_prefix(s, n, journal_labels[k]);
        if (i && (i == n || !starts_letter(s + i, n - i))) {
            if (i < n && s[i] == ':')
                i++;
            i = skip_spaces(s, n, i);
            s += i;
            n -= i;
            labelled = 1;
            break;
        }
    }
    if (!journal_token(s, n, labelled))
        return 0;
    *tok = s;
    *ntok = n;
    return 1;
}

/* ---- headings --------------------------------------------------------- */

/* The grammar of headings: a keyword, and what may follow it on the line.
 * Every row also matches with a trailing ':' and as an inline heading
 * ("Beslutning: Godkendt."). Matching ignores case. */
enum {
    SFX_BARE = 0,
    SFX_AT = 1,    /* " i <body> den <date>", " den <date>", " på …", " (…)":
                      "Beslutning i Tværgående chefgruppe den 24-05-2013" */
    SFX_QUOTE = 2, /* " fra …": a quoted earlier decision, see below */
};

typedef struct heading_rule {
    const char *keyword;
    ref_section_kind kind;
    unsigned suffixes;
} heading_rule;

/* "Beslutning fra Chefforum, 19. januar 2023, pkt. 7:" (corpus/002, punkt 5)
 * quotes a decision of an earlier meeting inside this punkt's Historik. It is
 * not this meeting's decision, so it opens no section: the line and the
 * quoted text stay in the section around it (Historik there, Sagsfremstilling
 * elsewhere), and the Beslutning field — what `--decisions` searches — holds
 * only what this meeting decided. Pinned by test_quoted_decision_stays_in_historik
 * and by the seed table in tests/test_minutes.c.
 *
 * Rows mapped to REF_SECTION_OTHER are other municipalities' headings: they
 * are recognised, so they end the section before them, but get no field of
 * their own yet. */
static const heading_rule heading_rules[] = {
    {"Anledning", REF_SECTION_ANLEDNING, SFX_BARE},
    {"Baggrund", REF_SECTION_BAGGRUND, SFX_BARE},
    {"Sagsfremstilling", REF_SECTION_SAGSFREMSTILLING, SFX_BARE},
    {"Indstilling", REF_SECTION_INDSTILLING, SFX_AT},
    {"Beslutning", REF_SECTION_BESLUTNING, SFX_AT | SFX_QUOTE},
    {"Historik", REF_SECTION_HISTORIK, SFX_BARE},
    {"Bilag", REF_SECTION_BILAG, SFX_BARE},
    {"Resumé", REF_SECTION_OTHER, SFX_BARE},
    {"Resume", REF_SECTION_OTHER, SFX_BARE},
    {"Sagens kerne", REF_SECTION_OTHER, SFX_BARE},
    {"Beslutningstema", REF_SECTION_OTHER, SFX_BARE},
    {"Sagsbeskrivelse", REF_SECTION_OTHER, SFX_BARE},
    {"Sagens tidligere behandling", REF_SECTION_OTHER, SFX_BARE},
    {"Tidligere beslutninger", REF_SECTION_OTHER, SFX_BARE},
    {"Økonomi", REF_SECTION_OTHER, SFX_BARE},
    {"Økonomiske konsekvenser", REF_SECTION_OTHER, SFX_BARE},
    {"Bevillingsmæssige konsekvenser", REF_SECTION_OTHER, SFX_BARE},
    {"Personalemæssige konsekvenser", REF_SECTION_OTHER, SFX_BARE},
    {"Lovgrundlag", REF_SECTION_OTHER, SFX_BARE},
    {"Retsgrundlag", REF_SECTION_OTHER, SFX_BARE},
    {"Høring", REF_SECTION_OTHER, SFX_BARE},
    {"Tidsplan", REF_SECTION_OTHER, SFX_BARE},
    {"Kommunikation", REF_SECTION_OTHER, SFX_BARE},
    {"Kompetence", REF_SECTION_OTHER, SFX_BARE},
    /* other municipalities' names for the same sections */
    {"Administrationens indstilling", REF_SECTION_INDSTILLING, SFX_BARE},
    {"Forvaltningens indstilling", REF_SECTION_INDSTILLING, SFX_BARE},
    {"Direktionens indstilling", REF_SECTION_INDSTILLING, SFX_BARE},
    {"Borgmesterens indstilling", REF_SECTION_INDSTILLING, SFX_BARE},
    {"Sagsbeskrivelse og vurdering", REF_SECTION_SAGSFREMSTILLING, SFX_BARE},
    {"Udvalgets beslutning", REF_SECTION_BESLUTNING, SFX_AT},
    {"Byrådets beslutning", REF_SECTION_BESLUTNING, SFX_AT},
    {"Politisk behandling", REF_SECTION_BESLUTNING, SFX_BARE}, /* Region Hovedstaden */
    {"Bilagsoversigt", REF_SECTION_BILAG, SFX_BARE},
    {"Beslutningskompetence", REF_SECTION_OTHER, SFX_BARE},
    {"Sammenfatning", REF_SECTION_OTHER, SFX_BARE},
    {"Forventet sagsgang", REF_SECTION_OTHER, SFX_BARE},
    {"Personalemæssige forhold", REF_SECTION_OTHER, SFX_BARE},
    {"Miljømæssige konsekvenser", REF_SECTION_OTHER, SFX_BARE},
    {"Udtalelse", REF_SECTION_OTHER, SFX_BARE},
    {"Høringssvar", REF_SECTION_OTHER, SFX_BARE},
    {"Vurdering", REF_SECTION_OTHER, SFX_BARE},
    {"Sagsforløb", REF_SECTION_OTHER, SFX_BARE},
    {"Punkttype", REF_SECTION_OTHER, SFX_BARE},
};

typedef enum heading_role {
    ROLE_TEXT,    /* not a heading */
    ROLE_QUOTE,   /* a known keyword quoting another meeting: text */
    ROLE_KNOWN,   /* a row of heading_rules */
    ROLE_UNKNOWN, /* shaped like a heading, in no row */
} heading_role;

typedef struct heading_match {
    heading_role role;
    ref_section_kind kind;
    size_t heading_len; /* bytes of the line that are the heading */
    size_t text_off;    /* where inline text starts, or the line's length */
} heading_match;

static size_t date_lead(const char *s, size_t n);

/* "Børne- og Uddannelsesudvalg den 06-06-2017" after "Beslutning": a
 * capitalised name, then " den " or " d. " and a date (Aabenraa, Allerød). */
static int body_then_date(const char *s, size_t n)
{
    return starts_upper(s, n) && date_lead(s, n) < n;
}

static int match_rule(const heading_rule *r, const char *s, size_t n, heading_match *hm)
{
    size_t i = ci_prefix(s, n, r->keyword);
    if (!i || (i < n && starts_letter(s + i, n - i)))
        return 0;
    size_t j = skip_spaces(s, n, i);
    heading_match m = {ROLE_KNOWN, r->kind, n, n};
    if (j < n && s[j] == ':') { /* "Beslutning:" or "Beslutning: Godkendt." */
        m.heading_len = j + 1;
        m.text_off = skip_spaces(s, n, j + 1);
        /* "Tidsplan: uge 12" inside a Sagsfremstilling is a label, and
         * cutting there costs the section its text (see may_open_other);
         * only this meeting's own sections are written inline. */
        if (m.text_off < n && r->kind == REF_SECTION_OTHER)
            return 0;
    } else if (j < n) {
        const char *rest = s + j;
        size_t nrest = n - j;
        if (j == i)
            return 0; /* "Bilag-1" */
        if ((r->suffixes & SFX_QUOTE) && ci_prefix(rest, nrest, "fra ")) {
            m.role = ROLE_QUOTE;
        } else if (!(r->suffixes & SFX_AT) || n > SUFFIXED_HEADING_MAX_BYTES ||
                   ends_sentence_char(s[n - 1]) ||
                   !(ci_prefix(rest, nrest, "i ") || ci_prefix(rest, nrest, "den ") ||
                     ci_prefix(rest, nrest, "på ") || rest[0] == '(' ||
                     body_then_date(rest, nrest))) {
            return 0; /* "Økonomi & Stab udsender …" is a sentence */
        }
    }
    *hm = m;
    return 1;
}

/* Is S shaped like a heading? Short, capitalised, not a list item, no
 * sentence punctuation at the end and no ": " label inside ("Oktober 2017:
 * Orientering …"). Markup (#, whole-line bold) is the author saying "heading",
 * so it earns a longer allowance. */
static int heading_shape(const char *s, size_t n, int level)
{
    if (n == 0)
        return 0;
    if (level <= 6)
        return n <= MARKUP_HEADING_MAX_BYTES;
    int plain = level == LEVEL_PLAIN;
    if (n > (plain ? PLAIN_HEADING_MAX_BYTES : MARKUP_HEADING_MAX_BYTES))
        return 0;
    if (!starts_upper(s, n))
        return 0; /* also rules out "- item", "• item", "1. at …" */
    if (n >= 2 && (s[1] == ')' || s[1] == '.'))
        return 0; /* "A) …", "B. …" */
    char last = s[n - 1];
    if (ends_sentence_char(last) || (plain && last == ':'))
        return 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] == '\t' || (s[i] == ':' && plain))
            return 0;
        if (s[i] == '.' && space_width(s + i + 1, n - i - 1) && i + 2 < n &&
            starts_upper(s + i + 2, n - i - 2))
            return 0; /* two sentences */
    }
    return count_words(s, n, MARKUP_HEADING_MAX_WORDS) <=
           (size_t)(plain ? PLAIN_HEADING_MAX_WORDS : MARKUP_HEADING_MAX_WORDS);
}

static heading_match classify_heading(const line *ln)
{
    heading_match hm = {ROLE_TEXT, REF_SECTION_OTHER, 0, 0};
    for (size_t k = 0; k < sizeof heading_rules / sizeof heading_rules[0]; k++)
        if (match_rule(&heading_rules[k], ln->s, ln->n, &hm))
            return hm;
    if (heading_shape(ln->s, ln->n, ln->level)) {
        hm.role = ROLE_UNKNOWN;
        hm.kind = REF_SECTION_OTHER;
        hm.heading_len = hm.text_off = ln->n;
    }
    return hm;
}

/* ---- text that lost its line breaks ---------------------------------- */

/* Bytes of S taken by KEYWORD written in capitals ("INDSTILLING",
 * "ØKONOMI") and ending a word; 0 otherwise. Capitals are how flattened
 * PDF text still shows its headings. */
static size_t caps_keyword_at(const char *s, size_t n, const char *kw)
{
    size_t w = ci_prefix(s, n, kw);
    if (!w || (w < n && (starts_letter(s + w, n - w) || is_digit(s[w]))))
        return 0;
    for (size_t i = 0; i < w;) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ') {
            i++;
            continue;
        }
        if (!starts_upper(s + i, w - i))
            return 0;
        i += c < 0x80 ? 1 : 2;
    }
    return w;
}

static size_t caps_heading_at(const char *s, size_t n)
{
    for (size_t k = 0; k < sizeof heading_rules / sizeof heading_rules[0]; k++) {
        size_t w = caps_keyword_at(s, n, heading_rules[k].keyword);
        if (w)
            return w;
    }
    return 0;
}

/* Where the first piece of a long line S ends: before a punkt marker
 * ("Sag nr. 5 …", "Pkt. 12 …") or a heading in capitals, and right after
 * such a heading, so "… godkendt. INDSTILLING Direktionen indstiller …"
 * reads as three lines. N if there is no such place. Every position costs a
 * bounded look, so splitting a line is linear in its length. */
static size_t split_point(const char *s, size_t n)
{
    size_t w = caps_heading_at(s, n);
    if (w && w < n)
        return w;
    for (size_t i = 1; i < n; i++) {
        if (s[i - 1] != ' ' || !(starts_upper(s + i, n - i)))
            continue;
        /* Cheap tests first: a heading in capitals starts with two capitals,
         * a punkt marker with the first letter of a keyword. */
        size_t w1 = (unsigned char)s[i] < 0x80 ? 1 : 2;
        if (i + w1 < n && starts_upper(s + i + w1, n - i - w1) && caps_heading_at(s + i, n - i))
            return i;
        int marker = 0;
        for (size_t k = 0; k < sizeof punkt_patterns / sizeof punkt_patterns[0]; k++)
            marker |= s[i] == punkt_patterns[k].keyword[0];
        if (!marker)
            continue;
        punkt_line pl;
        size_t look = n - i < MARKUP_HEADING_MAX_BYTES ? n - i : MARKUP_HEADING_MAX_BYTES;
        if (match_keyword_punkt(s + i, look, &pl) && pl.number > 0)
            return i;
    }
    return n;
}

/* May an unknown heading-like line open a REF_SECTION_OTHER section here?
 *
 * Getting this wrong is not symmetric. A sub-heading left in its section's
 * text loses nothing: the words stay in the right field. A sub-heading taken
 * for a section heading moves the rest of the section into "andet": in
 * corpus/001 punkt 3 the decision has sub-headings "Afdelingsprofiler",
 * "Konto 6", "Lokaler", and cutting there would hide most of the decision
 * from a Beslutning search. So inside a known section (Anledning … Bilag) an
 * unknown heading is a sub-heading and stays text, unless markup ranks it
 * at least as high as the heading that opened the section ("## Økonomi"
 * after "## Beslutning"). Where no known heading rules — before the first
 * heading of a punkt, or in another unknown section — a heading-like line
 * standing alone between blank lines opens a section. Pinned by
 * test_subheadings_stay_in_decision and the heading table in
 * tests/test_minutes.c. */
static int may_open_other(const parser *p, const line *ln, const line *next)
{
    int standalone = p->at_paragraph && (!next->present || next->n == 0);
    if (ln->level == LEVEL_PLAIN && !standalone)
        return 0;
    if (!p->have_section || p->kind == REF_SECTION_NONE || p->kind == REF_SECTION_OTHER)
        return 1;
    return ln->level != LEVEL_PLAIN && p->heading_level != LEVEL_PLAIN &&
           ln->level <= p->heading_level;
}

/* ---- the header ------------------------------------------------------- */

static const char *const month_names[12] = {
    "januar", "februar", "marts",     "april",   "maj",      "juni",
    "juli",   "august",  "september", "oktober", "november", "december",
};

static size_t read_int(const char *s, size_t n, size_t i, size_t maxdigits, int *out)
{
    size_t k = 0;
    int v = 0;
    while (i + k < n && k < maxdigits && is_digit(s[i + k]))
        v = v * 10 + (s[i + k++] - '0');
    if (i + k < n && is_digit(s[i + k]))
        return 0; /* too many digits */
    *out = v;
    return k;
}

static int valid_date(int y, int mo, int d)
{
    return y >= 1900 && y <= 2199 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

/* "YYYY-MM-DD" of a date valid_date() accepted, digit by digit: the bounds
 * are known here, and snprintf's "%04d" made GCC warn that they are not. */
static void put_date(char out[11], int y, int mo, int d)
{
    const int v[3] = {y, mo, d};
    const int w[3] = {4, 2, 2};
    size_t k = 0;
    for (int f = 0; f < 3; f++) {
        if (f)
            out[k++] = '-';
        for (int i = w[f] - 1, div = 1; i >= 0; i--, div *= 10)
            out[k + (size_t)i] = (char)('0' + (v[f] / div) % 10);
        k += (size_t)w[f];
    }
    out[10] = '\0';
}

/* Bytes of S naming month MO (0-11): the full name or a three-letter
 * abbreviation with its dot ("sep.", and "sept."); 0 if none. */
static size_t month_at(const char *s, size_t n, int mo)
{
    size_t w = ci_prefix(s, n, month_names[mo]);
    if (!w) {
        char abbr[5];
        memcpy(abbr, month_names[mo], 4);
        abbr[3] = '.';
        abbr[4] = '\0';
        w = ci_prefix(s, n, abbr);
        if (!w && mo == 8)
            w = ci_prefix(s, n, "sept.");
    }
    if (w && w < n && starts_letter(s + w, n - w))
        return 0; /* "marts" must not match "martsmøde" */
    return w;
}

/* A date starting at S[I]: "07-09-2017", "7.9.2017", "3/4 2019" (day/month
 * and the year after a space, as Danish minutes write it); "2017-09-07";
 * "7. september 2017", "7 sep. 2017". On success writes
 * "YYYY-MM-DD" to OUT and returns the bytes used. */
static size_t date_at(const char *s, size_t n, size_t i, char out[11])
{
    int a, b, c;
    size_t k = read_int(s, n, i, 4, &a), j;
    if (!k)
        return 0;
    j = i + k;
    if (k == 4 && j + 6 <= n && s[j] == '-') { /* ISO */
        size_t k2 = read_int(s, n, j + 1, 2, &b);
        if (k2 == 2 && j + 3 < n && s[j + 3] == '-' && read_int(s, n, j + 4, 2, &c) == 2 &&
            valid_date(a, b, c)) {
            put_date(out, a, b, c);
            return j + 6 - i;
        }
        return 0;
    }
    if (k > 2)
        return 0;
    if (j < n && (s[j] == '-' || s[j] == '.' || s[j] == '/')) { /* numeric */
        char sep = s[j];
        size_t k2 = read_int(s, n, j + 1, 2, &b);
        size_t m = j + 1 + k2;
        if (k2 && m < n && s[m] == sep && read_int(s, n, m + 1, 4, &c) == 4 &&
            valid_date(c, b, a)) {
            put_date(out, c, b, a);
            return m + 5 - i;
        }
        /* "3/4 2019": day/month, a space, the year */
        if (k2 && sep == '/' && m + 1 < n && s[m] == ' ' && read_int(s, n, m + 1, 4, &c) == 4 &&
            valid_date(c, b, a)) {
            put_date(out, c, b, a);
            return m + 5 - i;
        }
    }
    if (j < n && s[j] == '.') /* "7. september 2017" */
        j++;
    j = skip_spaces(s, n, j);
    for (int mo = 0; mo < 12; mo++) {
        size_t w = month_at(s + j, n - j, mo);
        if (!w)
            continue;
        size_t e = skip_spaces(s, n, j + w);
        if (read_int(s, n, e, 4, &c) == 4 && valid_date(c, mo + 1, a)) {
            put_date(out, c, mo + 1, a);
            return e + 4 - i;
        }
    }
    return 0;
}

/* The first date in S, its start in *AT. Each start position costs a bounded
 * look, so this is linear in N. */
static int find_date(const char *s, size_t n, char out[11], size_t *at)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]) || (i > 0 && is_digit(s[i - 1])))
            continue;
        if (date_at(s, n, i, out)) {
            *at = i;
            return 1;
        }
    }
    return 0;
}

/* Where " d. 7…" or " den 7…" starts in S, or N: what introduces a date
 * even when the date itself is not valid. */
static size_t date_lead(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != ' ')
            continue;
        size_t w = ci_prefix(s + i, n - i, " d. ");
        if (!w)
            w = ci_prefix(s + i, n - i, " den ");
        if (w && i + w < n && is_digit(s[i + w]))
            return i;
    }
    return n;
}

/* Words that start the first line of a minutes document, before the body's
 * name. Longest first. */
static const char *const doc_kinds[] = {
    "Referat til mødet i", "Referat fra mødet i", "Beslutningsprotokol", "REFERAT", "Dagsorden",
};

/* From "REFERAT Chefforum d. 07-09-2017": body "Chefforum", date. */
static void parse_heading_line(parser *p, const line *ln)
{
    ref_meeting *mt = &p->m->pub;
    mt->heading = pstrndup(p, ln->s, ln->n);
    char date[11];
    size_t at = ln->n;
    if (find_date(ln->s, ln->n, date, &at))
        p->referat_date = pstrndup(p, date, 10);
    for (size_t k = 0; k < sizeof doc_kinds / sizeof doc_kinds[0]; k++) {
        size_t i = ci_prefix(ln->s, ln->n, doc_kinds[k]);
        if (!i || (i < ln->n && starts_letter(ln->s + i, ln->n - i)))
            continue;
        const char *b = ln->s + i;
        size_t bn = at > i ? at - i : 0;
        if (at == ln->n)
            bn = date_lead(b, ln->n - i); /* "Chefforum d. 32-13-2017" */
        trim(&b, &bn);
        /* the words that lead up to the date: "d.", "den", "-", "," */
        static const char *const tails[] = {" d.", " den", " -", ",", " kl."};
        for (int again = 1; again;) {
            again = 0;
            for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
                size_t tl = strlen(tails[t]);
                if (bn >= tl && ci_equal(b + bn - tl, tl, tails[t])) {
                    bn -= tl;
                    trim(&b, &bn);
                    again = 1;
                }
            }
        }
        if (bn)
            mt->body = pstrndup(p, b, bn);
        break;
    }
}

enum header_field { FIELD_DATE, FIELD_PLACE, FIELD_BODY };

static const struct header_label {
    const char *label;
    enum header_field field;
} header_labels[] = {
    {"Mødedato", FIELD_DATE},  {"Dato", FIELD_DATE},      {"Starttidspunkt", FIELD_DATE},
    {"Mødested", FIELD_PLACE}, {"Sted", FIELD_PLACE},     {"Lokale", FIELD_PLACE},
    {"Udvalg", FIELD_BODY},    {"Mødeforum", FIELD_BODY},
};

/* Word endings that name a political body: "Økonomiudvalget",
 * "Byrådet", "Kommunalbestyrelsen", "Chefforum", … */
static const char *const body_endings[] = {
    "udvalget",         "udvalg", "rådet",  "råd",  "bestyrelsen", "bestyrelse",  "magistraten",
    "repræsentationen", "forum",  "nævnet", "nævn", "chefgruppe",  "direktionen",
};

typedef struct span {
    const char *s;
    size_t n;
} span;

static int word_is_body(span w)
{
    while (w.n && (w.s[w.n - 1] == ',' || w.s[w.n - 1] == ':'))
        w.n--;
    for (size_t k = 0; k < sizeof body_endings / sizeof body_endings[0]; k++) {
        size_t m = strlen(body_endings[k]);
        if (w.n >= m && ci_equal(w.s + w.n - m, m, body_endings[k]))
            return 1;
    }
    return 0;
}

/* A word that may stand inside a body's name: capitalised ("Teknik,"),
 * "og", or cut before "og" ("Børne-"). */
static int word_in_body_name(span w)
{
    return starts_upper(w.s, w.n) || ci_equal(w.s, w.n, "og") || w.s[w.n - 1] == '-';
}

/* The body named in a header line without a label: "Social- og
 * Sundhedsudvalget torsdag den 20. april 2023", "Byrådet - Referat",
 * "mødet i Kommunalbestyrelsen 2018-21", "Udvalget for Erhverv og Kultur".
 * Finds the first word ending like a body and widens it to the name around
 * it. */
static void body_from_line(parser *p, const line *ln)
{
    enum { MAX_WORDS = 40 };
    if (ln->n > FURNITURE_MAX_BYTES)
        return;
    span w[MAX_WORDS];
    size_t nw = 0, i = 0;
    while (nw < MAX_WORDS) {
        i = skip_spaces(ln->s, ln->n, i);
        if (i >= ln->n)
            break;
        size_t j = i;
        while (j < ln->n && !space_width(ln->s + j, ln->n - j))
            j++;
        w[nw++] = (span){ln->s + i, j - i};
        i = j;
    }
    for (size_t k = 0; k < nw; k++) {
        if (!starts_upper(w[k].s, w[k].n) || !word_is_body(w[k]))
            continue;
        size_t first = k, last = k;
        while (first > 0 && word_in_body_name(w[first - 1]) &&
               !ci_equal(w[first - 1].s, w[first - 1].n, "Referat") &&
               !ci_equal(w[first - 1].s, w[first - 1].n, "Dagsorden"))
            first--;
        if (ci_equal(w[first].s, w[first].n, "og"))
            first++;
        /* "Udvalget for Erhverv og Kultur": the name goes on after "for". */
        if (last + 1 < nw && ci_equal(w[last + 1].s, w[last + 1].n, "for")) {
            size_t e = last + 2;
            while (e < nw && word_in_body_name(w[e]) && !is_digit(w[e].s[0]))
                e++;
            if (e > last + 2)
                last = e - 1;
            if (ci_equal(w[last].s, w[last].n, "og"))
                last--;
        }
        const char *b = w[first].s;
        size_t bn = (size_t)(w[last].s + w[last].n - b);
        while (bn && (b[bn - 1] == ',' || b[bn - 1] == ':'))
            bn--;
        p->m->pub.body = pstrndup(p, b, bn);
        return;
    }
}

static void set_header_field(parser *p, enum header_field field, const line *ln, const char *v,
                             size_t vn)
{
    ref_meeting *mt = &p->m->pub;
    trim(&v, &vn);
    switch (field) {
    case FIELD_PLACE:
        if (!mt->place[0] && vn)
            mt->place = pstrndup(p, v, vn);
        break;
    case FIELD_BODY:
        if (!mt->body[0] && vn && vn <= FURNITURE_MAX_BYTES)
            mt->body = pstrndup(p, v, vn);
        break;
    case FIELD_DATE:
        if (!p->labelled_date) {
            char date[11];
            size_t at;
            if (find_date(v, vn, date, &at)) {
                p->labelled_date = pstrndup(p, date, 10);
                p->labelled_date_line = ln->no;
            }
        }
        break;
    }
}

/* A header line: the meeting's first line, labels, the table of contents.
 * Returns 1 if the line told something about the meeting (or is part of
 * the table of contents), 0 if it is some other text. */
static int header_line(parser *p, const line *ln)
{
    ref_meeting *mt = &p->m->pub;
    if (ci_equal(ln->s, ln->n, "Indholdsfortegnelse") || ci_equal(ln->s, ln->n, "Indhold")) {
        p->in_toc = 1;
        return 1;
    }
    int dated = 0;
    if (!p->in_toc) {
        char date[11];
        size_t at;
        /* a line about the date, not a paragraph that mentions one */
        dated = ln->n <= FURNITURE_MAX_BYTES && find_date(ln->s, ln->n, date, &at);
        if (dated && !p->first_header_date)
            p->first_header_date = pstrndup(p, date, 10);
    }
    if (p->in_toc && p->seen_header_line)
        return 1;
    if (p->pending_label) { /* "UDVALG" alone, the name on the next line */
        size_t k = (size_t)p->pending_label - 1;
        p->pending_label = 0;
        set_header_field(p, header_labels[k].field, ln, ln->s, ln->n);
        return 1;
    }
    for (size_t k = 0; k < sizeof header_labels / sizeof header_labels[0]; k++) {
        size_t i = ci_prefix(ln->s, ln->n, header_labels[k].label);
        if (!i)
            continue;
        if (i == ln->n || (ln->s[i] == ':' && i + 1 == ln->n)) {
            p->pending_label = (int)k + 1;
            p->seen_header_line = 1; /* a form of labels has no title line */
            return 1;
        }
        if (!p->seen_header_line)
            break; /* the first line is the meeting's title line */
        if (ln->s[i] != ':' && !space_width(ln->s + i, ln->n - i))
            continue;
        if (ln->s[i] == ':')
            i++;
        set_header_field(p, header_labels[k].field, ln, ln->s + i, ln->n - i);
        return 1;
    }
    if (!p->seen_header_line) {
        p->seen_header_line = 1;
        parse_heading_line(p, ln);
        if (!mt->body[0])
            body_from_line(p, ln);
        return 1;
    }
    /* The body is named at the top; a header of thousands of lines (a
     * file with no punkter) is not searched for it line by line. */
    if (!mt->body[0] && ++p->header_lines <= BODY_SEARCH_MAX_LINES) {
        body_from_line(p, ln);
        if (mt->body[0])
            return 1;
    }
    return dated;
}

/* A table-of-contents entry: dotted leaders or a tab before a page number
 * ("CF - Evt.....\t14"). Such lines are never content, even when they look
 * like punkt lines. */
static int toc_entry(const line *ln)
{
    size_t e = ln->n;
    while (e > 0 && is_digit(ln->s[e - 1]))
        e--;
    if (e == ln->n || e == 0)
        return 0;
    size_t digits_at = e;
    while (e > 0 && is_space((unsigned char)ln->s[e - 1]))
        e--;
    if (e < digits_at && ln->s[e] == '\t')
        return 1;
    size_t dots = 0;
    while (e > 0 && ln->s[e - 1] == '.') {
        e--;
        dots++;
    }
    return dots >= 4;
}

static void finish_header(parser *p)
{
    ref_meeting *mt = &p->m->pub;
    if (p->referat_date) {
        mt->date = (char *)p->referat_date;
        if (p->labelled_date && strcmp(p->referat_date, p->labelled_date) != 0)
            warn(p, p->labelled_date_line, "meeting date %s differs from %s in the first line",
                 p->labelled_date, p->referat_date);
    } else if (p->labelled_date) {
        mt->date = (char *)p->labelled_date;
    } else if (p->first_header_date) {
        mt->date = (char *)p->first_header_date;
    } else {
        warn(p, 0, "no meeting date found");
    }
    if (!mt->body[0])
        warn(p, 0, "no committee name found in the first line");
}

/* ---- the municipality ------------------------------------------------- */

/* Denmark's 98 municipalities as their names stand before "Kommune", and
 * the five regions. A name is found only in that phrase ("Albertslund
 * Kommune", "Aarhus Kommunes"), so a place or a word of the same spelling
 * elsewhere in the text never counts. Where the official name is a
 * genitive ("Københavns Kommune"), the second column is the name shown. */
static const struct municipality_name {
    const char *written;
    const char *name;
} municipality_names[] = {
    {"Albertslund", NULL},
    {"Allerød", NULL},
    {"Assens", NULL},
    {"Ballerup", NULL},
    {"Billund", NULL},
    {"Bornholms", "Bornholm"},
    {"Brøndby", NULL},
    {"Brønderslev", NULL},
    {"Dragør", NULL},
    {"Egedal", NULL},
    {"Esbjerg", NULL},
    {"Fanø", NULL},
    {"Favrskov", NULL},
    {"Faxe", NULL},
    {"Fredensborg", NULL},
    {"Fredericia", NULL},
    {"Frederiksberg", NULL},
    {"Frederikshavn", NULL},
    {"Frederikssund", NULL},
    {"Furesø", NULL},
    {"Faaborg-Midtfyn", NULL},
    {"Gentofte", NULL},
    {"Gladsaxe", NULL},
    {"Glostrup", NULL},
    {"Greve", NULL},
    {"Gribskov", NULL},
    {"Guldborgsund", NULL},
    {"Haderslev", NULL},
    {"Halsnæs", NULL},
    {"Hedensted", NULL},
    {"Helsingør", NULL},
    {"Herlev", NULL},
    {"Herning", NULL},
    {"Hillerød", NULL},
    {"Hjørring", NULL},
    {"Holbæk", NULL},
    {"Holstebro", NULL},
    {"Horsens", NULL},
    {"Hvidovre", NULL},
    {"Høje-Taastrup", NULL},
    {"Hørsholm", NULL},
    {"Ikast-Brande", NULL},
    {"Ishøj", NULL},
    {"Jammerbugt", NULL},
    {"Kalundborg", NULL},
    {"Kerteminde", NULL},
    {"Kolding", NULL},
    {"Københavns", "København"},
    {"Køge", NULL},
    {"Langeland", NULL},
    {"Lejre", NULL},
    {"Lemvig", NULL},
    {"Lolland", NULL},
    {"Lyngby-Taarbæk", NULL},
    {"Læsø", NULL},
    {"Mariagerfjord", NULL},
    {"Middelfart", NULL},
    {"Morsø", NULL},
    {"Norddjurs", NULL},
    {"Nordfyns", "Nordfyn"},
    {"Nyborg", NULL},
    {"Næstved", NULL},
    {"Odder", NULL},
    {"Odense", NULL},
    {"Odsherred", NULL},
    {"Randers", NULL},
    {"Rebild", NULL},
    {"Ringkøbing-Skjern", NULL},
    {"Ringsted", NULL},
    {"Roskilde", NULL},
    {"Rudersdal", NULL},
    {"Rødovre", NULL},
    {"Samsø", NULL},
    {"Silkeborg", NULL},
    {"Skanderborg", NULL},
    {"Skive", NULL},
    {"Slagelse", NULL},
    {"Solrød", NULL},
    {"Sorø", NULL},
    {"Stevns", NULL},
    {"Struer", NULL},
    {"Svendborg", NULL},
    {"Syddjurs", NULL},
    {"Sønderborg", NULL},
    {"Thisted", NULL},
    {"Tønder", NULL},
    {"Tårnby", NULL},
    {"Vallensbæk", NULL},
    {"Varde", NULL},
    {"Vejen", NULL},
    {"Vejle", NULL},
    {"Vesthimmerlands", "Vesthimmerland"},
    {"Viborg", NULL},
    {"Vordingborg", NULL},
    {"Ærø", NULL},
    {"Aabenraa", NULL},
    {"Aalborg", NULL},
    {"Aarhus", NULL},
};

static const char *const region_names[] = {
    "Region Hovedstaden", "Region Sjælland",    "Region Syddanmark",
    "Region Midtjylland", "Region Nordjylland",
};

enum { NMUNICIPALITIES = sizeof municipality_names / sizeof municipality_names[0] };
enum { NREGIONS = sizeof region_names / sizeof region_names[0] };

/* The index into municipality_names of the word that ends just before
 * TEXT[AT] (" Kommune" starts at AT), or -1. */
static int municipality_before(const char *text, size_t at)
{
    size_t start = at;
    while (start > 0 && at - start < 40 && text[start - 1] != ' ' && text[start - 1] != '\n' &&
           text[start - 1] != '\t' && text[start - 1] != '(' && text[start - 1] != '"')
        start--;
    for (int k = 0; k < (int)NMUNICIPALITIES; k++) {
        const char *w = municipality_names[k].written;
        if (strlen(w) == at - start && memcmp(text + start, w, at - start) == 0)
            return k;
    }
    return -1;
}

/* The municipality or region the text names most often (the first named
 * on a tie); "" if none. One pass over the text. */
static void detect_municipality(parser *p, const char *text, size_t len)
{
    size_t counts[NMUNICIPALITIES + NREGIONS];
    size_t first[NMUNICIPALITIES + NREGIONS];
    memset(counts, 0, sizeof counts);
    for (size_t i = 0; i + 1 < len; i++) {
        int k = -1;
        if (text[i] == ' ' && text[i + 1] == 'K' && len - i >= 8 &&
            memcmp(text + i + 1, "Kommune", 7) == 0 &&
            (i + 8 == len || text[i + 8] == 's' || !starts_letter(text + i + 8, len - i - 8)))
            k = municipality_before(text, i);
        else if (text[i] == 'R' && (i == 0 || !starts_letter(text + i - 1, 1)))
            for (int r = 0; r < (int)NREGIONS; r++)
                if (ci_prefix(text + i, len - i, region_names[r]) == strlen(region_names[r]) &&
                    memcmp(text + i, region_names[r], 7) == 0)
                    k = (int)NMUNICIPALITIES + r;
        if (k < 0)
            continue;
        if (!counts[k]++)
            first[k] = i;
    }
    int best = -1;
    for (int k = 0; k < (int)(NMUNICIPALITIES + NREGIONS); k++)
        if (counts[k] && (best < 0 || counts[k] > counts[best] ||
                          (counts[k] == counts[best] && first[k] < first[best])))
            best = k;
    if (best < 0)
        return;
    const char *name = best >= (int)NMUNICIPALITIES
                           ? region_names[best - NMUNICIPALITIES]
                           : (municipality_names[best].name ? municipality_names[best].name
                                                            : municipality_names[best].written);
    p->m->pub.municipality = pstrndup(p, name, strlen(name));
}

/* ---- before the main pass: pages, furniture, the punkt style ----------- */

/* A raw line as a furniture key: trimmed, white space runs as one space,
 * each run of digits as one '#', so "Side 3 af 9" and "Side 10 af 12" are
 * one key. NULL
 * (REF_ENOMEM in P) on failure. */
static char *furniture_key(parser *p, const char *s, size_t n)
{
    trim(&s, &n);
    char *key = malloc(n + 1);
    if (!key) {
        p->rc = REF_ENOMEM;
        return NULL;
    }
    size_t k = 0;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (is_space((unsigned char)c)) {
            space = 1;
            continue;
        }
        if (space)
            key[k++] = ' ';
        space = 0;
        if (is_digit(c) && k > 0 && key[k - 1] == '#')
            continue; /* a run of digits is one '#': "Side 9" and "Side 10" */
        key[k++] = is_digit(c) ? '#' : c == '\0' ? ' ' : c;
    }
    key[k] = '\0';
    return key;
}

/* A non-blank line near a page edge; its key is made only for the lines
 * that stay candidates, so the scan allocates nothing per line. */
typedef struct edge_line {
    const char *raw; /* NULL: too long to be furniture */
    size_t nraw;
    char *key;
    size_t line;
    int page;
} edge_line;

typedef struct prescan {
    edge_line *edges;
    size_t nedges, cap;
    size_t page_first; /* index in edges where the current page's lines start */
    int page;
} prescan;

static int cmp_edge_key(const void *a, const void *b)
{
    const edge_line *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->page > y->page) - (x->page < y->page);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* End a page: of its non-blank lines, only the first and last
 * FURNITURE_EDGE_LINES stay candidates. */
static void prescan_end_page(prescan *ps)
{
    ps->page_first = ps->nedges;
}

static void prescan_line(parser *p, prescan *ps, const line *ln)
{
    if (ln->page != ps->page) {
        prescan_end_page(ps);
        ps->page = ln->page;
    }
    if (ln->n == 0)
        return;
    size_t on_page = ps->nedges - ps->page_first;
    /* Keep the first lines of the page and a window of the last ones: a
     * middle line drops out of the window as the page goes on. */
    if (on_page >= 2 * FURNITURE_EDGE_LINES) {
        edge_line *drop = &ps->edges[ps->page_first + FURNITURE_EDGE_LINES];
        memmove(drop, drop + 1, (FURNITURE_EDGE_LINES - 1) * sizeof *drop);
        ps->nedges--;
    }
    if (ps->nedges == ps->cap) {
        size_t ncap = ps->cap ? ps->cap * 2 : 64;
        edge_line *e = realloc(ps->edges, ncap * sizeof *e);
        if (!e) {
            p->rc = REF_ENOMEM;
            return;
        }
        ps->edges = e;
        ps->cap = ncap;
    }
    /* A long line is still a line of the page: it pushes older ones out of
     * the window, but is never furniture itself (structure_line() rules out
     * the rest when the candidates are chosen). */
    int candidate = ln->n <= FURNITURE_MAX_BYTES;
    ps->edges[ps->nedges++] =
        (edge_line){candidate ? ln->raw : NULL, candidate ? ln->nraw : 0, NULL, ln->no, ln->page};
}

/* A punkt line or a known heading is structure, never furniture, even at the
 * top of several pages ("Beslutning"). */
static int structure_line(const line *ln)
{
    punkt_line pl;
    return match_punkt_line(ln, &pl) || match_numbered_punkt(ln, &pl) ||
           classify_heading(ln).role == ROLE_KNOWN;
}

/* Lines whose key stands at a page edge on at least half the pages (and at
 * least two) are furniture: record their line numbers, sorted, and one
 * ref_furniture per key. */
static void choose_furniture(parser *p, prescan *ps)
{
    ref_meeting *mt = &p->m->pub;
    if (p->npages < 2 || ps->nedges == 0)
        return;
    size_t ncand = 0;
    line tmp = {0};
    for (size_t i = 0; i < ps->nedges && p->rc == REF_OK; i++) {
        if (!ps->edges[i].raw)
            continue;
        clean_line(&tmp, ps->edges[i].raw, ps->edges[i].nraw);
        if (structure_line(&tmp))
            continue;
        edge_line e = ps->edges[i];
        e.key = furniture_key(p, e.raw, e.nraw);
        ps->edges[ncand++] = e;
    }
    ps->nedges = ncand;
    if (ref_buf_status(&tmp.buf) != REF_OK)
        p->rc = REF_ENOMEM;
    ref_buf_free(&tmp.buf);
    if (p->rc != REF_OK)
        return;
    qsort(ps->edges, ps->nedges, sizeof *ps->edges, cmp_edge_key);
    size_t cap_lines = 0, cap_f = 0, cap_of = 0;
    for (size_t i = 0; i < ps->nedges && p->rc == REF_OK;) {
        size_t j = i, pages = 0;
        int last_page = 0;
        while (j < ps->nedges && strcmp(ps->edges[j].key, ps->edges[i].key) == 0) {
            if (ps->edges[j].page != last_page)
                pages++;
            last_page = ps->edges[j].page;
            j++;
        }
        if (pages >= 2 && pages * 2 >= p->npages && ps->edges[i].key[0]) {
            if (!grow(p, (void **)&mt->furniture, &cap_f, mt->nfurniture, sizeof *mt->furniture))
                return;
            ref_furniture *f = &mt->furniture[mt->nfurniture];
            f->text = pstrndup(p, ps->edges[i].key, strlen(ps->edges[i].key));
            f->count = 0;
            for (size_t k = i; k < j; k++) {
                if (!grow(p, (void **)&p->furniture_lines, &cap_lines, p->nfurniture_lines,
                          sizeof *p->furniture_lines) ||
                    !grow(p, (void **)&p->furniture_of, &cap_of, p->nfurniture_lines,
                          sizeof *p->furniture_of))
                    return;
                p->furniture_lines[p->nfurniture_lines] = ps->edges[k].line;
                p->furniture_of[p->nfurniture_lines] = mt->nfurniture;
                p->nfurniture_lines++;
            }
            mt->nfurniture++;
        }
        i = j;
    }
    /* Sort the line numbers, carrying each one's furniture index along. */
    size_t n = p->nfurniture_lines;
    size_t *pairs = malloc((n ? n : 1) * 2 * sizeof *pairs);
    if (!pairs) {
        p->rc = REF_ENOMEM;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        pairs[2 * i] = p->furniture_lines[i];
        pairs[2 * i + 1] = p->furniture_of[i];
    }
    qsort(pairs, n, 2 * sizeof *pairs, cmp_size);
    for (size_t i = 0; i < n; i++) {
        p->furniture_lines[i] = pairs[2 * i];
        p->furniture_of[i] = pairs[2 * i + 1];
    }
    free(pairs);
}

/* One pass before parsing: count pages, find page furniture, and see
 * whether any keyword punkt line exists (if none, "N. Title" lines are
 * punkter). Uses the same line reader as the main pass, so line numbers
 * agree. */
static void prescan_text(parser *p, const char *text, size_t len)
{
    cursor c = {text, len, 0, 0, 1, 0, 0, 0, 0, 0, 1};
    line ln = {0};
    prescan ps = {0};
    ps.page = 1;
    int keyword_punkt = 0;
    size_t numbered = 0, headings = 0, text_lines = 0;
    /* Each question is asked only until it is answered, so after the first
     * lines the scan costs little more than reading them. */
    for (next_line(&c, &ln); ln.present && p->rc == REF_OK; next_line(&c, &ln)) {
        punkt_line pl;
        if (!keyword_punkt && match_punkt_line(&ln, &pl))
            keyword_punkt = 1;
        if (!numbered && match_numbered_punkt(&ln, &pl))
            numbered++;
        if (ln.n && ln.n <= PLAIN_HEADING_MAX_BYTES && (!headings || !text_lines)) {
            heading_match hm = classify_heading(&ln);
            headings += hm.role == ROLE_KNOWN && hm.kind != REF_SECTION_OTHER;
            text_lines += hm.role != ROLE_KNOWN;
        } else {
            text_lines += ln.n > 0;
        }
        prescan_line(p, &ps, &ln);
    }
    p->numbered_ok = !keyword_punkt;
    /* Minutes published one item per page (København, Ishøj) have section
     * headings but no punkt line: the text after the header is one punkt. */
    p->implicit_ok = !keyword_punkt && numbered == 0 && headings >= 1 && text_lines >= 1;
    p->npages = c.page > 1 ? (size_t)c.page : 0;
    p->m->pub.npages = p->npages;
    if (p->rc == REF_OK)
        choose_furniture(p, &ps);
    for (size_t i = 0; i < ps.nedges; i++)
        free(ps.edges[i].key);
    free(ps.edges);
    ref_buf_free(&ln.buf);
}

/* Is LN page furniture? Lines come in order, so a cursor into the sorted
 * list answers in constant time. */
static int is_furniture(parser *p, const line *ln)
{
    while (p->next_furniture < p->nfurniture_lines &&
           p->furniture_lines[p->next_furniture] < ln->no)
        p->next_furniture++;
    if (p->next_furniture < p->nfurniture_lines &&
        p->furniture_lines[p->next_furniture] == ln->no) {
        p->m->pub.furniture[p->furniture_of[p->next_furniture]].count++;
        return 1;
    }
    return 0;
}

/* ---- words hyphenated at a line end ------------------------------------ */

/* "og", "eller", … after a hyphen: "Børne- og Ungeudvalget" keeps it. */
static const char *const suspended_hyphen_words[] = {"og", "eller", "samt", "el.", "&", "til"};

/* Join "sygefra-" at the end of CUR with "vær" starting NEXT: the word
 * moves up to CUR, whole. After a capital or a digit the hyphen is part of
 * the word ("IT-" + "systemet"), so it stays. */
static void join_hyphenated(parser *p, line *cur, line *next, ref_buf *scratch)
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

/* ---- the main loop ---------------------------------------------------- */

/* On a page of items without punkt lines, a decision ends an item: a known
 * heading after the Beslutning section (other than another decision line
 * of the same item's Bilag), or a heading of a kind the item already has,
 * starts the next item. */
static int implicit_item_ends(parser *p, ref_section_kind kind)
{
    ref_punkt *pk = cur_punkt(p);
    if (!pk)
        return 0;
    /* a decision counts once it has text: empty headings in a row are one
     * item's, not many items' */
    int decided = p->have_section && p->kind == REF_SECTION_BESLUTNING && p->text.len;
    int seen_kind = p->have_section && p->kind == kind && kind != REF_SECTION_OTHER && p->text.len;
    for (size_t i = 0; i < pk->nsections; i++) {
        int texty = pk->sections[i].text[0] != '\0';
        decided |= pk->sections[i].kind == REF_SECTION_BESLUTNING && texty;
        seen_kind |= pk->sections[i].kind == kind && kind != REF_SECTION_OTHER && texty;
    }
    return kind != REF_SECTION_BILAG && (decided || seen_kind);
}

/* "Kultur- og Idrætsudvalget, 03-04-2019, pkt. 44": Roskilde heads the
 * decision with the body, the date and the punkt. It is this meeting's
 * decision when the date is the meeting's (or the meeting's is unknown);
 * with another date it quotes an earlier meeting (Faaborg-Midtfyn's
 * "Økonomiudvalget 2018-21, 28. oktober 2019, pkt. 452:") and stays text,
 * like "Beslutning fra …". */
static int dated_decision_line(parser *p, const line *ln)
{
    if (ln->n > SUFFIXED_HEADING_MAX_BYTES || !starts_upper(ln->s, ln->n))
        return 0;
    size_t e = ln->n;
    if (e && ln->s[e - 1] == ':')
        e--;
    size_t d = e;
    while (d > 0 && is_digit(ln->s[d - 1]))
        d--;
    if (d == e || d < 6 || !ci_equal(ln->s + d - 6, 6, ", pkt."))
        if (d < 7 || !ci_equal(ln->s + d - 7, 7, ", pkt. "))
            return 0;
    char date[11];
    size_t at;
    if (!find_date(ln->s, d, date, &at))
        return 0;
    const char *mdate = p->m->pub.date;
    return !mdate[0] || strcmp(mdate, date) == 0;
}

static void heading_or_text(parser *p, const line *ln, const line *next)
{
    heading_match hm = classify_heading(ln);
    if (hm.role != ROLE_KNOWN && hm.role != ROLE_QUOTE && dated_decision_line(p, ln)) {
        hm.role = ROLE_KNOWN;
        hm.kind = REF_SECTION_BESLUTNING;
        hm.heading_len = hm.text_off = ln->n;
    }
    int opens = hm.role == ROLE_KNOWN || (hm.role == ROLE_UNKNOWN && may_open_other(p, ln, next));
    if (!opens) {
        append_text(p, ln->s, ln->n, ln->no);
        p->at_paragraph = 0;
        return;
    }
    if (hm.role == ROLE_KNOWN && p->implicit_punkt && implicit_item_ends(p, hm.kind)) {
        punkt_line pl = {0, 0, "", 0};
        start_punkt(p, &pl, ln->no);
    }
    const char *h = ln->s;
    size_t hn = hm.heading_len;
    trim(&h, &hn);
    open_section(p, hm.kind, h, hn, ln->no, ln->level);
    if (hm.text_off < ln->n) {
        append_text(p, ln->s + hm.text_off, ln->n - hm.text_off, ln->no);
        p->at_paragraph = 0;
    } else {
        p->at_paragraph = 1;
    }
}

/* Is LN a punkt line here? Keyword forms always; "N. Title" only in a file
 * without keyword forms, with numbers rising by at most NUMBERED_MAX_STEP,
 * or starting again at 1 after a punkt with no text (the table of contents
 * ran before the punkter). */
static int punkt_line_here(parser *p, const line *ln, punkt_line *pl)
{
    if (match_punkt_line(ln, pl))
        return 1;
    if (!p->numbered_ok || !match_numbered_punkt(ln, pl))
        return 0;
    ref_punkt *pk = cur_punkt(p);
    if (!pk || p->prev_number == 0)
        return 1;
    if (pl->number > p->prev_number && pl->number <= p->prev_number + NUMBERED_MAX_STEP)
        return 1;
    if (pl->number > p->prev_number)
        return 0;
    if (!p->have_section && pk->nsections == 0)
        return 1;
    /* The same "N. Title" as an earlier line: that one was a table of
     * contents, with other header text after it. */
    const ref_meeting *mt = &p->m->pub;
    const char *t = pl->rest;
    size_t tn = pl->nrest;
    trim(&t, &tn);
    for (size_t i = 0; i < mt->npunkter; i++)
        if (mt->punkter[i].number == pl->number && ci_equal(t, tn, mt->punkter[i].title) &&
            tn == strlen(mt->punkter[i].title))
            return 1;
    return 0;
}

/* Lines right under a punkt line, before any text: the same punkt written
 * again ("Pkt. 42" under "• Pkt. 42 Titel"), a closed marker, the title
 * when the punkt line had none, or the title repeated. 1 if LN was one. */
/* Has the current punkt only text before any heading so far? */
static int only_untitled_text(parser *p, const ref_punkt *pk)
{
    if (p->have_section && p->kind != REF_SECTION_NONE)
        return 0;
    for (size_t i = 0; i < pk->nsections; i++)
        if (pk->sections[i].kind != REF_SECTION_NONE)
            return 0;
    return 1;
}

static int punkt_preamble(parser *p, const line *ln, const punkt_line *pl, int is_punkt)
{
    ref_punkt *pk = cur_punkt(p);
    if (!pk)
        return 0;
    if (is_punkt) {
        /* "Pkt. 44" again after a line of attachment names: still 44 */
        if (pl->number != pk->number || pl->number == 0 || !only_untitled_text(p, pk))
            return 0;
        const char *t = pl->rest;
        size_t tn = pl->nrest;
        trim(&t, &tn);
        if (tn && pk->title[0] && !(ci_equal(t, tn, pk->title) && tn == strlen(pk->title)))
            return 0;
        if (!pk->title[0] && tn)
            pk->title = pstrndup(p, t, tn);
        return 1;
    }
    if (p->have_section || pk->nsections || pk->closed)
        return 0;
    if (closed_marker(ln->s, ln->n)) {
        close_punkt_now(p);
        return 1;
    }
    const char *tok;
    size_t ntok;
    if (!pk->title[0] && ln->n <= MARKUP_HEADING_MAX_BYTES &&
        !ends_sentence_char(ln->s[ln->n - 1]) && !ci_contains(ln->s, ln->n, ": ") &&
        classify_heading(ln).role != ROLE_KNOWN &&
        !(p->expect_journal && match_journal(ln, &tok, &ntok))) {
        pk->title = pstrndup(p, ln->s, ln->n);
        return 1;
    }
    return pk->title[0] && ci_equal(ln->s, ln->n, pk->title) && ln->n == strlen(pk->title);
}

enum { FLATTENED_TITLE_MAX_WORDS = 10 };
/* A punkt line longer than this is no title: the text ran into it (a file
 * of one enormous line), so it is read as flattened text, the title being
 * its first words and the rest the punkt's text. */
enum { PUNKT_TITLE_MAX_BYTES = 400 };

/* Bytes of an overlong punkt line's rest that make its title: the prefix
 * ("CF -") and FLATTENED_TITLE_MAX_WORDS words after it. */
static size_t long_title_len(const char *s, size_t n)
{
    size_t plen, toff;
    split_prefix(s, n, &plen, &toff);
    size_t i = toff, end = toff, words = 0;
    while (i < n && words < FLATTENED_TITLE_MAX_WORDS) {
        i = skip_spaces(s, n, i);
        if (i >= n)
            break;
        while (i < n && !space_width(s + i, n - i))
            i++;
        end = i;
        words++;
    }
    return end;
}

/* Bytes of the title at the start of S, a punkt line's rest in flattened
 * text: the run of words in capitals (digits and punctuation allowed) if S
 * starts with one, else at most FLATTENED_TITLE_MAX_WORDS words. */
static size_t flattened_title_len(const char *s, size_t n)
{
    size_t i = 0, end = 0, words = 0;
    int caps_run = 1;
    while (i < n && words < FLATTENED_TITLE_MAX_WORDS) {
        i = skip_spaces(s, n, i);
        if (i >= n)
            break;
        int lower = 0;
        while (i < n && !space_width(s + i, n - i)) {
            unsigned char c = (unsigned char)s[i];
            if (starts_letter(s + i, n - i))
                lower |= !starts_upper(s + i, n - i);
            i += c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        }
        if (i > n)
            i = n;
        if (caps_run && lower) {
            if (words > 0)
                return end; /* the capitals ended */
            caps_run = 0;
        }
        end = i;
        words++;
    }
    return caps_run ? (i >= n ? n : end) : end;
}

/* The one punkt of a page that holds a single item: its title is LN when
 * that is shaped like a title, else LN is its first text. */
static void start_implicit_punkt(parser *p, const line *ln, const line *next)
{
    finish_header(p);
    int titled = ln->n <= MARKUP_HEADING_MAX_BYTES && !ends_sentence_char(ln->s[ln->n - 1]) &&
                 classify_heading(ln).role != ROLE_KNOWN;
    punkt_line pl = {0, 0, ln->s, titled ? ln->n : 0};
    p->implicit_punkt = 1;
    start_punkt(p, &pl, ln->no);
    p->at_paragraph = 1;
    if (!titled)
        heading_or_text(p, ln, next);
}

static void handle_line(parser *p, const line *ln, const line *next)
{
    if (ln->consumed)
        return;
    p->cur_page = p->npages ? ln->page : 0;
    if (p->nfurniture_lines && is_furniture(p, ln))
        return;
    if (ln->n == 0) {
        if (p->text.len)
            p->pending_blank = 1;
        p->at_paragraph = 1;
        return;
    }
    /* In a table of contents, "Lukkede punkter" names a part; it does not
     * open one. */
    int part = p->in_toc && !p->have_punkt ? 0 : closed_part_line(ln->s, ln->n);
    if (part) {
        p->closed_part = part > 0;
        if (part > 0 && p->have_punkt)
            close_section(p);
        return;
    }
    punkt_line pl;
    int toc = !p->have_punkt && toc_entry(ln);
    int is_punkt = !toc && punkt_line_here(p, ln, &pl);
    if (p->have_punkt && punkt_preamble(p, ln, &pl, is_punkt)) {
        p->at_paragraph = 1;
        return;
    }
    if (is_punkt) {
        if (!p->have_punkt)
            finish_header(p);
        /* In text that lost its line breaks the title runs into the text:
         * it ends with the words in capitals ("1. BUDGETSTATUS 2015 Sagsnr
         * …"), or else after a few words. */
        size_t title = ln->piece                          ? flattened_title_len(pl.rest, pl.nrest)
                       : pl.nrest > PUNKT_TITLE_MAX_BYTES ? long_title_len(pl.rest, pl.nrest)
                                                          : pl.nrest;
        const char *rest = pl.rest + title;
        size_t nrest = pl.nrest - title;
        pl.nrest = title;
        start_punkt(p, &pl, ln->no);
        trim(&rest, &nrest);
        if (nrest) {
            p->expect_journal = 0;
            append_text(p, rest, nrest, ln->no);
        }
        p->at_paragraph = nrest == 0;
        return;
    }
    if (!p->have_punkt) {
        /* A page with one item: a section heading, or the first line that
         * is not about the meeting, ends the header. */
        if (toc)
            return;
        if (p->implicit_ok && p->seen_header_line && classify_heading(ln).role == ROLE_KNOWN) {
            start_implicit_punkt(p, ln, next);
        } else if (!header_line(p, ln)) {
            if (p->implicit_ok) {
                start_implicit_punkt(p, ln, next);
            } else {
                if (p->header_text.len)
                    ref_buf_putc(&p->header_text, '\n');
                ref_buf_append(&p->header_text, ln->s, ln->n);
            }
        }
        return;
    }
    if (p->expect_journal) {
        p->expect_journal = 0;
        const char *tok;
        size_t ntok;
        if (match_journal(ln, &tok, &ntok)) {
            ref_punkt *pk = cur_punkt(p);
            pk->journal = pstrndup(p, tok, ntok);
            p->at_paragraph = 1;
            return;
        }
    }
    heading_or_text(p, ln, next);
}

/* A punkt that got no text and whose number comes again later was an entry
 * of a table of contents set as punkt lines (Allerød's "PUNKTER" list):
 * remove it. Closed punkter have no text by design and stay. */
static void drop_toc_punkter(parser *p)
{
    ref_meeting *mt = &p->m->pub;
    /* A run of punkter without text followed by numbers starting again
     * ("1.".."14.", then "1. Bemærkninger …") is a table of contents, even
     * where the file ends before every entry comes again. */
    size_t toc_start = 0, toc_end = 0;
    for (size_t i = 1; i < mt->npunkter && !toc_end; i++) {
        const ref_punkt *b = &mt->punkter[i];
        if (b->number <= 0 || b->number > mt->punkter[i - 1].number)
            continue;
        /* the entry of the table that this punkt repeats, if any */
        for (size_t k = 0; k < i && !toc_end; k++)
            if (mt->punkter[k].number == b->number && strcmp(mt->punkter[k].title, b->title) == 0)
                toc_start = k, toc_end = i;
        if (!toc_end) {
            int textless = 1;
            for (size_t k = 0; k < i; k++)
                textless &= mt->punkter[k].nsections == 0;
            if (textless)
                toc_end = i;
        }
        break;
    }
    size_t kept = 0;
    for (size_t i = 0; i < mt->npunkter; i++) {
        ref_punkt *pk = &mt->punkter[i];
        int toc = i >= toc_start && i < toc_end && pk->nsections == 0;
        if (!toc && !pk->closed && pk->number > 0 && pk->nsections == 0)
            for (size_t j = i + 1; j < mt->npunkter && !toc; j++)
                toc = mt->punkter[j].number == pk->number;
        if (toc) {
            free(pk->sections);
            continue;
        }
        mt->punkter[kept++] = *pk;
    }
    mt->npunkter = kept;
}

static void keep_header_text(parser *p);

static ref_status parse(parser *p, const char *text, size_t len)
{
    ref_meeting *mt = &p->m->pub;
    mt->body = pstrndup(p, "", 0);
    mt->date = mt->body;
    mt->place = mt->body;
    mt->heading = mt->body;
    mt->municipality = mt->body;
    p->at_paragraph = 1;
    prescan_text(p, text, len);
    detect_municipality(p, text, len);
    cursor c = {text, len, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    line a = {0}, b = {0};
    ref_buf scratch = REF_BUF_INIT;
    line *cur = &a, *next = &b;
    next_line(&c, cur);
    next_line(&c, next);
    join_hyphenated(p, cur, next, &scratch);
    while (cur->present && p->rc == REF_OK) {
        handle_line(p, cur, next);
        line *t = cur;
        cur = next;
        next = t;
        next_line(&c, next);
        if (!cur->consumed)
            join_hyphenated(p, cur, next, &scratch);
    }
    if (ref_buf_status(&a.buf) != REF_OK || ref_buf_status(&b.buf) != REF_OK)
        p->rc = REF_ENOMEM;
    if (!p->have_punkt) {
        finish_header(p);
        warn(p, 0, "no punkter recognised");
    }
    finish_punkt(p);
    if (p->rc == REF_OK)
        drop_toc_punkter(p);
    if (p->rc == REF_OK && mt->npunkter)
        keep_header_text(p);
    ref_buf_free(&a.buf);
    ref_buf_free(&b.buf);
    ref_buf_free(&scratch);
    return p->rc;
}

/* ---- never lose text: the unstructured fallback ------------------------ */

enum { UNSTRUCTURED_TITLE_MAX_BYTES = 120 };

static char *fallback_title(parser *p, const char *t, size_t n);

/* A punkt of unrecognised text T (N bytes, trimmed, not empty), titled by
 * its first line, with one unlabelled section, inserted at index AT of the
 * meeting's punkter: the one shape both fallbacks (header text, pages
 * without punkter) give text they could not structure. NULL when out of
 * memory (p->rc says so). FIRST_LINE is where the text starts. */
static ref_punkt *insert_text_punkt(parser *p, size_t at, const char *t, size_t n, int page,
                                    size_t first_line)
{
    ref_meeting *mt = &p->m->pub;
    if (!grow(p, (void **)&mt->punkter, &p->cap_punkter, mt->npunkter, sizeof *mt->punkter))
        return NULL;
    ref_section *sec = calloc(1, sizeof *sec);
    if (!sec) {
        p->rc = REF_ENOMEM;
        return NULL;
    }
    memmove(mt->punkter + at + 1, mt->punkter + at, (mt->npunkter - at) * sizeof *mt->punkter);
    mt->npunkter++;
    ref_punkt *pk = &mt->punkter[at];
    memset(pk, 0, sizeof *pk);
    pk->line = first_line;
    pk->page = page;
    pk->prefix = pstrndup(p, "", 0);
    pk->journal = pk->prefix;
    pk->title = fallback_title(p, t, n);
    pk->sections = sec;
    pk->nsections = 1;
    sec->kind = REF_SECTION_NONE;
    sec->heading = pk->prefix;
    sec->text = pstrndup(p, t, n);
    sec->line = first_line;
    sec->page = page;
    if (!pk->title || !sec->text)
        p->rc = REF_ENOMEM;
    return pk;
}

/* Header text no field took becomes the first punkt, marked `header`. */
static void keep_header_text(parser *p)
{
    const char *t = ref_buf_cstr(&p->header_text);
    size_t n = p->header_text.len;
    trim(&t, &n);
    if (n == 0)
        return;
    ref_punkt *pk = insert_text_punkt(p, 0, t, n, p->npages ? 1 : 0, 1);
    if (pk)
        pk->header = 1;
}

/* The title of an unstructured punkt: its first line, cut at a word end. */
static char *fallback_title(parser *p, const char *t, size_t n)
{
    size_t e = 0;
    while (e < n && t[e] != '\n')
        e++;
    if (e > UNSTRUCTURED_TITLE_MAX_BYTES) {
        e = UNSTRUCTURED_TITLE_MAX_BYTES;
        while (e > 0 && t[e] != ' ')
            e--;
        if (e == 0) { /* one huge word: cut at a character boundary */
            e = UNSTRUCTURED_TITLE_MAX_BYTES;
            while (e > 0 && ((unsigned char)t[e] & 0xC0) == 0x80)
                e--;
        }
    }
    const char *s = t;
    trim(&s, &e);
    return pstrndup(p, s, e);
}

static void add_unstructured(parser *p, int page, size_t first_line)
{
    const char *t = ref_buf_cstr(&p->text);
    size_t n = p->text.len;
    trim(&t, &n);
    if (n == 0)
        return;
    ref_punkt *pk = insert_text_punkt(p, p->m->pub.npunkter, t, n, page, first_line);
    if (pk)
        pk->number = page;
}

/* Every page (or the whole text) as one punkt: all its lines but page
 * furniture, with hyphenated words joined as in the main pass. */
static void fallback(parser *p, const char *text, size_t len)
{
    p->m->pub.unstructured = 1;
    p->next_furniture = 0;
    for (size_t i = 0; i < p->m->pub.nfurniture; i++)
        p->m->pub.furniture[i].count = 0;
    ref_buf_reset(&p->text);
    cursor c = {text, len, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    line a = {0}, b = {0};
    ref_buf scratch = REF_BUF_INIT;
    line *cur = &a, *next = &b;
    next_line(&c, cur);
    next_line(&c, next);
    join_hyphenated(p, cur, next, &scratch);
    int page = p->npages ? 1 : 0;
    size_t first_line = 0;
    while (cur->present && p->rc == REF_OK) {
        int lp = p->npages ? cur->page : 0;
        if (lp != page) {
            add_unstructured(p, page, first_line);
            ref_buf_reset(&p->text);
            page = lp;
            first_line = 0;
        }
        if (!cur->consumed && !(p->nfurniture_lines && is_furniture(p, cur))) {
            if (cur->n) {
                if (!first_line)
                    first_line = cur->no;
                if (p->text.len)
                    ref_buf_putc(&p->text, '\n');
                ref_buf_append(&p->text, cur->s, cur->n);
            }
        }
        line *t = cur;
        cur = next;
        next = t;
        next_line(&c, next);
        if (!cur->consumed)
            join_hyphenated(p, cur, next, &scratch);
    }
    add_unstructured(p, page, first_line);
    if (ref_buf_status(&p->text) != REF_OK || ref_buf_status(&scratch) != REF_OK)
        p->rc = REF_ENOMEM;
    ref_buf_free(&a.buf);
    ref_buf_free(&b.buf);
    ref_buf_free(&scratch);
}

static ref_status parse_meeting(const char *text, size_t len, int with_fallback, ref_meeting **out)
{
    if (!out)
        return REF_EINVAL;
    *out = NULL;
    if (!text && len)
        return REF_EINVAL;
    meeting_impl *m = calloc(1, sizeof *m);
    if (!m)
        return REF_ENOMEM;
    parser p;
    memset(&p, 0, sizeof p);
    p.m = m;
    text = text ? text : "";
    ref_status st = parse(&p, text, len);
    if (st == REF_OK && with_fallback && m->pub.npunkter == 0) {
        fallback(&p, text, len);
        st = p.rc;
    }
    ref_buf_free(&p.text);
    ref_buf_free(&p.header_text);
    free(p.first_line_of);
    free(p.furniture_lines);
    free(p.furniture_of);
    if (st != REF_OK) {
        ref_meeting_free(&m->pub);
        return st;
    }
    *out = &m->pub;
    return REF_OK;
}

ref_status ref_minutes_parse(const char *text, size_t len, ref_meeting **out)
{
    return parse_meeting(text, len, 0, out);
}

ref_status ref_minutes_parse_with_fallback(const char *text, size_t len, ref_meeting **out)
{
    return parse_meeting(text, len, 1, out);
}

/* ---- what the parser understood ---------------------------------------- */

enum { EXPLAIN_FIRST_WORDS = 12 };

/* The first EXPLAIN_FIRST_WORDS words of TEXT on one line, whole words
 * only (so never a cut UTF-8 character), "…" if more follow. */
static void put_first_words(ref_buf *out, const char *text)
{
    size_t n = strlen(text), i = 0;
    for (size_t words = 0; words < EXPLAIN_FIRST_WORDS; words++) {
        while (i < n && (text[i] == '\n' || space_width(text + i, n - i)))
            i += text[i] == '\n' ? 1 : space_width(text + i, n - i);
        if (i >= n)
            return;
        if (words)
            ref_buf_putc(out, ' ');
        size_t start = i;
        while (i < n && text[i] != '\n' && !space_width(text + i, n - i))
            i++;
        ref_buf_append(out, text + start, i - start);
    }
    while (i < n && (text[i] == '\n' || space_width(text + i, n - i)))
        i += text[i] == '\n' ? 1 : space_width(text + i, n - i);
    if (i < n)
        ref_buf_puts(out, " …");
}

static const char *or_none(const char *s)
{
    return s && s[0] ? s : "(none)";
}

void ref_meeting_explain(const ref_meeting *m, ref_buf *out)
{
    ref_buf_printf(out, "meeting\n  municipality: %s\n  body: %s\n  date: %s\n  place: %s\n",
                   or_none(m->municipality), or_none(m->body), or_none(m->date), or_none(m->place));
    if (m->heading[0])
        ref_buf_printf(out, "  first line: %s\n", m->heading);
    if (m->npages)
        ref_buf_printf(out, "  pages: %zu\n", m->npages);
    size_t closed = 0, header = 0;
    for (size_t i = 0; i < m->npunkter; i++) {
        closed += m->punkter[i].closed != 0;
        header += m->punkter[i].header != 0;
    }
    ref_buf_printf(out, "structure: %s, %zu punkter (%zu closed)%s\n",
                   m->unstructured ? "unstructured (no punkter recognised; indexed per page or "
                                     "as one document)"
                                   : "structured",
                   m->npunkter - header, closed,
                   header ? "; header text kept as one more document" : "");
    for (size_t i = 0; i < m->npunkter; i++) {
        const ref_punkt *pk = &m->punkter[i];
        if (pk->header)
            ref_buf_puts(out, "header text (kept, not a punkt)");
        else
            ref_buf_printf(out, "punkt %d", pk->number);
        if (pk->prefix[0])
            ref_buf_printf(out, " [%s]", pk->prefix);
        ref_buf_printf(out, ": %s\n  line %zu", pk->title[0] ? pk->title : "(no title)", pk->line);
        if (pk->page)
            ref_buf_printf(out, ", page %d", pk->page);
        ref_buf_printf(out, ", journal %s%s\n", or_none(pk->journal),
                       pk->closed ? ", CLOSED: title only, no text indexed" : "");
        for (size_t k = 0; k < pk->nsections; k++) {
            const ref_section *sec = &pk->sections[k];
            ref_buf_printf(out, "  - %s", ref_section_kind_key(sec->kind));
            if (sec->heading[0])
                ref_buf_printf(out, " \"%s\"", sec->heading);
            ref_buf_printf(out, " (line %zu", sec->line);
            if (sec->page)
                ref_buf_printf(out, ", page %d", sec->page);
            ref_buf_puts(out, "): ");
            put_first_words(out, sec->text);
            ref_buf_putc(out, '\n');
        }
    }
    if (m->nfurniture) {
        ref_buf_puts(out, "page furniture left out (digits shown as #):\n");
        for (size_t i = 0; i < m->nfurniture; i++)
            ref_buf_printf(out, "  %zux \"%s\"\n", m->furniture[i].count, m->furniture[i].text);
    } else {
        ref_buf_puts(out, "page furniture left out: none\n");
    }
    if (m->nwarnings) {
        ref_buf_puts(out, "warnings:\n");
        for (size_t i = 0; i < m->nwarnings; i++) {
            if (m->warnings[i].line)
                ref_buf_printf(out, "  line %zu: %s\n", m->warnings[i].line,
                               m->warnings[i].message);
            else
                ref_buf_printf(out, "  %s\n", m->warnings[i].message);
        }
    }
}
