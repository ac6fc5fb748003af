/* SPDX-License-Identifier: MIT */
/*
 * Send nodes with an offer: the engine derives the customer's code (mkt_promo_derive()), binds
 * it (mkt_promo_bind()) before the host's send and puts it in the message's context_json; the
 * same code after a retry or a crash, a collision fails the send without calling the host,
 * journeys with offers are refused without a format and a secret, erasure drops the binding.
 */
#include "etest.h"
#include "failalloc.h"

#define T0 INT64_C(1800000000) /* 2027-01-15 08:00 UTC */
#define DAY 86400

static const char *offer_xml =
    "<?xml version=\"1.0\"?>\n"
    "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"o\">\n"
    "  <entry id=\"e\" manual=\"true\"/>\n"
    "  <send id=\"m1\" channel=\"email\" template=\"t1\" offer=\"CART10\"/>\n"
    "  <exit id=\"x\"/>\n"
    "</journey>\n";

/* The code the engine must issue to @customer: what mkt_promo_derive() gives for CART10. */
static void expected_code(et_host *h, const char *customer, char *out, size_t size)
{
    ck_assert_int_eq(mkt_promo_derive(h->ctx, h->promo, ET_PROMO_SECRET,
                                      strlen(ET_PROMO_SECRET), "CART10", customer, out, size,
                                      NULL),
                     MKT_OK);
}

/* The context_json the engine must build for @customer's send m1 with @code. */
static void expected_context(const char *customer, const char *code, char *out, size_t size)
{
    snprintf(out, size,
             "{\"journey_id\":\"o\",\"customer_id\":\"%s\",\"node_id\":\"m1\","
             "\"offer_id\":\"CART10\",\"offer_code\":\"%s\",\"context\":{}}",
             customer, code);
}

START_TEST(send_carries_the_derived_bound_code)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, offer_xml);
    mkt_journey_engine *e = et_engine(&h, j);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "o", "C1", T0, NULL), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "o", "C2", T0, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 2);
    char code1[MKT_PROMO_MAX_DISPLAY + 1], code2[MKT_PROMO_MAX_DISPLAY + 1], want[512];
    expected_code(&h, "C1", code1, sizeof code1);
    expected_code(&h, "C2", code2, sizeof code2);
    ck_assert_str_ne(code1, code2); /* per customer, not one code for the offer */
    expected_context("C1", code1, want, sizeof want);
    ck_assert_str_eq(h.sent[0].context, want);
    expected_context("C2", code2, want, sizeof want);
    ck_assert_str_eq(h.sent[1].context, want);
    char *offer = NULL, *customer = NULL;
    ck_assert_int_eq(mkt_promo_lookup(h.ctx, code1, &offer, &customer), MKT_OK);
    ck_assert_str_eq(offer, "CART10");
    ck_assert_str_eq(customer, "C1");
    mkt_free(offer);
    mkt_free(customer);
    ck_assert_int_eq(et_count_ns(&h, "offer.code"), 2);
    ck_assert_int_eq(et_count_ns(&h, "offer.customer_code"), 2);
    ck_assert_uint_eq(et_counts(e, j, "o", "m1").sent, 2);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

START_TEST(retry_issues_the_same_code_once)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, offer_xml);
    mkt_journey_engine *e = et_engine(&h, j);
    h.fail_from = 0, h.fail_count = 1, h.fail_rc = MKT_EIO; /* first attempt: transient */
    ck_assert_int_eq(mkt_journey_engine_enter(e, "o", "C1", T0, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 0);
    ck_assert_int_eq(et_count_ns(&h, "offer.code"), 1); /* bound before the failed send */
    ck_assert_int_eq(mkt_journey_engine_advance(e, T0 + 60, NULL), MKT_OK);
    ck_assert_int_eq(h.calls, 2);
    ck_assert_int_eq(h.nsent, 1);
    char code[MKT_PROMO_MAX_DISPLAY + 1], want[512];
    expected_code(&h, "C1", code, sizeof code);
    expected_context("C1", code, want, sizeof want);
    ck_assert_str_eq(h.sent[0].context, want);
    ck_assert_int_eq(et_count_ns(&h, "offer.code"), 1);
    ck_assert_int_eq(et_count_ns(&h, "offer.customer_code"), 1);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

START_TEST(crash_after_send_replays_the_same_code)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, offer_xml);
    mkt_journey_engine *e = et_engine(&h, j);
    /* journey.sent writes: 0 = intent, 1 = done (fails: the process "dies" after sending) */
    h.fs.only_ns = "journey.sent";
    h.fs.kinds = FS_WRITE;
    faultstore_arm(&h.fs, 1, 0);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "o", "C1", T0, NULL), MKT_EIO);
    ck_assert_int_eq(h.nsent, 1);
    mkt_journey_engine_free(e);
    faultstore_arm(&h.fs, -1, 0);
    /* restart; the entry was lost with the instance (never saved): the host enters C1 again
     * and the step finds its intent, so it is sent again under the same key */
    e = et_engine(&h, j);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "o", "C1", T0, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 2);
    ck_assert_str_eq(h.sent[0].idem, h.sent[1].idem);
    ck_assert_str_eq(h.sent[0].context, h.sent[1].context); /* same code both times */
    ck_assert_int_eq(et_count_ns(&h, "offer.code"), 1);
    ck_assert_int_eq(et_instance(e, "o", "C1").state, MKT_JOURNEY_INSTANCE_DONE);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

START_TEST(collision_fails_the_send_without_calling_the_host)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, offer_xml);
    char code[MKT_PROMO_MAX_DISPLAY + 1];
    expected_code(&h, "C1", code, sizeof code);
    ck_assert_int_eq(mkt_promo_bind(h.ctx, code, "CART10", "SOMEONE"), MKT_OK);
    mkt_journey_engine *e = et_engine(&h, j);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "o", "C1", T0, NULL), MKT_OK);
    ck_assert_int_eq(h.calls, 0);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(h.ctx)->message, "o node m1"));
    mkt_journey_node_counts c = et_counts(e, j, "o", "m1");
    ck_assert_uint_eq(c.failed, 1);
    ck_assert_uint_eq(c.sent, 0);
    ck_assert_int_eq(et_instance(e, "o", "C1").state, MKT_JOURNEY_INSTANCE_DONE);
    char *offer = NULL, *customer = NULL;
    ck_assert_int_eq(mkt_promo_lookup(h.ctx, code, &offer, &customer), MKT_OK);
    ck_assert_str_eq(customer, "SOMEONE"); /* the other binding is untouched */
    mkt_free(offer);
    mkt_free(customer);
    /* a store error while binding aborts the call like the send's other store writes */
    h.fs.only_ns = "offer.code";
    h.fs.kinds = FS_WRITE;
    faultstore_arm(&h.fs, 0, 1);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "o", "C2", T0, NULL), MKT_EIO);
    ck_assert_int_eq(h.calls, 0);
    faultstore_arm(&h.fs, -1, 0);
    /* the instance was not saved either: the host enters C2 again and the step runs */
    ck_assert_int_eq(mkt_journey_engine_enter(e, "o", "C2", T0, NULL), MKT_OK);
    ck_assert_int_eq(h.nsent, 1);
    ck_assert_str_eq(h.sent[0].customer, "C2");
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

START_TEST(refused_without_format_or_secret)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, offer_xml);
    const mkt_journey *js[1] = { j };
    mkt_journey_engine *e = NULL;
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    ck_assert_ptr_null(o.promo_format);
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 1, &o), MKT_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(h.ctx)->message, "o node m1"));
    ck_assert_ptr_null(e);
    et_promo(&h, &o);
    o.promo_secret_len = MKT_PROMO_MIN_SECRET - 1; /* 15 bytes: one short */
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 1, &o), MKT_EUNSUPPORTED);
    o.promo_secret = NULL;
    o.promo_secret_len = MKT_PROMO_MIN_SECRET;
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 1, &o), MKT_EUNSUPPORTED);
    et_promo(&h, &o);
    o.promo_format = NULL;
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 1, &o), MKT_EUNSUPPORTED);
    et_promo(&h, &o);
    o.promo_secret_len = MKT_PROMO_MIN_SECRET; /* exactly the minimum is enough */
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 1, &o), MKT_OK);
    mkt_journey_engine_free(e);
    mkt_journey_free(j);
    /* an empty offer id loads but no code can be bound to it: refused at once */
    static const char *empty_xml =
        "<?xml version=\"1.0\"?>\n"
        "<journey xmlns=\"https://libmarketing.dev/ns/journeys/1\" id=\"o\">\n"
        "  <entry id=\"e\" manual=\"true\"/>\n"
        "  <send id=\"m1\" channel=\"email\" template=\"t1\" offer=\"\"/>\n"
        "  <exit id=\"x\"/>\n"
        "</journey>\n";
    j = et_load(h.ctx, empty_xml);
    js[0] = j;
    e = NULL;
    ck_assert_int_eq(mkt_journey_engine_new(&e, h.ctx, js, 1, &o), MKT_EINVAL);
    ck_assert_ptr_nonnull(strstr(mkt_ctx_last_error(h.ctx)->message, "o node m1: offer id"));
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

START_TEST(erasure_drops_the_binding)
{
    et_host h;
    et_init(&h);
    mkt_journey *j = et_load(h.ctx, offer_xml);
    mkt_journey_engine *e = et_engine(&h, j);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "o", "C1", T0, NULL), MKT_OK);
    ck_assert_int_eq(mkt_journey_engine_enter(e, "o", "C2", T0, NULL), MKT_OK);
    mkt_journey_engine_free(e);
    mkt_erase_request req = MKT_ERASE_REQUEST_INIT;
    req.customer_id = "C1";
    ck_assert_int_eq(mkt_privacy_erase(h.ctx, &req, NULL), MKT_OK);
    char code1[MKT_PROMO_MAX_DISPLAY + 1], code2[MKT_PROMO_MAX_DISPLAY + 1];
    expected_code(&h, "C1", code1, sizeof code1);
    expected_code(&h, "C2", code2, sizeof code2);
    char *offer = NULL;
    ck_assert_int_eq(mkt_promo_lookup(h.ctx, code1, &offer, NULL), MKT_ENOTFOUND);
    ck_assert_int_eq(mkt_promo_lookup(h.ctx, code2, &offer, NULL), MKT_OK);
    mkt_free(offer);
    ck_assert_int_eq(et_count_ns(&h, "offer.customer_code"), 1);
    mkt_journey_free(j);
    et_free(&h);
}
END_TEST

static const char alloc_secret[] = "alloc-secret-0123456789";

/* The scenario's send: counts the messages that carry a code (fa->user is the counter). */
static int count_send(const mkt_message *m, void *user_data)
{
    failalloc *fa = user_data;
    if (strstr(m->context_json, "\"offer_code\":"))
        ++*(int *)fa->user;
    return MKT_OK;
}

static int alloc_scenario(failalloc *fa, void *arg)
{
    mkt_ctx *ctx;
    fa->host.send = count_send;
    fa->user = arg;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    failalloc_pause(fa);
    mkt_journey *j = NULL;
    mkt_promo_format *fmt = NULL;
    rc = mkt_journey_load_xml_memory(&j, ctx, offer_xml, strlen(offer_xml), "a.xml", NULL);
    if (rc == MKT_OK)
        rc = mkt_promo_format_new(&fmt, ctx, NULL);
    failalloc_resume(fa);
    mkt_journey_engine *e = NULL;
    const mkt_journey *js[1] = { j };
    mkt_journey_engine_options o;
    mkt_journey_engine_options_init(&o);
    o.promo_format = fmt;
    o.promo_secret = alloc_secret;
    o.promo_secret_len = strlen(alloc_secret);
    if (rc == MKT_OK)
        rc = mkt_journey_engine_new(&e, ctx, js, 1, &o);
    if (rc == MKT_OK)
        rc = mkt_journey_engine_enter(e, "o", "A", T0, NULL);
    if (rc == MKT_OK)
        rc = mkt_journey_engine_advance(e, T0 + DAY, NULL);
    mkt_journey_engine_free(e);
    mkt_promo_format_free(fmt);
    mkt_journey_free(j);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(allocation_failures)
{
    int with_code = 0;
    ck_assert_int_gt(failalloc_run(alloc_scenario, &with_code), 1);
    ck_assert_int_gt(failalloc_run_sticky(alloc_scenario, &with_code), 1);
    ck_assert_int_gt(with_code, 0); /* the passing runs did issue the code */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("journey_engine_offer");
    TCase *tc = tcase_create("offer");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, send_carries_the_derived_bound_code);
    tcase_add_test(tc, retry_issues_the_same_code_once);
    tcase_add_test(tc, crash_after_send_replays_the_same_code);
    tcase_add_test(tc, collision_fails_the_send_without_calling_the_host);
    tcase_add_test(tc, refused_without_format_or_secret);
    tcase_add_test(tc, erasure_drops_the_binding);
    tcase_add_test(tc, allocation_failures);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
