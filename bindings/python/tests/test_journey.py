# SPDX-License-Identifier: MIT
"""journey.h: loading XML definitions (file and memory), every problem with its line, the
builder giving the same journey as the XML, reading nodes and edges, drawing as text,
registries, and the error paths."""

import os
import tempfile
import unittest

import libmarketing as mkt

NS = "https://libmarketing.dev/ns/journeys/1"
ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")

CART = f"""<?xml version="1.0"?>
<journey xmlns="{NS}" id="cart" name="Cart" reentry="allowed" reentry-after="7 days"
         max-duration="3 days">
  <goal id="booked" event="BOOKED"/>
  <entry id="start" event="CART" delay="1 hour"/>
  <send id="mail" channel="email" template="cart-1" subject="Hi">
    <context name="route" value="{{{{event.route}}}}"/>
  </send>
  <wait id="w" duration="1 day"/>
  <decision id="d">
    <when event="BOOKED" next="end"/>
    <otherwise next="sms"/>
  </decision>
  <send id="sms" channel="sms" template="cart-sms"/>
  <exit id="end"/>
</journey>
"""

BROKEN = f"""<?xml version="1.0"?>
<journey xmlns="{NS}" id="broken">
  <entry id="start" manual="true"/>
  <decision id="d">
    <when event="E" next="end"/>
  </decision>
  <add-tag id="lost" tag="x" next="end"/>
  <exit id="end"/>
</journey>
"""


class JourneyTest(unittest.TestCase):
    def setUp(self):
        self.ctx = mkt.Context()

    def tearDown(self):
        self.ctx.close()

    def test_load_and_read(self):
        j = mkt.Journey.from_xml(self.ctx, CART, source="cart.xml")
        info = j.info
        self.assertEqual((info.id, info.name, info.reentry), ("cart", "Cart", mkt.Reentry.ALLOWED))
        self.assertEqual(info.reentry_after, 7 * 86400)   # 604800
        self.assertEqual(info.max_duration, 3 * 86400)
        self.assertEqual(info.source, "cart.xml")
        self.assertEqual(len(j), 7)
        start = j.node("start")
        self.assertEqual((start.type, start.kind, start.delay),
                         (mkt.NodeType.ENTRY, mkt.EntryKind.EVENT, 3600))
        self.assertEqual(start.line, 5)
        mail = j.node(2)
        self.assertEqual(mail.context, (("route", "{{event.route}}"),))
        self.assertEqual(mail.channel, 1)  # MKT_CHANNEL_EMAIL
        branches = j.edges_of("d")
        self.assertEqual([e.port for e in branches], [mkt.Port.BRANCH, mkt.Port.DEFAULT])
        self.assertEqual(branches[0].event, "BOOKED")
        self.assertEqual(j.node(branches[1].target).id, "sms")
        self.assertEqual(len(j.edges), 6)
        text = j.show()
        self.assertIn("entry start: event CART, 1h after it\n", text)
        self.assertIn("`- otherwise:\n", text)
        with self.assertRaises(mkt.NotFound):
            j.node("nope")
        with self.assertRaises(IndexError):
            j.node(7)
        with self.assertRaises(IndexError):
            j.edge(6)
        j.close()
        with self.assertRaises(mkt.StateError):
            j.info

    def test_load_file_and_examples(self):
        for name in ("abandoned-cart", "post-booking", "welcome-series", "birthday",
                     "win-back", "welcome-opened"):
            path = os.path.join(ROOT, "examples", "journeys", name + ".xml")
            with mkt.Catalog.builtin(self.ctx) as cat:
                j = mkt.Journey.load(self.ctx, path, catalog=cat)
                self.assertEqual(j.info.id, name)
                self.assertEqual(mkt.Journey.validate(self.ctx, path, catalog=cat), [])
                j.close()
        with self.assertRaises(mkt.IOFailure):
            mkt.Journey.load(self.ctx, "/nonexistent/j.xml")

    def test_every_problem_with_lines(self):
        with self.assertRaises(mkt.InvalidArgument) as cm:
            mkt.Journey.from_xml(self.ctx, BROKEN, source="b.xml")
        issues = cm.exception.issues
        found = {(i.check, i.line) for i in issues}
        self.assertIn((mkt.Check.NO_DEFAULT, 4), found)
        self.assertIn((mkt.Check.UNREACHABLE, 7), found)
        self.assertEqual(issues[0].source, "b.xml")
        self.assertIn("b.xml:4: no-default:", str(issues[0]))
        text_issues = mkt.Journey.validate(self.ctx, text=BROKEN, source="b.xml")
        self.assertEqual([(i.check, i.line) for i in text_issues],
                         [(i.check, i.line) for i in issues])
        with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
            f.write(BROKEN)
        try:
            self.assertEqual(len(mkt.Journey.validate(self.ctx, f.name)), len(issues))
        finally:
            os.unlink(f.name)
        self.assertEqual(mkt.journey_check_name(mkt.Check.CYCLE), "cycle")
        self.assertIsNone(mkt.journey_check_name(0))

    def test_registries(self):
        with self.assertRaises(mkt.NotFound) as cm:
            mkt.Journey.from_xml(self.ctx, CART, templates=["cart-1"], events=["CART"])
        checks = sorted(i.check for i in cm.exception.issues)
        # cart-sms unknown; BOOKED unknown twice (goal and branch)
        self.assertEqual(checks, [mkt.Check.UNKNOWN_TEMPLATE, mkt.Check.UNKNOWN_EVENT,
                                  mkt.Check.UNKNOWN_EVENT])
        j = mkt.Journey.from_xml(self.ctx, CART, templates=["cart-1", "cart-sms"],
                                 events=["CART", "BOOKED"], offers=[], segments=[])
        j.close()
        with self.assertRaises(mkt.TooBig):
            mkt.Journey.from_xml(self.ctx, CART, max_nodes=3)

    def test_builder_equals_xml(self):
        x = mkt.Journey.from_xml(self.ctx, CART)
        b = mkt.JourneyBuilder(self.ctx, "cart", name="Cart", reentry=mkt.Reentry.ALLOWED,
                               reentry_after=7 * 86400, max_duration=3 * 86400)
        N = mkt.NodeType
        b.add_node(N.GOAL, 0, "booked", event="BOOKED")
        s = b.add_node(N.ENTRY, mkt.EntryKind.EVENT, "start", event="CART", delay=3600)
        m = b.add_node(N.ACTION, mkt.ActionKind.SEND, "mail", channel=1, template_id="cart-1",
                       subject="Hi", context=[("route", "{{event.route}}")])
        w = b.add_node(N.WAIT, mkt.WaitKind.DURATION, "w", delay=86400)
        d = b.add_node(N.DECISION, 0, "d")
        sms = b.add_node(N.ACTION, mkt.ActionKind.SEND, "sms", channel=2, template_id="cart-sms")
        end = b.add_node(N.EXIT, 0, "end")
        b.connect(s, m, mkt.Port.NEXT)
        b.connect(m, w, mkt.Port.NEXT)
        b.connect(w, d, mkt.Port.NEXT)
        b.connect(d, end, mkt.Port.BRANCH, condition=mkt.Condition.EVENT, event="BOOKED")
        b.connect(d, sms, mkt.Port.DEFAULT)
        b.connect(sms, end, mkt.Port.NEXT)
        built = b.finish()
        strip = lambda n: {k: v for k, v in n.__dict__.items() if k != "line"}  # noqa: E731
        self.assertEqual([strip(n) for n in built.nodes], [strip(n) for n in x.nodes])
        self.assertEqual([strip(e) for e in built.edges], [strip(e) for e in x.edges])
        self.assertEqual(built.show(), x.show())
        with self.assertRaises(mkt.AlreadyExists):
            b.add_node(N.EXIT, 0, "end")
        with self.assertRaises(mkt.InvalidArgument):
            b.connect(end, s, mkt.Port.NEXT)
        b.close()
        with self.assertRaises(mkt.StateError):
            b.add_node(N.EXIT, 0, "z")
        with self.assertRaises(mkt.InvalidArgument):
            mkt.JourneyBuilder(self.ctx, "bad id")

    def test_builder_finish_issues(self):
        with mkt.JourneyBuilder(self.ctx, "j") as b:
            b.add_node(mkt.NodeType.EXIT, 0, "x")
            with self.assertRaises(mkt.InvalidArgument) as cm:
                b.finish()
            self.assertEqual([i.check for i in cm.exception.issues], [mkt.Check.NO_ENTRY])
            self.assertEqual(cm.exception.issues[0].line, 0)

    def test_schema(self):
        self.assertIn(NS, mkt.journey_xml_schema())
        self.assertEqual(mkt.Journey.xml_schema(), mkt.journey_xml_schema())


if __name__ == "__main__":
    unittest.main()
