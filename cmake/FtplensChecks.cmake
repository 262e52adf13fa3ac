# SPDX-License-Identifier: GPL-2.0-or-later
#
# Compile checks for the Wireshark API differences between 4.0, 4.4 and 4.6.
# Each sets a FTPLENS_HAVE_* definition used by plugin/glue/ftplens_compat.h.
include(CheckCSourceCompiles)

get_target_property(_ws_includes epan INTERFACE_INCLUDE_DIRECTORIES)
set(CMAKE_REQUIRED_INCLUDES ${_ws_includes} ${GLIB_INCLUDE_DIRS})
set(CMAKE_REQUIRED_FLAGS "-Werror=incompatible-pointer-types -Werror=int-conversion -Werror=implicit-function-declaration")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# prefs_register_bool_preference: gboolean * (4.0) or bool * (4.2 and later).
check_c_source_compiles("
#include <wireshark.h>
#include <epan/prefs.h>
static bool flag;
void ftplens_probe(module_t *m);
void ftplens_probe(module_t *m) { prefs_register_bool_preference(m, \"a\", \"b\", \"c\", &flag); }
" FTPLENS_HAVE_PREF_BOOL)

# plugin_describe() and WS_PLUGIN_DESC_DISSECTOR (4.2? 4.4 and later).
check_c_source_compiles("
#include <wireshark.h>
#include <wsutil/plugins.h>
unsigned long ftplens_probe(void);
unsigned long ftplens_probe(void) { return WS_PLUGIN_DESC_DISSECTOR; }
" FTPLENS_HAVE_PLUGIN_DESCRIBE)

# stat_tap_ui init callbacks return void (4.0, 4.4) or bool (4.6).
check_c_source_compiles("
#include <wireshark.h>
#include <epan/stat_tap_ui.h>
static bool cb(const char *a, void *b) { (void)a; (void)b; return true; }
stat_tap_init_cb ftplens_probe = cb;
" FTPLENS_HAVE_STAT_TAP_INIT_BOOL)

# find_conversation_strat (how TCP finds its conversation, with the deinterlacing
# preference): absent (4.0), 3 arguments (4.4), 4 arguments (4.6).
check_c_source_compiles("
#include <wireshark.h>
#include <epan/conversation.h>
conversation_t *ftplens_probe(packet_info *p);
conversation_t *ftplens_probe(packet_info *p) { return find_conversation_strat(p, CONVERSATION_TCP, 0); }
" FTPLENS_HAVE_FIND_CONVERSATION_STRAT)
check_c_source_compiles("
#include <wireshark.h>
#include <epan/conversation.h>
conversation_t *ftplens_probe(packet_info *p);
conversation_t *ftplens_probe(packet_info *p) { return find_conversation_strat(p, CONVERSATION_TCP, 0, false); }
" FTPLENS_HAVE_FIND_CONVERSATION_STRAT_DIRECTION)

unset(CMAKE_REQUIRED_INCLUDES)
unset(CMAKE_REQUIRED_FLAGS)
unset(CMAKE_TRY_COMPILE_TARGET_TYPE)

set(FTPLENS_COMPAT_DEFINITIONS "")
foreach(_check FTPLENS_HAVE_PREF_BOOL FTPLENS_HAVE_PLUGIN_DESCRIBE FTPLENS_HAVE_STAT_TAP_INIT_BOOL
		FTPLENS_HAVE_FIND_CONVERSATION_STRAT FTPLENS_HAVE_FIND_CONVERSATION_STRAT_DIRECTION)
	if(${_check})
		list(APPEND FTPLENS_COMPAT_DEFINITIONS ${_check})
	endif()
endforeach()
message(STATUS "ftplens: API checks: ${FTPLENS_COMPAT_DEFINITIONS}")
