# SPDX-License-Identifier: MIT
"""A/B testing (abtest.h): deterministic assignment of units to variants, and the statistics
of an experiment from per-variant sufficient statistics (frequentist, Bayesian, sequential),
sample ratio mismatch, Holm / Benjamini-Hochberg, CUPED, power and sample size, the decision.

Every function takes an optional ``ctx`` (a :class:`Context`, used for error messages); without
one a short-lived context is made for the call. Pass one when calling in a loop (assignment of
many units). Columns the chosen method does not define are ``None``. doc/abtest.md has the
formulas; variant 0 is the control.

    import libmarketing as mkt

    res = mkt.abtest.analyze([(20000, 300), (20000, 345)], metric="proportion")
    print(res.rows[1].effect, res.rows[1].p_value, res.decision)
    print(mkt.abtest.assign("checkout-button", "C000123", [50, 50]).variant)
"""

import contextlib
import ctypes
import dataclasses
import enum
import math

from . import _lib, errors


class Metric(enum.IntEnum):
    MEAN = 1
    PROPORTION = 2


class Method(enum.IntEnum):
    WELCH = 1
    ZTEST = 2
    BAYES = 3
    SEQUENTIAL = 4


class Effect(enum.IntEnum):
    RELATIVE = 1
    ABSOLUTE = 2


class Sided(enum.IntEnum):
    TWO = 1
    GREATER = 2
    LESS = 3


class Correction(enum.IntEnum):
    NONE = 0
    HOLM = 1
    BH = 2


class Reason(enum.IntEnum):
    ASSIGNED = 0
    NOT_COVERED = 1
    HOLDOUT = 2
    OUT_OF_NAMESPACE = 3


class Decision(enum.IntEnum):
    WINNER = 1
    NO_WINNER_YET = 2
    NO_DIFFERENCE = 3
    INVALID_SRM = 4


class Warnings(enum.IntFlag):  # mkt_abtest_warning bits
    NO_UNITS = 1
    FEW_UNITS = 2
    ZERO_VARIANCE = 4
    ZERO_CONTROL = 8
    SRM = 16


MAX_VARIANTS = 26


@dataclasses.dataclass(frozen=True)
class Assignment:
    variant: object  # int, or None when not in the experiment
    reason: Reason
    bucket: float


@dataclasses.dataclass(frozen=True)
class Row:
    """One variant of an analysis (row 0, the control, has only n, mean and variance)."""
    n: int
    mean: float
    variance: float
    effect: object
    se: object
    ci_low: object
    ci_high: object
    statistic: object
    df: object
    p_value: object
    p_adjusted: object
    chance_to_win: object
    chance_to_win_exact: object
    risk_control: object
    risk_treatment: object
    significant: int
    warnings: Warnings


@dataclasses.dataclass(frozen=True)
class Analysis:
    rows: list
    srm_p_value: float
    srm: bool
    decision: Decision
    winner: object  # variant index, or None
    warnings: Warnings


@dataclasses.dataclass(frozen=True)
class CupedStats:
    """Per-variant statistics of the metric y and its pre-experiment covariate x."""
    n: int
    sum: float
    sum_squares: float
    x_sum: float
    x_sum_squares: float
    xy_sum: float


def _enum(cls, value, what):
    if isinstance(value, str):
        try:
            return cls[value.upper()]
        except KeyError:
            names = ", ".join(m.name.lower() for m in cls)
            raise errors.InvalidArgument(f"{what} must be one of {names}, not {value!r}",
                                         _lib.MKT_EINVAL) from None
    return int(value)  # C checks the value


@contextlib.contextmanager
def _context(ctx):
    if ctx is not None:
        yield ctx
        return
    from .context import Context
    with Context() as c:
        yield c


def _doubles(values, what):
    values = [float(v) for v in values]
    if len(values) > MAX_VARIANTS:
        raise errors.InvalidArgument(f"{what}: at most {MAX_VARIANTS} values", _lib.MKT_EINVAL)
    return (ctypes.c_double * max(len(values), 1))(*values), len(values)


def bucket(key, unit):
    """The unit's bucket in [0, 1) for ``key`` (``mkt_abtest_bucket``): the library's fixed
    wyhash, the same in C, Python and Go."""
    k, u = _lib.enc(key), _lib.enc(unit)
    return _lib.lib().mkt_abtest_bucket(k, len(k), u, len(u))


def assign(experiment, unit, weights, *, coverage=1.0, holdout=0.0, holdout_key=None,
           namespace=None, namespace_range=(0.0, 1.0), ctx=None):
    """The variant of ``unit`` in ``experiment`` for traffic ``weights`` (2..26 numbers >= 0,
    any scale) (``mkt_abtest_assign``). ``variant`` is None when the unit is outside the
    coverage, held out, or outside the experiment's ``namespace_range`` of ``namespace``."""
    opts = _lib.new_struct(_lib.AbtestAssignOptions)
    _lib.lib().mkt_abtest_assign_options_init(ctypes.byref(opts))
    opts.coverage, opts.holdout = float(coverage), float(holdout)
    opts.holdout_key = _lib.enc_opt(holdout_key)
    opts.namespace_key = _lib.enc_opt(namespace)
    opts.namespace_start, opts.namespace_end = (float(x) for x in namespace_range)
    w, nw = _doubles(weights, "weights")
    key, u = _lib.enc(experiment), _lib.enc(unit)
    out = _lib.AbtestAssignment()
    with _context(ctx) as c:
        c._call(_lib.lib().mkt_abtest_assign, c._ptr(), key, u, len(u), w, nw,
                ctypes.byref(opts), ctypes.byref(out))
    return Assignment(out.variant if out.variant >= 0 else None, Reason(out.reason),
                      out.bucket)


def _stats_array(stats):
    """(n, sum[, sum_squares]) tuples or objects with those attributes."""
    items = []
    for s in stats:
        if isinstance(s, (tuple, list)):
            n, total, squares = (list(s) + [0.0])[:3]
        else:
            n, total, squares = s.n, s.sum, getattr(s, "sum_squares", 0.0)
        items.append(_lib.AbtestStats(int(n), float(total), float(squares)))
    if len(items) > MAX_VARIANTS:
        raise errors.InvalidArgument(f"at most {MAX_VARIANTS} variants", _lib.MKT_EINVAL)
    return (_lib.AbtestStats * max(len(items), 1))(*items), len(items)


def _opt(x):
    return None if math.isnan(x) else x


def _row(r, control):
    keep = lambda x: _opt(x)  # noqa: E731
    return Row(r.n, r.mean, r.variance, keep(r.effect), keep(r.se), keep(r.ci_low),
               keep(r.ci_high), keep(r.statistic), keep(r.df), keep(r.p_value),
               keep(r.p_adjusted), keep(r.chance_to_win), keep(r.chance_to_win_exact),
               keep(r.risk_control), keep(r.risk_treatment),
               0 if control else r.significant, Warnings(r.warnings))


def analyze(stats, *, metric="mean", method="welch", effect="relative", alpha=0.05,
            sided="two", correction="none", prior_mean=None, prior_variance=None,
            tuning=5000.0, weights=None, srm_threshold=0.001, target_n=0, ctx=None):
    """Compare every variant with ``stats[0]`` (``mkt_abtest_analyze``). ``stats`` are
    ``(n, sum, sum_squares)`` tuples (sum_squares may be left out for proportions) or
    objects with those attributes. Giving ``prior_mean`` or ``prior_variance`` selects the
    normal prior of the Bayesian method (defaults 0 and 1)."""
    arr, n = _stats_array(stats)
    opts = _lib.new_struct(_lib.AbtestOptions)
    _lib.lib().mkt_abtest_options_init(ctypes.byref(opts))
    opts.metric = _enum(Metric, metric, "metric")
    opts.method = _enum(Method, method, "method")
    opts.effect = _enum(Effect, effect, "effect")
    opts.sided = _enum(Sided, sided, "sided")
    opts.correction = _enum(Correction, correction, "correction")
    opts.alpha, opts.tuning = float(alpha), float(tuning)
    opts.srm_threshold = float(srm_threshold)
    opts.target_n = int(target_n)
    if prior_mean is not None or prior_variance is not None:
        opts.prior_normal = 1
        opts.prior_mean = 0.0 if prior_mean is None else float(prior_mean)
        opts.prior_variance = 1.0 if prior_variance is None else float(prior_variance)
    w = None
    if weights is not None:
        w, nw = _doubles(weights, "weights")
        if nw != n:
            raise errors.InvalidArgument(f"{nw} weights for {n} variants", _lib.MKT_EINVAL)
        opts.weights = w
    rows = (_lib.AbtestResult * max(n, 1))()
    _lib.lib().mkt_abtest_results_init(rows, n)
    summary = _lib.new_struct(_lib.AbtestSummary)
    with _context(ctx) as c:
        c._call(_lib.lib().mkt_abtest_analyze, c._ptr(), arr, n, ctypes.byref(opts), rows,
                ctypes.byref(summary))
    del w  # kept alive until here: opts.weights points into it
    return Analysis([_row(rows[i], i == 0) for i in range(n)], summary.srm_p_value,
                    bool(summary.srm), Decision(summary.decision),
                    summary.winner if summary.winner >= 0 else None, Warnings(summary.warnings))


def srm(observed, weights=None, *, ctx=None):
    """Sample-ratio-mismatch p-value of ``observed`` unit counts against ``weights`` (default
    equal; weight-0 variants are left out) (``mkt_abtest_srm``)."""
    obs = [int(x) for x in observed]
    arr = (ctypes.c_uint64 * max(len(obs), 1))(*obs)
    w = None
    if weights is not None:
        w, nw = _doubles(weights, "weights")
        if nw != len(obs):
            raise errors.InvalidArgument(f"{nw} weights for {len(obs)} counts", _lib.MKT_EINVAL)
    out = ctypes.c_double()
    with _context(ctx) as c:
        c._call(_lib.lib().mkt_abtest_srm, c._ptr(), arr, w, len(obs), ctypes.byref(out))
    return out.value


def adjust(p_values, method="holm", *, ctx=None):
    """Holm-Bonferroni (``"holm"``) or Benjamini-Hochberg (``"bh"``) adjusted p-values, in
    the input order (``mkt_abtest_adjust``)."""
    p = [float(x) for x in p_values]
    arr = (ctypes.c_double * max(len(p), 1))(*p)
    out = (ctypes.c_double * max(len(p), 1))()
    with _context(ctx) as c:
        c._call(_lib.lib().mkt_abtest_adjust, c._ptr(), arr, len(p),
                _enum(Correction, method, "method"), out)
    return list(out)[:len(p)]


def beta_chance(control_conversions, control_n, treatment_conversions, treatment_n, *,
                ctx=None):
    """Exact P(p_treatment > p_control) under Beta(1, 1) priors (``mkt_abtest_beta_chance``)."""
    out = ctypes.c_double()
    with _context(ctx) as c:
        c._call(_lib.lib().mkt_abtest_beta_chance, c._ptr(), int(control_conversions),
                int(control_n), int(treatment_conversions), int(treatment_n),
                ctypes.byref(out))
    return out.value


def cuped(stats, *, ctx=None):
    """CUPED-adjusted ``(n, sum, sum_squares)`` per variant and theta from
    :class:`CupedStats` (or 6-tuples in its field order) (``mkt_abtest_cuped``); analyse the
    result with :func:`analyze`."""
    items = [s if isinstance(s, CupedStats) else CupedStats(*s) for s in stats]
    if len(items) > MAX_VARIANTS:
        raise errors.InvalidArgument(f"at most {MAX_VARIANTS} variants", _lib.MKT_EINVAL)
    arr = (_lib.AbtestCupedStats * max(len(items), 1))(*(
        _lib.AbtestCupedStats(int(s.n), float(s.sum), float(s.sum_squares), float(s.x_sum),
                              float(s.x_sum_squares), float(s.xy_sum)) for s in items))
    out = (_lib.AbtestStats * max(len(items), 1))()
    theta = ctypes.c_double()
    with _context(ctx) as c:
        c._call(_lib.lib().mkt_abtest_cuped, c._ptr(), arr, len(items), out,
                ctypes.byref(theta))
    return [(out[i].n, out[i].sum, out[i].sum_squares) for i in range(len(items))], theta.value


def _plan(baseline, mde, alpha, power, variants, metric, stddev, sided):
    o = _lib.new_struct(_lib.AbtestPlanOptions)
    _lib.lib().mkt_abtest_plan_options_init(ctypes.byref(o))
    o.metric = _enum(Metric, metric, "metric")
    o.sided = _enum(Sided, sided, "sided")
    o.baseline, o.mde = float(baseline), float(mde)
    o.alpha, o.power = float(alpha), float(power)
    o.stddev = 0.0 if stddev is None else float(stddev)
    o.variants = int(variants)
    return o


def sample_size(baseline, mde, *, alpha=0.05, power=0.8, variants=2, metric="proportion",
                stddev=None, sided="two", ctx=None):
    """Units per variant to detect the relative effect ``mde`` on ``baseline`` (a conversion
    rate, or a mean with ``stddev``) (``mkt_abtest_sample_size``); alpha is split over the
    ``variants - 1`` comparisons (Bonferroni)."""
    o = _plan(baseline, mde, alpha, power, variants, metric, stddev, sided)
    n = ctypes.c_uint64()
    with _context(ctx) as c:
        c._call(_lib.lib().mkt_abtest_sample_size, c._ptr(), ctypes.byref(o), ctypes.byref(n),
                None)
    return n.value


def power(baseline, mde, units_per_variant, *, alpha=0.05, variants=2, metric="proportion",
          stddev=None, sided="two", ctx=None):
    """Power of a design with ``units_per_variant`` units per variant (``mkt_abtest_power``),
    e.g. the achieved power of a finished test."""
    o = _plan(baseline, mde, alpha, 0.8, variants, metric, stddev, sided)
    out = ctypes.c_double()
    with _context(ctx) as c:
        c._call(_lib.lib().mkt_abtest_power, c._ptr(), ctypes.byref(o), int(units_per_variant),
                ctypes.byref(out))
    return out.value
