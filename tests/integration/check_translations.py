#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every English sentence ftplens shows must have a Korean entry in
plugin/core/ftplens_text_ko.c with the same printf conversions.

Keys are the core's table strings (printed by text_keys) and every literal
wrapped in T("...") or N_("...") in plugin/core and plugin/glue.
Usage: check_translations.py TEXT_KEYS_BINARY PLUGIN_DIR [--missing-json FILE]
"""
import glob
import json
import re
import subprocess
import sys

LIT = r'"(?:[^"\\]|\\.)*"'
CONV = re.compile(r"%[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?:hh|h|ll|l|z|j|t)?[diouxXcspfgeE%]|%\"\s*G_GUINT64_FORMAT")


def c_unescape(body):
    out, i = bytearray(), 0
    b = body.encode("utf-8")
    while i < len(b):
        c = b[i]
        if c != 0x5C:
            out.append(c)
            i += 1
            continue
        n = chr(b[i + 1])
        if n == "n":
            out += b"\n"; i += 2
        elif n == "t":
            out += b"\t"; i += 2
        elif n in "\"\\'":
            out += n.encode(); i += 2
        elif n == "u":
            out += chr(int(b[i + 2:i + 6], 16)).encode("utf-8"); i += 6
        elif n == "x":
            m = re.match(rb"[0-9a-fA-F]+", b[i + 2:])
            out.append(int(m.group(0), 16) & 0xFF); i += 2 + len(m.group(0))
        else:
            out += b[i:i + 2]; i += 2
    return out.decode("utf-8", "replace")


def source_keys(plugin_dir):
    keys = set()
    for path in glob.glob(plugin_dir + "/core/*.c") + glob.glob(plugin_dir + "/glue/*.c"):
        if path.endswith("_ko.c"):
            continue
        src = open(path, encoding="utf-8").read()
        for m in re.finditer(r"\b(?:T|N_)\(\s*((?:" + LIT + r"\s*)+)\)", src):
            parts = re.findall(LIT, m.group(1))
            keys.add("".join(c_unescape(p[1:-1]) for p in parts))
    return keys


def main():
    dups = []

    def pairs(items):
        seen = {}
        for k, v in items:
            if k in seen:
                dups.append(k)
            seen[k] = v
        return seen
    data = json.loads(subprocess.run([sys.argv[1]], stdout=subprocess.PIPE, check=True).stdout.decode("utf-8"),
                      object_pairs_hook=pairs)
    keys = set(k for k in data["keys"] if k) | source_keys(sys.argv[2])
    ko = data["ko"]
    missing = sorted(k for k in keys if k not in ko)
    bad = sorted(k for k in keys if k in ko and CONV.findall(k) != CONV.findall(ko[k]))
    unused = sorted(k for k in ko if k not in keys)
    if "--missing-json" in sys.argv:
        json.dump(missing, open(sys.argv[sys.argv.index("--missing-json") + 1], "w"), ensure_ascii=False, indent=1)
    for k in missing[:200]:
        print("MISSING Korean: %r" % k)
    for k in bad:
        print("CONVERSIONS DIFFER: %r -> %r" % (k, ko[k]))
    for k in unused[:20]:
        print("unused Korean entry: %r" % k)
    print("%d strings, %d translated, %d missing, %d with different conversions, %d unused"
          % (len(keys), len(keys) - len(missing), len(missing), len(bad), len(unused)))
    for k in dups:
        print("DUPLICATE Korean entry (one key, two translations): %r" % k)
    failed = bool(missing or bad or dups)
    print("%d passed, %d failed" % (0 if failed else 1, 1 if failed else 0))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
