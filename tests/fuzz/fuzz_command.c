/* fuzz_command.c - ftplens_parse_command on arbitrary lines, then what the
 * session does with a parsed command: the command table lookup and, for
 * PORT/EPRT, the address parser on the argument.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "ftplens_commands.h"
#include "ftplens_parse.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = exact_copy(data, size);
    ftplens_command_line c;
    memset(&c, 0xA5, sizeof c);
    ftplens_parse_command(line, size, &c);
    touch_str(c.problem);
    FUZZ_CHECK(c.skipped <= size, "skipped %zu > %zu", c.skipped, size);
    if (c.ok) {
        size_t vlen = strnlen(c.verb, sizeof c.verb);
        FUZZ_CHECK(vlen > 0 && vlen < sizeof c.verb, "verb not terminated in its buffer");
        for (size_t i = 0; i < vlen; i++)
            FUZZ_CHECK(g_ascii_isalnum(c.verb[i]) && !g_ascii_islower(c.verb[i]), "verb byte 0x%02x",
                       (unsigned char)c.verb[i]);
        FUZZ_CHECK(c.arg != NULL, "ok without arg pointer");
        FUZZ_CHECK(c.arg >= line && c.arg + c.arg_len <= line + size, "arg outside the line");
        touch_mem(c.arg, c.arg_len);
        const ftplens_command_row *row = ftplens_command_lookup(c.verb);
        if (row) {
            touch_str(row->verb);
            touch_str(row->meaning);
            touch_str(row->rfc);
        }
        ftplens_hostport hp;
        if (strcmp(c.verb, "PORT") == 0) {
            bool ok = ftplens_parse_port_arg(c.arg, c.arg_len, &hp);
            FUZZ_CHECK(memchr(hp.explain, 0, sizeof hp.explain) != NULL, "explain unterminated");
            FUZZ_CHECK(!ok || hp.port <= 65535, "port %u", hp.port);
        } else if (strcmp(c.verb, "EPRT") == 0) {
            bool ok = ftplens_parse_eprt_arg(c.arg, c.arg_len, &hp);
            FUZZ_CHECK(memchr(hp.explain, 0, sizeof hp.explain) != NULL, "explain unterminated");
            FUZZ_CHECK(!ok || hp.port <= 65535, "port %u", hp.port);
        }
    } else {
        FUZZ_CHECK(c.problem != NULL, "!ok without a problem text");
    }
    free(line);
    return 0;
}
