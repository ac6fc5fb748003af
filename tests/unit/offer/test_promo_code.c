/* SPDX-License-Identifier: MIT */
/*
 * Promo-code normalization: canonical form, every rejection, output-size boundaries.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "offer/promo-private.h"

static mkt_ctx *new_ctx(void)
{
    mkt_ctx *ctx = NULL;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    return ctx;
}

START_TEST(test_normalize_canonical)
{
    mkt_ctx *ctx = new_ctx();
    char out[MKT_PROMO_MAX_LEN + 1];
    size_t len = 0;
    ck_assert_int_eq(mkt_promo_normalize(ctx, "summer24 - 7kq9", out, sizeof out, &len), MKT_OK);
    ck_assert_str_eq(out, "SUMMER247KQ9");
    ck_assert_uint_eq(len, 12);
    /* Other printable punctuation is kept; NULL out_len is allowed. */
    ck_assert_int_eq(mkt_promo_normalize(ctx, "a_b.c", out, sizeof out, NULL), MKT_OK);
    ck_assert_str_eq(out, "A_B.C");
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_normalize_errors)
{
    mkt_ctx *ctx = new_ctx();
    char out[8];
    ck_assert_int_eq(mkt_promo_normalize(NULL, "A", out, sizeof out, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_normalize(ctx, NULL, out, sizeof out, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_normalize(ctx, "A", NULL, 8, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_normalize(ctx, " - -", out, sizeof out, NULL), MKT_EINVAL);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(mkt_promo_normalize(ctx, "AB\tC", out, sizeof out, NULL), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "column 3"));
    ck_assert_int_eq(mkt_promo_normalize(ctx, "AB\xc3\xa9", out, sizeof out, NULL), MKT_EINVAL);
    /* out of 8 bytes holds 7 characters and the NUL: 7 fit, 8 do not. */
    ck_assert_int_eq(mkt_promo_normalize(ctx, "ABC-DEFG", out, sizeof out, NULL), MKT_OK);
    ck_assert_str_eq(out, "ABCDEFG");
    ck_assert_int_eq(mkt_promo_normalize(ctx, "ABCDEFGH", out, sizeof out, NULL), MKT_ERANGE);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(mkt_promo_normalize(ctx, "A", out, 0, NULL), MKT_ERANGE);
    /* 64 characters is the maximum, 65 is refused even with a big buffer. */
    char big[200], in[70];
    memset(in, 'x', 64);
    in[64] = '\0';
    ck_assert_int_eq(mkt_promo_normalize(ctx, in, big, sizeof big, NULL), MKT_OK);
    in[64] = 'x';
    in[65] = '\0';
    ck_assert_int_eq(mkt_promo_normalize(ctx, in, big, sizeof big, NULL), MKT_ERANGE);
    mkt_ctx_free(ctx);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("offer-promo-code");
    TCase *tc = tcase_create("normalize");
    tcase_add_test(tc, test_normalize_canonical);
    tcase_add_test(tc, test_normalize_errors);
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
