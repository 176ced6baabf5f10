/* referat-index — index Danish municipal minutes for referat-search. */
#include <errno.h>
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
    "                         detecting. A file indexed before with another\n"
    "                         municipality is indexed again\n"
    "  -x, --exclude GLOB     leave out files met in folders whose name or path\n"
    "                         matches GLOB (fnmatch: *, ?, [..]); may repeat.\n"
    "                         README, LICENSE, CHANGELOG and COPYING files are\n"
    "                         left out anyway, with a note; name one to index it\n"
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
    "  -v, --verbose          print every warning with its file and line, a line for\n"
    "                         every file, and \"committed\" each time the files\n"
    "                         listed so far became durable. Without it warnings\n"
    "                         are counted by kind in the summary line, and only\n"
    "                         those that lose information (no meeting date, no\n"
    "                         punkter recognised) are printed, for every file\n"
    "  -h, --help             show this help and exit\n"
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
    "  1  the run completed, but some files were skipped (see the messages), or\n"
    "     the PATHs held no minutes files;\n"
    "     --explain: FILE could not be read\n"
    "  2  usage error, or a PATH that does not exist (nothing is created)\n"
    "  3  the database could not be opened, written or compacted\n"
    "  4  the database is locked by another indexer\n";

/* Warnings of one kind: the message with its numbers and quoted words
 * made general ("punkt N has no text"), and how often it came. */
typedef struct warning_kind {
    char *kind;
    uint64_t count;
    int loses_information;
} warning_kind;

typedef struct progress {
    int quiet, verbose, tty;
    warning_kind *kinds;
    size_t nkinds, kinds_cap;
    uint64_t excluded_by_default;
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

/* Warnings after which the index lacks something a search needs (a
 * meeting without a date falls out of every date filter; a file without
 * punkter is indexed per page): printed for every file, even with
 * --quiet, and first in the summary; so are text bytes replaced or read
 * in a guessed encoding. The rest are counted by kind and
 * printed one by one only with --verbose. */
static const char *const information_losing[] = {"no meeting date", "no punkter", "invalid UTF-8",
                                                 "not UTF-8"};

static int loses_information(const char *message)
{
    for (size_t i = 0; i < sizeof information_losing / sizeof *information_losing; i++)
        if (strncmp(message, information_losing[i], strlen(information_losing[i])) == 0)
            return 1;
    return 0;
}

/* MESSAGE's kind into OUT: numbers standing as words (with the - . : /
 * inside dates) become "N", quoted words "…"; digits inside a name
 * ("UTF-8", "ISO-8859-1") stay. */
static void warning_kind_of(const char *message, ref_buf *out)
{
    for (const char *c = message; *c;) {
        int word_start = c == message || c[-1] == ' ' || c[-1] == '(';
        if (*c >= '0' && *c <= '9' && word_start) {
            while ((*c >= '0' && *c <= '9') ||
                   (strchr("-.:/", *c) && *c && c[1] >= '0' && c[1] <= '9'))
                c++;
            ref_buf_putc(out, 'N');
        } else if (*c == '"' && strchr(c + 1, '"')) {
            c = strchr(c + 1, '"') + 1;
            ref_buf_puts(out, "\"…\"");
        } else {
            ref_buf_putc(out, *c++);
        }
    }
}

static void count_warning(progress *p, const char *message)
{
    ref_buf kind = REF_BUF_INIT;
    warning_kind_of(message, &kind);
    const char *k = ref_buf_cstr(&kind);
    for (size_t i = 0; i < p->nkinds; i++)
        if (strcmp(p->kinds[i].kind, k) == 0) {
            p->kinds[i].count++;
            ref_buf_free(&kind);
            return;
        }
    if (p->nkinds == p->kinds_cap) {
        size_t cap = p->kinds_cap ? p->kinds_cap * 2 : 16;
        warning_kind *nk = realloc(p->kinds, cap * sizeof *nk);
        if (!nk) {
            ref_buf_free(&kind);
            return; /* the total in the stats still counts it */
        }
        p->kinds = nk;
        p->kinds_cap = cap;
    }
    char *copy = strdup(k);
    if (copy)
        p->kinds[p->nkinds++] = (warning_kind){copy, 1, loses_information(message)};
    ref_buf_free(&kind);
}

/* Information-losing kinds first, then by count, most first. */
static int by_importance(const void *a, const void *b)
{
    const warning_kind *x = a, *y = b;
    if (x->loses_information != y->loses_information)
        return y->loses_information - x->loses_information;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->kind, y->kind);
}

/* "; 198 warnings: 17 no meeting date found, 72 punkt N has no text, …" */
static void put_warning_kinds(progress *p, ref_buf *out, uint64_t total)
{
    ref_buf_printf(out, "%llu warning%s", (unsigned long long)total, total == 1 ? "" : "s");
    if (!p->nkinds)
        return;
    qsort(p->kinds, p->nkinds, sizeof *p->kinds, by_importance);
    ref_buf_puts(out, ": ");
    for (size_t i = 0; i < p->nkinds; i++)
        ref_buf_printf(out, "%s%llu %s", i ? ", " : "", (unsigned long long)p->kinds[i].count,
                       p->kinds[i].kind);
    if (!p->verbose)
        ref_buf_puts(out, " (-v lists each)");
}

static void free_warning_kinds(progress *p)
{
    for (size_t i = 0; i < p->nkinds; i++)
        free(p->kinds[i].kind);
    free(p->kinds);
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
        count_warning(p, ev->message);
        if (!p->verbose && !loses_information(ev->message))
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
    case REF_INDEX_FILE_EXCLUDED:
        if (!*ev->message) {
            p->excluded_by_default++;
            if (!p->quiet) {
                clear_line(p);
                fprintf(stderr,
                        "referat-index: %s: not indexed: a project file, not minutes (name it "
                        "to index it)\n",
                        ev->path);
            }
        } else if (p->verbose) {
            clear_line(p);
            fprintf(stderr, "excluded %s (--exclude %s)\n", ev->path, ev->message);
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
    /* A PATH that is not there is a mistake in the command: say so before
     * the database is created, so nothing is left behind. */
    int missing = 0;
    for (int i = 0; i < npaths; i++) {
        struct stat sb;
        if (stat(paths[i].path, &sb) != 0) {
            fprintf(stderr, "referat-index: %s: %s\n", paths[i].path, strerror(errno));
            missing++;
        }
    }
    if (missing) {
        fputs("referat-index: nothing indexed; check the PATHs\n", stderr);
        return EXIT_USAGE;
    }
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
    ref_buf warnings = REF_BUF_INIT;
    put_warning_kinds(p, &warnings, s->warnings);
    fprintf(stderr,
            "referat-index: %llu files indexed (%llu punkter, %.1f MB) in %.2f s; "
            "%llu structured, %llu unstructured; "
            "%llu unchanged, %llu skipped, %llu removed; %s\n",
            (unsigned long long)s->files_indexed, (unsigned long long)s->punkter, s->bytes / 1e6,
            secs, (unsigned long long)s->files_structured,
            (unsigned long long)s->files_unstructured, (unsigned long long)s->files_unchanged,
            (unsigned long long)s->files_skipped, (unsigned long long)s->files_removed,
            ref_buf_cstr(&warnings));
    ref_buf_free(&warnings);
    int code = s->files_skipped ? EXIT_SKIPPED : EXIT_OK;
    if (s->files_seen == 0) {
        /* Nothing to index is never what was meant. */
        fprintf(stderr,
                "referat-index: no minutes found: the PATHs hold no .txt, .md, .markdown, "
                ".pdf, .html or .htm files (or their .gz)%s\n",
                p->excluded_by_default || opts->nexclude ? " besides those left out" : "");
        code = EXIT_SKIPPED;
    }
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

/* EXCLUDES has room for ARGC --exclude patterns. */
static int index_main(int argc, char **argv, const char **excludes)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"full", no_argument, NULL, 'F'},
        {"municipality", required_argument, NULL, 'm'},
        {"explain", required_argument, NULL, 'E'},
        {"commit-every", required_argument, NULL, 'C'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"threads", required_argument, NULL, 'T'},
        {"compact", no_argument, NULL, 'K'},
        {"output", required_argument, NULL, 'o'},
        {"single-file", no_argument, NULL, 'S'},
        {"exclude", required_argument, NULL, 'x'},
        {NULL, 0, NULL, 0},
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
    size_t nexcludes = 0;
    opts.exclude = excludes;
    int npaths = 0;
    const char *municipality = NULL, *explain_path = NULL;
    int compact_mode = 0, single_file = 0;
    const char *output = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "-d:m:x:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 1:
            paths[npaths].path = optarg;
            paths[npaths].municipality = municipality;
            npaths++;
            break;
        case 'm':
            municipality = optarg;
            break;
        case 'x':
            excludes[nexcludes++] = optarg;
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
        opts.nexclude = nexcludes;
        code = run(db_path, &opts, &p, paths, npaths);
    }
    free_warning_kinds(&p);
    ref_buf_free(&p.line);
    free(paths);
    return code;
}

int main(int argc, char **argv)
{
    /* --exclude patterns; ARGC bounds their number. */
    const char **excludes = calloc((size_t)argc + 1, sizeof *excludes);
    if (!excludes) {
        fputs("referat-index: out of memory\n", stderr);
        return EXIT_DB;
    }
    int code = index_main(argc, argv, excludes);
    free(excludes);
    return code;
}
