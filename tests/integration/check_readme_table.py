#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""README.md's security-check table must be what the core's rule table prints."""
import subprocess
import sys

table = subprocess.run([sys.argv[1]], stdout=subprocess.PIPE, check=True).stdout.decode()
readme = open(sys.argv[2], encoding="utf-8").read()
start, end = "<!-- risk-table -->\n", "<!-- /risk-table -->"
if start not in readme or end not in readme:
    print("README.md has no risk-table markers")
    print("0 passed, 1 failed")
    sys.exit(1)
shown = readme.split(start, 1)[1].split(end, 1)[0]
ok = shown == table
print("README risk table %s the core's rule table (%d rows)" % ("matches" if ok else "DIFFERS FROM", table.count("\n") - 2))
print("%d passed, %d failed" % (ok, not ok))
sys.exit(0 if ok else 1)
