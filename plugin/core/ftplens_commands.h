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

/* Properties of a command (the 'flags' column). */
enum {
    FTPLENS_CMD_FILE = 1u << 0,     /* works on the file area: a server refuses it before login */
    FTPLENS_CMD_PATH = 1u << 1,     /* its argument is a file or directory path */
    FTPLENS_CMD_WRITES = 1u << 2,   /* changes the server's files */
    FTPLENS_CMD_LOGIN = 1u << 3,    /* part of the login: USER, PASS, ACCT */
    FTPLENS_CMD_TELNET = 1u << 4,   /* sent with Telnet IP/Synch by design (ABOR, STAT) */
    FTPLENS_CMD_PASSIVE = 1u << 5,  /* its reply announces the server's data address (PASV, EPSV) */
    /* As a client's first line it does not confirm a heuristic FTP guess: the
     * verb starts SMTP transactions too, and SMTP servers also greet with 220. */
    FTPLENS_CMD_SMTP = 1u << 6,
    /* The log (Zeek's ftp.log): */
    FTPLENS_CMD_URL = 1u << 7,      /* its argument is logged as ftp://server/path (Zeek's file_cmds but REST) */
    FTPLENS_CMD_LOGGED = 1u << 8,   /* logged by default (Zeek's logged_commands) */
    FTPLENS_CMD_CHDIR = 1u << 9,    /* a 2xx reply moves the working directory to the argument */
    FTPLENS_CMD_CDUP = 1u << 10,    /* a 2xx reply moves it to the parent */
    FTPLENS_CMD_PWD = 1u << 11,     /* a 257 reply names it */
    FTPLENS_CMD_SIZE_REPLY = 1u << 12,  /* its reply gives a file size: the 150 of a transfer, else the 213 */
};

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
    unsigned flags;             /* FTPLENS_CMD_* */
    /* Longest argument before arg_too_long (Snort 3 ftp_server's cmd_validity
     * defaults); 0: the ftplens.arg_max_default preference. */
    unsigned arg_max;
} ftplens_command_row;

extern const ftplens_command_row ftplens_command_rows[];
extern const unsigned ftplens_command_row_count;

/* Whether 'code' can answer the command (row NULL: a line that is no known command). */
bool ftplens_command_may_receive(const ftplens_command_row *row, unsigned code);

/* Case-insensitive lookup; NULL for a verb no registry defines. */
const ftplens_command_row *ftplens_command_lookup(const char *verb);

#endif
