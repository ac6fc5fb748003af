#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Load benchmark of `mkt load`: wall time, rows/s, MB/s and peak RSS.

Generates (or reuses a cached) data set with tools/gen_airline.py, then runs
`mkt load --customers --bookings --events` under `/usr/bin/time -v` and prints the figures.

Needs GNU time as /usr/bin/time: on Debian `apt-get install time` (the `time` package; the
shell's `time` keyword does not report peak RSS).

    tests/bench/load_bench.py [--customers N] [--mkt PATH] [--data-dir DIR] [--repeat K]
    tests/bench/load_bench.py --per-file [--timer PATH] [--dir DIR]   (one line per file)

Defaults: 1,000,000 customers (~10M bookings, ~1.1 GB of bookings.csv; generating it takes a
few minutes once, then the cache in DATA_DIR/<N>/ is reused), mkt from build/tools/mkt/mkt.
MKT_BENCH_CUSTOMERS overrides the default size (meson's `benchmark` run uses it).
Output ends with one `key=value` line per figure, easy to collect.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TIME = "/usr/bin/time"
FILES = ("customers", "bookings", "events")


def ensure_data(gen, data_dir, customers):
    """Generate the data set once per size; a stamp file marks a complete generation."""
    out = os.path.join(data_dir, str(customers))
    stamp = os.path.join(out, ".complete")
    if os.path.exists(stamp):
        print(f"reusing data in {out}")
        return out
    print(f"generating {customers} customers into {out} (once) ...", flush=True)
    subprocess.run([sys.executable, gen, "--customers", str(customers), "--out", out,
                    "--touch-scale", "0"], check=True)
    with open(stamp, "w") as f:
        f.write("ok\n")
    return out


def parse_time_v(text):
    """Wall seconds and peak RSS (KiB) from GNU time -v output."""
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    user = re.search(r"User time \(seconds\): ([\d.]+)", text)
    sys_ = re.search(r"System time \(seconds\): ([\d.]+)", text)
    if not wall or not rss:
        raise RuntimeError("cannot parse /usr/bin/time -v output:\n" + text)
    h, m, s = wall.groups()
    secs = int(h or 0) * 3600 + int(m) * 60 + float(s)
    return secs, int(rss.group(1)), float(user.group(1)), float(sys_.group(1))


def run_once(mkt, paths):
    with tempfile.TemporaryFile(mode="w+") as timing:
        cmd = [TIME, "-v", "-o", "/dev/fd/%d" % timing.fileno(), mkt, "load", "--json",
               "--no-progress"]
        for kind in FILES:
            cmd += ["--" + kind, paths[kind]]
        r = subprocess.run(cmd, capture_output=True, text=True, pass_fds=(timing.fileno(),))
        if r.returncode != 0:
            raise RuntimeError(f"mkt load failed ({r.returncode}): {r.stderr}")
        timing.seek(0)
        return json.loads(r.stdout), parse_time_v(timing.read())


def run_per_file(timer, data):
    """Per-file figures from load_timer (tests/bench/load_timer.c): wall, CPU, MB/s, rows/s
    and the process's peak RSS after each file."""
    with tempfile.TemporaryFile(mode="w+") as timing:
        cmd = [TIME, "-v", "-o", "/dev/fd/%d" % timing.fileno(), timer, data]
        r = subprocess.run(cmd, capture_output=True, text=True, pass_fds=(timing.fileno(),))
        if r.returncode != 0:
            raise RuntimeError(f"load_timer failed ({r.returncode}): {r.stderr}")
        timing.seek(0)
        wall, rss_kib, user, system = parse_time_v(timing.read())
    for line in r.stdout.splitlines():
        f = dict(kv.split("=", 1) for kv in line.split())
        print(f"{f['kind']:10} {int(f['bytes']) / 1e6:8.1f} MB {int(f['rows']):>10} rows  "
              f"wall {float(f['wall_s']):6.2f} s  cpu {float(f['cpu_s']):6.2f} s  "
              f"{float(f['mb_per_s']):7.1f} MB/s  {float(f['rows_per_s']):>11,.0f} rows/s  "
              f"peak RSS {int(f['peak_rss_kib']) / 1024:7.1f} MiB")
    print(f"process: wall {wall:.2f} s (user {user:.2f} s, sys {system:.2f} s), "
          f"peak RSS {rss_kib / 1024:,.1f} MiB")
    print(r.stdout.strip())
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--customers", type=int,
                    default=int(os.environ.get("MKT_BENCH_CUSTOMERS", "1000000")))
    ap.add_argument("--mkt", default=os.path.join(ROOT, "build", "tools", "mkt", "mkt"))
    ap.add_argument("--generator", default=os.path.join(ROOT, "tools", "gen_airline.py"))
    ap.add_argument("--data-dir", default=os.environ.get(
        "MKT_BENCH_DATA", os.path.join(ROOT, "build", "bench-data")))
    ap.add_argument("--repeat", type=int, default=1, help="runs; the best wall time is kept")
    ap.add_argument("--per-file", action="store_true",
                    help="time each file on its own with load_timer instead of `mkt load`")
    ap.add_argument("--timer", default=os.path.join(ROOT, "build", "tests", "bench", "load_timer"))
    ap.add_argument("--dir", help="an existing data set (customers.csv ...) instead of DATA_DIR")
    args = ap.parse_args()
    if not os.access(TIME, os.X_OK):
        sys.exit("load_bench: %s not found; install it with `apt-get install time`" % TIME)
    if args.per_file:
        data = args.dir or ensure_data(args.generator, args.data_dir, args.customers)
        return run_per_file(args.timer, data)

    out = ensure_data(args.generator, args.data_dir, args.customers)
    paths = {k: os.path.join(out, k + ".csv") for k in FILES}
    size = sum(os.path.getsize(p) for p in paths.values())
    best = None
    for _ in range(max(1, args.repeat)):
        profile, timing = run_once(args.mkt, paths)
        if best is None or timing[0] < best[1][0]:
            best = (profile, timing)
    profile, (wall, rss_kib, user, system) = best
    rows = sum(f["rows"] for f in profile["files"])
    print(f"files:    " + ", ".join(f"{f['kind']} {f['rows']} rows {f['bytes'] / 1e6:.1f} MB"
                                    for f in profile["files"]))
    print(f"wall:     {wall:.2f} s (user {user:.2f} s, sys {system:.2f} s)")
    print(f"rows/s:   {rows / wall:,.0f}")
    print(f"MB/s:     {size / 1e6 / wall:,.1f}")
    print(f"peak RSS: {rss_kib / 1024:,.1f} MiB")
    print(f"customers={args.customers} rows={rows} bytes={size} wall_s={wall:.3f} "
          f"rows_per_s={rows / wall:.0f} mb_per_s={size / 1e6 / wall:.1f} "
          f"peak_rss_kib={rss_kib}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
