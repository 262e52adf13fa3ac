/* test_frames.c - what the first pass kept, found again by frame number.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ftplens_frames.h"

/* Records: every other frame from 3 on, over several blocks; tags 0 to 3 in turn. */
#define N 9000
static uint64_t records[N];

static uint32_t frame_of(unsigned i)
{
    return 3 + 2 * i;
}

static void fill(ftplens_frames *x)
{
    ftplens_frames_init(x);
    for (unsigned i = 0; i < N; i++)
        assert_true(ftplens_frames_add(x, frame_of(i), &records[i], i % 4));
}

static void in_order_and_at_random(void **state)
{
    (void)state;
    ftplens_frames x;
    unsigned tag;
    fill(&x);
    assert_int_equal(ftplens_frames_last(&x), frame_of(N - 1));
    /* A second pass in frame order, non-FTP frames in between. */
    for (uint32_t f = 1; f <= frame_of(N - 1) + 5; f++) {
        const void *r = ftplens_frames_find(&x, f, &tag);
        if (f >= 3 && f % 2 == 1 && f <= frame_of(N - 1)) {
            assert_ptr_equal(r, &records[(f - 3) / 2]);
            assert_int_equal(tag, (f - 3) / 2 % 4);
        } else {
            assert_null(r);
        }
    }
    /* The GUI jumps around. */
    uint32_t seed = 7;
    for (int k = 0; k < 20000; k++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t f = seed % (frame_of(N - 1) + 3);
        const void *r = ftplens_frames_find(&x, f, &tag);
        bool kept = f >= 3 && f % 2 == 1 && f <= frame_of(N - 1);
        assert_ptr_equal(r, kept ? &records[(f - 3) / 2] : NULL);
    }
    ftplens_frames_clear(&x);
}

static void refuses_what_it_cannot_find_again(void **state)
{
    (void)state;
    ftplens_frames x;
    unsigned tag;
    ftplens_frames_init(&x);
    assert_null(ftplens_frames_find(&x, 1, &tag));
    assert_int_equal(ftplens_frames_last(&x), 0);
    assert_true(ftplens_frames_add(&x, 10, &records[0], 0));
    /* The same number again: a read filter dropped frame 10, the next frame is 10 too. */
    assert_true(ftplens_frames_add(&x, 10, &records[2], 1));
    assert_ptr_equal(ftplens_frames_find(&x, 10, &tag), &records[2]);
    assert_int_equal(tag, 1);
    assert_true(ftplens_frames_add(&x, 10, &records[0], 0));
    assert_false(ftplens_frames_add(&x, 4, &records[1], 0));      /* a late result: below the last */
    /* Addresses that leave no room for the tag's two bits, and a tag beyond them. */
    assert_false(ftplens_frames_add(&x, 11, (const char *)&records[1] + 1, 0));
    assert_false(ftplens_frames_add(&x, 11, (const char *)&records[1] + 2, 0));
    assert_false(ftplens_frames_add(&x, 11, &records[1], 4));
    assert_true(ftplens_frames_add(&x, 11, &records[1], 3));
    assert_ptr_equal(ftplens_frames_find(&x, 11, &tag), &records[1]);
    assert_int_equal(tag, 3);
    assert_ptr_equal(ftplens_frames_find(&x, 10, &tag), &records[0]);
    assert_null(ftplens_frames_find(&x, 4, &tag));
    ftplens_frames_clear(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(in_order_and_at_random),
        cmocka_unit_test(refuses_what_it_cannot_find_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
