/* ftplens_reasm.c - per-direction line reassembly by raw sequence number.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_reasm.h"

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

/* Append one in-order (or overlapping) segment and emit its complete lines.
 * 'current' is false for a held segment released by a later one: its line
 * offsets then do not point into the frame being dissected. */
static void take_segment(ftplens_reasm *r, uint32_t seq, const uint8_t *payload, uint32_t len, bool current,
                         ftplens_line_cb cb, void *ctx, ftplens_reasm_result *res)
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
        r->buf_len = 0;
        r->line_len = 0;
        r->gap = true;
    }
    if (current)
        res->new_bytes = len - start;
    r->next_seq = seq + len;

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
            line.text = r->buf ? r->buf : "";
            line.text_len = keep;
            line.full_len = full;
            line.offset = current ? line_start : 0;
            line.length = current ? i + 1 - line_start : 0;
            line.began_earlier = began_earlier || !current;
            line.truncated = full > keep;
            line.after_gap = r->gap;
            if (cb)
                cb(&line, ctx);
            r->buf_len = 0;
            r->line_len = 0;
            r->gap = false;
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
    r->n_held--;
}

/* Release held segments that now continue the stream, oldest sequence first. */
static void release_held(ftplens_reasm *r, bool all, ftplens_line_cb cb, void *ctx, ftplens_reasm_result *res)
{
    while (r->n_held) {
        unsigned best = 0;
        for (unsigned i = 1; i < r->n_held; i++) {
            if (seq_diff(r->held[i].seq, r->held[best].seq) < 0)
                best = i;
        }
        if (!all && seq_diff(r->held[best].seq, r->next_seq) > 0)
            return;
        take_segment(r, r->held[best].seq, r->held[best].data, r->held[best].len, false, cb, ctx, res);
        drop_held(r, best);
    }
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

    if (seq_diff(seq, r->next_seq) > 0) {
        if (r->n_held < FTPLENS_REASM_HELD && len <= FTPLENS_MAX_LINE) {
            /* Out of order: keep it until the bytes before it arrive. */
            r->held[r->n_held].seq = seq;
            r->held[r->n_held].len = len;
            r->held[r->n_held].data = g_memdup2(payload, len);
            r->n_held++;
            res->held = true;
            return;
        }
        /* Too much is missing: the bytes are lost; go on from what we have. */
        release_held(r, true, cb, ctx, res);
    }
    take_segment(r, seq, payload, len, true, cb, ctx, res);
    release_held(r, false, cb, ctx, res);
}

void ftplens_reasm_skip(ftplens_reasm *r, uint32_t next_seq)
{
    if (r->have_next && seq_diff(next_seq, r->next_seq) <= 0)
        return;
    r->have_next = true;
    r->next_seq = next_seq;
    r->buf_len = 0;
    r->line_len = 0;
    r->gap = true;
}
