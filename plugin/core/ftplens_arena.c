/* ftplens_arena.c - capture-lifetime allocation.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_arena.h"

#include <string.h>

/* Results are many small records that all die with the capture: bump
 * allocation from 32 KiB chunks costs neither a malloc header per record nor a
 * free per record at the end. */
#define ARENA_CHUNK (32 * 1024)
#define ARENA_BIG 1024

/* Under AddressSanitizer every record gets its own allocation, so that an
 * overflow from one record into the next is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_PER_RECORD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_PER_RECORD 1
#endif
#endif
#ifndef ARENA_PER_RECORD
#define ARENA_PER_RECORD 0
#endif

void ftplens_arena_init(ftplens_arena *a)
{
    a->strings = g_string_chunk_new(4096);
    a->slots = NULL;
    a->n_slots = a->n_texts = 0;
    a->blocks = g_ptr_array_new_with_free_func(g_free);
    a->cur = NULL;
    a->left = 0;
}

void ftplens_arena_clear(ftplens_arena *a)
{
    if (a->strings)
        g_string_chunk_free(a->strings);
    if (a->blocks)
        g_ptr_array_free(a->blocks, TRUE);
    g_free(a->slots);
    a->slots = NULL;
    a->n_slots = a->n_texts = 0;
    a->strings = NULL;
    a->blocks = NULL;
    a->cur = NULL;
    a->left = 0;
}

gpointer ftplens_arena_alloc0(ftplens_arena *a, gsize size)
{
    size = (size + 7) & ~(gsize)7;
    if (ARENA_PER_RECORD || size >= ARENA_BIG) {
        gpointer p = g_malloc0(size);
        g_ptr_array_add(a->blocks, p);
        return p;
    }
    if (size > a->left) {
        a->cur = g_malloc0(ARENA_CHUNK);
        a->left = ARENA_CHUNK;
        g_ptr_array_add(a->blocks, a->cur);
    }
    gpointer p = a->cur;
    a->cur += size;
    a->left -= size;
    return p;
}

/* Texts are hashed a word at a time: every FTP line and finding sentence
 * passes here on the first pass, and GLib's string hash goes byte by byte
 * (then hashes again to insert). */
static guint32 text_hash(const char *s, gsize len)
{
    guint64 h = 0x9e3779b97f4a7c15ull ^ len, w;
    gsize i = 0;
    for (; i + 8 <= len; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    w = 0;
    memcpy(&w, s + i, len - i);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 29;
    return (guint32)h;
}

static void slots_grow(ftplens_arena *a)
{
    gsize n = a->n_slots ? 2 * a->n_slots : 64;
    ftplens_arena_slot *slots = g_new0(ftplens_arena_slot, n);
    for (gsize i = 0; i < a->n_slots; i++) {
        const ftplens_arena_slot *o = &a->slots[i];
        if (!o->text)
            continue;
        gsize k = o->hash & (n - 1);
        while (slots[k].text)
            k = (k + 1) & (n - 1);
        slots[k] = *o;
    }
    g_free(a->slots);
    a->slots = slots;
    a->n_slots = n;
}

/* The shared copy of len bytes that hold no NUL. */
static const char *intern_len(ftplens_arena *a, const char *s, gsize len)
{
    if (4 * (a->n_texts + 1) > 3 * a->n_slots)
        slots_grow(a);
    guint32 hash = text_hash(s, len);
    gsize k = hash & (a->n_slots - 1);
    for (;; k = (k + 1) & (a->n_slots - 1)) {
        ftplens_arena_slot *slot = &a->slots[k];
        if (!slot->text) {
            slot->text = g_string_chunk_insert_len(a->strings, s, (gssize)len);
            slot->hash = hash;
            slot->len = (guint32)len;
            a->n_texts++;
            return slot->text;
        }
        if (slot->hash == hash && slot->len == len && memcmp(slot->text, s, len) == 0)
            return slot->text;
    }
}

const char *ftplens_arena_text(ftplens_arena *a, const char *s, gsize len)
{
    gsize i = 0;
    /* Eight bytes at a time: is any below 0x20, or 0x7f and above? */
    for (guint64 w; i + 8 <= len; i += 8) {
        memcpy(&w, s + i, 8);
        if (((w - 0x2020202020202020ull) & ~w) & 0x8080808080808080ull)
            break;
        if ((w | (w + 0x0101010101010101ull)) & 0x8080808080808080ull)
            break;
    }
    while (i < len && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f)
        i++;
    if (i == len)       /* plain printable ASCII: the common case, kept as is */
        return intern_len(a, s, len);
    GString *g = g_string_sized_new(len + 1);
    for (gsize k = 0; k < len; k++) {
        unsigned char c = (unsigned char)s[k];
        g_string_append_c(g, (c < 0x20 || c == 0x7f) ? '.' : (char)c);
    }
    gchar *valid = g_utf8_make_valid(g->str, (gssize)g->len);
    const char *out = intern_len(a, valid, strlen(valid));
    g_free(valid);
    g_string_free(g, TRUE);
    return out;
}

const char *ftplens_arena_intern(ftplens_arena *a, const char *s)
{
    return intern_len(a, s, strlen(s));
}
