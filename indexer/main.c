/* referat-index — index Danish municipal minutes for referat-search. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "referat/buf.h"
#include "referat/indexer.h"
#include "referat/minutes.h"
#include "referat/reader.h"
#include "referat/progress.h"
#include "referat/version.h"

enum exit_code {
    EXIT_OK = 0,
    EXIT_SKIPPED = 1, /* the run completed, but some files were not indexed */
    EXIT_USAGE = 2,
    EXIT_DB = 3,      /* the database could not be opened or written */
    EXIT_LOCKED = 4,  /* another indexer is writing the database */
};

static const char usage[] =
    "Usage: referat-index [OPTION]... [--municipality NAME] PATH...\n"
    "  or:  referat-index --explain FILE\n"
    "  or:  referat-index --compact [--db PATH] [--output PATH [--single-file]]\n"
    "Index Danish municipal meeting minutes (referater) for referat-search.\n"
    "\n"
    "Each PATH is a minutes file or a folder, searched recursively for .txt,\n"
    ".md, .markdown, .pdf, .html and .htm files and their gzip-compressed forms\n"
    "(.gz). PDF is read page by page (the page of each passage is kept); HTML\n"
    "is read for its visible text (scripts, styles, navigation, headers and\n"
    "footers left out). Every agenda item (punkt) becomes one searchable\n"
    "document; a file in which no punkter are recognised is still indexed, one\n"
    "document per PDF page or per file, marked unstructured. Closed items\n"
    "(\"Lukket punkt\") are indexed by their title only. Files already indexed and\n"
    "unchanged are skipped: same size and modification time, or same size and\n"
    "same content (a hash) when only the time changed; changed files are\n"
    "re-indexed, replacing their old punkter; files that disappeared from an\n"
    "indexed folder have their punkter removed.\n"
    "\n"
    "Options:\n"
    "  -d, --db PATH          database folder (default: $REFERAT_DB, else ./referat.db)\n"
    "  -m, --municipality NAME  the files of the PATHs after this option belong to\n"
    "                         municipality NAME (searchable as kommune:NAME),\n"
    "                         whatever their text says; without it the\n"
    "                         municipality is the one the text names most often\n"
    "                         (\"Albertslund Kommune\", \"Region Hovedstaden\").\n"
    "                         Give it again before other PATHs; \"\" goes back to\n"
    "                         detecting. Unchanged files keep what they were\n"
    "                         indexed with: add --full after changing it\n"
    "      --explain FILE     print what the parser understood of FILE (meeting,\n"
    "                         municipality, each punkt with number, title, journal\n"
    "                         number, closed or not, its sections with their\n"
    "                         first words, the page headers and footers left out,\n"
    "                         structured or not) and exit; the database is not\n"
    "                         opened\n"
    "      --full             re-index every file, changed or not\n"
    "      --commit-every N   commit after every N files (default 200); a killed\n"
    "                         run keeps everything up to its last commit\n"
    "      --threads N        worker threads that read, parse and analyse files for\n"
    "                         the one database writer (default: one per CPU, at\n"
    "                         most 8); results are the same for any N\n"
    "  -q, --quiet            print only problems and the summary line; without it,\n"
    "                         on a terminal, a progress bar shows files, MB, MB/s\n"
    "                         and the time left (not a terminal: no bar)\n"
    "  -v, --verbose          print a line for every file, and \"committed\" each\n"
    "                         time the files listed so far became durable\n"
    "  -h, --help             show this help and exit\n"
    "      --version          show the version and exit\n"
    "\n"
    "Compaction:\n"
    "      --compact          rewrite the database compacted (Xapian's compaction):\n"
    "                         smaller and faster to search; prints the saving. It\n"
    "                         needs the writer's lock: while an indexer runs it\n"
    "                         stops with exit 4. Indexing later works as before.\n"
    "      --output PATH      with --compact: write the compacted copy to PATH (which\n"
    "                         must not exist) and leave the database as it is\n"
    "      --single-file      with --output: one read-only file instead of a folder,\n"
    "                         for shipping; referat-search --db opens it as it is\n"
    "\n"
    "Files that cannot be indexed (missing, unreadable, empty, binary, damaged\n"
    "or encrypted PDF) are reported with their path and skipped; the rest of the\n"
    "run goes on. Text that is not UTF-8 (Latin-1, UTF-16) is converted, with a\n"
    "warning naming the encoding assumed. The summary line counts the files\n"
    "indexed structured (punkter recognised) and unstructured.\n"
    "\n"
    "Exit status:\n"
    "  0  every file was indexed (--explain: FILE was read and explained;\n"
    "     --compact: the database was compacted)\n"
    "  1  the run completed, but some files were skipped (see the messages);\n"
    "     --explain: FILE could not be read\n"
    "  2  usage error\n"
    "  3  the database could not be opened, written or compacted\n"
    "  4  the database is locked by another indexer\n";

typedef struct progress {
    int quiet, verbose, tty;
    double started;
    int line_open; /* a progress line is on screen and must be cleared */
    ref_progress_totals total, done; /* from the pre-walk; so far */
    double last_drawn;
    ref_buf line;
} progress;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void clear_line(progress *p)
{
    if (p->line_open) {
        fputs("\r\033[K", stderr);
        p->line_open = 0;
    }
}

static void on_event(void *ctx, const ref_index_event *ev)
{
    progress *p = ctx;
    switch (ev->kind) {
    case REF_INDEX_FILE_SKIPPED: {
        clear_line(p);
        /* No "file is empty: file is empty": a detail that repeats the
         * status adds nothing. */
        const char *why = ref_status_str(ev->status);
        const char *detail = ev->message && strcmp(ev->message, why) != 0 ? ev->message : NULL;
        if (ev->line)
            fprintf(stderr, "referat-index: %s:%zu: skipped: %s%s%s\n", ev->path, ev->line, why,
                    detail ? ": " : "", detail ? detail : "");
        else
            fprintf(stderr, "referat-index: %s: skipped: %s%s%s\n", ev->path, why,
                    detail ? ": " : "", detail ? detail : "");
        break;
    }
    case REF_INDEX_WARNING:
        if (p->quiet)
            break;
        clear_line(p);
        if (ev->line)
            fprintf(stderr, "referat-index: %s:%zu: warning: %s\n", ev->path, ev->line,
                    ev->message);
        else
            fprintf(stderr, "referat-index: %s: warning: %s\n", ev->path, ev->message);
        break;
    case REF_INDEX_FILE_DONE:
        if (p->verbose) {
            clear_line(p);
            fprintf(stderr, "indexed %s: %zu punkter\n", ev->path, ev->npunkter);
        }
        break;
    case REF_INDEX_FILE_UNCHANGED:
        if (p->verbose) {
            clear_line(p);
            fprintf(stderr, "unchanged %s\n", ev->path);
        }
        break;
    case REF_INDEX_FILE_REMOVED:
        if (!p->quiet) {
            clear_line(p);
            fprintf(stderr, "removed %s (%zu punkter): the file is gone\n", ev->path,
                    ev->npunkter);
        }
        break;
    case REF_INDEX_COMMIT:
        /* Tells a log (and tests/e2e_crash.py) that every file reported
         * "indexed" above is now durable. */
        if (p->verbose) {
            clear_line(p);
            fputs("committed\n", stderr);
        }
        break;
    }
}

/* The bar, redrawn at most ten times a second (a slow terminal must not
 * slow the indexer). */
static void show_progress(progress *p, const ref_index_event *ev, int force)
{
    if (p->quiet || !p->tty)
        return;
    struct stat sb;
    if (ev && ev->path && stat(ev->path, &sb) == 0) {
        p->done.files++;
        p->done.bytes += (uint64_t)sb.st_size;
    }
    double t = now();
    if (!force && t - p->last_drawn < 0.1)
        return;
    p->last_drawn = t;
    struct winsize ws;
    unsigned width = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col ? ws.ws_col : 80;
    ref_progress_format(&p->line, &p->done, &p->total, t - p->started, width - 1);
    fprintf(stderr, "\r\033[K%s", ref_buf_cstr(&p->line));
    p->line_open = 1;
}

typedef struct progress_event_ctx {
    progress *p;
    ref_indexer *ix;
} progress_event_ctx;

static void on_event_with_progress(void *ctx, const ref_index_event *ev)
{
    progress_event_ctx *c = ctx;
    on_event(c->p, ev);
    if (ev->kind == REF_INDEX_FILE_DONE || ev->kind == REF_INDEX_FILE_UNCHANGED ||
        ev->kind == REF_INDEX_FILE_SKIPPED)
        show_progress(c->p, ev, 0);
}

static int exit_for(ref_status st)
{
    return st == REF_EDB_LOCKED ? EXIT_LOCKED : EXIT_DB;
}

/* A PATH to index and the --municipality given before it (or NULL). */
typedef struct index_path {
    const char *path;
    const char *municipality;
} index_path;

static int run(const char *db_path, ref_index_opts *opts, progress *p, const index_path *paths,
               int npaths)
{
    progress_event_ctx ctx = {p, NULL};
    opts->on_event = on_event_with_progress;
    opts->event_ctx = &ctx;
    ref_indexer *ix = NULL;
    char *errmsg = NULL;
    ref_status st = ref_indexer_open(db_path, opts, &ix, &errmsg);
    if (st != REF_OK) {
        fprintf(stderr, "referat-index: %s: %s%s%s\n", db_path, ref_status_str(st),
                errmsg && *errmsg ? ": " : "", errmsg ? errmsg : "");
        free(errmsg);
        return exit_for(st);
    }
    ctx.ix = ix;
    if (p->tty && !p->quiet) {
        for (int i = 0; i < npaths; i++)
            ref_progress_prewalk(paths[i].path, &p->total);
        show_progress(p, NULL, 1);
    }
    for (int i = 0; st == REF_OK && i < npaths; i++) {
        st = ref_indexer_set_municipality(ix, paths[i].municipality);
        if (st == REF_OK)
            st = ref_indexer_add_path(ix, paths[i].path);
    }
    if (st == REF_OK)
        st = ref_indexer_finish(ix);
    clear_line(p);
    const ref_index_stats *s = ref_indexer_stats(ix);
    double secs = now() - p->started;
    if (st != REF_OK) {
        fprintf(stderr, "referat-index: %s: %s: %s\n", db_path, ref_status_str(st),
                ref_indexer_errmsg(ix));
        ref_indexer_free(ix);
        return exit_for(st);
    }
    fprintf(stderr,
            "referat-index: %llu files indexed (%llu punkter, %.1f MB) in %.2f s; "
            "%llu structured, %llu unstructured; "
            "%llu unchanged, %llu skipped, %llu removed, %llu warnings\n",
            (unsigned long long)s->files_indexed, (unsigned long long)s->punkter, s->bytes / 1e6,
            secs, (unsigned long long)s->files_structured,
            (unsigned long long)s->files_unstructured, (unsigned long long)s->files_unchanged,
            (unsigned long long)s->files_skipped, (unsigned long long)s->files_removed,
            (unsigned long long)s->warnings);
    if (s->analyser_rebuild)
        fprintf(stderr, "referat-index: %s was built by an older analyser: rebuilt in full\n",
                db_path);
    int code = s->files_skipped ? EXIT_SKIPPED : EXIT_OK;
    ref_indexer_free(ix);
    return code;
}

/* --explain FILE: read and parse FILE as the indexer does, print the
 * parser's account of it. */
static int explain(const char *path)
{
    ref_text text;
    const char *detail = NULL;
    ref_status st = ref_text_read_file(path, 0, &text, &detail);
    if (st != REF_OK) {
        fprintf(stderr, "referat-index: %s: %s%s%s\n", path, ref_status_str(st),
                detail ? ": " : "", detail ? detail : "");
        return EXIT_SKIPPED;
    }
    ref_meeting *m = NULL;
    st = ref_minutes_parse_with_fallback(text.data, text.len, &m);
    if (st != REF_OK) {
        ref_text_free(&text);
        fprintf(stderr, "referat-index: %s: %s\n", path, ref_status_str(st));
        return EXIT_SKIPPED;
    }
    ref_buf out = REF_BUF_INIT;
    ref_buf_printf(&out, "file: %s\n  format: %s%s, encoding %s", path,
                   ref_text_format_name(text.format), text.was_gzip ? " (gzip)" : "",
                   ref_encoding_name(text.source_encoding));
    if (text.npages)
        ref_buf_printf(&out, ", %zu pages", text.npages);
    ref_buf_putc(&out, '\n');
    ref_meeting_explain(m, &out);
    fwrite(out.data ? out.data : "", 1, out.len, stdout);
    int code = ref_buf_status(&out) == REF_OK ? EXIT_OK : EXIT_SKIPPED;
    ref_buf_free(&out);
    ref_meeting_free(m);
    ref_text_free(&text);
    return code;
}

static int compact(const char *db_path, const char *output, int single_file)
{
    ref_compact_result r;
    char *errmsg = NULL;
    ref_status st = ref_index_compact(db_path, output, single_file, &r, &errmsg);
    if (st != REF_OK) {
        fprintf(stderr, "referat-index: %s: %s%s%s\n", db_path, ref_status_str(st),
                errmsg && *errmsg ? ": " : "", errmsg ? errmsg : "");
        free(errmsg);
        return st == REF_EINVAL ? EXIT_USAGE : exit_for(st);
    }
    double before = r.bytes_before / 1e6, after = r.bytes_after / 1e6;
    fprintf(stderr, "referat-index: compacted %s%s%s: %.1f MB -> %.1f MB", db_path,
            output ? " into " : "", output ? output : "", before, after);
    if (after < before)
        fprintf(stderr, ", saved %.1f MB (%.0f%%)\n", before - after,
                100.0 * (before - after) / before);
    else
        fputs(", no saving (it was compact already)\n", stderr);
    return EXIT_OK;
}

/* A number from LO to HI for OPTION, or -1 after saying what is wrong. */
static long number_arg(const char *option, const char *arg, long lo, long hi)
{
    char *end;
    long n = strtol(arg, &end, 10);
    if (*arg && !*end && n >= lo && n <= hi)
        return n;
    fprintf(stderr, "referat-index: %s: expected a number from %ld to %ld, got '%s'\n", option,
            lo, hi, arg);
    return -1;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},   {"full", no_argument, NULL, 'F'},
        {"municipality", required_argument, NULL, 'm'},
        {"explain", required_argument, NULL, 'E'},
        {"commit-every", required_argument, NULL, 'C'},
        {"quiet", no_argument, NULL, 'q'},      {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},       {"threads", required_argument, NULL, 'T'},
        {"version", no_argument, NULL, 'V'},
        {"compact", no_argument, NULL, 'K'},    {"output", required_argument, NULL, 'o'},
        {"single-file", no_argument, NULL, 'S'}, {NULL, 0, NULL, 0},
    };
    const char *db_path = getenv("REFERAT_DB");
    if (!db_path || !*db_path)
        db_path = "referat.db";
    ref_index_opts opts = {0};
    progress p = {0};
    /* PATHs in order, each with the --municipality before it: "-" in the
     * option string makes getopt return every PATH as option 1 where it
     * stands, instead of moving them to the end. */
    index_path *paths = calloc((size_t)argc, sizeof *paths);
    if (!paths) {
        fputs("referat-index: out of memory\n", stderr);
        return EXIT_DB;
    }
    int npaths = 0;
    const char *municipality = NULL, *explain_path = NULL;
    int compact_mode = 0, single_file = 0;
    const char *output = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "-d:m:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 1:
            paths[npaths].path = optarg;
            paths[npaths].municipality = municipality;
            npaths++;
            break;
        case 'm':
            municipality = optarg;
            break;
        case 'E':
            explain_path = optarg;
            break;
        case 'd':
            db_path = optarg;
            break;
        case 'F':
            opts.full = 1;
            break;
        case 'C': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 1000000) {
                fprintf(stderr, "referat-index: --commit-every: expected a number from 1 to "
                                "1000000, got '%s'\n",
                        optarg);
                free(paths);
                return EXIT_USAGE;
            }
            opts.commit_every = (unsigned)n;
            break;
        }
        case 'T': {
            long n = number_arg("--threads", optarg, 1, 8);
            if (n < 0) {
                free(paths);
                return EXIT_USAGE;
            }
            opts.threads = (unsigned)n;
            break;
        }
        case 'K':
            compact_mode = 1;
            break;
        case 'o':
            output = optarg;
            break;
        case 'S':
            single_file = 1;
            break;
        case 'q':
            p.quiet = 1;
            break;
        case 'v':
            p.verbose = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            free(paths);
            return EXIT_OK;
        case 'V':
            printf("referat-index (Referat) %s\nXapian %s\n", REF_VERSION, ref_xdb_version());
            free(paths);
            return EXIT_OK;
        default:
            fputs("Try 'referat-index --help' for more information.\n", stderr);
            free(paths);
            return EXIT_USAGE;
        }
    }
    if (compact_mode || output || single_file) {
        const char *problem = !compact_mode ? "--output and --single-file go with --compact"
                              : single_file && !output
                                  ? "--single-file needs --output (the indexer cannot update "
                                    "a single-file database)"
                              : npaths || optind < argc
                                  ? "--compact takes no PATH (the database is --db)"
                                              : NULL;
        if (problem) {
            fprintf(stderr, "referat-index: %s\nTry 'referat-index --help' for more information.\n",
                    problem);
            free(paths);
            return EXIT_USAGE;
        }
        free(paths);
        return compact(db_path, output, single_file);
    }
    for (int i = optind; i < argc; i++) { /* after "--" */
        paths[npaths].path = argv[i];
        paths[npaths].municipality = municipality;
        npaths++;
    }
    int code;
    if (explain_path && npaths) {
        fputs("referat-index: --explain takes one FILE and indexes nothing; give no PATH\n"
              "Try 'referat-index --help' for more information.\n",
              stderr);
        code = EXIT_USAGE;
    } else if (explain_path) {
        code = explain(explain_path);
    } else if (npaths == 0) {
        fputs("referat-index: no PATH given: name the minutes files or folders to index\n"
              "Try 'referat-index --help' for more information.\n",
              stderr);
        code = EXIT_USAGE;
    } else {
        p.tty = isatty(STDERR_FILENO);
        p.started = now();
        code = run(db_path, &opts, &p, paths, npaths);
    }
    ref_buf_free(&p.line);
    free(paths);
    return code;
}
