#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark integration tests for the Zeek-style FTP log (-z ftplens,log[,json]).

- Zeek's own baselines (../shared/zeek-baselines, Zeek's ftp.log for the
  public Zeek traces, with each test's redefs applied): every record and field
  equal, except differences of a documented kind, each checked against the
  packets (README, "The FTP log": the list of kinds must stay the same);
- every record of every own and public capture against facts read from the
  packets: the command line in ftplens.frame, the reply line in
  ftplens.reply_frame and its pairing (the pairing oracle of
  test_pairing_check.py), addresses, ports and time of the command frame, the
  data channel the line announces;
- JSON lines and TSV carry the same records; passwords masked; a display
  filter keeps its sessions; ids are the same on every run and in two passes;
  refused options and preference words.
"""
import json
from decimal import Decimal
import os
import re

from harness import SEP, Skip, eq, quick_skipped, run
from test_pairing_check import expected_for_stream, first
from test_worksheet import PACKET_FIELDS, lines_by_frame, payload

ZEEK_COLUMNS = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "user", "password", "command", "arg",
                "mime_type", "file_size", "reply_code", "reply_msg", "data_channel.passive", "data_channel.orig_h",
                "data_channel.resp_h", "data_channel.resp_p", "fuid"]
OWN_COLUMNS = ["ftplens.frame", "ftplens.reply_frame", "ftplens.reply_class", "ftplens.reply_category",
               "ftplens.pairing", "ftplens.data_bytes", "ftplens.findings"]
GUEST_IDS = {"anonymous", "ftp", "ftpuser", "guest"}     # Zeek's FTP::guest_ids
# The kinds of difference from Zeek's baselines, as the README lists them.  Each is checked from the packets.
DOCUMENTED = {
    "zeek_truncates",           # a max_*_length redef of Zeek's test: its value is a prefix of ours
    "zeek_hides_password",      # Zeek writes <hidden> for a non-guest user; ours is the PASS argument
    "zeek_password_sent_later",  # Zeek logs the USER record after a PASS sent later in the capture
    "zeek_other_commands_reply",  # Zeek's reply answers another command (the packets pair it elsewhere)
    "zeek_no_mime_type",        # Zeek names no type; the data connection's first bytes are text
    "zeek_pending_limit",       # max_pending_commands redef: Zeek drops the commands above it
    "zeek_stops_after_bad_reply",   # Zeek's analyzer stops at an invalid reply line; ftplens goes on
}


def parse_tsv(out):
    fields, rows = None, []
    for line in out.split("\n"):
        if line.startswith("#fields\t"):
            fields = line.split("\t")[1:]
        elif line and not line.startswith("#"):
            rows.append(dict(zip(fields, line.split("\t"))))
    return fields, rows


def log(env, pcap, commands="zeek", fmt=None, extra=()):
    args = ["-r", pcap, "-q", "-o", "ftplens.log_commands:" + commands] + list(extra)
    out, err = env.tshark(args + ["-z", "ftplens,log" + ("," + fmt if fmt else "")])
    return out, err


def tsv(env, pcap, commands="zeek", extra=()):
    return parse_tsv(log(env, pcap, commands, None, extra)[0])


def jlines(env, pcap, commands="all", extra=()):
    return [json.loads(l) for l in log(env, pcap, commands, "json", extra)[0].split("\n") if l]


# ---------------------------------------------------------------- Zeek's baselines

def baselines(env):
    base = os.path.join(os.path.dirname(env.public), "..", "zeek-baselines")
    if not os.path.isdir(base):
        raise Skip("SKIPPED LOUDLY: %s is absent" % base)
    return base, sorted(f[:-5] for f in os.listdir(base) if f.endswith(".zeek"))


def redefs(src):
    r = {"logged": [], "limits": {}, "pending": None}
    m = re.search(r"logged_commands \+= \{([^}]*)\}", src)
    if m:
        r["logged"] = [w.strip().strip('"') for w in m.group(1).split(",")]
    for field, name in (("arg", "max_arg_length"), ("reply_msg", "max_reply_msg_length"),
                        ("user", "max_user_length"), ("password", "max_password_length")):
        m = re.search(r"redef FTP::%s = (\d+);" % name, src)
        if m:
            r["limits"][field] = int(m.group(1))
    m = re.search(r"redef FTP::max_pending_commands = (\d+);", src)
    r["pending"] = int(m.group(1)) if m else None
    return r


def client_lines(rows, cmd_frame):
    return [l for l in rows.get(cmd_frame, [])]


def pending_over(records, limit):
    """Whether more than 'limit' commands were sent before the first of their replies (Zeek's pending queue)."""
    firsts = [r["ftplens.reply_frame"] for r in records if r["command"] != "<init>" and "ftplens.reply_frame" in r]
    first_reply = min(firsts) if firsts else None
    return sum(1 for r in records if r["command"] != "<init>" and
               (first_reply is None or r["ftplens.frame"] < first_reply)) > limit


def explain(kind, seen, where):
    assert kind in DOCUMENTED, "%s: undocumented kind %s" % (where, kind)
    seen.setdefault(kind, []).append(where)


def text_first_bytes(env, pcap, port):
    """The first payload bytes of the data connection on 'port' (either side)."""
    rows = env.fields(pcap, ["tcp.payload", "tcp.len"], dfilter="tcp.port == %s && tcp.len > 0" % port)
    for f in sorted(rows):
        return payload(rows[f])
    return b""


def reply_elsewhere(env, pcap, code, msg, frame):
    """(reply frame, command frame) of the reply line 'code msg' nearest to 'frame' in the capture, when the
    pairing oracle gives it to another client line (command frame None: to no command, an unsolicited reply);
    None when the nearest such line answers 'frame' or there is none."""
    rows = env.fields(pcap, PACKET_FIELDS)
    streams = {}
    for f in sorted(rows):
        streams.setdefault(first(rows[f], "tcp.stream"), []).append((f, rows[f]))
    want = ("%s %s" % (code, msg)).encode()
    found = []
    for session in streams.values():
        oracle = expected_for_stream(session)
        for port in {first(r, "tcp.srcport") for f, r in session}:
            for f, lines in lines_by_frame(session, port).items():
                if want in lines:
                    found += [(abs(f - frame), f, to) for c, to in oracle.get(f, []) if c == int(code)]
    if not found:
        return None
    _, f, to = min(found, key=lambda x: (x[0], x[1]))
    return (f, to) if to != frame else None


def compare_baseline(env, base, name, seen):
    src = open(os.path.join(base, name + ".zeek")).read()
    trace = re.search(r"\$TRACES/ftp/(\S+)", src).group(1)
    pcap = env.public_pcap("zeek__" + trace)
    rd = redefs(src)
    zfields, zeek = parse_tsv(open(os.path.join(base, name + ".ftp.log")).read())
    eq(zfields, ZEEK_COLUMNS, name + ": Zeek's columns")
    fields, ours = tsv(env, pcap, ",".join(["zeek"] + rd["logged"]))
    eq(fields[:len(ZEEK_COLUMNS)], ZEEK_COLUMNS, name + ": our first columns are Zeek's")
    everything = jlines(env, pcap, "all")
    by_frame = {r["ftplens.frame"]: r for r in everything}
    passes = [r for r in everything if r["command"] == "PASS"]
    bad_reply_frames = [r["ftplens.frame"] for r in everything if r.get("ftplens.pairing") == "invalid_reply"]
    j = 0
    for i, z in enumerate(zeek):
        where = "%s record %d (%s)" % (name, i + 1, z["command"])
        while j < len(ours) and ours[j]["command"] != z["command"]:
            o = ours[j]
            frame = int(o["ftplens.frame"])
            if rd["pending"] is not None and pending_over(everything, rd["pending"]):
                explain("zeek_pending_limit", seen, "%s: our %s of frame %d" % (name, o["command"], frame))
            else:
                raise AssertionError("%s: our %s record (frame %d) is not in Zeek's log" % (where, o["command"], frame))
            j += 1
        assert j < len(ours), where + ": missing from ours"
        o = ours[j]
        j += 1
        frame = int(o["ftplens.frame"])
        for k in ZEEK_COLUMNS:
            zv, ov = z[k], o[k]
            if k in ("ts", "uid"):
                continue            # masked in Zeek's baselines
            if k == "fuid":
                eq(ov != "-", zv != "-", where + ": a file id")
                continue
            if zv == ov:
                continue
            w = "%s %s: Zeek %r, ours %r" % (where, k, zv, ov)
            if k in rd["limits"] and ov.startswith(zv) and len(zv) == rd["limits"][k]:
                explain("zeek_truncates", seen, w)
            elif zv == "<hidden>" and k in ("password", "arg") and o["user"].lower() not in GUEST_IDS:
                last_pass = [p for p in passes if p["ftplens.frame"] <= frame][-1]
                eq(ov, last_pass["arg"], w + ": our value is the PASS argument")
                explain("zeek_hides_password", seen, w)
            elif k == "password" and ov == "-" and any(p["arg"] == zv and p["ftplens.frame"] > frame for p in passes):
                explain("zeek_password_sent_later", seen, w)
            elif k in ("reply_code", "reply_msg"):
                elsewhere = reply_elsewhere(env, pcap, z["reply_code"], z["reply_msg"], frame)
                assert elsewhere, w + ": the packets do not pair Zeek's reply with another line"
                explain("zeek_other_commands_reply", seen, w + " (the reply in frame %d answers frame %s)"
                        % elsewhere)
            elif k == "mime_type" and zv == "-" and ov == "text/plain":
                first_bytes = text_first_bytes(env, pcap, [r for r in everything if r["ftplens.frame"] < frame and
                                                           "data_channel.resp_p" in r][-1]["data_channel.resp_p"])
                assert len(first_bytes) >= 10 and all(0x20 <= b < 0x7f or b in b"\t\n\r" for b in first_bytes[:10]), \
                    w + ": first bytes %r" % first_bytes[:10]
                explain("zeek_no_mime_type", seen, w)
            else:
                raise AssertionError(w)
    for o in ours[j:]:
        frame = int(o["ftplens.frame"])
        w = "%s: our %s of frame %d is not in Zeek's log" % (name, o["command"], frame)
        if rd["pending"] is not None and pending_over(everything, rd["pending"]):
            explain("zeek_pending_limit", seen, w)
        elif any(b < frame for b in bad_reply_frames):
            explain("zeek_stops_after_bad_reply", seen, w + " (invalid reply before it, frame %d)"
                    % min(bad_reply_frames))
        else:
            raise AssertionError(w)


def test_zeek_baselines(env):
    base, names = baselines(env)
    seen = {}
    for name in names:
        compare_baseline(env, base, name, seen)
    for kind in sorted(seen):
        print("  %s (%d): %s" % (kind, len(seen[kind]), seen[kind][0]))
    eq(sorted(seen), sorted(DOCUMENTED), "the kinds of difference (README, 'The FTP log')")
    assert len(names) >= 14, names


# ---------------------------------------------------------------- every record against the packets

def strip_iac(line):
    """The line without Telnet commands (IAC x; IAC IAC is a 0xff byte), as RFC 959 says a server reads it."""
    return re.sub(rb"\xff([\xfb-\xfe].|[\xf0-\xfa]|\xff)", lambda m: b"\xff" if m.group(1) == b"\xff" else b"",
                  line, flags=re.S)


def check_capture(env, pcap):
    name = os.path.basename(pcap)
    # One run (tshark's start-up is most of the time): the packets' fields, then after the last packet the
    # two logs, the JSON lines being the lines that start with '{'.
    names = ["frame.number"] + PACKET_FIELDS
    args = ["-r", pcap, "-o", "ftplens.log_commands:all", "-T", "fields", "-E", "occurrence=a",
            "-E", "aggregator=" + SEP]
    for f in names:
        args += ["-e", f]
    out, _ = env.tshark(args + ["-z", "ftplens,log,json", "-z", "ftplens,log"])
    lines = out.split("\n")
    end = next(i for i, l in enumerate(lines) if l.startswith("#separator") or l.startswith('{"ts"'))
    recs = [json.loads(l) for l in lines[end:] if l.startswith("{")]
    fields, rows_tsv = parse_tsv("\n".join(l for l in lines[end:] if not l.startswith("{")))
    rows = {}
    for line in lines[:end]:
        cols = line.split("\t")
        cols += [""] * (len(names) - len(cols))
        row = {n: (c.split(SEP) if c != "" else []) for n, c in zip(names, cols)}
        rows[int(row["frame.number"][0])] = row
    eq(fields, ZEEK_COLUMNS + OWN_COLUMNS, name + ": columns")
    eq(len(rows_tsv), len(recs), name + ": TSV and JSON records")
    for t, j in zip(rows_tsv, recs):
        for k in fields:
            if k == "ts":
                eq(t[k], "%.6f" % j[k] if k in j else "-", name + " ts")
            elif k == "data_channel.passive":
                eq(t[k], {True: "T", False: "F"}.get(j.get(k), "-"), name + " " + k)
            elif k == "ftplens.findings":
                eq(t[k], ",".join(j[k]) if k in j else "-", name + " " + k)
            elif isinstance(j.get(k), str) and ("\\" in j[k] or j[k] in ("-", "")):
                continue        # escaped in the TSV
            else:
                eq(t[k], str(j[k]) if k in j else "-", "%s %s frame %s" % (name, k, j["ftplens.frame"]))
    if not recs:
        return 0
    streams = {}
    for f in sorted(rows):
        streams.setdefault(first(rows[f], "tcp.stream"), []).append((f, rows[f]))
    uids = {}
    ts_text = {int(t["ftplens.frame"]): t["ts"] for t in rows_tsv}
    oracles, lines_cache = {}, {}

    def lines_of(stream, port):
        if (stream, port) not in lines_cache:
            lines_cache[stream, port] = lines_by_frame(streams[stream], port)
        return lines_cache[stream, port]

    for r in recs:
        cmd_frame = r["ftplens.frame"]
        row = rows[cmd_frame]
        where = "%s frame %d %s" % (name, cmd_frame, r["command"])
        stream = first(row, "tcp.stream")
        assert uids.setdefault(r["uid"], stream) == stream, where + ": one uid per connection"
        assert re.fullmatch(r"C[0-9A-Za-z]{17}", r["uid"]), where + " uid"
        assert abs(Decimal(ts_text[cmd_frame]) - Decimal(first(row, "frame.time_epoch"))) <= Decimal("0.0000005"), \
            where + " ts %s, frame.time_epoch %s" % (ts_text[cmd_frame], first(row, "frame.time_epoch"))
        src = (row["ipv6.src"] or row["ip.src"])[-1]      # the innermost header (net-creds: IPv6 in IPv4)
        session = streams[stream]
        if r["command"] == "<init>":
            eq(r["id.resp_h"], src, where + " server")
            eq(str(r["id.resp_p"]), first(row, "tcp.srcport"), where + " server port")
            continue
        eq(r["id.orig_h"], src, where + " client")
        eq(str(r["id.orig_p"]), first(row, "tcp.srcport"), where + " client port")
        eq(str(r["id.resp_p"]), first(row, "tcp.dstport"), where + " server port")
        mine = [strip_iac(l) for l in lines_of(stream, first(row, "tcp.srcport")).get(cmd_frame, [])]
        mine = [l for l in mine if l.split(b" ")[0].upper() == r["command"].encode()]
        assert mine, where + ": no such line in the frame"
        arg = mine[0].split(b" ", 1)[1].decode("utf-8", "replace") if b" " in mine[0] else ""
        if "arg" in r and not r["arg"].startswith("ftp://"):
            eq(r["arg"], arg.strip() if r["command"] != "PASS" else arg, where + " arg")
        elif "arg" in r:
            server = r["id.resp_h"] if ":" not in r["id.resp_h"] else "[%s]" % r["id.resp_h"]
            assert r["arg"].startswith("ftp://%s/" % server), where + " url " + r["arg"]
            last = arg.strip().rstrip("/").split("/")[-1]
            assert last in ("", ".", "..") or r["arg"].endswith("/" + last), where + " url " + r["arg"]
        if r.get("ftplens.pairing") == "direct" and "reply_code" in r:
            rf = r["ftplens.reply_frame"]
            server = lines_of(stream, first(rows[rf], "tcp.srcport")).get(rf, [])
            text = ("%d %s" % (r["reply_code"], r["reply_msg"])).encode()
            # ftplens keeps the first FTPLENS_MAX_LINE bytes of a long line (suricata's ftp-too-long-response)
            assert any(l == text or l.decode("utf-8", "replace").replace("\t", ".") == text.decode() or
                       (len(text) >= 200 and l.startswith(text)) for l in server), \
                where + ": reply line %.200r not in frame %d %.200r" % (text, rf, server)
            if stream not in oracles:
                oracles[stream] = expected_for_stream(session)
            oracle = oracles[stream]
            assert (r["reply_code"], cmd_frame) in oracle.get(rf, []), \
                where + ": the pairing oracle pairs frame %d with %r" % (rf, oracle.get(rf))
        if r["command"] in ("PORT", "EPRT") and "data_channel.resp_p" in r:
            nums = re.findall(r"\d+", arg)
            want = int(nums[-2]) * 256 + int(nums[-1]) if r["command"] == "PORT" else int(arg.split(arg[0])[3])
            eq(r["data_channel.resp_p"], want, where + " port")
            eq(r["data_channel.passive"], False, where)
        if r["command"] in ("PASV", "EPSV") and "data_channel.resp_p" in r:
            eq(r["data_channel.passive"], True, where)
            assert str(r["data_channel.resp_p"]) in r["reply_msg"] or \
                "%d,%d" % divmod(r["data_channel.resp_p"], 256) in r["reply_msg"], where
    return len(recs)


def test_records_against_packets(env):
    n = 0
    caps = sorted(os.path.join(env.pcaps, f) for f in os.listdir(env.pcaps) if f.endswith(".pcapng"))
    for pcap in caps + env.public_all_or_none():
        if quick_skipped(pcap):
            print("  SKIPPED (quick mode, FTPLENS_QUICK_SKIP): %s" % os.path.basename(pcap))
            continue
        n += check_capture(env, pcap)
    print("  %d records checked" % n)
    assert n > 500, n


# ---------------------------------------------------------------- options

def test_masked_passwords(env):
    pcap = env.public_pcap("net-creds__ftp.pcap")
    plain = jlines(env, pcap, "all")
    secrets = {r["arg"] for r in plain if r["command"] == "PASS" and "arg" in r}
    assert secrets, "net-creds has PASS lines"
    out, _ = log(env, pcap, "all", "json", ["-o", "ftplens.mask_passwords:TRUE"])
    masked = [json.loads(l) for l in out.split("\n") if l]
    eq(len(masked), len(plain), "records")
    eq(sum("password" in r for r in masked), sum("password" in r for r in plain), "records with a password")
    for r in masked:
        if "password" in r:
            eq(r["password"], "<hidden>", "password")
        if r["command"] == "PASS" and "arg" in r:
            eq(r["arg"], "<hidden>", "PASS arg")
    for s in secrets:
        assert '"%s"' % s not in out, "a password in the masked log"


def test_filter_and_determinism(env):
    pcap = env.own("attack-bruteforce.pcapng")
    a = jlines(env, pcap)
    b = jlines(env, pcap, extra=["-2"])
    eq(a, b, "one pass and two passes")
    eq(jlines(env, pcap), a, "the same every run")
    sessions = sorted({r["uid"] for r in a})
    assert len(sessions) >= 2, "a capture with several sessions"
    frame = next(r for r in a if r["uid"] == sessions[1])["ftplens.frame"]
    stream = env.fields(pcap, ["ftplens.session"], dfilter="frame.number == %d" % frame)[frame]["ftplens.session"][0]
    out, _ = env.tshark(["-r", pcap, "-q", "-o", "ftplens.log_commands:all",
                         "-z", "ftplens,log,json,ftplens.session == %s" % stream])
    only = [json.loads(l) for l in out.split("\n") if l]
    eq({r["uid"] for r in only}, {sessions[1]}, "the filter keeps one session")
    eq(only, [r for r in a if r["uid"] == sessions[1]], "the same records")


def test_refused_words(env):
    pcap = env.own("lab-anonymous.pcapng")
    _, err = env.tshark(["-r", pcap, "-q", "-z", "ftplens,log,full"], check=False)
    assert '"full" is not a log option' in err, err
    _, err = env.tshark(["-r", pcap, "-q", "-o", "ftplens.log_commands:zeek,ST0R", "-z", "ftplens,log"],
                        check=False)
    assert 'ftplens.log_commands: "ST0R" is not a command' in err, err
    out, _ = log(env, pcap, "<init>")
    _, rows = parse_tsv(out)
    eq([r["command"] for r in rows], ["<init>"], "only the greeting")
    assert out.startswith("#separator \\x09\n#set_separator\t,\n") and out.rstrip("\n").split("\n")[-1].startswith("#close\t"), out[:200]


if __name__ == "__main__":
    raise SystemExit(run([test_zeek_baselines, test_records_against_packets, test_masked_passwords,
                          test_filter_and_determinism, test_refused_words]))
