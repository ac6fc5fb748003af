/* SPDX-License-Identifier: MIT */
/*
 * Loading aggregated path files (paths.csv and exports such as ChannelAttribution's
 * `path;total_conversions;total_conversion_value;total_null`): columns mapped by name through
 * the options, the path split on '>' with the whitespace around each channel trimmed, equal
 * paths summed. All-or-nothing.
 */
#include <string.h>

#include "paths-private.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Split "A > B > C" into channel ids in p->scratch. */
static int split_path(mkt_paths *p, mkt__csv *r, int col)
{
    struct mkt__str s = mkt__field(r, col);
    p->scratch.len = 0;
    if (!s.p)
        return mkt__csv_error(r, MKT_EPARSE, (size_t)col, "empty path");
    size_t i = 0;
    for (;;) {
        const char *gt = memchr(s.p + i, '>', s.n - i);
        size_t end = gt ? (size_t)(gt - s.p) : s.n, a = i, b = end;
        while (a < b && is_space(s.p[a]))
            a++;
        while (b > a && is_space(s.p[b - 1]))
            b--;
        if (a == b)
            return mkt__csv_error(r, MKT_EPARSE, (size_t)col, "empty channel name in path '%.*s'",
                                  mkt__quote_len(s.p, s.n), s.p);
        if (p->scratch.len >= UINT32_MAX)
            return mkt__csv_error(r, MKT_ETOOBIG, (size_t)col, "path too long");
        uint32_t id;
        int rc = mkt__intern_put(&p->channels, s.p + a, b - a, &id, NULL);
        if (rc == MKT_OK)
            rc = MKT__VEC_PUSH(p->ctx, &p->scratch, id);
        if (rc)
            return rc;
        if (!gt)
            return MKT_OK;
        i = end + 1;
    }
}

/* A non-negative count; empty is 0 unless @required. */
static int count_field(mkt__csv *r, int col, int required, int64_t *out)
{
    struct mkt__str s = mkt__field(r, col);
    *out = 0;
    if (!s.p)
        return required ? mkt__csv_error(r, MKT_EPARSE, (size_t)col, "missing value") : MKT_OK;
    int rc = mkt__parse_int64(s.p, s.n, out);
    if (rc == MKT_OK && *out < 0)
        rc = MKT_ERANGE;
    if (rc)
        return mkt__csv_error(r, rc, (size_t)col, "invalid count '%.*s' (an integer >= 0)",
                              mkt__quote_len(s.p, s.n), s.p);
    return MKT_OK;
}

int mkt__paths_value_field(mkt__csv *r, int col, const mkt_paths_options *o, int64_t *out)
{
    struct mkt__str s = mkt__field(r, col);
    *out = 0;
    if (!s.p)
        return MKT_OK;
    int rc = mkt__parse_money_round(s.p, s.n, o->value_decimals, o->round_values, out);
    if (rc == MKT_OK && *out < 0)
        rc = MKT_ERANGE;
    if (rc == MKT_ERANGE)
        return mkt__csv_error(r, rc, (size_t)col, "value out of range '%.*s'",
                              mkt__quote_len(s.p, s.n), s.p);
    if (rc)
        return mkt__csv_error(r, rc, (size_t)col, "invalid value '%.*s' (at most %d decimals%s)",
                              mkt__quote_len(s.p, s.n), s.p, (int)o->value_decimals,
                              o->round_values ? "" : "; see round_values");
    return MKT_OK;
}

static int path_rows(mkt_paths *p, mkt__csv *r, const int *m, const mkt_paths_options *o)
{
    int rc;
    while ((rc = mkt__csv_next(r)) == 1) {
        int64_t conv, value, nulls;
        if ((rc = mkt__check_width(r)) || (rc = split_path(p, r, m[0])) ||
            (rc = count_field(r, m[1], 1, &conv)) ||
            (rc = mkt__paths_value_field(r, m[2], o, &value)) ||
            (rc = count_field(r, m[3], 0, &nulls)))
            return rc;
        rc = mkt__paths_add_scratch(p, conv, value, nulls);
        if (rc == MKT_ERANGE)
            return mkt__csv_error(r, rc, (size_t)m[1], "a sum over equal paths overflows");
        if (rc)
            return rc;
    }
    return rc;
}

int mkt__paths_load_paths_csv(mkt_paths *p, mkt__csv *r, const mkt_paths_options *o)
{
    struct mkt__field_spec spec[4] = {
        {o->path_column, 1},
        {o->conversions_column, 1},
        {o->value_column ? o->value_column : "", 0},
        {o->nulls_column ? o->nulls_column : "", 0},
    };
    int m[4];
    int rc = mkt__csv_next(r);
    if (rc == 0)
        return mkt__error_at(p->ctx, MKT_EPARSE, r->name, 1, 0, NULL, "empty file: no header");
    if (rc < 0 || (rc = mkt__map_header(r, spec, 4, m)))
        return rc;
    /* An option naming no column ("" or NULL) means the column is absent. */
    if (!spec[2].name[0])
        m[2] = -1;
    if (!spec[3].name[0])
        m[3] = -1;
    mkt__paths_mark(p);
    rc = path_rows(p, r, m, o);
    if (rc == MKT_OK)
        rc = mkt__csv_finish(r);
    if (rc)
        mkt__paths_rollback(p);
    p->undo.len = 0;
    return rc;
}

static int load(mkt_paths *p, const char *file, const mkt_paths_options *user, int touch)
{
    if (!p || !file)
        return p ? mkt__error(p->ctx, MKT_EINVAL, "paths load: NULL argument") : MKT_EINVAL;
    mkt_paths_options o;
    int rc = mkt__paths_options(p->ctx, user, &o);
    if (rc)
        return rc;
    mkt__csv *r;
    rc = mkt__open_for_load(&r, p->ctx, file, o.separator, o.progress, o.progress_data);
    if (rc)
        return rc;
    rc = touch ? mkt__paths_load_touch_csv(p, r, &o) : mkt__paths_load_paths_csv(p, r, &o);
    mkt__csv_free(r);
    return rc;
}

MKT_EXPORT int mkt_paths_load_paths(mkt_paths *p, const char *file,
                                    const mkt_paths_options *opts)
{
    return load(p, file, opts, 0);
}

MKT_EXPORT int mkt_paths_load_touchpoints(mkt_paths *p, const char *file,
                                          const mkt_paths_options *opts)
{
    return load(p, file, opts, 1);
}
