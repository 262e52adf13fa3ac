#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark integration tests for -z ftplens,report, -z ftplens,tree and the
"FTP Lab" profile.  Golden files: tests/golden/lab-anonymous.report.{txt,md}
hold the full text (they pin wording and layout); every other own capture has
tests/golden/<capture>.report.facts, the facts of its text and its Markdown
report (report_facts.py: no padding, rules or template prose): of the full
report (-z ftplens,report,full), or of the folded one for the bruteforce-*
captures.  Run with
--update-golden to rewrite them after a deliberate change.
"""
import difflib
import os
import re
import shutil
import subprocess
import sys

from harness import Skip, eq, run
from report_facts import LADDER_BODY, _cut, _header_starts, _width, facts, facts_text

GOLDEN = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden"))
UPDATE = "--update-golden" in sys.argv
if UPDATE:
    sys.argv.remove("--update-golden")


def report(env, pcap, opt="", lang=None):
    args = ["-r", pcap, "-q", "-z", "ftplens,report" + opt]
    if lang:
        args += ["-o", "ftplens.language:" + lang]
    out, _ = env.tshark(args)
    return out


def test_lab_report(env):
    out = report(env, env.public_pcap("net-creds__ftp.pcap"))
    for want in ["tcp.stream 6", "2002:5183:4383::5183:4383 port 1026", "81.131.67.131", "6to4", "port 21",
                 "NetBSD-ftpd 20041119",
                 "handshake 1/3: SYN (client asks to open)     S      1651241719 (62 6b f2 f7)",
                 "3845629214 (e5 37 a5 1e)  1651241720 (62 6b f2 f8)",
                 "1651241720 (62 6b f2 f8)  3845629215 (e5 37 a5 1f)",
                 "331 Positive Intermediate / Authentication and accounting: User name okay, need password",
                 "230 Positive Completion / Authentication and accounting: User logged in, proceed",
                 "502 Permanent Negative Completion / Syntax: Command not implemented; answers OPTS (frame 329)",
                 "215 Positive Completion / Information", "214 Positive Completion / Information: Help message [first line]",
                 "[Warning] cleartext_credentials (frame 268)", "[Note] anonymous_login (frame 328)",
                 "Countermeasure: Anyone on the path can read them: use SFTP (SSH) or FTPS",
                 "the capture ends inside the 214- reply", "user 'anonymous' succeeded (frame 328)"]:
        assert want in out, "report lacks %r\n%s" % (want, out)


def test_korean_report(env):
    """-o ftplens.language:ko: the same report, in Korean."""
    out = report(env, env.public_pcap("net-creds__ftp.pcap"), lang="ko")
    for want in ["FTP Lens 보고서", "핸드셰이크 1/3: SYN", "1651241719 (62 6b f2 f7)", "2. 대화 기록",
                 "502 영구적 부정 완료 / 구문: 명령이 구현되지 않음", "3. 보안 점검 결과", "4. 요약",
                 "NetBSD-ftpd 20041119", "cleartext_credentials"]:
        assert want in out, "Korean report lacks %r\n%s" % (want, out)
    for english in ["Permanent Negative Completion", "Command not implemented", "Countermeasure", "handshake 1/3"]:
        assert english not in out, "English left in the Korean report: %r" % english
    fields = env.fields(env.public_pcap("net-creds__ftp.pcap"), ["ftplens.reply.meaning", "ftplens.risk.advice"],
                        "frame.number == 384", opts=["ftplens.language:ko"])
    eq(fields[384]["ftplens.reply.meaning"], ["명령이 구현되지 않음"], "field in Korean")


def test_report_filter_and_markdown(env):
    pcap = env.own("vsftpd-login-transfers.pcapng")
    full = report(env, pcap, ",full")
    eq(full.count("FTP control connection tcp.stream"), 6, "six sessions")
    folded = report(env, pcap)      # six logins that succeeded: one walkthrough, the other five named beside it
    eq(folded.count("FTP control connection tcp.stream"), 1, "one kind of session")
    assert "Similar          sessions 2\u20136 (5 in all)" in folded, folded
    one = report(env, pcap, ",md,ftplens.session == 5")
    eq(one.count("FTP control connection tcp.stream"), 1, "the filter keeps one session")
    assert one.startswith("# FTP Lens report") and "## Session 1: FTP control connection tcp.stream 5" in one, one[:300]
    assert "| frame | step | flags |" in one and "|---|" in one, one


def _tshark_rc(env, args):
    """tshark run as env.tshark runs it, with its exit status (env.tshark raises on a non-zero one)."""
    p = subprocess.run(env.tshark_cmd(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    return p.returncode, p.stdout.decode("utf-8", "replace"), env.clean_stderr(p.stderr.decode("utf-8", "replace"))


REPORT_FORMS = ["  -z ftplens,report\n", "  -z ftplens,report,md\n", "  -z ftplens,report,full\n",
                "  -z ftplens,report,text,FILTER\n", "  -z ftplens,report,md,FILTER\n",
                "  -z ftplens,report,full,md,FILTER\n"]


def test_report_arguments(env):
    """Format words in any case; an unknown word or an invalid filter fails with the valid forms; a filter that
    matches no session says so."""
    pcap = env.own("lab-anonymous.pcapng")
    for opt, head in [(",md", "# FTP Lens report\n"), (",MarkDown", "# FTP Lens report\n"), (",text", "FTP Lens report\n"),
                      (",TXT", "FTP Lens report\n"), (",Md,ftplens.session == 0", "# FTP Lens report\n"),
                      (",full", "FTP Lens report\n"), (",FULL,md", "# FTP Lens report\n"),
                      (",md,Full,ftplens.session == 0", "# FTP Lens report\n")]:
        out = report(env, pcap, opt)
        assert out.startswith(head) and "tcp.stream 0" in out, (opt, out[:200])
    for opt, why in [(",html", '"html" is neither a report option'), (",markdwn", '"markdwn" is neither a report option'),
                     (",full,full", '"full" is neither a report option'),
                     (",md,foo==", "invalid display filter"), (",text,ftplens.no_such_field", "invalid display filter"),
                     (",foo==", "invalid display filter"), ("x", "is not a report option")]:
        rc, out, err = _tshark_rc(env, ["-r", pcap, "-q", "-z", "ftplens,report" + opt])
        assert rc != 0, "-z ftplens,report%s exited 0: %r" % (opt, err)
        assert why in err and all(form in err for form in REPORT_FORMS), (opt, err)
        assert "FTP Lens report" not in out, (opt, out[:200])
    for opt, flt in [(",md,ftplens.session == 99", "ftplens.session == 99"),
                     (',ftp.request.command == "NOPE"', 'ftp.request.command == "NOPE"')]:
        out = report(env, pcap, opt)
        assert "No FTP session matches the filter '%s'." % flt in out and "in this capture" not in out, (opt, out)
    out = report(env, pcap, ",md,ftplens.session == 99", lang="ko")
    assert "FTP Lens" in out and "No FTP session" not in out and "ftplens.session == 99" in out, out


def test_language_spellings(env):
    """ftplens.language takes en/English and ko/Korean/한국어 in any case and refuses anything else."""
    pcap = env.own("lab-anonymous.pcapng")
    for lang, head in [("ko", "FTP Lens 보고서\n"), ("KO", "FTP Lens 보고서\n"), ("Korean", "FTP Lens 보고서\n"),
                       ("korean", "FTP Lens 보고서\n"), ("한국어", "FTP Lens 보고서\n"), ("en", "FTP Lens report\n"),
                       ("EN", "FTP Lens report\n"), ("English", "FTP Lens report\n"), ("ENGLISH", "FTP Lens report\n")]:
        out, err = env.tshark(["-r", pcap, "-q", "-z", "ftplens,report", "-o", "ftplens.language:" + lang])
        assert out.startswith(head) and not err, (lang, out[:100], err)
    for bad in ["klingon", "kr", "Korean (한국어)"]:
        rc, out, err = _tshark_rc(env, ["-r", pcap, "-q", "-z", "ftplens,report", "-o", "ftplens.language:" + bad])
        assert 'ftplens.language: "%s" is not a language' % bad in err and "en or English, ko, Korean or 한국어" in err, \
            (bad, err)
        assert out.startswith("FTP Lens report\n"), (bad, out[:100])     # stays English: no silent Korean


def test_mask_passwords_spellings(env):
    """ftplens.mask_passwords takes yes/1/on/true and no/0/off/false in any case and refuses anything else."""
    pcap = env.own("lab-anonymous.pcapng")
    args = ["-r", pcap, "-Y", 'ftplens.request.command == "PASS"', "-T", "fields", "-e", "ftplens.request.arg", "-o"]
    for value, shown in [("yes", "********"), ("YES", "********"), ("1", "********"), ("on", "********"),
                         ("True", "********"), ("TRUE", "********"), ("no", "IEUser@"), ("0", "IEUser@"),
                         ("off", "IEUser@"), ("false", "IEUser@"), ("FALSE", "IEUser@")]:
        out, err = env.tshark(args + ["ftplens.mask_passwords:" + value])
        eq((out.split(), err), ([shown], ""), "mask_passwords:" + value)
    for bad in ["maybe", "2", ""]:
        rc, out, err = _tshark_rc(env, args + ["ftplens.mask_passwords:" + bad])
        assert 'ftplens.mask_passwords: "%s" is neither yes nor no' % bad in err, (bad, err)
        eq(out.split(), ["IEUser@"], "mask_passwords:%s keeps the default" % bad)


FULL_TEXT = "lab-anonymous.pcapng"     # the one capture whose reports are compared in full


def _write(path, text):
    open(path, "w", encoding="utf-8").write(text)
    print("  wrote %s" % path)


def _compare(path, got, what):
    if UPDATE or not os.path.exists(path):
        _write(path, got)
        if not UPDATE:
            raise AssertionError("golden file %s was missing: written now, check it in" % path)
    want = open(path, encoding="utf-8").read()
    if got != want:
        diff = "".join(list(difflib.unified_diff(want.splitlines(True), got.splitlines(True), path, what, n=1))[:40])
        raise AssertionError("%s differs from %s (--update-golden rewrites it after a deliberate change):\n%s"
                             % (what, path, diff))


def test_golden_reports(env):
    """lab-anonymous: text and Markdown reports byte for byte; every other own capture: the facts of both
    (of the full report, or of the folded one for the bruteforce-* captures)."""
    expected, failures = set(), []
    for name in sorted(os.listdir(env.pcaps)):
        if not name.endswith(".pcapng"):
            continue
        base = os.path.join(GOLDEN, name.replace(".pcapng", ".report."))
        # Every session in detail (full), so that each one's handshake, transcript and findings stay pinned;
        # the brute-force captures (hundreds of sessions) as their folded report, the form they are read in.
        opt = "" if name.startswith("bruteforce-") or name == FULL_TEXT else ",full"
        text, md = report(env, env.own(name), opt), report(env, env.own(name), opt + ",md")
        if name == FULL_TEXT:
            checks = [(base + "txt", text, "-z ftplens,report of " + name),
                      (base + "md", md, "-z ftplens,report,md of " + name)]
        else:
            ft, fm = facts_text(text, markdown=False), facts_text(md, markdown=True)
            if ft != fm:
                diff = "".join(list(difflib.unified_diff(ft.splitlines(True), fm.splitlines(True), "text", "Markdown",
                                                         n=1))[:40])
                failures.append("the text and Markdown reports of %s have different facts:\n%s" % (name, diff))
            checks = [(base + "facts", ft, "facts of -z ftplens,report[,md] of " + name)]
        for path, got, what in checks:
            expected.add(path)
            try:
                _compare(path, got, what)
            except AssertionError as e:
                failures.append(str(e))
    stale = sorted(os.path.join(GOLDEN, f) for f in os.listdir(GOLDEN) if os.path.join(GOLDEN, f) not in expected)
    if UPDATE:
        for path in stale:
            os.remove(path)
            print("  removed %s" % path)
    elif stale:
        failures.append("golden files of no test (--update-golden removes them): %s" % ", ".join(stale))
    assert not failures, "\n".join(failures)


# ---- section 5, the ladder diagram ----

LADDER_ROW = re.compile(r"^  (\d+) +\|(.*)\|$")
MORE_ROWS = re.compile(r'^  (\d+) more rows: -z "ftplens,report,full,ftplens\.session == \d+" shows this session whole\.$')
# The subset of Mermaid the Markdown report writes: a label is anything but the characters Mermaid reads as
# syntax (';' ends a statement, '#' opens an entity code, HTML, '%%' comments, directives), which appear only
# as entity codes "#59;"; a participant's alias has no ':' or ',' either.
_LABEL = r"(?:[^;#<>%\"{}\\&\x00-\x1f\x7f]|#\d+;)*"
_ALIAS = r"(?:[^;#<>%\"{}\\&:,\x00-\x1f\x7f]|#\d+;)+"
MERMAID_HEAD = [re.compile(r"^sequenceDiagram$"), re.compile(r"^    participant C as " + _ALIAS + "$"),
                re.compile(r"^    participant S as " + _ALIAS + "$")]
MERMAID_ROW = re.compile(r"^    (C->>S|S->>C|C--xS|S--xC|Note over C,S): \S+ (\d+): (" + _LABEL + ")$")
MERMAID_ARROW = {"C->>S": "C->S", "S->>C": "S->C", "C--xS": "C-xS", "S--xC": "S-xC", "Note over C,S": "note"}


def _cols(s):
    return sum(_width(ch) for ch in s)


def _text_ladders(text):
    """Each walkthrough's text ladder: {"head": the header line, "rows": [(frame, arrow, label)], "more": the
    count of the 'N more rows' line or None}.  Checks the layout on the way: the bars of every row under the
    ends of the header, rows in frame order."""
    lines, out = text.split("\n"), []
    for i, line in enumerate(lines):
        if line != "5. Ladder diagram" or not lines[i + 1].startswith("-----"):
            continue
        head, lifeline, k = lines[i + 2], lines[i + 3], i + 4
        assert re.match(r"^  \S+  Client .+  Server .+$", head) and re.match(r"^ +\| +\|$", lifeline), (head, lifeline)
        width, rows, more = _cols(head), [], None
        eq(_cols(lifeline), width, "the bars under the header's ends")
        while lines[k]:
            m = LADDER_ROW.match(lines[k])
            if m:
                arrow = [(a, b.group(1)) for rx, a in LADDER_BODY for b in [rx.match(m.group(2))] if b]
                assert len(arrow) == 1, "not one arrow shape: %r" % lines[k]
                eq(_cols(lines[k]), width, "every arrow as wide as the others: %r" % lines[k])
                rows.append((int(m.group(1)), arrow[0][0], arrow[0][1]))
            else:
                m = MORE_ROWS.match(lines[k])
                assert m and not lines[k + 1], "not a ladder row: %r" % lines[k]
                more = int(m.group(1))
            k += 1
        frames = [r[0] for r in rows]
        eq(frames, sorted(frames), "ladder rows in frame order")
        out.append({"head": head, "rows": rows, "more": more})
    return out


def _mermaid_blocks(md):
    """Each ```mermaid block of a Markdown report as [(frame, arrow, label with its entity codes)], after
    checking every line against the strict subset above."""
    lines, out = md.split("\n"), []
    for i, line in enumerate(lines):
        if line != "```mermaid":
            continue
        k = i + 1
        for rx in MERMAID_HEAD:
            assert rx.match(lines[k]), "Mermaid line %r does not match %s" % (lines[k], rx.pattern)
            k += 1
        rows = []
        while lines[k] != "```":
            m = MERMAID_ROW.match(lines[k])
            assert m, "Mermaid line outside the subset: %r" % lines[k]
            rows.append((int(m.group(2)), MERMAID_ARROW[m.group(1)], m.group(3)))
            k += 1
        frames = [r[0] for r in rows]
        eq(frames, sorted(frames), "Mermaid rows in frame order")
        out.append(rows)
    return out


def _ladder_facts(report, markdown):
    return [f for f in facts(report, markdown) if f.startswith("ladder |")]


def _check_ladders(text, md, what):
    """The text and Markdown ladders of one report: one per walkthrough, laid out and escaped as they
    should be, with the same rows (facts) in both forms."""
    walkthroughs = text.count("FTP control connection tcp.stream")
    ladders, blocks = _text_ladders(text), _mermaid_blocks(md)
    eq(len(ladders), walkthroughs, what + ": one text ladder per walkthrough")
    eq(len(blocks), walkthroughs, what + ": one ```mermaid block per walkthrough")
    eq(md.count("```mermaid"), walkthroughs, what + ": no other Mermaid block")
    for lad, rows in zip(ladders, blocks):
        eq([r[:2] for r in rows], [r[:2] for r in lad["rows"]], what + ": Mermaid rows = text rows")
        assert lad["more"] is None or len(lad["rows"]) == 40, (what, len(lad["rows"]))
    eq(_ladder_facts(md, True), _ladder_facts(text, False), what + ": ladder facts of Markdown = text")


def _table(section_lines):
    """Cells of the rows of a text table (header first)."""
    starts = _header_starts(section_lines[0])
    return [[c.strip() for c in _cut(l, starts)] for l in section_lines[1:]]


def _section(text, title):
    lines = text.split("\n")
    i = lines.index(title) + 2
    j = lines.index("", i)
    return lines[i:j]


def test_ladder_lab(env):
    """lab-anonymous: an arrow for the 3 handshake frames (with raw and relative numbers as the handshake table
    has them), for every row of the transcript and for each FIN and RST that stock Wireshark sees on the control
    connection, in frame order, rightwards from the client and leftwards from the server; the Markdown's
    Mermaid block has the same rows, in English and in Korean."""
    pcap = env.own("lab-anonymous.pcapng")
    text, md = report(env, pcap), report(env, pcap, ",md")
    _check_ladders(text, md, "lab-anonymous")
    ladder = _text_ladders(text)[0]
    assert "Client 127.0.0.1 port 48504" in ladder["head"] and ladder["head"].endswith("Server 127.0.0.1 port 21")
    want = []
    for cells in _table(_section(text, "1. TCP handshake")):
        m = re.match(r"^handshake (\d)/3", cells[1])
        if not m:
            continue
        name = {"1": "SYN", "2": "SYN-ACK", "3": "ACK"}[m.group(1)]
        label = "%s seq %s (rel %s)" % (name, cells[3].split()[0], cells[5])
        if cells[4] != "-":
            label += " ack %s (rel %s)" % (cells[4].split()[0], cells[6])
        want.append((int(cells[0]), 0, "S->C" if name == "SYN-ACK" else "C->S", label))
    eq(len(want), 3, "three handshake rows")
    for cells in _table(_section(text, "2. Transcript")):
        want.append((int(cells[0]), 1, "C->S" if cells[1] == "client" else "S->C", " ".join(cells[2].split())))
    for frame, sport, flags in _stock(env, pcap, "tcp.stream == 0 && (tcp.flags.fin == 1 || tcp.flags.reset == 1)",
                                      ["frame.number", "tcp.srcport", "tcp.flags.reset"]):
        want.append((int(frame), 2, "S->C" if sport == "21" else "C->S", "RST" if flags in ("1", "True") else "FIN"))
    want.sort(key=lambda w: (w[0], w[1]))
    got = ladder["rows"]
    eq([(f, a) for f, a, _ in got], [(f, a) for f, _, a, _ in want], "ladder rows: frame and direction")
    for (f, a, label), (_, kind, _, expected) in zip(got, want):
        if kind == 0:
            eq(label, expected, "handshake label of frame %d" % f)
        elif kind == 1:         # the command's verb upper-cased, as the transcript's explanation names it
            eq(label.lower(), expected.lower(), "line of frame %d" % f)
        else:
            assert label.startswith(expected + " seq "), (f, label)
    eq(ladder["rows"][0][2], "SYN seq 668618922 (rel 0)", "frame 1")
    eq(ladder["rows"][1][2], "SYN-ACK seq 1317322359 (rel 0) ack 668618923 (rel 1)", "frame 2")
    ko = report(env, pcap, ",md", lang="ko")
    blocks = _mermaid_blocks(ko)
    eq([r[:2] for r in blocks[0]], [r[:2] for r in got], "the Korean Mermaid block")
    assert "participant C as 클라이언트 127.0.0.1 포트 48504" in ko and "프레임 1: SYN seq 668618922 (상대 0)" in ko, ko[-3000:]
    masked = report(env, pcap, "", lang=None)
    assert "PASS IEUser@" in masked        # the default: passwords shown, as the transcript shows them
    out, _ = env.tshark(["-r", pcap, "-q", "-z", "ftplens,report", "-o", "ftplens.mask_passwords:TRUE"])
    rows = _text_ladders(out)[0]["rows"]
    assert ("C->S", "PASS ********") in [(a, l) for _, a, l in rows] and "IEUser@" not in out.split("5. Ladder")[1], out


def test_ladder_every_capture(env):
    """Every own capture (full report; the bruteforce-* ones folded, with later walkthroughs brief) and every
    public capture: one text ladder and one strict Mermaid block per walkthrough, with the same rows."""
    for name in sorted(os.listdir(env.pcaps)):
        if name.endswith(".pcapng"):
            opt = "" if name.startswith("bruteforce-") else ",full"
            pcap = env.own(name)
            _check_ladders(report(env, pcap, opt), report(env, pcap, opt + ",md"), name)
    for pcap in env.public_all():       # skipped loudly when ../shared is absent, after the own captures
        _check_ladders(report(env, pcap, ",full"), report(env, pcap, ",full,md"), os.path.basename(pcap))


def test_stats_tree(env):
    out, _ = env.tshark(["-r", env.own("vsftpd-login-transfers.pcapng"), "-q", "-z", "ftplens,tree"])
    for want in ["Reply classes by server", "127.0.0.1 port 21", "5xx Permanent Negative Completion",
                 "Security findings by severity", "cleartext_credentials", "Sessions by login outcome",
                 "login succeeded", "login failed"]:
        assert want in out, (want, out)


BRUTEFORCE = ["bruteforce-hydra-vsftpd.pcapng", "bruteforce-medusa-pyftpdlib.pcapng", "bruteforce-ncrack-vsftpd.pcapng",
              "bruteforce-patator-pyftpdlib.pcapng"]


def _stock(env, pcap, dfilter, fields):
    """Rows of stock Wireshark's own fields (ftplens disabled): the independent facts."""
    out, _ = env.tshark(["-r", pcap, "--disable-protocol", "ftplens", "-d", "tcp.port==2121,ftp", "-Y", dfilter,
                         "-T", "fields"] + sum([["-e", f] for f in fields], []))
    return [line.split("\t") for line in out.splitlines() if line.strip()]


def test_bruteforce_reports(env):
    """The real tools' captures: the overview's numbers are the ones stock Wireshark's own fields give (control
    connections, PASS commands, the PASS that won and its place among them all); the folded report of hydra's
    323 connections stays under 200 lines besides its ladder diagrams (a later walkthrough's at most 40 rows)
    while full walks through every session; Korean has no English left."""
    for name in BRUTEFORCE:
        pcap = env.own(name)
        syns = _stock(env, pcap, "tcp.flags.syn == 1 && tcp.flags.ack == 0 && (tcp.dstport == 21 || tcp.dstport == 2121)",
                      ["tcp.stream"])
        passes = [int(r[0]) for r in _stock(env, pcap, 'ftp.request.command == "PASS"', ["frame.number"])]
        ok = _stock(env, pcap, "ftp.response.code == 230", ["frame.number", "tcp.stream"])
        first_ok, ok_stream = int(ok[0][0]), ok[0][1]
        stream_passes = [int(r[0]) for r in _stock(env, pcap, 'ftp.request.command == "PASS" && tcp.stream == %s'
                                                    % ok_stream, ["frame.number"])]
        won = max(f for f in stream_passes if f < first_ok)
        guess = sorted(passes).index(won) + 1
        folded = report(env, pcap)
        for want in ["%d session%s from 1 client" % (len(syns), "s" if len(syns) > 1 else ""),
                     "%d passwords tried for 'student'" % len(passes),
                     ("with guess %d" % guess) if guess > 1 else "logged in as 'student'",
                     "(frame %d)" % first_ok]:
            assert want.replace(",", "") in folded.replace(",", ""), "%s: the overview lacks %r\n%s" % (name, want,
                                                                                                     folded[:3000])
        full = report(env, pcap, ",full")
        eq(full.count("FTP control connection tcp.stream"), len(syns), name + ": full walks through every session")
        assert folded.count("FTP control connection tcp.stream") < len(syns), name
        if name.startswith("bruteforce-hydra"):
            lines = re.sub(r"\n5\. Ladder diagram\n-+\n(?:.+\n)+", "\n", folded).count("\n")
            assert len(syns) >= 300 and lines < 200, "%s: %d connections, folded report of %d lines" % (name, len(syns),
                                                                                                    lines)
            ladders = _text_ladders(folded)
            assert len(ladders) == 2 and len(ladders[1]["rows"]) == 40 and ladders[1]["more"], ladders
            assert "then STOR secret.txt, STOR confidential.pdf, RETR confidential.pdf" in folded, folded[:3000]
            ko = report(env, pcap, lang="ko")
            for english in ["Overview", "Timeline", "Repeated sessions", "What happened", "Findings, grouped",
                            "passwords tried", "Like it", "Similar", "failed logins", "more lines", "Countermeasure"]:
                assert english not in ko, "English left in the Korean report: %r" % english


def test_stats_tree_attack_counts(env):
    """Findings every session repeats (the banner, the port) count once per server; a refused password guess is
    a Note, the one that worked a Warning (two passes: the outcome is known when the tree is drawn)."""
    out, _ = env.tshark(["-r", env.own("attack-bruteforce.pcapng"), "-2", "-q", "-z", "ftplens,tree"])
    section, counts = None, {}
    for line in out.split("\n"):
        name, _, rest = line.strip().partition("  ")
        if line.startswith(" ") and not line.startswith("  ") and rest.strip():
            section = name
        elif line.startswith("  ") and section and rest.strip():
            counts[(section, name)] = int(rest.split()[0])
    for key, want in [(("Note", "banner_disclosure"), 1), (("Note", "nonstandard_port"), 1),
                      (("Note", "cleartext_credentials"), 25), (("Warning", "cleartext_credentials"), 1),
                      (("Warning", "bruteforce"), 1), (("Note", "login_failed"), 25)]:
        eq(counts.get(key), want, "statistics tree %s / %s" % key)


def test_ftp_lab_profile(env):
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "plugin", "profile")
    prof = os.path.join(env.home, ".config", "wireshark", "profiles", "FTP Lab")
    os.makedirs(prof)
    for f in os.listdir(src):
        shutil.copy(os.path.join(src, f), prof)
    if os.geteuid() == 0:
        for root, dirs, files in os.walk(os.path.join(env.home, ".config")):
            for d in dirs + files:
                os.chown(os.path.join(root, d), 65534, 65534)
        os.chown(os.path.join(env.home, ".config"), 65534, 65534)
    out, _ = env.tshark(["-C", "FTP Lab", "-r", env.own("lab-anonymous.pcapng"), "-Y", "frame.number in {2,16}"])
    lines = out.strip().split("\n")
    assert "handshake 2/3: SYN-ACK" in lines[0], lines
    assert "Permanent Negative Completion" in lines[1] and "Syntax error in parameters or arguments" in lines[1], lines
    out, _ = env.tshark(["--color", "-C", "FTP Lab", "-r", env.own("attack-bounce-traversal.pcapng"), "-Y", "frame.number == 77",
                         "-T", "fields", "-e", "frame.coloring_rule.name"])
    eq(out.strip(), "FTP Lens: Error finding", "colouring rule of a port_bounce_accepted frame")


if __name__ == "__main__":
    sys.exit(run([test_lab_report, test_korean_report, test_report_filter_and_markdown, test_golden_reports, test_stats_tree,
                 test_stats_tree_attack_counts, test_bruteforce_reports, test_ladder_lab, test_ladder_every_capture,
                 test_ftp_lab_profile, test_report_arguments, test_language_spellings, test_mask_passwords_spellings]))
