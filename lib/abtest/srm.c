/* SPDX-License-Identifier: MIT */
/*
 * Sample ratio mismatch: Pearson's chi-square goodness of fit of the observed units against
 * the shares the configured weights promise, over the variants with a positive weight only
 * (a weight-0 variant expects nothing, and its units say nothing about the others' split):
 *   chi2 = sum (o_i - E_i)^2 / E_i,  E_i = N w_i / sum w,  df = (variants with w > 0) - 1.
 */
#include <math.h>

#include "abtest-private.h"

double mkt__srm_p(const uint64_t *observed, const double *weights, size_t n)
{
    double total = 0, wsum = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        double w = weights ? weights[i] : 1;
        if (w > 0) {
            total += (double)observed[i];
            wsum += w;
            k++;
        }
    }
    if (k < 2 || total == 0)
        return 1;
    double chi2 = 0;
    for (size_t i = 0; i < n; i++) {
        double w = weights ? weights[i] : 1;
        if (w > 0) {
            double e = total * w / wsum, d = (double)observed[i] - e;
            chi2 += d * d / e;
        }
    }
    return mkt__chi2_sf(chi2, (double)(k - 1));
}

MKT_EXPORT int mkt_abtest_srm(mkt_ctx *ctx, const uint64_t *observed, const double *weights,
                              size_t n, double *p_value)
{
    if (!ctx)
        return MKT_EINVAL;
    if (!observed || !p_value)
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_srm: NULL argument");
    if (n < MKT_ABTEST_MIN_VARIANTS || n > MKT_ABTEST_MAX_VARIANTS)
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_srm: %zu variants (need %d to %d)", n,
                          MKT_ABTEST_MIN_VARIANTS, MKT_ABTEST_MAX_VARIANTS);
    double wsum = 0;
    for (size_t i = 0; weights && i < n; i++) {
        if (!(weights[i] >= 0) || !isfinite(weights[i]))
            return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_srm: weight %zu (%g) is not a "
                                               "finite number >= 0", i, weights[i]);
        wsum += weights[i];
    }
    if (weights && !(wsum > 0))
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_srm: every weight is 0");
    *p_value = mkt__srm_p(observed, weights, n);
    return MKT_OK;
}
