/* SPDX-License-Identifier: MIT */
/*
 * Power and sample size of a treatment-vs-control comparison (normal approximation, unpooled
 * variances, equal group sizes), the same model as statsmodels' NormalIndPower with effect
 * size d = delta / (sd_pair / sqrt 2):
 *   proportion: p1 = baseline, p2 = baseline (1 + mde), sd_pair^2 = p1 (1 - p1) + p2 (1 - p2)
 *   mean:       delta = |baseline mde|,                  sd_pair^2 = 2 stddev^2
 *   power(n) = Phi(delta sqrt(n) / sd_pair - z) + Phi(-delta sqrt(n) / sd_pair - z)
 * with z = z_{1 - a/2} (two-sided; the second term is the far tail) or z_{1 - a} and no second
 * term (one-sided). With k variants each of the k - 1 comparisons gets a = alpha / (k - 1)
 * (Bonferroni), so the family-wise error stays at alpha. Sample size: the real root of
 * power(n) = target by bisection (power grows with n), rounded up.
 */
#include <math.h>
#include <string.h>

#include "abtest-private.h"

struct plan {
    double delta, sd, z;
    int two;
};

static int setup(mkt_ctx *ctx, const char *fn, const mkt_abtest_plan_options *in,
                 mkt_abtest_plan_options *o, struct plan *p)
{
    mkt_abtest_plan_options_init(o);
    if (in) {
        if (in->struct_size < sizeof(size_t))
            return mkt__error(ctx, MKT_EINVAL, "%s: bad struct_size", fn);
        memcpy(o, in, in->struct_size < sizeof *o ? in->struct_size : sizeof *o);
        o->struct_size = sizeof *o;
    }
    if (o->metric != MKT_ABTEST_MEAN && o->metric != MKT_ABTEST_PROPORTION)
        return mkt__error(ctx, MKT_EINVAL, "%s: unknown metric %d", fn, (int)o->metric);
    if (o->sided < MKT_ABTEST_TWO_SIDED || o->sided > MKT_ABTEST_LESS)
        return mkt__error(ctx, MKT_EINVAL, "%s: unknown sided %d", fn, (int)o->sided);
    if (!(o->alpha > 0 && o->alpha < 1) || !(o->power > o->alpha && o->power < 1))
        return mkt__error(ctx, MKT_EINVAL, "%s: alpha must be in (0, 1) and power in "
                                           "(alpha, 1)", fn);
    if (o->variants < MKT_ABTEST_MIN_VARIANTS || o->variants > MKT_ABTEST_MAX_VARIANTS)
        return mkt__error(ctx, MKT_EINVAL, "%s: %d variants (need %d to %d)", fn,
                          (int)o->variants, MKT_ABTEST_MIN_VARIANTS, MKT_ABTEST_MAX_VARIANTS);
    if (!isfinite(o->mde) || o->mde == 0 || !isfinite(o->baseline) || o->baseline == 0)
        return mkt__error(ctx, MKT_EINVAL, "%s: baseline and mde must be finite and not 0", fn);
    double b = o->baseline, b2 = b * (1 + o->mde);
    if (o->metric == MKT_ABTEST_PROPORTION) {
        if (!(b > 0 && b < 1) || !(b2 > 0 && b2 < 1))
            return mkt__error(ctx, MKT_EINVAL, "%s: the baseline (%g) and the baseline with "
                                               "the effect (%g) must be in (0, 1)", fn, b, b2);
        p->sd = sqrt(b * (1 - b) + b2 * (1 - b2));
    } else {
        if (!(o->stddev > 0) || !isfinite(o->stddev))
            return mkt__error(ctx, MKT_EINVAL, "%s: stddev must be a finite number > 0", fn);
        p->sd = o->stddev * M_SQRT2;
    }
    p->delta = fabs(b2 - b);
    p->two = o->sided == MKT_ABTEST_TWO_SIDED;
    double a = o->alpha / (o->variants - 1);
    p->z = -mkt__norm_ppf(p->two ? a / 2 : a);
    return MKT_OK;
}

static double power_at(const struct plan *p, double n)
{
    double shift = p->delta * sqrt(n) / p->sd;
    double pw = mkt__norm_cdf(shift - p->z);
    if (p->two)
        pw += mkt__norm_cdf(-shift - p->z);
    return pw;
}

MKT_EXPORT int mkt_abtest_plan_options_init(mkt_abtest_plan_options *opts)
{
    if (!opts)
        return MKT_EINVAL;
    *opts = (mkt_abtest_plan_options)MKT_ABTEST_PLAN_OPTIONS_INIT;
    return MKT_OK;
}

MKT_EXPORT int mkt_abtest_power(mkt_ctx *ctx, const mkt_abtest_plan_options *opts,
                                uint64_t n_per_variant, double *power)
{
    if (!ctx)
        return MKT_EINVAL;
    if (!power)
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_power: NULL argument");
    if (n_per_variant == 0)
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_power: no units");
    mkt_abtest_plan_options o;
    struct plan p = {0, 0, 0, 0};
    int rc = setup(ctx, "mkt_abtest_power", opts, &o, &p);
    if (rc)
        return rc;
    *power = power_at(&p, (double)n_per_variant);
    return MKT_OK;
}

MKT_EXPORT int mkt_abtest_sample_size(mkt_ctx *ctx, const mkt_abtest_plan_options *opts,
                                      uint64_t *n_per_variant, double *exact)
{
    if (!ctx)
        return MKT_EINVAL;
    if (!n_per_variant)
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_sample_size: NULL argument");
    mkt_abtest_plan_options o;
    struct plan p = {0, 0, 0, 0};
    int rc = setup(ctx, "mkt_abtest_sample_size", opts, &o, &p);
    if (rc)
        return rc;
    /* One-tail closed form as the upper end: the far tail only adds power. */
    double zb = mkt__norm_ppf(o.power), hi = (p.z + zb) * p.sd / p.delta;
    hi = hi * hi * 1.001 + 1;
    if (!(hi < 9007199254740992.0))
        return mkt__error(ctx, MKT_ERANGE, "mkt_abtest_sample_size: more than 2^53 units "
                                           "per variant");
    double lo = 0;
    for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (power_at(&p, mid) < o.power)
            lo = mid;
        else
            hi = mid;
    }
    if (exact)
        *exact = hi;
    *n_per_variant = (uint64_t)ceil(hi);
    if (*n_per_variant == 0)
        *n_per_variant = 1;
    return MKT_OK;
}
