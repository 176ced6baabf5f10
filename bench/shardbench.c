/* shardbench — query latency over one database or many shards, in-process
 * through the searcher library (no process start-up per query).
 *
 * Usage: shardbench [--facets] [--rounds N] QUERIES DB...
 * QUERIES has one query a line (Referat's query language). Each DB is a
 * database or a stub file; several are searched as one (--db repeated).
 * Every query runs once to warm up, then N rounds (default 10) of every
 * query, asking for the top 10 with snippets (and facets with --facets).
 * Prints: searches, median, p95 and p99 in milliseconds. Exit 0, or 1 on
 * an error (named). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "referat/search.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The Q-quantile of the sorted V[0..N) (nearest rank). */
static double quantile(const double *v, size_t n, double q)
{
    size_t i = (size_t)(q * (double)n + 0.999999);
    return v[i ? i - 1 : 0];
}

static char **read_lines(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char **lines = NULL, buf[4096];
    *n = 0;
    while (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\n")] = '\0';
        if (!buf[0])
            continue;
        char **more = realloc(lines, (*n + 1) * sizeof *more);
        if (!more || !(more[*n] = strdup(buf))) {
            fclose(f);
            free(more ? more : lines);
            return NULL;
        }
        lines = more;
        (*n)++;
    }
    fclose(f);
    return lines;
}

int main(int argc, char **argv)
{
    int facets = 0, rounds = 10, a = 1;
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (strcmp(argv[a], "--facets") == 0)
            facets = 1;
        else if (strcmp(argv[a], "--rounds") == 0 && a + 1 < argc)
            rounds = atoi(argv[++a]);
        else
            break;
    }
    if (argc - a < 2 || rounds < 1) {
        fputs("usage: shardbench [--facets] [--rounds N] QUERIES DB...\n", stderr);
        return 1;
    }
    size_t nq = 0;
    char **queries = read_lines(argv[a], &nq);
    if (!queries || !nq) {
        fprintf(stderr, "shardbench: %s: no queries\n", argv[a]);
        return 1;
    }
    ref_searcher *s = NULL;
    char *err = NULL;
    ref_status st = ref_searcher_open_shards((const char *const *)argv + a + 1,
                                             (size_t)(argc - a - 1), NULL, &s, &err);
    if (st != REF_OK) {
        fprintf(stderr, "shardbench: %s: %s\n", ref_status_str(st), err ? err : "");
        return 1;
    }
    ref_search_opts opts = {.limit = 10, .facets = facets};
    size_t total = nq * (size_t)rounds;
    double *ms = malloc(total * sizeof *ms);
    int rc = ms ? 0 : 1;
    for (int r = -1; rc == 0 && r < rounds; r++) {
        for (size_t i = 0; rc == 0 && i < nq; i++) {
            ref_search_result *res = NULL;
            double t0 = now_ms();
            st = ref_searcher_search(s, queries[i], &opts, &res, &err);
            double t = now_ms() - t0;
            if (st != REF_OK) {
                fprintf(stderr, "shardbench: %s: %s\n", queries[i], err ? err : "");
                rc = 1;
            }
            ref_search_result_free(res);
            if (r >= 0)
                ms[(size_t)r * nq + i] = t;
        }
    }
    if (rc == 0) {
        qsort(ms, total, sizeof *ms, by_value);
        printf("%zu\t%.2f\t%.2f\t%.2f\n", total, quantile(ms, total, 0.5),
               quantile(ms, total, 0.95), quantile(ms, total, 0.99));
    }
    free(ms);
    for (size_t i = 0; i < nq; i++)
        free(queries[i]);
    free(queries);
    ref_searcher_close(s);
    return rc;
}
