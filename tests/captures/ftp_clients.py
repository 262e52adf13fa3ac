#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# ftp_clients.py - scripted FTP client sessions used by make-captures.sh to
# record the sample captures in pcaps/.  Only talks to loopback addresses.
#
# Usage: /usr/bin/python3 ftp_clients.py SESSION [options]
#   lab              raw socket, exact lower-case lab commands (port 21)
#   pipelined        raw socket, pipelined and split commands (port 2121)
#   vsftpd-student   ftplib: 2 wrong passwords, login, PASV LIST, EPSV RETR,
#                    PORT RETR, STOR, DELE, QUIT (port 21)
#   alice            ftplib: wrong then right password, SYST, SITE HELP,
#                    OPTS UTF8 ON, XYZZY, HELP, PASV LIST, PASV RETR (2121)
#   anon-nlst        ftplib: anonymous NLST (port 2121)
#   ipv6-eprt        ftplib over ::1: anonymous EPRT LIST + EPRT RETR (21)
# Every session prints a transcript ("C: ..." / "S: ...") on stdout.

import argparse
import ftplib
import io
import socket
import sys
import time

LOOPBACK = ("127.0.0.1", "::1")


def log(direction, text):
    for line in text.splitlines():
        print("%s: %s" % (direction, line), flush=True)


# --------------------------------------------------------------------------
# raw socket helpers


class RawFTP:
    """Minimal control-connection client that sends exact bytes and reads
    complete (multi-line aware) replies."""

    def __init__(self, host, port, nodelay=True):
        assert host in LOOPBACK
        self.sock = socket.create_connection((host, port), timeout=10)
        if nodelay:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def _readline(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("server closed the connection")
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode("utf-8", "replace")

    def reply(self):
        """Read one complete reply; returns (code, [lines])."""
        first = self._readline()
        lines = [first]
        code = first[:3]
        if len(first) > 3 and first[3] == "-":
            while True:
                line = self._readline()
                lines.append(line)
                if len(line) >= 4 and line[:3] == code and line[3] == " ":
                    break
        log("S", "\n".join(lines))
        return code, lines

    def send(self, data):
        log("C", data.decode().replace("\r\n", "\\r\\n"))
        self.sock.sendall(data)

    def cmd(self, data):
        self.send(data)
        return self.reply()

    def close(self):
        # wait for the server's FIN after QUIT, then close our side
        try:
            while self.sock.recv(4096):
                pass
        except OSError:
            pass
        self.sock.close()


def session_lab(args):
    c = RawFTP(args.host, args.port or 21, nodelay=False)
    c.reply()                                   # 220- greeting
    for cmd in (b"USER anonymous\r\n", b"PASS IEUser@\r\n",
                b"opts utf8 on\r\n", b"syst\r\n", b"site help\r\n",
                b"QUIT\r\n"):
        time.sleep(0.2)
        code, lines = c.cmd(cmd)
        if cmd.startswith(b"opts"):
            print("OPTS-REPLY: %s" % " | ".join(lines), flush=True)
    c.close()


def session_pipelined(args):
    c = RawFTP(args.host, args.port or 2121, nodelay=True)
    c.reply()                                   # 220
    time.sleep(0.2)
    # two commands in one send() -> one TCP segment
    c.send(b"USER alice\r\nPASS wonderland\r\n")
    c.reply()
    c.reply()
    time.sleep(0.2)
    # three commands in one segment
    c.send(b"SYST\r\nPWD\r\nNOOP\r\n")
    c.reply()
    c.reply()
    c.reply()
    # commands split across two TCP segments each
    for a, b in ((b"NO", b"OP\r\n"), (b"TYP", b"E I\r\n"),
                 (b"SI", b"ZE readme.txt\r\n")):
        time.sleep(0.2)
        c.send(a)
        time.sleep(0.3)
        c.send(b)
        c.reply()
    for cmd in (b"XYZZY\r\n", b"FEAT\r\n", b"HELP\r\n", b"QUIT\r\n"):
        time.sleep(0.2)
        c.cmd(cmd)
    c.close()


# --------------------------------------------------------------------------
# ftplib helpers


class LoggingFTP(ftplib.FTP):
    """ftplib.FTP that logs the dialogue and, for active mode, listens on
    the loopback address of the control connection only (ftplib itself
    would bind the data listener to the wildcard address)."""

    def putline(self, line):
        log("C", line)
        super().putline(line)

    def getresp(self):
        try:
            resp = super().getresp()
        except ftplib.Error as e:
            log("S", str(e))
            raise
        log("S", resp)
        return resp

    def makeport(self):
        local = self.sock.getsockname()[0]
        sock = socket.create_server((local, 0), family=self.af, backlog=1)
        port = sock.getsockname()[1]
        if self.af == socket.AF_INET:
            self.sendport(local, port)
        else:
            self.sendeprt(local, port)
        if self.timeout is not ftplib._GLOBAL_DEFAULT_TIMEOUT:
            sock.settimeout(self.timeout)
        return sock

    def quit_and_wait(self):
        """QUIT, then wait for the server to close before closing."""
        self.voidcmd("QUIT")
        try:
            self.sock.settimeout(5)
            while self.sock.recv(4096):
                pass
        except OSError:
            pass
        self.close()


def expect_error(func, *a):
    try:
        func(*a)
    except ftplib.error_perm as e:
        return str(e)
    raise SystemExit("expected a 5xx reply from %r" % (a,))


def connect(host, port):
    assert host in LOOPBACK
    ftp = LoggingFTP()
    ftp.connect(host, port, timeout=10)
    return ftp


def session_vsftpd_student(args):
    ftp = connect(args.host, args.port or 21)
    # vsftpd lets the client retry USER/PASS on the same connection
    for bad in ("wrong-password", "S3cretpass"):
        expect_error(ftp.login, "student", bad)
    ftp.login("student", "S3cretPass!")
    ftp.sendcmd("PWD")
    # PASV LIST
    ftp.set_pasv(True)
    lines = []
    ftp.retrlines("LIST", lines.append)
    # EPSV RETR: ftplib uses EPSV instead of PASV when af is not AF_INET;
    # the data connection itself still goes to the control peer (IPv4).
    ftp.af = socket.AF_INET6
    data = io.BytesIO()
    ftp.retrbinary("RETR notes.txt", data.write)
    ftp.af = socket.AF_INET
    # PORT RETR
    ftp.set_pasv(False)
    data = io.BytesIO()
    ftp.retrbinary("RETR notes.txt", data.write)
    # STOR (active, PORT) then DELE
    ftp.storbinary("STOR upload.txt",
                   io.BytesIO(b"uploaded by the capture script\n"))
    ftp.delete("upload.txt")
    ftp.quit_and_wait()


def session_alice(args):
    ftp = connect(args.host, args.port or 2121)
    expect_error(ftp.login, "alice", "looking-glass")
    ftp.login("alice", "wonderland")
    ftp.sendcmd("SYST")
    ftp.sendcmd("SITE HELP")
    r = expect_error(ftp.sendcmd, "OPTS UTF8 ON")
    print("OPTS-REPLY: %s" % r, flush=True)
    expect_error(ftp.sendcmd, "XYZZY")
    ftp.sendcmd("HELP")
    ftp.set_pasv(True)
    ftp.retrlines("LIST", lambda l: None)
    ftp.retrbinary("RETR readme.txt", lambda b: None)
    ftp.quit_and_wait()


def session_anon_nlst(args):
    ftp = connect(args.host, args.port or 2121)
    ftp.login()                                 # anonymous / anonymous@
    ftp.nlst()
    ftp.quit_and_wait()


def session_ipv6_eprt(args):
    ftp = connect(args.host or "::1", args.port or 21)
    assert ftp.af == socket.AF_INET6
    ftp.login()
    ftp.set_pasv(False)                         # EPRT |2|::1|port|
    ftp.retrlines("LIST pub", lambda l: None)
    ftp.retrbinary("RETR pub/readme.txt", lambda b: None)
    ftp.quit_and_wait()


SESSIONS = {
    "lab": session_lab,
    "pipelined": session_pipelined,
    "vsftpd-student": session_vsftpd_student,
    "alice": session_alice,
    "anon-nlst": session_anon_nlst,
    "ipv6-eprt": session_ipv6_eprt,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("session", choices=sorted(SESSIONS))
    ap.add_argument("--host", default=None)
    ap.add_argument("--port", type=int, default=None)
    args = ap.parse_args()
    if args.host is None:
        args.host = "::1" if args.session == "ipv6-eprt" else "127.0.0.1"
    SESSIONS[args.session](args)


if __name__ == "__main__":
    main()
