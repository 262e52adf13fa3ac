#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/demo.sh [CAPTURE] - build and install ftplens, then show what it adds
# to an FTP capture: every command and reply line with its class, category,
# meaning and the command it answers.  Default capture: the classroom lab
# recreation pcaps/lab-anonymous.pcapng.
#
# As root it installs missing Debian packages, the plugin into the global plugin
# folder and the profile "FTP Lab (all users, ftplens VERSION)"; as another user
# the plugin into the personal plugin folder and the profile "FTP Lab" (never
# over one you changed), and it tells you which packages to install if any are
# missing.
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
cmake --install "$FTPLENS_BUILD_DIR" >/dev/null 2>"$FTPLENS_BUILD_DIR/install.log" \
    || { cat "$FTPLENS_BUILD_DIR/install.log" >&2; die "install failed"; }
INSTALLED=$(grep -m1 '/ftplens\.so$' "$FTPLENS_BUILD_DIR/install_manifest.txt" || true)
LOADED=$(tshark -G plugins 2>/dev/null | awk '$1 == "ftplens.so" {print $NF}' | head -1)
[ -n "$LOADED" ] || die "tshark does not load ftplens"
say "installed: $INSTALLED"
# The "FTP Lab" profile: installed, updated, or left as you changed it, with the shipped one next to it
# (plugin/profile/install-profile.cmake says which).
grep '^\[ftplens\]' "$FTPLENS_BUILD_DIR/install.log" || true
if [ -n "$INSTALLED" ] && [ "$(readlink -f "$LOADED")" != "$(readlink -f "$INSTALLED")" ]; then
    # Wireshark loads the global folder first: an older global copy hides a personal install.
    say "WARNING: tshark loads $LOADED, not the copy just installed; remove the old one (sudo rm '$LOADED') or run this script as root"
fi

FIRST=$(tshark -r "$CAPTURE" -Y ftplens.session -T fields -e ftplens.session -c 100000 2>/dev/null | head -1)
if [ -n "$FIRST" ]; then
    say "TCP handshake of the first FTP control connection (tcp.stream $FIRST), explained:"
    echo
    tshark -r "$CAPTURE" -2 -Y "ftplens.session == $FIRST && tcp.stream == $FIRST && ftplens.tcp.step_num <= 4" \
        -T fields -e frame.number -e ftplens.tcp.step -e ftplens.tcp.explain 2>/dev/null | head -5 |
    awk -F'\t' '{ printf "%5s  %s\n", $1, $2; n = split($3, w, " "); line = "      "
        for (i = 1; i <= n; i++) { if (length(line) + length(w[i]) > 110) { print line; line = "      " } line = line " " w[i] }
        print line }'
    echo
fi
say "FTP exchange in $CAPTURE (tshark -2, one line per FTP command or reply line):"
echo
tshark -r "$CAPTURE" -2 -Y ftplens.line -T fields -E occurrence=a -E aggregator=$'\x1e' \
    -e frame.number -e ftplens.session -e ftplens.line -e ftplens.reply.code -e ftplens.reply.class_text \
    -e ftplens.reply.category_text -e ftplens.reply.meaning -e ftplens.reply.part -e ftplens.reply.to \
    -e ftplens.reply.to_command -e ftplens.request.command -e ftplens.request.meaning \
    -e ftplens.request.reply_in -e ftplens.request.arg_explained -e ftplens.sender 2>/dev/null |
awk -F'\t' '
function part(s, i,   a, n) { n = split(s, a, "\x1e"); return (i <= n) ? a[i] : "" }
{
    # One frame is one TCP segment, so all its lines go the same way.
    server = ($15 ~ /^server/); n = split($3, lines, "\x1e"); x = 0
    for (i = 1; i <= n; i++) {
        line = lines[i]
        if (length(line) > 70) line = substr(line, 1, 67) "..."
        if (server && part($4, i) != "") {
            to = part($9, i) != "" ? "answers " part($10, i) " (frame " part($9, i) ")" : "answers no command"
            p = part($8, i); p = (p == "single") ? "" : " [" p "]"
            printf "%5s  S: %s\n       %s %s / %s%s: %s; %s\n", $1, line, part($4, i), part($5, i), part($6, i), p, part($7, i), to
            if (part($4, i) ~ /^22[79]$/ && part($14, ++x) != "") printf "       address: %s\n", part($14, x)
        } else if (!server && part($11, i) != "") {
            ri = part($13, i) != "" ? "; final reply in frame " part($13, i) : "; no reply seen"
            printf "%5s  C: %s\n       %s = %s%s\n", $1, line, part($11, i), part($12, i), ri
            if (part($11, i) ~ /^(PORT|EPRT)$/ && part($14, ++x) != "") printf "       address: %s\n", part($14, x)
        } else {
            printf "%5s  %s: %s\n       (not a valid FTP %s: see the expert info)\n", $1, server ? "S" : "C", line, server ? "reply" : "command"
        }
    }
}'

echo
say "every field of a frame: tshark -r CAPTURE -2 -V -Y ftplens; recipes: README.md"
