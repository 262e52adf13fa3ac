/* test_codes.c - reply-code and command tables.
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

#include <glib.h>

#include "ftplens_codes.h"
#include "ftplens_commands.h"

static void every_reply_row_is_well_formed(void **state)
{
    (void)state;
    for (unsigned i = 0; i < ftplens_reply_row_count; i++) {
        const ftplens_reply_row *r = &ftplens_reply_rows[i];
        assert_true(r->code >= 100 && r->code <= 699);
        assert_non_null(ftplens_class_text(r->code / 100));
        assert_non_null(ftplens_category_text((r->code / 10) % 10));
        assert_non_null(r->meaning);
        assert_true(strlen(r->meaning) > 5);
        if (r->rfc)
            assert_true(g_str_has_prefix(r->rfc, "RFC "));
        /* The general row of a code must exist and follow its specific rows. */
        bool general_found = false;
        for (unsigned j = i; j < ftplens_reply_row_count; j++) {
            if (ftplens_reply_rows[j].code == r->code && !ftplens_reply_rows[j].commands)
                general_found = true;
        }
        assert_true(general_found);
    }
}

static void each_class_and_category(void **state)
{
    (void)state;
    static const struct { unsigned code; unsigned cls; const char *cls_text; unsigned cat; const char *cat_text; } rows[] = {
        { 150, 1, "Positive Preliminary", 5, "File system" },
        { 211, 2, "Positive Completion", 1, "Information" },
        { 331, 3, "Positive Intermediate", 3, "Authentication and accounting" },
        { 425, 4, "Transient Negative Completion", 2, "Connections" },
        { 502, 5, "Permanent Negative Completion", 0, "Syntax" },
        { 632, 6, "Protected", 3, "Authentication and accounting" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ftplens_reply_code code;
        ftplens_reply_info info;
        ftplens_reply_explain(rows[i].code, NULL, &code, &info);
        assert_int_equal(code.reply_class, rows[i].cls);
        assert_string_equal(info.class_text, rows[i].cls_text);
        assert_int_equal(code.category, rows[i].cat);
        assert_string_equal(info.category_text, rows[i].cat_text);
        assert_true(code.standard);
    }
}

static void every_row_is_found_by_lookup(void **state)
{
    (void)state;
    for (unsigned i = 0; i < ftplens_reply_row_count; i++) {
        const ftplens_reply_row *r = &ftplens_reply_rows[i];
        ftplens_reply_code code;
        ftplens_reply_info info;
        char verb[16] = "";
        if (r->commands)
            sscanf(r->commands, "%15s", verb);
        ftplens_reply_explain(r->code, r->commands ? verb : "NOOP", &code, &info);
        if (r->commands) {
            assert_ptr_equal(info.meaning, r->meaning);
        } else {
            /* NOOP selects the general row unless NOOP has its own. */
            assert_string_equal(info.meaning, r->meaning);
        }
    }
}

static void command_dependent_meanings(void **state)
{
    ftplens_reply_code code;
    ftplens_reply_info a, b;
    (void)state;

    ftplens_reply_explain(521, "LPRT", &code, &a);
    ftplens_reply_explain(521, "RETR", &code, &b);
    assert_string_equal(a.rfc, "RFC 1639");
    assert_string_equal(b.rfc, "RFC 4217");
    ftplens_reply_explain(522, "EPRT", &code, &a);
    ftplens_reply_explain(522, "STOR", &code, &b);
    assert_string_equal(a.rfc, "RFC 2428");
    assert_string_equal(b.rfc, "RFC 4217");
    ftplens_reply_explain(534, "CCC", &code, &a);
    assert_non_null(strstr(a.meaning, "clear the command channel"));
    ftplens_reply_explain(213, "SIZE", &code, &a);
    assert_non_null(strstr(a.meaning, "size"));
    ftplens_reply_explain(234, "AUTH", &code, &a);
    assert_non_null(strstr(a.meaning, "TLS"));
    /* No false match on a verb that merely contains a listed one. */
    ftplens_reply_explain(522, "XEPRTX", &code, &a);
    assert_string_equal(a.rfc, "RFC 4217");
}

static void unknown_codes_get_digits_only(void **state)
{
    ftplens_reply_code code;
    ftplens_reply_info info;
    (void)state;

    ftplens_reply_explain(299, NULL, &code, &info);
    assert_int_equal(code.reply_class, 2);
    assert_int_equal(code.category, 9);
    assert_string_equal(info.meaning, "not defined by any RFC");
    assert_false(code.standard);
    assert_string_equal(info.category_text, "Not a category defined by any RFC");

    ftplens_reply_explain(231, NULL, &code, &info);
    assert_false(code.standard);
    assert_non_null(strstr(info.meaning, "not defined by any RFC"));

    ftplens_reply_explain(999, NULL, &code, &info);
    assert_int_equal(code.reply_class, 9);
    assert_string_equal(info.class_text, "Not a reply class defined by any RFC");
}

static void command_table(void **state)
{
    (void)state;
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (unsigned i = 0; i < ftplens_command_row_count; i++) {
        const ftplens_command_row *c = &ftplens_command_rows[i];
        assert_false(g_hash_table_contains(seen, c->verb));
        g_hash_table_add(seen, (gpointer)c->verb);
        for (const char *p = c->verb; *p; p++)
            assert_true(g_ascii_isupper(*p) || g_ascii_isdigit(*p));
        assert_true(strlen(c->meaning) > 5);
        assert_ptr_equal(ftplens_command_lookup(c->verb), c);
    }
    g_hash_table_destroy(seen);
    /* All 33 RFC 959 verbs. */
    static const char *const rfc959[] = { "ABOR", "ACCT", "ALLO", "APPE", "CWD", "DELE", "HELP", "LIST",
        "MODE", "NLST", "NOOP", "PASS", "PASV", "PORT", "QUIT", "REIN", "REST", "RETR", "RNFR", "RNTO",
        "SITE", "STAT", "STOR", "STRU", "TYPE", "USER", "CDUP", "MKD", "PWD", "RMD", "SMNT", "STOU", "SYST" };
    for (size_t i = 0; i < sizeof rfc959 / sizeof rfc959[0]; i++)
        assert_non_null(ftplens_command_lookup(rfc959[i]));
    assert_ptr_equal(ftplens_command_lookup("opts"), ftplens_command_lookup("OPTS"));
    assert_null(ftplens_command_lookup("XYZZY"));
    assert_null(ftplens_command_lookup("EHLO"));
    assert_int_equal(ftplens_command_lookup("RETR")->xfer, FTPLENS_XFER_DOWNLOAD);
    assert_int_equal(ftplens_command_lookup("MLSD")->xfer, FTPLENS_XFER_LISTING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_reply_row_is_well_formed),
        cmocka_unit_test(each_class_and_category),
        cmocka_unit_test(every_row_is_found_by_lookup),
        cmocka_unit_test(command_dependent_meanings),
        cmocka_unit_test(unknown_codes_get_digits_only),
        cmocka_unit_test(command_table),
    };
    return cmocka_run_group_tests_name("codes", tests, NULL, NULL);
}
