#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark integration tests: reply and command explanations, pairing, inputs.

Values asserted here were read off the captures (frame numbers, codes); the
captures in pcaps/ are rebuilt by tests/captures/make-captures.sh.
"""
import sys

from harness import Skip, eq, run

REPLY = ["ftplens.session", "ftplens.line", "ftplens.reply.code", "ftplens.reply.class",
         "ftplens.reply.class_text", "ftplens.reply.category", "ftplens.reply.category_text",
         "ftplens.reply.meaning", "ftplens.reply.rfc", "ftplens.reply.part", "ftplens.reply.to",
         "ftplens.reply.to_command", "ftplens.reply.time"]
REQUEST = ["ftplens.request.command", "ftplens.request.arg", "ftplens.request.meaning",
           "ftplens.request.rfc", "ftplens.request.known", "ftplens.request.reply_in",
           "ftplens.request.arg_explained", "ftplens.session.user"]
ALL = REPLY + REQUEST


def test_lab_capture_net_creds(env):
    """The classroom lab capture: 6to4 IPv6, two-line 220-, lower-case verbs."""
    pcap = env.public_pcap("net-creds__ftp.pcap")
    rows = env.fields(pcap, ALL, "ftplens")
    # two-line greeting: 220- (frame 198) and 220 (frame 227), answering no command
    eq(rows[198]["ftplens.reply.part"], ["first"], "greeting first line")
    eq(rows[227]["ftplens.reply.part"], ["last"], "greeting last line")
    eq(rows[198]["ftplens.reply.to"] + rows[227]["ftplens.reply.to"], [], "greeting answers nothing")
    eq(rows[227]["ftplens.reply.code"], ["220"], "greeting code")
    # opts utf8 on -> 502
    eq(rows[329]["ftplens.request.command"], ["OPTS"], "upper-cased verb")
    eq(rows[329]["ftplens.request.arg"], ["utf8 on"], "argument")
    eq(rows[329]["ftplens.request.rfc"], ["RFC 2389"], "OPTS rfc")
    r = rows[384]
    eq(r["ftplens.reply.code"], ["502"], "code")
    eq(r["ftplens.reply.class"], ["5"], "class")
    eq(r["ftplens.reply.class_text"], ["Permanent Negative Completion"], "class text")
    eq(r["ftplens.reply.category"], ["0"], "category")
    eq(r["ftplens.reply.category_text"], ["Syntax"], "category text")
    eq(r["ftplens.reply.meaning"], ["Command not implemented"], "meaning")
    eq(r["ftplens.reply.rfc"], ["RFC 959"], "rfc")
    eq(r["ftplens.reply.to"], ["329"], "502 answers opts")
    eq(r["ftplens.reply.to_command"], ["OPTS"], "502 answers OPTS")
    # syst -> 215
    eq(rows[441]["ftplens.reply.to"], ["385"], "215 answers syst")
    eq(rows[441]["ftplens.reply.to_command"], ["SYST"], "215 to SYST")
    eq(rows[441]["ftplens.reply.category_text"], ["Information"], "215 category")
    # site help -> 214- (the capture ends before the rest of the reply)
    r = rows[513]
    eq(r["ftplens.reply.part"], ["first"], "214- part")
    eq(r["ftplens.reply.class"], ["2"], "214 class")
    eq(r["ftplens.reply.category"], ["1"], "214 category")
    eq(r["ftplens.reply.to"], ["442"], "214 answers site help")
    eq(rows[442]["ftplens.request.command"], ["SITE"], "site")
    eq(rows[268]["ftplens.session.user"], ["anonymous"], "user")
    eq(rows[328]["ftplens.reply.to_command"], ["PASS"], "230 answers PASS")
    # response time: 384 - 329 in the capture's own clock
    t = env.fields(pcap, ["frame.time_epoch"], "frame.number in {329,384}")
    expect = float(t[384]["frame.time_epoch"][0]) - float(t[329]["frame.time_epoch"][0])
    got = float(r and rows[384]["ftplens.reply.time"][0])
    assert abs(got - expect) < 1e-6, (got, expect)
    # forward link needs two passes
    two = env.fields(pcap, ALL, "ftplens", two_pass=True)
    eq(two[329]["ftplens.request.reply_in"], ["384"], "reply_in with -2")
    eq(rows[329]["ftplens.request.reply_in"], [], "reply_in is empty in one pass")


def _backward(rows, lines_only=False):
    return {f: {n: r[n] for n in ALL if n != "ftplens.request.reply_in"} for f, r in rows.items()
            if r["ftplens.line"] or not lines_only}


def test_one_pass_equals_two_pass(env):
    """Every backward-looking field is the same in one-pass and two-pass tshark."""
    for name in ["lab-anonymous.pcapng", "vsftpd-login-transfers.pcapng", "pipelined-split.pcapng",
                 "pyftpdlib-2121.pcapng", "ipv6.pcapng"]:
        one = env.fields(env.own(name), ALL, "ftplens")
        two = env.fields(env.own(name), ALL, "ftplens", two_pass=True)
        assert one, name
        # A session found by the heuristic is known only from its greeting on: its
        # handshake frames are annotated in the second pass (and the GUI) only.
        extra = set(two) - set(one)
        first_line = {}
        for f, r in sorted(one.items()):
            if r["ftplens.line"]:
                first_line.setdefault(r["ftplens.session"][0], f)
        for f in extra:
            assert not two[f]["ftplens.line"] and f < first_line[two[f]["ftplens.session"][0]], (name, f)
        if "2121" not in name and "pipelined" not in name:
            eq(extra, set(), name + ": frames only in the second pass")
        eq(_backward(one), _backward({f: r for f, r in two.items() if f in one}), name)


def test_own_lab_recreation(env):
    rows = env.fields(env.own("lab-anonymous.pcapng"), ALL, "ftplens", two_pass=True)
    eq(rows[4]["ftplens.reply.part"] + rows[6]["ftplens.reply.part"], ["first", "last"], "220-/220")
    eq(rows[12]["ftplens.request.arg"], ["IEUser@"], "lab password is visible")
    eq(rows[16]["ftplens.reply.to_command"], ["OPTS"], "opts reply")
    eq(rows[16]["ftplens.reply.meaning"], ["Syntax error in parameters or arguments"], "501")
    # site help: first, continuation lines (two in one segment), last; all answer frame 21
    parts, tos = [], []
    for f in (22, 24, 26):
        parts += rows[f]["ftplens.reply.part"]
        tos += rows[f]["ftplens.reply.to"]
    eq(parts, ["first", "continuation", "continuation", "last"], "214 parts")
    eq(set(tos), {"21"}, "all 214 lines answer site help")
    eq(rows[21]["ftplens.request.reply_in"], ["22"], "site help reply_in = first line of its final reply")


def test_pipelined_and_split(env):
    rows = env.fields(env.own("pipelined-split.pcapng"), ALL, "ftplens", two_pass=True)
    eq(rows[6]["ftplens.request.command"], ["USER", "PASS"], "two commands in one segment")
    eq(rows[6]["ftplens.request.reply_in"], ["8", "10"], "each pipelined command gets its reply")
    eq(rows[10]["ftplens.reply.to_command"], ["PASS"], "230 answers PASS")
    eq(rows[12]["ftplens.request.command"], ["SYST", "PWD", "NOOP"], "three commands")
    eq([rows[f]["ftplens.reply.to_command"][0] for f in (13, 15, 17)], ["SYST", "PWD", "NOOP"], "in order")
    eq(rows[15]["ftplens.reply.meaning"], ["\"PATHNAME\" is the current directory"], "257 to PWD")
    # NO + OP\r\n: one command, annotated where it ends
    eq(rows.get(19, {}).get("ftplens.request.command", []), [], "first half is not a command")
    eq(rows[21]["ftplens.request.command"], ["NOOP"], "split NOOP")
    eq(rows[23]["ftplens.reply.to"], ["21"], "reply to split NOOP")
    eq(rows[27]["ftplens.request.command"], ["TYPE"], "split TYPE I")
    eq(rows[33]["ftplens.request.command"], ["SIZE"], "split SIZE")
    eq(rows[35]["ftplens.reply.meaning"], ["File status: size of the file in octets"], "213 to SIZE")
    eq(rows[38]["ftplens.reply.to_command"], ["XYZZY"], "500 answers XYZZY")
    eq(rows[37]["ftplens.request.known"] in (["0"], ["False"]), True, "XYZZY is unknown")


def test_heuristic_and_decode_as(env):
    pcap = env.own("pyftpdlib-2121.pcapng")
    rows = env.fields(pcap, ALL, "ftplens")
    sessions = {r["ftplens.session"][0] for r in rows.values()}
    eq(len(sessions), 2, "two sessions on port 2121 found without configuration")
    off = env.fields(pcap, ALL, "ftplens", opts=["ftplens.heuristic:FALSE"])
    eq(off, {}, "heuristic off: nothing on 2121")
    decoded = env.fields(pcap, ALL, "ftplens", opts=["ftplens.heuristic:FALSE", ["-d", "tcp.port==2121,ftp"]])
    # (with Decode As the session starts at the SYN; the heuristic needs the greeting)
    eq(_backward(decoded, True), _backward(rows, True), "Decode As 2121 gives the same annotations")
    codes = [c for r in rows.values() for c in r["ftplens.reply.code"]]
    assert "530" in codes and "125" in codes or "150" in codes, codes


def test_vsftpd_sessions(env):
    rows = env.fields(env.own("vsftpd-login-transfers.pcapng"), ALL, "ftplens", two_pass=True)
    eq(rows[11]["ftplens.reply.to"], ["9"], "first 530 answers the first PASS")
    eq(rows[11]["ftplens.reply.category_text"], ["Authentication and accounting"], "530 category")
    eq(rows[22]["ftplens.reply.to_command"], ["PASS"], "230 answers PASS")
    eq(rows[28]["ftplens.request.arg_explained"],
       ["127,0,0,1,117,138 \u2192 127.0.0.1 port 30090 = 117\u00d7256+138"], "227 explained")
    eq(rows[59]["ftplens.request.arg_explained"],
       ["127,0,0,1,161,251 \u2192 127.0.0.1 port 41467 = 161\u00d7256+251"], "PORT explained")
    eq(rows[49]["ftplens.reply.class_text"], ["Positive Preliminary"], "150")
    eq(rows[48]["ftplens.request.reply_in"], ["55"], "RETR final reply is the 226, not the 150")
    eq(rows[55]["ftplens.reply.to_command"], ["RETR"], "226 answers RETR")
    # every EPRT is explained with its address
    eprts = [r for r in rows.values() if r["ftplens.request.command"] == ["EPRT"]]
    assert eprts
    for r in eprts:
        assert "IPv4 address 127.0.0.1 port" in r["ftplens.request.arg_explained"][0], r


def test_ipv6(env):
    rows = env.fields(env.own("ipv6.pcapng"), ALL, "ftplens")
    eprts = [r for r in rows.values() if r["ftplens.request.command"] == ["EPRT"]]
    assert eprts
    for r in eprts:
        assert "IPv6 address ::1 port" in r["ftplens.request.arg_explained"][0], r
    assert any(r["ftplens.reply.code"] == ["229"] for r in rows.values())


def test_invalid_reply_code(env):
    pcap = env.public_pcap("zeek__ftp-invalid-reply-code.pcap")
    rows = env.fields(pcap, ALL + ["_ws.expert.message"], "ftplens")
    bad = [f for f, r in rows.items() if any(l.startswith("99 ") for l in r["ftplens.line"])]
    assert bad, "the 99 reply is shown"
    r = rows[bad[0]]
    eq(r["ftplens.reply.class"], [], "no fake class on '99 PASV invalid'")
    eq(r["ftplens.reply.to_command"], ["PASV"], "the malformed line is PASV's answer")
    bye = [x for x in rows.values() if x["ftplens.reply.code"] == ["221"]]
    eq(bye[0]["ftplens.reply.to_command"], ["QUIT"], "221 answers QUIT, not PASV")
    assert any("Malformed FTP reply" in m for m in r["_ws.expert.message"]), r


def test_too_long_reply_is_capped(env):
    pcap = env.public_pcap("suricata-verify__ftp-too-long-response.pcap")
    rows = env.fields(pcap, ["ftplens.reply.code", "ftplens.line", "_ws.expert.message"], "ftplens")
    long_ = [r for r in rows.values() if any("only the first 4096 bytes" in m for m in r["_ws.expert.message"])]
    eq(len(long_), 1, "one over-long line")
    assert len(long_[0]["ftplens.line"][0]) == 4096, len(long_[0]["ftplens.line"][0])
    eq(long_[0]["ftplens.reply.code"], ["227"], "still a 227")


def test_every_public_capture_dissects_cleanly(env):
    for pcap in env.public_all():
        for two in (False, True):
            args = ["-r", pcap, "-q", "-z", "expert"] + (["-2"] if two else [])
            out, err = env.tshark(args)
            assert "ftplens" not in err.lower(), (pcap, err)


def test_fields_are_registered(env):
    out, _ = env.tshark(["-G", "fields"])
    names = {l.split("\t")[2] for l in out.splitlines() if l.startswith("F\t")}
    for f in ALL + ["ftplens.line"]:
        assert f in names, f
    out, _ = env.tshark(["-G", "values"])
    assert "ftplens.reply.class" in out


if __name__ == "__main__":
    sys.exit(run([test_lab_capture_net_creds, test_one_pass_equals_two_pass, test_own_lab_recreation,
                  test_pipelined_and_split, test_heuristic_and_decode_as, test_vsftpd_sessions, test_ipv6,
                  test_invalid_reply_code, test_too_long_reply_is_capped,
                  test_every_public_capture_dissects_cleanly, test_fields_are_registered]))
