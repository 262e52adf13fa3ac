/* ftplens_risk.h - security-risk checks: one row per check (id, group,
 * severity, trigger, message template, advice) and the session events that
 * evaluate them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_RISK_H
#define FTPLENS_RISK_H

#include <stdbool.h>
#include <stdint.h>

#include "ftplens_arena.h"
#include "ftplens_result.h"

typedef enum {
    FTPLENS_GROUP_SECURITY,
    FTPLENS_GROUP_PROTOCOL,
    FTPLENS_GROUP_MALFORMED,
} ftplens_group;

typedef enum {
    FTPLENS_SEV_CHAT,
    FTPLENS_SEV_NOTE,
    FTPLENS_SEV_WARN,
    FTPLENS_SEV_ERROR,
} ftplens_severity;

typedef enum {
    FTPLENS_RISK_CLEARTEXT_CREDENTIALS,
    FTPLENS_RISK_LOGIN_FAILED,
    FTPLENS_RISK_LOGIN_SUCCESS_AFTER_FAILURES,
    FTPLENS_RISK_BRUTEFORCE,
    FTPLENS_RISK_LOCKOUT,
    FTPLENS_RISK_USER_ENUMERATION,
    FTPLENS_RISK_ANONYMOUS_LOGIN,
    FTPLENS_RISK_ANONYMOUS_DEFAULT_PASSWORD,
    FTPLENS_RISK_ANONYMOUS_WRITE,
    FTPLENS_RISK_EMPTY_PASSWORD,
    FTPLENS_RISK_PRIVILEGED_ACCOUNT,
    FTPLENS_RISK_AUTH_TLS_REFUSED_FALLBACK,
    FTPLENS_RISK_TLS_OFFERED_NOT_USED,
    FTPLENS_RISK_TLS_ACCEPTED,
    FTPLENS_RISK_PROT_CLEAR,
    FTPLENS_RISK_CCC_DOWNGRADE,
    FTPLENS_RISK_CLEARTEXT_TRANSFER,
    FTPLENS_RISK_SITE_EXEC,
    FTPLENS_RISK_SITE_EXEC_SUCCESS,
    FTPLENS_RISK_BACKDOOR_VSFTPD_234,
    FTPLENS_RISK_BACKDOOR_PROFTPD,
    FTPLENS_RISK_PORT_BOUNCE,
    FTPLENS_RISK_PORT_BOUNCE_ACCEPTED,
    FTPLENS_RISK_PORT_PRIVILEGED,
    FTPLENS_RISK_PASV_PRIVATE_ADDRESS,
    FTPLENS_RISK_PASV_THIRD_PARTY,
    FTPLENS_RISK_DATA_UNEXPECTED_HOST,
    FTPLENS_RISK_ARG_TOO_LONG,
    FTPLENS_RISK_FORMAT_STRING,
    FTPLENS_RISK_PATH_TRAVERSAL,
    FTPLENS_RISK_SENSITIVE_FILE,
    FTPLENS_RISK_PREAUTH_COMMAND,
    FTPLENS_RISK_PREAUTH_COMMAND_ACCEPTED,
    FTPLENS_RISK_TELNET_IAC,
    FTPLENS_RISK_REPLY_MALFORMED,
    FTPLENS_RISK_BANNER_DISCLOSURE,
    FTPLENS_RISK_VULNERABLE_VERSION,
    FTPLENS_RISK_UNKNOWN_COMMAND,
    FTPLENS_RISK_NONSTANDARD_PORT,
    FTPLENS_RISK_COUNT
} ftplens_risk_id;

/* The same finding about a login that failed, where that is a lesser risk
 * (a wrong password guess is not an exposed working password). */
typedef struct {
    const char *title;
    ftplens_severity severity;
    const char *message;        /* the same conversions as the rule's message */
    const char *advice;
} ftplens_risk_variant;

/* One check.  'message' is a printf template filled with the evidence. */
typedef struct {
    const char *id;
    const char *title;          /* short: Expert Information groups by it */
    ftplens_group group;
    ftplens_severity severity;
    const char *trigger;
    const char *message;
    const char *advice;
    /* A second whole sentence for the same finding in another situation
     * (NULL: none), e.g. the backdoor's trigger and then its shell. */
    const char *message_alt;
    /* A fact of the server that every session repeats (its banner): the
     * expert item stays on each frame, summaries count it once per server. */
    bool per_server;
    /* NULL, or the finding when the login it belongs to failed. */
    const ftplens_risk_variant *if_failed;
} ftplens_risk_rule;

extern const ftplens_risk_rule ftplens_risk_rules[FTPLENS_RISK_COUNT];

const char *ftplens_severity_text(ftplens_severity s);

typedef struct ftplens_finding {
    struct ftplens_finding *next;
    const char *message;
    const char *message_if_failed;  /* the rule's if_failed message with the same evidence */
    ftplens_risk_id id;
    /* cleartext_credentials: the outcome of the login attempt, filled in when
     * its reply arrives (the finding sits on the PASS line itself). */
    uint8_t login;                  /* ftplens_login_step; NONE for other findings */
    uint16_t login_code;
    uint32_t login_frame;
} ftplens_finding;

/* The finding's message, with the login outcome where it has one; 'final':
 * the whole capture has been read.  Returns 'buf' or the stored message. */
const char *ftplens_finding_text(const ftplens_finding *f, bool final, char *buf, size_t len);
/* The finding as it stands: the rule's, or its if_failed variant once the
 * login it belongs to failed.  English keys: translate with T(). */
ftplens_severity ftplens_finding_severity(const ftplens_finding *f);
const char *ftplens_finding_title(const ftplens_finding *f);
const char *ftplens_finding_advice(const ftplens_finding *f);
bool ftplens_finding_failed_variant(const ftplens_finding *f);

typedef struct {
    bool mask_passwords;
    unsigned bruteforce_session;    /* failures in one session */
    unsigned bruteforce_client;     /* failures from one client address ... */
    unsigned bruteforce_window_s;   /* ... within this many seconds */
    unsigned arg_max_default;       /* argument length limit for commands without their own */
} ftplens_risk_config;

typedef struct ftplens_risk_global ftplens_risk_global;
typedef struct ftplens_risk_session ftplens_risk_session;

ftplens_risk_global *ftplens_risk_global_new(const ftplens_risk_config *cfg, ftplens_arena *arena);
void ftplens_risk_global_free(ftplens_risk_global *g);
ftplens_risk_session *ftplens_risk_session_new(void);
void ftplens_risk_session_free(ftplens_risk_session *s);

/* What an event knows about where it happens. */
typedef struct {
    uint32_t frame;
    int64_t time_ns;
    const char *client;             /* control connection client address, text */
    const char *server;             /* control connection server address, text */
    uint16_t server_port;
    bool encrypted;                 /* AUTH accepted before this line */
    bool tls_used;                  /* ... or at some point before (ftplens_session_tls_used) */
    const char *user;               /* the session's current user (ftplens_session_user) */
    ftplens_finding **out;          /* findings of this frame, appended */
    /* a final reply to a transfer command: what its data connection carried */
    bool data_seen;
    uint64_t data_bytes;
    bool data_tls;                  /* its first payload was a TLS record */
} ftplens_risk_ctx;

void ftplens_risk_command(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx,
                          const ftplens_note *cmd);
void ftplens_risk_reply(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx,
                        const ftplens_note *reply);
/* A data connection opened from 'from' for an announcement by 'announced_by_client'. */
void ftplens_risk_data_connection(ftplens_risk_global *g, const ftplens_risk_ctx *ctx, bool active,
                                  const char *from, uint16_t from_port, uint32_t setup_frame);
/* The vsftpd 2.3.4 backdoor (CVE-2011-2523): a USER ending in ':)' opens a
 * shell on this port of the server.  The trigger test and the port live here
 * only; the core watches the port, the risk rules name the finding. */
#define FTPLENS_VSFTPD_BACKDOOR_PORT 6200
bool ftplens_risk_backdoor_trigger(const ftplens_note *cmd);
/* A connection to the backdoor port of 'server' after the trigger in 'trigger_frame'. */
void ftplens_risk_backdoor_shell(ftplens_risk_global *g, const ftplens_risk_ctx *ctx, const char *server,
                                 uint32_t trigger_frame);
/* After AUTH, the control channel carries readable FTP lines again. */
void ftplens_risk_tls_ended(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx);
/* The final reply to this command fell into a capture gap. */
void ftplens_risk_reply_lost(ftplens_risk_session *s, const ftplens_note *cmd);
/* Bytes of the control connection were not captured: what depends on the
 * login state (commands before login) is not claimed any more unless a login
 * is seen. */
void ftplens_risk_capture_gap(ftplens_risk_session *s);
/* A server line that is not a reply. */
void ftplens_risk_malformed_reply(ftplens_risk_global *g, const ftplens_risk_ctx *ctx, const ftplens_note *line);
/* The session is on a port the stock FTP dissector does not own. */
void ftplens_risk_nonstandard_port(ftplens_risk_global *g, ftplens_risk_session *s, const ftplens_risk_ctx *ctx);

/* Product and version named in a banner ("vsFTPd 3.0.3"); false if none. */
bool ftplens_banner_product(const char *text, char *out, size_t outlen);

/* The user names of a list of distinct names: "'alice'" or "3 user names ('a', 'b', 'c', ...)" (the
 * brute-force finding and the report's client lines). */
char *ftplens_risk_users_text(GPtrArray *names);
/* The most of n [start, end] time spans (pairs in 'spans') open at one instant; an end at the instant of a
 * start counts as open (a sweep over the starts and ends in time order). */
unsigned ftplens_risk_at_once(const int64_t *spans, unsigned n);

/* USER anonymous or ftp (RFC 1635), in any case. */
bool ftplens_risk_anonymous_user(const char *user);

/* The anonymous-password table (default passwords of browsers and tools). */
const char *ftplens_risk_known_password(const char *pass);

#endif
