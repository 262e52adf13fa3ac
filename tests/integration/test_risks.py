#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark integration tests for the security findings (ftplens.risk*)."""
import os
import re
import struct
import subprocess
import sys
import tempfile

from harness import eq, run

RISK = ["ftplens.risk", "ftplens.risk.severity", "ftplens.risk.message", "ftplens.risk.advice"]


def findings(env, pcap, opts=(), two_pass=False):
    rows = env.fields(pcap, RISK, "ftplens.risk", opts=opts, two_pass=two_pass)
    out = []
    for f, r in sorted(rows.items()):
        for i, rid in enumerate(r["ftplens.risk"]):
            out.append((f, rid, r["ftplens.risk.severity"][i], r["ftplens.risk.message"][i], r["ftplens.risk.advice"][i]))
    return out


def only(fs, rid):
    return [x for x in fs if x[1] == rid]


def test_lab_capture(env):
    fs = findings(env, env.public_pcap("net-creds__ftp.pcap"), two_pass=True)
    cc = only(fs, "cleartext_credentials")
    eq(len(cc), 1, "one cleartext_credentials")
    eq(cc[0][0], 268, "reported on the PASS line that exposes the password")
    assert "user 'anonymous', password 'IEUser@'" in cc[0][3], cc
    assert cc[0][3].endswith("login succeeded (230, frame 328)"), cc
    assert "SFTP" in cc[0][4] and "FTPS" in cc[0][4], cc[0][4]
    eq(cc[0][2], "Warning", "severity")
    assert only(fs, "anonymous_login"), fs
    adp = only(fs, "anonymous_default_password")
    assert adp and "Internet Explorer" in adp[0][3], adp
    bd = only(fs, "banner_disclosure")
    assert any("NetBSD-ftpd 20041119" in x[3] for x in bd), bd
    uc = only(fs, "unknown_command")
    eq([x[0] for x in uc], [384], "unknown_command on the 502")
    assert "RFC 2640" in uc[0][3] and "OPTS" in uc[0][3], uc


def test_credentials_survive_a_cut(env):
    """The capture ends right after PASS: the password was still sent in clear;
    the finding says so with the outcome unknown, and the report agrees."""
    src = env.public_pcap("net-creds__ftp.pcap")
    with tempfile.TemporaryDirectory() as d:
        cut = os.path.join(d, "cut.pcap")
        subprocess.run(["editcap", "-r", src, cut, "1-268"], check=True)
        os.chmod(d, 0o755)
        os.chmod(cut, 0o644)
        for two in (False, True):
            cc = only(findings(env, cut, two_pass=two), "cleartext_credentials")
            eq([x[0] for x in cc], [268], "on the PASS line (two_pass=%s)" % two)
            eq(cc[0][2], "Warning", "severity")
            want = "login outcome unknown (no reply captured)" if two else "login outcome not known yet"
            assert want in cc[0][3], cc
        out, _ = env.tshark(["-r", cut, "-q", "-z", "ftplens,report"])
        assert "no login seen" not in out, out
        assert re.search(r"Login +user 'anonymous' unknown \(reply not captured\)", out), out


def test_auth_tls(env):
    fs = findings(env, env.public_pcap("zeek__ftp-auth-tls.pcap"))
    assert only(fs, "tls_accepted"), fs
    eq(only(fs, "cleartext_credentials"), [], "credentials went inside TLS")
    eq(only(fs, "tls_accepted")[0][2], "Chat", "a positive note")


def test_anonymous_upload_public(env):
    fs = findings(env, env.public_pcap("suricata-verify__bug-4877__input.pcap"))
    assert only(fs, "anonymous_login"), fs
    assert only(fs, "empty_password"), fs
    ct = [x for x in only(fs, "cleartext_transfer") if "notepad.exe" in x[3]]
    eq(len(ct), 2, "STOR and RETR of notepad.exe")
    assert all("69120 bytes of file content" in x[3] for x in ct), ct
    aw = only(fs, "anonymous_write")
    assert any("STOR notepad.exe" in x[3] for x in aw), aw
    eq(aw[0][2], "Error", "accepted anonymous write is an Error")


def test_expert_info(env):
    out, _ = env.tshark(["-r", env.public_pcap("net-creds__ftp.pcap"), "-q", "-z", "expert,note"])
    assert "Security" in out and "Credentials sent in clear text" in out, out[-3000:]
    assert "FTP Lens" in out, out[-2000:]


def test_expert_severity_without_reader(env):
    """The packet list (no visible tree, no expert tap) gets each frame's expert
    severity without the message text being written: the same Expert column as
    the same run with an expert tap, which makes ftplens write every message."""
    column = ["-o", 'gui.column.format:"No.","%m","Expert","%a"']
    for pcap in (env.public_pcap("net-creds__ftp.pcap"), env.public_pcap("zeek__ftp-auth-tls.pcap"),
                 os.path.join(env.pcaps, "lab-anonymous.pcapng")):
        listed, _ = env.tshark(["-r", pcap, "-Y", "tcp.port == 21"] + column)
        tapped, _ = env.tshark(["-r", pcap, "-Y", "tcp.port == 21", "-z", "expert,error"] + column)
        rows = lambda out: [l.split() for l in out.split("=" * 10)[0].splitlines() if l.strip()]
        eq(rows(listed), rows(tapped), pcap)
        assert ["Warning"] in [r[1:] for r in rows(listed)], listed[:2000]


def test_one_pass_equals_two_pass(env):
    """The same findings on the same frames; only a login outcome, settled by a
    later reply, is not known yet when one pass prints the PASS frame (a Warning
    then, which two passes make the Note of a refused password guess)."""
    def settled(fs, one_pass):
        out = []
        for f, rid, sev, msg, adv in fs:
            if rid == "cleartext_credentials":
                msg, _, outcome = msg.partition("'; ")
                if one_pass:
                    eq(outcome, "login outcome not known yet at this frame (the reply comes later)", "one pass")
                    eq((sev, msg.startswith("Credentials sent in clear text: ")), ("Warning", True), "one pass")
                else:
                    guess = outcome.startswith(("login failed", "the server closed the session"))
                    eq((sev, msg.startswith("Password guess sent in clear text: " if guess else
                                            "Credentials sent in clear text: "), "change this password" in adv),
                       ("Note" if guess else "Warning", True, not guess), "two passes: %s" % outcome)
                msg, sev, adv = msg.partition(": ")[2], "", ""      # the evidence, the same in both
            out.append((f, rid, sev, msg, adv))
        return out
    for name in sorted(os.listdir(env.pcaps)):
        if name.endswith(".pcapng"):
            eq(settled(findings(env, env.own(name)), True),
               settled(findings(env, env.own(name), two_pass=True), False), name)


def test_masked_password_length_is_explained(env):
    """The Len explanation of a masked PASS counts the real line and says it is masked."""
    out, _ = env.tshark(["-r", env.own("lab-anonymous.pcapng"), "-o", "ftplens.mask_passwords:TRUE", "-Y",
                         'ftp.request.command == "PASS"', "-T", "fields", "-e", "ftplens.tcp.explain"])
    assert "'PASS ********' (12 bytes, the password masked) + CR LF (2 bytes)" in out, out


def test_masked_passwords_appear_nowhere(env):
    """With ftplens.mask_passwords, no ftplens output contains a password."""
    cases = [(env.public_pcap("net-creds__ftp.pcap"), "IEUser@"), (env.own("pyftpdlib-2121.pcapng"), "wonderland"),
             (env.own("pyftpdlib-2121.pcapng"), "looking-glass"), (env.own("vsftpd-login-transfers.pcapng"), "S3cretPass!")]
    for pcap, secret in cases:
        plain, _ = env.tshark(["-r", pcap, "-2", "-V", "-O", "ftplens"])
        assert secret in plain, (pcap, "the unmasked output shows it")
        masked, _ = env.tshark(["-r", pcap, "-2", "-V", "-O", "ftplens", "-o", "ftplens.mask_passwords:TRUE"])
        assert secret not in masked, (pcap, secret)
        assert "********" in masked, pcap


def _pcap_records(path):
    data = open(path, "rb").read()
    header, off, recs = data[:24], 24, []
    endian = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    while off + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        recs.append(data[off:off + 16 + incl])
        off += 16 + incl
    return header, recs


def test_retransmitted_pass_counts_once(env):
    """Duplicate every PASS frame: failures, credentials and pairing do not change."""
    src = env.own("pyftpdlib-2121.pcapng")
    tmp = tempfile.mkdtemp(prefix="ftplens-dup-")
    os.chmod(tmp, 0o755)
    plain = os.path.join(tmp, "plain.pcap")
    subprocess.run(["editcap", "-F", "pcap", src, plain], check=True)
    header, recs = _pcap_records(plain)
    dup = os.path.join(tmp, "dup.pcap")
    with open(dup, "wb") as f:
        f.write(header)
        for r in recs:
            f.write(r)
            if b"PASS " in r:
                f.write(r)          # the same segment again: a retransmission
    os.chmod(dup, 0o644)
    os.chmod(plain, 0o644)
    # frame numbers shift by the inserted duplicates; everything else must be equal
    a = [(rid, re.sub(r"frame \d+", "frame N", msg)) for _, rid, _, msg, _ in findings(env, plain)]
    b = [(rid, re.sub(r"frame \d+", "frame N", msg)) for _, rid, _, msg, _ in findings(env, dup)]
    eq(b, a, "findings with duplicated PASS frames")
    fails = [m for r, m in b if r == "login_failed"]
    eq(len(fails), 1, "one failed login")
    assert "failure 1 in this session" in fails[0], fails


def test_every_rule_is_an_expert_item(env):
    out, _ = env.tshark(["-G", "fields"])
    names = {l.split("\t")[2] for l in out.split("\n") if l.count("\t") >= 2}
    for rid in ("cleartext_credentials", "bruteforce", "port_bounce_accepted", "backdoor_vsftpd_234",
                "nonstandard_port", "reply_malformed", "tls_accepted"):
        assert "ftplens.risk." + rid in names, rid


# Attack captures made by tests/captures/make-attack-captures.sh: (frame, id, evidence) that must be found,
# and ids that must not appear at all.
ATTACKS = {
    "attack-bruteforce.pcapng": (
        [(44, "bruteforce", "5 failed logins for 'alice' in this session"),
         (287, "login_success_after_failures", "user 'alice' after 24 failed attempts"),
         (52, "login_failed", "failure 6 in this session")],
        ["anonymous_login"]),
    "attack-anonymous-upload.pcapng": (
        [(25, "anonymous_write", "STOR evil.exe accepted (226)"), (28, "anonymous_write", "MKD incoming"),
         (30, "anonymous_write", "DELE evil.exe"), (25, "cleartext_transfer", "399 bytes of file content"),
         (9, "anonymous_default_password", "mozilla@example.com"), (4, "nonstandard_port", "2121")],
        []),
    "attack-site-exec-backdoor.pcapng": (
        [(13, "site_exec", "EXEC /bin/sh -c id"), (16, "backdoor_proftpd", "ACIDBITCHEZ"),
         (40, "backdoor_vsftpd_234", "'backdoor:)'"), (48, "backdoor_vsftpd_234", "port 6200 of 127.0.0.1")],
        ["site_exec_success"]),
    "attack-bounce-traversal.pcapng": (
        [(13, "port_bounce", "192.0.2.10"), (13, "port_privileged", "port 25"), (16, "port_bounce", "EPRT"),
         (77, "port_bounce_accepted", "127.0.0.9"), (22, "path_traversal", "../../../../etc"),
         (28, "sensitive_file", "passwd"), (103, "sensitive_file", "/etc/shadow"), (109, "format_string", "%s%s%s%n"),
         (118, "arg_too_long", "STOR argument of 300 bytes"), (144, "arg_too_long", "USER argument of 150 bytes"),
         (31, "telnet_iac", "NOOP"), (51, "preauth_command", "RETR"), (159, "preauth_command", "RETR")],
        ["preauth_command_accepted", "unknown_command"]),
    "attack-user-enumeration.pcapng": (
        [(31, "user_enumeration", "USER 'admin' with 530 but USER 'student' with 331"),
         (29, "privileged_account", "admin"), (33, "privileged_account", "root")],
        []),
    "attack-auth-tls-refused.pcapng": (
        [(34, "auth_tls_refused_fallback", "AUTH TLS was refused (530, frame 27)"),
         (60, "auth_tls_refused_fallback", "refused")],
        ["tls_accepted"]),
    "attack-ftps.pcapng": (
        [(22, "tls_accepted", "AUTH TLS accepted"), (116, "tls_accepted", "AUTH TLS accepted"),
         (100, "tls_offered_not_used", "FEAT reply, frame 80"), (98, "cleartext_credentials", "student")],
        []),
}


def test_attack_captures(env):
    for name, (must, never) in sorted(ATTACKS.items()):
        fs = findings(env, env.own(name))
        for frame, rid, evidence in must:
            hits = [x for x in fs if x[0] == frame and x[1] == rid and evidence in x[3]]
            assert hits, "%s: no %s with %r on frame %d; found %r" % (name, rid, evidence, frame,
                                                                     [(x[0], x[1]) for x in fs])
        for rid in never:
            eq(only(fs, rid), [], "%s: %s" % (name, rid))
    # credentials inside TLS are never reported
    creds = only(findings(env, env.own("attack-ftps.pcapng")), "cleartext_credentials")
    eq([x[0] for x in creds], [98], "only session B logged in in clear text")


if __name__ == "__main__":
    sys.exit(run([test_lab_capture, test_credentials_survive_a_cut, test_auth_tls, test_anonymous_upload_public, test_expert_info,
                  test_one_pass_equals_two_pass, test_masked_password_length_is_explained, test_masked_passwords_appear_nowhere,
                  test_retransmitted_pass_counts_once, test_every_rule_is_an_expert_item, test_expert_severity_without_reader, test_attack_captures]))
