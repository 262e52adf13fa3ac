/* ftplens_parse.c - FTP control-line parsers.  Pure functions over a byte
 * range: no allocation, no state, safe on any input (NULs, binary, huge).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_parse.h"

#include "ftplens_text.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#define IAC 0xff

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

void ftplens_parse_reply(const char *line, size_t len, ftplens_reply_line *out)
{
    memset(out, 0, sizeof *out);
    if (len < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) {
        out->problem = N_("a reply must start with a three-digit code");
        return;
    }
    if (len > 3 && line[3] != ' ' && line[3] != '-') {
        out->problem = is_digit(line[3]) ? N_("a reply code has exactly three digits")
                                         : N_("the reply code must be followed by a space or '-'");
        return;
    }
    out->ok = true;
    out->code = (unsigned)(line[0] - '0') * 100 + (unsigned)(line[1] - '0') * 10 + (unsigned)(line[2] - '0');
    out->sep = len > 3 ? line[3] : '\0';
    out->text = len > 4 ? line + 4 : line + len;
    out->text_len = len > 4 ? len - 4 : 0;
}

bool ftplens_is_multiline_end(const char *line, size_t len, unsigned code)
{
    char digits[4];

    if (len < 3)
        return false;
    snprintf(digits, sizeof digits, "%03u", code % 1000);
    if (memcmp(line, digits, 3) != 0)
        return false;
    return len == 3 || line[3] == ' ';
}

void ftplens_parse_command(const char *line, size_t len, ftplens_command_line *out)
{
    size_t i = 0, n = 0;

    memset(out, 0, sizeof *out);
    /* Telnet IAC IP / IAC DM (and other IAC pairs) legitimately precede ABOR. */
    while (i + 1 < len && (unsigned char)line[i] == IAC) {
        i += 2;
    }
    out->skipped = i;
    while (i < len && line[i] != ' ') {
        char c = line[i];
        if (!g_ascii_isalnum(c)) {
            out->problem = N_("the command verb contains characters other than letters and digits");
            return;
        }
        if (n + 1 >= sizeof out->verb) {
            out->problem = N_("the command verb is longer than any FTP command");
            return;
        }
        out->verb[n++] = g_ascii_toupper(c);
        i++;
    }
    out->verb[n] = '\0';
    if (n == 0) {
        out->problem = N_("empty command line");
        return;
    }
    out->ok = true;
    if (i < len) {
        out->arg = line + i + 1;
        out->arg_len = len - i - 1;
    } else {
        out->arg = line + len;
        out->arg_len = 0;
    }
}

/* Reads up to 'count' decimal numbers separated by commas, each 0..255. */
static bool read_byte_list(const char *s, size_t len, unsigned *v, unsigned count, size_t *used)
{
    size_t i = 0;

    for (unsigned k = 0; k < count; k++) {
        unsigned val = 0, digits = 0;
        while (i < len && s[i] == ' ')
            i++;
        while (i < len && is_digit(s[i]) && digits < 4) {
            val = val * 10 + (unsigned)(s[i] - '0');
            digits++;
            i++;
        }
        if (digits == 0 || digits > 3 || val > 255)
            return false;
        v[k] = val;
        if (k + 1 < count) {
            if (i >= len || s[i] != ',')
                return false;
            i++;
        }
    }
    if (used)
        *used = i;
    return true;
}

static void explain_six(const char *src, size_t srclen, const unsigned *v, ftplens_hostport *out)
{
    out->ok = true;
    out->has_addr = true;
    out->ipv6 = false;
    snprintf(out->addr, sizeof out->addr, "%u.%u.%u.%u", v[0], v[1], v[2], v[3]);
    out->port = v[4] * 256 + v[5];
    snprintf(out->explain, sizeof out->explain, T("%.*s \u2192 %s port %u = %u\u00d7256+%u"),
               (int)MIN(srclen, 64), src, out->addr, out->port, v[4], v[5]);
}

bool ftplens_parse_port_arg(const char *arg, size_t len, ftplens_hostport *out)
{
    unsigned v[6];
    size_t used = 0;

    memset(out, 0, sizeof *out);
    while (len && arg[len - 1] == ' ')
        len--;
    if (!read_byte_list(arg, len, v, 6, &used) || used != len) {
        snprintf(out->explain, sizeof out->explain, T("malformed PORT argument '%.*s': expected h1,h2,h3,h4,p1,p2 (six numbers 0-255)"),
                   (int)MIN(len, 64), arg);
        return false;
    }
    explain_six(arg, len, v, out);
    return true;
}

bool ftplens_parse_227_text(const char *text, size_t len, ftplens_hostport *out)
{
    unsigned v[6];

    memset(out, 0, sizeof *out);
    /* RFC 1123 4.1.2.6: scan for the first run of six numbers, with or without brackets. */
    for (size_t i = 0; i < len; i++) {
        if (!is_digit(text[i]) || (i > 0 && is_digit(text[i - 1])))
            continue;
        size_t used = 0;
        if (read_byte_list(text + i, len - i, v, 6, &used)) {
            explain_six(text + i, used, v, out);
            return true;
        }
    }
    snprintf(out->explain, sizeof out->explain, "%s", T("malformed 227 reply: no h1,h2,h3,h4,p1,p2 address found"));
    return false;
}

static bool parse_port_number(const char *s, size_t len, unsigned *port)
{
    unsigned val = 0;

    if (len == 0 || len > 5)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!is_digit(s[i]))
            return false;
        val = val * 10 + (unsigned)(s[i] - '0');
    }
    if (val > 65535)
        return false;
    *port = val;
    return true;
}

bool ftplens_parse_eprt_arg(const char *arg, size_t len, ftplens_hostport *out)
{
    const char *f[4];
    size_t flen[4];
    char d;
    unsigned k = 0;
    size_t i, start;

    memset(out, 0, sizeof *out);
    while (len && arg[len - 1] == ' ')
        len--;
    if (len < 4)
        goto bad;
    d = arg[0];
    /* RFC 2428: the delimiter is printable ASCII 33-126 other than digits. */
    if (d < 33 || d > 126 || is_digit(d))
        goto bad;
    start = 1;
    for (i = 1; i < len && k < 4; i++) {
        if (arg[i] == d) {
            f[k] = arg + start;
            flen[k] = i - start;
            k++;
            start = i + 1;
        }
    }
    if (k != 3 || start != len)
        goto bad;
    if (!parse_port_number(f[2], flen[2], &out->port))
        goto bad;
    if (flen[0] == 0 && flen[1] == 0) {
        out->ok = true;
        snprintf(out->explain, sizeof out->explain, T("%.*s \u2192 port %u on the control connection's address"),
                   (int)MIN(len, 80), arg, out->port);
        return true;
    }
    if (flen[0] != 1 || (f[0][0] != '1' && f[0][0] != '2') || flen[1] == 0 || flen[1] >= sizeof out->addr)
        goto bad;
    out->ipv6 = f[0][0] == '2';
    memcpy(out->addr, f[1], flen[1]);
    out->addr[flen[1]] = '\0';
    for (i = 0; i < flen[1]; i++) {
        char c = out->addr[i];
        bool okc = out->ipv6 ? (g_ascii_isxdigit(c) || c == ':' || c == '.') : (is_digit(c) || c == '.');
        if (!okc)
            goto bad;
    }
    out->ok = true;
    out->has_addr = true;
    snprintf(out->explain, sizeof out->explain, T("%.*s \u2192 %s address %s port %u"),
               (int)MIN(len, 80), arg, out->ipv6 ? "IPv6" : "IPv4", out->addr, out->port);
    return true;
bad:
    memset(out, 0, sizeof *out);
    snprintf(out->explain, sizeof out->explain, T("malformed EPRT argument '%.*s': expected |af|address|port| (af 1 = IPv4, 2 = IPv6)"),
               (int)MIN(len, 64), arg);
    return false;
}

bool ftplens_parse_229_text(const char *text, size_t len, ftplens_hostport *out)
{
    memset(out, 0, sizeof *out);
    const char *open = memchr(text, '(', len);
    if (open) {
        size_t rest = len - (size_t)(open - text) - 1;
        const char *close = memchr(open + 1, ')', rest);
        if (close && close - open >= 5) {
            const char *in = open + 1;
            size_t n = (size_t)(close - in);
            char d = in[0];
            /* (|||port|): three delimiters, the port, a closing delimiter. */
            if (n >= 5 && in[1] == d && in[2] == d && in[n - 1] == d &&
                parse_port_number(in + 3, n - 4, &out->port)) {
                out->ok = true;
                snprintf(out->explain, sizeof out->explain, T("(%.*s) \u2192 port %u on the server's own address (RFC 2428 sends only the port)"),
                           (int)n, in, out->port);
                return true;
            }
        }
    }
    snprintf(out->explain, sizeof out->explain, "%s", T("malformed 229 reply: expected (|||port|)"));
    return false;
}
