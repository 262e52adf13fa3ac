#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Equivalence tests: TCP-level variants of a capture must not change what ftplens says about FTP.

tools/make-variants.py writes, for each of the project's captures (pcaps/) and each public capture
(../shared/pcaps/public, SKIPPED LOUDLY when absent), variants with duplicated segments (dup),
swapped consecutive segments of one direction (reorder), retransmissions (retrans), the handshakes removed
(nohandshake) and every FTP control segment cut in two inside a line (split).  tshark with the plugin runs on the
clean capture and on each variant, in one pass and with -2, and each variant must give, in the same mode:

  1. lines: the sequence, in frame order, of every control line ftplens annotates, as
     (sender, line, reply code, class, category, meaning, part, to_command, target, command, arg), plus the
     line's other fields (class/category texts, RFCs, command meaning, known, arg_explained) and the ftplens
     expert items on the line (malformed, unknown class, bytes missing...; TCP ones aside).
     Frame numbers shift in the variants, so ftplens.reply.to (a frame number) is compared through the command
     it points to: 'target' is how many command lines back (in the whole run, frame order) the answered command
     line is, found from reply.to and to_command in the same run; a reply.to that points to a frame without such
     a command is itself reported.  Lines are read from PDML, so the fields of one line stay together.
  2. findings: the multiset of (ftplens.risk id, ftplens.risk.message with 'frame \\d+' -> 'frame N'), and of
     the ftplens expert items that are not on a line (ftplens.tcp.* and the risks' own expert copies aside).
  3. report (-z ftplens,report,full: every session walked through), per session (keyed by its Client and Server
     lines): the header (addresses, MAC, IP, TTL, server software), the data connections (role and payload bytes)
     and the whole summary (Login, Transfers, Replies by class, End of capture, Unanswered), frame numbers replaced
     by N.

Not compared, because they describe the fault itself or are frame numbers:
  - ftplens.tcp.* (steps, relative numbers, explanations: a duplicate *is* a retransmission, a missing SYN *is*
    'no handshake captured') and the report's '1. TCP handshake' table, 'Start' line (frame count, duration),
    the data connections' tcp.stream, announcing frame and handshake frames, and its '5. Ladder diagram' (a row
    per segment and line, with frame numbers: a retransmitted SYN or FIN is a row of its own);
  - ftplens.reply.time (retrans/reorder move segments into other timestamp slots), ftplens.request.reply_in and
    ftplens.reply.to (frame numbers; see 'target' above), ftplens.session (a tcp.stream number);
  - which frame a line or finding is shown on (a split line is shown where its last byte arrives).
Expected differences that are a legitimate loss of information are listed in EXPECTED below, each with its
reason; anything else that differs fails with a minimal diff (clean frames on '-' lines, variant frames on '+').
"""
import argparse
import collections
import difflib
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

from harness import QUICK_SKIP, Skip, eq, quick_skipped, run

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "..", "..", "tools", "make-variants.py")

# The captures this test must cover (Skip when absent); every other capture in --pcaps is covered too.
REQUIRED = ["lab-anonymous.pcapng", "pipelined-split.pcapng", "vsftpd-login-transfers.pcapng",
            "pyftpdlib-2121.pcapng", "attack-bruteforce.pcapng"]
VARIANTS = ["dup", "reorder", "retrans", "nohandshake", "split"]

# What is compared for every control line, in this order.  The brief's list first, 'target' standing for
# ftplens.reply.to; then the other per-line fields and the ftplens expert items attached to the line.
LINE_KEY = ["ftplens.sender", "ftplens.line", "ftplens.reply.code", "ftplens.reply.class", "ftplens.reply.category",
            "ftplens.reply.meaning", "ftplens.reply.part", "ftplens.reply.to_command", "target",
            "ftplens.request.command", "ftplens.request.arg",
            "ftplens.reply.class_text", "ftplens.reply.category_text", "ftplens.reply.rfc", "ftplens.request.meaning",
            "ftplens.request.rfc", "ftplens.request.known", "ftplens.request.arg_explained", "experts"]
SHORT = {"ftplens.sender": "from", "ftplens.line": "line", "ftplens.reply.code": "code", "ftplens.reply.class": "class",
         "ftplens.reply.category": "cat", "ftplens.reply.meaning": "meaning", "ftplens.reply.part": "part",
         "ftplens.reply.to_command": "answers", "target": "target", "ftplens.request.command": "cmd",
         "ftplens.request.arg": "arg", "ftplens.reply.class_text": "class_text",
         "ftplens.reply.category_text": "cat_text", "ftplens.reply.rfc": "rfc", "ftplens.request.meaning": "cmd_meaning",
         "ftplens.request.rfc": "cmd_rfc", "ftplens.request.known": "known",
         "ftplens.request.arg_explained": "arg_explained", "experts": "experts"}
# ftplens expert items that are not compared: they describe TCP (out of scope here).
EXPERT_IGNORED = ("ftplens.tcp.", "ftplens.risk.")

# Legitimate differences, each removing exactly the diff items it describes (nothing is excluded wholesale):
# (variant, capture name or None for every capture, kind, predicate on the item, reason).  Kinds and items:
#   'line-' / 'line+'       a control line dict only in the clean run / only in the variant
#   'finding-' / 'finding+' a (risk id or 'expert:<name>', normalised message) only in the clean run / the variant
#   'session-' / 'session+' a report session key only in the clean run / the variant
#   'report'                (part, '-line' or '+line') of a session present in both, part in header/data/summary
# Today there is only one: on the project's own captures no variant loses information (nohandshake keeps every
# byte of every control and data connection, and ftplens finds control and data connections without their SYN).
EXPECTED = [
    ("nohandshake", "suricata-verify__ftp-too-long-response.pcap", "report",
     lambda item: item[0] == "header" and item[1][1:].startswith("MAC addresses"),
     "this synthetic capture gives every frame new random MAC addresses; the report shows those of the first frame "
     "of each direction, and nohandshake removes the handshake, so another frame is the first"),
]

FRAME_RE = re.compile(r"\bframe \d+")


def norm(s):
    return FRAME_RE.sub("frame N", s)


# ---------------------------------------------------------------- observing one capture

_OBSERVED = {}     # (pcap, two_pass) -> (lines, findings), report: each capture is dissected once per mode
_MADE = {}         # capture -> (source, variant folder, {variant: (frames, changed)})


def observe(env, pcap, two_pass):
    key, cache = (pcap, two_pass), _OBSERVED
    if key not in cache:
        args = ["-r", pcap, "-T", "pdml", "-J", "ftplens", "-z", "ftplens,report,full"]
        if two_pass:
            args.insert(2, "-2")
        out, _ = env.tshark(args)
        end = out.index("</pdml>") + len("</pdml>")
        cache[key] = (parse_pdml(out[:end]), parse_report(out[end:]))
    lines, findings = cache[key][0]
    return lines, findings, cache[key][1]


def experts_in(el):
    """Names of the ftplens expert items under el (risk and TCP ones aside)."""
    out = []
    for x in el.iter("field"):
        if x.get("name") == "_ws.expert":
            for c in x:
                n = c.get("name") or ""
                if n.startswith("ftplens.") and not n.startswith(EXPERT_IGNORED):
                    msg = [m.get("show") for m in x if m.get("name") == "_ws.expert.message"]
                    out.append((n, msg[0] if msg else ""))
    return out


def parse_pdml(xml):
    """([line dicts in frame order], [(frame, id, message)]): ftplens.risk findings, and ftplens expert items that
    are not on a line (id 'expert:<name>')."""
    root = ET.fromstring(xml)
    lines, findings = [], []
    for pkt in root.iter("packet"):
        frame = int(next(f.get("show") for f in pkt.iter("field") if f.get("name") == "num"))
        for proto in pkt.iter("proto"):
            if proto.get("name") != "ftplens":
                continue
            for el in proto:
                name = el.get("name")
                if name == "ftplens.line":
                    d = {"frame": frame, "ftplens.line": el.get("show"),
                         "experts": ",".join(sorted(n for n, _ in experts_in(el)))}
                    for c in el.iter("field"):
                        if c.get("name") in LINE_KEY:
                            d[c.get("name")] = c.get("show")
                        elif c.get("name") == "ftplens.reply.to":
                            d["to_frame"] = int(c.get("show"))
                    lines.append(d)
                elif name == "ftplens.risk":
                    msg = [c.get("show") for c in el.iter("field") if c.get("name") == "ftplens.risk.message"]
                    findings.append((frame, el.get("show"), msg[0] if msg else ""))
                else:
                    findings += [(frame, "expert:" + n, m) for n, m in experts_in(el)]
    resolve_targets(lines)
    return lines, findings


def resolve_targets(lines):
    """line['target']: for a reply with reply.to, how many command lines back the answered one is.  The answered
    line is the command line in frame reply.to whose verb is to_command; when that frame holds several with the
    same verb, the k-th, k = final replies already given to (frame, verb)."""
    by_frame, ordinal = collections.defaultdict(list), 0
    for d in lines:
        if d.get("ftplens.request.command") is not None:
            d["ordinal"] = ordinal
            by_frame[d["frame"]].append((ordinal, d["ftplens.request.command"]))
            ordinal += 1
    seen, answered = 0, collections.Counter()
    for d in lines:
        if "ordinal" in d:
            seen = d["ordinal"] + 1
        if "to_frame" not in d:
            d["target"] = ""
            continue
        key = (d["to_frame"], d.get("ftplens.reply.to_command"))
        cands = [o for o, verb in by_frame.get(key[0], ()) if verb == key[1]]
        k = answered[key]
        if not cands:
            d["target"] = "<frame has no %s command>" % key[1]
        else:
            d["target"] = "-%d" % (seen - cands[min(k, len(cands) - 1)])
        if d.get("ftplens.reply.part") in ("single", "last") and not (d.get("ftplens.reply.code") or "1").startswith("1"):
            answered[key] += 1


def line_key(d):
    return tuple(d.get(k) for k in LINE_KEY)


def clip(v, n=70):
    v = repr(v)
    return v if len(v) <= n else v[:n - 5] + "...'"


def show_line(d):
    """frame, sender, line, then the other fields that are present."""
    s = "frame %d %s %s" % (d["frame"], d.get("ftplens.sender"), clip(d.get("ftplens.line")))
    for k in LINE_KEY[2:]:
        v = d.get(k)
        if v not in (None, "") and k not in ("ftplens.reply.class_text", "ftplens.reply.category_text",
                                              "ftplens.reply.rfc", "ftplens.request.meaning", "ftplens.request.rfc",
                                              "ftplens.request.known"):
            s += " %s=%s" % (SHORT[k], clip(v, 50) if k in ("ftplens.reply.meaning", "ftplens.request.arg",
                                                             "ftplens.request.arg_explained") else v)
    return s


def show_change(x, y):
    """The fields in which two lines differ."""
    return "; ".join("%s %s -> %s" % (SHORT[k], clip(x.get(k), 50), clip(y.get(k), 50))
                     for k in LINE_KEY if x.get(k) != y.get(k))


def parse_report(text):
    """{session key: {'header': [...], 'data': [...], 'summary': [...]}} with frame numbers replaced."""
    sessions, cur, section = {}, None, None
    for raw in text.split("\n"):
        m = re.match(r"Session \d+: FTP control connection tcp\.stream \d+$", raw)
        if m:
            cur, section = {"header": [], "data": [], "summary": []}, "header"
            sessions[len(sessions)] = cur
            continue
        if cur is None or not raw.strip() or set(raw.strip()) <= set("=-"):
            continue
        if re.match(r"\d\. ", raw):
            section = {"1": "handshake", "2": "transcript", "3": "findings", "4": "summary", "5": "ladder"}[raw[0]]
            continue
        s = raw.strip()
        if section == "header" and not s.startswith("Start "):
            cur["header"].append(norm(s))
        elif section == "handshake" and s.startswith("- tcp.stream"):
            m = re.match(r"- tcp\.stream \d+: (.*); announced in frame \d+; handshake frames .*; (\d+) payload bytes$", s)
            cur["data"].append("%s; %s payload bytes" % (m.group(1), m.group(2)) if m else s)
        elif section == "summary":
            cur["summary"].append(norm(s))
    keyed = {}
    for sess in sessions.values():
        who = tuple(x for x in sess["header"] if re.match(r"(Client|Server)  ", x))
        k, n = who, 1
        while k in keyed:
            n += 1
            k = who + ("#%d" % n,)
        keyed[k] = sess
    return keyed


# ---------------------------------------------------------------- comparing

def expected(variant, capture, kind, item):
    for v, c, k, pred, _reason in EXPECTED:
        if v == variant and c in (None, capture) and k == kind and pred(item):
            return True
    return False


def compare(env, capture, variant, clean_pcap, var_pcap, two_pass):
    mode = "tshark -2" if two_pass else "one pass"
    out = []
    cl, cf, cr = observe(env, clean_pcap, two_pass)
    vl, vf, vr = observe(env, var_pcap, two_pass)

    # 1. lines
    a, b = [line_key(d) for d in cl], [line_key(d) for d in vl]
    if a != b:
        sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        hunks = []
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                continue
            minus = [cl[i] for i in range(i1, i2) if not expected(variant, capture, "line-", cl[i])]
            plus = [vl[j] for j in range(j1, j2) if not expected(variant, capture, "line+", vl[j])]
            if minus and len(minus) == len(plus):
                h = []
                for x, y in zip(minus, plus):
                    h += ["  - " + show_line(x), "  + " + show_line(y), "      changed: " + show_change(x, y)]
            else:
                h = ["  - " + show_line(d) for d in minus] + ["  + " + show_line(d) for d in plus]
            if len(h) > 12:
                h = h[:10] + ["  (%d more lines in this hunk)" % (len(h) - 10)]
            if h:
                hunks.append(h)
        if hunks:
            body = [x for h in hunks[:8] for x in h + ["  ..."]][:-1]
            if len(hunks) > 8:
                body.append("  (%d more hunks)" % (len(hunks) - 8))
            out.append("%s/%s (%s): control lines differ (%d vs %d lines, %d hunks):\n%s"
                       % (variant, capture, mode, len(cl), len(vl), len(hunks), "\n".join(body)))

    # 2. findings
    ca = collections.Counter((rid, norm(msg)) for _, rid, msg in cf)
    cb = collections.Counter((rid, norm(msg)) for _, rid, msg in vf)
    where_a, where_b = collections.defaultdict(list), collections.defaultdict(list)
    for fr, rid, msg in cf:
        where_a[(rid, norm(msg))].append(fr)
    for fr, rid, msg in vf:
        where_b[(rid, norm(msg))].append(fr)
    missing = [(k, n) for k, n in sorted((ca - cb).items()) if not expected(variant, capture, "finding-", k)]
    extra = [(k, n) for k, n in sorted((cb - ca).items()) if not expected(variant, capture, "finding+", k)]
    if missing or extra:
        body = ["  - %dx %s: %s   (clean frames %s)" % (n, k[0], clip(k[1], 160), where_a[k]) for k, n in missing]
        body += ["  + %dx %s: %s   (variant frames %s)" % (n, k[0], clip(k[1], 160), where_b[k]) for k, n in extra]
        if len(body) > 20:
            body = body[:18] + ["  (%d more)" % (len(body) - 18)]
        out.append("%s/%s (%s): findings differ:\n%s" % (variant, capture, mode, "\n".join(body)))

    # 3. report
    body = []
    for k in sorted(set(cr) | set(vr), key=str):
        if k not in vr:
            if not expected(variant, capture, "session-", k):
                body.append("  - session %s missing in the variant" % (k,))
            continue
        if k not in cr:
            if not expected(variant, capture, "session+", k):
                body.append("  + session %s only in the variant" % (k,))
            continue
        for part in ("header", "data", "summary"):
            x, y = cr[k][part], vr[k][part]
            if x != y:
                d = [l for l in difflib.unified_diff(x, y, lineterm="", n=0) if not l.startswith(("---", "+++", "@@"))]
                d = [l for l in d if not expected(variant, capture, "report", (part, l))]
                if d:
                    body.append("  session %s, %s:\n%s" % (" / ".join(k), part, "\n".join("    " + l for l in d)))
    if body:
        out.append("%s/%s (%s): report differs:\n%s" % (variant, capture, mode, "\n".join(body)))
    return out


# ---------------------------------------------------------------- variants on disk

def capture_path(env, kind, name):
    """The capture's path; Skip when it is absent (public captures: SKIPPED LOUDLY, as the other tests)."""
    if kind == "public":
        return env.public_pcap(name)
    path = env.own(name)
    if not os.path.exists(path):
        raise Skip("%s is absent" % path)
    return path


def make_variants(env, kind, name):
    """(capture path, folder of the variants, {variant: (frames, changed)}), made once per capture."""
    if (kind, name) not in _MADE:
        src = capture_path(env, kind, name)
        root = os.path.join(env.home, "variants")
        outdir = os.path.join(root, kind + "-" + name.split(".")[0])
        p = subprocess.run([sys.executable, TOOL, src, outdir], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode != 0:
            raise AssertionError("make-variants.py %s failed: %s" % (src, p.stderr.decode()[-2000:]))
        for d in (root, outdir):
            os.chmod(d, 0o755)                  # tshark runs as nobody (uid 65534)
        for f in os.listdir(outdir):
            os.chmod(os.path.join(outdir, f), 0o644)
        summary = {}
        for l in p.stdout.decode().split("\n"):
            m = re.match(r"(\w+)\.pcap: (\d+) frames, (\d+) changed$", l)
            if m:
                summary[m.group(1)] = (int(m.group(2)), int(m.group(3)))
        eq(sorted(summary), sorted(VARIANTS), "make-variants.py summary for " + name)
        _MADE[(kind, name)] = (src, outdir, summary)
    return _MADE[(kind, name)]


def equivalence_test(kind, name, variant):
    def t(env):
        src, outdir, summary = make_variants(env, kind, name)
        if summary[variant][1] == 0:
            # Nothing to change (e.g. no two consecutive payload segments in one direction to reorder):
            # the variant is the capture itself; still compared below, but say so.
            print("note: %s/%s: the variant changes nothing in this capture" % (variant, name))
        problems = []
        for two_pass in (False, True):
            problems += compare(env, name, variant, src, os.path.join(outdir, variant + ".pcap"), two_pass)
        if problems:
            raise AssertionError("\n".join(problems))
    t.__name__ = "test_%s__%s%s" % (variant, "public_" if kind == "public" else "",
                                    re.sub(r"\W", "_", name.split(".")[0]))
    return t


# ---------------------------------------------------------------- the tool itself

def test_variant_tool(env):
    """--list, determinism, and that the variants are what they claim, checked with stock tshark fields."""
    p = subprocess.run([sys.executable, TOOL, "--list"], stdout=subprocess.PIPE, check=True)
    eq(p.stdout.decode().split(), VARIANTS, "--list")
    src, outdir, summary = make_variants(env, "own", "lab-anonymous.pcapng")
    again = os.path.join(env.home, "variants", "again")
    subprocess.run([sys.executable, TOOL, src, again], stdout=subprocess.PIPE, check=True)
    for v in VARIANTS:
        a, b = (open(os.path.join(d, v + ".pcap"), "rb").read() for d in (outdir, again))
        assert a == b, "%s is not deterministic" % v

    def segs(pcap):
        """(stream, source port, raw seq, Len, flags, payload hex) per TCP frame, and the checksum statuses
        (0 bad, 1 good) of each distinct segment."""
        rows = env.fields(pcap, ["tcp.stream", "tcp.srcport", "tcp.seq_raw", "tcp.len", "tcp.flags", "tcp.payload",
                                 "tcp.checksum.status", "ip.checksum.status"], "tcp",
                          opts=["tcp.check_checksum:TRUE", "ip.check_checksum:TRUE"])
        out, sums = [], {}
        for _, r in sorted(rows.items()):
            seg = (int(r["tcp.stream"][0]), int(r["tcp.srcport"][0]), int(r["tcp.seq_raw"][0]), int(r["tcp.len"][0]),
                   int(r["tcp.flags"][0], 16), r["tcp.payload"][0] if r["tcp.payload"] else "")
            out.append(seg)
            sums[seg] = r["tcp.checksum.status"] + r["ip.checksum.status"]
        return out, sums

    checked = []
    cases = [("own", c) for c in REQUIRED + ["ipv6.pcapng"]] + [("public", "net-creds__ftp.pcap")]   # 6to4
    for kind, cap in cases:
        try:
            src, outdir, summary = make_variants(env, kind, cap)
        except Skip:
            continue
        checked.append(cap)
        clean, _ = segs(src)
        payload = [s for s in clean if s[3] > 0]
        interesting = [s for s in clean if s[3] > 0 or s[4] & 3]
        eq(summary["dup"][1], len(interesting), cap + ": dup count")
        out = []
        for s in clean:
            out += [s, s] if s in interesting else [s]
        eq(segs(os.path.join(outdir, "dup.pcap"))[0], out, cap + ": dup is every payload/SYN/FIN segment twice in a row")
        ret, _ = segs(os.path.join(outdir, "retrans.pcap"))
        eq(collections.Counter(clean) - collections.Counter(ret), collections.Counter(), cap + ": retrans loses nothing")
        extra = list((collections.Counter(ret) - collections.Counter(clean)).elements())
        assert all(x[3] > 0 for x in extra), (cap, "retrans copies only payload segments", extra)
        assert 0 < len(extra) <= 0.4 * len(payload) + 1, (cap, len(extra), len(payload))
        reo, _ = segs(os.path.join(outdir, "reorder.pcap"))
        eq(sorted(reo), sorted(clean), cap + ": reorder keeps every segment")
        # split: the bytes of every connection by sequence number are unchanged, and every rebuilt segment has
        # correct IPv4 and TCP checksums (loopback captures have bad TCP checksums from offloading: the segments
        # copied unchanged keep them)
        spl, sums = segs(os.path.join(outdir, "split.pcap"))
        eq(_stream_bytes(spl), _stream_bytes(clean), cap + ": split keeps the bytes")
        rebuilt = [s for s in spl if s not in set(clean)]
        assert len(rebuilt) == 2 * summary["split"][1] > 0, (cap, len(rebuilt), summary["split"])
        eq([s for s in rebuilt if "0" in sums[s]], [], cap + ": rebuilt split segments with a bad checksum")
        noh, _ = segs(os.path.join(outdir, "nohandshake.pcap"))
        first = {}
        for s in noh:
            first.setdefault(s[0], s)
        with_payload = {s[0] for s in noh if s[3] > 0}   # connections without payload are kept whole
        eq([s for st, s in sorted(first.items()) if st in with_payload and s[3] == 0], [],
           cap + ": nohandshake connections that do not start with their first payload segment")
        assert len(noh) < len(clean), cap
    if not checked:
        raise Skip("no capture to check the tool on")
    # the two captures with split commands and multi-line replies must really be reordered
    for cap in ("lab-anonymous.pcapng", "pipelined-split.pcapng"):
        if cap in checked:
            assert make_variants(env, "own", cap)[2]["reorder"][1] > 0, cap


def _stream_bytes(segs):
    """Per stream and direction: the payload bytes by raw sequence number."""
    by = collections.defaultdict(dict)
    for stream, port, seq, ln, _flags, pay in segs:
        for i in range(ln):
            by[(stream, port)][(seq + i) & 0xFFFFFFFF] = pay[2 * i:2 * i + 2]
    return {k: sorted(v.items()) for k, v in by.items()}


def public_loudly_skipped(env):
    env.public_all()          # raises Skip (SKIPPED LOUDLY) when ../shared/pcaps/public is absent


def tests_for(pcaps_dir, shared_dir):
    own = list(REQUIRED)
    if os.path.isdir(pcaps_dir):
        own += sorted(f for f in os.listdir(pcaps_dir) if f.endswith((".pcapng", ".pcap")) and f not in own)
    public_dir = os.path.join(shared_dir, "pcaps", "public")
    public = sorted(f for f in os.listdir(public_dir) if f.endswith((".pcap", ".pcapng", ".pcap.gz"))) \
        if os.path.isdir(public_dir) else []
    skipped = [c for c in own + public if quick_skipped(c)]
    own, public = [c for c in own if c not in skipped], [c for c in public if c not in skipped]
    tests = [test_variant_tool] + [equivalence_test("own", c, v) for c in own for v in VARIANTS]
    if skipped:
        def quick_mode_skips(env):
            raise Skip("SKIPPED LOUDLY (FTPLENS_QUICK_SKIP=%s): %s" % (",".join(QUICK_SKIP), ", ".join(skipped)))
        tests.append(quick_mode_skips)
    if public and os.environ.get("FTPLENS_EQUIV_PUBLIC", "1") == "0":
        def public_left_to_the_host(env):
            raise Skip("SKIPPED LOUDLY (FTPLENS_EQUIV_PUBLIC=0, the release matrix): %d public captures; the host "
                       "run varies them" % len(public))
        tests.append(public_left_to_the_host)
    elif public:
        tests += [equivalence_test("public", c, v) for c in public for v in VARIANTS]
    else:
        tests.append(public_loudly_skipped)
    return tests


if __name__ == "__main__":
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--pcaps", default="pcaps")
    ap.add_argument("--shared", default="../shared")
    known, _ = ap.parse_known_args()
    sys.exit(run(tests_for(known.pcaps, known.shared)))
