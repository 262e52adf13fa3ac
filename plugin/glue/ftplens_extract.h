/* ftplens_extract.h - reads the TCP facts of a frame into a core segment.
 * Called on the first pass only (fields of other dissectors are not reliable
 * on visited frames).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_EXTRACT_H
#define FTPLENS_EXTRACT_H

#include <epan/packet.h>

#include "ftplens_core.h"

/* Resolves the foreign field ids (handoff). */
void ftplens_extract_register(void);
/* The ids to pass to set_postdissector_wanted_hfids (a new GArray). */
GArray *ftplens_extract_wanted_hfids(void);
/* Reads tcp.stream only: false when the frame has no single TCP header. */
bool ftplens_extract_stream(proto_tree *tree, uint32_t *stream);
/* Fills seg from the frame; false when a needed field is missing. */
bool ftplens_extract_segment(packet_info *pinfo, proto_tree *tree, tvbuff_t *tvb,
                             uint32_t stream, ftplens_segment *seg);

/* MAC, outer and inner IP addresses, TTL / hop limit: for the report header. */
void ftplens_extract_link(packet_info *pinfo, proto_tree *tree, ftplens_link *link);

#endif
