/* test_session.c - the pairing state machine, driven through the core entry
 * point with synthetic TCP segments.
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
#include "ftplens_risk.h"

#include "synthetic.h"

static void conv_init(conv *c, uint16_t server_port, bool registered, bool heuristic)
{
    ftplens_config cfg;
    ftplens_config_defaults(&cfg);
    cfg.heuristic = heuristic;
    conv_init_with(c, server_port, registered, &cfg);
}

/* The next segment of one side: its flags, all the peer's bytes acknowledged
 * when ACK is set; SYN and FIN take one sequence number. */
static const ftplens_frame *send_seg(conv *c, bool from_server, const char *data)
{
    ftplens_segment s = next_seg(c, from_server, FTPLENS_TCP_ACK, data);
    return ftplens_capture_segment(c->cap, &s).frame;
}

#define SRV(c, d) send_seg((c), true, (d))
#define CLI(c, d) send_seg((c), false, (d))

/* A segment sent but not captured: only its sequence numbers move on (and
 * the peer's ACKs, which the harness derives from them, cover it). */
static void lose(conv *c, bool from_server, const char *data)
{
    c->frame++;
    *(from_server ? &c->sseq : &c->cseq) += (uint32_t)strlen(data);
}

static const ftplens_note *nth(const ftplens_frame *f, unsigned i)
{
    const ftplens_note *n = f ? f->notes : NULL;
    while (n && i--)
        n = n->next;
    assert_non_null(n);
    return n;
}

static void greeting_multiline_answers_nothing(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    const ftplens_frame *f1 = SRV(&c, "220-\r\n");
    const ftplens_frame *f2 = SRV(&c, "220 ftp.example.org FTP server ready.\r\n");
    assert_true(ftplens_frame_shown(f1));
    assert_int_equal(nth(f1, 0)->part, FTPLENS_PART_FIRST);
    assert_int_equal(nth(f1, 0)->answers, FTPLENS_ANSWERS_GREETING);
    assert_int_equal(nth(f2, 0)->part, FTPLENS_PART_LAST);
    assert_int_equal(nth(f2, 0)->answers, FTPLENS_ANSWERS_GREETING);
    assert_int_equal(nth(f2, 0)->reply.code, 220);
    assert_int_equal(nth(f2, 0)->to_frame, 0);
    ftplens_capture_free(c.cap);
}

static void pipelined_commands_pair_in_order(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    const ftplens_frame *cmds = CLI(&c, "USER alice\r\nPASS wonderland\r\n");   /* frame 2 */
    assert_int_equal(cmds->note_count, 2);
    assert_string_equal(nth(cmds, 0)->verb, "USER");
    assert_string_equal(nth(cmds, 1)->verb, "PASS");
    assert_int_equal(nth(cmds, 1)->offset, 12);
    const ftplens_frame *r1 = SRV(&c, "331 need password\r\n");                 /* frame 3 */
    const ftplens_frame *r2 = SRV(&c, "230 logged in\r\n");                     /* frame 4 */
    assert_string_equal(ftplens_note_to_command(nth(r1, 0)), "USER");
    assert_int_equal(nth(r1, 0)->to_frame, 2);
    assert_string_equal(ftplens_note_to_command(nth(r2, 0)), "PASS");
    assert_int_equal(nth(r2, 0)->to_frame, 2);
    assert_int_equal(nth(r2, 0)->reply_time_ns, 2000000);
    assert_int_equal(nth(cmds, 0)->reply_in, 3);
    assert_int_equal(nth(cmds, 1)->reply_in, 4);
    assert_string_equal(r2->user, "alice");
    ftplens_capture_free(c.cap);
}

static void preliminary_reply_keeps_command_pending(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    const ftplens_frame *retr = CLI(&c, "RETR a.txt\r\n");           /* 2 */
    const ftplens_frame *p = SRV(&c, "150 Opening data connection\r\n"); /* 3 */
    assert_int_equal(nth(p, 0)->to_frame, 2);
    assert_int_equal(nth(p, 0)->reply.reply_class, 1);
    assert_int_equal(nth(retr, 0)->reply_in, 0);
    const ftplens_frame *done = SRV(&c, "226 Transfer complete\r\n");  /* 4 */
    assert_string_equal(ftplens_note_to_command(nth(done, 0)), "RETR");
    assert_int_equal(nth(retr, 0)->reply_in, 4);
    const ftplens_frame *noop = CLI(&c, "NOOP\r\n");
    const ftplens_frame *ok = SRV(&c, "200 ok\r\n");
    assert_int_equal(nth(ok, 0)->to_frame, 5);
    assert_int_equal(nth(noop, 0)->reply_in, 6);
    ftplens_capture_free(c.cap);
}

static void multiline_reply_counts_once(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    CLI(&c, "HELP\r\n");                                              /* 2 */
    const ftplens_frame *a = SRV(&c, "214-The following commands are recognized.\r\n USER PASS\r\n");
    const ftplens_frame *b = SRV(&c, "214-still going\r\n200 a padded line that looks like a reply\r\n214 Help OK.\r\n");
    assert_int_equal(nth(a, 0)->part, FTPLENS_PART_FIRST);
    assert_int_equal(nth(a, 1)->part, FTPLENS_PART_CONTINUATION);
    assert_int_equal(nth(a, 1)->reply.code, 214);
    assert_int_equal(nth(a, 1)->to_frame, 2);
    assert_int_equal(nth(b, 0)->part, FTPLENS_PART_CONTINUATION);
    assert_int_equal(nth(b, 1)->part, FTPLENS_PART_CONTINUATION);
    assert_int_equal(nth(b, 1)->reply.code, 214);
    assert_int_equal(nth(b, 2)->part, FTPLENS_PART_LAST);
    CLI(&c, "SYST\r\n");                                              /* 5 */
    const ftplens_frame *s = SRV(&c, "215 UNIX Type: L8\r\n");
    assert_string_equal(ftplens_note_to_command(nth(s, 0)), "SYST");
    assert_int_equal(nth(s, 0)->to_frame, 5);
    ftplens_capture_free(c.cap);
}

static void unsolicited_421_and_unanswered(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    CLI(&c, "USER bob\r\n");
    SRV(&c, "331 pw\r\n");
    const ftplens_frame *pass = CLI(&c, "PASS x\r\n");               /* 4 */
    const ftplens_frame *lock = SRV(&c, "421 Too many failures, closing\r\n");
    assert_int_equal(nth(lock, 0)->answers, FTPLENS_ANSWERS_COMMAND);
    assert_string_equal(ftplens_note_to_command(nth(lock, 0)), "PASS");
    assert_int_equal(nth(pass, 0)->reply_in, 5);
    const ftplens_frame *idle = SRV(&c, "421 Timeout.\r\n");
    assert_int_equal(nth(idle, 0)->answers, FTPLENS_ANSWERS_UNSOLICITED);
    const ftplens_frame *quit = CLI(&c, "QUIT\r\n");                 /* never answered */
    assert_int_equal(nth(quit, 0)->reply_in, 0);
    ftplens_capture_free(c.cap);
}

static void malformed_reply_answers_but_gets_no_class(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    const ftplens_frame *pasv = CLI(&c, "PASV\r\n");                 /* 2 */
    const ftplens_frame *bad = SRV(&c, "99 PASV invalid\r\n");       /* 3 */
    assert_int_equal(nth(bad, 0)->kind, FTPLENS_NOTE_BAD_REPLY);
    assert_true(nth(bad, 0)->problems & FTPLENS_PROB_MALFORMED_REPLY);
    assert_int_equal(nth(bad, 0)->reply.reply_class, 0);
    assert_int_equal(nth(bad, 0)->to_frame, 2);
    assert_int_equal(nth(pasv, 0)->reply_in, 3);
    CLI(&c, "PASV\r\n");                                              /* 4 */
    const ftplens_frame *ok = SRV(&c, "227 Entering Passive Mode (10,0,0,1,4,1)\r\n");
    assert_int_equal(nth(ok, 0)->to_frame, 4);
    assert_non_null(strstr(ftplens_note_extra_of(nth(ok, 0))->arg_explained, "10.0.0.1 port 1025"));
    CLI(&c, "QUIT\r\n");                                              /* 6 */
    const ftplens_frame *bye = SRV(&c, "221 Bye\r\n");
    assert_string_equal(ftplens_note_to_command(nth(bye, 0)), "QUIT");
    ftplens_capture_free(c.cap);
}

static void command_dependent_meaning_uses_paired_command(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    CLI(&c, "EPSV\r\n");
    const ftplens_frame *r = SRV(&c, "522 Network protocol not supported, use (1)\r\n");
    assert_string_equal(ftplens_reply_code_row(&nth(r, 0)->reply)->rfc, "RFC 2428");
    CLI(&c, "RETR x\r\n");
    SRV(&c, "150 ok\r\n");
    const ftplens_frame *t = SRV(&c, "522 TLS required on data\r\n");
    assert_string_equal(ftplens_reply_code_row(&nth(t, 0)->reply)->rfc, "RFC 4217");
    ftplens_capture_free(c.cap);
}

static void auth_tls_stops_line_parsing(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    CLI(&c, "AUTH TLS\r\n");
    SRV(&c, "234 Proceed with negotiation.\r\n");
    const ftplens_frame *hello = CLI(&c, "\x16\x03\x01\x02\x00\x01\r\nrandom\r\n");
    assert_non_null(hello);
    assert_int_equal(hello->note_count, 0);
    ftplens_capture_free(c.cap);
}

static void pending_commands_are_capped(void **state)
{
    conv c;
    const ftplens_frame *f = NULL;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    for (int i = 0; i < 65; i++)
        f = CLI(&c, "PORT 1,2,3,4,5,6\r\n");
    assert_true(nth(f, 0)->problems & FTPLENS_PROB_PENDING_OVERFLOW);
    /* The oldest (frame 2) was forgotten: the first reply answers frame 3. */
    const ftplens_frame *r = SRV(&c, "200 ok\r\n");
    assert_int_equal(nth(r, 0)->to_frame, 3);
    ftplens_capture_free(c.cap);
}

static void heuristic_finds_ftp_on_any_port(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 2121, false, true);
    const ftplens_frame *g = SRV(&c, "220 pyftpdlib 1.5.7 ready.\r\n");
    assert_true(ftplens_frame_shown(g));
    const ftplens_frame *u = CLI(&c, "USER alice\r\n");
    assert_true(ftplens_frame_shown(u));
    ftplens_capture_free(c.cap);

    /* A greeting without "FTP" is shown at once, in one pass too: the greeting
     * is where the session is recognised, with its nonstandard_port finding. */
    conv_init(&c, 2121, false, true);
    g = SRV(&c, "220 Welcome\r\n");
    assert_true(ftplens_frame_shown(g));
    assert_non_null(g->findings);
    assert_int_equal(g->findings->id, FTPLENS_RISK_NONSTANDARD_PORT);
    CLI(&c, "FEAT\r\n");
    assert_true(ftplens_frame_shown(g));
    ftplens_capture_free(c.cap);

    /* SMTP also greets with 220, and says so: not FTP from the greeting on. */
    conv_init(&c, 25, false, true);
    g = SRV(&c, "220 mail.example.org ESMTP\r\n");
    assert_false(ftplens_frame_shown(g));
    assert_null(CLI(&c, "EHLO client\r\n"));
    ftplens_capture_free(c.cap);

    /* A greeting that names FTP confirms the session at once: a first client
     * line that is no FTP command does not reject it. */
    conv_init(&c, 2121, false, true);
    g = SRV(&c, "220 pyftpdlib 1.5.7 ready.\r\n");
    CLI(&c, "HELLO there\r\n");
    assert_true(ftplens_frame_shown(g));
    ftplens_capture_free(c.cap);

    /* MAIL is in the command table (obsolete mail-over-FTP) but is SMTP's
     * second line: it does not confirm a guess. */
    conv_init(&c, 2525, false, true);
    g = SRV(&c, "220 mx ready\r\n");
    CLI(&c, "MAIL FROM:<a@example.org>\r\n");
    assert_false(ftplens_frame_shown(g));
    ftplens_capture_free(c.cap);
    /* ...while another real FTP command does. */
    conv_init(&c, 2525, false, true);
    g = SRV(&c, "220 mx ready\r\n");
    CLI(&c, "SYST\r\n");
    assert_true(ftplens_frame_shown(g));
    ftplens_capture_free(c.cap);

    /* A greeting that names neither: the client's non-FTP first line rejects
     * the guess, retroactively (two passes and the GUI hide it). */
    conv_init(&c, 2525, false, true);
    g = SRV(&c, "220 mail.example.org ready\r\n");
    const ftplens_frame *e = CLI(&c, "EHLO client\r\n");
    assert_false(ftplens_frame_shown(g));
    assert_false(ftplens_frame_shown(e));
    ftplens_capture_free(c.cap);

    /* Not a greeting: the stream is ignored from then on. */
    conv_init(&c, 8080, false, true);
    assert_null(CLI(&c, "GET / HTTP/1.1\r\n"));
    assert_true(ftplens_capture_stream_ignored(c.cap, 7));
    ftplens_capture_free(c.cap);

    /* Heuristic off: only registered ports. */
    conv_init(&c, 2121, false, false);
    assert_null(SRV(&c, "220 pyftpdlib ready\r\n"));
    assert_int_equal(ftplens_capture_sessions(c.cap), 0);
    ftplens_capture_free(c.cap);
}

/* A reply cannot answer a command the server had not received: the reply's
 * ACK bounds which commands it can answer. */
static void reply_ack_bounds_the_command(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    CLI(&c, "NOOP\r\n");                                   /* 2 */
    /* A 421 sent before the server read NOOP (its ACK stops before it). */
    c.cseq -= 6;
    const ftplens_frame *early = SRV(&c, "421 Timeout\r\n");  /* 3 */
    c.cseq += 6;
    assert_int_equal(nth(early, 0)->answers, FTPLENS_ANSWERS_UNSOLICITED);
    const ftplens_frame *ok = SRV(&c, "200 NOOP ok\r\n");     /* 4 */
    assert_int_equal(nth(ok, 0)->to_frame, 2);
    assert_int_equal(nth(ok, 0)->pairing, FTPLENS_PAIRING_DIRECT);
    ftplens_capture_free(c.cap);
}

/* Client bytes lost: the server's ACK shows them; the reply answers "a command
 * not captured", and the next command pairs again. */
static void client_gap_answers_a_lost_command(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    const ftplens_frame *user = CLI(&c, "USER alice\r\n");    /* 2 */
    SRV(&c, "331 need password\r\n");                        /* 3 */
    lose(&c, false, "CWD /pub\r\n");                          /* 4 */
    const ftplens_frame *r = SRV(&c, "250 ok\r\n");           /* 5 */
    assert_int_equal(r->gap_bytes[0], 10);
    assert_int_equal(nth(r, 0)->answers, FTPLENS_ANSWERS_LOST);
    assert_int_equal(nth(r, 0)->pairing, FTPLENS_PAIRING_UNKNOWN);
    const ftplens_frame *pwd = CLI(&c, "PWD\r\n");            /* 6 */
    assert_int_equal(nth(user, 0)->index, 1);
    assert_int_equal(nth(pwd, 0)->index, 2);                /* the lost command has no number */
    const ftplens_frame *r2 = SRV(&c, "257 \"/pub\"\r\n");    /* 7 */
    assert_int_equal(nth(r2, 0)->to_frame, 6);
    assert_int_equal(nth(r2, 0)->to_index, 2);
    assert_int_equal(nth(r2, 0)->pairing, FTPLENS_PAIRING_INFERRED);
    const ftplens_frame *r3 = (CLI(&c, "NOOP\r\n"), SRV(&c, "200 ok\r\n"));
    assert_int_equal(nth(r3, 0)->pairing, FTPLENS_PAIRING_DIRECT);   /* the queue drained */
    ftplens_capture_free(c.cap);
}

/* Server bytes lost: a client that waits for each reply only sends the next
 * command once the last one was answered, so the lost bytes held its reply. */
static void server_gap_before_next_command(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    const ftplens_frame *type = CLI(&c, "TYPE I\r\n");        /* 2 */
    lose(&c, true, "200 Binary\r\n");                        /* 3 */
    const ftplens_frame *pasv = CLI(&c, "PASV\r\n");          /* 4: ACKs the lost reply */
    assert_int_equal(pasv->gap_bytes[1], 12);
    assert_true(nth(type, 0)->reply_lost);
    assert_int_equal(nth(type, 0)->reply_in, 0);
    const ftplens_frame *r = SRV(&c, "227 Entering Passive Mode (127,0,0,1,4,1)\r\n");
    assert_int_equal(nth(r, 0)->to_frame, 4);
    assert_string_equal(ftplens_note_to_command(nth(r, 0)), "PASV");
    assert_int_equal(nth(r, 0)->pairing, FTPLENS_PAIRING_INFERRED);
    ftplens_capture_free(c.cap);
}

/* The reply to PASS lost: the password was still sent in clear; the outcome is unknown, not guessed. */
static void lost_login_reply_keeps_the_credentials_finding(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    CLI(&c, "USER alice\r\n");
    SRV(&c, "331 need password\r\n");
    const ftplens_frame *pass = CLI(&c, "PASS wonderland\r\n");
    lose(&c, true, "230 logged in\r\n");
    const ftplens_frame *syst = CLI(&c, "SYST\r\n");
    assert_true(nth(pass, 0)->reply_lost);
    (void)syst;
    const ftplens_finding *fd = pass->findings;       /* on the PASS line itself */
    while (fd && fd->id != FTPLENS_RISK_CLEARTEXT_CREDENTIALS)
        fd = fd->next;
    assert_non_null(fd);
    char text[800];
    const char *shown = ftplens_finding_text(fd, false, text, sizeof text);
    assert_non_null(strstr(shown, "wonderland"));
    assert_non_null(strstr(shown, "login outcome unknown (no reply captured)"));
    ftplens_capture_free(c.cap);
}

static const ftplens_finding *finding(const ftplens_frame *f, ftplens_risk_id id)
{
    const ftplens_finding *fd = f->findings;
    while (fd && fd->id != id)
        fd = fd->next;
    assert_non_null(fd);
    return fd;
}

/* The current user is decided once (the session): USER sets it, lost client
 * bytes and REIN clear it (a USER may be in the gap), and the frame, the
 * findings and the report all show that one answer. */
static void current_user_is_one_decision(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    const ftplens_frame *user = CLI(&c, "USER alice\r\n");
    assert_string_equal(user->user, "alice");
    SRV(&c, "331 need password\r\n");
    lose(&c, false, "USER bob\r\n");
    const ftplens_frame *r = SRV(&c, "331 need password\r\n");      /* ACKs the lost USER */
    assert_int_equal(r->gap_bytes[0], 10);
    assert_null(r->user);
    const ftplens_frame *pass = CLI(&c, "PASS secret\r\n");
    assert_null(pass->user);
    assert_non_null(strstr(finding(pass, FTPLENS_RISK_CLEARTEXT_CREDENTIALS)->message, "user '?'"));
    SRV(&c, "230 ok\r\n");
    const ftplens_frame *carol = (CLI(&c, "REIN\r\n"), SRV(&c, "220 ok\r\n"), CLI(&c, "USER carol\r\n"));
    assert_string_equal(carol->user, "carol");
    const ftplens_frame *rein = CLI(&c, "REIN\r\n");
    assert_null(rein->user);
    ftplens_capture_free(c.cap);
}

/* A segment held behind a hole is read when the hole is filled: its frame's
 * user is the one after its own lines, not the one when it arrived. */
static void held_frame_takes_its_user(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    CLI(&c, "USER a\r\n");
    lose(&c, false, "USER b");                                 /* never captured */
    const ftplens_frame *late = CLI(&c, "ob\r\nUSER carl\r\n");  /* held behind the hole */
    assert_null(late->notes);
    assert_string_equal(late->user, "a");
    SRV(&c, "331 need password\r\n");      /* acknowledges the hole: a gap, the held lines are read */
    assert_string_equal(nth(late, late->note_count - 1)->arg, "carl");
    assert_string_equal(late->user, "carl");
    ftplens_capture_free(c.cap);
}

/* A lost command that had its reply does not take the next command's reply,
 * whatever its code; ABOR during a transfer is not pipelining. */
/* After CCC the control channel is read afresh: a multi-line reply begun
 * before TLS does not swallow the first clear line after it. */
static void ccc_reads_afresh(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    CLI(&c, "AUTH TLS\r\n");
    SRV(&c, "234 go\r\n");
    CLI(&c, "\x16\x03\x01\x00\x05hello");
    SRV(&c, "\x16\x03\x03\x00\x05hello");
    const ftplens_frame *clear = SRV(&c, "200 CCC ok, clear from here\r\n");
    assert_int_equal(nth(clear, 0)->kind, FTPLENS_NOTE_REPLY);
    assert_int_equal(nth(clear, 0)->part, FTPLENS_PART_SINGLE);
    assert_int_equal(nth(clear, 0)->reply.code, 200);
    const ftplens_frame *next = CLI(&c, "PWD\r\n");
    assert_string_equal(nth(next, 0)->verb, "PWD");
    ftplens_capture_free(c.cap);
}

/* RFC 959: a server may first say "120 ready in n minutes"; that and the 220
 * after it open the session, answering no command. */
static void delayed_greeting(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    const ftplens_frame *wait = SRV(&c, "120 Service ready in 2 minutes\r\n");
    const ftplens_frame *ready = SRV(&c, "220 ready\r\n");
    assert_int_equal(nth(wait, 0)->answers, FTPLENS_ANSWERS_GREETING);
    assert_int_equal(nth(ready, 0)->answers, FTPLENS_ANSWERS_GREETING);
    CLI(&c, "USER alice\r\n");
    const ftplens_frame *r = SRV(&c, "331 pw\r\n");
    assert_string_equal(ftplens_note_to_command(nth(r, 0)), "USER");
    ftplens_capture_free(c.cap);
}

static void answered_lost_command_lets_go(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    CLI(&c, "USER a\r\nPASS b\r\n");                      /* pipelined */
    SRV(&c, "331 pw\r\n");
    SRV(&c, "230 in\r\n");
    lose(&c, false, "SYST\r\n");
    const ftplens_frame *r1 = SRV(&c, "215 UNIX\r\n");
    assert_int_equal(nth(r1, 0)->answers, FTPLENS_ANSWERS_LOST);
    const ftplens_frame *opts = CLI(&c, "OPTS UTF8 ON\r\n");
    const ftplens_frame *r2 = SRV(&c, "202 UTF8 mode is always enabled\r\n");
    assert_int_equal(nth(r2, 0)->to_frame, opts->frame);
    const ftplens_frame *pwd = CLI(&c, "PWD\r\n");
    const ftplens_frame *r3 = SRV(&c, "257 \"/\"\r\n");
    assert_int_equal(nth(r3, 0)->to_frame, pwd->frame);
    ftplens_capture_free(c.cap);

    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    CLI(&c, "RETR big\r\n");
    SRV(&c, "150 go\r\n");
    CLI(&c, "ABOR\r\n");
    SRV(&c, "426 aborted\r\n");
    SRV(&c, "226 abort ok\r\n");
    const ftplens_frame *type = CLI(&c, "TYPE I\r\n");
    lose(&c, true, "200 ok\r\n");
    CLI(&c, "PASV\r\n");                                   /* a client that waits: TYPE was answered */
    assert_true(nth(type, 0)->reply_lost);
    ftplens_capture_free(c.cap);
}

/* Pipelined commands, a reply lost: the reply codes each command can receive
 * (RFC 959 section 5.4) skip the command whose reply was lost. */
static void lost_reply_skipped_by_code_table(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    const ftplens_frame *cmds = CLI(&c, "PWD\r\nPASV\r\nSYST\r\n");   /* 2: pipelined */
    lose(&c, true, "257 \"/\"\r\n");                         /* 3 */
    const ftplens_frame *r = SRV(&c, "227 Entering Passive Mode (127,0,0,1,4,1)\r\n");
    assert_null(r->notes);          /* nobody acknowledged the hole yet: it may still come */
    /* A later segment starting a reply line: the hole is a gap, and the held
     * segment's line is explained in its own frame. */
    const ftplens_frame *r2 = SRV(&c, "215 UNIX Type: L8\r\n");
    assert_int_equal(r->gap_bytes[1], 9);
    assert_string_equal(ftplens_note_to_command(nth(r, 0)), "PASV");
    assert_int_equal(nth(r, 0)->to_index, 2);
    assert_int_equal(nth(r, 0)->pairing, FTPLENS_PAIRING_INFERRED);
    assert_true(nth(cmds, 0)->reply_lost);
    assert_string_equal(ftplens_note_to_command(nth(r2, 0)), "SYST");
    assert_int_equal(nth(cmds, 2)->reply_in, r2->frame);
    ftplens_capture_free(c.cap);
}

/* Any client line is something the server answers, even one that is no command. */
static void reply_to_a_line_that_is_no_command(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    const ftplens_frame *bad = CLI(&c, "TYPEEEEEEEEEEEEEEEE\r\n");   /* 2 */
    assert_int_equal(nth(bad, 0)->kind, FTPLENS_NOTE_BAD_REQUEST);
    const ftplens_frame *r = SRV(&c, "500 Unknown command\r\n");
    assert_int_equal(nth(r, 0)->answers, FTPLENS_ANSWERS_COMMAND);
    assert_int_equal(nth(r, 0)->to_frame, 2);
    assert_int_equal(nth(bad, 0)->reply_in, 3);
    ftplens_capture_free(c.cap);
}

/* The last line of a multi-line reply lost: a line with another code starts
 * the next reply instead of being swallowed as a continuation. */
static void multiline_end_lost(void **state)
{
    conv c;
    (void)state;
    conv_init(&c, 21, true, true);
    SRV(&c, "220 ready\r\n");
    CLI(&c, "FEAT\r\n");
    SRV(&c, "211-Features:\r\n");
    lose(&c, true, " UTF8\r\n211 End\r\n");
    const ftplens_frame *syst = CLI(&c, "SYST\r\n");
    (void)syst;
    const ftplens_frame *r = SRV(&c, "215 UNIX Type: L8\r\n");
    assert_int_equal(nth(r, 0)->part, FTPLENS_PART_SINGLE);
    assert_string_equal(ftplens_note_to_command(nth(r, 0)), "SYST");
    ftplens_capture_free(c.cap);
}

/* Later passes find what the first pass kept by frame number; a handshake or
 * close segment kept as a compact record draws exactly as the first pass did
 * (numbers, step, links, the sentence written when shown). */
typedef struct {
    ftplens_frame f;
    char *explain;
    ftplens_segment seg;        /* read again from the frame's bytes in later passes */
} first_pass;

static void flagged(conv *c, bool from_server, uint16_t flags, const char *data, first_pass *out)
{
    ftplens_segment s = next_seg(c, from_server, flags, data);
    s.payload_offset = 54;          /* as the glue: where the frame's bytes are, for lines read again */
    s.payload_offset_known = true;
    ftplens_segment_result r = ftplens_capture_segment(c->cap, &s);
    assert_non_null(r.frame);
    out->seg = s;
    bool from_srv;
    if (ftplens_frame_wants_link(c->cap, r.frame, &from_srv)) {     /* as the glue does */
        ftplens_link link;
        memset(&link, 0, sizeof link);
        ftplens_frame_set_link(r.frame, from_srv, &link);
    }
    out->f = *r.frame;
    out->explain = ftplens_tcp_explain_payload(&r.frame->tcp, s.payload, s.payload_len);
}

/* Every frame of fp as a later pass finds it (whole, compact record, or
 * written again from its segment) draws as the first pass did; counts the
 * compact ones, those written again, and among these the frames of FTP lines. */
typedef struct {
    unsigned plain, again, lines_again;
} later_pass;

static void check_later_pass(conv *c, first_pass *fp, unsigned n, later_pass *out)
{
    memset(out, 0, sizeof *out);
    for (unsigned i = 0; i < n; i++) {
        ftplens_segment_result r = ftplens_capture_kept(c->cap, fp[i].f.frame);
        ftplens_frame x;
        if (r.again) {
            assert_true(ftplens_capture_frame_again(c->cap, &fp[i].seg, &x));
            out->again++;
            out->lines_again += x.notes != NULL;
        } else if (r.plain) {
            ftplens_plain_expand(r.plain, &x);
            out->plain++;
        } else {
            assert_non_null(r.frame);
            x = *r.frame;
        }
        const ftplens_tcp_note *a = &fp[i].f.tcp, *b = &x.tcp;
        assert_int_equal(a->step, b->step);
        assert_string_equal(a->step_text, b->step_text);
        assert_int_equal(ftplens_tcp_seq_rel(a), ftplens_tcp_seq_rel(b));
        assert_int_equal(ftplens_tcp_ack_rel(a), ftplens_tcp_ack_rel(b));
        assert_int_equal(ftplens_tcp_next_seq_rel(a), ftplens_tcp_next_seq_rel(b));
        assert_int_equal(a->isn, b->isn);
        assert_int_equal(a->peer_isn, b->peer_isn);
        assert_int_equal(a->ref_frame, b->ref_frame);
        assert_int_equal(a->flags, b->flags);
        assert_int_equal(a->len, b->len);
        assert_int_equal(a->lazy, b->lazy);
        assert_int_equal(a->continues_line, b->continues_line);
        assert_int_equal(a->mask_passwords, b->mask_passwords);
        assert_int_equal(a->has_ack_ok, b->has_ack_ok);
        assert_int_equal(a->ack_ok, b->ack_ok);
        assert_int_equal(a->has_syn_rtt, b->has_syn_rtt);
        assert_int_equal(a->has_hs_rtt, b->has_hs_rtt);
        assert_int_equal(a->syn_rtt_ns, b->syn_rtt_ns);
        assert_int_equal(a->hs_rtt_ns, b->hs_rtt_ns);
        assert_int_equal(fp[i].f.from_listener, x.from_listener);
        assert_ptr_equal(fp[i].f.user, x.user);
        assert_ptr_equal(fp[i].f.notes, x.notes);
        assert_int_equal(fp[i].f.note_count, x.note_count);
        assert_ptr_equal(fp[i].f.findings, x.findings);
        if (x.notes) {      /* where the lines are read again from */
            assert_int_equal(fp[i].f.payload_offset, x.payload_offset);
            assert_int_equal(fp[i].f.payload_offset_known, x.payload_offset_known);
        }
        assert_int_equal(ftplens_frame_session(&fp[i].f), ftplens_frame_session(&x));
        char *again = ftplens_tcp_explain_payload(b, fp[i].seg.payload, fp[i].seg.payload_len);
        assert_string_equal(fp[i].explain, again);
        g_free(again);
        g_free(fp[i].explain);
    }
}

/* A port-21 session kept as the GUI, -T fields and -V keep it (no report):
 * the handshake, the greeting and the client's bare ACK of it in fp[0..4].
 * Returns how many segments were sent. */
static unsigned open_session(conv *c, first_pass *fp)
{
    ftplens_config cfg;
    ftplens_config_defaults(&cfg);
    cfg.keep_report = false;
    conv_init_with(c, 21, true, &cfg);
    const uint16_t A = FTPLENS_TCP_ACK, S = FTPLENS_TCP_SYN;
    flagged(c, false, S, "", &fp[0]);
    flagged(c, true, S | A, "", &fp[1]);
    flagged(c, false, A, "", &fp[2]);
    flagged(c, true, A, "220 hi\r\n", &fp[3]);
    flagged(c, false, A, "", &fp[4]);
    return 5;
}

static void kept_frames_draw_as_the_first_pass(void **state)
{
    (void)state;
    conv c;
    first_pass fp[16];
    unsigned n = open_session(&c, fp);
    const uint16_t A = FTPLENS_TCP_ACK, F = FTPLENS_TCP_FIN;
    flagged(&c, false, A, "USER bob\r\n", &fp[n++]);
    flagged(&c, true, A, "331 password\r\n", &fp[n++]);
    flagged(&c, false, A, "", &fp[n++]);
    flagged(&c, false, A, "USER carol\r\n", &fp[n++]);
    flagged(&c, true, A, "331 password\r\n", &fp[n++]);
    flagged(&c, false, A, "QUIT\r\n", &fp[n++]);
    flagged(&c, true, A, "221 bye\r\n", &fp[n++]);
    flagged(&c, true, F | A, "", &fp[n++]);
    flagged(&c, false, A, "", &fp[n++]);
    flagged(&c, false, F | A, "", &fp[n++]);
    flagged(&c, true, A, "", &fp[n++]);
    later_pass lp;
    check_later_pass(&c, fp, n, &lp);
    /* The third ACK, the close and the bare ACKs are compact; the SYN and the
     * SYN-ACK stay whole (the report header reads their link facts).  The
     * bare ACKs after the greeting and after the 331 are kept as nothing, the
     * second written again with the user that USER named.  The seven frames
     * of FTP lines are kept without their TCP note. */
    assert_int_equal(fp[2].f.tcp.step, FTPLENS_STEP_ESTABLISHED);
    assert_true(lp.plain >= 5);
    assert_int_equal(lp.again - lp.lines_again, 2);
    assert_int_equal(lp.lines_again, 7);
    assert_string_equal(fp[4].f.tcp.step_text, "ack only");
    assert_true(ftplens_capture_kept(c.cap, fp[4].f.frame).again);
    assert_null(fp[4].f.user);
    assert_true(ftplens_capture_kept(c.cap, fp[7].f.frame).again);
    assert_string_equal(fp[7].f.user, "bob");
    assert_null(ftplens_capture_kept(c.cap, c.frame + 1).frame);
    ftplens_capture_free(c.cap);
}

/* A new SYN on the same stream (a port reused without a new tcp.stream)
 * restarts the numbers: the bare ACKs before it and after it have different
 * ISNs, and each is drawn in later passes with its own (the sender's facts are
 * frozen once a segment was left to them). */
static void plain_facts_stay_those_of_the_first_pass(void **state)
{
    (void)state;
    conv c;
    first_pass fp[12];
    unsigned n = open_session(&c, fp);
    const uint16_t A = FTPLENS_TCP_ACK, S = FTPLENS_TCP_SYN;
    c.cseq = 90000;
    c.sseq = 70000;
    flagged(&c, false, S, "", &fp[n++]);
    flagged(&c, true, S | A, "", &fp[n++]);
    flagged(&c, false, A, "", &fp[n++]);
    flagged(&c, true, A, "220 again\r\n", &fp[n++]);
    flagged(&c, false, A, "", &fp[n++]);
    later_pass lp;
    check_later_pass(&c, fp, n, &lp);
    assert_int_equal(fp[4].f.tcp.isn, 1000);
    assert_int_equal(fp[9].f.tcp.isn, 90000);
    assert_true(ftplens_capture_kept(c.cap, fp[4].f.frame).again);
    assert_false(ftplens_capture_kept(c.cap, fp[9].f.frame).again);
    assert_non_null(ftplens_capture_kept(c.cap, fp[9].f.frame).plain);
    /* The first greeting's TCP note is written again; the second one's numbers
     * count from the new ISN, not from the frozen facts: it is kept whole. */
    assert_true(ftplens_capture_kept(c.cap, fp[3].f.frame).again);
    assert_non_null(ftplens_capture_kept(c.cap, fp[8].f.frame).frame);
    assert_int_equal(ftplens_tcp_seq_rel(&fp[8].f.tcp), 1);
    ftplens_capture_free(c.cap);
}

/* A read filter drops a frame and gives its number to the next one: what was
 * kept under the number (a bit, a compact record, a whole frame) goes. */
static void reused_number_forgets_its_record(void **state)
{
    (void)state;
    conv c;
    first_pass fp[8];
    unsigned n = open_session(&c, fp);
    assert_true(ftplens_capture_kept(c.cap, fp[4].f.frame).again);
    ftplens_capture_number_reused(c.cap, fp[4].f.frame);
    ftplens_segment_result r = ftplens_capture_kept(c.cap, fp[4].f.frame);
    assert_false(r.again);
    assert_null(r.frame);
    assert_null(r.plain);
    /* A record kept under another number stays. */
    ftplens_capture_number_reused(c.cap, fp[1].f.frame);
    r = ftplens_capture_kept(c.cap, fp[1].f.frame);
    assert_true(r.frame || r.plain);
    /* The greeting: a frame of lines kept without its TCP note. */
    r = ftplens_capture_kept(c.cap, fp[3].f.frame);
    assert_true(r.again && !r.frame && !r.plain);
    ftplens_capture_number_reused(c.cap, fp[3].f.frame);
    r = ftplens_capture_kept(c.cap, fp[3].f.frame);
    assert_false(r.again || r.frame || r.plain);
    for (unsigned i = 0; i < n; i++)
        g_free(fp[i].explain);
    ftplens_capture_free(c.cap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(greeting_multiline_answers_nothing),
        cmocka_unit_test(pipelined_commands_pair_in_order),
        cmocka_unit_test(preliminary_reply_keeps_command_pending),
        cmocka_unit_test(multiline_reply_counts_once),
        cmocka_unit_test(unsolicited_421_and_unanswered),
        cmocka_unit_test(malformed_reply_answers_but_gets_no_class),
        cmocka_unit_test(command_dependent_meaning_uses_paired_command),
        cmocka_unit_test(auth_tls_stops_line_parsing),
        cmocka_unit_test(pending_commands_are_capped),
        cmocka_unit_test(heuristic_finds_ftp_on_any_port),
        cmocka_unit_test(reply_ack_bounds_the_command),
        cmocka_unit_test(client_gap_answers_a_lost_command),
        cmocka_unit_test(server_gap_before_next_command),
        cmocka_unit_test(lost_reply_skipped_by_code_table),
        cmocka_unit_test(reply_to_a_line_that_is_no_command),
        cmocka_unit_test(multiline_end_lost),
        cmocka_unit_test(lost_login_reply_keeps_the_credentials_finding),
        cmocka_unit_test(current_user_is_one_decision),
        cmocka_unit_test(held_frame_takes_its_user),
        cmocka_unit_test(answered_lost_command_lets_go),
        cmocka_unit_test(ccc_reads_afresh),
        cmocka_unit_test(delayed_greeting),
        cmocka_unit_test(kept_frames_draw_as_the_first_pass),
        cmocka_unit_test(plain_facts_stay_those_of_the_first_pass),
        cmocka_unit_test(reused_number_forgets_its_record),
    };
    return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
