/* SPDX-License-Identifier: MIT */
/*
 * The booking store: one flat array per booking field (categorical text as interned ids,
 * booking ids in an id store by index), staging of new bookings and
 * the commit step that folds them into the per-customer aggregates and the table statistics.
 * Staging may fail (unknown customers, memory); the commit finds duplicate ids and reserves what
 * it needs first and then cannot fail, which is what makes loads all-or-nothing.
 */
#include <string.h>

#include "table-private.h"

#define ARRAY(field) a.slots[a.n] = &b->field, a.sizes[a.n++] = sizeof *b->field

static struct mkt__arrays booking_arrays(struct mkt__bookings *b)
{
    struct mkt__arrays a = {.n = 0};
    ARRAY(cust), ARRAY(time), ARRAY(dep), ARRAY(origin), ARRAY(dest);
    ARRAY(route), ARRAY(trip), ARRAY(cabin), ARRAY(fare), ARRAY(channel);
    ARRAY(currency), ARRAY(pax), ARRAY(status), ARRAY(total), ARRAY(anc);
    return a;
}

int mkt__bookings_reserve(mkt_table *t, size_t extra)
{
    struct mkt__bookings *b = &t->bk;
    if (b->len + extra <= b->cap)
        return MKT_OK; /* the per-record path */
    struct mkt__arrays a = booking_arrays(b);
    return mkt__grow_arrays(t->ctx, &a, b->len + extra, &b->cap);
}

void mkt__bookings_free(mkt_ctx *ctx, struct mkt__bookings *b)
{
    struct mkt__arrays a = booking_arrays(b);
    mkt__free_arrays(ctx, &a);
    mkt__idstore_free(&b->ids);
    mkt_ctx *keep = b->ids.ctx;
    memset(b, 0, sizeof *b);
    mkt__idstore_init(&b->ids, keep);
}

int mkt__bookings_stage(mkt_table *t, const struct mkt__bk_in *in, int32_t unknown, int *bad)
{
    struct mkt__bookings *b = &t->bk;
    *bad = 0;
    if (b->len >= UINT32_MAX - 2)
        return mkt__error(t->ctx, MKT_ETOOBIG, "too many bookings");
    /* Every amount ever added fits in int64, so no per-customer or per-currency sum can
     * overflow later, in the commit step that must not fail. */
    int64_t add = in->total, guard;
    if ((in->anc != MKT_NULL_INT64 && __builtin_add_overflow(add, in->anc, &add)) ||
        __builtin_add_overflow(t->amount_guard, add, &guard)) {
        *bad = MKT__BAD_AMOUNT;
        return MKT_ERANGE;
    }
    int rc = mkt__bookings_reserve(t, 1);
    if (rc)
        return rc;
    uint32_t row = in->row1 - 1;
    if (in->row1 == 0) /* else found by a parsing thread */
        rc = mkt__table_customer_for(t, in->cust, unknown, &row);
    if (rc == MKT_ENOTFOUND)
        *bad = MKT__BAD_CUSTOMER;
    if (rc)
        return rc;
    if (!t->scache) /* without it (no memory) every lookup goes to the dictionary */
        t->scache = mkt__calloc(t->ctx, 1, mkt__strcache_size());
    struct mkt__strcache *sc = t->scache;
    size_t i = b->len;
    struct mkt__str cur = in->currency.p ? in->currency : (struct mkt__str){"USD", 3};
    if ((rc = mkt__strcache_id(sc, &t->strings, in->origin, &b->origin[i])) ||
        (rc = mkt__strcache_id(sc, &t->strings, in->dest, &b->dest[i])) ||
        (rc = mkt__strcache_id(sc, &t->strings, in->route, &b->route[i])) ||
        (rc = mkt__strcache_id(sc, &t->strings, in->trip, &b->trip[i])) ||
        (rc = mkt__strcache_id(sc, &t->strings, in->cabin, &b->cabin[i])) ||
        (rc = mkt__strcache_id(sc, &t->strings, in->fare, &b->fare[i])) ||
        (rc = mkt__strcache_id(sc, &t->strings, in->channel, &b->channel[i])) ||
        (rc = mkt__strcache_id(sc, &t->currencies, cur, &b->currency[i])) ||
        (rc = mkt__idstore_append(&b->ids, in->id.p, in->id.n)))
        return rc;
    b->cust[i] = row;
    b->time[i] = in->time;
    b->dep[i] = in->dep;
    b->pax[i] = in->pax;
    b->status[i] = (uint8_t)(in->status == MKT_BOOKING_CANCELLED ? MKT_BOOKING_CANCELLED
                                                                  : MKT_BOOKING_CONFIRMED);
    b->total[i] = in->total;
    b->anc[i] = in->anc;
    t->amount_guard = guard;
    b->len++;
    return MKT_OK;
}

/* Fold one confirmed booking's money into its customer's aggregates. A customer whose
 * bookings use several currencies gets null spend and currency: no silent mixing. */
static void add_spend(mkt_table *t, size_t row, uint32_t cur, int64_t total, int64_t anc)
{
    struct mkt__col *cc = t->cols.data[MKT__COL_BK_CURRENCY];
    struct mkt__col *spend = t->cols.data[MKT__COL_BK_SPEND];
    struct mkt__col *ancil = t->cols.data[MKT__COL_BK_ANCILLARY];
    if (!mkt__bitmap_test(&cc->valid, row)) {
        if (cc->v.u32[row] == MKT__CURRENCY_MIXED)
            return;
        cc->v.u32[row] = cur; /* the first confirmed booking */
        mkt__bitmap_set(&cc->valid, row);
    } else if (cc->v.u32[row] != cur) {
        cc->v.u32[row] = MKT__CURRENCY_MIXED;
        mkt__bitmap_clear(&cc->valid, row);
        mkt__bitmap_clear(&spend->valid, row);
        mkt__bitmap_clear(&ancil->valid, row);
        return;
    }
    spend->v.i64[row] += total;
    if (anc != MKT_NULL_INT64)
        ancil->v.i64[row] += anc;
}

static void add_date(mkt_table *t, size_t row, mkt_date d)
{
    struct mkt__col *first = t->cols.data[MKT__COL_BK_FIRST];
    struct mkt__col *last = t->cols.data[MKT__COL_BK_LAST];
    if (!mkt__bitmap_test(&first->valid, row) || d < first->v.i32[row]) {
        first->v.i32[row] = d;
        mkt__bitmap_set(&first->valid, row);
    }
    if (!mkt__bitmap_test(&last->valid, row) || d > last->v.i32[row]) {
        last->v.i32[row] = d;
        mkt__bitmap_set(&last->valid, row);
    }
}

static void apply(mkt_table *t, size_t i)
{
    const struct mkt__bookings *b = &t->bk;
    size_t row = b->cust[i];
    uint32_t cur = b->currency[i];
    mkt_date d = mkt_time_to_date(b->time[i]);
    t->cur_bookings.data[cur]++;
    if (t->first_booking == MKT_NULL_DATE || d < t->first_booking)
        t->first_booking = d;
    if (t->last_booking == MKT_NULL_DATE || d > t->last_booking)
        t->last_booking = d;
    if (b->status[i] == MKT_BOOKING_CANCELLED) {
        t->cols.data[MKT__COL_BK_CANCELLED]->v.i64[row]++;
        t->bookings_cancelled++;
        return;
    }
    t->cur_amount.data[cur] += b->total[i];
    int64_t *count = &t->cols.data[MKT__COL_BK_COUNT]->v.i64[row];
    if ((*count)++ == 0)
        t->customers_with_bookings++;
    /* A booking without a passenger count carries at least one passenger. */
    t->cols.data[MKT__COL_BK_PASSENGERS]->v.i64[row] += b->pax[i] > 0 ? b->pax[i] : 1;
    add_date(t, row, d);
    add_spend(t, row, cur, b->total[i], b->anc[i]);
}

int mkt__bookings_commit(mkt_table *t, size_t *dup_of, size_t *dup)
{
    int rc = mkt__idstore_index(&t->bk.ids, dup_of, dup);
    if (rc)
        return rc;
    size_t ncur = mkt__intern_count(&t->currencies);
    size_t have = t->cur_bookings.len;
    if (ncur > have) {
        if (MKT__VEC_RESERVE(t->ctx, &t->cur_bookings, ncur - have) ||
            MKT__VEC_RESERVE(t->ctx, &t->cur_amount, ncur - have))
            return MKT_ENOMEM;
        for (size_t k = have; k < ncur; k++) {
            t->cur_bookings.data[k] = 0;
            t->cur_amount.data[k] = 0;
        }
        t->cur_bookings.len = t->cur_amount.len = ncur;
    }
    size_t from = t->mark.bookings, n = t->bk.len - from;
    if (n == 0)
        return MKT_OK; /* (and the arrays may still be NULL) */
    uint32_t *order;
    if (mkt__order_by_customer(t, t->bk.cust + from, n, &order))
        return MKT_ENOMEM;
    /* From here on nothing can fail; every aggregate is independent of the order. */
    for (size_t k = 0; k < n; k++)
        apply(t, from + (order ? order[k] : k));
    mkt__free(t->ctx, order);
    return MKT_OK;
}
