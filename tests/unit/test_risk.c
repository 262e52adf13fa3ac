/* test_risk.c - every security check fires on its trigger and stays silent
 * on the near miss.  Each case is a small script of control lines driven
 * through the core entry point.
 *
 * Script lines: "C text" / "S text" (client / server line, CR LF added),
 * "NEW" (a new control connection from the same client), "WAIT n" (n seconds
 * pass), "TLS C" / "TLS S" (a TLS record from client / server), "SYN port"
 * (the client opens a TCP connection to that server port), "SYNFROM a.b.c.d
 * port" (another host opens a connection to the server's port), "DATA port
 * text" (the client opens a connection to that server port and the server
 * sends text on it), "DATATLS port" (the same with a TLS record).
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

#include <arpa/inet.h>
#include <glib.h>

#include "ftplens_core.h"
#include "ftplens_login.h"
#include "ftplens_risk.h"

typedef struct {
    ftplens_capture *cap;
    uint32_t frame, stream;
    int64_t now;
    uint32_t cseq, sseq;
    uint16_t cport;
    bool fired[FTPLENS_RISK_COUNT];
    GString *messages;
    const ftplens_frame *with_findings[64];    /* frames that carry findings, in order */
    unsigned n_with_findings;
} run;

static void collect(run *r, const ftplens_frame *f)
{
    if (!f)
        return;
    if (f->findings && r->n_with_findings < G_N_ELEMENTS(r->with_findings))
        r->with_findings[r->n_with_findings++] = f;
    for (const ftplens_finding *fd = f->findings; fd; fd = fd->next) {
        r->fired[fd->id] = true;
        g_string_append_printf(r->messages, "%s: %s\n", ftplens_risk_rules[fd->id].id, fd->message);
    }
}

#define CLIENT "192.0.2.7"
#define SERVER "198.51.100.1"

static void segment(run *r, const char *src, uint16_t sport, const char *dst, uint16_t dport, uint16_t flags,
                    uint32_t seq, const char *data, size_t len)
{
    ftplens_segment s;
    memset(&s, 0, sizeof s);
    s.frame = ++r->frame;
    s.time_ns = r->now;
    r->now += 1000000;
    s.stream = r->stream;
    s.addr_len = 4;
    inet_pton(AF_INET, src, s.src_addr);
    inet_pton(AF_INET, dst, s.dst_addr);
    s.src_port = sport;
    s.dst_port = dport;
    s.src_port_is_ftp = sport == 21;
    s.dst_port_is_ftp = dport == 21;
    s.flags = flags;
    s.seq = seq;
    if (sport == 21 || dport == 21)
        s.ack = strcmp(src, SERVER) == 0 ? r->cseq : r->sseq;   /* all the peer's bytes received */
    s.payload = (const uint8_t *)data;
    s.payload_len = s.tcp_len = (uint32_t)len;
    collect(r, ftplens_capture_segment(r->cap, &s).frame);
}


static void run_script_with(run *r, const char *script, const ftplens_config *cfg)
{
    memset(r, 0, sizeof *r);
    r->cap = ftplens_capture_new(cfg);
    r->messages = g_string_new(NULL);
    r->cport = 40000;
    r->cseq = 1000;
    r->sseq = 9000;
    r->now = 1000000000000;

    gchar **lines = g_strsplit(script, "\n", -1);
    for (gchar **l = lines; *l; l++) {
        const char *line = *l;
        if (!*line)
            continue;
        if (strcmp(line, "NEW") == 0) {
            r->stream++;
            r->cport++;
        } else if (g_str_has_prefix(line, "WAIT ")) {
            r->now += (int64_t)atoi(line + 5) * 1000000000;
        } else if (g_str_has_prefix(line, "TLS ")) {
            static const char rec[] = "\x17\x03\x03\x00\x05" "abcde";
            bool c = line[4] == 'C';
            segment(r, c ? CLIENT : SERVER, c ? r->cport : 21, c ? SERVER : CLIENT, c ? 21 : r->cport,
                    FTPLENS_TCP_PSH | FTPLENS_TCP_ACK, c ? r->cseq : r->sseq, rec, 10);
            *(c ? &r->cseq : &r->sseq) += 10;
        } else if (g_str_has_prefix(line, "SYN ")) {
            uint32_t keep = r->stream;
            r->stream = 1000 + r->frame;
            segment(r, CLIENT, 50000, SERVER, (uint16_t)atoi(line + 4), FTPLENS_TCP_SYN, 1, NULL, 0);
            r->stream = keep;
        } else if (g_str_has_prefix(line, "DATA ") || g_str_has_prefix(line, "DATATLS ")) {
            bool tls = line[4] == 'T';
            const char *rest = line + (tls ? 8 : 5);
            uint16_t port = (uint16_t)atoi(rest);
            const char *text = tls ? "\x17\x03\x03\x00\x05" "abcde" : strchr(rest, ' ') + 1;
            uint32_t keep = r->stream;
            r->stream = 1000 + r->frame;
            segment(r, CLIENT, 50002, SERVER, port, FTPLENS_TCP_SYN, 1, NULL, 0);
            segment(r, SERVER, port, CLIENT, 50002, FTPLENS_TCP_SYN | FTPLENS_TCP_ACK, 7, NULL, 0);
            segment(r, CLIENT, 50002, SERVER, port, FTPLENS_TCP_ACK, 2, NULL, 0);
            segment(r, SERVER, port, CLIENT, 50002, FTPLENS_TCP_PSH | FTPLENS_TCP_ACK, 8, text, tls ? 10 : strlen(text));
            r->stream = keep;
        } else if (g_str_has_prefix(line, "SYNFROM ")) {
            char host[32];
            unsigned port;
            uint32_t keep = r->stream;
            sscanf(line + 8, "%31s %u", host, &port);
            r->stream = 1000 + r->frame;
            segment(r, host, 50001, SERVER, (uint16_t)port, FTPLENS_TCP_SYN, 1, NULL, 0);
            r->stream = keep;
        } else {
            bool c = line[0] == 'C';
            char *data = g_strdup_printf("%s\r\n", line + 2);
            size_t len = strlen(data);
            segment(r, c ? CLIENT : SERVER, c ? r->cport : 21, c ? SERVER : CLIENT, c ? 21 : r->cport, FTPLENS_TCP_PSH | FTPLENS_TCP_ACK,
                    c ? r->cseq : r->sseq, data, len);
            *(c ? &r->cseq : &r->sseq) += (uint32_t)len;
            g_free(data);
        }
    }
    g_strfreev(lines);
}

static void run_script(run *r, const char *script)
{
    ftplens_config cfg;
    ftplens_config_defaults(&cfg);
    run_script_with(r, script, &cfg);
}

static void run_free(run *r)
{
    ftplens_capture_free(r->cap);
    g_string_free(r->messages, TRUE);
}

#define LOGIN(user, pass) "S 220 ready\nC USER " user "\nS 331 need password\nC PASS " pass "\n"
#define FAIL "C USER alice\nS 331 pw\nC PASS wrong\nS 530 Login incorrect\n"

typedef struct {
    ftplens_risk_id id;
    const char *fires;
    const char *silent;
    const char *in_message;     /* evidence the message must name */
} risk_case;

static const risk_case cases[] = {
    { FTPLENS_RISK_CLEARTEXT_CREDENTIALS,
      LOGIN("alice", "s3cret") "S 230 ok\n",
      "S 220 ready\nC AUTH TLS\nS 234 go\nTLS C\nTLS S\n", "password 's3cret'" },
    { FTPLENS_RISK_LOGIN_FAILED, LOGIN("alice", "x") "S 530 no\n", LOGIN("alice", "x") "S 230 ok\n", "alice" },
    { FTPLENS_RISK_LOGIN_SUCCESS_AFTER_FAILURES,
      "S 220 ready\n" FAIL "C USER alice\nS 331 pw\nC PASS right\nS 230 ok\n",
      "S 220 ready\n" "C USER alice\nS 331 pw\nC PASS right\nS 230 ok\n", "after 1 failed attempt" },
    { FTPLENS_RISK_BRUTEFORCE,
      "S 220 ready\n" FAIL FAIL FAIL FAIL FAIL,
      "S 220 ready\n" FAIL FAIL FAIL FAIL, "5 failed logins" },
    { FTPLENS_RISK_LOCKOUT,
      "S 220 ready\n" FAIL FAIL "C USER alice\nS 331 pw\nC PASS x\nS 421 too many failures\n",
      "S 220 ready\nC NOOP\nS 200 ok\nWAIT 600\nS 421 timeout\n", "2 failed logins" },
    { FTPLENS_RISK_USER_ENUMERATION,
      "S 220 ready\nC USER student\nS 331 pw\nC USER admin\nS 530 denied\n",
      "S 220 ready\nC USER student\nS 331 pw\nC USER admin\nS 331 pw\n", "'admin' with 530" },
    { FTPLENS_RISK_ANONYMOUS_LOGIN, LOGIN("anonymous", "a@b.c") "S 230 ok\n",
      LOGIN("anonymous", "a@b.c") "S 530 no anonymous\n", "anonymous" },
    { FTPLENS_RISK_ANONYMOUS_DEFAULT_PASSWORD, LOGIN("anonymous", "IEUser@") "S 230 ok\n",
      LOGIN("alice", "IEUser@") "S 230 ok\n", "Internet Explorer" },
    { FTPLENS_RISK_ANONYMOUS_WRITE,
      LOGIN("ftp", "x@y") "S 230 ok\nC STOR evil.exe\nS 150 go\nS 226 done\n",
      LOGIN("ftp", "x@y") "S 230 ok\nC STOR evil.exe\nS 553 denied\n", "STOR evil.exe" },
    { FTPLENS_RISK_EMPTY_PASSWORD, "S 220 ready\nC USER bob\nS 331 pw\nC PASS\nS 530 no\n",
      LOGIN("bob", "x") "S 530 no\n", "bob" },
    { FTPLENS_RISK_PRIVILEGED_ACCOUNT, "S 220 ready\nC USER root\nS 331 pw\n",
      "S 220 ready\nC USER rooter\nS 331 pw\n", "root" },
    { FTPLENS_RISK_AUTH_TLS_REFUSED_FALLBACK,
      "S 220 ready\nC AUTH TLS\nS 530 Please login with USER and PASS\n" "C USER a\nS 331 pw\nC PASS b\nS 230 ok\n",
      "S 220 ready\nC AUTH TLS\nS 530 Please login with USER and PASS\nC QUIT\nS 221 bye\n", "AUTH TLS" },
    { FTPLENS_RISK_TLS_OFFERED_NOT_USED,
      "S 220 ready\nC FEAT\nS 211-Features:\nS  AUTH TLS\nS  PBSZ\nS 211 End\n" LOGIN("a", "b") "S 230 ok\n",
      "S 220 ready\nC FEAT\nS 211-Features:\nS  EPSV\nS 211 End\n" LOGIN("a", "b") "S 230 ok\n", "frame 4" },
    { FTPLENS_RISK_TLS_ACCEPTED, "S 220 ready\nC AUTH TLS\nS 234 go\n", "S 220 ready\nC AUTH TLS\nS 504 no\n",
      "AUTH TLS" },
    { FTPLENS_RISK_PROT_CLEAR,
      "S 220 ready\nC AUTH TLS\nS 234 go\nTLS C\nTLS S\nC PASV\nS 227 Entering Passive Mode (198,51,100,1,4,1)\n"
      "C RETR x\nDATA 1025 secret file content\nS 150 go\nS 226 done\n",
      "S 220 ready\nC AUTH TLS\nS 234 go\nTLS C\nTLS S\nC PASV\nS 227 Entering Passive Mode (198,51,100,1,4,1)\n"
      "C RETR x\nDATATLS 1025\nS 150 go\nS 226 done\n",
      "data connection of RETR x carried clear text" },
    { FTPLENS_RISK_CCC_DOWNGRADE,
      "S 220 ready\nC AUTH TLS\nS 234 go\nTLS C\nTLS S\nC PWD\nS 257 \"/\"\n",
      "S 220 ready\nC AUTH TLS\nS 234 go\nTLS C\nTLS S\nTLS C\n", "clear text" },
    { FTPLENS_RISK_CLEARTEXT_TRANSFER, LOGIN("a", "b") "S 230 ok\nC RETR report.pdf\nS 150 go\nS 226 done\n",
      LOGIN("a", "b") "S 230 ok\nC RETR report.pdf\nS 550 no such file\n", "RETR report.pdf" },
    { FTPLENS_RISK_SITE_EXEC, LOGIN("a", "b") "S 230 ok\nC SITE EXEC /bin/id\nS 500 no\n",
      LOGIN("a", "b") "S 230 ok\nC SITE CHMOD 644 x\nS 200 ok\n", "/bin/id" },
    { FTPLENS_RISK_SITE_EXEC_SUCCESS, LOGIN("a", "b") "S 230 ok\nC SITE EXEC /bin/id\nS 200 uid=0\n",
      LOGIN("a", "b") "S 230 ok\nC SITE EXEC /bin/id\nS 500 no\n", "/bin/id" },
    { FTPLENS_RISK_BACKDOOR_VSFTPD_234, "S 220 ready\nC USER x:)\nS 331 pw\nC PASS y\nSYN 6200\n",
      "S 220 ready\nC USER x:(\nS 331 pw\nSYN 6200\n", "6200" },
    { FTPLENS_RISK_BACKDOOR_PROFTPD, "S 220 ready\nC HELP ACIDBITCHEZ\nS 502 no\n",
      "S 220 ready\nC HELP SITE\nS 214 ok\n", "ACIDBITCHEZ" },
    { FTPLENS_RISK_PORT_BOUNCE, LOGIN("a", "b") "S 230 ok\nC PORT 203,0,113,5,4,1\nS 500 Illegal PORT\n",
      LOGIN("a", "b") "S 230 ok\nC PORT 192,0,2,7,4,1\nS 200 ok\n", "203.0.113.5" },
    { FTPLENS_RISK_PORT_BOUNCE_ACCEPTED, LOGIN("a", "b") "S 230 ok\nC EPRT |1|203.0.113.5|8080|\nS 200 ok\n",
      LOGIN("a", "b") "S 230 ok\nC EPRT |1|203.0.113.5|8080|\nS 500 Illegal\n", "203.0.113.5" },
    { FTPLENS_RISK_PORT_PRIVILEGED, LOGIN("a", "b") "S 230 ok\nC PORT 192,0,2,7,0,25\nS 504 no\n",
      LOGIN("a", "b") "S 230 ok\nC PORT 192,0,2,7,4,0\nS 200 ok\n", "port 25" },
    { FTPLENS_RISK_PASV_PRIVATE_ADDRESS, LOGIN("a", "b") "S 230 ok\nC PASV\nS 227 Entering Passive Mode (10,1,2,3,4,1)\n",
      LOGIN("a", "b") "S 230 ok\nC PASV\nS 227 Entering Passive Mode (198,51,100,1,4,1)\n", "10.1.2.3" },
    { FTPLENS_RISK_PASV_THIRD_PARTY, LOGIN("a", "b") "S 230 ok\nC PASV\nS 227 Entering Passive Mode (203,0,113,9,4,1)\n",
      LOGIN("a", "b") "S 230 ok\nC PASV\nS 227 Entering Passive Mode (198,51,100,1,4,1)\n", "203.0.113.9" },
    { FTPLENS_RISK_DATA_UNEXPECTED_HOST,
      LOGIN("a", "b") "S 230 ok\nC PASV\nS 227 Entering Passive Mode (198,51,100,1,4,1)\nSYNFROM 203.0.113.66 1025\n",
      LOGIN("a", "b") "S 230 ok\nC PASV\nS 227 Entering Passive Mode (198,51,100,1,4,1)\nSYN 1025\n", "203.0.113.66" },
    { FTPLENS_RISK_ARG_TOO_LONG,
      "S 220 ready\nC USER AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1\n",
      "S 220 ready\nC USER AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
      "101 bytes" },
    { FTPLENS_RISK_FORMAT_STRING, LOGIN("a", "b") "S 230 ok\nC MKD %s%s%n\nS 550 no\n",
      LOGIN("a", "b") "S 230 ok\nC MKD 100%\nS 257 ok\n", "%s%s%n" },
    { FTPLENS_RISK_PATH_TRAVERSAL, LOGIN("a", "b") "S 230 ok\nC CWD ../../../etc\nS 550 no\n",
      LOGIN("a", "b") "S 230 ok\nC CWD ../pub\nS 250 ok\n", "../../../etc" },
    { FTPLENS_RISK_SENSITIVE_FILE, LOGIN("a", "b") "S 230 ok\nC RETR /etc/shadow\nS 550 no\n",
      LOGIN("a", "b") "S 230 ok\nC RETR shadows.txt\nS 550 no\n", "/etc/shadow" },
    { FTPLENS_RISK_PREAUTH_COMMAND, "S 220 ready\nC RETR secret.txt\nS 530 login first\n",
      LOGIN("a", "b") "S 230 ok\nC RETR secret.txt\nS 550 no\n", "RETR" },
    { FTPLENS_RISK_PREAUTH_COMMAND_ACCEPTED, "S 220 ready\nC LIST\nS 150 here it comes\nS 226 done\n",
      "S 220 ready\nC LIST\nS 530 login first\n", "LIST accepted (150)" },
    { FTPLENS_RISK_TELNET_IAC, "S 220 ready\nC NO\xff\xf1OP\nS 200 ok\n",
      "S 220 ready\nC \xff\xf4\xff\xf2" "ABOR\nS 226 ok\n", "NO" },
    { FTPLENS_RISK_REPLY_MALFORMED, "S 220 ready\nC PASV\nS 99 PASV invalid\n", "S 220 ready\nC PASV\nS 502 no\n",
      "99 PASV invalid" },
    { FTPLENS_RISK_BANNER_DISCLOSURE, "S 220 (vsFTPd 3.0.3)\n", "S 220 Welcome\n", "vsFTPd 3.0.3" },
    { FTPLENS_RISK_VULNERABLE_VERSION, "S 220 (vsFTPd 2.3.4)\n", "S 220 (vsFTPd 2.3.5)\n", "CVE-2011-2523" },
    { FTPLENS_RISK_UNKNOWN_COMMAND, "S 220 ready\nC opts utf8 on\nS 502 Unknown command\n",
      "S 220 ready\nC opts utf8 on\nS 200 Always in UTF8 mode\n", "RFC 2640" },
    { FTPLENS_RISK_NONSTANDARD_PORT, NULL, NULL, NULL },   /* see nonstandard_port() */
};

static void each_rule_fires_and_stays_silent(void **state)
{
    (void)state;
    bool covered[FTPLENS_RISK_COUNT] = { false };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const risk_case *c = &cases[i];
        const char *id = ftplens_risk_rules[c->id].id;
        covered[c->id] = true;
        if (!c->fires)
            continue;
        run r;
        run_script(&r, c->fires);
        if (!r.fired[c->id] || !strstr(r.messages->str, c->in_message))
            fail_msg("%s did not fire with '%s' in its message; findings:\n%s", id, c->in_message, r.messages->str);
        run_free(&r);
        run_script(&r, c->silent);
        if (r.fired[c->id])
            fail_msg("%s fired on its near miss; findings:\n%s", id, r.messages->str);
        run_free(&r);
    }
    for (int i = 0; i < FTPLENS_RISK_COUNT; i++) {
        if (!covered[i])
            fail_msg("no test case for rule %s", ftplens_risk_rules[i].id);
    }
}

/* Port 2121 is not owned by the stock dissector: found by the heuristic. */
static void nonstandard_port(void **state)
{
    (void)state;
    ftplens_config cfg;
    ftplens_config_defaults(&cfg);
    ftplens_capture *cap = ftplens_capture_new(&cfg);
    ftplens_segment s;
    memset(&s, 0, sizeof s);
    s.frame = 1;
    s.addr_len = 4;
    s.src_port = 2121;
    s.dst_port = 40000;
    s.flags = FTPLENS_TCP_PSH | FTPLENS_TCP_ACK;
    s.payload = (const uint8_t *)"220 pyftpdlib ready\r\n";
    s.payload_len = s.tcp_len = 21;
    const ftplens_frame *f = ftplens_capture_segment(cap, &s).frame;
    assert_non_null(f);
    assert_non_null(f->findings);
    assert_int_equal(f->findings->id, FTPLENS_RISK_NONSTANDARD_PORT);
    assert_non_null(strstr(f->findings->message, "2121"));
    ftplens_capture_free(cap);

    /* port 21: silent */
    run r;
    run_script(&r, "S 220 ready\n");
    assert_false(r.fired[FTPLENS_RISK_NONSTANDARD_PORT]);
    run_free(&r);
}

static void bruteforce_across_connections(void **state)
{
    (void)state;
    GString *fires = g_string_new("S 220 ready\n"), *slow = g_string_new("S 220 ready\n");
    for (int i = 0; i < 10; i++) {
        g_string_append(fires, "NEW\nS 220 ready\n" FAIL FAIL);
        g_string_append(slow, "NEW\nS 220 ready\nWAIT 400\n" FAIL FAIL);
    }
    run r;
    run_script(&r, fires->str);
    assert_true(r.fired[FTPLENS_RISK_BRUTEFORCE]);
    /* The count, the user, the window, the connections and how many guessed at once. */
    assert_non_null(strstr(r.messages->str, "Possible brute force: 5 failed logins for 'alice' from 192.0.2.7 within 10 "
                                            "minutes, over 3 connections (one at a time so far)"));
    run_free(&r);
    run_script(&r, slow->str);      /* 20 failures spread over 66 minutes, 4 at most in 10 */
    assert_false(r.fired[FTPLENS_RISK_BRUTEFORCE]);
    run_free(&r);
    g_string_free(fires, TRUE);
    g_string_free(slow, TRUE);
}

/* The cleartext_credentials finding of a script: the frame it is on and its final text. */
static uint32_t credentials(const run *r, char *text, size_t len)
{
    for (unsigned i = 0; i < r->n_with_findings; i++) {
        for (const ftplens_finding *fd = r->with_findings[i]->findings; fd; fd = fd->next) {
            if (fd->id == FTPLENS_RISK_CLEARTEXT_CREDENTIALS) {
                g_strlcpy(text, ftplens_finding_text(fd, true, text, len), len);
                return r->with_findings[i]->frame;
            }
        }
    }
    return 0;
}

/* The password is exposed by the PASS line itself: the finding is there, and
 * it says the outcome when a reply settles it, "unknown" when none does. */
static void credentials_on_the_pass_line(void **state)
{
    (void)state;
    static const struct {
        const char *script;
        const char *outcome;
    } outcomes[] = {
        { LOGIN("alice", "s3cret") "S 230 ok\n", "login succeeded (230, frame 5)" },
        { LOGIN("alice", "s3cret") "S 530 no\n", "login failed (530, frame 5)" },
        { LOGIN("alice", "s3cret"), "login outcome unknown (no reply captured)" },          /* capture ends */
        { LOGIN("alice", "s3cret") "S 231 whatever\n", "the server answered 231" },        /* non-standard */
        { LOGIN("alice", "s3cret") "S 332 need account\nC ACCT dept7\nS 230 ok\n", "login succeeded (230, frame 7)" },
        { LOGIN("alice", "s3cret") "S 202 already in\n", "login succeeded (202, frame 5)" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(outcomes); i++) {
        run r;
        char text[800];
        run_script(&r, outcomes[i].script);
        assert_int_equal(credentials(&r, text, sizeof text), 4);       /* the PASS frame */
        assert_non_null(strstr(text, "password 's3cret'"));
        if (!strstr(text, outcomes[i].outcome))
            fail_msg("case %zu: '%s' lacks '%s'", i, text, outcomes[i].outcome);
        run_free(&r);
    }
    /* Not yet known while reading frame by frame (tshark in one pass). */
    run r;
    char pending[800];
    run_script(&r, LOGIN("alice", "s3cret"));
    assert_non_null(strstr(ftplens_finding_text(r.with_findings[0]->findings, false, pending, sizeof pending),
                           "not known yet"));
    run_free(&r);
}

static unsigned count_of(const char *hay, const char *needle)
{
    unsigned n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Ten sessions of three wrong guesses each and a different last one: the folded
 * report shows the ten as one row and one walkthrough, full shows all eleven. */
static void report_folds_repeated_sessions(void **state)
{
    (void)state;
    GString *script = g_string_new(NULL);
    for (int i = 0; i < 10; i++)
        g_string_append_printf(script, "%sS 220 ready\n" FAIL FAIL FAIL "C QUIT\nS 221 bye\n", i ? "NEW\n" : "");
    g_string_append(script, "NEW\n" LOGIN("alice", "right") "S 230 ok\nC QUIT\nS 221 bye\n");
    run r;
    run_script(&r, script->str);
    char *folded = ftplens_capture_report(r.cap, false, false, NULL, NULL);
    char *full = ftplens_capture_report(r.cap, false, true, NULL, NULL);
    assert_non_null(strstr(folded, "11 sessions from 1 client to 1 server"));
    assert_non_null(strstr(folded, "sessions 1\u201310 (10 sessions, frames 1\u2013"));
    assert_non_null(strstr(folded, "3 \u00d7 (USER alice \u2192 331, PASS \u2192 530), QUIT \u2192 221"));
    assert_non_null(strstr(folded, "31 passwords tried for 'alice'"));
    assert_non_null(strstr(folded, "login succeeded for 'alice' with guess 31 in session 11"));
    assert_non_null(strstr(folded, "30 failed logins from this client"));
    assert_int_equal(count_of(folded, "FTP control connection tcp.stream"), 2);      /* one per shape */
    assert_int_equal(count_of(folded, "1. TCP handshake"), 1);
    assert_int_equal(count_of(full, "FTP control connection tcp.stream"), 11);
    assert_int_equal(count_of(full, "1. TCP handshake"), 11);
    g_free(folded);
    g_free(full);
    run_free(&r);
    g_string_free(script, TRUE);
}

/* A login by USER alone after failures names no winning password guess. */
static void user_alone_login_names_no_guess(void **state)
{
    (void)state;
    run r;
    run_script(&r, "S 220 ready\n" FAIL "C USER alice\nS 230 in without a password\n");
    assert_true(r.fired[FTPLENS_RISK_LOGIN_SUCCESS_AFTER_FAILURES]);
    assert_non_null(strstr(r.messages->str, "Login succeeded for user 'alice' after 1 failed attempt in this session\n"));
    assert_null(strstr(r.messages->str, "guess"));
    run_free(&r);
}

/* A wrong guess exposes no working password: cleartext_credentials is then a
 * Note with its own sentence and advice; a success, a lockout-free unknown or
 * an unclear outcome stays the Warning that says "change this password". */
static void failed_guess_is_a_note(void **state)
{
    (void)state;
    static const struct {
        const char *script;
        ftplens_severity severity;
        const char *text, *advice;
    } guesses[] = {
        { LOGIN("alice", "wrong") "S 530 no\n", FTPLENS_SEV_NOTE, "Password guess sent in clear text: user 'alice'",
          "lock out or rate-limit" },
        { LOGIN("alice", "wrong") "S 421 bye\n", FTPLENS_SEV_NOTE, "Password guess sent in clear text", "A wrong password" },
        /* after a failure, a 421 is a lockout: the guess it closes is settled as CLOSED */
        { LOGIN("alice", "wrong") "S 530 no\nC USER alice\nS 331 pw\nC PASS again\nS 421 locked out\n", FTPLENS_SEV_NOTE,
          "password 'again'; the server closed the session instead (421", "A wrong password" },
        { LOGIN("alice", "s3cret") "S 230 ok\n", FTPLENS_SEV_WARN, "Credentials sent in clear text: user 'alice'",
          "change this password" },
        { LOGIN("alice", "s3cret"), FTPLENS_SEV_WARN, "Credentials sent in clear text", "change this password" },
        { LOGIN("alice", "s3cret") "S 231 hm\n", FTPLENS_SEV_WARN, "Credentials sent in clear text", "change this password" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(guesses); i++) {
        run r;
        char text[800];
        run_script(&r, guesses[i].script);
        const ftplens_finding *fd = NULL;      /* the last cleartext_credentials of the script */
        for (unsigned k = 0; k < r.n_with_findings; k++)
            for (const ftplens_finding *x = r.with_findings[k]->findings; x; x = x->next)
                if (x->id == FTPLENS_RISK_CLEARTEXT_CREDENTIALS)
                    fd = x;
        assert_non_null(fd);
        if (ftplens_finding_severity(fd) != guesses[i].severity)
            fail_msg("case %zu: severity %d, want %d", i, ftplens_finding_severity(fd), guesses[i].severity);
        assert_non_null(strstr(ftplens_finding_text(fd, true, text, sizeof text), guesses[i].text));
        assert_non_null(strstr(ftplens_finding_advice(fd), guesses[i].advice));
        assert_true((strstr(ftplens_finding_advice(fd), "change this password") != NULL) ==
                    (guesses[i].severity == FTPLENS_SEV_WARN));
        assert_string_equal(ftplens_finding_title(fd), guesses[i].severity == FTPLENS_SEV_WARN
                                                         ? "Cleartext credentials" : "Password guess in clear text");
        run_free(&r);
    }
}

/* fail2ban's defaults: 5 failures from one client within 10 minutes, one per
 * connection; 0 turns a check off. */
static void bruteforce_defaults_and_off(void **state)
{
    (void)state;
    GString *script = g_string_new("S 220 ready\n");
    for (int i = 0; i < 8; i++)
        g_string_append(script, "NEW\nS 220 ready\nWAIT 3\n" FAIL);
    g_string_append(script, "NEW\nS 220 ready\nC USER alice\nS 331 pw\nC PASS right\nS 230 ok\n");
    run r;
    run_script(&r, script->str);
    assert_true(r.fired[FTPLENS_RISK_BRUTEFORCE]);
    /* The success names the guess that won, counted over all the client's sessions. */
    assert_non_null(strstr(r.messages->str, "after 8 failed attempts for this user from this client, counting earlier "
                                            "sessions; the password that worked was guess 9 from this client"));
    run_free(&r);

    ftplens_config cfg;
    ftplens_config_defaults(&cfg);
    assert_int_equal(cfg.bruteforce_client, 5);
    assert_int_equal(cfg.bruteforce_window_s, 600);
    assert_int_equal(cfg.bruteforce_session, 5);

    ftplens_config off = cfg;
    off.bruteforce_session = 0;
    off.bruteforce_client = 0;
    run_script_with(&r, "S 220 ready\n" FAIL FAIL FAIL FAIL FAIL FAIL, &off);
    assert_true(r.fired[FTPLENS_RISK_LOGIN_FAILED]);
    assert_false(r.fired[FTPLENS_RISK_BRUTEFORCE]);
    run_free(&r);
    g_string_free(script, TRUE);
}

/* The one login decision, row by row (ftplens_login.c): what each reply to a
 * login command means.  The report, the statistics tree and the checks use it. */
static void login_decisions(void **state)
{
    static const struct {
        const char *verb;
        unsigned code;
        ftplens_login_step step;
    } rows[] = {
        { "USER", 230, FTPLENS_LOGIN_SUCCEEDED }, { "USER", 232, FTPLENS_LOGIN_SUCCEEDED },
        { "USER", 331, FTPLENS_LOGIN_CONTINUE }, { "USER", 332, FTPLENS_LOGIN_CONTINUE },
        { "USER", 530, FTPLENS_LOGIN_FAILED }, { "USER", 421, FTPLENS_LOGIN_CLOSED },
        { "USER", 202, FTPLENS_LOGIN_UNCLEAR },   /* 202 'already logged in' answers PASS/ACCT, not USER */
        { "PASS", 230, FTPLENS_LOGIN_SUCCEEDED }, { "PASS", 232, FTPLENS_LOGIN_SUCCEEDED },
        { "PASS", 202, FTPLENS_LOGIN_SUCCEEDED }, { "PASS", 332, FTPLENS_LOGIN_CONTINUE },
        { "PASS", 530, FTPLENS_LOGIN_FAILED }, { "PASS", 430, FTPLENS_LOGIN_FAILED },
        { "PASS", 421, FTPLENS_LOGIN_CLOSED }, { "PASS", 231, FTPLENS_LOGIN_UNCLEAR },
        { "PASS", 150, FTPLENS_LOGIN_NONE },     /* preliminary: wait for the final reply */
        { "ACCT", 230, FTPLENS_LOGIN_SUCCEEDED }, { "ACCT", 202, FTPLENS_LOGIN_SUCCEEDED },
        { "ACCT", 532, FTPLENS_LOGIN_FAILED },
        { "CWD", 230, FTPLENS_LOGIN_NONE }, { "NOOP", 530, FTPLENS_LOGIN_NONE },
    };
    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        ftplens_note cmd, reply;
        memset(&cmd, 0, sizeof cmd);
        memset(&reply, 0, sizeof reply);
        cmd.kind = FTPLENS_NOTE_REQUEST;
        cmd.verb = rows[i].verb;
        cmd.command = ftplens_command_lookup(rows[i].verb);
        reply.kind = FTPLENS_NOTE_REPLY;
        reply.part = FTPLENS_PART_SINGLE;
        reply.answers = FTPLENS_ANSWERS_COMMAND;
        reply.to_note = &cmd;
        reply.reply.code = rows[i].code;
        reply.reply.reply_class = rows[i].code / 100;
        if (ftplens_login_decide(&reply) != rows[i].step)
            fail_msg("%s -> %u: step %d, expected %d", rows[i].verb, rows[i].code, ftplens_login_decide(&reply),
                     rows[i].step);
        reply.part = FTPLENS_PART_CONTINUATION;     /* only the first line of a reply decides */
        assert_int_equal(ftplens_login_decide(&reply), FTPLENS_LOGIN_NONE);
    }
    /* "User logged in" answers only a login command, even one whose bytes were lost. */
    ftplens_note lost;
    memset(&lost, 0, sizeof lost);
    lost.kind = FTPLENS_NOTE_REPLY;
    lost.answers = FTPLENS_ANSWERS_LOST;
    lost.reply.code = 230;
    lost.reply.reply_class = 2;
    assert_int_equal(ftplens_login_decide(&lost), FTPLENS_LOGIN_SUCCEEDED);
    lost.reply.code = 250;
    assert_int_equal(ftplens_login_decide(&lost), FTPLENS_LOGIN_NONE);
}

/* At most 20 findings of one kind per session, the 20th saying it is the last. */
static void findings_per_kind_are_capped(void **state)
{
    (void)state;
    GString *script = g_string_new("S 220 ready\n");
    for (int i = 0; i < 25; i++)
        g_string_append(script, "C XFOO\nS 500 unknown\n");
    run r;
    run_script(&r, script->str);
    unsigned n = 0;
    for (const char *p = r.messages->str; (p = strstr(p, "unknown_command: ")) != NULL; p++)
        n++;
    assert_int_equal(n, 20);
    assert_non_null(strstr(r.messages->str, "(the last one reported for this session)"));
    run_free(&r);
    g_string_free(script, TRUE);
}

/* Special cases of the checks, each pinned by a mutant of tools/mutants.list. */
static void special_cases(void **state)
{
    (void)state;
    run r;
    char text[800];
    /* The failures before a success count this client's earlier sessions too. */
    run_script(&r, "S 220 ready\n" FAIL FAIL FAIL "NEW\nS 220 ready\n" FAIL
                   "C USER alice\nS 331 pw\nC PASS right\nS 230 ok\n");
    assert_non_null(strstr(r.messages->str, "user 'alice' after 4 failed attempts for this user from this client, "
                                             "counting earlier sessions"));
    run_free(&r);
    /* The backdoor finding: the trigger on the USER line, the shell on the connection to port 6200. */
    run_script(&r, "S 220 ready\nC USER x:)\nS 331 pw\nC PASS y\nSYN 6200\n");
    assert_non_null(strstr(r.messages->str, "USER 'x:)' ends in ':)', the trigger of the vsftpd 2.3.4 backdoor"));
    assert_non_null(strstr(r.messages->str, "after the ':)' user in frame 2: the vsftpd 2.3.4 backdoor shell was opened"));
    run_free(&r);
    /* 500 to a known verb is a refusal, not an unknown command. */
    run_script(&r, LOGIN("a", "b") "S 230 ok\nC RETR x\nS 500 syntax error\n");
    assert_false(r.fired[FTPLENS_RISK_UNKNOWN_COMMAND]);
    run_free(&r);
    /* '%' in a password is not a format-string attack. */
    run_script(&r, LOGIN("a", "%s%s%n") "S 230 ok\n");
    assert_false(r.fired[FTPLENS_RISK_FORMAT_STRING]);
    run_free(&r);
    /* A capture that starts in the middle of a session claims nothing about the login. */
    run_script(&r, "C RETR secret.txt\nS 150 here\nS 226 done\n");
    assert_false(r.fired[FTPLENS_RISK_PREAUTH_COMMAND]);
    assert_false(r.fired[FTPLENS_RISK_PREAUTH_COMMAND_ACCEPTED]);
    run_free(&r);
    /* A settled outcome stays: a later failed USER does not rewrite it. */
    run_script(&r, LOGIN("alice", "s3cret") "S 230 ok\nC USER bob\nS 530 no\n");
    assert_int_equal(credentials(&r, text, sizeof text), 4);
    assert_non_null(strstr(text, "login succeeded (230, frame 5)"));
    run_free(&r);
}

static void masked_password_appears_nowhere(void **state)
{
    (void)state;
    ftplens_config cfg;
    ftplens_config_defaults(&cfg);
    cfg.mask_passwords = true;
    ftplens_capture *cap = ftplens_capture_new(&cfg);
    const char *lines[] = { "220 ready\r\n", "USER anonymous\r\n", "331 pw\r\n", "PASS Hunter2secret@\r\n", "230 ok\r\n" };
    uint32_t seq[2] = { 100, 900 };
    bool found = false;
    for (unsigned i = 0; i < 5; i++) {
        bool srv = i % 2 == 0;
        ftplens_segment s;
        memset(&s, 0, sizeof s);
        s.frame = i + 1;
        s.addr_len = 4;
        s.src_port = srv ? 21 : 40000;
        s.dst_port = srv ? 40000 : 21;
        s.src_port_is_ftp = srv;
        s.dst_port_is_ftp = !srv;
        s.flags = FTPLENS_TCP_PSH | FTPLENS_TCP_ACK;
        s.seq = seq[srv];
        s.ack = seq[!srv];
        s.payload = (const uint8_t *)lines[i];
        s.payload_len = s.tcp_len = (uint32_t)strlen(lines[i]);
        seq[srv] += s.tcp_len;
        const ftplens_frame *f = ftplens_capture_segment(cap, &s).frame;
        for (const ftplens_note *n = f->notes; n; n = n->next) {
            assert_null(strstr(n->text, "Hunter2"));
            assert_null(strstr(n->arg ? n->arg : "", "Hunter2"));
        }
        for (const ftplens_finding *fd = f->findings; fd; fd = fd->next) {
            assert_null(strstr(fd->message, "Hunter2"));
            found = true;
        }
        char *explain = ftplens_tcp_explain(&f->tcp);
        assert_null(strstr(explain, "Hunter2"));
        g_free(explain);
    }
    assert_true(found);
    ftplens_capture_free(cap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_rule_fires_and_stays_silent),
        cmocka_unit_test(nonstandard_port),
        cmocka_unit_test(bruteforce_across_connections),
        cmocka_unit_test(masked_password_appears_nowhere),
        cmocka_unit_test(credentials_on_the_pass_line),
        cmocka_unit_test(failed_guess_is_a_note),
        cmocka_unit_test(report_folds_repeated_sessions),
        cmocka_unit_test(user_alone_login_names_no_guess),
        cmocka_unit_test(bruteforce_defaults_and_off),
        cmocka_unit_test(login_decisions),
        cmocka_unit_test(findings_per_kind_are_capped),
        cmocka_unit_test(special_cases),
    };
    return cmocka_run_group_tests_name("risk", tests, NULL, NULL);
}
