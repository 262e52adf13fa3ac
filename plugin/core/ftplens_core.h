/* ftplens_core.h - the core's entry point: one call per TCP segment on the
 * first pass; returns what to show for that frame.  No epan types here: the
 * glue copies the frame's facts into ftplens_segment.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_CORE_H
#define FTPLENS_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "ftplens_result.h"
#include "ftplens_tcp.h"          /* FTPLENS_TCP_* flag bits */

typedef struct {
    uint32_t frame;
    int64_t time_ns;           /* nanoseconds since the epoch */
    uint32_t stream;           /* tcp.stream */
    unsigned addr_len;         /* 4 (IPv4), 16 (IPv6) or 0 (unknown) */
    uint8_t src_addr[16];
    uint8_t dst_addr[16];
    uint16_t src_port;
    uint16_t dst_port;
    bool src_port_is_ftp;      /* the stock FTP dissector owns this port (Decode As respected) */
    bool dst_port_is_ftp;
    uint32_t seq;              /* raw */
    uint32_t ack;              /* raw */
    uint16_t flags;
    uint32_t tcp_len;          /* payload length on the wire */
    const uint8_t *payload;    /* captured payload bytes */
    uint32_t payload_len;      /* captured; < tcp_len when the frame was cut */
    uint32_t payload_offset;   /* in the frame, for highlighting bytes */
    bool payload_offset_known;
} ftplens_segment;

typedef struct {
    bool heuristic;            /* FTP on any port when the server greets with 220 */
    bool mask_passwords;       /* PASS arguments shown as ******** everywhere */
    unsigned bruteforce_session;
    unsigned bruteforce_client;
    unsigned bruteforce_window_s;
    unsigned arg_max_default;
    /* Keep what only the lab report reads after the capture (every kept frame
     * listed per connection, the first data and ACK rows with their sentences).
     * The glue turns it off unless -z ftplens,report asks for the report. */
    bool keep_report;
} ftplens_config;

/* The defaults of the preferences. */
void ftplens_config_defaults(ftplens_config *cfg);

typedef struct ftplens_capture ftplens_capture;
typedef struct ftplens_conn ftplens_conn;

ftplens_capture *ftplens_capture_new(const ftplens_config *config);
void ftplens_capture_free(ftplens_capture *c);

/* What the first pass learns from one segment: frame NULL when it is not
 * part of an FTP connection.  The frame lives until ftplens_capture_free,
 * unless 'scratch' says it is the core's scratch (valid until the next call):
 * a plain segment, whose compact record is then 'plain' (kept, or scratch too
 * when only the frame's bit is kept), or a frame of FTP lines kept without
 * its TCP note. */
typedef struct {
    const ftplens_frame *frame;
    const ftplens_plain *plain;
    bool scratch;   /* first pass: 'frame' is the core's scratch */
    bool again;     /* later passes: kept as a bit or without its TCP note; ftplens_capture_frame_again writes it */
} ftplens_segment_result;

/* The report was asked for after the capture began (tshark opens the file
 * before it starts -z taps): keep its records from now on. */
void ftplens_capture_keep_report(ftplens_capture *c);

/* First pass only. */
ftplens_segment_result ftplens_capture_segment(ftplens_capture *c, const ftplens_segment *seg);
/* First pass: a read filter dropped the previous frame and this one has its
 * number (the glue sees the same number twice in a row): what was kept under
 * it is the dropped frame's and goes. */
void ftplens_capture_number_reused(ftplens_capture *c, uint32_t frame);
/* Any later pass: what the first pass kept for a frame, found by its number
 * (no per-frame entry in Wireshark's structures): the frame, a plain segment's
 * record, or 'again' for a frame written again from its segment; all empty
 * when the frame is not part of an FTP connection.
 * Results made after their frame (ftplens_capture_late_frame) are included. */
ftplens_segment_result ftplens_capture_kept(ftplens_capture *c, uint32_t frame);
/* Later passes, when 'again' is set: the frame written again from its segment
 * (read from its bytes as on the first pass), what was kept of it and its
 * connection's facts: a plain segment kept as one bit, or a frame of FTP
 * lines kept without its TCP note.  False when nothing can be written. */
bool ftplens_capture_frame_again(ftplens_capture *c, const ftplens_segment *seg, ftplens_frame *out);
/* The record of a plain segment kept as one bit, written again the same way
 * (for tests: it is compared byte for byte with the first pass's). */
bool ftplens_capture_plain_again(const ftplens_capture *c, const ftplens_segment *seg, ftplens_plain *out);
/* The frame of a plain segment, for drawing (any pass). */
void ftplens_plain_expand(const ftplens_plain *p, ftplens_frame *out);

/* Whether the frame's connection is (still) believed to be FTP: a connection
 * found by the heuristic is shown once a client command confirms it. */
bool ftplens_frame_shown(const ftplens_frame *f);

/* Draw-time facts of the frame's connection.  For data connections the
 * transfer command is often sent after the connection opened, so the role and
 * data command are read through the connection (complete with two passes). */
/* The frame's session: its control connection's tcp.stream (ftplens.session). */
uint32_t ftplens_frame_session(const ftplens_frame *f);
const char *ftplens_frame_role(const ftplens_frame *f);          /* English: the filter value */
/* "address port" of the server of the frame's session. */
void ftplens_frame_server(const ftplens_frame *f, char *out, size_t len);
const char *ftplens_frame_role_text(const ftplens_frame *f);     /* in the chosen language */
uint32_t ftplens_frame_setup_frame(const ftplens_frame *f);
const char *ftplens_frame_data_command(const ftplens_frame *f);

/* Link-layer and IP facts of a frame, for the report's session header. */
typedef struct {
    char eth_src[18], eth_dst[18];   /* empty when not Ethernet */
    char outer_src[48], outer_dst[48];  /* the outer IPv4 header of a tunnel (6to4), else empty */
    unsigned ttl;                    /* IPv4 TTL or IPv6 hop limit of the innermost header */
    bool ipv6;
} ftplens_link;

/* True for the first frame of each direction of a control connection when the
 * report is kept (only the report shows them): the glue then reads the link
 * facts and hands them over. */
bool ftplens_frame_wants_link(const ftplens_capture *c, const ftplens_frame *f, bool *from_server);
void ftplens_frame_set_link(const ftplens_frame *f, bool from_server, const ftplens_link *link);

/* Results made after their frame was dissected: the handshake of a connection
 * that the heuristic found to be FTP only at its first payload.  Two-pass
 * tshark and the GUI show them. */
const ftplens_frame *ftplens_capture_late_frame(const ftplens_capture *c, uint32_t frame);

/* Cheap test for the hot path: true when the stream is known not to be FTP. */
bool ftplens_capture_stream_ignored(const ftplens_capture *c, uint32_t stream);

unsigned ftplens_capture_sessions(const ftplens_capture *c);

/* The overview (sessions, clients, timeline, findings) and the walkthrough of
 * every session ('full') or of one session per kind (client, server, login
 * outcome), of all sessions or of those in 'only' (a set of session ids) when
 * not NULL, in text or Markdown.  'filter' is the display filter
 * that chose 'only' (or NULL), named when no session matches it.  Caller frees
 * with g_free. */
char *ftplens_capture_report(const ftplens_capture *c, bool markdown, bool full, GHashTable *only, const char *filter);

#endif
