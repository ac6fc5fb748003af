/* SPDX-License-Identifier: MIT */
/*
 * Shapley values: a hand-worked toy over all coalitions and by the path formula, and the
 * equality of both methods (Zhao et al. 2018) on random paths and on the public fractribution
 * example (a copy is in tests/data/attribution, Apache-2.0, see the README there).
 */
#include "attr-test.h"

static mkt_attribution *shapley(mkt_paths *p, int32_t max_exact)
{
    mkt_attr_options o;
    mkt_attr_options_init(&o);
    o.shapley_max_exact = max_exact;
    o.per_touch = 1;
    return run_model(p, MKT_ATTR_SHAPLEY, &o);
}

/* Paths (conversions, cents): A (1, 100); A > B (2, 300); B > C > B (3, 600); C (0, 0, 4 nulls).
 * r({A}) = 1, r({A,B}) = 2, r({B,C}) = 3, so v(0) = 0, v(A) = 1, v(B) = v(C) = 0, v(AB) = 3,
 * v(AC) = 1, v(BC) = 3, v(ABC) = 6. With weights 1/3 (|S| = 0), 1/6 (|S| = 1), 1/3 (|S| = 2):
 *   phi_A = 1/3 (1 - 0) + 1/6 (3 - 0) + 1/6 (1 - 0) + 1/3 (6 - 3) = 2
 *   phi_B = 1/3 (0) + 1/6 (3 - 1) + 1/6 (3 - 0) + 1/3 (6 - 1) = 2.5
 *   phi_C = 1/3 (0) + 1/6 (1 - 1) + 1/6 (3 - 0) + 1/3 (6 - 3) = 1.5
 * The path formula agrees: A = 1 + 2/2, B = 2/2 + 3/2, C = 3/2. Value: A = 100 + 150 = 250,
 * B = 150 + 300 = 450, C = 300. */
START_TEST(test_toy)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    ck_assert_int_eq(add_path(p, "A", 1, 100, 0), MKT_OK);
    ck_assert_int_eq(add_path(p, "A>B", 2, 300, 0), MKT_OK);
    ck_assert_int_eq(add_path(p, "B>C>B", 3, 600, 0), MKT_OK);
    ck_assert_int_eq(add_path(p, "C", 0, 0, 4), MKT_OK);
    for (int32_t max_exact = 0; max_exact <= 20; max_exact += 20) {
        mkt_attribution *r = shapley(p, max_exact);
        ck_credit(r, "A", 2000000, 250);
        ck_credit(r, "B", 2500000, 450);
        ck_credit(r, "C", 1500000, 300);
        ck_assert_double_eq_tol(credit_of(r, "B").exact_conversions, 2.5, 1e-12);
        /* Per touch: B > C > B gives B 3/2 shared by its two touches, C 3/2. */
        int64_t micro, minor;
        ck_assert_int_eq(mkt_attribution_touch(r, 2, 0, &micro, &minor), MKT_OK);
        ck_assert_int_eq(micro, 750000);
        ck_assert_int_eq(minor, 150);
        ck_assert_int_eq(mkt_attribution_touch(r, 2, 1, &micro, &minor), MKT_OK);
        ck_assert_int_eq(micro, 1500000);
        ck_assert_int_eq(minor, 300);
        ck_assert(conserves(r));
        mkt_attribution_free(r);
    }
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

static void agree(mkt_paths *p)
{
    mkt_attribution *exact = shapley(p, 20), *formula = shapley(p, 0);
    for (uint32_t c = 0; c < mkt_attribution_channel_count(exact); c++) {
        mkt_attr_credit x, y;
        mkt_attribution_channel(exact, c, &x);
        mkt_attribution_channel(formula, c, &y);
        ck_assert_double_eq_tol(x.exact_conversions, y.exact_conversions,
                                1e-9 * (1 + fabs(y.exact_conversions)));
        ck_assert_int_le(llabs(x.conversions_micro - y.conversions_micro), 1);
        ck_assert_int_le(llabs(x.value - y.value), 1);
    }
    ck_assert(conserves(exact));
    ck_assert(conserves(formula));
    mkt_attribution_free(exact);
    mkt_attribution_free(formula);
}

START_TEST(test_exact_equals_path_formula)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    random_paths(p, 3, 400, 10, 6);
    agree(p);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_fractribution_example)
{
    char file[512];
    const char *dir = getenv("MKT_TEST_DATA");
    snprintf(file, sizeof file, "%s/attribution/fractribution_example_path_summary.csv",
             dir ? dir : "tests/data");
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    mkt_paths_options o;
    mkt_paths_options_init(&o);
    o.conversions_column = "total_conversions";
    o.nulls_column = "total_non_conversions";
    ck_assert_msg(mkt_paths_load_paths(p, file, &o) == MKT_OK, "%s", last_msg(ctx));
    ck_assert_uint_eq(mkt_paths_channel_count(p), 11);
    agree(p);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attr_shapley");
    TCase *tc = tcase_create("shapley");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_toy);
    tcase_add_test(tc, test_exact_equals_path_formula);
    tcase_add_test(tc, test_fractribution_example);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
