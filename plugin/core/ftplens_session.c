/* ftplens_session.c - the pairing state machine of one FTP control connection.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_session.h"

#include <string.h>

#include "ftplens_parse.h"

/* A client line waiting for its final reply, or (lost) client bytes that a
 * capture gap swallowed: one or more commands nobody saw. */
typedef struct {
    uint32_t frame;
    int64_t time_ns;
    const char *verb;           /* NULL: not a command (garbage, or lost) */
    ftplens_note *note;         /* NULL when lost */
    uint32_t end_seq;           /* raw sequence number after its last byte */
    uint32_t index;
    bool lost;
    bool answered;              /* lost: a final reply to them was seen */
    bool prelim;                /* a 1xx reply was seen */
} pending_cmd;

struct ftplens_session {
    uint32_t id;
    ftplens_arena *arena;
    GQueue pending;              /* of pending_cmd*, oldest first */
    bool greeting_seen;
    bool encrypted;             /* the control channel carries TLS now */
    bool tls_used;              /* ... or did at some point */
    bool mask_passwords;
    const char *user;
    unsigned client_lines, server_lines;
    uint32_t next_index;         /* of client lines */
    bool uncertain;              /* bytes were lost since the queue was last empty */
    bool replies_lost;           /* ... and among them server bytes: replies may be missing */
    bool pipelining;             /* the client sent a command before the previous one was answered */
    bool ml_gap;                 /* bytes were lost inside the open multi-line reply */
    bool resync;                 /* server bytes were lost: lines up to the next reply line are the rest of a
                                    reply whose start was not captured */
    uint64_t lost_reply_bytes;   /* server bytes lost since a reply was last paired */
    GPtrArray *given_up;         /* commands whose reply was found lost, not yet taken by the caller */

    /* the multi-line reply being read, if any */
    bool in_multiline;
    unsigned ml_code;
    struct {                    /* its first line's pairing, for the lines after it */
        ftplens_reply_code reply;
        const ftplens_note *to_note;
        int64_t reply_time_ns;
        uint32_t to_frame, to_index;
        uint8_t answers, pairing;
    } ml_first;
};

static void give_up_head(ftplens_session *s);

ftplens_session *ftplens_session_new(uint32_t id, ftplens_arena *arena)
{
    ftplens_session *s = g_new0(ftplens_session, 1);
    s->id = id;
    s->arena = arena;
    g_queue_init(&s->pending);
    return s;
}

void ftplens_session_free(ftplens_session *s)
{
    if (!s)
        return;
    g_queue_clear_full(&s->pending, g_free);
    if (s->given_up)
        g_ptr_array_free(s->given_up, TRUE);
    g_free(s);
}

bool ftplens_session_auth_accepted(const char *verb, unsigned code)
{
    return code == 234 && verb && strcmp(verb, "AUTH") == 0;
}

void ftplens_session_tls_started(ftplens_session *s)
{
    s->encrypted = s->tls_used = true;
    s->in_multiline = false;
    /* The 234 that let TLS begin fell into a capture gap, with whatever else was still open. */
    while (s->pending.length)
        give_up_head(s);
}

void ftplens_session_tls_ended(ftplens_session *s)
{
    s->encrypted = false;
    s->in_multiline = false;
}

void ftplens_session_mask_passwords(ftplens_session *s, bool mask) { s->mask_passwords = mask; }
const char *ftplens_session_user(const ftplens_session *s) { return s->user; }
bool ftplens_session_encrypted(const ftplens_session *s) { return s->encrypted; }
bool ftplens_session_tls_used(const ftplens_session *s) { return s->tls_used; }
unsigned ftplens_session_pending(const ftplens_session *s) { return s->pending.length; }
unsigned ftplens_session_open_reply(const ftplens_session *s) { return s->in_multiline ? s->ml_code : 0; }
unsigned ftplens_session_client_lines(const ftplens_session *s) { return s->client_lines; }
unsigned ftplens_session_server_lines(const ftplens_session *s) { return s->server_lines; }

static void pop_pending(ftplens_session *s)
{
    g_free(g_queue_pop_head(&s->pending));
    if (!s->pending.length) {
        /* Everything asked was answered (or given up): what follows pairs directly again. */
        s->uncertain = false;
        s->replies_lost = false;
    }
}

/* A command whose final reply fell into a capture gap. */
static void give_up_head(ftplens_session *s)
{
    pending_cmd *p = g_queue_peek_head(&s->pending);
    if (p->note) {
        p->note->reply_lost = true;
        if (!s->given_up)
            s->given_up = g_ptr_array_new();
        g_ptr_array_add(s->given_up, p->note);
    }
    pop_pending(s);
}

const ftplens_note *ftplens_session_take_given_up(ftplens_session *s)
{
    if (!s->given_up || !s->given_up->len)
        return NULL;
    return g_ptr_array_remove_index(s->given_up, 0);
}

void ftplens_session_client_gap(ftplens_session *s, uint32_t end_seq)
{
    pending_cmd *tail = g_queue_peek_tail(&s->pending);
    s->uncertain = true;
    s->user = NULL;     /* a USER or REIN may be in the gap: no name is claimed */
    if (tail && tail->lost && !tail->answered && (int32_t)(end_seq - tail->end_seq) <= 0)
        return;
    /* Each gap is an entry of its own: where it ends bounds the replies that can answer it. */
    if (s->pending.length >= FTPLENS_MAX_PENDING)
        g_free(g_queue_pop_head(&s->pending));
    pending_cmd *p = g_new0(pending_cmd, 1);
    p->lost = true;
    p->end_seq = end_seq;
    g_queue_push_tail(&s->pending, p);
}

void ftplens_session_server_gap(ftplens_session *s, uint32_t bytes, bool before_client_line)
{
    if (s->in_multiline)
        s->ml_gap = true;
    else
        s->resync = true;
    s->lost_reply_bytes += bytes;
    if (s->in_multiline)
        s->uncertain = true;    /* the end of the reply may be lost: what follows is not certain */
    if (before_client_line && !s->pipelining && s->in_multiline) {
        /* A client that waits for replies speaks only after the whole of a multi-line one. */
        s->in_multiline = false;
        s->ml_gap = false;
        s->resync = true;
    }
    if (!s->pending.length)
        return;
    s->uncertain = true;
    s->replies_lost = true;
    /* Found through the ACK of a new client line: the client had received the
     * lost bytes before it sent that line.  A client that waits for each
     * reply before the next command only sends it once every earlier command
     * is answered, so their final replies were in the gap. */
    if (before_client_line && !s->pipelining) {
        while (s->pending.length)
            give_up_head(s);
        s->uncertain = true;
        s->replies_lost = true;
    }
}

static ftplens_note *new_note(ftplens_session *s, const ftplens_line *line, bool from_server)
{
    ftplens_note *n = ftplens_arena_alloc0(s->arena, sizeof *n);
    n->from_server = from_server;
    n->offset = line->offset;
    n->length = line->length;
    n->began_earlier = line->began_earlier;
    n->full_len = line->full_len;
    n->text = ftplens_arena_text(s->arena, line->text, line->text_len);
    if (line->truncated)
        n->problems |= FTPLENS_PROB_LINE_TRUNCATED;
    if (line->after_gap)
        n->problems |= FTPLENS_PROB_AFTER_GAP;
    if (line->partial)
        n->kind = FTPLENS_NOTE_PARTIAL;
    return n;
}

/* The note's rare facts, made when the first one is set. */
static ftplens_note_extra *extra(ftplens_session *s, ftplens_note *n)
{
    if (!n->extra)
        n->extra = ftplens_arena_alloc0(s->arena, sizeof(ftplens_note_extra));
    return (ftplens_note_extra *)n->extra;
}

static void keep_address(ftplens_session *s, ftplens_note *n, const ftplens_hostport *hp, bool ok)
{
    extra(s, n)->arg_explained = ftplens_arena_text(s->arena, hp->explain, strlen(hp->explain));
    if (!ok) {
        n->problems |= FTPLENS_PROB_BAD_ADDRESS_ARG;
        return;
    }
    ftplens_address_arg *kept = ftplens_arena_alloc0(s->arena, sizeof *kept);
    memcpy(kept->addr, hp->addr, sizeof kept->addr);
    kept->port = hp->port;
    kept->has_addr = hp->has_addr;
    kept->ipv6 = hp->ipv6;
    extra(s, n)->address = kept;
}

/* Telnet commands (IAC ...) may appear anywhere on the control connection
 * (RFC 959): drop them before parsing; IAC IAC is a literal 0xff. */
static size_t strip_telnet(const char *in, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c != 0xff) {
            out[o++] = in[i];
            continue;
        }
        if (i + 1 < len && (unsigned char)in[i + 1] == 0xff) {
            out[o++] = in[i];
            i++;
        } else if (i + 1 < len && (unsigned char)in[i + 1] >= 251 && (unsigned char)in[i + 1] <= 254) {
            i += 2;             /* WILL/WONT/DO/DONT option */
        } else {
            i += 1;
        }
    }
    return o;
}

static void queue_command(ftplens_session *s, ftplens_note *n, uint32_t frame, int64_t time_ns,
                          const ftplens_line *line)
{
    pending_cmd *last = g_queue_peek_tail(&s->pending);
    if (last && last->lost && last->answered && !s->pipelining && s->pending.length == 1) {
        /* Lost commands already answered: a client that waits for each reply is done with them. */
        pop_pending(s);
        s->uncertain = true;
        last = NULL;
    }
    /* ABOR and STAT may be sent during a transfer (RFC 959): that is not pipelining. */
    if (last && !last->lost && !(n->verb && (strcmp(n->verb, "ABOR") == 0 || strcmp(n->verb, "STAT") == 0)))
        s->pipelining = true;
    if (s->pending.length >= FTPLENS_MAX_PENDING) {
        /* Keep memory bounded: forget the oldest unanswered command. */
        g_free(g_queue_pop_head(&s->pending));
        n->problems |= FTPLENS_PROB_PENDING_OVERFLOW;
    }
    pending_cmd *p = g_new0(pending_cmd, 1);
    p->frame = frame;
    p->time_ns = time_ns;
    p->verb = n->verb;
    p->note = n;
    p->end_seq = line->end_seq;
    p->index = n->index;
    g_queue_push_tail(&s->pending, p);
}

ftplens_note *ftplens_session_client_line(ftplens_session *s, uint32_t frame, int64_t time_ns,
                                          const ftplens_line *line)
{
    ftplens_command_line cl;
    ftplens_note *n = new_note(s, line, false);
    const char *text = line->text;
    size_t text_len = line->text_len;
    char *clean = NULL;

    s->client_lines++;
    if (n->kind == FTPLENS_NOTE_PARTIAL) {
        /* The end of a command that fell into a gap: that gap is already in the queue. */
        if (!s->pending.length)
            ftplens_session_client_gap(s, line->end_seq);
        return n;
    }
    n->index = ++s->next_index;
    if (memchr(text, 0xff, text_len)) {
        clean = g_malloc(text_len + 1);
        text_len = strip_telnet(text, text_len, clean);
        text = clean;
        n->telnet_iac = true;
    }
    ftplens_parse_command(text, text_len, &cl);
    if (!cl.ok) {
        /* Not a command, but the server answers it all the same. */
        n->kind = FTPLENS_NOTE_BAD_REQUEST;
        n->problems |= FTPLENS_PROB_BAD_COMMAND;
        extra(s, n)->problem_text = cl.problem;
        g_free(clean);
        queue_command(s, n, frame, time_ns, line);
        return n;
    }
    n->kind = FTPLENS_NOTE_REQUEST;
    n->verb = ftplens_arena_intern(s->arena, cl.verb);
    n->arg = ftplens_arena_text(s->arena, cl.arg, cl.arg_len);
    n->arg_len = cl.arg_len + (line->full_len - line->text_len);
    n->command = ftplens_command_lookup(cl.verb);
    if (strcmp(n->verb, "PASS") == 0) {
        extra(s, n)->secret = n->arg;
        if (s->mask_passwords && cl.arg_len) {
            /* Masked everywhere it is shown: the line, the argument, the findings. */
            n->arg = "********";
            n->text = ftplens_arena_text(s->arena, "PASS ********", 13);
        }
    }

    if (strcmp(n->verb, "USER") == 0) {
        s->user = n->arg;
    } else if (strcmp(n->verb, "REIN") == 0) {
        s->user = NULL;
    } else if (strcmp(n->verb, "PORT") == 0 || strcmp(n->verb, "EPRT") == 0) {
        ftplens_hostport hp;
        bool ok = n->verb[0] == 'P' ? ftplens_parse_port_arg(cl.arg, cl.arg_len, &hp)
                                    : ftplens_parse_eprt_arg(cl.arg, cl.arg_len, &hp);
        keep_address(s, n, &hp, ok);
    }

    g_free(clean);
    queue_command(s, n, frame, time_ns, line);
    return n;
}

static void explain_address_reply(ftplens_session *s, ftplens_note *n, const ftplens_reply_line *rl)
{
    ftplens_hostport hp;
    bool ok;

    if (rl->code == 227)
        ok = ftplens_parse_227_text(rl->text, rl->text_len, &hp);
    else if (rl->code == 229)
        ok = ftplens_parse_229_text(rl->text, rl->text_len, &hp);
    else
        return;
    keep_address(s, n, &hp, ok);
}

/* A reply cannot answer a command the server had not received when it sent
 * the reply: the reply segment's ACK must cover the command's last byte. */
static bool received(const pending_cmd *p, const ftplens_reply_ack *ack)
{
    return !ack || !ack->known || (int32_t)(ack->ack - p->end_seq) >= 0;
}

static bool can_receive(const pending_cmd *p, unsigned code)
{
    return p->lost || ftplens_command_may_receive(p->note ? p->note->command : NULL, code);
}

/* After replies fell into a capture gap: drop the commands at the head of the
 * queue whose final reply was in the gap, when a later command that the
 * server had received can take this reply.  A command that cannot receive
 * 'code' (RFC 959 section 5.4: 227 only for PASV, 150 only for transfers...)
 * is dropped; one that can, but so can the next, is dropped as long as the
 * lost bytes could hold its reply (replies are sent in order, the lost ones
 * came just before this one, and a reply takes 8 bytes at least) - except a
 * transfer still waiting for its 1xx, whose lost bytes were more likely that
 * 1xx.  False when no command fits. */
static bool resynchronise(ftplens_session *s, unsigned code, const ftplens_reply_ack *ack)
{
    unsigned skip = 0;
    uint64_t budget = s->lost_reply_bytes;
    const unsigned one = 8;     /* the shortest reply a server sends: "200 OK" CR LF */
    for (GList *l = s->pending.head; l; l = l->next, skip++) {
        const pending_cmd *p = l->data;
        const pending_cmd *q = l->next ? l->next->data : NULL;
        if (!received(p, ack))
            return false;
        bool waits_1xx = p->note && p->note->command && p->note->command->xfer != FTPLENS_XFER_NONE && !p->prelim;
        if (p->lost && p->answered) {
            /* Lost commands that got their reply already: one per gap is assumed. */
            if (!q)
                break;
            continue;
        }
        if (can_receive(p, code)) {
            if (!q || !received(q, ack) || !can_receive(q, code) || waits_1xx || budget < one)
                break;
            budget -= one;
        }
        if (!q)
            return false;
    }
    while (skip--)
        give_up_head(s);
    return true;
}

static void answer(ftplens_note *n, const pending_cmd *p, int64_t time_ns)
{
    n->answers = FTPLENS_ANSWERS_COMMAND;
    n->to_frame = p->frame;
    n->to_note = p->note;
    n->to_index = p->index;
    n->reply_time_ns = time_ns - p->time_ns;
}

/* Decide which command a new reply answers; pops it when the reply is final. */
static void pair_reply(ftplens_session *s, ftplens_note *n, uint32_t frame, int64_t time_ns,
                       const ftplens_reply_ack *ack)
{
    unsigned code = n->reply.code;
    bool opening = !s->greeting_seen && (code == 220 || code == 120 || code == 421);

    n->pairing = s->uncertain ? FTPLENS_PAIRING_INFERRED : FTPLENS_PAIRING_DIRECT;
    if (opening) {
        /* 120 announces a delay; the 220 that follows is still the greeting. */
        if (code != 120)
            s->greeting_seen = true;
        n->answers = FTPLENS_ANSWERS_GREETING;
        return;
    }
    s->greeting_seen = true;
    if (s->replies_lost && !resynchronise(s, code, ack)) {
        /* No command the server had received can take this code: it answers
         * none of them (e.g. a 221 after the client closed), never a guess. */
        s->lost_reply_bytes = 0;
        n->answers = FTPLENS_ANSWERS_UNSOLICITED;
        n->pairing = FTPLENS_PAIRING_UNKNOWN;
        return;
    }
    s->lost_reply_bytes = 0;
    pending_cmd *p = g_queue_peek_head(&s->pending);
    while (p && p->lost) {
        /* Client bytes were lost: the reply answers a command nobody saw,
         * unless what was sent after them was received and fits the code. */
        GList *next = s->pending.head->next;
        const pending_cmd *q = next ? next->data : NULL;
        /* Lost commands that had their reply, or a client that waits for each
         * reply: the next command, once received, takes a reply it can get. */
        bool next_takes = q && received(q, ack) && can_receive(q, code) && (p->answered || !s->pipelining);
        if (!next_takes) {
            n->answers = FTPLENS_ANSWERS_LOST;
            n->pairing = FTPLENS_PAIRING_UNKNOWN;
            if (code >= 200)
                p->answered = true;
            return;
        }
        /* A client that waits for each reply sent that only after the lost
         * commands were answered; one that does not is taken to have lost one
         * command per gap (a segment each, as clients send them). */
        give_up_head(s);
        p = g_queue_peek_head(&s->pending);
        n->pairing = FTPLENS_PAIRING_INFERRED;
    }
    if (!p || !received(p, ack)) {
        n->answers = FTPLENS_ANSWERS_UNSOLICITED;
        if (s->uncertain)
            n->pairing = FTPLENS_PAIRING_UNKNOWN;
        return;
    }
    answer(n, p, time_ns);
    if (code < 200)
        p->prelim = true;
    if (code >= 200) {
        p->note->reply_in = frame;
        const char *verb = p->verb;
        pop_pending(s);
        if (ftplens_session_auth_accepted(verb, code))
            s->encrypted = s->tls_used = true;
    }
}

/* A server line whose start was not captured, or more of a reply whose first
 * line was lost: whatever it answered is unknown.  True when the line is one. */
static bool server_partial(ftplens_session *s, ftplens_note *n, const ftplens_line *line)
{
    if (s->resync && !s->in_multiline && n->kind != FTPLENS_NOTE_PARTIAL &&
        !ftplens_reasm_line_start(true, (const uint8_t *)line->text, line->text_len))
        n->kind = FTPLENS_NOTE_PARTIAL;
    if (n->kind != FTPLENS_NOTE_PARTIAL)
        return false;
    if (s->in_multiline)
        s->ml_gap = true;
    else
        s->resync = true;
    s->lost_reply_bytes += line->full_len + 2;
    return true;
}

/* Inside a multi-line reply every line belongs to it, whatever it looks like;
 * after bytes were lost inside it, a line with another code, or sent after the
 * server had received a later command, starts a new reply (the end of the old
 * one was not captured).  True when the line continued the reply. */
static bool server_continuation(ftplens_session *s, ftplens_note *n, const ftplens_line *line,
                                const ftplens_reply_ack *ack)
{
    if (s->in_multiline && s->ml_gap && ftplens_reasm_line_start(true, (const uint8_t *)line->text, line->text_len)) {
        ftplens_reply_line rl;
        ftplens_parse_reply(line->text, line->text_len, &rl);
        pending_cmd *head = g_queue_peek_head(&s->pending);
        bool later = head && ack && ack->known && head->note != s->ml_first.to_note && received(head, ack);
        if (rl.ok && (rl.code != s->ml_code || later)) {
            s->in_multiline = false;
            s->ml_gap = false;
        }
    }
    if (!s->in_multiline)
        return false;
    bool end = ftplens_is_multiline_end(line->text, line->text_len, s->ml_code);
    n->kind = FTPLENS_NOTE_REPLY;
    n->reply = s->ml_first.reply;
    n->answers = s->ml_first.answers;
    n->to_frame = s->ml_first.to_frame;
    n->to_note = s->ml_first.to_note;
    n->to_index = s->ml_first.to_index;
    n->pairing = s->ml_first.pairing;
    if (s->ml_gap && n->pairing == FTPLENS_PAIRING_DIRECT)
        n->pairing = FTPLENS_PAIRING_INFERRED;      /* lines of it were lost */
    n->reply_time_ns = s->ml_first.reply_time_ns;
    n->part = end ? FTPLENS_PART_LAST : FTPLENS_PART_CONTINUATION;
    if (end) {
        s->in_multiline = false;
        s->ml_gap = false;
    }
    return true;
}

/* The server did answer, only badly: the oldest command is done (otherwise
 * every later reply would pair with the wrong command). */
static void server_bad_reply(ftplens_session *s, ftplens_note *n, const ftplens_reply_line *rl, uint32_t frame,
                             int64_t time_ns, const ftplens_reply_ack *ack)
{
    n->kind = FTPLENS_NOTE_BAD_REPLY;
    n->problems |= FTPLENS_PROB_MALFORMED_REPLY;
    extra(s, n)->problem_text = rl->problem;
    n->answers = FTPLENS_ANSWERS_UNSOLICITED;
    n->pairing = s->uncertain ? FTPLENS_PAIRING_UNKNOWN : FTPLENS_PAIRING_DIRECT;
    pending_cmd *p = s->greeting_seen ? g_queue_peek_head(&s->pending) : NULL;
    if (p && p->lost) {
        n->answers = FTPLENS_ANSWERS_LOST;
        n->pairing = FTPLENS_PAIRING_UNKNOWN;
        p->answered = true;
    } else if (p && received(p, ack)) {
        answer(n, p, time_ns);
        p->note->reply_in = frame;
        pop_pending(s);
    }
}

ftplens_note *ftplens_session_server_line(ftplens_session *s, uint32_t frame, int64_t time_ns,
                                          const ftplens_line *line, const ftplens_reply_ack *ack)
{
    ftplens_reply_line rl;
    ftplens_note *n = new_note(s, line, true);

    s->server_lines++;
    if (server_partial(s, n, line))
        return n;
    s->resync = false;
    if (server_continuation(s, n, line, ack))
        return n;
    ftplens_parse_reply(line->text, line->text_len, &rl);
    if (!rl.ok) {
        server_bad_reply(s, n, &rl, frame, time_ns, ack);
        return n;
    }
    n->kind = FTPLENS_NOTE_REPLY;
    n->part = rl.sep == '-' ? FTPLENS_PART_FIRST : FTPLENS_PART_SINGLE;
    n->reply.code = rl.code;
    pair_reply(s, n, frame, time_ns, ack);
    ftplens_reply_classify(rl.code, ftplens_note_to_command(n), &n->reply);
    if (!ftplens_class_text(n->reply.reply_class) || !ftplens_category_text(n->reply.category))
        n->problems |= FTPLENS_PROB_UNKNOWN_CLASS;
    explain_address_reply(s, n, &rl);
    if (n->part == FTPLENS_PART_FIRST) {
        s->in_multiline = true;
        s->ml_gap = false;
        s->ml_code = rl.code;
        s->ml_first.reply = n->reply;
        s->ml_first.to_note = n->to_note;
        s->ml_first.reply_time_ns = n->reply_time_ns;
        s->ml_first.to_frame = n->to_frame;
        s->ml_first.to_index = n->to_index;
        s->ml_first.answers = n->answers;
        s->ml_first.pairing = n->pairing;
    }
    return n;
}
