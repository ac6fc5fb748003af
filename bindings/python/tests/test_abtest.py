# SPDX-License-Identifier: MIT
"""abtest.h: assignment (the same buckets and variants as C and Go for fixed ids), analysis
against reference values (SciPy/statsmodels, from tests/unit/abtest/expected.h), SRM,
corrections, the exact Beta-Binomial chance, CUPED, power, and the error paths."""

import math
import unittest

import libmarketing as mkt
from libmarketing import abtest

# (key, unit, bucket, variant for weights 34/33/33, variant for 50/50 at coverage 0.3);
# computed by an independent Python wyhash in tests/unit/abtest/make_expected.py.
ASSIGN = [
    ("spring-sale-subject", "C000001", 0.5165526588236989, 1, 1),
    ("spring-sale-subject", "C000002", 0.4960959448607991, 1, None),
    ("spring-sale-subject", "alice@example.com", 0.031346985095605295, 0, 0),
    ("spring-sale-subject", "", 0.5167432070999173, 1, 1),
    ("checkout-button", "C000001", 0.6990779562268513, 2, None),
    ("k", "C000002", 0.3860113225906716, 1, None),
    ("k", "a-much-longer-customer-identifier-with-more-than-48-bytes-0123456789",
     0.2817693309654905, 0, None),
    ("k", "C123456789012345", 0.606573546650423, 1, 1),
]

# welch_cases[0] of expected.h: control and treatment sufficient statistics, relative effect.
C = (1000, 10112.029811405897, 111253.79925200932)
T = (1100, 11347.390719582685, 130238.49272271592)


class AssignTest(unittest.TestCase):
    def test_known_buckets_and_variants(self):
        with mkt.Context() as ctx:
            for key, unit, b, v3, v2 in ASSIGN:
                self.assertEqual(abtest.bucket(key, unit), b)
                a = abtest.assign(key, unit, [34, 33, 33], ctx=ctx)
                self.assertEqual((a.variant, a.reason, a.bucket), (v3, abtest.Reason.ASSIGNED, b))
                a = abtest.assign(key, unit, [50, 50], coverage=0.3, ctx=ctx)
                self.assertEqual(a.variant, v2)
                self.assertEqual(a.reason, abtest.Reason.ASSIGNED if v2 is not None
                                 else abtest.Reason.NOT_COVERED)

    def test_bytes_and_str_agree(self):
        self.assertEqual(abtest.bucket(b"k", b"x"), abtest.bucket("k", "x"))
        self.assertEqual(abtest.assign("k", "é", [1, 1]), abtest.assign("k", "é".encode(), [1, 1]))

    def test_namespace_and_holdout(self):
        with mkt.Context() as ctx:
            for i in range(300):
                unit = f"u{i}"
                a = abtest.assign("a", unit, [1, 1], namespace="ns", namespace_range=(0, 0.5),
                                  ctx=ctx)
                b = abtest.assign("b", unit, [1, 1], namespace="ns", namespace_range=(0.5, 1),
                                  ctx=ctx)
                self.assertNotEqual(a.variant is None, b.variant is None)
                if a.variant is None:
                    self.assertEqual(a.reason, abtest.Reason.OUT_OF_NAMESPACE)
                h1 = abtest.assign("e1", unit, [1, 1], holdout=0.2, holdout_key="H", ctx=ctx)
                h2 = abtest.assign("e2", unit, [1, 1], holdout=0.2, holdout_key="H", ctx=ctx)
                self.assertEqual(h1.reason == abtest.Reason.HOLDOUT,
                                 h2.reason == abtest.Reason.HOLDOUT)

    def test_errors(self):
        with self.assertRaises(mkt.InvalidArgument):
            abtest.assign("e", "u", [1])
        with self.assertRaises(mkt.InvalidArgument):
            abtest.assign("e", "u", [0, 0])
        with self.assertRaises(mkt.InvalidArgument):
            abtest.assign("", "u", [1, 1])
        with self.assertRaises(mkt.InvalidArgument):
            abtest.assign("e", "u", [1, 1], coverage=0)
        with self.assertRaises(mkt.InvalidArgument):
            abtest.assign("e", "u", [1] * 27)


class AnalyzeTest(unittest.TestCase):
    def test_welch_relative(self):
        res = abtest.analyze([C, T])
        r = res.rows[1]
        # SciPy reference values (expected.h welch_cases[0]).
        self.assertAlmostEqual(r.effect, 0.020152228332972033, delta=1e-12)
        self.assertAlmostEqual(r.se, 0.014082919371903344, delta=1e-12)
        self.assertAlmostEqual(r.df, 2093.2801916862422, delta=1e-6)
        self.assertAlmostEqual(r.p_value, 0.15258821638394704, delta=1e-9)
        self.assertAlmostEqual(r.ci_low, -0.007465755390225464, delta=1e-9)
        self.assertAlmostEqual(r.ci_high, 0.047770212056169534, delta=1e-9)
        self.assertIsNone(r.chance_to_win)
        self.assertIsNone(res.rows[0].effect)
        self.assertEqual(res.rows[0].n, 1000)
        self.assertEqual(res.decision, abtest.Decision.NO_WINNER_YET)
        self.assertIsNone(res.winner)

    def test_ztest_and_bayes_proportions(self):
        stats = [(20000, 300), (20000, 345)]
        z = abtest.analyze(stats, metric="proportion", method="ztest", effect="absolute")
        # statsmodels proportions_ztest([345, 300], [20000, 20000]) (expected.h ztest_cases[0])
        self.assertAlmostEqual(z.rows[1].effect, 45 / 20000, delta=1e-15)
        self.assertAlmostEqual(z.rows[1].statistic, 1.7863341207270755, delta=1e-12)
        self.assertAlmostEqual(z.rows[1].p_value, 0.0740451754199809, delta=1e-12)
        b = abtest.analyze(stats, metric="proportion", method="bayes")
        self.assertIsNone(b.rows[1].p_value)
        self.assertTrue(0.9 < b.rows[1].chance_to_win < 1)
        # numerical integration of the Beta posteriors (expected.h beta_cases[1])
        self.assertAlmostEqual(b.rows[1].chance_to_win_exact, 0.962906685773359, delta=1e-9)
        self.assertGreater(b.rows[1].risk_treatment, 0)

    def test_decision_and_srm(self):
        sd = 3.0
        arm = lambda n, m: (n, n * m, (n - 1) * sd * sd + n * m * m)  # noqa: E731
        res = abtest.analyze([arm(5000, 10), arm(5000, 11.7)])
        self.assertEqual((res.decision, res.winner), (abtest.Decision.WINNER, 1))
        res = abtest.analyze([arm(5000, 10), arm(5400, 12)])
        self.assertEqual(res.decision, abtest.Decision.INVALID_SRM)
        self.assertTrue(res.srm and abtest.Warnings.SRM in res.warnings)
        res = abtest.analyze([arm(5000, 10), arm(5400, 12)], weights=[50, 54])
        self.assertEqual(res.decision, abtest.Decision.WINNER)

    def test_degenerate_inputs(self):
        res = abtest.analyze([(0, 0, 0), (0, 0, 0)])
        self.assertIn(abtest.Warnings.NO_UNITS, res.rows[1].warnings)
        self.assertEqual(res.rows[1].p_value, 1.0)
        self.assertEqual(res.rows[1].ci_low, -math.inf)
        res = abtest.analyze([(10, 50, 250), (10, 60, 360)], effect="absolute")
        self.assertEqual((res.rows[1].p_value, res.rows[1].effect), (0.0, 1.0))

    def test_sequential_and_prior(self):
        seq = abtest.analyze([C, T], method="sequential")
        fixed = abtest.analyze([C, T])
        self.assertGreater(seq.rows[1].ci_high - seq.rows[1].ci_low,
                           fixed.rows[1].ci_high - fixed.rows[1].ci_low)
        flat = abtest.analyze([C, T], method="bayes")
        tight = abtest.analyze([C, T], method="bayes", prior_mean=0, prior_variance=1e-6)
        self.assertLess(abs(tight.rows[1].effect), abs(flat.rows[1].effect))

    def test_errors(self):
        with self.assertRaises(mkt.InvalidArgument):
            abtest.analyze([C])
        with self.assertRaises(mkt.InvalidArgument):
            abtest.analyze([C, T], method="magic")
        with self.assertRaises(mkt.InvalidArgument):
            abtest.analyze([C, T], method="ztest")  # needs a proportion metric
        with self.assertRaises(mkt.InvalidArgument):
            abtest.analyze([(10, 11), (10, 5)], metric="proportion")
        with self.assertRaises(mkt.InvalidArgument):
            abtest.analyze([C, T], alpha=1.5)
        with self.assertRaises(mkt.InvalidArgument):
            abtest.analyze([C, T], weights=[1, 1, 1])


class OtherStatsTest(unittest.TestCase):
    def test_srm(self):
        # chi2 = 2 * 100^2 / 1100 with 1 df: erfc(sqrt(chi2 / 2))
        self.assertAlmostEqual(abtest.srm([1000, 1200], [0.5, 0.5]),
                               math.erfc(math.sqrt(20000 / 1100 / 2)), delta=1e-15)
        self.assertEqual(abtest.srm([980, 0, 1020], [1, 0, 1]), abtest.srm([980, 1020]))
        with self.assertRaises(mkt.InvalidArgument):
            abtest.srm([1, 2], [0, 0])

    def test_adjust(self):
        p = [0.01, 0.04, 0.03, 0.2, 0.005, 0.04, 0.9]
        # statsmodels multipletests(p, method="holm") (expected.h adjust_holm)
        holm = [0.06, 0.16, 0.15, 0.4, 0.035, 0.16, 0.9]
        for got, want in zip(abtest.adjust(p, "holm"), holm):
            self.assertAlmostEqual(got, want, delta=1e-15)
        bh = abtest.adjust(p, "bh")
        self.assertAlmostEqual(bh[4], 0.035, delta=1e-15)  # 7 * 0.005 / 1
        with self.assertRaises(mkt.InvalidArgument):
            abtest.adjust([1.5], "holm")

    def test_beta_chance(self):
        # Beta(1, 2) vs Beta(2, 1): 5/6 (worked out in test_abtest_stats.c)
        self.assertAlmostEqual(abtest.beta_chance(0, 1, 1, 1), 5 / 6, delta=1e-14)
        with self.assertRaises(mkt.InvalidArgument):
            abtest.beta_chance(3, 2, 0, 1)

    def test_cuped(self):
        flat = [abtest.CupedStats(4, 10, 30, 8, 16, 20), (4, 12, 40, 8, 16, 24)]
        adjusted, theta = abtest.cuped(flat)
        self.assertEqual(theta, 0.0)
        self.assertEqual(adjusted, [(4, 10.0, 30.0), (4, 12.0, 40.0)])
        with self.assertRaises(mkt.InvalidArgument):
            abtest.cuped(flat[:1])

    def test_power(self):
        # root of statsmodels' NormalIndPower power (expected.h power_cases[0]): 108149.45
        self.assertEqual(abtest.sample_size(0.015, 0.10), 108150)
        self.assertAlmostEqual(abtest.power(0.015, 0.10, 75705), 0.6495241607589077,
                               delta=1e-10)
        self.assertEqual(abtest.sample_size(120, 0.02, metric="mean", stddev=80, variants=3),
                         21123)
        with self.assertRaises(mkt.InvalidArgument):
            abtest.sample_size(0.015, 0)
        with self.assertRaises(mkt.InvalidArgument):
            abtest.power(0.015, 0.1, 0)


if __name__ == "__main__":
    unittest.main()
