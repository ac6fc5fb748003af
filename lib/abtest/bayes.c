/* SPDX-License-Identifier: MIT */
/*
 * Bayesian comparison (GrowthBook's "effect" engine): the effect estimate and its standard
 * error are a normal likelihood; with a flat prior the posterior is N(effect, se^2), with a
 * normal prior N(m0, v0) it is the precision-weighted combination. From the posterior N(mu,
 * s^2): chance to win P(delta > 0) = Phi(mu/s), the central credible interval, and the expected
 * loss of each choice, E[max(delta, 0)] = s phi(mu/s) + mu Phi(mu/s) for keeping the control
 * and E[max(-delta, 0)] = s phi(mu/s) - mu Phi(-mu/s) for shipping the treatment. "Better" is
 * lower for MKT_ABTEST_LESS, so delta is negated there. For proportions the exact chance under
 * Beta(1, 1) priors is added: Evan Miller's closed form
 *   P(pB > pA) = sum_{i=0}^{aB-1} B(aA + i, bA + bB) / ((bB + i) B(1 + i, bB) B(aA, bA)),
 * summed in logs over the smaller of the two success counts (P(pA > pB) = 1 - P(pB > pA)).
 */
#include <math.h>

#include "abtest-private.h"

static double miller_sum(double aa, double ba, double ab, double bb)
{
    double total = 0, base = -mkt__lbeta(aa, ba);
    for (double i = 0; i < ab; i++)
        total += exp(mkt__lbeta(aa + i, ba + bb) - log(bb + i) - mkt__lbeta(1 + i, bb) + base);
    return total;
}

double mkt__beta_chance(uint64_t ca, uint64_t na, uint64_t cb, uint64_t nb)
{
    double aa = 1 + (double)ca, ba = 1 + (double)(na - ca);
    double ab = 1 + (double)cb, bb = 1 + (double)(nb - cb);
    double p = ab <= aa ? miller_sum(aa, ba, ab, bb) : 1 - miller_sum(ab, bb, aa, ba);
    return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* Posterior N(mu, s^2) of the effect from the estimate and the prior of the options. */
static void posterior(const struct mkt__effect *e, const mkt_abtest_options *o, double *mu,
                      double *s)
{
    if (!o->prior_normal) {
        *mu = e->effect;
        *s = e->se;
        return;
    }
    if (isinf(e->se)) { /* no information in the data: the prior */
        *mu = o->prior_mean;
        *s = sqrt(o->prior_variance);
        return;
    }
    if (e->se == 0) { /* exact data overrides any prior */
        *mu = e->effect;
        *s = 0;
        return;
    }
    double prec = 1 / o->prior_variance + 1 / (e->se * e->se);
    *mu = (o->prior_mean / o->prior_variance + e->effect / (e->se * e->se)) / prec;
    *s = sqrt(1 / prec);
}

void mkt__bayes(const struct mkt__arm *c, const struct mkt__arm *t,
                const mkt_abtest_options *o, mkt_abtest_result *r)
{
    struct mkt__effect e;
    mkt__effect_of(c, t, o->effect, &e, &r->warnings);
    double mu, s;
    posterior(&e, o, &mu, &s);
    r->effect = mu;
    r->se = s;
    double sign = o->sided == MKT_ABTEST_LESS ? -1 : 1, m = sign * mu; /* m: gain if shipped */
    if (isinf(s)) {
        r->chance_to_win = 0.5;
        r->ci_low = -INFINITY;
        r->ci_high = INFINITY;
        r->risk_control = r->risk_treatment = INFINITY;
        return;
    }
    if (s == 0) {
        r->chance_to_win = m > 0 ? 1 : m < 0 ? 0 : 0.5;
        r->ci_low = r->ci_high = mu;
        r->risk_control = m > 0 ? m : 0;
        r->risk_treatment = m < 0 ? -m : 0;
        return;
    }
    double z = m / s, q = mkt__norm_ppf(1 - o->alpha / 2) * s;
    r->chance_to_win = mkt__norm_cdf(z);
    r->ci_low = mu - q;
    r->ci_high = mu + q;
    r->risk_control = s * mkt__norm_pdf(z) + m * mkt__norm_cdf(z);
    r->risk_treatment = s * mkt__norm_pdf(z) - m * mkt__norm_sf(z);
}

MKT_EXPORT int mkt_abtest_beta_chance(mkt_ctx *ctx, uint64_t control_conversions,
                                      uint64_t control_n, uint64_t treatment_conversions,
                                      uint64_t treatment_n, double *chance)
{
    if (!ctx)
        return MKT_EINVAL;
    if (!chance)
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_beta_chance: NULL argument");
    if (control_conversions > control_n || treatment_conversions > treatment_n)
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_beta_chance: more conversions than "
                                           "units");
    *chance = mkt__beta_chance(control_conversions, control_n, treatment_conversions,
                               treatment_n);
    return MKT_OK;
}
