#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/make-deb.sh - build the Debian package of ftplens for the Wireshark of
# this machine (4.0 on Debian 12 bookworm, 4.4 on 13 trixie, 4.6 on forky/sid),
# for lab PCs that run the same Debian release: `sudo apt-get install
# ./ftplens_<version>_<arch>.deb` on each of them.
#
#   tools/make-deb.sh [--out DIR] [--no-lintian]
#
#   --out DIR      where the .deb goes (default: build/packages)
#   --no-lintian   do not check the package with lintian
#
# A Release build (CMake, dpkg-buildflags' hardening flags, in
# build/deb-ws<major.minor>) staged with `cmake --install` (DESTDIR), so that
# the package holds exactly what a global install puts in, as plain files:
#   /usr/lib/<triplet>/wireshark/plugins/<major.minor>/epan/ftplens.so
#   /usr/share/wireshark/profiles/FTP Lab (all users, ftplens <version>)/
#   /usr/share/doc/ftplens/ (copyright, changelog.Debian.gz, README and guides)
# No maintainer scripts: removing the package removes every file it put in.
#
# Version <project VERSION>-1+ws<major.minor> (0.1.0-1+ws4.4): "-1" is the
# first packaging of that upstream version, "+ws4.4" names the Wireshark series
# the plugin is built for, so that the three packages are told apart by name
# and version, and sort in Debian upgrade order (ws4.0 < ws4.4 < ws4.6).
# Depends: the libwireshark ABI package the plugin links (libwireshark16 on
# 4.0, 18 on 4.4, 19 on 4.6) within the series (>= X.Y.0, << X.Y+1~: the plugin
# folder is per major.minor), and what dpkg-shlibdeps computes for the rest.
# DEBFULLNAME and DEBEMAIL set the Maintainer, SOURCE_DATE_EPOCH the changelog
# date (default: the last commit, else CMakeLists.txt's time).
#
# As root it installs what is missing (cmake, gcc, wireshark-dev, dpkg-dev,
# lintian...); as another user it prints the apt-get line.  Prints the path
# of the package as its last line.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
FTPLENS_SAY_TAG=make-deb

OUT=$FTPLENS_ROOT/build/packages
LINTIAN=1
while [ $# -gt 0 ]; do
    case $1 in
        --out) [ $# -ge 2 ] || die "--out needs a folder"; OUT=$2; shift 2 ;;
        --out=*) OUT=${1#--out=}; shift ;;
        --no-lintian) LINTIAN=0; shift ;;
        -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

pkgs=(cmake gcc make pkg-config libglib2.0-dev wireshark-dev tshark dpkg-dev binutils)
[ "$LINTIAN" = 0 ] || pkgs+=(lintian)
ensure_packages "${pkgs[@]}"

# ---- what is built: version, Wireshark series, architecture
UPSTREAM=$(sed -n 's/^project(ftplens VERSION \([0-9][0-9.]*\).*/\1/p' "$FTPLENS_ROOT/CMakeLists.txt")
[ -n "$UPSTREAM" ] || die "cannot read the version from project() in CMakeLists.txt"
WSFULL=$(pkg-config --modversion wireshark) || die "pkg-config finds no wireshark (wireshark-dev)"
WS=$(echo "$WSFULL" | cut -d. -f1,2)
case $WS in [0-9]*.[0-9]*) ;; *) die "cannot read the Wireshark major.minor from '$WSFULL'" ;; esac
WS_NEXT=${WS%%.*}.$((${WS#*.} + 1))
VERSION=$UPSTREAM-1+ws$WS
ARCH=$(dpkg --print-architecture)
DEB=ftplens_${VERSION}_$ARCH.deb
CODENAME=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release 2>/dev/null || true)
# The Maintainer field: DEBFULLNAME/DEBEMAIL, else the source tree's git identity, else a placeholder.
MAINT_EMAIL=${DEBEMAIL:-$(git -C "$FTPLENS_ROOT" config user.email 2>/dev/null || true)}
MAINTAINER="${DEBFULLNAME:-ftplens maintainers} <${MAINT_EMAIL:-ftplens@example.org}>"
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git -C "$FTPLENS_ROOT" log -1 --format=%ct 2>/dev/null || stat -c %Y "$FTPLENS_ROOT/CMakeLists.txt")
fi
export SOURCE_DATE_EPOCH
say "ftplens $VERSION for Wireshark $WSFULL ($ARCH, Debian ${CODENAME:-unknown})"

# ---- Release build and cmake --install into the package tree
BUILD=$FTPLENS_ROOT/build/deb-ws$WS
WORK=$BUILD/pkg                 # WORK/debian/control: dpkg-shlibdeps reads it
STAGE=$WORK/debian/ftplens      # the package's file tree
mkdir -p "$BUILD"
# Debian's compiler and linker flags (hardening: stack protector, fortify, relro, bindnow); the C
# preprocessor flags go with CFLAGS (CMake reads no CPPFLAGS).  Given on the command line, so that
# a reused build folder cannot keep old ones.
read_flag() { (cd "$FTPLENS_ROOT" && DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get "$1"); }
CFLAGS_DEB="$(read_flag CPPFLAGS) $(read_flag CFLAGS)"
LDFLAGS_DEB=$(read_flag LDFLAGS)
say "configuring a Release build in $BUILD"
cmake -S "$FTPLENS_ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DFTPLENS_BUILD_TESTS=OFF \
    -DFTPLENS_INSTALL_USER=OFF -DFTPLENS_PLUGIN_DIR= -DFTPLENS_PROFILE_ROOT= -DFTPLENS_SANITIZE=OFF \
    -DFTPLENS_WERROR=OFF -DCMAKE_INSTALL_PREFIX=/usr "-DCMAKE_C_FLAGS=$CFLAGS_DEB" \
    "-DCMAKE_MODULE_LINKER_FLAGS=$LDFLAGS_DEB" "-DCMAKE_SHARED_LINKER_FLAGS=$LDFLAGS_DEB" >"$BUILD/configure.log" \
    || { cat "$BUILD/configure.log"; die "cmake configure failed"; }
say "building"
cmake --build "$BUILD" -j "$(nproc)" >"$BUILD/build.log" 2>&1 || { cat "$BUILD/build.log"; die "build failed"; }

rm -rf "$WORK"
mkdir -p "$STAGE"
DESTDIR=$STAGE cmake --install "$BUILD" >"$BUILD/install.log" 2>&1 \
    || { cat "$BUILD/install.log"; die "cmake --install failed"; }
grep '^\[ftplens\]' "$BUILD/install.log" || true

PLUGINDIR=$(pkg-config --variable=plugindir wireshark)
SO=$PLUGINDIR/epan/ftplens.so
PROFILE="/usr/share/wireshark/profiles/FTP Lab (all users, ftplens $UPSTREAM)"
case $PLUGINDIR in /usr/lib/*/wireshark/plugins/"$WS") ;; *) die "unexpected Wireshark plugin folder '$PLUGINDIR'" ;; esac
[ -f "$STAGE$SO" ] || die "cmake --install did not put the plugin at $SO"
[ -f "$STAGE$PROFILE/preferences" ] || die "cmake --install did not put the global profile at $PROFILE"
# Nothing else: a change of the install rules must be seen here before it ships.
unexpected=$(find "$STAGE" ! -type d | sed "s|^$STAGE||" | { grep -v -x -F -e "$SO" -e "$PROFILE/preferences" \
    -e "$PROFILE/colorfilters" -e "$PROFILE/recent" -e "$PROFILE/.ftplens-profile" || true; })
[ -z "$unexpected" ] || die "cmake --install put in files the package does not expect: $unexpected"

# As dh_strip and dh_fixperms do: no debugging symbols, a shared object is not executable.
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$STAGE$SO"
chmod 0644 "$STAGE$SO"

# ---- documentation: /usr/share/doc/ftplens
DOC=$STAGE/usr/share/doc/ftplens
install -d "$DOC"
# The project began in 2026; the last year is the build's (SOURCE_DATE_EPOCH).
YEARS=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y)
if [ "$YEARS" -le 2026 ]; then YEARS=2026; else YEARS=2026-$YEARS; fi
cat >"$DOC/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: ftplens
Comment: Binary package built from the ftplens source tree by tools/make-deb.sh.
 Every source file carries the SPDX license identifier GPL-2.0-or-later, as
 required for a plugin linked with libwireshark.

Files: *
Copyright: $YEARS The ftplens authors
License: GPL-2+

License: GPL-2+
 This program is free software; you can redistribute it and/or modify
 it under the terms of the GNU General Public License as published by
 the Free Software Foundation; either version 2 of the License, or
 (at your option) any later version.
 .
 This program is distributed in the hope that it will be useful,
 but WITHOUT ANY WARRANTY; without even the implied warranty of
 MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 GNU General Public License for more details.
 .
 On Debian systems, the complete text of the GNU General Public License
 version 2 can be found in "/usr/share/common-licenses/GPL-2".
EOF
cat >"$WORK/changelog.Debian" <<EOF
ftplens ($VERSION) ${CODENAME:-unstable}; urgency=medium

  * ftplens $UPSTREAM for Wireshark $WS (built against $WSFULL), packaged by
    tools/make-deb.sh.

 -- $MAINTAINER  $(date -u -R -d "@$SOURCE_DATE_EPOCH")
EOF
gzip -9nc "$WORK/changelog.Debian" >"$DOC/changelog.Debian.gz"
# Guides, compressed as dh_compress does (all are larger than 4 KiB); their pictures are not shipped.
for f in README.md docs/teacher-guide.md docs/teacher-guide.ko.md docs/lab-walkthrough.md docs/lab-walkthrough.ko.md; do
    [ -f "$FTPLENS_ROOT/$f" ] || die "missing $f"
    gzip -9nc "$FTPLENS_ROOT/$f" >"$DOC/$(basename "$f").gz"
done

# ---- control: dependencies
LIBWS_SONAME=$(objdump -p "$STAGE$SO" | awk '$1 == "NEEDED" && $2 ~ /^libwireshark\.so\./ { print $2 }')
[ -n "$LIBWS_SONAME" ] || die "ftplens.so links no libwireshark"
LIBWS_PKG=$(dpkg-query -S "*/$LIBWS_SONAME" 2>/dev/null | awk -F': ' -v s="/$LIBWS_SONAME" \
    'substr($2, length($2) - length(s) + 1) == s { sub(/:.*/, "", $1); print $1; exit }')
[ -n "$LIBWS_PKG" ] || die "no installed package holds $LIBWS_SONAME"
install -d -m 0755 "$STAGE/DEBIAN"     # dpkg-shlibdeps finds the package root by it
cat >"$WORK/debian/control" <<EOF
Source: ftplens

Package: ftplens
Architecture: any
EOF
SHLIBS=$(cd "$WORK" && dpkg-shlibdeps -O "-edebian/ftplens$SO") || die "dpkg-shlibdeps failed"
SHLIBS=${SHLIBS#shlibs:Depends=}
# libwireshark: the series' range, with the lower bound dpkg-shlibdeps asks for if higher.
low=$WS.0
deps=()
IFS=',' read -r -a parts <<<"$SHLIBS"
for d in "${parts[@]}"; do
    d=$(echo "$d" | sed 's/^ *//; s/ *$//')
    [ -n "$d" ] || continue
    if [ "${d%% *}" = "$LIBWS_PKG" ]; then
        v=$(echo "$d" | sed -n 's/.*(>= *\([^)]*\)).*/\1/p')
        if [ -n "$v" ] && dpkg --compare-versions "$v" gt "$low"; then low=$v; fi
        continue
    fi
    deps+=("$d")
done
DEPENDS="$LIBWS_PKG (>= $low), $LIBWS_PKG (<< $WS_NEXT~)"
for d in "${deps[@]}"; do DEPENDS+=", $d"; done

{
    echo "Package: ftplens"
    echo "Version: $VERSION"
    echo "Architecture: $ARCH"
    echo "Maintainer: $MAINTAINER"
    echo "Installed-Size: $(du -k -s --apparent-size --exclude=DEBIAN "$STAGE" | cut -f1)"
    echo "Depends: $DEPENDS"
    echo "Recommends: wireshark | tshark"
    echo "Section: net"
    echo "Priority: optional"
    cat <<EOF
Description: Wireshark plugin that explains FTP captures for teaching
 ftplens is a Wireshark post-dissector plugin for students, teachers and
 analysts who open an FTP capture and want Wireshark to explain it: reply
 codes with their class, category, meaning and RFC; which command each reply
 answers and how long the server took; the TCP handshake and sequence
 numbers with the arithmetic written out; security findings as expert items
 with a countermeasure; a lab report, worksheets and answer keys printed
 by tshark; in English or Korean.
 .
 This package is built for Wireshark $WS ($LIBWS_PKG). It installs the
 plugin in Wireshark's global plugin folder and the configuration profile
 "FTP Lab (all users, ftplens $UPSTREAM)".
EOF
} >"$STAGE/DEBIAN/control"

# ---- permissions, times, md5sums, and the package
find "$STAGE" -type d -exec chmod 0755 {} +
find "$STAGE" -type f -exec chmod 0644 {} +
find "$STAGE" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$STAGE" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$WORK/md5sums"
install -m 0644 "$WORK/md5sums" "$STAGE/DEBIAN/md5sums"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -f "$OUT/$DEB"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$OUT/$DEB" >/dev/null || die "dpkg-deb failed"
say "Depends: $DEPENDS"
say "built $OUT/$DEB ($(stat -c %s "$OUT/$DEB") bytes, installed size $(sed -n 's/^Installed-Size: //p' "$STAGE/DEBIAN/control") KiB)"

if [ "$LINTIAN" = 1 ]; then
    say "lintian $OUT/$DEB"
    # Exit status non-zero on any error-level tag (lintian's default --fail-on error).
    lintian --display-info "$OUT/$DEB" || die "lintian found errors in $DEB"
    say "lintian: no errors"
fi
echo "$OUT/$DEB"
