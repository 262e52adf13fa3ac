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
# with a scratch HOME too (stage_plugin and AS_USER of tools/lib.sh).  The
# profile in that HOME makes the window fill the 1600x1200 screen, hides the
# bytes pane and keeps the packet list short, so the packet details pane has
# room for the whole expanded subtree.
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
# shellcheck source=SCRIPTDIR/../../tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib.sh"
FTPLENS_SAY_TAG=gui-shot

[ $# -eq 4 ] || { echo "usage: $0 PLUGIN_DIR CAPTURE FRAME OUT.png" >&2; exit 2; }
PLUGIN_DIR=$1 CAPTURE=$2 FRAME=$3 OUT=$4
PROFILE_DIR=${FTPLENS_GUI_PROFILE_DIR:-} PROFILE_NAME=${FTPLENS_GUI_PROFILE:-FTP Lab}
FILTER_ARGS=()
[ -z "${FTPLENS_GUI_FILTER:-}" ] || FILTER_ARGS=(-Y "$FTPLENS_GUI_FILTER")
SETTLE=${FTPLENS_GUI_SETTLE:-3}
W=1600 H=1200


for tool in Xvfb wireshark xdotool import timeout; do
    command -v "$tool" >/dev/null || die "missing $tool (run tools/gui-screenshot.sh as root to install it)"
done
[ -r "$CAPTURE" ] || die "cannot read $CAPTURE"
[ -d "$PLUGIN_DIR" ] || die "no plugin folder $PLUGIN_DIR"
case $FRAME in
    expert) die "FRAME expert (the Expert Information dialog) is not supported yet" ;;
    ''|*[!0-9]*) die "FRAME must be a number, not '$FRAME'" ;;
esac
[ -z "$PROFILE_DIR" ] || [ -r "$PROFILE_DIR/preferences" ] || die "no profile in $PROFILE_DIR"
CAPTURE=$(cd -P "$(dirname "$CAPTURE")" && pwd)/$(basename "$CAPTURE")

WORK=$(mktemp -d /tmp/ftplens-gui.XXXXXX)
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
    if [ "${FTPLENS_GUI_KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- a scratch profile: window = screen, no bytes pane, short packet list -------------
stage_plugin "$WORK"          # HOME and an empty extcap dir; the plugin is in PLUGIN_DIR
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
give_to_user -R "$HOMEDIR" "$WORK/runtime"
user_prefix
WHO=$(id -un)
[ ${#USER_PREFIX[@]} -eq 0 ] || WHO=nobody
"${USER_PREFIX[@]}" test -r "$CAPTURE" || die "user $WHO cannot read $CAPTURE"

# --- Xvfb on a free display ---------------------------------------------------------------
Xvfb -displayfd 3 -screen 0 "${W}x${H}x24" -nolisten tcp 3>"$WORK/display" >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 1 50); do [ -s "$WORK/display" ] && break; sleep 0.2; done
[ -s "$WORK/display" ] || { cat "$WORK/xvfb.log" >&2; die "Xvfb did not start within 10 s"; }
export DISPLAY=:$(tr -dc '0-9' <"$WORK/display")
say "Xvfb on $DISPLAY (${W}x${H})"

# --- Wireshark, unprivileged, at most 60 s --------------------------------------------------
say "wireshark -r $CAPTURE -g $FRAME ${PROFILE_ARGS[*]} ${FILTER_ARGS[*]} (as $WHO)"
timeout -k 5 60 "${AS_USER[@]}" WIRESHARK_PLUGIN_DIR="$PLUGIN_DIR" XDG_RUNTIME_DIR="$WORK/runtime" \
    XDG_CONFIG_HOME="$HOMEDIR/.config" DISPLAY="$DISPLAY" \
    wireshark -r "$CAPTURE" -g "$FRAME" "${PROFILE_ARGS[@]}" "${FILTER_ARGS[@]}" >"$WORK/wireshark.log" 2>&1 &
WS_PID=$!

# The main window's title becomes the capture's file name once the file is open.
NAME=$(basename "$CAPTURE")
WIN=
for _ in $(seq 1 100); do       # 30 s at most
    kill -0 "$WS_PID" 2>/dev/null || { cat "$WORK/wireshark.log" >&2; die "wireshark exited early"; }
    for w in $(xdotool search --onlyvisible --class wireshark 2>/dev/null); do
        [ "$(xdotool getwindowname "$w" 2>/dev/null)" = "$NAME" ] && { WIN=$w; break; }
    done
    [ -n "$WIN" ] && break
    sleep 0.3
done
[ -n "$WIN" ] || { cat "$WORK/wireshark.log" >&2; die "no Wireshark window titled $NAME within 30 s"; }
say "window $WIN: $(xdotool getwindowgeometry "$WIN" | sed -n 's/.*Geometry: //p')"
sleep "$SETTLE"                  # let -g select the frame and fill the details pane

xdotool windowfocus --sync "$WIN" 2>/dev/null || true
xdotool mousemove --sync $((W / 2)) $((H - 100)) click 1   # empty lower part of the details pane
sleep 0.5
xdotool key Home; sleep 0.3
xdotool key End; sleep 0.3
xdotool key shift+Right          # View > Expand Subtrees
xdotool mousemove --sync $((W - 5)) 5   # pointer out of the tree (no hover highlight)
sleep 1

kill -0 "$WS_PID" 2>/dev/null || { cat "$WORK/wireshark.log" >&2; die "wireshark died"; }
mkdir -p "$(dirname "$OUT")"
import -window root "png:$OUT.tmp" && mv "$OUT.tmp" "$OUT"
say "screenshot: $OUT"
