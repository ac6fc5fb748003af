# SPDX-License-Identifier: MIT
"""segment.h: rule parse/format round trip, parse and compile errors with positions, rule
building and inspection, batch evaluation against hand-computed members, real-time records
with match and explain, segment references, member set algebra, and the error paths."""

import datetime
import decimal
import unittest

import libmarketing as mkt

from . import util

# Rows of util.CUSTOMERS: C1 = 0 (GOLD, nps 9, loyal, signed up 2023-01-15, spend 1550.50),
# C2 = 1 (SILVER, nps null, not loyal, 2023-02-01, only a cancelled booking: spend 0),
# C3 = 2 (NONE, no email, nps 3, loyal, no signup date, no booking: spend 0).
EXPECTED = {
    "customer.tier in ('GOLD', 'SILVER')": [0, 1],
    "customer.email is null": [2],
    "customer.nps_score >= 5": [0],
    "customer.nps_score != 9": [1, 2],               # null: the negation holds
    "customer.email ends with '@EXAMPLE.com' ci": [0, 1],
    "booking.total_spend >= 1000": [0],              # major units: 1550.50 >= 1000.00
    "booking.total_spend > 1550.5": [],
    "customer.signup_date < '2023-02-01'": [0],
    "customer.loyalty_member = true": [0, 2],
    "customer.favourite starts with 'co'": [1],       # a custom (text) column
    "customer.email_open_rate between 0.3 and 1": [1],
    "customer.tier = 'GOLD' or customer.email is null": [0, 2],
    "not customer.tier = 'GOLD'": [1, 2],
    "customer.loyalty_member = true and not customer.nps_score < 5": [0],
}


class SegmentTestBase(util.TempDirTest):
    def setUp(self):
        super().setUp()
        self.ctx = mkt.Context(clock=lambda: 1717234200)  # 2024-06-01
        self.table = self.ctx.table()
        self.table.load_customers(self.write("customers.csv", util.CUSTOMERS))
        self.table.load_bookings(self.write("bookings.csv", util.BOOKINGS))

    def tearDown(self):
        self.ctx.close()
        super().tearDown()

    def parse(self, text, **kw):
        return mkt.Rule.parse(self.ctx, text, **kw)

    def compile(self, rule, **kw):
        return mkt.Segment.compile(self.ctx, rule, self.table, **kw)


class RuleTest(SegmentTestBase):
    def test_parse_format_round_trip(self):
        text = ("Customer.tier IN ('GOLD','PLATINUM')  AND booking.spend_12m>=5000 -- big\n"
                "  and NOT customer.email IS NULL or customer.city = 'paris' CI")
        rule = self.parse(text)
        want = ("customer.tier in ('GOLD', 'PLATINUM') and booking.spend_12m >= 5000 and "
                "not customer.email is null or customer.city = 'paris' ci")
        self.assertEqual(str(rule), want.replace("customer.tier", "Customer.tier", 1))
        again = self.parse(rule.format())
        self.assertEqual(again, rule)
        self.assertEqual(hash(again), hash(rule))
        self.assertEqual(again.format(), rule.format())
        self.assertNotEqual(self.parse("customer.tier = 'GOLD'"),
                            self.parse("customer.tier = 'SILVER'"))
        self.assertIn("customer.city", repr(rule))

    def test_aliases_and_bracket_lists(self):
        rule = self.parse("customer.totalSpend >= 5000 AND booking.cabinClass IN [BUSINESS, "
                          "FIRST]")
        self.assertEqual(str(rule), "booking.spend_total >= 5000 and booking.preferred_cabin "
                                    "in ('BUSINESS', 'FIRST')")

    def test_inspection(self):
        rule = self.parse("customer.tier in ('GOLD', 'PLATINUM') and (booking.count_12m "
                          "between 2 and 10.5 or not customer.signup_date > today - 30 days)")
        self.assertIs(rule.kind, mkt.RuleKind.AND)
        self.assertIsNone(rule.field)
        self.assertIsNone(rule.op)
        self.assertEqual(rule.values, [])
        cond, group = rule.children
        self.assertIs(cond.kind, mkt.RuleKind.CONDITION)
        self.assertEqual(cond.field, "customer.tier")
        self.assertIs(cond.op, mkt.Op.IN)
        self.assertEqual(cond.values, ["GOLD", "PLATINUM"])
        self.assertEqual(cond.flags, 0)
        self.assertEqual(cond.children, [])
        self.assertIs(group.kind, mkt.RuleKind.OR)
        between, neg = group.children
        self.assertEqual(between.values, [2, decimal.Decimal("10.5")])
        self.assertIs(neg.kind, mkt.RuleKind.NOT)
        self.assertEqual(neg.child(0).values, [mkt.Today(-30)])
        with self.assertRaises(IndexError):
            rule.child(2)
        with self.assertRaises(IndexError):
            rule.child(-1)
        with self.assertRaises(mkt.NotFound):
            cond.value(2)
        flagged = self.parse("customer.city = 'x' ci")
        self.assertEqual(flagged.flags, mkt.RuleFlag.CI)
        self.assertEqual(self.parse("customer.signup_date = '2024-01-02'").values,
                         ["2024-01-02"])
        self.assertEqual(self.parse("customer.loyalty_member = false").values, [False])

    def test_parse_error_line_column(self):
        with self.assertRaises(mkt.ParseError) as cm:
            self.parse("customer.tier = 'GOLD'\n  and customer.x ~ 3", source="rules.txt")
        e = cm.exception
        self.assertIsInstance(e, ValueError)
        self.assertEqual((e.source, e.line, e.column), ("rules.txt", 2, 18))
        self.assertIn("rules.txt:2:18", e.message)
        self.assertIn("'~'", e.message)
        with self.assertRaises(mkt.ParseError) as cm:
            self.parse("customer.tier =", first_line=10)
        self.assertEqual(cm.exception.line, 10)
        with self.assertRaises(mkt.ParseError):
            self.parse("")

    def test_parse_limits(self):
        with self.assertRaises(mkt.TooBig):
            self.parse("((((customer.tier = 'A'))))", max_depth=2)
        with self.assertRaises(mkt.TooBig):
            self.parse("customer.tier in ('A', 'B', 'C')", max_list=2)
        with self.assertRaises(mkt.TooBig):
            self.parse("customer.tier = 'GOLD'", max_length=5)
        self.parse("customer.tier in ('A', 'B')", max_list=2)

    def test_build(self):
        ctx = self.ctx
        tier = mkt.Rule.condition(ctx, "customer.tier", "in", "GOLD", "SILVER",
                                  flags=mkt.RuleFlag.CI)
        self.assertEqual(str(tier), "customer.tier in ('GOLD', 'SILVER') ci")
        spend = mkt.Rule.condition(ctx, "booking.spend_12m", mkt.Op.BETWEEN, 10.5,
                                   decimal.Decimal("20.25"))
        self.assertEqual(str(spend), "booking.spend_12m between 10.5 and 20.25")
        self.assertEqual(spend.values, [decimal.Decimal("10.5"), decimal.Decimal("20.25")])
        recent = mkt.Rule.condition(ctx, "customer.signup_date", ">=", mkt.Today(-7))
        self.assertEqual(str(recent), "customer.signup_date >= today - 7 days")
        on = mkt.Rule.condition(ctx, "customer.signup_date", "=", datetime.date(2024, 1, 2))
        self.assertEqual(on.values, ["2024-01-02"])  # a DATE is kept as its text
        at = mkt.Rule.condition(ctx, "event.last_time", ">=",
                                datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.timezone.utc))
        self.assertEqual(str(at), "event.last_time >= '2024-03-01T12:00:00Z'")
        null = mkt.Rule.condition(ctx, "customer.email", "is_null")
        self.assertEqual(str(null), "customer.email is null")
        loyal = mkt.Rule.condition(ctx, "customer.loyalty_member", "=", True)
        count = mkt.Rule.condition(ctx, "booking.count_12m", ">", 3)
        self.assertEqual(count.values, [3])
        both = mkt.Rule.and_(ctx, tier, mkt.Rule.or_(ctx, spend, recent))
        self.assertEqual(str(both), "customer.tier in ('GOLD', 'SILVER') ci and "
                                    "(booking.spend_12m between 10.5 and 20.25 or "
                                    "customer.signup_date >= today - 7 days)")
        self.assertEqual(both, self.parse(str(both)))
        self.assertEqual(mkt.Rule.not_(ctx, null), self.parse("not customer.email is null"))
        self.assertEqual(loyal & count | null, mkt.Rule.or_(ctx, mkt.Rule.and_(ctx, loyal, count),
                                                           null))
        self.assertEqual(~null, mkt.Rule.not_(ctx, null))
        flat = mkt.Rule.and_(ctx, mkt.Rule.and_(ctx, loyal, count), null)
        self.assertEqual(len(flat.children), 3)  # nested ANDs are flattened
        ref = mkt.Rule.segment_ref(ctx, "High Value")
        self.assertIs(ref.kind, mkt.RuleKind.SEGMENT)
        self.assertEqual(ref.field, "High Value")
        self.assertEqual(str(ref), "in segment 'High Value'")
        copy = both.copy()
        both.close()
        self.assertEqual(str(copy).count(" and "), 2)

    def test_build_errors(self):
        ctx = self.ctx
        with self.assertRaises(mkt.InvalidArgument):  # BETWEEN takes two values
            mkt.Rule.condition(ctx, "booking.spend_12m", "between", 1)
        with self.assertRaises(mkt.InvalidArgument):  # bad field name
            mkt.Rule.condition(ctx, "", "=", 1)
        with self.assertRaises(mkt.InvalidArgument):  # ci on an ordering operator
            mkt.Rule.condition(ctx, "customer.nps_score", ">", 1, flags=mkt.RuleFlag.CI)
        with self.assertRaises(mkt.InvalidArgument):  # not UTF-8
            mkt.Rule.condition(ctx, "customer.tier", "=", b"\xff")
        with self.assertRaises(mkt.InvalidArgument):
            mkt.Rule.and_(ctx)
        with self.assertRaises(mkt.InvalidArgument):
            mkt.Rule.or_(ctx)
        with self.assertRaises(mkt.InvalidArgument):
            mkt.Rule.segment_ref(ctx, "")
        with self.assertRaises(mkt.NotFound):
            mkt.Rule.condition(ctx, "customer.tier", "approximately", "x")
        with self.assertRaises(mkt.InvalidArgument):  # unknown operator number
            mkt.Rule.condition(ctx, "customer.tier", 999, "x")
        with self.assertRaises(TypeError):
            mkt.Rule.condition(ctx, "customer.tier", "=", object())
        with self.assertRaises(ValueError):
            mkt.Rule.condition(ctx, "booking.spend_12m", "=", float("inf"))
        with self.assertRaises(TypeError):
            mkt.Rule.not_(ctx, "customer.tier = 'A'")
        with self.assertRaises(TypeError):
            mkt.Rule("customer.tier = 'A'")

    def test_op_names(self):
        self.assertEqual(mkt.op_name(mkt.Op.NOT_IN), "not in")
        self.assertEqual(mkt.op_name(mkt.Op.STARTS_WITH), "starts with")
        self.assertIs(mkt.op_from_name("greater_than_or_equal"), mkt.Op.GE)
        self.assertIs(mkt.op_from_name("NOT  IN"), mkt.Op.NOT_IN)
        self.assertIs(mkt.op_from_name("<>"), mkt.Op.NE)
        with self.assertRaises(mkt.NotFound):
            mkt.op_from_name("approximately")
        with self.assertRaises(mkt.NotFound):
            mkt.op_name(999)

    def test_lifetime(self):
        rule = self.parse("customer.tier = 'A' and customer.email is null")
        child = rule.children[0]
        seg = self.compile(rule)
        seg_rule = seg.rule
        self.assertEqual(seg_rule, rule)
        rule.close()
        rule.close()  # idempotent
        with self.assertRaises(mkt.StateError):
            str(rule)
        with self.assertRaises(mkt.StateError):
            child.field  # a view dies with its owner
        self.assertEqual(seg_rule.field, None)  # the segment keeps its own copy
        seg.close()
        with self.assertRaises(mkt.StateError):
            seg_rule.kind
        members = self.compile("customer.email is null").evaluate(self.table)
        self.ctx.close()
        with self.assertRaises(mkt.StateError):
            len(members)
        with self.assertRaises(mkt.StateError):
            mkt.Rule.parse(self.ctx, "customer.tier = 'A'")


class CompileEvaluateTest(SegmentTestBase):
    def test_evaluate_hand_computed(self):
        for text, want in EXPECTED.items():
            with self.subTest(rule=text):
                seg = self.compile(text)
                members = seg.evaluate(self.table)
                self.assertEqual(list(members), want)
                self.assertEqual(len(members), len(want))
                self.assertEqual(members.rows, 3)
                for row in range(3):
                    self.assertEqual(seg.match_row(self.table, row), row in want)
                    self.assertEqual(row in members, row in want)
                    self.assertEqual(seg.explain_row(self.table, row).matched, row in want)

    def test_compile_unknown_field_hint(self):
        with self.assertRaises(mkt.NotFound) as cm:
            self.compile(self.parse("customer.tier = 'GOLD' and\n  customer.teir = 'GOLD'"))
        e = cm.exception
        self.assertIn("unknown field 'customer.teir'; did you mean customer.tier?", e.message)
        self.assertEqual((e.line, e.column), (2, 3))

    def test_compile_errors(self):
        with self.assertRaises(mkt.WrongType) as cm:
            self.compile("customer.nps_score contains 'x'")
        self.assertEqual(cm.exception.column, 20)
        with self.assertRaises(mkt.ParseError):  # regex
            self.compile("customer.email matches '('")
        with self.assertRaises(mkt.ParseError):  # date literal
            self.compile("customer.signup_date = 'nope'")
        with self.assertRaises(mkt.NotFound):  # no resolver
            self.compile("in segment 'X'")
        with self.assertRaises(mkt.InvalidArgument):
            self.compile("customer.tier = 'A'", max_nodes=0)
        with self.assertRaises(mkt.ParseError):  # rule text is parsed first
            self.compile("customer.tier = ")

    def test_as_of_and_options(self):
        seg = self.compile("customer.signup_date within last 30 days",
                           as_of=datetime.date(2023, 2, 10))
        self.assertEqual(seg.as_of, datetime.date(2023, 2, 10))
        self.assertEqual(list(seg.evaluate(self.table)), [0, 1])
        self.assertEqual(self.compile("customer.tier = 'A'").as_of,
                         datetime.date(2024, 6, 1))  # the context's clock
        ci = self.compile("customer.tier = 'gold'", case_insensitive=True, regex_jit=False)
        self.assertEqual(list(ci.evaluate(self.table)), [0])
        cs = self.compile("customer.tier = 'gold' cs", case_insensitive=True)
        self.assertEqual(list(cs.evaluate(self.table)), [])
        rx = self.compile("customer.email matches '^[ab]@'", regex_match_limit=1000,
                          regex_depth_limit=100)
        self.assertEqual(list(rx.evaluate(self.table)), [0, 1])

    def test_schema_mismatch(self):
        seg = self.compile("customer.favourite = 'tea'")
        other = self.ctx.table()  # no custom column "favourite"
        with self.assertRaises(mkt.StateError):
            seg.evaluate(other)
        with self.assertRaises(mkt.StateError):
            seg.match_row(other, 0)
        with self.assertRaises(mkt.NotFound):
            seg.match_row(self.table, 3)
        with self.assertRaises(mkt.NotFound):
            seg.explain_row(self.table, 3)

    def test_explain_row(self):
        seg = self.compile("customer.tier = 'GOLD' or customer.nps_score < 5")
        ex = seg.explain_row(self.table, self.table.find("C3"))
        self.assertTrue(ex.matched)
        self.assertEqual(ex.text.splitlines(), [
            "yes or",
            "  no  customer.tier = 'GOLD'  [customer.tier = 'NONE']",
            "  yes customer.nps_score < 5  [customer.nps_score = 3]",
        ])

    def test_segment_references(self):
        high = self.parse("booking.total_spend >= 1000")
        catalog = {"High Value": high, "Reachable": "customer.email is not null"}
        seg = self.compile("in segment 'Reachable' and not in segment 'High Value'",
                           resolver=catalog)
        self.assertEqual(list(seg.evaluate(self.table)), [1])
        seen = []

        def lookup(name):
            seen.append(name)
            return catalog.get(name)
        self.compile("in segment 'High Value'", resolver=lookup)
        self.assertEqual(seen, ["High Value"])
        with self.assertRaises(mkt.NotFound) as cm:
            self.compile("in segment 'Nobody'", resolver=catalog)
        self.assertIn("Nobody", cm.exception.message)
        loop = {"A": "in segment 'B'", "B": "in segment 'A'"}
        with self.assertRaises(mkt.Conflict):
            self.compile("in segment 'A'", resolver=loop)

        def broken(name):
            raise RuntimeError("catalog offline")
        with self.assertRaises(mkt.UserAbort) as cm:
            self.compile("in segment 'A'", resolver=broken)
        self.assertIsInstance(cm.exception.__cause__, RuntimeError)
        with self.assertRaises(mkt.UserAbort) as cm:
            self.compile("in segment 'A'", resolver=lambda name: 42)  # not a rule
        self.assertIsInstance(cm.exception.__cause__, TypeError)


class RecordTest(SegmentTestBase):
    RULE = ("customer.tier in ('GOLD', 'PLATINUM') and booking.total_spend >= 1000 "
            "and customer.signup_date < '2024-01-01'")

    def test_match_and_explain(self):
        seg = self.compile(self.RULE)
        rec = mkt.Record(self.ctx, self.table)
        self.assertFalse(seg.match(rec))  # all null
        rec["customer.tier"] = "GOLD"
        rec.set("booking.total_spend", 120000)  # minor units
        rec.update({"customer.signup_date": datetime.date(2023, 5, 1)})
        self.assertTrue(seg.match(rec))
        ex = seg.explain(rec)
        self.assertTrue(ex.matched)
        lines = ex.text.splitlines()
        self.assertEqual(lines[0], "yes and")
        self.assertEqual(lines[2], "  yes booking.total_spend >= 1000  "
                                   "[booking.total_spend = 1200.00]")
        rec.set_int("booking.total_spend", 99999)
        self.assertFalse(seg.match(rec))
        ex = seg.explain(rec)
        self.assertFalse(ex.matched)
        self.assertTrue(ex.text.splitlines()[2].startswith("  no  booking.total_spend"))
        rec.clear()
        self.assertFalse(seg.match(rec))

    def test_set_values(self):
        seg = self.compile("customer.email_open_rate > 0.3 and customer.loyalty_member = true "
                           "and customer.nps_score = 7 and customer.email is null")
        rec = mkt.Record(self.ctx, self.table)
        rec.set_number("customer.email_open_rate", 0.5)
        rec.set("customer.loyalty_member", True)
        rec.set("customer.nps_score", 7.0)  # integral: accepted by an INT field
        rec.set_string("customer.email", "x@example.com")
        self.assertFalse(seg.match(rec))
        rec.set_null("customer.email")
        self.assertTrue(seg.match(rec))
        rec.set("customer.email", None)
        self.assertTrue(seg.match(rec))

    def test_list_field(self):
        # As of 2024-06-15, C1's routes in the last 12 months are JFK-LAX and LAX-JFK; C2's
        # only booking is cancelled and C3 has none: empty lists.
        self.table.set_as_of(datetime.date(2024, 6, 15))
        seg = self.compile("booking.routes_12m contains 'jfk-lax' ci")
        self.assertEqual(list(seg.evaluate(self.table)), [0])
        rec = mkt.Record(self.ctx, self.table)
        rec["booking.routes_12m"] = ["CDG-JFK", "JFK-LAX"]
        self.assertTrue(seg.match(rec))
        self.assertEqual(seg.explain(rec).text,
                         "yes booking.routes_12m contains 'jfk-lax' ci  "
                         "[booking.routes_12m = ('CDG-JFK', 'JFK-LAX')]\n")
        rec.set_list("booking.routes_12m", ["JFK-LAXX", "JFK"])  # items, not substrings
        self.assertFalse(seg.match(rec))
        rec.set_list("booking.routes_12m", [])
        self.assertFalse(seg.match(rec))
        empty = self.compile("booking.routes_12m is null")
        self.assertFalse(empty.match(rec))  # an empty list is not null
        rec.set_null("booking.routes_12m")
        self.assertTrue(empty.match(rec))
        rec.load_row(self.table, 0)
        self.assertTrue(seg.match(rec))
        with self.assertRaises(mkt.WrongType):
            rec.set_list("customer.tier", ["GOLD"])
        with self.assertRaises(mkt.ParseError):
            rec.set_list("booking.routes_12m", ["JFK-LAX", b"\xff"])
        self.assertTrue(seg.match(rec))  # a failed set keeps the previous value
        with self.assertRaises(mkt.NotFound):
            rec.set_list("nope.field", [])

    def test_load_row(self):
        seg = self.compile(self.RULE)
        rec = mkt.Record(self.ctx, self.table)
        for row in range(3):
            rec.load_row(self.table, row)
            self.assertEqual(seg.match(rec), seg.match_row(self.table, row))
            self.assertEqual(seg.explain(rec).text, seg.explain_row(self.table, row).text)
        self.assertTrue(seg.match(rec) is False)

    def test_errors(self):
        rec = mkt.Record(self.ctx, self.table)
        with self.assertRaises(mkt.NotFound):
            rec.set("nope.field", 1)
        with self.assertRaises(mkt.WrongType):
            rec.set("customer.tier", 1)
        with self.assertRaises(mkt.WrongType):
            rec.set_string("customer.nps_score", "7")
        with self.assertRaises(mkt.RangeError):
            rec.set("customer.email_open_rate", float("nan"))
        with self.assertRaises(mkt.RangeError):
            rec.set_int("customer.loyalty_member", 2)
        with self.assertRaises(mkt.ParseError):
            rec.set_string("customer.tier", b"\xff")
        with self.assertRaises(mkt.NotFound):
            rec.set_null("nope.field")
        with self.assertRaises(mkt.NotFound):
            rec.set_number("nope.field", 1.0)
        with self.assertRaises(mkt.NotFound):
            rec.load_row(self.table, 3)
        with self.assertRaises(TypeError):
            rec.set("customer.tier", object())
        small = self.ctx.table()  # fewer columns than the record
        with self.assertRaises(mkt.NotFound):
            rec.load_row(small, 0)
        small.add_customer("Z1")
        with self.assertRaises(mkt.StateError):
            rec.load_row(small, 0)
        seg = self.compile("customer.favourite = 'tea'")
        other = mkt.Record(self.ctx, self.ctx.table())  # another schema
        with self.assertRaises(mkt.StateError):
            seg.match(other)
        with self.assertRaises(mkt.StateError):
            seg.explain(other)
        rec.close()
        with self.assertRaises(mkt.StateError):
            seg.match(rec)


class MembersTest(SegmentTestBase):
    def sets(self):
        a = self.compile("customer.tier in ('GOLD', 'SILVER')").evaluate(self.table)  # 0 1
        b = self.compile("customer.loyalty_member = true").evaluate(self.table)        # 0 2
        return a, b

    def test_algebra(self):
        a, b = self.sets()
        self.assertEqual(list(a & b), [0])
        self.assertEqual(list(a | b), [0, 1, 2])
        self.assertEqual(list(a - b), [1])
        self.assertEqual(list(~a), [2])
        self.assertEqual((list(a), list(b)), ([0, 1], [0, 2]))  # operands unchanged
        c = a.copy()
        c &= b
        self.assertEqual((list(c), list(a)), ([0], [0, 1]))
        c |= b
        self.assertEqual(list(c), [0, 2])
        c -= a
        self.assertEqual(list(c), [2])
        self.assertIs(c.invert(), c)
        self.assertEqual(list(c), [0, 1])
        with self.assertRaises(TypeError):
            a & {0}

    def test_set_and_iterate(self):
        m = mkt.Members(self.ctx, 200)
        self.assertEqual((len(m), m.rows, list(m)), (0, 200, []))
        for row in (0, 63, 64, 199):
            m.add(row)
        m.set(5)
        m.discard(63)
        m.set(64, False)
        self.assertEqual(list(m), [0, 5, 199])
        self.assertEqual(m.count, 3)
        self.assertEqual(m.next(6), 199)
        self.assertIsNone(m.next(200))
        self.assertNotIn(199 + 1, m)
        self.assertNotIn(-1, m)
        self.assertNotIn("0", m)
        self.assertEqual(len(~m), 197)
        self.assertIn("3 of 200", repr(m))

    def test_errors(self):
        a, _ = self.sets()
        with self.assertRaises(mkt.NotFound):
            a.add(3)
        other = mkt.Members(self.ctx, 4)
        for op in ("__iand__", "__ior__", "__isub__", "__and__", "__or__", "__sub__"):
            with self.subTest(op=op), self.assertRaises(mkt.InvalidArgument) as cm:
                getattr(a, op)(other)
            self.assertIn("3 and 4 rows", cm.exception.message)
        self.assertEqual(list(a), [0, 1])  # unchanged by the failures
        a.close()
        for call in (lambda: len(a), a.copy, a.invert, lambda: a.next(0),
                     lambda: 0 in a, lambda: a.rows):
            with self.assertRaises(mkt.StateError):
                call()
        with self.assertRaises(mkt.StateError):
            other &= a


if __name__ == "__main__":
    unittest.main()
