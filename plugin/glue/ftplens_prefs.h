/* ftplens_prefs.h - every ftplens preference in one place.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_PREFS_H
#define FTPLENS_PREFS_H

#include "ftplens_compat.h"

typedef struct {
    ftplens_pref_bool heuristic;        /* ftplens.heuristic: 220 greeting on any port */
    bool mask_passwords;                /* ftplens.mask_passwords, read from mask_passwords_text */
    unsigned bruteforce_session;        /* ftplens.bruteforce_session */
    unsigned bruteforce_client;         /* ftplens.bruteforce_client */
    unsigned bruteforce_window;         /* ftplens.bruteforce_window, minutes */
    unsigned arg_max_default;           /* ftplens.arg_max_default */
    unsigned worksheet_variant;         /* ftplens.worksheet_variant: the teacher's kit's variant */
    int language;                       /* ftplens.language: 0 English, 1 Korean, read from language_text */
    /* String preferences, checked by the module's apply callback: Wireshark's
     * enum and bool preferences take any -o value without a word (an unknown
     * enum name keeps the old value, a bool is FALSE unless "TRUE"). */
    const char *language_text;          /* en/English or ko/Korean/한국어, any case */
    const char *mask_passwords_text;    /* yes/1/on/true or no/0/off/false, any case */
    const char *log_commands;           /* ftplens.log_commands: what -z ftplens,log logs (ftplens_log_selection) */
    ftplens_pref_bool tcp_every_segment; /* ftplens.tcp_every_segment: ftplens.tcp.* on plain ACKs and data too */
    ftplens_pref_bool expand_subtree;   /* ftplens.expand_subtree: FTP Lens open in the details pane */
    ftplens_pref_bool info_column;      /* ftplens.info_column: "[502 \u2192 OPTS]" in the Info column */
} ftplens_preferences;

extern ftplens_preferences ftplens_prefs;

#endif
