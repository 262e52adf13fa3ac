#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/gui-screenshot.sh [--out DIR] [CAPTURE FRAME NAME TEXT...]
#
# "GUI proven, not assumed": builds ftplens, loads it into the real Wireshark Qt
# GUI (under Xvfb, as an unprivileged user), opens a capture at a frame with the
# FTP Lens subtree expanded, saves a screenshot and reads it back with OCR.
#
# Without arguments it makes and checks the two screenshots of the classroom lab
# capture ../shared/pcaps/public/net-creds__ftp.pcap:
#   docs/screenshots/lab-502-reply.png   frame 384, the 502 reply to `opts utf8 on`
#   docs/screenshots/lab-handshake.png   frame 154, the SYN-ACK of the control connection
# (when ../shared is absent: pcaps/lab-anonymous.pcapng frames 16 and 2, saved as
# lab-anonymous-501-reply.png and lab-anonymous-handshake.png, with a loud notice).
# With CAPTURE FRAME NAME TEXT...: one screenshot DIR/NAME.png that must show every TEXT.
#
#   --out DIR   where the PNGs go (default: docs/screenshots of this repository)
#
# As root it installs the Debian packages it needs (build: cmake gcc make pkg-config
# libglib2.0-dev wireshark-dev tshark; GUI: wireshark xvfb xdotool imagemagick
# tesseract-ocr tesseract-ocr-eng); as another user it prints the apt-get line.
# The plugin is built in build-gui/ and staged in a scratch WIRESHARK_PLUGIN_DIR;
# nothing is installed into Wireshark's own folders.  One GUI run is given two
# tries (the second waits longer); each run is limited to 60 s.
# Prints a PASS/FAIL line per expected text and "N passed, N failed"; exit 1 on a failure.
set -euo pipefail

ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUTDIR=$ROOT/docs/screenshots
say() { printf '[gui-screenshot] %s\n' "$*"; }
die() { printf '[gui-screenshot] ERROR: %s\n' "$*" >&2; exit 1; }

if [ "${1:-}" = --out ]; then
    [ $# -ge 2 ] || die "--out needs a folder"
    OUTDIR=$2; shift 2
fi
case $OUTDIR in /*) ;; *) OUTDIR=$PWD/$OUTDIR ;; esac
if [ $# -ne 0 ] && [ $# -lt 4 ]; then
    echo "usage: $0 [--out DIR] [CAPTURE FRAME NAME TEXT...]" >&2; exit 2
fi

# --- 1. packages ---------------------------------------------------------------------------
PKGS=(cmake gcc make pkg-config libglib2.0-dev wireshark-dev tshark
      wireshark xvfb xdotool imagemagick tesseract-ocr tesseract-ocr-eng)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || die "missing Debian packages; run: sudo apt-get install -y ${missing[*]}"
    say "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install failed"
fi
[ -x /usr/bin/wireshark ] || die "/usr/bin/wireshark missing after installing the wireshark package"

# --- 2. build and stage the plugin ---------------------------------------------------------
TMP=$(mktemp -d /tmp/ftplens-guishot.XXXXXX)
CHILD=
# on any exit: stop a GUI run still going (its own trap ends Wireshark and Xvfb)
cleanup() {
    if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then
        kill -TERM "$CHILD" 2>/dev/null || true
        wait "$CHILD" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 0755 "$TMP"
BUILD=$ROOT/build-gui
say "building the plugin in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -DFTPLENS_BUILD_TESTS=OFF >"$TMP/configure.log" 2>&1 \
    || { cat "$TMP/configure.log"; die "cmake configure failed"; }
cmake --build "$BUILD" -j "$(nproc)" >"$BUILD/build.log" 2>&1 || { cat "$BUILD/build.log"; die "build failed"; }
SO=$(find "$BUILD" -name ftplens.so -type f | head -1)
[ -n "$SO" ] || die "no ftplens.so in $BUILD"
MM=$(tshark --version 2>/dev/null | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
[ -n "$MM" ] || die "cannot read the Wireshark version from tshark --version"

mkdir -p "$TMP/plugins/$MM/epan"
install -m 0644 "$SO" "$TMP/plugins/$MM/epan/ftplens.so"
chmod -R a+rX "$TMP/plugins"
say "staged $TMP/plugins/$MM/epan/ftplens.so (Wireshark $MM)"

# --- 3.-5. cases ---------------------------------------------------------------------------
PASSED=0 FAILED=0
# shot CAPTURE FRAME NAME TEXT...
shot() {
    local cap=$1 frame=$2 name=$3; shift 3
    local png=$TMP/$name.png try settle out rc
    for try in 1 2; do
        settle=$((try == 1 ? 3 : 7))
        say "--- $name: $(basename "$cap") frame $frame (try $try)"
        FTPLENS_GUI_SETTLE=$settle timeout -k 5 90 \
            "$ROOT/tests/gui/wireshark-shot.sh" "$TMP/plugins" "$cap" "$frame" "$png" &
        CHILD=$!
        rc=0; wait "$CHILD" || rc=$?
        CHILD=
        if [ "$rc" -ne 0 ]; then
            say "GUI run failed (exit $rc)"
            continue
        fi
        if out=$(FTPLENS_OCR_TEXT=$TMP/$name.ocr.txt "$ROOT/tests/gui/ocr-check.sh" "$png" "$@"); then
            printf '%s\n' "$out"
            mkdir -p "$OUTDIR"
            cp "$png" "$OUTDIR/$name.png"
            say "saved $OUTDIR/$name.png"
            PASSED=$((PASSED + $#))
            return 0
        fi
        printf '%s\n' "$out"
    done
    cp "$png" "/tmp/ftplens-gui-failed-$name.png" 2>/dev/null && say "failed screenshot kept: /tmp/ftplens-gui-failed-$name.png"
    [ -f "$TMP/$name.ocr.txt" ] && cp "$TMP/$name.ocr.txt" "/tmp/ftplens-gui-failed-$name.ocr.txt"
    # count each expected text of the last try (all of them when the GUI never ran)
    local n_fail
    n_fail=$(printf '%s\n' "${out:-}" | grep -c '^FAIL' || true)
    [ -n "${out:-}" ] || n_fail=$#
    FAILED=$((FAILED + n_fail)); PASSED=$((PASSED + $# - n_fail))
    return 0
}

if [ $# -ge 4 ]; then
    shot "$@"
else
    LAB=$ROOT/../shared/pcaps/public/net-creds__ftp.pcap
    if [ -r "$LAB" ]; then
        LAB=$(cd -P "$(dirname "$LAB")" && pwd)/$(basename "$LAB")
        shot "$LAB" 384 lab-502-reply "FTP Lens (explained FTP)" "Reply class text" "Permanent Negative" "Command not implemented"
        shot "$LAB" 154 lab-handshake "FTP Lens (explained FTP)" "Raw acknowledgment number bytes" "handshake 2/3: SYN-ACK" "SYN-ACK" "62 6b f2 f8"
    else
        say "################################################################################"
        say "## ../shared/pcaps/public/net-creds__ftp.pcap is ABSENT: falling back to the   ##"
        say "## project's own pcaps/lab-anonymous.pcapng (frames 16 and 2); the lab         ##"
        say "## screenshots lab-502-reply.png / lab-handshake.png are NOT remade.           ##"
        say "################################################################################"
        OWN=$ROOT/pcaps/lab-anonymous.pcapng
        shot "$OWN" 16 lab-anonymous-501-reply "FTP Lens (explained FTP)" "Reply class text" "Permanent Negative" "Syntax error in parameters"
        shot "$OWN" 2 lab-anonymous-handshake "FTP Lens (explained FTP)" "Raw acknowledgment number bytes" "handshake 2/3: SYN-ACK" "SYN-ACK" "27 da 50 ab"
    fi
fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
