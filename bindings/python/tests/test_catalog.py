# SPDX-License-Identifier: MIT
"""catalog.h: the built-in catalog, XML definition files (loading, errors with positions,
all-or-nothing), adding definitions, lookup, rule views, compiling by name with references
resolved through the catalog, the catalog as a resolver, and the error paths."""

import datetime
import unittest

import libmarketing as mkt

from . import util

NS = "https://libmarketing.dev/ns/segments/1"

DEFS = f"""<?xml version="1.0" encoding="UTF-8"?>
<segments xmlns="{NS}">
  <segment id="gold" name="Gold Members" category="Tiers">
    <description>Gold tier.</description>
    <rule>customer.tier = 'GOLD'</rule>
  </segment>
  <segment id="loyal-gold" name="Loyal Gold">
    <criteria logic="AND">
      <condition field="customer.loyalty_member" operator="EQUALS" value="true"/>
    </criteria>
  </segment>
</segments>
"""

REFS = f"""<segments xmlns="{NS}">
  <segment id="gold" name="Gold Members"><rule>customer.tier = 'GOLD'</rule></segment>
  <segment id="gold-or-no-email" name="Gold or No Email">
    <rule>in segment 'Gold Members' or customer.email is null</rule>
  </segment>
  <segment id="later" name="Later Module">
    <unavailable>needs the scoring module</unavailable>
    <rule>score.churn >= 0.5</rule>
  </segment>
</segments>
"""


class CatalogTestBase(util.TempDirTest):
    def setUp(self):
        super().setUp()
        self.ctx = mkt.Context(clock=lambda: 1717234200)  # 2024-06-01
        self.table = self.ctx.table()
        self.table.load_customers(self.write("customers.csv", util.CUSTOMERS))
        self.table.load_bookings(self.write("bookings.csv", util.BOOKINGS))
        self.table.set_as_of(datetime.date(2024, 6, 1))

    def tearDown(self):
        self.ctx.close()
        super().tearDown()

    def rows(self, segment):
        with segment, segment.evaluate(self.table) as members:
            return list(members)


class BuiltinTest(CatalogTestBase):
    def test_definitions(self):
        with mkt.Catalog.builtin(self.ctx) as cat:
            defs = list(cat)
            self.assertEqual(len(cat), 50)
            self.assertEqual(len(defs), 50)
            self.assertEqual([d.index for d in defs], list(range(50)))
            self.assertEqual(len({d.id for d in defs}), 50)
            self.assertEqual(len({d.category for d in defs}), 8)
            hv = cat.find("high-value")
            self.assertEqual(hv, cat["High-Value Customers"])
            self.assertEqual(hv, cat[hv.index])
            self.assertEqual(hv.name, "High-Value Customers")
            self.assertEqual(hv.category, "Sales & Revenue")
            self.assertEqual(hv.rule, "booking.spend_12m > 5000")
            self.assertTrue(hv.available)
            self.assertIsNone(hv.reason)
            vip = cat["vip"]
            self.assertFalse(vip.available)
            self.assertIn("RFM", vip.reason)
            self.assertEqual(cat[-1], defs[-1])
            self.assertIn("vip", cat)
            self.assertIn("VIP Customers", cat)
            self.assertNotIn("vip customers", cat)  # names are exact
            self.assertNotIn(3, cat)
            self.assertIn("High-Value Customers", cat.names())

    def test_context_shortcut(self):
        with self.ctx.catalog(builtin=True) as cat, self.ctx.catalog() as empty:
            self.assertEqual(len(cat), 50)
            self.assertEqual(len(empty), 0)
            self.assertEqual(list(empty), [])
            self.assertIn("50", repr(cat))

    def test_compile_by_name_and_id(self):
        with mkt.Catalog.builtin(self.ctx) as cat:
            self.assertEqual(self.rows(cat.compile("Loyalty Program Members", self.table)),
                             [0, 2])
            self.assertEqual(self.rows(cat.compile("loyalty-members", self.table)), [0, 2])
            self.assertEqual(self.rows(cat.compile("high-value", self.table)), [])

    def test_compile_errors(self):
        with mkt.Catalog.builtin(self.ctx) as cat:
            with self.assertRaises(mkt.NotFound) as cm:
                cat.compile("No Such Segment", self.table)
            self.assertIn("No Such Segment", cm.exception.message)
            with self.assertRaises(mkt.Unsupported) as cm:
                cat.compile("VIP Customers", self.table)
            self.assertIn("unavailable", cm.exception.message)
            self.assertIn("RFM", cm.exception.message)
            with self.assertRaises(TypeError):
                cat.compile("vip", self.table, resolver={})
            with self.assertRaises(TypeError):
                cat.compile("vip", self.table, no_such_option=1)

    def test_lookup_errors(self):
        with mkt.Catalog.builtin(self.ctx) as cat:
            with self.assertRaises(mkt.NotFound):
                cat.find("nope")
            with self.assertRaises(mkt.NotFound):
                cat.index("nope")
            with self.assertRaises(IndexError):
                cat[50]
            with self.assertRaises(IndexError):
                cat[-51]
            with self.assertRaises(IndexError):
                cat.rule(50)
            for huge in (2**64 + 1, -2**64):  # never wrapped into range
                with self.assertRaises(IndexError):
                    cat[huge]
                with self.assertRaises(IndexError):
                    cat.rule(huge)
            self.assertEqual(str(cat.rule(-50)), cat[0].rule)
            with self.assertRaises(TypeError):
                cat.get("vip")

    def test_rule_views(self):
        cat = mkt.Catalog.builtin(self.ctx)
        rule = cat.rule("high-value")
        self.assertEqual(str(rule), "booking.spend_12m > 5000")
        self.assertEqual(rule, cat.rule(cat.index("high-value")))
        self.assertEqual(str(cat.resolve("High-Value Customers")), str(rule))
        with self.assertRaises(mkt.NotFound):
            cat.resolve("nope")
        cat.close()
        with self.assertRaises(mkt.StateError):
            str(rule)  # the view died with its catalog
        with self.assertRaises(mkt.StateError):
            len(cat)
        cat.close()  # idempotent

    def test_garbage_collected(self):
        # Catalogs, their views and segments left to the collector, in any order.
        import gc
        for i in range(20):
            cat = mkt.Catalog.builtin(self.ctx)
            view = cat.rule(i)
            seg = cat.compile("loyalty-members", self.table)
            members = seg.evaluate(self.table)
            del cat, seg
            gc.collect()
            self.assertEqual(len(members), 2)
            self.assertTrue(str(view))  # the view keeps its catalog alive
        del view, members
        gc.collect()
        self.ctx.close()

    def test_schema(self):
        schema = mkt.catalog_xml_schema()
        self.assertIn("relaxng", schema)
        self.assertEqual(schema, mkt.Catalog.xml_schema())


class XmlTest(CatalogTestBase):
    def test_from_text_and_file(self):
        with mkt.Catalog.from_xml(self.ctx, DEFS, source="defs.xml") as cat:
            self.assertEqual([d.id for d in cat], ["gold", "loyal-gold"])
            gold = cat["gold"]
            self.assertEqual((gold.name, gold.category, gold.description, gold.rule),
                             ("Gold Members", "Tiers", "Gold tier.", "customer.tier = 'GOLD'"))
            self.assertTrue(gold.available)
            self.assertEqual(cat["Loyal Gold"].rule, "customer.loyalty_member = true")
            self.assertIsNone(cat["Loyal Gold"].category)
            self.assertEqual(self.rows(cat.compile("gold", self.table)), [0])
        path = self.write("defs.xml", DEFS)
        with mkt.Catalog.from_xml_file(self.ctx, path) as cat:
            self.assertEqual(len(cat), 2)
            self.assertEqual(cat["gold"].source, path)
            self.assertEqual(self.rows(cat.compile("Loyal Gold", self.table)), [0, 2])

    def test_parse_error_has_line(self):
        bad = DEFS.replace("</segment>\n  <segment id=\"loyal-gold\"",
                           "</segmentx>\n  <segment id=\"loyal-gold\"")
        with self.assertRaises(mkt.ParseError) as cm:
            mkt.Catalog.from_xml(self.ctx, bad, source="bad.xml")
        e = cm.exception
        self.assertEqual(e.source, "bad.xml")
        self.assertEqual(e.line, 6)
        self.assertIn("malformed XML", e.message)
        path = self.write("bad.xml", bad)
        with self.assertRaises(mkt.ParseError) as cm:
            mkt.Catalog.from_xml_file(self.ctx, path)
        self.assertEqual((cm.exception.source, cm.exception.line), (path, 6))

    def test_rule_and_schema_errors(self):
        bad_rule = DEFS.replace("customer.tier = 'GOLD'", "customer.tier = ")
        with self.assertRaises(mkt.ParseError) as cm:
            mkt.Catalog.from_xml(self.ctx, bad_rule, source="r.xml")
        self.assertEqual((cm.exception.source, cm.exception.line), ("r.xml", 5))
        bad_schema = DEFS.replace("<description>", "<bogus/><description>")
        with self.assertRaises(mkt.ParseError) as cm:
            mkt.Catalog.from_xml(self.ctx, bad_schema)
        self.assertIn("schema", cm.exception.message)
        self.assertEqual(cm.exception.line, 4)

    def test_all_or_nothing_and_duplicates(self):
        with self.ctx.catalog() as cat:
            cat.load_xml_text(DEFS)
            with self.assertRaises(mkt.AlreadyExists):
                cat.load_xml_text(DEFS)
            self.assertEqual(len(cat), 2)
            more = DEFS.replace('id="gold" name="Gold Members"', 'id="gold2" name="Gold 2"')
            with self.assertRaises(mkt.AlreadyExists):  # loyal-gold is taken: nothing added
                cat.load_xml_text(more)
            self.assertEqual(len(cat), 2)
            self.assertNotIn("gold2", cat)

    def test_io_error(self):
        missing = self.dir + "/missing.xml"
        with self.assertRaises(mkt.IOFailure) as cm:
            mkt.Catalog.from_xml_file(self.ctx, missing)
        self.assertIn("missing.xml", cm.exception.message)

    def test_references_and_unavailable(self):
        with mkt.Catalog.from_xml(self.ctx, REFS) as cat:
            self.assertEqual(self.rows(cat.compile("gold-or-no-email", self.table)), [0, 2])
            later = cat["later"]
            self.assertFalse(later.available)
            self.assertEqual(later.reason, "needs the scoring module")
            with self.assertRaises(mkt.Unsupported) as cm:
                cat.compile("Later Module", self.table)
            self.assertIn("needs the scoring module", cm.exception.message)
            # Once the table has the field, the unavailable segment compiles normally.
            col = self.table.add_column("score.churn", mkt.Type.NUMBER)
            self.assertIsNotNone(col)
            self.table.set(1, "score.churn", 0.9)
            self.assertEqual(self.rows(cat.compile("later", self.table)), [1])

    def test_catalog_as_resolver(self):
        with mkt.Catalog.from_xml(self.ctx, REFS) as cat:
            seg = mkt.Segment.compile(self.ctx, "in segment 'gold' and customer.nps_score > 5",
                                      self.table, resolver=cat)
            self.assertEqual(self.rows(seg), [0])
            with self.assertRaises(mkt.NotFound):
                mkt.Segment.compile(self.ctx, "in segment 'nope'", self.table, resolver=cat)


class AddTest(CatalogTestBase):
    def test_add(self):
        with self.ctx.catalog() as cat:
            self.assertEqual(cat.add("gold", "Gold", "customer.tier='GOLD'",
                                     category="Tiers", description="d"), 0)
            rule = mkt.Rule.parse(self.ctx, "customer.email is null")
            self.assertEqual(cat.add("no-email", "No Email", rule, unavailable="why"), 1)
            d = cat["no-email"]
            self.assertEqual((d.rule, d.available, d.reason), ("customer.email is null",
                                                               False, "why"))
            self.assertEqual(cat["gold"].rule, "customer.tier = 'GOLD'")  # normalized
            self.assertEqual(self.rows(cat.compile("Gold", self.table)), [0])

    def test_add_errors(self):
        with self.ctx.catalog() as cat:
            cat.add("gold", "Gold", "customer.tier = 'GOLD'")
            with self.assertRaises(mkt.AlreadyExists):
                cat.add("gold", "Other", "customer.tier = 'GOLD'")
            with self.assertRaises(mkt.AlreadyExists):
                cat.add("other", "Gold", "customer.tier = 'GOLD'")
            with self.assertRaises(mkt.InvalidArgument):
                cat.add("Bad Id", "Bad", "customer.tier = 'GOLD'")
            with self.assertRaises(mkt.ParseError) as cm:
                cat.add("broken", "Broken", "customer.tier =", source="mine.rules", line=7)
            self.assertEqual((cm.exception.source, cm.exception.line), ("mine.rules", 7))
            self.assertEqual(len(cat), 1)


if __name__ == "__main__":
    unittest.main()
