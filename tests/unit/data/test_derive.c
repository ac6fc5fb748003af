/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the as-of fields (mkt_table_set_as_of, doc/fields.md): a small hand-built
 * table whose every field value at D = 2024-06-15 (a Saturday) is worked out by hand in the
 * comments, with the boundaries (a booking at D, at D - 12 months, after D, cancelled rows,
 * null departures, ties, mixed currencies, leap-day birthdays, empty histories), staleness,
 * the LIST readers, the error paths, and the one-customer path agreeing with the table.
 */
#include <math.h>

#include "failalloc.h"
#include "table-dump.h"
#include "data/derive-private.h"

static mkt_time tm(const char *s)
{
    mkt_time v;
    ck_assert_int_eq(mkt_time_parse(&v, s, strlen(s)), MKT_OK);
    return v;
}

static mkt_date dt(const char *s)
{
    mkt_date v;
    ck_assert_int_eq(mkt_date_parse(&v, s, strlen(s)), MKT_OK);
    return v;
}

struct bk {
    const char *id, *cust, *time, *dep, *cabin, *channel, *trip, *route, *currency;
    int32_t pax, status;
    int64_t total, anc;
};

static mkt_booking to_booking(const struct bk *s)
{
    mkt_booking b;
    memset(&b, 0, sizeof b);
    b.struct_size = sizeof b;
    b.booking_id = s->id;
    b.customer_id = s->cust;
    b.booking_time = tm(s->time);
    b.departure_date = s->dep ? dt(s->dep) : MKT_NULL_DATE;
    b.cabin_class = s->cabin;
    b.channel = s->channel;
    b.trip_type = s->trip;
    b.route = s->route;
    b.currency = s->currency;
    b.passengers = s->pax;
    b.status = s->status;
    b.total_amount = s->total;
    b.ancillary_amount = s->anc;
    return b;
}

#define NA MKT_NULL_INT64
#define CX MKT_BOOKING_CANCELLED

/* D = 2024-06-15; D - 12 months = 2023-06-15 (excluded): the 12m window is 2023-06-16 ..
 * 2024-06-15. */
static const struct bk bookings[] = {
    /* C1 */
    {"b1", "C1", "2024-06-15T23:59:59Z", "2024-06-22", "BUSINESS", "WEB", "INTERNATIONAL",
     "JFK-LHR", "USD", 2, 0, 100000, 5000},                  /* at D: 12m */
    {"b2", "C1", "2023-06-15T12:00:00Z", "2023-07-01", "FIRST", "AGENT", "DOMESTIC", "JFK-LAX",
     "USD", 1, 0, 20000, NA},                                 /* D - 12 months: total only */
    {"b3", "C1", "2023-06-16T00:00:00Z", "2024-01-10", "ECONOMY", "MOBILE", "TRANSCONTINENTAL",
     "AMS-JFK", NULL, 1, 0, 30000, 0},                        /* first 12m day; NULL = USD */
    {"b4", "C1", "2024-02-01", NULL, "BUSINESS", "WEB", "INTERNATIONAL", "CDG-JFK", "USD", 1,
     CX, 99999, 100},                                         /* cancelled: nowhere */
    {"b5", "C1", "2024-06-16T00:00:00Z", "2024-07-01", "FIRST", "WEB", "DOMESTIC", "ZRH-JFK",
     "USD", 1, 0, 77777, NA},                                 /* after D */
    {"b6", "C1", "2024-03-01", NULL, "ECONOMY", "MOBILE", "DOMESTIC", "JFK-LHR", "USD", 0, 0,
     10000, 1500},                                            /* no departure, no pax */
    {"b7", "C1", "2022-01-05", "2022-02-01", "ECONOMY", "WEB", "DOMESTIC", "BOS-JFK", "USD", 1,
     0, 5000, NA},                                            /* old: total only */
    /* C2: ties and mixed currencies, no departures, no routes */
    {"c1", "C2", "2024-01-01", NULL, "ECONOMY", "MOBILE", NULL, NULL, "USD", 1, 0, 1000, NA},
    {"c2", "C2", "2024-01-02", NULL, "BUSINESS", "AGENT", NULL, NULL, "USD", 1, 0, 2000, NA},
    {"c3", "C2", "2024-01-03", NULL, "ECONOMY", "AGENT", NULL, NULL, "USD", 1, 0, 3000, NA},
    {"c4", "C2", "2024-01-04", NULL, "BUSINESS", "MOBILE", NULL, NULL, "EUR", 1, 0, 4000, NA},
    {"c5", "C2", "2024-05-01", NULL, "PREMIUM", "CALL_CENTER", NULL, NULL, "USD", 1, 0, 500,
     NA},                                                     /* values outside the lists */
    /* C4: only a cancelled booking and one after D */
    {"d1", "C4", "2024-01-01", NULL, "FIRST", "WEB", NULL, "X-Y", "USD", 1, CX, 100, NA},
    {"d2", "C4", "2024-06-16", NULL, "FIRST", "WEB", NULL, "X-Y", "GBP", 1, 0, 100, NA},
    /* C6: EUR before the window, USD inside */
    {"f1", "C6", "2020-01-01", NULL, NULL, NULL, NULL, NULL, "EUR", 1, 0, 700, NA},
    {"f2", "C6", "2024-06-01", NULL, NULL, NULL, NULL, NULL, "USD", 1, 0, 300, NA},
    {"f3", "C6", "2024-06-02", NULL, NULL, NULL, NULL, NULL, "USD", 1, 0, 400, NA},
};

struct ev {
    const char *id, *cust, *ts, *type;
};

static const struct ev events[] = {
    {"e1", "C1", "2024-06-15T23:00:00Z", "CART_ABANDONED"}, /* D: 7d */
    {"e2", "C1", "2024-06-09T00:00:00Z", "CART_ABANDONED"}, /* D - 6: 7d */
    {"e3", "C1", "2024-06-08T23:59:59Z", "CART_ABANDONED"}, /* D - 7: 30d only */
    {"e4", "C1", "2024-06-16T00:00:00Z", "CART_ABANDONED"}, /* after D */
    {"e5", "C1", "2024-05-17T08:00:00Z", "SEARCH"},         /* D - 29: 30d */
    {"e6", "C1", "2024-05-16T08:00:00Z", "SEARCH"},         /* D - 30: out */
    {"e7", "C1", "2024-03-18T08:00:00Z", "EMAIL_OPENED"},   /* D - 89: 90d */
    {"e8", "C1", "2024-03-17T08:00:00Z", "EMAIL_OPENED"},   /* D - 90: out */
    {"e9", "C1", "2024-06-01T08:00:00Z", "EMAIL_CLICKED"},
    {"e10", "C1", "2024-01-05T10:00:00Z", "SPAM_COMPLAINT"},
    {"e11", "C1", "2024-04-01T10:00:00Z", "SPAM_COMPLAINT"},
    {"e12", "C1", "2024-07-01T10:00:00Z", "SPAM_COMPLAINT"}, /* after D */
    {"e13", "C1", "2024-06-20T10:00:00Z", "UNSUBSCRIBED"},   /* after D */
    {"e14", "C1", "2024-06-01T09:00:00Z", "BOOKING_COMPLETED"},
    {"e15", "C1", "2024-06-10T09:00:00Z", "PAGE_VIEW"},
    {"e16", "C1", "2020-01-01T09:00:00Z", "EMAIL_BOUNCED_HARD"},
    {"e17", "C2", "2024-01-01T09:00:00Z", "UNSUBSCRIBED"},
    {"e18", "C2", "2024-06-14T09:00:00Z", "EMAIL_DELIVERED"},
};

#define N_BOOKINGS (sizeof bookings / sizeof bookings[0])
#define N_EVENTS (sizeof events / sizeof events[0])

static mkt_event to_event(const struct ev *s)
{
    mkt_event e;
    memset(&e, 0, sizeof e);
    e.struct_size = sizeof e;
    e.event_id = s->id;
    e.customer_id = s->cust;
    e.ts = tm(s->ts);
    e.type = s->type;
    e.value = MKT_NULL_INT64;
    return e;
}

/* C1 1990-06-15 (birthday at D), C2 2000-02-29, C3 none, C4 2010-06-16 (birthday after D),
 * C5 2025-01-01 (born after D), C6 none. */
static mkt_table *build_fixture(mkt_ctx *ctx)
{
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    static const char *ids[] = {"C1", "C2", "C3", "C4", "C5", "C6"};
    static const char *dobs[] = {"1990-06-15", "2000-02-29", NULL, "2010-06-16", "2025-01-01",
                                 NULL};
    uint32_t dob = col_of(t, "date_of_birth");
    for (size_t i = 0; i < 6; i++) {
        uint64_t row;
        ck_assert_int_eq(mkt_table_add_customer(t, ids[i], 2, &row), MKT_OK);
        if (dobs[i])
            ck_assert_int_eq(mkt_table_set_int(t, dob, row, dt(dobs[i])), MKT_OK);
    }
    for (size_t i = 0; i < N_BOOKINGS; i++) {
        mkt_booking b = to_booking(&bookings[i]);
        ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_OK);
    }
    for (size_t i = 0; i < N_EVENTS; i++) {
        mkt_event e = to_event(&events[i]);
        ck_assert_int_eq(mkt_table_add_event(t, &e), MKT_OK);
    }
    return t;
}

/* A NUMBER value, or NAN for null. */
static double nval(const mkt_table *t, const char *id, const char *col)
{
    double v;
    int32_t is_null;
    ck_assert_int_eq(mkt_table_get_number(t, col_of(t, col), row_of(t, id), &v, &is_null),
                     MKT_OK);
    return is_null ? NAN : v;
}

/* The LIST value joined with '|', "(null)" for null. */
static const char *lval(const mkt_table *t, const char *id, const char *col)
{
    static char buf[256];
    uint32_t c = col_of(t, col), n;
    uint64_t r = row_of(t, id);
    int32_t is_null;
    ck_assert_int_eq(mkt_table_get_list_count(t, c, r, &n, &is_null), MKT_OK);
    if (is_null)
        return "(null)";
    buf[0] = '\0';
    for (uint32_t k = 0; k < n; k++) {
        const char *s;
        size_t len;
        ck_assert_int_eq(mkt_table_get_list_item(t, c, r, k, &s, &len), MKT_OK);
        ck_assert_uint_eq(len, strlen(s));
        if (k)
            strcat(buf, "|");
        strcat(buf, s);
    }
    return buf;
}

#define NUL INT64_MIN
#define ck_num(t, id, col, want) ck_assert_double_eq_tol(nval(t, id, col), (want), 1e-12)
#define ck_nan(t, id, col) ck_assert(isnan(nval(t, id, col)))

START_TEST(test_c1_bookings)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = build_fixture(ctx);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-15")), MKT_OK);
    /* Counted (confirmed, <= D): b1 b2 b3 b6 b7; 12m: b1 b3 b6 (b2 is exactly D - 12m). */
    ck_assert_int_eq(ival(t, "C1", "booking.count_total"), 5);
    ck_assert_int_eq(ival(t, "C1", "booking.count_12m"), 3);
    /* 100000 + 20000 + 30000 + 10000 + 5000; 12m: 100000 + 30000 + 10000 */
    ck_assert_int_eq(ival(t, "C1", "booking.spend_total"), 165000);
    ck_assert_int_eq(ival(t, "C1", "booking.spend_12m"), 140000);
    ck_assert_int_eq(ival(t, "C1", "booking.first_date"), dt("2022-01-05"));
    ck_assert_int_eq(ival(t, "C1", "booking.last_date"), dt("2024-06-15"));
    ck_assert_int_eq(ival(t, "C1", "booking.days_since_last"), 0);
    ck_num(t, "C1", "booking.premium_share_12m", 1.0 / 3);       /* b1 BUSINESS */
    ck_assert_str_eq(sval(t, "C1", "booking.preferred_cabin"), "ECONOMY");   /* 2 vs 1 */
    ck_assert_str_eq(sval(t, "C1", "booking.preferred_channel"), "MOBILE"); /* 2 vs 1 */
    /* Dated 12m bookings: b1 (dep 2024-06-22, Saturday, June, 7 days ahead) and b3 (dep
     * 2024-01-10, Wednesday, January, 208 days ahead); b6 has no departure. */
    ck_num(t, "C1", "booking.avg_advance_days_12m", (7 + 208) / 2.0);
    ck_num(t, "C1", "booking.weekend_share_12m", 0.5);
    ck_num(t, "C1", "booking.summer_share_12m", 0.5);
    ck_num(t, "C1", "booking.winter_share_12m", 0.5);
    ck_num(t, "C1", "booking.group_share_12m", 1.0 / 3);         /* b1 pax 2; b6 null pax */
    ck_num(t, "C1", "booking.international_share_12m", 2.0 / 3); /* b1, b3 */
    ck_num(t, "C1", "booking.transcontinental_share_12m", 1.0 / 3); /* b3 */
    ck_num(t, "C1", "booking.ancillary_share_12m", 2.0 / 3);     /* b1 5000, b6 1500; b3 0 */
    ck_assert_str_eq(lval(t, "C1", "booking.routes_12m"), "AMS-JFK|JFK-LHR");
    ck_assert_int_eq(ival(t, "C1", "age"), 34); /* birthday on D */
    mkt_date d;
    ck_assert_int_eq(mkt_table_as_of(t, &d), MKT_OK);
    ck_assert_int_eq(d, dt("2024-06-15"));
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_ties_currencies_empty)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = build_fixture(ctx);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-15")), MKT_OK);
    /* C2: five 12m bookings; cabins ECONOMY 2, BUSINESS 2, "PREMIUM" (ignored) -> BUSINESS;
     * channels MOBILE 2, AGENT 2, "CALL_CENTER" (ignored) -> MOBILE; c4 in EUR -> spends null. */
    ck_assert_int_eq(ival(t, "C2", "booking.count_12m"), 5);
    ck_assert_int_eq(ival(t, "C2", "booking.count_total"), 5);
    ck_assert_int_eq(ival(t, "C2", "booking.spend_12m"), NUL);
    ck_assert_int_eq(ival(t, "C2", "booking.spend_total"), NUL);
    ck_assert_str_eq(sval(t, "C2", "booking.preferred_cabin"), "BUSINESS");
    ck_assert_str_eq(sval(t, "C2", "booking.preferred_channel"), "MOBILE");
    ck_num(t, "C2", "booking.premium_share_12m", 2.0 / 5);
    ck_num(t, "C2", "booking.international_share_12m", 0); /* null trip types */
    ck_num(t, "C2", "booking.transcontinental_share_12m", 0);
    ck_nan(t, "C2", "booking.weekend_share_12m");          /* no departures */
    ck_nan(t, "C2", "booking.summer_share_12m");
    ck_nan(t, "C2", "booking.winter_share_12m");
    ck_nan(t, "C2", "booking.avg_advance_days_12m");
    ck_assert_str_eq(lval(t, "C2", "booking.routes_12m"), "");
    ck_assert_int_eq(ival(t, "C2", "booking.days_since_last"), 45); /* 2024-05-01 */
    ck_assert_int_eq(ival(t, "C2", "age"), 24);
    /* C3: no history at all. */
    ck_assert_int_eq(ival(t, "C3", "booking.count_12m"), 0);
    ck_assert_int_eq(ival(t, "C3", "booking.count_total"), 0);
    ck_assert_int_eq(ival(t, "C3", "booking.spend_12m"), 0);
    ck_assert_int_eq(ival(t, "C3", "booking.spend_total"), 0);
    ck_assert_int_eq(ival(t, "C3", "booking.first_date"), NUL);
    ck_assert_int_eq(ival(t, "C3", "booking.last_date"), NUL);
    ck_assert_int_eq(ival(t, "C3", "booking.days_since_last"), NUL);
    static const char *shares[] = {"booking.premium_share_12m", "booking.group_share_12m",
                                   "booking.international_share_12m",
                                   "booking.transcontinental_share_12m",
                                   "booking.weekend_share_12m", "booking.summer_share_12m",
                                   "booking.winter_share_12m", "booking.ancillary_share_12m",
                                   "booking.avg_advance_days_12m"};
    for (size_t i = 0; i < sizeof shares / sizeof shares[0]; i++)
        ck_nan(t, "C3", shares[i]);
    ck_assert_ptr_null(sval(t, "C3", "booking.preferred_cabin"));
    ck_assert_ptr_null(sval(t, "C3", "booking.preferred_channel"));
    ck_assert_str_eq(lval(t, "C3", "booking.routes_12m"), "");
    ck_assert_int_eq(ival(t, "C3", "age"), NUL);
    /* C4: a cancelled booking and one after D count nowhere. */
    ck_assert_int_eq(ival(t, "C4", "booking.count_total"), 0);
    ck_assert_int_eq(ival(t, "C4", "booking.spend_total"), 0);
    ck_assert_str_eq(lval(t, "C4", "booking.routes_12m"), "");
    ck_assert_int_eq(ival(t, "C4", "age"), 13); /* 14 tomorrow */
    ck_assert_int_eq(ival(t, "C5", "age"), NUL); /* born after D */
    /* C6: EUR before the window and USD inside it: spend_12m is known, spend_total is not. */
    ck_assert_int_eq(ival(t, "C6", "booking.spend_12m"), 700);
    ck_assert_int_eq(ival(t, "C6", "booking.spend_total"), NUL);
    ck_assert_int_eq(ival(t, "C6", "booking.count_total"), 3);
    ck_assert_int_eq(ival(t, "C6", "booking.first_date"), dt("2020-01-01"));
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_events)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = build_fixture(ctx);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-15")), MKT_OK);
    ck_assert_int_eq(ival(t, "C1", "event.cart_abandoned_7d"), 2);  /* e1 e2 */
    ck_assert_int_eq(ival(t, "C1", "event.cart_abandoned_30d"), 3); /* + e3 */
    ck_assert_int_eq(ival(t, "C1", "event.searches_30d"), 1);       /* e5 */
    ck_assert_int_eq(ival(t, "C1", "event.email_opens_90d"), 1);    /* e7 */
    ck_assert_int_eq(ival(t, "C1", "event.email_clicks_90d"), 1);
    ck_assert_int_eq(ival(t, "C1", "event.bookings_30d"), 1);
    ck_assert_int_eq(ival(t, "C1", "event.page_views_30d"), 1);
    ck_assert_int_eq(ival(t, "C1", "event.last_complaint_date"), dt("2024-04-01"));
    ck_assert_int_eq(ival(t, "C1", "event.unsubscribed"), 0); /* e13 is after D */
    ck_assert_int_eq(ival(t, "C1", "event.email_bounced_hard"), 1);
    ck_assert_int_eq(ival(t, "C1", "event.last_date"), dt("2024-06-15"));
    ck_assert_int_eq(ival(t, "C2", "event.unsubscribed"), 1);
    ck_assert_int_eq(ival(t, "C2", "event.last_date"), dt("2024-06-14"));
    ck_assert_int_eq(ival(t, "C2", "event.last_complaint_date"), NUL);
    ck_assert_int_eq(ival(t, "C3", "event.searches_30d"), 0);
    ck_assert_int_eq(ival(t, "C3", "event.last_date"), NUL);
    ck_assert_int_eq(ival(t, "C3", "event.unsubscribed"), 0);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_recompute_moves_window)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = build_fixture(ctx);
    uint32_t ncols;
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-15")), MKT_OK);
    ncols = mkt_table_column_count(t);
    /* D = 2024-06-16: b5 counts; b3 (2023-06-16) is now exactly D - 12 months. */
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-16")), MKT_OK);
    ck_assert_uint_eq(mkt_table_column_count(t), ncols); /* overwritten, not added */
    ck_assert_int_eq(ival(t, "C1", "booking.count_total"), 6);
    ck_assert_int_eq(ival(t, "C1", "booking.spend_total"), 165000 + 77777);
    ck_assert_int_eq(ival(t, "C1", "booking.count_12m"), 3); /* b1 b5 b6 */
    ck_assert_int_eq(ival(t, "C1", "booking.spend_12m"), 100000 + 77777 + 10000);
    ck_assert_int_eq(ival(t, "C1", "booking.last_date"), dt("2024-06-16"));
    ck_assert_str_eq(lval(t, "C1", "booking.routes_12m"), "JFK-LHR|ZRH-JFK");
    ck_assert_str_eq(sval(t, "C1", "booking.preferred_cabin"), "FIRST"); /* 1:1:1, highest */
    ck_assert_str_eq(sval(t, "C1", "booking.preferred_channel"), "WEB"); /* 2 vs 1 */
    ck_assert_int_eq(ival(t, "C1", "age"), 34);
    ck_assert_int_eq(ival(t, "C4", "age"), 14);
    ck_assert_int_eq(ival(t, "C4", "booking.count_total"), 1); /* d2, GBP */
    ck_assert_int_eq(ival(t, "C4", "booking.spend_total"), 100);
    ck_assert_int_eq(ival(t, "C1", "event.cart_abandoned_7d"), 2); /* e1 e4; e2 is D - 7 */
    /* Long ago: nothing counts, ages are null before birth. */
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("1980-01-01")), MKT_OK);
    ck_assert_int_eq(ival(t, "C1", "booking.count_total"), 0);
    ck_assert_int_eq(ival(t, "C1", "age"), NUL);
    ck_assert_int_eq(ival(t, "C1", "event.last_date"), NUL);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_leap_day_age)
{
    ck_assert_int_eq(mkt__age_at(dt("2000-02-29"), dt("2023-02-28")), 22);
    ck_assert_int_eq(mkt__age_at(dt("2000-02-29"), dt("2023-03-01")), 23);
    ck_assert_int_eq(mkt__age_at(dt("2000-02-29"), dt("2024-02-28")), 23);
    ck_assert_int_eq(mkt__age_at(dt("2000-02-29"), dt("2024-02-29")), 24);
    ck_assert_int_eq(mkt__age_at(dt("2000-02-29"), dt("2000-02-29")), 0);
    ck_assert_int_eq(mkt__age_at(dt("2000-03-01"), dt("2000-02-29")), MKT_NULL_INT64);
    ck_assert_int_eq(mkt__age_at(MKT_NULL_DATE, dt("2000-02-29")), MKT_NULL_INT64);
    ck_assert_int_eq(mkt__age_at(dt("1969-12-31"), dt("2024-12-30")), 54);
    ck_assert_int_eq(mkt__age_at(dt("1969-12-31"), dt("2024-12-31")), 55);
    /* And through the table, at D = 2023-02-28 and 2023-03-01. */
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = build_fixture(ctx);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2023-02-28")), MKT_OK);
    ck_assert_int_eq(ival(t, "C2", "age"), 22);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2023-03-01")), MKT_OK);
    ck_assert_int_eq(ival(t, "C2", "age"), 23);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_calendar_helpers)
{
    /* 1970-01-01 was a Thursday; 2024-06-15 a Saturday; 1969-12-28 a Sunday. */
    ck_assert_int_eq(mkt__weekday_of(0), 3);
    ck_assert_int_eq(mkt__weekday_of(dt("2024-06-15")), 5);
    ck_assert_int_eq(mkt__weekday_of(dt("1969-12-28")), 6);
    ck_assert_int_eq(mkt__month_of(dt("2024-02-29")), 2);
    ck_assert_int_eq(mkt__month_of(dt("1900-12-31")), 12);
    ck_assert_int_eq(mkt__date_of(-1), -1);
    ck_assert_int_eq(mkt__date_of(-86400), -1);
    ck_assert_int_eq(mkt__date_of(86399), 0);
    struct mkt__window w;
    ck_assert_int_eq(mkt__window_init(&w, dt("2024-03-31")), MKT_OK);
    ck_assert_int_eq(w.start12_date, dt("2023-03-31"));
    ck_assert_int_eq(mkt__window_init(&w, dt("2024-02-29")), MKT_OK);
    ck_assert_int_eq(w.start12_date, dt("2023-02-28")); /* clamped to the month's end */
    ck_assert_int_eq(mkt__window_init(&w, dt("0001-06-01")), MKT_ERANGE);
    ck_assert_int_eq(mkt__window_init(&w, dt("9999-12-31")), MKT_ERANGE);
    ck_assert_int_eq(mkt__window_init(&w, INT32_MAX), MKT_ERANGE);
}
END_TEST

START_TEST(test_stale)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = build_fixture(ctx);
    mkt_date d;
    ck_assert_int_eq(mkt_table_as_of(t, &d), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-15")), MKT_OK);
    uint32_t c = col_of(t, "booking.count_total"), routes = col_of(t, "booking.routes_12m");
    uint32_t cabin = col_of(t, "booking.preferred_cabin");
    uint32_t share = col_of(t, "booking.premium_share_12m");
    uint64_t r = row_of(t, "C1");
    int64_t v;
    double f;
    const char *s;
    uint32_t n;
    int32_t is_null;
    /* A failed add (duplicate id) changes nothing: still fresh. */
    mkt_booking b = to_booking(&bookings[0]);
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_EEXIST);
    ck_assert_int_eq(mkt_table_get_int(t, c, r, &v, &is_null), MKT_OK);
    /* Another column's value: still fresh. */
    ck_assert_int_eq(mkt_table_set_string(t, col_of(t, "email"), r, "a@b.c", 5), MKT_OK);
    ck_assert_int_eq(mkt_table_as_of(t, &d), MKT_OK);
    /* A new booking makes every as-of column stale. */
    b.booking_id = "b99";
    ck_assert_int_eq(mkt_table_add_booking(t, &b), MKT_OK);
    ck_assert_int_eq(mkt_table_get_int(t, c, r, &v, &is_null), MKT_ESTATE);
    ck_assert_msg_has(ctx, "booking.count_total");
    ck_assert_int_eq(mkt_table_get_number(t, share, r, &f, &is_null), MKT_ESTATE);
    ck_assert_int_eq(mkt_table_get_string(t, cabin, r, &s, NULL), MKT_ESTATE);
    ck_assert_int_eq(mkt_table_get_list_count(t, routes, r, &n, &is_null), MKT_ESTATE);
    ck_assert_int_eq(mkt_table_get_list_item(t, routes, r, 0, &s, NULL), MKT_ESTATE);
    ck_assert_int_eq(mkt_table_as_of(t, &d), MKT_ESTATE);
    ck_assert_int_eq(d, dt("2024-06-15"));
    /* Load-time columns stay readable. */
    ck_assert_int_eq(mkt_table_get_int(t, col_of(t, "booking.count"), r, &v, &is_null), MKT_OK);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-15")), MKT_OK);
    ck_assert_int_eq(ival(t, "C1", "booking.count_total"), 6); /* b99 is a copy of b1 */
    /* So do a new event, a new customer, a changed or cleared date of birth. */
    mkt_event e = to_event(&events[0]);
    e.event_id = "e99";
    ck_assert_int_eq(mkt_table_add_event(t, &e), MKT_OK);
    ck_assert_int_eq(mkt_table_get_int(t, c, r, &v, &is_null), MKT_ESTATE);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-15")), MKT_OK);
    ck_assert_int_eq(mkt_table_add_customer(t, "C7", 2, NULL), MKT_OK);
    ck_assert_int_eq(mkt_table_get_int(t, c, r, &v, &is_null), MKT_ESTATE);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-15")), MKT_OK);
    ck_assert_int_eq(ival(t, "C7", "booking.count_12m"), 0);
    ck_assert_int_eq(mkt_table_set_int(t, col_of(t, "date_of_birth"), r, dt("1991-01-01")),
                     MKT_OK);
    ck_assert_int_eq(mkt_table_get_int(t, c, r, &v, &is_null), MKT_ESTATE);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-15")), MKT_OK);
    ck_assert_int_eq(ival(t, "C1", "age"), 33);
    ck_assert_int_eq(mkt_table_set_null(t, col_of(t, "date_of_birth"), r), MKT_OK);
    ck_assert_int_eq(mkt_table_as_of(t, &d), MKT_ESTATE);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-15")), MKT_OK);
    ck_assert_int_eq(ival(t, "C1", "age"), NUL);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_stale_after_load)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    const char *p = write_text("b1.csv",
                               "booking_id,customer_id,booking_date,route,total_amount\n"
                               "B1,C1,2024-01-01,JFK-LAX,10.00\n"
                               "B2,C1,2024-01-02,BOS-JFK,20.00\n"
                               "B3,C1,2024-01-03,JFK-LAX,30.00\n");
    ck_assert_int_eq(mkt_table_load_bookings(t, p, NULL), MKT_OK);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-01-02")), MKT_OK);
    ck_assert_int_eq(ival(t, "C1", "booking.count_12m"), 2);
    ck_assert_int_eq(ival(t, "C1", "booking.spend_12m"), 3000);
    ck_assert_str_eq(lval(t, "C1", "booking.routes_12m"), "BOS-JFK|JFK-LAX");
    /* The all-time load aggregates keep their own (renamed) columns. */
    ck_assert_int_eq(ival(t, "C1", "booking.last_date_all"), dt("2024-01-03"));
    ck_assert_int_eq(ival(t, "C1", "booking.last_date"), dt("2024-01-02"));
    /* A failed load leaves the fields fresh, a good one makes them stale. */
    p = write_text("b2.csv", "booking_id,customer_id,booking_date,total_amount\n"
                             "B4,C1,2024-01-01,1.00\nB1,C1,2024-01-01,1.00\n");
    ck_assert_int_eq(mkt_table_load_bookings(t, p, NULL), MKT_EEXIST);
    ck_assert_int_eq(ival(t, "C1", "booking.count_12m"), 2);
    p = write_text("b3.csv", "booking_id,customer_id,booking_date,total_amount\n"
                             "B5,C1,2024-01-01,1.00\n");
    ck_assert_int_eq(mkt_table_load_bookings(t, p, NULL), MKT_OK);
    uint32_t n;
    int32_t is_null;
    ck_assert_int_eq(mkt_table_get_list_count(t, col_of(t, "booking.routes_12m"), 0, &n,
                                               &is_null),
                     MKT_ESTATE);
    p = write_text("c.csv", "customer_id,date_of_birth\nC1,2000-01-01\n");
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-01-02")), MKT_OK);
    ck_assert_int_eq(mkt_table_load_customers(t, p, NULL), MKT_OK); /* fills the stub */
    mkt_date d;
    ck_assert_int_eq(mkt_table_as_of(t, &d), MKT_ESTATE);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-01-02")), MKT_OK);
    ck_assert_int_eq(ival(t, "C1", "age"), 24);
    ck_assert_int_eq(ival(t, "C1", "booking.spend_12m"), 3100);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_columns_and_errors)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = build_fixture(ctx);
    uint32_t before = mkt_table_column_count(t);
    ck_assert_int_eq(mkt_table_set_as_of(NULL, 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("0001-06-01")), MKT_ERANGE);
    ck_assert_msg_has(ctx, "out of range");
    ck_assert_int_eq(mkt_table_set_as_of(t, INT32_MAX), MKT_ERANGE);
    ck_assert_uint_eq(mkt_table_column_count(t), before); /* nothing made */
    mkt_date d;
    ck_assert_int_eq(mkt_table_as_of(NULL, &d), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_as_of(t, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-15")), MKT_OK);
    ck_assert_uint_eq(mkt_table_column_count(t), before + MKT__F_COUNT);
    for (int f = 0; f < MKT__F_COUNT; f++) {
        mkt_column_info info;
        ck_assert_int_eq(mkt_table_column_info(t, col_of(t, mkt__fields[f].name), &info),
                         MKT_OK);
        ck_assert_int_eq(info.type, mkt__fields[f].type);
        ck_assert_int_eq(info.is_derived, 1);
        ck_assert_int_eq(info.is_custom, 0);
    }
    mkt_column_info info;
    uint32_t routes = col_of(t, "booking.routes_12m"), count = col_of(t, "booking.count_12m");
    ck_assert_int_eq(mkt_table_column_info(t, routes, &info), MKT_OK);
    ck_assert_int_eq(info.type, MKT_TYPE_LIST);
    ck_assert_uint_eq(info.null_count, 0);
    ck_assert_int_eq(mkt_table_column_info(t, col_of(t, "booking.spend_12m"), &info), MKT_OK);
    ck_assert_uint_eq(info.null_count, 1); /* C2 */
    /* List readers. */
    uint64_t r = row_of(t, "C1");
    uint32_t n;
    int32_t is_null;
    int64_t v;
    const char *s;
    ck_assert_int_eq(mkt_table_get_list_count(NULL, routes, r, &n, &is_null), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_get_list_count(t, routes, r, NULL, &is_null), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_get_list_count(t, routes, r, &n, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_get_list_count(t, 9999, r, &n, &is_null), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_table_get_list_count(t, routes, 9999, &n, &is_null), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_table_get_list_count(t, count, r, &n, &is_null), MKT_ETYPE);
    ck_assert_msg_has(ctx, "not a list");
    ck_assert_int_eq(mkt_table_get_list_item(NULL, routes, r, 0, &s, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_get_list_item(t, routes, r, 0, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_get_list_item(t, routes, r, 2, &s, NULL), MKT_ENOTFOUND);
    ck_assert_msg_has(ctx, "no item 2");
    ck_assert_int_eq(mkt_table_get_list_item(t, routes, 9999, 0, &s, NULL), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_table_get_list_item(t, 9999, r, 0, &s, NULL), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_table_get_list_item(t, count, r, 0, &s, NULL), MKT_ETYPE);
    ck_assert_int_eq(mkt_table_get_list_item(t, routes, r, 1, &s, NULL), MKT_OK);
    ck_assert_str_eq(s, "JFK-LHR");
    /* Other getters refuse a list; setters refuse every as-of column. */
    ck_assert_int_eq(mkt_table_get_int(t, routes, r, &v, &is_null), MKT_ETYPE);
    ck_assert_int_eq(mkt_table_get_string(t, routes, r, &s, NULL), MKT_ETYPE);
    double f;
    ck_assert_int_eq(mkt_table_get_number(t, routes, r, &f, &is_null), MKT_ETYPE);
    ck_assert_int_eq(mkt_table_set_int(t, count, r, 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_set_null(t, routes, r), MKT_EINVAL);
    ck_assert_int_eq(mkt_table_set_int(t, col_of(t, "age"), r, 1), MKT_EINVAL);
    uint32_t c;
    ck_assert_int_eq(mkt_table_add_column(t, "age", MKT_TYPE_INT, &c), MKT_EEXIST);
    ck_assert_int_eq(mkt_table_add_column(t, "tags", MKT_TYPE_LIST, &c), MKT_EINVAL);
    /* A customers file may not load into a derived column. */
    const char *p = write_text("age.csv", "customer_id,age\nC1,3\n");
    ck_assert_int_eq(mkt_table_load_customers(t, p, NULL), MKT_EPARSE);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_host_age_column)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = build_fixture(ctx);
    uint32_t age;
    ck_assert_int_eq(mkt_table_add_column(t, "age", MKT_TYPE_INT, &age), MKT_OK);
    ck_assert_int_eq(mkt_table_set_int(t, age, row_of(t, "C1"), 77), MKT_OK);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-15")), MKT_OK);
    ck_assert_int_eq(ival(t, "C1", "age"), 77); /* the host's column wins, untouched */
    ck_assert_int_eq(ival(t, "C1", "booking.count_12m"), 3);
    mkt_column_info info;
    ck_assert_int_eq(mkt_table_column_info(t, age, &info), MKT_OK);
    ck_assert_int_eq(info.is_custom, 1);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-16")), MKT_OK); /* second call too */
    ck_assert_int_eq(ival(t, "C1", "age"), 77);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_empty_table)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-15")), MKT_OK);
    mkt_date d;
    ck_assert_int_eq(mkt_table_as_of(t, &d), MKT_OK);
    ck_assert_int_eq(mkt_table_add_customer(t, "Z", 1, NULL), MKT_OK);
    ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-15")), MKT_OK);
    ck_assert_str_eq(lval(t, "Z", "booking.routes_12m"), "");
    ck_assert_int_eq(ival(t, "Z", "booking.count_total"), 0);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* Compare every field of one customer computed alone with the table's values. */
static void check_one(mkt_ctx *ctx, const mkt_table *t, const char *cust, mkt_date as_of,
                      mkt_date dob)
{
    mkt_booking bk[N_BOOKINGS];
    mkt_event ev[N_EVENTS];
    const char *routes[N_BOOKINGS];
    size_t nb = 0, ne = 0;
    for (size_t i = 0; i < N_BOOKINGS; i++)
        if (strcmp(bookings[i].cust, cust) == 0)
            bk[nb++] = to_booking(&bookings[i]);
    for (size_t i = 0; i < N_EVENTS; i++)
        if (strcmp(events[i].cust, cust) == 0)
            ev[ne++] = to_event(&events[i]);
    struct mkt__one one;
    ck_assert_int_eq(mkt__one_compute(ctx, as_of, dob, bk, nb, ev, ne, routes, &one), MKT_OK);
    uint64_t r = row_of(t, cust);
    for (int f = 0; f < MKT__F_COUNT; f++) {
        struct mkt__fval v;
        mkt__one_get(&one, f, &v);
        uint32_t c = col_of(t, mkt__fields[f].name);
        ck_assert_int_eq(v.type, mkt__fields[f].type);
        int32_t is_null = 0;
        if (v.type == MKT_TYPE_NUMBER) {
            double x;
            ck_assert_int_eq(mkt_table_get_number(t, c, r, &x, &is_null), MKT_OK);
            ck_assert_int_eq(is_null, v.is_null);
            ck_assert_msg(is_null || x == v.f, "%s: %g vs %g", mkt__fields[f].name, x, v.f);
        } else if (v.type == MKT_TYPE_STRING) {
            const char *s;
            ck_assert_int_eq(mkt_table_get_string(t, c, r, &s, NULL), MKT_OK);
            ck_assert_int_eq(s == NULL, v.is_null);
            if (s)
                ck_assert_str_eq(s, v.s);
        } else if (v.type == MKT_TYPE_LIST) {
            char want[256] = "";
            for (uint32_t k = 0; k < v.list_len; k++) {
                if (k)
                    strcat(want, "|");
                strcat(want, v.list[k]);
            }
            ck_assert_str_eq(lval(t, cust, mkt__fields[f].name), want);
        } else {
            int64_t x;
            ck_assert_int_eq(mkt_table_get_int(t, c, r, &x, &is_null), MKT_OK);
            ck_assert_msg(is_null == v.is_null && x == v.i, "%s of %s", mkt__fields[f].name,
                          cust);
        }
    }
}

START_TEST(test_one_customer_matches_table)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t = build_fixture(ctx);
    static const char *ids[] = {"C1", "C2", "C3", "C4", "C5", "C6"};
    static const char *dates[] = {"2024-06-15", "2024-06-16", "2023-06-16", "2025-01-01"};
    for (size_t k = 0; k < 4; k++) {
        ck_assert_int_eq(mkt_table_set_as_of(t, dt(dates[k])), MKT_OK);
        for (size_t i = 0; i < 6; i++) {
            int64_t dob = ival(t, ids[i], "date_of_birth");
            check_one(ctx, t, ids[i], dt(dates[k]), dob == NUL ? MKT_NULL_DATE : (mkt_date)dob);
        }
    }
    /* Errors: NULL arrays with counts, out-of-range dates, money overflow. */
    struct mkt__one one;
    const char *routes[2];
    mkt_booking b[2] = {to_booking(&bookings[0]), to_booking(&bookings[0])};
    ck_assert_int_eq(mkt__one_compute(ctx, 0, MKT_NULL_DATE, NULL, 1, NULL, 0, routes, &one),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt__one_compute(ctx, 0, MKT_NULL_DATE, b, 1, NULL, 0, NULL, &one),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt__one_compute(ctx, 0, MKT_NULL_DATE, NULL, 0, NULL, 1, NULL, &one),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt__one_compute(ctx, 0, MKT_NULL_DATE, NULL, 0, NULL, 0, NULL, NULL),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt__one_compute(ctx, INT32_MAX, MKT_NULL_DATE, NULL, 0, NULL, 0, NULL,
                                      &one),
                     MKT_ERANGE);
    b[0].total_amount = b[1].total_amount = INT64_MAX / 2 + 1;
    ck_assert_int_eq(mkt__one_compute(ctx, dt("2024-06-15"), MKT_NULL_DATE, b, 2, NULL, 0,
                                      routes, &one),
                     MKT_ERANGE);
    ck_assert_msg_has(ctx, "overflow");
    /* Several currencies: ids follow the codes, not just "first or other". */
    b[0] = to_booking(&bookings[0]);
    b[1] = to_booking(&bookings[0]);
    b[0].currency = "EUR";
    b[1].currency = "GBP";
    ck_assert_int_eq(mkt__one_compute(ctx, dt("2024-06-15"), MKT_NULL_DATE, b, 2, NULL, 0,
                                      routes, &one),
                     MKT_OK);
    ck_assert_int_eq(one.bk.spend_12m, MKT_NULL_INT64);
    ck_assert_uint_eq(one.nroutes, 1);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* Under allocation failures: set_as_of fails cleanly, and a failed recompute keeps the
 * previous values readable and fresh. */
static int failing_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx;
    failalloc_pause(fa);
    ck_assert_int_eq(mkt_ctx_new(&ctx, &fa->host, NULL), MKT_OK);
    mkt_table *t = build_fixture(ctx);
    failalloc_resume(fa);
    int rc = mkt_table_set_as_of(t, dt("2024-06-15"));
    failalloc_pause(fa);
    mkt_date d;
    if (rc == MKT_OK) {
        ck_assert_int_eq(mkt_table_as_of(t, &d), MKT_OK);
    } else {
        ck_assert_int_eq(rc, MKT_ENOMEM);
        ck_assert_int_eq(mkt_table_as_of(t, &d), MKT_ENOTFOUND);
        ck_assert_int_eq(mkt_table_set_as_of(t, dt("2024-06-15")), MKT_OK);
    }
    failalloc_resume(fa);
    int rc2 = mkt_table_set_as_of(t, dt("2024-06-16"));
    failalloc_pause(fa);
    ck_assert(rc2 == MKT_OK || rc2 == MKT_ENOMEM);
    ck_assert_int_eq(mkt_table_as_of(t, &d), MKT_OK);
    ck_assert_int_eq(d, dt(rc2 == MKT_OK ? "2024-06-16" : "2024-06-15"));
    ck_assert_int_eq(ival(t, "C1", "booking.count_total"), rc2 == MKT_OK ? 6 : 5);
    ck_assert_str_eq(lval(t, "C1", "booking.routes_12m"),
                     rc2 == MKT_OK ? "JFK-LHR|ZRH-JFK" : "AMS-JFK|JFK-LHR");
    mkt_table_free(t);
    mkt_ctx_free(ctx);
    failalloc_resume(fa);
    return rc ? rc : rc2;
}

START_TEST(test_alloc_failures)
{
    failalloc_run(failing_scenario, NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("derive");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_c1_bookings);
    tcase_add_test(tc, test_ties_currencies_empty);
    tcase_add_test(tc, test_events);
    tcase_add_test(tc, test_recompute_moves_window);
    tcase_add_test(tc, test_leap_day_age);
    tcase_add_test(tc, test_calendar_helpers);
    tcase_add_test(tc, test_stale);
    tcase_add_test(tc, test_stale_after_load);
    tcase_add_test(tc, test_columns_and_errors);
    tcase_add_test(tc, test_host_age_column);
    tcase_add_test(tc, test_empty_table);
    tcase_add_test(tc, test_one_customer_matches_table);
    tcase_add_test(tc, test_alloc_failures);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
