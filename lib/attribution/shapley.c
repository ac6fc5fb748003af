/* SPDX-License-Identifier: MIT */
/*
 * Shapley values (Zhao, Mahboobi, Bagheri 2018, "Shapley Value Methods for Attribution
 * Modeling in Online Advertising", arXiv:1804.05327). With r(T) the conversions (or value) of
 * the paths whose set of channels is exactly T, a coalition S is worth
 *     v(S) = sum over T subset of S of r(T)
 * (the conversions its channels bring about on their own), and channel j gets
 *     phi_j = sum over S not containing j of |S|! (p - |S| - 1)! / p! (v(S + j) - v(S)).
 * Up to shapley_max_exact channels this is computed over all 2^p coalitions (a subset-sum
 * transform gives v). v is a sum of unanimity games, so phi_j also equals the simplified
 * formula sum over T containing j of r(T) / |T| (the paper's result); beyond the exact limit
 * that formula is used directly, and the tests check that both agree. Non-converting paths do
 * not change v.
 */
#include <string.h>

#include "attribution-private.h"

/* The simplified formula: each path's conversions and value split equally over its distinct
 * channels. */
static void path_formula(mkt_attribution *r, uint8_t *seen)
{
    const mkt_paths *ps = r->paths;
    for (size_t i = 0; i < ps->paths.len; i++) {
        const struct mkt__path *p = &ps->paths.data[i];
        if (p->conversions == 0 && p->value == 0)
            continue;
        const uint32_t *ch = ps->touch_ch.data + p->off;
        uint32_t distinct = 0;
        for (uint32_t k = 0; k < p->len; k++)
            if (!seen[ch[k]]++)
                distinct++;
        double conv = (double)p->conversions / distinct, value = (double)p->value / distinct;
        for (uint32_t k = 0; k < p->len; k++)
            if (seen[ch[k]]) {
                seen[ch[k]] = 0;
                r->ch_conv[ch[k]] += conv;
                r->ch_value[ch[k]] += value;
            }
    }
}

/* r(T) by channel-set bitmask, for conversions and value. */
static void coalition_worth(const mkt_paths *ps, double *vc, double *vv)
{
    for (size_t i = 0; i < ps->paths.len; i++) {
        const struct mkt__path *p = &ps->paths.data[i];
        const uint32_t *ch = ps->touch_ch.data + p->off;
        uint32_t mask = 0;
        for (uint32_t k = 0; k < p->len; k++)
            mask |= 1u << ch[k];
        vc[mask] += (double)p->conversions;
        vv[mask] += (double)p->value;
    }
}

/* Over all coalitions: subset sums give v, then the weighted marginal contributions. */
static void exact(mkt_attribution *r, double *vc, double *vv)
{
    uint32_t p = r->nch;
    size_t n = (size_t)1 << p;
    coalition_worth(r->paths, vc, vv);
    for (uint32_t j = 0; j < p; j++)
        for (size_t s = 0; s < n; s++)
            if (s >> j & 1) {
                vc[s] += vc[s ^ ((size_t)1 << j)];
                vv[s] += vv[s ^ ((size_t)1 << j)];
            }
    /* weight[k] = k! (p - k - 1)! / p! = 1 / (p * C(p - 1, k)) for a coalition of k. */
    double weight[MKT_ATTR_MAX_SHAPLEY_EXACT];
    double binom = 1; /* C(p - 1, k) */
    for (uint32_t k = 0; k < p; k++) {
        weight[k] = 1.0 / (p * binom);
        binom = binom * (p - 1 - k) / (k + 1);
    }
    for (size_t s = 0; s < n; s++) {
        uint32_t k = (uint32_t)__builtin_popcountll((unsigned long long)s);
        for (uint32_t j = 0; j < p; j++)
            if (!(s >> j & 1)) {
                size_t with = s | (size_t)1 << j;
                r->ch_conv[j] += weight[k] * (vc[with] - vc[s]);
                r->ch_value[j] += weight[k] * (vv[with] - vv[s]);
            }
    }
}

int mkt__attr_shapley_run(mkt_attribution *r, const struct mkt__attr_opts *o)
{
    mkt_ctx *ctx = r->ctx;
    int rc = MKT_OK;
    if (r->nch > 0 && r->nch <= (uint32_t)o->o.shapley_max_exact) {
        size_t n = (size_t)1 << r->nch;
        double *vc = mkt__calloc(ctx, n, sizeof *vc), *vv = mkt__calloc(ctx, n, sizeof *vv);
        if (vc && vv)
            exact(r, vc, vv);
        else
            rc = mkt__oom(ctx);
        mkt__free(ctx, vc);
        mkt__free(ctx, vv);
    } else {
        uint8_t *seen = mkt__calloc(ctx, r->nch ? r->nch : 1, 1);
        if (!seen)
            return mkt__oom(ctx);
        path_formula(r, seen);
        mkt__free(ctx, seen);
    }
    if (rc)
        return rc;
    double *ones = mkt__calloc(ctx, r->nch ? r->nch : 1, sizeof *ones);
    if (!ones)
        return mkt__oom(ctx);
    for (uint32_t c = 0; c < r->nch; c++)
        ones[c] = 1;
    rc = mkt__attr_touches_by_channel(r, ones, 1);
    mkt__free(ctx, ones);
    return rc;
}
