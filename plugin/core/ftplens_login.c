/* ftplens_login.c - the login decision table.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_login.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "ftplens_text.h"

/* Codes that decide a login, whatever login command they answer (RFC 959
 * section 5.4, RFC 2228); 'pass_only': only after PASS or ACCT. */
static const struct {
    unsigned code;
    ftplens_login_step step;
    int pass_only;
} decisive[] = {
    { 230, FTPLENS_LOGIN_SUCCEEDED, 0 },
    { 232, FTPLENS_LOGIN_SUCCEEDED, 0 },
    { 202, FTPLENS_LOGIN_SUCCEEDED, 1 },   /* "superfluous": the user is already logged in */
    { 331, FTPLENS_LOGIN_CONTINUE, 0 },
    { 332, FTPLENS_LOGIN_CONTINUE, 0 },
    { 421, FTPLENS_LOGIN_CLOSED, 0 },
};

int ftplens_login_command(const ftplens_note *cmd)
{
    return cmd && cmd->kind == FTPLENS_NOTE_REQUEST && cmd->command && (cmd->command->flags & FTPLENS_CMD_LOGIN);
}

int ftplens_login_attempt(const ftplens_note *cmd)
{
    return ftplens_login_command(cmd) && strcmp(cmd->verb, "USER") != 0;
}

ftplens_login_step ftplens_login_decide(const ftplens_note *n)
{
    if (n->kind != FTPLENS_NOTE_REPLY || (n->part != FTPLENS_PART_SINGLE && n->part != FTPLENS_PART_FIRST))
        return FTPLENS_LOGIN_NONE;
    unsigned code = n->reply.code, cls = n->reply.reply_class;
    if (n->answers == FTPLENS_ANSWERS_LOST)     /* "User logged in" answers only a login, even a lost one */
        return code == 230 || code == 232 ? FTPLENS_LOGIN_SUCCEEDED : FTPLENS_LOGIN_NONE;
    if (n->answers != FTPLENS_ANSWERS_COMMAND || !ftplens_login_command(n->to_note) || cls == 1)
        return FTPLENS_LOGIN_NONE;
    bool pass = strcmp(ftplens_note_to_command(n), "USER") != 0;
    for (size_t i = 0; i < G_N_ELEMENTS(decisive); i++) {
        if (decisive[i].code == code && (pass || !decisive[i].pass_only))
            return decisive[i].step;
    }
    return cls == 4 || cls == 5 ? FTPLENS_LOGIN_FAILED : FTPLENS_LOGIN_UNCLEAR;
}

void ftplens_login_outcome_text(ftplens_login_step step, unsigned code, uint32_t frame, int final, char *out,
                                size_t outlen)
{
    switch (step) {
    case FTPLENS_LOGIN_SUCCEEDED:
        snprintf(out, outlen, T("login succeeded (%u, frame %u)"), code, frame);
        break;
    case FTPLENS_LOGIN_FAILED:
        snprintf(out, outlen, T("login failed (%u, frame %u)"), code, frame);
        break;
    case FTPLENS_LOGIN_CLOSED:
        snprintf(out, outlen, T("the server closed the session instead (%u, frame %u)"), code, frame);
        break;
    case FTPLENS_LOGIN_UNCLEAR:
        snprintf(out, outlen, T("login outcome unclear: the server answered %u, which no RFC defines for a login "
                                  "(frame %u)"), code, frame);
        break;
    case FTPLENS_LOGIN_PENDING:
        g_strlcpy(out, final ? T("login outcome unknown (no reply captured)")
                             : T("login outcome not known yet at this frame (the reply comes later)"), outlen);
        break;
    case FTPLENS_LOGIN_LOST:
        g_strlcpy(out, T("login outcome unknown (no reply captured)"), outlen);
        break;
    default:
        g_strlcpy(out, "", outlen);
        break;
    }
}
