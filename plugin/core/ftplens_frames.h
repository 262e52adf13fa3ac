/* ftplens_frames.h - what the first pass kept, by frame number.  The first
 * pass adds frames in increasing order; later passes find them again without
 * any per-frame entry in Wireshark's own structures (p_add_proto_data costs
 * about 40 bytes per frame; an entry here costs 12, in fixed-size blocks that
 * are never copied).  A tagged entry says which kind of record it holds.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_FRAMES_H
#define FTPLENS_FRAMES_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

typedef struct ftplens_frames_block ftplens_frames_block;

typedef struct {
    ftplens_frames_block **blocks;
    unsigned n_blocks, cap_blocks;
    unsigned last_block, last_slot;     /* where the last lookup ended: later passes go in order */
} ftplens_frames;

void ftplens_frames_init(ftplens_frames *x);
void ftplens_frames_clear(ftplens_frames *x);
/* Frames are added in increasing order; a frame below the last is refused.
 * The last frame's number again replaces its record: a read filter (tshark
 * -2 -R, the GUI's read filter) drops a frame and gives its number to the
 * next one. */
bool ftplens_frames_add(ftplens_frames *x, uint32_t frame, const void *record, unsigned tag);
/* The last frame's number was given to another frame: its record is dropped
 * (a later add with the number stores the new one). */
void ftplens_frames_forget(ftplens_frames *x, uint32_t frame);
/* The record of a frame, or NULL; its tag (0 to 3) in *tag. */
const void *ftplens_frames_find(ftplens_frames *x, uint32_t frame, unsigned *tag);
/* The highest frame added, 0 when none. */
uint32_t ftplens_frames_last(const ftplens_frames *x);

#endif
