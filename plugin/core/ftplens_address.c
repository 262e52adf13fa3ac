/* ftplens_address.c - IPv4/IPv6 address text <-> bytes (see the header).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_address.h"

#include <glib.h>

#include <stdio.h>
#include <string.h>

/* Dotted quad: four decimal parts 0-255, no leading zeros (as inet_pton). */
static bool parse_v4(const char *s, uint8_t out[4])
{
    unsigned parts = 0;
    while (parts < 4) {
        unsigned v = 0, digits = 0;
        while (*s >= '0' && *s <= '9') {
            if (digits && v == 0)
                return false;
            v = v * 10 + (unsigned)(*s++ - '0');
            if (++digits > 3 || v > 255)
                return false;
        }
        if (!digits)
            return false;
        out[parts++] = (uint8_t)v;
        if (parts < 4 && *s++ != '.')
            return false;
    }
    return *s == '\0';
}

/* Hex groups, one '::' at most, an IPv4 tail in the last 32 bits (as inet_pton). */
static bool parse_v6(const char *s, uint8_t out[16])
{
    uint8_t b[16] = { 0 };
    int n = 0, gap = -1;
    if (s[0] == ':' && s[1] != ':')
        return false;
    while (*s) {
        if (s[0] == ':' && s[1] == ':') {
            if (gap >= 0)
                return false;
            gap = n;
            s += 2;
            if (!*s)
                break;
            continue;
        }
        const char *start = s;
        unsigned v = 0, digits = 0;
        while (g_ascii_isxdigit(*s)) {
            v = v << 4 | (unsigned)g_ascii_xdigit_value(*s++);
            if (++digits > 4)
                return false;
        }
        if (*s == '.') {
            if (n > 12 || !parse_v4(start, b + n))
                return false;
            n += 4;
            break;
        }
        if (!digits || n > 14)
            return false;
        b[n++] = (uint8_t)(v >> 8);
        b[n++] = (uint8_t)v;
        if (*s == ':') {
            if (s[1] != ':' && !*++s)
                return false;       /* a trailing single ':' */
        } else if (*s) {
            return false;
        }
    }
    if (gap >= 0) {
        if (n == 16)
            return false;
        memmove(b + 16 - (n - gap), b + gap, (size_t)(n - gap));
        memset(b + gap, 0, (size_t)(16 - n));
    } else if (n != 16) {
        return false;
    }
    memcpy(out, b, 16);
    return true;
}

bool ftplens_addr_parse(const char *text, uint8_t out[16], unsigned *len)
{
    if (strchr(text, ':')) {
        *len = 16;
        return parse_v6(text, out);
    }
    *len = 4;
    return parse_v4(text, out);
}

/* RFC 5952 as glibc writes it: the longest run of two or more zero groups (the
 * first of equal ones) as '::', lower-case hex, and ::a.b.c.d / ::ffff:a.b.c.d
 * for the IPv4-compatible and IPv4-mapped forms. */
static void format_v6(const uint8_t *a, char *out, size_t outlen)
{
    unsigned w[8];
    int best = -1, best_len = 0;
    for (int i = 0; i < 8; i++)
        w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && w[j] == 0)
            j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j > i ? j : i + 1;
    }
    if (best_len < 2)
        best = -1;
    char buf[FTPLENS_ADDR_TEXT_MAX];
    size_t o = 0;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            buf[o++] = ':';
            if (best + best_len == 8)
                buf[o++] = ':';
            i += best_len - 1;
            continue;
        }
        if (i)
            buf[o++] = ':';
        if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
            o += (size_t)snprintf(buf + o, sizeof buf - o, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
            break;
        }
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%x", w[i]);
    }
    buf[o] = '\0';
    g_strlcpy(out, buf, outlen);
}

void ftplens_addr_format(const uint8_t *addr, unsigned len, char *out, size_t outlen)
{
    if (len == 4)
        snprintf(out, outlen, "%u.%u.%u.%u", addr[0], addr[1], addr[2], addr[3]);
    else if (len == 16)
        format_v6(addr, out, outlen);
    else
        g_strlcpy(out, "?", outlen);
}
