#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/bench.sh [--quick] - what ftplens costs tshark (issue 6).
#
# Builds the plugin (build-bench/), generates or reuses two big captures with
# tools/gen-big-capture.py (an FTP-heavy one and a same-size one without FTP),
# and for each capture runs stock tshark (--disable-protocol ftplens) and
# tshark with ftplens, interleaved, for four commands:
#
#   filter   tshark -r F -Y 'tcp.port==21'        (GUI-like: no visible tree)
#   fields   tshark -r F -T fields -e frame.number -e ftplens.reply.class
#   verbose  tshark -2 -r F -Y ftplens.risk -V
#   report   tshark -r F -q -z ftplens,report
#
# These are the commands issues 6 and 13 name.  Each is the identical command
# line in both modes (the ftplens fields, tap and -z option stay registered when
# the protocol is disabled, they are just empty): the difference is what ftplens
# adds.  Real public captures (FTPLENS_BENCH_REAL) are measured with callgrind
# too, whole, beside the generated ones.
#
# Primary figure: instructions per frame, from valgrind --tool=callgrind on a
# slice of the first CG_FRAMES frames minus a one-frame run (start-up).  Beside
# it: the median wall time of RUNS interleaved runs on a slice of the first
# WALL_FRAMES frames, the median peak RSS of those runs (/usr/bin/time -v), and
# the RSS growth per FTP session / per non-FTP frame from command 'fields' on
# the whole captures.  The last line prints the ratios ftplens/stock.
#
# --quick: small sizes (a few minutes).
# --scaling: also peak RSS of 'fields' on 10 %, 50 % and 100 % of the FTP-heavy
#   capture, and instructions per frame and RSS of one generated session with
#   SCALE_COMMANDS commands (default 100,000; tools/gen-long-session.py).
# Environment:
#   FTPLENS_BENCH_DIR     work folder (default /tmp/ftplens-bench, /tmp/ftplens-bench-quick with --quick);
#                         big captures, slices and results/ go there, never into the repository
#   FTPLENS_BUILD_DIR     build folder (default build-bench)
#   FTPLENS_BENCH_JOBS    callgrind runs in parallel (default 2)
#   FTPLENS_BENCH_NICE    nice level of every measured run (default 10)
#   FTPLENS_BENCH_REGEN=1 regenerate the captures even if they exist
#   FTPLENS_BENCH_REAL    real captures to measure whole (space-separated paths; default: Zeek's
#                         ftp-with-numbers-in-filename.pcap and Suricata's ftp-too-long-response.pcap
#                         from ../shared/pcaps/public when that folder is beside the repository)
#   REAL_BASE             frames of a real capture's base run, subtracted (default 20)
#   FRAMES SESSIONS CG_FRAMES WALL_FRAMES RUNS  override the sizes
set -euo pipefail
export FTPLENS_BUILD_DIR=${FTPLENS_BUILD_DIR:-build-bench}
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

QUICK=0
SCALING=0
for a in "$@"; do
    case $a in
    --quick) QUICK=1 ;;
    --scaling) SCALING=1 ;;
    -h|--help) sed -n '3,43p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $a (usage: tools/bench.sh [--quick] [--scaling])" ;;
    esac
done
if [ "$QUICK" = 1 ]; then
    : "${FRAMES:=20000}" "${SESSIONS:=400}" "${CG_FRAMES:=3000}" "${WALL_FRAMES:=20000}" "${RUNS:=5}"
    WORK=${FTPLENS_BENCH_DIR:-/tmp/ftplens-bench-quick}
else
    : "${FRAMES:=1000000}" "${SESSIONS:=20000}" "${CG_FRAMES:=50000}" "${WALL_FRAMES:=200000}" "${RUNS:=5}"
    WORK=${FTPLENS_BENCH_DIR:-/tmp/ftplens-bench}
fi
JOBS=${FTPLENS_BENCH_JOBS:-2}
NICE=${FTPLENS_BENCH_NICE:-10}
case $WORK in "$FTPLENS_ROOT"|"$FTPLENS_ROOT"/*) die "FTPLENS_BENCH_DIR must be outside the repository" ;; esac

ensure_packages cmake gcc make pkg-config libglib2.0-dev wireshark-dev tshark python3 valgrind time util-linux
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package 'time')"
configure_and_build -DFTPLENS_BUILD_TESTS=OFF
WSV=$(ws_major_minor)
if REV=$(git -C "$FTPLENS_ROOT" rev-parse --short HEAD 2>/dev/null); then
    [ -z "$(git -C "$FTPLENS_ROOT" status --porcelain -- plugin 2>/dev/null)" ] || REV="$REV + uncommitted changes in plugin/"
else
    REV="unknown (not a git checkout)"
fi
say "source $FTPLENS_ROOT at $REV; $(tshark --version | head -1); $(valgrind --version)"
say "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(. /etc/os-release && echo "$PRETTY_NAME")"

# ---- work folder, staged plugin, tshark as an unprivileged user (tools/lib.sh) ----
FTPLENS_STAGE_WS=$WSV stage_plugin "$WORK" "$FTPLENS_BUILD_DIR/plugin/ftplens.so"
RES=$WORK/results
mkdir -p "$RES"
give_to_user "$RES"
as_user tshark -G plugins 2>/dev/null | grep -q '^ftplens\.so' || die "tshark does not load $WORK/plugins/$WSV/epan/ftplens.so"

# ---- captures ----
BIG_FTP=$WORK/big-ftp.pcap
BIG_NO=$WORK/big-noftp.pcap
GEN_ARGS="--frames $FRAMES --sessions $SESSIONS"
STAMP="$GEN_ARGS $(sha256sum "$FTPLENS_ROOT/tools/gen-big-capture.py" | cut -c1-16) $(cat "$FTPLENS_ROOT"/pcaps/*.pcap* | sha256sum | cut -c1-16)"
if [ "${FTPLENS_BENCH_REGEN:-0}" = 1 ] || [ ! -s "$BIG_FTP" ] || [ ! -s "$BIG_NO" ] ||
   [ "$(cat "$WORK/gen.stamp" 2>/dev/null)" != "$STAMP" ]; then
    say "generating $BIG_FTP and $BIG_NO ($GEN_ARGS)"
    rm -f "$WORK/gen.stamp"
    # shellcheck disable=SC2086
    nice -n "$NICE" python3 "$FTPLENS_ROOT/tools/gen-big-capture.py" "$BIG_FTP" "$BIG_NO" $GEN_ARGS \
        >"$WORK/gen.out" 2>"$WORK/gen.log" || { cat "$WORK/gen.log"; die "generator failed"; }
    echo "$STAMP" >"$WORK/gen.stamp"
else
    say "reusing $BIG_FTP and $BIG_NO ($GEN_ARGS)"
fi
cat "$WORK/gen.out"
TOTAL_FRAMES=$(sed -n 's/.*frames=\([0-9]*\).*/\1/p' "$WORK/gen.out")
TOTAL_SESSIONS=$(sed -n 's/.*sessions=\([0-9]*\).*/\1/p' "$WORK/gen.out")
TOTAL_CONNS=$(sed -n 's/.*connections=\([0-9]*\).*/\1/p' "$WORK/gen.out")
[ "$CG_FRAMES" -le "$TOTAL_FRAMES" ] || CG_FRAMES=$TOTAL_FRAMES
[ "$WALL_FRAMES" -le "$TOTAL_FRAMES" ] || WALL_FRAMES=$TOTAL_FRAMES

for cap in ftp noftp; do
    big=$WORK/big-$cap.pcap
    for spec in "one:1" "cg:1-$CG_FRAMES" "wall:1-$WALL_FRAMES"; do
        out=$WORK/${spec%%:*}-$cap.pcap
        editcap -r "$big" "$out" "${spec#*:}" || die "editcap failed"   # sizes may differ from the last run
    done
done

# Real public captures: measured whole with callgrind (too small for wall time and RSS),
# minus their first REAL_BASE frames: on a few hundred frames the one-off work the
# first FTP frames trigger (lazily built tables, the report's start) would weigh
# thousands of instructions per frame if only the first frame were subtracted.
PUBLIC=$FTPLENS_ROOT/../shared/pcaps/public
REAL=${FTPLENS_BENCH_REAL-}
if [ -z "${FTPLENS_BENCH_REAL+set}" ] && [ -d "$PUBLIC" ]; then
    REAL="$PUBLIC/zeek__ftp-with-numbers-in-filename.pcap $PUBLIC/suricata-verify__ftp-too-long-response.pcap"
fi
REAL_CAPS=()
REAL_BASE=${REAL_BASE:-20}
: >"$WORK/real.tsv"
for f in $REAL; do
    [ -s "$f" ] || die "FTPLENS_BENCH_REAL: $f is missing"
    cap=real$((${#REAL_CAPS[@]} + 1))
    REAL_CAPS+=("$cap")
    editcap -F pcap "$f" "$WORK/cg-$cap.pcap" || die "editcap failed on $f"
    editcap -F pcap -r "$f" "$WORK/one-$cap.pcap" "1-$REAL_BASE" || die "editcap failed on $f"
    n=$(capinfos -c -M "$WORK/cg-$cap.pcap" | sed -n 's/.*packets: *//p')
    ftp=$(as_user tshark -r "$WORK/cg-$cap.pcap" -Y ftp 2>/dev/null | wc -l)
    printf '%s\t%s\t%s\t%s\t%s\n' "$cap" "$(basename "$f")" "$n" "$ftp" "$REAL_BASE" >>"$WORK/real.tsv"
    say "real capture $cap: $(basename "$f"), $n frames, $ftp of them FTP lines for the stock dissector"
done
[ ${#REAL_CAPS[@]} -gt 0 ] || say "no real capture measured (../shared/pcaps/public is absent and FTPLENS_BENCH_REAL is unset)"
chmod 644 "$WORK"/*.pcap

# The no-FTP capture must carry no FTP at all.
n=$(as_user tshark -r "$WORK/wall-noftp.pcap" -Y 'ftplens || ftp || ftp-data' 2>/dev/null | wc -l)
[ "$n" -eq 0 ] || die "the no-FTP capture has $n frames that ftplens or stock FTP dissects"
say "no-FTP capture: 0 frames match 'ftplens || ftp || ftp-data' (first $WALL_FRAMES frames)"

# ---- the commands ----
CMDS=(filter fields verbose report)
# cmd_args MODE CMD FILE: tshark's arguments, the same in both modes but for
# --disable-protocol ftplens.
cmd_args() {
    local mode=$1 cmd=$2 file=$3 m=()
    [ "$mode" = stock ] && m=(--disable-protocol ftplens)
    case $cmd in
    filter)  printf '%s\0' "${m[@]}" -r "$file" -Y 'tcp.port==21' ;;
    fields)  printf '%s\0' "${m[@]}" -r "$file" -T fields -e frame.number -e ftplens.reply.class ;;
    verbose) printf '%s\0' "${m[@]}" -2 -r "$file" -Y ftplens.risk -V ;;
    report)  printf '%s\0' "${m[@]}" -r "$file" -q -z ftplens,report ;;
    esac
}
run_tshark() {   # run_tshark MODE CMD FILE [prefix...]: runs it, output to /dev/null
    local mode=$1 cmd=$2 file=$3; shift 3
    local args=()
    mapfile -d '' args < <(cmd_args "$mode" "$cmd" "$file")
    as_user nice -n "$NICE" "$@" tshark "${args[@]}" >/dev/null
}
peak_rss() {    # peak_rss MODE FILE: peak RSS (KiB) of command 'fields'
    local t=$RES/time.$$
    run_tshark "$1" fields "$2" /usr/bin/time -f '%M' -o "$t" || die "tshark failed: $1 fields $2"
    cat "$t"
    rm -f "$t"
}
# callgrind_run MODE CMD FILE OUT: instructions of one run into OUT.out (log OUT.log)
callgrind_run() {
    local args=()
    mapfile -d '' args < <(cmd_args "$1" "$2" "$3")
    as_user nice -n "$NICE" valgrind --tool=callgrind --callgrind-out-file="$4.out" tshark "${args[@]}" >/dev/null 2>"$4.log"
}
total_of() { sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$1.out" | head -1; }   # total_of OUT

# ---- callgrind: instructions per frame ----
CG=$RES/callgrind
rm -rf "$CG"
mkdir -p "$CG"
give_to_user "$CG"
: >"$CG/jobs"
for cap in ftp noftp "${REAL_CAPS[@]}"; do
    for cmd in "${CMDS[@]}"; do
        for mode in stock ftplens; do
            for sl in cg one; do
                echo "$cap $cmd $mode $sl" >>"$CG/jobs"
            done
        done
    done
done
say "callgrind: $(wc -l <"$CG/jobs") runs ($CG_FRAMES-frame and 1-frame slices), $JOBS at a time, nice $NICE"
cg_job() {
    local cap=$1 cmd=$2 mode=$3 sl=$4
    local base=$CG/$cap-$cmd-$mode-$sl
    callgrind_run "$mode" "$cmd" "$WORK/$sl-$cap.pcap" "$base" ||
        { echo "callgrind run failed: $base (see $base.log)" >&2; return 1; }
    echo "  done: $cap $cmd $mode $sl" >&2
}
export -f cg_job callgrind_run cmd_args as_user as_user_prefix user_prefix
export CG WORK NICE
xargs -P "$JOBS" -L 1 bash -c 'cg_job "$@"' _ <"$CG/jobs" || die "a callgrind run failed"
ir() { total_of "$CG/$1"; }

# Per-function profiles (self cost, and inclusive for the ftplens runs) and the
# per-function difference ftplens - stock, start-up (one-frame run) removed.
for f in "$CG"/*.out; do
    callgrind_annotate --auto=no --threshold=100 "$f" >"${f%.out}.self.txt" 2>/dev/null || true
    case $f in *-ftplens-cg.out)
        callgrind_annotate --auto=no --inclusive=yes --threshold=100 "$f" >"${f%.out}.incl.txt" 2>/dev/null || true ;;
    esac
done
python3 - "$CG" "$CG_FRAMES" "$WORK/real.tsv" <<'PY'
import os, re, sys
cg, cg_frames = sys.argv[1], int(sys.argv[2])
# Per frame: (whole - base run) / (frames - base frames); the big slices' base is one frame.
real_frames = {l.split("\t")[0]: int(l.split("\t")[2]) - int(l.split("\t")[4]) + 1
               for l in open(sys.argv[3]) if l.strip()}
line = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*?)(?: \[[^\]]*\])?$")
def funcs(path):
    out = {}
    for l in open(path, errors="replace"):
        m = line.match(l)
        if m and "PROGRAM TOTALS" not in m.group(2):
            # The same function may be listed under its file and under ???: merge by name.
            name = m.group(2).split(":", 1)[-1]
            out[name] = out.get(name, 0) + int(m.group(1).replace(",", ""))
    return out
caps = sorted({os.path.basename(p).split("-")[0] for p in os.listdir(cg) if p.endswith("-cg.out")})
for cap in caps:
    for cmd in ("filter", "fields", "verbose", "report"):
        r = {}
        for mode in ("stock", "ftplens"):
            big = funcs(f"{cg}/{cap}-{cmd}-{mode}-cg.self.txt")
            one = funcs(f"{cg}/{cap}-{cmd}-{mode}-one.self.txt")
            r[mode] = {k: v - one.get(k, 0) for k, v in big.items()}
        frames = real_frames.get(cap, cg_frames)
        keys = set(r["stock"]) | set(r["ftplens"])
        diff = sorted(((r["ftplens"].get(k, 0) - r["stock"].get(k, 0)) / (frames - 1), k) for k in keys)
        diff.reverse()
        with open(f"{cg}/{cap}-{cmd}.diff.txt", "w") as fh:
            fh.write(f"# {cap} {cmd}: self instructions per frame, ftplens minus stock (start-up removed)\n")
            for d, k in diff:
                if abs(d) >= 1:
                    fh.write(f"{d:12,.1f}  {k}\n")
        # The plugin's own functions, inclusive, per frame.
        inc = f"{cg}/{cap}-{cmd}-ftplens-cg.incl.txt"
        rows = {}
        for l in open(inc, errors="replace"):
            m = line.match(l)
            if m and "ftplens" in l:
                name = m.group(2).split(":", 1)[-1]
                rows[name] = max(rows.get(name, 0), int(m.group(1).replace(",", "")))
        with open(f"{cg}/{cap}-{cmd}-ftplens.functions.txt", "w") as fh:
            fh.write(f"# {cap} {cmd}: ftplens functions, inclusive instructions per frame (first {frames} frames)\n")
            for k, v in sorted(rows.items(), key=lambda kv: -kv[1]):
                fh.write(f"{v / (frames - 1):12,.1f}  {k}\n")
PY
for cap in ftp noftp; do
    for cmd in filter fields verbose; do
        say "where the extra instructions go ($cap, $cmd; self instructions per frame, ftplens - stock; top 12):"
        sed -n '2,13p' "$CG/$cap-$cmd.diff.txt"
    done
done
say "ftplens functions, inclusive instructions per frame (FTP-heavy, fields; top 15):"
sed -n '2,16p' "$CG/ftp-fields-ftplens.functions.txt"

# ---- wall time and peak RSS: RUNS interleaved runs on the WALL_FRAMES slice ----
WALL=$RES/wall.tsv
printf 'capture\tcommand\tmode\trun\tseconds\tmax_rss_kb\n' >"$WALL"
say "wall time: $RUNS interleaved runs per command and mode on the first $WALL_FRAMES frames"
for cap in ftp noftp; do
    for cmd in "${CMDS[@]}"; do
        for i in $(seq 1 "$RUNS"); do
            # Alternate which mode goes first, so neither always runs on a warm cache.
            if [ $((i % 2)) -eq 1 ]; then order="stock ftplens"; else order="ftplens stock"; fi
            for mode in $order; do
                t=$RES/time.$$
                run_tshark "$mode" "$cmd" "$WORK/wall-$cap.pcap" /usr/bin/time -f '%e %M' -o "$t" ||
                    die "tshark failed: $cap $cmd $mode"
                read -r sec kb <"$t" && rm -f "$t"
                printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$cap" "$cmd" "$mode" "$i" "$sec" "$kb" >>"$WALL"
            done
        done
    done
done

# ---- RSS growth: command 'fields' on the whole captures and on one frame ----
RSS=$RES/rss.tsv
printf 'capture\tslice\tmode\tmax_rss_kb\n' >"$RSS"
say "peak RSS of 'fields' on the whole captures ($TOTAL_FRAMES frames) and on one frame"
for cap in ftp noftp; do
    for sl in big one; do
        for mode in stock ftplens; do
            rss=$(peak_rss "$mode" "$WORK/$sl-$cap.pcap")
            printf '%s\t%s\t%s\t%s\n' "$cap" "$sl" "$mode" "$rss" >>"$RSS"
        done
    done
done

# ---- scaling (--scaling): memory per session and instructions per frame as the capture grows ----
SCALE=$RES/scaling.tsv
printf 'what\tsize\tframes\tsessions\tmode\tmax_rss_kb\tir_big\tir_one\n' >"$SCALE"
if [ "$SCALING" = 1 ]; then
    : "${SCALE_COMMANDS:=$([ "$QUICK" = 1 ] && echo 10000 || echo 100000)}"
    say "scaling: peak RSS of 'fields' on 10/50/100 % of the FTP-heavy capture"
    for pct in 10 50 100; do
        f=$WORK/big-ftp.pcap
        n=$((TOTAL_FRAMES * pct / 100))
        if [ "$pct" != 100 ]; then f=$WORK/pct$pct-ftp.pcap; editcap -r "$WORK/big-ftp.pcap" "$f" "1-$n" || die "editcap failed"; chmod 644 "$f"; fi
        sessions=$(as_user tshark -r "$f" -T fields -e ftplens.session -Y 'ftplens.line' 2>/dev/null | sort -u | wc -l)
        for mode in stock ftplens; do
            rss=$(peak_rss "$mode" "$f")
            printf 'capture\t%s\t%s\t%s\t%s\t%s\t\t\n' "$pct" "$n" "$sessions" "$mode" "$rss" >>"$SCALE"
        done
    done
    say "scaling: one session of $((SCALE_COMMANDS / 10)), $((SCALE_COMMANDS / 2)) and $SCALE_COMMANDS commands (tools/gen-long-session.py)"
    for k in $((SCALE_COMMANDS / 10)) $((SCALE_COMMANDS / 2)) "$SCALE_COMMANDS"; do
        f=$WORK/long-$k.pcap
        python3 "$FTPLENS_ROOT/tools/gen-long-session.py" "$f" --commands "$k" >/dev/null
        editcap -r "$f" "$WORK/long-one.pcap" 1
        chmod 644 "$f" "$WORK/long-one.pcap"
        n=$(capinfos -c -M "$f" | sed -n 's/.*packets: *//p')
        for mode in stock ftplens; do
            rss=$(peak_rss "$mode" "$f")
            irs=()
            for sl in "$f" "$WORK/long-one.pcap"; do
                callgrind_run "$mode" fields "$sl" "$CG/long" || die "callgrind failed on $sl (see $CG/long.log)"
                irs+=("$(total_of "$CG/long")")
            done
            printf 'session\t%s\t%s\t1\t%s\t%s\t%s\t%s\n' "$k" "$n" "$mode" "$rss" "${irs[0]}" "${irs[1]}" >>"$SCALE"
        done
    done
fi

# ---- summary ----
: >"$RES/ir.tsv"
for cap in ftp noftp "${REAL_CAPS[@]}"; do
    for cmd in "${CMDS[@]}"; do
        for mode in stock ftplens; do
            printf '%s\t%s\t%s\t%s\t%s\n' "$cap" "$cmd" "$mode" "$(ir "$cap-$cmd-$mode-cg")" "$(ir "$cap-$cmd-$mode-one")" >>"$RES/ir.tsv"
        done
    done
done
python3 "$FTPLENS_ROOT/tools/bench-summary.py" "$RES" "$CG_FRAMES" "$WALL_FRAMES" "$TOTAL_FRAMES" "$TOTAL_SESSIONS" "$TOTAL_CONNS" "$RUNS" "$WORK/real.tsv"
