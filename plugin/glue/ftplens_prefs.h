/* ftplens_prefs.h - every ftplens preference in one place.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_PREFS_H
#define FTPLENS_PREFS_H

#include "ftplens_compat.h"

typedef struct {
    ftplens_pref_bool heuristic;        /* ftplens.heuristic: 220 greeting on any port */
    ftplens_pref_bool mask_passwords;   /* ftplens.mask_passwords */
    unsigned bruteforce_session;        /* ftplens.bruteforce_session */
    unsigned bruteforce_client;         /* ftplens.bruteforce_client */
    unsigned bruteforce_window;         /* ftplens.bruteforce_window, minutes */
    unsigned arg_max_default;           /* ftplens.arg_max_default */
    int language;                       /* ftplens.language: 0 English, 1 Korean */
    ftplens_pref_bool tcp_every_segment; /* ftplens.tcp_every_segment: ftplens.tcp.* on plain ACKs and data too */
} ftplens_preferences;

extern ftplens_preferences ftplens_prefs;

#endif
