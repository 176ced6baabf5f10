/* referat-search — search indexed Danish municipal minutes. */
#include <getopt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "referat/analysis.h"
#include "referat/buf.h"
#include "referat/explain.h"
#include "referat/export.h"
#include "referat/cli.h"
#include "referat/i18n.h"
#include "referat/lexicon.h"
#include "referat/present.h"
#include "referat/search.h"
#include "referat/serve.h"
#include "referat/version.h"

enum exit_code {
    EXIT_FOUND = 0,
    EXIT_NOTHING = 1, /* the search ran and found nothing */
    EXIT_USAGE = 2,   /* bad options or a query that cannot be understood */
    EXIT_DB = 3,      /* the database could not be opened or read */
};

static const char usage[] =
    "Usage: referat-search [OPTION]... QUERY...\n"
    "Search Danish municipal meeting minutes indexed by referat-index.\n"
    "\n"
    "Finds the agenda items (punkter) that match QUERY, best first, and shows\n"
    "each with its committee, meeting date, punkt number, title, journal number\n"
    "and the passage that matched. Words of several arguments are one query.\n"
    "\n"
    "Options:\n"
    "  -d, --db PATH          database folder (default: $REFERAT_DB, else ./referat.db),\n"
    "                         or a stub file of 'auto PATH' and 'remote HOST:PORT'\n"
    "                         lines (shards served by xapian-tcpsrv); repeat --db to\n"
    "                         search several as one\n"
    "      --shard-timeout S  a remote shard that takes longer than S seconds fails,\n"
    "                         named (default 10)\n"
    "      --allow-partial    answer from the shards that answer and name the others\n"
    "                         (JSON: a last line {\"missing_shards\": [...]})\n"
    "  -b, --decisions        search decisions only: punkter whose Beslutning\n"
    "                         matches, ranked by it, with the snippet from it\n"
    "  -n, --limit N          show at most N hits (default 10; 0 = all)\n"
    "      --offset N         skip the first N hits (for paging)\n"
    "      --sort ORDER       relevance (default), date (oldest first), -date\n"
    "      --from DATE        only meetings on or after DATE: a year (2015), a month\n"
    "                         (2015-03) or a day (2015-03-12)\n"
    "      --to DATE          only meetings on or before DATE (same forms; --to 2017\n"
    "                         includes all of 2017)\n"
    "      --body NAME        only meetings of that committee, case-insensitive\n"
    "                         (--body chefforum); NAME* for every name starting so;\n"
    "                         repeat for several committees\n"
    "      --municipality NAME  only minutes of that municipality or region, as\n"
    "                         indexed ('Albertslund Kommune'; 'albertslund*');\n"
    "                         repeatable\n"
    "      --outcome LABEL    only punkter whose decision had that outcome: godkendt,\n"
    "                         taget_til_efterretning, udsat, afvist, oversendt,\n"
    "                         droeftet or andet; repeat for any of several\n"
    "      --thread JOURNAL   the case thread (sagsforløb): every punkt with that\n"
    "                         journal number, across committees and years, in date\n"
    "                         order with its outcome (a timeline; QUERY optional,\n"
    "                         exact match after folding case and spaces)\n"
    "  -t, --timeline         decision history: every hit in date order (oldest\n"
    "                         first; --sort -date for newest first), grouped by\n"
    "                         year with the year's count, each with its whole\n"
    "                         decision; no limit unless --limit is given\n"
    "      --snippet          with --timeline: show the matching passage instead\n"
    "                         of the whole decision\n"
    "      --facets           also count all hits (not just those shown) per year,\n"
    "                         committee, section the words matched in,\n"
    "                         municipality and decision outcome;\n"
    "                         with --format json one last line\n"
    "                         {\"facets\": {\"year\": {…}, \"body\": {…}, \"section\": {…},\n"
    "                         \"municipality\": {…}, \"outcome\": {…}}}\n"
    "  -f, --format FORMAT    text (default), json or jsonl (JSON Lines: one hit per\n"
    "                         line), csv (UTF-8 with BOM, ';'-separated, for Excel),\n"
    "                         md (Markdown) or html (a self-contained report)\n"
    "  -o, --output FILE      write the hits to FILE (format from --format, else from\n"
    "                         the name: .csv .jsonl .md .html); FILE.gz is gzipped\n"
    "      --csv-sep C        CSV field separator (default ';'; e.g. --csv-sep ,)\n"
    "      --full             exports carry the full decision text\n"
    "      --color WHEN       highlight matches: auto (default), always, never\n"
    "      --synonyms FILE    more abbreviations/synonyms (default: $REFERAT_SYNONYMS);\n"
    "                         lines 'apv, arbejdspladsvurdering' (two-way) or\n"
    "                         'med => medudvalg' (one-way); '#' starts a comment\n"
    "      --no-correct       search for the words as typed: when nothing is found,\n"
    "                         only suggest a spelling, never search for it\n"
    "      --analyze          print how QUERY's words are analysed (token, stem,\n"
    "                         compound parts and their stems) and exit; with\n"
    "                         --format json one object per token: token, stem,\n"
    "                         parts, part_stems, terms\n"
    "      --serve            serve a search page and JSON API instead (options:\n"
    "                         referat-search --serve --help)\n"
    "  -h, --help             show this help and exit\n"
    "      --version          show the version and exit\n"
    "\n"
    "Query language:\n"
    "  sygefravær udbud       punkter with both words (any inflection)\n"
    "  \"ny organisering\"      the exact phrase\n"
    "  budget OR økonomi      either word (also ELLER)\n"
    "  budget -anlæg          budget but not anlæg (also NOT, IKKE)\n"
    "  budget*                words starting with budget\n"
    "  (a OR b) c             grouping\n"
    "  titel:WORD             in the title; likewise beslutning: indstilling:\n"
    "                         sagsfremstilling: anledning: baggrund: historik: bilag:\n"
    "  udvalg:chefforum       meetings of that body\n"
    "  sagsnr:00.01.00-A00-3-17  that journal number (typing it bare works too)\n"
    "  år:2017, år:2015..2017 meetings in those years\n"
    "  dato:2016-01-01..2018-12-31  meetings in that date range\n"
    "  kommune:albertslund   minutes of that municipality or region (as detected\n"
    "                         from the text or given to referat-index --municipality;\n"
    "                         kommune:\"region hovedstaden\")\n"
    "  udfald:godkendt        punkter whose decision had that outcome (labels as for\n"
    "                         --outcome)\n"
    "  *                      alone: every punkt, to browse by filters and facets\n"
    "                         (referat-search --decisions --outcome udsat --from 2019 '*')\n"
    "Words also match inside compounds (udbud finds udbudsplanen), in any\n"
    "inflection (budget finds budgettet), spelt with ae/oe/aa for æ/ø/å, and\n"
    "through abbreviations (APV, KB, ØU, KKR, TCG, CF, MED, KL, …).\n"
    "\n"
    "JSON Lines keys: rank, score, id, body, date (YYYY-MM-DD), punkt, title,\n"
    "journal, section, snippet (matches in <mark>…</mark>), snippet_text, matches,\n"
    "outcome (the decision's outcome labels, [] without a decision), source,\n"
    "municipality, unstructured (true for a page or file indexed without\n"
    "punkter) and, for PDF, page.\n"
    "\n"
    "Exit status: 0 hits found, 1 no hits, 2 usage or query error, 3 database error.\n";

typedef struct cli {
    const char *db_path;         /* the first --db, or the default */
    const char **db_paths;       /* every --db (argv strings; the array is ours) */
    size_t ndb_paths;
    ref_shard_opts shards;
    const char *synonyms;
    ref_search_opts search;
    int json;
    int exporting;               /* write with export.h (csv, md, html, or to --output) */
    ref_export_format export_format;
    const char *output;          /* --output FILE; NULL = stdout */
    char csv_sep;
    int full;                    /* --full: the whole decision in exports */
    int analyze; /* --analyze: show the analysis of the arguments instead */
    int color;   /* -1 auto */
    int timeline;      /* --timeline */
    int snippet;       /* --snippet: timeline shows snippets, not decisions */
    int limit_given;   /* --limit was on the command line */
    int sort_given;
    const char **bodies; /* --body values (argv strings; the array is ours) */
    const char **municipalities; /* --municipality values, likewise */
    const char **outcomes;       /* --outcome values, likewise */
    const char *thread;          /* --thread JOURNAL */
} cli;

/* --version, GNU style: program, package and version, then what it runs on. */
static void print_version(const char *program)
{
    printf("%s (Referat) %s\nXapian %s\n", program, REF_VERSION, ref_xdb_version());
}

/* "Ingen punkter med alle ordene; …" with the words the hits lack. */
static void print_partial_notice(FILE *f, const ref_search_result *r)
{
    fprintf(f, "Ingen punkter med alle ordene; viser de bedste delvise træf — mangler: ");
    for (const char *w = r->missing; w && *w;) {
        size_t n = strcspn(w, " ");
        fprintf(f, "%s%.*s", w == r->missing ? "" : ", ", (int)n, w);
        w += n + (w[n] == ' ');
    }
    fprintf(f, "\n\n");
}

/* "0 punkter i Chefforum 2016–2021; 1 uden filtrene": the filters, not the
 * words, left nothing. */
static void print_filtered_notice(FILE *f, const cli *c, const ref_search_result *r)
{
    fprintf(f, "0 %s", c->search.decisions_only ? "beslutninger" : "punkter");
    for (size_t i = 0; i < c->search.nbodies; i++) {
        const char *b = c->search.bodies[i];
        fprintf(f, "%s%c%s", i ? ", " : " i ",
                b[0] >= 'a' && b[0] <= 'z' ? b[0] - 'a' + 'A' : b[0], b[0] ? b + 1 : "");
    }
    for (size_t i = 0; i < c->search.nmunicipalities; i++)
        fprintf(f, "%s%s", i || c->search.nbodies ? ", " : " i ", c->search.municipalities[i]);
    if (c->search.date_from || c->search.date_to)
        fprintf(f, " %s–%s", c->search.date_from ? c->search.date_from : "",
                c->search.date_to ? c->search.date_to : "");
    fprintf(f, "; %u uden filtrene\n", r->unfiltered_total);
}

static int parse_count(const char *opt, const char *arg, uint32_t *out)
{
    char *end;
    long long n = strtoll(arg, &end, 10);
    if (!*arg || *end || n < 0 || n > 100000000) {
        fprintf(stderr, "referat-search: %s: expected a whole number >= 0, got '%s'\n", opt, arg);
        return -1;
    }
    *out = (uint32_t)n;
    return 0;
}

static int parse_args(int argc, char **argv, cli *c)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},     {"decisions", no_argument, NULL, 'b'},
        {"limit", required_argument, NULL, 'n'},  {"offset", required_argument, NULL, 'O'},
        {"sort", required_argument, NULL, 'S'},   {"format", required_argument, NULL, 'f'},
        {"color", required_argument, NULL, 'C'},  {"colour", required_argument, NULL, 'C'},
        {"synonyms", required_argument, NULL, 'Y'}, {"analyze", no_argument, NULL, 'A'},
        {"output", required_argument, NULL, 'o'},  {"csv-sep", required_argument, NULL, 'P'},
        {"full", no_argument, NULL, 'U'}, {"help", no_argument, NULL, 'h'},
        {"from", required_argument, NULL, 'F'}, {"to", required_argument, NULL, 'T'},
        {"body", required_argument, NULL, 'B'}, {"timeline", no_argument, NULL, 't'},
        {"snippet", no_argument, NULL, 'N'},    {"facets", no_argument, NULL, 'G'},
        {"municipality", required_argument, NULL, 'M'},
        {"shard-timeout", required_argument, NULL, 'W'},
        {"allow-partial", no_argument, NULL, 'Q'}, {"version", no_argument, NULL, 'V'},
        {"outcome", required_argument, NULL, 'X'}, {"thread", required_argument, NULL, 'J'},
        {"no-correct", no_argument, NULL, 'K'},
        {NULL, 0, NULL, 0},
    };
    /* Room for every --body argv could hold. */
    c->bodies = calloc((size_t)argc + 1, sizeof *c->bodies);
    c->municipalities = calloc((size_t)argc + 1, sizeof *c->municipalities);
    c->db_paths = calloc((size_t)argc + 1, sizeof *c->db_paths);
    c->outcomes = calloc((size_t)argc + 1, sizeof *c->outcomes);
    if (!c->bodies || !c->municipalities || !c->db_paths || !c->outcomes)
        return -1;
    c->search.outcomes = c->outcomes;
    c->search.bodies = c->bodies;
    c->search.municipalities = c->municipalities;
    int ch;
    while ((ch = getopt_long(argc, argv, "d:bn:f:o:th", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            c->db_paths[c->ndb_paths++] = optarg;
            break;
        case 'W':
            if (ref_shard_timeout_parse(optarg, &c->shards.timeout_ms) != REF_OK) {
                fprintf(stderr, "referat-search: --shard-timeout: expected seconds > 0 "
                                "(e.g. 2 or 0.5), got '%s'\n", optarg);
                return -1;
            }
            break;
        case 'Q':
            c->shards.allow_partial = 1;
            break;
        case 'V':
            print_version("referat-search");
            exit(EXIT_FOUND);
        case 'b':
            c->search.decisions_only = 1;
            break;
        case 'n':
            if (parse_count("--limit", optarg, &c->search.limit) != 0)
                return -1;
            c->limit_given = 1;
            break;
        case 'F':
            c->search.date_from = optarg;
            break;
        case 'T':
            c->search.date_to = optarg;
            break;
        case 'B':
            c->bodies[c->search.nbodies++] = optarg;
            break;
        case 'M':
            c->municipalities[c->search.nmunicipalities++] = optarg;
            break;
        case 'X':
            c->outcomes[c->search.noutcomes++] = optarg;
            break;
        case 'J':
            c->thread = optarg;
            c->search.journal = optarg;
            break;
        case 't':
            c->timeline = 1;
            break;
        case 'N':
            c->snippet = 1;
            break;
        case 'G':
            c->search.facets = 1;
            break;
        case 'K':
            c->search.no_correct = 1;
            break;
        case 'O':
            if (parse_count("--offset", optarg, &c->search.offset) != 0)
                return -1;
            break;
        case 'S':
            c->sort_given = 1;
            if (strcmp(optarg, "relevance") == 0)
                c->search.sort = REF_SORT_RELEVANCE;
            else if (strcmp(optarg, "date") == 0)
                c->search.sort = REF_SORT_DATE;
            else if (strcmp(optarg, "-date") == 0)
                c->search.sort = REF_SORT_DATE_DESC;
            else {
                fprintf(stderr, "referat-search: --sort: expected relevance, date or -date, "
                                "got '%s'\n",
                        optarg);
                return -1;
            }
            break;
        case 'f':
            c->json = 0;
            c->exporting = 0;
            if (strcmp(optarg, "json") == 0 || strcmp(optarg, "jsonl") == 0)
                c->json = 1;
            else if (strcmp(optarg, "text") == 0)
                ;
            else if (ref_export_format_from_name(optarg, &c->export_format) == REF_OK)
                c->exporting = 1;
            else {
                fprintf(stderr, "referat-search: --format: expected text, json, jsonl, csv, md "
                                "or html, got '%s'\n",
                        optarg);
                return -1;
            }
            break;
        case 'o':
            c->output = optarg;
            break;
        case 'P':
            if (strlen(optarg) != 1) {
                fprintf(stderr, "referat-search: --csv-sep: expected one character\n");
                return -1;
            }
            c->csv_sep = optarg[0];
            break;
        case 'U':
            c->full = 1;
            break;
        case 'C':
            if (strcmp(optarg, "always") == 0)
                c->color = 1;
            else if (strcmp(optarg, "never") == 0)
                c->color = 0;
            else if (strcmp(optarg, "auto") == 0)
                c->color = -1;
            else {
                fprintf(stderr, "referat-search: --color: expected auto, always or never\n");
                return -1;
            }
            break;
        case 'Y':
            c->synonyms = optarg;
            break;
        case 'A':
            c->analyze = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            exit(EXIT_FOUND);
        default:
            return -1;
        }
    }
    return 0;
}

/* All remaining arguments, joined by spaces, are the query. */
static char *join_query(int argc, char **argv)
{
    ref_buf q = REF_BUF_INIT;
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            ref_buf_putc(&q, ' ');
        ref_buf_puts(&q, argv[i]);
    }
    return ref_buf_detach(&q);
}

/* --analyze: what the analysis chain makes of TEXT, as indexing and
 * querying see it. */
static int run_analyze(const cli *c, const char *text)
{
    ref_analyzer *an = NULL;
    ref_lexicon *lex = NULL;
    ref_status st = ref_lexicon_open_builtin(&lex);
    if (st == REF_OK)
        st = ref_analyzer_new(&an);
    ref_buf out = REF_BUF_INIT;
    if (st == REF_OK)
        st = ref_explain_analysis(&out, an, lex, text, strlen(text), c->json);
    if (st == REF_OK)
        fwrite(out.data, 1, out.len, stdout);
    else
        fprintf(stderr, "referat-search: --analyze: %s\n", ref_status_str(st));
    ref_buf_free(&out);
    ref_analyzer_free(an);
    ref_lexicon_free(lex);
    return st == REF_OK ? EXIT_FOUND : EXIT_DB;
}

/* 1 if HIT's year differs from *YEAR (then *YEAR becomes it): a timeline
 * starts a new group. "" for a hit without a date. */
static int year_changed(const ref_hit *hit, char year[5])
{
    char y[5] = "";
    if (strlen(hit->record->date) >= 4)
        memcpy(y, hit->record->date, 4);
    if (strcmp(y, year) == 0 && year[0] != '?')
        return 0;
    memcpy(year, y, 5);
    return 1;
}

/* The number of hits in YEAR over the whole result (the year facet). */
static uint32_t year_count(const ref_search_result *r, const char *year)
{
    const ref_facet *f = &r->facets[REF_FACET_YEAR];
    for (size_t i = 0; i < f->nvalues; i++)
        if (strcmp(f->values[i].value, year) == 0)
            return f->values[i].count;
    return 0;
}

/* "2017: 3 beslutninger" — a timeline's group heading and count line. */
static void year_label(const cli *c, const ref_search_result *r, const char *year, char *out,
                       size_t size)
{
    uint32_t n = year[0] ? year_count(r, year) : 0;
    const char *what = c->search.decisions_only ? (n == 1 ? "beslutning" : "beslutninger")
                                                : (n == 1 ? "punkt" : "punkter");
    if (year[0])
        snprintf(out, size, "%s: %u %s", year, n, what);
    else
        snprintf(out, size, "Uden dato");
}

typedef struct timeline_groups {
    const cli *c;
    const ref_search_result *r;
    char year[5];
} timeline_groups;

/* ref_export_group_fn: a timeline's year headings. */
static const char *timeline_group(void *ctx, const ref_hit *hit, char *label, size_t size)
{
    timeline_groups *g = ctx;
    if (!year_changed(hit, g->year))
        return NULL;
    year_label(g->c, g->r, g->year, label, size);
    return label;
}

/* Write R with export.h: to --output or stdout. */
static int run_export(const cli *c, const char *query, const ref_search_result *r,
                      const char *source_root)
{
    ref_buf filters = REF_BUF_INIT;
    ref_export_describe_filters(&filters, &c->search);
    ref_export_opts eo = {.format = c->export_format,
                          .query = query,
                          .count = r->total,
                          .count_known = 1,
                          /* A decisions search is about the decisions:
                           * every format carries them whole. */
                          .full =
                              c->full || c->search.decisions_only || (c->timeline && !c->snippet),
                          .csv_sep = c->csv_sep,
                          .filters = ref_buf_cstr(&filters),
                          .exported_at = ref_export_now(),
                          .source_root = source_root};
    ref_export *ex = NULL;
    char *errmsg = NULL;
    ref_status st = ref_export_open(&eo, c->output, &ex, &errmsg);
    timeline_groups g = {.c = c, .r = r};
    if (st == REF_OK)
        st = ref_export_hits(ex, r->hits, r->nhits, c->search.sort != REF_SORT_RELEVANCE,
                             c->timeline ? timeline_group : NULL, &g);
    ref_buf_free(&filters);
    if (st == REF_OK)
        st = ref_export_close(ex, &errmsg);
    else
        ref_export_abort(ex);
    if (st != REF_OK) {
        fprintf(stderr, "referat-search: export: %s\n", errmsg ? errmsg : ref_status_str(st));
        free(errmsg);
        return EXIT_DB;
    }
    if (c->output)
        fprintf(stderr, "%zu %s skrevet til %s\n", r->nhits, r->nhits == 1 ? "punkt" : "punkter",
                c->output);
    return r->nhits ? EXIT_FOUND : EXIT_NOTHING;
}

/* Move the hits without a date after the dated ones, keeping both in
 * order: a list in date order ends with them, under "Uden dato" (as
 * export.h's ref_export_hits does for files). */
static void undated_last(ref_search_result *r)
{
    ref_hit *sorted = malloc(r->nhits * sizeof *sorted);
    if (!sorted)
        return; /* the order stays as the index gave it */
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < r->nhits; i++)
            if ((r->hits[i].record->date[0] != '\0') == (pass == 0))
                sorted[n++] = r->hits[i];
    memcpy(r->hits, sorted, n * sizeof *sorted);
    free(sorted);
}

/* With --allow-partial, say which shards the answer lacks: in JSON one
 * last line {"missing_shards": [...]}, else a warning on stderr. */
static void report_missing_shards(const ref_search_result *r, int json)
{
    if (!r->missing_shards)
        return;
    ref_buf out = REF_BUF_INIT;
    ref_buf_puts(&out, json ? "{\"missing_shards\": [" : "referat-search: shards missing from this answer: ");
    const char *name = r->missing_shards;
    for (int first = 1; *name; first = 0) {
        const char *end = strchr(name, '\n');
        size_t len = end ? (size_t)(end - name) : strlen(name);
        if (!first)
            ref_buf_puts(&out, ", ");
        if (json)
            ref_json_string(&out, name, len);
        else
            ref_buf_append(&out, name, len);
        name += len + (end != NULL);
    }
    ref_buf_puts(&out, json ? "]}\n" : "\n");
    if (ref_buf_status(&out) == REF_OK)
        fwrite(out.data, 1, out.len, json ? stdout : stderr);
    ref_buf_free(&out);
}

static int run(const cli *c, const char *query, int show_facets)
{
    ref_searcher *s = NULL;
    char *errmsg = NULL;
    ref_status st = ref_searcher_open_shards(c->db_paths, c->ndb_paths, &c->shards, &s, &errmsg);
    if (st != REF_OK) {
        fprintf(stderr, "referat-search: %s%s: %s%s%s%s\n", c->db_path,
                c->ndb_paths > 1 ? ", …" : "", ref_status_str(st),
                st == REF_EDB_NOTFOUND ? " (index minutes first: referat-index --db PATH FOLDER)"
                                       : "",
                st != REF_EDB_NOTFOUND && errmsg && *errmsg ? ": " : "",
                st != REF_EDB_NOTFOUND && errmsg ? errmsg : "");
        free(errmsg);
        return EXIT_DB;
    }
    if (c->synonyms) {
        size_t line = 0;
        st = ref_searcher_load_synonyms(s, c->synonyms, &line);
        if (st != REF_OK) {
            if (line)
                fprintf(stderr, "referat-search: %s:%zu: expected 'a, b, c' or 'a => b, c'\n",
                        c->synonyms, line);
            else
                fprintf(stderr, "referat-search: %s: %s\n", c->synonyms, ref_status_str(st));
            ref_searcher_close(s);
            return EXIT_USAGE;
        }
    }
    ref_search_result *r = NULL;
    st = ref_searcher_search(s, query, &c->search, &r, &errmsg);
    if (st != REF_OK) {
        fprintf(stderr, "referat-search: %s\n", errmsg ? errmsg : ref_status_str(st));
        free(errmsg);
        ref_searcher_close(s);
        return st == REF_EQUERY ? EXIT_USAGE : EXIT_DB;
    }
    char *root = NULL;
    if (c->exporting && ref_searcher_source_root(s, &root) != REF_OK)
        root = NULL; /* sources as stored */
    if (c->exporting) {
        report_missing_shards(r, 0);
        int code = run_export(c, query, r, root);
        free(root);
        ref_search_result_free(r);
        ref_searcher_close(s);
        return code;
    }
    if (c->json && c->timeline && !c->snippet) {
        /* JSON Lines with the whole decision: the exporter's jsonl. */
        cli jc = *c;
        jc.export_format = REF_EXPORT_JSONL;
        jc.output = NULL;
        int code = run_export(&jc, query, r, NULL);
        if (code != EXIT_DB && show_facets) {
            ref_buf f = REF_BUF_INIT;
            ref_present_json_facets(&f, r);
            if (ref_buf_status(&f) == REF_OK) {
                fwrite(f.data, 1, f.len, stdout);
            } else {
                fprintf(stderr, "referat-search: %s\n", ref_status_str(REF_ENOMEM));
                code = EXIT_DB;
            }
            ref_buf_free(&f);
        }
        report_missing_shards(r, 1);
        ref_search_result_free(r);
        ref_searcher_close(s);
        return fflush(stdout) != 0 ? EXIT_DB : code;
    }
    if (c->search.sort != REF_SORT_RELEVANCE)
        undated_last(r);
    ref_present_opts po = {.color = c->color, .show_source = 1};
    ref_buf out = REF_BUF_INIT;
    if (r->corrected)
        fprintf(c->json ? stderr : stdout,
                "Ingen punkter fundet for: %s. Viser resultater for: %s "
                "(--no-correct søger kun efter det skrevne)\n\n",
                query, r->suggestion);
    if (r->partial)
        print_partial_notice(c->json ? stderr : stdout, r);
    if (!c->json && r->nhits == 0 && r->unfiltered_total)
        print_filtered_notice(stderr, c, r);
    else if (!c->json && r->nhits == 0)
        fprintf(stderr, "Ingen punkter fundet for: %s\n", query);
    if (!c->json && r->nhits)
        printf("%u %s fundet%s%s\n\n", r->total, r->total == 1 ? "punkt" : "punkter",
               c->search.decisions_only ? " (beslutninger)" : "",
               c->timeline ? ", i datoorden" : "");
    if (r->undated_left_out) /* JSON keeps stdout for hits: the note goes to stderr */
        fprintf(c->json ? stderr : stdout,
                "%u %s uden dato er ikke med (datofilteret kan ikke nå dem)\n\n",
                r->undated_left_out, r->undated_left_out == 1 ? "punkt" : "punkter");
    char year[5] = "?", label[96];
    for (size_t i = 0; i < r->nhits; i++) {
        ref_buf_reset(&out);
        if (c->json) {
            ref_present_json_hit(&out, &r->hits[i]);
        } else if (c->timeline) {
            if (year_changed(&r->hits[i], year)) {
                year_label(c, r, year, label, sizeof label);
                ref_buf_printf(&out, "%s== %s ==%s\n\n", c->color ? "\033[1m" : "", label,
                               c->color ? "\033[0m" : "");
            }
            ref_present_text_timeline_hit(&out, &r->hits[i], &po, !c->snippet);
            ref_buf_putc(&out, '\n');
        } else {
            ref_present_text_hit(&out, &r->hits[i], &po);
            if (r->hits[i].missing)
                ref_buf_printf(&out, "   mangler: %s\n", r->hits[i].missing);
            ref_buf_putc(&out, '\n');
        }
        if (ref_buf_status(&out) != REF_OK)
            break;
        fwrite(out.data, 1, out.len, stdout);
    }
    if (c->timeline && !c->json && r->nhits < r->total)
        printf("(viser %zu af %u; --limit 0 viser alle)\n\n", r->nhits, r->total);
    if (r->has_facets && show_facets && ref_buf_status(&out) == REF_OK) {
        ref_buf_reset(&out);
        if (c->json)
            ref_present_json_facets(&out, r);
        else
            ref_present_text_facets(&out, r);
        if (ref_buf_status(&out) == REF_OK)
            fwrite(out.data, 1, out.len, stdout);
    }
    /* A hit or the facets that could not be built end the output there,
     * with an error, never with success. */
    if (ref_buf_status(&out) != REF_OK) {
        fprintf(stderr, "referat-search: %s\n", ref_status_str(REF_ENOMEM));
        ref_buf_free(&out);
        ref_search_result_free(r);
        ref_searcher_close(s);
        return EXIT_DB;
    }
    report_missing_shards(r, c->json);
    /* In JSON Lines every stdout line is a hit; the suggestion goes to
     * stderr there. */
    if (r->suggestion && !r->corrected)
        fprintf(c->json ? stderr : stdout, "Mente du: %s\n", r->suggestion);
    int code = r->nhits ? EXIT_FOUND : EXIT_NOTHING;
    ref_buf_free(&out);
    ref_search_result_free(r);
    ref_searcher_close(s);
    if (fflush(stdout) != 0)
        return EXIT_DB;
    return code;
}

static int cli_main(cli *cp, int argc, char **argv)
{
    cli c = *cp;
    if (c.synonyms && !*c.synonyms)
        c.synonyms = NULL;
    if (!c.db_path || !*c.db_path)
        c.db_path = "referat.db";
    int parsed = parse_args(argc, argv, &c);
    cp->bodies = c.bodies; /* main frees them */
    cp->municipalities = c.municipalities;
    cp->outcomes = c.outcomes;
    cp->db_paths = c.db_paths;
    if (parsed == 0 && c.ndb_paths == 0)
        c.db_paths[c.ndb_paths++] = c.db_path;
    if (parsed == 0)
        c.db_path = c.db_paths[0];
    if (parsed != 0) {
        fputs("Try 'referat-search --help' for more information.\n", stderr);
        return EXIT_USAGE;
    }
    if (c.output && !c.exporting) {
        /* --output without an export format: JSON Lines if asked, else
         * what the file name says. */
        if (c.json)
            c.export_format = REF_EXPORT_JSONL;
        else if (ref_export_format_from_path(c.output, &c.export_format) != REF_OK) {
            fprintf(stderr, "referat-search: --output %s: give --format csv, jsonl, md or html "
                            "(the name does not say)\n",
                    c.output);
            return EXIT_USAGE;
        }
        c.exporting = 1;
    }
    if (c.color < 0)
        c.color = !c.json && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    if (c.snippet && !c.timeline) {
        fputs("referat-search: --snippet goes with --timeline (other output shows snippets)\n",
              stderr);
        return EXIT_USAGE;
    }
    /* A case thread is a timeline of every punkt with the journal number. */
    if (c.thread)
        c.timeline = 1;
    if (c.timeline) {
        /* The decision history: in date order, all of it, with per-year
         * counts from the year facet. */
        if (!c.sort_given)
            c.search.sort = REF_SORT_DATE;
        else if (c.search.sort == REF_SORT_RELEVANCE) {
            fputs("referat-search: --timeline lists in date order: use --sort date or -date\n",
                  stderr);
                return EXIT_USAGE;
        }
        if (!c.limit_given)
            c.search.limit = 0;
    }
    /* An export is the whole search unless --limit says otherwise. */
    if (c.exporting && !c.limit_given)
        c.search.limit = 0;
    int show_facets = c.search.facets;
    if (c.timeline)
        c.search.facets = 1;
    char *query = join_query(argc, argv);
    if (query && !*query && c.thread) {
        free(query);
        query = strdup("*");
    }
    if (!query || !*query) {
        fputs("referat-search: no QUERY given: name the words to search for\n"
              "Try 'referat-search --help' for more information.\n",
              stderr);
        free(query);
        return EXIT_USAGE;
    }
    int code = c.analyze ? run_analyze(&c, query) : run(&c, query, show_facets);
    free(query);
    return code;
}

int main(int argc, char **argv)
{
    /* The web server has options and help of its own (serve.h). */
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--serve") == 0)
            return ref_serve_main(argc, argv);
    /* The command line follows LANG (i18n.h); the web pages are Danish
     * whatever the server's environment, so the server does not ask. */
    ref_i18n_init(argv[0]);
    cli c = {.db_path = getenv("REFERAT_DB"),
             .synonyms = getenv("REFERAT_SYNONYMS"),
             .search = {.limit = 10},
             .color = -1};
    int code = cli_main(&c, argc, argv);
    free(c.bodies);
    free(c.municipalities);
    free(c.db_paths);
    free(c.outcomes);
    return ref_cli_close_stdout("referat-search", code, EXIT_DB);
}
