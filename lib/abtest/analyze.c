/* SPDX-License-Identifier: MIT */
/*
 * mkt_abtest_analyze(): checks the statistics and options, compares every treatment with the
 * control by the chosen method, applies the correction over the treatment p-values, checks
 * the sample ratio and decides. Rows live at a caller-given stride (results[0].struct_size)
 * so that a caller compiled against a shorter, older result struct keeps working.
 */
#include <math.h>
#include <string.h>

#include "abtest-private.h"

MKT_EXPORT int mkt_abtest_options_init(mkt_abtest_options *opts)
{
    if (!opts)
        return MKT_EINVAL;
    *opts = (mkt_abtest_options)MKT_ABTEST_OPTIONS_INIT;
    return MKT_OK;
}

MKT_EXPORT int mkt_abtest_results_init(mkt_abtest_result *results, size_t n)
{
    if (!results && n)
        return MKT_EINVAL;
    for (size_t i = 0; i < n; i++) {
        memset(&results[i], 0, sizeof results[i]);
        results[i].struct_size = sizeof results[i];
    }
    return MKT_OK;
}

static int bad(mkt_ctx *ctx, const char *what)
{
    return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_analyze: %s", what);
}

static int check_options(mkt_ctx *ctx, const mkt_abtest_options *in, mkt_abtest_options *o,
                         size_t n)
{
    mkt_abtest_options_init(o);
    if (in) {
        if (in->struct_size < sizeof(size_t))
            return bad(ctx, "bad struct_size in the options");
        memcpy(o, in, in->struct_size < sizeof *o ? in->struct_size : sizeof *o);
    }
    if (o->metric != MKT_ABTEST_MEAN && o->metric != MKT_ABTEST_PROPORTION)
        return bad(ctx, "unknown metric");
    if (o->method < MKT_ABTEST_WELCH || o->method > MKT_ABTEST_SEQUENTIAL)
        return bad(ctx, "unknown method");
    if (o->method == MKT_ABTEST_ZTEST && o->metric != MKT_ABTEST_PROPORTION)
        return bad(ctx, "the z-test is for proportions (use metric proportion)");
    if (o->effect != MKT_ABTEST_RELATIVE && o->effect != MKT_ABTEST_ABSOLUTE)
        return bad(ctx, "unknown effect scale");
    if (o->sided < MKT_ABTEST_TWO_SIDED || o->sided > MKT_ABTEST_LESS)
        return bad(ctx, "unknown sided");
    if (o->correction < MKT_ABTEST_CORRECTION_NONE || o->correction > MKT_ABTEST_BH)
        return bad(ctx, "unknown correction");
    if (!(o->alpha > 0 && o->alpha < 1))
        return bad(ctx, "alpha must be in (0, 1)");
    if (o->prior_normal && (!isfinite(o->prior_mean) || !(o->prior_variance > 0) ||
                            !isfinite(o->prior_variance)))
        return bad(ctx, "the normal prior needs a finite mean and a finite variance > 0");
    if (!(o->tuning > 0) || !isfinite(o->tuning))
        return bad(ctx, "the sequential tuning parameter must be a finite number > 0");
    if (!(o->srm_threshold >= 0 && o->srm_threshold < 1))
        return bad(ctx, "srm_threshold must be in [0, 1)");
    double wsum = 0;
    for (size_t i = 0; o->weights && i < n; i++) {
        if (!(o->weights[i] >= 0) || !isfinite(o->weights[i]))
            return bad(ctx, "a traffic weight is not a finite number >= 0");
        wsum += o->weights[i];
    }
    if (o->weights && !(wsum > 0))
        return bad(ctx, "every traffic weight is 0");
    return MKT_OK;
}

static int check_stats(mkt_ctx *ctx, const mkt_abtest_stats *s, size_t n, int32_t metric)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(s[i].sum) || !isfinite(s[i].sum_squares))
            return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_analyze: variant %zu: sum or "
                                               "sum_squares is not finite", i);
        if (metric == MKT_ABTEST_PROPORTION && !(s[i].sum >= 0 && s[i].sum <= (double)s[i].n))
            return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_analyze: variant %zu: %g "
                                               "conversions out of %llu units", i, s[i].sum,
                              (unsigned long long)s[i].n);
        if (metric == MKT_ABTEST_MEAN && s[i].sum_squares < 0)
            return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_analyze: variant %zu: negative "
                                               "sum_squares", i);
    }
    return MKT_OK;
}

static void set_undefined(mkt_abtest_result *r)
{
    r->effect = r->se = r->ci_low = r->ci_high = r->statistic = r->df = NAN;
    r->p_value = r->p_adjusted = r->chance_to_win = r->chance_to_win_exact = NAN;
    r->risk_control = r->risk_treatment = NAN;
    r->significant = 0;
    r->warnings = 0;
}

static void compare(const mkt_abtest_stats *c, const mkt_abtest_stats *t,
                    const struct mkt__arm *ac, const struct mkt__arm *at,
                    const mkt_abtest_options *o, mkt_abtest_result *r)
{
    switch (o->method) {
    case MKT_ABTEST_WELCH: mkt__welch(ac, at, o, r); break;
    case MKT_ABTEST_ZTEST: mkt__ztest(c, t, o, r); break;
    case MKT_ABTEST_SEQUENTIAL: mkt__sequential(ac, at, o, r); break;
    default:
        mkt__bayes(ac, at, o, r);
        if (o->metric == MKT_ABTEST_PROPORTION) {
            double p = mkt__beta_chance((uint64_t)c->sum, c->n, (uint64_t)t->sum, t->n);
            r->chance_to_win_exact = o->sided == MKT_ABTEST_LESS ? 1 - p : p;
        }
        break;
    }
}

/* Fill the rows; rows[i] points at result i. */
static int run(mkt_ctx *ctx, const mkt_abtest_stats *s, size_t n, const mkt_abtest_options *o,
               mkt_abtest_result **rows, mkt_abtest_summary *sum)
{
    struct mkt__arm arms[MKT_ABTEST_MAX_VARIANTS];
    double p[MKT_ABTEST_MAX_VARIANTS];
    uint64_t units[MKT_ABTEST_MAX_VARIANTS];
    for (size_t i = 0; i < n; i++) {
        mkt_abtest_result *r = rows[i];
        set_undefined(r);
        mkt__arm_from(&s[i], o->metric, &arms[i], &r->warnings);
        r->n = s[i].n;
        r->mean = arms[i].mean;
        r->variance = arms[i].var;
        units[i] = s[i].n;
    }
    for (size_t i = 1; i < n; i++) {
        rows[i]->warnings |= rows[0]->warnings;
        compare(&s[0], &s[i], &arms[0], &arms[i], o, rows[i]);
        p[i - 1] = rows[i]->p_value;
        sum->warnings |= rows[i]->warnings;
    }
    sum->warnings |= rows[0]->warnings;
    if (o->method != MKT_ABTEST_BAYES) {
        int rc = mkt_abtest_adjust(ctx, p, n - 1, o->correction, p);
        if (rc)
            return rc;
        for (size_t i = 1; i < n; i++)
            rows[i]->p_adjusted = p[i - 1];
    }
    sum->srm_p_value = mkt__srm_p(units, o->weights, n);
    sum->srm = sum->srm_p_value < o->srm_threshold;
    if (sum->srm)
        sum->warnings |= MKT_ABTEST_W_SRM;
    mkt__decide(rows, n, o, sum);
    return MKT_OK;
}

MKT_EXPORT int mkt_abtest_analyze(mkt_ctx *ctx, const mkt_abtest_stats *stats,
                                  size_t nvariants, const mkt_abtest_options *opts,
                                  mkt_abtest_result *results, mkt_abtest_summary *summary)
{
    if (!ctx)
        return MKT_EINVAL;
    if (!stats || !results)
        return bad(ctx, "NULL argument");
    if (nvariants < MKT_ABTEST_MIN_VARIANTS || nvariants > MKT_ABTEST_MAX_VARIANTS)
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_analyze: %zu variants (need %d to %d)",
                          nvariants, MKT_ABTEST_MIN_VARIANTS, MKT_ABTEST_MAX_VARIANTS);
    size_t stride = results[0].struct_size;
    if (stride < sizeof(mkt_abtest_result) || stride % _Alignof(mkt_abtest_result))
        return bad(ctx, "results[0].struct_size is not set (call mkt_abtest_results_init)");
    if (summary && summary->struct_size < sizeof *summary)
        return bad(ctx, "summary->struct_size is not set");
    mkt_abtest_options o;
    int rc = check_options(ctx, opts, &o, nvariants);
    if (rc == MKT_OK)
        rc = check_stats(ctx, stats, nvariants, o.metric);
    if (rc)
        return rc;
    mkt_abtest_result *rows[MKT_ABTEST_MAX_VARIANTS];
    for (size_t i = 0; i < nvariants; i++)
        rows[i] = (mkt_abtest_result *)((char *)results + i * stride);
    mkt_abtest_summary local = {sizeof local, 1, 0, 0, -1, 0};
    mkt_abtest_summary *sum = summary ? summary : &local;
    sum->warnings = 0;
    return run(ctx, stats, nvariants, &o, rows, sum);
}
