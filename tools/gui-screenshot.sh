#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/gui-screenshot.sh [--out DIR] [NAME...]
#
# "GUI proven, not assumed": builds ftplens, loads it into the real Wireshark Qt GUI (under Xvfb, as an
# unprivileged user), opens a capture at a frame with the FTP Lens subtree expanded, saves a screenshot
# and reads it back with OCR (tesseract).  What is checked is the table CHECKS below: one line per
# screenshot.  NAME... runs only those lines.
#
#   --out DIR   where the PNGs go (default: docs/screenshots of this repository)
#
# The lab lines use the classroom capture ../shared/pcaps/public/net-creds__ftp.pcap; when ../shared is
# absent they are skipped with a loud notice and the FALLBACK lines (the project's own
# pcaps/lab-anonymous.pcapng) run instead.
#
# Needs only Debian packages, which it installs when run as root (CI) and names otherwise: cmake gcc
# make pkg-config libglib2.0-dev wireshark-dev tshark, and for the GUI wireshark-qt (the Qt GUI alone,
# not the "wireshark" metapackage) xvfb xdotool imagemagick tesseract-ocr tesseract-ocr-eng
# fonts-dejavu-core.  The plugin is built in $FTPLENS_BUILD_DIR (default build-gui/) and staged in a
# scratch WIRESHARK_PLUGIN_DIR; nothing is installed into Wireshark's folders.
#
# Speed: one Wireshark start per line (about 8 s), the OCR of each screenshot (about 20 s) runs in the
# background while the next screenshot is taken; a line that fails is tried once more at the end with a
# longer wait.  Every GUI run is limited to 60 s, every OCR to 120 s.
# Prints a PASS/FAIL line per expected text and "N passed, N failed"; exit 1 on a failure.
set -euo pipefail
FTPLENS_BUILD_DIR=${FTPLENS_BUILD_DIR:-build-gui}
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
FTPLENS_SAY_TAG=gui-screenshot
ROOT=$FTPLENS_ROOT

# --- the checks ----------------------------------------------------------------------------------
# NAME | CAPTURE | FRAME | PROFILE | FILTER | TEXTS
#   NAME     the screenshot: OUTDIR/NAME.png
#   CAPTURE  $LAB = ../shared/pcaps/public/net-creds__ftp.pcap, $OWN = this repository's pcaps/
#   FRAME    the frame opened (wireshark -g) whose FTP Lens subtree is expanded
#   PROFILE  - (Default) or FTP Lab (plugin/profile, as installed)
#   FILTER   - or a display filter (-Y)
#   TEXTS    what OCR must read on the screenshot, separated by " ; " (case, spaces and punctuation
#            are ignored; o/0 and l/i/1 count as the same letter)
CHECKS='
lab-502-reply       | $LAB | 384 | -       | -               | FTP Lens (explained FTP) ; Reply 502 ; OPTS (frame 329): Command not implemented ; Permanent Negative Completion ; Syntax ; Security finding
lab-handshake       | $LAB | 154 | -       | -               | FTP Lens (explained FTP) ; handshake 2/3: SYN-ACK ; Raw acknowledgment number bytes ; 62 6b f2 f8
lab-ftp-lab-profile | $LAB | 384 | FTP Lab | tcp.stream == 6 | Seq (rel) ; Reply class ; Finding ; Permanent Negative ; User logged in ; banner_disclosure ; Response: 220-
'
# Expert information titles (Analyze > Expert Information): to come - lines whose FRAME is "expert"
# once tests/gui/wireshark-shot.sh can open that dialog (it refuses such a FRAME for now).

FALLBACK_CHECKS='
lab-anonymous-501-reply | $OWN/lab-anonymous.pcapng | 16 | - | - | FTP Lens (explained FTP) ; Reply 501 ; Permanent Negative Completion ; Syntax error in parameters
lab-anonymous-handshake | $OWN/lab-anonymous.pcapng | 2  | - | - | FTP Lens (explained FTP) ; handshake 2/3: SYN-ACK ; Raw acknowledgment number bytes ; 27 da 50 ab
'

OUTDIR=$ROOT/docs/screenshots
if [ "${1:-}" = --out ]; then
    [ $# -ge 2 ] || die "--out needs a folder"
    OUTDIR=$2; shift 2
fi
case $OUTDIR in /*) ;; *) OUTDIR=$PWD/$OUTDIR ;; esac
ONLY=("$@")

# --- 1. packages ------------------------------------------------------------------------------------
START=$SECONDS
ensure_packages cmake gcc make pkg-config libglib2.0-dev wireshark-dev tshark \
    wireshark-qt xvfb xdotool imagemagick tesseract-ocr tesseract-ocr-eng fonts-dejavu-core
[ -x /usr/bin/wireshark ] || die "/usr/bin/wireshark missing after installing wireshark-qt"

# --- 2. build and stage the plugin ------------------------------------------------------------------
TMP=$(mktemp -d /tmp/ftplens-guishot.XXXXXX)
CHILDREN=()
cleanup() {   # stop GUI runs and OCR still going (each ends its own Wireshark and Xvfb), by process id
    local pid
    for pid in "${CHILDREN[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
configure_and_build -DFTPLENS_BUILD_TESTS=OFF
SO=$FTPLENS_BUILD_DIR/plugin/ftplens.so
[ -f "$SO" ] || die "no $SO"
MM=$(ws_major_minor)
FTPLENS_STAGE_WS=$MM stage_plugin "$TMP" "$SO"
say "staged the plugin for Wireshark $MM ($(( SECONDS - START )) s so far)"

# --- 3. the lines to run ----------------------------------------------------------------------------
LAB=$ROOT/../shared/pcaps/public/net-creds__ftp.pcap
OWN=$ROOT/pcaps
TABLE=$CHECKS
if [ ! -r "$LAB" ]; then
    say "################################################################################"
    say "## ../shared/pcaps/public/net-creds__ftp.pcap is ABSENT: the lab lines are     ##"
    say "## SKIPPED and their screenshots NOT remade; the fallback lines on the         ##"
    say "## project's own pcaps/lab-anonymous.pcapng run instead.                       ##"
    say "################################################################################"
    TABLE=$FALLBACK_CHECKS
fi
trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }
NAMES=() CAPS=() FRAMES=() PROFS=() FILTERS=() TEXTS=()
while IFS= read -r line; do
    [ -n "$(trim "$line")" ] || continue
    IFS='|' read -r name cap frame prof filter texts <<<"$line"
    name=$(trim "$name"); cap=$(trim "$cap"); frame=$(trim "$frame"); prof=$(trim "$prof"); filter=$(trim "$filter")
    if [ ${#ONLY[@]} -gt 0 ] && [[ " ${ONLY[*]} " != *" $name "* ]]; then continue; fi
    cap=${cap//\$LAB/$LAB}; cap=${cap//\$OWN/$OWN}
    [ -r "$cap" ] || die "line $name: cannot read $cap"
    NAMES+=("$name"); CAPS+=("$(cd -P "$(dirname "$cap")" && pwd)/$(basename "$cap")")
    FRAMES+=("$frame"); PROFS+=("$prof"); FILTERS+=("${filter#-}"); TEXTS+=("$(trim "$texts")")
done <<<"$TABLE"
[ ${#NAMES[@]} -gt 0 ] || die "no line of the table is called ${ONLY[*]}"

# --- 4. screenshots (one GUI at a time) and OCR (in the background) --------------------------------
# shoot I TRY: one GUI run for line I, then its OCR in the background; result in $TMP/I.ok or .fail
shoot() {
    local i=$1 try=$2 name=${NAMES[$1]} prof_dir= rc=0
    local png=$TMP/$name.png
    [ "${PROFS[$i]}" = - ] || prof_dir=$ROOT/plugin/profile
    rm -f "$TMP/$i.ok" "$TMP/$i.fail" "$png"
    say "--- $name: $(basename "${CAPS[$i]}") frame ${FRAMES[$i]}, profile ${PROFS[$i]/#-/Default}${FILTERS[$i]:+, filter ${FILTERS[$i]}} (try $try)"
    FTPLENS_GUI_SETTLE=$((try == 1 ? 3 : 8)) FTPLENS_GUI_PROFILE_DIR=$prof_dir FTPLENS_GUI_PROFILE=${PROFS[$i]} \
        FTPLENS_GUI_FILTER=${FILTERS[$i]} timeout -k 5 90 \
        "$ROOT/tests/gui/wireshark-shot.sh" "$TMP/plugins" "${CAPS[$i]}" "${FRAMES[$i]}" "$png" \
        >"$TMP/$i.gui.log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        sed 's/^/    /' "$TMP/$i.gui.log"
        echo "FAIL  GUI run of $name (exit $rc)" >"$TMP/$i.fail"
        return 0
    fi
    local texts=()
    IFS=';' read -r -a texts <<<"${TEXTS[$i]}"
    for t in "${!texts[@]}"; do texts[t]=$(trim "${texts[t]}"); done
    ( if FTPLENS_OCR_TEXT=$TMP/$name.ocr.txt timeout -k 5 120 "$ROOT/tests/gui/ocr-check.sh" "$png" "${texts[@]}" \
            >"$TMP/$i.ocr" 2>&1; then mv "$TMP/$i.ocr" "$TMP/$i.ok"; else mv "$TMP/$i.ocr" "$TMP/$i.fail"; fi ) &
    CHILDREN+=($!)
}
collect() { local pid; for pid in "${CHILDREN[@]}"; do wait "$pid" 2>/dev/null || true; done; CHILDREN=(); }

for i in "${!NAMES[@]}"; do shoot "$i" 1; done
collect
for i in "${!NAMES[@]}"; do
    if [ -f "$TMP/$i.fail" ]; then
        sed 's/^/    /' "$TMP/$i.fail"
        say "${NAMES[$i]}: trying again with a longer wait"
        shoot "$i" 2
        collect
    fi
done

PASSED=0 FAILED=0
for i in "${!NAMES[@]}"; do
    name=${NAMES[$i]}
    say "=== $name"
    if [ -f "$TMP/$i.ok" ]; then
        cat "$TMP/$i.ok"
        mkdir -p "$OUTDIR"
        cp "$TMP/$name.png" "$OUTDIR/$name.png"
        say "saved $OUTDIR/$name.png"
    else
        cat "$TMP/$i.fail"
        for f in "$TMP/$name.png" "$TMP/$name.ocr.txt"; do
            [ -f "$f" ] && cp "$f" "/tmp/ftplens-gui-failed-$(basename "$f")" && say "kept /tmp/ftplens-gui-failed-$(basename "$f")"
        done
    fi
    res=$(cat "$TMP/$i.ok" 2>/dev/null || cat "$TMP/$i.fail")
    n_pass=$(grep -c '^PASS' <<<"$res" || true)
    n_fail=$(grep -c '^FAIL' <<<"$res" || true)
    PASSED=$((PASSED + n_pass)); FAILED=$((FAILED + n_fail))
done

echo "$PASSED passed, $FAILED failed ($(( SECONDS - START )) s)"
[ "$FAILED" -eq 0 ]
