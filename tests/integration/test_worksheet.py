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
        elif t == "finding_name":
            # every rule found at the frame is a right answer, and only those
            eq(sorted(a.split("|")[0] for a in g["accept"]), sorted(set(rows[frames[0]]["ftplens.risk"])), where)
            assert q["answer"].split(" ")[0] in rows[frames[0]]["ftplens.risk"], where
        elif t == "finding_frame":
            rid = re.search(r"\(([a-z_0-9]+)\)", q["question"]).group(1)
            eq(g["values"], sorted(f for f, r in rows.items() if rid in r["ftplens.risk"]), where)
            eq(frames, [g["values"][0]], where + ": the evidence named is the first")
    if syn is None:
        assert not topics & {"client_isn", "synack_ack", "third_seq"}, name + ": handshake questions without a SYN"
    return topics


def all_captures(env):
    own = [env.own(n) for n in sorted(os.listdir(env.pcaps)) if n.endswith(".pcapng")]
    return own + env.public_all_or_none()


def opts_for(pcap):
    return [["-d", "tcp.port==2811,ftp"]] if "globus" in pcap else []


def test_answer_keys_against_packets(env):
    seen, checked = set(), 0
    for pcap in all_captures(env):
        rows = env.fields(pcap, PACKET_FIELDS, "tcp", opts=opts_for(pcap))
        for v in VARIANTS:
            key = key_of(env, pcap, v, opts=opts_for(pcap))
            eq(key["variant"], v, "the key names its variant")
            if key["questions"]:
                seen |= check_key(pcap, key, rows)
                checked += len(key["questions"])
        print("  %-60s %2d questions" % (os.path.basename(pcap), len(key["questions"])))
    want = {"client_isn", "server_isn", "synack_ack", "third_seq", "third_ack", "segment_len", "next_seq",
            "reply_class", "reply_category", "reply_answers", "multiline_end", "data_opener",
            "data_announced", "cleartext_frames", "countermeasures", "banner", "finding_name", "finding_frame"}
    print("  %d answers of %d keys checked against the packets" % (checked, len(all_captures(env)) * len(VARIANTS)))
    if env.public_all_or_none():
        want.add("reply_time")      # loopback replies take microseconds: asked only on the public captures
    assert want <= seen, "topics never asked: %s" % sorted(want - seen)


def test_worksheet_asks_the_keys_questions(env):
    pcap = env.own("vsftpd-login-transfers.pcapng")
    for v in VARIANTS:
        key = key_of(env, pcap, v)
        out, _ = env.tshark(["-r", pcap, "-q", "-o", "ftplens.worksheet_variant:%d" % v, "-z", "ftplens,worksheet,md"])
        # Markdown escapes server text's special characters
        asked = [re.sub(r"\\(.)", r"\1", l.split(". ", 1)[1]) for l in out.split("\n") if re.match(r"^\d+\. ", l)]
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
    ko = key_of(env, env.own("lab-anonymous.pcapng"), 0, lang="ko")
    q = next(q for q in ko["questions"] if q["topic"] == "reply_class")
    for answer in ("긍정 완료", "긍정 완료입니다", "positive completion"):
        right, _, out = grade({**ko, "questions": [q]}, "%d: %s\n" % (q["number"], answer))
        eq(right, 1, "a Korean key graded %r\n%s" % (answer, out))


def grader_module():
    import importlib.machinery
    import importlib.util
    loader = importlib.machinery.SourceFileLoader("grade_worksheet", GRADER)
    spec = importlib.util.spec_from_loader("grade_worksheet", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


CLASS_NAMES = ["Positive Preliminary|긍정 예비", "Positive Completion|긍정 완료", "Positive Intermediate|긍정 중간",
               "Transient Negative Completion|일시적 부정 완료", "Permanent Negative Completion|영구적 부정 완료"]
IDS = ["port_bounce", "port_bounce_accepted", "site_exec", "site_exec_success", "anonymous_login"]
MEASURES = ["sftp|ssh|scp|보안 셸", "ftps|tls|ssl", "vpn|ipsec|wireguard|tunnel|터널|가상 사설망",
            "firewall|allow-list|allowlist|whitelist|방화벽|허용 목록|화이트리스트",
            "ids|intrusion detection|snort|suricata|zeek|log review|침입 탐지|로그 검토|로그 분석"]
# (grade, answer, right?): answers as students write them, and the ways a wrong one could slip through
FORMS = [
    ({"type": "number", "values": [36]}, "36 bytes (34 + CRLF)", True),
    ({"type": "number", "values": [36]}, "34 + 2 = 36", True),
    ({"type": "number", "values": [36]}, "34", False),
    ({"type": "number", "values": [36]}, "1 2 3 36", False),
    ({"type": "number", "values": [81]}, "81 (37+44)", True),
    ({"type": "number", "values": [668618922]}, "raw seq 668618922 (relative 0)", True),
    ({"type": "number", "values": [668618922]}, "0x27DA50AA", True),
    ({"type": "number", "values": [668618922]}, "27 da 50 aa", True),
    ({"type": "number", "values": [668618922]}, "668,618,922", True),
    ({"type": "number", "values": [668618922]}, "27da50aa", True),
    ({"type": "number", "values": [668618922]}, "0x27da50ab (668618923)", False),
    ({"type": "number", "values": [1317322359]}, "0x4e84be77, shown as relative 0", True),
    ({"type": "frames", "values": [6, 10, 14, 18, 22, 26]}, "6 10 14 18 22 26", True),
    ({"type": "frames", "values": [6, 10, 14, 18, 22, 26]}, "6, 10, 14, 18, 22", False),
    ({"type": "frames", "values": [108, 111, 126, 129]}, "108,111,126,129", True),
    ({"type": "frames", "values": [8, 12]}, "8 and 12", True),
    ({"type": "frames", "values": [8, 12]}, "8-12", False),
    ({"type": "seconds", "value": 0.000168, "tolerance": 0.0005}, "frame 10 - frame 8 = 0.000168 s", True),
    ({"type": "seconds", "value": 0.000168, "tolerance": 0.0005}, "0.168 ms", True),
    ({"type": "seconds", "value": 2.207032, "tolerance": 0.02207}, "2207 ms", True),
    ({"type": "seconds", "value": 2.207032, "tolerance": 0.02207}, "0", False),
    ({"type": "choice", "accept": ["client|클라이언트"], "reject": ["server|서버"]}, "The client opens it", True),
    ({"type": "choice", "accept": ["client|클라이언트"], "reject": ["server|서버"]}, "the client connects to the server", True),
    ({"type": "choice", "accept": ["client|클라이언트"], "reject": ["server|서버"]}, "클라이언트가 연다", True),
    ({"type": "choice", "accept": ["client|클라이언트"], "reject": ["server|서버"]}, "the server, not the client", False),
    ({"type": "choice", "accept": [CLASS_NAMES[1]], "reject": CLASS_NAMES[:1] + CLASS_NAMES[2:]}, "positive completion reply", True),
    ({"type": "choice", "accept": [CLASS_NAMES[1]], "reject": CLASS_NAMES[:1] + CLASS_NAMES[2:]}, "2xx Positive Completion", True),
    ({"type": "choice", "accept": [CLASS_NAMES[1]], "reject": CLASS_NAMES[:1] + CLASS_NAMES[2:]}, "긍정 완료입니다", True),
    ({"type": "choice", "accept": [CLASS_NAMES[1]], "reject": CLASS_NAMES[:1] + CLASS_NAMES[2:]}, "Positive Intermediate", False),
    ({"type": "choice", "accept": [CLASS_NAMES[1]], "reject": CLASS_NAMES[:1] + CLASS_NAMES[2:]},
     "positive preliminary, positive completion, positive intermediate", False),
    ({"type": "keywords", "accept": ["vsFTPd 3.0.3"], "need": 1}, "vsFTPd version 3.0.3", True),
    ({"type": "keywords", "accept": ["vsFTPd 3.0.3"], "need": 1}, "vsftpd", False),
    ({"type": "keywords", "accept": ["vsFTPd 3.0.3"], "need": 1}, "vsFTPd 3.0.2", False),
    ({"type": "keywords", "accept": ["port_bounce|FTP bounce"], "reject": IDS[1:], "need": 1}, "port_bounce", True),
    ({"type": "keywords", "accept": ["port_bounce|FTP bounce"], "reject": IDS[1:], "need": 1}, "port_bounce_accepted", False),
    ({"type": "keywords", "accept": ["port_bounce|FTP bounce"], "reject": IDS[1:], "need": 1}, " ".join(IDS), False),
    ({"type": "keywords", "accept": MEASURES, "need": 2}, "use SFTP so that nobody can sniff the password when users log in", False),
    ({"type": "keywords", "accept": MEASURES, "need": 2}, "SFTP를 사용하고 로그인할 때 조심한다", False),
    ({"type": "keywords", "accept": MEASURES, "need": 2}, "SFTP (SSH)", False),
    ({"type": "keywords", "accept": MEASURES, "need": 2}, "SFTP and FTPS", True),
    ({"type": "keywords", "accept": MEASURES, "need": 2}, "SFTP를 쓰고 방화벽으로 막는다", True),
]


def test_grader_forms(env):
    g = grader_module()
    wrong_verdicts = [(grade["type"], answer, right) for grade, answer, right in FORMS if g.correct(grade, answer) != right]
    eq(wrong_verdicts, [], "answers graded the wrong way (type, answer, expected)")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "sheet.txt")
        with open(path, "w", encoding="utf-8-sig") as f:        # Notepad's byte order mark
            f.write("1: 5\nQ2) 6\n3번: 7\n4：8\nname: Kim\n")
        eq(g.read_answers(path), {1: "5", 2: "6", 3: "7", 4: "8"}, "answer lines")


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
                  test_variants_are_deterministic, test_grader, test_grader_forms, test_korean_and_filter]))
