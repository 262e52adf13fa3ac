/* ftplens_commands.c - every command of the IANA "FTP Commands and Extensions"
 * registry (RFC 5797) plus common non-RFC verbs, with meaning and source.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_commands.h"

#include <glib.h>

#define D FTPLENS_XFER_DOWNLOAD
#define U FTPLENS_XFER_UPLOAD
#define L FTPLENS_XFER_LISTING
#define N FTPLENS_XFER_NONE

const ftplens_command_row ftplens_command_rows[] = {
    /* RFC 959 */
    { "ABOR", "Abort the previous command and any data transfer", "RFC 959", N, "225 226" },
    { "ACCT", "Send account information", "RFC 959", N, "202 230" },
    { "ALLO", "Allocate storage space for a file", "RFC 959", N, "200 202" },
    { "APPE", "Append (with create) data to a file", "RFC 959", U, "110 125 150 226 250" },
    { "CDUP", "Change to the parent directory", "RFC 959", N, "200 250" },
    { "CWD",  "Change working directory", "RFC 959", N, "200 250" },
    { "DELE", "Delete a file", "RFC 959", N, "250" },
    { "HELP", "Ask for help on the server's commands", "RFC 959", N, "200 211 214" },
    { "LIST", "List a directory (human-readable) over a data connection", "RFC 959", L, "110 125 150 226 250" },
    { "MKD",  "Make a directory", "RFC 959", N, "257" },
    { "MODE", "Set the transfer mode (Stream, Block, Compressed)", "RFC 959", N, "200" },
    { "NLST", "List file names over a data connection", "RFC 959", L, "110 125 150 226 250" },
    { "NOOP", "No operation (keep-alive)", "RFC 959", N, "200" },
    { "PASS", "Send the password (in clear text)", "RFC 959", N, "202 230 232 332" },
    { "PASV", "Ask the server to listen for a data connection (passive mode)", "RFC 959", N, "227" },
    { "PORT", "Tell the server the client's address and port for the data connection (active mode)", "RFC 959", N, "200" },
    { "PWD",  "Print the working directory", "RFC 959", N, "257" },
    { "QUIT", "Log out and close the control connection", "RFC 959", N, "221" },
    { "REIN", "Reinitialize the session (log out, keep the connection)", "RFC 959", N, "120 220" },
    { "REST", "Restart a transfer at a byte offset", "RFC 959, RFC 3659", N, "200 350" },
    { "RETR", "Retrieve (download) a file", "RFC 959", D, "110 125 150 226 250" },
    { "RMD",  "Remove a directory", "RFC 959", N, "250" },
    { "RNFR", "Rename from (the file to rename)", "RFC 959", N, "350" },
    { "RNTO", "Rename to (the new name)", "RFC 959", N, "250" },
    { "SITE", "Site-specific command (server extension)", "RFC 959", N, "200 202 214" },
    { "SMNT", "Structure mount (mount a file system)", "RFC 959", N, "202 250" },
    { "STAT", "Status of the server, a transfer or a file", "RFC 959", N, "211 212 213" },
    { "STOR", "Store (upload) a file", "RFC 959", U, "110 125 150 226 250" },
    { "STOU", "Store a file under a unique name", "RFC 959", U, "110 125 150 226 250" },
    { "STRU", "Set the file structure (File, Record, Page)", "RFC 959", N, "200" },
    { "SYST", "Ask for the server's operating system type", "RFC 959", N, "215" },
    { "TYPE", "Set the representation type (A = ASCII, I = binary image)", "RFC 959", N, "200" },
    { "USER", "Send the user name (in clear text)", "RFC 959", N, "230 232 331 332" },
    /* RFC 775, historic */
    { "XCUP", "Change to the parent directory (historic form of CDUP)", "RFC 775", N, "200 250" },
    { "XCWD", "Change working directory (historic form of CWD)", "RFC 775", N, "200 250" },
    { "XMKD", "Make a directory (historic form of MKD)", "RFC 775", N, "257" },
    { "XPWD", "Print the working directory (historic form of PWD)", "RFC 775", N, "257" },
    { "XRMD", "Remove a directory (historic form of RMD)", "RFC 775", N, "250" },
    /* RFC 1639, historic */
    { "LPRT", "Long port: data address of any address family (historic)", "RFC 1639", N, "200" },
    { "LPSV", "Long passive: passive mode for any address family (historic)", "RFC 1639", N, "228" },
    /* RFC 2228 */
    { "AUTH", "Ask for a security mechanism (AUTH TLS starts FTPS)", "RFC 2228, RFC 4217", N, "234 235 334" },
    { "ADAT", "Send authentication/security data", "RFC 2228", N, "235 335" },
    { "PBSZ", "Set the protection buffer size (PBSZ 0 with TLS)", "RFC 2228, RFC 4217", N, "200" },
    { "PROT", "Set the data channel protection level (C clear, P private)", "RFC 2228, RFC 4217", N, "200" },
    { "CCC",  "Clear the command channel (turn TLS off on the control connection)", "RFC 2228, RFC 4217", N, "200" },
    { "MIC",  "Integrity-protected command", "RFC 2228", N, NULL },
    { "CONF", "Confidentiality-protected command", "RFC 2228", N, NULL },
    { "ENC",  "Privacy-protected (encrypted) command", "RFC 2228", N, NULL },
    /* RFC 2389, 2428, 2640 */
    { "FEAT", "Ask which extensions the server supports", "RFC 2389", N, "211" },
    { "OPTS", "Set options for a command or feature (e.g. OPTS UTF8 ON)", "RFC 2389", N, "200" },
    { "EPRT", "Extended PORT: the client's IPv4/IPv6 address and port for the data connection", "RFC 2428", N, "200" },
    { "EPSV", "Extended passive mode: the server listens, replies with the port only", "RFC 2428", N, "200 229" },
    { "LANG", "Set the language of the server's replies", "RFC 2640", N, "200" },
    /* RFC 3659 */
    { "MDTM", "Ask for a file's modification time", "RFC 3659", N, "213" },
    { "SIZE", "Ask for a file's size", "RFC 3659", N, "213" },
    { "MLST", "Machine-readable facts about one file (on the control connection)", "RFC 3659", N, "250" },
    { "MLSD", "Machine-readable directory listing over a data connection", "RFC 3659", L, "110 125 150 226 250" },
    /* RFC 7151 */
    { "HOST", "Select the virtual host to log in to", "RFC 7151", N, "120 220" },
    /* IANA-registered extensions without an RFC */
    { "AVBL", "Ask how much space is available", "IANA registry (draft-peterson-streamlined-ftp-command-extensions)", N, NULL },
    { "CSID", "Exchange client and server identification", "IANA registry (draft-peterson-streamlined-ftp-command-extensions)", N, NULL },
    { "DSIZ", "Ask for a directory's size", "IANA registry (draft-peterson-streamlined-ftp-command-extensions)", N, NULL },
    { "MFCT", "Modify a file's creation time", "IANA registry (draft-somers-ftp-mfxx)", N, NULL },
    { "MFF",  "Modify a file's facts", "IANA registry (draft-somers-ftp-mfxx)", N, NULL },
    { "MFMT", "Modify a file's modification time", "IANA registry (draft-somers-ftp-mfxx)", N, NULL },
    { "RMDA", "Remove a directory tree", "IANA registry (draft-peterson-streamlined-ftp-command-extensions)", N, NULL },
    { "SPSV", "Single-port passive mode", "IANA registry (draft-rosenau-ftp-single-port)", N, NULL },
    { "THMB", "Ask for a thumbnail of an image file", "IANA registry (draft-peterson-streamlined-ftp-command-extensions)", N, NULL },
    { "HASH", "Ask for a file's hash", "IANA registry (draft-bryan-ftpext-hash)", N, NULL },
    /* Common verbs defined by no RFC */
    { "CLNT", "Tell the server the client software's name", "non-standard", N, NULL },
    { "MACB", "MacBinary mode on/off", "non-standard", N, NULL },
    { "XCRC", "Ask for a file's CRC32", "non-standard", N, NULL },
    { "XMD5", "Ask for a file's MD5 hash", "non-standard", N, NULL },
    { "XSHA1", "Ask for a file's SHA-1 hash", "non-standard", N, NULL },
    { "XSHA256", "Ask for a file's SHA-256 hash", "non-standard", N, NULL },
    /* Obsolete mail-over-FTP (RFC 765 and earlier) */
    { "MAIL", "Mail a message to a user (obsolete)", "RFC 765", N, NULL },
    { "MLFL", "Mail file (obsolete)", "RFC 765", N, NULL },
    { "MSND", "Send to terminal (obsolete)", "RFC 765", N, NULL },
    { "MSOM", "Send to terminal or mailbox (obsolete)", "RFC 765", N, NULL },
    { "MSAM", "Send to terminal and mailbox (obsolete)", "RFC 765", N, NULL },
    { "MRSQ", "Mail recipient scheme question (obsolete)", "RFC 765", N, NULL },
    { "MRCP", "Mail recipient (obsolete)", "RFC 765", N, NULL },
    { "XSEN", "Send to terminal (obsolete)", "RFC 737", N, NULL },
    { "XSEM", "Send, mail if cannot (obsolete)", "RFC 737", N, NULL },
    { "XMAS", "Mail and send (obsolete)", "RFC 737", N, NULL },
};
const unsigned ftplens_command_row_count = sizeof ftplens_command_rows / sizeof ftplens_command_rows[0];

bool ftplens_command_may_receive(const ftplens_command_row *row, unsigned code)
{
    if (code >= 400 || code == 202 || !row || !row->replies)
        return true;        /* errors and 202 'superfluous' can answer any command; unknown verbs anything */
    for (const char *p = row->replies; *p; p += p[3] ? 4 : 3) {
        if ((unsigned)((p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0')) == code)
            return true;
    }
    return false;
}

const ftplens_command_row *ftplens_command_lookup(const char *verb)
{
    if (!verb || !*verb)
        return NULL;
    for (unsigned i = 0; i < ftplens_command_row_count; i++) {
        if (g_ascii_strcasecmp(ftplens_command_rows[i].verb, verb) == 0)
            return &ftplens_command_rows[i];
    }
    return NULL;
}
