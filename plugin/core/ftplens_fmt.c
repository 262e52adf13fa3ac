/* ftplens_fmt.c - appending a formatted sentence without printf (see the header).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_fmt.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

/* The conversions written here: s, u, d, x, and x with a zero-padded width. */
static bool simple_format(const char *fmt)
{
    for (const char *p = strchr(fmt, '%'); p; p = strchr(p, '%')) {
        p++;
        if (*p == '%' || *p == 's' || *p == 'u' || *p == 'd' || *p == 'x') {
            p++;
            continue;
        }
        if (p[0] == '0' && p[1] >= '1' && p[1] <= '9' && p[2] == 'x') {
            p += 3;
            continue;
        }
        return false;
    }
    return true;
}

static void append_unsigned(GString *g, unsigned v, unsigned base, unsigned width)
{
    char buf[16];
    int i = sizeof buf;
    do {
        buf[--i] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while ((unsigned)(sizeof buf - (size_t)i) < width && i > 0)
        buf[--i] = '0';
    g_string_append_len(g, buf + i, (gssize)(sizeof buf - (size_t)i));
}

void ftplens_appendf(GString *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!simple_format(fmt)) {
        g_string_append_vprintf(g, fmt, ap);
        va_end(ap);
        return;
    }
    const char *p = fmt;
    for (const char *pc = strchr(p, '%'); pc; pc = strchr(p, '%')) {
        g_string_append_len(g, p, pc - p);
        pc++;
        unsigned width = 0;
        if (*pc == '0') {
            width = (unsigned)(pc[1] - '0');
            pc += 2;
        }
        switch (*pc) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            g_string_append(g, s ? s : "(null)");
            break;
        }
        case 'u':
            append_unsigned(g, va_arg(ap, unsigned), 10, 0);
            break;
        case 'd': {
            int v = va_arg(ap, int);
            if (v < 0)
                g_string_append_c(g, '-');
            append_unsigned(g, v < 0 ? 0u - (unsigned)v : (unsigned)v, 10, 0);
            break;
        }
        case 'x':
            append_unsigned(g, va_arg(ap, unsigned), 16, width);
            break;
        default:                /* '%' */
            g_string_append_c(g, '%');
            break;
        }
        p = pc + 1;
    }
    g_string_append(g, p);
    va_end(ap);
}
