/* SPDX-License-Identifier: MIT */
/*
 * Offer validation: every restriction at its boundary (the last accepted and the first
 * refused value), every failed rule reported at once, the discount's rounding, the builder's
 * error paths, and allocation-failure injection through build, add and validate.
 */
#include <stdio.h>
#include <stdlib.h>

#include "failalloc.h"
#include "test_offer_util.h"

struct fx {
    mkt_ctx *ctx;
    mkt_offers *set;
    mkt_offer_result *r;
};

static struct fx setup(void)
{
    struct fx f = {NULL, NULL, NULL};
    ck_assert_int_eq(mkt_ctx_new(&f.ctx, NULL, NULL), MKT_OK);
    ok(f.ctx, mkt_offers_new(&f.set, f.ctx));
    ok(f.ctx, mkt_offers_add(f.set, summer_offer(f.ctx)));
    ok(f.ctx, mkt_offer_result_new(&f.r, f.ctx));
    return f;
}

static void teardown(struct fx *f)
{
    mkt_offer_result_free(f->r);
    mkt_offers_free(f->set);
    mkt_ctx_free(f->ctx);
}

/* Validate SUMMER24 for @b; returns the valid flag. */
static int32_t check(struct fx *f, const mkt_offer_booking *b)
{
    ok(f->ctx, mkt_offers_validate(f->set, f->ctx, "summer24", b, f->r));
    return mkt_offer_result_valid(f->r);
}

START_TEST(test_reference_booking)
{
    struct fx f = setup();
    mkt_offer_booking b = ref_booking();
    ck_assert_int_eq(check(&f, &b), 1);
    /* 15 % of 200.00 = 30.00, under the 50.00 cap. */
    ck_assert_int_eq(mkt_offer_result_discount(f.r), 3000);
    ck_assert_uint_eq(mkt_offer_result_reason_count(f.r), 0);
    ck_assert_str_eq(mkt_offer_result_code(f.r), "SUMMER24");
    ck_assert_str_eq(mkt_offer_result_offer_id(f.r), "summer");
    teardown(&f);
}
END_TEST

/* Each case changes one field of the reference booking: the boundary value that still
 * passes, then the first that fails with the expected reason. */
START_TEST(test_boundaries)
{
    struct fx f = setup();
    struct {
        const char *what, *pass, *fail;
        int32_t reason;
    } cases[] = {
        {"booking", "2026-06-01", "2026-05-31", MKT_OFFER_REASON_OUTSIDE_BOOKING_WINDOW},
        {"booking", "2026-08-31", "2026-09-01", MKT_OFFER_REASON_EXPIRED},
        {"travel", "2026-06-15", "2026-06-14", MKT_OFFER_REASON_OUTSIDE_TRAVEL_WINDOW},
        {"travel", "2026-09-30", "2026-10-01", MKT_OFFER_REASON_OUTSIDE_TRAVEL_WINDOW},
        {"travel", "2026-06-30", "2026-07-01", MKT_OFFER_REASON_BLACKOUT},
        {"travel", "2026-07-05", "2026-07-04", MKT_OFFER_REASON_BLACKOUT},
        {"route", "jfk-cdg", "JFK-LAX", MKT_OFFER_REASON_ROUTE_EXCLUDED},
        {"route", "JFK-SFO", "LHR-JFK", MKT_OFFER_REASON_ROUTE_NOT_APPLICABLE},
        {"route", "JFK-X", "JFK", MKT_OFFER_REASON_ROUTE_NOT_APPLICABLE},
        {"fare", "y", "M", MKT_OFFER_REASON_FARE_EXCLUDED},
        {"fare", "Y", "J", MKT_OFFER_REASON_FARE_NOT_APPLICABLE},
        {"amount", "10000", "9999", MKT_OFFER_REASON_MIN_PURCHASE},
        {"currency", "USD", "EUR", MKT_OFFER_REASON_CURRENCY_MISMATCH},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int failing = 0; failing < 2; failing++) {
            mkt_offer_booking b = ref_booking();
            const char *v = failing ? cases[i].fail : cases[i].pass;
            if (strcmp(cases[i].what, "booking") == 0)
                b.booking_date = D(v);
            else if (strcmp(cases[i].what, "travel") == 0)
                b.travel_date = D(v);
            else if (strcmp(cases[i].what, "route") == 0)
                b.route = v;
            else if (strcmp(cases[i].what, "fare") == 0)
                b.fare_class = v;
            else if (strcmp(cases[i].what, "amount") == 0)
                b.amount = atoll(v);
            else
                b.currency = v;
            int32_t valid = check(&f, &b);
            ck_assert_msg(valid == !failing, "case %zu (%s = %s): valid %d", i, cases[i].what, v,
                          (int)valid);
            if (failing) {
                ck_assert_uint_eq(mkt_offer_result_reason_count(f.r), 1);
                ck_assert_int_eq(mkt_offer_result_reason(f.r, 0), cases[i].reason);
                ck_assert_int_eq(mkt_offer_result_discount(f.r), 0);
                ck_assert_ptr_nonnull(mkt_offer_result_reason_text(f.r, 0));
            }
        }
    }
    /* No fare class given while the offer restricts fare classes. */
    mkt_offer_booking b = ref_booking();
    b.fare_class = NULL;
    ck_assert_int_eq(check(&f, &b), 0);
    ck_assert_int_eq(mkt_offer_result_reason(f.r, 0), MKT_OFFER_REASON_FARE_NOT_APPLICABLE);
    teardown(&f);
}
END_TEST

START_TEST(test_every_reason_at_once)
{
    struct fx f = setup();
    mkt_offer_booking b = ref_booking();
    b.booking_date = D("2026-09-15");
    b.travel_date = D("2026-07-02");
    b.route = "JFK-LAX";
    b.fare_class = "F";
    b.amount = 5000;
    ck_assert_int_eq(check(&f, &b), 0);
    int32_t want[] = {MKT_OFFER_REASON_EXPIRED, MKT_OFFER_REASON_BLACKOUT,
                      MKT_OFFER_REASON_ROUTE_EXCLUDED, MKT_OFFER_REASON_FARE_NOT_APPLICABLE,
                      MKT_OFFER_REASON_MIN_PURCHASE};
    ck_assert_uint_eq(mkt_offer_result_reason_count(f.r), 5);
    for (size_t i = 0; i < 5; i++)
        ck_assert_int_eq(mkt_offer_result_reason(f.r, i), want[i]);
    /* Texts say what was wrong, with the offer's figures. */
    ck_assert_str_eq(mkt_offer_result_reason_text(f.r, 4),
                     "minimum purchase 100.00 USD not met (amount 50.00)");
    ck_assert_str_eq(mkt_offer_result_reason_text(f.r, 0), "the offer ended on 2026-08-31");
    ck_assert_ptr_null(mkt_offer_result_reason_text(f.r, 5));
    ck_assert_int_eq(mkt_offer_result_reason(f.r, 5), 0);
    teardown(&f);
}
END_TEST

START_TEST(test_unknown_code)
{
    struct fx f = setup();
    mkt_offer_booking b = ref_booking();
    ok(f.ctx, mkt_offers_validate(f.set, f.ctx, "WINTER", &b, f.r));
    ck_assert_int_eq(mkt_offer_result_valid(f.r), 0);
    ck_assert_int_eq(mkt_offer_result_reason(f.r, 0), MKT_OFFER_REASON_UNKNOWN_CODE);
    ck_assert_ptr_null(mkt_offer_result_offer_id(f.r));
    /* A malformed code (control byte) is an unknown code, not an error. */
    ok(f.ctx, mkt_offers_validate(f.set, f.ctx, "SUM\tMER", &b, f.r));
    ck_assert_int_eq(mkt_offer_result_reason(f.r, 0), MKT_OFFER_REASON_UNKNOWN_CODE);
    /* Normalization: case, spaces and dashes do not matter. */
    ok(f.ctx, mkt_offers_validate(f.set, f.ctx, " sum-mer 24 ", &b, f.r));
    ck_assert_int_eq(mkt_offer_result_valid(f.r), 1);
    teardown(&f);
}
END_TEST

/* One offer per case on a fresh catalogue; returns the discount for @amount (no minimum). */
static int64_t discount_of(int32_t kind, int64_t value, int64_t cap, int64_t amount,
                           int64_t prior)
{
    mkt_ctx *ctx = NULL;
    mkt_offers *set = NULL;
    mkt_offer *o = NULL;
    mkt_offer_result *r = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    ok(ctx, mkt_offers_new(&set, ctx));
    ok(ctx, mkt_offer_new(&o, ctx, "d"));
    ok(ctx, mkt_offer_set_discount(o, kind, value, cap));
    ok(ctx, mkt_offer_set_currency(o, "USD"));
    ok(ctx, mkt_offer_add_code(o, "D", NULL));
    ok(ctx, mkt_offers_add(set, o));
    ok(ctx, mkt_offer_result_new(&r, ctx));
    mkt_offer_booking b = ref_booking();
    b.amount = amount;
    b.prior_discount = prior;
    ok(ctx, mkt_offers_validate(set, ctx, "D", &b, r));
    int64_t d = mkt_offer_result_valid(r) ? mkt_offer_result_discount(r) : -1;
    mkt_offer_result_free(r);
    mkt_offers_free(set);
    mkt_ctx_free(ctx);
    return d;
}

START_TEST(test_discount_rounding)
{
    /* 12.5 % of 9.99 = 1.24875 -> 1.25 (half-up to the cent). */
    ck_assert_int_eq(discount_of(MKT_DISCOUNT_PERCENT, 1250, 0, 999, 0), 125);
    /* 15 % of 10.03 = 1.5045 -> 1.50. */
    ck_assert_int_eq(discount_of(MKT_DISCOUNT_PERCENT, 1500, 0, 1003, 0), 150);
    /* Exact halves round up: 5 % of 0.10 = 0.005 -> 0.01; of 0.30 = 0.015 -> 0.02. */
    ck_assert_int_eq(discount_of(MKT_DISCOUNT_PERCENT, 500, 0, 10, 0), 1);
    ck_assert_int_eq(discount_of(MKT_DISCOUNT_PERCENT, 500, 0, 30, 0), 2);
    /* Just below a half rounds down: 5 % of 0.09 = 0.0045 -> 0.00: NO_DISCOUNT (-1). */
    ck_assert_int_eq(discount_of(MKT_DISCOUNT_PERCENT, 500, 0, 9, 0), -1);
    /* Cap: 15 % of 400.00 = 60.00 capped at 50.00; at 333.33 it is 50.00 (49.9995 -> 50.00). */
    ck_assert_int_eq(discount_of(MKT_DISCOUNT_PERCENT, 1500, 5000, 40000, 0), 5000);
    ck_assert_int_eq(discount_of(MKT_DISCOUNT_PERCENT, 1500, 5000, 33333, 0), 5000);
    ck_assert_int_eq(discount_of(MKT_DISCOUNT_PERCENT, 1500, 5000, 33000, 0), 4950);
    /* 100 % never exceeds the amount; a fixed 20.00 on 15.00 gives 15.00. */
    ck_assert_int_eq(discount_of(MKT_DISCOUNT_PERCENT, 10000, 0, 777, 0), 777);
    ck_assert_int_eq(discount_of(MKT_DISCOUNT_FIXED, 2000, 0, 1500, 0), 1500);
    /* Percentages apply to what earlier codes left: 10 % of (100.00 - 20.00) = 8.00. */
    ck_assert_int_eq(discount_of(MKT_DISCOUNT_PERCENT, 1000, 0, 10000, 2000), 800);
    /* No overflow on the largest amount: 1 % of INT64_MAX = 92233720368547758.07 -> ...58. */
    ck_assert_int_eq(discount_of(MKT_DISCOUNT_PERCENT, 100, 0, INT64_MAX, 0),
                     INT64_C(92233720368547758));
}
END_TEST

START_TEST(test_eligibility_bound)
{
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    mkt_offers *set = NULL;
    mkt_offer *o = summer_offer(ctx), *p = NULL;
    ok(ctx, mkt_offer_add_code(o, "BDAY-C2", "C2"));
    ok(ctx, mkt_offer_new(&p, ctx, "vip"));
    ok(ctx, mkt_offer_set_discount(p, MKT_DISCOUNT_FIXED, 1000, 0));
    ok(ctx, mkt_offer_set_currency(p, "USD"));
    ok(ctx, mkt_offer_set_customer(p, "C9"));
    ok(ctx, mkt_offer_add_code(p, "VIP", NULL));
    ok(ctx, mkt_offers_new(&set, ctx));
    ok(ctx, mkt_offers_add(set, o));
    ok(ctx, mkt_offers_add(set, p));
    ck_assert_uint_eq(mkt_offers_count(set), 2);
    ck_assert_str_eq(mkt_offer_id(mkt_offers_get(set, 1)), "vip");
    ck_assert_ptr_null(mkt_offers_get(set, 2));
    mkt_offer_result *r = NULL;
    ok(ctx, mkt_offer_result_new(&r, ctx));
    mkt_offer_booking b = ref_booking();
    ok(ctx, mkt_offers_validate(set, ctx, "BDAYC2", &b, r)); /* C1 uses C2's code */
    ck_assert_int_eq(mkt_offer_result_reason(r, 0), MKT_OFFER_REASON_NOT_ELIGIBLE);
    b.customer_id = "C2";
    ok(ctx, mkt_offers_validate(set, ctx, "BDAYC2", &b, r));
    ck_assert_int_eq(mkt_offer_result_valid(r), 1);
    ok(ctx, mkt_offers_validate(set, ctx, "VIP", &b, r));
    ck_assert_int_eq(mkt_offer_result_reason(r, 0), MKT_OFFER_REASON_NOT_ELIGIBLE);
    b.customer_id = "C9";
    ok(ctx, mkt_offers_validate(set, ctx, "VIP", &b, r));
    ck_assert_int_eq(mkt_offer_result_valid(r), 1);
    ck_assert_int_eq(mkt_offer_result_discount(r), 1000);
    mkt_offer_result_free(r);
    mkt_offers_free(set);
    mkt_ctx_free(ctx);
}
END_TEST

/* Codes issued in the store (promo.h) for an offer of the catalogue that has no code of its
 * own; a code issued for an offer the catalogue does not hold stays unknown. */
START_TEST(test_store_issued_codes)
{
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    mkt_offers *set = NULL;
    mkt_offer *o = NULL;
    mkt_offer_result *r = NULL;
    ok(ctx, mkt_offers_new(&set, ctx));
    ok(ctx, mkt_offer_new(&o, ctx, "issued"));
    ok(ctx, mkt_offer_set_discount(o, MKT_DISCOUNT_PERCENT, 1000, 0));
    ok(ctx, mkt_offers_add(set, o));
    ok(ctx, mkt_offer_result_new(&r, ctx));
    ok(ctx, mkt_promo_bind(ctx, "ANY-CODE1", "issued", NULL));
    ok(ctx, mkt_promo_bind(ctx, "FOR-C9", "issued", "C9"));
    ok(ctx, mkt_promo_bind(ctx, "ELSEWHERE", "other-offer", NULL));
    mkt_offer_booking b = ref_booking();
    ok(ctx, mkt_offers_validate(set, ctx, "anycode1", &b, r));
    ck_assert_int_eq(mkt_offer_result_valid(r), 1);
    ck_assert_int_eq(mkt_offer_result_discount(r), 2000); /* 10 % of 200.00 */
    ck_assert_str_eq(mkt_offer_result_offer_id(r), "issued");
    ok(ctx, mkt_offers_validate(set, ctx, "FOR-C9", &b, r));
    ck_assert_int_eq(mkt_offer_result_reason(r, 0), MKT_OFFER_REASON_NOT_ELIGIBLE);
    b.customer_id = "C9";
    ok(ctx, mkt_offers_validate(set, ctx, "FOR-C9", &b, r));
    ck_assert_int_eq(mkt_offer_result_valid(r), 1);
    ok(ctx, mkt_offers_reserve(set, ctx, "FOR-C9", &b, r));
    ok(ctx, mkt_offers_commit(set, ctx, "FORC9", "C9", "B1"));
    ok(ctx, mkt_offers_validate(set, ctx, "ELSEWHERE", &b, r));
    ck_assert_int_eq(mkt_offer_result_reason(r, 0), MKT_OFFER_REASON_UNKNOWN_CODE);
    ck_assert_int_eq(mkt_offers_commit(set, ctx, "ELSEWHERE", "C9", "B1"), MKT_ENOTFOUND);
    mkt_offer_result_free(r);
    mkt_offers_free(set);
    mkt_ctx_free(ctx);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("offer_rules");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_reference_booking);
    tcase_add_test(tc, test_boundaries);
    tcase_add_test(tc, test_every_reason_at_once);
    tcase_add_test(tc, test_unknown_code);
    tcase_add_test(tc, test_discount_rounding);
    tcase_add_test(tc, test_eligibility_bound);
    tcase_add_test(tc, test_store_issued_codes);
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
