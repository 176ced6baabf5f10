#include "referat/outcome.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "referat/date.h"
#include "referat/utf8.h"

const char *ref_outcome_key(ref_outcome label)
{
    switch (label) {
#define REF_OUTCOME_CASE(name, key, word)                                                          \
    case name:                                                                                     \
        return key;
        REF_OUTCOME_LIST(REF_OUTCOME_CASE)
#undef REF_OUTCOME_CASE
    case REF_OUTCOME_COUNT:
        break;
    }
    return "andet";
}

const char *ref_outcome_word(ref_outcome label)
{
    switch (label) {
#define REF_OUTCOME_CASE(name, key, word)                                                          \
    case name:                                                                                     \
        return word;
        REF_OUTCOME_LIST(REF_OUTCOME_CASE)
#undef REF_OUTCOME_CASE
    case REF_OUTCOME_COUNT:
        break;
    }
    return "Andet";
}

int ref_outcome_by_key(const char *key, size_t len, ref_outcome *out)
{
    for (int i = 0; i < REF_OUTCOME_COUNT; i++) {
        const char *k = ref_outcome_key((ref_outcome)i);
        if (strlen(k) == len && strncasecmp(k, key, len) == 0) {
            *out = (ref_outcome)i;
            return 1;
        }
    }
    /* People write the Danish letter. */
    if (len == 8 && (key[0] == 'd' || key[0] == 'D') && memcmp(key + 1, "røftet", 7) == 0) {
        *out = REF_OUTCOME_DROEFTET;
        return 1;
    }
    return 0;
}

/* --- words of a sentence ---------------------------------------------- */

#define MAX_TOKENS 96
#define TOKEN_BYTES 40

typedef struct token {
    char w[TOKEN_BYTES]; /* case-folded; longer words are cut (never a rule word) */
    int capital;         /* written with a capital first letter */
    int number;          /* all digits */
} token;

typedef struct sentence {
    token t[MAX_TOKENS];
    size_t n;
} sentence;

static int is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Case-fold the LEN bytes at S into W (TOKEN_BYTES), cut at a whole
 * character when it does not fit. Folding here, one code point at a time
 * into the token itself, allocates nothing: the classifier cannot fail, so
 * an outcome is never lost to a failed allocation (tests/e2e_faults.py). */
static void fold_word(const char *s, size_t len, char *w)
{
    size_t n = 0, i = 0;
    while (i < len) {
        uint32_t cp = 0;
        size_t step = ref_utf8_decode(s + i, len - i, &cp);
        const char *piece = s + i;
        size_t piece_len = step ? step : 1; /* a stray byte stays as it is */
        const char *folded;
        size_t flen = step ? ref_uchar_fold(cp, &folded) : 0;
        if (flen) {
            piece = folded;
            piece_len = flen;
        }
        if (n + piece_len >= TOKEN_BYTES)
            break;
        memcpy(w + n, piece, piece_len);
        n += piece_len;
        i += step ? step : 1;
    }
    w[n] = '\0';
}

/* Split LEN bytes at S into folded words. Non-ASCII bytes count as letters
 * (æ, ø, å and the rest); a stray symbol such as "•" becomes a word no rule
 * knows, which is harmless. */
static void tokenize(const char *s, size_t len, sentence *out)
{
    out->n = 0;
    size_t i = 0;
    while (i < len && out->n < MAX_TOKENS) {
        while (i < len && !is_word_byte((unsigned char)s[i]))
            i++;
        size_t start = i;
        while (i < len && is_word_byte((unsigned char)s[i]))
            i++;
        if (i == start)
            break;
        token *t = &out->t[out->n++];
        fold_word(s + start, i - start, t->w);
        uint32_t cp = 0;
        const char *f;
        t->capital = ref_utf8_decode(s + start, i - start, &cp) > 0 && ref_uchar_fold(cp, &f) > 0;
        t->number = 1;
        for (size_t k = start; k < i; k++)
            if (s[k] < '0' || s[k] > '9')
                t->number = 0;
    }
}

static int in(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(w, *list) == 0)
            return 1;
    return 0;
}

static int eq(const sentence *s, size_t i, const char *w) { return i < s->n && strcmp(s->t[i].w, w) == 0; }

static const char *const approve_words[] = {
    "godkendt", "godkendte", "godkendes", "godkender", "godkendtes", "godkende",
    "tiltrådt", "tiltrådte", "tiltræder", "tiltrædes", "tiltræde", "tiltrådtes",
    "vedtaget", "vedtog", "vedtoges", "vedtages", "vedtager", "vedtage",
    "besluttede", "besluttet", "imødekommet", "imødekommes", "imødekomme",
    "bevilget", "bevilges", "bevilgede", "bevilliget", "bevilliges",
    "valgte", NULL};
/* Approval words that only say a decision was made; its content may be
 * another label. */
static const char *const decided_words[] = {"besluttede", "besluttet", "vedtog", "vedtage",
                                            NULL};
static const char *const reject_words[] = {
    "afvist", "afviste", "afvises", "forkastet", "forkastede", "forkastes",
    "afslået", "afslog", "afslås", "nedstemt", "nedstemte", NULL};
static const char *const postpone_words[] = {
    "udsat", "udsættes", "udsatte", "udsætte", "udskudt", "udskydes", "udskød", NULL};
static const char *const forward_words[] = {
    "oversendes", "oversendt", "oversendte", "oversende", "fremsendes", "fremsendt",
    "videresendes", "videresendt", "sendes", "sendt", "indstilles", "indstille", "indstiller",
    "indstillede", "anbefales", "anbefaler", "anbefalede", "anbefalet", "henvises", "henvist",
    "forelægges", NULL};
static const char *const discuss_words[] = {"drøftet", "drøftede", "drøftes", "drøfte", NULL};
static const char *const nothing_words[] = {"intet", "ingen", "udgår", "trukket",
                                            "tilbagetrukket", "udgik", NULL};
/* Verbs of intention: what follows them is not (yet) decided. */
static const char *const modal_words[] = {"skal", "vil", "kan", "bør", "skulle", "ville",
                                          "kunne", "må", "burde", NULL};
static const char *const body_suffixes[] = {
    "udvalg", "udvalget", "udvalgene", "byråd", "byrådet", "kommunalbestyrelse",
    "kommunalbestyrelsen", "regionsråd", "regionsrådet", "magistraten", "borgmesteren",
    "direktionen", "bestyrelsen", "forum", "rådet", "ministeriet", "styrelsen",
    "forvaltningen", "chefgruppe", "chefgruppen", "repræsentantskabet", NULL};

static int ends_with_any(const char *w, const char *const *list)
{
    size_t n = strlen(w);
    for (; *list; list++) {
        size_t k = strlen(*list);
        if (n >= k && strcmp(w + n - k, *list) == 0)
            return 1;
    }
    return 0;
}

/* The sentence names another agenda item: "punkt 15", "pkt. 133", "sag nr. 7". */
static int names_other_item(const sentence *s)
{
    for (size_t i = 0; i + 1 < s->n; i++) {
        const char *w = s->t[i].w;
        if (strcmp(w, "punkt") != 0 && strcmp(w, "pkt") != 0 && strcmp(w, "punkterne") != 0 &&
            strcmp(w, "sag") != 0)
            continue;
        size_t j = i + 1;
        if (eq(s, j, "nr"))
            j++;
        if (j >= s->n || !s->t[j].number)
            continue;
        /* "indstillingens punkt 2", "punkt 2 i indstillingen": a point of
         * this punkt's own recommendation, not another agenda item. */
        if ((i > 0 && (eq(s, i - 1, "indstillingens") || eq(s, i - 1, "forslagets"))) ||
            (eq(s, j + 1, "i") && (eq(s, j + 2, "indstillingen") || eq(s, j + 2, "forslaget"))))
            continue;
        return 1;
    }
    return 0;
}

static int modal_before(const sentence *s, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (in(s->t[k].w, modal_words))
            return 1;
    return 0;
}

static int negated(const sentence *s, size_t i)
{
    size_t from = i > 3 ? i - 3 : 0;
    for (size_t k = from; k < i; k++)
        if (eq(s, k, "ikke") || eq(s, k, "ej"))
            return 1;
    /* "besluttede ikke at imødekomme" */
    return (eq(s, i, "besluttede") || eq(s, i, "besluttet")) && eq(s, i + 1, "ikke");
}

/* A receiving body follows TO ("til", "for", "over for"): a name written
 * with a capital, or a word naming a body ("byrådet", "økonomiudvalget"). */
static int body_after(const sentence *s, size_t from)
{
    size_t end = from + 8 < s->n ? from + 8 : s->n;
    for (size_t i = from; i + 1 < end; i++) {
        if (!eq(s, i, "til") && !eq(s, i, "for"))
            continue;
        size_t j = i + 1;
        while (j < s->n && (eq(s, j, "den") || eq(s, j, "det") || eq(s, j, "de")))
            j++;
        if (j < s->n && (s->t[j].capital || ends_with_any(s->t[j].w, body_suffixes)))
            return 1;
    }
    return 0;
}

static ref_outcome_set sentence_labels(const sentence *s)
{
    ref_outcome_set set = 0;
    int approved = 0, decided = 0; /* godkendt from a verb of approval, from "besluttede" */
    if (s->n == 0 || names_other_item(s))
        return 0;
    for (size_t i = 0; i < s->n; i++) {
        const char *w = s->t[i].w;
        if (in(w, approve_words) || (strcmp(w, "stemmer") == 0 && eq(s, i + 1, "for"))) {
            /* "de valgte tegn": an adjective, not a choice made */
            if (strcmp(w, "valgte") == 0 && i > 0 &&
                (eq(s, i - 1, "de") || eq(s, i - 1, "den") || eq(s, i - 1, "det")))
                continue;
            if (negated(s, i))
                set |= 1u << REF_OUTCOME_AFVIST;
            else if (!modal_before(s, i)) {
                set |= 1u << REF_OUTCOME_GODKENDT;
                if (in(w, decided_words))
                    decided = 1;
                else
                    approved = 1;
            }
        } else if (in(w, reject_words)) {
            if (!modal_before(s, i) && !negated(s, i))
                set |= 1u << REF_OUTCOME_AFVIST;
        } else if (in(w, postpone_words)) {
            if (!modal_before(s, i) && !negated(s, i))
                set |= 1u << REF_OUTCOME_UDSAT;
        } else if (strcmp(w, "efterretning") == 0 || strcmp(w, "orientering") == 0) {
            if (i > 0 && eq(s, i - 1, "til") && !modal_before(s, i))
                set |= 1u << REF_OUTCOME_TAGET_TIL_EFTERRETNING;
        } else if (strcmp(w, "orienteret") == 0) {
            if (i > 0 && (eq(s, i - 1, "blev") || eq(s, i - 1, "er")) && !modal_before(s, i))
                set |= 1u << REF_OUTCOME_TAGET_TIL_EFTERRETNING;
        } else if (in(w, forward_words)) {
            if (!modal_before(s, i) && body_after(s, i + 1))
                set |= 1u << REF_OUTCOME_OVERSENDT;
        } else if (in(w, discuss_words)) {
            if (!modal_before(s, i))
                set |= 1u << REF_OUTCOME_DROEFTET;
        } else if (in(w, nothing_words)) {
            if (i == 0 || strcmp(w, "udgår") == 0 || strcmp(w, "trukket") == 0)
                set |= 1u << REF_OUTCOME_ANDET;
        }
    }
    /* "besluttede at udsætte", "vedtog at indstille til Byrådet": what was
     * decided is the other label, not an approval. */
    if (decided && !approved &&
        (set & ((1u << REF_OUTCOME_UDSAT) | (1u << REF_OUTCOME_AFVIST) | (1u << REF_OUTCOME_OVERSENDT))))
        set &= ~(1u << REF_OUTCOME_GODKENDT);
    return set;
}

/* A line of remarks: "- …", "• …", "· …" (and U+0335, which one portal uses). */
static int is_bullet(const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i >= len)
        return 0;
    unsigned char c = (unsigned char)line[i];
    if (c == '-' || c == '*')
        return 1;
    static const char *const marks[] = {"•", "·", "–", "▪", "̵", NULL};
    for (const char *const *m = marks; *m; m++)
        if (len - i >= strlen(*m) && memcmp(line + i, *m, strlen(*m)) == 0)
            return 1;
    return 0;
}

/* Lines that start another meeting's record of the case. */
static int is_history_line(const char *line, size_t len)
{
    static const char *const starts[] = {"Sagens forløb", "Beslutning fra ", "Tidligere beslutning",
                                         NULL};
    for (const char *const *p = starts; *p; p++)
        if (len >= strlen(*p) && strncasecmp(line, *p, strlen(*p)) == 0)
            return 1;
    return 0;
}

ref_outcome_set ref_outcome_of_text(const char *text, size_t len)
{
    int letters = 0;
    for (size_t i = 0; i < len && !letters;) {
        uint32_t cp;
        size_t n = ref_utf8_decode(text + i, len - i, &cp);
        letters = n && ref_uchar_class_of(cp) == REF_UCHAR_LETTER;
        i += n ? n : 1;
    }
    if (!letters)
        return 0; /* "-", "", "…": no decision stated */
    sentence s; /* about 4 kB: one sentence's words at a time */
    ref_outcome_set set = 0;
    size_t at = 0;
    while (at < len) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        const char *line = text + at;
        size_t llen = end - at;
        at = end + 1;
        if (is_history_line(line, llen))
            break;
        if (is_bullet(line, llen))
            continue;
        /* Sentences end at ". " etc., but not before a digit or a small
         * letter ("pkt. 13", "d. 17. august"). Rules read one at a time. */
        size_t from = 0;
        for (size_t i = 0; i <= llen; i++) {
            int stop = i == llen;
            if (!stop && (line[i] == '.' || line[i] == '!' || line[i] == '?' || line[i] == ';')) {
                size_t j = i + 1;
                while (j < llen && line[j] == ' ')
                    j++;
                stop = j >= llen || !((line[j] >= '0' && line[j] <= '9') ||
                                      (line[j] >= 'a' && line[j] <= 'z'));
            }
            /* ", at …" opens a clause of its own: "Godkendt med den ændring,
             * at sag nr. 7 udsættes" names another item only after it. */
            if (!stop && line[i] == ',' && i + 4 <= llen && memcmp(line + i + 1, " at", 3) == 0 &&
                (i + 4 == llen || line[i + 4] == ' '))
                stop = 1;
            if (!stop)
                continue;
            tokenize(line + from, i - from, &s);
            set |= sentence_labels(&s);
            from = i + 1;
        }
    }
    if (set & ~((1u << REF_OUTCOME_DROEFTET) | (1u << REF_OUTCOME_ANDET)))
        set &= ~((1u << REF_OUTCOME_DROEFTET) | (1u << REF_OUTCOME_ANDET));
    else if (set & (1u << REF_OUTCOME_DROEFTET))
        set &= ~(1u << REF_OUTCOME_ANDET);
    if (set == 0)
        set = 1u << REF_OUTCOME_ANDET; /* a decision that states something else */
    return set;
}

/* --- which section is the punkt's own decision -------------------------- */

ref_outcome_set ref_outcome_of_punkt(const ref_record_section *secs, size_t n,
                                     const char *meeting_date)
{
    const ref_record_section *own = NULL;
    for (size_t i = 0; i < n; i++) {
        if (secs[i].kind != REF_SECTION_BESLUTNING || !secs[i].text || !secs[i].text[0])
            continue;
        char date[11];
        size_t at;
        /* The first date in the heading (date.h reads every form minutes
         * write: "26-03-2019", "12. januar 2021", …). */
        if (meeting_date && strlen(meeting_date) == 10 && secs[i].heading &&
            ref_date_find(secs[i].heading, strlen(secs[i].heading), date, &at) &&
            strcmp(date, meeting_date) != 0)
            continue; /* another meeting's decision, quoted */
        own = &secs[i];
    }
    return own ? ref_outcome_of_text(own->text, strlen(own->text)) : 0;
}

ref_outcome_set ref_outcome_of_record(const ref_record *rec)
{
    return ref_outcome_of_punkt(rec->sections, rec->nsections, rec->date);
}

void ref_outcome_keys(ref_outcome_set set, const char *sep, ref_buf *out)
{
    int first = 1;
    for (int i = 0; i < REF_OUTCOME_COUNT; i++) {
        if (!(set & (1u << i)))
            continue;
        if (!first)
            ref_buf_puts(out, sep);
        ref_buf_puts(out, ref_outcome_key((ref_outcome)i));
        first = 0;
    }
}

void ref_outcome_words(ref_outcome_set set, ref_buf *out)
{
    int first = 1;
    for (int i = 0; i < REF_OUTCOME_COUNT; i++) {
        if (!(set & (1u << i)))
            continue;
        if (!first)
            ref_buf_puts(out, ", ");
        ref_buf_puts(out, ref_outcome_word((ref_outcome)i));
        first = 0;
    }
}
