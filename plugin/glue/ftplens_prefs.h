/* ftplens_prefs.h - every ftplens preference in one place.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_PREFS_H
#define FTPLENS_PREFS_H

#include "ftplens_compat.h"

typedef struct {
    ftplens_pref_bool heuristic;   /* ftplens.heuristic: 220 greeting on any port */
} ftplens_preferences;

extern ftplens_preferences ftplens_prefs;

#endif
