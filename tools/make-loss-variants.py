#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write copies of a capture with FTP control segments deleted, as a capture that lost them would be.

    tools/make-loss-variants.py IN.pcap[ng] OUTDIR [--seeds N]

Deleted are TCP segments of FTP control connections (port 21 or 2121 on either side, or a connection whose first
payload is an FTP reply line), never the 220 greeting (the first payload the server sends):

  random   for each side (client, server, both) and each count (1, 2, 3), N seeds (default 5): that many payload
           segments chosen at random (fixed seeds, so a variant is always the same), named
           random-<side>-<count>-<seed>.pcap
  targeted one variant per case the capture has (the first occurrence): a segment inside a multi-line reply
           (not its first line), the SYN-ACK, the third ACK of the handshake, the 230 of a login, the 150 of a
           transfer, a client segment holding two pipelined commands: target-<case>.pcap

A variant that deletes the same frames as an earlier one is not written again.  OUTDIR/manifest.json maps each
variant file to the frame numbers deleted (1-based, in the input) and what they
were, so that a checker can map frame numbers between the input and the variant.  Frames are copied byte for byte
(classic pcap, `editcap -F pcap`); nothing else changes.
"""
import importlib.util
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_variants", os.path.join(HERE, "make-variants.py"))
mv = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mv)

SIDES = ("client", "server", "both")
COUNTS = (1, 2, 3)
MULTI_FIRST = re.compile(rb"^[1-6][0-9][0-9]-")


def server_sides(frames, ctl):
    """conn -> direction (0/1) of the server: the side on port 21/2121, else the side that sent the first reply."""
    out = {}
    for f in frames:
        if f.seg is None or f.conn not in ctl or f.conn in out:
            continue
        if f.seg.sport in mv.FTP_PORTS:
            out[f.conn] = f.dir
        elif f.seg.dport in mv.FTP_PORTS:
            out[f.conn] = 1 - f.dir
        elif f.has_payload() and mv.REPLY_LINE.match(f.seg.payload()):
            out[f.conn] = f.dir
    return out


def candidates(frames):
    """Payload segments of control connections, as (frame index, 'client'|'server'), greetings left out."""
    ctl = mv.control_connections(frames)
    server = server_sides(frames, ctl)
    greeted, out = set(), []
    for k, f in enumerate(frames):
        if f.conn not in ctl or f.conn not in server or not f.has_payload() or f.seg.truncated:
            continue
        side = "server" if f.dir == server[f.conn] else "client"
        if side == "server" and f.conn not in greeted:
            greeted.add(f.conn)
            continue
        out.append((k, side))
    return ctl, server, out


def targeted(frames, ctl, server, cands):
    cases = {}
    in_multi = {}
    for k, side in cands:
        pay = frames[k].seg.payload()
        conn = frames[k].conn
        if side == "server":
            if in_multi.get(conn) and "multiline" not in cases:
                cases["multiline"] = k
            first = pay.split(b"\r\n")[0]
            if MULTI_FIRST.match(first) and not re.search(rb"\r\n%s " % first[:3], pay):
                in_multi[conn] = True
            elif re.match(rb"^[1-6][0-9][0-9] ", first):
                in_multi[conn] = False
            if pay.startswith(b"230") and "login-230" not in cases:
                cases["login-230"] = k
            if pay.startswith(b"150") and "transfer-150" not in cases:
                cases["transfer-150"] = k
        elif pay.count(b"\n") >= 2 and "pipelined" not in cases:
            cases["pipelined"] = k
    for k, f in enumerate(frames):
        if f.seg is None or f.conn not in ctl or f.conn not in server:
            continue
        flags = f.seg.flags
        if flags & (mv.SYN | mv.ACK) == (mv.SYN | mv.ACK) and "synack" not in cases:
            cases["synack"] = k
            # the third ACK: the next pure ACK of the client in this connection
            for j in range(k + 1, len(frames)):
                g = frames[j]
                if g.seg is not None and g.conn == f.conn and g.dir != f.dir:
                    if g.seg.flags & (mv.SYN | mv.FIN | mv.RST) == 0 and not g.has_payload():
                        cases["third-ack"] = j
                    break
    return cases


def main(argv):
    args = argv[1:]
    seeds = 5
    if "--seeds" in args:
        i = args.index("--seeds")
        seeds = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    src, outdir = args
    os.makedirs(outdir, exist_ok=True)
    header, endian, linktype, recs = mv.read_capture(src)
    frames = mv.load(linktype, recs)
    ctl, server, cands = candidates(frames)
    manifest = {}

    written = set()

    def write(name, drop, what):
        drop = sorted(set(drop))
        if tuple(drop) in written:
            return          # the same deletion as an earlier variant (small captures): nothing new to check
        written.add(tuple(drop))
        out = [mv.copy_rec(f.rec) for k, f in enumerate(frames) if k not in drop]
        mv.write_pcap(os.path.join(outdir, name), header, endian, out)
        manifest[name] = {"deleted": [k + 1 for k in drop], "what": what}

    for side in SIDES:
        pool = [k for k, s in cands if side == "both" or s == side]
        for count in COUNTS:
            if len(pool) < count:
                continue
            for seed in range(seeds):
                rng = random.Random("%s-%d-%d" % (side, count, seed))
                write("random-%s-%d-%d.pcap" % (side, count, seed), rng.sample(pool, count),
                      "%d %s segment%s" % (count, side, "s" if count > 1 else ""))
    for case, k in sorted(targeted(frames, ctl, server, cands).items()):
        write("target-%s.pcap" % case, [k], case)
    with open(os.path.join(outdir, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1, sort_keys=True)
    print("%d variants of %s" % (len(manifest), os.path.basename(src)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
