/* ftplens_codes.c - FTP reply-code table (RFC 959, 1639, 2228, 2389, 2428, 2640,
 * 3659, 4217, 7151) with command-dependent meanings.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_codes.h"

#include "ftplens_text.h"

#include <string.h>

#include <glib.h>

static const char *const class_texts[] = {
    NULL,
    "Positive Preliminary",
    "Positive Completion",
    "Positive Intermediate",
    "Transient Negative Completion",
    "Permanent Negative Completion",
    "Protected",
};

static const char *const category_texts[] = {
    "Syntax",
    "Information",
    "Connections",
    "Authentication and accounting",
    "Unspecified",
    "File system",
};

/* Command-dependent rows come before the code's general row. */
const ftplens_reply_row ftplens_reply_rows[] = {
    { 110, NULL, "Restart marker reply (MARK yyyy = mmmm)", "RFC 959" },
    { 120, NULL, "Service ready in nnn minutes", "RFC 959" },
    { 125, NULL, "Data connection already open; transfer starting", "RFC 959" },
    { 150, NULL, "File status okay; about to open data connection", "RFC 959" },
    { 200, NULL, "Command okay", "RFC 959" },
    { 202, NULL, "Command not implemented, superfluous at this site", "RFC 959" },
    { 211, "FEAT", "Feature list follows (extensions supported by the server)", "RFC 2389" },
    { 211, NULL, "System status, or system help reply", "RFC 959" },
    { 212, NULL, "Directory status", "RFC 959" },
    { 213, "SIZE", "File status: size of the file in octets", "RFC 3659" },
    { 213, "MDTM", "File status: last modification time (YYYYMMDDHHMMSS)", "RFC 3659" },
    { 213, NULL, "File status", "RFC 959" },
    { 214, NULL, "Help message", "RFC 959" },
    { 215, NULL, "NAME system type (answer to SYST)", "RFC 959" },
    { 220, "HOST", "Service ready for new user (virtual host accepted)", "RFC 7151" },
    { 220, NULL, "Service ready for new user", "RFC 959" },
    { 221, NULL, "Service closing control connection", "RFC 959" },
    { 225, NULL, "Data connection open; no transfer in progress", "RFC 959" },
    { 226, NULL, "Closing data connection; requested file action successful", "RFC 959" },
    { 227, NULL, "Entering Passive Mode (h1,h2,h3,h4,p1,p2)", "RFC 959" },
    { 228, NULL, "Entering Long Passive Mode (LPSV)", "RFC 1639" },
    { 229, NULL, "Entering Extended Passive Mode (|||port|)", "RFC 2428" },
    { 230, NULL, "User logged in, proceed", "RFC 959" },
    { 232, "USER PASS ADAT AUTH", "User logged in, authorized by security data exchange", "RFC 2228" },
    { 232, NULL, "User logged in, authorized by security data exchange (RFC 2228; some servers misuse 232 for 'logout command noted')", "RFC 2228" },
    { 234, "AUTH", "Security data exchange complete: AUTH accepted, start the TLS/security handshake now", "RFC 2228, RFC 4217" },
    { 234, NULL, "Security data exchange complete", "RFC 2228" },
    { 235, NULL, "Security data exchange completed successfully ([ADAT=base64])", "RFC 2228" },
    { 250, "MLST", "Requested file action okay, completed (MLST facts follow)", "RFC 3659" },
    { 250, NULL, "Requested file action okay, completed", "RFC 959" },
    { 257, "PWD XPWD", "\"PATHNAME\" is the current directory", "RFC 959" },
    { 257, "MKD XMKD", "\"PATHNAME\" created", "RFC 959" },
    { 257, NULL, "\"PATHNAME\" created (MKD), or the current directory (PWD)", "RFC 959" },
    { 331, NULL, "User name okay, need password", "RFC 959" },
    { 332, NULL, "Need account for login", "RFC 959" },
    { 334, NULL, "Requested security mechanism is ok (send ADAT)", "RFC 2228" },
    { 335, NULL, "Security data is acceptable, more is required", "RFC 2228" },
    { 336, NULL, "Username okay, need password; challenge is \"...\"", "RFC 2228" },
    { 350, "REST", "Restart position accepted; send the transfer command", "RFC 3659" },
    { 350, "RNFR", "File exists, ready for destination name (send RNTO)", "RFC 959" },
    { 350, NULL, "Requested file action pending further information", "RFC 959" },
    { 421, NULL, "Service not available, closing control connection", "RFC 959" },
    { 425, NULL, "Can't open data connection", "RFC 959" },
    { 426, NULL, "Connection closed; transfer aborted", "RFC 959" },
    { 431, NULL, "Need some unavailable resource to process security", "RFC 2228" },
    { 450, NULL, "Requested file action not taken; file unavailable (e.g. busy)", "RFC 959" },
    { 451, NULL, "Requested action aborted: local error in processing", "RFC 959" },
    { 452, NULL, "Requested action not taken; insufficient storage space", "RFC 959" },
    { 500, NULL, "Syntax error, command unrecognized", "RFC 959" },
    { 501, NULL, "Syntax error in parameters or arguments", "RFC 959" },
    { 502, NULL, "Command not implemented", "RFC 959" },
    { 503, NULL, "Bad sequence of commands", "RFC 959" },
    { 504, NULL, "Command not implemented for that parameter", "RFC 959" },
    { 521, "LPRT LPSV", "Supported address families are (af1,...)", "RFC 1639" },
    { 521, NULL, "Data connection cannot be opened with this PROT setting", "RFC 4217" },
    { 522, "EPRT EPSV", "Network protocol not supported, use (1,2)", "RFC 2428" },
    { 522, NULL, "TLS negotiation on the data connection failed or was unacceptable", "RFC 4217" },
    { 530, NULL, "Not logged in", "RFC 959" },
    { 532, NULL, "Need account for storing files", "RFC 959" },
    { 533, NULL, "Command protection level denied for policy reasons", "RFC 2228" },
    { 534, "CCC", "Request denied for policy reasons: the server refuses to clear the command channel", "RFC 2228, RFC 4217" },
    { 534, "PROT", "Request denied for policy reasons: the server refuses this data protection level", "RFC 2228, RFC 4217" },
    { 534, "USER PASS", "Request denied for policy reasons: login is refused without TLS", "RFC 2228, RFC 4217" },
    { 534, NULL, "Request denied for policy reasons", "RFC 2228" },
    { 535, NULL, "Failed security check (hash, sequence, etc.)", "RFC 2228" },
    { 536, NULL, "Requested PROT level not supported by mechanism", "RFC 2228" },
    { 537, NULL, "Command protection level not supported by security mechanism", "RFC 2228" },
    { 550, NULL, "Requested action not taken; file unavailable (not found, no access)", "RFC 959" },
    { 551, NULL, "Requested action aborted: page type unknown", "RFC 959" },
    { 552, NULL, "Requested file action aborted: exceeded storage allocation", "RFC 959" },
    { 553, NULL, "Requested action not taken: file name not allowed", "RFC 959" },
    { 631, NULL, "Integrity protected reply (MIC)", "RFC 2228" },
    { 632, NULL, "Confidentiality and integrity protected reply (ENC)", "RFC 2228" },
    { 633, NULL, "Confidentiality protected reply (CONF)", "RFC 2228" },
    /* Seen in the wild but defined by no RFC: rfc == NULL marks them. */
    { 231, NULL, "not defined by any RFC (commonly 'User logged out; service terminated')", NULL },
    { 430, NULL, "not defined by any RFC (commonly 'Invalid username or password')", NULL },
    { 434, NULL, "not defined by any RFC (commonly 'Requested host unavailable')", NULL },
    { 554, NULL, "not defined by any RFC (commonly 'Requested action not taken: invalid REST parameter')", NULL },
    { 555, NULL, "not defined by any RFC (commonly 'Requested action not taken: type or stru mismatch')", NULL },
};
const unsigned ftplens_reply_row_count = sizeof ftplens_reply_rows / sizeof ftplens_reply_rows[0];
G_STATIC_ASSERT(sizeof ftplens_reply_rows / sizeof ftplens_reply_rows[0] < UINT16_MAX);   /* ftplens_reply_code.row */

const char *ftplens_class_text(unsigned reply_class)
{
    return (reply_class >= 1 && reply_class <= 6) ? class_texts[reply_class] : NULL;
}

const char *ftplens_category_text(unsigned category)
{
    return category <= 5 ? category_texts[category] : NULL;
}

static bool verb_in_list(const char *list, const char *verb)
{
    size_t n = strlen(verb);
    const char *p = list;

    while (n && (p = strstr(p, verb)) != NULL) {
        bool starts = (p == list || p[-1] == ' ');
        bool ends = (p[n] == '\0' || p[n] == ' ');
        if (starts && ends)
            return true;
        p += n;
    }
    return false;
}

void ftplens_reply_classify(unsigned code, const char *command, ftplens_reply_code *out)
{
    const ftplens_reply_row *general = NULL, *specific = NULL;

    out->code = (uint16_t)code;
    out->reply_class = (uint8_t)((code / 100) % 10);
    out->category = (uint8_t)((code / 10) % 10);
    for (unsigned i = 0; i < ftplens_reply_row_count; i++) {
        const ftplens_reply_row *r = &ftplens_reply_rows[i];
        if (r->code != code)
            continue;
        if (!r->commands) {
            general = r;
            break;
        }
        if (!specific && command && verb_in_list(r->commands, command))
            specific = r;
    }
    const ftplens_reply_row *row = specific ? specific : general;
    out->row = row ? (uint16_t)(row - ftplens_reply_rows + 1) : 0;
    out->standard = row && row->rfc != NULL;
}

void ftplens_reply_texts(const ftplens_reply_code *c, ftplens_reply_info *out)
{
    out->class_text = T(ftplens_class_text(c->reply_class));
    out->category_text = T(ftplens_category_text(c->category));
    if (!out->class_text)
        out->class_text = T("Not a reply class defined by any RFC");
    if (!out->category_text)
        out->category_text = T("Not a category defined by any RFC");
    const ftplens_reply_row *row = ftplens_reply_code_row(c);
    if (row) {
        out->meaning = T(row->meaning);
        out->rfc = row->rfc ? row->rfc : "none";
    } else {
        out->meaning = T("not defined by any RFC");
        out->rfc = "none";
    }
}

void ftplens_reply_explain(unsigned code, const char *command, ftplens_reply_code *c, ftplens_reply_info *out)
{
    ftplens_reply_classify(code, command, c);
    ftplens_reply_texts(c, out);
}
