/* SPDX-License-Identifier: MIT */
/*
 * CUPED (Deng, Xu, Kohavi and Walker, WSDM 2013): y' = y - theta (x - mean(x)) with
 * theta = cov(x, y) / var(x) pooled over every variant (one theta for all arms keeps the
 * estimator unbiased). From sufficient statistics, with m = pooled mean of x:
 *   sum y'   = sum y - theta (sum x - n m)
 *   sum y'^2 = sum y^2 - 2 theta (sum xy - m sum y) + theta^2 (sum x^2 - 2 m sum x + n m^2).
 */
#include <math.h>

#include "abtest-private.h"

static int check(mkt_ctx *ctx, const mkt_abtest_cuped_stats *in, size_t n)
{
    if (n < MKT_ABTEST_MIN_VARIANTS || n > MKT_ABTEST_MAX_VARIANTS)
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_cuped: %zu variants (need %d to %d)", n,
                          MKT_ABTEST_MIN_VARIANTS, MKT_ABTEST_MAX_VARIANTS);
    for (size_t i = 0; i < n; i++) {
        const mkt_abtest_cuped_stats *s = &in[i];
        if (!isfinite(s->sum) || !isfinite(s->sum_squares) || !isfinite(s->x_sum) ||
            !isfinite(s->x_sum_squares) || !isfinite(s->xy_sum) || s->sum_squares < 0 ||
            s->x_sum_squares < 0)
            return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_cuped: variant %zu has a "
                                               "non-finite or negative sum", i);
    }
    return MKT_OK;
}

MKT_EXPORT int mkt_abtest_cuped(mkt_ctx *ctx, const mkt_abtest_cuped_stats *in, size_t n,
                                mkt_abtest_stats *out, double *theta)
{
    if (!ctx)
        return MKT_EINVAL;
    if (!in || !out)
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_cuped: NULL argument");
    int rc = check(ctx, in, n);
    if (rc)
        return rc;
    double N = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        N += (double)in[i].n;
        sx += in[i].x_sum;
        sy += in[i].sum;
        sxx += in[i].x_sum_squares;
        sxy += in[i].xy_sum;
    }
    double m = N > 0 ? sx / N : 0, th = 0;
    if (N >= 2) {
        double varx = sxx - sx * m, cov = sxy - sy * m; /* both times (N - 1) */
        th = varx > 0 ? cov / varx : 0;
    }
    for (size_t i = 0; i < n; i++) {
        const mkt_abtest_cuped_stats *s = &in[i];
        double cn = (double)s->n;
        double ss = s->sum_squares - 2 * th * (s->xy_sum - m * s->sum) +
                    th * th * (s->x_sum_squares - 2 * m * s->x_sum + cn * m * m);
        out[i].n = s->n;
        out[i].sum = s->sum - th * (s->x_sum - cn * m);
        out[i].sum_squares = ss > 0 ? ss : 0;
    }
    if (theta)
        *theta = th;
    return MKT_OK;
}
