#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tools/fuzz-campaign.sh [N] - capture fuzzing in the manner of Wireshark's
# tools/fuzz-test.sh, with the ASan + UBSan build of the plugin.
#
# For N variants (default 500): pick a capture (round robin over pcaps/*.pcapng
# and ../shared/pcaps/public/*), corrupt it with `editcap -E <p> --seed <s>
# -o <offset>` (probability, seed and protected offset vary from variant to
# variant; every fourth round also cuts frames with `-s <snaplen>`), and run
# `tshark -r <variant> -2 -V` (output to /dev/null, mask_passwords and the
# heuristic alternating, with the -z ftplens,tree statistics, the -z ftplens,log,json
# log of every command and, on every
# other variant, the -z ftplens,report walkthrough, on the others the
# teacher's kit: -z ftplens,answers,json or -z ftplens,worksheet) with a timeout.  The
# campaign stops at the first variant that crashes tshark (signal), hangs
# (timeout), or makes ASan/UBSan report or a "Dissector bug"; that input and
# its log are kept in
# fuzz-crashes/ with a replay script.  A failing input is re-run without the
# plugin: when stock tshark fails on it too, it is a Wireshark bug, kept as
# fuzz-crashes/stock-*, reported, and the campaign goes on.
#
# Every fifth variant also has its timestamps shifted with `editcap -t` (far
# past and far future, beyond year 2262 where nanoseconds overflow int64:
# finding F1 of docs/ROBUSTNESS.md); FTPLENS_FUZZ_TIMESHIFT=0 turns that off.
#
# Environment: FTPLENS_FUZZ_JOBS (parallel tshark runs, default nproc),
# FTPLENS_FUZZ_SEED (first seed, default: seconds since the epoch),
# FTPLENS_FUZZ_TIMEOUT (seconds per run, default 120).
# Ends with 'N passed, N failed'; exits 1 when a variant failed.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" || exit 1    # say, die, ensure_packages, ws_major_minor
FTPLENS_SAY_TAG=ftplens-fuzz-campaign
ROOT=$FTPLENS_ROOT
cd "$ROOT" || exit 1

N=${1:-500}
case $N in '' | *[!0-9]*) echo "usage: $0 [N]" >&2; exit 2 ;; esac
JOBS=${FTPLENS_FUZZ_JOBS:-$(nproc)}
SEED0=${FTPLENS_FUZZ_SEED:-$(date +%s)}
TIMEOUT=${FTPLENS_FUZZ_TIMEOUT:-120}
TIMESHIFT=${FTPLENS_FUZZ_TIMESHIFT:-1}
SHIFTS=(9300000000 -1800000000 4000000000 -1500000000 100000000)

ensure_packages cmake gcc make pkg-config libglib2.0-dev wireshark-dev tshark util-linux libasan8 libubsan1 coreutils

# The sanitized plugin (same build as tools/sanitize.sh).
B=$ROOT/build-sanitize
say "building the ASan + UBSan plugin in $B"
cmake -S "$ROOT" -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFTPLENS_BUILD_TESTS=OFF -DFTPLENS_WERROR=ON -DFTPLENS_SANITIZE=ON \
    >/dev/null 2>"$ROOT/.fuzz-configure.err" || { cat "$ROOT/.fuzz-configure.err"; rm -f "$ROOT/.fuzz-configure.err"; die "cmake configure failed"; }
rm -f "$ROOT/.fuzz-configure.err"
cmake --build "$B" -j "$(nproc)" >"$B/build.log" 2>&1 || { cat "$B/build.log"; die "build failed"; }
SO=$B/plugin/ftplens.so
nm -D "$SO" | grep -q __asan_report || die "$SO is not built with AddressSanitizer"

WS=$(ws_major_minor)
LIBASAN=$(gcc -print-file-name=libasan.so)
[ -f "$LIBASAN" ] || die "libasan.so not found"

all_captures "fuzzing the project's own captures only"
[ ${#CAPTURES[@]} -gt 0 ] || die "no captures found"

SCRATCH=$(mktemp -d /tmp/ftplens-fuzz.XXXXXX)
cleanup() {
    [ -n "${WORKERS:-}" ] && kill $WORKERS 2>/dev/null
    rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# The staged plugin, HOME and an empty extcap dir (tools/lib.sh); an empty plugin folder for stock tshark.
FTPLENS_STAGE_WS=$WS stage_plugin "$SCRATCH" "$SO"
mkdir -p "$SCRATCH/noplugins/$WS/epan" "$SCRATCH/work" "$SCRATCH/results"
CRASHES=$ROOT/fuzz-crashes
mkdir -p "$CRASHES"

# The sanitizer runtime and options of every run (see tools/sanitize.sh for why).
SAN_ENV=(LD_PRELOAD="$LIBASAN" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:symbolize=1
         UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)
out=$(as_user env "${SAN_ENV[@]}" tshark -G plugins 2>&1 | grep '^ftplens.so')
case $out in *"$SCRATCH/plugins/$WS/epan/ftplens.so"*) ;; *) die "tshark did not load the staged plugin: $out" ;; esac

PROBS=(0.02 0.005 0.01 0.05 0.1 0.03)
OFFSETS=(0 14 34 54 66)

# bad_run RC LOG: why a run failed, or nothing.
bad_run() {
    local rc=$1 log=$2
    if grep -q 'ERROR: AddressSanitizer' "$log"; then echo "AddressSanitizer report"
    elif grep -q 'runtime error:' "$log"; then echo "UndefinedBehaviorSanitizer report"
    elif grep -q 'Dissector bug' "$log"; then echo "Dissector bug"
    elif [ "$rc" -eq 124 ]; then echo "timeout (${TIMEOUT}s): hang"
    elif [ "$rc" -gt 128 ]; then echo "killed by signal $((rc - 128))"
    elif [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then echo "exit status $rc"
    fi
}

# run_variant I: build variant I, run it, write a result line.
run_variant() {
    local i=$1
    local nc=${#CAPTURES[@]}
    local cap=${CAPTURES[$((i % nc))]}
    local round=$((i / nc))
    local seed=$((SEED0 + i))
    local p=${PROBS[$(((i + round) % ${#PROBS[@]}))]}
    local off=${OFFSETS[$(((i / 2 + round) % ${#OFFSETS[@]}))]}
    local snap=""
    [ $((round % 4)) -eq 3 ] && snap="-s $((60 + (seed % 200)))"
    [ "$TIMESHIFT" = 1 ] && [ $((i % 5)) -eq 4 ] && snap="$snap -t ${SHIFTS[$(((i / 5) % ${#SHIFTS[@]}))]}"
    local mask=TRUE heur=TRUE
    [ $((i % 2)) -eq 1 ] && mask=FALSE
    [ $((i % 3)) -eq 2 ] && heur=FALSE
    local ext=pcapng
    case $cap in *.pcap | *.pcap.gz) ext=pcap ;; esac
    local v=$SCRATCH/work/v$i.$ext log=$SCRATCH/work/v$i.log
    local editcmd="editcap -E $p --seed $seed -o $off $snap"
    # shellcheck disable=SC2086
    if ! editcap -E "$p" --seed "$seed" -o "$off" $snap "$cap" "$v" >"$log" 2>&1; then
        echo "$i SKIP editcap failed on $(basename "$cap")" >>"$SCRATCH/results/$BASHPID"
        rm -f "$v" "$log"
        return
    fi
    chmod a+r "$v"
    local opts="-o ftplens.mask_passwords:$mask -o ftplens.heuristic:$heur -z ftplens,tree -o ftplens.log_commands:all -z ftplens,log,json"
    # the -z ftplens,report walkthrough (text or Markdown) on every other variant
    case $((i % 4)) in 0) opts="$opts -z ftplens,report" ;; 2) opts="$opts -z ftplens,report,md" ;;
        1) opts="$opts -o ftplens.worksheet_variant:$i -z ftplens,answers,json" ;; 3) opts="$opts -z ftplens,worksheet" ;; esac
    # shellcheck disable=SC2086
    as_user env "${SAN_ENV[@]}" timeout "$TIMEOUT" tshark -r "$v" -2 -V $opts >/dev/null 2>"$log"
    local rc=$?
    local why
    why=$(bad_run "$rc" "$log")
    if [ -z "$why" ]; then
        echo "$i PASS" >>"$SCRATCH/results/$BASHPID"
        rm -f "$v" "$log"
        return
    fi
    # Does stock tshark (no ftplens) fail on it as well?
    local slog=$SCRATCH/work/v$i.stock.log
    as_user env WIRESHARK_PLUGIN_DIR="$SCRATCH/noplugins" "${SAN_ENV[@]}" timeout "$TIMEOUT" tshark -r "$v" -2 -V \
        >/dev/null 2>"$slog"
    local src=$?
    local swhy
    swhy=$(bad_run "$src" "$slog")
    local name kind
    if [ -n "$swhy" ]; then
        kind=STOCK name=stock-v$i-$(basename "$cap" | sed 's/\.[^.]*$//; s/\.pcap$//').$ext
    else
        kind=FAIL name=v$i-$(basename "$cap" | sed 's/\.[^.]*$//; s/\.pcap$//').$ext
    fi
    cp "$v" "$CRASHES/$name"
    {
        echo "# variant $i: $why (stock tshark without ftplens: ${swhy:-fine})"
        echo "# made from: $cap"
        echo "# with: $editcmd $cap $name"
        echo "# tshark options: -2 -V $opts ; exit status $rc"
        cat "$log"
    } >"$CRASHES/$name.log"
    cat >"$CRASHES/$name.replay.sh" <<EOF
#!/usr/bin/env bash
# Replays fuzz-crashes/$name with the ASan + UBSan plugin ($why).
# Needs this repository (it uses tools/lib.sh) and build-sanitize/ built
# (tools/sanitize.sh --asan or tools/fuzz-campaign.sh).
set -e
cd "\$(dirname "\$0")/.."
. tools/lib.sh
d=\$(mktemp -d /tmp/ftplens-replay.XXXXXX)
trap 'rm -rf "\$d"' EXIT
stage_plugin "\$d" build-sanitize/plugin/ftplens.so
install -m 0644 "fuzz-crashes/$name" "\$d/"
as_user env LD_PRELOAD="\$(gcc -print-file-name=libasan.so)" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \\
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \\
    tshark -r "\$d/$name" -2 -V $opts >/dev/null
EOF
    chmod +x "$CRASHES/$name.replay.sh"
    echo "$i $kind $name: $why" >>"$SCRATCH/results/$BASHPID"
    [ $kind = FAIL ] && touch "$SCRATCH/stop"
    rm -f "$v" "$log" "$slog"
}

# worker K: variants K, K+JOBS, K+2*JOBS, ... until N or a stop.
worker() {
    local i=$1
    : >"$SCRATCH/results/$BASHPID"
    while [ "$i" -lt "$N" ] && [ ! -e "$SCRATCH/stop" ]; do
        run_variant "$i"
        i=$((i + JOBS))
    done
}

say "$N variants of ${#CAPTURES[@]} captures, $JOBS at a time, seeds $SEED0..$((SEED0 + N - 1)), timeout ${TIMEOUT}s"
START=$(date +%s)
WORKERS=""
for k in $(seq 0 $((JOBS - 1))); do
    worker "$k" &
    WORKERS="$WORKERS $!"
done

count() { cat "$SCRATCH"/results/* 2>/dev/null | grep -c " $1" ; }
last=-1
while :; do
    alive=0
    for w in $WORKERS; do kill -0 "$w" 2>/dev/null && alive=1; done
    done_n=$(cat "$SCRATCH"/results/* 2>/dev/null | wc -l)
    if [ "$done_n" -ne "$last" ] && { [ $((done_n / 50)) -ne $((last / 50)) ] || [ $alive -eq 0 ]; }; then
        now=$(date +%s)
        say "progress: $done_n/$N done, $(count PASS) passed, $(count FAIL) failed, $(count STOCK) stock-only, $((now - START)) s"
        last=$done_n
    fi
    [ $alive -eq 0 ] && break
    sleep 2
done
wait
WORKERS=""
END=$(date +%s)

cat "$SCRATCH"/results/* | sort -n >"$SCRATCH/all"
passed=$(grep -c ' PASS' "$SCRATCH/all")
failed=$(grep -c ' FAIL' "$SCRATCH/all")
stock=$(grep -c ' STOCK' "$SCRATCH/all")
skipped=$(grep -c ' SKIP' "$SCRATCH/all")
say "$((passed + failed + stock + skipped)) variants run in $((END - START)) s ($JOBS at a time)"
[ "$skipped" -gt 0 ] && grep ' SKIP' "$SCRATCH/all" | sed 's/^/  /'
if [ "$stock" -gt 0 ]; then
    say "$stock inputs also fail in stock tshark without ftplens (Wireshark bugs, not ftplens; kept):"
    grep ' STOCK' "$SCRATCH/all" | sed "s|^|  |; s| STOCK | fuzz-crashes/|"
fi
if [ "$failed" -gt 0 ]; then
    say "FAILED (ftplens): stopped at the first failure; inputs, logs and replay scripts in fuzz-crashes/:"
    grep ' FAIL' "$SCRATCH/all" | while read -r i _ name why; do
        echo "  fuzz-crashes/${name%:} ($why)"
        sed -n '1,4p;/ERROR: AddressSanitizer\|runtime error\|Dissector bug/,+25p' "$CRASHES/${name%:}.log" | head -45 | sed 's/^/    /'
    done
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
