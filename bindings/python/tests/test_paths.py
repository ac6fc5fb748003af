# SPDX-License-Identifier: MIT
"""data.h, attribution paths: paths.csv, touchpoints.csv, adding paths, names, errors."""

import unittest

import libmarketing as mkt

from . import util


class PathsTest(util.TempDirTest):
    def setUp(self):
        super().setUp()
        self.ctx = mkt.Context()
        self.paths = self.ctx.paths()

    def tearDown(self):
        self.ctx.close()
        super().tearDown()

    def test_load_paths_sums_equal_paths(self):
        self.paths.load_paths(self.write("paths.csv", util.PATHS))
        self.assertEqual(len(self.paths), 2)
        by_channels = {tuple(p.channels): p for p in self.paths}
        p = by_channels[("EMAIL", "SOCIAL", "SMS")]
        self.assertEqual((p.conversions, p.value, p.nulls), (4, 20000, 10))
        self.assertIsNone(p.ts)
        self.assertIsNone(p.journey_id)
        self.assertEqual(sorted(self.paths.channels), ["EMAIL", "SMS", "SOCIAL"])
        self.assertEqual(self.paths.channel_count, 3)
        self.assertEqual([self.paths.channel_name(i) for i in p.channel_ids], p.channels)

    def test_column_mapping_and_decimals(self):
        text = "journey;total_conversions;revenue\nA > B;2;1.005\n"
        path = self.write("export.csv", text)
        with self.assertRaises(mkt.ParseError):
            self.paths.load_paths(path, separator=";", path_column="journey",
                                  conversions_column="total_conversions",
                                  value_column="revenue")
        self.assertEqual(len(self.paths), 0)
        self.paths.load_paths(path, separator=";", path_column="journey",
                              conversions_column="total_conversions", value_column="revenue",
                              round_values=True)
        self.assertEqual(self.paths[0].value, 100)  # 1.005 half-to-even -> 1.00
        other = self.ctx.paths()
        other.load_paths(path, separator=";", path_column="journey",
                         conversions_column="total_conversions", value_column="revenue",
                         value_decimals=3)
        self.assertEqual(other[0].value, 1005)

    def test_touchpoints(self):
        self.paths.load_touchpoints(self.write("tp.csv", util.TOUCHPOINTS))
        self.assertEqual(len(self.paths), 2)
        by_journey = {p.journey_id: p for p in self.paths}
        j1 = by_journey["J1"]
        self.assertEqual(j1.channels, ["EMAIL", "SMS"])
        self.assertEqual(j1.ts, [1704103200, 1704189600])
        self.assertEqual(j1.campaigns, ["SPRING", "SALE"])
        self.assertEqual((j1.conversions, j1.nulls, j1.value), (1, 0, 2500))
        j2 = by_journey["J2"]
        self.assertEqual(j2.campaigns, [None])
        self.assertEqual((j2.conversions, j2.nulls), (0, 1))
        self.assertEqual(sorted(self.paths.campaigns), ["SALE", "SPRING"])
        self.assertEqual(self.paths.campaign_count, 2)

    def test_add(self):
        self.paths.add(["EMAIL", "SMS"], conversions=2, value=300, nulls=1)
        self.paths.add(["EMAIL", "SMS"], conversions=1)
        self.paths.add(["WEB"], nulls=4)
        self.assertEqual(len(self.paths), 2)
        p = self.paths.get(0)
        self.assertEqual((p.channels, p.conversions, p.value, p.nulls),
                         (["EMAIL", "SMS"], 3, 300, 1))

    def test_errors(self):
        with self.assertRaises(mkt.InvalidArgument):
            self.paths.add([])
        with self.assertRaises(mkt.InvalidArgument):
            self.paths.add(["EMAIL", ""])
        with self.assertRaises(mkt.RangeError):
            self.paths.add(["EMAIL"], conversions=-1)
        with self.assertRaises(mkt.NotFound):
            self.paths.get(0)
        with self.assertRaises(mkt.NotFound):
            self.paths.channel_name(0)
        with self.assertRaises(mkt.NotFound):
            self.paths.campaign_name(0)
        with self.assertRaises(mkt.IOFailure):
            self.paths.load_paths(self.dir + "/none.csv")
        bad = self.write("bad.csv", "path,conversions\nEMAIL,1\nSMS,x\n")
        with self.assertRaises(mkt.ParseError) as cm:
            self.paths.load_paths(bad)
        self.assertEqual((cm.exception.line, cm.exception.column), (3, 2))
        self.assertEqual(cm.exception.field, "conversions")
        self.assertEqual(len(self.paths), 0)
        with self.assertRaises(mkt.RangeError):
            self.paths.load_paths(self.write("neg.csv", "path,conversions\nEMAIL,-1\n"))

    def test_progress_abort(self):
        rows = "".join(f"J{i},2024-01-01T00:00:00Z,EMAIL,C,1,1.00\n" for i in range(50000))
        path = self.write("tp.csv", "journey_id,ts,channel,campaign,converted,value\n" + rows)
        with self.assertRaises(mkt.UserAbort):
            self.paths.load_touchpoints(path, progress=lambda d, t, r: False)
        self.assertEqual(len(self.paths), 0)

    def test_closed(self):
        self.paths.close()
        with self.assertRaises(mkt.StateError):
            len(self.paths)


if __name__ == "__main__":
    unittest.main()
