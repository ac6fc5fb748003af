/* SPDX-License-Identifier: MIT */
/*
 * The event store (flat arrays, categorical text interned, event ids in an id store by
 * index) and its aggregates event.count and event.last_time, folded in by a commit step that
 * cannot fail, as for bookings.
 */
#include <string.h>

#include "table-private.h"

#define ARRAY(field) a.slots[a.n] = &e->field, a.sizes[a.n++] = sizeof *e->field

static struct mkt__arrays event_arrays(struct mkt__events *e)
{
    struct mkt__arrays a = {.n = 0};
    ARRAY(cust), ARRAY(ts), ARRAY(type), ARRAY(campaign), ARRAY(channel), ARRAY(props);
    ARRAY(value);
    return a;
}

int mkt__events_reserve(mkt_table *t, size_t extra)
{
    struct mkt__events *e = &t->ev;
    if (e->len + extra <= e->cap)
        return MKT_OK; /* the per-record path */
    struct mkt__arrays a = event_arrays(e);
    return mkt__grow_arrays(t->ctx, &a, e->len + extra, &e->cap);
}

void mkt__events_free(mkt_ctx *ctx, struct mkt__events *e)
{
    struct mkt__arrays a = event_arrays(e);
    mkt__free_arrays(ctx, &a);
    mkt__idstore_free(&e->ids);
    mkt_ctx *keep = e->ids.ctx;
    memset(e, 0, sizeof *e);
    mkt__idstore_init(&e->ids, keep);
}

int mkt__events_stage(mkt_table *t, const struct mkt__ev_in *in, int32_t unknown, int *bad)
{
    struct mkt__events *e = &t->ev;
    *bad = 0;
    if (e->len >= UINT32_MAX - 2)
        return mkt__error(t->ctx, MKT_ETOOBIG, "too many events");
    int rc = mkt__events_reserve(t, 1);
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
    size_t i = e->len;
    if ((rc = mkt__strcache_id(sc, &t->strings, in->type, &e->type[i])) ||
        (rc = mkt__strcache_id(sc, &t->strings, in->campaign, &e->campaign[i])) ||
        (rc = mkt__strcache_id(sc, &t->strings, in->channel, &e->channel[i])) ||
        (rc = mkt__strcache_id(sc, &t->strings, in->props, &e->props[i])) ||
        (rc = mkt__idstore_append(&e->ids, in->id.p, in->id.n)))
        return rc;
    e->cust[i] = row;
    e->ts[i] = in->ts;
    e->value[i] = in->value;
    e->len++;
    return MKT_OK;
}

int mkt__events_commit(mkt_table *t, size_t *dup_of, size_t *dup)
{
    int rc = mkt__idstore_index(&t->ev.ids, dup_of, dup);
    if (rc)
        return rc;
    struct mkt__col *count = t->cols.data[MKT__COL_EV_COUNT];
    struct mkt__col *last = t->cols.data[MKT__COL_EV_LAST];
    size_t from = t->mark.events, n = t->ev.len - from;
    if (n == 0)
        return MKT_OK; /* (and the arrays may still be NULL) */
    uint32_t *order;
    if (mkt__order_by_customer(t, t->ev.cust + from, n, &order))
        return MKT_ENOMEM;
    /* From here on nothing can fail. */
    for (size_t k = 0; k < n; k++) {
        size_t i = from + (order ? order[k] : k);
        size_t row = t->ev.cust[i];
        mkt_time ts = t->ev.ts[i];
        count->v.i64[row]++;
        if (!mkt__bitmap_test(&last->valid, row) || ts > last->v.i64[row]) {
            last->v.i64[row] = ts;
            mkt__bitmap_set(&last->valid, row);
        }
        if (t->first_event == MKT_NULL_INT64 || ts < t->first_event)
            t->first_event = ts;
        if (t->last_event == MKT_NULL_INT64 || ts > t->last_event)
            t->last_event = ts;
    }
    mkt__free(t->ctx, order);
    return MKT_OK;
}
