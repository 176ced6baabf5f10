/* progress.h — the indexer's progress line.
 *
 * Pure functions: the pre-walk that gives the totals, and the formatting of
 * the bar. Printing it (and deciding whether to) is referat-index's main. */
#ifndef REFERAT_PROGRESS_H
#define REFERAT_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "referat/buf.h"

typedef struct ref_progress_totals {
    uint64_t files;
    uint64_t bytes; /* on-disk sizes */
} ref_progress_totals;

/* Count the files ref_indexer_add_path would read under PATH (a file named
 * directly always counts) and add them to *TOTALS: the quick pre-walk that
 * lets the bar show a fraction and an ETA. Unreadable folders and symlink
 * loops are passed over; the indexer reports them. */
void ref_progress_prewalk(const char *path, ref_progress_totals *totals);

/* Format one progress line into OUT (reset first), at most WIDTH columns:
 * a bar, percent, files, MB, MB/s and the ETA, e.g.
 *   [#########...........]  45%  272/606 files  4.5/10.0 MB  1.9 MB/s  ETA 0:03
 * The fraction is by bytes (by files when the total size is 0). */
void ref_progress_format(ref_buf *out, const ref_progress_totals *done,
                         const ref_progress_totals *total, double seconds, unsigned width);

#endif
