/* fuzz_reply.c - ftplens_parse_reply and ftplens_is_multiline_end on
 * arbitrary lines.
 *
 * Input: byte 0 and 1 choose the code given to ftplens_is_multiline_end
 * (0..999, or the code the line itself carries); the rest is the line.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <stdint.h>

#include "ftplens_codes.h"
#include "ftplens_commands.h"
#include "ftplens_parse.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned want = 0;
    const char *command = NULL;
    if (size >= 3) {
        want = ((unsigned)data[0] << 8 | data[1]) % 1100;   /* includes > 999 */
        if (data[2] < ftplens_command_row_count)
            command = ftplens_command_rows[data[2]].verb;
        data += 3;
        size -= 3;
    }
    char *line = exact_copy(data, size);

    ftplens_reply_line r;
    memset(&r, 0xA5, sizeof r);   /* anything not set by the parser shows up */
    ftplens_parse_reply(line, size, &r);
    touch_str(r.problem);
    if (r.ok) {
        FUZZ_CHECK(r.code <= 999, "code %u", r.code);
        FUZZ_CHECK(r.sep == ' ' || r.sep == '-' || r.sep == '\0', "sep 0x%02x", (unsigned char)r.sep);
        FUZZ_CHECK(r.text_len <= size, "text_len %zu > line %zu", r.text_len, size);
        if (r.text_len) {
            FUZZ_CHECK(r.text >= line && r.text + r.text_len <= line + size, "text outside the line");
            touch_mem(r.text, r.text_len);
        }
        /* What the session does next with a code: look it up. */
        ftplens_reply_code c;
        ftplens_reply_info info;
        ftplens_reply_explain(r.code, command, &c, &info);
        touch_str(info.class_text);
        touch_str(info.category_text);
        touch_str(info.meaning);
        touch_str(info.rfc);
    } else {
        FUZZ_CHECK(r.problem != NULL, "!ok without a problem text");
    }

    unsigned code = (want >= 1000 && r.ok) ? r.code : want;
    (void)ftplens_is_multiline_end(line, size, code);
    (void)ftplens_is_multiline_end(line, size, r.ok ? r.code : 0);

    free(line);
    return 0;
}
