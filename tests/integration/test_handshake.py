#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark integration tests for the TCP teaching (ftplens.tcp.*).

- exact values on the classroom lab capture, whatever the TCP preferences;
- an independent check, on every public and own capture, that each data
  connection is matched to the right PORT/EPRT/227/229 and transfer command,
  and that every complete handshake gets steps 1, 2 and 3.
"""
import ipaddress
import os
import re
import socket
import struct
import sys

from harness import eq, run

TCP = ["ftplens.session", "ftplens.tcp.step", "ftplens.tcp.step_num", "ftplens.tcp.conn_role",
       "ftplens.tcp.setup_frame", "ftplens.tcp.data_command", "ftplens.tcp.isn", "ftplens.tcp.peer_isn",
       "ftplens.tcp.seq_rel", "ftplens.tcp.ack_rel", "ftplens.tcp.next_seq_rel", "ftplens.tcp.seq_bytes",
       "ftplens.tcp.ack_bytes", "ftplens.tcp.explain", "ftplens.tcp.ack_ok", "ftplens.tcp.syn_rtt",
       "ftplens.tcp.hs_rtt", "ftplens.tcp.refers_to"]
TRUE = (["1"], ["True"])


def test_lab_handshake(env):
    pcap = env.public_pcap("net-creds__ftp.pcap")
    base = env.fields(pcap, TCP, "ftplens")
    syn, synack, ack = base[94], base[154], base[156]
    eq(syn["ftplens.tcp.step"], ["handshake 1/3: SYN (client asks to open)"], "SYN step")
    eq(syn["ftplens.tcp.isn"], ["0x626bf2f7"], "client ISN")
    eq(syn["ftplens.tcp.seq_rel"], ["0"], "SYN relative 0")
    eq(syn["ftplens.tcp.seq_bytes"], ["62 6b f2 f7"], "hex bytes as in the lab")
    eq(synack["ftplens.tcp.step_num"], ["2"], "SYN-ACK step")
    eq(synack["ftplens.tcp.isn"], ["0xe537a51e"], "server ISN")
    eq(synack["ftplens.tcp.ack_bytes"], ["62 6b f2 f8"], "SYN-ACK acknowledges ISN + 1")
    assert synack["ftplens.tcp.ack_ok"] in TRUE
    assert "= client ISN 0x626bf2f7 + 1, because a SYN consumes one sequence number" in synack["ftplens.tcp.explain"][0]
    eq(ack["ftplens.tcp.step"], ["handshake 3/3: ACK (connection established)"], "ACK step")
    eq(ack["ftplens.tcp.seq_bytes"], ["62 6b f2 f8"], "ACK seq")
    eq(ack["ftplens.tcp.ack_bytes"], ["e5 37 a5 1f"], "ACK ack")
    assert ack["ftplens.tcp.ack_ok"] in TRUE
    eq(ack["ftplens.tcp.refers_to"], ["154"], "the SYN-ACK it completes")
    assert "equals the acknowledgment number of the SYN-ACK (frame 154)" in ack["ftplens.tcp.explain"][0]
    # the first data segments: Len explained line by line ("why is Len 6")
    eq(base[198]["ftplens.tcp.explain"], ["Len 6 = '220-' (4 bytes) + CR LF (2 bytes); next sequence number = 1 + 6 = 7."], "Len 6")
    eq(base[228]["ftplens.tcp.explain"], ["Len 16 = 'USER anonymous' (14 bytes) + CR LF (2 bytes); next sequence number = 1 + 16 = 17."], "Len 16")
    eq(base[202]["ftplens.tcp.step"], ["ack only"], "frame 202 is an ACK, not a SYN-ACK")
    # identical whatever Wireshark's own TCP preferences say
    for opt in ("tcp.relative_sequence_numbers:FALSE", "tcp.analyze_sequence_numbers:FALSE"):
        other = env.fields(pcap, TCP, "ftplens", opts=[opt])
        eq(other, base, opt)


def test_every_segment_pref(env):
    """ftplens.tcp_every_segment:FALSE drops ftplens.tcp.* from plain ACKs and data
    segments only: every other frame keeps exactly the values of the default."""
    pcap = env.public_pcap("net-creds__ftp.pcap")
    fields = TCP + ["ftplens.line", "tcp.len"]
    full = env.fields(pcap, fields, "ftplens")
    lean = env.fields(pcap, fields, "ftplens", opts=["ftplens.tcp_every_segment:FALSE"])
    eq(sorted(lean), sorted(full), "the same frames carry ftplens")
    dropped = kept = 0
    for num, row in full.items():
        plain = row["ftplens.tcp.step"] in (["data"], ["ack only"]) and not row["ftplens.line"] and \
            row["ftplens.tcp.ack_ok"] not in (["0"], ["False"])
        if plain:
            dropped += 1
            eq(lean[num]["ftplens.tcp.step"], [], "frame %d: plain segment unexplained" % num)
            eq(lean[num]["ftplens.session"], row["ftplens.session"], "frame %d: session kept" % num)
        else:
            kept += 1
            eq(lean[num], row, "frame %d: unchanged" % num)
    # the lab session: 2 plain ACKs (202 and the last), 15 handshake, line and close frames
    eq((dropped, kept), (2, 15), "plain / other frames of the lab session")
    eq(lean[202]["ftplens.tcp.step"], [], "frame 202, an ACK")
    eq(lean[156]["ftplens.tcp.step"], ["handshake 3/3: ACK (connection established)"], "handshake kept")
    eq(lean[228]["ftplens.tcp.explain"], full[228]["ftplens.tcp.explain"], "the Len of a line kept")


def test_segment_length(env):
    """ftplens reads the TCP payload length from the IP header, not from tcp.len: on every
    frame of every capture next_seq_rel - seq_rel must be tcp.len (+1 for SYN, +1 for FIN);
    Ethernet padding of short frames is not payload."""
    pcaps = [env.own(n) for n in sorted(os.listdir(env.pcaps)) if n.endswith(".pcapng")]
    try:
        pcaps += env.public_all()
    except Exception as e:   # Skip: only the own captures
        print("  public captures: %s" % e)
    total = 0
    for pcap in pcaps:
        rows = env.fields(pcap, ["tcp.len", "tcp.flags.syn", "tcp.flags.fin", "ftplens.tcp.seq_rel",
                                 "ftplens.tcp.next_seq_rel"], "ftplens.tcp.step", two_pass=True)
        for num, r in rows.items():
            want = int(r["tcp.len"][0]) + sum(r[f][0] in ("1", "True") for f in ("tcp.flags.syn", "tcp.flags.fin"))
            got = (int(r["ftplens.tcp.next_seq_rel"][0]) - int(r["ftplens.tcp.seq_rel"][0])) % (1 << 32)
            eq(got, want, "%s frame %d: segment length" % (os.path.basename(pcap), num))
        total += len(rows)
    print("  %d frames: segment lengths agree with tcp.len" % total)
    assert total > 3000, total


def test_heuristic_handshake_late(env):
    """pyftpdlib on port 2121 is found by its 220 greeting: the handshake before it is
    explained once the greeting is seen, so it shows in two passes (not in one)."""
    pcap = env.own("pyftpdlib-2121.pcapng")
    fields = ["ftplens.tcp.step", "ftplens.tcp.seq_rel", "ftplens.tcp.ack_rel", "ftplens.session"]
    one = env.fields(pcap, fields)
    two = env.fields(pcap, fields, two_pass=True)
    eq([two[f]["ftplens.tcp.step"] for f in (1, 2, 3)],
       [["handshake 1/3: SYN (client asks to open)"], ["handshake 2/3: SYN-ACK"],
        ["handshake 3/3: ACK (connection established)"]], "two passes: the handshake")
    eq([two[f]["ftplens.tcp.ack_rel"] for f in (2, 3)], [["1"], ["1"]], "ACK = peer ISN + 1")
    eq([one[f]["ftplens.tcp.step"] for f in (1, 2, 3)], [[], [], []], "one pass: decided after them")
    late = 0
    for f in sorted(one):
        if one[f]["ftplens.session"]:
            eq(one[f], two[f], "frame %d: the same in one and two passes" % f)
        elif two[f]["ftplens.session"]:
            # only the handshakes of the sessions found by their greeting come late
            assert two[f]["ftplens.tcp.step"][0].startswith("handshake "), (f, two[f])
            late += 1
    eq(late, 6, "two sessions on port 2121: two handshakes explained late")


FORWARD = ("ftplens.tcp.conn_role", "ftplens.tcp.data_command")


def test_one_pass_equals_two_pass(env):
    """All backward-looking tcp fields agree; role/command of a data connection may be
    completed by the second pass (clients in passive mode, and servers such as pyftpdlib in active mode, connect before the transfer command is sent)."""
    for name in sorted(os.listdir(env.pcaps)):
        if not name.endswith(".pcapng"):
            continue
        one = env.fields(env.own(name), TCP, "ftplens")
        two = env.fields(env.own(name), TCP, "ftplens", two_pass=True)
        for f, r in one.items():
            for k in TCP:
                if k in FORWARD and r[k] != two[f][k]:
                    # only the transfer command may be added by the second pass
                    one_v, two_v = (r[k] or [""])[0], two[f][k][0]
                    assert one_v == "" or (two_v.startswith(one_v[:-1]) and ", for " in two_v), (name, f, k, one_v, two_v)
                    continue
                eq(r[k], two[f][k], "%s frame %d %s" % (name, f, k))


# ---------------- independent data-connection check ----------------

FIELDS = ["tcp.stream", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport", "tcp.flags",
          "ftplens.session", "ftplens.line", "ftplens.sender", "ftplens.tcp.step_num", "ftplens.tcp.setup_frame",
          "ftplens.tcp.data_command", "ftplens.tcp.conn_role"]
XFER = {b"RETR", b"STOR", b"STOU", b"APPE", b"LIST", b"NLST", b"MLSD"}


def addrs(r):
    if r["ipv6.src"]:
        return ipaddress.ip_address(r["ipv6.src"][-1]), ipaddress.ip_address(r["ipv6.dst"][-1])
    return ipaddress.ip_address(r["ip.src"][-1]), ipaddress.ip_address(r["ip.dst"][-1])


def announcements(rows):
    """[(session, frame, active, addr, port)] and the transfer verb each one serves."""
    out = []
    for f in sorted(rows):
        r = rows[f]
        if not r["ftplens.line"]:
            continue
        src, dst = addrs(r)
        sess = r["ftplens.session"][0]
        for line, sender in zip(r["ftplens.line"], r["ftplens.sender"]):
            b = line.encode()
            verb = b.split(b" ", 1)[0].upper()
            a = None
            if sender == "client" and verb == b"PORT":
                m = re.fullmatch(rb"PORT (\d+),(\d+),(\d+),(\d+),(\d+),(\d+) *", b, re.I)
                if m:
                    v = [int(x) for x in m.groups()]
                    a = [True, ipaddress.ip_address("%d.%d.%d.%d" % tuple(v[:4])), v[4] * 256 + v[5]]
            elif sender == "client" and verb == b"EPRT":
                m = re.fullmatch(rb"EPRT (.)([12]?)\1([^|]*)\1(\d+)\1 *", b, re.I)
                if m:
                    a = [True, ipaddress.ip_address(m.group(3).decode()) if m.group(3) else src, int(m.group(4))]
            elif sender == "server" and b.startswith(b"227 "):
                m = re.search(rb"(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)", b)
                if m:
                    v = [int(x) for x in m.groups()]
                    a = [False, ipaddress.ip_address("%d.%d.%d.%d" % tuple(v[:4])), v[4] * 256 + v[5]]
            elif sender == "server" and b.startswith(b"229 "):
                m = re.search(rb"\((.)\1\1(\d+)\1\)", b)
                if m:
                    a = [False, src, int(m.group(2))]
            if a:
                out.append({"session": sess, "frame": f, "active": a[0], "addr": a[1], "port": a[2],
                            "own": src, "command": None, "used": False})
            elif sender == "client" and verb in XFER:
                for e in reversed([e for e in out if e["session"] == sess]):
                    if e["command"] is None:
                        e["command"] = verb.decode()
                        break
                    # only the newest announcement without a command is used
    return out


def check_data_connections(env, pcap, opts=()):
    rows = env.fields(pcap, FIELDS, "tcp", two_pass=True, opts=opts)
    ann = announcements(rows)
    streams, checked = {}, 0
    for f in sorted(rows):
        streams.setdefault(rows[f]["tcp.stream"][0], []).append(f)
    for sid, frames in streams.items():
        r = rows[frames[0]]
        flags = int(r["tcp.flags"][0], 16)
        if r["ftplens.session"] and r["ftplens.session"][0] == sid:
            # a control connection: a complete handshake must be labelled 1, 2, 3
            steps = [rows[f]["ftplens.tcp.step_num"][0] for f in frames[:3] if rows[f]["ftplens.tcp.step_num"]]
            if flags & 0x12 == 0x02 and len(frames) >= 3 and int(rows[frames[1]]["tcp.flags"][0], 16) & 0x12 == 0x12:
                eq(steps, ["1", "2", "3"], "%s control stream %s handshake" % (pcap, sid))
            continue
        if flags & 0x12 != 0x02:
            continue        # only connections whose SYN was captured are checked
        src, dst = addrs(r)
        port = int(r["tcp.dstport"][0])
        match = None
        for e in ann:
            if not e["used"] and e["frame"] < frames[0] and e["port"] == port and dst in (e["addr"], e["own"]):
                match = e
                break
        where = "%s stream %s (frame %d)" % (os.path.basename(pcap), sid, frames[0])
        if match is None:
            role = r["ftplens.tcp.conn_role"]
            if role and "backdoor" in role[0]:
                eq(port, 6200, where + ": a backdoor connection goes to port 6200")
                continue
            eq(role, [], where + ": not an FTP data connection")
            continue
        match["used"] = True
        checked += 1
        eq(r["ftplens.tcp.setup_frame"], [str(match["frame"])], where + " setup frame")
        eq(r["ftplens.tcp.data_command"], [match["command"]] if match["command"] else [], where + " command")
        role = r["ftplens.tcp.conn_role"][0]
        assert role.startswith("FTP data (active" if match["active"] else "FTP data (passive"), (where, role)
        steps = [rows[f]["ftplens.tcp.step_num"][0] for f in frames[:3]]
        if len(frames) >= 3 and int(rows[frames[1]]["tcp.flags"][0], 16) & 0x12 == 0x12:
            eq(steps, ["1", "2", "3"], where + " handshake steps")
    return checked


def test_data_connections_public(env):
    total = 0
    for pcap in env.public_all():
        n = check_data_connections(env, pcap)
        if n:
            print("  %-70s %3d data connections agree" % (os.path.basename(pcap), n))
        total += n
    assert total >= 40, total


def test_data_connections_own(env):
    total = 0
    for name in sorted(os.listdir(env.pcaps)):
        if name.endswith(".pcapng"):
            n = check_data_connections(env, env.own(name))
            print("  %-70s %3d data connections agree" % (name, n))
            total += n
    assert total >= 15, total


# ---- encapsulations: ftplens reads the IP and TCP headers from the frame's bytes ----

def _tcp(sp, dp, seq, ack, flags, data=b""):
    return struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + data


def _ip4(src, dst, payload, proto=6):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0, socket.inet_aton(src),
                       socket.inet_aton(dst)) + payload


def _ip6(src, dst, payload, nh=6, ext=b""):
    return struct.pack("!IHBB16s16s", 0x60000000, len(ext) + len(payload), nh, 64,
                       socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)) + ext + payload


def _ah(payload_nh=6):
    """IPsec AH (RFC 4302) with a 12-byte ICV: 24 bytes, length field 4."""
    return struct.pack("!BBHII", payload_nh, 4, 0, 0x1000, 1) + b"\0" * 12


def _session(cport, isn_c, isn_s, lines):
    """(client_to_server, tcp bytes) of a handshake and FTP lines."""
    out, c, s = [(True, _tcp(cport, 21, isn_c, 0, 2)), (False, _tcp(21, cport, isn_s, isn_c + 1, 18))], isn_c + 1, isn_s + 1
    out.append((True, _tcp(cport, 21, c, s, 16)))
    for to_server, line in lines:
        if to_server:
            out.append((True, _tcp(cport, 21, c, s, 24, line)))
            c += len(line)
        else:
            out.append((False, _tcp(21, cport, s, c, 24, line)))
            s += len(line)
    return out


LINES = [(False, b"220 ready\r\n"), (True, b"USER anonymous\r\n"), (False, b"331 password\r\n"),
         (True, b"PASS a@b\r\n"), (False, b"230 in\r\n"), (True, b"QUIT\r\n"), (False, b"221 bye\r\n")]


def _write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(fr), len(fr)) + fr)
    os.chmod(path, 0o644)


def _eth(payload, ethertype, vlan=None):
    head = b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb"
    if vlan is not None:
        head += struct.pack("!HH", 0x8100, vlan)
    return head + struct.pack("!H", ethertype) + payload


def _encapsulated_captures(folder):
    """Small captures of one FTP login each, in encapsulations the header search must handle."""
    c4, s4, c6, s6, hop6 = "10.0.0.1", "10.0.0.2", "2001:db8::1", "2001:db8::2", "2001:db8::99"
    plain = _session(40000, 1000, 5000, LINES)
    v4 = lambda seg, up: _ip4(c4, s4, seg) if up else _ip4(s4, c4, seg)
    # SRv6 routing header (type 4) with segments left 1: the IPv6 header names the next hop, Wireshark's
    # pinfo->dst is the final destination (the server, in the segment list).
    srh = struct.pack("!BBBBBBH", 6, 2, 4, 1, 0, 0, 0) + socket.inet_pton(socket.AF_INET6, s6)
    caps = {
        "vlan": [_eth(v4(seg, up), 0x0800, vlan=7) for up, seg in plain],
        "ipv4-ah": [_eth(_ip4(c4, s4, _ah() + seg, 51) if up else _ip4(s4, c4, _ah() + seg, 51), 0x0800)
                    for up, seg in plain],
        "ipv6-ah": [_eth(_ip6(c6, s6, seg, 51, _ah()) if up else _ip6(s6, c6, seg, 51, _ah()), 0x86dd)
                    for up, seg in plain],
        "ipv6-srh": [_eth(_ip6(c6, hop6, seg, 43, srh) if up else _ip6(s6, c6, seg), 0x86dd) for up, seg in plain],
        "ipv6-hop-by-hop": [_eth(_ip6(c6, s6, seg, 0, struct.pack("!BB6s", 6, 0, b"\x01\x04\0\0\0\0")) if up
                                 else _ip6(s6, c6, seg), 0x86dd) for up, seg in plain],
        # the same addresses and ports twice: TCP starts a new tcp.stream at the second SYN
        "port-reuse": [_eth(v4(seg, up), 0x0800) for up, seg in plain + _session(40000, 90000, 70000, LINES)],
    }
    paths = {}
    for name, frames in caps.items():
        paths[name] = os.path.join(folder, "encap-%s.pcap" % name)
        _write_pcap(paths[name], frames)
    return paths


def _same_sessions_as_tcp(env, pcap, opts=()):
    """Every FTP line stock Wireshark sees is explained by ftplens, on the frame's own tcp.stream."""
    rows = env.fields(pcap, ["tcp.stream", "ftplens.session", "ftp.request.command", "ftp.response.code",
                             "ftplens.request.command", "ftplens.reply.code"], opts=opts)
    lines = 0
    for frame, r in rows.items():
        if not (r["ftp.request.command"] or r["ftp.response.code"]):
            continue
        # (stock gives no code to a multi-line reply's later lines in their own frames: ftplens does)
        eq(r["ftplens.request.command"], r["ftp.request.command"], "%s frame %d: commands" % (pcap, frame))
        for code in r["ftp.response.code"]:
            assert code in r["ftplens.reply.code"], "%s frame %d: reply %s missing: %r" % (pcap, frame, code, r)
        eq(r["ftplens.session"], r["tcp.stream"], "%s frame %d: session" % (pcap, frame))
        lines += 1
    return lines


def test_encapsulations(env):
    """VLAN, IPsec AH over IPv4 and IPv6, an IPv6 routing header whose header names the next hop (pinfo's
    destination is the final one), hop-by-hop options, and port reuse: the same lines and streams as stock."""
    for name, path in sorted(_encapsulated_captures(env.home).items()):
        n = _same_sessions_as_tcp(env, path)
        expected = 2 * len(LINES) if name == "port-reuse" else len(LINES)
        eq(n, expected, name + ": FTP lines")
        print("  %-20s %d FTP lines on the right stream" % (name, n))


def test_conversation_deinterlacing(env):
    """With the deinterlacing preference (Wireshark 4.4 on) TCP keeps its conversations apart per interface
    and VLAN; ftplens finds them the way TCP does."""
    prefs, _ = env.tshark(["-G", "defaultprefs"])
    if "conversation_deinterlacing_key" not in prefs:
        print("  skipped: this Wireshark has no conversation_deinterlacing_key preference (4.4 on)")
        return
    for key in ["VMI", "VM.", ".MI"]:
        n = _same_sessions_as_tcp(env, env.own("vsftpd-login-transfers.pcapng"),
                                  opts=["protocols.conversation_deinterlacing_key:" + key])
        assert n > 20, (key, n)
        print("  deinterlacing %s: %d FTP lines on the right stream" % (key, n))


if __name__ == "__main__":
    sys.exit(run([test_lab_handshake, test_every_segment_pref, test_segment_length, test_heuristic_handshake_late, test_one_pass_equals_two_pass, test_data_connections_public,
                  test_data_connections_own, test_encapsulations, test_conversation_deinterlacing]))
