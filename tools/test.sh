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
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ "${1:-}" = "--sanitize" ]; then
    exec "$FTPLENS_ROOT/tools/sanitize.sh"
fi

ensure_packages cmake gcc make pkg-config libglib2.0-dev libcmocka-dev wireshark-dev tshark python3 util-linux
say "Wireshark $(ws_major_minor) ($(tshark --version | head -1))"
configure_and_build -DFTPLENS_BUILD_TESTS=ON -DFTPLENS_WERROR=ON "-DFTPLENS_SHARED_DIR=$FTPLENS_ROOT/../shared"
[ -d "$FTPLENS_ROOT/../shared/pcaps/public" ] ||
    say "WARNING: $FTPLENS_ROOT/../shared/pcaps/public is absent: public-capture tests will be SKIPPED"
cd "$FTPLENS_BUILD_DIR"
ctest --output-on-failure
