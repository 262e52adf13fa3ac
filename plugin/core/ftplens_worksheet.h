/* ftplens_worksheet.h - the teacher's kit: numbered questions about one
 * capture (-z ftplens,worksheet) and their answer key (-z ftplens,answers),
 * made only from facts the capture holds, in variants chosen by a number.
 * Part of the core (reads ftplens_core_private.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_WORKSHEET_H
#define FTPLENS_WORKSHEET_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "ftplens_core.h"

/* How the grader compares a student's answer with the key (tools/grade-worksheet). */
typedef enum {
    FTPLENS_GRADE_NUMBER,       /* an integer, decimal or hex: one of 'values' */
    FTPLENS_GRADE_SECONDS,      /* a time in seconds, within 'tolerance' of 'seconds' */
    FTPLENS_GRADE_FRAMES,       /* a set of frame numbers: exactly 'values' */
    FTPLENS_GRADE_CHOICE,       /* the first of 'accept' and 'reject' the answer names is in 'accept' */
    FTPLENS_GRADE_KEYWORDS,     /* names 'need' of the groups in 'accept' ("a|b" a group) and none of 'reject' */
} ftplens_grade;

typedef struct {
    const char *topic;          /* language-neutral: "client_isn", "segment_len"... */
    unsigned session;           /* the report's session number; 0: the whole capture */
    char *question;             /* in the chosen language */
    char *answer;               /* as the key prints it */
    char *why;                  /* one line */
    ftplens_grade grade;
    GArray *frames;             /* uint32_t: the frames the answer comes from */
    GArray *values;             /* uint64_t: NUMBER (the first is the answer) and FRAMES */
    double seconds, tolerance;  /* SECONDS */
    GPtrArray *accept;          /* char *: CHOICE and KEYWORDS */
    GPtrArray *reject;          /* char *: the other choices, names that make an answer wrong */
    unsigned need;              /* KEYWORDS */
} ftplens_question;

typedef struct {
    GPtrArray *questions;       /* ftplens_question *, in worksheet order */
    unsigned variant;
    unsigned sessions;          /* sessions to choose from (those the filter kept) */
    unsigned session;           /* the one asked about: its report number, 0 when none */
    uint32_t stream;            /* its tcp.stream */
    char *client, *server;      /* "127.0.0.1 port 48504" */
} ftplens_worksheet;

/* The questions of variant 'variant' about the sessions of the capture (those
 * in 'only', a set of session ids, when not NULL): about one session (of
 * those that support the most questions) and the findings of all of them. */
ftplens_worksheet *ftplens_worksheet_make(const ftplens_capture *c, unsigned variant, GHashTable *only);
void ftplens_worksheet_free(ftplens_worksheet *w);

typedef enum {
    FTPLENS_KIT_TEXT,
    FTPLENS_KIT_MARKDOWN,
    FTPLENS_KIT_JSON,           /* answer key only */
} ftplens_kit_format;

/* The worksheet ('answers' false) or its answer key, ready to print.  'filter'
 * is the display filter that chose 'only', or NULL.  Caller frees with g_free. */
char *ftplens_capture_worksheet(const ftplens_capture *c, unsigned variant, bool answers, ftplens_kit_format format,
                                GHashTable *only, const char *filter);

#endif
