/* ftplens_text.h - the language of every sentence ftplens shows: English
 * (the keys) or Korean (ftplens_text_ko.c), English as fallback.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_TEXT_H
#define FTPLENS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *en;
    const char *ko;
} ftplens_translation;

/* The Korean table: one row per English string, ended by { NULL, NULL }. */
extern const ftplens_translation ftplens_text_ko[];

/* "en" (default) or "ko"; anything else is English. */
void ftplens_set_language(const char *lang);

/* "en" or "ko": the language of the moment. */
const char *ftplens_language(void);

/* The string in the current language (the English key when it has no entry). */
const char *ftplens_tr(const char *en) __attribute__((format_arg(1)));
/* The Korean entry or NULL: for the completeness test. */
const char *ftplens_tr_ko(const char *en);

/* The longest prefix of s[0..len) of at most max bytes that does not end
 * inside a UTF-8 character: where to cut a label or a quoted line. */
size_t ftplens_utf8_prefix(const char *s, size_t len, size_t max);

/* Long texts are shown in the GUI as several short items (a pane edge cuts a
 * long label): the byte length of the next piece of s, at most max_chars
 * characters and max_bytes bytes, ending at a sentence end, else after a
 * clause (", "), else at a space; never inside a UTF-8 character. */
size_t ftplens_text_piece(const char *s, size_t max_chars, size_t max_bytes);

#define T(s) ftplens_tr(s)
/* Marks a table string as translatable where it is defined; T() it where it is used. */
#define N_(s) (s)

#endif
