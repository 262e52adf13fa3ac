/* packet-ftplens.c - FTP Lens post-dissector: registration and drawing.
 *
 * The analysis lives in ../core (plain C + GLib).  This file registers
 * fields, expert items and preferences, hands each TCP segment of the first
 * pass to the core (which keeps the frame's result, found again by frame
 * number) and draws the tree from that kept result on every pass.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "ftplens"

#include <stdio.h>

#include <wireshark.h>

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <wsutil/report_message.h>

#include "ftplens_compat.h"
#include "ftplens_core.h"
#include "ftplens_extract.h"
#include "ftplens_prefs.h"
#include "ftplens_reasm.h"
#include "ftplens_risk.h"
#include "ftplens_tap.h"
#include "ftplens_text.h"
#include "ftplens_zeeklog.h"

void proto_register_ftplens(void);
void proto_reg_handoff_ftplens(void);

/* The analysis defaults come from the core (ftplens_config_defaults) at registration. */
ftplens_preferences ftplens_prefs = {
    .language = 0,
    .tcp_every_segment = true,
    .info_column = true,
    .expand_subtree = false,
    .language_text = "en",
};

/* The accepted spellings of ftplens.language and ftplens.mask_passwords, in
 * any ASCII case; -1 for anything else. */
static int language_from_text(const char *text)
{
    static const struct { const char *name; int language; } names[] = {
        { "en", 0 }, { "English", 0 }, { "ko", 1 }, { "Korean", 1 }, { "한국어", 1 },
    };
    for (size_t i = 0; text && i < G_N_ELEMENTS(names); i++)
        if (g_ascii_strcasecmp(text, names[i].name) == 0)
            return names[i].language;
    return -1;
}

static int switch_from_text(const char *text)
{
    static const char *const on[] = { "yes", "1", "on", "true" }, *const off[] = { "no", "0", "off", "false" };
    for (size_t i = 0; text && i < G_N_ELEMENTS(on); i++) {
        if (g_ascii_strcasecmp(text, on[i]) == 0)
            return 1;
        if (g_ascii_strcasecmp(text, off[i]) == 0)
            return 0;
    }
    return -1;
}

/* The module's apply callback (after the preferences file, -o and the GUI
 * dialog): a value that is none of the spellings is refused with a message and
 * the setting keeps its last good value. */
static void ftplens_prefs_apply(void)
{
    int language = language_from_text(ftplens_prefs.language_text);
    if (language < 0)
        report_failure(T("ftplens.language: \"%s\" is not a language: use en or English, ko, Korean or 한국어 "
                         "(in any case). The language stays %s."),
                       ftplens_prefs.language_text, ftplens_prefs.language == 1 ? "ko" : "en");
    else
        ftplens_prefs.language = language;
    ftplens_set_language(ftplens_prefs.language == 1 ? "ko" : "en");
    int mask = switch_from_text(ftplens_prefs.mask_passwords_text);
    if (mask < 0) {
        char *why = g_strdup_printf(T("ftplens.mask_passwords: \"%s\" is neither yes nor no: use yes, 1, on or true "
                                      "to mask passwords, no, 0, off or false to show them (in any case)."),
                                    ftplens_prefs.mask_passwords_text);
        report_failure("%s %s", why,
                       ftplens_prefs.mask_passwords ? T("Passwords stay masked.") : T("Passwords stay shown."));
        g_free(why);
    } else {
        ftplens_prefs.mask_passwords = mask;
    }
    ftplens_log_selection sel;
    char *bad;
    if (!ftplens_log_selection_parse(ftplens_prefs.log_commands, &sel, &bad)) {
        report_failure(T("ftplens.log_commands: \"%s\" is not a command: use command names (letters only), zeek "
                         "(Zeek's logged commands), all or <init> (the greeting), separated by commas. The log "
                         "leaves it out."), bad);
        g_free(bad);
    }
    ftplens_log_selection_clear(&sel);
}

static int proto_ftplens = -1;
static dissector_handle_t ftplens_handle;
static ftplens_capture *capture;
/* The number of the last frame of the first pass (see dissect_ftplens). */
static uint32_t first_pass_last;

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
static int hf_ftplens_text_more = -1;
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
static int ett_ftplens_more = -1;

/* One expert item per security check, registered from the core's rule table. */
static expert_field ei_ftplens_risk[FTPLENS_RISK_COUNT];
static expert_field ei_ftplens_risk_failed[FTPLENS_RISK_COUNT];     /* rules with an if_failed variant */
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

/* Value strings made at registration from the core's tables (one fact, one place). */
static value_string tcp_step_vals[FTPLENS_STEP_COUNT + 1];
static value_string reply_class_vals[7 + 1];
static value_string reply_category_vals[6 + 1];

static void fill_value_strings(void)
{
    unsigned n = 0;
    for (unsigned k = 1; k < FTPLENS_STEP_COUNT; k++)
        tcp_step_vals[n++] = (value_string){ k, ftplens_tcp_step_names[k] };
    n = 0;
    for (unsigned k = 1; ftplens_class_text(k); k++)
        reply_class_vals[n++] = (value_string){ k, ftplens_class_text(k) };
    n = 0;
    for (unsigned k = 0; ftplens_category_text(k); k++)
        reply_category_vals[n++] = (value_string){ k, ftplens_category_text(k) };
}

static const char *const part_names[] = { "single", "first", "continuation", "last" };

static void ftplens_init(void)
{
    first_pass_last = 0;
    if (!proto_is_protocol_enabled(find_protocol_by_id(proto_ftplens)))
        return;
    ftplens_config cfg;
    /* Only here: the expanded-subtree table does not exist yet at registration. */
    if (ftplens_prefs.expand_subtree)
        tree_expanded_set(ett_ftplens, TRUE);
    ftplens_set_language(ftplens_prefs.language == 1 ? "ko" : "en");
    ftplens_config_defaults(&cfg);
    cfg.heuristic = ftplens_prefs.heuristic;
    cfg.mask_passwords = ftplens_prefs.mask_passwords;
    cfg.bruteforce_session = ftplens_prefs.bruteforce_session;     /* 0: the check is off */
    cfg.bruteforce_client = ftplens_prefs.bruteforce_client;
    cfg.bruteforce_window_s = ftplens_prefs.bruteforce_window * 60;
    cfg.arg_max_default = ftplens_prefs.arg_max_default;
    cfg.keep_report = ftplens_tap_report_wanted();
    capture = ftplens_capture_new(&cfg);
    ftplens_extract_reset();
}

static void ftplens_cleanup(void)
{
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

/* The bytes of a line in this frame, for items that describe a piece of it. */
typedef struct {
    tvbuff_t *tvb;
    int start, len;             /* len 0: the line is not (all) in this frame */
} line_bytes;

/* Where 'want' bytes at 'skip' into the line lie, when they are the text
 * 'expect' (case-insensitive; NULL: any); -1 when not in this frame's bytes. */
static int piece_start(const line_bytes *lb, int skip, int want, const char *expect)
{
    if (!lb->len || want <= 0 || skip + want > lb->len)
        return -1;
    if (expect && tvb_strncaseeql(lb->tvb, lb->start + skip, expect, (size_t)want) != 0)
        return -1;
    return lb->start + skip;
}

/* The line's text length in the frame: without CR LF (or LF). */
static int line_text_len(const line_bytes *lb)
{
    int n = lb->len;
    const uint8_t *p = n ? tvb_get_ptr(lb->tvb, lb->start, n) : NULL;
    if (n && p[n - 1] == '\n')
        n--;
    if (n && p[n - 1] == '\r')
        n--;
    return n;
}

/* A label a student must read is never cut at the pane edge or by Wireshark's
 * label limit (which can split a Korean character): at most this many
 * characters and bytes per item; a long text goes on in child items, one
 * piece each (add_gen_text); the field always keeps the whole value. */
#define PIECE_CHARS 100
#define PIECE_BYTES 200

/* Labels are only read in a visible tree (-V, -T fields, -T pdml, the GUI's
 * detail pane); filters and taps (the GUI's packet list, -Y) see values only. */
static bool labels_shown(proto_tree *t)
{
    /* The label pieces are ftplens.text items: a filter may ask for them too. */
    return t && (PTREE_DATA(t)->visible || proto_field_is_referenced(t, hf_ftplens_text_more));
}

/* A short value (a name, an argument): shown whole, or cut with an ellipsis
 * at a character boundary when it would not fit one label.  On its bytes when
 * tvb is given, else a generated item. */
static proto_item *add_string_item(proto_tree *t, int hf, tvbuff_t *tvb, int start, int len, const char *s)
{
    proto_item *pi;
    size_t n = strlen(s), name = strlen(proto_registrar_get_name(hf)) + 2;
    size_t shown = labels_shown(t) ? ftplens_text_piece(s, PIECE_CHARS - name - 1, PIECE_BYTES - name - 3) : n;

    if (shown == n)
        pi = proto_tree_add_string(t, hf, tvb, start, len, s);
    else
        pi = proto_tree_add_string_format_value(t, hf, tvb, start, len, s, "%.*s\u2026", (int)shown, s);
    if (!tvb)
        proto_item_set_generated(pi);
    return pi;
}

static proto_item *add_gen_string(proto_tree *t, int hf, const char *s)
{
    return add_string_item(t, hf, NULL, 0, 0, s);
}

/* Wireshark cuts an expert item's label ("Expert Info (Warning/Security): ...")
 * at 240 bytes, in the middle of a Korean character on 4.0: cut the message
 * ourselves at a character boundary; the whole text is in the tree above. */
#define EXPERT_TEXT_MAX 140

/* An expert item's text is written only when something reads it: a visible
 * tree, a filter or column on _ws.expert or its message, or an expert tap (-z
 * expert, the GUI's Expert Information).  Otherwise (the GUI's packet list, tshark -Y) the
 * item is added with its summary: the same severity, group and Expert column. */
static int expert_tap_id, hf_expert_message = -1, proto_expert_info = -1;
static bool expert_text;    /* for the frame being dissected: set before draw_frame, the only caller of add_expert */

static bool expert_text_read(proto_tree *tree)
{
    if (expert_tap_id <= 0) {   /* looked up on first use, when every tap and field is registered */
        expert_tap_id = find_tap_id("expert");
        hf_expert_message = proto_registrar_get_id_byname("_ws.expert.message");
        proto_expert_info = proto_get_id_by_filter_name("_ws.expert");
    }
    if (expert_tap_id > 0 && have_tap_listener(expert_tap_id))
        return true;
    return tree && (PTREE_DATA(tree)->visible ||
                    (hf_expert_message > 0 && proto_field_is_referenced(tree, hf_expert_message)) ||
                    (proto_expert_info > 0 && proto_field_is_referenced(tree, proto_expert_info)));
}

static void add_expert(packet_info *pinfo, proto_item *pi, expert_field *ei, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void add_expert(packet_info *pinfo, proto_item *pi, expert_field *ei, const char *fmt, ...)
{
    char text[800];
    if (!expert_text) {
        expert_add_info(pinfo, pi, ei);
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    g_vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    size_t len = strlen(text);
    if (len > EXPERT_TEXT_MAX)
        memcpy(text + ftplens_utf8_prefix(text, len, EXPERT_TEXT_MAX - 3), "\u2026", 4);
    expert_add_info_format(pinfo, pi, ei, "%s", text);
}

static proto_item *add_gen_uint(proto_tree *t, int hf, uint32_t v)
{
    proto_item *pi = proto_tree_add_uint(t, hf, NULL, 0, 0, v);
    proto_item_set_generated(pi);
    return pi;
}

/* On the bytes it was read from when they are in this frame (start >= 0), else generated. */
static proto_item *add_uint_at(proto_tree *t, int hf, const line_bytes *lb, int start, int len, uint32_t v)
{
    if (start < 0)
        return add_gen_uint(t, hf, v);
    return proto_tree_add_uint(t, hf, lb->tvb, start, len, v);
}

static proto_item *add_string_at(proto_tree *t, int hf, const line_bytes *lb, int start, int len, const char *s)
{
    return start < 0 ? add_gen_string(t, hf, s) : add_string_item(t, hf, lb->tvb, start, len, s);
}

static void add_more_pieces(proto_tree *t, const char *rest)
{
    while (*rest == ' ')
        rest++;
    while (*rest) {
        size_t n = ftplens_text_piece(rest, PIECE_CHARS, PIECE_BYTES);
        proto_item *pi = proto_tree_add_string_format(t, hf_ftplens_text_more, NULL, 0, 0, "", "%.*s", (int)n, rest);
        proto_item_set_generated(pi);
        rest += n;
        while (*rest == ' ')
            rest++;
    }
}

/* Sets the label of 'item' to 'text', in pieces when long (the rest as children in its subtree 'ett'). */
static void set_label_pieces(proto_item *item, int ett, const char *text)
{
    if (!labels_shown(item))
        return;
    size_t n = ftplens_text_piece(text, PIECE_CHARS, PIECE_BYTES);
    proto_item_set_text(item, "%.*s", (int)n, text);
    if (text[n])
        add_more_pieces(proto_item_add_subtree(item, ett), text + n);
}

/* A generated string item labelled "Name: shown" in pieces; the field's value is 'value'
 * (English where people filter on it, while 'shown' is in the chosen language). */
static proto_item *add_gen_text_shown(proto_tree *t, int hf, int ett, const char *value, const char *shown)
{
    proto_item *pi = proto_tree_add_string(t, hf, NULL, 0, 0, value);
    proto_item_set_generated(pi);
    if (!labels_shown(t))
        return pi;
    /* "Name: shown", on the stack when it fits (every label of every visible frame passes here) */
    const char *name = proto_registrar_get_name(hf);
    size_t nlen = strlen(name), slen = strlen(shown);
    char small[1024], *label = nlen + slen + 3 <= sizeof small ? small : g_malloc(nlen + slen + 3);
    memcpy(label, name, nlen);
    memcpy(label + nlen, ": ", 2);
    memcpy(label + nlen + 2, shown, slen + 1);
    set_label_pieces(pi, ett, label);
    if (label != small)
        g_free(label);
    return pi;
}

/* A generated string item whose value may be long: "Name: first piece", then pieces. */
static proto_item *add_gen_text(proto_tree *t, int hf, int ett, const char *value)
{
    return add_gen_text_shown(t, hf, ett, value, value);
}

static void draw_request(proto_tree *lt, proto_item *li, packet_info *pinfo, const ftplens_note *n,
                         const line_bytes *lb)
{
    proto_item *pi;
    int verb_len = (int)strlen(n->verb), verb_at = piece_start(lb, 0, verb_len, n->verb);

    add_string_at(lt, hf_ftplens_request_command, lb, verb_at, verb_len, n->verb);
    if (n->arg && *n->arg) {
        int arg_len = line_text_len(lb) - verb_len - 1;
        int arg_at = verb_at < 0 || arg_len <= 0 ? -1 : piece_start(lb, verb_len, 1, " ");
        add_string_at(lt, hf_ftplens_request_arg, lb, arg_at < 0 ? -1 : arg_at + 1, arg_len, n->arg);
    }
    add_gen_text(lt, hf_ftplens_request_meaning, ett_ftplens_more,
                 n->command ? T(n->command->meaning) : T("not defined by any RFC or registry"));
    add_gen_string(lt, hf_ftplens_request_rfc, n->command ? n->command->rfc : "none");
    pi = proto_tree_add_boolean(lt, hf_ftplens_request_known, NULL, 0, 0, n->command != NULL);
    proto_item_set_generated(pi);
    add_gen_uint(lt, hf_ftplens_request_index, n->index);
    if (n->reply_lost) {
        pi = proto_tree_add_boolean(lt, hf_ftplens_request_reply_not_captured, NULL, 0, 0, true);
        proto_item_set_generated(pi);
        add_expert(pinfo, pi, &ei_ftplens_reply_not_captured, "%s",
                               T("The final reply to this command was not captured (it fell into a capture gap)"));
    }
    if (n->reply_in) {
        pi = proto_tree_add_uint(lt, hf_ftplens_request_reply_in, NULL, 0, 0, n->reply_in);
        proto_item_set_generated(pi);
    }
    if (ftplens_note_extra_of(n)->arg_explained) {
        pi = add_gen_string(lt, hf_ftplens_request_arg_explained, ftplens_note_extra_of(n)->arg_explained);
        if (n->problems & FTPLENS_PROB_BAD_ADDRESS_ARG)
            add_expert(pinfo, pi, &ei_ftplens_address_malformed, "%s", ftplens_note_extra_of(n)->arg_explained);
    }
    if (n->problems & FTPLENS_PROB_PENDING_OVERFLOW)
        add_expert(pinfo, li, &ei_ftplens_pending_overflow, "%s",
                               T("More than 64 commands are waiting for a reply; the oldest is no longer tracked"));
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

/* reply.to, reply.to_command and reply.time of a reply line answering a command. */
static void draw_pairing(proto_tree *lt, const ftplens_note *n)
{
    add_gen_string(lt, hf_ftplens_reply_pairing, pairing_names[n->pairing]);
    if (n->answers != FTPLENS_ANSWERS_COMMAND)
        return;
    add_gen_uint(lt, hf_ftplens_reply_to, n->to_frame);
    if (ftplens_note_to_command(n))
        add_gen_string(lt, hf_ftplens_reply_to_command, ftplens_note_to_command(n));
    add_gen_uint(lt, hf_ftplens_reply_to_index, n->to_index);
    add_gen_time(lt, hf_ftplens_reply_time, n->reply_time_ns);
}

/* What a reply line answers, for its label: " → PASS (frame 268)". */
static void answers_text(const ftplens_note *n, char *out, size_t len)
{
    if (n->answers == FTPLENS_ANSWERS_COMMAND && ftplens_note_to_command(n))
        snprintf(out, len, T(" \u2192 %s (frame %u)"), ftplens_note_to_command(n), n->to_frame);
    else if (n->answers == FTPLENS_ANSWERS_COMMAND)
        snprintf(out, len, T(" \u2192 the client line in frame %u"), n->to_frame);
    else if (n->answers == FTPLENS_ANSWERS_LOST)
        g_strlcpy(out, T(" \u2192 a command that was not captured"), len);
    else if (n->answers == FTPLENS_ANSWERS_GREETING)
        g_strlcpy(out, T(" (greeting, answers no command)"), len);
    else
        g_strlcpy(out, T(" (unsolicited, answers no command)"), len);
}

static void draw_reply(proto_tree *lt, packet_info *pinfo, const ftplens_note *n, const line_bytes *lb)
{
    const ftplens_reply_code *r = &n->reply;
    ftplens_reply_info texts;
    proto_item *pi;
    char code[8];

    ftplens_reply_texts(r, &texts);
    snprintf(code, sizeof code, "%03u", r->code);
    add_uint_at(lt, hf_ftplens_reply_code, lb, piece_start(lb, 0, 3, code), 3, r->code);
    /* Class and category once, in the chosen language; the text fields stay
     * for filters and -T fields, hidden in the tree. */
    pi = proto_tree_add_uint_format_value(lt, hf_ftplens_reply_class, NULL, 0, 0, r->reply_class, "%u (%s)",
                                          r->reply_class, texts.class_text);
    proto_item_set_generated(pi);
    proto_item_set_hidden(add_gen_string(lt, hf_ftplens_reply_class_text, texts.class_text));
    proto_item *ci = proto_tree_add_uint_format_value(lt, hf_ftplens_reply_category, NULL, 0, 0, r->category,
                                                      "%u (%s)", r->category, texts.category_text);
    proto_item_set_generated(ci);
    proto_item_set_hidden(add_gen_string(lt, hf_ftplens_reply_category_text, texts.category_text));
    add_gen_text(lt, hf_ftplens_reply_meaning, ett_ftplens_more, texts.meaning);
    add_gen_string(lt, hf_ftplens_reply_rfc, texts.rfc);
    add_gen_string(lt, hf_ftplens_reply_part, part_names[n->part]);
    draw_pairing(lt, n);
    if (ftplens_note_extra_of(n)->arg_explained) {
        proto_item *ai = add_gen_string(lt, hf_ftplens_request_arg_explained, ftplens_note_extra_of(n)->arg_explained);
        if (n->problems & FTPLENS_PROB_BAD_ADDRESS_ARG)
            add_expert(pinfo, ai, &ei_ftplens_address_malformed, "%s", ftplens_note_extra_of(n)->arg_explained);
    }
    if ((n->problems & FTPLENS_PROB_UNKNOWN_CLASS) && n->part != FTPLENS_PART_CONTINUATION &&
        n->part != FTPLENS_PART_LAST)
        add_expert(pinfo, pi, &ei_ftplens_reply_unknown_class,
                               T("Reply code %03u: first digit %u / second digit %u is not a class/category defined by any RFC"),
                               r->code, r->reply_class, r->category);
}

static void draw_tcp(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, const ftplens_frame *f)
{
    const ftplens_tcp_note *n = &f->tcp;
    char hex[12];
    proto_item *pi;

    proto_item *ti = add_gen_string(t, hf_ftplens_tcp_step, n->step_text);
    proto_tree *tt = proto_item_add_subtree(ti, ett_ftplens_tcp);
    /* The step's text is the label above, in the chosen language: the number alone here. */
    pi = proto_tree_add_uint_format_value(tt, hf_ftplens_tcp_step_num, NULL, 0, 0, n->step, "%u", n->step);
    proto_item_set_generated(pi);
    /* The value stays English for filters and colouring rules; the label is translated. */
    add_gen_text_shown(tt, hf_ftplens_tcp_conn_role, ett_ftplens_more, ftplens_frame_role(f), ftplens_frame_role_text(f));
    if (ftplens_frame_setup_frame(f))
        add_gen_uint(tt, hf_ftplens_tcp_setup_frame, ftplens_frame_setup_frame(f));
    if (ftplens_frame_data_command(f))
        add_gen_string(tt, hf_ftplens_tcp_data_command, ftplens_frame_data_command(f));
    add_gen_uint(tt, hf_ftplens_tcp_isn, n->isn);
    if (n->has_peer_isn)
        add_gen_uint(tt, hf_ftplens_tcp_peer_isn, n->peer_isn);
    add_gen_uint(tt, hf_ftplens_tcp_seq_rel, ftplens_tcp_seq_rel(n));
    ftplens_tcp_hex_bytes(n->seq_raw, hex);
    add_gen_string(tt, hf_ftplens_tcp_seq_bytes, hex);
    if (n->has_ack) {
        add_gen_uint(tt, hf_ftplens_tcp_ack_rel, ftplens_tcp_ack_rel(n));
        ftplens_tcp_hex_bytes(n->ack_raw, hex);
        add_gen_string(tt, hf_ftplens_tcp_ack_bytes, hex);
    }
    add_gen_uint(tt, hf_ftplens_tcp_next_seq_rel, ftplens_tcp_next_seq_rel(n));
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
            add_expert(pinfo, pi, &ei_ftplens_tcp_ack_unexpected, T("%s: expected %s"),
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
    if (*explain)
        add_gen_text(tt, hf_ftplens_tcp_explain, ett_ftplens_more, explain);
    g_free(explain);
}

static void draw_findings(proto_tree *t, packet_info *pinfo, const ftplens_frame *f, bool shown)
{
    for (const ftplens_finding *fd = f->findings; fd; fd = fd->next) {
        const ftplens_risk_rule *rule = &ftplens_risk_rules[fd->id];
        expert_field *ei = ftplens_finding_failed_variant(fd) ? &ei_ftplens_risk_failed[fd->id] : &ei_ftplens_risk[fd->id];
        char text[800];
        if (!shown && !expert_text) {   /* no ftplens item is shown or read: the expert item only */
            expert_add_info(pinfo, t, ei);     /* t: the faked item the risk item would have been */
            continue;
        }
        /* A later frame settles a login outcome: known once the capture was read through. */
        const char *message = ftplens_finding_text(fd, PINFO_FD_VISITED(pinfo), text, sizeof text);
        /* The label is the short title; the evidence and the advice are its children. */
        const char *severity = ftplens_severity_text(ftplens_finding_severity(fd));
        proto_item *ri = proto_tree_add_string_format_value(t, hf_ftplens_risk, NULL, 0, 0, rule->id, "%s (%s)",
                                                            T(ftplens_finding_title(fd)), T(severity));
        proto_item_set_generated(ri);
        proto_tree *rt = proto_item_add_subtree(ri, ett_ftplens_risk);
        add_gen_text(rt, hf_ftplens_risk_message, ett_ftplens_more, message);
        add_gen_text(rt, hf_ftplens_risk_advice, ett_ftplens_more, T(ftplens_finding_advice(fd)));
        add_gen_string(rt, hf_ftplens_risk_severity, severity);
        proto_item *fi = proto_tree_add_string_format(rt, hf_ftplens_text_more, NULL, 0, 0, "",
                                                      T("Filter: ftplens.risk == \"%s\""), rule->id);
        proto_item_set_generated(fi);
        add_expert(pinfo, ri, ei, "%s", message);
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
            add_expert(pinfo, gi, &ei_ftplens_capture_gap,
                T("Capture gap: %u bytes server to client not captured; replies may be missing; pairing resynchronised by reply code and ACK"),
                bytes);
        else
            add_expert(pinfo, gi, &ei_ftplens_capture_gap,
                T("Capture gap: %u bytes client to server not captured; a command and its reply may be missing; pairing resynchronised by reply code and ACK"),
                bytes);
    }
}

/* The label of a line: what it is and what it means, first ("Reply 230 \u2192 PASS
 * (frame 268): User logged in, proceed"); the details are its children. */
static void line_label(const ftplens_frame *f, const ftplens_note *n, unsigned i, char *out, size_t len)
{
    char where[64] = "", answers[96] = "";
    ftplens_reply_info texts;
    if (f->note_count > 1)
        snprintf(where, sizeof where, T(" (line %u of %u)"), i + 1, (unsigned)f->note_count);
    if (n->began_earlier)
        g_strlcat(where, T(" (began in an earlier segment)"), sizeof where);
    switch (n->kind) {
    case FTPLENS_NOTE_REQUEST:
        snprintf(out, len, T("Command %s%s: %s"), n->verb, where,
                   n->command ? T(n->command->meaning) : T("not an FTP command in any registry"));
        break;
    case FTPLENS_NOTE_REPLY:
        answers_text(n, answers, sizeof answers);
        ftplens_reply_texts(&n->reply, &texts);
        snprintf(out, len, T("Reply %03u%s%s: %s"), n->reply.code, answers, where, texts.meaning);
        break;
    case FTPLENS_NOTE_BAD_REPLY:
        snprintf(out, len, T("Reply line%s: not a valid FTP reply (%s)"), where,
                 T(ftplens_note_extra_of(n)->problem_text));
        break;
    case FTPLENS_NOTE_BAD_REQUEST:
        snprintf(out, len, T("Client line%s: not an FTP command"), where);
        break;
    default:
        snprintf(out, len, T("%s line%s: only its end was captured"), n->from_server ? T("Reply") : T("Command"),
                   where);
        break;
    }
}

static void draw_lines(tvbuff_t *tvb, packet_info *pinfo, proto_tree *t, const ftplens_frame *f)
{
    unsigned i = 0;
    for (const ftplens_note *n = f->notes; n; n = n->next, i++) {
        int start, len;
        char label[600];
        line_span(tvb, f, n, &start, &len);
        proto_item *li = proto_tree_add_string(t, hf_ftplens_line, tvb, start, len, n->text);
        /* Pieces of the line (code, verb, argument) go on their bytes when the
         * whole line is in this frame. */
        line_bytes lb = { tvb, start, n->began_earlier ? 0 : len };
        proto_tree *lt = proto_item_add_subtree(li, ett_ftplens_line);
        if (labels_shown(t)) {
            line_label(f, n, i, label, sizeof label);
            set_label_pieces(li, ett_ftplens_line, label);
            /* The line itself, as a child: the label now says what it means. */
            size_t shown = ftplens_text_piece(n->text, PIECE_CHARS - 10, PIECE_BYTES - 16);   /* room for "Line: " */
            proto_item *xi = proto_tree_add_string_format(lt, hf_ftplens_text_more, NULL, 0, 0, "", T("Line: %.*s%s"),
                                                          (int)shown, n->text, n->text[shown] ? "\u2026" : "");
            proto_item_set_generated(xi);
        }
        add_gen_string(lt, hf_ftplens_sender, n->from_server ? "server" : "client");
        switch (n->kind) {
        case FTPLENS_NOTE_REQUEST:
            draw_request(lt, li, pinfo, n, &lb);
            break;
        case FTPLENS_NOTE_REPLY:
            draw_reply(lt, pinfo, n, &lb);
            break;
        case FTPLENS_NOTE_BAD_REPLY:
            /* The expert item comes with the reply_malformed finding. */
            draw_pairing(lt, n);
            break;
        case FTPLENS_NOTE_BAD_REQUEST:
            add_gen_uint(lt, hf_ftplens_request_index, n->index);
            if (n->reply_in) {
                proto_item *ri = proto_tree_add_uint(lt, hf_ftplens_request_reply_in, NULL, 0, 0, n->reply_in);
                proto_item_set_generated(ri);
            }
            add_expert(pinfo, li, &ei_ftplens_command_malformed,
                                   T("Not an FTP command '%.40s': %s"), n->text,
                                   T(ftplens_note_extra_of(n)->problem_text));
            break;
        case FTPLENS_NOTE_PARTIAL:
            expert_add_info(pinfo, li, &ei_ftplens_line_partial);
            break;
        }
        if (n->problems & FTPLENS_PROB_LINE_TRUNCATED)
            add_expert(pinfo, li, &ei_ftplens_line_truncated,
                                   T("Line of %llu bytes: only the first %u bytes are analysed"),
                                   (unsigned long long)n->full_len, (unsigned)FTPLENS_MAX_LINE);
        if ((n->problems & FTPLENS_PROB_AFTER_GAP) && n->kind != FTPLENS_NOTE_PARTIAL)
            expert_add_info(pinfo, li, &ei_ftplens_bytes_missing);
    }
}

/* " [530 \u2192 PASS]", built without printf: the packet list asks for it on every reply. */
static void append_answers(packet_info *pinfo, unsigned code, const char *verb)
{
    static const char head[] = " [000 \u2192 ";
    const size_t at = sizeof head - 1;
    char buf[64];
    size_t vlen = strlen(verb);
    if (code > 999 || at + vlen + 2 > sizeof buf) {
        col_append_fstr(pinfo->cinfo, COL_INFO, " [%03u \u2192 %s]", code, verb);
        return;
    }
    memcpy(buf, head, at);
    buf[2] = (char)('0' + code / 100);
    buf[3] = (char)('0' + code / 10 % 10);
    buf[4] = (char)('0' + code % 10);
    memcpy(buf + at, verb, vlen);
    memcpy(buf + at + vlen, "]", 2);
    col_append_str(pinfo->cinfo, COL_INFO, buf);
}

/* The Info column says which command a reply answers ("[502 \u2192 OPTS]"): the
 * fact the stock FTP dissector does not show in the packet list. */
static void add_info(packet_info *pinfo, const ftplens_frame *f)
{
    if (!ftplens_prefs.info_column)
        return;
    for (const ftplens_note *n = f->notes; n; n = n->next) {
        if (n->kind == FTPLENS_NOTE_REPLY && n->answers == FTPLENS_ANSWERS_COMMAND && ftplens_note_to_command(n) &&
            (n->part == FTPLENS_PART_SINGLE || n->part == FTPLENS_PART_FIRST))
            append_answers(pinfo, n->reply.code, ftplens_note_to_command(n));
    }
}

/* Order in the detail pane: the lesson first (each line and what it means),
 * then what is risky, then what is missing, then the TCP numbers. */
static void draw_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const ftplens_frame *f, bool shown)
{
    proto_item *ti = proto_tree_add_item(tree, proto_ftplens, tvb, 0, 0, ENC_NA);
    proto_tree *t = proto_item_add_subtree(ti, ett_ftplens);

    proto_item_set_generated(ti);
    /* A field of a section is only referenced when ftplens is (its parent). */
    if (f->notes && (lines_have_experts(f) || (shown && section_wanted(t, line_section, line_section_n))))
        draw_lines(tvb, pinfo, t, f);
    draw_findings(t, pinfo, f, shown);
    draw_gaps(t, pinfo, f);
    add_gen_uint(t, hf_ftplens_session, ftplens_frame_session(f));
    if (f->user)
        add_gen_string(t, hf_ftplens_session_user, f->user);
    if (f->has_tcp && (ftplens_prefs.tcp_every_segment || !plain_segment(f)) &&
        (tcp_has_expert(f) || (shown && section_wanted(t, tcp_section, tcp_section_n))))
        draw_tcp(t, tvb, pinfo, f);
}

static bool frame_has_experts(const ftplens_frame *f)
{
    return f->findings || f->gap_bytes[0] || f->gap_bytes[1] || tcp_has_expert(f) || lines_have_experts(f);
}

/* The first pass hands the frame to the core; later passes find what the core
 * kept for it by frame number (nothing is added to Wireshark's per-frame data). */
static const ftplens_frame *frame_result(tvbuff_t *tvb, packet_info *pinfo)
{
    ftplens_segment_result r;

    /* Not "at or before the last frame kept": a read filter drops frames and
     * gives their numbers to the next ones, which are new. */
    ftplens_segment seg;
    if (PINFO_FD_VISITED(pinfo)) {
        r = ftplens_capture_kept(capture, pinfo->num);
        if (r.again) {
            /* Kept as a bit, or without its TCP note: written again from its bytes. */
            ftplens_frame *x = wmem_new(pinfo->pool, ftplens_frame);
            return ftplens_extract_segment_again(pinfo, tvb, &seg) && ftplens_capture_frame_again(capture, &seg, x)
                   ? x : NULL;
        }
        if (r.plain) {
            ftplens_frame *x = wmem_new(pinfo->pool, ftplens_frame);
            ftplens_plain_expand(r.plain, x);
            return x;
        }
        return r.frame;
    }
    ftplens_first_look look;
    if (ftplens_extract_first_look(pinfo, tvb, &look) && ftplens_capture_stream_ignored(capture, look.stream))
        return NULL;
    if (!ftplens_extract_segment(pinfo, tvb, &look, &seg) || ftplens_capture_stream_ignored(capture, seg.stream))
        return NULL;
    r = ftplens_capture_segment(capture, &seg);
    if (!r.frame)
        return NULL;
    bool from_server;
    if (ftplens_frame_wants_link(capture, r.frame, &from_server)) {
        ftplens_link link;
        ftplens_extract_link(pinfo, tvb, &link);
        ftplens_frame_set_link(r.frame, from_server, &link);
    }
    /* The core's scratch frame is reused by the next call: the tap reads the frame after this one. */
    return r.scratch ? wmem_memdup(pinfo->pool, r.frame, sizeof *r.frame) : r.frame;
}

static int dissect_ftplens(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    /* A read filter (tshark -2 -R, the GUI's) drops a frame and gives its number to the next one,
     * whatever that one is: the core forgets what it kept under the number. */
    if (!PINFO_FD_VISITED(pinfo) && capture) {
        if (pinfo->num == first_pass_last)
            ftplens_capture_number_reused(capture, pinfo->num);
        first_pass_last = pinfo->num;
    }
    if (pinfo->ptype != PT_TCP || !capture)
        return 0;
    const ftplens_frame *f = frame_result(tvb, pinfo);
    if (!f || !ftplens_frame_shown(f))
        return 0;
    /* Building the subtree is most of the cost: skip it when nothing shows or uses
     * ftplens fields (e.g. tshark -T fields without ftplens fields), but keep the
     * frames that carry expert items, for -z expert. */
    bool shown = proto_field_is_referenced(tree, proto_ftplens);
    if (shown || frame_has_experts(f)) {
        expert_text = expert_text_read(tree);
        draw_frame(tvb, pinfo, tree, f, shown);
    }
    if (f->notes)
        add_info(pinfo, f);
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

/* ftplens.risk.<id>, one per row of the core's rule table, and
 * ftplens.risk.<id>.failed_login for a row's if_failed variant. */
static void register_risk_experts(expert_module_t *expert)
{
    ei_register_info *ei = g_new0(ei_register_info, 2 * FTPLENS_RISK_COUNT);
    int n = 0;
    for (int i = 0; i < FTPLENS_RISK_COUNT; i++) {
        const ftplens_risk_rule *r = &ftplens_risk_rules[i];
        expert_field init = EI_INIT;
        ei_ftplens_risk[i] = init;
        ei_ftplens_risk_failed[i] = init;
        ei[n].ids = &ei_ftplens_risk[i];
        ei[n].eiinfo.name = g_strdup_printf("ftplens.risk.%s", r->id);
        ei[n].eiinfo.group = risk_group(r->group);
        ei[n].eiinfo.severity = risk_severity(r->severity);
        ei[n++].eiinfo.summary = r->title;  /* Expert Information groups by it: a short title */
        if (!r->if_failed)
            continue;
        ei[n].ids = &ei_ftplens_risk_failed[i];
        ei[n].eiinfo.name = g_strdup_printf("ftplens.risk.%s.failed_login", r->id);
        ei[n].eiinfo.group = risk_group(r->group);
        ei[n].eiinfo.severity = risk_severity(r->if_failed->severity);
        ei[n++].eiinfo.summary = r->if_failed->title;
    }
    expert_register_field_array(expert, ei, n);
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
        { &hf_ftplens_text_more,
          { "Text", "ftplens.text", FT_STRING, BASE_NONE, NULL, 0x0,
            "A piece of a long label, for reading in the tree (the field above keeps the whole text)", HFILL } },
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
    static int *ett[] = { &ett_ftplens, &ett_ftplens_risk, &ett_ftplens_line, &ett_ftplens_tcp, &ett_ftplens_more };
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

    fill_value_strings();
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
    ftplens_prefs.mask_passwords_text = defaults.mask_passwords ? "TRUE" : "FALSE";
    ftplens_prefs.bruteforce_session = defaults.bruteforce_session;
    ftplens_prefs.bruteforce_client = defaults.bruteforce_client;
    ftplens_prefs.bruteforce_window = defaults.bruteforce_window_s / 60;
    ftplens_prefs.arg_max_default = defaults.arg_max_default;
    ftplens_prefs.log_commands = FTPLENS_LOG_COMMANDS_DEFAULT;

    module = prefs_register_protocol(proto_ftplens, ftplens_prefs_apply);
    prefs_register_bool_preference(module, "heuristic", "Find FTP on any port",
        "Treat a TCP connection whose server greets with a 220 reply followed by FTP commands as FTP, "
        "whatever the port (e.g. pyftpdlib on 2121)", &ftplens_prefs.heuristic);

    prefs_register_string_preference(module, "language", "Language of explanations (en or ko)",
        "Language of meanings, explanations, findings, advice and the report: en (or English) or ko (or Korean, "
        "한국어), in any case; any other value is refused with a message", &ftplens_prefs.language_text);
    prefs_register_string_preference(module, "mask_passwords", "Mask passwords (yes or no)",
        "Show PASS arguments as ******** in the tree, the fields, the findings and the report: yes, 1, on or TRUE "
        "masks them; no, 0, off or FALSE (the default: the lesson is that they are visible) shows them; any other "
        "value is refused with a message", &ftplens_prefs.mask_passwords_text);
    prefs_register_bool_preference(module, "tcp_every_segment", "Explain every TCP segment",
        "Put the ftplens.tcp items (step, relative numbers, explanation) on every segment of FTP connections; "
        "when off, plain ACKs and data segments without an FTP line are left to the TCP dissector, which makes "
        "big captures cheaper to read", &ftplens_prefs.tcp_every_segment);
    prefs_register_bool_preference(module, "info_column", "Show the answered command in the Info column",
        "Append the reply code and the command it answers to the Info column of a reply, e.g. [502 \u2192 OPTS]",
        &ftplens_prefs.info_column);
    prefs_register_bool_preference(module, "expand_subtree", "Open the FTP Lens subtree",
        "Show the FTP Lens subtree expanded in the packet details (the FTP Lab profile turns this on)",
        &ftplens_prefs.expand_subtree);
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
    prefs_register_uint_preference(module, "worksheet_variant", "Worksheet variant",
        "Which variant of the teacher's kit -z ftplens,worksheet and -z ftplens,answers print: the same number "
        "always gives the same questions about the same frames (0: the first of each)", 10,
        &ftplens_prefs.worksheet_variant);
    prefs_register_string_preference(module, "log_commands", "Commands in the FTP log",
        "Which commands -z ftplens,log writes a record for, separated by commas: zeek (the default: Zeek's "
        "logged_commands APPE, DELE, RETR, STOR, STOU, ACCT, PORT, PASV, EPRT, EPSV), all (every command), "
        "<init> (the greeting) and command names, e.g. zeek,USER,PASS", &ftplens_prefs.log_commands);

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
