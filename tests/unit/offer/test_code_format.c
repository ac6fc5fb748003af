/* SPDX-License-Identifier: MIT */
/*
 * Promo codes: normalization (canonical form, every rejection, output-size boundaries), format
 * options and their errors, the entropy report, customer-bound derivation (known answer from
 * Python's hmac), binding and lookup in the store.
 */
#include <check.h>
#include <math.h>
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


static int format_rc(mkt_ctx *ctx, const char *charset, int32_t length, const char *pattern,
                     int check)
{
    mkt_promo_options o = MKT_PROMO_OPTIONS_INIT;
    o.charset = charset;
    o.length = length;
    o.pattern = pattern;
    o.check_char = check;
    mkt_promo_format *f = NULL;
    int rc = mkt_promo_format_new(&f, ctx, &o);
    ck_assert(rc == MKT_OK ? f != NULL : f == NULL);
    mkt_promo_format_free(f);
    return rc;
}

START_TEST(test_format_errors)
{
    mkt_ctx *ctx = new_ctx();
    mkt_promo_format *f = NULL;
    ck_assert_int_eq(mkt_promo_options_init(NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_format_new(NULL, ctx, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_format_new(&f, NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_format_new(&f, ctx, NULL), MKT_OK); /* defaults */
    mkt_promo_format_free(f);
    mkt_promo_format_free(NULL);
    ck_assert_int_eq(format_rc(ctx, "hex", 0, NULL, 0), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "not a built-in name"));
    ck_assert_int_eq(format_rc(ctx, "ABCA", 0, NULL, 0), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "column 4"));
    ck_assert_int_eq(format_rc(ctx, "AB-", 0, NULL, 0), MKT_EINVAL);
    ck_assert_int_eq(format_rc(ctx, "AB C", 0, NULL, 0), MKT_EINVAL);
    ck_assert_int_eq(format_rc(ctx, "A", 0, NULL, 0), MKT_EINVAL);
    ck_assert_int_eq(format_rc(ctx, "AB", 63, NULL, 0), MKT_OK);
    ck_assert_int_eq(format_rc(ctx, "AB", 64, NULL, 0), MKT_ERANGE);
    ck_assert_int_eq(format_rc(ctx, "AB", -1, NULL, 0), MKT_ERANGE);
    ck_assert_int_eq(format_rc(ctx, NULL, 63, NULL, 1), MKT_OK); /* 63 + check = 64 */
    char pattern[80];
    memset(pattern, '#', 64);
    pattern[64] = '\0';
    ck_assert_int_eq(format_rc(ctx, NULL, 0, pattern, 1), MKT_ERANGE); /* 64 + check */
    ck_assert_int_eq(format_rc(ctx, NULL, 0, "AB-##-!", 0), MKT_EINVAL); /* '!' without check */
    ck_assert_int_eq(format_rc(ctx, NULL, 0, "AB-##-!-!", 1), MKT_EINVAL);
    ck_assert_int_eq(format_rc(ctx, NULL, 0, "!##", 1), MKT_EINVAL);
    ck_assert_int_eq(format_rc(ctx, NULL, 0, "AB-\\", 0), MKT_EINVAL);
    ck_assert_int_eq(format_rc(ctx, NULL, 0, "ABC", 0), MKT_EINVAL); /* no '#' */
    ck_assert_int_eq(format_rc(ctx, NULL, 3, "##", 0), MKT_EINVAL);
    ck_assert_int_eq(format_rc(ctx, NULL, 2, "##", 0), MKT_OK);
    ck_assert_int_eq(format_rc(ctx, NULL, 0, "A\x01#", 0), MKT_EINVAL);
    mkt_promo_options o = MKT_PROMO_OPTIONS_INIT;
    o.check_char = 2;
    ck_assert_int_eq(mkt_promo_format_new(&f, ctx, &o), MKT_EINVAL);
    o.check_char = 0;
    o.struct_size = 1;
    ck_assert_int_eq(mkt_promo_format_new(&f, ctx, &o), MKT_EINVAL);
    mkt_ctx_free(ctx);
}
END_TEST

/* Escapes and literals: pattern "\#\!-##" gives codes "#!-XY" whose canonical form is "#!XY". */
START_TEST(test_pattern_escapes)
{
    mkt_ctx *ctx = new_ctx();
    mkt_promo_options o = MKT_PROMO_OPTIONS_INIT;
    o.charset = "numeric";
    o.pattern = "\\#\\!-##";
    mkt_promo_format *f = NULL;
    ck_assert_int_eq(mkt_promo_format_new(&f, ctx, &o), MKT_OK);
    mkt_promo_check_result r;
    ck_assert_int_eq(mkt_promo_check(f, "#!-12", 5, &r), MKT_OK);
    ck_assert_int_eq(r.valid, 1);
    ck_assert_int_eq(mkt_promo_check(f, "#!1", 3, &r), MKT_OK);
    ck_assert_int_eq(r.reason, MKT_PROMO_TOO_SHORT);
    mkt_promo_entropy e;
    ck_assert_int_eq(mkt_promo_entropy_get(f, 0, &e), MKT_OK);
    ck_assert_int_eq(e.code_len, 4);
    ck_assert_int_eq(e.display_len, 5);
    mkt_promo_format_free(f);
    mkt_ctx_free(ctx);
}
END_TEST

/* Default format (8 unambiguous characters): space 31^8 = 852,891,037,441; bits = 8 * log2(31)
 * = 8 * 4.954196310 = 39.63357; 1000 issued: 1000 / 852891037441 = 1.17248e-9; half the space
 * exceeds 2^32, so max_batch is 2^32. Numeric length 3: 1000 codes, half = 500. */
START_TEST(test_entropy)
{
    mkt_ctx *ctx = new_ctx();
    mkt_promo_format *f = NULL;
    ck_assert_int_eq(mkt_promo_format_new(&f, ctx, NULL), MKT_OK);
    mkt_promo_entropy e;
    ck_assert_int_eq(mkt_promo_entropy_get(f, 1000, &e), MKT_OK);
    ck_assert_int_eq(e.charset_size, 31);
    ck_assert_int_eq(e.random_chars, 8);
    ck_assert(e.space == 852891037441.0);
    ck_assert_double_eq_tol(e.bits, 39.63357, 1e-5);
    ck_assert_double_eq_tol(e.guess_probability, 1.17248e-9, 1e-13);
    ck_assert_uint_eq(e.max_batch, UINT64_C(4294967296));
    ck_assert_int_eq(mkt_promo_entropy_get(NULL, 0, &e), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_entropy_get(f, 0, NULL), MKT_EINVAL);
    mkt_promo_format_free(f);
    mkt_promo_options o = MKT_PROMO_OPTIONS_INIT;
    o.charset = "numeric";
    o.length = 3;
    ck_assert_int_eq(mkt_promo_format_new(&f, ctx, &o), MKT_OK);
    ck_assert_int_eq(mkt_promo_entropy_get(f, 0, &e), MKT_OK);
    ck_assert_uint_eq(e.max_batch, 500);
    mkt_promo_format_free(f);
    mkt_ctx_free(ctx);
}
END_TEST

/* Known answer, from Python:
 *   hmac.new(b"0123456789abcdef", b"mkt.promo.v1\0" + be32(4) + b"BDAY" + be32(7)
 *            + b"C000123" + be32(0), sha256).digest()
 *   = 85 b4 93 8f 33 28 31 97 ... = 133 180 147 143 51 40 49 151 ...
 * numeric keeps bytes < 250 and takes b % 10: 3 0 7 3 1 0 9 1 -> "30731091". */
START_TEST(test_derive)
{
    mkt_ctx *ctx = new_ctx();
    mkt_promo_options o = MKT_PROMO_OPTIONS_INIT;
    o.charset = "numeric";
    mkt_promo_format *f = NULL;
    ck_assert_int_eq(mkt_promo_format_new(&f, ctx, &o), MKT_OK);
    const char *key = "0123456789abcdef";
    char out[MKT_PROMO_MAX_DISPLAY + 1], other[MKT_PROMO_MAX_DISPLAY + 1];
    size_t len = 0;
    ck_assert_int_eq(mkt_promo_derive(ctx, f, key, 16, "BDAY", "C000123", out, sizeof out, &len),
                     MKT_OK);
    ck_assert_str_eq(out, "30731091");
    ck_assert_uint_eq(len, 8);
    /* Another customer, offer or key gives another code. */
    ck_assert_int_eq(mkt_promo_derive(ctx, f, key, 16, "BDAY", "C000124", other, sizeof other,
                                      NULL), MKT_OK);
    ck_assert_str_ne(out, other);
    ck_assert_int_eq(mkt_promo_derive(ctx, f, "0123456789abcdeg", 16, "BDAY", "C000123", other,
                                      sizeof other, NULL), MKT_OK);
    ck_assert_str_ne(out, other);
    /* Errors. */
    ck_assert_int_eq(mkt_promo_derive(ctx, f, key, 15, "BDAY", "C1", out, sizeof out, NULL),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_derive(ctx, f, key, 16, "", "C1", out, sizeof out, NULL),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_derive(ctx, f, key, 16, "BDAY", "", out, sizeof out, NULL),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_derive(ctx, f, key, 16, "BDAY", "C\n1", out, sizeof out, NULL),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_derive(ctx, f, key, 16, "BDAY", "C\xff", out, sizeof out, NULL),
                     MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_derive(ctx, f, key, 16, "BDAY", "C1", out, 8, NULL), MKT_ERANGE);
    ck_assert_int_eq(mkt_promo_derive(ctx, NULL, key, 16, "BDAY", "C1", out, 9, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_derive(NULL, f, key, 16, "BDAY", "C1", out, 9, NULL), MKT_EINVAL);
    mkt_promo_format_free(f);
    mkt_ctx_free(ctx);
}
END_TEST

static int collect(const char *key, size_t key_len, const void *value, size_t value_len,
                   uint64_t version, void *data)
{
    (void)value, (void)value_len, (void)version;
    char *buf = data;
    strncat(buf, key, key_len);
    strcat(buf, "|");
    return 0;
}

START_TEST(test_bind_lookup)
{
    mkt_ctx *ctx = new_ctx();
    char *offer = NULL, *customer = NULL;
    ck_assert_int_eq(mkt_promo_bind(ctx, "bday-3073 1091", "BDAY", "C000123"), MKT_OK);
    /* Idempotent with the same binding, refused with another. */
    ck_assert_int_eq(mkt_promo_bind(ctx, "BDAY30731091", "BDAY", "C000123"), MKT_OK);
    ck_assert_int_eq(mkt_promo_bind(ctx, "BDAY30731091", "BDAY", "C000999"), MKT_EEXIST);
    ck_assert_int_eq(mkt_promo_bind(ctx, "BDAY30731091", "OTHER", NULL), MKT_EEXIST);
    ck_assert_int_eq(mkt_promo_lookup(ctx, "Bday-30731091", &offer, &customer), MKT_OK);
    ck_assert_str_eq(offer, "BDAY");
    ck_assert_str_eq(customer, "C000123");
    mkt_free(offer);
    mkt_free(customer);
    /* The per-customer index holds exactly the bound code (the refused ones left nothing). */
    char keys[256] = "";
    ck_assert_int_eq(mkt_store_scan(ctx, MKT__PROMO_NS_CUSTOMER, "", 0, collect, keys), MKT_OK);
    ck_assert_str_eq(keys, "C000123\x1f" "BDAY30731091|");
    ck_assert_int_eq(mkt_promo_lookup(ctx, "NOPE", &offer, &customer), MKT_ENOTFOUND);
    ck_assert_ptr_null(offer);
    ck_assert_int_eq(mkt_promo_lookup(ctx, "NOPE", NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_lookup(ctx, NULL, &offer, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_lookup(NULL, "X", &offer, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_lookup(ctx, "\x01", &offer, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_bind(ctx, "X1", "A\x1f" "B", NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_bind(ctx, "X1", "", NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_bind(ctx, NULL, "A", NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_bind(ctx, "X1", NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_bind(ctx, "X1", "A", "\x01"), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_bind(ctx, " ", "A", NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_bind(NULL, "X1", "A", NULL), MKT_EINVAL);
    mkt_ctx_free(ctx);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("offer-code-format");
    TCase *tc = tcase_create("normalize");
    tcase_add_test(tc, test_normalize_canonical);
    tcase_add_test(tc, test_normalize_errors);
    tcase_add_test(tc, test_format_errors);
    tcase_add_test(tc, test_pattern_escapes);
    tcase_add_test(tc, test_entropy);
    tcase_add_test(tc, test_derive);
    tcase_add_test(tc, test_bind_lookup);
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
