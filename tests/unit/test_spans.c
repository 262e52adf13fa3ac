/* test_spans.c - the bytes a data connection carried, each counted once:
 * retransmissions and overlaps, reordering, a range across 2^32, and a set
 * full of holes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ftplens_spans.h"

static void overlaps_count_once(void **state)
{
    ftplens_span_set sp;
    (void)state;
    memset(&sp, 0, sizeof sp);
    ftplens_spans_add(&sp, 1000, 100);
    ftplens_spans_add(&sp, 1000, 100);      /* retransmitted */
    ftplens_spans_add(&sp, 1050, 100);      /* overlaps the end */
    assert_int_equal(ftplens_spans_bytes(&sp), 150);
    ftplens_spans_add(&sp, 1300, 50);       /* after a hole */
    ftplens_spans_add(&sp, 1150, 150);      /* the hole, late */
    assert_int_equal(ftplens_spans_bytes(&sp), 350);
    assert_int_equal(sp.n, 1);
    assert_int_equal(ftplens_spans_bytes(NULL), 0);
}

static void across_the_wrap(void **state)
{
    ftplens_span_set sp;
    (void)state;
    memset(&sp, 0, sizeof sp);
    ftplens_spans_add(&sp, 0xffffff00u, 0x200);    /* 256 bytes before 2^32, 256 after */
    assert_int_equal(sp.n, 2);
    ftplens_spans_add(&sp, 0x80, 0x80);             /* already inside the part after */
    assert_int_equal(ftplens_spans_bytes(&sp), 0x200);
}

static void full_set_adds_up(void **state)
{
    ftplens_span_set sp;
    (void)state;
    memset(&sp, 0, sizeof sp);
    for (uint32_t i = 0; i < FTPLENS_SPANS + 4; i++)
        ftplens_spans_add(&sp, i * 100, 10);        /* a hole after each */
    assert_int_equal(sp.n, FTPLENS_SPANS);
    assert_int_equal(ftplens_spans_bytes(&sp), (FTPLENS_SPANS + 4) * 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(overlaps_count_once),
        cmocka_unit_test(across_the_wrap),
        cmocka_unit_test(full_set_adds_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
