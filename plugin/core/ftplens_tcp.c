/* ftplens_tcp.c - the TCP teaching state machine of one connection.
 *
 * Every number is computed from the raw sequence and acknowledgment numbers,
 * so the output does not depend on Wireshark's tcp.relative_sequence_numbers
 * or tcp.analyze_sequence_numbers preferences.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_tcp.h"

#include "ftplens_fmt.h"

#include "ftplens_text.h"

#include <string.h>

#define SYN FTPLENS_TCP_SYN
#define FIN FTPLENS_TCP_FIN
#define RST FTPLENS_TCP_RST
#define ACK FTPLENS_TCP_ACK

enum { INIT = 0, LISTEN = 1 };

/* The sentence buffer, created on first use: most segments need none now. */
static GString *gs(GString **g)
{
    if (!*g)
        *g = g_string_new(NULL);
    return *g;
}

void ftplens_tcp_init(ftplens_tcp_tracker *t)
{
    memset(t, 0, sizeof *t);
}

void ftplens_tcp_hex_bytes(uint32_t v, char out[12])
{
    static const char digits[] = "0123456789abcdef";
    char *o = out;
    for (int shift = 24; shift >= 0; shift -= 8) {
        *o++ = digits[(v >> (shift + 4)) & 0xf];
        *o++ = digits[(v >> shift) & 0xf];
        *o++ = shift ? ' ' : '\0';
    }
}

const char *const ftplens_tcp_step_names[FTPLENS_STEP_COUNT] = {
    [FTPLENS_STEP_NONE] = "none",
    [FTPLENS_STEP_SYN] = "handshake 1/3: SYN",
    [FTPLENS_STEP_SYNACK] = "handshake 2/3: SYN-ACK",
    [FTPLENS_STEP_ESTABLISHED] = "handshake 3/3: ACK",
    [FTPLENS_STEP_DATA] = "data",
    [FTPLENS_STEP_ACK_ONLY] = "ack only",
    [FTPLENS_STEP_FIN] = "close: FIN",
    [FTPLENS_STEP_FINAL_ACK] = "close: final ACK",
    [FTPLENS_STEP_RST] = "reset (RST)",
    [FTPLENS_STEP_SYN_RETRANS] = "retransmitted SYN",
    [FTPLENS_STEP_SYNACK_RETRANS] = "SYN-ACK retransmission",
    [FTPLENS_STEP_NO_HANDSHAKE] = "no handshake captured",
    [FTPLENS_STEP_FIN_ACK] = "close: ACK of the FIN",
};

/* "0x626bf2f8 (1651241720; bytes 62 6b f2 f8)" */
static void append_raw(GString *g, uint32_t v)
{
    char hex[12];
    ftplens_tcp_hex_bytes(v, hex);
    ftplens_appendf(g, T("0x%08x (%u; bytes %s)"), v, v, hex);
}

/* How the text calls a side: its name when the connection gives one (an active
 * data connection's initiator is the server), else client / server. */
static const char *side_name(const ftplens_tcp_tracker *t, int side)
{
    return t->names[side] ? t->names[side] : side == INIT ? "client" : "server";
}

#define who(side) T(side_name(t, (side)))

/* The sender and its peer as the sentences call them (written from the note alone). */
static const char *sender(const ftplens_tcp_note *n)
{
    return n->sender_is_server ? T("server") : T("client");
}

static const char *peer(const ftplens_tcp_note *n)
{
    return n->sender_is_server ? T("client") : T("server");
}

/* ---- the sentences of handshake and close segments, from the note alone:
 * written at once, or when shown (FTPLENS_LAZY_SYN ... _CLOSE) ---- */

static void syn_sentence(GString *g, const ftplens_tcp_note *n)
{
    ftplens_appendf(g, T("SYN: the %s picks its initial sequence number ISN = "), sender(n));
    append_raw(g, n->seq_raw);
    ftplens_appendf(g, T(", shown as relative 0. A SYN carries no data but consumes one sequence "
                                "number, so the %s's next sequence number is ISN + 1 = 0x%08x (relative 1)."),
                           sender(n), n->seq_raw + 1);
}

/* has_ack_ok is false when the peer's SYN was not captured (nothing to check against). */
static void synack_sentence(GString *g, const ftplens_tcp_note *n)
{
    ftplens_appendf(g, T("SYN-ACK: the %s picks its ISN = "), sender(n));
    append_raw(g, n->seq_raw);
    g_string_append(g, T(", shown as relative 0, and acknowledges "));
    append_raw(g, n->ack_raw);
    if (!n->has_ack_ok)
        ftplens_appendf(g, T("; the %s's SYN was not captured, so its ISN was this number - 1 = "
                                    "0x%08x (inferred; relative numbers count from it)."), peer(n), n->ack_raw - 1);
    else if (n->ack_ok)
        ftplens_appendf(g, T(" = %s ISN 0x%08x + 1, because a SYN consumes one sequence number "
                                    "(relative acknowledgment 1)."), peer(n), n->peer_isn);
    else
        ftplens_appendf(g, T(", but the %s's ISN + 1 is 0x%08x."), peer(n), n->peer_isn + 1);
}

static void established_sentence(GString *g, const ftplens_tcp_note *n)
{
    bool seq_ok = !n->isn_is_base && n->seq_raw == n->isn + 1;
    bool ack_ok = n->ack_raw == n->peer_isn + 1;
    g_string_append(g, T("ACK: sequence "));
    append_raw(g, n->seq_raw);
    ftplens_appendf(g, T(" equals the acknowledgment number of the SYN-ACK (frame %u)%s; acknowledgment "),
                           n->ref_frame, seq_ok ? "" : T(" - or should: it does not"));
    append_raw(g, n->ack_raw);
    ftplens_appendf(g, T(" %s %s ISN 0x%08x + 1 (relative 1). "), ack_ok ? "=" : T("differs from"),
                           peer(n), n->peer_isn);
    g_string_append(g, n->ack_ok ? T("The handshake is complete: the connection is established.")
                                 : T("The numbers do not match the handshake."));
}

/* A FIN, an ACK of the peer's FIN (has_ack_ok and ack_ok; ref_frame is that FIN), or both. */
static void close_sentence(GString *g, const ftplens_tcp_note *n)
{
    bool fin = (n->flags & FIN) != 0, acks_fin = n->has_ack_ok && n->ack_ok;
    if (fin) {
        ftplens_appendf(g, T("FIN: the %s has no more data to send. "), sender(n));
        if (n->len)
            ftplens_appendf(g, T("The FIN comes after the %u data bytes, at relative %u. "), n->len,
                                   ftplens_tcp_seq_rel(n) + n->len);
        ftplens_appendf(g, T("A FIN consumes one sequence number, so the peer acknowledges 0x%08x "
                                    "(relative %u)."), n->seq_raw + n->len + 1, ftplens_tcp_seq_rel(n) + n->len + 1);
    }
    if (acks_fin) {
        ftplens_appendf(g, T("%sacknowledges the FIN of frame %u: acknowledgment 0x%08x = FIN sequence "
                                    "0x%08x + 1."), fin ? T(" It also ") : "ACK: ", n->ref_frame,
                               n->ack_raw, n->ack_raw - 1);
        if (!fin && n->step == FTPLENS_STEP_FINAL_ACK)
            g_string_append(g, T(" Both FINs are acknowledged: the connection is closed."));
    }
}

static void (*const sentence_of[])(GString *, const ftplens_tcp_note *) = {
    [FTPLENS_LAZY_SYN] = syn_sentence, [FTPLENS_LAZY_SYNACK] = synack_sentence,
    [FTPLENS_LAZY_ESTABLISHED] = established_sentence, [FTPLENS_LAZY_CLOSE] = close_sentence,
};

/* "Len 29 = 'USER alice' (10 bytes) + CR LF (2) + 'PASS wonderland' (15 bytes) + CR LF (2)" */
static void explain_lines(GString *g, const ftplens_tcp_payload *pl)
{
    uint32_t i = 0, shown = 0, line_no = 0;

    ftplens_appendf(g, T("Len %u = "), pl->len);
    while (i < pl->len) {
        uint32_t start = i, end;
        while (i < pl->len && pl->payload[i] != '\n')
            i++;
        bool lf = i < pl->len;
        end = i;
        bool cr = lf && end > start && pl->payload[end - 1] == '\r';
        uint32_t text_len = end - start - (cr ? 1 : 0);
        if (lf)
            i++;
        if (shown == 4) {
            /* Long multi-line replies: summarise the rest. */
            uint32_t rest_lines = 1;
            for (uint32_t k = i; k < pl->len; k++)
                rest_lines += pl->payload[k] == '\n';
            ftplens_appendf(g, T(" + %u more line%s (%u bytes)"), rest_lines, rest_lines == 1 ? "" : T("s"),
                                   pl->len - start);
            break;
        }
        if (line_no++ > 0)
            g_string_append(g, " + ");
        g_string_append_c(g, '\'');
        bool masked = pl->mask_passwords && text_len > 5 &&
                      g_ascii_strncasecmp((const char *)pl->payload + start, "PASS ", 5) == 0;
        if (masked) {
            g_string_append_len(g, (const char *)pl->payload + start, 5);
            g_string_append(g, "********");
        } else {
            for (uint32_t k = start; k < start + MIN(text_len, 40u); k++) {
                uint8_t c = pl->payload[k];
                g_string_append_c(g, (c >= 0x20 && c < 0x7f) ? (char)c : '.');
            }
            if (text_len > 40)
                g_string_append(g, "...");
        }
        ftplens_appendf(g, T("' (%u byte%s"), text_len, text_len == 1 ? "" : T("s"));
        if (masked)     /* the count is of the real line, not of the stars */
            g_string_append(g, T(", the password masked"));
        if (start == 0 && pl->continues_line)
            g_string_append(g, T(", the end of a line begun in an earlier segment"));
        if (!lf)
            g_string_append(g, T(", the line goes on in a later segment"));
        g_string_append_c(g, ')');
        if (lf)
            g_string_append(g, cr ? T(" + CR LF (2 bytes)") : T(" + LF (1 byte)"));
        shown++;
    }
}

static const char *close_text(const ftplens_tcp_tracker *t, int d, bool fin, bool acks_peer_fin)
{
    if (fin && acks_peer_fin)
        return T("close: FIN+ACK (2 and 3 of 4)");
    if (fin)
        return t->fin_seen[!d] ? T("close: FIN (3 of 4)") : T("close: FIN (1 of 4)");
    return t->fin_seen[d] ? T("close: final ACK (4 of 4)") : T("close: ACK of the FIN (2 of 4)");
}

/* "Len 43: 43 bytes of data-connection payload ...; next sequence number = 1 + 43 = 44." */
static void append_data_text(GString *g, const ftplens_tcp_note *out, const ftplens_tcp_payload *pl)
{
    uint32_t len = out->len;

    if (pl && pl->dup_bytes >= len) {
        ftplens_appendf(g, T("Retransmission: these %u bytes were already sent in an earlier segment; "), len);
    } else if (pl && pl->encrypted) {
        ftplens_appendf(g, T("Len %u: %u bytes of TLS records (the control channel is encrypted after "
                                    "AUTH); "), len, len);
    } else if (pl && pl->text && pl->len == len) {
        explain_lines(g, pl);
        g_string_append(g, "; ");
    } else {
        ftplens_appendf(g, T("Len %u: %u bytes of data-connection payload (file content or a listing, "
                                    "no line framing); "), len, len);
    }
    ftplens_appendf(g, T("next sequence number = %u + %u = %u."), ftplens_tcp_seq_rel(out), len,
                    ftplens_tcp_seq_rel(out) + len);
}

char *ftplens_tcp_explain(const ftplens_tcp_note *n)
{
    return ftplens_tcp_explain_payload(n, NULL, 0);
}

char *ftplens_tcp_explain_payload(const ftplens_tcp_note *n, const uint8_t *payload, uint32_t len)
{
    GString *g;
    ftplens_tcp_payload pl;

    if (n->lazy == FTPLENS_LAZY_NONE)
        return g_strdup(n->explain ? n->explain : "");
    g = g_string_sized_new(256);     /* most sentences fit without growing it */
    memset(&pl, 0, sizeof pl);
    switch (n->lazy) {
    case FTPLENS_LAZY_LINES:
        if (payload && len == n->len) {
            pl.payload = payload;
            pl.len = len;
            pl.text = true;
            pl.continues_line = n->continues_line;
            pl.mask_passwords = n->mask_passwords;
            append_data_text(g, n, &pl);
        } else {
            ftplens_appendf(g, T("Len %u: %u bytes of FTP control lines; "), n->len, n->len);
            ftplens_appendf(g, T("next sequence number = %u + %u = %u."), ftplens_tcp_seq_rel(n), n->len,
                                   ftplens_tcp_seq_rel(n) + n->len);
        }
        break;
    case FTPLENS_LAZY_ACK_ONLY:
        ftplens_appendf(g, T("ACK only: no data (Len 0), so the sequence number stays at relative %u; "
                                    "acknowledgment relative %u (raw 0x%08x) means 'I have received every byte "
                                    "before this one; it is the next I expect'."),
                        ftplens_tcp_seq_rel(n), ftplens_tcp_ack_rel(n), n->ack_raw);
        break;
    case FTPLENS_LAZY_RETRANS:
        pl.dup_bytes = n->len;
        append_data_text(g, n, &pl);
        break;
    case FTPLENS_LAZY_TLS:
        pl.encrypted = true;
        append_data_text(g, n, &pl);
        break;
    case FTPLENS_LAZY_SYN:
    case FTPLENS_LAZY_SYNACK:
    case FTPLENS_LAZY_ESTABLISHED:
    case FTPLENS_LAZY_CLOSE:
        sentence_of[n->lazy](g, n);
        break;
    default:
        append_data_text(g, n, &pl);
        break;
    }
    return g_string_free(g, FALSE);
}

/* One segment being explained: what it is, and the sentences written so far. */
typedef struct {
    ftplens_tcp_tracker *t;
    const ftplens_tcp_segment *seg;
    ftplens_tcp_note *out;
    ftplens_arena *arena;
    int d, p;                       /* the sender's side and its peer's */
    bool syn, fin, rst, ack;
    bool first_segment;
    bool synack_lost, third_ack_lost;   /* handshake segments missing from the capture */
    GString *g;                     /* most segments need no sentence now: created on first use */
    uint8_t sentence;               /* FTPLENS_LAZY_SYN ... _CLOSE: the kind's sentence, now or when shown */
    char *expected;
    const char *step_text;
} seg_ctx;

/* What kind of segment it is: decided by segment_kind, written by one function each. */
typedef enum {
    K_RST, K_SYN_RETRANS, K_SYN_SIMULTANEOUS, K_SYN, K_SYNACK_RETRANS, K_SYNACK, K_SYNACK_LOST,
    K_THIRD_ACK_LOST, K_ESTABLISHED, K_CLOSE, K_DATA, K_ACK_ONLY,
} seg_kind;

static bool acks_peer_fin(const seg_ctx *x)
{
    const ftplens_tcp_tracker *t = x->t;
    return x->ack && t->fin_seen[x->p] && !t->fin_acked[x->p] && x->seg->ack == t->fin_seq[x->p] + 1;
}

/* The step table: the first matching row decides (order matters). */
static seg_kind segment_kind(const seg_ctx *x)
{
    const ftplens_tcp_tracker *t = x->t;
    if (x->rst)
        return K_RST;
    if (x->syn && !x->ack)
        return x->seg->frame != t->syn_frame[x->d] ? K_SYN_RETRANS
             : (x->d == LISTEN || t->isn_known[x->p]) ? K_SYN_SIMULTANEOUS : K_SYN;
    if (x->syn)
        return t->synack_seen && x->seg->frame != t->synack_frame ? K_SYNACK_RETRANS : K_SYNACK;
    if (x->synack_lost)
        return K_SYNACK_LOST;
    if (x->third_ack_lost)
        return K_THIRD_ACK_LOST;
    if (!t->established && t->synack_seen && x->d == INIT && x->ack)
        return K_ESTABLISHED;
    if (x->fin || acks_peer_fin(x))
        return K_CLOSE;
    return x->seg->tcp_len > 0 ? K_DATA : K_ACK_ONLY;
}

/* A new SYN with a new ISN on a closed or open connection: port reuse. */
static void restart_on_new_syn(const seg_ctx *x)
{
    ftplens_tcp_tracker *t = x->t;
    const char *names[2] = { t->names[0], t->names[1] };
    if (!(x->syn && !x->ack && t->isn_known[x->d] && x->seg->seq != t->isn[x->d] && x->d == INIT))
        return;
    ftplens_tcp_init(t);
    t->names[0] = names[0];
    t->names[1] = names[1];
    t->any_segment = true;
}

/* Bases for relative numbers: the ISN when the SYN was seen, else the first
 * number seen; a missing handshake segment is inferred from the others. */
static void set_bases(seg_ctx *x)
{
    ftplens_tcp_tracker *t = x->t;
    const ftplens_tcp_segment *seg = x->seg;
    int d = x->d, p = x->p;
    if (x->syn && !t->isn_known[d]) {
        t->isn_known[d] = t->base_known[d] = true;
        t->isn[d] = seg->seq;
        t->syn_frame[d] = seg->frame;
        t->syn_time[d] = seg->time_ns;
    }
    if (!t->base_known[d]) {
        t->base_known[d] = true;
        t->isn[d] = seg->seq;
    }
    x->synack_lost = !x->syn && !x->rst && x->ack && d == INIT && t->isn_known[d] && !t->synack_seen &&
                     !t->established && !t->base_known[p] && seg->seq == t->isn[d] + 1;
    bool syn_lost = x->syn && x->ack && !t->isn_known[p] && !t->base_known[p];
    x->third_ack_lost = !x->syn && !x->rst && x->ack && d == INIT && t->synack_seen && !t->established &&
                        t->isn_known[d] && seg->seq == t->isn[d] + 1 && (int32_t)(seg->ack - (t->isn[p] + 1)) > 0 &&
                        t->data_seen[p] && (int32_t)(seg->ack - t->data_end[p]) <= 0;
    if (x->synack_lost || syn_lost) {
        /* The acknowledgment is the peer's ISN + 1: count its bytes from that ISN. */
        t->base_known[p] = true;
        t->isn[p] = seg->ack - 1;
    }
    if (x->ack && !t->base_known[p]) {
        /* The peer's next byte is what we acknowledge: count its bytes from there. */
        t->base_known[p] = true;
        t->isn[p] = seg->ack;
    }
}

static void numbers(seg_ctx *x)
{
    const ftplens_tcp_tracker *t = x->t;
    ftplens_tcp_note *out = x->out;
    out->isn = t->isn[x->d];
    out->isn_is_base = !t->isn_known[x->d];
    out->has_peer_isn = t->base_known[x->p];
    out->peer_isn = t->isn[x->p];
}

static void handshake_rtt(seg_ctx *x)
{
    if (x->t->isn_known[x->d]) {
        x->out->has_hs_rtt = true;
        x->out->hs_rtt_ns = x->seg->time_ns - x->t->syn_time[x->d];
    }
}

static void write_rst(seg_ctx *x)
{
    ftplens_tcp_tracker *t = x->t;
    x->out->step = FTPLENS_STEP_RST;
    x->step_text = T("reset (RST)");
    if (!t->established && x->d == LISTEN)
        ftplens_appendf(gs(&x->g), T("RST: the %s refuses the connection (nothing accepts connections on this "
                                            "port), so the handshake ends here."), who(x->d));
    else
        ftplens_appendf(gs(&x->g), T("RST: the %s aborts the connection at once, without the FIN exchange; "
                                            "any data not yet delivered is lost."), who(x->d));
}

static void write_syn_retrans(seg_ctx *x)
{
    ftplens_tcp_tracker *t = x->t;
    x->out->step = FTPLENS_STEP_SYN_RETRANS;
    x->step_text = T("retransmitted SYN");
    ftplens_appendf(gs(&x->g), T("Retransmitted SYN: the same ISN 0x%08x as the SYN in frame %u; the %s got no "
                                        "SYN-ACK in time and asks again. It is not a new connection."),
                           t->isn[x->d], t->syn_frame[x->d], who(x->d));
}

static void write_syn_simultaneous(seg_ctx *x)
{
    x->out->step = FTPLENS_STEP_SYN;
    x->step_text = T("handshake: SYN (simultaneous open)");
    g_string_append(gs(&x->g), T("SYN (simultaneous open: both sides sent a SYN): ISN "));
    append_raw(x->g, x->seg->seq);
    g_string_append(x->g, T(", relative 0."));
}

static void write_syn(seg_ctx *x)
{
    ftplens_tcp_tracker *t = x->t;
    x->out->step = FTPLENS_STEP_SYN;
    if (x->d == INIT && t->names[INIT]) {
        char *st = g_strdup_printf(T("handshake 1/3: SYN (%s asks to open)"), who(x->d));
        x->step_text = ftplens_arena_intern(x->arena, st);
        g_free(st);
    } else {
        x->step_text = T("handshake 1/3: SYN (client asks to open)");
    }
    x->sentence = FTPLENS_LAZY_SYN;
}

static void write_synack_retrans(seg_ctx *x)
{
    ftplens_tcp_tracker *t = x->t;
    x->out->step = FTPLENS_STEP_SYNACK_RETRANS;
    x->step_text = T("SYN-ACK retransmission");
    ftplens_appendf(gs(&x->g), T("SYN-ACK retransmission: the same ISN 0x%08x as the SYN-ACK in frame %u; the "
                                        "%s did not see the %s's ACK and sends its SYN-ACK again."),
                           t->isn[x->d], t->synack_frame, who(x->d), who(x->p));
}

static void write_synack(seg_ctx *x)
{
    ftplens_tcp_tracker *t = x->t;
    const ftplens_tcp_segment *seg = x->seg;
    ftplens_tcp_note *out = x->out;
    int p = x->p;
    t->synack_seen = true;
    t->synack_frame = seg->frame;
    out->step = FTPLENS_STEP_SYNACK;
    x->step_text = T("handshake 2/3: SYN-ACK");
    out->has_ack_ok = true;
    out->ack_ok = t->isn_known[p] && seg->ack == t->isn[p] + 1;
    x->sentence = FTPLENS_LAZY_SYNACK;
    if (!t->isn_known[p]) {
        /* Nothing to check it against: the sentence says what it tells instead of a mismatch. */
        out->has_ack_ok = false;
    } else if (out->ack_ok) {
        out->has_syn_rtt = true;
        out->syn_rtt_ns = seg->time_ns - t->syn_time[p];
    } else {
        x->expected = g_strdup_printf(T("acknowledgment 0x%08x (%s ISN 0x%08x + 1), got 0x%08x"),
                                      t->isn[p] + 1, who(p), t->isn[p], seg->ack);
    }
}

static void write_synack_lost(seg_ctx *x)
{
    ftplens_tcp_tracker *t = x->t;
    t->established = true;
    x->out->step = FTPLENS_STEP_ESTABLISHED;
    x->step_text = T("handshake 3/3: ACK (the SYN-ACK was not captured)");
    g_string_append(gs(&x->g), T("ACK: the SYN-ACK was not captured. Sequence "));
    append_raw(x->g, x->seg->seq);
    ftplens_appendf(x->g, T(" = %s ISN 0x%08x + 1, and the acknowledgment "), who(x->d), t->isn[x->d]);
    append_raw(x->g, x->seg->ack);
    ftplens_appendf(x->g, T(" is the %s's ISN + 1, so its ISN was 0x%08x (inferred: acknowledgment - 1; "
                                   "relative numbers count from it). The handshake completed."),
                           who(x->p), t->isn[x->p]);
    handshake_rtt(x);
}

/* Data or an ACK of data already: the handshake's last ACK was not captured. */
static void write_third_ack_lost(seg_ctx *x)
{
    ftplens_tcp_tracker *t = x->t;
    t->established = true;
    x->out->step = x->seg->tcp_len ? FTPLENS_STEP_DATA : FTPLENS_STEP_ACK_ONLY;
    x->step_text = ftplens_tcp_plain_step_text(x->seg->tcp_len != 0);
    x->out->ref_frame = t->synack_frame;
    ftplens_appendf(gs(&x->g), T("The handshake's third segment (the %s's ACK of the SYN-ACK in frame %u) "
                                        "was not captured: this segment, at sequence ISN + 1 and acknowledging "
                                        "beyond the %s's ISN + 1, shows that the connection was established."),
                           who(x->d), t->synack_frame, who(x->p));
}

/* The client's first ACK after the SYN-ACK completes the handshake. */
static void write_established(seg_ctx *x)
{
    ftplens_tcp_tracker *t = x->t;
    const ftplens_tcp_segment *seg = x->seg;
    ftplens_tcp_note *out = x->out;
    int d = x->d, p = x->p;
    t->established = true;
    out->step = FTPLENS_STEP_ESTABLISHED;
    x->step_text = T("handshake 3/3: ACK (connection established)");
    out->ref_frame = t->synack_frame;
    out->has_ack_ok = true;
    bool seq_ok = t->isn_known[d] && seg->seq == t->isn[d] + 1;
    bool ack_ok = seg->ack == t->isn[p] + 1;
    out->ack_ok = seq_ok && ack_ok;
    x->sentence = FTPLENS_LAZY_ESTABLISHED;
    if (!out->ack_ok)
        x->expected = g_strdup_printf(T("sequence 0x%08x and acknowledgment 0x%08x, got 0x%08x and 0x%08x"),
                                      t->isn[d] + 1, t->isn[p] + 1, seg->seq, seg->ack);
    handshake_rtt(x);
}

static void write_fin(seg_ctx *x)
{
    ftplens_tcp_tracker *t = x->t;
    const ftplens_tcp_segment *seg = x->seg;
    int d = x->d;
    t->fin_seen[d] = true;
    t->fin_seq[d] = seg->seq + seg->tcp_len;
    t->fin_frame[d] = seg->frame;
    x->out->step = FTPLENS_STEP_FIN;
}

static void write_close(seg_ctx *x)
{
    ftplens_tcp_tracker *t = x->t;
    ftplens_tcp_note *out = x->out;
    int d = x->d, p = x->p;
    bool acks_fin = acks_peer_fin(x);
    x->step_text = close_text(t, d, x->fin, acks_fin);
    x->sentence = FTPLENS_LAZY_CLOSE;
    if (x->fin)
        write_fin(x);
    if (acks_fin) {
        t->fin_acked[p] = true;
        out->ref_frame = t->fin_frame[p];
        out->has_ack_ok = true;
        out->ack_ok = true;
        if (!x->fin)
            out->step = t->fin_seen[d] ? FTPLENS_STEP_FINAL_ACK : FTPLENS_STEP_FIN_ACK;
    } else if (x->fin && t->fin_seen[p] && !t->fin_acked[p]) {
        out->has_ack_ok = true;
        out->ack_ok = false;
        x->expected = g_strdup_printf(T("acknowledgment 0x%08x (the peer's FIN 0x%08x + 1), got 0x%08x"),
                                      t->fin_seq[p] + 1, t->fin_seq[p], x->seg->ack);
    }
}

const char *ftplens_tcp_plain_step_text(bool data)
{
    return data ? T("data") : T("ack only");
}

static void write_data(seg_ctx *x)
{
    x->out->step = x->first_segment ? FTPLENS_STEP_NO_HANDSHAKE : FTPLENS_STEP_DATA;
    x->step_text = x->first_segment ? T("no handshake captured") : ftplens_tcp_plain_step_text(true);
}

static void write_ack_only(seg_ctx *x)
{
    x->out->step = x->first_segment ? FTPLENS_STEP_NO_HANDSHAKE : FTPLENS_STEP_ACK_ONLY;
    x->step_text = x->first_segment ? T("no handshake captured") : ftplens_tcp_plain_step_text(false);
    if (!x->first_segment)
        x->out->lazy = FTPLENS_LAZY_ACK_ONLY;     /* written when shown: most frames are never looked at */
}

static void (*const write_kind[])(seg_ctx *) = {
    [K_RST] = write_rst, [K_SYN_RETRANS] = write_syn_retrans, [K_SYN_SIMULTANEOUS] = write_syn_simultaneous,
    [K_SYN] = write_syn, [K_SYNACK_RETRANS] = write_synack_retrans, [K_SYNACK] = write_synack,
    [K_SYNACK_LOST] = write_synack_lost, [K_THIRD_ACK_LOST] = write_third_ack_lost,
    [K_ESTABLISHED] = write_established, [K_CLOSE] = write_close, [K_DATA] = write_data,
    [K_ACK_ONLY] = write_ack_only,
};

/* The payload's sentence: now, or later from the frame's bytes (lazy) when
 * nothing else was written for the segment. */
static void write_payload(seg_ctx *x, const ftplens_tcp_payload *pl)
{
    const ftplens_tcp_segment *seg = x->seg;
    ftplens_tcp_note *out = x->out;
    if (seg->tcp_len == 0 || x->syn)
        return;
    bool text = pl && pl->text && pl->len == seg->tcp_len && !(pl->dup_bytes >= seg->tcp_len) && !pl->encrypted;
    if (!x->g && text && pl->lines_later) {
        /* FTP lines: read again from the frame's bytes when shown. */
        out->lazy = FTPLENS_LAZY_LINES;
        out->continues_line = pl->continues_line;
        out->mask_passwords = pl->mask_passwords;
    } else if (!x->g && !text) {
        /* The common data segment: its sentence is written when shown. */
        out->lazy = (pl && pl->dup_bytes >= seg->tcp_len) ? FTPLENS_LAZY_RETRANS
                  : (pl && pl->encrypted) ? FTPLENS_LAZY_TLS : FTPLENS_LAZY_DATA;
    } else {
        if (x->g)
            g_string_append_c(x->g, ' ');
        append_data_text(gs(&x->g), out, pl);
    }
}

/* The tracker's record of data sent, and the note's texts into the arena. */
static void finish(seg_ctx *x)
{
    ftplens_tcp_tracker *t = x->t;
    const ftplens_tcp_segment *seg = x->seg;
    ftplens_tcp_note *out = x->out;
    int d = x->d;
    if (seg->tcp_len && (!t->data_seen[d] || (int32_t)(seg->seq + seg->tcp_len - t->data_end[d]) > 0)) {
        t->data_seen[d] = true;
        t->data_end[d] = seg->seq + seg->tcp_len;
    }
    out->step_text = x->step_text;
    out->explain = out->lazy || !x->g ? NULL : ftplens_arena_text(x->arena, x->g->str, x->g->len);
    if (x->expected) {
        out->ack_expected = ftplens_arena_text(x->arena, x->expected, strlen(x->expected));
        g_free(x->expected);
    }
    if (x->g)
        g_string_free(x->g, TRUE);
}

void ftplens_tcp_segment_note(ftplens_tcp_tracker *t, const ftplens_tcp_segment *seg,
                              const ftplens_tcp_payload *pl, ftplens_arena *arena, ftplens_tcp_note *out)
{
    int d = seg->from_listener ? LISTEN : INIT;
    seg_ctx x = { .t = t, .seg = seg, .out = out, .arena = arena, .d = d, .p = !d,
                  .syn = seg->flags & SYN, .fin = seg->flags & FIN, .rst = seg->flags & RST,
                  .ack = seg->flags & ACK, .first_segment = !t->any_segment };

    memset(out, 0, sizeof *out);
    t->any_segment = true;
    out->seq_raw = seg->seq;
    out->ack_raw = seg->ack;
    out->flags = seg->flags;
    out->has_ack = x.ack;
    out->len = seg->tcp_len;

    restart_on_new_syn(&x);
    out->sender_is_server = strcmp(side_name(t, d), "server") == 0;
    set_bases(&x);
    numbers(&x);
    write_kind[segment_kind(&x)](&x);
    bool alone = !(x.first_segment && !x.syn) && (seg->tcp_len == 0 || x.syn);
    if (x.sentence && alone)
        out->lazy = x.sentence;     /* nothing else to say: written from the note when shown */
    else if (x.sentence)
        sentence_of[x.sentence](gs(&x.g), out);
    if (x.first_segment && !x.syn)
        ftplens_appendf(gs(&x.g), T("%sThe capture starts after this connection was opened: no SYN was "
                                           "captured, so relative numbers count from the first sequence number "
                                           "seen (0x%08x)."), x.g && x.g->len ? " " : "", t->isn[d]);
    write_payload(&x, pl);
    finish(&x);
}
