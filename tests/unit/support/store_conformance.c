/* SPDX-License-Identifier: MIT */
/*
 * The store conformance tests (see store_conformance.h). Every rule of the contract in
 * include/libmarketing/store.h has at least one test here, and every failing outcome is
 * checked for "changed nothing" by reading the key back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_conformance.h"

static store_conformance_factory g_factory;
static void *g_data;

static mkt_ctx *fresh(void)
{
    mkt_ctx *ctx = NULL;
    int rc = g_factory(&ctx, g_data);
    ck_assert_msg(rc == MKT_OK && ctx, "store factory failed: %d (%s)", rc, mkt_strerror(rc));
    return ctx;
}

#define NS "conf.ns"
#define K(lit) lit, sizeof(lit) - 1

/* Assert that @key holds exactly (@value, @len) at @version. */
static void expect_value(mkt_ctx *ctx, const char *ns, const char *key, size_t key_len,
                         const char *value, size_t len, uint64_t version)
{
    char *v = NULL;
    size_t vlen = 99;
    uint64_t ver = 0;
    int rc = mkt_store_get(ctx, ns, key, key_len, &v, &vlen, &ver);
    ck_assert_msg(rc == MKT_OK, "get: %d (%s)", rc, mkt_ctx_last_error(ctx)->message);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(vlen, len);
    ck_assert_int_eq(memcmp(v, value, len), 0);
    ck_assert_int_eq(v[len], '\0');
    ck_assert_uint_eq(ver, version);
    mkt_free(v);
}

static void expect_absent(mkt_ctx *ctx, const char *ns, const char *key, size_t key_len)
{
    char *v = (char *)"sentinel";
    ck_assert_int_eq(mkt_store_get(ctx, ns, key, key_len, &v, NULL, NULL), MKT_ENOTFOUND);
    ck_assert_ptr_null(v);
}

static void put_ok(mkt_ctx *ctx, const char *ns, const char *key, size_t key_len,
                   const char *value, uint64_t expected, uint64_t want_version)
{
    uint64_t v = 0;
    int rc = mkt_store_put(ctx, ns, key, key_len, value, strlen(value), expected, &v);
    ck_assert_msg(rc == MKT_OK, "put: %d (%s)", rc, mkt_ctx_last_error(ctx)->message);
    ck_assert_uint_eq(v, want_version);
}

START_TEST(versions_start_at_one_and_grow)
{
    mkt_ctx *ctx = fresh();
    expect_absent(ctx, NS, K("k"));
    put_ok(ctx, NS, K("k"), "one", MKT_VERSION_ANY, 1);
    expect_value(ctx, NS, K("k"), K("one"), 1);
    put_ok(ctx, NS, K("k"), "two", MKT_VERSION_ANY, 2);
    put_ok(ctx, NS, K("k"), "three", 2, 3);
    expect_value(ctx, NS, K("k"), K("three"), 3);
    /* new_version, value, value_len and version are all optional */
    ck_assert_int_eq(mkt_store_put(ctx, NS, K("k"), "4", 1, MKT_VERSION_ANY, NULL), MKT_OK);
    ck_assert_int_eq(mkt_store_get(ctx, NS, K("k"), NULL, NULL, NULL), MKT_OK);
    uint64_t ver = 0;
    size_t len = 0;
    ck_assert_int_eq(mkt_store_get(ctx, NS, K("k"), NULL, &len, &ver), MKT_OK);
    ck_assert_uint_eq(ver, 4);
    ck_assert_uint_eq(len, 1);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(empty_and_binary_values)
{
    mkt_ctx *ctx = fresh();
    ck_assert_int_eq(mkt_store_put(ctx, NS, K("e"), NULL, 0, MKT_VERSION_ANY, NULL), MKT_OK);
    expect_value(ctx, NS, K("e"), "", 0, 1);
    ck_assert_int_eq(mkt_store_put(ctx, NS, K("e2"), "", 0, MKT_VERSION_ANY, NULL), MKT_OK);
    expect_value(ctx, NS, K("e2"), "", 0, 1);
    const char bin[] = { 'a', 0, (char)0xff, 0, (char)0x80, '\n' };
    ck_assert_int_eq(mkt_store_put(ctx, NS, K("b"), bin, sizeof bin, MKT_VERSION_ANY, NULL),
                     MKT_OK);
    expect_value(ctx, NS, K("b"), bin, sizeof bin, 1);
    /* a large value */
    size_t n = 1 << 20;
    char *big = malloc(n);
    ck_assert_ptr_nonnull(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)(i * 7);
    ck_assert_int_eq(mkt_store_put(ctx, NS, K("big"), big, n, MKT_VERSION_ANY, NULL), MKT_OK);
    expect_value(ctx, NS, K("big"), big, n, 1);
    free(big);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(cas_mismatch_changes_nothing)
{
    mkt_ctx *ctx = fresh();
    put_ok(ctx, NS, K("k"), "v1", MKT_VERSION_ANY, 1);
    put_ok(ctx, NS, K("k"), "v2", 1, 2);
    uint64_t nv = 77;
    ck_assert_int_eq(mkt_store_put(ctx, NS, K("k"), "x", 1, 1, &nv), MKT_ECONFLICT);
    ck_assert_int_eq(mkt_store_put(ctx, NS, K("k"), "x", 1, 3, &nv), MKT_ECONFLICT);
    ck_assert_int_eq(mkt_store_put(ctx, NS, K("k"), "x", 1, MKT_VERSION_ANY - 1, &nv),
                     MKT_ECONFLICT);
    ck_assert_int_eq(mkt_ctx_last_error(ctx)->code, MKT_ECONFLICT);
    expect_value(ctx, NS, K("k"), K("v2"), 2);
    /* an exact version on an absent key is a conflict and creates nothing */
    ck_assert_int_eq(mkt_store_put(ctx, NS, K("nope"), "x", 1, 1, NULL), MKT_ECONFLICT);
    expect_absent(ctx, NS, K("nope"));
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(create_only)
{
    mkt_ctx *ctx = fresh();
    put_ok(ctx, NS, K("c"), "first", MKT_VERSION_ABSENT, 1);
    ck_assert_int_eq(mkt_store_put(ctx, NS, K("c"), "second", 6, MKT_VERSION_ABSENT, NULL),
                     MKT_ECONFLICT);
    expect_value(ctx, NS, K("c"), K("first"), 1);
    ck_assert_int_eq(mkt_store_delete(ctx, NS, K("c"), MKT_VERSION_ANY), MKT_OK);
    put_ok(ctx, NS, K("c"), "again", MKT_VERSION_ABSENT, 1); /* versions restart */
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(delete_rules)
{
    mkt_ctx *ctx = fresh();
    ck_assert_int_eq(mkt_store_delete(ctx, NS, K("d"), MKT_VERSION_ANY), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_store_delete(ctx, NS, K("d"), 3), MKT_ECONFLICT);
    put_ok(ctx, NS, K("d"), "v", MKT_VERSION_ANY, 1);
    put_ok(ctx, NS, K("d"), "w", MKT_VERSION_ANY, 2);
    ck_assert_int_eq(mkt_store_delete(ctx, NS, K("d"), 1), MKT_ECONFLICT);
    ck_assert_int_eq(mkt_store_delete(ctx, NS, K("d"), 3), MKT_ECONFLICT);
    ck_assert_int_eq(mkt_store_delete(ctx, NS, K("d"), MKT_VERSION_ABSENT), MKT_ECONFLICT);
    expect_value(ctx, NS, K("d"), K("w"), 2);
    ck_assert_int_eq(mkt_store_delete(ctx, NS, K("d"), 2), MKT_OK);
    expect_absent(ctx, NS, K("d"));
    ck_assert_int_eq(mkt_store_delete(ctx, NS, K("d"), MKT_VERSION_ANY), MKT_ENOTFOUND);
    put_ok(ctx, NS, K("d"), "x", MKT_VERSION_ANY, 1);
    ck_assert_int_eq(mkt_store_delete(ctx, NS, K("d"), MKT_VERSION_ANY), MKT_OK);
    expect_absent(ctx, NS, K("d"));
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(namespaces_are_isolated)
{
    mkt_ctx *ctx = fresh();
    put_ok(ctx, "ns.a", K("k"), "in a", MKT_VERSION_ANY, 1);
    expect_absent(ctx, "ns.b", K("k"));
    put_ok(ctx, "ns.b", K("k"), "in b", MKT_VERSION_ANY, 1);
    put_ok(ctx, "ns.b", K("k"), "in b 2", MKT_VERSION_ANY, 2);
    expect_value(ctx, "ns.a", K("k"), K("in a"), 1);
    ck_assert_int_eq(mkt_store_delete(ctx, "ns.a", K("k"), MKT_VERSION_ANY), MKT_OK);
    expect_value(ctx, "ns.b", K("k"), K("in b 2"), 2);
    int64_t r;
    ck_assert_int_eq(mkt_store_incr(ctx, "ns.c", K("k"), 1, 10, &r), MKT_OK);
    ck_assert_int_eq(r, 1);
    expect_value(ctx, "ns.b", K("k"), K("in b 2"), 2);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(binary_keys_and_limits)
{
    mkt_ctx *ctx = fresh();
    const char k1[] = { 'a', 0, 'b' };
    const char k2[] = { 'a', 0, 'c' };
    const char k3[] = { (char)0xff, (char)0x80, 0 };
    ck_assert_int_eq(mkt_store_put(ctx, NS, k1, 3, "1", 1, MKT_VERSION_ANY, NULL), MKT_OK);
    ck_assert_int_eq(mkt_store_put(ctx, NS, k2, 3, "2", 1, MKT_VERSION_ANY, NULL), MKT_OK);
    ck_assert_int_eq(mkt_store_put(ctx, NS, k3, 3, "3", 1, MKT_VERSION_ANY, NULL), MKT_OK);
    expect_value(ctx, NS, k1, 3, "1", 1, 1);
    expect_value(ctx, NS, k2, 3, "2", 1, 1);
    expect_value(ctx, NS, k3, 3, "3", 1, 1);
    expect_absent(ctx, NS, "a", 1); /* "a" is not "a\0b" */
    expect_absent(ctx, NS, k1, 2);
    char key[MKT_STORE_MAX_KEY + 1];
    memset(key, 'k', sizeof key);
    ck_assert_int_eq(mkt_store_put(ctx, NS, key, MKT_STORE_MAX_KEY, "m", 1, MKT_VERSION_ANY,
                                   NULL), MKT_OK);
    expect_value(ctx, NS, key, MKT_STORE_MAX_KEY, "m", 1, 1);
    ck_assert_int_eq(mkt_store_put(ctx, NS, key, MKT_STORE_MAX_KEY + 1, "m", 1,
                                   MKT_VERSION_ANY, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_store_put(ctx, NS, key, 0, "m", 1, MKT_VERSION_ANY, NULL),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt_store_get(ctx, NS, NULL, 1, NULL, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_store_get(ctx, NULL, "k", 1, NULL, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_store_delete(ctx, NS, key, MKT_STORE_MAX_KEY + 1, MKT_VERSION_ANY),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt_store_incr(ctx, NS, key, 0, 1, 1, NULL), MKT_EINVAL);
    mkt_ctx_free(ctx);
}
END_TEST

static void incr_expect(mkt_ctx *ctx, const char *key, size_t key_len, int64_t delta,
                        int64_t limit, int want_rc, int64_t want_value)
{
    int64_t r = 12345;
    int rc = mkt_store_incr(ctx, NS, key, key_len, delta, limit, &r);
    ck_assert_msg(rc == want_rc, "incr(%lld, %lld): %d (%s), want %d", (long long)delta,
                  (long long)limit, rc, mkt_strerror(rc), want_rc);
    if (rc == MKT_OK)
        ck_assert_int_eq(r, want_value);
}

START_TEST(incr_bounds_upward)
{
    mkt_ctx *ctx = fresh();
    incr_expect(ctx, K("n"), 1, 100, MKT_OK, 1); /* absent counts as 0 */
    expect_value(ctx, NS, K("n"), K("1"), 1);
    incr_expect(ctx, K("n"), 5, 10, MKT_OK, 6);
    incr_expect(ctx, K("n"), 5, 10, MKT_ELIMIT, 0);
    ck_assert_int_eq(mkt_ctx_last_error(ctx)->code, MKT_ELIMIT);
    expect_value(ctx, NS, K("n"), K("6"), 2); /* unchanged, version too */
    incr_expect(ctx, K("n"), 4, 10, MKT_OK, 10); /* exactly the limit is allowed */
    incr_expect(ctx, K("n"), 1, 10, MKT_ELIMIT, 0);
    incr_expect(ctx, K("n"), 0, 10, MKT_OK, 10);  /* delta 0 still counts as an increment */
    expect_value(ctx, NS, K("n"), K("10"), 4);
    incr_expect(ctx, K("n"), 0, 9, MKT_ELIMIT, 0); /* already past a lower limit */
    /* an absent key whose first step passes the limit is not created */
    incr_expect(ctx, K("fresh"), 5, 4, MKT_ELIMIT, 0);
    expect_absent(ctx, NS, K("fresh"));
    /* NULL result is allowed */
    ck_assert_int_eq(mkt_store_incr(ctx, NS, K("n2"), 3, 3, NULL), MKT_OK);
    expect_value(ctx, NS, K("n2"), K("3"), 1);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(incr_bounds_downward)
{
    mkt_ctx *ctx = fresh();
    put_ok(ctx, NS, K("n"), "10", MKT_VERSION_ANY, 1);
    incr_expect(ctx, K("n"), -1, 0, MKT_OK, 9);
    incr_expect(ctx, K("n"), -10, 0, MKT_ELIMIT, 0);
    expect_value(ctx, NS, K("n"), K("9"), 2);
    incr_expect(ctx, K("n"), -9, 0, MKT_OK, 0); /* exactly the limit */
    incr_expect(ctx, K("n"), -1, 0, MKT_ELIMIT, 0);
    incr_expect(ctx, K("n"), -5, -100, MKT_OK, -5); /* counters may go negative */
    expect_value(ctx, NS, K("n"), K("-5"), 4);
    incr_expect(ctx, K("neg"), -3, -3, MKT_OK, -3);
    incr_expect(ctx, K("neg"), -1, -3, MKT_ELIMIT, 0);
    incr_expect(ctx, K("neg"), 2, 0, MKT_OK, -1);
    /* versions interleave with put: incr bumps the version like a put */
    put_ok(ctx, NS, K("mix"), "41", MKT_VERSION_ANY, 1);
    incr_expect(ctx, K("mix"), 1, 100, MKT_OK, 42);
    put_ok(ctx, NS, K("mix"), "7", 2, 3);
    incr_expect(ctx, K("mix"), 1, 100, MKT_OK, 8);
    expect_value(ctx, NS, K("mix"), K("8"), 4);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(incr_overflow_is_erange)
{
    mkt_ctx *ctx = fresh();
    put_ok(ctx, NS, K("max"), "9223372036854775807", MKT_VERSION_ANY, 1);
    incr_expect(ctx, K("max"), 1, INT64_MAX, MKT_ERANGE, 0);
    incr_expect(ctx, K("max"), INT64_MAX, INT64_MAX, MKT_ERANGE, 0);
    expect_value(ctx, NS, K("max"), K("9223372036854775807"), 1);
    incr_expect(ctx, K("max"), INT64_MIN, INT64_MIN, MKT_OK, -1);
    put_ok(ctx, NS, K("min"), "-9223372036854775808", MKT_VERSION_ANY, 1);
    incr_expect(ctx, K("min"), -1, INT64_MIN, MKT_ERANGE, 0);
    incr_expect(ctx, K("min"), INT64_MIN, INT64_MIN, MKT_ERANGE, 0);
    expect_value(ctx, NS, K("min"), K("-9223372036854775808"), 1);
    incr_expect(ctx, K("min"), INT64_MAX, INT64_MAX, MKT_OK, -1);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(incr_non_counter_is_etype)
{
    mkt_ctx *ctx = fresh();
    const char *bad[] = { "abc", "12x", "1.5", " 1", "1 ", "--1", "0x10",
                          "99999999999999999999" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        put_ok(ctx, NS, K("t"), bad[i], MKT_VERSION_ANY, i + 1);
        int64_t r;
        int rc = mkt_store_incr(ctx, NS, K("t"), 1, 100, &r);
        ck_assert_msg(rc == MKT_ETYPE, "'%s': %d", bad[i], rc);
        expect_value(ctx, NS, K("t"), bad[i], strlen(bad[i]), i + 1);
    }
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- scans ----------------------------------------------------------------------------- */

struct seen {
    int n;
    int stop_after;  /* > 0: return 1 after this many */
    int fail_at;     /* > 0: return MKT_EUSER at this visit */
    char keys[64][8];
    size_t lens[64];
    uint64_t versions[64];
};

static int record(const char *key, size_t key_len, const void *value, size_t value_len,
                  uint64_t version, void *data)
{
    struct seen *s = data;
    ck_assert_int_lt(s->n, 64);
    ck_assert_uint_le(key_len, 8);
    /* every value in these tests is the key's bytes */
    ck_assert_uint_eq(value_len, key_len);
    ck_assert_int_eq(memcmp(value, key, key_len), 0);
    memcpy(s->keys[s->n], key, key_len);
    s->lens[s->n] = key_len;
    s->versions[s->n] = version;
    s->n++;
    if (s->fail_at && s->n == s->fail_at)
        return MKT_EUSER;
    if (s->stop_after && s->n == s->stop_after)
        return 1;
    return 0;
}

/* Keys in the expected ascending unsigned byte order (shorter first on a common prefix). */
static const struct {
    const char *k;
    size_t len;
} sorted_keys[] = {
    { "\x00", 1 },    { "\x00\x00", 2 }, { "\x01", 1 },        { "A", 1 },
    { "a", 1 },       { "a\x00", 2 },    { "a\x00" "b", 3 },   { "ab", 2 },
    { "abc", 3 },     { "a\x7f", 2 },    { "a\x80", 2 },        { "b", 1 },
    { "\x7f", 1 },    { "\x80", 1 },     { "\x80\x00", 2 },    { "\xfe\xff", 2 },
    { "\xff", 1 },    { "\xff\x00", 2 }, { "\xff\xff\xff", 3 },
};
#define NSORTED (sizeof sorted_keys / sizeof sorted_keys[0])

static void load_sorted_keys(mkt_ctx *ctx)
{
    /* insert in a scrambled order */
    for (size_t i = 0; i < NSORTED; i++) {
        size_t j = (i * 7 + 3) % NSORTED;
        ck_assert_int_eq(mkt_store_put(ctx, NS, sorted_keys[j].k, sorted_keys[j].len,
                                       sorted_keys[j].k, sorted_keys[j].len, MKT_VERSION_ANY,
                                       NULL), MKT_OK);
    }
    /* give one key version 2 so versions are visible in scans */
    ck_assert_int_eq(mkt_store_put(ctx, NS, "b", 1, "b", 1, MKT_VERSION_ANY, NULL), MKT_OK);
}

START_TEST(scan_unsigned_byte_order)
{
    mkt_ctx *ctx = fresh();
    load_sorted_keys(ctx);
    ck_assert_int_eq(mkt_store_put(ctx, "other", K("a"), "a", 1, MKT_VERSION_ANY, NULL),
                     MKT_OK);
    struct seen s = { 0 };
    ck_assert_int_eq(mkt_store_scan(ctx, NS, NULL, 0, record, &s), MKT_OK);
    ck_assert_int_eq(s.n, (int)NSORTED);
    for (size_t i = 0; i < NSORTED; i++) {
        ck_assert_msg(s.lens[i] == sorted_keys[i].len &&
                          memcmp(s.keys[i], sorted_keys[i].k, s.lens[i]) == 0,
                      "position %zu out of order", i);
        ck_assert_uint_eq(s.versions[i], strcmp(sorted_keys[i].k, "b") == 0 ? 2 : 1);
    }
    struct seen e = { 0 };
    ck_assert_int_eq(mkt_store_scan(ctx, "empty.ns", "", 0, record, &e), MKT_OK);
    ck_assert_int_eq(e.n, 0);
    mkt_ctx_free(ctx);
}
END_TEST

static void expect_prefix(mkt_ctx *ctx, const char *prefix, size_t plen)
{
    struct seen s = { 0 };
    ck_assert_int_eq(mkt_store_scan(ctx, NS, prefix, plen, record, &s), MKT_OK);
    int n = 0;
    for (size_t i = 0; i < NSORTED; i++) {
        if (sorted_keys[i].len < plen || memcmp(sorted_keys[i].k, prefix, plen) != 0)
            continue;
        ck_assert_msg(n < s.n, "prefix scan missed key %zu", i);
        ck_assert(s.lens[n] == sorted_keys[i].len &&
                  memcmp(s.keys[n], sorted_keys[i].k, s.lens[n]) == 0);
        n++;
    }
    ck_assert_int_eq(s.n, n);
}

START_TEST(scan_prefix)
{
    mkt_ctx *ctx = fresh();
    load_sorted_keys(ctx);
    expect_prefix(ctx, "a", 1);      /* a, a\0, a\0b, ab, abc, a\x7f, a\x80 */
    expect_prefix(ctx, "a\x00", 2);  /* embedded NUL in the prefix */
    expect_prefix(ctx, "ab", 2);
    expect_prefix(ctx, "\xff", 1);
    expect_prefix(ctx, "\x80", 1);
    expect_prefix(ctx, "\x00", 1);
    expect_prefix(ctx, "zz", 2);     /* nothing */
    expect_prefix(ctx, "abcd", 4);   /* longer than every key */
    struct seen s = { 0 };
    ck_assert_int_eq(mkt_store_scan(ctx, NS, "a", 1, record, &s), MKT_OK);
    ck_assert_int_eq(s.n, 7);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(scan_early_stop_and_error)
{
    mkt_ctx *ctx = fresh();
    load_sorted_keys(ctx);
    struct seen s = { .stop_after = 2 };
    ck_assert_int_eq(mkt_store_scan(ctx, NS, NULL, 0, record, &s), MKT_OK);
    ck_assert_int_eq(s.n, 2);
    struct seen e = { .fail_at = 3 };
    ck_assert_int_eq(mkt_store_scan(ctx, NS, NULL, 0, record, &e), MKT_EUSER);
    ck_assert_int_eq(e.n, 3);
    ck_assert_int_eq(mkt_ctx_last_error(ctx)->code, MKT_EUSER);
    ck_assert_int_eq(mkt_store_scan(ctx, NS, NULL, 0, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_store_scan(ctx, NS, NULL, 2, record, &s), MKT_EINVAL);
    ck_assert_int_eq(mkt_store_scan(ctx, NULL, NULL, 0, record, &s), MKT_EINVAL);
    mkt_ctx_free(ctx);
}
END_TEST

struct count_state {
    int n;
    char last[16];
    size_t last_len;
};

static int count_sorted(const char *key, size_t key_len, const void *value, size_t value_len,
                        uint64_t version, void *data)
{
    (void)value;
    (void)value_len;
    (void)version;
    struct count_state *c = data;
    if (c->n > 0) {
        size_t m = key_len < c->last_len ? key_len : c->last_len;
        int r = memcmp(c->last, key, m);
        ck_assert(r < 0 || (r == 0 && c->last_len < key_len));
    }
    ck_assert_uint_lt(key_len, sizeof c->last);
    memcpy(c->last, key, key_len);
    c->last_len = key_len;
    c->n++;
    return 0;
}

START_TEST(scan_many_after_deletes)
{
    mkt_ctx *ctx = fresh();
    char key[16];
    const int n = 3000;
    for (int i = 0; i < n; i++) {
        unsigned x = (unsigned)(i * 2654435761u);
        int len = snprintf(key, sizeof key, "k%08x", x);
        ck_assert_int_eq(mkt_store_put(ctx, NS, key, (size_t)len, "v", 1, MKT_VERSION_ABSENT,
                                       NULL), MKT_OK);
    }
    struct count_state c = { 0 };
    ck_assert_int_eq(mkt_store_scan(ctx, NS, "k", 1, count_sorted, &c), MKT_OK);
    ck_assert_int_eq(c.n, n);
    for (int i = 0; i < n; i += 2) {
        unsigned x = (unsigned)(i * 2654435761u);
        int len = snprintf(key, sizeof key, "k%08x", x);
        ck_assert_int_eq(mkt_store_delete(ctx, NS, key, (size_t)len, 1), MKT_OK);
    }
    struct count_state d = { 0 };
    ck_assert_int_eq(mkt_store_scan(ctx, NS, NULL, 0, count_sorted, &d), MKT_OK);
    ck_assert_int_eq(d.n, n / 2);
    mkt_ctx_free(ctx);
}
END_TEST

void store_conformance_add(Suite *s, store_conformance_factory factory, void *data)
{
    if (g_factory != NULL || factory == NULL) {
        /* not inside a test: Check's asserts cannot report here */
        fprintf(stderr, "store_conformance_add: %s\n",
                factory ? "one provider per executable" : "factory is NULL");
        abort();
    }
    g_factory = factory;
    g_data = data;
    TCase *tc = tcase_create("store-conformance");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, versions_start_at_one_and_grow);
    tcase_add_test(tc, empty_and_binary_values);
    tcase_add_test(tc, cas_mismatch_changes_nothing);
    tcase_add_test(tc, create_only);
    tcase_add_test(tc, delete_rules);
    tcase_add_test(tc, namespaces_are_isolated);
    tcase_add_test(tc, binary_keys_and_limits);
    tcase_add_test(tc, incr_bounds_upward);
    tcase_add_test(tc, incr_bounds_downward);
    tcase_add_test(tc, incr_overflow_is_erange);
    tcase_add_test(tc, incr_non_counter_is_etype);
    tcase_add_test(tc, scan_unsigned_byte_order);
    tcase_add_test(tc, scan_prefix);
    tcase_add_test(tc, scan_early_stop_and_error);
    tcase_add_test(tc, scan_many_after_deletes);
    suite_add_tcase(s, tc);
}
