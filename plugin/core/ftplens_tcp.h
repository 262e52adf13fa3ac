/* ftplens_tcp.h - TCP teaching for one connection: handshake and close steps,
 * ISNs, relative numbers computed from raw ones, and the arithmetic of each
 * segment written out with its real numbers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_TCP_H
#define FTPLENS_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include "ftplens_arena.h"

/* TCP header flag bits as in tcp.flags (RFC 9293); the only definition. */
#define FTPLENS_TCP_FIN 0x001
#define FTPLENS_TCP_SYN 0x002
#define FTPLENS_TCP_RST 0x004
#define FTPLENS_TCP_PSH 0x008
#define FTPLENS_TCP_ACK 0x010

typedef enum {
    FTPLENS_STEP_NONE = 0,
    FTPLENS_STEP_SYN = 1,
    FTPLENS_STEP_SYNACK = 2,
    FTPLENS_STEP_ESTABLISHED = 3,
    FTPLENS_STEP_DATA = 4,
    FTPLENS_STEP_ACK_ONLY = 5,
    FTPLENS_STEP_FIN = 6,
    FTPLENS_STEP_FINAL_ACK = 7,
    FTPLENS_STEP_RST = 8,
    FTPLENS_STEP_SYN_RETRANS = 9,
    FTPLENS_STEP_SYNACK_RETRANS = 10,
    FTPLENS_STEP_NO_HANDSHAKE = 11,
    FTPLENS_STEP_FIN_ACK = 12,      /* acknowledges the peer's FIN, no FIN of its own yet */
    FTPLENS_STEP_COUNT
} ftplens_step;

/* Sentences of the commonest segments are written only when shown. */
typedef enum {
    FTPLENS_LAZY_NONE = 0,      /* 'explain' holds the text */
    FTPLENS_LAZY_ACK_ONLY,
    FTPLENS_LAZY_DATA,
    FTPLENS_LAZY_TLS,
    FTPLENS_LAZY_RETRANS,
    FTPLENS_LAZY_LINES,         /* FTP lines: written from the frame's bytes when shown */
    /* Handshake and close segments without payload: their sentence is written
     * from the note's own numbers when shown. */
    FTPLENS_LAZY_SYN,
    FTPLENS_LAZY_SYNACK,
    FTPLENS_LAZY_ESTABLISHED,
    FTPLENS_LAZY_CLOSE,
} ftplens_lazy;

/* What the teaching says about one segment.  One per FTP frame: fields are
 * ordered by size so that the struct has no holes. */
typedef struct {
    const char *step_text;          /* "handshake 1/3: SYN (client asks to open)" */
    const char *ack_expected;       /* what was expected when !ack_ok */
    const char *explain;            /* NULL when lazy */
    int64_t syn_rtt_ns, hs_rtt_ns;
    uint32_t seq_raw, ack_raw;
    uint32_t isn;
    uint32_t peer_isn;
    uint32_t len;
    uint32_t ref_frame;             /* the SYN-ACK an ACK confirms, the FIN a final ACK acknowledges */
    uint16_t flags;
    uint8_t step;                   /* ftplens_step */
    uint8_t lazy;                   /* ftplens_lazy */
    /* One bit each: a note is kept for many frames. */
    bool has_ack : 1;
    bool isn_is_base : 1;           /* no SYN seen: first sequence number seen */
    bool has_peer_isn : 1;
    bool has_ack_ok : 1;
    bool ack_ok : 1;
    bool has_syn_rtt : 1, has_hs_rtt : 1;
    bool continues_line : 1;        /* FTPLENS_LAZY_LINES: how to read the bytes again */
    bool mask_passwords : 1;
    bool sender_is_server : 1;      /* how the sentences call the sender (and its peer) */
} ftplens_tcp_note;

/* Relative numbers, from the raw ones and the ISNs the note holds. */
static inline uint32_t ftplens_tcp_seq_rel(const ftplens_tcp_note *n)
{
    return n->seq_raw - n->isn;
}

static inline uint32_t ftplens_tcp_ack_rel(const ftplens_tcp_note *n)
{
    return n->has_ack ? n->ack_raw - n->peer_isn : 0;
}

/* The relative sequence number after the segment: its length, plus one for a SYN and one for a FIN. */
static inline uint32_t ftplens_tcp_next_seq_rel(const ftplens_tcp_note *n)
{
    return ftplens_tcp_seq_rel(n) + n->len + ((n->flags & FTPLENS_TCP_SYN) ? 1u : 0u) +
           ((n->flags & FTPLENS_TCP_FIN) ? 1u : 0u);
}

/* How the payload of this segment is made of lines (control connections). */
typedef struct {
    const uint8_t *payload;
    uint32_t len;                   /* captured bytes */
    bool text;                      /* FTP control lines: explain Len line by line */
    bool continues_line;            /* the first bytes end a line begun earlier */
    bool encrypted;                 /* TLS after AUTH: no lines */
    bool mask_passwords;            /* show PASS lines as PASS ******** */
    uint32_t dup_bytes;             /* bytes already seen (retransmitted) */
    bool lines_later;               /* the lines can be read again when shown (FTPLENS_LAZY_LINES) */
} ftplens_tcp_payload;

typedef struct {
    uint32_t frame;
    int64_t time_ns;
    bool from_listener;             /* sent by the side that accepted the connection */
    uint16_t flags;
    uint32_t seq, ack;
    uint32_t tcp_len;
} ftplens_tcp_segment;

typedef struct {
    bool isn_known[2];              /* [0] initiator, [1] listener */
    bool base_known[2];
    uint32_t isn[2];
    uint32_t syn_frame[2];
    int64_t syn_time[2];
    bool synack_seen;
    uint32_t synack_frame;
    bool established;
    bool fin_seen[2];
    uint32_t fin_seq[2];            /* sequence number the FIN occupies */
    uint32_t fin_frame[2];
    bool fin_acked[2];
    bool any_segment;
    bool data_seen[2];              /* payload seen from each side ... */
    uint32_t data_end[2];           /* ... up to this sequence number */
    const char *names[2];           /* how the text calls each side; NULL: client / server */
} ftplens_tcp_tracker;

void ftplens_tcp_init(ftplens_tcp_tracker *t);

/* Classify and explain one segment; strings are allocated in the arena. */
void ftplens_tcp_segment_note(ftplens_tcp_tracker *t, const ftplens_tcp_segment *seg,
                              const ftplens_tcp_payload *pl, ftplens_arena *arena, ftplens_tcp_note *out);

/* The explanation of a segment, in the current language (g_free it). */
char *ftplens_tcp_explain(const ftplens_tcp_note *n);
/* The same for a segment whose FTP lines are read again from its TCP payload
 * (FTPLENS_LAZY_LINES); payload may be NULL when the bytes are not at hand. */
char *ftplens_tcp_explain_payload(const ftplens_tcp_note *n, const uint8_t *payload, uint32_t len);

/* The step text of data ("data") or of a bare ACK ("ack only") in the middle of a connection. */
const char *ftplens_tcp_plain_step_text(bool data);

/* "62 6b f2 f7" */
void ftplens_tcp_hex_bytes(uint32_t v, char out[12]);

/* The short English name of each step (ftplens.tcp.step_num's value string; filters use the number). */
extern const char *const ftplens_tcp_step_names[FTPLENS_STEP_COUNT];

#endif
