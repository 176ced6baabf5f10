/* failmalloc.c — an LD_PRELOAD allocator that fails the Nth allocation once.
 *
 * The fault-injection loops (tests/fault/) run a path once to count its
 * allocations, then again for N = 1, 2, ... with the Nth malloc, calloc or
 * realloc returning NULL (operator new reaches malloc, so it throws
 * std::bad_alloc). Like SQLite's test_malloc.c "fail the Nth allocation",
 * but interposed from outside, so libxapian's and libc's allocations count
 * too. Only allocations made after main() starts are counted: what
 * constructors of shared libraries allocate before main is not ours to
 * handle (GLib aborts on a failed g_malloc by design).
 *
 * Two ways to drive it:
 * - a whole process: REFERAT_FAIL_AT=N fails the Nth allocation;
 *   REFERAT_FAIL_COUNT=FILE writes how many allocations the process made
 *   (and whether the failure fired) to FILE at exit;
 * - in one process (tests/fault/fault_paths.c): ref_fault_arm(N) fails the
 *   Nth allocation from now on, ref_fault_disarm() stops and says how many
 *   were made since arming.
 *
 * REFERAT_FAIL_SPARE=NAME,NAME...: an allocation called directly from a
 * library whose file name contains one of the NAMEs is not failed; the
 * next allocation fails instead. For libraries that do not survive a
 * failed allocation themselves (libstemmer's sb_stemmer_new dereferences
 * the NULL; GLib aborts by design; Xapian 1.4.22 segfaults while a
 * std::bad_alloc unwinds through its query optimiser, postlist_sub_and_like),
 * so that the loops test our handling. A C++ library's allocations are
 * judged by who called operator new, which is interposed here for that.
 *
 * It also fails reading in the middle of a file: with REFERAT_FAIL_READ=TEXT,
 * the second fread() of a file whose path contains TEXT fails as a disk
 * error would (the stream's error flag set by libc itself, errno EIO).
 *
 * Under AddressSanitizer put it before libasan in LD_PRELOAD with
 * ASAN_OPTIONS=verify_asan_link_order=0: it forwards to ASan's allocator
 * (dlsym RTLD_NEXT), so leaks are still found. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void *(*malloc_fn)(size_t);
typedef void *(*calloc_fn)(size_t, size_t);
typedef void *(*realloc_fn)(void *, size_t);
typedef void (*free_fn)(void *);

static malloc_fn real_malloc;
static calloc_fn real_calloc;
static realloc_fn real_realloc;
static free_fn real_free;

/* dlsym may itself allocate (calloc) before the real functions are known. */
static char bootstrap[4096] __attribute__((aligned(16)));
static size_t bootstrap_used;
static int resolving;

static int counting;          /* main() has started */
static unsigned long count;   /* allocations since counting (or arming) began */
static unsigned long fail_at; /* 0: never */
static int fired;
static const char *count_file;

static void resolve(void)
{
    if (real_malloc || resolving)
        return;
    resolving = 1;
    real_malloc = (malloc_fn)dlsym(RTLD_NEXT, "malloc");
    real_calloc = (calloc_fn)dlsym(RTLD_NEXT, "calloc");
    real_realloc = (realloc_fn)dlsym(RTLD_NEXT, "realloc");
    real_free = (free_fn)dlsym(RTLD_NEXT, "free");
    resolving = 0;
}

static void *from_bootstrap(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (bootstrap_used + n > sizeof bootstrap)
        return NULL;
    void *p = bootstrap + bootstrap_used;
    bootstrap_used += n;
    return p;
}

static int in_bootstrap(const void *p)
{
    return (const char *)p >= bootstrap && (const char *)p < bootstrap + sizeof bootstrap;
}

/* The caller of operator new, while it runs (see below). */
static __thread const void *new_caller;

static int spared(const void *caller)
{
    const char *spare = getenv("REFERAT_FAIL_SPARE");
    Dl_info info;
    if (!spare || !*spare || !dladdr(caller, &info) || !info.dli_fname)
        return 0;
    char names[256];
    snprintf(names, sizeof names, "%s", spare);
    for (char *save = NULL, *name = strtok_r(names, ",", &save); name;
         name = strtok_r(NULL, ",", &save))
        if (strstr(info.dli_fname, name))
            return 1;
    return 0;
}

/* Should this allocation fail? Atomic: the indexer allocates in several
 * threads, and exactly one allocation must fail. */
static int should_fail(const void *caller)
{
    if (!__atomic_load_n(&counting, __ATOMIC_RELAXED))
        return 0;
    unsigned long n = __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
    unsigned long at = __atomic_load_n(&fail_at, __ATOMIC_RELAXED);
    if (at && n == at) {
        if (spared(caller) || (new_caller && spared(new_caller))) {
            __atomic_store_n(&fail_at, at + 1, __ATOMIC_RELAXED);
            return 0;
        }
        __atomic_store_n(&fired, 1, __ATOMIC_RELAXED);
        return 1;
    }
    return 0;
}

void *malloc(size_t n)
{
    resolve();
    if (!real_malloc)
        return from_bootstrap(n);
    return should_fail(__builtin_return_address(0)) ? NULL : real_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    resolve();
    if (!real_calloc)
        return from_bootstrap(n * size); /* static storage is zeroed */
    return should_fail(__builtin_return_address(0)) ? NULL : real_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    resolve();
    if (in_bootstrap(p)) {
        void *q = malloc(n);
        if (q)
            memcpy(q, p, n < sizeof bootstrap ? n : sizeof bootstrap);
        return q;
    }
    if (n && should_fail(__builtin_return_address(0)))
        return NULL;
    return real_realloc(p, n);
}

void free(void *p)
{
    if (!p || in_bootstrap(p))
        return;
    resolve();
    real_free(p);
}

/* --- in-process control ---------------------------------------------------- */

void ref_fault_arm(unsigned long n)
{
    __atomic_store_n(&counting, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&count, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&fired, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&fail_at, n, __ATOMIC_RELAXED);
    __atomic_store_n(&counting, 1, __ATOMIC_RELAXED);
}

/* Stop failing; the number of allocations since ref_fault_arm. *FIRED (if
 * not NULL) says whether the failure happened. */
unsigned long ref_fault_disarm(int *fired_out)
{
    __atomic_store_n(&fail_at, 0, __ATOMIC_RELAXED);
    if (fired_out)
        *fired_out = __atomic_load_n(&fired, __ATOMIC_RELAXED);
    return __atomic_load_n(&count, __ATOMIC_RELAXED);
}

/* --- whole-process control: start counting when main() starts --------------- */

static void write_count(void)
{
    FILE *f = fopen(count_file, "w");
    if (!f)
        return;
    fprintf(f, "%lu %d\n", __atomic_load_n(&count, __ATOMIC_RELAXED),
            __atomic_load_n(&fired, __ATOMIC_RELAXED));
    fclose(f);
}

typedef int (*main_fn)(int, char **, char **);
static main_fn real_main;

static int counting_main(int argc, char **argv, char **envp)
{
    const char *at = getenv("REFERAT_FAIL_AT");
    count_file = getenv("REFERAT_FAIL_COUNT");
    if (count_file) {
        /* A copy: the environment may change; allocated before counting. */
        count_file = strdup(count_file);
        atexit(write_count);
    }
    if (at)
        fail_at = strtoul(at, NULL, 10);
    counting = 1;
    return real_main(argc, argv, envp);
}

typedef int (*start_fn)(main_fn, int, char **, void (*)(void), void (*)(void), void (*)(void),
                        void *);

int __libc_start_main(main_fn main_, int argc, char **argv, void (*init)(void), void (*fini)(void),
                      void (*rtld_fini)(void), void *stack_end)
{
    start_fn real_start = (start_fn)dlsym(RTLD_NEXT, "__libc_start_main");
    real_main = main_;
    return real_start(counting_main, argc, argv, init, fini, rtld_fini, stack_end);
}

/* --- a read error in the middle of a file ---------------------------------- */

typedef size_t (*fread_fn)(void *, size_t, size_t, FILE *);

static FILE *read_started; /* the matching stream that had its first read */

static int matches_fail_read(FILE *f)
{
    const char *want = getenv("REFERAT_FAIL_READ");
    if (!want || !*want)
        return 0;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fileno(f));
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    return strstr(path, want) != NULL;
}

size_t fread(void *ptr, size_t size, size_t nmemb, FILE *f)
{
    static fread_fn real_fread;
    if (!real_fread)
        real_fread = (fread_fn)dlsym(RTLD_NEXT, "fread");
    if (matches_fail_read(f)) {
        if (read_started == f) {
            /* The descriptor now refuses reads: libc's own read fails and
             * sets the stream's error flag, as an I/O error would. */
            int bad = open("/dev/null", O_WRONLY);
            if (bad >= 0) {
                dup2(bad, fileno(f));
                close(bad);
            }
            size_t got = real_fread(ptr, size, nmemb, f);
            errno = EIO;
            return got;
        }
        read_started = f;
    }
    return real_fread(ptr, size, nmemb, f);
}

/* --- operator new: who asked ---------------------------------------------- */

typedef void *(*new_fn)(size_t);

/* operator new(size_t), interposed only to know its caller; the real one
 * allocates (through malloc above) and throws std::bad_alloc. */
void *_Znwm(size_t n)
{
    static new_fn real_new;
    if (!real_new)
        real_new = (new_fn)dlsym(RTLD_NEXT, "_Znwm");
    const void *outer = new_caller;
    new_caller = __builtin_return_address(0);
    void *p = real_new(n);
    new_caller = outer;
    return p;
}
