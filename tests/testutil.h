/* testutil.h — small helpers shared by the C tests (temp folders, files). */
#ifndef REFERAT_TESTUTIL_H
#define REFERAT_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline const char *test_corpus_dir(void)
{
    const char *d = getenv("REFERAT_CORPUS");
    return d && *d ? d : "corpus";
}

/* A fresh temporary folder; the caller frees the string and removes the
 * folder with test_rmrf. */
static inline char *test_mkdtemp(void)
{
    char tmpl[] = "/tmp/referat-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

static inline void test_rmrf(const char *path)
{
    char cmd[4200];
    if (path && strncmp(path, "/tmp/referat-test-", 18) == 0) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", path);
    }
}

static inline int test_write_file(const char *dir, const char *name, const void *bytes, size_t n)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(bytes, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

/* Copy the bundled corpus into DIR (with cp, which the machine has). */
static inline int test_copy_corpus(const char *dir)
{
    char cmd[8400];
    snprintf(cmd, sizeof cmd, "cp '%s'/*.txt '%s'/", test_corpus_dir(), dir);
    return system(cmd);
}

#endif
