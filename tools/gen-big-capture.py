#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tools/gen-big-capture.py - deterministic large captures for tools/bench.sh.

    tools/gen-big-capture.py OUT_FTP OUT_NOFTP [--frames N] [--sessions S]
                             [--seed K] [--interval-us U] [--max-gap-us G] [--pcaps DIR]

Builds two classic pcap files (nanosecond timestamps, Ethernet) from the
project's own loopback captures (pcaps/*.pcapng, read through
`editcap -F nsecpcap`):

OUT_FTP   copies of every IPv4 capture's sessions, each copy a distinct set of
          connections: every original address (127.0.0.1, and 127.0.0.2 /
          127.0.0.9 where a capture has them) becomes a fresh 10.x.y.z whose
          text has the same length, and the same address text inside PORT,
          EPRT and 227 lines is rewritten to match, so that the data
          connections of every copy are found exactly as in the original.
          TCP sequence and acknowledgment numbers (and SACK blocks) get a
          per-copy random offset per direction.  Copies start every
          --interval-us microseconds on average and run concurrently (their
          packets are merged by time); inside a copy, idle gaps longer than
          --max-gap-us (vsftpd's login-failure delays) are shortened, so that
          a slice from the start of the file has the same mix as the whole.
          Timestamps strictly increase; IP and TCP checksums are recomputed.
OUT_NOFTP the same frames, sizes and connections, with no FTP in them: server
          ports 21 and 2121 become 8021 and 8121, port 20 becomes 8020 (ports
          no stock dissector is registered on, so the payload is plain TCP
          data; 8080 would make the HTTP dissector swallow every segment into
          a reassembly that never completes), and a payload that starts with
          "220" starts with "+OK" instead, so neither the stock FTP dissector
          nor ftplens's 220-greeting heuristic fires.

Copies are made round by round (each round is every template capture once, in
a seeded random order) until the file has at least --frames frames and
--sessions FTP control connections.  Output is written in one pass: only the
templates and the copies currently open are in memory.

ipv6.pcapng is not used: "::1" inside its EPRT lines cannot be rewritten to
another address of the same length, and a length change would shift every
later sequence number.

Python 3.11 standard library only; deterministic for a given seed and
template set (the output's SHA-256 is printed).
"""

import argparse
import array
import hashlib
import heapq
import os
import random
import re
import struct
import subprocess
import sys
import tempfile

FTP_CONTROL_PORTS = (21, 2121)
NOFTP_PORT_MAP = {21: 8021, 2121: 8121, 20: 8020}   # no dissector is registered on these
ETH_LEN = 14
TCP_SYN, TCP_ACK = 0x02, 0x10


def die(msg):
    print(f"gen-big-capture: {msg}", file=sys.stderr)
    sys.exit(1)


def csum_fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def csum(buf):
    """RFC 1071 checksum of buf in native byte order (write back with '=H')."""
    if len(buf) & 1:
        buf = bytes(buf) + b"\0"
    return csum_fold(sum(array.array("H", bytes(buf))))


def read_pcap(path):
    """(linktype, [(ts_ns, bytes, orig_len)]) of a capture, via editcap."""
    with tempfile.TemporaryDirectory(prefix="ftplens-gen-") as tmp:
        out = os.path.join(tmp, "x.pcap")
        subprocess.run(["editcap", "-F", "nsecpcap", path, out], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        with open(out, "rb") as fh:
            data = fh.read()
    magic = data[:4]
    if magic == b"\x4d\x3c\xb2\xa1":
        endian, scale = "<", 1
    elif magic == b"\xa1\xb2\x3c\x4d":
        endian, scale = ">", 1
    elif magic == b"\xd4\xc3\xb2\xa1":
        endian, scale = "<", 1000
    elif magic == b"\xa1\xb2\xc3\xd4":
        endian, scale = ">", 1000
    else:
        die(f"{path}: not a pcap file after editcap")
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    recs, off = [], 24
    rh = struct.Struct(endian + "IIII")
    while off + 16 <= len(data):
        sec, frac, incl, orig = rh.unpack_from(data, off)
        off += 16
        recs.append((sec * 1_000_000_000 + frac * scale, data[off:off + incl], orig))
        off += incl
    return linktype, recs


class Packet:
    __slots__ = ("rel_ns", "data", "orig_len", "ip_src", "ip_dst", "sport", "dport", "flags",
                 "seq", "ack", "flow", "rflow", "tcp_off", "tcp_len", "pay_off", "addr_edits",
                 "starts_220", "sack", "csum_ok")


class Template:
    def __init__(self, name, packets, addrs, flows, sessions, connections):
        self.name = name
        self.connections = connections  # TCP connections
        self.packets = packets
        self.addrs = addrs          # original IPv4 addresses (4-byte bytes), in order of appearance
        self.flows = flows          # number of distinct (src, sport, dst, dport) directions
        self.sessions = sessions    # FTP control connections


def addr_text_re(addr):
    dotted = ".".join(str(b) for b in addr)
    comma = ",".join(str(b) for b in addr)
    return [(re.compile(rb"(?<![0-9])" + re.escape(t.encode()) + rb"(?![0-9])"), sep)
            for t, sep in ((dotted, "."), (comma, ","))]


def load_template(path, max_gap_ns):
    linktype, recs = read_pcap(path)
    name = os.path.basename(path)
    if linktype != 1:
        return None, f"{name}: link type {linktype}, not Ethernet"
    if not recs:
        return None, f"{name}: empty"
    packets, addrs, flows, control, conns = [], [], {}, set(), set()
    rel, prev = 0, recs[0][0]
    for ts, data, orig in recs:
        rel += min(max(ts - prev, 0), max_gap_ns)   # idle gaps (login-failure delays) shortened
        prev = ts
        if len(data) < ETH_LEN + 20 or data[12:14] != b"\x08\x00":
            return None, f"{name}: a frame that is not IPv4 over Ethernet"
        ihl = (data[ETH_LEN] & 0x0F) * 4
        if data[ETH_LEN + 9] != 6:
            return None, f"{name}: a frame that is not TCP"
        ip_total = struct.unpack_from("!H", data, ETH_LEN + 2)[0]
        p = Packet()
        p.rel_ns = rel
        p.data = data
        p.orig_len = orig
        p.ip_src = data[ETH_LEN + 12:ETH_LEN + 16]
        p.ip_dst = data[ETH_LEN + 16:ETH_LEN + 20]
        p.tcp_off = ETH_LEN + ihl
        p.sport, p.dport, p.seq, p.ack, off_flags = struct.unpack_from("!HHIIH", data, p.tcp_off)
        p.flags = off_flags & 0x1FF
        thl = (off_flags >> 12) * 4
        p.pay_off = p.tcp_off + thl
        p.tcp_len = ETH_LEN + ip_total - p.tcp_off
        p.csum_ok = len(data) >= ETH_LEN + ip_total   # whole segment captured: checksum can be recomputed
        for a in (p.ip_src, p.ip_dst):
            if a not in addrs:
                addrs.append(a)
        key = (p.ip_src, p.sport, p.ip_dst, p.dport)
        rkey = (p.ip_dst, p.dport, p.ip_src, p.sport)
        p.flow = flows.setdefault(key, len(flows))
        p.rflow = flows.setdefault(rkey, len(flows))
        conn = tuple(sorted((key, rkey)))
        conns.add(conn)
        if p.sport in FTP_CONTROL_PORTS or p.dport in FTP_CONTROL_PORTS:
            control.add(conn)
        # SACK blocks (option 5) name the peer's sequence numbers.
        p.sack = []
        o = p.tcp_off + 20
        while o < p.pay_off:
            kind = data[o]
            if kind == 0:
                break
            if kind == 1:
                o += 1
                continue
            if o + 1 >= p.pay_off:
                break
            olen = data[o + 1]
            if olen < 2:
                break
            if kind == 5:
                p.sack.extend(range(o + 2, o + olen, 4))
            o += olen
        payload = data[p.pay_off:ETH_LEN + ip_total]
        p.starts_220 = payload[:3] == b"220"
        p.addr_edits = []
        packets.append(p)
    # Address texts inside payloads (PORT, EPRT, 227), once every address is known.
    res = [(a, rx, sep) for a in addrs for rx, sep in addr_text_re(a)]
    for p in packets:
        payload = p.data[p.pay_off:p.tcp_off + p.tcp_len]
        for a, rx, sep in res:
            for m in rx.finditer(payload):
                p.addr_edits.append((p.pay_off + m.start(), addrs.index(a), sep))
    return Template(name, packets, addrs, len(flows), len(control), len(conns)), None


def address_pool(rng, lengths):
    """Per text length, a shuffled list of 10.a.b.c (c not 0 or 255) of that length."""
    by_digits = {1: range(0, 10), 2: range(10, 100), 3: range(100, 256)}
    pools = {}
    for length in sorted(set(lengths)):
        pool = []
        for a in range(256):
            for b in range(256):
                lc = length - 5 - len(str(a)) - len(str(b))   # "10." a "." b "." c
                for c in by_digits.get(lc, ()):
                    if 0 < c < 255:
                        pool.append(bytes((10, a, b, c)))
        rng.shuffle(pool)
        pools[length] = pool
    return pools


def text_len(addr):
    return len(".".join(str(b) for b in addr))


class Copy:
    __slots__ = ("tpl", "start_ns", "new_addrs", "texts", "offsets", "idx")


def make_packet(cp, p, noftp):
    """The rewritten frame bytes (FTP version, or the no-FTP version)."""
    b = bytearray(p.data)
    ip = ETH_LEN
    tcp = p.tcp_off
    amap = cp.new_addrs
    src = amap[p.ip_src]
    dst = amap[p.ip_dst]
    b[ip + 12:ip + 16] = src
    b[ip + 16:ip + 20] = dst
    sport, dport = p.sport, p.dport
    if noftp:
        sport = NOFTP_PORT_MAP.get(sport, sport)
        dport = NOFTP_PORT_MAP.get(dport, dport)
    seq = (p.seq + cp.offsets[p.flow]) & 0xFFFFFFFF
    ack = (p.ack + cp.offsets[p.rflow]) & 0xFFFFFFFF if p.flags & TCP_ACK else p.ack
    struct.pack_into("!HHII", b, tcp, sport, dport, seq, ack)
    if p.sack:
        roff = cp.offsets[p.rflow]
        for o in p.sack:
            v = struct.unpack_from("!I", b, o)[0]
            struct.pack_into("!I", b, o, (v + roff) & 0xFFFFFFFF)
    for off, ai, sep in p.addr_edits:
        t = cp.texts[ai][sep]
        b[off:off + len(t)] = t
    if noftp and p.starts_220:
        b[p.pay_off:p.pay_off + 3] = b"+OK"
    # IPv4 header checksum.
    ihl = tcp - ip
    b[ip + 10:ip + 12] = b"\0\0"
    struct.pack_into("=H", b, ip + 10, csum(b[ip:ip + ihl]))
    # TCP checksum over the pseudo header and the segment.
    if p.csum_ok:
        b[tcp + 16:tcp + 18] = b"\0\0"
        pseudo = src + dst + struct.pack("!BBH", 0, 6, p.tcp_len)
        struct.pack_into("=H", b, tcp + 16, csum(pseudo + b[tcp:tcp + p.tcp_len]))
    return b


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_ftp")
    ap.add_argument("out_noftp")
    ap.add_argument("--frames", type=int, default=1_000_000, help="at least this many frames (default 1000000)")
    ap.add_argument("--sessions", type=int, default=20_000,
                    help="at least this many FTP control connections (default 20000)")
    ap.add_argument("--seed", type=int, default=6, help="random seed (default 6)")
    ap.add_argument("--interval-us", type=int, default=5000,
                    help="mean gap between the starts of two copies, in microseconds (default 5000)")
    ap.add_argument("--max-gap-us", type=int, default=10000,
                    help="longest gap between two frames of one copy, in microseconds; longer idle gaps of the "
                         "templates (login-failure delays) are shortened to this (default 10000)")
    ap.add_argument("--pcaps", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pcaps"),
                    help="folder of template captures (default: the project's pcaps/)")
    args = ap.parse_args()

    names = sorted(n for n in os.listdir(args.pcaps) if n.endswith((".pcapng", ".pcap")))
    templates = []
    for n in names:
        tpl, why = load_template(os.path.join(args.pcaps, n), args.max_gap_us * 1000)
        if tpl is None:
            print(f"gen-big-capture: skipping {why}", file=sys.stderr)
            continue
        templates.append(tpl)
    if not templates:
        die(f"no usable template captures in {args.pcaps}")
    round_frames = sum(len(t.packets) for t in templates)
    round_sessions = sum(t.sessions for t in templates)
    if round_sessions == 0:
        die("the template captures have no FTP control connection")
    for t in templates:
        print(f"gen-big-capture: template {t.name}: {len(t.packets)} frames, {t.sessions} FTP sessions, "
              f"{len(t.addrs)} address(es)", file=sys.stderr)

    rng = random.Random(args.seed)
    # The schedule: whole rounds until both minimums are met.
    schedule, frames, sessions, connections = [], 0, 0, 0
    while frames < args.frames or sessions < args.sessions:
        order = list(range(len(templates)))
        rng.shuffle(order)
        for i in order:
            schedule.append(i)
            frames += len(templates[i].packets)
            sessions += templates[i].sessions
            connections += templates[i].connections
    need = {}
    for i in schedule:
        for a in templates[i].addrs:
            need[text_len(a)] = need.get(text_len(a), 0) + 1
    pools = address_pool(rng, need.keys())
    for length, n in need.items():
        if n > len(pools[length]):
            die(f"{n} addresses of {length} characters needed, only {len(pools[length])} exist: "
                f"ask for fewer frames or sessions")
    pool_pos = dict.fromkeys(pools, 0)

    base_ns = 1_700_000_000 * 1_000_000_000   # 2023-11-14, any fixed instant
    starts, t = [], base_ns
    interval_ns = args.interval_us * 1000
    for _ in schedule:
        starts.append(t + rng.randrange(interval_ns) if interval_ns else t)
        t += interval_ns

    def new_copy(k):
        tpl = templates[schedule[k]]
        cp = Copy()
        cp.tpl = tpl
        cp.idx = k
        cp.start_ns = starts[k]
        cp.new_addrs, cp.texts = {}, []
        for a in tpl.addrs:
            length = text_len(a)
            na = pools[length][pool_pos[length]]
            pool_pos[length] += 1
            cp.new_addrs[a] = na
            cp.texts.append({".": ".".join(str(x) for x in na).encode(),
                             ",": ",".join(str(x) for x in na).encode()})
        cp.offsets = [rng.getrandbits(32) for _ in range(tpl.flows)]
        return cp

    hdr = struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, 1)
    rec = struct.Struct("<IIII")
    h_ftp, h_no = hashlib.sha256(), hashlib.sha256()
    written = 0
    last_ns = 0
    with open(args.out_ftp, "wb") as f_ftp, open(args.out_noftp, "wb") as f_no:
        f_ftp.write(hdr)
        f_no.write(hdr)
        h_ftp.update(hdr)
        h_no.update(hdr)
        heap, copies, next_k = [], {}, 0
        while next_k < len(schedule) or heap:
            while next_k < len(schedule) and (not heap or starts[next_k] <= heap[0][0]):
                cp = new_copy(next_k)
                copies[next_k] = cp
                heapq.heappush(heap, (cp.start_ns + cp.tpl.packets[0].rel_ns, next_k, 0))
                next_k += 1
            ts, k, i = heapq.heappop(heap)
            cp = copies[k]
            p = cp.tpl.packets[i]
            if i + 1 < len(cp.tpl.packets):
                heapq.heappush(heap, (cp.start_ns + cp.tpl.packets[i + 1].rel_ns, k, i + 1))
            else:
                del copies[k]
            ts = max(ts, last_ns + 1)      # strictly increasing timestamps
            last_ns = ts
            sec, nsec = divmod(ts, 1_000_000_000)
            for fh, h, noftp in ((f_ftp, h_ftp, False), (f_no, h_no, True)):
                body = make_packet(cp, p, noftp)
                r = rec.pack(sec, nsec, len(body), p.orig_len)
                fh.write(r)
                fh.write(body)
                h.update(r)
                h.update(body)
            written += 1
    print(f"gen-big-capture: {written} frames, {sessions} FTP sessions in {len(schedule)} copies "
          f"of {len(templates)} templates (seed {args.seed})", file=sys.stderr)
    print(f"frames={written} sessions={sessions} connections={connections} copies={len(schedule)} "
          f"seed={args.seed}")
    print(f"sha256 {h_ftp.hexdigest()} {args.out_ftp}")
    print(f"sha256 {h_no.hexdigest()} {args.out_noftp}")


if __name__ == "__main__":
    main()
