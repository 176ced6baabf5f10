/* test_buf.c — the growable buffer's sticky failure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "referat/buf.h"

/* A reserve beyond any address space fails without allocating. */
static void spoil(ref_buf *b)
{
    ref_buf_reserve(b, SIZE_MAX - 8);
}

static void test_buf_failure_is_sticky_until_reset(void **state)
{
    (void)state;
    ref_buf b = REF_BUF_INIT;
    ref_buf_puts(&b, "abc");
    spoil(&b);
    ref_buf_puts(&b, "def");
    assert_int_equal(ref_buf_status(&b), REF_ENOMEM);
    assert_string_equal(ref_buf_cstr(&b), "abc");
    ref_buf_free(&b);
}

/* Within one call a chain of reset and append is checked once at the end:
 * reset keeps the failure. */
static void test_buf_reset_keeps_the_failure(void **state)
{
    (void)state;
    ref_buf b = REF_BUF_INIT;
    spoil(&b);
    ref_buf_reset(&b);
    ref_buf_puts(&b, "def");
    assert_int_equal(ref_buf_status(&b), REF_ENOMEM);
    ref_buf_free(&b);
}

/* An analyser's buffers live as long as it does: a failure kept across
 * calls made every later call fail (issue 18). Clear forgets it. */
static void test_buf_clear_forgets_the_failure(void **state)
{
    (void)state;
    ref_buf b = REF_BUF_INIT;
    ref_buf_puts(&b, "abc");
    spoil(&b);
    ref_buf_clear(&b);
    assert_int_equal(ref_buf_status(&b), REF_OK);
    ref_buf_puts(&b, "def");
    assert_int_equal(ref_buf_status(&b), REF_OK);
    assert_string_equal(ref_buf_cstr(&b), "def");
    ref_buf_free(&b);
}

static void test_buf_detach_after_failure_gives_null(void **state)
{
    (void)state;
    ref_buf b = REF_BUF_INIT;
    ref_buf_puts(&b, "abc");
    spoil(&b);
    assert_null(ref_buf_detach(&b));
    assert_int_equal(ref_buf_status(&b), REF_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_failure_is_sticky_until_reset),
        cmocka_unit_test(test_buf_reset_keeps_the_failure),
        cmocka_unit_test(test_buf_clear_forgets_the_failure),
        cmocka_unit_test(test_buf_detach_after_failure_gives_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
