#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/test.sh - install what is missing, build, and run every test through
# ctest: cmocka unit tests of the core and tshark integration tests (own
# captures in pcaps/ and the public ones in ../shared/pcaps/public, skipped
# loudly when ../shared is absent).  FTPLENS_BUILD_DIR picks the build folder.
#
#   tools/test.sh --sanitize   instead: every capture through tshark with an
#                              ASan+UBSan build of the plugin, and valgrind
#                              (tools/sanitize.sh)
#   tools/test.sh --installed  the unit tests of this build, and the tshark
#                              integration tests against the ftplens.so installed
#                              in Wireshark's global plugin folder (by the Debian
#                              package: tools/test-package.sh), as the current user
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

INSTALLED=OFF
case ${1:-} in
    --sanitize) exec "$FTPLENS_ROOT/tools/sanitize.sh" ;;
    --installed) INSTALLED=ON ;;
    "") ;;
    *) die "unknown argument: $1 (--sanitize, --installed or none)" ;;
esac

ensure_packages cmake gcc make pkg-config libglib2.0-dev libcmocka-dev wireshark-dev tshark python3 util-linux
say "Wireshark $(ws_major_minor) ($(tshark --version | head -1))"
configure_and_build -DFTPLENS_BUILD_TESTS=ON -DFTPLENS_WERROR=ON "-DFTPLENS_SHARED_DIR=$FTPLENS_ROOT/../shared" \
    "-DFTPLENS_TEST_INSTALLED=$INSTALLED"
[ -d "$FTPLENS_ROOT/../shared/pcaps/public" ] ||
    say "WARNING: $FTPLENS_ROOT/../shared/pcaps/public is absent: public-capture tests will be SKIPPED"
cd "$FTPLENS_BUILD_DIR"
# The tests are independent (each its own scratch folder) and mostly one tshark at a time: one per CPU.
ctest --output-on-failure -j "$(nproc)"
