/* SPDX-License-Identifier: MIT */
/*
 * Right to be forgotten and access requests: after erasure no key or value of any namespace
 * holds the customer's id or PII; tombstones; the receipt; anonymized namespaces; the audit
 * chain still verifies; erasure resumes after a failing store or audit sink; export content;
 * argument errors and allocation failures.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "failalloc.h"
#include "consent/privacy-private.h"
#include "test_privacy_store.h"

#define ID "C000123"
#define OTHER "D000999"
#define IP "203.0.113.9"
#define EMAIL_IN_SOURCE "web-signup:ann@example.com"

static void consent(mkt_ctx *ctx, const char *id, int32_t channel, int32_t status)
{
    mkt_consent_change c = MKT_CONSENT_CHANGE_INIT;
    c.customer_id = id;
    c.channel = channel;
    c.status = status;
    int other = strcmp(id, ID) != 0;
    c.source = other ? "web-signup:bob@example.org" : EMAIL_IN_SOURCE;
    c.ip = other ? "198.51.100.7" : IP;
    c.proof_version = "v3";
    ck_assert_int_eq(mkt_consent_set(ctx, &c), MKT_OK);
}

static void dnc(mkt_ctx *ctx, const char *id)
{
    mkt_dnc_entry e = MKT_DNC_ENTRY_INIT;
    e.customer_id = id;
    e.scope = MKT_CHANNEL_SMS;
    e.reason = MKT_DNC_SMS_STOP;
    e.source = "sms";
    ck_assert_int_eq(mkt_dnc_add(ctx, &e), MKT_OK);
}

/* Consent, history, DNC, preferences, a topic and a cap counter for @id. */
static void populate(mkt_ctx *ctx, const char *id)
{
    consent(ctx, id, MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN);
    consent(ctx, id, MKT_CHANNEL_SMS, MKT_CONSENT_GIVEN);
    dnc(ctx, id);
    mkt_preferences p = MKT_PREFERENCES_INIT;
    p.customer_id = id;
    p.channel = MKT_CHANNEL_EMAIL;
    p.weekly_cap = 3;
    ck_assert_int_eq(mkt_preferences_set(ctx, &p), MKT_OK);
    ck_assert_int_eq(mkt_topic_set(ctx, id, "deals", MKT_TOPIC_EXCLUDED, NULL), MKT_OK);
    mkt_consent *policy = NULL;
    ck_assert_int_eq(mkt_consent_new(&policy, ctx, NULL), MKT_OK);
    mkt_contact_request r = MKT_CONTACT_REQUEST_INIT;
    r.customer_id = id;
    r.channel = MKT_CHANNEL_EMAIL;
    r.message_class = MKT_CLASS_PROMOTIONAL;
    r.flags = MKT_CONTACT_SEND;
    mkt_contact_decision d;
    d.struct_size = sizeof d;
    ck_assert_int_eq(mkt_consent_check(policy, &r, &d), MKT_OK);
    ck_assert_int_eq(d.allow, 1);
    mkt_consent_free(policy);
}

static mkt_erase_request request(void)
{
    mkt_erase_request r;
    ck_assert_int_eq(mkt_erase_request_init(&r), MKT_OK);
    r.customer_id = ID;
    r.email = "Ann@Example.com ";
    r.phone = "+1 (555) 0100";
    r.actor = "dpo";
    return r;
}

static int erased(mkt_ctx *ctx, int32_t kind, const char *value)
{
    int32_t e = -1;
    ck_assert_int_eq(mkt_privacy_is_erased(ctx, kind, value, &e), MKT_OK);
    return e;
}

static void assert_gone(faultstore *f)
{
    static const char *const needles[] = { ID, IP, "ann@example.com", EMAIL_IN_SOURCE };
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++) {
        char where[128] = "";
        int n = faultstore_count(f, needles[i], where, sizeof where);
        ck_assert_msg(n == 0, "'%s' still in %d entries (key %s)", needles[i], n, where);
    }
}

START_TEST(erasure_leaves_no_trace)
{
    faultstore f;
    faultstore_init(&f);
    mkt_ctx *ctx = faultstore_ctx(&f);
    populate(ctx, ID);
    populate(ctx, OTHER);
    ck_assert_int_gt(faultstore_count(&f, ID, NULL, 0), 0);
    ck_assert_int_gt(faultstore_count(&f, IP, NULL, 0), 0);
    ck_assert_int_eq(erased(ctx, MKT_ERASED_CUSTOMER, ID), 0);
    mkt_erase_request req = request();
    char *receipt = NULL;
    ck_assert_int_eq(mkt_privacy_erase(ctx, &req, &receipt), MKT_OK);
    assert_gone(&f);
    ck_assert_ptr_nonnull(strstr(receipt, "\"tombstones\":[\"customer\",\"email\",\"phone\"]"));
    ck_assert_ptr_nonnull(strstr(receipt, "{\"namespace\":\"consent.state\",\"deleted\":1,"
                                          "\"anonymized\":0}"));
    ck_assert_ptr_null(strstr(receipt, "\"audit_records_redacted\":0}"));
    ck_assert_ptr_null(strstr(receipt, ID));
    mkt_free(receipt);
    /* tombstones: the id, the email in any case/spacing, the phone in any punctuation */
    ck_assert_int_eq(erased(ctx, MKT_ERASED_CUSTOMER, ID), 1);
    ck_assert_int_eq(erased(ctx, MKT_ERASED_CUSTOMER, OTHER), 0);
    ck_assert_int_eq(erased(ctx, MKT_ERASED_EMAIL, " ANN@example.COM"), 1);
    ck_assert_int_eq(erased(ctx, MKT_ERASED_EMAIL, "bob@example.com"), 0);
    ck_assert_int_eq(erased(ctx, MKT_ERASED_PHONE, "+15550100"), 1);
    /* the other customer is untouched */
    int32_t status = 0, found = 0;
    ck_assert_int_eq(mkt_consent_get(ctx, OTHER, MKT_CHANNEL_EMAIL, &status, NULL), MKT_OK);
    ck_assert_int_eq(status, MKT_CONSENT_GIVEN);
    ck_assert_int_eq(mkt_dnc_has(ctx, OTHER, MKT_CHANNEL_SMS, 0, &found), MKT_OK);
    ck_assert_int_eq(found, 1);
    ck_assert_int_eq(mkt_consent_get(ctx, ID, MKT_CHANNEL_EMAIL, &status, NULL), MKT_OK);
    ck_assert_int_eq(status, MKT_CONSENT_NONE);
    /* the chain verifies after redaction */
    mkt_audit_report rep;
    rep.struct_size = sizeof rep;
    ck_assert_int_eq(mkt_audit_verify(ctx, &rep), MKT_OK);
    ck_assert_msg(rep.intact, "%s", rep.message);
    /* idempotent: a second run removes nothing more */
    ck_assert_int_eq(mkt_privacy_erase(ctx, &req, &receipt), MKT_OK);
    ck_assert_ptr_nonnull(strstr(receipt, "{\"namespace\":\"consent.state\",\"deleted\":0,"));
    mkt_free(receipt);
    assert_gone(&f);
    /* an export of an erased customer is audited without leaving the id behind */
    char *json = NULL;
    ck_assert_int_eq(mkt_privacy_export(ctx, ID, NULL, &json), MKT_OK);
    ck_assert_ptr_nonnull(strstr(json, "\"erased\":true"));
    mkt_free(json);
    assert_gone(&f);
    mkt_ctx_free(ctx);
    faultstore_free(&f);
}
END_TEST

START_TEST(readd_stays_suppressed)
{
    mkt_host h = MKT_HOST_INIT;
    h.now = fixed_clock_1700;
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_OK);
    populate(ctx, ID);
    mkt_erase_request req = request();
    ck_assert_int_eq(mkt_privacy_erase(ctx, &req, NULL), MKT_OK);
    /* a re-import gives consent again: the new record carries the suppression */
    consent(ctx, ID, MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN);
    int32_t found = 0;
    ck_assert_int_eq(mkt_dnc_has(ctx, ID, MKT_CHANNEL_EMAIL, MKT_DNC_INTERNAL_POLICY, &found),
                     MKT_OK);
    ck_assert_int_eq(found, 1);
    mkt_consent *policy = NULL;
    ck_assert_int_eq(mkt_consent_new(&policy, ctx, NULL), MKT_OK);
    mkt_contact_request r = MKT_CONTACT_REQUEST_INIT;
    r.customer_id = ID;
    r.channel = MKT_CHANNEL_EMAIL;
    r.message_class = MKT_CLASS_PROMOTIONAL;
    mkt_contact_decision d;
    d.struct_size = sizeof d;
    ck_assert_int_eq(mkt_consent_check(policy, &r, &d), MKT_OK);
    ck_assert_int_eq(d.allow, 0);
    ck_assert_uint_ne(d.reasons & (1u << MKT_REASON_DNC_INTERNAL_POLICY), 0);
    /* a customer never erased gets no such entry */
    consent(ctx, OTHER, MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN);
    ck_assert_int_eq(mkt_dnc_has(ctx, OTHER, MKT_CHANNEL_EMAIL, 0, &found), MKT_OK);
    ck_assert_int_eq(found, 0);
    mkt_consent_free(policy);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(prefix_boundary)
{
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    consent(ctx, "C1", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN);
    consent(ctx, "C12", MKT_CHANNEL_EMAIL, MKT_CONSENT_GIVEN);
    mkt_erase_request req = MKT_ERASE_REQUEST_INIT;
    req.customer_id = "C1";
    ck_assert_int_eq(mkt_privacy_erase(ctx, &req, NULL), MKT_OK);
    int32_t status = 0;
    ck_assert_int_eq(mkt_consent_get(ctx, "C12", MKT_CHANNEL_EMAIL, &status, NULL), MKT_OK);
    ck_assert_int_eq(status, MKT_CONSENT_GIVEN);
    ck_assert_int_eq(mkt_consent_get(ctx, "C1", MKT_CHANNEL_EMAIL, &status, NULL), MKT_OK);
    ck_assert_int_eq(status, MKT_CONSENT_NONE);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(anonymized_namespace_keeps_aggregates)
{
    faultstore f;
    faultstore_init(&f);
    mkt_ctx *ctx = faultstore_ctx(&f);
    static const struct mkt__pii_ns registry[] = {
        { "test.profile", MKT__PII_DELETE, NULL },
        { "test.redemptions", MKT__PII_ANONYMIZE, NULL },
        { NULL, 0, NULL },
    };
    ck_assert_int_eq(mkt_store_put(ctx, "test.profile", ID "\x1f", 8, "name=Ann", 8,
                                   MKT_VERSION_ANY, NULL), MKT_OK);
    ck_assert_int_eq(mkt_store_incr(ctx, "test.redemptions", ID "\x1fSUMMER", 14, 2, 100, NULL),
                     MKT_OK);
    ck_assert_int_eq(mkt_store_incr(ctx, "test.redemptions", OTHER "\x1fSUMMER", 14, 1, 100,
                                    NULL), MKT_OK);
    mkt_erase_request req = request();
    char *receipt = NULL;
    ck_assert_int_eq(mkt__privacy_erase_with(ctx, registry, &req, &receipt), MKT_OK);
    ck_assert_ptr_nonnull(strstr(receipt, "{\"namespace\":\"test.profile\",\"deleted\":1,"
                                          "\"anonymized\":0},{\"namespace\":\"test.redemptions\","
                                          "\"deleted\":0,\"anonymized\":1}"));
    /* the redemption count stays, under the tombstone */
    char key[128];
    const char *tomb = strstr(receipt, "\"tombstone\":\"") + 13;
    int n = snprintf(key, sizeof key, "~%.64s\x1fSUMMER", tomb);
    char *v = NULL;
    ck_assert_int_eq(mkt_store_get(ctx, "test.redemptions", key, (size_t)n, &v, NULL, NULL),
                     MKT_OK);
    ck_assert_str_eq(v, "2");
    mkt_free(v);
    mkt_free(receipt);
    assert_gone(&f);
    ck_assert_int_eq(faultstore_count(&f, "Ann", NULL, 0), 0);
    ck_assert_int_eq(faultstore_count(&f, OTHER, NULL, 0), 1);
    mkt_ctx_free(ctx);
    faultstore_free(&f);
}
END_TEST

/* Fail store call k (and every one after) for each k; the erasure fails, and a re-run with a
 * working store completes: no trace, chain intact. */
START_TEST(erasure_resumes_after_store_failures)
{
    long calls = 0;
    for (long at = 0; at == 0 || at < calls; at++) {
        faultstore f;
        faultstore_init(&f);
        mkt_ctx *ctx = faultstore_ctx(&f);
        populate(ctx, ID);
        mkt_erase_request req = request();
        faultstore_arm(&f, at == 0 && calls == 0 ? -1 : at, 1);
        int rc = mkt_privacy_erase(ctx, &req, NULL);
        if (calls == 0) {
            ck_assert_int_eq(rc, MKT_OK);
            calls = f.calls; /* the number of store calls of a whole erasure */
            ck_assert_int_gt(calls, 5);
            at = -1;
        } else {
            ck_assert_int_eq(rc, MKT_EIO);
            faultstore_arm(&f, -1, 0);
            ck_assert_int_eq(mkt_privacy_erase(ctx, &req, NULL), MKT_OK);
        }
        assert_gone(&f);
        mkt_audit_report rep;
        rep.struct_size = sizeof rep;
        ck_assert_int_eq(mkt_audit_verify(ctx, &rep), MKT_OK);
        ck_assert_msg(rep.intact, "fail at %ld: %s", at, rep.message);
        mkt_ctx_free(ctx);
        faultstore_free(&f);
    }
}
END_TEST

static int failing_sink(const mkt_audit_record *r, void *u)
{
    (void)r;
    int *budget = u;
    return (*budget)-- > 0 ? MKT_OK : MKT_EUSER;
}

START_TEST(erasure_with_failing_audit_sink)
{
    for (int ok_first = 0; ok_first < 2; ok_first++) {
        int budget = 1000;
        mkt_host h = MKT_HOST_INIT;
        h.audit = failing_sink;
        h.user_data = &budget;
        mkt_ctx *ctx;
        ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_OK);
        populate(ctx, ID);
        budget = ok_first; /* fail the first or the second (done) audit record */
        mkt_erase_request req = request();
        ck_assert_int_eq(mkt_privacy_erase(ctx, &req, NULL), MKT_EUSER);
        int32_t status = -1;
        ck_assert_int_eq(mkt_consent_get(ctx, ID, MKT_CHANNEL_EMAIL, &status, NULL), MKT_OK);
        /* nothing deleted before the first record was written */
        ck_assert_int_eq(status, ok_first ? MKT_CONSENT_NONE : MKT_CONSENT_GIVEN);
        ck_assert_int_eq(erased(ctx, MKT_ERASED_CUSTOMER, ID), 1); /* suppressed already */
        budget = 1000;
        ck_assert_int_eq(mkt_privacy_erase(ctx, &req, NULL), MKT_OK);
        ck_assert_int_eq(mkt_consent_get(ctx, ID, MKT_CHANNEL_EMAIL, &status, NULL), MKT_OK);
        ck_assert_int_eq(status, MKT_CONSENT_NONE);
        mkt_ctx_free(ctx);
    }
}
END_TEST

/* ---- export ------------------------------------------------------------------------------ */

START_TEST(export_has_everything)
{
    mkt_host h = MKT_HOST_INIT;
    h.now = fixed_clock_1700;
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_OK);
    populate(ctx, ID);
    populate(ctx, OTHER);
    char *json = NULL;
    ck_assert_int_eq(mkt_privacy_export(ctx, ID, "dpo", &json), MKT_OK);
    static const char *const want[] = {
        "{\"customer_id\":\"" ID "\",\"exported_at\":1700000000,\"erased\":false,",
        "{\"channel\":\"email\",\"status\":\"given\",\"ts\":1700000000,",
        "{\"scope\":\"sms\",\"reason\":",
        "\"weekly\":3",
        "{\"topic\":\"deals\",\"choice\":\"excluded\"}",
        "\"consent.history\":[{\"key\":",
        EMAIL_IN_SOURCE,
        IP,
        "\"consent.state\":[{\"key\":",
        "\"action\":\"consent.give\"",
        "\"action\":\"privacy.export\"",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(json, want[i]) != NULL, "missing %s in %s", want[i], json);
    ck_assert_ptr_null(strstr(json, OTHER));
    ck_assert_int_eq(json[strlen(json) - 1], '}');
    mkt_free(json);
    /* after erasure: nothing but the fact */
    mkt_erase_request req = request();
    ck_assert_int_eq(mkt_privacy_erase(ctx, &req, NULL), MKT_OK);
    ck_assert_int_eq(mkt_privacy_export(ctx, ID, NULL, &json), MKT_OK);
    ck_assert_ptr_nonnull(strstr(json, "\"erased\":true"));
    ck_assert_ptr_null(strstr(json, IP));
    ck_assert_ptr_nonnull(strstr(json, "\"consent.history\":[]"));
    mkt_free(json);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(argument_errors)
{
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, NULL, NULL), MKT_OK);
    mkt_erase_request req = MKT_ERASE_REQUEST_INIT;
    ck_assert_int_eq(mkt_erase_request_init(NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_privacy_erase(NULL, &req, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_privacy_erase(ctx, NULL, NULL), MKT_EINVAL);
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->message, "privacy erase: request is NULL");
    ck_assert_int_eq(mkt_privacy_erase(ctx, &req, NULL), MKT_EINVAL); /* no id */
    req.customer_id = "bad\x01id";
    ck_assert_int_eq(mkt_privacy_erase(ctx, &req, NULL), MKT_EINVAL);
    req.customer_id = "C1";
    req.email = "   ";
    char *receipt = (char *)"x";
    ck_assert_int_eq(mkt_privacy_erase(ctx, &req, &receipt), MKT_EINVAL);
    ck_assert_ptr_null(receipt);
    ck_assert_str_eq(mkt_ctx_last_error(ctx)->message, "privacy: the email is empty");
    req.email = NULL;
    req.phone = "no digits";
    ck_assert_int_eq(mkt_privacy_erase(ctx, &req, NULL), MKT_EINVAL);
    int32_t e = 0;
    ck_assert_int_eq(mkt_privacy_is_erased(NULL, 1, "x", &e), MKT_EINVAL);
    ck_assert_int_eq(mkt_privacy_is_erased(ctx, 1, NULL, &e), MKT_EINVAL);
    ck_assert_int_eq(mkt_privacy_is_erased(ctx, 1, "x", NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_privacy_is_erased(ctx, 0, "x", &e), MKT_EINVAL);
    ck_assert_int_eq(mkt_privacy_is_erased(ctx, 4, "x", &e), MKT_EINVAL);
    ck_assert_int_eq(mkt_privacy_is_erased(ctx, 1, "", &e), MKT_EINVAL);
    char *json = (char *)"x";
    ck_assert_int_eq(mkt_privacy_export(NULL, "C1", NULL, &json), MKT_EINVAL);
    ck_assert_int_eq(mkt_privacy_export(ctx, "C1", NULL, NULL), MKT_EINVAL);
    ck_assert_int_eq(mkt_privacy_export(ctx, "", NULL, &json), MKT_EINVAL);
    ck_assert_ptr_null(json);
    mkt_ctx_free(ctx);
}
END_TEST

START_TEST(export_failing_store_and_sink)
{
    for (long at = 0; at < 8; at++) {
        faultstore f;
        faultstore_init(&f);
        mkt_ctx *ctx = faultstore_ctx(&f);
        populate(ctx, ID);
        faultstore_arm(&f, at, 0);
        char *json = (char *)"x";
        int rc = mkt_privacy_export(ctx, ID, NULL, &json);
        ck_assert(rc == MKT_OK || rc == MKT_EIO);
        if (rc)
            ck_assert_ptr_null(json);
        mkt_free(rc ? NULL : json);
        mkt_ctx_free(ctx);
        faultstore_free(&f);
    }
    int budget = 0;
    mkt_host h = MKT_HOST_INIT;
    h.audit = failing_sink;
    h.user_data = &budget;
    mkt_ctx *ctx;
    ck_assert_int_eq(mkt_ctx_new(&ctx, &h, NULL), MKT_OK);
    char *json = NULL;
    ck_assert_int_eq(mkt_privacy_export(ctx, ID, NULL, &json), MKT_EUSER);
    ck_assert_ptr_null(json);
    mkt_ctx_free(ctx);
}
END_TEST

static int erase_scenario(failalloc *fa, void *arg)
{
    (void)arg;
    fa->host.now = fixed_clock_1700;
    mkt_ctx *ctx;
    int rc = mkt_ctx_new(&ctx, &fa->host, NULL);
    if (rc)
        return rc;
    failalloc_pause(fa);
    populate(ctx, ID);
    failalloc_resume(fa);
    char *json = NULL, *receipt = NULL;
    rc = mkt_privacy_export(ctx, ID, NULL, &json);
    mkt_erase_request req = request();
    if (rc == MKT_OK)
        rc = mkt_privacy_erase(ctx, &req, &receipt);
    int32_t e = 0;
    if (rc == MKT_OK)
        rc = mkt_privacy_is_erased(ctx, MKT_ERASED_EMAIL, req.email, &e);
    mkt_free(json);
    mkt_free(receipt);
    mkt_ctx_free(ctx);
    return rc;
}

START_TEST(allocation_failures)
{
    ck_assert_int_gt(failalloc_run(erase_scenario, NULL), 5);
    failalloc_run_sticky(erase_scenario, NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("privacy");
    TCase *tc = tcase_create("privacy");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, erasure_leaves_no_trace);
    tcase_add_test(tc, readd_stays_suppressed);
    tcase_add_test(tc, prefix_boundary);
    tcase_add_test(tc, anonymized_namespace_keeps_aggregates);
    tcase_add_test(tc, erasure_resumes_after_store_failures);
    tcase_add_test(tc, erasure_with_failing_audit_sink);
    tcase_add_test(tc, export_has_everything);
    tcase_add_test(tc, argument_errors);
    tcase_add_test(tc, export_failing_store_and_sink);
    tcase_add_test(tc, allocation_failures);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
