/* SPDX-License-Identifier: MIT */
/*
 * Loading bookings.csv and events.csv: each row is validated, staged into the columnar stores
 * (creating id-only customers as mkt_unknown_customer says) and, once the whole file has been
 * read, committed into the per-customer aggregates. Any error rolls the table back.
 */
#include <string.h>

#include "load-private.h"

enum {
    B_ID, B_CUST, B_DATE, B_DEP, B_ORIGIN, B_DEST, B_ROUTE, B_TRIP, B_CABIN, B_FARE,
    B_CHANNEL, B_PAX, B_TOTAL, B_ANC, B_CURRENCY, B_STATUS, B_N
};

static const struct mkt__field_spec booking_spec[B_N] = {
    {"booking_id", 1}, {"customer_id", 1}, {"booking_date", 1}, {"departure_date", 0},
    {"origin", 0},     {"destination", 0}, {"route", 0},        {"trip_type", 0},
    {"cabin_class", 0}, {"fare_class", 0}, {"channel", 0},      {"passengers", 0},
    {"total_amount", 1}, {"ancillary_amount", 0}, {"currency", 0}, {"status", 0},
};

static int parse_status(mkt__csv *r, int col, int32_t *status)
{
    struct mkt__str s = mkt__field(r, col);
    *status = MKT_BOOKING_CONFIRMED;
    if (!s.p || (s.n == 9 && memcmp(s.p, "CONFIRMED", 9) == 0))
        return MKT_OK;
    if (s.n == 9 && memcmp(s.p, "CANCELLED", 9) == 0) {
        *status = MKT_BOOKING_CANCELLED;
        return MKT_OK;
    }
    return mkt__csv_error(r, MKT_EPARSE, (size_t)col,
                          "invalid status '%.*s' (expected CONFIRMED or CANCELLED)",
                          mkt__quote_len(s.p, s.n), s.p);
}

static int parse_pax(mkt__csv *r, int col, int32_t *pax)
{
    struct mkt__str s = mkt__field(r, col);
    *pax = 0;
    if (!s.p)
        return MKT_OK;
    int64_t v;
    int rc = mkt__parse_int64(s.p, s.n, &v);
    if (rc == MKT_OK && (v < 1 || v > INT32_MAX))
        rc = MKT_ERANGE;
    if (rc)
        return mkt__csv_error(r, rc, (size_t)col, "invalid passengers '%.*s' (an integer >= 1)",
                              mkt__quote_len(s.p, s.n), s.p);
    *pax = (int32_t)v;
    return MKT_OK;
}

static int parse_booking(mkt__csv *r, const int *m, struct mkt__bk_in *in)
{
    int rc;
    if ((rc = mkt__field_str(r, m[B_ID], 1, &in->id)) ||
        (rc = mkt__field_str(r, m[B_CUST], 1, &in->cust)) ||
        (rc = mkt__field_time(r, m[B_DATE], 1, "invalid date", &in->time)) ||
        (rc = mkt__field_date(r, m[B_DEP], &in->dep)) ||
        (rc = parse_pax(r, m[B_PAX], &in->pax)) ||
        (rc = mkt__field_money(r, m[B_TOTAL], 1, 1, &in->total)) ||
        (rc = mkt__field_money(r, m[B_ANC], 0, 1, &in->anc)) ||
        (rc = parse_status(r, m[B_STATUS], &in->status)))
        return rc;
    in->origin = mkt__field(r, m[B_ORIGIN]);
    in->dest = mkt__field(r, m[B_DEST]);
    in->route = mkt__field(r, m[B_ROUTE]);
    in->trip = mkt__field(r, m[B_TRIP]);
    in->cabin = mkt__field(r, m[B_CABIN]);
    in->fare = mkt__field(r, m[B_FARE]);
    in->channel = mkt__field(r, m[B_CHANNEL]);
    in->currency = mkt__field(r, m[B_CURRENCY]);
    if (in->currency.p && !mkt__currency_valid(in->currency.p, in->currency.n))
        return mkt__csv_error(r, MKT_EPARSE, (size_t)m[B_CURRENCY],
                              "invalid currency '%.*s' (an ISO 4217 code such as USD)",
                              mkt__quote_len(in->currency.p, in->currency.n), in->currency.p);
    return MKT_OK;
}

/* Turn a staging failure into an error at the right column. */
static int stage_failed(mkt__csv *r, int rc, int bad, const char *kind, int id_col,
                        int cust_col, int amount_col, struct mkt__str id, struct mkt__str cust)
{
    if (bad == MKT__BAD_ID)
        return mkt__csv_error(r, rc, (size_t)id_col, "duplicate %s_id '%.*s'", kind,
                              mkt__quote_len(id.p, id.n), id.p);
    if (bad == MKT__BAD_CUSTOMER)
        return mkt__csv_error(r, rc, (size_t)cust_col, "unknown customer_id '%.*s'",
                              mkt__quote_len(cust.p, cust.n), cust.p);
    if (bad == MKT__BAD_AMOUNT)
        return mkt__csv_error(r, rc, (size_t)amount_col, "the sum of amounts overflows");
    return rc;
}

static int booking_rows(mkt_table *t, mkt__csv *r, const int *m, int32_t unknown)
{
    int rc;
    while ((rc = mkt__csv_next(r)) == 1) {
        struct mkt__bk_in in;
        int bad = 0;
        if ((rc = mkt__check_width(r)) || (rc = parse_booking(r, m, &in)))
            return rc;
        rc = mkt__bookings_stage(t, &in, unknown, &bad);
        if (rc)
            return stage_failed(r, rc, bad, "booking", m[B_ID], m[B_CUST], m[B_TOTAL], in.id,
                                in.cust);
    }
    return rc;
}

static int read_header(mkt_table *t, mkt__csv *r)
{
    int rc = mkt__csv_next(r);
    if (rc == 0)
        return mkt__error_at(t->ctx, MKT_EPARSE, r->name, 1, 0, NULL, "empty file: no header");
    return rc < 0 ? rc : MKT_OK;
}

int mkt__load_bookings_csv(mkt_table *t, mkt__csv *r, int32_t unknown)
{
    int m[B_N];
    int rc = read_header(t, r);
    if (rc == MKT_OK)
        rc = mkt__map_header(r, booking_spec, B_N, m);
    if (rc)
        return rc;
    mkt__table_mark(t);
    rc = booking_rows(t, r, m, unknown);
    if (rc == MKT_OK)
        rc = mkt__csv_finish(r);
    if (rc == MKT_OK)
        rc = mkt__bookings_commit(t);
    if (rc)
        mkt__table_rollback(t);
    return rc;
}

enum { E_ID, E_CUST, E_TS, E_TYPE, E_CAMPAIGN, E_CHANNEL, E_VALUE, E_PROPS, E_N };

static const struct mkt__field_spec event_spec[E_N] = {
    {"event_id", 1}, {"customer_id", 1}, {"ts", 1},    {"type", 1},
    {"campaign", 0}, {"channel", 0},     {"value", 0}, {"properties", 0},
};

static int event_rows(mkt_table *t, mkt__csv *r, const int *m, int32_t unknown)
{
    int rc;
    while ((rc = mkt__csv_next(r)) == 1) {
        struct mkt__ev_in in;
        int bad = 0;
        if ((rc = mkt__check_width(r)) || (rc = mkt__field_str(r, m[E_ID], 1, &in.id)) ||
            (rc = mkt__field_str(r, m[E_CUST], 1, &in.cust)) ||
            (rc = mkt__field_time(r, m[E_TS], 1, "invalid timestamp", &in.ts)) ||
            (rc = mkt__field_str(r, m[E_TYPE], 1, &in.type)) ||
            (rc = mkt__field_money(r, m[E_VALUE], 0, 1, &in.value)))
            return rc;
        in.campaign = mkt__field(r, m[E_CAMPAIGN]);
        in.channel = mkt__field(r, m[E_CHANNEL]);
        in.props = mkt__field(r, m[E_PROPS]);
        rc = mkt__events_stage(t, &in, unknown, &bad);
        if (rc)
            return stage_failed(r, rc, bad, "event", m[E_ID], m[E_CUST], m[E_VALUE], in.id,
                                in.cust);
    }
    return rc;
}

int mkt__load_events_csv(mkt_table *t, mkt__csv *r, int32_t unknown)
{
    int m[E_N];
    int rc = read_header(t, r);
    if (rc == MKT_OK)
        rc = mkt__map_header(r, event_spec, E_N, m);
    if (rc)
        return rc;
    mkt__table_mark(t);
    rc = event_rows(t, r, m, unknown);
    if (rc == MKT_OK)
        rc = mkt__csv_finish(r);
    if (rc == MKT_OK)
        rc = mkt__events_commit(t);
    if (rc)
        mkt__table_rollback(t);
    return rc;
}

/* ---- public entry points --------------------------------------------------------------- */

MKT_EXPORT int mkt_load_options_init(mkt_load_options *opts)
{
    if (!opts)
        return MKT_EINVAL;
    mkt_load_options d = MKT_LOAD_OPTIONS_INIT;
    *opts = d;
    return MKT_OK;
}

enum { LOAD_CUSTOMERS, LOAD_BOOKINGS, LOAD_EVENTS };

static int load(mkt_table *t, const char *path, const mkt_load_options *user, int what)
{
    if (!t || !path)
        return t ? mkt__error(t->ctx, MKT_EINVAL, "load: NULL argument") : MKT_EINVAL;
    mkt_load_options o = MKT_LOAD_OPTIONS_INIT;
    if (user) {
        if (user->struct_size < offsetof(mkt_load_options, separator) + sizeof o.separator)
            return mkt__error(t->ctx, MKT_EINVAL, "mkt_load_options: struct_size too small");
        memcpy(&o, user, user->struct_size < sizeof o ? user->struct_size : sizeof o);
    }
    if (o.unknown_customer < MKT_UNKNOWN_CUSTOMER_AUTO ||
        o.unknown_customer > MKT_UNKNOWN_CUSTOMER_CREATE)
        return mkt__error(t->ctx, MKT_EINVAL, "invalid unknown_customer option %d",
                          (int)o.unknown_customer);
    mkt__csv *r;
    int rc = mkt__open_for_load(&r, t->ctx, path, o.separator, o.progress, o.progress_data);
    if (rc)
        return rc;
    if (what == LOAD_CUSTOMERS)
        rc = mkt__load_customers_csv(t, r);
    else if (what == LOAD_BOOKINGS)
        rc = mkt__load_bookings_csv(t, r, o.unknown_customer);
    else
        rc = mkt__load_events_csv(t, r, o.unknown_customer);
    mkt__csv_free(r);
    return rc;
}

MKT_EXPORT int mkt_table_load_customers(mkt_table *t, const char *path,
                                        const mkt_load_options *opts)
{
    return load(t, path, opts, LOAD_CUSTOMERS);
}

MKT_EXPORT int mkt_table_load_bookings(mkt_table *t, const char *path,
                                       const mkt_load_options *opts)
{
    return load(t, path, opts, LOAD_BOOKINGS);
}

MKT_EXPORT int mkt_table_load_events(mkt_table *t, const char *path,
                                     const mkt_load_options *opts)
{
    return load(t, path, opts, LOAD_EVENTS);
}
