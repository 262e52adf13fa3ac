/* ftplens_text.c - looking sentences up in the language table.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_text.h"

#include <glib.h>
#include <string.h>

static bool korean;
static GHashTable *ko_index;

static void build_index(void)
{
    if (ko_index)
        return;
    ko_index = g_hash_table_new(g_str_hash, g_str_equal);
    for (const ftplens_translation *t = ftplens_text_ko; t->en; t++)
        g_hash_table_insert(ko_index, (gpointer)t->en, (gpointer)t->ko);
}

void ftplens_set_language(const char *lang)
{
    korean = lang && strcmp(lang, "ko") == 0;
    if (korean)
        build_index();
}

const char *ftplens_language(void)
{
    return korean ? "ko" : "en";
}

const char *ftplens_tr_ko(const char *en)
{
    build_index();
    return en ? g_hash_table_lookup(ko_index, en) : NULL;
}

const char *ftplens_tr(const char *en)
{
    if (!korean || !en)
        return en;
    const char *ko = g_hash_table_lookup(ko_index, en);
    return ko ? ko : en;
}

size_t ftplens_utf8_prefix(const char *s, size_t len, size_t max)
{
    size_t n = len < max ? len : max;
    while (n > 0 && n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}
