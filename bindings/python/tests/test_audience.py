# SPDX-License-Identifier: MIT
"""audience.h: audiences from segments and from member sets (AND / OR, excludes), samples
(deterministic, nested, independent of row order), CSV exports (sorted ids under a
customer_id header, quoting, gzip by suffix or on request, to a descriptor), the error paths;
and the threads option of the table loads (data.h)."""

import gzip
import os
import random
import unittest

import libmarketing as mkt

from . import util

TIERS = ("GOLD", "SILVER", "BRONZE", "NONE")


def customers_csv(n, reverse=False):
    """n customers C000.. with a tier cycling through TIERS and loyalty every third row."""
    rows = [f"C{i:03d},{TIERS[i % 4]},{1 if i % 3 == 0 else 0}" for i in range(n)]
    if reverse:
        rows.reverse()
    return "customer_id,tier,loyalty_member\n" + "\n".join(rows) + "\n"


class AudienceTestBase(util.TempDirTest):
    N = 200

    def setUp(self):
        super().setUp()
        self.ctx = mkt.Context(clock=lambda: 1717234200)
        self.table = self.load(customers_csv(self.N))

    def tearDown(self):
        self.ctx.close()
        super().tearDown()

    def load(self, text, name="customers.csv"):
        table = self.ctx.table()
        table.load_customers(self.write(name, text))
        return table

    def seg(self, text, table=None):
        return mkt.Segment.compile(self.ctx, text, table or self.table)

    def ids(self, members, table=None):
        table = table or self.table
        return sorted(table.customer_id(r) for r in members)

    def expected(self, pred):
        return sorted(f"C{i:03d}" for i in range(self.N) if pred(i))


class AudienceTest(AudienceTestBase):
    def test_evaluate_and_or_exclude(self):
        gold, silver = self.seg("customer.tier = 'GOLD'"), self.seg("customer.tier = 'SILVER'")
        loyal = self.seg("customer.loyalty_member = true")
        aud = mkt.Audience(include=[gold, loyal], logic=mkt.AudienceLogic.AND)
        with aud.evaluate(self.table) as m:
            self.assertEqual(self.ids(m), self.expected(lambda i: i % 4 == 0 and i % 3 == 0))
            self.assertEqual(m.rows, self.N)
        aud = mkt.Audience(include=[gold, silver], exclude=[loyal], logic="or")
        self.assertIn("or", repr(aud))
        with aud.evaluate(self.table) as m:
            self.assertEqual(self.ids(m), self.expected(lambda i: i % 4 in (0, 1)
                                                        and i % 3 != 0))
        aud.exclude.clear()
        with aud.evaluate(self.table, ctx=self.ctx) as m:
            self.assertEqual(len(m), self.N // 2)

    def test_combine_members(self):
        with self.seg("customer.tier = 'GOLD'") as g, self.seg("customer.tier = 'NONE'") as n, \
                self.seg("customer.loyalty_member = true") as lo:
            gm, nm, lm = g.evaluate(self.table), n.evaluate(self.table), lo.evaluate(self.table)
            m = mkt.combine_audience([gm, nm], [lm], logic=mkt.AudienceLogic.OR)
            self.assertEqual(self.ids(m), self.expected(lambda i: i % 4 in (0, 3)
                                                        and i % 3 != 0))
            self.assertEqual(list(m), list((gm | nm) - lm))  # the same as the set algebra
            self.assertEqual(list(mkt.Audience.combine([gm, lm])), list(gm & lm))

    def test_errors(self):
        gold = self.seg("customer.tier = 'GOLD'")
        with self.assertRaises(mkt.InvalidArgument):
            mkt.Audience().evaluate(self.table)
        with self.assertRaises(mkt.InvalidArgument):
            mkt.Audience([gold], logic="xor").evaluate(self.table)
        with self.assertRaises(mkt.InvalidArgument) as cm:
            mkt.Audience([gold], logic=3).evaluate(self.table)  # the library's check
        self.assertIn("logic", cm.exception.message)
        with self.assertRaises(TypeError):
            mkt.Audience(["customer.tier = 'GOLD'"]).evaluate(self.table)
        with self.assertRaises(TypeError):
            mkt.combine_audience([gold])  # a segment is not a member set
        with self.assertRaises(mkt.InvalidArgument):
            mkt.combine_audience([], ctx=self.ctx)
        with self.assertRaises(mkt.InvalidArgument):
            mkt.combine_audience([])
        small = mkt.Members(self.ctx, 3)
        with self.assertRaises(mkt.InvalidArgument) as cm:
            mkt.combine_audience([gold.evaluate(self.table)], [small])
        self.assertIn("rows", cm.exception.message)
        gold.close()
        with self.assertRaises(mkt.StateError):
            mkt.Audience([gold]).evaluate(self.table)


class SampleTest(AudienceTestBase):
    def test_deterministic_and_nested(self):
        everyone = mkt.Members(self.ctx, self.N).invert()
        a = everyone.sample(self.table, 20, seed=42)
        b = everyone.sample(self.table, 20, seed=42)
        self.assertEqual(len(a), 20)
        self.assertEqual(a.rows, self.N)
        self.assertEqual(list(a), list(b))              # same seed, same rows
        other = everyone.sample(self.table, 20, seed=43)
        self.assertNotEqual(list(a), list(other))       # 1 chance in C(200, 20) to be equal
        small = everyone.sample(self.table, 5, seed=42)
        self.assertTrue(set(small) <= set(a))           # nested in n
        self.assertEqual(list(everyone.sample(self.table, 10**6, seed=1)), list(everyone))
        self.assertEqual(list(everyone.sample(self.table, 2**70, seed=2**64 - 1)),
                         list(everyone))
        self.assertEqual(len(everyone.sample(self.table, 0, seed=1)), 0)
        self.assertEqual(list(everyone.sample(self.table, 20)),
                         list(everyone.sample(self.table, 20, seed=0)))

    def test_only_members_and_independent_of_row_order(self):
        gold = self.seg("customer.tier = 'GOLD'").evaluate(self.table)
        s = gold.sample(self.table, 10, seed=7)
        self.assertEqual(len(s), 10)
        self.assertTrue(set(s) <= set(gold))
        reversed_table = self.load(customers_csv(self.N, reverse=True), "reversed.csv")
        gold_r = self.seg("customer.tier = 'GOLD'", reversed_table).evaluate(reversed_table)
        s_r = gold_r.sample(reversed_table, 10, seed=7)
        self.assertEqual(self.ids(s), self.ids(s_r, reversed_table))

    def test_errors(self):
        m = mkt.Members(self.ctx, self.N + 1)
        with self.assertRaises(mkt.InvalidArgument):  # more rows than the table
            m.sample(self.table, 5, seed=1)
        with self.assertRaises(mkt.InvalidArgument):
            mkt.Members(self.ctx, 1).sample(self.table, -1)
        with self.assertRaises(mkt.InvalidArgument):
            mkt.Members(self.ctx, 1).sample(self.table, 1, seed=2**64)
        m.close()
        with self.assertRaises(mkt.StateError):
            m.sample(self.table, 5)


class ExportTest(AudienceTestBase):
    def setUp(self):
        super().setUp()
        self.gold = self.seg("customer.tier = 'GOLD'").evaluate(self.table)
        self.want = "customer_id\n" + "".join(f"{c}\n" for c in
                                              self.expected(lambda i: i % 4 == 0))

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def test_plain_and_sorted(self):
        path = os.path.join(self.dir, "gold.csv")
        self.gold.export_csv(self.table, path)
        self.assertEqual(self.read(path).decode(), self.want)
        # Sorted by the id bytes whatever the row order; quoted only when needed.
        ids = ["b", "a,1", 'q"x', "A", "é", "B"]
        rows = "customer_id\n" + "\n".join('"' + i.replace('"', '""') + '"' for i in
                                           random.Random(3).sample(ids, len(ids))) + "\n"
        table = self.load(rows, "odd.csv")
        m = mkt.Members(self.ctx, len(table)).invert()
        m.export_csv(table, path, gzip=False)
        self.assertEqual(self.read(path).decode("utf-8"),
                         'customer_id\nA\nB\n"a,1"\nb\n"q""x"\né\n')

    def test_gzip(self):
        auto = os.path.join(self.dir, "gold.csv.gz")
        self.gold.export_csv(self.table, auto)
        self.assertEqual(gzip.decompress(self.read(auto)).decode(), self.want)
        forced = os.path.join(self.dir, "gold.out")
        self.gold.export_csv(self.table, forced, gzip=True, gzip_level=9)
        self.assertEqual(gzip.decompress(self.read(forced)).decode(), self.want)
        plain = os.path.join(self.dir, "plain.csv.gz")
        self.gold.export_csv(self.table, plain, gzip=mkt.ExportGzip.NEVER)
        self.assertEqual(self.read(plain).decode(), self.want)

    def test_fd(self):
        path = os.path.join(self.dir, "fd.csv")
        with open(path, "wb") as f:
            self.gold.export_csv_fd(self.table, f)
        self.assertEqual(self.read(path).decode(), self.want)
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
        try:
            self.gold.export_csv_fd(self.table, fd, gzip=True)
            os.fstat(fd)  # still open
        finally:
            os.close(fd)
        self.assertEqual(gzip.decompress(self.read(path)).decode(), self.want)

    def test_errors(self):
        missing = os.path.join(self.dir, "no", "such", "dir.csv")
        with self.assertRaises(mkt.IOFailure) as cm:
            self.gold.export_csv(self.table, missing)
        self.assertIn("dir.csv", cm.exception.message)
        self.assertFalse(os.path.exists(missing))
        with self.assertRaises(mkt.InvalidArgument):
            self.gold.export_csv(self.table, os.path.join(self.dir, "x.csv"), gzip_level=42)
        with self.assertRaises(mkt.InvalidArgument):
            self.gold.export_csv(self.table, os.path.join(self.dir, "x.csv"), gzip=7)
        with self.assertRaises(mkt.InvalidArgument):
            self.gold.export_csv(self.table, os.path.join(self.dir, "x.csv"),
                                 gzip_level=2**32 + 6)
        with self.assertRaises(mkt.IOFailure):
            self.gold.export_csv_fd(self.table, 1_000_000)  # not an open descriptor
        with self.assertRaises(mkt.InvalidArgument):
            self.gold.export_csv_fd(self.table, 2**32 + 1)   # not wrapped to descriptor 1
        with open(os.path.join(self.dir, "ro.csv"), "w") as f:
            pass
        with open(os.path.join(self.dir, "ro.csv"), "rb") as f:
            with self.assertRaises(mkt.IOFailure):
                self.gold.export_csv_fd(self.table, f)       # open for reading only
        self.assertFalse(os.path.exists(os.path.join(self.dir, "x.csv")))
        big = mkt.Members(self.ctx, self.N + 1)
        with self.assertRaises(mkt.InvalidArgument):
            big.export_csv(self.table, os.path.join(self.dir, "x.csv"))


class LoadThreadsTest(util.TempDirTest):
    def test_threads_same_result(self):
        bookings = util.BOOKINGS + "".join(
            f"X{i},C{1 + i % 3},2024-01-{1 + i % 28:02d},,JFK,LAX,JFK-LAX,DOMESTIC,ECONOMY,Y,WEB,"
            f"1,{i}.00,,USD,\n" for i in range(500))
        results = []
        with mkt.Context() as ctx:
            for threads in (None, 0, 1, 4):
                t = ctx.table()
                t.load_customers(self.write("c.csv", util.CUSTOMERS), threads=threads)
                t.load_bookings(self.write("b.csv", bookings), threads=threads)
                t.load_events(self.write("e.csv", util.EVENTS), threads=threads)
                results.append((t.stats(), [b.booking_id for b in t.bookings]))
            self.assertTrue(all(r == results[0] for r in results))
            self.assertEqual(results[0][0].bookings, 503)

    def test_threads_errors(self):
        with mkt.Context() as ctx:
            t = ctx.table()
            path = self.write("c.csv", util.CUSTOMERS)
            with self.assertRaises(mkt.InvalidArgument) as cm:
                t.load_customers(path, threads=-1)
            self.assertIn("threads", cm.exception.message)
            with self.assertRaises(mkt.InvalidArgument):
                t.load_customers(path, threads=2**31)
            with self.assertRaises(TypeError):
                t.load_customers(path, threads="4")
            self.assertEqual(len(t), 0)
            t.load_customers(path, threads=2)
            bad = self.write("b.csv", util.BOOKINGS.replace("350.50", "abc"))
            for threads in (1, 4):  # the same error, whatever the threads
                with self.assertRaises(mkt.ParseError) as cm:
                    t.load_bookings(bad, threads=threads)
                self.assertEqual((cm.exception.line, cm.exception.column), (2, 13))


if __name__ == "__main__":
    unittest.main()
