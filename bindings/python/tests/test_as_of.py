# SPDX-License-Identifier: MIT
"""data.h, as-of fields (doc/fields.md): set_as_of / as_of, derived values checked against
hand-computed ones, the LIST column, staleness after a change, and the error paths."""

import datetime
import unittest

import libmarketing as mkt

from . import util

UTC = datetime.timezone.utc
D = datetime.date(2024, 6, 15)  # the as-of date of every test; D12 = 2023-06-15

CUSTOMERS = (
    "customer_id,date_of_birth,tier\n"
    "A1,2000-02-29,GOLD\n"
    "A2,1990-07-01,SILVER\n"
    "A3,,NONE\n"
)

# A1: K1 is exactly on D12 (total only, not 12m), K2 and K3 are in the 12m window (K3 on D
# itself), K4 is cancelled and K5 is after D (both count nowhere). A2: two 12m bookings in two
# currencies, no route. A3: no booking.
BOOKINGS = (
    "booking_id,customer_id,booking_date,departure_date,route,trip_type,cabin_class,channel,"
    "passengers,total_amount,ancillary_amount,currency,status\n"
    "K1,A1,2023-06-15,2023-07-01,BOS-JFK,DOMESTIC,ECONOMY,WEB,1,100.00,,USD,CONFIRMED\n"
    "K2,A1,2024-01-10T10:00:00Z,2024-01-13,LAX-JFK,INTERNATIONAL,BUSINESS,MOBILE,2,200.00,0,"
    "USD,CONFIRMED\n"
    "K3,A1,2024-06-15T23:00:00Z,2024-06-20,JFK-LAX,DOMESTIC,BUSINESS,WEB,1,50.00,5.00,USD,\n"
    "K4,A1,2024-03-01,2024-03-02,CDG-JFK,DOMESTIC,FIRST,AGENT,1,999.00,,USD,CANCELLED\n"
    "K5,A1,2024-06-16,2024-06-17,SFO-LAX,DOMESTIC,FIRST,AGENT,1,10.00,,USD,CONFIRMED\n"
    "K6,A2,2024-02-01,,,,,,,10.00,,EUR,CONFIRMED\n"
    "K7,A2,2024-02-02,,,,,,,20.00,,USD,CONFIRMED\n"
)

# The 7-day window at D is 2024-06-09 .. 2024-06-15: EV1 is in it, EV2 one second before it
# (30-day window only), EV3 is after D; EV4 unsubscribes.
EVENTS = (
    "event_id,customer_id,ts,type\n"
    "EV1,A1,2024-06-09T00:00:00Z,CART_ABANDONED\n"
    "EV2,A1,2024-06-08T23:59:59Z,CART_ABANDONED\n"
    "EV3,A1,2024-06-16T08:00:00Z,EMAIL_OPENED\n"
    "EV4,A1,2024-01-01T12:00:00Z,UNSUBSCRIBED\n"
)


class AsOfTest(util.TempDirTest):
    def setUp(self):
        super().setUp()
        self.ctx = mkt.Context()
        self.table = t = self.ctx.table()
        t.load_customers(self.write("customers.csv", CUSTOMERS))
        t.load_bookings(self.write("bookings.csv", BOOKINGS))
        t.load_events(self.write("events.csv", EVENTS))

    def tearDown(self):
        self.ctx.close()
        super().tearDown()

    def get(self, cid, column):
        return self.table.get(self.table.find(cid), column)

    def test_never_computed(self):
        self.assertIsNone(self.table.as_of)
        with self.assertRaises(mkt.NotFound):
            self.table.column("booking.count_12m")  # created by the first set_as_of

    def test_booking_fields(self):
        self.table.set_as_of(D)
        self.assertEqual(self.table.as_of, D)
        # A1 in the 12m window: K2 and K3. In total: K1, K2, K3.
        self.assertEqual(self.get("A1", "booking.count_12m"), 2)
        self.assertEqual(self.get("A1", "booking.spend_12m"), 20000 + 5000)
        self.assertEqual(self.get("A1", "booking.count_total"), 3)
        self.assertEqual(self.get("A1", "booking.spend_total"), 10000 + 20000 + 5000)
        self.assertEqual(self.get("A1", "booking.first_date"), datetime.date(2023, 6, 15))
        self.assertEqual(self.get("A1", "booking.last_date"), D)  # K3 at 23:00 UTC on D
        self.assertEqual(self.get("A1", "booking.days_since_last"), 0)
        # K2 and K3 are BUSINESS; K2 has 2 passengers and is INTERNATIONAL; only K3 has an
        # ancillary amount > 0.
        self.assertEqual(self.get("A1", "booking.premium_share_12m"), 1.0)
        self.assertEqual(self.get("A1", "booking.group_share_12m"), 0.5)
        self.assertEqual(self.get("A1", "booking.international_share_12m"), 0.5)
        self.assertEqual(self.get("A1", "booking.ancillary_share_12m"), 0.5)
        # Departures: K2 2024-01-13 (a Saturday, winter), K3 2024-06-20 (a Thursday, summer).
        self.assertEqual(self.get("A1", "booking.weekend_share_12m"), 0.5)
        self.assertEqual(self.get("A1", "booking.summer_share_12m"), 0.5)
        self.assertEqual(self.get("A1", "booking.winter_share_12m"), 0.5)
        # Advance days: K2 13 - 10 = 3, K3 20 - 15 = 5; mean 4.
        self.assertEqual(self.get("A1", "booking.avg_advance_days_12m"), 4.0)
        self.assertEqual(self.get("A1", "booking.preferred_cabin"), "BUSINESS")
        # MOBILE once, WEB once: the tie goes to WEB.
        self.assertEqual(self.get("A1", "booking.preferred_channel"), "WEB")
        # A2: EUR and USD bookings do not sum; no cabin, channel or departure.
        self.assertEqual(self.get("A2", "booking.count_12m"), 2)
        self.assertIsNone(self.get("A2", "booking.spend_12m"))
        self.assertIsNone(self.get("A2", "booking.preferred_cabin"))
        self.assertIsNone(self.get("A2", "booking.avg_advance_days_12m"))
        self.assertEqual(self.get("A2", "booking.premium_share_12m"), 0.0)
        # A3: no booking at all.
        self.assertEqual(self.get("A3", "booking.count_12m"), 0)
        self.assertEqual(self.get("A3", "booking.spend_12m"), 0)
        self.assertIsNone(self.get("A3", "booking.first_date"))
        self.assertIsNone(self.get("A3", "booking.days_since_last"))
        self.assertIsNone(self.get("A3", "booking.premium_share_12m"))
        info = self.table.column_info("booking.count_12m")
        self.assertTrue(info.is_derived)
        self.assertEqual(info.type, mkt.Type.INT)

    def test_age_and_events(self):
        self.table.set_as_of(D)
        self.assertEqual(self.get("A1", "age"), 24)  # born 2000-02-29
        self.assertEqual(self.get("A2", "age"), 33)  # 34 only on 2024-07-01
        self.assertIsNone(self.get("A3", "age"))     # no date of birth
        self.assertEqual(self.get("A1", "event.cart_abandoned_7d"), 1)   # EV1
        self.assertEqual(self.get("A1", "event.cart_abandoned_30d"), 2)  # EV1, EV2
        self.assertEqual(self.get("A1", "event.email_opens_90d"), 0)     # EV3 is after D
        self.assertIs(self.get("A1", "event.unsubscribed"), True)
        self.assertIs(self.get("A2", "event.unsubscribed"), False)
        self.assertEqual(self.get("A1", "event.last_date"), datetime.date(2024, 6, 9))
        self.assertIsNone(self.get("A2", "event.last_date"))
        # A day earlier (int day numbers are accepted): the 7-day window 06-08 .. 06-14 holds
        # EV1 and EV2; the 12m window (2023-06-14, 2024-06-14] gains K1 and loses K3.
        self.table.set_as_of(mkt.values.to_days(D) - 1)
        self.assertEqual(self.table.as_of, datetime.date(2024, 6, 14))
        self.assertEqual(self.get("A1", "event.cart_abandoned_7d"), 2)
        self.assertEqual(self.get("A1", "booking.count_12m"), 2)
        self.assertEqual(self.get("A1", "booking.routes_12m"), ["BOS-JFK", "LAX-JFK"])
        # Last counted booking K2 on 2024-01-10: 21 + 29 + 31 + 30 + 31 + 14 days.
        self.assertEqual(self.get("A1", "booking.days_since_last"), 156)

    def test_list_column(self):
        t = self.table
        t.set_as_of(D)
        info = t.column_info("booking.routes_12m")
        self.assertEqual(info.type, mkt.Type.LIST)
        self.assertTrue(info.is_derived)
        # K2 and K3 only (K1 out of the window, K4 cancelled, K5 after D), in byte order.
        self.assertEqual(self.get("A1", "booking.routes_12m"), ["JFK-LAX", "LAX-JFK"])
        self.assertEqual(t.get_list(t.find("A1"), info.index), ["JFK-LAX", "LAX-JFK"])
        self.assertEqual(self.get("A2", "booking.routes_12m"), [])  # bookings without route
        self.assertEqual(self.get("A3", "booking.routes_12m"), [])
        self.assertIn("booking.routes_12m", t.row(t.find("A1")))

    def test_stale_after_add_booking(self):
        t = self.table
        t.set_as_of(D)
        t.add_booking(booking_id="K8", customer_id="A3", booking_time=datetime.datetime(
            2024, 6, 1, tzinfo=UTC), total_amount=700, route="ORD-JFK")
        with self.assertRaises(mkt.StateError) as cm:
            self.get("A3", "booking.count_12m")
        self.assertEqual(cm.exception.code, -14)
        self.assertIn("stale", cm.exception.message)
        with self.assertRaises(mkt.StateError):
            self.get("A1", "booking.routes_12m")
        with self.assertRaises(mkt.StateError) as cm:
            t.as_of  # noqa: B018 (the property raises)
        self.assertEqual(cm.exception.as_of, D)
        # Load-time aggregates are always fresh.
        self.assertEqual(self.get("A3", "booking.count"), 1)
        t.set_as_of(D)
        self.assertEqual(t.as_of, D)
        self.assertEqual(self.get("A3", "booking.count_12m"), 1)
        self.assertEqual(self.get("A3", "booking.spend_12m"), 700)
        self.assertEqual(self.get("A3", "booking.routes_12m"), ["ORD-JFK"])

    def test_stale_after_customer_changes(self):
        t = self.table
        t.set_as_of(D)
        t.set(t.find("A1"), "tier", "PLATINUM")  # other attributes do not matter
        self.assertEqual(t.as_of, D)
        t.set(t.find("A3"), "date_of_birth", datetime.date(2000, 1, 1))
        with self.assertRaises(mkt.StateError):
            self.get("A3", "age")
        t.set_as_of(D)
        self.assertEqual(self.get("A3", "age"), 24)
        t.add_customer("A4")
        with self.assertRaises(mkt.StateError):
            self.get("A1", "age")

    def test_errors(self):
        t = self.table
        t.set_as_of(D)
        a1 = t.find("A1")
        with self.assertRaises(mkt.WrongType) as cm:
            t.get_list(a1, "tier")  # not a list column
        self.assertEqual(cm.exception.code, -12)
        with self.assertRaises(mkt.WrongType):
            t.get_int(a1, "booking.routes_12m")
        with self.assertRaises(mkt.WrongType):
            t.get_string(a1, "booking.routes_12m")
        with self.assertRaises(mkt.NotFound):
            t.get_list(a1 + 10, "booking.routes_12m")
        with self.assertRaises(mkt.NotFound):
            t.get_list(a1, 10**6)
        with self.assertRaises(mkt.InvalidArgument):
            t.set_int(a1, "booking.count_12m", 5)  # derived columns are read-only
        with self.assertRaises(mkt.InvalidArgument):
            t.add_column("tags", mkt.Type.LIST)  # only the library makes list columns
        with self.assertRaises(mkt.RangeError):
            t.set_as_of(datetime.date(1, 3, 1))  # D - 12 months is before year 1
        with self.assertRaises(mkt.RangeError):
            t.set_as_of(datetime.date(9999, 12, 31))  # D + 1 day is after 9999
        self.assertEqual(t.as_of, D)  # a failed call keeps the previous state
        with self.assertRaises(TypeError):
            t.set_as_of("2024-06-15")
        t.close()
        with self.assertRaises(mkt.StateError):
            t.set_as_of(D)
        with self.assertRaises(mkt.StateError):
            t.as_of  # noqa: B018


if __name__ == "__main__":
    unittest.main()


class FoldTest(util.TempDirTest):
    """fold_bookings: the same values as a load plus set_as_of, only the fields asked for,
    and the table-state rules; load_customers(columns=...)."""

    def setUp(self):
        super().setUp()
        self.ctx = mkt.Context()
        self.paths = {name: self.write(name + ".csv", text) for name, text in
                      (("customers", CUSTOMERS), ("bookings", BOOKINGS), ("events", EVENTS))}

    def tearDown(self):
        self.ctx.close()
        super().tearDown()

    def table(self, **customer_options):
        t = self.ctx.table()
        t.load_customers(self.paths["customers"], **customer_options)
        t.load_events(self.paths["events"])
        return t

    def test_same_values_as_load(self):
        loaded = self.table()
        loaded.load_bookings(self.paths["bookings"])
        loaded.set_as_of(D)
        folded = self.table()
        folded.fold_bookings(self.paths["bookings"], D, threads=1)
        self.assertEqual(folded.as_of, D)
        self.assertEqual(folded.booking_count, 0)  # folded, not kept
        for name in ("booking.count_12m", "booking.spend_12m", "booking.preferred_cabin",
                     "booking.preferred_channel", "booking.avg_advance_days_12m", "age",
                     "event.cart_abandoned_30d"):
            for cid in ("A1", "A2", "A3"):
                self.assertEqual(folded.get(folded.find(cid), name),
                                 loaded.get(loaded.find(cid), name), (name, cid))

    def test_fields_and_state(self):
        t = self.table()
        t.fold_bookings(self.paths["bookings"], D, ["booking.count_12m", "customer.age"])
        self.assertEqual(t.get(t.find("A1"), "booking.count_12m"), 2)
        self.assertEqual(t.get(t.find("A1"), "age"), 24)
        with self.assertRaises(mkt.NotFound):
            t.column("booking.spend_12m")
        with self.assertRaises(mkt.StateError):
            t.set_as_of(datetime.date(2024, 6, 16))
        with self.assertRaises(mkt.StateError):
            t.load_bookings(self.paths["bookings"])
        with self.assertRaises(mkt.InvalidArgument):
            self.table().fold_bookings(self.paths["bookings"], D, ["booking.routes_12m"])
        with self.assertRaises(TypeError):
            self.table().fold_bookings(self.paths["bookings"], D, "booking.count_12m")

    def test_customer_columns(self):
        t = self.ctx.table()
        t.load_customers(self.paths["customers"], columns=["tier"])
        self.assertEqual(t.get(t.find("A1"), "tier"), "GOLD")
        self.assertIsNone(t.get(t.find("A1"), "date_of_birth"))  # left out: null


class RuleFieldsTest(unittest.TestCase):
    def test_fields(self):
        with mkt.Context() as ctx:
            rule = mkt.Rule.parse(ctx, "customer.totalSpend >= 5 and customer.tier = 'A' and "
                                       "in segment 'X' and customer.tier != 'B'")
            self.assertEqual(rule.fields(), ["booking.spend_total", "customer.tier"])
            self.assertEqual(rule.fields({"X": "event.searches_30d > 1"}),
                             ["booking.spend_total", "customer.tier", "event.searches_30d"])
            with self.assertRaises(mkt.NotFound):
                rule.fields({})
            with self.assertRaises(mkt.Conflict):
                mkt.Rule.parse(ctx, "in segment 'X'").fields({"X": "in segment 'X'"})
            catalog = mkt.Catalog.builtin(ctx)
            self.assertIn("booking.spend_12m",
                          mkt.Rule.parse(ctx, "in segment 'High-Value Customers'")
                          .fields(catalog))
