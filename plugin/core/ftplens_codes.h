/* ftplens_codes.h - FTP reply-code knowledge: class, category, meaning, RFC.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_CODES_H
#define FTPLENS_CODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One row of the reply table.  A row whose 'commands' is non-NULL applies only
 * when the reply answers one of those (space-separated, upper-case) verbs; the
 * row with commands == NULL is the code's general meaning.  Adding a code is
 * adding a row. */
typedef struct {
    uint16_t code;
    const char *commands;
    const char *meaning;
    const char *rfc;
} ftplens_reply_row;

/* The texts of a reply code, in the current language (its digits: ftplens_reply_code). */
typedef struct {
    const char *class_text;
    const char *category_text;
    const char *meaning;
    const char *rfc;
} ftplens_reply_info;

extern const ftplens_reply_row ftplens_reply_rows[];
extern const unsigned ftplens_reply_row_count;

/* Text for a first digit (1..6) or NULL when the digit is not a reply class. */
const char *ftplens_class_text(unsigned reply_class);
/* Text for a second digit (0..5) or NULL when the digit is not a category. */
const char *ftplens_category_text(unsigned category);

/* What a reply note keeps of its code: the row that explains it, the digits;
 * the texts are looked up when shown (ftplens_reply_texts).  Eight bytes: a
 * note is kept for every line. */
typedef struct {
    uint16_t row;             /* index in ftplens_reply_rows + 1; 0: no row (ftplens_reply_code_row) */
    uint16_t code;
    uint8_t reply_class;      /* first digit */
    uint8_t category;         /* second digit */
    bool standard;            /* false: not defined by any RFC */
} ftplens_reply_code;

/* The row that explains the code, or NULL. */
static inline const ftplens_reply_row *ftplens_reply_code_row(const ftplens_reply_code *c)
{
    return c->row ? &ftplens_reply_rows[c->row - 1] : NULL;
}

/* Classify a three-digit code.  'command' is the upper-case verb the reply
 * answers (or NULL); it selects the command-dependent meaning of codes such as
 * 521, 522, 232 and 534. */
void ftplens_reply_classify(unsigned code, const char *command, ftplens_reply_code *out);
/* The texts of a classified code, in the current language. */
void ftplens_reply_texts(const ftplens_reply_code *c, ftplens_reply_info *out);

/* Both at once: the code classified and its texts. */
void ftplens_reply_explain(unsigned code, const char *command, ftplens_reply_code *c, ftplens_reply_info *out);

#endif
