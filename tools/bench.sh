#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/bench.sh [--quick] - what ftplens costs tshark (issue 6).
#
# Builds the plugin (build-bench/), generates or reuses two big captures with
# tools/gen-big-capture.py (an FTP-heavy one and a same-size one without FTP),
# and for each capture runs stock tshark (--disable-protocol ftplens) and
# tshark with ftplens, interleaved, for three commands:
#
#   fields   tshark -r F -T fields -e frame.number -e ftplens.reply.class
#   verbose  tshark -2 -r F -Y ftplens.risk -V
#   report   ftplens: tshark -r F -q -z ftplens,report
#            stock:   tshark -r F -q -z conv,tcp   (nearest stock per-connection summary)
#
# These are the commands issue 6 names.  fields and verbose are the identical
# command line in both modes (the ftplens fields stay registered when the
# protocol is disabled, they are just empty): the difference is what ftplens adds.
#
# Primary figure: instructions per frame, from valgrind --tool=callgrind on a
# slice of the first CG_FRAMES frames minus a one-frame run (start-up).  Beside
# it: the median wall time of RUNS interleaved runs on a slice of the first
# WALL_FRAMES frames, the median peak RSS of those runs (/usr/bin/time -v), and
# the RSS growth per FTP session / per non-FTP frame from command 'fields' on
# the whole captures.  The last line prints the ratios ftplens/stock.
#
# --quick: small sizes (a few minutes).  Environment:
#   FTPLENS_BENCH_DIR     work folder (default /tmp/ftplens-bench, /tmp/ftplens-bench-quick with --quick);
#                         big captures, slices and results/ go there, never into the repository
#   FTPLENS_BUILD_DIR     build folder (default build-bench)
#   FTPLENS_BENCH_JOBS    callgrind runs in parallel (default 2)
#   FTPLENS_BENCH_NICE    nice level of every measured run (default 10)
#   FTPLENS_BENCH_REGEN=1 regenerate the captures even if they exist
#   FRAMES SESSIONS CG_FRAMES WALL_FRAMES RUNS  override the sizes
set -euo pipefail
export FTPLENS_BUILD_DIR=${FTPLENS_BUILD_DIR:-build-bench}
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

QUICK=0
for a in "$@"; do
    case $a in
    --quick) QUICK=1 ;;
    -h|--help) sed -n '3,35p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $a (usage: tools/bench.sh [--quick])" ;;
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
chmod 644 "$WORK"/*.pcap

# The no-FTP capture must carry no FTP at all.
n=$(as_user tshark -r "$WORK/wall-noftp.pcap" -Y 'ftplens || ftp || ftp-data' 2>/dev/null | wc -l)
[ "$n" -eq 0 ] || die "the no-FTP capture has $n frames that ftplens or stock FTP dissects"
say "no-FTP capture: 0 frames match 'ftplens || ftp || ftp-data' (first $WALL_FRAMES frames)"

# ---- the commands ----
CMDS=(fields verbose report)
# cmd_args MODE CMD FILE: tshark's arguments.
cmd_args() {
    local mode=$1 cmd=$2 file=$3 m=()
    [ "$mode" = stock ] && m=(--disable-protocol ftplens)
    case $cmd in
    fields)  printf '%s\0' "${m[@]}" -r "$file" -T fields -e frame.number -e ftplens.reply.class ;;
    verbose) printf '%s\0' "${m[@]}" -2 -r "$file" -Y ftplens.risk -V ;;
    report)  if [ "$mode" = stock ]; then printf '%s\0' "${m[@]}" -r "$file" -q -z conv,tcp
             else printf '%s\0' -r "$file" -q -z ftplens,report; fi ;;
    esac
}
run_tshark() {   # run_tshark MODE CMD FILE [prefix...]: runs it, output to /dev/null
    local mode=$1 cmd=$2 file=$3; shift 3
    local args=()
    mapfile -d '' args < <(cmd_args "$mode" "$cmd" "$file")
    as_user nice -n "$NICE" "$@" tshark "${args[@]}" >/dev/null
}

# ---- callgrind: instructions per frame ----
CG=$RES/callgrind
rm -rf "$CG"
mkdir -p "$CG"
give_to_user "$CG"
: >"$CG/jobs"
for cap in ftp noftp; do
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
    local cap=$1 cmd=$2 mode=$3 sl=$4 args=()
    local base=$CG/$cap-$cmd-$mode-$sl
    mapfile -d '' args < <(cmd_args "$mode" "$cmd" "$WORK/$sl-$cap.pcap")
    as_user nice -n "$NICE" valgrind --tool=callgrind --callgrind-out-file="$base.out" tshark "${args[@]}" >/dev/null 2>"$base.log" ||
        { echo "callgrind run failed: $base (see $base.log)" >&2; return 1; }
    echo "  done: $cap $cmd $mode $sl" >&2
}
export -f cg_job cmd_args as_user as_user_prefix user_prefix
export CG WORK NICE
xargs -P "$JOBS" -L 1 bash -c 'cg_job "$@"' _ <"$CG/jobs" || die "a callgrind run failed"
ir() { sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$CG/$1.out" | head -1; }

# Per-function profiles (self cost, and inclusive for the ftplens runs) and the
# per-function difference ftplens - stock, start-up (one-frame run) removed.
for f in "$CG"/*.out; do
    callgrind_annotate --auto=no --threshold=100 "$f" >"${f%.out}.self.txt" 2>/dev/null || true
    case $f in *-ftplens-cg.out)
        callgrind_annotate --auto=no --inclusive=yes --threshold=100 "$f" >"${f%.out}.incl.txt" 2>/dev/null || true ;;
    esac
done
python3 - "$CG" "$CG_FRAMES" <<'PY'
import os, re, sys
cg, frames = sys.argv[1], int(sys.argv[2])
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
for cap in ("ftp", "noftp"):
    for cmd in ("fields", "verbose", "report"):
        r = {}
        for mode in ("stock", "ftplens"):
            big = funcs(f"{cg}/{cap}-{cmd}-{mode}-cg.self.txt")
            one = funcs(f"{cg}/{cap}-{cmd}-{mode}-one.self.txt")
            r[mode] = {k: v - one.get(k, 0) for k, v in big.items()}
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
    for cmd in fields verbose; do
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
            t=$RES/time.$$
            run_tshark "$mode" fields "$WORK/$sl-$cap.pcap" /usr/bin/time -f '%M' -o "$t" || die "tshark failed"
            printf '%s\t%s\t%s\t%s\n' "$cap" "$sl" "$mode" "$(cat "$t")" >>"$RSS"
            rm -f "$t"
        done
    done
done

# ---- summary ----
: >"$RES/ir.tsv"
for cap in ftp noftp; do
    for cmd in "${CMDS[@]}"; do
        for mode in stock ftplens; do
            printf '%s\t%s\t%s\t%s\t%s\n' "$cap" "$cmd" "$mode" "$(ir "$cap-$cmd-$mode-cg")" "$(ir "$cap-$cmd-$mode-one")" >>"$RES/ir.tsv"
        done
    done
done
python3 - "$RES" "$CG_FRAMES" "$WALL_FRAMES" "$TOTAL_FRAMES" "$TOTAL_SESSIONS" "$TOTAL_CONNS" "$RUNS" <<'PY'
import csv, os, statistics, sys
res, cg_frames, wall_frames, total_frames, sessions, conns, runs = sys.argv[1], *map(int, sys.argv[2:])
ir = {}
for cap, cmd, mode, big, one in csv.reader(open(os.path.join(res, "ir.tsv")), delimiter="\t"):
    ir[cap, cmd, mode] = (int(big) - int(one)) / (cg_frames - 1)
wall, rss = {}, {}
rows = list(csv.DictReader(open(os.path.join(res, "wall.tsv")), delimiter="\t"))
for r in rows:
    k = (r["capture"], r["command"], r["mode"])
    wall.setdefault(k, []).append(float(r["seconds"]))
    rss.setdefault(k, []).append(int(r["max_rss_kb"]))
full = {}
for r in csv.DictReader(open(os.path.join(res, "rss.tsv")), delimiter="\t"):
    full[r["capture"], r["slice"], r["mode"]] = int(r["max_rss_kb"])
names = {"ftp": "FTP-heavy", "noftp": "no-FTP"}
out = []
out.append(f"| capture | command | instr/frame stock | instr/frame ftplens | ratio | extra instr/frame | "
           f"wall median stock (s) | wall median ftplens (s) | wall ratio | peak RSS stock (MiB) | peak RSS ftplens (MiB) |")
out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
ratios = {}
for cap in ("ftp", "noftp"):
    for cmd in ("fields", "verbose", "report"):
        s, f = ir[cap, cmd, "stock"], ir[cap, cmd, "ftplens"]
        ratios[cap, cmd] = f / s
        ws, wf = statistics.median(wall[cap, cmd, "stock"]), statistics.median(wall[cap, cmd, "ftplens"])
        rs, rf = statistics.median(rss[cap, cmd, "stock"]), statistics.median(rss[cap, cmd, "ftplens"])
        out.append(f"| {names[cap]} | {cmd} | {s:,.0f} | {f:,.0f} | {f / s:.3f} | {f - s:+,.0f} | {ws:.2f} | {wf:.2f} | "
                   f"{wf / ws:.3f} | {rs / 1024:.1f} | {rf / 1024:.1f} |")
out.append("")
out.append(f"instructions: callgrind, first {cg_frames} frames minus the first frame; wall and peak RSS: median of "
           f"{runs} interleaved runs on the first {wall_frames} frames")
d = lambda cap, sl: full[cap, sl, "ftplens"] - full[cap, sl, "stock"]
g_ftp = (d("ftp", "big") - d("ftp", "one")) * 1024
g_no = (d("noftp", "big") - d("noftp", "one")) * 1024
out.append(f"peak RSS of 'fields' on the whole FTP-heavy capture ({total_frames} frames, {sessions} FTP sessions): "
           f"stock {full['ftp', 'big', 'stock'] / 1024:.1f} MiB, ftplens {full['ftp', 'big', 'ftplens'] / 1024:.1f} MiB; "
           f"growth {g_ftp / sessions:,.0f} bytes per FTP session ({g_ftp / total_frames:,.0f} bytes per frame)")
out.append(f"peak RSS of 'fields' on the whole no-FTP capture ({total_frames} frames, {conns} TCP connections): "
           f"stock {full['noftp', 'big', 'stock'] / 1024:.1f} MiB, ftplens {full['noftp', 'big', 'ftplens'] / 1024:.1f} MiB; "
           f"growth {g_no / total_frames:,.1f} bytes per frame ({g_no / conns:,.0f} bytes per TCP connection)")
out.append("(growth = (ftplens - stock) on the whole capture minus (ftplens - stock) on its first frame)")
ok_ftp = ratios["ftp", "fields"] <= 1.08 and ratios["ftp", "verbose"] <= 1.08
ok_no = ratios["noftp", "fields"] <= 1.02 and ratios["noftp", "verbose"] <= 1.02
out.append(f"targets: FTP-heavy <= 1.08 {'met' if ok_ftp else 'MISSED'} (fields, verbose); "
           f"no-FTP <= 1.02 {'met' if ok_no else 'MISSED'} (fields, verbose); "
           f"RSS <= 1024 bytes/session {'met' if g_ftp / sessions <= 1024 else 'MISSED'}")
out.append("ratios ftplens/stock, instructions per frame: FTP-heavy fields {:.3f} verbose {:.3f} report {:.3f} | "
           "no-FTP fields {:.3f} verbose {:.3f} report {:.3f}".format(
               *(ratios[c, m] for c in ("ftp", "noftp") for m in ("fields", "verbose", "report"))))
text = "\n".join(out)
open(os.path.join(res, "summary.md"), "w").write(text + "\n")
print(text)
PY
