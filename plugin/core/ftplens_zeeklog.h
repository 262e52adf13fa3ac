/* ftplens_zeeklog.h - one record per FTP command in the layout of Zeek's
 * ftp.log (tshark -z ftplens,log[,json]): Zeek's columns first, with Zeek's
 * names, types and rules for which commands are logged and how 'arg' is built,
 * then ftplens's own columns.  Made after the last frame from the frames the
 * report keeps.  Part of the core (reads ftplens_core_private.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_ZEEKLOG_H
#define FTPLENS_ZEEKLOG_H

#include <stdbool.h>

#include <glib.h>

#include "ftplens_core.h"

/* Which commands are logged: the ftplens.log_commands preference, words
 * separated by commas or spaces, in any case.  "zeek": Zeek's default
 * logged_commands (the command table's FTPLENS_CMD_LOGGED column); "all":
 * every command; "<init>": the greeting; any other word: that verb. */
typedef struct {
    bool zeek, all, init;
    GHashTable *verbs;          /* upper-case verbs (owned) */
} ftplens_log_selection;

/* False, with the offending word in *bad (g_free), for a word that is neither
 * a keyword nor a verb (letters only, at most 16).  The selection is filled
 * either way, without the bad word; free it with ftplens_log_selection_clear. */
bool ftplens_log_selection_parse(const char *text, ftplens_log_selection *out, char **bad);
void ftplens_log_selection_clear(ftplens_log_selection *sel);

/* The default of ftplens.log_commands. */
#define FTPLENS_LOG_COMMANDS_DEFAULT "zeek"

/* Zeek's path helpers, kept apart for the unit tests (g_free the results):
 * build_path_compressed(dir, file) and extract_path(text). */
char *ftplens_zeek_path(const char *dir, const char *file);
char *ftplens_zeek_extract_path(const char *text);

/* The log of the sessions in 'only' (session ids; NULL: all), TSV with Zeek's
 * header or JSON lines (Zeek's JSON writer: one object per line, unset fields
 * left out).  'mask': passwords written as Zeek's "<hidden>".  g_free. */
char *ftplens_capture_zeek_log(const ftplens_capture *c, bool json, const ftplens_log_selection *sel, bool mask,
                               GHashTable *only);

#endif
