#!/bin/sh
# SPDX-License-Identifier: MIT
# Build examples/minimal-host against the INSTALLED library, the way a user would: install the
# current build into a temporary tree (meson install --destdir), compile main.c with nothing but
# `cc $(pkg-config --cflags --libs libmarketing)` pointed at that tree, run it against the
# installed shared library, and check its output.
#
# Usage: run-test.sh BUILD_DIR SOURCE_DIR [CC]
set -eu

build=$1
src=$2
cc=${3:-${CC:-cc}}
here=$src/examples/minimal-host

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkt-minimal-host.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# --no-rebuild: meson test already built everything, and a nested ninja would fight over the
# build directory's lock.
meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >"$tmp/install.log" 2>&1 || {
    cat "$tmp/install.log" >&2
    echo "run-test.sh: meson install failed" >&2
    exit 1
}

pc=$(find "$tmp/root" -name libmarketing.pc | head -n 1)
[ -n "$pc" ] || { echo "run-test.sh: no libmarketing.pc was installed" >&2; exit 1; }
lib=$(find "$tmp/root" -name 'libmarketing.so.*' | head -n 1)
[ -n "$lib" ] || { echo "run-test.sh: no libmarketing.so was installed" >&2; exit 1; }
libdir=$(dirname "$lib")

# The .pc file names the real prefix; the sysroot makes pkg-config prefix its paths with the
# temporary tree.
PKG_CONFIG_PATH=$(dirname "$pc")
PKG_CONFIG_SYSROOT_DIR=$tmp/root
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
flags=$(pkg-config --cflags --libs libmarketing)
echo "pkg-config: $flags"
case $flags in
*"$tmp/root"*) ;;
*) echo "run-test.sh: pkg-config flags do not point into the installed tree" >&2; exit 1 ;;
esac

# shellcheck disable=SC2086  # the flags are meant to split into words
"$cc" -std=c11 -Wall -Wextra -Werror -pedantic -o "$tmp/minimal-host" "$here/main.c" $flags

# The program must run against the installed library, not the one in the build tree.
LD_LIBRARY_PATH=$libdir
export LD_LIBRARY_PATH
if command -v ldd >/dev/null 2>&1; then
    ldd "$tmp/minimal-host" | grep libmarketing | grep -q "$libdir" || {
        echo "run-test.sh: minimal-host does not resolve libmarketing from $libdir" >&2
        ldd "$tmp/minimal-host" >&2
        exit 1
    }
fi

"$tmp/minimal-host" "$here/customers.csv" "$here/bookings.csv" >"$tmp/out.txt"
cat "$tmp/out.txt"

fail=0
expect() {
    grep -Eq "$1" "$tmp/out.txt" || { echo "run-test.sh: missing output line /$1/" >&2; fail=1; }
}
expect '^libmarketing [0-9]+\.[0-9]+\.[0-9]+ \(headers [0-9]+\.[0-9]+\.[0-9]+\)$'
expect '^host clock: 2026-06-30T00:00:00Z$'
expect '^redemptions of WELCOME10: 3 of 3; a fourth: refused \(limit reached\)$'
expect '^customers: 3 \(with bookings: 2\)$'
expect '^bookings: 4 \(cancelled: 1\) from 2026-01-10 to 2026-06-01$'
expect '^  USD: 3 bookings, 1592\.40 confirmed$'
expect '^  EUR: 1 bookings, 1450\.00 confirmed$'
[ "$fail" -eq 0 ] || exit 1
echo "minimal-host: installed-library build and run OK"
