# SPDX-License-Identifier: MIT
"""engine.h: the abandoned-cart journey run by events and the clock, counts, instances,
retries through a failing send callback, consent suppression, restart over one store, and the
error paths."""

import json
import os
import unittest

import libmarketing as mkt

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
CART = os.path.join(ROOT, "examples", "journeys", "abandoned-cart.xml")
T0 = 1800000000
HOUR = 3600
SECRET = b"python-test-secret-0123456789"


def _engine(ctx, journeys, **kw):
    """An engine whose sends with an offer issue codes (default format, SECRET)."""
    return mkt.JourneyEngine(ctx, journeys, promo_format=mkt.promo.Format(ctx),
                             promo_secret=SECRET, **kw)


class Store:
    """A dict store shared by two contexts (as processes share SQLite)."""

    def __init__(self):
        self.data = {}

    def get(self, ns, key):
        return self.data.get((ns, key))

    def put(self, ns, key, value, expected):
        cur = self.data.get((ns, key))
        version = cur[1] if cur else 0
        if expected not in (mkt.VERSION_ANY, version):
            raise mkt.Conflict("version", -5)
        self.data[(ns, key)] = (value, version + 1)
        return version + 1

    def delete(self, ns, key, expected):
        cur = self.data.get((ns, key))
        if cur is None:
            raise mkt.NotFound("absent", -3)
        if expected not in (mkt.VERSION_ANY, cur[1]):
            raise mkt.Conflict("version", -5)
        del self.data[(ns, key)]

    def incr(self, ns, key, delta, limit):
        cur = self.data.get((ns, key))
        value = int(cur[0]) if cur else 0
        if (delta >= 0 and value + delta > limit) or (delta < 0 and value + delta < limit):
            raise mkt.LimitReached("limit", -6)
        self.put(ns, key, str(value + delta).encode(), mkt.VERSION_ANY)
        return value + delta

    def scan(self, ns, prefix):
        return sorted((k, v[0], v[1]) for (n, k), v in self.data.items()
                      if n == ns and k.startswith(prefix))


class EngineTest(unittest.TestCase):
    def setUp(self):
        self.sent = []
        self.fail = []  # exceptions to raise on the next sends

        def send(m):
            if self.fail:
                raise self.fail.pop(0)
            self.sent.append(m)
        self.send = send

    def test_abandoned_cart(self):
        with mkt.Context(send=self.send) as ctx:
            j = mkt.Journey.load(ctx, CART)
            eng = _engine(ctx, [j])
            self.assertIsNone(eng.next_due())
            eng.event("C1", "CART_ABANDONED", T0)
            self.assertEqual(eng.next_due(), T0 + HOUR)
            self.assertEqual(eng.advance(T0 + HOUR), 1)
            self.assertEqual(len(self.sent), 1)
            self.assertEqual(self.sent[0].customer_id, "C1")
            self.assertEqual(self.sent[0].idempotency_key, "abandoned-cart:C1:1:email-1:2")
            m = self.sent[0]
            self.assertEqual((m.template_id, m.node_id, m.entry, m.step),
                             ("abandoned-cart-1", "email-1", 1, 2))
            self.assertIsNone(m.headers)
            self.assertEqual(json.loads(m.context_json),
                             {"journey_id": "abandoned-cart", "customer_id": "C1",
                              "node_id": "email-1", "context": {"route": "{{event.route}}"}})
            inst = eng.instance("abandoned-cart", "C1")
            self.assertEqual(inst.state, mkt.InstanceState.WAITING)
            self.assertEqual(inst.node, j.node("wait-24h").index)
            self.assertEqual(inst.wake_at, T0 + 25 * HOUR)
            self.assertEqual(eng.counts("abandoned-cart", "wait-24h").waiting, 1)
            eng.event("C1", "BOOKING_COMPLETED", T0 + 2 * HOUR)
            self.assertEqual(eng.instance("abandoned-cart", "C1").state,
                             mkt.InstanceState.CONVERTED)
            self.assertEqual(eng.counts("abandoned-cart", "booked").converted, 1)
            eng.advance(T0 + 100 * HOUR)
            self.assertEqual(len(self.sent), 1)
            self.assertIsNone(eng.instance("abandoned-cart", "C2"))
            first = j.node("cart-abandoned").index
            edges = [e for e in j.edges if e.source == first]
            self.assertEqual(eng.edge_count("abandoned-cart", edges[0].index), 1)
            eng.close()
            j.close()

    def test_retry_and_manual_entry(self):
        with mkt.Context(send=self.send) as ctx:
            j = mkt.Journey.load(ctx, os.path.join(ROOT, "examples", "journeys",
                                                   "welcome-opened.xml"))
            eng = _engine(ctx, [j], max_attempts=2, retry_delay=30)
            self.assertTrue(eng.enter("welcome-opened", "C1", T0))
            self.assertFalse(eng.enter("welcome-opened", "C1", T0))
            self.fail.append(mkt.IOFailure("gateway busy", -8))
            eng.advance(T0 + 86400)
            self.assertEqual(self.sent, [])
            self.assertEqual(eng.counts("welcome-opened", "welcome").retried, 1)
            eng.advance(T0 + 86400 + 30)  # the retry, 30 s later
            self.assertEqual(len(self.sent), 1)
            self.assertEqual(eng.counts("welcome-opened", "welcome").sent, 1)

    def test_consent_suppresses(self):
        with mkt.Context(send=self.send) as ctx:
            j = mkt.Journey.load(ctx, CART)
            policy = mkt.consent.Policy(ctx)
            eng = _engine(ctx, [j], consent=policy)
            eng.event("C1", "CART_ABANDONED", T0)
            eng.advance(T0 + HOUR)
            c = eng.counts("abandoned-cart", "email-1")
            self.assertEqual((c.sent, c.suppressed), (0, 1))
            self.assertEqual(c.suppressed_by_reason, {1: 1})  # MKT_REASON_NO_CONSENT
            eng.close()
            policy.close()

    def test_restart_continues(self):
        for timer_records in (True, False):
            self.sent = []
            self._restart(timer_records)

    def _restart(self, timer_records):
        store = Store()
        with mkt.Context(send=self.send, store=store) as ctx:
            j = mkt.Journey.load(ctx, CART)
            eng = _engine(ctx, [j], timer_records=timer_records)
            eng.event("C1", "CART_ABANDONED", T0)
            eng.close()
            j.close()
        self.assertEqual(any(ns == "journey.timer" for ns, _ in store.data), timer_records)
        with mkt.Context(send=self.send, store=store) as ctx:
            j = mkt.Journey.load(ctx, CART)
            eng = _engine(ctx, [j], timer_records=timer_records)
            self.assertEqual(eng.next_due(), T0 + HOUR)
            eng.advance(T0 + 47 * HOUR)
            self.assertEqual([m.idempotency_key.split(":")[3] for m in self.sent],
                             ["email-1", "email-2", "sms"])
            eng.close()
            j.close()

    def test_rule_decision_reads_the_table(self):
        xml = """<?xml version="1.0"?>
<journey xmlns="https://libmarketing.dev/ns/journeys/1" id="r">
  <entry id="e" manual="true"/>
  <decision id="d">
    <when rule="customer.tier = 'GOLD'" next="gold"/>
    <otherwise next="other"/>
  </decision>
  <send id="gold" channel="email" template="t-gold" next="x"/>
  <send id="other" channel="email" template="t-other" next="x"/>
  <exit id="x"/>
</journey>"""
        with mkt.Context(send=self.send) as ctx:
            table = mkt.Table(ctx)
            table.add_customer("G", tier="GOLD")
            table.add_customer("S", tier="SILVER")
            j = mkt.Journey.from_xml(ctx, xml, schema=table)
            with self.assertRaises(mkt.Unsupported):
                _engine(ctx, [j])  # no customers table
            eng = _engine(ctx, [j], customers=table)
            for c in ("G", "S"):
                eng.enter("r", c, T0)
            self.assertEqual([m.template_id for m in self.sent], ["t-gold", "t-other"])
            eng.close()
            j.close()
            table.close()

    def test_enter_due_birthdays_and_segments(self):
        bday = os.path.join(ROOT, "examples", "journeys", "birthday.xml")
        seg = """<?xml version="1.0"?>
<journey xmlns="https://libmarketing.dev/ns/journeys/1" id="gold">
  <entry id="e" rule="customer.tier = 'GOLD'"/>
  <send id="s" channel="email" template="t-gold"/>
  <exit id="x"/>
</journey>"""
        import datetime
        with mkt.Context(send=self.send) as ctx:
            table = mkt.Table(ctx)
            table.add_customer("P", date_of_birth=datetime.date(1990, 1, 1),
                               timezone="Europe/Paris", tier="SILVER")
            table.add_customer("G", tier="GOLD")
            b = mkt.Journey.load(ctx, bday, schema=table)
            g = mkt.Journey.from_xml(ctx, seg, schema=table)
            eng = _engine(ctx, [b], customers=None)
            with self.assertRaises(mkt.Unsupported):
                eng.enter_due(T0)  # no customers table
            eng.close()
            eng = _engine(ctx, [b, g], customers=table)
            # 2027-01-01 is day 20819 (1798761600); 09:00 in Paris (CET) is 08:00 UTC
            eng.advance(1798761600 - 86400)
            self.assertEqual(eng.enter_due(1798761600 + 8 * HOUR - 1), 1)  # G joins GOLD
            self.assertEqual(eng.enter_due(1798761600 + 8 * HOUR), 1)      # P's birthday
            self.assertEqual(eng.instance("birthday", "P").entered_at, 1798761600 + 8 * HOUR)
            self.assertEqual([m.template_id for m in self.sent], ["t-gold", "birthday-offer"])
            self.assertEqual(eng.enter_due(1798761600 + 9 * HOUR), 0)      # G still a member
            with self.assertRaises(mkt.RangeError):
                eng.enter_due(1798761600)  # before the clock
            eng.close()
            b.close()
            g.close()
            table.close()

    ACTIONS = """<?xml version="1.0"?>
<journey xmlns="https://libmarketing.dev/ns/journeys/1" id="acts">
  <entry id="e" manual="true"/>
  <update id="tier" field="customer.tier" value="GOLD"/>
  <add-tag id="tag" tag="vip"/>
  <emit id="emit" event="WELCOMED"/>
  <exit id="x"/>
</journey>"""

    def test_actions(self):
        done = []
        failures = [mkt.IOFailure("busy", -8)]

        def action(a):
            if failures:
                raise failures.pop(0)
            done.append(a)
        with mkt.Context() as ctx:
            j = mkt.Journey.from_xml(ctx, self.ACTIONS)
            with self.assertRaises(mkt.Unsupported):
                _engine(ctx, [j])  # no action callback
            eng = _engine(ctx, [j], action=action)
            eng.enter("acts", "A", T0)  # the update fails once: retried 60 s later
            self.assertEqual(done, [])
            self.assertEqual(eng.counts("acts", "tier").retried, 1)
            eng.advance(T0 + 60)
            self.assertEqual([(a.kind, a.node_id, a.step) for a in done],
                             [(mkt.ActionKind.UPDATE, "tier", 2),
                              (mkt.ActionKind.TAG_ADD, "tag", 3),
                              (mkt.ActionKind.EMIT, "emit", 4)])
            u = done[0]
            self.assertEqual((u.customer_id, u.journey_id, u.attribute, u.value, u.tag, u.at,
                              u.idempotency_key, u.entry),
                             ("A", "acts", "customer.tier", "GOLD", None, T0 + 60,
                              "acts:A:1:tier:2", 1))
            self.assertEqual((done[1].tag, done[2].event_type), ("vip", "WELCOMED"))
            self.assertEqual(eng.counts("acts", "tier").sent, 1)
            # another library error fails the action for good (counted) ...
            failures.append(mkt.InvalidArgument("bad", -2))
            eng.enter("acts", "B", T0 + 100)
            self.assertEqual(eng.counts("acts", "tier").failed, 1)
            # ... any other exception aborts the call, nothing of the step kept
            failures.append(ValueError("bug"))
            with self.assertRaises(mkt.UserAbort) as cm:
                eng.enter("acts", "C", T0 + 200)
            self.assertIsInstance(cm.exception.__cause__, ValueError)
            self.assertIsNone(eng.instance("acts", "C"))
            eng.close()
            j.close()

    def test_offer_code_issued(self):
        # email-2 carries CART10: the code is mkt_promo_derive's for (CART10, C1), bound to
        # C1 in the store, and in the message's context_json
        with mkt.Context(send=self.send) as ctx:
            j = mkt.Journey.load(ctx, CART)
            with self.assertRaises(mkt.Unsupported):
                mkt.JourneyEngine(ctx, [j])  # an offer without format and secret
            with self.assertRaises(mkt.Unsupported):
                mkt.JourneyEngine(ctx, [j], promo_format=mkt.promo.Format(ctx),
                                  promo_secret=b"15 bytes secret")
            fmt = mkt.promo.Format(ctx, prefix="C10-", length=6, charset="numeric")
            eng = mkt.JourneyEngine(ctx, [j], promo_format=fmt, promo_secret=SECRET)
            eng.event("C1", "CART_ABANDONED", T0)
            eng.advance(T0 + 26 * HOUR)
            self.assertEqual([m.node_id for m in self.sent], ["email-1", "email-2"])
            code = fmt.derive(SECRET, "CART10", "C1")
            self.assertRegex(code, r"^C10-[0-9]{6}$")
            ctx_json = json.loads(self.sent[1].context_json)
            self.assertEqual((ctx_json["offer_id"], ctx_json["offer_code"]), ("CART10", code))
            self.assertNotIn("offer_code", json.loads(self.sent[0].context_json))
            self.assertEqual(mkt.promo.lookup(ctx, code), ("CART10", "C1"))
            eng.close()
            j.close()

    def test_counts_survive_a_restart(self):
        store = Store()
        with mkt.Context(send=self.send, store=store) as ctx:
            j = mkt.Journey.load(ctx, CART)
            eng = _engine(ctx, [j])
            eng.event("C1", "CART_ABANDONED", T0)
            eng.flush()
            eng.flush()  # adds nothing
            self.assertEqual(store.data[("journey.count",
                                         b"abandoned-cart\x1fcart-abandoned\x1fentered")][0],
                             b"1")
            eng.event("C2", "CART_ABANDONED", T0)
            eng.close()  # flushes
            j.close()
        with mkt.Context(send=self.send, store=store) as ctx:
            j = mkt.Journey.load(ctx, CART)
            eng = _engine(ctx, [j])
            c = eng.counts("abandoned-cart", "cart-abandoned")
            self.assertEqual((c.entered, c.waiting), (2, 2))
            eng.close()
            with self.assertRaises(mkt.StateError):
                eng.flush()
            j.close()

    def test_field_wait_from_event_properties(self):
        xml = """<?xml version="1.0"?>
<journey xmlns="https://libmarketing.dev/ns/journeys/1" id="fw">
  <entry id="e" event="BOOKED"/>
  <wait id="w" field="event.departure_date" offset="-3 days" at="09:00"/>
  <send id="s" channel="email" template="t"/>
  <exit id="x"/>
</journey>"""
        with mkt.Context(send=self.send) as ctx:
            j = mkt.Journey.from_xml(ctx, xml)
            eng = _engine(ctx, [j])
            eng.event("C1", "BOOKED", T0, {"departure_date": "2027-02-01", "seat": "12A"})
            # 2027-02-01 - 3 days = 2027-01-29 09:00 UTC = T0 (2027-01-15 08:00) + 14 d + 1 h
            self.assertEqual(eng.instance("fw", "C1").wake_at, T0 + 14 * 86400 + HOUR)
            eng.event("C2", "BOOKED", T0, {"departure_date": "soon"})
            self.assertEqual(eng.instance("fw", "C2").state, mkt.InstanceState.NO_FIELD)
            self.assertEqual(eng.counts("fw", "w").no_field, 1)
            with self.assertRaises(mkt.TooBig):
                eng.event("C3", "BOOKED", T0, {"p%d" % i: "v" for i in range(65)})
            with self.assertRaises(mkt.InvalidArgument):
                eng.event("C3", "BOOKED", T0, {"": "v"})
            eng.advance(T0 + 14 * 86400 + HOUR)
            self.assertEqual(len(self.sent), 1)
            eng.close()
            j.close()

    def test_errors(self):
        with mkt.Context() as ctx:
            j = mkt.Journey.load(ctx, CART)
            with self.assertRaises(mkt.InvalidArgument):
                _engine(ctx, [])
            with self.assertRaises(mkt.InvalidArgument):
                _engine(ctx, [j], max_attempts=0)
            eng = _engine(ctx, [j])
            with self.assertRaises(mkt.InvalidArgument):
                eng.event("", "CART_ABANDONED", T0)
            eng.event("C1", "CART_ABANDONED", T0)
            with self.assertRaises(mkt.RangeError):
                eng.advance(T0 - 1)
            with self.assertRaises(mkt.NotFound):
                eng.enter("nope", "C1", T0)
            with self.assertRaises(mkt.NotFound):
                eng.counts("abandoned-cart", 999)
            with self.assertRaises(mkt.NotFound):
                eng.edge_count("abandoned-cart", 999)
            eng.close()
            with self.assertRaises(mkt.StateError):
                eng.advance(T0)


if __name__ == "__main__":
    unittest.main()
