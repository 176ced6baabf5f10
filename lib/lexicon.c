/* lexicon.c — read-only lookups in the binary lexicon (layout in
 * lexicon_format.h, written by tools/mklexicon).
 *
 * The handle only points into the blob: the embedded bytes for the builtin
 * lexicon, or a malloc'd copy of a file. Nothing is decoded at open time
 * beyond the header, so opening is O(1) and the ~10 MB stay shared, clean
 * pages of the executable. */
#include "referat/lexicon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexicon_format.h"

struct ref_lexicon {
    const unsigned char *base;
    size_t size;
    void *owned; /* file contents, or NULL for the embedded blob */
    ref_lex_header h;
    const uint32_t *lemma_off;
    const uint16_t *lemma_flags;
    const char *lemma_pool;
    const uint32_t *suffix_off;
    const char *suffix_pool;
    const uint64_t *slots;
};

/* Provided by lib/lexicon_blob.S (.incbin of build/<variant>/da.lex). */
extern const unsigned char ref_lexicon_blob[];
extern const unsigned char ref_lexicon_blob_end[];

static int section_ok(const ref_lex_header *h, uint32_t off, uint64_t bytes)
{
    return off % 8 == 0 && off <= h->total_size && bytes <= (uint64_t)h->total_size - off;
}

/* Checks the header and that every section lies inside the blob, so a
 * truncated or foreign file is rejected instead of read out of bounds. */
static ref_status attach(ref_lexicon *lex, const void *data, size_t size)
{
    if (size < sizeof(ref_lex_header))
        return REF_EDB_CORRUPT;
    memcpy(&lex->h, data, sizeof lex->h);
    const ref_lex_header *h = &lex->h;
    if (h->magic != REF_LEX_MAGIC)
        return REF_EDB_CORRUPT;
    if (h->version != REF_LEX_VERSION)
        return REF_EDB_VERSION;
    if (h->total_size > size || h->n_slots == 0 || h->n_lemmas > REF_LEX_MAX_LEMMAS ||
        !section_ok(h, h->off_lemma_off, 4ull * (h->n_lemmas + 1ull)) ||
        !section_ok(h, h->off_lemma_flags, 2ull * h->n_lemmas) ||
        !section_ok(h, h->off_suffix_off, 4ull * (h->n_suffixes + 1ull)) ||
        !section_ok(h, h->off_slots, 8ull * h->n_slots) || h->off_lemma_pool > h->total_size ||
        h->off_suffix_pool > h->total_size)
        return REF_EDB_CORRUPT;
    lex->base = data;
    lex->size = size;
    lex->lemma_off = (const uint32_t *)(lex->base + h->off_lemma_off);
    lex->lemma_flags = (const uint16_t *)(lex->base + h->off_lemma_flags);
    lex->lemma_pool = (const char *)lex->base + h->off_lemma_pool;
    lex->suffix_off = (const uint32_t *)(lex->base + h->off_suffix_off);
    lex->suffix_pool = (const char *)lex->base + h->off_suffix_pool;
    lex->slots = (const uint64_t *)(lex->base + h->off_slots);
    if ((uint64_t)h->off_lemma_pool + lex->lemma_off[h->n_lemmas] > h->total_size ||
        (uint64_t)h->off_suffix_pool + lex->suffix_off[h->n_suffixes] > h->total_size)
        return REF_EDB_CORRUPT;
    return REF_OK;
}

ref_status ref_lexicon_open_builtin(ref_lexicon **out)
{
    *out = NULL;
    ref_lexicon *lex = calloc(1, sizeof *lex);
    if (!lex)
        return REF_ENOMEM;
    size_t size = (size_t)(ref_lexicon_blob_end - ref_lexicon_blob);
    ref_status st = attach(lex, ref_lexicon_blob, size);
    if (st != REF_OK) {
        free(lex);
        return st;
    }
    *out = lex;
    return REF_OK;
}

static ref_status read_file(const char *path, void **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return REF_ENOENT;
    ref_status st = REF_OK;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return REF_EIO;
    }
    /* 8-byte aligned by malloc, as the uint64 slots need */
    void *buf = malloc(n ? (size_t)n : 1);
    if (!buf)
        st = REF_ENOMEM;
    else if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        st = REF_EIO;
    fclose(f);
    if (st != REF_OK) {
        free(buf);
        return st;
    }
    *data = buf;
    *size = (size_t)n;
    return REF_OK;
}

ref_status ref_lexicon_open_file(const char *path, ref_lexicon **out)
{
    *out = NULL;
    ref_lexicon *lex = calloc(1, sizeof *lex);
    if (!lex)
        return REF_ENOMEM;
    void *data = NULL;
    size_t size = 0;
    ref_status st = read_file(path, &data, &size);
    if (st == REF_OK)
        st = attach(lex, data, size);
    if (st != REF_OK) {
        free(data);
        free(lex);
        return st;
    }
    lex->owned = data;
    *out = lex;
    return REF_OK;
}

void ref_lexicon_free(ref_lexicon *lex)
{
    if (!lex)
        return;
    free(lex->owned);
    free(lex);
}

uint32_t ref_lexicon_lemma_count(const ref_lexicon *lex)
{
    return lex->h.n_lemmas;
}

uint32_t ref_lexicon_record_count(const ref_lexicon *lex)
{
    return lex->h.n_records;
}

size_t ref_lexicon_size(const ref_lexicon *lex)
{
    return lex->h.total_size;
}

const char *ref_lexicon_lemma(const ref_lexicon *lex, uint32_t lemma, size_t *len)
{
    if (lemma >= lex->h.n_lemmas)
        return NULL;
    if (len)
        *len = lex->lemma_off[lemma + 1] - lex->lemma_off[lemma] - 1;
    return lex->lemma_pool + lex->lemma_off[lemma];
}

unsigned ref_lexicon_lemma_flags(const ref_lexicon *lex, uint32_t lemma)
{
    return lemma < lex->h.n_lemmas ? lex->lemma_flags[lemma] : 0;
}

/* Whether slot S spells FORM: the lemma's first PREFIX bytes, then the
 * suffix string. */
static int slot_matches(const ref_lexicon *lex, uint64_t s, const char *form, size_t len)
{
    uint32_t lemma = REF_LEX_SLOT_LEMMA(s) - 1;
    uint32_t prefix = REF_LEX_SLOT_PREFIX(s);
    uint32_t suffix = REF_LEX_SLOT_SUFFIX(s);
    if (lemma >= lex->h.n_lemmas || suffix >= lex->h.n_suffixes || prefix > len)
        return 0;
    uint32_t lemma_len = lex->lemma_off[lemma + 1] - lex->lemma_off[lemma] - 1;
    uint32_t suffix_len = lex->suffix_off[suffix + 1] - lex->suffix_off[suffix] - 1;
    return prefix <= lemma_len && prefix + suffix_len == len &&
           memcmp(form, lex->lemma_pool + lex->lemma_off[lemma], prefix) == 0 &&
           memcmp(form + prefix, lex->suffix_pool + lex->suffix_off[suffix], suffix_len) == 0;
}

size_t ref_lexicon_lookup(const ref_lexicon *lex, const char *form, size_t len, ref_lex_entry *out,
                          size_t max)
{
    if (len == 0 || len > REF_LEX_MAX_FORM)
        return 0;
    uint64_t h = ref_lex_hash(form, len);
    uint32_t n = lex->h.n_slots;
    uint32_t i = (uint32_t)(((h & 0xffffffffu) * (uint64_t)n) >> 32);
    uint32_t check = (uint32_t)(h >> 48);
    size_t found = 0;
    /* The table is never full (load 0.7), so an empty slot ends the run;
     * the bound on steps only guards against a corrupt file. */
    for (uint32_t step = 0; step < n; step++) {
        uint64_t s = lex->slots[i];
        if (!s)
            break;
        if (REF_LEX_SLOT_CHECK(s) == check && slot_matches(lex, s, form, len)) {
            if (found < max) {
                out[found].lemma = REF_LEX_SLOT_LEMMA(s) - 1;
                out[found].kind = (uint16_t)REF_LEX_SLOT_KIND(s);
                out[found].tail_len = (uint16_t)(len - REF_LEX_SLOT_PREFIX(s));
            }
            found++;
        }
        i = i + 1 == n ? 0 : i + 1;
    }
    return found;
}

enum { MAX_READINGS = 16 };

size_t ref_lexicon_lemmas(const ref_lexicon *lex, const char *word, size_t len, uint32_t *lemmas,
                          size_t max)
{
    ref_lex_entry e[MAX_READINGS];
    size_t n = ref_lexicon_lookup(lex, word, len, e, MAX_READINGS);
    if (n > MAX_READINGS)
        n = MAX_READINGS;
    size_t k = 0;
    /* the reading whose lemma is the word itself first (tail_len 0 and the
     * lemma no longer than the word), then the rest in lemma order */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n && k < max; i++) {
            size_t lemma_len = 0;
            if (!(e[i].kind & REF_LEXK_WORD))
                continue;
            ref_lexicon_lemma(lex, e[i].lemma, &lemma_len);
            int self = e[i].tail_len == 0 && lemma_len == len;
            if (self != (pass == 0))
                continue;
            int dup = 0;
            for (size_t j = 0; j < k; j++)
                dup |= lemmas[j] == e[i].lemma;
            if (!dup)
                lemmas[k++] = e[i].lemma;
        }
    return k;
}

int ref_lexicon_is_word(const ref_lexicon *lex, const char *word, size_t len)
{
    ref_lex_entry e[MAX_READINGS];
    size_t n = ref_lexicon_lookup(lex, word, len, e, MAX_READINGS);
    for (size_t i = 0; i < n && i < MAX_READINGS; i++)
        if (e[i].kind & REF_LEXK_WORD)
            return 1;
    return 0;
}
