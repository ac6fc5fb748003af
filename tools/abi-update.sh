#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Regenerate the committed ABI baseline lib/libmarketing.abi from a fresh build of the shared
# library, on purpose (doc/abi-policy.md). Shows what changed against the previous baseline,
# then writes the new one. Afterwards: describe the change in CHANGELOG.md's ABI section and
# commit the baseline together with the change that caused it.
#
# Usage: tools/abi-update.sh [BUILD_DIR]
#   BUILD_DIR  an existing meson build directory to use (it must build with debug info);
#              default: build-abi/ at the top of the tree, configured here if needed.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
baseline=$top/lib/libmarketing.abi
builddir=${1:-$top/build-abi}

for tool in abidw abidiff meson ninja; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "abi-update: $tool not found (apt-get install abigail-tools meson ninja-build)" >&2
        exit 1
    }
done

if [ ! -f "$builddir/build.ninja" ]; then
    # The baseline describes a plain gcc build with debug info (no sanitizers): the ABI test
    # compares only builds made the same way.
    CC=gcc meson setup "$builddir" "$top" --buildtype=debugoptimized -Dtests=false \
        -Dbindings=disabled
fi
meson compile -C "$builddir" marketing:shared_library

lib=$builddir/lib/libmarketing.so
new=$(mktemp "$top/lib/.libmarketing.abi.XXXXXX")
trap 'rm -f "$new"' EXIT INT TERM
# The same dump the ABI test makes, so the two compare like for like.
sh "$top/tests/abi/abi-diff.sh" --dump abidw "$lib" "$top/include" "$new"

if [ -f "$baseline" ]; then
    if abidiff --harmless "$baseline" "$new" >/dev/null 2>&1; then
        echo "abi-update: no ABI change; $baseline left as it was"
        exit 0
    fi
    echo "abi-update: changes against the previous baseline:"
    abidiff --harmless "$baseline" "$new" || true
fi
chmod 644 "$new"
mv "$new" "$baseline"
trap - EXIT INT TERM
echo "abi-update: wrote $baseline"
echo "Now describe the change in the ABI section of CHANGELOG.md and commit both."
