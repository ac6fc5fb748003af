/* SPDX-License-Identifier: MIT */
/*
 * Entry points: mkt_attribute() for one model and mkt_attribute_many() for several, where
 * the rule-based models share one pass over the paths and the data-driven ones run after it.
 */
#include <string.h>

#include "attribution-private.h"

static void free_all(mkt_attribution **out, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        mkt_attribution_free(out[i]);
        out[i] = NULL;
    }
}

static int takes_weights(int32_t model)
{
    return model == MKT_ATTR_POSITION || model == MKT_ATTR_W_SHAPED || model == MKT_ATTR_CUSTOM;
}

/* Read the options once per model (weights only for the models that take them) and merge
 * the resolved weights into @o. */
static int read_all_opts(mkt_ctx *ctx, const mkt_paths *paths, const int32_t *models,
                         uint32_t count, const mkt_attr_options *user, struct mkt__attr_opts *o)
{
    mkt_attr_options u = MKT_ATTR_OPTIONS_INIT;
    memset(o, 0, sizeof *o);
    if (user) {
        if (user->struct_size < offsetof(mkt_attr_options, model) + sizeof user->model)
            return mkt__error(ctx, MKT_EINVAL, "mkt_attr_options: struct_size too small");
        memcpy(&u, user, user->struct_size < sizeof u ? user->struct_size : sizeof u);
        u.struct_size = sizeof u;
    }
    int rc = MKT_OK;
    for (uint32_t i = 0; i < count && rc == MKT_OK; i++) {
        struct mkt__attr_opts one;
        mkt_attr_options m = u;
        m.model = models[i];
        if (!takes_weights(m.model) && count > 1) {
            m.weights = NULL;
            m.weight_count = 0;
        }
        if ((rc = mkt__attr_opts_read(ctx, paths, &m, &one)))
            break;
        if (i == 0) {
            *o = one;
            continue;
        }
        mkt__attr_opts_free(ctx, &one);
        if (m.model == MKT_ATTR_POSITION)
            memcpy(o->pos_w, one.pos_w, sizeof o->pos_w);
        else if (m.model == MKT_ATTR_W_SHAPED)
            memcpy(o->w_w, one.w_w, sizeof o->w_w);
        else if (m.model == MKT_ATTR_CUSTOM) {
            o->custom = one.custom;
            o->ncustom = one.ncustom;
        }
    }
    return rc;
}

static int run_data_driven(mkt_attribution *r, const struct mkt__attr_opts *o)
{
    int rc = r->model == MKT_ATTR_MARKOV ? mkt__attr_markov_run(r, o)
                                         : mkt__attr_shapley_run(r, o);
    return rc ? rc : mkt__attr_result_finish(r);
}

MKT_EXPORT int mkt_attribute_many(mkt_attribution **out, const int32_t *models, uint32_t count,
                                  const mkt_paths *paths, const mkt_attr_options *opts)
{
    if (!out || !paths)
        return paths ? mkt__error(paths->ctx, MKT_EINVAL, "mkt_attribute: NULL argument")
                     : MKT_EINVAL;
    mkt_ctx *ctx = paths->ctx;
    if (!models || count == 0)
        return mkt__error(ctx, MKT_EINVAL, "mkt_attribute_many: no models");
    memset(out, 0, count * sizeof *out);
    struct mkt__attr_opts o;
    int rc = read_all_opts(ctx, paths, models, count, opts, &o);
    if (rc) {
        mkt__attr_opts_free(ctx, &o);
        return rc;
    }
    mkt_attribution **rules = mkt__calloc(ctx, count, sizeof *rules);
    uint32_t nrules = 0;
    if (!rules)
        rc = mkt__oom(ctx);
    for (uint32_t i = 0; i < count && rc == MKT_OK; i++) {
        rc = mkt__attr_result_new(&out[i], paths, models[i], o.o.per_touch);
        if (rc == MKT_OK && mkt__attr_is_rule_based(models[i]))
            rules[nrules++] = out[i];
    }
    if (rc == MKT_OK && nrules)
        rc = mkt__attr_rules_run(rules, nrules, &o);
    for (uint32_t i = 0; i < nrules && rc == MKT_OK; i++)
        rc = mkt__attr_result_finish(rules[i]);
    for (uint32_t i = 0; i < count && rc == MKT_OK; i++)
        if (!mkt__attr_is_rule_based(models[i]))
            rc = run_data_driven(out[i], &o);
    mkt__free(ctx, rules);
    mkt__attr_opts_free(ctx, &o);
    if (rc)
        free_all(out, count);
    return rc;
}

MKT_EXPORT int mkt_attribute(mkt_attribution **out, const mkt_paths *paths,
                             const mkt_attr_options *opts)
{
    if (out)
        *out = NULL;
    if (!out || !paths)
        return paths ? mkt__error(paths->ctx, MKT_EINVAL, "mkt_attribute: NULL argument")
                     : MKT_EINVAL;
    mkt_attr_options d = MKT_ATTR_OPTIONS_INIT;
    int32_t model = d.model;
    if (opts && opts->struct_size >= offsetof(mkt_attr_options, model) + sizeof opts->model)
        model = opts->model;
    return mkt_attribute_many(out, &model, 1, paths, opts);
}
