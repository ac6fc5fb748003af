/* SPDX-License-Identifier: MIT */
/*
 * RFM over a loaded table: one pass over the booking store into the per-customer accumulators
 * of facts.c, the scored customers put in id order, then the scoring of score.c. The result
 * owns copies of the ids, so it outlives changes to the table (but mkt_rfm_apply() needs the
 * rows it names to still exist).
 */
#include <string.h>

#include "data/table-private.h"
#include "rfm-private.h"

struct summary {
    uint64_t customers;
    mkt__i128 recency, frequency, monetary;
};

struct rfm_res {
    struct mkt_rfm pub;
    struct summary sum[MKT_RFM_SEGMENT_COUNT + 1];
};

int mkt__resolve_as_of(mkt_ctx *ctx, mkt_date as_of, mkt_date *out, const char *fn)
{
    if (as_of != MKT_NULL_DATE) {
        int32_t y, m, d;
        mkt_date_to_ymd(as_of, &y, &m, &d);
        if (y < 1 || y > 9999)
            return mkt__error(ctx, MKT_ERANGE, "%s: as-of date outside years 1..9999", fn);
        *out = as_of;
        return MKT_OK;
    }
    mkt_time now;
    int rc = mkt_ctx_now(ctx, &now);
    if (rc == MKT_OK)
        *out = mkt_time_to_date(now);
    return rc;
}

static const char *currency_name(const void *t, uint32_t id)
{
    return mkt__intern_str(&((const mkt_table *)t)->currencies, id, NULL);
}

/* The scaled rate of every table currency (0 where the fx table has none). */
static int table_rates(mkt_ctx *ctx, const mkt_table *t, const mkt_rfm_fx *fx, int64_t **out,
                       size_t *n)
{
    *n = mkt__intern_count(&t->currencies);
    *out = mkt__calloc(ctx, *n ? *n : 1, sizeof **out);
    if (!*out)
        return mkt__oom(ctx);
    for (size_t i = 0; i < *n; i++) {
        size_t len;
        const char *code = mkt__intern_str(&t->currencies, (uint32_t)i, &len);
        (*out)[i] = mkt__fx_rate(fx, code, len);
    }
    return MKT_OK;
}

static int accumulate(mkt_ctx *ctx, const mkt_table *t, const mkt_rfm_options *o,
                      struct mkt__rfm_acc *a, int64_t *rates, size_t nrates)
{
    int rc = mkt__rfm_acc_init(a, ctx, mkt__table_rows(t), o->as_of, o->window_months,
                               o->fx ? rates : NULL, nrates);
    if (rc == MKT_OK)
        rc = mkt__rfm_acc_currencies(a, nrates);
    if (rc)
        return rc;
    const struct mkt__bookings *b = &t->bk;
    for (size_t i = 0; i < b->len; i++) {
        /* bookings are in load order, customers all over: fetch ahead to hide the misses */
        if (i + 16 < b->len && b->cust[i + 16] < a->ncust)
            __builtin_prefetch(&a->cust[b->cust[i + 16]], 1);
        mkt__rfm_acc_add(a, b->cust[i], mkt_time_to_date(b->time[i]), b->total[i],
                         b->currency[i], b->status[i] == MKT_BOOKING_CONFIRMED);
    }
    return mkt__rfm_acc_check(a, currency_name, t);
}

/* The scored customers (count > 0) in id order. */
static int scored_rows(mkt_ctx *ctx, const struct mkt__rfm_acc *a, mkt__id_fn id,
                       const void *id_data, int in_order, uint32_t **rows, size_t *n)
{
    size_t k = 0;
    for (size_t r = 0; r < a->ncust; r++)
        k += a->cust[r].count > 0;
    *n = k;
    *rows = mkt__reallocarray(ctx, NULL, k ? k : 1, sizeof **rows);
    if (in_order && *rows) { /* fresh memory is slow here: no id array to build and sort */
        for (size_t r = 0, j = 0; r < a->ncust; r++)
            if (a->cust[r].count)
                (*rows)[j++] = (uint32_t)r;
        return MKT_OK;
    }
    struct mkt__idref *ids = mkt__reallocarray(ctx, NULL, k ? k : 1, sizeof *ids);
    uint32_t *idx = mkt__reallocarray(ctx, NULL, k ? k : 1, sizeof *idx);
    int rc = *rows && ids && idx ? MKT_OK : mkt__oom(ctx);
    for (size_t r = 0, j = 0; rc == MKT_OK && r < a->ncust; r++) {
        if (!a->cust[r].count)
            continue;
        (*rows)[j] = (uint32_t)r;
        ids[j].p = id(id_data, (uint32_t)r, &ids[j].n);
        idx[j] = (uint32_t)j;
        j++;
    }
    if (rc == MKT_OK)
        rc = mkt__sort_by_id(ctx, ids, idx, k);
    for (size_t j = 0; rc == MKT_OK && j < k; j++)
        idx[j] = (*rows)[idx[j]];
    if (rc == MKT_OK)
        memcpy(*rows, idx, k * sizeof *idx);
    mkt__free(ctx, ids);
    mkt__free(ctx, idx);
    return rc;
}

/* Copy ids and facts of the scored customers into the result. */
static int fill_facts(struct mkt_rfm *res, const struct mkt__rfm_acc *a, mkt__id_fn id,
                      const void *id_data)
{
    mkt_ctx *ctx = res->ctx;
    size_t bytes = 0, n = res->n;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        id(id_data, res->row[i], &len);
        bytes += len + 1;
    }
    res->ids_buf = mkt__malloc(ctx, bytes ? bytes : 1);
    res->facts = mkt__calloc(ctx, n ? n : 1, sizeof *res->facts);
    res->score = mkt__calloc(ctx, n ? n : 1, sizeof *res->score);
    res->pct = mkt__calloc(ctx, n ? n : 1, sizeof *res->pct);
    if (!res->ids_buf || !res->facts || !res->score || !res->pct)
        return mkt__oom(ctx);
    char *p = res->ids_buf;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *bytes = id(id_data, res->row[i], &len);
        memcpy(p, bytes, len);
        p[len] = '\0';
        const struct mkt__rfm_cust *c = &a->cust[res->row[i]];
        mkt_rfm_facts *f = &res->facts[i];
        f->customer_id = p;
        f->id_len = len;
        f->recency = a->as_of - c->last;
        f->frequency = c->count;
        int rc = mkt__rfm_acc_monetary(a, res->row[i], &f->monetary);
        if (rc)
            return rc;
        p += len + 1;
    }
    return MKT_OK;
}

/* 100 * PERCENT_RANK() OVER (ORDER BY monetary), when the scoring did not sort by it. */
static int percentiles(struct mkt_rfm *res)
{
    mkt_ctx *ctx = res->ctx;
    size_t n = res->n;
    struct mkt__sortbuf buf;
    int rc = mkt__sortbuf_init(ctx, &buf, n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        buf.a[i] = (struct mkt__kv){(uint64_t)res->facts[i].monetary ^ (UINT64_C(1) << 63),
                                    (uint32_t)i};
    mkt__sort_kv(&buf, n);
    mkt__percent_ranks(buf.a, n, NULL, res->pct);
    mkt__sortbuf_free(ctx, &buf);
    return MKT_OK;
}

static void summarise(struct rfm_res *r)
{
    for (size_t i = 0; i < r->pub.n; i++) {
        struct summary *s = &r->sum[r->pub.score[i].segment];
        s->customers++;
        s->recency += r->pub.facts[i].recency;
        s->frequency += r->pub.facts[i].frequency;
        s->monetary += r->pub.facts[i].monetary;
    }
}

MKT_EXPORT void mkt_rfm_free(mkt_rfm *rfm)
{
    if (!rfm)
        return;
    mkt_ctx *ctx = rfm->ctx;
    mkt__free(ctx, rfm->row);
    mkt__free(ctx, rfm->ids_buf);
    mkt__free(ctx, rfm->facts);
    mkt__free(ctx, rfm->score);
    mkt__free(ctx, rfm->pct);
    mkt__free(ctx, rfm);
}

int mkt__rfm_result(mkt_ctx *ctx, const struct mkt__rfm_acc *a, mkt__id_fn id,
                    const void *id_data, int in_order, const mkt_rfm_options *o,
                    mkt_rfm **out)
{
    *out = NULL;
    struct rfm_res *res = mkt__calloc(ctx, 1, sizeof *res);
    if (!res)
        return mkt__oom(ctx);
    res->pub.ctx = ctx;
    res->pub.as_of = a->as_of;
    int rc = scored_rows(ctx, a, id, id_data, in_order, &res->pub.row, &res->pub.n);
    if (rc == MKT_OK)
        rc = fill_facts(&res->pub, a, id, id_data);
    int ntile = o->scoring == MKT_RFM_NTILE;
    if (rc == MKT_OK)
        rc = mkt__rfm_score(ctx, res->pub.facts, res->pub.n, o, 1, res->pub.score,
                            ntile ? res->pub.pct : NULL);
    if (rc == MKT_OK && !ntile)
        rc = percentiles(&res->pub);
    if (rc) {
        mkt_rfm_free(&res->pub);
        return rc;
    }
    summarise(res);
    *out = &res->pub;
    return MKT_OK;
}

const char *mkt__rfm_table_id(const void *t, uint32_t row, size_t *len)
{
    return mkt__table_id(t, row, len);
}

MKT_EXPORT int mkt_rfm_compute(mkt_rfm **out, mkt_ctx *ctx, const mkt_table *t,
                               const mkt_rfm_options *opts)
{
    if (out)
        *out = NULL;
    if (!out || !ctx || !t)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_rfm_compute: NULL argument") : MKT_EINVAL;
    mkt_rfm_options o;
    int rc = mkt__rfm_options(ctx, opts, &o, "mkt_rfm_compute");
    if (rc == MKT_OK)
        rc = mkt__resolve_as_of(ctx, o.as_of, &o.as_of, "mkt_rfm_compute");
    if (rc)
        return rc;
    struct mkt__rfm_acc a;
    memset(&a, 0, sizeof a);
    a.ctx = ctx;
    int64_t *rates = NULL;
    size_t nrates = 0;
    rc = table_rates(ctx, t, o.fx, &rates, &nrates);
    if (rc == MKT_OK)
        rc = accumulate(ctx, t, &o, &a, rates, nrates);
    if (rc == MKT_OK)
        rc = mkt__rfm_result(ctx, &a, mkt__rfm_table_id, t, 0, &o, out);
    mkt__rfm_acc_free(&a);
    mkt__free(ctx, rates);
    return rc;
}

MKT_EXPORT uint64_t mkt_rfm_count(const mkt_rfm *rfm)
{
    return rfm ? rfm->n : 0;
}

MKT_EXPORT mkt_date mkt_rfm_as_of(const mkt_rfm *rfm)
{
    return rfm ? rfm->as_of : MKT_NULL_DATE;
}

MKT_EXPORT int mkt_rfm_get(const mkt_rfm *rfm, uint64_t index, mkt_rfm_row *out)
{
    if (!rfm || !out || out->struct_size < sizeof(size_t))
        return rfm ? mkt__error(rfm->ctx, MKT_EINVAL, "mkt_rfm_get: NULL argument or "
                                                      "struct_size not set")
                   : MKT_EINVAL;
    if (index >= rfm->n)
        return mkt__error(rfm->ctx, MKT_ENOTFOUND, "mkt_rfm_get: row %llu of %zu",
                          (unsigned long long)index, rfm->n);
    const mkt_rfm_facts *f = &rfm->facts[index];
    const mkt_rfm_score *s = &rfm->score[index];
    uint64_t row = rfm->row[index] == UINT32_MAX ? UINT64_MAX : rfm->row[index];
    mkt_rfm_row r = {out->struct_size, f->customer_id, f->id_len, row, f->recency,
                     f->frequency, f->monetary, s->r, s->f, s->m, s->code, s->segment,
                     rfm->pct[index]};
    size_t size = out->struct_size < sizeof r ? out->struct_size : sizeof r;
    memcpy(out, &r, size);
    return MKT_OK;
}

MKT_EXPORT int mkt_rfm_find(const mkt_rfm *rfm, const char *id, size_t len, uint64_t *index)
{
    if (!rfm || !id || !index)
        return rfm ? mkt__error(rfm->ctx, MKT_EINVAL, "mkt_rfm_find: NULL argument")
                   : MKT_EINVAL;
    size_t lo = 0, hi = rfm->n;
    while (lo < hi) { /* rows are in byte order of their ids */
        size_t mid = lo + (hi - lo) / 2;
        const mkt_rfm_facts *f = &rfm->facts[mid];
        size_t m = f->id_len < len ? f->id_len : len;
        int c = memcmp(f->customer_id, id, m);
        if (c == 0)
            c = f->id_len < len ? -1 : f->id_len > len;
        if (c == 0) {
            *index = mid;
            return MKT_OK;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return MKT_ENOTFOUND;
}

MKT_EXPORT int mkt_rfm_summary_get(const mkt_rfm *rfm, int32_t segment, mkt_rfm_summary *out)
{
    if (!rfm || !out || out->struct_size < sizeof(size_t))
        return rfm ? mkt__error(rfm->ctx, MKT_EINVAL, "mkt_rfm_summary_get: NULL argument or "
                                                      "struct_size not set")
                   : MKT_EINVAL;
    if (segment < 0 || segment > MKT_RFM_SEGMENT_COUNT)
        return mkt__error(rfm->ctx, MKT_ENOTFOUND, "mkt_rfm_summary_get: no segment %d",
                          (int)segment);
    const struct summary *s = &((const struct rfm_res *)rfm)->sum[segment];
    double n = (double)s->customers;
    mkt_rfm_summary r = {out->struct_size, segment, s->customers, 0, 0, 0, 0, 0};
    if (s->customers) {
        r.share = n / (double)rfm->n;
        r.avg_recency = (double)s->recency / n;
        r.avg_frequency = (double)s->frequency / n;
        r.avg_monetary = (double)s->monetary / n;
    }
    if (s->monetary > INT64_MAX || s->monetary < INT64_MIN)
        return mkt__error(rfm->ctx, MKT_ERANGE, "mkt_rfm_summary_get: total overflows int64");
    r.total_monetary = (int64_t)s->monetary;
    size_t size = out->struct_size < sizeof r ? out->struct_size : sizeof r;
    memcpy(out, &r, size);
    return MKT_OK;
}
