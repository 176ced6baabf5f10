/* lexicon.h — the Danish lexicon: word forms, their lemmas, and how a word
 * may stand inside a compound.
 *
 * Built at compile time from hunspell-da (/usr/share/hunspell/da_DK.aff and
 * .dic) by tools/mklexicon, merged with the reviewed list
 * data/lexicon-curated.txt, and embedded in libreferat (lib/lexicon_blob.S),
 * so programs need no runtime file. The blob is used in place: opening costs
 * a header check, not a parse.
 *
 * For every dictionary entry the generator expands hunspell's suffix rules
 * (single and twofold, e.g. budget → budgett- → budgettet) and records, per
 * form and lemma, what the form can be:
 *   - a WORD: a form that stands alone (budgettet, forældrene, leder);
 *   - a HEAD: may end a compound (inflected forms included);
 *   - a MOD: a modifier form with its linking element (fugeelement) as
 *     hunspell licenses it per word (sygefraværs-, arbejds-, børne-, budget-);
 *   - BOUND: a ready-made bound modifier hunspell lists as a prefix entry
 *     (langtids-, korttids-, forældre-, gen-), atomic for splitting.
 *
 * A ref_lexicon is read-only after opening: share one handle between all
 * threads. Lemma ids are stable for one build of the lexicon only; do not
 * store them in an index — store the lemma string. */
#ifndef REFERAT_LEXICON_H
#define REFERAT_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#include "referat/status.h"

typedef struct ref_lexicon ref_lexicon;

/* What one (form, lemma) reading is; a bit set. */
enum {
    REF_LEXK_WORD = 1,  /* the form stands alone as a word */
    REF_LEXK_HEAD = 2,  /* the form may end a compound */
    REF_LEXK_MOD = 4,   /* the form is a licensed modifier (linking included) */
    REF_LEXK_BOUND = 8, /* a bound modifier entry (hunspell flag 81) */
};

/* Properties of a lemma; a bit set. The curated ones come from
 * data/lexicon-curated.txt, where each list is documented. */
enum {
    REF_LEXF_PROPER = 1,    /* only capitalised in the dictionary (a name) */
    REF_LEXF_PARTICLE = 2,  /* curated: particle/prefix, never a compound part */
    REF_LEXF_SHORT_OK = 4,  /* curated: 2–3-letter word allowed as a part */
    REF_LEXF_NOSPLIT = 8,   /* curated: lexicalised, never split this lemma */
    REF_LEXF_BAD_HEAD = 16, /* curated: suffix-like, never a compound head */
    REF_LEXF_ADMIN = 32,    /* curated: admin-domain word (apv, kkr, eu, …) */
    REF_LEXF_BOUND = 64,    /* exists only as a bound modifier (langtids-) */
};

/* One reading of a form. */
typedef struct ref_lex_entry {
    uint32_t lemma;    /* lemma id, for ref_lexicon_lemma() */
    uint16_t kind;     /* REF_LEXK_* bits */
    uint16_t tail_len; /* bytes at the end of the form that are not the
                          lemma's: the inflection of a head ("tet" in
                          budgettet), the linking element of a modifier
                          ("s" in sygefraværs, "e" in børne, 0 in budget) */
} ref_lex_entry;

/* Opens the lexicon embedded in the library. The handle is small; free it
 * with ref_lexicon_free. REF_ENOMEM, or REF_EDB_CORRUPT if the embedded blob
 * fails its header check (a broken build). */
ref_status ref_lexicon_open_builtin(ref_lexicon **out);

/* Opens a lexicon file written by tools/mklexicon (for tests and tools). The
 * file is read into memory owned by the handle. REF_ENOENT, REF_EIO,
 * REF_ENOMEM, REF_EDB_CORRUPT or REF_EDB_VERSION. */
ref_status ref_lexicon_open_file(const char *path, ref_lexicon **out);

/* Frees a handle from either open function; NULL is allowed. */
void ref_lexicon_free(ref_lexicon *lex);

/* Number of lemmas / of (form, lemma) records, and the blob's size in bytes. */
uint32_t ref_lexicon_lemma_count(const ref_lexicon *lex);
uint32_t ref_lexicon_record_count(const ref_lexicon *lex);
size_t ref_lexicon_size(const ref_lexicon *lex);

/* All readings of the LEN-byte case-folded FORM: stores up to MAX of them
 * in OUT and returns how many there are in all (may exceed MAX). 0 when the
 * form is unknown. Allocates nothing; safe from any thread. */
size_t ref_lexicon_lookup(const ref_lexicon *lex, const char *form, size_t len, ref_lex_entry *out,
                          size_t max);

/* The lemma(s) of a standalone word form: budgettet → budget, forældrene →
 * forælder, leder → leder, lede. Stores up to MAX distinct lemma ids in
 * LEMMAS and returns how many were stored; 0 when the word is unknown. The
 * lemma equal to the word itself, if any, comes first, then the others in
 * lemma order, so the choice is deterministic. */
size_t ref_lexicon_lemmas(const ref_lexicon *lex, const char *word, size_t len, uint32_t *lemmas,
                          size_t max);

/* The lemma string of id LEMMA (NUL-terminated, owned by the lexicon) and
 * its length in *LEN (if LEN is non-NULL). NULL for an invalid id. */
const char *ref_lexicon_lemma(const ref_lexicon *lex, uint32_t lemma, size_t *len);

/* REF_LEXF_* bits of LEMMA (0 for an invalid id). */
unsigned ref_lexicon_lemma_flags(const ref_lexicon *lex, uint32_t lemma);

/* Whether the word is known standalone (any reading is REF_LEXK_WORD). */
int ref_lexicon_is_word(const ref_lexicon *lex, const char *word, size_t len);

#endif
