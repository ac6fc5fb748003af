#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Compute the reference values of the abtest unit tests with SciPy and statsmodels.

Run once (Debian: apt-get install python3-scipy python3-statsmodels) and commit the output:

    /usr/bin/python3 tests/unit/abtest/make_expected.py > tests/unit/abtest/expected.h

so that CI never needs SciPy. Every value here comes from SciPy / statsmodels routines, from
direct numerical integration, or (for the normal, t and chi-square quantiles, where SciPy 1.10's
t quantile is only good to ~1e-9) from mpmath at 50 digits, never from libmarketing. Beta
quantiles are SciPy's (Boost's ibeta_inv, accurate to a few ulps). Where a quantity has no library routine
(the delta-method standard error of a relative effect, the sequential half-width, the CUPED
theta) it is computed here from its textbook definition with NumPy, independently of the C code.

The A/B bucket hash is wyhash final version 4 written out again in Python (wyhash() below) from
the published algorithm, so the committed buckets and variants check the C implementation.
"""

import math
import sys

import mpmath as mp
import numpy as np
from scipy import integrate, stats
from scipy.optimize import brentq
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

OUT = []


def emit(line=""):
    OUT.append(line)


def num(x):
    if math.isinf(x):
        return "INFINITY" if x > 0 else "-INFINITY"
    if math.isnan(x):
        return "NAN"
    return repr(float(x))


# ---- distributions ----------------------------------------------------------------------------
DIST = []


def add(fn, x, a, b, want):
    want = float(want)
    # Relative error is meaningless below the normal range of doubles.
    if want != 0 and abs(want) < 1e-290:
        return
    DIST.append((fn, x, a, b, want))


mp.mp.dps = 50
HALF = mp.mpf(1) / 2


def mp_t_cdf(x, df):
    x, df = mp.mpf(x), mp.mpf(df)
    low = mp.betainc(df / 2, HALF, 0, df / (df + x * x), regularized=True) / 2
    return low if x < 0 else 1 - low


def mp_quantile(cdf, p, x0):
    """Root of cdf(x) = p at 50 digits, from SciPy's quantile as the start."""
    p = mp.mpf(p)
    f = (lambda x: mp.log(cdf(x)) - mp.log(p)) if p < 0.5 else (lambda x: cdf(x) - p)
    x0 = mp.mpf(x0)
    lo, hi = x0 - abs(x0) * mp.mpf("1e-6"), x0 + abs(x0) * mp.mpf("1e-6")
    if f(lo) * f(hi) > 0:
        raise ValueError(f"SciPy's quantile {x0} for p={p} is not within 1e-6")
    for _ in range(200):  # bisection at 50 digits: plain, and cannot miss
        mid = (lo + hi) / 2
        if (f(mid) > 0) == (f(hi) > 0):
            hi = mid
        else:
            lo = mid
        if hi - lo < abs(mid) * mp.mpf("1e-30"):
            break
    return float((lo + hi) / 2)


def distributions():
    xs = [-37.5, -20, -10, -5, -2, -1, -0.1, 0, 0.3, 1, 3, 8, 20, 37.5]
    for x in xs:
        add("D_NORM_CDF", x, 0, 0, stats.norm.cdf(x))
        add("D_NORM_SF", x, 0, 0, stats.norm.sf(x))
    ps = [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.01, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.9,
          0.975, 0.99, 1 - 1e-10]
    for p in ps:
        add("D_NORM_PPF", p, 0, 0,
            mp_quantile(lambda x: mp.ncdf(x), p, stats.norm.ppf(p)) if p != 0.5 else 0.0)
    ts = [-1e3, -50, -10, -3, -1, -0.01, 0, 0.5, 2, 5, 40]
    for df in [1, 2, 3.5, 10, 30, 100, 1e4, 1e6, 2e6, 1e8, 1e9]:
        for t in ts:
            add("D_T_CDF", t, df, 0, stats.t.cdf(t, df))
            add("D_T_SF", t, df, 0, stats.t.sf(t, df))
        for p in [1e-12, 1e-6, 0.01, 0.3, 0.5, 0.8, 0.975, 0.99, 1 - 1e-9]:
            want = 0.0 if p == 0.5 else mp_quantile(lambda x: mp_t_cdf(x, df), p,
                                                    stats.t.ppf(p, df))
            add("D_T_PPF", p, df, 0, want)
    for k in [1, 2, 3, 5, 10, 25, 100, 1000]:
        for f in [1e-6, 0.01, 0.1, 0.5, 0.9, 1, 1.1, 1.5, 2, 4, 10]:
            x = f * k
            add("D_CHI2_CDF", x, k, 0, stats.chi2.cdf(x, k))
            add("D_CHI2_SF", x, k, 0, stats.chi2.sf(x, k))
        for p in [1e-12, 1e-6, 0.01, 0.3, 0.5, 0.8, 0.99, 1 - 1e-9]:
            add("D_CHI2_PPF", p, k, 0,
                mp_quantile(lambda x: mp.gammainc(mp.mpf(k) / 2, 0, x / 2, regularized=True),
                            p, stats.chi2.ppf(p, k)))
    for a, b in [(0.5, 0.5), (1, 1), (2, 5), (0.1, 3), (50, 80), (1000, 5), (1e4, 1e4),
                 (3, 0.2), (1e5, 2e6)]:
        for x in [1e-10, 1e-3, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999, 1 - 1e-9]:
            add("D_BETA_CDF", x, a, b, stats.beta.cdf(x, a, b))
            add("D_BETA_SF", x, a, b, stats.beta.sf(x, a, b))
        for p in [1e-12, 1e-6, 0.01, 0.3, 0.5, 0.8, 0.99, 1 - 1e-9]:
            want = stats.beta.ppf(p, a, b)
            if 1e-300 < want < 1 - 1e-12:  # stay where the quantile is resolvable
                add("D_BETA_PPF", p, a, b, want)
    emit("enum { D_NORM_CDF, D_NORM_SF, D_NORM_PPF, D_T_CDF, D_T_SF, D_T_PPF, D_CHI2_CDF,")
    emit("       D_CHI2_SF, D_CHI2_PPF, D_BETA_CDF, D_BETA_SF, D_BETA_PPF };")
    emit("static const struct dist_case { int fn; double x, a, b, want; } dist_cases[] = {")
    for fn, x, a, b, want in DIST:
        emit(f"    {{{fn}, {num(x)}, {num(a)}, {num(b)}, {num(want)}}},")
    emit("};")
    emit()


# ---- Welch ---------------------------------------------------------------------------------------
MEAN, PROPORTION = 1, 2
RELATIVE, ABSOLUTE = 1, 2
TWO, GREATER, LESS = 1, 2, 3
ALT = {TWO: "two-sided", GREATER: "greater", LESS: "less"}


def arm(n, s, ss, metric):
    m = s / n
    if metric == PROPORTION:
        return m, m * (1 - m)
    return m, (ss - s * s / n) / (n - 1)


def sample(rng, n, mu, sd):
    y = rng.normal(mu, sd, n)
    return n, float(y.sum()), float((y * y).sum())


def welch_cases():
    rng = np.random.default_rng(20261126)
    cases = []
    c, t = sample(rng, 1000, 10, 3), sample(rng, 1100, 10.4, 3.5)
    for scale in (RELATIVE, ABSOLUTE):
        for sided in (TWO, GREATER, LESS):
            cases.append((c, t, MEAN, scale, sided, 0.05))
    cases.append((sample(rng, 2, 5, 1), sample(rng, 2, 6, 1), MEAN, ABSOLUTE, TWO, 0.05))
    cases.append((sample(rng, 3, 5, 1), sample(rng, 50, 5.5, 2), MEAN, RELATIVE, TWO, 0.1))
    cases.append((sample(rng, 10**7, 100, 40), sample(rng, 10**7, 100.05, 40), MEAN, RELATIVE,
                  TWO, 0.01))
    # proportions: 1.5% baseline, p near 0 and near 1, huge n
    cases.append(((20000, 300.0, 300.0), (20000, 345.0, 345.0), PROPORTION, RELATIVE, TWO, 0.05))
    cases.append(((10**6, 1.0, 1.0), (10**6, 7.0, 7.0), PROPORTION, ABSOLUTE, GREATER, 0.05))
    cases.append(((5000, 4990.0, 4990.0), (5000, 4999.0, 4999.0), PROPORTION, RELATIVE, TWO,
                  0.05))
    cases.append(((5 * 10**7, 750000.0, 750000.0), (5 * 10**7, 751500.0, 751500.0), PROPORTION,
                  RELATIVE, TWO, 0.05))
    emit("static const struct welch_case {")
    emit("    mkt_abtest_stats c, t;")
    emit("    int32_t metric, effect, sided;")
    emit("    double alpha, want_effect, want_se, want_df, want_t, want_p, want_lo, want_hi;")
    emit("} welch_cases[] = {")
    for c, t, metric, scale, sided, alpha in cases:
        mc, vc = arm(*c, metric)
        mt, vt = arm(*t, metric)
        nc, nt = c[0], t[0]
        # scipy: the absolute test (statistic, p) from summary statistics.
        res = stats.ttest_ind_from_stats(mt, math.sqrt(vt), nt, mc, math.sqrt(vc), nc,
                                         equal_var=False, alternative=ALT[sided])
        a, b = vc / nc, vt / nt
        df = (a + b) ** 2 / (a * a / (nc - 1) + b * b / (nt - 1))
        if scale == ABSOLUTE:
            eff, se = mt - mc, math.sqrt(a + b)
            stat, p = float(res.statistic), float(res.pvalue)
        else:
            eff = mt / mc - 1
            se = math.sqrt(vt / (nt * mc**2) + mt**2 * vc / (nc * mc**4))
            stat = eff / se
            p = {TWO: 2 * stats.t.sf(abs(stat), df), GREATER: stats.t.sf(stat, df),
                 LESS: stats.t.cdf(stat, df)}[sided]
        q = stats.t.ppf(1 - (alpha / 2 if sided == TWO else alpha), df) * se
        lo = -math.inf if sided == LESS else eff - q
        hi = math.inf if sided == GREATER else eff + q
        emit(f"    {{{{{nc}, {num(c[1])}, {num(c[2])}}}, {{{nt}, {num(t[1])}, {num(t[2])}}}, "
             f"{metric}, {scale}, {sided}, {num(alpha)},")
        emit(f"     {num(eff)}, {num(se)}, {num(df)}, {num(stat)}, {num(p)}, {num(lo)}, "
             f"{num(hi)}}},")
    emit("};")
    emit()


# ---- z-test ------------------------------------------------------------------------------------
def ztest_cases():
    cases = [(300, 20000, 345, 20000, TWO), (300, 20000, 345, 20000, GREATER),
             (300, 20000, 345, 20000, LESS), (1, 10**6, 7, 10**6, TWO),
             (4990, 5000, 4999, 5000, TWO), (12, 40, 5, 35, TWO)]
    emit("static const struct ztest_case {")
    emit("    uint64_t xc, nc, xt, nt;")
    emit("    int32_t sided;")
    emit("    double want_z, want_p, want_lo, want_hi;")
    emit("} ztest_cases[] = {")
    alt = {TWO: "two-sided", GREATER: "larger", LESS: "smaller"}
    for xc, nc, xt, nt, sided in cases:
        z, p = proportions_ztest([xt, xc], [nt, nc], alternative=alt[sided])
        lo, hi = confint_proportions_2indep(xt, nt, xc, nc, method="wald", compare="diff",
                                            alpha=0.05 if sided == TWO else 0.10)
        lo = -math.inf if sided == LESS else lo
        hi = math.inf if sided == GREATER else hi
        emit(f"    {{{xc}, {nc}, {xt}, {nt}, {sided}, {num(z)}, {num(p)}, {num(lo)}, "
             f"{num(hi)}}},")
    emit("};")
    emit()


# ---- SRM and corrections -------------------------------------------------------------------------
def srm_cases():
    cases = [([1000, 1200], [0.5, 0.5]), ([5000, 5050, 4900], [1, 1, 1]),
             ([3400, 3300, 3300], [34, 33, 33]), ([100000, 101000], [50, 50]),
             ([980, 0, 1020], [1, 0, 1]), ([50, 150, 800], [0.1, 0.2, 0.7]),
             ([10, 10], [1, 1])]
    emit("static const struct srm_case { size_t n; uint64_t obs[4]; double w[4], want; } "
         "srm_cases[] = {")
    for obs, w in cases:
        o = np.array([x for x, wi in zip(obs, w) if wi > 0], float)
        ww = np.array([wi for wi in w if wi > 0], float)
        p = stats.chisquare(o, o.sum() * ww / ww.sum()).pvalue
        emit(f"    {{{len(obs)}, {{{', '.join(map(str, obs))}}}, "
             f"{{{', '.join(num(x) for x in w)}}}, {num(p)}}},")
    emit("};")
    emit()
    ps = [0.01, 0.04, 0.03, 0.2, 0.005, 0.04, 0.9]
    emit(f"static const double adjust_p[{len(ps)}] = {{{', '.join(num(x) for x in ps)}}};")
    for name, method in (("holm", "holm"), ("bh", "fdr_bh")):
        adj = multipletests(ps, method=method)[1]
        emit(f"static const double adjust_{name}[{len(ps)}] = "
             f"{{{', '.join(num(x) for x in adj)}}};")
    emit()


# ---- Bayes -------------------------------------------------------------------------------------
def expect_pos(mu, s):
    f = lambda x: x * stats.norm.pdf(x, mu, s)
    return integrate.quad(f, 0, math.inf, epsabs=0, epsrel=1e-13, limit=500)[0]


def bayes_cases():
    rng = np.random.default_rng(7)
    c, t = sample(rng, 400, 20, 6), sample(rng, 420, 21, 6)
    cases = [(c, t, MEAN, ABSOLUTE, 0, 0, 1, TWO), (c, t, MEAN, RELATIVE, 0, 0, 1, TWO),
             (c, t, MEAN, RELATIVE, 1, 0.0, 0.01, TWO), (c, t, MEAN, ABSOLUTE, 1, 0.5, 0.25, LESS),
             ((20000, 300.0, 0), (20000, 345.0, 0), PROPORTION, RELATIVE, 0, 0, 1, TWO)]
    emit("static const struct bayes_case {")
    emit("    mkt_abtest_stats c, t;")
    emit("    int32_t metric, effect, prior_normal;")
    emit("    double prior_mean, prior_variance;")
    emit("    int32_t sided;")
    emit("    double want_mu, want_sd, want_chance, want_lo, want_hi, want_risk_c, want_risk_t;")
    emit("} bayes_cases[] = {")
    for c, t, metric, scale, prior, m0, v0, sided in cases:
        mc, vc = arm(*c, metric)
        mt, vt = arm(*t, metric)
        nc, nt = c[0], t[0]
        if scale == ABSOLUTE:
            eff, se = mt - mc, math.sqrt(vc / nc + vt / nt)
        else:
            eff = mt / mc - 1
            se = math.sqrt(vt / (nt * mc**2) + mt**2 * vc / (nc * mc**4))
        if prior:
            prec = 1 / v0 + 1 / se**2
            mu, sd = (m0 / v0 + eff / se**2) / prec, math.sqrt(1 / prec)
        else:
            mu, sd = eff, se
        g = -mu if sided == LESS else mu  # gain of shipping the treatment
        chance = stats.norm.sf(0, g, sd)
        lo, hi = stats.norm.interval(0.95, mu, sd)
        risk_c = expect_pos(g, sd)
        risk_t = expect_pos(-g, sd)
        emit(f"    {{{{{nc}, {num(c[1])}, {num(c[2])}}}, {{{nt}, {num(t[1])}, {num(t[2])}}}, "
             f"{metric}, {scale}, {prior}, {num(m0)}, {num(v0)}, {sided},")
        emit(f"     {num(mu)}, {num(sd)}, {num(chance)}, {num(lo)}, {num(hi)}, {num(risk_c)}, "
             f"{num(risk_t)}}},")
    emit("};")
    emit()
    # Exact Beta-Binomial: P(pT > pC) = integral of f_T(x) F_C(x) dx (numerical integration).
    bcases = [(10, 100, 15, 100), (300, 20000, 345, 20000), (0, 10, 0, 10), (0, 1, 1, 1),
              (50, 50, 49, 50), (1, 1000, 0, 1000), (1200, 4000, 1100, 4000)]
    emit("static const struct beta_case { uint64_t ca, na, cb, nb; double want; } "
         "beta_cases[] = {")
    for ca, na, cb, nb in bcases:
        fa = stats.beta(1 + ca, 1 + na - ca)
        fb = stats.beta(1 + cb, 1 + nb - cb)
        lo = min(fa.ppf(1e-15), fb.ppf(1e-15))
        hi = max(fa.isf(1e-15), fb.isf(1e-15))
        pts = sorted({fa.mean(), fb.mean()})
        want = integrate.quad(lambda x: fb.pdf(x) * fa.cdf(x), lo, hi, points=pts,
                              epsabs=1e-15, epsrel=1e-12, limit=1000)[0]
        emit(f"    {{{ca}, {na}, {cb}, {nb}, {num(want)}}},")
    emit("};")
    emit()


# ---- sequential ----------------------------------------------------------------------------------
def sequential_cases():
    """Half-width of the asymptotic confidence sequence (Waudby-Smith et al. 2021, eq. 161
    rho as GrowthBook uses it), written from the paper's formula with NumPy."""
    rng = np.random.default_rng(11)
    emit("static const struct seq_case {")
    emit("    mkt_abtest_stats c, t;")
    emit("    int32_t effect;")
    emit("    double alpha, tuning, want_lo, want_hi, want_p;")
    emit("} seq_cases[] = {")
    for n, shift, scale, alpha, tuning in [(2000, 0.3, ABSOLUTE, 0.05, 5000),
                                           (2000, 0.3, RELATIVE, 0.05, 5000),
                                           (50000, 0.05, ABSOLUTE, 0.1, 1000),
                                           (300, 0.0, ABSOLUTE, 0.05, 5000)]:
        c, t = sample(rng, n, 10, 3), sample(rng, n, 10 + shift, 3)
        mc, vc = arm(*c, MEAN)
        mt, vt = arm(*t, MEAN)
        if scale == ABSOLUTE:
            eff, se = mt - mc, np.sqrt(vc / n + vt / n)
        else:
            eff = mt / mc - 1
            se = np.sqrt(vt / (n * mc**2) + mt**2 * vc / (n * mc**4))
        N = 2 * n
        rho2 = (-2 * np.log(alpha) + np.log(-2 * np.log(alpha) + 1)) / tuning
        s2 = se**2 * N
        h = np.sqrt(s2) * np.sqrt(2 * (N * rho2 + 1) / (N**2 * rho2) *
                                  np.log(np.sqrt(N * rho2 + 1) / alpha))
        # always-valid p-value: smallest alpha' with |eff| = half-width(alpha'), rho fixed
        g = lambda la: np.sqrt(s2) * np.sqrt(2 * (N * rho2 + 1) / (N**2 * rho2) *
                                             (np.log(np.sqrt(N * rho2 + 1)) - la)) - abs(eff)
        if g(0.0) >= 0:
            p = 1.0
        else:
            p = math.exp(brentq(g, -5000, 0, xtol=1e-15, rtol=1e-15))
        emit(f"    {{{{{n}, {num(c[1])}, {num(c[2])}}}, {{{n}, {num(t[1])}, {num(t[2])}}}, "
             f"{scale}, {num(alpha)}, {num(tuning)}, {num(eff - h)}, {num(eff + h)}, "
             f"{num(p)}}},")
    emit("};")
    emit()


# ---- CUPED ---------------------------------------------------------------------------------------
def cuped_case():
    rng = np.random.default_rng(5)
    xs, ys = [], []
    for k, n in enumerate([800, 820, 790]):
        x = rng.gamma(2.0, 10.0, n)
        y = 0.6 * x + rng.normal(5 + k * 0.5, 4, n)
        xs.append(x)
        ys.append(y)
    allx, ally = np.concatenate(xs), np.concatenate(ys)
    theta = np.cov(allx, ally, ddof=1)[0, 1] / np.var(allx, ddof=1)
    m = allx.mean()
    emit("static const struct cuped_case {")
    emit("    mkt_abtest_cuped_stats in;")
    emit("    double want_sum, want_sum_squares;")
    emit("} cuped_cases[] = {")
    for x, y in zip(xs, ys):
        adj = y - theta * (x - m)
        emit(f"    {{{{{len(x)}, {num(y.sum())}, {num((y * y).sum())}, {num(x.sum())}, "
             f"{num((x * x).sum())}, {num((x * y).sum())}}}, {num(adj.sum())}, "
             f"{num((adj * adj).sum())}}},")
    emit("};")
    emit(f"static const double cuped_theta = {num(theta)};")
    emit()


# ---- power -------------------------------------------------------------------------------------
def power_cases():
    emit("static const struct power_case {")
    emit("    int32_t metric, sided, variants;")
    emit("    double baseline, stddev, mde, alpha, power;")
    emit("    double want_n;           /* root of statsmodels' NormalIndPower power */")
    emit("    uint64_t n_for_power;    /* and the power at this n */")
    emit("    double want_power;")
    emit("} power_cases[] = {")
    for metric, sided, k, base, sd, mde, alpha, pw in [
            (PROPORTION, TWO, 2, 0.015, 0, 0.10, 0.05, 0.8),
            (PROPORTION, TWO, 4, 0.015, 0, 0.10, 0.05, 0.8),
            (PROPORTION, GREATER, 2, 0.2, 0, -0.05, 0.05, 0.9),
            (PROPORTION, TWO, 2, 0.5, 0, 0.5, 0.01, 0.95),
            (MEAN, TWO, 3, 120.0, 80.0, 0.02, 0.05, 0.8)]:
        p1, p2 = base, base * (1 + mde)
        if metric == PROPORTION:
            sdp = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
        else:
            sdp = sd * math.sqrt(2)
        d = abs(p2 - p1) / (sdp / math.sqrt(2))
        a = alpha / (k - 1)
        alt = "two-sided" if sided == TWO else "larger"
        # statsmodels' solve_power stops at ~1e-8; the root of its power function is tighter.
        f = lambda n: NormalIndPower().power(effect_size=d, nobs1=n, alpha=a, ratio=1,
                                             alternative=alt) - pw
        n = brentq(f, 1.0, 1e12, xtol=1e-10, rtol=1e-15)
        n_at = int(n * 0.7) + 1
        got = NormalIndPower().power(effect_size=d, nobs1=n_at, alpha=a, ratio=1,
                                     alternative=alt)
        emit(f"    {{{metric}, {sided}, {k}, {num(base)}, {num(sd)}, {num(mde)}, {num(alpha)}, "
             f"{num(pw)}, {num(n)}, {n_at}, {num(got)}}},")
    emit("};")
    emit()


# ---- allocation: wyhash final 4, independently written -------------------------------------------
M64 = (1 << 64) - 1
SECRET = [0xa0761d6478bd642f, 0xe7037ed1a0b428db, 0x8ebc6af09c88c6e3, 0x589965cc75374cc3]


def mum(a, b):
    r = a * b
    return r & M64, r >> 64


def mix(a, b):
    lo, hi = mum(a, b)
    return lo ^ hi


def r8(p, i):
    return int.from_bytes(p[i:i + 8], "little")


def r4(p, i):
    return int.from_bytes(p[i:i + 4], "little")


def wyhash(p, seed):
    n = len(p)
    seed ^= mix(seed ^ SECRET[0], SECRET[1])
    if n <= 16:
        if n >= 4:
            m = (n >> 3) << 2
            a = (r4(p, 0) << 32) | r4(p, m)
            b = (r4(p, n - 4) << 32) | r4(p, n - 4 - m)
        elif n > 0:
            a, b = (p[0] << 16) | (p[n >> 1] << 8) | p[n - 1], 0
        else:
            a = b = 0
    else:
        i, off = n, 0
        if i > 48:
            s1 = s2 = seed
            while True:
                seed = mix(r8(p, off) ^ SECRET[1], r8(p, off + 8) ^ seed)
                s1 = mix(r8(p, off + 16) ^ SECRET[2], r8(p, off + 24) ^ s1)
                s2 = mix(r8(p, off + 32) ^ SECRET[3], r8(p, off + 40) ^ s2)
                off += 48
                i -= 48
                if i <= 48:
                    break
            seed ^= s1 ^ s2
        while i > 16:
            seed = mix(r8(p, off) ^ SECRET[1], r8(p, off + 8) ^ seed)
            i -= 16
            off += 16
        a, b = r8(p, off + i - 16), r8(p, off + i - 8)
    a ^= SECRET[1]
    b ^= seed
    a, b = mum(a, b)
    return mix(a ^ SECRET[0] ^ n, b ^ SECRET[1])


def bucket(key, unit, seed_key=0):
    h = wyhash(unit.encode(), wyhash(key.encode(), seed_key))
    return (h >> 11) * 2.0**-53


def variant(b, weights, coverage=1.0):
    total, start = sum(weights), 0.0
    for i, w in enumerate(weights):
        share = w / total
        if start <= b < start + coverage * share:
            return i
        start += share
    if coverage >= 1:
        return max(i for i, w in enumerate(weights) if w > 0)
    return -1


def assign_cases():
    units = ["C000001", "C000002", "alice@example.com", "", "x",
             "a-much-longer-customer-identifier-with-more-than-48-bytes-0123456789",
             "C123456789012345"]
    keys = ["spring-sale-subject", "checkout-button", "k"]
    emit("static const struct assign_case {")
    emit("    const char *key, *unit;")
    emit("    double bucket;")
    emit("    int32_t v343333, v5050_cov30;")
    emit("} assign_cases[] = {")
    for k in keys:
        for u in units:
            b = bucket(k, u)
            emit(f"    {{\"{k}\", \"{u}\", {num(b)}, {variant(b, [34, 33, 33])}, "
                 f"{variant(b, [50, 50], 0.3)}}},")
    emit("};")
    emit()


def main():
    emit("/* Generated by tests/unit/abtest/make_expected.py with SciPy "
         f"{__import__('scipy').__version__} and statsmodels "
         f"{__import__('statsmodels').__version__}; do not edit. */")
    emit("#ifndef ABTEST_EXPECTED_H")
    emit("#define ABTEST_EXPECTED_H")
    emit("#include <math.h>")
    emit("#include <stdint.h>")
    emit('#include "libmarketing.h"')
    emit()
    distributions()
    welch_cases()
    ztest_cases()
    srm_cases()
    bayes_cases()
    sequential_cases()
    cuped_case()
    power_cases()
    assign_cases()
    emit("#endif")
    sys.stdout.write("\n".join(OUT) + "\n")


if __name__ == "__main__":
    main()
