#include "referat/indexer.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "punktdoc.h"
#include "referat/analysis.h"
#include "referat/buf.h"
#include "referat/fields.h"
#include "referat/minutes.h"
#include "referat/reader.h"
#include "referat/xdb.h"

#define DEFAULT_COMMIT_EVERY 200
#define DEFAULT_MAX_FILE_BYTES ((size_t)1 << 30)
/* Metadata key of a source file: "src:" + source key. Its value records
 * what the last run saw: "size mtime npunkter path". */
#define META_SOURCE "src:"

typedef struct dir_id {
    dev_t dev;
    ino_t ino;
} dir_id;

struct ref_indexer {
    ref_xdb *db;
    ref_analyzer *analyzer;
    ref_index_opts opts;
    ref_index_stats stats;
    unsigned since_commit;
    /* Folders given to add_path (real paths), to find vanished files. */
    char **roots;
    size_t nroots, roots_cap;
    /* Source keys seen in this run. */
    char **seen;
    size_t nseen, seen_cap;
    /* Folders entered, to stop symlink loops. */
    dir_id *dirs;
    size_t ndirs, dirs_cap;
    char *municipality; /* given for the paths being added, or NULL */
};

/* A file's identity in the index: FNV-1a 64 of its real path, in hex. A
 * fixed-size key keeps terms short whatever the path length. */
static void source_key(const char *realpath_, char out[17])
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)realpath_; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static void emit(ref_indexer *ix, ref_index_event_kind kind, const char *path, size_t line,
                 ref_status status, const char *message, size_t npunkter, uint64_t bytes)
{
    if (!ix->opts.on_event)
        return;
    ref_index_event ev = {kind, path, line, status, message, npunkter, bytes};
    ix->opts.on_event(ix->opts.event_ctx, &ev);
}

static void skip_file(ref_indexer *ix, const char *path, size_t line, ref_status st,
                      const char *message)
{
    ix->stats.files_skipped++;
    emit(ix, REF_INDEX_FILE_SKIPPED, path, line, st, message, 0, 0);
}

static ref_status maybe_commit(ref_indexer *ix, int force)
{
    if (!force && ix->since_commit < ix->opts.commit_every)
        return REF_OK;
    if (ix->since_commit == 0 && !force)
        return REF_OK;
    ref_status st = ref_xdb_commit(ix->db);
    if (st == REF_OK) {
        ix->since_commit = 0;
        emit(ix, REF_INDEX_COMMIT, NULL, 0, REF_OK, NULL, 0, 0);
    }
    return st;
}

static int remember(char ***arr, size_t *n, size_t *cap, const char *s)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        char **p = realloc(*arr, ncap * sizeof *p);
        if (!p)
            return -1;
        *arr = p;
        *cap = ncap;
    }
    char *copy = strdup(s);
    if (!copy)
        return -1;
    (*arr)[(*n)++] = copy;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Only valid after ref_indexer_finish() sorted ix->seen. */
static int was_seen(const ref_indexer *ix, const char *key)
{
    return ix->nseen && bsearch(&key, ix->seen, ix->nseen, sizeof *ix->seen, cmp_str) != NULL;
}

ref_status ref_indexer_open(const char *db_path, const ref_index_opts *opts, ref_indexer **out,
                            char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    if (!out || !db_path)
        return REF_EINVAL;
    *out = NULL;
    ref_indexer *ix = calloc(1, sizeof *ix);
    if (!ix)
        return REF_ENOMEM;
    if (opts)
        ix->opts = *opts;
    if (!ix->opts.commit_every)
        ix->opts.commit_every = DEFAULT_COMMIT_EVERY;
    if (!ix->opts.max_file_bytes)
        ix->opts.max_file_bytes = DEFAULT_MAX_FILE_BYTES;
    ref_status st = ref_analyzer_new(&ix->analyzer);
    if (st == REF_OK)
        st = ref_xdb_open(db_path, REF_XDB_WRITE, &ix->db, errmsg);
    if (st != REF_OK) {
        ref_indexer_free(ix);
        return st;
    }
    *out = ix;
    return REF_OK;
}

/* Modification time in nanoseconds: a file rewritten within the same
 * second with the same size is still seen as changed. */
static long long mtime_ns(const struct stat *sb)
{
    return (long long)sb->st_mtim.tv_sec * 1000000000LL + sb->st_mtim.tv_nsec;
}

/* Did the last run record KEY with this size and mtime? */
static int unchanged_since_last_run(ref_indexer *ix, const char *key, const struct stat *sb)
{
    char meta_key[32];
    snprintf(meta_key, sizeof meta_key, META_SOURCE "%s", key);
    char *value = NULL;
    if (ref_xdb_get_metadata(ix->db, meta_key, &value) != REF_OK || !value)
        return 0;
    long long size = -1, mtime = -1;
    int same = sscanf(value, "%lld %lld", &size, &mtime) == 2 && size == (long long)sb->st_size &&
               mtime == mtime_ns(sb);
    free(value);
    return same;
}

static ref_status record_source(ref_indexer *ix, const char *key, const struct stat *sb,
                                size_t npunkter, const char *path)
{
    char meta_key[32];
    snprintf(meta_key, sizeof meta_key, META_SOURCE "%s", key);
    ref_buf v = REF_BUF_INIT;
    ref_buf_printf(&v, "%lld %lld %zu %s", (long long)sb->st_size, mtime_ns(sb),
                   npunkter, path);
    ref_status st = ref_buf_status(&v);
    if (st == REF_OK)
        st = ref_xdb_set_metadata(ix->db, meta_key, v.data);
    ref_buf_free(&v);
    return st;
}

static ref_status delete_source(ref_indexer *ix, const char *key)
{
    char term[32];
    snprintf(term, sizeof term, REF_PREFIX_SOURCE "%s", key);
    return ref_xdb_delete_by_term(ix->db, term);
}

/* Remove a file's punkter and what the index remembers of it. */
static ref_status forget_source(ref_indexer *ix, const char *key)
{
    char meta_key[32];
    snprintf(meta_key, sizeof meta_key, META_SOURCE "%s", key);
    ref_status st = delete_source(ix, key);
    return st == REF_OK ? ref_xdb_set_metadata(ix->db, meta_key, "") : st;
}

static void report_warnings(ref_indexer *ix, const char *path, const ref_meeting *m)
{
    for (size_t i = 0; i < m->nwarnings; i++) {
        ix->stats.warnings++;
        emit(ix, REF_INDEX_WARNING, path, m->warnings[i].line, REF_OK, m->warnings[i].message, 0,
             0);
    }
}

static ref_status add_spelling(void *ctx, const char *word)
{
    return ref_xdb_add_spelling(((ref_indexer *)ctx)->db, word, 1);
}

/* Write the punkter of a parsed file. Old punkter of the file go first, in
 * the same commit, so a reader never sees both or neither. */
static ref_status write_meeting(ref_indexer *ix, const char *path, const char *key,
                                const ref_meeting *m)
{
    ref_status st = delete_source(ix, key);
    ref_buf unique = REF_BUF_INIT;
    for (size_t i = 0; st == REF_OK && i < m->npunkter; i++) {
        ref_xdoc *doc = NULL;
        st = ref_xdoc_new(&doc);
        if (st == REF_OK)
            st = ref_punktdoc_build(ix->analyzer, m, i, path, key, doc, &unique, add_spelling,
                                    ix);
        if (st == REF_OK)
            st = ref_xdb_replace(ix->db, unique.data, doc);
        ref_xdoc_free(doc);
    }
    ref_buf_free(&unique);
    return st;
}

static ref_status index_file(ref_indexer *ix, const char *path, const struct stat *sb)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        skip_file(ix, path, 0, REF_ENOENT, strerror(errno));
        return REF_OK;
    }
    char key[17];
    source_key(real, key);
    ix->stats.files_seen++;
    if (remember(&ix->seen, &ix->nseen, &ix->seen_cap, key) != 0)
        return REF_ENOMEM;
    if (!ix->opts.full && unchanged_since_last_run(ix, key, sb)) {
        ix->stats.files_unchanged++;
        emit(ix, REF_INDEX_FILE_UNCHANGED, real, 0, REF_OK, NULL, 0, (uint64_t)sb->st_size);
        return REF_OK;
    }
    ref_text text;
    const char *detail = NULL;
    ref_status st = ref_text_read_file(real, ix->opts.max_file_bytes, &text, &detail);
    if (st != REF_OK) {
        /* A file that turned bad loses its old punkter: the index must not
         * keep showing text the file no longer has. */
        ref_status dst = forget_source(ix, key);
        skip_file(ix, real, 0, st, detail);
        return dst;
    }
    if (text.source_encoding != REF_ENC_UTF8) {
        char msg[96];
        snprintf(msg, sizeof msg, "not UTF-8: read as %s",
                 ref_encoding_name(text.source_encoding));
        ix->stats.warnings++;
        emit(ix, REF_INDEX_WARNING, real, 0, REF_OK, msg, 0, 0);
    }
    if (text.invalid_line) {
        ix->stats.warnings++;
        emit(ix, REF_INDEX_WARNING, real, text.invalid_line, REF_OK,
             "invalid UTF-8 replaced by U+FFFD", 0, 0);
    }
    ref_meeting *m = NULL;
    /* Never lose text: a file without recognised punkter is indexed per
     * page or whole (minutes.h), and counted as unstructured. */
    st = ref_minutes_parse_with_fallback(text.data, text.len, &m);
    uint64_t bytes = text.len;
    ref_text_free(&text);
    if (st != REF_OK)
        return st;
    report_warnings(ix, real, m);
    if (m->npunkter == 0) { /* only white space and page furniture */
        ref_meeting_free(m);
        st = forget_source(ix, key);
        skip_file(ix, real, 0, REF_EEMPTY, "no text besides page headers and footers");
        return st;
    }
    if (ix->municipality)
        m->municipality = ix->municipality; /* borrowed; the meeting frees no field */
    st = write_meeting(ix, real, key, m);
    if (st == REF_OK)
        st = record_source(ix, key, sb, m->npunkter, real);
    if (st == REF_OK) {
        ix->stats.files_indexed++;
        if (m->unstructured)
            ix->stats.files_unstructured++;
        else
            ix->stats.files_structured++;
        ix->stats.punkter += m->npunkter;
        ix->stats.bytes += bytes;
        ix->since_commit++;
        emit(ix, REF_INDEX_FILE_DONE, real, 0, REF_OK, NULL, m->npunkter, bytes);
    }
    ref_meeting_free(m);
    return st == REF_OK ? maybe_commit(ix, 0) : st;
}

static ref_status walk(ref_indexer *ix, const char *path, int named);

static ref_status walk_dir(ref_indexer *ix, const char *path, const struct stat *sb)
{
    for (size_t i = 0; i < ix->ndirs; i++)
        if (ix->dirs[i].dev == sb->st_dev && ix->dirs[i].ino == sb->st_ino)
            return REF_OK; /* a symlink loop, or a folder reached twice */
    if (ix->ndirs == ix->dirs_cap) {
        size_t ncap = ix->dirs_cap ? ix->dirs_cap * 2 : 16;
        dir_id *p = realloc(ix->dirs, ncap * sizeof *p);
        if (!p)
            return REF_ENOMEM;
        ix->dirs = p;
        ix->dirs_cap = ncap;
    }
    ix->dirs[ix->ndirs++] = (dir_id){sb->st_dev, sb->st_ino};
    DIR *d = opendir(path);
    if (!d) {
        skip_file(ix, path, 0, REF_EIO, strerror(errno));
        return REF_OK;
    }
    /* Sorted, so runs are reproducible. */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    ref_status st = REF_OK;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ".", "..", and hidden files such as editor backups */
        if (remember(&names, &n, &cap, e->d_name) != 0) {
            st = REF_ENOMEM;
            break;
        }
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    ref_buf child = REF_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (st == REF_OK) {
            ref_buf_reset(&child);
            ref_buf_printf(&child, "%s/%s", path, names[i]);
            st = ref_buf_status(&child);
            if (st == REF_OK)
                st = walk(ix, child.data, 0);
        }
        free(names[i]);
    }
    free(names);
    ref_buf_free(&child);
    return st;
}

/* NAMED: the user named PATH; a file they name is read whatever its
 * extension, while files met in folders must look like minutes. */
static ref_status walk(ref_indexer *ix, const char *path, int named)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        skip_file(ix, path, 0, errno == ENOENT ? REF_ENOENT : REF_EIO, strerror(errno));
        return REF_OK;
    }
    if (S_ISDIR(sb.st_mode))
        return walk_dir(ix, path, &sb);
    if (!S_ISREG(sb.st_mode)) {
        if (named)
            skip_file(ix, path, 0, REF_EINVAL, "not a regular file");
        return REF_OK;
    }
    if (!named && !ref_reader_wants_path(path))
        return REF_OK;
    return index_file(ix, path, &sb);
}

ref_status ref_indexer_add_path(ref_indexer *ix, const char *path)
{
    if (!ix || !path)
        return REF_EINVAL;
    struct stat sb;
    char real[PATH_MAX];
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) && realpath(path, real)) {
        if (remember(&ix->roots, &ix->nroots, &ix->roots_cap, real) != 0)
            return REF_ENOMEM;
    }
    return walk(ix, path, 1);
}

typedef struct vanish_ctx {
    ref_indexer *ix;
    ref_status status;
} vanish_ctx;

static int under_root(const ref_indexer *ix, const char *path)
{
    for (size_t i = 0; i < ix->nroots; i++) {
        size_t n = strlen(ix->roots[i]);
        if (strncmp(path, ix->roots[i], n) == 0 && (path[n] == '/' || ix->roots[i][n - 1] == '/'))
            return 1;
    }
    return 0;
}

/* For each file the index knows: if it lies under a folder indexed in this
 * run and was not seen, it is gone (or no longer minutes): drop it. */
static int drop_if_vanished(void *vctx, const char *meta_key, const char *value)
{
    vanish_ctx *c = vctx;
    const char *key = meta_key + strlen(META_SOURCE);
    long long size, mtime;
    size_t npunkter;
    int off = 0;
    if (sscanf(value, "%lld %lld %zu %n", &size, &mtime, &npunkter, &off) < 3 || off == 0)
        return 0;
    const char *path = value + off;
    if (was_seen(c->ix, key) || !under_root(c->ix, path))
        return 0;
    c->status = forget_source(c->ix, key);
    if (c->status != REF_OK)
        return 1;
    c->ix->stats.files_removed++;
    emit(c->ix, REF_INDEX_FILE_REMOVED, path, 0, REF_OK, NULL, npunkter, 0);
    return 0;
}

ref_status ref_indexer_finish(ref_indexer *ix)
{
    if (!ix)
        return REF_EINVAL;
    vanish_ctx c = {ix, REF_OK};
    ref_status st = REF_OK;
    if (ix->nseen)
        qsort(ix->seen, ix->nseen, sizeof *ix->seen, cmp_str);
    if (ix->nroots)
        st = ref_xdb_metadata_walk(ix->db, META_SOURCE, drop_if_vanished, &c);
    if (st == REF_OK)
        st = c.status;
    if (st == REF_OK)
        st = maybe_commit(ix, 1);
    return st;
}

ref_status ref_indexer_set_municipality(ref_indexer *ix, const char *municipality)
{
    if (!ix)
        return REF_EINVAL;
    free(ix->municipality);
    ix->municipality = NULL;
    if (municipality && *municipality && !(ix->municipality = strdup(municipality)))
        return REF_ENOMEM;
    return REF_OK;
}

const ref_index_stats *ref_indexer_stats(const ref_indexer *ix) { return &ix->stats; }

const char *ref_indexer_errmsg(const ref_indexer *ix) { return ix ? ref_xdb_errmsg(ix->db) : ""; }

void ref_indexer_free(ref_indexer *ix)
{
    if (!ix)
        return;
    ref_xdb_close(ix->db);
    ref_analyzer_free(ix->analyzer);
    for (size_t i = 0; i < ix->nroots; i++)
        free(ix->roots[i]);
    free(ix->roots);
    for (size_t i = 0; i < ix->nseen; i++)
        free(ix->seen[i]);
    free(ix->seen);
    free(ix->dirs);
    free(ix->municipality);
    free(ix);
}
