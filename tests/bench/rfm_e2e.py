#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end RFM benchmark: `mkt rfm --scoring ntile` straight from bookings.csv.

Runs, in one process each time, `mkt rfm --bookings F --as-of D --scoring ntile --out TMP`
(the streamed path: the file is never loaded) under `/usr/bin/time -v` (wall time, peak RSS),
on the plain file and, when present or made once here, on its gzip copy. When `node` and the
DuckDB peer (../shared/tools/peers, after `npm install` there) are usable, it also runs
`node duckdb_rfm.mjs` (the seed's NTILE query straight over the CSV file), alternating the two
(A B A B ...), checks that both score the same customers with the same r, f and m, and prints
the ratio of the medians.

    tests/bench/rfm_e2e.py [--dir DATA] [--customers N] [--mkt PATH] [--repeat K]
                           [--peers DIR] [--threads T] [--no-gzip]

Data as for segment_e2e.py. The last line is `key=value` figures, easy to collect.
"""

import argparse
import csv
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_bench import TIME, parse_time_v  # noqa: E402  (shared helpers)
from segment_e2e import ROOT, peer_problem, pick_data  # noqa: E402


def run_mkt(mkt, bookings, as_of, out):
    """One `mkt rfm`: (wall seconds, peak RSS KiB)."""
    with tempfile.TemporaryFile(mode="w+") as timing:
        cmd = [TIME, "-v", "-o", "/dev/fd/%d" % timing.fileno(), mkt, "rfm", "--bookings",
               bookings, "--as-of", as_of, "--scoring", "ntile", "--out", out, "--no-progress"]
        r = subprocess.run(cmd, capture_output=True, text=True, pass_fds=(timing.fileno(),))
        if r.returncode != 0:
            raise RuntimeError(f"mkt rfm failed ({r.returncode}): {r.stderr}")
        timing.seek(0)
        wall, rss, _user, _sys = parse_time_v(timing.read())
    return wall, rss


def run_peer(peers, bookings, as_of, out, threads):
    """One DuckDB run: (process wall seconds, DuckDB's own query seconds)."""
    t0 = time.monotonic()
    r = subprocess.run(["node", "duckdb_rfm.mjs", bookings, as_of, out, str(threads)],
                       cwd=peers, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if r.returncode != 0:
        raise RuntimeError(f"duckdb_rfm.mjs failed ({r.returncode}): {r.stderr}")
    return wall, float(r.stdout.split()[0])


def scores(path):
    """customer_id -> (r, f, m) of an RFM CSV."""
    with open(path, newline="") as f:
        return {row["customer_id"]: (row["r"], row["f"], row["m"]) for row in csv.DictReader(f)}


def gzip_copy(bookings):
    """bookings.csv.gz beside the file, made once."""
    gz = bookings + ".gz"
    if not os.path.exists(gz):
        with open(bookings, "rb") as src, gzip.open(gz + ".tmp", "wb", compresslevel=1) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        os.replace(gz + ".tmp", gz)
    return gz


def median_runs(runs):
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", help="an existing data set (bookings.csv)")
    ap.add_argument("--customers", type=int, help="generate (once) a data set of this size")
    ap.add_argument("--mkt", default=os.path.join(ROOT, "build", "tools", "mkt", "mkt"))
    ap.add_argument("--generator", default=os.path.join(ROOT, "tools", "gen_airline.py"))
    ap.add_argument("--data-dir", default=os.environ.get(
        "MKT_BENCH_DATA", os.path.join(ROOT, "build", "bench-data")))
    ap.add_argument("--as-of", default="2026-06-30")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each program (median)")
    ap.add_argument("--peers", default=os.path.join(ROOT, "..", "shared", "tools", "peers"))
    ap.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    ap.add_argument("--no-gzip", action="store_true", help="skip the gzip figure")
    args = ap.parse_args()
    if not os.access(TIME, os.X_OK):
        sys.exit("rfm_e2e: %s not found; install it with `apt-get install time`" % TIME)
    bookings = os.path.join(pick_data(args), "bookings.csv")
    print(f"data: {bookings} ({os.path.getsize(bookings) / 1e6:,.0f} MB), as of {args.as_of}")
    peers = os.path.abspath(args.peers)
    problem = peer_problem(peers)
    if problem:
        print(f"DuckDB peer skipped: {problem}")
    tmp = tempfile.mkdtemp(prefix="rfm-e2e-")
    ours, theirs = os.path.join(tmp, "mkt.csv"), os.path.join(tmp, "duckdb.csv")
    try:
        mkt_runs, peer_runs = [], []
        for _ in range(max(1, args.repeat)):  # alternate A B A B: the machine is noisy
            mkt_runs.append(run_mkt(args.mkt, bookings, args.as_of, ours))
            if not problem:
                peer_runs.append(run_peer(peers, bookings, args.as_of, theirs, args.threads))
        wall, rss = median_runs(mkt_runs)
        rows = scores(ours)
        print(f"mkt rfm (plain): {len(rows)} customers; wall median {wall:.2f} s "
              f"(runs {', '.join('%.2f' % r[0] for r in mkt_runs)}); peak RSS "
              f"{rss / 1024:,.1f} MiB")
        figures = f"customers={len(rows)} wall_s={wall:.3f} peak_rss_kib={rss}"
        if peer_runs:
            pwall = statistics.median(r[0] for r in peer_runs)
            same = scores(theirs) == rows
            print(f"DuckDB ({args.threads} threads): process wall median {pwall:.2f} s; same "
                  f"scores: {'yes' if same else 'NO'}")
            print(f"ratio DuckDB / mkt (process wall): {pwall / wall:.2f}x")
            figures += f" duckdb_wall_s={pwall:.3f} ratio={pwall / wall:.2f} same={int(same)}"
        if not args.no_gzip:
            gz = gzip_copy(bookings)
            gwall, grss = median_runs([run_mkt(args.mkt, gz, args.as_of, ours)
                                       for _ in range(max(1, args.repeat))])
            print(f"mkt rfm (gzip, {os.path.getsize(gz) / 1e6:,.0f} MB): wall median "
                  f"{gwall:.2f} s; peak RSS {grss / 1024:,.1f} MiB")
            figures += f" gzip_wall_s={gwall:.3f} gzip_peak_rss_kib={grss}"
        print(figures)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
