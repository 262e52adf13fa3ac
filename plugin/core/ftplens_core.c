/* ftplens_core.c - connection tracking: which TCP connections are FTP control
 * connections (registered port or 220-greeting heuristic) or FTP data
 * connections (announced by PORT/EPRT/227/229), which side listens, feeding
 * control lines to the session and every segment to the TCP teaching.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_core.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ftplens_arena.h"
#include "ftplens_address.h"
#include "ftplens_commands.h"
#include "ftplens_mime.h"
#include "ftplens_parse.h"
#include "ftplens_reasm.h"
#include "ftplens_risk.h"
#include "ftplens_session.h"
#include "ftplens_tcp.h"
#include "ftplens_core_private.h"
#include "ftplens_text.h"

void ftplens_config_defaults(ftplens_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->heuristic = true;
    cfg->mask_passwords = false;
    cfg->bruteforce_session = 5;
    cfg->bruteforce_client = 5;         /* fail2ban's defaults: 5 failures in 10 minutes */
    cfg->bruteforce_window_s = 600;
    cfg->arg_max_default = 100;
    cfg->keep_report = true;
}

static void conn_free(gpointer p)
{
    ftplens_conn *c = p;
    if (c->to_listener)
        ftplens_reasm_clear(c->to_listener);
    if (c->to_initiator)
        ftplens_reasm_clear(c->to_initiator);
    g_free(c->to_listener);
    g_free(c->to_initiator);
    g_free(c->link[0]);
    g_free(c->link[1]);
    g_free(c->data_head);
    ftplens_session_free(c->session);
    ftplens_risk_session_free(c->risk);
    g_free(c->carried[0]);
    g_free(c->carried[1]);
    g_queue_clear(&c->expects);
    g_free(c->held);
    if (c->frames)
        g_ptr_array_free(c->frames, TRUE);
    if (c->data_conns)
        g_ptr_array_free(c->data_conns, TRUE);
    if (c->users)
        g_array_free(c->users, TRUE);
    g_free(c);
}

ftplens_capture *ftplens_capture_new(const ftplens_config *config)
{
    ftplens_capture *c = g_new0(ftplens_capture, 1);
    c->config = *config;
    ftplens_arena_init(&c->arena);
    c->conns = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, conn_free);
    c->open_expects = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
    ftplens_risk_config rc = { config->mask_passwords, config->bruteforce_session, config->bruteforce_client,
                               config->bruteforce_window_s, config->arg_max_default };
    c->risk = ftplens_risk_global_new(&rc, &c->arena);
    c->backdoor_watch = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    c->controls = g_ptr_array_new();
    c->ignored = g_byte_array_new();
    ftplens_frames_init(&c->kept);
    return c;
}

void ftplens_capture_free(ftplens_capture *c)
{
    if (!c)
        return;
    g_hash_table_destroy(c->conns);
    g_hash_table_destroy(c->open_expects);
    g_hash_table_destroy(c->backdoor_watch);
    g_ptr_array_free(c->controls, TRUE);
    g_byte_array_free(c->ignored, TRUE);
    if (c->again)
        g_byte_array_free(c->again, TRUE);
    if (c->late)
        g_hash_table_destroy(c->late);
    ftplens_frames_clear(&c->kept);
    ftplens_risk_global_free(c->risk);
    ftplens_arena_clear(&c->arena);
    g_free(c);
}

void ftplens_capture_keep_report(ftplens_capture *c)
{
    c->config.keep_report = true;
}

unsigned ftplens_capture_sessions(const ftplens_capture *c)
{
    return c->sessions;
}

bool ftplens_capture_stream_ignored(const ftplens_capture *c, uint32_t stream)
{
    return ftplens_bit_get(c->ignored, stream);
}

/* Not FTP: one bit remembers it, the connection's state is freed. */
static void ignore_stream(ftplens_capture *c, uint32_t stream)
{
    ftplens_bit_set(c->ignored, stream);
    g_hash_table_remove(c->conns, GUINT_TO_POINTER(stream));
}

const ftplens_frame *ftplens_capture_late_frame(const ftplens_capture *c, uint32_t frame)
{
    return c->late ? g_hash_table_lookup(c->late, GUINT_TO_POINTER(frame)) : NULL;
}

void ftplens_capture_number_reused(ftplens_capture *c, uint32_t frame)
{
    ftplens_frames_forget(&c->kept, frame);
    ftplens_bit_clear(c->again, frame);
    if (c->late)
        g_hash_table_remove(c->late, GUINT_TO_POINTER(frame));
}

ftplens_segment_result ftplens_capture_kept(ftplens_capture *c, uint32_t frame)
{
    ftplens_segment_result r = { NULL, NULL, false, false };
    unsigned tag;
    const void *rec = ftplens_frames_find(&c->kept, frame, &tag);
    if (rec && tag == KEPT_PLAIN)
        r.plain = rec;
    else if (rec && tag == KEPT_FRAME)
        r.frame = rec;
    else if (!rec)
        r.frame = ftplens_capture_late_frame(c, frame);
    r.again = (rec && tag == KEPT_LINES) || (!r.frame && !r.plain && ftplens_bit_get(c->again, frame));
    return r;
}

bool ftplens_frame_shown(const ftplens_frame *f)
{
    if (!f || !f->conn)
        return false;
    return ftplens_conn_is_ftp(control_of(f->conn));
}

bool ftplens_conn_is_ftp(const ftplens_conn *ctl)
{
    return ctl->kind == CONN_CONTROL && (ctl->confirmed || ctl->by_heuristic) && !ctl->rejected;
}

bool ftplens_conn_covered(const ftplens_conn *ctl, GHashTable *only)
{
    return ftplens_conn_is_ftp(ctl) && ctl->frames && (!only || g_hash_table_contains(only, GUINT_TO_POINTER(ctl->stream)));
}

uint32_t ftplens_frame_session(const ftplens_frame *f)
{
    return control_of(f->conn)->stream;
}

const char *ftplens_frame_role(const ftplens_frame *f)
{
    return f->conn->role;
}

void ftplens_frame_server(const ftplens_frame *f, char *out, size_t len)
{
    const ftplens_conn *ctl = control_of(f->conn);
    snprintf(out, len, "%s %u", ctl->server_text, ctl->listener.port);
}

const char *ftplens_frame_role_text(const ftplens_frame *f)
{
    return f->conn->role_text;
}

uint32_t ftplens_frame_setup_frame(const ftplens_frame *f)
{
    return f->conn->kind == CONN_DATA ? f->conn->expect->setup_frame : 0;
}

const char *ftplens_frame_data_command(const ftplens_frame *f)
{
    return f->conn->kind == CONN_DATA ? f->conn->expect->command : NULL;
}

/* ---- endpoints ---- */

static void set_listener(ftplens_conn *conn, const endpoint *e)
{
    conn->listener = *e;
    conn->listener_known = true;
}

/* ---- data-connection expectations ---- */

/* The connection's role: 'role' stays English (people filter and colour on
 * ftplens.tcp.conn_role), 'role_text' is the sentence in the chosen language. */
static void set_role(ftplens_capture *c, ftplens_conn *conn, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void set_role(ftplens_capture *c, ftplens_conn *conn, const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    char *en = g_strdup_vprintf(fmt, ap);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    char *shown = g_strdup_vprintf(T(fmt), again);   /* same conversions: checked by the translation test */
#pragma GCC diagnostic pop
    va_end(again);
    va_end(ap);
    conn->role = ftplens_arena_intern(&c->arena, en);
    conn->role_text = ftplens_arena_intern(&c->arena, shown);
    g_free(en);
    g_free(shown);
}

static void update_data_role(ftplens_capture *c, ftplens_conn *data)
{
    const ftplens_expect *e = data->expect;
    const char *what = e->command_line ? e->command_line : NULL;
    uint16_t from_port = data->initiator_port;

    if (e->active && what)
        set_role(c, data, N_("FTP data (active, server connects from port %u, for %s)"), from_port, what);
    else if (e->active)
        set_role(c, data, N_("FTP data (active, server connects from port %u)"), from_port);
    else if (what)
        set_role(c, data, N_("FTP data (passive, for %s)"), what);
    else
        set_role(c, data, N_("FTP data (passive)"));
}

/* A transfer command: its announcement's data connection (passive clients
 * often connect before they send the command) is named after it. */
static void data_command_seen(ftplens_capture *c, ftplens_conn *ctl, const ftplens_note *n)
{
    ftplens_conn *data = ftplens_expect_assign_transfer(c, ctl, n);
    if (data)
        update_data_role(c, data);
}

/* ---- deciding what a connection is ---- */

static void start_session(ftplens_capture *c, ftplens_conn *conn, const ftplens_segment *seg)
{
    endpoint client = from_listener(conn, seg) ? seg_dst(seg) : seg_src(seg);
    char text[48];
    endpoint_text(&conn->listener, text, sizeof text);
    conn->server_text = ftplens_arena_intern(&c->arena, text);
    endpoint_text(&client, text, sizeof text);
    conn->client_text = ftplens_arena_intern(&c->arena, text);
    conn->kind = CONN_CONTROL;
    conn->session = ftplens_session_new(conn->stream, &c->arena);
    conn->to_listener = g_new0(ftplens_reasm, 1);
    conn->to_initiator = g_new0(ftplens_reasm, 1);
    conn->to_initiator->replies = true;
    ftplens_session_mask_passwords(conn->session, c->config.mask_passwords);
    conn->risk = ftplens_risk_session_new();
    conn->client_port = client.port;
    conn->data_conns = g_ptr_array_new();
    g_ptr_array_add(c->controls, conn);
    set_role(c, conn, N_("FTP control"));
    c->sessions++;
}

static bool looks_like_greeting(const uint8_t *p, uint32_t len)
{
    return len >= 3 && memcmp(p, "220", 3) == 0 &&
           (len == 3 || p[3] == ' ' || p[3] == '-' || p[3] == '\r' || p[3] == '\n');
}

/* Whether the first line names 'word' (lower case), in any case. */
static bool first_line_names(const uint8_t *p, uint32_t len, const char *word)
{
    size_t n = strlen(word);
    for (uint32_t i = 0; i + n <= len && p[i] != '\n'; i++) {
        size_t k = 0;
        while (k < n && g_ascii_tolower(p[i + k]) == word[k])
            k++;
        if (k == n)
            return true;
    }
    return false;
}

static ftplens_risk_ctx risk_ctx(const ftplens_conn *ctl, const ftplens_segment *seg, ftplens_finding **out)
{
    ftplens_risk_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.frame = seg->frame;
    ctx.time_ns = seg->time_ns;
    ctx.client = ctl->client_text;
    ctx.server = ctl->server_text;
    ctx.server_port = ctl->listener.port;
    ctx.encrypted = ctl->session && ftplens_session_encrypted(ctl->session);
    ctx.tls_used = ctl->session && ftplens_session_tls_used(ctl->session);
    ctx.user = ctl->session ? ftplens_session_user(ctl->session) : NULL;
    ctx.out = out;
    return ctx;
}

/* A connection to the vsftpd 2.3.4 backdoor port of a server that got its trigger. */
static bool watched_backdoor(ftplens_capture *c, ftplens_conn *conn, const ftplens_segment *seg)
{
    endpoint dst = seg_dst(seg), src = seg_src(seg);
    char text[48];
    endpoint_text(&dst, text, sizeof text);
    const backdoor_watch *w = g_hash_table_lookup(c->backdoor_watch, text);
    if (!w)
        return false;
    ftplens_conn *ctl = w->control;
    ftplens_expect *e = ftplens_arena_alloc0(&c->arena, sizeof *e);
    e->control = ctl;
    e->listener = dst;
    e->data = conn;
    e->backdoor = true;
    e->setup_frame = w->trigger_frame;
    /* One of the session's connections: the report and the kit list it, and its finding, with the session's. */
    g_ptr_array_add(ctl->data_conns, conn);
    set_listener(conn, &dst);
    conn->kind = CONN_DATA;
    conn->expect = e;
    conn->initiator_port = src.port;
    set_role(c, conn, N_("vsftpd 2.3.4 backdoor shell (port 6200)"));
    ftplens_risk_ctx ctx = risk_ctx(ctl, seg, &c->pending);
    ftplens_risk_backdoor_shell(c->risk, &ctx, text, w->trigger_frame);
    return true;
}

static ftplens_conn *new_conn(ftplens_capture *c, const ftplens_segment *seg)
{
    ftplens_conn *conn = g_new0(ftplens_conn, 1);
    bool syn_only = (seg->flags & (FTPLENS_TCP_SYN | FTPLENS_TCP_ACK)) == FTPLENS_TCP_SYN;
    bool listener_is_dst = true;
    ftplens_expect *e;

    conn->stream = seg->stream;
    conn->client_text = conn->server_text = "";
    g_queue_init(&conn->expects);
    ftplens_tcp_init(&conn->tcp);
    g_hash_table_insert(c->conns, GUINT_TO_POINTER(seg->stream), conn);

    if (seg->src_port_is_ftp || seg->dst_port_is_ftp) {
        /* The port the stock FTP dissector is registered on marks the server. */
        endpoint l = (seg->src_port_is_ftp && !seg->dst_port_is_ftp) ? seg_src(seg) : seg_dst(seg);
        set_listener(conn, &l);
        conn->confirmed = true;
        start_session(c, conn, seg);
    } else if ((e = ftplens_expect_find(c, seg, &listener_is_dst)) != NULL) {
        endpoint l = listener_is_dst ? seg_dst(seg) : seg_src(seg);
        endpoint i = listener_is_dst ? seg_src(seg) : seg_dst(seg);
        set_listener(conn, &l);
        conn->kind = CONN_DATA;
        conn->expect = e;
        conn->initiator_port = i.port;
        e->data = conn;
        ftplens_expect_matched(c, e);
        g_ptr_array_add(e->control->data_conns, conn);
        if (e->active) {
            conn->tcp.names[0] = "server";
            conn->tcp.names[1] = "client";
        }
        update_data_role(c, conn);
        char from[48];
        endpoint_text(&i, from, sizeof from);
        ftplens_risk_ctx ctx = risk_ctx(e->control, seg, &c->pending);
        ftplens_risk_data_connection(c->risk, &ctx, e->active, from, i.port, e->setup_frame);
    } else if (seg->dst_port == FTPLENS_VSFTPD_BACKDOOR_PORT && watched_backdoor(c, conn, seg)) {
        /* shown as part of the session whose ':)' user triggered it */
    } else if (!c->config.heuristic) {
        conn->kind = CONN_NOT_FTP;
    } else if (syn_only) {
        endpoint l = seg_dst(seg);
        set_listener(conn, &l);
    }
    return conn;
}

static void heuristic_first_payload(ftplens_capture *c, ftplens_conn *conn, const ftplens_segment *seg)
{
    /* The first payload of the connection must be a 220 greeting from the listener. */
    bool sender_listens = !conn->listener_known || from_listener(conn, seg);
    /* SMTP greets with 220 too, and says so ("220 mail.example.com ESMTP"). */
    if (sender_listens && looks_like_greeting(seg->payload, seg->payload_len) &&
        !first_line_names(seg->payload, seg->payload_len, "smtp")) {
        endpoint l = seg_src(seg);
        set_listener(conn, &l);
        conn->by_heuristic = true;
        conn->confirmed = first_line_names(seg->payload, seg->payload_len, "ftp");
        start_session(c, conn, seg);
    } else {
        conn->kind = CONN_NOT_FTP;
    }
}

/* ---- lines of a control connection ---- */

typedef struct {
    ftplens_capture *cap;
    ftplens_conn *conn;
    ftplens_frame *frame;
    ftplens_note *tail;
    const ftplens_segment *seg;
    bool from_server;
    bool before_client_line;    /* server gaps found through a client line's ACK */
    bool peer;                  /* lines of the other direction than the segment's */
} line_ctx;

/* The frame a line or gap belongs to: the segment being dissected, or the
 * earlier segment that carried it and was held behind a hole that proved to
 * be a capture gap (shown there in two passes and the GUI). */
static ftplens_frame *line_frame(const line_ctx *x, const ftplens_line *line)
{
    return line->owner ? line->owner : x->frame;
}

/* Bytes of one direction that the capture does not hold: counted on the frame
 * where the gap is found, and told to the pairing. */
/* Commands the session found without a reply: the checks that wait for one hear it. */
static void report_given_up(line_ctx *x)
{
    const ftplens_note *cmd;
    while ((cmd = ftplens_session_take_given_up(x->conn->session)))
        ftplens_risk_reply_lost(x->conn->risk, cmd);
}

static void on_gap(line_ctx *x, ftplens_frame *f, uint32_t bytes, uint32_t end_seq)
{
    uint32_t *count = &f->gap_bytes[x->from_server ? 1 : 0];
    *count = *count + bytes >= *count ? *count + bytes : UINT32_MAX;
    ftplens_risk_capture_gap(x->conn->risk);
    if (x->from_server)
        ftplens_session_server_gap(x->conn->session, bytes, x->before_client_line);
    else
        ftplens_session_client_gap(x->conn->session, end_seq);
    report_given_up(x);
}

static bool command_has(const char *verb, unsigned flag)
{
    const ftplens_command_row *row = verb ? ftplens_command_lookup(verb) : NULL;
    return row && (row->flags & flag);
}

/* A server line: paired by the session, then what it announces and what it risks. */
static ftplens_note *server_line(line_ctx *x, ftplens_frame *f, const ftplens_line *line, ftplens_risk_ctx *rctx)
{
    ftplens_conn *conn = x->conn;
    /* The ACK sent with the reply: of its own segment when at hand. */
    ftplens_reply_ack ack = { false, 0 };
    if (line->owner)
        ack = (ftplens_reply_ack){ (f->tcp.flags & FTPLENS_TCP_ACK) != 0, f->tcp.ack_raw };
    else if (!x->peer)
        ack = (ftplens_reply_ack){ (x->seg->flags & FTPLENS_TCP_ACK) != 0, x->seg->ack };
    ftplens_note *n = ftplens_session_server_line(conn->session, f->frame, f->time_ns, line, &ack);
    report_given_up(x);
    if (n->kind == FTPLENS_NOTE_REPLY && ftplens_note_extra_of(n)->address && n->part != FTPLENS_PART_CONTINUATION &&
        n->part != FTPLENS_PART_LAST && command_has(ftplens_note_to_command(n), FTPLENS_CMD_PASSIVE))
        ftplens_expect_announce(x->cap, conn, n, f->frame, x->seg, x->peer);
    if (n->answers == FTPLENS_ANSWERS_GREETING)
        ftplens_risk_nonstandard_port(x->cap->risk, conn->risk, rctx);
    if (n->kind == FTPLENS_NOTE_BAD_REPLY) {
        ftplens_risk_malformed_reply(x->cap->risk, rctx, n);
        return n;
    }
    ftplens_expect *e = n->to_note ? ftplens_expect_of_command(conn, n->to_note) : NULL;
    if (e && e->data) {
        rctx->data_seen = true;
        rctx->data_bytes = e->data->data_bytes;
        rctx->data_tls = e->data->data_tls;
    }
    ftplens_risk_reply(x->cap->risk, conn->risk, rctx, n);
    return n;
}

/* A client line: queued by the session, then its data connection, its risks, the
 * backdoor watch, and (first line) whether it confirms a heuristic guess. */
static ftplens_note *client_line(line_ctx *x, ftplens_frame *f, const ftplens_line *line, ftplens_risk_ctx *rctx)
{
    ftplens_conn *conn = x->conn;
    ftplens_note *n = ftplens_session_client_line(conn->session, f->frame, f->time_ns, line);
    report_given_up(x);
    bool request = n->kind == FTPLENS_NOTE_REQUEST;
    if (request && ftplens_note_extra_of(n)->address)
        ftplens_expect_announce(x->cap, conn, n, f->frame, x->seg, x->peer);
    else if (request && n->command && n->command->xfer != FTPLENS_XFER_NONE)
        data_command_seen(x->cap, conn, n);
    if (request) {
        ftplens_risk_command(x->cap->risk, conn->risk, rctx, n);
        if (ftplens_risk_backdoor_trigger(n)) {
            backdoor_watch *w = ftplens_arena_alloc0(&x->cap->arena, sizeof *w);
            *w = (backdoor_watch){ conn, f->frame };
            g_hash_table_replace(x->cap->backdoor_watch, g_strdup(conn->server_text), w);
        }
    }
    if (!conn->client_spoke) {
        conn->client_spoke = true;
        /* A greeting-only guess is confirmed by a real FTP command from the client
         * (SMTP also greets with 220, but its clients start with EHLO/HELO). */
        if (conn->by_heuristic && !conn->confirmed) {
            if (request && n->command && !(n->command->flags & FTPLENS_CMD_SMTP))
                conn->confirmed = true;
            else
                conn->rejected = true;
        }
    }
    return n;
}

/* The note goes to its frame's list, in line order (a released line may belong
 * to an earlier frame). */
static void attach_note(line_ctx *x, ftplens_frame *f, ftplens_note *n)
{
    if (f != x->frame) {
        ftplens_note **at = &f->notes;
        while (*at)
            at = &(*at)->next;
        *at = n;
        /* A held frame read late: its user is the one after its own lines. */
        f->user = ftplens_session_user(x->conn->session);
    } else {
        if (x->tail)
            x->tail->next = n;
        else
            x->frame->notes = n;
        x->tail = n;
    }
    if (f->note_count < UINT16_MAX)
        f->note_count++;
}

static void on_line(const ftplens_line *line, void *p)
{
    line_ctx *x = p;
    ftplens_conn *conn = x->conn;

    if (ftplens_session_encrypted(conn->session) || conn->rejected)
        return;
    ftplens_frame *f = line_frame(x, line);
    if (line->gap_bytes) {
        on_gap(x, f, line->gap_bytes, line->end_seq);
        return;
    }
    ftplens_risk_ctx rctx = risk_ctx(conn, x->seg, &f->findings);
    rctx.frame = f->frame;
    rctx.time_ns = f->time_ns;
    attach_note(x, f, x->from_server ? server_line(x, f, line, &rctx) : client_line(x, f, line, &rctx));
}

static bool tls_record(const uint8_t *p, uint32_t len)
{
    return len >= 3 && p[0] >= 0x14 && p[0] <= 0x17 && p[1] == 0x03;
}

/* Readable FTP lines: printable text ending in LF. */
static bool ftp_text(const uint8_t *p, uint32_t len)
{
    if (len < 3 || p[len - 1] != '\n')
        return false;
    for (uint32_t i = 0; i < len; i++) {
        if (p[i] < 0x20 && p[i] != '\r' && p[i] != '\n' && p[i] != '\t')
            return false;
    }
    return true;
}

/* Payload bytes of a data connection, each byte counted once however often
 * and in whatever order it was captured. */
static void count_data(ftplens_conn *conn, const ftplens_segment *seg, bool from_listener, bool keep_head)
{
    int d = from_listener ? 1 : 0;
    uint32_t seq = seg->seq + ((seg->flags & FTPLENS_TCP_SYN) ? 1u : 0u);

    if (seg->payload_len && !conn->data_payload_seen) {
        conn->data_payload_seen = true;
        conn->data_tls = tls_record(seg->payload, seg->payload_len);
    }
    if (!seg->tcp_len)
        return;
    if (keep_head && !conn->data_head && seg->payload_len && conn->tcp.isn_known[d] && seq == conn->tcp.isn[d] + 1u) {
        conn->data_head_len = (uint8_t)MIN(seg->payload_len, FTPLENS_MIME_HEAD);
        conn->data_head = g_memdup2(seg->payload, conn->data_head_len);
    }
    if (!conn->carried[d])
        conn->carried[d] = g_new0(ftplens_span_set, 1);
    ftplens_spans_add(conn->carried[d], seq, seg->tcp_len);
    conn->data_bytes = ftplens_spans_bytes(conn->carried[0]) + ftplens_spans_bytes(conn->carried[1]);
}

/* A segment that can be kept as a compact ftplens_plain: nothing but TCP
 * teaching whose sentence is written from the numbers when shown, once the
 * report's first rows and the link facts are taken. */
static bool plain_ok(const ftplens_capture *c, const ftplens_conn *conn, const ftplens_frame *f, bool rows_full)
{
    const ftplens_tcp_note *n = &f->tcp;
    /* The report lists the handshake and close segments of each connection. */
    bool report_row = n->step != FTPLENS_STEP_DATA && n->step != FTPLENS_STEP_ACK_ONLY;
    if (c->config.keep_report && (report_row || n->has_ack_ok || n->ref_frame ||
                                  (n->flags & (FTPLENS_TCP_SYN | FTPLENS_TCP_FIN))))
        return false;
    return rows_full && !f->notes && !f->findings && !f->gap_bytes[0] && !f->gap_bytes[1] && !n->explain &&
           !n->ack_expected && !(n->has_syn_rtt && n->has_hs_rtt) && n->lazy != FTPLENS_LAZY_NONE &&
           n->lazy != FTPLENS_LAZY_LINES &&
           !(c->config.keep_report && conn->kind == CONN_CONTROL && !conn->link[f->from_listener ? 1 : 0]);
}

/* A TLS handshake record where an FTP line should start: AUTH was accepted by
 * a reply that was not captured, so TLS begins here. */
static void tls_begins_unannounced(ftplens_capture *c, ftplens_conn *conn, ftplens_frame *f,
                                   const ftplens_segment *seg, bool listener_sent)
{
    if (ftplens_session_encrypted(conn->session) || seg->payload_len < 6 ||
        seg->payload[0] != 0x16 || seg->payload[1] != 0x03 || seg->payload[2] > 0x04 ||
        (listener_sent ? conn->to_initiator : conn->to_listener)->line_len != 0)
        return;
    ftplens_session_tls_started(conn->session);
    line_ctx tx = { c, conn, f, NULL, seg, listener_sent, false, false };
    report_given_up(&tx);
}

/* In TLS, whether this segment's bytes are new: only new bytes can tell that
 * the channel is readable again (a retransmitted record is not the end of TLS). */
static bool tls_fresh_bytes(ftplens_conn *conn, const ftplens_segment *seg, bool listener_sent)
{
    int d = listener_sent ? 1 : 0;
    const ftplens_reasm *r = listener_sent ? conn->to_initiator : conn->to_listener;
    uint32_t seq = seg->seq + ((seg->flags & FTPLENS_TCP_SYN) ? 1u : 0u);
    if (!conn->tls_next_known[d]) {
        conn->tls_next_known[d] = true;
        conn->tls_next[d] = r->have_next ? r->next_seq : seq;
    }
    bool fresh = (int32_t)(seq - conn->tls_next[d]) >= 0;
    if ((int32_t)(seq + seg->tcp_len - conn->tls_next[d]) > 0)
        conn->tls_next[d] = seq + seg->tcp_len;
    return fresh;
}

/* FTP text after TLS (CCC): lines are read again from here on, in both directions. */
static void tls_ends_if_text(ftplens_capture *c, ftplens_conn *conn, ftplens_frame *f,
                             const ftplens_segment *seg, bool listener_sent)
{
    if (!ftplens_session_encrypted(conn->session) || !seg->payload_len ||
        !tls_fresh_bytes(conn, seg, listener_sent) ||
        tls_record(seg->payload, seg->payload_len) || !ftp_text(seg->payload, seg->payload_len))
        return;
    ftplens_session_tls_ended(conn->session);
    ftplens_reasm_clear(conn->to_listener);
    ftplens_reasm_clear(conn->to_initiator);
    conn->to_initiator->replies = true;
    ftplens_risk_ctx rctx = risk_ctx(conn, seg, &f->findings);
    ftplens_risk_tls_ended(c->risk, conn->risk, &rctx);
}

/* The FTP lines of a control segment: first what it acknowledges of the other
 * direction that the capture does not hold (a gap there, before this segment's
 * lines), then its own bytes.  Returns whether its bytes wait behind a hole. */
static bool control_lines(ftplens_capture *c, ftplens_conn *conn, ftplens_frame *f, const ftplens_segment *seg,
                          bool listener_sent, ftplens_tcp_payload *pl)
{
    ftplens_reasm *r = listener_sent ? conn->to_initiator : conn->to_listener;
    ftplens_reasm *peer = listener_sent ? conn->to_listener : conn->to_initiator;
    bool syn = (seg->flags & FTPLENS_TCP_SYN) != 0, held = false;
    uint32_t end = seg->seq + (syn ? 1u : 0u) + seg->tcp_len;
    line_ctx x = { c, conn, f, NULL, seg, listener_sent, false, false };

    if (seg->flags & FTPLENS_TCP_ACK)
        ftplens_reasm_peer_ack(peer, seg->ack);
    pl->encrypted = ftplens_session_encrypted(conn->session);
    pl->text = !pl->encrypted;
    pl->continues_line = r->line_len > 0;
    if (!pl->encrypted && (seg->payload_len || (seg->flags & (FTPLENS_TCP_FIN | FTPLENS_TCP_RST)))) {
        /* Not on pure ACKs: one captured before the data it acknowledges is
         * reordering, and the data still comes. */
        line_ctx px = { c, conn, f, NULL, seg, !listener_sent, false, true };
        ftplens_reasm_release_acked(peer, on_line, &px);
        px.before_client_line = !listener_sent;
        ftplens_reasm_skip_acked(peer, on_line, &px);
        x.tail = px.tail;
    } else if (!pl->encrypted && peer->n_held) {
        line_ctx px = { c, conn, f, NULL, seg, !listener_sent, false, true };
        ftplens_reasm_release_covered(peer, on_line, &px);
        x.tail = px.tail;
    }
    if (!pl->encrypted && !ftplens_session_encrypted(conn->session)) {
        ftplens_reasm_result rr;
        ftplens_reasm_feed(r, seg->seq, syn, seg->payload, seg->payload_len, on_line, &x, &rr);
        pl->dup_bytes = rr.dup_bytes;
        held = rr.held;
        if (seg->payload_len < seg->tcp_len) {
            uint32_t lost = ftplens_reasm_skip(r, end);
            if (lost)
                on_gap(&x, f, lost, end);
        }
        if (seg->flags & FTPLENS_TCP_FIN)
            ftplens_reasm_fin(r, end);
    }
    f->user = ftplens_session_user(conn->session);
    return held;
}

/* The TCP teaching of the segment, then the result kept: whole, as a compact
 * plain record, or not at all (the scratch frame) when nothing new is learned. */
static ftplens_frame *keep_result(ftplens_capture *c, ftplens_conn *conn, ftplens_frame *f,
                                  const ftplens_segment *seg, ftplens_tcp_payload *pl, bool allow_plain, bool held)
{
    bool listener_sent = f->from_listener;
    /* The explanation of FTP lines is written again from the frame's bytes when
     * shown, except on the first data and ACK segments, which the report quotes
     * after the capture (when no bytes are at hand). */
    bool rows_full = !c->config.keep_report || conn->report_rows >= FTPLENS_REPORT_DATA_ROWS;
    pl->lines_later = seg->payload_offset_known && rows_full;
    ftplens_tcp_segment ts = { seg->frame, seg->time_ns, listener_sent, seg->flags, seg->seq, seg->ack, seg->tcp_len };
    ftplens_tcp_segment_note(&conn->tcp, &ts, pl, &c->arena, &f->tcp);
    f->has_tcp = true;
    if ((f->tcp.step == FTPLENS_STEP_DATA || f->tcp.step == FTPLENS_STEP_ACK_ONLY) && !rows_full)
        conn->report_rows++;
    ftplens_plain_note_user(conn, f->frame, f->user);
    if (allow_plain && !held && plain_ok(c, conn, f, rows_full)) {
        ftplens_plain_fill(f, &c->scratch_plain);
        c->last_plain = &c->scratch_plain;
        if (!ftplens_plain_leave(c, conn, &c->scratch_plain)) {
            ftplens_plain *p = ftplens_arena_alloc0(&c->arena, sizeof *p);
            *p = c->scratch_plain;
            c->last_plain = p;
            ftplens_frames_add(&c->kept, f->frame, p, KEPT_PLAIN);
        }
        return f;
    }
    f->lines_continue = f->tcp.continues_line;
    if (allow_plain && !held && !c->config.keep_report && ftplens_lines_leave(c, conn, f)) {
        /* FTP lines whose TCP note is written again when shown: the frame without it. */
        void *rec = ftplens_arena_alloc0(&c->arena, FTPLENS_FRAME_LINES_KEPT);
        memcpy(rec, f, FTPLENS_FRAME_LINES_KEPT);
        ftplens_frames_add(&c->kept, f->frame, rec, KEPT_LINES);
        return f;
    }
    ftplens_frame *keep = ftplens_arena_alloc0(&c->arena, sizeof *keep);
    *keep = *f;
    if (c->config.keep_report)
        g_ptr_array_add(conn->frames, keep);
    /* Refused for a held handshake segment replayed late, below frames already
     * kept: c->late has it. */
    ftplens_frames_add(&c->kept, f->frame, keep, KEPT_FRAME);
    if (held) {
        /* Its lines are read when the hole before it is filled or found lost. */
        ftplens_reasm *r = listener_sent ? conn->to_initiator : conn->to_listener;
        ftplens_reasm_tag_held(r, seg->seq + ((seg->flags & FTPLENS_TCP_SYN) ? 1u : 0u), keep);
    }
    return keep;
}

/* The result of one segment of an FTP control or data connection. */
static ftplens_frame *frame_result(ftplens_capture *c, ftplens_conn *conn, const ftplens_segment *seg,
                                   bool allow_plain)
{
    /* Built in the scratch frame, then kept whole or as a compact record. */
    ftplens_frame *f = &c->scratch;
    memset(f, 0, sizeof *f);
    c->last_plain = NULL;
    f->conn = conn;
    f->frame = seg->frame;
    f->time_ns = seg->time_ns;
    f->payload_offset = seg->payload_offset;
    f->payload_offset_known = seg->payload_offset_known;
    f->from_listener = from_listener(conn, seg);
    f->findings = c->pending;
    c->pending = NULL;

    ftplens_tcp_payload pl = { .payload = seg->payload, .len = seg->payload_len,
                               .mask_passwords = c->config.mask_passwords };
    bool held = false;
    if (conn->kind == CONN_DATA)
        count_data(conn, seg, f->from_listener, c->config.keep_report);
    if (conn->kind == CONN_CONTROL) {
        tls_begins_unannounced(c, conn, f, seg, f->from_listener);
        tls_ends_if_text(c, conn, f, seg, f->from_listener);
        held = control_lines(c, conn, f, seg, f->from_listener, &pl);
    }
    if (!conn->frames) {
        conn->frames = g_ptr_array_new();
        conn->first_ns = seg->time_ns;
    }
    conn->frame_count++;
    conn->last_ns = seg->time_ns;
    return keep_result(c, conn, f, seg, &pl, allow_plain, held);
}

/* An undecided connection is followed from its SYN, so that its handshake can be
 * explained once the greeting shows it is FTP: its payload-less segments are
 * kept (not explained) until then. */
static void hold_segment(ftplens_conn *conn, const ftplens_segment *seg)
{
    if (!conn->listener_known || conn->n_held == FTPLENS_HELD_SEGMENTS)
        return;
    if (!conn->held)
        conn->held = g_new(ftplens_segment, FTPLENS_HELD_SEGMENTS);
    conn->held[conn->n_held++] = *seg;
}

/* The held segments of a connection just found to be FTP, explained now; the
 * glue finds their results with ftplens_capture_late_frame. */
static void replay_held(ftplens_capture *c, ftplens_conn *conn)
{
    for (unsigned i = 0; i < conn->n_held; i++) {
        ftplens_frame *f = frame_result(c, conn, &conn->held[i], false);
        if (!c->late)
            c->late = g_hash_table_new(g_direct_hash, g_direct_equal);
        g_hash_table_insert(c->late, GUINT_TO_POINTER(f->frame), f);
    }
    g_free(conn->held);
    conn->held = NULL;
    conn->n_held = 0;
}

static const ftplens_frame *segment_frame(ftplens_capture *c, const ftplens_segment *seg)
{
    if (ftplens_capture_stream_ignored(c, seg->stream))
        return NULL;
    ftplens_conn *conn = g_hash_table_lookup(c->conns, GUINT_TO_POINTER(seg->stream));

    if (!conn)
        conn = new_conn(c, seg);
    if (conn->kind == CONN_UNDECIDED) {
        if (seg->payload_len == 0) {
            if (seg->flags & (FTPLENS_TCP_RST | FTPLENS_TCP_FIN))
                ignore_stream(c, seg->stream);   /* closed before a word was said */
            else
                hold_segment(conn, seg);
            return NULL;
        }
        heuristic_first_payload(c, conn, seg);
        if (conn->kind == CONN_UNDECIDED)
            return NULL;
        if (conn->kind == CONN_CONTROL)
            replay_held(c, conn);
    }
    if (conn->kind == CONN_NOT_FTP) {
        ignore_stream(c, seg->stream);
        return NULL;
    }
    return frame_result(c, conn, seg, true);
}

ftplens_segment_result ftplens_capture_segment(ftplens_capture *c, const ftplens_segment *seg)
{
    ftplens_segment_result r = { segment_frame(c, seg), NULL, false, false };
    r.scratch = r.frame == &c->scratch;
    if (r.scratch)
        r.plain = c->last_plain;
    return r;
}

bool ftplens_frame_wants_link(const ftplens_capture *c, const ftplens_frame *f, bool *from_server)
{
    const ftplens_conn *conn = f->conn;
    *from_server = f->from_listener;
    return c->config.keep_report && conn->kind == CONN_CONTROL && !conn->link[f->from_listener ? 1 : 0];
}

void ftplens_frame_set_link(const ftplens_frame *f, bool from_server, const ftplens_link *link)
{
    ftplens_conn *conn = (ftplens_conn *)f->conn;
    int d = from_server ? 1 : 0;
    if (!conn->link[d])
        conn->link[d] = g_new(ftplens_link, 1);
    *conn->link[d] = *link;
}
