/* test_parse.c - line and address-argument parsers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ftplens_parse.h"
#include "ftplens_text.h"

#define S(x) x, strlen(x)

static void replies(void **state)
{
    ftplens_reply_line r;
    (void)state;

    ftplens_parse_reply(S("220-"), &r);
    assert_true(r.ok);
    assert_int_equal(r.code, 220);
    assert_int_equal(r.sep, '-');
    assert_int_equal(r.text_len, 0);

    ftplens_parse_reply(S("502 Unknown command 'utf8'."), &r);
    assert_true(r.ok);
    assert_int_equal(r.code, 502);
    assert_int_equal(r.sep, ' ');
    assert_memory_equal(r.text, "Unknown", 7);

    ftplens_parse_reply(S("226"), &r);
    assert_true(r.ok);
    assert_int_equal(r.sep, '\0');

    ftplens_parse_reply(S("99 PASV invalid"), &r);
    assert_false(r.ok);
    assert_non_null(r.problem);
    ftplens_parse_reply(S("2201 x"), &r);
    assert_false(r.ok);
    ftplens_parse_reply(S("220x"), &r);
    assert_false(r.ok);
    ftplens_parse_reply("", 0, &r);
    assert_false(r.ok);
    ftplens_parse_reply("2\0" "0 x", 5, &r);
    assert_false(r.ok);
}

static void multiline_end(void **state)
{
    (void)state;
    assert_true(ftplens_is_multiline_end(S("214 Direct comments to ftp-bugs"), 214));
    assert_true(ftplens_is_multiline_end(S("211"), 211));
    assert_false(ftplens_is_multiline_end(S("214-more"), 214));
    assert_false(ftplens_is_multiline_end(S("215 other code"), 214));
    assert_false(ftplens_is_multiline_end(S(" 214 padded"), 214));
}

static void commands(void **state)
{
    ftplens_command_line c;
    (void)state;

    ftplens_parse_command(S("opts utf8 on"), &c);
    assert_true(c.ok);
    assert_string_equal(c.verb, "OPTS");
    assert_int_equal(c.arg_len, 7);
    assert_memory_equal(c.arg, "utf8 on", 7);

    ftplens_parse_command(S("QUIT"), &c);
    assert_true(c.ok);
    assert_int_equal(c.arg_len, 0);

    ftplens_parse_command(S("STOR  two spaces.txt"), &c);
    assert_true(c.ok);
    assert_memory_equal(c.arg, " two spaces.txt", c.arg_len); /* RFC 2640: one SP only */

    ftplens_parse_command("\xff\xf4\xff\xf2" "ABOR", 8, &c);
    assert_true(c.ok);
    assert_string_equal(c.verb, "ABOR");
    assert_int_equal(c.skipped, 4);

    ftplens_parse_command(S("\x16\x03\x01"), &c);
    assert_false(c.ok);
    ftplens_parse_command(S("ABCDEFGHIJKLMNOP x"), &c);
    assert_false(c.ok);
    ftplens_parse_command("", 0, &c);
    assert_false(c.ok);
}

static void port_arguments(void **state)
{
    ftplens_hostport hp;
    (void)state;

    assert_true(ftplens_parse_port_arg(S("192,168,1,2,7,138"), &hp));
    assert_string_equal(hp.addr, "192.168.1.2");
    assert_int_equal(hp.port, 1930);
    assert_string_equal(hp.explain, "192,168,1,2,7,138 \u2192 192.168.1.2 port 1930 = 7\u00d7256+138");

    assert_false(ftplens_parse_port_arg(S("192,168,1,2,7"), &hp));
    assert_non_null(strstr(hp.explain, "malformed PORT"));
    assert_false(ftplens_parse_port_arg(S("300,1,1,1,1,1"), &hp));
    assert_false(ftplens_parse_port_arg(S("1,1,1,1,1,1,1"), &hp));
    assert_false(ftplens_parse_port_arg(S(""), &hp));
    assert_false(ftplens_parse_port_arg(S("a,b,c,d,e,f"), &hp));
}

static void eprt_arguments(void **state)
{
    ftplens_hostport hp;
    (void)state;

    assert_true(ftplens_parse_eprt_arg(S("|1|132.235.1.2|6275|"), &hp));
    assert_false(hp.ipv6);
    assert_string_equal(hp.addr, "132.235.1.2");
    assert_int_equal(hp.port, 6275);
    assert_true(ftplens_parse_eprt_arg(S("|2|::1|40123|"), &hp));
    assert_true(hp.ipv6);
    assert_int_equal(hp.port, 40123);
    assert_true(ftplens_parse_eprt_arg(S("!2!1080::8:800:200C:417A!5282!"), &hp));
    assert_int_equal(hp.port, 5282);
    assert_false(ftplens_parse_eprt_arg(S("|3|1.2.3.4|5|"), &hp));
    assert_false(ftplens_parse_eprt_arg(S("|1|1.2.3.4|70000|"), &hp));
    assert_false(ftplens_parse_eprt_arg(S("|1|1.2.3.4|5"), &hp));
    assert_false(ftplens_parse_eprt_arg(S("1|1.2.3.4|5|"), &hp));
}

static void passive_replies(void **state)
{
    ftplens_hostport hp;
    (void)state;

    assert_true(ftplens_parse_227_text(S("Entering Passive Mode (127,0,0,1,117,50)."), &hp));
    assert_string_equal(hp.addr, "127.0.0.1");
    assert_int_equal(hp.port, 117 * 256 + 50);
    assert_true(ftplens_parse_227_text(S("=10,0,0,5,4,1"), &hp)); /* no brackets (RFC 1123) */
    assert_int_equal(hp.port, 1025);
    assert_false(ftplens_parse_227_text(S("Entering Passive Mode"), &hp));
    assert_false(ftplens_parse_227_text(S("(999,0,0,1,1,1)"), &hp));

    assert_true(ftplens_parse_229_text(S("Entering Extended Passive Mode (|||30001|)"), &hp));
    assert_int_equal(hp.port, 30001);
    assert_false(ftplens_parse_229_text(S("Entering Extended Passive Mode (|||x|)"), &hp));
    assert_false(ftplens_parse_229_text(S("Entering Extended Passive Mode"), &hp));
    assert_false(ftplens_parse_229_text(S("(|||)"), &hp));
}

/* Cuts at a character boundary: Korean syllables are 3 bytes each. */
static void utf8_prefix(void **state)
{
    (void)state;
    const char *ko = "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4";   /* 한국어 */
    assert_int_equal(ftplens_utf8_prefix(ko, 9, 9), 9);
    assert_int_equal(ftplens_utf8_prefix(ko, 9, 100), 9);
    assert_int_equal(ftplens_utf8_prefix(ko, 9, 8), 6);
    assert_int_equal(ftplens_utf8_prefix(ko, 9, 4), 3);
    assert_int_equal(ftplens_utf8_prefix(ko, 9, 2), 0);
    assert_int_equal(ftplens_utf8_prefix("abc", 3, 2), 2);
    assert_int_equal(ftplens_utf8_prefix("abc", 3, 0), 0);
    /* a cut that lands on a lead byte keeps the characters before it */
    assert_int_equal(ftplens_utf8_prefix("a\xed\x95\x9c", 4, 1), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replies),
        cmocka_unit_test(multiline_end),
        cmocka_unit_test(commands),
        cmocka_unit_test(port_arguments),
        cmocka_unit_test(eprt_arguments),
        cmocka_unit_test(passive_replies),
        cmocka_unit_test(utf8_prefix),
    };
    return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
