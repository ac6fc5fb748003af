/* SPDX-License-Identifier: MIT */
/*
 * Attribution path sets: creation, reading, adding aggregated paths (equal channel sequences
 * summed), channel and campaign names, and the mark/rollback that makes loads all-or-nothing.
 */
#include <string.h>

#include "paths-private.h"

MKT_EXPORT int mkt_paths_options_init(mkt_paths_options *opts)
{
    if (!opts)
        return MKT_EINVAL;
    mkt_paths_options d = MKT_PATHS_OPTIONS_INIT;
    *opts = d;
    return MKT_OK;
}

int mkt__paths_options(mkt_ctx *ctx, const mkt_paths_options *user, mkt_paths_options *o)
{
    mkt_paths_options d = MKT_PATHS_OPTIONS_INIT;
    *o = d;
    if (user) {
        if (user->struct_size < offsetof(mkt_paths_options, separator) + sizeof o->separator)
            return mkt__error(ctx, MKT_EINVAL, "mkt_paths_options: struct_size too small");
        memcpy(o, user, user->struct_size < sizeof *o ? user->struct_size : sizeof *o);
    }
    if (o->value_decimals < 0 || o->value_decimals > 9)
        return mkt__error(ctx, MKT_EINVAL, "value_decimals must be 0..9");
    if (o->round_values != 0 && o->round_values != 1)
        return mkt__error(ctx, MKT_EINVAL, "round_values must be 0 or 1");
    if (!o->path_column || !o->conversions_column)
        return mkt__error(ctx, MKT_EINVAL, "path_column and conversions_column are required");
    return MKT_OK;
}

MKT_EXPORT int mkt_paths_new(mkt_paths **out, mkt_ctx *ctx)
{
    if (!out || !ctx)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_paths_new: NULL argument") : MKT_EINVAL;
    mkt_paths *p = mkt__calloc(ctx, 1, sizeof *p);
    *out = p;
    if (!p)
        return mkt__oom(ctx);
    p->ctx = ctx;
    mkt__intern_init(&p->channels, ctx);
    mkt__intern_init(&p->campaigns, ctx);
    mkt__intern_init(&p->journeys, ctx);
    mkt__intern_init(&p->keys, ctx);
    return MKT_OK;
}

MKT_EXPORT void mkt_paths_free(mkt_paths *p)
{
    if (!p)
        return;
    mkt_ctx *ctx = p->ctx;
    mkt__intern_free(&p->channels);
    mkt__intern_free(&p->campaigns);
    mkt__intern_free(&p->journeys);
    mkt__intern_free(&p->keys);
    MKT__VEC_FREE(ctx, &p->key_path);
    MKT__VEC_FREE(ctx, &p->paths);
    MKT__VEC_FREE(ctx, &p->touch_ch);
    MKT__VEC_FREE(ctx, &p->touch_ts);
    MKT__VEC_FREE(ctx, &p->touch_camp);
    MKT__VEC_FREE(ctx, &p->undo);
    MKT__VEC_FREE(ctx, &p->scratch);
    mkt__free(ctx, p);
}

void mkt__paths_mark(mkt_paths *p)
{
    p->mark.paths = p->paths.len;
    p->mark.touches = p->touch_ch.len;
    p->mark.tp = p->touch_ts.len;
    p->mark.channels = mkt__intern_count(&p->channels);
    p->mark.campaigns = mkt__intern_count(&p->campaigns);
    p->mark.journeys = mkt__intern_count(&p->journeys);
    p->mark.keys = mkt__intern_count(&p->keys);
    p->undo.len = 0;
}

void mkt__paths_rollback(mkt_paths *p)
{
    /* Sums were only ever added to paths from before the mark: subtract them again. */
    for (size_t k = p->undo.len; k-- > 0;) {
        const struct mkt__path_undo *u = &p->undo.data[k];
        struct mkt__path *path = &p->paths.data[u->path];
        path->conversions -= u->conversions;
        path->value -= u->value;
        path->nulls -= u->nulls;
    }
    p->undo.len = 0;
    p->paths.len = p->mark.paths;
    p->touch_ch.len = p->mark.touches;
    p->touch_ts.len = p->touch_camp.len = p->mark.tp;
    p->key_path.len = p->mark.keys;
    mkt__intern_truncate(&p->channels, p->mark.channels);
    mkt__intern_truncate(&p->campaigns, p->mark.campaigns);
    mkt__intern_truncate(&p->journeys, p->mark.journeys);
    mkt__intern_truncate(&p->keys, p->mark.keys);
}

static int sum_into(mkt_paths *p, size_t idx, int64_t conversions, int64_t value, int64_t nulls)
{
    struct mkt__path *path = &p->paths.data[idx];
    int64_t c, v, n;
    if (__builtin_add_overflow(path->conversions, conversions, &c) ||
        __builtin_add_overflow(path->value, value, &v) ||
        __builtin_add_overflow(path->nulls, nulls, &n))
        return MKT_ERANGE;
    if (idx < p->mark.paths) {
        struct mkt__path_undo u = {idx, conversions, value, nulls};
        if (MKT__VEC_PUSH(p->ctx, &p->undo, u))
            return MKT_ENOMEM;
    }
    path->conversions = c;
    path->value = v;
    path->nulls = n;
    return MKT_OK;
}

int mkt__paths_add_scratch(mkt_paths *p, int64_t conversions, int64_t value, int64_t nulls)
{
    const char *key = (const char *)p->scratch.data;
    size_t klen = p->scratch.len * sizeof(uint32_t);
    uint32_t kid;
    int is_new;
    int rc = mkt__intern_put(&p->keys, key, klen, &kid, &is_new);
    if (rc)
        return rc;
    if (!is_new)
        return sum_into(p, p->key_path.data[kid], conversions, value, nulls);
    struct mkt__path path = {p->touch_ch.len, SIZE_MAX, (uint32_t)p->scratch.len,
                             MKT__NO_JOURNEY, conversions, value, nulls};
    if (MKT__VEC_RESERVE(p->ctx, &p->touch_ch, p->scratch.len) ||
        MKT__VEC_PUSH(p->ctx, &p->key_path, p->paths.len) ||
        MKT__VEC_PUSH(p->ctx, &p->paths, path))
        return MKT_ENOMEM; /* the caller rolls back the key */
    memcpy(p->touch_ch.data + p->touch_ch.len, p->scratch.data,
           p->scratch.len * sizeof(uint32_t));
    p->touch_ch.len += p->scratch.len;
    return MKT_OK;
}

MKT_EXPORT int mkt_paths_add(mkt_paths *p, const char *const *channels, uint32_t length,
                             int64_t conversions, int64_t value, int64_t nulls)
{
    if (!p)
        return MKT_EINVAL;
    if (!channels || length == 0)
        return mkt__error(p->ctx, MKT_EINVAL, "mkt_paths_add: empty path");
    if (conversions < 0 || value < 0 || nulls < 0)
        return mkt__error(p->ctx, MKT_ERANGE, "mkt_paths_add: negative figure");
    for (uint32_t i = 0; i < length; i++)
        if (!channels[i] || !channels[i][0] || !mkt__utf8_valid(channels[i], strlen(channels[i])))
            return mkt__error(p->ctx, MKT_EINVAL, "mkt_paths_add: channel %u is empty or not "
                              "valid UTF-8", i);
    mkt__paths_mark(p);
    p->scratch.len = 0;
    int rc = MKT__VEC_RESERVE(p->ctx, &p->scratch, length);
    for (uint32_t i = 0; rc == MKT_OK && i < length; i++)
        rc = mkt__intern_put(&p->channels, channels[i], strlen(channels[i]),
                             &p->scratch.data[p->scratch.len++], NULL);
    if (rc == MKT_OK)
        rc = mkt__paths_add_scratch(p, conversions, value, nulls);
    if (rc) {
        mkt__paths_rollback(p);
        if (rc == MKT_ERANGE)
            return mkt__error(p->ctx, rc, "mkt_paths_add: a sum overflows");
    }
    return rc;
}

MKT_EXPORT uint64_t mkt_paths_count(const mkt_paths *p)
{
    return p ? p->paths.len : 0;
}

MKT_EXPORT int mkt_paths_get(const mkt_paths *p, uint64_t index, mkt_path *out)
{
    if (!p || !out)
        return p ? mkt__error(p->ctx, MKT_EINVAL, "mkt_paths_get: NULL argument") : MKT_EINVAL;
    if (index >= p->paths.len)
        return mkt__error(p->ctx, MKT_ENOTFOUND, "no path %llu", (unsigned long long)index);
    const struct mkt__path *path = &p->paths.data[index];
    mkt_path r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    r.length = path->len;
    r.channels = p->touch_ch.data + path->off;
    if (path->journey != MKT__NO_JOURNEY) {
        r.journey_id = mkt__intern_str(&p->journeys, path->journey, NULL);
        r.ts = p->touch_ts.data + path->tp_off;
        r.campaigns = p->touch_camp.data + path->tp_off;
    }
    r.conversions = path->conversions;
    r.value = path->value;
    r.nulls = path->nulls;
    *out = r;
    return MKT_OK;
}

MKT_EXPORT uint32_t mkt_paths_channel_count(const mkt_paths *p)
{
    return p ? mkt__intern_count(&p->channels) : 0;
}

MKT_EXPORT const char *mkt_paths_channel_name(const mkt_paths *p, uint32_t id)
{
    return p ? mkt__intern_str(&p->channels, id, NULL) : NULL;
}

MKT_EXPORT uint32_t mkt_paths_campaign_count(const mkt_paths *p)
{
    return p ? mkt__intern_count(&p->campaigns) : 0;
}

MKT_EXPORT const char *mkt_paths_campaign_name(const mkt_paths *p, uint32_t id)
{
    return p ? mkt__intern_str(&p->campaigns, id, NULL) : NULL;
}
