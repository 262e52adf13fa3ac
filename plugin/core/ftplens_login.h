/* ftplens_login.h - what a reply says about the login: the one place where a
 * login is decided (risk checks, report summary and statistics tree use it).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_LOGIN_H
#define FTPLENS_LOGIN_H

#include <stddef.h>
#include <stdint.h>

#include "ftplens_result.h"

typedef enum {
    FTPLENS_LOGIN_NONE,         /* the line says nothing about a login */
    FTPLENS_LOGIN_CONTINUE,     /* 331 / 332: the server wants PASS or ACCT next */
    FTPLENS_LOGIN_SUCCEEDED,    /* 230, 232; 202 to PASS or ACCT (already logged in) */
    FTPLENS_LOGIN_FAILED,       /* 4xx / 5xx to USER, PASS or ACCT */
    FTPLENS_LOGIN_CLOSED,       /* 421 to USER, PASS or ACCT: the server closed the session */
    FTPLENS_LOGIN_UNCLEAR,      /* another code (e.g. the non-standard 231): neither claimed */
    FTPLENS_LOGIN_PENDING,      /* PASS sent, its reply not seen (yet) */
    FTPLENS_LOGIN_LOST,         /* PASS sent, its reply fell into a capture gap */
} ftplens_login_step;

/* What the first (or only) line of a reply says about the login; NONE for
 * every other line, for replies to other commands and for preliminary ones. */
ftplens_login_step ftplens_login_decide(const ftplens_note *reply);

/* Whether a command line takes part in the login (the command table's
 * FTPLENS_CMD_LOGIN: USER, PASS, ACCT). */
int ftplens_login_command(const ftplens_note *cmd);

/* A login command that sends a secret (PASS, ACCT; not USER): an attempt whose
 * outcome is unknown when its reply was not captured.  A USER without a reply
 * (a client that sends it to a server that just closed) tried nothing. */
int ftplens_login_attempt(const ftplens_note *cmd);

/* "login succeeded (230, frame 270)", "login outcome unknown (no reply captured)"...
 * 'final': the whole capture has been read (a PENDING outcome is then unknown). */
void ftplens_login_outcome_text(ftplens_login_step step, unsigned code, uint32_t frame, int final, char *out,
                                size_t outlen);

#endif
