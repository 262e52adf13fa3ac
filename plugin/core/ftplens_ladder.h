/* ftplens_ladder.h - section 5 of a session's walkthrough in the lab report:
 * the ladder (sequence) diagram of its control connection, as aligned text
 * arrows or as a Mermaid sequenceDiagram block (Markdown).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_LADDER_H
#define FTPLENS_LADDER_H

#include <glib.h>
#include <stdbool.h>

struct ftplens_conn;

/* Labels longer than this many display columns are cut, with "..." after. */
#define FTPLENS_LADDER_LABEL_COLS 70
/* Rows of a later walkthrough in a folded report ('brief'); the rest is counted. */
#define FTPLENS_LADDER_BRIEF_ROWS 40

/* Appends the diagram of one control connection, drawn from the frames the
 * report keeps (ctl->frames, ctl->data_conns): the handshake, every FTP line
 * (in 'brief' the middle lines of a multi-line reply as one row, at most
 * FTPLENS_LADDER_BRIEF_ROWS rows), the data connections, capture gaps, FIN and
 * RST.  'md': a ```mermaid block, else text arrows between two columns. */
void ftplens_ladder(GString *out, bool md, const struct ftplens_conn *ctl, bool brief);

/* 's' made safe inside a Mermaid sequence-diagram label (g_free it): the
 * characters Mermaid reads as syntax (';' ends a statement, '#' starts an
 * entity code, '<' '>' '&' '"' are HTML, '%%' starts a comment, '{' '}' '\\'
 * directives and escapes) as numeric entity codes ("#59;"), also ':' and ','
 * for a participant's alias ('alias'); control characters (a line end would
 * end the statement) as '.', bytes that are not UTF-8 as U+FFFD. */
char *ftplens_mermaid_escape(const char *s, bool alias);

#endif
