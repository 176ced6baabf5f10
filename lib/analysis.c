/* analysis.c — the Danish analysis chain, as three stages:
 *
 *   scan_chunk()   tokenise: find the next run of letters/digits with its
 *                  inner joiners ('-', '.', '/') and apostrophe ending, fold
 *                  it into an->fold and record its segments;
 *   chunk_stage()  decide what the run is (a word, a number, a code, a
 *                  hyphenated word) and hand each word to
 *   word_stage()   the per-word stage: look the word up in the cache
 *                  (terms_stage()), which on a miss computes its
 *                  lemma-first stem and its compound parts once per word
 *                  type, then emit the word and its PART tokens.
 *
 * Each stage passes byte spans into the caller's text through unchanged, as
 * SQLite FTS5's wrapping tokenizers do, so a snippet can highlight exactly
 * what matched. This is the only file that includes libstemmer.h (a test
 * greps for it): one wrapper, one way to stem. */
#include "referat/analysis.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

#include "referat/compound.h"
#include "referat/lexicon.h"
#include "referat/utf8.h"

/* Words longer than this are indexed as they are, unstemmed and uncached:
 * they are never real Danish words (base64, a run of letters without spaces),
 * and Snowball's time on them is wasted. Pinned by
 * test_long_input_without_separators. */
#define STEM_MAX_BYTES 100

/* A code or hyphenated word longer than this many parts is cut into several
 * at a joiner, so a pathological "1-1-1-…" keeps memory bounded. Real journal
 * numbers have 6 parts. */
#define MAX_SEGS 64

/* The term cache, word → {stem, PART terms}: open addressing, linear
 * probing, entries in one arena. When it holds CACHE_MAX_ENTRIES entries or
 * its arena is full it is emptied in one go: memory stays flat on any corpus
 * (12 bytes a slot + the arena, about 3 MB), and the frequent words are back
 * after a few sentences. The arena is twice what stems alone needed: a
 * compound's entry carries its parts (about 12 bytes each). */
#define CACHE_SLOTS (1u << 16)
#define CACHE_MAX_ENTRIES (CACHE_SLOTS / 2)
#define CACHE_ARENA_BYTES (2u << 20)

/* A word gives at most this many PART tokens: its leaves and its first
 * MAX_SUBS sub-compounds (real words have one or two), and its canonical
 * form (split_stage). */
#define MAX_SUBS 8
#define MAX_WORD_PARTS (REF_COMPOUND_MAX_PARTS + MAX_SUBS + 1)
/* Lemmas looked at per word; "runden" has three. */
#define MAX_LEMMAS 8

/* An entry in the arena, at OFF: the key (KLEN bytes), NUL, the stem (SLEN
 * bytes), NUL, then NPARTS part records, each 3 bytes (start and end in the
 * folded word, stem length) then the stem and a NUL. Words are at most
 * STEM_MAX_BYTES, so a byte holds each of the three. */
typedef struct cache_slot {
    uint32_t hash;
    uint32_t off;
    uint8_t klen; /* 0: empty slot */
    uint8_t slen;
    uint8_t nparts;
} cache_slot;

typedef struct stem_cache {
    cache_slot *slots;
    char *arena;
    size_t arena_len;
    size_t entries;
} stem_cache;

enum { SEG_LETTER = 1, SEG_DIGIT = 2 };

/* One part of a chunk, between joiners. */
typedef struct seg {
    size_t start, end;   /* its bytes in the input */
    size_t fstart, fend; /* its folded text in an->fold */
    unsigned flags;      /* SEG_LETTER | SEG_DIGIT */
    int reshaped;        /* folding changed a character's shape (fold_put), or dropped one */
    char join;           /* the joiner before it ('-', '.', '/'), 0 for the first */
} seg;

/* A run of segments as found by scan_chunk(). */
typedef struct chunk {
    size_t start, end; /* input span, including an apostrophe ending */
    size_t nsegs;      /* in an->segs */
    size_t fold_base;  /* an->fold length without the apostrophe ending */
    unsigned flags;    /* union of the segments' flags */
} chunk;

/* One PART term of a word, as computed on a cache miss. */
typedef struct part_term {
    size_t start, end; /* in the folded word, linking letters excluded */
    size_t len;
    char stem[STEM_MAX_BYTES + 1];
} part_term;

/* A word's terms, as computed on a cache miss, before they go to the cache. */
typedef struct word_entry {
    size_t stem_len;
    char stem[STEM_MAX_BYTES + 1];
    size_t nparts;
    part_term parts[MAX_WORD_PARTS];
} word_entry;

/* A word's terms as word_stage() uses them: pointers into the cache. */
typedef struct word_terms {
    const char *stem;
    size_t stem_len;
    const unsigned char *parts; /* nparts records, laid out as in the arena */
    size_t nparts;
} word_terms;

struct ref_analyzer {
    struct sb_stemmer *stemmer;
    const ref_lexicon *lex; /* NULL: plain Snowball, no parts */
    ref_lexicon *own_lex;   /* the built-in lexicon, when we opened it */
    ref_compound_veto veto; /* .attested NULL: no veto */
    stem_cache cache;
    ref_buf fold;   /* the current chunk, folded; joiners and apostrophes as ASCII */
    ref_buf joined; /* the text of a JOINED token */
    ref_buf text_scratch;
    ref_buf stem_scratch;
    ref_buf part_text;                 /* the text of a PART token */
    char stem_out[STEM_MAX_BYTES + 1]; /* ref_analyzer_stem's result */
    word_entry entry;                  /* a cache miss, being computed */
    seg segs[MAX_SEGS];
};

/* One call of ref_analyze(). Errors and the callback's "stop" are sticky:
 * every stage returns early once either is set, and ref_analyze() looks
 * once, at the end (SQLite FTS5's pRc pattern). */
typedef struct run {
    ref_analyzer *an;
    const char *text;
    size_t len;
    ref_token_fn fn;
    void *ctx;
    uint32_t next_pos; /* first position not yet given out */
    uint32_t used;     /* 1 + the highest position passed to fn */
    int stop;
    ref_status rc;
} run;

/* What the per-word stage gets: one word, folded, with its span. */
typedef struct word {
    ref_token_kind kind; /* WORD, NUMBER or JOINED */
    const char *text;    /* folded surface form, NUL-terminated */
    size_t text_len;
    size_t base_len; /* bytes of text before an apostrophe ending: what is stemmed */
    int stemmable;   /* letters only; numbers and letter-digit mixes are not stemmed */
    int fold_exact;  /* text[i] is input[start + i]'s folding, byte for byte */
    size_t start, end;
    uint32_t pos;
} word_item;

/* ---- characters ---------------------------------------------------------- */

/* Decode one character with an ASCII fast path. Returns its length, or 0 for
 * an invalid byte (which the caller treats as a separator). */
static inline size_t next_char(const char *s, size_t len, uint32_t *cp, ref_uchar_class *cls)
{
    unsigned char c = (unsigned char)s[0];
    if (c < 0x80) {
        *cp = c;
        if ((unsigned)((c | 0x20) - 'a') < 26u)
            *cls = REF_UCHAR_LETTER;
        else if ((unsigned)(c - '0') < 10u)
            *cls = REF_UCHAR_DIGIT;
        else
            *cls = REF_UCHAR_OTHER;
        return 1;
    }
    size_t n = ref_utf8_decode(s, len, cp);
    if (n)
        *cls = ref_uchar_class_of(*cp);
    return n;
}

static int starts_word(ref_uchar_class cls)
{
    return cls == REF_UCHAR_LETTER || cls == REF_UCHAR_DIGIT;
}

static int continues_word(ref_uchar_class cls)
{
    return cls != REF_UCHAR_OTHER;
}

/* The joiner CP stands for, as written into folded text, or 0. U+2010 and
 * U+2011 (typographic and non-breaking hyphen, common in Word documents) join
 * like '-' so "IT‑systemer" and "IT-systemer" give the same terms. */
static char joiner_of(uint32_t cp)
{
    switch (cp) {
    case '-':
    case 0x2010:
    case 0x2011:
        return '-';
    case '.':
        return '.';
    case '/':
        return '/';
    default:
        return 0;
    }
}

static int is_apostrophe(uint32_t cp)
{
    return cp == '\'' || cp == 0x2019;
}

/* Danish writes the endings of abbreviations after an apostrophe: "KL's",
 * "pc'er", "Trio'erne", "tv'et". Such an ending stays in the token's text and
 * span but not in its stem, so "KL's" is found by "KL". Any other apostrophe
 * ("O'Brien", "rock'n'roll") separates words. Pinned by
 * test_apostrophe_endings. */
static const char *const apostrophe_endings[] = {
    "s", "en", "ens", "er", "erne", "ernes", "ers", "et", "ets",
};

/* Length of the apostrophe ending at S (just after the apostrophe), or 0. */
static size_t apostrophe_ending(const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && n < 6 && (unsigned)((s[n] | 0x20) - 'a') < 26u)
        n++;
    if (n == 0 || n > 5)
        return 0;
    if (n < len) {
        uint32_t cp;
        ref_uchar_class cls;
        if (next_char(s + n, len - n, &cp, &cls) && continues_word(cls))
            return 0;
    }
    for (size_t i = 0; i < sizeof apostrophe_endings / sizeof *apostrophe_endings; i++) {
        const char *e = apostrophe_endings[i];
        if (strlen(e) != n)
            continue;
        size_t k = 0;
        while (k < n && (s[k] | 0x20) == e[k])
            k++;
        if (k == n)
            return n;
    }
    return 0;
}

/* ---- stage 1: tokenise --------------------------------------------------- */

/* Append the folding of one character. The caller keeps 8 bytes free, more
 * than any folding needs (at most 3 code points, 6 bytes in Unicode 14).
 * Returns whether the folding is one character of the same length ("Æ" →
 * "æ"), so byte offsets in the folded text are offsets in the input; "ß" →
 * "ss" is as long but two characters, and is not. */
static inline int fold_put(ref_buf *b, uint32_t cp, const char *src, size_t n)
{
    if (cp < 0x80) {
        b->data[b->len++] = (char)(cp + (((unsigned)(cp - 'A') < 26u) << 5));
        return 1;
    }
    const char *folded;
    size_t flen = ref_uchar_fold(cp, &folded);
    int exact = 1;
    if (flen) {
        exact = flen == n && ref_utf8_seq_len(folded, flen) == n;
        src = folded;
        n = flen;
    }
    memcpy(b->data + b->len, src, n);
    b->len += n;
    return exact;
}

/* Consume one segment at *I: letters, marks, digits and ignorables, folded
 * into an->fold. Returns 0 if out of memory. */
static int scan_segment(run *r, size_t *i, seg *sg)
{
    ref_buf *fold = &r->an->fold;
    size_t at = *i;
    sg->start = at;
    sg->end = at;
    sg->fstart = fold->len;
    sg->flags = 0;
    sg->reshaped = 0;
    while (at < r->len) {
        uint32_t cp;
        ref_uchar_class cls;
        size_t n = next_char(r->text + at, r->len - at, &cp, &cls);
        if (n == 0 || !continues_word(cls))
            break;
        if (fold->len + 9 > fold->cap) {
            ref_buf_reserve(fold, 4096);
            if (fold->failed)
                return 0;
        }
        switch (cls) {
        case REF_UCHAR_LETTER:
        case REF_UCHAR_MARK:
            sg->flags |= SEG_LETTER;
            sg->reshaped |= !fold_put(fold, cp, r->text + at, n);
            sg->end = at + n;
            break;
        case REF_UCHAR_DIGIT:
            sg->flags |= SEG_DIGIT;
            sg->reshaped |= !fold_put(fold, cp, r->text + at, n);
            sg->end = at + n;
            break;
        case REF_UCHAR_IGNORABLE:
            sg->reshaped = 1;
            break; /* inside the span, not in the text */
        case REF_UCHAR_OTHER:
            break; /* not reached: ended the loop above */
        }
        at += n;
    }
    sg->fend = fold->len;
    fold->data[fold->len] = '\0';
    *i = sg->end; /* trailing ignorables are not part of the word */
    return 1;
}

/* Skip separators from *I; if a word starts there, scan the chunk that
 * starts with it into CK and an->fold, and move *I past it. Returns 0 at the
 * end of the text. */
static int scan_chunk(run *r, size_t *i, chunk *ck)
{
    ref_analyzer *an = r->an;
    size_t at = *i;
    while (at < r->len) {
        uint32_t cp;
        ref_uchar_class cls;
        size_t n = next_char(r->text + at, r->len - at, &cp, &cls);
        if (n && starts_word(cls))
            break;
        at += n ? n : 1; /* an invalid byte is a separator */
    }
    if (at >= r->len)
        return 0;

    ref_buf_reset(&an->fold);
    ref_buf_reserve(&an->fold, 64);
    if (an->fold.failed) {
        r->rc = REF_ENOMEM;
        return 0;
    }
    ck->start = at;
    ck->nsegs = 0;
    ck->flags = 0;
    char join = 0;
    for (;;) {
        seg *sg = &an->segs[ck->nsegs];
        sg->join = join;
        if (!scan_segment(r, &at, sg)) {
            r->rc = REF_ENOMEM;
            return 0;
        }
        ck->nsegs++;
        ck->flags |= sg->flags;
        ck->end = at;
        ck->fold_base = an->fold.len;
        if (at >= r->len)
            break;
        uint32_t cp, next_cp;
        ref_uchar_class cls, next_cls;
        size_t n = next_char(r->text + at, r->len - at, &cp, &cls);
        if (n == 0)
            break;
        /* A joiner joins only when a word goes on after it: "2017." is
         * "2017", "Trivsels- og" is "trivsels". */
        join = joiner_of(cp);
        if (join && ck->nsegs < MAX_SEGS && at + n < r->len &&
            next_char(r->text + at + n, r->len - at - n, &next_cp, &next_cls) &&
            starts_word(next_cls)) {
            ref_buf_putc(&an->fold, join);
            at += n;
            continue;
        }
        size_t elen;
        if (is_apostrophe(cp) && (elen = apostrophe_ending(r->text + at + n, r->len - at - n))) {
            ref_buf_putc(&an->fold, '\'');
            for (size_t k = 0; k < elen; k++)
                ref_buf_putc(&an->fold, (char)(r->text[at + n + k] | 0x20));
            if (an->fold.failed) {
                r->rc = REF_ENOMEM;
                return 0;
            }
            at += n + elen;
            ck->end = at;
        }
        break;
    }
    *i = at;
    return 1;
}

/* ---- stage 3: stems and parts, with the cache ----------------------------- */

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void cache_clear(stem_cache *c)
{
    memset(c->slots, 0, CACHE_SLOTS * sizeof *c->slots);
    c->arena_len = 0;
    c->entries = 0;
}

/* The slot holding W, or the empty slot where it belongs. */
static cache_slot *cache_find(stem_cache *c, const char *w, size_t n, uint32_t h)
{
    for (uint32_t i = h & (CACHE_SLOTS - 1);; i = (i + 1) & (CACHE_SLOTS - 1)) {
        cache_slot *s = &c->slots[i];
        if (s->klen == 0)
            return s;
        if (s->hash == h && s->klen == n && memcmp(c->arena + s->off, w, n) == 0)
            return s;
    }
}

/* Copy N bytes to SCRATCH as a C string; NULL when out of memory (the
 * caller hears of it now, so the next use starts clean). */
static const char *scratch_cstr(ref_buf *scratch, const char *s, size_t n)
{
    ref_buf_clear(scratch);
    ref_buf_append(scratch, s, n);
    if (scratch->failed)
        return NULL;
    return ref_buf_cstr(scratch);
}

/* The Snowball stem of W[0..N), N ≤ STEM_MAX_BYTES, copied to OUT (which
 * holds STEM_MAX_BYTES + 1): libstemmer's result lives only until its next
 * call. */
static ref_status snowball(ref_analyzer *an, const char *w, size_t n, char *out, size_t *out_len)
{
    const sb_symbol *sb = sb_stemmer_stem(an->stemmer, (const sb_symbol *)w, (int)n);
    if (!sb)
        return REF_ENOMEM;
    size_t sl = (size_t)sb_stemmer_length(an->stemmer);
    if (sl > STEM_MAX_BYTES)
        return REF_EINTERNAL; /* Danish Snowball only removes endings */
    memcpy(out, sb, sl);
    out[sl] = '\0';
    *out_len = sl;
    return REF_OK;
}

/* Whether LEMMA may stand for the word W: the lemma's first two characters
 * (all of a shorter one) begin W too. Inflection keeps the beginning of a
 * word (budgettet, trivslen, blev → blive, større → stor); suppletion does
 * not, and would merge words a searcher keeps apart: "ældre" (the elderly)
 * is not "gammel", "fik" not "få" (few), "bedre" not "god". It also passes
 * over a wrong first reading: "lægges" is listed under "kortlægge" before
 * "lægge", "runden" under "randt" before "runde". On the bundled corpus it
 * leaves 8 of 312 inflected lemmas with two stems (er/være, gik/gå, …)
 * against Snowball's 72. Pinned by test_lemma_first_stems. */
static int lemma_fits(const char *w, size_t n, const char *lemma, size_t lemma_len)
{
    size_t common = 0;
    while (common < n && common < lemma_len && w[common] == lemma[common])
        common++;
    size_t at = 0;
    for (int chars = 0; chars < 2 && at < lemma_len; chars++) {
        size_t k = ref_utf8_seq_len(lemma + at, lemma_len - at);
        if (k == 0 || at + k > common)
            return 0;
        at += k;
    }
    return 1;
}

/* The lemma-first stem of W[0..N): the Snowball stem of the first lemma of
 * W that fits it, else of W itself (always the latter without a lexicon).
 * The lexicon's lemmas are case-folded letters, at most 31 bytes. */
static ref_status lemma_stem(ref_analyzer *an, const char *w, size_t n, char *out, size_t *out_len)
{
    if (an->lex) {
        uint32_t ids[MAX_LEMMAS];
        size_t k = ref_lexicon_lemmas(an->lex, w, n, ids, MAX_LEMMAS);
        for (size_t i = 0; i < k; i++) {
            size_t ll;
            const char *l = ref_lexicon_lemma(an->lex, ids[i], &ll);
            if (l && ll <= STEM_MAX_BYTES && lemma_fits(w, n, l, ll))
                return snowball(an, l, ll, out, out_len);
        }
    }
    return snowball(an, w, n, out, out_len);
}

/* Add the PART term of TEXT (the part's dictionary text) at [START, END)
 * of the folded word to E, unless its stem is the word's own or an
 * earlier part's. With STEM_GIVEN, TEXT is the stem itself. */
static ref_status add_part_as(ref_analyzer *an, word_entry *e, const char *text, size_t len,
                              size_t start, size_t end, int stem_given)
{
    if (len == 0 || len > STEM_MAX_BYTES || start >= end || e->nparts == MAX_WORD_PARTS)
        return REF_OK;
    part_term *pt = &e->parts[e->nparts];
    ref_status st = REF_OK;
    if (stem_given) {
        memcpy(pt->stem, text, len);
        pt->stem[len] = '\0';
        pt->len = len;
    } else {
        st = lemma_stem(an, text, len, pt->stem, &pt->len);
    }
    if (st != REF_OK || pt->len == 0)
        return st;
    if (pt->len == e->stem_len && memcmp(pt->stem, e->stem, pt->len) == 0)
        return REF_OK;
    for (size_t i = 0; i < e->nparts; i++)
        if (e->parts[i].len == pt->len && memcmp(e->parts[i].stem, pt->stem, pt->len) == 0)
            return REF_OK;
    pt->start = start;
    pt->end = end;
    e->nparts++;
    return REF_OK;
}

static ref_status add_part(ref_analyzer *an, word_entry *e, const char *text, size_t len,
                           size_t start, size_t end)
{
    return add_part_as(an, e, text, len, start, end, 0);
}

/* The canonical form of the run of parts [FIRST, FIRST + COUNT) of W: the
 * stems of its leaves, one after the other ("syg" "fravær" "statistik").
 * Linking letters and inflection are gone from it, so "sygefraværsstatistik"
 * and "sygefraværstatistikken" (a writer's missing s) have one canonical
 * form; a query compound is looked up by its own (query.c). */
static ref_status add_canonical(ref_analyzer *an, word_entry *e, const char *w,
                                const ref_compound_part *parts, size_t first, size_t count)
{
    char canon[STEM_MAX_BYTES + 1], stem[STEM_MAX_BYTES + 1];
    size_t cl = 0;
    for (size_t i = first; i < first + count; i++) {
        size_t tl, sl;
        const char *t = ref_compound_part_text(an->lex, w, &parts[i], &tl);
        if (tl == 0 || tl > STEM_MAX_BYTES)
            return REF_OK;
        ref_status st = lemma_stem(an, t, tl, stem, &sl);
        if (st != REF_OK)
            return st;
        if (cl + sl > STEM_MAX_BYTES)
            return REF_OK;
        memcpy(canon + cl, stem, sl);
        cl += sl;
    }
    const ref_compound_part *last = &parts[first + count - 1];
    return add_part_as(an, e, canon, cl, parts[first].start,
                       last->start + last->len - last->link_len, 1);
}

/* Order E's parts by start, a longer span first (insertion sort: a handful
 * of parts, once per word type). */
static void sort_parts(word_entry *e)
{
    for (size_t i = 1; i < e->nparts; i++) {
        part_term t = e->parts[i];
        size_t k = i;
        while (k > 0 && (e->parts[k - 1].start > t.start ||
                         (e->parts[k - 1].start == t.start && e->parts[k - 1].end < t.end))) {
            e->parts[k] = e->parts[k - 1];
            k--;
        }
        e->parts[k] = t;
    }
}

/* The PART terms of the folded word W[0..N) into E: its leaves, then its
 * sub-compounds, each stemmed lemma-first; nothing if it does not split. */
static ref_status split_stage(ref_analyzer *an, const char *w, size_t n, word_entry *e)
{
    ref_compound_part parts[REF_COMPOUND_MAX_PARTS];
    size_t np = 0;
    const ref_compound_veto *veto = an->veto.attested ? &an->veto : NULL;
    ref_status st = ref_compound_split(an->lex, w, n, veto, parts, REF_COMPOUND_MAX_PARTS, &np);
    if (st != REF_OK || np < 2)
        return st;
    for (size_t i = 0; i < np && st == REF_OK; i++) {
        size_t tl;
        const char *t = ref_compound_part_text(an->lex, w, &parts[i], &tl);
        size_t end = parts[i].start + parts[i].len - parts[i].link_len;
        st = add_part(an, e, t, tl, parts[i].start, end);
    }
    char buf[512];
    ref_compound_sub subs[MAX_SUBS];
    size_t ns = 0;
    if (st == REF_OK)
        st = ref_compound_runs(an->lex, w, parts, np, buf, sizeof buf, subs, MAX_SUBS, &ns);
    if (st == REF_ETOOBIG) /* more than MAX_SUBS: the first ones are kept */
        st = REF_OK;
    for (size_t i = 0; i < ns && st == REF_OK; i++)
        st = add_part(an, e, buf + subs[i].text_off, subs[i].text_len, subs[i].start, subs[i].end);
    /* The canonical form of the whole word only: of every run as well would
     * double the PART terms of an index. */
    if (st == REF_OK)
        st = add_canonical(an, e, w, parts, 0, np);
    sort_parts(e);
    return st;
}

/* The arena bytes of entry E for a key of N bytes. */
static size_t entry_size(const word_entry *e, size_t n)
{
    size_t size = n + 1 + e->stem_len + 1;
    for (size_t i = 0; i < e->nparts; i++)
        size += 3 + e->parts[i].len + 1;
    return size;
}

/* Write E for key W[0..N) into the arena at slot S, which must fit. */
static void cache_put(stem_cache *c, cache_slot *s, uint32_t h, const char *w, size_t n,
                      const word_entry *e)
{
    char *dst = c->arena + c->arena_len;
    *s = (cache_slot){.hash = h,
                      .off = (uint32_t)c->arena_len,
                      .klen = (uint8_t)n,
                      .slen = (uint8_t)e->stem_len,
                      .nparts = (uint8_t)e->nparts};
    memcpy(dst, w, n);
    dst += n;
    *dst++ = '\0';
    memcpy(dst, e->stem, e->stem_len);
    dst += e->stem_len;
    *dst++ = '\0';
    for (size_t i = 0; i < e->nparts; i++) {
        const part_term *pt = &e->parts[i];
        *dst++ = (char)pt->start;
        *dst++ = (char)pt->end;
        *dst++ = (char)pt->len;
        memcpy(dst, pt->stem, pt->len);
        dst += pt->len;
        *dst++ = '\0';
    }
    c->arena_len += entry_size(e, n);
    c->entries++;
}

static void slot_terms(const stem_cache *c, const cache_slot *s, word_terms *t)
{
    t->stem = c->arena + s->off + s->klen + 1;
    t->stem_len = s->slen;
    t->parts = (const unsigned char *)t->stem + s->slen + 1;
    t->nparts = s->nparts;
}

/* The terms of the folded letters W[0..N): from the cache, or computed
 * (lemma-first stem, then the compound parts) and cached. The per-token
 * cost is one hash and one probe; the lexicon and the splitter run once per
 * word type until the cache is emptied. */
static ref_status terms_stage(ref_analyzer *an, const char *w, size_t n, word_terms *t)
{
    *t = (word_terms){0};
    if (n == 0 || n > STEM_MAX_BYTES) {
        t->stem = scratch_cstr(&an->stem_scratch, w, n);
        t->stem_len = n;
        return t->stem ? REF_OK : REF_ENOMEM;
    }
    stem_cache *c = &an->cache;
    uint32_t h = hash_bytes(w, n);
    cache_slot *s = cache_find(c, w, n, h);
    if (s->klen) {
        slot_terms(c, s, t);
        return REF_OK;
    }
    word_entry *e = &an->entry;
    e->nparts = 0;
    ref_status st = lemma_stem(an, w, n, e->stem, &e->stem_len);
    if (st == REF_OK && an->lex)
        st = split_stage(an, w, n, e);
    if (st != REF_OK)
        return st;
    size_t size = entry_size(e, n);
    if (c->entries >= CACHE_MAX_ENTRIES || c->arena_len + size > CACHE_ARENA_BYTES) {
        cache_clear(c);
        s = cache_find(c, w, n, h);
    }
    cache_put(c, s, h, w, n, e);
    slot_terms(c, s, t);
    return REF_OK;
}

/* ---- stage 2: words, numbers, codes, hyphenated words -------------------- */

static void emit(run *r, ref_token_kind kind, const char *text, size_t text_len, const char *stem,
                 size_t stem_len, size_t start, size_t end, uint32_t pos)
{
    if (r->stop || r->rc)
        return;
    ref_token t = {.kind = kind,
                   .text = text,
                   .text_len = text_len,
                   .stem = stem,
                   .stem_len = stem_len,
                   .start = start,
                   .end = end,
                   .pos = pos};
    if (pos + 1 > r->used)
        r->used = pos + 1;
    if (r->fn(r->ctx, &t))
        r->stop = 1;
}

/* The input bytes of the folded bytes [FS, FE) of word W. When folding kept
 * every character one character of its own length (W->fold_exact: ASCII,
 * æøå, most text) the offsets carry over; otherwise ("ß" → "ss", a soft
 * hyphen inside the word) walk the input, widening to whole characters.
 * Pinned by the "odd folding" cases of test_default_streams. */
static void map_span(const run *r, const word_item *w, size_t fs, size_t fe, size_t *start,
                     size_t *end)
{
    if (w->fold_exact) {
        *start = w->start + fs;
        *end = w->start + fe;
        return;
    }
    *start = *end = w->start;
    size_t folded = 0;
    for (size_t at = w->start; at < w->end && folded < fe;) {
        uint32_t cp;
        ref_uchar_class cls;
        size_t n = next_char(r->text + at, w->end - at, &cp, &cls);
        if (n == 0)
            break;
        const char *f;
        size_t flen = cls == REF_UCHAR_IGNORABLE ? 0 : cp < 0x80 ? 1 : ref_uchar_fold(cp, &f);
        if (flen == 0 && cls != REF_UCHAR_IGNORABLE)
            flen = n;
        if (folded + flen <= fs)
            *start = at + n;
        folded += flen;
        at += n;
        *end = at;
    }
}

/* The PART tokens of word W (see analysis.h): T's part records, each at
 * W's position with its span mapped back into the input. */
static void parts_stage(run *r, const word_item *w, const word_terms *t)
{
    const unsigned char *p = t->parts;
    for (size_t k = 0; k < t->nparts && !r->stop && !r->rc; k++) {
        size_t fs = p[0], fe = p[1], sl = p[2];
        const char *stem = (const char *)p + 3;
        p += 3 + sl + 1;
        const char *text = scratch_cstr(&r->an->part_text, w->text + fs, fe - fs);
        if (!text) {
            r->rc = REF_ENOMEM;
            return;
        }
        size_t start, end;
        map_span(r, w, fs, fe, &start, &end);
        emit(r, REF_TOKEN_PART, text, fe - fs, stem, sl, start, end, w->pos);
    }
}

/* The per-word stage: the word's lemma-first stem and its parts from the
 * cache, the word, then (for a WORD) its PART tokens at its position. */
static void word_stage(run *r, const word_item *w)
{
    if (r->stop || r->rc)
        return;
    ref_analyzer *an = r->an;
    word_terms t = {.stem = w->text, .stem_len = w->base_len};
    if (w->stemmable) {
        r->rc = terms_stage(an, w->text, w->base_len, &t);
    } else if (w->base_len != w->text_len) {
        t.stem = scratch_cstr(&an->stem_scratch, w->text, w->base_len);
        if (!t.stem)
            r->rc = REF_ENOMEM;
    }
    if (r->rc)
        return;
    emit(r, w->kind, w->text, w->text_len, t.stem, t.stem_len, w->start, w->end, w->pos);
    if (w->kind == REF_TOKEN_WORD)
        parts_stage(r, w, &t);
}

/* Text of an->fold[off, off+n) as a C string: in place when it runs to the
 * end of the buffer (the common case: a whole word), else copied. */
static const char *fold_cstr(run *r, size_t off, size_t n)
{
    ref_analyzer *an = r->an;
    if (off + n == an->fold.len)
        return an->fold.data + off;
    const char *s = scratch_cstr(&an->text_scratch, an->fold.data + off, n);
    if (!s)
        r->rc = REF_ENOMEM;
    return s;
}

/* Segment K of CK as a word at POS; the last segment carries the chunk's
 * apostrophe ending. */
static void seg_word(run *r, const chunk *ck, size_t k, uint32_t pos)
{
    const seg *sg = &r->an->segs[k];
    int last = k + 1 == ck->nsegs;
    size_t fend = last ? r->an->fold.len : sg->fend;
    word_item w = {.kind = sg->flags == SEG_DIGIT ? REF_TOKEN_NUMBER : REF_TOKEN_WORD,
                   .text_len = fend - sg->fstart,
                   .base_len = sg->fend - sg->fstart,
                   .stemmable = sg->flags == SEG_LETTER,
                   .fold_exact = !sg->reshaped,
                   .start = sg->start,
                   .end = last ? ck->end : sg->end,
                   .pos = pos};
    w.text = fold_cstr(r, sg->fstart, w.text_len);
    if (w.text)
        word_stage(r, &w);
}

/* Give out N consecutive positions; the first of them. */
static uint32_t take_positions(run *r, size_t n)
{
    if (r->next_pos > UINT32_MAX - n) {
        r->rc = REF_ETOOBIG;
        return 0;
    }
    uint32_t p = r->next_pos;
    r->next_pos += (uint32_t)n;
    return p;
}

/* A code: the CODE token for the whole, then its parts as words. */
static void code_stage(run *r, const chunk *ck)
{
    ref_analyzer *an = r->an;
    uint32_t p = take_positions(r, ck->nsegs);
    const char *stem = fold_cstr(r, 0, ck->fold_base);
    if (r->rc)
        return;
    /* stem may be text_scratch; the CODE token's text is the whole buffer */
    emit(r, REF_TOKEN_CODE, an->fold.data, an->fold.len, stem, ck->fold_base, ck->start, ck->end,
         p);
    for (size_t k = 0; k < ck->nsegs; k++)
        seg_word(r, ck, k, p + (uint32_t)k);
}

/* Segments [A, B) joined by hyphens: the JOINED token for the whole at the
 * first part's position, then the parts at consecutive positions. */
static void hyphen_stage(run *r, const chunk *ck, size_t a, size_t b)
{
    ref_analyzer *an = r->an;
    uint32_t p = take_positions(r, b - a);
    ref_buf *j = &an->joined;
    ref_buf_reset(j);
    for (size_t k = a; k < b; k++)
        ref_buf_append(j, an->fold.data + an->segs[k].fstart,
                       an->segs[k].fend - an->segs[k].fstart);
    size_t base_len = j->len;
    int last = b == ck->nsegs;
    if (last)
        ref_buf_append(j, an->fold.data + ck->fold_base, an->fold.len - ck->fold_base);
    if (j->failed)
        r->rc = REF_ENOMEM;
    word_item w = {.kind = REF_TOKEN_JOINED,
                   .text = ref_buf_cstr(j),
                   .text_len = j->len,
                   .base_len = base_len,
                   .stemmable = 1,
                   .start = an->segs[a].start,
                   .end = last ? ck->end : an->segs[b - 1].end,
                   .pos = p};
    word_stage(r, &w);
    for (size_t k = a; k < b; k++)
        seg_word(r, ck, k, p + (uint32_t)(k - a));
}

static void chunk_stage(run *r, const chunk *ck)
{
    if (ck->nsegs > 1 && (ck->flags & SEG_DIGIT)) {
        code_stage(r, ck);
        return;
    }
    /* Letters only: '.' and '/' separate ("f.eks.", "og/eller"), hyphens
     * join. Each hyphen-joined run is a word or a hyphenated word. */
    size_t a = 0;
    while (a < ck->nsegs && !r->stop && !r->rc) {
        size_t b = a + 1;
        while (b < ck->nsegs && r->an->segs[b].join == '-')
            b++;
        if (b - a == 1)
            seg_word(r, ck, a, take_positions(r, 1));
        else
            hyphen_stage(r, ck, a, b);
        a = b;
    }
}

/* ---- public API ---------------------------------------------------------- */

ref_status ref_analyzer_new_opts(const ref_analyzer_opts *opts, ref_analyzer **out)
{
    *out = NULL;
    ref_analyzer_opts o = opts ? *opts : (ref_analyzer_opts){0};
    ref_analyzer *an = calloc(1, sizeof *an);
    if (!an)
        return REF_ENOMEM;
    an->cache.slots = calloc(CACHE_SLOTS, sizeof *an->cache.slots);
    an->cache.arena = malloc(CACHE_ARENA_BYTES);
    if (!an->cache.slots || !an->cache.arena) {
        ref_analyzer_free(an);
        return REF_ENOMEM;
    }
    /* sb_stemmer_new returns NULL both for an unknown language and for
     * failed allocation; with our fixed arguments the first means a broken
     * libstemmer, so call it internal. */
    an->stemmer = sb_stemmer_new("danish", "UTF_8");
    if (!an->stemmer) {
        ref_analyzer_free(an);
        return REF_EINTERNAL;
    }
    if (!o.plain_snowball) {
        an->lex = o.lexicon;
        if (!an->lex) {
            ref_status st = ref_lexicon_open_builtin(&an->own_lex);
            if (st != REF_OK) {
                ref_analyzer_free(an);
                return st;
            }
            an->lex = an->own_lex;
        }
        if (o.veto)
            an->veto = *o.veto;
    }
    *out = an;
    return REF_OK;
}

ref_status ref_analyzer_new(ref_analyzer **out)
{
    return ref_analyzer_new_opts(NULL, out);
}

void ref_analyzer_free(ref_analyzer *an)
{
    if (!an)
        return;
    if (an->stemmer)
        sb_stemmer_delete(an->stemmer);
    ref_lexicon_free(an->own_lex);
    free(an->cache.slots);
    free(an->cache.arena);
    ref_buf_free(&an->fold);
    ref_buf_free(&an->joined);
    ref_buf_free(&an->text_scratch);
    ref_buf_free(&an->stem_scratch);
    ref_buf_free(&an->part_text);
    free(an);
}

/* A failed allocation in an earlier call must not fail this one: the
 * analyser's buffers live as long as it does (a --serve worker's, for
 * good). Pinned by tests/fault/fault_paths.c (analyze). */
static void forget_failures(ref_analyzer *an)
{
    ref_buf_clear(&an->fold);
    ref_buf_clear(&an->joined);
    ref_buf_clear(&an->text_scratch);
    ref_buf_clear(&an->stem_scratch);
    ref_buf_clear(&an->part_text);
}

ref_status ref_analyze(ref_analyzer *an, const char *text, size_t len, ref_token_fn fn, void *ctx,
                       uint32_t *positions)
{
    forget_failures(an);
    run r = {.an = an, .text = text, .len = len, .fn = fn, .ctx = ctx};
    size_t i = 0;
    chunk ck;
    while (!r.stop && !r.rc && scan_chunk(&r, &i, &ck))
        chunk_stage(&r, &ck);
    if (positions)
        *positions = r.stop ? r.used : r.next_pos;
    return r.rc;
}

ref_status ref_analyzer_stem(ref_analyzer *an, const char *word, size_t len, const char **stem,
                             size_t *stem_len)
{
    /* As the chain would: a word with a digit in it, or a long one, is not
     * stemmed. */
    int plain = len == 0 || len > STEM_MAX_BYTES;
    for (size_t i = 0; i < len && !plain;) {
        uint32_t cp;
        ref_uchar_class cls;
        size_t n = next_char(word + i, len - i, &cp, &cls);
        plain = n && cls == REF_UCHAR_DIGIT;
        i += n ? n : 1;
    }
    if (plain) {
        *stem = scratch_cstr(&an->stem_scratch, word, len);
        *stem_len = len;
        return *stem ? REF_OK : REF_ENOMEM;
    }
    *stem = an->stem_out;
    return snowball(an, word, len, an->stem_out, stem_len);
}

int ref_analyzer_knows(ref_analyzer *an, const char *word, size_t len)
{
    if (!an->lex || len == 0 || len > STEM_MAX_BYTES)
        return 0;
    uint32_t lemma;
    if (ref_lexicon_lemmas(an->lex, word, len, &lemma, 1) > 0)
        return 1;
    ref_compound_part parts[REF_COMPOUND_MAX_PARTS];
    size_t np = 0;
    const ref_compound_veto *veto = an->veto.attested ? &an->veto : NULL;
    return ref_compound_split(an->lex, word, len, veto, parts, REF_COMPOUND_MAX_PARTS, &np) ==
               REF_OK &&
           np >= 2;
}
