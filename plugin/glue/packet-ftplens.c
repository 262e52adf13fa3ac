/* packet-ftplens.c - FTP Lens post-dissector: registration and drawing.
 *
 * The analysis lives in ../core (plain C + GLib).  This file registers
 * fields, expert items and preferences, hands each TCP segment of the first
 * pass to the core, stores the per-frame result with p_add_proto_data and
 * draws the tree from that stored result on every pass.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "ftplens"

#include <wireshark.h>

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>

#include "ftplens_compat.h"
#include "ftplens_core.h"
#include "ftplens_extract.h"
#include "ftplens_prefs.h"
#include "ftplens_reasm.h"
#include "ftplens_risk.h"
#include "ftplens_tap.h"
#include "ftplens_text.h"

void proto_register_ftplens(void);
void proto_reg_handoff_ftplens(void);

/* The analysis defaults come from the core (ftplens_config_defaults) at registration. */
ftplens_preferences ftplens_prefs = {
    .language = 0,
    .tcp_every_segment = true,
};

static const enum_val_t language_vals[] = {
    { "en", "English", 0 },
    { "ko", "Korean (한국어)", 1 },
    { NULL, NULL, -1 }
};

static int proto_ftplens = -1;
static dissector_handle_t ftplens_handle;
static ftplens_capture *capture;

static int hf_ftplens_session = -1;
static int hf_ftplens_session_user = -1;
static int hf_ftplens_line = -1;
static int hf_ftplens_sender = -1;
static int hf_ftplens_reply_code = -1;
static int hf_ftplens_reply_class = -1;
static int hf_ftplens_reply_class_text = -1;
static int hf_ftplens_reply_category = -1;
static int hf_ftplens_reply_category_text = -1;
static int hf_ftplens_reply_meaning = -1;
static int hf_ftplens_reply_rfc = -1;
static int hf_ftplens_reply_part = -1;
static int hf_ftplens_reply_to = -1;
static int hf_ftplens_reply_to_command = -1;
static int hf_ftplens_reply_time = -1;
static int hf_ftplens_request_command = -1;
static int hf_ftplens_request_arg = -1;
static int hf_ftplens_request_meaning = -1;
static int hf_ftplens_request_rfc = -1;
static int hf_ftplens_request_known = -1;
static int hf_ftplens_request_reply_in = -1;
static int hf_ftplens_request_arg_explained = -1;
static int hf_ftplens_request_index = -1;
static int hf_ftplens_request_reply_not_captured = -1;
static int hf_ftplens_reply_to_index = -1;
static int hf_ftplens_reply_pairing = -1;
static int hf_ftplens_gap = -1;
static int hf_ftplens_gap_sender = -1;

static int hf_ftplens_tcp_step = -1;
static int hf_ftplens_tcp_step_num = -1;
static int hf_ftplens_tcp_conn_role = -1;
static int hf_ftplens_tcp_setup_frame = -1;
static int hf_ftplens_tcp_data_command = -1;
static int hf_ftplens_tcp_isn = -1;
static int hf_ftplens_tcp_peer_isn = -1;
static int hf_ftplens_tcp_seq_rel = -1;
static int hf_ftplens_tcp_ack_rel = -1;
static int hf_ftplens_tcp_next_seq_rel = -1;
static int hf_ftplens_tcp_seq_bytes = -1;
static int hf_ftplens_tcp_ack_bytes = -1;
static int hf_ftplens_tcp_explain = -1;
static int hf_ftplens_tcp_explain_line = -1;
static int hf_ftplens_tcp_ack_ok = -1;
static int hf_ftplens_tcp_syn_rtt = -1;
static int hf_ftplens_tcp_hs_rtt = -1;
static int hf_ftplens_tcp_refers_to = -1;

static int hf_ftplens_risk = -1;
static int hf_ftplens_risk_severity = -1;
static int hf_ftplens_risk_message = -1;
static int hf_ftplens_risk_advice = -1;

static int ett_ftplens = -1;
static int ett_ftplens_risk = -1;
static int ett_ftplens_line = -1;
static int ett_ftplens_tcp = -1;
static int ett_ftplens_explain = -1;

/* One expert item per security check, registered from the core's rule table. */
static expert_field ei_ftplens_risk[FTPLENS_RISK_COUNT];
static expert_field ei_ftplens_command_malformed = EI_INIT;
static expert_field ei_ftplens_reply_unknown_class = EI_INIT;
static expert_field ei_ftplens_address_malformed = EI_INIT;
static expert_field ei_ftplens_line_truncated = EI_INIT;
static expert_field ei_ftplens_pending_overflow = EI_INIT;
static expert_field ei_ftplens_bytes_missing = EI_INIT;
static expert_field ei_ftplens_tcp_ack_unexpected = EI_INIT;
static expert_field ei_ftplens_capture_gap = EI_INIT;
static expert_field ei_ftplens_reply_not_captured = EI_INIT;
static expert_field ei_ftplens_line_partial = EI_INIT;

/* ftplens.reply.pairing: language-neutral values to filter on. */
static const char *const pairing_names[] = { "direct", "inferred", "unknown" };

static const value_string tcp_step_vals[] = {
    { FTPLENS_STEP_SYN, "handshake 1/3: SYN" },
    { FTPLENS_STEP_SYNACK, "handshake 2/3: SYN-ACK" },
    { FTPLENS_STEP_ESTABLISHED, "handshake 3/3: ACK" },
    { FTPLENS_STEP_DATA, "data" },
    { FTPLENS_STEP_ACK_ONLY, "ack only" },
    { FTPLENS_STEP_FIN, "close: FIN" },
    { FTPLENS_STEP_FINAL_ACK, "close: final ACK" },
    { FTPLENS_STEP_RST, "reset (RST)" },
    { FTPLENS_STEP_SYN_RETRANS, "retransmitted SYN" },
    { FTPLENS_STEP_SYNACK_RETRANS, "SYN-ACK retransmission" },
    { FTPLENS_STEP_NO_HANDSHAKE, "no handshake captured" },
    { FTPLENS_STEP_FIN_ACK, "close: ACK of the FIN" },
    { 0, NULL }
};

static const value_string reply_class_vals[] = {
    { 1, "Positive Preliminary" },
    { 2, "Positive Completion" },
    { 3, "Positive Intermediate" },
    { 4, "Transient Negative Completion" },
    { 5, "Permanent Negative Completion" },
    { 6, "Protected" },
    { 0, NULL }
};

static const value_string reply_category_vals[] = {
    { 0, "Syntax" },
    { 1, "Information" },
    { 2, "Connections" },
    { 3, "Authentication and accounting" },
    { 4, "Unspecified" },
    { 5, "File system" },
    { 0, NULL }
};

static const char *const part_names[] = { "single", "first", "continuation", "last" };

static void ftplens_init(void)
{
    if (!proto_is_protocol_enabled(find_protocol_by_id(proto_ftplens)))
        return;
    ftplens_config cfg;
    ftplens_set_language(ftplens_prefs.language == 1 ? "ko" : "en");
    ftplens_config_defaults(&cfg);
    cfg.heuristic = ftplens_prefs.heuristic;
    cfg.mask_passwords = ftplens_prefs.mask_passwords;
    cfg.bruteforce_session = ftplens_prefs.bruteforce_session;     /* 0: the check is off */
    cfg.bruteforce_client = ftplens_prefs.bruteforce_client;
    cfg.bruteforce_window_s = ftplens_prefs.bruteforce_window * 60;
    cfg.arg_max_default = ftplens_prefs.arg_max_default;
    capture = ftplens_capture_new(&cfg);
    set_postdissector_wanted_hfids(ftplens_handle, ftplens_extract_wanted_hfids());
}

static void ftplens_cleanup(void)
{
    set_postdissector_wanted_hfids(ftplens_handle, NULL);
    ftplens_capture_free(capture);
    capture = NULL;
}

/* The bytes a line occupies in this frame, or nothing when unknown. */
static void line_span(tvbuff_t *tvb, const ftplens_frame *f, const ftplens_note *n, int *start, int *len)
{
    *start = 0;
    *len = 0;
    if (!f->payload_offset_known)
        return;
    uint64_t end = (uint64_t)f->payload_offset + n->offset + n->length;
    if (end <= (uint64_t)tvb_captured_length(tvb)) {
        *start = (int)(f->payload_offset + n->offset);
        *len = (int)n->length;
    }
}

/* Wireshark cuts tree labels at a byte limit, which can split a UTF-8
 * character (Korean text): shorten long values for display at a character
 * boundary ourselves; the field keeps the whole value. */
#define FTPLENS_LABEL_MAX 200

static proto_item *add_gen_string(proto_tree *t, int hf, const char *s)
{
    proto_item *pi;
    size_t n = strlen(s);

    if (n <= FTPLENS_LABEL_MAX) {
        pi = proto_tree_add_string(t, hf, NULL, 0, 0, s);
    } else {
        size_t shown = ftplens_utf8_prefix(s, n, FTPLENS_LABEL_MAX);
        pi = proto_tree_add_string_format_value(t, hf, NULL, 0, 0, s, "%.*s\u2026", (int)shown, s);
    }
    proto_item_set_generated(pi);
    return pi;
}

static proto_item *add_gen_uint(proto_tree *t, int hf, uint32_t v)
{
    proto_item *pi = proto_tree_add_uint(t, hf, NULL, 0, 0, v);
    proto_item_set_generated(pi);
    return pi;
}

static void draw_request(proto_tree *lt, proto_item *li, packet_info *pinfo, const ftplens_note *n)
{
    proto_item *pi;

    proto_item_append_text(li, ": %s %s", n->verb,
                           n->command ? T(n->command->meaning) : T("(not an FTP command in any registry)"));
    add_gen_string(lt, hf_ftplens_request_command, n->verb);
    if (n->arg && *n->arg)
        add_gen_string(lt, hf_ftplens_request_arg, n->arg);
    add_gen_string(lt, hf_ftplens_request_meaning,
                   n->command ? T(n->command->meaning) : T("not defined by any RFC or registry"));
    add_gen_string(lt, hf_ftplens_request_rfc, n->command ? n->command->rfc : "none");
    pi = proto_tree_add_boolean(lt, hf_ftplens_request_known, NULL, 0, 0, n->command != NULL);
    proto_item_set_generated(pi);
    add_gen_uint(lt, hf_ftplens_request_index, n->index);
    if (n->reply_lost) {
        pi = proto_tree_add_boolean(lt, hf_ftplens_request_reply_not_captured, NULL, 0, 0, true);
        proto_item_set_generated(pi);
        expert_add_info_format(pinfo, pi, &ei_ftplens_reply_not_captured, "%s",
                               T("The final reply to this command was not captured (it fell into a capture gap)"));
    }
    if (n->reply_in) {
        pi = proto_tree_add_uint(lt, hf_ftplens_request_reply_in, NULL, 0, 0, n->reply_in);
        proto_item_set_generated(pi);
    }
    if (n->arg_explained) {
        pi = add_gen_string(lt, hf_ftplens_request_arg_explained, n->arg_explained);
        if (n->problems & FTPLENS_PROB_BAD_ADDRESS_ARG)
            expert_add_info_format(pinfo, pi, &ei_ftplens_address_malformed, "%s", n->arg_explained);
    }
    if (n->problems & FTPLENS_PROB_PENDING_OVERFLOW)
        expert_add_info_format(pinfo, li, &ei_ftplens_pending_overflow, "%s",
                               T("More than 64 commands are waiting for a reply; the oldest is no longer tracked"));
}

/* reply.to, reply.to_command and reply.time of a reply line answering a command. */
static void draw_pairing(proto_tree *lt, const ftplens_note *n)
{
    nstime_t delta;

    add_gen_string(lt, hf_ftplens_reply_pairing, pairing_names[n->pairing]);
    if (n->answers != FTPLENS_ANSWERS_COMMAND)
        return;
    add_gen_uint(lt, hf_ftplens_reply_to, n->to_frame);
    if (n->to_command)
        add_gen_string(lt, hf_ftplens_reply_to_command, n->to_command);
    add_gen_uint(lt, hf_ftplens_reply_to_index, n->to_index);
    delta.secs = (time_t)(n->reply_time_ns / 1000000000);
    delta.nsecs = (int)(n->reply_time_ns % 1000000000);
    proto_item *ti = proto_tree_add_time(lt, hf_ftplens_reply_time, NULL, 0, 0, &delta);
    proto_item_set_generated(ti);
}

static void draw_reply(proto_tree *lt, proto_item *li, packet_info *pinfo, const ftplens_note *n)
{
    const ftplens_reply_info *r = &n->reply;
    proto_item *pi;

    proto_item_append_text(li, ": %u %s / %s: %s", r->code, r->class_text, r->category_text, r->meaning);
    if (n->answers == FTPLENS_ANSWERS_COMMAND && n->to_command)
        proto_item_append_text(li, T(" (answers %s in frame %u)"), n->to_command, n->to_frame);
    else if (n->answers == FTPLENS_ANSWERS_COMMAND)
        proto_item_append_text(li, T(" (answers the client line in frame %u)"), n->to_frame);
    else if (n->answers == FTPLENS_ANSWERS_LOST)
        proto_item_append_text(li, "%s", T(" (answers a command that was not captured)"));
    else if (n->answers == FTPLENS_ANSWERS_GREETING)
        proto_item_append_text(li, "%s", T(" (greeting, answers no command)"));
    else
        proto_item_append_text(li, "%s", T(" (unsolicited, answers no command)"));

    add_gen_uint(lt, hf_ftplens_reply_code, r->code);
    pi = add_gen_uint(lt, hf_ftplens_reply_class, r->reply_class);
    add_gen_string(lt, hf_ftplens_reply_class_text, r->class_text);
    add_gen_uint(lt, hf_ftplens_reply_category, r->category);
    add_gen_string(lt, hf_ftplens_reply_category_text, r->category_text);
    add_gen_string(lt, hf_ftplens_reply_meaning, r->meaning);
    add_gen_string(lt, hf_ftplens_reply_rfc, r->rfc);
    add_gen_string(lt, hf_ftplens_reply_part, part_names[n->part]);
    draw_pairing(lt, n);
    if (n->arg_explained) {
        proto_item *ai = add_gen_string(lt, hf_ftplens_request_arg_explained, n->arg_explained);
        if (n->problems & FTPLENS_PROB_BAD_ADDRESS_ARG)
            expert_add_info_format(pinfo, ai, &ei_ftplens_address_malformed, "%s", n->arg_explained);
    }
    if ((n->problems & FTPLENS_PROB_UNKNOWN_CLASS) && n->part != FTPLENS_PART_CONTINUATION &&
        n->part != FTPLENS_PART_LAST)
        expert_add_info_format(pinfo, pi, &ei_ftplens_reply_unknown_class,
                               T("Reply code %03u: first digit %u / second digit %u is not a class/category defined by any RFC"),
                               r->code, r->reply_class, r->category);
}

static proto_item *add_gen_time(proto_tree *t, int hf, int64_t ns)
{
    nstime_t d;
    d.secs = (time_t)(ns / 1000000000);
    d.nsecs = (int)(ns % 1000000000);
    proto_item *pi = proto_tree_add_time(t, hf, NULL, 0, 0, &d);
    proto_item_set_generated(pi);
    return pi;
}

/* Tree labels are cut at 240 bytes: show an explanation longer than a label
 * sentence by sentence too (the ftplens.tcp.explain field keeps the whole
 * text for -T fields). */
static void add_sentences(proto_tree *t, const char *text)
{
    const char *p = text;

    while (*p) {
        const char *q = p;
        int depth = 0;
        /* A sentence ends at '. ' or '; ' outside brackets. */
        for (; *q; q++) {
            if (*q == '(')
                depth++;
            else if (*q == ')' && depth > 0)
                depth--;
            else if ((*q == '.' || *q == ';') && depth == 0 && (q[1] == ' ' || q[1] == '\0'))
                break;
        }
        size_t n = *q ? (size_t)(q - p) + 1 : (size_t)(q - p);
        size_t shown = ftplens_utf8_prefix(p, n, FTPLENS_LABEL_MAX);
        proto_item *pi = proto_tree_add_string_format(t, hf_ftplens_tcp_explain_line, NULL, 0, 0, "",
                                                      "%.*s", (int)shown, p);
        proto_item_set_generated(pi);
        p += n;
        while (*p == ' ')
            p++;
    }
}

static void draw_tcp(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, const ftplens_frame *f)
{
    const ftplens_tcp_note *n = &f->tcp;
    char hex[12];
    proto_item *pi;

    proto_item *ti = add_gen_string(t, hf_ftplens_tcp_step, n->step_text);
    proto_tree *tt = proto_item_add_subtree(ti, ett_ftplens_tcp);
    add_gen_uint(tt, hf_ftplens_tcp_step_num, n->step);
    add_gen_string(tt, hf_ftplens_tcp_conn_role, ftplens_frame_role(f));
    if (ftplens_frame_setup_frame(f))
        add_gen_uint(tt, hf_ftplens_tcp_setup_frame, ftplens_frame_setup_frame(f));
    if (ftplens_frame_data_command(f))
        add_gen_string(tt, hf_ftplens_tcp_data_command, ftplens_frame_data_command(f));
    add_gen_uint(tt, hf_ftplens_tcp_isn, n->isn);
    if (n->has_peer_isn)
        add_gen_uint(tt, hf_ftplens_tcp_peer_isn, n->peer_isn);
    add_gen_uint(tt, hf_ftplens_tcp_seq_rel, n->seq_rel);
    ftplens_tcp_hex_bytes(n->seq_raw, hex);
    add_gen_string(tt, hf_ftplens_tcp_seq_bytes, hex);
    if (n->has_ack) {
        add_gen_uint(tt, hf_ftplens_tcp_ack_rel, n->ack_rel);
        ftplens_tcp_hex_bytes(n->ack_raw, hex);
        add_gen_string(tt, hf_ftplens_tcp_ack_bytes, hex);
    }
    add_gen_uint(tt, hf_ftplens_tcp_next_seq_rel, n->next_seq_rel);
    if (n->ref_frame)
        add_gen_uint(tt, hf_ftplens_tcp_refers_to, n->ref_frame);
    if (n->has_syn_rtt)
        add_gen_time(tt, hf_ftplens_tcp_syn_rtt, n->syn_rtt_ns);
    if (n->has_hs_rtt)
        add_gen_time(tt, hf_ftplens_tcp_hs_rtt, n->hs_rtt_ns);
    if (n->has_ack_ok) {
        pi = proto_tree_add_boolean(tt, hf_ftplens_tcp_ack_ok, NULL, 0, 0, n->ack_ok);
        proto_item_set_generated(pi);
        if (!n->ack_ok)
            expert_add_info_format(pinfo, pi, &ei_ftplens_tcp_ack_unexpected, T("%s: expected %s"),
                                   n->step_text, n->ack_expected ? n->ack_expected : T("other numbers"));
    }
    /* The sentence is the dearest item: write it only when it is shown or used
     * (not, e.g., in the first pass of tshark -2 -Y ftplens.risk). */
    if (!proto_field_is_referenced(tt, hf_ftplens_tcp_explain))
        return;
    const uint8_t *payload = NULL;
    if (n->lazy == FTPLENS_LAZY_LINES && f->payload_offset_known &&
        (uint64_t)f->payload_offset + n->len <= tvb_captured_length(tvb))
        payload = tvb_get_ptr(tvb, (int)f->payload_offset, (int)n->len);
    char *explain = ftplens_tcp_explain_payload(n, payload, n->len);
    if (*explain) {
        pi = add_gen_string(tt, hf_ftplens_tcp_explain, explain);
        /* Most explanations fit in their label; the others are cut there. */
        if (strlen(explain) > FTPLENS_LABEL_MAX)
            add_sentences(proto_item_add_subtree(pi, ett_ftplens_explain), explain);
    }
    g_free(explain);
}

static void draw_findings(proto_tree *t, packet_info *pinfo, const ftplens_frame *f)
{
    for (const ftplens_finding *fd = f->findings; fd; fd = fd->next) {
        const ftplens_risk_rule *rule = &ftplens_risk_rules[fd->id];
        char label[FTPLENS_LABEL_MAX + 4], text[800];
        /* A later frame settles a login outcome: known once the capture was read through. */
        const char *message = ftplens_finding_text(fd, PINFO_FD_VISITED(pinfo), text, sizeof text);
        g_snprintf(label, sizeof label, "%s (%s): %s", rule->id, T(ftplens_severity_text(rule->severity)), message);
        size_t len = strlen(label);
        if (len >= FTPLENS_LABEL_MAX)
            memcpy(label + ftplens_utf8_prefix(label, len, FTPLENS_LABEL_MAX - 3), "\u2026", 4);
        proto_item *ri = proto_tree_add_string_format_value(t, hf_ftplens_risk, NULL, 0, 0, rule->id, "%s", label);
        proto_item_set_generated(ri);
        proto_tree *rt = proto_item_add_subtree(ri, ett_ftplens_risk);
        add_gen_string(rt, hf_ftplens_risk_severity, ftplens_severity_text(rule->severity));
        add_gen_string(rt, hf_ftplens_risk_message, message);
        add_gen_string(rt, hf_ftplens_risk_advice, T(rule->advice));
        expert_add_info_format(pinfo, ri, &ei_ftplens_risk[fd->id], "%s", message);
    }
}

/* An ACK or a data segment in the middle of a connection, with nothing wrong
 * and no FTP line: what ftplens.tcp_every_segment:FALSE leaves unexplained. */
static bool plain_segment(const ftplens_frame *f)
{
    const ftplens_tcp_note *n = &f->tcp;
    return !f->notes && (n->step == FTPLENS_STEP_DATA || n->step == FTPLENS_STEP_ACK_ONLY) &&
           (!n->has_ack_ok || n->ack_ok);
}

/* The fields of the TCP teaching and of the FTP lines (filled at registration
 * from the field names): a section none of whose fields is shown or used is
 * not drawn, e.g. in the first pass of tshark -2 -Y ftplens.risk. */
#define SECTION_MAX 32
static int tcp_section[SECTION_MAX], line_section[SECTION_MAX];
static unsigned tcp_section_n, line_section_n;

static bool section_wanted(proto_tree *t, const int *hfs, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (proto_field_is_referenced(t, hfs[i]))
            return true;
    }
    return false;
}

static void register_sections(const hf_register_info *hf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *name = hf[i].hfinfo.abbrev;
        if (g_str_has_prefix(name, "ftplens.tcp.") && tcp_section_n < SECTION_MAX)
            tcp_section[tcp_section_n++] = *hf[i].p_id;
        else if ((g_str_has_prefix(name, "ftplens.line") || g_str_has_prefix(name, "ftplens.sender") ||
                  g_str_has_prefix(name, "ftplens.reply.") || g_str_has_prefix(name, "ftplens.request.")) &&
                 line_section_n < SECTION_MAX)
            line_section[line_section_n++] = *hf[i].p_id;
    }
}

static bool tcp_has_expert(const ftplens_frame *f)
{
    return f->has_tcp && f->tcp.has_ack_ok && !f->tcp.ack_ok;
}

static bool lines_have_experts(const ftplens_frame *f)
{
    for (const ftplens_note *n = f->notes; n; n = n->next) {
        if (n->problems || n->kind == FTPLENS_NOTE_BAD_REQUEST || n->kind == FTPLENS_NOTE_BAD_REPLY ||
            n->kind == FTPLENS_NOTE_PARTIAL || n->reply_lost)
            return true;
    }
    return false;
}

/* Capture gaps found on this frame: bytes of one direction the capture does not hold. */
static void draw_gaps(proto_tree *t, packet_info *pinfo, const ftplens_frame *f)
{
    for (int d = 0; d < 2; d++) {
        uint32_t bytes = f->gap_bytes[d];
        if (!bytes)
            continue;
        proto_item *gi = proto_tree_add_uint_format_value(t, hf_ftplens_gap, NULL, 0, 0, bytes,
            d ? T("%u bytes server to client not captured") : T("%u bytes client to server not captured"), bytes);
        proto_item_set_generated(gi);
        proto_tree *gt = proto_item_add_subtree(gi, ett_ftplens_line);
        add_gen_string(gt, hf_ftplens_gap_sender, d ? "server" : "client");
        if (d)
            expert_add_info_format(pinfo, gi, &ei_ftplens_capture_gap,
                T("Capture gap: %u bytes server to client not captured; replies may be missing; pairing resynchronised by reply code and ACK"),
                bytes);
        else
            expert_add_info_format(pinfo, gi, &ei_ftplens_capture_gap,
                T("Capture gap: %u bytes client to server not captured; a command and its reply may be missing; pairing resynchronised by reply code and ACK"),
                bytes);
    }
}

static void draw_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const ftplens_frame *f)
{
    proto_item *ti = proto_tree_add_item(tree, proto_ftplens, tvb, 0, 0, ENC_NA);
    proto_tree *t = proto_item_add_subtree(ti, ett_ftplens);
    unsigned i = 0;

    proto_item_set_generated(ti);
    add_gen_uint(t, hf_ftplens_session, f->session_id);
    if (f->user)
        add_gen_string(t, hf_ftplens_session_user, f->user);
    draw_gaps(t, pinfo, f);
    draw_findings(t, pinfo, f);
    if (f->has_tcp && (ftplens_prefs.tcp_every_segment || !plain_segment(f)) &&
        (tcp_has_expert(f) || section_wanted(t, tcp_section, tcp_section_n)))
        draw_tcp(t, tvb, pinfo, f);

    if (f->notes && !lines_have_experts(f) && !section_wanted(t, line_section, line_section_n))
        return;
    for (const ftplens_note *n = f->notes; n; n = n->next, i++) {
        int start, len;
        line_span(tvb, f, n, &start, &len);
        proto_item *li = proto_tree_add_string(t, hf_ftplens_line, tvb, start, len, n->text);
        proto_tree *lt = proto_item_add_subtree(li, ett_ftplens_line);
        add_gen_string(lt, hf_ftplens_sender, n->from_server ? "server" : "client");
        proto_item_set_text(li, T("%s line %u of this segment%s"), n->from_server ? T("Reply") : T("Command"),
                            i + 1, n->began_earlier ? T(" (began in an earlier segment)") : "");
        switch (n->kind) {
        case FTPLENS_NOTE_REQUEST:
            draw_request(lt, li, pinfo, n);
            break;
        case FTPLENS_NOTE_REPLY:
            draw_reply(lt, li, pinfo, n);
            break;
        case FTPLENS_NOTE_BAD_REPLY:
            /* The expert item comes with the reply_malformed finding below. */
            proto_item_append_text(li, T(": not a valid FTP reply (%s)"), T(n->problem_text));
            draw_pairing(lt, n);
            break;
        case FTPLENS_NOTE_BAD_REQUEST:
            proto_item_append_text(li, "%s", T(": not an FTP command"));
            add_gen_uint(lt, hf_ftplens_request_index, n->index);
            if (n->reply_in) {
                proto_item *ri = proto_tree_add_uint(lt, hf_ftplens_request_reply_in, NULL, 0, 0, n->reply_in);
                proto_item_set_generated(ri);
            }
            expert_add_info_format(pinfo, li, &ei_ftplens_command_malformed,
                                   T("Not an FTP command '%.40s': %s"), n->text, T(n->problem_text));
            break;
        case FTPLENS_NOTE_PARTIAL:
            proto_item_set_text(li, T("%s line %u of this segment: only its end was captured"),
                                n->from_server ? T("Reply") : T("Command"), i + 1);
            expert_add_info(pinfo, li, &ei_ftplens_line_partial);
            break;
        }
        if (n->problems & FTPLENS_PROB_LINE_TRUNCATED)
            expert_add_info_format(pinfo, li, &ei_ftplens_line_truncated,
                                   T("Line of %llu bytes: only the first %u bytes are analysed"),
                                   (unsigned long long)n->full_len, (unsigned)FTPLENS_MAX_LINE);
        if ((n->problems & FTPLENS_PROB_AFTER_GAP) && n->kind != FTPLENS_NOTE_PARTIAL)
            expert_add_info(pinfo, li, &ei_ftplens_bytes_missing);
    }
}

static bool frame_has_experts(const ftplens_frame *f)
{
    return f->findings || f->gap_bytes[0] || f->gap_bytes[1] || tcp_has_expert(f) || lines_have_experts(f);
}

static int dissect_ftplens(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    const ftplens_frame *f;
    uint32_t stream;

    if (pinfo->ptype != PT_TCP || !capture)
        return 0;
    /* Key 0: a whole result; key 1: the compact record of a plain segment. */
    f = p_get_proto_data(wmem_file_scope(), pinfo, proto_ftplens, 0);
    if (!f && PINFO_FD_VISITED(pinfo)) {
        const ftplens_plain *p = p_get_proto_data(wmem_file_scope(), pinfo, proto_ftplens, 1);
        if (p) {
            ftplens_frame *x = wmem_new(pinfo->pool, ftplens_frame);
            ftplens_plain_expand(p, x);
            f = x;
        } else {
            f = ftplens_capture_late_frame(capture, pinfo->num);
        }
    } else if (!f) {
        ftplens_segment seg;
        if (!ftplens_extract_stream(tree, &stream) || ftplens_capture_stream_ignored(capture, stream))
            return 0;
        if (!ftplens_extract_segment(pinfo, tree, tvb, stream, &seg))
            return 0;
        f = ftplens_capture_segment(capture, &seg);
        if (!f)
            return 0;
        bool from_server;
        if (ftplens_frame_wants_link(f, &from_server)) {
            ftplens_link link;
            ftplens_extract_link(pinfo, tree, &link);
            ftplens_frame_set_link(f, from_server, &link);
        }
        const ftplens_plain *p = ftplens_capture_plain(capture, f);
        if (p) {
            /* f is the core's scratch: the tap reads it after this call. */
            f = wmem_memdup(pinfo->pool, f, sizeof *f);
            p_add_proto_data(wmem_file_scope(), pinfo, proto_ftplens, 1, (void *)p);
        } else {
            p_add_proto_data(wmem_file_scope(), pinfo, proto_ftplens, 0, (void *)f);
        }
    }
    if (!f || !ftplens_frame_shown(f))
        return 0;
    /* Building the subtree is most of the cost: skip it when nothing shows or uses
     * ftplens fields (e.g. tshark -T fields without ftplens fields), but keep the
     * frames that carry expert items, for -z expert. */
    if (proto_field_is_referenced(tree, proto_ftplens) || frame_has_experts(f))
        draw_frame(tvb, pinfo, tree, f);
    ftplens_tap_queue(pinfo, f);
    return tvb_captured_length(tvb);
}

static int risk_group(ftplens_group g)
{
    switch (g) {
    case FTPLENS_GROUP_PROTOCOL: return PI_PROTOCOL;
    case FTPLENS_GROUP_MALFORMED: return PI_MALFORMED;
    default: return PI_SECURITY;
    }
}

static int risk_severity(ftplens_severity s)
{
    static const int map[] = { PI_CHAT, PI_NOTE, PI_WARN, PI_ERROR };
    return map[s];
}

/* ftplens.risk.<id>, one per row of the core's rule table. */
static void register_risk_experts(expert_module_t *expert)
{
    ei_register_info *ei = g_new0(ei_register_info, FTPLENS_RISK_COUNT);
    for (int i = 0; i < FTPLENS_RISK_COUNT; i++) {
        const ftplens_risk_rule *r = &ftplens_risk_rules[i];
        expert_field init = EI_INIT;
        ei_ftplens_risk[i] = init;
        ei[i].ids = &ei_ftplens_risk[i];
        ei[i].eiinfo.name = g_strdup_printf("ftplens.risk.%s", r->id);
        ei[i].eiinfo.group = risk_group(r->group);
        ei[i].eiinfo.severity = risk_severity(r->severity);
        ei[i].eiinfo.summary = r->trigger;
    }
    expert_register_field_array(expert, ei, FTPLENS_RISK_COUNT);
}

void proto_register_ftplens(void)
{
    static hf_register_info hf[] = {
        { &hf_ftplens_session,
          { "Session", "ftplens.session", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The FTP control connection (its tcp.stream)", HFILL } },
        { &hf_ftplens_session_user,
          { "User", "ftplens.session.user", FT_STRING, BASE_NONE, NULL, 0x0,
            "The last USER name sent in this session", HFILL } },
        { &hf_ftplens_line,
          { "Line", "ftplens.line", FT_STRING, BASE_NONE, NULL, 0x0,
            "One FTP control line as ftplens reassembled it (without CR LF)", HFILL } },
        { &hf_ftplens_sender,
          { "Sent by", "ftplens.sender", FT_STRING, BASE_NONE, NULL, 0x0,
            "server or client: who sent this line", HFILL } },
        { &hf_ftplens_reply_code,
          { "Reply code", "ftplens.reply.code", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ftplens_reply_class,
          { "Reply class", "ftplens.reply.class", FT_UINT32, BASE_DEC, VALS(reply_class_vals), 0x0,
            "First digit of the reply code", HFILL } },
        { &hf_ftplens_reply_class_text,
          { "Reply class text", "ftplens.reply.class_text", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ftplens_reply_category,
          { "Reply category", "ftplens.reply.category", FT_UINT32, BASE_DEC, VALS(reply_category_vals), 0x0,
            "Second digit of the reply code", HFILL } },
        { &hf_ftplens_reply_category_text,
          { "Reply category text", "ftplens.reply.category_text", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ftplens_reply_meaning,
          { "Meaning", "ftplens.reply.meaning", FT_STRING, BASE_NONE, NULL, 0x0,
            "What this code means (for the command it answers)", HFILL } },
        { &hf_ftplens_reply_rfc,
          { "Defined in", "ftplens.reply.rfc", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ftplens_reply_part,
          { "Part", "ftplens.reply.part", FT_STRING, BASE_NONE, NULL, 0x0,
            "single, or first / continuation / last line of a multi-line reply", HFILL } },
        { &hf_ftplens_reply_to,
          { "Answers the command in frame", "ftplens.reply.to", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, NULL, HFILL } },
        { &hf_ftplens_reply_to_command,
          { "Answers command", "ftplens.reply.to_command", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ftplens_reply_time,
          { "Time since command", "ftplens.reply.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ftplens_request_command,
          { "Command", "ftplens.request.command", FT_STRING, BASE_NONE, NULL, 0x0, "Upper-cased verb", HFILL } },
        { &hf_ftplens_request_arg,
          { "Argument", "ftplens.request.arg", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ftplens_request_meaning,
          { "Meaning", "ftplens.request.meaning", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ftplens_request_rfc,
          { "Defined in", "ftplens.request.rfc", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ftplens_request_known,
          { "Known command", "ftplens.request.known", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The verb is in the IANA FTP command registry (or a common extension)", HFILL } },
        { &hf_ftplens_request_reply_in,
          { "Final reply in frame", "ftplens.request.reply_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, "Needs two passes (tshark -2) or the GUI", HFILL } },
        { &hf_ftplens_risk,
          { "Security finding", "ftplens.risk", FT_STRING, BASE_NONE, NULL, 0x0,
            "The id of a security check that fired on this frame (several per frame possible)", HFILL } },
        { &hf_ftplens_risk_severity,
          { "Severity", "ftplens.risk.severity", FT_STRING, BASE_NONE, NULL, 0x0,
            "Chat, Note, Warning or Error", HFILL } },
        { &hf_ftplens_risk_message,
          { "Finding", "ftplens.risk.message", FT_STRING, BASE_NONE, NULL, 0x0,
            "What happened, with its evidence", HFILL } },
        { &hf_ftplens_risk_advice,
          { "Countermeasure", "ftplens.risk.advice", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ftplens_tcp_step,
          { "TCP step", "ftplens.tcp.step", FT_STRING, BASE_NONE, NULL, 0x0,
            "Where this segment stands in the connection's life (handshake, data, close)", HFILL } },
        { &hf_ftplens_tcp_step_num,
          { "TCP step number", "ftplens.tcp.step_num", FT_UINT32, BASE_DEC, VALS(tcp_step_vals), 0x0,
            "1-3: the three handshake steps", HFILL } },
        { &hf_ftplens_tcp_conn_role,
          { "Connection role", "ftplens.tcp.conn_role", FT_STRING, BASE_NONE, NULL, 0x0,
            "FTP control or FTP data (passive/active, for which transfer)", HFILL } },
        { &hf_ftplens_tcp_setup_frame,
          { "Data connection announced in frame", "ftplens.tcp.setup_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "The PORT/EPRT command or 227/229 reply that announced this data connection", HFILL } },
        { &hf_ftplens_tcp_data_command,
          { "Transfer command", "ftplens.tcp.data_command", FT_STRING, BASE_NONE, NULL, 0x0,
            "The command this data connection serves (RETR, STOR, LIST...)", HFILL } },
        { &hf_ftplens_tcp_isn,
          { "ISN of the sender", "ftplens.tcp.isn", FT_UINT32, BASE_HEX_DEC, NULL, 0x0,
            "Raw initial sequence number of this segment's sender (first number seen when no SYN was captured)", HFILL } },
        { &hf_ftplens_tcp_peer_isn,
          { "ISN of the peer", "ftplens.tcp.peer_isn", FT_UINT32, BASE_HEX_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ftplens_tcp_seq_rel,
          { "Relative sequence number", "ftplens.tcp.seq_rel", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Raw sequence number minus the sender's ISN (computed by ftplens)", HFILL } },
        { &hf_ftplens_tcp_ack_rel,
          { "Relative acknowledgment number", "ftplens.tcp.ack_rel", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Raw acknowledgment number minus the peer's ISN (computed by ftplens)", HFILL } },
        { &hf_ftplens_tcp_next_seq_rel,
          { "Next relative sequence number", "ftplens.tcp.next_seq_rel", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Sequence number + Len (+1 for a SYN or FIN)", HFILL } },
        { &hf_ftplens_tcp_seq_bytes,
          { "Raw sequence number bytes", "ftplens.tcp.seq_bytes", FT_STRING, BASE_NONE, NULL, 0x0,
            "As they are on the wire, e.g. 62 6b f2 f7", HFILL } },
        { &hf_ftplens_tcp_ack_bytes,
          { "Raw acknowledgment number bytes", "ftplens.tcp.ack_bytes", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ftplens_tcp_explain,
          { "Explanation", "ftplens.tcp.explain", FT_STRING, BASE_NONE, NULL, 0x0,
            "The arithmetic of this segment with its real numbers", HFILL } },
        { &hf_ftplens_tcp_explain_line,
          { "Explanation sentence", "ftplens.tcp.explain.sentence", FT_STRING, BASE_NONE, NULL, 0x0,
            "One sentence of ftplens.tcp.explain, for reading in the tree", HFILL } },
        { &hf_ftplens_tcp_ack_ok,
          { "Numbers as expected", "ftplens.tcp.ack_ok", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Handshake steps 2 and 3 and close ACKs: the acknowledgment is what the peer's SYN/FIN requires", HFILL } },
        { &hf_ftplens_tcp_syn_rtt,
          { "SYN to SYN-ACK", "ftplens.tcp.syn_rtt", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ftplens_tcp_hs_rtt,
          { "Handshake time (SYN to ACK)", "ftplens.tcp.hs_rtt", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_ftplens_tcp_refers_to,
          { "Refers to frame", "ftplens.tcp.refers_to", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "The SYN-ACK this ACK completes, or the FIN it acknowledges", HFILL } },
        { &hf_ftplens_request_arg_explained,
          { "Address explained", "ftplens.request.arg_explained", FT_STRING, BASE_NONE, NULL, 0x0,
            "PORT/EPRT argument or 227/229 reply decoded", HFILL } },
        { &hf_ftplens_request_index,
          { "Command number", "ftplens.request.index", FT_UINT32, BASE_DEC, NULL, 0x0,
            "1, 2, 3... for the client lines of this session (a command lost in a capture gap has none)", HFILL } },
        { &hf_ftplens_request_reply_not_captured,
          { "Reply not captured", "ftplens.request.reply_not_captured", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The final reply to this command fell into a capture gap", HFILL } },
        { &hf_ftplens_reply_to_index,
          { "Answers command number", "ftplens.reply.to_index", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The ftplens.request.index of the command this reply answers", HFILL } },
        { &hf_ftplens_reply_pairing,
          { "Pairing", "ftplens.reply.pairing", FT_STRING, BASE_NONE, NULL, 0x0,
            "direct: nothing was lost since the commands were last all answered; inferred: resynchronised across a "
            "capture gap by ACK and reply code; unknown: the command was not captured or cannot be told", HFILL } },
        { &hf_ftplens_gap,
          { "Capture gap", "ftplens.gap", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Bytes of one direction that were sent (the peer acknowledged them) but are not in the capture", HFILL } },
        { &hf_ftplens_gap_sender,
          { "Missing bytes sent by", "ftplens.gap.sender", FT_STRING, BASE_NONE, NULL, 0x0,
            "client or server", HFILL } },
    };
    static int *ett[] = { &ett_ftplens, &ett_ftplens_risk, &ett_ftplens_line, &ett_ftplens_tcp, &ett_ftplens_explain };
    static ei_register_info ei[] = {
        { &ei_ftplens_command_malformed,
          { "ftplens.request.malformed", PI_MALFORMED, PI_WARN, "Client line is not an FTP command", EXPFILL } },
        { &ei_ftplens_reply_unknown_class,
          { "ftplens.reply.unknown_class", PI_PROTOCOL, PI_WARN, "Reply code outside the RFC classes/categories", EXPFILL } },
        { &ei_ftplens_address_malformed,
          { "ftplens.address.malformed", PI_MALFORMED, PI_WARN, "Malformed PORT/EPRT/227/229 address", EXPFILL } },
        { &ei_ftplens_line_truncated,
          { "ftplens.line.too_long", PI_PROTOCOL, PI_NOTE, "FTP line too long; only its start is analysed", EXPFILL } },
        { &ei_ftplens_pending_overflow,
          { "ftplens.pending.overflow", PI_SEQUENCE, PI_NOTE, "Too many commands without a reply", EXPFILL } },
        { &ei_ftplens_tcp_ack_unexpected,
          { "ftplens.tcp.ack_unexpected", PI_SEQUENCE, PI_WARN,
            "TCP numbers differ from what the handshake or close requires", EXPFILL } },
        { &ei_ftplens_bytes_missing,
          { "ftplens.bytes_missing", PI_SEQUENCE, PI_NOTE,
            "Bytes before this line were not captured; the line may be incomplete", EXPFILL } },
        { &ei_ftplens_capture_gap,
          { "ftplens.capture_gap", PI_SEQUENCE, PI_NOTE,
            "Bytes of this connection were not captured (capture gap)", EXPFILL } },
        { &ei_ftplens_reply_not_captured,
          { "ftplens.reply_not_captured", PI_SEQUENCE, PI_NOTE,
            "The final reply to this command was not captured", EXPFILL } },
        { &ei_ftplens_line_partial,
          { "ftplens.line.partial", PI_SEQUENCE, PI_NOTE,
            "Only the end of this line was captured: it is neither paired nor explained", EXPFILL } },
    };
    module_t *module;
    expert_module_t *expert;

    proto_ftplens = proto_register_protocol("FTP Lens (explained FTP)", "FTP Lens", "ftplens");
    proto_register_field_array(proto_ftplens, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert = expert_register_protocol(proto_ftplens);
    expert_register_field_array(expert, ei, array_length(ei));
    register_risk_experts(expert);
    register_sections(hf, array_length(hf));

    ftplens_config defaults;
    ftplens_config_defaults(&defaults);
    ftplens_prefs.heuristic = defaults.heuristic;
    ftplens_prefs.mask_passwords = defaults.mask_passwords;
    ftplens_prefs.bruteforce_session = defaults.bruteforce_session;
    ftplens_prefs.bruteforce_client = defaults.bruteforce_client;
    ftplens_prefs.bruteforce_window = defaults.bruteforce_window_s / 60;
    ftplens_prefs.arg_max_default = defaults.arg_max_default;

    module = prefs_register_protocol(proto_ftplens, NULL);
    prefs_register_bool_preference(module, "heuristic", "Find FTP on any port",
        "Treat a TCP connection whose server greets with a 220 reply followed by FTP commands as FTP, "
        "whatever the port (e.g. pyftpdlib on 2121)", &ftplens_prefs.heuristic);

    prefs_register_enum_preference(module, "language", "Language of explanations",
        "Language of meanings, explanations, findings, advice and the report (English or Korean)",
        &ftplens_prefs.language, language_vals, FALSE);
    prefs_register_bool_preference(module, "mask_passwords", "Mask passwords",
        "Show PASS arguments as ******** in the tree, the fields, the findings and the report (off by default: "
        "the lesson is that they are visible)", &ftplens_prefs.mask_passwords);
    prefs_register_bool_preference(module, "tcp_every_segment", "Explain every TCP segment",
        "Put the ftplens.tcp items (step, relative numbers, explanation) on every segment of FTP connections; "
        "when off, plain ACKs and data segments without an FTP line are left to the TCP dissector, which makes "
        "big captures cheaper to read", &ftplens_prefs.tcp_every_segment);
    prefs_register_uint_preference(module, "bruteforce_session", "Brute force: failures per session",
        "Failed logins in one FTP session that count as brute force (0: off)", 10, &ftplens_prefs.bruteforce_session);
    prefs_register_uint_preference(module, "bruteforce_client", "Brute force: failures per client",
        "Failed logins from one client address, over all its sessions, within the window below (0: off)", 10,
        &ftplens_prefs.bruteforce_client);
    prefs_register_uint_preference(module, "bruteforce_window", "Brute force: window (minutes)",
        "The time window for failures per client", 10, &ftplens_prefs.bruteforce_window);
    prefs_register_uint_preference(module, "arg_max_default", "Argument length limit",
        "Longest argument accepted for commands without their own limit (Snort's default is 100; RETR/STOR 200, "
        "CWD/RNTO 256, SIZE 512, PORT/EPRT 400)", 10, &ftplens_prefs.arg_max_default);

    ftplens_handle = register_dissector("ftplens", dissect_ftplens, proto_ftplens);
    register_postdissector(ftplens_handle);
    register_init_routine(ftplens_init);
    ftplens_tap_register(&capture);
    register_cleanup_routine(ftplens_cleanup);
}

void proto_reg_handoff_ftplens(void)
{
    ftplens_extract_register();
}
