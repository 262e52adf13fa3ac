#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/gui/ocr-check.sh SHOT.png TEXT [TEXT...]
#
# Reads SHOT.png with tesseract (scaled 2x, grey) and checks that every TEXT is on
# it.  The match is tolerant of what OCR does to screen text: case is ignored,
# everything but letters and digits is dropped on both sides (spaces, brackets,
# dashes: "SYN-ACK" matches "SYN—ACK", "62 6b f2 f8" matches "626bf2f8"), and the
# look-alikes o/0 and l/i/1 count as the same character.
#
# Prints one "PASS"/"FAIL" line per TEXT (with the OCR line that matched); the
# whole OCR text is copied to $FTPLENS_OCR_TEXT when that is set.
# Exit status: 0 when every TEXT was found, 1 otherwise.
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: $0 SHOT.png TEXT [TEXT...]" >&2; exit 2; }
SHOT=$1; shift
[ -r "$SHOT" ] || { echo "[ocr] cannot read $SHOT" >&2; exit 2; }
command -v tesseract >/dev/null || { echo "[ocr] tesseract missing" >&2; exit 2; }
CONVERT=/usr/bin/convert; [ -x "$CONVERT" ] || CONVERT=convert

TMP=$(mktemp -d /tmp/ftplens-ocr.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
"$CONVERT" "$SHOT" -colorspace Gray -resize 200% "$TMP/big.png"
timeout 120 tesseract "$TMP/big.png" "$TMP/ocr" -l eng --psm 6 >/dev/null 2>&1 \
    || { echo "[ocr] tesseract failed on $SHOT" >&2; exit 2; }
[ -z "${FTPLENS_OCR_TEXT:-}" ] || cp "$TMP/ocr.txt" "$FTPLENS_OCR_TEXT"

norm() { tr '[:upper:]' '[:lower:]' | tr -cd 'a-z0-9\n' | tr 'oli' '011'; }
FLAT=$(norm <"$TMP/ocr.txt" | tr -d '\n')

fails=0
for want in "$@"; do
    key=$(printf '%s' "$want" | norm | tr -d '\n')
    if [ -n "$key" ] && [[ $FLAT == *"$key"* ]]; then
        # show the OCR line it came from (the first line that has it on its own)
        line=$(while IFS= read -r l; do
                   [[ $(printf '%s' "$l" | norm) == *"$key"* ]] && { printf '%s' "$l"; break; }
               done <"$TMP/ocr.txt")
        printf 'PASS  %-32s  ocr: %s\n' "\"$want\"" "${line:-(across lines)}"
    else
        printf 'FAIL  %-32s  not in the OCR text of %s\n' "\"$want\"" "$SHOT"
        fails=$((fails + 1))
    fi
done
[ "$fails" -eq 0 ]
