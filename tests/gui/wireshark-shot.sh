#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/gui/wireshark-shot.sh PLUGIN_DIR CAPTURE FRAME OUT.png
#
# One run of the real Wireshark Qt GUI, under its own Xvfb server: opens CAPTURE
# at FRAME (-g), expands the FTP Lens subtree with the keyboard, and saves a
# screenshot of the screen (= the Wireshark window) to OUT.png.
#
#   PLUGIN_DIR  a scratch plugin folder holding <major.minor>/epan/ftplens.so; it is
#               passed as WIRESHARK_PLUGIN_DIR (Wireshark ignores it when privileged)
#   FRAME       a frame number ("expert", for the Expert Information dialog, is to come)
#
# As root, Wireshark runs as the unprivileged user nobody (uid/gid 65534, via
# setpriv) with a scratch HOME owned by nobody; otherwise as the calling user,
# with a scratch HOME too.  The profile in that HOME makes the window fill the
# 1600x1200 screen, hides the bytes pane and keeps the packet list short, so the
# packet details pane has room for the whole expanded subtree.
#
# How the subtree gets expanded (Wireshark 4.0, no window manager):
#   1. xdotool windowfocus on the Wireshark main window;
#   2. a left click in the empty lower part of the packet details pane (gives the
#      tree the keyboard focus);
#   3. Home, End: the last top-level item, which for a post-dissector is
#      "[FTP Lens (explained FTP)]" (Home first: a tree without a current item
#      takes the first key press to select its first row);
#   4. Shift+Right = View > Expand Subtrees: the item and everything below it.
#
# Hard limits: Wireshark is started under `timeout 60`, every wait has its own
# deadline, and a trap ends Wireshark and Xvfb (by their process ids) on any exit.
# Environment: FTPLENS_GUI_SETTLE (seconds to wait after the capture is open,
# default 3), FTPLENS_GUI_KEEP=1 keeps the scratch folder (logs) for debugging,
# FTPLENS_GUI_FILTER a display filter (-Y), FTPLENS_GUI_PROFILE_DIR and
# FTPLENS_GUI_PROFILE a configuration profile (e.g. plugin/profile, "FTP Lab") copied
# into the scratch HOME as that personal profile and selected with -C; its packet
# list then gets 480 pixels instead of 160.
set -euo pipefail

[ $# -eq 4 ] || { echo "usage: $0 PLUGIN_DIR CAPTURE FRAME OUT.png" >&2; exit 2; }
PLUGIN_DIR=$1 CAPTURE=$2 FRAME=$3 OUT=$4
PROFILE_DIR=${FTPLENS_GUI_PROFILE_DIR:-} PROFILE_NAME=${FTPLENS_GUI_PROFILE:-FTP Lab}
FILTER_ARGS=()
[ -z "${FTPLENS_GUI_FILTER:-}" ] || FILTER_ARGS=(-Y "$FTPLENS_GUI_FILTER")
SETTLE=${FTPLENS_GUI_SETTLE:-3}
W=1600 H=1200

log() { printf '[gui-shot] %s\n' "$*"; }
fail() { printf '[gui-shot] ERROR: %s\n' "$*" >&2; exit 1; }

for tool in Xvfb wireshark xdotool import timeout; do
    command -v "$tool" >/dev/null || fail "missing $tool (run tools/gui-screenshot.sh as root to install it)"
done
[ -r "$CAPTURE" ] || fail "cannot read $CAPTURE"
[ -d "$PLUGIN_DIR" ] || fail "no plugin folder $PLUGIN_DIR"
case $FRAME in
    expert) fail "FRAME expert (the Expert Information dialog) is not supported yet" ;;
    ''|*[!0-9]*) fail "FRAME must be a number, not '$FRAME'" ;;
esac
[ -z "$PROFILE_DIR" ] || [ -r "$PROFILE_DIR/preferences" ] || fail "no profile in $PROFILE_DIR"
CAPTURE=$(cd -P "$(dirname "$CAPTURE")" && pwd)/$(basename "$CAPTURE")

WORK=$(mktemp -d /tmp/ftplens-gui.XXXXXX)
chmod 0755 "$WORK"
XVFB_PID= WS_PID=
stop_pid() {   # stop_pid PID: TERM, up to 3 s, then KILL
    local pid=$1 i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in 1 2 3 4 5 6; do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
    stop_pid "$WS_PID"
    stop_pid "$XVFB_PID"
    wait 2>/dev/null || true
    if [ "${FTPLENS_GUI_KEEP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- a scratch profile: window = screen, no bytes pane, short packet list -------------
HOMEDIR=$WORK/home
mkdir -p "$HOMEDIR/.config/wireshark" "$WORK/runtime"
chmod 0700 "$WORK/runtime"
cat >"$HOMEDIR/.config/wireshark/recent_common" <<EOF
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: $W
gui.geometry_main_height: $H
gui.geometry_main_maximized: FALSE
privs.warn_if_elevated: FALSE
sys.warn_if_no_capture: FALSE
EOF
LAYOUT='gui.byte_view_show: FALSE
gui.packet_diagram_show: FALSE
gui.zoom_level: 0'
PROFILE_ARGS=()
if [ -n "$PROFILE_DIR" ]; then
    P=$HOMEDIR/.config/wireshark/profiles/$PROFILE_NAME
    mkdir -p "$P"
    for f in preferences colorfilters recent; do [ -f "$PROFILE_DIR/$f" ] && cp "$PROFILE_DIR/$f" "$P/"; done
    printf '%s\ngui.geometry_main_upper_pane: 480\n' "$LAYOUT" >>"$P/recent"
    PROFILE_ARGS=(-C "$PROFILE_NAME")
else
    printf '%s\ngui.geometry_main_upper_pane: 160\n' "$LAYOUT" >"$HOMEDIR/.config/wireshark/recent"
fi
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
    chown -R 65534:65534 "$HOMEDIR" "$WORK/runtime"
    RUN_AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    # nobody must be able to read the plugin and the capture
    setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$CAPTURE" \
        || fail "user nobody cannot read $CAPTURE"
fi

# --- Xvfb on a free display ---------------------------------------------------------------
Xvfb -displayfd 3 -screen 0 "${W}x${H}x24" -nolisten tcp 3>"$WORK/display" >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 1 50); do [ -s "$WORK/display" ] && break; sleep 0.2; done
[ -s "$WORK/display" ] || { cat "$WORK/xvfb.log" >&2; fail "Xvfb did not start within 10 s"; }
export DISPLAY=:$(tr -dc '0-9' <"$WORK/display")
log "Xvfb on $DISPLAY (${W}x${H})"

# --- Wireshark, unprivileged, at most 60 s --------------------------------------------------
log "wireshark -r $CAPTURE -g $FRAME ${PROFILE_ARGS[*]} ${FILTER_ARGS[*]} (as $([ ${#RUN_AS[@]} -gt 0 ] && echo nobody || id -un))"
timeout -k 5 60 "${RUN_AS[@]}" env HOME="$HOMEDIR" XDG_RUNTIME_DIR="$WORK/runtime" \
    XDG_CONFIG_HOME="$HOMEDIR/.config" WIRESHARK_PLUGIN_DIR="$PLUGIN_DIR" DISPLAY="$DISPLAY" \
    wireshark -r "$CAPTURE" -g "$FRAME" "${PROFILE_ARGS[@]}" "${FILTER_ARGS[@]}" >"$WORK/wireshark.log" 2>&1 &
WS_PID=$!

# The main window's title becomes the capture's file name once the file is open.
NAME=$(basename "$CAPTURE")
WIN=
for _ in $(seq 1 100); do       # 30 s at most
    kill -0 "$WS_PID" 2>/dev/null || { cat "$WORK/wireshark.log" >&2; fail "wireshark exited early"; }
    for w in $(xdotool search --onlyvisible --class wireshark 2>/dev/null); do
        [ "$(xdotool getwindowname "$w" 2>/dev/null)" = "$NAME" ] && { WIN=$w; break; }
    done
    [ -n "$WIN" ] && break
    sleep 0.3
done
[ -n "$WIN" ] || { cat "$WORK/wireshark.log" >&2; fail "no Wireshark window titled $NAME within 30 s"; }
log "window $WIN: $(xdotool getwindowgeometry "$WIN" | sed -n 's/.*Geometry: //p')"
sleep "$SETTLE"                  # let -g select the frame and fill the details pane

xdotool windowfocus --sync "$WIN" 2>/dev/null || true
xdotool mousemove --sync $((W / 2)) $((H - 100)) click 1   # empty lower part of the details pane
sleep 0.5
xdotool key Home; sleep 0.3
xdotool key End; sleep 0.3
xdotool key shift+Right          # View > Expand Subtrees
xdotool mousemove --sync $((W - 5)) 5   # pointer out of the tree (no hover highlight)
sleep 1

kill -0 "$WS_PID" 2>/dev/null || { cat "$WORK/wireshark.log" >&2; fail "wireshark died"; }
mkdir -p "$(dirname "$OUT")"
import -window root "png:$OUT.tmp" && mv "$OUT.tmp" "$OUT"
log "screenshot: $OUT"
