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

size_t ftplens_text_piece(const char *s, size_t max_chars, size_t max_bytes)
{
    size_t i = 0, chars = 0, sentence = 0, clause = 0, space = 0;
    int depth = 0;

    /* Most texts fit: no more bytes than either limit (a character is at least one byte). */
    size_t whole = strlen(s);
    if (whole <= max_chars && whole <= max_bytes)
        return whole;

    /* ASCII letters and digits (most of a long English text): one character each,
     * nothing to remember; the loop below looks at everything else. */
    size_t lim = max_chars < max_bytes ? max_chars : max_bytes;
    for (;;) {
        while (i < lim && (unsigned char)s[i] > ')' && (unsigned char)s[i] < 0x80)
            i++;
        chars = i;
        if (i == lim || (unsigned char)s[i] >= 0x80 || !s[i])
            break;
        unsigned char c = (unsigned char)s[i];
        if (c == '(')
            depth++;
        else if (c == ')' && depth > 0)
            depth--;
        else if (c == ' ' && i > 0) {
            char p = s[i - 1];
            if (depth == 0 && (p == '.' || p == ';' || p == ':'))
                sentence = i;
            else if (depth == 0 && p == ',')
                clause = i;
            space = i;
        }
        i++;
    }

    for (; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80) {
            size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            if (chars == max_chars || i + len > max_bytes)
                break;
            chars++;
        }
        if (c == '(')
            depth++;
        else if (c == ')' && depth > 0)
            depth--;
        else if (c == ' ' && i > 0) {
            char p = s[i - 1];
            if (depth == 0 && (p == '.' || p == ';' || p == ':'))
                sentence = i;
            else if (depth == 0 && p == ',')
                clause = i;
            space = i;
        }
    }
    if (!s[i])
        return i;
    /* A sentence or clause end when it leaves the piece well filled, else
     * the last space: pieces read as whole phrases and none is tiny. */
    if (sentence > i * 3 / 5)
        return sentence;
    if (clause > i * 3 / 5)
        return clause;
    if (space > i / 3)
        return space;
    return i;   /* one long word: cut between two characters */
}
