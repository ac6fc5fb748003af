/* SPDX-License-Identifier: MIT */
/*
 * Redemption: reserve -> commit / release, idempotency per booking, every limit and the
 * budget enforced at reserve (with the counters taken before a refusal given back), lapsed
 * reservations (lazy release and sweep), usage figures and reports, and a store that fails
 * at every possible operation in turn (the counters always match the records).
 */
#include <stdio.h>
#include <stdlib.h>

#include "test_offer_util.h"

struct fx {
    mkt_time clock;
    mkt_ctx *ctx;
    mkt_offers *set;
    mkt_offer_result *r;
};

/* "summer" (see test_offer_util.h) with extra limits set by the test through @o. */
static void setup(struct fx *f, int64_t total, int64_t per_customer, int64_t per_month,
                  int64_t budget)
{
    f->clock = 1790000000; /* 2026-09-21 */
    f->ctx = ctx_with_clock(&f->clock);
    ok(f->ctx, mkt_offers_new(&f->set, f->ctx));
    mkt_offer *o = summer_offer(f->ctx);
    ok(f->ctx, mkt_offer_set_limit(o, MKT_OFFER_LIMIT_TOTAL, total));
    ok(f->ctx, mkt_offer_set_limit(o, MKT_OFFER_LIMIT_PER_CUSTOMER, per_customer));
    ok(f->ctx, mkt_offer_set_limit(o, MKT_OFFER_LIMIT_PER_CUSTOMER_MONTH, per_month));
    ok(f->ctx, mkt_offer_set_limit(o, MKT_OFFER_LIMIT_BUDGET, budget));
    ok(f->ctx, mkt_offer_set_reservation_ttl(o, 60));
    ok(f->ctx, mkt_offers_add(f->set, o));
    ok(f->ctx, mkt_offer_result_new(&f->r, f->ctx));
}

static void teardown(struct fx *f)
{
    mkt_offer_result_free(f->r);
    mkt_offers_free(f->set);
    mkt_ctx_free(f->ctx);
}

/* Reserve SUMMER24 for (customer, booking) on the reference booking; returns valid. */
static int32_t reserve(struct fx *f, const char *customer, const char *booking)
{
    mkt_offer_booking b = ref_booking();
    b.customer_id = customer;
    b.booking_id = booking;
    ok(f->ctx, mkt_offers_reserve(f->set, f->ctx, "SUMMER24", &b, f->r));
    return mkt_offer_result_valid(f->r);
}

static mkt_offer_usage usage(struct fx *f, const char *customer)
{
    mkt_offer_usage u;
    memset(&u, 0xff, sizeof u);
    u.struct_size = sizeof u;
    ok(f->ctx, mkt_offer_usage_get(f->ctx, "summer", customer, &u));
    return u;
}

START_TEST(test_reserve_commit_release)
{
    struct fx f;
    setup(&f, 0, 0, 0, 0);
    ck_assert_int_eq(reserve(&f, "C1", "B1"), 1);
    ck_assert_int_eq(mkt_offer_result_discount(f.r), 3000);
    mkt_offer_usage u = usage(&f, "C1");
    ck_assert_int_eq(u.held, 1);
    ck_assert_int_eq(u.redemptions, 0); /* reserved, not committed */
    ck_assert_int_eq(u.budget_used, 3000);
    ck_assert_int_eq(u.customer_uses, 1);
    ok(f.ctx, mkt_offers_commit(f.set, f.ctx, "summer-24", "C1", "B1"));
    ok(f.ctx, mkt_offers_commit(f.set, f.ctx, "SUMMER24", "C1", "B1")); /* idempotent */
    u = usage(&f, NULL);
    ck_assert_int_eq(u.held, 1);
    ck_assert_int_eq(u.redemptions, 1);
    ck_assert_int_eq(u.discount_total, 3000);
    ck_assert_int_eq(u.average_discount, 3000);
    ck_assert_int_eq(u.customer_uses, 0);
    /* A second customer, committed too: average of 30.00 and 30.00. */
    ck_assert_int_eq(reserve(&f, "C2", "B2"), 1);
    ok(f.ctx, mkt_offers_commit(f.set, f.ctx, "SUMMER24", "C2", "B2"));
    char *report = NULL;
    ok(f.ctx, mkt_offer_usage_report(f.ctx, "summer", MKT_OFFER_USAGE_BY_ROUTE, &report));
    ck_assert_str_eq(report, "route,redemptions\nJFK-LHR,2\n");
    mkt_free(report);
    ok(f.ctx, mkt_offer_usage_report(f.ctx, "summer", MKT_OFFER_USAGE_BY_BOOKING_DATE, &report));
    ck_assert_str_eq(report, "booking_date,redemptions\n2026-07-10,2\n");
    mkt_free(report);
    /* Cancelling a committed booking gives everything back. */
    ok(f.ctx, mkt_offers_release(f.set, f.ctx, "SUMMER24", "C1", "B1"));
    ok(f.ctx, mkt_offers_release(f.set, f.ctx, "SUMMER24", "C1", "B1")); /* idempotent */
    u = usage(&f, "C1");
    ck_assert_int_eq(u.held, 1);
    ck_assert_int_eq(u.redemptions, 1);
    ck_assert_int_eq(u.discount_total, 3000);
    ck_assert_int_eq(u.budget_used, 3000);
    ck_assert_int_eq(u.customer_uses, 0);
    ck_assert_int_eq(mkt_offers_commit(f.set, f.ctx, "SUMMER24", "C1", "B1"), MKT_ESTATE);
    /* The released booking may reserve again. */
    ck_assert_int_eq(reserve(&f, "C1", "B1"), 1);
    ck_assert_int_eq(usage(&f, NULL).held, 2);
    teardown(&f);
}
END_TEST

START_TEST(test_idempotent_reserve)
{
    struct fx f;
    setup(&f, 0, 0, 0, 0);
    ck_assert_int_eq(reserve(&f, "C1", "B1"), 1);
    ck_assert_int_eq(reserve(&f, "C1", "B1"), 1);
    ck_assert_int_eq(mkt_offer_result_discount(f.r), 3000);
    ck_assert_int_eq(usage(&f, "C1").held, 1);
    ok(f.ctx, mkt_offers_commit(f.set, f.ctx, "SUMMER24", "C1", "B1"));
    ck_assert_int_eq(reserve(&f, "C1", "B1"), 1); /* committed: still one use */
    ck_assert_int_eq(usage(&f, "C1").held, 1);
    teardown(&f);
}
END_TEST

START_TEST(test_total_limit)
{
    struct fx f;
    setup(&f, 2, 0, 0, 0);
    ck_assert_int_eq(reserve(&f, "C1", "B1"), 1);
    ck_assert_int_eq(reserve(&f, "C2", "B2"), 1);
    ck_assert_int_eq(reserve(&f, "C3", "B3"), 0);
    ck_assert_int_eq(mkt_offer_result_reason(f.r, 0), MKT_OFFER_REASON_LIMIT_TOTAL);
    /* The refused reserve gave back nothing it did not keep. */
    ck_assert_int_eq(usage(&f, "C3").customer_uses, 0);
    ck_assert_int_eq(usage(&f, NULL).held, 2);
    /* validate sees the limit as a hint too. */
    mkt_offer_booking b = ref_booking();
    b.customer_id = "C3";
    ok(f.ctx, mkt_offers_validate(f.set, f.ctx, "SUMMER24", &b, f.r));
    ck_assert_int_eq(mkt_offer_result_reason(f.r, 0), MKT_OFFER_REASON_LIMIT_TOTAL);
    ck_assert_str_eq(mkt_offer_result_reason_text(f.r, 0), "total uses: 2 of 2 used");
    /* A release frees a use. */
    ok(f.ctx, mkt_offers_release(f.set, f.ctx, "SUMMER24", "C2", "B2"));
    ck_assert_int_eq(reserve(&f, "C3", "B3"), 1);
    teardown(&f);
}
END_TEST

START_TEST(test_customer_limits)
{
    struct fx f;
    setup(&f, 0, 2, 1, 0);
    ck_assert_int_eq(reserve(&f, "C1", "B1"), 1);
    ck_assert_int_eq(reserve(&f, "C1", "B2"), 0); /* same month (booking date 2026-07-10) */
    ck_assert_int_eq(mkt_offer_result_reason(f.r, 0), MKT_OFFER_REASON_LIMIT_PER_MONTH);
    mkt_offer_booking b = ref_booking();
    b.booking_id = "B3";
    b.booking_date = D("2026-08-01"); /* next month: the monthly counter is a new one */
    ok(f.ctx, mkt_offers_reserve(f.set, f.ctx, "SUMMER24", &b, f.r));
    ck_assert_int_eq(mkt_offer_result_valid(f.r), 1);
    b.booking_id = "B4";
    b.booking_date = D("2026-08-02");
    ok(f.ctx, mkt_offers_reserve(f.set, f.ctx, "SUMMER24", &b, f.r));
    ck_assert_int_eq(mkt_offer_result_reason(f.r, 0), MKT_OFFER_REASON_LIMIT_PER_CUSTOMER);
    ck_assert_int_eq(reserve(&f, "C2", "B5"), 1); /* another customer */
    mkt_offer_usage u = usage(&f, "C1");
    ck_assert_int_eq(u.held, 3);
    ck_assert_int_eq(u.customer_uses, 2);
    teardown(&f);
}
END_TEST

START_TEST(test_budget)
{
    struct fx f;
    setup(&f, 0, 0, 0, 7000);
    /* 30.00 + 30.00 = 60.00 fits 70.00; a third 30.00 does not. */
    ck_assert_int_eq(reserve(&f, "C1", "B1"), 1);
    ck_assert_int_eq(reserve(&f, "C2", "B2"), 1);
    ck_assert_int_eq(reserve(&f, "C3", "B3"), 0);
    ck_assert_int_eq(mkt_offer_result_reason(f.r, 0), MKT_OFFER_REASON_BUDGET_EXHAUSTED);
    /* The counters taken before the budget (held, customer, month) were given back. */
    mkt_offer_usage u = usage(&f, "C3");
    ck_assert_int_eq(u.held, 2);
    ck_assert_int_eq(u.customer_uses, 0);
    ck_assert_int_eq(u.budget_used, 6000);
    /* A 100.00 booking (15 % = 15.00) does not fit the 10.00 left; after a release 40.00 is
     * left and it does. */
    mkt_offer_booking b = ref_booking();
    b.customer_id = "C3";
    b.booking_id = "B3";
    b.amount = 10000;
    ok(f.ctx, mkt_offers_reserve(f.set, f.ctx, "SUMMER24", &b, f.r));
    ck_assert_int_eq(mkt_offer_result_valid(f.r), 0);
    ok(f.ctx, mkt_offers_release(f.set, f.ctx, "SUMMER24", "C1", "B1"));
    ok(f.ctx, mkt_offers_reserve(f.set, f.ctx, "SUMMER24", &b, f.r));
    ck_assert_int_eq(mkt_offer_result_discount(f.r), 1500);
    ck_assert_int_eq(usage(&f, NULL).budget_used, 4500);
    teardown(&f);
}
END_TEST

START_TEST(test_lapse_and_sweep)
{
    struct fx f;
    setup(&f, 1, 0, 0, 0);
    ck_assert_int_eq(reserve(&f, "C1", "B1"), 1);
    f.clock += 59; /* TTL 60: still held at +59 */
    ck_assert_int_eq(reserve(&f, "C2", "B2"), 0);
    f.clock += 1; /* lapsed at +60: the next reserve that meets the limit ... */
    ck_assert_int_eq(mkt_offers_commit(f.set, f.ctx, "SUMMER24", "C1", "B1"), MKT_ESTATE);
    ck_assert_int_eq(usage(&f, NULL).held, 0); /* ... commit released it */
    ck_assert_int_eq(reserve(&f, "C2", "B2"), 1);
    /* The same booking, reserved again after its lapse, takes a new use. */
    f.clock += 60;
    ck_assert_int_eq(reserve(&f, "C2", "B2"), 1);
    ck_assert_int_eq(usage(&f, NULL).held, 1);
    /* Sweep: lapse it and release without touching the booking. */
    f.clock += 61;
    uint64_t n = 99;
    ok(f.ctx, mkt_offers_sweep(f.ctx, &n));
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(usage(&f, NULL).held, 0);
    ok(f.ctx, mkt_offers_sweep(f.ctx, &n));
    ck_assert_uint_eq(n, 0);
    ok(f.ctx, mkt_offers_sweep(f.ctx, NULL));
    teardown(&f);
}
END_TEST

START_TEST(test_errors)
{
    struct fx f;
    setup(&f, 0, 0, 0, 0);
    mkt_offer_booking b = ref_booking();
    b.booking_id = NULL;
    ck_assert_int_eq(mkt_offers_reserve(f.set, f.ctx, "SUMMER24", &b, f.r), MKT_EINVAL);
    b = ref_booking();
    b.customer_id = "C\x01";
    ck_assert_int_eq(mkt_offers_reserve(f.set, f.ctx, "SUMMER24", &b, f.r), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(f.ctx)->message, "control byte"));
    b.customer_id = "\xff\xfe";
    ck_assert_int_eq(mkt_offers_validate(f.set, f.ctx, "SUMMER24", &b, f.r), MKT_EINVAL);
    b = ref_booking();
    ck_assert_int_eq(mkt_offers_reserve(NULL, f.ctx, "SUMMER24", &b, f.r), MKT_EINVAL);
    ck_assert_int_eq(mkt_offers_reserve(f.set, NULL, "SUMMER24", &b, f.r), MKT_EINVAL);
    ck_assert_int_eq(mkt_offers_reserve(f.set, f.ctx, NULL, &b, f.r), MKT_EINVAL);
    /* Unknown code: a decision, not an error. */
    ok(f.ctx, mkt_offers_reserve(f.set, f.ctx, "NOPE", &b, f.r));
    ck_assert_int_eq(mkt_offer_result_reason(f.r, 0), MKT_OFFER_REASON_UNKNOWN_CODE);
    ck_assert_int_eq(mkt_offers_commit(f.set, f.ctx, "NOPE", "C1", "B1"), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_offers_commit(f.set, f.ctx, "SUMMER24", "C1", "B1"), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_offers_release(f.set, f.ctx, "SUMMER24", "C1", "B1"), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_offers_commit(f.set, f.ctx, "SUMMER24", "C1", ""), MKT_EINVAL);
    ck_assert_int_eq(mkt_offers_release(NULL, f.ctx, "SUMMER24", "C1", "B1"), MKT_EINVAL);
    ck_assert_int_eq(mkt_offers_commit(f.set, NULL, "SUMMER24", "C1", "B1"), MKT_EINVAL);
    ck_assert_int_eq(mkt_offers_sweep(NULL, NULL), MKT_EINVAL);
    mkt_offer_usage u = {sizeof u, 0, 0, 0, 0, 0, 0};
    ck_assert_int_eq(mkt_offer_usage_get(f.ctx, "", NULL, &u), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_usage_get(f.ctx, "summer", "C\x02", &u), MKT_EINVAL);
    u.struct_size = 4;
    ck_assert_int_eq(mkt_offer_usage_get(f.ctx, "summer", NULL, &u), MKT_EINVAL);
    char *rep = NULL;
    ck_assert_int_eq(mkt_offer_usage_report(f.ctx, "summer", 3, &rep), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_usage_report(f.ctx, "summer", 1, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_usage_report(NULL, "summer", 1, &rep), MKT_EINVAL);
    /* A value that is not a counter where a counter is read. */
    ok(f.ctx, mkt_store_put(f.ctx, "offer.usage", "summer\x1fheld", 11, "x", 1,
                            MKT_VERSION_ANY, NULL));
    ck_assert_int_eq(mkt_offer_usage_get(f.ctx, "summer", NULL, &u), MKT_EINVAL);
    u.struct_size = sizeof u;
    ck_assert_int_eq(mkt_offer_usage_get(f.ctx, "summer", NULL, &u), MKT_ETYPE);
    teardown(&f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("redeem");
    TCase *tc = tcase_create("redeem");
    tcase_add_test(tc, test_reserve_commit_release);
    tcase_add_test(tc, test_idempotent_reserve);
    tcase_add_test(tc, test_total_limit);
    tcase_add_test(tc, test_customer_limits);
    tcase_add_test(tc, test_budget);
    tcase_add_test(tc, test_lapse_and_sweep);
    tcase_add_test(tc, test_errors);
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
