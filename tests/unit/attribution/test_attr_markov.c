/* SPDX-License-Identifier: MIT */
/*
 * Markov chain removal effects: the published three-path example, a chain with a cycle and
 * one with a self-loop solved by hand, collapsed repeats, the transition matrix and state
 * names, and the order equivalences (order k on paths of length <= 1 equals order 1; order
 * k >= the longest path gives each channel the share of conversions on paths that contain it).
 */
#include "attr-test.h"

static mkt_attribution *markov(mkt_paths *p, int32_t order, int32_t collapse)
{
    mkt_attr_options o;
    mkt_attr_options_init(&o);
    o.order = order;
    o.collapse_repeats = collapse;
    o.per_touch = 1;
    return run_model(p, MKT_ATTR_MARKOV, &o);
}

/* The example of Anderl et al. and of many tutorials (e.g. S. Bryl, "Marketing Multi-Channel
 * Attribution model with R", analyzecore.com 2016):
 *   C1 > C2 > C3 converts, C1 does not, C2 > C3 does not.
 * START -> C1 2/3, -> C2 1/3; C1 -> C2 1/2, -> NULL 1/2; C2 -> C3 1; C3 -> CONV 1/2, -> NULL 1/2.
 * P(conv) = 2/3 * 1/2 * 1 * 1/2 + 1/3 * 1 * 1/2 = 1/6 + 1/6 = 1/3.
 * Without C1: only START -> C2 -> C3 -> CONV remains: 1/3 * 1/2 = 1/6, removal effect 1/2.
 * Without C2 or C3 nothing converts: removal effect 1 each.
 * Normalised: 0.5 / 2.5 = 0.2, 0.4, 0.4 of 1 conversion and of 1000 cents. */
START_TEST(test_published_example)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    ck_assert_int_eq(add_path(p, "C1>C2>C3", 1, 1000, 0), MKT_OK);
    ck_assert_int_eq(add_path(p, "C1", 0, 0, 1), MKT_OK);
    ck_assert_int_eq(add_path(p, "C2>C3", 0, 0, 1), MKT_OK);
    mkt_attribution *r = markov(p, 1, 0);
    ck_assert_double_eq_tol(mkt_attribution_conversion_probability(r), 1.0 / 3, 1e-15);
    ck_assert_double_eq_tol(credit_of(r, "C1").removal_effect, 0.5, 1e-15);
    ck_assert_double_eq_tol(credit_of(r, "C2").removal_effect, 1.0, 1e-15);
    ck_assert_double_eq_tol(credit_of(r, "C3").removal_effect, 1.0, 1e-15);
    ck_credit(r, "C1", 200000, 200);
    ck_credit(r, "C2", 400000, 400);
    ck_credit(r, "C3", 400000, 400);
    /* The chain: 3 special states + C1, C2, C3; 7 transitions, sorted by (from, to). */
    ck_assert_uint_eq(mkt_attribution_state_count(r), 6);
    ck_assert_str_eq(mkt_attribution_state_name(r, 0), "(start)");
    ck_assert_str_eq(mkt_attribution_state_name(r, 1), "(conversion)");
    ck_assert_str_eq(mkt_attribution_state_name(r, 2), "(null)");
    ck_assert_str_eq(mkt_attribution_state_name(r, 3), "C1");
    ck_assert_ptr_null(mkt_attribution_state_name(r, 6));
    ck_assert_uint_eq(mkt_attribution_transition_count(r), 7);
    mkt_attr_transition t;
    ck_assert_int_eq(mkt_attribution_transition(r, 0, &t), MKT_OK);
    ck_assert_uint_eq(t.from, 0);
    ck_assert_str_eq(mkt_attribution_state_name(r, t.to), "C1");
    ck_assert_int_eq(t.count, 2);
    ck_assert_double_eq_tol(t.probability, 2.0 / 3, 1e-15);
    ck_assert_int_eq(mkt_attribution_transition(r, 7, &t), MKT_ENOTFOUND);
    double total = 0;
    for (uint64_t i = 0; i < 7; i++) {
        ck_assert_int_eq(mkt_attribution_transition(r, i, &t), MKT_OK);
        if (strcmp(mkt_attribution_state_name(r, t.from), "C3") == 0)
            total += t.probability; /* C3 -> CONV 1/2, -> NULL 1/2 */
    }
    ck_assert_double_eq_tol(total, 1.0, 1e-15);
    /* Per touch: the converting path splits by the removal effects of its touches. */
    int64_t micro, minor;
    ck_assert_int_eq(mkt_attribution_touch(r, 0, 0, &micro, &minor), MKT_OK);
    ck_assert_int_eq(micro, 200000);
    ck_assert_int_eq(minor, 200);
    ck_assert(conserves(r));
    mkt_attribution_free(r);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

/* A cycle: A > B > A converts, A does not.
 * START -> A 2; A -> B 1, A -> CONV 1, A -> NULL 1 (1/3 each); B -> A 1.
 * x_A = x_B / 3 + 1/3 and x_B = x_A, so x_A = 1/2 = P(conv).
 * Without A: 0, removal effect 1. Without B: x_A = 1/3, removal effect 1 - (1/3)/(1/2) = 1/3.
 * Normalised over 4/3: A 3/4, B 1/4 of 1 conversion and 400 cents. */
START_TEST(test_cycle)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    ck_assert_int_eq(add_path(p, "A>B>A", 1, 400, 0), MKT_OK);
    ck_assert_int_eq(add_path(p, "A", 0, 0, 1), MKT_OK);
    mkt_attribution *r = markov(p, 1, 0);
    ck_assert_double_eq_tol(mkt_attribution_conversion_probability(r), 0.5, 1e-15);
    ck_assert_double_eq_tol(credit_of(r, "A").removal_effect, 1.0, 1e-15);
    ck_assert_double_eq_tol(credit_of(r, "B").removal_effect, 1.0 / 3, 1e-15);
    ck_credit(r, "A", 750000, 300);
    ck_credit(r, "B", 250000, 100);
    mkt_attribution_free(r);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

/* A self-loop: A > A > B converts, B does not.
 * Order 1: START -> A 1, -> B 1; A -> A 1, A -> B 1; B -> CONV 1, -> NULL 1.
 * x_B = 1/2; x_A = (x_B / 2) / (1 - 1/2) = 1/2; P = (x_A + x_B) / 2 = 1/2.
 * Without A: 1/2 * x_B = 1/4, removal 1/2; without B: 0, removal 1. Shares 1/3, 2/3.
 * Collapsing A > A into A gives the same order-1 result (a self-loop never changes an
 * absorption probability). Order 2 without collapsing: states (A), (A>A), (A>B) and (B)
 * each have one history, so P = 1/2 and removing A or B leaves nothing that converts:
 * removal effects 1 and 1, shares 1/2 each. */
START_TEST(test_self_loop)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    ck_assert_int_eq(add_path(p, "A>A>B", 1, 300, 0), MKT_OK);
    ck_assert_int_eq(add_path(p, "B", 0, 0, 1), MKT_OK);
    for (int collapse = 0; collapse <= 1; collapse++) {
        mkt_attribution *r = markov(p, 1, collapse);
        ck_assert_double_eq_tol(mkt_attribution_conversion_probability(r), 0.5, 1e-15);
        ck_assert_double_eq_tol(credit_of(r, "A").removal_effect, 0.5, 1e-15);
        ck_assert_double_eq_tol(credit_of(r, "B").removal_effect, 1.0, 1e-15);
        ck_credit(r, "A", 333333, 100);
        ck_credit(r, "B", 666667, 200);
        ck_assert_uint_eq(mkt_attribution_transition_count(r), collapse ? 5 : 6);
        mkt_attribution_free(r);
    }
    mkt_attribution *r = markov(p, 2, 0);
    ck_assert_uint_eq(mkt_attribution_state_count(r), 7);
    ck_assert_str_eq(mkt_attribution_state_name(r, 4), "A > A");
    ck_assert_str_eq(mkt_attribution_state_name(r, 5), "A > B");
    ck_credit(r, "A", 500000, 150);
    ck_credit(r, "B", 500000, 150);
    mkt_attribution_free(r);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

static void same_credits(const mkt_attribution *a, const mkt_attribution *b)
{
    ck_assert_uint_eq(mkt_attribution_channel_count(a), mkt_attribution_channel_count(b));
    for (uint32_t c = 0; c < mkt_attribution_channel_count(a); c++) {
        mkt_attr_credit x, y;
        mkt_attribution_channel(a, c, &x);
        mkt_attribution_channel(b, c, &y);
        ck_assert_int_eq(x.conversions_micro, y.conversions_micro);
        ck_assert_int_eq(x.value, y.value);
        ck_assert_double_eq_tol(x.removal_effect, y.removal_effect, 1e-14);
    }
}

/* On paths of at most one touch, every order builds the same chain. */
START_TEST(test_order_equivalence_short_paths)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    random_paths(p, 7, 60, 6, 1);
    mkt_attribution *one = markov(p, 1, 0);
    for (int32_t k = 2; k <= MKT_ATTR_MAX_ORDER; k++) {
        mkt_attribution *r = markov(p, k, 0);
        same_credits(one, r);
        ck_assert_double_eq_tol(mkt_attribution_conversion_probability(r),
                                mkt_attribution_conversion_probability(one), 1e-15);
        mkt_attribution_free(r);
    }
    mkt_attribution_free(one);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

/* With order k >= the longest path every state has one history, the chain reproduces the
 * data exactly: P(conv) = conversions / journeys, and removing channel c loses exactly the
 * conversions of the paths that contain c. */
START_TEST(test_order_at_least_path_length)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    random_paths(p, 11, 200, 5, 3);
    int64_t conv = 0, journeys = 0;
    double with[5] = {0};
    for (uint64_t i = 0; i < mkt_paths_count(p); i++) {
        mkt_path path;
        mkt_paths_get(p, i, &path);
        conv += path.conversions;
        journeys += path.conversions + path.nulls;
        int seen[5] = {0};
        for (uint32_t k = 0; k < path.length; k++)
            seen[path.channels[k]] = 1;
        for (int c = 0; c < 5; c++)
            if (seen[c])
                with[c] += (double)path.conversions;
    }
    for (int32_t k = 3; k <= 4; k++) {
        mkt_attribution *r = markov(p, k, 0);
        ck_assert_double_eq_tol(mkt_attribution_conversion_probability(r),
                                (double)conv / (double)journeys, 1e-14);
        for (uint32_t c = 0; c < 5; c++) {
            mkt_attr_credit cr;
            mkt_attribution_channel(r, c, &cr);
            ck_assert_double_eq_tol(cr.removal_effect, with[c] / (double)conv, 1e-13);
        }
        ck_assert(conserves(r));
        mkt_attribution_free(r);
    }
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

/* Order 1 with and without collapsing repeats: self-loops never change P(conv). */
START_TEST(test_collapse_order1_invariant)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    random_paths(p, 5, 300, 3, 8); /* 3 channels: many repeats */
    mkt_attribution *a = markov(p, 1, 0), *b = markov(p, 1, 1);
    ck_assert_double_eq_tol(mkt_attribution_conversion_probability(a),
                            mkt_attribution_conversion_probability(b), 1e-14);
    for (uint32_t c = 0; c < mkt_attribution_channel_count(a); c++) {
        mkt_attr_credit x, y;
        mkt_attribution_channel(a, c, &x);
        mkt_attribution_channel(b, c, &y);
        ck_assert_double_eq_tol(x.removal_effect, y.removal_effect, 1e-13);
        ck_assert_int_le(llabs(x.conversions_micro - y.conversions_micro), 1);
    }
    mkt_attribution_free(a);
    mkt_attribution_free(b);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

/* No conversions at all: P(conv) = 0, every removal effect 0, every credit 0. */
START_TEST(test_no_conversions)
{
    mkt_ctx *ctx = new_ctx();
    mkt_paths *p = new_paths(ctx);
    ck_assert_int_eq(add_path(p, "A>B", 0, 0, 3), MKT_OK);
    mkt_attribution *r = markov(p, 2, 0);
    ck_assert_double_eq(mkt_attribution_conversion_probability(r), 0);
    ck_credit(r, "A", 0, 0);
    ck_assert_double_eq(credit_of(r, "B").removal_effect, 0);
    mkt_attribution_free(r);
    mkt_paths_free(p);
    mkt_ctx_free(ctx);
}
END_TEST

/* An independent solution: Gaussian elimination with partial pivoting on (I - P) x = b over
 * the states and transitions the result exposes; states whose name contains channel @removed
 * (NULL: none) are dead ends. Returns x(START). */
static double dense_solve(const mkt_attribution *r, const char *removed)
{
    enum { MAXS = 64 };
    uint32_t n = mkt_attribution_state_count(r);
    ck_assert_uint_le(n, MAXS);
    double a[MAXS][MAXS + 1];
    memset(a, 0, sizeof a);
    for (uint32_t s = 0; s < n; s++)
        a[s][s] = 1;
    a[MKT_ATTR_STATE_CONVERSION][n] = 1; /* x(CONV) = 1, x(NULL) = 0 */
    for (uint64_t i = 0; i < mkt_attribution_transition_count(r); i++) {
        mkt_attr_transition t;
        ck_assert_int_eq(mkt_attribution_transition(r, i, &t), MKT_OK);
        const char *name = mkt_attribution_state_name(r, t.from);
        int dead = 0;
        if (removed && t.from >= 3) {
            char buf[256];
            snprintf(buf, sizeof buf, "%s", name);
            for (char *tok = strtok(buf, " >"); tok; tok = strtok(NULL, " >"))
                dead |= strcmp(tok, removed) == 0;
        }
        if (!dead)
            a[t.from][t.to] -= t.probability;
    }
    for (uint32_t col = 0; col < n; col++) {
        uint32_t piv = col;
        for (uint32_t row = col + 1; row < n; row++)
            if (fabs(a[row][col]) > fabs(a[piv][col]))
                piv = row;
        for (uint32_t k = 0; k <= n; k++) {
            double tmp = a[col][k];
            a[col][k] = a[piv][k];
            a[piv][k] = tmp;
        }
        for (uint32_t row = 0; row < n; row++)
            if (row != col && a[row][col] != 0) {
                double f = a[row][col] / a[col][col];
                for (uint32_t k = col; k <= n; k++)
                    a[row][k] -= f * a[col][k];
            }
    }
    return a[MKT_ATTR_STATE_START][n] / a[MKT_ATTR_STATE_START][MKT_ATTR_STATE_START];
}

/* Random paths with many cycles: the iterative solve agrees with elimination to 1e-13. */
START_TEST(test_agrees_with_elimination)
{
    mkt_ctx *ctx = new_ctx();
    for (int32_t order = 1; order <= 2; order++) {
        mkt_paths *p = new_paths(ctx);
        random_paths(p, 100 + (uint64_t)order, 150, 4, 7);
        mkt_attribution *r = markov(p, order, 0);
        double pc = dense_solve(r, NULL);
        ck_assert_double_eq_tol(mkt_attribution_conversion_probability(r), pc, 1e-13);
        for (uint32_t c = 0; c < mkt_attribution_channel_count(r); c++) {
            mkt_attr_credit cr;
            mkt_attribution_channel(r, c, &cr);
            double re = 1 - dense_solve(r, cr.name) / pc;
            ck_assert_double_eq_tol(cr.removal_effect, re, 1e-12);
        }
        mkt_attribution_free(r);
        mkt_paths_free(p);
    }
    mkt_ctx_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attr_markov");
    TCase *tc = tcase_create("markov");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_published_example);
    tcase_add_test(tc, test_cycle);
    tcase_add_test(tc, test_self_loop);
    tcase_add_test(tc, test_order_equivalence_short_paths);
    tcase_add_test(tc, test_order_at_least_path_length);
    tcase_add_test(tc, test_collapse_order1_invariant);
    tcase_add_test(tc, test_no_conversions);
    tcase_add_test(tc, test_agrees_with_elimination);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
