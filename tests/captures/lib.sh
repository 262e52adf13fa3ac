# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# tests/captures/lib.sh - setup shared by make-captures.sh and
# make-attack-captures.sh: messages, package installation, loopback-only
# server and dumpcap control, cleanup.  Sourced (after `set -euo pipefail`
# and HERE=<this folder>), not run.  Defining things only: each script
# calls the steps itself, in this order:
#
#   require_root
#   install_deps PKG...          (vsftpd and python3-pyftpdlib among them)
#   stop_system_vsftpd
#   require_tools TOOL...        (and that $PY imports pyftpdlib)
#   require_free_ports PORT...
#   arm_cleanup                  (trap: stop dumpcap and servers, rm $WORK)
#   ensure_student
#   WORK=$(mktemp -d ...); ...; mkdir -p "$OUT"
#   start_server / start_capture / stop_capture / stop_server ...
#
# Variables: REPO, OUT (default pcaps/), PY, STUDENT_PW; PIDS, CAP_PID and
# WORK (the trap's); SERVER_PID (set by start_server), CAP_FILE/CAP_LOG
# (set by start_capture).

REPO=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-$REPO/pcaps}
PY=/usr/bin/python3          # Debian's python3 (has pyftpdlib)
STUDENT_PW='S3cretPass!'
PROG=$(basename "$0" .sh)    # make-captures / make-attack-captures

log()  { printf '\n=== %s\n' "$*"; }
die()  { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

require_root() {
    [ "$(id -u)" -eq 0 ] || die "must be run as root (servers bind to port 21)"
}

# --------------------------------------------------------------------------
# packages

install_deps() {    # PKG...
    local missing=() p
    for p in "$@"; do
        if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != installed ]; then
            missing+=("$p")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing: ${missing[*]}"
    # keep apt from auto-starting vsftpd (it would listen on all addresses)
    local made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        made_policy=1
    fi
    local rc=0
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y "${missing[@]}" ||
        { apt-get update && apt-get install -y "${missing[@]}"; } || rc=$?
    [ $made_policy -eq 1 ] && rm -f /usr/sbin/policy-rc.d
    [ $rc -eq 0 ] || die "apt-get install failed"
}

stop_system_vsftpd() {
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        systemctl stop vsftpd.service 2>/dev/null || true
    elif [ -x /etc/init.d/vsftpd ]; then
        /etc/init.d/vsftpd stop >/dev/null 2>&1 || true
    fi
}

require_tools() {   # TOOL...
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || die "$t not found"
    done
    $PY -c 'import pyftpdlib' 2>/dev/null || die "$PY cannot import pyftpdlib"
}

# --------------------------------------------------------------------------
# helpers: listening-port checks without touching the wire

# port_listening PORT -> 0 if some socket listens on TCP PORT (v4 or v6)
port_listening() {
    $PY - "$1" <<'EOF'
import sys
port = int(sys.argv[1])
for f in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        lines = open(f).read().splitlines()[1:]
    except OSError:
        continue
    for l in lines:
        p = l.split()
        if p[3] == "0A" and int(p[1].rsplit(":", 1)[1], 16) == port:
            sys.exit(0)
sys.exit(1)
EOF
}

require_free_ports() {  # PORT...
    local p
    for p in "$@"; do
        if port_listening "$p"; then
            die "TCP port $p is already in use (stop whatever listens there first)"
        fi
    done
}

# --------------------------------------------------------------------------
# cleanup

PIDS=()          # servers
CAP_PID=""       # running dumpcap
WORK=""

cleanup() {
    local pid
    if [ -n "$CAP_PID" ]; then
        kill -INT "$CAP_PID" 2>/dev/null || true
        wait "$CAP_PID" 2>/dev/null || true
    fi
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [ -n "$WORK" ] && rm -rf "$WORK"
}

arm_cleanup() {
    trap cleanup EXIT
    trap 'exit 130' INT TERM
}

# --------------------------------------------------------------------------
# the local user "student"

ensure_student() {
    if ! id student >/dev/null 2>&1; then
        log "creating local user student"
        useradd -m -s /bin/bash student
    fi
    echo "student:$STUDENT_PW" | chpasswd
}

# --------------------------------------------------------------------------
# server / capture control

wait_listen() {     # PORT PID
    local i
    for i in $(seq 100); do
        port_listening "$1" && return 0
        kill -0 "$2" 2>/dev/null || die "server (pid $2) died before listening on $1"
        sleep 0.1
    done
    die "nothing listens on port $1"
}

start_server() {    # PORT CMD...   -> SERVER_PID
    local port=$1; shift
    "$@" > "$WORK/server-$port-$$.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    wait_listen "$port" "$pid"
    # shellcheck disable=SC2034  # read by the scripts
    SERVER_PID=$pid
}

stop_server() {     # PID
    local pid=$1 keep=() p
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
    PIDS=("${keep[@]+"${keep[@]}"}")
}

start_capture() {   # NAME FILTER COMMENT
    CAP_FILE=$WORK/caps/$1.pcapng
    CAP_LOG=$WORK/caps/$1.dumpcap.log
    dumpcap -i lo -f "$2" --capture-comment "$3" -w "$CAP_FILE" \
        > "$CAP_LOG" 2>&1 &
    CAP_PID=$!
    local i
    for i in $(seq 100); do
        grep -q "Capturing on" "$CAP_LOG" 2>/dev/null && break
        kill -0 "$CAP_PID" 2>/dev/null || { cat "$CAP_LOG" >&2; die "dumpcap failed"; }
        sleep 0.1
    done
    sleep 1
}

stop_capture() {    # NAME
    sleep 1
    kill -INT "$CAP_PID"
    wait "$CAP_PID" || true
    CAP_PID=""
    install -m 644 "$CAP_FILE" "$OUT/$1.pcapng"
}

# --------------------------------------------------------------------------
# capture facts (for the READMEs and summaries)

packets() { capinfos -c -M "$OUT/$1" | awk -F': *' '/Number of packets/ {print $2}'; }
bytes()   { stat -c %s "$OUT/$1"; }
