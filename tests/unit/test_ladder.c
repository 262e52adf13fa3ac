/* test_ladder.c - the ladder diagram of the lab report: Mermaid labels are
 * escaped whatever a server sends, and a small synthetic session is drawn
 * with arrows of one width, its labels cut at a character boundary.
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

#include "ftplens_core_private.h"
#include "ftplens_ladder.h"
#include "ftplens_report_fmt.h"
#include "ftplens_result.h"
#include "ftplens_text.h"

static void escape_table(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        bool alias;
        const char *out;
    } rows[] = {
        { "220 Welcome", false, "220 Welcome" },
        { "", false, "" },
        { "a;b", false, "a#59;b" },
        { "#59;", false, "#35;59#59;" },                /* an entity in the input stays text */
        { "<script>alert(1)</script>", false, "#60;script#62;alert(1)#60;/script#62;" },
        { "100%% done %", false, "100#37;#37; done #37;" },   /* %% would start a comment */
        { "say \"hi\" & {x} \\n", false, "say #34;hi#34; #38; #123;x#125; #92;n" },
        { "frame 1: a, b", false, "frame 1: a, b" },            /* ':' and ',' are fine in a message */
        { "Client 2001:db8::1 port 21, x", true, "Client 2001#58;db8#58;#58;1 port 21#44; x" },
        { "C->>S: end", false, "C-#62;#62;S: end" },           /* no arrow can start inside a label */
        { "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 ;", false, "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 #59;" },
        { "a\nb\rc\td\x7f" "e", false, "a.b.c.d.e" },            /* a line end would end the statement */
        { "x\xE2\x80\xA8y", false, "x.y" },                     /* U+2028 LINE SEPARATOR */
        { "bad \xFF\xC3 end", false, "bad \xEF\xBF\xBD\xEF\xBF\xBD end" },    /* not UTF-8: U+FFFD */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        char *got = ftplens_mermaid_escape(rows[i].in, rows[i].alias);
        assert_string_equal(got, rows[i].out);
        assert_true(g_utf8_validate(got, -1, NULL));
        g_free(got);
    }
}

/* No byte value, in any order, leaves a character Mermaid reads as syntax. */
static void escape_every_byte(void **state)
{
    (void)state;
    char in[512];
    for (int i = 0; i < 255; i++) {
        in[2 * i] = (char)(i + 1);
        in[2 * i + 1] = (char)(255 - i);
    }
    in[510] = '\0';
    for (int alias = 0; alias < 2; alias++) {
        char *got = ftplens_mermaid_escape(in, alias);
        assert_true(g_utf8_validate(got, -1, NULL));
        for (const char *p = got; *p; p++) {
            assert_null(strchr("<>;%\"{}\\&\n\r", *p));
            assert_false(alias && (*p == ':' || *p == ','));
            if (*p != '#')
                continue;
            /* '#' only opens an entity code "#<digits>;", and ';' only closes one */
            assert_true(g_ascii_isdigit(p[1]));
            for (p++; g_ascii_isdigit(*p); p++)
                ;
            assert_int_equal(*p, ';');
        }
        g_free(got);
    }
}

/* ---- a synthetic session ---- */

typedef struct {
    ftplens_conn ctl, data;
    ftplens_expect expect;
    ftplens_frame f[8], df;
    ftplens_note n[6];
} session;

static void tcp(ftplens_frame *f, uint32_t frame, bool server, uint16_t flags, uint32_t seq, uint32_t isn, uint32_t ack,
                uint32_t peer_isn)
{
    f->frame = frame;
    f->from_listener = server;
    f->has_tcp = true;
    f->tcp.flags = flags;
    f->tcp.seq_raw = seq;
    f->tcp.isn = isn;
    f->tcp.has_ack = (flags & FTPLENS_TCP_ACK) != 0;
    f->tcp.ack_raw = ack;
    f->tcp.peer_isn = peer_isn;
}

static void line(ftplens_note *n, bool server, ftplens_note_kind kind, const char *text, const char *verb,
                 const char *arg)
{
    n->kind = (uint8_t)kind;
    n->from_server = server;
    n->text = text;
    n->verb = verb;
    n->arg = arg;
}

#define LONG_KO "\xEB\x84\x88\xEB\xAC\xB4 "   /* "너무 " (width 5) */

static void build(session *s)
{
    memset(s, 0, sizeof *s);
    s->ctl.stream = 7;
    s->ctl.client_text = "10.0.0.1";
    s->ctl.client_port = 40000;
    s->ctl.server_text = "10.0.0.2";
    s->ctl.listener.port = 21;
    s->ctl.frames = g_ptr_array_new();
    s->ctl.data_conns = g_ptr_array_new();
    tcp(&s->f[0], 1, false, FTPLENS_TCP_SYN, 100, 100, 0, 0);
    tcp(&s->f[1], 2, true, FTPLENS_TCP_SYN | FTPLENS_TCP_ACK, 500, 500, 101, 100);
    tcp(&s->f[2], 3, false, FTPLENS_TCP_ACK, 101, 100, 501, 500);
    s->f[2].tcp.step = FTPLENS_STEP_ESTABLISHED;
    tcp(&s->f[3], 4, true, FTPLENS_TCP_ACK | FTPLENS_TCP_PSH, 501, 500, 101, 100);
    line(&s->n[0], true, FTPLENS_NOTE_REPLY,
         "220 " LONG_KO LONG_KO LONG_KO LONG_KO LONG_KO LONG_KO LONG_KO LONG_KO LONG_KO LONG_KO LONG_KO LONG_KO LONG_KO
         LONG_KO LONG_KO LONG_KO, NULL, NULL);
    s->f[3].notes = &s->n[0];
    tcp(&s->f[4], 5, false, FTPLENS_TCP_ACK | FTPLENS_TCP_PSH, 101, 100, 601, 500);
    line(&s->n[1], false, FTPLENS_NOTE_REQUEST, "PASS ********", "PASS", "********");
    line(&s->n[2], false, FTPLENS_NOTE_REQUEST, "retr a;b<c>#d", "RETR", "a;b<c>#d");
    s->n[1].next = &s->n[2];
    s->f[4].notes = &s->n[1];
    tcp(&s->f[5], 6, true, FTPLENS_TCP_ACK | FTPLENS_TCP_PSH, 601, 500, 130, 100);
    s->f[5].gap_bytes[1] = 40;
    line(&s->n[3], true, FTPLENS_NOTE_REPLY, "226 ok", NULL, NULL);
    s->f[5].notes = &s->n[3];
    tcp(&s->f[6], 10, true, FTPLENS_TCP_ACK | FTPLENS_TCP_FIN, 700, 500, 130, 100);
    for (int i = 0; i < 7; i++)
        g_ptr_array_add(s->ctl.frames, &s->f[i]);
    /* A passive data connection opened at frame 8, between the control frames. */
    s->expect.command_line = "RETR a;b<c>#d";
    s->expect.setup_frame = 5;
    s->data.expect = &s->expect;
    s->data.data_bytes = 12345;
    s->data.frames = g_ptr_array_new();
    s->df.frame = 8;
    g_ptr_array_add(s->data.frames, &s->df);
    g_ptr_array_add(s->ctl.data_conns, &s->data);
}

static void unbuild(session *s)
{
    g_ptr_array_free(s->ctl.frames, TRUE);
    g_ptr_array_free(s->ctl.data_conns, TRUE);
    g_ptr_array_free(s->data.frames, TRUE);
}

static void text_arrows_of_one_width(void **state)
{
    (void)state;
    session s;
    build(&s);
    ftplens_set_language("en");
    GString *out = g_string_new(NULL);
    ftplens_ladder(out, false, &s.ctl, false);
    gchar **lines = g_strsplit(out->str, "\n", -1);
    const char *want[] = {
        "1 |-", "SYN seq 100 (rel 0) -", "2 |<-", "SYN-ACK seq 500 (rel 0) ack 101 (rel 1)",
        "3 |-", "ACK seq 101 (rel 1) ack 501 (rel 1)", "4 |<-", "5 |-", "PASS ******** -", "5 |-", "RETR a;b<c>#d -",
        "6 |x.", "[\u2026 40 bytes server \u2192 client not captured \u2026]", "6 |<-", "226 ok",
        "8 |=", "passive data: the client connects, 12,345 bytes, RETR a;b<c>#d", "10 |<-", "FIN seq 700 (rel 200) ack 130 (rel 30)",
    };
    size_t width = 0, rows = 0;
    assert_true(g_str_has_prefix(lines[0], "  frame  Client 10.0.0.1 port 40000 "));
    assert_true(g_str_has_suffix(lines[0], " Server 10.0.0.2 port 21"));
    for (int i = 2; lines[i] && *lines[i]; i++, rows++) {
        size_t w = rpt_width(lines[i]);
        if (!width)
            width = w;
        /* every row ends at the server's bar, the header's last column */
        assert_int_equal(w, width);
        assert_true(g_str_has_suffix(lines[i], "|"));
    }
    assert_int_equal(rows, 10);
    assert_int_equal(rpt_width(lines[0]), width);
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        bool found = false;
        for (int k = 2; lines[k] && !found; k++) {
            char **words = g_strsplit_set(lines[k], " ", -1);
            GString *c = g_string_new(NULL);
            for (int j = 0; words[j]; j++)
                if (*words[j])
                    g_string_append_printf(c, "%s%s", c->len ? " " : "", words[j]);
            found = strstr(c->str, want[i]) != NULL;
            g_string_free(c, TRUE);
            g_strfreev(words);
        }
        if (!found)
            fail_msg("no row has %s in\n%s", want[i], out->str);
    }
    /* The Korean reply: cut within 70 columns, after a whole Hangul character. */
    const char *ko = strstr(out->str, "220 ");
    assert_non_null(ko);
    const char *dots = strstr(ko, "...");
    assert_non_null(dots);
    char *label = g_strndup(ko, (size_t)(dots - ko));
    assert_true(g_utf8_validate(label, -1, NULL));
    assert_true(rpt_width(label) <= FTPLENS_LADDER_LABEL_COLS);
    assert_true(rpt_width(label) >= FTPLENS_LADDER_LABEL_COLS - 1);
    g_free(label);
    g_strfreev(lines);
    g_string_free(out, TRUE);
    unbuild(&s);
}

static void mermaid_block(void **state)
{
    (void)state;
    session s;
    build(&s);
    ftplens_set_language("en");
    GString *out = g_string_new(NULL);
    ftplens_ladder(out, true, &s.ctl, false);
    assert_true(g_str_has_prefix(out->str, "```mermaid\nsequenceDiagram\n"
                                           "    participant C as Client 10.0.0.1 port 40000\n"
                                           "    participant S as Server 10.0.0.2 port 21\n"
                                           "    C->>S: frame 1: SYN seq 100 (rel 0)\n"
                                           "    S->>C: frame 2: SYN-ACK seq 500 (rel 0) ack 101 (rel 1)\n"));
    assert_true(g_str_has_suffix(out->str, "    Note over C,S: frame 8: passive data: the client connects, 12,345 "
                                           "bytes, RETR a#59;b#60;c#62;#35;d\n"
                                           "    S->>C: frame 10: FIN seq 700 (rel 200) ack 130 (rel 30)\n```\n"));
    assert_non_null(strstr(out->str, "    C->>S: frame 5: RETR a#59;b#60;c#62;#35;d\n"));
    assert_non_null(strstr(out->str, "    S--xC: frame 6: [\u2026 40 bytes server \u2192 client not captured \u2026]\n"));
    g_string_free(out, TRUE);
    unbuild(&s);
}

/* brief: at most FTPLENS_LADDER_BRIEF_ROWS rows, the middle lines of a reply as one row, then the rest counted. */
static void brief_folds_and_stops(void **state)
{
    (void)state;
    ftplens_conn ctl;
    memset(&ctl, 0, sizeof ctl);
    ctl.stream = 3;
    ctl.client_text = "10.0.0.1";
    ctl.server_text = "10.0.0.2";
    ctl.frames = g_ptr_array_new();
    ctl.data_conns = g_ptr_array_new();
    enum { N = 60 };
    ftplens_frame *f = g_new0(ftplens_frame, N);
    ftplens_note *n = g_new0(ftplens_note, N);
    for (int i = 0; i < N; i++) {
        f[i].frame = (uint32_t)(i + 1);
        line(&n[i], true, FTPLENS_NOTE_REPLY, i < 5 ? " middle" : "200 ok", NULL, NULL);
        n[i].part = i == 0 ? FTPLENS_PART_FIRST : i < 5 ? FTPLENS_PART_CONTINUATION : FTPLENS_PART_SINGLE;
        f[i].notes = &n[i];
        g_ptr_array_add(ctl.frames, &f[i]);
    }
    ftplens_set_language("en");
    GString *out = g_string_new(NULL);
    ftplens_ladder(out, false, &ctl, true);
    assert_non_null(strstr(out->str, "[\u2026 4 more lines of this reply \u2026]"));
    assert_non_null(strstr(out->str, "  17 more rows: -z \"ftplens,report,full,ftplens.session == 3\" shows this "
                                     "session whole.\n"));
    unsigned rows = 0;
    for (const char *p = out->str; (p = strstr(p, "|<")); p++)
        rows++;
    assert_int_equal(rows, FTPLENS_LADDER_BRIEF_ROWS);
    g_string_truncate(out, 0);
    ftplens_ladder(out, false, &ctl, false);
    assert_null(strstr(out->str, "more rows"));
    g_string_free(out, TRUE);
    g_ptr_array_free(ctl.frames, TRUE);
    g_ptr_array_free(ctl.data_conns, TRUE);
    g_free(f);
    g_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escape_table),
        cmocka_unit_test(escape_every_byte),
        cmocka_unit_test(text_arrows_of_one_width),
        cmocka_unit_test(mermaid_block),
        cmocka_unit_test(brief_folds_and_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
