/* SPDX-License-Identifier: MIT */
/*
 * Step (b) of RFM: scoring an array of facts, fixed thresholds or SQL NTILE, then the code and
 * the named segment. Pure: nothing here knows where the facts came from.
 *
 * NTILE(k) OVER (ORDER BY key, customer_id): the rows are put in id order once, each dimension
 * is then sorted stably by its key (so equal keys stay in id order), and the row at 0-based
 * position p gets the bucket SQL gives it: n rows into k buckets of n / k rows, the first
 * n % k buckets one row larger. Recency is ordered descending (the oldest last booking comes
 * first and scores 1), frequency and monetary ascending, so that 5 is always best.
 */
#include <string.h>

#include "rfm-private.h"

MKT_EXPORT int mkt_rfm_options_init(mkt_rfm_options *opts)
{
    if (!opts)
        return MKT_EINVAL;
    mkt_rfm_options d = MKT_RFM_OPTIONS_INIT;
    *opts = d;
    return MKT_OK;
}

/* 1 when a[0] < a[1] < a[2] < a[3] and a[0] >= lo. */
static int increasing(const int64_t *a, int64_t lo)
{
    return a[0] >= lo && a[0] < a[1] && a[1] < a[2] && a[2] < a[3];
}

static int check_thresholds(mkt_ctx *ctx, const mkt_rfm_options *o, const char *fn)
{
    int64_t rd[4];
    for (int i = 0; i < 4; i++)
        rd[i] = o->recency_days[i];
    if (!increasing(rd, 0))
        return mkt__error(ctx, MKT_EINVAL, "%s: recency_days must be >= 0 and strictly "
                                           "increasing", fn);
    if (!increasing(o->frequency_min, 1))
        return mkt__error(ctx, MKT_EINVAL, "%s: frequency_min must be >= 1 and strictly "
                                           "increasing", fn);
    if (!increasing(o->monetary_max, 0))
        return mkt__error(ctx, MKT_EINVAL, "%s: monetary_max must be >= 0 and strictly "
                                           "increasing", fn);
    return MKT_OK;
}

static int check_map(mkt_ctx *ctx, const int32_t *map, const char *fn)
{
    for (int i = 0; map && i < MKT_RFM_MAP_SIZE; i++)
        if (map[i] < 1 || map[i] > MKT_RFM_SEGMENT_COUNT)
            return mkt__error(ctx, MKT_EINVAL, "%s: segment_map[%d] (code %d%d%d) is %d, not a "
                                               "segment 1..%d", fn, i, i / 25 + 1, i / 5 % 5 + 1,
                              i % 5 + 1, (int)map[i], MKT_RFM_SEGMENT_COUNT);
    return MKT_OK;
}

int mkt__rfm_options(mkt_ctx *ctx, const mkt_rfm_options *in, mkt_rfm_options *o,
                     const char *fn)
{
    mkt_rfm_options_init(o);
    if (!in)
        return MKT_OK;
    if (in->struct_size < sizeof(size_t) + sizeof(mkt_date))
        return mkt__error(ctx, MKT_EINVAL, "%s: options struct_size %zu is too small", fn,
                          in->struct_size);
#define TAKE(f)                                                                              \
    if (MKT_HAS_FIELD(in, mkt_rfm_options, f))                                               \
        memcpy(&o->f, &in->f, sizeof o->f);
    TAKE(as_of)
    TAKE(window_months)
    TAKE(scoring)
    TAKE(buckets)
    TAKE(recency_days)
    TAKE(frequency_min)
    TAKE(monetary_max)
    TAKE(segment_map)
    TAKE(fx)
#undef TAKE
    if (o->window_months < 1 || o->window_months > 1200)
        return mkt__error(ctx, MKT_EINVAL, "%s: window_months %d is not 1..1200", fn,
                          (int)o->window_months);
    if (o->scoring != MKT_RFM_FIXED && o->scoring != MKT_RFM_NTILE)
        return mkt__error(ctx, MKT_EINVAL, "%s: scoring %d is neither MKT_RFM_FIXED nor "
                                           "MKT_RFM_NTILE", fn, (int)o->scoring);
    /* Three one-digit scores make the code; 1..9 buckets keep it unambiguous. */
    if (o->buckets < 1 || o->buckets > 9)
        return mkt__error(ctx, MKT_EINVAL, "%s: buckets %d is not 1..9", fn, (int)o->buckets);
    if (o->scoring == MKT_RFM_FIXED && o->buckets != 5)
        return mkt__error(ctx, MKT_EINVAL, "%s: fixed scoring has 5 buckets, not %d", fn,
                          (int)o->buckets);
    int rc = check_thresholds(ctx, o, fn);
    return rc ? rc : check_map(ctx, o->segment_map, fn);
}

static int32_t fixed_r(const mkt_rfm_options *o, int32_t recency)
{
    int32_t s = 5;
    for (int i = 0; i < 4 && recency > o->recency_days[i]; i++)
        s--;
    return s;
}

static int32_t fixed_f(const mkt_rfm_options *o, int64_t frequency)
{
    int32_t s = 1;
    for (int i = 0; i < 4 && frequency >= o->frequency_min[i]; i++)
        s++;
    return s;
}

static int32_t fixed_m(const mkt_rfm_options *o, int64_t monetary)
{
    int32_t s = 1;
    for (int i = 0; i < 4 && monetary > o->monetary_max[i]; i++)
        s++;
    return s;
}

/* Sort key of dimension @dim (0 R, 1 F, 2 M) so that ascending key is SQL's ORDER BY. */
static uint64_t key_of(const mkt_rfm_facts *f, int dim)
{
    switch (dim) {
    case 0: return (uint64_t)((int64_t)INT32_MAX - f->recency); /* recency DESC */
    case 1: return (uint64_t)f->frequency;                      /* >= 1 */
    default: return (uint64_t)f->monetary ^ (UINT64_C(1) << 63); /* signed order */
    }
}

static void set_dim(mkt_rfm_score *s, int dim, int32_t v)
{
    if (dim == 0)
        s->r = v;
    else if (dim == 1)
        s->f = v;
    else
        s->m = v;
}

static int score_ntile(mkt_ctx *ctx, const mkt_rfm_facts *facts, size_t n, int32_t k,
                       int sorted, mkt_rfm_score *out, double *pct)
{
    if (n == 0)
        return MKT_OK;
    struct mkt__sortbuf buf;
    uint32_t *by_id = mkt__reallocarray(ctx, NULL, n, sizeof *by_id);
    struct mkt__idref *ids = sorted ? NULL : mkt__reallocarray(ctx, NULL, n, sizeof *ids);
    int rc = by_id && (sorted || ids) ? mkt__sortbuf_init(ctx, &buf, n) : mkt__oom(ctx);
    if (rc) {
        mkt__free(ctx, by_id);
        mkt__free(ctx, ids);
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        by_id[i] = (uint32_t)i;
        if (ids)
            ids[i] = (struct mkt__idref){facts[i].customer_id, facts[i].id_len};
    }
    if (!sorted)
        mkt__sort_ids(&buf, ids, by_id, n);
    for (int dim = 0; dim < 3; dim++) {
        /* keys in id order, so a stable sort by key leaves ties in id order */
        for (size_t p = 0; p < n; p++)
            buf.a[p] = (struct mkt__kv){key_of(&facts[by_id[p]], dim), (uint32_t)p};
        mkt__sort_kv(&buf, n);
        for (size_t p = 0; p < n; p++)
            set_dim(&out[by_id[buf.a[p].idx]], dim, mkt__ntile(p, n, k));
        if (dim == 2 && pct)
            mkt__percent_ranks(buf.a, n, by_id, pct);
    }
    mkt__sortbuf_free(ctx, &buf);
    mkt__free(ctx, by_id);
    mkt__free(ctx, ids);
    return MKT_OK;
}

static int check_facts(mkt_ctx *ctx, const mkt_rfm_facts *facts, size_t n)
{
    if (n > UINT32_MAX)
        return mkt__error(ctx, MKT_EINVAL, "mkt_rfm_score_facts: more than 2^32-1 customers");
    for (size_t i = 0; i < n; i++) {
        const mkt_rfm_facts *f = &facts[i];
        if (!f->customer_id && f->id_len)
            return mkt__error(ctx, MKT_EINVAL, "mkt_rfm_score_facts: facts[%zu] has a NULL id",
                              i);
        if (f->recency < 0 || f->frequency < 1)
            return mkt__error(ctx, MKT_EINVAL, "mkt_rfm_score_facts: facts[%zu] has recency %d "
                                               "and frequency %lld (need >= 0 and >= 1)",
                              i, (int)f->recency, (long long)f->frequency);
    }
    return MKT_OK;
}

int mkt__rfm_score(mkt_ctx *ctx, const mkt_rfm_facts *facts, size_t n,
                   const mkt_rfm_options *o, int sorted, mkt_rfm_score *out, double *pct)
{
    int rc = check_facts(ctx, facts, n);
    if (rc == MKT_OK && o->scoring == MKT_RFM_NTILE)
        rc = score_ntile(ctx, facts, n, o->buckets, sorted, out, pct);
    for (size_t i = 0; rc == MKT_OK && i < n; i++) {
        mkt_rfm_score *s = &out[i];
        if (o->scoring == MKT_RFM_FIXED) {
            s->r = fixed_r(o, facts[i].recency);
            s->f = fixed_f(o, facts[i].frequency);
            s->m = fixed_m(o, facts[i].monetary);
        }
        s->code = s->r * 100 + s->f * 10 + s->m;
        s->segment = MKT_RFM_SEGMENT_NONE;
        if (o->buckets == 5) {
            int idx = (s->r - 1) * 25 + (s->f - 1) * 5 + (s->m - 1);
            s->segment = o->segment_map ? o->segment_map[idx] : mkt__rfm_default_map[idx];
        }
    }
    return rc;
}

MKT_EXPORT int mkt_rfm_score_facts(mkt_ctx *ctx, const mkt_rfm_facts *facts, size_t n,
                                   const mkt_rfm_options *opts, mkt_rfm_score *out)
{
    if (!ctx)
        return MKT_EINVAL;
    if (n && (!facts || !out))
        return mkt__error(ctx, MKT_EINVAL, "mkt_rfm_score_facts: NULL argument");
    mkt_rfm_options o;
    int rc = mkt__rfm_options(ctx, opts, &o, "mkt_rfm_score_facts");
    return rc ? rc : mkt__rfm_score(ctx, facts, n, &o, 0, out, NULL);
}
