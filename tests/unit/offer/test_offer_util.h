/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the offer test suites: dates from text, a settable clock, the reference
 * offer and booking most tests start from, and a store that several contexts (threads) share
 * behind a mutex.
 */
#ifndef MKT_TEST_OFFER_UTIL_H
#define MKT_TEST_OFFER_UTIL_H

#include <check.h>
#include <pthread.h>
#include <string.h>

#include "libmarketing.h"

static inline mkt_date D(const char *text)
{
    mkt_date d = MKT_NULL_DATE;
    ck_assert_int_eq(mkt_date_parse(&d, text, strlen(text)), MKT_OK);
    return d;
}

/* A clock the test moves: host.now reads *(mkt_time *)user_data. */
static inline int test_clock(mkt_time *out, void *user_data)
{
    *out = *(const mkt_time *)user_data;
    return MKT_OK;
}

static inline mkt_ctx *ctx_with_clock(mkt_time *clock)
{
    mkt_host host;
    mkt_host_init(&host);
    host.now = test_clock;
    host.user_data = clock;
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &host, NULL), MKT_OK);
    return ctx;
}

static inline void ok(mkt_ctx *ctx, int rc)
{
    ck_assert_msg(rc == MKT_OK, "rc %d: %s", rc, mkt_ctx_last_error(ctx)->message);
}

/*
 * The reference offer "summer": 15 % capped at 50.00 USD, minimum purchase 100.00 USD,
 * bookings 2026-06-01..2026-08-31, travel 2026-06-15..2026-09-30, blackout 2026-07-01..04,
 * routes JFK-* but not JFK-LAX, fare classes Y and M but not M (exclusion wins), code
 * SUMMER24.
 */
static inline mkt_offer *summer_offer(mkt_ctx *ctx)
{
    mkt_offer *o = NULL;
    ok(ctx, mkt_offer_new(&o, ctx, "summer"));
    ok(ctx, mkt_offer_set_discount(o, MKT_DISCOUNT_PERCENT, 1500, 5000));
    ok(ctx, mkt_offer_set_currency(o, "USD"));
    ok(ctx, mkt_offer_set_min_purchase(o, 10000));
    ok(ctx, mkt_offer_set_booking_window(o, D("2026-06-01"), D("2026-08-31")));
    ok(ctx, mkt_offer_set_travel_window(o, D("2026-06-15"), D("2026-09-30")));
    ok(ctx, mkt_offer_add_blackout(o, D("2026-07-01"), D("2026-07-04")));
    ok(ctx, mkt_offer_add_route(o, "JFK-*", 0));
    ok(ctx, mkt_offer_add_route(o, "jfk-lax", 1));
    ok(ctx, mkt_offer_add_fare_class(o, "Y", 0));
    ok(ctx, mkt_offer_add_fare_class(o, "m", 0));
    ok(ctx, mkt_offer_add_fare_class(o, "M", 1));
    ok(ctx, mkt_offer_add_code(o, "SUMMER24", NULL));
    return o;
}

/* The reference booking: valid for "summer", 200.00 USD, discount 30.00. */
static inline mkt_offer_booking ref_booking(void)
{
    mkt_offer_booking b;
    mkt_offer_booking_init(&b);
    b.customer_id = "C1";
    b.booking_id = "B1";
    b.route = "JFK-LHR";
    b.fare_class = "Y";
    b.amount = 20000;
    b.currency = "USD";
    b.booking_date = D("2026-07-10");
    b.travel_date = D("2026-08-01");
    return b;
}

/* 1 if @r holds reason @code. */
static inline int has_reason(const mkt_offer_result *r, int32_t code)
{
    for (size_t i = 0; i < mkt_offer_result_reason_count(r); i++)
        if (mkt_offer_result_reason(r, i) == code)
            return 1;
    return 0;
}

/* ---- a store shared by several contexts --------------------------------------------------- */

/* Every op locks @mu and forwards to @backing's built-in memory store. */
typedef struct shared_store {
    pthread_mutex_t mu;
    mkt_ctx *backing;
} shared_store;

static inline int ss_get(const char *ns, const char *key, size_t key_len, mkt_store_reply *reply,
                         void *ud)
{
    shared_store *s = ud;
    char *v = NULL;
    size_t len = 0;
    uint64_t version = 0;
    pthread_mutex_lock(&s->mu);
    int rc = mkt_store_get(s->backing, ns, key, key_len, &v, &len, &version);
    pthread_mutex_unlock(&s->mu);
    if (rc == MKT_OK)
        rc = mkt_store_reply_set(reply, v, len, version);
    mkt_free(v);
    return rc;
}

static inline int ss_put(const char *ns, const char *key, size_t key_len, const void *value,
                         size_t value_len, uint64_t expected, uint64_t *new_version, void *ud)
{
    shared_store *s = ud;
    pthread_mutex_lock(&s->mu);
    int rc = mkt_store_put(s->backing, ns, key, key_len, value, value_len, expected,
                           new_version);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static inline int ss_del(const char *ns, const char *key, size_t key_len, uint64_t expected,
                         void *ud)
{
    shared_store *s = ud;
    pthread_mutex_lock(&s->mu);
    int rc = mkt_store_delete(s->backing, ns, key, key_len, expected);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static inline int ss_incr(const char *ns, const char *key, size_t key_len, int64_t delta,
                          int64_t limit, int64_t *result, void *ud)
{
    shared_store *s = ud;
    pthread_mutex_lock(&s->mu);
    int rc = mkt_store_incr(s->backing, ns, key, key_len, delta, limit, result);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static inline int ss_scan(const char *ns, const char *prefix, size_t prefix_len,
                          mkt_store_visit_fn visit, void *visit_data, void *ud)
{
    shared_store *s = ud;
    pthread_mutex_lock(&s->mu);
    int rc = mkt_store_scan(s->backing, ns, prefix, prefix_len, visit, visit_data);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static inline mkt_store_ops shared_store_ops(shared_store *s)
{
    mkt_store_ops ops = {sizeof ops, ss_get, ss_put, ss_del, ss_incr, ss_scan, NULL, s};
    return ops;
}

#endif /* MKT_TEST_OFFER_UTIL_H */
