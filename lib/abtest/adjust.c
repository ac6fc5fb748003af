/* SPDX-License-Identifier: MIT */
/*
 * Multiple-comparison corrections, as statsmodels' multipletests computes them:
 * Holm-Bonferroni, with p-values sorted ascending p(1) <= ... <= p(m),
 *   adj(i) = max_{j <= i} min(1, (m - j + 1) p(j));
 * Benjamini-Hochberg,
 *   adj(i) = min_{j >= i} min(1, m p(j) / j).
 * Sorting goes through an index array (stable: ties keep their input order).
 */
#include <stdlib.h>

#include "abtest-private.h"

struct ranked {
    double p;
    size_t i;
};

static int by_p(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->p != y->p)
        return x->p < y->p ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static double clamp1(double x)
{
    return x > 1 ? 1 : x;
}

static int adjust_sorted(mkt_ctx *ctx, const double *p, size_t n, int32_t method, double *out)
{
    struct ranked *r = mkt__malloc(ctx, n * sizeof *r);
    if (!r)
        return mkt__oom(ctx);
    for (size_t i = 0; i < n; i++)
        r[i] = (struct ranked){p[i], i};
    qsort(r, n, sizeof *r, by_p);
    double run = 0;
    if (method == MKT_ABTEST_HOLM) {
        for (size_t j = 0; j < n; j++) {
            double v = clamp1((double)(n - j) * r[j].p);
            run = v > run ? v : run;
            out[r[j].i] = run;
        }
    } else {
        run = 1;
        for (size_t j = n; j-- > 0;) {
            double v = clamp1((double)n * r[j].p / (double)(j + 1));
            run = v < run ? v : run;
            out[r[j].i] = run;
        }
    }
    mkt__free(ctx, r);
    return MKT_OK;
}

MKT_EXPORT int mkt_abtest_adjust(mkt_ctx *ctx, const double *p, size_t n, int32_t method,
                                 double *out)
{
    if (!ctx)
        return MKT_EINVAL;
    if ((n && (!p || !out)))
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_adjust: NULL argument");
    if (method != MKT_ABTEST_CORRECTION_NONE && method != MKT_ABTEST_HOLM &&
        method != MKT_ABTEST_BH)
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_adjust: unknown method %d", (int)method);
    if (n > SIZE_MAX / sizeof(struct ranked))
        return mkt__error(ctx, MKT_EINVAL, "mkt_abtest_adjust: too many p-values");
    for (size_t i = 0; i < n; i++)
        if (!(p[i] >= 0 && p[i] <= 1))
            return mkt__error(ctx, MKT_EINVAL,
                              "mkt_abtest_adjust: p-value %zu (%g) is not in [0, 1]", i, p[i]);
    if (method == MKT_ABTEST_CORRECTION_NONE || n == 0) {
        for (size_t i = 0; i < n; i++)
            out[i] = p[i];
        return MKT_OK;
    }
    return adjust_sorted(ctx, p, n, method, out);
}
