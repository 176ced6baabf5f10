/* lexicon_format.h — the layout of the binary Danish lexicon (da.lex).
 *
 * Private to the lexicon: tools/mklexicon.c writes this layout and
 * lib/lexicon.c reads it in place, so both include this one definition and
 * can never disagree about a field.
 *
 * The blob is used where it lies (embedded in the library, or read from a
 * file for tests): no parsing at start-up, only a header check. All integers
 * are little-endian, every section starts 8-byte aligned.
 *
 *   header          ref_lex_header
 *   lemma_off       uint32[n_lemmas + 1]   byte offsets into lemma_pool;
 *                                          lemma i is [off[i], off[i+1]-1),
 *                                          NUL-terminated in the pool
 *   lemma_flags     uint16[n_lemmas]       REF_LEXF_* (curated + derived)
 *   lemma_pool      char[]                 lemmas, sorted (byte order)
 *   suffix_off      uint32[n_suffixes + 1] as lemma_off, into suffix_pool
 *   suffix_pool     char[]
 *   slots           uint64[n_slots]        open-addressing hash of forms
 *
 * A word form is not stored as a string. Each slot holds one (form, lemma)
 * record: the form is the first PREFIX bytes of the lemma followed by suffix
 * string SUFFIX ("budgettet" = "budget"[0..6] + "tet"). A lookup hashes the
 * form, probes linearly, and verifies each candidate by comparing the two
 * pieces, so answers are exact while 790k forms fit in 8 bytes each. All
 * records of one form lie in one probe run; a lookup collects them until the
 * first empty slot. */
#ifndef REFERAT_LEXICON_FORMAT_H
#define REFERAT_LEXICON_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define REF_LEX_MAGIC 0x584c4652u /* "RFLX" */
#define REF_LEX_VERSION 1u

/* Longest form (bytes) the lexicon holds: PREFIX has 6 bits. Longer words
 * are simply unknown, which for splitting means "no part this long". */
#define REF_LEX_MAX_FORM 63u

typedef struct ref_lex_header {
    uint32_t magic;
    uint32_t version;
    uint32_t n_lemmas;
    uint32_t n_suffixes;
    uint32_t n_slots;
    uint32_t n_records;
    uint32_t off_lemma_off; /* byte offsets of the sections from the blob start */
    uint32_t off_lemma_flags;
    uint32_t off_lemma_pool;
    uint32_t off_suffix_off;
    uint32_t off_suffix_pool;
    uint32_t off_slots;
    uint32_t total_size;
    uint32_t reserved;
} ref_lex_header;

/* A slot, as a uint64:
 *   bits  0..19  lemma id + 1 (0 = empty slot)
 *   bits 20..25  PREFIX: bytes of the lemma the form starts with
 *   bits 26..31  kind bits (REF_LEXK_*)
 *   bits 32..47  SUFFIX: index of the suffix string that follows
 *   bits 48..63  check: the top 16 bits of the form's hash, so most
 *                non-matching slots are skipped without touching strings */
#define REF_LEX_SLOT_LEMMA(s) ((uint32_t)((s)&0xfffffu))
#define REF_LEX_SLOT_PREFIX(s) ((uint32_t)(((s) >> 20) & 0x3fu))
#define REF_LEX_SLOT_KIND(s) ((uint32_t)(((s) >> 26) & 0x3fu))
#define REF_LEX_SLOT_SUFFIX(s) ((uint32_t)(((s) >> 32) & 0xffffu))
#define REF_LEX_SLOT_CHECK(s) ((uint32_t)((s) >> 48))
#define REF_LEX_MAX_LEMMAS 0xffffeu
#define REF_LEX_MAX_SUFFIXES 0xffffu

/* FNV-1a 64 followed by a murmur3 finaliser: FNV alone clusters badly in
 * linear probing on strings that differ only in their last bytes, which is
 * exactly what inflected forms do. */
static inline uint64_t ref_lex_hash(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

#endif
