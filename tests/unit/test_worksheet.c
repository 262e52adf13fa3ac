/* test_worksheet.c - the teacher's kit's questions, from synthetic sessions
 * driven through the core entry point: which questions a session supports,
 * their answers, variants, and the JSON key.
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

#include "ftplens_core.h"
#include "ftplens_worksheet.h"

#include "synthetic.h"

static void conv_init(conv *c)
{
    ftplens_config cfg;
    ftplens_config_defaults(&cfg);
    cfg.keep_report = true;
    conv_init_with(c, 21, true, &cfg);
}

/* One segment; returns its frame number. */
static uint32_t seg(conv *c, bool from_server, uint16_t flags, const char *data)
{
    ftplens_segment s = next_seg(c, from_server, flags, data);
    ftplens_capture_segment(c->cap, &s);
    return s.frame;
}

#define SRV(c, d) seg((c), true, FTPLENS_TCP_ACK | FTPLENS_TCP_PSH, (d))
#define CLI(c, d) seg((c), false, FTPLENS_TCP_ACK | FTPLENS_TCP_PSH, (d))

typedef struct {
    uint32_t user, pass, feat_first, feat_last, greeting;
} frames_of;

/* A vsftpd session: greeting, login, a multi-line FEAT, QUIT; with or without its handshake. */
static frames_of session(conv *c, bool handshake)
{
    frames_of f;
    if (handshake) {
        seg(c, false, FTPLENS_TCP_SYN, "");
        seg(c, true, FTPLENS_TCP_SYN | FTPLENS_TCP_ACK, "");
        seg(c, false, FTPLENS_TCP_ACK, "");
    }
    f.greeting = SRV(c, "220 (vsFTPd 3.0.3)\r\n");
    f.user = CLI(c, "USER alice\r\n");
    SRV(c, "331 Please specify the password.\r\n");
    f.pass = CLI(c, "PASS secret\r\n");
    SRV(c, "230 Login successful.\r\n");
    CLI(c, "FEAT\r\n");
    f.feat_first = SRV(c, "211-Features:\r\n");
    SRV(c, " EPSV\r\n");
    f.feat_last = SRV(c, "211 End\r\n");
    CLI(c, "HELP\r\n");
    SRV(c, "214-Commands:\r\n214 End\r\n");     /* a multi-line reply in one segment */
    CLI(c, "QUIT\r\n");
    SRV(c, "221 Goodbye.\r\n");
    return f;
}

static const ftplens_question *topic(const ftplens_worksheet *w, const char *name)
{
    for (guint i = 0; i < w->questions->len; i++) {
        const ftplens_question *q = w->questions->pdata[i];
        if (strcmp(q->topic, name) == 0)
            return q;
    }
    return NULL;
}

static uint64_t value(const ftplens_question *q)
{
    assert_non_null(q);
    assert_true(q->values->len >= 1);
    return g_array_index(q->values, uint64_t, 0);
}

static void answers_from_the_session(void **state)
{
    (void)state;
    conv c;
    conv_init(&c);
    frames_of f = session(&c, true);
    ftplens_worksheet *w = ftplens_worksheet_make(c.cap, 0, NULL);
    assert_int_equal(w->session, 1);
    assert_int_equal(w->stream, 7);
    assert_int_equal(value(topic(w, "client_isn")), 1000);
    assert_int_equal(value(topic(w, "server_isn")), 5000);
    assert_int_equal(value(topic(w, "synack_ack")), 1001);
    assert_int_equal(value(topic(w, "third_seq")), 1001);
    assert_int_equal(value(topic(w, "third_ack")), 5001);
    /* variant 0: the first one-line segment, the greeting: 18 bytes + CR LF */
    assert_int_equal(value(topic(w, "segment_len")), 20);
    assert_int_equal(g_array_index(topic(w, "segment_len")->frames, uint32_t, 0), f.greeting);
    assert_int_equal(value(topic(w, "reply_answers")), f.user);
    assert_int_equal(value(topic(w, "multiline_end")), f.feat_last);
    const ftplens_question *cred = topic(w, "cleartext_frames");
    assert_int_equal(cred->values->len, 2);
    assert_int_equal(g_array_index(cred->values, uint64_t, 0), f.user);
    assert_int_equal(g_array_index(cred->values, uint64_t, 1), f.pass);
    assert_string_equal(topic(w, "banner")->answer, "vsFTPd 3.0.3");
    assert_int_equal(topic(w, "countermeasures")->need, 2);
    /* no PASS line is quoted anywhere, in any variant: its password stays out of the worksheet */
    for (unsigned v = 0; v < 40; v++) {
        char *text = ftplens_capture_worksheet(c.cap, v, true, FTPLENS_KIT_JSON, NULL, NULL);
        assert_null(strstr(text, "secret"));
        g_free(text);
    }
    assert_null(topic(w, "data_opener"));       /* no data connection */
    /* Where a reply ends is asked only when it ends in another frame, in every variant. */
    for (unsigned v = 0; v < 40; v++) {
        ftplens_worksheet *wv = ftplens_worksheet_make(c.cap, v, NULL);
        const ftplens_question *ml = topic(wv, "multiline_end");
        assert_non_null(ml);
        assert_int_equal(value(ml), f.feat_last);
        ftplens_worksheet_free(wv);
    }
    ftplens_worksheet_free(w);
    ftplens_capture_free(c.cap);
}

static void no_handshake_no_handshake_questions(void **state)
{
    (void)state;
    conv c;
    conv_init(&c);
    session(&c, false);
    ftplens_worksheet *w = ftplens_worksheet_make(c.cap, 0, NULL);
    static const char *const left_out[] = { "client_isn", "server_isn", "synack_ack", "third_seq", "third_ack",
                                            "segment_len", "next_seq" };
    for (size_t i = 0; i < G_N_ELEMENTS(left_out); i++)
        assert_null(topic(w, left_out[i]));
    assert_non_null(topic(w, "reply_class"));
    assert_non_null(topic(w, "multiline_end"));
    ftplens_worksheet_free(w);
    ftplens_capture_free(c.cap);
}

static char *key_text(ftplens_capture *cap, unsigned variant)
{
    return ftplens_capture_worksheet(cap, variant, true, FTPLENS_KIT_JSON, NULL, NULL);
}

static void variants_are_fixed(void **state)
{
    (void)state;
    conv c;
    conv_init(&c);
    session(&c, true);
    char *a = key_text(c.cap, 5), *b = key_text(c.cap, 5), *zero = key_text(c.cap, 0);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "\"variant\": 5,"));
    assert_non_null(strstr(zero, "\"variant\": 0,"));
    g_free(a);
    g_free(b);
    g_free(zero);
    /* An empty capture asks nothing. */
    conv e;
    conv_init(&e);
    char *none = ftplens_capture_worksheet(e.cap, 0, false, FTPLENS_KIT_TEXT, NULL, NULL);
    assert_non_null(strstr(none, "No FTP session in this capture."));
    g_free(none);
    ftplens_capture_free(e.cap);
    ftplens_capture_free(c.cap);
}

static void json_escapes_server_text(void **state)
{
    (void)state;
    conv c;
    conv_init(&c);
    seg(&c, false, FTPLENS_TCP_SYN, "");
    seg(&c, true, FTPLENS_TCP_SYN | FTPLENS_TCP_ACK, "");
    seg(&c, false, FTPLENS_TCP_ACK, "");
    SRV(&c, "220 \"q\\t\" vsFTPd 2.3.4\r\n");
    char *key = key_text(c.cap, 0);
    assert_non_null(strstr(key, "\\\"q\\\\t\\\""));
    assert_null(strstr(key, "\"q\\t\""));
    g_free(key);
    ftplens_capture_free(c.cap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers_from_the_session),
        cmocka_unit_test(no_handshake_no_handshake_questions),
        cmocka_unit_test(variants_are_fixed),
        cmocka_unit_test(json_escapes_server_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
