/* plugin.c - the symbols the Wireshark plugin loader looks up.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <ws_version.h>

#include <epan/proto.h>

#ifdef FTPLENS_HAVE_PLUGIN_DESCRIBE
#include <wsutil/plugins.h>
#endif

#ifndef FTPLENS_VERSION
#define FTPLENS_VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const char plugin_version[] = FTPLENS_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
#ifdef FTPLENS_HAVE_PLUGIN_DESCRIBE
WS_DLL_PUBLIC uint32_t plugin_describe(void);
#endif

void proto_register_ftplens(void);
void proto_reg_handoff_ftplens(void);

void plugin_register(void)
{
    static proto_plugin plug;

    plug.register_protoinfo = proto_register_ftplens;
    plug.register_handoff = proto_reg_handoff_ftplens;
    proto_register_plugin(&plug);
}

#ifdef FTPLENS_HAVE_PLUGIN_DESCRIBE
uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif
