/* ftplens_plain.c - plain segments: the ACKs and data in the middle of a
 * connection, with no FTP line, no finding and nothing unexpected.  Their
 * result is kept as a compact record (ftplens_plain), or as nothing but one
 * bit when it can be written again from the frame's own numbers and the
 * connection's facts when the frame is shown again (issue 13's decision:
 * store only what a per-connection record cannot reproduce).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_core_private.h"

#include <stddef.h>

#include "ftplens_result.h"
#include "ftplens_tcp.h"

void ftplens_plain_fill(const ftplens_frame *f, ftplens_plain *p)
{
    const ftplens_tcp_note *n = &f->tcp;
    memset(p, 0, sizeof *p);    /* records are compared whole */
    p->conn = f->conn;
    p->user = f->user;
    p->step_text = n->step_text;
    p->rtt_ns = n->has_syn_rtt ? n->syn_rtt_ns : n->hs_rtt_ns;
    p->frame = f->frame;
    p->seq_raw = n->seq_raw;
    p->ack_raw = n->ack_raw;
    p->isn = n->isn;
    p->peer_isn = n->peer_isn;
    p->len = n->len;
    p->ref_frame = n->ref_frame;
    p->flags = n->flags;
    p->step = n->step;
    p->lazy = n->lazy;
    p->bits = (f->from_listener ? PLAIN_FROM_LISTENER : 0) | (n->isn_is_base ? PLAIN_ISN_IS_BASE : 0) |
              (n->has_peer_isn ? PLAIN_HAS_PEER_ISN : 0) | (n->has_ack_ok ? PLAIN_HAS_ACK_OK : 0) |
              (n->ack_ok ? PLAIN_ACK_OK : 0) | (n->has_syn_rtt ? PLAIN_SYN_RTT : 0) |
              (n->has_hs_rtt ? PLAIN_HS_RTT : 0) | (n->sender_is_server ? PLAIN_SENDER_IS_SERVER : 0);
}

/* The TCP note of a plain record. */
static void plain_tcp(const ftplens_plain *p, ftplens_tcp_note *n)
{
    memset(n, 0, sizeof *n);
    n->step = p->step;
    n->step_text = p->step_text;
    n->seq_raw = p->seq_raw;
    n->ack_raw = p->ack_raw;
    n->flags = p->flags;
    n->has_ack = (p->flags & FTPLENS_TCP_ACK) != 0;
    n->isn = p->isn;
    n->isn_is_base = p->bits & PLAIN_ISN_IS_BASE;
    n->has_peer_isn = p->bits & PLAIN_HAS_PEER_ISN;
    n->peer_isn = p->peer_isn;
    n->len = p->len;
    n->ref_frame = p->ref_frame;
    n->has_ack_ok = p->bits & PLAIN_HAS_ACK_OK;
    n->ack_ok = p->bits & PLAIN_ACK_OK;
    n->has_syn_rtt = p->bits & PLAIN_SYN_RTT;
    n->has_hs_rtt = p->bits & PLAIN_HS_RTT;
    if (n->has_syn_rtt)
        n->syn_rtt_ns = p->rtt_ns;
    if (n->has_hs_rtt)
        n->hs_rtt_ns = p->rtt_ns;
    n->sender_is_server = p->bits & PLAIN_SENDER_IS_SERVER;
    n->lazy = p->lazy;
}

void ftplens_plain_expand(const ftplens_plain *p, ftplens_frame *out)
{
    memset(out, 0, sizeof *out);
    out->conn = p->conn;
    out->user = p->user;
    out->frame = p->frame;
    out->from_listener = p->bits & PLAIN_FROM_LISTENER;
    out->has_tcp = true;
    plain_tcp(p, &out->tcp);
}

/* ---- the user at a frame ---- */

typedef struct {
    uint32_t frame;
    const char *user;
} user_change;

void ftplens_plain_note_user(ftplens_conn *conn, uint32_t frame, const char *user)
{
    GArray *a = conn->users;
    if (conn->kind != CONN_CONTROL || (a ? g_array_index(a, user_change, a->len - 1).user : NULL) == user)
        return;
    if (!a)
        a = conn->users = g_array_sized_new(FALSE, FALSE, sizeof(user_change), 4);
    user_change u = { frame, user };
    g_array_append_val(a, u);
}

/* The session's user after the result of this frame (the last change at or before it). */
static const char *user_at(const ftplens_conn *conn, uint32_t frame)
{
    const GArray *a = conn->users;
    if (!a || g_array_index(a, user_change, 0).frame > frame)
        return NULL;
    guint lo = 0, hi = a->len;      /* the answer is in [lo, hi) */
    while (hi - lo > 1) {
        guint mid = lo + (hi - lo) / 2;
        if (g_array_index(a, user_change, mid).frame <= frame)
            lo = mid;
        else
            hi = mid;
    }
    return g_array_index(a, user_change, lo).user;
}

/* ---- written again ---- */

/* The record of a bare ACK, of data on a data connection, or (lines) of a
 * segment of FTP lines on a control connection, from the segment's own
 * numbers and the facts of its sender: the only inputs, so that the first
 * pass and every later one write the same record. */
static bool plain_again(const ftplens_conn *conn, const ftplens_plain_facts *pf, uint32_t frame, uint32_t seq,
                        uint32_t ack, uint16_t flags, uint32_t len, bool listener_sent, bool lines,
                        ftplens_plain *out)
{
    if (!pf->set || (flags & (FTPLENS_TCP_SYN | FTPLENS_TCP_FIN | FTPLENS_TCP_RST)) ||
        (lines ? !len || conn->kind != CONN_CONTROL : len && conn->kind != CONN_DATA))
        return false;
    memset(out, 0, sizeof *out);
    out->conn = conn;
    out->user = lines ? NULL : user_at(conn, frame);    /* a frame of lines keeps its own */
    out->step_text = ftplens_tcp_plain_step_text(len != 0);
    out->frame = frame;
    out->seq_raw = seq;
    out->ack_raw = ack;
    out->isn = pf->isn;
    out->peer_isn = pf->peer_isn;
    out->len = len;
    out->flags = flags;
    out->step = len ? FTPLENS_STEP_DATA : FTPLENS_STEP_ACK_ONLY;
    out->lazy = lines ? FTPLENS_LAZY_LINES : len ? FTPLENS_LAZY_DATA : FTPLENS_LAZY_ACK_ONLY;
    out->bits = pf->bits | (listener_sent ? PLAIN_FROM_LISTENER : 0);
    return true;
}

/* The TCP note of a frame of FTP lines, written again the same way. */
static bool lines_tcp_again(const ftplens_capture *c, const ftplens_conn *conn, const ftplens_frame *f,
                            uint32_t seq, uint32_t ack, uint16_t flags, uint32_t len, ftplens_tcp_note *out)
{
    ftplens_plain p;
    if (!plain_again(conn, &conn->again[f->from_listener ? 1 : 0], f->frame, seq, ack, flags, len, f->from_listener,
                     true, &p))
        return false;
    plain_tcp(&p, out);
    out->continues_line = f->lines_continue;
    out->mask_passwords = c->config.mask_passwords;
    return true;
}

enum { SENDER_FACTS = PLAIN_ISN_IS_BASE | PLAIN_HAS_PEER_ISN | PLAIN_SENDER_IS_SERVER };

/* The sender's facts follow its segments until one is left to be written
 * again from them; then they are frozen. */
static ftplens_plain_facts *sender_facts(ftplens_conn *conn, const ftplens_plain *p)
{
    ftplens_plain_facts *pf = &conn->again[(p->bits & PLAIN_FROM_LISTENER) ? 1 : 0];
    if (!pf->used) {
        pf->isn = p->isn;
        pf->peer_isn = p->peer_isn;
        pf->bits = p->bits & SENDER_FACTS;
        pf->set = true;
    }
    return pf;
}

bool ftplens_plain_leave(ftplens_capture *c, ftplens_conn *conn, const ftplens_plain *p)
{
    bool listener_sent = p->bits & PLAIN_FROM_LISTENER;
    ftplens_plain q;

    /* A read filter gives a dropped frame's number to the next frame: the
     * record kept under that number is replaced, never shadowed. */
    if (ftplens_frames_last(&c->kept) == p->frame)
        return false;
    ftplens_plain_facts *pf = sender_facts(conn, p);
    if (!plain_again(conn, pf, p->frame, p->seq_raw, p->ack_raw, p->flags, p->len, listener_sent, false, &q) ||
        memcmp(&q, p, sizeof q) != 0)
        return false;
    pf->used = true;
    if (!c->again)
        c->again = g_byte_array_new();
    ftplens_bit_set(c->again, p->frame);
    return true;
}

bool ftplens_lines_leave(ftplens_capture *c, ftplens_conn *conn, const ftplens_frame *f)
{
    const ftplens_tcp_note *n = &f->tcp;
    ftplens_plain p;
    ftplens_tcp_note q;

    if (!f->has_tcp || n->lazy != FTPLENS_LAZY_LINES || user_at(conn, f->frame) != f->user)
        return false;
    ftplens_plain_fill(f, &p);
    ftplens_plain_facts *pf = sender_facts(conn, &p);
    if (!lines_tcp_again(c, conn, f, n->seq_raw, n->ack_raw, n->flags, n->len, &q) || memcmp(&q, n, sizeof q) != 0)
        return false;
    pf->used = true;
    return true;
}

bool ftplens_capture_plain_again(const ftplens_capture *c, const ftplens_segment *seg, ftplens_plain *out)
{
    const ftplens_conn *conn = g_hash_table_lookup(c->conns, GUINT_TO_POINTER(seg->stream));
    if (!conn || (conn->kind != CONN_CONTROL && conn->kind != CONN_DATA))
        return false;
    bool listener_sent = from_listener(conn, seg);
    return plain_again(conn, &conn->again[listener_sent ? 1 : 0], seg->frame, seg->seq, seg->ack, seg->flags,
                       seg->tcp_len, listener_sent, false, out);
}

bool ftplens_capture_frame_again(ftplens_capture *c, const ftplens_segment *seg, ftplens_frame *out)
{
    unsigned tag;
    const ftplens_frame *kept = ftplens_frames_find(&c->kept, seg->frame, &tag);
    if (kept && tag == KEPT_LINES) {
        memset(out, 0, sizeof *out);
        memcpy(out, kept, FTPLENS_FRAME_LINES_KEPT);
        out->user = user_at(out->conn, out->frame);
        return lines_tcp_again(c, out->conn, out, seg->seq, seg->ack, seg->flags, seg->tcp_len, &out->tcp);
    }
    ftplens_plain p;
    if (!ftplens_bit_get(c->again, seg->frame) || !ftplens_capture_plain_again(c, seg, &p))
        return false;
    ftplens_plain_expand(&p, out);
    return true;
}
