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
#define F FTPLENS_CMD_FILE
#define P FTPLENS_CMD_PATH
#define W FTPLENS_CMD_WRITES
#define LG FTPLENS_CMD_LOGIN
#define TN FTPLENS_CMD_TELNET
#define PV FTPLENS_CMD_PASSIVE
#define SM FTPLENS_CMD_SMTP
#define UR FTPLENS_CMD_URL
#define LO FTPLENS_CMD_LOGGED
#define CD FTPLENS_CMD_CHDIR
#define UP FTPLENS_CMD_CDUP
#define PW FTPLENS_CMD_PWD
#define SZ FTPLENS_CMD_SIZE_REPLY

const ftplens_command_row ftplens_command_rows[] = {
    /* RFC 959 */
    { "ABOR", "Abort the previous command and any data transfer", "RFC 959", N, "225 226", TN, 0 },
    { "ACCT", "Send account information", "RFC 959", N, "202 230", LG|LO, 0 },
    { "ALLO", "Allocate storage space for a file", "RFC 959", N, "200 202", 0, 200 },
    { "APPE", "Append (with create) data to a file", "RFC 959", U, "110 125 150 226 250", F|P|W|UR|LO, 200 },
    { "CDUP", "Change to the parent directory", "RFC 959", N, "200 250", F|UP, 0 },
    { "CWD",  "Change working directory", "RFC 959", N, "200 250", F|P|UR|CD, 256 },
    { "DELE", "Delete a file", "RFC 959", N, "250", F|P|W|UR|LO, 0 },
    { "HELP", "Ask for help on the server's commands", "RFC 959", N, "200 211 214", 0, 200 },
    { "LIST", "List a directory (human-readable) over a data connection", "RFC 959", L, "110 125 150 226 250", F|P, 0 },
    { "MKD",  "Make a directory", "RFC 959", N, "257", F|P|W|UR, 0 },
    { "MODE", "Set the transfer mode (Stream, Block, Compressed)", "RFC 959", N, "200", 0, 0 },
    { "NLST", "List file names over a data connection", "RFC 959", L, "110 125 150 226 250", F|P, 200 },
    { "NOOP", "No operation (keep-alive)", "RFC 959", N, "200", 0, 0 },
    { "PASS", "Send the password (in clear text)", "RFC 959", N, "202 230 232 332", LG, 0 },
    { "PASV", "Ask the server to listen for a data connection (passive mode)", "RFC 959", N, "227", PV|LO, 0 },
    { "PORT", "Tell the server the client's address and port for the data connection (active mode)", "RFC 959", N, "200", LO, 400 },
    { "PWD",  "Print the working directory", "RFC 959", N, "257", PW, 0 },
    { "QUIT", "Log out and close the control connection", "RFC 959", N, "221", 0, 0 },
    { "REIN", "Reinitialize the session (log out, keep the connection)", "RFC 959", N, "120 220", 0, 0 },
    { "REST", "Restart a transfer at a byte offset", "RFC 959, RFC 3659", N, "200 350", 0, 0 },
    { "RETR", "Retrieve (download) a file", "RFC 959", D, "110 125 150 226 250", F|P|UR|LO|SZ, 200 },
    { "RMD",  "Remove a directory", "RFC 959", N, "250", F|P|W|UR, 0 },
    { "RNFR", "Rename from (the file to rename)", "RFC 959", N, "350", F|P|UR, 200 },
    { "RNTO", "Rename to (the new name)", "RFC 959", N, "250", F|P|W|UR, 256 },
    { "SITE", "Site-specific command (server extension)", "RFC 959", N, "200 202 214", F, 0 },
    { "SMNT", "Structure mount (mount a file system)", "RFC 959", N, "202 250", 0, 0 },
    { "STAT", "Status of the server, a transfer or a file", "RFC 959", N, "211 212 213", TN, 0 },
    { "STOR", "Store (upload) a file", "RFC 959", U, "110 125 150 226 250", F|P|W|UR|LO, 200 },
    { "STOU", "Store a file under a unique name", "RFC 959", U, "110 125 150 226 250", F|P|W|UR|LO, 200 },
    { "STRU", "Set the file structure (File, Record, Page)", "RFC 959", N, "200", 0, 0 },
    { "SYST", "Ask for the server's operating system type", "RFC 959", N, "215", 0, 0 },
    { "TYPE", "Set the representation type (A = ASCII, I = binary image)", "RFC 959", N, "200", 0, 0 },
    { "USER", "Send the user name (in clear text)", "RFC 959", N, "230 232 331 332", LG, 0 },
    /* RFC 775, historic */
    { "XCUP", "Change to the parent directory (historic form of CDUP)", "RFC 775", N, "200 250", F|UP, 0 },
    { "XCWD", "Change working directory (historic form of CWD)", "RFC 775", N, "200 250", F|P|CD, 0 },
    { "XMKD", "Make a directory (historic form of MKD)", "RFC 775", N, "257", F|P|W, 200 },
    { "XPWD", "Print the working directory (historic form of PWD)", "RFC 775", N, "257", PW, 0 },
    { "XRMD", "Remove a directory (historic form of RMD)", "RFC 775", N, "250", F|P|W, 0 },
    /* RFC 1639, historic */
    { "LPRT", "Long port: data address of any address family (historic)", "RFC 1639", N, "200", 0, 400 },
    { "LPSV", "Long passive: passive mode for any address family (historic)", "RFC 1639", N, "228", 0, 0 },
    /* RFC 2228 */
    { "AUTH", "Ask for a security mechanism (AUTH TLS starts FTPS)", "RFC 2228, RFC 4217", N, "234 235 334", 0, 0 },
    { "ADAT", "Send authentication/security data", "RFC 2228", N, "235 335", 0, 65536 },
    { "PBSZ", "Set the protection buffer size (PBSZ 0 with TLS)", "RFC 2228, RFC 4217", N, "200", 0, 0 },
    { "PROT", "Set the data channel protection level (C clear, P private)", "RFC 2228, RFC 4217", N, "200", 0, 0 },
    { "CCC",  "Clear the command channel (turn TLS off on the control connection)", "RFC 2228, RFC 4217", N, "200", 0, 0 },
    { "MIC",  "Integrity-protected command", "RFC 2228", N, NULL, 0, 65536 },
    { "CONF", "Confidentiality-protected command", "RFC 2228", N, NULL, 0, 65536 },
    { "ENC",  "Privacy-protected (encrypted) command", "RFC 2228", N, NULL, 0, 65536 },
    /* RFC 2389, 2428, 2640 */
    { "FEAT", "Ask which extensions the server supports", "RFC 2389", N, "211", 0, 0 },
    { "OPTS", "Set options for a command or feature (e.g. OPTS UTF8 ON)", "RFC 2389", N, "200", 0, 0 },
    { "EPRT", "Extended PORT: the client's IPv4/IPv6 address and port for the data connection", "RFC 2428", N, "200", LO, 400 },
    { "EPSV", "Extended passive mode: the server listens, replies with the port only", "RFC 2428", N, "200 229", PV|LO, 0 },
    { "LANG", "Set the language of the server's replies", "RFC 2640", N, "200", 0, 0 },
    /* RFC 3659 */
    { "MDTM", "Ask for a file's modification time", "RFC 3659", N, "213", F|P|UR, 0 },
    { "SIZE", "Ask for a file's size", "RFC 3659", N, "213", F|P|UR|SZ, 512 },
    { "MLST", "Machine-readable facts about one file (on the control connection)", "RFC 3659", N, "250", F|P, 0 },
    { "MLSD", "Machine-readable directory listing over a data connection", "RFC 3659", L, "110 125 150 226 250", F|P, 0 },
    /* RFC 7151 */
    { "HOST", "Select the virtual host to log in to", "RFC 7151", N, "120 220", 0, 0 },
    /* IANA-registered extensions without an RFC */
    { "AVBL", "Ask how much space is available", "IANA registry (draft-peterson-streamlined-ftp-command-extensions)", N, NULL, 0, 0 },
    { "CSID", "Exchange client and server identification", "IANA registry (draft-peterson-streamlined-ftp-command-extensions)", N, NULL, 0, 0 },
    { "DSIZ", "Ask for a directory's size", "IANA registry (draft-peterson-streamlined-ftp-command-extensions)", N, NULL, 0, 0 },
    { "MFCT", "Modify a file's creation time", "IANA registry (draft-somers-ftp-mfxx)", N, NULL, 0, 0 },
    { "MFF",  "Modify a file's facts", "IANA registry (draft-somers-ftp-mfxx)", N, NULL, 0, 0 },
    { "MFMT", "Modify a file's modification time", "IANA registry (draft-somers-ftp-mfxx)", N, NULL, 0, 0 },
    { "RMDA", "Remove a directory tree", "IANA registry (draft-peterson-streamlined-ftp-command-extensions)", N, NULL, 0, 0 },
    { "SPSV", "Single-port passive mode", "IANA registry (draft-rosenau-ftp-single-port)", N, NULL, 0, 0 },
    { "THMB", "Ask for a thumbnail of an image file", "IANA registry (draft-peterson-streamlined-ftp-command-extensions)", N, NULL, 0, 0 },
    { "HASH", "Ask for a file's hash", "IANA registry (draft-bryan-ftpext-hash)", N, NULL, 0, 0 },
    /* Common verbs defined by no RFC */
    { "CLNT", "Tell the server the client software's name", "non-standard", N, NULL, 0, 0 },
    { "MACB", "MacBinary mode on/off", "non-standard", N, NULL, 0, 0 },
    { "XCRC", "Ask for a file's CRC32", "non-standard", N, NULL, 0, 0 },
    { "XMD5", "Ask for a file's MD5 hash", "non-standard", N, NULL, 0, 0 },
    { "XSHA1", "Ask for a file's SHA-1 hash", "non-standard", N, NULL, 0, 0 },
    { "XSHA256", "Ask for a file's SHA-256 hash", "non-standard", N, NULL, 0, 0 },
    /* Obsolete mail-over-FTP (RFC 765 and earlier) */
    { "MAIL", "Mail a message to a user (obsolete)", "RFC 765", N, NULL, SM, 0 },
    { "MLFL", "Mail file (obsolete)", "RFC 765", N, NULL, 0, 0 },
    { "MSND", "Send to terminal (obsolete)", "RFC 765", N, NULL, 0, 0 },
    { "MSOM", "Send to terminal or mailbox (obsolete)", "RFC 765", N, NULL, 0, 0 },
    { "MSAM", "Send to terminal and mailbox (obsolete)", "RFC 765", N, NULL, 0, 0 },
    { "MRSQ", "Mail recipient scheme question (obsolete)", "RFC 765", N, NULL, 0, 0 },
    { "MRCP", "Mail recipient (obsolete)", "RFC 765", N, NULL, 0, 0 },
    { "XSEN", "Send to terminal (obsolete)", "RFC 737", N, NULL, 0, 0 },
    { "XSEM", "Send, mail if cannot (obsolete)", "RFC 737", N, NULL, 0, 0 },
    { "XMAS", "Mail and send (obsolete)", "RFC 737", N, NULL, 0, 0 },
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

/* Looked up for every command and every reply: a hash of the upper-cased
 * verbs, made on first use (the table is constant). */
const ftplens_command_row *ftplens_command_lookup(const char *verb)
{
    static GHashTable *by_verb;
    char upper[16];
    size_t n;

    if (!verb || !*verb)
        return NULL;
    for (n = 0; verb[n]; n++) {
        if (n + 1 == sizeof upper)
            return NULL;        /* longer than any verb of the table */
        upper[n] = g_ascii_toupper(verb[n]);
    }
    upper[n] = '\0';
    if (!by_verb) {
        by_verb = g_hash_table_new(g_str_hash, g_str_equal);
        for (unsigned i = 0; i < ftplens_command_row_count; i++)
            g_hash_table_insert(by_verb, (gpointer)ftplens_command_rows[i].verb, (gpointer)&ftplens_command_rows[i]);
    }
    return g_hash_table_lookup(by_verb, upper);
}
