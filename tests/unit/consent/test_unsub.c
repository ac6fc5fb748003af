/* SPDX-License-Identifier: MIT */
/*
 * RFC 8058 one-click unsubscribe: the token against an independently computed one (Python
 * hmac/base64), the header lines, every byte of a token tampered, expiry, a wrong secret,
 * malformed tokens, applying through the consent API, argument errors and failures.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "failalloc.h"
#include "test_privacy_store.h"

static const uint8_t SECRET[] = "0123456789abcdef-host-secret"; /* 28 bytes + NUL */
#define SECRET_LEN 28

static mkt_unsub_spec spec(void)
{
    mkt_unsub_spec s;
    ck_assert_int_eq(mkt_unsub_spec_init(&s), MKT_OK);
    s.secret = SECRET;
    s.secret_len = SECRET_LEN;
    s.customer_id = "C000123";
    s.channel = MKT_CHANNEL_EMAIL;
    s.topic = "deals";
    s.expires = 1700086400;
    s.url = "https://example.com/u";
    s.mailto = "unsub@example.com";
    return s;
}

static mkt_ctx *new_ctx(void)
{
    mkt_host h = MKT_HOST_INIT;
    h.now = fixed_clock_1700;
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_OK);
    return ctx;
}

/* python3:
 *   import hmac, hashlib, base64
 *   b = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=").decode()
 *   p = b("1\x1fC000123\x1f1\x1fdeals\x1f1700086400".encode())
 *   m = b(hmac.new(b"0123456789abcdef-host-secret", b"mkt-unsub-1." + p.encode(),
 *                  hashlib.sha256).digest())
 *   print(p + "." + m) */
static const char WANT_TOKEN[] = "MR9DMDAwMTIzHzEfZGVhbHMfMTcwMDA4NjQwMA."
                                 "Q8ouf8YtaE0MtQBFZyVOQgOr_Ar_UtWWIpjxQKKi0s8";

START_TEST(token_matches_independent_computation)
{
    mkt_ctx *ctx = new_ctx();
    mkt_unsub_spec s = spec();
    char *tok = NULL;
    ck_assert_int_eq(mkt_unsub_token(ctx, &s, &tok), MKT_OK);
    ck_assert_str_eq(tok, WANT_TOKEN);
    char *hdr = NULL;
    ck_assert_int_eq(mkt_unsub_headers(ctx, &s, &hdr), MKT_OK);
    char want[512];
    snprintf(want, sizeof want, "List-Unsubscribe: <https://example.com/u?t=%s>, "
             "<mailto:unsub@example.com?subject=unsubscribe>\r\n"
             "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n", WANT_TOKEN);
    ck_assert_str_eq(hdr, want);
    mkt_free(hdr);
    /* a URL with a query gets "&t="; no mailto: one entry */
    s.url = "https://example.com/u?list=7";
    s.mailto = NULL;
    ck_assert_int_eq(mkt_unsub_headers(ctx, &s, &hdr), MKT_OK);
    snprintf(want, sizeof want, "List-Unsubscribe: <https://example.com/u?list=7&t=%s>\r\n"
             "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n", WANT_TOKEN);
    ck_assert_str_eq(hdr, want);
    mkt_free(hdr);
    mkt_unsub_result r;
    r.struct_size = sizeof r;
    ck_assert_int_eq(mkt_unsub_verify(ctx, SECRET, SECRET_LEN, tok, 0, &r), MKT_OK);
    ck_assert_int_eq(r.status, MKT_UNSUB_VALID);
    ck_assert_str_eq(r.customer_id, "C000123");
    ck_assert_str_eq(r.topic, "deals");
    ck_assert_int_eq(r.channel, MKT_CHANNEL_EMAIL);
    ck_assert_int_eq(r.expires, 1700086400);
    mkt_free(tok);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(every_tampered_byte_is_rejected)
{
    mkt_ctx *ctx = new_ctx();
    char tok[256];
    snprintf(tok, sizeof tok, "%s", WANT_TOKEN);
    size_t n = strlen(tok);
    int bad = 0;
    mkt_unsub_result r;
    r.struct_size = sizeof r;
    for (size_t i = 0; i < n; i++) {
        char keep = tok[i];
        static const char subs[] = "A_.x";
        for (const char *c = subs; *c; c++) {
            if (*c == keep)
                continue;
            tok[i] = *c;
            ck_assert_int_eq(mkt_unsub_verify(ctx, SECRET, SECRET_LEN, tok, 0, &r), MKT_OK);
            bad += r.status == MKT_UNSUB_VALID || r.customer_id[0] != '\0';
        }
        tok[i] = keep;
    }
    ck_assert_int_eq(bad, 0);
    /* truncated and extended */
    tok[n - 1] = '\0';
    ck_assert_int_eq(mkt_unsub_verify(ctx, SECRET, SECRET_LEN, tok, 0, &r), MKT_OK);
    ck_assert_int_eq(r.status, MKT_UNSUB_MALFORMED);
    snprintf(tok, sizeof tok, "%sA", WANT_TOKEN);
    ck_assert_int_eq(mkt_unsub_verify(ctx, SECRET, SECRET_LEN, tok, 0, &r), MKT_OK);
    ck_assert_int_eq(r.status, MKT_UNSUB_MALFORMED);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(expiry_secret_and_malformed)
{
    mkt_ctx *ctx = new_ctx();
    mkt_unsub_result r;
    r.struct_size = sizeof r;
    /* expires 1700086400: valid at that second, expired one later */
    ck_assert_int_eq(mkt_unsub_verify(ctx, SECRET, SECRET_LEN, WANT_TOKEN, 1700086400, &r),
                     MKT_OK);
    ck_assert_int_eq(r.status, MKT_UNSUB_VALID);
    ck_assert_int_eq(mkt_unsub_verify(ctx, SECRET, SECRET_LEN, WANT_TOKEN, 1700086401, &r),
                     MKT_OK);
    ck_assert_int_eq(r.status, MKT_UNSUB_EXPIRED);
    ck_assert_str_eq(r.customer_id, "");
    static const uint8_t other[] = "0123456789abcdef-other-secret";
    ck_assert_int_eq(mkt_unsub_verify(ctx, other, SECRET_LEN, WANT_TOKEN, 0, &r), MKT_OK);
    ck_assert_int_eq(r.status, MKT_UNSUB_BAD_SIGNATURE);
    static const char *const junk[] = { "", ".", "abc", "abc.def", "!!!!.!!!!",
                                        "YWJj.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        ck_assert_int_eq(mkt_unsub_verify(ctx, SECRET, SECRET_LEN, junk[i], 0, &r), MKT_OK);
        ck_assert_msg(r.status == MKT_UNSUB_MALFORMED || r.status == MKT_UNSUB_BAD_SIGNATURE,
                      "'%s' gave %d", junk[i], r.status);
    }
    /* a default expiry: the clock + 60 days */
    mkt_unsub_spec s = spec();
    s.expires = 0;
    s.topic = NULL;
    char *tok = NULL;
    ck_assert_int_eq(mkt_unsub_token(ctx, &s, &tok), MKT_OK);
    ck_assert_int_eq(mkt_unsub_verify(ctx, SECRET, SECRET_LEN, tok, 0, &r), MKT_OK);
    ck_assert_int_eq(r.status, MKT_UNSUB_VALID);
    ck_assert_int_eq(r.expires, 1700000000 + 60 * 86400);
    ck_assert_str_eq(r.topic, "");
    mkt_free(tok);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(apply_goes_through_consent)
{
    mkt_ctx *ctx = new_ctx();
    mkt_unsub_spec s = spec();
    s.topic = NULL;
    s.expires = 1800000000;
    char *tok = NULL;
    ck_assert_int_eq(mkt_unsub_token(ctx, &s, &tok), MKT_OK);
    mkt_unsub_result r;
    r.struct_size = sizeof r;
    ck_assert_int_eq(mkt_unsub_apply(ctx, SECRET, SECRET_LEN, tok, NULL, &r), MKT_OK);
    ck_assert_int_eq(r.applied, 1);
    int32_t found = 0;
    ck_assert_int_eq(mkt_dnc_has(ctx, "C000123", MKT_CHANNEL_EMAIL, MKT_DNC_UNSUBSCRIBE, &found),
                     MKT_OK);
    ck_assert_int_eq(found, 1);
    /* twice is harmless */
    ck_assert_int_eq(mkt_unsub_apply(ctx, SECRET, SECRET_LEN, tok, "mail-gw", &r), MKT_OK);
    ck_assert_int_eq(r.applied, 1);
    mkt_free(tok);
    /* a topic token excludes the topic, without a DNC entry */
    s.customer_id = "C9";
    s.topic = "deals";
    ck_assert_int_eq(mkt_unsub_token(ctx, &s, &tok), MKT_OK);
    ck_assert_int_eq(mkt_unsub_apply(ctx, SECRET, SECRET_LEN, tok, NULL, &r), MKT_OK);
    ck_assert_int_eq(r.applied, 1);
    ck_assert_int_eq(mkt_dnc_has(ctx, "C9", MKT_CHANNEL_EMAIL, 0, &found), MKT_OK);
    ck_assert_int_eq(found, 0);
    char *json = NULL;
    ck_assert_int_eq(mkt_privacy_export(ctx, "C9", NULL, &json), MKT_OK);
    ck_assert_ptr_nonnull(strstr(json, "{\"topic\":\"deals\",\"choice\":\"excluded\"}"));
    mkt_free(json);
    mkt_free(tok);
    /* a rejected token applies nothing */
    ck_assert_int_eq(mkt_unsub_apply(ctx, SECRET, SECRET_LEN, "abc.def", NULL, &r), MKT_OK);
    ck_assert_int_eq(r.applied, 0);
    ck_assert_int_eq(r.status, MKT_UNSUB_MALFORMED);
    mkt_audit_report rep;
    rep.struct_size = sizeof rep;
    ck_assert_int_eq(mkt_audit_verify(ctx, &rep), MKT_OK);
    ck_assert_int_eq(rep.intact, 1);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(argument_errors)
{
    mkt_ctx *ctx = new_ctx();
    mkt_unsub_spec s = spec();
    char *out = NULL;
    ck_assert_int_eq(mkt_unsub_spec_init(NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_unsub_token(NULL, &s, &out), MKT_EINVAL);
    ck_assert_int_eq(mkt_unsub_token(ctx, NULL, &out), MKT_EINVAL);
    ck_assert_int_eq(mkt_unsub_token(ctx, &s, NULL), MKT_EINVAL);
    s.secret_len = 15;
    ck_assert_int_eq(mkt_unsub_token(ctx, &s, &out), MKT_EINVAL);
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->message,
                     "unsubscribe token: secret must have at least 16 bytes (has 15)");
    s = spec();
    s.customer_id = "";
    ck_assert_int_eq(mkt_unsub_token(ctx, &s, &out), MKT_EINVAL);
    s = spec();
    s.channel = 9;
    ck_assert_int_eq(mkt_unsub_token(ctx, &s, &out), MKT_EINVAL);
    s.channel = 0;
    ck_assert_int_eq(mkt_unsub_token(ctx, &s, &out), MKT_EINVAL);
    s = spec();
    s.topic = "";
    ck_assert_int_eq(mkt_unsub_token(ctx, &s, &out), MKT_EINVAL);
    s = spec();
    s.url = "http://example.com/u";
    ck_assert_int_eq(mkt_unsub_headers(ctx, &s, &out), MKT_EINVAL);
    s.url = "https://example.com/a b";
    ck_assert_int_eq(mkt_unsub_headers(ctx, &s, &out), MKT_EINVAL);
    s.url = NULL;
    ck_assert_int_eq(mkt_unsub_headers(ctx, &s, &out), MKT_EINVAL);
    s = spec();
    s.mailto = "no-at-sign";
    ck_assert_int_eq(mkt_unsub_headers(ctx, &s, &out), MKT_EINVAL);
    s.mailto = "a@b\r\nBcc: x@y";
    ck_assert_int_eq(mkt_unsub_headers(ctx, &s, &out), MKT_EINVAL);
    ck_assert_int_eq(mkt_unsub_headers(NULL, &s, &out), MKT_EINVAL);
    ck_assert_int_eq(mkt_unsub_headers(ctx, &s, NULL), MKT_EINVAL);
    ck_assert_ptr_null(out);
    mkt_unsub_result r;
    r.struct_size = sizeof r;
    ck_assert_int_eq(mkt_unsub_verify(NULL, SECRET, SECRET_LEN, "a.b", 0, &r), MKT_EINVAL);
    ck_assert_int_eq(mkt_unsub_verify(ctx, SECRET, SECRET_LEN, "a.b", 0, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_unsub_verify(ctx, SECRET, 8, "a.b", 0, &r), MKT_EINVAL);
    ck_assert_int_eq(mkt_unsub_verify(ctx, NULL, SECRET_LEN, "a.b", 0, &r), MKT_EINVAL);
    ck_assert_int_eq(mkt_unsub_verify(ctx, SECRET, SECRET_LEN, NULL, 0, &r), MKT_EINVAL);
    r.struct_size = 4;
    ck_assert_int_eq(mkt_unsub_verify(ctx, SECRET, SECRET_LEN, "a.b", 0, &r), MKT_EINVAL);
    ck_assert_int_eq(mkt_unsub_apply(ctx, SECRET, SECRET_LEN, "a.b", NULL, NULL), MKT_EINVAL);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(apply_with_failing_store)
{
    for (long at = 0; at < 10; at++) {
        faultstore f;
        faultstore_init(&f);
        mkt_ctx *ctx = faultstore_ctx(&f);
        mkt_unsub_spec s = spec();
        s.topic = NULL;
        s.expires = 1800000000;
        char *tok = NULL;
        ck_assert_int_eq(mkt_unsub_token(ctx, &s, &tok), MKT_OK);
        faultstore_arm(&f, at, 1);
        mkt_unsub_result r;
        r.struct_size = sizeof r;
        int rc = mkt_unsub_apply(ctx, SECRET, SECRET_LEN, tok, NULL, &r);
        ck_assert(rc == MKT_OK || rc == MKT_EIO);
        ck_assert_int_eq(r.applied, rc == MKT_OK);
        faultstore_arm(&f, -1, 0);
        ck_assert_int_eq(mkt_unsub_apply(ctx, SECRET, SECRET_LEN, tok, NULL, &r), MKT_OK);
        ck_assert_int_eq(r.applied, 1);
        mkt_free(tok);
        mkt_ctx_free(ctx);
        faultstore_free(&f);
    }
}
END_TEST

static int token_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    fa->host.now = fixed_clock_1700;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    mkt_unsub_spec s = spec();
    char *tok = NULL, *hdr = NULL;
    rc = mkt_unsub_token(ctx, &s, &tok);
    if (rc == MKT_OK)
        rc = mkt_unsub_headers(ctx, &s, &hdr);
    mkt_unsub_result r;
    r.struct_size = sizeof r;
    if (rc == MKT_OK)
        rc = mkt_unsub_apply(ctx, SECRET, SECRET_LEN, tok, NULL, &r);
    mkt_free(tok);
    mkt_free(hdr);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(allocation_failures)
{
    ck_assert_int_gt(failalloc_run(token_scenario, NULL), 3);
    failalloc_run_sticky(token_scenario, NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("unsub");
    TCase *tc = tcase_create("unsub");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, token_matches_independent_computation);
    tcase_add_test(tc, every_tampered_byte_is_rejected);
    tcase_add_test(tc, expiry_secret_and_malformed);
    tcase_add_test(tc, apply_goes_through_consent);
    tcase_add_test(tc, argument_errors);
    tcase_add_test(tc, apply_with_failing_store);
    tcase_add_test(tc, allocation_failures);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
