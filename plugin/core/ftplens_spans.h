/* ftplens_spans.h - the bytes a data connection carried, each counted once.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_SPANS_H
#define FTPLENS_SPANS_H

#include <stdint.h>

/* Byte ranges seen in one direction, on the raw 32-bit sequence axis (a range
 * crossing 2^32 is stored as two): bytes retransmitted, duplicated or
 * reordered count once.  Beyond FTPLENS_SPANS separate ranges (a capture full
 * of holes) new bytes are only added up. */
#define FTPLENS_SPANS 16
typedef struct {
    unsigned n;
    uint64_t extra;             /* bytes counted without a range (set full) */
    uint64_t start[FTPLENS_SPANS], end[FTPLENS_SPANS];
} ftplens_span_set;

/* Adds the range [seq, seq + len) of the raw sequence axis. */
void ftplens_spans_add(ftplens_span_set *sp, uint32_t seq, uint32_t len);
/* Bytes in the set (0 for NULL). */
uint64_t ftplens_spans_bytes(const ftplens_span_set *sp);

#endif
