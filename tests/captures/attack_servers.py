#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# attack_servers.py - loopback-only servers used by make-attack-captures.sh
# to record the attack sample captures (pcaps/attack-*.pcapng).  Each mode
# runs in the foreground until SIGINT/SIGTERM and never binds to anything
# but a loopback address (127.0.0.0/8 or ::1).  Same pattern as
# pyftpd_server.py (which make-captures.sh uses); that file is not changed.
#
# Usage (as root, with Debian's /usr/bin/python3 and python3-pyftpdlib):
#   attack_servers.py bruteforce --root DIR [--port 2121]
#       user alice/wonderland; max_login_attempts raised from pyftpdlib's
#       default 3 to 6 (so that one connection can carry 6 failures; the
#       6th failure is still answered "530 ... Disconnecting." and the
#       server closes, as with the default); failed-login pause 1 s.
#   attack_servers.py anon-upload --root DIR [--port 2121]
#       anonymous user with WRITE permission (perm "elradfmw") on DIR/anon.
#   attack_servers.py bounce --root DIR [--port 2121]
#       alice/wonderland + anonymous, permit_foreign_addresses=True and
#       permit_privileged_ports=True: PORT/EPRT to a third-party address is
#       accepted (the server connects there at once; 200 if that works).
#   attack_servers.py tool-target --root DIR --user NAME --password PW
#                     [--port 2121] [--fail-delay S] [--max-attempts N]
#       the target of the real brute-force tools (make-bruteforce-captures.sh):
#       one user NAME/PW (perm elradfmw) at DIR/NAME, no anonymous user;
#       pyftpdlib's defaults except the failed-login pause (auth_failed_timeout,
#       default here 0.2 s instead of 3 s, so a run of a few dozen guesses
#       takes seconds) and, if given, max_login_attempts (pyftpdlib's
#       default 3).
#   attack_servers.py sink --host 127.0.0.9 --port 20001
#       the "third party" of a bounce: accepts connections, reads and
#       discards whatever arrives.
#   attack_servers.py fake-shell [--host 127.0.0.1] [--port 6200]
#       simulates the vsftpd 2.3.4 backdoor shell: accepts a connection,
#       reads one command line (1 s at most), answers "uid=0(root) ..."
#       and closes.
# DIR must contain "anon/" and "alice/" sub-directories (tool-target:
# "NAME/").  A line
# "READY <port>" is printed on stdout once listening.

import argparse
import ipaddress
import logging
import os
import signal
import socket
import sys

SHELL_REPLY = b"uid=0(root) gid=0(root) groups=0(root)\n"


def loopback_only(host):
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        sys.exit("refusing to bind to a non-loopback address: %s" % host)


def run_ftp(args):
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import FTPServer
    import pyftpdlib

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    anon_home = os.path.join(args.root, "anon")
    alice_home = os.path.join(args.root, "alice")
    if args.mode == "tool-target" and not (args.user and args.password):
        sys.exit("tool-target needs --user and --password")

    class Handler(FTPHandler):
        pass

    auth = DummyAuthorizer()
    Handler.banner = "pyftpdlib %s ready." % pyftpdlib.__ver__
    Handler.passive_ports = range(30000, 30101)
    Handler.permit_foreign_addresses = False
    Handler.auth_failed_timeout = 1
    if args.mode == "bruteforce":
        auth.add_user("alice", "wonderland", alice_home, perm="elradfmw")
        Handler.max_login_attempts = 6
    elif args.mode == "anon-upload":
        # RuntimeWarning "write permissions assigned to anonymous user"
        auth.add_anonymous(anon_home, perm="elradfmw")
    elif args.mode == "bounce":
        auth.add_user("alice", "wonderland", alice_home, perm="elradfmw")
        auth.add_anonymous(anon_home)
        Handler.permit_foreign_addresses = True
        Handler.permit_privileged_ports = True
    elif args.mode == "tool-target":
        auth.add_user(args.user, args.password,
                      os.path.join(args.root, args.user), perm="elradfmw")
        Handler.auth_failed_timeout = args.fail_delay
        if args.max_attempts:
            Handler.max_login_attempts = args.max_attempts
    Handler.authorizer = auth

    server = FTPServer((args.host, args.port or 2121), Handler)

    def stop(signum, frame):
        server.close_all()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("READY %d" % (args.port or 2121), flush=True)
    server.serve_forever(handle_exit=False)


def run_tcp(args):
    """sink / fake-shell: a one-connection-at-a-time TCP listener."""
    port = args.port or (6200 if args.mode == "fake-shell" else 20001)
    fam = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    srv = socket.create_server((args.host, port), family=fam, backlog=5)

    def stop(signum, frame):
        srv.close()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("READY %d" % port, flush=True)
    while True:
        conn, peer = srv.accept()
        with conn:
            conn.settimeout(5)
            if args.mode == "sink":
                n = 0
                try:
                    while True:
                        data = conn.recv(65536)
                        if not data:
                            break
                        n += len(data)
                except OSError:
                    pass
                print("sink: %d bytes from %s:%d" % (n, peer[0], peer[1]),
                      flush=True)
            else:
                conn.settimeout(1)
                try:
                    cmd = conn.recv(1024)
                except OSError:
                    cmd = b""
                print("fake-shell: %r from %s:%d" % (cmd, peer[0], peer[1]),
                      flush=True)
                conn.sendall(SHELL_REPLY)
                try:
                    conn.shutdown(socket.SHUT_WR)
                    conn.settimeout(2)
                    while conn.recv(1024):
                        pass
                except OSError:
                    pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["bruteforce", "anon-upload", "bounce",
                                     "tool-target", "sink", "fake-shell"])
    ap.add_argument("--root")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int)
    ap.add_argument("--user")                   # tool-target only
    ap.add_argument("--password")
    ap.add_argument("--fail-delay", type=float, default=0.2)
    ap.add_argument("--max-attempts", type=int)
    args = ap.parse_args()
    loopback_only(args.host)
    if args.mode in ("sink", "fake-shell"):
        run_tcp(args)
    else:
        if not args.root:
            sys.exit("--root is required")
        run_ftp(args)


if __name__ == "__main__":
    main()
