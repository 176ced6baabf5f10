/* indexer.h — index minutes files into a Referat database.
 *
 * Walks files and folders, reads each file (reader.h), parses it
 * (minutes.h), analyses it (analysis.h) and writes one Xapian document per
 * punkt through the wrapper (xdb.h), using the field table (fields.h).
 *
 * A file is the unit of change: re-indexing a file first removes all its
 * punkter, so nothing is ever duplicated; a file that disappeared from an
 * indexed folder has its punkter removed by ref_indexer_finish(). Unchanged
 * files are skipped unless opts.full: same size and mtime as recorded, or
 * same size and the same content hash (FNV-1a 64 of the decoded text) when
 * only the mtime moved, and indexed with the same options that change what
 * a file yields (its --municipality): changing those re-indexes the file.
 *
 * Worker threads (opts.threads) read, parse and analyse files and build
 * their Xapian documents; the calling thread alone walks the folders, owns
 * the database and writes, in walk order, so events and results are the
 * same whatever the number of threads. At most a few files per worker are
 * in flight, so memory does not grow with the corpus.
 * Changes are committed every opts.commit_every files and at the end; the
 * database only ever holds whole commits, so a killed run loses at most the
 * files since the last commit and a rerun completes it.
 *
 * Problems with single files never stop the run: they are reported through
 * opts.on_event and counted in the stats. Only database errors end a run. */
#ifndef REFERAT_INDEXER_H
#define REFERAT_INDEXER_H

#include <stddef.h>
#include <stdint.h>

#include "referat/status.h"

typedef enum ref_index_event_kind {
    REF_INDEX_FILE_DONE,      /* a file was indexed (npunkter set) */
    REF_INDEX_FILE_UNCHANGED, /* skipped: unchanged since the last run */
    REF_INDEX_FILE_SKIPPED,   /* not indexed: status and message say why */
    REF_INDEX_FILE_REMOVED,   /* its punkter were removed: the file is gone */
    REF_INDEX_WARNING,        /* indexed, but something looked wrong */
    REF_INDEX_COMMIT,         /* a batch was committed */
    REF_INDEX_FILE_EXCLUDED,  /* met in a folder and left out: message is the
                                 --exclude pattern it matched, or "" for a
                                 project file (README, LICENSE, CHANGELOG,
                                 COPYING: not minutes); name it to index it */
} ref_index_event_kind;

typedef struct ref_index_event {
    ref_index_event_kind kind;
    const char *path;
    size_t line;        /* 1-based line the message concerns, or 0 */
    ref_status status;  /* for SKIPPED */
    const char *message; /* human-readable detail, or NULL */
    size_t npunkter;
    uint64_t bytes;     /* size of the file's text */
} ref_index_event;

typedef void (*ref_index_event_fn)(void *ctx, const ref_index_event *event);

typedef struct ref_index_opts {
    int full;               /* re-index unchanged files too */
    unsigned commit_every;  /* files per commit; 0 = default (200) */
    size_t max_file_bytes;  /* bigger files are skipped; 0 = default (1 GiB) */
    unsigned threads;       /* worker threads reading, parsing and analysing
                               files for the one database writer; 0 = one
                               per online CPU (at most 8) */
    /* Files met in folders whose name or path matches one of these
     * fnmatch(3) patterns are left out (named files never are). */
    const char *const *exclude;
    size_t nexclude;
    ref_index_event_fn on_event; /* may be NULL */
    void *event_ctx;
} ref_index_opts;

typedef struct ref_index_stats {
    uint64_t files_seen;
    uint64_t files_indexed;
    uint64_t files_unchanged;
    uint64_t files_skipped;
    uint64_t files_removed;
    uint64_t punkter;
    uint64_t bytes;
    uint64_t warnings;
    uint64_t files_structured;   /* of files_indexed: punkter recognised */
    uint64_t files_unstructured; /* of files_indexed: indexed per page or
                                    whole, no punkter recognised */
    int analyser_rebuild; /* the index was built by another analyser version
                             (REF_ANALYZER_VERSION): this run re-indexed
                             every file, as with opts.full */
} ref_index_stats;

typedef struct ref_indexer ref_indexer;

/* Open (creating if needed) the database at DB_PATH for writing.
 * REF_EDB_LOCKED when another indexer holds it. *ERRMSG (may be NULL)
 * receives a malloc'd detail message on failure. */
ref_status ref_indexer_open(const char *db_path, const ref_index_opts *opts, ref_indexer **out,
                            char **errmsg);
/* Index a file or, recursively, a folder. Returns an error only when the
 * database fails; file problems are events. */
ref_status ref_indexer_add_path(ref_indexer *ix, const char *path);
/* Files indexed by later add_path calls belong to MUNICIPALITY ("Aarhus"),
 * whatever their text names; NULL or "" goes back to detecting it from the
 * text. The string is copied. */
ref_status ref_indexer_set_municipality(ref_indexer *ix, const char *municipality);
/* Remove punkter of files that vanished from the folders given to
 * add_path, and commit. */
ref_status ref_indexer_finish(ref_indexer *ix);
const ref_index_stats *ref_indexer_stats(const ref_indexer *ix);
/* The database's last error message ("" if none). */
const char *ref_indexer_errmsg(const ref_indexer *ix);
void ref_indexer_free(ref_indexer *ix);

/* --- compaction ----------------------------------------------------------- */

typedef struct ref_compact_result {
    uint64_t bytes_before; /* disk usage of the database before */
    uint64_t bytes_after;  /* disk usage of the compacted database */
} ref_compact_result;

/* Compact the database at DB_PATH with Xapian's compaction, holding the
 * writer's lock throughout (REF_EDB_LOCKED while an indexer runs;
 * REF_EDB_NOTFOUND when there is no database). With OUTPUT, write the
 * compacted copy there (it must not exist) and leave DB_PATH as it is;
 * SINGLE_FILE makes OUTPUT one read-only file. Without OUTPUT, replace
 * DB_PATH by its compacted copy (built beside it as DB_PATH.compacting,
 * then renamed into place; readers holding the old one keep it until they
 * reopen); SINGLE_FILE is then REF_EINVAL, since the indexer could not
 * update a single file. *ERRMSG (may be NULL) receives a malloc'd detail on
 * failure. */
ref_status ref_index_compact(const char *db_path, const char *output, int single_file,
                             ref_compact_result *result, char **errmsg);

#endif
