/* SPDX-License-Identifier: MIT */
/*
 * Rule-based models: the touch weights of one path under each model, and the single pass over
 * all paths that feeds every requested rule-based model at once. Weights of a path always sum
 * to 1, so a path's conversions and value are split, never created or lost.
 */
#include <math.h>
#include <string.h>

#include "attribution-private.h"

static void equal(double *w, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        w[i] = 1.0 / n;
}

/* Divide by the sum; a path whose weights are all 0 (possible with custom weights such as
 * 0,1,0 on a two-touch path) falls back to equal credit. */
static void normalise(double *w, uint32_t n)
{
    double sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += w[i];
    if (!(sum > 0)) {
        equal(w, n);
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        w[i] /= sum;
}

/* U-shaped: first and last get their weights, the middle weight is spread evenly over the
 * touches between them. One touch: all of it; two touches: first and last, renormalised
 * (50/50 with the defaults). */
static void position(const double *pw, double *w, uint32_t n)
{
    memset(w, 0, n * sizeof *w);
    w[0] += pw[0];
    w[n - 1] += pw[2];
    for (uint32_t i = 1; i + 1 < n; i++)
        w[i] = pw[1] / (n - 2);
    normalise(w, n);
}

/* W-shaped: the milestone is the middle touch, index (n - 1) / 2 rounded down (the earlier of
 * two middle touches), for n >= 3. The rest weight is spread over the touches that are
 * neither first, milestone nor last; with none (n <= 3) the weights present are
 * renormalised: n = 2 gets first/last, n = 3 gets first/milestone/last. */
static void w_shaped(const double *ww, double *w, uint32_t n)
{
    memset(w, 0, n * sizeof *w);
    if (n == 1) {
        w[0] = 1;
        return;
    }
    uint32_t m = (n - 1) / 2;
    for (uint32_t i = 1; n > 3 && i + 1 < n; i++)
        if (i != m)
            w[i] = ww[3] / (n - 3);
    w[0] = ww[0];
    w[n - 1] = ww[2];
    if (n >= 3)
        w[m] = ww[1];
    normalise(w, n);
}

/* Custom: k weights stretched over the path with both ends anchored: touch i of n gets weight
 * j = round(i (k - 1) / (n - 1)) (halves up), so the first touch gets the first weight and the
 * last touch the last one. */
static void custom(const double *cw, uint32_t k, double *w, uint32_t n)
{
    if (n == 1) {
        w[0] = 1;
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint64_t j = (2 * (uint64_t)i * (k - 1) + (n - 1)) / (2 * (uint64_t)(n - 1));
        w[i] = cw[j];
    }
    normalise(w, n);
}

/* Time decay: 2^(-age / half-life) with the age measured back from the last touch, the
 * conversion time. */
static void time_decay(const mkt_time *ts, double half_life_s, double *w, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        w[i] = exp2(-(double)(ts[n - 1] - ts[i]) / half_life_s);
    normalise(w, n);
}

void mkt__attr_rule_weights(int32_t model, const struct mkt__attr_opts *o, const uint32_t *ch,
                            const mkt_time *ts, uint32_t n, double *w)
{
    uint32_t i;
    switch (model) {
    case MKT_ATTR_FIRST:
    case MKT_ATTR_LAST:
    case MKT_ATTR_LAST_NON_DIRECT:
        memset(w, 0, n * sizeof *w);
        i = model == MKT_ATTR_FIRST ? 0 : n - 1;
        if (model == MKT_ATTR_LAST_NON_DIRECT) /* all direct: the last touch keeps it */
            for (uint32_t k = n; k-- > 0;)
                if (!o->is_direct[ch[k]]) {
                    i = k;
                    break;
                }
        w[i] = 1;
        return;
    case MKT_ATTR_TIME_DECAY: time_decay(ts, o->half_life_s, w, n); return;
    case MKT_ATTR_POSITION: position(o->pos_w, w, n); return;
    case MKT_ATTR_W_SHAPED: w_shaped(o->w_w, w, n); return;
    case MKT_ATTR_CUSTOM: custom(o->custom, o->ncustom, w, n); return;
    default: equal(w, n); return;
    }
}

static uint32_t longest_path(const mkt_paths *p)
{
    uint32_t n = 1;
    for (size_t i = 0; i < p->paths.len; i++)
        if (p->paths.data[i].len > n)
            n = p->paths.data[i].len;
    return n;
}

int mkt__attr_rules_run(mkt_attribution **results, uint32_t count, const struct mkt__attr_opts *o)
{
    const mkt_paths *p = results[0]->paths;
    mkt_ctx *ctx = results[0]->ctx;
    for (uint32_t m = 0; m < count; m++)
        if (results[m]->model == MKT_ATTR_TIME_DECAY)
            for (size_t i = 0; i < p->paths.len; i++)
                if (p->paths.data[i].tp_off == SIZE_MAX)
                    return mkt__error(ctx, MKT_EINVAL, "attribution: time_decay needs touch "
                                      "times, which aggregated paths (path %zu) lack; load "
                                      "touchpoints instead", i);
    uint32_t longest = longest_path(p);
    double *w = mkt__reallocarray(ctx, NULL, longest, sizeof *w);
    struct mkt__attr_frac *scratch = mkt__reallocarray(ctx, NULL, longest, sizeof *scratch);
    if (!w || !scratch) {
        mkt__free(ctx, w);
        mkt__free(ctx, scratch);
        return mkt__oom(ctx);
    }
    for (size_t i = 0; i < p->paths.len; i++) {
        const struct mkt__path *path = &p->paths.data[i];
        if (path->conversions == 0 && path->value == 0)
            continue; /* only non-conversions: nothing to credit */
        const uint32_t *ch = p->touch_ch.data + path->off;
        const mkt_time *ts = path->tp_off == SIZE_MAX ? NULL : p->touch_ts.data + path->tp_off;
        double conv = (double)path->conversions, value = (double)path->value;
        for (uint32_t m = 0; m < count; m++) {
            mkt_attribution *r = results[m];
            mkt__attr_rule_weights(r->model, o, ch, ts, path->len, w);
            for (uint32_t k = 0; k < path->len; k++) {
                r->ch_conv[ch[k]] += conv * w[k];
                r->ch_value[ch[k]] += value * w[k];
            }
            mkt__attr_add_touches(r, path, w, scratch);
        }
    }
    mkt__free(ctx, w);
    mkt__free(ctx, scratch);
    return MKT_OK;
}
