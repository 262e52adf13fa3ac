#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark integration tests for -z ftplens,report, -z ftplens,tree and the
"FTP Lab" profile.  Golden files: tests/golden/<capture>.report.{txt,md};
run with --update-golden to rewrite them after a deliberate change.
"""
import os
import shutil
import sys

from harness import eq, run

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden")
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
    full = report(env, pcap)
    eq(full.count("FTP control connection tcp.stream"), 6, "six sessions")
    one = report(env, pcap, ",md,ftplens.session == 5")
    eq(one.count("FTP control connection tcp.stream"), 1, "the filter keeps one session")
    assert one.startswith("# FTP Lens report") and "## Session 1: FTP control connection tcp.stream 5" in one, one[:300]
    assert "| frame | step | flags |" in one and "|---|" in one, one


def _golden(env, name, opt, suffix):
    out = report(env, env.own(name), opt)
    path = os.path.join(GOLDEN, name.replace(".pcapng", ".report." + suffix))
    if UPDATE or not os.path.exists(path):
        open(path, "w", encoding="utf-8").write(out)
        print("  wrote %s" % path)
        if not UPDATE:
            raise AssertionError("golden file %s was missing: written now, check it in" % path)
    eq(out, open(path, encoding="utf-8").read(), path)


def test_golden_reports(env):
    for name in sorted(os.listdir(env.pcaps)):
        if name.endswith(".pcapng"):
            _golden(env, name, "", "txt")
            _golden(env, name, ",md", "md")


def test_stats_tree(env):
    out, _ = env.tshark(["-r", env.own("vsftpd-login-transfers.pcapng"), "-q", "-z", "ftplens,tree"])
    for want in ["Reply classes by server", "127.0.0.1 port 21", "5xx Permanent Negative Completion",
                 "Security findings by severity", "cleartext_credentials", "Sessions by login outcome",
                 "login succeeded", "login failed"]:
        assert want in out, (want, out)


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
                  test_ftp_lab_profile]))
