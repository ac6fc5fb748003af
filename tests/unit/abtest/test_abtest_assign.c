/* SPDX-License-Identifier: MIT */
/*
 * Deterministic allocation: buckets and variants against an independent Python wyhash
 * (expected.h), a chi-square uniformity test of the split over 1M ids, coverage that never
 * moves assigned units, holdouts, mutually exclusive namespaces, and every error path.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abtest/abtest-private.h"
#include "expected.h"

static mkt_ctx *new_ctx(void)
{
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    return ctx;
}

static mkt_abtest_assignment assign(mkt_ctx *ctx, const char *key, const char *unit,
                                    const double *w, size_t n,
                                    const mkt_abtest_assign_options *o)
{
    mkt_abtest_assignment a;
    int rc = mkt_abtest_assign(ctx, key, unit, strlen(unit), w, n, o, &a);
    ck_assert_msg(rc == MKT_OK, "%s", mkt_ctx_last_error(ctx)->message);
    return a;
}

START_TEST(test_known_assignments)
{
    mkt_ctx *ctx = new_ctx();
    double w3[3] = {34, 33, 33}, w2[2] = {50, 50};
    mkt_abtest_assign_options cov;
    mkt_abtest_assign_options_init(&cov);
    cov.coverage = 0.3;
    for (size_t i = 0; i < sizeof assign_cases / sizeof assign_cases[0]; i++) {
        const struct assign_case *c = &assign_cases[i];
        double b = mkt_abtest_bucket(c->key, strlen(c->key), c->unit, strlen(c->unit));
        ck_assert_msg(b == c->bucket, "bucket(%s, %s) = %.17g, want %.17g", c->key, c->unit, b,
                      c->bucket);
        mkt_abtest_assignment a = assign(ctx, c->key, c->unit, w3, 3, NULL);
        ck_assert_int_eq(a.variant, c->v343333);
        ck_assert_int_eq(a.reason, MKT_ABTEST_ASSIGNED);
        ck_assert(a.bucket == b);
        a = assign(ctx, c->key, c->unit, w2, 2, &cov);
        ck_assert_int_eq(a.variant, c->v5050_cov30);
        ck_assert_int_eq(a.reason, a.variant < 0 ? MKT_ABTEST_NOT_COVERED : MKT_ABTEST_ASSIGNED);
    }
    /* The key and the unit are not simply concatenated. */
    ck_assert(mkt_abtest_bucket("ab", 2, "c", 1) != mkt_abtest_bucket("a", 1, "bc", 2));
    mkt_ctx_free(ctx);
}
END_TEST

/* 1M ids over weights 50:30:20 (plus a weight-0 variant): Pearson's chi-square with 2 df
 * against the promised shares. The hash is fixed, so this is a fixed outcome; a p-value above
 * 0.001 says the split is what a uniform bucket gives. Also the coverage share. */
START_TEST(test_uniformity)
{
    mkt_ctx *ctx = new_ctx();
    double w[4] = {50, 30, 0, 20};
    uint64_t count[4] = {0}, covered = 0;
    char id[32];
    mkt_abtest_assign_options cov;
    mkt_abtest_assign_options_init(&cov);
    cov.coverage = 0.25;
    const uint64_t N = 1000000;
    int failed = 0; /* (Check records every assertion: none inside the loop) */
    for (uint64_t i = 0; i < N && !failed; i++) {
        int len = snprintf(id, sizeof id, "customer-%llu", (unsigned long long)i);
        mkt_abtest_assignment a;
        failed |= mkt_abtest_assign(ctx, "uniformity", id, (size_t)len, w, 4, NULL, &a) != MKT_OK;
        count[a.variant < 0 ? 2 : a.variant]++;
        failed |= mkt_abtest_assign(ctx, "uniformity", id, (size_t)len, w, 4, &cov, &a) != MKT_OK;
        covered += a.variant >= 0;
    }
    ck_assert_int_eq(failed, 0);
    ck_assert_uint_eq(count[2], 0);
    double p;
    ck_assert_int_eq(mkt_abtest_srm(ctx, count, w, 4, &p), MKT_OK);
    fprintf(stderr, "uniformity: %llu/%llu/%llu, chi-square p = %.4f, covered %llu\n",
            (unsigned long long)count[0], (unsigned long long)count[1],
            (unsigned long long)count[3], p, (unsigned long long)covered);
    ck_assert(p > 0.001);
    /* Coverage 0.25 of 1M: binomial sd = sqrt(1e6 * 0.25 * 0.75) = 433; allow 5 sd. */
    ck_assert(fabs((double)covered - 250000.0) < 5 * 433);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_coverage_holdout_namespaces)
{
    mkt_ctx *ctx = new_ctx();
    double w[3] = {1, 1, 1};
    mkt_abtest_assign_options o, ns_a, ns_b, hold;
    mkt_abtest_assign_options_init(&o);
    ns_a = ns_b = hold = o;
    ns_a.namespace_key = ns_b.namespace_key = "checkout";
    ns_a.namespace_end = 0.4;
    ns_b.namespace_start = 0.4;
    hold.holdout = 0.1;
    hold.holdout_key = "global-holdout";
    size_t in_a = 0, in_b = 0, held = 0;
    char id[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(id, sizeof id, "u%d", i);
        /* Raising the coverage never moves an assigned unit. */
        mkt_abtest_assignment low, high;
        o.coverage = 0.2;
        low = assign(ctx, "exp", id, w, 3, &o);
        o.coverage = 0.7;
        high = assign(ctx, "exp", id, w, 3, &o);
        if (low.variant >= 0)
            ck_assert_int_eq(low.variant, high.variant);
        /* Namespaces split one bucket: no unit is in both experiments. */
        mkt_abtest_assignment a = assign(ctx, "exp-a", id, w, 3, &ns_a);
        mkt_abtest_assignment b = assign(ctx, "exp-b", id, w, 3, &ns_b);
        ck_assert(!(a.variant >= 0 && b.variant >= 0));
        ck_assert(a.variant >= 0 || b.variant >= 0); /* together they cover the namespace */
        in_a += a.variant >= 0;
        in_b += b.variant >= 0;
        ck_assert_int_eq(a.reason, a.variant >= 0 ? MKT_ABTEST_ASSIGNED
                                                  : MKT_ABTEST_OUT_OF_NAMESPACE);
        /* A shared holdout key holds out the same units in every experiment. */
        mkt_abtest_assignment h1 = assign(ctx, "exp-1", id, w, 3, &hold);
        mkt_abtest_assignment h2 = assign(ctx, "exp-2", id, w, 3, &hold);
        ck_assert_int_eq(h1.reason == MKT_ABTEST_HOLDOUT, h2.reason == MKT_ABTEST_HOLDOUT);
        held += h1.reason == MKT_ABTEST_HOLDOUT;
        if (h1.reason == MKT_ABTEST_HOLDOUT)
            ck_assert_int_eq(h1.variant, -1);
    }
    /* Shares: 0.4 and 0.6 of 20000 (sd ~ 69), 0.1 held out (sd ~ 42); 5 sd each. */
    ck_assert(fabs((double)in_a - 8000) < 350 && fabs((double)in_b - 12000) < 350);
    ck_assert(fabs((double)held - 2000) < 215);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_assign_errors)
{
    mkt_ctx *ctx = new_ctx();
    double w[3] = {1, 1, 1}, wz[2] = {0, 0}, wn[2] = {1, -1}, wi[2] = {1, INFINITY};
    double w27[27];
    for (int i = 0; i < 27; i++)
        w27[i] = 1;
    mkt_abtest_assignment a;
    ck_assert_int_eq(mkt_abtest_assign_options_init(NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_abtest_assign(NULL, "e", "u", 1, w, 3, NULL, &a), MKT_EINVAL);
    ck_assert_int_eq(mkt_abtest_assign(ctx, NULL, "u", 1, w, 3, NULL, &a), MKT_EINVAL);
    ck_assert_int_eq(mkt_abtest_assign(ctx, "e", NULL, 1, w, 3, NULL, &a), MKT_EINVAL);
    ck_assert_int_eq(mkt_abtest_assign(ctx, "e", "u", 1, NULL, 3, NULL, &a), MKT_EINVAL);
    ck_assert_int_eq(mkt_abtest_assign(ctx, "e", "u", 1, w, 3, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_abtest_assign(ctx, "", "u", 1, w, 3, NULL, &a), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "empty experiment"));
    ck_assert_int_eq(mkt_abtest_assign(ctx, "e", "u", 1, w, 1, NULL, &a), MKT_EINVAL);
    ck_assert_int_eq(mkt_abtest_assign(ctx, "e", "u", 1, w27, 27, NULL, &a), MKT_EINVAL);
    ck_assert_int_eq(mkt_abtest_assign(ctx, "e", "u", 1, w27, 26, NULL, &a), MKT_OK);
    ck_assert_int_eq(mkt_abtest_assign(ctx, "e", "u", 1, wz, 2, NULL, &a), MKT_EINVAL);
    ck_assert_int_eq(mkt_abtest_assign(ctx, "e", "u", 1, wn, 2, NULL, &a), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "weight 1"));
    ck_assert_int_eq(mkt_abtest_assign(ctx, "e", "u", 1, wi, 2, NULL, &a), MKT_EINVAL);
    /* The empty unit id is an id like any other. */
    ck_assert_int_eq(mkt_abtest_assign(ctx, "e", NULL, 0, w, 3, NULL, &a), MKT_OK);
    for (int k = 0; k < 7; k++) {
        mkt_abtest_assign_options o;
        mkt_abtest_assign_options_init(&o);
        switch (k) {
        case 0: o.coverage = 0; break;
        case 1: o.coverage = 1.5; break;
        case 2: o.holdout = 1; break;
        case 3: o.holdout = -0.1; break;
        case 4: o.namespace_key = "n"; o.namespace_start = 0.5; o.namespace_end = 0.5; break;
        case 5: o.namespace_key = "n"; o.namespace_end = 1.5; break;
        default: o.struct_size = 0; break;
        }
        ck_assert_msg(mkt_abtest_assign(ctx, "e", "u", 1, w, 3, &o, &a) == MKT_EINVAL,
                      "option %d", k);
    }
    /* NULL with a length in the pure bucket function hashes the empty string. */
    ck_assert(mkt_abtest_bucket(NULL, 5, NULL, 3) == mkt_abtest_bucket("", 0, "", 0));
    mkt_ctx_free(ctx);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("abtest-assign");
    TCase *tc = tcase_create("assign");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_known_assignments);
    tcase_add_test(tc, test_uniformity);
    tcase_add_test(tc, test_coverage_holdout_namespaces);
    tcase_add_test(tc, test_assign_errors);
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
