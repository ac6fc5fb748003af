/* SPDX-License-Identifier: MIT */
/*
 * The check character: hand-worked values for each kind of group, the exhaustive proof that
 * every single substitution and every adjacent transposition is caught for every built-in
 * charset, the anti-symmetry self-test for every custom charset size, and the syntax check's
 * reasons.
 *
 * Why length 2 + check is enough (see lib/offer/code-algebra.c): a code is valid iff a group
 * product of per-position permutations is the identity; the characters outside the changed
 * positions contribute prefix and suffix factors that cancel, so whether a change is caught
 * depends only on the changed values and on delta, never on the rest of the code or on its
 * length. Length 3 exercises both kinds of adjacent pair (random/random and random/check).
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

static mkt_promo_format *format(mkt_ctx *ctx, const char *charset, int32_t length, int check)
{
    mkt_promo_options o;
    mkt_promo_options_init(&o);
    o.charset = charset;
    o.length = length;
    o.check_char = check;
    mkt_promo_format *f = NULL;
    int rc = mkt_promo_format_new(&f, ctx, &o);
    ck_assert_msg(rc == MKT_OK, "%s", mkt_ctx_last_error(ctx)->message);
    return f;
}

static int32_t reason_of(const mkt_promo_format *f, const char *code)
{
    mkt_promo_check_result r;
    ck_assert_int_eq(mkt_promo_check(f, code, strlen(code), &r), MKT_OK);
    ck_assert_int_eq(r.valid, r.reason == MKT_PROMO_VALID);
    return r.reason;
}

/* Hand-worked (notation of code-algebra.c; perm_0 = identity, perm_2 = delta^2):
 * - numeric, n = 10 = 2*5, dihedral D5, value x = f*5 + k. "12": perm_0(1) = r^1,
 *   perm_1(2) = delta(r^2) = r^(-3) = r^2, product r^3. delta^2 is the identity on D5 (rotation:
 *   -(-k-1)-1 = k; reflection: fixed), so the check c solves r^3 * c = e: c = r^2 = '2': "122".
 * - alphabetic, n = 26, D13. "AB": r^0 * delta(r^1) = r^(-2) = r^11; c = r^(-11) = r^2 = 'C'.
 * - unambiguous, n = 31, Z31, delta(x) = -x. "23" = values 0, 1: 0 + (-1) = 30; delta^2 = id,
 *   c = -30 = 1 = '3': "233".
 * - alphanumeric, n = 36 = 4*9, GF(4) x Z9, value x = o*4 + t, delta(t, o) = (w t, -o).
 *   "A0" = values 10 = (t 2, o 2) and 0: product (2, 2). c must satisfy
 *   (2, 2) + delta^2(c) = 0, delta^2(t, o) = (w^2 t, o), w^2 = w + 1 = 3 (x^2 = x + 1):
 *   w^2 t = 2 -> t = 2 * w = w^2 = 3 (w^3 = 1); o = -2 = 7; c = 7*4 + 3 = 31 = 'V': "A0V". */
START_TEST(test_hand_worked)
{
    mkt_ctx *ctx = new_ctx();
    static const struct {
        const char *charset, *valid, *typo;
    } cases[] = {
        {"numeric", "122", "123"},
        {"alphabetic", "ABC", "BAC"},
        {"unambiguous", "233", "323"},
        {"alphanumeric", "A0V", "A0W"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mkt_promo_format *f = format(ctx, cases[i].charset, 2, 1);
        ck_assert_msg(reason_of(f, cases[i].valid) == MKT_PROMO_VALID, "%s", cases[i].valid);
        ck_assert_int_eq(reason_of(f, cases[i].typo), MKT_PROMO_CHECK_CHAR);
        mkt_promo_format_free(f);
    }
    mkt_ctx_free(ctx);
}
END_TEST

/* Every code of 2 random characters + check, every single substitution at each of the three
 * positions, every swap of positions (0,1) and (1,2). n^2 * 3(n - 1 + 1) checks: 36^2 * 108. */
static void exhaustive(mkt_ctx *ctx, const char *charset)
{
    mkt_promo_format *f = format(ctx, charset, 2, 1);
    uint32_t n = f->n;
    long valid = 0, missed = 0;
    char code[4] = {0};
    mkt_promo_check_result r;
    for (uint32_t a = 0; a < n; a++) {
        for (uint32_t b = 0; b < n; b++) {
            uint8_t v[2] = {(uint8_t)a, (uint8_t)b};
            mkt__promo_render(f, v, code);
            mkt_promo_check(f, code, 3, &r);
            valid += r.valid;
            for (int pos = 0; pos < 3; pos++) {
                char keep = code[pos];
                for (uint32_t x = 0; x < n; x++) {
                    if (f->charset[x] == keep)
                        continue;
                    code[pos] = f->charset[x];
                    mkt_promo_check(f, code, 3, &r);
                    missed += r.valid;
                }
                code[pos] = keep;
            }
            for (int pos = 0; pos < 2; pos++) {
                if (code[pos] == code[pos + 1])
                    continue; /* not an error */
                char t = code[pos];
                code[pos] = code[pos + 1];
                code[pos + 1] = t;
                mkt_promo_check(f, code, 3, &r);
                missed += r.valid;
                code[pos + 1] = code[pos];
                code[pos] = t;
            }
        }
    }
    ck_assert_msg(valid == (long)n * n, "%s: %ld of %u generated codes valid", charset, valid,
                  n * n);
    ck_assert_msg(missed == 0, "%s: %ld typos not caught", charset, missed);
    mkt_promo_format_free(f);
}

START_TEST(test_exhaustive_builtin)
{
    mkt_ctx *ctx = new_ctx();
    exhaustive(ctx, "numeric");
    exhaustive(ctx, "alphabetic");
    exhaustive(ctx, "alphanumeric");
    exhaustive(ctx, "unambiguous");
    /* Custom sets of each group kind: odd (Z3), 2 mod 4 (D3), 4 (GF(4)), 8 (GF(8)), 64. */
    exhaustive(ctx, "XYZ");
    exhaustive(ctx, "ABCDEF");
    exhaustive(ctx, "ABCD");
    exhaustive(ctx, "ABCDEFGH");
    mkt_ctx_free(ctx);
}
END_TEST

/* Every size a custom set can have gets tables that pass the anti-symmetry test, and the
 * tables detect substitutions (each perm row is a permutation). Size 2 is refused. */
START_TEST(test_every_size)
{
    mkt_ctx *ctx = new_ctx();
    mkt__promo_algebra *a = malloc(sizeof *a);
    ck_assert_ptr_nonnull(a);
    int bad = 0;
    for (uint32_t n = 3; n <= MKT_PROMO_MAX_CHARSET; n++) {
        if (mkt__promo_algebra_build(ctx, a, n, 8) != MKT_OK || !mkt__promo_algebra_verify(a))
            bad++;
        for (uint32_t j = 0; j < MKT_PROMO_MAX_LEN; j++) {
            uint8_t seen[MKT_PROMO_MAX_CHARSET] = {0};
            for (uint32_t x = 0; x < n; x++)
                seen[a->perm[j][x]]++;
            for (uint32_t x = 0; x < n; x++)
                bad += seen[x] != 1;
        }
    }
    ck_assert_int_eq(bad, 0);
    ck_assert_int_eq(mkt__promo_algebra_build(ctx, a, 2, 8), MKT_EINVAL);
    /* A broken table is noticed by the self-test: make delta the identity. */
    ck_assert_int_eq(mkt__promo_algebra_build(ctx, a, 5, 8), MKT_OK);
    for (uint32_t x = 0; x < 5; x++)
        a->perm[1][x] = (uint8_t)x;
    ck_assert_int_eq(mkt__promo_algebra_verify(a), 0);
    free(a);
    mkt_promo_options o = MKT_PROMO_OPTIONS_INIT;
    o.charset = "XY";
    o.check_char = 1;
    mkt_promo_format *f = NULL;
    ck_assert_int_eq(mkt_promo_format_new(&f, ctx, &o), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(ctx)->message, "2 characters"));
    o.check_char = 0;
    ck_assert_int_eq(mkt_promo_format_new(&f, ctx, &o), MKT_OK);
    mkt_promo_format_free(f);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(test_reasons)
{
    mkt_ctx *ctx = new_ctx();
    mkt_promo_options o = MKT_PROMO_OPTIONS_INIT;
    o.charset = "numeric";
    o.prefix = "sum-";
    o.pattern = "##-#!";
    o.suffix = "x";
    o.check_char = 1;
    mkt_promo_format *f = NULL;
    ck_assert_int_eq(mkt_promo_format_new(&f, ctx, &o), MKT_OK);
    /* Canonical template: S U M # # # ! X (8). Check of "120": product r^3 (see above) times
     * perm_2(0) = delta^2(r^0) = r^0: r^3; c solves r^3 * delta^3(c) = e. delta^3 = delta:
     * delta(c) = r^2 -> c = r^k with -k-1 = 2, k = 2: '2'. */
    mkt_promo_check_result r;
    ck_assert_int_eq(reason_of(f, "SUM-12-02X"), MKT_PROMO_VALID);
    ck_assert_int_eq(reason_of(f, "sum 1202 x"), MKT_PROMO_VALID);
    ck_assert_int_eq(reason_of(f, "SUM-12-03X"), MKT_PROMO_CHECK_CHAR);
    ck_assert_int_eq(reason_of(f, "SUM-12-0X"), MKT_PROMO_TOO_SHORT);
    ck_assert_int_eq(reason_of(f, "SUM-12-022X"), MKT_PROMO_TOO_LONG);
    ck_assert_int_eq(reason_of(f, ""), MKT_PROMO_TOO_SHORT);
    ck_assert_int_eq(mkt_promo_check(f, "WIN-12-02X", 10, &r), MKT_OK);
    ck_assert_int_eq(r.reason, MKT_PROMO_LITERAL);
    ck_assert_int_eq(r.position, 1);
    ck_assert_int_eq(mkt_promo_check(f, "SUM-1A-02X", 10, &r), MKT_OK);
    ck_assert_int_eq(r.reason, MKT_PROMO_CHARSET);
    ck_assert_int_eq(r.position, 5);
    ck_assert_int_eq(mkt_promo_check(f, "SUM-12-0\x01X", 10, &r), MKT_OK);
    ck_assert_int_eq(r.reason, MKT_PROMO_BAD_BYTE);
    ck_assert_int_eq(r.position, 9);
    ck_assert_int_eq(mkt_promo_check(f, "SUM-12-03X", 10, &r), MKT_OK);
    ck_assert_int_eq(r.position, 7);
    /* Argument errors. */
    ck_assert_int_eq(mkt_promo_check(NULL, "A", 1, &r), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_check(f, NULL, 1, &r), MKT_EINVAL);
    ck_assert_int_eq(mkt_promo_check(f, "A", 1, NULL), MKT_EINVAL);
    ck_assert_str_eq(mkt_promo_reason_name(MKT_PROMO_CHECK_CHAR), "check_char");
    ck_assert_str_eq(mkt_promo_reason_name(MKT_PROMO_VALID), "valid");
    ck_assert_str_eq(mkt_promo_reason_name(7), "unknown");
    ck_assert_str_eq(mkt_promo_reason_name(-1), "unknown");
    mkt_promo_format_free(f);
    mkt_ctx_free(ctx);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("offer-code-check");
    TCase *tc = tcase_create("check");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_hand_worked);
    tcase_add_test(tc, test_exhaustive_builtin);
    tcase_add_test(tc, test_every_size);
    tcase_add_test(tc, test_reasons);
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
