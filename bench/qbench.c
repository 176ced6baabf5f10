/* qbench — Referat's query latency, measured in-process through the searcher
 * library (no process start-up per query), for `make bench`.
 *
 * Usage: qbench DB QUERIES
 * QUERIES has one query a line: KIND <tab> YEAR <tab> TEXT, KIND being word,
 * compound, phrase, decision or year (YEAR is used by "year" only). Every
 * query runs once to warm the cache, then once timed, asking for the top 10
 * with snippets (the snippet is part of each hit). Prints one line per
 * query: KIND <tab> milliseconds <tab> hits. Exit 0, or 1 on an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "referat/buf.h"
#include "referat/search.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

typedef struct query {
    char kind[16];
    char *text; /* in Referat's query language */
} query;

/* Translate one line of the neutral query file into Referat's language. */
static int parse_line(char *line, query *q)
{
    char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
    if (!tab2)
        return -1;
    *tab1 = *tab2 = '\0';
    size_t kind_len = strlen(line);
    if (kind_len >= sizeof q->kind)
        return -1;
    memcpy(q->kind, line, kind_len + 1);
    char *text = tab2 + 1;
    text[strcspn(text, "\n")] = '\0';
    ref_buf b = REF_BUF_INIT;
    ref_buf_puts(&b, text);
    if (strcmp(q->kind, "year") == 0)
        ref_buf_printf(&b, " år:%s", tab1 + 1);
    q->text = ref_buf_detach(&b);
    return q->text ? 0 : -1;
}

static int run(ref_searcher *s, const query *q, size_t *nhits)
{
    ref_search_opts opts = {.limit = 10, .decisions_only = strcmp(q->kind, "decision") == 0};
    ref_search_result *r = NULL;
    char *err = NULL;
    ref_status st = ref_searcher_search(s, q->text, &opts, &r, &err);
    if (st != REF_OK) {
        fprintf(stderr, "qbench: %s: %s%s%s\n", q->text, ref_status_str(st), err ? ": " : "",
                err ? err : "");
        free(err);
        return -1;
    }
    *nhits = r->nhits;
    ref_search_result_free(r);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: qbench DB QUERIES\n", stderr);
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    query *qs = NULL;
    size_t n = 0, cap = 0, lineno = 0;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            query *p = realloc(qs, cap * sizeof *p);
            if (!p)
                return 1;
            qs = p;
        }
        if (parse_line(line, &qs[n]) != 0) {
            fprintf(stderr, "qbench: %s:%zu: expected KIND<tab>YEAR<tab>QUERY\n", argv[2], lineno);
            return 1;
        }
        n++;
    }
    fclose(f);
    ref_searcher *s = NULL;
    char *err = NULL;
    ref_status st = ref_searcher_open(argv[1], &s, &err);
    if (st != REF_OK) {
        fprintf(stderr, "qbench: %s: %s: %s\n", argv[1], ref_status_str(st), err ? err : "");
        return 1;
    }
    int rc = 0;
    size_t hits;
    for (size_t i = 0; i < n && rc == 0; i++) /* warm the cache */
        rc = run(s, &qs[i], &hits);
    for (size_t i = 0; i < n && rc == 0; i++) {
        double t0 = now_ms();
        rc = run(s, &qs[i], &hits);
        printf("%s\t%.4f\t%zu\n", qs[i].kind, now_ms() - t0, hits);
    }
    for (size_t i = 0; i < n; i++)
        free(qs[i].text);
    free(qs);
    ref_searcher_close(s);
    return rc ? 1 : 0;
}
