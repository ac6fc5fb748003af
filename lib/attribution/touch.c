/* SPDX-License-Identifier: MIT */
/*
 * Campaign and per-touch credits: a path's conversions and value split over its touches by
 * the model's touch weights. Per-touch credits are rounded per path (largest remainder), so
 * the touches of a path sum exactly to its conversions and value.
 */
#include "attribution-private.h"

void mkt__attr_add_touches(mkt_attribution *r, const struct mkt__path *p, const double *w,
                           struct mkt__attr_frac *scratch)
{
    const mkt_paths *ps = r->paths;
    double conv = (double)p->conversions, value = (double)p->value;
    uint32_t none = r->ncamp - 1;
    if (p->tp_off == SIZE_MAX) { /* aggregated path: no campaigns */
        r->camp_conv[none] += conv;
        r->camp_value[none] += value;
    } else {
        const uint32_t *camp = ps->touch_camp.data + p->tp_off;
        for (uint32_t k = 0; k < p->len; k++) {
            uint32_t c = camp[k] == UINT32_MAX ? none : camp[k];
            r->camp_conv[c] += conv * w[k];
            r->camp_value[c] += value * w[k];
        }
    }
    if (r->touch_micro) {
        mkt__attr_split(p->conversions * MKT_ATTR_MICRO, w, p->len, r->touch_micro + p->off,
                        scratch);
        mkt__attr_split(p->value, w, p->len, r->touch_minor + p->off, scratch);
    }
}

int mkt__attr_touches_by_channel(mkt_attribution *r, const double *chw, int distinct)
{
    const mkt_paths *ps = r->paths;
    mkt_ctx *ctx = r->ctx;
    uint32_t longest = 1;
    for (size_t i = 0; i < ps->paths.len; i++)
        if (ps->paths.data[i].len > longest)
            longest = ps->paths.data[i].len;
    double *w = mkt__reallocarray(ctx, NULL, longest, sizeof *w);
    struct mkt__attr_frac *scratch = mkt__reallocarray(ctx, NULL, longest, sizeof *scratch);
    uint32_t *seen = mkt__calloc(ctx, r->nch ? r->nch : 1, sizeof *seen);
    if (!w || !scratch || !seen) {
        mkt__free(ctx, w);
        mkt__free(ctx, scratch);
        mkt__free(ctx, seen);
        return mkt__oom(ctx);
    }
    for (size_t i = 0; i < ps->paths.len; i++) {
        const struct mkt__path *p = &ps->paths.data[i];
        if (p->conversions == 0 && p->value == 0)
            continue;
        const uint32_t *ch = ps->touch_ch.data + p->off;
        if (distinct) /* touches per channel in this path */
            for (uint32_t k = 0; k < p->len; k++)
                seen[ch[k]]++;
        double sum = 0;
        for (uint32_t k = 0; k < p->len; k++) {
            w[k] = distinct ? chw[ch[k]] / seen[ch[k]] : chw[ch[k]];
            sum += w[k];
        }
        for (uint32_t k = 0; k < p->len; k++) {
            w[k] = sum > 0 ? w[k] / sum : 1.0 / p->len;
            if (distinct)
                seen[ch[k]] = 0;
        }
        mkt__attr_add_touches(r, p, w, scratch);
    }
    mkt__free(ctx, w);
    mkt__free(ctx, scratch);
    mkt__free(ctx, seen);
    return MKT_OK;
}
