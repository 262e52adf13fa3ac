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

#include "ftplens_fmt.h"
#include "ftplens_report_fmt.h"
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

/* ftplens_appendf writes what g_string_append_printf writes, for the
 * conversions it handles itself and for those it hands on. */
static void appendf_writes_what_printf_writes(void **state)
{
    (void)state;
    static const unsigned values[] = { 0, 1, 9, 10, 255, 4096, 65535, 0x626bf2f7u, 0x7fffffffu, 0x80000000u,
                                       0xffffffffu };
    static const char *const strings[] = { "", "client", "서버", "100%", NULL };
    uint32_t seed = 5;
    GString *a = g_string_new("prefix "), *b = g_string_new("prefix ");
    for (int k = 0; k < 5000; k++) {
        seed = seed * 1103515245u + 12345u;
        unsigned u = values[(seed >> 16) % G_N_ELEMENTS(values)];
        seed = seed * 1103515245u + 12345u;
        unsigned v = (seed >> 3) ^ u;
        int d = (int)v;
        const char *s = strings[(seed >> 16) % G_N_ELEMENTS(strings)];
        if (!s)
            s = "x";
        g_string_truncate(a, 7);
        g_string_truncate(b, 7);
        switch (k % 6) {
        case 0:
            ftplens_appendf(a, "ISN 0x%08x (%u; %s) 100%% %d.", u, v, s, d);
            g_string_append_printf(b, "ISN 0x%08x (%u; %s) 100%% %d.", u, v, s, d);
            break;
        case 1:
            ftplens_appendf(a, "%s%s%u%x%04x", s, s, u, v, u & 0xff);
            g_string_append_printf(b, "%s%s%u%x%04x", s, s, u, v, u & 0xff);
            break;
        case 2:     /* handed on: widths and precisions it does not write itself */
            ftplens_appendf(a, "%.3f s, %5u, %.2s, %llu", v / 7.0, u, s, (unsigned long long)v * 3);
            g_string_append_printf(b, "%.3f s, %5u, %.2s, %llu", v / 7.0, u, s, (unsigned long long)v * 3);
            break;
        case 3:
            ftplens_appendf(a, "no conversion at all");
            g_string_append_printf(b, "no conversion at all");
            break;
        case 4:
            ftplens_appendf(a, "%d%%", -d);
            g_string_append_printf(b, "%d%%", -d);
            break;
        default:
            ftplens_appendf(a, "%u", u);
            g_string_append_printf(b, "%u", u);
            break;
        }
        assert_string_equal(a->str, b->str);
    }
    g_string_free(a, TRUE);
    g_string_free(b, TRUE);
}

/* The report's durations, also between timestamps centuries apart (a
 * corrupted capture): no unsigned overflow (found by fuzzing, UBSan). */
static void durations_of_any_length(void **state)
{
    (void)state;
    const struct {
        int64_t ns;
        const char *text;
    } rows[] = {
        { 1500000000LL, "1.5 s" },
        { 61000000000LL, "1 min 1 s" },
        { 3661000000000LL, "1 h 1 min" },
        { 5000000000LL * 1000000000LL, "1388888 h 53 min" },      /* 5e9 s: beyond 2^32 s */
        { INT64_MAX, "2562047 h 47 min" },
    };
    ftplens_set_language("en");
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        char *d = rpt_duration(rows[i].ns);
        assert_string_equal(d, rows[i].text);
        g_free(d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_cuts_as_the_rule),
        cmocka_unit_test(appendf_writes_what_printf_writes),
        cmocka_unit_test(durations_of_any_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
