/* compound.c — the Danish compound splitter (method: compound.h). */
#include "referat/compound.h"

#include <math.h>
#include <string.h>

enum {
    MAX_READINGS = 16,
    MIN_SPLIT_CHARS = 6, /* shorter words are never compounds worth splitting */
    REFINE_CHARS = 7,    /* parts this long are tried again */
    MAX_DEPTH = 3,       /* lemma-first → refine → refine */
    JOIN_MAX = 64,       /* longer joined runs cannot be lexicon forms */
};

/* Character length of a guard check is in letters, not bytes: "år" is 2. */
static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xc0) != 0x80;
    return n;
}

/* Whether WORD is valid UTF-8; marks the byte offsets where a character
 * starts (or the end) in AT, so no part ever cuts a character. */
static int char_starts(const char *word, size_t len, unsigned char *at)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)word[i];
        size_t k = c < 0x80                ? 1
                   : c >= 0xc2 && c < 0xe0 ? 2
                   : c >= 0xe0 && c < 0xf0 ? 3
                   : c >= 0xf0 && c < 0xf5 ? 4
                                           : 0;
        if (k == 0 || i + k > len)
            return 0;
        for (size_t j = 1; j < k; j++)
            if (((unsigned char)word[i + j] & 0xc0) != 0x80)
                return 0;
        at[i] = 1;
        for (size_t j = 1; j < k; j++)
            at[i + j] = 0;
        i += k;
    }
    at[len] = 1;
    return 1;
}

/* ---- one candidate part ---- */

typedef struct cand {
    uint32_t lemma;
    uint32_t link_len; /* modifier: its linking element; head: 0 */
    int penalty;       /* modifier without a licensed linking form */
    int bound;         /* a bound modifier: atomic */
} cand;

typedef struct ctx {
    const ref_lexicon *lex;
    const ref_compound_veto *veto;
} ctx;

static int attested(const ctx *c, uint32_t lemma)
{
    if (!c->veto || !c->veto->attested)
        return 1;
    unsigned f = ref_lexicon_lemma_flags(c->lex, lemma);
    if (f & (REF_LEXF_SHORT_OK | REF_LEXF_ADMIN))
        return 1;
    size_t len;
    const char *s = ref_lexicon_lemma(c->lex, lemma, &len);
    return c->veto->attested(c->veto->ctx, s, len);
}

static int usable_lemma(const ctx *c, uint32_t lemma)
{
    unsigned f = ref_lexicon_lemma_flags(c->lex, lemma);
    return !(f & (REF_LEXF_PARTICLE | REF_LEXF_PROPER));
}

/* The short-part guard, on the part's stem (linking element excluded). */
static int long_enough(const ctx *c, const char *s, size_t stem_bytes, uint32_t lemma, int has_link)
{
    size_t chars = utf8_chars(s, stem_bytes);
    if (chars >= 4)
        return 1;
    if (ref_lexicon_lemma_flags(c->lex, lemma) & REF_LEXF_SHORT_OK)
        return chars >= 2;
    return chars == 3 && has_link;
}

/* Best modifier reading of S: a licensed modifier (preferring a free lemma
 * over a bound one, so arbejds → arbejde), else a base form used without its
 * licensed linking element (penalty 1). */
static int as_modifier(const ctx *c, const char *s, size_t len, int lemma_mode, cand *out)
{
    ref_lex_entry e[MAX_READINGS];
    size_t n = ref_lexicon_lookup(c->lex, s, len, e, MAX_READINGS);
    if (n > MAX_READINGS)
        n = MAX_READINGS;
    /* a form that can be read as a particle (for, over, lige) is one */
    for (size_t i = 0; i < n; i++)
        if (ref_lexicon_lemma_flags(c->lex, e[i].lemma) & REF_LEXF_PARTICLE)
            return 0;
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < n; i++) {
            uint32_t k = e[i].kind;
            /* "gen" is both a word and the bound gen-: a free reading */
            int bound = (k & REF_LEXK_BOUND) && !(k & REF_LEXK_WORD);
            int ok = pass == 0   ? (k & REF_LEXK_MOD) && !bound
                     : pass == 1 ? (k & REF_LEXK_MOD) && bound
                                 : (k & REF_LEXK_WORD) && e[i].tail_len == 0;
            if (!ok || !usable_lemma(c, e[i].lemma))
                continue;
            size_t lemma_len;
            ref_lexicon_lemma(c->lex, e[i].lemma, &lemma_len);
            if (pass == 2 && (lemma_len != len || utf8_chars(s, len) < 4))
                continue;
            uint32_t link = pass == 2 || bound ? 0 : e[i].tail_len;
            /* a bound form ending in a linking letter (langtids-) has one */
            int has_link = link > 0 || (bound && (s[len - 1] == 's' || s[len - 1] == 'e'));
            (void)lemma_mode; /* the same guard for lemmas and novel words */
            if (!long_enough(c, s, len - link, e[i].lemma, has_link) || !attested(c, e[i].lemma))
                continue;
            *out = (cand){e[i].lemma, link, pass == 2, bound};
            return 1;
        }
    return 0;
}

/* Head reading of S; PREV_LINKED_CHARS is the stem length of a linked
 * modifier just before it (0 if none), which licenses a 3-letter head.
 * Every reading counts against it: "lige" is also the particle lige, "hed"
 * also the suffix-like hed, "laget" also lag + et (3 letters). In LEMMA_MODE
 * (splitting a dictionary lemma) the head must be a base form itself: a
 * lemma does not end in an inflected word (kampagne is not kamp + agne,
 * the plural of agn). */
static int as_head(const ctx *c, const char *s, size_t len, size_t prev_linked_chars,
                   int lemma_mode, cand *out)
{
    ref_lex_entry e[MAX_READINGS];
    size_t n = ref_lexicon_lookup(c->lex, s, len, e, MAX_READINGS);
    if (n > MAX_READINGS)
        n = MAX_READINGS;
    size_t stem_chars = SIZE_MAX;
    int short_ok = 0, pick = -1;
    for (size_t i = 0; i < n; i++) {
        unsigned f = ref_lexicon_lemma_flags(c->lex, e[i].lemma);
        if (f & (REF_LEXF_PARTICLE | REF_LEXF_BAD_HEAD))
            return 0;
        if (!(e[i].kind & REF_LEXK_HEAD) || (f & REF_LEXF_PROPER))
            continue;
        size_t lemma_len, chars = utf8_chars(s, len - e[i].tail_len);
        ref_lexicon_lemma(c->lex, e[i].lemma, &lemma_len);
        if (chars < stem_chars)
            stem_chars = chars;
        short_ok |= (f & REF_LEXF_SHORT_OK) != 0;
        if (pick < 0 && (!lemma_mode || (e[i].tail_len == 0 && lemma_len == len)))
            pick = (int)i;
    }
    if (pick < 0)
        return 0;
    int ok = stem_chars >= 4 || (short_ok && stem_chars >= 2) ||
             (stem_chars == 3 && prev_linked_chars >= 5);
    if (!ok || (utf8_chars(s, len) < 5 && !attested(c, e[pick].lemma)))
        return 0;
    *out = (cand){e[pick].lemma, 0, 0, 0};
    return 1;
}

/* ---- dynamic programme over one string ---- */

typedef struct cost {
    int parts, penalty;
    double spread; /* −Σ log(len): even parts are preferred */
} cost;

static int cost_less(cost a, cost b)
{
    if (a.parts != b.parts)
        return a.parts < b.parts;
    if (a.penalty != b.penalty)
        return a.penalty < b.penalty;
    return a.spread < b.spread - 1e-9;
}

typedef struct dp_cell {
    int ok;
    cost cost;
    uint32_t from; /* start of the last modifier */
    cand part;
} dp_cell;

/* Splits S (N bytes, character starts in AT) into modifiers + head. Returns
 * the number of parts (≥ 2) written to OUT, or 0 when no split passes. */
static size_t dp_split(const ctx *c, const char *s, size_t n, const unsigned char *at,
                       int lemma_mode, ref_compound_part *out, size_t max)
{
    dp_cell cell[REF_COMPOUND_MAX_WORD + 1];
    memset(cell, 0, (n + 1) * sizeof *cell);
    cell[0].ok = 1;
    for (size_t i = 0; i < n; i++) {
        if (!cell[i].ok || !at[i] || cell[i].cost.parts + 2 > (int)max)
            continue;
        for (size_t j = i + 1; j < n && j - i <= 63; j++) {
            cand m;
            if (!at[j] || !as_modifier(c, s + i, j - i, lemma_mode, &m))
                continue;
            cost k = cell[i].cost;
            k.parts++;
            k.penalty += m.penalty;
            k.spread -= log((double)(j - i));
            if (!cell[j].ok || cost_less(k, cell[j].cost))
                cell[j] = (dp_cell){1, k, (uint32_t)i, m};
        }
    }
    int best_ok = 0;
    cost best = {0, 0, 0};
    size_t best_i = 0;
    cand best_head = {0, 0, 0, 0};
    for (size_t i = 1; i < n; i++) {
        if (!cell[i].ok || !at[i] || n - i > 63)
            continue;
        const dp_cell *prev = &cell[i];
        size_t prev_linked = prev->part.link_len
                                 ? utf8_chars(s + prev->from, i - prev->from - prev->part.link_len)
                                 : 0;
        cand h;
        if (!as_head(c, s + i, n - i, prev_linked, lemma_mode, &h))
            continue;
        cost k = prev->cost;
        k.parts++;
        k.spread -= log((double)(n - i));
        if (!best_ok || cost_less(k, best)) {
            best_ok = 1;
            best = k;
            best_i = i;
            best_head = h;
        }
    }
    if (!best_ok)
        return 0;
    size_t np = (size_t)best.parts;
    out[np - 1] =
        (ref_compound_part){(uint32_t)best_i, (uint32_t)(n - best_i), 0, best_head.lemma, 1};
    for (size_t k = np - 1, j = best_i; k-- > 0;) {
        const dp_cell *d = &cell[j];
        out[k] = (ref_compound_part){d->from, (uint32_t)(j - d->from), d->part.link_len,
                                     d->part.lemma, 0};
        j = d->from;
    }
    return np;
}

/* ---- lemma-first and refinement ---- */

/* Whether FORM[0..N) followed by SUFFIX is a standalone form of a lemma
 * spelt LEMMA[0..LL). */
static int form_of(const ctx *c, const char *form, size_t n, const char *suffix, const char *lemma,
                   size_t ll)
{
    char buf[REF_COMPOUND_MAX_WORD + 8];
    size_t sl = strlen(suffix);
    if (n + sl > sizeof buf)
        return 0;
    memcpy(buf, form, n);
    memcpy(buf + n, suffix, sl);
    ref_lex_entry e[MAX_READINGS];
    size_t k = ref_lexicon_lookup(c->lex, buf, n + sl, e, MAX_READINGS);
    for (size_t i = 0; i < k && i < MAX_READINGS; i++) {
        size_t len;
        const char *l = ref_lexicon_lemma(c->lex, e[i].lemma, &len);
        if ((e[i].kind & REF_LEXK_WORD) && l && len == ll && memcmp(l, lemma, ll) == 0)
            return 1;
    }
    return 0;
}

/* A verb lemma (it has a present tense in -r and a participle in -nde:
 * tilfredsstille, godkende). A compound verb is a derivation, not a kind
 * of its head (tilfredsstille is not a way of "stille"): never split. */
static int is_verb(const ctx *c, const char *l, size_t ll)
{
    return ll > 2 && l[ll - 1] == 'e' && form_of(c, l, ll, "r", l, ll) &&
           form_of(c, l, ll, "nde", l, ll);
}

/* A lemma that is a particle or prefix plus a word (for + tælling in
 * fortælling) is lexicalised, whatever other split its letters allow (fort
 * + ælling): the split is refused unless its first part, FIRST[0..FL) as a
 * dictionary word, is itself that particle plus a word (samarbejde in
 * samarbejdsaftale). */
static int particle_derived(const ctx *c, const char *l, size_t ll, const char *first, size_t fl)
{
    for (size_t i = 1; i + 3 < ll && i <= 6; i++) {
        uint32_t p;
        if (ref_lexicon_lemmas(c->lex, l, i, &p, 1) == 0 ||
            !(ref_lexicon_lemma_flags(c->lex, p) & REF_LEXF_PARTICLE))
            continue;
        size_t len;
        const char *pl = ref_lexicon_lemma(c->lex, p, &len);
        if (pl && len == i && memcmp(pl, l, i) == 0 && ref_lexicon_is_word(c->lex, l + i, ll - i) &&
            !(fl > i + 1 && memcmp(first, l, i) == 0 && ref_lexicon_is_word(c->lex, first + i, fl - i)))
            return 1;
    }
    return 0;
}

/* A derivation of a lexicalised word is lexicalised too: bæredygtighed
 * is bæredygtig + hed, and bæredygtig is never split, so neither is it
 * (into bære + dygtighed). */
static int derived_from_nosplit(const ctx *c, const char *l, size_t ll)
{
    static const char *const suffixes[] = {"hed", "ighed", "else", "ning", "ing", "skab"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t sl = strlen(suffixes[i]);
        if (ll <= sl + 3 || memcmp(l + ll - sl, suffixes[i], sl) != 0)
            continue;
        uint32_t ids[MAX_READINGS];
        size_t k = ref_lexicon_lemmas(c->lex, l, ll - sl, ids, MAX_READINGS);
        for (size_t j = 0; j < k; j++)
            if (ref_lexicon_lemma_flags(c->lex, ids[j]) & REF_LEXF_NOSPLIT)
                return 1;
    }
    return 0;
}

/* A noun made from a verb (rådgive → rådgiver, tinglyse → tinglysning)
 * names the verb's doer or doing: it is as lexicalised as the verb, and
 * compound verbs are never split (is_verb). */
static int derived_from_verb(const ctx *c, const char *l, size_t ll)
{
    static const struct {
        const char *suffix, *verb_end;
    } d[] = {{"r", ""}, {"ning", "e"}, {"ing", "e"}, {"lse", "e"}};
    for (size_t i = 0; i < sizeof d / sizeof *d; i++) {
        size_t sl = strlen(d[i].suffix), vl = strlen(d[i].verb_end);
        if (ll <= sl + 4 || memcmp(l + ll - sl, d[i].suffix, sl) != 0)
            continue;
        char v[REF_COMPOUND_MAX_WORD + 4];
        size_t n = ll - sl;
        memcpy(v, l, n);
        memcpy(v + n, d[i].verb_end, vl);
        if (ref_lexicon_is_word(c->lex, v, n + vl) && is_verb(c, v, n + vl))
            return 1;
    }
    return 0;
}

/* Inflection follows the head: a compositional compound is a kind of its
 * head and inflects as it does (seniorråd, -et, -ene as råd, -et, -ene);
 * a word that only looks like modifier + head does not (kampagne has
 * kampagnen, "agne" is a verb without "agnen"; orientering has
 * orienteringer, ring has ringe). Probes the common endings on the lemma
 * L[0..LL) and on its head, which starts at HEAD. */
static int inflects_like_head(const ctx *c, const char *l, size_t ll, size_t head)
{
    static const char *const endings[] = {"n",   "en", "et", "r",  "er",  "ne", "ene",
                                          "rne", "erne", "e", "t", "ede", "te", "s"};
    const char *h = l + head;
    size_t hl = ll - head;
    for (size_t i = 0; i < sizeof endings / sizeof *endings; i++)
        if (form_of(c, l, ll, endings[i], l, ll) && !form_of(c, h, hl, endings[i], h, hl))
            return 0;
    return 1;
}

static size_t dp_refine(const ctx *c, const char *s, size_t n, int lemma_mode,
                        ref_compound_part *out, size_t max, int depth);

/* Splits the lemma LEMMA of a known form occupying S[0..n) whose last TAIL
 * bytes are not the lemma's (inflection or linking element), and maps the
 * parts back onto S: the lemma and the form share their first n − TAIL
 * bytes, and the last part stretches to the end of the form. Returns the
 * number of parts (≥ 2) or 0. */
static size_t split_lemma(const ctx *c, uint32_t lemma, size_t n, size_t tail,
                          ref_compound_part *out, size_t max, int depth)
{
    unsigned f = ref_lexicon_lemma_flags(c->lex, lemma);
    if (f & (REF_LEXF_NOSPLIT | REF_LEXF_PROPER | REF_LEXF_BOUND))
        return 0;
    size_t lemma_len;
    const char *l = ref_lexicon_lemma(c->lex, lemma, &lemma_len);
    size_t shared = n - tail;
    if (lemma_len > REF_COMPOUND_MAX_WORD || is_verb(c, l, lemma_len) ||
        derived_from_nosplit(c, l, lemma_len) || derived_from_verb(c, l, lemma_len))
        return 0;
    size_t np = dp_refine(c, l, lemma_len, 1, out, max, depth + 1);
    if (np < 2 || out[np - 1].start > shared ||
        !inflects_like_head(c, l, lemma_len, out[np - 1].start))
        return 0;
    size_t fl;
    const char *first = ref_compound_part_text(c->lex, l, &out[0], &fl);
    if (particle_derived(c, l, lemma_len, first, fl))
        return 0;
    out[np - 1].len = (uint32_t)(n - out[np - 1].start);
    return np;
}

/* Splits a part again if it is long and a lexicon word (arbejdsgangs →
 * arbejds + gangs); P is replaced in place by the parts. Returns the new
 * number of parts in OUT (P is OUT[i]). */
static size_t refine(const ctx *c, const char *s, ref_compound_part *out, size_t np, size_t i,
                     size_t max, int depth)
{
    ref_compound_part p = out[i];
    if (p.lemma == REF_COMPOUND_NO_LEMMA ||
        utf8_chars(s + p.start, p.len - p.link_len) < REFINE_CHARS || depth >= MAX_DEPTH)
        return np;
    ref_lex_entry e[MAX_READINGS];
    size_t ne = ref_lexicon_lookup(c->lex, s + p.start, p.len, e, MAX_READINGS);
    uint32_t tail = 0;
    int found = 0;
    for (size_t k = 0; k < ne && k < MAX_READINGS && !found; k++)
        if (e[k].lemma == p.lemma) {
            tail = e[k].tail_len;
            found = 1;
        }
    if (!found)
        return np;
    ref_compound_part sub[REF_COMPOUND_MAX_PARTS];
    size_t ns = split_lemma(c, p.lemma, p.len, tail, sub, REF_COMPOUND_MAX_PARTS, depth);
    if (ns < 2 || np - 1 + ns > max)
        return np;
    for (size_t k = 0; k < ns; k++) {
        sub[k].start += p.start;
        sub[k].is_head = 0;
    }
    sub[ns - 1].link_len = p.link_len;
    sub[ns - 1].is_head = p.is_head;
    memmove(out + i + ns, out + i + 1, (np - i - 1) * sizeof *out);
    memcpy(out + i, sub, ns * sizeof *sub);
    return np - 1 + ns;
}

/* A string not taken as a known word: DP, then each long part refined. */
static size_t dp_refine(const ctx *c, const char *s, size_t n, int lemma_mode,
                        ref_compound_part *out, size_t max, int depth)
{
    unsigned char at[REF_COMPOUND_MAX_WORD + 1];
    if (n > REF_COMPOUND_MAX_WORD || depth > MAX_DEPTH || max < 2 || !char_starts(s, n, at) ||
        utf8_chars(s, n) < MIN_SPLIT_CHARS)
        return 0;
    size_t np = dp_split(c, s, n, at, lemma_mode, out, max);
    for (size_t i = 0; i < np; i++) {
        size_t before = np;
        np = refine(c, s, out, np, i, max, depth);
        i += np - before;
    }
    return np;
}

/* The core: S[0..n) has no hyphen. Returns parts (≥ 2) or 0. */
static size_t split_span(const ctx *c, const char *s, size_t n, ref_compound_part *out, size_t max)
{
    if (n > REF_COMPOUND_MAX_WORD || utf8_chars(s, n) < MIN_SPLIT_CHARS)
        return 0;
    uint32_t lemmas[MAX_READINGS];
    size_t nl = ref_lexicon_lemmas(c->lex, s, n, lemmas, MAX_READINGS);
    if (nl == 0)
        return dp_refine(c, s, n, 0, out, max, 0);
    /* A known word splits only as its lemma does, and only if every
     * reading of it splits: "leder" is leder and lede; "forældrene" is
     * forælder, which never splits (for is a particle). The first reading
     * gives the parts. */
    ref_lex_entry e[MAX_READINGS];
    size_t ne = ref_lexicon_lookup(c->lex, s, n, e, MAX_READINGS);
    size_t np = 0;
    for (size_t li = 0; li < nl; li++) {
        uint32_t tail = 0;
        for (size_t k = 0; k < ne && k < MAX_READINGS; k++)
            if (e[k].lemma == lemmas[li] && (e[k].kind & REF_LEXK_WORD))
                tail = e[k].tail_len;
        ref_compound_part tmp[REF_COMPOUND_MAX_PARTS];
        size_t k = split_lemma(c, lemmas[li], n, tail, tmp, max, 0);
        if (k < 2)
            return 0;
        if (li == 0) {
            memcpy(out, tmp, k * sizeof *tmp);
            np = k;
        }
    }
    return np;
}

/* ---- hyphens, ae/oe/aa, public entry ---- */

static uint32_t first_lemma(const ref_lexicon *lex, const char *s, size_t n)
{
    uint32_t l;
    return ref_lexicon_lemmas(lex, s, n, &l, 1) ? l : REF_COMPOUND_NO_LEMMA;
}

/* Reads "ae", "oe", "aa" as æ, ø, å (two bytes each in UTF-8, so every
 * byte offset stays valid). Returns whether anything changed. */
static int fold_digraphs(const char *s, size_t n, char *o)
{
    int changed = 0;
    memcpy(o, s, n);
    for (size_t i = 0; i + 1 < n; i++) {
        const char *rep = NULL;
        if (s[i] == 'a' && s[i + 1] == 'e')
            rep = "\xc3\xa6";
        else if (s[i] == 'o' && s[i + 1] == 'e')
            rep = "\xc3\xb8";
        else if (s[i] == 'a' && s[i + 1] == 'a')
            rep = "\xc3\xa5";
        if (rep) {
            memcpy(o + i, rep, 2);
            changed = 1;
            i++;
        }
    }
    return changed;
}

/* Splits one hyphen-free piece: returns ≥ 1 parts (1 = whole). */
static size_t split_piece(const ctx *c, const char *s, size_t n, ref_compound_part *out, size_t max)
{
    size_t np = split_span(c, s, n, out, max);
    if (np < 2 && n <= REF_COMPOUND_MAX_WORD) {
        char folded[REF_COMPOUND_MAX_WORD];
        if (fold_digraphs(s, n, folded) && !ref_lexicon_is_word(c->lex, s, n))
            np = split_span(c, folded, n, out, max);
    }
    if (np < 2) {
        out[0] = (ref_compound_part){0, (uint32_t)n, 0, first_lemma(c->lex, s, n), 1};
        np = 1;
    }
    return np;
}

ref_status ref_compound_split(const ref_lexicon *lex, const char *word, size_t len,
                              const ref_compound_veto *veto, ref_compound_part *parts, size_t max,
                              size_t *nparts)
{
    if (!lex || !word || !parts || !nparts || max == 0)
        return REF_EINVAL;
    *nparts = 0;
    ctx c = {lex, veto};
    ref_compound_part buf[REF_COMPOUND_MAX_PARTS];
    size_t np = 0;
    if (len > REF_COMPOUND_MAX_WORD || !memchr(word, '-', len)) {
        np = len > REF_COMPOUND_MAX_WORD ? 0
                                         : split_piece(&c, word, len, buf, REF_COMPOUND_MAX_PARTS);
        if (np == 0) {
            buf[0] = (ref_compound_part){0, (uint32_t)len, 0, REF_COMPOUND_NO_LEMMA, 1};
            np = 1;
        }
    } else {
        /* "eu-udbud", "it-systemer": each piece is split on its own; a
         * hyphen is the linking element of the piece before it. */
        size_t i = 0;
        while (i < len && np < REF_COMPOUND_MAX_PARTS) {
            const char *h = memchr(word + i, '-', len - i);
            size_t end = h ? (size_t)(h - word) : len;
            size_t next = end;
            while (next < len && word[next] == '-')
                next++;
            if (end > i) {
                size_t k =
                    split_piece(&c, word + i, end - i, buf + np, REF_COMPOUND_MAX_PARTS - np);
                for (size_t j = np; j < np + k; j++) {
                    buf[j].start += (uint32_t)i;
                    buf[j].is_head = 0;
                }
                np += k;
            }
            if (np > 0) {
                buf[np - 1].len += (uint32_t)(next - end);
                buf[np - 1].link_len += (uint32_t)(next - end);
            } else if (next > end) {
                /* leading hyphens: part of nothing; keep the cover exact */
                buf[0] = (ref_compound_part){0, (uint32_t)next, (uint32_t)next,
                                             REF_COMPOUND_NO_LEMMA, 0};
                np = 1;
            }
            i = next;
        }
        if (np == REF_COMPOUND_MAX_PARTS && i < len) {
            buf[0] = (ref_compound_part){0, (uint32_t)len, 0, REF_COMPOUND_NO_LEMMA, 1};
            np = 1;
        }
        buf[np - 1].is_head = 1;
        if (np == 1) {
            buf[0].link_len = 0;
        } else if (buf[np - 1].link_len == buf[np - 1].len) {
            /* a trailing hyphen ("trivsels-") leaves no head: the piece
             * before it is the word's last real part */
            buf[np - 1].is_head = 1;
        }
    }
    if (np > max)
        return REF_ETOOBIG;
    memcpy(parts, buf, np * sizeof *buf);
    *nparts = np;
    return REF_OK;
}

const char *ref_compound_part_text(const ref_lexicon *lex, const char *word,
                                   const ref_compound_part *part, size_t *len)
{
    if (!part->is_head && part->lemma != REF_COMPOUND_NO_LEMMA) {
        const char *l = ref_lexicon_lemma(lex, part->lemma, len);
        if (l)
            return l;
    }
    *len = part->len - part->link_len;
    return word + part->start;
}

/* The runs of PARTS behind ref_compound_subterms (LEXICON_ONLY: only runs
 * that are lexicon words) and ref_compound_runs (every run). */
static ref_status runs_of(const ref_lexicon *lex, const char *word, const ref_compound_part *parts,
                          size_t nparts, char *buf, size_t buf_size, ref_compound_sub *subs,
                          size_t max, size_t *nsubs, int lexicon_only)
{
    if (!lex || !word || !parts || !buf || !subs || !nsubs)
        return REF_EINVAL;
    *nsubs = 0;
    size_t used = 0;
    if (nparts < 3)
        return REF_OK;
    for (size_t count = nparts - 1; count >= 2; count--)
        for (size_t first = 0; first + count <= nparts; first++) {
            char joined[JOIN_MAX + 1];
            size_t jl = 0;
            int fits = 1;
            for (size_t k = first; k < first + count && fits; k++) {
                const ref_compound_part *p = &parts[k];
                const char *t = word + p->start;
                size_t tl = p->len;
                if (k == first + count - 1) {
                    t = ref_compound_part_text(lex, word, p, &tl);
                } else if (p->link_len && word[p->start + p->len - 1] == '-') {
                    fits = 0; /* runs never cross a hyphen */
                    break;
                }
                if (jl + tl > JOIN_MAX) {
                    fits = 0;
                    break;
                }
                memcpy(joined + jl, t, tl);
                jl += tl;
            }
            if (!fits || (lexicon_only && !ref_lexicon_is_word(lex, joined, jl)))
                continue;
            if (*nsubs == max || used + jl + 1 > buf_size)
                return REF_ETOOBIG;
            memcpy(buf + used, joined, jl);
            buf[used + jl] = '\0';
            const ref_compound_part *last = &parts[first + count - 1];
            subs[(*nsubs)++] =
                (ref_compound_sub){(uint32_t)first,    (uint32_t)count,
                                   parts[first].start, last->start + last->len - last->link_len,
                                   (uint32_t)used,     (uint32_t)jl};
            used += jl + 1;
        }
    return REF_OK;
}

ref_status ref_compound_subterms(const ref_lexicon *lex, const char *word,
                                 const ref_compound_part *parts, size_t nparts, char *buf,
                                 size_t buf_size, ref_compound_sub *subs, size_t max, size_t *nsubs)
{
    return runs_of(lex, word, parts, nparts, buf, buf_size, subs, max, nsubs, 1);
}

ref_status ref_compound_runs(const ref_lexicon *lex, const char *word,
                             const ref_compound_part *parts, size_t nparts, char *buf,
                             size_t buf_size, ref_compound_sub *subs, size_t max, size_t *nsubs)
{
    return runs_of(lex, word, parts, nparts, buf, buf_size, subs, max, nsubs, 0);
}
