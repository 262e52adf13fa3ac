/* test_arena.c - shared texts: one copy per distinct text, however many times
 * it is kept and however large the table grows; controls made printable.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ftplens_arena.h"

static void same_text_one_copy(void **state)
{
    ftplens_arena a;
    (void)state;
    ftplens_arena_init(&a);
    const char line[] = "530 Login incorrect.XYZ";
    const char *x = ftplens_arena_text(&a, line, 20);
    assert_string_equal(x, "530 Login incorrect.");
    assert_ptr_equal(ftplens_arena_text(&a, "530 Login incorrect.", 20), x);
    assert_ptr_equal(ftplens_arena_intern(&a, "530 Login incorrect."), x);
    /* A prefix, a longer text and one byte changed are other texts. */
    assert_ptr_not_equal(ftplens_arena_text(&a, line, 19), x);
    assert_ptr_not_equal(ftplens_arena_text(&a, line, 21), x);
    assert_ptr_not_equal(ftplens_arena_text(&a, "530 Login incorrecT.", 20), x);
    assert_string_equal(ftplens_arena_text(&a, line, 21), "530 Login incorrect.X");
    assert_string_equal(ftplens_arena_text(&a, "", 0), "");
    assert_ptr_equal(ftplens_arena_text(&a, "", 0), ftplens_arena_intern(&a, ""));
    ftplens_arena_clear(&a);
}

static void many_texts_survive_growth(void **state)
{
    ftplens_arena a;
    const char *kept[5000];
    char buf[64];
    (void)state;
    ftplens_arena_init(&a);
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(buf, sizeof buf, "USER student%d", i);
        kept[i] = ftplens_arena_text(&a, buf, (gsize)n);
    }
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(buf, sizeof buf, "USER student%d", i);
        assert_ptr_equal(ftplens_arena_text(&a, buf, (gsize)n), kept[i]);
        assert_string_equal(kept[i], buf);
    }
    ftplens_arena_clear(&a);
}

static void controls_become_dots(void **state)
{
    ftplens_arena a;
    (void)state;
    ftplens_arena_init(&a);
    const char *x = ftplens_arena_text(&a, "PASS a\tb\0c", 10);
    assert_string_equal(x, "PASS a.b.c");
    assert_ptr_equal(ftplens_arena_text(&a, "PASS a.b.c", 10), x);
    ftplens_arena_clear(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_text_one_copy),
        cmocka_unit_test(many_texts_survive_growth),
        cmocka_unit_test(controls_become_dots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
