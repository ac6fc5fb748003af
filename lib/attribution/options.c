/* SPDX-License-Identifier: MIT */
/*
 * Attribution options: defaults, model names, and the checks that turn the caller's options
 * into the validated form the models read (weights resolved, half-life in seconds, the
 * direct channel looked up once instead of per touch).
 */
#include <math.h>
#include <string.h>

#include "attribution-private.h"

static const char *const model_names[] = {
    NULL, "first", "last", "last_non_direct", "linear", "time_decay",
    "position", "w_shaped", "custom", "markov", "shapley",
};
#define NMODELS ((int32_t)(sizeof model_names / sizeof model_names[0]))

MKT_EXPORT int mkt_attr_options_init(mkt_attr_options *opts)
{
    if (!opts)
        return MKT_EINVAL;
    mkt_attr_options d = MKT_ATTR_OPTIONS_INIT;
    *opts = d;
    return MKT_OK;
}

MKT_EXPORT const char *mkt_attr_model_name(int32_t model)
{
    return model > 0 && model < NMODELS ? model_names[model] : NULL;
}

MKT_EXPORT int mkt_attr_model_parse(const char *name, int32_t *model)
{
    if (!name || !model)
        return MKT_EINVAL;
    for (int32_t m = 1; m < NMODELS; m++)
        if (strcmp(name, model_names[m]) == 0) {
            *model = m;
            return MKT_OK;
        }
    if (strcmp(name, "u_shaped") == 0) {
        *model = MKT_ATTR_POSITION;
        return MKT_OK;
    }
    return MKT_ENOTFOUND;
}

int mkt__attr_is_rule_based(int32_t model)
{
    return model >= MKT_ATTR_FIRST && model <= MKT_ATTR_CUSTOM;
}

static int ascii_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + 32);
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* The caller's weights for @model, checked: finite, >= 0, not all 0, the model's count. */
static int read_weights(mkt_ctx *ctx, const mkt_attr_options *u, struct mkt__attr_opts *o)
{
    if (!u->weights) {
        if (u->model == MKT_ATTR_CUSTOM)
            return mkt__error(ctx, MKT_EINVAL, "attribution: the custom model needs weights");
        return MKT_OK;
    }
    uint32_t need = u->model == MKT_ATTR_POSITION ? 3 : u->model == MKT_ATTR_W_SHAPED ? 4 : 0;
    if (u->model != MKT_ATTR_POSITION && u->model != MKT_ATTR_W_SHAPED &&
        u->model != MKT_ATTR_CUSTOM)
        return mkt__error(ctx, MKT_EINVAL, "attribution: model %s takes no weights",
                          mkt_attr_model_name(u->model));
    if (need && u->weight_count != need)
        return mkt__error(ctx, MKT_EINVAL, "attribution: model %s takes %u weights, not %u",
                          mkt_attr_model_name(u->model), need, u->weight_count);
    if (u->weight_count == 0 || u->weight_count > MKT_ATTR_MAX_WEIGHTS)
        return mkt__error(ctx, MKT_EINVAL, "attribution: 1..%d custom weights, not %u",
                          MKT_ATTR_MAX_WEIGHTS, u->weight_count);
    double sum = 0;
    for (uint32_t i = 0; i < u->weight_count; i++) {
        if (!isfinite(u->weights[i]) || u->weights[i] < 0)
            return mkt__error(ctx, MKT_EINVAL, "attribution: weight %u is negative or not "
                              "finite", i + 1);
        sum += u->weights[i];
    }
    if (!(sum > 0) || !isfinite(sum))
        return mkt__error(ctx, MKT_EINVAL, "attribution: the weights sum to 0 (or overflow)");
    if (u->model == MKT_ATTR_POSITION)
        memcpy(o->pos_w, u->weights, sizeof o->pos_w);
    else if (u->model == MKT_ATTR_W_SHAPED)
        memcpy(o->w_w, u->weights, sizeof o->w_w);
    o->custom = u->weights;
    o->ncustom = u->weight_count;
    return MKT_OK;
}

static int check_scalars(mkt_ctx *ctx, const mkt_attr_options *u)
{
    if (!mkt_attr_model_name(u->model))
        return mkt__error(ctx, MKT_EINVAL, "attribution: unknown model %d", u->model);
    if (u->order < 1 || u->order > MKT_ATTR_MAX_ORDER)
        return mkt__error(ctx, MKT_EINVAL, "attribution: Markov order must be 1..%d, not %d",
                          MKT_ATTR_MAX_ORDER, u->order);
    if (!(u->half_life_days > 0) || !isfinite(u->half_life_days))
        return mkt__error(ctx, MKT_EINVAL, "attribution: half_life_days must be > 0");
    if (u->collapse_repeats != 0 && u->collapse_repeats != 1)
        return mkt__error(ctx, MKT_EINVAL, "attribution: collapse_repeats must be 0 or 1");
    if (u->per_touch != 0 && u->per_touch != 1)
        return mkt__error(ctx, MKT_EINVAL, "attribution: per_touch must be 0 or 1");
    if (u->shapley_max_exact < 0 || u->shapley_max_exact > MKT_ATTR_MAX_SHAPLEY_EXACT)
        return mkt__error(ctx, MKT_EINVAL, "attribution: shapley_max_exact must be 0..%d",
                          MKT_ATTR_MAX_SHAPLEY_EXACT);
    if (!u->direct_channel)
        return mkt__error(ctx, MKT_EINVAL, "attribution: direct_channel is NULL");
    return MKT_OK;
}

int mkt__attr_opts_read(mkt_ctx *ctx, const mkt_paths *paths, const mkt_attr_options *user,
                        struct mkt__attr_opts *o)
{
    static const double pos_default[3] = {0.4, 0.2, 0.4}, w_default[4] = {0.3, 0.3, 0.3, 0.1};
    memset(o, 0, sizeof *o);
    mkt_attr_options d = MKT_ATTR_OPTIONS_INIT;
    o->o = d;
    if (user) {
        if (user->struct_size < offsetof(mkt_attr_options, model) + sizeof user->model)
            return mkt__error(ctx, MKT_EINVAL, "mkt_attr_options: struct_size too small");
        memcpy(&o->o, user, user->struct_size < sizeof o->o ? user->struct_size : sizeof o->o);
        o->o.struct_size = sizeof o->o;
    }
    memcpy(o->pos_w, pos_default, sizeof o->pos_w);
    memcpy(o->w_w, w_default, sizeof o->w_w);
    int rc = check_scalars(ctx, &o->o);
    if (rc == MKT_OK)
        rc = read_weights(ctx, &o->o, o);
    if (rc)
        return rc;
    o->half_life_s = o->o.half_life_days * 86400.0;
    uint32_t nch = mkt_paths_channel_count(paths);
    o->is_direct = mkt__calloc(ctx, nch ? nch : 1, 1);
    if (!o->is_direct)
        return mkt__oom(ctx);
    for (uint32_t c = 0; c < nch; c++)
        o->is_direct[c] = (uint8_t)ascii_ieq(mkt_paths_channel_name(paths, c),
                                             o->o.direct_channel);
    return MKT_OK;
}

void mkt__attr_opts_free(mkt_ctx *ctx, struct mkt__attr_opts *o)
{
    mkt__free(ctx, o->is_direct);
    o->is_direct = NULL;
}
