/* compound.h — splitting Danish compounds into their parts.
 *
 * Danish writes topics as one word: "langtidssygefraværet" is langtids +
 * syge + fraværet. The splitter finds the parts so the index can file the
 * word under each of them (XC terms, see analysis), while staying precise:
 * "planlægning" never yields "anlæg", "forældreansvar" never yields "ældre",
 * and simplex words ("kampagne", "konsulenter") stay whole.
 *
 * The method (docs: docs/research/decompounding.md §3.3, prototype "H+L"):
 *   1. hyphens split first; each piece is split on its own ("eu-udbud");
 *   2. words under 6 characters, over REF_COMPOUND_MAX_WORD bytes, or not
 *      valid UTF-8 are not split;
 *   3. a word hunspell knows (sygefraværet) is split through its lemma
 *      (sygefravær → syge + fravær), and stays whole if the lemma does not
 *      split under the guard below; a word it does not know is split by a
 *      dynamic programme: modifiers with the linking element hunspell
 *      licenses for that word, then a head; fewest parts win, then fewest
 *      unlicensed modifiers (a writer's missing linking s), then the most
 *      even part lengths;
 *   4. the guard: particles (for, ud, til, …) are never parts; a part is 4+
 *      letters, or a listed short word (tid, sag, år, …), or 3 letters with
 *      a linking element, or a 3-letter head after a 5+-letter linked
 *      modifier; suffix-like heads (lighed, mæssig, …) and names are
 *      refused; curated lexicalised lemmas (dagsorden, vejledning) never
 *      split;
 *   5. parts of 7+ letters that are themselves lexicon words are split again
 *      (arbejdsgangs → arbejds + gangs), bound modifiers (langtids-) are not;
 *   6. failing all that, "ae"/"oe"/"aa" are read as æ/ø/å and it is tried
 *      again (fratraedelsessamtale), with the same byte spans.
 *
 * Everything works on the case-folded (NFC) UTF-8 word, in byte spans of
 * that word. Calls are reentrant, allocate nothing and do bounded work
 * (O(n²) lookups for n ≤ REF_COMPOUND_MAX_WORD); a lexicon handle may be
 * shared by any number of threads. Callers should cache results per word
 * type: the vocabulary is Zipfian, so each type is split once. */
#ifndef REFERAT_COMPOUND_H
#define REFERAT_COMPOUND_H

#include <stddef.h>
#include <stdint.h>

#include "referat/lexicon.h"
#include "referat/status.h"

/* Longer words are never split (no Danish compound comes near; long tokens
 * are URLs, hashes or OCR run-ons). */
#define REF_COMPOUND_MAX_WORD 96
/* At most this many parts are returned; a PARTS array of this size always
 * suffices. */
#define REF_COMPOUND_MAX_PARTS 16
/* lemma of a part that is not in the lexicon (an unknown hyphen piece). */
#define REF_COMPOUND_NO_LEMMA UINT32_MAX

typedef struct ref_compound_part {
    uint32_t start;    /* byte offset of the part in the word */
    uint32_t len;      /* bytes, linking element (or hyphen) included */
    uint32_t link_len; /* trailing bytes of the part that only link it to
                          the next: "s" of sygefraværs, "e" of børne, "-" of
                          "eu-"; 0 for the head */
    uint32_t lemma;    /* lemma id (ref_lexicon_lemma) or REF_COMPOUND_NO_LEMMA */
    int is_head;       /* the last part: it carries the word's inflection */
} ref_compound_part;

/* Optional corpus-frequency veto (note §3.2). The index owns word
 * frequencies; the splitter asks. ATTESTED is called with a part's lemma
 * (for a head shorter than 5 characters, or a modifier) and returns nonzero
 * when that word occurs standalone often enough in the corpus to be trusted
 * as a part. A split with an unattested part is not taken (another split may
 * be). Curated short words and admin words are never asked about. */
typedef struct ref_compound_veto {
    int (*attested)(void *ctx, const char *word, size_t len);
    void *ctx;
} ref_compound_veto;

/* Splits the LEN-byte case-folded WORD. On REF_OK, *NPARTS parts are stored
 * in PARTS, in order, covering the word exactly; *NPARTS == 1 means "not a
 * compound" (one part, the whole word, is_head set). VETO may be NULL.
 * REF_EINVAL for NULL arguments or MAX == 0; REF_ETOOBIG if the split has
 * more than MAX parts (never when MAX ≥ REF_COMPOUND_MAX_PARTS). */
ref_status ref_compound_split(const ref_lexicon *lex, const char *word, size_t len,
                              const ref_compound_veto *veto, ref_compound_part *parts, size_t max,
                              size_t *nparts);

/* The text to index for PART of WORD: a modifier's lemma ("arbejds" →
 * "arbejde", "børne" → "børn"), the head's surface form ("fraværet"), or the
 * surface of an unknown piece; not NUL-terminated in general. Stem it as
 * any word. Points into WORD or into the lexicon. */
const char *ref_compound_part_text(const ref_lexicon *lex, const char *word,
                                   const ref_compound_part *part, size_t *len);

/* A sub-compound: a run of two or more adjacent parts, shorter than the
 * whole word, that is itself a lexicon word (note §3.4). From
 * langtids+syge+fraværet it is "sygefraværet"; from
 * syge+fraværs+konsulenten it is "sygefravær" (a modifier that ends the run
 * is given as its lemma); "fraværkonsulent" is no word and is not given. */
typedef struct ref_compound_sub {
    uint32_t first; /* index of the first part of the run */
    uint32_t count; /* number of parts in the run (≥ 2) */
    uint32_t start; /* byte span of the run in the word */
    uint32_t end;
    uint32_t text_off; /* the joined word: BUF + text_off, text_len bytes, */
    uint32_t text_len; /* NUL-terminated */
} ref_compound_sub;

/* Finds the sub-compounds of a split (PARTS/NPARTS from ref_compound_split
 * of WORD). The joined words are written, NUL-terminated, into BUF
 * (BUF_SIZE bytes; each is at most 64 bytes, and real words have a handful:
 * 512 bytes and 16 results are plenty). Stores up to MAX results in SUBS
 * and their number in *NSUBS, longest runs first, then left to right.
 * REF_ETOOBIG when BUF or SUBS ran out (the results so far are valid). A
 * split of fewer than 3 parts has none. */
ref_status ref_compound_subterms(const ref_lexicon *lex, const char *word,
                                 const ref_compound_part *parts, size_t nparts, char *buf,
                                 size_t buf_size, ref_compound_sub *subs, size_t max,
                                 size_t *nsubs);

/* As ref_compound_subterms, but every run of two or more adjacent parts
 * shorter than the word, whether or not the lexicon lists it: the index
 * files "naturplejeplanen" under "naturpleje" too, so a compound typed in
 * a query finds the longer compounds that contain it (query.c). Runs never
 * cross a hyphen. Same buffers, order and errors. */
ref_status ref_compound_runs(const ref_lexicon *lex, const char *word,
                             const ref_compound_part *parts, size_t nparts, char *buf,
                             size_t buf_size, ref_compound_sub *subs, size_t max, size_t *nsubs);

#endif
