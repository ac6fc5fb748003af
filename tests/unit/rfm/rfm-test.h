/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the rfm unit tests: a context, dates from text, and a customer table built
 * from a list of bookings through the public host API (so the tests see what a loader would
 * produce, without files).
 */
#ifndef RFM_TEST_H
#define RFM_TEST_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmarketing.h"

static inline mkt_ctx *new_ctx(void)
{
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    return ctx;
}

static inline mkt_date dt(const char *s)
{
    mkt_date d;
    ck_assert_int_eq(mkt_date_parse(&d, s, strlen(s)), MKT_OK);
    return d;
}

/* One booking of a fixture: date as text, amount in minor units, currency NULL = USD. */
struct bk {
    const char *id, *cust, *date;
    int64_t amount;
    const char *currency;
    int cancelled;
};

static inline void add_bookings(mkt_table *t, const struct bk *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        mkt_booking x;
        memset(&x, 0, sizeof x);
        x.struct_size = sizeof x;
        x.booking_id = b[i].id;
        x.customer_id = b[i].cust;
        x.booking_time = (mkt_time)dt(b[i].date) * 86400 + 3600 * 13; /* 13:00 UTC */
        x.departure_date = MKT_NULL_DATE;
        x.total_amount = b[i].amount;
        x.ancillary_amount = MKT_NULL_INT64;
        x.currency = b[i].currency;
        x.status = b[i].cancelled ? MKT_BOOKING_CANCELLED : MKT_BOOKING_CONFIRMED;
        int rc = mkt_table_add_booking(t, &x);
        ck_assert_msg(rc == MKT_OK, "booking %s: %d", b[i].id, rc);
    }
}

static inline mkt_table *table_of(mkt_ctx *ctx, const struct bk *b, size_t n)
{
    mkt_table *t = NULL;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    add_bookings(t, b, n);
    return t;
}

static inline const char *last_message(mkt_ctx *ctx)
{
    return mkt_ctx_last_error(ctx)->message;
}

#endif /* RFM_TEST_H */
