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

/* Every byte value at every place of a line longer than two words: what the
 * word-at-a-time scan lets through as plain text must be exactly that. */
static void every_byte_everywhere(void **state)
{
    ftplens_arena a;
    (void)state;
    ftplens_arena_init(&a);
    for (int at = 0; at < 19; at++) {
        for (int b = 1; b < 256; b++) {
            char line[20], want[20];
            memcpy(line, "RETR /pub/files.txt", 19);
            line[at] = (char)b;
            memcpy(want, line, 19);
            if (b < 0x20 || b == 0x7f)
                want[at] = '.';
            const char *got = ftplens_arena_text(&a, line, 19);
            if (b >= 0x80) {
                char *valid = g_utf8_make_valid(want, 19);
                assert_string_equal(got, valid);
                g_free(valid);
            } else {
                want[19] = '\0';
                assert_string_equal(got, want);
            }
        }
    }
    ftplens_arena_clear(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_text_one_copy),
        cmocka_unit_test(many_texts_survive_growth),
        cmocka_unit_test(controls_become_dots),
        cmocka_unit_test(every_byte_everywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
