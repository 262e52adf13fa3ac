#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build the seed corpora of the libFuzzer harnesses from real captures.

    tests/fuzz/make-corpus.py [CAPTURE...]
      (default: pcaps/*.pcapng and ../shared/pcaps/public/* beside the repo)

Writes tests/fuzz/corpus/<harness>/<sha1-prefix> (replacing what is there):
  fuzz_reply    server control lines (3-byte prefix: multiline code, command)
  fuzz_command  client control lines
  fuzz_address  PORT/EPRT arguments, 227/229 reply texts
  fuzz_core     windows of up to 4 TCP connections of a capture (the FTP
                control connection and its data connections, then any other
                connection between the same two hosts) encoded in the
                segment format of fuzz_core.c, with the capture's real
                addresses, ports and raw sequence numbers.

Only the stock tshark dissectors are used (no plugin needed).  Each harness
keeps at most MAX_FILES files, so the committed corpus stays small.
"""
import glob
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import ipaddress

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
MAX_FILES = 250
MAX_SEGS = 120          # segments per fuzz_core seed
MAX_PAYLOAD = 512       # data-connection payload bytes kept per segment (cut frame)
MAX_SEED = 12000        # bytes per fuzz_core seed

FIELDS = ["frame.number", "frame.time_epoch", "tcp.stream", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
          "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.len", "tcp.payload",
          "frame.protocols"]


def tshark_rows(pcap):
    args = ["tshark", "-n", "-r", pcap, "-o", "tcp.desegment_tcp_streams:FALSE",
            "-d", "tcp.port==2121,ftp", "-Y", "tcp", "-T", "fields", "-E", "occurrence=f"]
    for f in FIELDS:
        args += ["-e", f]
    out = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
    rows = []
    for line in out.decode("utf-8", "replace").split("\n"):
        if not line:
            continue
        c = dict(zip(FIELDS, line.split("\t") + [""] * len(FIELDS)))
        try:
            rows.append({
                "time": float(c["frame.time_epoch"] or 0),
                "stream": int(c["tcp.stream"]),
                "src": c["ip.src"] or c["ipv6.src"], "dst": c["ip.dst"] or c["ipv6.dst"],
                "v6": not c["ip.src"],
                "sport": int(c["tcp.srcport"]), "dport": int(c["tcp.dstport"]),
                "seq": int(c["tcp.seq_raw"]), "ack": int(c["tcp.ack_raw"] or 0),
                "flags": int(c["tcp.flags"], 16), "len": int(c["tcp.len"] or 0),
                "payload": bytes.fromhex(c["tcp.payload"].replace(":", "")),
                "protos": c["frame.protocols"].split(":"),
            })
        except ValueError:
            continue
    return rows


def lines_of(rows, control, from_server):
    for r in rows:
        if r["stream"] not in control or not r["payload"]:
            continue
        srv = control[r["stream"]]
        if (r["sport"] == srv) != from_server:
            continue
        for l in r["payload"].split(b"\r\n"):
            l = l.rstrip(b"\n")
            if l:
                yield l


def pick(items, n):
    """At most n distinct items, round robin over their first 4 bytes so every verb/code is kept."""
    groups = {}
    for it in dict.fromkeys(items):
        groups.setdefault(it[:4].upper(), []).append(it)
    out = []
    keys = sorted(groups)
    while len(out) < n and any(groups[k] for k in keys):
        for k in keys:
            if groups[k] and len(out) < n:
                out.append(groups[k].pop(0))
    return out


def addr_bytes(a, v6):
    try:
        return ipaddress.ip_address(a).packed
    except ValueError:
        return bytes(16 if v6 else 4)


def core_seeds(rows, control, data_streams):
    """fuzz_core inputs: one per window of up to 4 connections."""
    seeds = []
    for cs in sorted(control):
        srv_port = control[cs]
        ctrl = [r for r in rows if r["stream"] == cs]
        if not ctrl:
            continue
        first = ctrl[0]
        srv_ip = first["src"] if first["sport"] == srv_port else first["dst"]
        cli_ip = first["dst"] if first["sport"] == srv_port else first["src"]
        v6 = first["v6"]
        # the data connections between the same two hosts, in order of appearance
        streams = [cs] + [s for s in data_streams if any(
            r["stream"] == s and {r["src"], r["dst"]} == {srv_ip, cli_ip} for r in rows)]
        # windows: the control connection plus up to 3 data connections each
        datas = streams[1:] or [None]
        for w in range(0, len(datas), 3):
            chosen = [cs] + [d for d in datas[w:w + 3] if d is not None]
            seed = encode(rows, chosen, srv_ip, cli_ip, v6, srv_port)
            if seed:
                seeds.append(seed)
    return seeds


def encode(rows, chosen, srv_ip, cli_ip, v6, srv_port):
    out = bytearray([0x01])       # heuristic on
    c4 = addr_bytes(cli_ip, False) if not v6 else bytes(4)
    s4 = addr_bytes(srv_ip, False) if not v6 else bytes(4)
    c6 = addr_bytes(cli_ip, True) if v6 else bytes(16)
    s6 = addr_bytes(srv_ip, True) if v6 else bytes(16)
    out += c4 + s4 + c6 + s6
    slots = []
    for i in range(4):
        if i < len(chosen):
            rs = [r for r in rows if r["stream"] == chosen[i]]
            r0 = rs[0]
            srv_side_port = r0["sport"] if r0["src"] == srv_ip else r0["dport"]
            cli_side_port = r0["dport"] if r0["src"] == srv_ip else r0["sport"]
            if srv_ip == cli_ip:
                # loopback: the ports tell the sides apart; the server side of a connection is
                # the one that got the first SYN, except an active data connection from port 20
                syn = [r for r in rs if r["flags"] & 0x12 == 0x02]
                if syn:
                    srv_side_port, cli_side_port = syn[0]["dport"], syn[0]["sport"]
                    if cli_side_port == 20:
                        srv_side_port, cli_side_port = 20, syn[0]["dport"]
            if i == 0:
                srv_side_port = srv_port
                cli_side_port = r0["dport"] if r0["sport"] == srv_port else r0["sport"]
            flags = (1 if v6 else 0) | (2 if i == 0 and srv_port == 21 else 0)
            out += struct.pack(">HHBB", srv_side_port, cli_side_port, flags, 0)
            slots.append((chosen[i], srv_side_port))
        else:
            out += struct.pack(">HHBB", 0, 0, 0, 0)
    slot_of = {s: i for i, (s, _) in enumerate(slots)}
    last_t = None
    nseg = 0
    for r in rows:
        if r["stream"] not in slot_of:
            continue
        i = slot_of[r["stream"]]
        from_server = r["src"] == srv_ip and r["sport"] == slots[i][1]
        payload = r["payload"]
        cut = 0
        if i > 0 and len(payload) > MAX_PAYLOAD:   # data connections: keep the start, rest is "cut"
            cut = min(255, len(payload) - MAX_PAYLOAD)
            payload = payload[:len(payload) - cut] if len(payload) - cut <= MAX_PAYLOAD else payload[:MAX_PAYLOAD]
            cut = r["len"] - len(payload)
            if cut > 255:
                continue              # too long to describe: leave this segment out
        elif r["len"] - len(payload) > 255:
            continue
        else:
            cut = r["len"] - len(payload)
        ms = 0 if last_t is None else int(round((r["time"] - last_t) * 1000))
        last_t = r["time"]
        tb = 251 if ms <= 0 else (ms if ms < 250 else 250)
        mode = 0x20 if cut else 0
        out += bytes([i | (4 if from_server else 0) | 8, r["flags"] & 0xff, mode, cut])
        out += struct.pack(">H", len(payload)) + bytes([tb, 0])
        out += struct.pack(">II", r["seq"], r["ack"]) + payload
        nseg += 1
        if nseg >= MAX_SEGS or len(out) > MAX_SEED:
            break
    return bytes(out) if nseg else None


def write(name, items):
    d = os.path.join(HERE, "corpus", name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for it in items:
        with open(os.path.join(d, hashlib.sha1(it).hexdigest()[:16]), "wb") as f:
            f.write(it)
    print("%-13s %4d files, %7d bytes" % (name, len(items), sum(len(i) for i in items)))


def main(argv):
    pcaps = argv or sorted(glob.glob(os.path.join(ROOT, "pcaps", "*.pcapng")))
    if not argv:
        pub = os.path.join(ROOT, "..", "shared", "pcaps", "public")
        if os.path.isdir(pub):
            pcaps += sorted(glob.glob(os.path.join(pub, "*")))
        else:
            print("SKIPPED LOUDLY: %s is absent; seeds from own captures only" % pub)
    replies, commands, addresses, cores = [], [], [], []
    for p in pcaps:
        rows = tshark_rows(p)
        control = {}
        for r in rows:
            if "ftp" in r["protos"] and r["stream"] not in control:
                control[r["stream"]] = r["sport"] if r["sport"] in (21, 2121) or r["dport"] not in (21, 2121) \
                    and r["sport"] < r["dport"] else r["dport"]
        # data connections, and any other connection between the same hosts (e.g. the vsftpd 2.3.4
        # backdoor shell on port 6200): ftp-data first
        data_streams = sorted({r["stream"] for r in rows if "ftp-data" in r["protos"]})
        data_streams += sorted({r["stream"] for r in rows} - set(data_streams) - set(control))
        rep = list(lines_of(rows, control, True))
        cmd = list(lines_of(rows, control, False))
        replies += rep
        commands += cmd
        for l in cmd:
            if l[:5].upper() in (b"PORT ", b"EPRT "):
                addresses.append(l[5:])
        for l in rep:
            if l[:4] in (b"227 ", b"229 "):
                addresses.append(l[4:])
        cores += core_seeds(rows, control, data_streams)
    # fuzz_reply prefix: multiline code = the line's own (1000), command = none (255)
    write("fuzz_reply", [b"\x03\xe8\xff" + l for l in pick(replies, MAX_FILES)])
    write("fuzz_command", pick(commands, MAX_FILES))
    write("fuzz_address", pick(addresses, MAX_FILES))
    cores = list(dict.fromkeys(cores))
    if len(cores) > MAX_FILES:
        cores = sorted(cores, key=len)[:MAX_FILES]
    write("fuzz_core", cores)


if __name__ == "__main__":
    main(sys.argv[1:])
