#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Integration tests for tools/ftplens-batch.

The batch runs over copies of six of the project's own captures (pcaps/)
plus, in a subfolder, a truncated copy (head -c) and a file that is no
capture.  Checked:

- every capture's report (and ftp.log, when the plugin has -z ftplens,log) is
  byte for byte what a separate tshark run prints, the truncated one's too
  (kept, marked truncated); the merged log has every capture's records, each
  with "ftplens.capture" added and nothing else changed;
- the garbage file is reported (summary, errors.txt, manifest), has no outputs
  and makes the exit status 1; a usage error is 2;
- a second run is up to date (only the failed capture is tried again); after
  touching one capture only that one is redone; the merged log is rebuilt;
- -j 1 and -j 2 write identical files;
- the log and the report split the same whatever order tshark prints them in.
"""
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from harness import eq, run

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.normpath(os.path.join(HERE, "..", "..", "tools", "ftplens-batch"))
LOG_PREFIX = '{"ts":'
STATE = {}


def has_log(env):
    if "has_log" not in STATE:
        out, err = env.tshark(["-z", "help"], check=False)
        STATE["has_log"] = any(l.strip() == "ftplens,log" for l in (out + err).split("\n"))
        if not STATE["has_log"]:
            print("  SKIPPED LOUDLY: this ftplens has no -z ftplens,log: the batch runs with --no-log and the "
                  "log checks are left out")
    return STATE["has_log"]


def batch(env, inputs, out, *opts):
    """Runs the tool; returns (exit status, stdout, [(status, name)] of its per-capture progress lines)."""
    args = [sys.executable, TOOL] + inputs + ["-o", out]
    if not getattr(env, "installed", False):
        # The staged build; as root the tool runs tshark as nobody, as env.tshark does.  The installed
        # plugin needs no option.
        args += ["--plugin-dir", env.plugin_dir]
    if not has_log(env):
        args.append("--no-log")
    args += opts
    tool_env = dict(os.environ, LC_ALL="C.UTF-8", HOME=env.home)
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=tool_env, timeout=300)
    out_text, err = p.stdout.decode("utf-8"), p.stderr.decode("utf-8")
    done = re.findall(r"^\[\s*\d+/\d+\] (\S+)\s+(\S+) \(", err, re.M)
    return p.returncode, out_text, sorted((name, status) for status, name in done), err


def inputs(env):
    """A scratch folder: copies of the own captures, bad/trunc.pcapng (cut mid-packet), bad/garbage.pcap."""
    if "dir" in STATE:
        return STATE["dir"]
    top = tempfile.mkdtemp(prefix="ftplens-batch-test-")
    src = os.path.join(top, "in")
    os.makedirs(os.path.join(src, "bad"))
    # Six of the own captures (IPv4 and IPv6, vsftpd and pyftpdlib on 2121, FTPS, pipelined lines): each tshark
    # start costs about a second, and the batch's logic does not depend on what a capture holds.
    own = ["attack-ftps.pcapng", "ipv6.pcapng", "lab-anonymous.pcapng", "pipelined-split.pcapng",
           "pyftpdlib-2121.pcapng", "vsftpd-login-transfers.pcapng"]
    for f in own:
        shutil.copy2(env.own(f), os.path.join(src, f))
    with open(env.own("vsftpd-login-transfers.pcapng"), "rb") as f:
        data = f.read()
    with open(os.path.join(src, "bad", "trunc.pcapng"), "wb") as f:
        f.write(data[:30000])          # head -c 30000: inside a packet block
    with open(os.path.join(src, "bad", "garbage.pcap"), "wb") as f:
        f.write(b"this is not a capture file\n" * 200)
    # tshark may run as nobody: everything readable.
    os.chmod(top, 0o755)
    for root, dirs, files in os.walk(top):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    STATE["dir"] = (top, src, own)
    return STATE["dir"]


def separate(env, pcap):
    """What separate tshark runs print: (report text, [log lines]), and tshark's exit status."""
    args = ["-r", pcap, "-q", "-z", "ftplens,report"]
    out, err = env.tshark(args, check=False)
    log = []
    if has_log(env):
        lout, _ = env.tshark(["-r", pcap, "-q", "-z", "ftplens,log,json"], check=False)
        log = [l for l in lout.split("\n") if l]
        assert all(l.startswith(LOG_PREFIX) for l in log), "log line not starting with %s in %s" % (LOG_PREFIX, pcap)
    return out, log


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def tree(out):
    """{relative path: bytes} of every file under out, the manifest without its timings."""
    files = {}
    for root, _, names in os.walk(out):
        for n in names:
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                data = f.read()
            if n == ".ftplens-batch.json":
                m = json.loads(data)
                for e in m["captures"].values():
                    e.pop("seconds", None)
                data = json.dumps(m, sort_keys=True).encode()
            files[os.path.relpath(p, out)] = data
    return files


def first_run(env):
    if "first" not in STATE:
        top, src, own = inputs(env)
        out = os.path.join(top, "out-j2")
        STATE["first"] = batch(env, [src], out, "-j", "2")
        STATE["out"] = out
        STATE["first_tree"] = tree(out)
    return STATE["first"]


def test_outputs_equal_separate_runs(env):
    rc, summary, done, err = first_run(env)
    top, src, own = inputs(env)
    out = STATE["out"]
    eq(rc, 1, "exit status with a bad capture\n" + summary + err)
    names = own + ["bad/trunc.pcapng", "bad/garbage.pcap"]
    eq([n for n, _ in done], sorted(names), "captures processed")
    statuses = dict(done)
    eq(statuses["bad/garbage.pcap"], "failed", "garbage")
    eq(statuses["bad/trunc.pcapng"], "truncated", "truncated copy")
    eq({n: s for n, s in done if n.startswith("bad/") is False and s != "ok"}, {}, "own captures")
    good = own + ["bad/trunc.pcapng"]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        expected = dict(zip(good, pool.map(lambda n: separate(env, os.path.join(src, n)), good)))
    STATE["separate"] = expected
    total = 0
    for n in good:
        report, log = expected[n]
        eq(read(os.path.join(out, n + ".report.txt")), report, n + " report")
        if has_log(env):
            eq(read(os.path.join(out, n + ".ftp.json")).split("\n")[:-1], log, n + " log")
        total += len(log)
    assert "FTP Lens report" in read(os.path.join(out, "bad/trunc.pcapng.report.txt"))
    for suffix in (".report.txt", ".ftp.json"):
        assert not os.path.exists(os.path.join(out, "bad/garbage.pcap" + suffix)), "outputs of the garbage file"
    if has_log(env):
        merged = [json.loads(l) for l in read(os.path.join(out, "ftp.log.json")).split("\n") if l]
        eq(len(merged), total, "records in the merged log")
        per = {}
        for rec in merged:
            per.setdefault(rec.pop("ftplens.capture"), []).append(rec)
        for n in good:
            eq(per.get(n, []), [json.loads(l) for l in expected[n][1]], n + " records in the merged log")
        assert "%d records from %d captures" % (total, len(good)) in summary, summary
    else:
        assert not os.path.exists(os.path.join(out, "ftp.log.json"))


def test_bad_files_reported(env):
    rc, summary, done, err = first_run(env)
    out = STATE["out"]
    assert re.search(r"failed\s+bad/garbage\.pcap: isn't a capture file", summary), summary
    assert re.search(r"truncated\s+bad/trunc\.pcapng: appears to have been cut short", summary), summary
    assert "%d ok, 1 truncated (kept), 1 failed (skipped)" % (len(done) - 2) in summary, summary
    errors = sorted(read(os.path.join(out, "errors.txt")).strip().split("\n"))
    eq([e.split("\t")[:2] for e in errors], [["bad/garbage.pcap", "failed"], ["bad/trunc.pcapng", "truncated"]],
       "errors.txt")
    manifest = json.loads(read(os.path.join(out, ".ftplens-batch.json")))
    eq(manifest["captures"]["bad/garbage.pcap"]["status"], "failed", "manifest")
    # Usage errors: 2.
    p = subprocess.run([sys.executable, TOOL, "pcaps"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    eq(p.returncode, 2, "no -o")
    p = subprocess.run([sys.executable, TOOL, os.path.join(STATE["dir"][0], "nothing-here"), "-o", out],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    eq(p.returncode, 2, "missing input")


def test_up_to_date_and_touch(env):
    first_run(env)
    top, src, own = inputs(env)
    out = STATE["out"]
    before = tree(out)
    rc, summary, done, err = batch(env, [src], out, "-j", "2")
    eq(rc, 1, "exit status of the second run")
    eq(done, [("bad/garbage.pcap", "failed")], "second run: only the failed capture is tried again")
    assert "%d up to date" % (len(own) + 1) in summary, summary
    eq(tree(out), before, "files after an up-to-date run")
    os.utime(os.path.join(src, "lab-anonymous.pcapng"))
    rc, summary, done, err = batch(env, [src], out, "-j", "2")
    eq(done, [("bad/garbage.pcap", "failed"), ("lab-anonymous.pcapng", "ok")], "after touching one capture")
    after = tree(out)
    eq(after.keys(), before.keys(), "files after the touch")
    for k in before:
        if k != ".ftplens-batch.json":
            eq(after[k], before[k], k + " after the touch")
    # Other tshark options are another stamp: the capture is redone (a folder of one capture, to be quick).
    one = os.path.join(top, "out-one")
    lab = os.path.join(src, "lab-anonymous.pcapng")
    eq(batch(env, [lab], one)[:3:2], (0, [("lab-anonymous.pcapng", "ok")]), "one capture")
    eq(batch(env, [lab], one)[:3:2], (0, []), "one capture, again")
    eq(batch(env, [lab], one, "--", "-o", "ftplens.language:ko")[:3:2], (0, [("lab-anonymous.pcapng", "ok")]),
       "one capture with another tshark option")
    assert "FTP Lens 보고서" in read(os.path.join(one, "lab-anonymous.pcapng.report.txt"))
    eq(batch(env, [lab], one, "--lang", "ko")[:3:2], (0, []), "--lang ko is -o ftplens.language:ko: up to date")
    eq(batch(env, [lab], one, "--lang", "ko", "--force")[:3:2], (0, [("lab-anonymous.pcapng", "ok")]), "--force")


def test_one_and_two_workers(env):
    first_run(env)
    top, src, own = inputs(env)
    one = os.path.join(top, "out-j1")
    rc1, _, done1, _ = batch(env, [src], one, "-j", "1")
    rc2, _, done2, _ = STATE["first"]
    eq((rc1, rc2), (1, 1), "exit statuses")
    eq(done1, done2, "statuses")
    a, b = tree(one), STATE["first_tree"]
    eq(sorted(a), sorted(b), "files written")
    for k in a:
        eq(a[k], b[k], k)


def test_split_order(env):
    """tshark prints the taps one after another; the split does not depend on which comes first."""
    if not has_log(env):
        print("  SKIPPED LOUDLY: no -z ftplens,log")
        return
    pcap = env.own("vsftpd-login-transfers.pcapng")
    outs = []
    for taps in (["-z", "ftplens,report", "-z", "ftplens,log,json"], ["-z", "ftplens,log,json", "-z", "ftplens,report"]):
        out, _ = env.tshark(["-r", pcap, "-q"] + taps)
        lines = out.split("\n")
        outs.append(("\n".join(l for l in lines if not l.startswith(LOG_PREFIX)),
                     [l for l in lines if l.startswith(LOG_PREFIX)]))
    eq(outs[0], outs[1], "report and log split with the taps in either order")
    report, log = STATE.get("separate", {}).get("vsftpd-login-transfers.pcapng") or separate(env, pcap)
    eq(outs[0], (report, log), "split equals the separate runs")


def cleanup():
    if "dir" in STATE:
        shutil.rmtree(STATE["dir"][0], ignore_errors=True)


if __name__ == "__main__":
    try:
        rc = run([test_outputs_equal_separate_runs, test_bad_files_reported, test_one_and_two_workers,
                  test_up_to_date_and_touch, test_split_order])
    finally:
        cleanup()
    sys.exit(rc)
