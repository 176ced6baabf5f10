#include "referat/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ref_buf_reserve(ref_buf *b, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1) {
        if (cap > ((size_t)-1) / 2) {
            b->failed = 1;
            return;
        }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return;
    }
    if (!b->data)
        p[0] = '\0';
    b->data = p;
    b->cap = cap;
}

void ref_buf_append(ref_buf *b, const void *bytes, size_t n)
{
    ref_buf_reserve(b, n);
    if (b->failed)
        return;
    if (n)
        memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void ref_buf_puts(ref_buf *b, const char *s) { ref_buf_append(b, s, strlen(s)); }

void ref_buf_putc(ref_buf *b, char c) { ref_buf_append(b, &c, 1); }

void ref_buf_vprintf(ref_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    ref_buf_reserve(b, (size_t)n);
    if (b->failed)
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void ref_buf_printf(ref_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ref_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void ref_buf_reset(ref_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void ref_buf_clear(ref_buf *b)
{
    ref_buf_reset(b);
    b->failed = 0;
}

void ref_buf_inherit_failure(ref_buf *b, const ref_buf *helper)
{
    if (helper->failed)
        b->failed = 1;
}

void ref_buf_truncate(ref_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

ref_status ref_buf_status(const ref_buf *b) { return b->failed ? REF_ENOMEM : REF_OK; }

const char *ref_buf_cstr(const ref_buf *b) { return b->data ? b->data : ""; }

char *ref_buf_detach(ref_buf *b)
{
    char *p = b->failed ? NULL : b->data;
    if (b->failed)
        free(b->data);
    else if (!p)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
    return p;
}

void ref_buf_free(ref_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}
