#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Check what `meson install` puts on a system, in a scratch DESTDIR: the umbrella and module
# headers, the shared library with its SONAME and symlinks, the static library, a pkg-config
# file that names its private dependencies, and the mkt tool. The shared library must export
# only mkt_* symbols. This is what a distribution package or a host build relies on.
#
# Usage: tools/check-install.sh BUILD_DIR
# Exit status: 0 when everything is in place, 1 otherwise (each problem printed).
set -u

builddir=${1:?usage: tools/check-install.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d) || exit 1
trap 'rm -rf "$scratch"' EXIT INT TERM
dest=$scratch/root

if ! meson install -C "$builddir" --destdir "$dest" --no-rebuild >"$scratch/log" 2>&1; then
    cat "$scratch/log"
    echo "FAIL: meson install failed"
    exit 1
fi

option() { # the value of a meson option of the build directory
    meson introspect "$builddir" --buildoptions | python3 -c \
        'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))' "$1"
}
prefix=$(option prefix)
libdir=$(option libdir)
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
root=$dest$prefix lib=$dest$libdir

status=0
fail() { echo "FAIL: $*"; status=1; }
need() { [ -e "$1" ] || fail "missing ${1#"$dest"}"; }

need "$root/include/libmarketing.h"
for h in "$top"/include/libmarketing/*.h; do
    need "$root/include/libmarketing/$(basename "$h")"
done
need "$lib/libmarketing.a"
need "$lib/libmarketing.so"
need "$lib/libmarketing.so.0"
need "$root/bin/mkt"

so=$lib/libmarketing.so.0
if [ -e "$so" ]; then
    soname=$(LC_ALL=C readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    [ "$soname" = libmarketing.so.0 ] || fail "SONAME is '$soname', expected libmarketing.so.0"
    others=$(nm -D --defined-only "$so" | awk '$2 != "A" && $3 !~ /^mkt_/ { print $3 }')
    [ -z "$others" ] || fail "exports non-mkt_ symbols: $(echo "$others" | tr '\n' ' ')"
fi

pc=$lib/pkgconfig/libmarketing.pc
need "$pc"
if [ -e "$pc" ]; then
    requires=$(sed -n 's/^Requires\.private:[[:space:]]*//p' "$pc")
    for dep in libxml-2.0 libpcre2-8 zlib; do
        case ", $requires," in
            *", $dep,"* | *", $dep "*) ;;
            *) fail "libmarketing.pc: Requires.private lacks $dep (has: $requires)" ;;
        esac
    done
    # The private requirements must resolve through the system's own .pc files.
    PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --exists --print-errors --static libmarketing ||
        fail "pkg-config cannot resolve libmarketing.pc and its requirements"
fi

if [ $status -eq 0 ]; then
    echo "OK: install tree complete (headers, libmarketing.so.0 + .a, libmarketing.pc, bin/mkt)"
fi
exit $status
