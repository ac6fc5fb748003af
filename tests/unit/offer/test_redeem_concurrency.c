/* SPDX-License-Identifier: MIT */
/*
 * Limits under concurrency: threads, each with its own context, redeem one offer through a
 * store they share (the built-in memory store behind a mutex, as a host's store would be
 * shared). With a total limit of K exactly K commits succeed. Then a store that fails once at
 * every operation in turn: whatever fails, the counters never fall below what the records
 * hold (a use is never handed out twice) and exceed it by at most the one give-back that
 * failed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "test_offer_util.h"

enum { THREADS = 8, PER_THREAD = 40, LIMIT = 37 };

struct worker {
    pthread_t tid;
    int index;
    int release_every; /* 0: commit every reservation; n: release every n-th instead */
    const mkt_offers *set;
    mkt_store_ops *ops;
    int commits, releases, errors;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    mkt_host host;
    mkt_host_init(&host);
    host.store = w->ops;
    mkt_ctx *ctx = NULL;
    mkt_offer_result *r = NULL;
    if (mkt_ctx_new(&ctx, &host, NULL) || mkt_offer_result_new(&r, ctx)) {
        w->errors++;
        mkt_ctx_free(ctx);
        return NULL;
    }
    /* (no Check assertions in threads: count, assert after join) */
    for (int i = 0; i < PER_THREAD; i++) {
        char customer[32], booking[32];
        snprintf(customer, sizeof customer, "C%d-%d", w->index, i);
        snprintf(booking, sizeof booking, "B%d-%d", w->index, i);
        mkt_offer_booking b = ref_booking();
        b.customer_id = customer;
        b.booking_id = booking;
        if (mkt_offers_reserve(w->set, ctx, "SUMMER24", &b, r) != MKT_OK) {
            w->errors++;
            continue;
        }
        if (!mkt_offer_result_valid(r))
            continue;
        int release = w->release_every && i % w->release_every == 0;
        int rc = release ? mkt_offers_release(w->set, ctx, "SUMMER24", customer, booking)
                         : mkt_offers_commit(w->set, ctx, "SUMMER24", customer, booking);
        if (rc != MKT_OK)
            w->errors++;
        else if (release)
            w->releases++;
        else
            w->commits++;
    }
    mkt_offer_result_free(r);
    mkt_ctx_free(ctx);
    return NULL;
}

struct records {
    int64_t held, committed, discount;
};

static int count_record(const char *key, size_t key_len, const void *value, size_t value_len,
                        uint64_t version, void *data)
{
    (void)key, (void)key_len, (void)version;
    struct records *c = data;
    const char *v = value;
    long long disc = 0;
    char text[64] = {0};
    memcpy(text, v, value_len < 63 ? value_len : 63);
    long long exp = 0;
    char state = 0;
    if (sscanf(text, "%c %lld %lld", &state, &exp, &disc) != 3)
        return MKT_ETYPE;
    if (v[0] == 'R' || v[0] == 'C') {
        c->held++;
        c->discount += disc;
    }
    c->committed += v[0] == 'C';
    return 0;
}

static struct records records_of(mkt_ctx *backing)
{
    struct records c = {0, 0, 0};
    ok(backing, mkt_store_scan(backing, "offer.redemption", "", 0, count_record, &c));
    return c;
}

static mkt_offers *limited_set(mkt_ctx *ctx, int64_t limit)
{
    mkt_offers *set = NULL;
    ok(ctx, mkt_offers_new(&set, ctx));
    mkt_offer *o = summer_offer(ctx);
    ok(ctx, mkt_offer_set_limit(o, MKT_OFFER_LIMIT_TOTAL, limit));
    ok(ctx, mkt_offers_add(set, o));
    return set;
}

static void hammer(int release_every)
{
    shared_store ss;
    pthread_mutex_init(&ss.mu, NULL);
    ck_assert_int_eq(mkt_ctx_new(&ss.backing, NULL, NULL), MKT_OK);
    mkt_store_ops ops = shared_store_ops(&ss);
    mkt_offers *set = limited_set(ss.backing, LIMIT);
    struct worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){0, i, release_every, set, &ops, 0, 0, 0};
        ck_assert_int_eq(pthread_create(&w[i].tid, NULL, work, &w[i]), 0);
    }
    int commits = 0, errors = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(w[i].tid, NULL);
        commits += w[i].commits;
        errors += w[i].errors;
    }
    ck_assert_int_eq(errors, 0);
    mkt_offer_usage u = {sizeof u, 0, 0, 0, 0, 0, 0};
    ok(ss.backing, mkt_offer_usage_get(ss.backing, "summer", NULL, &u));
    struct records c = records_of(ss.backing);
    if (!release_every) /* 320 attempts for 37 uses: exactly the limit is committed */
        ck_assert_int_eq(commits, LIMIT);
    ck_assert_int_le(commits, LIMIT);
    ck_assert_int_eq(u.held, commits);
    ck_assert_int_eq(u.redemptions, commits);
    ck_assert_int_eq(c.held, commits);
    ck_assert_int_eq(c.committed, commits);
    ck_assert_int_eq(u.budget_used, 3000 * (int64_t)commits);
    mkt_offers_free(set);
    mkt_ctx_free(ss.backing);
    pthread_mutex_destroy(&ss.mu);
}

START_TEST(test_threads_exactly_k)
{
    hammer(0);
}
END_TEST

START_TEST(test_threads_with_releases)
{
    hammer(3);
}
END_TEST

/* ---- a store failing once at operation number fail_at ----------------------------------- */

struct failing {
    shared_store ss;
    long ops, fail_at, failed;
};

static int fail_now(struct failing *f)
{
    if (f->ops++ == f->fail_at) {
        f->failed++;
        return 1;
    }
    return 0;
}

static int f_get(const char *ns, const char *k, size_t n, mkt_store_reply *r, void *ud)
{
    return fail_now(ud) ? MKT_EIO : ss_get(ns, k, n, r, &((struct failing *)ud)->ss);
}

static int f_put(const char *ns, const char *k, size_t n, const void *v, size_t vn, uint64_t e,
                 uint64_t *nv, void *ud)
{
    return fail_now(ud) ? MKT_EIO : ss_put(ns, k, n, v, vn, e, nv, &((struct failing *)ud)->ss);
}

static int f_del(const char *ns, const char *k, size_t n, uint64_t e, void *ud)
{
    return fail_now(ud) ? MKT_EIO : ss_del(ns, k, n, e, &((struct failing *)ud)->ss);
}

static int f_incr(const char *ns, const char *k, size_t n, int64_t d, int64_t l, int64_t *res,
                  void *ud)
{
    return fail_now(ud) ? MKT_EIO : ss_incr(ns, k, n, d, l, res, &((struct failing *)ud)->ss);
}

static int f_scan(const char *ns, const char *p, size_t pn, mkt_store_visit_fn v, void *vd,
                  void *ud)
{
    return fail_now(ud) ? MKT_EIO : ss_scan(ns, p, pn, v, vd, &((struct failing *)ud)->ss);
}

START_TEST(test_store_failures)
{
    long at;
    for (at = 0;; at++) {
        struct failing f = {{PTHREAD_MUTEX_INITIALIZER, NULL}, 0, at, 0};
        ck_assert_int_eq(mkt_ctx_new(&f.ss.backing, NULL, NULL), MKT_OK);
        mkt_store_ops ops = {sizeof ops, f_get, f_put, f_del, f_incr, f_scan, NULL, &f};
        mkt_time clock = 1790000000;
        mkt_host host;
        mkt_host_init(&host);
        host.store = &ops;
        host.now = test_clock;
        host.user_data = &clock;
        mkt_ctx *ctx = NULL;
        ck_assert_int_eq(mkt_ctx_new(&ctx, &host, NULL), MKT_OK);
        mkt_offers *set = limited_set(ctx, 5);
        mkt_offer_result *r = NULL;
        ok(ctx, mkt_offer_result_new(&r, ctx));
        mkt_offer_booking b = ref_booking();
        int rc[6];
        rc[0] = mkt_offers_reserve(set, ctx, "SUMMER24", &b, r);
        rc[1] = mkt_offers_commit(set, ctx, "SUMMER24", "C1", "B1");
        b.booking_id = "B2";
        rc[2] = mkt_offers_reserve(set, ctx, "SUMMER24", &b, r);
        rc[3] = mkt_offers_release(set, ctx, "SUMMER24", "C1", "B2");
        b.booking_id = "B3";
        rc[4] = mkt_offers_reserve(set, ctx, "SUMMER24", &b, r);
        clock += 1000;
        rc[5] = mkt_offers_sweep(ctx, NULL);
        for (int i = 0; i < 6; i++)
            ck_assert_msg(rc[i] == MKT_OK || rc[i] == MKT_EIO || rc[i] == MKT_ENOTFOUND,
                          "fail at %ld: step %d returned %d", at, i, rc[i]);
        mkt_offer_usage u = {sizeof u, 0, 0, 0, 0, 0, 0};
        ok(f.ss.backing, mkt_offer_usage_get(f.ss.backing, "summer", "C1", &u));
        struct records c = records_of(f.ss.backing);
        ck_assert_msg(u.held >= c.held && u.held <= c.held + 1, "fail at %ld: held %lld, "
                      "records %lld", at, (long long)u.held, (long long)c.held);
        ck_assert_int_ge(u.customer_uses, c.held);
        ck_assert_int_ge(u.budget_used, c.discount);
        if (f.failed == 0) { /* the run without failure: everything exact */
            ck_assert_int_eq(u.held, 1);
            ck_assert_int_eq(c.committed, 1);
            ck_assert_int_eq(u.budget_used, 3000);
        }
        long failed = f.failed;
        mkt_offer_result_free(r);
        mkt_offers_free(set);
        mkt_ctx_free(ctx);
        mkt_ctx_free(f.ss.backing);
        if (failed == 0)
            break;
    }
    /* Every operation of the scenario got its failure: 6 per reserve, commit and release
     * (record get + put, four counters), 7 for the sweep (its scan first). */
    ck_assert_int_eq(at, 37);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("redeem_concurrency");
    TCase *tc = tcase_create("concurrency");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_threads_exactly_k);
    tcase_add_test(tc, test_threads_with_releases);
    tcase_add_test(tc, test_store_failures);
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
