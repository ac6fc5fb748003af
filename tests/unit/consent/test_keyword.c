/* SPDX-License-Identifier: MIT */
/*
 * SMS keywords: every keyword in every tolerated form, the first-word opt-out rule, what is
 * not a keyword, and mkt_sms_inbound applying opt-out / opt-in / help through the consent API
 * with the configured replies, with failing stores and allocations.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "failalloc.h"
#include "test_privacy_store.h"

static int32_t parse(const char *text, int32_t *kw, int32_t *exact)
{
    return mkt_sms_keyword_parse(text, strlen(text), kw, exact);
}

static void expect_kw(const char *text, int32_t action, int32_t keyword, int32_t exact)
{
    int32_t kw = -1, ex = -1;
    int32_t a = parse(text, &kw, &ex);
    ck_assert_msg(a == action && kw == keyword && ex == exact,
                  "'%s': action %d keyword %d exact %d (want %d %d %d)", text, a, kw, ex,
                  action, keyword, exact);
}

START_TEST(every_keyword_every_form)
{
    static const struct { const char *word; int32_t code, action; } kws[] = {
        { "stop", MKT_SMS_STOP, MKT_SMS_ACTION_OPT_OUT },
        { "stopall", MKT_SMS_STOPALL, MKT_SMS_ACTION_OPT_OUT },
        { "unsubscribe", MKT_SMS_UNSUBSCRIBE, MKT_SMS_ACTION_OPT_OUT },
        { "cancel", MKT_SMS_CANCEL, MKT_SMS_ACTION_OPT_OUT },
        { "end", MKT_SMS_END, MKT_SMS_ACTION_OPT_OUT },
        { "quit", MKT_SMS_QUIT, MKT_SMS_ACTION_OPT_OUT },
        { "start", MKT_SMS_START, MKT_SMS_ACTION_OPT_IN },
        { "yes", MKT_SMS_YES, MKT_SMS_ACTION_OPT_IN },
        { "unstop", MKT_SMS_UNSTOP, MKT_SMS_ACTION_OPT_IN },
        { "help", MKT_SMS_HELP, MKT_SMS_ACTION_HELP },
        { "info", MKT_SMS_INFO, MKT_SMS_ACTION_HELP },
    };
    static const char *const forms[] = { "%s", "%s.", " %s ", "%s!!", "\t%s\r\n", "\"%s\"",
                                         "...%s?", "(%s)" };
    for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++) {
        char upper[16], mixed[16];
        size_t n = strlen(kws[i].word);
        for (size_t j = 0; j <= n; j++) {
            upper[j] = (char)(kws[i].word[j] >= 'a' ? kws[i].word[j] - 32 : kws[i].word[j]);
            mixed[j] = j == 0 ? upper[j] : kws[i].word[j];
        }
        const char *cases[] = { kws[i].word, upper, mixed };
        for (size_t c = 0; c < 3; c++) {
            for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
                char text[64];
                snprintf(text, sizeof text, forms[f], cases[c]);
                expect_kw(text, kws[i].action, kws[i].code, 1);
            }
        }
    }
}
END_TEST

START_TEST(inner_spaces_and_first_words)
{
    expect_kw("stop all", MKT_SMS_ACTION_OPT_OUT, MKT_SMS_STOPALL, 1);
    expect_kw("Stop  ALL!", MKT_SMS_ACTION_OPT_OUT, MKT_SMS_STOPALL, 1);
    expect_kw("S T O P", MKT_SMS_ACTION_OPT_OUT, MKT_SMS_STOP, 1);
    expect_kw("un stop", MKT_SMS_ACTION_OPT_IN, MKT_SMS_UNSTOP, 1);
    /* opt-out as the first word of a longer text: honoured */
    expect_kw("stop it", MKT_SMS_ACTION_OPT_OUT, MKT_SMS_STOP, 0);
    expect_kw("STOP sending me these", MKT_SMS_ACTION_OPT_OUT, MKT_SMS_STOP, 0);
    expect_kw("Cancel, please", MKT_SMS_ACTION_OPT_OUT, MKT_SMS_CANCEL, 0);
    expect_kw("quit!! now", MKT_SMS_ACTION_OPT_OUT, MKT_SMS_QUIT, 0);
    /* opt-in and help only alone */
    expect_kw("yes please", MKT_SMS_ACTION_NONE, MKT_SMS_NONE, 0);
    expect_kw("start over", MKT_SMS_ACTION_NONE, MKT_SMS_NONE, 0);
    expect_kw("help me", MKT_SMS_ACTION_NONE, MKT_SMS_NONE, 0);
    /* not keywords */
    expect_kw("", MKT_SMS_ACTION_NONE, MKT_SMS_NONE, 0);
    expect_kw("  ..!  ", MKT_SMS_ACTION_NONE, MKT_SMS_NONE, 0);
    expect_kw("please stop", MKT_SMS_ACTION_NONE, MKT_SMS_NONE, 0);
    expect_kw("don't stop", MKT_SMS_ACTION_NONE, MKT_SMS_NONE, 0);
    expect_kw("stopp", MKT_SMS_ACTION_NONE, MKT_SMS_NONE, 0);
    expect_kw("endless summer", MKT_SMS_ACTION_NONE, MKT_SMS_NONE, 0);
    expect_kw("st-op", MKT_SMS_ACTION_NONE, MKT_SMS_NONE, 0);
    expect_kw("\xef\xbc\xb3TOP", MKT_SMS_ACTION_NONE, MKT_SMS_NONE, 0); /* full-width S */
    expect_kw("unsubscribeee", MKT_SMS_ACTION_NONE, MKT_SMS_NONE, 0);
    /* NULL text and NULL outputs */
    ck_assert_int_eq(mkt_sms_keyword_parse(NULL, 0, NULL, NULL), MKT_SMS_ACTION_NONE);
    ck_assert_int_eq(mkt_sms_keyword_parse("STOP", 4, NULL, NULL), MKT_SMS_ACTION_OPT_OUT);
    /* length is honoured: "STOPALL" cut to 4 bytes is STOP */
    int32_t kw;
    ck_assert_int_eq(mkt_sms_keyword_parse("STOPALL", 4, &kw, NULL), MKT_SMS_ACTION_OPT_OUT);
    ck_assert_int_eq(kw, MKT_SMS_STOP);
}
END_TEST

/* ---- inbound ----------------------------------------------------------------------------- */

static int32_t dnc(mkt_ctx *ctx, const char *id)
{
    int32_t found = -1;
    ck_assert_int_eq(mkt_dnc_has(ctx, id, MKT_CHANNEL_SMS, MKT_DNC_SMS_STOP, &found), MKT_OK);
    return found;
}

START_TEST(inbound_applies_and_replies)
{
    mkt_host h = MKT_HOST_INIT;
    h.now = fixed_clock_1700;
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_OK);
    int32_t action = -1;
    char *reply = NULL;
    ck_assert_int_eq(mkt_sms_inbound(ctx, NULL, "C1", " Stop. ", &action, &reply), MKT_OK);
    ck_assert_int_eq(action, MKT_SMS_ACTION_OPT_OUT);
    ck_assert_str_eq(reply, "Marketing: You are unsubscribed and will receive no more "
                            "messages. Reply START to resubscribe.");
    mkt_free(reply);
    ck_assert_int_eq(dnc(ctx, "C1"), 1);
    /* help changes nothing; custom brand and text */
    mkt_sms_options o;
    ck_assert_int_eq(mkt_sms_options_init(&o), MKT_OK);
    o.brand = "SkyAir";
    o.help_reply = "{brand} help: call 555-0100. {brand}!";
    ck_assert_int_eq(mkt_sms_inbound(ctx, &o, "C1", "help", &action, &reply), MKT_OK);
    ck_assert_int_eq(action, MKT_SMS_ACTION_HELP);
    ck_assert_str_eq(reply, "SkyAir help: call 555-0100. SkyAir!");
    mkt_free(reply);
    ck_assert_int_eq(dnc(ctx, "C1"), 1);
    /* opt-in removes the entry and records consent */
    ck_assert_int_eq(mkt_sms_inbound(ctx, &o, "C1", "UNSTOP", &action, &reply), MKT_OK);
    ck_assert_int_eq(action, MKT_SMS_ACTION_OPT_IN);
    ck_assert_ptr_nonnull(strstr(reply, "SkyAir: You are subscribed again"));
    mkt_free(reply);
    ck_assert_int_eq(dnc(ctx, "C1"), 0);
    int32_t status = -1;
    ck_assert_int_eq(mkt_consent_get(ctx, "C1", MKT_CHANNEL_SMS, &status, NULL), MKT_OK);
    ck_assert_int_eq(status, MKT_CONSENT_GIVEN);
    /* START without a prior STOP is fine */
    ck_assert_int_eq(mkt_sms_inbound(ctx, NULL, "C2", "start", &action, NULL), MKT_OK);
    ck_assert_int_eq(action, MKT_SMS_ACTION_OPT_IN);
    /* no keyword: no reply, no change */
    reply = (char *)"x";
    ck_assert_int_eq(mkt_sms_inbound(ctx, NULL, "C3", "what time is my flight", &action,
                                     &reply), MKT_OK);
    ck_assert_int_eq(action, MKT_SMS_ACTION_NONE);
    ck_assert_ptr_null(reply);
    ck_assert_int_eq(dnc(ctx, "C3"), 0);
    /* the changes were audited and the chain holds */
    mkt_audit_report rep;
    rep.struct_size = sizeof rep;
    ck_assert_int_eq(mkt_audit_verify(ctx, &rep), MKT_OK);
    ck_assert_int_eq(rep.intact, 1);
    ck_assert_uint_ge(rep.records, 3);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(inbound_errors)
{
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    int32_t action = 7;
    char *reply = NULL;
    ck_assert_int_eq(mkt_sms_inbound(NULL, NULL, "C1", "STOP", &action, &reply), MKT_EINVAL);
    ck_assert_int_eq(mkt_sms_inbound(ctx, NULL, "C1", NULL, &action, &reply), MKT_EINVAL);
    ck_assert_int_eq(action, MKT_SMS_ACTION_NONE);
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->message, "sms inbound: text is NULL");
    ck_assert_int_eq(mkt_sms_inbound(ctx, NULL, NULL, "STOP", &action, &reply), MKT_EINVAL);
    ck_assert_int_eq(mkt_sms_inbound(ctx, NULL, "", "STOP", &action, &reply), MKT_EINVAL);
    ck_assert_int_eq(mkt_sms_inbound(ctx, NULL, "a\nb", "STOP", &action, &reply), MKT_EINVAL);
    ck_assert_int_eq(mkt_sms_options_init(NULL), MKT_EINVAL);
    /* an old caller's smaller options struct: only the brand is read */
    mkt_sms_options o;
    mkt_sms_options_init(&o);
    o.brand = "Old";
    o.opt_out_reply = "never read";
    o.struct_size = offsetof(mkt_sms_options, opt_out_reply);
    ck_assert_int_eq(mkt_sms_inbound(ctx, &o, "C1", "STOP", &action, &reply), MKT_OK);
    ck_assert_ptr_nonnull(strstr(reply, "Old: You are unsubscribed"));
    mkt_free(reply);
    mkt_ctx_free(ctx);
}
END_TEST

/* A failing store or audit: an error, no reply, and a re-run succeeds. */
START_TEST(inbound_failing_store)
{
    for (long at = 0; at < 10; at++) {
        faultstore f;
        faultstore_init(&f);
        mkt_ctx *ctx = faultstore_ctx(&f);
        faultstore_arm(&f, at, 1);
        int32_t action = -1;
        char *reply = NULL;
        int rc = mkt_sms_inbound(ctx, NULL, "C1", "STOP", &action, &reply);
        if (rc != MKT_OK) {
            ck_assert_ptr_null(reply);
            ck_assert_int_eq(action, MKT_SMS_ACTION_NONE);
        }
        mkt_free(reply);
        faultstore_arm(&f, -1, 0);
        ck_assert_int_eq(mkt_sms_inbound(ctx, NULL, "C1", "STOP", &action, NULL), MKT_OK);
        ck_assert_int_eq(dnc(ctx, "C1"), 1);
        mkt_ctx_free(ctx);
        faultstore_free(&f);
    }
}
END_TEST

static int inbound_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    fa->host.now = fixed_clock_1700;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    char *reply = NULL;
    rc = mkt_sms_inbound(ctx, NULL, "C1", "stop", NULL, &reply);
    mkt_free(reply);
    reply = NULL;
    if (rc == MKT_OK)
        rc = mkt_sms_inbound(ctx, NULL, "C1", "start", NULL, &reply);
    mkt_free(reply);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(inbound_allocation_failures)
{
    ck_assert_int_gt(failalloc_run(inbound_scenario, NULL), 5);
    failalloc_run_sticky(inbound_scenario, NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("keyword");
    TCase *tc = tcase_create("keyword");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_keyword_every_form);
    tcase_add_test(tc, inner_spaces_and_first_words);
    tcase_add_test(tc, inbound_applies_and_replies);
    tcase_add_test(tc, inbound_errors);
    tcase_add_test(tc, inbound_failing_store);
    tcase_add_test(tc, inbound_allocation_failures);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
