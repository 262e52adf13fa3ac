/* ftplens_core_private.h - the core's connection and capture state, shared by
 * ftplens_core.c and ftplens_expect.c (which build it) and ftplens_report.c
 * and ftplens_ladder.c (which read it).
 * Not for the glue.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_CORE_PRIVATE_H
#define FTPLENS_CORE_PRIVATE_H

#include <string.h>

#include "ftplens_address.h"
#include "ftplens_arena.h"
#include "ftplens_core.h"
#include "ftplens_frames.h"
#include "ftplens_reasm.h"
#include "ftplens_risk.h"
#include "ftplens_session.h"
#include "ftplens_spans.h"
#include "ftplens_tcp.h"

#define MAX_OPEN_EXPECTS 16   /* announced data addresses remembered per session */

typedef enum {
    CONN_UNDECIDED,     /* heuristic: waiting for the first payload */
    CONN_CONTROL,
    CONN_DATA,
    CONN_NOT_FTP,
} conn_kind;

typedef struct {
    unsigned len;       /* 4 or 16; 0 when unknown */
    uint8_t addr[16];
    uint16_t port;
} endpoint;

/* The two ends of a segment, and addresses as text (ftplens_address). */
static inline endpoint seg_src(const ftplens_segment *seg)
{
    endpoint e = { seg->addr_len, { 0 }, seg->src_port };
    memcpy(e.addr, seg->src_addr, sizeof e.addr);
    return e;
}

static inline endpoint seg_dst(const ftplens_segment *seg)
{
    endpoint e = { seg->addr_len, { 0 }, seg->dst_port };
    memcpy(e.addr, seg->dst_addr, sizeof e.addr);
    return e;
}

static inline bool endpoint_eq(const endpoint *a, const endpoint *b)
{
    return a->port == b->port && a->len && a->len == b->len && memcmp(a->addr, b->addr, a->len) == 0;
}

static inline void endpoint_text(const endpoint *e, char *out, size_t len)
{
    ftplens_addr_format(e->addr, e->len, out, len);
}

/* What a plain segment of one sender has in common with the others: its ISN,
 * its peer's, and how the sentences call it.  Taken from each plain segment
 * until one is left to be written again from it, then frozen. */
typedef struct {
    uint32_t isn, peer_isn;
    uint8_t bits;               /* PLAIN_ISN_IS_BASE | PLAIN_HAS_PEER_ISN | PLAIN_SENDER_IS_SERVER */
    bool set, used;
} ftplens_plain_facts;

/* A data connection announced on a control connection. */
typedef struct ftplens_expect {
    struct ftplens_conn *control;
    bool active;                /* PORT/EPRT: the server connects to the client */
    endpoint listener;          /* where the data connection is opened to */
    endpoint fallback;          /* 227 behind NAT: the control server's own address */
    uint32_t setup_frame;
    const char *command;        /* RETR, STOR, LIST...: set when the transfer command is seen */
    const char *command_line;
    const ftplens_note *command_note;
    struct ftplens_conn *data;
    bool backdoor;              /* the vsftpd 2.3.4 backdoor's shell: opened by the trigger, announced by no line */
} ftplens_expect;

struct ftplens_conn {
    conn_kind kind;
    bool by_heuristic;
    bool confirmed;             /* port 21, a greeting that names FTP, or an FTP command after the greeting */
    bool rejected;              /* a heuristic guess the client's first line disproved */
    bool client_spoke;
    uint32_t stream;
    endpoint listener;          /* the side that accepted the TCP connection */
    bool listener_known;
    ftplens_reasm *to_listener;     /* control connections only (allocated when the session starts) */
    ftplens_reasm *to_initiator;
    ftplens_session *session;   /* control connections */
    ftplens_tcp_tracker tcp;
    GQueue expects;             /* control: announced, not yet matched (ftplens_expect*) */
    ftplens_expect *expect;     /* data: what announced it */
    uint16_t initiator_port;
    const char *role;           /* English, for filters */
    const char *role_text;      /* the same in the chosen language */
    ftplens_risk_session *risk;  /* control connections */
    const char *client_text;    /* control connections: addresses as text (interned), for findings */
    const char *server_text;
    bool data_tls;              /* data connections: the first payload was a TLS record */
    bool data_payload_seen;
    uint8_t data_head_len;
    /* data connections, when the report or log is kept: the first bytes of the stream (from the byte after
     * the SYN, never from after a gap), for the log's mime_type (ftplens_mime.c); NULL until seen */
    uint8_t *data_head;
    ftplens_span_set *carried[2]; /* data connections, per direction: the bytes seen, once each */
    uint64_t data_bytes;
    bool tls_next_known[2];     /* control connections in TLS: next new byte per direction, */
    uint32_t tls_next[2];       /* so that a retransmitted 234 is not taken for clear text again */
    GPtrArray *frames;          /* every ftplens_frame of this connection, in order */
    GPtrArray *data_conns;      /* control: its data connections, in order */
    ftplens_link *link[2];      /* [0] client side, [1] server side; NULL until seen */
    uint16_t client_port;
    int64_t first_ns, last_ns;
    /* Undecided connections: their first payload-less segments (the handshake),
     * explained only if the first payload shows FTP. */
    ftplens_segment *held;
    uint8_t n_held;
    uint8_t report_rows;        /* data and ACK segments so far, up to FTPLENS_REPORT_DATA_ROWS */
    uint32_t frame_count;       /* frames with a result: those in 'frames' and the plain ones */
    /* Plain segments written again from their own numbers when shown (ftplens_plain.c). */
    ftplens_plain_facts again[2];   /* per sender: [0] initiator, [1] listener */
    GArray *users;              /* control: the frames where the session's user changed (ftplens_plain.c) */
};

/* The data connection's control connection, or the connection itself. */
static inline const struct ftplens_conn *control_of(const struct ftplens_conn *conn)
{
    return conn->kind == CONN_DATA ? conn->expect->control : conn;
}

/* Whether the listener (the side that accepted the connection) sent the segment. */
static inline bool from_listener(const struct ftplens_conn *conn, const ftplens_segment *seg)
{
    if (seg->src_port != seg->dst_port)
        return seg->src_port == conn->listener.port;
    return conn->listener.len && memcmp(seg->src_addr, conn->listener.addr, conn->listener.len) == 0;
}

/* The report's handshake table shows the first data and ACK segments of each
 * control connection with their explanations. */
#define FTPLENS_REPORT_DATA_ROWS 3

#define FTPLENS_HELD_SEGMENTS 4

/* A server whose control connection carried the vsftpd 2.3.4 backdoor trigger. */
typedef struct {
    struct ftplens_conn *control;
    uint32_t trigger_frame;
} backdoor_watch;

/* ftplens_expect.c */
void ftplens_expect_announce(ftplens_capture *c, struct ftplens_conn *ctl, const ftplens_note *n, uint32_t frame,
                             const ftplens_segment *seg, bool sent_by_peer);
/* The transfer command takes the newest announcement without one; returns its
 * data connection when that is already open (its role names the command now). */
struct ftplens_conn *ftplens_expect_assign_transfer(ftplens_capture *c, struct ftplens_conn *ctl,
                                                    const ftplens_note *n);
/* The announcement a new connection opens, trying its two ends. */
ftplens_expect *ftplens_expect_find(ftplens_capture *c, const ftplens_segment *seg, bool *listener_is_dst);
/* Matched: no longer looked up by new connections. */
void ftplens_expect_matched(ftplens_capture *c, ftplens_expect *e);
ftplens_expect *ftplens_expect_of_command(struct ftplens_conn *ctl, const ftplens_note *cmd);

struct ftplens_capture {
    ftplens_config config;
    ftplens_arena arena;
    GHashTable *conns;          /* tcp.stream -> ftplens_conn* (FTP or undecided) */
    GByteArray *ignored;        /* bit per tcp.stream: known not to be FTP (no state kept) */
    GHashTable *late;           /* frame -> ftplens_frame* made after its frame was dissected */
    GHashTable *open_expects;   /* port -> GPtrArray of unmatched ftplens_expect */
    unsigned sessions;
    ftplens_risk_global *risk;
    GHashTable *backdoor_watch; /* server address text -> backdoor_watch (ftplens_risk_backdoor_trigger) */
    ftplens_finding *pending;   /* findings made before the frame's result exists */
    GPtrArray *controls;        /* control connections in the order they started */
    ftplens_frames kept;        /* frame number -> record, tagged KEPT_* */
    ftplens_frame scratch;      /* the result being built; returned as is for a plain segment */
    const ftplens_plain *last_plain;
    ftplens_plain scratch_plain;    /* a plain segment written again when shown: nothing kept */
    GByteArray *again;          /* bit per frame number: a plain segment kept as nothing (ftplens_plain.c) */
};

/* What a frame number's entry in 'kept' holds. */
enum {
    KEPT_FRAME = 0,     /* an ftplens_frame */
    KEPT_PLAIN = 1,     /* an ftplens_plain */
    KEPT_LINES = 2,     /* the first FTPLENS_FRAME_LINES_KEPT bytes of an ftplens_frame (ftplens_lines_leave) */
};

/* ftplens_plain.c: plain segments, kept as a compact record or as one bit. */
enum {
    PLAIN_FROM_LISTENER = 1 << 0,
    PLAIN_ISN_IS_BASE = 1 << 1,
    PLAIN_HAS_PEER_ISN = 1 << 2,
    PLAIN_HAS_ACK_OK = 1 << 3,
    PLAIN_ACK_OK = 1 << 4,
    PLAIN_SYN_RTT = 1 << 5,
    PLAIN_HS_RTT = 1 << 6,
    PLAIN_SENDER_IS_SERVER = 1 << 7,
};
/* The compact record of a plain segment's result. */
void ftplens_plain_fill(const ftplens_frame *f, ftplens_plain *p);
/* Called for every result of a control connection, in frame order: remembers
 * the frames where the session's user changes. */
void ftplens_plain_note_user(struct ftplens_conn *conn, uint32_t frame, const char *user);
/* True when the record can be written again, when shown, from the frame's
 * segment and the connection's facts alone: then the frame's bit is set and
 * nothing else is kept. */
bool ftplens_plain_leave(ftplens_capture *c, struct ftplens_conn *conn, const ftplens_plain *p);

/* True when the TCP note and the user of a frame of FTP lines can be written
 * again, when shown, from the frame's segment and the connection's facts:
 * then the frame is kept without them. */
bool ftplens_lines_leave(ftplens_capture *c, struct ftplens_conn *conn, const ftplens_frame *f);

/* Bit sets indexed by stream or frame number (NULL: empty); inline, for the hot path. */
static inline bool ftplens_bit_get(const GByteArray *bits, uint32_t n)
{
    uint32_t byte = n >> 3;
    return bits && byte < bits->len && (bits->data[byte] >> (n & 7)) & 1;
}

static inline void ftplens_bit_clear(GByteArray *bits, uint32_t n)
{
    uint32_t byte = n >> 3;
    if (bits && byte < bits->len)
        bits->data[byte] &= (uint8_t)~(1u << (n & 7));
}

static inline void ftplens_bit_set(GByteArray *bits, uint32_t n)
{
    uint32_t byte = n >> 3;
    if (byte >= bits->len) {
        guint old = bits->len;
        g_byte_array_set_size(bits, MAX(byte + 1, old * 2));
        memset(bits->data + old, 0, bits->len - old);
    }
    bits->data[byte] |= (uint8_t)(1u << (n & 7));
}


/* Whether a control connection is shown as FTP: from its greeting on, also
 * when only the client's first command will confirm it (one pass shows the
 * greeting where the session is recognised), never once disproved. */
bool ftplens_conn_is_ftp(const struct ftplens_conn *ctl);
/* Whether the outputs made after the last frame (report, teacher's kit, log) cover this control connection:
 * an FTP session with kept frames, among 'only' (session ids) when not NULL. */
bool ftplens_conn_covered(const struct ftplens_conn *ctl, GHashTable *only);

#endif
