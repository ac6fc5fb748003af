#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The ABI gate: describe the built shared library with abidw and compare it with the committed
# baseline lib/libmarketing.abi; fail on ANY difference -- removed, changed or added functions,
# variables or public types, renamed members included (abidiff --harmless). A change is
# allowed only by regenerating the baseline on purpose (tools/abi-update.sh, which uses the
# --dump mode below so both sides are made the same way) and saying why in CHANGELOG.md's ABI
# section; see doc/abi-policy.md.
#
# Usage: abi-diff.sh ABIDW ABIDIFF BASELINE SHARED_LIB INCLUDE_DIR
#        abi-diff.sh --dump ABIDW SHARED_LIB INCLUDE_DIR OUT_FILE
# Exit status: 0 no change, 1 a change or an error, 77 (skip) when abigail-tools are not
# installed, the library has no debug information, or it was not built the way the baseline
# was (gcc on x86_64: other compilers describe the same types differently in DWARF).
set -u

# Only types declared under INCLUDE_DIR are described (the context's private layout is not
# ABI), and nothing of the build machine (paths, libc's symbols) goes into the file.
dump() { # ABIDW LIB INCDIR OUT
    "$1" --headers-dir "$3" --drop-private-types --drop-undefined-syms --no-corpus-path \
         --no-comp-dir-path --short-locs --out-file "$4" "$2"
}

has_debug_info() {
    LC_ALL=C readelf -S "$1" 2>/dev/null | grep -q '\.debug_info'
}

# The compiler named in the first compilation unit's DWARF producer string.
built_by_gcc() {
    LC_ALL=C readelf --debug-dump=info "$1" 2>/dev/null | grep -m1 'DW_AT_producer' |
        grep -q 'GNU C'
}

if [ "${1:-}" = --dump ]; then
    [ $# -eq 5 ] || { echo "usage: $0 --dump ABIDW SHARED_LIB INCLUDE_DIR OUT_FILE" >&2; exit 2; }
    has_debug_info "$3" || { echo "$3 has no debug information" >&2; exit 1; }
    built_by_gcc "$3" || { echo "$3 was not built by gcc, as the baseline must be" >&2; exit 1; }
    dump "$2" "$3" "$4" "$5"
    exit
fi

[ $# -eq 5 ] || { echo "usage: $0 ABIDW ABIDIFF BASELINE SHARED_LIB INCLUDE_DIR" >&2; exit 2; }
abidw=$1 abidiff=$2 baseline=$3 lib=$4 incdir=$5

for tool in "$abidw" "$abidiff"; do
    if [ -z "$tool" ] || ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: abidw/abidiff not found (apt-get install abigail-tools)"
        exit 77
    fi
done
if [ "$(uname -m)" != x86_64 ]; then
    echo "SKIP: the baseline describes x86_64; this machine is $(uname -m)"
    exit 77
fi
if ! has_debug_info "$lib"; then
    echo "SKIP: $lib has no debug information (configure with buildtype debug or debugoptimized)"
    exit 77
fi
if ! built_by_gcc "$lib"; then
    echo "SKIP: the baseline is made from a gcc build; $lib was built by another compiler"
    exit 77
fi
if [ ! -f "$baseline" ]; then
    echo "FAIL: no ABI baseline at $baseline; create it with tools/abi-update.sh"
    exit 1
fi

tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT INT TERM
dump "$abidw" "$lib" "$incdir" "$tmp" || { echo "FAIL: abidw could not read $lib"; exit 1; }
report=$("$abidiff" --harmless "$baseline" "$tmp" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
    echo "OK: $(basename "$lib") matches the ABI baseline $baseline"
    exit 0
fi

# abidiff's exit status is a bit field (libabigail's abidiff manual, "Return values").
why=""
[ $((rc & 1)) -ne 0 ] && why="$why error;"
[ $((rc & 2)) -ne 0 ] && why="$why usage error;"
[ $((rc & 4)) -ne 0 ] && why="$why ABI change;"
[ $((rc & 8)) -ne 0 ] && why="$why INCOMPATIBLE ABI change;"
printf '%s\n' "$report"
cat <<EOF

FAIL: abidiff exit status $rc:$why
The public ABI of $(basename "$lib") differs from the committed baseline
$baseline (any difference fails, additions too).
If the change is intended:
  1. make sure it follows doc/abi-policy.md (new symbols go in the current release node
     of lib/libmarketing.sym; after 1.0 only additions are allowed);
  2. regenerate the baseline:   tools/abi-update.sh
  3. say what changed and why in the ABI section of CHANGELOG.md, and commit the three together.
If it is not intended, fix the code: a struct, enum or signature in include/ changed.
EOF
exit 1
