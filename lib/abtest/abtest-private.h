/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the A/B testing module: the distributions (dist.c), the per-comparison
 * statistics (freq.c, bayes.c, seq.c), the decision (decide.c) and argument checks shared by
 * the public entry points. Nothing here is exported.
 */
#ifndef MKT_ABTEST_PRIVATE_H
#define MKT_ABTEST_PRIVATE_H

#include "core/core-private.h"
#include "libmarketing/abtest.h"

/* ---- distributions (dist.c): libm only, ~1e-13 relative in both tails ------------------- */
double mkt__lbeta(double a, double b);
double mkt__norm_pdf(double x);
double mkt__norm_cdf(double x);
double mkt__norm_sf(double x);
/* Quantile of the standard normal; -inf for p = 0, +inf for p = 1, NaN outside [0, 1]. */
double mkt__norm_ppf(double p);
/* Regularised incomplete gamma P(a, x) and Q(a, x) = 1 - P(a, x), a > 0, x >= 0. */
double mkt__gamma_p(double a, double x);
double mkt__gamma_q(double a, double x);
double mkt__chi2_cdf(double x, double k);
double mkt__chi2_sf(double x, double k);
double mkt__chi2_ppf(double p, double k);
/* Regularised incomplete beta I_x(a, b) and its complement, a, b > 0, x in [0, 1]. */
double mkt__beta_cdf(double x, double a, double b);
double mkt__beta_sf(double x, double a, double b);
double mkt__beta_ppf(double p, double a, double b);
/* Student t with df > 0 degrees of freedom (df = +inf is the normal). */
double mkt__t_cdf(double t, double df);
double mkt__t_sf(double t, double df);
double mkt__t_ppf(double p, double df);

/* ---- one comparison ----------------------------------------------------------------------- */
/* Mean and variance of one variant as the metric defines them (0 when undefined). */
struct mkt__arm {
    double n, mean, var;
};
void mkt__arm_from(const mkt_abtest_stats *s, int32_t metric, struct mkt__arm *out,
                   int32_t *warnings);

/* The effect estimate and its standard error on the requested scale (freq.c). se is +inf
 * when the data cannot define it (n < 2, control mean 0 for a relative effect). */
struct mkt__effect {
    double effect, se, df;
};
void mkt__effect_of(const struct mkt__arm *c, const struct mkt__arm *t, int32_t scale,
                    struct mkt__effect *out, int32_t *warnings);

/* Fill one treatment row (effect, se, ci, statistic, df, p_value) for each method. */
void mkt__welch(const struct mkt__arm *c, const struct mkt__arm *t,
                const mkt_abtest_options *o, mkt_abtest_result *r);
void mkt__ztest(const mkt_abtest_stats *c, const mkt_abtest_stats *t,
                const mkt_abtest_options *o, mkt_abtest_result *r);
void mkt__bayes(const struct mkt__arm *c, const struct mkt__arm *t,
                const mkt_abtest_options *o, mkt_abtest_result *r);
void mkt__sequential(const struct mkt__arm *c, const struct mkt__arm *t,
                     const mkt_abtest_options *o, mkt_abtest_result *r);
/* Exact Beta-Binomial chance, arguments already checked. */
double mkt__beta_chance(uint64_t ca, uint64_t na, uint64_t cb, uint64_t nb);
/* Holm / BH on @n values in place of @out (which may alias @p); @p checked. */
void mkt__adjust(const double *p, size_t n, int32_t method, double *out, size_t *order);
/* Chi-square goodness-of-fit p-value; arguments checked. */
double mkt__srm_p(const uint64_t *observed, const double *weights, size_t n);

/* The decision from analysed rows, marking each row significant or not (decide.c). */
void mkt__decide(mkt_abtest_result *const *rows, size_t n, const mkt_abtest_options *o,
                 mkt_abtest_summary *s);

/* p-value of a standard-normal (df = inf) or t statistic under the alternative @sided. */
double mkt__p_value(double stat, double df, int32_t sided);

#endif /* MKT_ABTEST_PRIVATE_H */
