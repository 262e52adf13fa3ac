#!/usr/bin/env bash
# tools/test-matrix.sh - run the project's test command (tools/test.sh) inside
# Debian chroots that provide other Wireshark releases than the host.
#
#   tools/test-matrix.sh [--setup-only] [--recreate] [4.4] [4.6]
#
#   4.4, 4.6      releases to handle (default: all of them)
#   --setup-only  only create (or update) the chroots, do not run tests
#   --recreate    throw away existing chroots and create them again
#
# Releases and Debian suites:
#   4.4  -> trixie            (Debian 13)
#   4.6  -> forky, then sid   (the first whose tshark is 4.6.x is used)
#
# Chroots live in ${FTPLENS_CHROOT_DIR:-/var/cache/ftplens}/chroot-ws<release>
# and are reused when their stamp file (.ftplens-setup-done) exists.  The
# Debian mirror is read from the host's apt sources at run time (override with
# FTPLENS_MIRROR).
#
# Inside the chroot the repository is bind-mounted at /src and the sibling
# ../shared folder (if any) read-only at /shared, then
#   env -i PATH=... HOME=/root FTPLENS_BUILD_DIR=build/ws-<release> \
#       bash -c 'cd /src && tools/test.sh'
# is run as root.  All mounts are made in a private mount namespace
# (unshare -m) and are additionally unmounted by a trap, so nothing stays
# mounted after the script ends, even on failure, Ctrl-C or SIGKILL.
#
# FTPLENS_MATRIX_CMD='...' runs that shell command in /src instead of
# tools/test.sh (for checking the chroot mechanics).
#
# Needs root.  Exit status: 0 if every selected release passed, 1 otherwise,
# 2 on usage errors, 130 when interrupted.
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
TOOLS_DIR=$(dirname "$SELF")
REPO=$(cd -P "$TOOLS_DIR/.." && pwd)
SHARED=$(dirname "$REPO")/shared
CHROOT_BASE=${FTPLENS_CHROOT_DIR:-/var/cache/ftplens}
CHROOT_BASE=${CHROOT_BASE%/}
ALL_RELEASES=(4.4 4.6)
PACKAGES=(wireshark-dev tshark cmake gcc libc6-dev make pkg-config
          libcmocka-dev libglib2.0-dev python3 util-linux)
CHROOT_PATH=/usr/sbin:/usr/bin:/sbin:/bin
STAMP_NAME=.ftplens-setup-done

# ---------------------------------------------------------------- helpers

log()  { printf '[test-matrix] %s\n' "$*"; }
warn() { printf '[test-matrix] WARNING: %s\n' "$*" >&2; }
die()  { printf '[test-matrix] ERROR: %s\n' "$*" >&2; exit 1; }

banner() {
    local line='=========================================================================='
    printf '\n%s\n== %s\n%s\n' "$line" "$*" "$line"
}

release_suites() {
    case $1 in
        4.4) echo trixie ;;
        4.6) echo forky sid ;;
        *)   return 1 ;;
    esac
}

chroot_dir() { printf '%s/chroot-ws%s\n' "$CHROOT_BASE" "$1"; }

packages_hash() { printf '%s\n' "${PACKAGES[@]}" | sha256sum | cut -c1-16; }

# Value of KEY in a stamp file (key=value lines).
stamp_get() { sed -n "s/^$2=//p" "$1" 2>/dev/null | head -n1; }

# Mount points at or below $1 in the current mount namespace, deepest first.
mounts_under() {
    local d=${1%/}
    awk -v d="$d" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts |
        sort -r
}

# Debian mirror from the host's apt configuration: the first non-security
# URI of /etc/apt/sources.list.d/debian.sources, else of /etc/apt/sources.list.
find_mirror() {
    local m=""
    if [ -n "${FTPLENS_MIRROR:-}" ]; then
        m=$FTPLENS_MIRROR
    fi
    if [ -z "$m" ] && [ -r /etc/apt/sources.list.d/debian.sources ]; then
        m=$(awk '
            BEGIN { RS = ""; FS = "\n" }
            {
                uris = ""; suites = ""; types = ""; enabled = 1
                for (i = 1; i <= NF; i++) {
                    line = $i
                    if (line ~ /^[ \t]*#/) continue
                    key = tolower(line); sub(/:.*/, "", key)
                    val = line; sub(/^[^:]*:[ \t]*/, "", val)
                    if (key == "uris") uris = val
                    else if (key == "suites") suites = val
                    else if (key == "types") types = val
                    else if (key == "enabled" && tolower(val) ~ /^no/) enabled = 0
                }
                if (!enabled || uris == "") next
                if (types != "" && types !~ /(^|[ \t])deb([ \t]|$)/) next
                if (suites ~ /-security/ || uris ~ /security/) next
                n = split(uris, u, /[ \t]+/)
                for (j = 1; j <= n; j++)
                    if (u[j] ~ /^https?:\/\//) { print u[j]; exit }
            }' /etc/apt/sources.list.d/debian.sources)
    fi
    if [ -z "$m" ] && [ -r /etc/apt/sources.list ]; then
        m=$(awk '
            $1 == "deb" {
                i = 2
                if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                uri = $i; suite = $(i + 1)
                if (uri ~ /security/ || suite ~ /-security|\/updates/) next
                if (uri ~ /^https?:\/\//) { print uri; exit }
            }' /etc/apt/sources.list)
    fi
    [ -n "$m" ] || die "cannot determine a Debian mirror from the host apt sources (set FTPLENS_MIRROR)"
    printf '%s\n' "${m%/}"
}

# Run a command inside chroot $1 with a clean environment.
in_chroot() {
    local dir=$1; shift
    chroot "$dir" env -i PATH="$CHROOT_PATH" HOME=/root LC_ALL=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true "$@"
}

# Upstream version of the tshark inside chroot $1, e.g. 4.4.13 (or empty).
chroot_tshark_version() {
    in_chroot "$1" tshark --version 2>/dev/null |
        sed -n '1s/^TShark (Wireshark) \([0-9][0-9.]*[0-9]\).*/\1/p'
}

# ----------------------------------------------- mount handling (inner part)

MOUNTED=()        # mount points made by this process, in mount order
CLEANUP_DIR=""    # chroot whose mounts must be gone at the end

do_mount() {      # do_mount TARGET MOUNT-ARGS...
    local target=$1; shift
    mount "$@" "$target"
    MOUNTED+=("$target")
}

cleanup_mounts() {
    local i m left
    set +e
    for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
        m=${MOUNTED[$i]}
        if grep -q " $m " /proc/self/mounts; then
            umount "$m" 2>/dev/null || {
                warn "umount $m failed, trying lazy unmount"
                umount -l "$m"
            }
        fi
    done
    MOUNTED=()
    if [ -n "$CLEANUP_DIR" ]; then
        # Catch anything else (e.g. left behind by debootstrap).
        for m in $(mounts_under "$CLEANUP_DIR"); do
            umount "$m" 2>/dev/null || umount -l "$m"
        done
        left=$(mounts_under "$CLEANUP_DIR")
        if [ -n "$left" ]; then
            warn "still mounted below $CLEANUP_DIR: $left"
            return 1
        fi
    fi
    return 0
}

inner_exit() {
    local rc=$?
    trap - EXIT
    cleanup_mounts || { [ "$rc" -ne 0 ] || rc=1; }
    exit "$rc"
}

setup_inner_traps() {
    CLEANUP_DIR=$1
    trap inner_exit EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
}

mount_proc() {
    local dir=$1
    mkdir -p "$dir/proc"
    do_mount "$dir/proc" -t proc proc
}

# The static device nodes made by debootstrap usually work; if they do not
# (some container setups) bind the host /dev instead.
ensure_dev() {
    local dir=$1
    if ! chroot "$dir" /bin/sh -c 'echo x >/dev/null && head -c1 /dev/urandom >/dev/null' 2>/dev/null; then
        log "static /dev nodes unusable in $dir, bind-mounting /dev"
        do_mount "$dir/dev" --bind /dev
    fi
}

# ------------------------------------------------------ setup (inner part)

# inner_setup RELEASE MODE(create|refresh) MIRROR
inner_setup() {
    local rel=$1 mode=$2 mirror=$3
    local dir suite script cand idx ver switched
    local -a suite_list apt_opts
    dir=$(chroot_dir "$rel")
    read -r -a suite_list <<<"$(release_suites "$rel")"
    setup_inner_traps "$dir"

    if [ "$mode" = create ]; then
        suite=${suite_list[0]}
        script=/usr/share/debootstrap/scripts/$suite
        [ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid
        mkdir -p "$CHROOT_BASE"
        log "debootstrap --variant=minbase $suite $dir $mirror ($(basename "$script") script)"
        if ! debootstrap --variant=minbase "$suite" "$dir" "$mirror" "$script"; then
            [ -f "$dir/debootstrap/debootstrap.log" ] &&
                tail -n 30 "$dir/debootstrap/debootstrap.log" >&2
            die "debootstrap of $suite failed"
        fi
    else
        suite=$(stamp_get "$dir/$STAMP_NAME" suite)
        [ -n "$suite" ] || suite=$(awk '$1 == "deb" { print $3; exit }' "$dir/etc/apt/sources.list")
    fi

    # Never start services inside the chroot.
    printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
    chmod 755 "$dir/usr/sbin/policy-rc.d"
    # Do not ask whether non-root users may capture (and say no).
    echo 'wireshark-common wireshark-common/install-setuid boolean false' |
        in_chroot "$dir" debconf-set-selections

    mount_proc "$dir"
    ensure_dev "$dir"

    # Find the first candidate suite whose tshark is $rel.x (for 4.6: forky,
    # else sid; an existing chroot is switched over with dist-upgrade).
    for ((idx = 0; idx < ${#suite_list[@]}; idx++)); do
        [ "${suite_list[$idx]}" = "$suite" ] && break
    done
    [ "$idx" -lt "${#suite_list[@]}" ] || die "chroot suite '$suite' is not one of: ${suite_list[*]}"
    switched=0
    while :; do
        apt_opts=(-q -o Dpkg::Use-Pty=0)
        rm -f "$dir/etc/apt/apt.conf.d/99ftplens-no-valid-until"
        if [ "$suite" != trixie ]; then
            # Testing/unstable Release files carry Valid-Until, and the host
            # clock may be ahead of the mirror.
            printf 'Acquire::Check-Valid-Until "false";\n' >"$dir/etc/apt/apt.conf.d/99ftplens-no-valid-until"
            apt_opts+=(-o Acquire::Check-Valid-Until=false)
        fi
        printf 'deb %s %s main\n' "$mirror" "$suite" >"$dir/etc/apt/sources.list"
        log "[$suite] apt-get update"
        in_chroot "$dir" apt-get "${apt_opts[@]}" update
        cand=$(in_chroot "$dir" apt-cache policy tshark | awk '/Candidate:/ { print $2 }')
        cand=${cand#*:}
        log "[$suite] tshark candidate: ${cand:-none}"
        case $cand in
            "$rel".*) break ;;
        esac
        idx=$((idx + 1))
        [ "$idx" -lt "${#suite_list[@]}" ] ||
            die "no suite of '${suite_list[*]}' offers tshark $rel.x (last candidate: ${cand:-none})"
        suite=${suite_list[$idx]}
        switched=1
        log "switching chroot to $suite"
    done
    if [ "$switched" = 1 ]; then
        log "[$suite] apt-get dist-upgrade"
        in_chroot "$dir" apt-get "${apt_opts[@]}" -y dist-upgrade
    fi

    log "[$suite] installing: ${PACKAGES[*]}"
    in_chroot "$dir" apt-get "${apt_opts[@]}" -y --no-install-recommends install "${PACKAGES[@]}"
    in_chroot "$dir" apt-get -q clean

    ver=$(chroot_tshark_version "$dir")
    case $ver in
        "$rel".*) ;;
        *) die "tshark in $dir is '${ver:-missing}', expected $rel.x" ;;
    esac
    local pcver cmakever gccver
    pcver=$(in_chroot "$dir" pkg-config --modversion wireshark 2>/dev/null || true)
    case $pcver in
        "$rel".*) ;;
        *) die "pkg-config wireshark in $dir is '${pcver:-missing}', expected $rel.x" ;;
    esac
    cmakever=$(in_chroot "$dir" cmake --version | sed -n '1s/^cmake version //p')
    gccver=$(in_chroot "$dir" gcc -dumpfullversion)

    {
        echo "suite=$suite"
        echo "mirror=$mirror"
        echo "tshark=$ver"
        echo "wireshark_dev=$pcver"
        echo "cmake=$cmakever"
        echo "gcc=$gccver"
        echo "packages_hash=$(packages_hash)"
        echo "setup_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    } >"$dir/$STAMP_NAME.tmp"
    mv "$dir/$STAMP_NAME.tmp" "$dir/$STAMP_NAME"
    log "chroot ready: $dir (Debian $suite, tshark $ver, cmake $cmakever, gcc $gccver)"
}

# -------------------------------------------------------- run (inner part)

inner_run() {
    local rel=$1
    local dir ver rc
    dir=$(chroot_dir "$rel")
    setup_inner_traps "$dir"

    mount_proc "$dir"
    ensure_dev "$dir"
    mkdir -p "$dir/src"
    do_mount "$dir/src" --bind "$REPO"
    if [ -d "$SHARED" ]; then
        mkdir -p "$dir/shared"
        do_mount "$dir/shared" --bind "$SHARED"
        mount -o remount,bind,ro "$dir/shared"
    fi

    ver=$(chroot_tshark_version "$dir")
    case $ver in
        "$rel".*) ;;
        *) die "tshark in $dir is '${ver:-missing}', expected $rel.x" ;;
    esac
    log "tshark $ver, repository at /src$([ -d "$SHARED" ] && echo ', shared at /shared (ro)')"
    log "running: cd /src && ${FTPLENS_MATRIX_CMD:-tools/test.sh}  (FTPLENS_BUILD_DIR=build/ws-$rel)"

    rc=0
    if [ -n "${FTPLENS_MATRIX_CMD:-}" ]; then
        # Debug hook: run another command instead of tools/test.sh.
        chroot "$dir" env -i PATH="$CHROOT_PATH" HOME=/root FTPLENS_BUILD_DIR="build/ws-$rel" \
            bash -c "cd /src && $FTPLENS_MATRIX_CMD" || rc=$?
    else
        # The capture-loss campaign runs 5 seeds on every capture on the host; here (same code, other
        # epan) one seed on the project's own captures, to keep CI within its time.
        chroot "$dir" env -i PATH="$CHROOT_PATH" HOME=/root FTPLENS_BUILD_DIR="build/ws-$rel" \
            FTPLENS_LOSS_SEEDS="${FTPLENS_LOSS_SEEDS:-1}" FTPLENS_LOSS_PUBLIC="${FTPLENS_LOSS_PUBLIC:-0}" \
            bash -c 'cd /src && tools/test.sh' || rc=$?
    fi
    log "${FTPLENS_MATRIX_CMD:+FTPLENS_MATRIX_CMD }${FTPLENS_MATRIX_CMD:-tools/test.sh} exit status: $rc"
    return "$rc"
}

# ------------------------------------------------------------ outer part

# Run this script's inner part in a private mount namespace.
run_inner() {
    if [ "$HAVE_UNSHARE" = 1 ]; then
        unshare --mount --propagation private -- "$BASH" "$SELF" "$@"
    else
        "$BASH" "$SELF" "$@"
    fi
}

# Delete a chroot, but only when nothing is mounted below it.
safe_rm_chroot() {
    local dir=$1 m left
    case $dir in
        "$CHROOT_BASE"/chroot-ws*) ;;
        *) die "refusing to delete '$dir'" ;;
    esac
    [ -e "$dir" ] || return 0
    for m in $(mounts_under "$dir"); do
        warn "stale mount $m, unmounting"
        umount "$m" 2>/dev/null || umount -l "$m" || true
    done
    left=$(mounts_under "$dir")
    [ -z "$left" ] || die "not deleting $dir, still mounted below it: $left"
    log "removing $dir"
    rm -rf --one-file-system -- "$dir"
}

# Check that the host mount namespace has nothing mounted below $1.
check_no_mounts() {
    local left
    left=$(mounts_under "$1")
    if [ -n "$left" ]; then
        warn "mounts left below $1: $left"
        return 1
    fi
}

ensure_debootstrap() {
    command -v debootstrap >/dev/null 2>&1 && return 0
    log "installing debootstrap on the host"
    DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap || {
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap
    }
}

# Decide what a chroot needs: ready, refresh or create.
chroot_state() {
    local rel=$1 dir stamp
    dir=$(chroot_dir "$rel")
    stamp=$dir/$STAMP_NAME
    if [ "$RECREATE" = 1 ] || [ ! -f "$stamp" ] ||
        [ ! -x "$dir/usr/bin/tshark" ] || [ ! -x "$dir/usr/bin/cmake" ] ||
        [ ! -x "$dir/bin/bash" ] || [ ! -f "$dir/etc/apt/sources.list" ]; then
        echo create
        return
    fi
    case $(stamp_get "$stamp" tshark) in
        "$rel".*) ;;
        *) echo create; return ;;
    esac
    if [ "$SETUP_ONLY" = 1 ] || [ "$(stamp_get "$stamp" packages_hash)" != "$(packages_hash)" ]; then
        echo refresh
    else
        echo ready
    fi
}

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$SELF"
}

main() {
    local arg rel dir state mirror t0 t1 rc lockfd
    local -a releases=()
    local -A result=() detail=()
    SETUP_ONLY=0
    RECREATE=0
    for arg in "$@"; do
        case $arg in
            --setup-only) SETUP_ONLY=1 ;;
            --recreate) RECREATE=1 ;;
            -h | --help) usage; exit 0 ;;
            4.4 | 4.6) releases+=("$arg") ;;
            *) printf 'unknown argument: %s\n\n' "$arg" >&2; usage >&2; exit 2 ;;
        esac
    done
    [ "${#releases[@]}" -gt 0 ] || releases=("${ALL_RELEASES[@]}")

    [ "$(id -u)" = 0 ] || die "must be run as root (debootstrap, chroot and mount need it)"
    case "$(readlink -m "$CHROOT_BASE")/" in
        "$REPO"/*) die "FTPLENS_CHROOT_DIR must be outside the repository" ;;
    esac
    HAVE_UNSHARE=0
    if unshare --mount --propagation private true 2>/dev/null; then
        HAVE_UNSHARE=1
    else
        warn "unshare -m unavailable, mounts are made in the host namespace (trap cleanup only)"
    fi
    export HAVE_UNSHARE SETUP_ONLY RECREATE

    INTERRUPTED=0
    trap 'INTERRUPTED=1' INT TERM HUP

    mkdir -p "$CHROOT_BASE"
    for rel in "${releases[@]}"; do
        [ "$INTERRUPTED" = 0 ] || break
        dir=$(chroot_dir "$rel")
        banner "Wireshark $rel  ($(release_suites "$rel" | sed 's/ / or /') chroot: $dir)"
        result[$rel]=FAIL
        detail[$rel]=""

        exec {lockfd}>"$dir.lock"
        if ! flock -n "$lockfd"; then
            log "waiting for another test-matrix run using $dir"
            flock "$lockfd"
        fi

        # --- setup
        state=$(chroot_state "$rel")
        t0=$(date +%s)
        rc=0
        case $state in
            ready)
                log "reusing $dir ($(stamp_get "$dir/$STAMP_NAME" suite), tshark $(stamp_get "$dir/$STAMP_NAME" tshark))"
                ;;
            create | refresh)
                if [ "$state" = create ]; then
                    safe_rm_chroot "$dir"
                    ensure_debootstrap
                fi
                mirror=$(find_mirror)
                log "setting up $dir ($state) from $mirror"
                run_inner --internal-setup "$rel" "$state" "$mirror" {lockfd}>&- || rc=$?
                ;;
        esac
        t1=$(date +%s)
        check_no_mounts "$dir" || rc=1
        detail[$rel]="setup: $state $((t1 - t0))s"
        if [ "$rc" -ne 0 ] || [ ! -f "$dir/$STAMP_NAME" ]; then
            detail[$rel]+=" FAILED"
            flock -u "$lockfd"; exec {lockfd}>&-
            continue
        fi
        detail[$rel]+=", $(stamp_get "$dir/$STAMP_NAME" suite), tshark $(stamp_get "$dir/$STAMP_NAME" tshark)"
        if [ "$SETUP_ONLY" = 1 ]; then
            result[$rel]=PASS
            flock -u "$lockfd"; exec {lockfd}>&-
            continue
        fi
        [ "$INTERRUPTED" = 0 ] || { flock -u "$lockfd"; exec {lockfd}>&-; break; }

        # --- tests
        if [ -z "${FTPLENS_MATRIX_CMD:-}" ] && [ ! -e "$REPO/tools/test.sh" ]; then
            log "tools/test.sh does not exist"
            detail[$rel]+="; tools/test.sh missing"
            flock -u "$lockfd"; exec {lockfd}>&-
            continue
        fi
        t0=$(date +%s)
        rc=0
        run_inner --internal-run "$rel" {lockfd}>&- || rc=$?
        t1=$(date +%s)
        check_no_mounts "$dir" || rc=1
        detail[$rel]+="; tests: exit $rc in $((t1 - t0))s"
        [ "$rc" -ne 0 ] || result[$rel]=PASS
        flock -u "$lockfd"; exec {lockfd}>&-
    done

    banner "Summary$([ "$SETUP_ONLY" = 1 ] && echo ' (setup only)')"
    local failed=0
    for rel in "${releases[@]}"; do
        if [ -z "${result[$rel]:-}" ]; then
            printf '  Wireshark %-4s NOT RUN (interrupted)\n' "$rel"
            failed=1
            continue
        fi
        printf '  Wireshark %-4s %s  (%s)\n' "$rel" "${result[$rel]}" "${detail[$rel]}"
        [ "${result[$rel]}" = PASS ] || failed=1
    done
    if [ "$INTERRUPTED" = 1 ]; then
        echo "  (interrupted)"
        exit 130
    fi
    exit "$failed"
}

case ${1:-} in
    --internal-setup) shift; inner_setup "$@" ;;
    --internal-run) shift; inner_run "$@" ;;
    *) main "$@" ;;
esac
