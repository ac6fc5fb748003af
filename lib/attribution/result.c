/* SPDX-License-Identifier: MIT */
/*
 * Attribution results: allocation, the largest-remainder rounding that makes credits sum
 * exactly to the totals, and the read accessors.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "attribution-private.h"

/* Totals of the path set: conversions, value, and conversions in micro-units. */
static int path_totals(mkt_attribution *r)
{
    const mkt_paths *p = r->paths;
    int64_t conv = 0, value = 0, micro;
    for (size_t i = 0; i < p->paths.len; i++)
        if (__builtin_add_overflow(conv, p->paths.data[i].conversions, &conv) ||
            __builtin_add_overflow(value, p->paths.data[i].value, &value))
            return mkt__error(r->ctx, MKT_ERANGE, "attribution: the total conversions or "
                              "value overflow 64 bits");
    if (__builtin_mul_overflow(conv, (int64_t)MKT_ATTR_MICRO, &micro))
        return mkt__error(r->ctx, MKT_ERANGE, "attribution: %lld conversions overflow "
                          "micro-conversions", (long long)conv);
    r->total_conv = conv;
    r->total_value = value;
    return MKT_OK;
}

int mkt__attr_result_new(mkt_attribution **out, const mkt_paths *paths, int32_t model,
                         int per_touch)
{
    mkt_ctx *ctx = paths->ctx;
    mkt_attribution *r = mkt__calloc(ctx, 1, sizeof *r);
    *out = r;
    if (!r)
        return mkt__oom(ctx);
    r->ctx = ctx;
    r->paths = paths;
    r->model = model;
    r->p_conv = NAN;
    r->nch = mkt_paths_channel_count(paths);
    r->ncamp = mkt_paths_campaign_count(paths) + 1;
    r->npaths = paths->paths.len;
    size_t nc = r->nch ? r->nch : 1, nk = r->ncamp, nt = paths->touch_ch.len ? paths->touch_ch.len : 1;
    r->ch_conv = mkt__calloc(ctx, nc, sizeof(double));
    r->ch_value = mkt__calloc(ctx, nc, sizeof(double));
    r->camp_conv = mkt__calloc(ctx, nk, sizeof(double));
    r->camp_value = mkt__calloc(ctx, nk, sizeof(double));
    r->ch_micro = mkt__calloc(ctx, nc, sizeof(int64_t));
    r->ch_minor = mkt__calloc(ctx, nc, sizeof(int64_t));
    r->camp_micro = mkt__calloc(ctx, nk, sizeof(int64_t));
    r->camp_minor = mkt__calloc(ctx, nk, sizeof(int64_t));
    if (per_touch) {
        r->touch_micro = mkt__calloc(ctx, nt, sizeof(int64_t));
        r->touch_minor = mkt__calloc(ctx, nt, sizeof(int64_t));
    }
    if (!r->ch_conv || !r->ch_value || !r->camp_conv || !r->camp_value || !r->ch_micro ||
        !r->ch_minor || !r->camp_micro || !r->camp_minor ||
        (per_touch && (!r->touch_micro || !r->touch_minor))) {
        mkt_attribution_free(r);
        *out = NULL;
        return mkt__oom(ctx);
    }
    int rc = path_totals(r);
    if (rc) {
        mkt_attribution_free(r);
        *out = NULL;
    }
    return rc;
}

MKT_EXPORT void mkt_attribution_free(mkt_attribution *r)
{
    if (!r)
        return;
    mkt_ctx *ctx = r->ctx;
    mkt__free(ctx, r->ch_conv);
    mkt__free(ctx, r->ch_value);
    mkt__free(ctx, r->camp_conv);
    mkt__free(ctx, r->camp_value);
    mkt__free(ctx, r->ch_micro);
    mkt__free(ctx, r->ch_minor);
    mkt__free(ctx, r->camp_micro);
    mkt__free(ctx, r->camp_minor);
    mkt__free(ctx, r->removal);
    mkt__free(ctx, r->touch_micro);
    mkt__free(ctx, r->touch_minor);
    if (r->state_names)
        for (uint32_t s = 0; s < r->nstates; s++)
            mkt__free(ctx, r->state_names[s]);
    mkt__free(ctx, r->state_names);
    mkt__free(ctx, r->edges);
    mkt__free(ctx, r);
}

/* Larger fraction first; ties to the lower index so that rounding is deterministic. */
static int by_frac_desc(const void *a, const void *b)
{
    const struct mkt__attr_frac *x = a, *y = b;
    if (x->frac != y->frac)
        return x->frac > y->frac ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void mkt__attr_split(int64_t total, const double *shares, size_t n, int64_t *out,
                     struct mkt__attr_frac *scratch)
{
    if (n == 0)
        return;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += shares[i];
    int equal = !(sum > 0) || !isfinite(sum); /* nothing to weigh by: equal parts */
    if (equal)
        sum = (double)n;
    int64_t given = 0;
    for (size_t i = 0; i < n; i++) {
        double q = (double)total * ((equal ? 1.0 : shares[i]) / sum);
        double f = floor(q);
        if (!(f >= 0))
            f = 0;
        if (f > (double)total)
            f = (double)total;
        out[i] = (int64_t)f;
        scratch[i].frac = q - f;
        scratch[i].idx = i;
        given += out[i];
    }
    qsort(scratch, n, sizeof *scratch, by_frac_desc);
    /* Floors lose less than one unit per part, so the rest is below n; the loops also absorb
     * the (rare) drift of double arithmetic on totals beyond 2^53. */
    for (size_t k = 0; given < total; k = (k + 1) % n, given++)
        out[scratch[k].idx]++;
    for (size_t k = n; given > total;) {
        k = (k + n - 1) % n;
        if (out[scratch[k].idx] > 0) {
            out[scratch[k].idx]--;
            given--;
        }
    }
}

int mkt__attr_result_finish(mkt_attribution *r)
{
    size_t n = r->nch > r->ncamp ? r->nch : r->ncamp;
    struct mkt__attr_frac *scratch = mkt__calloc(r->ctx, n ? n : 1, sizeof *scratch);
    if (!scratch)
        return mkt__oom(r->ctx);
    int64_t micro = r->total_conv * MKT_ATTR_MICRO; /* checked in path_totals() */
    mkt__attr_split(micro, r->ch_conv, r->nch, r->ch_micro, scratch);
    mkt__attr_split(r->total_value, r->ch_value, r->nch, r->ch_minor, scratch);
    mkt__attr_split(micro, r->camp_conv, r->ncamp, r->camp_micro, scratch);
    mkt__attr_split(r->total_value, r->camp_value, r->ncamp, r->camp_minor, scratch);
    mkt__free(r->ctx, scratch);
    return MKT_OK;
}

/* ---- accessors ---------------------------------------------------------------------------- */

MKT_EXPORT int32_t mkt_attribution_model(const mkt_attribution *r)
{
    return r ? r->model : 0;
}

MKT_EXPORT int mkt_attribution_totals(const mkt_attribution *r, int64_t *conversions,
                                      int64_t *value)
{
    if (!r)
        return MKT_EINVAL;
    if (conversions)
        *conversions = r->total_conv;
    if (value)
        *value = r->total_value;
    return MKT_OK;
}

MKT_EXPORT uint32_t mkt_attribution_channel_count(const mkt_attribution *r)
{
    return r ? r->nch : 0;
}

MKT_EXPORT uint32_t mkt_attribution_campaign_count(const mkt_attribution *r)
{
    return r ? r->ncamp : 0;
}

static void credit(mkt_attr_credit *out, const char *name, int64_t micro, int64_t minor,
                   double exact, double removal)
{
    memset(out, 0, sizeof *out);
    out->struct_size = sizeof *out;
    out->name = name;
    out->conversions_micro = micro;
    out->conversions = (double)micro / MKT_ATTR_MICRO;
    out->value = minor;
    out->exact_conversions = exact;
    out->removal_effect = removal;
}

MKT_EXPORT int mkt_attribution_channel(const mkt_attribution *r, uint32_t channel,
                                       mkt_attr_credit *out)
{
    if (!r || !out)
        return r ? mkt__error(r->ctx, MKT_EINVAL, "mkt_attribution_channel: NULL argument")
                 : MKT_EINVAL;
    if (channel >= r->nch)
        return mkt__error(r->ctx, MKT_ENOTFOUND, "no channel %u", channel);
    credit(out, mkt_paths_channel_name(r->paths, channel), r->ch_micro[channel],
           r->ch_minor[channel], r->ch_conv[channel], r->removal ? r->removal[channel] : NAN);
    return MKT_OK;
}

MKT_EXPORT int mkt_attribution_campaign(const mkt_attribution *r, uint32_t index,
                                        mkt_attr_credit *out)
{
    if (!r || !out)
        return r ? mkt__error(r->ctx, MKT_EINVAL, "mkt_attribution_campaign: NULL argument")
                 : MKT_EINVAL;
    if (index >= r->ncamp)
        return mkt__error(r->ctx, MKT_ENOTFOUND, "no campaign entry %u", index);
    const char *name = index + 1 < r->ncamp ? mkt_paths_campaign_name(r->paths, index) : NULL;
    credit(out, name, r->camp_micro[index], r->camp_minor[index], r->camp_conv[index], NAN);
    return MKT_OK;
}

MKT_EXPORT int mkt_attribution_touch(const mkt_attribution *r, uint64_t path, uint32_t touch,
                                     int64_t *conversions_micro, int64_t *value)
{
    if (!r || !conversions_micro || !value)
        return r ? mkt__error(r->ctx, MKT_EINVAL, "mkt_attribution_touch: NULL argument")
                 : MKT_EINVAL;
    if (!r->touch_micro)
        return mkt__error(r->ctx, MKT_ESTATE, "mkt_attribution_touch: the result was "
                          "computed without the per_touch option");
    if (path >= r->npaths || touch >= r->paths->paths.data[path].len)
        return mkt__error(r->ctx, MKT_ENOTFOUND, "no touch %u of path %llu", touch,
                          (unsigned long long)path);
    size_t k = r->paths->paths.data[path].off + touch;
    *conversions_micro = r->touch_micro[k];
    *value = r->touch_minor[k];
    return MKT_OK;
}

MKT_EXPORT double mkt_attribution_conversion_probability(const mkt_attribution *r)
{
    return r ? r->p_conv : NAN;
}

MKT_EXPORT uint32_t mkt_attribution_state_count(const mkt_attribution *r)
{
    return r ? r->nstates : 0;
}

MKT_EXPORT const char *mkt_attribution_state_name(const mkt_attribution *r, uint32_t state)
{
    return r && state < r->nstates ? r->state_names[state] : NULL;
}

MKT_EXPORT uint64_t mkt_attribution_transition_count(const mkt_attribution *r)
{
    return r ? r->nedges : 0;
}

MKT_EXPORT int mkt_attribution_transition(const mkt_attribution *r, uint64_t index,
                                          mkt_attr_transition *out)
{
    if (!r || !out)
        return r ? mkt__error(r->ctx, MKT_EINVAL, "mkt_attribution_transition: NULL argument")
                 : MKT_EINVAL;
    if (index >= r->nedges)
        return mkt__error(r->ctx, MKT_ENOTFOUND, "no transition %llu",
                          (unsigned long long)index);
    const struct mkt__attr_edge *e = &r->edges[index];
    memset(out, 0, sizeof *out);
    out->struct_size = sizeof *out;
    out->from = e->from;
    out->to = e->to;
    out->count = e->count;
    out->probability = e->prob;
    return MKT_OK;
}
