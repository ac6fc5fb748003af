/* SPDX-License-Identifier: MIT */
/*
 * Rule-based attribution models on hand-worked toy paths (the arithmetic is in the comments),
 * time decay and campaigns on streamed journeys, per-touch credits, and largest-remainder
 * rounding. The API around the models is tested in test_attr_api.c.
 */
#include "attr-test.h"

/* The toy set of most tests (value in cents):
 *   P1  A > B > C > D   1 conversion, 1000, 0 nulls
 *   P2  D > A           2 conversions, 300, 1 null
 *   P3  B               0 conversions, 0, 5 nulls (never credited by a rule-based model)
 * Totals: 3 conversions = 3,000,000 micro, 1300 cents. */
static mkt_paths *toy(mkt_ctx *ctx)
{
    mkt_paths *p = new_paths(ctx);
    ck_assert_int_eq(add_path(p, "A>B>C>D", 1, 1000, 0), MKT_OK);
    ck_assert_int_eq(add_path(p, "D>A", 2, 300, 1), MKT_OK);
    ck_assert_int_eq(add_path(p, "B", 0, 0, 5), MKT_OK);
    return p;
}

START_TEST(test_first_last)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = toy(ctx);
    /* first: P1 -> A (1, 1000); P2 -> D (2, 300). */
    mkt_attribution *r = run_model(p, MKT_ATTR_FIRST, NULL);
    ck_credit(r, "A", 1000000, 1000);
    ck_credit(r, "B", 0, 0);
    ck_credit(r, "C", 0, 0);
    ck_credit(r, "D", 2000000, 300);
    ck_assert_int_eq(mkt_attribution_model(r), MKT_ATTR_FIRST);
    ck_assert(isnan(credit_of(r, "A").removal_effect));
    mkt_attribution_free(r);
    /* last: P1 -> D (1, 1000); P2 -> A (2, 300). */
    r = run_model(p, MKT_ATTR_LAST, NULL);
    ck_credit(r, "A", 2000000, 300);
    ck_credit(r, "D", 1000000, 1000);
    ck_assert(conserves(r));
    mkt_attribution_free(r);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_last_non_direct)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    /* email > direct        1 conv, 100 -> email (direct skipped)
     * direct                1 conv, 200 -> direct (only direct: it keeps the credit)
     * Direct > seo > DIRECT 1 conv, 400 -> seo (matched case-insensitively)
     * The channel ids "direct", "Direct", "DIRECT" are distinct channels. */
    ck_assert_int_eq(add_path(p, "email>direct", 1, 100, 0), MKT_OK);
    ck_assert_int_eq(add_path(p, "direct", 1, 200, 0), MKT_OK);
    ck_assert_int_eq(add_path(p, "Direct>seo>DIRECT", 1, 400, 0), MKT_OK);
    mkt_attribution *r = run_model(p, MKT_ATTR_LAST_NON_DIRECT, NULL);
    ck_credit(r, "email", 1000000, 100);
    ck_credit(r, "direct", 1000000, 200);
    ck_credit(r, "seo", 1000000, 400);
    ck_credit(r, "DIRECT", 0, 0);
    mkt_attribution_free(r);
    /* With "seo" as the direct channel: email>direct -> direct; direct -> direct;
     * Direct>seo>DIRECT -> DIRECT (the last touch that is not seo). */
    mkt_attr_options o;
    mkt_attr_options_init(&o);
    o.direct_channel = "SEO";
    r = run_model(p, MKT_ATTR_LAST_NON_DIRECT, &o);
    ck_credit(r, "direct", 2000000, 300);
    ck_credit(r, "DIRECT", 1000000, 400);
    ck_credit(r, "seo", 0, 0);
    mkt_attribution_free(r);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_linear)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = toy(ctx);
    /* P1: 1/4 each -> 0.25 conv, 250 cents to A, B, C, D.
     * P2: 1/2 each -> 1 conv, 150 cents to D and A.
     * A = D = 1.25 conv, 400; B = C = 0.25, 250. */
    mkt_attribution *r = run_model(p, MKT_ATTR_LINEAR, NULL);
    ck_credit(r, "A", 1250000, 400);
    ck_credit(r, "B", 250000, 250);
    ck_credit(r, "C", 250000, 250);
    ck_credit(r, "D", 1250000, 400);
    ck_assert_double_eq_tol(credit_of(r, "A").conversions, 1.25, 1e-12);
    ck_assert_double_eq_tol(credit_of(r, "A").exact_conversions, 1.25, 1e-12);
    mkt_attribution_free(r);
    /* Repeated touches each count: A > A > B, 1 conv, 300 -> A 2/3 (200), B 1/3 (100). */
    mkt_paths *q = new_paths(ctx);
    ck_assert_int_eq(add_path(q, "A>A>B", 1, 300, 0), MKT_OK);
    r = run_model(q, MKT_ATTR_LINEAR, NULL);
    ck_credit(r, "A", 666667, 200); /* 666666.67 + the remainder unit (largest fraction) */
    ck_credit(r, "B", 333333, 100);
    mkt_attribution_free(r);
    mkt_paths_free(q);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_largest_remainder)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    /* A > B > C, 1 conversion, 100 cents, linear: 33.33.. cents and 333333.33.. micro each.
     * Floors give 99 and 999999; the one unit left goes to the largest fraction, and on the
     * tie of three equal fractions to the lowest channel id (A). */
    ck_assert_int_eq(add_path(p, "A>B>C", 1, 100, 0), MKT_OK);
    mkt_attribution *r = run_model(p, MKT_ATTR_LINEAR, NULL);
    ck_credit(r, "A", 333334, 34);
    ck_credit(r, "B", 333333, 33);
    ck_credit(r, "C", 333333, 33);
    ck_assert(conserves(r));
    mkt_attribution_free(r);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_position)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = toy(ctx);
    /* 40/20/40. P1 (4 touches): A .4, B .1, C .1, D .4 of 1 conv and 1000.
     * P2 (2 touches): 50/50 of 2 conv and 300 -> D 1, 150; A 1, 150.
     * A = D = 1.4 conv, 550; B = C = 0.1, 100. */
    mkt_attribution *r = run_model(p, MKT_ATTR_POSITION, NULL);
    ck_credit(r, "A", 1400000, 550);
    ck_credit(r, "B", 100000, 100);
    ck_credit(r, "C", 100000, 100);
    ck_credit(r, "D", 1400000, 550);
    mkt_attribution_free(r);
    /* Weights 3,1,6 (any scale: /10). P1: A .3, B .05, C .05, D .6; P2: 3/9 to D, 6/9 to A:
     * A = .3 + 4/3 = 1.6333.. conv, 300 + 200 = 500; D = .6 + 2/3 = 1.2666.., 600 + 100.
     * Micro: A 1633333.33, D 1266666.67, B = C = 50000 -> floors 2999999, +1 to D (.67). */
    static const double w[3] = {3, 1, 6};
    mkt_attr_options o;
    mkt_attr_options_init(&o);
    o.weights = w;
    o.weight_count = 3;
    r = run_model(p, MKT_ATTR_POSITION, &o);
    ck_credit(r, "A", 1633333, 500);
    ck_credit(r, "D", 1266667, 700);
    ck_credit(r, "B", 50000, 50);
    ck_credit(r, "C", 50000, 50);
    mkt_attribution_free(r);
    /* One touch gets everything. */
    mkt_paths *q = new_paths(ctx);
    ck_assert_int_eq(add_path(q, "X", 1, 10, 0), MKT_OK);
    r = run_model(q, MKT_ATTR_POSITION, NULL);
    ck_credit(r, "X", 1000000, 10);
    mkt_attribution_free(r);
    mkt_paths_free(q);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_w_shaped)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = toy(ctx);
    /* 30/30/30/10. P1 (4 touches): the milestone is touch (4-1)/2 = 1 (B); the rest (C) gets
     * the 10%: A .3, B .3, C .1, D .3 of 1 conv, 1000. P2: 50/50 of 2 conv, 300.
     * A = D = 1.3, 450; B .3, 300; C .1, 100. */
    mkt_attribution *r = run_model(p, MKT_ATTR_W_SHAPED, NULL);
    ck_credit(r, "A", 1300000, 450);
    ck_credit(r, "B", 300000, 300);
    ck_credit(r, "C", 100000, 100);
    ck_credit(r, "D", 1300000, 450);
    mkt_attribution_free(r);
    /* Three touches: first, milestone, last renormalised to 1/3 each; five touches:
     * milestone = touch 2, the two others share 10%: E>F>G>H>I, 1 conv, 1000 ->
     * E .3, F .05, G .3, H .05, I .3. */
    mkt_paths *q = new_paths(ctx);
    ck_assert_int_eq(add_path(q, "E>F>G>H>I", 1, 1000, 0), MKT_OK);
    ck_assert_int_eq(add_path(q, "J>K>L", 3, 300, 0), MKT_OK);
    r = run_model(q, MKT_ATTR_W_SHAPED, NULL);
    ck_credit(r, "E", 300000, 300);
    ck_credit(r, "F", 50000, 50);
    ck_credit(r, "G", 300000, 300);
    ck_credit(r, "H", 50000, 50);
    ck_credit(r, "I", 300000, 300);
    ck_credit(r, "J", 1000000, 100);
    ck_credit(r, "K", 1000000, 100);
    ck_credit(r, "L", 1000000, 100);
    mkt_attribution_free(r);
    mkt_paths_free(q);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_custom)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = toy(ctx);
    /* Weights 1,2,3 stretched: touch i of n gets weight j = round(i*2/(n-1)).
     * P1 (n=4): j = 0, 1 (0.67), 1 (1.33), 2 -> 1,2,2,3 /8: A .125, B .25, C .25, D .375.
     * P2 (n=2): j = 0, 2 -> D 1/4, A 3/4 of 2 conv and 300: D .5, 75; A 1.5, 225.
     * A 1.625, 125 + 225 = 350; B .25, 250; C .25, 250; D .875, 375 + 75 = 450. */
    static const double w[3] = {1, 2, 3};
    mkt_attr_options o;
    mkt_attr_options_init(&o);
    o.weights = w;
    o.weight_count = 3;
    mkt_attribution *r = run_model(p, MKT_ATTR_CUSTOM, &o);
    ck_credit(r, "A", 1625000, 350);
    ck_credit(r, "B", 250000, 250);
    ck_credit(r, "C", 250000, 250);
    ck_credit(r, "D", 875000, 450);
    mkt_attribution_free(r);
    /* 0,1,0 on a two-touch path gives both ends weight 0: equal split instead. */
    static const double hump[3] = {0, 1, 0};
    o.weights = hump;
    mkt_paths *q = new_paths(ctx);
    ck_assert_int_eq(add_path(q, "X>Y", 1, 100, 0), MKT_OK);
    r = run_model(q, MKT_ATTR_CUSTOM, &o);
    ck_credit(r, "X", 500000, 50);
    ck_credit(r, "Y", 500000, 50);
    mkt_attribution_free(r);
    mkt_paths_free(q);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

#define DAY 86400

/* Journey j1: A at day 0 (campaign spring), B at day 7 (no campaign), C at day 14 (spring),
 * converted, 700 cents. Journey j2: B at day 1, not converted. */
static mkt_paths *journeys(mkt_ctx *ctx)
{
    mkt_paths *p = new_paths(ctx);
    const char *ch[3] = {"A", "B", "C"}, *camp[3] = {"spring", NULL, "spring"};
    const mkt_time ts[3] = {1700000000, 1700000000 + 7 * DAY, 1700000000 + 14 * DAY};
    ck_assert_int_eq(mkt_paths_add_journey(p, "j1", ch, ts, camp, 3, 1, 700), MKT_OK);
    const char *ch2[1] = {"B"};
    const mkt_time ts2[1] = {1700000000 + DAY};
    ck_assert_int_eq(mkt_paths_add_journey(p, "j2", ch2, ts2, NULL, 1, 0, 0), MKT_OK);
    return p;
}

START_TEST(test_time_decay)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = journeys(ctx);
    /* Half-life 7 days, ages 14, 7, 0 days back from the conversion (the last touch):
     * weights 1/4, 1/2, 1 -> /1.75: A 1/7, B 2/7, C 4/7 of 700 = 100, 200, 400 cents.
     * Micro: 142857.14, 285714.29, 571428.57 -> floors 999999, +1 to C (.57). */
    mkt_attr_options o;
    mkt_attr_options_init(&o);
    o.per_touch = 1;
    mkt_attribution *r = run_model(p, MKT_ATTR_TIME_DECAY, &o);
    ck_credit(r, "A", 142857, 100);
    ck_credit(r, "B", 285714, 200);
    ck_credit(r, "C", 571429, 400);
    /* Campaigns: spring = A + C = 5/7 -> 500; no campaign = B -> 200. */
    ck_assert_uint_eq(mkt_attribution_campaign_count(r), 2);
    mkt_attr_credit c;
    ck_assert_int_eq(mkt_attribution_campaign(r, 0, &c), MKT_OK);
    ck_assert_str_eq(c.name, "spring");
    ck_assert_int_eq(c.value, 500);
    ck_assert_int_eq(c.conversions_micro, 714286); /* 714285.71 + the remainder unit */
    ck_assert_int_eq(mkt_attribution_campaign(r, 1, &c), MKT_OK);
    ck_assert_ptr_null(c.name);
    ck_assert_int_eq(c.value, 200);
    ck_assert(isnan(c.removal_effect));
    /* Per touch: the same split of journey j1; j2 has nothing to split. */
    int64_t micro, minor;
    ck_assert_int_eq(mkt_attribution_touch(r, 0, 2, &micro, &minor), MKT_OK);
    ck_assert_int_eq(micro, 571429);
    ck_assert_int_eq(minor, 400);
    ck_assert_int_eq(mkt_attribution_touch(r, 1, 0, &micro, &minor), MKT_OK);
    ck_assert_int_eq(micro, 0);
    ck_assert_int_eq(mkt_attribution_touch(r, 0, 3, &micro, &minor), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_attribution_touch(r, 2, 0, &micro, &minor), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_attribution_touch(r, 0, 0, NULL, &minor), MKT_EINVAL);
    ck_assert(conserves(r));
    /* A journey added after the attribution has no touch credits in it. */
    const char *late[1] = {"D"};
    const mkt_time late_ts[1] = {1700000000};
    ck_assert_int_eq(mkt_paths_add_journey(p, "j3", late, late_ts, NULL, 1, 1, 5), MKT_OK);
    ck_assert_int_eq(mkt_attribution_touch(r, 2, 0, &micro, &minor), MKT_ENOTFOUND);
    ck_assert_uint_eq(mkt_attribution_channel_count(r), 3);
    mkt_attribution_free(r);
    mkt_paths_free(p);
    p = journeys(ctx);
    /* Half-life 14 days: weights 2^-1, 2^-0.5, 1 (sum 2.2071): A 158.57 -> 159? The shares
     * .2265, .3204, .4531 of 700 = 158.58, 224.26, 317.16 -> floors 699, +1 to A (.58). */
    o.half_life_days = 14;
    o.per_touch = 0;
    r = run_model(p, MKT_ATTR_TIME_DECAY, &o);
    ck_credit(r, "A", 226541, 159);
    ck_assert_int_eq(credit_of(r, "B").value, 224);
    ck_assert_int_eq(credit_of(r, "C").value, 317);
    ck_assert_int_eq(mkt_attribution_touch(r, 0, 0, &micro, &minor), MKT_ESTATE);
    mkt_attribution_free(r);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_time_decay_needs_times)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = toy(ctx);
    mkt_attr_options o;
    mkt_attr_options_init(&o);
    o.model = MKT_ATTR_TIME_DECAY;
    mkt_attribution *r = (mkt_attribution *)&o; /* must be reset to NULL */
    ck_assert_int_eq(mkt_attribute(&r, p, &o), MKT_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_msg_has(ctx, "time_decay needs touch times");
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attr_rules");
    TCase *tc = tcase_create("rules");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_first_last);
    tcase_add_test(tc, test_last_non_direct);
    tcase_add_test(tc, test_linear);
    tcase_add_test(tc, test_largest_remainder);
    tcase_add_test(tc, test_position);
    tcase_add_test(tc, test_w_shaped);
    tcase_add_test(tc, test_custom);
    tcase_add_test(tc, test_time_decay);
    tcase_add_test(tc, test_time_decay_needs_times);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
