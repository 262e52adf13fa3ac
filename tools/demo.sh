#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/demo.sh [CAPTURE] - build and install ftplens, then show what it adds
# to an FTP capture: every command and reply line with its class, category,
# meaning and the command it answers.  Default capture: the classroom lab
# recreation pcaps/lab-anonymous.pcapng.
#
# As root it installs missing Debian packages and the plugin into the global
# plugin folder; as another user it installs into the personal plugin folder
# and tells you which packages to install if any are missing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CAPTURE=${1:-$FTPLENS_ROOT/pcaps/lab-anonymous.pcapng}
[ -r "$CAPTURE" ] || die "cannot read capture $CAPTURE"

ensure_packages cmake gcc make pkg-config libglib2.0-dev wireshark-dev tshark
if [ "$(id -u)" -eq 0 ]; then
    configure_and_build -DFTPLENS_BUILD_TESTS=OFF -DFTPLENS_INSTALL_USER=OFF
else
    configure_and_build -DFTPLENS_BUILD_TESTS=OFF -DFTPLENS_INSTALL_USER=ON
fi
cmake --install "$FTPLENS_BUILD_DIR" >/dev/null || die "install failed"
say "installed: $(tshark -G plugins 2>/dev/null | awk '$1 == "ftplens.so" {print $NF}')"
[ -n "$(tshark -G plugins 2>/dev/null | awk '$1 == "ftplens.so"')" ] || die "tshark does not load ftplens"

say "FTP exchange in $CAPTURE (tshark -2, one line per FTP command or reply line):"
echo
tshark -r "$CAPTURE" -2 -Y ftplens.line -T fields -E occurrence=a -E aggregator=$'\x1e' \
    -e frame.number -e ftplens.session -e ftplens.line -e ftplens.reply.code -e ftplens.reply.class_text \
    -e ftplens.reply.category_text -e ftplens.reply.meaning -e ftplens.reply.part -e ftplens.reply.to \
    -e ftplens.reply.to_command -e ftplens.request.command -e ftplens.request.meaning \
    -e ftplens.request.reply_in -e ftplens.request.arg_explained 2>/dev/null |
awk -F'\t' '
function part(s, i,   a, n) { n = split(s, a, "\x1e"); return (i <= n) ? a[i] : "" }
{
    n = split($3, lines, "\x1e"); r = 0; c = 0; x = 0
    for (i = 1; i <= n; i++) {
        line = lines[i]
        if (length(line) > 60) line = substr(line, 1, 57) "..."
        if (line ~ /^[0-9][0-9][0-9]/ || (part($8, r + 1) != "" && line !~ /^[A-Za-z]+( |$)/)) {
            r++
            to = part($9, r) != "" ? "answers " part($10, r) " (frame " part($9, r) ")" : "answers no command"
            p = part($8, r); p = (p == "single") ? "" : " [" p "]"
            printf "%5s  S: %-60s\n       %s %s / %s%s: %s; %s\n", $1, line, part($4, r), part($5, r), part($6, r), p, part($7, r), to
            if (part($4, r) ~ /^22[79]$/ && part($14, ++x) != "") printf "       address: %s\n", part($14, x)
        } else if (part($11, c + 1) != "") {
            c++
            ri = part($13, c) != "" ? "; final reply in frame " part($13, c) : "; no reply seen"
            printf "%5s  C: %-60s\n       %s = %s%s\n", $1, line, part($11, c), part($12, c), ri
            if (part($11, c) ~ /^(PORT|EPRT)$/ && part($14, ++x) != "") printf "       address: %s\n", part($14, x)
        } else {
            printf "%5s  ?: %s\n", $1, line
        }
    }
}'
echo
say "expert items from ftplens:"
tshark -r "$CAPTURE" -2 -q -z expert,ftplens 2>/dev/null | sed -n '/^===/,$p' | head -40 || true
