#!/bin/sh
# SPDX-License-Identifier: MIT
#
# THE test command (README's second Quick start command; .ci/run calls it). On a fresh
# Debian 12 it installs what the project needs, then builds and runs every check:
#   deps      tools/install-deps.sh: apt-get install of what is missing (as root)
#   test      a debugoptimized build and `meson test` of every suite (unit, fuzz corpus
#             replay, headers, ABI, CLI, examples, Python and Go bindings)
#   install   `meson install` into a scratch DESTDIR, checked by tools/check-install.sh
#   sanitize  a second build with ASan+UBSan and its test suite
#   valgrind  the unit suites of the first build under valgrind (memcheck)
# Every phase runs even when an earlier one failed, so one run reports everything; the exit
# status is non-zero if any failed. Idempotent: build directories are reused and refreshed.
#
# Usage: tools/ci-test.sh [PHASE ...]     (default: all phases, in the order above)
# Environment: MKT_CI_BUILD (default build-ci) and MKT_CI_SAN_BUILD (default build-ci-san),
#              build directories relative to the top of the tree.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
build=${MKT_CI_BUILD:-build-ci}
sanbuild=${MKT_CI_SAN_BUILD:-build-ci-san}
phases=${*:-deps test install sanitize valgrind}

export DEBIAN_FRONTEND=noninteractive

say() { printf '\n==== %s\n' "$*"; }
results=""
record() { # PHASE STATUS
    if [ "$2" -eq 0 ]; then results="$results
  ok    $1"; else results="$results
  FAIL  $1"; failed=1; fi
}
failed=0

phase_deps() {
    sh tools/install-deps.sh
}

# Configure DIR with OPTIONS: fresh, or refreshed in place, or wiped if meson cannot refresh it
# (e.g. it was made by another meson version).
configure() {
    dir=$1
    shift
    if [ -f "$dir/build.ninja" ]; then
        meson setup --reconfigure "$dir" "$@" || meson setup --wipe "$dir" "$@"
    else
        rm -rf "$dir"
        meson setup "$dir" "$@"
    fi
}

phase_test() {
    configure "$build" --buildtype=debugoptimized -Dtests=true -Dbindings=enabled &&
        meson compile -C "$build" &&
        meson test -C "$build" --print-errorlogs
}

phase_install() {
    meson compile -C "$build" && sh tools/check-install.sh "$build"
}

phase_sanitize() {
    # The 'sanitize' test setup (meson.build) is the default of a sanitizer build: it sets
    # ASAN_OPTIONS/UBSAN_OPTIONS and leaves out the script-driven suites. The bindings load
    # the library into python/go, which would need the ASan runtime preloaded: not here.
    configure "$sanbuild" --buildtype=debugoptimized -Db_sanitize=address,undefined \
        -Db_lundef=false -Dc_args=-fno-sanitize-recover=all -Dtests=true -Dbindings=disabled &&
        meson compile -C "$sanbuild" &&
        meson test -C "$sanbuild" --print-errorlogs
}

phase_valgrind() {
    command -v valgrind >/dev/null 2>&1 || { echo "valgrind is not installed" >&2; return 1; }
    meson compile -C "$build" &&
        meson test -C "$build" --setup valgrind --suite unit --print-errorlogs
}

start=$(date +%s)
for phase in $phases; do
    case $phase in
        deps | test | install | sanitize | valgrind) ;;
        *) echo "unknown phase '$phase' (deps test install sanitize valgrind)" >&2; exit 2 ;;
    esac
    say "$phase"
    t0=$(date +%s)
    "phase_$phase"
    status=$?
    record "$phase ($(($(date +%s) - t0))s)" "$status"
    # Without the dependencies nothing else can run meaningfully.
    if [ "$phase" = deps ] && [ "$status" -ne 0 ]; then
        break
    fi
done

say "summary ($(($(date +%s) - start))s)$results"
if [ "$failed" -ne 0 ]; then
    echo "ci-test: FAILED (see the phase output above)"
    exit 1
fi
echo "ci-test: all phases passed"
