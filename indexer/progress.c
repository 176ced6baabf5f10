#include "referat/progress.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "referat/reader.h"

#define MAX_DEPTH 64 /* deeper is a symlink loop in all likelihood */

static void prewalk(const char *path, int named, unsigned depth, ref_progress_totals *t)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return;
    if (S_ISREG(sb.st_mode)) {
        if (named || ref_reader_wants_path(path)) {
            t->files++;
            t->bytes += (uint64_t)sb.st_size;
        }
        return;
    }
    if (!S_ISDIR(sb.st_mode) || depth >= MAX_DEPTH)
        return;
    DIR *d = opendir(path);
    if (!d)
        return;
    ref_buf child = REF_BUF_INIT;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* as the indexer: ".", "..", hidden files */
        ref_buf_reset(&child);
        ref_buf_printf(&child, "%s/%s", path, e->d_name);
        if (ref_buf_status(&child) == REF_OK)
            prewalk(child.data, 0, depth + 1, t);
    }
    closedir(d);
    ref_buf_free(&child);
}

void ref_progress_prewalk(const char *path, ref_progress_totals *totals)
{
    prewalk(path, 1, 0, totals);
}

static void format_eta(char *out, size_t n, double secs)
{
    if (secs < 0 || secs > 359999) {
        snprintf(out, n, "--:--");
        return;
    }
    unsigned s = (unsigned)(secs + 0.5);
    if (s >= 3600)
        snprintf(out, n, "%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(out, n, "%u:%02u", s / 60, s % 60);
}

void ref_progress_format(ref_buf *out, const ref_progress_totals *done,
                         const ref_progress_totals *total, double seconds, unsigned width)
{
    double frac = total->bytes ? (double)done->bytes / (double)total->bytes
                  : total->files ? (double)done->files / (double)total->files
                                 : 0.0;
    if (frac > 1)
        frac = 1; /* files grew, or appeared, after the pre-walk */
    double mb = done->bytes / 1e6, rate = seconds > 0 ? mb / seconds : 0;
    char eta[16];
    format_eta(eta, sizeof eta, frac > 0 && seconds > 0 ? seconds * (1 - frac) / frac : -1);
    char tail[160];
    snprintf(tail, sizeof tail, " %3.0f%%  %llu/%llu files  %.1f/%.1f MB  %.1f MB/s  ETA %s",
             frac * 100, (unsigned long long)done->files, (unsigned long long)total->files, mb,
             total->bytes / 1e6, rate, eta);
    size_t tail_len = strlen(tail);
    ref_buf_reset(out);
    /* The bar takes what the line leaves, between 10 and 30 columns. */
    size_t bar = width > tail_len + 12 ? width - tail_len - 2 : 10;
    if (bar > 30)
        bar = 30;
    size_t filled = (size_t)(frac * (double)bar + 0.5);
    ref_buf_putc(out, '[');
    for (size_t i = 0; i < bar; i++)
        ref_buf_putc(out, i < filled ? '#' : '.');
    ref_buf_putc(out, ']');
    ref_buf_append(out, tail, tail_len);
    if (width && out->len > width)
        ref_buf_truncate(out, width);
}
