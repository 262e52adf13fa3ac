#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/test-package.sh - test the Debian package of this machine's Wireshark
# series as a lab PC gets it.  Root only (it installs and removes the package).
#
#   tools/test-package.sh [--quick] [--out DIR]
#
#   1. tools/make-deb.sh builds the .deb (into DIR, default build/packages),
#      lintian checks it (no error allowed)
#   2. apt-get install -y ./ftplens_<version>_<arch>.deb
#   3. tshark run as root (no WIRESHARK_PLUGIN_DIR) loads ftplens.so from the
#      global plugin folder, and that file belongs to the package; the global
#      "FTP Lab (all users, ...)" profile works with tshark -C
#   4. the tests against the installed plugin: `tools/test.sh --installed`
#      (the unit tests of the build tree FTPLENS_BUILD_DIR, every tshark
#      integration test against the package: the test matrix's chroots run
#      this instead of tools/test.sh); --quick: one integration module,
#      test_tree (the fastest: what a student sees in the packet details),
#      run directly, no test build (CI on the host, where tools/test.sh
#      already tested the build tree)
#   5. apt-get remove -y ftplens: nothing dpkg -L listed is left (folders
#      other packages hold excepted); then dpkg -i again and apt-get purge -y
#      ftplens: the same, and dpkg knows the package no more
#
# It refuses to run when ftplens is installed already (package, or a
# `cmake --install` copy in the global plugin folder), and removes the package
# on any exit, also when a step fails.  Prints the time of each step.
set -euo pipefail
SELF=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$SELF")/lib.sh"
FTPLENS_SAY_TAG=test-package

QUICK=0
OUT=$FTPLENS_ROOT/build/packages
while [ $# -gt 0 ]; do
    case $1 in
        --quick) QUICK=1; shift ;;
        --out) [ $# -ge 2 ] || die "--out needs a folder"; OUT=$2; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$SELF"; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
[ "$(id -u)" -eq 0 ] || die "must be run as root (it installs and removes the package)"
export DEBIAN_FRONTEND=noninteractive

pkg_status() { dpkg-query -W -f='${db:Status-Status}' ftplens 2>/dev/null || echo not-installed; }
[ "$(pkg_status)" = not-installed ] || [ "$(pkg_status)" = config-files ] ||
    die "ftplens is installed ($(pkg_status)): remove it first (apt-get purge ftplens); this test installs and removes it"

# ---- timing of the steps
declare -a STEPS=()
T0=$SECONDS
STEP=""
step() { STEP=$1; T0=$SECONDS; }     # step NAME: a step begins
step_done() { STEPS+=("$(printf '%-48s %4ds' "$STEP" $((SECONDS - T0)))"); STEP=""; }
summary() {
    local s
    [ "${#STEPS[@]}" -gt 0 ] || return 0
    say "steps:"
    for s in "${STEPS[@]}"; do printf '    %s\n' "$s"; done
}

# The package is removed on any exit once installed (cleanup, below).
INSTALLED=0
TMPW=$(mktemp -d /tmp/ftplens-test-package.XXXXXX)
HOME_T=$TMPW/home       # HOME of the tshark runs as root
FILES=$TMPW/dpkg-L      # dpkg -L ftplens, taken while installed
mkdir -m 0755 "$HOME_T"
cleanup() {
    local rc=$?
    trap - EXIT
    if [ "$INSTALLED" = 1 ] && [ "$(pkg_status)" != not-installed ]; then
        say "removing the package (exit status $rc)"
        dpkg --purge ftplens >/dev/null || { say "ERROR: dpkg --purge ftplens failed"; rc=1; }
    fi
    rm -rf "$TMPW"
    [ -z "$STEP" ] || STEPS+=("$(printf '%-48s %4ds  FAILED' "$STEP" $((SECONDS - T0)))")
    summary
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT; trap 'exit 143' TERM; trap 'exit 129' HUP

# ---- 1. build and check the package
step "build the .deb (tools/make-deb.sh)"
ensure_packages python3 util-linux
"$FTPLENS_ROOT/tools/make-deb.sh" --out "$OUT" --no-lintian | tee "$TMPW/make-deb.log"
DEB=$(tail -n1 "$TMPW/make-deb.log")
[ -f "$DEB" ] || die "tools/make-deb.sh made no package"
step_done
step "lintian"
ensure_packages lintian
say "lintian $(basename "$DEB")"
lintian --display-info "$DEB" || die "lintian found errors in $DEB"
step_done

WS=$(dpkg-deb -f "$DEB" Version | sed -n 's/.*+ws\([0-9]*\.[0-9]*\)$/\1/p')
SO=$(dpkg-deb -c "$DEB" | awk '{ print substr($0, index($0, "./") + 1) }' | grep "/wireshark/plugins/$WS/epan/ftplens\.so$" || true)
[ -n "$SO" ] || die "$DEB holds no plugins/$WS/epan/ftplens.so"
[ ! -e "$SO" ] ||
    die "$SO exists already (a cmake --install copy?): remove it first; the package would overwrite it and removing the package would delete it"

# ---- 2. install as a lab PC does
step "install (apt-get install ./ftplens_*.deb)"
INSTALLED=1
say "apt-get install -y ./$(basename "$DEB")"
(cd "$(dirname "$DEB")" && apt-get install -y -q -o Dpkg::Use-Pty=0 "./$(basename "$DEB")") ||
    die "apt-get install of $DEB failed"
[ "$(pkg_status)" = installed ] || die "ftplens is not installed after apt-get install ($(pkg_status))"
dpkg -L ftplens >"$FILES"
step_done

# ---- 3. tshark as root loads it from the global folder; the global profile works
step "tshark as root loads it, the profile works"
root_tshark() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$HOME_T" LC_ALL=C.UTF-8 tshark "$@"; }
loaded=$(root_tshark -G plugins 2>/dev/null | awk '$1 == "ftplens.so"')
say "tshark -G plugins (as root): $loaded"
[ "$(printf '%s\n' "$loaded" | grep -c .)" = 1 ] || die "tshark lists ftplens.so $(printf '%s\n' "$loaded" | grep -c .) times"
[ "$(printf '%s\n' "$loaded" | awk '{ print $NF }')" = "$SO" ] || die "tshark does not load ftplens.so from $SO"
owner=$(dpkg-query -S "$SO" 2>/dev/null | sed 's/: .*//' || true)
[ "$owner" = ftplens ] || die "$SO belongs to '$owner', not ftplens"
PROFILE=$(dpkg -L ftplens | sed -n 's|^/usr/share/wireshark/profiles/\([^/]*\)$|\1|p')
[ -n "$PROFILE" ] || die "the package holds no profile"
cols=$(root_tshark -C "$PROFILE" -r "$FTPLENS_ROOT/pcaps/lab-anonymous.pcapng" -Y "frame.number == 2" 2>"$TMPW/err") ||
    die "tshark -C \"$PROFILE\" failed: $(cat "$TMPW/err")"
case $cols in *"handshake 2/3: SYN-ACK"*) ;; *) die "the profile \"$PROFILE\" does not show the TCP step column: $cols" ;; esac
say "profile \"$PROFILE\": $cols"
step_done

# ---- 4. the tests, against the installed plugin
if [ "$QUICK" = 1 ]; then
    step "test_tree (installed)"
    say "test_tree against $SO"
    python3 "$FTPLENS_ROOT/tests/integration/test_tree.py" --installed "$SO" --ws-version "$WS" \
        --pcaps "$FTPLENS_ROOT/pcaps" --shared "$FTPLENS_ROOT/../shared" || die "test_tree failed"
    step_done
else
    step "tools/test.sh --installed (unit + integration)"
    "$FTPLENS_ROOT/tools/test.sh" --installed || die "tools/test.sh --installed failed"
    step_done
fi

# ---- 5. remove, purge: nothing left
# leftovers: what of the saved dpkg -L list still exists, but folders another package holds.
leftovers() {
    local p line
    local -a dirs=()
    local -A held=()
    while IFS= read -r p; do
        [ "$p" != /. ] && [ -d "$p" ] && [ ! -L "$p" ] && dirs+=("$p")
    done <"$FILES"
    # one dpkg-query for all folders: "pkg1, pkg2: /folder" for each one a package holds
    if [ "${#dirs[@]}" -gt 0 ]; then
        while IFS= read -r line; do held[${line#*: }]=1; done < <(dpkg-query -S "${dirs[@]}" 2>/dev/null || true)
    fi
    while IFS= read -r p; do
        [ "$p" = /. ] && continue
        [ -e "$p" ] || [ -L "$p" ] || continue
        [ -d "$p" ] && [ ! -L "$p" ] && [ -n "${held[$p]:-}" ] && continue
        echo "$p"
    done <"$FILES"
}
check_gone() {   # check_gone WHAT
    local left
    left=$(leftovers)
    [ -z "$left" ] || die "after $1 these remain: $left"
    say "after $1: nothing of the package is left ($(grep -c . "$FILES") paths checked)"
}
step "remove (apt-get remove), check"
say "apt-get remove -y ftplens"
apt-get remove -y -q -o Dpkg::Use-Pty=0 ftplens || die "apt-get remove failed"
case $(pkg_status) in not-installed | config-files) ;; *) die "ftplens is '$(pkg_status)' after apt-get remove" ;; esac
check_gone "apt-get remove"
[ -z "$(root_tshark -G plugins 2>/dev/null | awk '$1 == "ftplens.so"')" ] || die "tshark still loads ftplens.so after removal"
step_done

step "install again, purge (apt-get purge), check"
say "dpkg -i, then apt-get purge -y ftplens"
dpkg -i "$DEB" >/dev/null || die "dpkg -i $DEB failed"
apt-get purge -y -q -o Dpkg::Use-Pty=0 ftplens || die "apt-get purge failed"
[ "$(pkg_status)" = not-installed ] || die "ftplens is '$(pkg_status)' after apt-get purge"
check_gone "apt-get purge"
INSTALLED=0
step_done
say "package $(basename "$DEB") passed"
