# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# tools/lib.sh - shared setup for the scripts in tools/ and tests/gui/: messages,
# install the Debian packages the project needs, configure and build, and run
# tshark or wireshark with a staged plugin as an unprivileged user.  Sourced,
# not run.

FTPLENS_ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FTPLENS_BUILD_DIR=${FTPLENS_BUILD_DIR:-build}
case $FTPLENS_BUILD_DIR in /*) ;; *) FTPLENS_BUILD_DIR=$FTPLENS_ROOT/$FTPLENS_BUILD_DIR ;; esac

# say/die print "[TAG] ..."; a script that wants its own tag sets
# FTPLENS_SAY_TAG after sourcing this file (reset here, not read from the
# environment).
FTPLENS_SAY_TAG=ftplens
say() { printf '[%s] %s\n' "$FTPLENS_SAY_TAG" "$*"; }
die() { printf '[%s] ERROR: %s\n' "$FTPLENS_SAY_TAG" "$*" >&2; exit 1; }

# ensure_packages PKG... : installs what is missing when root, otherwise says
# exactly which command to run.
ensure_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        die "missing Debian packages; run: sudo apt-get install -y ${missing[*]}"
    fi
    say "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install failed"
}

# configure_and_build [cmake args...]
configure_and_build() {
    say "configuring in $FTPLENS_BUILD_DIR"
    cmake -S "$FTPLENS_ROOT" -B "$FTPLENS_BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null \
        || die "cmake configure failed (see above)"
    say "building"
    cmake --build "$FTPLENS_BUILD_DIR" -j "$(nproc)" >"$FTPLENS_BUILD_DIR/build.log" 2>&1 \
        || { cat "$FTPLENS_BUILD_DIR/build.log"; die "build failed"; }
}

# all_captures WHY: fills the array CAPTURES with the project's own captures
# and those of ../shared/pcaps/public (absolute paths); when that folder is
# absent says so loudly, followed by WHY.
all_captures() {
    local f public=$FTPLENS_ROOT/../shared/pcaps/public
    CAPTURES=()
    for f in "$FTPLENS_ROOT"/pcaps/*.pcapng; do [ -f "$f" ] && CAPTURES+=("$f"); done
    if [ -d "$public" ]; then
        for f in "$public"/*; do [ -f "$f" ] && CAPTURES+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done
    else
        say "SKIPPED LOUDLY: $public is absent: $1"
    fi
}

ws_major_minor() {
    tshark --version 2>/dev/null | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\).*/\1/p'
}

# ---- a staged plugin, and tshark/wireshark run as an unprivileged user ----
# As root Wireshark ignores WIRESHARK_PLUGIN_DIR and the personal folders, so a
# staged plugin is run as the user nobody (uid/gid 65534) when we are root.
# tests/integration/harness.py does the same in Python (keep the two alike).

# user_prefix: fills the array USER_PREFIX with the command prefix that drops
# root to nobody (setpriv), or with nothing when not root.
user_prefix() {
    USER_PREFIX=()
    [ "$EUID" -ne 0 ] || USER_PREFIX=(setpriv --reuid=65534 --regid=65534 --clear-groups)
}

# give_to_user [-R] PATH...: as root, makes PATH owned by nobody (so that a run
# through as_user can write there); otherwise does nothing.
give_to_user() {
    [ "$EUID" -eq 0 ] || return 0
    local opt=()
    [ "$1" = -R ] && { opt=(-R); shift; }
    chown "${opt[@]}" 65534:65534 "$@"
}

# stage_plugin DIR [SO]: makes DIR/plugins/<major.minor>/epan/ftplens.so, a copy
# of SO (<major.minor>: FTPLENS_STAGE_WS, else tshark's; without SO an empty
# DIR/plugins), DIR/home (owned by the user runs are made as) and DIR/extcap
# (empty: tshark starts no extcap helper), all readable by that user; DIR
# becomes the folder of as_user (FTPLENS_STAGE, exported) and AS_USER is set.
stage_plugin() {
    local dir=$1 so=${2:-} ws=${FTPLENS_STAGE_WS:-}
    mkdir -p "$dir/plugins" "$dir/home" "$dir/extcap" || die "cannot create $dir"
    chmod 0755 "$dir" "$dir/plugins" "$dir/home" "$dir/extcap"
    if [ -n "$so" ]; then
        [ -n "$ws" ] || ws=$(ws_major_minor)
        [ -n "$ws" ] || die "cannot read the Wireshark version from tshark --version"
        install -d -m 0755 "$dir/plugins/$ws" "$dir/plugins/$ws/epan" || die "cannot create $dir/plugins/$ws"
        install -m 0644 "$so" "$dir/plugins/$ws/epan/ftplens.so" || die "cannot stage $so in $dir"
    fi
    give_to_user "$dir/home"
    export FTPLENS_STAGE=$dir
    as_user_prefix
}

# as_user_prefix: fills the array AS_USER with the prefix of a run in the staged
# folder: [setpriv ...] env HOME=DIR/home WIRESHARK_PLUGIN_DIR=DIR/plugins
# WIRESHARK_EXTCAP_DIR=DIR/extcap LC_ALL=C.UTF-8 (for timeout "${AS_USER[@]}" ...).
as_user_prefix() {
    local s=${FTPLENS_STAGE:?stage_plugin first} USER_PREFIX
    user_prefix
    AS_USER=("${USER_PREFIX[@]}" env HOME="$s/home" WIRESHARK_PLUGIN_DIR="$s/plugins"
             WIRESHARK_EXTCAP_DIR="$s/extcap" LC_ALL=C.UTF-8)
}

# as_user CMD...: runs CMD with the staged plugin as the unprivileged user.
# Works in xargs/bash -c children too after `export -f as_user as_user_prefix user_prefix`.
as_user() {
    local AS_USER
    as_user_prefix
    "${AS_USER[@]}" "$@"
}
