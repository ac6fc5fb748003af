/* SPDX-License-Identifier: MIT */
/*
 * Building offers: every setter's error path with its message, whole-offer checks at add,
 * duplicate ids and codes (the catalogue unchanged after a refused add), and allocation
 * failure injection through build, add, load, validate, reserve, commit, release, stack,
 * usage and sweep: each returns MKT_OK or MKT_ENOMEM and leaks nothing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "failalloc.h"
#include "test_offer_util.h"

static mkt_ctx *new_ctx(void)
{
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    return ctx;
}

static void says(mkt_ctx *ctx, int rc, int want, const char *text)
{
    ck_assert_int_eq(rc, want);
    const char *msg = mkt_ctx_last_error(ctx)->message;
    ck_assert_msg(strstr(msg, text) != NULL, "message \"%s\" lacks \"%s\"", msg, text);
}

START_TEST(test_setter_errors)
{
    mkt_ctx *ctx = new_ctx();
    mkt_offer *o = NULL;
    says(ctx, mkt_offer_new(&o, ctx, ""), MKT_EINVAL, "1..64 bytes");
    says(ctx, mkt_offer_new(&o, ctx, "a b"), MKT_EINVAL, "byte 2 is not one of");
    ck_assert_int_eq(mkt_offer_new(NULL, ctx, "a"), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_new(&o, NULL, "a"), MKT_EINVAL);
    ck_assert_ptr_null(o);
    ok(ctx, mkt_offer_new(&o, ctx, "a"));
    ck_assert_str_eq(mkt_offer_id(o), "a");
    ck_assert_ptr_null(mkt_offer_id(NULL));
    const int32_t P = MKT_DISCOUNT_PERCENT, F = MKT_DISCOUNT_FIXED;
    says(ctx, mkt_offer_set_discount(o, P, 0, 0), MKT_EINVAL, "1..10000 basis points");
    says(ctx, mkt_offer_set_discount(o, P, 10001, 0), MKT_EINVAL, "1..10000 basis points");
    says(ctx, mkt_offer_set_discount(o, P, 10, -1), MKT_EINVAL, "cap >= 0");
    says(ctx, mkt_offer_set_discount(o, F, 0, 0), MKT_EINVAL, "fixed discount");
    says(ctx, mkt_offer_set_discount(o, F, 10, 5), MKT_EINVAL, "without cap");
    says(ctx, mkt_offer_set_discount(o, 7, 10, 0), MKT_EINVAL, "unknown discount kind");
    ok(ctx, mkt_offer_set_discount(o, P, 10000, 0)); /* 100 %: the last accepted */
    says(ctx, mkt_offer_set_currency(o, "usd"), MKT_EINVAL, "ISO 4217");
    says(ctx, mkt_offer_set_currency(o, "USDX"), MKT_EINVAL, "ISO 4217");
    says(ctx, mkt_offer_set_currency(o, NULL), MKT_EINVAL, "ISO 4217");
    says(ctx, mkt_offer_set_min_purchase(o, -1), MKT_EINVAL, "negative");
    says(ctx, mkt_offer_set_booking_window(o, D("2026-01-02"), D("2026-01-01")), MKT_EINVAL,
         "starts after");
    ok(ctx, mkt_offer_set_booking_window(o, D("2026-01-01"), D("2026-01-01")));
    ok(ctx, mkt_offer_set_travel_window(o, MKT_NULL_DATE, D("2026-01-01")));
    says(ctx, mkt_offer_add_blackout(o, MKT_NULL_DATE, D("2026-01-01")), MKT_EINVAL, "both");
    says(ctx, mkt_offer_add_route(o, "JF*-LHR", 0), MKT_EINVAL, "ORIGIN-DEST");
    says(ctx, mkt_offer_add_route(o, "JFK-", 0), MKT_EINVAL, "ORIGIN-DEST");
    says(ctx, mkt_offer_add_route(o, "JFK", 0), MKT_EINVAL, "ORIGIN-DEST");
    says(ctx, mkt_offer_add_route(o, "JFK-LHR", 2), MKT_EINVAL, "ORIGIN-DEST");
    ok(ctx, mkt_offer_add_route(o, "*", 0));
    ok(ctx, mkt_offer_add_route(o, "*-LHR", 1));
    says(ctx, mkt_offer_add_fare_class(o, "", 0), MKT_EINVAL, "1..16 bytes");
    says(ctx, mkt_offer_add_fare_class(o, "A B", 0), MKT_EINVAL, "printable");
    says(ctx, mkt_offer_set_segment_rule(o, NULL), MKT_EINVAL, "NULL segment rule");
    ck_assert_int_eq(mkt_offer_set_segment_rule(o, "tier = "), MKT_EPARSE);
    says(ctx, mkt_offer_set_customer(o, ""), MKT_EINVAL, "1..256 bytes");
    says(ctx, mkt_offer_set_customer(o, "C\x1f" "1"), MKT_EINVAL, "control byte");
    says(ctx, mkt_offer_set_limit(o, MKT_OFFER_LIMIT_TOTAL, -1), MKT_EINVAL, "negative");
    says(ctx, mkt_offer_set_limit(o, 9, 1), MKT_EINVAL, "unknown limit");
    says(ctx, mkt_offer_set_stacking(o, 2, 0), MKT_EINVAL, "0 or 1");
    says(ctx, mkt_offer_add_combinable(o, "x y"), MKT_EINVAL, "not one of");
    says(ctx, mkt_offer_set_reservation_ttl(o, 0), MKT_EINVAL, "TTL");
    says(ctx, mkt_offer_set_reservation_ttl(o, 31536001), MKT_EINVAL, "TTL");
    ok(ctx, mkt_offer_set_reservation_ttl(o, 31536000));
    says(ctx, mkt_offer_add_code(o, NULL, NULL), MKT_EINVAL, "NULL code");
    ck_assert_int_eq(mkt_offer_add_code(o, "\x01", NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_add_code(o, "A", "C\x02"), MKT_EINVAL);
    ok(ctx, mkt_offer_add_code(o, "ab-c", NULL));
    says(ctx, mkt_offer_add_code(o, "ABC", NULL), MKT_EEXIST, "given twice");
    /* NULL offers everywhere. */
    ck_assert_int_eq(mkt_offer_set_discount(NULL, P, 1, 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_set_currency(NULL, "USD"), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_set_min_purchase(NULL, 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_set_booking_window(NULL, 0, 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_set_travel_window(NULL, 0, 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_add_blackout(NULL, 0, 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_add_route(NULL, "*", 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_add_fare_class(NULL, "Y", 0), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_set_segment_rule(NULL, "x"), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_set_customer(NULL, "C"), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_set_limit(NULL, 1, 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_set_stacking(NULL, 1, 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_add_combinable(NULL, "a"), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_set_reservation_ttl(NULL, 1), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_add_code(NULL, "A", NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_booking_init(NULL), MKT_EINVAL);
    mkt_offer_free(o);
    mkt_offer_free(NULL);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_add_checks)
{
    mkt_ctx *ctx = new_ctx();
    mkt_offers *set = NULL;
    mkt_offer *o = NULL;
    ok(ctx, mkt_offers_new(&set, ctx));
    ck_assert_int_eq(mkt_offers_new(NULL, ctx), MKT_EINVAL);
    ok(ctx, mkt_offer_new(&o, ctx, "a"));
    says(ctx, mkt_offers_add(set, o), MKT_EINVAL, "no discount"); /* o is freed */
    const char *needs[] = {"a fixed discount", "a cap", "a minimum purchase", "a budget"};
    for (int i = 0; i < 4; i++) {
        ok(ctx, mkt_offer_new(&o, ctx, "a"));
        ok(ctx, mkt_offer_set_discount(o, i == 0 ? MKT_DISCOUNT_FIXED : MKT_DISCOUNT_PERCENT,
                                       100, i == 1 ? 500 : 0));
        if (i == 2)
            ok(ctx, mkt_offer_set_min_purchase(o, 1));
        if (i == 3)
            ok(ctx, mkt_offer_set_limit(o, MKT_OFFER_LIMIT_BUDGET, 1));
        says(ctx, mkt_offers_add(set, o), MKT_EINVAL, needs[i]);
    }
    ok(ctx, mkt_offers_add(set, summer_offer(ctx)));
    says(ctx, mkt_offers_add(set, summer_offer(ctx)), MKT_EEXIST, "already in the catalogue");
    /* Another id with a code "summer" already has: refused, and its other code is not kept. */
    ok(ctx, mkt_offer_new(&o, ctx, "other"));
    ok(ctx, mkt_offer_set_discount(o, MKT_DISCOUNT_PERCENT, 100, 0));
    ok(ctx, mkt_offer_add_code(o, "FRESH", NULL));
    ok(ctx, mkt_offer_add_code(o, "summer-24", NULL));
    says(ctx, mkt_offers_add(set, o), MKT_EEXIST, "already belongs to offer summer");
    ck_assert_uint_eq(mkt_offers_count(set), 1);
    ok(ctx, mkt_offer_new(&o, ctx, "other"));
    ok(ctx, mkt_offer_set_discount(o, MKT_DISCOUNT_PERCENT, 100, 0));
    ok(ctx, mkt_offer_add_code(o, "FRESH", NULL));
    ok(ctx, mkt_offers_add(set, o)); /* FRESH was rolled back above */
    ck_assert_int_eq(mkt_offers_add(set, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_offers_add(NULL, NULL), MKT_EINVAL);
    ck_assert_uint_eq(mkt_offers_count(NULL), 0);
    ck_assert_ptr_null(mkt_offers_get(NULL, 0));
    ck_assert_int_eq(mkt_offer_result_new(NULL, ctx), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_result_valid(NULL), 0);
    ck_assert_int_eq(mkt_offer_result_discount(NULL), 0);
    ck_assert_ptr_null(mkt_offer_result_code(NULL));
    ck_assert_ptr_null(mkt_offer_result_offer_id(NULL));
    ck_assert_uint_eq(mkt_offer_result_reason_count(NULL), 0);
    ck_assert_ptr_null(mkt_offer_reason_name(0));
    ck_assert_ptr_null(mkt_offer_reason_name(22));
    ck_assert_str_eq(mkt_offer_reason_name(MKT_OFFER_REASON_MIN_PURCHASE), "MIN_PURCHASE");
    ck_assert_str_eq(mkt_offer_reason_name(MKT_OFFER_REASON_DUPLICATE), "DUPLICATE");
    mkt_offers_free(set);
    mkt_offers_free(NULL);
    mkt_offer_result_free(NULL);
    mkt_ctx_free(ctx);
}
END_TEST

static const char xml[] =
    "<offers xmlns=\"https://libmarketing.dev/ns/offers/1\"><offer id=\"x\" stackable=\"true\">"
    "<discount percent=\"5\"/><routes><include>JFK-*</include></routes>"
    "<combine-with>summer</combine-with><code>X5</code></offer></offers>";

/* The failalloc is the host's user_data; its `user` points at the clock. */
static int fa_clock(mkt_time *out, void *user_data)
{
    *out = *(const mkt_time *)((failalloc *)user_data)->user;
    return MKT_OK;
}

static int scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_time clock = 1790000000;
    fa->user = &clock;
    fa->host.now = fa_clock;
    mkt_ctx *ctx = NULL;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_offers *set = NULL;
    mkt_offer_result *r = NULL;
    mkt_offer_stack *st = NULL;
    mkt_offer *o = NULL;
    mkt_table *t = NULL;
    char *report = NULL;
    uint64_t swept = 0;
    mkt_offer_booking b = ref_booking();
    const char *codes[] = {"SUMMER24", "X5"};
    mkt_offer_usage u = {sizeof u, 0, 0, 0, 0, 0, 0};
    rc = mkt_offers_new(&set, ctx);
    if (rc == MKT_OK)
        rc = mkt_offer_new(&o, ctx, "summer");
    if (rc == MKT_OK)
        rc = mkt_offer_set_discount(o, MKT_DISCOUNT_PERCENT, 1500, 0);
    if (rc == MKT_OK)
        rc = mkt_offer_add_blackout(o, D("2026-01-01"), D("2026-01-02"));
    if (rc == MKT_OK)
        rc = mkt_offer_add_route(o, "JFK-*", 0);
    if (rc == MKT_OK)
        rc = mkt_offer_add_fare_class(o, "Y", 0);
    if (rc == MKT_OK)
        rc = mkt_offer_set_stacking(o, 1, 1);
    if (rc == MKT_OK)
        rc = mkt_offer_add_combinable(o, "x");
    if (rc == MKT_OK)
        rc = mkt_offer_set_customer(o, "C1");
    if (rc == MKT_OK)
        rc = mkt_offer_set_segment_rule(o, "customer.tier = 'GOLD'");
    if (rc == MKT_OK)
        rc = mkt_offer_add_code(o, "SUMMER24", "C1");
    if (rc == MKT_OK) {
        rc = mkt_offers_add(set, o);
        o = NULL;
    }
    if (rc == MKT_OK)
        rc = mkt_offers_load_xml_memory(set, xml, strlen(xml), NULL);
    if (rc == MKT_OK)
        rc = mkt_table_new(&t, ctx);
    if (rc == MKT_OK)
        rc = mkt_offers_compile(set, t);
    if (rc == MKT_OK)
        rc = mkt_offer_result_new(&r, ctx);
    if (rc == MKT_OK)
        rc = mkt_offer_stack_new(&st, ctx);
    if (rc == MKT_OK)
        rc = mkt_offers_validate(set, ctx, "X5", &b, r);
    if (rc == MKT_OK)
        rc = mkt_offers_reserve(set, ctx, "X5", &b, r);
    if (rc == MKT_OK)
        rc = mkt_offers_commit(set, ctx, "X5", "C1", "B1");
    if (rc == MKT_OK)
        rc = mkt_offer_usage_get(ctx, "x", "C1", &u);
    if (rc == MKT_OK)
        rc = mkt_offer_usage_report(ctx, "x", MKT_OFFER_USAGE_BY_ROUTE, &report);
    if (rc == MKT_OK)
        rc = mkt_offers_release(set, ctx, "X5", "C1", "B1");
    if (rc == MKT_OK) {
        b.booking_id = "B2";
        rc = mkt_offers_reserve(set, ctx, "X5", &b, r);
    }
    if (rc == MKT_OK) {
        clock += 10000;
        rc = mkt_offers_sweep(ctx, &swept);
    }
    if (rc == MKT_OK)
        rc = mkt_offers_stack(set, ctx, codes, 2, &b, st);
    mkt_free(report);
    mkt_offer_stack_free(st);
    mkt_offer_result_free(r);
    mkt_offer_free(o);
    mkt_offers_free(set);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(test_allocation_failures)
{
    ck_assert_int_gt(failalloc_run(scenario, NULL), 20);
    ck_assert_int_gt(failalloc_run_sticky(scenario, NULL), 20);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("offer_build");
    TCase *tc = tcase_create("build");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_setter_errors);
    tcase_add_test(tc, test_add_checks);
    tcase_add_test(tc, test_allocation_failures);
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
