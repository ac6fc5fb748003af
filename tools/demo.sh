#!/bin/sh
# SPDX-License-Identifier: MIT
# The first thing to run after cloning: build mkt (if needed), generate a small deterministic
# airline data set with tools/gen_airline.py, profile it with `mkt load`, count every predefined
# segment, explain one rule for one customer, and print the RFM segments and lifecycle stages.
#
# Usage: tools/demo.sh [BUILD_DIR]        (default: build; CUSTOMERS=2000 to change the size)
#
# It first installs what building needs (tools/install-deps.sh --build-only: a C compiler,
# meson, ninja, pkg-config, python3 and the library's -dev packages; nothing when all present).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
sh "$root/tools/install-deps.sh" --build-only
build=${1:-$root/build}
customers=${CUSTOMERS:-2000}
sample=$build/sample

if [ ! -f "$build/build.ninja" ]; then
    echo "==> meson setup $build"
    meson setup "$build" "$root"
fi
echo "==> building mkt"
ninja -C "$build" tools/mkt/mkt >/dev/null

# Regenerate only when the size asked for differs from what is there: the generator is
# deterministic, so the same size gives byte-identical files.
stamp=$sample/.customers
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$customers" ] || [ ! -f "$sample/bookings.csv" ]; then
    echo "==> generating $customers customers into $sample"
    rm -f "$stamp"
    python3 "$root/tools/gen_airline.py" --customers "$customers" --out "$sample"
    echo "$customers" >"$stamp"
fi

echo "==> mkt load"
set -x
"$build/tools/mkt/mkt" load \
    --customers "$sample/customers.csv" \
    --bookings "$sample/bookings.csv" \
    --events "$sample/events.csv"

# The generator's data ends on its --as-of date (2026-06-30), so segments are counted as of then.
"$build/tools/mkt/mkt" segment count --all --as-of 2026-06-30 \
    --customers "$sample/customers.csv" \
    --bookings "$sample/bookings.csv" \
    --events "$sample/events.csv"
"$build/tools/mkt/mkt" segment explain --as-of 2026-06-30 --customer "$(sed -n '2s/,.*//p' "$sample/customers.csv")" \
    --rule "booking.spend_12m >= 5000 and customer.tier in ('GOLD','PLATINUM')" \
    --customers "$sample/customers.csv" \
    --bookings "$sample/bookings.csv"

# RFM scores per segment and lifecycle stages per customer, as of the same date.
"$build/tools/mkt/mkt" rfm --as-of 2026-06-30 --bookings "$sample/bookings.csv"
"$build/tools/mkt/mkt" lifecycle --as-of 2026-06-30 \
    --customers "$sample/customers.csv" \
    --bookings "$sample/bookings.csv"
