#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/fuzz/coverage.sh [CORPUS_ROOT] - line and branch coverage of plugin/core
# reached by the fuzz corpora.
#
# Builds the harnesses with clang source-based coverage in build-fuzz-cov/,
# replays CORPUS_ROOT/<harness>/ (default: build-fuzz/work, the corpora grown by
# tests/fuzz/run-fuzzers.sh, else the committed seeds tests/fuzz/corpus) once
# (-runs=0), and prints llvm-cov's per-file report for plugin/core, per harness
# and for all harnesses together.
set -u
HERE=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
B=$ROOT/build-fuzz-cov
CORPORA=${1:-$ROOT/build-fuzz/work}
[ -d "$CORPORA" ] || CORPORA=$HERE/corpus
V=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p')
PROFDATA=$(command -v llvm-profdata-"$V" || command -v llvm-profdata)
COV=$(command -v llvm-cov-"$V" || command -v llvm-cov)
[ -n "$PROFDATA" ] && [ -n "$COV" ] || { echo "llvm-profdata/llvm-cov not found (package llvm-$V)"; exit 1; }
cmake -S "$HERE" -B "$B" -DCMAKE_C_COMPILER=clang -DFTPLENS_FUZZ_COVERAGE=ON >/dev/null || exit 1
cmake --build "$B" -j "$(nproc)" >"$B/build.log" 2>&1 || { cat "$B/build.log"; exit 1; }
rm -rf "$B/prof"
mkdir -p "$B/prof"
objs=()
for h in fuzz_reply fuzz_command fuzz_address fuzz_core; do
    [ -d "$CORPORA/$h" ] || continue
    echo "== $h: $(ls "$CORPORA/$h" | wc -l) inputs from $CORPORA/$h"
    FTPLENS_FUZZ_LAX_REPORT=1 LLVM_PROFILE_FILE="$B/prof/$h.profraw" "$B/$h" -runs=0 -max_len=16384 \
        "$CORPORA/$h" >"$B/prof/$h.log" 2>&1
    "$PROFDATA" merge -sparse "$B/prof/$h.profraw" -o "$B/prof/$h.profdata"
    "$COV" report "$B/$h" -instr-profile="$B/prof/$h.profdata" "$ROOT"/plugin/core/*.c | tail -n +1 | \
        awk 'NR <= 2 || /TOTAL/'
    objs+=("-object=$B/$h")
done
"$PROFDATA" merge -sparse "$B"/prof/*.profraw -o "$B/prof/all.profdata"
echo "== all harnesses together, per file of plugin/core"
"$COV" report "${objs[@]:1}" "$B/fuzz_reply" -instr-profile="$B/prof/all.profdata" "$ROOT"/plugin/core/*.c
