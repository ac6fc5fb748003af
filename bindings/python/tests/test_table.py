# SPDX-License-Identifier: MIT
"""data.h, customer table: loads (plain and gzip), load errors with file/line/column, progress,
lookups, columns, typed values, bookings, events, stats and currencies."""

import datetime
import unittest

import libmarketing as mkt

from . import util

UTC = datetime.timezone.utc


class TableTest(util.TempDirTest):
    def setUp(self):
        super().setUp()
        self.ctx = mkt.Context()
        self.table = self.ctx.table()

    def tearDown(self):
        self.ctx.close()
        super().tearDown()

    def load_all(self, compress=False):
        ext = ".csv.gz" if compress else ".csv"
        self.table.load_customers(self.write("customers" + ext, util.CUSTOMERS, compress))
        self.table.load_bookings(self.write("bookings" + ext, util.BOOKINGS, compress))
        self.table.load_events(self.write("events" + ext, util.EVENTS, compress))

    def test_load_and_read(self):
        self.load_all()
        t = self.table
        self.assertEqual(len(t), 3)
        self.assertEqual(t.customer_count, 3)
        row = t.find("C1")
        self.assertEqual(t.customer_id(row), "C1")
        self.assertIn("C2", t)
        self.assertNotIn("C404", t)
        self.assertEqual(t.get(row, "email"), "a@example.com")
        self.assertEqual(t.get(row, "tier"), "GOLD")
        self.assertEqual(t.get(row, "signup_date"), datetime.date(2023, 1, 15))
        self.assertIs(t.get(row, "loyalty_member"), True)
        self.assertAlmostEqual(t.get(row, "email_open_rate"), 0.25)
        self.assertEqual(t.get(row, "nps_score"), 9)
        self.assertEqual(t.get(row, "favourite"), "tea")  # custom column kept
        c3 = t.find("C3")
        self.assertIsNone(t.get(c3, "email"))
        self.assertIsNone(t.get(c3, "signup_date"))
        self.assertIsNone(t.get(t.find("C2"), "nps_score"))
        # Aggregates maintained by the booking load (cancelled bookings count nowhere).
        self.assertEqual(t.get(row, "booking.count"), 2)
        self.assertEqual(t.get(row, "booking.total_spend"), 155050)
        self.assertEqual(t.get(t.find("C2"), "booking.cancelled_count"), 1)
        self.assertEqual(t.get(t.find("C2"), "event.count"), 1)
        self.assertEqual(t.get(row, "event.last_time"),
                         datetime.datetime(2024, 3, 2, 9, 0, tzinfo=UTC))
        self.assertEqual(t.row(row)["tier"], "GOLD")

    def test_gzip(self):
        self.load_all(compress=True)
        self.assertEqual(len(self.table), 3)
        self.assertEqual(self.table.booking_count, 3)
        self.assertEqual(self.table.event_count, 2)

    def test_columns(self):
        cols = self.table.columns
        self.assertEqual(len(cols), self.table.column_count)
        names = [c.name for c in cols]
        for name in ("customer_id", "email", "signup_date", "booking.count", "event.count"):
            self.assertIn(name, names)
        info = self.table.column_info("signup_date")
        self.assertEqual(info.type, mkt.Type.DATE)
        self.assertFalse(info.is_custom)
        self.assertTrue(self.table.column_info("booking.count").is_derived)
        self.assertEqual(self.table.column_info(info.index), info)
        with self.assertRaises(mkt.NotFound):
            self.table.column("no_such_column")
        with self.assertRaises(mkt.NotFound):
            self.table.column_info(10**6)

    def test_add_column_and_values(self):
        t = self.table
        row = t.add_customer("N1", tier="GOLD", signup_date=datetime.date(2024, 1, 2))
        self.assertEqual(t.add_customer("N1", exist_ok=True), row)
        with self.assertRaises(mkt.AlreadyExists) as cm:
            t.add_customer("N1")
        self.assertEqual(cm.exception.code, -4)
        score = t.add_column("score", mkt.Type.NUMBER)
        seen = t.add_column("seen_at", mkt.Type.TIME)
        t.add_column("vip", mkt.Type.BOOL)
        t.add_column("credit", mkt.Type.MONEY)
        self.assertTrue(t.column_info(score).is_custom)
        t.set(row, "score", 0.75)
        t.set(row, "seen_at", datetime.datetime(2024, 5, 1, tzinfo=UTC))
        t.set(row, "vip", True)
        t.set(row, "credit", 1999)
        self.assertEqual(t.get(row, "score"), 0.75)
        self.assertEqual(t.get_int(row, seen), 1714521600)
        self.assertIs(t.get(row, "vip"), True)
        self.assertEqual(t.get(row, "credit"), 1999)
        self.assertEqual(t.get(row, "signup_date"), datetime.date(2024, 1, 2))
        self.assertEqual(t.get_string(row, "tier"), "GOLD")
        self.assertEqual(t.get_number(row, "score"), 0.75)
        t.set_null(row, "score")
        self.assertIsNone(t.get(row, "score"))
        self.assertEqual(t.column_info("score").null_count, 1)
        t.set_string(row, "tier", "PLATINUM")
        t.set_number(row, "score", 1)
        t.set_int(row, "vip", 0)
        self.assertIs(t.get(row, "vip"), False)

    def test_value_errors(self):
        t = self.table
        row = t.add_customer("N1")
        with self.assertRaises(mkt.AlreadyExists):
            t.add_column("email", mkt.Type.STRING)
        with self.assertRaises(mkt.InvalidArgument):
            t.add_column("booking.mine", mkt.Type.INT)
        with self.assertRaises(mkt.WrongType) as cm:
            t.get_int(row, "email")
        self.assertEqual(cm.exception.code, -12)
        with self.assertRaises(mkt.WrongType):
            t.set_string(row, "signup_date", "2024-01-01")
        with self.assertRaises(mkt.RangeError):
            t.set_int(row, "loyalty_member", 2)
        with self.assertRaises(mkt.InvalidArgument):
            t.set_int(row, "booking.count", 3)  # derived columns are read-only
        with self.assertRaises(mkt.NotFound):
            t.get(row + 1, "email")
        with self.assertRaises(mkt.NotFound):
            t.customer_id(row + 1)
        with self.assertRaises(mkt.NotFound):
            t.find("nobody")
        with self.assertRaises(mkt.ParseError):
            t.set_string(row, "email", b"\xff\xfe")

    def test_bookings_and_events(self):
        t = self.table
        t.add_booking(booking_id="B1", customer_id="X1", booking_time=1717234200,
                      total_amount=12345, departure_date=datetime.date(2024, 7, 1),
                      route="JFK-LAX", passengers=2, ancillary_amount=500, currency="EUR")
        t.add_booking(mkt.Booking("B2", "X1", datetime.datetime(2024, 6, 2, tzinfo=UTC), 100,
                                  status=mkt.BookingStatus.CANCELLED))
        t.add_event(event_id="E1", customer_id="X1", ts=1717234300, type="SEARCH",
                    value=250, properties="route=JFK-LAX")
        self.assertEqual(t.find("X1"), 0)  # created by the AUTO rule
        b = t.booking(0)
        self.assertEqual((b.booking_id, b.customer_id, b.customer_row), ("B1", "X1", 0))
        self.assertEqual(b.booking_time, datetime.datetime(2024, 6, 1, 9, 30, tzinfo=UTC))
        self.assertEqual(b.departure_date, datetime.date(2024, 7, 1))
        self.assertEqual((b.route, b.passengers, b.total_amount, b.ancillary_amount),
                         ("JFK-LAX", 2, 12345, 500))
        self.assertEqual((b.currency, b.status), ("EUR", mkt.BookingStatus.CONFIRMED))
        self.assertIsNone(b.origin)
        b2 = t.booking(1)
        self.assertEqual(b2.status, mkt.BookingStatus.CANCELLED)
        self.assertEqual(b2.currency, "USD")
        self.assertIsNone(b2.departure_date)
        self.assertIsNone(b2.ancillary_amount)
        self.assertEqual([x.booking_id for x in t.bookings], ["B1", "B2"])
        e = t.event(0)
        self.assertEqual((e.event_id, e.type, e.value, e.properties),
                         ("E1", "SEARCH", 250, "route=JFK-LAX"))
        self.assertIsNone(e.campaign)
        self.assertEqual([x.event_id for x in t.events], ["E1"])
        with self.assertRaises(mkt.AlreadyExists):
            t.add_booking(booking_id="B1", customer_id="X1", booking_time=0, total_amount=1)
        with self.assertRaises(mkt.RangeError):
            t.add_booking(booking_id="B9", customer_id="X1", booking_time=0, total_amount=-1)
        with self.assertRaises(mkt.InvalidArgument):
            t.add_booking(booking_id=None, customer_id="X1", booking_time=0, total_amount=1)
        with self.assertRaises(mkt.AlreadyExists):
            t.add_event(event_id="E1", customer_id="X1", ts=0, type="SEARCH")
        with self.assertRaises(mkt.InvalidArgument):
            t.add_event(event_id="E2", customer_id="X1", ts=0, type=None)
        with self.assertRaises(mkt.NotFound):
            t.booking(2)
        with self.assertRaises(mkt.NotFound):
            t.event(1)

    def test_unknown_customer_policies(self):
        path = self.write("bookings.csv", util.BOOKINGS)
        t = self.table
        t.load_customers(self.write("c.csv", "customer_id\nC1\n"))
        with self.assertRaises(mkt.NotFound) as cm:
            t.load_bookings(path)  # AUTO: the table has customers -> error naming the line
        self.assertEqual(cm.exception.line, 4)
        self.assertEqual(t.booking_count, 0)  # all-or-nothing
        with self.assertRaises(mkt.NotFound):
            t.load_bookings(path, unknown_customer=mkt.UnknownCustomer.ERROR)
        t.load_bookings(path, unknown_customer=mkt.UnknownCustomer.CREATE)
        self.assertEqual(t.booking_count, 3)
        self.assertIn("C2", t)

    def test_stats_and_currencies(self):
        self.load_all()
        s = self.table.stats()
        self.assertEqual((s.customers, s.customers_with_bookings, s.bookings,
                          s.bookings_cancelled, s.events, s.currencies), (3, 1, 3, 1, 2, 2))
        self.assertEqual(s.first_booking_date, datetime.date(2024, 2, 10))
        self.assertEqual(s.last_booking_date, datetime.date(2024, 5, 1))
        self.assertEqual(s.first_event_time, datetime.datetime(2024, 3, 2, 9, tzinfo=UTC))
        self.assertEqual(self.table.currencies(),
                         [mkt.Currency("USD", 2, 155050), mkt.Currency("EUR", 1, 0)])
        with self.assertRaises(mkt.NotFound):
            self.table.currency(2)
        empty = self.ctx.table().stats()
        self.assertIsNone(empty.first_booking_date)
        self.assertIsNone(empty.last_event_time)

    def test_parse_error_names_where(self):
        bad = util.CUSTOMERS.replace("2023-02-01", "2023-02-31")
        path = self.write("customers.csv", bad)
        with self.assertRaises(mkt.ParseError) as cm:
            self.table.load_customers(path)
        e = cm.exception
        self.assertEqual(e.code, -7)
        self.assertTrue(e.source.endswith("customers.csv"), e.source)
        self.assertEqual((e.line, e.column, e.field), (3, 4, "signup_date"))
        self.assertIn("customers.csv:3:4", e.message)
        self.assertEqual(len(self.table), 0)  # nothing half-loaded
        last = self.ctx.last_error()
        self.assertEqual((last.line, last.column, last.field), (3, 4, "signup_date"))

    def test_other_load_errors(self):
        with self.assertRaises(mkt.IOFailure) as cm:
            self.table.load_customers(self.dir + "/missing.csv")
        self.assertEqual(cm.exception.code, -8)
        with self.assertRaises(mkt.ParseError) as cm:
            self.table.load_customers(self.write("c.csv", "email\nx@y.z\n"))
        self.assertIn("customer_id", cm.exception.message)
        with self.assertRaises(mkt.AlreadyExists) as cm:
            self.table.load_customers(self.write("d.csv", "customer_id\nA\nA\n"))
        self.assertEqual(cm.exception.line, 3)
        with self.assertRaises(mkt.RangeError):
            self.table.load_bookings(self.write("b.csv", util.BOOKINGS.replace("400.00", "-4")),
                                     unknown_customer=mkt.UnknownCustomer.CREATE)

    def test_separator(self):
        self.table.load_customers(self.write("c.csv", "customer_id;tier\nS1;GOLD\n"),
                                  separator=";")
        self.assertEqual(self.table.get(self.table.find("S1"), "tier"), "GOLD")

    def test_progress(self):
        rows = "".join(f"C{i},x{i}@example.com,GOLD\n" for i in range(60000))
        path = self.write("big.csv", "customer_id,email,tier\n" + rows)
        calls = []
        self.table.load_customers(path, progress=lambda d, t, r: calls.append((d, t, r)))
        self.assertTrue(calls)
        done, total, _ = calls[-1]
        self.assertLessEqual(done, total)
        self.assertEqual(len(self.table), 60000)

    def test_progress_abort(self):
        rows = "".join(f"C{i},x{i}@example.com\n" for i in range(60000))
        path = self.write("big.csv", "customer_id,email\n" + rows)
        with self.assertRaises(mkt.UserAbort):
            self.table.load_customers(path, progress=lambda d, t, r: False)
        self.assertEqual(len(self.table), 0)

        def boom(d, t, r):
            raise OSError("cancelled by user")
        with self.assertRaises(mkt.UserAbort) as cm:
            self.table.load_customers(path, progress=boom)
        self.assertIsInstance(cm.exception.__cause__, OSError)
        self.assertEqual(len(self.table), 0)

    def test_closed(self):
        self.table.close()
        self.table.close()
        with self.assertRaises(mkt.StateError):
            len(self.table)
        t2 = self.ctx.table()
        self.ctx.close()  # frees the table too
        with self.assertRaises(mkt.StateError):
            t2.find("x")
        with self.assertRaises(mkt.StateError):
            self.ctx.table()


if __name__ == "__main__":
    unittest.main()
