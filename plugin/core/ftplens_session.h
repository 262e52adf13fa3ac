/* ftplens_session.h - one FTP control connection: command/reply pairing
 * (FIFO of outstanding commands, 1xx preliminary replies, multi-line replies,
 * greeting and unsolicited 421), user, and the switch to TLS after AUTH.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_SESSION_H
#define FTPLENS_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "ftplens_arena.h"
#include "ftplens_reasm.h"
#include "ftplens_result.h"

#define FTPLENS_MAX_PENDING 64   /* unanswered commands remembered per session */

typedef struct ftplens_session ftplens_session;

ftplens_session *ftplens_session_new(uint32_t id, ftplens_arena *arena);
void ftplens_session_free(ftplens_session *s);

/* The ACK of the segment that carries a reply: the client bytes the server
 * had received when it sent the reply. */
typedef struct {
    bool known;
    uint32_t ack;
} ftplens_reply_ack;

/* Each call turns one complete line into a note allocated in the arena. */
ftplens_note *ftplens_session_client_line(ftplens_session *s, uint32_t frame, int64_t time_ns,
                                          const ftplens_line *line);
ftplens_note *ftplens_session_server_line(ftplens_session *s, uint32_t frame, int64_t time_ns,
                                          const ftplens_line *line, const ftplens_reply_ack *ack);

/* Capture gaps.  Client bytes before end_seq were not captured: one or more
 * commands whose replies answer "a command not captured".  Server bytes were
 * not captured: replies may be missing, and later replies are paired by the
 * ACK and the codes each command can receive; before_client_line when the gap
 * was found through the ACK of a client line that is about to be read. */
void ftplens_session_client_gap(ftplens_session *s, uint32_t end_seq);
void ftplens_session_server_gap(ftplens_session *s, uint32_t bytes, bool before_client_line);
/* The commands found to have lost their final reply, oldest first, each once; NULL when none. */
const ftplens_note *ftplens_session_take_given_up(ftplens_session *s);

/* Show PASS arguments as ******** (preference ftplens.mask_passwords). */
void ftplens_session_mask_passwords(ftplens_session *s, bool mask);
/* The current user: the last USER argument; NULL after REIN and after client
 * bytes were lost (a USER or REIN may be in the gap).  The one decision the
 * tree, the risk checks and the report use. */
const char *ftplens_session_user(const ftplens_session *s);
/* Whether 'code' answering 'verb' starts TLS on the control channel (AUTH → 234). */
bool ftplens_session_auth_accepted(const char *verb, unsigned code);
/* After AUTH was accepted (234) the control channel carries TLS, not lines. */
bool ftplens_session_encrypted(const ftplens_session *s);
/* TLS was used on the control channel at some point (also after CCC). */
bool ftplens_session_tls_used(const ftplens_session *s);
/* A TLS handshake began on the control channel although no 234 was seen
 * (it fell into a capture gap): the rest is encrypted. */
void ftplens_session_tls_started(ftplens_session *s);
/* The control channel carries clear text again (CCC). */
void ftplens_session_tls_ended(ftplens_session *s);
unsigned ftplens_session_pending(const ftplens_session *s);
/* The code of a multi-line reply whose last line has not been seen yet, or 0. */
unsigned ftplens_session_open_reply(const ftplens_session *s);
unsigned ftplens_session_client_lines(const ftplens_session *s);
unsigned ftplens_session_server_lines(const ftplens_session *s);

#endif
