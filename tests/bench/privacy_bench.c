/* SPDX-License-Identifier: MIT */
/*
 * Privacy figures on one core with the memory store: SMS keyword parsing (ns/call),
 * unsubscribe token signing and verification (per second), audit records written through the
 * default hash-chained sink and verified (per second), and erasures of customers with typical
 * state (consent on two channels, a DNC entry, preferences), whose cost grows with the audit
 * log (the redaction step reads it once). MKT_BENCH_CUSTOMERS sets the number of customers
 * (default 2000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmarketing.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(mkt_ctx *ctx, const char *what, int rc)
{
    fprintf(stderr, "%s: %s\n", what, ctx ? mkt_ctx_last_error(ctx)->message : mkt_strerror(rc));
    exit(1);
}

static void bench_keywords(void)
{
    static const char *const texts[] = { "STOP", " stop. ", "Stop it please", "HELP",
                                         "what time is boarding?", "unsubscribe!!", "yes" };
    const long n = 4000000;
    long hits = 0;
    double t = now_s();
    for (long i = 0; i < n; i++) {
        const char *s = texts[i % 7];
        hits += mkt_sms_keyword_parse(s, strlen(s), NULL, NULL) != MKT_SMS_ACTION_NONE;
    }
    t = now_s() - t;
    printf("sms keyword parse: %ld calls in %.3f s = %.1f ns/call (%ld keywords)\n", n, t,
           t * 1e9 / (double)n, hits);
}

static void bench_tokens(mkt_ctx *ctx)
{
    static const uint8_t secret[] = "benchmark-secret-0123456789";
    mkt_unsub_spec s = MKT_UNSUB_SPEC_INIT;
    s.secret = secret;
    s.secret_len = sizeof secret - 1;
    s.customer_id = "C000123";
    s.topic = "deals";
    const long n = 200000;
    char *tok = NULL;
    double t = now_s();
    for (long i = 0; i < n; i++) {
        mkt_free(tok);
        int rc = mkt_unsub_token(ctx, &s, &tok);
        if (rc)
            die(ctx, "token", rc);
    }
    double sign = now_s() - t;
    mkt_unsub_result r;
    r.struct_size = sizeof r;
    long valid = 0;
    t = now_s();
    for (long i = 0; i < n; i++) {
        mkt_unsub_verify(ctx, secret, sizeof secret - 1, tok, 1700000000, &r);
        valid += r.status == MKT_UNSUB_VALID;
    }
    double verify = now_s() - t;
    mkt_free(tok);
    printf("unsubscribe tokens: sign %.0f/s, verify %.0f/s (%ld valid)\n", (double)n / sign,
           (double)n / verify, valid);
}

static void bench_audit(void)
{
    mkt_ctx *ctx;
    if (mkt_ctx_new(&ctx, NULL, NULL))
        die(NULL, "ctx", MKT_ENOMEM);
    const long n = 200000;
    char subject[32];
    double t = now_s();
    for (long i = 0; i < n; i++) {
        snprintf(subject, sizeof subject, "C%07ld", i % 100000);
        mkt_audit_record r = { sizeof r, 1700000000 + i, "bench", "consent.give", subject,
                               "channel=email; source=web" };
        int rc = mkt_ctx_audit(ctx, &r);
        if (rc)
            die(ctx, "audit", rc);
    }
    double write = now_s() - t;
    mkt_audit_report rep;
    rep.struct_size = sizeof rep;
    t = now_s();
    int rc = mkt_audit_verify(ctx, &rep);
    double verify = now_s() - t;
    if (rc || !rep.intact)
        die(ctx, "verify", rc);
    printf("audit chain: write %.0f records/s, verify %.0f records/s (%llu records)\n",
           (double)n / write, (double)rep.records / verify, (unsigned long long)rep.records);
    mkt_ctx_free(ctx);
}

static void populate(mkt_ctx *ctx, const char *id)
{
    mkt_consent_change c = MKT_CONSENT_CHANGE_INIT;
    c.customer_id = id;
    c.status = MKT_CONSENT_GIVEN;
    c.source = "web-signup";
    c.ip = "203.0.113.9";
    for (int32_t ch = MKT_CHANNEL_EMAIL; ch <= MKT_CHANNEL_SMS; ch++) {
        c.channel = ch;
        int rc = mkt_consent_set(ctx, &c);
        if (rc)
            die(ctx, "consent", rc);
    }
    mkt_dnc_entry e = MKT_DNC_ENTRY_INIT;
    e.customer_id = id;
    e.scope = MKT_CHANNEL_SMS;
    e.reason = MKT_DNC_SMS_STOP;
    e.source = "sms";
    mkt_preferences p = MKT_PREFERENCES_INIT;
    p.customer_id = id;
    p.channel = MKT_CHANNEL_EMAIL;
    p.weekly_cap = 3;
    int rc = mkt_dnc_add(ctx, &e);
    if (rc == MKT_OK)
        rc = mkt_preferences_set(ctx, &p);
    if (rc)
        die(ctx, "populate", rc);
}

static void bench_erase(long customers)
{
    mkt_ctx *ctx;
    if (mkt_ctx_new(&ctx, NULL, NULL))
        die(NULL, "ctx", MKT_ENOMEM);
    char id[32];
    for (long i = 0; i < customers; i++) {
        snprintf(id, sizeof id, "C%07ld", i);
        populate(ctx, id);
    }
    const long n = customers / 10 ? customers / 10 : 1;
    mkt_audit_report rep;
    rep.struct_size = sizeof rep;
    mkt_audit_verify(ctx, &rep);
    unsigned long long before = (unsigned long long)rep.records;
    double t = now_s();
    for (long i = 0; i < n; i++) {
        snprintf(id, sizeof id, "C%07ld", i * 10);
        mkt_erase_request req = MKT_ERASE_REQUEST_INIT;
        req.customer_id = id;
        int rc = mkt_privacy_erase(ctx, &req, NULL);
        if (rc)
            die(ctx, "erase", rc);
    }
    t = now_s() - t;
    printf("erasure: %ld customers in %.3f s = %.2f ms each (audit log of %llu records)\n", n,
           t, t * 1e3 / (double)n, before);
    mkt_ctx_free(ctx);
}

int main(void)
{
    const char *env = getenv("MKT_BENCH_CUSTOMERS");
    long customers = env ? atol(env) : 2000;
    mkt_ctx *ctx;
    if (mkt_ctx_new(&ctx, NULL, NULL))
        die(NULL, "ctx", MKT_ENOMEM);
    bench_keywords();
    bench_tokens(ctx);
    mkt_ctx_free(ctx);
    bench_audit();
    bench_erase(customers);
    return 0;
}
