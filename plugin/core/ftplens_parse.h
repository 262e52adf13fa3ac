/* ftplens_parse.h - parsing one FTP control line (command or reply) and the
 * address arguments of PORT, EPRT, 227 and 229.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_PARSE_H
#define FTPLENS_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    bool ok;             /* three digits followed by SP, '-' or end of line */
    unsigned code;
    char sep;            /* ' ', '-' or '\0' */
    const char *text;    /* points into the line, after the separator */
    size_t text_len;
    const char *problem; /* why !ok */
} ftplens_reply_line;

typedef struct {
    bool ok;             /* a verb made of letters and digits, 1..10 chars */
    char verb[12];       /* upper-cased */
    const char *arg;     /* after the single SP, may be empty */
    size_t arg_len;
    size_t skipped;      /* leading Telnet IAC bytes skipped */
    const char *problem;
} ftplens_command_line;

typedef struct {
    bool ok;
    bool ipv6;
    bool has_addr;       /* 229 and EPRT |||port| carry only a port */
    char addr[48];
    unsigned port;
    char explain[256];   /* "192,168,1,2,7,138 → 192.168.1.2 port 1930 = 7×256+138" */
} ftplens_hostport;

void ftplens_parse_reply(const char *line, size_t len, ftplens_reply_line *out);
void ftplens_parse_command(const char *line, size_t len, ftplens_command_line *out);

/* A reply line that ends a multi-line reply begun with 'code-'. */
bool ftplens_is_multiline_end(const char *line, size_t len, unsigned code);

/* Argument parsers; each fills out->explain, also when the argument is bad. */
bool ftplens_parse_port_arg(const char *arg, size_t len, ftplens_hostport *out);
bool ftplens_parse_eprt_arg(const char *arg, size_t len, ftplens_hostport *out);
bool ftplens_parse_227_text(const char *text, size_t len, ftplens_hostport *out);
bool ftplens_parse_229_text(const char *text, size_t len, ftplens_hostport *out);

#endif
