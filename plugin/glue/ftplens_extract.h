/* ftplens_extract.h - reads the TCP facts of a frame into a core segment.
 * Called on the first pass only.  Reads no other dissector's fields: asking
 * for one would make tshark build a protocol tree for every frame.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_EXTRACT_H
#define FTPLENS_EXTRACT_H

#include <epan/packet.h>

#include "ftplens_core.h"

/* Resolves the foreign field ids (handoff). */
void ftplens_extract_register(void);
/* Forgets the previous capture's connections (its tcp.stream numbers). */
void ftplens_extract_reset(void);
/* What the frame's address and port pair tells before its bytes are read. */
typedef struct {
    bool known;                 /* stream is the pair's tcp.stream (seen before, and this is no SYN) */
    uint32_t stream;
    int dir;                    /* private to ftplens_extract.c */
    unsigned slot;
} ftplens_first_look;

/* A first look, reading 14 bytes of the frame: good enough to drop a frame of
 * a stream known not to be FTP, and nothing else. */
bool ftplens_extract_first_look(packet_info *pinfo, tvbuff_t *tvb, ftplens_first_look *look);
/* Fills seg from the frame's bytes (tvb: the frame), with its tcp.stream
 * (found without a protocol tree) and whether its ports are the FTP
 * dissector's; false when the frame has no single TCP segment of its own
 * (none, a tunnel's inner one, an ICMP error's quote) or its header is not found. */
bool ftplens_extract_segment(packet_info *pinfo, tvbuff_t *tvb, const ftplens_first_look *look,
                             ftplens_segment *seg);
/* The same for a frame shown again (any pass after the first, in any order):
 * the stream is TCP's for this frame, the first pass's memo is left alone. */
bool ftplens_extract_segment_again(packet_info *pinfo, tvbuff_t *tvb, ftplens_segment *seg);

/* MAC, outer and inner IP addresses, TTL / hop limit: for the report header. */
void ftplens_extract_link(packet_info *pinfo, tvbuff_t *tvb, ftplens_link *link);

#endif
