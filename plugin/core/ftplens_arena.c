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

const char *ftplens_arena_text(ftplens_arena *a, const char *s, gsize len)
{
    gsize i = 0;
    while (i < len && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f)
        i++;
    if (i == len) {     /* plain printable ASCII: the common case, kept as is */
        char small[256];
        char *z = len < sizeof small ? small : g_malloc(len + 1);
        memcpy(z, s, len);
        z[len] = '\0';
        const char *out = g_string_chunk_insert_const(a->strings, z);
        if (z != small)
            g_free(z);
        return out;
    }
    GString *g = g_string_sized_new(len + 1);
    for (gsize k = 0; k < len; k++) {
        unsigned char c = (unsigned char)s[k];
        g_string_append_c(g, (c < 0x20 || c == 0x7f) ? '.' : (char)c);
    }
    gchar *valid = g_utf8_make_valid(g->str, (gssize)g->len);
    const char *out = g_string_chunk_insert_const(a->strings, valid);
    g_free(valid);
    g_string_free(g, TRUE);
    return out;
}

const char *ftplens_arena_intern(ftplens_arena *a, const char *s)
{
    return g_string_chunk_insert_const(a->strings, s);
}
