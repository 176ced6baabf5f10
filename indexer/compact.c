/* compact.c — Xapian compaction of a Referat database, in place or to a copy. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "referat/buf.h"
#include "referat/indexer.h"
#include "referat/xdb.h"

#include "merge.h"

/* nftw has no context argument; these callbacks only run inside the two
 * helpers below, one walk at a time per thread. */
static _Thread_local uint64_t walk_bytes;

static int add_usage(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)path, (void)type, (void)ftw;
    walk_bytes += (uint64_t)sb->st_blocks * 512;
    return 0;
}

/* Disk usage of a file or folder (what `du` counts). */
static uint64_t disk_usage(const char *path)
{
    walk_bytes = 0;
    if (nftw(path, add_usage, 16, FTW_PHYS) != 0)
        return 0;
    return walk_bytes;
}

static int remove_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb, (void)ftw;
    return type == FTW_DP ? rmdir(path) : unlink(path);
}

int ref_index_remove_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return errno == ENOENT ? 0 : -1;
    return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void set_msg(char **errmsg, const char *what, const char *path, const char *detail)
{
    if (!errmsg)
        return;
    ref_buf b = REF_BUF_INIT;
    ref_buf_printf(&b, "%s %s: %s", what, path, detail);
    *errmsg = ref_buf_detach(&b);
}

/* Swap the compacted copy TMP into DB_PATH's place. Between the two renames
 * DB_PATH is briefly absent; it is never half-written. */
static ref_status swap_in(const char *db_path, const char *tmp, char **errmsg)
{
    ref_buf old = REF_BUF_INIT;
    ref_buf_printf(&old, "%s.old", db_path);
    if (ref_buf_status(&old) != REF_OK)
        return REF_ENOMEM;
    ref_status st = REF_OK;
    if (ref_index_remove_tree(old.data) != 0 || rename(db_path, old.data) != 0) {
        set_msg(errmsg, "cannot move aside", db_path, strerror(errno));
        st = REF_EIO;
    } else if (rename(tmp, db_path) != 0) {
        set_msg(errmsg, "cannot rename", tmp, strerror(errno));
        rename(old.data, db_path); /* put the original back */
        st = REF_EIO;
    } else {
        ref_index_remove_tree(old.data);
    }
    ref_buf_free(&old);
    return st;
}

ref_status ref_index_compact(const char *db_path, const char *output, int single_file,
                             ref_compact_result *result, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    if (!db_path || !result || (single_file && !output))
        return REF_EINVAL;
    *result = (ref_compact_result){0};
    struct stat sb;
    if (stat(db_path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return REF_EDB_NOTFOUND; /* opening a writer would create one */
    if (output && lstat(output, &sb) == 0) {
        set_msg(errmsg, "will not overwrite", output, "it exists");
        return REF_EINVAL;
    }
    ref_xdb *db = NULL;
    ref_status st = ref_xdb_open(db_path, REF_XDB_WRITE, &db, errmsg);
    if (st != REF_OK)
        return st;
    ref_buf tmp = REF_BUF_INIT;
    if (!output)
        ref_buf_printf(&tmp, "%s.compacting", db_path);
    const char *dst = output ? output : tmp.data;
    if (!dst) {
        ref_xdb_close(db);
        return REF_ENOMEM;
    }
    result->bytes_before = disk_usage(db_path);
    if (!output)
        ref_index_remove_tree(dst); /* left by a killed run */
    st = ref_xdb_compact(db, dst, single_file);
    if (st != REF_OK) {
        set_msg(errmsg, "compacting", db_path, ref_xdb_errmsg(db));
        ref_index_remove_tree(dst);
    } else if (!output) {
        st = swap_in(db_path, dst, errmsg);
    }
    /* Close the writer after the swap: its lock kept other indexers out
     * until the compacted database was in place. */
    ref_xdb_close(db);
    if (st == REF_OK)
        result->bytes_after = disk_usage(output ? output : db_path);
    ref_buf_free(&tmp);
    return st;
}

ref_status ref_index_merge(ref_xdb *db, const char *db_path, const char *const *shards, size_t n,
                           char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    ref_buf tmp = REF_BUF_INIT;
    ref_buf_printf(&tmp, "%s.merging", db_path);
    if (ref_buf_status(&tmp) != REF_OK)
        return REF_ENOMEM;
    ref_index_remove_tree(tmp.data); /* left by a killed run */
    ref_status st = ref_xdb_merge(db, shards, n, tmp.data);
    if (st != REF_OK) {
        set_msg(errmsg, "merging the shards of", db_path, ref_xdb_errmsg(db));
        ref_index_remove_tree(tmp.data);
    } else {
        st = swap_in(db_path, tmp.data, errmsg);
    }
    ref_buf_free(&tmp);
    return st;
}
