/* referat-search — search indexed Danish municipal minutes. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "referat/analysis.h"
#include "referat/buf.h"
#include "referat/explain.h"
#include "referat/export.h"
#include "referat/lexicon.h"
#include "referat/present.h"
#include "referat/search.h"

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
    "  -d, --db PATH          database folder (default: $REFERAT_DB, else ./referat.db)\n"
    "  -b, --decisions        search decisions only: punkter whose Beslutning\n"
    "                         matches, ranked by it, with the snippet from it\n"
    "  -n, --limit N          show at most N hits (default 10; 0 = all)\n"
    "      --offset N         skip the first N hits (for paging)\n"
    "      --sort ORDER       relevance (default), date (oldest first), -date\n"
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
    "      --analyze          print how QUERY's words are analysed (token, stem,\n"
    "                         compound parts and their stems) and exit; with\n"
    "                         --format json one object per token: token, stem,\n"
    "                         parts, part_stems, terms\n"
    "  -h, --help             show this help and exit\n"
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
    "Words also match inside compounds (udbud finds udbudsplanen), in any\n"
    "inflection (budget finds budgettet), spelt with ae/oe/aa for æ/ø/å, and\n"
    "through abbreviations (APV, KB, ØU, KKR, TCG, CF, MED, KL, …).\n"
    "\n"
    "JSON Lines keys: rank, score, id, body, date (YYYY-MM-DD), punkt, title,\n"
    "journal, section, snippet (matches in <mark>…</mark>), snippet_text, matches,\n"
    "source.\n"
    "\n"
    "Exit status: 0 hits found, 1 no hits, 2 usage or query error, 3 database error.\n";

typedef struct cli {
    const char *db_path;
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
} cli;

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
        {NULL, 0, NULL, 0},
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "d:bn:f:o:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            c->db_path = optarg;
            break;
        case 'b':
            c->search.decisions_only = 1;
            break;
        case 'n':
            if (parse_count("--limit", optarg, &c->search.limit) != 0)
                return -1;
            break;
        case 'O':
            if (parse_count("--offset", optarg, &c->search.offset) != 0)
                return -1;
            break;
        case 'S':
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

/* Write R with export.h: to --output or stdout. */
static int run_export(const cli *c, const char *query, const ref_search_result *r)
{
    ref_export_opts eo = {.format = c->export_format,
                          .query = query,
                          .count = r->total,
                          .full = c->full,
                          .csv_sep = c->csv_sep};
    ref_export *ex = NULL;
    char *errmsg = NULL;
    ref_status st = ref_export_open(&eo, c->output, &ex, &errmsg);
    for (size_t i = 0; st == REF_OK && i < r->nhits; i++)
        st = ref_export_hit(ex, &r->hits[i]);
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
        fprintf(stderr, "referat-search: %zu hits written to %s\n", r->nhits, c->output);
    return r->nhits ? EXIT_FOUND : EXIT_NOTHING;
}

static int run(const cli *c, const char *query)
{
    ref_searcher *s = NULL;
    char *errmsg = NULL;
    ref_status st = ref_searcher_open(c->db_path, &s, &errmsg);
    if (st != REF_OK) {
        fprintf(stderr, "referat-search: %s: %s%s%s%s\n", c->db_path, ref_status_str(st),
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
    if (c->exporting) {
        int code = run_export(c, query, r);
        ref_search_result_free(r);
        ref_searcher_close(s);
        return code;
    }
    ref_present_opts po = {.color = c->color, .show_source = 1};
    ref_buf out = REF_BUF_INIT;
    if (r->corrected)
        fprintf(c->json ? stderr : stdout, "Ingen punkter fundet for: %s. Viser resultater for: %s\n\n",
                query, r->suggestion);
    if (!c->json && r->nhits == 0)
        fprintf(stderr, "Ingen punkter fundet for: %s\n", query);
    if (!c->json && r->nhits)
        printf("%u punkter fundet%s\n\n", r->total,
               c->search.decisions_only ? " (beslutninger)" : "");
    for (size_t i = 0; i < r->nhits; i++) {
        ref_buf_reset(&out);
        if (c->json)
            ref_present_json_hit(&out, &r->hits[i]);
        else {
            ref_present_text_hit(&out, &r->hits[i], &po);
            ref_buf_putc(&out, '\n');
        }
        fwrite(out.data, 1, out.len, stdout);
    }
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

int main(int argc, char **argv)
{
    cli c = {.db_path = getenv("REFERAT_DB"),
             .synonyms = getenv("REFERAT_SYNONYMS"),
             .search = {.limit = 10},
             .color = -1};
    if (c.synonyms && !*c.synonyms)
        c.synonyms = NULL;
    if (!c.db_path || !*c.db_path)
        c.db_path = "referat.db";
    if (parse_args(argc, argv, &c) != 0) {
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
    char *query = join_query(argc, argv);
    if (!query || !*query) {
        fputs("referat-search: no QUERY given: name the words to search for\n"
              "Try 'referat-search --help' for more information.\n",
              stderr);
        free(query);
        return EXIT_USAGE;
    }
    int code = c.analyze ? run_analyze(&c, query) : run(&c, query);
    free(query);
    return code;
}
