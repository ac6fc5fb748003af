# SPDX-License-Identifier: MIT
"""values.h: dates, timestamps and money."""

import datetime
import unittest

import libmarketing as mkt
from libmarketing import values

UTC = datetime.timezone.utc


class DateTest(unittest.TestCase):
    def test_ymd_round_trip(self):
        self.assertEqual(mkt.date_from_ymd(1970, 1, 1), 0)
        self.assertEqual(mkt.date_from_ymd(2024, 2, 29), 19782)
        self.assertEqual(mkt.date_to_ymd(19782), (2024, 2, 29))
        self.assertEqual(mkt.date_to_ymd(-1), (1969, 12, 31))

    def test_ymd_errors(self):
        with self.assertRaises(mkt.RangeError) as cm:
            mkt.date_from_ymd(2023, 2, 29)
        self.assertEqual(cm.exception.code, -10)
        with self.assertRaises(mkt.RangeError):
            mkt.date_from_ymd(2023, 13, 1)
        with self.assertRaises(mkt.RangeError):
            mkt.date_from_ymd(0, 1, 1)

    def test_parse_format(self):
        self.assertEqual(mkt.parse_date("2024-06-01"), datetime.date(2024, 6, 1))
        self.assertEqual(mkt.format_date(datetime.date(2024, 6, 1)), "2024-06-01")
        self.assertEqual(mkt.format_date(0), "1970-01-01")
        for bad in ("2024-6-01", "2024-02-30", "2024-06-01 ", "", "x"):
            with self.assertRaises(mkt.ParseError, msg=bad) as cm:
                mkt.parse_date(bad)
            self.assertEqual(cm.exception.code, -7)

    def test_add_months(self):
        self.assertEqual(mkt.add_months(datetime.date(2024, 1, 31), 1), datetime.date(2024, 2, 29))
        self.assertEqual(mkt.add_months(datetime.date(2024, 3, 31), -1),
                         datetime.date(2024, 2, 29))
        days = mkt.date_from_ymd(2024, 1, 31)
        self.assertEqual(mkt.add_months(days, 12), mkt.date_from_ymd(2025, 1, 31))
        with self.assertRaises(mkt.RangeError):
            mkt.add_months(datetime.date(9999, 12, 1), 1)

    def test_conversions(self):
        self.assertIsNone(values.from_days(values._lib.NULL_DATE))
        with self.assertRaises(TypeError):
            values.to_days(datetime.datetime(2024, 1, 1))
        with self.assertRaises(TypeError):
            values.to_days("2024-01-01")


class TimeTest(unittest.TestCase):
    def test_parse(self):
        self.assertEqual(mkt.parse_time("1970-01-01T00:00:00Z"), 0)
        self.assertEqual(mkt.parse_time("2024-06-01T09:30:00Z"), 1717234200)
        self.assertEqual(mkt.parse_time("2024-06-01T11:30:00+02:00"), 1717234200)
        self.assertEqual(mkt.parse_time("2024-06-01 09:30:00.999Z"), 1717234200)
        self.assertEqual(mkt.parse_time("2024-06-01"), 1717200000)
        for bad in ("2024-06-01T25:00:00Z", "yesterday", "2024-06-01T09:30:00+2"):
            with self.assertRaises(mkt.ParseError, msg=bad):
                mkt.parse_time(bad)

    def test_format(self):
        self.assertEqual(mkt.format_time(1717234200), "2024-06-01T09:30:00Z")
        dt = datetime.datetime(2024, 6, 1, 9, 30, tzinfo=UTC)
        self.assertEqual(mkt.format_time(dt), "2024-06-01T09:30:00Z")
        self.assertEqual(values.from_seconds(1717234200), dt)
        self.assertEqual(values.to_seconds(datetime.datetime(2024, 6, 1, 9, 30)), 1717234200)
        with self.assertRaises(mkt.RangeError):
            mkt.format_time(10**15)

    def test_time_to_date(self):
        self.assertEqual(mkt.time_to_date(1717234200), datetime.date(2024, 6, 1))
        self.assertEqual(mkt.time_to_date(-1), datetime.date(1969, 12, 31))


class MoneyTest(unittest.TestCase):
    def test_parse(self):
        self.assertEqual(mkt.parse_money("1234"), 123400)
        self.assertEqual(mkt.parse_money("-12.5"), -1250)
        self.assertEqual(mkt.parse_money("0.07"), 7)
        self.assertEqual(mkt.parse_money("12.345", 3), 12345)
        self.assertEqual(mkt.parse_money("7", 0), 7)

    def test_parse_errors(self):
        with self.assertRaises(mkt.ParseError):
            mkt.parse_money("0.001")  # never rounds
        for bad in ("1,000", "1e3", "", "abc", "1.2.3"):
            with self.assertRaises(mkt.ParseError, msg=bad):
                mkt.parse_money(bad)
        with self.assertRaises(mkt.RangeError):
            mkt.parse_money("99999999999999999999")
        with self.assertRaises(mkt.InvalidArgument) as cm:
            mkt.parse_money("1", 10)
        self.assertEqual(cm.exception.code, -1)

    def test_format(self):
        self.assertEqual(mkt.format_money(-1250), "-12.50")
        self.assertEqual(mkt.format_money(7), "0.07")
        self.assertEqual(mkt.format_money(5, 0), "5")
        self.assertEqual(mkt.format_money(-(2**63)), "-92233720368547758.08")
        with self.assertRaises(mkt.InvalidArgument):
            mkt.format_money(1, 10)


if __name__ == "__main__":
    unittest.main()
