#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark integration tests for the teacher's kit (-z ftplens,worksheet,
-z ftplens,answers[,md|json], tools/grade-worksheet).

- every answer of every key, on every own and public capture and in two
  variants, checked against facts read independently from the packets:
  ISNs and acknowledgments from tcp.seq_raw / tcp.ack_raw, Len from tcp.len,
  the next sequence number from tcp.nxtseq, reply pairing and multi-line ends
  from the pairing oracle of test_pairing_check.py (which rebuilds the lines
  from tcp.payload), times from frame.time_epoch, who opens a data connection
  from its SYN;
- the worksheet asks the key's questions; a variant is the same every time;
- the grader scores a perfect sheet 100 % and every wrong answer as a miss.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

from harness import eq, run
from test_pairing_check import FIELDS as ORACLE_FIELDS, Direction, expected_for_stream, first

HERE = os.path.dirname(os.path.abspath(__file__))
GRADER = os.path.normpath(os.path.join(HERE, "..", "..", "tools", "grade-worksheet"))
PACKET_FIELDS = ORACLE_FIELDS + ["tcp.ack_raw", "tcp.nxtseq", "tcp.seq", "tcp.flags.ack", "frame.time_epoch",
                                 "ip.src", "ipv6.src", "ftplens.risk"]
# RFC 959 section 4.2.1, written here again so that the key is checked against the RFC, not its own table.
CLASSES = {1: "Positive Preliminary", 2: "Positive Completion", 3: "Positive Intermediate",
           4: "Transient Negative Completion", 5: "Permanent Negative Completion", 6: "Protected"}
CATEGORIES = {0: "Syntax", 1: "Information", 2: "Connections", 3: "Authentication and accounting",
              4: "Unspecified", 5: "File system"}
VARIANTS = (0, 7)


def key_of(env, pcap, variant, fmt="json", lang="en", opts=()):
    args = ["-r", pcap, "-q", "-o", "ftplens.worksheet_variant:%d" % variant, "-o", "ftplens.language:" + lang]
    for o in opts:
        args += o
    out, _ = env.tshark(args + ["-z", "ftplens,answers" + ("," + fmt if fmt else "")])
    return json.loads(out) if fmt == "json" else out


def flag(row, name):
    return first(row, name) in ("1", "True")


def payload(row):
    return bytes.fromhex(first(row, "tcp.payload") or "")[: int(first(row, "tcp.len") or 0)]


def lines_by_frame(frames, port):
    """{frame: [line bytes]} sent from 'port', rebuilt from the raw sequence numbers."""
    d, out = Direction(), {}
    for f, r in frames:
        if first(r, "tcp.srcport") == port:
            for line in d.feed(int(first(r, "tcp.seq_raw")), flag(r, "tcp.flags.syn"), payload(r)):
                out.setdefault(f, []).append(line)
    return out


def check_key(pcap, key, rows):
    """Each answer against the packets."""
    name = os.path.basename(pcap)
    streams = {}
    for f in sorted(rows):
        streams.setdefault(first(rows[f], "tcp.stream"), []).append((f, rows[f]))
    session = streams.get(str(key["tcp_stream"]), [])
    greeting = next(((f, r) for f, r in session if payload(r).startswith(b"220")), None)
    # The server's port as the pairing oracle finds it: 21, else the port that greets with 220.
    server_port = "21" if any("21" in (first(r, "tcp.srcport"), first(r, "tcp.dstport")) for f, r in session) \
        else first(greeting[1], "tcp.srcport") if greeting else None
    server_addr = greeting and (first(greeting[1], "ip.src") or first(greeting[1], "ipv6.src"))
    oracle = expected_for_stream(session)
    server_lines = lines_by_frame(session, server_port)
    client_lines = {}
    d = Direction()
    for f, r in session:
        if first(r, "tcp.srcport") != server_port:
            for line in d.feed(int(first(r, "tcp.seq_raw")), flag(r, "tcp.flags.syn"), payload(r)):
                client_lines.setdefault(f, []).append(line)
    syn = next((f for f, r in session if flag(r, "tcp.flags.syn") and not flag(r, "tcp.flags.ack")), None)
    topics = set()
    for q in key["questions"]:
        t, g, frames = q["topic"], q["grade"], q["frames"]
        where = "%s variant %d question %d (%s)" % (name, key["variant"], q["number"], t)
        topics.add(t)
        row = rows[frames[0]] if frames else None
        if t in ("client_isn", "server_isn"):
            assert flag(row, "tcp.flags.syn"), where + ": not a SYN"
            eq(flag(row, "tcp.flags.ack"), t == "server_isn", where + " SYN or SYN-ACK")
            eq(g["values"], [int(first(row, "tcp.seq_raw"))], where)
            eq(first(row, "tcp.stream"), str(key["tcp_stream"]), where + " stream")
        elif t == "synack_ack":
            synack, syn_row = rows[frames[0]], rows[frames[1]]
            eq(g["values"], [int(first(synack, "tcp.ack_raw"))], where)
            eq(g["values"], [(int(first(syn_row, "tcp.seq_raw")) + 1) & 0xffffffff], where + " = ISN + 1")
        elif t in ("third_seq", "third_ack"):
            assert flag(row, "tcp.flags.ack") and not flag(row, "tcp.flags.syn"), where
            eq(first(row, "tcp.len"), "0", where + " Len")
            eq(g["values"], [int(first(row, "tcp.seq_raw" if t == "third_seq" else "tcp.ack_raw"))], where)
        elif t == "segment_len":
            eq(g["values"], [int(first(row, "tcp.len"))], where)
            data = payload(row)
            assert data.endswith(b"\r\n") and data.count(b"\n") == 1, where + ": one line with CR LF"
            quoted = re.search(r"'(.*)'", q["question"]).group(1)
            assert quoted.endswith("...") or quoted.encode() == data[:-2], where + ": the line quoted"
        elif t == "next_seq":
            eq(g["values"], [int(first(row, "tcp.nxtseq"))], where + " tcp.nxtseq")
            assert (" %s " % first(row, "tcp.seq")) in q["question"], where + ": relative seq in the question"
        elif t in ("reply_class", "reply_category"):
            code = int(re.search(r"reply (\d{3})", q["question"]).group(1))
            assert any(l[:3] == b"%03d" % code for l in server_lines.get(frames[0], [])), where + ": code in frame"
            want = CLASSES[code // 100] if t == "reply_class" else CATEGORIES[code // 10 % 10]
            eq(g["accept"][0].split("|")[0], want, where)
        elif t == "reply_answers":
            pairs = oracle.get(frames[0], [])
            assert pairs and pairs[0][1] is not None, where + ": the oracle pairs nothing there"
            eq(g["values"], [pairs[0][1]], where + " (pairing oracle)")
        elif t == "reply_time":
            cmd, rep = frames
            want = float(first(rows[rep], "frame.time_epoch")) - float(first(rows[cmd], "frame.time_epoch"))
            assert abs(g["value"] - want) < 2e-6, "%s: %r != %r" % (where, g["value"], want)
        elif t == "multiline_end":
            start, end = frames[0], g["values"][0]
            code = b"%03d" % int(re.search(r"reply (\d{3})", q["question"]).group(1))
            seen, got = False, None
            for f in sorted(server_lines):
                for line in server_lines[f]:
                    if f == start and line.startswith(code + b"-"):
                        seen = True
                    elif seen and got is None and line[:3] == code and line[3:4] in (b" ", b""):
                        got = f
            eq(got, end, where)
        elif t == "data_opener":
            # The announcement's own bytes: PORT/EPRT from the client (the server connects to that port) or
            # 227/229 from the server (the client connects); the data connection's SYN goes to that port.
            stream = re.search(r"tcp\.stream (\d+)", q["question"]).group(1)
            dsyn = next(r for f, r in streams[stream] if flag(r, "tcp.flags.syn") and not flag(r, "tcp.flags.ack"))
            text = b" ".join(server_lines.get(frames[0], []) + client_lines.get(frames[0], []))
            m = re.search(rb"(?i)PORT \d+,\d+,\d+,\d+,(\d+),(\d+)|EPRT (.)[^ ]*?\3(\d+)\3|"
                          rb"227 .*?\d+,\d+,\d+,\d+,(\d+),(\d+)|229 .*?\((.)\7\7(\d+)\7\)", text)
            assert m, where + ": no address in frame %d: %r" % (frames[0], text[:200])
            g8 = m.groups()
            port = (int(g8[0]) * 256 + int(g8[1]) if g8[0] else int(g8[3]) if g8[3] else
                    int(g8[4]) * 256 + int(g8[5]) if g8[4] else int(g8[7]))
            eq(first(dsyn, "tcp.dstport"), str(port), where + ": the SYN goes to the announced port")
            opener = "server" if g8[0] or g8[3] else "client"
            eq(g["accept"][0].split("|")[0], opener, where + " (the data connection's SYN)")
        elif t == "data_announced":
            text = b" ".join(server_lines.get(frames[0], []) + client_lines.get(frames[0], []))
            assert re.search(rb"(?i)\b(PORT|EPRT) |\b22[79] ", text), where + ": %r" % text[:200]
        elif t == "cleartext_frames":
            want = sorted(f for f, ls in client_lines.items()
                          if any(re.match(rb"(?i)(USER|PASS|ACCT)( |$)", l) for l in ls))
            eq(g["values"], want, where)
        elif t == "banner":
            assert g["accept"][0].encode() in payload(row), where
        elif t in ("finding_name", "finding_frame"):
            rid = q["answer"].split(" ")[0] if t == "finding_name" else re.search(r"\(([a-z_0-9]+)\)", q["question"]).group(1)
            for f in (frames if t == "finding_name" else g["values"]):
                assert rid in rows[f]["ftplens.risk"], "%s: %s not at frame %d" % (where, rid, f)
    if syn is None:
        assert not topics & {"client_isn", "synack_ack", "third_seq"}, name + ": handshake questions without a SYN"
    return topics


def all_captures(env):
    own = [env.own(n) for n in sorted(os.listdir(env.pcaps)) if n.endswith(".pcapng")]
    try:
        public = env.public_all()
    except Exception as e:          # Skip: said loudly, the own captures are still checked
        print("  %s" % e)
        public = []
    return own + public


def opts_for(pcap):
    return [["-d", "tcp.port==2811,ftp"]] if "globus" in pcap else []


def test_answer_keys_against_packets(env):
    seen = set()
    for pcap in all_captures(env):
        rows = env.fields(pcap, PACKET_FIELDS, "tcp", opts=opts_for(pcap))
        for v in VARIANTS:
            key = key_of(env, pcap, v, opts=opts_for(pcap))
            eq(key["variant"], v, "the key names its variant")
            if key["questions"]:
                seen |= check_key(pcap, key, rows)
        print("  %-60s %2d questions" % (os.path.basename(pcap), len(key["questions"])))
    want = {"client_isn", "server_isn", "synack_ack", "third_seq", "third_ack", "segment_len", "next_seq",
            "reply_class", "reply_category", "reply_answers", "reply_time", "multiline_end", "data_opener",
            "data_announced", "cleartext_frames", "countermeasures", "banner", "finding_name"}
    assert want <= seen, "topics never asked: %s" % sorted(want - seen)


def test_worksheet_asks_the_keys_questions(env):
    pcap = env.own("vsftpd-login-transfers.pcapng")
    for v in VARIANTS:
        key = key_of(env, pcap, v)
        out, _ = env.tshark(["-r", pcap, "-q", "-o", "ftplens.worksheet_variant:%d" % v, "-z", "ftplens,worksheet,md"])
        asked = [l.split(". ", 1)[1] for l in out.split("\n") if re.match(r"^\d+\. ", l)]
        eq(asked, [q["question"] for q in key["questions"]], "variant %d: worksheet = key" % v)
        assert "(variant %d)" % v in out.split("\n")[0], out[:100]
        text = key_of(env, pcap, v, fmt="")
        assert text.startswith("FTP Lens answer key (variant %d)" % v), text[:80]
        for q in key["questions"]:
            assert q["answer"].split(" ")[0] in text, q["answer"]


def test_variants_are_deterministic(env):
    pcap = env.own("vsftpd-login-transfers.pcapng")
    a, b = key_of(env, pcap, 7), key_of(env, pcap, 7)
    eq(a, b, "variant 7 twice")
    zero = key_of(env, pcap, 0)
    differ = [q["number"] for q, z in zip(a["questions"], zero["questions"]) if q["frames"] != z["frames"]
              or q["question"] != z["question"]]
    assert len(differ) >= 3, "variant 7 should ask about other frames than variant 0: %r" % differ
    # many sessions: variants ask about other frames
    brute = env.own("bruteforce-medusa-pyftpdlib.pcapng")
    asked = {tuple(tuple(q["frames"]) for q in key_of(env, brute, v)["questions"]) for v in range(1, 6)}
    assert len(asked) >= 3, asked


def grade(key, sheet):
    with tempfile.TemporaryDirectory() as d:
        kp, sp = os.path.join(d, "key.json"), os.path.join(d, "sheet.txt")
        with open(kp, "w", encoding="utf-8") as f:
            json.dump(key, f, ensure_ascii=False)
        with open(sp, "w", encoding="utf-8") as f:
            f.write(sheet)
        p = subprocess.run([sys.executable, GRADER, kp, sp], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert p.returncode == 0, p.stderr.decode()
        out = p.stdout.decode("utf-8")
    m = re.search(r"(?:Score|점수): (\d+)/(\d+)", out)
    return int(m.group(1)), int(m.group(2)), out


def wrong(q):
    """A plausible wrong answer: off by one, the other side, the wrong class, one frame missing."""
    g = q["grade"]
    if g["type"] == "number":
        return "0x%x" % (max(g["values"]) + 1)
    if g["type"] == "frames":
        return ", ".join(str(v) for v in g["values"][1:]) or str(g["values"][0] + 1)
    if g["type"] == "seconds":
        return "%.6f" % (g["value"] + 10 * g["tolerance"] + 1)
    if g["type"] == "choice":
        name = g["accept"][0].split("|")[0]
        others = [n for n in list(CLASSES.values()) + list(CATEGORIES.values()) + ["server", "client"] if n != name]
        return others[0] if name != others[0] else others[1]
    return "use a strong password"


def test_grader(env):
    for pcap in [env.own(n) for n in ("lab-anonymous.pcapng", "vsftpd-login-transfers.pcapng",
                                      "attack-bounce-traversal.pcapng", "attack-site-exec-backdoor.pcapng")]:
        for v in VARIANTS:
            key = key_of(env, pcap, v)
            n = len(key["questions"])
            perfect = "".join("%d: %s\n" % (q["number"], q["answer"]) for q in key["questions"])
            right, total, out = grade(key, perfect)
            eq((right, total), (n, n), "%s variant %d: the key's own answers\n%s" % (pcap, v, out))
            bad = "".join("%d: %s\n" % (q["number"], wrong(q)) for q in key["questions"])
            right, total, out = grade(key, bad)
            eq(right, 0, "%s variant %d: every wrong answer is a miss\n%s" % (pcap, v, out))
            for q in key["questions"]:
                assert "%d: " % q["number"] in out, "the miss names question %d and its answer" % q["number"]
    # answers as students write them
    key = key_of(env, env.own("lab-anonymous.pcapng"), 0)
    by_topic = {q["topic"]: q for q in key["questions"]}
    isn = by_topic["client_isn"]["grade"]["values"][0]
    forms = {"client_isn": ["0X%X" % isn, "%d" % isn, " ".join("%02x" % b for b in isn.to_bytes(4, "big")),
                            "{:,}".format(isn), "%08x" % isn],
             "reply_class": ["2xx positive completion", "Positive  Completion"],
             "countermeasures": ["SFTP and a firewall allow-list", "FTPS (TLS) + VPN", "SFTP를 쓰고 방화벽으로 막는다"],
             "finding_name": ["anonymous_login입니다", "Anonymous login"],
             "segment_len": ["34 + 2 = 36"]}
    for topic, answers in forms.items():
        for a in answers:
            right, _, out = grade({**key, "questions": [by_topic[topic]]}, "%d: %s\n" % (by_topic[topic]["number"], a))
            eq(right, 1, "%s answered %r\n%s" % (topic, a, out))
    ko = key_of(env, env.own("lab-anonymous.pcapng"), 0, lang="ko")
    q = next(q for q in ko["questions"] if q["topic"] == "reply_class")
    for answer in ("긍정 완료", "긍정 완료입니다"):
        right, _, out = grade({**ko, "questions": [q]}, "%d: %s\n" % (q["number"], answer))
        eq(right, 1, "a Korean answer\n" + out)


def test_korean_and_filter(env):
    pcap = env.own("lab-anonymous.pcapng")
    out, _ = env.tshark(["-r", pcap, "-q", "-o", "ftplens.language:ko", "-z", "ftplens,worksheet"])
    assert out.startswith("FTP Lens 워크시트 (변형 0)"), out[:100]
    assert "클라이언트의 초기 시퀀스 번호(ISN)" in out, out
    out, _ = env.tshark(["-r", pcap, "-q", "-z", "ftplens,answers,ftplens.session == 99"])
    assert "No FTP session matches the filter 'ftplens.session == 99'" in out, out
    out, err = env.tshark(["-r", pcap, "-q", "-z", "ftplens,worksheet,json"], check=False)
    assert '"json" is not a worksheet option (use md, markdown, text, txt)' in err, err


if __name__ == "__main__":
    sys.exit(run([test_answer_keys_against_packets, test_worksheet_asks_the_keys_questions,
                  test_variants_are_deterministic, test_grader, test_korean_and_filter]))
