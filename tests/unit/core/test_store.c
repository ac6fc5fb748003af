/* SPDX-License-Identifier: MIT */
/*
 * The built-in memory store against the store conformance suite, plus the public wrappers'
 * own duties: argument checks, error messages naming namespace and operation, the reply
 * object's rules, and misbehaving host stores.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_conformance.h"

static int memstore_ctx(mkt_ctx **out, void *data)
{
    (void)data;
    return mkt_ctx_new(out, NULL, NULL); /* no host store: the built-in memory store */
}

/* ---- a scriptable host store to exercise the wrappers ---------------------------------- */

struct fake {
    int rc;          /* what every callback returns */
    int reply_mode;  /* get: 0 none, 1 once, 2 twice, 3 version 0, 4 NULL value */
    int reply_rc;    /* what mkt_store_reply_set returned to the fake */
    int destroyed;
    int scan_visits; /* scan: visit this many synthetic keys first */
};

static int f_get(const char *ns, const char *key, size_t key_len, mkt_store_reply *reply,
                 void *ud)
{
    (void)ns;
    (void)key;
    (void)key_len;
    struct fake *f = ud;
    switch (f->reply_mode) {
    case 1: f->reply_rc = mkt_store_reply_set(reply, "val", 3, 7); break;
    case 2:
        mkt_store_reply_set(reply, "val", 3, 7);
        f->reply_rc = mkt_store_reply_set(reply, "again", 5, 8);
        break;
    case 3: f->reply_rc = mkt_store_reply_set(reply, "val", 3, 0); break;
    case 4: f->reply_rc = mkt_store_reply_set(reply, NULL, 3, 1); break;
    default: break;
    }
    return f->rc;
}

static int f_put(const char *ns, const char *key, size_t key_len, const void *value,
                 size_t value_len, uint64_t expected, uint64_t *nv, void *ud)
{
    (void)ns, (void)key, (void)key_len, (void)value, (void)value_len, (void)expected;
    *nv = 5;
    return ((struct fake *)ud)->rc;
}

static int f_del(const char *ns, const char *key, size_t key_len, uint64_t expected, void *ud)
{
    (void)ns, (void)key, (void)key_len, (void)expected;
    return ((struct fake *)ud)->rc;
}

static int f_incr(const char *ns, const char *key, size_t key_len, int64_t delta, int64_t limit,
                  int64_t *result, void *ud)
{
    (void)ns, (void)key, (void)key_len, (void)delta, (void)limit;
    *result = 99;
    return ((struct fake *)ud)->rc;
}

static int f_scan(const char *ns, const char *prefix, size_t prefix_len, mkt_store_visit_fn visit,
                  void *visit_data, void *ud)
{
    (void)ns, (void)prefix, (void)prefix_len;
    struct fake *f = ud;
    for (int i = 0; i < f->scan_visits; i++) {
        int rc = visit("k", 1, "v", 1, 1, visit_data);
        if (rc)
            return rc; /* passes a positive stop value through: the wrapper maps it to OK */
    }
    return f->rc;
}

static void f_destroy(void *ud)
{
    ((struct fake *)ud)->destroyed++;
}

static mkt_ctx *fake_ctx(struct fake *f)
{
    static mkt_store_ops ops;
    ops = (mkt_store_ops){ sizeof ops, f_get, f_put, f_del, f_incr, f_scan, f_destroy, f };
    mkt_host host = MKT_HOST_INIT;
    host.store = &ops;
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &host, NULL), MKT_OK);
    return ctx;
}

static const char *msg(mkt_ctx *ctx)
{
    return mkt_ctx_last_error(ctx)->message;
}

START_TEST(wrapper_argument_checks)
{
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    char *v = NULL;
    ck_assert_int_eq(mkt_store_get(NULL, "ns", "k", 1, &v, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_store_get(ctx, NULL, "k", 1, &v, NULL, NULL), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(msg(ctx), "namespace is NULL"));
    ck_assert_int_eq(mkt_store_get(ctx, "", "k", 1, &v, NULL, NULL), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(msg(ctx), "namespace is empty"));
    ck_assert_int_eq(mkt_store_put(ctx, "offers", NULL, 1, "v", 1, MKT_VERSION_ANY, NULL),
                     MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(msg(ctx), "put in 'offers': key is NULL"));
    ck_assert_int_eq(mkt_store_delete(ctx, "offers", "k", 0, MKT_VERSION_ANY), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(msg(ctx), "delete in 'offers': key is empty"));
    char big[MKT_STORE_MAX_KEY + 1];
    memset(big, 'x', sizeof big);
    ck_assert_int_eq(mkt_store_incr(ctx, "offers", big, sizeof big, 1, 1, NULL), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(msg(ctx), "incr in 'offers': key of 1025 bytes exceeds 1024"));
    ck_assert_int_eq(mkt_store_put(ctx, "offers", "k", 1, NULL, 3, MKT_VERSION_ANY, NULL),
                     MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(msg(ctx), "value is NULL"));
    ck_assert_int_eq(mkt_store_scan(NULL, "ns", NULL, 0, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_store_scan(ctx, "ns", big, sizeof big, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_store_get(ctx, "consent", "nobody", 6, &v, NULL, NULL), MKT_ENOTFOUND);
    ck_assert_str_eq(msg(ctx), "store get in 'consent': key not found");
    ck_assert_int_eq(mkt_store_incr(ctx, "offer.redemptions", "c1", 2, 5, 4, NULL), MKT_ELIMIT);
    ck_assert_str_eq(msg(ctx), "store incr in 'offer.redemptions': +5 would pass the limit 4");
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(store_errors_are_reported)
{
    struct fake f = { .rc = MKT_EIO, .reply_mode = 0 };
    mkt_ctx *ctx = fake_ctx(&f);
    char *v = NULL;
    ck_assert_int_eq(mkt_store_get(ctx, "journeys", "k", 1, &v, NULL, NULL), MKT_EIO);
    ck_assert_str_eq(msg(ctx), "store get in 'journeys' failed: input/output error");
    ck_assert_int_eq(mkt_store_put(ctx, "journeys", "k", 1, "v", 1, MKT_VERSION_ANY, NULL),
                     MKT_EIO);
    ck_assert_str_eq(msg(ctx), "store put in 'journeys' failed: input/output error");
    ck_assert_int_eq(mkt_store_delete(ctx, "journeys", "k", 1, 3), MKT_EIO);
    ck_assert_str_eq(msg(ctx), "store delete in 'journeys' failed: input/output error");
    int64_t r = 1;
    ck_assert_int_eq(mkt_store_incr(ctx, "journeys", "k", 1, 1, 3, &r), MKT_EIO);
    ck_assert_int_eq(r, 1); /* untouched on failure */
    ck_assert_str_eq(msg(ctx), "store incr in 'journeys' failed: input/output error");
    ck_assert_int_eq(mkt_store_scan(ctx, "journeys", "", 0, NULL, NULL), MKT_EINVAL);
    ck_assert_str_eq(msg(ctx), "store scan in 'journeys': visitor is NULL");
    mkt_ctx_free(ctx);
    ck_assert_int_eq(f.destroyed, 1);
}
END_TEST

static int stop_first(const char *k, size_t kl, const void *v, size_t vl, uint64_t ver, void *d)
{
    (void)k, (void)kl, (void)v, (void)vl, (void)ver;
    ++*(int *)d;
    return 1;
}

static int fail_with_message_ctx(const char *k, size_t kl, const void *v, size_t vl,
                                 uint64_t ver, void *d)
{
    (void)k, (void)kl, (void)v, (void)vl, (void)ver;
    (void)d;
    return MKT_EPARSE;
}

START_TEST(scan_wrapper_results)
{
    struct fake f = { .rc = MKT_EIO, .scan_visits = 1 };
    mkt_ctx *ctx = fake_ctx(&f);
    int n = 0;
    /* the store passes the visitor's stop value (1) through: still success */
    ck_assert_int_eq(mkt_store_scan(ctx, "audit", NULL, 0, stop_first, &n), MKT_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(mkt_store_scan(ctx, "audit", NULL, 0, fail_with_message_ctx, NULL),
                     MKT_EPARSE);
    ck_assert_str_eq(msg(ctx), "store scan in 'audit' aborted by the visitor: parse error");
    f.scan_visits = 0;
    ck_assert_int_eq(mkt_store_scan(ctx, "audit", NULL, 0, stop_first, &n), MKT_EIO);
    ck_assert_str_eq(msg(ctx), "store scan in 'audit' failed: input/output error");
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(reply_rules)
{
    ck_assert_int_eq(mkt_store_reply_set(NULL, "x", 1, 1), MKT_EINVAL);
    struct fake f = { .rc = MKT_OK, .reply_mode = 1 };
    mkt_ctx *ctx = fake_ctx(&f);
    char *v = NULL;
    size_t len = 0;
    uint64_t ver = 0;
    ck_assert_int_eq(mkt_store_get(ctx, "ns", "k", 1, &v, &len, &ver), MKT_OK);
    ck_assert_str_eq(v, "val");
    ck_assert_uint_eq(len, 3);
    ck_assert_uint_eq(ver, 7);
    mkt_free(v);
    /* a second reply is refused; the store ignoring that is reported */
    f.reply_mode = 2;
    ck_assert_int_eq(mkt_store_get(ctx, "ns", "k", 1, &v, &len, &ver), MKT_EINVAL);
    ck_assert_int_eq(f.reply_rc, MKT_EINVAL);
    ck_assert_ptr_null(v);
    f.reply_mode = 3; /* version 0 */
    ck_assert_int_eq(mkt_store_get(ctx, "ns", "k", 1, &v, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(f.reply_rc, MKT_EINVAL);
    f.reply_mode = 4; /* NULL value with a length */
    ck_assert_int_eq(mkt_store_get(ctx, "ns", "k", 1, &v, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(f.reply_rc, MKT_EINVAL);
    f.reply_mode = 0; /* success without a value: a broken store */
    ck_assert_int_eq(mkt_store_get(ctx, "ns", "k", 1, &v, NULL, NULL), MKT_EINTERNAL);
    ck_assert_ptr_nonnull(strstr(msg(ctx), "without a value"));
    /* a store that replied and then failed: the copy is released, the error returned */
    f.reply_mode = 1;
    f.rc = MKT_EUSER;
    ck_assert_int_eq(mkt_store_get(ctx, "ns", "k", 1, &v, NULL, NULL), MKT_EUSER);
    ck_assert_ptr_null(v);
    mkt_ctx_free(ctx);
}
END_TEST

static int count_keys(const char *key, size_t key_len, const void *value, size_t value_len,
                      uint64_t version, void *data)
{
    (void)key, (void)key_len, (void)value, (void)value_len, (void)version;
    ++*(long *)data;
    return 0;
}

START_TEST(host_store_must_be_complete)
{
    mkt_store_ops ops = { sizeof ops, f_get, f_put, NULL, f_incr, f_scan, NULL, NULL };
    mkt_host host = MKT_HOST_INIT;
    host.store = &ops;
    mkt_ctx *ctx = (mkt_ctx *)&ops;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &host, NULL), MKT_EINVAL);
    ck_assert_ptr_null(ctx);
}
END_TEST

/* The memory store's hash index (point operations) and its treap (scans) must agree with a
 * plain model through inserts, rewrites that grow a value past its inline room, counters and
 * deletions (which shift probe runs back): 200,000 random operations over 3,000 keys. */
START_TEST(memstore_index_matches_model)
{
    enum { NKEYS = 3000 };
    static int64_t model[NKEYS]; /* -1 absent, else the value's length (puts) or count */
    static int is_counter[NKEYS];
    for (int i = 0; i < NKEYS; i++)
        model[i] = -1, is_counter[i] = 0;
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    static char big[400];
    memset(big, 'v', sizeof big);
    uint64_t x = 88172645463325252u;
    long bad = 0;
    for (long n = 0; n < 200000; n++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
        int i = (int)(x % NKEYS), op = (int)((x >> 20) % 4);
        char key[16];
        int klen = snprintf(key, sizeof key, "k%d", i);
        if (op == 0) { /* put a value of 0..399 bytes */
            size_t len = (size_t)((x >> 32) % 400);
            bad += mkt_store_put(ctx, "m", key, (size_t)klen, big, len, MKT_VERSION_ANY,
                                 NULL) != MKT_OK;
            model[i] = (int64_t)len;
            is_counter[i] = 0;
        } else if (op == 1) {
            int rc = mkt_store_delete(ctx, "m", key, (size_t)klen, MKT_VERSION_ANY);
            bad += rc != (model[i] >= 0 ? MKT_OK : MKT_ENOTFOUND);
            model[i] = -1;
        } else if (op == 2 && (model[i] < 0 || is_counter[i])) {
            int64_t v;
            bad += mkt_store_incr(ctx, "m", key, (size_t)klen, 7, INT64_MAX, &v) != MKT_OK;
            model[i] = (model[i] < 0 ? 0 : model[i]) + 7;
            is_counter[i] = 1;
            bad += v != model[i];
        } else {
            char *v = NULL;
            size_t len = 0;
            int rc = mkt_store_get(ctx, "m", key, (size_t)klen, &v, &len, NULL);
            if (model[i] < 0)
                bad += rc != MKT_ENOTFOUND;
            else if (is_counter[i])
                bad += rc != MKT_OK || strtoll(v, NULL, 10) != model[i];
            else
                bad += rc != MKT_OK || len != (size_t)model[i];
            mkt_free(v);
        }
    }
    long seen = 0;
    ck_assert_int_eq(mkt_store_scan(ctx, "m", "", 0, count_keys, &seen), MKT_OK);
    long present = 0;
    for (int i = 0; i < NKEYS; i++)
        present += model[i] >= 0;
    ck_assert_int_eq(bad, 0);
    ck_assert_int_eq(seen, present);
    mkt_ctx_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("store");
    store_conformance_add(s, memstore_ctx, NULL);
    TCase *tc = tcase_create("wrappers");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, wrapper_argument_checks);
    tcase_add_test(tc, store_errors_are_reported);
    tcase_add_test(tc, scan_wrapper_results);
    tcase_add_test(tc, reply_rules);
    tcase_add_test(tc, host_store_must_be_complete);
    tcase_add_test(tc, memstore_index_matches_model);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
