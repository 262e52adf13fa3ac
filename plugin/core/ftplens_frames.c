/* ftplens_frames.c - frame number -> kept record, for the passes after the first.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_frames.h"

#include <string.h>

#define BLOCK_SLOTS 2048

struct ftplens_frames_block {
    unsigned used;
    uint32_t frame[BLOCK_SLOTS];
    uintptr_t record[BLOCK_SLOTS];  /* pointer | tag KEPT_* (records are 8-byte aligned) */
};

void ftplens_frames_init(ftplens_frames *x)
{
    memset(x, 0, sizeof *x);
}

void ftplens_frames_clear(ftplens_frames *x)
{
    for (unsigned i = 0; i < x->n_blocks; i++)
        g_free(x->blocks[i]);
    g_free(x->blocks);
    memset(x, 0, sizeof *x);
}

uint32_t ftplens_frames_last(const ftplens_frames *x)
{
    if (!x->n_blocks)
        return 0;
    const ftplens_frames_block *b = x->blocks[x->n_blocks - 1];
    return b->frame[b->used - 1];
}

bool ftplens_frames_add(ftplens_frames *x, uint32_t frame, const void *record, unsigned tag)
{
    if ((x->n_blocks && frame < ftplens_frames_last(x)) || ((uintptr_t)record & 3u) || tag > 3)
        return false;
    ftplens_frames_block *b = x->n_blocks ? x->blocks[x->n_blocks - 1] : NULL;
    if (b && frame == b->frame[b->used - 1]) {
        /* A read filter dropped the last frame: the next one gets its number. */
        b->record[b->used - 1] = (uintptr_t)record | tag;
        return true;
    }
    if (!b || b->used == BLOCK_SLOTS) {
        if (x->n_blocks == x->cap_blocks) {
            x->cap_blocks = x->cap_blocks ? x->cap_blocks * 2 : 16;
            x->blocks = g_renew(ftplens_frames_block *, x->blocks, x->cap_blocks);
        }
        b = g_new(ftplens_frames_block, 1);
        b->used = 0;
        x->blocks[x->n_blocks++] = b;
    }
    b->frame[b->used] = frame;
    b->record[b->used] = (uintptr_t)record | tag;
    b->used++;
    return true;
}

void ftplens_frames_forget(ftplens_frames *x, uint32_t frame)
{
    ftplens_frames_block *b = x->n_blocks ? x->blocks[x->n_blocks - 1] : NULL;
    if (b && frame == b->frame[b->used - 1])
        b->record[b->used - 1] = 0;
}

static const void *at(const ftplens_frames_block *b, unsigned slot, unsigned *tag)
{
    *tag = (unsigned)(b->record[slot] & 3u);
    return (const void *)(b->record[slot] & ~(uintptr_t)3u);
}

/* The slot holding 'frame' in block b, or -1. */
static int slot_in(const ftplens_frames_block *b, uint32_t frame)
{
    unsigned lo = 0, hi = b->used;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (b->frame[mid] < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < b->used && b->frame[lo] == frame ? (int)lo : -1;
}

const void *ftplens_frames_find(ftplens_frames *x, uint32_t frame, unsigned *tag)
{
    *tag = 0;
    if (!x->n_blocks || frame > ftplens_frames_last(x) || frame < x->blocks[0]->frame[0])
        return NULL;
    /* A pass in frame order asks for the entry after the last one found. */
    const ftplens_frames_block *b = x->blocks[x->last_block];
    unsigned s = x->last_slot;
    if (s < b->used && b->frame[s] == frame)
        return at(b, s, tag);
    if (s + 1 < b->used && b->frame[s + 1] == frame) {
        x->last_slot = s + 1;
        return at(b, s + 1, tag);
    }
    if (s + 1 < b->used && b->frame[s] < frame && frame < b->frame[s + 1])
        return NULL;    /* a frame between two kept ones: not FTP */
    /* The last block whose first frame is not above 'frame'. */
    unsigned lo = 0, hi = x->n_blocks;
    while (hi - lo > 1) {
        unsigned mid = lo + (hi - lo) / 2;
        if (x->blocks[mid]->frame[0] <= frame)
            lo = mid;
        else
            hi = mid;
    }
    int slot = slot_in(x->blocks[lo], frame);
    if (slot < 0)
        return NULL;
    x->last_block = lo;
    x->last_slot = (unsigned)slot;
    return at(x->blocks[lo], (unsigned)slot, tag);
}
