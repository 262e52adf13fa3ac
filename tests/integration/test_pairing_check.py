#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Independent check of ftplens's reply explanations and pairing.

For every public capture (../shared/pcaps/public) and every capture in
pcaps/, this script rebuilds each FTP control connection from tshark's raw
TCP fields (tcp.seq_raw, tcp.payload) on its own, in Python, pairs replies
with commands by RFC 959 rules (FIFO, 1xx preliminary, multi-line replies,
greeting), and compares the result line by line with the plugin's
ftplens.reply.code / ftplens.reply.to / ftplens.reply.class fields.
"""
import os
import re
import sys

from harness import Skip, eq, run

FIELDS = ["tcp.stream", "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.flags.syn", "tcp.len",
          "tcp.payload", "ftplens.session", "ftplens.reply.code", "ftplens.reply.to",
          "ftplens.reply.class", "ftplens.reply.category", "ftplens.request.command"]
REPLY_RE = re.compile(rb"^(\d{3})([ -]|$)")


def first(row, name):
    return row[name][0] if row[name] else None


class Direction:
    def __init__(self):
        self.next = None
        self.buf = b""

    def feed(self, seq, syn, data):
        """Yields complete lines (bytes without CR LF) that end in this segment."""
        if syn:
            seq = (seq + 1) & 0xffffffff
            if self.next is None:
                self.next = seq
        if not data:
            return []
        if self.next is None:
            self.next = seq
        d = (seq - self.next + 2**31) % 2**32 - 2**31
        if d < 0:
            if -d >= len(data):
                return []
            data = data[-d:]
        elif d > 0:
            self.buf = b""
        self.next = (seq + len(data) + (-d if d < 0 else 0)) & 0xffffffff
        self.buf += data
        *lines, self.buf = self.buf.split(b"\n")
        return [l[:-1] if l.endswith(b"\r") else l for l in lines]


def expected_for_stream(frames):
    """frames: list of (frame, row) of one control connection, in capture order.
    Returns {frame: [(code, to_frame or None), ...]} for every reply line
    (code None: a malformed reply line, which answers the oldest command)."""
    server_port = None
    for f, r in frames:
        ports = {first(r, "tcp.srcport"), first(r, "tcp.dstport")}
        if "21" in ports:
            server_port = "21"
            break
    if server_port is None:
        for f, r in frames:
            data = bytes.fromhex(first(r, "tcp.payload") or "")
            if data.startswith(b"220"):
                server_port = first(r, "tcp.srcport")
                break
    dirs = {True: Direction(), False: Direction()}
    pending, out = [], {}
    greeted = encrypted = False
    ml = None   # (code, to) of the multi-line reply being read
    for f, r in frames:
        if encrypted:
            break
        from_server = first(r, "tcp.srcport") == server_port
        data = bytes.fromhex(first(r, "tcp.payload") or "")[: int(first(r, "tcp.len") or 0)]
        syn = first(r, "tcp.flags.syn") in ("1", "True")
        for line in dirs[from_server].feed(int(first(r, "tcp.seq_raw")), syn, data):
            if not from_server:
                # Telnet commands (IAC x, IAC WILL/WONT/DO/DONT y) may appear anywhere (RFC 959)
                line = re.sub(rb"\xff[\xfb-\xfe].|\xff[^\xff]", b"", line).replace(b"\xff\xff", b"\xff")
                # any client line is something the server answers, a known verb or not
                pending.append((f, line.split(b" ", 1)[0].upper()))
                continue
            if ml is not None:
                out.setdefault(f, []).append(ml)
                if line[:3] == b"%03d" % ml[0] and (len(line) == 3 or line[3:4] == b" "):
                    ml = None
                continue
            m = REPLY_RE.match(line)
            if not m:
                # a malformed reply still answers the oldest command
                if greeted and pending:
                    out.setdefault(f, []).append((None, pending.pop(0)[0]))
                continue
            code = int(m.group(1))
            to = None
            if not greeted and code in (120, 220, 421):
                greeted = code != 120
            elif pending:
                greeted = True
                to = pending[0][0]
                if code >= 200:
                    _, verb = pending.pop(0)
                    if code == 234 and verb == b"AUTH":
                        encrypted = True
            out.setdefault(f, []).append((code, to))
            if m.group(2) == b"-":
                ml = (code, to)
    return out


def check_capture(env, pcap, opts=()):
    rows = env.fields(pcap, FIELDS, "tcp", opts=opts)
    streams = {}
    for f in sorted(rows):
        r = rows[f]
        if r["ftplens.session"]:
            streams.setdefault(first(r, "ftplens.session"), [])
    for f in sorted(rows):
        s = first(rows[f], "tcp.stream")
        if s in streams:
            streams[s].append((f, rows[f]))
    # every port-21 connection with a 220 greeting must be a session
    for f, r in rows.items():
        data = bytes.fromhex(first(r, "tcp.payload") or "")
        if first(r, "tcp.srcport") == "21" and data.startswith(b"220"):
            assert first(r, "tcp.stream") in streams, "%s: stream of frame %d not found" % (pcap, f)
    lines = 0
    for sid, frames in streams.items():
        expect = expected_for_stream(frames)
        for f, r in frames:
            exp = expect.get(f, [])
            lines += len(exp)
            where = "%s frame %d" % (os.path.basename(pcap), f)
            valid = [c for c, _ in exp if c is not None]
            eq([str(c) for c in valid], r["ftplens.reply.code"], where + " reply codes")
            eq([str(t) for _, t in exp if t is not None], r["ftplens.reply.to"], where + " reply.to")
            eq([str(c // 100) for c in valid], r["ftplens.reply.class"], where + " classes")
            eq([str(c // 10 % 10) for c in valid], r["ftplens.reply.category"], where + " categories")
    return len(streams), lines


def test_public_captures(env):
    total = 0
    for pcap in env.public_all():
        opts = [["-d", "tcp.port==2811,ftp"]] if "globus" in pcap else []
        n, lines = check_capture(env, pcap, opts)
        print("  %-70s %3d sessions %5d reply lines agree" % (os.path.basename(pcap), n, lines))
        total += lines
    assert total > 500, total


def test_own_captures(env):
    for name in sorted(os.listdir(env.pcaps)):
        if name.endswith(".pcapng"):
            n, lines = check_capture(env, env.own(name))
            print("  %-70s %3d sessions %5d reply lines agree" % (name, n, lines))
            assert n >= 1 and lines >= 5, name


if __name__ == "__main__":
    sys.exit(run([test_public_captures, test_own_captures]))
