/* ftplens_result.h - what the core concludes about one frame.  The epan glue
 * stores a pointer to it with p_add_proto_data on the first pass and draws the
 * tree only from it on every pass, so one-pass, two-pass and GUI agree.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_RESULT_H
#define FTPLENS_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ftplens_codes.h"
#include "ftplens_commands.h"
#include "ftplens_parse.h"
#include "ftplens_tcp.h"

typedef enum {
    FTPLENS_NOTE_REQUEST,
    FTPLENS_NOTE_REPLY,
    FTPLENS_NOTE_BAD_REPLY,     /* a server line that is not a valid reply */
    FTPLENS_NOTE_BAD_REQUEST,   /* a client line that is not a command */
    FTPLENS_NOTE_PARTIAL,       /* the end of a line whose start was not captured */
} ftplens_note_kind;

typedef enum {
    FTPLENS_PART_SINGLE,
    FTPLENS_PART_FIRST,
    FTPLENS_PART_CONTINUATION,
    FTPLENS_PART_LAST,
} ftplens_part;

typedef enum {
    FTPLENS_ANSWERS_COMMAND,    /* to_frame / to_note are set */
    FTPLENS_ANSWERS_GREETING,   /* the 220 (or 120/421) that opens the session */
    FTPLENS_ANSWERS_UNSOLICITED,/* no command outstanding (e.g. 421 on timeout) */
    FTPLENS_ANSWERS_LOST,       /* a command whose bytes were not captured (capture gap) */
} ftplens_answers;

/* How sure the pairing of a reply is (ftplens.reply.pairing). */
typedef enum {
    FTPLENS_PAIRING_DIRECT,     /* nothing was lost since the queue of commands was last empty */
    FTPLENS_PAIRING_INFERRED,   /* resynchronised across a capture gap, by ACK and reply code */
    FTPLENS_PAIRING_UNKNOWN,    /* the command it answers was not captured, or cannot be told */
} ftplens_pairing;

/* Problems worth an expert item; a note may carry several. */
enum {
    FTPLENS_PROB_MALFORMED_REPLY = 1u << 0,
    FTPLENS_PROB_BAD_COMMAND     = 1u << 1,
    FTPLENS_PROB_LINE_TRUNCATED  = 1u << 2,
    FTPLENS_PROB_BAD_ADDRESS_ARG = 1u << 3,
    FTPLENS_PROB_PENDING_OVERFLOW = 1u << 4,
    FTPLENS_PROB_AFTER_GAP       = 1u << 5,
    FTPLENS_PROB_UNKNOWN_CLASS   = 1u << 6,
};

/* The address of a valid PORT, EPRT, 227 or 229 (ftplens_hostport without
 * its explanation, which the note keeps as arg_explained). */
typedef struct {
    char addr[48];
    unsigned port;
    bool has_addr;      /* 229 and EPRT |||port| carry only a port */
    bool ipv6;
} ftplens_address_arg;

/* What few lines have, kept apart so that every other line is smaller
 * (ftplens_note_extra_of). */
typedef struct {
    const char *problem_text;   /* detail for MALFORMED_REPLY / BAD_COMMAND */
    const char *secret;         /* PASS: the real argument, for the checks only (never drawn) */
    const char *arg_explained;  /* PORT, EPRT, 227, 229 */
    const ftplens_address_arg *address;    /* the decoded address when valid */
} ftplens_note_extra;

/* One FTP line; fields are ordered by size so that the struct has no holes. */
typedef struct ftplens_note {
    struct ftplens_note *next;
    const char *text;           /* the line (valid UTF-8, controls shown as '.'), capped */
    const ftplens_note_extra *extra;    /* NULL: none of it */
    uint64_t full_len;          /* whole line without CR LF */

    /* requests */
    const char *verb;           /* upper-cased */
    const char *arg;            /* "********" for PASS when passwords are masked */
    uint64_t arg_len;           /* whole argument length, also beyond the kept bytes */
    const ftplens_command_row *command; /* NULL: in no registry */

    /* replies */
    ftplens_reply_code reply;   /* texts: ftplens_reply_texts */
    const struct ftplens_note *to_note;  /* the command note this reply answers */
    int64_t reply_time_ns;      /* since to_frame */

    uint32_t offset;            /* within this segment's TCP payload */
    uint32_t length;            /* bytes of this segment, CR LF included */
    unsigned problems;
    uint32_t reply_in;          /* requests: frame of the final reply; 0 until seen */
    uint32_t to_frame;          /* replies */
    uint32_t index;             /* requests: 1, 2, ... for the client lines of the session */
    uint32_t to_index;          /* replies: the index of the command answered */
    uint8_t kind;               /* ftplens_note_kind */
    uint8_t part;               /* ftplens_part */
    uint8_t answers;            /* ftplens_answers */
    bool from_server;
    bool began_earlier;         /* the line started in an earlier segment */
    bool telnet_iac;            /* the line carries Telnet IAC bytes */
    uint8_t pairing;            /* replies: ftplens_pairing */
    bool reply_lost;            /* requests: its final reply fell into a capture gap */
} ftplens_note;

/* Replies: the verb of the command answered; NULL when it is not known (a
 * greeting, a command not captured, a line that is no command). */
static inline const char *ftplens_note_to_command(const ftplens_note *n)
{
    return n->to_note ? n->to_note->verb : NULL;
}

static inline const ftplens_note_extra *ftplens_note_extra_of(const ftplens_note *n)
{
    static const ftplens_note_extra none;
    return n->extra ? n->extra : &none;
}

struct ftplens_finding;

typedef struct ftplens_frame {
    const struct ftplens_conn *conn; /* the FTP control connection */
    ftplens_note *notes;        /* in line order */
    struct ftplens_finding *findings;   /* security checks that fired on this frame */
    uint32_t frame;             /* its frame number */
    uint32_t payload_offset;    /* where the TCP payload starts in the frame */
    uint32_t gap_bytes[2];      /* capture gaps found on this frame: [0] client to server, [1] server to client */
    uint16_t note_count;
    bool from_listener;         /* sent by the side that accepted the connection */
    bool payload_offset_known;
    bool has_tcp;
    bool lines_continue;        /* a frame kept without its TCP note: the note's continues_line */
    /* Last: a frame of FTP lines whose TCP note can be written again from its
     * segment is kept as the fields above (FTPLENS_FRAME_LINES_KEPT bytes);
     * the user is found again from the connection, the time is not drawn. */
    const char *user;           /* the current user after this frame's lines (ftplens_session_user) */
    int64_t time_ns;
    ftplens_tcp_note tcp;       /* handshake / sequence teaching */
} ftplens_frame;

#define FTPLENS_FRAME_LINES_KEPT offsetof(ftplens_frame, user)

/* Most segments of a connection are plain: an ACK or data segment in the
 * middle of it, a handshake or close segment without payload, with no FTP
 * line, no finding and nothing unexpected, whose sentence is written from its
 * numbers when shown.  They are kept as this compact record (72 bytes instead
 * of a 136-byte ftplens_frame); ftplens_plain_expand gives the frame back for
 * drawing. */
typedef struct ftplens_plain {
    const struct ftplens_conn *conn;
    const char *user;
    const char *step_text;
    int64_t rtt_ns;                 /* syn_rtt_ns or hs_rtt_ns, as the flags say */
    uint32_t frame;
    uint32_t seq_raw, ack_raw;
    uint32_t isn, peer_isn;
    uint32_t len;
    uint32_t ref_frame;
    uint16_t flags;
    uint8_t step;                   /* ftplens_step */
    uint8_t lazy;                   /* ftplens_lazy: never NONE or LINES here */
    uint8_t bits;                   /* PLAIN_* */
} ftplens_plain;

#endif
