/* SPDX-License-Identifier: MIT */
/*
 * Host API over bookings and events: appending one record (validated like a file row, staged
 * and committed so that a failure changes nothing), reading records back, and the table's
 * summary statistics and per-currency figures.
 */
#include <string.h>

#include "table-private.h"

/* A host string: NULL or "" is null; otherwise valid UTF-8. */
static int host_str(mkt_table *t, const char *s, const char *what, int required,
                    struct mkt__str *out)
{
    *out = (struct mkt__str){NULL, 0};
    size_t n = s ? strlen(s) : 0;
    if (n == 0)
        return required ? mkt__error(t->ctx, MKT_EINVAL, "%s is required", what) : MKT_OK;
    if (!mkt__utf8_valid(s, n))
        return mkt__error(t->ctx, MKT_EINVAL, "%s is not valid UTF-8", what);
    *out = (struct mkt__str){s, n};
    return MKT_OK;
}

static int booking_input(mkt_table *t, const mkt_booking *src, struct mkt__bk_in *in)
{
    /* Read only the fields inside the caller's struct; later ones keep their null defaults. */
    mkt_booking b;
    memset(&b, 0, sizeof b);
    b.departure_date = MKT_NULL_DATE;
    b.ancillary_amount = MKT_NULL_INT64;
    if (src->struct_size < offsetof(mkt_booking, total_amount) + sizeof b.total_amount)
        return mkt__error(t->ctx, MKT_EINVAL, "mkt_booking: struct_size too small");
    memcpy(&b, src, src->struct_size < sizeof b ? src->struct_size : sizeof b);
    int rc;
    if ((rc = host_str(t, b.booking_id, "booking_id", 1, &in->id)) ||
        (rc = host_str(t, b.customer_id, "customer_id", 1, &in->cust)) ||
        (rc = host_str(t, b.origin, "origin", 0, &in->origin)) ||
        (rc = host_str(t, b.destination, "destination", 0, &in->dest)) ||
        (rc = host_str(t, b.route, "route", 0, &in->route)) ||
        (rc = host_str(t, b.trip_type, "trip_type", 0, &in->trip)) ||
        (rc = host_str(t, b.cabin_class, "cabin_class", 0, &in->cabin)) ||
        (rc = host_str(t, b.fare_class, "fare_class", 0, &in->fare)) ||
        (rc = host_str(t, b.channel, "channel", 0, &in->channel)) ||
        (rc = host_str(t, b.currency, "currency", 0, &in->currency)))
        return rc;
    if (in->currency.p && !mkt__currency_valid(in->currency.p, in->currency.n))
        return mkt__error(t->ctx, MKT_EINVAL, "currency '%.20s' is not an ISO 4217 code",
                          b.currency);
    if (b.booking_time == MKT_NULL_INT64)
        return mkt__error(t->ctx, MKT_EINVAL, "booking_time is required");
    if (b.status != 0 && b.status != MKT_BOOKING_CONFIRMED && b.status != MKT_BOOKING_CANCELLED)
        return mkt__error(t->ctx, MKT_EINVAL, "invalid booking status %d", (int)b.status);
    if (b.total_amount < 0 || (b.ancillary_amount < 0 && b.ancillary_amount != MKT_NULL_INT64))
        return mkt__error(t->ctx, MKT_ERANGE, "negative amount");
    if (b.passengers < 0)
        return mkt__error(t->ctx, MKT_ERANGE, "negative passengers");
    in->time = b.booking_time;
    in->dep = b.departure_date;
    in->pax = b.passengers;
    in->status = b.status ? b.status : MKT_BOOKING_CONFIRMED;
    in->total = b.total_amount;
    in->anc = b.ancillary_amount;
    return MKT_OK;
}

static int stage_error(mkt_table *t, int rc, int bad, const char *kind, struct mkt__str id,
                       struct mkt__str cust)
{
    if (bad == MKT__BAD_ID)
        return mkt__error(t->ctx, rc, "duplicate %s_id '%.*s'", kind,
                          (int)(id.n > 60 ? 60 : id.n), id.p);
    if (bad == MKT__BAD_CUSTOMER)
        return mkt__error(t->ctx, rc, "unknown customer_id '%.*s'",
                          (int)(cust.n > 60 ? 60 : cust.n), cust.p);
    if (bad == MKT__BAD_AMOUNT)
        return mkt__error(t->ctx, rc, "the sum of amounts overflows");
    return rc;
}

MKT_EXPORT int mkt_table_add_booking(mkt_table *t, const mkt_booking *booking)
{
    if (!t || !booking)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_add_booking: NULL argument")
                 : MKT_EINVAL;
    if (mkt__fold_refuse(t, "mkt_table_add_booking"))
        return MKT_ESTATE;
    struct mkt__bk_in in = {0};
    int rc = booking_input(t, booking, &in);
    if (rc)
        return rc;
    int bad = MKT__BAD_ID;
    if (mkt__idstore_find(&t->bk.ids, in.id.p, in.id.n))
        return stage_error(t, MKT_EEXIST, bad, "booking", in.id, in.cust);
    mkt__table_mark(t);
    size_t dup_of, dup;
    rc = mkt__bookings_stage(t, &in, MKT_UNKNOWN_CUSTOMER_AUTO, &bad);
    if (rc == MKT_OK)
        rc = mkt__bookings_commit(t, &dup_of, &dup);
    if (rc) {
        mkt__table_rollback(t);
        return stage_error(t, rc, bad, "booking", in.id, in.cust);
    }
    return MKT_OK;
}

MKT_EXPORT uint64_t mkt_table_booking_count(const mkt_table *t)
{
    return t ? t->bk.len : 0;
}

static const char *str_of(const mkt__intern *d, uint32_t id)
{
    return id == MKT__NO_STR ? NULL : mkt__intern_str(d, id, NULL);
}

MKT_EXPORT int mkt_table_get_booking(const mkt_table *t, uint64_t index, mkt_booking *out)
{
    if (!t || !out)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_get_booking: NULL argument")
                 : MKT_EINVAL;
    const struct mkt__bookings *b = &t->bk;
    if (index >= b->len)
        return mkt__error(t->ctx, MKT_ENOTFOUND, "no booking %llu", (unsigned long long)index);
    size_t i = (size_t)index;
    mkt_booking r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    r.booking_id = mkt__idstore_str(&b->ids, i, NULL);
    r.customer_row = b->cust[i];
    r.customer_id = mkt__table_id(t, b->cust[i], NULL);
    r.booking_time = b->time[i];
    r.departure_date = b->dep[i];
    r.origin = str_of(&t->strings, b->origin[i]);
    r.destination = str_of(&t->strings, b->dest[i]);
    r.route = str_of(&t->strings, b->route[i]);
    r.trip_type = str_of(&t->strings, b->trip[i]);
    r.cabin_class = str_of(&t->strings, b->cabin[i]);
    r.fare_class = str_of(&t->strings, b->fare[i]);
    r.channel = str_of(&t->strings, b->channel[i]);
    r.passengers = b->pax[i];
    r.status = b->status[i];
    r.total_amount = b->total[i];
    r.ancillary_amount = b->anc[i];
    r.currency = str_of(&t->currencies, b->currency[i]);
    *out = r;
    return MKT_OK;
}

static int event_input(mkt_table *t, const mkt_event *src, struct mkt__ev_in *in)
{
    mkt_event e;
    memset(&e, 0, sizeof e);
    e.value = MKT_NULL_INT64;
    if (src->struct_size < offsetof(mkt_event, type) + sizeof e.type)
        return mkt__error(t->ctx, MKT_EINVAL, "mkt_event: struct_size too small");
    memcpy(&e, src, src->struct_size < sizeof e ? src->struct_size : sizeof e);
    int rc;
    if ((rc = host_str(t, e.event_id, "event_id", 1, &in->id)) ||
        (rc = host_str(t, e.customer_id, "customer_id", 1, &in->cust)) ||
        (rc = host_str(t, e.type, "type", 1, &in->type)) ||
        (rc = host_str(t, e.campaign, "campaign", 0, &in->campaign)) ||
        (rc = host_str(t, e.channel, "channel", 0, &in->channel)) ||
        (rc = host_str(t, e.properties, "properties", 0, &in->props)))
        return rc;
    if (e.ts == MKT_NULL_INT64)
        return mkt__error(t->ctx, MKT_EINVAL, "ts is required");
    if (e.value < 0 && e.value != MKT_NULL_INT64)
        return mkt__error(t->ctx, MKT_ERANGE, "negative value");
    in->ts = e.ts;
    in->value = e.value;
    return MKT_OK;
}

MKT_EXPORT int mkt_table_add_event(mkt_table *t, const mkt_event *event)
{
    if (!t || !event)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_add_event: NULL argument")
                 : MKT_EINVAL;
    struct mkt__ev_in in = {0};
    int rc = event_input(t, event, &in);
    if (rc)
        return rc;
    int bad = MKT__BAD_ID;
    if (mkt__idstore_find(&t->ev.ids, in.id.p, in.id.n))
        return stage_error(t, MKT_EEXIST, bad, "event", in.id, in.cust);
    mkt__table_mark(t);
    size_t dup_of, dup;
    rc = mkt__events_stage(t, &in, MKT_UNKNOWN_CUSTOMER_AUTO, &bad);
    if (rc == MKT_OK)
        rc = mkt__events_commit(t, &dup_of, &dup);
    if (rc) {
        mkt__table_rollback(t);
        return stage_error(t, rc, bad, "event", in.id, in.cust);
    }
    return MKT_OK;
}

MKT_EXPORT uint64_t mkt_table_event_count(const mkt_table *t)
{
    return t ? t->ev.len : 0;
}

MKT_EXPORT int mkt_table_get_event(const mkt_table *t, uint64_t index, mkt_event *out)
{
    if (!t || !out)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_get_event: NULL argument")
                 : MKT_EINVAL;
    const struct mkt__events *e = &t->ev;
    if (index >= e->len)
        return mkt__error(t->ctx, MKT_ENOTFOUND, "no event %llu", (unsigned long long)index);
    size_t i = (size_t)index;
    mkt_event r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    r.event_id = mkt__idstore_str(&e->ids, i, NULL);
    r.customer_row = e->cust[i];
    r.customer_id = mkt__table_id(t, e->cust[i], NULL);
    r.ts = e->ts[i];
    r.type = str_of(&t->strings, e->type[i]);
    r.campaign = str_of(&t->strings, e->campaign[i]);
    r.channel = str_of(&t->strings, e->channel[i]);
    r.value = e->value[i];
    r.properties = str_of(&t->strings, e->props[i]);
    *out = r;
    return MKT_OK;
}

MKT_EXPORT int mkt_table_stats_get(const mkt_table *t, mkt_table_stats *out)
{
    if (!t || !out)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "mkt_table_stats_get: NULL argument")
                 : MKT_EINVAL;
    mkt_table_stats s;
    memset(&s, 0, sizeof s);
    s.struct_size = sizeof s;
    s.customers = mkt__table_rows(t);
    s.customers_with_bookings = t->customers_with_bookings;
    s.bookings = t->bk.len;
    s.bookings_cancelled = t->bookings_cancelled;
    s.events = t->ev.len;
    s.first_booking_date = t->first_booking;
    s.last_booking_date = t->last_booking;
    s.first_event_time = t->first_event;
    s.last_event_time = t->last_event;
    s.currencies = mkt__intern_count(&t->currencies);
    *out = s;
    return MKT_OK;
}

MKT_EXPORT int mkt_table_currency(const mkt_table *t, uint32_t index, const char **code,
                                  uint64_t *bookings, int64_t *amount)
{
    if (!t)
        return MKT_EINVAL;
    if (index >= t->cur_bookings.len)
        return mkt__error(t->ctx, MKT_ENOTFOUND, "no currency %u", index);
    if (code)
        *code = mkt__intern_str(&t->currencies, index, NULL);
    if (bookings)
        *bookings = t->cur_bookings.data[index];
    if (amount)
        *amount = t->cur_amount.data[index];
    return MKT_OK;
}
