#include "referat/synonyms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referat/buf.h"
#include "referat/utf8.h"

/* Common abbreviations of Danish municipal minutes. "med" and "kl" are
 * one-way: as everyday words ("with", "o'clock") they must not be added
 * to every query that names what they abbreviate. */
static const char builtin[] =
    "apv, arbejdspladsvurdering\n"
    "kb, kommunalbestyrelse\n"
    "br, byråd\n"
    "øu, økonomiudvalg\n"
    "kkr, kommunekontaktråd\n"
    "tcg, tværgående chefgruppe\n"
    "cf, chefforum\n"
    "df, direktørforum\n"
    "hmu, hovedmedudvalg\n"
    "lmu, lokalmedudvalg\n"
    "sfo, skolefritidsordning\n"
    "ppr, pædagogisk psykologisk rådgivning\n"
    "mbu, miljøbeskyttelsesudvalg\n"
    "it, informationsteknologi\n"
    "med => medudvalg, medindflydelse og medbestemmelse\n"
    "kl => kommunernes landsforening\n";

typedef struct group {
    char **words;
    size_t n;
    int one_way; /* only words[0] expands to the others */
} group;

struct ref_synonyms {
    group *groups;
    size_t n, cap;
};

static char *trim_fold(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    ref_buf b = REF_BUF_INIT;
    ref_casefold(s, n, &b);
    return ref_buf_detach(&b);
}

static int add_word(group *g, const char *s, size_t n)
{
    char *w = trim_fold(s, n);
    if (!w)
        return -1;
    if (!*w) {
        free(w);
        return 1;
    }
    char **p = realloc(g->words, (g->n + 1) * sizeof *p);
    if (!p) {
        free(w);
        return -1;
    }
    g->words = p;
    g->words[g->n++] = w;
    return 0;
}

static void free_group(group *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->words[i]);
    free(g->words);
}

/* "a, b, c" or "a => b, c". */
static ref_status parse_line(ref_synonyms *syn, const char *line, size_t len)
{
    group g = {0};
    const char *arrow = NULL;
    for (size_t i = 0; i + 1 < len; i++)
        if (line[i] == '=' && line[i + 1] == '>') {
            arrow = line + i;
            break;
        }
    const char *p = line, *end = line + len;
    if (arrow) {
        g.one_way = 1;
        if (add_word(&g, line, (size_t)(arrow - line)) != 0) {
            free_group(&g);
            return REF_EINVAL;
        }
        p = arrow + 2;
    }
    while (p <= end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        int r = add_word(&g, p, (size_t)(stop - p));
        if (r < 0) {
            free_group(&g);
            return REF_ENOMEM;
        }
        p = stop + 1;
    }
    if (g.n < 2) {
        free_group(&g);
        return REF_EINVAL;
    }
    if (syn->n == syn->cap) {
        size_t ncap = syn->cap ? syn->cap * 2 : 32;
        group *ng = realloc(syn->groups, ncap * sizeof *ng);
        if (!ng) {
            free_group(&g);
            return REF_ENOMEM;
        }
        syn->groups = ng;
        syn->cap = ncap;
    }
    syn->groups[syn->n++] = g;
    return REF_OK;
}

ref_status ref_synonyms_add_text(ref_synonyms *syn, const char *text, size_t *line)
{
    size_t lineno = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        size_t k = 0;
        while (k < len && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
            k++;
        if (k < len && p[k] != '#') {
            ref_status st = parse_line(syn, p, len);
            if (st != REF_OK) {
                if (line)
                    *line = lineno;
                return st;
            }
        }
        p += len + (nl ? 1 : 0);
    }
    return REF_OK;
}

ref_status ref_synonyms_new(ref_synonyms **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return REF_ENOMEM;
    ref_status st = ref_synonyms_add_text(*out, builtin, NULL);
    if (st != REF_OK) {
        ref_synonyms_free(*out);
        *out = NULL;
    }
    return st;
}

ref_status ref_synonyms_load(ref_synonyms *syn, const char *path, size_t *line)
{
    if (line)
        *line = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return REF_ENOENT;
    ref_buf b = REF_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ref_buf_append(&b, chunk, n);
    int err = ferror(f);
    fclose(f);
    ref_status st = err ? REF_EIO : ref_buf_status(&b);
    if (st == REF_OK)
        st = ref_synonyms_add_text(syn, ref_buf_cstr(&b), line);
    ref_buf_free(&b);
    return st;
}

void ref_synonyms_free(ref_synonyms *syn)
{
    if (!syn)
        return;
    for (size_t i = 0; i < syn->n; i++)
        free_group(&syn->groups[i]);
    free(syn->groups);
    free(syn);
}

void ref_synonyms_expand(const ref_synonyms *syn, const char *word, ref_synonym_fn fn, void *ctx)
{
    if (!syn || !word)
        return;
    for (size_t i = 0; i < syn->n; i++) {
        const group *g = &syn->groups[i];
        size_t from = g->one_way ? 0 : g->n;
        if (g->one_way) {
            if (strcmp(g->words[0], word) != 0)
                continue;
        } else {
            for (size_t k = 0; k < g->n; k++)
                if (strcmp(g->words[k], word) == 0)
                    from = k;
            if (from == g->n)
                continue;
        }
        for (size_t k = 0; k < g->n; k++)
            if (k != from)
                fn(ctx, g->words[k]);
    }
}
