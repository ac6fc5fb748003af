/* SPDX-License-Identifier: MIT */
/*
 * Stacking: the largest total under the stackable / combine-with / one-code-per-offer rules,
 * discounts applied in priority order each on what is left, deterministic ties (fewer codes,
 * then input order), and the reason for every code left out. Amounts are worked by hand in
 * the comments; the booking is 200.00 USD.
 */
#include <stdio.h>
#include <stdlib.h>

#include "test_offer_util.h"

static void add(mkt_ctx *ctx, mkt_offers *set, const char *id, int32_t kind, int64_t value,
                int32_t stackable, int32_t priority, const char *combine, const char *code1,
                const char *code2)
{
    mkt_offer *o = NULL;
    ok(ctx, mkt_offer_new(&o, ctx, id));
    ok(ctx, mkt_offer_set_discount(o, kind, value, 0));
    ok(ctx, mkt_offer_set_currency(o, "USD"));
    ok(ctx, mkt_offer_set_stacking(o, stackable, priority));
    if (combine)
        ok(ctx, mkt_offer_add_combinable(o, combine));
    ok(ctx, mkt_offer_add_code(o, code1, NULL));
    if (code2)
        ok(ctx, mkt_offer_add_code(o, code2, NULL));
    ok(ctx, mkt_offers_add(set, o));
}

struct fx {
    mkt_ctx *ctx;
    mkt_offers *set;
    mkt_offer_stack *st;
};

static struct fx setup(void)
{
    struct fx f = {NULL, NULL, NULL};
    ck_assert_int_eq(mkt_ctx_new(&f.ctx, NULL, NULL), MKT_OK);
    ok(f.ctx, mkt_offers_new(&f.set, f.ctx));
    const int32_t P = MKT_DISCOUNT_PERCENT, F = MKT_DISCOUNT_FIXED;
    add(f.ctx, f.set, "a", P, 1000, 1, 10, NULL, "A", "A2"); /* 10 %, first */
    add(f.ctx, f.set, "b", F, 2000, 1, 5, NULL, "B", NULL);  /* 20.00 */
    add(f.ctx, f.set, "c", P, 2500, 0, 0, NULL, "C", NULL);  /* 25 %, alone only */
    add(f.ctx, f.set, "d", P, 500, 1, 0, "a", "D", NULL);    /* 5 %, only with a */
    add(f.ctx, f.set, "x", F, 4000, 0, 0, NULL, "X", NULL);  /* 40.00, alone only */
    add(f.ctx, f.set, "y", F, 2000, 1, 0, NULL, "Y", NULL);  /* 20.00 */
    add(f.ctx, f.set, "z", F, 2000, 1, 0, NULL, "Z", NULL);  /* 20.00 */
    ok(f.ctx, mkt_offer_stack_new(&f.st, f.ctx));
    return f;
}

static void teardown(struct fx *f)
{
    mkt_offer_stack_free(f->st);
    mkt_offers_free(f->set);
    mkt_ctx_free(f->ctx);
}

static void stack(struct fx *f, const char *const *codes, size_t n)
{
    mkt_offer_booking b = ref_booking();
    ok(f->ctx, mkt_offers_stack(f->set, f->ctx, codes, n, &b, f->st));
    ck_assert_uint_eq(mkt_offer_stack_count(f->st), n);
}

static int32_t reason(struct fx *f, size_t i)
{
    return mkt_offer_result_reason(mkt_offer_stack_item(f->st, i), 0);
}

START_TEST(test_priority_order)
{
    struct fx f = setup();
    /* b given first, but a (priority 10) applies first: 10 % of 200.00 = 20.00, then b's
     * 20.00 on the 180.00 left: 40.00. */
    const char *codes[] = {"B", "A"};
    stack(&f, codes, 2);
    ck_assert_int_eq(mkt_offer_stack_total(f.st), 4000);
    ck_assert_int_eq(mkt_offer_stack_chosen(f.st, 0), 1);
    ck_assert_int_eq(mkt_offer_stack_order(f.st, 1), 0);
    ck_assert_int_eq(mkt_offer_stack_order(f.st, 0), 1);
    ck_assert_int_eq(mkt_offer_result_discount(mkt_offer_stack_item(f.st, 1)), 2000);
    /* Percentages see what earlier codes left: a (10 %) after y would be 18.00. Here a is
     * first: 20.00 + y 20.00 + z 20.00 = 60.00. */
    const char *three[] = {"Y", "Z", "A"};
    stack(&f, three, 3);
    ck_assert_int_eq(mkt_offer_stack_total(f.st), 6000);
    teardown(&f);
}
END_TEST

START_TEST(test_not_stackable_wins_alone)
{
    struct fx f = setup();
    /* c alone: 25 % = 50.00 beats a + b = 40.00. */
    const char *codes[] = {"A", "B", "C"};
    stack(&f, codes, 3);
    ck_assert_int_eq(mkt_offer_stack_total(f.st), 5000);
    ck_assert_int_eq(mkt_offer_stack_chosen(f.st, 2), 1);
    ck_assert_int_eq(mkt_offer_stack_chosen(f.st, 0), 0);
    ck_assert_int_eq(mkt_offer_stack_order(f.st, 0), -1);
    ck_assert_int_eq(reason(&f, 0), MKT_OFFER_REASON_NOT_STACKABLE);
    ck_assert_int_eq(reason(&f, 1), MKT_OFFER_REASON_NOT_STACKABLE);
    ck_assert_str_eq(mkt_offer_result_reason_text(mkt_offer_stack_item(f.st, 0), 0),
                     "offer c does not stack");
    ck_assert_int_eq(mkt_offer_result_valid(mkt_offer_stack_item(f.st, 0)), 0);
    teardown(&f);
}
END_TEST

START_TEST(test_combine_with)
{
    struct fx f = setup();
    /* d combines with a only. {a, b} = 40.00; {a, d} = 20.00 + 5 % of 180.00 = 29.00;
     * {a, b, d} is not allowed (d with b). */
    const char *codes[] = {"A", "D", "B"};
    stack(&f, codes, 3);
    ck_assert_int_eq(mkt_offer_stack_total(f.st), 4000);
    ck_assert_int_eq(mkt_offer_stack_chosen(f.st, 1), 0);
    ck_assert_int_eq(reason(&f, 1), MKT_OFFER_REASON_NOT_COMBINABLE);
    ck_assert_str_eq(mkt_offer_result_reason_text(mkt_offer_stack_item(f.st, 1), 0),
                     "offers d and b may not be combined");
    /* Without b, {a, d} wins with 29.00. */
    stack(&f, codes, 2);
    ck_assert_int_eq(mkt_offer_stack_total(f.st), 2900);
    ck_assert_int_eq(mkt_offer_result_discount(mkt_offer_stack_item(f.st, 1)), 900);
    teardown(&f);
}
END_TEST

START_TEST(test_ties_and_duplicates)
{
    struct fx f = setup();
    /* Two codes of offer a: one of them, the earlier. */
    const char *dup[] = {"A2", "A"};
    stack(&f, dup, 2);
    ck_assert_int_eq(mkt_offer_stack_total(f.st), 2000);
    ck_assert_int_eq(mkt_offer_stack_chosen(f.st, 0), 1);
    ck_assert_int_eq(reason(&f, 1), MKT_OFFER_REASON_DUPLICATE);
    /* {x} = 40.00 ties {y, z} = 40.00: fewer codes wins although y comes first. */
    const char *tie[] = {"Y", "Z", "X"};
    stack(&f, tie, 3);
    ck_assert_int_eq(mkt_offer_stack_total(f.st), 4000);
    ck_assert_int_eq(mkt_offer_stack_chosen(f.st, 2), 1);
    /* c alone (50.00) loses to a + y + z (20.00 + 20.00 + 20.00 = 60.00). */
    const char *more[] = {"C", "A", "Y", "Z"};
    stack(&f, more, 4);
    ck_assert_int_eq(mkt_offer_stack_total(f.st), 6000);
    ck_assert_int_eq(reason(&f, 0), MKT_OFFER_REASON_NOT_STACKABLE);
    /* Equal totals and sizes: the set holding the earliest code (A before A2 this time). */
    const char *dup2[] = {"A", "A2"};
    stack(&f, dup2, 2);
    ck_assert_int_eq(mkt_offer_stack_chosen(f.st, 0), 1);
    ck_assert_int_eq(mkt_offer_stack_chosen(f.st, 1), 0);
    teardown(&f);
}
END_TEST

START_TEST(test_invalid_and_errors)
{
    struct fx f = setup();
    const char *codes[] = {"NOPE", "B"};
    stack(&f, codes, 2);
    ck_assert_int_eq(mkt_offer_stack_total(f.st), 2000);
    ck_assert_int_eq(reason(&f, 0), MKT_OFFER_REASON_UNKNOWN_CODE);
    /* Nothing valid: total 0, nothing chosen. */
    stack(&f, codes, 1);
    ck_assert_int_eq(mkt_offer_stack_total(f.st), 0);
    ck_assert_int_eq(mkt_offer_stack_chosen(f.st, 0), 0);
    ck_assert_ptr_null(mkt_offer_stack_item(f.st, 1));
    ck_assert_int_eq(mkt_offer_stack_chosen(f.st, 5), 0);
    ck_assert_int_eq(mkt_offer_stack_order(f.st, 5), -1);
    const char *many[MKT_OFFER_STACK_MAX + 1];
    for (size_t i = 0; i <= MKT_OFFER_STACK_MAX; i++)
        many[i] = "B";
    mkt_offer_booking b = ref_booking();
    ck_assert_int_eq(mkt_offers_stack(f.set, f.ctx, many, MKT_OFFER_STACK_MAX + 1, &b, f.st),
                     MKT_ETOOBIG);
    /* 16 copies of one code: the exact search handles the maximum. */
    ok(f.ctx, mkt_offers_stack(f.set, f.ctx, many, MKT_OFFER_STACK_MAX, &b, f.st));
    ck_assert_int_eq(mkt_offer_stack_total(f.st), 2000);
    ck_assert_int_eq(mkt_offers_stack(f.set, f.ctx, many, 0, &b, f.st), MKT_EINVAL);
    ck_assert_int_eq(mkt_offers_stack(NULL, f.ctx, many, 1, &b, f.st), MKT_EINVAL);
    ck_assert_int_eq(mkt_offers_stack(f.set, NULL, many, 1, &b, f.st), MKT_EINVAL);
    const char *null_code[] = {NULL};
    ck_assert_int_eq(mkt_offers_stack(f.set, f.ctx, null_code, 1, &b, f.st), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_stack_new(NULL, f.ctx), MKT_EINVAL);
    ck_assert_int_eq(mkt_offer_stack_total(NULL), 0);
    ck_assert_uint_eq(mkt_offer_stack_count(NULL), 0);
    mkt_offer_stack_free(NULL);
    teardown(&f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("stack");
    TCase *tc = tcase_create("stack");
    tcase_add_test(tc, test_priority_order);
    tcase_add_test(tc, test_not_stackable_wins_alone);
    tcase_add_test(tc, test_combine_with);
    tcase_add_test(tc, test_ties_and_duplicates);
    tcase_add_test(tc, test_invalid_and_errors);
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
