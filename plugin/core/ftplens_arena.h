/* ftplens_arena.h - capture-lifetime memory for results: freed all at once
 * when Wireshark closes or reloads the capture.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_ARENA_H
#define FTPLENS_ARENA_H

#include <glib.h>

/* One shared text: where it is, its length and hash. */
typedef struct {
    const char *text;
    guint32 hash;
    guint32 len;
} ftplens_arena_slot;

typedef struct {
    GStringChunk *strings;  /* the shared texts' bytes */
    ftplens_arena_slot *slots;  /* open addressing over the shared texts; NULL text: free */
    gsize n_slots, n_texts;
    GPtrArray *blocks;      /* chunks and large allocations, freed by ftplens_arena_clear */
    char *cur;              /* free space of the current chunk */
    gsize left;
} ftplens_arena;

void ftplens_arena_init(ftplens_arena *a);
void ftplens_arena_clear(ftplens_arena *a);
/* Zeroed memory that lives until ftplens_arena_clear (no per-allocation header). */
gpointer ftplens_arena_alloc0(ftplens_arena *a, gsize size);
/* Copies len bytes as a printable, valid UTF-8 string (controls become '.').
 * Identical texts share storage: a server sends the same replies, and the
 * findings of a brute force say the same sentence, thousands of times. */
const char *ftplens_arena_text(ftplens_arena *a, const char *s, gsize len);
/* Interns a NUL-terminated string (identical strings share storage). */
const char *ftplens_arena_intern(ftplens_arena *a, const char *s);

#endif
