# SPDX-License-Identifier: GPL-2.0-or-later
# tools/lib.sh - shared setup for tools/demo.sh and tools/test.sh: install the
# Debian packages the project needs, configure and build.  Sourced, not run.

FTPLENS_ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FTPLENS_BUILD_DIR=${FTPLENS_BUILD_DIR:-build}
case $FTPLENS_BUILD_DIR in /*) ;; *) FTPLENS_BUILD_DIR=$FTPLENS_ROOT/$FTPLENS_BUILD_DIR ;; esac

say() { printf '[ftplens] %s\n' "$*"; }
die() { printf '[ftplens] ERROR: %s\n' "$*" >&2; exit 1; }

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

ws_major_minor() {
    tshark --version | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\).*/\1/p'
}
