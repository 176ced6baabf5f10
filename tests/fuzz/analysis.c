/* fuzz_analysis — the analysis chain (analysis.h: tokenise → split compounds
 * → stem) on arbitrary bytes, and the splitter (compound.h) on its own.
 * Checks the token contract: spans inside the input and on character
 * boundaries, positions in order, a PART inside the WORD before it, stems and
 * texts NUL-terminated and non-empty; and, on each WORD's text (the input the
 * chain gives the splitter), the split contract: parts in order, covering the
 * word exactly, the last one the head with no linking letters. */
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "referat/analysis.h"
#include "referat/compound.h"
#include "referat/lexicon.h"

static void check_split(const ref_lexicon *lex, const char *word, size_t len);

typedef struct token_check {
    const ref_lexicon *lex;
    const char *text;
    size_t len;
    uint32_t last_pos;
    size_t word_start, word_end; /* span of the last WORD, for its PARTs */
    size_t ntokens;
} token_check;

static int check_token(void *vctx, const ref_token *t)
{
    token_check *c = vctx;
    FUZZ_CHECK(t->start < t->end && t->end <= c->len);
    FUZZ_CHECK(fuzz_at_char_boundary(c->text, c->len, t->start));
    FUZZ_CHECK(fuzz_at_char_boundary(c->text, c->len, t->end));
    FUZZ_CHECK(t->text && t->text_len > 0 && t->text[t->text_len] == '\0');
    FUZZ_CHECK(t->stem && t->stem_len > 0 && t->stem[t->stem_len] == '\0');
    FUZZ_CHECK(strlen(t->stem) == t->stem_len);
    FUZZ_CHECK(c->ntokens == 0 || t->pos >= c->last_pos);
    if (t->kind == REF_TOKEN_WORD) {
        c->word_start = t->start;
        c->word_end = t->end;
        /* The splitter's input is what the chain gives it: a WORD's
         * case-folded text (never a hyphen at the end, never a space). */
        if (t->text_len <= REF_COMPOUND_MAX_WORD)
            check_split(c->lex, t->text, t->text_len);
    } else if (t->kind == REF_TOKEN_PART) {
        FUZZ_CHECK(c->ntokens > 0 && t->pos == c->last_pos);
        FUZZ_CHECK(t->start >= c->word_start && t->end <= c->word_end);
    }
    c->last_pos = t->pos;
    c->ntokens++;
    return 0;
}

static void check_split(const ref_lexicon *lex, const char *word, size_t len)
{
    ref_compound_part parts[REF_COMPOUND_MAX_PARTS];
    size_t n = 0;
    if (ref_compound_split(lex, word, len, NULL, parts, REF_COMPOUND_MAX_PARTS, &n) != REF_OK)
        return;
    FUZZ_CHECK(n >= 1 && n <= REF_COMPOUND_MAX_PARTS);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(parts[i].start == at && parts[i].len > 0);
        FUZZ_CHECK(parts[i].is_head ? parts[i].link_len == 0 : parts[i].link_len < parts[i].len);
        FUZZ_CHECK(parts[i].is_head == (i == n - 1));
        size_t tlen = 0;
        const char *t = ref_compound_part_text(lex, word, &parts[i], &tlen);
        FUZZ_CHECK(t != NULL && tlen > 0);
        at += parts[i].len;
    }
    FUZZ_CHECK(at == len);
    char buf[512];
    ref_compound_sub subs[16];
    size_t nsubs = 0;
    ref_status st = ref_compound_subterms(lex, word, parts, n, buf, sizeof buf, subs, 16, &nsubs);
    FUZZ_CHECK(st == REF_OK || st == REF_ETOOBIG);
    for (size_t i = 0; i < nsubs; i++) {
        FUZZ_CHECK(subs[i].count >= 2 && subs[i].first + subs[i].count <= n);
        FUZZ_CHECK(subs[i].start < subs[i].end && subs[i].end <= len);
        FUZZ_CHECK(subs[i].text_off + subs[i].text_len < sizeof buf);
        FUZZ_CHECK(buf[subs[i].text_off + subs[i].text_len] == '\0');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* One analyzer for the whole run, as a program keeps one per thread: its
     * word cache carries state from input to input, which is what the
     * programs see too. */
    static ref_analyzer *analyzer;
    static ref_lexicon *lexicon;
    if (!analyzer &&
        (ref_analyzer_new(&analyzer) != REF_OK || ref_lexicon_open_builtin(&lexicon) != REF_OK))
        abort();
    const char *text = (const char *)data;
    token_check c = {lexicon, text, size, 0, 0, 0, 0};
    uint32_t positions = 0;
    FUZZ_CHECK(ref_analyze(analyzer, text, size, check_token, &c, &positions) == REF_OK);
    FUZZ_CHECK(c.ntokens == 0 || positions > c.last_pos);
    const char *stem = NULL;
    size_t stem_len = 0;
    if (size > 0 && ref_analyzer_stem(analyzer, text, size, &stem, &stem_len) == REF_OK)
        FUZZ_CHECK(stem != NULL);
    return 0;
}
