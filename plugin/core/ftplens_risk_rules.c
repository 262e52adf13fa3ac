/* ftplens_risk_rules.c - the security-check table: one row per check.
 * Adding a check is adding a row here (and its trigger in ftplens_risk.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ftplens_risk.h"
#include "ftplens_text.h"

#define SEC FTPLENS_GROUP_SECURITY
#define PROTO FTPLENS_GROUP_PROTOCOL
#define MALF FTPLENS_GROUP_MALFORMED
#define CHAT FTPLENS_SEV_CHAT
#define NOTE FTPLENS_SEV_NOTE
#define WARN FTPLENS_SEV_WARN
#define ERR FTPLENS_SEV_ERROR

#define FTPS_ADVICE "use SFTP (SSH) or FTPS (AUTH TLS, then PBSZ 0 and PROT P)"
#define LOCKOUT_ADVICE "lock out or rate-limit accounts after a few failures (RFC 2577: close with 421 after 3 to 5)"

const ftplens_risk_rule ftplens_risk_rules[FTPLENS_RISK_COUNT] = {
    [FTPLENS_RISK_CLEARTEXT_CREDENTIALS] = { "cleartext_credentials", N_("Cleartext credentials"), SEC, WARN,
        "PASS sent before any TLS (or a login by USER alone); reported on the PASS line, with the login outcome "
        "once its reply is seen; a Note (a password guess) when the login failed",
        "Credentials sent in clear text: user '%s', password '%s'",
        "Anyone on the path can read them: " FTPS_ADVICE ", and change this password.",
        .if_failed = &(const ftplens_risk_variant){ N_("Password guess in clear text"), NOTE,
            "Password guess sent in clear text: user '%s', password '%s'",
            "A wrong password exposes no working one, but it shows what is being guessed and that anyone on the "
            "path could read a right one: " FTPS_ADVICE ", and " LOCKOUT_ADVICE "." } },
    [FTPLENS_RISK_LOGIN_FAILED] = { "login_failed", N_("Failed login"), SEC, NOTE,
        "a 4xx/5xx reply (other than 421) to PASS or USER",
        "Login failed for user '%s' (%u %s); failure %u in this session",
        "Review the server logs for repeated failures; " LOCKOUT_ADVICE "." },
    [FTPLENS_RISK_LOGIN_SUCCESS_AFTER_FAILURES] = { "login_success_after_failures", N_("Login after failed attempts"), SEC, WARN,
        "a successful login (230/232) after failed ones in the session or from the same client",
        "Login succeeded for user '%s' after %u failed attempt%s in this session",
        "The password may have been guessed: review the server logs, reset the password, " LOCKOUT_ADVICE
        ", and allow logins only from trusted address ranges.",
        "Login succeeded for user '%s' after %u failed attempt%s for this user from this client, counting earlier "
        "sessions" },
    [FTPLENS_RISK_BRUTEFORCE] = { "bruteforce", N_("Possible brute force"), SEC, WARN,
        "N failed logins in one session (preference, default 5) or M from one client address within a time window "
        "(default 5 in 10 minutes, as fail2ban's defaults); 0 turns a check off",
        "Possible brute force: %u failed logins for %s in this session",
        "Block the source at the firewall, " LOCKOUT_ADVICE ", allow FTP only from trusted address ranges and watch "
        "with an IDS.",
        "Possible brute force: %u failed logins for %s from %s within %u minutes, over %u connection%s (%s)" },
    [FTPLENS_RISK_LOCKOUT] = { "lockout", N_("Lockout after failed logins"), SEC, NOTE,
        "421 closes the session after failed logins",
        "The server closed the session (421) after %u failed login%s: a lockout",
        "A lockout is the right reaction (RFC 2577 section 5); review the server logs for the source and block "
        "repeat offenders." },
    [FTPLENS_RISK_USER_ENUMERATION] = { "user_enumeration", N_("User names can be enumerated"), SEC, WARN,
        "one server answers USER with 331 for some names and 530 for others",
        "The server answers USER '%s' with %u but USER '%s' with %u: valid user names can be told apart",
        "Make the server answer every USER with 331 and reject the pair after PASS (RFC 2577 section 7)." },
    [FTPLENS_RISK_ANONYMOUS_LOGIN] = { "anonymous_login", N_("Anonymous login"), SEC, NOTE,
        "USER anonymous or ftp accepted (230)",
        "Anonymous login accepted (user '%s', password '%s')",
        "Disable anonymous access unless it is needed; if it is, make it read-only, chroot it and keep only public "
        "files in it." },
    [FTPLENS_RISK_ANONYMOUS_DEFAULT_PASSWORD] = { "anonymous_default_password", N_("Default anonymous password"), SEC, NOTE,
        "PASS after USER anonymous or ftp, with a browser or tool default, an empty password or an e-mail address",
        "Anonymous password '%s': %s",
        "An anonymous password proves nothing: do not rely on it for logging or access control. Tool defaults "
        "point at scanners: review the logs for that source." },
    [FTPLENS_RISK_ANONYMOUS_WRITE] = { "anonymous_write", N_("Anonymous user wrote to the server"), SEC, ERR,
        "STOR, APPE, STOU, MKD, RMD, DELE or RNTO accepted for an anonymous user",
        "Anonymous user wrote to the server: %s accepted (%u)",
        "Make anonymous access read-only (vsftpd: anon_upload_enable=NO, anon_mkdir_write_enable=NO); an open "
        "upload area becomes a drop for malware and pirated files." },
    [FTPLENS_RISK_EMPTY_PASSWORD] = { "empty_password", N_("Empty password"), SEC, NOTE,
        "PASS with an empty argument",
        "Empty password for user '%s'",
        "Require a password for every non-anonymous account and disable accounts that have none." },
    [FTPLENS_RISK_PRIVILEGED_ACCOUNT] = { "privileged_account", N_("Privileged account login attempt"), SEC, WARN,
        "USER root, toor, admin, administrator or sa",
        "Login attempt with the privileged account '%s'",
        "Never allow administrator logins over FTP (vsftpd: list them in /etc/ftpusers); use an unprivileged "
        "account and allow only trusted address ranges." },
    [FTPLENS_RISK_AUTH_TLS_REFUSED_FALLBACK] = { "auth_tls_refused_fallback", N_("TLS refused, cleartext login"), SEC, WARN,
        "AUTH TLS/SSL refused, then a cleartext login",
        "AUTH %s was refused (%u, frame %u) and the client then logged in in clear text",
        "Enable FTPS on the server (vsftpd: ssl_enable=YES, force_local_logins_ssl=YES) and make clients require "
        "it (curl --ssl-reqd, lftp: set ftp:ssl-force true) instead of falling back." },
    [FTPLENS_RISK_TLS_OFFERED_NOT_USED] = { "tls_offered_not_used", N_("TLS offered but not used"), SEC, NOTE,
        "FEAT lists AUTH TLS but the client logs in without it",
        "The server offered AUTH TLS (FEAT reply, frame %u) but the client logged in in clear text",
        "The server supports FTPS: configure the client to use it (AUTH TLS + PROT P) and the server to require "
        "it." },
    [FTPLENS_RISK_TLS_ACCEPTED] = { "tls_accepted", N_("TLS accepted (AUTH)"), SEC, CHAT,
        "AUTH answered 234",
        "AUTH %s accepted (234): from here on the control channel is encrypted",
        "Good. Also send PBSZ 0 and PROT P so that the data connections are encrypted too." },
    [FTPLENS_RISK_PROT_CLEAR] = { "prot_clear", N_("Data channel not encrypted"), SEC, WARN,
        "after AUTH TLS, PROT C accepted, or a data connection that carries clear text",
        "The control channel is encrypted but the data channel is not (%s): file contents cross the network in "
        "clear text",
        "Send PBSZ 0 and PROT P after AUTH TLS (servers can require it: vsftpd force_local_data_ssl=YES)." },
    [FTPLENS_RISK_CCC_DOWNGRADE] = { "ccc_downgrade", N_("Back to clear text after TLS (CCC)"), SEC, WARN,
        "after AUTH TLS, readable FTP lines on the control channel again (CCC was accepted inside TLS)",
        "The control channel is back to clear text after TLS (CCC accepted inside TLS): everything from here is "
        "readable",
        "Refuse CCC unless a NAT device really needs it; everything after it, later logins included, is "
        "readable." },
    [FTPLENS_RISK_CLEARTEXT_TRANSFER] = { "cleartext_transfer", N_("Cleartext transfer"), SEC, WARN,
        "a transfer (RETR, STOR, STOU, APPE, LIST, NLST, MLSD) completed without TLS on the data connection",
        "%s: %s crossed the network in clear text",
        "Files and listings can be read and changed on the way: " FTPS_ADVICE " for anything that is not public." },
    [FTPLENS_RISK_SITE_EXEC] = { "site_exec", N_("SITE EXEC attempt"), SEC, WARN,
        "SITE EXEC sent",
        "SITE EXEC attempt: '%s'",
        "Disable SITE EXEC on the server: it runs programs there, and old servers (wu-ftpd) could be exploited "
        "through it. Block the source." },
    [FTPLENS_RISK_SITE_EXEC_SUCCESS] = { "site_exec_success", N_("SITE EXEC accepted"), SEC, ERR,
        "SITE EXEC accepted (2xx)",
        "SITE EXEC accepted (%u): the client ran '%s' on the server",
        "Treat the server as compromised: isolate it, find out what was run, and disable SITE EXEC." },
    [FTPLENS_RISK_BACKDOOR_VSFTPD_234] = { "backdoor_vsftpd_234", N_("vsftpd 2.3.4 backdoor"), SEC, ERR,
        "USER ending in ':)' (the vsftpd 2.3.4 backdoor trigger), and a connection to port 6200 of that server "
        "afterwards",
        "USER '%s' ends in ':)', the trigger of the vsftpd 2.3.4 backdoor; a connection to port 6200 of %s would be "
        "its shell",
        "vsftpd 2.3.4 backdoor (CVE-2011-2523): reinstall vsftpd from a trusted source, check the server for "
        "compromise, and firewall port 6200.",
        "Connection to port 6200 of %s after the ':)' user in frame %u: the vsftpd 2.3.4 backdoor shell was opened" },
    [FTPLENS_RISK_BACKDOOR_PROFTPD] = { "backdoor_proftpd", N_("ProFTPD 1.3.3c backdoor"), SEC, ERR,
        "HELP ACIDBITCHEZ (the ProFTPD 1.3.3c backdoor trigger)",
        "ProFTPD 1.3.3c backdoor trigger 'HELP ACIDBITCHEZ'%s",
        "The ProFTPD 1.3.3c source was trojaned: reinstall from a trusted source and check the server for "
        "compromise." },
    [FTPLENS_RISK_PORT_BOUNCE] = { "port_bounce", N_("FTP bounce attempt"), SEC, WARN,
        "PORT/EPRT names an address other than the client's own",
        "%s asks the server to connect to %s, not to the client %s: FTP bounce attempt",
        "Refuse PORT/EPRT to third-party addresses (vsftpd: port_promiscuous=NO) or disable active mode; watch "
        "with an IDS." },
    [FTPLENS_RISK_PORT_BOUNCE_ACCEPTED] = { "port_bounce_accepted", N_("FTP bounce accepted"), SEC, ERR,
        "the server accepts a PORT/EPRT to a third-party address",
        "The server accepted %s (%u): it will open a connection to the third host %s",
        "Refuse PORT/EPRT to third-party addresses (vsftpd: port_promiscuous=NO) or disable active mode; firewall "
        "outgoing connections from the FTP server." },
    [FTPLENS_RISK_PORT_PRIVILEGED] = { "port_privileged", N_("Data port below 1024"), SEC, WARN,
        "PORT/EPRT data port below 1024",
        "%s names data port %u (below 1024): a bounce against a privileged service",
        "Servers should refuse PORT to ports below 1024 (RFC 2577 section 3: reply 504)." },
    [FTPLENS_RISK_PASV_PRIVATE_ADDRESS] = { "pasv_private_address", N_("Passive reply leaks a private address"), SEC, NOTE,
        "a 227 reply announces a private address different from the server's",
        "227 announces the private address %s, not the server's %s: the server leaks an internal address",
        "Set the server's external passive address (vsftpd: pasv_address), prefer EPSV, and firewall the passive "
        "port range." },
    [FTPLENS_RISK_PASV_THIRD_PARTY] = { "pasv_third_party", N_("Passive reply points to a third host"), SEC, WARN,
        "a 227 reply announces a public address other than the server's",
        "227 announces %s, which is not the server %s: the data connection goes to a third host",
        "Check the server's passive-mode configuration; a 227 that points elsewhere is a misconfiguration or an "
        "attack on the client." },
    [FTPLENS_RISK_DATA_UNEXPECTED_HOST] = { "data_unexpected_host", N_("Data connection from an unexpected host"), SEC, WARN,
        "a data connection opened from an address other than the control connection's peer",
        "Data connection (announced in frame %u) opened from %s, but the %s is %s",
        "Only the control connection's peer should open the data connection (RFC 2577 sections 4 and 8, port "
        "stealing): use random passive ports and a firewall." },
    [FTPLENS_RISK_ARG_TOO_LONG] = { "arg_too_long", N_("Overlong argument"), SEC, WARN,
        "an argument longer than the command's limit (Snort ftp_server defaults: 100; 200 for RETR, STOR, NLST...; "
        "256 for CWD, RNTO; 512 for SIZE; 400 for PORT, EPRT)",
        "%s argument of %llu bytes is longer than %u: possible buffer-overflow attempt",
        "Keep the server patched and block the source; an IDS (Snort ftp_server, Suricata) flags overlong "
        "arguments." },
    [FTPLENS_RISK_FORMAT_STRING] = { "format_string", N_("Format-string attempt"), SEC, WARN,
        "two or more '%' in a command argument",
        "%s argument '%s' contains format specifiers: format-string attack attempt",
        "Keep the server patched and block the source; watch with an IDS." },
    [FTPLENS_RISK_PATH_TRAVERSAL] = { "path_traversal", N_("Path traversal attempt"), SEC, WARN,
        "'..', '~' or an absolute system path in a file command",
        "%s '%s' tries to leave the FTP area (path traversal)",
        "Chroot FTP users (vsftpd: chroot_local_user=YES) and keep the server patched." },
    [FTPLENS_RISK_SENSITIVE_FILE] = { "sensitive_file", N_("Sensitive file"), SEC, WARN,
        "a file command on passwd, shadow, .ssh, authorized_keys, .htpasswd, .rhosts, .netrc, id_rsa...",
        "%s '%s' touches a sensitive file",
        "Keep system and credential files out of FTP-reachable directories, chroot users, and review the logs." },
    [FTPLENS_RISK_PREAUTH_COMMAND] = { "preauth_command", N_("File command before login"), SEC, WARN,
        "a file command before any successful login",
        "%s sent before login",
        "The server must refuse file commands before login (530); check that it does." },
    [FTPLENS_RISK_PREAUTH_COMMAND_ACCEPTED] = { "preauth_command_accepted", N_("File command accepted before login"), SEC, ERR,
        "a file command before login accepted by the server",
        "%s accepted (%u) before any login",
        "Fix the server configuration now: it serves files without authentication." },
    [FTPLENS_RISK_TELNET_IAC] = { "telnet_iac", N_("Telnet IAC bytes in a command"), PROTO, NOTE,
        "Telnet IAC bytes in a command other than ABOR or STAT",
        "Telnet IAC bytes in the %s command: unusual on an FTP control connection (IDS evasion?)",
        "Look at what the command does; IDSs normalise Telnet commands before matching." },
    [FTPLENS_RISK_REPLY_MALFORMED] = { "reply_malformed", N_("Malformed reply"), MALF, WARN,
        "a server line that is not an FTP reply (e.g. '99 PASV invalid')",
        "Malformed FTP reply '%.40s': %s",
        "A server that sends malformed replies may not be an FTP server (or may attack the client): check what "
        "listens on this port." },
    [FTPLENS_RISK_BANNER_DISCLOSURE] = { "banner_disclosure", N_("Server software disclosed"), SEC, NOTE,
        "the 220 greeting or the 215 SYST reply names the server software and version",
        "The %s reveals the server software: %s",
        "Hide product and version (vsftpd: ftpd_banner=...); attackers look versions up in vulnerability "
        "databases.", .per_server = true },
    [FTPLENS_RISK_VULNERABLE_VERSION] = { "vulnerable_version", N_("Known-vulnerable server version"), SEC, ERR,
        "the banner names a version with a known vulnerability",
        "%s is a known-vulnerable version: %s",
        "Upgrade the FTP server now and check it for compromise.", .per_server = true },
    [FTPLENS_RISK_UNKNOWN_COMMAND] = { "unknown_command", N_("Command not implemented"), PROTO, NOTE,
        "500 or 502 to a command",
        "The server does not implement '%s' (%u): %s",
        "Usually harmless; many unknown commands from one source can be a scanner probing: review the logs." },
    [FTPLENS_RISK_NONSTANDARD_PORT] = { "nonstandard_port", N_("FTP on a non-standard port"), SEC, NOTE,
        "an FTP control connection on a port other than 21",
        "FTP on port %u instead of 21",
        "A non-standard port hides nothing from scanners but slips past port-based firewall rules and IDS "
        "bindings: firewall it and make the IDS inspect it as FTP.", .per_server = true },
};

const char *ftplens_severity_text(ftplens_severity s)
{
    static const char *const names[] = { "Chat", "Note", "Warning", "Error" };
    return (unsigned)s < 4 ? names[s] : "?";
}
