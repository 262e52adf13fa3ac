#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gen-long-session.py OUT.pcap [--commands N] - one FTP control session with N
commands after the login, for tools/bench.sh --scaling: what one long session
costs per frame and in memory, so that growth can be seen to be linear.

Synthetic bytes (Ethernet, IPv4, TCP with valid checksums) between 10.0.0.1
(client) and 10.0.0.2:21: the handshake, a 220 greeting, USER/331, PASS/230,
then N commands cycling through NOOP, PWD, CWD, TYPE and SYST, each answered
by the reply a server gives, then QUIT/221 and the close.  Every command and
every reply is its own segment carrying the ACK of the other side's bytes.
Standard library only."""
import argparse
import struct


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Writer:
    CLIENT = (bytes([10, 0, 0, 1]), 40000)
    SERVER = (bytes([10, 0, 0, 2]), 21)

    def __init__(self, out):
        self.out = out
        self.t = 1_700_000_000_000_000  # microseconds
        self.seq = {"c": 1000, "s": 500000}
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

    def segment(self, side, flags, payload=b""):
        (src, sport), (dst, dport) = (self.CLIENT, self.SERVER) if side == "c" else (self.SERVER, self.CLIENT)
        other = "s" if side == "c" else "c"
        ack = self.seq[other] if flags & 0x10 else 0
        tcp = struct.pack("!HHIIBBHHH", sport, dport, self.seq[side], ack, 5 << 4, flags, 65535, 0, 0) + payload
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        frame = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + tcp
        self.t += 200
        self.out.write(struct.pack("<IIII", self.t // 1_000_000, self.t % 1_000_000, len(frame), len(frame)) + frame)
        self.seq[side] = (self.seq[side] + len(payload) + (1 if flags & 0x03 else 0)) & 0xFFFFFFFF

    def line(self, side, text):
        self.segment(side, 0x18, text.encode() + b"\r\n")


CYCLE = [("NOOP", "200 NOOP ok."), ("PWD", '257 "/home/student" is the current directory'),
         ("CWD /pub", "250 Directory successfully changed."), ("TYPE I", "200 Switching to Binary mode."),
         ("SYST", "215 UNIX Type: L8")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--commands", type=int, default=100000)
    a = ap.parse_args()
    with open(a.out, "wb") as out:
        w = Writer(out)
        w.segment("c", 0x02)
        w.segment("s", 0x12)
        w.segment("c", 0x10)
        w.line("s", "220 (vsFTPd 3.0.3)")
        for cmd, reply in [("USER student", "331 Please specify the password."), ("PASS secret", "230 Login successful.")]:
            w.line("c", cmd)
            w.line("s", reply)
        for i in range(a.commands):
            cmd, reply = CYCLE[i % len(CYCLE)]
            w.line("c", cmd)
            w.line("s", reply)
        w.line("c", "QUIT")
        w.line("s", "221 Goodbye.")
        w.segment("s", 0x11)
        w.segment("c", 0x11)
        w.segment("s", 0x10)
    print("frames=%d commands=%d" % (2 * a.commands + 13, a.commands + 3))


if __name__ == "__main__":
    main()
