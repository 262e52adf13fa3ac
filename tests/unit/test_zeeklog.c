/* test_zeeklog.c - the FTP log's pieces that need no capture: Zeek's path
 * rules (compress_path's own test cases, build_path, extract_path), the MIME
 * table and the ftplens.log_commands words.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ftplens_mime.h"
#include "ftplens_zeeklog.h"

static void path_is(const char *dir, const char *file, const char *want)
{
    char *got = ftplens_zeek_path(dir, file);
    if (strcmp(got, want) != 0)
        fail_msg("path(\"%s\", \"%s\") = \"%s\", expected \"%s\"", dir, file, got, want);
    g_free(got);
}

/* Zeek's testing/btest/bifs/compress_path.zeek cases, as build_path("", p). */
static void compress_path_as_zeek(void **state)
{
    static const char *const cases[][2] = {
        { "./../foo", "../foo" }, { "././../foo", "../foo" }, { "/1/2/3", "/1/2/3" }, { "/1/./2/3", "/1/2/3" },
        { "/1/2/../3", "/1/3" }, { "1/2/3/", "1/2/3" }, { "1/2//3///", "1/2/3" },
        { "~/zeek/testing", "~/zeek/testing" }, { "~jon/zeek/testing", "~jon/zeek/testing" },
        { "~jon/./zeek/testing", "~jon/zeek/testing" }, { "~/zeek/testing/../././.", "~/zeek" },
        { "./zeek", "./zeek" }, { "../zeek", "../zeek" }, { "../zeek/testing/..", "../zeek" },
        { "./zeek/..", "." }, { "./zeek/../..", ".." }, { "./zeek/../../..", "../.." }, { "./..", ".." },
        { "../..", "../.." }, { "/..", "/.." }, { "~/..", "~/.." }, { "/../..", "/../.." }, { "~/../..", "~/../.." },
        { "zeek/..", "" }, { "zeek/../..", ".." },
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        path_is("", cases[i][0], cases[i][1]);
}

/* The arg of a file command: the working directory (starting as ".") joined with the argument. */
static void build_path_joins(void **state)
{
    (void)state;
    path_is(".", "robots.txt", "./robots.txt");      /* ftp://host/./robots.txt in Zeek's baselines */
    path_is(".", "", ".");                            /* RETR without argument: ftp://host/. */
    path_is("/pub", "/etc/passwd", "/etc/passwd");    /* an absolute argument */
    path_is("/pub/", "a/../b.txt", "/pub/b.txt");
    path_is("/pub", "..", "/");
    path_is("/", "..", "/..");
    path_is("/x", "C:\\dir", "C:\\dir");
}

static void extract_path_finds(void **state)
{
    (void)state;
    char *p = ftplens_zeek_extract_path("\"/home/alice\" is the current directory");
    assert_string_equal(p, "/home/alice");
    g_free(p);
    p = ftplens_zeek_extract_path("\"/with space\" is current");
    assert_string_equal(p, "/with space");
    g_free(p);
    p = ftplens_zeek_extract_path("current directory is /var/ftp now");
    assert_string_equal(p, "/var/ftp");
    g_free(p);
    p = ftplens_zeek_extract_path("no path here");
    assert_string_equal(p, "");
    g_free(p);
}

static void mime_rows(void **state)
{
    (void)state;
    assert_string_equal(ftplens_mime_type((const uint8_t *)"\x1f\x8b\x08\x00", 4), "application/x-gzip");
    assert_string_equal(ftplens_mime_type((const uint8_t *)"%PDF-1.7\n", 9), "application/pdf");
    assert_string_equal(ftplens_mime_type((const uint8_t *)"PK\x03\x04\x14\x00", 6), "application/zip");
    assert_string_equal(ftplens_mime_type((const uint8_t *)"User-agent: *\n", 14), "text/plain");
    assert_string_equal(ftplens_mime_type((const uint8_t *)"\xef\xbb\xbf" "hello world!", 15), "text/plain");
    assert_null(ftplens_mime_type((const uint8_t *)"short text here", 5));     /* fewer than ten bytes kept */
    assert_null(ftplens_mime_type((const uint8_t *)"abc\x01\x02" "defghijk", 13));  /* a control byte */
    assert_null(ftplens_mime_type(NULL, 0));
}

static void selection_words(void **state)
{
    ftplens_log_selection sel;
    char *bad;
    (void)state;
    assert_true(ftplens_log_selection_parse("zeek, user,<INIT> pass", &sel, &bad));
    assert_true(sel.zeek && sel.init && !sel.all);
    assert_true(g_hash_table_contains(sel.verbs, "USER") && g_hash_table_contains(sel.verbs, "PASS"));
    assert_int_equal(g_hash_table_size(sel.verbs), 2);
    ftplens_log_selection_clear(&sel);
    assert_false(ftplens_log_selection_parse("RETR,ST0R,all", &sel, &bad));
    assert_string_equal(bad, "ST0R");
    assert_true(sel.all && g_hash_table_contains(sel.verbs, "RETR"));
    g_free(bad);
    ftplens_log_selection_clear(&sel);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compress_path_as_zeek), cmocka_unit_test(build_path_joins),
        cmocka_unit_test(extract_path_finds), cmocka_unit_test(mime_rows), cmocka_unit_test(selection_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
