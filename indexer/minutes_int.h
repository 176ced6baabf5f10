/* minutes_int.h — the minutes parser's insides, shared by its files (the public
 * face is include/referat/minutes.h). One section per file, in the order data
 * flows through them:
 *
 *   minutes_lines.c      the line reader: splitting the input into lines,
 *                        cleaning markup, long-line splits, joining words
 *                        hyphenated at a line end
 *   minutes_recognise.c  pure recognisers: what a line or a string is (punkt
 *                        line, heading, journal number, date lead, table-of-
 *                        contents entry, closed marker); no parser state
 *   minutes_furniture.c  the pre-pass: pages, page furniture, the punkt style
 *   minutes_header.c     the header: first line, labels, body names, the
 *                        meeting's date, the municipality
 *   minutes.c            the core: parser state, punkter and sections, the
 *                        main loop, table-of-contents entries, the fallback
 *   minutes_explain.c    ref_meeting_explain(), outside the parser
 *
 * Names shared between the files start with mn_; everything else is static
 * to its file. */
#ifndef REFERAT_MINUTES_INT_H
#define REFERAT_MINUTES_INT_H

#include <stddef.h>

#include "referat/buf.h"
#include "referat/date.h"
#include "referat/minutes.h"

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
    FLATTENED_TITLE_MAX_WORDS = 10,
    /* A punkt line longer than this is no title: the text ran into it (a
     * file of one enormous line), so it is read as flattened text, the title
     * being its first words and the rest the punkt's text. */
    PUNKT_TITLE_MAX_BYTES = 400,
    JOURNAL_SEARCH_LINES = 8, /* a punkt's case number stands in its first lines */
};

/* ---- small UTF-8-aware string helpers --------------------------------- */

static inline int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}
static inline int is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static inline int is_ascii_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Width of the white space at S: ASCII blanks or U+00A0 (no-break space,
 * common in text copied from Word and web pages). */
static inline size_t space_width(const char *s, size_t n)
{
    if (n >= 1 && is_space((unsigned char)s[0]))
        return 1;
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    return 0;
}

static inline size_t skip_spaces(const char *s, size_t n, size_t i)
{
    size_t w;
    while (i < n && (w = space_width(s + i, n - i)) > 0)
        i += w;
    return i;
}

static inline void trim(const char **s, size_t *n)
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
static inline unsigned fold_at(const char *s, size_t n, size_t *w)
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
static inline size_t ci_prefix(const char *s, size_t n, const char *kw)
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

static inline int ci_equal(const char *s, size_t n, const char *kw)
{
    return n && ci_prefix(s, n, kw) == n;
}

/* Upper-case letter at S: A-Z or Latin-1 À-Þ (Æ, Ø, Å, É, …). */
static inline int starts_upper(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if (c >= 'A' && c <= 'Z')
        return 1;
    return n >= 2 && c == 0xC3 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9E &&
           (unsigned char)s[1] != 0x97;
}

static inline int starts_letter(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return 1;
    return n >= 2 && c == 0xC3 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] != 0x97 &&
           (unsigned char)s[1] != 0xB7;
}

/* Punctuation that ends a sentence or a clause, so not a heading or title. */
static inline int ends_sentence_char(char c)
{
    return c == '.' || c == '!' || c == '?' || c == ';' || c == ',';
}

static inline size_t count_words(const char *s, size_t n, size_t stop_after)
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

/* ---- the meeting and the parser's state ------------------------------ */

/* Every string of a meeting lives in an arena, freed at once. */

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

/* A punkt as the table of contents lists it. */
typedef struct toc_entry {
    int number;
    const char *prefix, *title; /* in the meeting's arena */
    size_t line;
    int page;
} toc_entry;

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
    int pending_blank;           /* a blank line since the last text line */
    int at_paragraph;            /* the previous line was blank or structural */
    int expect_journal;          /* the previous non-blank line was the punkt line */
    int journal_lines;           /* lines after the punkt line still searched for its
                                    case number */
    const char *pending_journal; /* a case number alone on its line, not the
                                    current punkt's: the next punkt's if its
                                    punkt line follows */
    size_t pending_journal_line;
    size_t last_line, line_before; /* the last non-blank lines handled */
    toc_entry *toc;                /* punkter the table of contents lists */
    size_t ntoc, cap_toc;
    const char *body_rule, *date_rule; /* which rule decided, for --explain */
    size_t body_line, date_line;

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
    ref_buf field_text;      /* header lines that filled a field */
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

typedef struct punkt_line {
    int number;       /* 0 if none */
    int too_large;    /* a number was written but exceeds MAX_PUNKT_NUMBER */
    const char *rest; /* prefix and title */
    size_t nrest;
} punkt_line;

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

/* ---- minutes_lines.c: the line reader ---------------------------------- */

/* A cursor over TEXT; LIGHT for the pre-pass (lines only trimmed of blanks
 * and leading markup, not copied and cleaned). */
void mn_cursor_init(cursor *c, const char *text, size_t len, int light);
void mn_clean_line(line *ln, const char *raw, size_t n);
void mn_next_line(cursor *c, line *ln);
size_t mn_split_point(const char *s, size_t n);
void mn_join_hyphenated(parser *p, line *cur, line *next, ref_buf *scratch);

/* ---- minutes_recognise.c: what a line is ------------------------------- */

int mn_punkt_keyword_letter(char c);
int mn_match_keyword_punkt(const char *s, size_t n, punkt_line *out);
int mn_match_punkt_line(const line *ln, punkt_line *out);
int mn_match_numbered_punkt(const line *ln, punkt_line *out);
void mn_split_prefix(const char *s, size_t n, size_t *prefix_len, size_t *title_off);
int mn_ci_contains(const char *s, size_t n, const char *needle);
int mn_closed_marker(const char *s, size_t n);
int mn_closed_part_line(const char *s, size_t n);
/* The case number in S (*TOK, *NTOK): after a journal label ("Sagsnr.:",
 * "Sagsid.", "J.nr."), or KLE-shaped anywhere at a word start; with
 * UNLABELLED_OK also S as a whole when it is one token with a joiner
 * ("13/3462"). 2 if S is nothing but the label and number, 1 if S holds more
 * text, 0 if none. */
int mn_find_journal(const char *s, size_t n, int unlabelled_ok, const char **tok, size_t *ntok);
heading_match mn_classify_heading(const line *ln);
size_t mn_caps_heading_at(const char *s, size_t n);
size_t mn_date_lead(const char *s, size_t n);
int mn_toc_entry(const line *ln);
/* Bytes of S without a table-of-contents leader and page number at its end
 * ("Godkendelse ......... 5", "Evt.\t14", "…………… 5"); N if it has none. */
size_t mn_strip_leaders(const char *s, size_t n);
size_t mn_long_title_len(const char *s, size_t n);
size_t mn_flattened_title_len(const char *s, size_t n);

/* ---- minutes_furniture.c: the pre-pass --------------------------------- */

void mn_prescan_text(parser *p, const char *text, size_t len);
int mn_is_furniture(parser *p, const line *ln);

/* ---- minutes_header.c: the header --------------------------------------- */

int mn_header_line(parser *p, const line *ln);
void mn_finish_header(parser *p);
void mn_warn_missing_fields(parser *p);
void mn_detect_municipality(parser *p, const char *text, size_t len);
/* After the main pass: the date and body the header did not give, from the
 * first page. */
void mn_meeting_from_first_page(parser *p, const char *text, size_t len);

/* ---- minutes.c: the core ------------------------------------------------ */

/* A copy of S in the meeting's arena; NULL (and p->rc set) on failure or
 * once p->rc is set. */
char *mn_pstrndup(parser *p, const char *s, size_t n);
/* Grow *ARR (of SIZE-byte elements, *CAP of them) to hold N+1. */
int mn_grow(parser *p, void **arr, size_t *cap, size_t n, size_t size);
void mn_warn(parser *p, size_t lineno, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
ref_punkt *mn_cur_punkt(parser *p);

#endif
