#!/usr/bin/env bash
# tools/test-matrix.sh - test ftplens in Debian chroots that have other
# Wireshark releases than the host, as its Debian package: tools/test-package.sh
# builds the release's .deb, installs it, runs the unit tests of the build tree
# and every tshark integration test against the installed package, and removes it.
#
#   tools/test-matrix.sh [--setup-only] [--recreate] [4.4] [4.6]
#
#   4.4, 4.6      releases to test (default: both); 4.4 is Debian trixie, 4.6
#                 forky, else sid (the first whose tshark is 4.6.x)
#   --setup-only  only create or update the chroots
#   --recreate    delete the chroots and create them again
#
# Chroots: ${FTPLENS_CHROOT_DIR:-/var/cache/ftplens}/chroot-ws<release>, made with
# debootstrap when missing (the mirror is the host's apt source, or
# FTPLENS_MIRROR) and reused while their stamp file matches.  The repository is
# bind-mounted at /src, ../shared read-only at /shared, and
#   env -i PATH=... HOME=/root FTPLENS_BUILD_DIR=build/ws-<release> tools/test-package.sh
# runs in /src as root (the package goes to build/packages, its build to
# build/deb-ws<release>); FTPLENS_MATRIX_CMD='...' runs that command instead
# (tools/test.sh: the build tree's plugin, no package).
# Mounts live in a private mount namespace and are unmounted on any exit.
#
# Needs root.  Exit status: 0 when every release passed, 1 otherwise, 2 on a
# usage error, 130 when interrupted.
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$SELF")/lib.sh"    # say, die, FTPLENS_ROOT
FTPLENS_SAY_TAG=test-matrix
REPO=$FTPLENS_ROOT
SHARED=$(dirname "$REPO")/shared
CHROOT_BASE=${FTPLENS_CHROOT_DIR:-/var/cache/ftplens}
CHROOT_BASE=${CHROOT_BASE%/}
PACKAGES=(wireshark-dev tshark cmake gcc libc6-dev make pkg-config
          libcmocka-dev libglib2.0-dev python3 util-linux dpkg-dev lintian)
CHROOT_PATH=/usr/sbin:/usr/bin:/sbin:/bin
STAMP=.ftplens-setup-done

warn() { say "WARNING: $*" >&2; }
banner() { printf '\n%s\n== %s\n%s\n' "${RULE:=$(printf '=%.0s' {1..74})}" "$*" "$RULE"; }
release_suites() { case $1 in 4.4) echo trixie ;; 4.6) echo forky sid ;; esac; }
chroot_dir() { echo "$CHROOT_BASE/chroot-ws$1"; }
packages_hash() { printf '%s\n' "${PACKAGES[@]}" | sha256sum | cut -c1-16; }
stamp_get() { sed -n "s/^$2=//p" "$1/$STAMP" 2>/dev/null | head -n1; }   # stamp_get DIR KEY

# Mount points at or below $1, deepest first.
mounts_under() {
    awk -v d="${1%/}" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r
}
# Unmounts everything at or below $1; fails when something stays mounted.
umount_under() {
    local m left
    for m in $(mounts_under "$1"); do umount "$m" 2>/dev/null || umount -l "$m" || true; done
    left=$(mounts_under "$1")
    [ -z "$left" ] || { warn "still mounted below $1: $left"; return 1; }
}

# The Debian mirror of the host's apt sources: the first non-security http(s)
# URI of an enabled deb stanza of debian.sources, else of a sources.list line.
find_mirror() {
    local m=${FTPLENS_MIRROR:-}
    [ -n "$m" ] || m=$(awk 'BEGIN { RS = "" }
        /(^|\n)Enabled:[ \t]*[Nn]o/ || /(^|\n)Suites:[^\n]*-security/ { next }
        /(^|\n)Types:/ && !/(^|\n)Types:[^\n]*deb([ \t]|\n|$)/ { next }
        match($0, /(^|\n)URIs:[ \t]*https?:\/\/[^ \t\n]*/) {
            u = substr($0, RSTART, RLENGTH); sub(/.*URIs:[ \t]*/, "", u)
            if (u !~ /security/) { print u; exit }
        }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    [ -n "$m" ] || m=$(awk '$1 == "deb" && !/security|\/updates/ {
            for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\//) { print $i; exit } }' /etc/apt/sources.list 2>/dev/null || true)
    [ -n "$m" ] || die "cannot determine a Debian mirror from the host apt sources (set FTPLENS_MIRROR)"
    echo "${m%/}"
}

in_chroot() {   # in_chroot DIR CMD...: CMD in chroot DIR with a clean environment
    local dir=$1; shift
    chroot "$dir" env -i PATH="$CHROOT_PATH" HOME=/root LC_ALL=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true "$@"
}
# check_version DIR REL WHAT VERSION: dies unless VERSION is REL.x.
check_version() {
    case $4 in "$2".*) ;; *) die "$3 in $1 is '${4:-missing}', expected $2.x" ;; esac
}
chroot_tshark_version() {
    in_chroot "$1" tshark --version 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9][0-9.]*[0-9]\).*/\1/p'
}

# ---------------------------------------- inner part: in the private mount namespace
# Every mount is below the chroot DIR, and whatever is mounted there is unmounted on any exit.
inner_traps() {   # inner_traps DIR
    INNER_DIR=$1
    trap 'rc=$?; trap - EXIT; umount_under "$INNER_DIR" || [ "$rc" -ne 0 ] || rc=1; exit "$rc"' EXIT
    trap 'exit 130' INT; trap 'exit 143' TERM; trap 'exit 129' HUP
}
inner_mounts() {   # inner_mounts DIR: /proc, and a working /dev
    mkdir -p "$1/proc"
    mount -t proc proc "$1/proc"
    # debootstrap's static device nodes usually work; where not (some containers) bind the host /dev
    if ! chroot "$1" /bin/sh -c 'echo x >/dev/null && head -c1 /dev/urandom >/dev/null' 2>/dev/null; then
        say "static /dev nodes unusable in $1, bind-mounting /dev"
        mount --bind /dev "$1/dev"
    fi
}

inner_setup() {   # inner_setup RELEASE create|refresh MIRROR
    local rel=$1 mode=$2 mirror=$3 dir suite script cand i ver pcver switched=0
    local -a suites apt
    dir=$(chroot_dir "$rel")
    read -r -a suites <<<"$(release_suites "$rel")"
    inner_traps "$dir"
    if [ "$mode" = create ]; then
        suite=${suites[0]}
        script=/usr/share/debootstrap/scripts/$suite
        [ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid
        mkdir -p "$CHROOT_BASE"
        say "debootstrap --variant=minbase $suite $dir $mirror ($(basename "$script") script)"
        debootstrap --variant=minbase "$suite" "$dir" "$mirror" "$script" || {
            tail -n 30 "$dir/debootstrap/debootstrap.log" >&2 2>/dev/null || true
            die "debootstrap of $suite failed"
        }
    else
        suite=$(stamp_get "$dir" suite)
        [ -n "$suite" ] || suite=$(awk '$1 == "deb" { print $3; exit }' "$dir/etc/apt/sources.list")
    fi
    inner_mounts "$dir"
    # no services started in the chroot, no question about capturing as non-root
    printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
    chmod 755 "$dir/usr/sbin/policy-rc.d"
    echo 'wireshark-common wireshark-common/install-setuid boolean false' | in_chroot "$dir" debconf-set-selections

    # the first suite (from the current one on) whose tshark is $rel.x; switching means dist-upgrade
    for ((i = 0; i < ${#suites[@]}; i++)); do [ "${suites[i]}" = "$suite" ] && break; done
    [ "$i" -lt "${#suites[@]}" ] || die "chroot suite '$suite' is not one of: ${suites[*]}"
    for (( ; ; i++)); do
        [ "$i" -lt "${#suites[@]}" ] || die "no suite of '${suites[*]}' offers tshark $rel.x (last candidate: ${cand:-none})"
        [ "${suites[i]}" = "$suite" ] || { suite=${suites[i]} switched=1; say "switching chroot to $suite"; }
        apt=(-q -o Dpkg::Use-Pty=0)
        rm -f "$dir/etc/apt/apt.conf.d/99ftplens-no-valid-until"
        if [ "$suite" != trixie ]; then   # testing/unstable: Valid-Until, and the clock may be ahead of the mirror
            echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99ftplens-no-valid-until"
            apt+=(-o Acquire::Check-Valid-Until=false)
        fi
        echo "deb $mirror $suite main" >"$dir/etc/apt/sources.list"
        say "[$suite] apt-get update"
        in_chroot "$dir" apt-get "${apt[@]}" update
        cand=$(in_chroot "$dir" apt-cache policy tshark | awk '/Candidate:/ { print $2 }')
        cand=${cand#*:}
        say "[$suite] tshark candidate: ${cand:-none}"
        case $cand in "$rel".*) break ;; esac
    done
    if [ "$switched" = 1 ]; then
        say "[$suite] apt-get dist-upgrade"
        in_chroot "$dir" apt-get "${apt[@]}" -y dist-upgrade
    fi
    say "[$suite] installing: ${PACKAGES[*]}"
    in_chroot "$dir" apt-get "${apt[@]}" -y --no-install-recommends install "${PACKAGES[@]}"
    in_chroot "$dir" apt-get -q clean

    ver=$(chroot_tshark_version "$dir")
    check_version "$dir" "$rel" tshark "$ver"
    pcver=$(in_chroot "$dir" pkg-config --modversion wireshark 2>/dev/null || true)
    check_version "$dir" "$rel" "pkg-config wireshark" "$pcver"
    cat >"$dir/$STAMP.tmp" <<EOF
suite=$suite
mirror=$mirror
tshark=$ver
wireshark_dev=$pcver
cmake=$(in_chroot "$dir" cmake --version | sed -n '1s/^cmake version //p')
gcc=$(in_chroot "$dir" gcc -dumpfullversion)
packages_hash=$(packages_hash)
setup_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF
    mv "$dir/$STAMP.tmp" "$dir/$STAMP"
    say "chroot ready: $dir (Debian $suite, tshark $ver, cmake $(stamp_get "$dir" cmake), gcc $(stamp_get "$dir" gcc))"
}

inner_run() {   # inner_run RELEASE
    local rel=$1 dir ver rc=0 cmd=${FTPLENS_MATRIX_CMD:-tools/test-package.sh}
    dir=$(chroot_dir "$rel")
    inner_traps "$dir"
    inner_mounts "$dir"
    mkdir -p "$dir/src"
    mount --bind "$REPO" "$dir/src"
    if [ -d "$SHARED" ]; then
        mkdir -p "$dir/shared"
        mount --bind "$SHARED" "$dir/shared"
        mount -o remount,bind,ro "$dir/shared"
    fi
    ver=$(chroot_tshark_version "$dir")
    check_version "$dir" "$rel" tshark "$ver"
    say "tshark $ver, repository at /src$([ -d "$SHARED" ] && echo ', shared at /shared (ro)')"
    say "running: cd /src && $cmd  (FTPLENS_BUILD_DIR=build/ws-$rel)"
    # The capture-loss campaign: 5 seeds on every capture on the host; here (same code, other epan)
    # one seed on the project's own captures, and the variant campaigns (equivalence, loss) on the own
    # captures only, without the four brute-force captures (the host varies them), to keep CI within its time.
    chroot "$dir" env -i PATH="$CHROOT_PATH" HOME=/root FTPLENS_BUILD_DIR="build/ws-$rel" \
        FTPLENS_LOSS_SEEDS="${FTPLENS_LOSS_SEEDS:-1}" FTPLENS_LOSS_PUBLIC="${FTPLENS_LOSS_PUBLIC:-0}" \
        FTPLENS_EQUIV_PUBLIC="${FTPLENS_EQUIV_PUBLIC:-0}" \
        FTPLENS_QUICK_SKIP="${FTPLENS_MATRIX_QUICK_SKIP-bruteforce-}" \
        bash -c "cd /src && $cmd" || rc=$?
    say "$cmd exit status: $rc"
    return "$rc"
}

# ---------------------------------------------------------------------- outer part
run_inner() {   # this script's inner part, in a private mount namespace when possible
    if [ "$HAVE_UNSHARE" = 1 ]; then
        unshare --mount --propagation private -- "$BASH" "$SELF" "$@"
    else
        "$BASH" "$SELF" "$@"
    fi
}

chroot_state() {   # chroot_state RELEASE: ready, refresh or create
    local dir
    dir=$(chroot_dir "$1")
    if [ "$RECREATE" = 1 ] || [ ! -f "$dir/$STAMP" ] || [ ! -x "$dir/usr/bin/tshark" ] ||
        [ ! -x "$dir/usr/bin/cmake" ] || [ ! -x "$dir/bin/bash" ] || [ ! -f "$dir/etc/apt/sources.list" ]; then
        echo create
        return
    fi
    case $(stamp_get "$dir" tshark) in "$1".*) ;; *) echo create; return ;; esac
    if [ "$SETUP_ONLY" = 1 ] || [ "$(stamp_get "$dir" packages_hash)" != "$(packages_hash)" ]; then
        echo refresh
    else
        echo ready
    fi
}

# one_release RELEASE: sets result[RELEASE] and detail[RELEASE] (caller holds the chroot's lock)
one_release() {
    local rel=$1 dir state t0 rc=0
    dir=$(chroot_dir "$rel")
    state=$(chroot_state "$rel")
    t0=$SECONDS
    if [ "$state" = ready ]; then
        say "reusing $dir ($(stamp_get "$dir" suite), tshark $(stamp_get "$dir" tshark))"
    else
        if [ "$state" = create ]; then
            case $dir in "$CHROOT_BASE"/chroot-ws*) ;; *) die "refusing to delete '$dir'" ;; esac
            if [ -e "$dir" ]; then
                umount_under "$dir" || die "not deleting $dir, still mounted below it"
                say "removing $dir"
                rm -rf --one-file-system -- "$dir"
            fi
            command -v debootstrap >/dev/null || {
                say "installing debootstrap on the host"
                DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap ||
                    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap; }
            }
        fi
        local mirror
        mirror=$(find_mirror)
        say "setting up $dir ($state) from $mirror"
        run_inner --internal-setup "$rel" "$state" "$mirror" || rc=$?
    fi
    [ -z "$(mounts_under "$dir")" ] || { warn "mounts left below $dir: $(mounts_under "$dir")"; rc=1; }
    detail[$rel]="setup: $state $((SECONDS - t0))s"
    if [ "$rc" -ne 0 ] || [ ! -f "$dir/$STAMP" ]; then
        detail[$rel]+=" FAILED"
        return
    fi
    detail[$rel]+=", $(stamp_get "$dir" suite), tshark $(stamp_get "$dir" tshark)"
    if [ "$SETUP_ONLY" = 1 ]; then result[$rel]=PASS; return; fi
    [ "$INTERRUPTED" = 0 ] || return
    if [ -z "${FTPLENS_MATRIX_CMD:-}" ] && [ ! -e "$REPO/tools/test-package.sh" ]; then
        detail[$rel]+="; tools/test-package.sh missing"
        return
    fi
    t0=$SECONDS
    run_inner --internal-run "$rel" || rc=$?
    [ -z "$(mounts_under "$dir")" ] || { warn "mounts left below $dir: $(mounts_under "$dir")"; rc=1; }
    detail[$rel]+="; tests: exit $rc in $((SECONDS - t0))s"
    [ "$rc" -ne 0 ] || result[$rel]=PASS
}

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$SELF"; }

main() {
    local arg rel dir lockfd failed=0
    local -a releases=()
    local -A result=() detail=()
    SETUP_ONLY=0 RECREATE=0
    for arg in "$@"; do
        case $arg in
            --setup-only) SETUP_ONLY=1 ;;
            --recreate) RECREATE=1 ;;
            -h | --help) usage; exit 0 ;;
            4.4 | 4.6) releases+=("$arg") ;;
            *) printf 'unknown argument: %s\n\n' "$arg" >&2; usage >&2; exit 2 ;;
        esac
    done
    [ "${#releases[@]}" -gt 0 ] || releases=(4.4 4.6)
    [ "$EUID" -eq 0 ] || die "must be run as root (debootstrap, chroot and mount need it)"
    case "$(readlink -m "$CHROOT_BASE")/" in "$REPO"/*) die "FTPLENS_CHROOT_DIR must be outside the repository" ;; esac
    HAVE_UNSHARE=1
    unshare --mount --propagation private true 2>/dev/null ||
        { HAVE_UNSHARE=0; warn "unshare -m unavailable, mounts are made in the host namespace (trap cleanup only)"; }
    INTERRUPTED=0
    trap 'INTERRUPTED=1' INT TERM HUP

    mkdir -p "$CHROOT_BASE"
    for rel in "${releases[@]}"; do
        [ "$INTERRUPTED" = 0 ] || break
        dir=$(chroot_dir "$rel")
        banner "Wireshark $rel  ($(release_suites "$rel" | sed 's/ / or /') chroot: $dir)"
        result[$rel]=FAIL detail[$rel]=""
        exec {lockfd}>"$dir.lock"
        flock -n "$lockfd" || { say "waiting for another test-matrix run using $dir"; flock "$lockfd"; }
        one_release "$rel" {lockfd}>&-
        exec {lockfd}>&-
    done

    banner "Summary$([ "$SETUP_ONLY" = 1 ] && echo ' (setup only)')"
    for rel in "${releases[@]}"; do
        if [ -z "${result[$rel]:-}" ]; then
            printf '  Wireshark %-4s NOT RUN (interrupted)\n' "$rel"
        else
            printf '  Wireshark %-4s %s  (%s)\n' "$rel" "${result[$rel]}" "${detail[$rel]}"
        fi
        [ "${result[$rel]:-}" = PASS ] || failed=1
    done
    [ "$INTERRUPTED" = 0 ] || { echo "  (interrupted)"; exit 130; }
    exit "$failed"
}

case ${1:-} in
    --internal-setup) shift; inner_setup "$@" ;;
    --internal-run) shift; inner_run "$@" ;;
    *) main "$@" ;;
esac
