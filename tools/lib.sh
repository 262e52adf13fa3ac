# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# tools/lib.sh - shared setup for the scripts in tools/ (demo.sh, test.sh,
# bench.sh, sanitize.sh, fuzz-campaign.sh): messages, install the Debian
# packages the project needs, configure and build.  Sourced, not run.

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
    tshark --version | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\).*/\1/p'
}
