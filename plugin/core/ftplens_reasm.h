/* ftplens_reasm.h - one direction of a TCP connection turned into CRLF lines,
 * ordered by raw sequence number: split lines are joined, bytes already seen
 * (retransmissions, duplicates) are not counted twice, line length is capped.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_REASM_H
#define FTPLENS_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FTPLENS_MAX_LINE 4096  /* bytes of one line kept for analysis and display */
#define FTPLENS_REASM_HELD 4   /* out-of-order segments kept per direction */
#define FTPLENS_GAP_MAX 0x100000u /* 1 MiB: a control connection never loses more in one gap; a larger
                                     'gap' is a wrong or forged number, and is ignored */

typedef struct {
    const char *text;        /* the line without CR LF, at most FTPLENS_MAX_LINE bytes */
    size_t text_len;
    uint64_t full_len;       /* the line's real length without CR LF */
    uint32_t offset;         /* where the line's bytes in this segment start */
    uint32_t length;         /* bytes of this segment that belong to the line, CR LF included */
    bool began_earlier;      /* the line started in an earlier segment */
    bool truncated;          /* full_len > text_len */
    bool after_gap;          /* bytes were missing just before this line */
    bool partial;            /* the line's start fell into a capture gap: only its end is here */
    uint32_t end_seq;        /* raw sequence number just after the line's last byte */
    uint32_t gap_bytes;      /* not 0: no line but a capture gap of that many bytes, ending at end_seq,
                                reported in stream order before the lines that follow it */
    void *owner;             /* set for a segment that was held behind a hole which then proved to be a
                                capture gap: the caller's tag of the segment (ftplens_reasm_tag_held),
                                so that its lines go to the frame that carried them */
} ftplens_line;

typedef void (*ftplens_line_cb)(const ftplens_line *line, void *ctx);

typedef struct {
    bool have_next;
    uint32_t next_seq;       /* next byte expected */
    char *buf;               /* grown on demand, up to FTPLENS_MAX_LINE */
    size_t cap;
    size_t buf_len;          /* kept bytes of the unfinished line */
    uint64_t line_len;       /* real bytes of the unfinished line */
    char last;               /* last byte of the unfinished line */
    bool gap;
    bool cut;                /* the unfinished line began in a capture gap */
    bool replies;            /* the server's direction: a line may start with a reply code */
    bool fin;                /* a FIN was seen: it takes the sequence number fin_seq */
    uint32_t fin_seq;
    bool peer_ack_known;
    uint32_t peer_ack;       /* highest ACK the other side sent: the bytes before it were delivered */
    unsigned n_held;         /* segments that arrived before the bytes preceding them */
    struct ftplens_reasm_held {
        uint32_t seq, len;
        uint8_t *data;
        void *owner;
    } *held;                 /* FTPLENS_REASM_HELD of them while n_held > 0, else NULL: most
                                connections never hold one, and every connection has two of these */
} ftplens_reasm;

typedef struct {
    uint32_t gap_bytes;      /* bytes skipped as not captured while taking this segment */
    uint32_t new_bytes;      /* payload bytes not seen before */
    uint32_t dup_bytes;      /* bytes already seen (retransmitted or duplicated) */
    bool gap;                /* bytes before this segment are missing */
    bool held;               /* out of order: kept until the missing bytes arrive */
} ftplens_reasm_result;

void ftplens_reasm_init(ftplens_reasm *r);
void ftplens_reasm_clear(ftplens_reasm *r);

/* Feed one segment.  'syn' marks a SYN segment: its sequence number is the
 * ISN and the payload (if any) starts at ISN + 1.  Calls cb for each line that
 * ends in this segment. */
void ftplens_reasm_feed(ftplens_reasm *r, uint32_t seq, bool syn, const uint8_t *payload,
                        uint32_t len, ftplens_line_cb cb, void *ctx, ftplens_reasm_result *res);

/* The bytes up to 'next_seq' were not captured (frame cut short); returns how
 * many were skipped (0 when none). */
uint32_t ftplens_reasm_skip(ftplens_reasm *r, uint32_t next_seq);

/* A held segment the peer has acknowledged whole: the peer got the bytes
 * before it too, so the hole is a gap (ftplens_reasm_release_acked).  For pure
 * ACKs, which may be captured before the data they acknowledge: one that
 * covers a segment held behind a hole is not that case.  Returns the gap bytes. */
uint32_t ftplens_reasm_release_covered(ftplens_reasm *r, ftplens_line_cb cb, void *ctx);

/* Tag the segment just held (ftplens_reasm_result.held) with the caller's owner. */
void ftplens_reasm_tag_held(ftplens_reasm *r, uint32_t seq, void *owner);

/* The other side acknowledged everything before 'ack'. */
void ftplens_reasm_peer_ack(ftplens_reasm *r, uint32_t ack);

/* A FIN ending the bytes seen so far. */
void ftplens_reasm_fin(ftplens_reasm *r, uint32_t seq);

/* Bytes the other side acknowledged that were never captured are a capture
 * gap, certain: the peer received them, so they will not be sent again.
 * ftplens_reasm_release_acked takes the held segments before the
 * acknowledged point (gaps between them reported through cb, their lines with
 * their owner); ftplens_reasm_skip_acked then reports and skips what is
 * still missing up to it.  Both return the gap bytes reported. */
uint32_t ftplens_reasm_release_acked(ftplens_reasm *r, ftplens_line_cb cb, void *ctx);
uint32_t ftplens_reasm_skip_acked(ftplens_reasm *r, ftplens_line_cb cb, void *ctx);

/* Whether a segment's first bytes start an FTP line: a reply code and ' ' or
 * '-' for the server, a known command verb for the client.  After a capture
 * gap this decides whether the first line is whole or only the end of one. */
bool ftplens_reasm_line_start(bool replies, const uint8_t *p, uint32_t len);

#endif
