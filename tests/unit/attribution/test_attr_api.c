/* SPDX-License-Identifier: MIT */
/*
 * The attribution API around the models: several models in one pass, option checks, model
 * names, accessors and their errors, and streamed journeys (mkt_paths_add_journey).
 */
#include "attr-test.h"

/* The toy set of test_attr_rules.c: A>B>C>D (1 conv, 1000), D>A (2, 300, 1 null), B (5 nulls). */
static mkt_paths *toy(mkt_ctx *ctx)
{
    mkt_paths *p = new_paths(ctx);
    ck_assert_int_eq(add_path(p, "A>B>C>D", 1, 1000, 0), MKT_OK);
    ck_assert_int_eq(add_path(p, "D>A", 2, 300, 1), MKT_OK);
    ck_assert_int_eq(add_path(p, "B", 0, 0, 5), MKT_OK);
    return p;
}

/* Journey j1: A, B, C converted (700); journey j2: B, not converted. */
static mkt_paths *journeys(mkt_ctx *ctx)
{
    mkt_paths *p = new_paths(ctx);
    const char *ch[3] = {"A", "B", "C"}, *camp[3] = {"spring", NULL, "spring"};
    const mkt_time ts[3] = {100, 200, 300};
    ck_assert_int_eq(mkt_paths_add_journey(p, "j1", ch, ts, camp, 3, 1, 700), MKT_OK);
    const char *ch2[1] = {"B"};
    const mkt_time ts2[1] = {150};
    ck_assert_int_eq(mkt_paths_add_journey(p, "j2", ch2, ts2, NULL, 1, 0, 0), MKT_OK);
    return p;
}

START_TEST(test_many_one_pass)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = toy(ctx);
    static const int32_t models[] = {MKT_ATTR_FIRST, MKT_ATTR_LAST, MKT_ATTR_LAST_NON_DIRECT,
                                     MKT_ATTR_LINEAR, MKT_ATTR_POSITION, MKT_ATTR_W_SHAPED,
                                     MKT_ATTR_MARKOV, MKT_ATTR_SHAPLEY};
    enum { N = sizeof models / sizeof models[0] };
    mkt_attribution *many[N];
    ck_assert_int_eq(mkt_attribute_many(many, models, N, p, NULL), MKT_OK);
    for (int i = 0; i < N; i++) { /* the same as one model at a time */
        mkt_attribution *one = run_model(p, models[i], NULL);
        ck_assert_int_eq(mkt_attribution_model(many[i]), models[i]);
        for (uint32_t c = 0; c < mkt_attribution_channel_count(one); c++) {
            mkt_attr_credit a, b;
            ck_assert_int_eq(mkt_attribution_channel(one, c, &a), MKT_OK);
            ck_assert_int_eq(mkt_attribution_channel(many[i], c, &b), MKT_OK);
            ck_assert_int_eq(a.conversions_micro, b.conversions_micro);
            ck_assert_int_eq(a.value, b.value);
        }
        ck_assert(conserves(many[i]));
        mkt_attribution_free(one);
        mkt_attribution_free(many[i]);
    }
    /* Weights reach only the models that take them. */
    static const double w[3] = {1, 0, 1};
    mkt_attr_options o;
    mkt_attr_options_init(&o);
    o.weights = w;
    o.weight_count = 3;
    static const int32_t two[2] = {MKT_ATTR_LINEAR, MKT_ATTR_POSITION};
    ck_assert_int_eq(mkt_attribute_many(many, two, 2, p, &o), MKT_OK);
    ck_credit(many[1], "B", 0, 0); /* the middle weight is 0 */
    ck_credit(many[0], "B", 250000, 250);
    mkt_attribution_free(many[0]);
    mkt_attribution_free(many[1]);
    /* Errors leave every result NULL. */
    static const int32_t bad[2] = {MKT_ATTR_LINEAR, 99};
    ck_assert_int_eq(mkt_attribute_many(many, bad, 2, p, NULL), MKT_EINVAL);
    ck_assert_ptr_null(many[0]);
    ck_assert_int_eq(mkt_attribute_many(many, bad, 0, p, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_attribute_many(many, NULL, 1, p, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_attribute_many(NULL, bad, 1, p, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_attribute_many(many, bad, 1, NULL, NULL), MKT_EINVAL);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

/* mkt_attribute() with one option changed must fail with EINVAL naming @what. */
static void bad_option(mkt_paths *p, mkt_ctx *ctx, const mkt_attr_options *o, const char *what)
{
    mkt_attribution *r = NULL;
    ck_assert_int_eq(mkt_attribute(&r, p, o), MKT_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_msg_has(ctx, what);
}

START_TEST(test_option_errors)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = toy(ctx);
    mkt_attr_options o, d;
    mkt_attr_options_init(&d);
    static const double two[2] = {1, 1}, neg[3] = {1, -1, 1}, zero[3] = {0, 0, 0};
    o = d; o.model = 0; bad_option(p, ctx, &o, "unknown model");
    o = d; o.model = 11; bad_option(p, ctx, &o, "unknown model");
    o = d; o.order = 0; bad_option(p, ctx, &o, "order");
    o = d; o.order = 5; bad_option(p, ctx, &o, "order");
    o = d; o.half_life_days = 0; bad_option(p, ctx, &o, "half_life_days");
    o = d; o.half_life_days = NAN; bad_option(p, ctx, &o, "half_life_days");
    o = d; o.collapse_repeats = 2; bad_option(p, ctx, &o, "collapse_repeats");
    o = d; o.per_touch = -1; bad_option(p, ctx, &o, "per_touch");
    o = d; o.shapley_max_exact = 23; bad_option(p, ctx, &o, "shapley_max_exact");
    o = d; o.direct_channel = NULL; bad_option(p, ctx, &o, "direct_channel");
    o = d; o.model = MKT_ATTR_CUSTOM; bad_option(p, ctx, &o, "needs weights");
    o = d; o.weights = two; o.weight_count = 2; bad_option(p, ctx, &o, "takes no weights");
    o = d; o.model = MKT_ATTR_POSITION; o.weights = two; o.weight_count = 2;
    bad_option(p, ctx, &o, "takes 3 weights");
    o = d; o.model = MKT_ATTR_W_SHAPED; o.weights = neg; o.weight_count = 3;
    bad_option(p, ctx, &o, "takes 4 weights");
    o = d; o.model = MKT_ATTR_POSITION; o.weights = neg; o.weight_count = 3;
    bad_option(p, ctx, &o, "weight 2 is negative");
    o = d; o.model = MKT_ATTR_POSITION; o.weights = zero; o.weight_count = 3;
    bad_option(p, ctx, &o, "sum to 0");
    o = d; o.model = MKT_ATTR_CUSTOM; o.weights = two; o.weight_count = 0;
    bad_option(p, ctx, &o, "custom weights");
    o = d; o.struct_size = 4; bad_option(p, ctx, &o, "struct_size");
    mkt_attribution *r = NULL;
    ck_assert_int_eq(mkt_attribute(&r, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_attribute(NULL, p, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_attr_options_init(NULL), MKT_EINVAL);
    /* Defaults through NULL options: linear. */
    ck_assert_int_eq(mkt_attribute(&r, p, NULL), MKT_OK);
    ck_assert_int_eq(mkt_attribution_model(r), MKT_ATTR_LINEAR);
    mkt_attribution_free(r);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_names_and_accessors)
{
    int32_t m = 0;
    static const char *const names[] = {"first", "last", "last_non_direct", "linear",
                                        "time_decay", "position", "w_shaped", "custom",
                                        "markov", "shapley"};
    for (int32_t i = 1; i <= 10; i++) {
        ck_assert_str_eq(mkt_attr_model_name(i), names[i - 1]);
        ck_assert_int_eq(mkt_attr_model_parse(names[i - 1], &m), MKT_OK);
        ck_assert_int_eq(m, i);
    }
    ck_assert_ptr_null(mkt_attr_model_name(0));
    ck_assert_ptr_null(mkt_attr_model_name(11));
    ck_assert_int_eq(mkt_attr_model_parse("u_shaped", &m), MKT_OK);
    ck_assert_int_eq(m, MKT_ATTR_POSITION);
    ck_assert_int_eq(mkt_attr_model_parse("Linear", &m), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_attr_model_parse(NULL, &m), MKT_EINVAL);
    ck_assert_int_eq(mkt_attr_model_parse("linear", NULL), MKT_EINVAL);
    /* NULL results are harmless. */
    mkt_attribution_free(NULL);
    ck_assert_int_eq(mkt_attribution_model(NULL), 0);
    ck_assert_uint_eq(mkt_attribution_channel_count(NULL), 0);
    ck_assert_uint_eq(mkt_attribution_campaign_count(NULL), 0);
    ck_assert_uint_eq(mkt_attribution_state_count(NULL), 0);
    ck_assert_uint_eq(mkt_attribution_transition_count(NULL), 0);
    ck_assert_ptr_null(mkt_attribution_state_name(NULL, 0));
    ck_assert(isnan(mkt_attribution_conversion_probability(NULL)));
    ck_assert_int_eq(mkt_attribution_totals(NULL, NULL, NULL), MKT_EINVAL);
    mkt_attr_credit c;
    mkt_attr_transition t;
    int64_t a, b;
    ck_assert_int_eq(mkt_attribution_channel(NULL, 0, &c), MKT_EINVAL);
    ck_assert_int_eq(mkt_attribution_campaign(NULL, 0, &c), MKT_EINVAL);
    ck_assert_int_eq(mkt_attribution_transition(NULL, 0, &t), MKT_EINVAL);
    ck_assert_int_eq(mkt_attribution_touch(NULL, 0, 0, &a, &b), MKT_EINVAL);
    /* A rule-based result has no chain, and range errors name the index. */
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = toy(ctx);
    mkt_attribution *r = run_model(p, MKT_ATTR_FIRST, NULL);
    ck_assert_uint_eq(mkt_attribution_state_count(r), 0);
    ck_assert_uint_eq(mkt_attribution_transition_count(r), 0);
    ck_assert(isnan(mkt_attribution_conversion_probability(r)));
    ck_assert_int_eq(mkt_attribution_transition(r, 0, &t), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_attribution_channel(r, 4, &c), MKT_ENOTFOUND);
    ck_assert_msg_has(ctx, "no channel 4");
    ck_assert_int_eq(mkt_attribution_channel(r, 0, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_attribution_campaign(r, 1, &c), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_attribution_campaign(r, 0, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_attribution_transition(r, 0, NULL), MKT_EINVAL);
    int64_t conv = 0, value = 0;
    ck_assert_int_eq(mkt_attribution_totals(r, &conv, &value), MKT_OK);
    ck_assert_int_eq(conv, 3);
    ck_assert_int_eq(value, 1300);
    /* Aggregated paths: the one campaign entry "no campaign" holds everything. */
    ck_assert_uint_eq(mkt_attribution_campaign_count(r), 1);
    ck_assert_int_eq(mkt_attribution_campaign(r, 0, &c), MKT_OK);
    ck_assert_int_eq(c.conversions_micro, 3000000);
    ck_assert_int_eq(c.value, 1300);
    mkt_attribution_free(r);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_add_journey_errors)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = journeys(ctx);
    const char *ch[2] = {"A", "B"}, *empty[1] = {""}, *bad_utf8[1] = {"\xff"};
    const mkt_time ts[2] = {10, 20}, back[2] = {20, 10};
    ck_assert_int_eq(mkt_paths_add_journey(p, "j1", ch, ts, NULL, 2, 1, 5), MKT_EEXIST);
    ck_assert_msg_has(ctx, "journey 'j1' was added before");
    ck_assert_int_eq(mkt_paths_add_journey(p, "j3", ch, back, NULL, 2, 1, 5), MKT_EINVAL);
    ck_assert_msg_has(ctx, "touch 1 is earlier");
    ck_assert_int_eq(mkt_paths_add_journey(p, "j3", ch, ts, NULL, 2, 2, 5), MKT_EINVAL);
    ck_assert_int_eq(mkt_paths_add_journey(p, "j3", ch, ts, NULL, 2, 1, -5), MKT_ERANGE);
    ck_assert_int_eq(mkt_paths_add_journey(p, "j3", empty, ts, NULL, 1, 1, 5), MKT_EINVAL);
    ck_assert_int_eq(mkt_paths_add_journey(p, "j3", ch, ts, bad_utf8, 1, 1, 5), MKT_EINVAL);
    ck_assert_int_eq(mkt_paths_add_journey(p, "", ch, ts, NULL, 2, 1, 5), MKT_EINVAL);
    ck_assert_int_eq(mkt_paths_add_journey(p, "j3", NULL, ts, NULL, 2, 1, 5), MKT_EINVAL);
    ck_assert_int_eq(mkt_paths_add_journey(p, "j3", ch, NULL, NULL, 2, 1, 5), MKT_EINVAL);
    ck_assert_int_eq(mkt_paths_add_journey(p, "j3", ch, ts, NULL, 0, 1, 5), MKT_EINVAL);
    ck_assert_int_eq(mkt_paths_add_journey(NULL, "j3", ch, ts, NULL, 2, 1, 5), MKT_EINVAL);
    ck_assert_uint_eq(mkt_paths_count(p), 2); /* nothing was added */
    ck_assert_int_eq(mkt_paths_add_journey(p, "j3", ch, ts, NULL, 2, 1, 5), MKT_OK);
    mkt_path path;
    ck_assert_int_eq(mkt_paths_get(p, 2, &path), MKT_OK);
    ck_assert_str_eq(path.journey_id, "j3");
    ck_assert_uint_eq(path.length, 2);
    ck_assert_int_eq(path.ts[1], 20);
    ck_assert_uint_eq(path.campaigns[0], UINT32_MAX);
    ck_assert_int_eq(path.conversions, 1);
    ck_assert_int_eq(path.nulls, 0);
    ck_assert_int_eq(path.value, 5);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attr_api");
    TCase *tc = tcase_create("api");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_many_one_pass);
    tcase_add_test(tc, test_option_errors);
    tcase_add_test(tc, test_names_and_accessors);
    tcase_add_test(tc, test_add_journey_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
