#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make-attack-captures.sh - (re)create the "attack" sample captures
# pcaps/attack-*.pcapng that ftplens' security-risk checks are developed
# and tested against, and write pcaps/README-attacks.md.
#
# Same approach as make-captures.sh (which records the ordinary samples and
# writes pcaps/README.md; this script touches neither):
#   * installs vsftpd, lftp, curl, python3-pyftpdlib, tshark and openssl if
#     missing (a temporary policy-rc.d keeps apt from starting vsftpd) and
#     stops an already running vsftpd service;
#   * creates the local user "student" (password "S3cretPass!") if missing;
#   * builds throw-away FTP roots, vsftpd configs and a self-signed TLS
#     certificate in a mktemp directory;
#   * for each capture: starts the server(s) in the foreground on loopback
#     only, starts dumpcap on "lo" with a tight capture filter, runs the
#     scripted attacker sessions (tests/captures/attack_clients.py), then
#     stops dumpcap (SIGINT) and the servers by PID;
#   * checks every capture with tshark, writes pcaps/README-attacks.md and
#     prints an FTP frame table of each capture.
# Servers bind to 127.0.0.1 / 127.0.0.2 / 127.0.0.9 only.  The "third
# party" addresses of the bounce attempts are 127.0.0.9 (accepted by
# pyftpdlib, a sink listens there) and 192.0.2.10 (documentation address,
# sent only to vsftpd, which refuses it: no packet ever goes there).  A
# trap stops everything this script started and removes the temp directory.
#
# Usage:  sudo tests/captures/make-attack-captures.sh
#         (OUT=/some/dir to write the captures somewhere other than pcaps/)

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# REPO OUT PY STUDENT_PW, log die, install_deps, server and capture control
# shellcheck source=SCRIPTDIR/lib.sh
. "$HERE/lib.sh"
CLIENTS=$HERE/attack_clients.py
SERVERS=$HERE/attack_servers.py

require_root
install_deps vsftpd lftp curl python3-pyftpdlib tshark openssl
stop_system_vsftpd
require_tools dumpcap tshark capinfos vsftpd curl openssl
require_free_ports 20 21 2121 6200 20001 20002
arm_cleanup

# --------------------------------------------------------------------------
# user, directories, files, certificate

ensure_student

WORK=$(mktemp -d /tmp/ftplens-attack-captures.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/anon/pub" "$WORK/alice" "$WORK/student" "$WORK/caps" \
         "$WORK/tls" /var/run/vsftpd/empty
printf 'Hello from the anonymous FTP area.\n' > "$WORK/anon/pub/readme.txt"
printf 'Notes of student\n- FTP uses port 21\n' > "$WORK/student/notes.txt"
printf 'Hello alice, this is readme.txt on the pyftpdlib server.\n' \
    > "$WORK/alice/readme.txt"
chown -R student: "$WORK/student"
chmod -R a+rX "$WORK/anon" "$WORK/alice"
printf 'student\nftp\nanonymous\n' > "$WORK/user_list"
chmod 700 "$WORK/tls"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/tls/key.pem" \
    -out "$WORK/tls/cert.pem" -days 30 -subj /CN=localhost 2>/dev/null
chmod 600 "$WORK/tls/key.pem"
mkdir -p "$OUT"

# --------------------------------------------------------------------------
# client and vsftpd settings (server and capture control: lib.sh)

client() {          # TRANSCRIPT-NAME SESSION [ARGS...]
    local t=$WORK/$1.transcript; shift
    $PY "$CLIENTS" "$@" | tee "$t"
}

VSFTPD_COMMON="background=NO
listen=YES
listen_ipv6=NO
listen_port=21
anonymous_enable=YES
anon_root=$WORK/anon
no_anon_password=NO
anon_upload_enable=NO
anon_mkdir_write_enable=NO
local_enable=YES
local_root=$WORK/student
chroot_local_user=YES
allow_writeable_chroot=YES
local_umask=022
write_enable=YES
port_enable=YES
port_promiscuous=NO
connect_from_port_20=YES
ftp_data_port=20
pasv_enable=YES
pasv_min_port=30000
pasv_max_port=30100
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
max_login_fails=5
secure_chroot_dir=/var/run/vsftpd/empty
pam_service_name=vsftpd
xferlog_enable=NO
syslog_enable=NO
dirmessage_enable=NO
use_localtime=NO
"

cat > "$WORK/vsftpd-plain.conf" <<EOF
listen_address=127.0.0.1
pasv_address=127.0.0.1
ssl_enable=NO
$VSFTPD_COMMON
EOF

cat > "$WORK/vsftpd-userlist.conf" <<EOF
listen_address=127.0.0.1
pasv_address=127.0.0.1
ssl_enable=NO
userlist_enable=YES
userlist_deny=NO
userlist_file=$WORK/user_list
$VSFTPD_COMMON
EOF

cat > "$WORK/vsftpd-tls.conf" <<EOF
listen_address=127.0.0.2
pasv_address=127.0.0.2
ssl_enable=YES
rsa_cert_file=$WORK/tls/cert.pem
rsa_private_key_file=$WORK/tls/key.pem
ssl_ciphers=HIGH
allow_anon_ssl=YES
force_local_logins_ssl=NO
force_local_data_ssl=NO
force_anon_logins_ssl=NO
force_anon_data_ssl=NO
require_ssl_reuse=NO
$VSFTPD_COMMON
EOF

D2121=tcp.port==2121,ftp
PYFTPD_FILTER="tcp port 2121 or tcp portrange 30000-30100"
VSFTPD_FILTER="tcp port 21 or tcp port 20 or tcp portrange 30000-30100"

# --------------------------------------------------------------------------
# 1. attack-bruteforce.pcapng

log "1/7 attack-bruteforce.pcapng (pyftpdlib on 127.0.0.1:2121)"
start_server 2121 $PY "$SERVERS" bruteforce --root "$WORK"
start_capture attack-bruteforce "$PYFTPD_FILTER" \
    "ftplens attack sample: password guessing for alice against pyftpdlib on 127.0.0.1:2121 (decode as FTP); 7 failing connections then a successful login"
client bruteforce bruteforce
stop_capture attack-bruteforce
stop_server "$SERVER_PID"

# --------------------------------------------------------------------------
# 2. attack-anonymous-upload.pcapng

log "2/7 attack-anonymous-upload.pcapng (pyftpdlib, anonymous with write permission)"
start_server 2121 $PY "$SERVERS" anon-upload --root "$WORK"
start_capture attack-anonymous-upload "$PYFTPD_FILTER" \
    "ftplens attack sample: anonymous upload (STOR evil.exe, MKD, DELE) to pyftpdlib on 127.0.0.1:2121 (decode as FTP)"
client anon-upload anon-upload
stop_capture attack-anonymous-upload
stop_server "$SERVER_PID"

# --------------------------------------------------------------------------
# 3. attack-site-exec-backdoor.pcapng

log "3/7 attack-site-exec-backdoor.pcapng (vsftpd on 127.0.0.1:21 + fake shell on 6200)"
start_server 21 vsftpd "$WORK/vsftpd-plain.conf"
VSFTPD_PID=$SERVER_PID
start_server 6200 $PY "$SERVERS" fake-shell --host 127.0.0.1 --port 6200
SHELL_PID=$SERVER_PID
start_capture attack-site-exec-backdoor "tcp port 21 or tcp port 6200" \
    "ftplens attack sample: SITE EXEC, HELP ACIDBITCHEZ, USER backdoor:) against vsftpd on 127.0.0.1:21, then a connection to a simulated backdoor shell on 127.0.0.1:6200"
client backdoor backdoor
stop_capture attack-site-exec-backdoor
stop_server "$SHELL_PID"
stop_server "$VSFTPD_PID"

# --------------------------------------------------------------------------
# 4. attack-bounce-traversal.pcapng

log "4/7 attack-bounce-traversal.pcapng (vsftpd :21 and pyftpdlib :2121, sink on 127.0.0.9:20001)"
start_server 21 vsftpd "$WORK/vsftpd-plain.conf"
VSFTPD_PID=$SERVER_PID
start_server 2121 $PY "$SERVERS" bounce --root "$WORK"
PYFTPD_PID=$SERVER_PID
start_server 20001 $PY "$SERVERS" sink --host 127.0.0.9 --port 20001
SINK_PID=$SERVER_PID
start_capture attack-bounce-traversal \
    "tcp port 21 or tcp port 20 or tcp port 2121 or tcp portrange 30000-30100 or host 127.0.0.9" \
    "ftplens attack sample: FTP bounce (foreign PORT/EPRT), path traversal, format string, long arguments, Telnet IAC, pre-auth command; vsftpd on 127.0.0.1:21 and pyftpdlib on 127.0.0.1:2121 (decode as FTP)"
echo "--- vsftpd"
client bounce-vsftpd bounce-vsftpd
sleep 0.5
echo "--- pyftpdlib"
client bounce-pyftpd bounce-pyftpd
stop_capture attack-bounce-traversal
stop_server "$SINK_PID"
stop_server "$PYFTPD_PID"
stop_server "$VSFTPD_PID"
echo "sink log:"; cat "$WORK/server-20001-$$.log"

# --------------------------------------------------------------------------
# 5. attack-user-enumeration.pcapng

log "5/7 attack-user-enumeration.pcapng (vsftpd with userlist_deny=NO)"
start_server 21 vsftpd "$WORK/vsftpd-userlist.conf"
start_capture attack-user-enumeration "tcp port 21" \
    "ftplens attack sample: user enumeration; vsftpd on 127.0.0.1:21 with userlist_enable=YES userlist_deny=NO answers 331 to listed and 530 to unlisted user names"
client enum enum
stop_capture attack-user-enumeration
stop_server "$SERVER_PID"

# --------------------------------------------------------------------------
# 6. attack-auth-tls-refused.pcapng

log "6/7 attack-auth-tls-refused.pcapng (vsftpd with ssl_enable=NO)"
start_server 21 vsftpd "$WORK/vsftpd-plain.conf"
start_capture attack-auth-tls-refused "$VSFTPD_FILTER" \
    "ftplens attack sample: AUTH TLS refused by vsftpd (ssl_enable=NO) on 127.0.0.1:21, clear-text login follows (raw socket client, then curl --ssl)"
echo "--- raw socket: FEAT, AUTH TLS, clear-text login"
client auth-refused auth-refused
sleep 1
echo "--- curl --ssl (try TLS, fall back to clear text)"
curl -sS -v --ssl -u "student:$STUDENT_PW" ftp://127.0.0.1/ -o /dev/null \
    2> "$WORK/curl-ssl.log" || true
grep -E '^[<>] ' "$WORK/curl-ssl.log" | sed 's/PASS .*/PASS ******/' | tee "$WORK/curl.transcript" || true
stop_capture attack-auth-tls-refused
stop_server "$SERVER_PID"

# --------------------------------------------------------------------------
# 7. attack-ftps.pcapng

log "7/7 attack-ftps.pcapng (vsftpd with TLS on 127.0.0.2:21)"
start_server 21 vsftpd "$WORK/vsftpd-tls.conf"
start_capture attack-ftps \
    "host 127.0.0.2 and (tcp port 21 or tcp port 20 or tcp portrange 30000-30100)" \
    "ftplens attack sample: vsftpd with explicit TLS on 127.0.0.2:21; A: AUTH TLS + PROT P + LIST, B: TLS offered but clear-text login, C: AUTH TLS + PROT C + clear LIST"
client ftps ftps --host 127.0.0.2
stop_capture attack-ftps
stop_server "$SERVER_PID"

# --------------------------------------------------------------------------
# checks

log "checking the captures"
FAIL=0
count() {   # FILE DISPLAY-FILTER [decode-as]
    tshark -r "$OUT/$1" ${3:+-d "$3"} -Y "$2" 2>/dev/null | wc -l
}
check() {   # FILE DESCRIPTION DISPLAY-FILTER MIN-COUNT [decode-as] [MAX-COUNT]
    local n
    n=$(count "$1" "$3" "${5:-}") || n=-1     # -1: tshark rejected the filter
    if [ "$n" -ge "$4" ] && { [ -z "${6:-}" ] || [ "$n" -le "$6" ]; }; then
        printf '  ok   %-32s %-48s (%s)\n' "$1" "$2" "$n"
    else
        printf '  FAIL %-32s %-48s (%s, want %s..%s)\n' "$1" "$2" "$n" "$4" "${6:-}"
        FAIL=1
    fi
}
req() { printf 'ftp.request.command=="%s"' "$1"; }
SYN='tcp.flags.syn==1 && tcp.flags.ack==0'

F=attack-bruteforce.pcapng
check $F "8 control connections (SYN)" "$SYN" 8 "$D2121" 8
check $F "22+ failed logins (530)" 'ftp.response.code==530' 22 "$D2121"
check $F "6+ 530 on the first connection" 'ftp.response.code==530 && tcp.stream==0' 6 "$D2121"
check $F "server disconnects after the 6th" 'ftp.response.code==530 && ftp contains "Disconnecting"' 1 "$D2121"
check $F "USER nosuchuser" 'ftp.request.arg=="nosuchuser"' 1 "$D2121"
check $F "one successful login (230)" 'ftp.response.code==230' 1 "$D2121" 1
check $F "PASS wonderland" 'ftp.request.arg=="wonderland"' 1 "$D2121" 1
check $F "PWD" "$(req PWD)" 1 "$D2121"
check $F "single client address" 'ip.src!=127.0.0.1' 0 "$D2121" 0

F=attack-anonymous-upload.pcapng
check $F "USER anonymous" 'ftp.request.arg=="anonymous"' 1 "$D2121"
check $F "PASS mozilla@example.com" 'ftp.request.arg=="mozilla@example.com"' 1 "$D2121"
check $F "230 anonymous" 'ftp.response.code==230' 1 "$D2121"
check $F "PASV 227" 'ftp.response.code==227' 1 "$D2121"
check $F "STOR evil.exe" "$(req STOR) && ftp.request.arg==\"evil.exe\"" 1 "$D2121"
check $F "226 after STOR" 'ftp.response.code==226' 1 "$D2121"
check $F "MKD incoming 257" 'ftp.response.code==257' 1 "$D2121"
check $F "DELE evil.exe 250" "$(req DELE)" 1 "$D2121"
check $F "uploaded bytes (MZ header)" 'tcp.srcport!=2121 && tcp.dstport!=2121 && tcp.payload[0:2]==4d:5a' 1 "$D2121"

F=attack-site-exec-backdoor.pcapng
check $F "SITE EXEC" 'ftp.request.command=="SITE" && ftp.request.arg contains "EXEC"' 1
check $F "HELP ACIDBITCHEZ" 'ftp.request.arg=="ACIDBITCHEZ"' 1
check $F "USER backdoor:)" 'ftp.request.arg=="backdoor:)"' 1
check $F "530 after PASS x" 'ftp.response.code==530' 1
check $F "TCP handshake to 6200" 'tcp.dstport==6200 && tcp.flags.syn==1' 1
check $F "uid=0(root) from 6200" 'tcp.srcport==6200 && tcp contains "uid=0(root)"' 1

F=attack-bounce-traversal.pcapng
check $F "vsftpd refuses PORT 192.0.2.10" 'tcp.srcport==21 && ftp.response.code==500 && ftp contains "PORT"' 1 "$D2121"
check $F "vsftpd refuses EPRT 192.0.2.10" 'tcp.srcport==21 && ftp.response.code==500 && ftp contains "EPRT"' 1 "$D2121"
check $F "pyftpdlib accepts PORT 127.0.0.9 (200)" 'tcp.srcport==2121 && ftp.response.code==200 && ftp contains "Active data"' 1 "$D2121"
check $F "data connection to 127.0.0.9" 'ip.dst==127.0.0.9 && tcp.flags.syn==1 && tcp.flags.ack==0' 2 "$D2121"
check $F "nothing to 192.0.2.10" 'ip.addr==192.0.2.10' 0 "$D2121" 0
check $F "CWD ../../../../etc" 'ftp.request.arg=="../../../../etc"' 2 "$D2121"
check $F "RETR ../../etc/passwd" 'ftp.request.arg=="../../etc/passwd"' 2 "$D2121"
check $F "SIZE /etc/shadow" "$(req SIZE)" 1 "$D2121"
check $F "CWD ~root" 'ftp.request.arg=="~root"' 1 "$D2121"
check $F "MKD %s%s%s%n" 'ftp.request.arg=="%s%s%s%n"' 1 "$D2121"
check $F "STOR 300-byte name" 'ftp.request.command=="STOR" && len(ftp.request.arg)==300' 1 "$D2121"
check $F "USER 150-byte name" 'ftp.request.command=="USER" && len(ftp.request.arg)==150' 1 "$D2121"
check $F "Telnet IAC bytes" '(tcp.dstport==21 || tcp.dstport==2121) && tcp.payload contains ff:f1' 4 "$D2121"
check $F "pre-auth RETR file (530)" 'ftp.request.arg=="file"' 2 "$D2121"

F=attack-user-enumeration.pcapng
check $F "USER student 331" 'ftp.response.code==331' 1
for u in admin root oracle; do
    check $F "USER $u" "ftp.request.arg==\"$u\"" 1
done
check $F "530 to unlisted users" 'ftp.response.code==530 && ftp contains "Permission denied"' 3

F=attack-auth-tls-refused.pcapng
check $F "AUTH TLS" 'ftp.request.command=="AUTH"' 2
check $F "AUTH refused (5xx)" 'ftp.response.code>=500 && ftp.response.code<600' 2
check $F "clear-text PASS" "$(req PASS)" 2
check $F "230" 'ftp.response.code==230' 2
check $F "no TLS" 'tls' 0 "" 0

F=attack-ftps.pcapng
check $F "FEAT lists AUTH TLS" 'ftp contains "AUTH TLS"' 2
check $F "AUTH TLS -> 234" 'ftp.response.code==234' 2 "" 2
# 3 handshakes (A control, A data, C control); vsftpd answers each first
# ClientHello with a HelloRetryRequest, so there are twice as many
check $F "TLS ClientHello (3 handshakes + HRR)" 'tls.handshake.type==1' 3
check $F "clear-text PASS (session B)" "$(req PASS)" 1 "" 1
check $F "only 127.0.0.2" 'ip.addr!=127.0.0.2' 0 "" 0

for f in "$OUT"/attack-*.pcapng; do
    s=$(stat -c %s "$f")
    if [ "$s" -ge 100000 ]; then
        echo "  FAIL $(basename "$f") is $s bytes (>= 100 KB)"; FAIL=1
    fi
done
[ $FAIL -eq 0 ] || die "some capture checks failed"

# --------------------------------------------------------------------------
# README-attacks.md

ftp_lines() {   # FILE [decode-as]  -> markdown table of FTP control lines
    echo '| frame | conn | dir | line(s) |'
    echo '| ---: | ---: | --- | --- |'
    tshark -r "$1" ${2:+-d "$2"} -Y ftp -T fields -E separator='|' \
        -e frame.number -e tcp.stream -e tcp.srcport -e tcp.dstport \
        -e tcp.payload 2>/dev/null |
    $PY -c '
import sys
servers = {21, 2121}
for row in sys.stdin:
    num, st, sp, dp, payload = row.rstrip("\n").split("|")
    d = "S→C" if int(sp) in servers else "C→S"
    raw = bytes.fromhex(payload.replace(":", ""))
    if any(b >= 0x80 for b in raw):
        text = repr(raw)[2:-1].replace("\\r\\n", "\r\n")
    else:
        text = raw.decode("ascii", "replace")
    text = text.replace("\r\n", "\\r\\n<br>").replace("|", "\\|")
    if text.endswith("<br>"):
        text = text[:-4]
    print("| %s | %s | %s | `%s` |" % (num, st, d, text.replace("<br>", "`<br>`")))
'
}

results() {     # TRANSCRIPT... -> bullet list of RESULT lines
    cat "$@" | sed -n 's/^RESULT: \(.*\)$/- `\1`/p' | sed 's/ -> /` → `/'
}

V_VSFTPD=$(vsftpd -v 0>&1 | sed 's/^vsftpd: version //')   # -v writes to fd 0
V_PYFTPD=$($PY -c 'import pyftpdlib; print(pyftpdlib.__ver__)')
V_PY=$($PY -c 'import platform; print(platform.python_version())')
V_CURL=$(curl --version | head -n1 | awk '{print $2}')
V_DUMPCAP=$(dumpcap --version | head -n1 | awk '{print $3}')
V_OPENSSL=$(openssl version | awk '{print $2}')
GEN_DATE=$(date -u +%Y-%m-%d)

TLS_RECORDS=$(count attack-ftps.pcapng tls)
SHELL_LINES=$(tshark -r "$OUT/attack-site-exec-backdoor.pcapng" \
    -Y 'tcp.port==6200 && tcp.len>0' -T fields -e frame.number \
    -e tcp.srcport -e tcp.payload 2>/dev/null |
    $PY -c '
import sys
for row in sys.stdin:
    num, sp, payload = row.split("\t")
    d = "S→C" if sp == "6200" else "C→S"
    t = bytes.fromhex(payload.strip().replace(":", "")).decode().replace("\n", "\\n")
    print("| %s | %s | `%s` |" % (num, d, t))
')

{
cat <<EOF
# Attack sample captures

Generated on $GEN_DATE by \`tests/captures/make-attack-captures.sh\` on
Debian 12, captured on \`lo\` with dumpcap $V_DUMPCAP.  Tools: vsftpd
$V_VSFTPD, pyftpdlib $V_PYFTPD (python $V_PY), curl $V_CURL, OpenSSL
$V_OPENSSL.  The scripted "attacker" is
\`tests/captures/attack_clients.py\`, the pyftpdlib servers and listeners
are \`tests/captures/attack_servers.py\`.  (The ordinary samples and
\`README.md\` come from \`make-captures.sh\`.)

All traffic is loopback only.  Third-party addresses: \`127.0.0.9\` (a
sink listens on 127.0.0.9:20001, pyftpdlib really connects there) and
\`192.0.2.10\` (documentation address, sent only to vsftpd, which refuses
it; no packet goes to it).

Rebuild (as root; about two minutes):

    sudo tests/captures/make-attack-captures.sh

Every rebuild changes timestamps, ports and sequence numbers; tests should
match on FTP content.  Open the port-2121 captures with
\`-d tcp.port==2121,ftp\`.  In the tables, *conn* is \`tcp.stream\`.

| file | packets | bytes | server | client |
| --- | ---: | ---: | --- | --- |
| attack-bruteforce.pcapng | $(packets attack-bruteforce.pcapng) | $(bytes attack-bruteforce.pcapng) | pyftpdlib, 127.0.0.1:2121 | raw python socket |
| attack-anonymous-upload.pcapng | $(packets attack-anonymous-upload.pcapng) | $(bytes attack-anonymous-upload.pcapng) | pyftpdlib, 127.0.0.1:2121 | python ftplib |
| attack-site-exec-backdoor.pcapng | $(packets attack-site-exec-backdoor.pcapng) | $(bytes attack-site-exec-backdoor.pcapng) | vsftpd, 127.0.0.1:21; fake shell 127.0.0.1:6200 | raw python socket |
| attack-bounce-traversal.pcapng | $(packets attack-bounce-traversal.pcapng) | $(bytes attack-bounce-traversal.pcapng) | vsftpd, 127.0.0.1:21; pyftpdlib, 127.0.0.1:2121 | raw python socket |
| attack-user-enumeration.pcapng | $(packets attack-user-enumeration.pcapng) | $(bytes attack-user-enumeration.pcapng) | vsftpd, 127.0.0.1:21 | raw python socket |
| attack-auth-tls-refused.pcapng | $(packets attack-auth-tls-refused.pcapng) | $(bytes attack-auth-tls-refused.pcapng) | vsftpd, 127.0.0.1:21 | raw python socket, curl --ssl |
| attack-ftps.pcapng | $(packets attack-ftps.pcapng) | $(bytes attack-ftps.pcapng) | vsftpd + TLS, 127.0.0.2:21 | python ftplib (FTP_TLS, FTP) |

## attack-bruteforce.pcapng

Password guessing against \`alice\` on pyftpdlib (127.0.0.1:2121), all
from 127.0.0.1.  pyftpdlib forgets the user name after each failure, so
every guess is \`USER alice\` + \`PASS <guess>\`, and each \`530\` comes
after a 1 s pause (\`auth_failed_timeout=1\`).  pyftpdlib's default
\`max_login_attempts\` is 3; this server raises it to 6 so that one
connection carries more than 5 failures.  When the limit is reached the
server answers \`530 Authentication failed. Disconnecting.\` and closes
(no 421).  Connection 1: 6 failures, closed by the server.  Connection
2: \`USER nosuchuser\` (331 like every name) + \`PASS\` (530), then 2
guesses for alice, \`QUIT\`.  Connections 3-6: 3 guesses each, \`QUIT\`.
Connection 7: 4 guesses, then the client closes without \`QUIT\`.
Connection 8: \`PASS wonderland\` (230), \`PWD\`, \`QUIT\`.  Capture
filter: \`$PYFTPD_FILTER\`.

$(results "$WORK/bruteforce.transcript")

$(ftp_lines "$OUT/attack-bruteforce.pcapng" "$D2121")

## attack-anonymous-upload.pcapng

pyftpdlib (127.0.0.1:2121) whose anonymous user has write permission
(\`perm="elradfmw"\`).  python ftplib: \`USER anonymous\`,
\`PASS mozilla@example.com\`, \`TYPE I\`, PASV + \`STOR evil.exe\`
($($PY -c "import sys; sys.path.insert(0, '$HERE'); import attack_clients as a; print(len(a.EVIL))") bytes
starting with \`MZ\`), \`MKD incoming\`, \`DELE evil.exe\`, \`QUIT\`.
Capture filter: \`$PYFTPD_FILTER\`.

$(results "$WORK/anon-upload.transcript")

$(ftp_lines "$OUT/attack-anonymous-upload.pcapng" "$D2121")

## attack-site-exec-backdoor.pcapng

vsftpd (127.0.0.1:21).  Session 1: anonymous login (\`PASS IEUser@\`),
\`SITE EXEC /bin/sh -c id\`, \`HELP ACIDBITCHEZ\` (the ProFTPD 1.3.3c
backdoor trigger), \`QUIT\`.  Session 2: \`USER backdoor:)\` (the vsftpd
2.3.4 backdoor trigger) and \`PASS x\`; vsftpd $V_VSFTPD has no backdoor
and rejects the login.  Then the client connects to 127.0.0.1:6200 where
a small python listener plays the backdoor shell: the client sends
\`id\`, the listener answers \`uid=0(root) gid=0(root) groups=0(root)\`
and closes (full handshake and FIN exchange).  Then \`QUIT\` on the
control connection.  Capture filter: \`tcp port 21 or tcp port 6200\`.

$(results "$WORK/backdoor.transcript")

$(ftp_lines "$OUT/attack-site-exec-backdoor.pcapng")

Port 6200 payload:

| frame | dir | data |
| ---: | --- | --- |
$SHELL_LINES

## attack-bounce-traversal.pcapng

Two servers in one capture.  vsftpd (127.0.0.1:21, \`port_promiscuous=NO\`)
as anonymous: \`PORT 192,0,2,10,0,25\` and \`EPRT |1|192.0.2.10|2121|\`
(third party, refused), \`LIST\` (no data connection set up),
\`CWD ../../../../etc\`, PASV + \`RETR ../../etc/passwd\` (anonymous is
chrooted), three commands with Telnet IAC bytes
(\`NOOP\\xff\\xf1\`, \`\\xff\\xf4\\xff\\xf2ABOR\`, \`ST\\xff\\xf1AT\`),
\`QUIT\`; a fresh session sends \`RETR file\` before logging in.

pyftpdlib (127.0.0.1:2121, \`permit_foreign_addresses=True\`,
\`permit_privileged_ports=True\`) as alice: \`PORT 127,0,0,9,78,33\`
(third party 127.0.0.9:20001 - pyftpdlib connects at once and answers
\`200\` only after its SYN was answered; a sink listens there), \`LIST\`
(the listing goes to 127.0.0.9), \`PORT 127,0,0,9,78,34\` (nothing listens
on 20002: RST, \`425\`), \`CWD ../../../../etc\`, \`RETR ../../etc/passwd\`,
\`TYPE I\`, \`SIZE /etc/shadow\`, \`CWD ~root\`, \`MKD %s%s%s%n\`, PASV +
\`STOR A…\` (300-byte name), the same three IAC commands, \`QUIT\`; fresh
sessions: \`USER A…\` (150-byte name) and a pre-auth \`RETR file\`.
Capture filter:
\`tcp port 21 or tcp port 20 or tcp port 2121 or tcp portrange 30000-30100 or host 127.0.0.9\`.

$(results "$WORK/bounce-vsftpd.transcript" "$WORK/bounce-pyftpd.transcript")

$(ftp_lines "$OUT/attack-bounce-traversal.pcapng" "$D2121")

## attack-user-enumeration.pcapng

vsftpd (127.0.0.1:21) with \`userlist_enable=YES\`, \`userlist_deny=NO\`
and a user list of \`student\`, \`ftp\`, \`anonymous\`: listed names get
\`331\`, any other name \`530 Permission denied.\` right after \`USER\`,
which tells an attacker which names exist.  Session 1: \`USER student\`,
\`PASS\`, \`PWD\`, \`QUIT\`.  Then \`USER admin\`, \`USER root\`,
\`USER oracle\` (a new connection whenever vsftpd closes one).
Capture filter: \`tcp port 21\`.

$(results "$WORK/enum.transcript")

$(ftp_lines "$OUT/attack-user-enumeration.pcapng")

## attack-auth-tls-refused.pcapng

vsftpd (127.0.0.1:21) with \`ssl_enable=NO\`.  Raw socket: \`FEAT\` (no
\`AUTH TLS\` listed), \`AUTH TLS\` (refused), clear-text \`USER student\` /
\`PASS\`, \`PWD\`, \`QUIT\`.  Then \`curl --ssl\` (try TLS, fall back):
\`AUTH SSL\` and \`AUTH TLS\` refused, clear-text login, EPSV + \`LIST\`.
Capture filter: \`$VSFTPD_FILTER\`.

$(results "$WORK/auth-refused.transcript")

$(ftp_lines "$OUT/attack-auth-tls-refused.pcapng")

## attack-ftps.pcapng

vsftpd (127.0.0.2:21) with \`ssl_enable=YES\`, a self-signed certificate
(CN=localhost, made for the run and thrown away), \`allow_anon_ssl=YES\`,
\`force_local_logins_ssl=NO\`, \`force_local_data_ssl=NO\`,
\`require_ssl_reuse=NO\`.  Session A (ftplib FTP_TLS): \`FEAT\` (lists
\`AUTH TLS\`), \`AUTH TLS\` → \`234\`, then everything inside TLS: login as
student, \`PBSZ 0\`, \`PROT P\`, PASV + \`LIST\` (TLS on the data
connection too), \`QUIT\`.  Session B (plain ftplib): \`FEAT\` (lists
\`AUTH TLS\`), clear-text \`USER student\` / \`PASS\`, \`PWD\`, \`QUIT\` -
TLS offered but not used.  Session C (FTP_TLS): \`AUTH TLS\`, login,
\`PBSZ 0\`, \`PROT C\`, PASV + \`LIST\` (control encrypted, data in clear),
\`QUIT\`.  The TLS keys are not kept: only the clear-text part decodes as
FTP ($TLS_RECORDS frames decode as TLS).  Three TLS 1.3 handshakes
(session A control and data, session C control); vsftpd answers the first
ClientHello of each with a HelloRetryRequest (it only offers the P-256
group), so each handshake has two ClientHello messages.  The clear LIST
data of session C is not recognised as ftp-data (its PASV reply is
encrypted).  Capture filter:
\`host 127.0.0.2 and ($VSFTPD_FILTER)\`.

$(results "$WORK/ftps.transcript")

$(ftp_lines "$OUT/attack-ftps.pcapng")
EOF
} > "$OUT/README-attacks.md"

# --------------------------------------------------------------------------
# summary

log "summary"
for f in attack-bruteforce attack-anonymous-upload attack-site-exec-backdoor \
         attack-bounce-traversal attack-user-enumeration \
         attack-auth-tls-refused attack-ftps; do
    echo
    echo "##### $f.pcapng ($(bytes $f.pcapng) bytes, $(packets $f.pcapng) packets)"
    tshark -r "$OUT/$f.pcapng" -d "$D2121" -Y ftp 2>/dev/null
done
echo
echo "what the servers answered:"
for t in bruteforce anon-upload backdoor bounce-vsftpd bounce-pyftpd enum \
         auth-refused ftps; do
    echo " $t:"
    grep '^RESULT: ' "$WORK/$t.transcript" | sed 's/^RESULT: /  /' | cut -c1-160
done
echo "captures and README-attacks.md written to $OUT"
