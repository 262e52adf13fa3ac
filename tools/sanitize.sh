#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tools/sanitize.sh - run every capture through tshark with the plugin built
# with AddressSanitizer + UndefinedBehaviorSanitizer, then through valgrind
# memcheck with the plain build.
#
#   tools/sanitize.sh            # both stages
#   tools/sanitize.sh --asan     # sanitizer stage only
#   tools/sanitize.sh --valgrind # valgrind stage only
#
# Captures: pcaps/*.pcapng and ../shared/pcaps/public/* (skipped loudly when
# that folder is absent).  Each capture is dissected with
# `-o ftplens.mask_passwords:TRUE -V`, once in one pass and once with `-2`
# (plus the -z ftplens,report, tree, answers, worksheet and log taps) (ASan + UBSan,
# build-sanitize/), then once with `-2 -V` under valgrind
# (build-valgrind/, RelWithDebInfo, no sanitizer).
#
# A capture fails on: tshark exiting non-zero or by a signal, any
# "ERROR: AddressSanitizer", "runtime error:" (UBSan) or "Dissector bug"
# in its output, or any valgrind "Invalid read/write/free", "uninitialised"
# or "overlap" error with an ftplens frame in its stack (leak reports and
# errors entirely inside libwireshark/GLib are ignored).  Logs stay in
# build-sanitize/logs/ and build-valgrind/logs/.  Ends with 'N passed, N
# failed' and exits 1 when anything failed.
#
# Environment: FTPLENS_SANITIZE_JOBS (parallel tshark runs, default nproc);
# FTPLENS_SANITIZE_CAPTURES="a.pcap b.pcap" (only these captures);
# FTPLENS_SANITIZE_SOURCE=<dir> (build that source tree instead, in
# <dir>/build-sanitize and <dir>/build-valgrind: used for the positive
# control in docs/ROBUSTNESS.md, a copy of the plugin with an injected bug).
#
# How the ASan plugin runs inside the distribution's (non-ASan) tshark:
#   LD_PRELOAD=$(gcc -print-file-name=libasan.so)  the ASan runtime must be
#       first in the process; libubsan is then loaded by the plugin itself
#       (preloading both makes tshark hang);
#   ASAN_OPTIONS=detect_leaks=0  tshark leaks at exit by design;
#   WIRESHARK_EXTCAP_DIR=<empty dir>  otherwise tshark starts the extcap
#       helpers (androiddump...) with the ASan runtime preloaded, and
#       androiddump hangs forever;
#   tshark runs as nobody when we are root: tshark ignores WIRESHARK_PLUGIN_DIR
#       for root (stage_plugin and as_user in tools/lib.sh).
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" || exit 1    # say, die, ensure_packages, ws_major_minor
FTPLENS_SAY_TAG=ftplens-sanitize
REPO=$FTPLENS_ROOT
ROOT=$(cd -P "${FTPLENS_SANITIZE_SOURCE:-$REPO}" && pwd) || exit 1
cd "$REPO" || exit 1

DO_ASAN=1 DO_VG=1
case ${1:-} in
    --asan) DO_VG=0 ;;
    --valgrind) DO_ASAN=0 ;;
    "") ;;
    *) die "usage: $0 [--asan|--valgrind]" ;;
esac
JOBS=${FTPLENS_SANITIZE_JOBS:-$(nproc)}

ensure_packages cmake gcc make pkg-config libglib2.0-dev wireshark-dev tshark util-linux libasan8 libubsan1 \
    $([ $DO_VG -eq 1 ] && echo valgrind)

build() { # build DIR cmake-args...
    local dir=$1
    shift
    say "building $dir"
    cmake -S "$ROOT" -B "$ROOT/$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFTPLENS_BUILD_TESTS=OFF -DFTPLENS_WERROR=ON "$@" \
        >"$ROOT/$dir.configure.log" 2>&1 || { cat "$ROOT/$dir.configure.log"; die "cmake configure of $dir failed"; }
    cmake --build "$ROOT/$dir" -j "$(nproc)" >"$ROOT/$dir/build.log" 2>&1 \
        || { cat "$ROOT/$dir/build.log"; die "build of $dir failed"; }
    rm -f "$ROOT/$dir.configure.log"
}

WS=$(ws_major_minor)
[ -n "$WS" ] || die "cannot read the tshark version"

# The captures.
if [ -n "${FTPLENS_SANITIZE_CAPTURES:-}" ]; then
    CAPTURES=()
    for f in $FTPLENS_SANITIZE_CAPTURES; do CAPTURES+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done
else
    all_captures "only the project's own captures are checked"
fi
[ ${#CAPTURES[@]} -gt 0 ] || die "no captures found"

# A scratch folder readable by nobody: the staged plugin, an empty extcap dir, HOME (tools/lib.sh).
SCRATCH=$(mktemp -d /tmp/ftplens-sanitize.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
# Every capture must be readable by nobody.
for f in "${CAPTURES[@]}"; do
    [ -r "$f" ] || die "$f is not readable"
done

stage() { # stage SO [extra env...]: stages SO and checks that tshark loads it
    local so=$1 out
    shift
    FTPLENS_STAGE_WS=$WS stage_plugin "$SCRATCH" "$so"
    out=$(as_user env "$@" tshark -G plugins 2>&1 | grep '^ftplens.so')
    case $out in
        *"$SCRATCH/plugins/$WS/epan/ftplens.so"*) return 0 ;;
    esac
    die "tshark did not load $SCRATCH/plugins/$WS/epan/ftplens.so (got: ${out:-nothing})"
}
# the xargs jobs below run as_user in bash -c
export -f as_user as_user_prefix user_prefix

passed=0
failed=0
FAILED_RUNS=()

record() { # record NAME OK(0/1) LOG
    if [ "$2" -eq 0 ]; then
        passed=$((passed + 1))
        say "PASS $1"
    else
        failed=$((failed + 1))
        FAILED_RUNS+=("$1")
        say "FAIL $1 (log: $3)"
        sed -n '1,60p' "$4"
    fi
}

# ---------------------------------------------------------------- ASan + UBSan
if [ $DO_ASAN -eq 1 ]; then
    build build-sanitize -DFTPLENS_SANITIZE=ON
    SO=$ROOT/build-sanitize/plugin/ftplens.so
    nm -D "$SO" | grep -q __asan_report || die "$SO is not built with AddressSanitizer"
    LIBASAN=$(gcc -print-file-name=libasan.so)
    [ -f "$LIBASAN" ] || die "libasan.so not found (gcc -print-file-name=libasan.so)"
    SAN_ENV=(LD_PRELOAD="$LIBASAN" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:symbolize=1
             UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)
    stage "$SO" "${SAN_ENV[@]}"
    LOGS=$ROOT/build-sanitize/logs
    rm -rf "$LOGS"
    mkdir -p "$LOGS"
    chmod 777 "$LOGS"
    say "ASan + UBSan: ${#CAPTURES[@]} captures x (one pass, two passes), $JOBS at a time"
    # one job per line: "<mode> <capture>"
    for f in "${CAPTURES[@]}"; do
        printf '1pass\t%s\n2pass\t%s\n' "$f" "$f"
    done >"$SCRATCH/asan-jobs"
    export LOGS SAN_ENV_STR="${SAN_ENV[*]}"
    start=$(date +%s)
    # shellcheck disable=SC2016
    tr '\t' '\n' <"$SCRATCH/asan-jobs" | xargs -d '\n' -n 2 -P "$JOBS" bash -c '
        mode=$1 f=$2 base=$(basename "$f")
        log=$LOGS/$base.$mode.log
        two=""; [ "$mode" = 2pass ] && two="-2 -z ftplens,report -z ftplens,tree -z ftplens,answers,json -z ftplens,worksheet,md -o ftplens.log_commands:all -z ftplens,log -z ftplens,log,json"
        as_user env $SAN_ENV_STR timeout 600 tshark -r "$f" $two -V -o ftplens.mask_passwords:TRUE \
            >/dev/null 2>"$log.tmp"
        rc=$?
        { echo "exit status: $rc"; cat "$log.tmp"; } >"$log"; rm -f "$log.tmp"
    ' sh
    end=$(date +%s)
    say "ASan + UBSan runs took $((end - start)) s"
    for f in "${CAPTURES[@]}"; do
        for mode in 1pass 2pass; do
            log=$LOGS/$(basename "$f").$mode.log
            bad=0
            [ -f "$log" ] || { echo "exit status: missing log" >"$log"; bad=1; }
            head -1 "$log" | grep -qx 'exit status: 0' || bad=1
            grep -qE 'ERROR: AddressSanitizer|runtime error:|Dissector bug|SUMMARY: (Address|UndefinedBehavior)Sanitizer' "$log" && bad=1
            record "asan+ubsan $mode $(basename "$f")" $bad "$log" "$log"
        done
    done
fi

# -------------------------------------------------------------------- valgrind
if [ $DO_VG -eq 1 ]; then
    build build-valgrind
    stage "$ROOT/build-valgrind/plugin/ftplens.so"
    LOGS=$ROOT/build-valgrind/logs
    rm -rf "$LOGS"
    mkdir -p "$LOGS"
    chmod 777 "$LOGS"
    say "valgrind memcheck: ${#CAPTURES[@]} captures (-2 -V), $JOBS at a time"
    export LOGS
    start=$(date +%s)
    # shellcheck disable=SC2016
    printf '%s\n' "${CAPTURES[@]}" | xargs -d '\n' -n 1 -P "$JOBS" bash -c '
        f=$1 base=$(basename "$f")
        as_user timeout 1800 valgrind --tool=memcheck --leak-check=no --track-origins=yes \
            --num-callers=40 --error-limit=no --log-file="$LOGS/$base.vg.log" \
            tshark -r "$f" -2 -V -o ftplens.mask_passwords:TRUE >/dev/null 2>"$LOGS/$base.stderr"
        echo "exit status: $?" >>"$LOGS/$base.stderr"
    ' sh
    end=$(date +%s)
    say "valgrind runs took $((end - start)) s"
    for f in "${CAPTURES[@]}"; do
        base=$(basename "$f")
        vlog=$LOGS/$base.vg.log
        report=$LOGS/$base.ftplens-errors
        bad=0
        tail -1 "$LOGS/$base.stderr" | grep -qx 'exit status: 0' || bad=1
        grep -q 'Dissector bug' "$LOGS/$base.stderr" && bad=1
        # Error blocks: a headline line, then "at"/"by" frames, ended by an empty "==pid== " line.
        awk '
            /^==[0-9]+== [A-Z]/ && !/^==[0-9]+== (Memcheck|Copyright|Using Valgrind|Command|Parent PID|HEAP SUMMARY|LEAK SUMMARY|ERROR SUMMARY|For lists|For counts|Use --|Rerun with|Reachable blocks|To see them)/ {
                if (blk != "") flush()
                blk = $0 "\n"; next
            }
            /^==[0-9]+== *$/ { if (blk != "") flush(); next }
            { if (blk != "") blk = blk $0 "\n" }
            function flush() {
                if (blk ~ /(Invalid (read|write|free)|uninitialised|Mismatched free|overlap|Syscall param)/ &&
                    blk !~ /(definitely|indirectly|possibly) lost/ && blk ~ /(ftplens|plugin\/(core|glue)\/)/)
                    printf "%s\n", blk
                blk = ""
            }
            END { if (blk != "") flush() }
        ' "$vlog" >"$report"
        [ -s "$report" ] && bad=1
        if [ $bad -ne 0 ]; then
            { cat "$report"; tail -5 "$LOGS/$base.stderr"; } >"$report.show"
            record "valgrind $base" 1 "$vlog" "$report.show"
        else
            record "valgrind $base" 0 "$vlog" "$report"
        fi
    done
fi

if [ $failed -ne 0 ]; then
    say "failed runs:"
    printf '  %s\n' "${FAILED_RUNS[@]}"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
