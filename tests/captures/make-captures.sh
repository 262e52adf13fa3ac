#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make-captures.sh - (re)create the sample FTP captures in pcaps/ that the
# ftplens plugin is developed and tested against.
#
# What it does (as root, on Debian 12):
#   * installs vsftpd, lftp, curl, python3-pyftpdlib and tshark if missing
#     (with a temporary policy-rc.d so that apt does not start vsftpd) and
#     stops an already running vsftpd service;
#   * creates the local user "student" (password "S3cretPass!") if missing;
#   * builds throw-away FTP roots and configs in a mktemp directory;
#   * for each capture: starts the server(s) in the foreground on loopback
#     only (127.0.0.1 / ::1), starts dumpcap on "lo" with a capture filter
#     restricted to the FTP ports, runs the scripted client sessions, then
#     stops dumpcap (SIGINT) and the servers by PID;
#   * checks every capture with tshark, writes pcaps/README.md and prints
#     a summary.
# Nothing listens on or talks to anything but loopback.  A trap stops
# everything it started and removes the temporary directory.
#
# Usage:  sudo tests/captures/make-captures.sh
#         (OUT=/some/dir to write the captures somewhere other than pcaps/)

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# REPO OUT PY STUDENT_PW, log die, install_deps, server and capture control
# shellcheck source=SCRIPTDIR/lib.sh
. "$HERE/lib.sh"
CLIENTS=$HERE/ftp_clients.py
SERVER=$HERE/pyftpd_server.py

require_root
install_deps vsftpd lftp curl python3-pyftpdlib tshark
stop_system_vsftpd
require_tools dumpcap tshark capinfos vsftpd curl lftp
require_free_ports 20 21 2121
arm_cleanup

# --------------------------------------------------------------------------
# user, directories, files

ensure_student

WORK=$(mktemp -d /tmp/ftplens-captures.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/anon/pub" "$WORK/alice" "$WORK/student" "$WORK/caps" \
         /var/run/vsftpd/empty
printf 'Hello from the anonymous FTP area. Line 2.\n' > "$WORK/anon/pub/readme.txt"
# a few KB of predictable binary data
$PY -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 12)' \
    > "$WORK/anon/pub/data.bin"
printf 'Notes of student\n- bring the lab sheet\n- FTP uses port 21\n' \
    > "$WORK/student/notes.txt"
printf 'Hello alice, this is readme.txt on the pyftpdlib server.\n' \
    > "$WORK/alice/readme.txt"
cp "$WORK/anon/pub/data.bin" "$WORK/alice/data.bin"
chown -R student: "$WORK/student"
chmod -R a+rX "$WORK/anon" "$WORK/alice"
mkdir -p "$OUT"

# --------------------------------------------------------------------------
# client and vsftpd settings (server and capture control: lib.sh)

client() { $PY "$CLIENTS" "$@"; }

VSFTPD_COMMON="background=NO
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

# --------------------------------------------------------------------------
# 1. lab-anonymous.pcapng

log "1/5 lab-anonymous.pcapng (pyftpdlib on 127.0.0.1:21, raw socket client)"
start_server 21 $PY "$SERVER" lab --root "$WORK"
start_capture lab-anonymous "tcp port 21" \
    "ftplens sample: classroom lab session, pyftpdlib (two-line 220 greeting) on 127.0.0.1:21, raw-socket client sending lower-case commands"
client lab | tee "$WORK/lab.transcript"
stop_capture lab-anonymous
stop_server "$SERVER_PID"
LAB_OPTS_REPLY=$(sed -n 's/^OPTS-REPLY: //p' "$WORK/lab.transcript")

# --------------------------------------------------------------------------
# 2. vsftpd-login-transfers.pcapng

log "2/5 vsftpd-login-transfers.pcapng (vsftpd on 127.0.0.1:21)"
cat > "$WORK/vsftpd-v4.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=21
pasv_address=127.0.0.1
$VSFTPD_COMMON
EOF
start_server 21 vsftpd "$WORK/vsftpd-v4.conf"
start_capture vsftpd-login-transfers \
    "tcp port 21 or tcp port 20 or tcp portrange 30000-30100" \
    "ftplens sample: vsftpd on 127.0.0.1:21; failed/successful logins, PASV/EPSV/PORT/EPRT transfers (ftplib, curl, lftp)"
echo "--- (a) ftplib as student: 2 bad passwords, PASV LIST, EPSV RETR, PORT RETR, STOR, DELE"
client vsftpd-student
sleep 1
echo "--- (b) curl anonymous EPSV LIST"
curl -sS ftp://127.0.0.1/pub/ -o /dev/null
sleep 1
echo "--- (c) curl anonymous PASV RETR"
curl -sS --disable-epsv ftp://127.0.0.1/pub/readme.txt -o /dev/null
sleep 1
echo "--- (d) curl student EPRT RETR"
curl -sS -P 127.0.0.1 -u "student:$STUDENT_PW" ftp://127.0.0.1/notes.txt -o /dev/null
sleep 1
echo "--- (e) curl anonymous PORT RETR"
curl -sS --disable-eprt -P 127.0.0.1 ftp://127.0.0.1/pub/data.bin -o /dev/null
sleep 1
echo "--- (f) lftp student passive: ls, get, SITE HELP, XYZZY"
HOME=$WORK lftp -c "set ftp:ssl-allow no; set ftp:passive-mode yes; set xfer:clobber on;
    set net:max-retries 1; open -u 'student,$STUDENT_PW' ftp://127.0.0.1;
    ls; get notes.txt -o /dev/null; quote SITE HELP; quote XYZZY; bye" \
    > "$WORK/lftp.out" 2>&1 || true
cat "$WORK/lftp.out"
stop_capture vsftpd-login-transfers
stop_server "$SERVER_PID"

# --------------------------------------------------------------------------
# 3. ipv6.pcapng

log "3/5 ipv6.pcapng (vsftpd on [::1]:21)"
cat > "$WORK/vsftpd-v6.conf" <<EOF
listen=NO
listen_ipv6=YES
listen_address6=::1
listen_port=21
$VSFTPD_COMMON
EOF
start_server 21 vsftpd "$WORK/vsftpd-v6.conf"
start_capture ipv6 \
    "ip6 and (tcp port 21 or tcp port 20 or tcp portrange 30000-30100)" \
    "ftplens sample: vsftpd on [::1]:21; curl EPSV RETR, curl EPRT RETR, ftplib EPRT LIST+RETR"
echo "--- curl anonymous EPSV RETR over ::1"
curl -sS 'ftp://[::1]/pub/readme.txt' -o /dev/null
sleep 1
echo "--- curl anonymous EPRT RETR over ::1"
curl -sS -P '::1' 'ftp://[::1]/pub/readme.txt' -o /dev/null
sleep 1
echo "--- ftplib anonymous EPRT LIST + RETR over ::1"
client ipv6-eprt
stop_capture ipv6
stop_server "$SERVER_PID"

# --------------------------------------------------------------------------
# 4. pipelined-split.pcapng

log "4/5 pipelined-split.pcapng (pyftpdlib on 127.0.0.1:2121, raw socket client)"
start_server 2121 $PY "$SERVER" alice --root "$WORK"
start_capture pipelined-split "tcp port 2121 or tcp portrange 30000-30100" \
    "ftplens sample: pyftpdlib on 127.0.0.1:2121 (decode as FTP); pipelined commands in one segment, commands split across segments"
client pipelined
stop_capture pipelined-split

# --------------------------------------------------------------------------
# 5. pyftpdlib-2121.pcapng  (same server, new capture)

log "5/5 pyftpdlib-2121.pcapng (pyftpdlib on 127.0.0.1:2121, ftplib client)"
start_capture pyftpdlib-2121 "tcp port 2121 or tcp portrange 30000-30100" \
    "ftplens sample: pyftpdlib on 127.0.0.1:2121 (decode as FTP); ftplib as alice and anonymous NLST"
client alice | tee "$WORK/alice.transcript"
sleep 1
client anon-nlst
stop_capture pyftpdlib-2121
stop_server "$SERVER_PID"
ALICE_OPTS_REPLY=$(sed -n 's/^OPTS-REPLY: //p' "$WORK/alice.transcript")

# --------------------------------------------------------------------------
# checks

log "checking the captures"
FAIL=0
check() {   # FILE DESCRIPTION DISPLAY-FILTER MIN-COUNT [decode-as]
    local f=$OUT/$1 n
    n=$(tshark -r "$f" ${5:+-d "$5"} -Y "$3" 2>/dev/null | wc -l)
    if [ "$n" -ge "$4" ]; then
        printf '  ok   %-28s %-45s (%s)\n' "$1" "$2" "$n"
    else
        printf '  FAIL %-28s %-45s (%s < %s)\n' "$1" "$2" "$n" "$4"
        FAIL=1
    fi
}
D2121=tcp.port==2121,ftp
SYN='tcp.flags.syn==1 && tcp.flags.ack==0'
SYNACK='tcp.flags.syn==1 && tcp.flags.ack==1'
for f in lab-anonymous vsftpd-login-transfers ipv6 pipelined-split pyftpdlib-2121; do
    d=""
    case $f in pipelined-split|pyftpdlib-2121) d=$D2121 ;; esac
    check $f.pcapng "SYN" "$SYN" 1 "$d"
    check $f.pcapng "SYN-ACK" "$SYNACK" 1 "$d"
    check $f.pcapng "FIN" "tcp.flags.fin==1" 2 "$d"
    printf '  info %-28s %-45s (%s)\n' "$f.pcapng" "RST segments" \
        "$(tshark -r "$OUT/$f.pcapng" -Y 'tcp.flags.reset==1' 2>/dev/null | wc -l)"
done
check lab-anonymous.pcapng "two-line 220 greeting" 'ftp.response.code==220 && ftp contains "220-"' 1
check lab-anonymous.pcapng "lower-case opts/syst/site" 'ftp.request.command=="opts" || ftp.request.command=="syst" || ftp.request.command=="site"' 3
check lab-anonymous.pcapng "multi-line 214" 'ftp contains "214-"' 1
check vsftpd-login-transfers.pcapng "530 x2" 'ftp.response.code==530' 2
check vsftpd-login-transfers.pcapng "230" 'ftp.response.code==230' 4
for c in PASV EPSV PORT EPRT STOR DELE LIST RETR XYZZY; do
    check vsftpd-login-transfers.pcapng "$c" "ftp.request.command==\"$c\"" 1
done
check vsftpd-login-transfers.pcapng "ftp-data" 'ftp-data' 6
check ipv6.pcapng "IPv6 only" 'ipv6 && tcp' 20
check ipv6.pcapng "EPSV" 'ftp.request.command=="EPSV"' 1
check ipv6.pcapng "EPRT" 'ftp.request.command=="EPRT"' 2
check ipv6.pcapng "ftp-data" 'ftp-data' 3
check pipelined-split.pcapng "USER+PASS in one segment" \
    'tcp.payload==55:53:45:52:20:61:6c:69:63:65:0d:0a:50:41:53:53:20:77:6f:6e:64:65:72:6c:61:6e:64:0d:0a' 1 "$D2121"
check pipelined-split.pcapng "SYST+PWD+NOOP in one segment" \
    'tcp.payload==53:59:53:54:0d:0a:50:57:44:0d:0a:4e:4f:4f:50:0d:0a' 1 "$D2121"
check pipelined-split.pcapng "\"NO\" alone"  'tcp.payload==4e:4f' 1 "$D2121"
check pipelined-split.pcapng "\"OP\\r\\n\" alone"  'tcp.payload==4f:50:0d:0a' 1 "$D2121"
check pipelined-split.pcapng "\"TYP\" alone" 'tcp.payload==54:59:50' 1 "$D2121"
check pipelined-split.pcapng "\"E I\\r\\n\" alone" 'tcp.payload==45:20:49:0d:0a' 1 "$D2121"
check pipelined-split.pcapng "\"SI\" alone" 'tcp.payload==53:49' 1 "$D2121"
check pyftpdlib-2121.pcapng "530" 'ftp.response.code==530' 1 "$D2121"
check pyftpdlib-2121.pcapng "500 XYZZY" 'ftp.response.code==500' 1 "$D2121"
check pyftpdlib-2121.pcapng "NLST" 'ftp.request.command=="NLST"' 1 "$D2121"
check pyftpdlib-2121.pcapng "ftp-data" 'ftp-data' 3 "$D2121"
for f in "$OUT"/*.pcapng; do
    s=$(stat -c %s "$f")
    if [ "$s" -ge 100000 ]; then
        echo "  FAIL $(basename "$f") is $s bytes (>= 100 KB)"; FAIL=1
    fi
done
[ $FAIL -eq 0 ] || die "some capture checks failed"

# --------------------------------------------------------------------------
# README

ftp_lines() {   # FILE [decode-as]  -> markdown table of FTP control lines
    echo '| frame | dir | line(s) |'
    echo '| ---: | --- | --- |'
    tshark -r "$1" ${2:+-d "$2"} -Y ftp -T fields -E separator='|' \
        -e frame.number -e tcp.srcport -e tcp.dstport -e tcp.payload 2>/dev/null |
    $PY -c '
import sys
servers = {21, 2121}
for row in sys.stdin:
    num, sp, dp, payload = row.rstrip("\n").split("|")
    d = "S→C" if int(sp) in servers else "C→S"
    text = bytes.fromhex(payload.replace(":", "")).decode("utf-8", "replace")
    text = text.replace("\r\n", "\\r\\n<br>").replace("|", "\\|")
    if text.endswith("<br>"):
        text = text[:-4]
    print("| %s | %s | `%s` |" % (num, d, text.replace("<br>", "`<br>`")))
'
}

V_VSFTPD=$(vsftpd -v 0>&1 | sed 's/^vsftpd: version //')   # -v writes to fd 0
V_PYFTPD=$($PY -c 'import pyftpdlib; print(pyftpdlib.__ver__)')
V_PY=$($PY -c 'import platform; print(platform.python_version())')
V_CURL=$(curl --version | head -n1 | awk '{print $2}')
V_LFTP=$(lftp --version | head -n1 | sed 's/.*Version \([^ ]*\).*/\1/')
V_DUMPCAP=$(dumpcap --version | head -n1 | awk '{print $3}')
V_KERNEL=$(uname -r)
GEN_DATE=$(date -u +%Y-%m-%d)

{
cat <<EOF
# Sample FTP captures

Generated on $GEN_DATE by \`tests/captures/make-captures.sh\` on Debian 12
(Linux $V_KERNEL), captured on \`lo\` with dumpcap $V_DUMPCAP.
Tools: vsftpd $V_VSFTPD, pyftpdlib $V_PYFTPD (python $V_PY), curl $V_CURL,
lftp $V_LFTP.  All traffic is loopback only.

Rebuild all of them (as root; installs what is missing, takes about a
minute):

    sudo tests/captures/make-captures.sh

Every rebuild changes timestamps, ephemeral ports and sequence numbers, so
tests should match on FTP content, not on exact bytes of the files.
Port 2121 is not FTP's registered port: open those captures with
\`-d tcp.port==2121,ftp\` (tshark) or *Decode As…* (Wireshark).

| file | packets | bytes | server | client(s) |
| --- | ---: | ---: | --- | --- |
| lab-anonymous.pcapng | $(packets lab-anonymous.pcapng) | $(bytes lab-anonymous.pcapng) | pyftpdlib, 127.0.0.1:21 | raw python socket |
| vsftpd-login-transfers.pcapng | $(packets vsftpd-login-transfers.pcapng) | $(bytes vsftpd-login-transfers.pcapng) | vsftpd, 127.0.0.1:21 | python ftplib, curl, lftp |
| ipv6.pcapng | $(packets ipv6.pcapng) | $(bytes ipv6.pcapng) | vsftpd, [::1]:21 | curl, python ftplib |
| pipelined-split.pcapng | $(packets pipelined-split.pcapng) | $(bytes pipelined-split.pcapng) | pyftpdlib, 127.0.0.1:2121 | raw python socket (TCP_NODELAY) |
| pyftpdlib-2121.pcapng | $(packets pyftpdlib-2121.pcapng) | $(bytes pyftpdlib-2121.pcapng) | pyftpdlib, 127.0.0.1:2121 | python ftplib |

## lab-anonymous.pcapng

Recreation of a classroom lab session.  pyftpdlib on 127.0.0.1:21 with
anonymous access only and a two-line greeting sent as a proper multi-line
reply (\`220-…\` / \`220 …\`).  A raw socket client waits for each reply
and sends exactly \`USER anonymous\`, \`PASS IEUser@\`, \`opts utf8 on\`,
\`syst\`, \`site help\`, \`QUIT\` (lower-case verbs as typed in the lab).
pyftpdlib answers \`opts utf8 on\` with: \`$LAB_OPTS_REPLY\`, and
\`site help\` with a multi-line \`214-\` reply.  Capture filter:
\`tcp port 21\`.  One TCP connection, no data connection.

$(ftp_lines "$OUT/lab-anonymous.pcapng")

## vsftpd-login-transfers.pcapng

vsftpd on 127.0.0.1:21 (anonymous + local users, passive ports
30000-30100, active mode from port 20).  Capture filter:
\`tcp port 21 or tcp port 20 or tcp portrange 30000-30100\`.  Sessions,
about one second apart:

1. python ftplib as \`student\`: \`PASS\` wrong twice (\`530\`, on the same
   connection, \`USER\` repeated), right password (\`230\`); \`PWD\`;
   PASV + \`LIST\`; EPSV + \`RETR notes.txt\`; PORT + \`RETR notes.txt\`;
   PORT + \`STOR upload.txt\`; \`DELE upload.txt\`; \`QUIT\`.
2. curl anonymous, EPSV + \`LIST\` of \`/pub/\`.
3. curl anonymous \`--disable-epsv\`: PASV + \`RETR pub/readme.txt\`.
4. curl as \`student\`, \`-P 127.0.0.1\`: EPRT + \`RETR notes.txt\`.
5. curl anonymous \`--disable-eprt -P 127.0.0.1\`: PORT + \`RETR data.bin\`
   (3 KB).
6. lftp as \`student\`, passive: \`ls\`, \`get notes.txt\`,
   \`quote SITE HELP\`, \`quote XYZZY\` (\`500\`).

$(ftp_lines "$OUT/vsftpd-login-transfers.pcapng")

## ipv6.pcapng

vsftpd listening on [::1]:21 only.  Capture filter:
\`ip6 and (tcp port 21 or tcp port 20 or tcp portrange 30000-30100)\`.
Sessions: curl anonymous EPSV + \`RETR pub/readme.txt\`; curl anonymous
\`-P ::1\` EPRT + \`RETR pub/readme.txt\`; python ftplib anonymous over IPv6
in active mode (EPRT \`|2|::1|port|\`) + \`LIST pub\` and
\`RETR pub/readme.txt\`.

$(ftp_lines "$OUT/ipv6.pcapng")

## pipelined-split.pcapng

pyftpdlib on 127.0.0.1:2121 (user alice/wonderland).  A raw socket client
with TCP_NODELAY sends \`USER alice\r\nPASS wonderland\r\n\` in one TCP
segment and \`SYST\r\nPWD\r\nNOOP\r\n\` in one segment (pipelined), then
three commands each split across two TCP segments 0.3 s apart
(\`NO\` + \`OP\r\n\`, \`TYP\` + \`E I\r\n\`, \`SI\` + \`ZE readme.txt\r\n\`),
then \`XYZZY\` (\`500\`), \`FEAT\` (multi-line \`211-\`), \`HELP\`
(multi-line \`214-\`), \`QUIT\`.  pyftpdlib writes each line of a
multi-line reply with a separate send(), so such replies may span several
TCP segments.  Capture filter: \`tcp port 2121 or tcp portrange 30000-30100\`.
Decode with \`-d tcp.port==2121,ftp\`.

$(ftp_lines "$OUT/pipelined-split.pcapng" "$D2121")

## pyftpdlib-2121.pcapng

pyftpdlib on 127.0.0.1:2121.  python ftplib as alice: wrong password
(\`530\` after a 1 s pause), right password, \`SYST\`, \`SITE HELP\`
(multi-line \`214-\`), \`OPTS UTF8 ON\` (answered: \`$ALICE_OPTS_REPLY\`),
\`XYZZY\` (\`500\`), \`HELP\` (multi-line \`214-\`), PASV + \`LIST\`,
PASV + \`RETR readme.txt\`, \`QUIT\`.  Then a second session: anonymous
login, PASV + \`NLST\`, \`QUIT\`.  Capture filter:
\`tcp port 2121 or tcp portrange 30000-30100\`.  Decode with
\`-d tcp.port==2121,ftp\`.

$(ftp_lines "$OUT/pyftpdlib-2121.pcapng" "$D2121")
EOF
} > "$OUT/README.md"

# --------------------------------------------------------------------------
# summary

log "summary"
for f in lab-anonymous vsftpd-login-transfers ipv6 pipelined-split pyftpdlib-2121; do
    echo
    echo "##### $f.pcapng ($(bytes $f.pcapng) bytes)"
    capinfos -c "$OUT/$f.pcapng" 2>/dev/null | sed 1d
    case $f in
        pipelined-split|pyftpdlib-2121) tshark -r "$OUT/$f.pcapng" -d "$D2121" -Y ftp 2>/dev/null ;;
        *) tshark -r "$OUT/$f.pcapng" -Y ftp 2>/dev/null ;;
    esac
done
echo
echo "pyftpdlib's reply to 'opts utf8 on' (lab):       $LAB_OPTS_REPLY"
echo "pyftpdlib's reply to 'OPTS UTF8 ON' (2121):      $ALICE_OPTS_REPLY"
echo "captures and README.md written to $OUT"
