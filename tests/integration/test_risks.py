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
    fs = findings(env, env.public_pcap("net-creds__ftp.pcap"))
    cc = only(fs, "cleartext_credentials")
    eq(len(cc), 1, "one cleartext_credentials")
    eq(cc[0][0], 328, "reported on the reply that gives the outcome")
    assert "user 'anonymous', password 'IEUser@'" in cc[0][3] and "login succeeded (230)" in cc[0][3], cc
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


def test_one_pass_equals_two_pass(env):
    for name in sorted(os.listdir(env.pcaps)):
        if name.endswith(".pcapng"):
            eq(findings(env, env.own(name)), findings(env, env.own(name), two_pass=True), name)


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


if __name__ == "__main__":
    sys.exit(run([test_lab_capture, test_auth_tls, test_anonymous_upload_public, test_expert_info,
                  test_one_pass_equals_two_pass, test_masked_passwords_appear_nowhere,
                  test_retransmitted_pass_counts_once, test_every_rule_is_an_expert_item]))
