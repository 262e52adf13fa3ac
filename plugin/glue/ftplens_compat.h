/* ftplens_compat.h - the only place that knows Wireshark release differences.
 * CMake compile checks (cmake/FtplensChecks.cmake) define the FTPLENS_HAVE_*
 * macros; no version numbers are guessed here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_COMPAT_H
#define FTPLENS_COMPAT_H

#include <stdlib.h>

#include <epan/conversation.h>
#include <epan/prefs.h>
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

/* The conversation the TCP dissector keeps its data with, found as it finds
 * it: from 4.4 on through the deinterlacing strategy (3 arguments in 4.4, 4 in 4.6). */
static inline conversation_t *ftplens_tcp_conversation(packet_info *pinfo)
{
#if defined(FTPLENS_HAVE_FIND_CONVERSATION_STRAT_DIRECTION)
    return find_conversation_strat(pinfo, CONVERSATION_TCP, 0, false);
#elif defined(FTPLENS_HAVE_FIND_CONVERSATION_STRAT)
    return find_conversation_strat(pinfo, CONVERSATION_TCP, 0);
#else
    return find_conversation_pinfo(pinfo, 0);
#endif
}

/* With the deinterlacing preference (4.4 on) one address and port pair seen on
 * two interfaces or VLANs is two TCP streams. */
static inline bool ftplens_conversations_deinterlaced(void)
{
#if defined(FTPLENS_HAVE_FIND_CONVERSATION_STRAT_DIRECTION) || defined(FTPLENS_HAVE_FIND_CONVERSATION_STRAT)
    return prefs.conversation_deinterlacing_key != 0;
#else
    return false;
#endif
}

#endif
