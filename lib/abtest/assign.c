/* SPDX-License-Identifier: MIT */
/*
 * Deterministic allocation. A unit's bucket in an experiment is a uniform number in [0, 1)
 * from the library's fixed wyhash: H(unit, H(key, 0)), top 53 bits. Hashing the key first and
 * using it as the unit's seed needs no separator between key and unit (so "ab" + "c" and
 * "a" + "bc" differ) and no allocation. Variant i owns [c_i, c_i + coverage w_i) of the bucket
 * line (c_i the normalised weights before i, as GrowthBook does), so raising the coverage adds
 * units without moving any. Namespaces and holdouts use their own buckets (namespace key, or
 * the holdout key with seed 1), independent of the allocation bucket.
 */
#include <math.h>
#include <string.h>

#include "abtest-private.h"
#include "core/util.h"

static double unit_bucket(uint64_t seed, const char *unit, size_t unit_len)
{
    return (double)(mkt__hash64(unit, unit_len, seed) >> 11) * 0x1p-53;
}

MKT_EXPORT double mkt_abtest_bucket(const char *key, size_t key_len, const char *unit,
                                    size_t unit_len)
{
    /* NULL with a length is a caller bug; hash nothing rather than crash. */
    if (!key)
        key_len = 0;
    if (!unit)
        unit_len = 0;
    return unit_bucket(mkt__hash64(key ? key : "", key_len, 0), unit ? unit : "", unit_len);
}

MKT_EXPORT int mkt_abtest_assign_options_init(mkt_abtest_assign_options *opts)
{
    if (!opts)
        return MKT_EINVAL;
    *opts = (mkt_abtest_assign_options)MKT_ABTEST_ASSIGN_OPTIONS_INIT;
    return MKT_OK;
}

static int check_options(mkt_ctx *ctx, const mkt_abtest_assign_options *in,
                         mkt_abtest_assign_options *o)
{
    mkt_abtest_assign_options_init(o);
    if (in) {
        if (in->struct_size < sizeof(size_t))
            return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_assign: bad struct_size");
        memcpy(o, in, in->struct_size < sizeof *o ? in->struct_size : sizeof *o);
    }
    if (!(o->coverage > 0 && o->coverage <= 1))
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_assign: coverage %g is not in (0, 1]",
                          o->coverage);
    if (!(o->holdout >= 0 && o->holdout < 1))
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_assign: holdout %g is not in [0, 1)",
                          o->holdout);
    if (o->namespace_key && !(o->namespace_start >= 0 && o->namespace_start < o->namespace_end &&
                              o->namespace_end <= 1))
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_assign: namespace range [%g, %g) is "
                                           "not inside [0, 1)", o->namespace_start,
                          o->namespace_end);
    return MKT_OK;
}

static int check_weights(mkt_ctx *ctx, const double *w, size_t n, double *sum)
{
    if (n < MKT_ABTEST_MIN_VARIANTS || n > MKT_ABTEST_MAX_VARIANTS)
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_assign: %zu variants (need %d to %d)", n,
                          MKT_ABTEST_MIN_VARIANTS, MKT_ABTEST_MAX_VARIANTS);
    *sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(w[i] >= 0) || !isfinite(w[i]))
            return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_assign: weight %zu (%g) is not a "
                                               "finite number >= 0", i, w[i]);
        *sum += w[i];
    }
    if (!(*sum > 0) || !isfinite(*sum))
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_assign: the weights must not all be 0");
    return MKT_OK;
}

/* The variant whose range holds bucket @b, or -1. */
static int32_t pick(double b, const double *w, size_t n, double sum, double coverage)
{
    double start = 0;
    for (size_t i = 0; i < n; i++) {
        double share = w[i] / sum;
        if (b >= start && b < start + coverage * share)
            return (int32_t)i;
        start += share;
    }
    /* With full coverage rounding must not leave the top of [0, 1) to nobody. */
    for (size_t i = n; coverage >= 1 && i-- > 0;)
        if (w[i] > 0)
            return (int32_t)i;
    return -1;
}

MKT_EXPORT int mkt_abtest_assign(mkt_ctx *ctx, const char *experiment, const char *unit,
                                 size_t unit_len, const double *weights, size_t nweights,
                                 const mkt_abtest_assign_options *opts,
                                 mkt_abtest_assignment *out)
{
    if (!ctx)
        return MKT_EINVAL;
    if (!experiment || (!unit && unit_len) || !weights || !out)
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_assign: NULL argument");
    if (!experiment[0])
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_assign: empty experiment key");
    mkt_abtest_assign_options o;
    double sum = 0;
    int rc = check_options(ctx, opts, &o);
    if (rc == MKT_OK)
        rc = check_weights(ctx, weights, nweights, &sum);
    if (rc)
        return rc;
    if (!unit)
        unit = "";
    size_t klen = strlen(experiment);
    out->variant = -1;
    out->bucket = unit_bucket(mkt__hash64(experiment, klen, 0), unit, unit_len);
    if (o.namespace_key) {
        double nb = mkt_abtest_bucket(o.namespace_key, strlen(o.namespace_key), unit, unit_len);
        if (nb < o.namespace_start || nb >= o.namespace_end) {
            out->reason = MKT_ABTEST_OUT_OF_NAMESPACE;
            return MKT_OK;
        }
    }
    if (o.holdout > 0) {
        const char *hk = o.holdout_key ? o.holdout_key : experiment;
        if (unit_bucket(mkt__hash64(hk, strlen(hk), 1), unit, unit_len) < o.holdout) {
            out->reason = MKT_ABTEST_HOLDOUT;
            return MKT_OK;
        }
    }
    out->variant = pick(out->bucket, weights, nweights, sum, o.coverage);
    out->reason = out->variant < 0 ? MKT_ABTEST_NOT_COVERED : MKT_ABTEST_ASSIGNED;
    return MKT_OK;
}
