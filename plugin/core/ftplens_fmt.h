/* ftplens_fmt.h - appending a formatted sentence without printf.  The TCP
 * explanations are written for every frame a visible tree shows; glibc's
 * printf machinery was the largest single cost of tshark -T fields and -V
 * there.  Same format strings, checked by the compiler as printf's.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_FMT_H
#define FTPLENS_FMT_H

#include <glib.h>

/* As g_string_append_printf.  %s, %u, %d, %x, %08x and %% are written here;
 * a format with any other conversion is handed to g_string_append_vprintf whole. */
void ftplens_appendf(GString *g, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#endif
