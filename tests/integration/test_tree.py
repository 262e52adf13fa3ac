#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What a student sees in the packet details (tshark -V/-O is the same tree as
the GUI's detail pane): the lesson first, no label cut at the pane edge or in
the middle of a Korean character, language-neutral filter values, short
Expert Information titles, and the answered command in the Info column."""
import subprocess
import sys

from harness import eq, run

PIECE_CHARS = 100      # plugin/glue/packet-ftplens.c PIECE_CHARS
LABEL_BYTES = 240      # Wireshark's ITEM_LABEL_LENGTH


def tshark_bytes(env, args):
    """tshark's raw stdout (bytes), to check the UTF-8 itself."""
    p = subprocess.run(env.tshark_cmd(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    return p.stdout


def ftplens_blocks(text):
    """The FTP Lens subtree of each frame of -O ftplens output, as lists of (indent, label)."""
    blocks, cur = [], None
    for line in text.split("\n"):
        if line.startswith("[FTP Lens") or line.startswith("FTP Lens"):
            cur = []
            blocks.append(cur)
        elif cur is not None and line.startswith(" "):
            stripped = line.lstrip(" ")
            cur.append((len(line) - len(stripped), stripped.strip("[]")))
        else:
            cur = None
    return blocks


def lab(env):
    return env.public_pcap("net-creds__ftp.pcap")


def test_lesson_first(env):
    """Inside FTP Lens: the line and its meaning, then findings, then the TCP section."""
    out, _ = env.tshark(["-r", lab(env), "-2", "-O", "ftplens", "-Y", "frame.number == 384 || frame.number == 268"])
    blocks = ftplens_blocks(out)
    eq(len(blocks), 2, "two frames")
    top = [label for indent, label in blocks[1] if indent == 4]
    eq(top[0], "Reply 502 \u2192 OPTS (frame 329): Command not implemented", "the reply line and its meaning first")
    order = [next(i for i, l in enumerate(top) if l.startswith(p))
             for p in ("Reply 502", "Security finding: Command not implemented (Note)", "TCP step")]
    eq(order, sorted(order), "line, then finding, then TCP: %r" % top)
    top = [label for indent, label in blocks[0] if indent == 4]
    assert top[0].startswith("Command PASS: Send the password"), top
    assert "Security finding: Cleartext credentials (Warning)" in top, top


def test_no_label_is_cut(env):
    """Every ftplens label fits a pane (<= 100 characters; Wireshark's expert
    labels, built from the message, stay under its 240-byte limit), in both
    languages, and the Korean output is valid UTF-8."""
    for pcap in [lab(env)] + [env.own(n) for n in ("attack-bounce-traversal.pcapng", "vsftpd-login-transfers.pcapng")]:
        for lang in ("en", "ko"):
            raw = tshark_bytes(env, ["-r", pcap, "-2", "-O", "ftplens", "-o", "ftplens.language:" + lang])
            text = raw.decode("utf-8")     # raises on a character cut in two
            assert "[truncated]" not in text, (pcap, lang)
            for block in ftplens_blocks(text):
                for indent, label in block:
                    if label.startswith("Expert Info") or indent > 8 and block and "Expert Info" in label:
                        assert len(label.encode()) < LABEL_BYTES, label
                        continue
                    if any(label.startswith(p) for p in ("Severity level", "Group")):
                        continue
                    # Expert messages repeat under "Expert Info": Wireshark's own item.
                    if len(label) > PIECE_CHARS and not is_expert_child(block, label):
                        raise AssertionError("%s (%s): label of %d characters: %r" % (pcap, lang, len(label), label))


def is_expert_child(block, label):
    for i, (indent, l) in enumerate(block):
        if l == label and i > 0 and block[i - 1][1].startswith("Expert Info"):
            return True
    return False


def test_filter_values_stay_english(env):
    """Filters and colouring rules work in every language."""
    pcap = env.own("vsftpd-login-transfers.pcapng")
    counts = []
    for lang in ("en", "ko"):
        rows = env.fields(pcap, ["ftplens.tcp.conn_role", "ftplens.risk.severity", "ftplens.sender"],
                          'ftplens.tcp.conn_role contains "data"', opts=["ftplens.language:" + lang])
        counts.append(len(rows))
    assert counts[0] > 0, counts
    eq(counts[1], counts[0], "ftplens.tcp.conn_role contains \"data\" in Korean")
    out, _ = env.tshark(["-r", pcap, "-o", "ftplens.language:ko", "-Y", "frame.number == 1", "-O", "ftplens"])
    assert "Connection role: FTP 제어" in out, out     # the label is translated


def test_expert_titles(env):
    """Analyze > Expert Information groups by the registered summary: short titles."""
    out, _ = env.tshark(["-G", "fields"])
    # expert items are listed as "F <summary> <name> FT_NONE <protocol>"
    titles = {c[2]: c[1] for c in (l.split("\t") for l in out.split("\n"))
              if len(c) > 3 and c[2].startswith("ftplens.risk.") and c[3] == "FT_NONE"}
    eq(titles["ftplens.risk.cleartext_credentials"], "Cleartext credentials", "title")
    eq(titles["ftplens.risk.anonymous_login"], "Anonymous login", "title")
    eq(titles["ftplens.risk.banner_disclosure"], "Server software disclosed", "title")
    eq(titles["ftplens.risk.cleartext_credentials.failed_login"], "Password guess in clear text", "a refused guess")
    eq(len(titles), 40, "one title per check, and one for the failed-login form of cleartext_credentials")
    assert all(len(t) <= 45 for t in titles.values()), [t for t in titles.values() if len(t) > 45]


def test_info_column(env):
    out, _ = env.tshark(["-r", lab(env), "-Y", "frame.number == 384"])
    assert "[502 \u2192 OPTS]" in out, out
    out, _ = env.tshark(["-r", lab(env), "-o", "ftplens.info_column:FALSE", "-Y", "frame.number == 384"])
    assert "[502" not in out, out


def pdml_fields(env, pcap, frame, name):
    """(pos, size, text of the bytes) of every 'name' field in one frame's PDML."""
    import xml.etree.ElementTree as ET
    out, _ = env.tshark(["-r", pcap, "-2", "-T", "pdml", "-Y", "frame.number == %d" % frame])
    return [(int(f.get("pos")), int(f.get("size")), bytes.fromhex(f.get("value", "")).decode("latin-1"))
            for f in ET.fromstring(out).iter("field") if f.get("name") == name]


def test_items_on_their_bytes(env):
    """The reply code, the verb and the argument are items on the bytes they
    were read from (the bytes pane highlights them); a continuation line has no
    code of its own, so its code item stays generated (no bytes)."""
    pcap = lab(env)
    eq([(s, t) for _, s, t in pdml_fields(env, pcap, 384, "ftplens.reply.code")], [(3, "502")], "reply code")
    eq([(s, t) for _, s, t in pdml_fields(env, pcap, 228, "ftplens.request.command")], [(4, "USER")], "verb")
    eq([(s, t) for _, s, t in pdml_fields(env, pcap, 228, "ftplens.request.arg")], [(9, "anonymous")], "argument")
    line = pdml_fields(env, pcap, 228, "ftplens.line")[0]
    verb = pdml_fields(env, pcap, 228, "ftplens.request.command")[0]
    eq(verb[0], line[0], "the verb starts the line")
    own = env.own("lab-anonymous.pcapng")
    codes = pdml_fields(env, own, 24, "ftplens.reply.code")     # two continuation lines of a 214 reply
    eq([s for _, s, _ in codes], [0, 0], "continuation lines: no code bytes")


def test_read_filter_keeps_every_line(env):
    """A read filter (tshark -2 -R, the GUI's read filter) drops frames after the
    first pass saw them and gives their numbers to the next frames: those are
    new frames, analysed and drawn as without the read filter."""
    cols = ["ftplens.line", "ftplens.reply.to_command", "ftplens.tcp.step", "ftplens.tcp.seq_rel",
            "ftplens.tcp.ack_rel", "ftplens.risk"]
    for name in ("lab-anonymous.pcapng", "vsftpd-login-transfers.pcapng"):
        pcap = env.own(name)
        args = ["-r", pcap, "-2", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"]
        for c in cols:
            args += ["-e", c]
        plain, _ = env.tshark(args + ["-Y", "tcp.len > 0"])
        read, _ = env.tshark(args + ["-R", "tcp.len > 0"])
        assert plain.count("\n") > 10 and "USER" in plain, plain
        eq(read, plain, "%s: -R 'tcp.len > 0' shows the same lines, pairing and numbers as -Y" % name)


def test_text_items_in_filters(env):
    """ftplens.text (label pieces, the "Line:" child of each line) can be filtered
    on without a visible tree (GUI display filter, tshark -Y): every frame whose
    lines carry an expert item (drawn in any tree) matches it."""
    line_experts = "ftplens.request.malformed || ftplens.line.partial || ftplens.line.too_long"
    for name in ("zeek__fake-long-commands.pcap", "suricata-verify__ftp-too-long-response.pcap"):
        pcap = env.public_pcap(name)
        with_expert, _ = env.tshark(["-r", pcap, "-T", "fields", "-e", "frame.number", "-Y", line_experts])
        with_text, _ = env.tshark(["-r", pcap, "-T", "fields", "-e", "frame.number", "-Y", "ftplens.text"])
        hidden, _ = env.tshark(["-r", pcap, "-Y", "ftplens.text"])     # no -T fields: the tree is not visible
        want = set(with_expert.split())
        assert want, name
        got = {l.split()[0] for l in hidden.strip().split("\n") if l.strip()}
        assert want <= got, "%s: frames %s have line experts but do not match ftplens.text" % (name, sorted(want - got))
        assert got <= set(with_text.split()), name


if __name__ == "__main__":
    sys.exit(run([test_lesson_first, test_no_label_is_cut, test_filter_values_stay_english, test_expert_titles,
                  test_info_column, test_items_on_their_bytes, test_read_filter_keeps_every_line,
                  test_text_items_in_filters]))
