/* SPDX-License-Identifier: MIT */
/*
 * Sequential testing with asymptotic confidence sequences (Waudby-Smith, Arnold, Wu, Wang and
 * Ramdas, "Time-uniform central limit theory and asymptotic confidence sequences",
 * arXiv:2103.06476, 2021; the normal-mixture boundary of their Theorem 2.2, with the mixing
 * parameter rho of eq. (161) chosen for a sample size of `tuning`, as GrowthBook does with a
 * default of 5000). With N = n_c + n_t units and s^2 = N se^2 (the per-unit variance of the
 * effect estimate), the half-width at level alpha is
 *   h(alpha) = s sqrt( 2 (N rho^2 + 1) / (N^2 rho^2) * ln( sqrt(N rho^2 + 1) / alpha ) ),
 *   rho^2    = (-2 ln alpha + ln(-2 ln alpha + 1)) / tuning.
 * The interval effect +- h is valid at every N at once, so results may be read at any time.
 * The always-valid p-value is the smallest alpha' whose sequence (rho kept at the configured
 * alpha) excludes 0: h(alpha') = |effect| solves in closed form to
 *   p = min(1, sqrt(N rho^2 + 1) exp(-effect^2 N^2 rho^2 / (2 s^2 (N rho^2 + 1)))).
 * One-sided tests use the two-sided sequence at 2 alpha (its one bound holds at level alpha)
 * and halve the p-value when the effect points the tested way (1 otherwise).
 */
#include <math.h>

#include "abtest-private.h"

static double rho2(double alpha, double tuning)
{
    double l = -2 * log(alpha);
    return (l + log(l + 1)) / tuning;
}

void mkt__sequential(const struct mkt__arm *c, const struct mkt__arm *t,
                     const mkt_abtest_options *o, mkt_abtest_result *r)
{
    struct mkt__effect e;
    mkt__effect_of(c, t, o->effect, &e, &r->warnings);
    r->effect = e.effect;
    r->se = e.se;
    int one = o->sided != MKT_ABTEST_TWO_SIDED;
    double alpha = one ? 2 * o->alpha : o->alpha;
    if (alpha >= 1)
        alpha = 1 - 1e-12; /* one-sided alpha >= 0.5: the widest sensible sequence */
    double towards = o->sided == MKT_ABTEST_LESS ? -e.effect : e.effect;
    if (isinf(e.se) || e.se == 0) {
        int zero = e.se == 0;
        r->p_value = zero && e.effect != 0 && (!one || towards > 0) ? 0 : 1;
        r->ci_low = zero ? e.effect : -INFINITY;
        r->ci_high = zero ? e.effect : INFINITY;
    } else {
        double n = c->n + t->n, rr = rho2(alpha, o->tuning), s2 = e.se * e.se * n;
        double k = 2 * (n * rr + 1) / (n * n * rr);
        double h = sqrt(s2 * k * log(sqrt(n * rr + 1) / alpha));
        double p = sqrt(n * rr + 1) * exp(-e.effect * e.effect / (s2 * k));
        p = p > 1 ? 1 : p;
        r->p_value = one ? (towards > 0 ? p / 2 : 1) : p;
        r->ci_low = e.effect - h;
        r->ci_high = e.effect + h;
    }
    if (o->sided == MKT_ABTEST_GREATER)
        r->ci_high = INFINITY;
    else if (o->sided == MKT_ABTEST_LESS)
        r->ci_low = -INFINITY;
}
