#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end segment benchmark: `mkt segment count` straight from the CSV files.

Runs, in one process each time, load + as-of fields + compile + evaluate of the issue's
4-condition rule

    booking.spend_12m >= 5000 and booking.count_12m >= 10 and
    booking.premium_share_12m >= 0.5 and customer.tier in ('GOLD','PLATINUM')

at --as-of 2026-06-30, under `/usr/bin/time -v` (wall time, peak RSS). When `node` and the
DuckDB peer (../shared/tools/peers, after `npm install` there) are usable, it also runs
`node duckdb_segment.mjs` on the same files, alternating the two (A B A B ...), checks that
both count the same customers and prints the ratio of the medians. Without the peer it says
so and reports mkt alone.

    tests/bench/segment_e2e.py [--dir DATA] [--customers N] [--mkt PATH] [--repeat K]
                               [--peers DIR] [--threads T]

Data: --dir, else /tmp/gen1m when it exists and --customers was not given, else a data set of
--customers customers (default MKT_BENCH_CUSTOMERS or 1,000,000) generated once with
tools/gen_airline.py into DATA_DIR/<N>/ (the cache load_bench.py uses).
The last line is `key=value` figures, easy to collect. Needs GNU time (`apt-get install time`).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_bench import TIME, ensure_data, parse_time_v  # noqa: E402  (shared helpers)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RULE = ("booking.spend_12m >= 5000 and booking.count_12m >= 10 and "
        "booking.premium_share_12m >= 0.5 and customer.tier in ('GOLD','PLATINUM')")
DEFAULT_1M = "/tmp/gen1m"


def run_mkt(mkt, data, as_of):
    """One `mkt segment count`: (count, wall seconds, peak RSS KiB, user s, sys s)."""
    with tempfile.TemporaryFile(mode="w+") as timing:
        cmd = [TIME, "-v", "-o", "/dev/fd/%d" % timing.fileno(), mkt, "segment", "count",
               "--customers", os.path.join(data, "customers.csv"),
               "--bookings", os.path.join(data, "bookings.csv"),
               "--as-of", as_of, "--no-progress", "--rule", RULE]
        r = subprocess.run(cmd, capture_output=True, text=True, pass_fds=(timing.fileno(),))
        if r.returncode != 0:
            raise RuntimeError(f"mkt segment count failed ({r.returncode}): {r.stderr}")
        timing.seek(0)
        wall, rss, user, system = parse_time_v(timing.read())
    return int(r.stdout.strip()), wall, rss, user, system


def peer_problem(peers):
    """Why the DuckDB peer cannot run, or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not os.path.exists(os.path.join(peers, "duckdb_segment.mjs")):
        return f"{peers}/duckdb_segment.mjs not found"
    if not os.path.isdir(os.path.join(peers, "node_modules", "@duckdb", "node-api")):
        return f"DuckDB is not installed (run `npm install` in {peers})"
    return None


def run_peer(peers, data, as_of, threads):
    """One DuckDB run: (count, process wall seconds, DuckDB's own query seconds)."""
    cmd = ["node", "duckdb_segment.mjs", os.path.join(data, "customers.csv"),
           os.path.join(data, "bookings.csv"), as_of, str(threads)]
    t0 = time.monotonic()
    r = subprocess.run(cmd, cwd=peers, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if r.returncode != 0:
        raise RuntimeError(f"duckdb_segment.mjs failed ({r.returncode}): {r.stderr}")
    count, query_s = r.stdout.split()
    return int(count), wall, float(query_s)


def pick_data(args):
    if args.dir:
        return args.dir
    if args.customers is None and os.path.exists(os.path.join(DEFAULT_1M, "bookings.csv")):
        return DEFAULT_1M
    n = args.customers or int(os.environ.get("MKT_BENCH_CUSTOMERS", "1000000"))
    return ensure_data(args.generator, args.data_dir, n)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", help="an existing data set (customers.csv, bookings.csv)")
    ap.add_argument("--customers", type=int, help="generate (once) a data set of this size")
    ap.add_argument("--mkt", default=os.path.join(ROOT, "build", "tools", "mkt", "mkt"))
    ap.add_argument("--generator", default=os.path.join(ROOT, "tools", "gen_airline.py"))
    ap.add_argument("--data-dir", default=os.environ.get(
        "MKT_BENCH_DATA", os.path.join(ROOT, "build", "bench-data")))
    ap.add_argument("--as-of", default="2026-06-30")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each program (median)")
    ap.add_argument("--peers", default=os.path.join(ROOT, "..", "shared", "tools", "peers"))
    ap.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    args = ap.parse_args()
    if not os.access(TIME, os.X_OK):
        sys.exit("segment_e2e: %s not found; install it with `apt-get install time`" % TIME)
    data = pick_data(args)
    size = sum(os.path.getsize(os.path.join(data, f + ".csv")) for f in ("customers", "bookings"))
    print(f"data: {data} ({size / 1e6:,.0f} MB of customers.csv + bookings.csv)")
    print(f"rule: {RULE}  (as of {args.as_of})")
    peers = os.path.abspath(args.peers)
    problem = peer_problem(peers)
    if problem:
        print(f"DuckDB peer skipped: {problem}")

    mkt_runs, peer_runs = [], []
    for _ in range(max(1, args.repeat)):  # alternate A B A B: the machine is noisy
        mkt_runs.append(run_mkt(args.mkt, data, args.as_of))
        if not problem:
            peer_runs.append(run_peer(peers, data, args.as_of, args.threads))

    count = mkt_runs[0][0]
    if any(r[0] != count for r in mkt_runs):
        sys.exit("segment_e2e: mkt's count changed between runs: %s" % [r[0] for r in mkt_runs])
    wall = statistics.median(r[1] for r in mkt_runs)
    rss = max(r[2] for r in mkt_runs)
    user = statistics.median(r[3] for r in mkt_runs)
    system = statistics.median(r[4] for r in mkt_runs)
    print(f"mkt segment count: {count} members; wall median {wall:.2f} s "
          f"(runs {', '.join('%.2f' % r[1] for r in mkt_runs)}; user {user:.2f} s, "
          f"sys {system:.2f} s); peak RSS {rss / 1024:,.1f} MiB")
    figures = f"members={count} wall_s={wall:.3f} peak_rss_kib={rss}"
    if peer_runs:
        pwall = statistics.median(r[1] for r in peer_runs)
        pquery = statistics.median(r[2] for r in peer_runs)
        print(f"DuckDB ({args.threads} threads): {peer_runs[0][0]} members; process wall median "
              f"{pwall:.2f} s (runs {', '.join('%.2f' % r[1] for r in peer_runs)}), "
              f"query {pquery:.2f} s")
        print(f"ratio DuckDB / mkt (process wall): {pwall / wall:.2f}x")
        figures += f" duckdb_wall_s={pwall:.3f} duckdb_query_s={pquery:.3f} " \
                   f"ratio={pwall / wall:.2f}"
        if any(r[0] != count for r in peer_runs):
            print("WARNING: DuckDB counts %s differ from mkt's %d"
                  % ([r[0] for r in peer_runs], count))
            figures += " counts_differ=1"
    print(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
