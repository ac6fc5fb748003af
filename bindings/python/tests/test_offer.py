# SPDX-License-Identifier: MIT
"""offer.h: building offers, XML definitions, validation with reasons, reserve / commit /
release with limits, stacking, usage, and errors as exceptions."""

import datetime
import os
import tempfile
import unittest

import libmarketing as mkt
from libmarketing import offer

XML = """<?xml version="1.0"?>
<offers xmlns="https://libmarketing.dev/ns/offers/1">
  <offer id="summer" currency="USD" stackable="true" priority="2">
    <discount percent="15" cap="50.00"/>
    <min-purchase>100.00</min-purchase>
    <booking-window from="2026-06-01" to="2026-08-31"/>
    <routes><include>JFK-*</include></routes>
    <limits total="2"/>
    <code>SUMMER24</code>
  </offer>
  <offer id="ten" currency="USD" stackable="true">
    <discount amount="10.00"/>
    <code>TEN</code>
  </offer>
</offers>
"""


def booking(customer="C1", booking_id="B1", amount=20000, booked="2026-07-10"):
    return offer.Booking(customer, "JFK-LHR", amount, "USD", booked,
                         datetime.date(2026, 8, 1), booking_id=booking_id, fare_class="Y")


class OfferTest(unittest.TestCase):
    def setUp(self):
        self.ctx = mkt.Context()
        self.offers = offer.Offers(self.ctx)
        self.offers.load_xml(XML, "t.xml")

    def tearDown(self):
        self.offers.close()
        self.ctx.close()

    def test_validate(self):
        self.assertEqual(len(self.offers), 2)
        self.assertEqual(self.offers.ids(), ["summer", "ten"])
        d = self.offers.validate("summer-24", booking())
        # 15 % of 200.00 = 30.00 (cap 50.00 not reached)
        self.assertEqual((d.valid, d.discount, d.code, d.offer_id), (True, 3000, "SUMMER24",
                                                                     "summer"))
        d = self.offers.validate("SUMMER24", booking(amount=8000, booked="2026-09-01"))
        self.assertFalse(d.valid)
        self.assertEqual(d.reason_codes, (offer.Reason.EXPIRED, offer.Reason.MIN_PURCHASE))
        self.assertIn("100.00 USD", d.reasons[1][1])
        d = self.offers.validate("NOPE", booking())
        self.assertEqual(d.reason_codes, (offer.Reason.UNKNOWN_CODE,))
        self.assertIsNone(d.offer_id)

    def test_redemption(self):
        self.assertTrue(self.offers.reserve("SUMMER24", booking("C1", "B1")).valid)
        self.assertTrue(self.offers.reserve("SUMMER24", booking("C2", "B2")).valid)
        d = self.offers.reserve("SUMMER24", booking("C3", "B3"))
        self.assertEqual(d.reason_codes, (offer.Reason.LIMIT_TOTAL,))
        self.offers.commit("SUMMER24", "C1", "B1")
        self.offers.release("SUMMER24", "C2", "B2")
        u = offer.usage(self.ctx, "summer", "C1")
        self.assertEqual((u.held, u.redemptions, u.discount_total, u.average_discount,
                          u.budget_used, u.customer_uses), (1, 1, 3000, 3000, 3000, 1))
        self.assertEqual(offer.usage_report(self.ctx, "summer", offer.UsageBy.ROUTE),
                         "route,redemptions\nJFK-LHR,1\n")
        self.assertEqual(offer.usage_report(self.ctx, "summer", offer.UsageBy.BOOKING_DATE),
                         "booking_date,redemptions\n2026-07-10,1\n")
        self.assertEqual(offer.sweep(self.ctx), 0)
        with self.assertRaises(mkt.NotFound):
            self.offers.commit("SUMMER24", "C9", "B9")
        with self.assertRaises(mkt.StateError):
            self.offers.commit("SUMMER24", "C2", "B2")  # released
        with self.assertRaises(mkt.InvalidArgument):
            self.offers.reserve("SUMMER24", booking(booking_id=None))

    def test_stack(self):
        # summer (priority 2) first: 30.00, then ten: 10.00 -> 40.00
        s = self.offers.stack(["TEN", "SUMMER24"], booking())
        self.assertEqual(s.total, 4000)
        self.assertEqual([i.order for i in s.items], [1, 0])
        self.assertTrue(all(i.chosen for i in s.items))
        s = self.offers.stack(["TEN", "NOPE"], booking())
        self.assertEqual(s.total, 1000)
        self.assertFalse(s.items[1].chosen)
        self.assertEqual(s.items[1].decision.reason_codes, (offer.Reason.UNKNOWN_CODE,))
        with self.assertRaises(mkt.TooBig):
            self.offers.stack(["TEN"] * 17, booking())

    def test_builder(self):
        o = offer.Offer(self.ctx, "vip")
        self.assertEqual(o.id, "vip")
        (o.set_discount(offer.DiscountKind.PERCENT, 1250).set_currency("USD")
         .set_min_purchase(0).set_booking_window("2026-01-01", None)
         .set_travel_window(None, datetime.date(2026, 12, 31))
         .add_blackout("2026-12-24", "2026-12-26").add_route("*-LHR")
         .add_route("JFK-LAX", excluded=True).add_fare_class("J", excluded=True)
         .set_customer("C7").set_limit(offer.Limit.PER_CUSTOMER, 1)
         .set_stacking(True, 5).add_combinable("ten").set_reservation_ttl(60)
         .add_code("VIP-7", "C7"))
        with self.assertRaises(mkt.InvalidArgument):
            o.set_discount(offer.DiscountKind.PERCENT, 0)
        with self.assertRaises(mkt.ParseError):
            o.set_segment_rule("tier =")
        self.offers.add(o)
        with self.assertRaises(mkt.StateError):
            o.id  # taken over by the catalogue
        d = self.offers.validate("VIP7", booking(customer="C7"))
        # 12.5 % of 200.00 = 25.00
        self.assertEqual((d.valid, d.discount), (True, 2500))
        self.assertEqual(self.offers.validate("VIP7", booking()).reason_codes,
                         (offer.Reason.NOT_ELIGIBLE,))

    def test_segment_rule_and_files(self):
        o = offer.Offer(self.ctx, "gold")
        o.set_discount(offer.DiscountKind.PERCENT, 500).set_segment_rule(
            "customer.tier = 'GOLD'").add_code("GOLD5")
        self.offers.add(o)
        table = self.ctx.table()
        self.offers.compile(table)
        rec = mkt.Record(self.ctx, table)
        b = booking()
        self.assertEqual(self.offers.validate("GOLD5", b).reason_codes,
                         (offer.Reason.NOT_ELIGIBLE,))
        rec.set_string("customer.tier", "GOLD")
        b.customer = rec
        self.assertEqual(self.offers.validate("GOLD5", b).discount, 1000)
        rec.close()
        table.close()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "o.xml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(XML.replace("summer", "s2").replace("SUMMER24", "S2")
                        .replace('"ten"', '"t2"').replace("TEN", "T2"))
            self.offers.load_xml_file(path)
        self.assertEqual(len(self.offers), 5)
        with self.assertRaises(mkt.AlreadyExists):
            self.offers.load_xml(XML)
        with self.assertRaises(mkt.ParseError):
            self.offers.load_xml("<offers/>")

    def test_names(self):
        self.assertEqual(offer.reason_name(offer.Reason.BUDGET_EXHAUSTED), "BUDGET_EXHAUSTED")
        self.assertIsNone(offer.reason_name(99))
        self.assertEqual(offer.currency_decimals("JPY"), 0)
        self.assertEqual(offer.currency_decimals("KWD"), 3)
        self.assertEqual(offer.currency_decimals("USD"), 2)


if __name__ == "__main__":
    unittest.main()
