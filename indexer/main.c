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
#include "referat/cli.h"
#include "referat/i18n.h"
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

/* The help, Danish (the msgid); po/en.po has it in English. */
static const char usage[] =
    "Brug: referat-index [TILVALG]... [--municipality NAVN] STI...\n"
    "  eller: referat-index --explain FIL\n"
    "  eller: referat-index --compact [--db STI] [--output STI [--single-file]]\n"
    "Indekserer danske kommunale mødereferater til referat-search.\n"
    "\n"
    "Hver STI er en referatfil eller en mappe, der gennemsøges for .txt-, .md-,\n"
    ".markdown-, .pdf-, .html- og .htm-filer og deres gzip-komprimerede udgaver\n"
    "(.gz). PDF læses side for side (siden for hvert afsnit gemmes); HTML læses\n"
    "for den synlige tekst (scripts, styles, navigation, sidehoveder og -fødder\n"
    "udeladt). Hvert dagsordenspunkt bliver ét søgbart dokument; en fil, hvor\n"
    "ingen punkter genkendes, indekseres alligevel, ét dokument pr. PDF-side\n"
    "eller pr. fil, markeret ustruktureret (unstructured). Lukkede punkter\n"
    "(\"Lukket punkt\") indekseres kun med titlen. Filer, der allerede er\n"
    "indekseret og uændrede, springes over: samme størrelse og ændringstid, eller\n"
    "samme størrelse og samme indhold (en hash), når kun tiden er ændret; ændrede\n"
    "filer indekseres igen og erstatter deres gamle punkter; filer, der er\n"
    "forsvundet fra en indekseret mappe, får deres punkter fjernet.\n"
    "\n"
    "Tilvalg:\n"
    "  -d, --db STI           databasens mappe (standard: $REFERAT_DB, ellers ./referat.db)\n"
    "  -m, --municipality NAVN  filerne under STIerne efter dette tilvalg hører til\n"
    "                         kommunen NAVN (søgbar som kommune:NAVN), uanset hvad\n"
    "                         teksten siger; uden det er kommunen den, teksten\n"
    "                         nævner oftest (\"Albertslund Kommune\", \"Region\n"
    "                         Hovedstaden\"). Giv det igen før andre STIer; \"\"\n"
    "                         vender tilbage til at finde den i teksten. En fil,\n"
    "                         der før er indekseret med en anden kommune,\n"
    "                         indekseres igen\n"
    "  -x, --exclude MØNSTER  udelad filer i mapper, hvis navn eller sti passer på\n"
    "                         MØNSTER (fnmatch: *, ?, [..]); kan gentages. README-,\n"
    "                         LICENSE-, CHANGELOG- og COPYING-filer udelades under\n"
    "                         alle omstændigheder, med en note; angiv en ved navn\n"
    "                         for at indeksere den\n"
    "      --explain FIL      vis, hvad fortolkeren forstod af FIL (møde, kommune,\n"
    "                         hvert punkt med nummer, titel, journalnummer, lukket\n"
    "                         eller ej, dets afsnit med de første ord, de\n"
    "                         sidehoveder og -fødder, der blev udeladt, struktureret\n"
    "                         eller ej) og afslut; databasen åbnes ikke\n"
    "      --full             indekser alle filer igen, ændrede eller ej\n"
    "      --commit-every N   gem (commit) efter hver N filer (standard 200); en\n"
    "                         afbrudt kørsel beholder alt til sidste commit\n"
    "      --threads N        arbejdstråde, der læser, fortolker og analyserer filer\n"
    "                         for databasens ene skriver (standard: én pr. CPU,\n"
    "                         højst 8); resultatet er det samme for alle N\n"
    "      --shards N         en ny database bygges af N arbejdstråde, der hver\n"
    "                         skriver sin del (shard), flettet ved komprimering\n"
    "                         til sidst (standard: én pr. arbejdstråd; 1 = én\n"
    "                         skriver). Den viser sig hel til sidst; en afbrudt\n"
    "                         opbygning efterlader den tom. Kørsler på en database\n"
    "                         med dokumenter og kørsler med --commit-every bruger\n"
    "                         altid den ene skriver\n"
    "  -q, --quiet            vis kun problemer og opsummeringen; uden det viser en\n"
    "                         statuslinje på en terminal filer, MB, MB/s og den\n"
    "                         resterende tid (ikke en terminal: ingen statuslinje)\n"
    "  -v, --verbose          vis hver advarsel med fil og linje, en linje for hver\n"
    "                         fil og \"committed\", hver gang de viste filer er gemt\n"
    "                         varigt. Uden det tælles advarsler efter slags i\n"
    "                         opsummeringen, og kun dem, der taber oplysninger\n"
    "                         (ingen mødedato, ingen punkter genkendt), vises, for\n"
    "                         hver fil\n"
    "  -h, --help             vis denne hjælp og afslut\n"
    "      --version          vis versionen og afslut\n"
    "\n"
    "Komprimering:\n"
    "      --compact          skriv databasen komprimeret (Xapians compaction):\n"
    "                         mindre og hurtigere at søge i; viser besparelsen. Den\n"
    "                         kræver skriverens lås: mens en indeksering kører,\n"
    "                         stopper den med status 4. Senere indeksering virker\n"
    "                         som før.\n"
    "      --output STI       med --compact: skriv den komprimerede kopi til STI\n"
    "                         (som ikke må findes) og lad databasen være\n"
    "      --single-file      med --output: én skrivebeskyttet fil i stedet for en\n"
    "                         mappe, til forsendelse; referat-search --db åbner den\n"
    "                         som den er\n"
    "\n"
    "Filer, der ikke kan indekseres (manglende, ulæselige, tomme, binære,\n"
    "beskadigede eller krypterede PDF), nævnes med deres sti og springes over;\n"
    "resten af kørslen fortsætter. Tekst, der ikke er UTF-8 (Latin-1, UTF-16),\n"
    "konverteres med en advarsel, der nævner den antagne kodning. Opsummeringen\n"
    "tæller de filer, der er indekseret struktureret (punkter genkendt) og\n"
    "ustruktureret.\n"
    "\n"
    "Afslutningsstatus:\n"
    "  0  alle filer blev indekseret (--explain: FIL blev læst og forklaret;\n"
    "     --compact: databasen blev komprimeret)\n"
    "  1  kørslen blev gennemført, men nogle filer blev sprunget over (se\n"
    "     meddelelserne), eller STIerne indeholdt ingen referatfiler;\n"
    "     --explain: FIL kunne ikke læses\n"
    "  2  forkert brug, eller en STI, der ikke findes (intet oprettes)\n"
    "  3  databasen kunne ikke åbnes, skrives eller komprimeres\n"
    "  4  databasen er låst af en anden indeksering\n";

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
                        _("referat-index: %s: ikke indekseret: en projektfil, ikke et referat "
                          "(angiv den ved navn for at indeksere den)\n"),
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
            fprintf(stderr, _("referat-index: %s: findes ikke (%s)\n"), paths[i].path,
                    strerror(errno));
            missing++;
        }
    }
    if (missing) {
        fputs(_("referat-index: intet indekseret, og ingen database oprettet; ret STIerne\n"),
              stderr);
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
    if (s->analyser_rebuild)
        fprintf(stderr, _("referat-index: %s var bygget af en ældre sproganalyse: bygget helt om\n"),
                db_path);
    int code = s->files_skipped ? EXIT_SKIPPED : EXIT_OK;
    if (s->files_seen == 0) {
        /* Nothing to index is never what was meant. */
        fputs(p->excluded_by_default || opts->nexclude
                  ? _("referat-index: ingen referater fundet: STIerne indeholder ingen .txt-, "
                      ".md-, .markdown-, .pdf-, .html- eller .htm-filer (eller .gz af dem) ud "
                      "over de udeladte\n")
                  : _("referat-index: ingen referater fundet: STIerne indeholder ingen .txt-, "
                      ".md-, .markdown-, .pdf-, .html- eller .htm-filer (eller .gz af dem)\n"),
              stderr);
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
    int code = EXIT_OK;
    if (ref_buf_status(&out) == REF_OK) {
        fwrite(out.data ? out.data : "", 1, out.len, stdout);
    } else {
        fprintf(stderr, "referat-index: %s: %s\n", path, ref_status_str(REF_ENOMEM));
        code = EXIT_SKIPPED;
    }
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
    fprintf(stderr, _("referat-index: %s: forventede et tal fra %ld til %ld, fik '%s'\n"), option,
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
        {"version", no_argument, NULL, 'V'},
        {"threads", required_argument, NULL, 'T'},
        {"compact", no_argument, NULL, 'K'},
        {"output", required_argument, NULL, 'o'},
        {"single-file", no_argument, NULL, 'S'},
        {"exclude", required_argument, NULL, 'x'},
        {"shards", required_argument, NULL, 'P'},
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
                fprintf(stderr,
                        _("referat-index: --commit-every: forventede et tal fra 1 til 1000000, "
                          "fik '%s'\n"),
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
        case 'P': {
            long n = number_arg("--shards", optarg, 1, 8);
            if (n < 0) {
                free(paths);
                return EXIT_USAGE;
            }
            opts.shards = (unsigned)n;
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
            fputs(_(usage), stdout);
            free(paths);
            return EXIT_OK;
        case 'V':
            printf("referat-index (Referat) %s\nXapian %s\n", REF_VERSION, ref_xdb_version());
            free(paths);
            return EXIT_OK;
        default:
            fputs(_("Skriv 'referat-index --help' for at få mere at vide.\n"), stderr);
            free(paths);
            return EXIT_USAGE;
        }
    }
    if (compact_mode || output || single_file) {
        const char *problem =
            !compact_mode ? _("--output og --single-file hører til --compact")
            : single_file && !output
                ? _("--single-file kræver --output (indekseringen kan ikke opdatere en database "
                    "i én fil)")
            : npaths || optind < argc ? _("--compact tager ingen STI (databasen er --db)")
                                      : NULL;
        if (problem) {
            fprintf(stderr, "referat-index: %s\n%s", problem,
                    _("Skriv 'referat-index --help' for at få mere at vide.\n"));
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
        fputs(_("referat-index: --explain tager én FIL og indekserer intet; angiv ingen STI\n"),
              stderr);
        fputs(_("Skriv 'referat-index --help' for at få mere at vide.\n"), stderr);
        code = EXIT_USAGE;
    } else if (explain_path) {
        code = explain(explain_path);
    } else if (npaths == 0) {
        fputs(_("referat-index: ingen STI angivet: nævn de referatfiler eller mapper, der skal "
                "indekseres\n"),
              stderr);
        fputs(_("Skriv 'referat-index --help' for at få mere at vide.\n"), stderr);
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
    ref_i18n_init(argv[0]);
    int code = index_main(argc, argv, excludes);
    free(excludes);
    return ref_cli_close_stdout("referat-index", code, EXIT_DB);
}
