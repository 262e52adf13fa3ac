/* ftplens_report.c - the classroom walkthrough of every FTP session
 * (tshark -z ftplens,report): header, handshake, transcript, findings,
 * summary, ladder diagram (ftplens_ladder.c), in plain text or Markdown.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "ftplens_core_private.h"
#include "ftplens_report_fmt.h"
#include "ftplens_digest.h"
#include "ftplens_ladder.h"
#include "ftplens_overview.h"
#include "ftplens_login.h"
#include "ftplens_text.h"

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

/* 'brief': without the link facts (MAC, IP version, TTL), which the first walkthrough teaches. */
static void report_header(GString *out, bool md, const ftplens_conn *ctl, bool brief)
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
        rpt_item(out, md, T("Client"), T("%s port %u, inside IPv4 %s -> %s (%s)"), ctl->client_text, ctl->client_port,
             cl->outer_src, cl->outer_dst,
             g_str_has_prefix(ctl->client_text, "2002:") ? T("6to4 tunnel via the 6to4 relay") : T("IP-in-IP tunnel"));
    else
        rpt_item(out, md, T("Client"), T("%s port %u"), ctl->client_text, ctl->client_port);
    if (sl && sl->outer_src[0])
        rpt_item(out, md, T("Server"), T("%s port %u, replies inside IPv4 %s -> %s"), ctl->server_text, ctl->listener.port,
             sl->outer_src, sl->outer_dst);
    else
        rpt_item(out, md, T("Server"), T("%s port %u"), ctl->server_text, ctl->listener.port);
    if (!brief && ((cl && cl->eth_src[0]) || (sl && sl->eth_src[0])))
        rpt_item(out, md, T("MAC addresses"), T("client side %s -> %s; server side %s -> %s"),
             cl && cl->eth_src[0] ? cl->eth_src : "?", cl && cl->eth_dst[0] ? cl->eth_dst : "?",
             sl && sl->eth_src[0] ? sl->eth_src : "?", sl && sl->eth_dst[0] ? sl->eth_dst : "?");
    bool v6 = (cl && cl->ipv6) || (sl && sl->ipv6);
    bool tunnel = (cl && cl->outer_src[0]) || (sl && sl->outer_src[0]);
    if (!brief)
        rpt_item(out, md, T("IP"), "%s%s", v6 ? T("IPv6") : T("IPv4"), tunnel ? T(" carried in IPv4 (protocol 41)") : "");
    if (!brief && (cl || sl)) {
        char ct[12] = "?", st[12] = "?";
        if (cl)
            snprintf(ct, sizeof ct, "%u", cl->ttl);
        if (sl)
            snprintf(st, sizeof st, "%u", sl->ttl);
        rpt_item(out, md, v6 ? T("Hop limit") : T("TTL"), T("client's packets %s, server's packets %s"), ct, st);
    }
    if (banner_frame)
        rpt_item(out, md, T("Server software"), T("%s (from the 220 greeting, frame %u)"), product, banner_frame);
    char *start = rpt_time(ctl->first_ns);
    rpt_item(out, md, T("Start"), T("%s; duration %.3f s; %u frames on the control connection"), start,
         (double)(ctl->last_ns - ctl->first_ns) / 1e9, ctl->frame_count);
    g_free(start);
}

static void report_handshake(GString *out, bool md, const ftplens_conn *ctl)
{
    rpt_table *t = rpt_table_new(8, T("frame"), T("step"), T("flags"), T("seq (raw, hex bytes)"), T("ack (raw, hex bytes)"), T("rel seq"),
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
        snprintf(sr, sizeof sr, "%u", ftplens_tcp_seq_rel(n));
        snprintf(ar, sizeof ar, n->has_ack ? "%u" : "-", ftplens_tcp_ack_rel(n));
        snprintf(ln, sizeof ln, "%u", n->len);
        rpt_row(t, fr, n->step_text, flags_text(n->flags, fl), seq, ack, sr, ar, ln);
        g_free(seq);
        g_free(ack);
        if (n->explain || n->lazy)
            g_ptr_array_add(explain, (gpointer)f);
        shown++;
    }
    rpt_table_end(t, out, md, "  ");
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

#define FOLDED_TRANSCRIPT_ROWS 40   /* transcript rows of a later walkthrough in a folded report */

/* 'brief' (a later walkthrough of a folded report): the middle lines of a multi-line reply as one row, at most
 * FOLDED_TRANSCRIPT_ROWS rows, then the command that shows the rest. */
static void report_transcript(GString *out, bool md, const ftplens_conn *ctl, unsigned *by_class, bool brief)
{
    unsigned rows = 0, left = 0, max_rows = brief ? FOLDED_TRANSCRIPT_ROWS : 0, folded = 0;
    gchar **folded_row = NULL;      /* the row that stands for the middle lines of a reply */
    rpt_table *t = rpt_table_new(4, T("frame"), T("from"), T("line"), T("explanation"));
    for (guint i = 0; i < ctl->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(ctl->frames, i);
        for (int d = 0; d < 2; d++) {
            if (!f->gap_bytes[d])
                continue;
            char fr[16], *line;
            snprintf(fr, sizeof fr, "%u", f->frame);
            line = g_strdup_printf(d ? T("[\u2026 %u bytes server \u2192 client not captured \u2026]")
                                     : T("[\u2026 %u bytes client \u2192 server not captured \u2026]"), f->gap_bytes[d]);
            if (max_rows && rows++ >= max_rows)
                left++;
            else
                rpt_row(t, fr, d ? T("server") : T("client"), line,
                      d ? T("capture gap: replies may be missing; pairing resynchronised by reply code and ACK")
                        : T("capture gap: commands and their replies may be missing"));
            g_free(line);
        }
        for (const ftplens_note *n = f->notes; n; n = n->next) {
            char fr[16], *expl;
            snprintf(fr, sizeof fr, "%u", f->frame);
            if (brief && n->kind == FTPLENS_NOTE_REPLY && n->part == FTPLENS_PART_CONTINUATION) {
                if (!folded_row && !(max_rows && rows++ >= max_rows)) {
                    rpt_row(t, fr, T("server"), "", "");
                    folded_row = g_ptr_array_index(t->rows, t->rows->len - 1);
                    folded = 0;
                }
                if (folded_row) {
                    g_free(folded_row[2]);
                    folded_row[2] = g_strdup_printf(T("[\u2026 %u more lines of this reply \u2026]"), ++folded);
                } else {
                    left++;
                }
                continue;
            }
            folded_row = NULL;
            if (n->kind == FTPLENS_NOTE_PARTIAL) {
                expl = g_strdup(T("only the end of this line was captured: not explained"));
            } else if (n->kind == FTPLENS_NOTE_REQUEST) {
                expl = g_strdup_printf("%s: %s (%s)%s", n->verb,
                                       n->command ? T(n->command->meaning) : T("not a command of any RFC or registry"),
                                       n->command ? n->command->rfc : T("unknown"),
                                       n->reply_lost ? T("; its reply was not captured") : "");
            } else if (n->kind == FTPLENS_NOTE_REPLY) {
                const ftplens_reply_code *r = &n->reply;
                ftplens_reply_info texts;
                ftplens_reply_texts(r, &texts);
                GString *g = g_string_new(NULL);
                g_string_append_printf(g, "%u %s / %s: %s", r->code, texts.class_text, texts.category_text,
                                       texts.meaning);
                if (n->part != FTPLENS_PART_SINGLE)
                    g_string_append_printf(g, T(" [%s line]"), n->part == FTPLENS_PART_FIRST ? T("first")
                                                         : n->part == FTPLENS_PART_LAST ? T("last") : T("continuation"));
                if (n->answers == FTPLENS_ANSWERS_COMMAND)
                    g_string_append_printf(g, T("; answers %s (frame %u) after %.3f s"), ftplens_note_to_command(n) ? ftplens_note_to_command(n) : T("a client line"), n->to_frame,
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
                const char *problem = ftplens_note_extra_of(n)->problem_text;
                expl = g_strdup_printf(T("not a valid FTP %s: %s"), n->from_server ? T("reply") : T("command"),
                                       problem ? T(problem) : "");
            }
            /* Cut long lines at a character boundary, not inside a UTF-8 sequence. */
            size_t n_len = strlen(n->text), cut = ftplens_utf8_prefix(n->text, n_len, 70);
            char *line = g_strdup_printf("%.*s%s", (int)cut, n->text, cut < n_len ? "..." : "");
            if (max_rows && rows++ >= max_rows)
                left++;
            else
                rpt_row(t, fr, n->from_server ? T("server") : T("client"), line, expl);
            g_free(line);
            g_free(expl);
        }
    }
    rpt_table_end(t, out, md, "  ");
    if (left)
        g_string_append_printf(out, md ? T("%u more lines: -z \"ftplens,report,full,ftplens.session == %u\" shows "
                                           "this session whole.\n\n")
                                       : T("  %u more lines: -z \"ftplens,report,full,ftplens.session == %u\" shows "
                                           "this session whole.\n"), left, ctl->stream);
}

/* 'compact': one line per finding; the countermeasures are in the overview's grouped findings. */
static void report_findings(GString *out, bool md, const ftplens_conn *ctl, bool compact)
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
                const char *sev = T(ftplens_severity_text(ftplens_finding_severity(fd))), *advice = T(ftplens_finding_advice(fd));
                if (compact)
                    g_string_append_printf(out, md ? T("- **%s** `%s` (frame %u): %s\n") : T("  [%s] %s (frame %u): %s\n"),
                                           sev, r->id, f->frame, message);
                else if (md)
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

/* The Login line: the session's login attempts as the digest saw them. */
static void summary_login(GString *out, bool md, const ftplens_digest *d, bool gapped)
{
    char after[160] = "";
    unsigned failures = d->failures;
    if (failures && gapped)     /* more may have been lost */
        snprintf(after, sizeof after, T(" after at least %u failed attempt%s"), failures, failures == 1 ? "" : T("s"));
    else if (failures)
        snprintf(after, sizeof after, T(" after %u failed attempt%s"), failures, failures == 1 ? "" : T("s"));
    if (d->unknown_attempts) {
        size_t used = strlen(after);
        snprintf(after + used, sizeof after - used, T("; %u login attempt%s whose reply was not captured"),
                   d->unknown_attempts, d->unknown_attempts == 1 ? "" : T("s"));
    }
    const char *outcome = ftplens_digest_outcome_text(d);
    if (d->login_frame)
        rpt_item(out, md, T("Login"), T("user '%s' %s (frame %u)%s"), d->user ? d->user : "?", outcome,
             d->login_frame, after);
    else
        rpt_item(out, md, T("Login"), "%s%s%s%s", d->user ? T("user '") : "", d->user ? d->user : "",
             d->user ? "' " : "", outcome);
}

/* The Transfers line: every completed transfer command and what its data connection carried. */
static void summary_transfers(GString *out, bool md, const ftplens_digest *d)
{
    GString *files = g_string_new(NULL);
    for (guint i = 0; i < d->transfers->len; i++) {
        const ftplens_digest_transfer *t = &g_array_index(d->transfers, ftplens_digest_transfer, i);
        char amount[48];
        if (t->seen)
            snprintf(amount, sizeof amount, T("%llu bytes"), (unsigned long long)t->bytes);
        else
            g_strlcpy(amount, T("data connection not captured"), sizeof amount);
        g_string_append_printf(files, "%s%s%s%s (%s%s)", files->len ? "; " : "", t->cmd->verb,
                               *t->cmd->arg ? " " : "", t->cmd->arg, amount, t->upload ? T(", upload") : "");
    }
    rpt_item(out, md, T("Transfers"), "%s", files->len ? files->str : T("none"));
    g_string_free(files, TRUE);
}

static void report_summary(GString *out, bool md, const ftplens_digest *d, const unsigned *by_class)
{
    const ftplens_conn *ctl = d->ctl;
    gap_counts g = summary_gaps(ctl);
    bool gapped = g.gaps[0] || g.gaps[1];

    summary_login(out, md, d, gapped);
    summary_transfers(out, md, d);
    GString *cls = g_string_new(NULL);
    for (unsigned k = 1; k <= 6; k++) {
        if (by_class[k])
            g_string_append_printf(cls, T("%s%uxx %s: %u"), cls->len ? ", " : "", k, T(ftplens_class_text(k)), by_class[k]);
    }
    rpt_item(out, md, T("Replies by class"), "%s", cls->len ? cls->str : T("none"));
    g_string_free(cls, TRUE);
    if (gapped)
        rpt_item(out, md, T("Capture gaps"),
             T("client \u2192 server: %u gaps, %llu bytes; server \u2192 client: %u gaps, %llu bytes; replies paired "
               "by inference: %u, with the command unknown: %u; commands whose reply was not captured: %u"),
             g.gaps[0], (unsigned long long)g.bytes[0], g.gaps[1], (unsigned long long)g.bytes[1], g.inferred,
             g.unknown, g.lost);
    unsigned open = ftplens_session_open_reply(ctl->session);
    unsigned pending = ftplens_session_pending(ctl->session);
    if (open)
        rpt_item(out, md, T("End of capture"), T("the capture ends inside the %u- reply: its last line (%u ...) was not captured"),
             open, open);
    if (pending)
        rpt_item(out, md, T("Unanswered"), T("%u command%s got no final reply in the capture"), pending, pending == 1 ? "" : T("s"));
}

/* One session's walkthrough; 'handshake': with the TCP handshake section; 'like': the sessions with the same
 * shape, 'similar': those of the same kind walked through here (folded report). */
static void report_session(GString *out, bool md, const ftplens_digest *d, bool handshake, GPtrArray *like,
                           GArray *similar, bool compact)
{
    bool brief = compact && !handshake;     /* a later walkthrough of a folded report */
    const ftplens_conn *ctl = d->ctl;
    unsigned by_class[10] = { 0 };
    rpt_heading(out, md, 1, T("Session %u: FTP control connection tcp.stream %u"), d->number, ctl->stream);
    if (!md)
        g_string_append_c(out, '\n');
    if (like && like->len > 1) {
        char *nums = ftplens_overview_numbers(like);
        rpt_item(out, md, T("Like it"), T("sessions %s (%u in all): the same commands and replies"), nums, like->len);
        g_free(nums);
    }
    if (similar && similar->len) {
        char *nums = rpt_ranges((const unsigned *)(void *)similar->data, similar->len, 8);
        rpt_item(out, md, T("Similar"), T("sessions %s (%u in all): the same login outcome, other commands or "
                                          "replies (see the table above)"), nums, similar->len);
        g_free(nums);
    }
    report_header(out, md, ctl, brief);
    if (handshake) {
        rpt_heading(out, md, 2, "%s", T("1. TCP handshake"));
        report_handshake(out, md, ctl);
    }
    rpt_heading(out, md, 2, "%s", T("2. Transcript"));
    report_transcript(out, md, ctl, by_class, brief);
    rpt_heading(out, md, 2, "%s", T("3. Security findings"));
    report_findings(out, md, ctl, compact);
    rpt_heading(out, md, 2, "%s", T("4. Summary"));
    report_summary(out, md, d, by_class);
    rpt_heading(out, md, 2, "%s", T("5. Ladder diagram"));
    ftplens_ladder(out, md, ctl, brief);
    g_string_append_c(out, '\n');
}

static int cmp_number(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* The folded report: one walkthrough per kind of session (ftplens_digest_kind: client, server, login outcome),
 * from the group of that kind with the most commands (a login that went on to transfer files rather than the
 * tool's bare check); the others are named beside it.  The TCP handshake, the same lesson each time, in the
 * first walkthrough only; countermeasures in the overview ('compact'). */
static void report_folded(GString *out, bool md, GPtrArray *groups, bool compact)
{
    GHashTable *kinds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);  /* kind -> index in 'best' */
    GPtrArray *best = g_ptr_array_new();           /* per kind: its walkthrough's group */
    GPtrArray *similar = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);  /* per kind: all numbers */
    for (guint i = 0; i < groups->len; i++) {
        GPtrArray *g = groups->pdata[i];
        const ftplens_digest *d = g->pdata[0];
        char *kind = ftplens_digest_kind(d);
        gpointer k;
        guint at;
        if (g_hash_table_lookup_extended(kinds, kind, NULL, &k)) {
            at = GPOINTER_TO_UINT(k);
            g_free(kind);
            const ftplens_digest *b = ((GPtrArray *)best->pdata[at])->pdata[0];
            if (d->commands > b->commands)
                best->pdata[at] = g;
        } else {
            at = best->len;
            g_hash_table_insert(kinds, kind, GUINT_TO_POINTER(at));
            g_ptr_array_add(best, g);
            g_ptr_array_add(similar, g_array_new(FALSE, FALSE, sizeof(unsigned)));
        }
        for (guint k2 = 0; k2 < g->len; k2++)
            g_array_append_val(similar->pdata[at], ((const ftplens_digest *)g->pdata[k2])->number);
    }
    /* In the order of their first session; 'similar' without the walked-through group's own sessions. */
    GArray *order = g_array_new(FALSE, FALSE, sizeof(unsigned));
    for (guint i = 0; i < best->len; i++) {
        GPtrArray *g = best->pdata[i];
        GArray *sim = similar->pdata[i];
        GArray *others = g_array_new(FALSE, FALSE, sizeof(unsigned));
        GHashTable *own = g_hash_table_new(g_direct_hash, g_direct_equal);
        for (guint j = 0; j < g->len; j++)
            g_hash_table_add(own, GUINT_TO_POINTER(((const ftplens_digest *)g->pdata[j])->number));
        for (guint k = 0; k < sim->len; k++) {
            unsigned n = g_array_index(sim, unsigned, k);
            if (!g_hash_table_contains(own, GUINT_TO_POINTER(n)))
                g_array_append_val(others, n);
        }
        g_hash_table_destroy(own);
        g_array_sort(others, cmp_number);
        similar->pdata[i] = others;
        g_array_unref(sim);
        unsigned first = ((const ftplens_digest *)g->pdata[0])->number;
        g_array_append_val(order, first);
    }
    for (guint shown = 0; shown < best->len; shown++) {
        guint next = 0;
        for (guint i = 1; i < best->len; i++)
            if (g_array_index(order, unsigned, i) < g_array_index(order, unsigned, next))
                next = i;
        GPtrArray *g = best->pdata[next];
        report_session(out, md, g->pdata[0], shown == 0, g, similar->pdata[next], compact);
        g_array_index(order, unsigned, next) = G_MAXUINT;
    }
    g_array_free(order, TRUE);
    g_ptr_array_free(similar, TRUE);
    g_ptr_array_free(best, TRUE);
    g_hash_table_destroy(kinds);
}

char *ftplens_capture_report(const ftplens_capture *c, bool markdown, bool full, GHashTable *only, const char *filter)
{
    GString *out = g_string_new(NULL);
    bool md = markdown;
    GPtrArray *digests = g_ptr_array_new_with_free_func((GDestroyNotify)ftplens_digest_free);

    if (md)
        g_string_append_printf(out, "# %s\n\n", T("FTP Lens report"));
    else
        g_string_append_printf(out, "%s\n\n", T("FTP Lens report"));
    for (guint i = 0; i < c->controls->len; i++) {
        const ftplens_conn *ctl = g_ptr_array_index(c->controls, i);
        if (!ftplens_conn_covered(ctl, only))
            continue;
        g_ptr_array_add(digests, ftplens_digest_make(ctl, digests->len + 1));
    }
    if (!digests->len && only && filter)
        g_string_append_printf(out, T("No FTP session matches the filter '%s'.\n"), filter);
    else if (!digests->len)
        g_string_append(out, T("No FTP session in this capture.\n"));
    if (!digests->len) {
        g_ptr_array_free(digests, TRUE);
        return g_string_free(out, FALSE);
    }
    GPtrArray *groups = ftplens_overview_fold(digests);
    if (only && filter)         /* guesses, counts and session numbers are those of the sessions kept */
        g_string_append_printf(out, md ? T("Only the sessions with a frame that matches '%s': the overview counts "
                                           "them alone (guess numbers too; the findings count every session).\n\n")
                                       : T("Only the sessions with a frame that matches '%s': the overview counts "
                                           "them alone (guess numbers too; the findings count every session).\n\n"),
                               filter);
    ftplens_overview(out, md, digests, groups, full);
    if (full) {
        for (guint i = 0; i < digests->len; i++)
            report_session(out, md, digests->pdata[i], true, NULL, NULL, false);
    } else {
        /* With more than one session the overview lists every countermeasure once. */
        report_folded(out, md, groups, digests->len > 1);
    }
    g_ptr_array_free(groups, TRUE);
    g_ptr_array_free(digests, TRUE);
    return g_string_free(out, FALSE);
}
