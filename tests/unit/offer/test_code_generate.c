/* SPDX-License-Identifier: MIT */
/*
 * Promo-code generation: distinct well-formed codes up to half the code space, the size error,
 * rejection sampling and redraws under a scripted random source, the bounded give-up, issuing
 * into the store (taken codes are skipped, a failing store rolls back), and allocation
 * failures.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "failalloc.h"
#include "offer/promo-private.h"

/* A scripted random source: the script's bytes, then zeros. */
typedef struct script {
    const uint8_t *bytes;
    size_t len, pos;
    int fail; /* return MKT_EUSER */
} script;

static int scripted_random(void *buf, size_t len, void *user_data)
{
    script *s = user_data;
    if (s->fail)
        return MKT_EUSER;
    uint8_t *out = buf;
    for (size_t i = 0; i < len; i++)
        out[i] = s->pos < s->len ? s->bytes[s->pos++] : 0;
    return MKT_OK;
}

static mkt_ctx *new_ctx(script *s)
{
    mkt_host host = MKT_HOST_INIT;
    if (s != NULL) {
        host.random = scripted_random;
        host.user_data = s;
    }
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &host, NULL), MKT_OK);
    return ctx;
}

static mkt_promo_format *format(mkt_ctx *ctx, const char *charset, int32_t length, int check)
{
    mkt_promo_options o = MKT_PROMO_OPTIONS_INIT;
    o.charset = charset;
    o.length = length;
    o.check_char = check;
    mkt_promo_format *f = NULL;
    int rc = mkt_promo_format_new(&f, ctx, &o);
    ck_assert_msg(rc == MKT_OK, "%s", mkt_ctx_last_error(ctx)->message);
    return f;
}

static size_t line_size = 5;

static int cmp_line(const void *a, const void *b)
{
    return memcmp(a, b, line_size);
}

/* 36^3 = 46656 codes; max_batch = 23328. Generating all of them exercises the load limit and
 * redraws (about a third of late draws hit a taken code). */
START_TEST(test_half_space_distinct_and_valid)
{
    mkt_ctx *ctx = new_ctx(NULL);
    mkt_promo_format *f = format(ctx, "alphanumeric", 3, 1);
    mkt_promo_entropy e;
    ck_assert_int_eq(mkt_promo_entropy_get(f, 0, &e), MKT_OK);
    ck_assert_uint_eq(e.max_batch, 23328);
    char *codes = NULL;
    size_t len = 0;
    ck_assert_int_eq(mkt_promo_generate(ctx, f, e.max_batch, NULL, &codes, &len), MKT_OK);
    ck_assert_uint_eq(len, 23328 * 5);
    ck_assert_uint_eq(strlen(codes), len);
    long bad = 0;
    for (size_t i = 0; i < 23328; i++) {
        mkt_promo_check_result r;
        mkt_promo_check(f, codes + i * 5, 4, &r);
        bad += !r.valid || codes[i * 5 + 4] != '\n';
    }
    ck_assert_int_eq(bad, 0);
    line_size = 5;
    qsort(codes, 23328, 5, cmp_line);
    for (size_t i = 1; i < 23328; i++)
        bad += memcmp(codes + (i - 1) * 5, codes + i * 5, 5) == 0;
    ck_assert_int_eq(bad, 0);
    mkt_free(codes);
    /* One more than half the space: refused with the space's size in the message. */
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 23329, NULL, &codes, &len), MKT_ERANGE);
    ck_assert_ptr_null(codes);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "46656"));
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 0, NULL, &codes, &len), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_generate(ctx, NULL, 1, NULL, &codes, &len), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 1, NULL, NULL, &len), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_generate(NULL, f, 1, NULL, &codes, &len), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 1, "", &codes, &len), MKT_EINVAL);
    mkt_promo_format_free(f);
    mkt_ctx_free(ctx);
}
END_TEST

/* Numeric (n = 10): bytes 250..255 are rejected (250 = 25 * 10 is the largest multiple of 10
 * in 0..256), so byte b gives digit b % 10 only below 250. Script: 250..255 skipped, then 17
 * -> '7', 17 -> '7' (a duplicate), 99 -> '9', and the duplicate is redrawn from 3 -> '3'. */
START_TEST(test_rejection_and_redraw)
{
    static const uint8_t bytes[] = {250, 251, 252, 253, 254, 255, 17, 17, 99, 3};
    script s = {bytes, sizeof bytes, 0, 0};
    mkt_ctx *ctx = new_ctx(&s);
    mkt_promo_format *f = format(ctx, "numeric", 1, 0);
    char *codes = NULL;
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 3, NULL, &codes, NULL), MKT_OK);
    /* The three codes are drawn together (7, 7, 9), then the duplicate is replaced. */
    ck_assert_str_eq(codes, "7\n3\n9\n");
    ck_assert_uint_eq(s.pos, sizeof bytes);
    mkt_free(codes);
    /* Only zeros from now on: the second code can never differ; give up after 64 draws. */
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 2, NULL, &codes, NULL), MKT_ELIMIT);
    ck_assert_ptr_null(codes);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "exhausted"));
    s.fail = 1;
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 1, NULL, &codes, NULL), MKT_EUSER);
    mkt_promo_format_free(f);
    mkt_ctx_free(ctx);
}
END_TEST

/* Spaces beyond 64 bits (36^13 > 2^64, 10^20 > 2^64): the set keeps code indexes and compares
 * the rendered lines. Distinct and valid; with only zero bytes the second 20-digit code is a
 * duplicate every time (ELIMIT), and a code taken in the store is never re-issued. */
START_TEST(test_unpacked_codes)
{
    mkt_ctx *ctx = new_ctx(NULL);
    mkt_promo_format *f = format(ctx, "alphanumeric", 13, 1);
    char *codes = NULL;
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 2000, NULL, &codes, NULL), MKT_OK);
    long bad = 0;
    for (size_t i = 0; i < 2000; i++) {
        mkt_promo_check_result r;
        mkt_promo_check(f, codes + i * 15, 14, &r);
        bad += !r.valid;
    }
    line_size = 15;
    qsort(codes, 2000, 15, cmp_line);
    for (size_t i = 1; i < 2000; i++)
        bad += memcmp(codes + (i - 1) * 15, codes + i * 15, 15) == 0;
    ck_assert_int_eq(bad, 0);
    mkt_free(codes);
    mkt_promo_format_free(f);
    mkt_ctx_free(ctx);

    script s = {NULL, 0, 0, 0};
    ctx = new_ctx(&s);
    f = format(ctx, "numeric", 20, 0);
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 1, "A", &codes, NULL), MKT_OK);
    ck_assert_str_eq(codes, "00000000000000000000\n");
    mkt_free(codes);
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 2, NULL, &codes, NULL), MKT_ELIMIT);
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 1, "B", &codes, NULL), MKT_ELIMIT);
    char *offer = NULL;
    ck_assert_int_eq(mkt_promo_lookup(ctx, "00000000000000000000", &offer, NULL), MKT_OK);
    ck_assert_str_eq(offer, "A");
    mkt_free(offer);
    mkt_promo_format_free(f);
    mkt_ctx_free(ctx);
}
END_TEST

/* A code already in the store is never issued again: "7" belongs to offer X; the script draws
 * 7 first, so the generator must move on to 3. */
START_TEST(test_issue_skips_taken_codes)
{
    static const uint8_t bytes[] = {17, 3};
    script s = {bytes, sizeof bytes, 0, 0};
    mkt_ctx *ctx = new_ctx(&s);
    mkt_promo_format *f = format(ctx, "numeric", 1, 0);
    ck_assert_int_eq(mkt_promo_bind(ctx, "7", "X", NULL), MKT_OK);
    char *codes = NULL, *offer = NULL, *customer = NULL;
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 1, "Y", &codes, NULL), MKT_OK);
    ck_assert_str_eq(codes, "3\n");
    mkt_free(codes);
    ck_assert_int_eq(mkt_promo_lookup(ctx, "3", &offer, &customer), MKT_OK);
    ck_assert_str_eq(offer, "Y");
    ck_assert_ptr_null(customer);
    mkt_free(offer);
    ck_assert_int_eq(mkt_promo_lookup(ctx, "7", &offer, NULL), MKT_OK);
    ck_assert_str_eq(offer, "X");
    mkt_free(offer);
    /* All zeros now: 0 is free once, then every draw is taken: ELIMIT, and the store keeps
     * only what was there (the call's own codes are rolled back: none were created). */
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 1, "Y", &codes, NULL), MKT_OK);
    ck_assert_str_eq(codes, "0\n");
    mkt_free(codes);
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 1, "Y", &codes, NULL), MKT_ELIMIT);
    mkt_promo_format_free(f);
    mkt_ctx_free(ctx);
}
END_TEST

/* Half the numeric 2-digit space is issued ("00".."49"); 10 more codes must come from the other
 * half: about half the draws hit a taken code and are redrawn, so the batch set grows past its
 * initial 16 slots (a full set would loop forever). */
START_TEST(test_issue_redraws_grow_the_set)
{
    mkt_ctx *ctx = new_ctx(NULL);
    mkt_promo_format *f = format(ctx, "numeric", 2, 0);
    for (int i = 0; i < 50; i++) {
        char code[3] = {(char)('0' + i / 10), (char)('0' + i % 10), '\0'};
        ck_assert_int_eq(mkt_promo_bind(ctx, code, "OLD", NULL), MKT_OK);
    }
    char *codes = NULL;
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 10, "NEW", &codes, NULL), MKT_OK);
    int bad = 0;
    line_size = 3;
    qsort(codes, 10, 3, cmp_line);
    for (int i = 0; i < 10; i++) {
        bad += codes[i * 3] < '5';
        bad += i > 0 && memcmp(codes + (i - 1) * 3, codes + i * 3, 3) == 0;
    }
    ck_assert_int_eq(bad, 0);
    mkt_free(codes);
    mkt_promo_format_free(f);
    mkt_ctx_free(ctx);
}
END_TEST

/* ---- a store that fails every put after the first @puts_ok (delegates to a memory store) */
typedef struct failstore {
    mkt_ctx *inner;
    int puts_ok;
} failstore;

static int fs_get(const char *ns, const char *key, size_t key_len, mkt_store_reply *reply,
                  void *ud)
{
    failstore *fs = ud;
    char *v = NULL;
    size_t vlen = 0;
    uint64_t ver = 0;
    int rc = mkt_store_get(fs->inner, ns, key, key_len, &v, &vlen, &ver);
    if (rc == MKT_OK)
        rc = mkt_store_reply_set(reply, v, vlen, ver);
    mkt_free(v);
    return rc;
}

static int fs_put(const char *ns, const char *key, size_t key_len, const void *value,
                  size_t value_len, uint64_t expected, uint64_t *new_version, void *ud)
{
    failstore *fs = ud;
    if (fs->puts_ok-- <= 0)
        return MKT_EIO;
    return mkt_store_put(fs->inner, ns, key, key_len, value, value_len, expected, new_version);
}

static int fs_del(const char *ns, const char *key, size_t key_len, uint64_t expected, void *ud)
{
    failstore *fs = ud;
    return mkt_store_delete(fs->inner, ns, key, key_len, expected);
}

static int fs_incr(const char *ns, const char *key, size_t key_len, int64_t delta, int64_t limit,
                   int64_t *result, void *ud)
{
    failstore *fs = ud;
    return mkt_store_incr(fs->inner, ns, key, key_len, delta, limit, result);
}

static int fs_scan(const char *ns, const char *prefix, size_t prefix_len, mkt_store_visit_fn visit,
                   void *visit_data, void *ud)
{
    failstore *fs = ud;
    return mkt_store_scan(fs->inner, ns, prefix, prefix_len, visit, visit_data);
}

static int count_key(const char *key, size_t key_len, const void *value, size_t value_len,
                     uint64_t version, void *data)
{
    (void)key, (void)key_len, (void)value, (void)value_len, (void)version;
    (*(int *)data)++;
    return 0;
}

START_TEST(test_issue_rolls_back_on_store_failure)
{
    failstore fs = {NULL, 3};
    ck_assert_int_eq(mkt_ctx_new(&fs.inner, NULL, NULL), MKT_OK);
    mkt_store_ops ops = {sizeof ops, fs_get, fs_put, fs_del, fs_incr, fs_scan, NULL, &fs};
    mkt_host host = MKT_HOST_INIT;
    host.store = &ops;
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &host, NULL), MKT_OK);
    mkt_promo_format *f = format(ctx, "alphanumeric", 6, 1);
    char *codes = NULL;
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 10, "SPRING", &codes, NULL), MKT_EIO);
    ck_assert_ptr_null(codes);
    int n = 0;
    ck_assert_int_eq(mkt_store_scan(fs.inner, MKT__PROMO_NS_CODE, "", 0, count_key, &n), MKT_OK);
    ck_assert_int_eq(n, 0); /* the three created codes were deleted again */
    fs.puts_ok = 1000;
    n = 0;
    ck_assert_int_eq(mkt_promo_generate(ctx, f, 10, "SPRING", &codes, NULL), MKT_OK);
    ck_assert_int_eq(mkt_store_scan(fs.inner, MKT__PROMO_NS_CODE, "", 0, count_key, &n), MKT_OK);
    ck_assert_int_eq(n, 10);
    mkt_free(codes);
    /* Binding writes the per-customer index, then the code; when the code's put fails the
     * index entry is removed again. */
    fs.puts_ok = 1;
    ck_assert_int_eq(mkt_promo_bind(ctx, "BDAY-1", "BDAY", "C7"), MKT_EIO);
    n = 0;
    ck_assert_int_eq(mkt_store_scan(fs.inner, MKT__PROMO_NS_CUSTOMER, "", 0, count_key, &n),
                     MKT_OK);
    ck_assert_int_eq(n, 0);
    mkt_promo_format_free(f);
    mkt_ctx_free(ctx);
    mkt_ctx_free(fs.inner);
}
END_TEST

static int generate_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_promo_options o = MKT_PROMO_OPTIONS_INIT;
    o.check_char = 1;
    o.prefix = "SUMMER-";
    mkt_promo_format *f = NULL;
    char *codes = NULL;
    rc = mkt_promo_format_new(&f, ctx, &o);
    if (rc == MKT_OK)
        rc = mkt_promo_generate(ctx, f, 50, "SUMMER", &codes, NULL);
    if (rc == MKT_OK)
        rc = mkt_promo_bind(ctx, "SUMMER-22222222", "SUMMER", "C1");
    char *offer = NULL, *customer = NULL, derived[MKT_PROMO_MAX_DISPLAY + 1];
    if (rc == MKT_OK)
        rc = mkt_promo_lookup(ctx, "summer-22222222", &offer, &customer);
    if (rc == MKT_OK)
        rc = mkt_promo_derive(ctx, f, "0123456789abcdef", 16, "SUMMER", "C1", derived,
                              sizeof derived, NULL);
    mkt_free(offer);
    mkt_free(customer);
    mkt_free(codes);
    mkt_promo_format_free(f);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(test_allocation_failures)
{
    failalloc_run(generate_scenario, NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("offer-code-generate");
    TCase *tc = tcase_create("generate");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_half_space_distinct_and_valid);
    tcase_add_test(tc, test_rejection_and_redraw);
    tcase_add_test(tc, test_unpacked_codes);
    tcase_add_test(tc, test_issue_skips_taken_codes);
    tcase_add_test(tc, test_issue_redraws_grow_the_set);
    tcase_add_test(tc, test_issue_rolls_back_on_store_failure);
    tcase_add_test(tc, test_allocation_failures);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
