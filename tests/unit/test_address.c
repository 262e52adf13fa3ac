/* test_address.c - the core's address text <-> bytes against the C library's
 * inet_pton/inet_ntop (which the portable core does not use): the same text
 * for every address and the same verdict for every input, on the special forms
 * and on many generated ones.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <arpa/inet.h>
#include <glib.h>

#include "ftplens_address.h"

static void same_as_libc(const char *text)
{
    uint8_t ours[16], theirs[16];
    unsigned len = 0;
    int af = strchr(text, ':') ? AF_INET6 : AF_INET;
    bool ok = ftplens_addr_parse(text, ours, &len);
    bool libc = inet_pton(af, text, theirs) == 1;
    if (ok != libc)
        fail_msg("'%s': ours %d, inet_pton %d", text, ok, libc);
    if (ok) {
        assert_int_equal(len, af == AF_INET ? 4 : 16);
        assert_memory_equal(ours, theirs, len);
        char a[FTPLENS_ADDR_TEXT_MAX], b[INET6_ADDRSTRLEN];
        ftplens_addr_format(ours, len, a, sizeof a);
        assert_non_null(inet_ntop(af, theirs, b, sizeof b));
        assert_string_equal(a, b);
    }
}

static void special_forms(void **state)
{
    static const char *const inputs[] = {
        "127.0.0.1", "0.0.0.0", "255.255.255.255", "192.168.56.101", "256.1.1.1", "1.2.3", "1.2.3.4.5",
        "01.2.3.4", "1.2.3.04", "1..3.4", "1.2.3.4 ", "", ".", "1.2.3.", "::", "::1", "1::", "::ffff:10.0.0.1",
        "::10.0.0.1", "2001:db8::1", "2001:DB8:0:0:1:0:0:1", "2001:db8:0:1:1:1:1:1", "fe80::1%eth0",
        "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", ":1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:", "1:::2", "1::2::3", "12345::", "::ffff:1.2.3.4.5", "1:2:3:4:5:6:1.2.3.4",
        "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "g::1", "0:0:0:0:0:0:0:0", "0:0:0:0:0:ffff:0:0", "0:0:1:0:0:1:0:0",
        "1:0:0:2:0:0:0:3", "::0.0.0.1", "::ffff:0.0.0.0", "0:0:0:0:0:0:0:1", "abcd:ef01:2345:6789:abcd:ef01:2345:6789",
    };
    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(inputs); i++)
        same_as_libc(inputs[i]);
}

/* Random addresses with many zero groups (where the '::' rules bite), their
 * texts, and the texts with one character changed. */
static void generated(void **state)
{
    static const char alphabet[] = "0123456789abcdefABCDEF:.x ";
    GRand *r = g_rand_new_with_seed(20261204);
    (void)state;
    for (int i = 0; i < 50000; i++) {
        uint8_t a[16];
        for (int k = 0; k < 16; k++)
            a[k] = g_rand_int_range(r, 0, 3) ? 0 : (uint8_t)g_rand_int_range(r, 0, 256);
        if (g_rand_boolean(r))
            a[10] = a[11] = 0xff;
        bool v6 = g_rand_int_range(r, 0, 4) != 0;
        char text[INET6_ADDRSTRLEN];
        assert_non_null(inet_ntop(v6 ? AF_INET6 : AF_INET, v6 ? a : a + 12, text, sizeof text));
        same_as_libc(text);
        size_t n = strlen(text);
        text[g_rand_int_range(r, 0, (gint32)n)] = alphabet[g_rand_int_range(r, 0, (gint32)sizeof alphabet - 1)];
        same_as_libc(text);
    }
    g_rand_free(r);
}

static void odd_lengths(void **state)
{
    char out[FTPLENS_ADDR_TEXT_MAX];
    const uint8_t a[16] = { 0 };
    (void)state;
    ftplens_addr_format(a, 0, out, sizeof out);
    assert_string_equal(out, "?");
    ftplens_addr_format(a, 5, out, sizeof out);
    assert_string_equal(out, "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(special_forms),
        cmocka_unit_test(generated),
        cmocka_unit_test(odd_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
