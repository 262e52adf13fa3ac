/* test_text.c - cutting long labels into pieces: the fast path for ASCII
 * gives the same cuts as the character-by-character rule.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <glib.h>

#include "ftplens_text.h"

/* The rule, one character at a time (the implementation before the fast path). */
static size_t reference_piece(const char *s, size_t max_chars, size_t max_bytes)
{
    size_t i = 0, chars = 0, sentence = 0, clause = 0, space = 0;
    int depth = 0;
    for (; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80) {
            size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            if (chars == max_chars || i + len > max_bytes)
                break;
            chars++;
        }
        if (c == '(')
            depth++;
        else if (c == ')' && depth > 0)
            depth--;
        else if (c == ' ' && i > 0) {
            char p = s[i - 1];
            if (depth == 0 && (p == '.' || p == ';' || p == ':'))
                sentence = i;
            else if (depth == 0 && p == ',')
                clause = i;
            space = i;
        }
    }
    if (!s[i])
        return i;
    if (sentence > i * 3 / 5)
        return sentence;
    if (clause > i * 3 / 5)
        return clause;
    if (space > i / 3)
        return space;
    return i;
}

static void same_cuts_as_the_rule(void **state)
{
    (void)state;
    static const char *const bits[] = { "ACK", " ", "only", ": ", "no data", " (Len 0)", ", ", "so", "; ", ".",
                                        "0x626bf2f8", "(", ")", "핸드셰이크", " 1/3", "확인 응답", "'USER alice'",
                                        "+", "CR LF", "é", "\xf0\x9f\x98\x80", "-", "=" };
    uint32_t seed = 11;
    GString *g = g_string_new(NULL);
    for (int k = 0; k < 20000; k++) {
        g_string_truncate(g, 0);
        seed = seed * 1103515245u + 12345u;
        unsigned words = 5 + (seed >> 16) % 120;
        for (unsigned w = 0; w < words; w++) {
            seed = seed * 1103515245u + 12345u;
            g_string_append(g, bits[(seed >> 16) % G_N_ELEMENTS(bits)]);
        }
        seed = seed * 1103515245u + 12345u;
        size_t max_chars = 10 + (seed >> 16) % 120, max_bytes = max_chars + (seed >> 8) % 200;
        assert_int_equal(ftplens_text_piece(g->str, max_chars, max_bytes),
                         reference_piece(g->str, max_chars, max_bytes));
    }
    g_string_free(g, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_cuts_as_the_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
