/* ftplens_core.c - connection tracking: which TCP connections are FTP control
 * connections (registered port or 220-greeting heuristic), which side is the
 * server, and feeding each direction's lines to the session.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_core.h"

#include <string.h>

#include "ftplens_arena.h"
#include "ftplens_commands.h"
#include "ftplens_parse.h"
#include "ftplens_reasm.h"
#include "ftplens_session.h"

typedef enum {
    CONN_UNDECIDED,     /* heuristic: waiting for the first payload */
    CONN_FTP,
    CONN_NOT_FTP,
} conn_state;

struct ftplens_conn {
    conn_state state;
    bool by_heuristic;
    bool confirmed;
    bool rejected;
    bool client_spoke;
    uint16_t server_port;
    unsigned addr_len;
    uint8_t server_addr[16];
    ftplens_reasm to_server;
    ftplens_reasm to_client;
    ftplens_session *session;
};

struct ftplens_capture {
    ftplens_config config;
    ftplens_arena arena;
    GHashTable *conns;          /* tcp.stream -> ftplens_conn* */
    unsigned sessions;
};

static void conn_free(gpointer p)
{
    ftplens_conn *c = p;
    ftplens_reasm_clear(&c->to_server);
    ftplens_reasm_clear(&c->to_client);
    ftplens_session_free(c->session);
    g_free(c);
}

ftplens_capture *ftplens_capture_new(const ftplens_config *config)
{
    ftplens_capture *c = g_new0(ftplens_capture, 1);
    c->config = *config;
    ftplens_arena_init(&c->arena);
    c->conns = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, conn_free);
    return c;
}

void ftplens_capture_free(ftplens_capture *c)
{
    if (!c)
        return;
    g_hash_table_destroy(c->conns);
    ftplens_arena_clear(&c->arena);
    g_free(c);
}

unsigned ftplens_capture_sessions(const ftplens_capture *c)
{
    return c->sessions;
}

bool ftplens_capture_stream_ignored(const ftplens_capture *c, uint32_t stream)
{
    const ftplens_conn *conn = g_hash_table_lookup(c->conns, GUINT_TO_POINTER(stream));
    return conn && conn->state == CONN_NOT_FTP;
}

bool ftplens_frame_shown(const ftplens_frame *f)
{
    return f && f->conn && f->conn->confirmed && !f->conn->rejected;
}

static void set_server(ftplens_conn *conn, const ftplens_segment *seg, bool server_is_src)
{
    conn->server_port = server_is_src ? seg->src_port : seg->dst_port;
    conn->addr_len = seg->addr_len;
    memcpy(conn->server_addr, server_is_src ? seg->src_addr : seg->dst_addr, sizeof conn->server_addr);
}

static void start_session(ftplens_capture *c, ftplens_conn *conn, uint32_t stream)
{
    conn->state = CONN_FTP;
    conn->session = ftplens_session_new(stream, &c->arena);
    c->sessions++;
}

static bool sender_is_server(const ftplens_conn *conn, const ftplens_segment *seg)
{
    if (seg->src_port != seg->dst_port)
        return seg->src_port == conn->server_port;
    return conn->addr_len && memcmp(seg->src_addr, conn->server_addr, conn->addr_len) == 0;
}

static bool looks_like_greeting(const uint8_t *p, uint32_t len)
{
    return len >= 3 && memcmp(p, "220", 3) == 0 &&
           (len == 3 || p[3] == ' ' || p[3] == '-' || p[3] == '\r' || p[3] == '\n');
}

static bool mentions_ftp(const uint8_t *p, uint32_t len)
{
    for (uint32_t i = 0; i + 3 <= len && p[i] != '\n'; i++) {
        if (g_ascii_tolower(p[i]) == 'f' && g_ascii_tolower(p[i + 1]) == 't' &&
            g_ascii_tolower(p[i + 2]) == 'p')
            return true;
    }
    return false;
}

static ftplens_conn *decide_conn(ftplens_capture *c, const ftplens_segment *seg)
{
    ftplens_conn *conn = g_hash_table_lookup(c->conns, GUINT_TO_POINTER(seg->stream));

    if (!conn) {
        conn = g_new0(ftplens_conn, 1);
        g_hash_table_insert(c->conns, GUINT_TO_POINTER(seg->stream), conn);
        if (seg->src_port_is_ftp || seg->dst_port_is_ftp) {
            /* The port the stock FTP dissector is registered on marks the server. */
            set_server(conn, seg, seg->src_port_is_ftp && !seg->dst_port_is_ftp);
            conn->confirmed = true;
            start_session(c, conn, seg->stream);
        } else if (!c->config.heuristic) {
            conn->state = CONN_NOT_FTP;
        }
    }
    if (conn->state != CONN_UNDECIDED || seg->payload_len == 0)
        return conn;

    /* Heuristic: the first payload of the connection must be a 220 greeting. */
    if (looks_like_greeting(seg->payload, seg->payload_len)) {
        set_server(conn, seg, true);
        conn->by_heuristic = true;
        conn->confirmed = mentions_ftp(seg->payload, seg->payload_len);
        start_session(c, conn, seg->stream);
    } else {
        conn->state = CONN_NOT_FTP;
    }
    return conn;
}

typedef struct {
    ftplens_capture *cap;
    ftplens_conn *conn;
    ftplens_frame *frame;
    ftplens_note *tail;
    const ftplens_segment *seg;
    bool from_server;
} line_ctx;

static void on_line(const ftplens_line *line, void *p)
{
    line_ctx *x = p;
    ftplens_conn *conn = x->conn;
    ftplens_note *n;

    if (ftplens_session_encrypted(conn->session) || conn->rejected)
        return;
    if (x->from_server) {
        n = ftplens_session_server_line(conn->session, x->seg->frame, x->seg->time_ns, line);
    } else {
        n = ftplens_session_client_line(conn->session, x->seg->frame, x->seg->time_ns, line);
        if (!conn->client_spoke) {
            conn->client_spoke = true;
            /* A greeting-only guess is confirmed by a real FTP command from the client
             * (SMTP also greets with 220, but its clients start with EHLO/HELO). */
            if (conn->by_heuristic && !conn->confirmed) {
                if (n->kind == FTPLENS_NOTE_REQUEST && n->command && strcmp(n->verb, "MAIL") != 0)
                    conn->confirmed = true;
                else
                    conn->rejected = true;
            }
        }
    }
    if (x->tail)
        x->tail->next = n;
    else
        x->frame->notes = n;
    x->tail = n;
    x->frame->note_count++;
}

const ftplens_frame *ftplens_capture_segment(ftplens_capture *c, const ftplens_segment *seg)
{
    ftplens_conn *conn = decide_conn(c, seg);

    if (conn->state != CONN_FTP)
        return NULL;

    ftplens_frame *f = ftplens_arena_alloc0(&c->arena, sizeof *f);
    f->conn = conn;
    f->session_id = ftplens_session_id(conn->session);
    f->payload_offset = seg->payload_offset;
    f->payload_offset_known = seg->payload_offset_known;

    line_ctx x = { c, conn, f, NULL, seg, sender_is_server(conn, seg) };
    ftplens_reasm *r = x.from_server ? &conn->to_client : &conn->to_server;
    bool syn = (seg->flags & FTPLENS_TCP_SYN) != 0;
    if (!ftplens_session_encrypted(conn->session)) {
        ftplens_reasm_feed(r, seg->seq, syn, seg->payload, seg->payload_len, on_line, &x, NULL);
        if (seg->payload_len < seg->tcp_len)
            ftplens_reasm_skip(r, seg->seq + (syn ? 1u : 0u) + seg->tcp_len);
    }
    f->user = ftplens_session_user(conn->session);
    return f;
}
