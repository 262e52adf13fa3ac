/* ftplens_worksheet.c - the questions of the teacher's kit, each from a fact
 * the capture holds: one builder per topic (the table at the end), and a
 * builder asks nothing when the capture cannot support its question (no
 * handshake captured: no ISN question).  A variant number chooses the
 * session, the frames and the question forms, the same way every time.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "ftplens_core_private.h"
#include "ftplens_report_fmt.h"
#include "ftplens_risk.h"
#include "ftplens_text.h"
#include "ftplens_worksheet.h"

#define QUOTE_MAX 60            /* bytes of a line quoted in a question */
#define FINDING_RULES 3         /* findings asked about, the most severe first */
#define FINDING_FRAME_FORM_MAX 20   /* "which frame" only when a finding has this few frames */
#define FINDING_TEXT_MAX 800        /* a finding's sentence with its evidence */
#define WHICH_MAX 200               /* bytes of "USER in frame 8, PASS in frame 12" before it stops growing */
#define REPLY_TIME_MIN_NS 5000000   /* a reply time worth asking: 5 ms (loopback replies take microseconds) */

typedef struct {
    const ftplens_capture *c;
    GPtrArray *sessions;        /* control connections in report order: session i + 1 */
    const ftplens_conn *ctl;    /* the session asked about */
    unsigned number;
    unsigned variant;
    uint64_t rng;
    GPtrArray *out;
} kit;

/* splitmix64: the same numbers on every platform and GLib release. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Each topic draws from its own sequence, so that a topic a capture cannot
 * support does not change the choices of the others. */
static void seed(kit *k, const char *topic)
{
    uint64_t h = 1469598103934665603u;
    for (const char *p = topic; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211u;
    k->rng = h ^ ((uint64_t)k->variant * 0x2545f4914f6cdd1du);
}

/* One of n choices: variant 0 takes the first of each, the others draw. */
static unsigned pick(kit *k, unsigned n)
{
    uint64_t r = next_random(&k->rng);
    return k->variant == 0 || n == 0 ? 0 : (unsigned)(r % n);
}

static void question_free(gpointer p)
{
    ftplens_question *q = p;
    g_free(q->question);
    g_free(q->answer);
    g_free(q->why);
    g_array_free(q->frames, TRUE);
    g_array_free(q->values, TRUE);
    g_ptr_array_free(q->accept, TRUE);
    g_ptr_array_free(q->reject, TRUE);
    g_free(q);
}

static ftplens_question *ask(kit *k, const char *topic, ftplens_grade grade, char *question, char *answer, char *why)
{
    ftplens_question *q = g_new0(ftplens_question, 1);
    q->topic = topic;
    q->session = k->number;
    q->grade = grade;
    q->question = question;
    q->answer = answer;
    q->why = why;
    q->frames = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    q->values = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    q->accept = g_ptr_array_new_with_free_func(g_free);
    q->reject = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(k->out, q);
    return q;
}

static void add_frame(ftplens_question *q, uint32_t frame)
{
    g_array_append_val(q->frames, frame);
}

static void add_value(ftplens_question *q, uint64_t v)
{
    g_array_append_val(q->values, v);
}

/* A name in English and in Korean (the key grades either). */
static char *both(const char *en)
{
    const char *ko = ftplens_tr_ko(en);
    return ko && strcmp(ko, en) ? g_strdup_printf("%s|%s", en, ko) : g_strdup(en);
}

static void add_accept_both(ftplens_question *q, const char *en)
{
    g_ptr_array_add(q->accept, both(en));
}

/* The other names of a closed list (classes, categories, sides), which make an answer wrong when named first. */
static void add_reject_others(ftplens_question *q, const char *const *names, size_t n, const char *right)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], right) != 0)
            g_ptr_array_add(q->reject, both(names[i]));
}

/* "0x27da50aa (668618922)" */
static char *hex_dec(uint32_t v)
{
    return g_strdup_printf("0x%08x (%u)", v, v);
}

/* A line as a question quotes it: cut at a character boundary. */
static char *quote(const char *text)
{
    size_t n = strlen(text), cut = ftplens_utf8_prefix(text, n, QUOTE_MAX);
    return g_strdup_printf("%.*s%s", (int)cut, text, cut < n ? "..." : "");
}

/* ---- the TCP handshake ---- */

static const ftplens_frame *step_frame(const ftplens_conn *ctl, ftplens_step step, bool from_listener_side)
{
    for (guint i = 0; i < ctl->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(ctl->frames, i);
        if (f->has_tcp && f->tcp.step == step && f->from_listener == from_listener_side && !f->tcp.isn_is_base)
            return f;
    }
    return NULL;
}

static void ask_isn(kit *k, const char *topic, const ftplens_frame *f, bool server)
{
    uint32_t isn = f->tcp.seq_raw;
    char *q;
    if (pick(k, 2) == 0)
        q = g_strdup_printf(server ? T("Frame %u is the server's SYN-ACK. What is the server's initial sequence number "
                                       "(ISN)? Give it in hexadecimal or decimal.")
                                   : T("Frame %u is the client's SYN. What is the client's initial sequence number "
                                       "(ISN)? Give it in hexadecimal or decimal."), f->frame);
    else
        q = g_strdup_printf(server ? T("Wireshark shows the sequence number of the server's SYN-ACK (frame %u) as "
                                       "relative 0. Which raw sequence number does relative 0 stand for?")
                                   : T("Wireshark shows the sequence number of the client's SYN (frame %u) as "
                                       "relative 0. Which raw sequence number does relative 0 stand for?"), f->frame);
    char hex[12];
    snprintf(hex, sizeof hex, "0x%08x", isn);
    char *why = g_strdup_printf(server ? T("The SYN-ACK's sequence number is the server's ISN, %s; Wireshark shows "
                                           "the server's sequence numbers relative to it, so relative 0 is the ISN itself.")
                                       : T("The SYN's sequence number is the client's ISN, %s; Wireshark shows the "
                                           "client's sequence numbers relative to it, so relative 0 is the ISN itself."),
                                hex);
    ftplens_question *qq = ask(k, topic, FTPLENS_GRADE_NUMBER, q, hex_dec(isn), why);
    add_frame(qq, f->frame);
    add_value(qq, isn);
}

static void q_handshake(kit *k)
{
    const ftplens_frame *syn = step_frame(k->ctl, FTPLENS_STEP_SYN, false);
    const ftplens_frame *synack = step_frame(k->ctl, FTPLENS_STEP_SYNACK, true);
    const ftplens_frame *est = step_frame(k->ctl, FTPLENS_STEP_ESTABLISHED, false);
    seed(k, "client_isn");
    if (syn)
        ask_isn(k, "client_isn", syn, false);
    seed(k, "server_isn");
    if (synack)
        ask_isn(k, "server_isn", synack, true);
    if (!syn || !synack)
        return;
    uint32_t c_isn = syn->tcp.seq_raw, s_isn = synack->tcp.seq_raw;
    char hex[12];
    if (synack->tcp.has_ack && synack->tcp.ack_raw == c_isn + 1) {
        snprintf(hex, sizeof hex, "0x%08x", c_isn);
        ftplens_question *q = ask(k, "synack_ack", FTPLENS_GRADE_NUMBER,
            g_strdup_printf(T("What acknowledgment number does the SYN-ACK (frame %u) carry, as a raw number?"),
                            synack->frame),
            hex_dec(c_isn + 1),
            g_strdup_printf(T("It is the client's ISN %s + 1: the SYN consumes one sequence number, and an "
                              "acknowledgment names the next byte expected."), hex));
        add_frame(q, synack->frame);
        add_frame(q, syn->frame);
        add_value(q, c_isn + 1);
    }
    if (!est)
        return;
    if (est->tcp.seq_raw == c_isn + 1) {
        snprintf(hex, sizeof hex, "0x%08x", c_isn);
        ftplens_question *q = ask(k, "third_seq", FTPLENS_GRADE_NUMBER,
            g_strdup_printf(T("Frame %u completes the handshake (the third segment). What is its raw sequence "
                              "number?"), est->frame),
            hex_dec(c_isn + 1),
            g_strdup_printf(T("The client's ISN %s + 1 (relative 1): its SYN used one sequence number, and the "
                              "ACK carries no data."), hex));
        add_frame(q, est->frame);
        add_value(q, c_isn + 1);
    }
    if (est->tcp.has_ack && est->tcp.ack_raw == s_isn + 1) {
        snprintf(hex, sizeof hex, "0x%08x", s_isn);
        ftplens_question *q = ask(k, "third_ack", FTPLENS_GRADE_NUMBER,
            g_strdup_printf(T("And what is the raw acknowledgment number of frame %u?"), est->frame),
            hex_dec(s_isn + 1),
            g_strdup_printf(T("The server's ISN %s + 1 (relative 1): the server's SYN used one sequence number, "
                              "and the client expects the byte after it."), hex));
        add_frame(q, est->frame);
        add_value(q, s_isn + 1);
    }
}

/* ---- one segment: Len and the next sequence number ---- */

/* A segment of exactly one whole FTP line ending in CR LF, whose sender's ISN
 * was captured (relative numbers then start where Wireshark's do); no PASS
 * line (its password stays out of the worksheet). */
static bool one_line_segment(const ftplens_frame *f)
{
    const ftplens_note *n = f->notes;
    if (!f->has_tcp || f->tcp.isn_is_base || !n || n->next || f->tcp.flags & (FTPLENS_TCP_SYN | FTPLENS_TCP_FIN))
        return false;
    if (n->kind == FTPLENS_NOTE_PARTIAL || n->began_earlier || n->telnet_iac || n->length != f->tcp.len ||
        n->full_len + 2 != n->length || strlen(n->text) != n->full_len)
        return false;
    return !(n->kind == FTPLENS_NOTE_REQUEST && n->verb && strcmp(n->verb, "PASS") == 0);
}

static void q_segment(kit *k)
{
    GPtrArray *cands = g_ptr_array_new();
    for (guint i = 0; i < k->ctl->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(k->ctl->frames, i);
        if (one_line_segment(f))
            g_ptr_array_add(cands, (gpointer)f);
    }
    if (!cands->len) {
        g_ptr_array_free(cands, TRUE);
        return;
    }
    seed(k, "segment_len");
    unsigned a = pick(k, cands->len);
    const ftplens_frame *f = cands->pdata[a];
    char *line = quote(f->notes->text);
    ftplens_question *q = ask(k, "segment_len", FTPLENS_GRADE_NUMBER,
        g_strdup_printf(T("Frame %u carries the line '%s'. What is the TCP segment length (Len) of this frame?"),
                        f->frame, line),
        g_strdup_printf("%u", f->tcp.len),
        g_strdup_printf(T("The line is %u bytes, and every FTP line ends with CR LF (2 bytes): %u + 2 = %u."),
                        (unsigned)f->notes->full_len, (unsigned)f->notes->full_len, f->tcp.len));
    add_frame(q, f->frame);
    add_value(q, f->tcp.len);
    g_free(line);

    /* Another segment when there is one. */
    seed(k, "next_seq");
    unsigned b = cands->len > 1 ? (a + 1 + pick(k, cands->len - 1)) % cands->len : a;
    f = cands->pdata[b];
    uint32_t seq = ftplens_tcp_seq_rel(&f->tcp), next = ftplens_tcp_next_seq_rel(&f->tcp);
    line = quote(f->notes->text);
    q = ask(k, "next_seq", FTPLENS_GRADE_NUMBER,
        g_strdup_printf(T("Frame %u has the relative sequence number %u and carries the line '%s'. What relative "
                          "sequence number will the same sender's next byte have?"), f->frame, seq, line),
        g_strdup_printf("%u", next),
        g_strdup_printf(T("Sequence number plus Len: %u + %u = %u (the line and its CR LF)."), seq, f->tcp.len, next));
    add_frame(q, f->frame);
    add_value(q, next);
    g_free(line);
    g_ptr_array_free(cands, TRUE);
}

/* ---- replies: class, category, which command, how long ---- */

typedef struct {
    const ftplens_frame *f;
    const ftplens_note *n;
} line_at;

/* The first line of every reply of the session (whole replies only) that 'want' accepts. */
static GArray *replies(const ftplens_conn *ctl, bool (*want)(const ftplens_note *))
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(line_at));
    for (guint i = 0; i < ctl->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(ctl->frames, i);
        for (const ftplens_note *n = f->notes; n; n = n->next) {
            if (n->kind == FTPLENS_NOTE_REPLY && (n->part == FTPLENS_PART_SINGLE || n->part == FTPLENS_PART_FIRST) &&
                n->reply.standard && want(n)) {
                line_at l = { f, n };
                g_array_append_val(a, l);
            }
        }
    }
    return a;
}

static bool any_reply(const ftplens_note *n)
{
    return ftplens_class_text(n->reply.reply_class) && ftplens_category_text(n->reply.category);
}

static bool paired_reply(const ftplens_note *n)
{
    return n->answers == FTPLENS_ANSWERS_COMMAND && n->pairing == FTPLENS_PAIRING_DIRECT && n->to_note &&
           n->to_note->verb && n->to_frame;
}

static bool slow_reply(const ftplens_note *n)
{
    return paired_reply(n) && n->reply_time_ns >= REPLY_TIME_MIN_NS;
}

static void q_reply_digits(kit *k)
{
    GArray *a = replies(k->ctl, any_reply);
    if (!a->len) {
        g_array_free(a, TRUE);
        return;
    }
    seed(k, "reply_class");
    unsigned i = pick(k, a->len);
    line_at l = g_array_index(a, line_at, i);
    const ftplens_reply_code *r = &l.n->reply;
    char *line = quote(l.n->text);
    const char *cls = ftplens_class_text(r->reply_class);
    ftplens_question *q = ask(k, "reply_class", FTPLENS_GRADE_CHOICE,
        g_strdup_printf(T("Frame %u: the server replies '%s'. To which class does reply %u belong (what its first "
                          "digit says)?"), l.f->frame, line, r->code),
        g_strdup_printf("%uxx %s", r->reply_class, T(cls)),
        g_strdup_printf(T("The first digit, %u, is the class: %s (RFC 959 section 4.2.1)."), r->reply_class, T(cls)));
    add_frame(q, l.f->frame);
    add_accept_both(q, cls);
    const char *classes[6];
    for (unsigned c = 1; c <= 6; c++)
        classes[c - 1] = ftplens_class_text(c);
    add_reject_others(q, classes, G_N_ELEMENTS(classes), cls);
    g_free(line);

    /* The category of another reply when there is one. */
    seed(k, "reply_category");
    unsigned j = a->len > 1 ? (i + 1 + pick(k, a->len - 1)) % a->len : i;
    l = g_array_index(a, line_at, j);
    r = &l.n->reply;
    line = quote(l.n->text);
    const char *cat = ftplens_category_text(r->category);
    q = ask(k, "reply_category", FTPLENS_GRADE_CHOICE,
        g_strdup_printf(T("Frame %u: the server replies '%s'. What is reply %u about, by its second digit (its "
                          "category)?"), l.f->frame, line, r->code),
        g_strdup_printf("x%u %s", r->category, T(cat)),
        g_strdup_printf(T("The second digit, %u, is the category: %s (RFC 959 section 4.2.1)."), r->category, T(cat)));
    add_frame(q, l.f->frame);
    add_accept_both(q, cat);
    const char *categories[6];
    for (unsigned c = 0; c <= 5; c++)
        categories[c] = ftplens_category_text(c);
    add_reject_others(q, categories, G_N_ELEMENTS(categories), cat);
    g_free(line);
    g_array_free(a, TRUE);
}

static void q_reply_pairing(kit *k)
{
    GArray *a = replies(k->ctl, paired_reply);
    if (!a->len) {
        g_array_free(a, TRUE);
        return;
    }
    seed(k, "reply_answers");
    line_at l = g_array_index(a, line_at, pick(k, a->len));
    const ftplens_note *n = l.n;
    char *line = quote(n->text);
    ftplens_question *q = ask(k, "reply_answers", FTPLENS_GRADE_NUMBER,
        g_strdup_printf(T("Which command does the reply in frame %u ('%s') answer? Give the frame number of that "
                          "command."), l.f->frame, line),
        g_strdup_printf(T("frame %u (%s)"), n->to_frame, n->to_note->verb),
        g_strdup_printf(T("Replies answer commands in the order they were sent: when frame %u arrives, the oldest "
                          "command still waiting for its final reply is %s in frame %u."), l.f->frame, n->to_note->verb,
                        n->to_frame));
    add_frame(q, l.f->frame);
    add_frame(q, n->to_frame);
    add_value(q, n->to_frame);
    g_free(line);
    g_array_free(a, TRUE);

    /* The time of a reply that took long enough to read off the frame list (loopback replies take
     * microseconds: "0" would be right within any rounding). */
    a = replies(k->ctl, slow_reply);
    if (a->len) {
        seed(k, "reply_time");
        l = g_array_index(a, line_at, pick(k, a->len));
        n = l.n;
        double s = (double)n->reply_time_ns / 1e9;
        line = quote(n->text);
        q = ask(k, "reply_time", FTPLENS_GRADE_SECONDS,
            g_strdup_printf(T("How long did the server take to send the reply in frame %u ('%s'), counted from the "
                              "command it answers? Give seconds."), l.f->frame, line),
            g_strdup_printf(T("%.6f s"), s),
            g_strdup_printf(T("The time of frame %u minus the time of frame %u (%s): %.6f s."), l.f->frame, n->to_frame,
                            n->to_note->verb, s));
        g_free(line);
        add_frame(q, n->to_frame);
        add_frame(q, l.f->frame);
        q->seconds = s;
        /* A student reads times to the microsecond from the frame list; allow rounding to the millisecond. */
        q->tolerance = MAX(0.0005, s * 0.01);
    }
    g_array_free(a, TRUE);
}

/* ---- a multi-line reply ---- */

/* The frame of the last line of the multi-line reply whose first line is 'first' (in the i-th kept frame),
 * or 0 when it was not captured. */
static uint32_t reply_end(const ftplens_conn *ctl, guint i, const ftplens_note *first)
{
    const ftplens_frame *f = g_ptr_array_index(ctl->frames, i);
    for (const ftplens_note *n = first->next;; n = n->next) {
        while (!n) {
            if (++i >= ctl->frames->len)
                return 0;
            f = g_ptr_array_index(ctl->frames, i);
            n = f->notes;
        }
        if (!n->from_server || n->kind != FTPLENS_NOTE_REPLY)
            continue;
        if (n->part == FTPLENS_PART_LAST && n->reply.code == first->reply.code)
            return f->frame;
        if (n->part != FTPLENS_PART_CONTINUATION)
            return 0;
    }
}

static void q_multiline(kit *k)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(line_at));
    GArray *ends = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    for (guint i = 0; i < k->ctl->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(k->ctl->frames, i);
        for (const ftplens_note *n = f->notes; n; n = n->next) {
            if (n->kind != FTPLENS_NOTE_REPLY || n->part != FTPLENS_PART_FIRST)
                continue;
            uint32_t end = reply_end(k->ctl, i, n);
            if (end && end != f->frame) {     /* a reply in one frame asks nothing of where it ends */
                line_at l = { f, n };
                g_array_append_val(a, l);
                g_array_append_val(ends, end);
            }
        }
    }
    if (a->len) {
        seed(k, "multiline_end");
        unsigned i = pick(k, a->len);
        line_at l = g_array_index(a, line_at, i);
        uint32_t end = g_array_index(ends, uint32_t, i);
        unsigned code = l.n->reply.code;
        char *line = quote(l.n->text);
        ftplens_question *q = ask(k, "multiline_end", FTPLENS_GRADE_NUMBER,
            g_strdup_printf(T("The server's reply %u begins in frame %u with the line '%s'. In which frame does this "
                              "multi-line reply end?"), code, l.f->frame, line),
            g_strdup_printf(T("frame %u"), end),
            g_strdup_printf(T("A multi-line reply begins with its code and a hyphen (%u-) and ends with the first "
                              "line that begins with the same code and a space (%u ): frame %u."), code, code, end));
        add_frame(q, l.f->frame);
        add_frame(q, end);
        add_value(q, end);
        g_free(line);
    }
    g_array_free(a, TRUE);
    g_array_free(ends, TRUE);
}

/* ---- data connections ---- */

/* The line in 'frame' that announced a data connection: the PORT/EPRT command, or the 227/229 reply. */
static const ftplens_note *announcing_line(const ftplens_conn *ctl, uint32_t frame, bool active)
{
    for (guint i = 0; i < ctl->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(ctl->frames, i);
        if (f->frame != frame)
            continue;
        for (const ftplens_note *n = f->notes; n; n = n->next)
            if (ftplens_note_extra_of(n)->address && n->from_server == !active)
                return n;
    }
    return NULL;
}

static void q_data(kit *k)
{
    GPtrArray *cands = g_ptr_array_new();
    for (guint i = 0; i < k->ctl->data_conns->len; i++) {
        const ftplens_conn *d = g_ptr_array_index(k->ctl->data_conns, i);
        if (d->expect && announcing_line(k->ctl, d->expect->setup_frame, d->expect->active))
            g_ptr_array_add(cands, (gpointer)d);
    }
    if (cands->len) {
        seed(k, "data_opener");
        const ftplens_conn *d = cands->pdata[pick(k, cands->len)];
        const ftplens_expect *e = d->expect;
        const ftplens_note *ann = announcing_line(k->ctl, e->setup_frame, e->active);
        const char *verb = e->active ? ann->verb : ftplens_note_to_command(ann);
        char *line = quote(ann->text);
        ftplens_question *q = ask(k, "data_opener", FTPLENS_GRADE_CHOICE,
            e->command ? g_strdup_printf(T("tcp.stream %u is a data connection of this session, for %s. Who opens it: "
                                           "the client or the server?"), d->stream, e->command)
                       : g_strdup_printf(T("tcp.stream %u is a data connection of this session. Who opens it: the "
                                           "client or the server?"), d->stream),
            g_strdup(e->active ? T("the server (active mode)") : T("the client (passive mode)")),
            e->active ? g_strdup_printf(T("%s in frame %u told the server the client's address and port: in active mode "
                                          "the server connects to the client."), line, e->setup_frame)
                      : g_strdup_printf(T("The server's reply '%s' (frame %u) to %s gave its address and port: in "
                                          "passive mode the client connects to the server."), line, e->setup_frame,
                                        verb ? verb : "PASV"));
        add_frame(q, e->setup_frame);
        static const char *const sides[] = { N_("client"), N_("server") };
        add_accept_both(q, sides[e->active]);
        add_reject_others(q, sides, G_N_ELEMENTS(sides), sides[e->active]);
        g_free(line);

        q = ask(k, "data_announced", FTPLENS_GRADE_NUMBER,
            g_strdup_printf(T("In which frame was the address and port that tcp.stream %u connects to announced?"),
                            d->stream),
            g_strdup_printf(T("frame %u (%s)"), e->setup_frame, verb ? verb : ann->verb),
            g_strdup_printf(e->active ? T("The client's %s command carries the address where it listens.")
                                      : T("The server's reply to %s carries the address where it listens."),
                            verb ? verb : ann->verb));
        add_frame(q, e->setup_frame);
        add_value(q, e->setup_frame);
    }
    g_ptr_array_free(cands, TRUE);
}

/* ---- credentials, the banner ---- */

static void q_credentials(kit *k)
{
    GArray *frames = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    GString *which = g_string_new(NULL);
    bool split = false;
    for (guint i = 0; i < k->ctl->frames->len && !split; i++) {
        const ftplens_frame *f = g_ptr_array_index(k->ctl->frames, i);
        bool added = false;
        for (const ftplens_note *n = f->notes; n; n = n->next) {
            if (n->kind != FTPLENS_NOTE_REQUEST || !n->command || !(n->command->flags & FTPLENS_CMD_LOGIN))
                continue;
            /* Split over segments: the earlier ones carry part of it too, and the note names only the
             * last.  No question rather than an answer that leaves frames out. */
            split = n->began_earlier;
            if (split)
                break;
            if (which->len < WHICH_MAX)
                g_string_append_printf(which, T("%s%s in frame %u"), which->len ? ", " : "", n->verb, f->frame);
            if (!added)
                g_array_append_val(frames, f->frame);
            added = true;
        }
    }
    if (frames->len && !split) {
        GString *list = g_string_new(NULL);
        for (guint i = 0; i < frames->len; i++)
            g_string_append_printf(list, "%s%u", i ? ", " : "", g_array_index(frames, uint32_t, i));
        ftplens_question *q = ask(k, "cleartext_frames", FTPLENS_GRADE_FRAMES,
            g_strdup(T("Which frames of this session carry login credentials (a user name or a password) in clear "
                       "text? List their frame numbers.")),
            g_string_free(list, FALSE),
            g_strdup_printf(T("%s: FTP sends them unencrypted, so anyone on the path can read them."), which->str));
        for (guint i = 0; i < frames->len; i++) {
            add_frame(q, g_array_index(frames, uint32_t, i));
            add_value(q, g_array_index(frames, uint32_t, i));
        }
        /* Groups of words that each name one countermeasure. */
        static const char *const measures[] = {
            N_("sftp|ssh|scp"), N_("ftps|tls|ssl"), N_("vpn|ipsec|wireguard|tunnel"),
            N_("firewall|allow-list|allowlist|whitelist"), N_("ids|intrusion detection|snort|suricata|zeek|log review"),
        };
        q = ask(k, "countermeasures", FTPLENS_GRADE_KEYWORDS,
            g_strdup(T("Name two countermeasures against credentials sent in clear text.")),
            g_strdup(T("Any two of: SFTP (over SSH); FTPS (AUTH TLS, then PROT P); a VPN or another encrypted tunnel; "
                       "firewall rules or an IP allow-list for the FTP port; an IDS and log review to spot logins "
                       "with stolen passwords.")),
            g_strdup(T("Encryption hides the credentials on the path; restricting and watching who connects limits "
                       "what a stolen password can do.")));
        for (size_t i = 0; i < G_N_ELEMENTS(measures); i++)
            add_accept_both(q, measures[i]);
        q->need = 2;
    }
    g_array_free(frames, TRUE);
    g_string_free(which, TRUE);
}

static void q_banner(kit *k)
{
    for (guint i = 0; i < k->ctl->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(k->ctl->frames, i);
        for (const ftplens_note *n = f->notes; n; n = n->next) {
            char product[64];
            if (n->kind != FTPLENS_NOTE_REPLY || n->answers != FTPLENS_ANSWERS_GREETING ||
                !ftplens_banner_product(n->text, product, sizeof product))
                continue;
            char *line = quote(n->text);
            ftplens_question *q = ask(k, "banner", FTPLENS_GRADE_KEYWORDS,
                g_strdup_printf(T("The server's greeting says '%s' (frame %u). Which server software (and version) "
                                  "does it disclose?"), line, f->frame),
                g_strdup(product),
                g_strdup_printf(T("The greeting names %s before anyone logs in: an attacker can look up that "
                                  "software's known vulnerabilities."), product));
            add_frame(q, f->frame);
            g_ptr_array_add(q->accept, g_strdup(product));
            q->need = 1;
            g_free(line);
            return;
        }
    }
}

/* ---- findings of the sessions asked about ---- */

/* One finding where it was made. */
typedef struct {
    uint32_t frame;
    const ftplens_finding *finding;
} finding_at;

typedef struct {
    ftplens_risk_id id;
    ftplens_severity severity;
    GArray *at;                 /* finding_at, in frame order */
} rule_seen;

static int cmp_finding_at(const void *a, const void *b)
{
    uint32_t x = ((const finding_at *)a)->frame, y = ((const finding_at *)b)->frame;
    return x < y ? -1 : x > y;
}

/* The most severe first, then the earliest. */
static int cmp_rule_seen(const void *a, const void *b)
{
    const rule_seen *x = a, *y = b;
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    return cmp_finding_at(x->at->data, y->at->data);
}

static void collect_findings(const ftplens_conn *conn, rule_seen *seen, GArray *all)
{
    for (guint i = 0; conn->frames && i < conn->frames->len; i++) {
        const ftplens_frame *f = g_ptr_array_index(conn->frames, i);
        for (const ftplens_finding *fd = f->findings; fd; fd = fd->next) {
            rule_seen *s = &seen[fd->id];
            if (!s->at) {
                s->at = g_array_new(FALSE, FALSE, sizeof(finding_at));
                s->id = fd->id;
                s->severity = ftplens_finding_severity(fd);
            }
            finding_at a = { f->frame, fd };
            g_array_append_val(s->at, a);
            g_array_append_val(all, a);
        }
    }
}

static bool frame_asked(kit *k, uint32_t frame)
{
    for (guint i = 0; i < k->out->len; i++) {
        const ftplens_question *q = k->out->pdata[i];
        if (strncmp(q->topic, "finding", 7) == 0 && g_array_index(q->frames, uint32_t, 0) == frame)
            return true;
    }
    return false;
}

/* "id|title|Korean title": how a student may name a rule. */
static char *rule_names(const ftplens_finding *fd)
{
    const char *title = ftplens_finding_title(fd), *ko = ftplens_tr_ko(title);
    return g_strdup_printf("%s|%s%s%s", ftplens_risk_rules[fd->id].id, title, ko ? "|" : "", ko ? ko : "");
}

/* "Which finding is in frame N": every rule found there is a right answer, any other rule's id a wrong one. */
static void ask_finding_name(kit *k, const rule_seen *s, const GArray *all)
{
    /* A frame no earlier finding question asked about, when there is one. */
    GArray *free_at = g_array_new(FALSE, FALSE, sizeof(finding_at));
    for (guint j = 0; j < s->at->len; j++)
        if (!frame_asked(k, g_array_index(s->at, finding_at, j).frame))
            g_array_append_val(free_at, g_array_index(s->at, finding_at, j));
    const GArray *from = free_at->len ? free_at : s->at;
    finding_at at = g_array_index(from, finding_at, pick(k, from->len));
    g_array_free(free_at, TRUE);
    char text[FINDING_TEXT_MAX];
    const ftplens_risk_rule *r = &ftplens_risk_rules[s->id];
    ftplens_question *q = ask(k, "finding_name", FTPLENS_GRADE_KEYWORDS,
        g_strdup_printf(T("What does ftplens find in frame %u? Name the finding (its id or its title)."), at.frame),
        g_strdup_printf("%s (%s)", r->id, T(ftplens_finding_title(at.finding))),
        g_strdup_printf(T("Frame %u: %s"), at.frame, ftplens_finding_text(at.finding, true, text, sizeof text)));
    bool here[FTPLENS_RISK_COUNT] = { false };
    /* The asked rule first, then the others found there: any of them is right, and the key says so. */
    GString *answer = g_string_new(q->answer);
    here[s->id] = true;
    g_ptr_array_add(q->accept, rule_names(at.finding));
    for (guint j = 0; j < all->len; j++) {
        const finding_at *a = &g_array_index(all, finding_at, j);
        if (a->frame == at.frame && !here[a->finding->id]) {
            here[a->finding->id] = true;
            g_ptr_array_add(q->accept, rule_names(a->finding));
            g_string_append_printf(answer, T(", or %s (%s)"), ftplens_risk_rules[a->finding->id].id,
                                   T(ftplens_finding_title(a->finding)));
        }
    }
    g_free(q->answer);
    q->answer = g_string_free(answer, FALSE);
    for (int id = 0; id < FTPLENS_RISK_COUNT; id++)
        if (!here[id])
            g_ptr_array_add(q->reject, g_strdup(ftplens_risk_rules[id].id));
    q->need = 1;
    q->session = 0;
    add_frame(q, at.frame);
}

/* "In which frame is finding X": any frame where it was made. */
static void ask_finding_frame(kit *k, const rule_seen *s)
{
    const finding_at *first = &g_array_index(s->at, finding_at, 0);
    const ftplens_risk_rule *r = &ftplens_risk_rules[s->id];
    GArray *frames = g_array_new(FALSE, FALSE, sizeof(unsigned));
    for (guint j = 0; j < s->at->len; j++) {
        unsigned f = g_array_index(s->at, finding_at, j).frame;
        if (!frames->len || g_array_index(frames, unsigned, frames->len - 1) != f)
            g_array_append_val(frames, f);
    }
    char *list = rpt_ranges_plain((const unsigned *)(void *)frames->data, frames->len, FINDING_FRAME_FORM_MAX);
    char text[FINDING_TEXT_MAX];
    ftplens_question *q = ask(k, "finding_frame", FTPLENS_GRADE_NUMBER,
        g_strdup_printf(T("ftplens reports '%s' (%s) in this capture. In which frame is its evidence? Give one frame."),
                        T(ftplens_finding_title(first->finding)), r->id),
        frames->len > 1 ? g_strdup_printf(T("any of frames %s"), list) : g_strdup_printf(T("frame %u"), first->frame),
        g_strdup_printf(T("Frame %u: %s"), first->frame, ftplens_finding_text(first->finding, true, text, sizeof text)));
    for (guint j = 0; j < frames->len; j++)
        add_value(q, g_array_index(frames, unsigned, j));
    q->session = 0;
    add_frame(q, first->frame);
    g_free(list);
    g_array_free(frames, TRUE);
}

static void q_findings(kit *k)
{
    rule_seen seen[FTPLENS_RISK_COUNT];
    memset(seen, 0, sizeof seen);
    GArray *all = g_array_new(FALSE, FALSE, sizeof(finding_at));
    /* Every connection of the sessions asked about: control, data, and those that are neither, such as the
     * vsftpd backdoor's shell (not one of the session's data connections, but its finding is the session's). */
    GHashTable *asked = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < k->sessions->len; i++)
        g_hash_table_add(asked, k->sessions->pdata[i]);
    GHashTableIter it;
    gpointer conn;
    g_hash_table_iter_init(&it, k->c->conns);
    while (g_hash_table_iter_next(&it, NULL, &conn)) {
        const ftplens_conn *cn = conn;
        if ((cn->kind == CONN_CONTROL || cn->kind == CONN_DATA) && g_hash_table_contains(asked, control_of(cn)))
            collect_findings(cn, seen, all);
    }
    g_hash_table_destroy(asked);
    GArray *rules = g_array_new(FALSE, FALSE, sizeof(rule_seen));
    for (int id = 0; id < FTPLENS_RISK_COUNT; id++) {
        if (!seen[id].at)
            continue;
        /* Sessions are collected one after the other: frame order is made here. */
        g_array_sort(seen[id].at, cmp_finding_at);
        /* These two have questions of their own. */
        if (id != FTPLENS_RISK_CLEARTEXT_CREDENTIALS && id != FTPLENS_RISK_BANNER_DISCLOSURE)
            g_array_append_val(rules, seen[id]);
        else
            g_array_free(seen[id].at, TRUE);
    }
    g_array_sort(rules, cmp_rule_seen);
    seed(k, "finding");
    for (guint i = 0; i < rules->len; i++) {
        rule_seen *s = &g_array_index(rules, rule_seen, i);
        if (i < FINDING_RULES) {
            if (s->at->len <= FINDING_FRAME_FORM_MAX && pick(k, 2) == 1)
                ask_finding_frame(k, s);
            else
                ask_finding_name(k, s, all);
        }
        g_array_free(s->at, TRUE);
    }
    g_array_free(rules, TRUE);
    g_array_free(all, TRUE);
}

/* ---- the worksheet ---- */

/* In the order of a lab write-up: the handshake, a segment, replies, data, risks. */
static void (*const session_topics[])(kit *) = {
    q_handshake, q_segment, q_reply_digits, q_reply_pairing, q_multiline, q_data, q_credentials, q_banner,
};

static void ask_session(kit *k, const ftplens_conn *ctl, unsigned number)
{
    k->ctl = ctl;
    k->number = number;
    for (size_t i = 0; i < G_N_ELEMENTS(session_topics); i++)
        session_topics[i](k);
}

void ftplens_worksheet_free(ftplens_worksheet *w)
{
    g_ptr_array_free(w->questions, TRUE);
    g_free(w->client);
    g_free(w->server);
    g_free(w);
}

ftplens_worksheet *ftplens_worksheet_make(const ftplens_capture *c, unsigned variant, GHashTable *only)
{
    ftplens_worksheet *w = g_new0(ftplens_worksheet, 1);
    w->variant = variant;
    kit k = { .c = c, .variant = variant };
    k.sessions = g_ptr_array_new();
    for (guint i = 0; i < c->controls->len; i++) {
        const ftplens_conn *ctl = g_ptr_array_index(c->controls, i);
        if (ftplens_conn_covered(ctl, only))
            g_ptr_array_add(k.sessions, (gpointer)ctl);
    }
    k.out = w->questions = g_ptr_array_new_with_free_func(question_free);
    w->sessions = k.sessions->len;
    if (!k.sessions->len) {
        g_ptr_array_free(k.sessions, TRUE);
        return w;
    }
    /* The session asked about: one of those that support the most questions. */
    GArray *best = g_array_new(FALSE, FALSE, sizeof(unsigned));
    guint most = 0;
    for (guint i = 0; i < k.sessions->len; i++) {
        ask_session(&k, k.sessions->pdata[i], i + 1);
        if (k.out->len > most)
            g_array_set_size(best, 0);
        if (k.out->len >= most) {
            most = k.out->len;
            g_array_append_val(best, i);
        }
        g_ptr_array_set_size(k.out, 0);
    }
    seed(&k, "session");
    unsigned chosen = g_array_index(best, unsigned, pick(&k, best->len));
    g_array_free(best, TRUE);
    const ftplens_conn *ctl = k.sessions->pdata[chosen];
    ask_session(&k, ctl, chosen + 1);
    w->session = chosen + 1;
    w->stream = ctl->stream;
    w->client = g_strdup_printf(T("%s port %u"), ctl->client_text, ctl->client_port);
    w->server = g_strdup_printf(T("%s port %u"), ctl->server_text, ctl->listener.port);
    q_findings(&k);
    g_ptr_array_free(k.sessions, TRUE);
    return w;
}
