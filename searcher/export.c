#include "referat/export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "referat/citation.h"
#include "referat/outcome.h"
#include "referat/i18n.h"
#include "referat/present.h"
#include "referat/section.h"
#include "referat/utf8.h"

/* Output is collected in ex->out and written when it passes this size (and
 * at close), so a hit costs no system call of its own. */
#define FLUSH_AT (64 * 1024)

#define FORMAT_COUNT (REF_EXPORT_HTML + 1)

struct ref_export {
    ref_export_opts opts;
    char sep;    /* CSV separator */
    int fd;      /* the temporary file, -1 for stdout */
    gzFile gz;   /* over a dup of fd for ".gz", else NULL */
    char *path;  /* the final name; NULL for stdout */
    char *tmp;   /* the temporary file's name while it exists */
    ref_buf out; /* formatted, not yet written */
    ref_buf t1;  /* scratch for one hit's fields */
    ref_buf t2;
    size_t nhits;
    int in_group;
    ref_status st; /* sticky: the first error */
    char err[512];
};

/* ---- errors --------------------------------------------------------------- */

static void failf(ref_export *ex, ref_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void failf(ref_export *ex, ref_status st, const char *fmt, ...)
{
    if (ex->st != REF_OK)
        return;
    ex->st = st;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ex->err, sizeof ex->err, fmt, ap);
    va_end(ap);
}

/* A failed system call on WHAT: the folder missing is REF_ENOENT, anything
 * else REF_EIO; the message keeps errno's own words. */
static void fail_errno(ref_export *ex, const char *doing, const char *what)
{
    int e = errno;
    failf(ex, e == ENOENT || e == ENOTDIR ? REF_ENOENT : REF_EIO, "%s %s: %s", doing, what,
          strerror(e));
}

static void check_mem(ref_export *ex)
{
    if (ref_buf_status(&ex->out) != REF_OK || ref_buf_status(&ex->t1) != REF_OK ||
        ref_buf_status(&ex->t2) != REF_OK)
        failf(ex, REF_ENOMEM, "out of memory while formatting the export");
}

const char *ref_export_errmsg(const ref_export *ex)
{
    return ex ? ex->err : "";
}

/* ---- formats -------------------------------------------------------------- */

const char *ref_export_format_name(ref_export_format format)
{
    switch (format) {
#define REF_EXPORT_FORMAT_CASE(name, key, alias)                                                   \
    case name:                                                                                     \
        return key;
        REF_EXPORT_FORMAT_LIST(REF_EXPORT_FORMAT_CASE)
#undef REF_EXPORT_FORMAT_CASE
    }
    return "?";
}

ref_status ref_export_format_from_name(const char *name, ref_export_format *out)
{
    if (!name || !out)
        return REF_EINVAL;
#define REF_EXPORT_FORMAT_MATCH(name_, key, alias)                                                 \
    if (strcasecmp(name, key) == 0 || strcasecmp(name, alias) == 0) {                              \
        *out = name_;                                                                              \
        return REF_OK;                                                                             \
    }
    REF_EXPORT_FORMAT_LIST(REF_EXPORT_FORMAT_MATCH)
#undef REF_EXPORT_FORMAT_MATCH
    return REF_EINVAL;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && strncasecmp(s + len - n, suffix, n) == 0;
}

ref_status ref_export_format_from_path(const char *path, ref_export_format *out)
{
    if (!path || !out)
        return REF_EINVAL;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (ends_with(base, len, ".gz"))
        len -= 3;
    size_t dot = len;
    while (dot > 0 && base[dot - 1] != '.')
        dot--;
    if (dot <= 1 || dot == len) /* no extension, or a bare ".csv" */
        return REF_EINVAL;
    char ext[16];
    if (len - dot >= sizeof ext)
        return REF_EINVAL;
    memcpy(ext, base + dot, len - dot);
    ext[len - dot] = '\0';
    return ref_export_format_from_name(ext, out);
}

/* ---- escapers ------------------------------------------------------------- */

void ref_export_csv_field(ref_buf *out, const char *s, size_t len, char sep)
{
    /* A leading apostrophe keeps Excel from reading the field as a formula
     * (OWASP "CSV injection"); test_csv_guards_formulas pins the set. */
    int guard = len > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                            s[0] == '\t' || s[0] == '\r');
    int quote = 0;
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == sep || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (quote)
        ref_buf_putc(out, '"');
    if (guard)
        ref_buf_putc(out, '\'');
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '"')
            continue;
        ref_buf_append(out, s + run, i + 1 - run);
        ref_buf_putc(out, '"');
        run = i + 1;
    }
    ref_buf_append(out, s + run, len - run);
    if (quote)
        ref_buf_putc(out, '"');
}

void ref_export_html_escape(ref_buf *out, const char *s, size_t len)
{
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *ent;
        switch (c) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&#39;";
            break;
        default:
            if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
                continue;
            ent = ""; /* other C0 controls are not allowed in HTML text */
            break;
        }
        ref_buf_append(out, s + run, i - run);
        ref_buf_puts(out, ent);
        run = i + 1;
    }
    ref_buf_append(out, s + run, len - run);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* At the start of a line: escape what would begin a block (a list item "-",
 * "+", "1." or "1)", a setext underline "="). Returns the bytes consumed. */
static size_t md_line_start(ref_buf *out, const char *s, size_t len)
{
    if (s[0] == '-' || s[0] == '+' || s[0] == '=') {
        ref_buf_putc(out, '\\');
        ref_buf_putc(out, s[0]);
        return 1;
    }
    size_t d = 0;
    while (d < len && d < 10 && is_digit(s[d]))
        d++;
    if (d == 0 || d == len || (s[d] != '.' && s[d] != ')'))
        return 0;
    ref_buf_append(out, s, d);
    ref_buf_putc(out, '\\');
    ref_buf_putc(out, s[d]);
    return d + 1;
}

void ref_export_md_escape(ref_buf *out, const char *s, size_t len, int line_start)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (line_start && c != ' ') {
            line_start = 0;
            size_t n = md_line_start(out, s + i, len - i);
            if (n) {
                i += n - 1;
                continue;
            }
        }
        if (c == '\n') {
            line_start = 1;
        } else if (strchr("\\`*_[]<>#|~", c) ||
                   (c == '&' && i + 1 < len && (is_alnum(s[i + 1]) || s[i + 1] == '#'))) {
            ref_buf_putc(out, '\\');
        }
        ref_buf_putc(out, c);
    }
}

static void html_str(ref_buf *out, const char *s)
{
    ref_export_html_escape(out, s, strlen(s));
}

static void md_str(ref_buf *out, const char *s, int line_start)
{
    ref_export_md_escape(out, s, strlen(s), line_start);
}

/* A Markdown code span holding S verbatim: fenced by one more backtick than
 * S's longest run of them, padded when S starts or ends with one. */
static void md_code(ref_buf *out, const char *s)
{
    size_t run = 0, longest = 0;
    for (const char *p = s; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    size_t len = strlen(s);
    int pad = len && (s[0] == '`' || s[len - 1] == '`');
    for (size_t i = 0; i <= longest; i++)
        ref_buf_putc(out, '`');
    ref_buf_puts(out, pad ? " " : "");
    ref_buf_append(out, s, len);
    ref_buf_puts(out, pad ? " " : "");
    for (size_t i = 0; i <= longest; i++)
        ref_buf_putc(out, '`');
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* The hit's source as a report shows it: relative to opts.source_root
 * when it lies under it. */
static const char *source_shown(const ref_export *ex, const ref_record *r)
{
    const char *src = or_empty(r->source);
    const char *root = ex->opts.source_root;
    size_t n = root ? strlen(root) : 0;
    if (n && strncmp(src, root, n) == 0 && src[n] == '/')
        return src + n + 1;
    return src;
}

/* opts.source_link followed by ID, every byte but A-Z a-z 0-9 - . _ ~
 * percent-encoded (ids hold '#'). */
static void source_url(ref_buf *o, const ref_export *ex, const char *id)
{
    static const char hex[] = "0123456789ABCDEF";
    ref_buf_puts(o, ex->opts.source_link);
    for (const unsigned char *p = (const unsigned char *)or_empty(id); *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            ref_buf_putc(o, (char)*p);
        else
            ref_buf_printf(o, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
}

/* The export time as "6. december 2026 kl. 13.05 (UTC)". */
long long ref_export_now(void)
{
    const char *fixed = getenv("SOURCE_DATE_EPOCH");
    if (fixed && *fixed) {
        char *end;
        errno = 0;
        long long at = strtoll(fixed, &end, 10);
        if (!*end && errno == 0 && at > 0)
            return at;
    }
    return (long long)time(NULL);
}

static void put_exported_at(ref_buf *o, long long at)
{
    static const char *const months[] = {N_("januar"),  N_("februar"),  N_("marts"),
                                         N_("april"),   N_("maj"),      N_("juni"),
                                         N_("juli"),    N_("august"),   N_("september"),
                                         N_("oktober"), N_("november"), N_("december")};
    time_t t = (time_t)at;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return;
    /* TRANSLATORS: day, month, year, hour, minute */
    ref_buf_printf(o, _("%d. %s %d kl. %02d.%02d (UTC)"), tm.tm_mday, _(months[tm.tm_mon]),
                   tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

static const char *plural_punkter(size_t n)
{
    return ref_i18n_plural("punkt", "punkter", n);
}

/* ---- what every format shows ---------------------------------------------- */

static const char *hit_text(const ref_hit *hit)
{
    return hit->section >= 0 ? hit->record->sections[hit->section].text : "";
}

static const char *section_key(const ref_hit *hit)
{
    return hit->section >= 0 ? ref_section_kind_key(hit->record->sections[hit->section].kind) : "";
}

/* Whether the LEN bytes at HAY hold the N bytes at NEEDLE. */
static int contains(const char *hay, size_t len, const char *needle, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return 1;
    return 0;
}

/* The matched words of the snippet, each distinct word (by case folding)
 * once in its first spelling, joined by ", ". SEEN collects the foldings,
 * each followed by \x1f, which no word contains. */
static void put_matches(ref_buf *out, const ref_hit *hit, ref_buf *seen)
{
    const char *text = hit_text(hit);
    size_t n = 0;
    ref_buf_reset(seen);
    ref_buf_putc(seen, '\x1f');
    for (size_t i = 0; i < hit->snippet.nspans; i++) {
        const ref_span *sp = &hit->snippet.spans[i];
        size_t mark = seen->len; /* the new key is "\x1f" fold "\x1f" from mark-1 */
        ref_casefold(text + sp->start, sp->end - sp->start, seen);
        ref_buf_putc(seen, '\x1f');
        if (seen->failed)
            return;
        if (contains(seen->data, mark, seen->data + mark - 1, seen->len - mark + 1)) {
            ref_buf_truncate(seen, mark);
            continue;
        }
        if (n++)
            ref_buf_puts(out, ", ");
        ref_buf_append(out, text + sp->start, sp->end - sp->start);
    }
}


typedef void (*escape_fn)(ref_buf *out, const char *s, size_t len, int line_start);

/* Flattening state of a snippet being written piece by piece. */
typedef struct flat {
    ref_buf *out;
    ref_buf *tmp;
    escape_fn esc;
    int space; /* whitespace seen, not yet written */
    int any;   /* something written (a space may follow) */
    int line_start;
} flat;

static void flat_space(flat *f)
{
    if (f->space && f->any)
        ref_buf_putc(f->out, ' ');
    f->space = 0;
}

/* TEXT[from, to) with runs of whitespace as one space, escaped. */
static void flat_piece(flat *f, const char *text, size_t from, size_t to)
{
    ref_buf_reset(f->tmp);
    for (size_t i = from; i < to; i++) {
        char c = text[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            f->space = 1;
            continue;
        }
        if (f->space && f->any)
            ref_buf_putc(f->tmp, ' ');
        f->space = 0;
        ref_buf_putc(f->tmp, c);
        f->any = 1;
    }
    f->esc(f->out, ref_buf_cstr(f->tmp), f->tmp->len, f->line_start);
    if (f->tmp->len)
        f->line_start = 0;
}

/* The snippet with each match escaped and wrapped in OPEN/CLOSE, the text
 * between escaped: the same text as ref_present_snippet(out, hit, "", "")
 * gives (test_html_snippet_text_equals_plain_snippet), which cannot be used
 * here as its output mixes markers and raw text. */
static void put_marked_snippet(ref_buf *out, ref_buf *tmp, const ref_hit *hit, escape_fn esc,
                               const char *open, const char *close)
{
    const ref_snippet *sn = &hit->snippet;
    const char *text = hit_text(hit);
    flat f = {out, tmp, esc, 0, sn->cut_start, !sn->cut_start};
    if (hit->section < 0)
        return;
    if (sn->cut_start)
        ref_buf_puts(out, "…");
    size_t at = sn->start;
    for (size_t i = 0; i < sn->nspans; i++) {
        flat_piece(&f, text, at, sn->spans[i].start);
        flat_space(&f);
        ref_buf_puts(out, open);
        flat_piece(&f, text, sn->spans[i].start, sn->spans[i].end);
        ref_buf_puts(out, close);
        at = sn->spans[i].end;
    }
    flat_piece(&f, text, at, sn->end);
    if (sn->cut_end)
        ref_buf_puts(out, "…");
}

static void html_escape_fn(ref_buf *out, const char *s, size_t len, int line_start)
{
    (void)line_start;
    ref_export_html_escape(out, s, len);
}

/* ---- CSV ------------------------------------------------------------------ */

static const char *const csv_columns[] = {"rank",    "score",   "body",     "date",
                                          "punkt",   "title",   "journal",  "section",
                                          "snippet", "matches", "decision", "source",
                                          "outcome", "citation"};

static void csv_str(ref_export *ex, const char *s, size_t len, int last)
{
    ref_export_csv_field(&ex->out, s, len, ex->sep);
    ref_buf_puts(&ex->out, last ? "\r\n" : (char[]){ex->sep, '\0'});
}

static void csv_cstr(ref_export *ex, const char *s)
{
    csv_str(ex, s, strlen(or_empty(s)), 0);
}

static void csv_header(ref_export *ex)
{
    size_t n = sizeof csv_columns / sizeof *csv_columns;
    ref_buf_puts(&ex->out, "\xEF\xBB\xBF");
    for (size_t i = 0; i < n; i++)
        csv_str(ex, csv_columns[i], strlen(csv_columns[i]), i + 1 == n);
}

static void csv_hit(ref_export *ex, const ref_hit *hit)
{
    const ref_record *r = hit->record;
    char num[64];
    snprintf(num, sizeof num, "%u", hit->rank);
    csv_cstr(ex, num);
    /* Danish Excel reads "12,5" as a number and "12.5" as text or worse;
     * a ';' separator is the sign of such a reader. */
    snprintf(num, sizeof num, "%.4f", hit->score);
    char *dot = strpbrk(num, ".,");
    if (dot)
        *dot = ex->sep == ';' ? ',' : '.';
    csv_cstr(ex, num);
    csv_cstr(ex, or_empty(r->body));
    csv_cstr(ex, or_empty(r->date));
    num[0] = '\0';
    if (r->punkt > 0)
        snprintf(num, sizeof num, "%d", r->punkt);
    csv_cstr(ex, num);
    csv_cstr(ex, or_empty(r->title));
    csv_cstr(ex, or_empty(r->journal));
    csv_cstr(ex, section_key(hit));
    ref_buf_reset(&ex->t1);
    ref_present_snippet(&ex->t1, hit, "", "");
    csv_str(ex, ref_buf_cstr(&ex->t1), ex->t1.len, 0);
    ref_buf_reset(&ex->t1);
    put_matches(&ex->t1, hit, &ex->t2);
    csv_str(ex, ref_buf_cstr(&ex->t1), ex->t1.len, 0);
    ref_buf_reset(&ex->t1);
    if (ex->opts.full)
        ref_record_decision(r, &ex->t1);
    csv_str(ex, ref_buf_cstr(&ex->t1), ex->t1.len, 0);
    const char *src = source_shown(ex, r);
    csv_str(ex, src, strlen(src), 0);
    /* Added after source, so readers by column number keep working. */
    ref_buf_reset(&ex->t1);
    ref_outcome_keys(ref_outcome_of_record(r), ",", &ex->t1);
    csv_str(ex, ref_buf_cstr(&ex->t1), ex->t1.len, 0);
    ref_buf_reset(&ex->t1);
    ref_citation(r, hit->section, &ex->t1);
    csv_str(ex, ref_buf_cstr(&ex->t1), ex->t1.len, 1);
}

/* ---- JSON Lines ----------------------------------------------------------- */

static void jsonl_hit(ref_export *ex, const ref_hit *hit)
{
    size_t start = ex->out.len;
    /* The line of present.h, with the source as the other formats give it. */
    ref_record shown = *hit->record;
    shown.source = source_shown(ex, hit->record);
    ref_hit h = *hit;
    h.record = &shown;
    ref_present_json_hit(&ex->out, &h);
    if (!ex->opts.full || ex->out.failed)
        return;
    /* Reopen the object present.c closed: "…}\n" becomes "…,"decision":…}\n". */
    if (ex->out.len < start + 2 || strcmp(ex->out.data + ex->out.len - 2, "}\n") != 0) {
        failf(ex, REF_EINTERNAL, "a JSON line does not end in \"}\\n\"");
        return;
    }
    ref_buf_truncate(&ex->out, ex->out.len - 2);
    ref_buf_reset(&ex->t1);
    ref_record_decision(hit->record, &ex->t1);
    ref_buf_puts(&ex->out, ",\"decision\":");
    ref_json_string(&ex->out, ref_buf_cstr(&ex->t1), ex->t1.len);
    ref_buf_puts(&ex->out, "}\n");
}

/* ---- Markdown ------------------------------------------------------------- */

static void md_header(ref_export *ex)
{
    ref_buf *o = &ex->out;
    ref_buf_printf(o, "# %s", _("Søgning"));
    if (ex->opts.query && *ex->opts.query) {
        ref_buf_puts(o, ": ");
        md_str(o, ex->opts.query, 0);
    }
    ref_buf_puts(o, "\n\n");
    size_t after = o->len;
    if (ex->opts.filters && *ex->opts.filters) {
        ref_buf_printf(o, "%s: ", _("Filtre"));
        md_str(o, ex->opts.filters, 0);
        ref_buf_puts(o, "  \n");
    }
    if (ex->opts.exported_at) {
        ref_buf_printf(o, "%s ", _("Eksporteret"));
        put_exported_at(o, ex->opts.exported_at);
        ref_buf_puts(o, "  \n");
    }
    if (ex->opts.count || ex->opts.count_known)
        ref_buf_printf(o, _("%zu %s fundet.\n"), ex->opts.count, plural_punkter(ex->opts.count));
    if (o->len > after)
        ref_buf_puts(o, "\n");
}

/* The metadata line's parts, skipping empty ones, separated by " · ". */
static void meta_part(ref_buf *o, int *n, const char *prefix, const char *value, int md)
{
    if (!value || !*value)
        return;
    if ((*n)++)
        ref_buf_puts(o, " · ");
    ref_buf_puts(o, prefix);
    if (md)
        md_str(o, value, 0);
    else
        html_str(o, value);
}

static void meta_line(ref_buf *o, const ref_hit *hit, int md)
{
    const ref_record *r = hit->record;
    char num[32] = "";
    int n = 0;
    meta_part(o, &n, "", r->body, md);
    meta_part(o, &n, "", r->date, md);
    if (r->punkt > 0)
        snprintf(num, sizeof num, "%d", r->punkt);
    meta_part(o, &n, _("punkt "), num, md);
    meta_part(o, &n, _("sagsnr. "), r->journal, md);
    ref_buf words = REF_BUF_INIT;
    ref_outcome_words(ref_outcome_of_record(r), &words);
    meta_part(o, &n, _("udfald: "), ref_buf_cstr(&words), md);
    ref_buf_inherit_failure(o, &words); /* never a silently missing outcome */
    ref_buf_free(&words);
    meta_part(o, &n, "", section_key(hit), md);
    snprintf(num, sizeof num, "%.2f", hit->score);
    if (hit->score > 0) /* a search of filters alone ranks nothing */
        meta_part(o, &n, "score ", num, md);
}

static void md_quote(ref_buf *o, const char *text)
{
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        size_t a = 0;
        while (a < len && (p[a] == ' ' || p[a] == '\t'))
            a++;
        while (len > a && (p[len - 1] == '\r' || p[len - 1] == ' '))
            len--;
        ref_buf_puts(o, len > a ? "> " : ">");
        ref_export_md_escape(o, p + a, len - a, 1);
        ref_buf_putc(o, '\n');
        p = eol ? eol + 1 : p + strlen(p);
    }
}

static void md_hit(ref_export *ex, const ref_hit *hit)
{
    ref_buf *o = &ex->out;
    const ref_record *r = hit->record;
    ref_buf_printf(o, "### %u. ", hit->rank);
    md_str(o, r->title && *r->title ? r->title : _("(uden titel)"), 0);
    ref_buf_puts(o, "\n\n*");
    meta_line(o, hit, 1);
    ref_buf_puts(o, "*\n\n");
    if (hit->section >= 0) {
        ref_buf_puts(o, "> ");
        put_marked_snippet(o, &ex->t1, hit, ref_export_md_escape, "**", "**");
        ref_buf_puts(o, "\n\n");
    }
    ref_buf_reset(&ex->t1);
    put_matches(&ex->t1, hit, &ex->t2);
    if (ex->t1.len) {
        ref_buf_printf(o, "%s: ", _("Fundne ord"));
        ref_export_md_escape(o, ref_buf_cstr(&ex->t1), ex->t1.len, 0);
        ref_buf_puts(o, "\n\n");
    }
    ref_buf_reset(&ex->t1);
    if (ex->opts.full)
        ref_record_decision(r, &ex->t1);
    if (ex->t1.len) {
        ref_buf_printf(o, "**%s:**\n\n", _("Beslutning"));
        md_quote(o, ref_buf_cstr(&ex->t1));
        ref_buf_putc(o, '\n');
    }
    ref_buf_reset(&ex->t1);
    ref_citation(r, hit->section, &ex->t1);
    ref_buf_printf(o, "%s: ", _("Citér"));
    md_str(o, ref_buf_cstr(&ex->t1), 0);
    ref_buf_puts(o, "\n\n");
    ref_buf_printf(o, "%s: ", _("Kilde"));
    if (ex->opts.source_link) {
        ref_buf_puts(o, "[");
        md_str(o, source_shown(ex, r), 0);
        ref_buf_puts(o, "](");
        source_url(o, ex, r->id);
        ref_buf_puts(o, ")");
    } else {
        md_code(o, source_shown(ex, r));
    }
    ref_buf_puts(o, "\n\n");
}

/* ---- HTML ----------------------------------------------------------------- */

static const char html_css[] =
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",sans-serif;max-width:50rem;"
    "margin:2rem auto;padding:0 1rem;line-height:1.45;color:#222}\n"
    "h1{font-size:1.5rem}h2{border-bottom:1px solid #ccc;margin-top:2rem}\n"
    "article{margin:1.25rem 0}h3{font-size:1.1rem;margin:0 0 .2rem}\n"
    ".rank{color:#777}.meta,.source,.matches,footer{color:#555;font-size:.9rem;margin:.2rem 0}\n"
    ".snippet{margin:.3rem 0}mark{background:#fff0a0;padding:0 .1em}\n"
    ".decision{border-left:3px solid #9bc;padding-left:.75rem;white-space:pre-line}\n"
    ".decision h4{margin:.2rem 0;white-space:normal}\n";

static void html_header(ref_export *ex)
{
    ref_buf *o = &ex->out;
    const char *q = ex->opts.query && *ex->opts.query ? ex->opts.query : NULL;
    /* TRANSLATORS: the report's language code */
    ref_buf_printf(o,
                   "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>Referat",
                   _("da"));
    if (q) {
        ref_buf_puts(o, ": «");
        html_str(o, q);
        ref_buf_puts(o, "»");
    }
    if (ex->opts.count)
        ref_buf_printf(o, _(" – %zu fund"), ex->opts.count);
    ref_buf_printf(o, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>%s", html_css,
                   _("Søgning"));
    if (q) {
        ref_buf_puts(o, ": «");
        html_str(o, q);
        ref_buf_puts(o, "»");
    }
    ref_buf_puts(o, "</h1>\n");
    if (ex->opts.filters && *ex->opts.filters) {
        ref_buf_printf(o, "<p class=\"filters\">%s: ", _("Filtre"));
        html_str(o, ex->opts.filters);
        ref_buf_puts(o, "</p>\n");
    }
    if (ex->opts.exported_at) {
        ref_buf_printf(o, "<p class=\"exported\">%s ", _("Eksporteret"));
        put_exported_at(o, ex->opts.exported_at);
        ref_buf_puts(o, "</p>\n");
    }
    if (ex->opts.count || ex->opts.count_known)
        ref_buf_printf(o, _("<p class=\"count\">%zu %s fundet</p>\n"), ex->opts.count,
                       plural_punkter(ex->opts.count));
    ref_buf_puts(o, "</header>\n<main>\n");
}

static void html_hit(ref_export *ex, const ref_hit *hit)
{
    ref_buf *o = &ex->out;
    const ref_record *r = hit->record;
    ref_buf_printf(o, "<article class=\"hit\">\n<h3><span class=\"rank\">%u.</span> ", hit->rank);
    html_str(o, r->title && *r->title ? r->title : _("(uden titel)"));
    ref_buf_puts(o, "</h3>\n<p class=\"meta\">");
    meta_line(o, hit, 0);
    ref_buf_puts(o, "</p>\n");
    if (hit->section >= 0) {
        ref_buf_puts(o, "<p class=\"snippet\">");
        put_marked_snippet(o, &ex->t1, hit, html_escape_fn, "<mark>", "</mark>");
        ref_buf_puts(o, "</p>\n");
    }
    ref_buf_reset(&ex->t1);
    put_matches(&ex->t1, hit, &ex->t2);
    if (ex->t1.len) {
        ref_buf_printf(o, "<p class=\"matches\">%s: ", _("Fundne ord"));
        ref_export_html_escape(o, ref_buf_cstr(&ex->t1), ex->t1.len);
        ref_buf_puts(o, "</p>\n");
    }
    ref_buf_reset(&ex->t1);
    if (ex->opts.full)
        ref_record_decision(r, &ex->t1);
    if (ex->t1.len) {
        ref_buf_printf(o, "<div class=\"decision\"><h4>%s</h4>", _("Beslutning"));
        ref_export_html_escape(o, ref_buf_cstr(&ex->t1), ex->t1.len);
        ref_buf_puts(o, "</div>\n");
    }
    ref_buf_reset(&ex->t1);
    ref_citation(r, hit->section, &ex->t1);
    ref_buf_printf(o, "<p class=\"citation\">%s: ", _("Citér"));
    html_str(o, ref_buf_cstr(&ex->t1));
    ref_buf_puts(o, "</p>\n");
    ref_buf_printf(o, "<p class=\"source\">%s: ", _("Kilde"));
    if (ex->opts.source_link) {
        ref_buf_puts(o, "<a href=\"");
        ref_buf t = REF_BUF_INIT;
        source_url(&t, ex, r->id);
        html_str(o, ref_buf_cstr(&t));
        ref_buf_free(&t);
        ref_buf_puts(o, "\">");
    }
    ref_buf_puts(o, "<code>");
    html_str(o, source_shown(ex, r));
    ref_buf_puts(o, ex->opts.source_link ? "</code></a></p>\n</article>\n"
                                         : "</code></p>\n</article>\n");
}

/* ---- the sink ------------------------------------------------------------- */

static void sink_write(ref_export *ex, const char *p, size_t n)
{
    if (ex->gz) {
        while (n > 0 && ex->st == REF_OK) {
            unsigned chunk = n > (1u << 30) ? (1u << 30) : (unsigned)n;
            int w = gzwrite(ex->gz, p, chunk);
            if (w <= 0) {
                int zerr = 0;
                const char *msg = gzerror(ex->gz, &zerr);
                if (zerr == Z_ERRNO)
                    fail_errno(ex, "cannot write", ex->path); /* the name the user gave */
                else
                    failf(ex, REF_EIO, "cannot write %s: %s", ex->path, msg);
                return;
            }
            p += w;
            n -= (size_t)w;
        }
    } else if (ex->fd >= 0) {
        while (n > 0 && ex->st == REF_OK) {
            ssize_t w = write(ex->fd, p, n);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                fail_errno(ex, "cannot write", ex->path); /* the name the user gave */
                return;
            }
            p += w;
            n -= (size_t)w;
        }
    } else if (n > 0 && fwrite(p, 1, n, stdout) != n) {
        fail_errno(ex, "cannot write", "to standard output");
    }
}

static void flush_out(ref_export *ex, size_t at_least)
{
    check_mem(ex);
    if (ex->st != REF_OK || ex->out.len < at_least)
        return;
    sink_write(ex, ex->out.data, ex->out.len);
    ref_buf_reset(&ex->out);
}

/* Create the temporary file next to PATH, mode 0666 less the umask (which
 * mkstemp's 0600 would not give), with a name from the clock, the process
 * and the handle's address, retried on a clash. */
static void open_tmp(ref_export *ex, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    int dirlen = slash ? (int)(slash - path) : 0;
    if (!*base) {
        failf(ex, REF_EINVAL, "not a file name: %s", path);
        return;
    }
    size_t cap = strlen(path) + 32;
    ex->path = strdup(path);
    ex->tmp = malloc(cap);
    if (!ex->path || !ex->tmp) {
        failf(ex, REF_ENOMEM, "out of memory");
        return;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
                    ((uint64_t)getpid() << 40) ^ (uint64_t)(uintptr_t)ex;
    for (int attempt = 0; attempt < 100; attempt++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        snprintf(ex->tmp, cap, "%.*s%s.%s.%06llx", dirlen, path, slash ? "/" : "", base,
                 (unsigned long long)(seed >> 40));
        ex->fd = open(ex->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (ex->fd >= 0 || errno != EEXIST)
            break;
    }
    if (ex->fd < 0) {
        int e = errno;
        failf(ex, e == ENOENT || e == ENOTDIR ? REF_ENOENT : REF_EIO,
              "cannot create a file in %.*s: %s", dirlen ? dirlen : 1, slash ? path : ".",
              strerror(e));
        free(ex->tmp);
        ex->tmp = NULL;
        return;
    }
    if (ends_with(path, strlen(path), ".gz")) {
        int fd2 = dup(ex->fd);
        ex->gz = fd2 >= 0 ? gzdopen(fd2, "wb") : NULL;
        if (!ex->gz) {
            if (fd2 >= 0)
                close(fd2);
            failf(ex, REF_ENOMEM, "cannot start gzip compression for %s", path);
        }
    }
}

/* Close the file and move it into place; on any error remove it. */
static void finish_file(ref_export *ex)
{
    if (ex->gz) {
        int zr = gzclose(ex->gz);
        ex->gz = NULL;
        if (zr != Z_OK) {
            if (zr == Z_ERRNO)
                fail_errno(ex, "cannot write", ex->path); /* the name the user gave */
            else
                failf(ex, REF_EIO, "cannot finish the gzip stream of %s (zlib error %d)", ex->path,
                      zr);
        }
    }
    /* Synced before the rename, so a crash leaves the old file or the whole
     * new one, never an empty one under the final name. */
    if (ex->st == REF_OK && fsync(ex->fd) != 0 && errno != EINVAL && errno != EROFS)
        fail_errno(ex, "cannot sync", ex->tmp);
    if (close(ex->fd) != 0)
        fail_errno(ex, "cannot write", ex->path); /* the name the user gave */
    ex->fd = -1;
    if (ex->st == REF_OK && rename(ex->tmp, ex->path) != 0)
        fail_errno(ex, "cannot rename the export to", ex->path);
    if (ex->st == REF_OK) {
        free(ex->tmp);
        ex->tmp = NULL;
    }
}

static void release(ref_export *ex)
{
    if (ex->gz)
        gzclose(ex->gz);
    if (ex->fd >= 0)
        close(ex->fd);
    if (ex->tmp)
        unlink(ex->tmp);
    free(ex->tmp);
    free(ex->path);
    ref_buf_free(&ex->out);
    ref_buf_free(&ex->t1);
    ref_buf_free(&ex->t2);
    free(ex);
}

/* ---- the streaming API ---------------------------------------------------- */

static int sep_ok(char c)
{
    unsigned char u = (unsigned char)c;
    return u > 0 && u < 0x80 && c != '"' && c != '\'' && c != '\r' && c != '\n' && !is_alnum(c);
}

static void write_header(ref_export *ex)
{
    switch (ex->opts.format) {
    case REF_EXPORT_CSV:
        csv_header(ex);
        break;
    case REF_EXPORT_JSONL:
        break;
    case REF_EXPORT_MD:
        md_header(ex);
        break;
    case REF_EXPORT_HTML:
        html_header(ex);
        break;
    }
}

ref_status ref_export_open(const ref_export_opts *opts, const char *path, ref_export **out,
                           char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    if (!out)
        return REF_EINVAL;
    *out = NULL;
    if (!opts)
        return REF_EINVAL;
    ref_export *ex = calloc(1, sizeof *ex);
    if (!ex)
        return REF_ENOMEM;
    ex->opts = *opts;
    ex->fd = -1;
    ex->sep = opts->csv_sep ? opts->csv_sep : ';';
    if ((unsigned)opts->format >= FORMAT_COUNT)
        failf(ex, REF_EINVAL, "unknown export format %d", (int)opts->format);
    else if (!sep_ok(ex->sep))
        failf(ex, REF_EINVAL, "'%c' cannot separate CSV fields", ex->sep);
    else if (path && strcmp(path, "-") != 0)
        open_tmp(ex, path);
    if (ex->st == REF_OK)
        write_header(ex);
    flush_out(ex, FLUSH_AT);
    ref_status st = ex->st;
    if (st != REF_OK) {
        if (errmsg)
            *errmsg = strdup(ex->err);
        release(ex);
        return st;
    }
    *out = ex;
    return REF_OK;
}

ref_status ref_export_begin_group(ref_export *ex, const char *label)
{
    if (!ex)
        return REF_EINVAL;
    if (ex->st != REF_OK)
        return ex->st;
    ref_buf *o = &ex->out;
    label = or_empty(label);
    switch (ex->opts.format) {
    case REF_EXPORT_CSV:
    case REF_EXPORT_JSONL:
        return REF_OK;
    case REF_EXPORT_MD:
        ref_buf_puts(o, "## ");
        md_str(o, label, 0);
        ref_buf_puts(o, "\n\n");
        break;
    case REF_EXPORT_HTML:
        ref_buf_puts(o, ex->in_group ? "</section>\n<section>\n<h2>" : "<section>\n<h2>");
        html_str(o, label);
        ref_buf_puts(o, "</h2>\n");
        break;
    }
    ex->in_group = 1;
    flush_out(ex, FLUSH_AT);
    return ex->st;
}

ref_status ref_export_hit(ref_export *ex, const ref_hit *hit)
{
    if (!ex || !hit || !hit->record)
        return REF_EINVAL;
    if (ex->st != REF_OK)
        return ex->st;
    if (hit->section >= (int)hit->record->nsections) {
        failf(ex, REF_EINVAL, "hit %u: section %d of %zu", hit->rank, hit->section,
              hit->record->nsections);
        return ex->st;
    }
    switch (ex->opts.format) {
    case REF_EXPORT_CSV:
        csv_hit(ex, hit);
        break;
    case REF_EXPORT_JSONL:
        jsonl_hit(ex, hit);
        break;
    case REF_EXPORT_MD:
        md_hit(ex, hit);
        break;
    case REF_EXPORT_HTML:
        html_hit(ex, hit);
        break;
    }
    ex->nhits++;
    flush_out(ex, FLUSH_AT);
    return ex->st;
}

static void filter_list(ref_buf *out, const char *name, const char *const *values, size_t n)
{
    if (!n)
        return;
    ref_buf_printf(out, "%s%s: ", out->len ? "; " : "", name);
    for (size_t i = 0; i < n; i++)
        ref_buf_printf(out, "%s%s", i ? ", " : "", values[i]);
}

void ref_export_describe_filters(ref_buf *out, const ref_search_opts *opts)
{
    ref_buf b = REF_BUF_INIT;
    if (opts->decisions_only)
        ref_buf_puts(&b, "kun beslutninger");
    filter_list(&b, "udvalg", opts->bodies, opts->nbodies);
    if (opts->date_from && *opts->date_from)
        ref_buf_printf(&b, "%sfra %s", b.len ? "; " : "", opts->date_from);
    if (opts->date_to && *opts->date_to)
        ref_buf_printf(&b, "%still %s", b.len ? "; " : "", opts->date_to);
    filter_list(&b, "kommune", opts->municipalities, opts->nmunicipalities);
    ref_buf_append(out, b.data ? b.data : "", b.len);
    ref_buf_free(&b);
}

static int has_date(const ref_hit *hit)
{
    return hit->record->date && hit->record->date[0];
}

ref_status ref_export_hits(ref_export *ex, const ref_hit *hits, size_t n, int undated_last,
                           ref_export_group_fn group, void *ctx)
{
    char label[128];
    ref_status st = ex ? ex->st : REF_EINVAL;
    /* Pass 0 writes the dated hits (all hits unless UNDATED_LAST), pass 1
     * the undated ones under their own heading. */
    for (int pass = 0; pass < (undated_last ? 2 : 1); pass++) {
        int headed = 0;
        for (size_t i = 0; st == REF_OK && i < n; i++) {
            if (undated_last && has_date(&hits[i]) == pass)
                continue;
            const char *name = NULL;
            if (pass == 1)
                name = headed++ ? NULL : _("Uden dato");
            else if (group)
                name = group(ctx, &hits[i], label, sizeof label);
            if (name)
                st = ref_export_begin_group(ex, name);
            if (st == REF_OK)
                st = ref_export_hit(ex, &hits[i]);
        }
    }
    return st;
}

static void write_footer(ref_export *ex)
{
    switch (ex->opts.format) {
    case REF_EXPORT_CSV:
    case REF_EXPORT_JSONL:
    case REF_EXPORT_MD:
        break;
    case REF_EXPORT_HTML:
        ref_buf_printf(&ex->out, "%s</main>\n<footer><p>", ex->in_group ? "</section>\n" : "");
        ref_buf_printf(&ex->out, _("%zu fund eksporteret af Referat."), ex->nhits);
        ref_buf_puts(&ex->out, "</p></footer>\n</body>\n</html>\n");
        break;
    }
}

ref_status ref_export_close(ref_export *ex, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    if (!ex)
        return REF_EINVAL;
    if (ex->st == REF_OK)
        write_footer(ex);
    flush_out(ex, 0);
    if (ex->fd >= 0)
        finish_file(ex);
    else if (ex->st == REF_OK && fflush(stdout) != 0)
        fail_errno(ex, "cannot write", "to standard output");
    ref_status st = ex->st;
    if (st != REF_OK && errmsg)
        *errmsg = strdup(ex->err);
    release(ex);
    return st;
}

void ref_export_abort(ref_export *ex)
{
    if (ex)
        release(ex);
}
