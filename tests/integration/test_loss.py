#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Capture loss: delete FTP control segments and check what ftplens says against the lossless capture.

tools/make-loss-variants.py deletes 1, 2 and 3 random control segments (client only, server only, both; never the
220 greeting; FTPLENS_LOSS_SEEDS seeds each, default 5) from every capture in pcaps/ and every public capture
(../shared/pcaps/public, SKIPPED LOUDLY when absent), plus targeted cases (a segment inside a multi-line reply,
the SYN-ACK, the third ACK, the 230 of a login, the 150 of a transfer, two pipelined commands in one segment).
Frame numbers are mapped through the deletion.  No oracle is needed: the lossless capture is the reference.

Checked on every variant, with tshark -2 (what the GUI shows):
  own frame    every line ftplens shows is in the frame that carries it: a line of the lossless capture at
               that frame with the same text (a line cut by the gap is marked partial and only has to be the
               end of one); and every whole line of a surviving frame is shown there.
  direct       every surviving reply whose ftplens.reply.pairing is 'direct' answers the same command as in
               the lossless capture (or, like there, none).
  lost reply   a command whose final reply was deleted is never given another reply (reply_in stays empty).
  findings     no security finding appears that the lossless capture does not have; a login outcome is the
               lossless one, or 'unknown (reply not captured)' / 'no login seen'.
  one pass     (first seed, one segment deleted; targeted cases) every line one-pass tshark shows is in the two-pass output at the same frame
               with the same backward-looking fields (one pass may show held lines later: not at all).
Over all variants: at least 99 % of the surviving replies answer the same command as in the lossless capture
(a reply whose command was deleted counts as right when it says it answers a command that was not captured).
"""
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from harness import Skip, quick_skipped, run

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "..", "..", "tools", "make-loss-variants.py")
SEEDS = os.environ.get("FTPLENS_LOSS_SEEDS", "5")
WORKERS = 2
BACKWARD = ("text", "sender", "code", "to", "to_command", "pairing", "cmd", "index", "to_index", "partial")
LOGIN_UNKNOWN = ("unknown (reply not captured)", "no login seen",
                 "failed, then client bytes were lost: a later attempt may be missing")


def parse(out):
    """(lines, risks, logins): lines as dicts in frame order, risk ids (set), the report's Login values."""
    end = out.index("</pdml>") + len("</pdml>")
    root = ET.fromstring(out[:end])
    lines, risks = [], set()
    for pkt in root.iter("packet"):
        num = int(next(f.get("show") for f in pkt.iter("field") if f.get("name") == "num"))
        for proto in pkt.iter("proto"):
            if proto.get("name") != "ftplens":
                continue
            for f in proto.iter("field"):
                if f.get("name") == "ftplens.risk":
                    msg = [c.get("show") for c in f if c.get("name") == "ftplens.risk.message"]
                    risks.add((f.get("show"), msg[0] if msg else ""))
            for el in proto:
                if el.get("name") != "ftplens.line":
                    continue
                d = {"frame": num, "text": el.get("show"),
                     "began_earlier": "began in an earlier segment" in (el.get("showname") or "")}
                names = {"ftplens.sender": "sender", "ftplens.reply.code": "code", "ftplens.reply.to": "to",
                         "ftplens.reply.to_command": "to_command", "ftplens.reply.pairing": "pairing",
                         "ftplens.request.command": "cmd", "ftplens.request.reply_in": "reply_in",
                         "ftplens.request.index": "index", "ftplens.reply.to_index": "to_index",
                         "ftplens.request.reply_not_captured": "not_captured"}
                d["partial"] = False
                for c in el.iter("field"):
                    n = c.get("name")
                    if n in names and names[n] not in d:
                        d[names[n]] = c.get("show")
                    if n == "ftplens.line.partial":
                        d["partial"] = True
                if d.get("code") and "(answers a command that was not captured)" in (el.get("showname") or ""):
                    d["lost_command"] = True
                lines.append(d)
    logins = re.findall(r"^  Login +(.*)$", out[end:], re.M)
    return lines, risks, logins


def observe(env, pcap, two_pass=True):
    # only frames with an FTP line or a finding: the rest is most of the PDML and none of the check
    args = ["-r", pcap, "-T", "pdml", "-J", "ftplens", "-Y", "ftplens.line || ftplens.risk", "-z", "ftplens,report,full"]
    if two_pass:
        args.insert(2, "-2")
    out, _ = env.tshark(args)
    return parse(out)


LOGIN_RE = re.compile(r"^(?:user '(?P<user>[^']*)' )?(?P<outcome>.*?)(?: \(frame \d+\))?"
                      r"(?: after (?P<atleast>at least )?(?P<n>\d+) failed attempts?)?"
                      r"(?:; \d+ login attempts? whose reply was not captured)?$")


def login_contradicts(variant, clean):
    """None, or why the variant's Login line says something the lossless one does not."""
    v, c = LOGIN_RE.match(variant), LOGIN_RE.match(clean)
    if v.group("outcome") in LOGIN_UNKNOWN:
        return None
    if v.group("outcome") != c.group("outcome"):
        return "outcome"
    if v.group("user") not in (None, "?", c.group("user")):
        return "user"
    # a count it states is never more than the lossless one, and fewer only as "at least"
    nv, nc = int(v.group("n") or 0), int(c.group("n") or 0)
    if v.group("n") and (nv > nc or (nv < nc and not v.group("atleast"))):
        return "failed attempts"
    return None


class Stats:
    def __init__(self):
        self.variants = self.replies = self.same = self.direct = 0
        self.lost_cmds = self.lost_marked = 0
        self.inside = 0
        self.failures = []

    def add(self, o):
        for k in ("variants", "replies", "same", "direct", "lost_cmds", "lost_marked", "inside"):
            setattr(self, k, getattr(self, k) + getattr(o, k))
        self.failures.extend(o.failures)


def check_variant(env, name, clean, variant_path, deleted, first_seed):
    """Compares one variant with the lossless capture: its counts and failure texts, as a Stats."""
    st = Stats()
    c_lines, c_risks, c_logins = clean
    v_lines, v_risks, v_logins = observe(env, variant_path)
    dset = set(deleted)
    n_old = max([l["frame"] for l in c_lines] + deleted + [0]) + 10000
    kept = [f for f in range(1, n_old) if f not in dset]
    old = lambda n: kept[n - 1]                       # noqa: E731  variant frame -> lossless frame
    fails = []
    by_frame = {}
    for l in c_lines:
        by_frame.setdefault(l["frame"], []).append(l)

    # own frame: every shown line matches a lossless line of that frame
    used = set()
    matched = []                                       # (variant line, lossless line)
    resent = [c for c in c_lines if c["frame"] in dset]
    inside = 0
    for v in v_lines:
        of = old(v["frame"])
        cands = [c for c in by_frame.get(of, []) if id(c) not in used]
        if v["partial"]:
            # the end of a line cut by the gap (its kept text may be capped differently)
            hit = [c for c in cands if c["text"].endswith(v["text"])] or cands[:1]
        else:
            hit = [c for c in cands if c["text"] == v["text"]]
        if not hit and not v["partial"]:
            # a reply line found inside a line whose start was deleted (the lossless capture joined it
            # to garbage before it): shown where it is, but not comparable
            inside_hit = [c for c in cands if c["began_earlier"] and c["text"].endswith(v["text"])]
            if inside_hit:
                used.add(id(inside_hit[0]))
                inside += 1
                continue
            # the deleted bytes came again later (a retransmission in the capture): explained there
            again = [c for c in resent if c["frame"] < of and c["text"] == v["text"] and id(c) not in used]
            if again:
                used.add(id(again[0]))
                matched.append((v, again[0]))
                continue
        if not hit:
            fails.append("line %r shown in frame %d (lossless frame %d) has no such line there"
                         % (v["text"][:60], v["frame"], of))
            continue
        used.add(id(hit[0]))
        if not v["partial"]:
            matched.append((v, hit[0]))
    # every whole line of a surviving frame is shown there
    for c in c_lines:
        if c["frame"] in dset or c["began_earlier"] or id(c) in used:
            continue
        fails.append("line %r of surviving frame %d is not shown" % (c["text"][:60], c["frame"]))

    def target(line, frame_map):
        if not line.get("code"):
            return None
        if line.get("lost_command"):
            return "lost"
        if line.get("to"):
            return (frame_map(int(line["to"])), line.get("to_command"))
        return "none"

    for v, c in matched:
        if not v.get("code"):
            continue
        if v.get("pairing") is None:        # continuation lines carry their first line's pairing
            continue
        st.replies += 1
        ct, vt = target(c, lambda f: f), target(v, old)
        clean_cmd_deleted = isinstance(ct, tuple) and ct[0] in dset
        same = vt == ct or (clean_cmd_deleted and vt in ("lost", "none"))
        st.same += same
        if not same and os.environ.get("FTPLENS_LOSS_VERBOSE"):
            print("    differs: %s frame %d %r (%s) answers %r, lossless %r"
                  % (name, v["frame"], v["text"][:40], v["pairing"], vt, ct))
        if v["pairing"] == "direct":
            st.direct += 1
            if not same:
                fails.append("direct reply %r in frame %d answers %r, lossless %r"
                             % (v["text"][:40], v["frame"], vt, ct))
    # a command whose final reply was deleted gets no other reply
    for v, c in matched:
        if not (v.get("cmd") or v.get("index")) or not c.get("reply_in"):
            continue
        if int(c["reply_in"]) in dset:
            st.lost_cmds += 1
            st.lost_marked += v.get("not_captured") in ("1", "True")
            got = int(v["reply_in"]) if v.get("reply_in") else None
            # the rest of the same multi-line reply (its first line was deleted) is still its reply
            clean_reply = [l for l in by_frame.get(int(c["reply_in"]), []) if l.get("to") == str(c["frame"])]
            same_reply = got is not None and (
                any(l.get("to") == str(c["frame"]) for l in by_frame.get(old(got), [])) or
                any(l["frame"] == got and l["text"] == r["text"] for l in v_lines for r in clean_reply))
            # RFC 2228 protected replies (63x) wrap a code nobody can read: whether one is final is unknown,
            # so a later 63x may be the same command's (the lossless pairing cannot tell either)
            protected = any(l.get("code", "").startswith("63") for l in v_lines if l["frame"] == got)
            if got is not None and not same_reply and not inside and not protected:
                fails.append("command %r in frame %d: its reply (lossless frame %s) was deleted, but it is "
                             "given the reply in frame %s" % (v["text"][:40], v["frame"], c["reply_in"],
                                                              v["reply_in"]))
    # A PASS whose reply was lost raises cleartext_credentials with the outcome unknown: the password
    # did cross in clear.  The lossless capture may have no such finding when its reply was not a
    # decisive one (e.g. a malformed line): that is the only finding allowed to be new.
    extra = {r for r, m in v_risks if r not in {i for i, _ in c_risks}
             and not (r == "cleartext_credentials" and "login outcome unknown" in m)}
    if inside:
        # the lossless capture has no reply there to compare findings and login with
        st.inside += 1
    elif extra:
        fails.append("findings not in the lossless capture: %s" % sorted(extra))
    if inside:
        pass
    elif len(v_logins) != len(c_logins):
        fails.append("report sessions: %d Login lines, lossless %d" % (len(v_logins), len(c_logins)))
    else:
        for a, b in zip(v_logins, c_logins):
            why = login_contradicts(a, b)
            if why:
                fails.append("login %r contradicts the lossless %r (%s)" % (a, b, why))
    if first_seed:
        one = {(l["frame"], l["text"]): l for l in observe(env, variant_path, two_pass=False)[0]}
        two = {(l["frame"], l["text"]): l for l in v_lines}
        for k, l in one.items():
            t = two.get(k)
            if t is None:
                fails.append("one pass shows %r in frame %d, two passes do not" % (k[1][:40], k[0]))
            elif any(l.get(f) != t.get(f) for f in BACKWARD):
                diff = {f: (l.get(f), t.get(f)) for f in BACKWARD if l.get(f) != t.get(f)}
                fails.append("frame %d %r: one pass differs from two passes: %s" % (k[0], k[1][:40], diff))
    st.variants += 1
    st.failures = ["%s: %s" % (name, f) for f in fails]
    return st


def check_capture(env, pcap, st):
    if os.environ.get("FTPLENS_LOSS_ONLY", "") not in os.path.basename(pcap):
        return
    if quick_skipped(pcap):
        print("  %-70s SKIPPED LOUDLY (FTPLENS_QUICK_SKIP)" % os.path.basename(pcap))
        return
    work = tempfile.mkdtemp(prefix="ftplens-loss-")
    os.chmod(work, 0o755)         # tshark runs as nobody when the tests run as root
    try:
        subprocess.run([sys.executable, TOOL, pcap, work, "--seeds", SEEDS], check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(work, "manifest.json")) as fh:
            manifest = json.load(fh)
        clean = observe(env, pcap)
        before = len(st.failures)
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            jobs = [pool.submit(check_variant, env, "%s/%s" % (os.path.basename(pcap), name), clean,
                                os.path.join(work, name), m["deleted"],
                                name.endswith("-1-0.pcap") or name.startswith("target-"))
                    for name, m in sorted(manifest.items())]
            for j in jobs:
                st.add(j.result())
        print("  %-70s %3d variants %s" % (os.path.basename(pcap), len(manifest),
                                          "ok" if len(st.failures) == before else
                                          "%d problems" % (len(st.failures) - before)))
        sys.stdout.flush()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def summary(st, what):
    rate = 100.0 * st.same / st.replies if st.replies else 100.0
    print("  %s: %d variants, %d surviving replies, %.2f %% answer the lossless command (%d direct), "
          "%d commands lost their reply, %d of them marked 'reply not captured'; %d variants with a reply found "
          "inside a line the lossless capture shows joined to garbage (findings not compared)"
          % (what, st.variants, st.replies, rate, st.direct, st.lost_cmds, st.lost_marked, st.inside))
    for f in st.failures[:40]:
        print("    " + f)
    if len(st.failures) > 40:
        print("    ... %d more" % (len(st.failures) - 40))
    if st.failures:
        raise AssertionError("%d problems" % len(st.failures))
    if rate < 99.0:
        raise AssertionError("only %.2f %% of surviving replies pair as in the lossless capture (need 99 %%)" % rate)


def test_own_captures(env):
    st = Stats()
    for name in sorted(os.listdir(env.pcaps)):
        if name.endswith((".pcap", ".pcapng")):
            check_capture(env, env.own(name), st)
    summary(st, "own captures")


def test_public_captures(env):
    if os.environ.get("FTPLENS_LOSS_PUBLIC", "1") == "0":
        raise Skip("FTPLENS_LOSS_PUBLIC=0 (quick mode of the 4.4/4.6 chroots): public captures not varied here")
    st = Stats()
    for pcap in env.public_all():
        check_capture(env, pcap, st)
    summary(st, "public captures")


if __name__ == "__main__":
    sys.exit(run([test_own_captures, test_public_captures]))
