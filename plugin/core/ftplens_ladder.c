/* ftplens_ladder.c - section 5 of a session's walkthrough: the ladder
 * (sequence) diagram of its control connection.  One row per segment that
 * matters (handshake, FTP lines, data connections, capture gaps, FIN, RST),
 * in frame order, drawn once as text arrows between a client and a server
 * column and once as a Mermaid sequenceDiagram for Markdown.  The rows are
 * collected first, then written in either form, so both forms show the same
 * labels (report_facts.py compares them).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "ftplens_core_private.h"
#include "ftplens_ladder.h"
#include "ftplens_report_fmt.h"
#include "ftplens_result.h"
#include "ftplens_text.h"

typedef enum {
    TO_SERVER,      /* client -> server */
    TO_CLIENT,      /* server -> client */
    LOST_TO_SERVER, /* bytes client -> server that the capture missed */
    LOST_TO_CLIENT,
    BOTH,           /* a note over both sides: a data connection */
} row_shape;

typedef struct {
    uint32_t frame;
    row_shape shape;
    char *label;        /* printable UTF-8, cut to FTPLENS_LADDER_LABEL_COLS */
} ladder_row;

/* At least this many '-' on each side of a label, so that every row reads as an arrow. */
#define MIN_FILL 4

/* ---- labels ---- */

/* Line ends, other controls and separators would break a row (and end a Mermaid statement). */
static bool breaks_line(gunichar c)
{
    GUnicodeType t = g_unichar_type(c);
    return t == G_UNICODE_CONTROL || t == G_UNICODE_LINE_SEPARATOR || t == G_UNICODE_PARAGRAPH_SEPARATOR;
}

/* Server lines are attacker-controlled: the notes keep printable UTF-8, but a
 * label is checked again rather than trusted.  Appends s to g with what would
 * break a row replaced, and the characters 'special' names as entity codes. */
static void each_printable(const char *s, GString *g, bool (*special)(gunichar, bool), bool alias)
{
    for (const char *p = s; *p;) {
        gunichar c = g_utf8_get_char_validated(p, -1);
        if (c == (gunichar)-1 || c == (gunichar)-2) {
            g_string_append(g, "\xEF\xBF\xBD");     /* U+FFFD: not UTF-8 */
            p++;
            continue;
        }
        p = g_utf8_next_char(p);
        if (breaks_line(c))
            g_string_append_c(g, '.');          /* as the core shows controls */
        else if (special && special(c, alias))
            g_string_append_printf(g, "#%u;", (unsigned)c);
        else
            g_string_append_unichar(g, c);
    }
}

static char *printable(const char *s)
{
    GString *g = g_string_sized_new(strlen(s));
    each_printable(s, g, NULL, false);
    return g_string_free(g, FALSE);
}

/* The longest prefix of s (valid UTF-8) at most 'cols' display columns wide, in bytes.  Widths only
 * grow with the prefix, so a binary search over byte lengths, each snapped to a character boundary. */
static size_t prefix_cols(const char *s, size_t len, size_t cols)
{
    size_t lo = 0, hi = len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        char *p = g_strndup(s, ftplens_utf8_prefix(s, len, mid));
        bool fits = rpt_width(p) <= cols;
        g_free(p);
        if (fits)
            lo = mid;
        else
            hi = mid - 1;
    }
    return ftplens_utf8_prefix(s, len, lo);
}

/* Takes 'raw' (g_malloc'd): printable, without surrounding blanks (Mermaid drops them anyway), and cut
 * at FTPLENS_LADDER_LABEL_COLS display columns (Hangul takes two). */
static char *label_of(char *raw)
{
    char *s = g_strstrip(printable(raw));
    g_free(raw);
    size_t len = strlen(s);
    if (rpt_width(s) <= FTPLENS_LADDER_LABEL_COLS)
        return s;
    size_t cut = prefix_cols(s, len, FTPLENS_LADDER_LABEL_COLS);
    char *out = g_strdup_printf("%.*s...", (int)cut, s);
    g_free(s);
    return out;
}

static void add_row(GArray *rows, uint32_t frame, row_shape shape, char *raw)
{
    ladder_row r = { frame, shape, label_of(raw) };
    g_array_append_val(rows, r);
}

/* ---- rows from the kept frames ---- */

/* "SYN-ACK seq 1317322359 (rel 0) ack 668618923 (rel 1)": raw and relative numbers, as the handshake
 * table shows them. */
static char *tcp_label(const char *name, const ftplens_tcp_note *n)
{
    GString *g = g_string_new(NULL);
    g_string_append_printf(g, T("%s seq %u (rel %u)"), name, n->seq_raw, ftplens_tcp_seq_rel(n));
    if (n->has_ack)
        g_string_append_printf(g, T(" ack %u (rel %u)"), n->ack_raw, ftplens_tcp_ack_rel(n));
    return g_string_free(g, FALSE);
}

/* The segment's opening rows (SYN, SYN-ACK, the handshake's ACK) come before its lines, FIN and RST
 * after them: that is their order in the byte stream. */
static void add_tcp_row(GArray *rows, const ftplens_frame *f, bool closing)
{
    const ftplens_tcp_note *n = &f->tcp;
    const char *name = NULL;
    if (!f->has_tcp)
        return;
    if (closing)
        name = (n->flags & FTPLENS_TCP_RST) ? "RST" : (n->flags & FTPLENS_TCP_FIN) ? "FIN" : NULL;
    else if (!(n->flags & FTPLENS_TCP_RST))
        name = (n->flags & FTPLENS_TCP_SYN) ? ((n->flags & FTPLENS_TCP_ACK) ? "SYN-ACK" : "SYN")
             : n->step == FTPLENS_STEP_ESTABLISHED ? "ACK" : NULL;
    if (name)
        add_row(rows, f->frame, f->from_listener ? TO_CLIENT : TO_SERVER, tcp_label(name, n));
}

static void add_gap_rows(GArray *rows, const ftplens_frame *f)
{
    for (int d = 0; d < 2; d++) {
        if (f->gap_bytes[d])
            add_row(rows, f->frame, d ? LOST_TO_CLIENT : LOST_TO_SERVER,
                    g_strdup_printf(d ? T("[\u2026 %u bytes server \u2192 client not captured \u2026]")
                                      : T("[\u2026 %u bytes client \u2192 server not captured \u2026]"), f->gap_bytes[d]));
    }
}

/* A command as verb and argument (PASS's as the note keeps it: masked when passwords are), any other
 * line as it came; a line whose start was not captured after an ellipsis. */
static char *note_label(const ftplens_note *n)
{
    if (n->kind == FTPLENS_NOTE_REQUEST)
        return n->arg && *n->arg ? g_strdup_printf("%s %s", n->verb, n->arg) : g_strdup(n->verb);
    if (n->kind == FTPLENS_NOTE_PARTIAL)
        return g_strdup_printf("\u2026%s", n->text);
    return g_strdup(n->text);
}

/* 'fold' (brief): the row that stands for the middle lines of the reply being read, or -1. */
static void add_note_rows(GArray *rows, const ftplens_frame *f, bool brief, int *fold, unsigned *folded)
{
    for (const ftplens_note *n = f->notes; n; n = n->next) {
        row_shape shape = n->from_server ? TO_CLIENT : TO_SERVER;
        if (brief && n->kind == FTPLENS_NOTE_REPLY && n->part == FTPLENS_PART_CONTINUATION) {
            if (*fold < 0) {
                add_row(rows, f->frame, shape, g_strdup(""));
                *fold = (int)rows->len - 1;
                *folded = 0;
            }
            ladder_row *r = &g_array_index(rows, ladder_row, *fold);
            g_free(r->label);
            r->label = g_strdup_printf(T("[\u2026 %u more lines of this reply \u2026]"), ++*folded);
            continue;
        }
        *fold = -1;
        add_row(rows, f->frame, shape, note_label(n));
    }
}

/* One row per data connection, at its first frame (the SYN when captured): who opened it, and what it
 * carried for which command. */
static void add_data_rows(GArray *rows, const ftplens_conn *ctl)
{
    for (guint i = 0; i < ctl->data_conns->len; i++) {
        const ftplens_conn *d = g_ptr_array_index(ctl->data_conns, i);
        const ftplens_expect *e = d->expect;
        uint32_t frame = d->frames && d->frames->len ? ((const ftplens_frame *)g_ptr_array_index(d->frames, 0))->frame
                                                     : e->setup_frame;
        char *bytes = rpt_count(d->data_bytes), *label;
        const char *what = e->command_line;
        if (e->backdoor)
            label = g_strdup_printf(T("%s: the client connects, %s bytes"), d->role_text, bytes);
        else if (e->active && what)
            label = g_strdup_printf(T("active data: the server connects, %s bytes, %s"), bytes, what);
        else if (e->active)
            label = g_strdup_printf(T("active data: the server connects, %s bytes"), bytes);
        else if (what)
            label = g_strdup_printf(T("passive data: the client connects, %s bytes, %s"), bytes, what);
        else
            label = g_strdup_printf(T("passive data: the client connects, %s bytes"), bytes);
        g_free(bytes);
        add_row(rows, frame, BOTH, label);
    }
}

static int cmp_frames(const void *a, const void *b)
{
    const ladder_row *x = a, *y = b;
    return x->frame < y->frame ? -1 : x->frame > y->frame;
}

static GArray *collect_rows(const ftplens_conn *ctl, bool brief)
{
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(ladder_row));
    int fold = -1;
    unsigned folded = 0;
    for (guint i = 0; i < ctl->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(ctl->frames, i);
        guint before = rows->len;
        add_tcp_row(rows, f, false);
        add_gap_rows(rows, f);
        if (rows->len != before)
            fold = -1;
        add_note_rows(rows, f, brief, &fold, &folded);
        before = rows->len;
        add_tcp_row(rows, f, true);
        if (rows->len != before)
            fold = -1;
    }
    if (ctl->data_conns)
        add_data_rows(rows, ctl);
    /* Data connections are other TCP connections: merged in by frame number.  g_array_sort is stable
     * (GLib 2.32), so the rows of one frame keep their order. */
    g_array_sort(rows, cmp_frames);
    return rows;
}

static void free_rows(GArray *rows)
{
    for (guint i = 0; i < rows->len; i++)
        g_free(g_array_index(rows, ladder_row, i).label);
    g_array_free(rows, TRUE);
}

/* ---- text ---- */

static void pad(GString *out, char c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        g_string_append_c(out, c);
}

/* One row between the two bars, 'body' columns wide: the label centred in its line, the head at the
 * receiver's end ('>' or '<' for a segment, 'x' for bytes not captured; none for a note over both). */
static void text_row(GString *out, const ladder_row *r, size_t body)
{
    static const struct {
        char fill, head;
        bool right;
    } look[] = {
        [TO_SERVER] = { '-', '>', true }, [TO_CLIENT] = { '-', '<', false },
        [LOST_TO_SERVER] = { '.', 'x', true }, [LOST_TO_CLIENT] = { '.', 'x', false },
        [BOTH] = { '=', 0, true },
    };
    size_t heads = look[r->shape].head ? 1 : 0;
    size_t fill = body - heads - rpt_width(r->label) - 2, left = fill / 2;
    g_string_append_c(out, '|');
    if (heads && !look[r->shape].right)
        g_string_append_c(out, look[r->shape].head);
    pad(out, look[r->shape].fill, left);
    g_string_append_printf(out, " %s ", r->label);
    pad(out, look[r->shape].fill, fill - left);
    if (heads && look[r->shape].right)
        g_string_append_c(out, look[r->shape].head);
    g_string_append(out, "|\n");
}

static char *side_text(const char *who, const char *addr, unsigned port)
{
    char *where = g_strdup_printf(T("%s port %u"), addr, port);
    char *text = g_strdup_printf("%s %s", who, where);
    g_free(where);
    return text;
}

/* The frame column, then the client's bar under its name and the server's bar under the end of its
 * name; every row is as wide as the widest label needs (and the two names). */
static void write_text(GString *out, const ftplens_conn *ctl, const GArray *rows, guint shown)
{
    char *client = side_text(T("Client"), ctl->client_text, ctl->client_port);
    char *server = side_text(T("Server"), ctl->server_text, ctl->listener.port);
    size_t widest = 0, frame_w = rpt_width(T("frame"));
    for (guint i = 0; i < shown; i++) {
        const ladder_row *r = &g_array_index(rows, ladder_row, i);
        char num[16];
        widest = MAX(widest, rpt_width(r->label));
        frame_w = MAX(frame_w, (size_t)snprintf(num, sizeof num, "%u", r->frame));
    }
    size_t body = MAX(widest + 2 + 1 + 2 * MIN_FILL, rpt_width(client) + 2 + rpt_width(server));

    g_string_append(out, "  ");
    g_string_append(out, T("frame"));
    pad(out, ' ', frame_w - rpt_width(T("frame")) + 2);
    g_string_append(out, client);
    pad(out, ' ', body + 2 - rpt_width(client) - rpt_width(server));
    g_string_append_printf(out, "%s\n", server);
    pad(out, ' ', 2 + frame_w + 2);
    g_string_append_c(out, '|');
    pad(out, ' ', body);
    g_string_append(out, "|\n");
    for (guint i = 0; i < shown; i++) {
        const ladder_row *r = &g_array_index(rows, ladder_row, i);
        char num[16];
        int digits = snprintf(num, sizeof num, "%u", r->frame);
        g_string_append_printf(out, "  %s", num);
        pad(out, ' ', frame_w - (size_t)digits + 2);
        text_row(out, r, body);
    }
    g_free(client);
    g_free(server);
}

/* ---- Mermaid ---- */

/* What Mermaid would read as syntax in a label: entity codes instead. */
static bool mermaid_special(gunichar c, bool alias)
{
    switch (c) {
    case ';': case '#': case '<': case '>': case '%': case '"': case '{': case '}': case '\\': case '&':
        return true;
    case ':': case ',':
        return alias;
    default:
        return false;
    }
}

char *ftplens_mermaid_escape(const char *s, bool alias)
{
    GString *g = g_string_sized_new(strlen(s) + 8);
    each_printable(s, g, mermaid_special, alias);
    return g_string_free(g, FALSE);
}

static void mermaid_participant(GString *out, char id, const char *who, const char *addr, unsigned port)
{
    char *text = side_text(who, addr, port), *esc = ftplens_mermaid_escape(text, true);
    g_string_append_printf(out, "    participant %c as %s\n", id, esc);
    g_free(esc);
    g_free(text);
}

static void write_mermaid(GString *out, const ftplens_conn *ctl, const GArray *rows, guint shown)
{
    static const char *const head[] = {
        [TO_SERVER] = "C->>S", [TO_CLIENT] = "S->>C", [LOST_TO_SERVER] = "C--xS", [LOST_TO_CLIENT] = "S--xC",
        [BOTH] = "Note over C,S",
    };
    g_string_append(out, "```mermaid\nsequenceDiagram\n");
    mermaid_participant(out, 'C', T("Client"), ctl->client_text, ctl->client_port);
    mermaid_participant(out, 'S', T("Server"), ctl->server_text, ctl->listener.port);
    for (guint i = 0; i < shown; i++) {
        const ladder_row *r = &g_array_index(rows, ladder_row, i);
        char *text = g_strdup_printf(T("frame %u: %s"), r->frame, r->label);
        char *esc = ftplens_mermaid_escape(text, false);
        g_string_append_printf(out, "    %s: %s\n", head[r->shape], esc);
        g_free(esc);
        g_free(text);
    }
    g_string_append(out, "```\n");
}

void ftplens_ladder(GString *out, bool md, const ftplens_conn *ctl, bool brief)
{
    GArray *rows = collect_rows(ctl, brief);
    guint shown = brief ? MIN(rows->len, FTPLENS_LADDER_BRIEF_ROWS) : rows->len;
    if (md)
        write_mermaid(out, ctl, rows, shown);
    else
        write_text(out, ctl, rows, shown);
    if (shown < rows->len)
        g_string_append_printf(out, md ? T("\n%u more rows: -z \"ftplens,report,full,ftplens.session == %u\" shows "
                                           "this session whole.\n")
                                       : T("  %u more rows: -z \"ftplens,report,full,ftplens.session == %u\" shows "
                                           "this session whole.\n"), rows->len - shown, ctl->stream);
    free_rows(rows);
}
