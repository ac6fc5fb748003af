/* SPDX-License-Identifier: MIT */
/*
 * Loading touchpoints.csv: rows are read into staging arrays, grouped by journey_id with a
 * counting sort (journeys in order of first appearance; a journey's rows need not be
 * adjacent), each journey's rows ordered by ts (ties keep file order), and each journey turned
 * into one path whose conversion and value come from its last row. All-or-nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "paths-private.h"

struct touch_rows {
    MKT__VEC(uint32_t) journey;
    MKT__VEC(mkt_time) ts;
    MKT__VEC(uint32_t) channel;
    MKT__VEC(uint32_t) campaign;
    MKT__VEC(uint8_t) converted;
    MKT__VEC(int64_t) value;
};

static void rows_free(mkt_ctx *ctx, struct touch_rows *t)
{
    MKT__VEC_FREE(ctx, &t->journey);
    MKT__VEC_FREE(ctx, &t->ts);
    MKT__VEC_FREE(ctx, &t->channel);
    MKT__VEC_FREE(ctx, &t->campaign);
    MKT__VEC_FREE(ctx, &t->converted);
    MKT__VEC_FREE(ctx, &t->value);
}

enum { T_JOURNEY, T_TS, T_CHANNEL, T_CAMPAIGN, T_CONVERTED, T_VALUE, T_N };

static const struct mkt__field_spec touch_spec[T_N] = {
    {"journey_id", 1}, {"ts", 1}, {"channel", 1}, {"campaign", 0}, {"converted", 1}, {"value", 0},
};

static int read_row(mkt_paths *p, mkt__csv *r, const int *m, const mkt_paths_options *o,
                    struct touch_rows *t)
{
    struct mkt__str journey, channel, campaign = mkt__field(r, m[T_CAMPAIGN]);
    mkt_time ts;
    int64_t value;
    uint8_t conv = 0;
    int rc;
    if ((rc = mkt__check_width(r)) || (rc = mkt__field_str(r, m[T_JOURNEY], 1, &journey)) ||
        (rc = mkt__field_time(r, m[T_TS], 1, "invalid timestamp", &ts)) ||
        (rc = mkt__field_str(r, m[T_CHANNEL], 1, &channel)) ||
        (rc = mkt__paths_value_field(r, m[T_VALUE], o, &value)))
        return rc;
    struct mkt__str cs = mkt__field(r, m[T_CONVERTED]);
    if (cs.p && mkt__parse_bool(cs.p, cs.n, &conv) != MKT_OK)
        return mkt__csv_error(r, MKT_EPARSE, (size_t)m[T_CONVERTED],
                              "invalid boolean '%.*s' (expected 0 or 1)",
                              mkt__quote_len(cs.p, cs.n), cs.p);
    uint32_t jid, chid, cid = UINT32_MAX;
    int is_new;
    if ((rc = mkt__intern_put(&p->journeys, journey.p, journey.n, &jid, &is_new)))
        return rc;
    if (!is_new && jid < p->mark.journeys)
        return mkt__csv_error(r, MKT_EEXIST, (size_t)m[T_JOURNEY],
                              "journey '%.*s' was loaded before", mkt__quote_len(journey.p,
                              journey.n), journey.p);
    if ((rc = mkt__intern_put(&p->channels, channel.p, channel.n, &chid, NULL)) ||
        (campaign.p && (rc = mkt__intern_put(&p->campaigns, campaign.p, campaign.n, &cid, NULL))))
        return rc;
    if (MKT__VEC_PUSH(p->ctx, &t->journey, jid) || MKT__VEC_PUSH(p->ctx, &t->ts, ts) ||
        MKT__VEC_PUSH(p->ctx, &t->channel, chid) || MKT__VEC_PUSH(p->ctx, &t->campaign, cid) ||
        MKT__VEC_PUSH(p->ctx, &t->converted, conv) || MKT__VEC_PUSH(p->ctx, &t->value, value))
        return MKT_ENOMEM;
    /* Vectors may now differ in length by one; the load fails and frees them anyway. */
    return MKT_OK;
}

/* Order of rows by time, ties by row number (so the sort is stable). */
static int by_ts(const void *a, const void *b, void *ctx)
{
    const mkt_time *ts = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (ts[x] != ts[y])
        return ts[x] < ts[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

static void sort_group(uint32_t *rows, size_t n, const mkt_time *ts)
{
    if (n > 16) {
        qsort_r(rows, n, sizeof *rows, by_ts, (void *)ts);
        return;
    }
    for (size_t i = 1; i < n; i++) { /* insertion sort: most journeys are short */
        uint32_t v = rows[i];
        size_t j = i;
        while (j > 0 && by_ts(&rows[j - 1], &v, (void *)ts) > 0) {
            rows[j] = rows[j - 1];
            j--;
        }
        rows[j] = v;
    }
}

/* Group the staged rows by journey and append one path per journey. */
static int build_paths(mkt_paths *p, const struct touch_rows *t)
{
    mkt_ctx *ctx = p->ctx;
    size_t n = t->journey.len, j0 = p->mark.journeys;
    size_t nj = mkt__intern_count(&p->journeys) - j0;
    size_t *start = mkt__calloc(ctx, nj + 1, sizeof *start);
    uint32_t *order = mkt__reallocarray(ctx, NULL, n ? n : 1, sizeof *order);
    int rc = MKT_OK;
    if (!start || !order || MKT__VEC_RESERVE(ctx, &p->touch_ch, n) ||
        MKT__VEC_RESERVE(ctx, &p->touch_ts, n) || MKT__VEC_RESERVE(ctx, &p->touch_camp, n) ||
        MKT__VEC_RESERVE(ctx, &p->paths, nj)) {
        rc = mkt__oom(ctx);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        start[t->journey.data[i] - j0 + 1]++;
    for (size_t k = 0; k < nj; k++)
        start[k + 1] += start[k];
    for (size_t i = 0; i < n; i++) /* scatter in file order */
        order[start[t->journey.data[i] - j0]++] = (uint32_t)i;
    for (size_t k = nj; k > 0; k--) /* start[k] was advanced to the end of group k */
        start[k] = start[k - 1];
    start[0] = 0;
    for (size_t k = 0; k < nj; k++) {
        size_t a = start[k], len = start[k + 1] - a;
        sort_group(order + a, len, t->ts.data);
        uint32_t last = order[a + len - 1];
        int conv = t->converted.data[last];
        struct mkt__path path = {p->touch_ch.len, p->touch_ts.len, (uint32_t)len,
                                 (uint32_t)(j0 + k), conv, t->value.data[last], !conv};
        for (size_t i = a; i < a + len; i++) {
            p->touch_ch.data[p->touch_ch.len++] = t->channel.data[order[i]];
            p->touch_ts.data[p->touch_ts.len++] = t->ts.data[order[i]];
            p->touch_camp.data[p->touch_camp.len++] = t->campaign.data[order[i]];
        }
        p->paths.data[p->paths.len++] = path;
    }
out:
    mkt__free(ctx, start);
    mkt__free(ctx, order);
    return rc;
}

int mkt__paths_load_touch_csv(mkt_paths *p, mkt__csv *r, const mkt_paths_options *o)
{
    int m[T_N];
    int rc = mkt__csv_next(r);
    if (rc == 0)
        return mkt__error_at(p->ctx, MKT_EPARSE, r->name, 1, 0, NULL, "empty file: no header");
    if (rc < 0 || (rc = mkt__map_header(r, touch_spec, T_N, m)))
        return rc;
    struct touch_rows t;
    memset(&t, 0, sizeof t);
    mkt__paths_mark(p);
    while ((rc = mkt__csv_next(r)) == 1)
        if ((rc = read_row(p, r, m, o, &t)))
            break;
    if (rc == MKT_OK && t.journey.len > UINT32_MAX - 1)
        rc = mkt__error_at(p->ctx, MKT_ETOOBIG, r->name, 0, 0, NULL, "too many touchpoints");
    if (rc == MKT_OK)
        rc = mkt__csv_finish(r);
    if (rc == MKT_OK)
        rc = build_paths(p, &t);
    rows_free(p->ctx, &t);
    if (rc)
        mkt__paths_rollback(p);
    return rc;
}

static int check_journey(mkt_ctx *ctx, const char *journey_id, const char *const *channels,
                         const mkt_time *ts, const char *const *campaigns, uint32_t length,
                         int32_t converted, int64_t value)
{
    if (!journey_id || !journey_id[0] || !channels || !ts || length == 0)
        return mkt__error(ctx, MKT_EINVAL, "mkt_paths_add_journey: NULL argument, empty "
                          "journey id or no touches");
    if (converted != 0 && converted != 1)
        return mkt__error(ctx, MKT_EINVAL, "mkt_paths_add_journey: converted must be 0 or 1");
    if (value < 0)
        return mkt__error(ctx, MKT_ERANGE, "mkt_paths_add_journey: negative value");
    for (uint32_t i = 0; i < length; i++) {
        if (!channels[i] || !channels[i][0] || !mkt__utf8_valid(channels[i], strlen(channels[i])))
            return mkt__error(ctx, MKT_EINVAL, "mkt_paths_add_journey: channel %u is empty or "
                              "not valid UTF-8", i);
        if (campaigns && campaigns[i] && !mkt__utf8_valid(campaigns[i], strlen(campaigns[i])))
            return mkt__error(ctx, MKT_EINVAL, "mkt_paths_add_journey: campaign %u is not "
                              "valid UTF-8", i);
        if (i > 0 && ts[i] < ts[i - 1])
            return mkt__error(ctx, MKT_EINVAL, "mkt_paths_add_journey: touch %u is earlier "
                              "than touch %u", i, i - 1);
    }
    return MKT_OK;
}

MKT_EXPORT int mkt_paths_add_journey(mkt_paths *p, const char *journey_id,
                                     const char *const *channels, const mkt_time *ts,
                                     const char *const *campaigns, uint32_t length,
                                     int32_t converted, int64_t value)
{
    if (!p)
        return MKT_EINVAL;
    int rc = check_journey(p->ctx, journey_id, channels, ts, campaigns, length, converted,
                           value);
    if (rc)
        return rc;
    mkt__paths_mark(p);
    uint32_t jid;
    int is_new;
    if ((rc = mkt__intern_put(&p->journeys, journey_id, strlen(journey_id), &jid, &is_new)))
        goto fail;
    if (!is_new) {
        mkt__paths_rollback(p);
        return mkt__error(p->ctx, MKT_EEXIST, "mkt_paths_add_journey: journey '%s' was added "
                          "before", journey_id);
    }
    if (MKT__VEC_RESERVE(p->ctx, &p->touch_ch, length) ||
        MKT__VEC_RESERVE(p->ctx, &p->touch_ts, length) ||
        MKT__VEC_RESERVE(p->ctx, &p->touch_camp, length) || MKT__VEC_RESERVE(p->ctx, &p->paths, 1)) {
        rc = MKT_ENOMEM;
        goto fail;
    }
    struct mkt__path path = {p->touch_ch.len, p->touch_ts.len, length, jid, converted, value,
                             !converted};
    for (uint32_t i = 0; i < length; i++) {
        uint32_t ch, camp = UINT32_MAX;
        if ((rc = mkt__intern_put(&p->channels, channels[i], strlen(channels[i]), &ch, NULL)) ||
            (campaigns && campaigns[i] && campaigns[i][0] &&
             (rc = mkt__intern_put(&p->campaigns, campaigns[i], strlen(campaigns[i]), &camp,
                                   NULL))))
            goto fail;
        p->touch_ch.data[p->touch_ch.len + i] = ch;
        p->touch_ts.data[p->touch_ts.len + i] = ts[i];
        p->touch_camp.data[p->touch_camp.len + i] = camp;
    }
    p->touch_ch.len += length;
    p->touch_ts.len += length;
    p->touch_camp.len += length;
    p->paths.data[p->paths.len++] = path;
    return MKT_OK;
fail:
    mkt__paths_rollback(p);
    return rc;
}
