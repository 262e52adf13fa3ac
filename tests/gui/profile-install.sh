#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/gui/profile-install.sh - how installing the "FTP Lab" profile treats what is already there
# (plugin/profile/install-profile.cmake, the script `cmake --install` runs).  Everything happens in a
# scratch folder: the personal cases run the install script as the user nobody (when run as root) and
# as the calling user, with a scratch HOME; the global cases use a scratch "profiles" folder.
#
#   1  a fresh personal install creates "FTP Lab" (preferences, colorfilters, recent + .ftplens-profile)
#   2  installing again changes nothing
#   3  after a user change (ftplens.language: 1, or a column width in recent) installing again keeps
#      it, installs the shipped profile as "FTP Lab (ftplens VERSION)" and says so
#   4  a newer shipped profile updates an unchanged "FTP Lab" in place; of a "recent" that Wireshark
#      rewrote only column.width is replaced
#   5  a profile as an earlier ftplens installed it (no .ftplens-profile) is updated in place
#   6  global: "FTP Lab (all users, ftplens VERSION)"; the earlier global "FTP Lab" and older
#      versions are removed; a personal install next to it gives a distinct "FTP Lab"
#   7  tshark -C reads the installed profile (its columns; the hidden ones are left out): with the
#      plugin FTPLENS_PLUGIN_SO (default: $FTPLENS_BUILD_DIR/plugin/ftplens.so when it is built)
# Prints PASS/FAIL per check and "N passed, N failed"; exit 1 on a failure.
set -euo pipefail

# shellcheck source=SCRIPTDIR/../../tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib.sh"   # user_prefix, give_to_user, stage_plugin, as_user
ROOT=$FTPLENS_ROOT
SRC=$ROOT/plugin/profile
VERSION=$(sed -n 's/^project(ftplens VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
TMP=$(mktemp -d /tmp/ftplens-profile-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
chmod 0755 "$TMP"
PASSED=0 FAILED=0
check() {   # check WHAT COMMAND...
    local what=$1; shift
    if "$@" >/dev/null 2>&1; then echo "PASS  $what"; PASSED=$((PASSED + 1))
    else echo "FAIL  $what"; FAILED=$((FAILED + 1)); fi
}
user_prefix
AS=("${USER_PREFIX[@]}")

# inst SRC ROOT SCOPE [VERSION]: runs the install script; its messages go to $TMP/out
inst() {
    local run=()
    [ "$3" = personal ] && run=("${AS[@]}")
    "${run[@]}" cmake -DFTPLENS_PROFILE_SRC="$1" -DFTPLENS_PROFILE_ROOT="$2" -DFTPLENS_PROFILE_SCOPE="$3" \
        -DFTPLENS_VERSION="${4:-$VERSION}" -P "$SRC/install-profile.cmake" >"$TMP/out" 2>&1
    sed 's/^/      | /' "$TMP/out"
}
out_has() { grep -qF -- "$1" "$TMP/out"; }

for who in user root; do
    [ "$who" = root ] && [ ${#AS[@]} -eq 0 ] && continue   # not root: one round as the calling user
    echo "=== personal install as $([ "$who" = user ] && [ ${#AS[@]} -gt 0 ] && echo nobody || id -un)"
    H=$TMP/home-$who; P=$H/.config/wireshark/profiles; LAB=$P/"FTP Lab"; SIDE=$P/"FTP Lab (ftplens $VERSION)"
    mkdir -p "$H"
    save=("${AS[@]}"); [ "$who" = root ] && AS=()
    [ ${#AS[@]} -eq 0 ] || give_to_user "$H"

    inst "$SRC" "$P" personal
    check "1 fresh install creates FTP Lab" test -f "$LAB/preferences" -a -f "$LAB/colorfilters" -a -f "$LAB/recent" -a -f "$LAB/.ftplens-profile"
    check "1 and says so" out_has 'profile "FTP Lab" installed'
    inst "$SRC" "$P" personal
    check "2 again: already the shipped one" out_has 'already the shipped one'

    # 3: the user picks Korean (Wireshark writes the preference into the profile's preferences)
    printf '\nftplens.language: 1\n' >>"$LAB/preferences"
    inst "$SRC" "$P" personal
    check "3 language choice kept" grep -q '^ftplens.language: 1' "$LAB/preferences"
    check "3 note names the changed file" out_has 'was changed (preferences): left as it is'
    check "3 shipped profile installed beside it" cmp "$SRC/preferences" "$SIDE/preferences"
    check "3 and the note names it" out_has "the shipped profile is \"FTP Lab (ftplens $VERSION)\" (installed)"

    # 4: a newer shipped profile; the side profile is unchanged, so it is updated in place
    NEW=$TMP/new-$who; cp -r "$SRC" "$NEW"; sed -i 's/%Cus:ftplens.risk:0:R/%Cus:ftplens.risk.severity:0:R/' "$NEW/preferences"
    sed -i 's/"%Cus:ftplens.risk", 180/"%Cus:ftplens.risk.severity", 90/' "$NEW/recent"
    # Wireshark rewrote the side profile's recent on exit: other keys, same widths
    { echo "gui.time_format: ABSOLUTE"; sed -n '/^column.width:/,$p' "$SIDE/recent" | sed 's/^\t/        /'; echo "gui.zoom_level: 2"; } >"$TMP/r"
    cp "$TMP/r" "$SIDE/recent"
    inst "$NEW" "$P" personal
    check "4 changed FTP Lab still kept" grep -q '^ftplens.language: 1' "$LAB/preferences"
    check "4 unchanged side profile updated" cmp "$NEW/preferences" "$SIDE/preferences"
    check "4 recent: column.width replaced" grep -q 'ftplens.risk.severity", 90' "$SIDE/recent"
    check "4 recent: Wireshark's other keys kept" grep -q '^gui.zoom_level: 2' "$SIDE/recent"

    # 4b: an unchanged FTP Lab is updated in place
    rm -rf "$LAB"; inst "$SRC" "$P" personal; inst "$NEW" "$P" personal
    check "4b unchanged FTP Lab updated in place" cmp "$NEW/preferences" "$LAB/preferences"
    check "4b and says so" out_has 'profile "FTP Lab" updated'

    # 3b: a column width changed by dragging (Wireshark rewrites recent) is a change too
    sed -i 's/"%Cus:ftplens.risk.severity", 90/"%Cus:ftplens.risk.severity", 333/' "$LAB/recent"
    inst "$SRC" "$P" personal
    check "3b changed column width kept" grep -q 'severity", 333' "$LAB/recent"
    check "3b note names recent" out_has 'was changed (recent)'

    # 5: installed by an earlier ftplens (the profile as commit 77ff338 shipped it, no marker)
    rm -rf "$LAB"; mkdir -p "$LAB"; [ ${#AS[@]} -eq 0 ] || give_to_user "$LAB"
    if git -C "$ROOT" show 77ff338:plugin/profile/preferences >"$LAB/preferences" 2>/dev/null &&
       git -C "$ROOT" show 77ff338:plugin/profile/colorfilters >"$LAB/colorfilters" 2>/dev/null; then
        [ ${#AS[@]} -eq 0 ] || give_to_user "$LAB"/*
        inst "$SRC" "$P" personal
        check "5 earlier install updated in place" cmp "$SRC/preferences" "$LAB/preferences"
    else
        echo "SKIP  5 (no git history)"
    fi
    [ ${#AS[@]} -eq 0 ] || give_to_user -R "$H"
    AS=("${save[@]}")
done

echo "=== global install (scratch profiles folder)"
G=$TMP/global/profiles; mkdir -p "$G/FTP Lab"
if git -C "$ROOT" show 77ff338:plugin/profile/preferences >"$G/FTP Lab/preferences" 2>/dev/null; then
    git -C "$ROOT" show 6d40d71:plugin/profile/colorfilters >"$G/FTP Lab/colorfilters"
else
    rm -rf "$G/FTP Lab"
fi
inst "$SRC" "$G" global 0.0.9
check "6 global profile has its own name" test -f "$G/FTP Lab (all users, ftplens 0.0.9)/preferences"
check "6 earlier global \"FTP Lab\" removed" test ! -e "$G/FTP Lab"
inst "$SRC" "$G" global
check "6 newer version replaces the older one" test -f "$G/FTP Lab (all users, ftplens $VERSION)/recent" -a ! -e "$G/FTP Lab (all users, ftplens 0.0.9)"
check "6 and says so" out_has 'removed the older global profile'
H=$TMP/home-both; mkdir -p "$H"; chmod 0777 "$H"
inst "$SRC" "$H/profiles" personal
names=$( (ls "$G"; ls "$H/profiles") | sort)
check "6 global + personal: two distinct names" test "$(printf '%s\n' "$names" | sort -u | wc -l)" -eq 2

SO=${FTPLENS_PLUGIN_SO:-$FTPLENS_BUILD_DIR/plugin/ftplens.so}
if command -v tshark >/dev/null && [ -f "$SO" ]; then
    echo "=== tshark -C (plugin $SO)"
    stage_plugin "$TMP/stage" "$SO"
    # as Wireshark does on first use of a global profile: a personal copy under the same name
    H=$FTPLENS_STAGE/home; mkdir -p "$H/.config/wireshark/profiles"; cp -r "$G/FTP Lab (all users, ftplens $VERSION)" "$H/.config/wireshark/profiles/"
    give_to_user -R "$H"
    as_user tshark -C "FTP Lab (all users, ftplens $VERSION)" \
        -r "$ROOT/pcaps/attack-bounce-traversal.pcapng" -Y "frame.number == 77" >"$TMP/out" 2>&1 || true
    sed 's/^/      | /' "$TMP/out"
    check "7 tshark -C: Finding column" out_has 'port_bounce_accepted'
    check "7 tshark -C: hidden raw-bytes column left out" bash -c "! grep -qE '([0-9a-f]{2} ){3}[0-9a-f]{2}' '$TMP/out'"
else
    echo "SKIP  7 tshark -C (no tshark, or no built plugin $SO)"
fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
