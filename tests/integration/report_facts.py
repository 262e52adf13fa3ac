#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The facts of a -z ftplens,report: what the golden files of every capture
but one compare (tests/golden/<capture>.report.facts).

A report mixes facts of the capture and the analysis (frame numbers, codes,
sequence numbers, addresses, lines, pairings, findings) with the fixed prose
of its templates and layout (column padding, rule lines, Markdown markup,
explanatory sentences).  facts(report) keeps the first and drops the second,
so that rewording a sentence or re-padding a column changes only the
full-text goldens of lab-anonymous, while a changed number, pairing,
finding, severity or order changes the facts.  The text and the Markdown
form of one report have the same facts.

Rules, line by line (empty lines, ====/---- rules and |---| rows dropped;
Markdown headings, bullets, **bold**, *italics*, `code` and \\| unescaped):

- table rows (text columns cut at the header's column starts, Markdown at
  '|'): the cells that hold data are kept verbatim, whitespace collapsed:
  in the transcript (4 columns) frame, from and line; in the handshake table
  (8 columns) everything but the step, which keeps only its fact tokens;
  cells are joined with ' | ';
- a finding keeps its severity ('[Warning]' in text, '**Warning**' in
  Markdown) as '[Warning]';
- the ladder diagram (text arrows between two bars, or the ```mermaid block
  of the Markdown form, its entity codes "#59;" decoded): 'ladder | C |' and
  'ladder | S |' with the fact tokens of each side's name, then per row
  'ladder | frame | C->S |' (S->C, C-xS and S-xC for bytes not captured,
  note for a note over both) with the fact tokens of its label;
- every other text keeps only its fact tokens, in order:
  * quoted strings 'like this' of at most 4 words, verbatim (user names,
    passwords, paths, quoted lines; a longer quote is a template sentence
    and is tokenised like the rest);
  * hex byte groups 'e5 37 a5 1e';
  * every word that is not a plain English word, i.e. has a digit, two
    capitals or a character other than a letter inside it: numbers, codes
    (2xx), times, frame numbers, 1/3, addresses, ports, MACs, 0x... values,
    FTP verbs, TCP flags, IPv4/IPv6, rule ids (snake_case), file names,
    tcp.stream, vsFTPd ...; brackets and quotes before a word, brackets and
    , ; : . ! ? and quotes after it are dropped;
  * the words in DECISION (they name what the analysis decided: multi-line
    part, pairing, login outcome, transfer direction and mode, capture
    loss), wherever they occur.
  Plain words (lowercase or Capitalised, hyphenated too) are template prose
  and dropped.  Before that, every constant piece (two words or more) of the
  sentences ftplens shows is cut out, read at test time from plugin/ (T() and
  N_() literals, and the English keys of the Korean table, which cover the
  core's tables): pieces of the report's own sentences leave their DECISION
  words behind, pieces of the core's tables (reply and command meanings,
  finding messages, countermeasures) leave nothing, as they follow from the
  code, verb or rule id beside them.  So a reworded sentence is cut out in
  its new wording, acronyms and numbers in it included.
- a line without facts is dropped.

Timestamps: the report prints the capture's own times (Start, duration,
'after N s' of a reply), in UTC, from the committed capture files; they do
not change between runs or machines, so they are facts and are kept.

Run as a script on a saved report to see its facts:
    report_facts.py REPORT.txt|REPORT.md
"""
import glob
import os
import re
import sys
import unicodedata

from check_translations import CONV, LIT, c_unescape, source_keys

PLUGIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "plugin")

DECISION = {"first", "last", "continuation", "greeting", "unsolicited", "inferred", "captured", "succeeded", "failed",
            "unknown", "unclear", "upload", "passive", "active"}

QUOTE = re.compile(r"(?<![\w'])'([^']*(?:'\w[^']*)*)'(?!\w)")
HEXBYTES = re.compile(r"(?<![\w])[0-9a-f]{2}(?: [0-9a-f]{2}){3}(?![\w])")
PLAIN = re.compile(r"^[A-Za-z][a-z]*(?:-[a-z]+)*(?:'[a-z]+)?$")
OPEN, CLOSE = "([{\"'", ")]},;:.!?\"'"
RULE = re.compile(r"^\s*(?:=+|-+|\|(?:---\|)+)\s*$")
# A text table row starts with a frame or session number, or a range of them ("3\u20136, 9").
ROW = re.compile(r"^  \d[\d,\u2013]*(?:, \d[\d,\u2013]*)*  ")


# The ladder diagram: text rows ("  12     |----- label ----->|"), the line of bare bars under the
# header, and the Mermaid lines of the Markdown form.
LADDER_ROW = re.compile(r"^  (\d+) +\|(.*)\|$")
LADDER_BODY = [(re.compile(r"^-+ (.*) -+>$"), "C->S"), (re.compile(r"^<-+ (.*) -+$"), "S->C"),
               (re.compile(r"^\.+ (.*) \.+x$"), "C-xS"), (re.compile(r"^x\.+ (.*) \.+$"), "S-xC"),
               (re.compile(r"^=+ (.*) =+$"), "note")]
LIFELINE = re.compile(r"^ +\| +\|$")
MERMAID = re.compile(r"^    (?:participant ([CS]) as (.*)|([CS])(->>|--x)[CS]: (.*)|Note over C,S: (.*))$")
MERMAID_ARROW = {"->>": "->", "--x": "-x"}
ENTITY = re.compile(r"#(\d+);")


def _ladder(frame, arrow, label):
    return "ladder | %s | %s | %s" % (frame, arrow, " ".join(tokens(label)))


def _ladder_text_row(line):
    """The fact of a text ladder row, or None."""
    m = LADDER_ROW.match(line)
    for rx, arrow in LADDER_BODY if m else []:
        b = rx.match(m.group(2))
        if b:
            return _ladder(m.group(1), arrow, b.group(1))
    return None


def _ladder_mermaid(line):
    """The fact of a line of the Mermaid block, or None; its label's entity codes decoded."""
    m = MERMAID.match(line)
    if not m:
        return None
    if m.group(1):
        return "ladder | %s | %s" % (m.group(1), " ".join(tokens(ENTITY.sub(lambda e: chr(int(e.group(1))), m.group(2)))))
    text = ENTITY.sub(lambda e: chr(int(e.group(1))), m.group(5) if m.group(3) else m.group(6))
    f = re.match(r"^\D*(\d+): (.*)$", text)          # "frame 12: label"
    if not f:
        return None
    arrow = "%s%s%s" % (m.group(3), MERMAID_ARROW[m.group(4)], "S" if m.group(3) == "C" else "C") if m.group(3) else "note"
    return _ladder(f.group(1), arrow, f.group(2))


def _width(ch):
    """Columns of one character as the report counts them (g_unichar_iszerowidth / g_unichar_iswide)."""
    if unicodedata.category(ch) in ("Mn", "Me", "Cf") and ch != "\u00ad" or ch == "\u200b" or "\u1160" <= ch <= "\u11ff":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _cut(line, starts):
    """Text table row cut at the display columns where the header's cells start."""
    cells, col, cur, k = [], 0, "", 1
    for ch in line:
        if k < len(starts) and col >= starts[k]:
            cells.append(cur)
            cur, k = "", k + 1
        cur += ch
        col += _width(ch)
    cells.append(cur)
    return cells + [""] * (len(starts) - len(cells))


def _header_starts(line):
    starts, col, prev_spaces = [], 0, 2
    for ch in line:
        if ch != " " and prev_spaces >= 2:
            starts.append(col)
        prev_spaces = prev_spaces + 1 if ch == " " else 0
        col += _width(ch)
    return starts


_fragments = None
WORD = re.compile(r"(?<![\w'])[A-Za-z]+(?![\w])")


def _pieces(keys):
    """The constant pieces of keys: cut at printf conversions and new lines, trimmed to whole words at both
    ends (quotes, digits and punctuation at the edges stay in the report), of at least two words."""
    out = set()
    for k in keys:
        for piece in CONV.split(k):
            for line in piece.split("\n"):
                words = list(WORD.finditer(line))
                if len(words) >= 2:
                    out.add(line[words[0].start():words[-1].end()])
    return out


def template_fragments(plugin=PLUGIN):
    """(piece, keep) for every constant piece of the sentences ftplens shows, longest first.  The
    report's own sentences (T() and N_() literals in the source) keep their DECISION words; the core's
    tables (the English keys of the Korean table that are not source literals: reply and command
    meanings, finding messages and countermeasures) go whole, as they follow from the reply code, verb
    or rule id shown beside them."""
    global _fragments
    if _fragments is None:
        own = set(source_keys(plugin))
        tables = set()
        for path in glob.glob(os.path.join(plugin, "core", "*_ko.c")):
            src = open(path, encoding="utf-8").read()
            for m in re.finditer(r"\{\s*((?:" + LIT + r"\s*)+),\s*(?:" + LIT + r"\s*)+\}", src):
                tables.add("".join(c_unescape(p[1:-1]) for p in re.findall(LIT, m.group(1))))
        keep = _pieces(own)
        pieces = {p: True for p in _pieces(tables - own)}
        pieces.update({p: True for p in keep})
        for p in _pieces(tables - own) - keep:
            pieces[p] = False
        _fragments = [(re.compile(r"(?<![\w])" + re.escape(p) + r"(?![\w])"), p, k)
                      for p, k in sorted(pieces.items(), key=lambda pk: (-len(pk[0]), pk[0]))]
    return _fragments


def _unprose(text):
    """text with every constant template piece replaced by the DECISION words it holds (report sentences)
    or by nothing (the core's tables)."""
    for rx, piece, keep in template_fragments():
        if piece in text:
            words = " ".join(w.lower() for w in WORD.findall(piece) if w.lower() in DECISION) if keep else ""
            text = rx.sub(lambda m: " %s " % words, text)
    return text


def tokens(text, prose=True):
    """The fact tokens of a piece of template text, in order (prose=False: do not look for template pieces)."""
    if prose:
        text = _unprose(text)
    out = []
    pos = 0
    pieces = []
    for m in sorted(list(QUOTE.finditer(text)) + list(HEXBYTES.finditer(text)), key=lambda m: m.start()):
        if m.start() < pos:
            continue
        if m.re is QUOTE and len(m.group(1).split()) > 4:
            continue
        pieces.append(("text", text[pos:m.start()]))
        pieces.append(("keep", m.group(0)))
        pos = m.end()
    pieces.append(("text", text[pos:]))
    for kind, piece in pieces:
        if kind == "keep":
            out.append(piece)
            continue
        for word in piece.split():
            w = word.lstrip(OPEN).rstrip(CLOSE)
            if not w or not any(c.isalnum() for c in w):
                continue
            if PLAIN.match(w):
                if w.lower() in DECISION:
                    out.append(w.lower())
                continue
            out.append(w)
    return out


def _collapse(s):
    return " ".join(s.split())


def _row(cells):
    """Facts of a table row: the transcript keeps frame, from and line; the handshake table all but the step."""
    cells = [c.strip() for c in cells]
    if len(cells) == 4:
        kept = [_collapse(cells[0]), _collapse(cells[1]), _collapse(cells[2]), " ".join(tokens(cells[3]))]
    elif len(cells) == 8:
        kept = [_collapse(c) if i != 1 else " ".join(tokens(c, prose=False)) for i, c in enumerate(cells)]
    else:
        kept = [" ".join(tokens(c)) for c in cells]
    return " | ".join(kept)


def _free(line):
    """Facts of a line outside a table."""
    line = line.strip()
    m = re.match(r"^\[(\w+)\]\s+(.*)$", line)
    if m:
        return " ".join(["[%s]" % m.group(1)] + tokens(m.group(2)))
    return " ".join(tokens(line))


def _md_lines(report):
    lines = report.split("\n")
    mermaid = False
    for i, line in enumerate(lines):
        if line == "```mermaid" or (mermaid and line == "```"):
            mermaid = line != "```"
            continue
        if mermaid and line != "sequenceDiagram":
            fact = _ladder_mermaid(line)
            yield ("fact", fact) if fact else ("free", line)
        if mermaid:
            continue
        if RULE.match(line) or not line.strip():
            continue
        if line.startswith("|") and i + 1 < len(lines) and RULE.match(lines[i + 1]):
            continue                                # a table header
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            yield ("row", [c.replace("\\|", "|") for c in cells])
            continue
        line = re.sub(r"^#+ ", "", line)
        m = re.match(r"^- \*\*(\w+)\*\* `([^`]*)`(.*)$", line)
        if m:                                       # a finding
            yield ("free", "[%s] %s%s" % m.groups())
            continue
        line = re.sub(r"^- \*\*(.+?):\*\* ", r"\1 ", line)   # an item
        line = re.sub(r"^\s*\*([^*]+):\* ", r"\1: ", line)   # the countermeasure
        line = re.sub(r"^- ", "", line)
        yield ("free", line)


def _text_lines(report):
    lines = report.split("\n")
    starts = None
    for i, line in enumerate(lines):
        if RULE.match(line) or not line.strip():
            starts = None
            continue
        if LIFELINE.match(line):
            continue
        if i + 1 < len(lines) and LIFELINE.match(lines[i + 1]):     # the ladder's header: frame, client, server
            sides = re.split(r"\s{2,}", line.strip())[-2:]
            for side, text in zip("CS", sides):
                yield ("fact", "ladder | %s | %s" % (side, " ".join(tokens(text))))
            continue
        fact = _ladder_text_row(line)
        if fact:
            starts = None
            yield ("fact", fact)
            continue
        if ROW.match(line) and starts:
            yield ("row", _cut(line, starts))
            continue
        if i + 1 < len(lines) and ROW.match(lines[i + 1]) and not ROW.match(line) \
                and line.startswith("  ") and not line.startswith("   "):
            starts = _header_starts(line)          # a table header: the next line is a row
            continue
        starts = None
        yield ("free", line)


def facts(report, markdown=None):
    """The facts of a report as a list of lines; markdown=None guesses the form from the first line."""
    if markdown is None:
        markdown = report.startswith("# ")
    out = []
    for kind, item in (_md_lines(report) if markdown else _text_lines(report)):
        f = item if kind == "fact" else _row(item) if kind == "row" else _free(item)
        if f.strip(" |"):
            out.append(f)
    return out


def facts_text(report, markdown=None):
    return "".join(line + "\n" for line in facts(report, markdown))


if __name__ == "__main__":
    for path in sys.argv[1:]:
        sys.stdout.write(facts_text(open(path, encoding="utf-8").read()))
