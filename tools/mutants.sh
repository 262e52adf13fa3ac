#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/mutants.sh [--quick N] [--list FILE]
#
# Mutation check: applies each one-line change of tools/mutants.list to a
# scratch copy of the tree, rebuilds, and runs the cmocka tests and then, if
# the mutant lives, the one tshark integration test its line names.  A mutant
# that no test kills is a SURVIVOR: a special case the tests do not pin.
# --quick N runs every k-th mutant so that about N run (CI); without it, all.
# Prints KILLED/SURVIVED per mutant and "N killed, N survived"; exit 1 on a survivor.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
FTPLENS_SAY_TAG=mutants

QUICK=0
LIST=$FTPLENS_ROOT/tools/mutants.list
while [ $# -gt 0 ]; do
    case $1 in
        --quick) QUICK=$2; shift 2 ;;
        --list) LIST=$2; shift 2 ;;
        *) die "usage: $0 [--quick N] [--list FILE]" ;;
    esac
done

ensure_packages cmake gcc make pkg-config libglib2.0-dev wireshark-dev tshark libcmocka-dev python3
SCRATCH=$(mktemp -d /tmp/ftplens-mutants.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
SRC=$SCRATCH/src
mkdir -p "$SRC"
(cd "$FTPLENS_ROOT" && tar cf - CMakeLists.txt cmake plugin tests pcaps tools) | (cd "$SRC" && tar xf -)
B=$SCRATCH/build
cmake -S "$SRC" -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFTPLENS_WERROR=ON -DFTPLENS_SHARED_DIR="$FTPLENS_ROOT/../shared" >/dev/null
cmake --build "$B" -j "$(nproc)" >/dev/null 2>&1 || die "the unmutated tree does not build"
(cd "$B" && ctest -R '^unit_' >/dev/null) || die "the unit tests fail on the unmutated tree"
WS=$(ws_major_minor)

# mutate FILE FROM TO: replace the one occurrence (exit 3 when not exactly one).
mutate() {
    python3 - "$@" <<'PY'
import sys
path, old, new = sys.argv[1], sys.argv[2].replace("\\n", "\n"), sys.argv[3].replace("\\n", "\n")
text = open(path, encoding="utf-8").read()
if text.count(old) != 1:
    sys.exit(3)
open(path, "w", encoding="utf-8").write(text.replace(old, new))
PY
}

mapfile -t LINES < <(grep -v '^[[:space:]]*#' "$LIST" | grep -v '^[[:space:]]*$')
total=${#LINES[@]}
step=1
[ "$QUICK" -gt 0 ] && [ "$total" -gt "$QUICK" ] && step=$(( (total + QUICK - 1) / QUICK ))
killed=0 survived=0 i=0
for line in "${LINES[@]}"; do
    i=$((i + 1))
    [ $(( (i - 1) % step )) -eq 0 ] || continue
    # FILE @@ FROM @@ TO @@ SUITE ("@@" never occurs in C)
    file=${line%% @@ *}; rest=${line#* @@ }
    from=${rest%% @@ *}; rest=${rest#* @@ }
    to=${rest%% @@ *}; suite=${rest##* @@ }
    file=${file// /}; suite=${suite// /}
    cp "$SRC/$file" "$SCRATCH/orig"
    if ! mutate "$SRC/$file" "$from" "$to"; then
        die "mutant $i: the text is not exactly once in $file: $from"
    fi
    verdict=SURVIVED how=""
    if ! cmake --build "$B" -j "$(nproc)" >"$SCRATCH/build.log" 2>&1; then
        verdict=KILLED how="does not build"
    elif ! (cd "$B" && ctest -R '^unit_' >"$SCRATCH/unit.log" 2>&1); then
        verdict=KILLED how="unit tests"
    elif [ "$suite" != unit ]; then
        # SUITE or SUITE:PART (only the tests whose name contains PART)
        only=()
        [ "${suite#*:}" != "$suite" ] && only=(-k "${suite#*:}")
        if ! python3 "$SRC/tests/integration/test_${suite%%:*}.py" --plugin "$B/plugin/ftplens.so" --ws-version "$WS" \
                --pcaps "$SRC/pcaps" --shared "$FTPLENS_ROOT/../shared" "${only[@]}" >"$SCRATCH/it.log" 2>&1; then
            verdict=KILLED how="tshark_$suite"
        fi
    fi
    cp "$SCRATCH/orig" "$SRC/$file"
    touch "$SRC/$file"
    if [ $verdict = KILLED ]; then
        killed=$((killed + 1))
        printf '%-8s %2d %s: %s (%s)\n' KILLED "$i" "$file" "$from" "$how"
    else
        survived=$((survived + 1))
        printf '%-8s %2d %s: %s -> %s\n' SURVIVED "$i" "$file" "$from" "$to"
    fi
done
cmake --build "$B" -j "$(nproc)" >/dev/null 2>&1 || true
say "$killed killed, $survived survived (of $total mutants$([ "$step" -gt 1 ] && echo ", every ${step}th run"))"
[ $survived -eq 0 ]
