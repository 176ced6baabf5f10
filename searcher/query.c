#include "referat/query.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referat/buf.h"
#include "referat/date.h"
#include "referat/fields.h"
#include "referat/outcome.h"

/* Deep nesting is never useful and must not exhaust the stack. */
#define MAX_DEPTH 32
#define WILDCARD_MAX_EXPANSION 200

struct ref_query {
    ref_xquery *xq;
    int root;
    /* Terms to highlight: stems of positive word terms, NUL-separated. */
    ref_buf stems;
    /* The words the query looks up, for ref_query_each_word: per word its
     * stem, NUL, the stems of its compound parts each NUL-terminated (when
     * the query also matches the parts together), and one more NUL. */
    ref_buf words;
    /* Wildcard prefixes (folded), NUL-separated. */
    ref_buf prefixes;
    /* Names the udvalg and kommune filters ask for, as typed, for
     * ref_query_each_filter_name: field name, NUL, name, NUL. */
    ref_buf names;
    /* The phrases of compound parts that stand for a query compound
     * (compile_single), for the snippet: per phrase its stems, each
     * NUL-terminated, and one more NUL. */
    ref_buf part_phrases;
};

typedef enum lex_kind {
    LEX_END,
    LEX_LPAREN,
    LEX_RPAREN,
    LEX_WORD,
    LEX_PHRASE,
    LEX_OR,
    LEX_AND,
    LEX_NOT,
} lex_kind;

typedef struct lexeme {
    lex_kind kind;
    int negated;            /* written with a leading '-' */
    const ref_field *field; /* field:… , or NULL */
    const char *text;       /* word or phrase text (not NUL-terminated) */
    size_t len;
} lexeme;

typedef struct parser {
    const char *s, *end;
    lexeme cur;
    ref_analyzer *an;
    ref_query *q;
    const ref_query_opts *opts;
    ref_status status;
    char *errmsg;
    const ref_field *in_field; /* opts->in_field's field, or NULL */
    int depth;
    int negated; /* inside an odd number of negations: nothing to highlight */
} parser;

static void fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(parser *p, const char *fmt, ...)
{
    if (p->status != REF_OK)
        return;
    p->status = REF_EQUERY;
    ref_buf b = REF_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    ref_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    p->errmsg = ref_buf_detach(&b);
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

static int is_word_end(char c) { return is_space(c) || c == '(' || c == ')' || c == '"'; }

/* The operator words, English and Danish: one table for the lexer and for
 * ref_query_is_operator (the "Mente du" corrector must not "fix" them). */
static const struct {
    const char *word;
    lex_kind kind;
} operators[] = {
    {"OR", LEX_OR}, {"ELLER", LEX_OR}, {"AND", LEX_AND},
    {"OG", LEX_AND}, {"NOT", LEX_NOT}, {"IKKE", LEX_NOT},
};

/* The operator kind of the N bytes at T, or LEX_WORD. */
static lex_kind operator_kind(const char *t, size_t n)
{
    for (size_t i = 0; i < sizeof operators / sizeof operators[0]; i++)
        if (strlen(operators[i].word) == n && memcmp(t, operators[i].word, n) == 0)
            return operators[i].kind;
    return LEX_WORD;
}

int ref_query_is_operator(const char *word, size_t len)
{
    return operator_kind(word, len) != LEX_WORD;
}

/* "foo:bar": a word of letters before the colon and a word after it
 * reads as a field the user meant, while "kl.:", "9:00" and "http://"
 * stay text. */
static int looks_like_field(const char *name, const char *colon, char after)
{
    for (const char *c = name; c < colon; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (unsigned char)*c >= 0x80))
            return 0;
    return (after >= 'a' && after <= 'z') || (after >= 'A' && after <= 'Z') ||
           (after >= '0' && after <= '9') || after == '"' || (unsigned char)after >= 0x80;
}

/* An unknown field is a usage error that names the fields there are. */
static void unknown_field(parser *p, const char *name, size_t len)
{
    ref_buf list = REF_BUF_INIT;
    for (size_t i = 0; i < REF_FIELD_COUNT; i++) {
        if (ref_fields[i].id == REF_FIELD_TEKST || ref_fields[i].id == REF_FIELD_ANDET)
            continue; /* not in the documented language */
        ref_buf_printf(&list, "%s%s:", list.len ? ", " : "", ref_fields[i].name);
    }
    fail(p, "ukendt felt '%.*s:': felterne er %s", (int)len, name, ref_buf_cstr(&list));
    ref_buf_free(&list);
}

/* Read the next lexeme into p->cur. */
static void next(parser *p)
{
    lexeme *l = &p->cur;
    memset(l, 0, sizeof *l);
    while (p->s < p->end && is_space(*p->s))
        p->s++;
    if (p->s >= p->end) {
        l->kind = LEX_END;
        return;
    }
    if (*p->s == '(' || *p->s == ')') {
        l->kind = *p->s == '(' ? LEX_LPAREN : LEX_RPAREN;
        p->s++;
        return;
    }
    if (*p->s == '-' && p->s + 1 < p->end && !is_space(p->s[1]) && p->s[1] != '-') {
        p->s++;
        /* "-(a b)" is NOT (a b); read as a word it was an empty one, and the
         * group stood unnegated (test_negated_group_is_negated). */
        if (*p->s == '(') {
            l->kind = LEX_NOT;
            return;
        }
        l->negated = 1;
    }
    /* field:value — only a known field name makes a field ("kl.:" or a
     * time "9:00" stays text). */
    const char *w = p->s;
    while (w < p->end && !is_word_end(*w) && *w != ':')
        w++;
    if (w < p->end && *w == ':' && w > p->s) {
        const ref_field *f = ref_field_by_name(p->s, (size_t)(w - p->s));
        int has_value = w + 1 < p->end && !is_space(w[1]) && w[1] != ')';
        if (f && has_value) {
            l->field = f;
            p->s = w + 1;
        } else if (f) {
            fail(p, "%.*s: mangler en værdi, fx %.*s:budget", (int)(w - p->s), p->s,
                 (int)(w - p->s), p->s);
            l->kind = LEX_END;
            return;
        } else if (has_value && looks_like_field(p->s, w, w[1])) {
            unknown_field(p, p->s, (size_t)(w - p->s));
            l->kind = LEX_END;
            return;
        }
    }
    if (p->s < p->end && *p->s == '"') {
        const char *start = ++p->s;
        const char *close = memchr(start, '"', (size_t)(p->end - start));
        if (!close) {
            fail(p, "mangler et afsluttende anførselstegn (\") efter: %.*s", (int)(p->end - start),
                 start);
            l->kind = LEX_END;
            return;
        }
        l->kind = LEX_PHRASE;
        l->text = start;
        l->len = (size_t)(close - start);
        p->s = close + 1;
        return;
    }
    const char *start = p->s;
    while (p->s < p->end && !is_word_end(*p->s))
        p->s++;
    l->kind = LEX_WORD;
    l->text = start;
    l->len = (size_t)(p->s - start);
    if (!l->field && !l->negated)
        l->kind = operator_kind(start, l->len);
}

/* --- compiling words --------------------------------------------------- */

/* Compound parts weigh less than the word itself: a punkt where the query
 * word stands as a word ranks above one where it is only part of a compound
 * (tests/test_search.c: test_whole_word_ranks_above_compound_part). */
#define PART_WEIGHT 0.5
/* A compound typed in the query ("naturpleje") also finds its parts written
 * next to each other ("natur pleje", "natur-pleje", "natur-" at a line end
 * and "pleje" on the next), below the compound itself. Parts that stand
 * apart ("natur" in one sentence, "pleje" in another) do not count: a user
 * who types a compound means the thing it names
 * (test_compound_query_needs_its_parts_adjacent). */
#define SPLIT_QUERY_WEIGHT 0.4
#define MAX_WORDS 64
#define MAX_PARTS 16

typedef struct term_list {
    char *stems[MAX_WORDS];   /* stem per position (WORD/NUMBER tokens) */
    char *parts[MAX_PARTS];   /* PART stems of the first position */
    size_t part_start[MAX_PARTS], part_end[MAX_PARTS]; /* their spans */
    size_t word_start, word_end; /* the first WORD's span */
    char *canonical; /* the PART spanning the whole first word: its
                        canonical compound form (analysis.h) */
    size_t n, nparts;
    char *whole;              /* JOINED/CODE stem of the first position */
} term_list;

typedef struct word_ctx {
    parser *p;
    int highlight;
    term_list list;
    int failed;
} word_ctx;

static void remember_stem(ref_query *q, const char *stem)
{
    ref_buf_append(&q->stems, stem, strlen(stem) + 1);
}

static int collect_token(void *vctx, const ref_token *tok)
{
    word_ctx *c = vctx;
    char **slot = NULL;
    /* A compound's parts are highlighted only where they match together
     * (part_phrases), never alone. */
    if (c->highlight && tok->kind != REF_TOKEN_PART)
        remember_stem(c->p->q, tok->stem);
    switch (tok->kind) {
    case REF_TOKEN_JOINED:
    case REF_TOKEN_CODE:
        if (tok->pos == 0 && !c->list.whole)
            slot = &c->list.whole;
        break;
    case REF_TOKEN_PART:
        if (tok->pos == 0 && c->list.n == 1 && !c->list.canonical &&
            tok->start == c->list.word_start && tok->end == c->list.word_end) {
            slot = &c->list.canonical;
            if (c->highlight)
                remember_stem(c->p->q, tok->stem);
        } else if (tok->pos == 0 && c->list.nparts < MAX_PARTS) {
            c->list.part_start[c->list.nparts] = tok->start;
            c->list.part_end[c->list.nparts] = tok->end;
            slot = &c->list.parts[c->list.nparts++];
        }
        break;
    case REF_TOKEN_WORD:
    case REF_TOKEN_NUMBER:
        if (c->list.n == MAX_WORDS)
            return 1; /* a phrase of 64 words is plenty */
        if (c->list.n == 0) {
            c->list.word_start = tok->start;
            c->list.word_end = tok->end;
        }
        slot = &c->list.stems[c->list.n++];
        break;
    }
    if (slot) {
        *slot = strdup(tok->stem);
        if (!*slot) {
            c->failed = 1;
            return 1;
        }
    }
    return 0;
}

static void term_list_free(term_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->stems[i]);
    for (size_t i = 0; i < l->nparts; i++)
        free(l->parts[i]);
    free(l->whole);
    free(l->canonical);
}

static int term_node(parser *p, const char *prefix, const char *suffix, const char *stem)
{
    ref_buf t = REF_BUF_INIT;
    ref_buf_puts(&t, prefix);
    ref_buf_puts(&t, suffix);
    ref_buf_puts(&t, stem);
    int node = -1;
    if (ref_buf_status(&t) == REF_OK)
        node = ref_xquery_term(p->q->xq, t.data, 1);
    else
        p->status = REF_ENOMEM;
    ref_buf_free(&t);
    return node;
}

/* STEM as a word, or as a part of a compound (weighted down). PREFIX is
 * the field's ("" for free text). */
static int word_or_part(parser *p, const char *prefix, const char *stem)
{
    int whole = term_node(p, prefix, "", stem);
    int part = *prefix ? term_node(p, prefix, REF_PART_SUFFIX, stem)
                       : term_node(p, REF_PREFIX_PART, "", stem);
    int scaled = ref_xquery_scale(p->q->xq, part, PART_WEIGHT);
    int both[2] = {whole, scaled};
    return ref_xquery_op(p->q->xq, REF_XOP_OR, both, 2, 0);
}

/* The phrase of the N STEMS. Only plain (unprefixed) terms have positions
 * (punktdoc.c), so in a field the phrase is the plain terms' phrase,
 * filtered by the field's terms, which also give the weight: the words are
 * adjacent somewhere in the punkt and all in the field. Positions never
 * cross from one section to the next (REF_POSITION_GAP), so this differs
 * from a phrase inside the field only when the field holds the words apart
 * and another section holds them together. */
static int compile_phrase(parser *p, const char *prefix, const char *const *stems, size_t n)
{
    int plain[MAX_WORDS] = {0}, field[MAX_WORDS] = {0};
    for (size_t i = 0; i < n; i++)
        plain[i] = term_node(p, "", "", stems[i]);
    int phrase = ref_xquery_op(p->q->xq, REF_XOP_PHRASE, plain, n, 0);
    if (!*prefix)
        return phrase;
    for (size_t i = 0; i < n; i++)
        field[i] = term_node(p, prefix, "", stems[i]);
    int both[2] = {ref_xquery_op(p->q->xq, REF_XOP_AND, field, n, 0), phrase};
    return ref_xquery_op(p->q->xq, REF_XOP_FILTER, both, 2, 0);
}

/* The parts of L that cover its compound left to right, as indexes into
 * L->parts, into COVER; returns how many (0 when they leave a gap other than
 * linking letters). FINE: the leaves (parts with no other part inside);
 * else the coarsest cover, the longest part at each step (a sub-compound
 * where there is one: "sygefravær" + "statistik"). L's parts are in order
 * of start, a longer span first. */
static size_t part_cover(const term_list *l, int fine, size_t *cover)
{
    size_t n = 0, at = 0;
    for (size_t i = 0; i < l->nparts; i++) {
        if (n > 0 && l->part_start[i] < at)
            continue;
        int leaf = 1;
        for (size_t j = 0; fine && j < l->nparts && leaf; j++)
            leaf = j == i || l->part_start[j] < l->part_start[i] ||
                   l->part_end[j] > l->part_end[i] ||
                   (l->part_start[j] == l->part_start[i] && l->part_end[j] == l->part_end[i]);
        if (!leaf)
            continue;
        cover[n++] = i;
        at = l->part_end[i];
    }
    return n;
}

static void remember_part_phrase(ref_query *q, const term_list *l, const size_t *cover, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ref_buf_append(&q->part_phrases, l->parts[cover[i]], strlen(l->parts[cover[i]]) + 1);
    ref_buf_putc(&q->part_phrases, '\0');
}

/* One word typed in the query: the word, the word inside a longer compound
 * (the index files every run of a compound's parts as a PART term), and, if
 * the word is itself a compound, its parts as a phrase of whole words, by
 * its leaves and by its coarsest cover. HIGHLIGHT: remember the phrases for
 * the snippet. */
static int compile_single(parser *p, const char *prefix, const term_list *l, int highlight)
{
    int node = word_or_part(p, prefix, l->stems[0]);
    if (l->canonical) {
        /* The same compound written with another linking letter or
         * inflection ("sygefraværstatistikken"), or inside a longer one. */
        int both[2] = {node, word_or_part(p, prefix, l->canonical)};
        node = ref_xquery_op(p->q->xq, REF_XOP_OR, both, 2, 0);
    }
    if (l->nparts < 2)
        return node;
    int alts[3] = {node};
    size_t nalts = 1;
    size_t covers[2][MAX_PARTS], ncover[2];
    for (int fine = 0; fine < 2; fine++) {
        size_t *cover = covers[fine];
        size_t n = ncover[fine] = part_cover(l, fine, cover);
        if (n < 2 || (fine && n == ncover[0] && memcmp(cover, covers[0], n * sizeof *cover) == 0))
            continue;
        const char *words[MAX_PARTS];
        for (size_t i = 0; i < n; i++)
            words[i] = l->parts[cover[i]];
        int phrase = compile_phrase(p, prefix, words, n);
        alts[nalts++] = ref_xquery_scale(p->q->xq, phrase, SPLIT_QUERY_WEIGHT);
        if (highlight)
            remember_part_phrase(p->q, l, cover, n);
    }
    return nalts == 1 ? node : ref_xquery_op(p->q->xq, REF_XOP_OR, alts, nalts, 0);
}


/* The query node for TEXT analysed as one word or a phrase: a single word
 * (with its compound parts), the phrase of its words — whole words only, so
 * a phrase never matches a part by accident — or, for "IT-systemer" and
 * "2017-2018", the whole OR the phrase of its parts. -2 when the text has
 * no terms. */
static void remember_word(ref_query *q, const char *stem, char *const *parts, size_t nparts)
{
    ref_buf_append(&q->words, stem, strlen(stem) + 1);
    for (size_t i = 0; i < nparts; i++)
        ref_buf_append(&q->words, parts[i], strlen(parts[i]) + 1);
    ref_buf_putc(&q->words, '\0');
}

/* What compile_text looks up, as ref_query_each_word reports it: a single
 * word and its canonical compound form (compile_single; its parts match
 * only side by side, which a term count cannot see, so they are not
 * reported), each word of a phrase, and a joined word's whole form. */
static void remember_words(ref_query *q, const term_list *l)
{
    if (l->n == 1) {
        remember_word(q, l->stems[0], NULL, 0);
        if (l->canonical)
            remember_word(q, l->canonical, NULL, 0);
    } else
        for (size_t i = 0; i < l->n; i++)
            remember_word(q, l->stems[i], NULL, 0);
    if (l->whole)
        remember_word(q, l->whole, NULL, 0);
}

static int compile_text(parser *p, const char *prefix, const char *text, size_t len, int highlight)
{
    word_ctx c = {.p = p, .highlight = highlight};
    ref_status st = ref_analyze(p->an, text, len, collect_token, &c, NULL);
    if (st == REF_OK && c.failed)
        st = REF_ENOMEM;
    if (st != REF_OK && p->status == REF_OK)
        p->status = st;
    int node = -2;
    if (p->status == REF_OK) {
        const term_list *l = &c.list;
        int parts = -2;
        if (l->n == 1)
            parts = compile_single(p, prefix, l, highlight);
        else if (l->n > 1)
            parts = compile_phrase(p, prefix, (const char *const *)l->stems, l->n);
        int whole = l->whole ? term_node(p, prefix, "", l->whole) : -2;
        if (highlight)
            remember_words(p->q, l);
        if (whole == -2 || parts == -2)
            node = whole != -2 ? whole : parts;
        else {
            int both[2] = {whole, parts};
            node = ref_xquery_op(p->q->xq, REF_XOP_OR, both, 2, 0);
        }
    }
    term_list_free(&c.list);
    return p->status == REF_OK ? node : -1;
}

static int compile_wildcard(parser *p, const char *prefix, const char *text, size_t len)
{
    ref_buf folded = REF_BUF_INIT, term = REF_BUF_INIT;
    ref_casefold(text, len, &folded);
    int node = -2;
    if (ref_buf_status(&folded) == REF_OK && folded.len > 0) {
        /* Terms are stems: "budget*" must also reach "budg" (budget's stem)
         * and everything under it, so expand both the prefix as typed and
         * its stem. */
        const char *stem = NULL;
        size_t stem_len = 0;
        int nodes[2];
        size_t n = 0;
        ref_buf_puts(&term, prefix);
        ref_buf_append(&term, folded.data, folded.len);
        nodes[n++] = ref_xquery_wildcard(p->q->xq, term.data, WILDCARD_MAX_EXPANSION);
        if (ref_analyzer_stem(p->an, folded.data, folded.len, &stem, &stem_len) == REF_OK &&
            stem_len > 0 && stem_len < folded.len) {
            ref_buf_reset(&term);
            ref_buf_puts(&term, prefix);
            ref_buf_append(&term, stem, stem_len);
            nodes[n++] = ref_xquery_wildcard(p->q->xq, term.data, WILDCARD_MAX_EXPANSION);
        }
        node = n == 1 ? nodes[0] : ref_xquery_op(p->q->xq, REF_XOP_SYNONYM, nodes, n, 0);
        ref_buf_append(&p->q->prefixes, folded.data, folded.len + 1);
    }
    if (ref_buf_status(&folded) != REF_OK || ref_buf_status(&term) != REF_OK)
        p->status = REF_ENOMEM;
    ref_buf_free(&folded);
    ref_buf_free(&term);
    return node;
}

/* "2017" or "2015..2017" for år:, "2017-09-07" (or "2017-9-7") or "a..b"
 * for dato:; the reader is the one the parser uses (lib/date.c), so a date
 * that cannot be indexed cannot be asked for either: "2017-02-30" or "-201"
 * is no date (test_errors_explain_themselves). */
static int parse_date(const char *s, size_t n, int is_end, char out[9])
{
    return ref_date_parse_bound(s, n, is_end, out);
}

static int compile_date(parser *p, const lexeme *l)
{
    const char *dots = NULL;
    for (const char *s = l->text; s + 1 < l->text + l->len; s++)
        if (s[0] == '.' && s[1] == '.') {
            dots = s;
            break;
        }
    char lo[9], hi[9];
    const char *a = l->text;
    size_t alen = dots ? (size_t)(dots - a) : l->len;
    const char *b = dots ? dots + 2 : l->text;
    size_t blen = dots ? (size_t)(l->text + l->len - b) : l->len;
    int ok_lo = alen == 0 || parse_date(a, alen, 0, lo);
    int ok_hi = blen == 0 || parse_date(b, blen, 1, hi);
    if (!ok_lo || !ok_hi || (alen == 0 && blen == 0)) {
        fail(p,
             "%s:%.*s er ikke en dato: skriv et år (2017), en dato (2017-09-07) eller et "
             "interval (2016-01-01..2018-12-31)",
             l->field->name, (int)l->len, l->text);
        return -1;
    }
    if (alen && blen && strcmp(lo, hi) > 0) {
        /* The same rule as --from after --to: an error, not zero hits. */
        fail(p, "%s:%.*s: den første dato ligger efter den sidste; skriv %s:%.*s..%.*s",
             l->field->name, (int)l->len, l->text, l->field->name, (int)blen, b, (int)alen, a);
        return -1;
    }
    return ref_xquery_value_range(p->q->xq, REF_SLOT_DATE, alen ? lo : NULL, blen ? hi : NULL);
}

/* The term of outcome label NAME (LEN bytes), or -1 with a message naming
 * the labels. */
static int outcome_node(parser *p, const char *name, size_t len)
{
    ref_outcome label;
    if (!ref_outcome_by_key(name, len, &label)) {
        ref_buf all = REF_BUF_INIT;
        ref_outcome_keys((1u << REF_OUTCOME_COUNT) - 1, ", ", &all);
        fail(p, "'%.*s' is not an outcome: use one of %s", (int)len, name,
             all.data ? all.data : "");
        ref_buf_free(&all);
        return -1;
    }
    char term[64];
    snprintf(term, sizeof term, "%s%s", ref_field_of(REF_FIELD_UDFALD)->prefix, ref_outcome_key(label));
    return ref_xquery_term(p->q->xq, term, 1);
}

/* The journal number J (LEN bytes) as the indexer stores it (folded
 * case), with runs of spaces made one and the ends trimmed, so "  07/257 "
 * finds 07/257; exact otherwise (07/257 is not 07/2571). For --thread and
 * sagsnr: alike. */
static int journal_node(parser *p, const char *j, size_t len)
{
    ref_buf spaced = REF_BUF_INIT, term = REF_BUF_INIT;
    for (size_t i = 0; i < len; i++) {
        if (!is_space(j[i]))
            ref_buf_putc(&spaced, j[i]);
        else if (spaced.len && i + 1 < len && !is_space(j[i + 1]))
            ref_buf_putc(&spaced, ' ');
    }
    ref_buf_puts(&term, ref_field_of(REF_FIELD_SAGSNR)->prefix);
    size_t at = term.len;
    if (spaced.len)
        ref_casefold(spaced.data, spaced.len, &term);
    int node = -1;
    if (ref_buf_status(&spaced) != REF_OK || ref_buf_status(&term) != REF_OK)
        p->status = REF_ENOMEM;
    else if (term.len == at)
        fail(p, "an empty journal number: give one, e.g. 00.01.00-A00-3-17");
    else
        node = ref_xquery_term(p->q->xq, term.data, 1);
    ref_buf_free(&spaced);
    ref_buf_free(&term);
    return node;
}
static int name_node(parser *p, ref_field_id field, const char *name);

static int compile_boolean(parser *p, const lexeme *l)
{
    if (strcmp(l->field->name, "år") == 0 || strcmp(l->field->name, "dato") == 0)
        return compile_date(p, l);
    if (l->field->id == REF_FIELD_UDFALD)
        return outcome_node(p, l->text, l->len);
    if (l->field->id == REF_FIELD_SAGSNR)
        return journal_node(p, l->text, l->len);
    if (l->field->id == REF_FIELD_UDVALG || l->field->id == REF_FIELD_KOMMUNE) {
        /* udvalg:chef* and kommune:koebenhavn behave as --body and
         * --municipality do: one code path for both (name_node). */
        char *name = strndup(l->text, l->len);
        int node = name ? name_node(p, l->field->id, name) : -1;
        if (!name)
            p->status = REF_ENOMEM;
        free(name);
        return node;
    }
    ref_buf term = REF_BUF_INIT;
    ref_buf_puts(&term, l->field->prefix);
    ref_casefold(l->text, l->len, &term);
    int node = -1;
    if (ref_buf_status(&term) == REF_OK)
        node = ref_xquery_term(p->q->xq, term.data, 1);
    else
        p->status = REF_ENOMEM;
    ref_buf_free(&term);
    return node;
}

/* --- spellings and synonyms -------------------------------------------- */

/* Replace every FROM by TO in the NUL-terminated IN; 0 if none. */
static int replace_all(const char *in, const char *from, const char *to, ref_buf *out)
{
    size_t nfrom = strlen(from);
    int n = 0;
    ref_buf_reset(out);
    for (const char *s = in; *s;) {
        if (strncmp(s, from, nfrom) == 0) {
            ref_buf_puts(out, to);
            s += nfrom;
            n++;
        } else {
            ref_buf_putc(out, *s++);
        }
    }
    return n;
}

/* IN spelt with æ ø å for ae oe aa (users without a Danish keyboard) into
 * OUT, TMP a scratch buffer; 0 when IN has none of them. */
static int danish_letters(const char *in, ref_buf *out, ref_buf *tmp)
{
    int changed = replace_all(in, "ae", "æ", out);
    ref_buf_reset(tmp);
    ref_buf_append(tmp, ref_buf_cstr(out), out->len);
    changed += replace_all(ref_buf_cstr(tmp), "oe", "ø", out);
    ref_buf_reset(tmp);
    ref_buf_append(tmp, ref_buf_cstr(out), out->len);
    changed += replace_all(ref_buf_cstr(tmp), "aa", "å", out);
    return changed;
}

typedef struct alt_ctx {
    parser *p;
    const char *prefix;
    int highlight;
    int nodes[16];
    size_t n;
} alt_ctx;

static void add_alt_text(alt_ctx *a, const char *text)
{
    if (a->n == sizeof a->nodes / sizeof a->nodes[0] || a->p->status != REF_OK)
        return;
    int node = compile_text(a->p, a->prefix, text, strlen(text), a->highlight);
    if (node >= 0)
        a->nodes[a->n++] = node;
}

static void add_synonym(void *ctx, const char *alternative) { add_alt_text(ctx, alternative); }

/* NODE, OR the same text spelt with æ/ø/å for ae/oe/aa (users without a
 * Danish keyboard), OR with aa for å (older minutes and place names), OR
 * its synonyms. */
static int add_alternatives(parser *p, const char *prefix, const lexeme *l, int highlight,
                            int node)
{
    alt_ctx a = {.p = p, .prefix = prefix, .highlight = highlight};
    a.nodes[a.n++] = node;
    ref_buf folded = REF_BUF_INIT, var = REF_BUF_INIT, tmp = REF_BUF_INIT;
    ref_casefold(l->text, l->len, &folded);
    if (ref_buf_status(&folded) == REF_OK) {
        const char *f = ref_buf_cstr(&folded);
        if (danish_letters(f, &var, &tmp))
            add_alt_text(&a, ref_buf_cstr(&var));
        if (replace_all(f, "å", "aa", &var))
            add_alt_text(&a, ref_buf_cstr(&var));
        if (p->opts->synonyms)
            ref_synonyms_expand(p->opts->synonyms, f, add_synonym, &a);
    }
    if (ref_buf_status(&folded) != REF_OK || ref_buf_status(&var) != REF_OK ||
        ref_buf_status(&tmp) != REF_OK)
        p->status = REF_ENOMEM;
    ref_buf_free(&folded);
    ref_buf_free(&var);
    ref_buf_free(&tmp);
    if (p->status != REF_OK)
        return -1;
    return a.n == 1 ? node : ref_xquery_op(p->q->xq, REF_XOP_OR, a.nodes, a.n, 0);
}

/* A word or phrase lexeme, with its field and whether it counts for
 * highlighting (negated terms are never highlighted). */
static int compile_lexeme(parser *p, const lexeme *l, int highlight)
{
    if (l->field && l->field->type == REF_FIELD_BOOLEAN)
        return compile_boolean(p, l);
    /* "*" alone is every punkt: browsing by filters and facets alone
     * ("--outcome udsat --body økonomiudvalget '*'"). It adds no weight,
     * so a browse is best sorted by date. */
    if (!l->field && l->kind == LEX_WORD && l->len == 1 && l->text[0] == '*')
        return ref_xquery_match_all(p->q->xq);
    const char *prefix = l->field ? l->field->prefix : "";
    if (!l->field && p->opts->decisions_only)
        prefix = ref_field_of(REF_FIELD_BESLUTNING)->prefix;
    else if (!l->field && p->in_field)
        prefix = p->in_field->prefix;
    if (l->kind == LEX_WORD && l->len > 1 && l->text[l->len - 1] == '*')
        return compile_wildcard(p, prefix, l->text, l->len - 1);
    int node = compile_text(p, prefix, l->text, l->len, highlight);
    if (node < 0)
        return node;
    return add_alternatives(p, prefix, l, highlight, node);
}

/* --- grammar ----------------------------------------------------------- */
/*   or_expr  := and_expr (OR and_expr)*
 *   and_expr := unary ([AND] unary)*
 *   unary    := NOT unary | -primary | primary
 *   primary  := '(' or_expr ')' | [field:] (word | "phrase")
 * Each returns a node id, -2 for "nothing" (text with no terms), -1 on
 * error. Negation is returned through *NEG so AND can build AND_NOT. */

static int parse_or(parser *p);

static int parse_primary(parser *p)
{
    if (p->cur.kind == LEX_LPAREN) {
        if (++p->depth > MAX_DEPTH) {
            fail(p, "for mange parenteser inden i hinanden (nested; højst %d)", MAX_DEPTH);
            return -1;
        }
        next(p);
        int node = parse_or(p);
        if (p->status != REF_OK)
            return -1;
        if (p->cur.kind != LEX_RPAREN) {
            fail(p, "mangler en afsluttende parentes ')'");
            return -1;
        }
        p->depth--;
        next(p);
        return node;
    }
    if (p->cur.kind == LEX_WORD || p->cur.kind == LEX_PHRASE) {
        lexeme l = p->cur;
        next(p);
        return compile_lexeme(p, &l, !p->negated);
    }
    if (p->cur.kind == LEX_RPAREN)
        fail(p, "en ')' uden en '(' før den");
    else if (p->cur.kind == LEX_END)
        fail(p, "søgningen slutter, hvor der skulle stå et ord");
    else
        fail(p, "en operator (OR, AND, NOT), hvor der skulle stå et ord");
    return -1;
}

/* NOTs are counted in a loop, not by recursion, so a long chain of them
 * cannot exhaust the stack (test_long_not_chain_does_not_exhaust_the_stack).
 * Words under an odd number of negations, in a group or not, are never
 * highlighted (test_highlighted_tokens). */
static int parse_unary(parser *p, int *neg)
{
    int nots = 0;
    while (p->cur.kind == LEX_NOT) {
        nots ^= 1;
        next(p);
    }
    if (p->cur.negated)
        nots ^= 1;
    *neg = nots;
    p->negated ^= nots;
    int node = parse_primary(p);
    p->negated ^= nots;
    return node;
}

#define MAX_OPERANDS 64

/* Append NODE to LIST (*N of MAX_OPERANDS); a full list first becomes one
 * OP node, so no operand is ever dropped (test_many_words_are_all_kept). */
static void push_operand(parser *p, int *list, size_t *n, int node, ref_xop op)
{
    if (*n == MAX_OPERANDS) {
        list[0] = ref_xquery_op(p->q->xq, op, list, *n, 0);
        *n = 1;
    }
    list[(*n)++] = node;
}

static int starts_operand(const parser *p)
{
    lex_kind k = p->cur.kind;
    return k == LEX_WORD || k == LEX_PHRASE || k == LEX_LPAREN || k == LEX_NOT;
}

static int parse_and(parser *p)
{
    int pos[MAX_OPERANDS], negs[MAX_OPERANDS];
    size_t npos = 0, nneg = 0;
    for (;;) {
        int neg;
        int node = parse_unary(p, &neg);
        if (p->status != REF_OK)
            return -1;
        /* The negated are taken away together: AND_NOT of their OR. */
        if (node >= 0 && neg)
            push_operand(p, negs, &nneg, node, REF_XOP_OR);
        else if (node >= 0)
            push_operand(p, pos, &npos, node, REF_XOP_AND);
        if (p->cur.kind == LEX_AND)
            next(p);
        if (!starts_operand(p))
            break;
    }
    int node = -2;
    if (npos == 1)
        node = pos[0];
    else if (npos > 1)
        node = ref_xquery_op(p->q->xq, REF_XOP_AND, pos, npos, 0);
    if (nneg == 0)
        return node;
    /* Only negations: everything but them. */
    int all[MAX_OPERANDS + 1];
    all[0] = node >= 0 ? node : ref_xquery_match_all(p->q->xq);
    memcpy(all + 1, negs, nneg * sizeof *negs);
    return ref_xquery_op(p->q->xq, REF_XOP_AND_NOT, all, nneg + 1, 0);
}

static int parse_or(parser *p)
{
    int alts[MAX_OPERANDS];
    size_t n = 0;
    for (;;) {
        int node = parse_and(p);
        if (p->status != REF_OK)
            return -1;
        if (node >= 0)
            push_operand(p, alts, &n, node, REF_XOP_OR);
        if (p->cur.kind != LEX_OR)
            break;
        next(p);
    }
    if (n == 0)
        return -2;
    return n == 1 ? alts[0] : ref_xquery_op(p->q->xq, REF_XOP_OR, alts, n, 0);
}

/* The node for one folded name TERM (prefix included): the term, or
 * every term starting with it when PREFIX. */
static int name_term_node(parser *p, const char *term, int prefix)
{
    return prefix ? ref_xquery_wildcard(p->q->xq, term, 0) : ref_xquery_term(p->q->xq, term, 1);
}

/* One filter on the boolean FIELD ("udvalg", "kommune"): the folded name,
 * or every value starting with it when written with a trailing '*'; as
 * in free text, ae/oe/aa also find æ/ø/å ("byraadet" finds Byrådet) and
 * å finds the old spelling aa. */
static int name_node(parser *p, ref_field_id field, const char *name)
{
    size_t n = strlen(name);
    int prefix = n > 0 && name[n - 1] == '*';
    ref_buf term = REF_BUF_INIT, var = REF_BUF_INIT, tmp = REF_BUF_INIT;
    ref_buf_puts(&term, ref_field_of(field)->prefix);
    size_t at = term.len;
    ref_casefold(name, n - (size_t)prefix, &term);
    int nodes[3], nn = 0;
    if (ref_buf_status(&term) != REF_OK) {
        p->status = REF_ENOMEM;
    } else if (term.len == at) {
        fail(p, "et tomt navn i %s: skriv et navn, fx %s", ref_field_of(field)->name,
             field == REF_FIELD_UDVALG ? "chefforum" : "albertslund*");
    } else {
        const char *t = ref_buf_cstr(&term);
        nodes[nn++] = name_term_node(p, t, prefix);
        ref_buf_puts(&p->q->names, ref_field_of(field)->name);
        ref_buf_putc(&p->q->names, '\0');
        ref_buf_puts(&p->q->names, name);
        ref_buf_putc(&p->q->names, '\0');
        if (danish_letters(t, &var, &tmp))
            nodes[nn++] = name_term_node(p, ref_buf_cstr(&var), prefix);
        if (replace_all(t, "å", "aa", &var))
            nodes[nn++] = name_term_node(p, ref_buf_cstr(&var), prefix);
    }
    if (ref_buf_status(&var) != REF_OK || ref_buf_status(&tmp) != REF_OK)
        p->status = REF_ENOMEM;
    ref_buf_free(&term);
    ref_buf_free(&var);
    ref_buf_free(&tmp);
    if (p->status != REF_OK || nn == 0)
        return -1;
    return nn == 1 ? nodes[0] : ref_xquery_op(p->q->xq, REF_XOP_OR, nodes, (size_t)nn, 0);
}

/* Any of the N NAMES of FIELD. */
static int names_node(parser *p, ref_field_id field, const char *const *names, size_t n)
{
    int *nodes = calloc(n, sizeof *nodes);
    if (!nodes) {
        p->status = REF_ENOMEM;
        return -1;
    }
    for (size_t i = 0; i < n && p->status == REF_OK; i++)
        nodes[i] = name_node(p, field, names[i]);
    int node = p->status == REF_OK ? ref_xquery_op(p->q->xq, REF_XOP_OR, nodes, n, 0) : -1;
    free(nodes);
    return node;
}

/* ROOT filtered by the options' dates, bodies and municipalities (no
 * weight added). */
static int apply_filters(parser *p, int root)
{
    const ref_query_opts *o = p->opts;
    int filters[6] = {root};
    size_t n = 1;
    if (o->date_from || o->date_to) {
        char lo[9], hi[9];
        if (o->date_from && !parse_date(o->date_from, strlen(o->date_from), 0, lo)) {
            fail(p,
                 "fra-datoen '%s' er ikke en dato: skriv et år (2017), en måned (2017-09) "
                 "eller en dag (2017-09-07)",
                 o->date_from);
            return -1;
        }
        if (o->date_to && !parse_date(o->date_to, strlen(o->date_to), 1, hi)) {
            fail(p,
                 "til-datoen '%s' er ikke en dato: skriv et år (2017), en måned (2017-09) "
                 "eller en dag (2017-09-07)",
                 o->date_to);
            return -1;
        }
        if (o->date_from && o->date_to && strcmp(lo, hi) > 0) {
            fail(p, "fra-datoen %s ligger efter til-datoen %s: intet kan passe", o->date_from,
                 o->date_to);
            return -1;
        }
        filters[n++] = ref_xquery_value_range(p->q->xq, REF_SLOT_DATE, o->date_from ? lo : NULL,
                                              o->date_to ? hi : NULL);
    }
    if (o->nbodies)
        filters[n++] = names_node(p, REF_FIELD_UDVALG, o->bodies, o->nbodies);
    if (o->nmunicipalities)
        filters[n++] = names_node(p, REF_FIELD_KOMMUNE, o->municipalities, o->nmunicipalities);
    if (o->noutcomes && p->status == REF_OK) {
        int labels[REF_OUTCOME_COUNT];
        size_t k = 0;
        for (size_t i = 0; i < o->noutcomes && p->status == REF_OK; i++) {
            int node = outcome_node(p, o->outcomes[i], strlen(o->outcomes[i]));
            if (node >= 0 && k < REF_OUTCOME_COUNT)
                labels[k++] = node;
        }
        if (p->status == REF_OK)
            filters[n++] = ref_xquery_op(p->q->xq, REF_XOP_OR, labels, k, 0);
    }
    if (o->journal && p->status == REF_OK)
        filters[n++] = journal_node(p, o->journal, strlen(o->journal));
    if (p->status != REF_OK)
        return -1;
    return n == 1 ? root : ref_xquery_op(p->q->xq, REF_XOP_FILTER, filters, n, 0);
}

ref_status ref_query_parse(ref_analyzer *an, const char *text, const ref_query_opts *opts,
                           ref_query **out, char **errmsg)
{
    static const ref_query_opts no_opts = {0};
    if (errmsg)
        *errmsg = NULL;
    if (!out || !an || !text)
        return REF_EINVAL;
    *out = NULL;
    ref_query *q = calloc(1, sizeof *q);
    if (!q)
        return REF_ENOMEM;
    ref_status st = ref_xquery_new(&q->xq);
    if (st != REF_OK) {
        free(q);
        return st;
    }
    parser p = {.s = text, .end = text + strlen(text), .an = an, .q = q,
                .opts = opts ? opts : &no_opts, .status = REF_OK};
    if (p.opts->in_field && *p.opts->in_field) {
        p.in_field = ref_field_by_name(p.opts->in_field, strlen(p.opts->in_field));
        if (!p.in_field || p.in_field->type != REF_FIELD_TEXT)
            fail(&p, "'%s' er ikke en del af et punkt, der kan søges i", p.opts->in_field);
    }
    if (p.status == REF_OK)
        next(&p);
    int root = -2;
    if (p.status == REF_OK && p.cur.kind == LEX_END)
        fail(&p, "søgningen er tom: skriv et eller flere ord at søge efter");
    if (p.status == REF_OK)
        root = parse_or(&p);
    if (p.status == REF_OK && p.cur.kind != LEX_END)
        fail(&p, "en ')' uden en '(' før den");
    if (p.status == REF_OK && root == -2)
        fail(&p, "søgningen har ingen ord, der kan søges på");
    if (p.status == REF_OK)
        root = apply_filters(&p, root);
    if (p.status == REF_OK && p.opts->decisions_only) {
        /* Only punkter with a decision: with a pure NOT query the free-text
         * prefix does not apply, so filter explicitly. */
        int both[2] = {root, ref_xquery_term(q->xq, REF_PREFIX_HASDECISION, 1)};
        root = ref_xquery_op(q->xq, REF_XOP_FILTER, both, 2, 0);
    }
    if (p.status == REF_OK && root < 0) {
        /* A node constructor failed inside the wrapper. */
        fail(&p, "søgningen kunne ikke bygges");
        p.status = REF_EINTERNAL;
    }
    if (p.status == REF_OK && (ref_buf_status(&q->stems) != REF_OK ||
                               ref_buf_status(&q->words) != REF_OK ||
                               ref_buf_status(&q->prefixes) != REF_OK ||
                               ref_buf_status(&q->part_phrases) != REF_OK))
        p.status = REF_ENOMEM;
    if (p.status != REF_OK) {
        if (errmsg)
            *errmsg = p.errmsg;
        else
            free(p.errmsg);
        ref_query_free(q);
        return p.status;
    }
    free(p.errmsg);
    q->root = root;
    *out = q;
    return REF_OK;
}

void ref_query_free(ref_query *q)
{
    if (!q)
        return;
    ref_xquery_free(q->xq);
    ref_buf_free(&q->stems);
    ref_buf_free(&q->words);
    ref_buf_free(&q->prefixes);
    ref_buf_free(&q->names);
    ref_buf_free(&q->part_phrases);
    free(q);
}

ref_xquery *ref_query_xquery(ref_query *q) { return q->xq; }

void ref_query_each_filter_name(const ref_query *q, ref_query_name_fn fn, void *ctx)
{
    const char *s = q->names.data, *end = s + q->names.len;
    while (s && s < end) {
        const char *field = s;
        const char *name = field + strlen(field) + 1;
        fn(ctx, field, name);
        s = name + strlen(name) + 1;
    }
}

int ref_query_root(const ref_query *q) { return q->root; }

static int in_list(const ref_buf *list, const char *s, size_t n, int prefix_match)
{
    for (size_t at = 0; at < list->len;) {
        const char *item = list->data + at;
        size_t len = strlen(item);
        if (prefix_match ? (len <= n && memcmp(item, s, len) == 0)
                         : (len == n && memcmp(item, s, n) == 0))
            return 1;
        at += len + 1;
    }
    return 0;
}

int ref_query_matches(const ref_query *q, const ref_token *tok)
{
    return in_list(&q->stems, tok->stem, tok->stem_len, 0) ||
           in_list(&q->prefixes, tok->text, tok->text_len, 1);
}

void ref_query_each_word(const ref_query *q, ref_query_word_fn fn, void *ctx)
{
    const char *parts[MAX_PARTS];
    if (!q->words.data) /* no words (and no pointer to add to) */
        return;
    const char *end = q->words.data + q->words.len;
    for (const char *w = q->words.data; w && w < end;) {
        const char *stem = w;
        size_t nparts = 0;
        for (w += strlen(w) + 1; w < end && *w; w += strlen(w) + 1)
            if (nparts < MAX_PARTS)
                parts[nparts++] = w;
        w++; /* the empty string that ends the word */
        if (*stem && fn(ctx, stem, parts, nparts))
            return;
    }
}

size_t ref_query_part_phrase_len(const ref_query *q, const char *const *recent, size_t nrecent)
{
    size_t best = 0;
    if (!q->part_phrases.data) /* no phrase of parts (and no pointer to add to) */
        return 0;
    const char *end = q->part_phrases.data + q->part_phrases.len;
    for (const char *ph = q->part_phrases.data; ph && ph < end;) {
        const char *stems[MAX_PARTS];
        size_t n = 0;
        for (; ph < end && *ph; ph += strlen(ph) + 1)
            if (n < MAX_PARTS)
                stems[n++] = ph;
        ph++; /* the empty string that ends the phrase */
        if (n > nrecent || n <= best)
            continue;
        size_t k = 0;
        while (k < n && strcmp(stems[n - 1 - k], recent[k]) == 0)
            k++;
        if (k == n)
            best = n;
    }
    return best;
}
