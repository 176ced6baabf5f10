/* merge.h — the indexer's use of compaction (compact.c): merging a sharded
 * build into its database. Internal to indexer/. */
#ifndef REFERAT_INDEXER_MERGE_H
#define REFERAT_INDEXER_MERGE_H

#include <stddef.h>

#include "referat/status.h"
#include "referat/xdb.h"

/* Merge DB (the writer open on DB_PATH, whose lock it holds) and the
 * databases at SHARDS (N of them) into one compacted database, built beside
 * DB_PATH and then swapped into its place. *ERRMSG (may be NULL) receives a
 * malloc'd detail on failure. After success DB is the old, removed copy:
 * nothing more may be written through it. */
ref_status ref_index_merge(ref_xdb *db, const char *db_path, const char *const *shards, size_t n,
                           char **errmsg);

/* Remove the file or folder tree at PATH; 0 when done or absent. */
int ref_index_remove_tree(const char *path);

#endif
