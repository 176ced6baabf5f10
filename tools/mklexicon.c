/* mklexicon — build Referat's binary Danish lexicon from hunspell-da.
 *
 *   mklexicon da_DK.aff da_DK.dic lexicon-curated.txt out.lex
 *
 * A build tool, not library code: it prints diagnostics and exits, and needs
 * nothing but libc, so a bare Debian with hunspell-da can build Referat.
 *
 * We expand the .aff/.dic ourselves because hunspell's `unmunch` does not
 * understand this dictionary's numeric flags (FLAG num), and because we need
 * more than a spell-checker's yes/no: per form, its lemma and whether it is a
 * standalone word, a compound head, or a modifier with a licensed linking
 * element. The hunspell-da flags we rely on (see da_DK.aff, section F):
 *   8  NEEDAFFIX       the form exists only with a further suffix
 *   32/33              COMPOUNDBEGIN/MIDDLE: may start/continue a compound
 *   34 COMPOUNDEND     may end a compound (inflection suffixes carry it)
 *   36 ONLYINCOMPOUND  exists only inside compounds (the linked forms)
 *   39                 the base form may stand last in a compound
 *   81                 bound modifier entry written with a trailing hyphen
 * Suffix rules are applied once and, through an affix's continuation flags,
 * twice (budget → budgett- [8] → budgetter, budgettet); prefixes are not
 * needed for splitting and are skipped. Entries carrying `st:` are irregular
 * forms of the given lemma (a-våbnet st:a-våben).
 *
 * Output layout: lib/lexicon_format.h. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/lexicon_format.h"
#include "referat/lexicon.h"

enum {
    F_NEEDAFFIX = 8,
    F_BEGIN = 32,
    F_MIDDLE = 33,
    F_END = 34,
    F_ONLYIN = 36,
    F_LASTOK = 39,
    F_BOUND = 81,
    MAX_FLAG = 1024,
    MAX_FLAGS = 32,
    MAX_COND = 16,
    MAX_DEPTH = 2,
};

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mklexicon: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die("out of memory");
    return q;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xrealloc(NULL, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* ---- UTF-8 helpers (the generator's own: it links nothing of lib/) ---- */

static size_t dec(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    size_t k = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc0 ? 2 : 0;
    if (k == 0 || k > n)
        return 0;
    uint32_t c = u[0] & (0x7f >> k);
    for (size_t i = 1; i < k; i++) {
        if ((u[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (u[i] & 0x3f);
    }
    *cp = c;
    return k;
}

static size_t decode_all(const char *s, size_t n, uint32_t *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < max;) {
        uint32_t cp;
        size_t l = dec(s + i, n - i, &cp);
        if (!l)
            return 0;
        out[k++] = cp;
        i += l;
    }
    return k;
}

/* Lower-case ASCII and Latin-1 capitals (À–Þ except ×): all the dictionary
 * uses; the analysis chain applies full case folding to text, and for these
 * letters the two agree. Returns whether anything was upper case. */
static int fold_lower(char *s)
{
    int upper = 0;
    unsigned char *u = (unsigned char *)s;
    for (; *u; u++) {
        if (*u >= 'A' && *u <= 'Z') {
            *u = (unsigned char)(*u + 32);
            upper = 1;
        } else if (*u == 0xc3 && u[1] >= 0x80 && u[1] <= 0x9e && u[1] != 0x97) {
            u[1] = (unsigned char)(u[1] + 32);
            upper = 1;
            u++;
        }
    }
    return upper;
}

/* ---- the .aff ---- */

typedef struct flagset {
    uint16_t n;
    uint16_t f[MAX_FLAGS];
} flagset;

static int has(const flagset *fs, unsigned flag)
{
    for (unsigned i = 0; i < fs->n; i++)
        if (fs->f[i] == flag)
            return 1;
    return 0;
}

static void parse_flags(const char *s, size_t n, flagset *fs)
{
    fs->n = 0;
    size_t i = 0;
    while (i < n) {
        unsigned v = 0;
        int any = 0;
        while (i < n && isdigit((unsigned char)s[i])) {
            v = v * 10 + (unsigned)(s[i] - '0');
            any = 1;
            i++;
        }
        if (any && v < MAX_FLAG && fs->n < MAX_FLAGS)
            fs->f[fs->n++] = (uint16_t)v;
        i++; /* the comma */
    }
}

/* One element of a condition: a character, a class [..], [^..], or '.'. */
typedef struct cond_elem {
    int neg, any;
    size_t n;
    uint32_t cp[40];
} cond_elem;

typedef struct rule {
    char *strip, *add;
    size_t strip_len, add_len;
    flagset cont;
    size_t ncond;
    cond_elem cond[MAX_COND];
} rule;

typedef struct affix_class {
    rule *rules;
    size_t n;
} affix_class;

static void parse_cond(const char *s, rule *r)
{
    uint32_t cps[256];
    size_t n = decode_all(s, strlen(s), cps, 256);
    r->ncond = 0;
    for (size_t i = 0; i < n && r->ncond < MAX_COND;) {
        cond_elem *e = &r->cond[r->ncond++];
        memset(e, 0, sizeof *e);
        if (cps[i] == '.') {
            e->any = 1;
            i++;
        } else if (cps[i] == '[') {
            i++;
            if (i < n && cps[i] == '^') {
                e->neg = 1;
                i++;
            }
            while (i < n && cps[i] != ']') {
                if (e->n < 40)
                    e->cp[e->n++] = cps[i];
                i++;
            }
            i++;
        } else {
            e->cp[e->n++] = cps[i++];
        }
    }
}

static int cond_match(const rule *r, const uint32_t *w, size_t wn)
{
    if (r->ncond == 1 && r->cond[0].any)
        return 1;
    if (wn < r->ncond)
        return 0;
    const uint32_t *t = w + wn - r->ncond;
    for (size_t i = 0; i < r->ncond; i++) {
        const cond_elem *e = &r->cond[i];
        if (e->any)
            continue;
        int in = 0;
        for (size_t k = 0; k < e->n; k++)
            in |= e->cp[k] == t[i];
        if (in == e->neg)
            return 0;
    }
    return 1;
}

static affix_class sfx[MAX_FLAG];

static void read_aff(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("%s: %s", path, strerror(errno));
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        char *tok[6];
        int nt = 0;
        for (char *p = strtok(line, " \t\r\n"); p && nt < 6; p = strtok(NULL, " \t\r\n"))
            tok[nt++] = p;
        if (nt < 5 || strcmp(tok[0], "SFX") != 0)
            continue;
        unsigned flag = (unsigned)atoi(tok[1]);
        if (flag >= MAX_FLAG)
            die("%s: flag %u too large", path, flag);
        affix_class *c = &sfx[flag];
        c->rules = xrealloc(c->rules, (c->n + 1) * sizeof *c->rules);
        rule *r = &c->rules[c->n++];
        const char *strip = strcmp(tok[2], "0") == 0 ? "" : tok[2];
        char *slash = strchr(tok[3], '/');
        size_t alen = slash ? (size_t)(slash - tok[3]) : strlen(tok[3]);
        r->strip = xstrndup(strip, strlen(strip));
        r->strip_len = strlen(strip);
        if (alen == 1 && tok[3][0] == '0')
            alen = 0;
        r->add = xstrndup(tok[3], alen);
        r->add_len = alen;
        r->cont.n = 0;
        if (slash)
            parse_flags(slash + 1, strlen(slash + 1), &r->cont);
        parse_cond(tok[4], r);
    }
    fclose(f);
}

/* ---- lemmas ---- */

typedef struct entry {
    char *word;  /* folded, trailing '-' of a bound entry removed */
    char *lemma; /* folded lemma (the word itself, or its st: field) */
    flagset flags;
    int upper; /* the dictionary writes it capitalised */
    int irregular;
} entry;

static entry *entries;
static size_t n_entries;

static char **lemmas;
static size_t n_lemmas;
static uint16_t *lemma_flags;
static uint8_t *lemma_lower; /* some entry of the lemma is lower case */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static long lemma_id(const char *s)
{
    char *key = (char *)s;
    char **p = bsearch(&key, lemmas, n_lemmas, sizeof *lemmas, cmp_str);
    return p ? (long)(p - lemmas) : -1;
}

/* Characters that make an entry useless for splitting words out of running
 * text: the tokenizer never yields them inside a word. */
static int usable(const char *w)
{
    if (!*w)
        return 0;
    for (const unsigned char *u = (const unsigned char *)w; *u; u++)
        if (*u == ' ' || *u == '.' || *u == '\'' || *u == '-' || isdigit(*u) || *u == '/')
            return 0;
    return 1;
}

static void add_entry(const char *word, size_t wlen, const char *flags, size_t flen, const char *st)
{
    entry e;
    memset(&e, 0, sizeof e);
    parse_flags(flags, flen, &e.flags);
    if (has(&e.flags, 6))
        return; /* FORBIDDENWORD */
    if (wlen > 1 && word[wlen - 1] == '-') {
        if (!has(&e.flags, F_BOUND))
            return;
        wlen--; /* the 81 rule strips it; we do it here once */
    }
    e.word = xstrndup(word, wlen);
    e.upper = fold_lower(e.word);
    e.lemma = st ? xstrndup(st, strlen(st)) : xstrndup(e.word, strlen(e.word));
    fold_lower(e.lemma);
    e.irregular = st != NULL;
    if (!usable(e.word) || !usable(e.lemma) || strlen(e.word) > REF_LEX_MAX_FORM) {
        free(e.word);
        free(e.lemma);
        return;
    }
    entries = xrealloc(entries, (n_entries + 1) * sizeof *entries);
    entries[n_entries++] = e;
}

static void read_dic(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("%s: %s", path, strerror(errno));
    char line[4096];
    if (!fgets(line, sizeof line, f))
        die("%s: empty", path);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        /* word[/flags] then optional morphological fields "xx:value";
         * anything else after a space means a multi-word entry: skip it. */
        char *sp = strpbrk(line, " \t");
        const char *st = NULL;
        if (sp) {
            *sp = '\0';
            for (char *p = strtok(sp + 1, " \t"); p; p = strtok(NULL, " \t")) {
                if (strlen(p) < 3 || p[2] != ':' || !islower((unsigned char)p[0]))
                    goto next;
                if (strncmp(p, "st:", 3) == 0)
                    st = p + 3;
            }
        }
        char *slash = strchr(line, '/');
        if (slash)
            add_entry(line, (size_t)(slash - line), slash + 1, strlen(slash + 1), st);
        else
            add_entry(line, strlen(line), "", 0, st);
    next:;
    }
    fclose(f);
}

/* ---- curated list ---- */

enum curated_class { C_PARTICLE, C_SHORT_OK, C_NOSPLIT, C_BAD_HEAD, C_ADMIN, C_LINK0 };

typedef struct curated {
    enum curated_class cls;
    char *word;
    int line;
} curated;

static curated *cur;
static size_t n_cur;

static void read_curated(const char *path)
{
    static const struct {
        const char *name;
        enum curated_class cls;
    } classes[] = {{"particle", C_PARTICLE}, {"short_ok", C_SHORT_OK}, {"nosplit", C_NOSPLIT},
                   {"bad_head", C_BAD_HEAD}, {"admin", C_ADMIN},       {"link0", C_LINK0}};
    FILE *f = fopen(path, "r");
    if (!f)
        die("%s: %s", path, strerror(errno));
    char line[4096];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "#\r\n")] = '\0';
        char *cls = strtok(line, " \t");
        if (!cls)
            continue;
        size_t k = 0;
        while (k < sizeof classes / sizeof *classes && strcmp(classes[k].name, cls) != 0)
            k++;
        if (k == sizeof classes / sizeof *classes)
            die("%s:%d: unknown list '%s'", path, lineno, cls);
        for (char *w = strtok(NULL, " \t"); w; w = strtok(NULL, " \t")) {
            cur = xrealloc(cur, (n_cur + 1) * sizeof *cur);
            cur[n_cur].cls = classes[k].cls;
            cur[n_cur].word = xstrndup(w, strlen(w));
            cur[n_cur].line = lineno;
            fold_lower(cur[n_cur].word);
            n_cur++;
        }
    }
    fclose(f);
}

static void collect_lemmas(void)
{
    lemmas = xrealloc(NULL, (n_entries + n_cur) * sizeof *lemmas);
    for (size_t i = 0; i < n_entries; i++)
        lemmas[n_lemmas++] = entries[i].lemma;
    for (size_t i = 0; i < n_cur; i++)
        if (cur[i].cls == C_ADMIN)
            lemmas[n_lemmas++] = cur[i].word;
    qsort(lemmas, n_lemmas, sizeof *lemmas, cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < n_lemmas; i++)
        if (k == 0 || strcmp(lemmas[k - 1], lemmas[i]) != 0)
            lemmas[k++] = lemmas[i];
    n_lemmas = k;
    if (n_lemmas > REF_LEX_MAX_LEMMAS)
        die("too many lemmas (%zu)", n_lemmas);
    lemma_flags = xrealloc(NULL, n_lemmas * sizeof *lemma_flags);
    lemma_lower = xrealloc(NULL, n_lemmas);
    memset(lemma_flags, 0, n_lemmas * sizeof *lemma_flags);
    memset(lemma_lower, 0, n_lemmas);
}

/* ---- records: (form, lemma, kind) ---- */

typedef struct record {
    uint32_t form; /* offset into form_arena */
    uint32_t form_len;
    uint32_t lemma;
    uint32_t kind;
    uint32_t suffix;
} record;

static record *recs;
static size_t n_recs, cap_recs;
static char *form_arena;
static size_t arena_len, arena_cap;

static void emit(const char *form, size_t len, uint32_t lemma, unsigned kind)
{
    if (len == 0 || len > REF_LEX_MAX_FORM || !kind)
        return;
    for (size_t i = 0; i < len; i++)
        if (form[i] == '-' || form[i] == '\'' || form[i] == ' ')
            return;
    if (n_recs == cap_recs) {
        cap_recs = cap_recs ? cap_recs * 2 : 1 << 20;
        recs = xrealloc(recs, cap_recs * sizeof *recs);
    }
    if (arena_len + len + 1 > arena_cap) {
        arena_cap = arena_cap ? arena_cap * 2 : 1 << 24;
        form_arena = xrealloc(form_arena, arena_cap);
    }
    memcpy(form_arena + arena_len, form, len);
    form_arena[arena_len + len] = '\0';
    recs[n_recs++] = (record){(uint32_t)arena_len, (uint32_t)len, lemma, kind, 0};
    arena_len += len + 1;
}

static void expand(const char *root, size_t rlen, const flagset *flags, int depth, uint32_t lemma)
{
    uint32_t cps[REF_LEX_MAX_FORM + 1];
    size_t ncp = decode_all(root, rlen, cps, REF_LEX_MAX_FORM + 1);
    if (!ncp)
        return;
    for (unsigned fi = 0; fi < flags->n; fi++) {
        const affix_class *c = &sfx[flags->f[fi]];
        for (size_t ri = 0; ri < c->n; ri++) {
            const rule *r = &c->rules[ri];
            if (r->strip_len > rlen || memcmp(root + rlen - r->strip_len, r->strip, r->strip_len) ||
                !cond_match(r, cps, ncp))
                continue;
            char form[2 * REF_LEX_MAX_FORM + 2];
            size_t base = rlen - r->strip_len;
            if (base + r->add_len > REF_LEX_MAX_FORM)
                continue;
            memcpy(form, root, base);
            memcpy(form + base, r->add, r->add_len);
            size_t flen = base + r->add_len;
            form[flen] = '\0';
            const flagset *cf = &r->cont;
            if (has(cf, F_ONLYIN)) {
                if (has(cf, F_BEGIN) || has(cf, F_MIDDLE))
                    emit(form, flen, lemma, REF_LEXK_MOD);
                continue;
            }
            if (!has(cf, F_NEEDAFFIX))
                emit(form, flen, lemma, REF_LEXK_WORD | (has(cf, F_END) ? REF_LEXK_HEAD : 0));
            if (depth < MAX_DEPTH)
                expand(form, flen, cf, depth + 1, lemma);
        }
    }
}

static void expand_entries(void)
{
    for (size_t i = 0; i < n_entries; i++) {
        const entry *e = &entries[i];
        long id = lemma_id(e->lemma);
        if (id < 0)
            die("internal: lemma %s lost", e->lemma);
        if (!e->upper)
            lemma_lower[id] = 1;
        const flagset *fl = &e->flags;
        size_t wlen = strlen(e->word);
        if (has(fl, F_BOUND)) {
            /* "langtids-/81,32": a ready-made modifier, atomic. */
            emit(e->word, wlen, (uint32_t)id, REF_LEXK_MOD | REF_LEXK_BOUND);
            continue;
        }
        if (e->irregular) {
            /* an inflected form listed on its own: a standalone head form */
            emit(e->word, wlen, (uint32_t)id, REF_LEXK_WORD | REF_LEXK_HEAD);
        } else if (has(fl, F_ONLYIN)) {
            if (has(fl, F_BEGIN) || has(fl, F_MIDDLE))
                emit(e->word, wlen, (uint32_t)id, REF_LEXK_MOD);
        } else if (!has(fl, F_NEEDAFFIX)) {
            unsigned k = REF_LEXK_WORD;
            if (has(fl, F_LASTOK) || has(fl, F_END))
                k |= REF_LEXK_HEAD;
            if (has(fl, F_BEGIN) || has(fl, F_MIDDLE))
                k |= REF_LEXK_MOD;
            emit(e->word, wlen, (uint32_t)id, k);
        }
        expand(e->word, wlen, fl, 1, (uint32_t)id);
    }
}

static void apply_curated(void)
{
    static const uint16_t bit[] = {[C_PARTICLE] = REF_LEXF_PARTICLE,
                                   [C_SHORT_OK] = REF_LEXF_SHORT_OK,
                                   [C_NOSPLIT] = REF_LEXF_NOSPLIT,
                                   [C_BAD_HEAD] = REF_LEXF_BAD_HEAD,
                                   [C_ADMIN] = REF_LEXF_ADMIN | REF_LEXF_SHORT_OK,
                                   [C_LINK0] = 0};
    int bad = 0;
    for (size_t i = 0; i < n_cur; i++)
        if (lemma_id(cur[i].word) < 0) {
            fprintf(stderr,
                    "mklexicon: curated line %d: '%s' is not a "
                    "hunspell-da lemma\n",
                    cur[i].line, cur[i].word);
            bad = 1;
        }
    if (bad)
        die("the curated lists may only annotate dictionary words");
    for (size_t i = 0; i < n_cur; i++) {
        long id = lemma_id(cur[i].word);
        lemma_flags[id] |= bit[cur[i].cls];
        if (cur[i].cls == C_LINK0) /* the base form links without a letter */
            emit(cur[i].word, strlen(cur[i].word), (uint32_t)id, REF_LEXK_MOD);
        if (cur[i].cls == C_ADMIN) {
            /* an abbreviation used as a plain word: it stands alone, heads a
             * compound and modifies one without a linking element */
            lemma_lower[id] = 1;
            emit(cur[i].word, strlen(cur[i].word), (uint32_t)id,
                 REF_LEXK_WORD | REF_LEXK_HEAD | REF_LEXK_MOD);
        }
    }
}

static int cmp_rec(const void *a, const void *b)
{
    const record *x = a, *y = b;
    int c = strcmp(form_arena + x->form, form_arena + y->form);
    if (c)
        return c;
    return (x->lemma > y->lemma) - (x->lemma < y->lemma);
}

static void merge_records(void)
{
    qsort(recs, n_recs, sizeof *recs, cmp_rec);
    size_t k = 0;
    for (size_t i = 0; i < n_recs; i++) {
        if (k && recs[k - 1].lemma == recs[i].lemma &&
            strcmp(form_arena + recs[k - 1].form, form_arena + recs[i].form) == 0)
            recs[k - 1].kind |= recs[i].kind;
        else
            recs[k++] = recs[i];
    }
    n_recs = k;
}

static void derive_lemma_flags(void)
{
    uint8_t *free_word = xrealloc(NULL, n_lemmas);
    memset(free_word, 0, n_lemmas);
    for (size_t i = 0; i < n_recs; i++)
        if (recs[i].kind & REF_LEXK_WORD)
            free_word[recs[i].lemma] = 1;
    for (size_t i = 0; i < n_lemmas; i++) {
        if (!lemma_lower[i])
            lemma_flags[i] |= REF_LEXF_PROPER;
        if (!free_word[i])
            lemma_flags[i] |= REF_LEXF_BOUND;
    }
    free(free_word);
}

/* ---- suffix strings ---- */

static char **suffixes;
static size_t n_suffixes;

static size_t prefix_of(const record *r)
{
    const char *f = form_arena + r->form, *l = lemmas[r->lemma];
    size_t p = 0;
    while (p < r->form_len && l[p] && f[p] == l[p])
        p++;
    return p;
}

static void build_suffixes(void)
{
    suffixes = xrealloc(NULL, n_recs * sizeof *suffixes);
    for (size_t i = 0; i < n_recs; i++)
        suffixes[i] = form_arena + recs[i].form + prefix_of(&recs[i]);
    n_suffixes = n_recs;
    qsort(suffixes, n_suffixes, sizeof *suffixes, cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < n_suffixes; i++)
        if (k == 0 || strcmp(suffixes[k - 1], suffixes[i]) != 0)
            suffixes[k++] = suffixes[i];
    n_suffixes = k;
    if (n_suffixes > REF_LEX_MAX_SUFFIXES)
        die("too many distinct suffixes (%zu)", n_suffixes);
    for (size_t i = 0; i < n_recs; i++) {
        char *key = form_arena + recs[i].form + prefix_of(&recs[i]);
        char **p = bsearch(&key, suffixes, n_suffixes, sizeof *suffixes, cmp_str);
        recs[i].suffix = (uint32_t)(p - suffixes);
    }
}

/* ---- output ---- */

typedef struct out {
    unsigned char *b;
    size_t len, cap;
} out;

static size_t put(out *o, const void *p, size_t n)
{
    if (o->len + n + 8 > o->cap) {
        o->cap = (o->len + n + 8) * 2;
        o->b = xrealloc(o->b, o->cap);
    }
    size_t at = o->len;
    memcpy(o->b + at, p, n);
    o->len += n;
    return at;
}

static size_t align8(out *o)
{
    static const char zero[8];
    put(o, zero, (8 - o->len % 8) % 8);
    return o->len;
}

static uint64_t *build_slots(uint32_t *n_slots)
{
    /* load factor 0.7: probe runs stay short (median lookup touches one
     * cache line) at 8 bytes a slot */
    uint32_t n = (uint32_t)(n_recs / 0.7) + 1;
    uint64_t *slots = xrealloc(NULL, (size_t)n * sizeof *slots);
    memset(slots, 0, (size_t)n * sizeof *slots);
    for (size_t i = 0; i < n_recs; i++) {
        const record *r = &recs[i];
        uint64_t h = ref_lex_hash(form_arena + r->form, r->form_len);
        uint32_t s = (uint32_t)(((h & 0xffffffffu) * (uint64_t)n) >> 32);
        while (slots[s])
            s = s + 1 == n ? 0 : s + 1;
        uint64_t v = (uint64_t)(r->lemma + 1) | ((uint64_t)prefix_of(r) << 20) |
                     ((uint64_t)r->kind << 26) | ((uint64_t)r->suffix << 32) | ((h >> 48) << 48);
        slots[s] = v;
    }
    *n_slots = n;
    return slots;
}

static void write_blob(const char *path)
{
    out o = {0};
    ref_lex_header h;
    memset(&h, 0, sizeof h);
    put(&o, &h, sizeof h);

    h.off_lemma_off = (uint32_t)align8(&o);
    uint32_t off = 0;
    for (size_t i = 0; i < n_lemmas; i++) {
        put(&o, &off, 4);
        off += (uint32_t)strlen(lemmas[i]) + 1;
    }
    put(&o, &off, 4);
    h.off_lemma_flags = (uint32_t)align8(&o);
    put(&o, lemma_flags, n_lemmas * sizeof *lemma_flags);
    h.off_lemma_pool = (uint32_t)align8(&o);
    for (size_t i = 0; i < n_lemmas; i++)
        put(&o, lemmas[i], strlen(lemmas[i]) + 1);

    h.off_suffix_off = (uint32_t)align8(&o);
    off = 0;
    for (size_t i = 0; i < n_suffixes; i++) {
        put(&o, &off, 4);
        off += (uint32_t)strlen(suffixes[i]) + 1;
    }
    put(&o, &off, 4);
    h.off_suffix_pool = (uint32_t)align8(&o);
    for (size_t i = 0; i < n_suffixes; i++)
        put(&o, suffixes[i], strlen(suffixes[i]) + 1);

    h.off_slots = (uint32_t)align8(&o);
    uint32_t n_slots;
    uint64_t *slots = build_slots(&n_slots);
    put(&o, slots, (size_t)n_slots * sizeof *slots);
    free(slots);
    align8(&o);

    h.magic = REF_LEX_MAGIC;
    h.version = REF_LEX_VERSION;
    h.n_lemmas = (uint32_t)n_lemmas;
    h.n_suffixes = (uint32_t)n_suffixes;
    h.n_slots = n_slots;
    h.n_records = (uint32_t)n_recs;
    h.total_size = (uint32_t)o.len;
    memcpy(o.b, &h, sizeof h);

    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f || fwrite(o.b, 1, o.len, f) != o.len || fclose(f) != 0)
        die("%s: %s", tmp, strerror(errno));
    if (rename(tmp, path) != 0)
        die("%s: %s", path, strerror(errno));
    fprintf(stderr,
            "mklexicon: %zu entries, %zu lemmas, %zu records, %zu suffixes, "
            "%zu bytes\n",
            n_entries, n_lemmas, n_recs, n_suffixes, o.len);
    free(o.b);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: mklexicon AFF DIC CURATED OUT\n");
        return 2;
    }
    read_aff(argv[1]);
    read_dic(argv[2]);
    read_curated(argv[3]);
    collect_lemmas();
    expand_entries();
    apply_curated();
    merge_records();
    derive_lemma_flags();
    build_suffixes();
    write_blob(argv[4]);
    return 0;
}
