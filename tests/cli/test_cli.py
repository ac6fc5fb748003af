#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Command-line tests of `mkt` (standard library only).

Environment: MKT = path of the mkt binary, MKT_SOURCE_DIR = the source tree,
MKT_VERSION = the project version (optional). Run by meson (tests/cli/meson.build) or by hand:

    MKT=build/tools/mkt/mkt MKT_SOURCE_DIR=. python3 tests/cli/test_cli.py -v
"""

import gzip
import json
import os
import pty
import re
import select
import shutil
import subprocess
import tempfile
import unittest

MKT = os.environ.get("MKT", "mkt")
SRC = os.environ.get("MKT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(SRC, "tests", "cli", "data")

# Worked out by hand from tests/cli/data (see its README.md).
EXPECTED = {
    "customers": 5,
    "customers_with_bookings": 4,
    "bookings": 8,
    "bookings_cancelled": 1,
    "events": 6,
    "booking_dates": {"first": "2024-12-24", "last": "2026-06-29"},
    "event_times": {"first": "2026-05-15T07:00:00Z", "last": "2026-06-29T18:45:00Z"},
    "amounts": {"USD": "11892.90", "EUR": "1599.99"},
    "nulls": {"customer_id": 0, "email": 1, "email_open_rate": 1, "nps_score": 1,
              "favourite_meal": 2, "tier": 0},
}


def run(*args, env=None, **kw):
    """Run mkt with stderr and stdout captured (so stderr is never a terminal)."""
    return subprocess.run([MKT, *args], capture_output=True, text=True, env=env, timeout=120,
                          **kw)


def data(name):
    return os.path.join(DATA, name)


class UsageTest(unittest.TestCase):
    def assert_usage_error(self, *args, needle=None):
        r = run(*args)
        self.assertEqual(r.returncode, 2, f"mkt {args}: {r.stderr}")
        self.assertEqual(r.stdout, "")
        self.assertTrue(r.stderr.startswith("mkt: "), r.stderr)
        if needle:
            self.assertIn(needle, r.stderr)

    def test_help(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("Usage: mkt", r.stdout)
        self.assertRegex(r.stdout, r"(?m)^  load\s+\S")
        self.assertEqual(r.stderr, "")

    def test_help_command_and_command_help_agree(self):
        a = run("help", "load")
        b = run("load", "--help")
        self.assertEqual(a.returncode, 0)
        self.assertEqual(b.returncode, 0)
        self.assertEqual(a.stdout, b.stdout)
        for opt in ("--customers", "--bookings", "--events", "--separator", "--json"):
            self.assertIn(opt, a.stdout)

    def test_version(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        m = re.fullmatch(r"mkt \(libmarketing\) (\d+\.\d+\.\d+)\n", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        if os.environ.get("MKT_VERSION"):
            self.assertEqual(m.group(1), os.environ["MKT_VERSION"])

    def test_usage_errors(self):
        self.assert_usage_error(needle="no command")
        self.assert_usage_error("frobnicate", needle="unknown command 'frobnicate'")
        self.assert_usage_error("--bogus", needle="'--bogus'")
        self.assert_usage_error("-x", needle="'-x'")
        self.assert_usage_error("--state", needle="missing argument")
        self.assert_usage_error("help", "nope", needle="unknown command 'nope'")
        self.assert_usage_error("load", needle="at least one")
        self.assert_usage_error("load", "--customers", needle="missing argument")
        self.assert_usage_error("load", "--frob", data("customers.csv"), needle="'--frob'")
        self.assert_usage_error("load", "--customers", data("customers.csv"), "extra",
                                needle="unexpected argument 'extra'")
        self.assert_usage_error("load", "--customers", data("customers.csv"),
                                "--separator", "ab", needle="separator")

    def test_usage_error_hint_names_command(self):
        r = run("load", "--frob")
        self.assertIn("mkt load --help", r.stderr)


class LoadTest(unittest.TestCase):
    def load_json(self, *extra):
        r = run("load", "--customers", data("customers.csv"), "--bookings", data("bookings.csv"),
                "--events", data("events.csv"), "--json", *extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_json_counts(self):
        j = self.load_json()
        for key in ("customers", "customers_with_bookings", "bookings", "bookings_cancelled",
                    "events", "booking_dates", "event_times"):
            self.assertEqual(j[key], EXPECTED[key], key)
        rows = {f["kind"]: f["rows"] for f in j["files"]}
        self.assertEqual(rows, {"customers": 5, "bookings": 8, "events": 6})
        for f in j["files"]:
            self.assertEqual(f["bytes"], os.path.getsize(f["path"]))
        amounts = {c["code"]: c["amount"] for c in j["currencies"]}
        self.assertEqual(amounts, EXPECTED["amounts"])
        self.assertEqual([c["code"] for c in j["currencies"]], ["USD", "EUR"])  # first seen
        for c in j["currencies"]:
            self.assertEqual(c["amount"], "%d.%02d" % divmod(c["amount_minor"], 100))
        # Bookings per currency count cancelled ones too (B3 is a cancelled USD booking);
        # the amount is confirmed bookings only.
        self.assertEqual({c["code"]: c["bookings"] for c in j["currencies"]},
                         {"USD": 5, "EUR": 3})
        cols = {c["name"]: c for c in j["columns"]}
        for name, nulls in EXPECTED["nulls"].items():
            self.assertEqual(cols[name]["nulls"], nulls, name)
        self.assertTrue(cols["favourite_meal"]["custom"])
        self.assertFalse(cols["email"]["custom"])
        self.assertTrue(any(c["derived"] for c in j["columns"]))

    def test_text_report(self):
        r = run("load", "--customers", data("customers.csv"), "--bookings", data("bookings.csv"),
                "--events", data("events.csv"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        out = r.stdout
        self.assertRegex(out, r"(?m)^customers\s+5\s+\d+\s+\S*customers\.csv$")
        self.assertRegex(out, r"(?m)^bookings\s+8\s")
        self.assertRegex(out, r"(?m)^events\s+6\s")
        self.assertRegex(out, r"(?m)^Customers\s+5$")
        self.assertRegex(out, r"(?m)^  with bookings\s+4$")
        self.assertRegex(out, r"(?m)^Bookings\s+8$")
        self.assertRegex(out, r"(?m)^  cancelled\s+1$")
        self.assertRegex(out, r"(?m)^  booking dates\s+2024-12-24 \.\. 2026-06-29$")
        self.assertRegex(out, r"(?m)^Events\s+6$")
        self.assertRegex(out, r"(?m)^  event times\s+2026-05-15T07:00:00Z \.\. "
                              r"2026-06-29T18:45:00Z$")
        self.assertRegex(out, r"(?m)^USD\s+5\s+11892\.90$")
        self.assertRegex(out, r"(?m)^EUR\s+3\s+1599\.99$")
        self.assertRegex(out, r"(?m)^favourite_meal\s+string\s+custom\s+2$")
        self.assertRegex(out, r"(?m)^email\s+string\s+standard\s+1$")

    def test_output_is_deterministic(self):
        args = ("load", "--customers", data("customers.csv"), "--bookings", data("bookings.csv"))
        self.assertEqual(run(*args).stdout, run(*args).stdout)

    def test_json_and_text_agree(self):
        j = self.load_json()
        r = run("load", "--customers", data("customers.csv"), "--bookings", data("bookings.csv"),
                "--events", data("events.csv"))
        for c in j["columns"]:
            self.assertRegex(r.stdout, r"(?m)^%s\s+%s\s+\S+\s+%d$"
                             % (re.escape(c["name"]), c["type"], c["nulls"]))

    def test_single_file_kinds(self):
        r = run("load", "--events", data("events.csv"), "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        j = json.loads(r.stdout)
        self.assertEqual(j["events"], 6)
        self.assertEqual(j["customers"], 5)  # created from the events' customer ids
        self.assertIsNone(j["booking_dates"])
        self.assertEqual(j["currencies"], [])

    def test_gzip_input(self):
        with tempfile.TemporaryDirectory() as tmp:
            gz = os.path.join(tmp, "bookings.csv.gz")
            with open(data("bookings.csv"), "rb") as f, gzip.open(gz, "wb") as g:
                g.write(f.read())
            r = run("load", "--customers", data("customers.csv"), "--bookings", gz, "--json")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(json.loads(r.stdout)["bookings"], 8)

    def test_separator(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "customers.tsv")
            with open(path, "w", encoding="utf-8") as f:
                f.write("customer_id\tcountry\nX1\tUS\nX2\t\n")
            r = run("load", "--customers", path, "--separator", "tab", "--json")
            self.assertEqual(r.returncode, 0, r.stderr)
            j = json.loads(r.stdout)
            self.assertEqual(j["customers"], 2)
            self.assertEqual({c["name"]: c["nulls"] for c in j["columns"]}["country"], 1)

    def test_state_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            state = os.path.join(tmp, "state.db")
            r = run("--state", state, "load", "--customers", data("customers.csv"))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(os.path.exists(state))
            r = run("load", "--state", state, "--customers", data("customers.csv"))
            self.assertEqual(r.returncode, 0, r.stderr)
            bad = os.path.join(tmp, "no-such-dir", "state.db")
            r = run("--state", bad, "load", "--customers", data("customers.csv"))
            self.assertEqual(r.returncode, 1)
            self.assertIn(bad, r.stderr)
            self.assertEqual(r.stdout, "")

    def test_missing_file(self):
        path = os.path.join(DATA, "no-such-file.csv")
        r = run("load", "--customers", path)
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stderr.startswith("mkt: "), r.stderr)
        self.assertIn(path, r.stderr)
        self.assertEqual(r.stdout, "")


def lines_of(name):
    with open(data(name), encoding="utf-8") as f:
        return f.read().splitlines(keepends=True)


class MalformedInputTest(unittest.TestCase):
    """Each bad file exits 1, prints nothing on stdout, and names the file and line on stderr."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, name, content):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    def variant(self, name, line, replace):
        """The sample file with 1-based line @line changed by @replace (a function)."""
        rows = lines_of(name)
        rows[line - 1] = replace(rows[line - 1])
        return self.write(name, "".join(rows))

    def assert_fails_at(self, kind, path, line, *extra):
        args = ["load"]
        if kind != "customers":
            args += ["--customers", data("customers.csv")]
        args += ["--" + kind, path, *extra]
        r = run(*args)
        self.assertEqual(r.returncode, 1, f"{path}: exit {r.returncode}: {r.stderr}")
        self.assertEqual(r.stdout, "", "no partial output on failure")
        self.assertTrue(r.stderr.startswith("mkt: "), r.stderr)
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)
        if line is None:
            self.assertRegex(r.stderr, re.escape(path) + r":\d+")
        else:
            self.assertRegex(r.stderr, re.escape(path) + ":%d(\\D|$)" % line)
        return r.stderr

    def test_bad_quoting(self):
        p = self.variant("customers.csv", 3, lambda s: s.replace('"O\'Brien, Jr."',
                                                                '"O\'Brien" Jr.'))
        self.assert_fails_at("customers", p, 3)

    def test_unterminated_quote(self):
        p = self.variant("customers.csv", 6, lambda s: s.replace("Zola", '"Zola'))
        self.assert_fails_at("customers", p, 6)

    def test_wrong_column_count(self):
        p = self.variant("bookings.csv", 4, lambda s: s.rstrip("\n") + ",EXTRA\n")
        self.assert_fails_at("bookings", p, 4)
        p = self.variant("bookings.csv", 5, lambda s: s.rsplit(",", 2)[0] + "\n")
        self.assert_fails_at("bookings", p, 5)

    def test_bad_dates(self):
        p = self.variant("bookings.csv", 3, lambda s: s.replace("2025-03-02T10:15:00Z",
                                                                "2025-02-30"))
        err = self.assert_fails_at("bookings", p, 3)
        self.assertIn("booking_date", err)
        p = self.variant("customers.csv", 2, lambda s: s.replace("2023-02-14", "14/02/2023"))
        self.assert_fails_at("customers", p, 2)
        p = self.variant("events.csv", 7, lambda s: s.replace("2026-05-15T07:00:00Z",
                                                              "yesterday"))
        self.assert_fails_at("events", p, 7)

    def test_negative_amount(self):
        p = self.variant("bookings.csv", 6, lambda s: s.replace(",8200.00,", ",-8200.00,"))
        err = self.assert_fails_at("bookings", p, 6)
        self.assertIn("total_amount", err)

    def test_bad_money(self):
        p = self.variant("bookings.csv", 2, lambda s: s.replace(",612.40,", ",612.405,"))
        self.assert_fails_at("bookings", p, 2)

    def test_duplicate_ids(self):
        p = self.variant("customers.csv", 5, lambda s: s.replace("C4,", "C2,", 1))
        err = self.assert_fails_at("customers", p, 5)
        self.assertIn("C2", err)
        p = self.variant("bookings.csv", 9, lambda s: s.replace("B8,", "B1,", 1))
        self.assert_fails_at("bookings", p, 9)
        p = self.variant("events.csv", 4, lambda s: s.replace("E3,", "E1,", 1))
        self.assert_fails_at("events", p, 4)

    def test_invalid_utf8(self):
        with open(data("customers.csv"), "rb") as f:
            rows = f.read().split(b"\n")
        rows[3] = rows[3].replace(b"Chen", b"Ch\xff\xfeen")  # line 4
        p = self.write("customers.csv", b"\n".join(rows))
        self.assert_fails_at("customers", p, 4)

    def test_missing_required_column(self):
        rows = lines_of("bookings.csv")
        body = "".join(",".join(r.split(",")[:12] + r.split(",")[13:]) for r in rows)
        p = self.write("bookings.csv", body)  # total_amount removed everywhere
        r = run("load", "--customers", data("customers.csv"), "--bookings", p)
        self.assertEqual(r.returncode, 1)
        self.assertIn(p, r.stderr)
        self.assertIn("total_amount", r.stderr)

    def test_truncated_gzip(self):
        # Enough rows that the cut falls well inside the compressed stream.
        rows = lines_of("bookings.csv")
        body = rows[0] + "".join(
            r.replace("B", "B%05d-" % i, 1) for i in range(2000) for r in rows[1:])
        blob = gzip.compress(body.encode())
        p = self.write("bookings.csv.gz", blob[: len(blob) * 2 // 3])
        self.assert_fails_at("bookings", p, None)

    def test_failed_load_leaves_no_state_between_files(self):
        # A bad bookings file after a good customers file: still exit 1, nothing on stdout.
        p = self.variant("bookings.csv", 8, lambda s: s.replace(",149.99,", ",abc,"))
        self.assert_fails_at("bookings", p, 8)


class ProgressTest(unittest.TestCase):
    """The progress line goes to stderr only when stderr is a terminal."""

    @classmethod
    def setUpClass(cls):
        # ~4 MB of bookings: the library reports progress about every MiB.
        cls.tmp = tempfile.mkdtemp()
        cls.path = os.path.join(cls.tmp, "bookings.csv")
        rows = lines_of("bookings.csv")
        with open(cls.path, "w", encoding="utf-8") as f:
            f.write(rows[0])
            for i in range(6000):
                for r in rows[1:]:
                    f.write(r.replace("B", "B%06d-" % i, 1).replace("C", "K%d" % (i % 997), 1))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_no_progress_without_tty(self):
        r = run("load", "--bookings", self.path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")

    def run_with_tty_stderr(self, *args):
        master, slave = pty.openpty()
        p = subprocess.Popen([MKT, *args], stdout=subprocess.PIPE, stderr=slave,
                             stdin=subprocess.DEVNULL)
        os.close(slave)
        chunks = []
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        out = p.stdout.read()
        p.stdout.close()
        rc = p.wait(timeout=60)
        os.close(master)
        return rc, out.decode(), b"".join(chunks).decode(errors="replace")

    def test_progress_on_tty(self):
        rc, out, err = self.run_with_tty_stderr("load", "--bookings", self.path)
        self.assertEqual(rc, 0, err)
        self.assertIn("loading " + self.path, err)
        self.assertRegex(err, r"\d+%\s+[\d.]+ MB/s\s+\d+ rows")
        self.assertNotIn("loading", out)

    def test_no_progress_option_on_tty(self):
        rc, _, err = self.run_with_tty_stderr("load", "--no-progress", "--bookings", self.path)
        self.assertEqual(rc, 0, err)
        self.assertEqual(err, "")


if __name__ == "__main__":
    unittest.main(verbosity=2)
