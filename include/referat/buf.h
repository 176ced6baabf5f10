/* buf.h — a growable byte buffer, always NUL-terminated.
 *
 * Errors are sticky (as in SQLite's FTS5 writers): after an allocation
 * failure every append is a no-op and `failed` stays set, so a long chain of
 * appends needs a single check at the end. The buffer owns `data`; release it
 * with ref_buf_free(), or take it with ref_buf_detach(). */
#ifndef REFERAT_BUF_H
#define REFERAT_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "referat/status.h"

typedef struct ref_buf {
    char *data; /* NUL-terminated; NULL until the first append */
    size_t len;
    size_t cap;
    int failed; /* sticky: an allocation failed */
} ref_buf;

#define REF_BUF_INIT {NULL, 0, 0, 0}

void ref_buf_append(ref_buf *b, const void *bytes, size_t n);
void ref_buf_puts(ref_buf *b, const char *s);
void ref_buf_putc(ref_buf *b, char c);
void ref_buf_printf(ref_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ref_buf_vprintf(ref_buf *b, const char *fmt, va_list ap);
/* Make room for N more bytes without changing len. */
void ref_buf_reserve(ref_buf *b, size_t n);
/* Empty the buffer, keep its memory, and keep a failure: a chain of uses
 * within one call (reset, append, reset, append, check once) still sees
 * it. */
void ref_buf_reset(ref_buf *b);
/* Empty the buffer, keep its memory, and forget a failure: for a
 * long-lived buffer (an analyser's) at the start of each call, so that no
 * failure outlives the call it happened in (issue 18: one failed
 * allocation once made an analyser answer "out of memory" for good). */
void ref_buf_clear(ref_buf *b);
/* Mark B failed if HELPER failed: what is built from a helper buffer
 * fails with it (a link, a snippet or a title lost to a failed allocation
 * must not go out as an empty one with success). */
void ref_buf_inherit_failure(ref_buf *b, const ref_buf *helper);
/* Truncate to LEN bytes (LEN <= b->len). */
void ref_buf_truncate(ref_buf *b, size_t len);
/* REF_OK, or REF_ENOMEM if any append failed. */
ref_status ref_buf_status(const ref_buf *b);
/* Contents as a C string: "" for an empty buffer, never NULL. */
const char *ref_buf_cstr(const ref_buf *b);
/* Hand the contents to the caller (who frees them with free()); the buffer
 * is left empty. Returns NULL after an allocation failure. */
char *ref_buf_detach(ref_buf *b);
void ref_buf_free(ref_buf *b);

#endif
