#include "referat/indexer.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
 * what the last run saw: "size mtime npunkter #hash path", hash being the
 * FNV-1a 64 of the file's decoded text in hex (older indexes lack "#hash ";
 * paths are real paths and start with '/', so the two forms never clash). */
#define META_SOURCE "src:"
/* The options a file was indexed with that change what it yields (today
 * --municipality), per file: "" or absent when none. A file whose options
 * changed is re-indexed although its bytes did not. */
#define META_OPTIONS "opt:"
#define MAX_WORKERS 8
/* Files in flight per worker: enough to keep every worker busy while the
 * writer commits, few enough that memory stays flat (each file's text,
 * parse and documents are held until written). */
#define JOBS_PER_WORKER 3

typedef struct dir_id {
    dev_t dev;
    ino_t ino;
} dir_id;

/* One file on its way through the pipeline. The writer thread fills the
 * first part and queues it; a worker fills the rest (reading, parsing,
 * analysis and building the Xapian documents, none of which touches the
 * database) and marks it done; the writer then writes it, in walk order. */
typedef struct file_job {
    char *path; /* real path */
    char key[17];
    struct stat sb;
    int work;   /* 0: nothing for a worker (already decided by the walk) */
    int known;  /* the index holds punkter of this file from an earlier run */
    int done;   /* the worker finished (under the pipeline mutex) */
    char *municipality; /* --municipality for this file, or NULL (detect) */
    struct file_job *next_todo;
    /* Worker results. */
    ref_status read_status;
    const char *read_detail;
    ref_encoding encoding;
    size_t invalid_line;
    uint64_t bytes;
    uint64_t hash;
    ref_meeting *meeting;
    ref_status build_status; /* parsing or building failed: ends the run */
    ref_xdoc **docs;
    char **uniques;
    size_t ndocs;
    /* Spelling words, sorted, NUL-separated: the writer adds each distinct
     * word once with its count. */
    ref_buf words;
} file_job;

typedef struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t work_ready; /* a job was queued, or stopping */
    pthread_cond_t job_done;   /* a worker finished a job */
    file_job *todo_head, *todo_tail;
    /* Jobs in flight, oldest first: the writer writes ring[head] next. */
    file_job **ring;
    size_t cap, head, count;
    int stopping;
    pthread_t threads[MAX_WORKERS];
    ref_analyzer *analyzers[MAX_WORKERS];
    size_t nthreads;
    int started;
} pipeline;

struct ref_indexer {
    ref_xdb *db;
    pipeline pipe;
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

/* FNV-1a 64 of a file's decoded text: confirms "unchanged" when only the
 * mtime moved (a checkout, a copy, a touch). */
static uint64_t text_hash(const char *text, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 1099511628211ULL;
    }
    return h;
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

static void job_free(file_job *job)
{
    if (!job)
        return;
    for (size_t i = 0; i < job->ndocs; i++) {
        ref_xdoc_free(job->docs[i]);
        free(job->uniques[i]);
    }
    free(job->docs);
    free(job->uniques);
    ref_meeting_free(job->meeting);
    ref_buf_free(&job->words);
    free(job->municipality); /* after the meeting, which borrowed it */
    free(job->path);
    free(job);
}

/* --- the worker side: everything that needs no database ------------------ */

static ref_status collect_word(void *ctx, const char *word)
{
    ref_buf *words = ctx;
    ref_buf_append(words, word, strlen(word) + 1);
    return ref_buf_status(words);
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort the job's spelling words so the writer adds each once, with its
 * count: the dictionary ends up exactly as with one call per occurrence. */
static ref_status sort_words(ref_buf *words)
{
    size_t n = 0;
    for (size_t i = 0; i < words->len; i += strlen(words->data + i) + 1)
        n++;
    if (n < 2)
        return REF_OK;
    const char **w = malloc(n * sizeof *w);
    if (!w)
        return REF_ENOMEM;
    n = 0;
    for (size_t i = 0; i < words->len; i += strlen(words->data + i) + 1)
        w[n++] = words->data + i;
    qsort(w, n, sizeof *w, cmp_cstr);
    ref_buf sorted = REF_BUF_INIT;
    ref_buf_reserve(&sorted, words->len);
    for (size_t i = 0; i < n; i++)
        ref_buf_append(&sorted, w[i], strlen(w[i]) + 1);
    free(w);
    ref_status st = ref_buf_status(&sorted);
    if (st == REF_OK) {
        ref_buf_free(words);
        *words = sorted;
    } else {
        ref_buf_free(&sorted);
    }
    return st;
}

static ref_status build_docs(ref_analyzer *an, file_job *job, size_t max_file_bytes)
{
    ref_text text;
    job->read_status = ref_text_read_file(job->path, max_file_bytes, &text, &job->read_detail);
    if (job->read_status != REF_OK)
        return REF_OK; /* a file problem, reported by the writer */
    job->encoding = text.source_encoding;
    job->invalid_line = text.invalid_line;
    job->bytes = text.len;
    job->hash = text_hash(text.data, text.len);
    /* Never lose text: a file without recognised punkter is indexed per
     * page or whole (minutes.h), and counted as unstructured. */
    ref_status st = ref_minutes_parse_with_fallback(text.data, text.len, &job->meeting);
    ref_text_free(&text);
    if (st != REF_OK || job->meeting->npunkter == 0)
        return st;
    if (job->municipality) /* borrowed; the meeting frees no field */
        job->meeting->municipality = job->municipality;
    size_t n = job->meeting->npunkter;
    job->docs = calloc(n, sizeof *job->docs);
    job->uniques = calloc(n, sizeof *job->uniques);
    if (!job->docs || !job->uniques)
        return REF_ENOMEM;
    ref_buf unique = REF_BUF_INIT;
    for (size_t i = 0; st == REF_OK && i < n; i++) {
        st = ref_xdoc_new(&job->docs[i]);
        if (st == REF_OK) {
            job->ndocs = i + 1;
            st = ref_punktdoc_build(an, job->meeting, i, job->path, job->key, job->docs[i],
                                    &unique, collect_word, &job->words);
        }
        if (st == REF_OK && !(job->uniques[i] = strdup(unique.data)))
            st = REF_ENOMEM;
    }
    ref_buf_free(&unique);
    return st == REF_OK ? sort_words(&job->words) : st;
}

typedef struct worker_arg {
    ref_indexer *ix;
    size_t slot;
} worker_arg;

static void *worker_main(void *varg)
{
    ref_indexer *ix = ((worker_arg *)varg)->ix;
    ref_analyzer *an = ix->pipe.analyzers[((worker_arg *)varg)->slot];
    free(varg);
    pipeline *p = &ix->pipe;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->todo_head && !p->stopping)
            pthread_cond_wait(&p->work_ready, &p->mu);
        if (p->stopping) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        file_job *job = p->todo_head;
        p->todo_head = job->next_todo;
        if (!p->todo_head)
            p->todo_tail = NULL;
        pthread_mutex_unlock(&p->mu);

        job->build_status = build_docs(an, job, ix->opts.max_file_bytes);

        pthread_mutex_lock(&p->mu);
        job->done = 1;
        pthread_cond_broadcast(&p->job_done);
        pthread_mutex_unlock(&p->mu);
    }
}

static unsigned default_workers(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (unsigned)n;
}

static ref_status pipeline_start(ref_indexer *ix)
{
    pipeline *p = &ix->pipe;
    unsigned n = ix->opts.threads ? ix->opts.threads : default_workers();
    if (n > MAX_WORKERS)
        n = MAX_WORKERS;
    p->cap = (size_t)n * JOBS_PER_WORKER;
    p->ring = calloc(p->cap, sizeof *p->ring);
    if (!p->ring)
        return REF_ENOMEM;
    if (pthread_mutex_init(&p->mu, NULL) != 0)
        return REF_ENOMEM;
    pthread_cond_init(&p->work_ready, NULL);
    pthread_cond_init(&p->job_done, NULL);
    p->started = 1;
    for (size_t i = 0; i < n; i++) {
        ref_status st = ref_analyzer_new(&p->analyzers[i]);
        if (st != REF_OK)
            return st;
        worker_arg *arg = malloc(sizeof *arg);
        if (!arg)
            return REF_ENOMEM;
        *arg = (worker_arg){ix, i};
        if (pthread_create(&p->threads[i], NULL, worker_main, arg) != 0) {
            free(arg);
            return REF_ENOMEM;
        }
        p->nthreads = i + 1;
    }
    return REF_OK;
}

/* Stop the workers and free whatever is still in flight (after an error;
 * a normal run has drained the pipeline before). */
static void pipeline_stop(ref_indexer *ix)
{
    pipeline *p = &ix->pipe;
    if (!p->started)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = 1;
    pthread_cond_broadcast(&p->work_ready);
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    for (size_t i = 0; i < MAX_WORKERS; i++)
        ref_analyzer_free(p->analyzers[i]);
    for (; p->count; p->count--, p->head = (p->head + 1) % p->cap)
        job_free(p->ring[p->head]);
    pthread_cond_destroy(&p->work_ready);
    pthread_cond_destroy(&p->job_done);
    pthread_mutex_destroy(&p->mu);
    free(p->ring);
    p->started = 0;
}

/* An index with documents made by another analyser version (or by the
 * first, which wrote none) has terms this program's queries do not look
 * for: re-index every file, as --full does. The version is written at
 * ref_indexer_finish, once the rebuild is complete (a new index gets it at
 * once). */
static ref_status check_analyser_version(ref_indexer *ix)
{
    char *version = NULL;
    uint32_t docs = 0;
    ref_status st = ref_xdb_get_metadata(ix->db, REF_ANALYZER_VERSION_KEY, &version);
    if (st == REF_OK)
        st = ref_xdb_doccount(ix->db, &docs);
    if (st == REF_OK && docs > 0 && strcmp(version, REF_ANALYZER_VERSION) != 0) {
        ix->opts.full = 1;
        ix->stats.analyser_rebuild = 1;
    } else if (st == REF_OK && docs == 0) {
        /* A new index: every document it will hold is of this version, so
         * say so with the first commit (a search during the first run, or
         * after it was killed, must not find it unversioned). */
        st = ref_xdb_set_metadata(ix->db, REF_ANALYZER_VERSION_KEY, REF_ANALYZER_VERSION);
    }
    free(version);
    return st;
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
    ref_status st = ref_xdb_open(db_path, REF_XDB_WRITE, &ix->db, errmsg);
    if (st == REF_OK)
        st = check_analyser_version(ix);
    if (st == REF_OK)
        st = pipeline_start(ix);
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

/* What the last run recorded of a source file. */
typedef struct source_meta {
    long long size, mtime;
    size_t npunkter;
    int has_hash;
    unsigned long long hash;
    const char *path; /* into the value */
} source_meta;

static int parse_source_meta(const char *value, source_meta *sm)
{
    int off = 0;
    if (sscanf(value, "%lld %lld %zu %n", &sm->size, &sm->mtime, &sm->npunkter, &off) < 3 ||
        off == 0)
        return 0;
    sm->has_hash = 0;
    int hoff = 0;
    if (value[off] == '#' && sscanf(value + off, "#%16llx %n", &sm->hash, &hoff) == 1 && hoff) {
        sm->has_hash = 1;
        off += hoff;
    }
    sm->path = value + off;
    return 1;
}

static ref_status record_source(ref_indexer *ix, const char *key, const struct stat *sb,
                                size_t npunkter, uint64_t hash, const char *path)
{
    char meta_key[32];
    snprintf(meta_key, sizeof meta_key, META_SOURCE "%s", key);
    ref_buf v = REF_BUF_INIT;
    ref_buf_printf(&v, "%lld %lld %zu #%016llx %s", (long long)sb->st_size, mtime_ns(sb),
                   npunkter, (unsigned long long)hash, path);
    ref_status st = ref_buf_status(&v);
    if (st == REF_OK)
        st = ref_xdb_set_metadata(ix->db, meta_key, v.data);
    ref_buf_free(&v);
    return st;
}

/* Does the index know KEY (*KNOWN), and did the last run index it as it
 * is now (*UNCHANGED; never with opts.full)? Same size and mtime: yes. Same
 * size, other mtime: read the file and compare the content hash; when it
 * matches, record the new mtime so the next run decides by stat alone. */
/* The options FILE is (to be) indexed with, as META_OPTIONS stores them. */
static const char *file_options(const char *municipality)
{
    return municipality ? municipality : "";
}

static ref_status record_options(ref_indexer *ix, const char *key, const char *options)
{
    char meta_key[32];
    snprintf(meta_key, sizeof meta_key, META_OPTIONS "%s", key);
    return ref_xdb_set_metadata(ix->db, meta_key, options);
}

/* 1 when the options KEY was indexed with are OPTIONS. */
static int same_options(ref_indexer *ix, const char *key, const char *options)
{
    char meta_key[32];
    snprintf(meta_key, sizeof meta_key, META_OPTIONS "%s", key);
    char *value = NULL;
    if (ref_xdb_get_metadata(ix->db, meta_key, &value) != REF_OK)
        return 0;
    int same = strcmp(value ? value : "", options) == 0;
    free(value);
    return same;
}

static ref_status check_unchanged(ref_indexer *ix, const char *key, const char *real,
                                  const struct stat *sb, const char *options, int *known,
                                  int *unchanged)
{
    *known = *unchanged = 0;
    char meta_key[32];
    snprintf(meta_key, sizeof meta_key, META_SOURCE "%s", key);
    char *value = NULL;
    ref_status st = ref_xdb_get_metadata(ix->db, meta_key, &value);
    if (st != REF_OK || !value)
        return st;
    if (!same_options(ix, key, options)) {
        /* Indexed with other options: known, and re-indexed. */
        source_meta sm;
        *known = parse_source_meta(value, &sm);
        free(value);
        return REF_OK;
    }
    source_meta sm;
    /* Metadata is committed with the punkter, so no record means none. */
    *known = parse_source_meta(value, &sm);
    if (*known && !ix->opts.full && sm.size == (long long)sb->st_size) {
        if (sm.mtime == mtime_ns(sb)) {
            *unchanged = 1;
        } else if (sm.has_hash) {
            ref_text text;
            if (ref_text_read_file(real, ix->opts.max_file_bytes, &text, NULL) == REF_OK) {
                *unchanged = text_hash(text.data, text.len) == sm.hash;
                ref_text_free(&text);
            }
            if (*unchanged)
                st = record_source(ix, key, sb, sm.npunkter, sm.hash, real);
        }
    }
    free(value);
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
    if (st == REF_OK)
        st = record_options(ix, key, "");
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

/* Add the job's spelling words, each distinct word once with its count. */
static ref_status add_spellings(ref_indexer *ix, const ref_buf *words)
{
    ref_status st = REF_OK;
    size_t i = 0;
    while (st == REF_OK && i < words->len) {
        const char *w = words->data + i;
        size_t step = strlen(w) + 1;
        uint32_t count = 0;
        while (i < words->len && strcmp(words->data + i, w) == 0) {
            count++;
            i += step;
        }
        st = ref_xdb_add_spelling(ix->db, w, count);
    }
    return st;
}

/* Write the punkter of a parsed file. Old punkter of the file go first, in
 * the same commit, so a reader never sees both or neither. */
static ref_status write_meeting(ref_indexer *ix, const file_job *job)
{
    ref_status st = job->known ? delete_source(ix, job->key) : REF_OK;
    /* A file new to the index has no punkter to replace: adding skips a
     * look-up per punkt. */
    for (size_t i = 0; st == REF_OK && i < job->ndocs; i++)
        st = job->known ? ref_xdb_replace(ix->db, job->uniques[i], job->docs[i])
                        : ref_xdb_add(ix->db, job->docs[i]);
    if (st == REF_OK)
        st = add_spellings(ix, &job->words);
    return st;
}

/* --- the writer side: in walk order --------------------------------------- */

/* Report and write one finished job: the same events, in the same order, as
 * reading it on the spot would give. */
static ref_status write_job(ref_indexer *ix, file_job *job)
{
    const char *real = job->path;
    if (!job->work) {
        ix->stats.files_unchanged++;
        emit(ix, REF_INDEX_FILE_UNCHANGED, real, 0, REF_OK, NULL, 0, (uint64_t)job->sb.st_size);
        return REF_OK;
    }
    if (job->read_status != REF_OK) {
        /* A file that turned bad loses its old punkter: the index must not
         * keep showing text the file no longer has. */
        ref_status dst = forget_source(ix, job->key);
        skip_file(ix, real, 0, job->read_status, job->read_detail);
        return dst;
    }
    if (job->encoding != REF_ENC_UTF8) {
        char msg[96];
        snprintf(msg, sizeof msg, "not UTF-8: read as %s", ref_encoding_name(job->encoding));
        ix->stats.warnings++;
        emit(ix, REF_INDEX_WARNING, real, 0, REF_OK, msg, 0, 0);
    }
    if (job->invalid_line) {
        ix->stats.warnings++;
        emit(ix, REF_INDEX_WARNING, real, job->invalid_line, REF_OK,
             "invalid UTF-8 replaced by U+FFFD", 0, 0);
    }
    if (!job->meeting)
        return job->build_status != REF_OK ? job->build_status : REF_ENOMEM;
    const ref_meeting *m = job->meeting;
    report_warnings(ix, real, m);
    if (job->build_status != REF_OK)
        return job->build_status;
    if (m->npunkter == 0) { /* only white space and page furniture */
        ref_status st = forget_source(ix, job->key);
        skip_file(ix, real, 0, REF_EEMPTY, "no text besides page headers and footers");
        return st;
    }
    ref_status st = write_meeting(ix, job);
    if (st == REF_OK)
        st = record_source(ix, job->key, &job->sb, m->npunkter, job->hash, real);
    if (st == REF_OK)
        st = record_options(ix, job->key, file_options(job->municipality));
    if (st == REF_OK) {
        ix->stats.files_indexed++;
        if (m->unstructured)
            ix->stats.files_unstructured++;
        else
            ix->stats.files_structured++;
        ix->stats.punkter += m->npunkter;
        ix->stats.bytes += job->bytes;
        ix->since_commit++;
        emit(ix, REF_INDEX_FILE_DONE, real, 0, REF_OK, NULL, m->npunkter, job->bytes);
    }
    return st == REF_OK ? maybe_commit(ix, 0) : st;
}

/* Wait for the oldest job in flight, write it and free it. */
static ref_status write_oldest(ref_indexer *ix)
{
    pipeline *p = &ix->pipe;
    file_job *job = p->ring[p->head];
    pthread_mutex_lock(&p->mu);
    while (!job->done)
        pthread_cond_wait(&p->job_done, &p->mu);
    pthread_mutex_unlock(&p->mu);
    p->head = (p->head + 1) % p->cap;
    p->count--;
    ref_status st = write_job(ix, job);
    job_free(job);
    return st;
}

/* Write every job in flight. Events from the walk itself wait for this, so
 * they come in walk order too. */
static ref_status drain(ref_indexer *ix)
{
    ref_status st = REF_OK;
    while (st == REF_OK && ix->pipe.count)
        st = write_oldest(ix);
    return st;
}

static int in_flight(const ref_indexer *ix, const char *key)
{
    const pipeline *p = &ix->pipe;
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->ring[(p->head + i) % p->cap]->key, key) == 0)
            return 1;
    return 0;
}

/* Queue JOB (taking it); a worker reads it unless the walk decided it. */
static ref_status submit(ref_indexer *ix, file_job *job)
{
    pipeline *p = &ix->pipe;
    ref_status st = p->count == p->cap ? write_oldest(ix) : REF_OK;
    if (st != REF_OK) {
        job_free(job);
        return st;
    }
    p->ring[(p->head + p->count) % p->cap] = job;
    p->count++;
    pthread_mutex_lock(&p->mu);
    if (job->work) {
        if (p->todo_tail)
            p->todo_tail->next_todo = job;
        else
            p->todo_head = job;
        p->todo_tail = job;
        pthread_cond_signal(&p->work_ready);
    } else {
        job->done = 1;
    }
    pthread_mutex_unlock(&p->mu);
    return REF_OK;
}

/* A walk-time skip: written after the files before it. */
static ref_status skip_in_order(ref_indexer *ix, const char *path, ref_status why,
                                const char *message)
{
    ref_status st = drain(ix);
    if (st == REF_OK)
        skip_file(ix, path, 0, why, message);
    return st;
}

static ref_status index_file(ref_indexer *ix, const char *path, const struct stat *sb)
{
    char real[PATH_MAX];
    if (!realpath(path, real))
        return skip_in_order(ix, path, REF_ENOENT, strerror(errno));
    file_job *job = calloc(1, sizeof *job);
    if (!job || !(job->path = strdup(real))) {
        free(job);
        return REF_ENOMEM;
    }
    source_key(real, job->key);
    job->sb = *sb;
    if (ix->municipality && !(job->municipality = strdup(ix->municipality))) {
        job_free(job);
        return REF_ENOMEM;
    }
    ix->stats.files_seen++;
    if (remember(&ix->seen, &ix->nseen, &ix->seen_cap, job->key) != 0) {
        job_free(job);
        return REF_ENOMEM;
    }
    /* The same file reached twice (a link): let the first visit land. */
    ref_status st = in_flight(ix, job->key) ? drain(ix) : REF_OK;
    int unchanged = 0;
    if (st == REF_OK)
        st = check_unchanged(ix, job->key, real, sb, file_options(job->municipality), &job->known,
                             &unchanged);
    if (st != REF_OK) {
        job_free(job);
        return st;
    }
    job->work = !unchanged;
    return submit(ix, job);
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
    if (!d)
        return skip_in_order(ix, path, REF_EIO, strerror(errno));
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

/* Files met in folders that are a project's papers, not minutes: a
 * README.md or CHANGELOG.txt beside the minutes would otherwise be indexed
 * as one. Matched on the file name, in any case. */
static const char *const default_excludes[] = {"readme*", "license*", "licence*", "changelog*",
                                               "copying*"};

/* Why PATH, met in a folder, is left out: the --exclude pattern it
 * matches (on its name or its whole path), a note for a default
 * exclusion, or NULL when it is not. */
static const char *excluded(const ref_indexer *ix, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    for (size_t i = 0; i < ix->opts.nexclude; i++)
        if (fnmatch(ix->opts.exclude[i], name, 0) == 0 ||
            fnmatch(ix->opts.exclude[i], path, 0) == 0)
            return ix->opts.exclude[i];
    char lower[64]; /* the names excluded by default are short */
    size_t n = 0;
    for (; name[n] && n + 1 < sizeof lower; n++)
        lower[n] = name[n] >= 'A' && name[n] <= 'Z' ? (char)(name[n] + 32) : name[n];
    lower[n] = '\0';
    for (size_t i = 0; i < sizeof default_excludes / sizeof *default_excludes; i++)
        if (fnmatch(default_excludes[i], lower, 0) == 0)
            return "";
    return NULL;
}

/* NAMED: the user named PATH; a file they name is read whatever its
 * extension, while files met in folders must look like minutes. */
static ref_status walk(ref_indexer *ix, const char *path, int named)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return skip_in_order(ix, path, errno == ENOENT ? REF_ENOENT : REF_EIO, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return walk_dir(ix, path, &sb);
    if (!S_ISREG(sb.st_mode))
        return named ? skip_in_order(ix, path, REF_EINVAL, "not a regular file") : REF_OK;
    if (!named && !ref_reader_wants_path(path))
        return REF_OK;
    if (!named) {
        const char *why = excluded(ix, path);
        if (why) {
            ref_status st = drain(ix); /* the note in walk order too */
            if (st == REF_OK)
                emit(ix, REF_INDEX_FILE_EXCLUDED, path, 0, REF_OK, why, 0, 0);
            return st;
        }
    }
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
    ref_status st = walk(ix, path, 1);
    /* The stats are complete when this returns. */
    return st == REF_OK ? drain(ix) : st;
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
    source_meta sm;
    if (!parse_source_meta(value, &sm))
        return 0;
    const char *path = sm.path;
    if (was_seen(c->ix, key) || !under_root(c->ix, path))
        return 0;
    c->status = forget_source(c->ix, key);
    if (c->status != REF_OK)
        return 1;
    c->ix->stats.files_removed++;
    emit(c->ix, REF_INDEX_FILE_REMOVED, path, 0, REF_OK, NULL, sm.npunkter, 0);
    return 0;
}

ref_status ref_indexer_finish(ref_indexer *ix)
{
    if (!ix)
        return REF_EINVAL;
    vanish_ctx c = {ix, REF_OK};
    ref_status st = drain(ix);
    if (st != REF_OK)
        return st;
    if (ix->nseen)
        qsort(ix->seen, ix->nseen, sizeof *ix->seen, cmp_str);
    if (ix->nroots)
        st = ref_xdb_metadata_walk(ix->db, META_SOURCE, drop_if_vanished, &c);
    if (st == REF_OK)
        st = c.status;
    if (st == REF_OK)
        st = ref_xdb_set_metadata(ix->db, REF_ANALYZER_VERSION_KEY, REF_ANALYZER_VERSION);
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
    pipeline_stop(ix);
    ref_xdb_close(ix->db);
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
