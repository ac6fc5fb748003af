/* SPDX-License-Identifier: MIT */
/*
 * The customer-id index (lib/data/idindex.c, dense-ids.c): dense while the ids are one shape
 * with dense numbers, hashed from the first id that is not, and the same answers either way,
 * through growth in both directions, rollbacks and failed allocations.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "failalloc.h"
#include "libmarketing.h"
#include "testfile.h"
#include "data/table-private.h"

static mkt_ctx *new_ctx(void)
{
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    return ctx;
}

/* Add @ids in order; every one must land on the next row. */
static void add_all(mkt_table *t, const char *const *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t row;
        ck_assert_int_eq(mkt_table_add_customer(t, ids[i], strlen(ids[i]), &row), MKT_OK);
        ck_assert_uint_eq(row, mkt_table_customer_count(t) - 1);
    }
}

/* Every id of every row is found at its row, and @strangers are not found. */
static void check_rows(const mkt_table *t, const char *const *strangers, size_t nstrangers)
{
    int bad = 0;
    for (uint64_t r = 0; r < mkt_table_customer_count(t); r++) {
        const char *id = mkt_table_customer_id(t, r);
        uint64_t got = UINT64_MAX;
        bad += mkt_table_find(t, id, strlen(id), &got) != MKT_OK || got != r;
    }
    ck_assert_int_eq(bad, 0);
    for (size_t i = 0; i < nstrangers; i++) {
        uint64_t got;
        ck_assert_int_eq(mkt_table_find(t, strangers[i], strlen(strangers[i]), &got),
                         MKT_ENOTFOUND);
    }
}

START_TEST(test_dense)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    static const char *const ids[] = {"C07", "C09", "C08"};
    add_all(t, ids, 3);
    ck_assert_int_eq(t->index.hashed, 0);
    ck_assert_ptr_null(t->index.slots);
    static const char *const strangers[] = {"C06", "C10", "C8", "C008", "X08", "C0a", ""};
    check_rows(t, strangers, sizeof strangers / sizeof strangers[0]);
    uint64_t row;
    ck_assert_int_eq(mkt_table_find(t, "C08", 3, &row), MKT_OK);
    ck_assert_uint_eq(row, 2);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* Ids that end the dense form: it turns hashed at the second id and keeps every answer. */
START_TEST(test_turns_hashed)
{
    mkt_ctx *ctx = new_ctx();
    static const char *const pairs[][2] = {
        {"C07", "VIP-1"},           /* another shape */
        {"C0000001", "C9999999"},   /* too sparse for two customers */
        {"C07", "C8"},              /* another width */
        {"ann", "bob"},             /* no digits at all: hashed from the first */
        {"1234567890123456789", "1"}, /* 19 digits: no number */
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        mkt_table *t;
        ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
        add_all(t, pairs[i], 2);
        ck_assert_msg(t->index.hashed == 1, "pair %zu", i);
        static const char *const strangers[] = {"C06", "VIP-2", "carl", "2"};
        check_rows(t, strangers, 4);
        mkt_table_free(t);
    }
    mkt_ctx_free(ctx);
}
END_TEST

/* Thousands of ids ascending, descending and shuffled within blocks that come in descending
 * order: dense all along (the array grows both ways), each found at its row. */
START_TEST(test_growth)
{
    mkt_ctx *ctx = new_ctx();
    for (int order = 0; order < 3; order++) {
        mkt_table *t;
        ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
        char id[16];
        for (int i = 0; i < 20000; i++) {
            int k = order == 0   ? i
                    : order == 1 ? 20000 - i
                                 : (19 - i / 1000) * 1000 + (i * 379) % 1000; /* 379 ⊥ 1000 */
            snprintf(id, sizeof id, "K%06d", 500000 + k);
            ck_assert_int_eq(mkt_table_add_customer(t, id, strlen(id), NULL), MKT_OK);
        }
        ck_assert_int_eq(t->index.hashed, 0);
        static const char *const strangers[] = {"K499999", "K520001", "K0500000"};
        check_rows(t, strangers, 3);
        mkt_table_free(t);
    }
    mkt_ctx_free(ctx);
}
END_TEST

/* A failed load rolls back the rows it added, whether the index stayed dense or turned hashed
 * on the way; rolling back to no rows makes it dense again. */
START_TEST(test_rollback)
{
    mkt_ctx *ctx = new_ctx();
    mkt_table *t;
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    ck_assert_int_eq(mkt_table_load_customers(t, test_write_file("a.csv", "customer_id\nC01\nC02\n"),
                                              NULL), MKT_OK);
    static const char *const bad[] = {
        "customer_id\nC03\nC04\nC01\n",         /* dense, then a duplicate */
        "customer_id\nC03\nVIP-1\nC04\nC01\n",  /* turns hashed, then a duplicate */
    };
    for (size_t i = 0; i < 2; i++) {
        ck_assert_int_eq(mkt_table_load_customers(t, test_write_file("b.csv", bad[i]), NULL),
                         MKT_EEXIST);
        ck_assert_uint_eq(mkt_table_customer_count(t), 2);
        static const char *const gone[] = {"C03", "C04", "VIP-1"};
        check_rows(t, gone, 3);
    }
    mkt_table_free(t);
    /* From empty: the rollback empties the table and the next load is dense again. */
    ck_assert_int_eq(mkt_table_new(&t, ctx), MKT_OK);
    ck_assert_int_eq(mkt_table_load_customers(t, test_write_file("c.csv", "customer_id\nann\nann\n"),
                                              NULL), MKT_EEXIST);
    ck_assert_uint_eq(mkt_table_customer_count(t), 0);
    ck_assert_int_eq(mkt_table_load_customers(t, test_write_file("d.csv", "customer_id\nC5\nC6\n"),
                                              NULL), MKT_OK);
    ck_assert_int_eq(t->index.hashed, 0);
    check_rows(t, NULL, 0);
    mkt_table_free(t);
    mkt_ctx_free(ctx);
}
END_TEST

/* Under every failed allocation, adding customers either succeeds or leaves the index
 * answering exactly for the rows that exist (the one being added is not found). */
static int add_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_table *t;
    rc = mkt_table_new(&t, ctx);
    static const char *const ids[] = {"C1000", "C0001", "C3000", "VIP-1", "C2000", "C0002"};
    for (size_t i = 0; rc == MKT_OK && i < sizeof ids / sizeof ids[0]; i++) {
        rc = mkt_table_add_customer(t, ids[i], strlen(ids[i]), NULL);
        if (rc == MKT_OK)
            continue;
        ck_assert_uint_eq(mkt_table_customer_count(t), i);
        check_rows(t, ids + i, 1);
    }
    mkt_table_free(t);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(test_failed_allocations)
{
    failalloc_run(add_scenario, NULL);
}
END_TEST

static Suite *idindex_suite(void)
{
    Suite *s = suite_create("idindex");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_dense);
    tcase_add_test(tc, test_turns_hashed);
    tcase_add_test(tc, test_growth);
    tcase_add_test(tc, test_rollback);
    tcase_add_test(tc, test_failed_allocations);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(idindex_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
