/* SPDX-License-Identifier: MIT */
/*
 * Lifecycle stages. The seed's six definitions overlap (a customer can be New and Active) and
 * leave a gap (one booking 60 days ago that is not the first); lifecycle.h lists the total
 * precedence that resolves both, and mkt__life_stage() is that list in code. The facts it
 * needs stream: first and last date, counts over 90 and 180 days, and for Reactivated only
 * the latest booking before the 90-day window and the earliest inside it, because a gap of
 * more than 180 days that ends inside the window cannot lie between two bookings that are
 * both inside it (they are at most 90 days apart).
 */
#include <string.h>

#include "data/table-private.h"
#include "rfm-private.h"

static const char *const stage_names[MKT_LIFECYCLE_STAGE_COUNT + 1] = {
    NULL, "Prospect", "New", "Active", "Engaged", "At-Risk", "Churned", "Reactivated",
};

MKT_EXPORT const char *mkt_lifecycle_stage_name(int32_t stage)
{
    return stage >= 1 && stage <= MKT_LIFECYCLE_STAGE_COUNT ? stage_names[stage] : NULL;
}

MKT_EXPORT int mkt_lifecycle_facts_init(mkt_lifecycle_facts *facts)
{
    if (!facts)
        return MKT_EINVAL;
    mkt_lifecycle_facts d = MKT_LIFECYCLE_FACTS_INIT;
    *facts = d;
    return MKT_OK;
}

int32_t mkt__life_stage(const struct mkt__life_cust *c, mkt_date as_of)
{
    if (c->first == MKT_NULL_DATE)
        return MKT_STAGE_PROSPECT;
    int64_t last_age = (int64_t)as_of - c->last;
    if (last_age > 180)
        return MKT_STAGE_CHURNED;
    if (last_age > 90)
        return MKT_STAGE_AT_RISK; /* even with 5+ bookings in 180 days: none in 90 */
    if ((int64_t)as_of - c->first <= 30)
        return MKT_STAGE_NEW; /* before Active and Engaged: the welcome comes first */
    if (c->last_before != MKT_NULL_DATE && c->first_within != MKT_NULL_DATE &&
        (int64_t)c->first_within - c->last_before > 180)
        return MKT_STAGE_REACTIVATED; /* before Active and Engaged: re-onboard first */
    if (c->n180 >= 5)
        return MKT_STAGE_ENGAGED;
    /* 2+ bookings in 90 days, and the seed's gap: one booking in 90 days, not the first
     * ever, not a return after a long gap. Both booked recently: Active. */
    return MKT_STAGE_ACTIVE;
}

/* Facts that cannot come from any set of bookings on or before @d are refused. */
static int facts_consistent(const mkt_lifecycle_facts *f, mkt_date d)
{
    if (f->first_date == MKT_NULL_DATE)
        return f->last_date == MKT_NULL_DATE && f->count_90 == 0 && f->count_180 == 0 &&
               f->last_before_90 == MKT_NULL_DATE && f->first_within_90 == MKT_NULL_DATE;
    if (f->last_date == MKT_NULL_DATE || f->first_date > f->last_date || f->last_date > d ||
        f->count_90 < 0 || f->count_90 > f->count_180)
        return 0;
    int64_t last_age = (int64_t)d - f->last_date;
    int within = last_age <= 90;
    if (within != (f->count_90 > 0) || within != (f->first_within_90 != MKT_NULL_DATE))
        return 0;
    if ((last_age <= 180) != (f->count_180 > 0))
        return 0;
    if (f->first_within_90 != MKT_NULL_DATE &&
        ((int64_t)d - f->first_within_90 > 90 || f->first_within_90 < f->first_date))
        return 0;
    return f->last_before_90 == MKT_NULL_DATE ||
           ((int64_t)d - f->last_before_90 > 90 && f->last_before_90 >= f->first_date);
}

MKT_EXPORT int mkt_lifecycle_stage_of(const mkt_lifecycle_facts *f, mkt_date as_of,
                                      int32_t *stage)
{
    if (!f || !stage || !MKT_HAS_FIELD(f, mkt_lifecycle_facts, first_within_90) ||
        as_of == MKT_NULL_DATE || !facts_consistent(f, as_of))
        return MKT_EINVAL;
    struct mkt__life_cust c = {f->first_date, f->last_date, f->last_before_90,
                               f->first_within_90, 0, 0};
    c.n90 = f->count_90 > UINT32_MAX ? UINT32_MAX : (uint32_t)f->count_90;
    c.n180 = f->count_180 > UINT32_MAX ? UINT32_MAX : (uint32_t)f->count_180;
    *stage = mkt__life_stage(&c, as_of);
    return MKT_OK;
}

int mkt__life_acc_init(struct mkt__life_acc *a, mkt_ctx *ctx, size_t ncust, mkt_date as_of)
{
    a->as_of = as_of;
    a->ncust = ncust;
    a->cust = mkt__reallocarray(ctx, NULL, ncust ? ncust : 1, sizeof *a->cust);
    if (!a->cust)
        return mkt__oom(ctx);
    const struct mkt__life_cust none = {MKT_NULL_DATE, MKT_NULL_DATE, MKT_NULL_DATE,
                                        MKT_NULL_DATE, 0, 0};
    for (size_t i = 0; i < ncust; i++)
        a->cust[i] = none;
    return MKT_OK;
}

const struct mkt__life_cust mkt__life_none = {MKT_NULL_DATE, MKT_NULL_DATE, MKT_NULL_DATE,
                                              MKT_NULL_DATE, 0, 0};

int mkt__life_acc_grow(struct mkt__life_acc *a, mkt_ctx *ctx, size_t ncust)
{
    if (ncust <= a->ncust)
        return MKT_OK;
    struct mkt__life_cust *c = mkt__reallocarray(ctx, a->cust, ncust, sizeof *c);
    if (!c)
        return mkt__oom(ctx);
    for (size_t i = a->ncust; i < ncust; i++)
        c[i] = mkt__life_none;
    a->cust = c;
    a->ncust = ncust;
    return MKT_OK;
}

/* ---- results ----------------------------------------------------------------------------- */

/* Customers 0..n-1 sorted by id into *order. */
static int by_id(mkt_ctx *ctx, size_t n, mkt__id_fn id, const void *id_data, uint32_t **order)
{
    *order = mkt__reallocarray(ctx, NULL, n ? n : 1, sizeof **order);
    struct mkt__idref *ids = mkt__reallocarray(ctx, NULL, n ? n : 1, sizeof *ids);
    int rc = *order && ids ? MKT_OK : mkt__oom(ctx);
    for (size_t r = 0; rc == MKT_OK && r < n; r++) {
        (*order)[r] = (uint32_t)r;
        ids[r].p = id(id_data, (uint32_t)r, &ids[r].n);
    }
    if (rc == MKT_OK)
        rc = mkt__sort_by_id(ctx, ids, *order, n);
    mkt__free(ctx, ids);
    return rc;
}

/* The ids of rows[0..n) back to back, NUL-terminated, with n + 1 offsets. */
static int copy_ids(mkt_ctx *ctx, const uint32_t *rows, size_t n, mkt__id_fn id,
                    const void *id_data, char **buf, size_t **off)
{
    *off = mkt__reallocarray(ctx, NULL, n + 1, sizeof **off);
    if (!*off)
        return mkt__oom(ctx);
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        id(id_data, rows[i], &len);
        (*off)[i] = bytes;
        bytes += len + 1;
    }
    (*off)[n] = bytes;
    *buf = mkt__malloc(ctx, bytes ? bytes : 1);
    if (!*buf)
        return mkt__oom(ctx);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *p = id(id_data, rows[i], &len);
        memcpy(*buf + (*off)[i], p, len);
        (*buf)[(*off)[i] + len] = '\0';
    }
    return MKT_OK;
}

MKT_EXPORT void mkt_lifecycle_free(mkt_lifecycle *lc)
{
    if (!lc)
        return;
    mkt_ctx *ctx = lc->ctx;
    mkt__free(ctx, lc->row);
    mkt__free(ctx, lc->ids_buf);
    mkt__free(ctx, lc->id_off);
    mkt__free(ctx, lc->stage);
    mkt__free(ctx, lc->facts);
    mkt__free(ctx, lc);
}

/* Sort, stage and count; takes a->cust over (freed with the result, or here on failure). */
static int fill(mkt_lifecycle *lc, struct mkt__life_acc *a, mkt__id_fn id, const void *id_data)
{
    mkt_ctx *ctx = lc->ctx;
    lc->facts = a->cust; /* by customer index until reordered below */
    lc->n = a->ncust;
    a->cust = NULL;
    int rc = by_id(ctx, lc->n, id, id_data, &lc->row);
    if (rc == MKT_OK)
        rc = copy_ids(ctx, lc->row, lc->n, id, id_data, &lc->ids_buf, &lc->id_off);
    struct mkt__life_cust *sorted = NULL;
    if (rc == MKT_OK) {
        lc->stage = mkt__reallocarray(ctx, NULL, lc->n ? lc->n : 1, sizeof *lc->stage);
        sorted = mkt__reallocarray(ctx, NULL, lc->n ? lc->n : 1, sizeof *sorted);
        rc = lc->stage && sorted ? MKT_OK : mkt__oom(ctx);
    }
    if (rc) {
        mkt__free(ctx, sorted);
        return rc;
    }
    for (size_t i = 0; i < lc->n; i++) {
        sorted[i] = lc->facts[lc->row[i]];
        lc->stage[i] = mkt__life_stage(&sorted[i], lc->as_of);
        lc->counts[lc->stage[i]]++;
    }
    mkt__free(ctx, lc->facts);
    lc->facts = sorted;
    return MKT_OK;
}

int mkt__life_result(mkt_ctx *ctx, struct mkt__life_acc *a, mkt__id_fn id, const void *id_data,
                     mkt_lifecycle **out)
{
    *out = NULL;
    mkt_lifecycle *lc = mkt__calloc(ctx, 1, sizeof *lc);
    if (!lc) {
        mkt__free(ctx, a->cust);
        a->cust = NULL;
        return mkt__oom(ctx);
    }
    lc->ctx = ctx;
    lc->as_of = a->as_of;
    int rc = fill(lc, a, id, id_data);
    if (rc) {
        mkt_lifecycle_free(lc);
        return rc;
    }
    *out = lc;
    return MKT_OK;
}

MKT_EXPORT int mkt_lifecycle_compute(mkt_lifecycle **out, mkt_ctx *ctx, const mkt_table *t,
                                     mkt_date as_of)
{
    if (out)
        *out = NULL;
    if (!out || !ctx || !t)
        return ctx ? mkt__error(ctx, MKT_EINVAL, "mkt_lifecycle_compute: NULL argument")
                   : MKT_EINVAL;
    mkt_date d;
    int rc = mkt__resolve_as_of(ctx, as_of, &d, "mkt_lifecycle_compute");
    struct mkt__life_acc a;
    if (rc == MKT_OK)
        rc = mkt__life_acc_init(&a, ctx, mkt__table_rows(t), d);
    if (rc)
        return rc;
    const struct mkt__bookings *b = &t->bk;
    for (size_t i = 0; i < b->len; i++) {
        if (i + 16 < b->len && b->cust[i + 16] < a.ncust) /* as in rfm.c */
            __builtin_prefetch(&a.cust[b->cust[i + 16]], 1);
        mkt__life_acc_add(&a, b->cust[i], mkt_time_to_date(b->time[i]),
                          b->status[i] == MKT_BOOKING_CONFIRMED);
    }
    return mkt__life_result(ctx, &a, mkt__rfm_table_id, t, out);
}

MKT_EXPORT uint64_t mkt_lifecycle_count(const mkt_lifecycle *lc)
{
    return lc ? lc->n : 0;
}

MKT_EXPORT mkt_date mkt_lifecycle_as_of(const mkt_lifecycle *lc)
{
    return lc ? lc->as_of : MKT_NULL_DATE;
}

MKT_EXPORT int mkt_lifecycle_get(const mkt_lifecycle *lc, uint64_t index, mkt_lifecycle_row *out)
{
    if (!lc || !out || out->struct_size < sizeof(size_t))
        return lc ? mkt__error(lc->ctx, MKT_EINVAL, "mkt_lifecycle_get: NULL argument or "
                                                    "struct_size not set")
                  : MKT_EINVAL;
    if (index >= lc->n)
        return mkt__error(lc->ctx, MKT_ENOTFOUND, "mkt_lifecycle_get: row %llu of %zu",
                          (unsigned long long)index, lc->n);
    const struct mkt__life_cust *c = &lc->facts[index];
    mkt_lifecycle_row r = {out->struct_size, lc->ids_buf + lc->id_off[index],
                           lc->id_off[index + 1] - lc->id_off[index] - 1,
                           lc->row[index] == UINT32_MAX ? UINT64_MAX : lc->row[index],
                           lc->stage[index], c->first, c->last, c->n90, c->n180};
    size_t size = out->struct_size < sizeof r ? out->struct_size : sizeof r;
    memcpy(out, &r, size);
    return MKT_OK;
}

MKT_EXPORT int mkt_lifecycle_stage_count(const mkt_lifecycle *lc, int32_t stage,
                                         uint64_t *count)
{
    if (!lc || !count)
        return lc ? mkt__error(lc->ctx, MKT_EINVAL, "mkt_lifecycle_stage_count: NULL argument")
                  : MKT_EINVAL;
    if (stage < 1 || stage > MKT_LIFECYCLE_STAGE_COUNT)
        return mkt__error(lc->ctx, MKT_ENOTFOUND, "mkt_lifecycle_stage_count: no stage %d",
                          (int)stage);
    *count = lc->counts[stage];
    return MKT_OK;
}
