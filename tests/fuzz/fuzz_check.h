/* fuzz_check.h — what the libFuzzer harnesses share: an invariant check that
 * crashes loudly (so libFuzzer saves the input) and a UTF-8 boundary test. */
#ifndef REFERAT_FUZZ_CHECK_H
#define REFERAT_FUZZ_CHECK_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "referat/utf8.h"

/* An invariant the module promises in its header; a violation is a bug as
 * real as a crash, so it aborts and libFuzzer keeps the input. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* 0 if byte offset OFF of TEXT (LEN bytes) falls inside a valid multi-byte
 * UTF-8 sequence: the promise "never cuts a character". Invalid bytes are
 * separators of their own, so an offset next to one is a boundary. */
static inline int fuzz_at_char_boundary(const char *text, size_t len, size_t off)
{
    for (size_t back = 1; back <= 3 && back <= off; back++)
        if (ref_utf8_seq_len(text + off - back, len - (off - back)) > back)
            return 0;
    return 1;
}

#endif
