#include "referat/explain.h"

#include <stdlib.h>
#include <string.h>

#include "referat/compound.h"
#include "referat/present.h"

#define MAX_PARTS 16
#define MAX_TERMS 32

/* One analysed word and what belongs to it. */
typedef struct word {
    ref_token_kind kind;
    char *text, *stem;
    char *terms[MAX_TERMS]; /* PART stems */
    size_t nterms;
} word;

typedef struct collect_ctx {
    word *words;
    size_t n, cap;
    int failed;
} collect_ctx;

static int collect(void *vctx, const ref_token *tok)
{
    collect_ctx *c = vctx;
    if (tok->kind == REF_TOKEN_PART) {
        if (c->n && c->words[c->n - 1].nterms < MAX_TERMS) {
            word *w = &c->words[c->n - 1];
            w->terms[w->nterms] = strdup(tok->stem);
            if (!w->terms[w->nterms])
                c->failed = 1;
            else
                w->nterms++;
        }
        return c->failed;
    }
    if (c->n == c->cap) {
        size_t ncap = c->cap ? 2 * c->cap : 32;
        word *p = realloc(c->words, ncap * sizeof *p);
        if (!p) {
            c->failed = 1;
            return 1;
        }
        c->words = p;
        c->cap = ncap;
    }
    word *w = &c->words[c->n++];
    memset(w, 0, sizeof *w);
    w->kind = tok->kind;
    w->text = strdup(tok->text);
    w->stem = strdup(tok->stem);
    if (!w->text || !w->stem)
        c->failed = 1;
    return c->failed;
}

/* The stem the chain gives PART as a word of its own. */
typedef struct stem_ctx {
    ref_buf *out;
} stem_ctx;

static int first_stem(void *vctx, const ref_token *tok)
{
    stem_ctx *c = vctx;
    ref_buf_puts(c->out, tok->stem);
    return 1;
}

static void put_list(ref_buf *out, char *const *items, size_t n, int json)
{
    if (json)
        ref_buf_putc(out, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            ref_buf_puts(out, json ? "," : " ");
        if (json)
            ref_json_string(out, items[i], strlen(items[i]));
        else
            ref_buf_puts(out, items[i]);
    }
    if (json)
        ref_buf_putc(out, ']');
}

static ref_status explain_word(ref_buf *out, ref_analyzer *an, const ref_lexicon *lex,
                               const word *w, int json)
{
    ref_compound_part parts[MAX_PARTS];
    size_t nparts = 0;
    char *texts[MAX_PARTS] = {0}, *stems[MAX_PARTS] = {0};
    ref_status st = REF_OK;
    if (lex && w->kind == REF_TOKEN_WORD)
        st = ref_compound_split(lex, w->text, strlen(w->text), NULL, parts, MAX_PARTS, &nparts);
    if (st != REF_OK || nparts < 2)
        nparts = 0;
    for (size_t i = 0; st == REF_OK && i < nparts; i++) {
        size_t len = 0;
        const char *t = ref_compound_part_text(lex, w->text, &parts[i], &len);
        ref_buf tb = REF_BUF_INIT, sb = REF_BUF_INIT;
        ref_buf_append(&tb, t, len);
        stem_ctx sc = {&sb};
        st = ref_analyze(an, ref_buf_cstr(&tb), tb.len, first_stem, &sc, NULL);
        texts[i] = ref_buf_detach(&tb);
        stems[i] = ref_buf_detach(&sb);
        if (st == REF_OK && (!texts[i] || !stems[i]))
            st = REF_ENOMEM;
    }
    if (st == REF_OK) {
        if (json) {
            ref_buf_puts(out, "{\"token\":");
            ref_json_string(out, w->text, strlen(w->text));
            ref_buf_puts(out, ",\"stem\":");
            ref_json_string(out, w->stem, strlen(w->stem));
            ref_buf_puts(out, ",\"parts\":");
            put_list(out, texts, nparts, 1);
            ref_buf_puts(out, ",\"part_stems\":");
            put_list(out, stems, nparts, 1);
            ref_buf_puts(out, ",\"terms\":");
            put_list(out, w->terms, w->nterms, 1);
            ref_buf_puts(out, "}\n");
        } else {
            /* Pad by characters, not bytes, so æ/ø/å keep columns straight. */
            size_t chars = 0;
            for (const char *t = w->text; *t; t++)
                chars += ((unsigned char)*t & 0xC0) != 0x80;
            ref_buf_printf(out, "%s%*s %s", w->text, chars < 28 ? (int)(28 - chars) : 0, "",
                           w->stem);
            if (nparts) {
                ref_buf_puts(out, "   parts: ");
                put_list(out, texts, nparts, 0);
                ref_buf_puts(out, "   part stems: ");
                put_list(out, stems, nparts, 0);
            }
            ref_buf_putc(out, '\n');
        }
    }
    for (size_t i = 0; i < nparts; i++) {
        free(texts[i]);
        free(stems[i]);
    }
    return st;
}

ref_status ref_explain_analysis(ref_buf *out, ref_analyzer *an, const ref_lexicon *lex,
                                const char *text, size_t len, int json)
{
    collect_ctx c = {0};
    ref_status st = ref_analyze(an, text, len, collect, &c, NULL);
    if (st == REF_OK && c.failed)
        st = REF_ENOMEM;
    for (size_t i = 0; st == REF_OK && i < c.n; i++)
        st = explain_word(out, an, lex, &c.words[i], json);
    for (size_t i = 0; i < c.n; i++) {
        free(c.words[i].text);
        free(c.words[i].stem);
        for (size_t k = 0; k < c.words[i].nterms; k++)
            free(c.words[i].terms[k]);
    }
    free(c.words);
    return st == REF_OK ? ref_buf_status(out) : st;
}
