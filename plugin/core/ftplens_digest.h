/* ftplens_digest.h - what one FTP session did, read once from its kept
 * frames: its login attempts and their outcome, its transfers, its findings
 * and its shape (the commands and replies, passwords left out).  The report's
 * per-session summary, its overview table, the folding of repeated sessions,
 * the per-client summary and the timeline all read it, so that they agree.
 * Part of the core (reads ftplens_core_private.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_DIGEST_H
#define FTPLENS_DIGEST_H

#include "ftplens_core_private.h"
#include "ftplens_login.h"

/* One PASS command (a password tried) and what became of it. */
typedef struct {
    const ftplens_note *cmd;
    const char *user;           /* the session's user when it was sent */
    uint32_t frame;
    int64_t time_ns;
    ftplens_login_step step;    /* of its final reply: NONE when none was captured */
    uint32_t reply_frame;
    int64_t reply_ns;
} ftplens_digest_pass;

/* A reply that refused a login (FAILED or CLOSED), to USER, PASS or ACCT. */
typedef struct {
    const char *user;
    uint32_t frame;
    int64_t time_ns;
} ftplens_digest_failure;

/* A completed transfer command and what its data connection carried. */
typedef struct {
    const ftplens_note *cmd;
    uint32_t frame;             /* of the reply that completed it */
    int64_t time_ns;
    uint64_t bytes;
    bool seen;                  /* its data connection was captured */
    bool upload;
} ftplens_digest_transfer;

typedef enum {
    FTPLENS_OUTCOME_NONE,       /* no login seen */
    FTPLENS_OUTCOME_SUCCEEDED,
    FTPLENS_OUTCOME_FAILED,
    FTPLENS_OUTCOME_UNKNOWN,    /* a login command whose reply was not captured */
    FTPLENS_OUTCOME_UNCLEAR,    /* a reply no RFC defines for a login */
    FTPLENS_OUTCOME_LOST_AFTER_FAILURE,  /* failed, then client bytes were lost */
} ftplens_outcome;

typedef struct {
    const ftplens_conn *ctl;
    unsigned number;            /* "Session N" in the report */
    /* the login, as ftplens_login_decide saw it */
    ftplens_outcome outcome;
    const char *user;           /* of the outcome; NULL when not known */
    uint32_t login_frame;       /* the first successful login */
    int64_t login_ns;
    unsigned failures, unknown_attempts, unclear;
    bool anonymous;             /* the successful login was anonymous */
    GArray *passes;             /* ftplens_digest_pass, in frame order */
    GArray *refusals;           /* ftplens_digest_failure, in frame order: 'failures' of them */
    GArray *transfers;          /* ftplens_digest_transfer, in frame order */
    uint64_t bytes_up, bytes_down;
    unsigned commands;          /* client lines */
    unsigned findings;
    uint32_t first_frame, last_frame;
    int64_t first_ns, last_ns;
    char *shape;                /* "USER alice → 331, 3 × (PASS → 530)": commands, arguments but passwords, replies */
    char *shape_key;            /* the same with whole arguments (the shape cuts them at 40 characters) */
} ftplens_digest;

ftplens_digest *ftplens_digest_make(const ftplens_conn *ctl, unsigned number);
void ftplens_digest_free(ftplens_digest *d);
/* The fold key: sessions with the same client, server and shape. */
char *ftplens_digest_key(const ftplens_digest *d);
/* The kind of session: client, server and login outcome.  The folded report
 * walks through one session of each kind; the others are named beside it. */
char *ftplens_digest_kind(const ftplens_digest *d);
/* The outcome as the report's Login line says it ("succeeded", "failed"...), translated. */
const char *ftplens_digest_outcome_text(const ftplens_digest *d);

#endif
