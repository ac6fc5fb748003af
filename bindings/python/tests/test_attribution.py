# SPDX-License-Identifier: MIT
"""attribution.h: every model on toy paths (hand-worked values as in the C tests), the Markov
chain, per-touch and campaign credits, several models at once, journeys, and errors."""

import unittest

import libmarketing as mkt
from libmarketing import attribution

from . import util


class AttributionTest(util.TempDirTest):
    def setUp(self):
        super().setUp()
        self.ctx = mkt.Context()
        self.paths = self.ctx.paths()
        # The published three-path example: C1 > C2 > C3 converts (10.00), C1 and C2 > C3 do not.
        self.paths.add(["C1", "C2", "C3"], conversions=1, value=1000)
        self.paths.add(["C1"], nulls=1)
        self.paths.add(["C2", "C3"], nulls=1)

    def tearDown(self):
        self.ctx.close()
        super().tearDown()

    def test_markov_published_example(self):
        # P(conv) = 1/3; removal effects 1/2, 1, 1 -> shares 0.2, 0.4, 0.4.
        r = mkt.attribute(self.paths, "markov")
        self.assertEqual(r.model, mkt.Model.MARKOV)
        self.assertAlmostEqual(r.conversion_probability, 1 / 3, places=15)
        by = r.by_channel()
        self.assertEqual({k: (c.conversions_micro, c.value) for k, c in by.items()},
                         {"C1": (200000, 200), "C2": (400000, 400), "C3": (400000, 400)})
        self.assertAlmostEqual(by["C1"].removal_effect, 0.5, places=15)
        self.assertEqual(r.states[:4], ["(start)", "(conversion)", "(null)", "C1"])
        self.assertEqual(r.state_count, 6)
        self.assertEqual(r.transition_count, 7)
        t = r.transitions[0]
        self.assertEqual((t.from_name, t.to_name, t.count), ("(start)", "C1", 2))
        self.assertAlmostEqual(t.probability, 2 / 3, places=15)
        self.assertEqual(r.totals, (1, 1000))
        with self.assertRaises(mkt.NotFound):
            r.state_name(6)
        with self.assertRaises(mkt.NotFound):
            r.transition(7)

    def test_rule_models(self):
        # first: C1 gets the one conversion; last: C3; linear: 1/3 each, the remainder unit
        # of 333333.33 micro and 333.33 cents to the lowest channel id (C1).
        first = self.paths.attribute("first").by_channel()
        self.assertEqual(first["C1"].conversions_micro, 1000000)
        self.assertIsNone(first["C1"].removal_effect)
        last = mkt.attribute(self.paths, mkt.Model.LAST).by_channel()
        self.assertEqual(last["C3"].value, 1000)
        lin = mkt.attribute(self.paths, "linear").by_channel()
        self.assertEqual([lin[c].value for c in ("C1", "C2", "C3")], [334, 333, 333])
        self.assertEqual([lin[c].conversions_micro for c in ("C1", "C2", "C3")],
                         [333334, 333333, 333333])
        # position 40/20/40 and custom weights 1,0,1 (middle gets nothing).
        pos = mkt.attribute(self.paths, "u_shaped").by_channel()
        self.assertEqual([pos[c].value for c in ("C1", "C2", "C3")], [400, 200, 400])
        cus = mkt.attribute(self.paths, "custom", weights=[1, 0, 1]).by_channel()
        self.assertEqual([cus[c].value for c in ("C1", "C2", "C3")], [500, 0, 500])
        # W-shaped on three touches: first, milestone (C2), last at 1/3 each.
        w = mkt.attribute(self.paths, "w_shaped").by_channel()
        self.assertEqual([w[c].value for c in ("C1", "C2", "C3")], [334, 333, 333])
        # Shapley: the only converting path has 3 channels: 1/3 each.
        sh = mkt.attribute(self.paths, "shapley", shapley_max_exact=0).by_channel()
        self.assertEqual(sh["C2"].conversions_micro, 333333)
        # last non-direct with C3 as the direct channel: C2.
        lnd = mkt.attribute(self.paths, "last_non_direct", direct_channel="c3").by_channel()
        self.assertEqual(lnd["C2"].conversions_micro, 1000000)

    def test_many(self):
        models = ["first", "last", "linear", "position", "w_shaped", "markov", "shapley"]
        results = mkt.attribute_many(self.paths, models, order=2)
        self.assertEqual([r.model for r in results], [mkt.attribution_model_from_name(m)
                                                      for m in models])
        for r in results:
            self.assertEqual(sum(c.conversions_micro for c in r.channels), 1000000)
            self.assertEqual(sum(c.value for c in r.channels), 1000)
            r.close()
        with self.assertRaises(TypeError):
            mkt.attribute_many(self.paths, ["first"], bogus=1)

    def test_journeys_time_decay_touches_campaigns(self):
        p = self.ctx.paths()
        day = 86400
        # Ages 14, 7, 0 days with a 7-day half-life: weights 1/4, 1/2, 1 -> 1/7, 2/7, 4/7 of 7.00.
        p.add_journey("j1", ["A", "B", "C"], [0, 7 * day, 14 * day], ["spring", None, "spring"],
                      converted=True, value=700)
        p.add_journey("j2", ["B"], [day], converted=False)
        r = mkt.attribute(p, "time_decay", per_touch=True)
        self.assertEqual([r.by_channel()[c].value for c in "ABC"], [100, 200, 400])
        self.assertEqual(r.touch(0, 2), (571429, 400))
        camps = r.campaigns
        self.assertEqual([(c.name, c.value) for c in camps], [("spring", 500), (None, 200)])
        self.assertEqual(r.campaign_count, 2)
        with self.assertRaises(mkt.NotFound):
            r.touch(0, 3)
        self.assertEqual(p.get(0).journey_id, "j1")
        self.assertEqual(p.get(0).campaigns, ["spring", None, "spring"])
        with self.assertRaises(mkt.AlreadyExists):
            p.add_journey("j1", ["A"], [0])
        with self.assertRaises(mkt.InvalidArgument):
            p.add_journey("j3", ["A", "B"], [5, 1])
        with self.assertRaises(mkt.InvalidArgument):
            p.add_journey("j3", ["A", "B"], [5])

    def test_errors(self):
        with self.assertRaises(mkt.InvalidArgument):
            mkt.attribute(self.paths, "time_decay")  # aggregated paths have no times
        with self.assertRaises(mkt.InvalidArgument):
            mkt.attribute(self.paths, "markov", order=5)
        with self.assertRaises(mkt.InvalidArgument):
            mkt.attribute(self.paths, "position", weights=[1, 2])
        with self.assertRaises(mkt.NotFound):
            mkt.attribute(self.paths, "nonsense")
        r = mkt.attribute(self.paths, "first")
        with self.assertRaises(mkt.StateError):
            r.touch(0, 0)  # computed without per_touch
        with self.assertRaises(mkt.NotFound):
            r.channel(3)
        self.assertIsNone(r.conversion_probability)
        self.assertEqual(r.state_count, 0)
        r.close()
        r.close()
        with self.assertRaises(mkt.StateError):
            r.channels  # noqa: B018 - the property raises

    def test_names(self):
        self.assertEqual(mkt.attribution_model_name(mkt.Model.W_SHAPED), "w_shaped")
        self.assertIsNone(mkt.attribution_model_name(0))
        self.assertEqual(attribution.model_from_name("position"), mkt.Model.POSITION)
        self.assertEqual(attribution.MICRO, 1000000)

    def test_closed_paths(self):
        r = mkt.attribute(self.paths, "linear")
        self.paths.close()
        with self.assertRaises(mkt.StateError):
            r.channels  # noqa: B018 - names are borrowed from the closed path set


if __name__ == "__main__":
    unittest.main()
