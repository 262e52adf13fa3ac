/* ftplens_commands.h - FTP command knowledge (IANA FTP command registry).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FTPLENS_COMMANDS_H
#define FTPLENS_COMMANDS_H

#include <stdbool.h>

typedef enum {
    FTPLENS_XFER_NONE = 0,
    FTPLENS_XFER_DOWNLOAD,   /* RETR */
    FTPLENS_XFER_UPLOAD,     /* STOR STOU APPE */
    FTPLENS_XFER_LISTING,    /* LIST NLST MLSD */
} ftplens_xfer_kind;

/* One row per verb.  Adding a command is adding a row. */
typedef struct {
    const char *verb;
    const char *meaning;
    const char *rfc;
    ftplens_xfer_kind xfer;
    /* The preliminary and positive replies (1xx-3xx) it can receive, RFC 959
     * section 5.4 and the extensions' RFCs, e.g. "227"; NULL: any.  Errors
     * (4xx, 5xx) can answer every command.  Used to resynchronise pairing
     * when replies fell into a capture gap. */
    const char *replies;
} ftplens_command_row;

extern const ftplens_command_row ftplens_command_rows[];
extern const unsigned ftplens_command_row_count;

/* Whether 'code' can answer the command (row NULL: a line that is no known command). */
bool ftplens_command_may_receive(const ftplens_command_row *row, unsigned code);

/* Case-insensitive lookup; NULL for a verb no registry defines. */
const ftplens_command_row *ftplens_command_lookup(const char *verb);

#endif
