/* SPDX-License-Identifier: MIT */
/*
 * Allocation-failure injection over the core's public entry points: context creation, every
 * store operation on the built-in store, and the default audit sink. Each scenario is run with
 * allocation N failing (once, and from N on) for every N it makes; each failing run must
 * return MKT_ENOMEM, leak nothing, and, when only one allocation failed, leave the context
 * usable: the same operation retried succeeds and the stored state is exactly as expected.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "failalloc.h"

static int ctx_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx = (mkt_ctx *)fa; /* must be reset to NULL on failure */
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc) {
        ck_assert_ptr_null(ctx);
        return rc;
    }
    mkt_ctx_free(ctx);
    return MKT_OK;
}

START_TEST(ctx_new_free)
{
    ck_assert_int_ge(failalloc_run(ctx_scenario, NULL), 2);
    failalloc_run_sticky(ctx_scenario, NULL);
}
END_TEST

/* Run @expr; when a single injected failure hit it, the context must still work: retrying
 * succeeds. In sticky mode the failure is final and is returned. */
#define STEP(fa, expr)                                                                   \
    do {                                                                                 \
        int step_rc_ = (expr);                                                           \
        if (step_rc_ == MKT_ENOMEM && !(fa)->sticky) {                                   \
            ck_assert_int_eq(mkt_ctx_last_error(ctx)->code, MKT_ENOMEM);                 \
            step_rc_ = (expr);                                                           \
            ck_assert_msg(step_rc_ == MKT_OK, "retry of %s: %d", #expr, step_rc_);       \
        }                                                                                \
        if (step_rc_ != MKT_OK) {                                                        \
            rc = step_rc_;                                                               \
            goto out;                                                                    \
        }                                                                                \
    } while (0)

static int count_keys(const char *k, size_t kl, const void *v, size_t vl, uint64_t ver,
                      void *d)
{
    (void)k, (void)kl, (void)v, (void)vl, (void)ver;
    ++*(int *)d;
    return 0;
}

static int store_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    char *v = NULL;
    int64_t n = 0;
    int visits = 0;
    STEP(fa, mkt_store_put(ctx, "offers", "SUMMER", 6, "10%", 3, MKT_VERSION_ANY, NULL));
    STEP(fa, mkt_store_put(ctx, "offers", "WINTER", 6, "15%", 3, MKT_VERSION_ABSENT, NULL));
    STEP(fa, mkt_store_put(ctx, "consent", "c1", 2, "email=yes", 9, MKT_VERSION_ANY, NULL));
    STEP(fa, mkt_store_put(ctx, "offers", "SUMMER", 6, "20%", 3, 1, NULL)); /* update */
    STEP(fa, mkt_store_incr(ctx, "offer.redemptions", "SUMMER", 6, 1, 10, &n));
    STEP(fa, mkt_store_incr(ctx, "offer.redemptions", "SUMMER", 6, 1, 10, &n));
    STEP(fa, mkt_store_get(ctx, "offers", "SUMMER", 6, &v, NULL, NULL));
    ck_assert_str_eq(v, "20%");
    mkt_free(v);
    v = NULL;
    /* a value kept apart (> 256 bytes), then one that moves the node to a bigger block */
    static const char long_text[300] = "autumn";
    STEP(fa, mkt_store_put(ctx, "offers", "AUTUMN", 6, long_text, 300, MKT_VERSION_ABSENT,
                           NULL));
    STEP(fa, mkt_store_put(ctx, "offers", "AUTUMN", 6, long_text, 100, 1, NULL));
    STEP(fa, mkt_store_delete(ctx, "offers", "AUTUMN", 6, 2));
    STEP(fa, mkt_store_delete(ctx, "offers", "WINTER", 6, MKT_VERSION_ANY));
    STEP(fa, mkt_store_scan(ctx, "offers", NULL, 0, count_keys, &visits));
    /* expected outcomes still come back right under memory pressure */
    ck_assert_int_eq(mkt_store_get(ctx, "offers", "WINTER", 6, &v, NULL, NULL), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_store_incr(ctx, "offers", "SUMMER", 6, 1, 10, NULL), MKT_ETYPE);
    /* the final state, read without injection */
    failalloc_pause(fa);
    ck_assert_int_eq(n, 2); /* a failed incr changed nothing, its retry counted once */
    uint64_t ver = 0;
    ck_assert_int_eq(mkt_store_get(ctx, "offer.redemptions", "SUMMER", 6, &v, NULL, &ver),
                     MKT_OK);
    ck_assert_str_eq(v, "2");
    ck_assert_uint_eq(ver, 2);
    mkt_free(v);
    v = NULL;
    ck_assert_int_eq(mkt_store_get(ctx, "offers", "SUMMER", 6, NULL, NULL, &ver), MKT_OK);
    ck_assert_uint_eq(ver, 2);
    visits = 0;
    ck_assert_int_eq(mkt_store_scan(ctx, "offers", NULL, 0, count_keys, &visits), MKT_OK);
    ck_assert_int_eq(visits, 1);
    failalloc_resume(fa);
out:
    mkt_free(v);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(store_operations)
{
    ck_assert_int_gt(failalloc_run(store_scenario, NULL), 10);
    failalloc_run_sticky(store_scenario, NULL);
}
END_TEST

static int fixed_clock(mkt_time *out, void *user_data)
{
    (void)user_data;
    *out = 1700000000;
    return MKT_OK;
}

static int audit_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    fa->host.now = fixed_clock;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_audit_record r = { sizeof r, 0, "crm", "consent.withdraw", "c42",
                           "customer asked\nby phone" };
    STEP(fa, mkt_ctx_audit(ctx, &r));
    r.ts = 1700000001;
    STEP(fa, mkt_ctx_audit(ctx, &r));
    failalloc_pause(fa);
    int visits = 0;
    ck_assert_int_eq(mkt_store_scan(ctx, "audit", NULL, 0, count_keys, &visits), MKT_OK);
    /* a failure after a record was stored (moving the chain head) leaves it in the chain:
     * the retry adds a second one, so "at least once" */
    ck_assert_int_ge(visits, 2);
    ck_assert_int_le(visits, 4);
    mkt_audit_report rep;
    rep.struct_size = sizeof rep;
    ck_assert_int_eq(mkt_audit_verify(ctx, &rep), MKT_OK);
    ck_assert_int_eq(rep.intact, 1);
    failalloc_resume(fa);
out:
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(audit_default_sink)
{
    ck_assert_int_gt(failalloc_run(audit_scenario, NULL), 3);
    failalloc_run_sticky(audit_scenario, NULL);
}
END_TEST

/* The harness itself must be able to fail: a scenario that leaks is caught. */
static int leaky_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    return MKT_OK; /* ctx never freed */
}

START_TEST(inner_leak)
{
    failalloc_run(leaky_scenario, NULL);
}
END_TEST

static int wrong_code_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return MKT_EIO; /* misreports the allocation failure */
    mkt_ctx_free(ctx);
    return MKT_OK;
}

START_TEST(inner_wrong_code)
{
    failalloc_run(wrong_code_scenario, NULL);
}
END_TEST

/* Run the two bad scenarios in an inner runner: both must be reported as failures. */
START_TEST(harness_detects_bad_scenarios)
{
    Suite *inner = suite_create("inner");
    TCase *tc = tcase_create("inner");
    tcase_add_test(tc, inner_leak);
    tcase_add_test(tc, inner_wrong_code);
    suite_add_tcase(inner, tc);
    SRunner *sr = srunner_create(inner);
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_SILENT);
    int failed = srunner_ntests_failed(sr);
    TestResult **res = srunner_failures(sr);
    int saw_leak = 0, saw_code = 0;
    for (int i = 0; i < failed; i++) {
        saw_leak |= strstr(tr_msg(res[i]), "leaked") != NULL;
        saw_code |= strstr(tr_msg(res[i]), "expected ENOMEM") != NULL;
    }
    free(res);
    srunner_free(sr);
    ck_assert_int_eq(failed, 2);
    ck_assert(saw_leak && saw_code);
    /* and the counters themselves */
    failalloc fa;
    failalloc_init(&fa);
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &fa.host, NULL), MKT_OK);
    ck_assert_int_gt(fa.live, 0);
    mkt_ctx_free(ctx);
    ck_assert_int_eq(fa.live, 0);
    ck_assert_int_eq(fa.failures, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("failalloc");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, ctx_new_free);
    tcase_add_test(tc, store_operations);
    tcase_add_test(tc, audit_default_sink);
    suite_add_tcase(s, tc);
    TCase *self = tcase_create("harness");
    tcase_add_test(self, harness_detects_bad_scenarios);
    suite_add_tcase(s, self);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
