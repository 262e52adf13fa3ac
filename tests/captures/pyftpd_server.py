#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# pyftpd_server.py - loopback-only pyftpdlib servers used by make-captures.sh
# to record the sample captures in pcaps/.  Runs in the foreground until it
# gets SIGINT/SIGTERM.  Never binds to anything but 127.0.0.1 / ::1.
#
# Usage (as root, with Debian's python3-pyftpdlib):
#   /usr/bin/python3 pyftpd_server.py lab   --root DIR [--port 21]
#       anonymous-only server whose greeting is a two-line "220-"/"220 "
#       reply, like the classroom lab server.
#   /usr/bin/python3 pyftpd_server.py alice --root DIR [--port 2121]
#       user alice/wonderland (perm elradfmw) plus anonymous, passive ports
#       30000-30100.
# DIR must contain "anon/" and "alice/" sub-directories (created by the
# shell script).  A line "READY <port>" is printed on stdout once listening.

import argparse
import logging
import os
import signal
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
import pyftpdlib

LAB_GREETING = [
    "Welcome to the FTP lab server.",
    "Anonymous logins only, please be nice.",
]


class LabHandler(FTPHandler):
    """FTPHandler whose greeting is a proper RFC 959 multi-line 220 reply."""

    def handle(self):
        self.on_connect()
        if not self._closed and not self._closing:
            for line in LAB_GREETING[:-1]:
                self.push("220-%s\r\n" % line)
            self.respond("220 %s" % LAB_GREETING[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["lab", "alice"])
    ap.add_argument("--root", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int)
    ap.add_argument("--log", default=None, help="log file (default stderr)")
    args = ap.parse_args()

    if args.host not in ("127.0.0.1", "::1"):
        sys.exit("refusing to bind to a non-loopback address")

    logging.basicConfig(filename=args.log, level=logging.INFO,
                        format="%(asctime)s %(message)s")

    auth = DummyAuthorizer()
    anon_home = os.path.join(args.root, "anon")
    auth.add_anonymous(anon_home)

    if args.mode == "lab":
        handler = LabHandler
        port = args.port or 21
    else:
        handler = FTPHandler
        port = args.port or 2121
        auth.add_user("alice", "wonderland",
                      os.path.join(args.root, "alice"), perm="elradfmw")
        handler.banner = "pyftpdlib %s ready." % pyftpdlib.__ver__
        # keep the failed-login pause short (default is 3 s)
        handler.auth_failed_timeout = 1

    handler.authorizer = auth
    handler.passive_ports = range(30000, 30101)
    handler.permit_foreign_addresses = False

    server = FTPServer((args.host, port), handler)

    def stop(signum, frame):
        server.close_all()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("READY %d" % port, flush=True)
    server.serve_forever(handle_exit=False)


if __name__ == "__main__":
    main()
