/* analysis.h — the Danish analysis chain: tokenise → (split compounds) → stem.
 *
 * One chain serves indexing, querying and snippets, so the three can never
 * disagree about what a word is (SQLite FTS5 re-runs its tokenizer for
 * snippets for the same reason). Tokens carry byte spans into the input, so
 * a snippet can highlight exactly the bytes that matched.
 *
 * The chain:
 *   - tokenise UTF-8: words are runs of letters and digits (Danish æ ø å,
 *     é, ü, … and every other Unicode letter); text is case-folded with full
 *     Unicode case folding ("ß" → "ss", "Æ" → "æ");
 *   - hyphenated words ("IT-systemer") give one token per part at
 *     consecutive positions and, at the first part's position, a JOINED token
 *     for the whole ("itsystemer"), so they are findable by parts and whole;
 *     a part ending in a hyphen ("Trivsels- og") is an ordinary word;
 *   - codes — runs of letters/digits joined by '.', '-' or '/' that contain a
 *     digit ("00.01.00-A00-3-17", "13/3462", "24-05-2013", "2017-2018") —
 *     give a CODE token for the whole (folded, not stemmed) and, at the same
 *     and following positions, a token per part, so "2017" finds
 *     "2017-2018" and the journal number is found as typed;
 *   - words are stemmed lemma-first: a word the lexicon (lexicon.h) knows
 *     gets the Snowball stem of its lemma, so all forms of one word share
 *     one stem (budget, budgettet, budgetterne → "budg"; trivsel, trivslen →
 *     "trivsel"); the lemma taken is the lexicon's first that shares its
 *     first two characters (all of a shorter lemma) with the word, so
 *     suppletive forms keep their own stem ("ældre" is not "gammel", "fik"
 *     is not "få"); an unknown word gets its plain Snowball stem. Numbers
 *     and codes are not stemmed;
 *   - compounds: after a WORD the splitter (compound.h) splits, PART tokens
 *     at the word's position give its parts (see REF_TOKEN_PART below);
 *   - with ref_analyzer_opts.plain_snowball, words get their plain Snowball
 *     stem and there are no PART tokens (Snowball's conformance test);
 *   - between letters only a hyphen joins: "f.eks." and "og/eller" are two
 *     words each;
 *   - Danish endings written after an apostrophe on abbreviations ("KL's",
 *     "pc'er", "Trio'erne") stay in the token's text and span but not in its
 *     stem: "KL's" has stem "kl". Any other apostrophe ("O'Brien")
 *     separates words.
 *
 * Token order: by position; at one position the whole (CODE, JOINED) comes
 * before the parts, and a WORD before its PART tokens. "IT-systemer" at
 * position p gives JOINED "itsystemer" (p, span of the whole), WORD "it"
 * (p), WORD "systemer" (p+1), and uses two positions. "13/3462" gives CODE
 * "13/3462" (p), NUMBER "13" (p), NUMBER "3462" (p+1). A word, number or
 * part with a digit and a letter ("a00") is a WORD that is not stemmed; so
 * is a word longer than 100 bytes. A run of more than 64 joined parts is cut
 * at a joiner into several.
 *
 * PART tokens. A WORD (not a JOINED or CODE token, nor a number) that
 * ref_compound_split() splits into two or more parts is followed, at its own
 * position, by:
 *   - one PART per part: stem = the lemma-first stem of the part's text
 *     (ref_compound_part_text: a modifier's lemma, the head's surface), span
 *     = the part's bytes without its linking letters ("sygefravær" in
 *     "sygefraværskonsulenten", not "sygefraværs");
 *   - one PART per sub-compound, that is every run of two or more adjacent
 *     parts shorter than the word, listed in the lexicon or not
 *     (ref_compound_runs: "sygefravær" in "langtidssygefraværet",
 *     "naturpleje" in "naturplejeplanen"; at most 8, longest first): stem =
 *     the lemma-first stem of the joined run, span = its first part's start
 *     to its last part's end, linking letters excluded. So a compound typed
 *     in a query finds every longer compound that contains it;
 *   - one PART for the whole word's canonical form: the stems of its leaf
 *     parts run together ("syg" "fravær" "statistik" →
 *     "sygfraværstatistik"), span = the word; linking letters and
 *     inflection are gone from it, so "sygefraværstatistikken" (a writer's
 *     missing s) and a query "sygefraværsstatistik" meet (query.c);
 *   - a PART's text is the case-folded text of its span (where folding
 *     changed a character's length and a part boundary falls inside its
 *     folding, "ß" → "ss", the span widens to the whole character);
 *   - no PART repeats the WORD's own stem, and no two PARTs of one word have
 *     the same stem (the first, leftmost, is kept);
 *   - PARTs come in order of span start, a longer span first.
 * PART tokens never use a position of their own, so the positions of a text
 * are the same with and without compound splitting. A hyphenated word's
 * pieces are WORD tokens and are split each on its own; its JOINED whole is
 * not split (its parts would repeat the pieces). A piece ending in a hyphen
 * ("Trivsels- og APV-måling") is the word "trivsels" (stem of its lemma,
 * trivsel); the elided "trivselsmåling" is not reconstructed.
 *
 * A ref_analyzer is per-thread state (libstemmer's stem buffer is reused by
 * each call); make one per thread. The lexicon it reads is shared and
 * read-only. It keeps a bounded cache of stems and PART terms per word
 * (about 3 MB; emptied when full, so memory stays flat): the splitter and
 * the lexicon run once per word type, not per token. Do not call an
 * analyzer from inside its own token callback. */
#ifndef REFERAT_ANALYSIS_H
#define REFERAT_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "referat/buf.h"
#include "referat/compound.h"
#include "referat/lexicon.h"
#include "referat/status.h"
#include "referat/utf8.h"

/* The version of the terms this chain makes and of the index layout they
 * go into. Raise it whenever a change makes the chain give other terms for
 * the same text (stems, parts, tokenisation), or the index store them
 * otherwise (positions, value slots): an index keeps the version it was built with in its
 * metadata under REF_ANALYZER_VERSION_KEY, a search on an index of another
 * version is refused with a message to rebuild it, and referat-index
 * rebuilds such an index in full. Versions: 1 (unmarked) the first chain;
 * 2 every run of a compound's parts is a PART term; 3 compositional
 * dictionary compounds split (compound.c: split_lemma), and a compound's
 * canonical form is a PART term; 4 field terms carry no positions (a field
 * phrase is the plain phrase filtered by them), the sort values
 * REF_SLOT_ORDER/_DESC and the outcome terms and slot. */
#define REF_ANALYZER_VERSION "4"
#define REF_ANALYZER_VERSION_KEY "analyser-version"

typedef enum ref_token_kind {
    REF_TOKEN_WORD,   /* a word: stem is its lemma-first Snowball stem */
    REF_TOKEN_NUMBER, /* digits only: stem is the digits */
    REF_TOKEN_CODE,   /* a journal number, date, …: stem is the folded whole */
    REF_TOKEN_JOINED, /* a hyphenated word as a whole, hyphens removed */
    REF_TOKEN_PART,   /* a compound part or sub-compound inside the WORD before it */
} ref_token_kind;

typedef struct ref_token {
    ref_token_kind kind;
    /* The case-folded surface form, NUL-terminated. Joiners inside it are
     * ASCII ('-', '.', '/'), an apostrophe is '\'' and soft hyphens are
     * dropped, so one code has one text however it was typed. */
    const char *text;
    size_t text_len;
    /* The term to index or match, NUL-terminated. */
    const char *stem;
    size_t stem_len;
    /* Byte span [start, end) in the analysed input; never cuts a character. */
    size_t start;
    size_t end;
    /* 0-based word position within this call. JOINED, PART and CODE tokens
     * share the position of the first word they cover. */
    uint32_t pos;
} ref_token;

/* Called once per token, in order of position. The strings are valid only
 * during the call. Return 0 to go on, nonzero to stop the analysis (then
 * ref_analyze returns REF_OK). */
typedef int (*ref_token_fn)(void *ctx, const ref_token *token);

typedef struct ref_analyzer ref_analyzer;

/* Options for ref_analyzer_new_opts(); all zero (or NULL options) is the
 * default analyzer, the one the indexer and the query parser use. An index
 * must be searched with an analyzer made with the options it was built
 * with. */
typedef struct ref_analyzer_opts {
    /* Nonzero: plain Snowball stems, no lexicon, no PART tokens (for
     * Snowball's conformance test and for comparisons). */
    int plain_snowball;
    /* The lexicon for lemmas and compound splitting; NULL: the analyzer
     * opens the built-in one (ref_lexicon_open_builtin, under 1 ms). A
     * given handle is borrowed and must outlive the analyzer. */
    const ref_lexicon *lexicon;
    /* Corpus-frequency veto passed to ref_compound_split(); NULL: none (the
     * default). Copied; its ctx must outlive the analyzer. Splits are
     * cached per word, so its answers must not change while the analyzer
     * lives. */
    const ref_compound_veto *veto;
} ref_analyzer_opts;

/* Creates an analyzer with the Danish Snowball stemmer and, unless
 * OPTS->plain_snowball, the lexicon. OPTS may be NULL (the default).
 * REF_ENOMEM; REF_EINTERNAL when libstemmer lacks Danish; REF_EDB_CORRUPT
 * when the built-in lexicon fails its check. Free with ref_analyzer_free. */
ref_status ref_analyzer_new_opts(const ref_analyzer_opts *opts, ref_analyzer **out);

/* ref_analyzer_new_opts(NULL, OUT): the default analyzer. */
ref_status ref_analyzer_new(ref_analyzer **out);
void ref_analyzer_free(ref_analyzer *analyzer);

/* Analyse LEN bytes of UTF-8 TEXT, calling FN for each token. Invalid UTF-8
 * bytes are treated as separators (never cut, never passed on). When
 * POSITIONS is non-NULL it receives the number of positions used, so a
 * caller can continue numbering after a gap; when FN stops the analysis, it
 * counts the positions up to the last token FN was given. */
ref_status ref_analyze(ref_analyzer *analyzer, const char *text, size_t len, ref_token_fn fn,
                       void *ctx, uint32_t *positions);

/* The plain Snowball stem of one already case-folded word, whatever the
 * analyzer's options: no lemma, no cache (a word with a digit in it, or
 * longer than 100 bytes, is its own stem, as in the chain). This is not
 * always the term the chain indexes for the word (budgettet: Snowball
 * "budget", the chain "budg"); for that, run ref_analyze() on the word.
 * The result is owned by the analyzer and valid until its next call. */
ref_status ref_analyzer_stem(ref_analyzer *analyzer, const char *word, size_t len,
                             const char **stem, size_t *stem_len);

/* Whether the analyzer's lexicon knows the case-folded WORD: as a form of
 * one of its words (any inflection: "udbuddet", "beslutninger") or as a
 * compound of known parts ("naturplejeplanen"). A known word is no typo, so
 * the searcher never "corrects" it. 0 for a plain_snowball analyzer. */
int ref_analyzer_knows(ref_analyzer *analyzer, const char *word, size_t len);

/* ref_casefold() and ref_utf8_seq_len(), once declared here, now live in
 * referat/utf8.h with the other UTF-8 primitives; it is included above, so
 * callers of this header see them unchanged. */

#endif
