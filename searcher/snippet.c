#include "referat/snippet.h"

#include <stdlib.h>
#include <string.h>

#define MAX_WINDOWS 1000

/* A matched token: its span and a hash of its stem (to count distinct terms). */
typedef struct match {
    size_t start, end;
    unsigned long stem_hash;
} match;

/* Recent WORD/NUMBER tokens at consecutive positions, for the phrases of a
 * query compound's parts (ref_query_part_phrase_len). */
#define RECENT_MAX 16
#define RECENT_STEM_MAX 104

typedef struct recent_word {
    char stem[RECENT_STEM_MAX];
    size_t start;
    uint32_t pos;
} recent_word;

typedef struct collect_ctx {
    const ref_query *q;
    match *m;
    size_t n, cap;
    int failed;
    recent_word recent[RECENT_MAX]; /* ring; recent[(head - k) % RECENT_MAX] */
    size_t head, nrecent;
} collect_ctx;

static unsigned long hash_bytes(const char *s, size_t n)
{
    unsigned long h = 5381;
    for (size_t i = 0; i < n; i++)
        h = h * 33 + (unsigned char)s[i];
    return h;
}

static int add_match(collect_ctx *c, size_t start, size_t end, const char *stem, size_t stem_len)
{
    /* A JOINED or CODE token spans its parts; keep the outermost span once. */
    if (c->n && start < c->m[c->n - 1].end) {
        match *last = &c->m[c->n - 1];
        if (start <= last->start && end >= last->end) {
            last->start = start;
            last->end = end;
        }
        return 0;
    }
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 16;
        match *p = realloc(c->m, ncap * sizeof *p);
        if (!p) {
            c->failed = 1;
            return 1;
        }
        c->m = p;
        c->cap = ncap;
    }
    c->m[c->n++] = (match){start, end, hash_bytes(stem, stem_len)};
    return 0;
}

/* Remember TOK among the recent words; if a phrase of a query compound's
 * parts ends at it, add the phrase as one match. */
static int phrase_stage(collect_ctx *c, const ref_token *tok)
{
    if (tok->kind != REF_TOKEN_WORD && tok->kind != REF_TOKEN_NUMBER)
        return 0;
    if (c->nrecent && c->recent[c->head].pos + 1 != tok->pos)
        c->nrecent = 0; /* a gap: no phrase runs across it */
    c->head = (c->head + 1) % RECENT_MAX;
    recent_word *w = &c->recent[c->head];
    size_t n = tok->stem_len < RECENT_STEM_MAX - 1 ? tok->stem_len : RECENT_STEM_MAX - 1;
    memcpy(w->stem, tok->stem, n);
    w->stem[n] = '\0';
    w->start = tok->start;
    w->pos = tok->pos;
    if (c->nrecent < RECENT_MAX)
        c->nrecent++;
    const char *stems[RECENT_MAX];
    for (size_t k = 0; k < c->nrecent; k++)
        stems[k] = c->recent[(c->head + RECENT_MAX - k) % RECENT_MAX].stem;
    size_t len = ref_query_part_phrase_len(c->q, stems, c->nrecent);
    if (len < 2)
        return 0;
    const recent_word *first = &c->recent[(c->head + RECENT_MAX - (len - 1)) % RECENT_MAX];
    return add_match(c, first->start, tok->end, first->stem, strlen(first->stem));
}

static int collect(void *vctx, const ref_token *tok)
{
    collect_ctx *c = vctx;
    if (phrase_stage(c, tok))
        return 1;
    if (!ref_query_matches(c->q, tok))
        return 0;
    return add_match(c, tok->start, tok->end, tok->stem, tok->stem_len);
}

static int is_utf8_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

static int is_blank(char c) { return c == ' ' || c == '\n' || c == '\t'; }

/* Move AT back to the start of a word (after whitespace), at most SLACK
 * bytes; never inside a UTF-8 sequence. */
static size_t align_start(const char *t, size_t at, size_t slack)
{
    size_t lim = at > slack ? at - slack : 0;
    size_t i = at;
    while (i > lim && !is_blank(t[i - 1]))
        i--;
    if (i > lim || i == 0)
        return i;
    while (at > 0 && is_utf8_cont((unsigned char)t[at]))
        at--;
    return at;
}

/* Move AT back so the window ends at a word end, at most SLACK bytes. */
static size_t align_end(const char *t, size_t len, size_t at, size_t floor_)
{
    if (at >= len)
        return len;
    size_t i = at;
    while (i > floor_ && !is_blank(t[i]))
        i--;
    if (i > floor_)
        return i;
    while (at > floor_ && is_utf8_cont((unsigned char)t[at]))
        at--;
    return at;
}

/* Move AT forward to the start of a word before LIMIT, or else to a
 * character boundary (at most LIMIT, itself a boundary). */
static size_t advance_start(const char *t, size_t at, size_t limit)
{
    if (at == 0 || is_blank(t[at - 1]))
        return at;
    size_t i = at;
    while (i < limit && !is_blank(t[i]))
        i++;
    if (i < limit)
        return i + 1;
    while (at < limit && is_utf8_cont((unsigned char)t[at]))
        at++;
    return at;
}

static size_t distinct_in(const match *m, size_t from, size_t to)
{
    size_t d = 0;
    for (size_t i = from; i < to; i++) {
        size_t j = from;
        while (j < i && m[j].stem_hash != m[i].stem_hash)
            j++;
        d += j == i;
    }
    return d;
}

ref_status ref_snippet_make(ref_analyzer *an, const ref_query *q, const char *text, size_t len,
                            size_t target, ref_snippet *out)
{
    if (!out)
        return REF_EINVAL;
    memset(out, 0, sizeof *out);
    if (!an || !q || (!text && len))
        return REF_EINVAL;
    if (target == 0)
        target = REF_SNIPPET_DEFAULT_BYTES;
    collect_ctx c = {.q = q};
    ref_status st = ref_analyze(an, text, len, collect, &c, NULL);
    if (st == REF_OK && c.failed)
        st = REF_ENOMEM;
    if (st != REF_OK) {
        free(c.m);
        return st;
    }
    /* The window starting at match i holds matches i..j-1; take the one
     * with most distinct terms, then most matches, then the earliest. */
    size_t best = 0, best_end = 0, best_d = 0, best_n = 0;
    /* Windows start at the first MAX_WINDOWS matches only: a huge text with
     * the term everywhere must not make snippets slow. */
    for (size_t i = 0, j = 0; i < c.n && i < MAX_WINDOWS; i++) {
        if (j < i)
            j = i;
        while (j < c.n && c.m[j].end - c.m[i].start <= target)
            j++;
        size_t d = distinct_in(c.m, i, j), n = j - i;
        if (d > best_d || (d == best_d && n > best_n)) {
            best = i;
            best_end = j;
            best_d = d;
            best_n = n;
        }
    }
    size_t start = 0, last = 0;
    if (best_end > best) {
        /* Lead in with some context before the first match. */
        last = c.m[best_end - 1].end;
        size_t span = last - c.m[best].start;
        size_t lead = span < target ? (target - span) / 3 : 0;
        start = c.m[best].start > lead ? c.m[best].start - lead : 0;
        start = align_start(text, start, 30);
        /* Neither the lead-in nor the word alignment may push the matches
         * that made this window the best out of it
         * (test_window_keeps_the_matches_it_was_chosen_for). */
        if (start + target < last)
            start = advance_start(text, last - target, c.m[best].start);
    } else if (c.n) {
        /* Every match is longer than the target, so no window holds a whole
         * one: show the start of the first
         * (test_window_keeps_a_match_longer_than_the_target). */
        start = c.m[0].start;
    }
    size_t end = align_end(text, len, start + target, start);
    if (end < last)
        end = last;
    if (end <= start)
        end = len < start + target ? len : start + target;
    while (end < len && end > start && is_utf8_cont((unsigned char)text[end]))
        end--;
    out->start = start;
    out->end = end;
    out->cut_start = start > 0;
    out->cut_end = end < len;
    out->nmatches = c.n;
    out->ndistinct = best_d;
    size_t k = 0;
    for (size_t i = 0; i < c.n; i++)
        if (c.m[i].start >= start && c.m[i].end <= end)
            c.m[k++] = c.m[i];
    if (k) {
        out->spans = malloc(k * sizeof *out->spans);
        if (!out->spans) {
            free(c.m);
            return REF_ENOMEM;
        }
        for (size_t i = 0; i < k; i++)
            out->spans[i] = (ref_span){c.m[i].start, c.m[i].end};
        out->nspans = k;
    }
    free(c.m);
    return REF_OK;
}

void ref_snippet_clear(ref_snippet *s)
{
    if (!s)
        return;
    free(s->spans);
    memset(s, 0, sizeof *s);
}
