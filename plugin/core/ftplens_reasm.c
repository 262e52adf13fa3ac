/* ftplens_reasm.c - per-direction line reassembly by raw sequence number.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_reasm.h"

#include "ftplens_commands.h"

#include <glib.h>
#include <string.h>

void ftplens_reasm_init(ftplens_reasm *r)
{
    memset(r, 0, sizeof *r);
}

void ftplens_reasm_clear(ftplens_reasm *r)
{
    for (unsigned i = 0; i < r->n_held; i++)
        g_free(r->held[i].data);
    g_free(r->held);
    g_free(r->buf);
    memset(r, 0, sizeof *r);
}

static void keep_byte(ftplens_reasm *r, char c)
{
    if (r->buf_len >= FTPLENS_MAX_LINE)
        return;
    if (r->buf_len == r->cap) {
        r->cap = r->cap ? MIN(r->cap * 2, FTPLENS_MAX_LINE) : 128;
        r->buf = g_realloc(r->buf, r->cap);
    }
    r->buf[r->buf_len++] = c;
}

/* Sequence-space comparison that survives the 2^32 wrap. */
static int32_t seq_diff(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b);
}

bool ftplens_reasm_line_start(bool replies, const uint8_t *p, uint32_t len)
{
    if (replies)
        return len >= 4 && g_ascii_isdigit(p[0]) && g_ascii_isdigit(p[1]) && g_ascii_isdigit(p[2]) &&
               (p[3] == ' ' || p[3] == '-' || p[3] == '\r' || p[3] == '\n');
    char verb[8];
    uint32_t i = 0;
    while (i < len && i < sizeof verb - 1 && g_ascii_isalpha(p[i])) {
        verb[i] = (char)p[i];
        i++;
    }
    if (i == 0 || (i < len && p[i] != ' ' && p[i] != '\r' && p[i] != '\n'))
        return false;
    verb[i] = '\0';
    if (i < len)
        return ftplens_command_lookup(verb) != NULL;
    /* The segment ends inside the word (a command split over segments): the start of a verb. */
    for (unsigned k = 0; k < ftplens_command_row_count; k++) {
        if (g_ascii_strncasecmp(ftplens_command_rows[k].verb, verb, i) == 0)
            return true;
    }
    return false;
}

/* Report a capture gap of 'bytes' ending at 'end' to the line callback. */
static void report_gap(ftplens_reasm *r, uint32_t bytes, uint32_t end, void *owner, ftplens_line_cb cb, void *ctx,
                       ftplens_reasm_result *res)
{
    ftplens_line gap = { .text = "", .gap_bytes = bytes, .end_seq = end, .owner = owner };
    if (res && res->gap_bytes + bytes >= res->gap_bytes)
        res->gap_bytes += bytes;
    r->buf_len = 0;
    r->line_len = 0;
    r->gap = true;
    r->cut = false;
    if (cb)
        cb(&gap, ctx);
}

/* Append one in-order (or overlapping) segment and emit its complete lines.
 * 'current' is false for a held segment released by a later one: its line
 * offsets then do not point into the frame being dissected. */
static void take_segment(ftplens_reasm *r, uint32_t seq, const uint8_t *payload, uint32_t len, bool current,
                         void *owner, ftplens_line_cb cb, void *ctx, ftplens_reasm_result *res)
{
    uint32_t start = 0, line_start;
    int32_t d = seq_diff(seq, r->next_seq);

    if (d < 0) {
        uint32_t behind = (uint32_t)(-(int64_t)d);
        if (behind >= len) {
            if (current)
                res->dup_bytes = len;
            return;
        }
        if (current)
            res->dup_bytes = behind;
        start = behind;
    } else if (d > 0) {
        /* Missing bytes: the unfinished line cannot be trusted any more. */
        if (current)
            res->gap = true;
        report_gap(r, (uint32_t)d, seq, owner, cb, ctx, res);
    }
    if (current)
        res->new_bytes = len - start;
    r->next_seq = seq + len;

    /* After a gap the first line is whole only if these bytes start one. */
    if (r->gap && r->line_len == 0 && !r->cut)
        r->cut = !ftplens_reasm_line_start(r->replies, payload + start, len - start);

    line_start = start;
    bool began_earlier = r->line_len > 0;
    for (uint32_t i = start; i < len; i++) {
        char c = (char)payload[i];
        if (c == '\n') {
            ftplens_line line;
            bool cr = r->line_len > 0 && r->last == '\r';
            uint64_t full = r->line_len - (cr ? 1 : 0);
            size_t keep = r->buf_len;
            if (cr && keep == r->line_len)
                keep--;
            memset(&line, 0, sizeof line);
            line.text = r->buf ? r->buf : "";
            line.text_len = keep;
            line.full_len = full;
            line.offset = current ? line_start : 0;
            line.length = current ? i + 1 - line_start : 0;
            line.began_earlier = began_earlier || !current;
            line.truncated = full > keep;
            line.after_gap = r->gap;
            line.partial = r->cut;
            line.end_seq = seq + i + 1;
            line.owner = owner;
            if (owner) {
                /* Shown in its own frame: its bytes are where they always were. */
                line.offset = line_start;
                line.length = i + 1 - line_start;
                line.began_earlier = began_earlier;
            }
            if (cb)
                cb(&line, ctx);
            r->buf_len = 0;
            r->line_len = 0;
            r->gap = false;
            r->cut = false;
            line_start = i + 1;
            began_earlier = false;
            continue;
        }
        keep_byte(r, c);
        r->line_len++;
        r->last = c;
    }
}

static void drop_held(ftplens_reasm *r, unsigned i)
{
    g_free(r->held[i].data);
    memmove(&r->held[i], &r->held[i + 1], (r->n_held - i - 1) * sizeof r->held[0]);
    if (!--r->n_held) {
        g_free(r->held);
        r->held = NULL;
    }
}

/* Release held segments, oldest sequence first: those that now continue the
 * stream, or (all) every one that starts before 'before' (gaps between them
 * are reported).  Released by a gap, or while another frame is dissected
 * (owned), their lines go to their own frame; released because the missing
 * bytes came (reordering), they are explained where the stream continues. */
static void release_held(ftplens_reasm *r, bool all, uint32_t before, bool owned, ftplens_line_cb cb, void *ctx,
                         ftplens_reasm_result *res)
{
    while (r->n_held) {
        unsigned best = 0;
        for (unsigned i = 1; i < r->n_held; i++) {
            if (seq_diff(r->held[i].seq, r->held[best].seq) < 0)
                best = i;
        }
        if (all ? seq_diff(r->held[best].seq, before) >= 0 : seq_diff(r->held[best].seq, r->next_seq) > 0)
            return;
        take_segment(r, r->held[best].seq, r->held[best].data, r->held[best].len, false,
                     all || owned ? r->held[best].owner : NULL, cb, ctx, res);
        drop_held(r, best);
    }
}

/* Bytes before next_seq that the peer acknowledged but nobody captured. */
static uint32_t acked_unseen(const ftplens_reasm *r)
{
    if (!r->have_next || !r->peer_ack_known)
        return 0;
    uint32_t end = r->peer_ack;
    if (r->fin && seq_diff(end, r->fin_seq) > 0)
        end = r->fin_seq;       /* the FIN's own sequence number is no byte */
    int32_t d = seq_diff(end, r->next_seq);
    return d > 0 && (uint32_t)d <= FTPLENS_GAP_MAX ? (uint32_t)d : 0;
}

void ftplens_reasm_peer_ack(ftplens_reasm *r, uint32_t ack)
{
    /* An acknowledgment far beyond what this side can have sent is wrong or forged. */
    if (r->have_next && seq_diff(ack, r->next_seq) > (int32_t)FTPLENS_GAP_MAX)
        return;
    if (!r->peer_ack_known || seq_diff(ack, r->peer_ack) > 0) {
        r->peer_ack_known = true;
        r->peer_ack = ack;
    }
}

void ftplens_reasm_fin(ftplens_reasm *r, uint32_t seq)
{
    if (r->have_next && seq_diff(seq, r->next_seq) >= 0 && seq_diff(seq, r->next_seq) <= (int32_t)FTPLENS_GAP_MAX) {
        r->fin = true;
        r->fin_seq = seq;
    }
    /* No line is open: the buffer is not needed until one is (if ever). */
    if (!r->buf_len) {
        g_free(r->buf);
        r->buf = NULL;
        r->cap = 0;
    }
}

uint32_t ftplens_reasm_release_covered(ftplens_reasm *r, ftplens_line_cb cb, void *ctx)
{
    for (unsigned i = 0; i < r->n_held; i++) {
        if (r->peer_ack_known && seq_diff(r->peer_ack, r->held[i].seq + r->held[i].len) >= 0)
            return ftplens_reasm_release_acked(r, cb, ctx);
    }
    return 0;
}

void ftplens_reasm_tag_held(ftplens_reasm *r, uint32_t seq, void *owner)
{
    for (unsigned i = 0; i < r->n_held; i++) {
        if (r->held[i].seq == seq && !r->held[i].owner)
            r->held[i].owner = owner;
    }
}

uint32_t ftplens_reasm_release_acked(ftplens_reasm *r, ftplens_line_cb cb, void *ctx)
{
    ftplens_reasm_result res;
    memset(&res, 0, sizeof res);
    if (!r->n_held || !r->have_next || !r->peer_ack_known || seq_diff(r->peer_ack, r->next_seq) <= 0)
        return 0;
    release_held(r, true, r->peer_ack, true, cb, ctx, &res);
    release_held(r, false, 0, true, cb, ctx, &res);
    return res.gap_bytes;
}

uint32_t ftplens_reasm_skip_acked(ftplens_reasm *r, ftplens_line_cb cb, void *ctx)
{
    ftplens_reasm_result res;
    memset(&res, 0, sizeof res);
    uint32_t missing = acked_unseen(r);
    if (!missing)
        return 0;
    report_gap(r, missing, r->next_seq + missing, NULL, cb, ctx, &res);
    r->next_seq += missing;
    release_held(r, false, 0, true, cb, ctx, &res);
    return res.gap_bytes;
}

void ftplens_reasm_feed(ftplens_reasm *r, uint32_t seq, bool syn, const uint8_t *payload,
                        uint32_t len, ftplens_line_cb cb, void *ctx, ftplens_reasm_result *res)
{
    ftplens_reasm_result local;

    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    if (syn) {
        seq += 1;
        if (!r->have_next) {
            r->have_next = true;
            r->next_seq = seq;
        }
    }
    if (len == 0)
        return;
    if (!r->have_next) {
        /* Capture began mid-connection: take the first data we see. */
        r->have_next = true;
        r->next_seq = seq;
    }

    if (seq_diff(seq, r->next_seq) > (int32_t)FTPLENS_GAP_MAX) {
        /* Far beyond anything this side can have sent: a wrong or forged
         * number, not lost bytes (skipping to it would drop every real byte). */
        res->dup_bytes = len;
        return;
    }
    if (seq_diff(seq, r->next_seq) > 0) {
        /* A hole before this segment.  It is a capture gap when the peer has
         * acknowledged the missing bytes, or when it is still open as a later
         * segment starting a new line arrives; otherwise the segment may just
         * be early (reordering) and is kept until the bytes before it come. */
        bool acked = r->peer_ack_known && seq_diff(r->peer_ack, r->next_seq) > 0;
        bool later_line = r->n_held > 0 && ftplens_reasm_line_start(r->replies, payload, len);
        if (!acked && !later_line && r->n_held < FTPLENS_REASM_HELD && len <= FTPLENS_MAX_LINE) {
            if (!r->held)
                r->held = g_new(struct ftplens_reasm_held, FTPLENS_REASM_HELD);
            r->held[r->n_held].seq = seq;
            r->held[r->n_held].len = len;
            r->held[r->n_held].data = g_memdup2(payload, len);
            r->held[r->n_held].owner = NULL;
            r->n_held++;
            res->held = true;
            return;
        }
        /* The bytes are lost: go on from what we have, in sequence order. */
        release_held(r, true, seq, true, cb, ctx, res);
    }
    take_segment(r, seq, payload, len, true, NULL, cb, ctx, res);
    release_held(r, false, 0, false, cb, ctx, res);
}

uint32_t ftplens_reasm_skip(ftplens_reasm *r, uint32_t next_seq)
{
    if (r->have_next && seq_diff(next_seq, r->next_seq) <= 0)
        return 0;
    uint32_t skipped = r->have_next ? next_seq - r->next_seq : 0;
    r->have_next = true;
    r->next_seq = next_seq;
    r->buf_len = 0;
    r->line_len = 0;
    r->gap = true;
    r->cut = false;
    r->fin = false;
    return skipped;
}
