#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Install the Debian 12 packages libmarketing needs, and only those missing, so that running
# it again is quick and changes nothing. Runs apt-get as root (or through sudo when not root);
# when everything is already there it needs neither.
#
# Usage: tools/install-deps.sh [--build-only]
#   --build-only  just what building the library, mkt and the demo needs; by default also
#                 what the whole test suite needs (C++ compiler, abigail-tools, valgrind, Go).
set -u

BUILD="build-essential pkg-config meson ninja-build python3 \
libxml2-dev libpcre2-dev zlib1g-dev check libsqlite3-dev tzdata"
TEST="g++ abigail-tools valgrind golang-go gzip time"

case ${1:-} in
    --build-only) packages=$BUILD ;;
    "") packages="$BUILD $TEST" ;;
    *) echo "usage: tools/install-deps.sh [--build-only]" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install-deps: not a Debian system; install the equivalents of: $packages" >&2
    exit 0
fi

missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
        missing="$missing $p"
done
if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "install-deps: run as root to install:$missing" >&2
    exit 1
fi
echo "install-deps: installing$missing"
# shellcheck disable=SC2086 # the package list is split into words on purpose
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
    $as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends $missing
