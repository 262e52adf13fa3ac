#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make-bruteforce-captures.sh - (re)create the captures of REAL brute-force
# tools against REAL FTP servers, pcaps/bruteforce-*.pcapng, and write
# pcaps/README-bruteforce.md.  The scenario is the classic student lab:
# "brute-force the FTP server, log in, take files".
#
#   bruteforce-hydra-vsftpd.pcapng      hydra -t 4 against vsftpd :21 with
#       about 960 guesses (about 320 control connections), then lftp logs in
#       with the password hydra found, uploads secret.txt and
#       confidential.pdf and downloads confidential.pdf (passive mode).
#       The large capture: a folded report of it must stay short.
#   bruteforce-medusa-pyftpdlib.pcapng  medusa -t 2 against pyftpdlib :2121,
#       31 guesses, then curl RETRs one file with the found password.
#   bruteforce-ncrack-vsftpd.pcapng     ncrack (its own timing) against
#       vsftpd :21, 31 guesses.
#   bruteforce-patator-pyftpdlib.pcapng patator ftp_login --threads 2
#       (persistent connections) against pyftpdlib :2121, 31 guesses.
# In each the right password is the last or nearly the last guess.  No
# traffic is made up: if a tool fails, its capture is skipped and the README
# says so.
#
# Same approach as make-attack-captures.sh (lib.sh does the common steps):
#   * installs hydra, medusa, ncrack, patator, vsftpd, python3-pyftpdlib,
#     lftp, curl and tshark if missing (a temporary policy-rc.d keeps apt
#     from starting vsftpd) and stops an already running vsftpd service;
#   * creates the local user "student" (password in lib.sh) if missing;
#   * installs a PAM service /etc/pam.d/ftplens-bruteforce for the run and
#     removes it at exit (see below why);
#   * for each capture: starts the server in the foreground on 127.0.0.1
#     only, dumpcap on "lo" with a filter of the server's port and its
#     passive range, runs the tool, stops dumpcap (SIGINT) and the server
#     by PID;
#   * checks every capture with tshark and writes pcaps/README-bruteforce.md
#     with the numbers read back from the captures.
# This script touches no other capture and no other README.
#
# Usage:  sudo tests/captures/make-bruteforce-captures.sh   (about 2 minutes)
#         (OUT=/some/dir to write the captures somewhere other than pcaps/)

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# REPO OUT PY STUDENT_PW, log die, install_deps, server and capture control
# shellcheck source=SCRIPTDIR/lib.sh
. "$HERE/lib.sh"
SERVERS=$HERE/attack_servers.py

require_root
install_deps hydra medusa ncrack patator vsftpd python3-pyftpdlib lftp curl \
    tshark
stop_system_vsftpd
require_tools dumpcap tshark capinfos vsftpd hydra medusa ncrack patator \
    lftp curl
require_free_ports 21 2121
arm_cleanup

# vsftpd checks passwords through PAM, and pam_unix makes every failed
# check last about 2 s (pam_fail_delay).  With about 960 guesses over 4
# tasks that is 8 minutes of waiting, so vsftpd uses a service of its own
# for this run: Debian's /etc/pam.d/vsftpd with pam_unix "nodelay" in place
# of common-auth.  Only the pause before each "530" changes; the FTP
# dialogue is the same.  Removed by the EXIT trap.
PAM_SERVICE=ftplens-bruteforce
PAM_FILE=/etc/pam.d/$PAM_SERVICE
[ -e "$PAM_FILE" ] && die "$PAM_FILE exists already (left by an earlier run?)"
trap 'cleanup; rm -f "$PAM_FILE"' EXIT
cat > "$PAM_FILE" <<'EOF'
# ftplens make-bruteforce-captures.sh, removed when the script exits
auth	required	pam_listfile.so item=user sense=deny file=/etc/ftpusers onerr=succeed
@include common-account
@include common-session
auth	required	pam_unix.so nodelay
auth	required	pam_shells.so
EOF

# --------------------------------------------------------------------------
# user, directories, files, wordlists

ensure_student

WORK=$(mktemp -d /tmp/ftplens-bruteforce-captures.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/student" "$WORK/pyroot/student" "$WORK/caps" \
         "$WORK/attacker" "$WORK/loot" /var/run/vsftpd/empty
chown -R student: "$WORK/student"
printf 'Notes of student\n- FTP uses port 21\n' > "$WORK/student/notes.txt"
chown student: "$WORK/student/notes.txt"
# the "attacker's" files: secret.txt and a tiny (valid) PDF
printf 'TOP SECRET - exam answers, do not share\n' > "$WORK/attacker/secret.txt"
cat > "$WORK/attacker/confidential.pdf" <<'EOF'
%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >> endobj
trailer << /Root 1 0 R >>
%%EOF
EOF
# the file the medusa "attacker" takes from pyftpdlib
cp "$WORK/attacker/confidential.pdf" "$WORK/pyroot/student/confidential.pdf"
chmod -R a+rX "$WORK/attacker" "$WORK/pyroot"
mkdir -p "$OUT"

# A wordlist of wrong passwords that look like a real one (common words x
# common endings, 30 x 32 = 960, all different from STUDENT_PW).
wrong_passwords() {
    local b s
    for s in '' 1 12 123 1234 12345 '!' '!!' 01 007 69 99 2020 2021 2022 2023 \
             2024 '@1' '#1' '$' '*' 1! 123! _1 .1 x xx 00 11 21 22 42; do
        for b in password letmein qwerty dragon monkey welcome admin student \
                 secret summer winter football shadow master sunshine \
                 princess trustno1 iloveyou baseball superman hello freedom \
                 whatever michael ftpuser login guest changeme abc123 \
                 passw0rd; do
            printf '%s%s\n' "$b" "$s"
        done
    done
}
wrong_passwords > "$WORK/wrong.txt"
grep -qxF "$STUDENT_PW" "$WORK/wrong.txt" && die "wordlist holds the password"
[ "$(sort -u "$WORK/wrong.txt" | wc -l)" -eq 960 ] || die "wordlist not 960 unique"

# hydra: vsftpd closes a control connection after max_login_fails=3
# failures (its default), and hydra then opens a new one, so ~3 guesses per
# connection: 957 wrong guesses + the right one (guess 958) + 2 more wrong
# ones land at about 320 connections.  The two after it are the tail a
# real list has; hydra stops when it finds the password.
HYDRA_AT=958
{ head -n $((HYDRA_AT - 1)) "$WORK/wrong.txt"; echo "$STUDENT_PW"
  sed -n "${HYDRA_AT},$((HYDRA_AT + 1))p" "$WORK/wrong.txt"; } > "$WORK/hydra.txt"
# the small runs: 30 wrong guesses, then the right one (guess 31)
SMALL_AT=31
{ head -n $((SMALL_AT - 1)) "$WORK/wrong.txt"; echo "$STUDENT_PW"; } > "$WORK/small.txt"

# --------------------------------------------------------------------------
# servers (server and capture control: lib.sh)

# vsftpd: Debian's defaults except loopback only, the run's directory, PAM
# service (above) and delay_failed_login=0 (default 1 s; with it the hydra
# run alone would take 4 minutes).  max_login_fails stays at its default 3.
cat > "$WORK/vsftpd.conf" <<EOF
background=NO
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=21
pasv_address=127.0.0.1
pasv_enable=YES
pasv_min_port=30000
pasv_max_port=30100
anonymous_enable=NO
local_enable=YES
local_root=$WORK/student
chroot_local_user=YES
allow_writeable_chroot=YES
local_umask=022
write_enable=YES
delay_failed_login=0
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
secure_chroot_dir=/var/run/vsftpd/empty
pam_service_name=$PAM_SERVICE
xferlog_enable=NO
syslog_enable=NO
dirmessage_enable=NO
use_localtime=NO
EOF

VSFTPD_FILTER="tcp port 21 or tcp portrange 30000-30100"
PYFTPD_FILTER="tcp port 2121 or tcp portrange 30000-30100"

start_vsftpd() { start_server 21 vsftpd "$WORK/vsftpd.conf"; }
# pyftpdlib: user student, pyftpdlib's default max_login_attempts (3) and a
# failed-login pause of 0.2 s (default 3 s)
start_pyftpd() {
    start_server 2121 "$PY" "$SERVERS" tool-target --root "$WORK/pyroot" \
        --user student --password "$STUDENT_PW" --fail-delay 0.2
}

# the commands, as run (the README quotes them; PW stands for the password
# the tool found)
CMD_HYDRA="hydra -I -l student -P hydra.txt -t 4 -o hydra.found ftp://127.0.0.1:21"
LFTP_SCRIPT="set ftp:ssl-allow no; set ftp:passive-mode on; set ftp:prefer-epsv no; put secret.txt; put confidential.pdf; get confidential.pdf -o ../loot/confidential.pdf; bye"
CMD_LFTP="cd attacker && lftp -u student,PW -e '$LFTP_SCRIPT' 127.0.0.1"
CMD_MEDUSA="medusa -h 127.0.0.1 -n 2121 -u student -P small.txt -M ftp -t 2 -O medusa.found"
CMD_CURL="curl -sS --disable-epsv -u student:PW ftp://127.0.0.1:2121/confidential.pdf -o loot/medusa-confidential.pdf"
CMD_NCRACK="ncrack -v --user student -P small.txt -oN ncrack.found ftp://127.0.0.1:21"
CMD_PATATOR="patator ftp_login host=127.0.0.1 port=2121 user=student password=FILE0 0=small.txt --threads 2 -x ignore:code=530 -x quit:code=230"

# the password a tool reports, read from its own output
found_pw() {    # TOOL FILE
    local pw=""
    case $1 in
        hydra)   pw=$(sed -n 's/.*login: student *password: \(.*\)$/\1/p' "$2" | head -n1) ;;
        medusa)  pw=$(sed -n 's/.*User: student Password: \(.*\) \[SUCCESS\].*/\1/p' "$2" | head -n1) ;;
        ncrack)  pw=$(sed -n "s/.*ftp: 'student' '\(.*\)'\$/\1/p" "$2" | head -n1) ;;
        patator) pw=$(sed -n 's/.*INFO - 230 .*| \([^ |]*\) *| *[0-9]* | Login successful.*/\1/p' "$2" | head -n1) ;;
    esac
    printf '%s' "$pw"
}

SKIPPED=()      # "name: why" of tools that failed
ok_run() {      # NAME TOOL LOG -> 0 if the tool reported the right password
    local pw
    pw=$(found_pw "$2" "$3")
    if [ "$pw" = "$STUDENT_PW" ]; then
        echo "$2 found the password"
        return 0
    fi
    echo "$2 did not report the password (got '${pw}'); $1 skipped" >&2
    tail -n 20 "$3" >&2
    SKIPPED+=("$1: $2 did not report the password (log tail: $(tail -n 3 "$3" | tr '\n' ' ' | cut -c1-300))")
    return 1
}

finish_run() {  # NAME OK: stop the capture and the server; a run whose tool failed (OK 0) leaves no capture
    stop_capture "$1"
    stop_server "$SERVER_PID"
    [ "$2" -eq 1 ] || rm -f "$OUT/$1.pcapng"
}

cd "$WORK"

# --------------------------------------------------------------------------
# 1. bruteforce-hydra-vsftpd.pcapng

log "1/4 bruteforce-hydra-vsftpd.pcapng (hydra -t 4 against vsftpd on 127.0.0.1:21, then lftp)"
start_vsftpd
start_capture bruteforce-hydra-vsftpd "$VSFTPD_FILTER" \
    "ftplens brute-force sample: hydra -t 4 against vsftpd on 127.0.0.1:21 (user student, ~960 guesses, the right one near the end), then lftp logs in with the found password, STOR secret.txt, STOR confidential.pdf, RETR confidential.pdf (PASV)"
T0=$(date +%s)
hydra -I -l student -P hydra.txt -t 4 -o hydra.found ftp://127.0.0.1:21 \
    > hydra.log 2>&1 || true
T_HYDRA=$(( $(date +%s) - T0 ))
grep -v '^\[ATTEMPT\]' hydra.log | tail -n 5
HYDRA_OK=0
if ok_run bruteforce-hydra-vsftpd hydra hydra.log; then
    HYDRA_OK=1
    PW=$(found_pw hydra hydra.log)
    sleep 1
    # lftp: no AUTH TLS attempt (vsftpd has no TLS here), PASV not EPSV
    (cd attacker && lftp -u "student,$PW" -e "$LFTP_SCRIPT" 127.0.0.1)
    cmp "$WORK/attacker/confidential.pdf" "$WORK/loot/confidential.pdf" ||
        die "downloaded confidential.pdf differs"
fi
finish_run bruteforce-hydra-vsftpd $HYDRA_OK

# --------------------------------------------------------------------------
# 2. bruteforce-medusa-pyftpdlib.pcapng

log "2/4 bruteforce-medusa-pyftpdlib.pcapng (medusa -t 2 against pyftpdlib on 127.0.0.1:2121, then curl)"
start_pyftpd
start_capture bruteforce-medusa-pyftpdlib "$PYFTPD_FILTER" \
    "ftplens brute-force sample: medusa -t 2 against pyftpdlib on 127.0.0.1:2121 (decode as FTP; user student, 31 guesses, the right one last), then curl RETR confidential.pdf (PASV) with the found password"
medusa -h 127.0.0.1 -n 2121 -u student -P small.txt -M ftp -t 2 \
    -O medusa.found > medusa.log 2>&1 || true
tail -n 2 medusa.log
MEDUSA_OK=0
if ok_run bruteforce-medusa-pyftpdlib medusa medusa.log; then
    MEDUSA_OK=1
    PW=$(found_pw medusa medusa.log)
    sleep 1
    curl -sS --disable-epsv -u "student:$PW" \
        ftp://127.0.0.1:2121/confidential.pdf -o loot/medusa-confidential.pdf
    cmp "$WORK/attacker/confidential.pdf" loot/medusa-confidential.pdf ||
        die "RETR confidential.pdf differs"
fi
finish_run bruteforce-medusa-pyftpdlib $MEDUSA_OK

# --------------------------------------------------------------------------
# 3. bruteforce-ncrack-vsftpd.pcapng

log "3/4 bruteforce-ncrack-vsftpd.pcapng (ncrack against vsftpd on 127.0.0.1:21)"
start_vsftpd
start_capture bruteforce-ncrack-vsftpd "tcp port 21" \
    "ftplens brute-force sample: ncrack (default timing) against vsftpd on 127.0.0.1:21 (user student, 31 guesses, the right one last)"
ncrack -v --user student -P small.txt -oN ncrack.found ftp://127.0.0.1:21 \
    > ncrack.log 2>&1 || true
grep -E "Discovered|Probes sent" ncrack.log || true
NCRACK_OK=0
ok_run bruteforce-ncrack-vsftpd ncrack ncrack.log && NCRACK_OK=1
finish_run bruteforce-ncrack-vsftpd $NCRACK_OK

# --------------------------------------------------------------------------
# 4. bruteforce-patator-pyftpdlib.pcapng

log "4/4 bruteforce-patator-pyftpdlib.pcapng (patator ftp_login --threads 2 against pyftpdlib on 127.0.0.1:2121)"
start_pyftpd
start_capture bruteforce-patator-pyftpdlib "tcp port 2121" \
    "ftplens brute-force sample: patator ftp_login --threads 2 (persistent connections) against pyftpdlib on 127.0.0.1:2121 (decode as FTP; user student, 31 guesses, the right one last)"
# patator redraws its progress line many times when not on a terminal:
# keep the result lines only
patator ftp_login host=127.0.0.1 port=2121 user=student password=FILE0 \
    0=small.txt --threads 2 -x ignore:code=530 -x quit:code=230 \
    > patator.log 2>&1 || true
grep -E 'INFO - (230|Hits)' patator.log || true
PATATOR_OK=0
ok_run bruteforce-patator-pyftpdlib patator patator.log && PATATOR_OK=1
finish_run bruteforce-patator-pyftpdlib $PATATOR_OK

cd "$REPO"

# --------------------------------------------------------------------------
# facts read back from the captures

# stats FILE PORT -> "key=value" lines: control connections, PASS count,
# successful guess, guesses per connection, parallel connections, USER per
# guess, transfers
stats() {
    tshark -r "$OUT/$1" -d "tcp.port==$2,ftp" -T fields -E separator='|' \
        -e frame.number -e frame.time_relative -e tcp.stream \
        -e tcp.srcport -e tcp.dstport -e tcp.flags.syn -e tcp.flags.ack \
        -e tcp.flags.fin -e tcp.flags.reset -e ftp.request.command \
        -e ftp.request.arg -e ftp.response.code 2>/dev/null |
    $PY -c '
import sys, collections
port = int(sys.argv[1])
first, last, closed = {}, {}, {}
pass_by, user_by = collections.Counter(), collections.Counter()
passes, pending = [], {}
xfer = []
success = None
for row in sys.stdin:
    num, t, st, sp, dp, syn, ack, fin, rst, cmd, arg, code = row.rstrip("\n").split("|")
    if port not in (int(sp), int(dp)):
        continue                      # data connections: not control
    num, t, st = int(num), float(t), int(st)
    first.setdefault(st, (t, num)); last[st] = t
    if (fin in ("1", "True") or rst in ("1", "True")) and st not in closed:
        closed[st] = t
    cmds = cmd.split(",") if cmd else []
    codes = code.split(",") if code else []
    for c in cmds:
        if c == "PASS":
            passes.append((num, st)); pass_by[st] += 1
            pending[st] = (num, len(passes))
        elif c == "USER":
            user_by[st] += 1
        elif c in ("STOR", "RETR"):
            xfer.append([c, arg, num, None])
    for c in codes:
        if c == "230" and st in pending and success is None:
            success = (pending[st][0], pending[st][1], num, st)
    for c in codes:
        if c == "226":
            for x in xfer:
                if x[3] is None:
                    x[3] = num; break
conns = sorted(first)
# connections of the tool: opened before the successful login was answered;
# the later ones are the "attacker" using the password (lftp, curl)
cut = success[2] if success else 1 << 62
tool = [s for s in conns if first[s][1] < cut]
later = [s for s in conns if first[s][1] > cut]
tool_pass = sum(pass_by[s] for s in tool)
# most control connections open at one time, from the SYN to the first
# FIN or RST (the closing handshake of one overlaps the next SYN)
ev = sorted([(first[s][0], 1) for s in conns] +
            [(closed.get(s, last[s]), -1) for s in conns])
cur = peak = 0
for _, d in ev:
    cur += d; peak = max(peak, cur)
dist = collections.Counter(pass_by[s] for s in tool)
print("conns=%d" % len(conns))
print("tool_conns=%d" % len(tool))
print("later_conns=%d" % len(later))
print("pass=%d" % len(passes))
print("tool_pass=%d" % tool_pass)
print("peak=%d" % peak)
print("dist=%s" % ", ".join("%d with %d guess%s" % (v, k, "" if k == 1 else "es")
                              for k, v in sorted(dist.items(), reverse=True)))
print("user_eq_pass=%s" % all(user_by[s] >= pass_by[s] for s in tool))
print("user=%d" % sum(user_by[s] for s in tool))
print("user_extra=%d" % sum(user_by[s] - pass_by[s] for s in tool))
if success:
    print("success=PASS frame %d (guess %d of %d, tcp.stream %d), 230 in frame %d"
          % (success[0], success[1], tool_pass, success[3], success[2]))
    print("success_frame=%d" % success[2])
else:
    print("success=none")
print("xfers=%s" % ("; ".join("%s %s: frame %d, 226 in frame %s" % (c, a, n, e)
                                for c, a, n, e in xfer) or "none"))
print("duration=%.1f" % (max(last.values()) - min(v[0] for v in first.values())))
' "$2"
}
get() { sed -n "s/^$2=//p" "$1"; }

declare -A PORT_OF=([bruteforce-hydra-vsftpd]=21 [bruteforce-medusa-pyftpdlib]=2121
                    [bruteforce-ncrack-vsftpd]=21 [bruteforce-patator-pyftpdlib]=2121)
CAPS=(bruteforce-hydra-vsftpd bruteforce-medusa-pyftpdlib
      bruteforce-ncrack-vsftpd bruteforce-patator-pyftpdlib)
for c in "${CAPS[@]}"; do
    [ -f "$OUT/$c.pcapng" ] || continue
    stats "$c.pcapng" "${PORT_OF[$c]}" > "$WORK/$c.stats"
    echo "$c: $(tr '\n' ' ' < "$WORK/$c.stats")"
done

# --------------------------------------------------------------------------
# checks

log "checking the captures"
FAIL=0
want() {    # NAME KEY MIN MAX
    local v
    v=$(get "$WORK/$1.stats" "$2")
    if [ "$v" -ge "$3" ] && [ "$v" -le "$4" ]; then
        printf '  ok   %-32s %-6s %s\n' "$1" "$2" "$v"
    else
        printf '  FAIL %-32s %-6s %s (want %s..%s)\n' "$1" "$2" "$v" "$3" "$4"
        FAIL=1
    fi
}
has() {     # NAME KEY TEXT
    if get "$WORK/$1.stats" "$2" | grep -qF "$3"; then
        printf '  ok   %-32s %-6s has "%s"\n' "$1" "$2" "$3"
    else
        printf '  FAIL %-32s %-6s lacks "%s"\n' "$1" "$2" "$3"; FAIL=1
    fi
}
if [ -f "$OUT/bruteforce-hydra-vsftpd.pcapng" ]; then
    want bruteforce-hydra-vsftpd conns 300 350
    want bruteforce-hydra-vsftpd tool_pass 900 1000
    # 4 tasks interleave: the right guess is near, not at, PASS number 958
    has bruteforce-hydra-vsftpd success "PASS frame"
    has bruteforce-hydra-vsftpd xfers "STOR secret.txt"
    has bruteforce-hydra-vsftpd xfers "STOR confidential.pdf"
    has bruteforce-hydra-vsftpd xfers "RETR confidential.pdf"
fi
for c in bruteforce-medusa-pyftpdlib bruteforce-ncrack-vsftpd \
         bruteforce-patator-pyftpdlib; do
    [ -f "$OUT/$c.pcapng" ] || continue
    want $c tool_pass 20 40
    has $c success "PASS frame"
done
[ -f "$OUT/bruteforce-medusa-pyftpdlib.pcapng" ] &&
    has bruteforce-medusa-pyftpdlib xfers "RETR confidential.pdf"
for c in "${CAPS[@]}"; do
    f=$OUT/$c.pcapng
    [ -f "$f" ] || continue
    max=200000; [ "$c" = bruteforce-hydra-vsftpd ] && max=2000000
    s=$(bytes "$c.pcapng")
    if [ "$s" -ge $max ]; then
        echo "  FAIL $c.pcapng is $s bytes (>= $max)"; FAIL=1
    fi
    # dumpcap's last words: "Packets received/dropped on interface 'Loopback: lo': N/D"
    d=$(sed -n "s#.*received/dropped on interface '[^']*': [0-9]*/\([0-9]*\).*#\1#p" \
        "$WORK/caps/$c.dumpcap.log")
    if [ "${d:-x}" != 0 ]; then
        echo "  FAIL $c: dumpcap dropped packets ($d)"; FAIL=1
    fi
done
[ $FAIL -eq 0 ] || die "some capture checks failed"

# --------------------------------------------------------------------------
# README-bruteforce.md

# (hydra -h and medusa -V exit non-zero: hence "|| true")
V_HYDRA=$(hydra -h 2>&1 | sed -n 's/^Hydra v\([^ ]*\) .*/\1/p' | head -n1 || true)
V_MEDUSA=$(medusa -V 2>&1 | sed -n 's/^Medusa v\([^ ]*\) .*/\1/p' | head -n1 || true)
V_NCRACK=$(ncrack -V 2>&1 | sed -n 's/^Ncrack version \([^ ]*\) .*/\1/p' | head -n1 || true)
V_PATATOR=$(patator --version 2>/dev/null | sed -n 's/^Patator \([^ ]*\) .*/\1/p' | head -n1 || true)
V_VSFTPD=$(vsftpd -v 0>&1 | sed 's/^vsftpd: version //')   # -v writes to fd 0
V_PYFTPD=$($PY -c 'import pyftpdlib; print(pyftpdlib.__ver__)')
V_PY=$($PY -c 'import platform; print(platform.python_version())')
V_LFTP=$(lftp --version | head -n1 | sed 's/.*Version \([^ ]*\) .*/\1/')
V_CURL=$(curl --version | head -n1 | awk '{print $2}')
V_DUMPCAP=$(dumpcap --version | head -n1 | awk '{print $3}')
deb() { dpkg-query -W -f='${Version}' "$1"; }
GEN_DATE=$(date -u +%Y-%m-%d)
DEBIAN=$(cat /etc/debian_version)

row() {     # NAME SERVER TOOL
    local s=$WORK/$1.stats
    [ -f "$OUT/$1.pcapng" ] || { echo "| $1.pcapng | - | - | $2 | $3 | skipped | | |"; return; }
    echo "| $1.pcapng | $(packets "$1.pcapng") | $(bytes "$1.pcapng") | $2 | $3 | $(get "$s" conns) ($(get "$s" tool_conns) + $(get "$s" later_conns)) | $(get "$s" pass) ($(get "$s" tool_pass) + $(( $(get "$s" pass) - $(get "$s" tool_pass) ))) | frame $(get "$s" success_frame) |"
}
facts() {   # NAME TOOL -> bullet list
    local s=$WORK/$1.stats
    [ -f "$OUT/$1.pcapng" ] || { echo "- skipped (see above)"; return; }
    cat <<EOF
- packets: $(packets "$1.pcapng"), bytes: $(bytes "$1.pcapng"), over
  $(get "$s" duration) s
- control connections (\`tcp.stream\` on the control port): $(get "$s" conns):
  $(get "$s" tool_conns) by $2, $(get "$s" later_conns) after its success;
  at most $(get "$s" peak) open at one time (SYN to first FIN/RST)
- \`PASS\` frames: $(get "$s" pass), of which $2's guesses: $(get "$s" tool_pass)
- $2's guesses per connection: $(get "$s" dist)
- $2's \`USER student\`: $(get "$s" user) ($( [ "$(get "$s" user_eq_pass)" = True ] && echo "one before every \`PASS\`" || echo "NOT one before every \`PASS\`")$( [ "$(get "$s" user_extra)" -gt 0 ] && echo ", plus $(get "$s" user_extra) sent on connections the server had already closed"))
- success: $(get "$s" success)
- transfers: $(get "$s" xfers)
EOF
}
frames() {  # NAME PORT N -> first N FTP lines as a table
    echo '| frame | conn | request | arg | reply |'
    echo '| ---: | ---: | --- | --- | --- |'
    tshark -r "$OUT/$1.pcapng" -d "tcp.port==$2,ftp" -Y ftp -T fields \
        -E separator='|' -e frame.number -e tcp.stream \
        -e ftp.request.command -e ftp.request.arg -e ftp.response.code \
        2>/dev/null | head -n "$3" | sed 's/^/| /; s/$/ |/'
}

{
cat <<EOF
# Brute-force tool captures

Generated on $GEN_DATE by \`tests/captures/make-bruteforce-captures.sh\`
on Debian $DEBIAN, captured on \`lo\` with dumpcap $V_DUMPCAP.  Real
tools against real servers, nothing scripted in between: hydra $V_HYDRA
(Debian $(deb hydra)), medusa $V_MEDUSA (Debian $(deb medusa)), ncrack
$V_NCRACK (Debian $(deb ncrack)), patator $V_PATATOR (Debian $(deb patator));
servers vsftpd $V_VSFTPD and pyftpdlib $V_PYFTPD (python $V_PY,
\`tests/captures/attack_servers.py tool-target\`); after the attack lftp
$V_LFTP and curl $V_CURL.  The scenario is the classic student lab:
brute-force the FTP server, log in, take files.  (The scripted attack
samples are in \`README-attacks.md\`, the ordinary samples in \`README.md\`.)

All traffic is loopback only: both servers listen on 127.0.0.1, the tools
and clients run on the same machine.  The user is \`student\` (a local
account for vsftpd, a pyftpdlib user with the same password); every
wordlist is 30 common words times 32 common endings, with the right
password inserted near the end.

Rebuild (as root; about two minutes; installs the tools):

    sudo tests/captures/make-bruteforce-captures.sh

Every rebuild changes timestamps, ports and the interleaving of the
parallel connections, so the frame numbers and counts below change a
little; tests should match on FTP content and ranges.  Open the
port-2121 captures with \`-d tcp.port==2121,ftp\`.  *conn* is
\`tcp.stream\`; "connections" counts control connections only.

Servers: vsftpd with Debian's defaults except 127.0.0.1 only,
\`delay_failed_login=0\` (default 1 s) and a PAM service whose pam_unix has
\`nodelay\` (pam_unix otherwise holds every failed check for about 2 s:
the hydra run would take 8 minutes); \`max_login_fails\` stays at 3, so
vsftpd closes a control connection after its third failed login.
pyftpdlib with its defaults except a 0.2 s pause before each \`530\`
(\`auth_failed_timeout\`, default 3 s); \`max_login_attempts\` stays at 3
(the third failure is answered \`530 Authentication failed.
Disconnecting.\` and the server closes).  Passive ports 30000-30100.

"connections" is the number of \`tcp.stream\`s on the control port (the
tool's + those of the login after it), "PASS" the number of \`PASS\`
commands (the tool's guesses + the later login), "success" the frame of
the \`230\` answering the right guess.

| file | packets | bytes | server | tool | connections | PASS | success |
| --- | ---: | ---: | --- | --- | ---: | ---: | --- |
$(row bruteforce-hydra-vsftpd "vsftpd, 127.0.0.1:21" "hydra -t 4, then lftp")
$(row bruteforce-medusa-pyftpdlib "pyftpdlib, 127.0.0.1:2121" "medusa -t 2, then curl")
$(row bruteforce-ncrack-vsftpd "vsftpd, 127.0.0.1:21" "ncrack")
$(row bruteforce-patator-pyftpdlib "pyftpdlib, 127.0.0.1:2121" "patator --threads 2")
EOF
if [ ${#SKIPPED[@]} -gt 0 ]; then
    echo
    echo "Skipped (the tool failed; no traffic was made up for it):"
    echo
    for s in "${SKIPPED[@]}"; do echo "- $s"; done
fi
cat <<EOF

## bruteforce-hydra-vsftpd.pcapng

The large capture (a folded report of it must stay short).  Wordlist:
$(wc -l < "$WORK/hydra.txt") lines, the right password is line $HYDRA_AT.
Commands (in the run's directory; PW is the password hydra printed, read
from its output by the script):

    $CMD_HYDRA
    $CMD_LFTP

hydra ran $T_HYDRA s.  On the wire: 4 control connections at a time; each
sends \`USER student\` + \`PASS\` for every guess; after vsftpd's third
\`530\` it closes the connection (FIN), hydra's next \`USER\` on it meets a
RST and hydra retries that guess on a new connection, so the retried
guess is sent once only.  Once hydra has the password the other tasks
stop.  Then lftp logs in once (one control connection): \`PASV\` +
\`STOR secret.txt\`, \`PASV\` + \`STOR confidential.pdf\`, \`PASV\` +
\`RETR confidential.pdf\`.  Capture filter: \`$VSFTPD_FILTER\`.

$(facts bruteforce-hydra-vsftpd hydra)

First FTP lines:

$(frames bruteforce-hydra-vsftpd 21 30)

## bruteforce-medusa-pyftpdlib.pcapng

Wordlist: $(wc -l < "$WORK/small.txt") lines, the right password is the
last.  Commands:

    $CMD_MEDUSA
    $CMD_CURL

medusa's ftp module makes one guess per connection even though pyftpdlib
would take 3: \`USER student\`, \`PASS\`, and after the \`530\` it closes
(FIN, no \`QUIT\`); 2 connections at a time (\`-t 2\`).  After the success
curl logs in and fetches one file (\`PASV\`, \`RETR confidential.pdf\`).
Capture filter: \`$PYFTPD_FILTER\`.

$(facts bruteforce-medusa-pyftpdlib medusa)

First FTP lines:

$(frames bruteforce-medusa-pyftpdlib 2121 20)

## bruteforce-ncrack-vsftpd.pcapng

Wordlist: $(wc -l < "$WORK/small.txt") lines, the right password is the
last.  Command (ncrack's default timing: it opens more connections as the
server keeps up):

    $CMD_NCRACK

Up to 3 guesses per connection (\`USER student\` + \`PASS\` each); ncrack
opens new connections while older ones are still guessing.  Capture
filter: \`tcp port 21\`.

$(facts bruteforce-ncrack-vsftpd ncrack)

First FTP lines:

$(frames bruteforce-ncrack-vsftpd 21 20)

## bruteforce-patator-pyftpdlib.pcapng

Wordlist: $(wc -l < "$WORK/small.txt") lines, the right password is the
last.  Command:

    $CMD_PATATOR

patator keeps each connection (\`persistent=1\`, its default) and sends
\`USER student\` + \`PASS\` for every guess; 2 threads, so 2 connections
at a time.  pyftpdlib closes after the third failure, patator's next
\`USER\` on that connection gets no answer and it retries the guess on a
new connection.  Capture filter: \`tcp port 2121\`.

$(facts bruteforce-patator-pyftpdlib patator)

First FTP lines:

$(frames bruteforce-patator-pyftpdlib 2121 20)
EOF
} > "$OUT/README-bruteforce.md"

# --------------------------------------------------------------------------
# summary

log "summary"
for c in "${CAPS[@]}"; do
    [ -f "$OUT/$c.pcapng" ] || { echo "##### $c.pcapng skipped"; continue; }
    echo
    echo "##### $c.pcapng ($(bytes "$c.pcapng") bytes, $(packets "$c.pcapng") packets)"
    sed 's/^/  /' "$WORK/$c.stats"
done
[ ${#SKIPPED[@]} -eq 0 ] || printf 'skipped: %s\n' "${SKIPPED[@]}"
echo "captures and README-bruteforce.md written to $OUT"
