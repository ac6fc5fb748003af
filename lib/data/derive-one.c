/* SPDX-License-Identifier: MIT */
/*
 * The as-of fields of ONE customer from records the host supplies (the real-time evaluator's
 * profile), without a table and without allocating: the same accumulation and finishing code
 * as the batch pass (derive-private.h, derive-fields.c), with categorical values classified by
 * string comparison instead of interned ids. mkt__one_get() exposes each field as a value.
 */
#include <stdlib.h>
#include <string.h>

#include "derive-private.h"

/* The code k >= 1 whose name equals @s, or 0 (null, empty or another value). */
static uint8_t code_of(const char *s, const char *const *names, int n)
{
    if (!s)
        return 0;
    for (int k = 1; k < n; k++)
        if (strcmp(s, names[k]) == 0)
            return (uint8_t)k;
    return 0;
}

/* A currency id for the accumulator: 1 + the index of the first booking with an equal code
 * (null is the table's default, USD). A few codes are cached; the scan covers the rest. */
struct currencies {
    const char *code[8];
    uint32_t id[8];
    int n;
};

static const char *currency_of(const mkt_booking *b)
{
    return b->currency && *b->currency ? b->currency : "USD";
}

static uint32_t currency_id(struct currencies *c, const mkt_booking *bk, size_t i)
{
    const char *code = currency_of(&bk[i]);
    for (int k = 0; k < c->n; k++)
        if (strcmp(c->code[k], code) == 0)
            return c->id[k];
    size_t j = 0;
    while (strcmp(currency_of(&bk[j]), code) != 0)
        j++; /* ends at i at the latest */
    if (c->n < 8) {
        c->code[c->n] = code;
        c->id[c->n++] = (uint32_t)j + 1;
    }
    return (uint32_t)j + 1;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort and de-duplicate the routes (byte order, as strcmp on UTF-8). */
static uint32_t distinct_routes(const char **r, uint32_t n)
{
    qsort(r, n, sizeof *r, str_cmp);
    uint32_t out = 0;
    for (uint32_t k = 0; k < n; k++)
        if (out == 0 || strcmp(r[out - 1], r[k]) != 0)
            r[out++] = r[k];
    return out;
}

static int add_bookings(mkt_ctx *ctx, const struct mkt__window *w, const mkt_booking *bk,
                        size_t nb, struct mkt__one *out)
{
    struct mkt__bk_acc a;
    memset(&a, 0, sizeof a);
    struct currencies cur = {.n = 0};
    int ovf = 0;
    out->nroutes = 0;
    for (size_t i = 0; i < nb; i++) {
        const mkt_booking *b = &bk[i];
        struct mkt__bk_fact f;
        f.time = b->booking_time;
        f.dep = b->departure_date;
        f.pax = b->passengers;
        f.total = b->total_amount;
        f.anc = b->ancillary_amount;
        f.confirmed = b->status == 0 || b->status == MKT_BOOKING_CONFIRMED;
        f.currency = currency_id(&cur, bk, i);
        f.cabin = code_of(b->cabin_class, mkt__cabin_names, MKT__CABINS);
        f.channel = code_of(b->channel, mkt__channel_names, MKT__CHANNELS);
        f.transcon = b->trip_type && strcmp(b->trip_type, mkt__intl_trip_names[1]) == 0;
        f.intl = f.transcon || (b->trip_type && strcmp(b->trip_type, mkt__intl_trip_names[0]) == 0);
        f.has_route = b->route && *b->route;
        uint32_t before = a.routes;
        mkt__bk_acc_add(&a, w, &f, &ovf);
        if (a.routes != before) /* counted, in the 12m window, with a route */
            out->routes[out->nroutes++] = b->route;
    }
    if (ovf)
        return mkt__error(ctx, MKT_ERANGE, "booking amounts overflow");
    out->nroutes = distinct_routes(out->routes, out->nroutes);
    mkt__bk_acc_finish(&a, w, &out->bk);
    return MKT_OK;
}

int mkt__one_compute(mkt_ctx *ctx, mkt_date as_of, mkt_date date_of_birth,
                     const mkt_booking *bk, size_t nb, const mkt_event *ev, size_t ne,
                     const char **routes_buf, struct mkt__one *out)
{
    if (!ctx || !out || (nb && (!bk || !routes_buf)) || (ne && !ev))
        return ctx ? mkt__error(ctx, MKT_EINVAL, "as-of fields: NULL argument") : MKT_EINVAL;
    if (nb >= UINT32_MAX || ne >= UINT32_MAX)
        return mkt__error(ctx, MKT_ETOOBIG, "as-of fields: too many records");
    struct mkt__window w;
    if (mkt__window_init(&w, as_of))
        return mkt__error(ctx, MKT_ERANGE, "as-of date %ld is out of range", (long)as_of);
    out->routes = routes_buf;
    int rc = add_bookings(ctx, &w, bk, nb, out);
    if (rc)
        return rc;
    memset(&out->ev, 0, sizeof out->ev);
    for (size_t i = 0; i < ne; i++)
        mkt__ev_acc_add(&out->ev, &w, ev[i].ts,
                        code_of(ev[i].type, mkt__event_type_names, MKT__EVT_TYPES));
    out->age = mkt__age_at(date_of_birth, as_of);
    return MKT_OK;
}

static void set_i64(struct mkt__fval *v, int64_t x)
{
    v->is_null = x == MKT_NULL_INT64;
    v->i = v->is_null ? 0 : x;
}

static void set_date(struct mkt__fval *v, mkt_date d)
{
    v->is_null = d == MKT_NULL_DATE;
    v->i = v->is_null ? 0 : d;
}

static void set_f64(struct mkt__fval *v, double x)
{
    v->is_null = isnan(x);
    v->f = v->is_null ? 0 : x;
}

static void set_str(struct mkt__fval *v, const char *s)
{
    v->is_null = s == NULL;
    v->s = s;
}

static int get_booking(const struct mkt__one *one, int f, struct mkt__fval *v)
{
    const struct mkt__bk_out *o = &one->bk;
    switch (f) {
    case MKT__F_COUNT_12M: set_i64(v, o->count_12m); break;
    case MKT__F_SPEND_12M: set_i64(v, o->spend_12m); break;
    case MKT__F_COUNT_TOTAL: set_i64(v, o->count_total); break;
    case MKT__F_SPEND_TOTAL: set_i64(v, o->spend_total); break;
    case MKT__F_FIRST_DATE: set_date(v, o->first_date); break;
    case MKT__F_LAST_DATE: set_date(v, o->last_date); break;
    case MKT__F_DAYS_SINCE_LAST: set_i64(v, o->days_since_last); break;
    case MKT__F_PREMIUM_SHARE: set_f64(v, o->premium); break;
    case MKT__F_PREFERRED_CABIN: set_str(v, mkt__cabin_names[o->cabin]); break;
    case MKT__F_PREFERRED_CHANNEL: set_str(v, mkt__channel_names[o->channel]); break;
    case MKT__F_AVG_ADVANCE: set_f64(v, o->avg_advance); break;
    case MKT__F_GROUP_SHARE: set_f64(v, o->group); break;
    case MKT__F_INTL_SHARE: set_f64(v, o->intl); break;
    case MKT__F_TRANSCON_SHARE: set_f64(v, o->transcon); break;
    case MKT__F_WEEKEND_SHARE: set_f64(v, o->weekend); break;
    case MKT__F_SUMMER_SHARE: set_f64(v, o->summer); break;
    case MKT__F_WINTER_SHARE: set_f64(v, o->winter); break;
    case MKT__F_ANCILLARY_SHARE: set_f64(v, o->ancillary); break;
    case MKT__F_ROUTES:
        v->list = one->routes;
        v->list_len = one->nroutes;
        break;
    default: return 0;
    }
    return 1;
}

static void get_event(const struct mkt__one *one, int f, struct mkt__fval *v)
{
    const struct mkt__ev_acc *a = &one->ev;
    switch (f) {
    case MKT__F_AGE: set_i64(v, one->age); break;
    case MKT__F_EV_CART_7D: set_i64(v, a->cart7); break;
    case MKT__F_EV_CART_30D: set_i64(v, a->cart30); break;
    case MKT__F_EV_SEARCHES_30D: set_i64(v, a->searches30); break;
    case MKT__F_EV_PAGE_VIEWS_30D: set_i64(v, a->views30); break;
    case MKT__F_EV_BOOKINGS_30D: set_i64(v, a->bookings30); break;
    case MKT__F_EV_OPENS_90D: set_i64(v, a->opens90); break;
    case MKT__F_EV_CLICKS_90D: set_i64(v, a->clicks90); break;
    case MKT__F_EV_UNSUBSCRIBED: set_i64(v, a->unsubscribed); break;
    case MKT__F_EV_BOUNCED_HARD: set_i64(v, a->bounced_hard); break;
    case MKT__F_EV_LAST_COMPLAINT:
        set_date(v, a->n_complaint ? mkt__date_of(a->last_complaint) : MKT_NULL_DATE);
        break;
    case MKT__F_EV_LAST_DATE:
        set_date(v, a->n_any ? mkt__date_of(a->last) : MKT_NULL_DATE);
        break;
    default: v->is_null = 1; break; /* not a field */
    }
}

void mkt__one_get(const struct mkt__one *one, int f, struct mkt__fval *v)
{
    memset(v, 0, sizeof *v);
    v->type = f >= 0 && f < MKT__F_COUNT ? mkt__fields[f].type : 0;
    if (!get_booking(one, f, v))
        get_event(one, f, v);
}
