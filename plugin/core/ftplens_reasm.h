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

typedef struct {
    const char *text;        /* the line without CR LF, at most FTPLENS_MAX_LINE bytes */
    size_t text_len;
    uint64_t full_len;       /* the line's real length without CR LF */
    uint32_t offset;         /* where the line's bytes in this segment start */
    uint32_t length;         /* bytes of this segment that belong to the line, CR LF included */
    bool began_earlier;      /* the line started in an earlier segment */
    bool truncated;          /* full_len > text_len */
    bool after_gap;          /* bytes were missing just before this line */
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
    unsigned n_held;         /* segments that arrived before the bytes preceding them */
    struct {
        uint32_t seq, len;
        uint8_t *data;
    } held[FTPLENS_REASM_HELD];
} ftplens_reasm;

typedef struct {
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

/* The bytes up to 'next_seq' were not captured (frame cut short). */
void ftplens_reasm_skip(ftplens_reasm *r, uint32_t next_seq);

#endif
