/* SPDX-License-Identifier: MIT */
/*
 * Frequentist comparisons of one treatment with the control: the effect on the absolute or
 * relative scale with its standard error (delta method for the lift, as GrowthBook and Eppo
 * do), Welch's t-test with Welch-Satterthwaite degrees of freedom, and the classic pooled
 * two-proportion z-test. Degenerate data gives a defined row: an undefined standard error is
 * +inf (p = 1, infinite interval), a zero one makes the effect exact (p = 0 or 1).
 */
#include <math.h>

#include "abtest-private.h"

void mkt__arm_from(const mkt_abtest_stats *s, int32_t metric, struct mkt__arm *out,
                   int32_t *warnings)
{
    double n = (double)s->n;
    out->n = n;
    out->mean = s->n ? s->sum / n : 0;
    out->var = 0;
    if (s->n == 0) {
        *warnings |= MKT_ABTEST_W_NO_UNITS;
        return;
    }
    if (metric == MKT_ABTEST_PROPORTION) {
        out->var = out->mean * (1 - out->mean);
    } else if (s->n >= 2) {
        /* Clamped: rounding can make a zero variance slightly negative. */
        double v = (s->sum_squares - s->sum * out->mean) / (n - 1);
        out->var = v > 0 ? v : 0;
    }
    if (s->n == 1)
        *warnings |= MKT_ABTEST_W_FEW_UNITS;
}

void mkt__effect_of(const struct mkt__arm *c, const struct mkt__arm *t, int32_t scale,
                    struct mkt__effect *out, int32_t *warnings)
{
    out->effect = 0;
    out->se = INFINITY;
    out->df = 0;
    if (c->n < 1 || t->n < 1)
        return;
    double vc = c->var / c->n, vt = t->var / t->n;
    if (scale == MKT_ABTEST_RELATIVE) {
        if (c->mean == 0) {
            *warnings |= MKT_ABTEST_W_ZERO_CONTROL;
            return;
        }
        out->effect = t->mean / c->mean - 1;
    } else {
        out->effect = t->mean - c->mean;
    }
    if (c->n < 2 || t->n < 2)
        return; /* no variance estimate (proportions of one unit neither: no df) */
    if (vc + vt == 0) {
        *warnings |= MKT_ABTEST_W_ZERO_VARIANCE;
        out->se = 0;
        out->df = c->n + t->n - 2;
        return;
    }
    out->df = (vc + vt) * (vc + vt) /
              (vc * vc / (c->n - 1) + vt * vt / (t->n - 1));
    if (scale == MKT_ABTEST_RELATIVE) {
        /* Var(mt/mc) ~ vt/mc^2 + mt^2 vc/mc^4 (first-order Taylor expansion). */
        double m2 = c->mean * c->mean;
        out->se = sqrt(vt / m2 + t->mean * t->mean * vc / (m2 * m2));
    } else {
        out->se = sqrt(vc + vt);
    }
}

double mkt__p_value(double stat, double df, int32_t sided)
{
    if (sided == MKT_ABTEST_GREATER)
        return mkt__t_sf(stat, df);
    if (sided == MKT_ABTEST_LESS)
        return mkt__t_cdf(stat, df);
    double p = 2 * mkt__t_sf(fabs(stat), df);
    return p > 1 ? 1 : p;
}

/* effect, se, statistic, p-value and interval from an estimate and a quantile function. */
static void fill_test(mkt_abtest_result *r, const struct mkt__effect *e, double df,
                      const mkt_abtest_options *o)
{
    r->effect = e->effect;
    r->se = e->se;
    if (isinf(e->se)) {
        r->statistic = 0;
        r->p_value = 1;
        r->ci_low = -INFINITY;
        r->ci_high = INFINITY;
        return;
    }
    if (e->se == 0) {
        r->statistic = e->effect == 0 ? 0 : copysign(INFINITY, e->effect);
        r->p_value = e->effect == 0 ? 1 : mkt__p_value(r->statistic, df, o->sided);
        r->ci_low = o->sided == MKT_ABTEST_LESS ? -INFINITY : e->effect;
        r->ci_high = o->sided == MKT_ABTEST_GREATER ? INFINITY : e->effect;
        return;
    }
    r->statistic = e->effect / e->se;
    r->p_value = mkt__p_value(r->statistic, df, o->sided);
    double a = o->sided == MKT_ABTEST_TWO_SIDED ? o->alpha / 2 : o->alpha;
    double q = mkt__t_ppf(1 - a, df) * e->se;
    r->ci_low = o->sided == MKT_ABTEST_LESS ? -INFINITY : e->effect - q;
    r->ci_high = o->sided == MKT_ABTEST_GREATER ? INFINITY : e->effect + q;
}

void mkt__welch(const struct mkt__arm *c, const struct mkt__arm *t,
                const mkt_abtest_options *o, mkt_abtest_result *r)
{
    struct mkt__effect e;
    mkt__effect_of(c, t, o->effect, &e, &r->warnings);
    fill_test(r, &e, e.df > 0 ? e.df : INFINITY, o);
    r->df = e.df;
}

void mkt__ztest(const mkt_abtest_stats *c, const mkt_abtest_stats *t,
                const mkt_abtest_options *o, mkt_abtest_result *r)
{
    struct mkt__arm ac, at;
    mkt__arm_from(c, MKT_ABTEST_PROPORTION, &ac, &r->warnings);
    mkt__arm_from(t, MKT_ABTEST_PROPORTION, &at, &r->warnings);
    struct mkt__effect e;
    mkt__effect_of(&ac, &at, o->effect, &e, &r->warnings);
    /* The interval uses the unpooled SE of the effect; the test statistic the pooled one. */
    fill_test(r, &e, INFINITY, o);
    r->df = NAN;
    if (!c->n || !t->n)
        return;
    double pool = (c->sum + t->sum) / ((double)c->n + (double)t->n);
    double se0 = sqrt(pool * (1 - pool) * (1 / (double)c->n + 1 / (double)t->n));
    double diff = at.mean - ac.mean;
    if (se0 == 0) {
        r->warnings |= MKT_ABTEST_W_ZERO_VARIANCE;
        r->statistic = 0;
        r->p_value = 1;
        return;
    }
    r->statistic = diff / se0;
    r->p_value = mkt__p_value(r->statistic, INFINITY, o->sided);
}
