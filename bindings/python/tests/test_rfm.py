# SPDX-License-Identifier: MIT
"""rfm.h and lifecycle.h: RFM from a table (fixed and NTILE, with exchange rates), scoring of
facts, segment names and the default map, summaries, the rfm.* and lifecycle.stage columns
under a segment rule, lifecycle stages from facts and from a table, and the error paths.

Expected values are worked out by hand from tests/cli/data/bookings.csv (see test_cli.py's
RFM comment): D = 2026-06-30, 24-month window, EUR at 1.08."""

import datetime
import os
import unittest

import libmarketing as mkt

from . import util

BOOKINGS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "cli", "data",
                        "bookings.csv")
D = datetime.date(2026, 6, 30)


class RfmTest(util.TempDirTest):
    def setUp(self):
        super().setUp()
        self.ctx = mkt.Context()
        self.table = self.ctx.table()
        self.table.load_bookings(BOOKINGS)
        self.fx = mkt.ExchangeRates(self.ctx, {"USD": "1", "EUR": "1.08"})

    def tearDown(self):
        self.ctx.close()
        super().tearDown()

    def test_fixed(self):
        with mkt.Rfm.compute(self.ctx, self.table, as_of=D, window_months=24,
                             scoring="fixed", fx=self.fx) as r:
            self.assertEqual(len(r), 4)
            self.assertEqual(r.as_of, D)
            rows = list(r)
            self.assertEqual([x.customer_id for x in rows], ["C1", "C3", "C4", "C5"])
            # monetary: C5 16199 < C3 98000 < C1 217840 < C4 1030050 -> percent rank 2/3
            self.assertEqual(rows[0][2:], (166, 3, 217840, 3, 3, 3, 333,
                                           mkt.RfmSegment.NEEDS_ATTENTION, 200 / 3))
            self.assertEqual(rows[2].code, 525)
            self.assertEqual(rows[2].segment, mkt.RfmSegment.POTENTIAL_LOYALISTS)
            self.assertEqual(self.table.customer_id(rows[2].customer_row), "C4")
            self.assertEqual(r[-1].segment, mkt.RfmSegment.PROMISING)
            self.assertEqual(r.get("C3").segment, mkt.RfmSegment.LOST)
            self.assertIsNone(r.get("C2"))  # only a cancelled booking
            self.assertEqual(r.find("C5"), 3)
            s = r.summary(mkt.RfmSegment.POTENTIAL_LOYALISTS)
            self.assertEqual((s.customers, s.share, s.total_monetary), (1, 0.25, 1030050))
            self.assertEqual(sum(x.customers for x in r.summaries()), 4)
            with self.assertRaises(mkt.NotFound):
                r.summary(12)
            with self.assertRaises(mkt.NotFound):
                r[4]

    def test_ntile_default_and_buckets(self):
        with mkt.Rfm.compute(self.ctx, self.table, as_of=D, window_months=24, fx=self.fx) as r:
            self.assertEqual([x.code for x in r], [243, 112, 434, 321])
        with mkt.Rfm.compute(self.ctx, self.table, as_of=D, window_months=24, fx=self.fx,
                             buckets=2) as r:
            self.assertEqual([x.code for x in r], [122, 111, 222, 211])
            self.assertEqual({x.segment for x in r}, {mkt.RfmSegment.NONE})

    def test_currency_errors(self):
        with self.assertRaises(mkt.InvalidArgument) as cm:
            mkt.Rfm.compute(self.ctx, self.table, as_of=D, window_months=24)
        self.assertIn("USD, EUR", str(cm.exception))
        usd = mkt.ExchangeRates(self.ctx, {"USD": "1"})
        with self.assertRaises(mkt.NotFound) as cm:
            mkt.Rfm.compute(self.ctx, self.table, as_of=D, window_months=24, fx=usd)
        self.assertIn("EUR", str(cm.exception))

    def test_exchange_rates(self):
        fx = mkt.ExchangeRates(self.ctx)
        fx.add("HLF", "0.5")
        self.assertEqual([fx.convert("HLF", a) for a in (1, 3, 5, 7, -5)], [0, 2, 2, 4, -2])
        path = self.write("fx.csv", "currency,rate_to_base\nUSD,1\nJPY,0.0064\n")
        fx.load(path)
        self.assertEqual(len(fx), 3)
        self.assertEqual(fx.convert("JPY", 10000), 64)
        with self.assertRaises(mkt.ParseError):
            fx.load(self.write("bad.csv", "currency,rate_to_base\nGBP,x\n"))
        self.assertEqual(len(fx), 3)
        with self.assertRaises(mkt.RangeError):
            fx.add("USD", "0")
        with self.assertRaises(mkt.InvalidArgument):
            fx.add("usd", "1")
        with self.assertRaises(mkt.NotFound):
            fx.convert("GBP", 1)

    def test_score_facts(self):
        # NTILE(5) over 7 rows: sizes 2,2,1,1,1. F ascending then id: a(1) c(1) b(2) d(3) e(3)
        # f(3) g(9) -> a1 c1 b2 d2 e3 f4 g5.
        facts = [mkt.RfmFacts(i, 0, f, 0) for i, f in
                 (("g", 9), ("a", 1), ("b", 2), ("c", 1), ("d", 3), ("e", 3), ("f", 3))]
        got = {fct.customer_id: s.f for fct, s in zip(facts, mkt.score_facts(self.ctx, facts))}
        self.assertEqual(got, {"a": 1, "c": 1, "b": 2, "d": 2, "e": 3, "f": 4, "g": 5})
        fixed = mkt.score_facts(self.ctx, [("x", 30, 10, 50000), ("y", 31, 9, 50001)],
                                scoring=mkt.Scoring.FIXED)
        self.assertEqual([s.code for s in fixed], [551, 442])
        self.assertEqual(mkt.score_facts(self.ctx, []), [])
        custom = [mkt.RfmSegment.LOST] * 125
        got = mkt.score_facts(self.ctx, [("x", 0, 1, 0)], scoring="fixed", segment_map=custom)
        self.assertEqual(got[0].segment, mkt.RfmSegment.LOST)
        with self.assertRaises(mkt.InvalidArgument):
            mkt.score_facts(self.ctx, [("x", -1, 1, 0)])
        with self.assertRaises(mkt.InvalidArgument):
            mkt.score_facts(self.ctx, [("x", 1, 1, 0)], buckets=10)
        with self.assertRaises(mkt.InvalidArgument):
            mkt.score_facts(self.ctx, [("x", 1, 1, 0)], recency_days=[1, 2, 3])

    def test_segments(self):
        self.assertEqual(mkt.rfm_segment_name(mkt.RfmSegment.CANT_LOSE_THEM), "Can't Lose Them")
        self.assertEqual(mkt.rfm_segment_from_name("At Risk"), mkt.RfmSegment.AT_RISK)
        self.assertEqual(mkt.rfm_default_segment(5, 1, 1), mkt.RfmSegment.RECENT_CUSTOMERS)
        self.assertEqual(mkt.rfm_default_segment(5, 4, 5), mkt.RfmSegment.LOYAL_CUSTOMERS)
        with self.assertRaises(mkt.NotFound):
            mkt.rfm_segment_from_name("Whales")
        with self.assertRaises(mkt.InvalidArgument):
            mkt.rfm_default_segment(6, 1, 1)
        with self.assertRaises(mkt.NotFound):
            mkt.rfm_segment_name(12)

    def test_apply_and_rule(self):
        with mkt.Rfm.compute(self.ctx, self.table, as_of=D, window_months=24,
                             scoring="fixed", fx=self.fx) as r:
            r.apply(self.table)
        self.assertEqual(self.table.get(self.table.find("C4"), "rfm.segment"),
                         "Potential Loyalists")
        self.assertEqual(self.table.get(self.table.find("C1"), "rfm.code"), "333")
        self.assertIsNone(self.table.get(self.table.find("C2"), "rfm.r"))
        seg = mkt.Segment.compile(self.ctx, "rfm.segment in ('Lost', 'Promising')", self.table)
        with seg.evaluate(self.table) as m:
            self.assertEqual(sorted(self.table.customer_id(x) for x in m), ["C3", "C5"])


class FromFileTest(unittest.TestCase):
    """compute_file: the table path's rows, with no table row; file errors as loads'."""

    def test_same_as_table(self):
        with mkt.Context() as ctx:
            table = ctx.table()
            table.load_bookings(BOOKINGS)
            fx = mkt.ExchangeRates(ctx, {"USD": "1", "EUR": "1.08"})
            opts = dict(as_of=D, window_months=24, scoring="fixed", fx=fx)
            with mkt.Rfm.compute(ctx, table, **opts) as want, \
                    mkt.Rfm.compute_file(ctx, BOOKINGS, threads=1, **opts) as got:
                self.assertEqual([x._replace(customer_row=None) for x in want], list(got))
                self.assertIsNone(got[0].customer_row)
            with mkt.Lifecycle.compute(ctx, table, D) as want, \
                    mkt.Lifecycle.compute_file(ctx, BOOKINGS, D) as got:
                self.assertEqual([(x.customer_id, x.stage) for x in want],
                                 [(x.customer_id, x.stage) for x in got])
            with self.assertRaises(mkt.IOFailure):
                mkt.Rfm.compute_file(ctx, "/nonexistent.csv", as_of=D)
            with self.assertRaises(mkt.InvalidArgument):
                mkt.Lifecycle.compute_file(ctx, BOOKINGS, D, threads=-1)


class LifecycleTest(unittest.TestCase):
    def test_from_table(self):
        with mkt.Context() as ctx:
            table = ctx.table()
            table.load_bookings(BOOKINGS)
            with mkt.Lifecycle.compute(ctx, table, D) as lc:
                self.assertEqual(lc.as_of, D)
                self.assertEqual([(x.customer_id, x.stage) for x in lc], [
                    ("C1", mkt.LifecycleStage.AT_RISK), ("C2", mkt.LifecycleStage.PROSPECT),
                    ("C3", mkt.LifecycleStage.CHURNED), ("C4", mkt.LifecycleStage.REACTIVATED),
                    ("C5", mkt.LifecycleStage.ACTIVE)])
                self.assertEqual(lc[3].first_date, datetime.date(2024, 12, 24))
                self.assertEqual(lc[3].count_90, 1)
                self.assertEqual(lc.counts()[mkt.LifecycleStage.ENGAGED], 0)
                self.assertEqual(lc.stage_count(mkt.LifecycleStage.PROSPECT), 1)
                lc.apply(table)
            self.assertEqual(table.get(table.find("C4"), "lifecycle.stage"), "Reactivated")
            with mkt.Lifecycle.compute(ctx, table) as lc:  # today
                self.assertEqual(len(lc), 5)

    def test_stage_of(self):
        d = D
        day = datetime.timedelta(days=1)
        self.assertEqual(mkt.lifecycle_stage_of(d), mkt.LifecycleStage.PROSPECT)
        # one booking 60 days ago after one 100 days ago: the gap -> Active
        self.assertEqual(mkt.lifecycle_stage_of(d, first_date=d - 100 * day,
                                                last_date=d - 60 * day, count_90=1,
                                                count_180=2, last_before_90=d - 100 * day,
                                                first_within_90=d - 60 * day),
                         mkt.LifecycleStage.ACTIVE)
        self.assertEqual(mkt.lifecycle_stage_of(d, first_date=d - 30 * day,
                                                last_date=d - 30 * day, count_90=1,
                                                count_180=1, first_within_90=d - 30 * day),
                         mkt.LifecycleStage.NEW)
        with self.assertRaises(mkt.InvalidArgument):
            mkt.lifecycle_stage_of(d, first_date=d, last_date=d + day)
        self.assertEqual(mkt.lifecycle_stage_name(mkt.LifecycleStage.AT_RISK), "At-Risk")
        with self.assertRaises(mkt.NotFound):
            mkt.lifecycle_stage_name(0)


if __name__ == "__main__":
    unittest.main()
