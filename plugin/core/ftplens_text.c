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

/* Where a piece may end, seen at byte i: after a sentence (". ", "; ", ": ")
 * or a clause (", ") outside parentheses, or at any space. */
typedef struct {
    size_t sentence, clause, space;
    int depth;
} piece_breaks;

static void note_break(piece_breaks *b, const char *s, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c == '(') {
        b->depth++;
    } else if (c == ')' && b->depth > 0) {
        b->depth--;
    } else if (c == ' ' && i > 0) {
        char p = s[i - 1];
        if (b->depth == 0 && (p == '.' || p == ';' || p == ':'))
            b->sentence = i;
        else if (b->depth == 0 && p == ',')
            b->clause = i;
        b->space = i;
    }
}

size_t ftplens_text_piece(const char *s, size_t max_chars, size_t max_bytes)
{
    size_t i = 0, chars = 0;
    piece_breaks br = { 0, 0, 0, 0 };

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
        note_break(&br, s, i);
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
        note_break(&br, s, i);
    }
    if (!s[i])
        return i;
    /* A sentence or clause end when it leaves the piece well filled, else
     * the last space: pieces read as whole phrases and none is tiny. */
    if (br.sentence > i * 3 / 5)
        return br.sentence;
    if (br.clause > i * 3 / 5)
        return br.clause;
    if (br.space > i / 3)
        return br.space;
    return i;   /* one long word: cut between two characters */
}
