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
    { "ABOR", "Abort the previous command and any data transfer", "RFC 959", N },
    { "ACCT", "Send account information", "RFC 959", N },
    { "ALLO", "Allocate storage space for a file", "RFC 959", N },
    { "APPE", "Append (with create) data to a file", "RFC 959", U },
    { "CDUP", "Change to the parent directory", "RFC 959", N },
    { "CWD",  "Change working directory", "RFC 959", N },
    { "DELE", "Delete a file", "RFC 959", N },
    { "HELP", "Ask for help on the server's commands", "RFC 959", N },
    { "LIST", "List a directory (human-readable) over a data connection", "RFC 959", L },
    { "MKD",  "Make a directory", "RFC 959", N },
    { "MODE", "Set the transfer mode (Stream, Block, Compressed)", "RFC 959", N },
    { "NLST", "List file names over a data connection", "RFC 959", L },
    { "NOOP", "No operation (keep-alive)", "RFC 959", N },
    { "PASS", "Send the password (in clear text)", "RFC 959", N },
    { "PASV", "Ask the server to listen for a data connection (passive mode)", "RFC 959", N },
    { "PORT", "Tell the server the client's address and port for the data connection (active mode)", "RFC 959", N },
    { "PWD",  "Print the working directory", "RFC 959", N },
    { "QUIT", "Log out and close the control connection", "RFC 959", N },
    { "REIN", "Reinitialize the session (log out, keep the connection)", "RFC 959", N },
    { "REST", "Restart a transfer at a byte offset", "RFC 959, RFC 3659", N },
    { "RETR", "Retrieve (download) a file", "RFC 959", D },
    { "RMD",  "Remove a directory", "RFC 959", N },
    { "RNFR", "Rename from (the file to rename)", "RFC 959", N },
    { "RNTO", "Rename to (the new name)", "RFC 959", N },
    { "SITE", "Site-specific command (server extension)", "RFC 959", N },
    { "SMNT", "Structure mount (mount a file system)", "RFC 959", N },
    { "STAT", "Status of the server, a transfer or a file", "RFC 959", N },
    { "STOR", "Store (upload) a file", "RFC 959", U },
    { "STOU", "Store a file under a unique name", "RFC 959", U },
    { "STRU", "Set the file structure (File, Record, Page)", "RFC 959", N },
    { "SYST", "Ask for the server's operating system type", "RFC 959", N },
    { "TYPE", "Set the representation type (A = ASCII, I = binary image)", "RFC 959", N },
    { "USER", "Send the user name (in clear text)", "RFC 959", N },
    /* RFC 775, historic */
    { "XCUP", "Change to the parent directory (historic form of CDUP)", "RFC 775", N },
    { "XCWD", "Change working directory (historic form of CWD)", "RFC 775", N },
    { "XMKD", "Make a directory (historic form of MKD)", "RFC 775", N },
    { "XPWD", "Print the working directory (historic form of PWD)", "RFC 775", N },
    { "XRMD", "Remove a directory (historic form of RMD)", "RFC 775", N },
    /* RFC 1639, historic */
    { "LPRT", "Long port: data address of any address family (historic)", "RFC 1639", N },
    { "LPSV", "Long passive: passive mode for any address family (historic)", "RFC 1639", N },
    /* RFC 2228 */
    { "AUTH", "Ask for a security mechanism (AUTH TLS starts FTPS)", "RFC 2228, RFC 4217", N },
    { "ADAT", "Send authentication/security data", "RFC 2228", N },
    { "PBSZ", "Set the protection buffer size (PBSZ 0 with TLS)", "RFC 2228, RFC 4217", N },
    { "PROT", "Set the data channel protection level (C clear, P private)", "RFC 2228, RFC 4217", N },
    { "CCC",  "Clear the command channel (turn TLS off on the control connection)", "RFC 2228, RFC 4217", N },
    { "MIC",  "Integrity-protected command", "RFC 2228", N },
    { "CONF", "Confidentiality-protected command", "RFC 2228", N },
    { "ENC",  "Privacy-protected (encrypted) command", "RFC 2228", N },
    /* RFC 2389, 2428, 2640 */
    { "FEAT", "Ask which extensions the server supports", "RFC 2389", N },
    { "OPTS", "Set options for a command or feature (e.g. OPTS UTF8 ON)", "RFC 2389", N },
    { "EPRT", "Extended PORT: the client's IPv4/IPv6 address and port for the data connection", "RFC 2428", N },
    { "EPSV", "Extended passive mode: the server listens, replies with the port only", "RFC 2428", N },
    { "LANG", "Set the language of the server's replies", "RFC 2640", N },
    /* RFC 3659 */
    { "MDTM", "Ask for a file's modification time", "RFC 3659", N },
    { "SIZE", "Ask for a file's size", "RFC 3659", N },
    { "MLST", "Machine-readable facts about one file (on the control connection)", "RFC 3659", N },
    { "MLSD", "Machine-readable directory listing over a data connection", "RFC 3659", L },
    /* RFC 7151 */
    { "HOST", "Select the virtual host to log in to", "RFC 7151", N },
    /* IANA-registered extensions without an RFC */
    { "AVBL", "Ask how much space is available", "IANA registry (draft-peterson-streamlined-ftp-command-extensions)", N },
    { "CSID", "Exchange client and server identification", "IANA registry (draft-peterson-streamlined-ftp-command-extensions)", N },
    { "DSIZ", "Ask for a directory's size", "IANA registry (draft-peterson-streamlined-ftp-command-extensions)", N },
    { "MFCT", "Modify a file's creation time", "IANA registry (draft-somers-ftp-mfxx)", N },
    { "MFF",  "Modify a file's facts", "IANA registry (draft-somers-ftp-mfxx)", N },
    { "MFMT", "Modify a file's modification time", "IANA registry (draft-somers-ftp-mfxx)", N },
    { "RMDA", "Remove a directory tree", "IANA registry (draft-peterson-streamlined-ftp-command-extensions)", N },
    { "SPSV", "Single-port passive mode", "IANA registry (draft-rosenau-ftp-single-port)", N },
    { "THMB", "Ask for a thumbnail of an image file", "IANA registry (draft-peterson-streamlined-ftp-command-extensions)", N },
    { "HASH", "Ask for a file's hash", "IANA registry (draft-bryan-ftpext-hash)", N },
    /* Common verbs defined by no RFC */
    { "CLNT", "Tell the server the client software's name", "non-standard", N },
    { "MACB", "MacBinary mode on/off", "non-standard", N },
    { "XCRC", "Ask for a file's CRC32", "non-standard", N },
    { "XMD5", "Ask for a file's MD5 hash", "non-standard", N },
    { "XSHA1", "Ask for a file's SHA-1 hash", "non-standard", N },
    { "XSHA256", "Ask for a file's SHA-256 hash", "non-standard", N },
    /* Obsolete mail-over-FTP (RFC 765 and earlier) */
    { "MAIL", "Mail a message to a user (obsolete)", "RFC 765", N },
    { "MLFL", "Mail file (obsolete)", "RFC 765", N },
    { "MSND", "Send to terminal (obsolete)", "RFC 765", N },
    { "MSOM", "Send to terminal or mailbox (obsolete)", "RFC 765", N },
    { "MSAM", "Send to terminal and mailbox (obsolete)", "RFC 765", N },
    { "MRSQ", "Mail recipient scheme question (obsolete)", "RFC 765", N },
    { "MRCP", "Mail recipient (obsolete)", "RFC 765", N },
    { "XSEN", "Send to terminal (obsolete)", "RFC 737", N },
    { "XSEM", "Send, mail if cannot (obsolete)", "RFC 737", N },
    { "XMAS", "Mail and send (obsolete)", "RFC 737", N },
};
const unsigned ftplens_command_row_count = sizeof ftplens_command_rows / sizeof ftplens_command_rows[0];

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
