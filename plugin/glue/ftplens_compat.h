/* ftplens_compat.h - the only place that knows Wireshark release differences.
 * CMake compile checks (cmake/FtplensChecks.cmake) define the FTPLENS_HAVE_*
 * macros; no version numbers are guessed here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_COMPAT_H
#define FTPLENS_COMPAT_H

#include <stdlib.h>

#include <epan/proto.h>

/* Boolean preferences: gboolean* in 4.0, bool* from 4.2 on. */
#ifdef FTPLENS_HAVE_PREF_BOOL
typedef bool ftplens_pref_bool;
#else
typedef gboolean ftplens_pref_bool;
#endif

/* stat_tap_ui init callbacks: void in 4.0/4.4, bool from 4.6 on.  A failed
 * void init lets tshark go on, so it ends the program as Wireshark's own
 * taps do there (tap-protohierstat.c). */
#ifdef FTPLENS_HAVE_STAT_TAP_INIT_BOOL
#define FTPLENS_STAT_INIT_RET bool
#define FTPLENS_STAT_INIT_OK return true
#define FTPLENS_STAT_INIT_FAIL return false
#else
#define FTPLENS_STAT_INIT_RET void
#define FTPLENS_STAT_INIT_OK return
#define FTPLENS_STAT_INIT_FAIL exit(1)
#endif

#endif
