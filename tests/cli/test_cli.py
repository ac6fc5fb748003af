#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Command-line tests of `mkt` (standard library only).

Environment: MKT = path of the mkt binary, MKT_SOURCE_DIR = the source tree,
MKT_VERSION = the project version (optional). Run by meson (tests/cli/meson.build) or by hand:

    MKT=build/tools/mkt/mkt MKT_SOURCE_DIR=. python3 tests/cli/test_cli.py -v
"""

import csv
import gzip
import io
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


class UsageAssertions:
    def assert_usage_error(self, *args, needle=None):
        r = run(*args)
        self.assertEqual(r.returncode, 2, f"mkt {args}: {r.stderr}")
        self.assertEqual(r.stdout, "")
        self.assertTrue(r.stderr.startswith("mkt: "), r.stderr)
        if needle:
            self.assertIn(needle, r.stderr)


class UsageTest(UsageAssertions, unittest.TestCase):
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


# Hand-computed from tests/cli/data (README.md there has the per-customer derivation).
# Counted bookings: CONFIRMED or empty status, booking date <= D; the 12m window is
# booking date > D - 12 months.
#   D = 2026-06-30 (window 2025-07-01 .. 2026-06-30):
#     C1: B8 only (0 EUR, ECONOMY)          count_12m 1, spend_12m 0.00,    premium 0.0
#     C2: B3 is cancelled                   count_12m 0, spend_12m 0.00,    premium null
#     C3: B4 (2025-06-01) is too old        count_12m 0, spend_12m 0.00,    premium null
#     C4: B6 (2100.50 USD, BUSINESS)        count_12m 1, spend_12m 2100.50, premium 1.0
#     C5: B7 (149.99 EUR, ECONOMY)          count_12m 1, spend_12m 149.99,  premium 0.0
#   D = 2025-06-30 (window 2024-07-01 .. 2025-06-30):
#     C1: B1 (USD, ECONOMY) + B2 (EUR, BUSINESS): count_12m 2, spend_12m null (two
#         currencies), premium 0.5
#     C3: B4 980.00 USD -> count 1; C4: B5 8200.00 USD FIRST -> count 1, premium 1.0;
#     C2, C5: count 0 (B7 is after D).
# Tiers: C1 GOLD, C2 NONE, C3 SILVER, C4 PLATINUM, C5 NONE; C3 has no email.
PREMIUM_GOLD = ("booking.premium_share_12m >= 0.5 and "
                "customer.tier in ('GOLD','PLATINUM')")
SEGMENT_COUNTS = [
    # (rule, as-of, expected count, members)
    ("booking.count_12m >= 1", "2026-06-30", 3, ["C1", "C4", "C5"]),
    ("booking.count_12m >= 1", "2025-06-30", 3, ["C1", "C3", "C4"]),
    ("booking.count_12m >= 2", "2025-06-30", 1, ["C1"]),
    ("booking.count_12m >= 2", "2026-06-30", 0, []),
    ("booking.spend_12m >= 2000", "2026-06-30", 1, ["C4"]),
    # C1's mixed-currency sum is null: neither >= nor < holds for it.
    ("booking.spend_12m < 1000", "2025-06-30", 3, ["C2", "C3", "C5"]),
    (PREMIUM_GOLD, "2026-06-30", 1, ["C4"]),
    (PREMIUM_GOLD, "2025-06-30", 2, ["C1", "C4"]),
    # Null shares (C2, C3) fail `<`; `not` is the exact complement of `>=`.
    ("booking.premium_share_12m < 0.5", "2026-06-30", 2, ["C1", "C5"]),
    ("not booking.premium_share_12m >= 0.5", "2026-06-30", 4, ["C1", "C2", "C3", "C5"]),
    ("customer.email is null", "2026-06-30", 1, ["C3"]),
    ("customer.tier = 'gold' ci or customer.country = 'FR'", "2026-06-30", 2, ["C1", "C5"]),
    # `today` is the as-of date. Signups: C3 2025-06-30, C5 2026-05-01 (exactly 60 days
    # before 2026-06-30, and after 2025-06-30, so `within last` leaves it out then).
    ("customer.signup_date >= today - 60 days", "2026-06-30", 1, ["C5"]),
    ("customer.signup_date >= today - 60 days", "2025-06-30", 2, ["C3", "C5"]),
    ("customer.signup_date within last 60 days", "2026-06-30", 1, ["C5"]),
    ("customer.signup_date within last 60 days", "2025-06-30", 1, ["C3"]),
]


def segment(sub, *args, files=("customers", "bookings")):
    """Run `mkt segment SUB` on the sample files."""
    paths = []
    for kind in files:
        paths += ["--" + kind, data(kind + ".csv")]
    return run("segment", sub, *paths, *args)


class SegmentUsageTest(UsageAssertions, unittest.TestCase):
    def test_help_lists_subcommands(self):
        a = run("help", "segment")
        b = run("segment", "--help")
        c = run("segment", "count", "--help")
        self.assertEqual(a.returncode, 0)
        self.assertEqual(a.stdout, b.stdout)
        self.assertEqual(a.stdout, c.stdout)
        for sub in ("count", "members", "check", "explain"):
            self.assertRegex(a.stdout, r"(?m)^  %s\s+\S" % sub)
        for opt in ("--rule", "--as-of", "--out", "--gzip", "--customer ", "--events"):
            self.assertIn(opt, a.stdout)
        self.assertRegex(run("--help").stdout, r"(?m)^  segment\s+\S")

    def test_segment_usage_errors(self):
        cb = ["--customers", data("customers.csv"), "--bookings", data("bookings.csv")]
        rule = ["--rule", "customer.tier = 'GOLD'"]
        e = self.assert_usage_error
        e("segment", needle="no subcommand")
        e("segment", "frob", *rule, needle="unknown subcommand 'frob'")
        e("segment", "count", *cb, needle="--rule")
        e("segment", "count", *rule, needle="--customers")
        e("segment", "count", "--customers", data("customers.csv"), *rule, needle="--bookings")
        e("segment", "count", *cb, *rule, "extra", needle="unexpected argument 'extra'")
        e("segment", "count", *cb, *rule, "--as-of", "2026-02-30", needle="--as-of")
        e("segment", "count", *cb, *rule, "--as-of", "30/06/2026", needle="YYYY-MM-DD")
        e("segment", "count", *cb, *rule, "--out", "x.csv", needle="--out")
        e("segment", "count", *cb, *rule, "--gzip", needle="--gzip")
        e("segment", "count", *cb, *rule, "--customer", "C1", needle="--customer")
        e("segment", "count", *cb, "--rule", needle="missing argument")
        e("segment", "count", *cb, *rule, "--bogus", needle="'--bogus'")
        e("segment", "count", *cb, *rule, "--separator", "ab", needle="separator")
        e("segment", "members", *cb, *rule, needle="--out")
        e("segment", "explain", *cb, *rule, needle="--customer")
        e("segment", "check", needle="--rule")
        r = run("segment", "frob")
        self.assertIn("mkt segment --help", r.stderr)


class SegmentCountTest(unittest.TestCase):
    def test_counts(self):
        for rule, as_of, count, _ in SEGMENT_COUNTS:
            with self.subTest(rule=rule, as_of=as_of):
                r = segment("count", "--rule", rule, "--as-of", as_of)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout, "%d\n" % count)
                self.assertEqual(r.stderr, "")

    def test_subcommand_after_options(self):
        r = run("segment", "--rule", PREMIUM_GOLD, "--as-of", "2025-06-30",
                "--customers", data("customers.csv"), "--bookings", data("bookings.csv"),
                "count")
        self.assertEqual((r.returncode, r.stdout), (0, "2\n"), r.stderr)

    def test_events(self):
        # At 2026-06-30: C1 opened an email on 2026-06-01 (90-day window), C3 searched on
        # 2026-06-03 (30-day window); nobody else has either event.
        rule = "event.email_opens_90d >= 1 or event.searches_30d >= 1"
        r = segment("count", "--rule", rule, "--as-of", "2026-06-30",
                    files=("customers", "bookings", "events"))
        self.assertEqual((r.returncode, r.stdout), (0, "2\n"), r.stderr)
        # 2026-09-15: 106 days after E2, 104 after E4: outside both windows.
        r = segment("count", "--rule", rule, "--as-of", "2026-09-15",
                    files=("customers", "bookings", "events"))
        self.assertEqual((r.returncode, r.stdout), (0, "0\n"), r.stderr)

    def test_default_as_of_is_today(self):
        import datetime
        rule = "customer.signup_date >= today - 300 days or booking.count_12m >= 1"
        for _ in range(2):  # retry once if the UTC date changed in between
            today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
            a = segment("count", "--rule", rule)
            b = segment("count", "--rule", rule, "--as-of", today)
            if today == datetime.datetime.now(datetime.timezone.utc).date().isoformat():
                break
        self.assertEqual(a.returncode, 0, a.stderr)
        self.assertEqual(a.stdout, b.stdout)

    def test_parse_error_has_line_and_column(self):
        r = segment("count", "--rule", "customer.tier = 'GOLD'\n  and booking.count_12m >> 3",
                    "--as-of", "2026-06-30")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        # Line 2, column 26: the second '>' of '>>' ("  and booking.count_12m >" is 25).
        self.assertRegex(r.stderr, r"^mkt: rule:2:26: .*'>'")
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)

    def test_unknown_field_hint(self):
        r = segment("count", "--rule", "customer.tier = 'GOLD' and customer.teir = 'GOLD'")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertRegex(r.stderr, r"^mkt: rule:1:28: unknown field 'customer\.teir'")
        self.assertIn("did you mean customer.tier", r.stderr)

    def test_type_error(self):
        r = segment("count", "--rule", "booking.count_12m = 'many'")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"^mkt: rule:1:\d+: ")

    def test_load_error(self):
        r = run("segment", "count", "--customers", data("customers.csv"),
                "--bookings", data("no-such.csv"), "--rule", "customer.tier = 'GOLD'")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no-such.csv", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_parse_error_before_loading(self):
        # A rule error is reported without reading the (missing) files.
        r = run("segment", "count", "--customers", data("no-such.csv"),
                "--bookings", data("no-such.csv"), "--rule", "customer.tier = ")
        self.assertEqual(r.returncode, 1)
        self.assertIn("rule:1:", r.stderr)
        self.assertNotIn("no-such", r.stderr)


class SegmentMembersTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def test_members_match_counts(self):
        for rule, as_of, count, members in SEGMENT_COUNTS:
            with self.subTest(rule=rule, as_of=as_of):
                out = self.path("m.csv")
                r = segment("members", "--rule", rule, "--as-of", as_of, "--out", out)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual((r.stdout, r.stderr), ("", ""))
                with open(out, encoding="utf-8", newline="") as f:
                    self.assertEqual(f.read(), "customer_id\n" + "".join(
                        m + "\n" for m in members))
                self.assertEqual(len(members), count)

    def test_stdout(self):
        r = segment("members", "--rule", PREMIUM_GOLD, "--as-of", "2025-06-30", "--out", "-")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "customer_id\nC1\nC4\n")

    def test_sorted_in_byte_order_and_quoted(self):
        # File order differs from byte order; "é" (0xC3 0xA9) sorts after ASCII, upper case
        # before lower case, "a10" before "a9"; ids with a comma or quote are CSV-quoted.
        ids = ["z9", "é1", "a9", "Z", "a10", "a", "b,c", 'q"t', "A b"]
        cust = self.path("customers.csv")
        with open(cust, "w", encoding="utf-8") as f:
            f.write("customer_id,tier\n")
            for i in ids:
                quoted = '"%s"' % i.replace('"', '""') if ("," in i or '"' in i) else i
                f.write("%s,GOLD\n" % quoted)
            f.write("nope,NONE\n")
        book = self.path("bookings.csv")
        with open(data("bookings.csv"), encoding="utf-8") as f:
            header = f.readline()
        with open(book, "w", encoding="utf-8") as f:
            f.write(header)
        out = self.path("m.csv")
        r = run("segment", "members", "--customers", cust, "--bookings", book,
                "--rule", "customer.tier = 'GOLD'", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        expected = sorted(ids, key=lambda s: s.encode("utf-8"))
        self.assertEqual(expected[:3], ["A b", "Z", "a"])
        with open(out, encoding="utf-8", newline="") as f:
            text = f.read()
        import csv
        import io
        rows = list(csv.reader(io.StringIO(text)))
        self.assertEqual(rows, [["customer_id"]] + [[i] for i in expected])
        self.assertIn('"b,c"\n', text)
        self.assertIn('"q""t"\n', text)

    def read_gzip(self, path):
        with open(path, "rb") as f:
            self.assertEqual(f.read(2), b"\x1f\x8b")
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            return f.read()

    def test_gzip(self):
        want = "customer_id\nC1\nC4\nC5\n"
        args = ("--rule", "booking.count_12m >= 1", "--as-of", "2026-06-30")
        gz = self.path("m.csv.gz")
        r = segment("members", *args, "--out", gz)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read_gzip(gz), want)
        plain_name = self.path("m.out")
        r = segment("members", *args, "--out", plain_name, "--gzip")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read_gzip(plain_name), want)
        r = subprocess.run([MKT, "segment", "members", "--customers", data("customers.csv"),
                            "--bookings", data("bookings.csv"), *args, "--out", "-",
                            "--gzip"], capture_output=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(gzip.decompress(r.stdout).decode(), want)

    def test_atomic_no_file_on_compile_error(self):
        out = self.path("m.csv")
        r = segment("members", "--rule", "customer.teir = 'GOLD'", "--out", out)
        self.assertEqual(r.returncode, 1)
        self.assertIn("did you mean customer.tier", r.stderr)
        self.assertEqual(os.listdir(self.tmp), [])  # neither the file nor a temporary one

    def test_atomic_keeps_old_file_on_failure(self):
        out = self.path("m.csv")
        with open(out, "w") as f:
            f.write("old\n")
        r = segment("members", "--rule", "customer.tier = ", "--out", out)
        self.assertEqual(r.returncode, 1)
        with open(out) as f:
            self.assertEqual(f.read(), "old\n")
        self.assertEqual(os.listdir(self.tmp), ["m.csv"])
        r = segment("members", "--rule", "customer.tier = 'GOLD'", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as f:
            self.assertEqual(f.read(), "customer_id\nC1\n")
        self.assertEqual(os.listdir(self.tmp), ["m.csv"])

    def test_file_mode_follows_umask(self):
        out = self.path("m.csv")
        r = segment("members", "--rule", "customer.tier = 'GOLD'", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        old = os.umask(0)
        os.umask(old)
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o666 & ~old)

    def test_write_errors(self):
        bad = self.path("no-such-dir/m.csv")
        r = segment("members", "--rule", "customer.tier = 'GOLD'", "--out", bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn(bad, r.stderr)
        if os.path.exists("/dev/full"):
            for extra in ((), ("--gzip",)):
                with open("/dev/full", "w") as full:
                    p = subprocess.run([MKT, "segment", "members", "--customers",
                                        data("customers.csv"), "--bookings",
                                        data("bookings.csv"), "--rule",
                                        "customer.tier = 'GOLD'", "--out", "-", *extra],
                                       stdout=full, stderr=subprocess.PIPE, text=True,
                                       timeout=120)
                self.assertEqual(p.returncode, 1, extra)
                self.assertIn("standard output", p.stderr)


class SegmentCheckTest(unittest.TestCase):
    def test_normalized(self):
        r = run("segment", "check", "--rule",
                "customer.tier IN ('GOLD','PLATINUM') AND booking.spend_12m>=5000\n"
                "  OR NOT (customer.email IS NULL)  -- comment")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "customer.tier in ('GOLD', 'PLATINUM') and "
                                   "booking.spend_12m >= 5000 or not customer.email is null\n")
        again = run("segment", "check", "--rule", r.stdout.strip())
        self.assertEqual(again.stdout, r.stdout)  # the normal form is a fixed point

    def test_fields_unchecked_without_data(self):
        r = run("segment", "check", "--rule", "customer.teir = 'GOLD'")
        self.assertEqual((r.returncode, r.stdout), (0, "customer.teir = 'GOLD'\n"), r.stderr)

    def test_compile_against_data(self):
        r = run("segment", "check", "--customers", data("customers.csv"), "--rule",
                "customer.teir = 'GOLD'")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertRegex(r.stderr, r"^mkt: rule:1:1: unknown field 'customer\.teir'; "
                                   r"did you mean customer\.tier\?")
        r = run("segment", "check", "--customers", data("customers.csv"),
                "--bookings", data("bookings.csv"), "--rule", PREMIUM_GOLD)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "booking.premium_share_12m >= 0.5 and "
                                   "customer.tier in ('GOLD', 'PLATINUM')\n")

    def test_parse_error(self):
        r = run("segment", "check", "--rule", "(customer.tier = 'GOLD'")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"^mkt: rule:1:\d+: ")
        self.assertEqual(r.stdout, "")


class SegmentExplainTest(unittest.TestCase):
    def test_member(self):
        r = segment("explain", "--customer", "C4", "--rule", PREMIUM_GOLD,
                    "--as-of", "2026-06-30")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "customer C4: member (as of 2026-06-30)")
        self.assertRegex(lines[1], r"^yes\s+and$")
        self.assertRegex(r.stdout, r"(?m)^  yes booking\.premium_share_12m >= 0\.5\s+"
                                   r"\[booking\.premium_share_12m = 1\]$")
        self.assertRegex(r.stdout, r"(?m)^  yes customer\.tier in \('GOLD', 'PLATINUM'\)\s+"
                                   r"\[customer\.tier = 'PLATINUM'\]$")

    def test_non_member_shows_values(self):
        # C1 at 2025-06-30: premium share 0.5 (B2 of B1, B2) holds, the two-currency spend is
        # null so the spend clause fails.
        rule = PREMIUM_GOLD + " and booking.spend_12m >= 100"
        r = segment("explain", "--customer", "C1", "--rule", rule, "--as-of", "2025-06-30")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("customer C1: not a member (as of 2025-06-30)\n"))
        self.assertRegex(r.stdout, r"(?m)^no\s+and$")
        self.assertRegex(r.stdout, r"(?m)^  yes booking\.premium_share_12m >= 0\.5\s+"
                                   r"\[booking\.premium_share_12m = 0\.5\]$")
        self.assertRegex(r.stdout, r"(?m)^  no\s+booking\.spend_12m >= 100\s+"
                                   r"\[booking\.spend_12m = null\]$")

    def test_unknown_customer(self):
        r = segment("explain", "--customer", "C99", "--rule", PREMIUM_GOLD)
        self.assertEqual(r.returncode, 1)
        self.assertIn("'C99'", r.stderr)
        self.assertEqual(r.stdout, "")


def audience(*args, as_of="2026-06-30"):
    """Run `mkt audience` on the sample customers and bookings at @as_of."""
    return run("audience", "--customers", data("customers.csv"), "--bookings",
               data("bookings.csv"), "--as-of", as_of, *args)


class AudienceTest(UsageAssertions, unittest.TestCase):
    # At 2026-06-30 (see tests/cli/data/README.md): count_12m >= 1 is C1, C4, C5; C5 is the
    # only FR customer; C3 has no email; tiers C1 GOLD, C4 PLATINUM. Confirmed bookings so
    # far: C1 3, C2 0, C3 1, C4 2, C5 1 (catalog: first-time-bookers C3 C5, repeat C1 C4).
    RECENT = "booking.count_12m >= 1"

    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def count(self, *args, **kw):
        r = audience(*args, **kw)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        return int(r.stdout)

    def test_fields_of_several_rules(self):
        # Every rule's fields are loaded, repeats included (customer.age needs date_of_birth
        # too; the fixture has none, so age is null for all five customers).
        self.assertEqual(self.count("--include-rule", "customer.age is null", "--include-rule",
                                    "customer.age is null or customer.tier = 'GOLD'"), 5)

    def members(self, *args, **kw):
        r = audience(*args, "--out", "-", **kw)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "customer_id")
        return lines[1:]

    def test_include_exclude_logic(self):
        rule = ["--include-rule", self.RECENT]
        self.assertEqual(self.count(*rule), 3)
        self.assertEqual(self.members(*rule), ["C1", "C4", "C5"])
        fr = ["--exclude-rule", "customer.country = 'FR'"]
        self.assertEqual(self.members(*rule, *fr), ["C1", "C4"])
        tier = ["--include-rule", "customer.tier in ('GOLD','PLATINUM')"]
        self.assertEqual(self.members(*rule, *tier), ["C1", "C4"])  # and is the default
        self.assertEqual(self.members(*rule, *tier, "--logic", "and"), ["C1", "C4"])
        no_email = ["--include-rule", "customer.email is null"]
        self.assertEqual(self.members(*rule, *no_email, "--logic", "or"),
                         ["C1", "C3", "C4", "C5"])
        self.assertEqual(self.count(*rule, *no_email, "--logic", "or", *fr,
                                    "--exclude-rule", "customer.tier = 'GOLD'"), 2)
        # --include takes a rule too when no catalog segment has that name
        self.assertEqual(self.count("--include", self.RECENT), 3)

    def test_catalog_segments(self):
        both = ["--include", "First-Time Bookers", "--include", "repeat-customers"]
        self.assertEqual(self.members(both[0], both[1]), ["C3", "C5"])
        self.assertEqual(self.count(*both), 0)
        self.assertEqual(self.members(*both, "--logic", "or",
                                      "--exclude-rule", "customer.country = 'FR'"),
                         ["C1", "C3", "C4"])
        self.assertEqual(self.members("--include-rule", "in segment 'repeat-customers'"),
                         ["C1", "C4"])
        r = audience("--include", "vip")
        self.assertEqual((r.returncode, r.stdout), (1, ""))
        self.assertIn("unavailable", r.stderr)
        r = audience("--include", "No Such Segment")
        self.assertEqual((r.returncode, r.stdout), (1, ""))
        self.assertIn("neither a catalog segment nor a valid rule", r.stderr)
        r = audience("--include-rule", "repeat-customers")
        self.assertEqual(r.returncode, 1)
        self.assertIn("include:1:", r.stderr)

    def test_list_field(self):
        # At 2025-06-30 C1 flew MAD-JFK and MAD-CDG in the last 12 months, C4 JFK-LHR.
        d = "2025-06-30"
        routes = "booking.routes_12m"
        self.assertEqual(self.members("--include-rule", routes + " contains 'MAD-CDG'",
                                      as_of=d), ["C1"])
        self.assertEqual(self.members("--include-rule", routes + " contains 'jfk-lhr' ci",
                                      as_of=d), ["C4"])
        self.assertEqual(self.members("--include-rule", routes + " contains 'jfk-lhr'",
                                      as_of=d), [])
        self.assertEqual(self.members("--include-rule", routes + " not contains 'MAD-CDG'",
                                      as_of=d), ["C2", "C3", "C4", "C5"])
        self.assertEqual(self.count("--include-rule", routes + " is null", as_of=d), 0)
        r = audience("--include-rule", routes + " = 'MAD-CDG'")
        self.assertEqual(r.returncode, 1)
        self.assertIn("use contains, not contains, is null or is not null", r.stderr)

    def test_sample(self):
        rule = ["--include-rule", "customer.customer_id is not null"]  # everyone: 5
        s2 = self.members(*rule, "--sample", "2", "--seed", "11")
        self.assertEqual(len(s2), 2)
        self.assertEqual(self.members(*rule, "--sample", "2", "--seed", "11"), s2)
        s1 = self.members(*rule, "--sample", "1", "--seed", "11")
        self.assertEqual(len(s1), 1)
        self.assertIn(s1[0], s2)  # nested in N
        self.assertEqual(self.count(*rule, "--sample", "3"), 3)
        self.assertEqual(self.count(*rule, "--sample", "50"), 5)
        self.assertEqual(self.count(*rule, "--sample", "0"), 0)
        seen = {tuple(self.members(*rule, "--sample", "2", "--seed", str(s)))
                for s in range(12)}
        self.assertGreater(len(seen), 1)  # the seed matters
        # the sample depends on the ids, not on the order of the rows
        cust = os.path.join(self.tmp, "customers.csv")
        with open(data("customers.csv"), encoding="utf-8") as f:
            lines = f.read().splitlines(keepends=True)
        with open(cust, "w", encoding="utf-8") as f:
            f.writelines([lines[0]] + lines[:0:-1])
        r = run("audience", "--customers", cust, "--bookings", data("bookings.csv"),
                "--as-of", "2026-06-30", *rule, "--sample", "2", "--seed", "11", "--out", "-")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines()[1:], s2)
        # a sample of the audience only
        sub = self.members("--include-rule", self.RECENT, "--sample", "2", "--seed", "3")
        self.assertTrue(set(sub) <= {"C1", "C4", "C5"} and len(sub) == 2, sub)

    def test_out_files(self):
        out = os.path.join(self.tmp, "a.csv")
        r = audience("--include-rule", self.RECENT, "--out", out)
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "3\n", ""))
        with open(out, encoding="utf-8", newline="") as f:
            self.assertEqual(f.read(), "customer_id\nC1\nC4\nC5\n")
        gz = os.path.join(self.tmp, "a.csv.gz")
        r = audience("--include-rule", self.RECENT, "--out", gz)
        self.assertEqual(r.returncode, 0, r.stderr)
        with gzip.open(gz, "rt", encoding="utf-8", newline="") as f:
            self.assertEqual(f.read(), "customer_id\nC1\nC4\nC5\n")
        forced = os.path.join(self.tmp, "a.out")
        r = audience("--include-rule", self.RECENT, "--out", forced, "--gzip")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(forced, "rb") as f:
            self.assertEqual(f.read(2), b"\x1f\x8b")
        self.assertEqual(sorted(os.listdir(self.tmp)), ["a.csv", "a.csv.gz", "a.out"])
        bad = os.path.join(self.tmp, "no-such-dir", "a.csv")
        r = audience("--include-rule", self.RECENT, "--out", bad)
        self.assertEqual((r.returncode, r.stdout), (1, ""))
        self.assertIn(bad, r.stderr)
        # a failing rule writes nothing
        r = audience("--include-rule", "customer.teir = 'GOLD'", "--out", out + "2")
        self.assertEqual(r.returncode, 1)
        self.assertIn("did you mean customer.tier", r.stderr)
        self.assertFalse(os.path.exists(out + "2"))

    def test_usage(self):
        e = self.assert_usage_error
        cb = ["--customers", data("customers.csv"), "--bookings", data("bookings.csv")]
        inc = ["--include-rule", self.RECENT]
        e("audience", *cb, needle="--include")
        e("audience", *inc, needle="--customers")
        e("audience", *cb, *inc, "--logic", "xor", needle="--logic")
        e("audience", *cb, *inc, "--sample", "many", needle="--sample")
        e("audience", *cb, *inc, "--sample", "-1", needle="--sample")
        e("audience", *cb, *inc, "--sample", "2", "--seed", "x", needle="--seed")
        e("audience", *cb, *inc, "--seed", "2", needle="--seed applies to --sample")
        e("audience", *cb, *inc, "--gzip", needle="--gzip")
        e("audience", *cb, *inc, "--as-of", "2026-13-01", needle="--as-of")
        e("audience", *cb, *inc, "extra", needle="unexpected argument 'extra'")
        e("audience", *cb, *inc, "--bogus", needle="'--bogus'")
        r = run("audience", "--help")
        self.assertEqual(r.returncode, 0)
        for opt in ("--include ", "--include-rule", "--exclude ", "--exclude-rule", "--logic",
                    "--sample", "--seed", "--out", "--gzip", "--as-of"):
            self.assertIn(opt, r.stdout)
        self.assertRegex(run("--help").stdout, r"(?m)^  audience\s+\S")


class SegmentCatalogTest(UsageAssertions, unittest.TestCase):
    """The predefined catalog and XML definition files: list, show, --segment, --file, --all."""

    XML = """<?xml version="1.0"?>
<segments xmlns="https://libmarketing.dev/ns/segments/1">
  <segment id="gold" name="Gold Members" category="Special">
    <rule>customer.tier = 'GOLD'</rule>
  </segment>
  <segment id="premium-gold" name="Premium, Gold">
    <criteria logic="AND">
      <condition field="booking.premium_share_12m" operator="GREATER_THAN_OR_EQUAL" value="0.5"/>
      <condition field="customer.tier" operator="IN"><value>GOLD</value><value>PLATINUM</value></condition>
    </criteria>
  </segment>
  <segment id="loyal-gold" name="Loyal Gold">
    <rule>in segment 'gold' and customer.loyalty_member = true</rule>
  </segment>
</segments>
"""
    AS_OF = ("--as-of", "2026-06-30")

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.xml = os.path.join(self.tmp, "defs.xml")
        with open(self.xml, "w", encoding="utf-8") as f:
            f.write(self.XML)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_list(self):
        r = run("segment", "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = list(csv.reader(io.StringIO(r.stdout)))
        self.assertEqual(rows[0], ["id", "name", "category", "available"])
        self.assertEqual(len(rows), 51)
        self.assertIn(["high-value", "High-Value Customers", "Sales & Revenue", "yes"], rows)
        self.assertIn(["vip", "VIP Customers", "Sales & Revenue", "no"], rows)
        self.assertEqual(len({row[0] for row in rows[1:]}), 50)
        r = run("segment", "list", "--file", self.xml)
        self.assertEqual(r.stdout, "id,name,category,available\ngold,Gold Members,Special,yes\n"
                                   "premium-gold,\"Premium, Gold\",,yes\n"
                                   "loyal-gold,Loyal Gold,,yes\n")

    def test_show(self):
        r = run("segment", "show", "High-Value Customers")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("id: high-value\n", r.stdout)
        self.assertIn("rule: booking.spend_12m > 5000\n", r.stdout)
        self.assertIn("available: yes\n", r.stdout)
        r = run("segment", "show", "high-churn-risk")
        self.assertRegex(r.stdout, r"available: no: needs predictive scores")
        r = run("segment", "show", "premium-gold", "--file", self.xml)
        self.assertIn("rule: booking.premium_share_12m >= 0.5 and customer.tier in "
                      "('GOLD', 'PLATINUM')\n", r.stdout)
        r = run("segment", "show", "Nope")
        self.assertEqual((r.returncode, r.stdout), (1, ""))
        self.assertIn("no segment 'Nope'", r.stderr)

    def test_count_segment(self):
        # Loyalty members C1 C3 C4; repeat customers at 2026-06-30: C1 and C4.
        for name, n in (("loyalty-members", 3), ("Repeat Customers", 2), ("Detractors", 1)):
            r = segment("count", "--segment", name, *self.AS_OF)
            self.assertEqual((r.returncode, r.stdout), (0, "%d\n" % n), r.stderr)
        r = segment("count", "--rule", "in segment 'Repeat Customers' and customer.tier = 'GOLD'",
                    *self.AS_OF)
        self.assertEqual((r.returncode, r.stdout), (0, "1\n"), r.stderr)

    def test_count_unavailable(self):
        # RFM needs one currency (or --fx): with USD and EUR bookings there are no rfm.* fields
        r = segment("count", "--segment", "vip", *self.AS_OF)
        self.assertEqual((r.returncode, r.stdout), (1, ""))
        self.assertIn("warning: RFM and lifecycle fields not computed", r.stderr)
        self.assertIn("2 currencies (USD, EUR)", r.stderr)
        self.assertIn("is unavailable: needs the rfm.* fields", r.stderr)

    def test_count_lifecycle_segments(self):
        # lifecycle.stage is computed from --bookings at --as-of: C5 is Active, C4 Reactivated
        for name in ("active-customers", "reactivated-customers"):
            r = segment("count", "--segment", name, *self.AS_OF)
            self.assertEqual((r.returncode, r.stdout), (0, "1\n"), r.stderr)

    def test_count_file(self):
        r = segment("count", "--file", self.xml, "--name", "premium-gold", "--as-of", "2025-06-30")
        self.assertEqual((r.returncode, r.stdout), (0, "2\n"), r.stderr)  # as PREMIUM_GOLD
        r = segment("count", "--file", self.xml, "--name", "Loyal Gold", *self.AS_OF)
        self.assertEqual((r.returncode, r.stdout), (0, "1\n"), r.stderr)  # C1
        r = segment("count", "--file", self.xml, *self.AS_OF)
        self.assertEqual(r.returncode, 1)
        self.assertIn("holds 3 segments; choose one with --name", r.stderr)

    def test_count_all(self):
        r = segment("count", "--all", *self.AS_OF, files=("customers", "bookings", "events"))
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = list(csv.reader(io.StringIO(r.stdout)))
        self.assertEqual(rows[0], ["segment", "members", "share"])
        self.assertEqual(len(rows), 51)
        got = {row[0]: row[1:] for row in rows[1:]}
        self.assertEqual(got["loyalty-members"], ["3", "0.6000"])
        self.assertEqual(got["repeat-customers"], ["2", "0.4000"])
        self.assertEqual(got["vip"], ["", ""])
        self.assertEqual(sum(1 for v in got.values() if v == ["", ""]), 10)
        r = segment("count", "--all", "--file", self.xml, *self.AS_OF)
        self.assertEqual(r.stdout, "segment,members,share\ngold,1,0.2000\n"
                                   "premium-gold,1,0.2000\nloyal-gold,1,0.2000\n", r.stderr)

    def test_bad_file(self):
        bad = os.path.join(self.tmp, "bad.xml")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(self.XML.replace('name="Loyal Gold"', ""))
        r = segment("count", "--file", bad, "--name", "gold", *self.AS_OF)
        self.assertEqual((r.returncode, r.stdout), (1, ""))
        self.assertRegex(r.stderr, r"^mkt: .*bad\.xml:12: does not match the segment schema")
        r = segment("count", "--file", os.path.join(self.tmp, "none.xml"), *self.AS_OF)
        self.assertEqual(r.returncode, 1)
        self.assertIn("none.xml", r.stderr)

    def test_check_prints_catalog_rule(self):
        r = run("segment", "check", "--segment", "frequent-flyers")
        self.assertEqual((r.returncode, r.stdout), (0, "booking.count_12m >= 10\n"), r.stderr)

    def test_usage_errors(self):
        cb = ["--customers", data("customers.csv"), "--bookings", data("bookings.csv")]
        e = self.assert_usage_error
        e("segment", "count", *cb, "--rule", "x.y = 1", "--segment", "vip", needle="only one")
        e("segment", "count", *cb, "--all", "--segment", "vip", needle="only one")
        e("segment", "count", *cb, "--name", "x", needle="--name")
        e("segment", "count", *cb, "--segment", "x", "--file", self.xml, needle="--name")
        e("segment", "members", *cb, "--all", "--out", "-", needle="--all")
        e("segment", "list", "--rule", "x.y = 1", needle="--rule")
        e("segment", "show", needle="NAME")
        e("segment", "show", "a", "b", needle="unexpected argument 'b'")


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

    def test_segment_progress_on_tty(self):
        with open(self.path, encoding="utf-8") as f:
            ids = sorted({line.split(",")[1] for line in list(f)[1:]})
        cust = os.path.join(self.tmp, "customers.csv")
        with open(cust, "w", encoding="utf-8") as f:
            f.write("customer_id,tier\n" + "".join("%s,GOLD\n" % i for i in ids))
        want = "%d\n" % len(ids)
        args = ("segment", "count", "--customers", cust, "--bookings", self.path,
                "--as-of", "2026-06-30", "--rule", "customer.tier = 'GOLD'")
        rc, out, err = self.run_with_tty_stderr(*args)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, want)
        self.assertIn("loading " + self.path, err)
        rc, out, err = self.run_with_tty_stderr(*args, "--no-progress")
        self.assertEqual((rc, out, err), (0, want, ""))
        r = run(*args)
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, want, ""))

    def test_no_progress_option_on_tty(self):
        rc, _, err = self.run_with_tty_stderr("load", "--no-progress", "--bookings", self.path)
        self.assertEqual(rc, 0, err)
        self.assertEqual(err, "")


# ---- mkt rfm / mkt lifecycle ------------------------------------------------------------------
# Worked out by hand from tests/cli/data/bookings.csv with D = 2026-06-30 and a 24-month window
# (2024-06-30 < date <= 2026-06-30); EUR at 1.08 USD. C2's only booking is cancelled.
#   C1: B1 2025-01-10 612.40 USD, B2 2025-03-02 1450.00 EUR (= 1566.00), B8 2026-01-15 0 EUR
#       -> recency 166 (2026-01-15 .. 06-30: 16 + 28 + 31 + 30 + 31 + 30), frequency 3,
#          monetary 2178.40
#   C3: B4 2025-06-01 980.00 -> recency 394 (30 + 364), frequency 1
#   C4: B5 2024-12-24 8200.00, B6 2026-06-29 2100.50 -> recency 1, frequency 2, 10300.50
#   C5: B7 2026-05-02 149.99 EUR (= 161.9892 -> 161.99) -> recency 59 (29 + 30), frequency 1
# fixed: C1 R3 (91-180) F3 (3) M3 (1000.01-2500) -> 333 Needs Attention (R3, F+M = 6);
#        C3 R1 F1 M2 -> 112 Lost; C4 R5 F2 M5 -> 525 Potential Loyalists (R5, F+M = 7);
#        C5 R4 F1 M1 -> 411 Promising (R4, F+M = 2)
# ntile: 4 rows into 5 buckets -> positions 0..3 get 1..4.
#        R by recency desc: C3 C1 C5 C4; F by frequency, id: C3 C5 C4 C1; M: C5 C3 C1 C4
#        -> C1 243 At Risk, C3 112 Lost, C4 434 Potential Loyalists, C5 321 About to Sleep
RFM_ARGS = ("--bookings", data("bookings.csv"), "--as-of", "2026-06-30", "--window-months", "24")
RFM_FIXED = ("customer_id,recency,frequency,monetary,r,f,m,rfm,segment\n"
             "C1,166,3,2178.40,3,3,3,333,Needs Attention\n"
             "C3,394,1,980.00,1,1,2,112,Lost\n"
             "C4,1,2,10300.50,5,2,5,525,Potential Loyalists\n"
             "C5,59,1,161.99,4,1,1,411,Promising\n")
RFM_NTILE = ("customer_id,recency,frequency,monetary,r,f,m,rfm,segment\n"
             "C1,166,3,2178.40,2,4,3,243,At Risk\n"
             "C3,394,1,980.00,1,1,2,112,Lost\n"
             "C4,1,2,10300.50,4,3,4,434,Potential Loyalists\n"
             "C5,59,1,161.99,3,2,1,321,About to Sleep\n")


class RfmTest(UsageAssertions, unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.fx = os.path.join(self.tmp, "fx.csv")
        with open(self.fx, "w", encoding="utf-8") as f:
            f.write("currency,rate_to_base\nUSD,1\nEUR,1.08\n")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def test_help_and_usage_errors(self):
        r = run("rfm", "--help")
        self.assertEqual(r.returncode, 0)
        for opt in ("--bookings", "--as-of", "--window-months", "--scoring", "--buckets",
                    "--fx", "--out", "--summary"):
            self.assertIn(opt, r.stdout)
        self.assert_usage_error("rfm", needle="--bookings")
        self.assert_usage_error("rfm", *RFM_ARGS, "--scoring", "median", needle="--scoring")
        self.assert_usage_error("rfm", *RFM_ARGS, "--buckets", "10", needle="--buckets")
        self.assert_usage_error("rfm", *RFM_ARGS, "--buckets", "0")
        self.assert_usage_error("rfm", *RFM_ARGS, "--window-months", "0")
        self.assert_usage_error("rfm", *RFM_ARGS, "--as-of", "2026-13-01", needle="--as-of")
        self.assert_usage_error("rfm", *RFM_ARGS, "--scoring", "fixed", "--buckets", "4")
        self.assert_usage_error("rfm", *RFM_ARGS, "--out", "-", "--summary", "-")
        self.assert_usage_error("rfm", *RFM_ARGS, "extra")

    def test_mixed_currencies_fail_naming_them(self):
        out = self.path("out.csv")
        r = run("rfm", *RFM_ARGS, "--out", out)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertIn("USD, EUR", r.stderr)
        self.assertIn("--fx", r.stderr)
        self.assertFalse(os.path.exists(out))
        self.assertEqual(os.listdir(self.tmp), ["fx.csv"])  # no temporary file left

    def test_fixed_and_ntile_rows(self):
        for scoring, want in (("fixed", RFM_FIXED), ("ntile", RFM_NTILE)):
            with self.subTest(scoring=scoring):
                out = self.path(scoring + ".csv")
                r = run("rfm", *RFM_ARGS, "--fx", self.fx, "--scoring", scoring, "--out", out)
                self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "", ""))
                with open(out, encoding="utf-8", newline="") as f:
                    self.assertEqual(f.read(), want)
        r = run("rfm", *RFM_ARGS, "--fx", self.fx, "--out", "-")  # ntile is the default
        self.assertEqual((r.returncode, r.stdout), (0, RFM_NTILE), r.stderr)

    def test_one_currency_window(self):
        # A 1-month window (2026-05-30 < date <= 2026-06-30) holds only B6 (2026-06-29, USD
        # 2100.50): one currency, no --fx needed. C4: R5 (1 day), F1, M3 (1000.01-2500.00)
        # -> 513, R5 with F+M = 4 -> Potential Loyalists.
        r = run("rfm", "--bookings", data("bookings.csv"), "--as-of", "2026-06-30",
                "--window-months", "1", "--scoring", "fixed", "--out", "-")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "customer_id,recency,frequency,monetary,r,f,m,rfm,segment\n"
                                   "C4,1,1,2100.50,5,1,3,513,Potential Loyalists\n")

    def test_summary(self):
        summary = self.path("summary.csv")
        r = run("rfm", *RFM_ARGS, "--fx", self.fx, "--scoring", "fixed", "--out",
                self.path("rows.csv"), "--summary", summary)
        self.assertEqual((r.returncode, r.stdout), (0, ""), r.stderr)
        with open(summary, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0], ["segment", "customers", "share", "avg_recency",
                                   "avg_frequency", "avg_monetary", "total_monetary"])
        by = {row[0]: row[1:] for row in rows[1:]}
        self.assertEqual(len(by), 11)
        self.assertEqual(by["Potential Loyalists"],
                         ["1", "0.2500", "1.00", "2.00", "10300.50", "10300.50"])
        self.assertEqual(by["Champions"], ["0", "0.0000", "0.00", "0.00", "0.00", "0.00"])
        self.assertEqual(sum(int(v[0]) for v in by.values()), 4)

    def test_summary_table_on_stdout(self):
        r = run("rfm", *RFM_ARGS, "--fx", self.fx, "--scoring", "fixed")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("RFM as of 2026-06-30: 4 customers scored", r.stdout)
        self.assertRegex(r.stdout, r"(?m)^Segment\s+Customers\s+Share")
        self.assertRegex(r.stdout, r"(?m)^Needs Attention\s+1\s+25\.0%\s+166\.0\s+3\.00\s+"
                                   r"2178\.40\s+2178\.40$")
        self.assertEqual(run("rfm", *RFM_ARGS, "--fx", self.fx, "--scoring", "fixed").stdout,
                         r.stdout)

    def test_buckets(self):
        # NTILE(2) on 4 rows: 2 + 2. R: C3 C1 | C5 C4; F: C3 C5 | C4 C1; M: C5 C3 | C1 C4.
        r = run("rfm", *RFM_ARGS, "--fx", self.fx, "--buckets", "2", "--out", "-")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines()[1:], ["C1,166,3,2178.40,1,2,2,122,",
                                                     "C3,394,1,980.00,1,1,1,111,",
                                                     "C4,1,2,10300.50,2,2,2,222,",
                                                     "C5,59,1,161.99,2,1,1,211,"])

    def test_bad_fx_file(self):
        with open(self.fx, "w", encoding="utf-8") as f:
            f.write("currency,rate_to_base\nUSD,1\nEUR,one\n")
        r = run("rfm", *RFM_ARGS, "--fx", self.fx)
        self.assertEqual((r.returncode, r.stdout), (1, ""))
        self.assertIn("fx.csv:3:2", r.stderr)

    def test_failure_keeps_old_output(self):
        out = self.path("out.csv")
        with open(out, "w", encoding="utf-8") as f:
            f.write("old\n")
        r = run("rfm", *RFM_ARGS, "--out", out)  # mixed currencies: fails
        self.assertEqual(r.returncode, 1)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(f.read(), "old\n")


class LifecycleTest(UsageAssertions, unittest.TestCase):
    # D = 2026-06-30: C1 last 2026-01-15 (166 days) At-Risk; C2 only cancelled: Prospect;
    # C3 2025-06-01 (394 days) Churned; C4 2024-12-24 then 2026-06-29 (gap 552 > 180, back
    # 1 day ago) Reactivated; C5 one booking 59 days ago, its first: not New (> 30 days) and
    # alone in 90 days: the documented fallback, Active.
    WANT = "customer_id,stage\nC1,At-Risk\nC2,Prospect\nC3,Churned\nC4,Reactivated\nC5,Active\n"

    def test_csv(self):
        r = run("lifecycle", "--bookings", data("bookings.csv"), "--customers",
                data("customers.csv"), "--as-of", "2026-06-30", "--out", "-")
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, self.WANT, ""))

    def test_counts_on_stdout(self):
        r = run("lifecycle", "--bookings", data("bookings.csv"), "--as-of", "2026-06-30")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Lifecycle as of 2026-06-30: 5 customers", r.stdout)
        self.assertRegex(r.stdout, r"(?m)^Reactivated\s+1\s+20\.0%$")
        self.assertRegex(r.stdout, r"(?m)^Engaged\s+0\s+0\.0%$")

    def test_usage(self):
        r = run("lifecycle", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--as-of", r.stdout)
        self.assert_usage_error("lifecycle", needle="--bookings")
        self.assert_usage_error("lifecycle", "--bookings", data("bookings.csv"), "--as-of", "x")


class AbtestTest(UsageAssertions, unittest.TestCase):
    """mkt abtest analyze|srm|assign|plan. Reference numbers are SciPy/statsmodels values
    from tests/unit/abtest/expected.h (make_expected.py)."""

    # welch_cases[0] of expected.h, plus a third variant.
    INPUT = ("variant,n,sum,sum_squares\n"
             "control,1000,10112.029811405897,111253.79925200932\n"
             "\"B, new\",1100,11347.390719582685,130238.49272271592\n")

    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_analyze_csv(self):
        r = run("abtest", "analyze", "--input", self.write("ab.csv", self.INPUT))
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = list(csv.DictReader(io.StringIO(r.stdout)))
        self.assertEqual([x["variant"] for x in rows], ["control", "B, new"])
        head = r.stdout.splitlines()[0]
        self.assertTrue(head.startswith("variant,n,mean,effect,se,ci_low,ci_high,p_value,"
                                        "p_adjusted,chance_to_win,risk_control,risk_treatment"))
        b = rows[1]
        self.assertAlmostEqual(float(b["effect"]), 0.020152228332972033, delta=1e-11)
        self.assertAlmostEqual(float(b["p_value"]), 0.15258821638394704, delta=1e-11)
        self.assertAlmostEqual(float(b["ci_low"]), -0.007465755390225464, delta=1e-11)
        self.assertEqual((b["chance_to_win"], rows[0]["effect"]), ("", ""))
        self.assertIn("decision: no_winner_yet", r.stderr)
        self.assertIn("srm_p_value:", r.stderr)

    def test_analyze_json_bayes_and_proportion(self):
        path = self.write("p.csv", "variant,n,sum\nA,20000,300\nB,20000,345\n")
        r = run("abtest", "analyze", "--input", path, "--metric", "proportion",
                "--method", "bayes", "--json")
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        doc = json.loads(r.stdout)
        b = doc["variants"][1]
        # numerical integration of the Beta posteriors (expected.h beta_cases[1])
        self.assertAlmostEqual(b["chance_to_win_exact"], 0.962906685773359, delta=1e-9)
        self.assertIsNone(b["p_value"])
        self.assertEqual((doc["decision"], doc["winner"]), ("winner", "B"))
        r = run("abtest", "analyze", "--input", path, "--metric", "proportion",
                "--method", "ztest", "--effect", "absolute", "--sided", "greater", "--json")
        z = json.loads(r.stdout)["variants"][1]
        # statsmodels proportions_ztest(..., alternative="larger") (expected.h ztest_cases[1])
        self.assertAlmostEqual(z["p_value"], 0.03702258770999045, delta=1e-12)
        self.assertIsNone(z["ci_high"])  # +inf: one-sided

    def test_analyze_correction_and_srm_decision(self):
        rows = ["variant,n,sum,sum_squares"]
        for name, n, mean in (("A", 5000, 10.0), ("B", 5400, 12.0), ("C", 5000, 10.05)):
            rows.append(f"{name},{n},{n * mean},{(n - 1) * 9 + n * mean * mean}")
        path = self.write("srm.csv", "\n".join(rows) + "\n")
        r = run("abtest", "analyze", "--input", path, "--correction", "holm", "--json")
        doc = json.loads(r.stdout)
        self.assertEqual(doc["decision"], "invalid_srm")
        self.assertTrue(doc["srm"])
        p = [v["p_value"] for v in doc["variants"][1:]]
        adj = [v["p_adjusted"] for v in doc["variants"][1:]]
        self.assertAlmostEqual(adj[0], min(1, 2 * min(p)), delta=1e-15)
        r = run("abtest", "analyze", "--input", path, "--weights", "50,54,50", "--json")
        self.assertEqual(json.loads(r.stdout)["decision"], "winner")

    def test_analyze_errors(self):
        bad = self.write("bad.csv", "variant,n,sum,sum_squares\nA,10,5,5\nB,x,1,1\n")
        r = run("abtest", "analyze", "--input", bad)
        self.assertEqual((r.returncode, r.stdout), (1, ""))
        self.assertIn("bad.csv:3: n: not a count", r.stderr)
        one = self.write("one.csv", "variant,n,sum,sum_squares\nA,10,5,5\n")
        self.assertIn("at least two variants", run("abtest", "analyze", "--input", one).stderr)
        nosq = self.write("nosq.csv", "variant,n,sum\nA,10,5\nB,10,6\n")
        r = run("abtest", "analyze", "--input", nosq)
        self.assertIn("sum_squares is required", r.stderr)
        r = run("abtest", "analyze", "--input", nosq, "--metric", "proportion", "--method",
                "ztest")
        self.assertEqual(r.returncode, 0, r.stderr)
        over = self.write("over.csv", "variant,n,sum\nA,10,11\nB,10,6\n")
        r = run("abtest", "analyze", "--input", over, "--metric", "proportion")
        self.assertEqual((r.returncode, r.stdout), (1, ""))
        self.assertIn("11 conversions out of 10", r.stderr)
        r = run("abtest", "analyze", "--input", os.path.join(self.tmp, "missing.csv"))
        self.assertEqual(r.returncode, 1)
        self.assert_usage_error("abtest", "analyze", needle="--input")
        self.assert_usage_error("abtest", "analyze", "--input", nosq, "--method", "magic",
                                needle="--method")
        self.assert_usage_error("abtest", "analyze", "--input", nosq, "--alpha", "x")

    def test_srm(self):
        r = run("abtest", "srm", "--observed", "1000,1200", "--weights", "0.5,0.5")
        self.assertEqual(r.returncode, 0)
        # chi2 = 2 * 100^2 / 1100, 1 df: erfc(sqrt(chi2 / 2)) = 2.0078656e-05
        self.assertAlmostEqual(float(r.stdout), 2.007865612426481e-05, delta=1e-15)
        self.assertIn("sample ratio mismatch", r.stderr)
        r = run("abtest", "srm", "--observed", "1000,1010")
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assert_usage_error("abtest", "srm", needle="--observed")
        self.assert_usage_error("abtest", "srm", "--observed", "1,2", "--weights", "1")
        r = run("abtest", "srm", "--observed", "1,2", "--weights", "0,0")
        self.assertEqual(r.returncode, 1)

    def test_assign(self):
        # Independent Python wyhash (expected.h assign_cases): the same as C, Python and Go.
        r = run("abtest", "assign", "--experiment", "spring-sale-subject", "--weights",
                "34,33,33", "--unit", "C000001")
        self.assertEqual(r.stdout, "unit,variant,reason,bucket\n"
                                   "C000001,1,assigned,0.51655265882369894\n")
        units = self.write("units.txt", "customer_id\nC000001\nC000002\nalice@example.com\n")
        r = run("abtest", "assign", "--experiment", "spring-sale-subject", "--weights", "50,50",
                "--coverage", "0.3", "--units", units)
        rows = list(csv.DictReader(io.StringIO(r.stdout)))
        self.assertEqual([(x["unit"], x["variant"], x["reason"]) for x in rows],
                         [("C000001", "1", "assigned"), ("C000002", "", "not_covered"),
                          ("alice@example.com", "0", "assigned")])
        self.assert_usage_error("abtest", "assign", "--weights", "1,1", "--unit", "u",
                                needle="--experiment")
        self.assert_usage_error("abtest", "assign", "--experiment", "e", "--weights", "1,1")
        r = run("abtest", "assign", "--experiment", "e", "--weights", "1,1", "--unit", "u",
                "--coverage", "2")
        self.assertEqual((r.returncode, r.stdout), (1, ""))

    def test_plan(self):
        r = run("abtest", "plan", "--baseline", "0.015", "--mde", "0.10", "--alpha", "0.05",
                "--power", "0.8")
        # root of statsmodels' NormalIndPower power: 108149.45 -> 108150 per variant
        self.assertEqual(r.stdout, "units_per_variant,variants,total_units,"
                                   "alpha_per_comparison\n108150,2,216300,0.05\n")
        r = run("abtest", "plan", "--baseline", "0.015", "--mde", "0.10", "--variants", "4",
                "--json")
        self.assertEqual(json.loads(r.stdout)["units_per_variant"], 144254)
        r = run("abtest", "plan", "--baseline", "0.015", "--mde", "0.10",
                "--units-per-variant", "75705")
        self.assertAlmostEqual(float(r.stdout.splitlines()[1].split(",")[1]),
                               0.6495241607589077, delta=1e-11)
        self.assert_usage_error("abtest", "plan", "--baseline", "0.015", needle="--mde")
        r = run("abtest", "plan", "--baseline", "2", "--mde", "0.1")
        self.assertEqual(r.returncode, 1)

    def test_usage(self):
        r = run("abtest", "--help")
        self.assertEqual(r.returncode, 0)
        for word in ("analyze", "srm", "assign", "plan", "--tuning", "--prior-mean"):
            self.assertIn(word, r.stdout)
        self.assert_usage_error("abtest", needle="subcommand")
        self.assert_usage_error("abtest", "frobnicate", needle="unknown subcommand")
        self.assert_usage_error("abtest", "srm", "--observed", "1,2", "extra")


class AttributeTest(UsageAssertions, unittest.TestCase):
    """mkt attribute on the published three-path example and on journeys."""

    PATHS = ("path,conversions,value,nulls\n"
             "C1 > C2 > C3,1,10.00,0\n"
             "C1,0,0,1\n"
             "C2 > C3,0,0,1\n")
    # j1: A (spring), B, C (spring) at days 0, 7, 14, converted 7.00; j2: B, not converted.
    TOUCHPOINTS = ("journey_id,ts,channel,campaign,converted,value\n"
                   "j1,2026-01-01T00:00:00Z,A,spring,0,\n"
                   "j2,2026-01-02T00:00:00Z,B,,0,\n"
                   "j1,2026-01-08T00:00:00Z,B,,0,\n"
                   "j1,2026-01-15T00:00:00Z,C,spring,1,7.00\n")

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.paths = os.path.join(self.tmp, "paths.csv")
        with open(self.paths, "w") as f:
            f.write(self.PATHS)
        self.touch = os.path.join(self.tmp, "touchpoints.csv")
        with open(self.touch, "w") as f:
            f.write(self.TOUCHPOINTS)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_markov(self):
        # Removal effects 1/2, 1, 1 -> 0.2, 0.4, 0.4 of 1 conversion and 10.00.
        trans = os.path.join(self.tmp, "t.csv")
        r = run("attribute", "--paths", self.paths, "--model", "markov", "--transitions", trans)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), [
            "channel,conversions,value,removal_effect",
            "C1,0.200000,2.00,0.500000000000000",
            "C2,0.400000,4.00,1.000000000000000",
            "C3,0.400000,4.00,1.000000000000000"])
        with open(trans) as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0], ["from", "to", "count", "probability"])
        self.assertEqual(rows[1][:3], ["(start)", "C1", "2"])
        self.assertEqual(len(rows), 8)

    def test_all_models(self):
        r = run("attribute", "--paths", self.paths, "--all-models", "--metric", "value")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = list(csv.reader(io.StringIO(r.stdout)))
        self.assertEqual(rows[0], ["channel", "first", "last", "last_non_direct", "linear",
                                   "position", "w_shaped", "markov", "shapley"])
        self.assertEqual(rows[1], ["C1", "10.00", "0.00", "0.00", "3.34", "4.00", "3.34",
                                   "2.00", "3.34"])
        for col in range(1, 9):  # every model conserves the 10.00
            self.assertEqual(sum(round(float(row[col]) * 100) for row in rows[1:]), 1000)

    def test_touchpoints_time_decay_campaigns_touches(self):
        # Half-life 7 days: 1/7, 2/7, 4/7 of 7.00; spring = A + C = 5.00.
        camp = os.path.join(self.tmp, "c.csv")
        touches = os.path.join(self.tmp, "touches.csv")
        r = run("attribute", "--touchpoints", self.touch, "--model", "time_decay",
                "--campaigns", camp, "--touches", touches)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines()[1:],
                         ["A,0.142857,1.00", "B,0.285714,2.00", "C,0.571429,4.00"])
        with open(camp) as f:
            self.assertEqual(f.read().splitlines(),
                             ["campaign,conversions,value", "spring,0.714286,5.00",
                              ",0.285714,2.00"])
        with open(touches) as f:
            rows = list(csv.DictReader(f))
        self.assertEqual([(x["journey_id"], x["channel"], x["value"]) for x in rows],
                         [("j1", "A", "1.00"), ("j1", "B", "2.00"), ("j1", "C", "4.00"),
                          ("j2", "B", "0.00")])
        self.assertEqual(rows[0]["ts"], "2026-01-01T00:00:00Z")

    def test_separator_and_columns(self):
        path = os.path.join(self.tmp, "export.csv")
        with open(path, "w") as f:
            f.write("path;total_conversions;total_null\nA > B;2;1\nB;0;3\n")
        out = os.path.join(self.tmp, "out.csv")
        r = run("attribute", "--paths", path, "--sep", ";", "--conversions-column",
                "total_conversions", "--nulls-column", "total_null", "--value-column", "v",
                "--model", "position", "--weights", "1,0,3", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")
        with open(out) as f:  # two touches: 1/4, 3/4 of 2 conversions
            self.assertEqual(f.read().splitlines()[1:], ["A,0.500000,0.00", "B,1.500000,0.00"])

    def test_errors(self):
        self.assert_usage_error("attribute", "--model", "linear", needle="--paths")
        self.assert_usage_error("attribute", "--paths", self.paths, needle="--model")
        self.assert_usage_error("attribute", "--paths", self.paths, "--model", "nope",
                                needle="unknown --model")
        self.assert_usage_error("attribute", "--paths", self.paths, "--model", "markov",
                                "--order", "5", needle="--order")
        self.assert_usage_error("attribute", "--paths", self.paths, "--model", "custom",
                                needle="--weights")
        self.assert_usage_error("attribute", "--paths", self.paths, "--model", "position",
                                "--weights", "1,,2", needle="--weights")
        self.assert_usage_error("attribute", "--paths", self.paths, "--model", "linear",
                                "--transitions", "-", needle="markov")
        r = run("attribute", "--paths", self.paths, "--model", "time_decay")
        self.assertEqual(r.returncode, 1)
        self.assertIn("touch times", r.stderr)
        r = run("attribute", "--paths", self.paths, "--model", "position", "--weights", "1,2")
        self.assertEqual(r.returncode, 1)
        self.assertIn("3 weights", r.stderr)
        r = run("attribute", "--paths", os.path.join(self.tmp, "missing.csv"), "--model", "first")
        self.assertEqual(r.returncode, 1)
        r = run("attribute", "--help")
        self.assertEqual(r.returncode, 0)
        for word in ("--all-models", "--half-life-days", "--transitions", "w_shaped"):
            self.assertIn(word, r.stdout)



class JourneyTest(UsageAssertions, unittest.TestCase):
    """mkt journey validate|show over the seed's journeys and broken definitions."""

    EXAMPLES = os.path.join(SRC, "examples", "journeys")
    BROKEN = """<?xml version="1.0"?>
<journey xmlns="https://libmarketing.dev/ns/journeys/1" id="broken">
  <entry id="start" event="CART" delay="1 hourz"/>
  <decision id="d">
    <when event="BOOKED" next="nowhere"/>
  </decision>
  <exit id="x"/>
</journey>
"""
    GRAPH = """<?xml version="1.0"?>
<journey xmlns="https://libmarketing.dev/ns/journeys/1" id="graph">
  <entry id="start" event="CART"/>
  <send id="mail" channel="email" template="cart-1"/>
  <decision id="d">
    <when event="BOOKED" next="x"/>
  </decision>
  <add-tag id="lost" tag="t" next="x"/>
  <exit id="x"/>
</journey>
"""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_validate_examples(self):
        for name in ("abandoned-cart", "post-booking", "welcome-series", "birthday",
                     "win-back", "welcome-opened"):
            path = os.path.join(self.EXAMPLES, name + ".xml")
            r = run("journey", "validate", path)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout, r"^.*" + name + r"\.xml: ok \(\d+ nodes, \d+ edges\)\n$")

    def test_validate_reports_every_problem_with_lines(self):
        path = self.write("b.xml", self.BROKEN)
        r = run("journey", "validate", path)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertIn(path + ":3: invalid: <entry> delay=\"1 hourz\" is not valid", r.stderr)
        self.assertIn(path + ":5: unknown-node: next=\"nowhere\"", r.stderr)
        self.assertIn("2 problems", r.stderr)
        path = self.write("g.xml", self.GRAPH)
        r = run("journey", "validate", path, "--templates", "other", "--event-types",
                "CART,BOOKED")
        self.assertEqual(r.returncode, 1)
        self.assertIn(path + ":5: no-default:", r.stderr)
        self.assertIn(path + ":8: unreachable:", r.stderr)
        self.assertIn(path + ":4: unknown-template: unknown template 'cart-1'", r.stderr)
        self.assertIn("    hint: ", r.stderr)
        names = self.write("templates.txt", "cart-1\nother\n")
        r = run("journey", "validate", path, "--templates", "@" + names)
        self.assertNotIn("unknown-template", r.stderr)

    def test_show(self):
        r = run("journey", "show", os.path.join(self.EXAMPLES, "welcome-opened.xml"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('journey welcome-opened "Welcome, opened?"\n', r.stdout)
        self.assertIn("decision opened \"Opened?\"\n|- when event EMAIL_OPENED since welcome:\n",
                      r.stdout)
        self.assertIn("`- otherwise:\n   -> go to re-engage\n", r.stdout)
        r = run("journey", "show", self.write("b.xml", self.BROKEN))
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")

    def test_usage(self):
        r = run("journey", "--help")
        self.assertEqual(r.returncode, 0)
        for word in ("validate", "show", "--templates", "--event-types", "--catalog"):
            self.assertIn(word, r.stdout)
        self.assert_usage_error("journey", needle="subcommand")
        self.assert_usage_error("journey", "frobnicate", needle="unknown subcommand")
        self.assert_usage_error("journey", "validate", needle="no journey file")
        self.assert_usage_error("journey", "validate", "a.xml", "b.xml", needle="more than one")
        self.assert_usage_error("journey", "validate", "a.xml", "--now", "soon", needle="--now")
        r = run("journey", "validate", "/nonexistent/j.xml")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot open", r.stderr)

    SIM_EVENTS = ("event_id,customer_id,ts,type,campaign,channel,value,properties\n"
                  "E1,C1,2027-01-15T08:00:00Z,CART_ABANDONED,,,,route=JFK-LAX\n"
                  "E2,C2,2027-01-15T09:00:00Z,CART_ABANDONED,,,,\n"
                  "E3,C3,2027-01-15T10:00:00Z,CART_ABANDONED,,,,\n"
                  "E4,C4,2027-01-20T10:00:00Z,SEARCH,,,,\n")
    SIM_BOOKINGS = ("booking_id,customer_id,booking_date,departure_date,origin,destination,"
                    "route,trip_type,cabin_class,fare_class,channel,passengers,total_amount,"
                    "ancillary_amount,currency,status\n"
                    "B1,C2,2027-01-15T12:00:00Z,2027-02-01,JFK,LAX,JFK-LAX,DOMESTIC,ECONOMY,Y,"
                    "WEB,1,300.00,0,USD,CONFIRMED\n"
                    "B2,C3,2027-01-16T12:00:00Z,2027-02-01,JFK,LAX,JFK-LAX,DOMESTIC,ECONOMY,Y,"
                    "WEB,1,300.00,0,USD,CONFIRMED\n")

    def test_simulate(self):
        # C1 never books: emails at +1 h, +25 h and the SMS at +47 h. C2 books before its
        # second email (converted after one), C3 books at +28 h (after email-2 at +25 h).
        events = self.write("events.csv", self.SIM_EVENTS)
        bookings = self.write("bookings.csv", self.SIM_BOOKINGS)
        outbox = os.path.join(self.tmp, "out.csv")
        r = run("journey", "simulate", "--journey",
                os.path.join(self.EXAMPLES, "abandoned-cart.xml"), "--events", events,
                "--bookings", bookings, "--outbox", outbox, "--no-progress")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("journey abandoned-cart: 6 events replayed, 6 messages, 0 actions\n",
                      r.stdout)
        self.assertRegex(r.stdout, r"\nbooked +2 +0 +0 +2 ")
        self.assertRegex(r.stdout, r"\nemail-1 +3 +3 +0 +0 +0 +3 ")
        # no --promo-secret-file: email-2's CART10 codes come from a random secret
        self.assertIn("codes are random per run", r.stderr)
        with open(outbox, encoding="utf-8") as f:
            text = f.read()
        code = "offer=CART10:[2-9A-HJKMNP-Z]{8}"  # default format: 8 unambiguous characters
        self.assertRegex(text, "^time,customer_id,channel,template,node,action,detail\n"
                         "2027-01-15T09:00:00Z,C1,EMAIL,abandoned-cart-1,email-1,send,\n"
                         "2027-01-15T10:00:00Z,C2,EMAIL,abandoned-cart-1,email-1,send,\n"
                         "2027-01-15T11:00:00Z,C3,EMAIL,abandoned-cart-1,email-1,send,\n"
                         "2027-01-16T09:00:00Z,C1,EMAIL,abandoned-cart-2,email-2,send," + code +
                         "\n2027-01-16T11:00:00Z,C3,EMAIL,abandoned-cart-2,email-2,send," + code +
                         "\n2027-01-17T07:00:00Z,C1,SMS,abandoned-cart-sms,sms,send,\n$")
        # --to stops the clock ([from, to) half-open): E3 at 10:00 is out, and so is C2's
        # email due at 10:00; only C1's at 09:00 is sent
        r = run("journey", "simulate", "--journey",
                os.path.join(self.EXAMPLES, "abandoned-cart.xml"), "--events", events,
                "--to", "2027-01-15T10:00:00Z", "--no-progress")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(": 2 events replayed, 1 messages, 0 actions\n", r.stdout)

    def test_simulate_offer_codes(self):
        # The abandoned cart's email-2 issues CART10: with --promo-secret-file and format
        # options the codes are those of mkt promo derive with the same secret and format,
        # the same on every run; C1 and C3 get email-2 (C2 booked before it).
        events = self.write("events.csv", self.SIM_EVENTS)
        bookings = self.write("bookings.csv", self.SIM_BOOKINGS)
        secret = self.write("secret", "cart-secret-0123456789abcdef\n")
        fmt = ["--prefix", "C10-", "--length", "6", "--charset", "numeric"]
        outbox = os.path.join(self.tmp, "offer-out.csv")
        args = ["journey", "simulate", "--journey",
                os.path.join(self.EXAMPLES, "abandoned-cart.xml"), "--events", events,
                "--bookings", bookings, "--outbox", outbox, "--no-progress",
                "--promo-secret-file", secret] + ["--promo-" + a[2:] if a.startswith("--")
                                                   else a for a in fmt]
        r = run(*args)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("random per run", r.stderr)
        with open(outbox, encoding="utf-8") as f:
            first = f.read()
        rows = [line.split(",") for line in first.splitlines()[1:]]
        offers = {(row[1], row[4]): row[6] for row in rows if row[6]}
        codes = {}
        for customer in ("C1", "C3"):
            d = run("promo", "derive", "--secret-file", secret, "--offer-id", "CART10",
                    "--customer", customer, *fmt)
            self.assertEqual(d.returncode, 0, d.stderr)
            codes[customer] = d.stdout.strip()
            self.assertRegex(codes[customer], r"^C10-[0-9]{6}$")
        self.assertEqual(offers, {("C1", "email-2"): "offer=CART10:" + codes["C1"],
                                  ("C3", "email-2"): "offer=CART10:" + codes["C3"]})
        r = run(*args)  # deterministic: the same outbox again
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(outbox, encoding="utf-8") as f:
            self.assertEqual(f.read(), first)
        # a secret shorter than 16 bytes: the engine refuses the journey, naming the node
        short = self.write("short", "too-short\n")
        r = run("journey", "simulate", "--journey",
                os.path.join(self.EXAMPLES, "abandoned-cart.xml"), "--events", events,
                "--no-progress", "--promo-secret-file", short)
        self.assertEqual(r.returncode, 1)
        self.assertIn("node email-2", r.stderr)
        r = run("journey", "simulate", "--journey",
                os.path.join(self.EXAMPLES, "abandoned-cart.xml"), "--events", events,
                "--no-progress", "--promo-secret-file", os.path.join(self.tmp, "none"))
        self.assertEqual(r.returncode, 1)
        self.assert_usage_error("journey", "simulate", "--journey", "j.xml",
                                "--promo-length", "0", needle="--promo-length")

    ACTIONS = """<?xml version="1.0"?>
<journey xmlns="https://libmarketing.dev/ns/journeys/1" id="acts">
  <entry id="e" event="SIGNED_UP"/>
  <update id="tier" field="customer.tier" value="GOLD, new"/>
  <add-tag id="tag" tag="vip"/>
  <remove-tag id="untag" tag="trial"/>
  <emit id="emit" event="WELCOMED"/>
  <exit id="x"/>
</journey>
"""

    def test_simulate_actions(self):
        # One sign-up at 08:00 runs the four actions at once (no wait), in node order; the
        # update's value holds a comma, so its detail is quoted.
        journey = self.write("acts.xml", self.ACTIONS)
        events = self.write("ev.csv", "event_id,customer_id,ts,type,campaign,channel,value,"
                                          "properties\nE1,C9,2027-01-15T08:00:00Z,SIGNED_UP,,,,\n")
        outbox = os.path.join(self.tmp, "acts.csv")
        r = run("journey", "simulate", "--journey", journey, "--events", events,
                "--outbox", outbox, "--no-progress")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("journey acts: 1 events replayed, 0 messages, 4 actions\n", r.stdout)
        self.assertRegex(r.stdout, r"\ntier +1 +1 +0 +0 +0 +1 ")
        with open(outbox, encoding="utf-8") as f:
            self.assertEqual(f.read(), "time,customer_id,channel,template,node,action,detail\n"
                             '2027-01-15T08:00:00Z,C9,,,tier,update,"customer.tier=GOLD, new"\n'
                             "2027-01-15T08:00:00Z,C9,,,tag,add-tag,vip\n"
                             "2027-01-15T08:00:00Z,C9,,,untag,remove-tag,trial\n"
                             "2027-01-15T08:00:00Z,C9,,,emit,emit,WELCOMED\n")

    TRIP = ('<?xml version="1.0"?>\n'
            '<journey xmlns="https://libmarketing.dev/ns/journeys/1" id="trip">\n'
            '  <entry id="planned" event="TRIP_PLANNED"/>\n'
            '  <wait id="before" field="event.leaves" offset="-2 hours"/>\n'
            '  <send id="reminder" channel="email" template="t"/>\n'
            '  <exit id="x"/>\n</journey>\n')

    BIRTHDAYS = ("customer_id,first_name,date_of_birth,timezone\n"
                 "C1,Ana,1990-03-28,Europe/Paris\n"     # DST day: 09:00 CEST = 07:00 UTC
                 "C2,Bob,2000-02-29,\n"                 # 2027: Feb 28, 09:00 UTC (no zone)
                 "C3,Cy,,\n"                            # no date: never
                 "C4,Di,1985-07-01,America/New_York\n"  # 09:00 EDT = 13:00 UTC
                 "C5,Ed,1970-12-31,\n")                 # after --to

    def test_simulate_birthdays_and_win_back(self):
        # --customers lets the engine find the date entries: each birthday of 2027 before
        # --to, at 09:00 in the customer's zone
        customers = self.write("bd.csv", self.BIRTHDAYS)
        outbox = os.path.join(self.tmp, "bd-out.csv")
        secret = self.write("bd-secret", "birthday-secret-0123456789\n")
        r = run("journey", "simulate", "--journey", os.path.join(self.EXAMPLES, "birthday.xml"),
                "--customers", customers, "--from", "2027-01-01T00:00:00Z",
                "--to", "2027-12-01T00:00:00Z", "--outbox", outbox, "--no-progress",
                "--promo-secret-file", secret)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("journey birthday: 0 events replayed, 3 messages, 0 actions, "
                      "3 segment or date entries\n", r.stdout)

        def bday(customer):  # the code mkt promo derive gives with the same secret
            d = run("promo", "derive", "--secret-file", secret, "--offer-id", "BDAY15",
                    "--customer", customer)
            self.assertEqual(d.returncode, 0, d.stderr)
            return "offer=BDAY15:" + d.stdout.strip()
        with open(outbox, encoding="utf-8") as f:
            self.assertEqual(f.read(), "time,customer_id,channel,template,node,action,detail\n"
                             "2027-02-28T09:00:00Z,C2,EMAIL,birthday-offer,birthday-email,send,"
                             + bday("C2") + "\n"
                             "2027-03-28T07:00:00Z,C1,EMAIL,birthday-offer,birthday-email,send,"
                             + bday("C1") + "\n"
                             "2027-07-01T13:00:00Z,C4,EMAIL,birthday-offer,birthday-email,send,"
                             + bday("C4") + "\n")
        # without --customers the engine is not asked: nobody enters
        r = run("journey", "simulate", "--journey", os.path.join(self.EXAMPLES, "birthday.xml"),
                "--from", "2027-01-01T00:00:00Z", "--no-progress")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("journey birthday: 0 events replayed, 0 messages, 0 actions\n", r.stdout)
        # win-back (tests/data/loader): At-Risk = last booking 90..180 days before --from
        # (2024-09-01): C1 (last
        # 2024-03-05, 180 days) and C3 (2024-05-02, 122 days) enter at once and, never
        # booking again, get all three emails, a week apart
        outbox = os.path.join(self.tmp, "wb-out.csv")
        loader = os.path.join(SRC, "tests", "data", "loader")
        r = run("journey", "simulate", "--journey", os.path.join(self.EXAMPLES, "win-back.xml"),
                "--customers", os.path.join(loader, "customers.csv"),
                "--bookings", os.path.join(loader, "bookings.csv"),
                "--from", "2024-09-01T00:00:00Z", "--to", "2024-10-01T00:00:00Z",
                "--outbox", outbox, "--no-progress")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(", 6 messages, 0 actions, 2 segment or date entries\n", r.stdout)
        with open(outbox, encoding="utf-8") as f:
            lines = f.read().splitlines()
        code = ",offer=WINBACK2[05]:[2-9A-HJKMNP-Z]{8}$"  # random secret: only the shape
        self.assertRegex(lines[1], "^2024-09-01T00:00:00Z,C1,EMAIL,winback-1,winback-1,send"
                         + code.replace("2[05]", "20"))
        self.assertRegex(lines[2], "^2024-09-01T00:00:00Z,C3,EMAIL,winback-1,winback-1,send"
                         + code.replace("2[05]", "20"))
        self.assertRegex(lines[6], "^2024-09-15T00:00:00Z,C3,EMAIL,winback-3-final,winback-3,"
                         "send" + code.replace("2[05]", "25"))

    def test_simulate_field_waits(self):
        # events.csv properties reach the engine: C1 leaves 2027-02-01 18:30 at +01:00 =
        # 17:30 UTC, reminded 2 hours before (15:30 UTC); C9's event has no `leaves`, so it
        # leaves the journey at the wait (no-field column).
        events = self.write("events.csv", (
            "event_id,customer_id,ts,type,campaign,channel,value,properties\n"
            "E1,C1,2027-01-15T08:00:00Z,TRIP_PLANNED,,,,gate=B;leaves=2027-02-01T18:30:00+01:00\n"
            "E2,C9,2027-01-15T08:00:00Z,TRIP_PLANNED,,,,gate=C\n"))
        outbox = os.path.join(self.tmp, "out.csv")
        r = run("journey", "simulate", "--journey", self.write("trip.xml", self.TRIP),
                "--events", events, "--outbox", outbox, "--no-progress")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"\nbefore +2 +1 +0 +0 +1 +0 +0 +0 +0 +1\n")
        with open(outbox, encoding="utf-8") as f:
            self.assertEqual(f.read(), "time,customer_id,channel,template,node,action,detail\n"
                             "2027-02-01T15:30:00Z,C1,EMAIL,t,reminder,send,\n")
        # a booking's event carries its departure_date: post-booking's pre-departure email
        # goes 3 days before 2027-02-01, at 09:00 UTC
        bookings = self.write("bookings.csv", self.SIM_BOOKINGS)
        r = run("journey", "simulate", "--journey",
                os.path.join(self.EXAMPLES, "post-booking.xml"), "--bookings", bookings,
                "--outbox", outbox, "--no-progress")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(outbox, encoding="utf-8") as f:
            self.assertIn("2027-01-29T09:00:00Z,C2,EMAIL,pre-departure,pre-departure,send,\n",
                          f.read())
        bad = self.write("bad.csv", "event_id,customer_id,ts,type,campaign,channel,value,"
                         "properties\nE7,C1,2027-01-15T08:00:00Z,TRIP_PLANNED,,,,leaves\n")
        r = run("journey", "simulate", "--journey", self.write("trip.xml", self.TRIP),
                "--events", bad, "--no-progress")
        self.assertEqual(r.returncode, 1)
        self.assertIn("event E7: properties \"leaves\": expected name=value", r.stderr)

    def test_simulate_usage(self):
        self.assert_usage_error("journey", "simulate", needle="--journey")
        self.assert_usage_error("journey", "simulate", "--journey", "a.xml", "b.xml",
                                needle="no file argument")
        self.assert_usage_error("journey", "simulate", "--journey", "a.xml", "--from", "x",
                                needle="--from")
        r = run("journey", "--help")
        self.assertIn("--outbox", r.stdout)


class PromoCodeTest(UsageAssertions, unittest.TestCase):
    """`mkt promo generate` and `mkt promo check` (the offer subcommands are tested apart)."""

    FORMAT = ["--pattern", "SUMMER-####-####", "--check-char"]

    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_generate_file_and_check(self):
        out = os.path.join(self.tmp, "codes.txt")
        r = run("promo", "generate", "--count", "200", *self.FORMAT, "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as f:
            codes = f.read().splitlines()
        self.assertEqual(len(codes), 200)
        self.assertEqual(len(set(codes)), 200)
        self.assertTrue(all(re.fullmatch(r"SUMMER-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{5}", c)
                            for c in codes), codes[:3])
        # 31^8 = 852891037441 codes; 200 / 31^8 = 2.34e-10.
        self.assertIn("codes: 200 written to " + out, r.stdout)
        self.assertIn("code space: 31^8 = 8.52891e+11 codes (39.6 bits per code)", r.stdout)
        self.assertIn("P(one random code is live) = 2.34e-10", r.stdout)
        r = run("promo", "check", *self.FORMAT, *codes[:20], codes[0].lower().replace("-", " "))
        self.assertEqual((r.returncode, r.stdout), (0, ""), r.stderr)
        # A swap of two adjacent random characters is a check_char error (unless they are
        # equal); a wrong prefix is a literal error at position 1.
        c = codes[0]
        swapped = c[:7] + c[8] + c[7] + c[9:]
        bad = [swapped] if c[7] != c[8] else []
        r = run("promo", "check", *self.FORMAT, c, "WINTER" + c[6:], *bad)
        self.assertEqual(r.returncode, 1)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0].split("\t")[:3], ["WINTER" + c[6:], "literal", "1"])
        if bad:
            self.assertEqual(lines[1].split("\t")[1], "check_char")

    def test_generate_stdout_report_on_stderr(self):
        r = run("promo", "generate", "--count", "5", "--charset", "numeric", "--length", "6",
                "--prefix", "P-", "--out", "-")
        self.assertEqual(r.returncode, 0, r.stderr)
        codes = r.stdout.splitlines()
        self.assertEqual(len(codes), 5)
        self.assertTrue(all(re.fullmatch(r"P-[0-9]{6}", c) for c in codes))
        self.assertIn("code space: 10^6 = 1e+06 codes (19.9 bits per code)", r.stderr)

    def test_too_many_codes_leaves_no_file(self):
        out = os.path.join(self.tmp, "codes.txt")
        r = run("promo", "generate", "--count", "600", "--charset", "numeric", "--length", "3",
                "--out", out)
        self.assertEqual(r.returncode, 1)
        self.assertIn("the code space has 1000 codes", r.stderr)
        self.assertEqual(os.listdir(self.tmp), [])  # no file, no temporary left behind
        r = run("promo", "generate", "--count", "5", "--out",
                os.path.join(self.tmp, "missing-dir", "codes.txt"))
        self.assertEqual(r.returncode, 1)

    def test_issued_codes_survive_between_runs(self):
        state = os.path.join(self.tmp, "state.db")
        fmt = ["--charset", "numeric", "--length", "2"]
        first = run("--state", state, "promo", "generate", "--count", "50", *fmt,
                    "--offer-id", "A", "--out", "-")
        self.assertEqual(first.returncode, 0, first.stderr)
        second = run("--state", state, "promo", "generate", "--count", "10", *fmt,
                     "--offer-id", "B", "--out", "-")
        self.assertEqual(second.returncode, 0, second.stderr)
        a, b = set(first.stdout.split()), set(second.stdout.split())
        self.assertEqual((len(a), len(b)), (50, 10))
        self.assertEqual(a & b, set())  # never re-issued, across processes

    def test_derive_known_answer_and_bind(self):
        # HMAC-SHA-256 known answer (tests/unit/offer/test_code_format.c): "30731091".
        secret = os.path.join(self.tmp, "secret")
        with open(secret, "w") as f:
            f.write("0123456789abcdef\n")  # the final newline is not part of the secret
        args = ["promo", "derive", "--secret-file", secret, "--offer-id", "BDAY",
                "--customer", "C000123", "--charset", "numeric"]
        r = run(*args)
        self.assertEqual((r.returncode, r.stdout), (0, "30731091\n"), r.stderr)
        state = os.path.join(self.tmp, "state.db")
        self.assertEqual(run("--state", state, *args, "--bind").returncode, 0)
        self.assertEqual(run("--state", state, *args, "--bind").returncode, 0)  # idempotent
        r = run("--state", state, *args[:-2], "--customer", "C000999", "--charset", "numeric",
                "--bind")
        self.assertEqual(r.returncode, 0, r.stderr)  # another customer, another code
        self.assertNotEqual(r.stdout, "30731091\n")
        with open(secret, "w") as f:
            f.write("short")
        r = run(*args)
        self.assertEqual(r.returncode, 1)
        self.assertIn("at least 16", r.stderr)
        self.assert_usage_error("promo", "derive", "--offer-id", "X", needle="--secret-file")

    def test_usage_errors(self):
        self.assert_usage_error("promo", needle="no subcommand")
        self.assert_usage_error("promo", "frobnicate", needle="unknown subcommand")
        self.assert_usage_error("promo", "generate", "--count", "5", needle="--out")
        self.assert_usage_error("promo", "generate", "--count", "0", "--out", "-",
                                needle="--count")
        self.assert_usage_error("promo", "check", needle="CODE")
        self.assert_usage_error("promo", "check", "--count", "3", "X", needle="only format options")
        r = run("promo", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("mkt promo generate", r.stdout)


OFFERS_XML = """<?xml version="1.0"?>
<offers xmlns="https://libmarketing.dev/ns/offers/1">
  <offer id="summer" currency="USD" stackable="true" priority="2" reservation-ttl="600">
    <discount percent="15" cap="50.00"/>
    <min-purchase>100.00</min-purchase>
    <booking-window from="2026-06-01" to="2026-08-31"/>
    <routes><include>JFK-*</include></routes>
    <limits total="7" per-customer="1"/>
    <code>SUMMER24</code>
  </offer>
  <offer id="ten" currency="USD" stackable="true">
    <discount amount="10.00"/>
    <code>TEN</code>
  </offer>
</offers>
"""


class PromoOfferTest(UsageAssertions, unittest.TestCase):
    """`mkt promo validate|stack` and redemption against a --state file."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.xml = os.path.join(self.tmp, "offers.xml")
        with open(self.xml, "w", encoding="utf-8") as f:
            f.write(OFFERS_XML)
        self.state = os.path.join(self.tmp, "state.db")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def booking(self, customer="C1", amount="200.00", booked="2026-07-10"):
        return ["--offer", self.xml, "--customer", customer, "--route", "JFK-LHR",
                "--amount", amount, "--currency", "USD", "--booking-date", booked,
                "--travel-date", "2026-08-01"]

    @staticmethod
    def fields(out):
        return [line.split("\t") for line in out.splitlines()]

    def test_validate(self):
        r = run("promo", "validate", "--code", "summer-24", *self.booking())
        self.assertEqual(r.returncode, 0, r.stderr)
        # 15 % of 200.00 = 30.00, under the 50.00 cap
        self.assertEqual(self.fields(r.stdout), [["code", "SUMMER24"], ["offer", "summer"],
                                                 ["decision", "valid"],
                                                 ["discount", "30.00 USD"]])
        r = run("promo", "validate", "--code", "SUMMER24",
                *self.booking(amount="80.00", booked="2026-09-10"))
        self.assertEqual(r.returncode, 1)
        self.assertEqual([f for f in self.fields(r.stdout) if f[0] == "reason"],
                         [["reason", "EXPIRED", "the offer ended on 2026-08-31"],
                          ["reason", "MIN_PURCHASE",
                           "minimum purchase 100.00 USD not met (amount 80.00)"]])
        r = run("promo", "validate", "--code", "NOPE", *self.booking())
        self.assertEqual(r.returncode, 1)
        self.assertIn(["reason", "UNKNOWN_CODE", "no offer has this code"],
                      self.fields(r.stdout))

    def test_stack(self):
        r = run("promo", "stack", "--code", "TEN", "--code", "SUMMER24", *self.booking())
        self.assertEqual(r.returncode, 0, r.stderr)
        # summer (priority 2) first: 30.00, then ten: 10.00
        rows = self.fields(r.stdout)
        self.assertEqual(rows[-1], ["total", "40.00 USD"])
        self.assertIn(["applies", "2"], rows[:6])
        self.assertIn(["applies", "1"], rows[6:])

    def test_redemption_survives_runs(self):
        s = ["--state", self.state]
        r = run(*s, "promo", "reserve", "--code", "SUMMER24", "--booking", "B1", *self.booking())
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(["decision", "reserved"], self.fields(r.stdout))
        # per-customer limit 1: a second booking of C1 is refused, in another run
        r = run(*s, "promo", "reserve", "--code", "SUMMER24", "--booking", "B2", *self.booking())
        self.assertEqual(r.returncode, 1)
        self.assertIn("LIMIT_PER_CUSTOMER", r.stdout)
        r = run(*s, "promo", "commit", "--offer", self.xml, "--code", "SUMMER24",
                "--customer", "C1", "--booking", "B1")
        self.assertEqual((r.returncode, r.stdout), (0, "committed\tC1\tB1\n"), r.stderr)
        r = run(*s, "promo", "usage", "--offer-id", "summer", "--customer", "C1")
        self.assertEqual(dict(self.fields(r.stdout)),
                         {"held": "1", "redemptions": "1", "discount_total": "3000",
                          "average_discount": "3000", "budget_used": "3000",
                          "customer_uses": "1"})
        r = run(*s, "promo", "usage", "--offer-id", "summer", "--by", "booking-date")
        self.assertEqual(r.stdout, "booking_date,redemptions\n2026-07-10,1\n")
        r = run(*s, "promo", "release", "--offer", self.xml, "--code", "SUMMER24",
                "--customer", "C1", "--booking", "B1")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run(*s, "promo", "usage", "--offer-id", "summer")
        self.assertIn(["held", "0"], self.fields(r.stdout))
        r = run(*s, "promo", "commit", "--offer", self.xml, "--code", "SUMMER24",
                "--customer", "C1", "--booking", "B1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("released", r.stderr)
        r = run(*s, "promo", "sweep")
        self.assertEqual((r.returncode, r.stdout), (0, "released\t0\n"))

    def test_processes_share_the_limit(self):
        """Six processes reserve and commit five bookings each against one state file; the
        total limit is 7: exactly 7 commits succeed."""
        script = (
            'for i in 1 2 3 4 5; do '
            '"$MKT" --state "$STATE" promo reserve --code SUMMER24 --booking "B$P-$i" '
            '--offer "$XML" --customer "C$P-$i" --route JFK-LHR --amount 200.00 '
            '--currency USD --booking-date 2026-07-10 --travel-date 2026-08-01 >/dev/null '
            '&& "$MKT" --state "$STATE" promo commit --code SUMMER24 --booking "B$P-$i" '
            '--offer "$XML" --customer "C$P-$i"; done; true')
        procs = [subprocess.Popen(["sh", "-c", script], stdout=subprocess.PIPE, text=True,
                                  env=dict(os.environ, MKT=MKT, STATE=self.state, XML=self.xml,
                                           P=str(p)))
                 for p in range(6)]
        committed = sum(p.communicate(timeout=300)[0].count("committed") for p in procs)
        self.assertEqual(committed, 7)
        r = run("--state", self.state, "promo", "usage", "--offer-id", "summer")
        self.assertIn(["held", "7"], self.fields(r.stdout))
        self.assertIn(["redemptions", "7"], self.fields(r.stdout))

    def test_usage_errors(self):
        self.assert_usage_error("promo", "validate", "--code", "X", needle="needs --offer")
        self.assert_usage_error("promo", "validate", "--code", "X", "--code", "Y",
                                *self.booking(), needle="one --code")
        self.assert_usage_error("promo", "validate", "--code", "X",
                                *self.booking(booked="2026-13-01"), needle="not a date")
        self.assert_usage_error("promo", "validate", "--code", "X",
                                *self.booking(amount="1.234"), needle="not an amount")
        self.assert_usage_error("promo", "reserve", "--code", "X", "--booking", "B",
                                *self.booking(), needle="needs --state")
        self.assert_usage_error("promo", "reserve", "--code", "X", *self.booking(),
                                needle="--booking")
        self.assert_usage_error("promo", "commit", "--code", "X", needle="needs --offer")
        self.assert_usage_error("promo", "usage", needle="--offer-id")
        self.assert_usage_error("--state", self.state, "promo", "usage", "--offer-id", "s",
                                "--by", "month", needle="route or booking-date")
        self.assert_usage_error("promo", "sweep", needle="needs --state")
        self.assert_usage_error("promo", "validate", "--frob", needle="unknown option")
        r = run("promo", "validate", "--code", "X", *self.booking()[:1], "/nonexistent.xml",
                *self.booking()[2:])
        self.assertEqual(r.returncode, 1)
        self.assertIn("/nonexistent.xml", r.stderr)
        r = run("promo", "--help")
        self.assertIn("mkt --state FILE promo reserve", r.stdout)


class PrivacyTest(UsageAssertions, unittest.TestCase):
    """mkt privacy erase|export, mkt audit verify, mkt consent sms-inbound on a state file."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.state = os.path.join(self.tmp, "state.db")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def mkt(self, *args):
        return run("--state", self.state, *args)

    def sms(self, *args):
        r = self.mkt("consent", "sms-inbound", *args)
        if "unknown command 'consent'" in r.stderr:
            self.skipTest("mkt consent is not built")
        return r

    def test_sms_erase_export_verify(self):
        r = self.sms("--from", "+1 (555) 0100", "--text", "Stop.")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("Marketing: You are unsubscribed"), r.stdout)
        self.assertIn("action: opt-out", r.stderr)
        r = self.sms("--customer", "+15550100", "--text", "hello", "--brand", "SkyAir")
        self.assertEqual((r.returncode, r.stdout), (0, ""))
        out = os.path.join(self.tmp, "export.json")
        r = self.mkt("privacy", "export", "--customer", "+15550100", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, encoding="utf-8") as f:
            dump = json.load(f)
        self.assertEqual(dump["consent"]["dnc"][0]["reason"], "sms_stop")
        self.assertFalse(dump["erased"])
        r = self.mkt("privacy", "erase", "--customer", "+15550100", "--phone", "+1 555 0100")
        self.assertEqual(r.returncode, 0, r.stderr)
        receipt = json.loads(r.stdout)
        self.assertEqual(receipt["tombstones"], ["customer", "phone"])
        self.assertEqual(receipt["namespaces"][0],
                         {"namespace": "consent.state", "deleted": 1, "anonymized": 0})
        r = self.mkt("privacy", "export", "--customer", "+15550100")
        self.assertTrue(json.loads(r.stdout)["erased"])
        with open(self.state, "rb") as f:
            self.assertNotIn(b"+15550100", f.read())
        r = self.mkt("audit", "verify")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^intact: \d+ records, head \d+ [0-9a-f]{64}\n$")

    def test_audit_verify_detects_tampering(self):
        r = self.mkt("privacy", "export", "--customer", "C1")
        r = self.mkt("privacy", "export", "--customer", "C2")
        self.assertEqual(r.returncode, 0, r.stderr)
        import sqlite3
        db = sqlite3.connect(self.state)
        with db:
            db.execute("UPDATE mkt_kv SET value = replace(value, 'ts=', 'ts=9') "
                       "WHERE ns = 'audit' AND key = ?", (b"00000000000000000001",))
        db.close()
        r = self.mkt("audit", "verify")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("first bad record 1, modified", r.stdout)
        r = self.mkt("audit", "verify", "--json")
        self.assertEqual(r.returncode, 3)
        self.assertEqual(json.loads(r.stdout)["first_bad"], 1)

    def test_usage(self):
        self.assert_usage_error("privacy", needle="no subcommand")
        self.assert_usage_error("privacy", "erase", needle="--customer ID is required")
        self.assert_usage_error("privacy", "shred", "--customer", "C1", needle="unknown subcommand")
        self.assert_usage_error("privacy", "export", "--customer", "C1", "--email", "a@b",
                                needle="--email and --phone are for erase")
        self.assert_usage_error("audit", needle="no subcommand")
        self.assert_usage_error("audit", "check", needle="unknown subcommand")
        r = run("privacy", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("mkt privacy erase", r.stdout)
        r = run("privacy", "erase", "--customer", "bad\x01id")
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stderr.startswith("mkt: "), r.stderr)


class ConsentTest(UsageAssertions, unittest.TestCase):
    """mkt consent check|import against a durable state file (state survives between runs)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.state = os.path.join(self.tmp, "state.db")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def check(self, *args):
        return run("consent", "check", "--store", self.state, *args)

    def test_import_then_check(self):
        path = self.write("in.csv", "customer_id,kind,channel,value,ts,source\n"
                          "C1,consent,sms,given,2025-01-01T00:00:00Z,web\n"
                          "C1,dnc,email,unsubscribe,,cs\n"
                          "C1,cap_daily,sms,1,,\n")
        r = run("--state", self.state, "consent", "import", "--input", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, f"imported 3 rows from {path}\n")
        # 2025-06-11 20:30 UTC is 22:30 in Paris: quiet hours until 08:00 (06:00 UTC).
        r = self.check("--customer", "C1", "--channel", "sms", "--zone", "Europe/Paris",
                       "--at", "2025-06-11T20:30:00Z")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertEqual(r.stdout.splitlines(), [
            "deny", "quiet_hours: Outside the allowed hours in the customer's local time.",
            "next_allowed: 2025-06-12T06:00:00Z"])
        # At noon: allowed; a real send uses the daily cap of 1, so the next one is denied.
        noon = ("--customer", "C1", "--channel", "sms", "--zone", "Europe/Paris",
                "--at", "2025-06-11T10:00:00Z")
        r = self.check(*noon, "--send")
        self.assertEqual((r.returncode, r.stdout), (0, "allow\n"), r.stderr)
        r = self.check(*noon)
        self.assertEqual(r.returncode, 3)
        self.assertIn("cap_channel:", r.stdout)
        self.assertIn("next_allowed: 2025-06-12T06:00:00Z", r.stdout)
        r = self.check(*noon, "--json")
        self.assertEqual(r.returncode, 3, r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual((doc["allow"], doc["next_allowed"]), (False, "2025-06-12T06:00:00Z"))
        self.assertEqual([x["code"] for x in doc["reasons"]], ["cap_channel"])
        self.assertTrue(doc["reasons"][0]["text"])
        # The unsubscribe stops promotional email but not transactional.
        r = self.check("--customer", "C1", "--channel", "email")
        self.assertEqual(r.returncode, 3)
        self.assertIn("dnc_unsubscribe:", r.stdout)
        self.assertIn("no_consent:", r.stdout)
        r = self.check("--customer", "C1", "--channel", "email", "--class", "transactional")
        self.assertEqual((r.returncode, r.stdout), (0, "allow\n"))
        r = self.check("--customer", "C1", "--channel", "email", "--class", "transactional",
                       "--json")
        self.assertEqual(json.loads(r.stdout),
                         {"allow": True, "reasons": [], "next_allowed": None})

    def test_processes_share_a_cap(self):
        """Six processes send five promotional SMS each to one customer through one state
        file; the daily cap is 7: exactly 7 sends are allowed (the counters in the state record
        are updated by compare-and-set, so no process passes the cap between its check and its
        count)."""
        path = self.write("in.csv", "customer_id,kind,channel,value,ts,source\n"
                          "C9,consent,sms,given,2025-01-01T00:00:00Z,web\n"
                          "C9,cap_daily,sms,7,,\n")
        r = run("--state", self.state, "consent", "import", "--input", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        script = ('for i in 1 2 3 4 5; do "$MKT" consent check --store "$STATE" '
                  '--customer C9 --channel sms --zone Europe/Paris '
                  '--at 2025-06-11T10:00:00Z --send; done; true')
        procs = [subprocess.Popen(["sh", "-c", script], stdout=subprocess.PIPE, text=True,
                                  env=dict(os.environ, MKT=MKT, STATE=self.state))
                 for _ in range(6)]
        outs = [p.communicate(timeout=300)[0] for p in procs]
        lines = [line for out in outs for line in out.splitlines()]
        self.assertEqual(lines.count("allow"), 7)
        self.assertEqual(lines.count("deny"), 23)
        self.assertEqual(sum(line.startswith("cap_channel:") for line in lines), 23)

    def test_quiet_rules_file(self):
        run("--state", self.state, "consent", "import", "--input", self.write(
            "c.csv", "customer_id,kind,channel,value,ts,source\nC2,consent,push,given,,app\n"))
        rules = self.write("q.csv", "region,start,end,days\nUS-FL,08:00,20:00,Mon-Sat\n")
        # Sunday 2025-06-15 14:00 EDT in Florida: no Sunday messages; Monday 08:00 EDT.
        r = self.check("--customer", "C2", "--channel", "push", "--zone", "America/New_York",
                       "--region", "US-FL", "--at", "2025-06-15T18:00:00Z",
                       "--quiet-rules", rules)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("next_allowed: 2025-06-16T12:00:00Z", r.stdout)

    def test_errors(self):
        self.assert_usage_error("consent", needle="subcommand")
        self.assert_usage_error("consent", "frobnicate", needle="unknown subcommand")
        self.assert_usage_error("consent", "check", "--customer", "C1", needle="--channel")
        self.assert_usage_error("consent", "check", "--customer", "C1", "--channel", "fax",
                                needle="fax")
        self.assert_usage_error("consent", "check", "--customer", "C1", "--channel", "sms",
                                "--at", "yesterday", needle="--at")
        self.assert_usage_error("consent", "import", needle="--input")
        r = self.check("--customer", "C1", "--channel", "sms", "--zone", "Mars/Olympus")
        self.assertEqual(r.returncode, 1)
        self.assertIn("unknown time zone 'Mars/Olympus'", r.stderr)
        path = self.write("bad.csv", "customer_id,kind,channel,value,ts,source\n"
                          "C1,consent,fax,given,,\n")
        r = run("--state", self.state, "consent", "import", "--input", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn("bad.csv:2:3:", r.stderr)
        r = run("consent", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("mkt consent check", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
