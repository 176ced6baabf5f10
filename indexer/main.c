/* referat-index — index Danish municipal minutes for referat-search. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "referat/indexer.h"

enum exit_code {
    EXIT_OK = 0,
    EXIT_SKIPPED = 1, /* the run completed, but some files were not indexed */
    EXIT_USAGE = 2,
    EXIT_DB = 3,      /* the database could not be opened or written */
    EXIT_LOCKED = 4,  /* another indexer is writing the database */
};

static const char usage[] =
    "Usage: referat-index [OPTION]... PATH...\n"
    "Index Danish municipal meeting minutes (referater) for referat-search.\n"
    "\n"
    "Each PATH is a minutes file or a folder, searched recursively for .txt,\n"
    ".md and .markdown files and their gzip-compressed forms (.gz). Every agenda\n"
    "item (punkt) becomes one searchable document. Files already indexed and\n"
    "unchanged (same size and modification time) are skipped; changed files are\n"
    "re-indexed, replacing their old punkter; files that disappeared from an\n"
    "indexed folder have their punkter removed.\n"
    "\n"
    "Options:\n"
    "  -d, --db PATH          database folder (default: $REFERAT_DB, else ./referat.db)\n"
    "      --full             re-index every file, changed or not\n"
    "      --commit-every N   commit after every N files (default 200); a killed\n"
    "                         run keeps everything up to its last commit\n"
    "  -q, --quiet            print only problems and the summary line\n"
    "  -v, --verbose          print a line for every file, and \"committed\" each\n"
    "                         time the files listed so far became durable\n"
    "  -h, --help             show this help and exit\n"
    "\n"
    "Files that cannot be indexed (missing, unreadable, empty, binary, or with no\n"
    "\"Punkt N:\" items) are reported with their path and skipped; the rest of the\n"
    "run goes on. Text that is not UTF-8 (Latin-1, UTF-16) is converted, with a\n"
    "warning naming the encoding assumed.\n"
    "\n"
    "Exit status:\n"
    "  0  every file was indexed\n"
    "  1  the run completed, but some files were skipped (see the messages)\n"
    "  2  usage error\n"
    "  3  the database could not be opened or written\n"
    "  4  the database is locked by another indexer\n";

typedef struct progress {
    int quiet, verbose, tty;
    double started;
    int line_open; /* a progress line is on screen and must be cleared */
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

static void show_progress(progress *p, const ref_index_stats *s)
{
    if (p->quiet || !p->tty)
        return;
    double secs = now() - p->started;
    double mb = s->bytes / 1e6;
    fprintf(stderr, "\r\033[Kindexing: %llu files, %llu punkter, %.1f MB, %.1f MB/s",
            (unsigned long long)s->files_seen, (unsigned long long)s->punkter, mb,
            secs > 0 ? mb / secs : 0.0);
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
    if (c->ix && (ev->kind == REF_INDEX_FILE_DONE || ev->kind == REF_INDEX_FILE_UNCHANGED))
        show_progress(c->p, ref_indexer_stats(c->ix));
}

static int exit_for(ref_status st)
{
    return st == REF_EDB_LOCKED ? EXIT_LOCKED : EXIT_DB;
}

static int run(const char *db_path, ref_index_opts *opts, progress *p, char **paths, int npaths)
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
    for (int i = 0; st == REF_OK && i < npaths; i++)
        st = ref_indexer_add_path(ix, paths[i]);
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
            "%llu unchanged, %llu skipped, %llu removed, %llu warnings\n",
            (unsigned long long)s->files_indexed, (unsigned long long)s->punkter, s->bytes / 1e6,
            secs, (unsigned long long)s->files_unchanged, (unsigned long long)s->files_skipped,
            (unsigned long long)s->files_removed, (unsigned long long)s->warnings);
    int code = s->files_skipped ? EXIT_SKIPPED : EXIT_OK;
    ref_indexer_free(ix);
    return code;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},   {"full", no_argument, NULL, 'F'},
        {"commit-every", required_argument, NULL, 'C'},
        {"quiet", no_argument, NULL, 'q'},      {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
    };
    const char *db_path = getenv("REFERAT_DB");
    if (!db_path || !*db_path)
        db_path = "referat.db";
    ref_index_opts opts = {0};
    progress p = {0};
    int c;
    while ((c = getopt_long(argc, argv, "d:qvh", longopts, NULL)) != -1) {
        switch (c) {
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
                return EXIT_USAGE;
            }
            opts.commit_every = (unsigned)n;
            break;
        }
        case 'q':
            p.quiet = 1;
            break;
        case 'v':
            p.verbose = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        default:
            fputs("Try 'referat-index --help' for more information.\n", stderr);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fputs("referat-index: no PATH given: name the minutes files or folders to index\n"
              "Try 'referat-index --help' for more information.\n",
              stderr);
        return EXIT_USAGE;
    }
    p.tty = isatty(STDERR_FILENO);
    p.started = now();
    return run(db_path, &opts, &p, argv + optind, argc - optind);
}
