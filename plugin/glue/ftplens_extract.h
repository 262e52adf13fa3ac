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
/* Fills seg, all but its stream, from the frame's bytes (tvb: the frame);
 * false when the frame has no single TCP segment of its own (none, a
 * tunnel's inner one, an ICMP error's quote) or its header is not found. */
bool ftplens_extract_segment(packet_info *pinfo, tvbuff_t *tvb, ftplens_segment *seg);
/* seg->stream: the frame's tcp.stream, without a protocol tree. */
bool ftplens_extract_stream(packet_info *pinfo, ftplens_segment *seg);

/* MAC, outer and inner IP addresses, TTL / hop limit: for the report header. */
void ftplens_extract_link(packet_info *pinfo, tvbuff_t *tvb, ftplens_link *link);

#endif
