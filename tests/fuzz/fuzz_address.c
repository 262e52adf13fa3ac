/* fuzz_address.c - the address parsers: PORT and EPRT arguments, 227 and
 * 229 reply texts.  Every input goes through all four parsers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "ftplens_parse.h"
#include "fuzz_util.h"

typedef bool (*parser)(const char *, size_t, ftplens_hostport *);

static void check(const char *name, parser p, const char *arg, size_t len)
{
    ftplens_hostport hp;
    memset(&hp, 0xA5, sizeof hp);
    bool ok = p(arg, len, &hp);
    FUZZ_CHECK(ok == hp.ok, "%s: return value %d but ok %d", name, ok, hp.ok);
    FUZZ_CHECK(memchr(hp.explain, 0, sizeof hp.explain) != NULL, "%s: explain not terminated", name);
    FUZZ_CHECK(hp.explain[0] != '\0', "%s: empty explanation", name);
    touch_str(hp.explain);
    if (ok) {
        FUZZ_CHECK(hp.port <= 65535, "%s: port %u", name, hp.port);
        FUZZ_CHECK(memchr(hp.addr, 0, sizeof hp.addr) != NULL, "%s: addr not terminated", name);
        touch_str(hp.addr);
        if (hp.has_addr)
            FUZZ_CHECK(hp.addr[0] != '\0', "%s: has_addr with an empty address", name);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *arg = exact_copy(data, size);
    check("PORT", ftplens_parse_port_arg, arg, size);
    check("EPRT", ftplens_parse_eprt_arg, arg, size);
    check("227", ftplens_parse_227_text, arg, size);
    check("229", ftplens_parse_229_text, arg, size);
    free(arg);
    return 0;
}
