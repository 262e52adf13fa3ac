#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write TCP-level variants of a capture that must not change what ftplens says.

    tools/make-variants.py IN.pcap[ng] OUTDIR     write OUTDIR/<variant>.pcap for every variant
    tools/make-variants.py --list                 print the variant names

The input is converted with `editcap -F pcap` and its classic pcap records are parsed here (Python 3 standard
library only).  Link layers: Ethernet (1, with 802.1Q tags), Linux cooked v1 (113) and v2 (276), raw IP (101,
228 IPv4, 229 IPv6); network layers: IPv4, IPv6 (hop-by-hop, routing and destination-options headers skipped)
and IPv6 carried in IPv4 (protocol 41, e.g. 6to4); transport: TCP.  Fragmented IP packets and anything else are
copied unchanged.  Only TCP segments that carry payload or a SYN/FIN flag are touched; every variant is
deterministic (fixed seed) and keeps timestamps non-decreasing.

Variants:
  dup          every TCP segment with payload or SYN/FIN appears twice in a row (exact duplicate)
  reorder      two payload segments of the same connection and direction that follow each other, with no other
               TCP payload/SYN/FIN segment of any connection between them (only pure ACKs or non-TCP frames), are
               swapped in place: the second is written before the first (pairs do not overlap; the frames keep
               the timestamps of the slots they move into)
  retrans      about 20 % of the payload segments (random, fixed seed) are written again 1-3 frames later, with the
               timestamp of the frame they follow (a retransmission of bytes already seen)
  nohandshake  for every TCP connection, every frame before its first payload segment (SYN, SYN-ACK, ACK...) is
               removed: the capture starts mid-connection.  Connections that never carry payload are kept whole,
               and so is a connection that reuses the addresses and ports of an earlier, closed one (a brute-force
               tool's hundreds of connections do): without its SYN nothing tells the two apart, Wireshark's own
               tcp.stream joins them, so that is a loss of information, not a variant that must change nothing.
  split        every payload segment of an FTP control connection (port 21 or 2121 on either side, or a
               connection whose first payload is an FTP reply line such as '220 ...' ending in CR LF) is cut in
               two inside its first line (after half of the first line's text, at least 1 byte; an empty line
               is cut between CR and LF): second seq = first seq + first length, a FIN only on the second, IP
               lengths fixed, IPv4 header checksums and TCP checksums recomputed, both with the original
               timestamp.  Segments with SYN, truncated (snaplen) segments and 1-byte segments are kept as
               they are.

A TCP connection is a 4-tuple; a pure SYN on a 4-tuple whose connection saw a FIN or RST starts a new one.
Timestamps have the resolution of `editcap -F pcap` (microseconds).  A summary line per variant
('<name>.pcap: N frames, M changed') is printed on stdout.
"""
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile

VARIANTS = ["dup", "reorder", "retrans", "nohandshake", "split"]
SEED = 20240607
FTP_PORTS = (21, 2121)
REPLY_LINE = re.compile(rb"^[1-6][0-9][0-9][ -][^\r\n]*\r\n")

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


# ---------------------------------------------------------------- classic pcap I/O

def read_pcap(path):
    data = open(path, "rb").read()
    if len(data) < 24:
        raise ValueError("%s: not a pcap file" % path)
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise ValueError("%s: unknown pcap magic %r" % (path, magic))
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0x0FFFFFFF
    recs, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(endian + "IIII", data[off:off + 16])
        recs.append([sec, frac, data[off + 16:off + 16 + incl], orig])
        off += 16 + incl
    return data[:24], endian, linktype, recs


def write_pcap(path, header, endian, recs):
    with open(path, "wb") as f:
        f.write(header)
        for sec, frac, pkt, orig in recs:
            f.write(struct.pack(endian + "IIII", sec, frac, len(pkt), orig))
            f.write(pkt)


# ---------------------------------------------------------------- packet parsing

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


class Seg:
    """A parsed TCP segment: where its headers are in the frame, so that it can be rebuilt."""
    __slots__ = ("ips", "tcp_off", "tcp_hlen", "pay_off", "pay_len", "truncated", "src", "dst", "sport", "dport",
                 "seq", "flags", "pkt")

    def key(self):
        return (self.src, self.sport, self.dst, self.dport)

    def payload(self):
        return self.pkt[self.pay_off:self.pay_off + self.pay_len]


def parse_ip(pkt, off, ips, depth=0):
    """Returns (src, dst, tcp offset, tcp+payload length) of the TCP segment inside, or None.
    ips collects (version, header offset) of every IP header on the way (outer first)."""
    if off >= len(pkt) or depth > 2:
        return None
    ver = pkt[off] >> 4
    if ver == 4:
        if off + 20 > len(pkt):
            return None
        ihl = (pkt[off] & 0x0F) * 4
        total = struct.unpack("!H", pkt[off + 2:off + 4])[0]
        frag = struct.unpack("!H", pkt[off + 6:off + 8])[0]
        proto = pkt[off + 9]
        if ihl < 20 or total < ihl or frag & 0x3FFF:      # fragments (MF or offset) are left alone
            return None
        ips.append((4, off))
        if proto == 6:
            return pkt[off + 12:off + 16], pkt[off + 16:off + 20], off + ihl, total - ihl
        if proto == 41:                                   # IPv6 in IPv4 (6to4, other tunnels)
            return parse_ip(pkt, off + ihl, ips, depth + 1)
        return None
    if ver == 6:
        if off + 40 > len(pkt):
            return None
        plen = struct.unpack("!H", pkt[off + 4:off + 6])[0]
        nxt, hoff = pkt[off + 6], off + 40
        ips.append((6, off))
        while nxt in (0, 43, 60):                         # hop-by-hop, routing, destination options
            if hoff + 2 > len(pkt):
                return None
            nxt, hoff = pkt[hoff], hoff + (pkt[hoff + 1] + 1) * 8
        if nxt == 6:
            return pkt[off + 8:off + 24], pkt[off + 24:off + 40], hoff, plen - (hoff - off - 40)
        if nxt == 4:                                      # IPv4 in IPv6
            return parse_ip(pkt, hoff, ips, depth + 1)
        return None
    return None


def link_offset(linktype, pkt):
    """Offset of the IP header, or None."""
    if linktype == 1:                                     # Ethernet
        off, etype = 12, None
        while off + 2 <= len(pkt):
            etype = struct.unpack("!H", pkt[off:off + 2])[0]
            if etype in (0x8100, 0x88A8, 0x9100):
                off += 4
                continue
            break
        return off + 2 if etype in (0x0800, 0x86DD) else None
    if linktype == 113:                                   # Linux cooked v1
        return 16 if len(pkt) >= 16 and struct.unpack("!H", pkt[14:16])[0] in (0x0800, 0x86DD) else None
    if linktype == 276:                                   # Linux cooked v2
        return 20 if len(pkt) >= 20 and struct.unpack("!H", pkt[0:2])[0] in (0x0800, 0x86DD) else None
    if linktype in (101, 228, 229, 12, 14):               # raw IP
        return 0
    return None


def parse(linktype, pkt, orig_len):
    off = link_offset(linktype, pkt)
    if off is None:
        return None
    ips = []
    r = parse_ip(pkt, off, ips)
    if r is None:
        return None
    src, dst, toff, tlen = r
    if toff + 20 > len(pkt) or tlen < 20:
        return None
    s = Seg()
    s.pkt, s.ips, s.src, s.dst, s.tcp_off = pkt, ips, src, dst, toff
    s.sport, s.dport, s.seq = struct.unpack("!HHI", pkt[toff:toff + 8])
    s.tcp_hlen = (pkt[toff + 12] >> 4) * 4
    s.flags = pkt[toff + 13]
    if s.tcp_hlen < 20 or s.tcp_hlen > tlen:
        return None
    s.pay_off, s.pay_len = toff + s.tcp_hlen, tlen - s.tcp_hlen
    s.truncated = s.pay_off + s.pay_len > len(pkt)      # cut by the snaplen: never rebuilt or split
    return s


def rebuild(seg, seq, flags, payload):
    """The frame of seg with another sequence number, flags and payload; lengths and checksums fixed.
    Bytes after the IP packet (Ethernet padding, trailers) are dropped."""
    pkt = bytearray(seg.pkt[:seg.pay_off] + payload)
    toff = seg.tcp_off
    struct.pack_into("!I", pkt, toff + 4, seq)
    pkt[toff + 13] = flags
    delta = len(payload) - seg.pay_len
    for ver, off in seg.ips:                              # every IP header on the way gets the new length
        if ver == 4:
            total = struct.unpack("!H", pkt[off + 2:off + 4])[0] + delta
            struct.pack_into("!H", pkt, off + 2, total)
            ihl = (pkt[off] & 0x0F) * 4
            struct.pack_into("!H", pkt, off + 10, 0)
            struct.pack_into("!H", pkt, off + 10, csum(bytes(pkt[off:off + ihl])))
        else:
            plen = struct.unpack("!H", pkt[off + 4:off + 6])[0] + delta
            struct.pack_into("!H", pkt, off + 4, plen)
    tcp_len = len(pkt) - toff
    if len(seg.src) == 4:
        pseudo = seg.src + seg.dst + struct.pack("!BBH", 0, 6, tcp_len)
    else:
        pseudo = seg.src + seg.dst + struct.pack("!IxxxB", tcp_len, 6)
    struct.pack_into("!H", pkt, toff + 16, 0)
    struct.pack_into("!H", pkt, toff + 16, csum(pseudo + bytes(pkt[toff:])))
    return bytes(pkt)


# ---------------------------------------------------------------- connections

class Frame:
    __slots__ = ("rec", "seg", "conn", "dir")

    def interesting(self):
        """A TCP segment that carries payload or SYN/FIN: the only kind the variants touch."""
        return self.seg is not None and (self.seg.pay_len > 0 or self.seg.flags & (SYN | FIN))

    def has_payload(self):
        return self.seg is not None and self.seg.pay_len > 0


def load(linktype, recs):
    """Frames with their TCP segment, connection number and direction (0: the side that spoke first).
    A pure SYN on a 4-tuple whose connection has closed (FIN or RST seen) starts a new connection."""
    frames, current, closed, nconn = [], {}, set(), 0
    for rec in recs:
        f = Frame()
        f.rec, f.seg, f.conn, f.dir = rec, parse(linktype, rec[2], rec[3]), None, None
        if f.seg is not None:
            k = f.seg.key()
            rk = (k[2], k[3], k[0], k[1])
            pure_syn = f.seg.flags & (SYN | ACK) == SYN
            if k in current:
                cid, d = current[k], 0
            elif rk in current:
                cid, d = current[rk], 1
            else:
                cid = None
            if cid is None or (pure_syn and cid in closed):
                cid, d = nconn, 0
                nconn += 1
                for kk in (k, rk):
                    current.pop(kk, None)
                current[k] = cid
            if f.seg.flags & (FIN | RST):
                closed.add(cid)
            f.conn, f.dir = cid, d
        frames.append(f)
    return frames


def copy_rec(rec, ts_from=None):
    r = list(rec)
    if ts_from is not None:
        r[0], r[1] = ts_from[0], ts_from[1]
    return r


def monotonic(recs):
    """Timestamps never go back (only needed if the input itself is not in time order)."""
    last = None
    for r in recs:
        if last is not None and (r[0], r[1]) < last:
            r[0], r[1] = last
        last = (r[0], r[1])
    return recs


# ---------------------------------------------------------------- variants

def v_dup(frames, rng):
    out, n = [], 0
    for f in frames:
        out.append(copy_rec(f.rec))
        if f.interesting():
            out.append(copy_rec(f.rec))
            n += 1
    return out, n


def v_reorder(frames, rng):
    order = list(range(len(frames)))
    swapped = 0
    interesting = [k for k, f in enumerate(frames) if f.interesting()]
    j = 0
    while j + 1 < len(interesting):
        a, b = interesting[j], interesting[j + 1]
        fa, fb = frames[a], frames[b]
        if (fa.has_payload() and fb.has_payload() and fa.conn == fb.conn and fa.dir == fb.dir
                and not fa.seg.truncated and not fb.seg.truncated):
            order[a], order[b] = b, a
            swapped += 1
            j += 2
        else:
            j += 1
    out = []
    for slot, k in enumerate(order):
        out.append(copy_rec(frames[k].rec, ts_from=frames[slot].rec))   # the slot keeps its timestamp
    return out, swapped


def v_retrans(frames, rng):
    pending = {}                                          # frame index after which copies go -> [records]
    n = 0
    for k, f in enumerate(frames):
        if f.has_payload() and rng.random() < 0.2:
            after = min(k + rng.randint(1, 3), len(frames) - 1)
            pending.setdefault(after, []).append(f.rec)
            n += 1
    out = []
    for k, f in enumerate(frames):
        out.append(copy_rec(f.rec))
        for rec in pending.get(k, ()):
            out.append(copy_rec(rec, ts_from=f.rec))
    return out, n


def v_nohandshake(frames, rng):
    first, owner, reused = {}, {}, set()
    for k, f in enumerate(frames):
        if f.seg is None:
            continue
        key = f.seg.key()
        ends = min(key, (key[2], key[3], key[0], key[1]))
        if owner.setdefault(ends, f.conn) != f.conn:    # a later connection on a closed one's addresses and ports
            reused.add(f.conn)
        if f.has_payload() and f.conn not in first:
            first[f.conn] = k
    out, n = [], 0
    for k, f in enumerate(frames):
        if f.seg is not None and f.conn in first and f.conn not in reused and k < first[f.conn]:
            n += 1
            continue
        out.append(copy_rec(f.rec))
    return out, n


def control_connections(frames):
    ctl, seen = set(), set()
    for f in frames:
        if f.seg is None:
            continue
        if f.seg.sport in FTP_PORTS or f.seg.dport in FTP_PORTS:
            ctl.add(f.conn)
        if f.has_payload() and f.conn not in seen:
            seen.add(f.conn)
            if REPLY_LINE.match(f.seg.payload()):
                ctl.add(f.conn)
    return ctl


def split_point(payload):
    """Inside the first line: after half of its text (at least 1 byte, so an empty line is cut between its CR
    and LF); a segment of 2 bytes or more always gives two non-empty parts."""
    eol = payload.find(b"\r\n")
    line = eol if eol >= 0 else len(payload)
    return min(max(1, line // 2), len(payload) - 1)


def v_split(frames, rng):
    ctl = control_connections(frames)
    out, n = [], 0
    for f in frames:
        s = f.seg
        if s is None or f.conn not in ctl or s.pay_len < 2 or s.truncated or s.flags & SYN:
            out.append(copy_rec(f.rec))
            continue
        pay = s.payload()
        p = split_point(pay)
        first = rebuild(s, s.seq, s.flags & ~FIN, pay[:p])     # a FIN goes with the last byte
        second = rebuild(s, (s.seq + p) & 0xFFFFFFFF, s.flags, pay[p:])
        sec, frac = f.rec[0], f.rec[1]
        out.append([sec, frac, first, len(first)])
        out.append([sec, frac, second, len(second)])
        n += 1
    return out, n


FUNCS = {"dup": v_dup, "reorder": v_reorder, "retrans": v_retrans, "nohandshake": v_nohandshake, "split": v_split}


def read_capture(src):
    """Any capture file editcap reads, as classic pcap: (header, endian, linktype, records)."""
    tmp = tempfile.mkdtemp(prefix="ftplens-variants-")
    try:
        plain = os.path.join(tmp, "in.pcap")
        subprocess.run(["editcap", "-F", "pcap", src, plain], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return read_pcap(plain)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    if argv[1:] == ["--list"]:
        print("\n".join(VARIANTS))
        return 0
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    src, outdir = argv[1], argv[2]
    os.makedirs(outdir, exist_ok=True)
    header, endian, linktype, recs = read_capture(src)
    frames = load(linktype, recs)
    for name in VARIANTS:
        out, n = FUNCS[name](frames, random.Random(SEED))
        write_pcap(os.path.join(outdir, name + ".pcap"), header, endian, monotonic(out))
        print("%s.pcap: %d frames, %d changed" % (name, len(out), n))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
