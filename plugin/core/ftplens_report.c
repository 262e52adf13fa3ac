/* ftplens_report.c - the classroom walkthrough of every FTP session
 * (tshark -z ftplens,report): header, handshake, transcript, findings,
 * summary, in plain text or Markdown.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "ftplens_core_private.h"
#include "ftplens_login.h"
#include "ftplens_text.h"

/* A table rendered as aligned text or as a Markdown table. */
typedef struct {
    GPtrArray *rows;            /* of GStrv; row 0 is the header */
    unsigned cols;
} table;

/* Columns as a terminal shows them: East Asian wide characters take two. */
static size_t display_width(const char *s)
{
    size_t w = 0;
    const char *p = s;
    /* ASCII (most cells): one column per byte, no Unicode tables. */
    while (*p && !((unsigned char)*p & 0x80))
        p++;
    w = (size_t)(p - s);
    for (; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        w += g_unichar_iszerowidth(c) ? 0 : g_unichar_iswide(c) ? 2 : 1;
    }
    return w;
}

static table *table_new(unsigned cols, ...)
{
    table *t = g_new0(table, 1);
    va_list ap;
    t->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    t->cols = cols;
    gchar **h = g_new0(gchar *, cols + 1);
    va_start(ap, cols);
    for (unsigned i = 0; i < cols; i++)
        h[i] = g_strdup(va_arg(ap, const char *));
    va_end(ap);
    g_ptr_array_add(t->rows, h);
    return t;
}

static void table_row(table *t, ...)
{
    gchar **r = g_new0(gchar *, t->cols + 1);
    va_list ap;
    va_start(ap, t);
    for (unsigned i = 0; i < t->cols; i++) {
        const char *v = va_arg(ap, const char *);
        r[i] = g_strdup(v ? v : "");
    }
    va_end(ap);
    g_ptr_array_add(t->rows, r);
}

static void table_end(table *t, GString *out, bool md, const char *indent)
{
    if (md) {
        for (guint r = 0; r < t->rows->len; r++) {
            gchar **row = g_ptr_array_index(t->rows, r);
            g_string_append(out, "|");
            for (unsigned c = 0; c < t->cols; c++) {
                gchar **parts = g_strsplit(row[c], "|", -1);
                gchar *cell = g_strjoinv("\\|", parts);
                g_strfreev(parts);
                g_string_append_printf(out, " %s |", cell);
                g_free(cell);
            }
            g_string_append_c(out, '\n');
            if (r == 0) {
                g_string_append(out, "|");
                for (unsigned c = 0; c < t->cols; c++)
                    g_string_append(out, "---|");
                g_string_append_c(out, '\n');
            }
        }
        g_string_append_c(out, '\n');
    } else {
        size_t *w = g_new0(size_t, t->cols);
        for (guint r = 0; r < t->rows->len; r++) {
            gchar **row = g_ptr_array_index(t->rows, r);
            for (unsigned c = 0; c < t->cols; c++)
                w[c] = MAX(w[c], display_width(row[c]));
        }
        for (guint r = 0; r < t->rows->len; r++) {
            gchar **row = g_ptr_array_index(t->rows, r);
            g_string_append(out, indent);
            for (unsigned c = 0; c < t->cols; c++) {
                g_string_append(out, row[c]);
                if (c + 1 < t->cols)
                    for (size_t k = display_width(row[c]); k < w[c] + 2; k++)
                        g_string_append_c(out, ' ');
            }
            while (out->len && out->str[out->len - 1] == ' ')
                g_string_truncate(out, out->len - 1);
            g_string_append_c(out, '\n');
        }
        g_free(w);
    }
    g_ptr_array_free(t->rows, TRUE);
    g_free(t);
}

static void heading(GString *out, bool md, int level, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void heading(GString *out, bool md, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (md) {
        if (out->len && !g_str_has_suffix(out->str, "\n\n"))
            g_string_append_c(out, '\n');
        g_string_append_printf(out, "%s %s\n\n", level == 1 ? "##" : "###", text);
    } else {
        g_string_append_printf(out, "%s%s\n", level == 1 ? "" : "\n", text);
        size_t n = display_width(text);
        for (size_t i = 0; i < n; i++)
            g_string_append_c(out, level == 1 ? '=' : '-');
        g_string_append_c(out, '\n');
    }
    g_free(text);
}

static void item(GString *out, bool md, const char *label, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void item(GString *out, bool md, const char *label, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (md) {
        g_string_append_printf(out, "- **%s:** %s\n", label, text);
    } else {
        g_string_append_printf(out, "  %s", label);
        for (size_t w = display_width(label); w < 17; w++)
            g_string_append_c(out, ' ');
        g_string_append_printf(out, "%s\n", text);
    }
    g_free(text);
}

static char *format_time(int64_t ns)
{
    GDateTime *dt = g_date_time_new_from_unix_utc(ns / 1000000000);
    if (!dt)
        return g_strdup("?");
    char *d = g_date_time_format(dt, "%Y-%m-%d %H:%M:%S");
    char *out = g_strdup_printf(T("%s.%06d UTC"), d, (int)((ns % 1000000000) / 1000));
    g_free(d);
    g_date_time_unref(dt);
    return out;
}

static const char *flags_text(uint16_t f, char *buf)
{
    size_t n = 0;
    if (f & FTPLENS_TCP_SYN) buf[n++] = 'S';
    if (f & FTPLENS_TCP_ACK) buf[n++] = 'A';
    if (f & FTPLENS_TCP_PSH) buf[n++] = 'P';
    if (f & FTPLENS_TCP_FIN) buf[n++] = 'F';
    if (f & FTPLENS_TCP_RST) buf[n++] = 'R';
    buf[n] = '\0';
    return buf;
}

static char *raw_text(uint32_t v)
{
    char hex[12];
    ftplens_tcp_hex_bytes(v, hex);
    return g_strdup_printf("%u (%s)", v, hex);
}

static void report_header(GString *out, bool md, const ftplens_conn *ctl)
{
    const ftplens_link *cl = ctl->link[0];
    const ftplens_link *sl = ctl->link[1];
    char product[64] = "";
    uint32_t banner_frame = 0;

    for (guint i = 0; i < ctl->frames->len && !banner_frame; i++) {
        const ftplens_frame *f = g_ptr_array_index(ctl->frames, i);
        for (const ftplens_note *n = f->notes; n; n = n->next) {
            if (n->kind == FTPLENS_NOTE_REPLY && n->answers == FTPLENS_ANSWERS_GREETING &&
                ftplens_banner_product(n->text, product, sizeof product)) {
                banner_frame = f->frame;
                break;
            }
        }
    }
    if (cl && cl->outer_src[0])
        item(out, md, T("Client"), T("%s port %u, inside IPv4 %s -> %s (%s)"), ctl->client_text, ctl->client_port,
             cl->outer_src, cl->outer_dst,
             g_str_has_prefix(ctl->client_text, "2002:") ? T("6to4 tunnel via the 6to4 relay") : T("IP-in-IP tunnel"));
    else
        item(out, md, T("Client"), T("%s port %u"), ctl->client_text, ctl->client_port);
    if (sl && sl->outer_src[0])
        item(out, md, T("Server"), T("%s port %u, replies inside IPv4 %s -> %s"), ctl->server_text, ctl->listener.port,
             sl->outer_src, sl->outer_dst);
    else
        item(out, md, T("Server"), T("%s port %u"), ctl->server_text, ctl->listener.port);
    if ((cl && cl->eth_src[0]) || (sl && sl->eth_src[0]))
        item(out, md, T("MAC addresses"), T("client side %s -> %s; server side %s -> %s"),
             cl && cl->eth_src[0] ? cl->eth_src : "?", cl && cl->eth_dst[0] ? cl->eth_dst : "?",
             sl && sl->eth_src[0] ? sl->eth_src : "?", sl && sl->eth_dst[0] ? sl->eth_dst : "?");
    bool v6 = (cl && cl->ipv6) || (sl && sl->ipv6);
    bool tunnel = (cl && cl->outer_src[0]) || (sl && sl->outer_src[0]);
    item(out, md, T("IP"), "%s%s", v6 ? T("IPv6") : T("IPv4"), tunnel ? T(" carried in IPv4 (protocol 41)") : "");
    if (cl || sl) {
        char ct[12] = "?", st[12] = "?";
        if (cl)
            snprintf(ct, sizeof ct, "%u", cl->ttl);
        if (sl)
            snprintf(st, sizeof st, "%u", sl->ttl);
        item(out, md, v6 ? T("Hop limit") : T("TTL"), T("client's packets %s, server's packets %s"), ct, st);
    }
    if (banner_frame)
        item(out, md, T("Server software"), T("%s (from the 220 greeting, frame %u)"), product, banner_frame);
    char *start = format_time(ctl->first_ns);
    item(out, md, T("Start"), T("%s; duration %.3f s; %u frames on the control connection"), start,
         (double)(ctl->last_ns - ctl->first_ns) / 1e9, ctl->frame_count);
    g_free(start);
}

static void report_handshake(GString *out, bool md, const ftplens_conn *ctl)
{
    table *t = table_new(8, T("frame"), T("step"), T("flags"), T("seq (raw, hex bytes)"), T("ack (raw, hex bytes)"), T("rel seq"),
                         T("rel ack"), T("Len"));
    GPtrArray *explain = g_ptr_array_new();
    unsigned shown = 0, data_rows = 0;

    for (guint i = 0; i < ctl->frames->len && shown < 8; i++) {
        const ftplens_frame *f = g_ptr_array_index(ctl->frames, i);
        const ftplens_tcp_note *n = &f->tcp;
        bool hs = n->step == FTPLENS_STEP_SYN || n->step == FTPLENS_STEP_SYNACK || n->step == FTPLENS_STEP_ESTABLISHED ||
                  n->step == FTPLENS_STEP_SYN_RETRANS || n->step == FTPLENS_STEP_SYNACK_RETRANS ||
                  n->step == FTPLENS_STEP_NO_HANDSHAKE;
        bool first_data = (n->step == FTPLENS_STEP_DATA || n->step == FTPLENS_STEP_ACK_ONLY) &&
                          data_rows < FTPLENS_REPORT_DATA_ROWS;
        if (!f->has_tcp || (!hs && !first_data))
            continue;
        if (!hs)
            data_rows++;
        char fl[8], fr[16], sr[16], ar[16], ln[16];
        char *seq = raw_text(n->seq_raw), *ack = n->has_ack ? raw_text(n->ack_raw) : g_strdup("-");
        snprintf(fr, sizeof fr, "%u", f->frame);
        snprintf(sr, sizeof sr, "%u", n->seq_rel);
        snprintf(ar, sizeof ar, n->has_ack ? "%u" : "-", n->ack_rel);
        snprintf(ln, sizeof ln, "%u", n->len);
        table_row(t, fr, n->step_text, flags_text(n->flags, fl), seq, ack, sr, ar, ln);
        g_free(seq);
        g_free(ack);
        if (n->explain || n->lazy)
            g_ptr_array_add(explain, (gpointer)f);
        shown++;
    }
    table_end(t, out, md, "  ");
    for (guint i = 0; i < explain->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(explain, i);
        char *text = ftplens_tcp_explain(&f->tcp);
        if (*text)
            g_string_append_printf(out, md ? T("- frame %u: %s\n") : T("  frame %u: %s\n"), f->frame, text);
        g_free(text);
    }
    g_ptr_array_free(explain, TRUE);

    if (ctl->data_conns->len) {
        g_string_append(out, md ? T("\nData connections:\n\n") : T("\n  Data connections:\n"));
        for (guint i = 0; i < ctl->data_conns->len; i++) {
            const ftplens_conn *d = g_ptr_array_index(ctl->data_conns, i);
            GString *steps = g_string_new(NULL);
            for (guint k = 0; d->frames && k < d->frames->len && k < 3; k++) {
                const ftplens_frame *f = g_ptr_array_index(d->frames, k);
                if (f->tcp.step >= FTPLENS_STEP_SYN && f->tcp.step <= FTPLENS_STEP_ESTABLISHED)
                    g_string_append_printf(steps, "%s%u", steps->len ? "/" : "", f->frame);
            }
            char bytes[32];
            snprintf(bytes, sizeof bytes, "%" G_GUINT64_FORMAT, d->data_bytes);
            g_string_append(out, md ? "- " : "  - ");
            g_string_append_printf(out, T("tcp.stream %u: %s; announced in frame %u; handshake frames %s; %s payload bytes\n"),
                                   d->stream, d->role_text, d->expect->setup_frame, steps->len ? steps->str : T("not captured"),
                                   bytes);
            g_string_free(steps, TRUE);
        }
    }
}

static void report_transcript(GString *out, bool md, const ftplens_conn *ctl, unsigned *by_class)
{
    table *t = table_new(4, T("frame"), T("from"), T("line"), T("explanation"));
    for (guint i = 0; i < ctl->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(ctl->frames, i);
        for (int d = 0; d < 2; d++) {
            if (!f->gap_bytes[d])
                continue;
            char fr[16], *line;
            snprintf(fr, sizeof fr, "%u", f->frame);
            line = g_strdup_printf(d ? T("[\u2026 %u bytes server \u2192 client not captured \u2026]")
                                     : T("[\u2026 %u bytes client \u2192 server not captured \u2026]"), f->gap_bytes[d]);
            table_row(t, fr, d ? T("server") : T("client"), line,
                      d ? T("capture gap: replies may be missing; pairing resynchronised by reply code and ACK")
                        : T("capture gap: commands and their replies may be missing"));
            g_free(line);
        }
        for (const ftplens_note *n = f->notes; n; n = n->next) {
            char fr[16], *expl;
            snprintf(fr, sizeof fr, "%u", f->frame);
            if (n->kind == FTPLENS_NOTE_PARTIAL) {
                expl = g_strdup(T("only the end of this line was captured: not explained"));
            } else if (n->kind == FTPLENS_NOTE_REQUEST) {
                expl = g_strdup_printf("%s: %s (%s)%s", n->verb,
                                       n->command ? T(n->command->meaning) : T("not a command of any RFC or registry"),
                                       n->command ? n->command->rfc : T("unknown"),
                                       n->reply_lost ? T("; its reply was not captured") : "");
            } else if (n->kind == FTPLENS_NOTE_REPLY) {
                const ftplens_reply_info *r = &n->reply;
                GString *g = g_string_new(NULL);
                g_string_append_printf(g, "%u %s / %s: %s", r->code, r->class_text, r->category_text, r->meaning);
                if (n->part != FTPLENS_PART_SINGLE)
                    g_string_append_printf(g, T(" [%s line]"), n->part == FTPLENS_PART_FIRST ? T("first")
                                                         : n->part == FTPLENS_PART_LAST ? T("last") : T("continuation"));
                if (n->answers == FTPLENS_ANSWERS_COMMAND)
                    g_string_append_printf(g, T("; answers %s (frame %u) after %.3f s"), n->to_command ? n->to_command : T("a client line"), n->to_frame,
                                           (double)n->reply_time_ns / 1e9);
                else if (n->answers == FTPLENS_ANSWERS_GREETING)
                    g_string_append(g, T("; greeting, answers no command"));
                else if (n->answers == FTPLENS_ANSWERS_LOST)
                    g_string_append(g, T("; answers a command that was not captured"));
                else
                    g_string_append(g, T("; unsolicited"));
                if (n->pairing == FTPLENS_PAIRING_INFERRED && n->answers == FTPLENS_ANSWERS_COMMAND)
                    g_string_append(g, T(" (inferred across a capture gap)"));
                if (n->part == FTPLENS_PART_SINGLE || n->part == FTPLENS_PART_FIRST) {
                    if (r->reply_class < 10)
                        by_class[r->reply_class]++;
                }
                expl = g_string_free(g, FALSE);
            } else {
                expl = g_strdup_printf(T("not a valid FTP %s: %s"), n->from_server ? T("reply") : T("command"),
                                       n->problem_text ? T(n->problem_text) : "");
            }
            /* Cut long lines at a character boundary, not inside a UTF-8 sequence. */
            size_t n_len = strlen(n->text), cut = ftplens_utf8_prefix(n->text, n_len, 70);
            char *line = g_strdup_printf("%.*s%s", (int)cut, n->text, cut < n_len ? "..." : "");
            table_row(t, fr, n->from_server ? T("server") : T("client"), line, expl);
            g_free(line);
            g_free(expl);
        }
    }
    table_end(t, out, md, "  ");
}

static void report_findings(GString *out, bool md, const ftplens_conn *ctl)
{
    unsigned n = 0;
    GPtrArray *all = g_ptr_array_new();
    g_ptr_array_add(all, (gpointer)ctl);
    for (guint i = 0; i < ctl->data_conns->len; i++)
        g_ptr_array_add(all, g_ptr_array_index(ctl->data_conns, i));
    for (guint c = 0; c < all->len; c++) {
        const ftplens_conn *conn = g_ptr_array_index(all, c);
        for (guint i = 0; conn->frames && i < conn->frames->len; i++) {
            const ftplens_frame *f = g_ptr_array_index(conn->frames, i);
            for (const ftplens_finding *fd = f->findings; fd; fd = fd->next) {
                const ftplens_risk_rule *r = &ftplens_risk_rules[fd->id];
                char text[800];
                const char *message = ftplens_finding_text(fd, true, text, sizeof text);
                const char *sev = T(ftplens_severity_text(r->severity)), *advice = T(r->advice);
                if (md)
                    g_string_append_printf(out, T("- **%s** `%s` (frame %u): %s  \n  *Countermeasure:* %s\n"),
                                           sev, r->id, f->frame, message, advice);
                else
                    g_string_append_printf(out, T("  [%s] %s (frame %u): %s\n      Countermeasure: %s\n"),
                                           sev, r->id, f->frame, message, advice);
                n++;
            }
        }
    }
    g_ptr_array_free(all, TRUE);
    if (!n)
        g_string_append(out, md ? T("No findings.\n") : T("  No findings.\n"));
}

/* Capture gaps of a session and what they did to the pairing. */
typedef struct {
    unsigned gaps[2], lost, inferred, unknown;
    uint64_t bytes[2];
} gap_counts;

static gap_counts summary_gaps(const ftplens_conn *ctl)
{
    gap_counts g;
    memset(&g, 0, sizeof g);
    for (guint i = 0; i < ctl->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(ctl->frames, i);
        for (int d = 0; d < 2; d++) {
            g.gaps[d] += f->gap_bytes[d] != 0;
            g.bytes[d] += f->gap_bytes[d];
        }
        for (const ftplens_note *n = f->notes; n; n = n->next) {
            g.lost += n->reply_lost;
            bool head = n->part == FTPLENS_PART_SINGLE || n->part == FTPLENS_PART_FIRST;
            g.inferred += n->kind == FTPLENS_NOTE_REPLY && head && n->pairing == FTPLENS_PAIRING_INFERRED;
            g.unknown += n->kind == FTPLENS_NOTE_REPLY && head && n->pairing == FTPLENS_PAIRING_UNKNOWN;
        }
    }
    return g;
}

/* The Login line: the session's login attempts as ftplens_login_decide saw
 * them, never a guess where a reply or a USER fell into a capture gap. */
static void summary_login(GString *out, bool md, const ftplens_conn *ctl, bool gapped)
{
    const char *user = NULL, *outcome = T("no login seen"), *outcome_user = NULL;
    bool gap_after_failure = false;     /* a later attempt may be in it */
    uint32_t login_frame = 0;
    unsigned failures = 0, unknown_attempts = 0, unclear = 0;

    for (guint i = 0; i < ctl->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(ctl->frames, i);
        user = f->user;         /* ftplens_session_user: none after client bytes were lost */
        if (f->gap_bytes[0])
            gap_after_failure = failures && !login_frame;
        for (const ftplens_note *n = f->notes; n; n = n->next) {
            /* A login command without a final reply in the capture: its outcome is unknown. */
            if ((n->reply_lost || !n->reply_in) && ftplens_login_command(n)) {
                unknown_attempts++;
                if (!login_frame) {
                    outcome = T("unknown (reply not captured)");   /* never guessed */
                    outcome_user = user;
                }
            }
            switch (ftplens_login_decide(n)) {       /* the one login decision */
            case FTPLENS_LOGIN_SUCCEEDED:
                outcome = T("succeeded");
                outcome_user = user;
                login_frame = f->frame;
                gap_after_failure = false;
                break;
            case FTPLENS_LOGIN_FAILED:
            case FTPLENS_LOGIN_CLOSED:
                failures++;
                gap_after_failure = false;
                if (!login_frame) {
                    outcome = T("failed");
                    outcome_user = user;
                }
                break;
            case FTPLENS_LOGIN_UNCLEAR:
                unclear++;
                if (!login_frame) {
                    outcome = T("unclear (a reply no RFC defines for a login)");
                    outcome_user = user;
                }
                break;
            default:
                break;
            }
        }
    }
    char after[160] = "";
    if (failures && gapped)     /* more may have been lost */
        snprintf(after, sizeof after, T(" after at least %u failed attempt%s"), failures, failures == 1 ? "" : T("s"));
    else if (failures)
        snprintf(after, sizeof after, T(" after %u failed attempt%s"), failures, failures == 1 ? "" : T("s"));
    if (unknown_attempts) {
        size_t used = strlen(after);
        snprintf(after + used, sizeof after - used, T("; %u login attempt%s whose reply was not captured"),
                   unknown_attempts, unknown_attempts == 1 ? "" : T("s"));
    }
    if (!login_frame && !failures && !unknown_attempts && !unclear)
        outcome_user = user;    /* no login reply: the last name sent */
    if (gap_after_failure && !login_frame) {
        outcome = T("failed, then client bytes were lost: a later attempt may be missing");
        outcome_user = NULL;
    }
    if (login_frame)
        item(out, md, T("Login"), T("user '%s' %s (frame %u)%s"), outcome_user ? outcome_user : "?", outcome,
             login_frame, after);
    else
        item(out, md, T("Login"), "%s%s%s%s", outcome_user ? T("user '") : "", outcome_user ? outcome_user : "",
             outcome_user ? "' " : "", outcome);
}

/* The Transfers line: every completed transfer command and what its data connection carried. */
static void summary_transfers(GString *out, bool md, const ftplens_conn *ctl)
{
    GString *files = g_string_new(NULL);
    for (guint i = 0; i < ctl->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(ctl->frames, i);
        for (const ftplens_note *n = f->notes; n; n = n->next) {
            bool head = n->part == FTPLENS_PART_SINGLE || n->part == FTPLENS_PART_FIRST;
            const ftplens_note *cmd = n->to_note;
            if (n->kind != FTPLENS_NOTE_REPLY || n->answers != FTPLENS_ANSWERS_COMMAND || !n->to_command || !head ||
                !cmd || !cmd->command || cmd->command->xfer == FTPLENS_XFER_NONE || n->reply.reply_class != 2)
                continue;
            uint64_t bytes = 0;
            bool seen = false;
            for (guint k = 0; k < ctl->data_conns->len; k++) {
                const ftplens_conn *d = g_ptr_array_index(ctl->data_conns, k);
                if (d->expect->command_note == cmd) {
                    bytes = d->data_bytes;
                    seen = true;
                }
            }
            char amount[48];
            if (seen)
                snprintf(amount, sizeof amount, T("%llu bytes"), (unsigned long long)bytes);
            else
                g_strlcpy(amount, T("data connection not captured"), sizeof amount);
            g_string_append_printf(files, "%s%s%s%s (%s%s)", files->len ? "; " : "", cmd->verb,
                                   *cmd->arg ? " " : "", cmd->arg, amount,
                                   cmd->command->xfer == FTPLENS_XFER_UPLOAD ? T(", upload") : "");
        }
    }
    item(out, md, T("Transfers"), "%s", files->len ? files->str : T("none"));
    g_string_free(files, TRUE);
}

static void report_summary(GString *out, bool md, const ftplens_conn *ctl, const unsigned *by_class)
{
    gap_counts g = summary_gaps(ctl);
    bool gapped = g.gaps[0] || g.gaps[1];

    summary_login(out, md, ctl, gapped);
    summary_transfers(out, md, ctl);
    GString *cls = g_string_new(NULL);
    for (unsigned k = 1; k <= 6; k++) {
        if (by_class[k])
            g_string_append_printf(cls, T("%s%uxx %s: %u"), cls->len ? ", " : "", k, T(ftplens_class_text(k)), by_class[k]);
    }
    item(out, md, T("Replies by class"), "%s", cls->len ? cls->str : T("none"));
    g_string_free(cls, TRUE);
    if (gapped)
        item(out, md, T("Capture gaps"),
             T("client \u2192 server: %u gaps, %llu bytes; server \u2192 client: %u gaps, %llu bytes; replies paired "
               "by inference: %u, with the command unknown: %u; commands whose reply was not captured: %u"),
             g.gaps[0], (unsigned long long)g.bytes[0], g.gaps[1], (unsigned long long)g.bytes[1], g.inferred,
             g.unknown, g.lost);
    unsigned open = ftplens_session_open_reply(ctl->session);
    unsigned pending = ftplens_session_pending(ctl->session);
    if (open)
        item(out, md, T("End of capture"), T("the capture ends inside the %u- reply: its last line (%u ...) was not captured"),
             open, open);
    if (pending)
        item(out, md, T("Unanswered"), T("%u command%s got no final reply in the capture"), pending, pending == 1 ? "" : T("s"));
}

char *ftplens_capture_report(const ftplens_capture *c, bool markdown, GHashTable *only, const char *filter)
{
    GString *out = g_string_new(NULL);
    bool md = markdown;
    unsigned n = 0;

    if (md)
        g_string_append_printf(out, "# %s\n\n", T("FTP Lens report"));
    else
        g_string_append_printf(out, "%s\n\n", T("FTP Lens report"));
    for (guint i = 0; i < c->controls->len; i++) {
        const ftplens_conn *ctl = g_ptr_array_index(c->controls, i);
        if (!ftplens_conn_is_ftp(ctl) || !ctl->frames)
            continue;
        if (only && !g_hash_table_contains(only, GUINT_TO_POINTER(ctl->stream)))
            continue;
        unsigned by_class[10] = { 0 };
        n++;
        heading(out, md, 1, T("Session %u: FTP control connection tcp.stream %u"), n, ctl->stream);
        if (!md)
            g_string_append_c(out, '\n');
        report_header(out, md, ctl);
        heading(out, md, 2, "%s", T("1. TCP handshake"));
        report_handshake(out, md, ctl);
        heading(out, md, 2, "%s", T("2. Transcript"));
        report_transcript(out, md, ctl, by_class);
        heading(out, md, 2, "%s", T("3. Security findings"));
        report_findings(out, md, ctl);
        heading(out, md, 2, "%s", T("4. Summary"));
        report_summary(out, md, ctl, by_class);
        g_string_append_c(out, '\n');
    }
    if (!n && only && filter)
        g_string_append_printf(out, T("No FTP session matches the filter '%s'.\n"), filter);
    else if (!n)
        g_string_append(out, md ? T("No FTP session in this capture.\n") : T("No FTP session in this capture.\n"));
    return g_string_free(out, FALSE);
}
