#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/fuzz/run-fuzzers.sh [SECONDS] [HARNESS...]
#
# Builds the libFuzzer harnesses (clang, ASan + UBSan) in build-fuzz/ and runs
# each one after the other for SECONDS (default 600) on one core, starting from
# the committed seed corpus (copied to build-fuzz/work/<harness>, which grows).
# Crashes go to build-fuzz/artifacts/<harness>/; logs to build-fuzz/logs/.
# Prints one summary line per harness (execs, coverage, corpus, findings) and
# a final 'N passed, N failed' line; exits 1 when a harness found anything.
# FTPLENS_FUZZ_LAX_REPORT=1: fuzz_core skips the UTF-8 check of the report
# (finding F2 of docs/ROBUSTNESS.md) to look past it while it is open.
set -u
HERE=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
B=${FTPLENS_FUZZ_BUILD:-$ROOT/build-fuzz}
SECS=${1:-600}
shift || true
HARNESSES=("$@")
[ ${#HARNESSES[@]} -eq 0 ] && HARNESSES=(fuzz_reply fuzz_command fuzz_address fuzz_core)

say() { printf '[ftplens-fuzz] %s\n' "$*"; }
need=()
for p in clang libclang-rt-14-dev libglib2.0-dev pkg-config cmake; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then say "missing packages; run: sudo apt-get install -y ${need[*]}"; exit 1; fi
    say "installing: ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || exit 1
fi
cmake -S "$HERE" -B "$B" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug >/dev/null || exit 1
cmake --build "$B" -j "$(nproc)" >"$B/build.log" 2>&1 || { cat "$B/build.log"; exit 1; }

passed=0 failed=0
mkdir -p "$B/logs"
for h in "${HARNESSES[@]}"; do
    work=$B/work/$h art=$B/artifacts/$h
    mkdir -p "$work" "$art"
    cp -n "$HERE/corpus/$h/"* "$work/" 2>/dev/null
    maxlen=4096; [ "$h" = fuzz_core ] && maxlen=16384
    say "$h: ${SECS}s, corpus $(ls "$work" | wc -l) files"
    start=$(date +%s)
    FTPLENS_FUZZ_LAX_REPORT=${FTPLENS_FUZZ_LAX_REPORT:-} ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$B/$h" "$work" -dict="$HERE/ftp.dict" -max_len=$maxlen -max_total_time="$SECS" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$art/" >"$B/logs/$h.log" 2>&1
    rc=$?
    end=$(date +%s)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$B/logs/$h.log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$B/logs/$h.log" | tail -1)
    found=$(ls "$art" | wc -l)
    say "$h: rc=$rc, $((end - start))s, ${execs:-?} execs, last status: ${last:-none}, artifacts: $found"
    if [ $rc -ne 0 ] || [ "$found" -ne 0 ]; then
        failed=$((failed + 1))
        grep -E 'ERROR|runtime error|invariant|SUMMARY' "$B/logs/$h.log" | head -5
    else
        passed=$((passed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
